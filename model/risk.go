package model

import (
	"fmt"
	"math"
	"slices"
)

// Trade-credit risk, spec §5 and §7.3.

// CountBackDSO is the count-back (exhaustion) DSO: months newest first.
// exceeds reports AR left over after the whole history.
func CountBackDSO(ar float64, sales, days []float64) (dso float64, exceeds bool) {
	rem := ar
	for m := range sales {
		if sales[m] <= 0 {
			dso += days[m]
			continue
		}
		if rem >= sales[m] {
			rem -= sales[m]
			dso += days[m]
			continue
		}
		return dso + rem/sales[m]*days[m], false
	}
	return dso, rem > 0
}

// SimpleDSO is AR / credit sales of the period × days of the period.
func SimpleDSO(ar, sales, days float64) float64 {
	if sales <= 0 {
		return math.NaN()
	}
	return ar / sales * days
}

// The payment index's anchors (spec §5.7): days beyond terms and the index
// there, linear in between.
var (
	PaymentIndexDays   = []int{-30, -20, 0, 15, 22, 30, 60, 90, 120, 180}
	PaymentIndexScores = []int{100, 90, 80, 70, 60, 50, 40, 30, 20, 1}
)

// PaymentIndex maps days beyond terms u (negative: early) to 0–100 on the
// PAYDEX-style anchors of spec §5.7.
func PaymentIndex(u float64) float64 {
	xs, ys := PaymentIndexDays, PaymentIndexScores
	if u <= float64(xs[0]) {
		return 100
	}
	for k := 1; k < len(xs); k++ {
		if u <= float64(xs[k]) {
			return float64(ys[k-1]) + (u-float64(xs[k-1]))*float64(ys[k]-ys[k-1])/float64(xs[k]-xs[k-1])
		}
	}
	return 1
}

// EarlyPaymentRate is the annual rate implied by terms "d/D net N".
func EarlyPaymentRate(d float64, discountDays, netDays float64) float64 {
	return d / (1 - d) * 365 / (netDays - discountDays)
}

// Grades and their suggested actions (§5.7).
var Grades = []string{"A", "B", "C", "D", "E"}

var gradeActions = map[string]string{
	"A": "standard terms", "B": "standard terms", "C": "monitor",
	"D": "reduce limit or shorten terms", "E": "cash in advance",
}

func grade(score float64) int {
	switch {
	case score >= 80:
		return 0
	case score >= 65:
		return 1
	case score >= 50:
		return 2
	case score >= 35:
		return 3
	}
	return 4
}

// OpenItem is an invoice (or credit note) open at the as-of date.
type OpenItem struct {
	Cust int32
	Open Money
	Due  Day
	Date Day
	DPD  int // days past due (negative: not yet due)
}

// Risk holds the receivables analysis.
type Risk struct {
	Available bool
	Why       string // why the risk views are empty
	Method    string // which payment data the open items come from

	Buckets      []string
	BucketTotal  []Money // open invoices per bucket
	BucketECL    []Money
	LossRates    []float64 // effective rates used (after the multiplier)
	RateSource   string
	Unapplied    Money // unapplied credits (negative)
	TotalAR      Money // Σ buckets
	NetAR        Money // Σ buckets + unapplied
	TotalECL     Money
	OpenInvoices int
	PastDue      int // open invoices past due

	CustBuckets   BucketTable // per customer, per bucket
	CustAR        []Money     // gross open invoices per customer
	CustUnapplied []Money     // unapplied credits per customer (≤ 0)
	CustECL       []Money
	Overdue30     []Money // open more than 30 days past due
	MaxDPD        []int32
	Util          []float64 // NaN: no limit
	UtilState     []UtilState
	DBT, DBTRaw   []float64 // payment-weighted days beyond terms (clipped, unclipped); NaN without payments
	OpenDBT       []float64 // amount-weighted days past due of the open invoices (§5.3 snapshot); NaN without AR
	TotalOpenDBT  float64
	ADTP          []float64 // payment-weighted average days to pay (§5.3); NaN without payments
	PortfolioADTP float64   // the same over every customer's payments; NaN without any
	PayIndex      []float64
	Score         []float64
	Cap           []ScoreCap // override applied, CapNone if none
	Grade         []int8
	EL            []Money
	DSO           []float64 // per customer (simple 3-month); NaN = n/m
	Sales3m       []Money   // credit sales of the last three months
	Days3m        float64

	DSOCountBack, DSOSimple, BPDSO, ADD float64
	DSO1                                float64 // the headline DSO, by dso_method
	DSOMethod                           string  // "count-back" or "simple 3-month"
	DSOExceeds                          bool
	MonthlySales                        []Money // newest first
	MonthDays                           []float64

	WriteOffs  []OpenItem // candidates
	Trend      []float64  // credit-score trend component
	CreditList []int32    // customers with open receivables by expected loss (desc), then id

	arTop []float64 // top-N customers' shares of open AR, and its Herfindahl index (Concentration)
	arHHI float64
}

