package model_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"ledgerlens/model"
)

// BenchmarkModelChecks100k times, on the generated 1,000,000-row ledger
// (about 99,000 customers), the base BG/NBD + Gamma-Gamma fit (base-ms)
// against the first analysis with everything issue 14 added: both count
// models fitted for the comparison, holdout validation with its tracking
// curve and histogram, the P(alive) matrix, standard errors and the CLV and
// expected-purchase gradients (first-ms, the per-customer aggregation done
// before the timer). Target: first − base ≤ 1 s.
func BenchmarkModelChecks100k(b *testing.B) {
	led := generatedLedger(b, 1_000_000, 1)
	asOf := model.DefaultAsOf(led)
	p := model.DefaultParams()
	if err := p.Set("calibration_end", (asOf - 365).String()); err != nil {
		b.Fatal(err)
	}
	var base, first time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		e := model.NewEngine(led)
		bs := e.Base(model.NoDay)
		b.StartTimer()
		t0 := time.Now()
		if m := model.FitModel(bs, led, "day", 0, model.KindBGNBD); !m.OK {
			b.Fatal(m.Why)
		}
		t1 := time.Now()
		a, err := e.Analyze(p)
		if err != nil {
			b.Fatal(err)
		}
		if a.Validation == nil || !a.HasExpInterval() {
			b.Fatal("no validation or intervals")
		}
		base += t1.Sub(t0)
		first += time.Since(t1)
	}
	b.ReportMetric(float64(base.Milliseconds())/float64(b.N), "base-ms")
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "first-ms")
}

// On the generated ledger every customer's dropout follows one rate: the
// Pareto/NBD fit runs to the edge of its parameter space (s → ∞), says so
// in words, and stops there rather than chasing the supremum.
func TestParetoNBDHomogeneousDropout(t *testing.T) {
	led := generatedLedger(t, 200_000, 1)
	s := model.Aggregate(led, model.DefaultAsOf(led)).Summary(led, "day")
	m, st := model.FitParetoNBD(s, 0)
	t.Logf("%+v %s", m, st.Boundary)
	if !strings.Contains(st.Boundary, "dropout rates look the same") || m.S <= 1000 || !st.Converged {
		t.Errorf("fit %+v: boundary %q, converged %v", m, st.Boundary, st.Converged)
	}
	if ratio := m.S / m.Beta; !strings.Contains(st.Boundary, strconv.FormatFloat(ratio, 'g', 3, 64)) {
		t.Errorf("boundary %q does not give the common rate %.3g", st.Boundary, ratio)
	}
}
