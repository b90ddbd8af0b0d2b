package model

import (
	"math"
	"testing"
)

var fhl = BGNBD{R: 0.242593, Alpha: 4.413532, A: 0.792886, B: 2.425752}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.6f, want %.6f ± %g", what, got, want, tol)
	}
}

func TestBGNBDVectors(t *testing.T) {
	near(t, "E[Y(39)|2,30.43,38.86]", fhl.ExpectedPurchases(39, 2, 30.43, 38.86), 1.226, 0.001)
	for i, tt := range []float64{0.1429, 1, 3, 31.8571, 32, 78} {
		want := []float64{0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576}[i]
		near(t, "E[X(t)]", fhl.ExpectedPurchasesNew(tt), want, 0.001)
	}
	rounded := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	near(t, "P(alive|2,30.43,38.86)", rounded.PAlive(2, 30.43, 38.86), 0.7266, 0.0005)
	near(t, "P(alive|2,5,38.86)", rounded.PAlive(2, 5, 38.86), 0.1237, 0.0005)
	near(t, "P(alive|0,0,T)", rounded.PAlive(0, 0, 38.86), 1, 0)
}

func TestGammaGammaVectors(t *testing.T) {
	g := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	// 24.65 is the note's rounded figure: the rounded parameters give 24.664,
	// the fitted ones (6.2496, 3.7442, 15.4435) 24.658.
	near(t, "E[M|2,22.35]", g.ExpectedSpend(2, 22.35), 24.65, 0.015)
	near(t, "E[M|2,22.35] fitted", GammaGamma{P: 6.2496, Q: 3.7442, V: 15.4435}.ExpectedSpend(2, 22.35), 24.65, 0.01)
	if v := g.ExpectedSpend(0, 0); v < 35.17-0.01 || v > 35.22+0.01 {
		t.Errorf("E[M|0] = %.4f, want 35.17–35.22", v)
	}
	near(t, "E[M|7,73.74]", g.ExpectedSpend(7, 73.74), 71.46, 0.1)
}

func TestDiscountedCLVVectors(t *testing.T) {
	g := GammaGamma{P: 6.25, Q: 3.74, V: 15.45}
	spend := g.ExpectedSpend(2, 22.35)
	near(t, "CLV factor 30", DiscountedCLV(fhl, spend, 2, 30.43, 38.86, 12, 0.01, 30), 140.1, 0.1)
	near(t, "CLV factor 4.345", DiscountedCLV(fhl, spend, 2, 30.43, 38.86, 12, 0.01, 4.345), 36.29, 0.01)
	near(t, "CLV x=0 factor 30", DiscountedCLV(fhl, g.ExpectedSpend(0, 0), 0, 0, 38.86, 12, 0.01, 30), 38.26, 0.1)
}

// A repeat customer whose repeat purchases are worth 0 keeps its own mean in
// the Gamma-Gamma conditional expectation (lifetimes does the same), which is
// then (1 − w)·population mean = v·p / (p·x + q − 1), not the population mean.
func TestGammaGammaZeroRepeatSpend(t *testing.T) {
	g := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	near(t, "E[M|1,0]", g.ExpectedSpend(1, 0), g.V*g.P/(g.P*1+g.Q-1), 1e-12)
	if pop := g.ExpectedSpend(0, 0); g.ExpectedSpend(1, 0) > pop/3 {
		t.Errorf("E[M|1,0] = %.4f is not pulled towards 0 (population mean %.4f)", g.ExpectedSpend(1, 0), pop)
	}
	// the summary keeps a zero mean as 0 (a negative one is unknown)
	l := &Ledger{Decimals: 2}
	l.Customers.ID = []string{"A", "B"}
	d := DayFromCivil(2024, 1, 1)
	l.Tx = Transactions{Cust: []int32{0, 0, 1, 1, 1}, Date: []Day{d, d + 10, d, d + 5, d + 5}, Amount: []Money{1000, 0, 1000, 500, -800},
		Cost: make([]Money, 5), CostKnown: make([]bool, 5)}
	s := Aggregate(l, d+30).Summary(l, "day")
	if s.X[0] != 1 || s.Mbar[0] != 0 {
		t.Errorf("zero repeat: x %v, m̄ %v; want 1, 0", s.X[0], s.Mbar[0])
	}
	if !math.IsNaN(s.Mbar[1]) {
		t.Errorf("net negative repeat day: m̄ %v, want unknown", s.Mbar[1])
	}
}
