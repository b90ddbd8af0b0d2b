package model

import (
	"testing"
	"time"
)

// While an analysis fits the models (held here inside the validation), an
// analysis without fits still runs to the end instead of waiting for the
// engine's lock; the fitting analysis then finishes with its models.
func TestQuickAnalysisDuringFit(t *testing.T) {
	e, p, full, release := analysisHeldInValidation(t)
	quick := make(chan *Analysis)
	go func() {
		a, err := e.AnalyzeWithoutFits(p)
		if err != nil {
			t.Error(err)
		}
		quick <- a
	}()
	select {
	case a := <-quick:
		if !a.ModelsPending {
			t.Error("the quick analysis during the fit is not marked pending")
		}
	case <-time.After(time.Minute): // a deadlock guard, not a speed test
		t.Fatal("the analysis without fits waited for the fitting one")
	}
	release()
	if a := <-full; a == nil || a.ModelsPending || a.Validation == nil {
		t.Error("the fitting analysis did not finish with its models")
	}
}

// The model the parameters name is fitted while the validation (here held
// at its start) fits the other: the CLV does not wait for the check.
func TestModelBesideValidation(t *testing.T) {
	e, p, full, release := analysisHeldInValidation(t)
	if p.CLVModel == "auto" {
		release()
		t.Fatal("the default CLV model is auto: the test needs a named one")
	}
	s := e.stage1(p.AsOf)
	mk, _, _ := clvKeys(p, p.CLVModel)
	deadline := time.After(time.Minute) // a deadlock guard, not a speed test
	for {
		if _, ok := peek(&e.mu, s.models, mk); ok {
			break
		}
		select {
		case <-deadline:
			release()
			t.Fatal("the model was not fitted while the validation waited")
		case <-time.After(5 * time.Millisecond):
		}
	}
	release()
	if a := <-full; a == nil || a.Validation == nil {
		t.Error("the analysis did not finish with its validation")
	}
}

// analysisHeldInValidation starts a full analysis of a small ledger and
// returns once its validation has started and is held there, until
// release; full gives the analysis when it ends.
func analysisHeldInValidation(t *testing.T) (e *Engine, p Params, full <-chan *Analysis, release func()) {
	led, asOf := rfmLedger([]struct {
		id      string
		r, f, m int
	}{{"A", 5, 4, 400}, {"B", 40, 2, 100}, {"C", 200, 1, 50}, {"D", 10, 6, 900}, {"E", 90, 3, 300}})
	p = DefaultParams()
	p.AsOf = asOf
	e = NewEngine(led)
	entered, held := make(chan struct{}), make(chan struct{})
	validateHook = func() { close(entered); <-held }
	t.Cleanup(func() { validateHook = nil })
	out := make(chan *Analysis, 1)
	go func() {
		a, err := e.Analyze(p)
		if err != nil {
			t.Error(err)
		}
		out <- a
	}()
	<-entered
	return e, p, out, func() { close(held) }
}
