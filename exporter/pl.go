package exporter

import (
	"math"
	"strconv"

	"ledgerlens/model"
)

// printedPL is the number of leading plColumns a printed Segments sheet shows.
const printedPL = 13

// plColumn is one column of a segment P&L, the same in the text table, CSV,
// JSON and the Segments sheet.
type plColumn struct {
	key    string // CSV and JSON name
	header string // table and sheet header
	kind   kind
	get    func(r *model.SegmentRow) any  // model.Money, float64, int or string
	na     func(a *model.Analysis) string // why the whole column is n/a; nil or "" when it exists
}

func cogsNA(a *model.Analysis) string {
	if a.Profit.Basis.COGSKnown() {
		return ""
	}
	return a.Profit.Note
}

func profitNA(a *model.Analysis) string {
	if a.Profit.Basis.Known() {
		return ""
	}
	return a.Profit.Note
}

func clvPMNA(a *model.Analysis) string {
	if a.CLVInfo.Interval != "" {
		return ""
	}
	if !a.CLVInfo.Known {
		return clvNA(a)
	}
	return "intervals only for the probabilistic CLV models with invertible fits"
}

func expNA(a *model.Analysis) string {
	if a.ExpPurchases != nil {
		return ""
	}
	if a.Model != nil && !a.Model.OK {
		return "expected purchases need the count model, which was not fitted: " + a.Model.Why
	}
	return "expected purchases come from a fitted BG/NBD or Pareto/NBD model (clv_model is " + a.Params.CLVModel + ")"
}

func expPMNA(a *model.Analysis) string {
	if why := expNA(a); why != "" {
		return why
	}
	if a.HasExpInterval() {
		return ""
	}
	return "no interval: the count model's Hessian is not invertible at the optimum"
}

func clvNA(a *model.Analysis) string {
	if a.CLVInfo.Known {
		return ""
	}
	return "CLV not defined for this ledger: " + a.CLVInfo.Label
}

func riskNA(a *model.Analysis) string {
	if a.Risk.Available {
		return ""
	}
	return a.Risk.Why
}

// plColumns: the first printedPL are the key figures a printed Segments
// sheet shows (legible on one page width); the sheet, CSV and JSON have all.
var plColumns = []plColumn{
	{"segment", "Segment", kText, func(r *model.SegmentRow) any { return r.Segment }, nil},
	{"customers", "Customers", kInt, func(r *model.SegmentRow) any { return r.Customers }, nil},
	{"customer_share", "Customer share", kPct, func(r *model.SegmentRow) any { return r.CustomerShare }, nil},
	{"revenue", "Revenue", kMoney, func(r *model.SegmentRow) any { return r.Revenue }, nil},
	{"revenue_share", "Revenue share", kPct, func(r *model.SegmentRow) any { return r.RevenueShare }, nil},
	{"profit", "Profit (CM)", kMoney, func(r *model.SegmentRow) any { return r.CM }, profitNA},
	{"margin_pct", "Margin", kPct, func(r *model.SegmentRow) any { return r.CMPct }, profitNA},
	{"profit_share", "Profit share", kPct, func(r *model.SegmentRow) any { return r.CMShare }, profitNA},
	{"risk_adjusted_profit", "Risk-adj. profit", kMoney, func(r *model.SegmentRow) any { return r.RiskAdjCM }, riskAdjNA},
	{"total_clv", "Σ CLV", kMoney, func(r *model.SegmentRow) any { return r.TotalCLV }, clvNA},
	{"avg_clv", "Avg CLV", kMoney, avg(func(r *model.SegmentRow) model.Money { return r.AvgCLV }), clvNA},
	{"open_ar", "Open AR (gross)", kMoney, func(r *model.SegmentRow) any { return r.OpenAR }, riskNA},
	{"ecl", "ECL", kMoney, func(r *model.SegmentRow) any { return r.ECL }, riskNA},
	{"cogs", "COGS", kMoney, func(r *model.SegmentRow) any { return r.COGS }, cogsNA},
	{"gross_margin", "Gross margin", kMoney, func(r *model.SegmentRow) any { return r.GM }, cogsNA},
	{"cost_to_serve", "Cost to serve", kMoney, func(r *model.SegmentRow) any { return r.CTS }, profitNA},
	{"avg_profit", "Avg profit", kMoney, avg(func(r *model.SegmentRow) model.Money { return r.AvgCM }), profitNA},
	{"carrying_cost", "Carrying cost", kMoney, func(r *model.SegmentRow) any { return r.CarryCost }, riskAdjNA},
	{"min_price_factor", "Min. price factor", kFloat, func(r *model.SegmentRow) any { return r.MinPrice }, pricingNA},
	{"strategy", "Strategy (ZRL)", kText, func(r *model.SegmentRow) any {
		if r.Strategy == "" {
			return nil
		}
		return r.Strategy
	}, nil},
	{"total_clv_pm", "Σ CLV ± 90 %", kMoney, func(r *model.SegmentRow) any {
		if !r.HasCLVPM {
			return nil
		}
		return r.CLVPM
	}, clvPMNA},
	{"exp_purchases", "Exp. purchases", kFloat, func(r *model.SegmentRow) any { return r.ExpPurchases }, expNA},
	{"exp_purchases_pm", "Exp. purchases ± 90 %", kFloat, func(r *model.SegmentRow) any { return r.ExpPM }, expPMNA},
	{"unapplied_credits", "Unapplied credits", kMoney, func(r *model.SegmentRow) any { return r.Unapplied }, riskNA},
	{"net_ar", "Net AR", kMoney, func(r *model.SegmentRow) any { return r.NetAR }, riskNA},
	{"dso", "DSO", kFloat, func(r *model.SegmentRow) any { return r.DSO }, riskNA},
	{"categories_avg", "Avg categories", kFloat, func(r *model.SegmentRow) any { return r.Categories }, categoryNA},
	{"top_category", "Top category", kText, func(r *model.SegmentRow) any {
		if r.TopCategory == "" {
			return nil
		}
		return r.TopCategory
	}, categoryNA},
	{"top_category_share", "Top category share", kPct, func(r *model.SegmentRow) any { return r.TopCategoryShare }, categoryNA},
	{"action", "Recommended action", kText, func(r *model.SegmentRow) any {
		if r.Action == "" {
			return nil
		}
		return r.Action
	}, nil},
	{"repeat_customers", "Repeat customers", kInt, func(r *model.SegmentRow) any { return r.Repeaters }, nil},
	{"repeat_rate", "Repeat-purchase rate", kPct, func(r *model.SegmentRow) any { return r.RepeatRate }, nil},
}

