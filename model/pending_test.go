package model_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"ledgerlens/model"
)

// AnalyzeWithoutFits gives a first screen before the models are fitted: on
// a fresh engine it leaves them out (ModelsPending, CLV n/a and said to be
// pending, no simple CLV in its place, no validation, a warning that says
// so); once Analyze has fitted them it is Analyze, figure for figure; and a
// model-free analysis is never pending.
func TestAnalyzeWithoutFits(t *testing.T) {
	led := demo(t)
	p := model.DefaultParams()
	e := model.NewEngine(led)
	quick, err := e.AnalyzeWithoutFits(p)
	if err != nil {
		t.Fatal(err)
	}
	if !quick.ModelsPending || quick.Validation != nil || quick.Model != nil {
		t.Fatalf("fresh engine: pending %v, validation %v, model %v", quick.ModelsPending, quick.Validation != nil, quick.Model != nil)
	}
	if !strings.Contains(strings.Join(quick.Warnings, "\n"), "being fitted") {
		t.Errorf("no warning that the models are being fitted: %q", quick.Warnings)
	}
	simple := p.Clone()
	if err := simple.Set("clv_model", "simple"); err != nil {
		t.Fatal(err)
	}
	s, err := model.NewEngine(led).Analyze(simple)
	if err != nil {
		t.Fatal(err)
	}
	// no stand-in: the simple CLV is another figure
	if quick.CLVInfo.Known || !strings.Contains(quick.CLVInfo.Label, "pending") || reflect.DeepEqual(quick.CLV, s.CLV) {
		t.Errorf("the pending analysis' CLV: known %v, label %q, the simple CLV %v", quick.CLVInfo.Known, quick.CLVInfo.Label, reflect.DeepEqual(quick.CLV, s.CLV))
	}
	for _, sc := range quick.Schemes {
		if sc.Key == "clv" && !strings.Contains(sc.Note, "pending") {
			t.Errorf("CLV tiers while pending: %q", sc.Note)
		}
		for _, r := range sc.Rows {
			if r.TotalCLV != 0 || r.HasCLVPM {
				t.Errorf("%s %s: CLV %d while pending", sc.Key, r.Segment, r.TotalCLV)
			}
		}
	}
	full, err := e.Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	if full.ModelsPending || full.Validation == nil || !full.Model.OK {
		t.Fatalf("Analyze: pending %v, validation %v", full.ModelsPending, full.Validation != nil)
	}
	again, err := e.AnalyzeWithoutFits(p)
	if err != nil {
		t.Fatal(err)
	}
	// (printed: the P&L rows hold NaN where a figure is n/a)
	if again.ModelsPending || !reflect.DeepEqual(again.CLV, full.CLV) || !reflect.DeepEqual(again.ExpPurchases, full.ExpPurchases) ||
		fmt.Sprint(again.Schemes) != fmt.Sprint(full.Schemes) || !reflect.DeepEqual(again.Warnings, full.Warnings) {
		t.Errorf("with the fits cached, AnalyzeWithoutFits differs from Analyze: pending %v clv %v exp %v schemes %v warnings %v", again.ModelsPending, reflect.DeepEqual(again.CLV, full.CLV), reflect.DeepEqual(again.ExpPurchases, full.ExpPurchases), fmt.Sprint(again.Schemes) == fmt.Sprint(full.Schemes), reflect.DeepEqual(again.Warnings, full.Warnings))
	}
	if q, err := model.NewEngine(led).AnalyzeWithoutFits(simple); err != nil || q.ModelsPending {
		t.Errorf("clv_model=simple: pending %v, %v", q.ModelsPending, err)
	}
}
