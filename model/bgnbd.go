package model

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/mat"
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

	fitInput *fitInput // the customers grouped for the count fits; nil: grouped per fit
}

// fitInput is a summary's customers grouped for the count fits (bgData)
// and their search sample, times scaled by scale: BG/NBD and Pareto/NBD
// fit one summary side by side at one scale and group it once (on the
// 1M-row ledger 28 ms each).
type fitInput struct {
	mu           sync.Mutex
	scale        float64
	full, sample *bgData
}

// grouped returns s's customers grouped for a count fit with times scaled
// by scale, and the search sample of them (the data itself when small).
func (s *RepeatSummary) grouped(scale float64) (full, sample *bgData) {
	in := s.fitInput
	if in == nil {
		d := newBGData(s, scale)
		return d, d.thin(fitSampleCustomers)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.full == nil || in.scale != scale {
		in.scale, in.full = scale, newBGData(s, scale)
		in.sample = in.full.thin(fitSampleCustomers)
	}
	return in.full, in.sample
}

// fitted lets the grouped customers go once the fits of s are done (a
// million customers' are 25 MB); a later fit groups them again.
func (s *RepeatSummary) fitted() {
	if in := s.fitInput; in != nil {
		in.mu.Lock()
		in.full, in.sample = nil, nil
		in.mu.Unlock()
	}
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
	s, _ := b.summaryUntil(led, unit, b.AsOf)
	return s
}

// summaryUntil builds the summary of the calibration period up to until
// (T measured to it; customers whose first purchase is later are not In)
// and counts each customer's purchase days in the holdout (until, as-of].
func (b *Base) summaryUntil(led *Ledger, unit string, until Day) (*RepeatSummary, []float64) {
	n := len(b.Revenue)
	holdout := make([]float64, n)
	ud := UnitDays(unit)
	s := &RepeatSummary{Unit: unit, UnitDays: ud, In: make([]bool, n), X: make([]float64, n), Tx: make([]float64, n),
		T: make([]float64, n), Mbar: make([]float64, n), Spend: "revenue", fitInput: &fitInput{}}
	margin := led.HasCost
	if margin {
		s.Spend = "margin"
	}
	scale := float64(led.Scale())
	if t := led.Totals; t != nil {
		s.fromTotals(t, until, scale)
		return s, holdout
	}
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
			if d > until {
				holdout[c]++
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
			holdout[c] = 0 // not in the calibration cohort
			continue
		}
		s.In[c] = true
		s.X[c] = float64(days - 1)
		s.Tx[c] = float64(last-first) / ud
		s.T[c] = float64(until-first) / ud
		s.Mbar[c] = math.NaN()
		if days > 1 {
			// a mean ≤ 0 after returns is unknown (spec §4.2), but 0 is a mean
			if m := float64(repeat) / scale / float64(days-1); m >= 0 && repeat >= 0 {
				s.Mbar[c] = m
			}
		}
	}
	return s, holdout
}

// fromTotals fills the summary from a customer-level ledger (lifetimes'
// summary_data_from_transaction_data, done by the sheet's author): x = orders
// − 1 (orders counted as purchase days), t_x = last − first, T = until −
// first; the mean spend is the repeat sales (or margin) over x when the
// sheet gives them (Totals.Repeat), as the rows give it, else the
// customer's total over all its orders, the first included, since the
// sheet has no per-order amounts. Customers without orders, first and last
// dates are not in the fit.
func (s *RepeatSummary) fromTotals(t *Totals, until Day, scale float64) {
	for c := range s.In {
		s.Mbar[c] = math.NaN()
		first, last := t.First[c], t.Last[c]
		if !t.HasOrders[c] || t.Orders[c] < 1 || first == NoDay || last == NoDay || last < first || last > until {
			continue
		}
		s.In[c] = true
		s.X[c] = float64(t.Orders[c] - 1)
		s.Tx[c] = float64(last-first) / s.UnitDays
		s.T[c] = float64(until-first) / s.UnitDays
		switch {
		case t.Orders[c] > 1 && t.HasRepeat[c]:
			// the repeat purchase days' sales, as the rows give them: cost
			// not given is none (as a row's unknown cost)
			spend := t.Repeat[c]
			if s.Spend == "margin" {
				spend -= t.RepeatCost[c]
			}
			if m := float64(spend) / scale / float64(t.Orders[c]-1); m >= 0 && spend >= 0 {
				s.Mbar[c] = m
			}
		case t.Orders[c] > 1:
			spend := t.Sales[c]
			if s.Spend == "margin" {
				if !t.HasCost[c] {
					continue
				}
				spend -= t.Cost[c]
			}
			if spend >= 0 {
				s.Mbar[c] = float64(spend) / scale / float64(t.Orders[c])
			}
		}
	}
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
	// Standard errors of the parameters (natural scale, in the model's
	// order), by the delta method from Cov; nil when the Hessian of the
	// log-likelihood at the optimum is not invertible; SENote then says so.
	SE     []float64
	SENote string
	Cov    [][]float64 // covariance of the log-parameters: inverse Hessian of −LL
	Rho    float64     // Gamma-Gamma only: corr(frequency, mean spend) of repeat customers
}

