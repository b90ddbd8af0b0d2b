package model

import (
	"math"
	"strings"
	"testing"
)

func summaryOf(x, tx, T, mbar []float64) *RepeatSummary {
	s := &RepeatSummary{Unit: "day", UnitDays: 1}
	for i := range x {
		s.In = append(s.In, true)
		s.X, s.Tx, s.T, s.Mbar = append(s.X, x[i]), append(s.Tx, tx[i]), append(s.T, T[i]), append(s.Mbar, mbar[i])
	}
	return s
}

func TestFitRobustness(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name   string
		s      *RepeatSummary
		bgOK   bool
		ggOK   bool
		reason string
	}{
		{"all one-time buyers", summaryOf([]float64{0, 0, 0}, []float64{0, 0, 0}, []float64{10, 50, 300}, []float64{nan, nan, nan}), false, false, "more than one day"},
		{"single customer", summaryOf([]float64{3}, []float64{20}, []float64{40}, []float64{12}), false, false, "at least two"},
		{"zero-spend repeats", summaryOf([]float64{2, 1, 4, 0}, []float64{10, 5, 30, 0}, []float64{50, 60, 70, 80}, []float64{nan, nan, nan, nan}), true, false, ""},
		{"huge T", summaryOf([]float64{1, 5, 0, 2}, []float64{1e5, 2e6, 0, 3e6}, []float64{1e7, 5e6, 8e6, 9e6}, []float64{10, 20, nan, 15}), true, true, ""},
	}
	for _, tc := range cases {
		m, st := FitBGNBD(tc.s, 0)
		if st.Converged != tc.bgOK {
			t.Errorf("%s: BG/NBD converged = %v (%s)", tc.name, st.Converged, st.Err)
		}
		if !st.Converged && (st.Err == "" || !strings.Contains(st.Err, tc.reason)) {
			t.Errorf("%s: BG/NBD failure reason %q, want it to mention %q", tc.name, st.Err, tc.reason)
		}
		if st.Converged {
			for i := range tc.s.X {
				for _, v := range []float64{m.PAlive(tc.s.X[i], tc.s.Tx[i], tc.s.T[i]), m.ExpectedPurchases(90, tc.s.X[i], tc.s.Tx[i], tc.s.T[i])} {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Errorf("%s: prediction %v for customer %d", tc.name, v, i)
					}
				}
			}
		}
		_, gst := FitGammaGamma(tc.s)
		if gst.Converged && !tc.ggOK {
			t.Errorf("%s: Gamma-Gamma converged on unusable data", tc.name)
		}
		if gst.Converged != tc.ggOK || (!gst.Converged && gst.Err == "") {
			t.Errorf("%s: Gamma-Gamma converged = %v, reason %q", tc.name, gst.Converged, gst.Err)
		}
	}
}

// A ledger whose fit fails falls back to simple CLV, labelled, with no NaN.
func TestFallbackToSimpleCLV(t *testing.T) {
	custs := []struct {
		id      string
		r, f, m int
	}{{"A", 10, 1, 100}, {"B", 40, 1, 300}, {"C", 200, 1, 50}}
	led, asOf := rfmLedger(custs)
	p := DefaultParams()
	p.AsOf = asOf
	a, err := NewEngine(led).Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	if a.Model == nil || a.Model.OK || a.CLVInfo.Model != "simple" {
		t.Fatalf("model %+v, CLV %s", a.Model, a.CLVInfo.Model)
	}
	found := false
	for _, w := range a.Warnings {
		found = found || strings.Contains(w, "probabilistic CLV unavailable")
	}
	if !found {
		t.Errorf("no fallback warning in %v", a.Warnings)
	}
	for c := range a.CLV {
		if math.IsNaN(a.CLV[c]) || math.IsInf(a.CLV[c], 0) || math.IsNaN(a.BestScore[c]) {
			t.Errorf("customer %d: CLV %v score %v", c, a.CLV[c], a.BestScore[c])
		}
	}
}