// riskKey holds the parameters the receivables analysis depends on (lists as
// text, so that the key is comparable).
type riskKey struct {
	terms                         int
	basis, edges, rates, source   string
	forward                       float64
	lookback, writeoff            int
	utilWarn, utilOver            float64
	weights, monthDays, dsoMethod string
	lgd                           float64
}

func riskKeyOf(p Params) riskKey {
	return riskKey{p.DefaultTermsDays, p.AgingBasis, joinFloats(p.AgingEdges), joinFloats(p.LossRates), p.LossRateSource,
		p.ForwardMultiplier, p.LossLookbackMonth, p.WriteoffDPD, p.UtilWarn, p.UtilOver, joinFloats(p.ScoreWeights), p.DSOMonthDays, p.DSOMethod, p.LGD}
}

// risk computes §5 at the analysis' as-of date; the result is shared by
// every analysis with the same risk parameters (a discount-rate change does
// not redo it).
func (a *Analysis) risk(s *stage1, e *Engine, p Params) {
	k := riskKeyOf(p)
	e.mu.Lock()
	r, ok := s.risks[k]
	e.mu.Unlock()
	if !ok {
		r = a.computeRisk(p, s.receivables())
		e.mu.Lock()
		s.risks[k] = r
		e.mu.Unlock()
	}
	a.Risk = r
}

