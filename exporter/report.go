// Package exporter turns an analysis into files and printed reports:
// the segment report (table, CSV, JSON) and the Excel workbook.
package exporter

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/mattn/go-runewidth"

	"ledgerlens/model"
)

// Table renders rows as aligned text columns; right[i] right-aligns column i.
// Widths are display widths, so Chinese text lines up.
func Table(w io.Writer, headers []string, rows [][]string, right []bool) {
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

// Pct formats a share as a percentage with one decimal, "n/a" when undefined.
func Pct(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return strconv.FormatFloat(100*v, 'f', 1, 64) + " %"
}

// Amount formats a float amount in major units with separators and 2 decimals.
func Amount(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return model.FormatMoney(int64(math.Round(v*100)), 2)
}

var plHeaders = []string{"Segment", "Customers", "Share", "Revenue", "Share", "COGS", "Profit (CM)", "Margin", "CM share", "Avg CLV", "Σ CLV", "Open AR", "ECL"}

func plCells(r model.SegmentRow, dec int, noProfit bool) []string {
	m := func(v model.Money) string { return model.FormatMoney(v, dec) }
	cells := []string{r.Segment, model.FormatMoney(int64(r.Customers), 0), Pct(r.CustomerShare), m(r.Revenue), Pct(r.RevenueShare),
		m(r.COGS), m(r.CM), Pct(r.CMPct), Pct(r.CMShare), Amount(r.AvgCLV), Amount(r.CLV), m(r.OpenAR), m(r.ECL)}
	if noProfit { // without cost data these would only repeat revenue
		cells[5], cells[6], cells[7], cells[8] = "n/a", "n/a", "n/a", "n/a"
	}
	return cells
}

// WriteReport prints the segment P&L of one scheme and the headline figures
// (format table or csv), or every scheme and the parameters (json).
func WriteReport(w io.Writer, source string, a *model.Analysis, scheme, format string) error {
	sc, ok := a.SchemeByKey(scheme)
	if !ok {
		return fmt.Errorf("no scheme %q (schemes: %s)", scheme, strings.Join(a.SchemeKeys(), ", "))
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(reportJSON(source, a))
	case "csv":
		cw := csv.NewWriter(w)
		rows, total := a.SegmentPL(sc)
		cw.Write(append([]string{"scheme"}, plainHeaders...))
		for _, r := range append(rows, total) {
			cw.Write(append([]string{sc.Key}, plainCells(r, a.Decimals, a.Profit.Mode == "disabled")...))
		}
		cw.Flush()
		return cw.Error()
	}
	ps := a.Profit
	fmt.Fprintf(w, "%s — as of %s, %s customers\n\n", source, a.AsOf, model.FormatMoney(int64(a.N), 0))
	fmt.Fprintf(w, "%s (%s)\n", sc.Title, sc.Note)
	rows, total := a.SegmentPL(sc)
	var cells [][]string
	for _, r := range append(rows, total) {
		cells = append(cells, plCells(r, a.Decimals, ps.Mode == "disabled"))
	}
	right := []bool{false, true, true, true, true, true, true, true, true, true, true, true, true}
	Table(w, plHeaders, cells, right)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Profit basis: %s", ps.Mode)
	if ps.Note != "" {
		fmt.Fprintf(w, " — %s", ps.Note)
	}
	fmt.Fprintln(w)
	if ps.Mode != "disabled" {
		fmt.Fprintf(w, "Whale curve: peak %s (%s of total profit %s); %d profitable, %d break-even, %d loss customers; loss customers destroy %s (%s)\n",
			model.FormatMoney(ps.Peak, a.Decimals), Pct(ps.PeakPct), model.FormatMoney(ps.TotalCM, a.Decimals),
			ps.Profitable, ps.BreakEven, ps.Loss, model.FormatMoney(ps.Destroyed, a.Decimals), Pct(ps.DestroyedPct))
	}
	fmt.Fprintf(w, "CLV: %s\n", a.CLVInfo.Label)
	if r := a.Risk; r.Available {
		fmt.Fprintf(w, "Receivables (%s): %s open in %d invoices, %d past due; ECL %s (%s); DSO count-back %.1f, simple %.1f days\n",
			r.Method, model.FormatMoney(r.TotalAR, a.Decimals), r.OpenInvoices, r.PastDue, model.FormatMoney(r.TotalECL, a.Decimals), r.RateSource, r.DSOCountBack, r.DSOSimple)
	} else {
		fmt.Fprintf(w, "Receivables: %s\n", r.Why)
	}
	for _, wn := range a.Warnings {
		fmt.Fprintf(w, "Warning: %s\n", wn)
	}
	return nil
}

var plainHeaders = []string{"segment", "customers", "customer_share", "revenue", "revenue_share", "cogs", "gross_margin", "cost_to_serve", "profit", "margin_pct", "profit_share", "avg_profit", "clv", "avg_clv", "open_ar", "ecl", "dso"}

func plainCells(r model.SegmentRow, dec int, noProfit bool) []string {
	m := func(v model.Money) string { return model.MoneyString(v, dec) }
	f := func(v float64) string {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ""
		}
		return strconv.FormatFloat(v, 'f', 6, 64)
	}
	cells := []string{r.Segment, strconv.Itoa(r.Customers), f(r.CustomerShare), m(r.Revenue), f(r.RevenueShare), m(r.COGS), m(r.GM), m(r.CTS),
		m(r.CM), f(r.CMPct), f(r.CMShare), m(r.AvgCM), f(r.CLV), f(r.AvgCLV), m(r.OpenAR), m(r.ECL), f(r.DSO)}
	if noProfit { // cogs, gross margin, profit and its ratios are unknown
		for _, k := range []int{5, 6, 8, 9, 10, 11} {
			cells[k] = ""
		}
	}
	return cells
}

