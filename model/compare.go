package model

import (
	"fmt"
	"slices"
)

// SegmentDelta is one segment of a scheme in a baseline and a current
// analysis, with the changes.
type SegmentDelta struct {
	Segment          string
	Base, Cur        SegmentRow
	Customers        int   // Cur − Base
	Revenue, Profit  Money // Cur − Base
	TotalCLV, AvgCLV Money // Cur − Base
}

// Migration counts customers by baseline segment (rows) and current segment
// (columns) of one scheme.
type Migration struct {
	From, To  []string
	Counts    [][]int
	Moved     int // customers whose segment name changed
	Unmatched int // customers in only one of the two analyses (another as-of date)
}

// Comparison is a scheme compared between a baseline and a current analysis.
type Comparison struct {
	Title     string
	Segments  []SegmentDelta // the current segments in order, then segments only the baseline has
	Total     SegmentDelta   // the schemes' total rows and their difference
	Migration Migration
}

// Compare compares scheme key between two analyses of the same ledger.
// Customers are matched by id, so the analyses may differ in as-of date.
func Compare(base, cur *Analysis, key string) (Comparison, error) {
	bs, ok := base.SchemeByKey(key)
	cs, ok2 := cur.SchemeByKey(key)
	if !ok || !ok2 {
		return Comparison{}, fmt.Errorf("scheme %q is not in both analyses", key)
	}
	cmp := Comparison{Title: cs.Title}
	byName := map[string]SegmentRow{}
	for _, r := range bs.Rows {
		byName[r.Segment] = r
	}
	seen := map[string]bool{}
	add := func(b, c SegmentRow, name string) {
		cmp.Segments = append(cmp.Segments, SegmentDelta{Segment: name, Base: b, Cur: c, Customers: c.Customers - b.Customers,
			Revenue: c.Revenue - b.Revenue, Profit: c.CM - b.CM, TotalCLV: c.TotalCLV - b.TotalCLV, AvgCLV: c.AvgCLV - b.AvgCLV})
	}
	for _, r := range cs.Rows {
		seen[r.Segment] = true
		add(byName[r.Segment], r, r.Segment)
	}
	for _, r := range bs.Rows {
		if !seen[r.Segment] {
			add(r, SegmentRow{Segment: r.Segment}, r.Segment)
		}
	}
	add(bs.Total, cs.Total, "Total")
	cmp.Total, cmp.Segments = cmp.Segments[len(cmp.Segments)-1], cmp.Segments[:len(cmp.Segments)-1]
	mg := &cmp.Migration
	mg.From, mg.To = bs.Segments, cs.Segments
	mg.Counts = make([][]int, len(bs.Segments))
	for i := range mg.Counts {
		mg.Counts[i] = make([]int, len(cs.Segments))
	}
	count := func(bc, cc int) {
		i, j := bs.Assign[bc], cs.Assign[cc]
		mg.Counts[i][j]++
		if bs.Segments[i] != cs.Segments[j] {
			mg.Moved++
		}
	}
	if base.Led == cur.Led {
		for c := range cs.Assign {
			count(c, c)
		}
		return cmp, nil
	}
	idx := make(map[string]int, base.N)
	for c, id := range base.Led.Customers.ID {
		idx[id] = c
	}
	matched := 0
	for c, id := range cur.Led.Customers.ID {
		if bc, ok := idx[id]; ok {
			count(bc, c)
			matched++
		}
	}
	mg.Unmatched = base.N + cur.N - 2*matched
	return cmp, nil
}

// ChangedSchemes are the schemes (in display order) whose segments differ
// between the two analyses: a customer moved, or a segment's figures
// changed.
func ChangedSchemes(base, cur *Analysis) []string {
	var out []string
	for i := range cur.Schemes {
		cs := &cur.Schemes[i]
		bs, found := base.SchemeByKey(cs.Key)
		if !found || !slices.Equal(bs.Segments, cs.Segments) || !slices.EqualFunc(bs.Rows, cs.Rows, sameFigures) {
			out = append(out, cs.Key)
		} else if base.Led == cur.Led && !slices.Equal(bs.Assign, cs.Assign) {
			out = append(out, cs.Key)
		}
	}
	return out
}

// sameFigures compares the money and counts of two segment rows (ratios
// follow from them; NaN ratios would never compare equal).
func sameFigures(x, y SegmentRow) bool {
	return x.Segment == y.Segment && x.Customers == y.Customers && x.Revenue == y.Revenue && x.CM == y.CM &&
		x.TotalCLV == y.TotalCLV && x.NetAR == y.NetAR && x.ECL == y.ECL
}