// Unusable says in words why a count fit gives no model: "fit failed: …",
// or "fit unusable: …" when it ran to the edge of the parameter space; ""
// for a fit that is used.
func (st FitStatus) Unusable() string {
	switch {
	case !st.Converged:
		return "fit failed: " + st.Err
	case st.Boundary != "":
		return "fit unusable: " + st.Boundary
	}
	return ""
}

// NoStandardErrors is the reason a fit has no standard errors.
const NoStandardErrors = "no standard errors: the log-likelihood is flat or not curved downwards in some direction at the optimum (its Hessian cannot be inverted), so this ledger does not pin the parameters down"

// AtBoundaryNoStandardErrors is why a fit at the edge of the parameter
// space has neither standard errors nor a log-likelihood.
const AtBoundaryNoStandardErrors = "no standard errors or log-likelihood: the fit stopped at the edge of the parameter space, not at an optimum"

// penalizerWarning says that a fit needed a penalizer to converge.
func penalizerWarning(pen float64) []string {
	if pen > 0 {
		return []string{fmt.Sprintf("converged only with penalizer %g", pen)}
	}
	return nil
}

// seNote is NoStandardErrors when a fit has no standard errors, else "".
func seNote(se []float64) string {
	if se == nil {
		return NoStandardErrors
	}
	return ""
}

// logCov is the covariance of the log-parameters at th: the inverse of the
// Hessian of −Σ LL, from forward differences of ll's gradient (scaled from
// a sample's mean to total customers); nil when it is not positive definite.
func logCov(ll weighted, total float64, th []float64) [][]float64 {
	n := len(th)
	g0, g1, x := make([]float64, n), make([]float64, n), make([]float64, n)
	grad := func(g, th []float64) { ll.f(th, g) }
	grad(g0, th)
	h := mat.NewSymDense(n, nil)
	diffHessian(h, grad, th, g0, x, g1, 1e-5)
	h.ScaleSym(-total/ll.w, h)
	var chol mat.Cholesky
	if !chol.Factorize(h) {
		return nil
	}
	var inv mat.SymDense
	if chol.InverseTo(&inv) != nil {
		return nil
	}
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, n)
		for j := range out[i] {
			out[i][j] = inv.At(i, j)
		}
	}
	return out
}

// seFromCov turns log-parameter variances into standard errors of the
// parameters: SE(θ) = e^φ·SE(φ) where θ − shift[i] = e^φ (delta method).
func seFromCov(cov [][]float64, vals, shift []float64) []float64 {
	if cov == nil {
		return nil
	}
	out := make([]float64, len(vals))
	for i := range out {
		out[i] = (vals[i] - shift[i]) * math.Sqrt(cov[i][i])
	}
	return out
}

// FitBGNBD fits the model by maximum likelihood over log-parameters with
// BFGS, after scaling times by 1/max(T) (lifetimes beta_geo_fitter). On
// failure it retries with penalizer 0.001 and 0.01 (spec §4.2).
func FitBGNBD(s *RepeatSummary, penalizer float64) (BGNBD, FitStatus) {
	return fitBGNBD(s, penalizer, func(scale float64) fitProblem {
		d, t := s.grouped(scale)
		p := fitProblem{full: weighted{d.ll, d.w}}
		if t != d {
			p.sample = weighted{t.ll, t.w}
		}
		return p
	})
}

// fitSampleCustomers is the size of the sample a large fit's search runs on.
const fitSampleCustomers = 6000

