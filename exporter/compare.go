package exporter

import (
	"encoding/json"
	"fmt"
	"io"

	"ledgerlens/model"
)

// Baseline is what an analysis is compared with: another scenario of the
// same ledger (Kind "scenario") or the same parameters at an earlier as-of
// date (Kind "period").
type Baseline struct {
	Kind     string // scenario | period
	Name     string // the scenario's file, or "as of DATE"
	Analysis *model.Analysis
}

// compareJSON is every scheme of a against the baseline: each segment's
// figures then and now with the change, the migration matrix, and for a
// period the customers gained, lost and kept.
func compareJSON(a *model.Analysis, b *Baseline) any {
	dec := a.Decimals
	money := func(v model.Money) json.Number { return json.Number(model.MoneyString(v, dec)) }
	profit := a.Profit.Basis.Known() && b.Analysis.Profit.Basis.Known()
	clv := a.CLVInfo.Known && b.Analysis.CLVInfo.Known
	orNull := func(ok bool, v model.Money) any {
		if !ok {
			return nil
		}
		return money(v)
	}
	figures := func(r model.SegmentRow) map[string]any {
		return map[string]any{"customers": r.Customers, "revenue": money(r.Revenue), "profit": orNull(profit, r.CM), "total_clv": orNull(clv, r.TotalCLV)}
	}
	delta := func(d model.SegmentDelta) map[string]any {
		return map[string]any{"segment": d.Segment, "base": figures(d.Base), "now": figures(d.Cur),
			"change": map[string]any{"customers": d.Customers, "revenue": money(d.Revenue), "profit": orNull(profit, d.Profit), "total_clv": orNull(clv, d.TotalCLV)}}
	}
	var schemes []any
	for _, sc := range a.Schemes {
		cmp, err := model.Compare(b.Analysis, a, sc.Key)
		if err != nil {
			continue
		}
		var segs []any
		for _, d := range cmp.Segments {
			segs = append(segs, delta(d))
		}
		mg := cmp.Migration
		schemes = append(schemes, map[string]any{"key": sc.Key, "title": cmp.Title, "segments": segs, "total": delta(cmp.Total),
			"migration": map[string]any{"from": mg.From, "to": mg.To, "counts": mg.Counts, "moved": mg.Moved, "unmatched": mg.Unmatched}})
	}
	warns := []any{}
	for _, w := range model.EarlyWarnings(b.Analysis, a) {
		warns = append(warns, map[string]any{"scheme": w.Scheme, "segment": w.Segment, "figure": w.Figure, "then": jsonFloat(w.Then), "now": jsonFloat(w.Now)})
	}
	out := map[string]any{"kind": b.Kind, "baseline": b.Name, "base_as_of": b.Analysis.AsOf.String(), "as_of": a.AsOf.String(), "schemes": schemes,
		"early_warnings": warns, "early_warning_rise": jsonFloat(a.Params.WarnRisePts)}
	if b.Kind == "period" {
		if pc, err := model.ComparePeriods(b.Analysis, a); err == nil {
			out["customers_gained"], out["customers_lost"], out["customers_kept"] = pc.Gained, pc.Lost, pc.Kept
		}
	}
	return out
}

// writeCompareText prints the comparison of the report's scheme: growth per
// segment, and for a period the customers gained, lost and kept.
func writeCompareText(w io.Writer, a *model.Analysis, b *Baseline, scheme string) {
	cmp, err := model.Compare(b.Analysis, a, scheme)
	if err != nil {
		return
	}
	dec := a.Decimals
	if b.Kind == "period" {
		fmt.Fprintf(w, "\nThen (as of %s) vs now (as of %s), same parameters\n", b.Analysis.AsOf, a.AsOf)
		if pc, err := model.ComparePeriods(b.Analysis, a); err == nil {
			fmt.Fprintf(w, "Customers: %s gained (first document after %s), %s lost (no purchase since), %s kept\n",
				model.FormatMoney(int64(pc.Gained), 0), pc.Then, model.FormatMoney(int64(pc.Lost), 0), model.FormatMoney(int64(pc.Kept), 0))
		}
	} else {
		fmt.Fprintf(w, "\nCompared with %s (as of %s)\n", b.Name, b.Analysis.AsOf)
	}
	headers := []string{"Segment", "Customers then", "now", "Δ", "Revenue then", "now", "Δ"}
	right := []bool{false, true, true, true, true, true, true}
	var cells [][]string
	for _, d := range append(cmp.Segments, cmp.Total) {
		if d.Base.Customers == 0 && d.Cur.Customers == 0 {
			continue
		}
		cells = append(cells, []string{d.Segment, model.FormatMoney(int64(d.Base.Customers), 0), model.FormatMoney(int64(d.Cur.Customers), 0),
			signedText(model.FormatMoney(int64(d.Customers), 0)), model.FormatMoney(d.Base.Revenue, dec), model.FormatMoney(d.Cur.Revenue, dec),
			signedText(model.FormatMoney(d.Revenue, dec))})
	}
	Table(w, headers, cells, right)
	fmt.Fprintf(w, "Migration: %d customers changed segment", cmp.Migration.Moved)
	if cmp.Migration.Unmatched > 0 {
		fmt.Fprintf(w, "; %d in only one of the two", cmp.Migration.Unmatched)
	}
	fmt.Fprintln(w, " (report --format json and export have the matrix)")
	for _, x := range model.EarlyWarnings(b.Analysis, a) {
		if x.Scheme == scheme {
			fmt.Fprintf(w, "Early warning: %s %s rose from %s to %s\n", x.Segment, warnName(x.Figure), model.FormatPct(x.Then), model.FormatPct(x.Now))
		}
	}
}

// warnName is an early warning's figure in words.
func warnName(figure string) string {
	return map[string]string{"returns_share": "returns share of gross sales", "overdue_share": "overdue share of open invoices",
		"loss_rate": "expected loss rate"}[figure]
}

func signedText(s string) string {
	if s != "" && s[0] != '-' && s != "0" && s != "0.00" {
		return "+" + s
	}
	return s
}
