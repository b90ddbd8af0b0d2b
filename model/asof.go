package model

// Until returns the ledger as it was at asOf: only rows dated on or before
// it, and only customers with at least one such row (spec §0: "rows with
// date > A are ignored"; a customer acquired later does not exist yet).
// Payment dates after asOf are kept: OpenAt treats them as unpaid at asOf.
// When nothing is left out, the ledger itself is returned.
func (l *Ledger) Until(asOf Day) (out *Ledger, info AsOfInfo) {
	if l.Totals != nil {
		return l, info // totals cannot be cut at a date (stage1 keeps the as-of date at or after them)
	}
	tx := &l.Tx
	nc := l.Customers.Len()
	seen := make([]bool, nc)
	for i, d := range tx.Date {
		if d > asOf {
			info.RowsAfter++
			continue
		}
		seen[tx.Cust[i]] = true
	}
	remap := make([]int32, nc)
	kept := 0
	for c := range remap {
		remap[c] = -1
		if seen[c] {
			remap[c] = int32(kept)
			kept++
		}
	}
	info.CustomersAbsent = nc - kept
	if info.RowsAfter == 0 && info.CustomersAbsent == 0 {
		return l, info
	}
	out = &Ledger{Decimals: l.Decimals, Docs: l.Docs, HasCost: l.HasCost, HasDue: l.HasDue, HasPaid: l.HasPaid,
		HasPaidAmount: l.HasPaidAmount, HasOutstanding: l.HasOutstanding}
	rows := make([]int32, 0, tx.Len()-info.RowsAfter)
	for i, d := range tx.Date {
		if d <= asOf {
			rows = append(rows, int32(i))
		}
	}
	t := &out.Tx
	t.Cust = make([]int32, len(rows))
	for k, i := range rows {
		t.Cust[k] = remap[tx.Cust[i]]
	}
	t.Date = pick(tx.Date, rows)
	t.Amount = pick(tx.Amount, rows)
	t.Cost = pick(tx.Cost, rows)
	t.CostKnown = pick(tx.CostKnown, rows)
	t.Doc = pick(tx.Doc, rows)
	t.Due = pick(tx.Due, rows)
	t.Paid = pick(tx.Paid, rows)
	t.PaidAmt = pick(tx.PaidAmt, rows)
	t.Open = pick(tx.Open, rows)
	for _, a := range tx.Attrs {
		t.Attrs = append(t.Attrs, a.pick(rows))
	}
	t.Channel, t.Category = tx.Channel.pick(rows), tx.Category.pick(rows)
	custs := make([]int32, 0, kept)
	for c, k := range remap {
		if k >= 0 {
			custs = append(custs, int32(c))
		}
	}
	cs, o := &l.Customers, &out.Customers
	o.ID, o.Name, o.Region = pick(cs.ID, custs), pick(cs.Name, custs), pick(cs.Region, custs)
	o.Industry, o.Channel, o.Type = pick(cs.Industry, custs), pick(cs.Channel, custs), pick(cs.Type, custs)
	o.CreditLimit, o.HasLimit = pick(cs.CreditLimit, custs), pick(cs.HasLimit, custs)
	o.Employees, o.HasEmployees = pick(cs.Employees, custs), pick(cs.HasEmployees, custs)
	o.Revenue, o.HasRevenue = pick(cs.Revenue, custs), pick(cs.HasRevenue, custs)
	o.Assets, o.HasAssets = pick(cs.Assets, custs), pick(cs.HasAssets, custs)
	o.WriteOff = pick(cs.WriteOff, custs)
	for _, a := range cs.Attrs {
		o.Attrs = append(o.Attrs, Attribute{Name: a.Name, Values: pick(a.Values, custs)})
	}
	return out, info
}

// AsOfInfo says what the as-of date left out of the analysis.
type AsOfInfo struct {
	RowsAfter       int  // rows dated after the as-of date
	CustomersAbsent int  // customers without a row on or before it (not yet acquired, or no transactions)
	Moved           bool // a customer-level ledger's as-of date was before its last order date and moved to it
	Asked           Day  // the date asked for, when Moved
}

// pick returns v[idx[0]], v[idx[1]], …; nil stays nil (an absent column).
func pick[T any](v []T, idx []int32) []T {
	if v == nil {
		return nil
	}
	out := make([]T, len(idx))
	for k, i := range idx {
		out[k] = v[i]
	}
	return out
}