func (a *Analysis) computeRisk(p Params, f *Receivables) *Risk {
	led := a.Led
	r := &Risk{}
	a.Risk = r
	nb := len(p.AgingEdges) + 1
	r.Buckets = bucketLabels(p.AgingBasis, p.AgingEdges)
	n := a.N
	r.CustUnapplied = make([]Money, n)
	r.CustAR, r.CustECL, r.Overdue30, r.MaxDPD = make([]Money, n), make([]Money, n), make([]Money, n), make([]int32, n)
	r.EL, r.DSO = make([]Money, n), make([]float64, n)
	r.BucketTotal, r.BucketECL = make([]Money, nb), make([]Money, nb)
	switch {
	case f == nil:
		r.Why = "a customer-level ledger has balances but no invoices: aging, ECL, DSO and the credit score need invoices (the balance and its share of the credit limit are among the customer's figures)"
		return r
	case f.AsOf != a.AsOf:
		r.Why = fmt.Sprintf("the engine added up the receivables as of %s, not %s: load the ledger again for this date", f.AsOf, a.AsOf)
		return r
	case !f.HasPayments():
		r.Why = "the ledger has no payment data (paid date, paid amount or outstanding balance): receivables, aging and credit risk cannot be computed"
		return r
	}
	r.Available = true
	switch {
	case f.HasPaid && f.HasPaidAmount:
		r.Method = "paid date and paid amount"
	case f.HasPaid:
		r.Method = "paid date (invoices settled in full on it)"
	default:
		r.Method = "outstanding balance column (as reported)"
	}
	terms := Day(p.DefaultTermsDays)
	impaired := led.Customers.WriteOff
	for c, v := range f.Unapplied { // credit notes and overpayments not applied to an invoice
		r.Unapplied += v
		r.CustUnapplied[c] = v
	}
	r.CustBuckets = newBucketTable(n, nb, f.Open)
	var dpd []float64              // write-off candidates: minus days past due, and
	var cands []OpenItem           // the candidates, in the open items' order
	weighted := make([]float64, n) // the open items' amount × max(0, days past due)
	var all float64
	for _, o := range f.Open {
		c, due := o.Cust, o.Due
		if due == NoDay {
			due = o.Date + terms
		}
		it := OpenItem{Cust: c, Open: o.Open, Due: due, Date: o.Date, DPD: int(a.AsOf - due)}
		age := it.DPD
		if p.AgingBasis == "invoice" {
			age = int(a.AsOf - it.Date)
		}
		k := bucketOf(age, p.AgingEdges, p.AgingBasis)
		r.CustBuckets.Of(int(c))[k] += it.Open
		r.BucketTotal[k] += it.Open
		r.CustAR[c] += it.Open
		r.OpenInvoices++
		if it.DPD > 0 {
			r.PastDue++
		}
		if it.DPD > 30 {
			r.Overdue30[c] += it.Open
		}
		r.MaxDPD[c] = max(r.MaxDPD[c], int32(it.DPD))
		if it.DPD >= p.WriteoffDPD || (impaired != nil && impaired[c]) {
			dpd, cands = append(dpd, -float64(it.DPD)), append(cands, it)
		}
		v := float64(it.Open) * float64(max(0, it.DPD))
		weighted[c] += v
		all += v
	}
	// write-off candidates, oldest first, ties in the open items' canonical
	// order: the radix argsort on days past due from that order (a stable
	// sort's result)
	r.WriteOffs = make([]OpenItem, len(cands))
	for i, j := range argsortKeys(dpd, identity(len(cands))) {
		r.WriteOffs[i] = cands[j]
	}
	for _, v := range r.BucketTotal {
		r.TotalAR += v
	}
	// DBT of the open receivables: amount-weighted max(0, dpd)
	r.OpenDBT = make([]float64, n)
	for c := range r.OpenDBT {
		r.OpenDBT[c] = math.NaN()
		if r.CustAR[c] > 0 {
			r.OpenDBT[c] = weighted[c] / float64(r.CustAR[c])
		}
	}
	r.TotalOpenDBT = math.NaN()
	if r.TotalAR > 0 {
		r.TotalOpenDBT = all / float64(r.TotalAR)
	}
	r.NetAR = r.TotalAR + r.Unapplied
	r.LossRates, r.RateSource = a.lossRates(p)
	for c := 0; c < n; c++ {
		bk := r.CustBuckets.Of(c)
		if bk == nil {
			continue
		}
		if impaired != nil && impaired[c] { // individually assessed: 100 %
			r.CustECL[c] = r.CustAR[c]
		} else {
			for k, v := range bk {
				r.CustECL[c] += roundMoney(float64(v) * r.LossRates[k])
			}
		}
		r.TotalECL += r.CustECL[c]
	}
	for c := 0; c < n; c++ {
		for k, v := range r.CustBuckets.Of(c) {
			if impaired != nil && impaired[c] {
				continue
			}
			r.BucketECL[k] += roundMoney(float64(v) * r.LossRates[k])
		}
	}
	a.payments(p, f)
	a.dso(p, f)
	a.creditScore(p)
	// expected loss: PD from the matrix (ECL / exposure at LGD 1), EAD = open AR
	for c := 0; c < n; c++ {
		if r.CustAR[c] > 0 {
			pd := float64(r.CustECL[c]) / float64(r.CustAR[c])
			r.EL[c] = roundMoney(pd * p.LGD * float64(r.CustAR[c]))
		}
	}
	r.CreditList = a.rankDesc(func(c int) (float64, bool) { return float64(r.EL[c]), r.CustAR[c] > 0 })
	r.arTop, r.arHHI = moneyTopShares(r.CustAR)
	return r
}

