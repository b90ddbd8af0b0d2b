package exporter

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"ledgerlens/model"
)

// modelValidation writes the count models' check: the comparison, the
// parameters with standard errors, holdout purchases by calibration
// frequency and the calibration histogram (each with a chart), the
// tracking curve (line chart) and the P(alive) matrix (colour scale).
func (w *wbWriter) modelValidation() error {
	a, f, s := w.a, w.f, w.sheet(SheetModel)
	v := a.Validation
	if v == nil {
		f.SetCellValue(s, "A1", "n/a: the count models are not fitted (clv_model is simple)")
		return nil
	}
	customers := model.FormatMoney(int64(v.Customers), 0)
	title := fmt.Sprintf("Count models on the whole ledger to %s (no holdout: set calibration_end to check forecasts); %s customers", v.AsOf, customers)
	if v.Holdout > 0 {
		title = fmt.Sprintf("Calibration to %s, holdout to %s (%.4g %ss); %s customers in the calibration cohort; %s actual holdout repeat purchases",
			v.CalEnd, v.AsOf, v.Holdout, v.Unit, customers, model.FormatNumber(v.ActualHoldout, 0))
	}
	f.SetCellValue(s, "A1", title)
	f.SetCellStyle(s, "A1", "A1", w.st.bold)
	f.SetCellValue(s, "A2", v.BestWhy)
	cols := 8
	if a.Alive != nil {
		cols = max(cols, 1+len(a.Alive.Recency))
	}
	wd := make(widths, cols)
	var rows [][]any
	for _, ft := range v.Fits {
		if ft.Count == nil {
			rows = append(rows, []any{ft.Name, nil, nil, nil, nil, nil, nil, ft.Status.Unusable()})
			continue
		}
		rows = append(rows, []any{ft.Name, num(ft.Status.LogLik), len(ft.Params), num(ft.AIC), num(ft.BIC), num(ft.MAE), num(ft.Bias), num(ft.PredictedTotal)})
	}
	next, err := w.table(s, 4, []string{"Model", "Log-likelihood", "Parameters", "AIC", "BIC", "Holdout MAE", "Holdout bias", "Predicted holdout"},
		[]kind{kText, kFloat, kInt, kFloat, kFloat, kFloat, kPct, kFloat}, rows, wd, false)
	if err != nil {
		return err
	}
	rows = nil
	for _, ft := range v.Fits {
		for i, p := range ft.Params {
			rows = append(rows, []any{ft.Name, p.Name, num(p.Value), num(p.SE), firstNote(i, ft.Status.SENote)})
		}
	}
	if m := a.Model; m != nil && m.GGStatus.Converged {
		for i, name := range []string{"p", "q", "γ"} {
			se := any(nil)
			if i < len(m.GGStatus.SE) {
				se = num(m.GGStatus.SE[i])
			}
			rows = append(rows, []any{"Gamma-Gamma", name, num([]float64{m.GG.P, m.GG.Q, m.GG.V}[i]), se, firstNote(i, m.GGStatus.SENote)})
		}
		rows = append(rows, []any{"Gamma-Gamma", "corr(frequency, spend)", num(m.GGStatus.Rho), nil, nil})
	}
	paramTop := next + 1
	if next, err = w.table(s, paramTop, []string{"Model", "Parameter", "Value", "Standard error", "Note"}, []kind{kText, kText, kFloat, kFloat, kText}, rows, wd, false); err != nil {
		return err
	}
	// parameters and the per-customer error need more digits than #,##0.0
	precise := "#,##0.0000"
	fine, err := f.NewStyle(&excelize.Style{CustomNumFmt: &precise})
	if err != nil {
		return err
	}
	f.SetCellStyle(s, cellName(2, paramTop+1), cellName(3, next-1), fine)
	f.SetCellStyle(s, cellName(5, 5), cellName(5, 4+len(v.Fits)), fine)
	if a.CLVInfo.Interval != "" {
		f.SetCellValue(s, cellName(0, next), "Segment CLV ±: "+a.CLVInfo.Interval)
		next++
	}
	classes := func(top int, name string, rs []model.ClassRow) (int, error) {
		head := []string{"Calibration frequency", "Customers", "Actual"}
		kinds := []kind{kText, kInt, kFloat}
		for _, ft := range v.Fits {
			head, kinds = append(head, ft.Name), append(kinds, kFloat)
		}
		var rows [][]any
		for _, r := range rs {
			row := []any{r.Label, r.Customers, num(r.Actual)}
			for _, m := range r.Model {
				row = append(row, num(m))
			}
			rows = append(rows, row)
		}
		f.SetCellValue(s, cellName(0, top), name)
		f.SetCellStyle(s, cellName(0, top), cellName(0, top), w.st.bold)
		end, err := w.table(s, top+1, head, kinds, rows, wd, false)
		if err != nil {
			return 0, err
		}
		cats := fmt.Sprintf("%s!$A$%d:$A$%d", quote(s), top+2, end-1)
		var series [][2]string
		for k := 2; k < len(head); k++ {
			col := string(rune('A' + k))
			series = append(series, [2]string{fmt.Sprintf("%s!$%s$%d", quote(s), col, top+1), fmt.Sprintf("%s!$%s$%d:$%s$%d", quote(s), col, top+2, col, end-1)})
		}
		ch := columnChart(name, cats, series)
		ch.YAxis.NumFmt, ch.PlotArea.ShowVal = excelize.ChartNumFmt{CustomNumFmt: "#,##0.0"}, false
		if err := f.AddChart(s, cellName(7, top), ch); err != nil {
			return 0, err
		}
		return max(end, top+17) + 1, nil
	}
	next++
	if v.Holdout > 0 {
		if next, err = classes(next, "Mean holdout purchases per customer by calibration frequency: actual vs predicted", v.ByFreq); err != nil {
			return err
		}
	}
	if next, err = classes(next, "Customers by calibration frequency: actual vs model", v.Histogram); err != nil {
		return err
	}
	// tracking
	trackTitle := "Cumulative repeat purchases of the cohort, week by week (the calibration period ends at " + v.CalEnd.String() + ")"
	if v.Tracking == nil {
		trackTitle = "Cumulative repeat purchases: n/a, the tracking curve needs the date of every purchase (a customer-level ledger has totals only)"
	}
	f.SetCellValue(s, cellName(0, next), trackTitle)
	f.SetCellStyle(s, cellName(0, next), cellName(0, next), w.st.bold)
	head := []string{"Week ending", "Actual"}
	kinds := []kind{kText, kFloat}
	for _, ft := range v.Fits {
		head, kinds = append(head, ft.Name), append(kinds, kFloat)
	}
	rows = nil
	for _, p := range v.Tracking {
		row := []any{p.Day.String(), num(p.Actual)}
		for _, m := range p.Model {
			row = append(row, num(m))
		}
		rows = append(rows, row)
	}
	top := next + 1
	end, err := w.table(s, top, head, kinds, rows, wd, false)
	if err != nil {
		return err
	}
	no := false
	line := &excelize.Chart{Type: excelize.Line, Title: chartTitle("Tracking: cumulative repeat purchases, actual vs model"), VaryColors: &no,
		Legend: excelize.ChartLegend{Position: "bottom"}, XAxis: axis("", "Week ending"), YAxis: axis("#,##0", "Repeat purchases"),
		Dimension: excelize.ChartDimension{Width: 760, Height: 340}}
	for k := 1; k < len(head); k++ {
		col := string(rune('A' + k))
		line.Series = append(line.Series, excelize.ChartSeries{Name: fmt.Sprintf("%s!$%s$%d", quote(s), col, top),
			Categories: fmt.Sprintf("%s!$A$%d:$A$%d", quote(s), top+1, end-1), Values: fmt.Sprintf("%s!$%s$%d:$%s$%d", quote(s), col, top+1, col, end-1),
			Marker: excelize.ChartMarker{Symbol: "none"}, Line: excelize.LineOptions{Type: excelize.LineSolid, Width: 1.5}})
	}
	if len(rows) > 1 {
		if err := f.AddChart(s, cellName(7, top), line); err != nil {
			return err
		}
	}
	next = max(end, top+19) + 1
	if am := a.Alive; am != nil {
		f.SetCellValue(s, cellName(0, next), fmt.Sprintf("P(alive) by frequency (rows) and recency (columns) for a customer of age %.4g %ss (%s)", am.T, v.Unit, am.Model))
		f.SetCellStyle(s, cellName(0, next), cellName(0, next), w.st.bold)
		head := []string{"Frequency \\ recency"}
		kinds := []kind{kInt}
		for _, r := range am.Recency {
			head, kinds = append(head, fmt.Sprintf("%.4g", r)), append(kinds, kPct)
		}
		rows = nil
		for i, x := range am.X {
			row := []any{x}
			for _, q := range am.P[i] {
				row = append(row, num(q))
			}
			rows = append(rows, row)
		}
		top := next + 1
		end, err := w.table(s, top, head, kinds, rows, wd, false)
		if err != nil {
			return err
		}
		rng := cellName(1, top+1) + ":" + cellName(len(head)-1, end-1)
		if err := f.SetConditionalFormat(s, rng, []excelize.ConditionalFormatOptions{{Type: "3_color_scale", Criteria: "=",
			MinType: "num", MinValue: "0", MinColor: "#F8696B", MidType: "num", MidValue: "0.5", MidColor: "#FFEB84", MaxType: "num", MaxValue: "1", MaxColor: "#63BE7B"}}); err != nil {
			return err
		}
	}
	return w.colWidths(s, wd)
}

// firstNote puts a fit's note on its first parameter's row only.
func firstNote(i int, note string) any {
	if i > 0 || note == "" {
		return nil
	}
	return note
}
