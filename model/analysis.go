package model

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// Engine holds a ledger's stage-1 results (the ledger as it was at the as-of
// date, base aggregates, trailing windows, model fits) and turns parameters
// into an Analysis (stage 2). It is safe for concurrent use: every cache
// lives here, behind mu, keyed by comparable structs of exactly the
// parameters the cached value depends on. Stage-1 work is redone only when
// the as-of date changes.
type Engine struct {
	Led *Ledger

	// Frugal keeps no cache whose only use is a fast recomputation (the
	// CLV's month-by-month purchases and derivatives, 480 bytes a customer,
	// kept so that a new discount rate costs milliseconds; the sorted
	// orders of customers): for a command that analyses once. The figures
	// are the same either way.
	Frugal bool

	// ReleaseRows is for a command that analyses once, at one as-of date:
	// the engine drops the ledger's rows, and what it made of them, as soon
	// as nothing will read them, collecting after each release (see
	// collectAfter) so that the analysis reuses the memory:
	//   - the rows' cost, document ids and document table after the
	//     aggregate; their channel, category and other attributes, and the
	//     row index, after the mixes (the end of stage 1);
	//   - the documents as the analysis begins, once the windows, the
	//     cohorts and the summaries the models are fitted on have read them;
	//   - the rest of the rows (customer, dates, amounts, payments) once
	//     the receivables and the late-invoice counts have read them, or
	//     the credit risk with roll rates from the ledger's history;
	//   - the receivables' open items and payment sums after the credit risk.
	// A second Analyze, or stage 1 at another date, would need them again:
	// it panics.
	ReleaseRows bool
	analysed    bool // with ReleaseRows: the one analysis has begun

	mu      sync.Mutex
	stage   *stage1
	orders  orderCache
	pls     plCache
	memo    memos // the last stage-2 results, taken over when their inputs are equal
	maxDate Day
	maxOnce sync.Once
}

// stage1 is everything that depends only on the ledger and the as-of date.
// Its fields are written once, in Engine.stage1; the maps are caches filled
// under Engine.mu (the fits' entries are computed outside it: see lazy).
type stage1 struct {
	led              *Ledger // the ledger at the as-of date (Ledger.Until)
	asked            Day     // the as-of date asked for (a customer-level ledger's may have moved)
	frugal           bool    // Engine.Frugal
	asOfInfo         AsOfInfo
	base             *Base
	ttm              *Window   // trailing 12 months
	priorRevenue     []Money   // revenue of the 12 months before them
	medianIPT        float64   // median inter-purchase days of repeat customers
	gapCV            []float64 // coefficient of variation of the days between purchase days (NaN: under 3)
	purchaseDayCount []int
	idOrder          []int32 // customers by id
	idRank           []int32 // each customer's position in idOrder
	gmImpute         map[string]float64
	gmOverall        float64
	size             []int16 // enterprise size class per customer (§12)
	given            given   // what a customer-level ledger gives beside its totals

	windows    map[int]*Window                 // trailing windows by length in days
	activity   map[int][]uint16                // period length → purchase-activity bits per customer
	repeats    map[repeatKey]*lazy[repeatData] // repeat-purchase summaries, shared by the fits and the validation
	tracks     map[repeatKey]*lazy[tracking]   // their purchase days by day, for the validation's tracking curve
	models     map[modelKey]*lazy[*ProbModel]
	monthlies  map[monthlyKey]*lazy[monthlyResult]
	valids     map[validKey]*lazy[*Validation]
	counts     map[modelKey]*lazy[ModelFit]
	exps       map[expKey]*lazy[*expResult]
	grads      map[gradKey]*lazy[[]float64]
	discounted map[gradKey]*lazy[[]float64] // a frugal engine's purchases (see purchases)
	risks      map[riskKey]*Risk
	recv       lazy[*Receivables]      // what the receivables analysis takes from the rows
	attrs      map[attrKey]attrSchemes // attribute schemes by what they depend on

	revenueTop []float64 // top-N customers' shares of revenue (Concentration)
	revenueHHI float64
	chanMix    *Mix // channel mix of each customer (nil without channels on the rows)
	catMix     *Mix // product / category mix (nil without such a column)
}

// modelKey names what a probabilistic fit depends on.
type modelKey struct {
	unit      string
	penalizer float64
	kind      string
}

// repeatKey names a repeat-purchase summary: its time unit and the day its
// calibration period ends.
type repeatKey struct {
	unit  string
	until Day
}

// repeatData is a repeat-purchase summary and each customer's purchase
// days after its end (the holdout).
type repeatData struct {
	sum     *RepeatSummary
	holdout []float64
}

// tracking is the purchase days of a summary's customers counted by day,
// the first of each customer (births) apart from the later ones.
type tracking struct{ births, repeats []DayCount }

// validKey names what the model validation depends on.
type validKey struct {
	unit      string
	penalizer float64
	calEnd    Day
}

// gradKey names what the CLV gradients depend on.
type gradKey struct {
	deltaKey
	discount, gm float64
}

// expKey names what the expected purchases depend on.
type expKey struct {
	modelKey
	days int
}

// deltaKey names what the monthly expected purchases depend on.
type deltaKey struct {
	modelKey
	months int
	factor float64
}

// monthlyKey names a monthly-purchases pass, with or without derivatives.
type monthlyKey struct {
	deltaKey
	withGrad bool
}

// NewEngine prepares an engine for a ledger.
func NewEngine(led *Ledger) *Engine { return &Engine{Led: led} }

// stage1 returns the stage-1 results at asOf (NoDay: the ledger's last
// date), computing them when the date changed.
func (e *Engine) stage1(asOf Day) *stage1 {
	if asOf == NoDay {
		e.maxOnce.Do(func() { e.maxDate = DefaultAsOf(e.Led) })
		asOf = e.maxDate
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stage != nil && e.stage.asked == asOf {
		return e.stage
	}
	if e.ReleaseRows && e.stage != nil {
		panic("model: stage 1 again after the engine released the rows (Engine.ReleaseRows)")
	}
	asked := asOf
	led, info := e.Led.Until(asOf)
	if t := led.Totals; t != nil && asOf < t.lastOrder() {
		// totals cannot be cut at an earlier date: they are analysed as given
		info.Moved, info.Asked, asOf = true, asOf, t.lastOrder()
	}
	if act := led.Activity; led.Totals != nil && act != nil && act.AsOf == asOf { // the rows the source left out
		info.RowsAfter, info.CustomersAbsent = act.RowsAfter, act.CustomersLater
	}
	b := Aggregate(led, asOf)
	b.RowsAfterAsOf = info.RowsAfter
	if e.ReleaseRows {
		e.releaseAggregated(led)
	}
	s := &stage1{led: led, asked: asked, frugal: e.Frugal, asOfInfo: info, base: b, windows: map[int]*Window{}, activity: map[int][]uint16{},
		repeats: map[repeatKey]*lazy[repeatData]{}, tracks: map[repeatKey]*lazy[tracking]{}, models: map[modelKey]*lazy[*ProbModel]{}, monthlies: map[monthlyKey]*lazy[monthlyResult]{},
		valids: map[validKey]*lazy[*Validation]{}, counts: map[modelKey]*lazy[ModelFit]{}, exps: map[expKey]*lazy[*expResult]{}, grads: map[gradKey]*lazy[[]float64]{}, discounted: map[gradKey]*lazy[[]float64]{}, risks: map[riskKey]*Risk{}, attrs: map[attrKey]attrSchemes{}}
	if led.Totals != nil {
		s.given = led.Totals.given()
	}
	// three independent parts, side by side
	parallel(func() { s.idOrder, s.idRank = idOrderOf(led.Customers.ID) }, func() { s.periods(led, asOf) }, func() {
		s.chanMix, s.catMix = mixOf(&led.Tx.Channel, led, b), mixOf(&led.Tx.Category, led, b)
		if act := led.Activity; act != nil && act.AsOf == asOf { // added up by the source
			s.chanMix, s.catMix = act.Channel, act.Category
		}
		s.revenueTop, s.revenueHHI = moneyTopShares(b.Revenue)
		s.size = sizeClasses(led)
	})
	s.imputation(led) // by the main channel
	if e.ReleaseRows {
		// the mixes were the last readers of these
		for _, l := range ledgersOf(led, e.Led) {
			l.Tx.Channel.Codes, l.Tx.Category.Codes, l.Tx.Attrs = nil, nil, nil
		}
		b.RowIdx = nil
	}
	e.stage = s
	return s
}

// releaseAggregated drops the columns the aggregate was the one reader of
// (the rows' cost and document ids, the document table) from led (the
// ledger at the as-of date) and the engine's ledger (Engine.ReleaseRows).
func (e *Engine) releaseAggregated(led *Ledger) {
	freed := bytesOf(led.Docs.Text) + bytesOf(led.Docs.End) + bytesOf(led.Docs.Hash) // shared by a cut ledger
	for _, l := range ledgersOf(led, e.Led) {
		t := &l.Tx
		freed += bytesOf(t.Cost) + bytesOf(t.CostKnown) + bytesOf(t.Doc)
		t.Cost, t.CostKnown, t.Doc, l.Docs = nil, nil, nil, DocTable{}
	}
	collectAfter(freed)
}

// releaseRows drops the rows' remaining columns from led (the ledger at
// the as-of date) and the engine's ledger (Engine.ReleaseRows).
func (e *Engine) releaseRows(led *Ledger) {
	freed := 0
	for _, l := range ledgersOf(led, e.Led) {
		t := &l.Tx
		freed += bytesOf(t.Cust) + bytesOf(t.Date) + bytesOf(t.Amount) + bytesOf(t.Due) + bytesOf(t.Paid) + bytesOf(t.PaidAmt) + bytesOf(t.Open)
		t.Cust, t.Date, t.Amount, t.Due, t.Paid, t.PaidAmt, t.Open = nil, nil, nil, nil, nil, nil, nil
	}
	collectAfter(freed)
}

// ledgersOf is the ledger at the as-of date and the engine's, once when
// they are the same.
func ledgersOf(led, all *Ledger) []*Ledger {
	if led == all {
		return []*Ledger{led}
	}
	return []*Ledger{led, all}
}

// collectAfter collects when at least collectFrom bytes were just let go
// (Engine.ReleaseRows), so that the analysis reuses them rather than grow
// the heap by a quarter of what was live with them. Less is left to the
// next collection: a forced one marks everything live, which costs more
// than it gives back (the 1M-row report, forcing all four: 1.5 % slower
// for 11 MiB less).
func collectAfter(freed int) {
	if freed >= collectFrom {
		runtime.GC()
	}
}

const collectFrom = 64 << 20

// bytesOf is the memory of s's array.
func bytesOf[T any](s []T) int {
	var z T
	return cap(s) * int(unsafe.Sizeof(z))
}

// releaseDocuments drops b's documents (Engine.ReleaseRows) once the
// windows, the cohorts and the fits' summaries have read them.
func (e *Engine) releaseDocuments(b *Base) {
	freed := bytesOf(b.DocDate) + bytesOf(b.DocNet) + bytesOf(b.DocCost) + bytesOf(b.DocLines)
	b.DocDate, b.DocNet, b.DocCost, b.DocLines = nil, nil, nil, nil
	collectAfter(freed)
}

// idOrderOf is the customers ordered by id, and each customer's place in
// that order.
func idOrderOf(ids []string) (order, rank []int32) {
	order = make([]int32, len(ids))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(ids[a], ids[b]) })
	rank = make([]int32, len(order))
	for k, c := range order {
		rank[c] = int32(k)
	}
	return order, rank
}