// churnRisk values what each customer's churn would cost: CLV × (1 −
// P(alive)) with the model, else trailing-12-month revenue of at-risk and
// lapsed customers (for a customer-level ledger that does not give it, its
// average revenue per year since its first order).
func (a *Analysis) churnRisk(s *stage1) {
	in := valueAtRiskIn{s: s, pAlive: a.PAlive, churn: a.Churn, revenueTTM: a.RevenueTTM}
	if a.PAlive != nil {
		in.clv = a.CLV // without P(alive) the CLV does not enter
	}
	a.ValueAtRisk = a.memo.valueAtRisk.get(in, func() []float64 { a.valueAtRisk(); return a.ValueAtRisk })
}

// valueAtRisk is churnRisk without the memo.
func (a *Analysis) valueAtRisk() {
	a.ValueAtRisk = make([]float64, a.N)
	scale := float64(a.Led.Scale())
	for c := 0; c < a.N; c++ {
		switch {
		case a.PAlive != nil && !math.IsNaN(a.PAlive[c]):
			a.ValueAtRisk[c] = math.Max(0, a.CLV[c]) * (1 - a.PAlive[c])
		case a.Churn[c] == ChurnAtRisk || a.Churn[c] == ChurnLapsed:
			year := float64(a.RevenueTTM[c])
			if a.Base.CustomerLevel && !a.given.ttm {
				year = float64(a.Revenue[c]) * 365 / math.Max(365, float64(a.AsOf-a.Base.FirstDate[c]))
			}
			a.ValueAtRisk[c] = math.Max(0, year/scale)
		}
	}
}

// churnRiskList orders the customers with value at risk by it (desc), then id.
func (a *Analysis) churnRiskList() []int32 {
	return a.memo.churnTop.get(rankIn{key: a.ValueAtRisk, idRank: a.idRank}, func() []int32 {
		return a.rankDesc(func(c int) (float64, bool) { return a.ValueAtRisk[c], a.ValueAtRisk[c] > 0 })
	})
}

// rankDesc lists the customers that key admits, by key descending, then id:
// the radix argsort of the negated keys, with the kept customers' id ranks
// renumbered from 0 (a million customers' credit list in milliseconds).
func (a *Analysis) rankDesc(key func(c int) (float64, bool)) []int32 {
	neg, cust := make([]float64, 0, a.N), make([]int32, 0, a.N) // at most every customer
	below := make([]int32, len(a.idRank)+1)                     // then: how many kept customers rank lower
	for c := 0; c < a.N; c++ {
		if v, ok := key(c); ok {
			neg, cust = append(neg, -v), append(cust, int32(c))
			below[a.idRank[c]+1] = 1
		}
	}
	for r := 1; r < len(below); r++ {
		below[r] += below[r-1]
	}
	rank := make([]int32, len(cust)) // id ranks among the kept customers
	for i, c := range cust {
		rank[i] = below[a.idRank[c]]
	}
	order := argsortKeys(neg, rank)
	for i, j := range order {
		order[i] = cust[j]
	}
	return order
}

func bucketLabels(basis string, edges []float64) []string {
	var out []string
	if basis == "invoice" {
		out = append(out, fmt.Sprintf("0–%g days", edges[0]))
	} else {
		out = append(out, "Current")
	}
	for k := 1; k < len(edges); k++ {
		out = append(out, fmt.Sprintf("%g–%g", edges[k-1]+1, edges[k]))
	}
	return append(out, fmt.Sprintf("%g+", edges[len(edges)-1]+1))
}

