package model_test

import (
	"bytes"
	"slices"
	"testing"

	"ledgerlens/model"
)

// Every segment of the pyramid, RFM, lifecycle, churn and credit schemes
// has an action; the analyst's override wins, reaches each customer's
// action field, and survives a scenario file.
func TestSegmentActions(t *testing.T) {
	e := model.NewEngine(demo(t))
	a := analyze(t, e, nil)
	for _, key := range []string{"pyramid", "rfm", "lifecycle", "churn", "credit", "spend", "frequency", "profitability", "clv", "pattern"} {
		sc, ok := a.SchemeByKey(key)
		if !ok {
			t.Fatalf("no scheme %s", key)
		}
		for _, r := range sc.Rows {
			// segments that describe missing data have none
			if r.Action == "" && !slices.Contains([]string{"Others", "n/a", "Too few purchases"}, r.Segment) {
				t.Errorf("%s %s has no action", key, r.Segment)
			}
		}
	}
	set := `rfm: "At Risk" = "call within a week; offer 5 %"; pyramid: Lead = serve online only`
	b := analyze(t, e, map[string]string{"segment_actions": set})
	rfm, _ := b.SchemeByKey("rfm")
	f, ok := b.Field("act:rfm")
	if !ok {
		t.Fatal("no act:rfm field")
	}
	for i, r := range rfm.Rows {
		old, _ := a.SchemeByKey("rfm")
		want := old.Rows[i].Action
		if r.Segment == "At Risk" {
			want = "call within a week; offer 5 %"
		}
		if r.Action != want {
			t.Errorf("rfm %s: action %q, want %q", r.Segment, r.Action, want)
		}
	}
	for c := range b.N {
		if got := f.Get(b, c); got.OK != (rfm.Rows[rfm.Assign[c]].Action != "") || got.Text != rfm.Rows[rfm.Assign[c]].Action {
			t.Fatalf("customer %d: action field %+v, segment's %q", c, got, rfm.Rows[rfm.Assign[c]].Action)
		}
	}
	var buf bytes.Buffer
	p := b.Params
	if err := model.WriteScenario(&buf, model.Scenario{Name: "actions", Params: p}); err != nil {
		t.Fatal(err)
	}
	back, err := model.ReadScenario(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := model.FormatSegmentActions(back.Params.SegmentActions); got != model.FormatSegmentActions(p.SegmentActions) {
		t.Errorf("scenario round trip: %q, want %q", got, model.FormatSegmentActions(p.SegmentActions))
	}
	for _, bad := range []string{"rfm At Risk", "rfm: = x", `rfm: "At Risk = x`, "rfm: Lost = a; rfm: Lost = b"} {
		if _, err := model.ParseSegmentActions(bad); err == nil {
			t.Errorf("ParseSegmentActions(%q) accepted", bad)
		}
	}
}
