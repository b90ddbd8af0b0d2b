package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// rfmLedger builds customers with given recency (days), purchase count and
// revenue at as-of 2024-12-31: purchases on consecutive days ending R days
// before the as-of date.
func rfmLedger(custs []struct {
	id      string
	r, f, m int
}) (*Ledger, Day) {
	asOf := DayFromCivil(2024, 12, 31)
	l := &Ledger{Decimals: 2}
	for ci, c := range custs {
		l.Customers.ID = append(l.Customers.ID, c.id)
		l.Customers.Name = append(l.Customers.Name, "")
		for _, col := range []*[]string{&l.Customers.Region, &l.Customers.Industry, &l.Customers.Channel, &l.Customers.Type} {
			*col = append(*col, "")
		}
		cents := c.m * 100
		for k := 0; k < c.f; k++ {
			amt := cents / c.f
			if k == c.f-1 {
				amt = cents - (c.f-1)*(cents/c.f)
			}
			l.Tx.Cust = append(l.Tx.Cust, int32(ci))
			l.Tx.Date = append(l.Tx.Date, asOf-Day(c.r)-Day(c.f-1-k))
			l.Tx.Amount = append(l.Tx.Amount, Money(amt))
			l.Tx.Cost = append(l.Tx.Cost, 0)
			l.Tx.CostKnown = append(l.Tx.CostKnown, false)
		}
	}
	return l, asOf
}

func TestRFMVector(t *testing.T) {
	custs := []struct {
		id      string
		r, f, m int
	}{
		{"C01", 2, 12, 5400}, {"C02", 5, 3, 800}, {"C03", 12, 1, 150}, {"C04", 20, 6, 2600}, {"C05", 35, 1, 90},
		{"C06", 60, 4, 1200}, {"C07", 90, 9, 4100}, {"C08", 150, 2, 300}, {"C09", 200, 1, 60}, {"C10", 400, 7, 3000},
	}
	want := []struct {
		scores string
		seg    string
	}{
		{"555", "Champions"}, {"533", "Potential Loyalist"}, {"412", "Promising"}, {"444", "Loyal Customers"},
		{"311", "About To Sleep"}, {"333", "Need Attention"}, {"255", "Can't Lose Them"}, {"222", "Hibernating"},
		{"111", "Lost"}, {"144", "At Risk"},
	}
	led, asOf := rfmLedger(custs)
	p := DefaultParams()
	p.AsOf = asOf
	a, err := NewEngine(led).Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := a.SchemeByKey("rfm")
	for i, w := range want {
		got := string([]byte{'0' + byte(a.RScore[i]), '0' + byte(a.FScore[i]), '0' + byte(a.MScore[i])})
		if got != w.scores || sc.Segments[sc.Assign[i]] != w.seg {
			t.Errorf("%s: R,F,M = %s %s, want %s %s", custs[i].id, got, sc.Segments[sc.Assign[i]], w.scores, w.seg)
		}
	}
}

func TestDefaultMapIsPartition(t *testing.T) {
	seen := map[string]string{}
	for _, r := range DefaultRFMMap() {
		for _, c := range r.Codes {
			if prev, dup := seen[c]; dup {
				t.Errorf("code %s in %s and %s", c, prev, r.Name)
			}
			seen[c] = r.Name
		}
	}
	if len(seen) != 25 || len(DefaultRFMMap()) != 11 {
		t.Errorf("%d codes in %d segments, want 25 in 11", len(seen), len(DefaultRFMMap()))
	}
	if seen["11"] != "Lost" || seen["12"] != "Hibernating" || seen["21"] != "Hibernating" || seen["15"] != "Can't Lose Them" {
		t.Errorf("grid cells wrong: %v", seen)
	}
}

func binSizes(n int) []int {
	order, in := make([]int32, n), make([]bool, n)
	for i := range order {
		order[i], in[i] = int32(i), true
	}
	out := make([]int8, n)
	scoreRankFirst(order, in, n, 5, false, out)
	sizes := make([]int, 5)
	for _, s := range out {
		sizes[s-1]++
	}
	return sizes
}

func TestPandasBins(t *testing.T) {
	for n, want := range map[int]string{10: "[2 2 2 2 2]", 7: "[2 1 1 1 2]"} {
		if got := fmt.Sprint(binSizes(n)); got != want {
			t.Errorf("N = %d: bins %s, want %s", n, got, want)
		}
	}
	// equals pd.qcut on raw values when those are distinct
	v := []float64{5, 1, 9, 3, 7, 2, 8, 4, 6, 10}
	order := []int32{1, 5, 3, 7, 0, 8, 4, 6, 2, 9} // v ascending
	in := []bool{true, true, true, true, true, true, true, true, true, true}
	a, b := make([]int8, 10), make([]int8, 10)
	scoreRankFirst(order, in, 10, 5, false, a)
	if !scoreQcut(v, order, in, 10, 5, false, b) || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("rank-first %v vs qcut %v", a, b)
	}
	if scoreQcut([]float64{1, 1, 1, 1, 2}, []int32{0, 1, 2, 3, 4}, in[:5], 5, 5, false, make([]int8, 5)) {
		t.Error("qcut with tied edges should fail like pandas")
	}
}

