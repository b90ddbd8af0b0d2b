package tui

import (
	"math"
	"strconv"

	"github.com/charmbracelet/x/ansi"

	"ledgerlens/exporter"
	"ledgerlens/model"
)

func fmtInt(v int) string { return model.FormatMoney(int64(v), 0) }

func ansiTruncate(s string, w int) string { return ansi.Truncate(s, w, "…") }

// money formats minor units with separators and a minus sign.
func (m *Model) money(v model.Money) string { return model.FormatMoney(v, m.a.Decimals) }

// amount formats a float amount of major units (expected spend, value at
// risk) at the ledger's decimals.
func (m *Model) amount(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return model.FormatMoney(exporter.AmountMinor(v, m.a.Decimals), m.a.Decimals)
}

func fnum(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}
