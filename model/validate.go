package model

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
)

// Validation is the check of the count models on the analyst's ledger
// (spec §4.3): both models fitted on a calibration period and, when the
// ledger runs past it, their predictions for the holdout set against what
// happened. Without a calibration end the whole ledger is the calibration
// period and only the in-sample checks exist.
type Validation struct {
	Unit      string
	CalEnd    Day     // end of the calibration period (the as-of date without a holdout)
	AsOf      Day     // end of the holdout
	Holdout   float64 // holdout length in model units; 0: no holdout
	Customers int     // calibration cohort: first purchase on or before CalEnd

	Fits []ModelFit // BG/NBD, Pareto/NBD

	// Calibration-vs-holdout by calibration frequency 0 … 6, 7+ (lifetimes'
	// plot_calibration_purchases_vs_holdout_purchases).
	ByFreq []ClassRow
	// Cumulative repeat purchases of the cohort, week by week, actual vs
	// each model's Σ E[X(t − first purchase)] (FHL 2005 tracking plot).
	Tracking []TrackPoint
	CalIndex int // first tracking point after CalEnd (len(Tracking) without a holdout)
	// Customers by calibration-period frequency 0 … 6, 7+: actual and each
	// model's Σ P(X(T_i) = x).
	Histogram []ClassRow

	ActualHoldout float64 // repeat purchases in the holdout
	Best          int     // index into Fits of the better model
	BestWhy       string  // in words: which measure chose it
}

// ModelFit is one count model's fit on the calibration period and its
// holdout error.
type ModelFit struct {
	Kind   string // KindBGNBD or KindPNBD
	Name   string
	Params []Param
	Status FitStatus
	Count  CountModel // nil when the fit failed
	AIC    float64
	BIC    float64
	// Holdout error: mean |actual − predicted| per customer and the total
	// bias (Σ predicted − Σ actual) / Σ actual; NaN without a holdout.
	MAE, Bias      float64
	PredictedTotal float64 // Σ predicted holdout purchases (NaN without a holdout)
	holdoutPred    []float64
	bg             BGNBD // the fitted model of its kind, also at a boundary
	pnbd           ParetoNBD
}

// calibrationEnd is the calibration end the validation uses: NoDay (the
// whole ledger) when none is set or it is not before the as-of date.
func calibrationEnd(d, asOf Day) Day {
	if d >= asOf {
		return NoDay
	}
	return d
}

// Param is a fitted parameter with its standard error (NaN when the
// Hessian could not be inverted).
type Param struct {
	Name      string
	Value, SE float64
}

// ClassRow is one frequency class of the calibration period.
type ClassRow struct {
	Label     string // "0" … "6", "7+"
	Customers int
	Actual    float64   // ByFreq: mean holdout purchases; Histogram: customers
	Model     []float64 // per fit, same measure; NaN when the fit failed
}

// TrackPoint is the cumulative repeat purchases at the end of a week.
type TrackPoint struct {
	Day    Day
	Actual float64
	Model  []float64 // per fit; NaN when the fit failed
}

// freqClasses is the number of frequency classes shown (0 … 6, 7+).
const freqClasses = 8

// validateHook, when set (tests), runs as a validation starts.
var validateHook func()

// validate fits both count models with fit on rd, the summary of the
// calibration period to calEnd (the as-of date without a holdout), and
// computes the checks; track counts its customers' purchase days by day.
func validate(b *Base, led *Ledger, calEnd Day, rd repeatData, track func() tracking, fit func(s *RepeatSummary, kind string) ModelFit) *Validation {
	if validateHook != nil {
		validateHook()
	}
	s, holdout := rd.sum, rd.holdout
	v := &Validation{Unit: s.Unit, CalEnd: calEnd, AsOf: b.AsOf, Holdout: float64(b.AsOf-calEnd) / s.UnitDays}
	for _, in := range s.In {
		if in {
			v.Customers++
		}
	}
	kinds := []string{KindBGNBD, KindPNBD}
	v.Fits = make([]ModelFit, len(kinds))
	done := make(chan struct{})
	for i, kind := range kinds {
		go func() {
			defer func() { done <- struct{}{} }()
			v.Fits[i] = fit(s, kind)
		}()
	}
	for range kinds {
		<-done
	}
	s.fitted()
	v.holdout(s, holdout)
	v.histogram(s)
	// the tracking curve counts purchase days by day: the rows give them, a
	// source may have added them up (without a holdout)
	switch act := led.Activity; {
	case !b.CustomerLevel:
		t := track()
		v.tracking(s, t.births, t.repeats)
	case act != nil && act.AsOf == b.AsOf && calEnd == b.AsOf:
		v.tracking(s, act.Births, act.Repeats)
	}
	v.choose()
	return v
}

