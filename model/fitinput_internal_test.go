package model

import (
	"reflect"
	"sync"
	"testing"
)

// The count fits of one summary group its customers once per time scale
// and share them; a fit on shared groups gives the bits a fit grouping its
// own gives; once the fits are done the groups go, and a later fit groups
// the customers again, the same.
func TestFitInputShared(t *testing.T) {
	own := simulatePNBD(ParetoNBD{R: 0.8, Alpha: 10, S: 0.9, Beta: 15}, 20_000, 3) // a sample is drawn
	shared := *own
	shared.fitInput = &fitInput{}

	d1, t1 := shared.grouped(0.5)
	d2, t2 := shared.grouped(0.5)
	if d1 != d2 || t1 != t2 || d1 == t1 {
		t.Fatalf("one scale grouped twice: %p %p, samples %p %p", d1, d2, t1, t2)
	}
	if want := newBGData(own, 0.5); !reflect.DeepEqual(d1, want) || !reflect.DeepEqual(t1, want.thin(fitSampleCustomers)) {
		t.Fatal("shared groups differ from the summary's own")
	}
	if d3, _ := shared.grouped(0.25); d3 == d1 || !reflect.DeepEqual(d3, newBGData(own, 0.25)) {
		t.Fatal("another scale: not grouped afresh")
	}
	shared.fitted()
	if shared.fitInput.full != nil || shared.fitInput.sample != nil {
		t.Fatal("the groups are kept after the fits")
	}

	// side by side, as the validation fits them
	var wg sync.WaitGroup
	var bg BGNBD
	var pn ParetoNBD
	wg.Go(func() { bg, _ = FitBGNBD(&shared, 0) })
	wg.Go(func() { pn, _ = FitParetoNBD(&shared, 0) })
	wg.Wait()
	bgOwn, _ := FitBGNBD(own, 0)
	pnOwn, _ := FitParetoNBD(own, 0)
	if bg != bgOwn || pn != pnOwn {
		t.Errorf("shared groups: %+v %+v, own: %+v %+v", bg, pn, bgOwn, pnOwn)
	}
}
