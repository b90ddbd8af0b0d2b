package model

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
)

// Receivables is what the receivables analysis (§5) takes from a ledger's
// rows at one as-of date: the invoices open then, the credit notes and
// overpayments not applied, each customer's payments of the 12 months before
// and the credit sales of the 24 months before. Its size is that of the open
// invoices, the customers and the months, not of the rows: the rows give it
// (ReceivablesOf), and a database source adds it up in the engine and hands
// it over with a summary of the customers (Ledger.Receivables), so the two
// give the same receivables, ECL, DSO and credit grades.
//
// Every sum is exact: money in minor units, and the weighted payment sums
// are sums of integers (amount × days, amount × 840 × the payment index),
// held in float64 and so exact below 2^53, whatever their order.
type Receivables struct {
	AsOf                                   Day
	HasPaid, HasPaidAmount, HasOutstanding bool // which payment data the open items come from

	Open      []OpenRow     // rows open at AsOf with a positive balance (invoices)
	Unapplied []Money       // per customer: credit notes and overpayments open at AsOf (≤ 0)
	Paid      []PaidSums    // per customer: invoices with a due date paid in the 365 days to AsOf
	Undated   []UndatedPaid // invoices without a due date paid then: by customer, days to pay and window
	Monthly   []Money       // credit sales (rows of amount > 0) of the 24 calendar months to AsOf, newest first
	Sales3m   []Money       // per customer: credit sales of the three newest of those months

	// Late counts, per customer, the invoices with a due date paid after it
	// or open past it at AsOf (the cost to serve's late invoices), from a
	// source that leaves the rows in the engine; UndatedInvoices are the
	// invoices without a due date it could not judge (their terms are a
	// parameter). Nil from the rows: the analysis counts them itself.
	Late            []int32
	UndatedInvoices int
}

// SalesMonths is how many months of credit sales the DSO looks back over.
const SalesMonths = 24

// OpenRow is a row open at the as-of date. Due is NoDay when the row has no
// due date (the analysis adds default_terms_days to its date).
type OpenRow struct {
	Cust      int32
	Date, Due Day
	Open      Money
}

// PaidSums are a customer's payments, each weighted by the amount paid
// (the invoice's amount, or the paid amount where the ledger has one):
// W = Σ amount, WU = Σ amount × max(0, days beyond terms), WRaw = Σ amount ×
// days beyond terms, WDTP = Σ amount × days to pay, WP = Σ amount × 840 ×
// the payment index; Recent* the same over the 91 days to the as-of date.
type PaidSums struct {
	W, WU, WRaw, WDTP, WP float64
	RecentW, RecentWU     float64
	N                     int
}

// UndatedPaid is the payments of one customer's invoices without a due
// date with the same days to pay, in or before the 91 days to the as-of
// date (Recent): their days beyond terms depend on default_terms_days.
type UndatedPaid struct {
	Cust   int32
	DTP    int // days from the invoice to its payment
	Recent bool
	Amount Money
	N      int
}

// HasPayments reports whether the ledger behind r has payment data.
func (r *Receivables) HasPayments() bool { return r.HasPaid || r.HasOutstanding }

// add counts one payment of amt with u days beyond terms and dtp days to pay.
func (s *PaidSums) add(amt float64, u, dtp int, recent bool, n int) {
	s.W += amt
	s.WU += amt * float64(max(0, u))
	s.WRaw += amt * float64(u)
	s.WDTP += amt * float64(dtp)
	s.WP += amt * float64(paymentIndex840(u))
	s.N += n
	if recent {
		s.RecentW += amt
		s.RecentWU += amt * float64(max(0, u))
	}
}

// monthStarts returns, for the SalesMonths calendar months to asOf, the
// day before each month's first day: month k covers (starts[k+1], starts[k]]
// with starts[0] = asOf.
func monthStarts(asOf Day) []Day {
	y, m, _ := asOf.Civil()
	starts := make([]Day, SalesMonths+1)
	starts[0] = asOf
	for k := 0; k < SalesMonths; k++ {
		mm, yy := m-k, y
		for mm <= 0 {
			mm += 12
			yy--
		}
		starts[k+1] = DayFromCivil(yy, mm, 1) - 1
	}
	return starts
}

