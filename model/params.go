package model

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Params holds every analyst-tweakable parameter of analytics-spec §9 that
// the analysis uses. Stage-2 analysis is a pure function of (base, Params).
type Params struct {
	AsOf             Day // NoDay: the ledger's last date
	DefaultTermsDays int

	RFMWindowDays int
	RFMBins       int
	RFMScoring    string // tie (spec §1.2 D) | pandas (§1.2 A)
	RFMFrequency  string // documents | days
	RFMMonetary   string // sum | mean | margin
	RFMRBreaks    []float64
	RFMFBreaks    []float64
	RFMMBreaks    []float64
	RFMSegmentMap []SegmentRule

	PyramidKey             string    // revenue | margin | clv
	PyramidCutoffs         []float64 // cumulative shares of Platinum, Gold, Iron
	PyramidLeadNonPositive bool

	SpendTierMode       string    // percentile | absolute
	SpendTierCutoffs    []float64 // High, Medium: cumulative shares, or amounts (absolute)
	FrequencyTierMode   string
	FrequencyTierCutoff []float64
	CLVTierCutoffs      []float64

	CTSPerOrder        float64 // money per purchase document
	CTSPerLine         float64
	CTSPerReturn       float64
	CTSReturnValuePct  float64
	CTSPerLateInvoice  float64
	AssumedGMPct       float64 // NaN: unset
	BreakEvenEpsPct    float64
	CLVConvention      string // GL | OF | BL
	DiscountRateAnnual float64
	CLVHorizonYears    int     // 0: infinite
	RetentionOverride  float64 // NaN: estimate from the ledger
	CLVPeriod          string  // year | quarter

	CLVModel           string // bgnbd | pnbd (count model + Gamma-Gamma, falls back to simple) | auto (the better of the two) | simple
	CalibrationEnd     Day    // NoDay: no holdout; else the count models are also fitted up to it and checked on the rest
	ExpPurchasesDays   int    // horizon of the expected-purchases figure
	ModelTimeUnit      string // day | week | month
	CLVHorizonMonths   int
	CLVMonthlyDiscount float64
	DaysPerMonth       float64
	BGNBDPenalizer     float64
	PAliveVariant      string // bgnbd | mbgnbd
	ChurnMethod        string // ratio (§6.1) | p_alive (§6.2)
	PAliveActive       float64
	PAliveLapsed       float64

	ChurnAtRiskRatio   float64
	ChurnLapsedRatio   float64
	ChurnMinGapDays    int
	LifecycleNewDays   int
	LifecycleGrowthPct float64
	AttrMinShare       float64
	AttrGroups         []AttrGroup // value → group maps, each its own scheme
	AttrBands          []AttrBand  // numeric bands, each its own scheme
	ChannelMainShare   float64     // share of sales a channel needs to be a customer's channel (else Multi-channel)
	BreadthBroadMin    int         // categories from which a customer buys a broad range

	PatternMinPurchases int     // purchase days needed to tell a buying pattern
	PatternPeriodicCV   float64 // inter-purchase CV at or below which buying is periodic
	PatternBurstCV      float64 // inter-purchase CV at or above which buying is concentrated

	AgingBasis        string    // due | invoice
	AgingEdges        []float64 // days: Current ≤ e0 < 1–30 ≤ e1 …
	DSOMethod         string    // countback | simple
	DSOMonthDays      string    // calendar | 30
	LossRates         []float64 // per aging bucket
	LossRateSource    string    // illustrative | history
	ForwardMultiplier float64
	LossLookbackMonth int
	WriteoffDPD       int
	UtilWarn          float64
	UtilOver          float64
	ScoreWeights      []float64 // payment, >30 dpd share, utilisation, trend, tenure
	LGD               float64
	CostOfCapital     float64 // annual cost of capital k: receivable carrying cost
	TargetMargin      float64 // margin a minimum price must leave (§7.3)
	EarlyPaymentTerms string  // "d/D net N" terms whose implied rate and payoff are shown

	SegmentActions []SegmentAction // the analyst's action per scheme and segment, over the playbook's
	CohortPeriod   string          // month | quarter: the acquisition cohorts' period
	WarnRisePts    float64         // rise of a segment's returns share, overdue share or loss rate that is flagged

	MarketingScheme string          // the scheme whose segments get marketing spend (§7.2)
	MarketingSpend  []SegmentAmount // spend per segment, major units
	MarketingBudget float64         // budget to allocate, major units; 0: no allocation
	MarketingBounds []SegmentBounds // min and max allocation per segment
	MarketingRule   string          // romi (greedy by return) | clv (proportional to N × average CLV)
	MarketingUplift float64         // share of a segment's CLV the spend is assumed to add (CLV-based ROMI); 0: n/a
}

// SegmentRule names the RF codes (10·R + F, as "54") that form one RFM segment.
type SegmentRule struct {
	Name  string
	Codes []string
}

