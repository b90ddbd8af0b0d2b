package model

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mathext"
)

// ParetoNBD holds fitted Pareto/NBD parameters (Schmittlein, Morrison &
// Colombo 1987): purchases ~ Poisson(λ), λ ~ Gamma(r, α); lifetime ~
// Exponential(μ), μ ~ Gamma(s, β).
type ParetoNBD struct {
	R, Alpha, S, Beta float64
}

// logParts returns the two log terms of one customer's likelihood (Fader,
// Hardie & Lee, "A note on implementing the Pareto/NBD model in MATLAB",
// 2005), without the constant lnΓ(r+x) − lnΓ(r) + r ln α + s ln β:
// alive = −(r+x) ln(α+T) − s ln(β+T), the customer still alive at T;
// died = ln( s ∫_{t_x}^T (α+τ)^−(r+x) (β+τ)^−(s+1) dτ ), died in (t_x, T].
func (m ParetoNBD) logParts(x, tx, T float64) (alive, died float64) {
	lo, hi := m.tailsAt(x, tx, T, false)
	return m.partsFrom(x, tx, T, lo, hi, nil, nil)
}

// tailsAt is one history's tails as partsFrom takes them: at t_x, with
// derivatives when grad; at T, as tailAtT gives it, and only when T > t_x
// (else it is not read).
func (m ParetoNBD) tailsAt(x, tx, T float64, grad bool) (lo, hi tail) {
	lo = m.tailAt(x, tx, grad)
	if T > tx {
		hi = m.tailAtT(x, T, lo)
	}
	return lo, hi
}

// tailAtT is the tail at T of a history whose tail at t_x is lo: with
// derivatives where lo has them; NaN where lo is, for then the integral is
// taken by quadrature and the tail at T is not read.
func (m ParetoNBD) tailAtT(x, T float64, lo tail) tail {
	if math.IsNaN(lo.v) {
		return tail{v: math.NaN()}
	}
	return m.tailAt(x, T, lo.gOK)
}

// logIntegral is ln ∫_{t_x}^T (α+τ)^−(r+x) (β+τ)^−(s+1) dτ. The antiderivative
// tail G(τ) = ∫_τ^∞ … is a Gauss hypergeometric function; the note's two
// forms (α ≥ β and β > α) keep its argument in [0, 1). Where the function
// does not evaluate (or the difference G(t_x) − G(T) is lost to rounding)
// the integral is taken by quadrature instead.
func (m ParetoNBD) logIntegral(x, tx, T float64) float64 {
	if T <= tx {
		return math.Inf(-1)
	}
	return m.logIntegralFrom(x, m.logTail(x, tx), m.logTail(x, T), tx, T)
}

// logIntegralFrom is logIntegral given lo = logTail(x, t_x) and
// hi = logTail(x, T).
func (m ParetoNBD) logIntegralFrom(x, lo, hi, tx, T float64) float64 {
	if T <= tx {
		return math.Inf(-1)
	}
	if v, _ := integralFromTails(lo, hi); !math.IsNaN(v) {
		return v
	}
	return m.logQuad(x, tx, T)
}

// integralFromTails is ln(G(t_x) − G(T)) from lo = ln G(t_x) and
// hi = ln G(T), with d = hi − lo: NaN where a tail did not evaluate or the
// difference is lost to rounding.
func integralFromTails(lo, hi float64) (v, d float64) {
	if d := hi - lo; !math.IsNaN(d) && !math.IsInf(lo, 0) && d < -1e-6 {
		return lo + math.Log1p(-math.Exp(d)), d
	}
	return math.NaN(), math.NaN()
}

// tail is logTail(x, τ) and, where asked for and its series is short,
// its derivatives in r, α, s and β.
type tail struct {
	v   float64
	g   [4]float64
	gOK bool
}

// logTail is ln ∫_τ^∞ (α+u)^−(r+x) (β+u)^−(s+1) du.
func (m ParetoNBD) logTail(x, tau float64) float64 { return m.tailAt(x, tau, false).v }

