package model

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"
)

// CountModel is a fitted model of repeat-purchase counts: BG/NBD or
// Pareto/NBD. Times are in the model's unit.
type CountModel interface {
	PAlive(x, tx, T float64) float64
	ExpectedPurchases(t, x, tx, T float64) float64 // E[Y(t) | x, t_x, T]
	ExpectedPurchasesNew(t float64) float64        // unconditional E[X(t)]
	ProbCount(t float64, xmax int) []float64       // P(X(t) = x), x = 0 … xmax
}

// Count models by the key clv_model uses.
const (
	KindBGNBD = "bgnbd"
	KindPNBD  = "pnbd"
)

// ModelName is the published name of a count model.
func ModelName(kind string) string {
	if kind == KindPNBD {
		return "Pareto/NBD"
	}
	return "BG/NBD"
}

// ProbModel is the fitted count model (BG/NBD or Pareto/NBD) + Gamma-Gamma
// of one ledger, as-of date and time unit (stage 1: refitted only when
// those change), with the per-customer predictions that do not depend on
// other parameters.
type ProbModel struct {
	Unit     string
	Kind     string // KindBGNBD or KindPNBD
	Summary  *RepeatSummary
	BG       BGNBD
	PNBD     ParetoNBD
	Count    CountModel // BG or PNBD, as Kind says
	BGStatus FitStatus  // the count model's fit (either kind)
	GG       GammaGamma
	GGStatus FitStatus
	OK       bool   // both fits converged
	Why      string // why not, for the fallback label

	PAlive, PAliveMBG []float64    // NaN for customers without purchases; MBG/NBD only for BG/NBD
	Spend             []float64    // Gamma-Gamma expected spend per purchase (major units)
	Alive             *AliveMatrix // P(alive) by frequency × recency; nil without a fit

	distinct    sync.Once // uniq and owner, computed once (histories)
	uniq, owner []int
}

// FitModel builds the repeat summary and fits the count model of kind
// and Gamma-Gamma.
func FitModel(b *Base, led *Ledger, unit string, penalizer float64, kind string) *ProbModel {
	return fitModel(b.Summary(led, unit), kind, func(s *RepeatSummary) ModelFit { return fitCount(s, kind, penalizer) })
}

// fitModel is FitModel on the summary s with the count model from count
// (the engine shares the fit with the validation without a holdout).
func fitModel(s *RepeatSummary, kind string, count func(s *RepeatSummary) ModelFit) *ProbModel {
	m := &ProbModel{Unit: s.Unit, Kind: kind, Summary: s}
	done := make(chan struct{})
	go func() { // the two fits are independent
		defer close(done)
		m.GG, m.GGStatus = FitGammaGamma(s)
	}()
	fitted := count(s)
	s.fitted() // the count fit is done: its grouped customers can go
	m.BG, m.PNBD, m.BGStatus = fitted.bg, fitted.pnbd, fitted.Status
	m.Count = m.BG
	if kind == KindPNBD {
		m.Count = m.PNBD
	}
	<-done
	switch why := m.BGStatus.Unusable(); {
	case why != "":
		m.Why = ModelName(kind) + " " + why
	case !m.GGStatus.Converged:
		m.Why = "Gamma-Gamma fit failed: " + m.GGStatus.Err
	default:
		m.OK = true
	}
	if m.OK {
		m.Alive = m.aliveMatrix(24)
	}
	n := len(s.X)
	m.PAlive, m.PAliveMBG, m.Spend = make([]float64, n), make([]float64, n), make([]float64, n)
	parallelRange(n, 4096, func(_, lo, hi int) {
		for c := lo; c < hi; c++ {
			if !m.OK || !s.In[c] {
				m.PAlive[c], m.PAliveMBG[c], m.Spend[c] = math.NaN(), math.NaN(), math.NaN()
				continue
			}
			x, tx, T := s.X[c], s.Tx[c], s.T[c]
			m.PAlive[c] = m.Count.PAlive(x, tx, T)
			m.PAliveMBG[c] = math.NaN()
			if kind == KindBGNBD {
				m.PAliveMBG[c] = m.BG.PAliveMBG(x, tx, T)
			}
			m.Spend[c] = finite(m.GG.ExpectedSpend(x, s.Mbar[c]))
		}
	})
	return m
}

