package model

import (
	"math"
	"slices"
	"sync"
)

// lastOf remembers the last result of one computation of stage 2 with the
// inputs it came from, so that a recompute whose parameter change does not
// reach that computation takes the result over instead of redoing it. Inputs
// are compared by value (vectors element by element), never by which
// parameter changed, so a result cannot go stale. A result is shared by the
// analyses that take it and never changed afterwards.
type lastOf[K memoIn[K], V any] struct {
	mu  sync.Mutex
	ok  bool
	in  K
	out V
}

// memoIn is a computation's inputs, which say when they are the same.
type memoIn[K any] interface{ same(K) bool }

// get returns the remembered result when in equals the remembered inputs,
// else computes, remembers and returns it.
func (m *lastOf[K, V]) get(in K, compute func() V) V {
	m.mu.Lock()
	if m.ok && m.in.same(in) {
		out := m.out
		m.mu.Unlock()
		return out
	}
	m.mu.Unlock()
	out := compute()
	m.mu.Lock()
	m.ok, m.in, m.out = true, in, out
	m.mu.Unlock()
	return out
}

// rankIn is what a ranking of customers by a key depends on: the key, the
// cut-offs (tiers) and the customers' id order.
type rankIn struct {
	key    []float64
	cuts   []float64
	idRank []int32
}

func (a rankIn) same(b rankIn) bool {
	return equalValues(a.key, b.key) && slices.Equal(a.cuts, b.cuts) && sameSlice(a.idRank, b.idRank)
}

// equalValues says whether two slices hold equal values: at once when they
// are the same array (a result taken over), else element by element.
func equalValues[T comparable](a, b []T) bool {
	return sameSlice(a, b) || slices.Equal(a, b)
}

