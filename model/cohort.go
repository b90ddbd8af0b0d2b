package model

import (
	"fmt"
	"math"
	"sync"
)

// Cohorts is the acquisition-cohort triangle: customers grouped by the
// month or quarter of their first purchase, followed period by period.
// Active[i][k] counts cohort i's customers with a purchase in its k-th
// period since acquisition (k = 0 the acquisition period), Revenue[i][k]
// their net revenue then (returns included). Periods are calendar months or
// quarters up to the as-of date; the last may be partial.
type Cohorts struct {
	Period     string   // month | quarter
	Labels     []string // 2024-03, 2024-Q1
	Size       []int
	Active     [][]int
	Revenue    [][]Money
	NoPurchase int  // customers without a purchase by the as-of date: in no cohort
	Partial    bool // the as-of date falls inside the last period
}

// Retention is Active[i][k] / Size[i].
func (c *Cohorts) Retention(i, k int) float64 { return float64(c.Active[i][k]) / float64(c.Size[i]) }

// CumRevenuePerCustomer is cohort i's revenue in periods 0..k over its
// size, rounded half away from zero to minor units.
func (c *Cohorts) CumRevenuePerCustomer(i, k int) Money {
	var s Money
	for j := 0; j <= k; j++ {
		s += c.Revenue[i][j]
	}
	return Money(math.Round(float64(s) / float64(c.Size[i])))
}

// PeriodOf numbers calendar months (year × 12 + month − 1) or quarters
// (year × 4 + quarter − 1).
func PeriodOf(d Day, quarter bool) int {
	y, m, _ := d.Civil()
	if quarter {
		return y*4 + (m-1)/3
	}
	return y*12 + m - 1
}

func periodLabel(p int, quarter bool) string {
	if quarter {
		return fmt.Sprintf("%d-Q%d", p/4, p%4+1)
	}
	return fmt.Sprintf("%d-%02d", p/12, p%12+1)
}

// cohortsMemo computes the triangle once per analysis, when first asked.
type cohortsMemo struct {
	once sync.Once
	c    *Cohorts
}

// Cohorts returns the acquisition-cohort triangle (Params.CohortPeriod);
// nil for a customer-level ledger, which has no documents to follow.
func (a *Analysis) Cohorts() *Cohorts {
	if a.cohorts == nil { // an Analysis not made by Engine.Analyze
		return a.cohortTriangle()
	}
	a.cohorts.once.Do(func() { a.cohorts.c = a.cohortTriangle() })
	return a.cohorts.c
}

func (a *Analysis) cohortTriangle() *Cohorts {
	quarter := a.Params.CohortPeriod == "quarter"
	var f CohortFacts
	switch act := a.Led.Activity; {
	case !a.Base.CustomerLevel:
		f = cohortFactsOf(a.Base, quarter)
	case act != nil && act.AsOf == a.AsOf: // added up by the source
		f = act.Month
		if quarter {
			f = act.Quarter
		}
	default:
		return nil
	}
	return cohortsFrom(f, a.AsOf, a.Params.CohortPeriod)
}

// cohortsFrom lays the cohorts' counts out as the triangle, from the first
// cohort's period to the as-of date's.
func cohortsFrom(f CohortFacts, asOf Day, period string) *Cohorts {
	quarter := period == "quarter"
	out := &Cohorts{Period: period, NoPurchase: f.NoPurchase}
	if len(f.Sizes) == 0 {
		return out
	}
	first, last := f.Sizes[0].Period, PeriodOf(asOf, quarter)
	for _, s := range f.Sizes {
		first = min(first, s.Period)
	}
	n := last - first + 1
	for p := first; p <= last; p++ {
		out.Labels = append(out.Labels, periodLabel(p, quarter))
	}
	out.Size = make([]int, n)
	out.Active, out.Revenue = make([][]int, n), make([][]Money, n)
	for i := range n {
		out.Active[i], out.Revenue[i] = make([]int, n-i), make([]Money, n-i)
	}
	for _, s := range f.Sizes {
		if i := s.Period - first; i < n {
			out.Size[i] += s.N
		}
	}
	for _, c := range f.Cells {
		if i := c.First - first; i < n && c.K >= 0 && c.K < n-i {
			out.Active[i][c.K] += c.Active
			out.Revenue[i][c.K] += c.Revenue
		}
	}
	out.Partial = PeriodOf(asOf+1, quarter) == last
	return out
}
