package model

// Window holds per-customer figures over the documents dated in (From, To].
type Window struct {
	From, To     Day
	PurchaseDocs []int32
	PurchaseDays []int32
	ReturnDocs   []int32
	ReturnValue  []Money
	Lines        []int32
	Revenue      []Money
	Cost         []Money
	LastPurchase []Day
}

// WindowOf sums each customer's documents dated after from and up to to.
func (b *Base) WindowOf(from, to Day) *Window {
	n := len(b.Revenue)
	w := &Window{From: from, To: to,
		PurchaseDocs: make([]int32, n), PurchaseDays: make([]int32, n), ReturnDocs: make([]int32, n),
		ReturnValue: make([]Money, n), Lines: make([]int32, n), Revenue: make([]Money, n),
		Cost: make([]Money, n), LastPurchase: make([]Day, n)}
	for c := 0; c < n; c++ {
		last := NoDay
		for k := b.DocStart[c]; k < b.DocStart[c+1]; k++ {
			d := b.DocDate[k]
			if d <= from || d > to {
				continue
			}
			net := b.DocNet[k]
			w.Revenue[c] += net
			w.Cost[c] += b.DocCost[k]
			w.Lines[c] += b.DocLines[k]
			switch {
			case net >= 0:
				w.PurchaseDocs[c]++
				if d != last {
					w.PurchaseDays[c]++
					last = d
				}
			case net < 0:
				w.ReturnDocs[c]++
				w.ReturnValue[c] -= net
			}
		}
		w.LastPurchase[c] = last
	}
	return w
}
