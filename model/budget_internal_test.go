package model

import (
	"math"
	"slices"
	"testing"
)

// §7.2 by hand: ROMI of one segment, and the greedy allocation with bounds.
func TestBudgetByHand(t *testing.T) {
	b := &Budget{HasCM: true, HasCLV: true, Uplift: 0.1}
	r := BudgetRow{CM: 5_000_000, TotalCLV: 40_000_000, Spend: 2_000_000, HasSpend: true} // cents
	b.romi(&r)
	// gross: (50,000 − 20,000) / 20,000 = 1.5; CLV: (0.1 × 400,000 − 20,000) / 20,000 = 1.0
	if math.Abs(r.GrossROMI-1.5) > 1e-12 || math.Abs(r.CLVROMI-1.0) > 1e-12 {
		t.Errorf("ROMI = %v, %v; want 1.5, 1.0", r.GrossROMI, r.CLVROMI)
	}
	b.HasCM = false
	r2 := BudgetRow{CM: 5_000_000, Spend: 2_000_000, HasSpend: true, GrossROMI: math.NaN(), CLVROMI: math.NaN()}
	b.romi(&r2)
	if !math.IsNaN(r2.GrossROMI) {
		t.Error("gross ROMI without cost is not n/a")
	}

	// Budget 10,000: minimums A 1,000 and C 500 first; the 8,500 left goes
	// by ROMI: B (3.0) to its maximum 4,000, A (2.0) up to 5,000 (+4,000),
	// D (1.0) the last 500; C (no ROMI) keeps its minimum.
	nan := math.NaN()
	g := &Budget{Budget: 10_000, Rule: "romi", Rows: []BudgetRow{
		{Segment: "A", GrossROMI: 2.0, CLVROMI: nan, Min: 1_000, Max: 5_000, HasMax: true},
		{Segment: "B", GrossROMI: 3.0, CLVROMI: nan, Max: 4_000, HasMax: true},
		{Segment: "C", GrossROMI: nan, CLVROMI: nan, Min: 500},
		{Segment: "D", GrossROMI: 1.0, CLVROMI: nan},
	}}
	g.allocate()
	var got []Money
	for _, r := range g.Rows {
		got = append(got, r.Allocation)
	}
	if !slices.Equal(got, []Money{5_000, 4_000, 500, 500}) || g.Total.Allocation != 10_000 || !g.Allocated {
		t.Errorf("greedy allocation = %v (total %d); want [5000 4000 500 500]", got, g.Total.Allocation)
	}
	if ranks := []int{g.Rows[0].Rank, g.Rows[1].Rank, g.Rows[2].Rank, g.Rows[3].Rank}; !slices.Equal(ranks, []int{2, 1, 4, 3}) {
		t.Errorf("ranks = %v; want [2 1 4 3]", ranks)
	}

	// minimums above the budget: no allocation, said so
	over := &Budget{Budget: 100, Rule: "romi", Rows: []BudgetRow{{Min: 80, GrossROMI: 1}, {Min: 40, GrossROMI: 1}}}
	over.allocate()
	if over.Allocated || len(over.Notes) == 0 {
		t.Error("minimums over the budget still allocated")
	}
}

// Proportional allocation: a capped share is fixed and the rest re-split;
// whole units sum to the budget, remainders to the largest fractions.
func TestWaterFill(t *testing.T) {
	noCap := func(int) Money { return math.MaxInt64 / 4 }
	for _, tc := range []struct {
		total  Money
		weight []float64
		caps   []Money
		want   []Money
	}{
		// A's 600/1000 of 1,000 passes its cap 500: A 500, then B and C split 500 as 3:1
		{1000, []float64{600, 300, 100}, []Money{500, -1, -1}, []Money{500, 375, 125}},
		// thirds of 100: 33.33 each, the one unit left to the first
		{100, []float64{1, 1, 1}, nil, []Money{34, 33, 33}},
		// a weightless segment gets nothing
		{90, []float64{2, 0, 1}, nil, []Money{60, 0, 30}},
		// every cap reached: what is left stays unallocated
		{100, []float64{1, 1}, []Money{10, 20}, []Money{10, 20}},
	} {
		capOf := noCap
		if tc.caps != nil {
			capOf = func(i int) Money {
				if tc.caps[i] < 0 {
					return math.MaxInt64 / 4
				}
				return tc.caps[i]
			}
		}
		if got := waterFill(tc.total, tc.weight, capOf); !slices.Equal(got, tc.want) {
			t.Errorf("waterFill(%d, %v) = %v; want %v", tc.total, tc.weight, got, tc.want)
		}
	}
}

func TestSegmentListsText(t *testing.T) {
	a, err := ParseSegmentAmounts(`Platinum = 20,000; "Can't; Lose" = 1500.5`)
	if err != nil || len(a) != 2 || a[0].Amount != 20000 || a[1].Segment != "Can't; Lose" || a[1].Amount != 1500.5 {
		t.Fatalf("ParseSegmentAmounts = %v, %v", a, err)
	}
	if back, _ := ParseSegmentAmounts(FormatSegmentAmounts(a)); !slices.Equal(back, a) {
		t.Errorf("amounts do not survive formatting: %q", FormatSegmentAmounts(a))
	}
	bs, err := ParseSegmentBounds("Gold = 5000..30000; Lead = ..10000; Iron = 100..")
	if err != nil || len(bs) != 3 || bs[0].Min != 5000 || bs[0].Max != 30000 || bs[1].Min != 0 || bs[1].Max != 10000 || !math.IsNaN(bs[2].Max) {
		t.Fatalf("ParseSegmentBounds = %v, %v", bs, err)
	}
	if got := FormatSegmentBounds(bs); got != "Gold = 5000..30000; Lead = 0..10000; Iron = 100.." {
		t.Errorf("FormatSegmentBounds = %q", got)
	}
	for _, bad := range []string{"Gold = -5", "Gold = x", "Gold = 1; Gold = 2", "= 5", "Gold 5", `"Gold = 5`} {
		if _, err := ParseSegmentAmounts(bad); err == nil {
			t.Errorf("ParseSegmentAmounts(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"Gold = 10..5", "Gold = 10", "Gold = a..b"} {
		if _, err := ParseSegmentBounds(bad); err == nil {
			t.Errorf("ParseSegmentBounds(%q) accepted", bad)
		}
	}
}
