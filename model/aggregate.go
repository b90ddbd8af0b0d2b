package model

import (
	"cmp"
	"slices"
)

// Base holds the per-customer aggregates of spec §0: stage 1, computed once per
// ledger and as-of date and shared by every analysis. Rows dated after AsOf
// are ignored. Slices are indexed by customer.
type Base struct {
	AsOf     Day
	Decimals int

	FirstDate    []Day // first document of any kind (NoDay if none up to AsOf)
	FirstBuy     []Day // first purchase event (NoDay if none)
	LastPurchase []Day // last purchase event (NoDay if none)
	Docs         []int32
	PurchaseDocs []int32 // documents with net revenue ≥ 0: not credit notes (RFM frequency)
	PurchaseDays []int32 // distinct days with a purchase event
	Lines        []int32 // rows used
	ReturnDocs   []int32 // documents with net revenue < 0
	Revenue      []Money // net revenue
	Cost         []Money // net cost over rows whose cost is known
	CostKnown    []bool  // some row of the customer carries a cost
	ReturnValue  []Money // Σ |net| of return documents (positive)
	OpenInvoices []Money // gross open invoices at AsOf (spec §5.1; 0 without payment data)
	OpenCredits  []Money // unapplied credit notes and overpayments at AsOf (≤ 0)

	// Rows of each customer sorted by date then row number:
	// RowIdx[RowStart[c]:RowStart[c+1]].
	RowStart []int32
	RowIdx   []int32

	// Documents of each customer in date order, merged from their rows:
	// Doc*[DocStart[c]:DocStart[c+1]]. Windowed figures (TTM, RFM windows,
	// cohort retention) are sums over these.
	DocStart []int32
	DocDate  []Day
	DocNet   []Money // net revenue of the document
	DocCost  []Money // cost of its rows whose cost is known
	DocLines []int32

	RowsAfterAsOf int   // rows ignored because they are dated after AsOf
	TotalRevenue  Money // Σ Revenue
	HasOpenAR     bool  // the ledger carries payment data
	CustomerLevel bool  // built from a customer-level ledger's totals: no documents
}

// DefaultAsOf is the as-of date when none is given: the ledger's last date,
// or, when the importer found dates far beyond the rest (a 2199 typo), the
// last date before them (Ledger.RegularEnd; the data-quality report says so).
func DefaultAsOf(l *Ledger) Day {
	if l.RegularEnd != 0 && l.RegularEnd != NoDay {
		return l.RegularEnd
	}
	return MaxDate(l)
}

// MaxDate returns the latest transaction date of the ledger (NoDay if empty).
func MaxDate(l *Ledger) Day {
	if l.Totals != nil {
		return l.Totals.lastOrder()
	}
	m := NoDay
	for _, d := range l.Tx.Date {
		if d > m {
			m = d
		}
	}
	return m
}

// Aggregate computes the base aggregates at asOf.
func Aggregate(l *Ledger, asOf Day) *Base {
	if l.Totals != nil {
		return aggregateTotals(l, asOf)
	}
	nc := l.Customers.Len()
	tx := &l.Tx
	b := &Base{
		AsOf: asOf, Decimals: l.Decimals,
		FirstDate: make([]Day, nc), FirstBuy: make([]Day, nc), LastPurchase: make([]Day, nc),
		Docs: make([]int32, nc), PurchaseDocs: make([]int32, nc), PurchaseDays: make([]int32, nc),
		Lines: make([]int32, nc), ReturnDocs: make([]int32, nc),
		Revenue: make([]Money, nc), Cost: make([]Money, nc), CostKnown: make([]bool, nc),
		ReturnValue: make([]Money, nc), OpenInvoices: make([]Money, nc), OpenCredits: make([]Money, nc),
		RowStart:  make([]int32, nc+1),
		HasOpenAR: l.HasOpenItems(),
	}
	// Counting sort of the rows by customer: O(n), no per-row allocation.
	for i, c := range tx.Cust {
		if tx.Date[i] > asOf {
			b.RowsAfterAsOf++
			continue
		}
		b.RowStart[c+1]++
	}
	for c := 0; c < nc; c++ {
		b.RowStart[c+1] += b.RowStart[c]
	}
	b.RowIdx = make([]int32, b.RowStart[nc])
	fill := slices.Clone(b.RowStart[:nc])
	for i, c := range tx.Cust {
		if tx.Date[i] > asOf {
			continue
		}
		b.RowIdx[fill[c]] = int32(i)
		fill[c]++
	}
	// Customers are independent: split them over the cores. Each worker keeps
	// its customers' documents; they are joined in customer order afterwards.
	const minPer = 5000
	parts := make([][]docAgg, workersFor(nc, minPer))
	counts := make([]int32, nc)
	parallelRange(nc, minPer, func(w, lo, hi int) {
		var docs []docAgg
		all := make([]docAgg, 0, b.RowStart[hi]-b.RowStart[lo]) // at most one document per row
		for c := lo; c < hi; c++ {
			rows := b.RowIdx[b.RowStart[c]:b.RowStart[c+1]]
			slices.SortFunc(rows, func(x, y int32) int {
				if d := cmp.Compare(tx.Date[x], tx.Date[y]); d != 0 {
					return d
				}
				return cmp.Compare(x, y)
			})
			docs = b.customer(l, c, rows, docs[:0])
			counts[c] = int32(len(docs))
			all = append(all, docs...)
		}
		parts[w] = all
	})
	b.DocStart = make([]int32, nc+1)
	for c := 0; c < nc; c++ {
		b.DocStart[c+1] = b.DocStart[c] + counts[c]
	}
	nd := b.DocStart[nc]
	b.DocDate, b.DocNet, b.DocCost, b.DocLines = make([]Day, 0, nd), make([]Money, 0, nd), make([]Money, 0, nd), make([]int32, 0, nd)
	for _, part := range parts {
		for _, d := range part {
			b.DocDate = append(b.DocDate, d.date)
			b.DocNet = append(b.DocNet, d.net)
			b.DocCost = append(b.DocCost, d.cost)
			b.DocLines = append(b.DocLines, d.lines)
		}
	}
	for _, r := range b.Revenue {
		b.TotalRevenue += r
	}
	return b
}

