package model

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// FieldKind says what a customer field holds, and so how it is formatted.
type FieldKind int8

// Field kinds.
const (
	KindText   FieldKind = iota
	KindMoney            // Value.Money, in the ledger's minor units
	KindAmount           // Value.Num, money from a model in major units (CLV)
	KindPct              // Value.Num, a share (0.25 = 25 %)
	KindInt              // Value.Num, a count
	KindFloat            // Value.Num
	KindDate             // Value.Day
)

// Value is one customer's value of a field. OK is false where the figure
// does not exist (n/a): it is shown as "n/a", an empty cell or null.
type Value struct {
	Text  string
	Money Money
	Num   float64
	Day   Day
	OK    bool
}

// Sort returns the value as a number to sort by (n/a lowest).
func (v Value) Sort(k FieldKind) float64 {
	switch {
	case !v.OK:
		return math.Inf(-1)
	case k == KindMoney:
		return float64(v.Money)
	case k == KindDate:
		return float64(v.Day)
	}
	return v.Num
}

// Field is one customer figure: a column of the view's table, a filter
// field and an export column, declared once.
type Field struct {
	Key   string // filter name, e.g. "revenue"; "seg:KEY" for a scheme's segment
	Label string // column header in English (the view translates it)
	Kind  FieldKind
	Get   func(a *Analysis, c int) Value
	has   func(a *Analysis) bool // nil: every analysis has it
}

func text(s string) Value { return Value{Text: s, OK: true} }
func money(m Money) Value { return Value{Money: m, OK: true} }
func number[T int32 | int | float64](v T) Value {
	f := float64(v)
	return Value{Num: f, OK: !math.IsNaN(f) && !math.IsInf(f, 0)}
}
func day(d Day) Value { return Value{Day: d, OK: d != NoDay} }

func profitKnown(a *Analysis) bool { return a.Profit.Basis.Known() }
func cogsKnown(a *Analysis) bool   { return a.Profit.Basis.COGSKnown() }
func hasModel(a *Analysis) bool    { return a.PAlive != nil }
func clvKnown(a *Analysis) bool    { return a.CLVInfo.Known }
func hasRisk(a *Analysis) bool     { return a.Risk != nil && a.Risk.Available }

func hasRiskAdj(a *Analysis) bool { return a.RiskAdjCM != nil }

// hasRows: the figure needs dated transactions (not a customer-level ledger).
func hasRows(a *Analysis) bool { return !a.Base.CustomerLevel }

// hasTTM, hasReturns: the rows, or a customer-level ledger that gives them
// (a database's summary).
func hasTTM(a *Analysis) bool     { return hasRows(a) || a.given.ttm }
func hasReturns(a *Analysis) bool { return hasRows(a) || a.given.serve }
func hasBalances(a *Analysis) bool {
	return a.Led.Totals != nil && slices.Contains(a.Led.Totals.HasBalance, true)
}
func hasPricing(a *Analysis) bool    { return a.MinPrice != nil }
func hasChannelMix(a *Analysis) bool { return a.ChannelMix != nil }
func hasCategories(a *Analysis) bool { return a.CategoryMix != nil }

// mixText is a customer's mix, "Online 62 % · Store 38 %" (n/a without a value).
func mixText(m *Mix, c int) Value {
	if m.Distinct(c) == 0 {
		return Value{}
	}
	return text(m.Describe(c, 3))
}

func topShare(m *Mix, c int) Value {
	if _, share, ok := m.Top(c); ok {
		return number(share)
	}
	return Value{}
}

func custText(get func(cs *Customers) []string) func(a *Analysis, c int) Value {
	return func(a *Analysis, c int) Value { return text(get(&a.Led.Customers)[c]) }
}

func riskMoney(get func(r *Risk) []Money) func(a *Analysis, c int) Value {
	return func(a *Analysis, c int) Value { return money(get(a.Risk)[c]) }
}

func riskNum(get func(r *Risk) []float64) func(a *Analysis, c int) Value {
	return func(a *Analysis, c int) Value { return number(get(a.Risk)[c]) }
}

