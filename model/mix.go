package model

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// Mix is each customer's split over the values of a row column — the sales
// channel, the product category — at the as-of date (stage 1). A value's
// weight is the customer's gross sales in it (Σ of its positive row
// amounts); for a customer without positive sales, its number of rows.
// Rows with a blank value are not in the mix.
type Mix struct {
	Name string   // the column's header
	Dict []string // Dict[0] is ""
	// Customer c's values, largest weight first (then more rows, then by
	// name): Code, Sales, Rows[Start[c]:Start[c+1]].
	Start     []int32
	Code      []int32
	Sales     []Money
	Rows      []int32
	Total     []Money // per customer: Σ Sales
	TotalRows []int32 // per customer: Σ Rows
}

// mixOf computes the mix of a row column over the base's rows (nil when the
// ledger has no such column).
func mixOf(col *RowAttribute, led *Ledger, b *Base) *Mix {
	if !col.Present() {
		return nil
	}
	nc := len(b.Revenue)
	m := &Mix{Name: col.Name, Dict: col.Dict, Start: make([]int32, nc+1), Total: make([]Money, nc), TotalRows: make([]int32, nc)}
	sales := make([]Money, len(col.Dict))
	rows := make([]int32, len(col.Dict))
	var touched []int32
	for c := 0; c < nc; c++ {
		touched = touched[:0]
		for _, i := range b.RowIdx[b.RowStart[c]:b.RowStart[c+1]] {
			k := col.Codes[i]
			if k == 0 {
				continue
			}
			if rows[k] == 0 {
				touched = append(touched, k)
			}
			rows[k]++
			if v := led.Tx.Amount[i]; v > 0 {
				sales[k] += v
			}
		}
		slices.SortFunc(touched, func(x, y int32) int {
			if d := cmp.Compare(sales[y], sales[x]); d != 0 {
				return d
			}
			if d := cmp.Compare(rows[y], rows[x]); d != 0 {
				return d
			}
			return cmp.Compare(col.Dict[x], col.Dict[y])
		})
		for _, k := range touched {
			m.Code = append(m.Code, k)
			m.Sales = append(m.Sales, sales[k])
			m.Rows = append(m.Rows, rows[k])
			m.Total[c] += sales[k]
			m.TotalRows[c] += rows[k]
			sales[k], rows[k] = 0, 0
		}
		m.Start[c+1] = int32(len(m.Code))
	}
	return m
}

// MixEntry is a customer's gross sales and rows in one value of a row
// column, as a source adds them up (a database's summary).
type MixEntry struct {
	Cust  int32
	Value string
	Sales Money
	Rows  int32
}

// NewMix builds the mix of a row column of n customers from its entries,
// in any order (blank values are not in a mix; the source leaves them out).
// It is the mix mixOf computes from the same rows.
func NewMix(name string, n int, entries []MixEntry) *Mix {
	values := map[string]bool{}
	for _, e := range entries {
		values[e.Value] = true
	}
	m := &Mix{Name: name, Dict: append([]string{""}, slices.Sorted(maps.Keys(values))...), Start: make([]int32, n+1), Total: make([]Money, n), TotalRows: make([]int32, n)}
	code := make(map[string]int32, len(m.Dict))
	for k, v := range m.Dict {
		code[v] = int32(k)
	}
	entries = slices.Clone(entries)
	slices.SortFunc(entries, func(x, y MixEntry) int {
		return cmp.Or(cmp.Compare(x.Cust, y.Cust), cmp.Compare(y.Sales, x.Sales), cmp.Compare(y.Rows, x.Rows), cmp.Compare(x.Value, y.Value))
	})
	for _, e := range entries {
		m.Code = append(m.Code, code[e.Value])
		m.Sales = append(m.Sales, e.Sales)
		m.Rows = append(m.Rows, e.Rows)
		m.Total[e.Cust] += e.Sales
		m.TotalRows[e.Cust] += e.Rows
		m.Start[e.Cust+1]++
	}
	for c := range n {
		m.Start[c+1] += m.Start[c]
	}
	return m
}

// Distinct returns the number of distinct values of customer c (0: none
// recorded).
func (m *Mix) Distinct(c int) int { return int(m.Start[c+1] - m.Start[c]) }

// share returns the weight of entry j (an index into Code) in customer c's mix.
func (m *Mix) share(c int, j int32) float64 {
	if m.Total[c] > 0 {
		return float64(m.Sales[j]) / float64(m.Total[c])
	}
	return float64(m.Rows[j]) / float64(m.TotalRows[c])
}

// Top returns customer c's largest value and its share; ok is false when
// the customer has no value recorded.
func (m *Mix) Top(c int) (value string, share float64, ok bool) {
	if m.Distinct(c) == 0 {
		return "", 0, false
	}
	j := m.Start[c]
	return m.Dict[m.Code[j]], m.share(c, j), true
}

