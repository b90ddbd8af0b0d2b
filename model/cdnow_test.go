package model_test

import (
	"fmt"
	"math"
	"os"
	"testing"

	"ledgerlens/importer"
	"ledgerlens/model"
)

func cdnow(t testing.TB) *model.Ledger {
	path := "../../shared/data/cdnow/CDNOW_sample.txt"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared data not found (%v): skipping", err)
	}
	cols, _ := importer.ParseColumns(",customer_id,date,quantity,amount")
	led, _, err := importer.Load([]string{path}, importer.Options{Columns: cols})
	if err != nil {
		t.Fatal(err)
	}
	return led
}

func TestCDNOWFits(t *testing.T) {
	led := cdnow(t)
	base := model.Aggregate(led, model.DayFromCivil(1997, 9, 30))
	s := base.Summary(led, "week")
	m, st := model.FitBGNBD(s, 0)
	if !st.Converged {
		t.Fatalf("BG/NBD: %+v", st)
	}
	for _, p := range []struct {
		name      string
		got, want float64
	}{{"r", m.R, 0.2426}, {"alpha", m.Alpha, 4.4135}, {"a", m.A, 0.7929}, {"b", m.B, 2.4258}} {
		if math.Abs(p.got-p.want) > 0.0005 {
			t.Errorf("%s = %.5f, want %.4f ± 0.0005", p.name, p.got, p.want)
		}
	}
	if math.Abs(st.LogLik-(-9582.43)) > 0.05 {
		t.Errorf("log-likelihood = %.3f, want −9582.43 ± 0.05", st.LogLik)
	}
	g, gst := model.FitGammaGamma(s)
	if !gst.Converged || gst.Customers != 946 {
		t.Fatalf("Gamma-Gamma: %+v", gst)
	}
	for _, p := range []struct {
		name      string
		got, want float64
	}{{"p", g.P, 6.2496}, {"q", g.Q, 3.7442}, {"gamma", g.V, 15.4435}} {
		if math.Abs(p.got-p.want) > 0.001 {
			t.Errorf("%s = %.5f, want %.4f ± 0.001", p.name, p.got, p.want)
		}
	}
	t.Logf("BG/NBD %+v %+v; GG %+v %+v", m, st, g, gst)
}

// BenchmarkFit25k runs summary + BG/NBD fit + Gamma-Gamma fit + 12-month CLV
// for 25,000 customers: the CDNOW sample replicated (ids made distinct).
// The lifetimes reference implementation takes 2.3–3.1 s for this work.
func BenchmarkFit25k(b *testing.B) {
	src := cdnow(b)
	led := &model.Ledger{Decimals: src.Decimals}
	n0 := src.Customers.Len()
	for rep := 0; led.Customers.Len() < 25_000; rep++ {
		for c := 0; c < n0 && led.Customers.Len() < 25_000; c++ {
			led.Customers.ID = append(led.Customers.ID, fmt.Sprintf("%s-%d", src.Customers.ID[c], rep))
		}
		base := int32(rep * n0)
		for i, c := range src.Tx.Cust {
			if int(base+c) >= 25_000 {
				continue
			}
			led.Tx.Cust = append(led.Tx.Cust, base+c)
			led.Tx.Date = append(led.Tx.Date, src.Tx.Date[i])
			led.Tx.Amount = append(led.Tx.Amount, src.Tx.Amount[i])
		}
	}
	asOf := model.DayFromCivil(1997, 9, 30)
	base := model.Aggregate(led, asOf)
	b.ResetTimer()
	for range b.N {
		m := model.FitModel(base, led, "week", 0, model.KindBGNBD)
		if !m.OK {
			b.Fatal(m.Why)
		}
		clv := m.CLV(12, 0.01, model.MonthFactor("week", 30))
		if math.IsNaN(clv[0]) {
			b.Fatal("NaN CLV")
		}
	}
}