// bucketOf places an age (dpd or days since invoice) in a bucket:
// k = 0 for age ≤ e0, k for e_{k−1} < age ≤ e_k, last beyond.
func bucketOf(age int, edges []float64, basis string) int {
	for k, e := range edges {
		if float64(age) <= e {
			return k
		}
	}
	return len(edges)
}

// lossRates returns the rates per bucket after the forward-looking
// multiplier: IASB illustrative, or roll rates from the ledger's history.
func (a *Analysis) lossRates(p Params) ([]float64, string) {
	base := p.LossRates
	source := "IASB illustrative rates — replace with entity history"
	if p.rollRates() {
		if h, why := a.rollRates(p); h != nil {
			base, source = h, "roll rates from the ledger's own history"
		} else {
			source += " (" + why + ")"
		}
	}
	out := make([]float64, len(base))
	for k, v := range base {
		out[k] = math.Min(1, v*p.ForwardMultiplier)
	}
	return out, source
}

// rollRates derives loss rates by the roll-rate method from month-end
// snapshots: RR_b = Σ_t bal_{b+1}(t+1) / Σ_t bal_b(t); the last bucket's
// rate is the share of its balance still unpaid writeoff_candidate_dpd after
// due (or on written-off customers); LR_b = Π_{k ≥ b} RR_k.
func (a *Analysis) rollRates(p Params) ([]float64, string) {
	led := a.Led
	tx := &led.Tx
	switch {
	case led.CustomerLevel():
		return nil, "roll rates need the ledger's rows (month-end balances); a customer-level ledger has at most the items open at the as-of date"
	case !led.HasPaid:
		return nil, "needs paid dates"
	}
	nb := len(p.AgingEdges) + 1
	var ends []Day
	y, m, _ := a.AsOf.Civil()
	for k := 0; k < p.LossLookbackMonth; k++ {
		mm, yy := m-k, y
		for mm <= 0 {
			mm += 12
			yy--
		}
		end := DayFromCivil(yy, mm, DaysInMonth(yy, mm))
		if end > a.AsOf {
			end = a.AsOf
		}
		ends = append([]Day{end}, ends...)
	}
	first := MaxDate(led)
	for _, d := range tx.Date {
		first = min(first, d)
	}
	for len(ends) > 0 && ends[0] < first {
		ends = ends[1:]
	}
	if len(ends) < 6 {
		return nil, "fewer than 6 months of history"
	}
	bal := make([][]float64, len(ends))
	for t := range bal {
		bal[t] = make([]float64, nb)
	}
	lastBal, lastLost := 0.0, 0.0
	terms := Day(p.DefaultTermsDays)
	for i := range tx.Cust {
		if tx.Amount[i] <= 0 {
			continue
		}
		due := tx.Due[i]
		if due == NoDay {
			due = tx.Date[i] + terms
		}
		for t, end := range ends {
			open := led.OpenAt(i, end)
			if open <= 0 {
				continue
			}
			k := bucketOf(int(end-due), p.AgingEdges, "due")
			bal[t][k] += float64(open)
			if k == nb-1 {
				lastBal += float64(open)
				paid := tx.Paid[i]
				wo := led.Customers.WriteOff != nil && led.Customers.WriteOff[tx.Cust[i]]
				if wo || ((paid == NoDay || paid > a.AsOf) && int(a.AsOf-due) >= p.WriteoffDPD) {
					lastLost += float64(open)
				}
			}
		}
	}
	rr := make([]float64, nb)
	for k := 0; k < nb-1; k++ {
		var num, den float64
		for t := 0; t+1 < len(ends); t++ {
			num += bal[t+1][k+1]
			den += bal[t][k]
		}
		if den == 0 {
			return nil, "no balances in bucket " + fmt.Sprint(k+1)
		}
		rr[k] = math.Min(1, num/den)
	}
	if lastBal == 0 {
		return nil, "no balances in the last bucket"
	}
	rr[nb-1] = lastLost / lastBal
	lr := make([]float64, nb)
	prod := 1.0
	for k := nb - 1; k >= 0; k-- {
		prod *= rr[k]
		lr[k] = prod
	}
	return lr, ""
}