// customerFields is the catalogue, in display order. Attributes and schemes
// are added per analysis by Fields.
var customerFields = []Field{
	{"customer", "Customer ID", KindText, custText(func(cs *Customers) []string { return cs.ID }), nil},
	{"name", "Name", KindText, custText(func(cs *Customers) []string { return cs.Name }), nil},
	{"region", "Region", KindText, custText(func(cs *Customers) []string { return cs.Region }), nil},
	{"industry", "Industry", KindText, custText(func(cs *Customers) []string { return cs.Industry }), nil},
	{"channel", "Channel", KindText, func(a *Analysis, c int) Value {
		if a.MainChannel != nil {
			return text(a.MainChannel[c])
		}
		return text(a.Led.Customers.Channel[c])
	}, nil},
	{"channel_mix", "Channel mix", KindText, func(a *Analysis, c int) Value { return mixText(a.ChannelMix, c) }, hasChannelMix},
	{"channel_share", "Main channel share", KindPct, func(a *Analysis, c int) Value { return topShare(a.ChannelMix, c) }, hasChannelMix},
	{"categories", "Categories", KindInt, func(a *Analysis, c int) Value {
		if n := a.CategoryMix.Distinct(c); n > 0 {
			return number(n)
		}
		return Value{}
	}, hasCategories},
	{"top_category", "Top category", KindText, func(a *Analysis, c int) Value {
		if v, _, ok := a.CategoryMix.Top(c); ok {
			return text(v)
		}
		return Value{}
	}, hasCategories},
	{"top_category_share", "Top category share", KindPct, func(a *Analysis, c int) Value { return topShare(a.CategoryMix, c) }, hasCategories},
	{"type", "Customer type", KindText, custText(func(cs *Customers) []string { return cs.Type }), nil},
	{"first_date", "First date", KindDate, func(a *Analysis, c int) Value { return day(a.Base.FirstDate[c]) }, nil},
	{"last_purchase", "Last purchase", KindDate, func(a *Analysis, c int) Value { return day(a.Base.LastPurchase[c]) }, nil},
	{"documents", "Documents", KindInt, func(a *Analysis, c int) Value { return number(a.Base.Docs[c]) }, nil},
	{"recency", "Recency (days)", KindInt, func(a *Analysis, c int) Value {
		if a.R[c] < 0 {
			return Value{}
		}
		return number(a.R[c])
	}, nil},
	{"frequency", "Frequency", KindInt, func(a *Analysis, c int) Value { return number(a.F[c]) }, nil},
	{"monetary", "Monetary", KindAmount, func(a *Analysis, c int) Value { return number(a.M[c]) }, nil},
	{"rfm", "RFM", KindText, func(a *Analysis, c int) Value {
		if a.RScore[c] == 0 {
			return Value{}
		}
		return text(fmt.Sprintf("%d%d%d", a.RScore[c], a.FScore[c], a.MScore[c]))
	}, nil},
	{"r", "R score", KindInt, scoreValue(func(a *Analysis) []int8 { return a.RScore }), nil},
	{"f", "F score", KindInt, scoreValue(func(a *Analysis) []int8 { return a.FScore }), nil},
	{"m", "M score", KindInt, scoreValue(func(a *Analysis) []int8 { return a.MScore }), nil},
	{"revenue", "Revenue", KindMoney, func(a *Analysis, c int) Value { return money(a.Revenue[c]) }, nil},
	{"revenue_ttm", "Revenue TTM", KindMoney, func(a *Analysis, c int) Value { return money(a.RevenueTTM[c]) }, hasTTM},
	{"cogs", "COGS", KindMoney, func(a *Analysis, c int) Value { return money(a.COGS[c]) }, cogsKnown},
	{"cts", "Cost to serve", KindMoney, func(a *Analysis, c int) Value { return money(a.CTS[c]) }, profitKnown},
	{"profit", "Profit (CM)", KindMoney, func(a *Analysis, c int) Value { return money(a.CM[c]) }, profitKnown},
	{"margin", "Margin", KindPct, func(a *Analysis, c int) Value {
		if a.Revenue[c] <= 0 {
			return Value{}
		}
		return number(float64(a.CM[c]) / float64(a.Revenue[c]))
	}, profitKnown},
	{"days_to_pay", "Days to pay", KindFloat, func(a *Analysis, c int) Value { return number(a.DaysToPay[c]) }, hasRiskAdj},
	{"carrying_cost", "Carrying cost", KindMoney, func(a *Analysis, c int) Value { return money(a.CarryCost[c]) }, hasRiskAdj},
	{"risk_adjusted_profit", "Risk-adjusted profit", KindMoney, func(a *Analysis, c int) Value { return money(a.RiskAdjCM[c]) }, hasRiskAdj},
	{"pd", "PD", KindPct, func(a *Analysis, c int) Value { return number(a.PD[c]) }, hasPricing},
	{"min_price", "Minimum price factor", KindFloat, func(a *Analysis, c int) Value { return number(a.MinPrice[c]) }, hasPricing},
	{"early_discount_pays", "Early discount pays", KindText, func(a *Analysis, c int) Value {
		if a.EarlyPays[c] {
			return text("yes")
		}
		return text("no")
	}, hasPricing},
	{"balance", "Balance", KindMoney, func(a *Analysis, c int) Value {
		if t := a.Led.Totals; t.HasBalance[c] {
			return money(t.Balance[c])
		}
		return Value{}
	}, hasBalances},
	{"balance_util", "Balance / limit", KindPct, func(a *Analysis, c int) Value {
		t, cs := a.Led.Totals, &a.Led.Customers
		if !t.HasBalance[c] || !cs.HasLimit[c] || cs.CreditLimit[c] <= 0 {
			return Value{}
		}
		return number(float64(t.Balance[c]) / float64(cs.CreditLimit[c]))
	}, hasBalances},
	{"returns", "Returns", KindMoney, func(a *Analysis, c int) Value { return money(a.Base.ReturnValue[c]) }, hasReturns},
	{"clv", "CLV", KindMoney, func(a *Analysis, c int) Value { return money(a.CLVMoney[c]) }, clvKnown},
	{"gap_cv", "Purchase-gap CV", KindFloat, func(a *Analysis, c int) Value { return number(a.GapCV[c]) }, nil},
	{"score", "Purchase score", KindFloat, func(a *Analysis, c int) Value { return number(a.BestScore[c]) }, nil},
	{"palive", "P(alive)", KindPct, func(a *Analysis, c int) Value { return number(a.PAlive[c]) }, hasModel},
	{"exp_purchases", "Expected purchases", KindFloat, func(a *Analysis, c int) Value { return number(a.ExpPurchases[c]) }, hasModel},
	{"spend", "Expected spend", KindAmount, func(a *Analysis, c int) Value { return number(a.Spend[c]) }, hasModel},
	{"open", "Open AR (gross)", KindMoney, riskMoney(func(r *Risk) []Money { return r.CustAR }), hasRisk},
	{"unapplied", "Unapplied credits", KindMoney, riskMoney(func(r *Risk) []Money { return r.CustUnapplied }), hasRisk},
	{"net_ar", "Net AR", KindMoney, func(a *Analysis, c int) Value { return money(a.Risk.CustAR[c] + a.Risk.CustUnapplied[c]) }, hasRisk},
	{"overdue30", "Overdue > 30", KindMoney, riskMoney(func(r *Risk) []Money { return r.Overdue30 }), hasRisk},
	{"ecl", "ECL", KindMoney, riskMoney(func(r *Risk) []Money { return r.CustECL }), hasRisk},
	{"el", "Expected loss", KindMoney, riskMoney(func(r *Risk) []Money { return r.EL }), hasRisk},
	{"dso", "DSO", KindFloat, riskNum(func(r *Risk) []float64 { return r.DSO }), hasRisk},
	{"dbt", "Days beyond terms", KindFloat, riskNum(func(r *Risk) []float64 { return r.DBT }), hasRisk},
	{"util", "Utilisation", KindPct, riskNum(func(r *Risk) []float64 { return r.Util }), hasRisk},
	{"credit_score", "Credit score", KindFloat, riskNum(func(r *Risk) []float64 { return r.Score }), hasRisk},
	{"grade", "Credit grade", KindText, func(a *Analysis, c int) Value { return text(Grades[a.Risk.Grade[c]]) }, hasRisk},
	{"action", "Suggested action", KindText, func(a *Analysis, c int) Value { return text(GradeAction(a.Risk.Grade[c])) }, hasRisk},
}