// periods sets the trailing and prior twelve months, the median
// inter-purchase time and the purchase-gap variation.
func (s *stage1) periods(led *Ledger, asOf Day) {
	b := s.base
	s.ttm = b.WindowOf(asOf-365, asOf)
	s.priorRevenue = b.RevenueOf(asOf-730, asOf-365)
	if act := led.Activity; led.Totals != nil && act != nil && act.AsOf == asOf && act.Serve != nil { // counted by the source
		s.given.serve = true
		ttm := &act.Serve.TTM
		s.ttm.PurchaseDocs, s.ttm.Lines, s.ttm.ReturnDocs, s.ttm.ReturnValue = slices.Clone(ttm.PurchaseDocs), slices.Clone(ttm.Lines), slices.Clone(ttm.ReturnDocs), slices.Clone(ttm.ReturnValue)
	}
	if t := led.Totals; s.given.ttm { // given by the sheet (a summary of the rows)
		s.ttm.Revenue, s.ttm.Cost = slices.Clone(t.TTM), slices.Clone(t.TTMCost)
		if s.given.periods {
			s.priorRevenue = slices.Clone(t.Prior)
		}
	}
	var ipts []float64
	for c := range b.PurchaseDays {
		if n := b.PurchaseDays[c]; n >= 2 {
			ipts = append(ipts, float64(b.LastPurchase[c]-b.FirstBuy[c])/float64(n-1))
		}
	}
	s.medianIPT = median(ipts)
	if s.given.gaps { // given by the sheet (a summary of the rows)
		s.gapCV, s.purchaseDayCount = led.Totals.gapCVs()
	} else {
		s.gapCV, s.purchaseDayCount = b.gapCVs()
	}
}

// imputation prepares, for customers without cost in a ledger that has
// costs, the median GM % of their industry × channel (spec §3.5), and the
// overall median as a fallback.
func (s *stage1) imputation(led *Ledger) {
	b := s.base
	s.gmOverall = math.NaN()
	missing := false
	for c := range b.CostKnown {
		missing = missing || !b.CostKnown[c]
	}
	if !led.HasCost || !missing {
		return
	}
	groups := map[string][]float64{}
	var all []float64
	for c := range b.Revenue {
		if b.CostKnown[c] && b.Revenue[c] > 0 {
			gm := 1 - float64(b.Cost[c])/float64(b.Revenue[c])
			k := s.imputeKey(led, c)
			groups[k] = append(groups[k], gm)
			all = append(all, gm)
		}
	}
	s.gmImpute = map[string]float64{}
	for k, v := range groups {
		s.gmImpute[k] = median(v)
	}
	s.gmOverall = median(all)
}

// imputeKey is the industry × channel group of customer c for the margin
// imputation; with channels on the rows, the customer's largest channel.
func (s *stage1) imputeKey(led *Ledger, c int) string {
	ch := led.Customers.Channel[c]
	if s.chanMix != nil {
		if v, _, ok := s.chanMix.Top(c); ok {
			ch = v
		}
	}
	return led.Customers.Industry[c] + "\x00" + ch
}

// The fits and the per-customer predictions are cached (see lazy): each is
// computed once, outside Engine.mu, by the first analysis that needs it.

// repeat returns the repeat-purchase summary of k.
func (s *stage1) repeat(mu *sync.Mutex, k repeatKey) repeatData {
	return cached(mu, s.repeats, k, func() repeatData {
		sum, holdout := s.base.summaryUntil(s.led, k.unit, k.until)
		return repeatData{sum, holdout}
	})
}

// tracking returns the purchase days of k's summary counted by day, for
// the validation's tracking curve (none from a customer-level ledger: it
// has no purchase dates).
func (s *stage1) tracking(mu *sync.Mutex, k repeatKey) tracking {
	return cached(mu, s.tracks, k, func() tracking {
		if s.base.CustomerLevel {
			return tracking{}
		}
		births, repeats := purchaseDayCounts(s.base, s.repeat(mu, k).sum.In)
		return tracking{births, repeats}
	})
}

// model returns the fitted probabilistic model for a time unit.
func (s *stage1) model(mu *sync.Mutex, k modelKey) *ProbModel {
	return cached(mu, s.models, k, func() *ProbModel {
		return fitModel(s.repeat(mu, s.wholeKey(k.unit)).sum, k.kind, func(sum *RepeatSummary) ModelFit {
			return s.countFit(mu, k, sum)
		})
	})
}

// wholeKey names the summary of the whole ledger in unit.
func (s *stage1) wholeKey(unit string) repeatKey { return repeatKey{unit, s.base.AsOf} }

// calibrationKey names the summary the validation of k fits on: up to its
// calibration end, the whole ledger without one.
func (s *stage1) calibrationKey(k validKey) repeatKey {
	if end := calibrationEnd(k.calEnd, s.base.AsOf); end != NoDay {
		return repeatKey{k.unit, end}
	}
	return s.wholeKey(k.unit)
}

// countFit is the count model of k fitted on sum, the whole ledger's
// summary: the model of k and the validation without a holdout both need
// it, and whichever asks first fits it (they share the summary).
func (s *stage1) countFit(mu *sync.Mutex, k modelKey, sum *RepeatSummary) ModelFit {
	return cached(mu, s.counts, k, func() ModelFit { return fitCount(sum, k.kind, k.penalizer) })
}

// validation returns the count models' validation.
func (s *stage1) validation(mu *sync.Mutex, k validKey) *Validation {
	return cached(mu, s.valids, k, func() *Validation {
		fit := func(sum *RepeatSummary, kind string) ModelFit { return fitCount(sum, kind, k.penalizer) }
		if k.calEnd == NoDay { // on the whole ledger: shared with the model
			fit = func(sum *RepeatSummary, kind string) ModelFit {
				return s.countFit(mu, modelKey{k.unit, k.penalizer, kind}, sum)
			}
		}
		rk := s.calibrationKey(k)
		v := validate(s.base, s.led, rk.until, s.repeat(mu, rk), func() tracking { return s.tracking(mu, rk) }, fit)
		if rk != s.wholeKey(k.unit) { // a holdout's summary: the validation is cached, its summary not needed again
			mu.Lock()
			delete(s.repeats, rk)
			delete(s.tracks, rk)
			mu.Unlock()
		}
		return v
	})
}

// purchases returns each customer's expected purchases of the next months,
// discounted and summed over them (the CLV before spend and margin). A
// frugal engine (one analysis) takes them and, with grad, the CLV
// gradients from one pass that never holds the months one by one (a
// million customers' 12 months are 96 MB, 36 months 290 MB).
func (s *stage1) purchases(mu *sync.Mutex, m *ProbModel, k gradKey, disc []float64, grad bool) []float64 {
	if !s.frugal || !grad {
		return discounted(s.monthly(mu, m, k.deltaKey, grad).delta, disc)
	}
	return cached(mu, s.discounted, k, func() []float64 {
		purch, dd := m.monthlyPass(k.months, k.factor, true, disc)
		cached(mu, s.grads, k, func() []float64 { return clvGradient(m, purch, k.gm, summedFrom(dd)) })
		return purch
	})
}

// gradient returns the customers' CLV gradients, given purch (purchases').
func (s *stage1) gradient(mu *sync.Mutex, m *ProbModel, k gradKey, disc, purch []float64) []float64 {
	return cached(mu, s.grads, k, func() []float64 {
		mp := s.monthly(mu, m, k.deltaKey, true)
		return clvGradient(m, purch, k.gm, discountedFrom(mp.dm, disc))
	})
}

// expResult is the expected purchases per customer and their gradients.
type expResult struct{ v, grad []float64 }

// expected returns the model's expected purchases in the next days.
func (s *stage1) expected(mu *sync.Mutex, m *ProbModel, k expKey) *expResult {
	return cached(mu, s.exps, k, func() *expResult {
		v, grad := m.expected(k.days)
		return &expResult{v, grad}
	})
}

