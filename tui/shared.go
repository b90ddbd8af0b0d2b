package tui

import (
	"fmt"
	"math"

	"github.com/charmbracelet/x/ansi"

	"ledgerlens/model"
	"ledgerlens/termtext"
)

// Shared is what every pane reads: styles, keys, language, the analysis on
// screen, the baseline and the scheme on screen. The root model owns it and
// changes it only in Update; panes never write to it.
type Shared struct {
	St       *Styles
	Keys     KeyMap
	Lang     string
	A        *model.Analysis // the analysis on screen
	BaseA    *model.Analysis // the baseline's analysis
	Params   model.Params
	Baseline model.Params
	Scheme   int // index into A.Schemes
}

// t is the text of a catalogue key in the user's language.
func (s *Shared) t(key string) string { return text(s.Lang, key) }

// tf formats a catalogue key's text with arguments.
func (s *Shared) tf(key string, args ...any) string { return fmt.Sprintf(text(s.Lang, key), args...) }

// name translates a name the model gives (segment, scheme title, field
// label, churn state); names not in the catalogue are data and shown as
// they are, made safe.
func (s *Shared) name(n string) string { return termtext.Clean(modelName(s.Lang, n)) }

// scheme is the scheme on screen.
func (s *Shared) scheme() *model.Scheme {
	if s.A == nil || len(s.A.Schemes) == 0 {
		return &model.Scheme{}
	}
	return &s.A.Schemes[min(s.Scheme, len(s.A.Schemes)-1)]
}

// money formats minor units with separators and a minus sign.
func (s *Shared) money(v model.Money) string { return model.FormatMoney(v, s.A.Decimals) }

// amount formats a float amount of major units (expected spend, value at
// risk) at the ledger's decimals.
func (s *Shared) amount(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return s.t("n/a")
	}
	return model.FormatMoney(model.AmountMinor(v, s.A.Decimals), s.A.Decimals)
}

// value formats a customer field's value for the screen.
func (s *Shared) value(f model.Field, v model.Value) string {
	if !v.OK {
		if f.Key == "rfm" {
			return "—"
		}
		return s.t("n/a")
	}
	switch f.Kind {
	case model.KindText:
		return s.name(v.Text)
	case model.KindMoney:
		return s.money(v.Money)
	case model.KindAmount:
		return s.amount(v.Num)
	case model.KindPct:
		return s.pct(v.Num)
	case model.KindInt:
		return fmtInt(int(v.Num))
	case model.KindDate:
		return v.Day.String()
	}
	return s.fnum(v.Num, 1)
}

func fmtInt(v int) string { return model.FormatMoney(int64(v), 0) }

func ansiTruncate(s string, w int) string { return ansi.Truncate(s, w, "…") }

// fnum formats a model figure or ratio with prec decimals and thousands
// separators, as the exporter and the model's sentences do; n/a, in the
// view's language, when undefined.
func (s *Shared) fnum(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return s.t("n/a")
	}
	return model.FormatNumber(v, prec)
}

// pct formats a share as the exporter and the report do ("25.3 %"); n/a
// in the view's language.
func (s *Shared) pct(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return s.t("n/a")
	}
	return model.FormatPct(v)
}