// weighted is a log-likelihood with the number of customers it sums over.
type weighted struct {
	f likelihood
	w float64
}

// fitProblem is a fit's likelihood on all customers and, for large
// ledgers, on a sample (f nil: none).
type fitProblem struct{ full, sample weighted }

// minimizeLL minimises the mean negative log-likelihood of ll plus the
// penalizer term with BFGS from start.
func minimizeLL(ll weighted, pen float64, start []float64, tol float64) (*optimize.Result, error) {
	return minimizeUntil(ll, pen, start, tol, nil)
}

// minimizeUntil is minimizeLL that also stops, with status ranOff, as soon
// as runaway says the parameters have run to the edge of the parameter
// space (nil: never): chasing a supremum at infinity costs many
// evaluations of an ever flatter likelihood and finds nothing.
func minimizeUntil(ll weighted, pen float64, start []float64, tol float64, runaway func(th []float64) bool) (*optimize.Result, error) {
	f, grad := ll.objective(pen)
	p := optimize.Problem{Func: f, Grad: grad}
	set := &optimize.Settings{GradientThreshold: tol, MajorIterations: 500}
	if runaway != nil {
		// gonum's default converger, plus the runaway check
		set.Converger = &runawayConverger{FunctionConverge: optimize.FunctionConverge{Absolute: 1e-10, Iterations: 100}, runaway: runaway}
	}
	return optimize.Minimize(p, slices.Clone(start), set, &optimize.BFGS{})
}

// ranOff is the status of a fit stopped at the edge of the parameter space.
var ranOff = optimize.NewStatus("RanOff", true, nil)

type runawayConverger struct {
	optimize.FunctionConverge
	runaway func(th []float64) bool
}

func (c *runawayConverger) Converged(loc *optimize.Location) optimize.Status {
	if c.runaway(loc.X) {
		return ranOff
	}
	return c.FunctionConverge.Converged(loc)
}

// objective is the mean negative log-likelihood plus the penalizer term
// (pen·Σ parameter²) over log-parameters, with its gradient; NaN is +Inf
// so that a line search backs off. Value and gradient at one point share
// one evaluation of the likelihood.
func (ll weighted) objective(pen float64) (f func(th []float64) float64, grad func(g, th []float64)) {
	memo := newMemo(ll.f)
	f = func(th []float64) float64 {
		v := -memo.Value(th)/ll.w + pen*sumSq(th)
		if math.IsNaN(v) {
			return math.Inf(1)
		}
		return v
	}
	grad = func(g, th []float64) {
		memo.Grad(g, th)
		for i := range g {
			e := math.Exp(th[i])
			g[i] = -g[i]/ll.w + pen*2*e*e
		}
	}
	return f, grad
}

// polishLL minimises like minimizeLL from a start already near the optimum
// (the optimum of a sample). Newton's method converges there in a few steps
// where BFGS spends dozens of evaluations learning the curvature.
//
// The first Hessian is guess, the sample's at start (found with a few
// evaluations on the sample instead of on every customer), corrected after
// each step by the secant (BFGS) update. When a step with that curvature
// cannot make progress, or there is no guess, the Hessian comes from forward
// differences of the analytic gradient on every customer. When even that
// step cannot make progress (the Hessian is not positive definite, or the
// step does not descend), BFGS takes over from the point reached.
func polishLL(ll weighted, pen float64, start []float64, tol float64, guess *mat.SymDense) (*optimize.Result, error) {
	n := len(start)
	f, grad := ll.objective(pen)
	x := slices.Clone(start)
	g, g1, x1 := make([]float64, n), make([]float64, n), make([]float64, n)
	h := mat.NewSymDense(n, nil)
	measure := guess == nil // h is to be measured at x
	if guess != nil {
		h.CopySym(guess)
	}
	// Secant steps near the optimum shrink the gradient less per step than
	// Newton's with measured curvature, whose last step lands far inside
	// tol: stopping at a tenth of it lands as near the optimum (one step
	// more; on the CDNOW master at 3e-8 relative where tol alone left 7e-7).
	stop := tol
	if guess != nil {
		stop = tol / 10
	}
	var xPrev, gPrev []float64 // the last step's start, for the secant update
	fx := f(x)
	done := func(it int) *optimize.Result {
		res := &optimize.Result{Location: optimize.Location{X: x, F: fx, Gradient: slices.Clone(g)}, Status: optimize.GradientThreshold}
		res.Stats.MajorIterations = it
		return res
	}
	for it := 0; it < 20; it++ {
		grad(g, x)
		if maxAbs(g) <= stop { // NaN never passes
			return done(it), nil
		}
		if !measure && xPrev != nil && maxAbs(g) > maxAbs(gPrev)/2 {
			measure = true // the guess gains too little a step
		}
		switch {
		case measure:
			diffHessian(h, grad, x, g, x1, g1, 1e-6)
		case xPrev != nil:
			secantUpdate(h, xPrev, x, gPrev, g)
		}
		if f1, ok := newtonStep(f, grad, h, x, g, x1, g1, fx); ok {
			xPrev, gPrev = append(xPrev[:0], x...), append(gPrev[:0], g...)
			copy(x, x1)
			fx, measure = f1, guess == nil
			continue
		}
		if measure {
			if maxAbs(g) <= tol { // no step gains on rounding: done
				return done(it), nil
			}
			break
		}
		// the guessed curvature failed here: measure it at x and retry
		measure, xPrev = true, nil
	}
	return minimizeLL(ll, pen, x, tol)
}