// expected returns each customer's expected purchases in the next days
// (NaN without purchases or without a fit) and their derivatives with
// respect to the count model's log-parameters (countDims per customer),
// from which segmentPLs gives each segment's expected purchases a 90 %
// interval. Only for a fitted model (m.OK).
func (m *ProbModel) expected(days int) (v, grad []float64) {
	n := len(m.Summary.X)
	v, grad = make([]float64, n), make([]float64, n*countDims)
	ts := []float64{float64(days) / m.Summary.UnitDays}
	m.eachHistory(func(w *curveScratch, c int) {
		var out [1]float64
		var g [1][countDims]float64
		m.curve(w, ts, c, out[:], g[:])
		v[c] = finite(out[0])
		for j, d := range g[0] {
			grad[c*countDims+j] = finite(d)
		}
	}, func(c, u int) {
		if u < 0 {
			v[c] = math.NaN() // no purchases: nothing to predict
			return
		}
		v[c] = v[u]
		copy(grad[c*countDims:(c+1)*countDims], grad[u*countDims:(u+1)*countDims])
	})
	return v, grad
}

// curve puts in out the count model's expected purchases of customer c at
// the horizons ts (ascending) and, when grads is not nil, their
// derivatives in the count model's log-parameters (see each model's
// expectedCurve).
func (m *ProbModel) curve(w *curveScratch, ts []float64, c int, out []float64, grads [][countDims]float64) {
	s := m.Summary
	x, tx, T := s.X[c], s.Tx[c], s.T[c]
	if m.Kind == KindPNBD {
		m.PNBD.expectedCurve(ts, x, tx, T, out, grads)
		return
	}
	m.BG.curveFrom(&w.h, &w.hz, ts, x, tx, T, out, grads)
}

// curveScratch is a worker's buffers for one pass of curves: the series,
// and the parts of the last x and T (BG/NBD).
type curveScratch struct {
	h     hypSeries
	hz    bgHorizons
	month []float64
}

// monthBuf is a buffer of n months' purchases for one customer at a time.
func (w *curveScratch) monthBuf(n int) []float64 {
	if cap(w.month) < n {
		w.month = make([]float64, n)
	}
	return w.month[:n]
}

// eachHistory calls f, on every core, for the first customer of each
// distinct history (with scratch of its worker's own, for one pass), then
// share for every customer in the order of the summary with that first
// customer (−1: no purchases). The histories come in order of x, T and
// t_x, so that a worker meets each x and T in a run and computes their
// parts once.
func (m *ProbModel) eachHistory(f func(w *curveScratch, c int), share func(c, first int)) {
	uniq, owner := m.histories()
	parallelRange(len(uniq), 2000, func(_, lo, hi int) {
		var w curveScratch
		for _, c := range uniq[lo:hi] {
			f(&w, c)
		}
	})
	for c, u := range owner {
		if u != c {
			share(c, u)
		}
	}
}

