package model

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mathext"
)

// simpsonLogIntegral is ln ∫_{t_x}^T (α+τ)^−(r+x) (β+τ)^−(s+1) dτ by
// composite Simpson on a mesh graded towards t_x (τ = t_x + e^w − ε), in
// log space: the independent oracle for the hypergeometric and quadrature
// paths.
func simpsonLogIntegral(m ParetoNBD, x, tx, T float64) float64 {
	const n = 200_000
	eps := 1e-4 * min(m.Alpha, m.Beta, T-tx)
	w0, w1 := math.Log(eps), math.Log(T-tx+eps)
	h := (w1 - w0) / n
	logf := func(w float64) float64 {
		t := tx + math.Exp(w) - eps
		return -(m.R+x)*math.Log(m.Alpha+t) - (m.S+1)*math.Log(m.Beta+t) + w
	}
	ref := max(logf(w0), logf(w1), logf((w0+w1)/2))
	var sum float64
	for i := 0; i <= n; i++ {
		wt := 2.0
		switch {
		case i == 0 || i == n:
			wt = 1
		case i%2 == 1:
			wt = 4
		}
		sum += wt * math.Exp(logf(w0+float64(i)*h)-ref)
	}
	return ref + math.Log(sum*h/3)
}

// Extreme customers and parameters: the likelihood's integral agrees with
// the oracle on every path (hypergeometric, its series fallback, quadrature)
// and is finite, so P(alive) stays in [0, 1].
func TestParetoNBDExtremes(t *testing.T) {
	params := []ParetoNBD{
		{0.5533, 10.5776, 0.6061, 11.6650}, // CDNOW
		{0.55, 100, 0.6, 0.1},              // α ≫ β: argument near 1
		{2, 0.01, 3, 50},                   // β ≫ α
		{0.05, 0.001, 0.05, 0.001},         // tiny rates
		{30, 5, 40, 5},                     // α = β
	}
	cust := [][3]float64{{0, 0, 78}, {0, 0, 0.01}, {1, 0.5, 78}, {2, 30.43, 38.86}, {50, 70, 78}, {500, 77.9, 78}, {3, 1, 1000}, {10, 77.999, 78}}
	for _, m := range params {
		for _, c := range cust {
			x, tx, T := c[0], c[1], c[2]
			want := simpsonLogIntegral(m, x, tx, T)
			for name, got := range map[string]float64{"integral": m.logIntegral(x, tx, T), "quadrature": m.logQuad(x, tx, T)} {
				if math.IsNaN(got) || math.Abs(got-want) > 1e-6*max(1, math.Abs(want)) {
					t.Errorf("%+v x=%g t_x=%g T=%g: %s %.10g, oracle %.10g", m, x, tx, T, name, got, want)
				}
			}
			if p := m.PAlive(x, tx, T); !(p >= 0 && p <= 1) {
				t.Errorf("%+v x=%g t_x=%g T=%g: P(alive) %g", m, x, tx, T, p)
			}
		}
	}
}

// The Euler-transformed series agrees with gonum's Hypergeo where both
// work, and stays finite where the function itself overflows a float.
func TestHyp2f1TailSeries(t *testing.T) {
	for _, c := range []float64{0.1, 1, 2.5, 50, 1000} {
		for _, b := range []float64{0.05, 1, 1.6, 2, 20.5} {
			for _, z := range []float64{0.1, 0.5, 0.7} {
				if c+1-b <= 0 {
					continue
				}
				want := math.Log(mathext.Hypergeo(c, b, c+1, z))
				sum, term := 1.0, 1.0
				for k := 0; k < 5000; k++ {
					term *= (c + 1 - b + float64(k)) / (c + 1 + float64(k)) * z
					sum += term
				}
				if got := (1-b)*math.Log1p(-z) + math.Log(sum); math.Abs(got-want) > 1e-12*max(1, math.Abs(want)) {
					t.Errorf("ln 2F1(%g,%g;%g;%g) = %.14g, Euler series %.14g", c, b, c+1, z, want, got)
				}
			}
		}
	}
	if v := logHyp2f1Tail(1000, 900, 0.9); math.IsNaN(v) || math.IsInf(v, 0) || v < 2000 {
		t.Errorf("ln 2F1(1000, 900; 1001; 0.9) = %g, want a large finite value", v)
	}
}

// The short quadrature rules give the 96-node rule's value to 1e-12 on
// every interval quadRule hands them, for customers measured in days and
// weeks and a fit with a large dropout shape.
func TestParetoNBDShortRules(t *testing.T) {
	params := []ParetoNBD{{0.5533, 10.5776, 0.6061, 11.6650}, {0.55, 100, 0.6, 0.1}, {2, 0.01, 3, 50}, {0.8, 70, 1.2, 400}, {1.2, 0.024, 1804, 775}}
	full, checked := legendre(), 0
	for _, m := range params {
		for _, x := range []float64{0, 1, 5, 40, 300} {
			for _, T := range []float64{10, 78, 1000, 5000} {
				for _, gap := range []float64{1e-6, 1e-3, 0.1, 1, 3, 20, 200} {
					tx := T - gap
					if tx <= 0 || (x == 0 && tx != 0) {
						continue
					}
					k := min(m.Alpha, m.Beta)
					L := len(m.quadRule(x, tx, T).x)
					if L == len(full.x) {
						continue
					}
					got := m.logQuad(x, tx, T)
					r, al, s, be := m.R, m.Alpha, m.S, m.Beta
					v0, v1 := math.Log(k+tx), math.Log(k+T)
					logf := func(v float64) float64 {
						tau := math.Exp(v) - k
						return v - (r+x)*math.Log(al+tau) - (s+1)*math.Log(be+tau)
					}
					ref := logf(v0)
					var sum float64
					for i, u := range full.x {
						sum += full.w[i] * math.Exp(logf((v0+v1)/2+(v1-v0)/2*u)-ref)
					}
					want := ref + math.Log(sum*(v1-v0)/2)
					if math.Abs(got-want) > 1e-12*max(1, math.Abs(want)) {
						t.Errorf("%+v x=%g t_x=%g T=%g (%d nodes): %.15g, 96 nodes %.15g", m, x, tx, T, L, got, want)
					}
					checked++
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d intervals checked", checked)
	}
}
