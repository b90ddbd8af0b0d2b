// Package exporter turns an analysis into files and printed reports:
// the segment report (table, CSV, JSON) and the Excel workbook.
package exporter

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mattn/go-runewidth"

	"ledgerlens/model"
	"ledgerlens/termtext"
)

// valueTable renders cell values (money, counts, ratios, text; nil n/a) as a
// Table, numbers formatted by their column's kind and right-aligned.
func valueTable(w io.Writer, headers []string, kinds []kind, values [][]any, dec int) {
	right := make([]bool, len(kinds))
	for i, k := range kinds {
		right[i] = k != kText
	}
	cells := make([][]string, len(values))
	for r, row := range values {
		for i, v := range row {
			cells[r] = append(cells[r], textCell(v, kinds[i], dec))
		}
	}
	Table(w, headers, cells, right)
}

// Table renders rows as aligned text columns; right[i] right-aligns column i.
// Widths are display widths, so Chinese text lines up.
func Table(w io.Writer, headers []string, rows [][]string, right []bool) {
	for _, r := range append([][]string{headers}, rows...) {
		for i := range r {
			r[i] = termtext.Clean(r[i]) // data in cells: shown, not sent; widths right
		}
	}
	widths := make([]int, len(headers))
	for _, r := range append([][]string{headers}, rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], runewidth.StringWidth(c))
		}
	}
	line := func(r []string) {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-runewidth.StringWidth(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if right[i] {
				b.WriteString(pad + c)
			} else if i < len(r)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(headers)
	rule := make([]string, len(headers))
	for i := range rule {
		rule[i] = strings.Repeat("─", widths[i])
	}
	line(rule)
	for _, r := range rows {
		line(r)
	}
}

// tableKeys are the P&L columns of the text report.
var tableKeys = []string{"segment", "customers", "customer_share", "revenue", "revenue_share", "cogs", "profit", "margin_pct",
	"profit_share", "total_clv", "avg_clv", "open_ar", "unapplied_credits", "net_ar", "ecl"}

func plColumnsOf(keys []string) []plColumn {
	var out []plColumn
	for _, k := range keys {
		for _, c := range plColumns {
			if c.key == k {
				out = append(out, c)
			}
		}
	}
	return out
}

// WriteReport prints the segment P&L of one scheme and the headline figures
// (format table or csv), or every scheme and the parameters (json).
//
// With a baseline, the JSON has a "compare" object and the table the
// scheme's comparison after the headline figures.
func WriteReport(w io.Writer, source string, a *model.Analysis, scheme, format string, base *Baseline) error {
	sc, ok := a.SchemeByKey(scheme)
	if !ok {
		return fmt.Errorf("no scheme %q (schemes: %s)", scheme, strings.Join(a.SchemeKeys(), ", "))
	}
	dec := a.Decimals
	switch format {
	case "json":
		out := reportJSON(source, a)
		if base != nil {
			out["compare"] = compareJSON(a, base)
		}
		return writeJSON(w, out)
	case "csv":
		cw := csv.NewWriter(w)
		head := []string{"scheme"}
		for _, c := range plColumns {
			head = append(head, c.key)
		}
		cw.Write(head)
		for _, r := range append(slices.Clone(sc.Rows), sc.Total) {
			rec := []string{sc.Key}
			for _, c := range plColumns {
				rec = append(rec, plainCell(plValue(a, c, &r), c.kind, dec))
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	}
	ps := a.Profit
	fmt.Fprintf(w, "%s — as of %s, %s customers\n\n", source, a.AsOf, model.FormatMoney(int64(a.N), 0))
	fmt.Fprintf(w, "%s (%s)\n", sc.Title, sc.Note)
	cols := plColumnsOf(tableKeys)
	var headers []string
	var kinds []kind
	for _, c := range cols {
		headers, kinds = append(headers, c.header), append(kinds, c.kind)
	}
	var values [][]any
	for _, r := range append(slices.Clone(sc.Rows), sc.Total) {
		var row []any
		for _, c := range cols {
			row = append(row, plValue(a, c, &r))
		}
		values = append(values, row)
	}
	valueTable(w, headers, kinds, values, dec)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Profit basis: %s", ps.Basis)
	if ps.Note != "" {
		fmt.Fprintf(w, " — %s", ps.Note)
	}
	fmt.Fprintln(w)
	if ps.Basis.Known() {
		fmt.Fprintf(w, "Whale curve: peak %s (%s of total profit %s); %d profitable, %d break-even, %d loss customers; loss customers destroy %s (%s)\n",
			model.FormatMoney(ps.Peak, dec), model.FormatPct(ps.PeakPct), model.FormatMoney(ps.TotalCM, dec),
			ps.Profitable, ps.BreakEven, ps.Loss, model.FormatMoney(ps.Destroyed, dec), model.FormatPct(ps.DestroyedPct))
	}
	clvTotal := "n/a"
	if a.CLVInfo.Known {
		clvTotal = model.FormatMoney(sc.Total.TotalCLV, dec)
	}
	fmt.Fprintf(w, "CLV: %s; total %s\n", a.CLVInfo.Label, clvTotal)
	if r := a.Risk; r.Available {
		fmt.Fprintf(w, "Receivables (%s): open invoices %s in %d invoices, %d past due; unapplied credits %s; net %s; ECL %s (%s); DSO (%s) %.1f days\n",
			r.Method, model.FormatMoney(r.TotalAR, dec), r.OpenInvoices, r.PastDue, model.FormatMoney(r.Unapplied, dec), model.FormatMoney(r.NetAR, dec),
			model.FormatMoney(r.TotalECL, dec), r.RateSource, r.DSOMethod, r.DSO1)
	} else {
		fmt.Fprintf(w, "Receivables: n/a — %s\n", r.Why)
	}
	fmt.Fprintf(w, "Concentration: %s\n", concentrationText(a))
	writeBudgetText(w, a)
	if base != nil {
		writeCompareText(w, a, base, sc.Key)
	}
	for _, wn := range a.Warnings {
		fmt.Fprintf(w, "Warning: %s\n", wn)
	}
	return nil
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// concentrationText is the headline concentration figures in one line.
func concentrationText(a *model.Analysis) string {
	c := a.Concentration
	var parts []string
	for _, t := range c.Top {
		if t.N == 1 || t.N == 10 || t.N == 20 {
			s := fmt.Sprintf("top %d: %s of revenue", t.N, model.FormatPct(t.RevenueShare))
			if !math.IsNaN(t.ARShare) {
				s += fmt.Sprintf(" and %s of open AR", model.FormatPct(t.ARShare))
			}
			parts = append(parts, s)
		}
	}
	hhi := fmt.Sprintf("Herfindahl index of revenue %.4f (as concentrated as %.1f equal customers)", c.HHIRevenue, c.EquivRevenue)
	if math.IsNaN(c.HHIRevenue) {
		hhi = "Herfindahl index n/a (no positive revenue)"
	}
	return strings.Join(append(parts, hhi), "; ")
}

// concentrationJSON reports the top-N shares and Herfindahl indices.
func concentrationJSON(a *model.Analysis) any {
	c := a.Concentration
	var top []any
	for _, t := range c.Top {
		top = append(top, map[string]any{"n": t.N, "revenue_share": jsonFloat(t.RevenueShare), "open_ar_share": jsonFloat(t.ARShare)})
	}
	return map[string]any{"top": top, "hhi_revenue": jsonFloat(c.HHIRevenue), "equivalent_customers_revenue": jsonFloat(c.EquivRevenue),
		"hhi_open_ar": jsonFloat(c.HHIAR), "equivalent_customers_open_ar": jsonFloat(c.EquivAR)}
}

// jsonFloat keeps NaN out of JSON (null instead) and rounds to 6 decimals.
func jsonFloat(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return json.Number(strconv.FormatFloat(v, 'f', 6, 64))
}

// jsonCell is a P&L or headline value: a number, text, or null for n/a.
func jsonCell(v any, k kind, dec int) any {
	if s, ok := v.(string); ok {
		return s
	}
	if c := plainCell(v, k, dec); c != "" {
		return json.Number(c)
	}
	return nil
}

func reportJSON(source string, a *model.Analysis) map[string]any {
	dec := a.Decimals
	money := func(v model.Money) json.Number { return json.Number(model.MoneyString(v, dec)) }
	params := map[string]string{}
	for _, s := range model.Specs {
		params[s.Key] = s.Get(&a.Params)
	}
	params["as_of"] = a.AsOf.String()
	type row map[string]any
	ps := a.Profit
	var schemes []any
	for i := range a.Schemes {
		sc := &a.Schemes[i]
		var out []row
		for _, r := range append(slices.Clone(sc.Rows), sc.Total) {
			m := row{}
			for _, c := range plColumns {
				m[c.key] = jsonCell(plValue(a, c, &r), c.kind, dec)
			}
			out = append(out, m)
		}
		schemes = append(schemes, row{"key": sc.Key, "title": sc.Title, "note": sc.Note, "segments": out})
	}
	var best []any
	for _, c := range top(a.Best, 20) {
		best = append(best, row{"customer_id": a.Led.Customers.ID[c], "score": jsonFloat(a.BestScore[c])})
	}
	known := ps.Basis.Known()
	orNull := func(ok bool, v any) any {
		if !ok {
			return nil
		}
		return v
	}
	total := a.Schemes[0].Total
	headline := row{
		"revenue": money(total.Revenue), "profit": orNull(known, money(ps.TotalCM)), "profit_basis": ps.Basis.String(), "profit_note": ps.Note,
		"whale_peak": orNull(known, money(ps.Peak)), "whale_peak_pct": orNull(known, jsonFloat(ps.PeakPct)),
		"profitable_customers": orNull(known, ps.Profitable), "break_even_customers": orNull(known, ps.BreakEven),
		"loss_customers": orNull(known, ps.Loss), "profit_destroyed": orNull(known, money(ps.Destroyed)),
		"profit_destroyed_pct": orNull(known, jsonFloat(ps.DestroyedPct)), "top20_profit_share": orNull(known, jsonFloat(ps.Top20Pct)),
		"total_clv": orNull(a.CLVInfo.Known, money(total.TotalCLV)), "total_clv_pm": orNull(total.HasCLVPM, money(total.CLVPM)),
		"open_ar": orNull(a.Risk.Available, money(a.Risk.TotalAR)), "unapplied_credits": orNull(a.Risk.Available, money(a.Risk.Unapplied)),
		"net_ar": orNull(a.Risk.Available, money(a.Risk.NetAR)), "ecl": orNull(a.Risk.Available, money(a.Risk.TotalECL)),
		"customers_not_yet_acquired": a.AsOfInfo.CustomersAbsent, "rows_after_as_of": a.AsOfInfo.RowsAfter,
	}
	return row{
		"source": source, "as_of": a.AsOf.String(), "customers": a.N, "decimals": dec,
		"parameters": params,
		"headline":   headline,
		"clv": row{"model": a.CLVInfo.Model, "convention": a.CLVInfo.Convention, "period": a.CLVInfo.Period,
			"retention": jsonFloat(a.CLVInfo.Retention), "retention_source": a.CLVInfo.RetSource,
			"discount_per_period": jsonFloat(a.CLVInfo.Discount), "horizon_periods": a.CLVInfo.Horizon,
			"multiple": jsonFloat(a.CLVInfo.Multiple), "label": a.CLVInfo.Label},
		"model":         modelJSON(a),
		"risk":          riskJSON(a),
		"pricing":       pricingJSON(a),
		"concentration": concentrationJSON(a),
		"marketing":     budgetJSON(a),
		"cohorts":       cohortsJSON(a),
		"schemes":       schemes,
		"best_list":     best,
		"warnings":      a.Warnings,
	}
}

// pricingJSON reports the early-payment terms and risk-adjusted figures of
// the whole base (spec §7.3): null where they are n/a, with the reason.
func pricingJSON(a *model.Analysis) any {
	terms, _ := model.ParseEarlyTerms(a.Params.EarlyPaymentTerms)
	out := map[string]any{"early_payment_terms": terms.String(), "implied_annual_rate": jsonFloat(terms.ImpliedRate()),
		"customers_for_whom_discount_pays": nil, "risk_adjusted_note": a.RiskAdjNote, "minimum_price_note": a.PricingNote}
	if a.EarlyPays != nil {
		n := 0
		for _, ok := range a.EarlyPays {
			if ok {
				n++
			}
		}
		out["customers_for_whom_discount_pays"] = n
	}
	return out
}

// modelJSON reports the probabilistic model: parameters and fit status.
func modelJSON(a *model.Analysis) any {
	m := a.Model
	if m == nil {
		return map[string]any{"enabled": false}
	}
	status := func(st model.FitStatus) map[string]any {
		return map[string]any{"converged": st.Converged, "iterations": st.Iterations, "log_likelihood": jsonFloat(st.LogLik),
			"penalizer": st.Penalizer, "customers": st.Customers, "warnings": st.Warnings, "error": st.Err, "boundary": st.Boundary, "standard_errors_note": st.SENote,
			"standard_errors": jsonFloats(st.SE)}
	}
	count := map[string]any{"r": jsonFloat(m.BG.R), "alpha": jsonFloat(m.BG.Alpha), "a": jsonFloat(m.BG.A), "b": jsonFloat(m.BG.B)}
	if m.Kind == model.KindPNBD {
		count = map[string]any{"r": jsonFloat(m.PNBD.R), "alpha": jsonFloat(m.PNBD.Alpha), "s": jsonFloat(m.PNBD.S), "beta": jsonFloat(m.PNBD.Beta)}
	}
	out := map[string]any{
		"enabled": true, "used": m.OK, "fallback_reason": m.Why, "time_unit": m.Unit, "spend": m.Summary.Spend,
		"count_model": model.ModelName(m.Kind), "choice": a.CLVInfo.Choice, "clv_interval": a.CLVInfo.Interval,
		"count_params":            count,
		"count_fit":               status(m.BGStatus),
		"gamma_gamma":             map[string]any{"p": jsonFloat(m.GG.P), "q": jsonFloat(m.GG.Q), "gamma": jsonFloat(m.GG.V)},
		"gamma_gamma_fit":         status(m.GGStatus),
		"gamma_gamma_corr":        jsonFloat(m.GGStatus.Rho),
		"expected_purchases_days": a.Params.ExpPurchasesDays,
		"validation":              validationJSON(a.Validation),
	}
	if am := a.Alive; am != nil {
		out["p_alive_matrix"] = map[string]any{"model": am.Model, "age": jsonFloat(am.T), "frequency": am.X, "recency": jsonFloats(am.Recency), "p_alive": jsonMatrix(am.P)}
	}
	return out
}

// validationJSON reports the count models' check on the ledger.
func validationJSON(v *model.Validation) any {
	if v == nil {
		return nil
	}
	var fits, byFreq, hist, track []any
	for _, f := range v.Fits {
		params := map[string]any{}
		for _, p := range f.Params {
			params[p.Name] = map[string]any{"value": jsonFloat(p.Value), "se": jsonFloat(p.SE)}
		}
		fits = append(fits, map[string]any{"model": f.Name, "converged": f.Count != nil, "error": f.Status.Err, "boundary": f.Status.Boundary, "standard_errors_note": f.Status.SENote,
			"params": params, "log_likelihood": jsonFloat(f.Status.LogLik), "aic": jsonFloat(f.AIC), "bic": jsonFloat(f.BIC),
			"holdout_mae": jsonFloat(f.MAE), "holdout_bias": jsonFloat(f.Bias), "holdout_predicted": jsonFloat(f.PredictedTotal)})
	}
	classes := func(rows []model.ClassRow) []any {
		var out []any
		for _, r := range rows {
			out = append(out, map[string]any{"frequency": r.Label, "customers": r.Customers, "actual": jsonFloat(r.Actual), "model": jsonFloats(r.Model)})
		}
		return out
	}
	byFreq, hist = classes(v.ByFreq), classes(v.Histogram)
	for _, p := range v.Tracking {
		track = append(track, map[string]any{"date": p.Day.String(), "actual": jsonFloat(p.Actual), "model": jsonFloats(p.Model)})
	}
	holdout := any(nil)
	if v.Holdout > 0 {
		holdout = jsonFloat(v.Holdout)
	}
	return map[string]any{"calibration_end": v.CalEnd.String(), "holdout_end": v.AsOf.String(), "holdout_length": holdout, "unit": v.Unit,
		"cohort_customers": v.Customers, "holdout_actual": jsonFloat(v.ActualHoldout), "models": fits, "best": v.BestWhy,
		"holdout_by_frequency": byFreq, "calibration_histogram": hist, "tracking": track}
}

func jsonFloats(v []float64) []any {
	if v == nil {
		return nil
	}
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = jsonFloat(x)
	}
	return out
}

func jsonMatrix(m [][]float64) []any {
	out := make([]any, len(m))
	for i, r := range m {
		out[i] = jsonFloats(r)
	}
	return out
}

// riskJSON reports receivables, the provision matrix and the risk lists.
func riskJSON(a *model.Analysis) any {
	r := a.Risk
	if !r.Available {
		return map[string]any{"available": false, "reason": r.Why}
	}
	money := func(v model.Money) json.Number { return json.Number(model.MoneyString(v, a.Decimals)) }
	var buckets []any
	for k, label := range r.Buckets {
		buckets = append(buckets, map[string]any{"bucket": label, "balance": money(r.BucketTotal[k]), "loss_rate": jsonFloat(r.LossRates[k]), "ecl": money(r.BucketECL[k])})
	}
	ids := a.Led.Customers.ID
	var credit []any
	for _, c := range top(a.CreditRisk, 20) {
		credit = append(credit, map[string]any{"customer_id": ids[c], "grade": model.Grades[r.Grade[c]], "score": jsonFloat(r.Score[c]),
			"open": money(r.CustAR[c]), "overdue_30": money(r.Overdue30[c]), "utilisation": jsonFloat(r.Util[c]), "utilisation_state": r.UtilState[c].String(),
			"expected_loss": money(r.EL[c]), "action": model.GradeAction(r.Grade[c])})
	}
	var churn []any
	for _, c := range top(a.ChurnRisk, 20) {
		item := map[string]any{"customer_id": ids[c], "value_at_risk": json.Number(model.MoneyString(model.AmountMinor(a.ValueAtRisk[c], a.Decimals), a.Decimals))}
		if a.PAlive != nil {
			item["p_alive"] = jsonFloat(a.PAlive[c])
		}
		churn = append(churn, item)
	}
	var wo []any
	for _, it := range r.WriteOffs[:min(len(r.WriteOffs), 20)] {
		wo = append(wo, map[string]any{"customer_id": ids[it.Cust], "open": money(it.Open), "days_past_due": it.DPD, "due": it.Due.String()})
	}
	return map[string]any{
		"available": true, "method": r.Method, "buckets": buckets, "rate_source": r.RateSource,
		"total_ar": money(r.TotalAR), "unapplied_credits": money(r.Unapplied), "net_ar": money(r.NetAR), "total_ecl": money(r.TotalECL),
		"open_invoices": r.OpenInvoices, "past_due_invoices": r.PastDue,
		"dso": jsonFloat(r.DSO1), "dso_method": r.DSOMethod, "dso_countback": jsonFloat(r.DSOCountBack), "dso_simple": jsonFloat(r.DSOSimple), "bpdso": jsonFloat(r.BPDSO), "add": jsonFloat(r.ADD),
		"dso_exceeds_history": r.DSOExceeds, "open_dbt": jsonFloat(r.TotalOpenDBT), "write_off_candidates": len(r.WriteOffs), "write_off_top": wo,
		"credit_risk_top": credit, "churn_risk_top": churn,
	}
}

func top(v []int32, n int) []int32 { return v[:min(n, len(v))] }