// fitCount fits one count model and fills its information criteria.
func fitCount(s *RepeatSummary, kind string, penalizer float64) ModelFit {
	f := ModelFit{Kind: kind, Name: ModelName(kind), MAE: math.NaN(), Bias: math.NaN(), PredictedTotal: math.NaN(), AIC: math.NaN(), BIC: math.NaN()}
	if kind == KindPNBD {
		m, st := FitParetoNBD(s, penalizer)
		f.Status, f.pnbd = st, m
		if st.Converged && st.Boundary == "" {
			f.Count = m
		}
		f.Params = paramsOf(countParamNames(kind), m.params(), st)
	} else {
		m, st := FitBGNBD(s, penalizer)
		f.Status, f.bg = st, m
		if st.Converged && st.Boundary == "" {
			f.Count = m
		}
		f.Params = paramsOf(countParamNames(kind), m.params(), st)
	}
	if f.Count != nil {
		k, n := float64(len(f.Params)), float64(f.Status.Customers)
		f.AIC = 2*k - 2*f.Status.LogLik
		f.BIC = k*math.Log(n) - 2*f.Status.LogLik
	}
	return f
}

// countParamNames names a count model's parameters in the fit's order.
func countParamNames(kind string) []string {
	if kind == KindPNBD {
		return []string{"r", "α", "s", "β"}
	}
	return []string{"r", "α", "a", "b"}
}

// CountParams is the fitted count model's parameters with standard errors.
func (m *ProbModel) CountParams() []Param {
	vals := m.BG.params()
	if m.Kind == KindPNBD {
		vals = m.PNBD.params()
	}
	return paramsOf(countParamNames(m.Kind), vals, m.BGStatus)
}

// paramsOf pairs parameter values with the fit's standard errors.
func paramsOf(names []string, vals []float64, st FitStatus) []Param {
	out := make([]Param, len(names))
	for i := range names {
		out[i] = Param{Name: names[i], Value: vals[i], SE: math.NaN()}
		if i < len(st.SE) {
			out[i].SE = st.SE[i]
		}
	}
	return out
}

// holdout predicts each customer's holdout purchases with every fit and
// tabulates them by calibration frequency.
func (v *Validation) holdout(s *RepeatSummary, holdout []float64) {
	if v.Holdout <= 0 {
		return
	}
	v.ByFreq = make([]ClassRow, freqClasses)
	sums := make([][]float64, freqClasses)
	for k := range v.ByFreq {
		v.ByFreq[k].Label = freqLabel(k)
		sums[k] = make([]float64, len(v.Fits))
	}
	for c, in := range s.In {
		if in {
			v.ActualHoldout += holdout[c]
		}
	}
	for i := range v.Fits {
		f := &v.Fits[i]
		if f.Count == nil {
			continue
		}
		f.holdoutPred = make([]float64, len(s.In))
		parallelRange(len(s.In), 2048, func(_, lo, hi int) {
			for c := lo; c < hi; c++ {
				if s.In[c] {
					f.holdoutPred[c] = f.Count.ExpectedPurchases(v.Holdout, s.X[c], s.Tx[c], s.T[c])
				}
			}
		})
		var abs, pred float64
		for c, in := range s.In {
			if in {
				abs += math.Abs(holdout[c] - f.holdoutPred[c])
				pred += f.holdoutPred[c]
			}
		}
		f.MAE = abs / float64(v.Customers)
		f.PredictedTotal = pred
		f.Bias = math.NaN()
		if v.ActualHoldout > 0 {
			f.Bias = (pred - v.ActualHoldout) / v.ActualHoldout
		}
	}
	for c, in := range s.In {
		if !in {
			continue
		}
		k := min(int(s.X[c]), freqClasses-1)
		v.ByFreq[k].Customers++
		v.ByFreq[k].Actual += holdout[c]
		for i, f := range v.Fits {
			if f.holdoutPred != nil {
				sums[k][i] += f.holdoutPred[c]
			}
		}
	}
	for k := range v.ByFreq {
		r := &v.ByFreq[k]
		r.Model = make([]float64, len(v.Fits))
		n := float64(r.Customers)
		r.Actual = nanDiv(r.Actual, n)
		for i, f := range v.Fits {
			r.Model[i] = math.NaN()
			if f.Count != nil {
				r.Model[i] = nanDiv(sums[k][i], n)
			}
		}
	}
}

