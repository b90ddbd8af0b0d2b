package model_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"ledgerlens/model"
)

// A frugal engine (no month-by-month CLV purchases or derivatives, no
// sorted orders kept) gives the same CLV and gradients, bit for bit, and the
// same scores, orders and segments as one that keeps them: on the first analysis
// and after the discount rate or the horizon changes (where the other
// reuses its stored derivatives and the frugal one sums a new pass).
func TestFrugalEngineSameGradients(t *testing.T) {
	for name, led := range map[string]*model.Ledger{"demo": demo(t), "generated": generatedLedger(t, 20_000, 7)} {
		keep, frugal := model.NewEngine(led), model.NewEngine(led)
		frugal.Frugal = true
		p := model.DefaultParams()
		for step, change := range []func(*model.Params){
			func(*model.Params) {},
			func(p *model.Params) { p.CLVMonthlyDiscount = 0.025 },
			func(p *model.Params) { p.CLVHorizonMonths = 7 },
			func(p *model.Params) { p.CLVMonthlyDiscount = 0.01 },
		} {
			change(&p)
			a, b := analyzeBoth(t, keep, frugal, p)
			ga, gb := model.CLVGradientOf(a), model.CLVGradientOf(b)
			if len(ga) == 0 || len(ga) != len(gb) {
				t.Fatalf("%s step %d: gradients of %d and %d values", name, step, len(ga), len(gb))
			}
			nonzero := 0
			for i := range ga {
				if math.Float64bits(ga[i]) != math.Float64bits(gb[i]) {
					t.Fatalf("%s step %d: gradient %d: kept %v, frugal %v", name, step, i, ga[i], gb[i])
				}
				if ga[i] != 0 {
					nonzero++
				}
			}
			if nonzero == 0 {
				t.Fatalf("%s step %d: every gradient is 0", name, step)
			}
			for c := range a.CLV {
				if math.Float64bits(a.CLV[c]) != math.Float64bits(b.CLV[c]) {
					t.Fatalf("%s step %d: CLV of customer %d: %v vs %v", name, step, c, a.CLV[c], b.CLV[c])
				}
			}
			// what the sorted orders give (the frugal engine keeps none)
			if !slices.Equal(a.RScore, b.RScore) || !slices.Equal(a.FScore, b.FScore) || !slices.Equal(a.MScore, b.MScore) {
				t.Fatalf("%s step %d: RFM scores differ", name, step)
			}
			if !slices.Equal(a.Profit.Order, b.Profit.Order) || !slices.Equal(a.Best, b.Best) || !slices.Equal(a.BestScore, b.BestScore) {
				t.Fatalf("%s step %d: whale or best-customer order differs", name, step)
			}
			if len(a.Schemes) != len(b.Schemes) {
				t.Fatalf("%s step %d: %d and %d schemes", name, step, len(a.Schemes), len(b.Schemes))
			}
			for k := range a.Schemes {
				if !slices.Equal(a.Schemes[k].Assign, b.Schemes[k].Assign) {
					t.Fatalf("%s step %d: scheme %s assigns differently", name, step, a.Schemes[k].Key)
				}
			}
		}
	}
}

