package model

import (
	"math"
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
	plCLV                         // CLV and its gradient
	plExp                         // expected purchases and their gradient (not discounted)
	plRiskAdj                     // carrying cost, risk-adjusted CM, the minimum price's sums
	plAll     = plBase | plProfit | plCLV | plExp | plRiskAdj
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
	if !equalValues(in.cogs, p.cogs) || !equalValues(in.gm, p.gm) || !equalValues(in.cts, p.cts) || !equalValues(in.cm, p.cm) {
		g |= plProfit
	}
	if !equalValues(in.clv, p.clv) || !sameBits(in.clvGrad, p.clvGrad) {
		g |= plCLV
	}
	if !sameBits(in.exp, p.exp) || !sameBits(in.expGrad, p.expGrad) {
		g |= plExp
	}
	if (in.radj == nil) != (p.radj == nil) || !equalValues(in.carry, p.carry) || !equalValues(in.radj, p.radj) ||
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
	if sameSlice(x, y) {
		return true
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
// groups need[i] of scheme i (none: the scheme is skipped). It goes scheme
// by scheme and group by group, each a tight loop over the chunk's
// customers, whose figures stay in the cache from one scheme to the next;
// each segment still adds its customers in order, so float sums are the
// same to the bit.
func (a *Analysis) addSegments(schemes []Scheme, need []plGroup, risk bool, lo, hi int) [][]SegmentRow {
	rows := make([][]SegmentRow, len(schemes))
	for i := range schemes {
		g := need[i]
		if g == 0 {
			continue
		}
		rs := make([]SegmentRow, len(schemes[i].Segments))
		rows[i] = rs
		assign := schemes[i].Assign[lo:hi]
		if g&plBase != 0 {
			a.addBase(rs, assign, lo, risk)
		}
		if g&plProfit != 0 {
			cogs, gm, cts, cm := a.COGS[lo:hi], a.GM[lo:hi], a.CTS[lo:hi], a.CM[lo:hi]
			for k, seg := range assign {
				r := &rs[seg]
				r.COGS += cogs[k]
				r.GM += gm[k]
				r.CTS += cts[k]
				r.CM += cm[k]
			}
		}
		if g&plCLV != 0 {
			for seg, v := range sumBySegment(len(rs), assign, a.CLVMoney[lo:hi]) {
				rs[seg].TotalCLV += v
			}
			if a.clvGrad != nil {
				addGrads(assign, a.clvGrad[lo*clvParams:hi*clvParams], clvParams, func(seg int16) []float64 { return rs[seg].clvGrad[:] })
			}
		}
		if g&plExp != 0 {
			if a.ExpPurchases != nil {
				exp := a.ExpPurchases[lo:hi]
				for k, seg := range assign {
					rs[seg].ExpPurchases += finite(exp[k])
				}
			}
			if a.expGrad != nil {
				addGrads(assign, a.expGrad[lo*countDims:hi*countDims], countDims, func(seg int16) []float64 { return rs[seg].expGrad[:] })
			}
		}
		if g&plRiskAdj != 0 {
			a.addRiskAdj(rs, assign, lo)
		}
	}
	return rows
}

// sumBySegment returns the sum of v[k] over the customers k of each of n
// segments. Four interleaved partial sums keep consecutive customers of one
// segment from waiting on each other's addition (sums of integers: the
// order does not change them).
func sumBySegment(n int, assign []int16, v []Money) []Money {
	part := make([]Money, 4*n)
	p0, p1, p2, p3 := part[:n], part[n:2*n], part[2*n:3*n], part[3*n:]
	k := 0
	for ; k+4 <= len(assign); k += 4 {
		p0[assign[k]] += v[k]
		p1[assign[k+1]] += v[k+1]
		p2[assign[k+2]] += v[k+2]
		p3[assign[k+3]] += v[k+3]
	}
	for ; k < len(assign); k++ {
		p0[assign[k]] += v[k]
	}
	for seg := range p0 {
		p0[seg] += p1[seg] + p2[seg] + p3[seg]
	}
	return p0
}

// addGrads adds each customer's gradient (width figures a customer, in
// customer order) into its segment's sum, which at returns.
func addGrads(assign []int16, flat []float64, width int, at func(seg int16) []float64) {
	for k, seg := range assign {
		dst := at(seg)
		for j, v := range flat[k*width : (k+1)*width] {
			dst[j] += v
		}
	}
}

// addBase adds the base group (counts, returns, revenue, receivables) of
// customers lo… (as many as assign has) into rs.
func (a *Analysis) addBase(rs []SegmentRow, assign []int16, lo int, risk bool) {
	b := a.Base
	for k, seg := range assign {
		c := lo + k
		r := &rs[seg]
		known := !b.CustomerLevel || a.Led.Totals.HasOrders[c]
		r.Customers++
		if known {
			r.countsKnown++
		}
		if known && b.PurchaseDays[c] >= 2 {
			r.Repeaters++
		}
		r.Returns += b.ReturnValue[c]
		r.Revenue += a.Revenue[c]
		if risk {
			ar := a.Risk.CustAR[c]
			if bk := a.Risk.CustBuckets.Of(c); len(bk) > 0 {
				r.PastDue += ar - bk[0]
			}
			r.OpenAR += ar
			r.Unapplied += a.Risk.CustUnapplied[c]
			r.ECL += a.Risk.CustECL[c]
			r.sales3m += a.Risk.Sales3m[c]
		}
	}
}

// addRiskAdj adds the risk-adjusted group (carrying cost, risk-adjusted CM,
// the minimum price's revenue-weighted sums) of customers lo… into rs.
func (a *Analysis) addRiskAdj(rs []SegmentRow, assign []int16, lo int) {
	for k, seg := range assign {
		c := lo + k
		r := &rs[seg]
		if a.RiskAdjCM != nil {
			r.CarryCost += a.CarryCost[c]
			r.RiskAdjCM += a.RiskAdjCM[c]
		}
		var prev, ppd, pdtp float64
		if a.MinPrice != nil && a.Revenue[c] > 0 {
			prev = float64(a.Revenue[c])
			ppd, pdtp = prev*a.PD[c], prev*a.DaysToPay[c]
		}
		r.priceRev += prev
		r.pricePD += ppd
		r.priceDTP += pdtp
	}
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
		r.TotalCLV, r.clvGrad = o.TotalCLV, o.clvGrad
	}
	if g&plExp != 0 {
		r.ExpPurchases, r.expGrad = o.ExpPurchases, o.expGrad
	}
	if g&plRiskAdj != 0 {
		r.CarryCost, r.RiskAdjCM, r.priceRev, r.pricePD, r.priceDTP = o.CarryCost, o.RiskAdjCM, o.priceRev, o.pricePD, o.priceDTP
	}
}