// monthlyResult is the monthly expected purchases per customer and, when
// asked for, their derivatives (monthlyPurchases).
type monthlyResult struct{ delta, dm []float64 }

// monthly returns the model's monthly expected purchases and, withGrad,
// their derivatives; both come from one pass when both are wanted, and a
// pass with derivatives serves the requests without.
func (s *stage1) monthly(mu *sync.Mutex, m *ProbModel, k deltaKey, withGrad bool) monthlyResult {
	if !withGrad {
		if r, ok := peek(mu, s.monthlies, monthlyKey{k, true}); ok {
			return r
		}
	}
	return cached(mu, s.monthlies, monthlyKey{k, withGrad}, func() monthlyResult {
		delta, dm := m.monthlyPurchases(k.months, k.factor, withGrad)
		return monthlyResult{delta, dm}
	})
}

// maxParts bounds how many ranges parallelRange makes. The split depends
// on n alone, never on the number of cores, so that floating-point sums
// merged part by part are the same on every machine.
const maxParts = 16

// parallelRange splits 0..n into workersFor(n, minPer) contiguous ranges of
// at least minPer items and runs them on the cores; f gets the range's
// number and bounds.
func parallelRange(n, minPer int, f func(w, lo, hi int)) {
	parts := workersFor(n, minPer)
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := 0; w < parts; w++ {
		lo, hi := n*w/parts, n*(w+1)/parts
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			f(w, lo, hi)
		}()
	}
	wg.Wait()
}

// workersFor is how many ranges parallelRange makes of n items.
func workersFor(n, minPer int) int { return min(maxParts, max(1, n/minPer)) }

// Base returns the base aggregates at asOf.
func (e *Engine) Base(asOf Day) *Base { return e.stage1(asOf).base }

func (s *stage1) window(days int) *Window {
	if w, ok := s.windows[days]; ok {
		return w
	}
	w := s.base.WindowOf(s.base.AsOf-Day(days), s.base.AsOf)
	s.windows[days] = w
	return w
}

// activityBits marks, per customer, the periods of length days (bit k:
// the k-th period back from the as-of date) with a purchase.
func (s *stage1) activityBits(days int) []uint16 {
	if a, ok := s.activity[days]; ok {
		return a
	}
	if k := activityIndex(days); k >= 0 && s.given.activity[k] { // given by the sheet (a summary of the rows)
		s.activity[days] = s.led.Totals.Activity[k]
		return s.activity[days]
	}
	b := s.base
	a := make([]uint16, len(b.Revenue))
	for c := range a {
		for k := b.DocStart[c]; k < b.DocStart[c+1]; k++ {
			if b.DocNet[k] < 0 {
				continue
			}
			if p := int(b.AsOf-b.DocDate[k]) / days; p < 16 {
				a[c] |= 1 << p
			}
		}
	}
	s.activity[days] = a
	return a
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	v = slices.Clone(v)
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// Analysis is the result of stage 2 for one parameter set: a finished value.
// Nothing in it changes after Analyze returns, and nothing needs computing by
// whoever shows it: segment P&L, risk lists and the best list are here.
// Per-customer slices are indexed like Led.Customers, where Led is the ledger
// as it was at the as-of date (customers acquired later are not in it).
type Analysis struct {
	Params Params
	// ModelsPending: the probabilistic models were not fitted yet when this
	// analysis ran (AnalyzeWithoutFits); its CLV and the model figures are
	// n/a (CLVInfo says pending) until Analyze returns.
	ModelsPending bool
	withoutFits   bool
	given         given // what a customer-level ledger gives beside its totals (stage 1)
	AsOf          Day
	AsOfInfo      AsOfInfo // what the as-of date left out
	N             int
	Decimals      int
	Base          *Base
	Led           *Ledger

	Revenue, COGS, GM, CTS, CM []Money // COGS, GM and CM are meaningful only as Profit.Basis says
	CostEstimated              []bool  // COGS assumed or imputed (figures are "estimated")
	RevenueTTM, MarginTTM      []Money
	Growth                     []float64 // (TTM − PTM)/PTM; NaN when PTM ≤ 0

	R, F                   []int32   // recency (days; −1 without purchases), frequency
	M                      []float64 // monetary value in major units
	RScore, FScore, MScore []int8    // 0 when not scored (Net-negative)
	IPT, ChurnRatio        []float64 // effective inter-purchase days, recency / IPT
	GapCV                  []float64 // coefficient of variation of the days between purchase days; NaN under three (buying pattern)
	Churn                  []ChurnState
	ChurnConflict          []bool    // the churn rule and the model's P(alive) band disagree by two states
	CLV                    []float64 // major units
	CLVMoney               []Money   // CLV rounded to minor units: what is shown and summed
	PAlive, Spend          []float64 // from the probabilistic model; nil without it
	ExpPurchases           []float64 // expected purchases in the next Params.ExpPurchasesDays; nil without the model
	Model                  *ProbModel
	Validation             *Validation    // the count models checked on the ledger; nil with clv_model simple
	Alive                  *AliveMatrix   // P(alive) by frequency × recency; nil without the model
	clvGrad                []float64      // per customer, d CLV / d log-parameter (clvParams each); nil without intervals
	expGrad                []float64      // per customer, d ExpPurchases / d log-parameter (countDims each); nil without intervals
	clvCov                 [2][][]float64 // covariances of the count model's and Gamma-Gamma's log-parameters
	Risk                   *Risk
	ValueAtRisk            []float64 // churn value at risk per customer (major units)
	BestScore              []float64 // 0–100 purchase-likelihood score
	DaysToPay              []float64 // expected days to pay: own average, else the portfolio's (nil with RiskAdjCM)
	CarryCost, RiskAdjCM   []Money   // receivable carrying cost and CM − ECL − it; nil when n/a (RiskAdjNote says why)
	RiskAdjNote            string
	PD, MinPrice           []float64 // probability of default and risk-based minimum price factor (§7.3); nil when n/a (PricingNote)
	EarlyPays              []bool    // offering EarlyTerms pays for the seller with this customer
	EarlyTerms             EarlyTerms
	PricingNote            string
	Concentration          Concentration // top-N shares and Herfindahl index of revenue and open AR
	ChannelMix             *Mix          // each customer's sales by channel; nil without channels on the rows
	MainChannel            []string      // each customer's channel (main one or Multi-channel); nil without ChannelMix
	CategoryMix            *Mix          // each customer's sales by product category; nil without the column
	cohorts                *cohortsMemo  // Cohorts(), computed when first asked
	Budget                 *Budget       // marketing spend, ROMI and allocation per segment of Params.MarketingScheme; nil without the scheme

	Schemes    []Scheme // each with its segment P&L
	Profit     ProfitSummary
	CLVInfo    CLVInfo
	IDOrder    []int32 // customers sorted by id (the last sort key everywhere)
	CreditRisk []int32 // customers with open receivables by expected loss (desc), then id
	ChurnRisk  []int32 // customers with value at risk by it (desc), then id
	Best       []int32 // customers by purchase-likelihood score (desc), then id

	Warnings []string

	idRank  []int32
	fields  []Field        // Fields
	fieldIx map[string]int // Field: key → index in fields
	orders  *orderCache
	pls     *plCache  // the engine's last segment sums (nil: none kept)
	memo    *memos    // the engine's last stage-2 results
	clvKey  []float64 // orders customers like CLV (CLV / multiple)
	fKey    []float64 // F as floats (a key for sorts and tiers)
	ids     sortIDs
	warnMu  sync.Mutex
}

// ChurnState is a customer's churn state (spec §6.1, §6.2).
type ChurnState int8

// Churn states, in the order of the churn scheme's segments.
const (
	ChurnActive ChurnState = iota
	ChurnAtRisk
	ChurnLapsed
	ChurnNoPurchases
)

var churnNames = []string{"Active", "At risk", "Lapsed", "No purchases"}

func (s ChurnState) String() string { return churnNames[s] }

// ProfitBasis says what the profit figures rest on (spec §3.5).
type ProfitBasis int8

// Profit bases.
const (
	ProfitFromCost       ProfitBasis = iota // the ledger's cost column (imputed for customers without cost)
	ProfitEstimated                         // no cost: COGS = revenue × (1 − assumed_gm_pct)
	ProfitRevenueLessCTS                    // no cost: profit = revenue − cost to serve; COGS unknown
	ProfitUnavailable                       // no cost basis at all: every profit figure is n/a
)

func (b ProfitBasis) String() string {
	return [...]string{"cost", "estimated", "revenue-less-cts", "unavailable"}[b]
}

// Known reports whether profit (CM) figures exist.
func (b ProfitBasis) Known() bool { return b != ProfitUnavailable }

// COGSKnown reports whether COGS, gross margin and margin % exist.
func (b ProfitBasis) COGSKnown() bool { return b == ProfitFromCost || b == ProfitEstimated }

// warn records a warning; stage-2 parts run concurrently.
func (a *Analysis) warn(msg string) {
	a.warnMu.Lock()
	a.Warnings = append(a.Warnings, msg)
	a.warnMu.Unlock()
}

// priced sets the risk-adjusted profit and the minimum prices: the
// engine's last ones when their inputs are the same.
func (a *Analysis) priced(p Params) {
	compute := func() *pricedOut {
		a.riskAdjusted(p)
		a.pricing(p)
		return &pricedOut{daysToPay: a.DaysToPay, pd: a.PD, minPrice: a.MinPrice, carry: a.CarryCost, riskAdjCM: a.RiskAdjCM,
			earlyPays: a.EarlyPays, earlyTerms: a.EarlyTerms, riskAdjNote: a.RiskAdjNote, priceNote: a.PricingNote}
	}
	in := pricedIn{risk: a.Risk, revenue: a.Revenue, cogs: a.COGS, cts: a.CTS, cm: a.CM, basis: a.Profit.Basis, note: a.Profit.Note,
		capital: p.CostOfCapital, lgd: p.LGD, targetMargin: p.TargetMargin, terms: p.EarlyPaymentTerms}
	out := a.memo.priced.get(in, compute)
	a.DaysToPay, a.PD, a.MinPrice, a.CarryCost, a.RiskAdjCM = out.daysToPay, out.pd, out.minPrice, out.carry, out.riskAdjCM
	a.EarlyPays, a.EarlyTerms, a.RiskAdjNote, a.PricingNote = out.earlyPays, out.earlyTerms, out.riskAdjNote, out.priceNote
}

// parallel runs the functions concurrently and waits for them.
func parallel(fs ...func()) {
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
		}()
	}
	wg.Wait()
}

