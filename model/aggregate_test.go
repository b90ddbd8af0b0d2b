package model_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"ledgerlens/model"
)

// TestAggregateAsOracle compares Aggregate (rows placed by counting sorts,
// documents grouped without sorting when their ids are distinct) with the
// comparison sorts it replaced, field for field, on the demo, every shared
// ledger, the generated one and ledgers built to be awkward: documents whose
// lines sit on several dates and between other documents' lines, ids shared
// by customers, rows without an id, different ids with one hash, dates
// beyond the counting sort's span. At the last date and at a date between.
// DocumentCounts gives the same document counts.
func TestAggregateAsOracle(t *testing.T) {
	ledgers := fitLedgers(t)
	for seed := range uint64(4) {
		ledgers[fmt.Sprintf("awkward %d", seed)] = awkwardLedger(seed, 40, 4000, false)
	}
	ledgers["awkward wide dates"] = awkwardLedger(9, 40, 4000, true)
	// customers with more rows than the aggregation gathers at a time
	ledgers["awkward large customers"] = awkwardLedger(5, 3, 40_000, false)
	// enough customers for several workers, documents of one and of
	// several lines
	ledgers["multi-line, several workers"] = joinDocuments(generatedLedger(t, 200_000, 7))
	for name, led := range ledgers {
		last := model.DefaultAsOf(led)
		first := last
		for _, d := range led.Tx.Date {
			first = min(first, d)
		}
		for _, asOf := range []model.Day{last, first + (last-first)/2} {
			got, want := model.Aggregate(led, asOf), model.AggregateOracle(led, asOf)
			if !reflect.DeepEqual(got, want) {
				v, w := reflect.ValueOf(*got), reflect.ValueOf(*want)
				for i := range v.NumField() {
					if !reflect.DeepEqual(v.Field(i).Interface(), w.Field(i).Interface()) {
						t.Errorf("%s at %s: %s differs", name, asOf, v.Type().Field(i).Name)
					}
				}
			}
			// the document counts and open totals alone: the same
			if docs := model.DocumentCounts(led, asOf); !slices.Equal(docs, want.Docs) {
				t.Errorf("%s at %s: DocumentCounts differ from Docs", name, asOf)
			}
			if docs := documentsByText(led, asOf); !slices.Equal(docs, got.Docs) {
				t.Errorf("%s at %s: Docs differ from the ids counted as text", name, asOf)
			}
			var inv, cred model.Money
			for c := range want.OpenInvoices {
				inv += want.OpenInvoices[c]
				cred += want.OpenCredits[c]
			}
			if gi, gc := model.OpenTotals(led, asOf); gi != inv || gc != cred {
				t.Errorf("%s at %s: OpenTotals %d, %d, want %d, %d", name, asOf, gi, gc, inv, cred)
			}
		}
	}
}

// documentsByText counts each customer's documents at asOf by their ids'
// text, without the document table's hashes: a row without an id is a
// document, the rows of one id are one.
func documentsByText(led *model.Ledger, asOf model.Day) []int32 {
	counts := make([]int32, led.Customers.Len())
	seen := map[string]bool{}
	for i, d := range led.Tx.Date {
		c := led.Tx.Cust[i]
		if d > asOf {
			continue
		}
		if led.Tx.Doc == nil || led.Tx.Doc[i] < 0 {
			counts[c]++
			continue
		}
		if key := fmt.Sprint(c, "/", led.Docs.ID(led.Tx.Doc[i])); !seen[key] {
			seen[key] = true
			counts[c]++
		}
	}
	return counts
}

