package model

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// directExpected is FHL 2005 eq. 10 written out as it stands, with gonum's
// Hypergeo (Euler's transform where it overflows): the oracle of
// expectedCurve's series.
func directExpected(m BGNBD, t, x, tx, T float64) float64 {
	a, b, r, al := m.A, m.B, m.R, m.Alpha
	if math.Abs(a-1) < 1e-9 {
		a += 1e-9
	}
	z := t / (al + T + t)
	num := (a + b + x - 1) / (a - 1) * (1 - math.Pow((al+T)/(al+T+t), r+x)*hyp2f1(r+x, b+x, a+b+x-1, z))
	den := 1.0
	if x > 0 {
		den += a / (b + x - 1) * math.Pow((al+T)/(al+tx), r+x)
	}
	return num / den
}

// expectedCurve (one series for every horizon, its terms giving the
// derivatives) agrees with the formula evaluated by Hypergeo at each
// horizon to 1e-12 relative, and its gradient with extrapolated central
// differences of the formula to 1e-7, for customers from one-time buyers
// to heavy ones, parameters with a < 1 and a + b < 1, and horizons whose
// argument is beyond the series' reach (the fallback paths).
func TestExpectedCurve(t *testing.T) {
	models := []BGNBD{
		{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259}, // CDNOW, weeks
		{R: 0.89, Alpha: 16.36, A: 6.91, B: 59.49},       // generated ledger, days
		{R: 2.5, Alpha: 0.3, A: 0.4, B: 0.5},             // a + b < 1
		{R: 0.05, Alpha: 200, A: 1.2, B: 3},
	}
	custs := [][3]float64{{0, 0, 30}, {1, 2, 30}, {3, 20, 38}, {12, 70, 78}, {60, 900, 1000}, {250, 1090, 1095}, {5, 1, 3}}
	ts := []float64{0, 0.5, 4.345, 30, 91, 365, 2000, 1e5}
	var h hypSeries
	series, fallback := 0, 0
	for _, m := range models {
		for _, c := range custs {
			x, tx, T := c[0], c[1], c[2]
			out := make([]float64, len(ts))
			grads := make([][countDims]float64, len(ts))
			m.expectedCurve(&h, ts, x, tx, T, out, grads)
			for i, tt := range ts {
				want := directExpected(m, tt, x, tx, T)
				// E = A·(1 − P·F)/D loses digits when P·F is close to 1,
				// whatever evaluates F: the tolerance is relative to A/D
				a := m.A
				ad := (a + m.B + x - 1) / (a - 1)
				if x > 0 {
					ad /= 1 + a/(m.B+x-1)*math.Pow((m.Alpha+T)/(m.Alpha+tx), m.R+x)
				}
				if math.Abs(out[i]-want) > 1e-12*max(math.Abs(want), math.Abs(ad)) {
					t.Errorf("%+v x=%g t_x=%g T=%g t=%g: curve %.17g, formula %.17g", m, x, tx, T, tt, out[i], want)
				}
				if tt > 0 {
					if h.a, h.b, h.c = m.R+x, m.B+x, m.A+m.B+x-1; h.usable(tt / (m.Alpha + T + tt)) {
						series++
					} else {
						fallback++
					}
				}
				for j := range countDims {
					f := func(step float64) float64 {
						th := []float64{math.Log(m.R), math.Log(m.Alpha), math.Log(m.A), math.Log(m.B)}
						th[j] += step
						p := BGNBD{R: math.Exp(th[0]), Alpha: math.Exp(th[1]), A: math.Exp(th[2]), B: math.Exp(th[3])}
						return directExpected(p, tt, x, tx, T)
					}
					central := func(e float64) float64 { return (f(e) - f(-e)) / (2 * e) }
					num := (4*central(1e-4) - central(2e-4)) / 3
					// the differences carry the value's rounding (above)
					// divided by the step
					tol := 1e-7*max(1e-3, math.Abs(num), math.Abs(out[i])) + 1e-8*math.Abs(ad)
					if !h.usable(tt / (m.Alpha + T + tt)) {
						tol *= 1e4 // forward differences in the fallback
					}
					if got := grads[i][j]; math.Abs(got-num) > tol {
						t.Errorf("%+v x=%g t_x=%g T=%g t=%g: ∂/∂θ%d %.10g, differences %.10g", m, x, tx, T, tt, j, got, num)
					}
				}
			}
			// the value does not depend on asking for the gradient
			plain := make([]float64, len(ts))
			m.expectedCurve(&h, ts, x, tx, T, plain, nil)
			if !slices.EqualFunc(plain, out, func(p, q float64) bool { return math.Float64bits(p) == math.Float64bits(q) }) {
				t.Errorf("%+v x=%g: values with and without the gradient differ", m, x)
			}
		}
	}
	if series < 100 || fallback < 10 {
		t.Errorf("series %d, fallback %d horizons: both paths should be exercised", series, fallback)
	}
}

