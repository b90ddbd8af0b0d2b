package model

import (
	"cmp"
	"slices"
)

// AggregateOracle is exported to the external tests.
var AggregateOracle = aggregateOracle

// aggregateOracle is Aggregate as it was first written: each customer's
// rows sorted by comparison, its documents grouped by sorting them by id and
// then by date. The test oracle of the counting sorts and the grouping that
// skips the sorts when a customer's documents are distinct.
func aggregateOracle(l *Ledger, asOf Day) *Base {
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
			docs = b.customerOracle(l, c, rows, docs[:0])
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

// customerOracle fills the aggregates of customer c from its date-sorted rows.
func (b *Base) customerOracle(l *Ledger, c int, rows []int32, docs []docAgg) []docAgg {
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
