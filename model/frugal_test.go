package model_test

import (
	"math"
	"slices"
	"testing"

	"ledgerlens/model"
)

// A frugal engine (no month-by-month CLV purchases or derivatives, no
// sorted orders kept) gives the same CLV and gradients, bit for bit, and the
// same scores, orders and segments as one that keeps them: on the first analysis
// and after the discount rate or the horizon changes (where the other
// reuses its stored derivatives and the frugal one sums a new pass).
func TestFrugalEngineSameGradients(t *testing.T) {
	for name, led := range map[string]*model.Ledger{"demo": demo(t), "generated": generatedLedger(t, 20_000, 7)} {
		keep, frugal := model.NewEngine(led), model.NewEngine(led)
		frugal.Frugal = true
		p := model.DefaultParams()
		for step, change := range []func(*model.Params){
			func(*model.Params) {},
			func(p *model.Params) { p.CLVMonthlyDiscount = 0.025 },
			func(p *model.Params) { p.CLVHorizonMonths = 7 },
			func(p *model.Params) { p.CLVMonthlyDiscount = 0.01 },
		} {
			change(&p)
			a, err := keep.Analyze(p)
			if err != nil {
				t.Fatal(err)
			}
			b, err := frugal.Analyze(p)
			if err != nil {
				t.Fatal(err)
			}
			ga, gb := model.CLVGradientOf(a), model.CLVGradientOf(b)
			if len(ga) == 0 || len(ga) != len(gb) {
				t.Fatalf("%s step %d: gradients of %d and %d values", name, step, len(ga), len(gb))
			}
			nonzero := 0
			for i := range ga {
				if math.Float64bits(ga[i]) != math.Float64bits(gb[i]) {
					t.Fatalf("%s step %d: gradient %d: kept %v, frugal %v", name, step, i, ga[i], gb[i])
				}
				if ga[i] != 0 {
					nonzero++
				}
			}
			if nonzero == 0 {
				t.Fatalf("%s step %d: every gradient is 0", name, step)
			}
			for c := range a.CLV {
				if math.Float64bits(a.CLV[c]) != math.Float64bits(b.CLV[c]) {
					t.Fatalf("%s step %d: CLV of customer %d: %v vs %v", name, step, c, a.CLV[c], b.CLV[c])
				}
			}
			// what the sorted orders give (the frugal engine keeps none)
			if !slices.Equal(a.RScore, b.RScore) || !slices.Equal(a.FScore, b.FScore) || !slices.Equal(a.MScore, b.MScore) {
				t.Fatalf("%s step %d: RFM scores differ", name, step)
			}
			if !slices.Equal(a.Profit.Order, b.Profit.Order) || !slices.Equal(a.Best, b.Best) || !slices.Equal(a.BestScore, b.BestScore) {
				t.Fatalf("%s step %d: whale or best-customer order differs", name, step)
			}
			if len(a.Schemes) != len(b.Schemes) {
				t.Fatalf("%s step %d: %d and %d schemes", name, step, len(a.Schemes), len(b.Schemes))
			}
			for k := range a.Schemes {
				if !slices.Equal(a.Schemes[k].Assign, b.Schemes[k].Assign) {
					t.Fatalf("%s step %d: scheme %s assigns differently", name, step, a.Schemes[k].Key)
				}
			}
		}
	}
}
