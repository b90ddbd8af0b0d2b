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
	b := newBase(l, asOf)
	b.RowIdx = rowsByCustomer(&l.Tx, asOf, b.RowStart)
	b.RowsAfterAsOf = l.Tx.Len() - len(b.RowIdx)
	b.documents(func(c int, sc *docScratch) []docAgg {
		return b.customer(l, c, b.RowIdx[b.RowStart[c]:b.RowStart[c+1]], sc)
	})
	return b
}

// newBase is the base of l at asOf with its per-customer columns allocated.
func newBase(l *Ledger, asOf Day) *Base {
	nc := l.Customers.Len()
	return &Base{
		AsOf: asOf, Decimals: l.Decimals,
		FirstDate: make([]Day, nc), FirstBuy: make([]Day, nc), LastPurchase: make([]Day, nc),
		Docs: make([]int32, nc), PurchaseDocs: make([]int32, nc), PurchaseDays: make([]int32, nc),
		Lines: make([]int32, nc), ReturnDocs: make([]int32, nc),
		Revenue: make([]Money, nc), Cost: make([]Money, nc), CostKnown: make([]bool, nc),
		ReturnValue: make([]Money, nc), OpenInvoices: make([]Money, nc), OpenCredits: make([]Money, nc),
		RowStart:  make([]int32, nc+1),
		HasOpenAR: l.HasOpenItems(),
	}
}

