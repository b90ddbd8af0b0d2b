package model

import (
	"fmt"
	"math"
	"slices"
)

// SimpleCLV is the retention ("margin multiple") model of spec §4.1 for a
// margin m per period, retention r, discount d per period and horizon T
// periods (0: infinite), in the GL, OF or BL convention. ok is false where
// the model is not defined (r outside [0,1), d ≤ −1, 1 + d − r ≤ 0).
func SimpleCLV(m, r, d float64, horizon int, convention string) (float64, bool) {
	if r < 0 || r >= 1 || d <= -1 || 1+d-r <= 0 {
		return 0, false
	}
	if horizon <= 0 {
		switch convention {
		case "OF":
			return m / (1 + d - r), true
		case "BL":
			return m * (1 + d) / (1 + d - r), true
		}
		return m * r / (1 + d - r), true
	}
	q := r / (1 + d)
	T := float64(horizon)
	geo := func(n float64) float64 { // Σ_{t=0}^{n-1} q^t
		if math.Abs(1-q) < 1e-12 {
			return n
		}
		return (1 - math.Pow(q, n)) / (1 - q)
	}
	switch convention {
	case "OF": // Σ_{t=1..T} m r^(t−1)/(1+d)^t
		return m / (1 + d) * geo(T), true
	case "BL": // Σ_{t=0..T} m r^t/(1+d)^t
		return m * geo(T+1), true
	}
	return m * q * geo(T), true // GL: Σ_{t=1..T} m r^t/(1+d)^t
}

// simpleCLV estimates retention from the ledger's cohorts and values each
// customer's average margin per period of tenure.
//
// Choices (spec §4.1 leaves them to the implementation): r is the mean over
// the last four period pairs of (customers buying in both periods) /
// (customers buying in the earlier one); a customer's m is its contribution
// margin divided by its tenure in periods (at least one). Without cost data
// and without an assumed margin, m is revenue and the CLV is labelled so.
func (a *Analysis) simpleCLV(s *stage1, p Params, act []uint16, scale float64) {
	b := s.base
	info := &a.CLVInfo
	info.Model, info.Convention, info.Period, info.Horizon = "simple", p.CLVConvention, p.CLVPeriod, p.CLVHorizonYears
	length := 365
	if p.CLVPeriod == "quarter" {
		length = 91
	}
	info.Discount = p.periodRate()
	r := p.RetentionOverride
	info.RetSource = "override"
	if math.IsNaN(r) && b.CustomerLevel && !s.given.activity[activityIndex(length)] {
		a.CLV, a.clvKey = make([]float64, a.N), make([]float64, a.N)
		info.RetSource = "none"
		info.Label = "simple CLV needs a retention rate: a customer-level ledger has no periods to estimate it from (set retention_override)"
		return
	}
	if math.IsNaN(r) {
		var sum float64
		used := 0
		var byBits [32]int // customers by their activity in the last five periods
		for _, bits := range act {
			byBits[bits&31]++
		}
		for k := 0; k < 4; k++ {
			older, both := 0, 0
			for bits, n := range byBits {
				if bits&(1<<(k+1)) != 0 {
					older += n
					if bits&(1<<k) != 0 {
						both += n
					}
				}
			}
			if older > 0 {
				sum += float64(both) / float64(older)
				used++
			}
		}
		r = 0
		if used > 0 {
			r = sum / float64(used)
		}
		info.RetSource = fmt.Sprintf("estimated from %d period pairs of cohorts", used)
		if used == 0 {
			info.RetSource = "no repeat periods in the ledger: r = 0"
		}
	}
	info.Retention = r
	mult, ok := SimpleCLV(1, r, info.Discount, p.CLVHorizonYears, p.CLVConvention)
	info.Multiple = mult
	what := "margin"
	switch a.Profit.Basis {
	case ProfitUnavailable:
		what = "revenue"
	case ProfitRevenueLessCTS:
		what = "revenue less cost to serve"
	}
	horizon := "∞"
	if p.CLVHorizonYears > 0 {
		horizon = fmt.Sprint(p.CLVHorizonYears)
	}
	info.Label = fmt.Sprintf("simple %s CLV (%s), r = %.3f/%s, d = %.2f %%/%s, T = %s %ss", what, p.CLVConvention, r, p.CLVPeriod, 100*info.Discount, p.CLVPeriod, horizon, p.CLVPeriod)
	if !ok {
		a.CLV, a.clvKey = make([]float64, a.N), make([]float64, a.N)
		a.warn("simple CLV not defined: need 0 ≤ r < 1 and 1 + d − r > 0")
		info.Label += " — not defined"
		return
	}
	info.Known = true
	m := a.CM
	if what == "revenue" {
		m = b.Revenue
	}
	// CLV = key × multiple: the key (margin a period) does not depend on the
	// rate, so a discount change multiplies the remembered keys again.
	in := clvKeyIn{s: s, m: m, length: length, scale: scale}
	a.clvKey = a.memo.clvKey.get(in, func() []float64 { return simpleCLVKeys(b, m, length, scale) })
	a.CLV = make([]float64, a.N)
	for c, k := range a.clvKey {
		a.CLV[c] = k * mult
	}
	if mult < 0 {
		a.clvKey = slices.Clone(a.CLV) // same order as CLV
	}
}

