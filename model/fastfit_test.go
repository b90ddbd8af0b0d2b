package model_test

import (
	"bytes"
	"math"
	"os"
	"testing"

	"ledgerlens/importer"
	"ledgerlens/internal/ledgergen"
	"ledgerlens/model"
)

// fitLedgers are the ledgers the grouped likelihoods are checked on: the
// demo, every ledger in ../shared/data and a generated one large enough
// (24,750 customers) that the fit's starts search on a sample.
func fitLedgers(t *testing.T) map[string]*model.Ledger {
	out := map[string]*model.Ledger{"demo": demo(t), "cdnow": cdnow(t)}
	for name, path := range map[string]string{
		"receivables":  "../../shared/data/receivables/WA_Fn-UseC_-Accounts-Receivable.csv",
		"onlineretail": "../../shared/data/online-retail-ii/online_retail_II_subset_2sheets.xlsx",
	} {
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("shared data: %v", err)
		}
		led, _, err := importer.Load([]string{path}, importer.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = led
	}
	out["generated"] = generatedLedger(t, 250_000, 7)
	return out
}

// generatedLedger is the seeded generator's ledger of rows rows, loaded as
// a file would be.
func generatedLedger(tb testing.TB, rows int, seed uint64) *model.Ledger {
	tb.Helper()
	var buf bytes.Buffer
	if err := ledgergen.WriteCSV(&buf, rows, seed); err != nil {
		tb.Fatal(err)
	}
	led, _, err := importer.LoadReader("generated.csv", buf.Bytes(), importer.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return led
}

func relDiff(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b))
}

// sameLL checks that the grouped likelihood and gradient at th equal the
// per-customer ones (1e-10 relative; gradients 1e-8).
func sameLL(t *testing.T, what string, fast, direct func(th, grad []float64) float64, th []float64) {
	t.Helper()
	gf, gd := make([]float64, len(th)), make([]float64, len(th))
	lf, ld := fast(th, gf), direct(th, gd)
	if relDiff(lf, ld) > 1e-10 {
		t.Errorf("%s LL at %v: grouped %.12g, direct %.12g", what, th, lf, ld)
	}
	for i := range gf {
		if math.Abs(gf[i]-gd[i]) > 1e-8*math.Max(1, math.Abs(gd[i])) {
			t.Errorf("%s gradient %d at %v: grouped %.12g, direct %.12g", what, i, th, gf[i], gd[i])
		}
	}
}

// TestGroupedLikelihoods compares the grouped, parallel likelihoods and
// gradients with the per-customer formulas at points around the usual
// optima, in every time unit.
func TestGroupedLikelihoods(t *testing.T) {
	points := [][]float64{{0.1, 0.1, 0.1, 0.1}, {-1.4, 1.5, -0.2, 0.9}, {0.5, -2, -3, -3}, {-3, 3, 1, 2.5}}
	for name, led := range fitLedgers(t) {
		base := model.Aggregate(led, model.DefaultAsOf(led))
		for _, unit := range []string{"day", "week", "month"} {
			s := base.Summary(led, unit)
			for _, scale := range []float64{1, 0.01} {
				fast, direct := model.BGLikelihoods(s, scale)
				for _, th := range points {
					sameLL(t, name+" "+unit+" BG/NBD", fast, direct, th)
				}
			}
			fast, direct := model.GGLikelihoods(s)
			for _, th := range [][]float64{{0.1, 0.1, 0.1}, {1.8, 1, 2.7}, {-1, 3, 5}} {
				sameLL(t, name+" "+unit+" Gamma-Gamma", fast, direct, th)
			}
		}
	}
}

