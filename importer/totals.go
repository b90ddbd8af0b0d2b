package importer

import (
	"fmt"
	"slices"
	"strings"

	"ledgerlens/model"
)

// totalFields are the columns of a customer-level sheet that hold the
// customer's totals: the ledger itself when there are no transactions.
var totalFields = []Field{FAmount, FCost, FOrders, FFirstDate, FLastDate, FOutstanding, FRepeatAmount, FRepeatCost, FTTMAmount, FTTMCost, FPriorAmount, FPurchaseDocs, FFirstDocDate, FActivityYear, FActivityQuarter, FGapSquares}

// FormCustomerLevel and FormTransactions name the form of ledger read.
const (
	FormTransactions  = "transactions"
	FormCustomerLevel = "customer-level (one row per customer: totals, orders, first and last order)"
)

// tot returns the customer-level totals, grown to hold customer c.
func (b *builder) tot(c int32) *model.Totals {
	t := &b.totals
	if b.totCols == nil {
		b.totCols = totalsColumns(t)
	}
	for int32(len(t.Sales)) <= c {
		for _, col := range b.totCols {
			col.grow()
		}
	}
	return t
}

// totalsColumn is one per-customer column of model.Totals: the builder
// grows, moves and cuts them together.
type totalsColumn interface {
	grow() // one more customer, the value unknown
	move(to, from int)
	cut(n int)
}

type column[T any] struct {
	p       *[]T
	unknown T
}

func (c column[T]) grow()             { *c.p = append(*c.p, c.unknown) }
func (c column[T]) move(to, from int) { (*c.p)[to] = (*c.p)[from] }
func (c column[T]) cut(n int)         { *c.p = (*c.p)[:n] }

// totalsColumns lists every per-customer column of t, once.
func totalsColumns(t *model.Totals) []totalsColumn {
	money := func(p *[]model.Money) totalsColumn { return column[model.Money]{p: p} }
	flag := func(p *[]bool) totalsColumn { return column[bool]{p: p} }
	day := func(p *[]model.Day) totalsColumn { return column[model.Day]{p: p, unknown: model.NoDay} }
	return []totalsColumn{
		money(&t.Sales), money(&t.Cost), flag(&t.HasCost), column[int32]{p: &t.Orders}, flag(&t.HasOrders),
		day(&t.First), day(&t.Last), day(&t.FirstDoc), money(&t.Balance), flag(&t.HasBalance),
		money(&t.Repeat), flag(&t.HasRepeat), money(&t.RepeatCost), flag(&t.HasRepeatCost),
		money(&t.TTM), flag(&t.HasTTM), money(&t.TTMCost), flag(&t.HasTTMCost), money(&t.Prior), flag(&t.HasPrior),
		column[int32]{p: &t.PurchaseDocs}, flag(&t.HasPurchaseDocs), column[int64]{p: &t.GapSquares}, flag(&t.HasGapSquares),
		column[uint16]{p: &t.Activity[0]}, flag(&t.HasActivity[0]), column[uint16]{p: &t.Activity[1]}, flag(&t.HasActivity[1]),
	}
}