// jsonFloat keeps NaN out of JSON (null instead) and rounds to 6 decimals.
func jsonFloat(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return json.Number(strconv.FormatFloat(v, 'f', 6, 64))
}

func reportJSON(source string, a *model.Analysis) any {
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
		rows, total := a.SegmentPL(sc)
		var out []row
		for _, r := range append(rows, total) {
			cells := plainCells(r, dec, ps.Mode == "disabled")
			m := row{}
			for k, h := range plainHeaders {
				switch {
				case k == 0:
					m[h] = cells[k]
				case cells[k] == "":
					m[h] = nil
				default:
					m[h] = json.Number(cells[k])
				}
			}
			out = append(out, m)
		}
		schemes = append(schemes, row{"key": sc.Key, "title": sc.Title, "note": sc.Note, "segments": out})
	}
	var best []any
	for _, c := range a.BestList(20) {
		best = append(best, row{"customer_id": a.Led.Customers.ID[c], "score": jsonFloat(a.BestScore[c])})
	}
	return row{
		"source": source, "as_of": a.AsOf.String(), "customers": a.N, "decimals": dec,
		"parameters": params,
		"headline": row{
			"revenue": money(a.Base.TotalRevenue), "profit": money(ps.TotalCM), "profit_basis": ps.Mode, "profit_note": ps.Note,
			"whale_peak": money(ps.Peak), "whale_peak_pct": jsonFloat(ps.PeakPct), "profitable_customers": ps.Profitable,
			"break_even_customers": ps.BreakEven, "loss_customers": ps.Loss, "profit_destroyed": money(ps.Destroyed),
			"profit_destroyed_pct": jsonFloat(ps.DestroyedPct), "top20_profit_share": jsonFloat(ps.Top20Pct),
		},
		"clv": row{"model": a.CLVInfo.Model, "convention": a.CLVInfo.Convention, "period": a.CLVInfo.Period,
			"retention": jsonFloat(a.CLVInfo.Retention), "retention_source": a.CLVInfo.RetSource,
			"discount_per_period": jsonFloat(a.CLVInfo.Discount), "horizon_periods": a.CLVInfo.Horizon,
			"multiple": jsonFloat(a.CLVInfo.Multiple), "label": a.CLVInfo.Label},
		"model":     modelJSON(a),
		"risk":      riskJSON(a),
		"schemes":   schemes,
		"best_list": best,
		"warnings":  a.Warnings,
	}
}

// modelJSON reports the probabilistic model: parameters and fit status.
func modelJSON(a *model.Analysis) any {
	m := a.Model
	if m == nil {
		return map[string]any{"enabled": false}
	}
	status := func(st model.FitStatus) map[string]any {
		return map[string]any{"converged": st.Converged, "iterations": st.Iterations, "log_likelihood": jsonFloat(st.LogLik),
			"penalizer": st.Penalizer, "customers": st.Customers, "warnings": st.Warnings, "error": st.Err}
	}
	return map[string]any{
		"enabled": true, "used": m.OK, "fallback_reason": m.Why, "time_unit": m.Unit, "spend": m.Summary.Spend,
		"bgnbd":           map[string]any{"r": jsonFloat(m.BG.R), "alpha": jsonFloat(m.BG.Alpha), "a": jsonFloat(m.BG.A), "b": jsonFloat(m.BG.B)},
		"bgnbd_fit":       status(m.BGStatus),
		"gamma_gamma":     map[string]any{"p": jsonFloat(m.GG.P), "q": jsonFloat(m.GG.Q), "gamma": jsonFloat(m.GG.V)},
		"gamma_gamma_fit": status(m.GGStatus),
	}
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
	for _, c := range top(a.CreditRiskList(), 20) {
		credit = append(credit, map[string]any{"customer_id": ids[c], "grade": model.Grades[r.Grade[c]], "score": jsonFloat(r.Score[c]),
			"open": money(r.CustAR[c]), "overdue_30": money(r.Overdue30[c]), "utilisation": jsonFloat(r.Util[c]), "utilisation_state": r.UtilState[c],
			"expected_loss": money(r.EL[c]), "action": model.GradeAction(r.Grade[c])})
	}
	var churn []any
	for _, c := range top(a.ChurnRiskList(), 20) {
		item := map[string]any{"customer_id": ids[c], "value_at_risk": jsonFloat(a.ValueAtRisk[c])}
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
		"dso_countback": jsonFloat(r.DSOCountBack), "dso_simple": jsonFloat(r.DSOSimple), "bpdso": jsonFloat(r.BPDSO), "add": jsonFloat(r.ADD),
		"dso_exceeds_history": r.DSOExceeds, "open_dbt": jsonFloat(r.TotalOpenDBT), "write_off_candidates": len(r.WriteOffs), "write_off_top": wo,
		"credit_risk_top": credit, "churn_risk_top": churn,
	}
}

func top(v []int32, n int) []int32 { return v[:min(n, len(v))] }