// histories lists the first customer of each distinct (x, t_x, T) among
// those with purchases, in order of x, T and t_x, and each customer's
// first (−1: none): customers with the same history share their
// predictions. Computed once.
func (m *ProbModel) histories() (uniq, owner []int) {
	m.distinct.Do(func() {
		// the customers' histories sorted, customer last: equal histories
		// in a run, its first customer first (a map of histories and a
		// sort of their first customers through the summary took three
		// times as long, on the analysis' longest path)
		s := m.Summary
		type history struct {
			x, t, tx float64
			c        int32
		}
		hs := make([]history, 0, len(s.X))
		m.owner = make([]int, len(s.X))
		for c := range s.X {
			if !s.In[c] {
				m.owner[c] = -1
				continue
			}
			hs = append(hs, history{s.X[c], s.T[c], s.Tx[c], int32(c)})
		}
		slices.SortFunc(hs, func(p, q history) int {
			return cmp.Or(cmp.Compare(p.x, q.x), cmp.Compare(p.t, q.t), cmp.Compare(p.tx, q.tx), cmp.Compare(p.c, q.c))
		})
		for i, h := range hs {
			if i == 0 || h.x != hs[i-1].x || h.t != hs[i-1].t || h.tx != hs[i-1].tx {
				m.uniq = append(m.uniq, int(h.c))
			}
			m.owner[h.c] = m.uniq[len(m.uniq)-1]
		}
	})
	return m.uniq, m.owner
}

// finite keeps NaN and Inf out of the sums: a prediction that cannot be
// computed is 0 (and the fit status says why).
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// perturbedGG is Gamma-Gamma with log-parameter j (of p, q − 1, γ) moved by h.
func (m *ProbModel) perturbedGG(j int, h float64) GammaGamma {
	g, f := m.GG, math.Exp(h)
	switch j {
	case 0:
		g.P *= f
	case 1:
		g.Q = 1 + (g.Q-1)*f
	default:
		g.V *= f
	}
	return g
}

// monthlyPurchases returns, per customer, the expected purchases in each of
// the next months (ΔN_k of the discounted-CLV algorithm), flattened, and
// withGrad their derivatives in the count model's log-parameters
// (countDims per customer and month); the purchases are the same with or
// without.
func (m *ProbModel) monthlyPurchases(months int, factor float64, withGrad bool) (delta, dm []float64) {
	return m.monthlyPass(months, factor, withGrad, nil)
}

// monthlyPass is monthlyPurchases; given disc the purchases and (withGrad)
// the derivatives come summed over the months with those weights, one and
// countDims a customer (the sums discounted and clvGradient form from
// monthlyPurchases'), so that they are never held month by month.
func (m *ProbModel) monthlyPass(months int, factor float64, withGrad bool, disc []float64) (delta, dm []float64) {
	const w = countDims
	n := len(m.Summary.X)
	width, per := months*w, months // derivatives and purchases a customer
	if disc != nil {
		width, per = w, 1
	}
	delta = make([]float64, n*per)
	if withGrad {
		dm = make([]float64, n*width)
	}
	ts := monthEnds(months, factor)
	m.eachHistory(func(sc *curveScratch, c int) {
		row := delta[c*per : (c+1)*per]
		if disc != nil {
			row = sc.monthBuf(months)
		}
		var grads [][countDims]float64
		if withGrad {
			grads = sc.h.gradBuf(months)
		}
		m.curve(sc, ts, c, row, grads)
		prev := 0.0
		for k, cur := range row {
			row[k] = finite(cur) - prev
			prev = finite(cur)
		}
		if disc != nil {
			delta[c] = discountedSum(row, disc)
		}
		if !withGrad {
			return
		}
		g := dm[c*width : (c+1)*width]
		var gprev, gk [countDims]float64
		for k := range grads {
			for j := range gk {
				gk[j] = finite(grads[k][j]) - gprev[j]
				gprev[j] = finite(grads[k][j])
			}
			if disc == nil {
				copy(g[k*w:(k+1)*w], gk[:])
			} else {
				addDiscounted((*[countDims]float64)(g), gk[:], disc[k])
			}
		}
	}, func(c, u int) {
		if u < 0 {
			return
		}
		copy(delta[c*per:(c+1)*per], delta[u*per:(u+1)*per])
		if withGrad {
			copy(dm[c*width:(c+1)*width], dm[u*width:(u+1)*width])
		}
	})
	return delta, dm
}

// discountedSum is the months' purchases row weighted by their discount
// factors and summed: the one place that sum is formed, so that a pass and
// a stored month-by-month array give the same bits.
func discountedSum(row, disc []float64) float64 {
	var sum float64
	for k, d := range row {
		sum += d * disc[k]
	}
	return sum
}

