package model_test

import (
	"math"
	"strings"
	"testing"

	"ledgerlens/model"
)

// Spec §7.3 vectors worked by hand.
func TestPricingVectors(t *testing.T) {
	for in, want := range map[string]string{"2/10 net 30": "2/10 net 30", "2%/10 n/30": "2/10 net 30", "1.5/15, net 45": "1.5/15 net 45"} {
		tm, err := model.ParseEarlyTerms(in)
		if err != nil || tm.String() != want {
			t.Errorf("%q: %v %v, want %s", in, tm, err, want)
		}
	}
	for in, why := range map[string]string{"2/30 net 30": "net days", "0/10 net 30": "discount", "net 30": "want d/D net N"} {
		if _, err := model.ParseEarlyTerms(in); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: error %v, want %q", in, err, why)
		}
	}
	tm, _ := model.ParseEarlyTerms("2/10 net 30")
	// 0.02/0.98 × 365/20 = 0.372449 → 37.2 %
	if r := tm.ImpliedRate(); math.Abs(r-0.02/0.98*365/20) > 1e-15 || model.FormatPct(r) != "37.2 %" {
		t.Errorf("2/10 net 30: implied rate %v", r)
	}
	// paying on day 10 instead of 120 saves 0.10 × 110/365 = 3.01 % > 2 %; instead of 60, 1.37 % < 2 %
	if !tm.Pays(120, 0.10) || tm.Pays(60, 0.10) {
		t.Error("early-payment payoff wrong")
	}
	// COGS 600 + CTS 100 on revenue 1,000, PD 2 %, LGD 1, k 10 %, 73 days to pay, target margin 5 %:
	// 0.7 / (1 − 0.02 − 0.02 − 0.05) = 0.769231
	if f := model.MinPriceFactor(700, 1000, 0.02, 1, 0.10, 73, 0.05); math.Abs(f-0.7/0.91) > 1e-12 {
		t.Errorf("minimum price factor %v, want %v", f, 0.7/0.91)
	}
	if f := model.MinPriceFactor(700, 1000, 0.5, 1, 0.10, 365, 0.5); !math.IsNaN(f) {
		t.Errorf("no price covers PD 50 %% + margin 50 %%: got %v", f)
	}
}

// On the demo ledger each customer's minimum price follows from its own
// figures, each segment's from its sums; without cost it is n/a with the
// reason.
func TestMinimumPrices(t *testing.T) {
	led := demo(t)
	e := model.NewEngine(led)
	a := analyze(t, e, map[string]string{"target_margin": "0.05"})
	if a.MinPrice == nil {
		t.Fatalf("no minimum prices: %s", a.PricingNote)
	}
	r := a.Risk
	for c := 0; c < a.N; c++ {
		if r.CustAR[c] > 0 && math.Abs(a.PD[c]-float64(r.CustECL[c])/float64(r.CustAR[c])) > 1e-15 {
			t.Fatalf("customer %d: PD %v", c, a.PD[c])
		}
		want := math.NaN()
		if a.Revenue[c] > 0 {
			want = float64(a.COGS[c]+a.CTS[c]) / float64(a.Revenue[c]) / (1 - a.PD[c] - 0.10*a.DaysToPay[c]/365 - 0.05)
		}
		if got := a.MinPrice[c]; math.IsNaN(got) != math.IsNaN(want) || (!math.IsNaN(want) && math.Abs(got-want) > 1e-12) {
			t.Fatalf("customer %d: minimum price factor %v, want %v", c, got, want)
		}
		if a.EarlyPays[c] != (0.10*(a.DaysToPay[c]-10)/365 > 0.02) {
			t.Fatalf("customer %d: early discount pays %v at %v days", c, a.EarlyPays[c], a.DaysToPay[c])
		}
	}
	sc, _ := a.SchemeByKey("pyramid")
	for k, row := range append(sc.Rows, sc.Total) {
		var rev, pd, dtp float64
		for c, s := range sc.Assign {
			if (k == len(sc.Rows) || int(s) == k) && a.Revenue[c] > 0 {
				rev += float64(a.Revenue[c])
				pd += float64(a.Revenue[c]) * a.PD[c]
				dtp += float64(a.Revenue[c]) * a.DaysToPay[c]
			}
		}
		want := float64(row.COGS+row.CTS) / float64(row.Revenue) / (1 - pd/rev - 0.10*dtp/rev/365 - 0.05)
		if math.Abs(row.MinPrice-want) > 1e-9 {
			t.Errorf("%s: segment minimum price %v, want %v", row.Segment, row.MinPrice, want)
		}
		if k < len(sc.Rows) && row.Strategy != model.PyramidStrategy(row.Segment) || row.Strategy == "" && k < len(sc.Rows) {
			t.Errorf("%s: strategy %q", row.Segment, row.Strategy)
		}
	}
	noCost := demo(t)
	noCost.HasCost = false
	for i := range noCost.Tx.CostKnown {
		noCost.Tx.CostKnown[i] = false
	}
	b := analyze(t, model.NewEngine(noCost), nil)
	if b.MinPrice != nil || !strings.Contains(b.PricingNote, "minimum prices need") {
		t.Errorf("without cost: %v, %q", b.MinPrice != nil, b.PricingNote)
	}
}