func nanDiv(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

func freqLabel(k int) string {
	if k == freqClasses-1 {
		return fmt.Sprintf("%d+", k)
	}
	return fmt.Sprint(k)
}

// histogram counts the cohort by calibration frequency and sums each
// model's P(X(T_i) = x) over the customers (one evaluation per distinct T).
func (v *Validation) histogram(s *RepeatSummary) {
	v.Histogram = make([]ClassRow, freqClasses)
	byT := map[float64]int{}
	for c, in := range s.In {
		if !in {
			continue
		}
		k := min(int(s.X[c]), freqClasses-1)
		v.Histogram[k].Customers++
		byT[s.T[c]]++
	}
	ts := sortedKeys(byT)
	for k := range v.Histogram {
		r := &v.Histogram[k]
		r.Label, r.Actual, r.Model = freqLabel(k), float64(r.Customers), make([]float64, len(v.Fits))
	}
	for i, f := range v.Fits {
		if f.Count == nil {
			for k := range v.Histogram {
				v.Histogram[k].Model[i] = math.NaN()
			}
			continue
		}
		parts := make([][]float64, workersFor(len(ts), 64))
		parallelRange(len(ts), 64, func(w, lo, hi int) {
			sum := make([]float64, freqClasses)
			for _, T := range ts[lo:hi] {
				p := f.Count.ProbCount(T, freqClasses-2)
				n := float64(byT[T])
				rest := 1.0
				for x, q := range p {
					sum[x] += n * q
					rest -= q
				}
				sum[freqClasses-1] += n * math.Max(0, rest)
			}
			parts[w] = sum
		})
		for _, sum := range parts {
			for k, q := range sum {
				v.Histogram[k].Model[i] += q
			}
		}
	}
}

// maxTrackPoints bounds the tracking curve: a long ledger is tracked in
// steps of several weeks.
const maxTrackPoints = 520

// tracking builds the cumulative repeat-purchase curve of the calibration
// cohort from its first purchase to the as-of date, week by week, actual and
// expected, from the customers' first purchase days (births) and
// their other purchase days (repeats), both counted by day.
func (v *Validation) tracking(s *RepeatSummary, births, repeats []DayCount) {
	births = slices.SortedFunc(slices.Values(births), func(x, y DayCount) int { return cmp.Compare(x.Day, y.Day) })
	if len(births) == 0 || v.AsOf <= births[0].Day {
		return
	}
	start := births[0].Day
	span := int(v.AsOf - start)
	step := 7 * max(1, (span/7+maxTrackPoints-1)/maxTrackPoints)
	var ends []Day
	for d := start + Day(step); ; d += Day(step) {
		if d >= v.AsOf {
			ends = append(ends, v.AsOf)
			break
		}
		ends = append(ends, d)
	}
	// actual: repeat purchases on or before each end
	perDay := make([]float64, span+1)
	for _, r := range repeats {
		if r.Day >= start && r.Day <= v.AsOf {
			perDay[r.Day-start] += float64(r.N)
		}
	}
	v.Tracking = make([]TrackPoint, len(ends))
	cum, at := 0.0, 0
	for i, e := range ends {
		for ; at <= int(e-start); at++ {
			cum += perDay[at]
		}
		v.Tracking[i] = TrackPoint{Day: e, Actual: cum, Model: make([]float64, len(v.Fits))}
	}
	v.CalIndex = len(ends)
	for i, e := range ends {
		if e > v.CalEnd {
			v.CalIndex = i
			break
		}
	}
	for fi, f := range v.Fits {
		if f.Count == nil {
			for i := range v.Tracking {
				v.Tracking[i].Model[fi] = math.NaN()
			}
			continue
		}
		// E[X(t)] on every whole day 0 … span, once
		ex := make([]float64, span+1)
		parallelRange(len(ex), 256, func(_, lo, hi int) {
			for t := lo; t < hi; t++ {
				ex[t] = f.Count.ExpectedPurchasesNew(float64(t) / s.UnitDays)
			}
		})
		for i, e := range ends {
			var sum float64
			for _, b := range births {
				if b.Day >= e {
					break
				}
				sum += float64(b.N) * ex[e-b.Day]
			}
			v.Tracking[i].Model[fi] = sum
		}
	}
}

// choose picks the better model: the lower holdout MAE when there is a
// holdout, else the lower BIC; BG/NBD on a tie.
func (v *Validation) choose() {
	v.Best = -1
	// the measures as the tables show them, with separators (a BIC of
	// millions read 6.84769e+06)
	measure := func(f ModelFit) float64 { return f.BIC }
	what, decimals := "BIC on the whole ledger (no holdout: set calibration_end to compare forecasts)", 1
	if v.Holdout > 0 {
		measure = func(f ModelFit) float64 { return f.MAE }
		what, decimals = "holdout MAE per customer", 3
	}
	num := func(f ModelFit) string { return FormatNumber(measure(f), decimals) }
	for i, f := range v.Fits {
		m := measure(f)
		if f.Count == nil || math.IsNaN(m) {
			continue
		}
		if v.Best < 0 || m < measure(v.Fits[v.Best]) {
			v.Best = i
		}
	}
	if v.Best < 0 {
		v.BestWhy = "neither model is usable"
		return
	}
	b := v.Fits[v.Best]
	v.BestWhy = fmt.Sprintf("%s is the one model usable: %s %s", b.Name, what, num(b))
	for i, f := range v.Fits {
		if i != v.Best && f.Count != nil {
			v.BestWhy = fmt.Sprintf("%s has the lower %s: %s vs %s for %s", b.Name, what, num(b), num(f), f.Name)
		}
	}
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K { return slices.Sorted(maps.Keys(m)) }

// AliveMatrix is P(alive) by frequency × recency for a customer of the
// ledger's longest age (lifetimes plot_probability_alive_matrix).
type AliveMatrix struct {
	Model   string
	T       float64   // age in model units
	X       []int     // rows: frequency 0 … max
	Recency []float64 // columns: t_x at the middle of each bin
	P       [][]float64
}

// aliveMatrix evaluates the fitted count model on a grid: frequency up to
// the 95th percentile of the customers' (at most 40), recency in bins.
func (m *ProbModel) aliveMatrix(bins int) *AliveMatrix {
	s := m.Summary
	var xs []float64
	maxT := 0.0
	for c, in := range s.In {
		if in {
			xs = append(xs, s.X[c])
			maxT = math.Max(maxT, s.T[c])
		}
	}
	if len(xs) == 0 || maxT <= 0 {
		return nil
	}
	slices.Sort(xs)
	top := min(40, max(1, int(xs[len(xs)*95/100])))
	am := &AliveMatrix{Model: ModelName(m.Kind), T: maxT}
	for b := range bins {
		am.Recency = append(am.Recency, (float64(b)+0.5)*maxT/float64(bins))
	}
	for x := 0; x <= top; x++ {
		am.X = append(am.X, x)
		row := make([]float64, bins)
		for b, tx := range am.Recency {
			if x == 0 {
				tx = 0 // a one-time buyer's recency is 0 by definition
			}
			row[b] = m.Count.PAlive(float64(x), tx, maxT)
		}
		am.P = append(am.P, row)
	}
	return am
}

// AlivePoint is a customer's P(alive) on one day of its history.
type AlivePoint struct {
	Day    Day
	PAlive float64
	Buy    bool // a purchase day
}

// AliveHistory is the customer's P(alive) from its first purchase to the
// as-of date at n evenly spaced days and on every purchase day, as the
// fitted model would have said then (lifetimes plot_history_alive); nil
// without a fitted model or purchases, or without purchase dates (a
// customer-level ledger).
func (a *Analysis) AliveHistory(c, n int) []AlivePoint {
	m := a.Model
	if m == nil || !m.OK || !m.Summary.In[c] || a.Base.CustomerLevel {
		return nil
	}
	b := a.Base
	buys := b.purchaseDays(c)
	first, ud := buys[0], m.Summary.UnitDays
	days := map[Day]bool{}
	for i := 0; i < n; i++ {
		days[first+Day(int64(b.AsOf-first)*int64(i)/int64(max(1, n-1)))] = true
	}
	isBuy := map[Day]bool{}
	for _, d := range buys {
		days[d], isBuy[d] = true, true
	}
	var out []AlivePoint
	for _, d := range sortedKeys(days) {
		x, last := -1, first
		for _, p := range buys {
			if p <= d {
				x++
				last = p
			}
		}
		out = append(out, AlivePoint{Day: d, Buy: isBuy[d],
			PAlive: m.Count.PAlive(float64(x), float64(last-first)/ud, float64(d-first)/ud)})
	}
	return out
}

// purchaseDays lists the customer's purchase days up to the as-of date,
// ascending: days with at least one purchase document (§0), as the repeat
// summary counts them.
func (b *Base) purchaseDays(c int) []Day { return b.appendPurchaseDays(nil, c) }

// appendPurchaseDays appends the customer's purchase days to out (a buffer
// reused over many customers).
func (b *Base) appendPurchaseDays(out []Day, c int) []Day {
	for k := b.DocStart[c]; k < b.DocStart[c+1]; {
		d := b.DocDate[k]
		buy := false
		for ; k < b.DocStart[c+1] && b.DocDate[k] == d; k++ {
			buy = buy || b.DocNet[k] >= 0
		}
		if buy {
			out = append(out, d)
		}
	}
	return out
}