// hessian is the Hessian of ll's objective at th by forward differences
// (nil where it is not finite): on a sample, a guess at every customer's.
func (ll weighted) hessian(pen float64, th []float64) *mat.SymDense {
	n := len(th)
	_, grad := ll.objective(pen)
	g, g1, x1 := make([]float64, n), make([]float64, n), make([]float64, n)
	grad(g, th)
	h := mat.NewSymDense(n, nil)
	diffHessian(h, grad, th, g, x1, g1, 1e-6)
	for i := range n {
		for j := i; j < n; j++ {
			if v := h.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return nil
			}
		}
	}
	return h
}

// diffHessian sets h to the Hessian of the function whose gradient is
// grad, at x where the gradient is g, by forward differences of the given
// step; x1 and g1 are scratch space.
func diffHessian(h *mat.SymDense, grad func(g, th []float64), x, g, x1, g1 []float64, step float64) {
	n := len(x)
	cols := make([][]float64, n)
	for j := range n {
		copy(x1, x)
		x1[j] += step
		grad(g1, x1)
		cols[j] = make([]float64, n)
		for i := range n {
			cols[j][i] = (g1[i] - g[i]) / step
		}
	}
	for i := range n {
		for j := i; j < n; j++ {
			h.SetSym(i, j, (cols[j][i]+cols[i][j])/2)
		}
	}
}

// secantUpdate corrects the Hessian h by the BFGS update for the step from
// x0 to x1, where the gradient went from g0 to g1; a step along which the
// objective is not convex leaves h as it is (it stays positive definite).
func secantUpdate(h *mat.SymDense, x0, x1, g0, g1 []float64) {
	n := len(x0)
	s, y := mat.NewVecDense(n, nil), mat.NewVecDense(n, nil)
	for i := range n {
		s.SetVec(i, x1[i]-x0[i])
		y.SetVec(i, g1[i]-g0[i])
	}
	ys := mat.Dot(y, s)
	var hs mat.VecDense
	hs.MulVec(h, s)
	shs := mat.Dot(s, &hs)
	if !(ys > 1e-12*mat.Norm(y, 2)*mat.Norm(s, 2)) || !(shs > 0) {
		return
	}
	h.SymRankOne(h, 1/ys, y)
	h.SymRankOne(h, -1/shs, &hs)
}