// Scheme assigns every customer to exactly one segment.
type Scheme struct {
	Key      string   // pyramid, rfm, spend, ...; attr:NAME for attributes
	Title    string   // for people
	Segments []string // in display order; every segment listed even if empty
	Assign   []int16  // segment index per customer
	Note     string   // how it was computed, fallbacks
	Rows     []SegmentRow
	Total    SegmentRow
}

// CLVInfo says how the simple CLV was computed (spec §4.1; shown next to the number).
type CLVInfo struct {
	Model      string  // "simple"
	Convention string  // GL, OF, BL
	Period     string  // year, quarter
	Retention  float64 // r per period
	RetSource  string  // "estimated from N periods of cohorts" or "override"
	Discount   float64 // d per period
	Horizon    int     // periods; 0 infinite
	Multiple   float64 // CLV / m
	Label      string  // one line for display
	Known      bool    // false: the model is not defined for this ledger and every CLV figure is n/a
	Choice     string  // clv_model auto: which model was chosen and why
	Interval   string  // how the segments' CLV intervals were computed; "" without intervals
}

// ProfitSummary holds the whale curve and its headline figures (spec §3.3).
// Without a profit basis only Basis and Note are set.
type ProfitSummary struct {
	Basis                       ProfitBasis
	Note                        string
	Order                       []int32 // customers by CM desc, id asc
	Cum                         []Money // cumulative CM along Order
	TotalCM                     Money
	Peak                        Money
	PeakPct                     float64 // peak / total CM (NaN when total ≤ 0)
	Profitable, BreakEven, Loss int
	Destroyed                   Money   // −Σ CM of the loss customers (CM < −ε): the Loss segment's CM, negated
	DestroyedPct                float64 // Destroyed / total CM
	Top20Pct                    float64 // y at ceil(0.2 N)
	Epsilon                     float64 // break-even band in major units
}

// CumShare is the whale curve's y at the k-th customer (0-based): the
// cumulative share of total profit; NaN when total profit ≤ 0 (the curve is
// then drawn in money, Cum).
func (ps *ProfitSummary) CumShare(k int) float64 {
	if ps.TotalCM <= 0 {
		return math.NaN()
	}
	return float64(ps.Cum[k]) / float64(ps.TotalCM)
}

// Analyze runs stage 2. It never fails on data; invalid parameters are an
// error naming the parameter.
func (e *Engine) Analyze(p Params) (*Analysis, error) { return e.analyze(p, false) }

// AnalyzeWithoutFits is Analyze that does not wait for probabilistic models
// not fitted yet: it leaves them out (ModelsPending) and every CLV figure
// is n/a, for a first screen while Analyze fits them. With the fits cached
// it is Analyze.
func (e *Engine) AnalyzeWithoutFits(p Params) (*Analysis, error) { return e.analyze(p, true) }

func (e *Engine) analyze(p Params, withoutFits bool) (*Analysis, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if e.ReleaseRows {
		e.mu.Lock()
		second := e.analysed
		e.analysed = true
		e.mu.Unlock()
		if second {
			panic("model: a second analysis after the engine released the rows (Engine.ReleaseRows)")
		}
	}
	s := e.stage1(p.AsOf)
	orders := &e.orders
	if e.Frugal { // no sorted order is kept: each is sorted when asked
		orders = nil
	}
	b := s.base
	led := s.led
	n := len(b.Revenue)
	a := &Analysis{Params: p.Clone(), withoutFits: withoutFits, given: s.given, AsOf: b.AsOf, AsOfInfo: s.asOfInfo, N: n, Decimals: led.Decimals, Base: b, Led: led,
		IDOrder: s.idOrder, idRank: s.idRank, orders: orders, pls: &e.pls, memo: &e.memo, cohorts: &cohortsMemo{}}
	if s.asOfInfo.Moved {
		a.warn(fmt.Sprintf("a customer-level ledger's totals cannot be cut at an earlier date: as of %s asked, analysed as of its last order date %s", s.asOfInfo.Asked, b.AsOf))
	}
	if led.CustomerLevel() {
		for _, na := range []struct {
			given bool
			why   string
		}{{s.given.periods, customerLevelPeriodsNA}, {s.given.gaps, customerLevelPatternNA}, {led.Receivables != nil, customerLevelAgingNA},
			{s.given.ttm, customerLevelTTMNA}, {s.given.repeat, customerLevelSpendNA}} {
			if !na.given {
				a.warn(na.why)
			}
		}
	}
	if led.CustomerLevel() && !s.given.serve && (p.CTSPerLine > 0 || p.CTSPerReturn > 0 || p.CTSReturnValuePct > 0) {
		a.warn(customerLevelServeNA)
	}
	if why := a.lateUnknown(s, p); why != "" {
		a.warn(why)
	}
	if s.asOfInfo.CustomersAbsent > 0 {
		a.warn(fmt.Sprintf("%d customers have no document on or before the as-of date %s and are not in the analysis", s.asOfInfo.CustomersAbsent, b.AsOf))
	}
	scale := float64(led.Scale())
	e.mu.Lock() // windows and activity caches
	rfmWin := s.ttm
	if p.RFMWindowDays > 0 {
		rfmWin = s.window(p.RFMWindowDays)
	}
	act := s.activityBits(map[string]int{"year": 365, "quarter": 91}[p.CLVPeriod])
	e.mu.Unlock()

	a.ids = sortIDsOf(p)
	if e.ReleaseRows {
		// the documents' last readers, so that they go before the rows
		// are read and the models fitted
		a.readDocuments(s, e, p)
		e.releaseDocuments(b)
	}
	// Rows to release: once the receivables and the late invoices (profit)
	// have read them, unless the roll rates (risk) will; the receivables
	// are added up while the profit is computed.
	release := e.ReleaseRows && !p.rollRates()
	if release {
		parallel(func() { s.receivables() }, func() { a.profit(s, p, scale) })
		e.releaseRows(s.led)
	} else {
		a.profit(s, p, scale)
	}
	var rfmWarnings []string
	// the receivables and credit risk need neither the CLV nor the scores:
	// they are computed while the models are fitted
	parallel(func() {
		rfmWarnings = a.rfm(s, p, rfmWin, scale)
		a.risk(s, e, p)
		if e.ReleaseRows {
			if !release { // after the roll rates
				e.releaseRows(s.led)
			}
			s.receivablesRead()
		}
	},
		func() {
			if !a.probCLV(s, e, p) {
				a.simpleCLV(s, p, act, scale)
			}
			a.churn(s, p)
		})
	for _, w := range rfmWarnings {
		a.warn(w)
	}
	a.CLVMoney = make([]Money, n)
	for c, v := range a.CLV {
		a.CLVMoney[c] = roundMoney(v * scale)
	}
	a.best()
	a.GapCV = s.gapCV
	schemes := make([]Scheme, 10)
	parallel(func() {
		schemes[0] = a.pyramid(p)
		schemes[2] = a.tiers(tierSpend, "spend", "Spend tiers", a.M, p.SpendTierMode, p.SpendTierCutoffs, a.ids.m)
		schemes[3] = a.tiers(tierFrequency, "frequency", "Frequency tiers", a.fKey, p.FrequencyTierMode, p.FrequencyTierCutoff, a.ids.f)
		schemes[5] = a.clvTiers(p)
	}, func() {
		schemes[1] = a.rfmScheme(p)
		schemes[4] = a.profitScheme()
		schemes[6] = a.lifecycle(s, p)
		schemes[7] = a.churnScheme(p)
		schemes[8] = a.sizeScheme(s)
		schemes[9] = a.patternScheme(s, p)
	})
	a.Schemes = schemes
	if led.CustomerLevel() { // they need dated purchases unless given (the warnings above say so)
		a.Schemes = slices.DeleteFunc(a.Schemes, func(sc Scheme) bool {
			return sc.Key == "lifecycle" && !s.given.periods || sc.Key == "pattern" && !s.given.gaps
		})
	}
	a.priced(p)
	a.concentration(s)
	a.Schemes = append(a.Schemes, a.gradeScheme())
	if s.catMix != nil {
		a.CategoryMix = s.catMix
		a.Schemes = append(a.Schemes, a.breadthScheme(p))
	}
	// Attribute schemes depend only on the ledger and attrKey: shared.
	e.mu.Lock()
	attrs, ok := s.attrs[attrKeyOf(p)]
	if !ok {
		attrs = a.attributeSchemes(s, p)
		s.attrs[attrKeyOf(p)] = attrs
	}
	e.mu.Unlock()
	a.ChannelMix, a.MainChannel = s.chanMix, attrs.channel
	for _, w := range attrs.warnings {
		a.warn(w)
	}
	for _, sc := range attrs.schemes {
		sc.Rows, sc.Total = nil, SegmentRow{} // P&L is this analysis' own
		a.Schemes = append(a.Schemes, sc)
	}
	a.churnRisk(s)
	parallel(func() { a.segmentPLs(); a.categoryMixes() }, func() {
		if a.Risk.Available {
			a.CreditRisk = a.Risk.CreditList // shared with the cached risk analysis
		}
		a.ChurnRisk = a.churnRiskList()
	})
	a.Budget = a.marketingBudget(p)
	a.fields = a.buildFields()
	a.fieldIx = make(map[string]int, len(a.fields))
	for i, f := range a.fields {
		a.fieldIx[f.Key] = i
	}
	return a, nil
}

