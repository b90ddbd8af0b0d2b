package model

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
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

// The Euler-transformed series agrees with gonum's Hypergeo up to
// seriesMaxZ, with or without its derivatives, which agree with
// extrapolated central differences of gonum's value; it is NaN beyond; and
// it stays finite where the function itself overflows a float.
func TestHyp2f1TailSeries(t *testing.T) {
	lnF := func(c, b, z float64) float64 { return math.Log(mathext.Hypergeo(c, b, c+1, z)) }
	derivs := 0
	for _, c := range []float64{0.1, 1, 2.5, 50, 1000} {
		for _, b := range []float64{0.05, 1, 1.6, 2, 20.5} {
			for _, z := range []float64{0, 0.1, 0.5, 0.6, 0.7, 0.8, 0.9} {
				if c+1-b <= 0 {
					continue
				}
				want := lnF(c, b, z)
				v, _, _ := hyp2f1Tail(c, b, z, false)
				vd, d, ok := hyp2f1Tail(c, b, z, true)
				if z > seriesMaxZ {
					if !math.IsNaN(v) || !math.IsNaN(vd) || ok {
						t.Errorf("2F1(%g,%g;%g;%g) beyond the series' reach: %g, %g, derivatives %v", c, b, c+1, z, v, vd, ok)
					}
					continue
				}
				if math.Abs(v-want) > 1e-12*max(1, math.Abs(want)) || vd != v || !ok {
					t.Errorf("ln 2F1(%g,%g;%g;%g) = %.14g, series %.14g (with derivatives %.14g, %v)", c, b, c+1, z, want, v, vd, ok)
				}
				derivs++
				const h = 1e-4
				num := [3]float64{
					(lnF(c+h, b, z) - lnF(c-h, b, z)) / (2 * h),
					(lnF(c, b+h, z) - lnF(c, b-h, z)) / (2 * h),
				}
				if z > h { // gonum's value at z − h < 0 is another branch
					num[2] = (lnF(c, b, z+h) - lnF(c, b, z-h)) / (2 * h)
				} else {
					num[2] = b * c / (c + 1) // the series' first coefficient
				}
				for j := range d {
					if math.Abs(d[j]-num[j]) > 1e-6*max(1, math.Abs(num[j])) {
						t.Errorf("2F1(%g,%g;%g;%g): ∂%d series %.10g, differences %.10g", c, b, c+1, z, j, d[j], num[j])
					}
				}
			}
		}
	}
	if derivs < 60 {
		t.Fatalf("derivatives checked at %d points", derivs)
	}
	// (1−z)^(1−b) alone is e^1446.9, and a float ends at e^709.8
	if v, _, _ := hyp2f1Tail(1000, 900, seriesMaxZ, false); math.IsNaN(v) || math.IsInf(v, 0) || v < 1446.9 {
		t.Errorf("ln 2F1(1000, 900; 1001; %g) = %g, want a large finite value", seriesMaxZ, v)
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

// The likelihood's analytic gradient (the integral's derivatives taken as
// means under the quadrature's nodes) agrees with extrapolated central
// differences of the likelihood itself, on histories from one-time buyers to heavy ones,
// at parameters on both sides of α = β and near the homogeneous edge; and
// asking for the gradient does not change the value.
func TestParetoNBDGradient(t *testing.T) {
	s := &RepeatSummary{Unit: "week", UnitDays: 7}
	for i := 0; i < 400; i++ {
		T := 2 + float64(i%97)*0.8
		x := float64((i * 7) % 23)
		if i%5 == 0 {
			x = float64(i % 300)
		}
		tx := T * float64((i*13)%10) / 10
		if x == 0 {
			tx = 0
		}
		s.In, s.X, s.Tx, s.T = append(s.In, true), append(s.X, x), append(s.Tx, tx), append(s.T, T)
	}
	d := newBGData(s, 1/78.0)
	ll := pnbdLL(d)
	points := [][]float64{
		{math.Log(0.5533), math.Log(10.5776 / 78), math.Log(0.6061), math.Log(11.6650 / 78)},
		{0, 0, 0, 0},
		{-0.5, 1, -0.5, 1},
		{0.2, -3, 1.5, 2},    // β ≫ α
		{-1, 2, 0.3, -2},     // α ≫ β
		{0.06, -1.2, 7, 9.5}, // s near the homogeneous edge
	}
	for _, th := range points {
		g := make([]float64, 4)
		v := ll(th, g)
		if v0 := ll(th, nil); v0 != v {
			t.Errorf("θ %v: value %.17g with the gradient, %.17g without", th, v, v0)
		}
		for j := range th {
			central := func(h float64) float64 {
				up, dn := slices.Clone(th), slices.Clone(th)
				up[j] += h
				dn[j] -= h
				return (ll(up, nil) - ll(dn, nil)) / (2 * h)
			}
			// Richardson's extrapolation of two steps large enough that
			// rounding in the large sum does not dominate
			const h = 2e-3
			num := (4*central(h) - central(2*h)) / 3
			if math.Abs(g[j]-num) > 1e-7*max(1, math.Abs(num)) {
				t.Errorf("θ %v: ∂/∂θ%d analytic %.10g, extrapolated differences %.10g", th, j, g[j], num)
			}
		}
	}
}

// Each tail evaluated once for the histories that share it gives every
// history the log-likelihood and derivatives, bit for bit, that tails of
// its own give (the tail at T with derivatives where the tail at t_x has
// them), and the likelihood sums those histories.
func TestParetoNBDSharedTails(t *testing.T) {
	s := &RepeatSummary{Unit: "week", UnitDays: 7}
	for i := range 3000 { // few frequencies and times: most tails shared
		T := 10 + float64(i%41)*1.5
		x := float64(1 + (i*7)%9)
		tx := T * float64((i*13)%11) / 10
		s.In, s.X, s.Tx, s.T = append(s.In, true), append(s.X, x), append(s.Tx, min(tx, T)), append(s.T, T)
	}
	d := newBGData(s, 1/78.0)
	tk := newTailKeys(d)
	if len(tk.loKey) >= len(d.rep) || len(tk.hiKey) >= len(d.rep)/2 {
		t.Fatalf("%d histories, %d and %d tails: too few shared", len(d.rep), len(tk.loKey), len(tk.hiKey))
	}
	ll := pnbdLL(d)
	var series, quad int
	for _, th := range [][]float64{
		{math.Log(0.5533), math.Log(10.5776 / 78), math.Log(0.6061), math.Log(11.6650 / 78)},
		{0.2, -3, 1.5, 2}, // β ≫ α: arguments near 1
		{-1, 2, 0.3, -2},  // α ≫ β
		{0.06, -1.2, 7, 9.5},
	} {
		m := ParetoNBD{R: math.Exp(th[0]), Alpha: math.Exp(th[1]), S: math.Exp(th[2]), Beta: math.Exp(th[3])}
		for _, grad := range []bool{false, true} {
			tb := tk.tails(d, m, grad)
			var want, size float64
			for r, rp := range d.rep {
				x, tx, T := d.x[rp.xi], d.t[rp.txi], d.t[rp.ti]
				var g, gOwn *[4]float64
				if grad {
					g, gOwn = new([4]float64), new([4]float64)
				}
				got := m.historyLL(x, tx, T, tb.lo[tk.lo[r]], tb.hi[tk.hi[r]], g)
				lo, hi := m.tailsAt(x, tx, T, grad)
				own := m.historyLL(x, tx, T, lo, hi, gOwn)
				if math.Float64bits(got) != math.Float64bits(own) || (grad && *g != *gOwn) {
					t.Fatalf("θ %v, history %v: %.17g %v with shared tails, %.17g %v with its own", th, rp, got, g, own, gOwn)
				}
				if lo.gOK {
					series++
				} else {
					quad++
				}
				lg, _ := math.Lgamma(m.R + x)
				want += rp.w * (lg + own)
				size += math.Abs(rp.w * (lg + own))
			}
			lgr, _ := math.Lgamma(m.R)
			want += d.w * (m.R*math.Log(m.Alpha) + m.S*math.Log(m.Beta) - lgr)
			var gr []float64
			if grad {
				gr = make([]float64, 4)
			}
			// summed in another order: rounding relative to the terms' size
			if v := ll(th, gr); math.Abs(v-want) > 1e-12*size {
				t.Errorf("θ %v: likelihood %.15g, the histories' sum %.15g", th, v, want)
			}
		}
	}
	if series == 0 || quad == 0 {
		t.Errorf("%d histories with the series' derivatives, %d without: both wanted", series, quad)
	}
}

// The integral's derivatives from the hypergeometric tails' series agree
// with the quadrature's means, on both forms of the tail (α > β, β > α),
// α = β, one-time buyers and heavy ones, wherever the series path is
// taken; and it is taken on most of the CDNOW-like grid.
func TestParetoNBDSeriesGradient(t *testing.T) {
	params := []ParetoNBD{{0.5533, 10.5776, 0.6061, 11.6650}, {0.5533, 11.6650, 0.6061, 10.5776}, {2, 0.5, 3, 0.8}, {0.8, 7, 1.2, 4}, {1, 3, 1, 3}, {0.05, 2, 0.05, 2.5}}
	series, total := 0, 0
	for _, m := range params {
		for _, x := range []float64{0, 1, 2, 7, 40} {
			for _, T := range []float64{1, 10, 39, 78} {
				for _, frac := range []float64{0, 0.2, 0.5, 0.9, 0.999} {
					tx := T * frac
					if (x == 0) != (tx == 0) {
						continue
					}
					total++
					lo, hi := m.tailsAt(x, tx, T, true)
					lnI, hyp, got := m.logIntegralGrad(x, lo, hi, tx, T)
					if !hyp {
						continue
					}
					series++
					var mom [4]float64
					q := m.quadrature(x, tx, T, &mom)
					want := [4]float64{-mom[0], -(m.R + x) * mom[1], -mom[2], -(m.S + 1) * mom[3]}
					if math.Abs(lnI-q) > 1e-12*max(1, math.Abs(q)) {
						t.Errorf("%+v x=%g t_x=%g T=%g: ln I %.15g, quadrature %.15g", m, x, tx, T, lnI, q)
					}
					for j := range got {
						if math.Abs(got[j]-want[j]) > 1e-9*max(1, math.Abs(want[j])) {
							t.Errorf("%+v x=%g t_x=%g T=%g: ∂%d series %.12g, quadrature %.12g", m, x, tx, T, j, got[j], want[j])
						}
					}
				}
			}
		}
	}
	if series < total/2 {
		t.Fatalf("the series path was taken on %d of %d histories", series, total)
	}
}

// simulatePNBD draws n customers from the Pareto/NBD process with the
// given parameters, each observed for T uniform on [30, 78] weeks after a
// first purchase at 0.
func simulatePNBD(m ParetoNBD, n int, seed uint64) *RepeatSummary {
	src := rand.New(rand.NewPCG(seed, 1))
	lam := distuv.Gamma{Alpha: m.R, Beta: m.Alpha, Src: src}
	mu := distuv.Gamma{Alpha: m.S, Beta: m.Beta, Src: src}
	s := &RepeatSummary{Unit: "week", UnitDays: 7}
	for range n {
		T := 30 + 48*src.Float64()
		l, life := lam.Rand(), src.ExpFloat64()/mu.Rand()
		end := min(T, life)
		var x, tx float64
		for t := src.ExpFloat64() / l; t <= end; t += src.ExpFloat64() / l {
			x, tx = x+1, t
		}
		s.In, s.X, s.Tx, s.T = append(s.In, true), append(s.X, x), append(s.Tx, tx), append(s.T, T)
	}
	return s
}

// The standard errors come from the Hessian of the log-likelihood at the
// optimum; recomputed here from second differences of the likelihood's
// value alone (no gradient), they agree to 1e-3 relative, for both count
// models on customers simulated from a known Pareto/NBD.
func TestStandardErrorsFromValues(t *testing.T) {
	s := simulatePNBD(ParetoNBD{R: 0.8, Alpha: 10, S: 0.9, Beta: 15}, 3000, 7)
	scale := 1 / slices.Max(s.T)
	d := newBGData(s, scale)
	pn, pst := FitParetoNBD(s, 0)
	bg, bst := FitBGNBD(s, 0)
	for _, c := range []struct {
		name   string
		ll     likelihood
		params []float64
		st     FitStatus
		scaled []float64 // log-parameters of the fit on scaled times
	}{
		{"Pareto/NBD", pnbdLL(d), pn.params(), pst, []float64{math.Log(pn.R), math.Log(pn.Alpha * scale), math.Log(pn.S), math.Log(pn.Beta * scale)}},
		{"BG/NBD", d.ll, bg.params(), bst, []float64{math.Log(bg.R), math.Log(bg.Alpha * scale), math.Log(bg.A), math.Log(bg.B)}},
	} {
		if !c.st.Converged || c.st.Boundary != "" || len(c.st.SE) != 4 {
			t.Fatalf("%s: %+v", c.name, c.st)
		}
		th := c.scaled
		f := func(di, dj float64, i, j int) float64 {
			x := slices.Clone(th)
			x[i] += di
			x[j] += dj
			return -c.ll(x, nil)
		}
		const h = 1e-3
		hess := mat.NewSymDense(4, nil)
		for i := range 4 {
			for j := i; j < 4; j++ {
				v := (f(h, h, i, j) - f(h, -h, i, j) - f(-h, h, i, j) + f(-h, -h, i, j)) / (4 * h * h)
				if i == j {
					v = (f(h, 0, i, i) - 2*f(0, 0, i, i) + f(-h, 0, i, i)) / (h * h)
				}
				hess.SetSym(i, j, v)
			}
		}
		var chol mat.Cholesky
		if !chol.Factorize(hess) {
			t.Fatalf("%s: Hessian from values not positive definite", c.name)
		}
		var cov mat.SymDense
		if err := chol.InverseTo(&cov); err != nil {
			t.Fatal(err)
		}
		for i, p := range c.params {
			want := p * math.Sqrt(cov.At(i, i))
			if got := c.st.SE[i]; math.Abs(got/want-1) > 1e-3 {
				t.Errorf("%s parameter %d = %.5g: SE %.6g, from the likelihood's values %.6g", c.name, i, p, got, want)
			}
		}
	}
}
