package model

import (
	"math"
	"strings"
	"testing"
)

func TestRiskVectors(t *testing.T) {
	// count-back, 30-day months: 212,000 over 100k / 80k / 70k
	dso, exceeds := CountBackDSO(212000, []float64{100000, 80000, 70000}, []float64{30, 30, 30})
	near(t, "count-back DSO", dso, 73.71, 0.005)
	if exceeds {
		t.Error("DSO flagged as exceeding history")
	}
	near(t, "simple DSO", SimpleDSO(212000, 250000, 90), 76.32, 0.005)
	// calendar days: Mar 900k (31), Feb 800k (28), Jan 700k (31), AR 2.1 M
	dso, _ = CountBackDSO(2100000, []float64{900000, 800000, 700000}, []float64{31, 28, 31})
	near(t, "count-back DSO calendar", dso, 76.71, 0.005)
	if _, ex := CountBackDSO(1e6, []float64{1000}, []float64{30}); !ex {
		t.Error("AR beyond the history not flagged")
	}
	// IFRS 9 provision matrix, IE 12
	bal := []float64{15e6, 7.5e6, 4e6, 2.5e6, 1e6}
	rates := DefaultParams().LossRates
	total := 0.0
	for k := range bal {
		total += bal[k] * rates[k]
	}
	near(t, "provision matrix", total, 580000, 1e-6)
	near(t, "payment index u=10", PaymentIndex(10), 73.33, 0.005)
	near(t, "payment index u=45", PaymentIndex(45), 45.0, 1e-9)
	near(t, "payment index early", PaymentIndex(-60), 100, 0)
	near(t, "payment index very late", PaymentIndex(400), 1, 0)
	// the whole-day index the sums are weighted by: 840 × the index, exactly
	for u := -45; u <= 200; u++ {
		if got, want := paymentIndex840(u), 840*PaymentIndex(float64(u)); math.Abs(float64(got)-want) > 1e-9 {
			t.Errorf("840 × payment index at %d days: %d, want %g", u, got, want)
		}
	}
	near(t, "2/10 net 30", 100*EarlyPaymentRate(0.02, 10, 30), 37.24, 0.005)
}

// openLedger: invoices with due and paid dates for the edge cases of §5.
func openLedger() (*Ledger, Day) {
	asOf := DayFromCivil(2024, 6, 30)
	l := &Ledger{Decimals: 2, HasPaid: true, HasDue: true}
	l.Customers.ID = []string{"A", "B", "C", "D"}
	l.Customers.Name = make([]string, 4)
	l.Customers.Region, l.Customers.Industry, l.Customers.Channel, l.Customers.Type = make([]string, 4), make([]string, 4), make([]string, 4), make([]string, 4)
	l.Customers.CreditLimit = []Money{0, 100000, 0, 0}
	l.Customers.HasLimit = []bool{true, true, false, false}
	l.Customers.WriteOff = []bool{false, false, false, true}
	add := func(c int32, date, due, paid Day, amt Money) {
		l.Tx.Cust = append(l.Tx.Cust, c)
		l.Tx.Date = append(l.Tx.Date, date)
		l.Tx.Due = append(l.Tx.Due, due)
		l.Tx.Paid = append(l.Tx.Paid, paid)
		l.Tx.Amount = append(l.Tx.Amount, amt)
		l.Tx.Cost = append(l.Tx.Cost, 0)
		l.Tx.CostKnown = append(l.Tx.CostKnown, false)
	}
	add(0, asOf-30, asOf, NoDay, 10000)       // A: due today → Current; limit 0 → cash terms
	add(1, asOf-60, asOf-30, asOf+5, 50000)   // B: paid after as-of → open, 30 dpd
	add(1, asOf-100, asOf-70, asOf-40, 20000) // B: paid → not open
	add(1, asOf-10, asOf+20, NoDay, -5000)    // B: unapplied credit
	add(2, asOf-400, asOf-370, NoDay, 3000)   // C: write-off candidate, no limit
	add(3, asOf-20, NoDay, NoDay, 8000)       // D: no due date → +30 terms; written off → 100 %
	return l, asOf
}

