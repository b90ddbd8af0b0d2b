package model_test

import (
	"slices"
	"strings"
	"testing"

	"ledgerlens/model"
)

// Masking replaces every id and name by a pseudonym, unique, that does not
// give the real id away (the demo's ids are numbered in sequence: a rank
// in id order would be the real number), hides identifying attributes
// only, and leaves the real ledger untouched.
func TestMasked(t *testing.T) {
	led := demo(t)
	realIDs := slices.Clone(led.Customers.ID)
	m := led.Masked()
	cs, ms := led.Customers, m.Customers
	if !slices.Equal(cs.ID, realIDs) {
		t.Fatal("masking changed the real ledger")
	}
	seen := map[string]bool{}
	for c := range ms.ID {
		if seen[ms.ID[c]] || ms.ID[c] == cs.ID[c] || strings.Contains(ms.Name[c], cs.Name[c]) {
			t.Fatalf("customer %d: %q %q from %q %q", c, ms.ID[c], ms.Name[c], cs.ID[c], cs.Name[c])
		}
		seen[ms.ID[c]] = true
		if ms.Name[c] != "Customer "+ms.ID[c][1:] {
			t.Errorf("customer %d: id %q, name %q", c, ms.ID[c], ms.Name[c])
		}
	}
	same, agree := 0, 0
	for a := range cs.ID {
		if strings.TrimLeft(cs.ID[a][1:], "0") == strings.TrimLeft(ms.ID[a][1:], "0") {
			same++
		}
		b := (a + 7) % len(cs.ID)
		if (cs.ID[a] < cs.ID[b]) == (ms.ID[a] < ms.ID[b]) {
			agree++
		}
	}
	if same > 5 || agree > len(cs.ID)*6/10 {
		t.Errorf("pseudonyms follow the real ids: %d keep the real number, %d of %d pairs keep their order", same, agree, len(cs.ID))
	}
	// attributes shared by many customers (region, industry) are kept
	if !slices.Equal(cs.Region, ms.Region) || !slices.Equal(cs.Industry, ms.Industry) {
		t.Error("masking changed region or industry")
	}
	for i, a := range ms.Attrs {
		if !slices.Equal(a.Values, cs.Attrs[i].Values) {
			t.Logf("attribute %s masked", a.Name)
		}
	}
	// the masked ledger gives the same figures (on the demo no tie in a
	// ranking falls on a segment boundary, where the id would break it)
	a1, err1 := model.NewEngine(led).Analyze(model.DefaultParams())
	a2, err2 := model.NewEngine(m).Analyze(model.DefaultParams())
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	for i := range a1.Schemes {
		r1, r2 := a1.Schemes[i].Rows, a2.Schemes[i].Rows
		for k := range r1 {
			if r1[k].Customers != r2[k].Customers || r1[k].Revenue != r2[k].Revenue || r1[k].TotalCLV != r2[k].TotalCLV {
				t.Errorf("%s/%s differs when masked", a1.Schemes[i].Title, r1[k].Segment)
			}
		}
	}
}