// discounted is discountedSum for every customer of monthlyPurchases'
// delta.
func discounted(delta, disc []float64) []float64 {
	H := len(disc)
	out := make([]float64, len(delta)/H)
	for c := range out {
		out[c] = discountedSum(delta[c*H:(c+1)*H], disc)
	}
	return out
}

// addDiscounted adds one month's derivatives g, weighted by its discount
// factor d, to dp: the one place these sums are formed, so that summing
// as a pass goes and summing a stored month-by-month array give the same
// bits.
func addDiscounted(dp *[countDims]float64, g []float64, d float64) {
	for j := range dp {
		dp[j] += g[j] * d
	}
}

// hasCov says whether both fits have the covariance the intervals need.
func (m *ProbModel) hasCov() bool { return m.BGStatus.Cov != nil && m.GGStatus.Cov != nil }

// monthEnds is the horizons of months whole months, factor model units each.
func monthEnds(months int, factor float64) []float64 {
	ts := make([]float64, months)
	for k := range ts {
		ts[k] = float64(k+1) * factor
	}
	return ts
}

// CLV returns each customer's discounted CLV over months at the monthly
// rate (spec §4.2), factor model units per month; 0 without purchases.
func (m *ProbModel) CLV(months int, monthly, factor float64) []float64 {
	delta, _ := m.monthlyPurchases(months, factor, false)
	out := make([]float64, len(m.Spend))
	for c := range out {
		if !m.Summary.In[c] {
			continue
		}
		var sum float64
		for k, d := range delta[c*months : (c+1)*months] {
			sum += d / math.Pow(1+monthly, float64(k+1))
		}
		out[c] = finite(m.Spend[c] * sum)
	}
	return out
}

// clvKeys names the cached fit, expected purchases and monthly purchases
// probCLV uses for p with count model kind.
func clvKeys(p Params, kind string) (modelKey, expKey, deltaKey) {
	mk := modelKey{p.ModelTimeUnit, p.BGNBDPenalizer, kind}
	return mk, expKey{mk, p.ExpPurchasesDays}, deltaKey{mk, p.CLVHorizonMonths, MonthFactor(p.ModelTimeUnit, p.DaysPerMonth)}
}

// fitted says whether the fits and predictions probCLV needs for p are
// cached (what is left is quick).
func (s *stage1) fitted(mu *sync.Mutex, vk validKey, p Params) bool {
	v, ok := peek(mu, s.valids, vk)
	if !ok {
		return false
	}
	kind := p.CLVModel
	if kind == "auto" {
		if v.Best < 0 {
			return true
		}
		kind = v.Fits[v.Best].Kind
	}
	mk, ek, dk := clvKeys(p, kind)
	m, ok := peek(mu, s.models, mk)
	if !ok || !m.OK {
		return ok
	}
	_, exp := peek(mu, s.exps, ek)
	_, monthly := peek(mu, s.monthlies, monthlyKey{dk, m.hasCov()})
	return exp && monthly
}