// tailAt is logTail(x, τ) = ln[ ₂F₁(c, b; c+1; z) / (c (M+τ)^c) ],
// c = r+s+x, M = max(α, β), in the note's two forms, which keep z in
// [0, 1): b = s+1, z = (α−β)/(α+τ) where α ≥ β; b = r+x, z = (β−α)/(β+τ)
// where β > α. Its value is NaN where ₂F₁ does not evaluate. With grad, g
// is its derivatives: ln ₂F₁'s (hyp2f1Tail) taken through c, b and z, plus
// those of −ln c − c·ln(M+τ); gOK is false where they were not summed, and
// the caller takes the quadrature's.
func (m ParetoNBD) tailAt(x, tau float64, grad bool) tail {
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	c := r + s + x
	alphaBig := be <= al
	big, b, z := al, s+1, (al-be)/(al+tau)
	if !alphaBig {
		big, b, z = be, r+x, (be-al)/(be+tau)
	}
	lf, d, ok := hyp2f1Tail(c, b, z, grad)
	lm := math.Log(big + tau)
	t := tail{v: lf - math.Log(c) - c*lm, gOK: ok}
	if !ok {
		return t
	}
	fc, fb, fz := d[0], d[1], d[2]
	if alphaBig {
		t.g = [4]float64{fc - 1/c - lm, fz*(be+tau)/((al+tau)*(al+tau)) - c/(al+tau), fc + fb - 1/c - lm, -fz / (al + tau)}
	} else {
		t.g = [4]float64{fc + fb - 1/c - lm, -fz / (be + tau), fc - 1/c - lm, fz*(al+tau)/((be+tau)*(be+tau)) - c/(be+tau)}
	}
	return t
}

// seriesMaxZ is the largest argument at which hyp2f1Tail sums its series;
// beyond it the caller takes the integral, value and derivatives, by
// quadrature. Up to it under 200 terms reach full precision, about as
// cheap as the quadrature (measured on CDNOW: 0.6 was slower, 0.9 no
// faster); at 0.99 it takes 3,900. (Values alone summed up to 0.99 cost
// the 1M-row ledger's Pareto/NBD fit, whose path runs at large β, 69
// million of its 82 million terms, for values its quadrature gave again.)
const seriesMaxZ = 0.8

// hyp2f1Tail is ln ₂F₁(c, b; c+1; z) for 0 ≤ z < 1 and c+1−b > 0 (both
// forms of the likelihood) by Euler's transform (1−z)^(1−b) S,
// S = ₂F₁(1, a; c+1; z) = Σ t_k, t_{k+1} = t_k (a+k)/(c+1+k) z, a = c+1−b:
// positive terms falling at least as fast as z^k, and the factor taken in
// logs, so a large b cannot overflow. Above z = seriesMaxZ the series
// converges too slowly: NaN, and the caller integrates numerically.
//
// With deriv it also gives the derivatives in c, b and z (dOK), from
// ∂ ln S/∂a = Σ t_k A_k / S with A_k = Σ_{j<k} 1/(a+j),
// ∂ ln S/∂(c+1) = −Σ t_k C_k / S with C_k = Σ_{j<k} 1/(c+1+j), and
// ∂ ln S/∂z = Σ k t_k / (z S), summed without dividing by z. The value is
// the same either way: the sum where the value's terms end.
func hyp2f1Tail(c, b, z float64, deriv bool) (v float64, d [3]float64, dOK bool) {
	a := c + 1 - b
	if !(z >= 0 && z <= seriesMaxZ && a > 0) {
		return math.NaN(), d, false
	}
	sum, t, valueSum := 1.0, 1.0, 0.0
	var sa, sc, sz, A, C float64
	for k := 1; valueSum == 0 || deriv; k++ {
		if k > 5000 {
			return math.NaN(), d, false
		}
		deriv = deriv && k <= 400 // too slow: the value alone
		j := float64(k - 1)
		inv := 1 / ((a + j) * (c + 1 + j)) // one division for three ratios
		rho := (a + j) * (a + j) * inv
		if deriv {
			A += (c + 1 + j) * inv
			C += (a + j) * inv
			sz += float64(k) * t * rho // k·t_k / z
		}
		t *= rho * z
		sum += t
		if valueSum == 0 && t < 1e-17*sum {
			valueSum = sum
		}
		if deriv {
			sa += t * A
			sc += t * C
			if valueSum != 0 && t*(float64(k)+1+A+C) <= 1e-17*min(sum, sa, sc, sz) {
				break
			}
		}
	}
	l1z := math.Log1p(-z)
	v = (1-b)*l1z + math.Log(valueSum)
	if !deriv {
		return v, d, false
	}
	fa, fc1, fzS := sa/sum, -sc/sum, sz/sum
	return v, [3]float64{fa + fc1, -l1z - fa, -(1-b)/(1-z) + fzS}, true
}

