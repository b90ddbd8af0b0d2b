package model

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestScenarioRoundTrip(t *testing.T) {
	p := DefaultParams()
	for k, v := range map[string]string{
		"as_of": "2025-06-30", "discount_rate_annual": "0.08", "pyramid_cutoffs": "1%, 5%, 25%",
		"rfm_f_breaks": "2, 3, 5, 8", "assumed_gm_pct": "0.3", "clv_simple_convention": "OF",
		"pyramid_lead_nonpositive": "true", "rfm_segment_map": "Top: 55 54; Rest: 11",
	} {
		if err := p.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := WriteScenario(&buf, Scenario{Name: `Q3 "stress" 情景`, Notes: "line1\nline2", Params: p}); err != nil {
		t.Fatal(err)
	}
	sc, err := ReadScenario(&buf)
	if err != nil {
		t.Fatalf("read back: %v\n%s", err, buf.String())
	}
	if sc.Name != `Q3 "stress" 情景` || sc.Notes != "line1\nline2" {
		t.Errorf("name/notes = %q / %q", sc.Name, sc.Notes)
	}
	for _, s := range Specs {
		if a, b := s.Get(&p), s.Get(&sc.Params); a != b {
			t.Errorf("%s: wrote %q, read %q", s.Key, a, b)
		}
	}
	if !reflect.DeepEqual(sc.Params.RFMSegmentMap, p.RFMSegmentMap) {
		t.Errorf("segment map = %v", sc.Params.RFMSegmentMap)
	}
	// defaults survive a round trip too (unset assumed margin stays unset)
	buf.Reset()
	WriteScenario(&buf, Scenario{Params: DefaultParams()})
	sc, err = ReadScenario(&buf)
	if err != nil || !math.IsNaN(sc.Params.AssumedGMPct) || !reflect.DeepEqual(sc.Params.RFMSegmentMap, DefaultRFMMap()) {
		t.Errorf("defaults round trip: %v, gm %v", err, sc.Params.AssumedGMPct)
	}
}

func TestScenarioRefusals(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"[parameters]\ndiscount_rate_annual = \"abc\"\n", "discount_rate_annual"},
		{"[parameters]\nrfm_bins = 99\n", "rfm_bins"},
		{"[parameters]\nno_such_thing = 1\n", `"no_such_thing"`},
		{"colour = 1\n", `"colour"`},
		{"[parameters]\nretention_override = 0.95\ndiscount_rate_annual = -0.1\n", "retention_override"},
		{"[parameters]\npyramid_cutoffs = [0.2, 0.05, 0.5]\n", "pyramid_cutoffs"},
		{"[parameters]\nrfm_scoring = \"magic\"\n", "rfm_scoring"},
	} {
		_, err := ReadScenario(strings.NewReader(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want it to name %s", tc.text, err, tc.want)
		}
	}
}

func TestValidate(t *testing.T) {
	p := DefaultParams()
	if err := p.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	p.ChurnLapsedRatio = 1
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "churn_lapsed_ratio") {
		t.Errorf("lapsed < at-risk: %v", err)
	}
	p = DefaultParams()
	p.RetentionOverride, p.DiscountRateAnnual = 0.95, -0.1
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "1 + d − r") {
		t.Errorf("1+d−r ≤ 0: %v", err)
	}
}