// documents runs customer (which fills a customer's aggregates and returns
// its documents) for every customer, split over the cores, and joins the
// documents in customer order; then the total revenue.
func (b *Base) documents(customer func(c int, sc *docScratch) []docAgg) {
	nc := len(b.Revenue)
	// Each worker keeps its customers' documents.
	const minPer = 5000
	parts := make([][]docAgg, workersFor(nc, minPer))
	counts := make([]int32, nc)
	parallelRange(nc, minPer, func(w, lo, hi int) {
		var sc docScratch
		all := make([]docAgg, 0, b.RowStart[hi]-b.RowStart[lo]) // at most one document per row
		for c := lo; c < hi; c++ {
			docs := customer(c, &sc)
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
}

// maxDateSpan bounds the days a counting sort by date counts over (years 1
// to 9999 are within it); wider, the rows are sorted by comparison.
const maxDateSpan = 1 << 22

// rowsBySorting is rowsByCustomer by sorting each customer's rows.
func rowsBySorting(tx *Transactions, asOf Day, start, out []int32) []int32 {
	fill := slices.Clone(start[:len(start)-1])
	for i, c := range tx.Cust {
		if tx.Date[i] <= asOf {
			out[fill[c]] = int32(i)
			fill[c]++
		}
	}
	for c := 0; c+1 < len(start); c++ {
		slices.SortFunc(out[start[c]:start[c+1]], func(x, y int32) int {
			if d := cmp.Compare(tx.Date[x], tx.Date[y]); d != 0 {
				return d
			}
			return cmp.Compare(x, y)
		})
	}
	return out
}

type docAgg struct {
	key   uint64 // hash of the document id (0 without one)
	doc   int32  // Docs entry, or -1 - row for a row without a document id
	date  Day
	net   Money
	cost  Money
	lines int32
}

// rowsByCustomer returns the rows dated on or before asOf grouped by
// customer, each customer's in date then row order, and fills start (one
// more entry than customers) with where each customer's rows begin: a
// counting sort by date, then a stable one by customer, so no row is
// compared with another.
func rowsByCustomer(tx *Transactions, asOf Day, start []int32) []int32 {
	lo, hi, n := NoDay, NoDay, 0
	for i, d := range tx.Date {
		if d > asOf {
			continue
		}
		if n == 0 || d < lo {
			lo = d
		}
		hi = max(hi, d)
		n++
		start[tx.Cust[i]+1]++
	}
	for c := 1; c < len(start); c++ {
		start[c] += start[c-1]
	}
	out := make([]int32, n)
	if n == 0 {
		return out
	}
	if int64(hi)-int64(lo) > maxDateSpan {
		return rowsBySorting(tx, asOf, start, out)
	}
	byDate := make([]int32, n)
	at := make([]int32, int(hi-lo)+2)
	for _, d := range tx.Date {
		if d <= asOf {
			at[d-lo+1]++
		}
	}
	for k := 1; k < len(at); k++ {
		at[k] += at[k-1]
	}
	for i, d := range tx.Date {
		if d <= asOf {
			byDate[at[d-lo]] = int32(i)
			at[d-lo]++
		}
	}
	fill := slices.Clone(start[:len(start)-1])
	for _, i := range byDate {
		c := tx.Cust[i]
		out[fill[c]] = i
		fill[c]++
	}
	return out
}

// docScratch is a worker's reusable storage for one customer's documents.
type docScratch struct {
	docs []docAgg
	keys []uint64
}

// customer fills the aggregates of customer c from its rows (in date, then
// row order) and returns its documents: rows of one document merged, the
// document dated by its earliest row, in date order and, within a day, by
// id hash and id (rows without a document id by row, the later first).
func (b *Base) customer(l *Ledger, c int, rows []int32, sc *docScratch) []docAgg {
	tx := &l.Tx
	docs := sc.docs[:0]
	defer func() { sc.docs = docs[:0] }()
	b.FirstDate[c], b.FirstBuy[c], b.LastPurchase[c] = NoDay, NoDay, NoDay
	b.Lines[c] = int32(len(rows))
	for _, i := range rows {
		cost, doc := b.addRow(l, c, i)
		if doc < 0 { // each row is its own document
			docs = append(docs, docAgg{doc: -1 - i, date: tx.Date[i], net: tx.Amount[i], cost: cost, lines: 1})
			continue
		}
		// the next line of the same entry (same date, as rows are in date
		// order): the same document
		if n := len(docs); n > 0 && docs[n-1].doc == doc {
			docs[n-1].net += tx.Amount[i]
			docs[n-1].cost += cost
			docs[n-1].lines++
			continue
		}
		docs = append(docs, docAgg{key: l.Docs.Hash[doc], doc: doc, date: tx.Date[i], net: tx.Amount[i], cost: cost, lines: 1})
	}
	if len(rows) == 0 {
		return docs
	}
	b.FirstDate[c] = tx.Date[rows[0]]
	if sc.distinctKeys(docs) {
		// no two entries can hold the same id: only the order within a day
		// is left to set
		slices.SortFunc(docs, func(x, y docAgg) int {
			if c := cmp.Compare(x.date, y.date); c != 0 {
				return c
			}
			if c := cmp.Compare(x.key, y.key); c != 0 {
				return c
			}
			return cmp.Compare(x.doc, y.doc)
		})
	} else {
		docs = groupDocs(docs, &l.Docs)
	}
	b.countDocs(c, docs)
	return docs
}

// countDocs fills customer c's document counts and purchase dates from
// its documents in date order.
func (b *Base) countDocs(c int, docs []docAgg) {
	b.Docs[c] = int32(len(docs))
	lastDay := NoDay
	for _, d := range docs {
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
}

// addRow adds row i to customer c's sums and returns the row's known cost
// and its Docs entry (-1 without one).
func (b *Base) addRow(l *Ledger, c int, i int32) (Money, int32) {
	tx := &l.Tx
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
	if tx.Doc == nil {
		return cost, -1
	}
	return cost, tx.Doc[i]
}

// groupDocs merges the entries of one document (they may sit on different
// dates; the earliest dates it) by sorting them by id, then orders the
// documents by date, stably.
func groupDocs(docs []docAgg, dt *DocTable) []docAgg {
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
	return merged
}

// distinctKeys says whether the documents' id hashes (of those with an id)
// are all different, so that no two of them hold the same id.
func (sc *docScratch) distinctKeys(docs []docAgg) bool {
	keys := sc.keys[:0]
	for _, d := range docs {
		if d.doc >= 0 {
			keys = append(keys, d.key)
		}
	}
	sc.keys = keys
	if len(keys) <= 8 {
		for i := range keys {
			for j := range i {
				if keys[i] == keys[j] {
					return false
				}
			}
		}
		return true
	}
	slices.Sort(keys)
	for i := 1; i < len(keys); i++ {
		if keys[i] == keys[i-1] {
			return false
		}
	}
	return true
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