// logQuad is logIntegral by Gauss-Legendre quadrature over v = ln(k+τ),
// k = min(α, β), which flattens the sharper of the two factors; the
// integrand is scaled by its larger end value so that large exponents do
// not underflow.
func (m ParetoNBD) logQuad(x, tx, T float64) float64 { return m.quadrature(x, tx, T, nil) }

// quadrature is logQuad; when mom is not nil it also returns, over the
// integrand normalised on (t_x, T], the means of ln(α+τ), 1/(α+τ), ln(β+τ)
// and 1/(β+τ), from the same nodes: the log-integral's derivatives in r,
// α, s and β are −mom[0], −(r+x)·mom[1], −mom[2] and −(s+1)·mom[3].
func (m ParetoNBD) quadrature(x, tx, T float64, mom *[4]float64) float64 {
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	k := min(al, be)
	// logs of α+τ and β+τ at v: the smaller of α, β is k, so one of them
	// is v itself
	logs := func(v, e float64) (la, lb float64) {
		if al == k {
			return v, math.Log(be - k + e)
		}
		return math.Log(al - k + e), v
	}
	logf := func(la, lb, v float64) float64 { return v - (r+x)*la - (s+1)*lb } // ln of integrand · dτ/dv
	v0, v1 := math.Log(k+tx), math.Log(k+T)
	la0, lb0 := logs(v0, k+tx)
	la1, lb1 := logs(v1, k+T)
	ref := max(logf(la0, lb0, v0), logf(la1, lb1, v1))
	rule := m.quadRule(x, tx, T)
	nodes, weights := rule.x, rule.w
	mid, half := (v0+v1)/2, (v1-v0)/2
	var sum float64
	var acc [4]float64
	node := func(w, v, ev float64) {
		la, lb := logs(v, ev)
		e := w * math.Exp(logf(la, lb, v)-ref)
		sum += e
		if mom != nil {
			acc[0] += e * la
			acc[1] += e / (al - k + ev)
			acc[2] += e * lb
			acc[3] += e / (be - k + ev)
		}
	}
	// Gauss-Legendre nodes pair up as ±u: e^(mid ± half·u) = k+τ at both
	// from one exp (the quadrature's time is in its exps)
	em := math.Exp(mid)
	n := len(nodes)
	for i := range n / 2 {
		u, w := nodes[n-1-i], weights[n-1-i]
		q := math.Exp(half * u)
		node(w, mid+half*u, em*q)
		node(w, mid-half*u, em/q)
	}
	if n%2 == 1 {
		node(weights[n/2], mid, em)
	}
	if mom != nil {
		for j := range acc {
			mom[j] = acc[j] / sum
		}
	}
	return ref + math.Log(sum*half)
}

// quadRule picks logQuad's rule for the interval (t_x, T]. Over it
// |d ln f / dv| ≤ 1 + (r+x)·(k+T)/(α+T) + (s+1)·(k+T)/(β+T) (each factor's
// derivative e^v/(a−k+e^v) grows with v); the integrand is nearly
// exponential, and n nodes integrate e^(λv) over an interval with λ times
// its length at most L with an error like (L/2)^(2n)/(2n)!: the rule is the
// smallest whose error that makes negligible. Most recent buyers measured
// in days, and every customer of a fit with a large dropout shape s, need
// only a few nodes.
func (m ParetoNBD) quadRule(x, tx, T float64) gaussRule {
	k := min(m.Alpha, m.Beta)
	dv := math.Log(k+T) - math.Log(k+tx)
	L := dv * (1 + (m.R+x)*(k+T)/(m.Alpha+T) + (m.S+1)*(k+T)/(m.Beta+T))
	rules := quadRules()
	for _, q := range rules[:len(rules)-1] {
		if L <= q.reach {
			return q
		}
	}
	return rules[len(rules)-1]
}