// sameSlice says whether two slices are the same array (stage-1 data,
// which is never rebuilt with the same contents).
func sameSlice[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// memos are the engine's remembered stage-2 results.
type memos struct {
	tiers       [numTierMemos]lastOf[rankIn, []int16]
	churnTop    lastOf[rankIn, []int32]
	profit      lastOf[profitIn, *profitOut]
	rfm         lastOf[rfmIn, *rfmOut]
	rfmSeg      lastOf[rfmSegIn, Scheme]
	churn       lastOf[churnIn, *churnOut]
	best        lastOf[bestIn, *bestOut]
	life        lastOf[lifeIn, Scheme]
	pattern     lastOf[patternIn, Scheme]
	priced      lastOf[pricedIn, *pricedOut]
	clvKey      lastOf[clvKeyIn, []float64]
	pyramidKey  lastOf[moneyIn, []float64]
	valueAtRisk lastOf[valueAtRiskIn, []float64]
}

// valueAtRiskIn is what the value at risk depends on: the stage-1 data
// (revenue, first dates), P(alive) and with it the CLV, else the churn
// states and the trailing-12-month revenue.
type valueAtRiskIn struct {
	s           *stage1
	pAlive, clv []float64
	churn       []ChurnState
	revenueTTM  []Money
}

func (a valueAtRiskIn) same(b valueAtRiskIn) bool {
	return a.s == b.s && sameBits(a.pAlive, b.pAlive) && sameBits(a.clv, b.clv) && equalValues(a.churn, b.churn) &&
		equalValues(a.revenueTTM, b.revenueTTM)
}

// moneyIn is a computation's one input, a vector of amounts.
type moneyIn struct{ v []Money }

func (a moneyIn) same(b moneyIn) bool { return equalValues(a.v, b.v) }

// clvKeyIn is what the simple CLV's per-period margins depend on: the
// stage-1 data, the margins (or revenue) and the period's length.
type clvKeyIn struct {
	s      *stage1
	m      []Money
	length int
	scale  float64
}

func (a clvKeyIn) same(b clvKeyIn) bool {
	return a.s == b.s && equalValues(a.m, b.m) && a.length == b.length && a.scale == b.scale
}

// pricedIn is what the risk-adjusted profit and the minimum prices depend
// on: the receivables analysis, the profit figures and their basis, and
// the pricing parameters.
type pricedIn struct {
	risk                       *Risk
	revenue, cogs, cts, cm     []Money
	basis                      ProfitBasis
	note                       string
	capital, lgd, targetMargin float64
	terms                      string
}

func (a pricedIn) same(b pricedIn) bool {
	return a.risk == b.risk && equalValues(a.revenue, b.revenue) && equalValues(a.cogs, b.cogs) && equalValues(a.cts, b.cts) &&
		equalValues(a.cm, b.cm) && a.basis == b.basis && a.note == b.note && a.capital == b.capital && a.lgd == b.lgd &&
		a.targetMargin == b.targetMargin && a.terms == b.terms
}

// pricedOut is what Analysis.riskAdjusted and Analysis.pricing set.
type pricedOut struct {
	daysToPay, pd, minPrice []float64
	carry, riskAdjCM        []Money
	earlyPays               []bool
	earlyTerms              EarlyTerms
	riskAdjNote, priceNote  string
}

// lifeIn is what the lifecycle scheme depends on: the stage-1 data, the
// churn states, growth, P(alive) and recency, and its parameters.
type lifeIn struct {
	s              *stage1
	churn          []ChurnState
	growth, pAlive []float64
	r              []int32
	newDays        int
	band, pLapsed  float64
}

func (a lifeIn) same(b lifeIn) bool {
	return a.s == b.s && equalValues(a.churn, b.churn) && sameBits(a.growth, b.growth) && sameBits(a.pAlive, b.pAlive) &&
		equalValues(a.r, b.r) && a.newDays == b.newDays && a.band == b.band && a.pLapsed == b.pLapsed
}

// patternIn is what the buying-pattern scheme depends on: the stage-1 data
// and its parameters.
type patternIn struct {
	s               *stage1
	minPurchases    int
	periodic, burst float64
}

func (a patternIn) same(b patternIn) bool { return a == b }

// rfmSegIn is what the RFM scheme depends on: the scores and the segment
// map (with the scoring named in its note).
type rfmSegIn struct {
	r, f         []int8
	segMap, note string
}

func (a rfmSegIn) same(b rfmSegIn) bool {
	return equalValues(a.r, b.r) && equalValues(a.f, b.f) && a.segMap == b.segMap && a.note == b.note
}

// churnIn is what the churn states depend on (Analysis.churn reads no
// other): the stage-1 data, the fitted model and the churn parameters.
type churnIn struct {
	s                                *stage1
	model                            *ProbModel
	variant, method                  string
	minGap                           int
	atRisk, lapsed, pActive, pLapsed float64
}

func (a churnIn) same(b churnIn) bool { return a == b }

// churnOut is what Analysis.churn sets.
type churnOut struct {
	ipt, ratio, pAlive, spend []float64
	states                    []ChurnState
	conflict                  []bool
}

// bestIn is what the purchase scores and the best list depend on: the
// expected purchases or else F and R, and the ids' order.
type bestIn struct {
	exp    []float64
	f, r   []int32
	id     string
	idRank []int32
}

func (a bestIn) same(b bestIn) bool {
	return sameBits(a.exp, b.exp) && equalValues(a.f, b.f) && equalValues(a.r, b.r) && a.id == b.id && sameSlice(a.idRank, b.idRank)
}

// bestOut is what Analysis.best sets.
type bestOut struct {
	score []float64
	best  []int32
}

// rfmIn is what R, F, M and their scores depend on (Analysis.rfm reads no
// other): the stage-1 data and window, the RFM parameters and, for margin
// as the monetary value, the contribution margins (the same array when the
// profit figures were taken over).
type rfmIn struct {
	s                            *stage1
	win                          *Window
	windowDays, bins             int
	frequency, monetary, scoring string
	rb, fb, mb                   []float64
	cm                           []Money
}

func (a rfmIn) same(b rfmIn) bool {
	return a.s == b.s && a.win == b.win && a.windowDays == b.windowDays && a.bins == b.bins && a.frequency == b.frequency &&
		a.monetary == b.monetary && a.scoring == b.scoring && slices.Equal(a.rb, b.rb) && slices.Equal(a.fb, b.fb) &&
		slices.Equal(a.mb, b.mb) && sameSlice(a.cm, b.cm)
}

// rfmOut is what Analysis.rfm sets.
type rfmOut struct {
	r, f                   []int32
	m, fKey                []float64
	rScore, fScore, mScore []int8
	warnings               []string
}

// profitIn is what the profit figures depend on: the stage-1 data and the
// cost parameters (Analysis.profit reads no other).
type profitIn struct {
	s                                       *stage1
	assumedGM                               uint64 // its bits: NaN when unset
	perOrder, perLine, perReturn, returnPct float64
	perLate, breakEvenEps                   float64
	termsDays                               int
}

func (a profitIn) same(b profitIn) bool { return a == b }

func profitInOf(s *stage1, p Params) profitIn {
	return profitIn{s: s, assumedGM: math.Float64bits(p.AssumedGMPct), perOrder: p.CTSPerOrder, perLine: p.CTSPerLine,
		perReturn: p.CTSPerReturn, returnPct: p.CTSReturnValuePct, perLate: p.CTSPerLateInvoice,
		breakEvenEps: p.BreakEvenEpsPct, termsDays: p.DefaultTermsDays}
}

// profitOut is what Analysis.profit sets.
type profitOut struct {
	cogs, gm, cts, cm, marginTTM []Money
	estimated                    []bool
	growth                       []float64
	summary                      ProfitSummary
	warnings                     []string
}

// The tier schemes whose tiers are remembered.
const (
	tierPyramid = iota
	tierSpend
	tierFrequency
	tierCLV
	numTierMemos
)
