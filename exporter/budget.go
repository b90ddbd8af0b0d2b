package exporter

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"

	"ledgerlens/model"
)

// budgetColumns are the marketing budget table's columns: one definition
// for the JSON report, the text report and the Budget sheet.
func budgetColumns(b *model.Budget) []struct {
	key, header string
	kind        kind
	get         func(r model.BudgetRow) any // nil: n/a
} {
	type col = struct {
		key, header string
		kind        kind
		get         func(r model.BudgetRow) any
	}
	ratio := func(v float64) any {
		if math.IsNaN(v) {
			return nil
		}
		return v
	}
	cols := []col{
		{"segment", "Segment", kText, func(r model.BudgetRow) any { return r.Segment }},
		{"customers", "Customers", kInt, func(r model.BudgetRow) any { return r.Customers }},
		{"spend", "Spend", kMoney, func(r model.BudgetRow) any {
			if !r.HasSpend {
				return nil
			}
			return r.Spend
		}},
		{"contribution_margin", "CM", kMoney, func(r model.BudgetRow) any {
			if !b.HasCM {
				return nil
			}
			return r.CM
		}},
		{"gross_romi", "Gross ROMI (not incremental)", kPct, func(r model.BudgetRow) any { return ratio(r.GrossROMI) }},
		{"total_clv", "CLV", kMoney, func(r model.BudgetRow) any {
			if !b.HasCLV {
				return nil
			}
			return r.TotalCLV
		}},
		{"clv_romi", "CLV-based ROMI", kPct, func(r model.BudgetRow) any { return ratio(r.CLVROMI) }},
	}
	if b.Allocated {
		cols = append(cols,
			col{"min", "Min", kMoney, func(r model.BudgetRow) any { return r.Min }},
			col{"max", "Max", kMoney, func(r model.BudgetRow) any {
				if !r.HasMax {
					return nil
				}
				return r.Max
			}},
			col{"allocation", "Allocation", kMoney, func(r model.BudgetRow) any { return r.Allocation }})
	}
	return cols
}

// budgetJSON is the marketing budget in the JSON report; null without it.
func budgetJSON(a *model.Analysis) any {
	b := a.Budget
	if b == nil {
		return nil
	}
	dec := a.Decimals
	cell := func(v any) any {
		switch x := v.(type) {
		case model.Money:
			return json.Number(model.MoneyString(x, dec))
		case float64:
			return jsonFloat(x)
		}
		return v
	}
	rowOf := func(r model.BudgetRow) map[string]any {
		out := map[string]any{}
		for _, c := range budgetColumns(b) {
			if v := c.get(r); v != nil {
				out[c.key] = cell(v)
			} else {
				out[c.key] = nil
			}
		}
		return out
	}
	var rows []any
	for _, r := range b.Rows {
		rows = append(rows, rowOf(r))
	}
	out := map[string]any{"scheme": b.Scheme, "rule": b.Rule, "clv_uplift": jsonFloat(b.Uplift),
		"budget": nil, "segments": rows, "total": rowOf(b.Total), "notes": b.Notes}
	if b.Budget > 0 {
		out["budget"] = cell(b.Budget)
	}
	return out
}

// writeBudgetText prints the marketing budget after the report's table when
// spend or a budget was given.
func writeBudgetText(w io.Writer, a *model.Analysis) {
	b := a.Budget
	if b == nil || !b.Total.HasSpend && b.Budget == 0 {
		return
	}
	fmt.Fprintf(w, "\nMarketing budget by %s\n", b.SchemeTitle)
	cols := budgetColumns(b)
	var headers []string
	var kinds []kind
	for _, c := range cols {
		headers, kinds = append(headers, c.header), append(kinds, c.kind)
	}
	var values [][]any
	for _, r := range append(slices.Clone(b.Rows), b.Total) {
		var row []any
		for _, c := range cols {
			row = append(row, c.get(r))
		}
		values = append(values, row)
	}
	valueTable(w, headers, kinds, values, a.Decimals)
	if b.Budget > 0 {
		fmt.Fprintf(w, "Budget %s\n", model.FormatMoney(b.Budget, a.Decimals))
	}
	for _, n := range b.Notes {
		fmt.Fprintf(w, "  %s\n", n)
	}
}

// budget writes the Budget sheet: the table, its total row and the notes.
func (w *wbWriter) budget() error {
	b, f, s, dec := w.a.Budget, w.f, w.sheet(SheetBudget), w.a.Decimals
	f.SetCellValue(s, "A1", w.fit("Marketing budget by "+b.SchemeTitle))
	f.SetCellStyle(s, "A1", "A1", w.st.bold)
	cols := budgetColumns(b)
	var headers []string
	var kinds []kind
	for _, c := range cols {
		headers, kinds = append(headers, c.header), append(kinds, c.kind)
	}
	var rows [][]any
	for _, r := range append(slices.Clone(b.Rows), b.Total) {
		var line []any
		for _, c := range cols {
			line = append(line, sheetCell(c.get(r), c.kind, dec))
		}
		rows = append(rows, line)
	}
	wd := make(widths, len(cols))
	next, err := w.table(s, 3, headers, kinds, rows, wd, true)
	if err != nil {
		return err
	}
	row := next + 1
	if b.Budget > 0 {
		f.SetCellValue(s, cellName(0, row), "Budget")
		f.SetCellValue(s, cellName(1, row), moneyVal(b.Budget, dec))
		f.SetCellStyle(s, cellName(1, row), cellName(1, row), w.st.of(kMoney))
		row++
	}
	for _, n := range b.Notes {
		f.SetCellValue(s, cellName(0, row), w.fit("Note: "+n))
		row++
	}
	return w.colWidths(s, wd)
}
