package model_test

import (
	"strings"
	"testing"

	"ledgerlens/model"
)

func same(s string) string { return s }

// Conditions are ANDed, money is in major units, shares take % or a
// fraction, quoted values keep their spaces, words are looked for in the
// given fields; errors name the field.
func TestQuery(t *testing.T) {
	a, err := model.NewEngine(demo(t)).Analyze(model.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	sel := func(q string) []int32 {
		t.Helper()
		qq, err := model.ParseQuery(a, q, "seg:pyramid")
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		typ, _ := a.Field("type")
		return a.Select(qq, []model.Field{typ}, same)
	}
	want := 0
	for c := 0; c < a.N; c++ {
		if a.CLVMoney[c] > 1000*a.Led.Scale() && model.Grades[a.Risk.Grade[c]] == "E" {
			want++
		}
	}
	if got := len(sel("clv>1000 grade=E")); got != want || want == 0 {
		t.Errorf("clv>1000 grade=E: %d, want %d", got, want)
	}
	low := 0
	for c := 0; c < a.N; c++ {
		if a.PAlive[c] < 0.5 {
			low++
		}
	}
	if got := len(sel("palive<50%")); got != low || low == 0 || low == a.N {
		t.Errorf("palive<50%%: %d, want %d", got, low)
	}
	if a, b := len(sel("palive<50%")), len(sel("palive<0.5")); a != b {
		t.Errorf("palive<50%% selects %d, palive<0.5 %d", a, b)
	}
	keyAcc := 0
	for _, ty := range a.Led.Customers.Type {
		if ty == "Key account" {
			keyAcc++
		}
	}
	if got := len(sel(`type="Key account"`)); got != keyAcc {
		t.Errorf(`type="Key account": %d, want %d`, got, keyAcc)
	}
	if got := len(sel("key account")); got != keyAcc {
		t.Errorf("words key account: %d, want %d", got, keyAcc)
	}
	if got := len(sel("segment=Platinum")); got != a.Schemes[0].Rows[0].Customers {
		t.Errorf("segment=Platinum: %d", got)
	}
	for q, msg := range map[string]string{"nosuch>1": `unknown field "nosuch"`, "clv>abc": "needs a number"} {
		if _, err := model.ParseQuery(a, q, "seg:pyramid"); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: error %v, want %q", q, err, msg)
		}
	}
}

// Sum is exact and n/a for fields without a total; a frequency table's
// rows add up to its total, and money bins never split a value.
func TestSumAndFrequency(t *testing.T) {
	a, err := model.NewEngine(demo(t)).Analyze(model.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	rev, _ := a.Field("revenue")
	if v := a.Sum(rev, a.IDOrder); !v.OK || v.Money != a.Schemes[0].Total.Revenue {
		t.Errorf("Σ revenue %d, the scheme total %d", v.Money, a.Schemes[0].Total.Revenue)
	}
	if g, _ := a.Field("grade"); a.Sum(g, a.IDOrder).OK {
		t.Error("a text field has a sum")
	}
	for _, key := range []string{"seg:rfm", "revenue", "palive", "documents"} {
		f, _ := a.Field(key)
		rows, total := a.Frequency(f, a.IDOrder, func(v model.Value) string { return strings.TrimSpace(v.Text) })
		n, r := 0, model.Money(0)
		seen := map[int32]bool{}
		for i, row := range rows {
			n += row.Count
			r += row.Revenue
			for _, c := range row.Customers {
				seen[c] = true
			}
			if i > 0 && row.Lo.OK && rows[i-1].Hi.OK && row.Lo.Sort(f.Kind) <= rows[i-1].Hi.Sort(f.Kind) {
				t.Errorf("%s: bin %d starts at or below the last bin's end", key, i)
			}
		}
		if n != a.N || total.Count != a.N || r != total.Revenue || len(seen) != a.N {
			t.Errorf("%s: counts %d, total %d, customers %d, revenue %d vs %d", key, n, total.Count, len(seen), r, total.Revenue)
		}
	}
}

// A prepared Matcher, which looks at each segment's name and action once,
// selects the customers that looking at every customer's every field
// selects: on the demo, for words in names, segments and actions, shown
// as stored and translated.
func TestMatcherAsEveryField(t *testing.T) {
	a, err := model.NewEngine(demo(t)).Analyze(model.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	search := a.Fields()
	translate := map[string]string{"Platinum": "铂金", "Lead": "铅"}
	trs := []func(string) string{
		func(s string) string { return s },
		func(s string) string {
			if v, ok := translate[s]; ok {
				return v
			}
			return s
		},
	}
	for _, query := range []string{"a", "gold", "lead", "铂金", "铅", "serve", "key account", "xyz", "east gold", "lead revenue>1000", "c0"} {
		for k, tr := range trs {
			q, err := model.ParseQuery(a, query, "seg:pyramid")
			if err != nil {
				t.Fatal(err)
			}
			m := q.Matcher(a, search, tr)
			hits := 0
			for c := 0; c < a.N; c++ {
				want := model.MatchEveryField(a, q, c, search, tr)
				if got := m.Match(c); got != want {
					t.Fatalf("%q (translation %d), customer %d: %v, every field gives %v", query, k, c, got, want)
				}
				if want {
					hits++
				}
			}
			t.Logf("%q (translation %d): %d customers", query, k, hits)
		}
	}
}
