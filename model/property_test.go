package model_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"ledgerlens/importer"
	"ledgerlens/model"
)

func demo(t testing.TB) *model.Ledger {
	t.Helper()
	led, _, err := importer.LoadDemo(importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return led
}

// Every customer is in exactly one segment of every scheme; counts sum to N
// and segment revenues to the total, to the cent.
func TestSchemesPartition(t *testing.T) {
	led := demo(t)
	for _, set := range []map[string]string{
		{},
		{"rfm_scoring": "pandas", "pyramid_key": "margin", "cts_per_order": "15", "cts_per_late_invoice": "5"},
		{"rfm_window_days": "365", "rfm_f_breaks": "2, 3, 5, 8", "spend_tier_mode": "absolute", "spend_tier_cutoffs": "1000, 20000", "pyramid_key": "clv"},
		{"as_of": "2024-06-30", "clv_period": "quarter", "clv_horizon_years": "8", "clv_simple_convention": "BL"},
	} {
		p := model.DefaultParams()
		for k, v := range set {
			if err := p.Set(k, v); err != nil {
				t.Fatal(err)
			}
		}
		a, err := model.NewEngine(led).Analyze(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Schemes) < 10 {
			t.Errorf("%v: only %d schemes", set, len(a.Schemes))
		}
		for i := range a.Schemes {
			sc := &a.Schemes[i]
			names := map[string]bool{}
			for _, seg := range sc.Segments {
				if names[seg] {
					t.Errorf("%s: segment %q listed twice", sc.Key, seg)
				}
				names[seg] = true
			}
			if len(sc.Assign) != a.N {
				t.Fatalf("%s: %d assignments for %d customers", sc.Key, len(sc.Assign), a.N)
			}
			for c, s := range sc.Assign {
				if s < 0 || int(s) >= len(sc.Segments) {
					t.Fatalf("%s: customer %d in segment %d of %d", sc.Key, c, s, len(sc.Segments))
				}
			}
			rows, total := a.SegmentPL(sc)
			var n int
			var rev, cm model.Money
			for _, r := range rows {
				n += r.Customers
				rev += r.Revenue
				cm += r.CM
			}
			if n != a.N || total.Customers != a.N || rev != a.Base.TotalRevenue || cm != a.Profit.TotalCM {
				t.Errorf("%v %s: customers %d/%d, revenue %d/%d, profit %d/%d", set, sc.Key, n, a.N, rev, a.Base.TotalRevenue, cm, a.Profit.TotalCM)
			}
		}
		for c := 0; c < a.N; c++ {
			if math.IsNaN(a.CLV[c]) || math.IsInf(a.CLV[c], 0) || math.IsNaN(a.BestScore[c]) {
				t.Fatalf("%v: customer %d has CLV %v, score %v", set, c, a.CLV[c], a.BestScore[c])
			}
		}
	}
}

// Results do not depend on the order of the input rows.
func TestShuffleInvariance(t *testing.T) {
	data := importer.DemoCSV()
	lines := bytes.SplitAfter(data, []byte("\n"))
	header, body := lines[0], lines[1:]
	if len(body[len(body)-1]) == 0 {
		body = body[:len(body)-1]
	}
	rng := rand.New(rand.NewPCG(7, 7))
	rng.Shuffle(len(body), func(i, j int) { body[i], body[j] = body[j], body[i] })
	shuffled := append([]byte{}, header...)
	for _, l := range body {
		shuffled = append(shuffled, l...)
	}
	fingerprint := func(csv []byte) map[string]string {
		led, _, err := importer.LoadReader("x.csv", csv, importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		p := model.DefaultParams()
		p.RFMScoring = "pandas" // even the row-order-sensitive mode: ties are broken by id
		a, err := model.NewEngine(led).Analyze(p)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for c, id := range led.Customers.ID {
			s := fmt.Sprintf("R%dF%dM%.2f %d%d%d CM%d CLV%.6f", a.R[c], a.F[c], a.M[c], a.RScore[c], a.FScore[c], a.MScore[c], a.CM[c], a.CLV[c])
			for _, sc := range a.Schemes {
				s += " " + sc.Segments[sc.Assign[c]]
			}
			out[id] = s
		}
		return out
	}
	a, b := fingerprint(data), fingerprint(shuffled)
	if len(a) != len(b) {
		t.Fatalf("%d vs %d customers", len(a), len(b))
	}
	diff := 0
	for id, s := range a {
		if b[id] != s {
			if diff < 3 {
				t.Errorf("%s: %s\nshuffled: %s", id, s, b[id])
			}
			diff++
		}
	}
	if diff > 0 {
		t.Errorf("%d customers differ after shuffling the rows", diff)
	}
}

// BenchmarkRecompute100k measures stage 2 after one parameter change on a
// 100,000-customer ledger (spec target: one frame, 16 ms).
func BenchmarkRecompute100k(b *testing.B) {
	benchRecompute(b, bigLedger(100_000, 10))
}

// BenchmarkRecompute100kPyramid changes a pyramid cut-off instead: one
// scheme's segments move, the other schemes' sums are taken over.
func BenchmarkRecompute100kPyramid(b *testing.B) {
	benchRecomputeWith(b, bigLedger(100_000, 10), func(p *model.Params, i int) {
		p.PyramidCutoffs = []float64{0.01, 0.04 + float64(i%10)/100, 0.20}
	})
}

// benchRecompute times stage 2 after a discount-rate change.
func benchRecompute(b *testing.B, led *model.Ledger) {
	benchRecomputeWith(b, led, func(p *model.Params, i int) {
		p.DiscountRateAnnual = 0.05 + float64(i%10)/100
		p.CLVMonthlyDiscount = 0.005 + float64(i%10)/1000
	})
}

// benchRecomputeWith times stage 2 after change(p, i) (stage 1 is computed
// once before the timer starts) and reports the 95th percentile of the
// single recomputes besides the mean.
func benchRecomputeWith(b *testing.B, led *model.Ledger, change func(p *model.Params, i int)) {
	e := model.NewEngine(led)
	p := model.DefaultParams()
	if _, err := e.Analyze(p); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		change(&p, i)
		t0 := time.Now()
		if _, err := e.Analyze(p); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(durs)
	b.ReportMetric(float64(durs[len(durs)*95/100].Microseconds())/1000, "p95-ms")
}

// BenchmarkRecompute1M is the same for 1,000,000 customers (three documents
// each); it runs only with LEDGERLENS_BENCH_BIG=1 (scripts/bench --big).
func BenchmarkRecompute1M(b *testing.B) {
	if os.Getenv("LEDGERLENS_BENCH_BIG") != "1" {
		b.Skip("set LEDGERLENS_BENCH_BIG=1 for the 1,000,000-customer recompute")
	}
	benchRecompute(b, bigLedger(1_000_000, 2))
}

// BenchmarkRecompute100kReceivables is the same with due and paid dates,
// so that the receivables and credit-risk parts run too.
func BenchmarkRecompute100kReceivables(b *testing.B) {
	led := bigLedger(100_000, 10)
	led.HasDue, led.HasPaid = true, true
	rng := rand.New(rand.NewPCG(5, 6))
	asOf := model.MaxDate(led)
	for _, d := range led.Tx.Date {
		due := d + 30
		paid := due + model.Day(rng.IntN(60)-20)
		if paid > asOf || rng.IntN(50) == 0 {
			paid = model.NoDay
		}
		led.Tx.Due = append(led.Tx.Due, due)
		led.Tx.Paid = append(led.Tx.Paid, paid)
	}
	benchRecompute(b, led)
}

// bigLedger generates n customers with about k documents each.
func bigLedger(n, k int) *model.Ledger {
	rng := rand.New(rand.NewPCG(3, 4))
	l := &model.Ledger{Decimals: 2}
	inds := []string{"Retail", "Wholesale", "Manufacturing", "Software and IT services"}
	for c := 0; c < n; c++ {
		l.Customers.ID = append(l.Customers.ID, fmt.Sprintf("C%06d", c))
		l.Customers.Name = append(l.Customers.Name, "")
		l.Customers.Region = append(l.Customers.Region, []string{"East", "West", "North"}[c%3])
		l.Customers.Industry = append(l.Customers.Industry, inds[c%4])
		l.Customers.Channel = append(l.Customers.Channel, "Direct")
		l.Customers.Type = append(l.Customers.Type, "")
		l.Customers.HasEmployees = append(l.Customers.HasEmployees, true)
		l.Customers.Employees = append(l.Customers.Employees, int64(rng.IntN(500)))
		l.Customers.HasRevenue = append(l.Customers.HasRevenue, true)
		l.Customers.Revenue = append(l.Customers.Revenue, int64(rng.IntN(5_000_000)))
		l.Customers.HasAssets = append(l.Customers.HasAssets, false)
		l.Customers.Assets = append(l.Customers.Assets, 0)
		docs := 1 + rng.IntN(2*k)
		for d := 0; d < docs; d++ {
			amt := model.Money(1000 + rng.IntN(100_000))
			if rng.IntN(30) == 0 {
				amt = -amt / 3
			}
			l.Tx.Cust = append(l.Tx.Cust, int32(c))
			l.Tx.Date = append(l.Tx.Date, model.DayFromCivil(2022, 1, 1)+model.Day(rng.IntN(1095)))
			l.Tx.Amount = append(l.Tx.Amount, amt)
			l.Tx.Cost = append(l.Tx.Cost, amt*7/10)
			l.Tx.CostKnown = append(l.Tx.CostKnown, true)
		}
	}
	l.HasCost = true
	return l
}

func TestRollRatesOnDemo(t *testing.T) {
	led := demo(t)
	p := model.DefaultParams()
	p.LossRateSource = "history"
	a, err := model.NewEngine(led).Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	r := a.Risk
	if !strings.HasPrefix(r.RateSource, "roll rates") {
		t.Fatalf("rate source %q", r.RateSource)
	}
	for k, v := range r.LossRates {
		if v < 0 || v > 1 || (k > 0 && v < r.LossRates[k-1]) {
			t.Errorf("loss rates %v: not rising within [0, 1]", r.LossRates)
			break
		}
	}
}
