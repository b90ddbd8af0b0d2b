package exporter

import (
	"encoding/csv"
	"fmt"
	"github.com/xuri/excelize/v2"
	"io"

	"ledgerlens/model"
)

// crossMeasures are the figures of a cross-tab cell, with why each is n/a
// for the whole table ("" when it exists).
func crossMeasures(ct *model.CrossTab) []struct {
	key, header string
	get         func(c model.CrossCell) any
	na          string
} {
	money := func(v model.Money) any { return v }
	na := func(ok bool, why string) string {
		if ok {
			return ""
		}
		return why
	}
	return []struct {
		key, header string
		get         func(c model.CrossCell) any
		na          string
	}{
		{"customers", "Customers", func(c model.CrossCell) any { return c.Customers }, ""},
		{"revenue", "Revenue", func(c model.CrossCell) any { return money(c.Revenue) }, ""},
		{"profit", "Profit (CM)", func(c model.CrossCell) any { return money(c.Profit) }, na(ct.HasProfit, ct.ProfitNote)},
		{"total_clv", "Σ CLV", func(c model.CrossCell) any { return money(c.CLV) }, na(ct.HasCLV, ct.CLVNote)},
		{"open_ar", "Open AR (gross)", func(c model.CrossCell) any { return money(c.OpenAR) }, na(ct.HasAR, ct.AR)},
	}
}

// crossTabJSON is the cross-tab as JSON: one object per cell, then the row
// and column totals (each the sum of its cells) and the grand total.
func crossTabJSON(ct *model.CrossTab, dec int) any {
	ms := crossMeasures(ct)
	cell := func(c model.CrossCell) map[string]any {
		out := map[string]any{}
		for _, m := range ms {
			if m.na != "" {
				out[m.key] = nil
				continue
			}
			out[m.key] = jsonCell(m.get(c), crossKind(m.key), dec)
		}
		return out
	}
	var cells, rows, cols []any
	for i, r := range ct.Cells {
		for j, c := range r {
			x := cell(c)
			x["row"], x["col"] = ct.Rows.Segments[i], ct.Cols.Segments[j]
			cells = append(cells, x)
		}
		t := cell(ct.RowTotals[i])
		t["row"] = ct.Rows.Segments[i]
		rows = append(rows, t)
	}
	for j := range ct.ColTotals {
		t := cell(ct.ColTotals[j])
		t["col"] = ct.Cols.Segments[j]
		cols = append(cols, t)
	}
	notes := map[string]string{}
	for _, m := range ms {
		if m.na != "" {
			notes[m.key] = m.na
		}
	}
	return map[string]any{"rows": ct.Rows.Key, "cols": ct.Cols.Key, "cells": cells, "row_totals": rows, "col_totals": cols,
		"total": cell(ct.Total), "na": notes}
}

func crossKind(key string) kind {
	if key == "customers" {
		return kInt
	}
	return kMoney
}