// BucketTable is each customer's open receivables by aging bucket, held
// for the customers with open invoices only (a slice header a customer and
// a small array each took 70 bytes where most customers have none).
type BucketTable struct {
	nb   int
	slot []int32 // each customer's row in v, or -1
	v    []Money
}

// newBucketTable is a table of nb buckets a customer, zero, with rows for
// the customers of the open items.
func newBucketTable(n, nb int, open []OpenRow) BucketTable {
	t := BucketTable{nb: nb, slot: make([]int32, n)}
	for c := range t.slot {
		t.slot[c] = -1
	}
	rows := int32(0)
	for _, o := range open {
		if t.slot[o.Cust] < 0 {
			t.slot[o.Cust] = rows
			rows++
		}
	}
	t.v = make([]Money, int(rows)*nb)
	return t
}

// Of returns customer c's buckets (nil: no open invoice). The caller may
// add to them while the table is built.
func (t *BucketTable) Of(c int) []Money {
	if t.slot == nil || t.slot[c] < 0 {
		return nil
	}
	at := int(t.slot[c]) * t.nb
	return t.v[at : at+t.nb : at+t.nb]
}

// payments computes days beyond terms, days to pay and the payment index
// over invoices paid in the last 12 months (§5.3, §5.7).
func (a *Analysis) payments(p Params, f *Receivables) {
	r := a.Risk
	n := a.N
	r.DBT, r.DBTRaw, r.ADTP, r.PayIndex = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	sums := slices.Clone(f.Paid)
	if sums == nil {
		sums = make([]PaidSums, n)
	}
	terms := p.DefaultTermsDays
	for _, u := range f.Undated { // due on the invoice date + default terms
		sums[u.Cust].add(float64(u.Amount), u.DTP-terms, u.DTP, u.Recent, u.N)
	}
	var sw, swdtp float64
	for c := range sums {
		sw += sums[c].W
		swdtp += sums[c].WDTP
	}
	r.PortfolioADTP = math.NaN()
	if sw > 0 {
		r.PortfolioADTP = swdtp / sw
	}
	r.Trend = make([]float64, n)
	for c := range sums {
		s := &sums[c]
		if s.W == 0 {
			r.DBT[c], r.DBTRaw[c], r.ADTP[c] = math.NaN(), math.NaN(), math.NaN()
		} else {
			r.DBT[c], r.DBTRaw[c], r.ADTP[c] = s.WU/s.W, s.WRaw/s.W, s.WDTP/s.W
		}
		r.PayIndex[c] = 50 // thin file
		if s.N >= 3 {
			r.PayIndex[c] = s.WP / 840 / s.W
		}
		// the trend: days beyond terms of the last 3 months against the 9 before
		priorW := s.W - s.RecentW
		if s.RecentW == 0 || priorW == 0 {
			r.Trend[c] = 50 // not enough payments in one of the windows
			continue
		}
		switch d := s.RecentWU/s.RecentW - (s.WU-s.RecentWU)/priorW; {
		case d <= 0:
			r.Trend[c] = 100
		case d <= 10:
			r.Trend[c] = 50
		}
	}
}

