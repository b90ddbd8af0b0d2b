package model

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/optimize"
)

// RepeatSummary is the per-customer input of BG/NBD and Gamma-Gamma (spec
// §4.2, lifetimes summary_data_from_transaction_data): purchases merged by
// calendar day, times in model units (days / UnitDays). Customers without a
// purchase day up to the as-of date have In = false.
type RepeatSummary struct {
	Unit     string
	UnitDays float64
	In       []bool
	X        []float64 // repeat purchase days (frequency)
	Tx       []float64 // last − first purchase day (recency)
	T        []float64 // as-of − first purchase day (age)
	Mbar     []float64 // mean repeat-day spend, major units; NaN when x = 0 or < 0
	Spend    string    // "margin" or "revenue"
}

// UnitDays returns the days in one model time unit.
func UnitDays(unit string) float64 {
	switch unit {
	case "week":
		return 7
	case "month":
		return 30
	}
	return 1
}

// Summary builds the repeat-purchase summary. A day is a purchase day when
// one of its documents is a purchase (§0); its amount is the day's net. With
// costs known, spend is the day's margin.
func (b *Base) Summary(led *Ledger, unit string) *RepeatSummary {
	n := len(b.Revenue)
	ud := UnitDays(unit)
	s := &RepeatSummary{Unit: unit, UnitDays: ud, In: make([]bool, n), X: make([]float64, n), Tx: make([]float64, n),
		T: make([]float64, n), Mbar: make([]float64, n), Spend: "revenue"}
	margin := led.HasCost
	if margin {
		s.Spend = "margin"
	}
	scale := float64(led.Scale())
	for c := 0; c < n; c++ {
		first, last := NoDay, NoDay
		days := 0
		var repeat Money
		k := b.DocStart[c]
		end := b.DocStart[c+1]
		for k < end {
			d := b.DocDate[k]
			var net Money
			buy := false
			for ; k < end && b.DocDate[k] == d; k++ {
				v := b.DocNet[k]
				if margin {
					v -= b.DocCost[k]
				}
				net += v
				buy = buy || b.DocNet[k] >= 0
			}
			if !buy {
				continue
			}
			if first == NoDay {
				first = d
			} else {
				repeat += net
			}
			last = d
			days++
		}
		if first == NoDay {
			s.Mbar[c] = math.NaN()
			continue
		}
		s.In[c] = true
		s.X[c] = float64(days - 1)
		s.Tx[c] = float64(last-first) / ud
		s.T[c] = float64(b.AsOf-first) / ud
		s.Mbar[c] = math.NaN()
		if days > 1 {
			// a mean ≤ 0 after returns is unknown (spec §4.2), but 0 is a mean
			if m := float64(repeat) / scale / float64(days-1); m >= 0 && repeat >= 0 {
				s.Mbar[c] = m
			}
		}
	}
	return s
}

// BGNBD holds fitted BG/NBD parameters (Fader, Hardie & Lee 2005).
type BGNBD struct {
	R, Alpha, A, B float64
}

// FitStatus reports how a fit went.
type FitStatus struct {
	Model      string
	Converged  bool
	Iterations int
	LogLik     float64 // total log-likelihood at the optimum
	Penalizer  float64
	Customers  int
	Warnings   []string
	Err        string // why the fit failed, "" when it worked
	Boundary   string // the optimum lies at the edge of the parameter space (in words); the fit is not used
}

// bgTerm is one distinct (x, t_x, T) with its weight: customers with the
// same history share one term, which makes fitting large ledgers cheap.
type bgTerm struct{ x, tx, T, w float64 }

func compressBG(s *RepeatSummary, scale float64) ([]bgTerm, float64) {
	idx := map[[3]float64]int{}
	var terms []bgTerm
	for c, in := range s.In {
		if !in {
			continue
		}
		k := [3]float64{s.X[c], s.Tx[c], s.T[c]}
		if i, ok := idx[k]; ok {
			terms[i].w++
			continue
		}
		idx[k] = len(terms)
		terms = append(terms, bgTerm{s.X[c], s.Tx[c] * scale, s.T[c] * scale, 1})
	}
	// A fixed order makes the sums, and so the fit, independent of row order.
	slices.SortFunc(terms, func(p, q bgTerm) int {
		return cmp.Or(cmp.Compare(p.x, q.x), cmp.Compare(p.tx, q.tx), cmp.Compare(p.T, q.T))
	})
	var w float64
	for _, t := range terms {
		w += t.w
	}
	return terms, w
}

