package model_test

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ledgerlens/importer"
	"ledgerlens/model"
)

// analyzeCSV loads a CSV written in the test and analyses it with settings.
func analyzeCSV(t *testing.T, csv string, settings ...string) (*model.Analysis, *importer.Report) {
	t.Helper()
	led, rep, err := importer.LoadReader("mix.csv", []byte(csv), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := model.DefaultParams()
	for _, kv := range settings {
		k, v, _ := strings.Cut(kv, "=")
		if err := p.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	a, err := model.NewEngine(led).Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	return a, rep
}

func scheme(t *testing.T, a *model.Analysis, key string) *model.Scheme {
	t.Helper()
	for i := range a.Schemes {
		if a.Schemes[i].Key == key {
			return &a.Schemes[i]
		}
	}
	t.Fatalf("no scheme %q (have %v)", key, a.SchemeKeys())
	return nil
}

// segmentOf returns each customer's segment in a scheme, by customer id.
func segmentOf(a *model.Analysis, sc *model.Scheme) map[string]string {
	out := map[string]string{}
	for c, id := range a.Led.Customers.ID {
		out[id] = sc.Segments[sc.Assign[c]]
	}
	return out
}

func fieldText(t *testing.T, a *model.Analysis, key, id string) string {
	t.Helper()
	f, ok := a.Field(key)
	if !ok {
		t.Fatalf("no field %q", key)
	}
	v := f.Get(a, slices.Index(a.Led.Customers.ID, id))
	switch {
	case !v.OK:
		return "n/a"
	case f.Kind == model.KindText:
		return v.Text
	case f.Kind == model.KindPct:
		return model.FormatPct(v.Num)
	}
	return strconv.FormatFloat(v.Num, 'f', -1, 64)
}

// A customer buying through two channels is split by its sales, never
// silently given one: Multi-channel below channel_main_share, its largest
// channel at or above it.
func TestChannelMix(t *testing.T) {
	csv := `customer_id,date,amount,channel
split,2025-01-05,600,Online
split,2025-02-05,400,Store
mostly,2025-01-05,900,Online
mostly,2025-03-05,100,Store
store,2025-01-05,250,Store
store,2025-02-05,250,Store
returns,2025-01-05,-50,Online
returns,2025-01-06,-20,Store
returns,2025-01-07,-20,Store
nochan,2025-01-05,100,
`
	a, rep := analyzeCSV(t, csv)
	if !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.HasPrefix(w, "3 customers buy through more than one channel") }) {
		t.Errorf("no warning about multi-channel customers: %q", rep.Warnings)
	}
	if _, conflict := rep.AttributeConflicts["channel"]; conflict {
		t.Errorf("differing channels still reported as conflicts: %v", rep.AttributeConflicts)
	}
	sc := scheme(t, a, "attr:channel")
	want := map[string]string{"split": "Multi-channel", "mostly": "Online", "store": "Store", "returns": "Multi-channel", "nochan": "(blank)"}
	if got := segmentOf(a, sc); !mapsEqual(got, want) {
		t.Errorf("channel segments %v, want %v", got, want)
	}
	for id, w := range map[string][2]string{
		"split":   {"Online 60.0 % · Store 40.0 %", "Multi-channel"},
		"mostly":  {"Online 90.0 % · Store 10.0 %", "Online"},
		"returns": {"Store 66.7 % · Online 33.3 %", "Multi-channel"}, // no sales: by rows
		"nochan":  {"n/a", ""},
	} {
		if got := fieldText(t, a, "channel_mix", id); got != w[0] {
			t.Errorf("%s: channel mix %q, want %q", id, got, w[0])
		}
		if got := fieldText(t, a, "channel", id); got != w[1] {
			t.Errorf("%s: channel %q, want %q", id, got, w[1])
		}
	}
	// the threshold is live
	a, _ = analyzeCSV(t, csv, "channel_main_share=0.6")
	if got := segmentOf(a, scheme(t, a, "attr:channel"))["split"]; got != "Online" {
		t.Errorf("split at channel_main_share 0.6: %s, want Online (60 %% of its sales)", got)
	}
	// a customers sheet's channel stands for a customer whose rows carry none
	path := writeBook(t, "book.xlsx",
		sheet{"Sales", [][]string{{"customer_id", "date", "amount", "channel"}, {"a", "2025-01-01", "10", "Online"}, {"b", "2025-01-01", "10", ""}}},
		sheet{"Customers", [][]string{{"customer_id", "channel", "category"}, {"b", "Phone", "Wholesale"}}})
	led, _, err := importer.Load([]string{path}, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// the customers sheet's category describes the customer: an attribute
	if led.Tx.Category.Present() || len(led.Customers.Attrs) != 1 || led.Customers.Attrs[0].Name != "category" {
		t.Errorf("customers-sheet category: row column %v, attributes %v", led.Tx.Category.Present(), led.Customers.Attrs)
	}
	a2, err := model.NewEngine(led).Analyze(model.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	if got := segmentOf(a2, scheme(t, a2, "attr:channel")); got["a"] != "Online" || got["b"] != "Phone" {
		t.Errorf("channels %v, want a Online (rows), b Phone (customers sheet)", got)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Product mix: distinct categories, the top category and its share of the
// customer's gross sales; the breadth scheme; every segment's average
// categories and top category recomputed here from the rows.
func TestProductMix(t *testing.T) {
	type row struct {
		id, cat string
		amount  int
	}
	rows := []row{
		{"one", "Tools", 100}, {"one", "Tools", 50},
		{"two", "Tools", 300}, {"two", "Paint", 100}, {"two", "Paint", -40},
		{"five", "A", 10}, {"five", "B", 20}, {"five", "C", 30}, {"five", "D", 40}, {"five", "E", 400},
		{"none", "", 70},
	}
	var b strings.Builder
	b.WriteString("客户编号,日期,金额,品类\n")
	for i, r := range rows {
		fmt.Fprintf(&b, "%s,2025-01-%02d,%d,%s\n", r.id, 1+i, r.amount, r.cat)
	}
	a, _ := analyzeCSV(t, b.String(), "breadth_broad_min=5")
	want := map[string]struct {
		n        string
		top      string
		share    string
		breadth  string
		wantTopS float64
	}{
		"one":  {"1", "Tools", "100.0 %", "Single category", 1},
		"two":  {"2", "Tools", "75.0 %", "Few categories", 0.75}, // 300 of 400 gross; the credit note does not count
		"five": {"5", "E", "80.0 %", "Broad range", 0.8},
		"none": {"n/a", "n/a", "n/a", "No category recorded", math.NaN()},
	}
	br := segmentOf(a, scheme(t, a, "breadth"))
	for id, w := range want {
		if got := fieldText(t, a, "categories", id); got != w.n {
			t.Errorf("%s: %s categories, want %s", id, got, w.n)
		}
		if got := fieldText(t, a, "top_category", id); got != w.top {
			t.Errorf("%s: top category %s, want %s", id, got, w.top)
		}
		if got := fieldText(t, a, "top_category_share", id); got != w.share {
			t.Errorf("%s: top share %s, want %s", id, got, w.share)
		}
		if br[id] != w.breadth {
			t.Errorf("%s: breadth %s, want %s", id, br[id], w.breadth)
		}
	}
	a4, _ := analyzeCSV(t, b.String(), "breadth_broad_min=3")
	if got := segmentOf(a4, scheme(t, a4, "breadth"))["five"]; got != "Broad range" {
		t.Errorf("breadth_broad_min 3: five is %s", got)
	}
	if got := segmentOf(a4, scheme(t, a4, "breadth"))["two"]; got != "Few categories" {
		t.Errorf("breadth_broad_min 3: two is %s", got)
	}
	// segment mix, recomputed from the rows for every scheme
	for i := range a.Schemes {
		sc := &a.Schemes[i]
		for k, r := range sc.Rows {
			gross := map[string]int{}
			total, custs, sum := 0, 0, 0
			seen := map[string]map[string]bool{}
			for _, x := range rows {
				c := slices.Index(a.Led.Customers.ID, x.id)
				if int(sc.Assign[c]) != k || x.cat == "" {
					continue
				}
				if seen[x.id] == nil {
					seen[x.id] = map[string]bool{}
					custs++
				}
				if !seen[x.id][x.cat] {
					seen[x.id][x.cat] = true
					sum++
				}
				if x.amount > 0 {
					gross[x.cat] += x.amount
					total += x.amount
				}
			}
			if custs == 0 {
				if r.TopCategory != "" || !math.IsNaN(r.Categories) {
					t.Errorf("%s/%s: no categories, got %q %g", sc.Key, r.Segment, r.TopCategory, r.Categories)
				}
				continue
			}
			top := ""
			for cat, v := range gross {
				if top == "" || v > gross[top] || v == gross[top] && cat < top {
					top = cat
				}
			}
			if r.TopCategory != top || math.Abs(r.TopCategoryShare-float64(gross[top])/float64(total)) > 1e-12 ||
				math.Abs(r.Categories-float64(sum)/float64(custs)) > 1e-12 {
				t.Errorf("%s/%s: top %q %.4f, avg %.3f; want %q %.4f, %.3f", sc.Key, r.Segment, r.TopCategory, r.TopCategoryShare,
					r.Categories, top, float64(gross[top])/float64(total), float64(sum)/float64(custs))
			}
		}
	}
}

// sheet is one worksheet of a workbook written in a test.
type sheet struct {
	name string
	rows [][]string
}

// writeBook writes a workbook with the given sheets, all cells text, as
// name in the test's temporary directory, and returns its path.
func writeBook(t *testing.T, name string, sheets ...sheet) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sh.rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellStr(sh.name, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	path := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}