func riskAdjNA(a *model.Analysis) string {
	if a.RiskAdjCM != nil {
		return ""
	}
	return a.RiskAdjNote
}

func pricingNA(a *model.Analysis) string {
	if a.MinPrice != nil {
		return ""
	}
	return a.PricingNote
}

func categoryNA(a *model.Analysis) string {
	if a.CategoryMix != nil {
		return ""
	}
	return "no product or category column in the ledger"
}

// avg is an average per customer: n/a for an empty segment.
func avg(get func(r *model.SegmentRow) model.Money) func(r *model.SegmentRow) any {
	return func(r *model.SegmentRow) any {
		if r.Customers == 0 {
			return nil
		}
		return get(r)
	}
}

// naOf says why a column is n/a for the whole analysis ("" when it exists).
func naOf(a *model.Analysis, col plColumn) string {
	if col.na == nil {
		return ""
	}
	return col.na(a)
}

// plValue is a P&L cell: nil where the figure does not exist (no cost basis,
// no payment data, an undefined ratio).
func plValue(a *model.Analysis, col plColumn, r *model.SegmentRow) any {
	if naOf(a, col) != "" {
		return nil
	}
	v := col.get(r)
	if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
		return nil
	}
	return v
}

// Cell formats: every output shows money at the ledger's decimals (amounts
// from models, such as CLV, are rounded to them), so that JSON, CSV, the
// table and the sheet show one value.

// textCell is a cell of a table for people: separators, "n/a".
func textCell(v any, k kind, dec int) string {
	switch x := v.(type) {
	case nil:
		return "n/a"
	case string:
		return x
	case int:
		return model.FormatMoney(int64(x), 0)
	case model.Money:
		return model.FormatMoney(x, dec)
	case float64:
		switch k {
		case kPct:
			return model.FormatPct(x)
		case kMoney:
			return model.FormatMoney(model.AmountMinor(x, dec), dec)
		}
		return model.FormatNumber(x, 1)
	}
	return ""
}

// plainCell is a CSV or JSON number: no separators, "" for n/a.
func plainCell(v any, k kind, dec int) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case model.Money:
		return model.MoneyString(x, dec)
	case float64:
		if k == kMoney {
			return model.MoneyString(model.AmountMinor(x, dec), dec)
		}
		return strconv.FormatFloat(x, 'f', 6, 64)
	}
	return ""
}

// sheetCell is an xlsx cell value: a number the number format shows, nil for n/a.
func sheetCell(v any, k kind, dec int) any {
	switch x := v.(type) {
	case model.Money:
		return moneyVal(x, dec)
	case float64:
		if k == kMoney {
			return moneyVal(model.AmountMinor(x, dec), dec)
		}
	}
	return v
}