// readDocuments computes, for an engine that releases the rows, what
// reads the documents after stage 1: the cohorts, and the repeat-purchase
// summaries the models and their validation are fitted on.
func (a *Analysis) readDocuments(s *stage1, e *Engine, p Params) {
	parallel(func() { a.Cohorts() }, func() {
		if p.CLVModel != "simple" {
			s.repeat(&e.mu, s.wholeKey(p.ModelTimeUnit))
			s.tracking(&e.mu, s.calibrationKey(a.validKey(p)))
		}
	})
}

func floats[T int32 | Money](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// sortIDs name what each sorted vector depends on, so that the memoised
// sorts are found without hashing (see orderCache).
type sortIDs struct{ r, f, m, cm, best string }

func sortIDsOf(p Params) sortIDs {
	profit := fmt.Sprint(p.CTSPerOrder, p.CTSPerLine, p.CTSPerReturn, p.CTSReturnValuePct, p.CTSPerLateInvoice, p.AssumedGMPct, p.DefaultTermsDays)
	win := fmt.Sprint(p.RFMWindowDays, "/", p.RFMFrequency)
	ids := sortIDs{r: "R/" + win, f: "F/" + win, m: "M/" + win + "/" + p.RFMMonetary, cm: "CM/" + profit}
	if p.RFMMonetary == "margin" {
		ids.m += "/" + profit
	}
	ids.best = fmt.Sprint("best/", win, "/", p.CLVModel, "/", p.ModelTimeUnit, "/", p.BGNBDPenalizer)
	return ids
}

// roundMoney rounds a float amount of minor units half away from zero.
func roundMoney(v float64) Money { return Money(math.Round(v)) }

// profit sets COGS, cost to serve and contribution margin (spec §3): the
// engine's last ones when their inputs are the same.
func (a *Analysis) profit(s *stage1, p Params, scale float64) {
	compute := func() *profitOut {
		before := len(a.Warnings) // nothing else runs yet: the warnings after are profit's
		a.computeProfit(s, p, scale)
		return &profitOut{cogs: a.COGS, gm: a.GM, cts: a.CTS, cm: a.CM, marginTTM: a.MarginTTM, estimated: a.CostEstimated,
			growth: a.Growth, summary: a.Profit, warnings: slices.Clone(a.Warnings[before:])}
	}
	fresh := false
	out := a.memo.profit.get(profitInOf(s, p), func() *profitOut { fresh = true; return compute() })
	if fresh {
		return
	}
	a.Revenue, a.RevenueTTM = s.base.Revenue, s.ttm.Revenue
	a.COGS, a.GM, a.CTS, a.CM, a.MarginTTM, a.CostEstimated, a.Growth = out.cogs, out.gm, out.cts, out.cm, out.marginTTM, out.estimated, out.growth
	a.Profit = out.summary
	for _, w := range out.warnings {
		a.warn(w)
	}
}

// computeProfit is profit without the memo.
func (a *Analysis) computeProfit(s *stage1, p Params, scale float64) {
	b, led, n := s.base, a.Led, a.N
	a.Revenue, a.COGS, a.GM, a.CTS, a.CM = b.Revenue, make([]Money, n), make([]Money, n), make([]Money, n), make([]Money, n)
	a.CostEstimated = make([]bool, n)
	ps := &a.Profit
	gmSet := !math.IsNaN(p.AssumedGMPct)
	ctsSet := p.CTSPerOrder > 0 || p.CTSPerLine > 0 || p.CTSPerReturn > 0 || p.CTSReturnValuePct > 0 || p.CTSPerLateInvoice > 0
	switch {
	case led.HasCost:
		ps.Basis = ProfitFromCost
	case gmSet:
		ps.Basis, ps.Note = ProfitEstimated, fmt.Sprintf("no cost in the ledger: COGS = revenue × (1 − %.1f %%) assumed; every profit figure is estimated", 100*p.AssumedGMPct)
	case ctsSet:
		ps.Basis, ps.Note = ProfitRevenueLessCTS, "no cost in the ledger: profit is revenue less cost to serve; COGS and margin are unknown (set assumed_gm_pct for a margin)"
	default:
		ps.Basis, ps.Note = ProfitUnavailable, "no cost in the ledger: profit figures are n/a (set assumed_gm_pct, or cost-to-serve rates for revenue less cost to serve)"
	}
	imputed, overall := s.gmImpute, s.gmOverall
	late := a.lateInvoices(s, p)
	perOrder, perLine, perReturn, perLate := math.Round(p.CTSPerOrder*scale), math.Round(p.CTSPerLine*scale), math.Round(p.CTSPerReturn*scale), math.Round(p.CTSPerLateInvoice*scale)
	for c := 0; c < n; c++ {
		rev := b.Revenue[c]
		switch {
		case led.HasCost && b.CostKnown[c]:
			a.COGS[c] = b.Cost[c]
		case led.HasCost:
			gm, ok := imputed[s.imputeKey(led, c)]
			if !ok {
				gm = overall
			}
			if !math.IsNaN(gm) {
				a.COGS[c] = roundMoney(float64(rev) * (1 - gm))
			}
			a.CostEstimated[c] = true
		case gmSet:
			a.COGS[c] = roundMoney(float64(rev) * (1 - p.AssumedGMPct))
			a.CostEstimated[c] = true
		}
		cts := Money(perOrder)*Money(b.PurchaseDocs[c]) + Money(perLine)*Money(b.Lines[c]) +
			Money(perReturn)*Money(b.ReturnDocs[c]) + roundMoney(float64(b.ReturnValue[c])*p.CTSReturnValuePct)
		if late != nil {
			cts += Money(perLate) * Money(late[c])
		}
		a.CTS[c] = cts
		if ps.Basis == ProfitRevenueLessCTS {
			a.COGS[c] = 0
		}
		a.GM[c] = rev - a.COGS[c]
		a.CM[c] = a.GM[c] - cts
	}
	// trailing-12-month revenue and margin for the pyramid
	a.RevenueTTM, a.MarginTTM, a.Growth = s.ttm.Revenue, make([]Money, n), make([]float64, n)
	for c := 0; c < n; c++ {
		rev := s.ttm.Revenue[c]
		cogs := s.ttm.Cost[c]
		if !(led.HasCost && b.CostKnown[c]) && b.Revenue[c] != 0 {
			cogs = roundMoney(float64(rev) * float64(a.COGS[c]) / float64(b.Revenue[c]))
		}
		cts := Money(perOrder)*Money(s.ttm.PurchaseDocs[c]) + Money(perLine)*Money(s.ttm.Lines[c]) +
			Money(perReturn)*Money(s.ttm.ReturnDocs[c]) + roundMoney(float64(s.ttm.ReturnValue[c])*p.CTSReturnValuePct)
		a.MarginTTM[c] = rev - cogs - cts
		a.Growth[c] = math.NaN()
		if ptm := s.priorRevenue[c]; ptm > 0 {
			a.Growth[c] = float64(rev-ptm) / float64(ptm)
		}
	}
	if ps.Basis.Known() {
		a.whale(p, scale)
	}
}

// lateInvoices counts, per customer, invoices paid after their due date or
// still open past it at the as-of date (nil without payment data or rate;
// for a customer-level ledger, the source's count when it could give it:
// lateUnknown says when not).
func (a *Analysis) lateInvoices(s *stage1, p Params) []int32 {
	led := a.Led
	if p.CTSPerLateInvoice == 0 {
		return nil
	}
	if led.CustomerLevel() {
		if f := s.receivables(); f != nil && f.Late != nil && f.UndatedInvoices == 0 {
			return slices.Clone(f.Late)
		}
		return nil
	}
	if !led.HasPaid {
		return nil
	}
	out := make([]int32, a.N)
	tx := &led.Tx
	for i, c := range tx.Cust {
		if tx.Date[i] > a.AsOf || tx.Amount[i] <= 0 {
			continue
		}
		due := tx.Due[i]
		if due == NoDay {
			due = tx.Date[i] + Day(p.DefaultTermsDays)
		}
		paid := tx.Paid[i]
		if (paid != NoDay && paid <= a.AsOf && paid > due) || ((paid == NoDay || paid > a.AsOf) && a.AsOf > due) {
			out[c]++
		}
	}
	return out
}

// lateUnknown says why a customer-level ledger charged per late invoice
// has no count of them ("" when it has, or is not charged).
func (a *Analysis) lateUnknown(s *stage1, p Params) string {
	if p.CTSPerLateInvoice == 0 || !a.Led.CustomerLevel() {
		return ""
	}
	switch f := s.receivables(); {
	case f == nil || f.Late == nil:
		return "customer-level ledger: cts_per_late_invoice needs invoices with their paid and due dates; no late invoice is charged"
	case f.UndatedInvoices > 0:
		return fmt.Sprintf("the engine's summary: %d invoices have no due date, and whether they were late depends on default_terms_days; no late invoice is charged (without --summary the rows are read)", f.UndatedInvoices)
	}
	return ""
}

// whale builds the whale curve and headline figures (spec §3.3).
func (a *Analysis) whale(p Params, scale float64) {
	ps := &a.Profit
	n := a.N
	ps.Order = a.orders.desc(a.ids.cm, floats(a.CM), a.idRank)
	ps.Cum = make([]Money, n)
	var sum Money
	var absSum float64
	for k, c := range ps.Order {
		sum += a.CM[c]
		ps.Cum[k] = sum
		absSum += math.Abs(float64(a.CM[c]))
		if sum > ps.Peak {
			ps.Peak = sum
		}
	}
	ps.TotalCM = sum
	eps := 0.0
	if n > 0 {
		eps = p.BreakEvenEpsPct * absSum / float64(n)
	}
	ps.Epsilon = eps / scale
	for c := 0; c < n; c++ {
		cm := float64(a.CM[c])
		switch {
		case cm > eps:
			ps.Profitable++
		case cm < -eps:
			ps.Loss++
			ps.Destroyed -= a.CM[c]
		default:
			ps.BreakEven++
		}
	}
	ps.PeakPct, ps.DestroyedPct, ps.Top20Pct = math.NaN(), math.NaN(), math.NaN()
	if sum > 0 {
		ps.PeakPct = float64(ps.Peak) / float64(sum)
		ps.DestroyedPct = float64(ps.Destroyed) / float64(sum)
		if k := int(math.Ceil(0.2*float64(n) - 1e-9)); k > 0 {
			ps.Top20Pct = float64(ps.Cum[k-1]) / float64(sum)
		}
	} else if n > 0 {
		a.warn("total profit ≤ 0: the whale curve shows cumulative profit in money, not shares")
	}
}

// rfm computes R, F, M and their scores (spec §1).
// rfm sets R, F, M and their scores (spec §1): the engine's last ones when
// their inputs are the same. It returns its warnings, for the caller to add
// once the work beside it is done (so that they come in a fixed order).
func (a *Analysis) rfm(s *stage1, p Params, w *Window, scale float64) []string {
	compute := func() *rfmOut {
		out := &rfmOut{}
		a.computeRFM(s, p, w, scale, &out.warnings)
		out.r, out.f, out.m, out.rScore, out.fScore, out.mScore, out.fKey = a.R, a.F, a.M, a.RScore, a.FScore, a.MScore, a.fKey
		return out
	}
	var cm []Money
	if p.RFMMonetary == "margin" {
		cm = a.CM
	}
	in := rfmIn{s: s, win: w, windowDays: p.RFMWindowDays, bins: p.RFMBins, frequency: p.RFMFrequency, monetary: p.RFMMonetary,
		scoring: p.RFMScoring, rb: p.RFMRBreaks, fb: p.RFMFBreaks, mb: p.RFMMBreaks, cm: cm}
	out := a.memo.rfm.get(in, compute)
	a.R, a.F, a.M, a.RScore, a.FScore, a.MScore, a.fKey = out.r, out.f, out.m, out.rScore, out.fScore, out.mScore, out.fKey
	return out.warnings
}

// computeRFM is rfm without the memo; warnings go to warns.
func (a *Analysis) computeRFM(s *stage1, p Params, w *Window, scale float64, warns *[]string) {
	b, n := s.base, a.N
	a.R, a.F, a.M = make([]int32, n), make([]int32, n), make([]float64, n)
	a.RScore, a.FScore, a.MScore = make([]int8, n), make([]int8, n), make([]int8, n)
	windowed := p.RFMWindowDays > 0
	if windowed && b.CustomerLevel { // its totals cannot be cut to a window
		windowed = false
		*warns = append(*warns, fmt.Sprintf("customer-level ledger: R, F and M cover the whole history; rfm_window_days = %d needs dated documents and is not used", p.RFMWindowDays))
	}
	var pop []int32
	for c := 0; c < n; c++ {
		last, f, m := b.LastPurchase[c], b.PurchaseDocs[c], b.Revenue[c]
		days := b.PurchaseDays[c]
		if windowed {
			last, f, m, days = w.LastPurchase[c], w.PurchaseDocs[c], w.Revenue[c], w.PurchaseDays[c]
		}
		if p.RFMFrequency == "days" {
			f = days
		}
		a.R[c] = -1
		if last != NoDay {
			a.R[c] = int32(b.AsOf - last)
		}
		a.F[c] = f
		switch p.RFMMonetary {
		case "mean":
			if f > 0 {
				a.M[c] = float64(m) / scale / float64(f)
			}
		case "margin":
			a.M[c] = float64(a.CM[c]) / scale
		default:
			a.M[c] = float64(m) / scale
		}
		if m > 0 && f > 0 && (p.RFMMonetary != "margin" || a.M[c] > 0) {
			pop = append(pop, int32(c))
		}
	}
	a.fKey = floats(a.F)
	// Ties are broken in customer-id order (pandas: input order).
	if len(pop) == 0 {
		return
	}
	if len(pop) < p.RFMBins {
		*warns = append(*warns, fmt.Sprintf("RFM: fewer customers (%d) than score levels (%d)", len(pop), p.RFMBins))
	}
	in := make([]bool, n)
	for _, c := range pop {
		in[c] = true
	}
	np := len(pop)
	for _, x := range []struct {
		name   string
		id     string
		v      []float64
		breaks []float64
		lower  bool
		out    []int8
	}{{"recency", a.ids.r, floats(a.R), p.RFMRBreaks, true, a.RScore}, {"frequency", a.ids.f, a.fKey, p.RFMFBreaks, false, a.FScore},
		{"monetary", a.ids.m, a.M, p.RFMMBreaks, false, a.MScore}} {
		if len(x.breaks) > 0 {
			scoreBreaks(x.v, in, x.breaks, x.lower, x.out)
			continue
		}
		order := a.orders.argsort(x.id, x.v, a.idRank)
		switch {
		case p.RFMScoring == "pandas" && x.name == "frequency":
			scoreRankFirst(order, in, np, p.RFMBins, x.lower, x.out)
		case p.RFMScoring == "pandas":
			if !scoreQcut(x.v, order, in, np, p.RFMBins, x.lower, x.out) {
				*warns = append(*warns, "RFM pandas mode: "+x.name+" has tied quantile edges (pandas raises \"Bin edges must be unique\"); ranked first instead")
				scoreRankFirst(order, in, np, p.RFMBins, x.lower, x.out)
			}
		default:
			scoreTie(x.v, order, in, np, p.RFMBins, x.lower, x.out)
		}
	}
}

// rfmScheme maps RF codes to named segments (spec §1.3 C by default): the
// engine's last scheme when the scores and the map are the same.
func (a *Analysis) rfmScheme(p Params) Scheme {
	in := rfmSegIn{r: a.RScore, f: a.FScore, segMap: fmt.Sprint(p.RFMSegmentMap), note: fmt.Sprint(p.RFMScoring, p.RFMBins)}
	return a.memo.rfmSeg.get(in, func() Scheme { return a.rfmSegments(p) })
}

// rfmSegments is rfmScheme without the memo.
func (a *Analysis) rfmSegments(p Params) Scheme {
	sc := Scheme{Key: "rfm", Title: "RFM", Assign: make([]int16, a.N)}
	code := map[int]int16{}
	for i, r := range p.RFMSegmentMap {
		sc.Segments = append(sc.Segments, r.Name)
		for _, c := range r.Codes {
			v, _ := strconv.Atoi(c)
			code[v] = int16(i)
		}
	}
	others, neg := int16(len(sc.Segments)), int16(len(sc.Segments)+1)
	sc.Segments = append(sc.Segments, "Others", "Net-negative")
	for c := 0; c < a.N; c++ {
		if a.RScore[c] == 0 {
			sc.Assign[c] = neg
			continue
		}
		seg, ok := code[10*int(a.RScore[c])+int(a.FScore[c])]
		if !ok {
			seg = others
		}
		sc.Assign[c] = seg
	}
	sc.Note = fmt.Sprintf("%s scoring, %d levels", map[string]string{"tie": "tie-aware percentile", "pandas": "pandas-compatible"}[p.RFMScoring], p.RFMBins)
	return sc
}

// tiersBy ranks customers by key, descending, into tiers with cumulative
// cut-offs. Tier k holds the keys at or above the ceil(cut_k·N)-th largest
// key, which is what the tie rule of spec §2 amounts to, so no full sort is
// needed: selection finds the thresholds in O(N). Keys that stay put while
// parameters change (revenue, frequency) use the memoised sort instead
// (cached = true), where the thresholds are free.
func (a *Analysis) tiersBy(which int, key []float64, cuts []float64, id string) []int16 {
	return a.memo.tiers[which].get(rankIn{key, cuts, a.idRank}, func() []int16 { return a.tiersOf(key, cuts, id) })
}

// tiersOf is tiersBy without the memo.
func (a *Analysis) tiersOf(key []float64, cuts []float64, id string) []int16 {
	cached := id != ""
	n := len(key)
	out := make([]int16, n)
	if n == 0 {
		return out
	}
	var order []int32
	var work []float64
	if cached {
		order = a.orders.argsort(id, key, a.idRank)
	} else {
		work = slices.Clone(key)
	}
	thr := make([]float64, len(cuts))
	hi := n
	for k, cut := range cuts {
		rank := max(1, int(math.Ceil(cut*float64(n)-1e-9))) // 1-based, from the top
		if cached {
			thr[k] = key[order[n-rank]]
			continue
		}
		// each cut lies below the previous one: search only there
		thr[k] = selectKth(work[:hi], n-rank)
		hi = n - rank + 1
	}
	for c, v := range key {
		t := int16(len(cuts))
		for k := range thr {
			if v >= thr[k] {
				t = int16(k)
				break
			}
		}
		out[c] = t
	}
	return out
}

// selectKth returns the k-th smallest value (0-based) of v, reordering v
// (Hoare's quickselect with a median-of-three pivot).
func selectKth(v []float64, k int) float64 {
	lo, hi := 0, len(v)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		pivot := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for v[j] > pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k]
		}
	}
	return v[k]
}

