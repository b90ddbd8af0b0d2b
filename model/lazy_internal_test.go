package model

import (
	"testing"
	"time"
)

// While an analysis fits the models (held here inside the validation), an
// analysis without fits still runs to the end instead of waiting for the
// engine's lock; the fitting analysis then finishes with its models.
func TestQuickAnalysisDuringFit(t *testing.T) {
	led, asOf := rfmLedger([]struct {
		id      string
		r, f, m int
	}{{"A", 5, 4, 400}, {"B", 40, 2, 100}, {"C", 200, 1, 50}, {"D", 10, 6, 900}, {"E", 90, 3, 300}})
	p := DefaultParams()
	p.AsOf = asOf
	e := NewEngine(led)
	entered, release := make(chan struct{}), make(chan struct{})
	validateHook = func() { close(entered); <-release }
	defer func() { validateHook = nil }()
	full := make(chan *Analysis)
	go func() {
		a, err := e.Analyze(p)
		if err != nil {
			t.Error(err)
		}
		full <- a
	}()
	<-entered
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
	close(release)
	if a := <-full; a == nil || a.ModelsPending || a.Validation == nil {
		t.Error("the fitting analysis did not finish with its models")
	}
}

// The model the parameters name is fitted while the validation (here held
// at its start) fits the other: the CLV does not wait for the check.
func TestModelBesideValidation(t *testing.T) {
	led, asOf := rfmLedger([]struct {
		id      string
		r, f, m int
	}{{"A", 5, 4, 400}, {"B", 40, 2, 100}, {"C", 200, 1, 50}, {"D", 10, 6, 900}, {"E", 90, 3, 300}})
	p := DefaultParams()
	p.AsOf = asOf
	if p.CLVModel == "auto" {
		t.Fatal("the default CLV model is auto: the test needs a named one")
	}
	e := NewEngine(led)
	entered, release := make(chan struct{}), make(chan struct{})
	validateHook = func() { close(entered); <-release }
	defer func() { validateHook = nil }()
	full := make(chan *Analysis)
	go func() {
		a, err := e.Analyze(p)
		if err != nil {
			t.Error(err)
		}
		full <- a
	}()
	<-entered
	s := e.stage1(p.AsOf)
	mk, _, _ := clvKeys(p, p.CLVModel)
	deadline := time.After(time.Minute) // a deadlock guard, not a speed test
	for {
		if _, ok := peek(&e.mu, s.models, mk); ok {
			break
		}
		select {
		case <-deadline:
			close(release)
			t.Fatal("the model was not fitted while the validation waited")
		case <-time.After(5 * time.Millisecond):
		}
	}
	close(release)
	if a := <-full; a == nil || a.Validation == nil {
		t.Error("the analysis did not finish with its validation")
	}
}