// gaussRule is a Gauss-Legendre rule on [−1, 1]; reach is the largest L
// (see quadRule) it integrates to about 1e-17.
type gaussRule struct {
	x, w  []float64
	reach float64
}

func newGaussRule(n int) gaussRule {
	x, w := make([]float64, n), make([]float64, n)
	quad.Legendre{}.FixedLocations(x, w, -1, 1)
	// (L/2)^(2n) / (2n)! = 1e-17
	lg, _ := math.Lgamma(float64(2*n + 1))
	return gaussRule{x, w, 2 * math.Exp((lg+math.Log(1e-17))/float64(2*n))}
}

// The Gauss-Legendre rules of the quadratures here, computed once: from 8
// nodes for short intervals to 96 for any.
var (
	quadRules = sync.OnceValue(func() []gaussRule {
		var rs []gaussRule
		for _, n := range []int{8, 12, 16, 24, 32, 48, 64, 96} {
			rs = append(rs, newGaussRule(n))
		}
		return rs
	})
	legendre = sync.OnceValue(func() gaussRule { r := quadRules(); return r[len(r)-1] })
)

// LogLik is one customer's log-likelihood.
func (m ParetoNBD) LogLik(x, tx, T float64) float64 {
	alive, died := m.logParts(x, tx, T)
	r := m.R
	lg1, _ := math.Lgamma(r + x)
	lg2, _ := math.Lgamma(r)
	return lg1 - lg2 + r*math.Log(m.Alpha) + m.S*math.Log(m.Beta) + logAddExp(alive, died)
}

func logAddExp(a, b float64) float64 {
	if math.IsInf(b, -1) {
		return a
	}
	hi, lo := max(a, b), min(a, b)
	return hi + math.Log1p(math.Exp(lo-hi))
}

// PAlive is P(alive | x, t_x, T) = 1 / (1 + e^(died − alive)).
func (m ParetoNBD) PAlive(x, tx, T float64) float64 {
	alive, died := m.logParts(x, tx, T)
	return 1 / (1 + math.Exp(died-alive))
}

// ExpectedPurchases is E[Y(t) | x, t_x, T], the expected purchases in the
// next t time units (Fader & Hardie 2005 note, eq. 22).
func (m ParetoNBD) ExpectedPurchases(t, x, tx, T float64) float64 {
	var out [1]float64
	m.expectedCurve([]float64{t}, x, tx, T, out[:], nil)
	return out[0]
}

// expectedCurve puts in out[i] E[Y(ts[i]) | x, t_x, T] =
// (r+x)/(α+T) · L(β+T, t) · P(alive) for one customer and several horizons:
// P(alive) does not depend on t and is computed once. When grads is not nil,
// grads[i] receives the derivatives in the log-parameters (log r, log α,
// log s, log β): P(alive)'s from the likelihood's parts (see partsFrom),
// L's in closed form.
func (m ParetoNBD) expectedCurve(ts []float64, x, tx, T float64, out []float64, grads [][countDims]float64) {
	var da, dd [4]float64
	var alive, died float64
	if grads == nil {
		alive, died = m.logParts(x, tx, T)
	} else {
		lo, hi := m.tailsAt(x, tx, T, true)
		alive, died = m.partsFrom(x, tx, T, lo, hi, &da, &dd)
	}
	pa := 1 / (1 + math.Exp(died-alive))
	b := m.Beta + T
	for i, t := range ts {
		if t <= 0 {
			noPurchases(out, grads, i)
			continue
		}
		L := m.lifeIntegral(b, t)
		E := (m.R + x) / (m.Alpha + T) * L * pa
		out[i] = E
		if grads == nil {
			continue
		}
		// ∂ ln P(alive) = −(1 − P(alive))·∂(died − alive)
		var dpa [4]float64
		for j := range dpa {
			dpa[j] = -(1 - pa) * (dd[j] - da[j])
		}
		dLs, dLb := m.lifeIntegralGrad(b, t, L)
		grads[i] = [countDims]float64{
			m.R * E * (1/(m.R+x) + dpa[0]),
			m.Alpha * E * (-1/(m.Alpha+T) + dpa[1]),
			m.S * E * (dLs/L + dpa[2]),
			m.Beta * E * (dLb/L + dpa[3]),
		}
	}
}