// pyramid is the value pyramid (spec §2).
func (a *Analysis) pyramid(p Params) Scheme {
	sc := Scheme{Key: "pyramid", Title: "Value pyramid", Segments: []string{"Platinum", "Gold", "Iron", "Lead"}}
	what := p.PyramidKey
	if what == "margin" && !a.Profit.Basis.Known() {
		what = "revenue"
		sc.Note = "margin unavailable without cost data: ranked by revenue. "
	}
	if what == "clv" && !a.CLVInfo.Known {
		what = "revenue"
		sc.Note = "CLV not defined for this ledger: ranked by revenue. "
	}
	total := a.Base.CustomerLevel && !a.given.ttm // no trailing 12 months: the totals
	var key []float64
	if what == "clv" {
		key = a.clvKey
	} else {
		src := a.RevenueTTM
		switch {
		case what == "margin" && total:
			src = a.CM
		case what == "margin":
			src = a.MarginTTM
		case total:
			src = a.Revenue
		}
		key = a.memo.pyramidKey.get(moneyIn{src}, func() []float64 { return floats(src) })
	}
	id := ""
	switch {
	case total:
	case what == "revenue":
		id = "revenueTTM"
	case what == "margin":
		id = "marginTTM/" + a.ids.cm
	}
	sc.Assign = a.tiersBy(tierPyramid, key, p.PyramidCutoffs, id)
	if p.PyramidLeadNonPositive {
		sc.Assign = slices.Clone(sc.Assign) // the remembered tiers stay as they are
		for c := range key {
			if key[c] <= 0 {
				sc.Assign[c] = 3
			}
		}
	}
	if a.N < 20 {
		a.warn("pyramid: fewer than 20 customers")
	}
	if total {
		sc.Note += fmt.Sprintf("by total %s of the customer-level ledger; Curry cut-offs, ZRL tier names", what)
	} else {
		sc.Note += fmt.Sprintf("by %s (trailing 12 months for revenue and margin); Curry cut-offs, ZRL tier names", what)
	}
	return sc
}