// newtonStep takes the Newton step with Hessian h from x, where the
// objective f is fx and its gradient g, into x1, backtracking until the
// Armijo condition holds. A full step whose predicted decrease is below
// the rounding of f is judged by the gradient (grad, into g1) instead,
// which still shrinks there. It returns f at x1 and whether it moved.
func newtonStep(f func([]float64) float64, grad func(g, th []float64), h *mat.SymDense, x, g, x1, g1 []float64, fx float64) (float64, bool) {
	n := len(x)
	var chol mat.Cholesky
	d := mat.NewVecDense(n, nil)
	if !chol.Factorize(h) || chol.SolveVecTo(d, mat.NewVecDense(n, slices.Clone(g))) != nil {
		return fx, false
	}
	slope := 0.0
	for i := range n {
		slope -= g[i] * d.AtVec(i)
	}
	if !(slope < 0) {
		return fx, false
	}
	t := 1.0
	for k := 0; k < 30; k++ {
		for i := range n {
			x1[i] = x[i] - t*d.AtVec(i)
		}
		f1 := f(x1)
		ok := f1 <= fx+1e-4*t*slope
		if !ok && k == 0 && -slope < 1e-12*(1+math.Abs(fx)) {
			grad(g1, x1)
			ok = maxAbs(g1) < maxAbs(g)
		}
		if ok {
			return f1, true
		}
		t /= 2
	}
	return fx, false
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// likelihood is a log-likelihood with its gradient (when grad is not nil).
type likelihood func(th, grad []float64) float64

// fitBGNBD fits with the likelihoods mk builds for times scaled by scale.
func fitBGNBD(s *RepeatSummary, penalizer float64, mk func(scale float64) fitProblem) (BGNBD, FitStatus) {
	m, st := fitCounts(s, penalizer, countSpec[BGNBD]{name: "BG/NBD", problem: mk, starts: bgStarts, tol: bgTol,
		model: func(th []float64, scale float64) BGNBD {
			return BGNBD{R: math.Exp(th[0]), Alpha: math.Exp(th[1]) / scale, A: math.Exp(th[2]), B: math.Exp(th[3])}
		}})
	if st.Converged && math.Abs(m.A-1) < 1e-6 {
		st.Warnings = append(st.Warnings, "a ≈ 1: expected purchases are near a singularity")
	}
	return m, st
}

// countSpec describes a count model to fitCounts: its likelihoods for
// times scaled by scale, the starting points and stopping gradient, and
// how the model reads from log-parameters.
type countSpec[M countParams] struct {
	name    string
	problem func(scale float64) fitProblem
	starts  [][]float64
	tol     float64
	model   func(th []float64, scale float64) M
	// sampleHessian takes the Hessian on the search sample (scaled to all
	// customers), and on all customers only when the sample's is not
	// positive definite: the Pareto/NBD gradient is costly at scale
	sampleHessian bool
	// stopAtBoundary ends a search as soon as the model is at the edge of
	// the parameter space and then does not polish on all customers
	stopAtBoundary bool
}

// countParams is what fitCounts needs of a fitted count model.
type countParams interface {
	boundary() string
	valid() bool
	params() []float64 // natural-scale parameters, in the fit's order
}

// fitCounts fits a count model by maximum likelihood over log-parameters
// with BFGS, after scaling times by 1/max(T) (lifetimes beta_geo_fitter).
// On failure it retries with penalizer 0.001 and 0.01 (spec §4.2).
func fitCounts[M countParams](s *RepeatSummary, penalizer float64, spec countSpec[M]) (M, FitStatus) {
	var zero M
	st := FitStatus{Model: spec.name}
	maxT, repeat, sumX := 0.0, 0, 0.0
	for c, in := range s.In {
		if in {
			st.Customers++
			maxT = math.Max(maxT, s.T[c])
			if s.X[c] > 0 {
				repeat++
				sumX += s.X[c]
			}
		}
	}
	if st.Customers < 2 || maxT <= 0 {
		st.Err = fmt.Sprintf("needs at least two customers with some history (has %d)", st.Customers)
		return zero, st
	}
	if repeat == 0 {
		st.Err = "no customer bought on more than one day: purchase rates cannot be estimated"
		return zero, st
	}
	scale := 1 / maxT
	prob := spec.problem(scale)
	// On a large ledger the starts run on a sample of the customers and
	// the best is polished on all of them.
	search := prob.full
	if prob.sample.f != nil {
		search = prob.sample
	}
	var lastErr error
	ladder := []float64{penalizer}
	for _, p := range []float64{0.001, 0.01} {
		if p > penalizer {
			ladder = append(ladder, p)
		}
	}
	for _, pen := range ladder {
		// Several starting points (lifetimes' first): the likelihood can have
		// a local optimum near the boundary; the best point found is the one
		// reported. The starts run side by side; the best is chosen in start
		// order.
		results := make([]*optimize.Result, len(spec.starts))
		errs := make([]error, len(spec.starts))
		var wg sync.WaitGroup
		for i, start := range spec.starts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var runaway func(th []float64) bool
				if spec.stopAtBoundary {
					runaway = func(th []float64) bool { return spec.model(th, scale).boundary() != "" }
				}
				results[i], errs[i] = minimizeUntil(search, pen, start, spec.tol, runaway)
			}()
		}
		wg.Wait()
		var best *optimize.Result
		for i, res := range results {
			if !finiteResult(res) {
				if errs[i] != nil {
					lastErr = errs[i]
				}
				continue
			}
			if best == nil || res.F < best.F-1e-12 {
				best = res
			}
		}
		atEdge := best != nil && spec.stopAtBoundary && spec.model(best.X, scale).boundary() != ""
		if best != nil && prob.sample.f != nil && !atEdge {
			res, err := polishLL(prob.full, pen, best.X, spec.tol, prob.sample.hessian(pen, best.X))
			best = res
			if !finiteResult(res) {
				best, lastErr = nil, err
			}
		}
		if best == nil {
			continue
		}
		th := best.X
		m := spec.model(th, scale)
		st.Boundary = m.boundary()
		if st.Boundary == "" && (!converged(best) || !m.valid()) {
			lastErr = fmt.Errorf("optimiser stopped: %v", best.Status)
			continue
		}
		st.Converged, st.Iterations, st.Penalizer = true, best.Stats.MajorIterations, pen
		if st.Boundary != "" {
			// not an optimum: the curvature there measures nothing (on the
			// 1M ledger the Pareto/NBD edge's s read 1,546 ± 3,471, and a
			// change in the likelihood's 16th digit moved that by 11 %),
			// and its likelihood is that of no estimate, so both are n/a
			st.SE, st.SENote, st.LogLik = nil, AtBoundaryNoStandardErrors, math.NaN()
			st.Warnings = append(st.Warnings, penalizerWarning(pen)...)
			st.Warnings = append(st.Warnings, st.Boundary)
			return m, st
		}
		hess := prob.full
		if spec.sampleHessian {
			hess = search
		}
		st.Cov = logCov(hess, prob.full.w, th)
		if st.Cov == nil && spec.sampleHessian {
			// the sample's curvature was not positive definite: every
			// customer's is, more often
			st.Cov = logCov(prob.full, prob.full.w, th)
		}
		st.SE = seFromCov(st.Cov, m.params(), make([]float64, len(th)))
		st.SENote = seNote(st.SE)
		// in the original time units: scaling times (and the scale
		// parameters) by c changes each customer's log-likelihood by
		// −x·log c, which is added back
		st.LogLik = prob.full.f(th, nil) + math.Log(scale)*sumX
		st.Warnings = append(st.Warnings, penalizerWarning(pen)...)
		return m, st
	}
	st.Err = "did not converge"
	if lastErr != nil {
		st.Err += ": " + lastErr.Error()
	}
	return zero, st
}