// bgLL returns Σ w·LL and its gradient with respect to log-parameters.
func bgLL(theta []float64, terms []bgTerm, grad []float64) float64 {
	r, alpha, a, b := math.Exp(theta[0]), math.Exp(theta[1]), math.Exp(theta[2]), math.Exp(theta[3])
	lgr, _ := math.Lgamma(r)
	lgb, _ := math.Lgamma(b)
	lgab, _ := math.Lgamma(a + b)
	psiR, psiB, psiAB := mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
	lnAlpha := math.Log(alpha)
	var ll float64
	var gr, gal, ga, gb float64
	for _, t := range terms {
		x := t.x
		lrx, _ := math.Lgamma(r + x)
		lbx, _ := math.Lgamma(b + x)
		labx, _ := math.Lgamma(a + b + x)
		A1 := lrx - lgr + r*lnAlpha
		A2 := lgab + lbx - lgb - labx
		lT, lt := math.Log(alpha+t.T), math.Log(alpha+t.tx)
		A3 := -(r + x) * lT
		var l3 float64
		var e3, e4, A4 float64
		if x > 0 {
			A4 = math.Log(a) - math.Log(b+x-1) - (r+x)*lt
			m := math.Max(A3, A4)
			e3, e4 = math.Exp(A3-m), math.Exp(A4-m)
			l3 = m + math.Log(e3+e4)
		} else {
			e3, l3 = 1, A3
		}
		D := e3 + e4
		ll += t.w * (A1 + A2 + l3)
		if grad != nil {
			psiRX, psiBX, psiABX := mathext.Digamma(r+x), mathext.Digamma(b+x), mathext.Digamma(a+b+x)
			gr += t.w * (psiRX - psiR + lnAlpha + (e3*(-lT)+e4*(-lt))/D)
			gal += t.w * (r/alpha + (e3*(-(r+x)/(alpha+t.T))+e4*(-(r+x)/(alpha+t.tx)))/D)
			ga += t.w * (psiAB - psiABX + e4/a/D)
			gbt := psiAB + psiBX - psiB - psiABX
			if x > 0 {
				gbt += e4 * (-1 / (b + x - 1)) / D
			}
			gb += t.w * gbt
		}
	}
	if grad != nil {
		grad[0], grad[1], grad[2], grad[3] = gr*r, gal*alpha, ga*a, gb*b
	}
	return ll
}

