package model_test

import (
	"crypto/sha256"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"ledgerlens/importer"
	"ledgerlens/model"
)

// fingerprint hashes every figure of an analysis that anybody shows.
func fingerprint(a *model.Analysis) string {
	h := sha256.New()
	put := func(label string, v any) { fmt.Fprintf(h, "%s=%v\n", label, v) }
	put("n", a.N)
	put("asof", a.AsOf)
	for _, x := range []any{a.Revenue, a.COGS, a.GM, a.CTS, a.CM, a.CostEstimated, a.RevenueTTM, a.MarginTTM, a.Growth,
		a.R, a.F, a.M, a.RScore, a.FScore, a.MScore, a.IPT, a.ChurnRatio, a.Churn, a.ChurnConflict, a.CLV, a.CLVMoney,
		a.PAlive, a.ExpPurchases, a.Spend, a.ValueAtRisk, a.BestScore, a.CreditRisk, a.ChurnRisk, a.Best, a.Warnings,
		a.DaysToPay, a.CarryCost, a.RiskAdjCM, a.RiskAdjNote, a.PD, a.MinPrice, a.EarlyPays, a.EarlyTerms, a.PricingNote, a.MainChannel} {
		put("v", x)
	}
	for _, sc := range a.Schemes {
		put(sc.Key, fmt.Sprint(sc.Segments, sc.Assign, sc.Note, sc.Rows, sc.Total))
	}
	ps := a.Profit
	put("profit", fmt.Sprint(ps.Basis, ps.Note, ps.Order, ps.Cum, ps.TotalCM, ps.Peak, ps.PeakPct, ps.Profitable, ps.BreakEven, ps.Loss, ps.Destroyed, ps.Top20Pct, ps.Epsilon))
	put("clv", a.CLVInfo)
	if m := a.Model; m != nil {
		put("model", fmt.Sprint(m.Kind, m.BG, m.PNBD, m.BGStatus, m.GG, m.GGStatus, m.OK, m.Why))
	}
	if v := a.Validation; v != nil {
		put("validation", fmt.Sprint(v.CalEnd, v.Holdout, v.Customers, v.ByFreq, v.Tracking, v.CalIndex, v.Histogram, v.ActualHoldout, v.Best, v.BestWhy))
		for _, f := range v.Fits {
			put("fit", fmt.Sprint(f.Kind, f.Params, f.Status, f.AIC, f.BIC, f.MAE, f.Bias, f.PredictedTotal))
		}
	}
	put("risk", *a.Risk)
	if a.Budget != nil {
		put("budget", fmt.Sprint(*a.Budget))
	}
	if c := a.Cohorts(); c != nil {
		put("cohorts", fmt.Sprint(*c))
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func analyze(t testing.TB, e *model.Engine, set map[string]string) *model.Analysis {
	t.Helper()
	p := model.DefaultParams()
	for _, k := range slices.Sorted(mapsKeys(set)) {
		if err := p.Set(k, set[k]); err != nil {
			t.Fatalf("%s=%s: %v", k, set[k], err)
		}
	}
	a, err := e.Analyze(p)
	if err != nil {
		t.Fatalf("%v: %v", set, err)
	}
	return a
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// ledgerVariant returns a fresh demo ledger changed by f (the demo has cost,
// due dates and payments; some parameters apply only without them).
func ledgerVariant(t testing.TB, f func(l *model.Ledger)) *model.Ledger {
	led := demo(t)
	if f != nil {
		f(led)
	}
	return led
}

func noCost(l *model.Ledger) {
	l.HasCost = false
	for i := range l.Tx.CostKnown {
		l.Tx.CostKnown[i], l.Tx.Cost[i] = false, 0
	}
}

// noDocIDs makes every row its own document and puts some of a customer's
// documents on one day.
func noDocIDs(l *model.Ledger) {
	l.Tx.Doc = nil
	for i := 1; i < l.Tx.Len(); i += 2 {
		if l.Tx.Cust[i] == l.Tx.Cust[i-1] {
			l.Tx.Date[i] = l.Tx.Date[i-1]
		}
	}
}

func noDueDates(l *model.Ledger) {
	l.HasDue = false
	for i := range l.Tx.Due {
		l.Tx.Due[i] = model.NoDay
	}
}

// Every parameter in the registry changes the analysis on a ledger where it
// applies, and a warm engine (caches filled under other parameters) gives the
// same analysis as a fresh one: no cache key leaves a parameter out.
func TestEveryParameterDoesSomething(t *testing.T) {
	type variant struct {
		ledger  func(l *model.Ledger)
		context map[string]string
		value   string
		compare bool // the parameter shapes comparisons (early warnings), not one analysis
	}
	simple := map[string]string{"clv_model": "simple"}
	cases := map[string]variant{
		"as_of":                      {value: "2024-06-30"},
		"default_terms_days":         {ledger: noDueDates, value: "60"},
		"rfm_window_days":            {value: "365"},
		"rfm_bins":                   {value: "3"},
		"rfm_scoring":                {value: "pandas"},
		"rfm_frequency_unit":         {ledger: noDocIDs, value: "days"},
		"rfm_monetary":               {value: "mean"},
		"rfm_r_breaks":               {value: "30, 90, 180, 365"},
		"rfm_f_breaks":               {value: "2, 4, 8, 16"},
		"rfm_m_breaks":               {value: "1000, 5000, 20000, 50000"},
		"rfm_segment_map":            {value: "Best: 55, 54, 45, 44; Rest: 11, 12, 13, 14, 15, 21, 22, 23, 24, 25, 31, 32, 33, 34, 35, 41, 42, 43, 51, 52, 53"},
		"pyramid_key":                {value: "margin"},
		"pyramid_cutoffs":            {value: "0.02, 0.1, 0.3"},
		"pyramid_lead_nonpositive":   {context: map[string]string{"pyramid_cutoffs": "0.5, 0.8, 0.95"}, value: "true"},
		"spend_tier_mode":            {value: "absolute"},
		"spend_tier_cutoffs":         {value: "0.1, 0.3"},
		"frequency_tier_mode":        {value: "absolute"},
		"frequency_tier_cutoffs":     {value: "0.1, 0.3"},
		"clv_tier_cutoffs":           {value: "0.1, 0.3"},
		"cts_per_order":              {value: "12"},
		"cts_per_line":               {value: "1.5"},
		"cts_per_return":             {value: "20"},
		"cts_return_value_pct":       {value: "0.05"},
		"cts_per_late_invoice":       {value: "8"},
		"assumed_gm_pct":             {ledger: noCost, value: "0.3"},
		"breakeven_eps_pct":          {value: "0.2"},
		"clv_simple_convention":      {context: simple, value: "OF"},
		"discount_rate_annual":       {context: simple, value: "0.2"},
		"clv_horizon_years":          {context: simple, value: "5"},
		"retention_override":         {context: simple, value: "0.5"},
		"clv_period":                 {context: simple, value: "quarter"},
		"clv_model":                  {value: "simple"},
		"calibration_end":            {value: "2024-06-30"},
		"exp_purchases_days":         {value: "30"},
		"model_time_unit":            {value: "week"},
		"clv_horizon_months":         {value: "24"},
		"clv_monthly_discount":       {value: "0.02"},
		"days_per_month":             {value: "30.4375"},
		"bgnbd_penalizer":            {value: "0.1"},
		"p_alive_variant":            {value: "mbgnbd"},
		"churn_method":               {value: "p_alive"},
		"p_alive_active":             {context: map[string]string{"churn_method": "p_alive"}, value: "0.9"},
		"p_alive_lapsed":             {value: "0.5"},
		"churn_at_risk_ratio":        {context: simple, value: "1.2"},
		"churn_lapsed_ratio":         {value: "2"},
		"churn_min_gap_days":         {value: "60"},
		"lifecycle_new_days":         {value: "180"},
		"lifecycle_growth_pct":       {value: "0.3"},
		"pattern_min_purchases":      {value: "8"},
		"pattern_periodic_cv":        {value: "0.8"},
		"pattern_burst_cv":           {value: "1.1"},
		"aging_basis":                {value: "invoice"},
		"aging_edges":                {value: "0, 45, 90, 180"},
		"dso_method":                 {value: "simple"},
		"dso_month_days":             {value: "30"},
		"loss_rates":                 {value: "0.01, 0.02, 0.04, 0.08, 0.2"},
		"lossrate_source":            {value: "history"},
		"forward_looking_multiplier": {value: "1.5"},
		"lossrate_lookback_months":   {context: map[string]string{"lossrate_source": "history"}, value: "12"},
		"writeoff_candidate_dpd":     {value: "180"},
		"util_warn":                  {value: "0.5"},
		"util_over":                  {value: "0.9"},
		"credit_score_weights":       {value: "0.2, 0.2, 0.2, 0.2, 0.2"},
		"lgd":                        {value: "0.5"},
		"attr_min_share":             {value: "0.2"},
		"attr_groups":                {value: "region: Coastal = East, South"},
		"attr_bands":                 {value: "employees: 10, 100"},
		"channel_main_share":         {value: "0.6"},
		"breadth_broad_min":          {value: "3"},
		"cost_of_capital_k":          {value: "0.25"},
		"target_margin":              {value: "0.1"},
		"early_payment_terms":        {value: "1/10 net 60"},
		"cohort_period":              {value: "month"},
		"segment_actions":            {value: "pyramid: Lead = serve online only"},
		"early_warning_rise":         {value: "0.5", compare: true},
		"marketing_scheme":           {context: map[string]string{"marketing_spend": "Gold = 1000"}, value: "rfm"},
		"marketing_spend":            {value: "Gold = 20000"},
		"marketing_budget":           {value: "100000"},
		"marketing_bounds":           {context: map[string]string{"marketing_budget": "100000"}, value: "Gold = 10000..20000"},
		"marketing_rule":             {context: map[string]string{"marketing_budget": "100000"}, value: "clv"},
		"marketing_clv_uplift":       {context: map[string]string{"marketing_spend": "Gold = 20000"}, value: "0.05"},
	}
	for _, s := range model.Specs {
		if _, ok := cases[s.Key]; !ok {
			t.Errorf("parameter %s has no case here: add one (or remove the parameter)", s.Key)
		}
	}
	warm := map[string]*model.Engine{}
	for _, s := range model.Specs {
		v, ok := cases[s.Key]
		if !ok {
			continue
		}
		t.Run(s.Key, func(t *testing.T) {
			name := fmt.Sprintf("%p", v.ledger)
			if v.ledger == nil {
				name = "demo"
			}
			e, ok := warm[name]
			if !ok {
				e = model.NewEngine(ledgerVariant(t, v.ledger))
				warm[name] = e
			}
			if v.compare {
				then, now := analyze(t, e, map[string]string{"as_of": "2024-12-31"}), analyze(t, e, nil)
				later := analyze(t, e, map[string]string{s.Key: v.value})
				if fmt.Sprint(model.EarlyWarnings(then, now)) == fmt.Sprint(model.EarlyWarnings(then, later)) {
					t.Errorf("%s = %s changes no early warning", s.Key, v.value)
				}
				return
			}
			before := analyze(t, e, v.context)
			set := map[string]string{s.Key: v.value}
			for k, x := range v.context {
				set[k] = x
			}
			after := analyze(t, e, set)
			if fingerprint(before) == fingerprint(after) {
				t.Errorf("%s = %s changes nothing", s.Key, v.value)
			}
			fresh := analyze(t, model.NewEngine(ledgerVariant(t, v.ledger)), set)
			if fingerprint(fresh) != fingerprint(after) {
				t.Errorf("%s = %s: a warm engine gives another analysis than a fresh one (a cache key leaves it out)", s.Key, v.value)
			}
			// and back: the warm engine returns to the first result
			if fingerprint(analyze(t, e, v.context)) != fingerprint(before) {
				t.Errorf("%s: changing it back does not restore the analysis", s.Key)
			}
		})
	}
}

// Concurrent Analyze calls on one engine (the view recomputes in the
// background while the export reads) are safe under -race and give what a
// fresh engine gives.
func TestConcurrentAnalyze(t *testing.T) {
	led := demo(t)
	e := model.NewEngine(led)
	sets := []map[string]string{{}, {"clv_monthly_discount": "0.02"}, {"as_of": "2024-12-31"}, {"pyramid_key": "margin", "attr_min_share": "0.1"},
		{"aging_edges": "0, 45, 90", "loss_rates": "0.01, 0.02, 0.05, 0.5"}, {"model_time_unit": "week"}}
	got := make([]string, len(sets))
	var wg sync.WaitGroup
	for i, set := range sets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = fingerprint(analyze(t, e, set))
		}()
	}
	wg.Wait()
	for i, set := range sets {
		if want := fingerprint(analyze(t, model.NewEngine(led), set)); got[i] != want {
			t.Errorf("%v: concurrent analysis differs from a fresh one", set)
		}
	}
}

// An as-of date inside the ledger analyses the ledger as it was then: only
// customers with a document by that day, cut-offs taken over them.
func TestEarlierAsOf(t *testing.T) {
	led := demo(t)
	asOf := model.DayFromCivil(2024, 12, 31)
	seen := map[string]bool{}
	var rev model.Money
	for i, d := range led.Tx.Date {
		if d <= asOf {
			seen[led.Customers.ID[led.Tx.Cust[i]]] = true
			rev += led.Tx.Amount[i]
		}
	}
	a := analyze(t, model.NewEngine(led), map[string]string{"as_of": "2024-12-31"})
	if a.N != len(seen) || a.N == led.Customers.Len() {
		t.Fatalf("%d customers in the analysis, %d with a document by %s (of %d)", a.N, len(seen), asOf, led.Customers.Len())
	}
	if a.AsOfInfo.CustomersAbsent != led.Customers.Len()-len(seen) {
		t.Errorf("%d customers reported absent, want %d", a.AsOfInfo.CustomersAbsent, led.Customers.Len()-len(seen))
	}
	for _, id := range a.Led.Customers.ID {
		if !seen[id] {
			t.Fatalf("customer %s is in the analysis without a document by the as-of date", id)
		}
	}
	pyr, _ := a.SchemeByKey("pyramid")
	if pyr.Total.Revenue != rev {
		t.Errorf("revenue %d, rows up to the as-of date sum to %d", pyr.Total.Revenue, rev)
	}
	// Platinum is the top 1 % of the customers then (ties aside: none at the cut here)
	if want := int(math.Ceil(0.01 * float64(len(seen)))); pyr.Rows[0].Customers != want {
		t.Errorf("Platinum has %d customers, want ceil(1 %% × %d) = %d", pyr.Rows[0].Customers, len(seen), want)
	}
	for _, sc := range a.Schemes {
		if sc.Total.Customers != a.N {
			t.Errorf("%s counts %d customers, analysis %d", sc.Key, sc.Total.Customers, a.N)
		}
	}
}

// Without a cost column (and without assumed_gm_pct or CTS rates) no figure
// rests on cost: the basis says so, the profit fields are absent, the
// profitability scheme is n/a; with assumed_gm_pct the figures are estimated.
func TestNoCostLedger(t *testing.T) {
	led := ledgerVariant(t, noCost)
	e := model.NewEngine(led)
	a := analyze(t, e, nil)
	if a.Profit.Basis != model.ProfitUnavailable || a.Profit.Basis.Known() || a.Profit.TotalCM != 0 || a.Profit.Order != nil {
		t.Fatalf("basis %v, total %d", a.Profit.Basis, a.Profit.TotalCM)
	}
	for _, k := range []string{"cogs", "cts", "profit", "margin"} {
		if _, ok := a.Field(k); ok {
			t.Errorf("field %s offered without a cost basis", k)
		}
	}
	prof, _ := a.SchemeByKey("profitability")
	if prof.Rows[3].Segment != "n/a" || prof.Rows[3].Customers != a.N {
		t.Errorf("profitability scheme: %+v", prof.Rows)
	}
	if !strings.Contains(a.CLVInfo.Label, "revenue CLV") {
		t.Errorf("CLV without cost is labelled %q", a.CLVInfo.Label)
	}
	est := analyze(t, e, map[string]string{"assumed_gm_pct": "0.25"})
	if est.Profit.Basis != model.ProfitEstimated || !strings.Contains(est.Profit.Note, "estimated") || !est.CostEstimated[0] {
		t.Errorf("assumed margin: basis %v, note %q", est.Profit.Basis, est.Profit.Note)
	}
	cts := analyze(t, e, map[string]string{"cts_per_order": "5"})
	if cts.Profit.Basis != model.ProfitRevenueLessCTS || cts.Profit.Basis.COGSKnown() {
		t.Errorf("CTS only: basis %v", cts.Profit.Basis)
	}
	if _, ok := cts.Field("cogs"); ok {
		t.Error("COGS offered with cost-to-serve rates only")
	}
}

// Without payment data every receivable figure is n/a, not 0.
func TestNoPaymentLedger(t *testing.T) {
	led := ledgerVariant(t, func(l *model.Ledger) {
		l.HasPaid, l.HasPaidAmount, l.HasOutstanding = false, false, false
	})
	a := analyze(t, model.NewEngine(led), nil)
	if a.Risk.Available || a.Risk.Why == "" || a.CreditRisk != nil {
		t.Fatalf("risk available %v (%q)", a.Risk.Available, a.Risk.Why)
	}
	for _, k := range []string{"open", "unapplied", "net_ar", "ecl", "grade"} {
		if _, ok := a.Field(k); ok {
			t.Errorf("field %s offered without payment data", k)
		}
	}
	if cr, _ := a.SchemeByKey("credit"); cr.Rows[len(cr.Rows)-1].Customers != a.N {
		t.Error("credit grades assigned without payment data")
	}
}

// Gross open invoices, unapplied credits and net reconcile per customer,
// per segment and in total, with the base aggregates' own definition.
func TestReceivablesReconcile(t *testing.T) {
	for _, asOf := range []string{"", "2024-12-31"} {
		set := map[string]string{}
		if asOf != "" {
			set["as_of"] = asOf
		}
		a := analyze(t, model.NewEngine(demo(t)), set)
		r := a.Risk
		var gross, credits model.Money
		for c := 0; c < a.N; c++ {
			if r.CustAR[c] != a.Base.OpenInvoices[c] || r.CustUnapplied[c] != a.Base.OpenCredits[c] {
				t.Fatalf("customer %d: risk %d/%d, base %d/%d", c, r.CustAR[c], r.CustUnapplied[c], a.Base.OpenInvoices[c], a.Base.OpenCredits[c])
			}
			gross += r.CustAR[c]
			credits += r.CustUnapplied[c]
		}
		if gross != r.TotalAR || credits != r.Unapplied || r.NetAR != gross+credits || credits >= 0 {
			t.Errorf("as of %q: gross %d/%d, unapplied %d/%d, net %d", asOf, gross, r.TotalAR, credits, r.Unapplied, r.NetAR)
		}
		for _, sc := range a.Schemes {
			if sc.Total.OpenAR != r.TotalAR || sc.Total.Unapplied != r.Unapplied || sc.Total.NetAR != r.NetAR || sc.Total.ECL != r.TotalECL {
				t.Errorf("%s: total row %d/%d/%d/%d, risk %d/%d/%d/%d", sc.Key, sc.Total.OpenAR, sc.Total.Unapplied, sc.Total.NetAR, sc.Total.ECL,
					r.TotalAR, r.Unapplied, r.NetAR, r.TotalECL)
			}
		}
	}
}

// One loss figure: the whale curve's "profit destroyed" is the Loss
// segment's profit, negated; the loss count is its size.
func TestOneLossFigure(t *testing.T) {
	a := analyze(t, model.NewEngine(demo(t)), nil)
	prof, _ := a.SchemeByKey("profitability")
	loss := prof.Rows[2]
	if loss.Segment != "Loss" || -loss.CM != a.Profit.Destroyed || loss.Customers != a.Profit.Loss || prof.Rows[1].Customers != a.Profit.BreakEven {
		t.Errorf("Loss segment %d customers, profit %d; whale: %d loss customers destroy %d", loss.Customers, loss.CM, a.Profit.Loss, a.Profit.Destroyed)
	}
}

// The churn state and P(alive) never disagree silently: each disagreement
// is flagged, counted in the scheme's note, and is a real disagreement.
func TestChurnConflictFlagged(t *testing.T) {
	a := analyze(t, model.NewEngine(demo(t)), nil)
	n := 0
	for c := 0; c < a.N; c++ {
		if !a.ChurnConflict[c] {
			continue
		}
		n++
		if model.PAliveBand(a.PAlive[c], a.Params) == a.Churn[c] {
			t.Fatalf("customer %d flagged although state and band agree", c)
		}
	}
	churn, _ := a.SchemeByKey("churn")
	if n == 0 || !strings.Contains(churn.Note, fmt.Sprintf("%d customers' state differs", n)) {
		t.Errorf("%d conflicts; note %q", n, churn.Note)
	}
	idx := slices.Index(a.Led.Customers.ID, "C01960") // Lapsed by the rule, 65 % alive
	if idx < 0 || a.Churn[idx] != model.ChurnLapsed || !a.ChurnConflict[idx] {
		t.Errorf("C01960: state %v, conflict %v", a.Churn[idx], a.ChurnConflict[idx])
	}
}

// A fit that runs to the edge of the parameter space is reported in words
// and not used: the receivables ledger shows no dropout (a → 0).
func TestBoundaryFitNotUsed(t *testing.T) {
	led, _, err := importer.Load([]string{arPath}, importer.Options{})
	if err != nil {
		t.Skipf("shared data: %v", err)
	}
	a := analyze(t, model.NewEngine(led), nil)
	m := a.Model
	if m == nil || m.OK || !strings.Contains(m.BGStatus.Boundary, "no dropout") || !strings.Contains(m.Why, "no dropout") {
		t.Fatalf("model OK %v, boundary %q, why %q", m.OK, m.BGStatus.Boundary, m.Why)
	}
	if a.PAlive != nil || a.CLVInfo.Model != "simple" {
		t.Errorf("the unusable fit is still used: P(alive) %v, CLV %s", a.PAlive != nil, a.CLVInfo.Model)
	}
	found := false
	for _, w := range a.Warnings {
		found = found || strings.Contains(w, "every customer as alive")
	}
	if !found {
		t.Errorf("warnings %q", a.Warnings)
	}
}