// simpleCLVKeys is each customer's margin (or revenue) m a period of length
// days since its first document, in currency units (0 without documents).
func simpleCLVKeys(b *Base, m []Money, length int, scale float64) []float64 {
	key := make([]float64, len(m))
	for c := range key {
		if b.FirstDate[c] == NoDay {
			continue
		}
		periods := math.Max(1, math.Ceil(float64(b.AsOf-b.FirstDate[c]+1)/float64(length)))
		key[c] = float64(m[c]) / scale / periods
	}
	return key
}

// best scores purchase likelihood 0–100 (spec §13): the percentile of the
// expected purchases in the next exp_purchases_days when the model is fitted, else of
// frequency ÷ recency.
func (a *Analysis) best() {
	in := bestIn{exp: a.ExpPurchases, f: a.F, r: a.R, id: a.ids.best, idRank: a.idRank}
	out := a.memo.best.get(in, func() *bestOut {
		a.bestScores()
		return &bestOut{score: a.BestScore, best: a.Best}
	})
	a.BestScore, a.Best = out.score, out.best
}

// bestScores is best without the memo.
func (a *Analysis) bestScores() {
	ratio := make([]float64, a.N)
	for c := range ratio {
		switch {
		case a.ExpPurchases != nil:
			ratio[c] = finite(a.ExpPurchases[c]) // NaN for customers without purchases
		case a.F[c] > 0 && a.R[c] >= 0:
			ratio[c] = float64(a.F[c]) / float64(max(a.R[c], 1))
		}
	}
	a.BestScore = make([]float64, a.N)
	order := a.orders.argsort(a.ids.best, ratio, a.idRank)
	prev, l := math.NaN(), 0
	for k, c := range order {
		if ratio[c] != prev {
			prev, l = ratio[c], k
		}
		if a.N > 1 {
			a.BestScore[c] = 100 * float64(l) / float64(a.N-1)
		} else {
			a.BestScore[c] = 100
		}
	}
	// The best list is the same order read from the top, equal scores (one
	// run of equal ratios) kept in id order: O(N), no second sort.
	a.Best = make([]int32, 0, a.N)
	for hi := len(order); hi > 0; {
		lo := hi - 1
		for lo > 0 && a.BestScore[order[lo-1]] == a.BestScore[order[hi-1]] {
			lo--
		}
		a.Best = append(a.Best, order[lo:hi]...)
		hi = lo
	}
}