// FitBGNBD fits the model by maximum likelihood over log-parameters with
// BFGS, after scaling times by 1/max(T) (lifetimes beta_geo_fitter). On
// failure it retries with penalizer 0.001 and 0.01 (spec §4.2).
func FitBGNBD(s *RepeatSummary, penalizer float64) (BGNBD, FitStatus) {
	st := FitStatus{Model: "BG/NBD"}
	maxT := 0.0
	for c, in := range s.In {
		if in {
			st.Customers++
			maxT = math.Max(maxT, s.T[c])
		}
	}
	if st.Customers < 2 || maxT <= 0 {
		st.Err = fmt.Sprintf("needs at least two customers with some history (has %d)", st.Customers)
		return BGNBD{}, st
	}
	repeat := 0
	for c, in := range s.In {
		if in && s.X[c] > 0 {
			repeat++
		}
	}
	if repeat == 0 {
		st.Err = "no customer bought on more than one day: purchase rates cannot be estimated"
		return BGNBD{}, st
	}
	scale := 1 / maxT
	terms, wsum := compressBG(s, scale)
	var lastErr error
	ladder := []float64{penalizer}
	for _, p := range []float64{0.001, 0.01} {
		if p > penalizer {
			ladder = append(ladder, p)
		}
	}
	for _, pen := range ladder {
		p := optimize.Problem{
			Func: func(th []float64) float64 {
				v := -bgLL(th, terms, nil)/wsum + pen*sumSq(th)
				if math.IsNaN(v) {
					return math.Inf(1)
				}
				return v
			},
			Grad: func(g, th []float64) {
				bgLL(th, terms, g)
				for i := range g {
					e := math.Exp(th[i])
					g[i] = -g[i]/wsum + pen*2*e*e
				}
			},
		}
		// Several starting points (lifetimes' first): the likelihood can have
		// a local optimum away from the boundary a, b → 0; the best point
		// found is the one reported.
		var best *optimize.Result
		for _, start := range bgStarts {
			res, err := optimize.Minimize(p, slices.Clone(start), &optimize.Settings{GradientThreshold: 1e-9, MajorIterations: 500}, &optimize.BFGS{})
			if res == nil || math.IsNaN(res.F) || math.IsInf(res.F, 0) {
				if err != nil {
					lastErr = err
				}
				continue
			}
			if best == nil || res.F < best.F-1e-12 {
				best = res
			}
		}
		if best == nil {
			continue
		}
		th := best.X
		m := BGNBD{R: math.Exp(th[0]), Alpha: math.Exp(th[1]) / scale, A: math.Exp(th[2]), B: math.Exp(th[3])}
		st.Boundary = m.boundary()
		if st.Boundary == "" && (!converged(best) || !m.valid()) {
			lastErr = fmt.Errorf("optimiser stopped: %v", best.Status)
			continue
		}
		st.Converged, st.Iterations, st.Penalizer = true, best.Stats.MajorIterations, pen
		// log-likelihood in the original time units
		unscaled, _ := compressBG(s, 1)
		st.LogLik = bgLL([]float64{math.Log(m.R), math.Log(m.Alpha), math.Log(m.A), math.Log(m.B)}, unscaled, nil)
		if pen > 0 {
			st.Warnings = append(st.Warnings, fmt.Sprintf("converged only with penalizer %g", pen))
		}
		if math.Abs(m.A-1) < 1e-6 {
			st.Warnings = append(st.Warnings, "a ≈ 1: expected purchases are near a singularity")
		}
		if st.Boundary != "" {
			st.Warnings = append(st.Warnings, st.Boundary)
		}
		return m, st
	}
	st.Err = "did not converge"
	if lastErr != nil {
		st.Err += ": " + lastErr.Error()
	}
	return BGNBD{}, st
}

// bgStarts are the log-parameter starting points of the BG/NBD fit.
var bgStarts = [][]float64{{0.1, 0.1, 0.1, 0.1}, {0.1, 0.1, -3, -3}, {0.1, 0.1, -1, 2}}

// Parameter limits beyond which a fit is at the edge of the parameter space
// (the optimiser ran towards 0 or infinity) rather than at an optimum.
const (
	fitTiny = 1e-4
	fitHuge = 1e5
)

// boundary describes, in words a user understands, a fit that ran to the
// edge of the parameter space; "" for an interior optimum.
func (m BGNBD) boundary() string {
	switch {
	case m.A < fitTiny || m.B > fitHuge*max(1, m.A):
		return fmt.Sprintf("no dropout seen in this ledger (a = %.3g, b = %.3g): the model counts every customer as alive, so P(alive) and CLV from it are not meaningful", m.A, m.B)
	case m.B < fitTiny:
		return fmt.Sprintf("the dropout estimate ran to its limit (b = %.3g): customers are predicted to drop out after every purchase", m.B)
	case m.R < fitTiny || m.R > fitHuge:
		return fmt.Sprintf("the purchase-rate estimate ran to its limit (r = %.3g): the data do not pin down how often customers buy", m.R)
	}
	return ""
}

// converged accepts a stop at a point whose gradient is negligible: a line
// search that cannot improve on such a point has found the optimum (scipy's
// BFGS, used by lifetimes, stops at a gradient norm of 1e-5).
func converged(res *optimize.Result) bool {
	switch res.Status {
	case optimize.GradientThreshold, optimize.FunctionConvergence:
		return true
	}
	for _, g := range res.Gradient {
		if math.IsNaN(g) || math.Abs(g) > 1e-6 {
			return false
		}
	}
	return len(res.Gradient) > 0
}

func sumSq(th []float64) float64 {
	var s float64
	for _, t := range th {
		e := math.Exp(t)
		s += e * e
	}
	return s
}

func (m BGNBD) valid() bool {
	for _, v := range []float64{m.R, m.Alpha, m.A, m.B} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			return false
		}
	}
	return true
}

// PAlive is P(alive | x, t_x, T) (Hardie note 021); 1 for x = 0.
func (m BGNBD) PAlive(x, tx, T float64) float64 {
	if x == 0 {
		return 1
	}
	return 1 / (1 + m.A/(m.B+x-1)*math.Pow((m.Alpha+T)/(m.Alpha+tx), m.R+x))
}