// An engine that releases the rows once nothing will read them gives the
// analysis of one that keeps them (figures, segments, receivables and
// credit risk; with late invoices charged and roll rates from the ledger's
// history too, which read the rows in stage 2), has dropped them by the end,
// and refuses a second analysis rather than make it without them.
func TestReleaseRowsSameAnalysis(t *testing.T) {
	late := model.DefaultParams() // the rows go once the late invoices are counted
	late.CTSPerLateInvoice = 7.5
	roll := late // once the roll rates have read them too
	roll.LossRateSource = "history"
	// the documents go before the models are fitted on two summaries (one
	// with a holdout), or on none
	holdout, simple := model.DefaultParams(), model.DefaultParams()
	holdout.CLVModel, simple.CLVModel = "auto", "simple"
	for name, load := range map[string]func() *model.Ledger{"demo": func() *model.Ledger { return demo(t) }, "multi-line documents": func() *model.Ledger { return joinDocuments(generatedLedger(t, 20_000, 9)) }} {
		for pname, p := range map[string]model.Params{"defaults": model.DefaultParams(), "late invoices": late, "late invoices, roll rates": roll, "a holdout, auto": holdout, "simple CLV": simple} {
			keep, rel := model.NewEngine(load()), model.NewEngine(load())
			keep.Frugal, rel.Frugal, rel.ReleaseRows = true, true, true
			if p.CLVModel == "auto" {
				p.CalibrationEnd = model.DefaultAsOf(keep.Led) - 180
			}
			a, b := analyzeBoth(t, keep, rel, p)
			name := name + ", " + pname
			if va, vb := a.Validation, b.Validation; (va == nil) != (p.CLVModel == "simple") || va != nil && (va.Holdout > 0) != (p.CalibrationEnd != model.NoDay) {
				t.Fatalf("%s: validation %v", name, va)
			} else if va != nil && fmt.Sprint(va.Fits[0].Params, va.Fits[1].Params, va.ByFreq, va.Tracking, va.Histogram, va.ActualHoldout, va.Best) !=
				fmt.Sprint(vb.Fits[0].Params, vb.Fits[1].Params, vb.ByFreq, vb.Tracking, vb.Histogram, vb.ActualHoldout, vb.Best) {
				t.Fatalf("%s: validations differ", name)
			}
			if !b.Risk.Available || b.Risk.OpenInvoices == 0 {
				t.Fatalf("%s: no receivables to compare (%s)", name, b.Risk.Why)
			}
			if l := &rel.Led.Tx; l.Cust != nil || l.Date != nil || l.Amount != nil || l.Paid != nil || l.Cost != nil || l.Doc != nil || rel.Led.Docs.Len() != 0 || l.Category.Present() {
				t.Fatalf("%s: rows still held", name)
			}
			if keep.Led.Tx.Len() == 0 || keep.Led.Docs.Len() == 0 {
				t.Fatalf("%s: the keeping engine lost its rows", name)
			}
			if !slices.Equal(a.Base.Docs, b.Base.Docs) || b.Base.DocDate != nil || b.Base.DocNet != nil || b.Base.RowIdx != nil {
				t.Fatalf("%s: document counts differ, or the documents are still held", name)
			}
			if ca, cb := a.Cohorts(), b.Cohorts(); len(ca.Labels) == 0 || fmt.Sprintf("%+v", ca) != fmt.Sprintf("%+v", cb) {
				t.Fatalf("%s: cohorts differ (or none)", name)
			}
			same := func(what string, x, y []model.Money) {
				if !slices.Equal(x, y) {
					t.Fatalf("%s: %s differ", name, what)
				}
			}
			same("revenue", a.Revenue, b.Revenue)
			same("costs to serve", a.CTS, b.CTS)
			same("contribution margins", a.CM, b.CM)
			same("open receivables", a.Risk.CustAR, b.Risk.CustAR)
			same("expected credit losses", a.Risk.CustECL, b.Risk.CustECL)
			same("CLV", a.CLVMoney, b.CLVMoney)
			if !slices.Equal(a.Risk.LossRates, b.Risk.LossRates) || a.Risk.RateSource != b.Risk.RateSource {
				t.Fatalf("%s: loss rates differ", name)
			}
			var cts model.Money // the stage-2 readers of the rows had work to do
			for _, v := range b.CTS {
				cts += v
			}
			if (cts > 0) != (p.CTSPerLateInvoice > 0) || strings.Contains(b.Risk.RateSource, "roll rates") != (p.LossRateSource == "history") {
				t.Fatalf("%s: late invoices charged %d, loss rates: %s", name, cts, b.Risk.RateSource)
			}
			if !slices.Equal(a.Risk.WriteOffs, b.Risk.WriteOffs) || !slices.Equal(a.Risk.Score, b.Risk.Score) {
				t.Fatalf("%s: write-offs or credit scores differ", name)
			}
			for k := range a.Schemes { // totals compared as printed: NaN is then equal to itself
				if !slices.Equal(a.Schemes[k].Assign, b.Schemes[k].Assign) || fmt.Sprintf("%+v", a.Schemes[k].Total) != fmt.Sprintf("%+v", b.Schemes[k].Total) {
					t.Fatalf("%s: scheme %s differs", name, a.Schemes[k].Key)
				}
			}
			func() {
				defer func() {
					if recover() == nil {
						t.Fatalf("%s: a second analysis was made without the rows", name)
					}
				}()
				rel.Analyze(p)
			}()
		}
	}
}

// analyzeBoth analyses p with each engine.
func analyzeBoth(t *testing.T, x, y *model.Engine, p model.Params) (a, b *model.Analysis) {
	t.Helper()
	a, err := x.Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	if b, err = y.Analyze(p); err != nil {
		t.Fatal(err)
	}
	return a, b
}