// lifeIntegralGrad is lifeIntegral's derivatives in s and in b, given its
// value L: with q = b/(b+t) and g = s − 1, L = b/g·(1 − q^g),
// ∂L/∂s = −L/g − (b/g)·q^g·ln q and ∂L/∂b = L/b − q^g·t/(b+t); at s = 1
// their limits −b·ln²q/2 and L/b − t/(b+t).
func (m ParetoNBD) lifeIntegralGrad(b, t, L float64) (ds, db float64) {
	lq := math.Log(b / (b + t))
	g := m.S - 1
	if math.Abs(g) < 1e-9 {
		return -b * lq * lq / 2, L/b - t/(b+t)
	}
	qg := math.Exp(g * lq)
	return -L/g - b/g*qg*lq, L/b - qg*t/(b+t)
}

// ExpectedPurchasesNew is the unconditional E[X(t)] for a new customer.
func (m ParetoNBD) ExpectedPurchasesNew(t float64) float64 {
	return m.R / m.Alpha * m.lifeIntegral(m.Beta, t)
}

// lifeIntegral is E[min(lifetime, t)]-like factor b/(s−1)·(1 − (b/(b+t))^(s−1)),
// with its limit b·ln(1+t/b) at s = 1.
func (m ParetoNBD) lifeIntegral(b, t float64) float64 {
	if math.Abs(m.S-1) < 1e-9 {
		return b * math.Log1p(t/b)
	}
	return b / (m.S - 1) * -math.Expm1((m.S-1)*math.Log(b/(b+t)))
}

// moved is the model with log-parameter j (of r, α, s, β) moved by h.
func (m ParetoNBD) moved(j int, h float64) ParetoNBD {
	*[]*float64{&m.R, &m.Alpha, &m.S, &m.Beta}[j] *= math.Exp(h)
	return m
}

func (m ParetoNBD) params() []float64 { return []float64{m.R, m.Alpha, m.S, m.Beta} }

func (m ParetoNBD) valid() bool {
	for _, v := range []float64{m.R, m.Alpha, m.S, m.Beta} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			return false
		}
	}
	return true
}

// boundary describes a fit at the edge of the parameter space in words.
func (m ParetoNBD) boundary() string {
	switch {
	case m.S < fitTiny || m.Beta > fitHuge*max(1, m.S)*1e3:
		return fmt.Sprintf("no dropout seen in this ledger (s = %.3g, β = %.3g): the model counts every customer as alive, so P(alive) and CLV from it are not meaningful", m.S, m.Beta)
	case m.S > pnbdHomogeneous:
		return fmt.Sprintf("the dropout rates look the same for every customer (s = %.3g, β = %.3g): the fit ran to the edge where Pareto/NBD has one common dropout rate, s/β = %.3g", m.S, m.Beta, m.S/m.Beta)
	case m.R < fitTiny || m.R > fitHuge:
		return fmt.Sprintf("the purchase-rate estimate ran to its limit (r = %.3g): the data do not pin down how often customers buy", m.R)
	}
	return ""
}

// pnbdHomogeneous is the dropout shape s beyond which the dropout rates'
// spread (coefficient of variation 1/√s, about 3 %) is nil in practice and
// the fit is at the edge of the parameter space.
const pnbdHomogeneous = 1000