// The monthly purchases' derivatives that the CLV intervals use agree with
// extrapolated central differences of the monthly purchases themselves,
// for every customer of a simulated ledger, under both count models; and
// the purchases do not change when the derivatives are asked for.
func TestMonthlyGradient(t *testing.T) {
	s := simulatePNBD(ParetoNBD{R: 0.8, Alpha: 10, S: 0.9, Beta: 15}, 400, 3)
	const months, factor = 12, 4.345
	bg := BGNBD{R: 0.25, Alpha: 4.4, A: 0.8, B: 2.4}
	pn := ParetoNBD{R: 0.55, Alpha: 10.6, S: 0.61, Beta: 11.7}
	for _, kind := range []string{KindBGNBD, KindPNBD} {
		at := func(j int, h float64) *ProbModel { // the model with log-parameter j moved by h
			if kind == KindPNBD {
				m := pn.moved(j, h)
				return &ProbModel{Kind: kind, PNBD: m, Count: m, Summary: s}
			}
			m := bg.moved(j, h)
			return &ProbModel{Kind: kind, BG: m, Count: m, Summary: s}
		}
		delta, dm := at(0, 0).monthlyPurchases(months, factor, true)
		plain, _ := at(0, 0).monthlyPurchases(months, factor, false)
		if !slices.Equal(delta, plain) {
			t.Errorf("%s: the monthly purchases change when their derivatives are asked for", kind)
		}
		for j := range countDims {
			diff := func(h float64) []float64 {
				up, _ := at(j, h).monthlyPurchases(months, factor, false)
				dn, _ := at(j, -h).monthlyPurchases(months, factor, false)
				for i := range up {
					up[i] = (up[i] - dn[i]) / (2 * h)
				}
				return up
			}
			d1, d2 := diff(1e-3), diff(2e-3)
			// compared month by month as running totals (the expected
			// purchases to the month's end): a month's increment is a
			// small difference of two of them
			bad := 0
			var got, num float64
			for i := range d1 {
				if i%months == 0 {
					got, num = 0, 0
				}
				got += dm[i*countDims+j]
				num += (4*d1[i] - d2[i]) / 3
				if math.Abs(got-num) > 1e-6*max(1e-4, math.Abs(num)) {
					if bad++; bad <= 3 {
						t.Errorf("%s customer %d to month %d ∂/∂θ%d: %.10g, differences %.10g", kind, i/months, i%months+1, j, got, num)
					}
				}
			}
		}
	}
}