func TestWhaleVector(t *testing.T) {
	cm := []Money{500, 300, 200, 50, 0, -100, -150}
	led := &Ledger{Decimals: 0}
	for i := range cm {
		led.Customers.ID = append(led.Customers.ID, string(rune('a'+i)))
	}
	a := &Analysis{N: len(cm), CM: cm, Led: led, orders: &orderCache{}, idRank: []int32{0, 1, 2, 3, 4, 5, 6}}
	a.whale(DefaultParams(), 1)
	ps := a.Profit
	wantCum := []Money{500, 800, 1000, 1050, 1050, 950, 800}
	for i, w := range wantCum {
		if ps.Cum[i] != w {
			t.Errorf("cum[%d] = %d, want %d", i, ps.Cum[i], w)
		}
	}
	if ps.TotalCM != 800 || ps.Peak != 1050 || math.Abs(ps.PeakPct-1.3125) > 1e-12 {
		t.Errorf("total %d peak %d (%.4f), want 800, 1050, 131.25 %%", ps.TotalCM, ps.Peak, ps.PeakPct)
	}
	if ps.Profitable != 4 || ps.Loss != 2 || ps.BreakEven != 1 {
		t.Errorf("profitable/loss/break-even = %d/%d/%d, want 4/2/1", ps.Profitable, ps.Loss, ps.BreakEven)
	}
}

func TestPyramidCounts(t *testing.T) {
	n := 200
	key := make([]float64, n)

	for i := range key {
		key[i] = float64(1000 - i)

	}
	a := &Analysis{orders: &orderCache{}, idRank: make([]int32, n)}
	for i := range a.idRank {
		a.idRank[i] = int32(i)
	}

	tiers := a.tiersOf(key, []float64{0.01, 0.05, 0.20}, "")
	count := make([]int, 4)
	for _, t := range tiers {
		count[t]++
	}
	if count[0] != 2 || count[1] != 8 || count[2] != 30 || count[3] != 160 {
		t.Errorf("N = 200: %v, want [2 8 30 160]", count)
	}
	// a tie at the Platinum boundary pulls the tied customer up
	key[2] = key[1]
	tiers = a.tiersOf(key, []float64{0.01, 0.05, 0.20}, "key")
	if tiers[2] != 0 {
		t.Errorf("customer tied with the last Platinum is in tier %d", tiers[2])
	}
	// selection and the sorted walk agree on random keys with many ties
	rng := rand.New(rand.NewPCG(1, 1))
	for trial := 0; trial < 50; trial++ {
		m := 1 + rng.IntN(300)
		k := make([]float64, m)
		for i := range k {
			k[i] = float64(rng.IntN(20))
		}
		b := &Analysis{orders: &orderCache{}, idRank: make([]int32, m)}
		for i := range b.idRank {
			b.idRank[i] = int32(i)
		}
		cuts := []float64{0.01, 0.05, 0.20}
		got, want := b.tiersOf(k, cuts, ""), rankTiers(k, b.orders.desc("", k, b.idRank), cuts)
		if got2 := b.tiersOf(k, cuts, fmt.Sprint("trial", trial)); fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(got2) != fmt.Sprint(want) {
			t.Fatalf("keys %v: selection %v, walk %v", k, got, want)
		}
	}
	// N = 1: one Platinum
	if got := rankTiers([]float64{5}, []int32{0}, []float64{0.01, 0.05, 0.2}); got[0] != 0 {
		t.Errorf("single customer tier %d", got[0])
	}
}

func TestSimpleCLVVectors(t *testing.T) {
	for _, tc := range []struct {
		conv string
		T    int
		want float64
	}{{"GL", 0, 266.667}, {"OF", 0, 333.333}, {"BL", 0, 366.667}, {"OF", 5, 265.512}, {"GL", 5, 212.410}} {
		got, ok := SimpleCLV(100, 0.8, 0.10, tc.T, tc.conv)
		if !ok || math.Abs(got-tc.want) > 0.0005 {
			t.Errorf("%s T=%d: %.4f, want %.3f", tc.conv, tc.T, got, tc.want)
		}
	}
	if v, ok := SimpleCLV(100, 0, 0.1, 0, "GL"); !ok || v != 0 {
		t.Errorf("r = 0 GL = %v", v)
	}
	if v, _ := SimpleCLV(100, 0, 0.1, 0, "OF"); math.Abs(v-100/1.1) > 1e-9 {
		t.Errorf("r = 0 OF = %v", v)
	}
	if _, ok := SimpleCLV(100, 0.95, -0.1, 0, "GL"); ok {
		t.Error("1 + d − r ≤ 0 accepted")
	}
	// finite OF converges to m/(1+d−r), not to the GL value
	if v, _ := SimpleCLV(100, 0.8, 0.1, 2000, "OF"); math.Abs(v-333.333) > 0.001 {
		t.Errorf("OF T→∞ = %v", v)
	}
}

// rankTiers is the reference for tiersBy: it assigns tiers along order (descending key, ties by id) with
// cumulative cut-offs: rank ≤ ceil(cut_k·N) is tier k; customers tied with
// the last member of a tier join it (spec §2).
func rankTiers(key []float64, order []int32, cuts []float64) []int16 {
	out := make([]int16, len(key))
	for i := range out {
		out[i] = int16(len(cuts)) // the last tier
	}
	m := len(order)
	tier, k := 0, 0
	for tier < len(cuts) && k < m {
		end := int(math.Ceil(cuts[tier]*float64(m) - 1e-9))
		for ; k < m && (k < end || (k > 0 && key[order[k]] == key[order[k-1]] && out[order[k-1]] == int16(tier))); k++ {
			out[order[k]] = int16(tier)
		}
		tier++
	}
	return out
}