// pnbdLL is the Pareto/NBD log-likelihood over log-parameters on the
// grouped histories of d (times already scaled), with its analytic
// gradient. The hypergeometric terms have no cheap derivative in r and s,
// but the integral they stand for does: its derivatives are means under the
// integrand (see quadrature), taken from the quadrature's nodes.
func pnbdLL(d *bgData) likelihood {
	// numbered at the first evaluation: a fit that stops at the edge on
	// its sample never evaluates every customer's histories
	keys := sync.OnceValue(func() *tailKeys { return newTailKeys(d) })
	return func(th, grad []float64) float64 {
		tk := keys()
		m := ParetoNBD{R: math.Exp(th[0]), Alpha: math.Exp(th[1]), S: math.Exp(th[2]), Beta: math.Exp(th[3])}
		// terms in x alone
		lgx, psix := make([]float64, len(d.x)), make([]float64, len(d.x))
		for i, x := range d.x {
			lgx[i], _ = math.Lgamma(m.R + x)
			if grad != nil {
				psix[i] = mathext.Digamma(m.R + x)
			}
		}
		lt0 := m.tailAt(0, 0, grad != nil) // shared by every one-time buyer
		tb := tk.tails(d, m, grad != nil)
		defer tk.bufs.Put(tb)
		loT, hiT := tb.lo, tb.hi
		n := len(d.t) + len(d.rep)
		parts := make([]sums4, workersFor(n, 512))
		parallelRange(n, 512, func(w, lo, hi int) {
			var sum sums4 // ll, ∂r, ∂α, ∂s, ∂β
			var g *[4]float64
			if grad != nil {
				g = new([4]float64)
			}
			for i := lo; i < hi; i++ {
				var ll, wt float64
				var xi int32
				if i < len(d.t) {
					if wt = d.w0[i]; wt == 0 {
						continue
					}
					ll = m.historyLL(0, 0, d.t[i], lt0, m.tailAtT(0, d.t[i], lt0), g)
				} else {
					r := i - len(d.t)
					rp := d.rep[r]
					xi, wt = rp.xi, rp.w
					ll = m.historyLL(d.x[rp.xi], d.t[rp.txi], d.t[rp.ti], loT[tk.lo[r]], hiT[tk.hi[r]], g)
				}
				sum[0] += wt * (lgx[xi] + ll)
				if g != nil {
					sum[1] += wt * (psix[xi] + g[0])
					for j := 1; j < 4; j++ {
						sum[j+1] += wt * g[j]
					}
				}
			}
			parts[w] = sum
		})
		var total sums4
		for _, p := range parts {
			addSums(&total, p)
		}
		lgr, _ := math.Lgamma(m.R)
		lnA, lnB := math.Log(m.Alpha), math.Log(m.Beta)
		total[0] += d.w * (m.R*lnA + m.S*lnB - lgr)
		if grad != nil {
			c := [4]float64{lnA - mathext.Digamma(m.R), m.R / m.Alpha, lnB, m.S / m.Beta}
			for j, p := range m.params() {
				grad[j] = (total[j+1] + d.w*c[j]) * p
			}
		}
		return total[0]
	}
}

// tailKeys numbers the distinct tails the repeat buyers' histories of a
// bgData need: (x, t_x) for the tail at t_x, (x, T) for the tail at T.
// Histories share them (on the CDNOW sample 1,134 histories need 880 and
// 525), and a tail is a series of tens of terms.
type tailKeys struct {
	lo, hi       []int32    // per history: its tails' numbers
	loKey, hiKey [][2]int32 // per number: the indices into x and t
	bufs         sync.Pool  // *tailBuf: a fit evaluates its starts side by side
}

// tailBuf holds one evaluation's tails.
type tailBuf struct {
	lo, hi []tail
	need   []uint8
}

func newTailKeys(d *bgData) *tailKeys {
	tk := &tailKeys{lo: make([]int32, len(d.rep)), hi: make([]int32, len(d.rep))}
	number := func(ix map[[2]int32]int32, keys *[][2]int32, k [2]int32) int32 {
		n, ok := ix[k]
		if !ok {
			n = int32(len(*keys))
			ix[k] = n
			*keys = append(*keys, k)
		}
		return n
	}
	loIx, hiIx := map[[2]int32]int32{}, map[[2]int32]int32{}
	for r, rp := range d.rep {
		tk.lo[r] = number(loIx, &tk.loKey, [2]int32{rp.xi, rp.txi})
		tk.hi[r] = number(hiIx, &tk.hiKey, [2]int32{rp.xi, rp.ti})
	}
	return tk
}