// totalsRow reads the totals of a customer-level row into customer c. It
// returns false (and rejects the row) when a value cannot be read or the
// values contradict each other.
func (b *builder) totalsRow(s *source, rec [][]byte, row int, c int32) bool {
	t := b.tot(c)
	v := s.get(rec, FAmount)
	if len(v) == 0 {
		b.rejectRow(s, row, FAmount, nil, "no total sales")
		return false
	}
	money := func(f Field, v []byte) (int64, bool) {
		m, d, err := ParseAmount(v, b.opt.DecimalComma)
		if err != nil {
			b.rejectRow(s, row, f, v, "bad "+strings.ReplaceAll(f.String(), "_", " "))
			return 0, false
		}
		b.noteDecimals(d)
		return m, true
	}
	sales, ok := money(FAmount, v)
	if !ok {
		return false
	}
	var cost, balance int64
	hasCost, hasBalance := false, false
	if v := s.get(rec, FCost); len(v) > 0 {
		if cost, ok = money(FCost, v); !ok {
			return false
		}
		hasCost = true
	}
	if v := s.get(rec, FOutstanding); len(v) > 0 {
		if balance, ok = money(FOutstanding, v); !ok {
			return false
		}
		hasBalance = true
	}
	var more [5]int64 // repeat amount and cost, trailing-12-month amount and cost, the 12 months before
	var hasMore [5]bool
	for k, f := range []Field{FRepeatAmount, FRepeatCost, FTTMAmount, FTTMCost, FPriorAmount} {
		if v := s.get(rec, f); len(v) > 0 {
			if more[k], ok = money(f, v); !ok {
				return false
			}
			hasMore[k] = true
		}
	}
	var counts [2]int32 // orders, purchase documents
	var hasCounts [2]bool
	for k, f := range []Field{FOrders, FPurchaseDocs} {
		if v := s.get(rec, f); len(v) > 0 {
			m, _, err := ParseAmount(v, b.opt.DecimalComma)
			if err != nil || m%1_000_000 != 0 || m < 0 || m/1_000_000 > 1<<30 {
				b.rejectRow(s, row, f, v, "bad number of "+strings.ReplaceAll(f.String(), "_", " ")+" (a whole number ≥ 0)")
				return false
			}
			counts[k], hasCounts[k] = int32(m/1_000_000), true
		}
	}
	orders, hasOrders := counts[0], hasCounts[0]
	var gapSquares int64
	hasGapSquares := false
	if v := s.get(rec, FGapSquares); len(v) > 0 {
		m, _, err := ParseAmount(v, b.opt.DecimalComma)
		if err != nil || m%1_000_000 != 0 || m < 0 {
			b.rejectRow(s, row, FGapSquares, v, "bad gap squares (a whole number ≥ 0: Σ of the squared days between purchase days)")
			return false
		}
		gapSquares, hasGapSquares = m/1_000_000, true
	}
	var activity [2]uint16
	var hasActivity [2]bool
	for k, f := range []Field{FActivityYear, FActivityQuarter} {
		if v := s.get(rec, f); len(v) > 0 {
			m, _, err := ParseAmount(v, b.opt.DecimalComma)
			if err != nil || m%1_000_000 != 0 || m < 0 || m/1_000_000 >= 1<<16 {
				b.rejectRow(s, row, f, v, "bad "+strings.ReplaceAll(f.String(), "_", " ")+" (a whole number from 0 to 65535: bit k, a purchase k periods back)")
				return false
			}
			activity[k], hasActivity[k] = uint16(m/1_000_000), true
		}
	}
	var days [3]dateVal
	for k, f := range []Field{FFirstDate, FLastDate, FFirstDocDate} {
		v := s.get(rec, f)
		if len(v) == 0 {
			days[k] = dateVal{day: model.NoDay}
			continue
		}
		d, err := parseDate(v, b.opt.DateOrder, s.serials, s.date1904)
		if err != nil {
			b.rejectRow(s, row, f, v, "bad "+strings.ReplaceAll(f.String(), "_", " "))
			return false
		}
		days[k] = d
	}
	first, last := days[0], days[1]
	if !first.pending && !last.pending && first.day != model.NoDay && last.day != model.NoDay {
		if last.day < first.day {
			b.rejectRow(s, row, FLastDate, s.get(rec, FLastDate), "last order before the first order")
			return false
		}
		if hasOrders && orders == 1 && last.day != first.day {
			b.rejectRow(s, row, FOrders, s.get(rec, FOrders), "one order but different first and last order dates")
			return false
		}
	}
	if hasOrders && orders == 0 && (first.day != model.NoDay || last.day != model.NoDay || first.pending || last.pending) {
		b.rejectRow(s, row, FOrders, s.get(rec, FOrders), "no orders but an order date")
		return false
	}
	for int32(len(b.totSrc)) <= c {
		b.totSrc = append(b.totSrc, 0)
	}
	b.totSrc[c] = s.idx
	t.Sales[c], t.Cost[c], t.HasCost[c] = sales, cost, hasCost
	t.Orders[c], t.HasOrders[c] = orders, hasOrders
	t.Balance[c], t.HasBalance[c] = balance, hasBalance
	t.Repeat[c], t.HasRepeat[c], t.RepeatCost[c], t.HasRepeatCost[c] = more[0], hasMore[0], more[1], hasMore[1]
	t.TTM[c], t.HasTTM[c], t.TTMCost[c], t.HasTTMCost[c] = more[2], hasMore[2], more[3], hasMore[3]
	t.Prior[c], t.HasPrior[c] = more[4], hasMore[4]
	t.PurchaseDocs[c], t.HasPurchaseDocs[c] = counts[1], hasCounts[1]
	t.GapSquares[c], t.HasGapSquares[c] = gapSquares, hasGapSquares
	for k := range activity {
		t.Activity[k][c], t.HasActivity[k][c] = activity[k], hasActivity[k]
	}
	t.First[c] = b.customerDate(s, FFirstDate, first, c, row)
	t.FirstDoc[c] = b.customerDate(s, FFirstDocDate, days[2], c, row)
	t.Last[c] = b.customerDate(s, FLastDate, last, c, row)
	return true
}