// SegmentRow is one line of a segment P&L (spec §7.1). Shares are of the
// whole customer base; NaN where undefined (CM % with revenue ≤ 0). Which
// money figures exist is said by the analysis: COGS and GM when
// Profit.Basis.COGSKnown(), CTS, CM and their ratios when Profit.Basis.Known(),
// receivables when Risk.Available.
type SegmentRow struct {
	Segment       string
	Customers     int
	CustomerShare float64
	Revenue       Money
	RevenueShare  float64
	COGS, GM, CTS Money
	CM            Money
	CMPct         float64
	CMShare       float64
	AvgCM         Money
	TotalCLV      Money // Σ CLV of the segment's customers (customer equity), each rounded to minor units
	AvgCLV        Money // TotalCLV / customers
	CLVPM         Money // 90 % interval half-width of TotalCLV, when HasCLVPM
	HasCLVPM      bool
	clvGrad       [clvParams]float64
	ExpPurchases  float64 // Σ expected purchases in the next Params.ExpPurchasesDays (probabilistic models only)
	ExpPM         float64 // 90 % interval half-width of ExpPurchases; NaN without intervals
	expGrad       [countDims]float64
	CarryCost     Money   // receivable carrying cost (risk-adjusted profit)
	RiskAdjCM     Money   // CM − ECL − carrying cost
	MinPrice      float64 // risk-based minimum price factor of the segment (§7.3); NaN when n/a
	Strategy      string  // ZRL tier strategy (pyramid tiers)
	priceRev      float64 // Σ revenue of customers with revenue > 0, and Σ revenue × PD, × days to pay
	pricePD       float64
	priceDTP      float64
	OpenAR        Money // gross open invoices
	Unapplied     Money // unapplied credits (≤ 0)
	NetAR         Money // OpenAR + Unapplied
	ECL           Money
	DSO           float64 // simple 3-month DSO of the segment's gross open invoices; NaN without sales
	sales3m       Money

	// With a product or category column (Analysis.CategoryMix): the average
	// number of categories of the customers with one recorded, the largest
	// category and its share of the segment's gross sales; NaN and "" else.
	Categories       float64
	TopCategory      string
	TopCategoryShare float64
	catCustomers     int
	catSum           int

	// Repeaters are the customers with purchases on two or more days;
	// RepeatRate is their share of the customers whose purchase count is
	// known (all with transactions; a customer-level ledger's with orders),
	// NaN when none is.
	Repeaters   int
	RepeatRate  float64
	countsKnown int

	Action string // the recommended action (segment_actions, else the playbook); "" when none

	Returns Money // Σ value of return documents (positive)
	PastDue Money // open invoices past their due date (gross open AR less the current bucket)
}

// SegmentPL returns a scheme's segment P&L and its total row.
func (a *Analysis) SegmentPL(sc *Scheme) (rows []SegmentRow, total SegmentRow) {
	return sc.Rows, sc.Total
}

// segmentPLs aggregates every scheme's segments in one pass over the
// customers (split over the cores) and adds the total rows, each the sum of
// its scheme's rows. Sums the last analysis formed from the same
// assignment and the same per-customer figures are taken over (plCache):
// a change of the discount rate adds up only the CLV columns again.
func (a *Analysis) segmentPLs() {
	risk := a.Risk != nil && a.Risk.Available
	schemes := a.Schemes
	in := a.plInputs()
	prev := a.pls.last()
	need := make([]plGroup, len(schemes))
	from := make([][]SegmentRow, len(schemes)) // sums taken over, or nil
	changed := in.changed(prev)
	for i, sc := range schemes {
		need[i] = plAll
		if prev != nil && i < len(prev.sums) {
			if old := prev.sums[i]; old.key == sc.Key && len(old.rows) == len(sc.Segments) && equalValues(old.assign, sc.Assign) {
				need[i], from[i] = changed, old.rows
			}
		}
	}
	anyNeed := slices.ContainsFunc(need, func(g plGroup) bool { return g != 0 })
	parts := make([][][]SegmentRow, workersFor(a.N, 20000))
	if anyNeed {
		parallelRange(a.N, 20000, func(w, lo, hi int) {
			parts[w] = a.addSegments(schemes, need, risk, lo, hi)
		})
	}
	next := &plState{in: in, sums: make([]plSums, len(schemes))}
	sums := make([][]SegmentRow, len(schemes))
	for i := range schemes {
		rows := make([]SegmentRow, len(schemes[i].Segments))
		if need[i] != 0 {
			for _, p := range parts {
				for k := range rows {
					rows[k].add(&p[i][k])
				}
			}
		}
		for k := range from[i] {
			rows[k].takeOver(&from[i][k], ^need[i])
		}
		sums[i] = rows
		next.sums[i] = plSums{key: schemes[i].Key, assign: schemes[i].Assign, rows: slices.Clone(rows)}
	}
	a.pls.keep(next)
	for i := range schemes {
		sc := &a.Schemes[i]
		rows := sums[i]
		total := SegmentRow{Segment: "Total"}
		for k := range rows {
			rows[k].Segment = sc.Segments[k]
			total.add(&rows[k])
		}
		for k := range rows {
			a.finishRow(&rows[k], &total, risk)
			if sc.Key == "pyramid" {
				rows[k].Strategy = PyramidStrategy(rows[k].Segment)
			}
			rows[k].Action = actionOf(&a.Params, sc.Key, rows[k].Segment)
		}
		a.finishRow(&total, &total, risk)
		sc.Rows, sc.Total = rows, total
	}
}

