package model

import (
	"fmt"
	"math"
)

// Concentration is how much of the revenue and of the open receivables a
// few customers hold (issue 13): the top-N customers' shares and the
// Herfindahl index Σ s², with its equivalent number of equal customers 1/H.
// Shares are of the customers with a positive figure (net-negative
// customers hold no share).
type Concentration struct {
	Top                   []TopShare
	HHIRevenue, HHIAR     float64 // NaN without a positive figure (AR: without receivables data)
	EquivRevenue, EquivAR float64 // 1/H
}

// TopShare is the share of the N largest customers.
type TopShare struct {
	N                     int
	RevenueShare, ARShare float64 // NaN as the index is
}

// concentrationTops are the N of the top-N shares.
var concentrationTops = []int{1, 5, 10, 20, 50, 100}

// concentration assembles the figures; the shares and indices themselves
// are computed once: revenue's in stage 1, open AR's with the cached
// receivables analysis.
func (a *Analysis) concentration(s *stage1) {
	c := &a.Concentration
	revTop, arTop, ha := s.revenueTop, nanTops(), math.NaN()
	if a.Risk != nil && a.Risk.Available {
		arTop, ha = a.Risk.arTop, a.Risk.arHHI
	}
	c.HHIRevenue, c.HHIAR = s.revenueHHI, ha
	c.EquivRevenue, c.EquivAR = 1/c.HHIRevenue, 1/ha
	c.Top = nil
	for k, n := range concentrationTops {
		if n > a.N {
			break
		}
		c.Top = append(c.Top, TopShare{N: n, RevenueShare: revTop[k], ARShare: arTop[k]})
	}
}

func nanTops() []float64 {
	out := make([]float64, len(concentrationTops))
	for k := range out {
		out[k] = math.NaN()
	}
	return out
}

// moneyTopShares is topShares of money.
func moneyTopShares(v []Money) ([]float64, float64) {
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	return topShares(f)
}

// topShares returns the shares of the concentrationTops largest positive
// values and the Herfindahl index of the positive values (NaN each without
// any; nil v: all NaN).
func topShares(v []float64) ([]float64, float64) {
	out := nanTops()
	neg := make([]float64, 0, len(v)) // the positive values, negated: sorted, largest first
	var total float64
	for _, x := range v {
		if x > 0 {
			neg = append(neg, -x)
			total += x
		}
	}
	if total <= 0 {
		return out, math.NaN()
	}
	var h, cum float64
	k := 0
	for i, j := range argsortKeys(neg, identity(len(neg))) { // by radix: a million customers' values
		x := -neg[j]
		s := x / total
		h += s * s
		cum += x
		for k < len(concentrationTops) && concentrationTops[k] == i+1 {
			out[k] = cum / total
			k++
		}
	}
	for ; k < len(concentrationTops); k++ {
		out[k] = 1 // fewer positive customers than N: they hold everything
	}
	return out, h
}

// CrossTab is two schemes crossed: per cell (a segment of each) the
// customers, revenue, profit, CLV and open receivables; rows and columns
// add up to each scheme's totals.
type CrossTab struct {
	Rows, Cols  *Scheme
	Cells       [][]CrossCell // [row segment][column segment]
	RowTotals   []CrossCell
	ColTotals   []CrossCell
	Total       CrossCell
	HasProfit   bool // profit is known (else n/a)
	HasCLV      bool
	HasAR       bool
	ProfitNote  string
	CLVNote, AR string
}

// CrossCell is the sums of one cell.
type CrossCell struct {
	Customers                    int
	Revenue, Profit, CLV, OpenAR Money
}

func (c *CrossCell) add(o CrossCell) {
	c.Customers += o.Customers
	c.Revenue += o.Revenue
	c.Profit += o.Profit
	c.CLV += o.CLV
	c.OpenAR += o.OpenAR
}

// CrossTab crosses the schemes with keys rowKey and colKey.
func (a *Analysis) CrossTab(rowKey, colKey string) (*CrossTab, error) {
	rs, ok := a.SchemeByKey(rowKey)
	if !ok {
		return nil, fmt.Errorf("no scheme %q", rowKey)
	}
	cs, ok := a.SchemeByKey(colKey)
	if !ok {
		return nil, fmt.Errorf("no scheme %q", colKey)
	}
	if rs.Key == cs.Key {
		return nil, fmt.Errorf("cross %s with another scheme, not itself", rs.Key)
	}
	ct := &CrossTab{Rows: rs, Cols: cs, HasProfit: a.Profit.Basis.Known(), HasCLV: a.CLVInfo.Known, HasAR: a.Risk != nil && a.Risk.Available,
		ProfitNote: a.Profit.Note, CLVNote: a.CLVInfo.Label}
	if !ct.HasAR && a.Risk != nil {
		ct.AR = a.Risk.Why
	}
	ct.Cells = make([][]CrossCell, len(rs.Segments))
	for i := range ct.Cells {
		ct.Cells[i] = make([]CrossCell, len(cs.Segments))
	}
	for c := 0; c < a.N; c++ {
		cell := CrossCell{Customers: 1, Revenue: a.Revenue[c], Profit: a.CM[c], CLV: a.CLVMoney[c]}
		if ct.HasAR {
			cell.OpenAR = a.Risk.CustAR[c]
		}
		ct.Cells[rs.Assign[c]][cs.Assign[c]].add(cell)
	}
	ct.RowTotals, ct.ColTotals = make([]CrossCell, len(rs.Segments)), make([]CrossCell, len(cs.Segments))
	for i, row := range ct.Cells {
		for j, cell := range row {
			ct.RowTotals[i].add(cell)
			ct.ColTotals[j].add(cell)
			ct.Total.add(cell)
		}
	}
	return ct, nil
}
