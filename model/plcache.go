package model

import (
	"math"
	"slices"
	"sync"
)

// The segment P&Ls are the largest part of a recompute: every scheme adds
// some thirty figures of every customer. Most parameter changes leave most
// of those sums as they were — a new discount rate changes the CLV columns,
// a new pyramid cut-off one scheme's assignment — so the engine keeps the
// last analysis' sums with what they were formed from, and a scheme whose
// assignment is the same takes over the groups of sums whose per-customer
// figures are the same. Figures are compared by value (or, for the cached
// stage-1 and receivables results, by identity), never by which parameters
// changed, so nothing can go stale; and a sum taken over is the one adding
// up again would give, to the bit (same figures, same order).

// plGroup is a set of SegmentRow sums formed from the same figures.
type plGroup uint8

const (
	plBase    plGroup = 1 << iota // customers, repeaters, returns, revenue, receivables
	plProfit                      // COGS, GM, cost to serve, CM
	plCLV                         // CLV, expected purchases and their gradients
	plRiskAdj                     // carrying cost, risk-adjusted CM, the minimum price's sums
	plAll     = plBase | plProfit | plCLV | plRiskAdj
)

// plInputs are the per-customer figures the segment sums add up.
type plInputs struct {
	base                   *Base
	risk                   *Risk
	led                    *Ledger
	cogs, gm, cts, cm, clv []Money
	clvGrad, exp, expGrad  []float64
	carry, radj            []Money
	pricing                bool
	pd, dtp                []float64
}

func (a *Analysis) plInputs() *plInputs {
	return &plInputs{base: a.Base, risk: a.Risk, led: a.Led, cogs: a.COGS, gm: a.GM, cts: a.CTS, cm: a.CM, clv: a.CLVMoney,
		clvGrad: a.clvGrad, exp: a.ExpPurchases, expGrad: a.expGrad, carry: a.CarryCost, radj: a.RiskAdjCM,
		pricing: a.MinPrice != nil, pd: a.PD, dtp: a.DaysToPay}
}

// changed is the groups whose figures differ from prev's (all without prev).
func (in *plInputs) changed(prev *plState) plGroup {
	if prev == nil {
		return plAll
	}
	p := prev.in
	var g plGroup
	if in.base != p.base || in.risk != p.risk || in.led != p.led {
		g |= plBase | plRiskAdj // the minimum price's sums weigh revenue
	}
	if !slices.Equal(in.cogs, p.cogs) || !slices.Equal(in.gm, p.gm) || !slices.Equal(in.cts, p.cts) || !slices.Equal(in.cm, p.cm) {
		g |= plProfit
	}
	if !slices.Equal(in.clv, p.clv) || !sameBits(in.clvGrad, p.clvGrad) || !sameBits(in.exp, p.exp) || !sameBits(in.expGrad, p.expGrad) {
		g |= plCLV
	}
	if (in.radj == nil) != (p.radj == nil) || !slices.Equal(in.carry, p.carry) || !slices.Equal(in.radj, p.radj) ||
		in.pricing != p.pricing || !sameBits(in.pd, p.pd) || !sameBits(in.dtp, p.dtp) {
		g |= plRiskAdj
	}
	return g
}

// sameBits reports whether two float slices are equal bit for bit (NaN
// included) and both nil or both not.
func sameBits(x, y []float64) bool {
	if (x == nil) != (y == nil) || len(x) != len(y) {
		return false
	}
	for i := range x {
		if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
			return false
		}
	}
	return true
}

// plState is an analysis' segment sums (before totals and ratios), one
// per scheme in its order, with what they were formed from. It is not
// changed once kept.
type plState struct {
	in   *plInputs
	sums []plSums
}

type plSums struct {
	key    string // the scheme's
	assign []int16
	rows   []SegmentRow
}

// plCache holds the last plState of an engine.
type plCache struct {
	mu    sync.Mutex
	state *plState
}

func (c *plCache) last() *plState {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

func (c *plCache) keep(s *plState) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.state = s
	c.mu.Unlock()
}

