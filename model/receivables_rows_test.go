package model_test

import (
	"cmp"
	"math"
	"reflect"
	"slices"
	"testing"

	"ledgerlens/importer"
	"ledgerlens/model"
)

// receivablesRowByRow is ReceivablesOf as it was written first, one row
// after another in the ledger's order: the oracle of the version that
// splits the customers among the cores.
func receivablesRowByRow(l *model.Ledger, asOf model.Day) *model.Receivables {
	tx := &l.Tx
	n := l.Customers.Len()
	r := &model.Receivables{AsOf: asOf, HasPaid: l.HasPaid, HasPaidAmount: l.HasPaidAmount, HasOutstanding: l.HasOutstanding,
		Unapplied: make([]model.Money, n), Paid: make([]model.PaidSums, n), Monthly: make([]model.Money, model.SalesMonths), Sales3m: make([]model.Money, n)}
	ay, am, _ := asOf.Civil()
	oy, om := ay, am-model.SalesMonths+1 // the oldest month counted
	for om <= 0 {
		om += 12
		oy--
	}
	oldest := model.DayFromCivil(oy, om, 1) - 1
	type key struct {
		c      int32
		dtp    int
		recent bool
	}
	undated := map[key]*model.UndatedPaid{}
	for i, c := range tx.Cust {
		date, amount := tx.Date[i], tx.Amount[i]
		if date <= asOf {
			switch open := l.OpenAt(i, asOf); {
			case open < 0:
				r.Unapplied[c] += open
			case open > 0:
				r.Open = append(r.Open, model.OpenRow{Cust: c, Date: date, Due: tx.Due[i], Open: open})
			}
			if amount > 0 && date > oldest {
				y, m, _ := date.Civil()
				k := (ay-y)*12 + am - m
				r.Monthly[k] += amount
				if k < 3 {
					r.Sales3m[c] += amount
				}
			}
		}
		paid := tx.Paid[i]
		if !l.HasPaid || amount <= 0 || paid == model.NoDay || paid > asOf || paid <= asOf-365 {
			continue
		}
		amt := amount
		if l.HasPaidAmount {
			amt = tx.PaidAmt[i]
		}
		if amt <= 0 {
			continue
		}
		recent := paid > asOf-91
		if due := tx.Due[i]; due != model.NoDay {
			s := &r.Paid[c]
			u, w := float64(paid-due), float64(amt)
			s.W += w
			s.WU += w * max(0, u)
			s.WRaw += w * u
			s.WDTP += w * float64(paid-date)
			s.WP += w * math.Round(840*model.PaymentIndex(u)) // an integer (paymentIndex840)
			s.N++
			if recent {
				s.RecentW += w
				s.RecentWU += w * max(0, u)
			}
			continue
		}
		k := key{c, int(paid - date), recent}
		if undated[k] == nil {
			undated[k] = &model.UndatedPaid{Cust: c, DTP: k.dtp, Recent: recent}
		}
		undated[k].Amount += amt
		undated[k].N++
	}
	for _, u := range undated {
		r.Undated = append(r.Undated, *u)
	}
	return r
}

// sortedReceivables orders the open rows and undated payments, whose order
// neither version promises (the analysis orders them by customer id).
func sortedReceivables(r *model.Receivables) *model.Receivables {
	c := *r
	c.Open, c.Undated = slices.Clone(r.Open), slices.Clone(r.Undated)
	slices.SortFunc(c.Open, func(x, y model.OpenRow) int {
		return cmp.Or(cmp.Compare(x.Cust, y.Cust), cmp.Compare(x.Date, y.Date), cmp.Compare(x.Due, y.Due), cmp.Compare(x.Open, y.Open))
	})
	slices.SortFunc(c.Undated, func(x, y model.UndatedPaid) int {
		b := func(v bool) int {
			if v {
				return 1
			}
			return 0
		}
		return cmp.Or(cmp.Compare(x.Cust, y.Cust), cmp.Compare(x.DTP, y.DTP), cmp.Compare(b(x.Recent), b(y.Recent)))
	})
	return &c
}

// TestReceivablesByCustomerAsRowByRow: the receivables added up with the
// customers split in 1, 2, 3 or 7 parts (and as the cores split them) are
// those added up row by row, on
// the demo, the receivables data set and a generated ledger with a third of
// its due dates removed (payments without terms) and one invoice dated
// after the as-of date but paid before it, each at its last date and at
// an earlier one (rows after it).
func TestReceivablesByCustomerAsRowByRow(t *testing.T) {
	ar, _, err := importer.Load([]string{arPath}, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	gen := generatedLedger(t, 60_000, 5)
	for i := range gen.Tx.Due {
		if i%3 == 0 {
			gen.Tx.Due[i] = model.NoDay
		}
	}
	late := model.DefaultAsOf(gen) - 200
	for i, d := range gen.Tx.Date {
		if d <= late && gen.Tx.Paid[i] != model.NoDay && gen.Tx.Paid[i] < late && gen.Tx.Amount[i] > 0 {
			gen.Tx.Date[i] = late + 10 // paid before it was invoiced
			break
		}
	}
	for name, led := range map[string]*model.Ledger{"demo": demo(t), "receivables": ar, "generated": gen} {
		last := model.DefaultAsOf(led)
		for _, asOf := range []model.Day{last, last - 200} {
			want := sortedReceivables(receivablesRowByRow(led, asOf))
			if len(want.Open) == 0 || !slices.ContainsFunc(want.Paid, func(p model.PaidSums) bool { return p.N > 0 }) {
				t.Fatalf("%s as of %s: no open invoices or no payments to compare", name, asOf)
			}
			if name == "generated" && len(want.Undated) == 0 {
				t.Fatalf("%s as of %s: no payments without terms to compare", name, asOf)
			}
			for _, parts := range []int{0, 1, 2, 3, 7} {
				got := model.ReceivablesOf(led, asOf)
				if parts > 0 {
					got = model.ReceivablesSplit(led, asOf, parts)
				}
				if got = sortedReceivables(got); !reflect.DeepEqual(got, want) {
					t.Errorf("%s as of %s, %d parts: the receivables differ from the row-by-row sums (open %d/%d, undated %d/%d)",
						name, asOf, parts, len(got.Open), len(want.Open), len(got.Undated), len(want.Undated))
				}
			}
		}
	}
}