func scoreValue(get func(a *Analysis) []int8) func(a *Analysis, c int) Value {
	return func(a *Analysis, c int) Value {
		if s := get(a)[c]; s != 0 {
			return number(int(s))
		}
		return Value{}
	}
}

// keyFields are the figures a printed customer list shows, in this order;
// Fields puts them first.
var keyFields = []string{"customer", "name", "region", "industry", "channel", "type", "revenue", "profit", "margin", "clv", "open", "net_ar", "grade", "palive"}

// IsKeyField reports whether a field is one of the key figures.
func IsKeyField(key string) bool { return slices.Contains(keyFields, key) }

// Fields lists the customer fields this analysis has: the key figures
// first (a printed list shows those), then each extra attribute, the other
// figures of the catalogue, and one segment field per scheme ("seg:pyramid",
// labelled "Segment: Value pyramid"). Figures the ledger cannot give (profit
// without a cost basis) are left out. The list is part of the finished
// analysis: callers must not modify it.
func (a *Analysis) Fields() []Field { return a.fields }

// buildFields makes the list Fields returns (once, at the end of Analyze).
func (a *Analysis) buildFields() []Field {
	var key, rest []Field
	for _, f := range customerFields {
		if f.has != nil && !f.has(a) {
			continue
		}
		if IsKeyField(f.Key) {
			key = append(key, f)
		} else {
			rest = append(rest, f)
		}
	}
	slices.SortStableFunc(key, func(x, y Field) int { return slices.Index(keyFields, x.Key) - slices.Index(keyFields, y.Key) })
	out := key
	for i := range a.Led.Customers.Attrs {
		at := &a.Led.Customers.Attrs[i]
		out = append(out, Field{Key: "attr:" + strings.ToLower(at.Name), Label: at.Name, Kind: KindText,
			Get: func(_ *Analysis, c int) Value { return text(at.Values[c]) }})
	}
	out = append(out, rest...)
	for i := range a.Schemes {
		sc := &a.Schemes[i]
		out = append(out, Field{Key: "seg:" + strings.TrimPrefix(sc.Key, "attr:"), Label: "Segment: " + sc.Title, Kind: KindText,
			Get: func(_ *Analysis, c int) Value { return text(sc.Segments[sc.Assign[c]]) }})
	}
	// each customer's recommended action in every scheme that has actions
	// (SegmentValues gives the same per segment)
	for i := range a.Schemes {
		sc := &a.Schemes[i]
		if !a.HasActions(sc) {
			continue
		}
		out = append(out, Field{Key: "act:" + strings.TrimPrefix(sc.Key, "attr:"), Label: "Action: " + sc.Title, Kind: KindText,
			Get: func(_ *Analysis, c int) Value {
				if act := sc.Rows[sc.Assign[c]].Action; act != "" {
					return text(act)
				}
				return Value{}
			}})
	}
	return out
}