// probCLV values customers with the fitted model (spec §4.2) when it is
// enabled and fitted; it reports false to fall back to simple CLV.
func (a *Analysis) probCLV(s *stage1, e *Engine, p Params) bool {
	if p.CLVModel == "simple" {
		return false
	}
	if a.Base.CustomerLevel && calibrationEnd(p.CalibrationEnd, a.AsOf) != NoDay {
		a.warn("customer-level ledger: holdout validation needs the purchase dates of the holdout period; calibration_end is not used")
	}
	vk := a.validKey(p)
	if a.withoutFits && !s.fitted(&e.mu, vk, p) {
		// No stand-in: the simple CLV is another figure, several times the
		// models' on some ledgers. Every CLV figure is n/a until they land.
		a.ModelsPending = true
		a.CLV, a.clvKey = make([]float64, a.N), make([]float64, a.N)
		a.CLVInfo = CLVInfo{Model: p.CLVModel, Label: "CLV pending: the probabilistic models are being fitted; it fills in when they land"}
		a.warn("the probabilistic models are being fitted: CLV is n/a until they land")
		return true
	}
	if p.CalibrationEnd != NoDay && p.CalibrationEnd >= a.AsOf {
		a.warn(fmt.Sprintf("calibration_end %s is not before the as-of date %s: no holdout to check the models on", p.CalibrationEnd, a.AsOf))
	}
	kind, choice := p.CLVModel, ""
	var v *Validation
	if kind == "auto" { // the choice needs the validation first
		v = s.validation(&e.mu, vk)
		a.Validation = v
		if v.Best < 0 {
			a.warn("probabilistic CLV unavailable (" + v.BestWhy + "): simple CLV shown instead")
			return false
		}
		kind, choice = v.Fits[v.Best].Kind, "auto: "+v.BestWhy
	}
	// A model named by the parameters needs only its own fit: its CLV is
	// computed while the validation fits the other model (stage1.countFit
	// shares the fit both need).
	var valued bool
	parallel(func() {
		if v == nil {
			v = s.validation(&e.mu, vk)
		}
	}, func() { valued = a.modelCLV(s, e, p, kind, choice) })
	a.Validation = v
	return valued
}

// validKey names the validation p asks for. A customer-level ledger's has
// no holdout: it has no purchase dates to count one with.
func (a *Analysis) validKey(p Params) validKey {
	calEnd := calibrationEnd(p.CalibrationEnd, a.AsOf)
	if a.Base.CustomerLevel {
		calEnd = NoDay
	}
	return validKey{p.ModelTimeUnit, p.BGNBDPenalizer, calEnd}
}

// modelCLV is probCLV with the model chosen.
func (a *Analysis) modelCLV(s *stage1, e *Engine, p Params, kind, choice string) bool {
	mk, ek, dk := clvKeys(p, kind)
	m := s.model(&e.mu, mk)
	var exp *expResult
	if m.OK {
		exp = s.expected(&e.mu, m, ek)
		a.ExpPurchases = exp.v
	}
	a.Model = m
	a.clvGrad, a.expGrad, a.clvCov, a.Alive = nil, nil, [2][][]float64{m.BGStatus.Cov, m.GGStatus.Cov}, m.Alive
	if exp != nil && m.BGStatus.Cov != nil {
		a.expGrad = exp.grad
	}
	if !m.OK {
		a.warn("probabilistic CLV unavailable (" + m.Why + "): simple CLV shown instead")
		return false
	}
	for _, st := range []FitStatus{m.BGStatus, m.GGStatus} {
		for _, w := range st.Warnings {
			a.warn(st.Model + ": " + w)
		}
	}
	H := p.CLVHorizonMonths
	withGrad := m.hasCov() // for the CLV intervals
	disc := make([]float64, H)
	for k := range disc {
		disc[k] = 1 / math.Pow(1+p.CLVMonthlyDiscount, float64(k+1))
	}
	gm := 1.0
	spendLabel := m.Summary.Spend
	if spendLabel == "revenue" && a.Profit.Basis == ProfitEstimated {
		gm = p.AssumedGMPct
		spendLabel = "estimated margin"
	}
	gk := gradKey{dk, p.CLVMonthlyDiscount, gm}
	purch := s.purchases(&e.mu, m, gk, disc, withGrad)
	a.CLV, a.clvKey = make([]float64, a.N), make([]float64, a.N)
	for c := 0; c < a.N; c++ {
		if m.Summary.In[c] {
			a.CLV[c] = finite(m.Spend[c] * gm * purch[c])
		}
	}
	copy(a.clvKey, a.CLV)
	if !withGrad {
		a.warn("CLV intervals unavailable: the fit's Hessian is not invertible at the optimum")
	} else {
		a.clvGrad = s.gradient(&e.mu, m, gk, disc, purch)
		a.CLVInfo.Interval = "90 % interval from the parameters' standard errors by the delta method (parameter uncertainty only)"
	}
	info := &a.CLVInfo
	name := ModelName(kind) + " + Gamma-Gamma"
	info.Model, info.Period, info.Horizon, info.Discount, info.Choice = name, "month", H, p.CLVMonthlyDiscount, choice
	info.Convention, info.Retention, info.RetSource, info.Multiple, info.Known = "", math.NaN(), "", math.NaN(), true
	info.Label = fmt.Sprintf("%s %s CLV, %d months at %.2f %%/month, unit %s (%g per month)",
		name, spendLabel, H, 100*p.CLVMonthlyDiscount, p.ModelTimeUnit, dk.factor)
	return true
}

