package model_test

import (
	"math"
	"slices"
	"testing"

	"ledgerlens/model"
)

// Concentration on the demo ledger, recomputed here from the customers'
// revenue and open AR; two schemes crossed add up to each scheme's P&L.
func TestConcentrationAndCrossTab(t *testing.T) {
	a := analyze(t, model.NewEngine(demo(t)), nil)
	check := func(what string, v []float64, tops []float64, hhi float64) {
		var pos []float64
		var total float64
		for _, x := range v {
			if x > 0 {
				pos = append(pos, x)
				total += x
			}
		}
		slices.Sort(pos)
		slices.Reverse(pos)
		var h float64
		for _, x := range pos {
			h += (x / total) * (x / total)
		}
		if math.Abs(h-hhi) > 1e-12 {
			t.Errorf("%s: HHI %v, want %v", what, hhi, h)
		}
		for k, n := range []int{1, 5, 10, 20, 50, 100} {
			var cum float64
			for _, x := range pos[:n] {
				cum += x
			}
			if math.Abs(tops[k]-cum/total) > 1e-12 {
				t.Errorf("%s: top %d share %v, want %v", what, n, tops[k], cum/total)
			}
		}
	}
	c := a.Concentration
	rev, ar := make([]float64, a.N), make([]float64, a.N)
	var revTops, arTops []float64
	for i := range rev {
		rev[i], ar[i] = float64(a.Revenue[i]), float64(a.Risk.CustAR[i])
	}
	for _, top := range c.Top {
		revTops, arTops = append(revTops, top.RevenueShare), append(arTops, top.ARShare)
	}
	if len(c.Top) != 6 {
		t.Fatalf("%d top-N shares", len(c.Top))
	}
	check("revenue", rev, revTops, c.HHIRevenue)
	check("open AR", ar, arTops, c.HHIAR)
	if math.Abs(c.EquivRevenue*c.HHIRevenue-1) > 1e-12 {
		t.Errorf("equivalent customers %v for H %v", c.EquivRevenue, c.HHIRevenue)
	}

	ct, err := a.CrossTab("region", "pyramid")
	if err != nil {
		t.Fatal(err)
	}
	for _, side := range []struct {
		sc     *model.Scheme
		totals []model.CrossCell
	}{{ct.Rows, ct.RowTotals}, {ct.Cols, ct.ColTotals}} {
		for k, r := range side.sc.Rows {
			got := side.totals[k]
			if got.Customers != r.Customers || got.Revenue != r.Revenue || got.Profit != r.CM || got.CLV != r.TotalCLV || got.OpenAR != r.OpenAR {
				t.Errorf("%s/%s: cross-tab totals %+v, scheme P&L %d %d %d %d %d", side.sc.Key, r.Segment, got, r.Customers, r.Revenue, r.CM, r.TotalCLV, r.OpenAR)
			}
		}
	}
	var n int
	for _, row := range ct.Cells {
		for _, cell := range row {
			n += cell.Customers
		}
	}
	if n != a.N || ct.Total.Customers != a.N || ct.Total.Revenue != a.Base.TotalRevenue {
		t.Errorf("cells hold %d customers, total %+v", n, ct.Total)
	}
	for _, bad := range [][2]string{{"region", "region"}, {"nosuch", "pyramid"}} {
		if _, err := a.CrossTab(bad[0], bad[1]); err == nil {
			t.Errorf("%v crossed", bad)
		}
	}
}