// tails evaluates the tails at t_x and at T, each once, as historyLL
// takes them: at t_x with derivatives when grad; at T with derivatives
// where a history's tail at t_x has them (the value is the same either
// way), and not at all where no history's tail at t_x has a value (see
// tailAtT). The caller gives the buffer back to tk.bufs.
func (tk *tailKeys) tails(d *bgData, m ParetoNBD, grad bool) *tailBuf {
	buf, _ := tk.bufs.Get().(*tailBuf)
	if buf == nil {
		buf = &tailBuf{lo: make([]tail, len(tk.loKey)), hi: make([]tail, len(tk.hiKey)), need: make([]uint8, len(tk.hiKey))}
	}
	lo, hi, need := buf.lo, buf.hi, buf.need
	parallelRange(len(lo), 256, func(_, a, b int) {
		for k := a; k < b; k++ {
			lo[k] = m.tailAt(d.x[tk.loKey[k][0]], d.t[tk.loKey[k][1]], grad)
		}
	})
	// what the tails at T are needed for: 0 nothing, 1 a value, 2 a value
	// with derivatives
	clear(need)
	for r, l := range tk.lo {
		n := uint8(0)
		switch {
		case lo[l].gOK:
			n = 2
		case !math.IsNaN(lo[l].v):
			n = 1
		}
		need[tk.hi[r]] = max(need[tk.hi[r]], n)
	}
	parallelRange(len(hi), 256, func(_, a, b int) {
		for k := a; k < b; k++ {
			if need[k] == 0 {
				hi[k] = tail{v: math.NaN()}
				continue
			}
			hi[k] = m.tailAt(d.x[tk.hiKey[k][0]], d.t[tk.hiKey[k][1]], need[k] == 2)
		}
	})
	return buf
}

// historyLL is one history's log-likelihood without lnΓ(r+x) and the terms
// in the parameters alone (see logParts), given lo and hi, the tails at t_x
// and T (with their derivatives where lo has them, when g is not nil);
// when g is not nil it receives the derivatives in r, α, s and β.
func (m ParetoNBD) historyLL(x, tx, T float64, lo, hi tail, g *[4]float64) float64 {
	if g == nil {
		alive, died := m.partsFrom(x, tx, T, lo, hi, nil, nil)
		return logAddExp(alive, died)
	}
	var dd [4]float64
	alive, died := m.partsFrom(x, tx, T, lo, hi, g, &dd)
	pd := 1 / (1 + math.Exp(alive-died)) // the share of "died in (t_x, T]"
	for j := range g {
		g[j] += pd * (dd[j] - g[j])
	}
	return logAddExp(alive, died)
}

// partsFrom is logParts given lo and hi, the tails at t_x and T (with
// their derivatives when da is not nil and lo has them); when da and dd are
// not nil they receive the two parts' derivatives in r, α, s and β (died's
// from logIntegralGrad; zero when t_x = T).
func (m ParetoNBD) partsFrom(x, tx, T float64, lo, hi tail, da, dd *[4]float64) (alive, died float64) {
	alive = -(m.R+x)*math.Log(m.Alpha+T) - m.S*math.Log(m.Beta+T)
	if da == nil {
		return alive, math.Log(m.S) + m.logIntegralFrom(x, lo.v, hi.v, tx, T)
	}
	*da = [4]float64{-math.Log(m.Alpha + T), -(m.R + x) / (m.Alpha + T), -math.Log(m.Beta + T), -m.S / (m.Beta + T)}
	*dd = [4]float64{}
	if T <= tx {
		return alive, math.Inf(-1)
	}
	lnI, _, dI := m.logIntegralGrad(x, lo, hi, tx, T)
	*dd = [4]float64{dI[0], dI[1], 1/m.S + dI[2], dI[3]}
	return alive, math.Log(m.S) + lnI
}

// logIntegralGrad is logIntegralFrom with its derivatives in r, α, s and β,
// given lo and hi, the tails at t_x and T with their derivatives (hi's
// needed only where lo has them).
// Where the hypergeometric tails give the value and their series the
// derivatives, ∂ ln(G(t_x) − G(T)) = (∂ ln G(t_x) − e^d ∂ ln G(T)) / (1 − e^d)
// with d = ln G(T) − ln G(t_x) ≤ −10⁻⁴ (so rounding in the difference is
// magnified 10⁴ times at most); elsewhere the quadrature's means give them.
// hyp reports which.
func (m ParetoNBD) logIntegralGrad(x float64, lo, hi tail, tx, T float64) (lnI float64, hyp bool, dI [4]float64) {
	v, d := integralFromTails(lo.v, hi.v)
	if !math.IsNaN(v) && d <= -1e-4 && lo.gOK && hi.gOK {
		e := math.Exp(d)
		for j := range dI {
			dI[j] = (lo.g[j] - e*hi.g[j]) / -math.Expm1(d)
		}
		return v, true, dI
	}
	var mom [4]float64
	lnI = m.quadrature(x, tx, T, &mom)
	if !math.IsNaN(v) {
		lnI = v
	}
	return lnI, false, [4]float64{-mom[0], -(m.R + x) * mom[1], -mom[2], -(m.S + 1) * mom[3]}
}