// DefaultRFMMap is spec §1.3 C: the widely used R×F grid with the cell
// R = 1, F = 1 split off as "Lost". Every one of the 25 cells is covered.
func DefaultRFMMap() []SegmentRule {
	return []SegmentRule{
		{"Champions", []string{"54", "55"}},
		{"Loyal Customers", []string{"34", "35", "44", "45"}},
		{"Potential Loyalist", []string{"42", "43", "52", "53"}},
		{"New Customers", []string{"51"}},
		{"Promising", []string{"41"}},
		{"Need Attention", []string{"33"}},
		{"About To Sleep", []string{"31", "32"}},
		{"Can't Lose Them", []string{"15", "25"}},
		{"At Risk", []string{"13", "14", "23", "24"}},
		{"Hibernating", []string{"12", "21", "22"}},
		{"Lost", []string{"11"}},
	}
}

// DefaultParams returns the spec's defaults.
func DefaultParams() Params {
	return Params{
		AsOf: NoDay, DefaultTermsDays: 30,
		RFMBins: 5, RFMScoring: "tie", RFMFrequency: "documents", RFMMonetary: "sum",
		RFMSegmentMap: DefaultRFMMap(),
		PyramidKey:    "revenue", PyramidCutoffs: []float64{0.01, 0.05, 0.20},
		SpendTierMode: "percentile", SpendTierCutoffs: []float64{0.20, 0.50},
		FrequencyTierMode: "percentile", FrequencyTierCutoff: []float64{0.20, 0.50},
		CLVTierCutoffs: []float64{0.20, 0.50},
		AssumedGMPct:   math.NaN(), BreakEvenEpsPct: 0.005,
		CLVConvention: "GL", DiscountRateAnnual: 0.10, RetentionOverride: math.NaN(), CLVPeriod: "year",
		CLVModel: "bgnbd", CalibrationEnd: NoDay, ExpPurchasesDays: 90, ModelTimeUnit: "day", CLVHorizonMonths: 12, CLVMonthlyDiscount: 0.01, DaysPerMonth: 30,
		PAliveVariant: "bgnbd", ChurnMethod: "ratio", PAliveActive: 0.7, PAliveLapsed: 0.3,
		ChurnAtRiskRatio: 1.5, ChurnLapsedRatio: 3.0, ChurnMinGapDays: 7,
		LifecycleNewDays: 90, LifecycleGrowthPct: 0.10, AttrMinShare: 0.01,
		ChannelMainShare: 0.8, BreadthBroadMin: 5,
		PatternMinPurchases: 4, PatternPeriodicCV: 0.5, PatternBurstCV: 1.5,
		AgingBasis: "due", AgingEdges: []float64{0, 30, 60, 90}, DSOMethod: "countback", DSOMonthDays: "calendar",
		LossRates: []float64{0.003, 0.016, 0.036, 0.066, 0.106}, LossRateSource: "illustrative", ForwardMultiplier: 1,
		LossLookbackMonth: 36, WriteoffDPD: 365, UtilWarn: 0.8, UtilOver: 1.0,
		ScoreWeights: []float64{0.45, 0.20, 0.15, 0.10, 0.10}, LGD: 1.0, CostOfCapital: 0.10,
		TargetMargin: 0, EarlyPaymentTerms: "2/10 net 30",
		MarketingScheme: "pyramid", MarketingRule: "romi", CohortPeriod: "quarter", WarnRisePts: 0.02,
	}
}

// rollRates says whether the loss rates come from the ledger's own history
// (the roll-rate method, which reads the rows).
func (p Params) rollRates() bool { return p.LossRateSource == "history" }

// Clone returns a deep copy.
func (p Params) Clone() Params {
	q := p
	q.RFMRBreaks, q.RFMFBreaks, q.RFMMBreaks = slices.Clone(p.RFMRBreaks), slices.Clone(p.RFMFBreaks), slices.Clone(p.RFMMBreaks)
	q.PyramidCutoffs, q.SpendTierCutoffs = slices.Clone(p.PyramidCutoffs), slices.Clone(p.SpendTierCutoffs)
	q.FrequencyTierCutoff, q.CLVTierCutoffs = slices.Clone(p.FrequencyTierCutoff), slices.Clone(p.CLVTierCutoffs)
	q.RFMSegmentMap = make([]SegmentRule, len(p.RFMSegmentMap))
	for i, r := range p.RFMSegmentMap {
		q.RFMSegmentMap[i] = SegmentRule{r.Name, slices.Clone(r.Codes)}
	}
	q.AgingEdges, q.LossRates, q.ScoreWeights = slices.Clone(p.AgingEdges), slices.Clone(p.LossRates), slices.Clone(p.ScoreWeights)
	q.MarketingSpend, q.MarketingBounds = slices.Clone(p.MarketingSpend), slices.Clone(p.MarketingBounds)
	q.SegmentActions = slices.Clone(p.SegmentActions)
	q.AttrGroups = make([]AttrGroup, len(p.AttrGroups))
	for i, g := range p.AttrGroups {
		q.AttrGroups[i] = AttrGroup{g.Attr, g.Group, slices.Clone(g.Values)}
	}
	q.AttrBands = make([]AttrBand, len(p.AttrBands))
	for i, b := range p.AttrBands {
		q.AttrBands[i] = AttrBand{b.Attr, slices.Clone(b.Cuts)}
	}
	return q
}

