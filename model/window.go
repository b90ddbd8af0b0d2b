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
func (b *Base) WindowOf(from, to Day) *Window { return b.window(from, to, true) }

// RevenueOf is WindowOf's Revenue alone, for a period that needs no more
// (the twelve months before the trailing twelve): a million customers'
// other columns would take 36 MB.
func (b *Base) RevenueOf(from, to Day) []Money { return b.window(from, to, false).Revenue }

// window is WindowOf; without all, only Revenue is filled.
func (b *Base) window(from, to Day, all bool) *Window {
	n := len(b.Revenue)
	w := &Window{From: from, To: to, Revenue: make([]Money, n)}
	if all {
		w.PurchaseDocs, w.PurchaseDays, w.ReturnDocs = make([]int32, n), make([]int32, n), make([]int32, n)
		w.ReturnValue, w.Lines, w.Cost, w.LastPurchase = make([]Money, n), make([]int32, n), make([]Money, n), make([]Day, n)
	}
	for c := 0; c < n; c++ {
		last := NoDay
		for k := b.DocStart[c]; k < b.DocStart[c+1]; k++ {
			d := b.DocDate[k]
			if d <= from || d > to {
				continue
			}
			net := b.DocNet[k]
			w.Revenue[c] += net
			if !all {
				continue
			}
			w.Cost[c] += b.DocCost[k]
			w.Lines[c] += b.LinesOf(k)
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
		if all {
			w.LastPurchase[c] = last
		}
	}
	return w
}
