package model_test

import (
	"math"
	"testing"
	"time"

	"ledgerlens/model"
)

// The published Pareto/NBD fit of the CDNOW sample (Fader, Hardie & Lee,
// "A note on implementing the Pareto/NBD model in MATLAB", 2005): weeks,
// calibration to 1997-09-30, same-day purchases merged.
func TestCDNOWParetoNBD(t *testing.T) {
	led := cdnow(t)
	base := model.Aggregate(led, model.DayFromCivil(1997, 9, 30))
	s := base.Summary(led, "week")
	start := time.Now()
	m, st := model.FitParetoNBD(s, 0)
	t.Logf("fit %v: %+v %+v", time.Since(start), m, st)
	if !st.Converged || st.Boundary != "" {
		t.Fatalf("Pareto/NBD: %+v", st)
	}
	for _, p := range []struct {
		name      string
		got, want float64
	}{{"r", m.R, 0.5533}, {"alpha", m.Alpha, 10.5776}, {"s", m.S, 0.6061}, {"beta", m.Beta, 11.6650}} {
		if math.Abs(p.got/p.want-1) > 5e-4 {
			t.Errorf("%s = %.5f, want %.4f within 5e-4 relative", p.name, p.got, p.want)
		}
	}
	if math.Abs(st.LogLik-(-9594.98)) > 0.01 {
		t.Errorf("log-likelihood = %.4f, want −9594.98 ± 0.01", st.LogLik)
	}
}