// tiers is a High / Medium / Low scheme on a key: by percentile (cumulative
// shares from the top) or by absolute lower bounds [Medium, High].
func (a *Analysis) tiers(which int, key, title string, v []float64, mode string, cuts []float64, id string) Scheme {
	sc := Scheme{Key: key, Title: title, Segments: []string{"High", "Medium", "Low"}}
	if mode == "absolute" {
		sc.Assign = make([]int16, a.N)
		for c, x := range v {
			switch {
			case x >= cuts[1]:
				sc.Assign[c] = 0
			case x >= cuts[0]:
				sc.Assign[c] = 1
			default:
				sc.Assign[c] = 2
			}
		}
		sc.Note = fmt.Sprintf("absolute: High ≥ %g, Medium ≥ %g", cuts[1], cuts[0])
		return sc
	}
	sc.Assign = a.tiersBy(which, v, cuts, id)
	sc.Note = fmt.Sprintf("percentile: top %g %% High, next %g %% Medium", 100*cuts[0], 100*(cuts[1]-cuts[0]))
	return sc
}

// clvTiers ranks customers by CLV; without a defined CLV every customer is n/a.
func (a *Analysis) clvTiers(p Params) Scheme {
	if !a.CLVInfo.Known {
		note := "CLV not defined for this ledger: " + a.CLVInfo.Label
		if a.ModelsPending {
			note = a.CLVInfo.Label
		}
		return Scheme{Key: "clv", Title: "CLV tiers", Segments: []string{"High", "Medium", "Low", "n/a"}, Assign: filled(a.N, 3), Note: note}
	}
	sc := a.tiers(tierCLV, "clv", "CLV tiers", a.clvKey, "percentile", p.CLVTierCutoffs, "")
	sc.Segments = append(sc.Segments, "n/a")
	return sc
}

func filled(n int, v int16) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// profitScheme is Profit / Break-even / Loss (spec §3.3).
func (a *Analysis) profitScheme() Scheme {
	sc := Scheme{Key: "profitability", Title: "Profitability", Segments: []string{"Profit", "Break-even", "Loss", "n/a"}, Assign: make([]int16, a.N)}
	if !a.Profit.Basis.Known() {
		sc.Assign = filled(a.N, 3)
		sc.Note = a.Profit.Note
		return sc
	}
	eps := a.Profit.Epsilon * float64(a.Led.Scale())
	for c := range sc.Assign {
		switch cm := float64(a.CM[c]); {
		case cm > eps:
			sc.Assign[c] = 0
		case cm < -eps:
			sc.Assign[c] = 2
		default:
			sc.Assign[c] = 1
		}
	}
	sc.Note = fmt.Sprintf("break-even when |CM| < %.2f", a.Profit.Epsilon)
	return sc
}

// churn computes each customer's recency / inter-purchase-time ratio (§6.1)
// and churn state: by that ratio, or by the P(alive) bands (§6.2) when
// churn_method is p_alive and the model is fitted. Where the model is fitted
// and the state differs from the customer's P(alive) band, ChurnConflict
// says so (the card explains both).
func (a *Analysis) churn(s *stage1, p Params) {
	in := churnIn{s: s, model: a.Model, variant: p.PAliveVariant, method: p.ChurnMethod, minGap: p.ChurnMinGapDays,
		atRisk: p.ChurnAtRiskRatio, lapsed: p.ChurnLapsedRatio, pActive: p.PAliveActive, pLapsed: p.PAliveLapsed}
	out := a.memo.churn.get(in, func() *churnOut {
		a.churnStates(s, p)
		return &churnOut{ipt: a.IPT, ratio: a.ChurnRatio, pAlive: a.PAlive, spend: a.Spend, states: a.Churn, conflict: a.ChurnConflict}
	})
	a.IPT, a.ChurnRatio, a.PAlive, a.Spend, a.Churn, a.ChurnConflict = out.ipt, out.ratio, out.pAlive, out.spend, out.states, out.conflict
}

// churnStates is churn without the memo.
func (a *Analysis) churnStates(s *stage1, p Params) {
	b := s.base
	a.IPT, a.ChurnRatio = make([]float64, a.N), make([]float64, a.N)
	a.PAlive, a.Spend = nil, nil
	if m := a.Model; m != nil && m.OK {
		a.PAlive, a.Spend = m.PAlive, m.Spend
		if p.PAliveVariant == "mbgnbd" && m.Kind == KindBGNBD {
			a.PAlive = m.PAliveMBG
		}
	}
	pop := math.Max(s.medianIPT, float64(p.ChurnMinGapDays))
	if math.IsNaN(s.medianIPT) {
		pop = 365 // no repeat customers at all: a year
	}
	a.Churn, a.ChurnConflict = make([]ChurnState, a.N), make([]bool, a.N)
	for c := 0; c < a.N; c++ {
		n := b.PurchaseDays[c]
		switch {
		case n >= 2:
			a.IPT[c] = math.Max(float64(b.LastPurchase[c]-b.FirstBuy[c])/float64(n-1), float64(p.ChurnMinGapDays))
		case n == 1:
			a.IPT[c] = pop
		default:
			a.IPT[c], a.ChurnRatio[c] = math.NaN(), math.NaN()
			a.Churn[c] = ChurnNoPurchases
			continue
		}
		a.ChurnRatio[c] = float64(b.AsOf-b.LastPurchase[c]) / a.IPT[c]
		byRatio := ChurnLapsed
		switch r := a.ChurnRatio[c]; {
		case r <= p.ChurnAtRiskRatio:
			byRatio = ChurnActive
		case r <= p.ChurnLapsedRatio:
			byRatio = ChurnAtRisk
		}
		a.Churn[c] = byRatio
		if a.PAlive == nil || math.IsNaN(a.PAlive[c]) {
			continue
		}
		band := PAliveBand(a.PAlive[c], p)
		if p.ChurnMethod == "p_alive" {
			a.Churn[c] = band
		}
		// BG/NBD gives P(alive) = 1 to one-time buyers (spec §4.2): no
		// evidence against the ratio rule there.
		a.ChurnConflict[c] = band != byRatio && (n >= 2 || p.PAliveVariant == "mbgnbd")
	}
}

// PAliveBand maps P(alive) to a churn state by the bands of spec §6.2.
func PAliveBand(pa float64, p Params) ChurnState {
	switch {
	case pa >= p.PAliveActive:
		return ChurnActive
	case pa >= p.PAliveLapsed:
		return ChurnAtRisk
	}
	return ChurnLapsed
}

func (a *Analysis) churnScheme(p Params) Scheme {
	sc := Scheme{Key: "churn", Title: "Churn state", Segments: slices.Clone(churnNames), Assign: make([]int16, a.N)}
	conflicts := 0
	for c := range sc.Assign {
		sc.Assign[c] = int16(a.Churn[c])
		if a.ChurnConflict[c] {
			conflicts++
		}
	}
	sc.Note = fmt.Sprintf("recency ÷ own inter-purchase time: at risk > %g, lapsed > %g", p.ChurnAtRiskRatio, p.ChurnLapsedRatio)
	if p.ChurnMethod == "p_alive" && a.PAlive != nil {
		sc.Note = fmt.Sprintf("P(alive) (%s): active ≥ %g, lapsed < %g", p.PAliveVariant, p.PAliveActive, p.PAliveLapsed)
	}
	if conflicts > 0 {
		other := "P(alive) band"
		if p.ChurnMethod == "p_alive" {
			other = "recency rule"
		}
		sc.Note += fmt.Sprintf("; %d customers' state differs from their %s (the customer card shows both)", conflicts, other)
	}
	return sc
}