// ParamSpec describes one parameter: its §9 key, where it is shown, its unit
// and range, and how to read and write it as text.
type ParamSpec struct {
	Key   string
	Group string
	Unit  string
	Help  string
	Enum  []string // allowed values of a choice
	Step  float64  // step for ← → in the view (0: not steppable)
	Get   func(*Params) string
	Set   func(*Params, string) error
}

func fmtFloat(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func floatSpec(key, group, unit, help string, lo, hi, step float64, f func(*Params) *float64, optional bool) ParamSpec {
	return ParamSpec{Key: key, Group: group, Unit: unit, Help: help, Step: step,
		Get: func(p *Params) string { return fmtFloat(*f(p)) },
		Set: func(p *Params, s string) error {
			s = strings.TrimSpace(s)
			if optional && (s == "" || s == "unset") {
				*f(p) = math.NaN()
				return nil
			}
			v, err := parseNumber(key, s, lo, hi)
			if err != nil {
				return err
			}
			*f(p) = v
			return nil
		}}
}

func intSpec(key, group, unit, help string, lo, hi int, f func(*Params) *int) ParamSpec {
	return ParamSpec{Key: key, Group: group, Unit: unit, Help: help, Step: 1,
		Get: func(p *Params) string { return strconv.Itoa(*f(p)) },
		Set: func(p *Params, s string) error {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return fmt.Errorf("%s: %q is not a whole number", key, s)
			}
			if v < lo || v > hi {
				return fmt.Errorf("%s: %d is outside %d … %d", key, v, lo, hi)
			}
			*f(p) = v
			return nil
		}}
}

func enumSpec(key, group, help string, values []string, f func(*Params) *string) ParamSpec {
	return ParamSpec{Key: key, Group: group, Help: help, Enum: values,
		Get: func(p *Params) string { return *f(p) },
		Set: func(p *Params, s string) error {
			s = strings.TrimSpace(s)
			for _, v := range values {
				if strings.EqualFold(v, s) {
					*f(p) = v
					return nil
				}
			}
			return fmt.Errorf("%s: %q is not one of %s", key, s, strings.Join(values, ", "))
		}}
}

// listSpec is a list of numbers written "1, 5, 20"; n is the required
// length (0: any); increasing requires strictly increasing values.
func listSpec(key, group, unit, help string, n int, lo, hi float64, f func(*Params) *[]float64) ParamSpec {
	return ParamSpec{Key: key, Group: group, Unit: unit, Help: help,
		Get: func(p *Params) string {
			var parts []string
			for _, v := range *f(p) {
				parts = append(parts, fmtFloat(v))
			}
			return strings.Join(parts, ", ")
		},
		Set: func(p *Params, s string) error {
			s = strings.Trim(strings.TrimSpace(s), "[]")
			var out []float64
			if strings.TrimSpace(s) != "" {
				for _, part := range strings.Split(s, ",") {
					part = strings.TrimSpace(part)
					v, err := parseNumber(key, part, lo, hi)
					if err != nil {
						return err
					}
					if len(out) > 0 && v <= out[len(out)-1] {
						return fmt.Errorf("%s: values must increase (%s after %s)", key, part, fmtFloat(out[len(out)-1]))
					}
					out = append(out, v)
				}
			}
			if n > 0 && len(out) != n {
				return fmt.Errorf("%s: want %d values, got %d", key, n, len(out))
			}
			*f(p) = out
			return nil
		}}
}

