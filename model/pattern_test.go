package model_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"ledgerlens/importer"
	"ledgerlens/model"
)

// Hand-made customers with known gaps between purchases get the buying
// pattern their gaps say, with the coefficient of variation computed by
// hand; the thresholds are live parameters.
func TestBuyingPattern(t *testing.T) {
	start := model.Day(0)
	if d, err := model.ParseISODay("2024-01-01"); err == nil {
		start = d
	}
	customers := []struct {
		id   string
		gaps []int // days between purchase days
		want string
	}{
		{"clock", []int{30, 30, 30, 30, 30}, "Periodic"},
		{"nearly", []int{28, 32, 30, 29, 31}, "Periodic"}, // σ = √2, μ = 30
		{"poisson", []int{5, 40, 12, 60, 3, 25}, "Random"},
		{"bursty", []int{1, 1, 1, 200, 1, 1, 1}, "Concentrated"},
		{"two", []int{10}, "Too few purchases"},
		{"three", []int{10, 10}, "Too few purchases"}, // CV 0, but 3 purchase days < 4
		{"once", nil, "Too few purchases"},
	}
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	for _, c := range customers {
		d := start
		fmt.Fprintf(&b, "%s,%s,100\n", c.id, d)
		fmt.Fprintf(&b, "%s,%s,50\n", c.id, d) // same day: one purchase day
		for _, g := range c.gaps {
			d += model.Day(g)
			fmt.Fprintf(&b, "%s,%s,100\n", c.id, d)
		}
	}
	led, _, err := importer.LoadReader("pattern.csv", []byte(b.String()), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := model.DefaultParams()
	if err := p.Set("as_of", "2026-01-01"); err != nil {
		t.Fatal(err)
	}
	a, err := model.NewEngine(led).Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	var sc *model.Scheme
	for i := range a.Schemes {
		if a.Schemes[i].Key == "pattern" {
			sc = &a.Schemes[i]
		}
	}
	if sc == nil {
		t.Fatal("no buying-pattern scheme")
	}
	byID := map[string]int{}
	for c, id := range a.Led.Customers.ID {
		byID[id] = c
	}
	for _, c := range customers {
		i := byID[c.id]
		if got := sc.Segments[sc.Assign[i]]; got != c.want {
			t.Errorf("%s (CV %.3f): %s, want %s", c.id, a.GapCV[i], got, c.want)
		}
		want := math.NaN() // under three purchase days
		if len(c.gaps) >= 2 {
			want = popCV(c.gaps)
		}
		if math.IsNaN(want) != math.IsNaN(a.GapCV[i]) || (!math.IsNaN(want) && math.Abs(a.GapCV[i]-want) > 1e-12) {
			t.Errorf("%s: CV %g, want %g", c.id, a.GapCV[i], want)
		}
	}
	if got := a.GapCV[byID["nearly"]]; math.Abs(got-math.Sqrt(2)/30) > 1e-12 {
		t.Errorf("nearly: CV %g, want √2/30", got)
	}
	// the thresholds are parameters: a wide periodic band takes "poisson" in
	if err := p.Set("pattern_periodic_cv", "0.95"); err != nil {
		t.Fatal(err)
	}
	a, _ = model.NewEngine(led).Analyze(p)
	for i := range a.Schemes {
		if sc := &a.Schemes[i]; sc.Key == "pattern" && sc.Segments[sc.Assign[byID["poisson"]]] != "Periodic" {
			t.Errorf("poisson with periodic CV ≤ 0.95 (its CV %.3f): %s", a.GapCV[byID["poisson"]], sc.Segments[sc.Assign[byID["poisson"]]])
		}
	}
	if err := p.Set("pattern_burst_cv", "0.5"); err == nil {
		if _, err := model.NewEngine(led).Analyze(p); err == nil {
			t.Error("pattern_burst_cv below pattern_periodic_cv accepted")
		}
	}
}

func popCV(gaps []int) float64 {
	var sum, sq float64
	for _, g := range gaps {
		sum += float64(g)
	}
	mean := sum / float64(len(gaps))
	for _, g := range gaps {
		sq += (float64(g) - mean) * (float64(g) - mean)
	}
	return math.Sqrt(sq/float64(len(gaps))) / mean
}