func finiteResult(res *optimize.Result) bool {
	return res != nil && !math.IsNaN(res.F) && !math.IsInf(res.F, 0)
}

// bgTol is the gradient at which the BG/NBD fit stops.
const bgTol = 1e-9

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

func (m BGNBD) params() []float64 { return []float64{m.R, m.Alpha, m.A, m.B} }

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
	var out [1]float64
	h := hypPool.Get().(*hypSeries)
	m.expectedCurve(h, []float64{t}, x, tx, T, out[:], nil)
	hypPool.Put(h)
	return out[0]
}

// hypPool keeps series buffers for one-off evaluations.
var hypPool = sync.Pool{New: func() any { return new(hypSeries) }}

// expectedCurve puts in out[i] E[Y(ts[i]) | x, t_x, T] (FHL 2005 eq. 10)
//
//	E = A·(1 − P·F)/D, A = (a+b+x−1)/(a−1), P = ((α+T)/(α+T+t))^(r+x),
//	F = ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t)), D = 1 + [x>0]·a/(b+x−1)·((α+T)/(α+t_x))^(r+x),
//
// for one customer and several horizons: A and D are computed once and F
// by one series (h, reused between calls), whose terms give its
// derivatives as well. When grads is not nil, grads[i] receives the
// derivatives in the log-parameters (log r, log α, log a, log b), by
// forward differences where the series does not apply.
func (m BGNBD) expectedCurve(h *hypSeries, ts []float64, x, tx, T float64, out []float64, grads [][countDims]float64) {
	var hz bgHorizons
	m.curveFrom(h, &hz, ts, x, tx, T, out, grads)
}

