package model

import (
	"math"
	"slices"
)

// Totals is what a customer-level ledger holds instead of transactions: one
// row per customer with its total sales, number of orders, first and last
// order dates, cost and receivable balance (what many small firms keep).
// With Totals the ledger has no rows (Ledger.Tx is empty); every figure that
// can be computed from the totals is, and what needs transactions is n/a
// with the reason (Analysis.Warnings, CustomerLevelNA).
type Totals struct {
	Sales      []Money // total net sales (required)
	Cost       []Money // total cost, where HasCost
	HasCost    []bool
	Orders     []int32 // number of orders, where HasOrders (counted as purchase days)
	HasOrders  []bool
	First      []Day // first order; NoDay when not given
	Last       []Day // last order; NoDay when not given
	Balance    []Money
	HasBalance []bool
	// Repeat is the sales on the customer's purchase days but the first
	// (the Gamma-Gamma spend's sum, spec §4.2), where HasRepeat; RepeatCost
	// the cost on those days, where HasRepeatCost.
	Repeat        []Money
	HasRepeat     []bool
	RepeatCost    []Money
	HasRepeatCost []bool
	// TTM is the sales in the 12 months to the as-of date (365 days: the
	// pyramid's key), where HasTTM; TTMCost their cost, where HasTTMCost.
	TTM        []Money
	HasTTM     []bool
	TTMCost    []Money
	HasTTMCost []bool
	// Prior is the sales in the 12 months before those (days 366 to 730
	// before the as-of date), where HasPrior: with TTM, the lifecycle's
	// growth.
	Prior    []Money
	HasPrior []bool
	// PurchaseDocs is the number of purchase documents (invoices that are
	// not credit notes: RFM frequency and cost to serve per order), where
	// HasPurchaseDocs; else the orders stand for them.
	PurchaseDocs    []int32
	HasPurchaseDocs []bool
	// GapSquares is Σ of the squared days between consecutive purchase
	// days (with orders, first and last: the gaps' mean and spread, the
	// buying pattern), where HasGapSquares.
	GapSquares    []int64
	HasGapSquares []bool
	// Activity marks, per customer, the years (Activity[0]) and the
	// quarters (Activity[1], 91 days) back from the as-of date with a
	// purchase: bit k, the k-th period back (simple-CLV retention), where
	// HasActivity.
	Activity    [2][]uint16
	HasActivity [2][]bool
	// FirstDoc is the date of the first document of any kind (a credit
	// note may come before the first order: the customer's tenure); NoDay
	// when not given, and the first order stands for it.
	FirstDoc []Day
}

// given says which of its optional per-customer figures a customer-level
// ledger gives for every customer (the rows' summary does): decided once
// at stage 1; the zero value for a ledger of rows.
type given struct {
	repeat   bool    // repeat sales: the Gamma-Gamma spend leaves the first order out
	ttm      bool    // trailing-12-month sales and cost: the pyramid ranks by them
	periods  bool    // and the 12 months before: lifecycle stages
	gaps     bool    // squared gaps between purchase days: buying patterns
	activity [2]bool // purchase years, quarters: simple-CLV retention
	serve    bool    // lines and returns counted by the source (Activity.Serve): the cost to serve
}

func (t *Totals) given() given {
	all := func(has []bool) bool { return len(has) > 0 && !slices.Contains(has, false) }
	g := given{repeat: true, ttm: all(t.HasTTM), gaps: all(t.HasGapSquares),
		activity: [2]bool{all(t.HasActivity[0]), all(t.HasActivity[1])}}
	g.periods = g.ttm && all(t.HasPrior)
	for c, n := range t.Orders {
		g.repeat = g.repeat && !(t.HasOrders[c] && n > 1 && !t.HasRepeat[c])
	}
	return g
}

// activityIndex is the index in Totals.Activity of periods of length days
// (365 or 91), −1 for another length.
func activityIndex(days int) int {
	switch days {
	case 365:
		return 0
	case 91:
		return 1
	}
	return -1
}

// customerLevelPatternNA is said when the gaps between purchase days are
// not given for every customer (given.gaps).
const customerLevelPatternNA = "customer-level ledger: buying patterns need the dates of every purchase and are not computed"