// PAliveMBG is the MBG/NBD variant (Batislam et al. 2007), which lets
// one-time buyers drop out too.
func (m BGNBD) PAliveMBG(x, tx, T float64) float64 {
	return 1 / (1 + m.A/(m.B+x)*math.Pow((m.Alpha+T)/(m.Alpha+tx), m.R+x))
}

// hyp2f1 is Gauss's hypergeometric function, with the Euler transform
// (as lifetimes does) when the direct value overflows.
func hyp2f1(a, b, c, z float64) float64 {
	v := mathext.Hypergeo(a, b, c, z)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = math.Pow(1-z, c-a-b) * mathext.Hypergeo(c-a, c-b, c, z)
	}
	return v
}

// ExpectedPurchases is E[Y(t) | x, t_x, T] (FHL 2005 eq. 10): expected
// repeat purchases in the next t time units.
func (m BGNBD) ExpectedPurchases(t, x, tx, T float64) float64 {
	if t <= 0 {
		return 0
	}
	a, b, r, al := m.A, m.B, m.R, m.Alpha
	if math.Abs(a-1) < 1e-9 {
		a += 1e-9 // a = 1 is singular
	}
	z := t / (al + T + t)
	num := (a + b + x - 1) / (a - 1) * (1 - math.Pow((al+T)/(al+T+t), r+x)*hyp2f1(r+x, b+x, a+b+x-1, z))
	den := 1.0
	if x > 0 {
		den += a / (b + x - 1) * math.Pow((al+T)/(al+tx), r+x)
	}
	return num / den
}

// ExpectedPurchasesNew is the unconditional E[X(t)] for a new customer.
func (m BGNBD) ExpectedPurchasesNew(t float64) float64 {
	a, b, r, al := m.A, m.B, m.R, m.Alpha
	return (a + b - 1) / (a - 1) * (1 - math.Pow(al/(al+t), r)*hyp2f1(r, b, a+b-1, t/(al+t)))
}

// GammaGamma holds fitted Gamma-Gamma spend parameters (p, q, γ = v).
type GammaGamma struct{ P, Q, V float64 }

// ExpectedSpend is E[M | x, m̄]; x = 0 (or an unknown m̄) gives the
// population mean v·p/(q−1). A repeat customer whose mean is 0 (free goods)
// keeps its own mean in the weighted sum, as the model defines (lifetimes
// conditional_expected_average_profit).
func (g GammaGamma) ExpectedSpend(x, mbar float64) float64 {
	mean := g.V * g.P / (g.Q - 1)
	if x <= 0 || math.IsNaN(mbar) || mbar < 0 {
		return mean
	}
	w := g.P * x / (g.P*x + g.Q - 1)
	return (1-w)*mean + w*mbar
}

