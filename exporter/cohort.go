package exporter

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"

	"ledgerlens/model"
)

// cohortsJSON is the acquisition-cohort triangle; null without documents.
func cohortsJSON(a *model.Analysis) any {
	c := a.Cohorts()
	if c == nil {
		return nil
	}
	dec := a.Decimals
	var ret, cum [][]any
	var rev [][]json.Number
	for i := range c.Labels {
		var r, cu []any
		var rv []json.Number
		for k := range c.Active[i] {
			if c.Size[i] == 0 {
				r, cu = append(r, nil), append(cu, nil)
			} else {
				r = append(r, jsonFloat(c.Retention(i, k)))
				cu = append(cu, json.Number(model.MoneyString(c.CumRevenuePerCustomer(i, k), dec)))
			}
			rv = append(rv, json.Number(model.MoneyString(c.Revenue[i][k], dec)))
		}
		ret, cum, rev = append(ret, r), append(cum, cu), append(rev, rv)
	}
	return map[string]any{"period": c.Period, "labels": c.Labels, "size": c.Size, "active": c.Active, "retention": ret,
		"revenue": rev, "cumulative_revenue_per_customer": cum, "customers_without_purchase": c.NoPurchase, "last_period_partial": c.Partial}
}

// cohorts writes the Cohorts sheet: one triangle per figure, cohorts down,
// periods since acquisition across, each shaded by a colour scale.
func (w *wbWriter) cohorts() error {
	c, f, s, dec := w.a.Cohorts(), w.f, w.sheet(SheetCohorts), w.a.Decimals
	unit := map[string]string{"month": "months", "quarter": "quarters"}[c.Period]
	title := fmt.Sprintf("Acquisition cohorts by %s of first purchase; columns: %s since acquisition (0 = the first)", c.Period, unit)
	if c.Partial {
		title += fmt.Sprintf("; the last %s is partial (as of %s)", c.Period, w.a.AsOf)
	}
	f.SetCellValue(s, "A1", title)
	f.SetCellStyle(s, "A1", "A1", w.st.bold)
	if c.NoPurchase > 0 {
		f.SetCellValue(s, "A2", fmt.Sprintf("%d customers have no purchase by the as-of date and are in no cohort", c.NoPurchase))
	}
	n := len(c.Labels)
	headers := []string{"Cohort", "Customers"}
	for k := range n {
		headers = append(headers, strconv.Itoa(k))
	}
	blocks := []struct {
		name    string
		k       kind
		perCust bool // a ratio to the cohort's size: n/a for an empty cohort
		cell    func(i, k int) any
	}{
		{"Retention: share of the cohort that bought in the period", kPct, true, func(i, k int) any { return c.Retention(i, k) }},
		{"Active customers", kInt, false, func(i, k int) any { return c.Active[i][k] }},
		{"Revenue (net)", kMoney, false, func(i, k int) any { return moneyVal(c.Revenue[i][k], dec) }},
		{"Cumulative revenue per customer", kMoney, true, func(i, k int) any { return moneyVal(c.CumRevenuePerCustomer(i, k), dec) }},
	}
	wd := make(widths, len(headers))
	row := 4
	for _, b := range blocks {
		f.SetCellValue(s, cellName(0, row), b.name)
		f.SetCellStyle(s, cellName(0, row), cellName(0, row), w.st.bold)
		kinds := []kind{kText, kInt}
		for range n {
			kinds = append(kinds, b.k)
		}
		var rows [][]any
		for i := range n {
			r := []any{c.Labels[i], c.Size[i]}
			for k := range n - i {
				if c.Size[i] == 0 && b.perCust {
					r = append(r, nil)
					continue
				}
				r = append(r, b.cell(i, k))
			}
			rows = append(rows, r)
		}
		next, err := w.table(s, row+1, headers, kinds, rows, wd, false)
		if err != nil {
			return err
		}
		rng := cellName(2, row+2) + ":" + cellName(n+1, row+1+n)
		if err := f.SetConditionalFormat(s, rng, []excelize.ConditionalFormatOptions{{Type: "2_color_scale", Criteria: "=",
			MinType: "min", MinColor: "#FFFFFF", MaxType: "max", MaxColor: "#5B9BD5"}}); err != nil {
			return err
		}
		row = next + 2
	}
	return w.colWidths(s, wd)
}
