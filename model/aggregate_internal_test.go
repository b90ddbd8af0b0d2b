package model

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
	b := newBase(l, asOf)
	nc := l.Customers.Len()
	tx := &l.Tx
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
	// each customer's rows sorted by comparison
	b.RowIdx = rowsBySorting(tx, asOf, b.RowStart, make([]int32, b.RowStart[nc]))
	b.documents(func(c int, sc *docScratch) []docAgg {
		rows := b.RowIdx[b.RowStart[c]:b.RowStart[c+1]]
		return b.customerOracle(l, c, rows, nil)
	})
	return b
}

// customerOracle fills the aggregates of customer c from its date-sorted
// rows, grouping its documents by sorting them by id whether or not any
// repeats.
func (b *Base) customerOracle(l *Ledger, c int, rows []int32, docs []docAgg) []docAgg {
	tx := &l.Tx
	b.FirstDate[c], b.FirstBuy[c], b.LastPurchase[c] = NoDay, NoDay, NoDay
	b.Lines[c] = int32(len(rows))
	for _, i := range rows {
		cost, doc := b.addRow(l, c, i)
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
	docs = groupDocs(docs, &l.Docs)
	b.countDocs(c, docs)
	return docs
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