// gradStep is the log-parameter step of the CLV gradients.
const gradStep = 1e-4

// countDims is the number of count-model parameters (both models have four).
const countDims = 4

// clvParams is the number of parameters behind a CLV: the count model's
// four and Gamma-Gamma's three.
const clvParams = countDims + 3

// clvGradient returns each customer's CLV derivatives with respect to the
// log-parameters of both fits (clvParams per customer: the count model's
// from the monthly purchases' derivatives discounted and summed over the
// months — dpOf puts customer c's in dp —, Gamma-Gamma's by forward
// differences), from which segmentPLs gives each segment's CLV its 90 %
// interval by the delta method.
func clvGradient(m *ProbModel, purch []float64, gm float64, dpOf func(c int, dp *[countDims]float64)) []float64 {
	s := m.Summary
	n := len(s.In)
	ggs := [3]GammaGamma{m.perturbedGG(0, gradStep), m.perturbedGG(1, gradStep), m.perturbedGG(2, gradStep)}
	out := make([]float64, n*clvParams)
	parallelRange(n, 4096, func(_, lo, hi int) {
		for c := lo; c < hi; c++ {
			if !s.In[c] {
				continue
			}
			var dp [countDims]float64
			dpOf(c, &dp)
			g := out[c*clvParams : (c+1)*clvParams]
			spend := m.Spend[c]
			for j := range countDims {
				g[j] = finite(spend * gm * dp[j])
			}
			for j, gg := range ggs {
				g[countDims+j] = finite(gm * purch[c] * (finite(gg.ExpectedSpend(s.X[c], s.Mbar[c])) - spend) / gradStep)
			}
		}
	})
	return out
}

// discountedFrom sums monthlyPurchases' derivatives dm over the months with
// the weights disc (clvGradient's dpOf).
func discountedFrom(dm, disc []float64) func(c int, dp *[countDims]float64) {
	H := len(disc)
	return func(c int, dp *[countDims]float64) {
		for k, d := range disc {
			at := (c*H + k) * countDims
			addDiscounted(dp, dm[at:at+countDims], d)
		}
	}
}

// summedFrom reads sums monthlyPass made (clvGradient's dpOf).
func summedFrom(dd []float64) func(c int, dp *[countDims]float64) {
	return func(c int, dp *[countDims]float64) { copy(dp[:], dd[c*countDims:(c+1)*countDims]) }
}

// HasExpInterval says whether the segments' expected purchases have 90 %
// intervals (SegmentRow.ExpPM).
func (a *Analysis) HasExpInterval() bool { return a.expGrad != nil }

// halfWidth is the 90 % interval half-width (delta method) of a sum of
// figures whose summed gradient with respect to the log-parameters is g:
// the count model's four, then Gamma-Gamma's three for a CLV. NaN when a
// covariance it needs is missing.
func (a *Analysis) halfWidth(g []float64) float64 {
	var v float64
	for blk, off := range []int{0, countDims} {
		if off >= len(g) {
			break
		}
		cov := a.clvCov[blk]
		if cov == nil {
			return math.NaN()
		}
		for i := range cov {
			for j := range cov {
				v += g[off+i] * cov[i][j] * g[off+j]
			}
		}
	}
	return 1.6449 * math.Sqrt(math.Max(v, 0))
}