// gapCVs is Base.gapCVs from the orders, first and last order and the
// squared gaps (given.gaps): k = orders − 1 gaps spanning last − first (see
// gapCV).
func (t *Totals) gapCVs() (cv []float64, days []int) {
	cv, days = make([]float64, len(t.Orders)), make([]int, len(t.Orders))
	for c := range cv {
		cv[c] = math.NaN()
		if t.HasOrders[c] {
			days[c] = int(t.Orders[c])
		}
		if days[c] < 3 || t.First[c] == NoDay || t.Last[c] == NoDay {
			continue
		}
		cv[c] = gapCV(days[c]-1, int64(t.Last[c]-t.First[c]), t.GapSquares[c])
	}
	return cv, days
}

// CustomerLevel reports whether the ledger is a customer-level summary.
func (l *Ledger) CustomerLevel() bool { return l.Totals != nil }

// customerLevelAgingNA says what a customer-level ledger cannot give, and
// why; the other sentences below are said when a column is missing.
const customerLevelAgingNA = "customer-level ledger: aging, ECL, DSO and the credit score need invoices; balances and credit utilisation are among the customer's figures"

// customerLevelServeNA is said when a customer-level ledger without
// document counts is charged per line or per return.
const customerLevelServeNA = "customer-level ledger: the cost to serve counts each order as one line and no returns (cts_per_line, cts_per_return and cts_return_value_pct need the rows' documents)"

// customerLevelPeriodsNA is said when the sales of the two 12-month
// periods are not given for every customer (given.periods).
const customerLevelPeriodsNA = "customer-level ledger: lifecycle stages need revenue by period (the trailing 12 months against the 12 before) and are not computed"

// customerLevelTTMNA is said when some customer's trailing-12-month sales
// are not given (given.ttm).
const customerLevelTTMNA = "customer-level ledger: the pyramid, spend tiers and margins use total sales, not the trailing 12 months"

// customerLevelSpendNA is said when some customer's repeat sales are not
// given (given.repeat).
const customerLevelSpendNA = "customer-level ledger: the Gamma-Gamma spend is each customer's total over its number of orders, the first order included (there are no per-order amounts)"

// aggregateTotals is Aggregate for a customer-level ledger: the base's
// per-customer figures come straight from the totals; there are no rows or
// documents.
func aggregateTotals(l *Ledger, asOf Day) *Base {
	t := l.Totals
	nc := l.Customers.Len()
	b := &Base{
		AsOf: asOf, Decimals: l.Decimals, CustomerLevel: true,
		FirstDate: slices.Clone(t.First), FirstBuy: slices.Clone(t.First), LastPurchase: slices.Clone(t.Last),
		Docs: make([]int32, nc), PurchaseDocs: make([]int32, nc), PurchaseDays: make([]int32, nc),
		Lines: make([]int32, nc), ReturnDocs: make([]int32, nc),
		Revenue: slices.Clone(t.Sales), Cost: make([]Money, nc), CostKnown: make([]bool, nc),
		ReturnValue: make([]Money, nc), OpenInvoices: make([]Money, nc), OpenCredits: make([]Money, nc),
		RowStart: make([]int32, nc+1), DocStart: make([]int32, nc+1),
	}
	for c := 0; c < nc; c++ {
		if d := t.FirstDoc[c]; d != NoDay && (b.FirstDate[c] == NoDay || d < b.FirstDate[c]) {
			b.FirstDate[c] = d
		}
		if b.FirstDate[c] == NoDay {
			b.FirstDate[c] = t.Last[c]
		}
		if t.HasOrders[c] {
			b.Docs[c], b.PurchaseDocs[c], b.PurchaseDays[c], b.Lines[c] = t.Orders[c], t.Orders[c], t.Orders[c], t.Orders[c]
		}
		if t.HasPurchaseDocs[c] {
			b.Docs[c], b.PurchaseDocs[c] = t.PurchaseDocs[c], t.PurchaseDocs[c]
		}
		if t.HasCost[c] {
			b.Cost[c], b.CostKnown[c] = t.Cost[c], true
		}
		b.TotalRevenue += b.Revenue[c]
	}
	if act := l.Activity; act != nil && act.AsOf == asOf && act.Serve != nil { // the source counted the documents
		all := &act.Serve.All
		copy(b.Lines, all.Lines)
		copy(b.ReturnDocs, all.ReturnDocs)
		copy(b.ReturnValue, all.ReturnValue)
		for c := range nc {
			b.Docs[c] += all.ReturnDocs[c]
		}
	}
	return b
}

// lastOrder returns the latest last-order date of a customer-level ledger.
func (t *Totals) lastOrder() Day {
	m := NoDay
	for c, d := range t.Last {
		if d != NoDay && d > m {
			m = d
		}
		if f := t.First[c]; f != NoDay && f > m {
			m = f
		}
	}
	return m
}
