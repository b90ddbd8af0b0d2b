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

// periodOf numbers calendar months or quarters.
func periodOf(d Day, quarter bool) int {
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
	b := a.Base
	if b.CustomerLevel {
		return nil
	}
	quarter := a.Params.CohortPeriod == "quarter"
	out := &Cohorts{Period: a.Params.CohortPeriod}
	first, last := -1, periodOf(a.AsOf, quarter)
	for c := range a.N {
		if d := b.FirstBuy[c]; d != NoDay {
			if p := periodOf(d, quarter); first < 0 || p < first {
				first = p
			}
		}
	}
	if first < 0 {
		out.NoPurchase = a.N
		return out
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
	for c := range a.N {
		if b.FirstBuy[c] == NoDay {
			out.NoPurchase++
			continue
		}
		i := periodOf(b.FirstBuy[c], quarter) - first
		out.Size[i]++
		seen := -1
		for d := b.DocStart[c]; d < b.DocStart[c+1]; d++ {
			k := periodOf(b.DocDate[d], quarter) - first - i
			if k < 0 {
				continue // a credit note before the first purchase: not part of the cohort's life
			}
			out.Revenue[i][k] += b.DocNet[d]
			if b.DocNet[d] >= 0 && k != seen {
				out.Active[i][k]++
				seen = k
			}
		}
	}
	out.Partial = periodOf(a.AsOf+1, quarter) == last
	return out
}