// Then vs now on the demo: gained + kept + lost are the customers now,
// kept + lost those then; every scheme's migration matrix counts exactly
// the customers present at both dates, its segment growth adds up to the
// change of the totals.
func TestComparePeriods(t *testing.T) {
	e := model.NewEngine(demo(t))
	then := analyze(t, e, map[string]string{"as_of": "2024-12-31"})
	now := analyze(t, e, nil)
	pc, err := model.ComparePeriods(then, now)
	if err != nil {
		t.Fatal(err)
	}
	if pc.Gained+pc.Kept+pc.Lost != now.N || pc.Kept+pc.Lost != then.N || pc.Gained == 0 || pc.Lost == 0 || pc.Kept == 0 {
		t.Errorf("gained %d, kept %d, lost %d; customers then %d, now %d", pc.Gained, pc.Kept, pc.Lost, then.N, now.N)
	}
	// by hand: a customer counts as kept when it bought after 2024-12-31
	kept := 0
	then0 := then.AsOf
	for c := range now.N {
		if now.Base.FirstDate[c] <= then0 && now.Base.LastPurchase[c] > then0 {
			kept++
		}
	}
	if kept != pc.Kept {
		t.Errorf("kept %d, recounted %d", pc.Kept, kept)
	}
	for _, key := range now.SchemeKeys() {
		cmp, err := model.Compare(then, now, key)
		if err != nil {
			continue
		}
		n := 0
		for _, row := range cmp.Migration.Counts {
			for _, x := range row {
				n += x
			}
		}
		if n != then.N || cmp.Migration.Unmatched != pc.Gained {
			t.Errorf("%s: migration counts %d customers (want %d), unmatched %d (want %d)", key, n, then.N, cmp.Migration.Unmatched, pc.Gained)
		}
		var dn int
		var dr model.Money
		for _, d := range cmp.Segments {
			dn += d.Customers
			dr += d.Revenue
		}
		if dn != cmp.Total.Customers || dr != cmp.Total.Revenue {
			t.Errorf("%s: segment changes add to %d customers / %d revenue, totals %d / %d", key, dn, dr, cmp.Total.Customers, cmp.Total.Revenue)
		}
	}
	if _, err := model.ComparePeriods(now, then); err == nil {
		t.Error("a later 'then' accepted")
	}
}

// Early warnings on the demo a year apart: every flag is a rise of at least
// early_warning_rise in a segment with five customers on both sides,
// recomputed from the two P&L rows; a higher threshold flags a subset.
func TestEarlyWarnings(t *testing.T) {
	e := model.NewEngine(demo(t))
	then := analyze(t, e, map[string]string{"as_of": "2024-12-31"})
	now := analyze(t, e, nil)
	ws := model.EarlyWarnings(then, now)
	if len(ws) == 0 {
		t.Fatal("no early warning on the demo a year apart")
	}
	row := func(a *model.Analysis, key, seg string) model.SegmentRow {
		sc, _ := a.SchemeByKey(key)
		for _, r := range sc.Rows {
			if r.Segment == seg {
				return r
			}
		}
		t.Fatalf("%s has no segment %s", key, seg)
		return model.SegmentRow{}
	}
	figure := func(r model.SegmentRow, f string) float64 {
		switch f {
		case "returns_share":
			return float64(r.Returns) / float64(r.Revenue+r.Returns)
		case "overdue_share":
			return float64(r.PastDue) / float64(r.OpenAR)
		}
		return float64(r.ECL) / float64(r.OpenAR)
	}
	for _, w := range ws {
		a, b := row(then, w.Scheme, w.Segment), row(now, w.Scheme, w.Segment)
		if a.Customers < 5 || b.Customers < 5 || figure(a, w.Figure) != w.Then || figure(b, w.Figure) != w.Now || w.Now-w.Then < 0.02 {
			t.Errorf("%+v: rows give %v → %v", w, figure(a, w.Figure), figure(b, w.Figure))
		}
	}
	strict := analyze(t, e, map[string]string{"early_warning_rise": "0.2"})
	if s := model.EarlyWarnings(then, strict); len(s) >= len(ws) {
		t.Errorf("a 20-point threshold flags %d, the 2-point one %d", len(s), len(ws))
	}
	// the pyramid's rows: past due never above open AR, returns summed
	sc, _ := now.SchemeByKey("pyramid")
	var ret model.Money
	for _, r := range sc.Rows {
		ret += r.Returns
		if r.PastDue > r.OpenAR || r.PastDue < 0 {
			t.Errorf("%s: past due %d, open AR %d", r.Segment, r.PastDue, r.OpenAR)
		}
	}
	var want model.Money
	for c := range now.N {
		want += now.Base.ReturnValue[c]
	}
	if ret != want || sc.Total.Returns != want {
		t.Errorf("returns: rows %d, total %d, customers %d", ret, sc.Total.Returns, want)
	}
}