// Specs lists every parameter in display order.
var Specs = []ParamSpec{
	{Key: "as_of", Group: "General", Unit: "date", Help: "analysis date; rows after it are ignored (empty: the ledger's last date)",
		Get: func(p *Params) string { return p.AsOf.String() },
		Set: func(p *Params, s string) error {
			s = strings.TrimSpace(s)
			if s == "" {
				p.AsOf = NoDay
				return nil
			}
			d, err := ParseISODay(s)
			if err != nil {
				return fmt.Errorf("as_of: %v", err)
			}
			p.AsOf = d
			return nil
		}},
	intSpec("default_terms_days", "General", "days", "payment terms when an invoice has no due date", 0, 3650, func(p *Params) *int { return &p.DefaultTermsDays }),

	intSpec("rfm_window_days", "RFM", "days", "history used for R, F, M (0: all)", 0, 36500, func(p *Params) *int { return &p.RFMWindowDays }),
	intSpec("rfm_bins", "RFM", "", "score levels (5 quintiles, 4 quartiles)", 2, 10, func(p *Params) *int { return &p.RFMBins }),
	enumSpec("rfm_scoring", "RFM", "tie: tie-aware percentiles (§1.2 D); pandas: rank-first qcut compatibility (§1.2 A)", []string{"tie", "pandas"}, func(p *Params) *string { return &p.RFMScoring }),
	enumSpec("rfm_frequency_unit", "RFM", "F counts purchase documents or purchase days", []string{"documents", "days"}, func(p *Params) *string { return &p.RFMFrequency }),
	enumSpec("rfm_monetary", "RFM", "M is net revenue (sum), mean per purchase, or contribution margin", []string{"sum", "mean", "margin"}, func(p *Params) *string { return &p.RFMMonetary }),
	listSpec("rfm_r_breaks", "RFM", "days", "custom recency breakpoints (empty: quantile scoring)", 0, 0, 1e6, func(p *Params) *[]float64 { return &p.RFMRBreaks }),
	listSpec("rfm_f_breaks", "RFM", "count", "custom frequency breakpoints, e.g. 2, 3, 5, 8", 0, 0, 1e9, func(p *Params) *[]float64 { return &p.RFMFBreaks }),
	listSpec("rfm_m_breaks", "RFM", "money", "custom monetary breakpoints", 0, -1e15, 1e15, func(p *Params) *[]float64 { return &p.RFMMBreaks }),
	{Key: "rfm_segment_map", Group: "RFM", Help: "segment = RF codes (R·10 + F); codes no segment names fall to Others",
		Get: func(p *Params) string { return FormatSegmentMap(p.RFMSegmentMap) },
		Set: func(p *Params, s string) error {
			m, err := ParseSegmentMap(s)
			if err != nil {
				return fmt.Errorf("rfm_segment_map: %v", err)
			}
			p.RFMSegmentMap = m
			return nil
		}},

	enumSpec("pyramid_key", "Pyramid", "rank customers by trailing-12-month revenue, margin, or CLV", []string{"revenue", "margin", "clv"}, func(p *Params) *string { return &p.PyramidKey }),
	listSpec("pyramid_cutoffs", "Pyramid", "cumulative share", "Platinum, Gold, Iron cut-offs (Curry 1/4/15/80)", 3, 0.0001, 1, func(p *Params) *[]float64 { return &p.PyramidCutoffs }),
	{Key: "pyramid_lead_nonpositive", Group: "Pyramid", Help: "customers with key ≤ 0 are Lead regardless of rank (ZRL)", Enum: []string{"false", "true"},
		Get: func(p *Params) string { return strconv.FormatBool(p.PyramidLeadNonPositive) },
		Set: func(p *Params, s string) error {
			v, err := strconv.ParseBool(strings.TrimSpace(s))
			if err != nil {
				return fmt.Errorf("pyramid_lead_nonpositive: %q is not true or false", s)
			}
			p.PyramidLeadNonPositive = v
			return nil
		}},

	enumSpec("spend_tier_mode", "Tiers", "spend tiers by percentile or by absolute amounts", []string{"percentile", "absolute"}, func(p *Params) *string { return &p.SpendTierMode }),
	listSpec("spend_tier_cutoffs", "Tiers", "share or money", "High, Medium: cumulative shares (percentile) or lower bounds High > Medium given low to high (absolute)", 2, 0, 1e15, func(p *Params) *[]float64 { return &p.SpendTierCutoffs }),
	enumSpec("frequency_tier_mode", "Tiers", "frequency tiers by percentile or absolute counts", []string{"percentile", "absolute"}, func(p *Params) *string { return &p.FrequencyTierMode }),
	listSpec("frequency_tier_cutoffs", "Tiers", "share or count", "High, Medium cut-offs", 2, 0, 1e9, func(p *Params) *[]float64 { return &p.FrequencyTierCutoff }),
	listSpec("clv_tier_cutoffs", "Tiers", "cumulative share", "High, Medium value cut-offs (20 % / 30 % / 50 %)", 2, 0.0001, 1, func(p *Params) *[]float64 { return &p.CLVTierCutoffs }),

	floatSpec("cts_per_order", "Profitability", "money", "cost to serve per purchase document", 0, 1e9, 1, func(p *Params) *float64 { return &p.CTSPerOrder }, false),
	floatSpec("cts_per_line", "Profitability", "money", "cost to serve per ledger line", 0, 1e9, 0.5, func(p *Params) *float64 { return &p.CTSPerLine }, false),
	floatSpec("cts_per_return", "Profitability", "money", "cost per credit note / return", 0, 1e9, 1, func(p *Params) *float64 { return &p.CTSPerReturn }, false),
	floatSpec("cts_return_value_pct", "Profitability", "share", "reverse-logistics cost as a share of returned value", 0, 1, 0.01, func(p *Params) *float64 { return &p.CTSReturnValuePct }, false),
	floatSpec("cts_per_late_invoice", "Profitability", "money", "collection cost per invoice paid after its due date", 0, 1e9, 1, func(p *Params) *float64 { return &p.CTSPerLateInvoice }, false),
	floatSpec("assumed_gm_pct", "Profitability", "share", "gross margin assumed when the ledger has no cost (empty: unset)", -1, 1, 0.01, func(p *Params) *float64 { return &p.AssumedGMPct }, true),
	floatSpec("breakeven_eps_pct", "Profitability", "share of mean |CM|", "|CM| below this counts as break-even", 0, 1, 0.001, func(p *Params) *float64 { return &p.BreakEvenEpsPct }, false),

	enumSpec("clv_simple_convention", "CLV", "GL m·r/(1+d−r); OF m/(1+d−r); BL m(1+d)/(1+d−r) (Fader & Hardie note 024)", []string{"GL", "OF", "BL"}, func(p *Params) *string { return &p.CLVConvention }),
	floatSpec("discount_rate_annual", "CLV", "per year", "discount rate d", -0.99, 10, 0.01, func(p *Params) *float64 { return &p.DiscountRateAnnual }, false),
	intSpec("clv_horizon_years", "CLV", "periods", "finite horizon T in periods (0: infinite)", 0, 100, func(p *Params) *int { return &p.CLVHorizonYears }),
	floatSpec("retention_override", "CLV", "per period", "retention r (empty: estimated from the ledger's cohorts)", 0, 0.9999, 0.01, func(p *Params) *float64 { return &p.RetentionOverride }, true),
	enumSpec("clv_period", "CLV", "period of the simple CLV model", []string{"year", "quarter"}, func(p *Params) *string { return &p.CLVPeriod }),

	enumSpec("clv_model", "CLV", "bgnbd: BG/NBD + Gamma-Gamma; pnbd: Pareto/NBD + Gamma-Gamma (simple CLV when the fit fails); auto: the better holdout fit (BIC without a holdout); simple: §4.1 only", []string{"bgnbd", "pnbd", "auto", "simple"}, func(p *Params) *string { return &p.CLVModel }),
	{Key: "calibration_end", Group: "CLV", Unit: "date", Help: "fit the count models up to this date and check their forecasts on the rest of the ledger (empty: no holdout)",
		Get: func(p *Params) string { return p.CalibrationEnd.String() },
		Set: func(p *Params, s string) error {
			s = strings.TrimSpace(s)
			if s == "" {
				p.CalibrationEnd = NoDay
				return nil
			}
			d, err := ParseISODay(s)
			if err != nil {
				return fmt.Errorf("calibration_end: %v", err)
			}
			p.CalibrationEnd = d
			return nil
		}},
	intSpec("exp_purchases_days", "CLV", "days", "horizon of the expected-purchases figure", 1, 3650, func(p *Params) *int { return &p.ExpPurchasesDays }),
	enumSpec("model_time_unit", "CLV", "time unit of the BG/NBD summary (week = days / 7)", []string{"day", "week", "month"}, func(p *Params) *string { return &p.ModelTimeUnit }),
	intSpec("clv_horizon_months", "CLV", "months", "BG/NBD CLV horizon", 1, 600, func(p *Params) *int { return &p.CLVHorizonMonths }),
	floatSpec("clv_monthly_discount", "CLV", "per month", "BG/NBD CLV discount rate (0.01 ≈ 12.7 % a year)", 0, 1, 0.001, func(p *Params) *float64 { return &p.CLVMonthlyDiscount }, false),
	floatSpec("days_per_month", "CLV", "days", "days in a month for the day unit (30 as lifetimes; 30.4375 = 365.25/12)", 28, 31, 0.0625, func(p *Params) *float64 { return &p.DaysPerMonth }, false),
	floatSpec("bgnbd_penalizer", "CLV", "", "L2 penalizer of the BG/NBD fit (retries 0.001, 0.01)", 0, 10, 0.001, func(p *Params) *float64 { return &p.BGNBDPenalizer }, false),
	enumSpec("p_alive_variant", "Churn", "P(alive) formula: bgnbd (1 for one-time buyers) or mbgnbd", []string{"bgnbd", "mbgnbd"}, func(p *Params) *string { return &p.PAliveVariant }),
	enumSpec("churn_method", "Churn", "churn state from recency ÷ inter-purchase time (ratio) or P(alive) bands", []string{"ratio", "p_alive"}, func(p *Params) *string { return &p.ChurnMethod }),
	floatSpec("p_alive_active", "Churn", "probability", "P(alive) at or above which a customer is active", 0, 1, 0.05, func(p *Params) *float64 { return &p.PAliveActive }, false),
	floatSpec("p_alive_lapsed", "Churn", "probability", "P(alive) below which a customer has likely churned", 0, 1, 0.05, func(p *Params) *float64 { return &p.PAliveLapsed }, false),
	floatSpec("churn_at_risk_ratio", "Churn", "× IPT", "recency / inter-purchase time above which a customer is at risk", 0.1, 100, 0.1, func(p *Params) *float64 { return &p.ChurnAtRiskRatio }, false),
	floatSpec("churn_lapsed_ratio", "Churn", "× IPT", "recency / inter-purchase time above which a customer has lapsed", 0.1, 100, 0.1, func(p *Params) *float64 { return &p.ChurnLapsedRatio }, false),
	intSpec("churn_min_gap_days", "Churn", "days", "floor on a customer's inter-purchase time", 1, 3650, func(p *Params) *int { return &p.ChurnMinGapDays }),
	intSpec("lifecycle_new_days", "Churn", "days", "tenure up to which a customer is New", 0, 3650, func(p *Params) *int { return &p.LifecycleNewDays }),
	floatSpec("lifecycle_growth_pct", "Churn", "share", "TTM vs prior 12 months change that counts as Growing / Declining", 0, 10, 0.01, func(p *Params) *float64 { return &p.LifecycleGrowthPct }, false),
	intSpec("pattern_min_purchases", "Churn", "purchase days", "purchase days needed to tell a buying pattern (fewer: too few purchases)", 3, 1000, func(p *Params) *int { return &p.PatternMinPurchases }),
	floatSpec("pattern_periodic_cv", "Churn", "CV", "coefficient of variation of the gaps between purchases at or below which buying is periodic", 0, 10, 0.05, func(p *Params) *float64 { return &p.PatternPeriodicCV }, false),
	floatSpec("pattern_burst_cv", "Churn", "CV", "coefficient of variation of the gaps at or above which buying is concentrated (bursts, then long pauses)", 0, 10, 0.05, func(p *Params) *float64 { return &p.PatternBurstCV }, false),
	enumSpec("aging_basis", "Risk", "age receivables by due date (IFRS 9 past due) or by invoice date", []string{"due", "invoice"}, func(p *Params) *string { return &p.AgingBasis }),
	listSpec("aging_edges", "Risk", "days", "bucket edges: Current ≤ first < … ≤ last < last bucket", 0, 0, 3650, func(p *Params) *[]float64 { return &p.AgingEdges }),
	enumSpec("dso_method", "Risk", "headline DSO: count-back or simple 3-month", []string{"countback", "simple"}, func(p *Params) *string { return &p.DSOMethod }),
	enumSpec("dso_month_days", "Risk", "month length in DSO: calendar days or 30", []string{"calendar", "30"}, func(p *Params) *string { return &p.DSOMonthDays }),
	{Key: "loss_rates", Group: "Risk", Unit: "share", Help: "loss rate per aging bucket (IASB illustrative 0.3/1.6/3.6/6.6/10.6 %)",
		Get: func(p *Params) string { return joinFloats(p.LossRates) },
		Set: func(p *Params, s string) error {
			v, err := parseFloats("loss_rates", s, 0, 1)
			if err != nil {
				return err
			}
			p.LossRates = v
			return nil
		}},
	enumSpec("lossrate_source", "Risk", "illustrative rates, or rates derived from the ledger by roll rates", []string{"illustrative", "history"}, func(p *Params) *string { return &p.LossRateSource }),
	floatSpec("forward_looking_multiplier", "Risk", "×", "forward-looking adjustment of the loss rates", 0, 10, 0.05, func(p *Params) *float64 { return &p.ForwardMultiplier }, false),
	intSpec("lossrate_lookback_months", "Risk", "months", "history used for roll rates", 3, 120, func(p *Params) *int { return &p.LossLookbackMonth }),
	intSpec("writeoff_candidate_dpd", "Risk", "days", "days past due that make an invoice a write-off candidate", 1, 3650, func(p *Params) *int { return &p.WriteoffDPD }),
	floatSpec("util_warn", "Risk", "share of limit", "credit utilisation that warns", 0, 10, 0.05, func(p *Params) *float64 { return &p.UtilWarn }, false),
	floatSpec("util_over", "Risk", "share of limit", "credit utilisation above which a customer is over limit", 0, 10, 0.05, func(p *Params) *float64 { return &p.UtilOver }, false),
	{Key: "credit_score_weights", Group: "Risk", Unit: "shares", Help: "payment, >30 dpd, utilisation, trend, tenure (sum 1)",
		Get: func(p *Params) string { return joinFloats(p.ScoreWeights) },
		Set: func(p *Params, s string) error {
			v, err := parseFloats("credit_score_weights", s, 0, 1)
			if err != nil {
				return err
			}
			if len(v) != 5 {
				return fmt.Errorf("credit_score_weights: want 5 weights, got %d", len(v))
			}
			p.ScoreWeights = v
			return nil
		}},
	floatSpec("cost_of_capital_k", "Risk", "per year", "annual cost of capital: receivables cost revenue × days to pay / 365 × k to carry (risk-adjusted profit)", 0, 1, 0.01, func(p *Params) *float64 { return &p.CostOfCapital }, false),
	floatSpec("target_margin", "Risk", "share of price", "margin the risk-based minimum price must leave (0: break-even after risk and carrying cost)", 0, 0.9, 0.01, func(p *Params) *float64 { return &p.TargetMargin }, false),
	{Key: "early_payment_terms", Group: "Risk", Unit: "terms", Help: "early-payment discount offered, d/D net N: its implied annual rate and for whom it pays",
		Get: func(p *Params) string { return p.EarlyPaymentTerms },
		Set: func(p *Params, s string) error {
			t, err := ParseEarlyTerms(s)
			if err != nil {
				return fmt.Errorf("early_payment_terms: %v", err)
			}
			p.EarlyPaymentTerms = t.String()
			return nil
		}},
	floatSpec("lgd", "Risk", "share", "loss given default of unsecured trade debt", 0, 1, 0.05, func(p *Params) *float64 { return &p.LGD }, false),
	{Key: "marketing_scheme", Group: "Marketing", Help: "the scheme whose segments get the marketing spend and budget (pyramid, rfm, region, …)",
		Get: func(p *Params) string { return p.MarketingScheme },
		Set: func(p *Params, s string) error {
			s = strings.TrimSpace(s)
			if s == "" {
				return errors.New("marketing_scheme: name a scheme (pyramid, rfm, region, …)")
			}
			p.MarketingScheme = s
			return nil
		}},
	{Key: "marketing_spend", Group: "Marketing", Unit: "money", Help: `spend per segment of marketing_scheme: "Platinum = 20000; Gold = 15000" (or --spend FILE)`,
		Get: func(p *Params) string { return FormatSegmentAmounts(p.MarketingSpend) },
		Set: func(p *Params, s string) error {
			v, err := ParseSegmentAmounts(s)
			if err != nil {
				return fmt.Errorf("marketing_spend: %v", err)
			}
			p.MarketingSpend = v
			return nil
		}},
	floatSpec("marketing_budget", "Marketing", "money", "budget the allocation helper splits between the segments (0: none)", 0, 1e15, 1000, func(p *Params) *float64 { return &p.MarketingBudget }, false),
	{Key: "marketing_bounds", Group: "Marketing", Unit: "money", Help: `allocation bounds per segment, min..max: "Platinum = 5000..30000; Lead = ..10000"`,
		Get: func(p *Params) string { return FormatSegmentBounds(p.MarketingBounds) },
		Set: func(p *Params, s string) error {
			v, err := ParseSegmentBounds(s)
			if err != nil {
				return fmt.Errorf("marketing_bounds: %v", err)
			}
			p.MarketingBounds = v
			return nil
		}},
	enumSpec("marketing_rule", "Marketing", "allocation: greedy by ROMI, or in proportion to N × average CLV", []string{"romi", "clv"}, func(p *Params) *string { return &p.MarketingRule }),
	floatSpec("marketing_clv_uplift", "Marketing", "share of CLV", "CLV the spend is assumed to add, as a share of the segment's CLV (CLV-based ROMI; 0: n/a)", 0, 1, 0.01, func(p *Params) *float64 { return &p.MarketingUplift }, false),
	floatSpec("early_warning_rise", "Risk", "share", "rise of a segment's returns share, overdue share or expected loss rate against the baseline or earlier period that is flagged", 0.001, 1, 0.005, func(p *Params) *float64 { return &p.WarnRisePts }, false),
	{Key: "segment_actions", Group: "General", Help: `recommended action per segment, over the playbook's: "rfm: At Risk = call within a week; pyramid: Lead = serve online only"`,
		Get: func(p *Params) string { return FormatSegmentActions(p.SegmentActions) },
		Set: func(p *Params, s string) error {
			v, err := ParseSegmentActions(s)
			if err != nil {
				return fmt.Errorf("segment_actions: %v", err)
			}
			p.SegmentActions = v
			return nil
		}},
	enumSpec("cohort_period", "General", "acquisition cohorts by the month or the quarter of the first purchase", []string{"month", "quarter"}, func(p *Params) *string { return &p.CohortPeriod }),
	floatSpec("attr_min_share", "General", "share of customers", "attribute values below this share fold into Other", 0, 0.5, 0.005, func(p *Params) *float64 { return &p.AttrMinShare }, false),
	{Key: "attr_groups", Group: "General", Help: `attribute values grouped, each attribute its own scheme: "region: Coastal = East, South; region: Inland = West"`,
		Get: func(p *Params) string { return FormatAttrGroups(p.AttrGroups) },
		Set: func(p *Params, s string) error {
			g, err := ParseAttrGroups(s)
			if err != nil {
				return fmt.Errorf("attr_groups: %v", err)
			}
			p.AttrGroups = g
			return nil
		}},
	{Key: "attr_bands", Group: "General", Help: `numeric attributes in bands, lower bound included: "employees: 50, 250; age: 30, 45, 60"`,
		Get: func(p *Params) string { return FormatAttrBands(p.AttrBands) },
		Set: func(p *Params, s string) error {
			b, err := ParseAttrBands(s)
			if err != nil {
				return fmt.Errorf("attr_bands: %v", err)
			}
			p.AttrBands = b
			return nil
		}},
	floatSpec("channel_main_share", "General", "share of sales", "a customer buying through several channels belongs to its largest when it holds this share, else to Multi-channel", 0.5, 1, 0.05, func(p *Params) *float64 { return &p.ChannelMainShare }, false),
	intSpec("breadth_broad_min", "General", "categories", "number of product categories from which a customer buys a broad range (2 up to it: few)", 3, 100000, func(p *Params) *int { return &p.BreadthBroadMin }),
}

