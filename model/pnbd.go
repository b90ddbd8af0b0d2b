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
	return m.partsFrom(x, tx, T, m.logTail(x, tx), nil, nil)
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
	return m.logIntegralFrom(x, m.logTail(x, tx), tx, T)
}

// logIntegralFrom is logIntegral given lo = logTail(x, t_x).
func (m ParetoNBD) logIntegralFrom(x, lo, tx, T float64) float64 {
	if T <= tx {
		return math.Inf(-1)
	}
	if v := m.logIntegralHyp(x, lo, T); !math.IsNaN(v) {
		return v
	}
	return m.logQuad(x, tx, T)
}

// logIntegralHyp is logIntegralFrom by the hypergeometric tails alone:
// NaN where they do not evaluate or their difference is lost to rounding.
func (m ParetoNBD) logIntegralHyp(x, lo, T float64) float64 {
	hi := m.logTail(x, T)
	if d := hi - lo; !math.IsNaN(d) && !math.IsInf(lo, 0) && d < -1e-6 {
		return lo + math.Log1p(-math.Exp(d))
	}
	return math.NaN()
}

// logTail is ln ∫_τ^∞ (α+u)^−(r+x) (β+u)^−(s+1) du =
// ln[ ₂F₁(c, b; c+1; z) / (c (M+τ)^c) ], c = r+s+x, M = max(α, β); NaN
// where the hypergeometric function does not evaluate.
func (m ParetoNBD) logTail(x, tau float64) float64 {
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	c := r + s + x
	big, b, z := al, s+1, (al-be)/(al+tau)
	if be > al {
		big, b, z = be, r+x, (be-al)/(be+tau)
	}
	return logHyp2f1Tail(c, b, z) - math.Log(c) - c*math.Log(big+tau)
}