// pnbdStarts are the log-parameter starting points of the Pareto/NBD fit.
var pnbdStarts = [][]float64{{0, 0, 0, 0}, {-0.5, 1, -0.5, 1}}

// FitParetoNBD fits the Pareto/NBD model by maximum likelihood as
// fitCounts does for BG/NBD.
func FitParetoNBD(s *RepeatSummary, penalizer float64) (ParetoNBD, FitStatus) {
	return fitCounts(s, penalizer, countSpec[ParetoNBD]{name: "Pareto/NBD", starts: pnbdStarts, tol: pnbdTol, sampleHessian: true, stopAtBoundary: true,
		problem: func(scale float64) fitProblem {
			d, t := s.grouped(scale)
			p := fitProblem{full: weighted{pnbdLL(d), d.w}}
			if t != d {
				p.sample = weighted{pnbdLL(t), t.w}
			}
			return p
		},
		model: func(th []float64, scale float64) ParetoNBD {
			return ParetoNBD{R: math.Exp(th[0]), Alpha: math.Exp(th[1]) / scale, S: math.Exp(th[2]), Beta: math.Exp(th[3]) / scale}
		}})
}

// pnbdTol is the gradient at which the Pareto/NBD fit stops.
const pnbdTol = 1e-7

// nbdProbs returns P(X = x), x = 0 … xmax, of the NBD purchase count in t
// time units: Γ(r+x)/(Γ(r) x!) (α/(α+t))^r (t/(α+t))^x.
func nbdProbs(r, al, t float64, xmax int) []float64 {
	return nbdProbsFrom(nbdCoefs(r, xmax), r, al, t)
}

// nbdCoefs is ln Γ(r+x) − ln Γ(r) − ln x!, x = 0 … xmax: the part of
// nbdProbs that does not depend on t, for callers that need many t.
func nbdCoefs(r float64, xmax int) []float64 {
	out := make([]float64, xmax+1)
	lgr, _ := math.Lgamma(r)
	for x := range out {
		lg, _ := math.Lgamma(r + float64(x))
		lf, _ := math.Lgamma(float64(x) + 1)
		out[x] = lg - lgr - lf
	}
	return out
}

// nbdProbsFrom is nbdProbs given coefs = nbdCoefs(r, xmax).
func nbdProbsFrom(coefs []float64, r, al, t float64) []float64 {
	out := make([]float64, len(coefs))
	lp0, lp1 := r*math.Log(al/(al+t)), math.Log(t/(al+t))
	for x, c := range coefs {
		out[x] = math.Exp(c + lp0 + float64(x)*lp1)
	}
	return out
}

// ProbCount is P(X(t) = x) for x = 0 … xmax (Fader & Hardie 2005 note):
// the NBD count of a customer alive throughout, times P(lifetime > t),
// plus that of one who dies at τ, integrated over τ ∈ (0, t] by
// Gauss-Legendre quadrature over v = ln(min(α, β)+τ).
func (m ParetoNBD) ProbCount(t float64, xmax int) []float64 {
	out := make([]float64, xmax+1)
	if t <= 0 {
		out[0] = 1
		return out
	}
	surv := math.Exp(m.S * math.Log(m.Beta/(m.Beta+t)))
	coefs := nbdCoefs(m.R, xmax)
	for x, p := range nbdProbsFrom(coefs, m.R, m.Alpha, t) {
		out[x] = p * surv
	}
	rule := legendre()
	nodes, weights := rule.x, rule.w
	k := min(m.Alpha, m.Beta)
	v0, v1 := math.Log(k), math.Log(k+t)
	mid, half := (v0+v1)/2, (v1-v0)/2
	for i, u := range nodes {
		v := mid + half*u
		tau := math.Exp(v) - k
		dens := m.S * math.Exp(m.S*math.Log(m.Beta)-(m.S+1)*math.Log(m.Beta+tau)) * math.Exp(v)
		for x, p := range nbdProbsFrom(coefs, m.R, m.Alpha, max(tau, 1e-300)) {
			out[x] += weights[i] * half * dens * p
		}
	}
	return out
}