// dso computes the ledger's and each customer's DSO (§5.2).
func (a *Analysis) dso(p Params, f *Receivables) {
	r := a.Risk
	starts := monthStarts(a.AsOf)
	r.MonthDays = make([]float64, SalesMonths)
	for k := range r.MonthDays {
		r.MonthDays[k] = float64(starts[k] - starts[k+1])
		if p.DSOMonthDays == "30" {
			r.MonthDays[k] = 30
		}
	}
	r.MonthlySales = slices.Clone(f.Monthly)
	sales := make([]float64, SalesMonths)
	for k, v := range r.MonthlySales {
		sales[k] = float64(v)
	}
	custSales := f.Sales3m
	if custSales == nil {
		custSales = make([]Money, a.N)
	}
	days3 := r.MonthDays[0] + r.MonthDays[1] + r.MonthDays[2]
	r.Sales3m, r.Days3m = custSales, days3
	ar := float64(r.TotalAR)
	r.DSOCountBack, r.DSOExceeds = CountBackDSO(ar, sales, r.MonthDays)
	r.DSOSimple = SimpleDSO(ar, sales[0]+sales[1]+sales[2], days3)
	r.DSO1, r.DSOMethod = r.DSOCountBack, "count-back"
	if p.DSOMethod == "simple" {
		r.DSO1, r.DSOMethod = r.DSOSimple, "simple 3-month"
	}
	r.BPDSO = SimpleDSO(float64(r.BucketTotal[0]), sales[0]+sales[1]+sales[2], days3)
	r.ADD = r.DSOSimple - r.BPDSO
	for c := 0; c < a.N; c++ {
		r.DSO[c] = math.NaN()
		if r.CustAR[c] == 0 {
			r.DSO[c] = 0
			continue
		}
		if float64(custSales[c]) < 0.01*float64(r.CustAR[c]) {
			continue // n/m: sales too small to mean anything
		}
		r.DSO[c] = SimpleDSO(float64(r.CustAR[c]), float64(custSales[c]), days3)
	}
}

// creditScore computes the transparent 0–100 score and grade (§5.7).
func (a *Analysis) creditScore(p Params) {
	led, r := a.Led, a.Risk
	n := a.N
	r.Score, r.Cap, r.Grade = make([]float64, n), make([]ScoreCap, n), make([]int8, n)
	r.Util, r.UtilState = make([]float64, n), make([]UtilState, n)
	cs := &led.Customers
	wt := p.ScoreWeights
	for c := 0; c < n; c++ {
		var comp [5]float64
		comp, r.Util[c], r.UtilState[c] = a.scoreParts(p, c)
		s := 0.0
		for k, v := range comp {
			s += wt[k] * v
		}
		switch {
		case cs.WriteOff != nil && cs.WriteOff[c]:
			s, r.Cap[c] = 0, CapWrittenOff
		case r.MaxDPD[c] >= 91 && s > 40:
			s, r.Cap[c] = 40, CapPastDue
		}
		r.Score[c], r.Grade[c] = s, int8(grade(s))
	}
}

// ScoreComponents returns customer c's credit score components, the
// score's weighted terms (§5.7): payment index, 100·(1 − share more than 30
// days past due), utilisation, trend and tenure. They are computed when
// asked (a customer's card) rather than held for every customer.
func (a *Analysis) ScoreComponents(c int) [5]float64 {
	comp, _, _ := a.scoreParts(a.Params, c)
	return comp
}

// scoreParts is customer c's score components, its use of its credit
// limit (NaN without one) and that use's state.
func (a *Analysis) scoreParts(p Params, c int) (comp [5]float64, util float64, state UtilState) {
	r, b, cs := a.Risk, a.Base, &a.Led.Customers
	share30 := 0.0
	if r.CustAR[c] > 0 {
		share30 = float64(r.Overdue30[c]) / float64(r.CustAR[c])
	}
	U := 50.0
	util, state = math.NaN(), UtilNoLimit
	if cs.HasLimit != nil && cs.HasLimit[c] {
		switch lim := cs.CreditLimit[c]; {
		case lim > 0:
			util = float64(r.CustAR[c]) / float64(lim)
			U = 100 * math.Min(1, math.Max(0, (1.2-util)/0.7))
			switch {
			case util > p.UtilOver:
				state = UtilOver
			case util >= p.UtilWarn:
				state = UtilWarn
			default:
				state = UtilOK
			}
		case r.CustAR[c] > 0:
			state, U = UtilCashOver, 0
		default:
			state = UtilCashOK
		}
	}
	tenure := 0.0
	if b.FirstDate[c] != NoDay {
		tenure = float64(a.AsOf-b.FirstDate[c]) / (365.25 / 12)
	}
	return [5]float64{r.PayIndex[c], 100 * (1 - share30), U, r.Trend[c], 100 * math.Min(1, tenure/36)}, util, state
}

