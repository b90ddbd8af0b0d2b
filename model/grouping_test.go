package model_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"ledgerlens/model"
)

func TestAttrGroupsText(t *testing.T) {
	g, err := model.ParseAttrGroups(`region: Coastal = East, South; region: Inland = West;地区：沿海＝华东，华南; industry: "Food, drink" = "Bakery; cakes", Dairy`)
	if err != nil {
		t.Fatal(err)
	}
	want := []model.AttrGroup{{"region", "Coastal", []string{"East", "South"}}, {"region", "Inland", []string{"West"}},
		{"地区", "沿海", []string{"华东", "华南"}}, {"industry", "Food, drink", []string{"Bakery; cakes", "Dairy"}}}
	if fmt.Sprint(g) != fmt.Sprint(want) {
		t.Fatalf("parsed %v, want %v", g, want)
	}
	back, err := model.ParseAttrGroups(model.FormatAttrGroups(g))
	if err != nil || fmt.Sprint(back) != fmt.Sprint(g) {
		t.Errorf("round trip via %q: %v, %v", model.FormatAttrGroups(g), back, err)
	}
	for in, why := range map[string]string{
		"region: A = East; region: B = East": `region value "East" is in both "A" and "B"`,
		"region Coastal = East":              "want attribute: Group = value",
		"region: Coastal East":               "want attribute: Group = value",
		"region: Coastal =":                  "has no values",
		`region: "Coastal = East`:            "a quote is not closed",
	} {
		if _, err := model.ParseAttrGroups(in); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: error %v, want %q", in, err, why)
		}
	}
	b, err := model.ParseAttrBands("employees: 10, 50, 250; age：30，45")
	if err != nil {
		t.Fatal(err)
	}
	if got := model.FormatAttrBands(b); got != "employees: 10, 50, 250; age: 30, 45" {
		t.Errorf("bands written %q", got)
	}
	for in, why := range map[string]string{
		"employees: 50, 10":           "cuts must increase",
		"employees: 5; employees: 10": "two sets of bands",
		"employees: ten":              "not a number",
		"employees":                   "want attribute: cut",
	} {
		if _, err := model.ParseAttrBands(in); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: error %v, want %q", in, err, why)
		}
	}
	// both are saved in a scenario and read back
	p := model.DefaultParams()
	p.AttrGroups, p.AttrBands = g, b
	var buf bytes.Buffer
	if err := model.WriteScenario(&buf, model.Scenario{Name: "groups", Params: p}); err != nil {
		t.Fatal(err)
	}
	sc, err := model.ReadScenario(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sc.Params.AttrGroups) != fmt.Sprint(g) || fmt.Sprint(sc.Params.AttrBands) != fmt.Sprint(b) {
		t.Errorf("scenario gave %v / %v", sc.Params.AttrGroups, sc.Params.AttrBands)
	}
}

// Grouped and banded attributes are schemes of their own: every customer in
// exactly one group or band, lower bounds included, blanks apart; a numeric
// extra column with many values is banded at its quintiles by itself.
func TestGroupsAndBands(t *testing.T) {
	var b strings.Builder
	b.WriteString("customer_id,date,amount,region,employees,age\n")
	regions := []string{"East", "South", "West", "North", ""}
	emps := []string{"5", "10", "49", "50", "250", "1000", ""}
	for i := 0; i < 35; i++ {
		fmt.Fprintf(&b, "c%02d,2025-01-01,100,%s,%s,%d\n", i, regions[i%5], emps[i%7], 20+i)
	}
	a, _ := analyzeCSV(t, b.String(),
		"attr_groups=region: Coastal = East, South; region: Inland = West",
		"attr_bands=employees: 10, 50, 250; nosuch: 1")
	g := scheme(t, a, "group:region")
	if want := []string{"Coastal", "Inland", "Other (ungrouped)", "(blank)"}; !slices.Equal(g.Segments, want) {
		t.Errorf("group segments %v, want %v", g.Segments, want)
	}
	band := scheme(t, a, "band:employees")
	if want := []string{"< 10", "10 – < 50", "50 – < 250", "≥ 250", "(blank)"}; !slices.Equal(band.Segments, want) {
		t.Errorf("band segments %v, want %v", band.Segments, want)
	}
	wantGroup := map[string]string{"East": "Coastal", "South": "Coastal", "West": "Inland", "North": "Other (ungrouped)", "": "(blank)"}
	wantBand := map[string]string{"5": "< 10", "10": "10 – < 50", "49": "10 – < 50", "50": "50 – < 250", "250": "≥ 250", "1000": "≥ 250", "": "(blank)"}
	for i := 0; i < 35; i++ {
		c := slices.Index(a.Led.Customers.ID, fmt.Sprintf("c%02d", i))
		if got := g.Segments[g.Assign[c]]; got != wantGroup[regions[i%5]] {
			t.Errorf("c%02d region %q: %s, want %s", i, regions[i%5], got, wantGroup[regions[i%5]])
		}
		if got := band.Segments[band.Assign[c]]; got != wantBand[emps[i%7]] {
			t.Errorf("c%02d employees %q: %s, want %s", i, emps[i%7], got, wantBand[emps[i%7]])
		}
	}
	if !slices.Contains(a.Warnings, `attr_bands: no numeric attribute "nosuch" in this ledger`) {
		t.Errorf("no warning for the unknown attribute: %q", a.Warnings)
	}
	// age: 35 distinct numbers, banded at the quintiles of 20 … 54 by itself
	if _, raw := a.SchemeByKey("attr:age"); raw {
		t.Error("age is still one segment per value")
	}
	age := scheme(t, a, "band:age")
	if want := []string{"< 27", "27 – < 34", "34 – < 41", "41 – < 48", "≥ 48", "(blank)"}; !slices.Equal(age.Segments, want) {
		t.Errorf("automatic age bands %v, want %v", age.Segments, want)
	}
	for _, r := range age.Rows[:5] {
		if r.Customers != 7 {
			t.Errorf("age band %s has %d customers, want 7", r.Segment, r.Customers)
		}
	}
	// every grouping's P&L adds up to the whole
	for _, sc := range []*model.Scheme{g, band, age} {
		n := 0
		for _, r := range sc.Rows {
			n += r.Customers
		}
		if n != a.N || sc.Total.Customers != a.N {
			t.Errorf("%s: rows hold %d customers, total %d, want %d", sc.Key, n, sc.Total.Customers, a.N)
		}
	}
}