// ReceivablesOf adds up the receivables facts of a transaction ledger at
// asOf from its rows (nil for a customer-level ledger: it has no rows).
// The customers are shared out among the cores: each reads the rows in
// order and adds up those of its customers, so that every core's reads
// stream and its customers' sums stay in its cache. The facts do not
// depend on the split: the sums are exact and the lists are ordered after
// (canonical).
func ReceivablesOf(l *Ledger, asOf Day) *Receivables {
	return receivablesOf(l, asOf, min(runtime.GOMAXPROCS(0), max(1, l.Customers.Len()/recvMinCustomers)))
}

// recvMinCustomers is the fewest customers a core adds up: below, one
// core reads the rows alone.
const recvMinCustomers = 4096

// receivablesOf is ReceivablesOf with the customers split in parts.
func receivablesOf(l *Ledger, asOf Day, parts int) *Receivables {
	if l.Totals != nil {
		return nil
	}
	n := l.Customers.Len()
	r := &Receivables{AsOf: asOf, HasPaid: l.HasPaid, HasPaidAmount: l.HasPaidAmount, HasOutstanding: l.HasOutstanding,
		Unapplied: make([]Money, n), Paid: make([]PaidSums, n), Monthly: make([]Money, SalesMonths), Sales3m: make([]Money, n)}
	y, m, _ := asOf.Civil()
	add := recvAdder{l: l, r: r, asOf: asOf, oldest: monthStarts(asOf)[SalesMonths], year: y, month: m}
	sums := make([]recvPart, parts)
	var wg sync.WaitGroup
	for w := range sums {
		lo, hi := int32(n*w/parts), int32(n*(w+1)/parts)
		wg.Go(func() {
			for i, c := range l.Tx.Cust {
				if c >= lo && c < hi {
					add.row(i, &sums[w])
				}
			}
		})
	}
	wg.Wait()
	total := 0
	for _, p := range sums {
		total += len(p.open)
	}
	r.Open = make([]OpenRow, 0, total)
	for _, p := range sums {
		for k, v := range p.monthly {
			r.Monthly[k] += v
		}
		r.Open = append(r.Open, p.open...)
		for _, u := range p.undated {
			r.Undated = append(r.Undated, *u)
		}
	}
	return r
}

// recvPart is what one core adds up besides the per-customer sums.
type recvPart struct {
	monthly [SalesMonths]Money
	open    []OpenRow
	undated map[undatedKey]*UndatedPaid
}

type undatedKey struct {
	c      int32
	dtp    int
	recent bool
}

// recvAdder adds rows into the receivables r.
type recvAdder struct {
	l            *Ledger
	r            *Receivables
	asOf, oldest Day // oldest: the day before the oldest month of sales counted
	year, month  int // asOf's
}

// row adds row i: to its customer's sums in r (whose rows no other core
// adds) and to p.
func (a *recvAdder) row(i int, p *recvPart) {
	l, r, asOf := a.l, a.r, a.asOf
	tx := &l.Tx
	c, date, amount := tx.Cust[i], tx.Date[i], tx.Amount[i]
	if date <= asOf {
		switch open := l.OpenAt(i, asOf); {
		case open < 0:
			r.Unapplied[c] += open
		case open > 0:
			p.open = append(p.open, OpenRow{Cust: c, Date: date, Due: tx.Due[i], Open: open})
		}
		if amount > 0 && date > a.oldest {
			y, m, _ := date.Civil()
			k := (a.year-y)*12 + a.month - m // calendar months before asOf's
			p.monthly[k] += amount
			if k < 3 {
				r.Sales3m[c] += amount
			}
		}
	}
	if !l.HasPaid || amount <= 0 {
		return
	}
	paid := tx.Paid[i]
	if paid == NoDay || paid > asOf || paid <= asOf-365 {
		return
	}
	amt := amount
	if l.HasPaidAmount {
		amt = tx.PaidAmt[i]
	}
	if amt <= 0 {
		return
	}
	recent := paid > asOf-91
	if due := tx.Due[i]; due != NoDay {
		r.Paid[c].add(float64(amt), int(paid-due), int(paid-date), recent, 1)
		return
	}
	k := undatedKey{c, int(paid - date), recent}
	u := p.undated[k]
	if u == nil {
		if p.undated == nil {
			p.undated = map[undatedKey]*UndatedPaid{}
		}
		u = &UndatedPaid{Cust: c, DTP: k.dtp, Recent: recent}
		p.undated[k] = u
	}
	u.Amount += amt
	u.N++
}

