package exporter

import (
	"math"
	"time"

	"ledgerlens/model"
)

// kind says how a column is formatted.
type kind int

const (
	kText kind = iota
	kMoney
	kPct
	kInt
	kFloat
	kDate
)

// column is one column of the customer table (sheet and CSV alike).
type column struct {
	header string
	kind   kind
	get    func(c int) any // nil for an empty cell
	key    bool            // a key figure: printed (model.IsKeyField)
}

// moneyVal converts minor units to a float for a spreadsheet cell; the cell
// is a number, and the sum of a column reconciles with the totals because
// every value has at most the ledger's decimals.
func moneyVal(v model.Money, dec int) float64 {
	return float64(v) / float64(model.Pow10(dec))
}

func dayVal(d model.Day) any {
	if d == model.NoDay {
		return nil
	}
	y, m, dd := d.Civil()
	return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC)
}

func num(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

// cellOf turns a field value into a cell value (nil when n/a).
func cellOf(v model.Value, k model.FieldKind, dec int) any {
	if !v.OK {
		return nil
	}
	switch k {
	case model.KindText:
		return v.Text
	case model.KindMoney:
		return moneyVal(v.Money, dec)
	case model.KindDate:
		return dayVal(v.Day)
	case model.KindInt:
		return int(v.Num)
	}
	return v.Num
}

func kindOf(k model.FieldKind) kind {
	switch k {
	case model.KindMoney, model.KindAmount:
		return kMoney
	case model.KindPct:
		return kPct
	case model.KindInt:
		return kInt
	case model.KindFloat:
		return kFloat
	case model.KindDate:
		return kDate
	}
	return kText
}

// customerColumns are the analysis' customer fields (model.Analysis.Fields):
// the same catalogue the view's table and filter use.
func customerColumns(a *model.Analysis) []column {
	var cols []column
	for _, f := range a.Fields() {
		cols = append(cols, column{f.Label, kindOf(f.Kind), func(c int) any { return cellOf(f.Get(a, c), f.Kind, a.Decimals) }, model.IsKeyField(f.Key)})
	}
	return cols
}

// needsNeutral reports text a spreadsheet could read as a formula.
func needsNeutral(s string) bool {
	return s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')
}