// UtilState is a customer's use of its credit limit (§5.7), a byte a
// customer where its words took sixteen.
type UtilState uint8

const (
	UtilNoLimit  UtilState = iota // no credit limit in the ledger
	UtilOK                        // under util_warn of the limit
	UtilWarn                      // from util_warn to util_over
	UtilOver                      // beyond util_over
	UtilCashOK                    // a zero limit (cash terms), nothing open
	UtilCashOver                  // a zero limit with invoices open
)

var utilStateWords = [...]string{"no limit", "ok", "warn", "over limit", "ok (cash terms)", "over limit (cash terms)"}

// String is the state in words, as the reports and the view show it.
func (u UtilState) String() string { return utilStateWords[u] }

// ScoreCap is the override a credit score received (§5.7).
type ScoreCap uint8

const (
	CapNone       ScoreCap = iota
	CapWrittenOff          // written off or credit-impaired: 0
	CapPastDue             // an invoice 91 days or more past due: at most 40
)

var scoreCapWords = [...]string{"", "written off / credit-impaired: 0", "an invoice ≥ 91 days past due: capped at 40"}

// String is the override in words ("" for none).
func (s ScoreCap) String() string { return scoreCapWords[s] }

// GradeAction returns the suggested action for a grade index.
func GradeAction(g int8) string { return gradeActions[Grades[g]] }

// riskAdjusted computes each customer's risk-adjusted profit (§3.1, §7.1,
// §7.3): CM − ECL − carrying cost, the carrying cost being revenue ×
// expected days to pay / 365 × cost_of_capital_k over the same period as
// the revenue. A customer's expected days to pay is its own payment-weighted
// average over the last 12 months, or the portfolio's when it paid nothing
// in them. n/a without a profit basis or payment data.
func (a *Analysis) riskAdjusted(p Params) {
	r := a.Risk
	switch {
	case !a.Profit.Basis.Known():
		a.RiskAdjNote = "risk-adjusted profit needs profit: " + a.Profit.Note
		return
	case r == nil || !r.Available:
		a.RiskAdjNote = "risk-adjusted profit needs the receivables analysis"
		if r != nil && r.Why != "" {
			a.RiskAdjNote += ": " + r.Why
		}
		return
	case math.IsNaN(r.PortfolioADTP):
		a.RiskAdjNote = "risk-adjusted profit needs days to pay: no invoice was paid in the 12 months before the as-of date"
		return
	}
	a.DaysToPay, a.CarryCost, a.RiskAdjCM = make([]float64, a.N), make([]Money, a.N), make([]Money, a.N)
	for c := range a.DaysToPay {
		dtp := r.ADTP[c]
		if math.IsNaN(dtp) {
			dtp = r.PortfolioADTP
		}
		dtp = math.Max(0, dtp)
		a.DaysToPay[c] = dtp
		if rev := a.Revenue[c]; rev > 0 {
			a.CarryCost[c] = roundMoney(float64(rev) * dtp / 365 * p.CostOfCapital)
		}
		a.RiskAdjCM[c] = a.CM[c] - r.CustECL[c] - a.CarryCost[c]
	}
	a.RiskAdjNote = fmt.Sprintf("profit − ECL − revenue × days to pay / 365 × %s (cost_of_capital_k); days to pay: the customer's own over the last 12 months, else the portfolio's %.1f",
		FormatPct(p.CostOfCapital), r.PortfolioADTP)
}