// bgHorizons is the part of expectedCurve that depends on x and T but not
// on t_x: P, F and F's derivatives at every horizon of a pass. Customers
// with the same x and T share it (the 1M-row ledger has 14,824 (x, T) for
// 96,578 histories).
type bgHorizons struct {
	set, deriv bool
	x, T, lT   float64 // lT = ln(α+T)
	p, f, lu   []float64
	df         [][4]float64
	ok         []bool // the series gave F (and its derivatives)
}

// curveA is a as the curve takes it: moved off 1, where A = (a+b+x−1)/(a−1)
// is singular.
func (m BGNBD) curveA() float64 {
	if math.Abs(m.A-1) < 1e-9 {
		return m.A + 1e-9
	}
	return m.A
}

// horizons fills hz for x and T at the horizons ts, unless it holds them
// (one pass: the same ts).
func (m BGNBD) horizons(h *hypSeries, ts []float64, x, T float64, deriv bool, hz *bgHorizons) {
	if hz.set && hz.x == x && hz.T == T && hz.deriv == deriv && len(hz.p) == len(ts) {
		return
	}
	a, b, r, al := m.curveA(), m.B, m.R, m.Alpha
	rx, bx, cx := r+x, b+x, a+b+x-1
	if n := len(ts); len(hz.p) != n { // once a worker and pass
		hz.p, hz.f, hz.lu, hz.df, hz.ok = make([]float64, n), make([]float64, n), make([]float64, n), make([][4]float64, n), make([]bool, n)
	}
	hz.set, hz.deriv, hz.x, hz.T, hz.lT = true, deriv, x, T, math.Log(al+T)
	h.reset(rx, bx, cx, deriv)
	for i, t := range ts {
		if t <= 0 {
			continue
		}
		u := al + T + t
		z, lu := t/u, math.Log(u)
		var dF [4]float64
		var pd *[4]float64
		if deriv {
			pd = &dF
		}
		F, ok := h.eval(z, pd)
		if !ok {
			F = hyp2f1(rx, bx, cx, z)
		}
		hz.p[i], hz.f[i], hz.lu[i], hz.df[i], hz.ok[i] = math.Exp(rx*(hz.lT-lu)), F, lu, dF, ok
	}
}

// curveFrom is expectedCurve with the parts in x and T from hz (filled
// when it holds another x or T).
func (m BGNBD) curveFrom(h *hypSeries, hz *bgHorizons, ts []float64, x, tx, T float64, out []float64, grads [][countDims]float64) {
	m.horizons(h, ts, x, T, grads != nil, hz)
	a, b, r, al := m.curveA(), m.B, m.R, m.Alpha
	rx, cx := r+x, a+b+x-1
	A := cx / (a - 1)
	lT := hz.lT
	var Q, lQ float64 // D − 1 and ln((α+T)/(α+t_x))
	if x > 0 {
		lQ = lT - math.Log(al+tx)
		Q = a / (b + x - 1) * math.Exp(rx*lQ)
	}
	D := 1 + Q
	for i, t := range ts {
		if t <= 0 {
			noPurchases(out, grads, i)
			continue
		}
		u, lu, P, F := al+T+t, hz.lu[i], hz.p[i], hz.f[i]
		E := A * (1 - P*F) / D
		out[i] = E
		if grads == nil {
			continue
		}
		if !hz.ok[i] {
			grads[i] = m.expectedGradByDifference(t, x, tx, T, E)
			continue
		}
		dF := hz.df[i]
		// ∂E = E·(∂ln A − ∂D/D) − (A/D)·(F·∂P + P·∂F)
		w := A / D * P
		grads[i] = [countDims]float64{
			r * (-E*Q*lQ/D - w*(F*(lT-lu)+dF[0])),
			al * (-E*Q*rx*(1/(al+T)-1/(al+tx))/D - w*(F*rx*(1/(al+T)-1/u)-dF[3]/u)),
			a * (E*(1/cx-1/(a-1)-Q/a/D) - w*dF[2]),
			b * (E*(1/cx+Q/(b+x-1)/D) - w*(dF[1]+dF[2])),
		}
	}
}

// noPurchases sets horizon i of a curve (and its gradient) to 0: nothing
// is expected in no time.
func noPurchases(out []float64, grads [][countDims]float64, i int) {
	out[i] = 0
	if grads != nil {
		grads[i] = [countDims]float64{}
	}
}