// Field finds a field of this analysis by key; "segment:KEY" and "seg:KEY"
// are the same.
func (a *Analysis) Field(key string) (Field, bool) {
	key = strings.ToLower(key)
	if k, ok := strings.CutPrefix(key, "segment:"); ok {
		key = "seg:" + k
	}
	if i, ok := a.fieldIx[key]; ok {
		return a.fields[i], true
	}
	return Field{}, false
}

// Has reports whether the analysis has the field's figure.
func (f Field) Has(a *Analysis) bool { return f.has == nil || f.has(a) }

// SegmentValues gives, for a field with one value a segment (seg:KEY, a
// scheme's segment; act:KEY, its action), each customer's segment and each
// segment's value as the field's Get gives it ("": none), in the scheme's
// order.
func (a *Analysis) SegmentValues(key string) ([]int16, []string, bool) {
	kind, name, ok := strings.Cut(key, ":")
	if !ok || (kind != "seg" && kind != "act") {
		return nil, nil, false
	}
	for i := range a.Schemes {
		sc := &a.Schemes[i]
		if strings.TrimPrefix(sc.Key, "attr:") != name {
			continue
		}
		if kind == "seg" {
			return sc.Assign, sc.Segments, true
		}
		if !a.HasActions(sc) {
			return nil, nil, false
		}
		acts := make([]string, len(sc.Rows))
		for k, r := range sc.Rows {
			acts[k] = r.Action
		}
		return sc.Assign, acts, true
	}
	return nil, nil, false
}