// addSegments adds customers lo…hi-1 into each scheme's segments: the
// groups need[i] of scheme i (none: the scheme is skipped).
func (a *Analysis) addSegments(schemes []Scheme, need []plGroup, risk bool, lo, hi int) [][]SegmentRow {
	rows := make([][]SegmentRow, len(schemes))
	for i := range schemes {
		if need[i] != 0 {
			rows[i] = make([]SegmentRow, len(schemes[i].Segments))
		}
	}
	for c := lo; c < hi; c++ {
		rev, cogs, gm, cts, cm, clv := a.Revenue[c], a.COGS[c], a.GM[c], a.CTS[c], a.CM[c], a.CLVMoney[c]
		var ar, un, ecl, s3, carry, radj Money
		if a.RiskAdjCM != nil {
			carry, radj = a.CarryCost[c], a.RiskAdjCM[c]
		}
		var prev, ppd, pdtp float64
		if a.MinPrice != nil && rev > 0 {
			prev = float64(rev)
			ppd, pdtp = prev*a.PD[c], prev*a.DaysToPay[c]
		}
		var grad, egrad []float64
		var exp float64
		if a.clvGrad != nil {
			grad = a.clvGrad[c*clvParams : (c+1)*clvParams]
		}
		if a.ExpPurchases != nil {
			exp = finite(a.ExpPurchases[c])
		}
		if a.expGrad != nil {
			egrad = a.expGrad[c*countDims : (c+1)*countDims]
		}
		if risk {
			ar, un, ecl, s3 = a.Risk.CustAR[c], a.Risk.CustUnapplied[c], a.Risk.CustECL[c], a.Risk.Sales3m[c]
		}
		known := !a.Base.CustomerLevel || a.Led.Totals.HasOrders[c]
		ret, due := a.Base.ReturnValue[c], Money(0)
		if risk && len(a.Risk.CustBuckets[c]) > 0 {
			due = ar - a.Risk.CustBuckets[c][0]
		}
		repeater := known && a.Base.PurchaseDays[c] >= 2
		for i := range schemes {
			g := need[i]
			if g == 0 {
				continue
			}
			r := &rows[i][schemes[i].Assign[c]]
			if g&plBase != 0 {
				r.Customers++
				if known {
					r.countsKnown++
				}
				if repeater {
					r.Repeaters++
				}
				r.Returns += ret
				r.PastDue += due
				r.Revenue += rev
				r.OpenAR += ar
				r.Unapplied += un
				r.ECL += ecl
				r.sales3m += s3
			}
			if g&plProfit != 0 {
				r.COGS += cogs
				r.GM += gm
				r.CTS += cts
				r.CM += cm
			}
			if g&plCLV != 0 {
				r.TotalCLV += clv
				for j, v := range grad {
					r.clvGrad[j] += v
				}
				r.ExpPurchases += exp
				for j, v := range egrad {
					r.expGrad[j] += v
				}
			}
			if g&plRiskAdj != 0 {
				r.CarryCost += carry
				r.RiskAdjCM += radj
				r.priceRev += prev
				r.pricePD += ppd
				r.priceDTP += pdtp
			}
		}
	}
	return rows
}

// takeOver copies the sums of groups g from o.
func (r *SegmentRow) takeOver(o *SegmentRow, g plGroup) {
	if g&plBase != 0 {
		r.Customers, r.countsKnown, r.Repeaters, r.Returns, r.PastDue = o.Customers, o.countsKnown, o.Repeaters, o.Returns, o.PastDue
		r.Revenue, r.OpenAR, r.Unapplied, r.ECL, r.sales3m = o.Revenue, o.OpenAR, o.Unapplied, o.ECL, o.sales3m
	}
	if g&plProfit != 0 {
		r.COGS, r.GM, r.CTS, r.CM = o.COGS, o.GM, o.CTS, o.CM
	}
	if g&plCLV != 0 {
		r.TotalCLV, r.clvGrad, r.ExpPurchases, r.expGrad = o.TotalCLV, o.clvGrad, o.ExpPurchases, o.expGrad
	}
	if g&plRiskAdj != 0 {
		r.CarryCost, r.RiskAdjCM, r.priceRev, r.pricePD, r.priceDTP = o.CarryCost, o.RiskAdjCM, o.priceRev, o.pricePD, o.priceDTP
	}
}