// FitGammaGamma fits on customers with x > 0 and m̄ > 0, keeping q > 1 so
// that the population mean exists (lifetimes q_constraint).
func FitGammaGamma(s *RepeatSummary) (GammaGamma, FitStatus) {
	st := FitStatus{Model: "Gamma-Gamma"}
	var xs, ms []float64
	for c, in := range s.In {
		if in && s.X[c] > 0 && s.Mbar[c] > 0 {
			xs = append(xs, s.X[c])
			ms = append(ms, s.Mbar[c])
		}
	}
	st.Customers = len(xs)
	if len(xs) < 3 {
		st.Err = fmt.Sprintf("needs repeat customers with positive spend (has %d)", len(xs))
		return GammaGamma{}, st
	}
	if rho := pearson(xs, ms); math.Abs(rho) > 0.3 {
		st.Warnings = append(st.Warnings, fmt.Sprintf("frequency and spend are correlated (ρ = %.2f): the Gamma-Gamma independence assumption is doubtful", rho))
	}
	// Distinct (x, m̄) pairs with weights, in a fixed order: the fit is then
	// independent of row order and cheap for large ledgers.
	type ggTerm struct{ x, m, w float64 }
	idx := map[[2]float64]int{}
	var terms []ggTerm
	for i := range xs {
		k := [2]float64{xs[i], ms[i]}
		if j, ok := idx[k]; ok {
			terms[j].w++
			continue
		}
		idx[k] = len(terms)
		terms = append(terms, ggTerm{xs[i], ms[i], 1})
	}
	slices.SortFunc(terms, func(p, q ggTerm) int { return cmp.Or(cmp.Compare(p.x, q.x), cmp.Compare(p.m, q.m)) })
	n := float64(len(xs))
	// parameters: log p, log(q − 1), log v
	ll := func(th, grad []float64) float64 {
		p, q, v := math.Exp(th[0]), 1+math.Exp(th[1]), math.Exp(th[2])
		lgq, _ := math.Lgamma(q)
		psiQ := mathext.Digamma(q)
		var sum, gp, gq, gv float64
		for _, t := range terms {
			x, m, w := t.x, t.m, t.w
			px := p * x
			l1, _ := math.Lgamma(px + q)
			l2, _ := math.Lgamma(px)
			lxm := math.Log(x*m + v)
			sum += w * (l1 - l2 - lgq + q*math.Log(v) + (px-1)*math.Log(m) + px*math.Log(x) - (px+q)*lxm)
			if grad != nil {
				psi1 := mathext.Digamma(px + q)
				gp += w * x * (psi1 - mathext.Digamma(px) + math.Log(m) + math.Log(x) - lxm)
				gq += w * (psi1 - psiQ + math.Log(v) - lxm)
				gv += w * (q/v - (px+q)/(x*m+v))
			}
		}
		if grad != nil {
			grad[0], grad[1], grad[2] = gp*p, gq*(q-1), gv*v
		}
		return sum
	}
	for _, pen := range []float64{0, 0.001, 0.01} {
		prob := optimize.Problem{
			Func: func(th []float64) float64 {
				v := -ll(th, nil)/n + pen*sumSq(th)
				if math.IsNaN(v) {
					return math.Inf(1)
				}
				return v
			},
			Grad: func(g, th []float64) {
				ll(th, g)
				for i := range g {
					e := math.Exp(th[i])
					g[i] = -g[i]/n + pen*2*e*e
				}
			},
		}
		res, _ := optimize.Minimize(prob, []float64{0.1, 0.1, 0.1}, &optimize.Settings{GradientThreshold: 1e-9, MajorIterations: 500}, &optimize.BFGS{})
		if res == nil {
			continue
		}
		g := GammaGamma{P: math.Exp(res.X[0]), Q: 1 + math.Exp(res.X[1]), V: math.Exp(res.X[2])}
		ok := converged(res) && !math.IsNaN(g.P+g.Q+g.V) && !math.IsInf(g.P+g.Q+g.V, 0) && g.P > 0 && g.V > 0
		if !ok {
			continue
		}
		st.Converged, st.Iterations, st.Penalizer = true, res.Stats.MajorIterations, pen
		st.LogLik = ll(res.X, nil)
		if g.Q > fitHuge || g.P > fitHuge {
			st.Warnings = append(st.Warnings, fmt.Sprintf("customers' average spends differ no more than chance would make them (p = %.3g, q = %.3g): every customer is valued at about the average spend %.2f", g.P, g.Q, g.V*g.P/(g.Q-1)))
		}
		return g, st
	}
	st.Err = "did not converge"
	return GammaGamma{}, st
}

func pearson(x, y []float64) float64 {
	n := float64(len(x))
	var sx, sy, sxx, syy, sxy float64
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		syy += y[i] * y[i]
		sxy += x[i] * y[i]
	}
	cov := sxy/n - sx/n*sy/n
	vx, vy := sxx/n-sx/n*sx/n, syy/n-sy/n*sy/n
	if vx <= 0 || vy <= 0 {
		return 0
	}
	return cov / math.Sqrt(vx*vy)
}

// DiscountedCLV is lifetimes' _customer_lifetime_value: month by month,
// expected spend × expected purchases in month k, discounted at the monthly
// rate; factor is model time units per month.
func DiscountedCLV(m BGNBD, spend, x, tx, T float64, months int, monthly, factor float64) float64 {
	var clv, prev float64
	for k := 1; k <= months; k++ {
		cur := m.ExpectedPurchases(float64(k)*factor, x, tx, T)
		clv += spend * (cur - prev) / math.Pow(1+monthly, float64(k))
		prev = cur
	}
	return clv
}

// MonthFactor is the number of model time units in a month, derived from
// the unit itself (lifetimes: D 30, W 4.345, M 1).
func MonthFactor(unit string, daysPerMonth float64) float64 {
	switch unit {
	case "week":
		return 4.345
	case "month":
		return 1
	}
	return daysPerMonth
}