// WriteCrossTab prints a cross-tab: JSON, CSV (one line per cell) or a
// table of customers and revenue per cell for people.
func WriteCrossTab(w io.Writer, a *model.Analysis, ct *model.CrossTab, format string) error {
	dec := a.Decimals
	switch format {
	case "json":
		return writeJSON(w, crossTabJSON(ct, dec))
	case "csv":
		cw := csv.NewWriter(w)
		ms := crossMeasures(ct)
		head := []string{ct.Rows.Key, ct.Cols.Key}
		for _, m := range ms {
			head = append(head, m.key)
		}
		cw.Write(head)
		line := func(r, c string, cell model.CrossCell) {
			rec := []string{r, c}
			for _, m := range ms {
				var v any
				if m.na == "" {
					v = m.get(cell)
				}
				rec = append(rec, plainCell(v, crossKind(m.key), dec))
			}
			cw.Write(rec)
		}
		for i, row := range ct.Cells {
			for j, cell := range row {
				line(ct.Rows.Segments[i], ct.Cols.Segments[j], cell)
			}
			line(ct.Rows.Segments[i], "Total", ct.RowTotals[i])
		}
		for j, cell := range ct.ColTotals {
			line("Total", ct.Cols.Segments[j], cell)
		}
		line("Total", "Total", ct.Total)
		cw.Flush()
		return cw.Error()
	}
	fmt.Fprintf(w, "%s × %s: customers and revenue per cell (rows add to the %s totals, columns to the %s totals)\n\n",
		ct.Rows.Title, ct.Cols.Title, ct.Rows.Title, ct.Cols.Title)
	headers := append([]string{ct.Rows.Title + " \\ " + ct.Cols.Title}, ct.Cols.Segments...)
	headers = append(headers, "Total")
	right := make([]bool, len(headers))
	for i := 1; i < len(right); i++ {
		right[i] = true
	}
	text := func(c model.CrossCell) string {
		if c.Customers == 0 {
			return "–"
		}
		return fmt.Sprintf("%s · %s", model.FormatMoney(int64(c.Customers), 0), model.FormatMoney(c.Revenue, dec))
	}
	var cells [][]string
	for i, row := range ct.Cells {
		r := []string{ct.Rows.Segments[i]}
		for _, c := range row {
			r = append(r, text(c))
		}
		cells = append(cells, append(r, text(ct.RowTotals[i])))
	}
	r := []string{"Total"}
	for _, c := range ct.ColTotals {
		r = append(r, text(c))
	}
	cells = append(cells, append(r, text(ct.Total)))
	Table(w, headers, cells, right)
	return nil
}

// crossTab writes the Cross-tab sheet: per figure a matrix of the two
// schemes' segments with row and column totals (each the sum of its cells);
// a figure that does not exist for this ledger is a title with the reason.
func (w *wbWriter) crossTab() error {
	ct, f, s, dec := w.ex.CrossTab, w.f, w.sheet(SheetCrossTab), w.a.Decimals
	f.SetCellValue(s, "A1", w.fit(fmt.Sprintf("%s (rows) × %s (columns)", ct.Rows.Title, ct.Cols.Title)))
	f.SetCellStyle(s, "A1", "A1", w.st.bold)
	wd := make(widths, len(ct.Cols.Segments)+2)
	row := 3
	for _, m := range crossMeasures(ct) {
		k := crossKind(m.key)
		if m.na != "" {
			f.SetCellValue(s, cellName(0, row), w.fit(m.header+": n/a — "+m.na))
			f.SetCellStyle(s, cellName(0, row), cellName(0, row), w.st.bold)
			row += 2
			continue
		}
		f.SetCellValue(s, cellName(0, row), m.header)
		f.SetCellStyle(s, cellName(0, row), cellName(0, row), w.st.bold)
		headers := []string{ct.Rows.Title + " \\ " + ct.Cols.Title}
		kinds := []kind{kText}
		for _, seg := range ct.Cols.Segments {
			headers, kinds = append(headers, seg), append(kinds, k)
		}
		headers, kinds = append(headers, "Total"), append(kinds, k)
		var rows [][]any
		for i, cells := range ct.Cells {
			r := []any{ct.Rows.Segments[i]}
			for _, c := range cells {
				r = append(r, sheetCell(m.get(c), k, dec))
			}
			rows = append(rows, append(r, sheetCell(m.get(ct.RowTotals[i]), k, dec)))
		}
		r := []any{"Total"}
		for _, c := range ct.ColTotals {
			r = append(r, sheetCell(m.get(c), k, dec))
		}
		rows = append(rows, append(r, sheetCell(m.get(ct.Total), k, dec)))
		next, err := w.table(s, row+1, headers, kinds, rows, wd, true)
		if err != nil {
			return err
		}
		// the cells (not the totals) shaded from the smallest to the largest
		if len(ct.Cells) > 0 && len(ct.Cols.Segments) > 0 {
			rng := cellName(1, row+2) + ":" + cellName(len(ct.Cols.Segments), row+1+len(ct.Cells))
			if err := f.SetConditionalFormat(s, rng, []excelize.ConditionalFormatOptions{{Type: "2_color_scale", Criteria: "=",
				MinType: "min", MinColor: "#FFFFFF", MaxType: "max", MaxColor: "#5B9BD5"}}); err != nil {
				return err
			}
		}
		row = next + 2
	}
	return w.colWidths(s, wd)
}