// lifecycle applies §6.3 in its precedence order.
func (a *Analysis) lifecycle(s *stage1, p Params) Scheme {
	in := lifeIn{s: s, churn: a.Churn, growth: a.Growth, pAlive: a.PAlive, r: a.R, newDays: p.LifecycleNewDays,
		band: p.LifecycleGrowthPct, pLapsed: p.PAliveLapsed}
	return a.memo.life.get(in, func() Scheme { return a.lifecycleStages(s, p) })
}

// lifecycleStages is lifecycle without the memo.
func (a *Analysis) lifecycleStages(s *stage1, p Params) Scheme {
	b := s.base
	sc := Scheme{Key: "lifecycle", Title: "Lifecycle", Segments: []string{"New", "Growing", "Mature", "Declining", "Lapsed"}, Assign: make([]int16, a.N)}
	band := p.LifecycleGrowthPct
	for c := range sc.Assign {
		tenure := int(b.AsOf - b.FirstDate[c])
		state := a.Churn[c]
		g := a.Growth[c]
		var seg int16
		switch {
		case b.FirstDate[c] != NoDay && tenure <= p.LifecycleNewDays:
			seg = 0
		case state == ChurnLapsed || state == ChurnNoPurchases || (b.PurchaseDays[c] == 1 && a.R[c] > 365) ||
			(a.PAlive != nil && a.PAlive[c] < p.PAliveLapsed):
			seg = 4
		case state == ChurnAtRisk || (tenure >= 365 && !math.IsNaN(g) && g <= -band):
			seg = 3
		case tenure >= 365 && ((!math.IsNaN(g) && g >= band) || (s.priorRevenue[c] <= 0 && s.ttm.Revenue[c] > 0 && tenure > 365)):
			seg = 1
		default:
			seg = 2
		}
		sc.Assign[c] = seg
	}
	sc.Note = fmt.Sprintf("New ≤ %d days; growth band ±%g %% (TTM vs prior 12 months)", p.LifecycleNewDays, 100*band)
	return sc
}

// gradeScheme groups customers by credit grade (§5.7).
func (a *Analysis) gradeScheme() Scheme {
	sc := Scheme{Key: "credit", Title: "Credit grade", Segments: append(slices.Clone(Grades), "n/a"), Assign: make([]int16, a.N)}
	for c := range sc.Assign {
		if !a.Risk.Available {
			sc.Assign[c] = 5
			continue
		}
		sc.Assign[c] = int16(a.Risk.Grade[c])
	}
	sc.Note = "A ≥ 80, B 65–79, C 50–64, D 35–49, E < 35"
	if !a.Risk.Available {
		sc.Note = a.Risk.Why
	}
	return sc
}

// sizeScheme classifies enterprises (§12); the classes depend only on the
// ledger, so they are computed once.
func (a *Analysis) sizeScheme(s *stage1) Scheme {
	sc := Scheme{Key: "size", Title: "Enterprise size", Segments: SizeClasses,
		Note: "SME standard 2011 (工信部联企业〔2011〕300号); revenue and assets in 万元"}
	sc.Assign = s.size
	return sc
}

// sizeClasses classifies every customer once per stage 1 (the classes depend
// only on the ledger).
func sizeClasses(led *Ledger) []int16 {
	cs := &led.Customers
	out := make([]int16, cs.Len())
	scale := float64(led.Scale())
	for c := range out {
		var m SizeMetrics
		if cs.HasEmployees != nil && cs.HasEmployees[c] {
			v := float64(cs.Employees[c])
			m.Employees = &v
		}
		if cs.HasRevenue != nil && cs.HasRevenue[c] {
			v := float64(cs.Revenue[c]) / scale
			m.Revenue = &v
		}
		if cs.HasAssets != nil && cs.HasAssets[c] {
			v := float64(cs.Assets[c]) / scale
			m.Assets = &v
		}
		out[c] = int16(slices.Index(SizeClasses, SizeClass(cs.Industry[c], m)))
	}
	return out
}

// attrSchemes is the cached result of attributeSchemes.
type attrSchemes struct {
	schemes  []Scheme
	warnings []string
	channel  []string // each customer's channel from its rows' mix (nil without row channels)
}

// attributeSchemes groups by region, industry, channel, customer type and
// every extra column; values held by fewer than attr_min_share of the
// customers fold into Other. With channels on the rows, a customer's channel
// is its main one or Multi-channel. Numeric extra columns with many values
// are shown in bands instead; attr_groups and attr_bands add schemes of
// their own.
func (a *Analysis) attributeSchemes(s *stage1, p Params) attrSchemes {
	cs := &a.Led.Customers
	var out attrSchemes
	channel := cs.Channel
	var fixed []string
	if s.chanMix != nil {
		out.channel = mainChannels(s.chanMix, cs, p.ChannelMainShare)
		channel, fixed = out.channel, []string{multiChannel}
	}
	type column struct {
		key, title string
		v          []string
		fixed      []string
	}
	cols := []column{{"region", "Region", cs.Region, nil}, {"industry", "Industry", cs.Industry, nil},
		{"channel", "Channel", channel, fixed}, {"customer_type", "Customer type", cs.Type, nil}}
	numeric := a.numericColumns()
	numericIx := func(key string) int {
		return slices.IndexFunc(numeric, func(c numericColumn) bool { return strings.EqualFold(c.key, key) })
	}
	banded := map[string]bool{}
	for _, b := range p.AttrBands {
		banded[strings.ToLower(b.Attr)] = true
	}
	for _, at := range cs.Attrs {
		if k := numericIx(at.Name); k >= 0 && !banded[strings.ToLower(at.Name)] {
			distinct := map[float64]bool{}
			for c, ok := range numeric[k].has {
				if ok {
					distinct[numeric[k].v[c]] = true
				}
			}
			if len(distinct) >= autoBandMinDistinct {
				if cuts := autoCuts(numeric[k]); len(cuts) > 0 {
					out.schemes = append(out.schemes, a.bandScheme(numeric[k], cuts,
						fmt.Sprintf("%d distinct numbers: bands at the quintiles (rounded); attr_bands sets them", len(distinct))))
					continue
				}
			}
		}
		if banded[strings.ToLower(at.Name)] {
			continue // shown in the bands asked for
		}
		cols = append(cols, column{at.Name, at.Name, at.Values, nil})
	}
	var raw []Scheme
	for _, col := range cols {
		if sc, ok := a.valueScheme(col.key, col.title, col.v, col.fixed, p.AttrMinShare); ok {
			raw = append(raw, sc)
		}
	}
	out.schemes = append(raw, out.schemes...)
	for _, b := range p.AttrBands {
		k := numericIx(b.Attr)
		if k < 0 {
			out.warnings = append(out.warnings, fmt.Sprintf("attr_bands: no numeric attribute %q in this ledger", b.Attr))
			continue
		}
		out.schemes = append(out.schemes, a.bandScheme(numeric[k], b.Cuts, "bands from attr_bands; lower bound included"))
	}
	var groupOrder []string
	groups := map[string][]AttrGroup{}
	for _, g := range p.AttrGroups {
		k := strings.ToLower(g.Attr)
		if groups[k] == nil {
			groupOrder = append(groupOrder, k)
		}
		groups[k] = append(groups[k], g)
	}
	for _, k := range groupOrder {
		i := slices.IndexFunc(cols, func(c column) bool { return strings.EqualFold(c.key, k) })
		if i < 0 {
			out.warnings = append(out.warnings, fmt.Sprintf("attr_groups: no attribute %q in this ledger", groups[k][0].Attr))
			continue
		}
		out.schemes = append(out.schemes, a.groupScheme(cols[i].key, cols[i].title, cols[i].v, groups[k]))
	}
	return out
}

// valueScheme makes one segment per value of a customer column held by at
// least minShare of the customers, then the fixed segments, Other and blank.
// ok is false when the column is absent (every value blank).
func (a *Analysis) valueScheme(key, title string, v []string, fixed []string, minShare float64) (Scheme, bool) {
	if v == nil || len(v) != a.N {
		return Scheme{}, false
	}
	count := map[string]int{}
	for _, x := range v {
		count[x]++
	}
	if len(count) == 1 && count[""] == a.N {
		return Scheme{}, false
	}
	minN := int(math.Ceil(minShare * float64(a.N)))
	var names []string
	for x, k := range count {
		if x != "" && k >= minN && !slices.Contains(fixed, x) {
			names = append(names, x)
		}
	}
	// largest first, then by name
	sort.Slice(names, func(i, j int) bool {
		if count[names[i]] != count[names[j]] {
			return count[names[i]] > count[names[j]]
		}
		return names[i] < names[j]
	})
	names = append(names, fixed...)
	idx := map[string]int16{}
	for i, x := range names {
		idx[x] = int16(i)
	}
	sc := Scheme{Key: "attr:" + key, Title: title, Segments: append(names, "Other (small values)", "(blank)"), Assign: assignValues(v, idx, len(names))}
	sc.Note = fmt.Sprintf("values under %g %% of customers fold into Other", 100*minShare)
	if fixed != nil {
		sc.Note += fmt.Sprintf("; a customer's channel is the one with ≥ %s of its sales, else Multi-channel (channel_main_share)", FormatPct(a.Params.ChannelMainShare))
	}
	return sc, true
}

// SchemeByKey finds a scheme ("rfm", "pyramid", "attr:region" or just "region").
func (a *Analysis) SchemeByKey(key string) (*Scheme, bool) {
	for i := range a.Schemes {
		if a.Schemes[i].Key == key || a.Schemes[i].Key == "attr:"+key {
			return &a.Schemes[i], true
		}
	}
	return nil, false
}

// SchemeKeys lists the keys of the schemes.
func (a *Analysis) SchemeKeys() []string {
	var k []string
	for _, s := range a.Schemes {
		k = append(k, s.Key)
	}
	return k
}