// canonical orders the open rows and undated payments by customer id (then
// by their own fields), so that the figures and lists built from them do not
// depend on the order the rows or the engine gave them in.
func (r *Receivables) canonical(idRank []int32) {
	r.Open = openRowsByID(r.Open, idRank)
	slices.SortFunc(r.Undated, func(x, y UndatedPaid) int {
		rx, ry := 0, 0
		if x.Recent {
			rx = 1
		}
		if y.Recent {
			ry = 1
		}
		return cmp.Or(cmp.Compare(idRank[x.Cust], idRank[y.Cust]), cmp.Compare(x.DTP, y.DTP), cmp.Compare(rx, ry))
	})
}

// openRowsByID orders open rows by customer id, then date, due date and
// amount: placed by a counting sort on the customer's id rank, then each
// customer's few rows sorted. Rows equal in all four are alike, so the
// result is a full sort's (compareOpenRows over all of them, the tests'
// oracle), in linear time for a million open invoices.
func openRowsByID(rows []OpenRow, idRank []int32) []OpenRow {
	start := make([]int32, len(idRank)+1)
	for _, o := range rows {
		start[idRank[o.Cust]+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	out := make([]OpenRow, len(rows))
	fill := slices.Clone(start[:len(idRank)])
	for _, o := range rows {
		k := idRank[o.Cust]
		out[fill[k]] = o
		fill[k]++
	}
	for k := range idRank {
		if g := out[start[k]:start[k+1]]; len(g) > 1 {
			slices.SortFunc(g, compareOpenRows)
		}
	}
	return out
}

// compareOpenRows orders one customer's open rows.
func compareOpenRows(x, y OpenRow) int {
	return cmp.Or(cmp.Compare(x.Date, y.Date), cmp.Compare(x.Due, y.Due), cmp.Compare(x.Open, y.Open))
}

// paymentIndex840 is 840 × PaymentIndex(u) for whole days u: an integer
// (840 is the least common multiple of the anchors' steps), so that sums
// weighted by it are exact.
func paymentIndex840(u int) int64 {
	xs, ys := PaymentIndexDays, PaymentIndexScores
	if u <= xs[0] {
		return int64(840 * ys[0])
	}
	for k := 1; k < len(xs); k++ {
		if u <= xs[k] {
			return int64(840*ys[k-1] + (u-xs[k-1])*(ys[k]-ys[k-1])*(840/(xs[k]-xs[k-1])))
		}
	}
	return int64(840 * ys[len(ys)-1])
}

// receivablesRead drops the receivables' open items, unapplied credits and
// payment sums once the one credit-risk analysis of an engine that analyses
// once has read them (Engine.ReleaseRows), and collects: 100 bytes a
// customer. The credit sales stay: the risk analysis holds them.
func (s *stage1) receivablesRead() {
	if f := s.recv.v; f != nil {
		freed := bytesOf(f.Open) + bytesOf(f.Unapplied) + bytesOf(f.Paid) + bytesOf(f.Undated)
		f.Open, f.Unapplied, f.Paid, f.Undated = nil, nil, nil, nil
		collectAfter(freed)
	}
}

// receivables is the stage's receivables facts: from its rows, or for a
// customer-level ledger those the source pushed down (nil without them).
func (s *stage1) receivables() *Receivables {
	s.recv.once.Do(func() {
		r := ReceivablesOf(s.led, s.base.AsOf)
		if r == nil && s.led.Receivables != nil {
			c := *s.led.Receivables // ordered in a copy: the ledger is shared
			c.Open, c.Undated = slices.Clone(c.Open), slices.Clone(c.Undated)
			r = &c
		}
		if r != nil {
			r.canonical(s.idRank)
		}
		s.recv.v = r
		s.recv.ready.Store(true)
	})
	return s.recv.v
}
