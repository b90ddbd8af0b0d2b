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

// customerColumns lists every customer figure and every scheme's segment.
func customerColumns(a *model.Analysis) []column {
	led, b := a.Led, a.Base
	cs := &led.Customers
	dec := a.Decimals
	m := func(v []model.Money) func(int) any { return func(c int) any { return moneyVal(v[c], dec) } }
	text := func(v []string) func(int) any { return func(c int) any { return v[c] } }
	cols := []column{
		{"Customer ID", kText, text(cs.ID)}, {"Name", kText, text(cs.Name)},
		{"Region", kText, text(cs.Region)}, {"Industry", kText, text(cs.Industry)},
		{"Channel", kText, text(cs.Channel)}, {"Customer type", kText, text(cs.Type)},
	}
	for _, at := range cs.Attrs {
		cols = append(cols, column{at.Name, kText, text(at.Values)})
	}
	cols = append(cols,
		column{"First date", kDate, func(c int) any { return dayVal(b.FirstDate[c]) }},
		column{"Last purchase", kDate, func(c int) any { return dayVal(b.LastPurchase[c]) }},
		column{"Documents", kInt, func(c int) any { return int(b.Docs[c]) }},
		column{"Recency (days)", kInt, func(c int) any {
			if a.R[c] < 0 {
				return nil
			}
			return int(a.R[c])
		}},
		column{"Frequency", kInt, func(c int) any { return int(a.F[c]) }},
		column{"Monetary", kMoney, func(c int) any { return a.M[c] }},
		column{"R score", kInt, func(c int) any { return scoreVal(a.RScore[c]) }},
		column{"F score", kInt, func(c int) any { return scoreVal(a.FScore[c]) }},
		column{"M score", kInt, func(c int) any { return scoreVal(a.MScore[c]) }},
		column{"Revenue", kMoney, m(a.Revenue)},
		column{"Revenue TTM", kMoney, m(a.RevenueTTM)},
		column{"COGS", kMoney, m(a.COGS)},
		column{"Cost to serve", kMoney, m(a.CTS)},
		column{"Profit (CM)", kMoney, m(a.CM)},
		column{"Margin", kPct, func(c int) any {
			if a.Revenue[c] <= 0 {
				return nil
			}
			return float64(a.CM[c]) / float64(a.Revenue[c])
		}},
		column{"Returns", kMoney, m(b.ReturnValue)},
		column{"CLV", kMoney, func(c int) any { return num(a.CLV[c]) }},
		column{"Purchase score", kFloat, func(c int) any { return num(a.BestScore[c]) }},
	)
	if a.PAlive != nil {
		cols = append(cols,
			column{"P(alive)", kPct, func(c int) any { return num(a.PAlive[c]) }},
			column{"Expected purchases 90d", kFloat, func(c int) any { return num(a.Exp90[c]) }},
			column{"Expected spend", kMoney, func(c int) any { return num(a.Spend[c]) }})
	}
	if r := a.Risk; r.Available {
		cols = append(cols,
			column{"Open AR", kMoney, m(r.CustAR)},
			column{"Overdue > 30", kMoney, m(r.Overdue30)},
			column{"ECL", kMoney, m(r.CustECL)},
			column{"Expected loss", kMoney, m(r.EL)},
			column{"DSO", kFloat, func(c int) any { return num(r.DSO[c]) }},
			column{"Days beyond terms", kFloat, func(c int) any { return num(r.DBT[c]) }},
			column{"Utilisation", kPct, func(c int) any { return num(r.Util[c]) }},
			column{"Credit score", kFloat, func(c int) any { return r.Score[c] }},
			column{"Credit grade", kText, func(c int) any { return model.Grades[r.Grade[c]] }},
			column{"Suggested action", kText, func(c int) any { return model.GradeAction(r.Grade[c]) }},
		)
	}
	for i := range a.Schemes {
		sc := &a.Schemes[i]
		cols = append(cols, column{"Segment: " + sc.Title, kText, func(c int) any { return sc.Segments[sc.Assign[c]] }})
	}
	return cols
}

func scoreVal(s int8) any {
	if s == 0 {
		return nil
	}
	return int(s)
}

// needsNeutral reports text a spreadsheet could read as a formula.
func needsNeutral(s string) bool {
	return s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')
}