// add adds the sums of another row (counts and money, not ratios).
func (r *SegmentRow) add(o *SegmentRow) {
	r.Customers += o.Customers
	r.Repeaters += o.Repeaters
	r.Returns += o.Returns
	r.PastDue += o.PastDue
	r.countsKnown += o.countsKnown
	r.Revenue += o.Revenue
	r.COGS += o.COGS
	r.GM += o.GM
	r.CTS += o.CTS
	r.CM += o.CM
	r.TotalCLV += o.TotalCLV
	for j, g := range o.clvGrad {
		r.clvGrad[j] += g
	}
	r.ExpPurchases += o.ExpPurchases
	for j, g := range o.expGrad {
		r.expGrad[j] += g
	}
	r.CarryCost += o.CarryCost
	r.RiskAdjCM += o.RiskAdjCM
	r.priceRev += o.priceRev
	r.pricePD += o.pricePD
	r.priceDTP += o.priceDTP
	r.OpenAR += o.OpenAR
	r.Unapplied += o.Unapplied
	r.ECL += o.ECL
	r.sales3m += o.sales3m
}

// finishRow derives a row's net AR, shares, ratios and averages.
func (a *Analysis) finishRow(r, total *SegmentRow, risk bool) {
	r.NetAR = r.OpenAR + r.Unapplied
	r.Categories, r.TopCategoryShare = math.NaN(), math.NaN() // set by categoryMixes
	r.MinPrice = math.NaN()
	if a.MinPrice != nil && r.priceRev > 0 && r.Revenue > 0 {
		p := a.Params
		r.MinPrice = MinPriceFactor(float64(r.COGS+r.CTS), float64(r.Revenue), r.pricePD/r.priceRev, p.LGD, p.CostOfCapital, r.priceDTP/r.priceRev, p.TargetMargin)
	}
	r.RepeatRate = math.NaN()
	if r.countsKnown > 0 {
		r.RepeatRate = float64(r.Repeaters) / float64(r.countsKnown)
	}
	r.CustomerShare = ratio(float64(r.Customers), float64(total.Customers))
	r.RevenueShare = ratio(float64(r.Revenue), float64(total.Revenue))
	r.CMShare = ratio(float64(r.CM), float64(total.CM))
	r.CMPct = math.NaN()
	if r.Revenue > 0 {
		r.CMPct = float64(r.CM) / float64(r.Revenue)
	}
	r.CLVPM, r.HasCLVPM = 0, a.clvGrad != nil
	if r.HasCLVPM {
		r.CLVPM = roundMoney(a.halfWidth(r.clvGrad[:]) * float64(a.Led.Scale()))
	}
	r.ExpPM = math.NaN()
	if a.expGrad != nil {
		r.ExpPM = a.halfWidth(r.expGrad[:])
	}
	r.DSO = math.NaN()
	if risk {
		r.DSO = SimpleDSO(float64(r.OpenAR), float64(r.sales3m), a.Risk.Days3m)
	}
	if r.Customers > 0 {
		r.AvgCM = roundMoney(float64(r.CM) / float64(r.Customers))
		r.AvgCLV = roundMoney(float64(r.TotalCLV) / float64(r.Customers))
	}
}

func ratio(x, y float64) float64 {
	if y == 0 {
		return math.NaN()
	}
	return x / y
}