// customerDate returns a customer-level date, or records it as pending (its
// day/month order decided with the column) and returns NoDay. Pending
// customer dates carry the customer as −1 − c.
func (b *builder) customerDate(s *source, f Field, v dateVal, c int32, srcRow int) model.Day {
	if !v.pending {
		return v.day
	}
	return b.dateOrPending(s, f, v, -1-c, srcRow)
}

// setCustomerDate stores a pending customer-level date once its order is
// known.
func (b *builder) setCustomerDate(f Field, c int32, d model.Day) {
	switch f {
	case FFirstDate:
		b.totals.First[c] = d
	case FFirstDocDate:
		b.totals.FirstDoc[c] = d
	default:
		b.totals.Last[c] = d
	}
}

// dropCustomer rejects a customer-level row after reading (a date impossible
// in the order its column turned out to have): the customer leaves the
// ledger in compact.
func (b *builder) dropCustomer(c int32) {
	b.fromSheet[c] = false
	b.custDropped = true
}

// totalsUnused lists, for a customers sheet beside transactions, the total
// columns it has: the transactions give those figures.
func totalsUnused(m *Mapping) []string {
	var out []string
	for _, f := range totalFields {
		if m.Has(f) {
			out = append(out, fmt.Sprintf("%q", m.Columns[m.ByField[f]].Header))
		}
	}
	return out
}

// roundTotals hands the totals to the ledger, in its minor units.
func (b *builder) roundTotals(led *model.Ledger, div int64) {
	t := b.tot(int32(led.Customers.Len()) - 1)
	for _, col := range [][]int64{t.Sales, t.Cost, t.Balance, t.Repeat, t.RepeatCost, t.TTM, t.TTMCost, t.Prior} {
		for i := range col {
			col[i] = roundDiv(col[i], div)
		}
	}
	led.Totals = t
}

// reportTotals completes the ledger and the report of a customer-level
// ledger: cost and balances, each source's total sales, the dates' range.
func (b *builder) reportTotals(led *model.Ledger) {
	t := led.Totals
	led.HasCost = slices.Contains(t.HasCost, true)
	led.HasPaid, led.HasPaidAmount, led.HasOutstanding, led.HasDue = false, false, false, false // balances are in the totals
	first, last := model.NoDay, model.NoDay
	for c, v := range t.Sales {
		b.rep.Sources[b.totSrc[c]].Amount += v
		b.rep.UsedAmount += v
		if t.HasCost[c] {
			b.rep.UsedCost += t.Cost[c]
		}
		for _, d := range []model.Day{t.First[c], t.Last[c], t.FirstDoc[c]} {
			if d != model.NoDay {
				if first == model.NoDay || d < first {
					first = d
				}
				last = max(last, d)
			}
		}
	}
	if first != model.NoDay {
		b.rep.FirstDate, b.rep.LastDate = first.String(), last.String()
	}
}