// expectedGradByDifference is expectedCurve's gradient at one horizon by
// forward differences of step gradStep in each log-parameter, given the
// value E there.
func (m BGNBD) expectedGradByDifference(t, x, tx, T, E float64) [countDims]float64 {
	var g [countDims]float64
	for j := range g {
		g[j] = (m.moved(j, gradStep).ExpectedPurchases(t, x, tx, T) - E) / gradStep
	}
	return g
}

// moved is the model with log-parameter j (of r, α, a, b) moved by h.
func (m BGNBD) moved(j int, h float64) BGNBD {
	*[]*float64{&m.R, &m.Alpha, &m.A, &m.B}[j] *= math.Exp(h)
	return m
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
	return fitGammaGamma(s, func(xs, ms []float64) fitProblem {
		d := newGGData(xs, ms)
		p := fitProblem{full: weighted{d.ll, d.n}}
		if t := d.thin(fitSampleCustomers); t != d {
			p.sample = weighted{t.ll, t.n}
		}
		return p
	})
}

// The Gamma-Gamma fit starts at log p = log(q − 1) = log v = 0.1 and stops
// at a gradient of 1e-12 (its optimum is flatter than BG/NBD's).
var ggStart = []float64{0.1, 0.1, 0.1}

const ggTol = 1e-12

// fitGammaGamma fits with the likelihood mk builds for the repeat
// customers' frequencies and mean spends (it also returns their number).
func fitGammaGamma(s *RepeatSummary, mk func(xs, ms []float64) fitProblem) (GammaGamma, FitStatus) {
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
	st.Rho = pearson(xs, ms)
	if rho := st.Rho; math.Abs(rho) > 0.3 {
		st.Warnings = append(st.Warnings, fmt.Sprintf("frequency and spend are correlated (ρ = %.2f): the Gamma-Gamma independence assumption is doubtful", rho))
	}
	prob := mk(xs, ms)
	for _, pen := range []float64{0, 0.001, 0.01} {
		// As for BG/NBD: on a large ledger the search runs on a sample and
		// Newton's method polishes its optimum on all customers.
		var res *optimize.Result
		if prob.sample.f != nil {
			if r, _ := minimizeLL(prob.sample, pen, ggStart, 1e-9); r != nil && converged(r) {
				res, _ = polishLL(prob.full, pen, r.X, ggTol, prob.sample.hessian(pen, r.X))
			}
		}
		if res == nil {
			res, _ = minimizeLL(prob.full, pen, ggStart, ggTol)
		}
		if res == nil {
			continue
		}
		g := GammaGamma{P: math.Exp(res.X[0]), Q: 1 + math.Exp(res.X[1]), V: math.Exp(res.X[2])}
		ok := converged(res) && !math.IsNaN(g.P+g.Q+g.V) && !math.IsInf(g.P+g.Q+g.V, 0) && g.P > 0 && g.V > 0
		if !ok {
			continue
		}
		st.Converged, st.Iterations, st.Penalizer = true, res.Stats.MajorIterations, pen
		st.LogLik = prob.full.f(res.X, nil)
		st.Cov = logCov(prob.full, prob.full.w, res.X)
		st.SE = seFromCov(st.Cov, []float64{g.P, g.Q, g.V}, []float64{0, 1, 0})
		st.SENote = seNote(st.SE)
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

// ProbCount is P(X(t) = x) for x = 0 … xmax (FHL 2005 eq. 8).
func (m BGNBD) ProbCount(t float64, xmax int) []float64 {
	out := make([]float64, xmax+1)
	if t <= 0 {
		out[0] = 1
		return out
	}
	lbeta := func(p, q float64) float64 {
		a, _ := math.Lgamma(p)
		b, _ := math.Lgamma(q)
		c, _ := math.Lgamma(p + q)
		return a + b - c
	}
	lb := lbeta(m.A, m.B)
	nbd := nbdProbs(m.R, m.Alpha, t, xmax)
	cdf := 0.0 // P(NBD count < x)
	for x := range out {
		fx := float64(x)
		out[x] = math.Exp(lbeta(m.A, m.B+fx)-lb) * nbd[x]
		if x > 0 {
			out[x] += math.Exp(lbeta(m.A+1, m.B+fx-1)-lb) * math.Max(0, 1-cdf)
		}
		cdf += nbd[x]
	}
	return out
}