func TestRiskEdgeCases(t *testing.T) {
	l, asOf := openLedger()
	p := DefaultParams()
	p.AsOf = asOf
	a, err := NewEngine(l).Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	r := a.Risk
	if !r.Available || r.OpenInvoices != 4 || r.Unapplied != -5000 || r.TotalAR != 71000 || r.NetAR != 66000 {
		t.Fatalf("open items %d, unapplied %d, AR %d, net %d", r.OpenInvoices, r.Unapplied, r.TotalAR, r.NetAR)
	}
	// open DBT of B: 50,000 at 30 dpd → 30 days
	if math.Abs(r.OpenDBT[1]-30) > 1e-9 || r.OpenDBT[0] != 0 {
		t.Errorf("open DBT: A %v, B %v", r.OpenDBT[0], r.OpenDBT[1])
	}
	if r.CustBuckets.Of(0)[0] != 10000 {
		t.Errorf("invoice due on the as-of date not Current: %v", r.CustBuckets.Of(0))
	}
	if r.CustBuckets.Of(1)[1] != 50000 {
		t.Errorf("invoice paid after as-of, 30 dpd, not in 1–30: %v", r.CustBuckets.Of(1))
	}
	if r.CustBuckets.Of(3)[0] != 8000 || r.CustECL[3] != 8000 {
		t.Errorf("no-due-date invoice of a written-off customer: buckets %v, ECL %d", r.CustBuckets.Of(3), r.CustECL[3])
	}
	if r.UtilState[0] != UtilCashOver || r.UtilState[2] != UtilNoLimit || math.Abs(r.Util[1]-0.5) > 1e-12 {
		t.Errorf("utilisation states %v, B %.2f", r.UtilState, r.Util[1])
	}
	if len(r.WriteOffs) != 2 || r.WriteOffs[0].Cust != 2 {
		t.Errorf("write-off candidates %+v", r.WriteOffs)
	}
	if r.Score[3] != 0 || r.Cap[3] == CapNone || r.MaxDPD[2] < 91 || r.Score[2] > 40 {
		t.Errorf("overrides: D %v, C %v (%s)", r.Score[3], r.Score[2], r.Cap[2])
	}
	for c := 0; c < a.N; c++ {
		if math.IsNaN(r.Score[c]) || r.Score[c] < 0 || r.Score[c] > 100 {
			t.Errorf("customer %d score %v", c, r.Score[c])
		}
	}
	// expected loss ranks D (100 % of 8,000) first
	if l := a.CreditRisk; len(l) == 0 || l[0] != 3 || r.EL[3] != 8000 {
		t.Errorf("credit-risk list %v, EL %v", l, r.EL)
	}
}

func TestRiskWithoutPaymentData(t *testing.T) {
	l, asOf := openLedger()
	l.HasPaid = false
	p := DefaultParams()
	p.AsOf = asOf
	a, err := NewEngine(l).Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	if a.Risk.Available || a.Risk.Why == "" {
		t.Errorf("risk without payment data: available %v, why %q", a.Risk.Available, a.Risk.Why)
	}
	sc, _ := a.SchemeByKey("credit")
	if sc.Segments[sc.Assign[0]] != "n/a" || sc.Note != a.Risk.Why {
		t.Errorf("credit scheme without data: %s, %q", sc.Segments[sc.Assign[0]], sc.Note)
	}
}

// With too little history the roll-rate method falls back to the
// illustrative rates and says why.
func TestRollRatesFromHistory(t *testing.T) {
	l, asOf := openLedger()
	p := DefaultParams()
	p.AsOf = asOf - 330 // only C's first invoice, 70 days before
	p.LossRateSource = "history"
	a, err := NewEngine(l).Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Risk.RateSource, "illustrative") || !strings.Contains(a.Risk.RateSource, "fewer than 6 months") {
		t.Errorf("short history: rate source %q", a.Risk.RateSource)
	}
}