// awkwardLedger is a small ledger whose documents are hard to group (see
// TestAggregateAsOracle) of rows rows; wide puts some rows 8,000 years before and after
// the rest, wider than the counting sort's span.
func awkwardLedger(seed uint64, customers, rows int, wide bool) *model.Ledger {
	rng := rand.New(rand.NewPCG(seed, 11))
	l := &model.Ledger{Decimals: 2, HasPaid: true, HasPaidAmount: true, HasCost: true}
	for c := range customers {
		l.Customers.ID = append(l.Customers.ID, fmt.Sprintf("C%d", c))
	}
	start := model.DayFromCivil(2024, 1, 1)
	tx := &l.Tx
	for i := range rows {
		c := int32(rng.IntN(customers))
		d := start + model.Day(rng.IntN(60))
		if wide && rng.IntN(100) == 0 {
			d = model.Day(-3_000_000 + 6_000_000*rng.IntN(2)) // 16,000 years apart
		}
		doc := int32(-1)
		if rng.IntN(8) != 0 {
			// a pool small enough that ids repeat on other dates and other
			// customers, sometimes on the next row
			id := fmt.Sprintf("INV%d", rng.IntN(rows/3))
			if i > 0 && rng.IntN(4) == 0 && tx.Doc[i-1] >= 0 {
				id = l.Docs.ID(tx.Doc[i-1])
				c = tx.Cust[i-1]
			}
			doc = l.Docs.Add([]byte(id))
		}
		amount := model.Money(rng.IntN(20000) - 2000)
		tx.Cust = append(tx.Cust, c)
		tx.Date = append(tx.Date, d)
		tx.Amount = append(tx.Amount, amount)
		tx.Cost = append(tx.Cost, amount/2)
		tx.CostKnown = append(tx.CostKnown, rng.IntN(3) != 0)
		tx.Doc = append(tx.Doc, doc)
		paid := model.NoDay
		if rng.IntN(2) == 0 {
			paid = d + model.Day(rng.IntN(40))
		}
		tx.Paid = append(tx.Paid, paid)
		tx.PaidAmt = append(tx.PaidAmt, amount-model.Money(rng.IntN(3))*100)
		tx.Due = append(tx.Due, d+30)
	}
	// different ids with one hash (eight hashes in all; one id keeps its
	// one): their entries must not be merged
	for k := range l.Docs.Hash {
		l.Docs.Hash[k] &= 7
	}
	return l
}

// BenchmarkAggregate1M computes the per-customer aggregates of the
// generated 1,000,000-row ledger (98,968 customers, one document a row, rows
// in no date order); Oracle the comparison sorts they replaced.
func BenchmarkAggregate1M(b *testing.B) {
	led := generatedLedger(b, 1_000_000, 1)
	asOf := model.DefaultAsOf(led)
	for name, agg := range map[string]func(*model.Ledger, model.Day) *model.Base{"New": model.Aggregate, "Oracle": model.AggregateOracle} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				agg(led, asOf)
			}
		})
	}
}

// RevenueOf, which fills a window's revenue alone, gives WindowOf's revenue
// for windows of every kind: empty, the whole history, the trailing and
// prior twelve months, and bounds on a document's date.
func TestRevenueOfAsWindow(t *testing.T) {
	for name, led := range map[string]*model.Ledger{"demo": demo(t), "generated": generatedLedger(t, 20_000, 3)} {
		b := model.NewEngine(led).Base(model.NoDay)
		d := b.DocDate[len(b.DocDate)/2]
		for _, w := range [][2]model.Day{{b.AsOf, b.AsOf}, {model.Day(-1 << 30), b.AsOf}, {b.AsOf - 365, b.AsOf}, {b.AsOf - 730, b.AsOf - 365}, {d - 1, d}, {d, d + 30}} {
			got, want := b.RevenueOf(w[0], w[1]), b.WindowOf(w[0], w[1]).Revenue
			if !slices.Equal(got, want) {
				t.Fatalf("%s, (%s, %s]: RevenueOf differs from WindowOf", name, w[0], w[1])
			}
			if w[0] == model.Day(-1<<30) && !slices.Equal(got, b.Revenue) {
				t.Fatalf("%s: the whole history's window is not the revenue", name)
			}
		}
	}
}

// A document's line count, held only where some document has several rows,
// adds up to each customer's rows: on a ledger of multi-line documents and
// on one of a row a document (the demo, where none is held).
func TestLinesOfAddUpToRows(t *testing.T) {
	// enough customers for several workers: their documents are moved
	// together after
	multi := joinDocuments(generatedLedger(t, 200_000, 5))
	for name, led := range map[string]*model.Ledger{"a row a document": demo(t), "multi-line": multi} {
		b := model.NewEngine(led).Base(model.NoDay)
		if held := b.DocLines != nil; held != (name == "multi-line") {
			t.Fatalf("%s: line counts held %v", name, held)
		}
		for c := range b.Lines {
			var sum int32
			for k := b.DocStart[c]; k < b.DocStart[c+1]; k++ {
				sum += b.LinesOf(k)
			}
			if sum != b.Lines[c] {
				t.Fatalf("%s, customer %d: documents of %d lines, %d rows", name, c, sum, b.Lines[c])
			}
		}
	}
}

// joinDocuments makes every third row of a customer a line of the document
// of its row before (the generated ledgers have a row a document).
func joinDocuments(led *model.Ledger) *model.Ledger {
	last := map[int32]int{}
	for i, c := range led.Tx.Cust {
		if j, ok := last[c]; ok && i%3 == 0 {
			led.Tx.Doc[i] = led.Tx.Doc[j]
		}
		last[c] = i
	}
	return led
}