// Describe writes customer c's mix as "Online 62 % · Store 38 %", at most
// max values and "+ n more".
func (m *Mix) Describe(c int, max int) string {
	var parts []string
	lo, hi := m.Start[c], m.Start[c+1]
	for j := lo; j < hi && j < lo+int32(max); j++ {
		parts = append(parts, fmt.Sprintf("%s %s", m.Dict[m.Code[j]], FormatPct(m.share(c, j))))
	}
	if n := int(hi-lo) - max; n > 0 {
		parts = append(parts, fmt.Sprintf("+ %d more", n))
	}
	return strings.Join(parts, " · ")
}

// multiChannel is the channel segment of customers whose largest channel
// holds less than channel_main_share of their sales.
const multiChannel = "Multi-channel"

// mainChannels returns each customer's channel: the largest of its rows'
// channels when that holds at least mainShare of its sales, Multi-channel
// when none does, and the customers sheet's channel for a customer whose rows
// carry none.
func mainChannels(m *Mix, cs *Customers, mainShare float64) []string {
	out := make([]string, cs.Len())
	for c := range out {
		v, share, ok := m.Top(c)
		switch {
		case !ok:
			out[c] = cs.Channel[c]
		case share >= mainShare:
			out[c] = v
		default:
			out[c] = multiChannel
		}
	}
	return out
}

// breadthNames are the segments of the category-breadth scheme.
var breadthNames = []string{"Single category", "Few categories", "Broad range", "No category recorded"}

// breadthScheme groups customers by how many categories they buy.
func (a *Analysis) breadthScheme(p Params) Scheme {
	sc := Scheme{Key: "breadth", Title: "Category breadth", Segments: breadthNames, Assign: make([]int16, a.N)}
	m := a.CategoryMix
	for c := range sc.Assign {
		switch n := m.Distinct(c); {
		case n == 0:
			sc.Assign[c] = 3
		case n == 1:
			sc.Assign[c] = 0
		case n < p.BreadthBroadMin:
			sc.Assign[c] = 1
		default:
			sc.Assign[c] = 2
		}
	}
	sc.Note = fmt.Sprintf("distinct values of %q bought up to the as-of date: few = 2 … %d, broad = %d or more (breadth_broad_min)",
		m.Name, p.BreadthBroadMin-1, p.BreadthBroadMin)
	return sc
}

// categoryMixes adds to every segment row the average number of categories
// of its customers (those with a category recorded) and its largest
// category with that category's share of the segment's gross sales.
func (a *Analysis) categoryMixes() {
	m := a.CategoryMix
	if m == nil {
		return
	}
	nv := len(m.Dict)
	sales := make([]Money, nv)
	rows := make([]int32, nv)
	var touched []int32
	fill := func(r *SegmentRow, customers func(yield func(c int))) {
		touched = touched[:0]
		var total Money
		var totalRows int32
		customers(func(c int) {
			if m.Distinct(c) == 0 {
				return
			}
			r.catCustomers++
			r.catSum += m.Distinct(c)
			for j := m.Start[c]; j < m.Start[c+1]; j++ {
				k := m.Code[j]
				if rows[k] == 0 {
					touched = append(touched, k)
				}
				sales[k] += m.Sales[j]
				rows[k] += m.Rows[j]
				total += m.Sales[j]
				totalRows += m.Rows[j]
			}
		})
		best := int32(-1)
		for _, k := range touched {
			if best < 0 || sales[k] > sales[best] || sales[k] == sales[best] &&
				(rows[k] > rows[best] || rows[k] == rows[best] && m.Dict[k] < m.Dict[best]) {
				best = k
			}
		}
		r.Categories, r.TopCategoryShare = math.NaN(), math.NaN()
		if best >= 0 {
			r.Categories = float64(r.catSum) / float64(r.catCustomers)
			r.TopCategory = m.Dict[best]
			if total > 0 {
				r.TopCategoryShare = float64(sales[best]) / float64(total)
			} else {
				r.TopCategoryShare = float64(rows[best]) / float64(totalRows)
			}
		}
		for _, k := range touched {
			sales[k], rows[k] = 0, 0
		}
	}
	var total SegmentRow
	fill(&total, func(yield func(c int)) {
		for c := 0; c < a.N; c++ {
			yield(c)
		}
	})
	for i := range a.Schemes {
		sc := &a.Schemes[i]
		members := make([][]int32, len(sc.Segments))
		for c, s := range sc.Assign {
			members[s] = append(members[s], int32(c))
		}
		for k := range sc.Rows {
			fill(&sc.Rows[k], func(yield func(c int)) {
				for _, c := range members[k] {
					yield(int(c))
				}
			})
		}
		sc.Total.catCustomers, sc.Total.catSum = total.catCustomers, total.catSum
		sc.Total.Categories, sc.Total.TopCategory, sc.Total.TopCategoryShare = total.Categories, total.TopCategory, total.TopCategoryShare
	}
}