// logHyp2f1Tail is ln ₂F₁(c, b; c+1; z) for 0 ≤ z < 1: gonum's Hypergeo
// where it was checked accurate (z ≤ 0.7, finite value) and fast (b no
// larger than c+1−b); otherwise Euler's transform
// (1−z)^(1−b) ₂F₁(1, c+1−b; c+1; z), whose series has positive terms
// (c+1−b > 0 in both forms of the likelihood), shrinking fast when b is
// large, and is summed in logs, so a large b cannot overflow. Close to
// z = 1 the series converges too slowly: NaN, and the caller integrates
// numerically.
func logHyp2f1Tail(c, b, z float64) float64 {
	if z == 0 {
		return 0
	}
	if z <= 0.7 && b <= c+1-b {
		if v := mathext.Hypergeo(c, b, c+1, z); v > 0 && !math.IsInf(v, 0) {
			return math.Log(v)
		}
	}
	if z > 0.99 || c+1-b <= 0 {
		return math.NaN()
	}
	sum, term := 1.0, 1.0
	for k := 0; k < 5000; k++ {
		term *= (c + 1 - b + float64(k)) / (c + 1 + float64(k)) * z
		sum += term
		if term < 1e-17*sum {
			return (1-b)*math.Log1p(-z) + math.Log(sum)
		}
	}
	return math.NaN()
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
	logs := func(v float64) (la, lb, e float64) {
		e = math.Exp(v)
		if al == k {
			return v, math.Log(be - k + e), e
		}
		return math.Log(al - k + e), v, e
	}
	logf := func(la, lb, v float64) float64 { return v - (r+x)*la - (s+1)*lb } // ln of integrand · dτ/dv
	v0, v1 := math.Log(k+tx), math.Log(k+T)
	la0, lb0, _ := logs(v0)
	la1, lb1, _ := logs(v1)
	ref := max(logf(la0, lb0, v0), logf(la1, lb1, v1))
	rule := m.quadRule(x, tx, T)
	nodes, weights := rule.x, rule.w
	mid, half := (v0+v1)/2, (v1-v0)/2
	var sum float64
	var acc [4]float64
	for i, u := range nodes {
		v := mid + half*u
		la, lb, ev := logs(v)
		e := weights[i] * math.Exp(logf(la, lb, v)-ref)
		sum += e
		if mom != nil {
			acc[0] += e * la
			acc[1] += e / (al - k + ev)
			acc[2] += e * lb
			acc[3] += e / (be - k + ev)
		}
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
		alive, died = m.partsFrom(x, tx, T, m.logTail(x, tx), nil, nil)
	} else {
		alive, died = m.partsFrom(x, tx, T, m.logTail(x, tx), &da, &dd)
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
	return func(th, grad []float64) float64 {
		m := ParetoNBD{R: math.Exp(th[0]), Alpha: math.Exp(th[1]), S: math.Exp(th[2]), Beta: math.Exp(th[3])}
		// terms in x alone
		lgx, psix := make([]float64, len(d.x)), make([]float64, len(d.x))
		for i, x := range d.x {
			lgx[i], _ = math.Lgamma(m.R + x)
			if grad != nil {
				psix[i] = mathext.Digamma(m.R + x)
			}
		}
		lt0 := m.logTail(0, 0) // shared by every one-time buyer
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
					ll = m.historyLL(0, 0, d.t[i], lt0, g)
				} else {
					rp := d.rep[i-len(d.t)]
					x, tx := d.x[rp.xi], d.t[rp.txi]
					xi, wt = rp.xi, rp.w
					ll = m.historyLL(x, tx, d.t[rp.ti], m.logTail(x, tx), g)
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

// historyLL is one history's log-likelihood without lnΓ(r+x) and the terms
// in the parameters alone (see logParts), given lo = logTail(x, t_x); when
// g is not nil it receives the derivatives in r, α, s and β.
func (m ParetoNBD) historyLL(x, tx, T, lo float64, g *[4]float64) float64 {
	if g == nil {
		alive, died := m.partsFrom(x, tx, T, lo, nil, nil)
		return logAddExp(alive, died)
	}
	var dd [4]float64
	alive, died := m.partsFrom(x, tx, T, lo, g, &dd)
	pd := 1 / (1 + math.Exp(alive-died)) // the share of "died in (t_x, T]"
	for j := range g {
		g[j] += pd * (dd[j] - g[j])
	}
	return logAddExp(alive, died)
}

// partsFrom is logParts given lo = logTail(x, t_x); when da and dd are not
// nil they receive the two parts' derivatives in r, α, s and β (died's
// from the quadrature's means, see quadrature; zero when t_x = T).
func (m ParetoNBD) partsFrom(x, tx, T, lo float64, da, dd *[4]float64) (alive, died float64) {
	alive = -(m.R+x)*math.Log(m.Alpha+T) - m.S*math.Log(m.Beta+T)
	if da == nil {
		return alive, math.Log(m.S) + m.logIntegralFrom(x, lo, tx, T)
	}
	*da = [4]float64{-math.Log(m.Alpha + T), -(m.R + x) / (m.Alpha + T), -math.Log(m.Beta + T), -m.S / (m.Beta + T)}
	*dd = [4]float64{}
	if T <= tx {
		return alive, math.Inf(-1)
	}
	var mom [4]float64
	lnI := m.quadrature(x, tx, T, &mom)
	if v := m.logIntegralHyp(x, lo, T); !math.IsNaN(v) {
		lnI = v
	}
	*dd = [4]float64{-mom[0], -(m.R + x) * mom[1], 1/m.S - mom[2], -(m.S + 1) * mom[3]}
	return alive, math.Log(m.S) + lnI
}

// pnbdStarts are the log-parameter starting points of the Pareto/NBD fit.
var pnbdStarts = [][]float64{{0, 0, 0, 0}, {-0.5, 1, -0.5, 1}}

// FitParetoNBD fits the Pareto/NBD model by maximum likelihood as
// fitCounts does for BG/NBD.
func FitParetoNBD(s *RepeatSummary, penalizer float64) (ParetoNBD, FitStatus) {
	return fitCounts(s, penalizer, countSpec[ParetoNBD]{name: "Pareto/NBD", starts: pnbdStarts, tol: pnbdTol, sampleHessian: true, stopAtBoundary: true,
		problem: func(scale float64) fitProblem {
			d := newBGData(s, scale)
			p := fitProblem{full: weighted{pnbdLL(d), d.w}}
			if t := d.thin(fitSampleCustomers); t != d {
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
	out := make([]float64, xmax+1)
	lp0, lp1 := r*math.Log(al/(al+t)), math.Log(t/(al+t))
	lgr, _ := math.Lgamma(r)
	for x := range out {
		lg, _ := math.Lgamma(r + float64(x))
		lf, _ := math.Lgamma(float64(x) + 1)
		out[x] = math.Exp(lg - lgr - lf + lp0 + float64(x)*lp1)
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
	for x, p := range nbdProbs(m.R, m.Alpha, t, xmax) {
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
		for x, p := range nbdProbs(m.R, m.Alpha, max(tau, 1e-300), xmax) {
			out[x] += weights[i] * half * dens * p
		}
	}
	return out
}
