package model

import (
	"fmt"
	"math"
)

// Buying pattern (消费模式): how regular the gaps between a customer's
// purchase days are. The coefficient of variation of the gaps, CV = σ/μ, is
// 0 for a customer who buys like clockwork, about 1 for purchases at random
// (a Poisson process), and large for bursts followed by long pauses; the
// burstiness B = (σ − μ)/(σ + μ) = (CV − 1)/(CV + 1) is the same scale in
// −1 … 1 (Goh & Barabási 2008).

// patternNames are the buying-pattern segments, in display order.
var patternNames = []string{"Periodic", "Random", "Concentrated", "Too few purchases"}

// gapCVs returns each customer's coefficient of variation of the days
// between its purchase days, and how many purchase days it has; NaN with
// fewer than three purchase days (two gaps at least).
func (b *Base) gapCVs() (cv []float64, days []int) {
	n := len(b.Revenue)
	cv, days = make([]float64, n), make([]int, n)
	var ds []Day
	for c := range cv {
		ds = b.appendPurchaseDays(ds[:0], c)
		days[c] = len(ds)
		cv[c] = math.NaN()
		if len(ds) < 3 {
			continue
		}
		var squares int64
		for i := 1; i < len(ds); i++ {
			g := int64(ds[i] - ds[i-1])
			squares += g * g
		}
		cv[c] = gapCV(len(ds)-1, int64(ds[len(ds)-1]-ds[0]), squares)
	}
	return cv, days
}

// gapCV is the coefficient of variation of k gaps that add up to span and
// whose squares add up to squares: population σ over the mean (the
// customer's own gaps are all there is). k·Σ(g − mean)² = k·Σg² − span² is
// an exact integer, so σ/mean = √(k·Σg² − span²)/span, the same from the
// rows and from a summary's squared gaps.
func gapCV(k int, span, squares int64) float64 {
	if squares > (math.MaxInt64-span*span)/int64(k) { // dates across millennia: no longer exact, still finite
		return math.Sqrt(max(0, float64(k)*float64(squares)-float64(span)*float64(span))) / float64(span)
	}
	return math.Sqrt(float64(max(0, int64(k)*squares-span*span))) / float64(span)
}

// patternScheme assigns each customer its buying pattern.
func (a *Analysis) patternScheme(s *stage1, p Params) Scheme {
	in := patternIn{s: s, minPurchases: p.PatternMinPurchases, periodic: p.PatternPeriodicCV, burst: p.PatternBurstCV}
	return a.memo.pattern.get(in, func() Scheme { return a.patterns(s, p) })
}

// patterns is patternScheme without the memo.
func (a *Analysis) patterns(s *stage1, p Params) Scheme {
	sc := Scheme{Key: "pattern", Title: "Buying pattern", Segments: patternNames, Assign: make([]int16, a.N)}
	for c := range sc.Assign {
		cv := s.gapCV[c]
		switch {
		case s.purchaseDayCount[c] < p.PatternMinPurchases || math.IsNaN(cv):
			sc.Assign[c] = 3
		case cv <= p.PatternPeriodicCV:
			sc.Assign[c] = 0
		case cv >= p.PatternBurstCV:
			sc.Assign[c] = 2
		default:
			sc.Assign[c] = 1
		}
	}
	sc.Note = fmt.Sprintf("coefficient of variation of the days between purchases: periodic ≤ %g, concentrated ≥ %g; at least %d purchase days",
		p.PatternPeriodicCV, p.PatternBurstCV, p.PatternMinPurchases)
	return sc
}