type docAgg struct {
	key   uint64 // hash of the document id (0 without one)
	doc   int32  // Docs entry, or -1 - row for a row without a document id
	date  Day
	net   Money
	cost  Money
	lines int32
}

// customer fills the aggregates of customer c from its date-sorted rows.
func (b *Base) customer(l *Ledger, c int, rows []int32, docs []docAgg) []docAgg {
	tx := &l.Tx
	b.FirstDate[c], b.FirstBuy[c], b.LastPurchase[c] = NoDay, NoDay, NoDay
	b.Lines[c] = int32(len(rows))
	for _, i := range rows {
		b.Revenue[c] += tx.Amount[i]
		cost := Money(0)
		if tx.CostKnown != nil && tx.CostKnown[i] {
			cost = tx.Cost[i]
			b.Cost[c] += cost
			b.CostKnown[c] = true
		}
		if b.HasOpenAR {
			if open := l.OpenAt(int(i), b.AsOf); open > 0 {
				b.OpenInvoices[c] += open
			} else {
				b.OpenCredits[c] += open
			}
		}
		doc := int32(-1)
		if tx.Doc != nil {
			doc = tx.Doc[i]
		}
		if doc < 0 { // each row is its own document
			docs = append(docs, docAgg{doc: -1 - i, date: tx.Date[i], net: tx.Amount[i], cost: cost, lines: 1})
			continue
		}
		docs = append(docs, docAgg{key: l.Docs.Hash[doc], doc: doc, date: tx.Date[i], net: tx.Amount[i], cost: cost, lines: 1})
	}
	if len(rows) == 0 {
		return docs
	}
	b.FirstDate[c] = tx.Date[rows[0]]
	// Group rows of one document (they may sit on different dates); the
	// document's date is its earliest row's date.
	dt := &l.Docs
	slices.SortStableFunc(docs, func(x, y docAgg) int {
		if c := cmp.Compare(x.key, y.key); c != 0 || x.doc < 0 || y.doc < 0 {
			if c == 0 {
				return cmp.Compare(x.doc, y.doc)
			}
			return c
		}
		return dt.Compare(x.doc, y.doc)
	})
	merged := docs[:0]
	for _, d := range docs {
		if n := len(merged); n > 0 && d.doc >= 0 && merged[n-1].doc >= 0 && dt.Equal(merged[n-1].doc, d.doc) {
			merged[n-1].net += d.net
			merged[n-1].cost += d.cost
			merged[n-1].lines += d.lines
			merged[n-1].date = min(merged[n-1].date, d.date)
			continue
		}
		merged = append(merged, d)
	}
	slices.SortStableFunc(merged, func(x, y docAgg) int { return cmp.Compare(x.date, y.date) })
	b.Docs[c] = int32(len(merged))
	lastDay := NoDay
	for _, d := range merged {
		switch {
		case d.net >= 0: // zero-value documents (free goods) are purchases too
			b.PurchaseDocs[c]++
			if b.FirstBuy[c] == NoDay {
				b.FirstBuy[c] = d.date
			}
			b.LastPurchase[c] = d.date
			if d.date != lastDay {
				b.PurchaseDays[c]++
				lastDay = d.date
			}
		case d.net < 0:
			b.ReturnDocs[c]++
			b.ReturnValue[c] -= d.net
		}
	}
	return merged
}

// HasOpenItems reports whether the ledger carries payment data from which
// open receivables can be computed.
func (l *Ledger) HasOpenItems() bool {
	return l.HasPaid || l.HasOutstanding
}

// OpenAt returns the open balance of row i at asOf (spec §5.1): the invoice
// amount less what was paid on or before asOf. An invoice paid after asOf is
// open at it. With only an outstanding-balance column, that balance is used.
func (l *Ledger) OpenAt(i int, asOf Day) Money {
	tx := &l.Tx
	if tx.Date[i] > asOf {
		return 0
	}
	if l.HasPaid {
		p := tx.Paid[i]
		if p == NoDay || p > asOf {
			return tx.Amount[i]
		}
		if l.HasPaidAmount {
			return tx.Amount[i] - tx.PaidAmt[i]
		}
		return 0
	}
	if l.HasOutstanding {
		return tx.Open[i]
	}
	return 0
}
