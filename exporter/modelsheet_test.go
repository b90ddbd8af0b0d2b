package exporter

import (
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ledgerlens/importer"
	"ledgerlens/model"
)

// The Model validation sheet, read back with openpyxl: the comparison
// equals the analysis, the histogram's customers add up to the cohort, the
// tracking table ends at the as-of date, and the sheet has its three charts
// and the P(alive) colour scale.
func TestModelSheetReadBack(t *testing.T) {
	py := need(t, "/usr/bin/python3", "-c", "import openpyxl")
	led, rep, err := importer.LoadDemo(importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := model.DefaultParams()
	if err := p.Set("calibration_end", "2024-06-30"); err != nil {
		t.Fatal(err)
	}
	a, err := model.NewEngine(led).Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "model.xlsx")
	if err := WriteXLSX(path, Export{Source: "demo", Analysis: a, Report: rep}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	script := `
import json, sys, zipfile, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Model validation"]
rows = [list(r) for r in ws.iter_rows(values_only=True)]
out = {"fits": {}, "hist": None, "track_last": None, "cf": len(ws.conditional_formatting)}
for i, r in enumerate(rows):
    if r[0] in ("BG/NBD", "Pareto/NBD") and r[0] not in out["fits"] and isinstance(r[3], float):
        out["fits"][r[0]] = {"aic": r[3], "mae": r[5], "predicted": r[7]}
    if isinstance(r[0], str) and r[0].startswith("Customers by calibration frequency"):
        out["hist"] = sum(x[1] for x in rows[i + 2:i + 10])
    if r[0] == "Week ending":
        j = i + 1
        while j < len(rows) and rows[j][0]:
            j += 1
        out["track_last"] = rows[j - 1][0]
z = zipfile.ZipFile(sys.argv[1])
sheets = {n: z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/_rels/")}
out["charts"] = len([n for n in z.namelist() if n.startswith("xl/charts/chart")])
print(json.dumps(out))
`
	b, err := exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, b)
	}
	var got struct {
		Fits      map[string]struct{ AIC, MAE, Predicted float64 }
		Hist      int
		TrackLast string `json:"track_last"`
		CF        int
		Charts    int
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	v := a.Validation
	for _, f := range v.Fits {
		g, ok := got.Fits[f.Name]
		if !ok || math.Abs(g.AIC-f.AIC) > 1e-9*math.Abs(f.AIC) || math.Abs(g.MAE-f.MAE) > 1e-12 || math.Abs(g.Predicted-f.PredictedTotal) > 1e-9*f.PredictedTotal {
			t.Errorf("%s: sheet %+v, analysis AIC %g MAE %g predicted %g", f.Name, g, f.AIC, f.MAE, f.PredictedTotal)
		}
	}
	if got.Hist != v.Customers || got.TrackLast != a.AsOf.String() || got.CF != 1 {
		t.Errorf("histogram customers %d (want %d), tracking ends %q (want %s), %d colour scales", got.Hist, v.Customers, got.TrackLast, a.AsOf, got.CF)
	}
	// segment charts, whale curve and aging exist already; this sheet adds three
	if got.Charts < 3 {
		t.Errorf("%d charts in the workbook", got.Charts)
	}
}

// A fit that ran to the edge of its parameter space is called unusable,
// with the model's reason (FitStatus.Unusable), not "not fitted"; the
// title's customer count has separators.
func TestModelSheetUnusableFit(t *testing.T) {
	for _, c := range []struct {
		path, title string
		rows        map[string]string
	}{
		{"", "; 2,000 customers", nil},
		{"../../shared/data/receivables/WA_Fn-UseC_-Accounts-Receivable.csv", "; 100 customers", map[string]string{
			"BG/NBD":     "fit unusable: no dropout seen in this ledger",
			"Pareto/NBD": "fit unusable: the purchase-rate estimate ran to its limit",
		}},
	} {
		led, rep, err := importer.LoadDemo(importer.Options{})
		if c.path != "" {
			led, rep, err = importer.Load([]string{c.path}, importer.Options{})
		}
		if err != nil {
			t.Fatal(err)
		}
		a, err := model.NewEngine(led).Analyze(model.DefaultParams())
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "model.xlsx")
		if err := WriteXLSX(path, Export{Source: "x", Analysis: a, Report: rep}, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(SheetModel)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(rows[0][0], c.title) {
			t.Errorf("%s: title %q", c.path, rows[0][0])
		}
		for _, r := range rows[3:6] {
			if want, ok := c.rows[r[0]]; ok && !strings.HasPrefix(r[len(r)-1], want) {
				t.Errorf("%s: %s row ends %q, want %q…", c.path, r[0], r[len(r)-1], want)
			}
			delete(c.rows, r[0])
		}
		if len(c.rows) > 0 {
			t.Errorf("%s: rows not found: %v", c.path, c.rows)
		}
	}
}