// Spec returns the parameter with key k.
func Spec(k string) (ParamSpec, bool) {
	for _, s := range Specs {
		if s.Key == k {
			return s, true
		}
	}
	return ParamSpec{}, false
}

// Retired names parameters that earlier versions wrote into scenario files
// and that no longer exist, with the reason. Scenario readers skip them.
var Retired = map[string]string{
	"lang": "the display language is not an analysis parameter: use --lang",
}

// ErrRetired marks a parameter named in Retired.
var ErrRetired = errors.New("no longer a parameter")

// Set sets parameter key from text (as `--set key=value`).
func (p *Params) Set(key, value string) error {
	s, ok := Spec(key)
	if !ok {
		if why, retired := Retired[key]; retired {
			return fmt.Errorf("%q is %w: %s", key, ErrRetired, why)
		}
		return fmt.Errorf("unknown parameter %q", key)
	}
	return s.Set(p, value)
}

// Validate checks the combination of values; each problem names its
// parameter and the reason.
func (p *Params) Validate() error {
	var errs []string
	bad := func(key, format string, a ...any) { errs = append(errs, key+": "+fmt.Sprintf(format, a...)) }
	for _, s := range Specs { // each value on its own (a struct literal may bypass Set)
		if err := s.Set(&Params{RFMSegmentMap: p.RFMSegmentMap}, s.Get(p)); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if p.DiscountRateAnnual <= -1 {
		bad("discount_rate_annual", "must be > −1")
	}
	if r := p.RetentionOverride; !math.IsNaN(r) && 1+p.periodRate()-r <= 0 {
		bad("retention_override", "1 + d − r must be > 0 (d = %.4f per period, r = %g)", p.periodRate(), r)
	}
	if len(p.LossRates) != len(p.AgingEdges)+1 {
		bad("loss_rates", "want %d rates, one per aging bucket (%d edges + 1)", len(p.AgingEdges)+1, len(p.AgingEdges))
	}
	if len(p.AgingEdges) == 0 {
		bad("aging_edges", "need at least one edge")
	}
	if len(p.ScoreWeights) == 5 {
		sum := 0.0
		for _, w := range p.ScoreWeights {
			sum += w
		}
		if math.Abs(sum-1) > 1e-6 {
			bad("credit_score_weights", "must sum to 1 (sum %g)", sum)
		}
	}
	if p.UtilOver < p.UtilWarn {
		bad("util_over", "must be at least util_warn (%g)", p.UtilWarn)
	}
	if p.PAliveLapsed >= p.PAliveActive {
		bad("p_alive_lapsed", "must be below p_alive_active (%g)", p.PAliveActive)
	}
	if p.PatternBurstCV <= p.PatternPeriodicCV {
		bad("pattern_burst_cv", "must be above pattern_periodic_cv (%g)", p.PatternPeriodicCV)
	}
	if p.ChurnLapsedRatio <= p.ChurnAtRiskRatio {
		bad("churn_lapsed_ratio", "must be above churn_at_risk_ratio (%g)", p.ChurnAtRiskRatio)
	}
	if p.SpendTierMode == "percentile" && len(p.SpendTierCutoffs) == 2 && p.SpendTierCutoffs[1] > 1 {
		bad("spend_tier_cutoffs", "percentile cut-offs must be shares ≤ 1")
	}
	if p.FrequencyTierMode == "percentile" && len(p.FrequencyTierCutoff) == 2 && p.FrequencyTierCutoff[1] > 1 {
		bad("frequency_tier_cutoffs", "percentile cut-offs must be shares ≤ 1")
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// periodRate converts the annual discount rate to the simple CLV's period
// (spec §4.1: d_q = (1+d_a)^(1/4) − 1).
func (p *Params) periodRate() float64 {
	if p.CLVPeriod == "quarter" {
		return math.Pow(1+p.DiscountRateAnnual, 0.25) - 1
	}
	return p.DiscountRateAnnual
}

// FormatSegmentMap writes a segment map as "Name: 54 55; Other: 11".
func FormatSegmentMap(m []SegmentRule) string {
	var parts []string
	for _, r := range m {
		parts = append(parts, r.Name+": "+strings.Join(r.Codes, " "))
	}
	return strings.Join(parts, "; ")
}

// ParseSegmentMap reads the form FormatSegmentMap writes. Codes are two
// digits 1–9 (R then F); a code may belong to one segment only.
func ParseSegmentMap(s string) ([]SegmentRule, error) {
	var out []SegmentRule
	seen := map[string]string{}
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, codes, ok := strings.Cut(part, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("%q: want Name: codes", part)
		}
		r := SegmentRule{Name: name}
		for _, c := range strings.FieldsFunc(codes, func(r rune) bool { return r == ' ' || r == ',' }) {
			if len(c) != 2 || c[0] < '1' || c[0] > '9' || c[1] < '1' || c[1] > '9' {
				return nil, fmt.Errorf("segment %q: code %q is not two digits R F", name, c)
			}
			if other, dup := seen[c]; dup {
				return nil, fmt.Errorf("code %s is in both %q and %q", c, other, name)
			}
			seen[c] = name
			r.Codes = append(r.Codes, c)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty map")
	}
	return out, nil
}

func joinFloats(v []float64) string {
	var parts []string
	for _, x := range v {
		parts = append(parts, fmtFloat(x))
	}
	return strings.Join(parts, ", ")
}

// parseFloats reads "1, 2.5, 3%" (not necessarily increasing).
func parseFloats(key, s string, lo, hi float64) ([]float64, error) {
	var out []float64
	for _, part := range strings.Split(strings.Trim(strings.TrimSpace(s), "[]"), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		v, err := parseNumber(key, part, lo, hi)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// parseNumber reads one parameter number ("0.05" or "5%") within [lo, hi].
func parseNumber(key, s string, lo, hi float64) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s: %q is not a number", key, s)
	}
	if strings.HasSuffix(s, "%") {
		v /= 100
	}
	if v < lo || v > hi {
		return 0, fmt.Errorf("%s: %s is outside %s … %s", key, s, fmtFloat(lo), fmtFloat(hi))
	}
	return v, nil
}