// TestCurvesSharedByXAndT: a pass over the histories, which computes the
// parts in x and T once for every customer with them, gives every
// customer's monthly purchases and their derivatives bit for bit as the
// curve of that customer alone, on customers sharing x and T in many ways
// (one-time buyers, the same x at several ages, the same age at several
// x, whole histories repeated), with and without derivatives.
func TestCurvesSharedByXAndT(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	n := 3000
	s := &RepeatSummary{Unit: "day", UnitDays: 1, In: make([]bool, n), X: make([]float64, n), Tx: make([]float64, n), T: make([]float64, n)}
	ages := []float64{30, 61.5, 200, 730}
	for c := range n {
		s.In[c] = c%97 != 0 // some without purchases
		x := float64(rng.IntN(6))
		T := ages[rng.IntN(len(ages))]
		tx := 0.0
		if x > 0 {
			tx = float64(rng.IntN(int(T)))
		}
		if c > 10 && c%13 == 0 { // a whole history again
			x, tx, T = s.X[c-7], s.Tx[c-7], s.T[c-7]
		}
		s.X[c], s.Tx[c], s.T[c] = x, tx, T
	}
	const months, factor = 12, 30.0
	ts := monthEnds(months, factor)
	for _, withGrad := range []bool{false, true} {
		m := &ProbModel{Kind: KindBGNBD, BG: BGNBD{R: 0.89, Alpha: 16.36, A: 6.91, B: 59.49}, Summary: s}
		delta, dm := m.monthlyPass(months, factor, withGrad, nil)
		var h hypSeries
		for c := range n {
			if !s.In[c] {
				continue
			}
			out := make([]float64, months)
			var grads [][countDims]float64
			if withGrad {
				grads = make([][countDims]float64, months)
			}
			m.BG.expectedCurve(&h, ts, s.X[c], s.Tx[c], s.T[c], out, grads)
			prev, gprev := 0.0, [countDims]float64{}
			for k := range months {
				if want := finite(out[k]) - prev; delta[c*months+k] != want {
					t.Fatalf("customer %d (x %g, t_x %g, T %g), month %d: %v in the pass, %v alone", c, s.X[c], s.Tx[c], s.T[c], k+1, delta[c*months+k], want)
				}
				prev = finite(out[k])
				if !withGrad {
					continue
				}
				for j := range countDims {
					if want := finite(grads[k][j]) - gprev[j]; dm[(c*months+k)*countDims+j] != want {
						t.Fatalf("customer %d, month %d, derivative %d: %v in the pass, %v alone", c, k+1, j, dm[(c*months+k)*countDims+j], want)
					}
					gprev[j] = finite(grads[k][j])
				}
			}
		}
		// with discount factors: the purchases and derivatives summed over
		// the months, one and countDims a customer, the same bits as the
		// month-by-month pass's
		disc := []float64{0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93, 0.92, 0.91, 0.9, 0.89, 0.88}
		purch, dd := m.monthlyPass(months, factor, withGrad, disc)
		if len(purch) != n || withGrad && len(dd) != n*countDims {
			t.Fatalf("discounted pass: %d purchases and %d derivatives for %d customers", len(purch), len(dd), n)
		}
		for c := range n {
			if want := discountedSum(delta[c*months:(c+1)*months], disc); math.Float64bits(purch[c]) != math.Float64bits(want) {
				t.Fatalf("customer %d (x %g, t_x %g, T %g): discounted purchases %v in one pass, %v from the months", c, s.X[c], s.Tx[c], s.T[c], purch[c], want)
			}
			if !withGrad {
				continue
			}
			var want [countDims]float64
			discountedFrom(dm, disc)(c, &want)
			if got := dd[c*countDims : (c+1)*countDims]; !slices.Equal(got, want[:]) {
				t.Fatalf("customer %d: discounted derivatives %v in one pass, %v from the months", c, got, want)
			}
		}
		uniq, _ := m.histories()
		xt := map[[2]float64]bool{}
		for _, c := range uniq {
			xt[[2]float64{s.X[c], s.T[c]}] = true
		}
		if len(uniq) < 200 || 5*len(xt) > len(uniq) {
			t.Fatalf("%d histories with %d (x, T): too few shared", len(uniq), len(xt))
		}
	}
}