// TestGroupedFitsSameOptima fits every ledger with the grouped and with the
// per-customer likelihood: the same parameters to 1e-6 relative, the same
// verdict.
func TestGroupedFitsSameOptima(t *testing.T) {
	for name, led := range fitLedgers(t) {
		base := model.Aggregate(led, model.DefaultAsOf(led))
		for _, unit := range []string{"day", "week"} {
			s := base.Summary(led, unit)
			m1, st1 := model.FitBGNBD(s, 0)
			m2, st2 := model.FitBGNBDDirect(s, 0)
			if st1.Converged != st2.Converged || (st1.Boundary == "") != (st2.Boundary == "") || st1.Err != st2.Err {
				t.Errorf("%s %s BG/NBD verdicts differ: grouped %+v, direct %+v", name, unit, st1, st2)
			}
			var bg [][2]float64
			if st1.Boundary == "" {
				bg = [][2]float64{{st1.LogLik, st2.LogLik}, {m1.R, m2.R}, {m1.Alpha, m2.Alpha}, {m1.A, m2.A}, {m1.B, m2.B}}
			} else if st1.LogLik < st2.LogLik-1e-6*math.Abs(st2.LogLik) {
				// at the boundary the likelihood approaches its supremum and
				// the parameters run off together: there is no point to
				// compare, but the grouped fit must climb as high
				t.Errorf("%s %s BG/NBD boundary log-likelihood: grouped %.10g, direct %.10g", name, unit, st1.LogLik, st2.LogLik)
			}
			for i, p := range bg {
				if relDiff(p[0], p[1]) > 1e-6 {
					t.Errorf("%s %s BG/NBD value %d: grouped %.10g, direct %.10g", name, unit, i, p[0], p[1])
				}
			}
			g1, gs1 := model.FitGammaGamma(s)
			g2, gs2 := model.FitGammaGammaDirect(s)
			if gs1.Converged != gs2.Converged || gs1.Err != gs2.Err {
				t.Errorf("%s %s Gamma-Gamma verdicts differ: grouped %+v, direct %+v", name, unit, gs1, gs2)
			}
			gg := [][2]float64{{gs1.LogLik, gs2.LogLik}}
			if len(gs1.Warnings) == 0 { // no parameter ran off
				gg = append(gg, [][2]float64{{g1.P, g2.P}, {g1.Q, g2.Q}, {g1.V, g2.V}}...)
			}
			for i, p := range gg {
				if relDiff(p[0], p[1]) > 1e-6 {
					t.Errorf("%s %s Gamma-Gamma value %d: grouped %.10g, direct %.10g", name, unit, i, p[0], p[1])
				}
			}
			t.Logf("%s %s: BG/NBD %+v (%s) iterations %d; GG %+v", name, unit, m1, st1.Boundary, st1.Iterations, g1)
		}
	}
}

// BenchmarkFitsMillionRows builds the repeat summary, fits BG/NBD and
// Gamma-Gamma and predicts P(alive), purchases and spend per customer
// (model.FitModel, aggregation done before the timer) on the generated
// 1,000,000-row ledger: about 99,000 customers, nearly all with a history of
// their own in days. Target: 120 ms for 100,000 distinct histories.
func BenchmarkFitsMillionRows(b *testing.B) {
	led := generatedLedger(b, 1_000_000, 1)
	base := model.Aggregate(led, model.DefaultAsOf(led))
	b.ResetTimer()
	var m *model.ProbModel
	for range b.N {
		if m = model.FitModel(base, led, "day", 0, model.KindBGNBD); !m.OK {
			b.Fatalf("fit: %s", m.Why)
		}
	}
	b.ReportMetric(float64(model.DistinctHistories(m.Summary)), "histories")
}

// TestStandardErrorsOrWords checks that every fit on the test ledgers has
// standard errors or says in words why not, never neither or both; a fit
// at the edge of the parameter space has neither standard errors nor a
// log-likelihood, and says so.
func TestStandardErrorsOrWords(t *testing.T) {
	for name, led := range fitLedgers(t) {
		base := model.Aggregate(led, model.DefaultAsOf(led))
		s := base.Summary(led, "week")
		_, bg := model.FitBGNBD(s, 0)
		_, pn := model.FitParetoNBD(s, 0)
		_, gg := model.FitGammaGamma(s)
		for _, st := range []model.FitStatus{bg, pn, gg} {
			if !st.Converged {
				continue
			}
			if st.Boundary != "" {
				if st.SE != nil || st.SENote != model.AtBoundaryNoStandardErrors || !math.IsNaN(st.LogLik) {
					t.Errorf("%s %s at the edge: standard errors %v, note %q, log-likelihood %g", name, st.Model, st.SE, st.SENote, st.LogLik)
				}
				continue
			}
			if (st.SE == nil) != (st.SENote == model.NoStandardErrors) || (st.SE != nil && st.SENote != "") || math.IsNaN(st.LogLik) {
				t.Errorf("%s %s: standard errors %v, note %q, log-likelihood %g", name, st.Model, st.SE, st.SENote, st.LogLik)
			}
		}
	}
}
