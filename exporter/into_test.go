package exporter

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ledgerlens/importer"
	"ledgerlens/model"
)

// need returns the path of a tool the test runs; outside CI a missing one
// skips the test, under CI it fails it.
func need(t *testing.T, name string, check ...string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil && len(check) > 0 {
		err = exec.Command(p, check...).Run()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is needed (.ci/run installs it): %v", name, err)
		}
		t.Skipf("%s not available: %v", name, err)
	}
	return p
}

// intoAnalysis loads path and analyses it with the default parameters.
func intoAnalysis(t *testing.T, path string, opt importer.Options) (*model.Analysis, *importer.Report) {
	t.Helper()
	led, rep, err := importer.Load([]string{path}, opt)
	if err != nil {
		t.Fatal(err)
	}
	a, err := model.NewEngine(led).Analyze(model.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	return a, rep
}

// want is the cell export --into should write for customer c and field f
// (nil: empty).
func want(a *model.Analysis, f model.Field, c int) any {
	return sheetCell(cellOf(f.Get(a, c), f.Kind, a.Decimals), kindOf(f.Kind), a.Decimals)
}

func TestIntoWorkbook(t *testing.T) {
	py := need(t, "/usr/bin/python3", "-c", "import openpyxl")
	dir := t.TempDir()
	src := filepath.Join(dir, "clients.xlsx")
	out := filepath.Join(dir, "clients-segments.xlsx")
	if b, err := exec.Command(py, "../testdata/check_into.py", "make", src).CombinedOutput(); err != nil {
		t.Fatalf("making the workbook: %v\n%s", err, b)
	}
	before, _ := os.ReadFile(src)
	a, rep := intoAnalysis(t, src, importer.Options{})
	tg, err := importer.ReadTarget(src, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tg.Tables) != 1 || tg.Tables[0].Sheet != "Clients" || tg.Tables[0].Width != 5 {
		t.Fatalf("target tables %+v: want the customer sheet Clients, 5 columns wide", tg.Tables)
	}
	fields, err := IntoColumns(a, nil)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, f := range fields {
		keys = append(keys, f.Key)
	}
	// no payment data: no credit grade or action; the model fits: P(alive)
	if got := strings.Join(keys, ","); got != "seg:pyramid,seg:rfm,seg:clv,clv,palive" {
		t.Errorf("default columns %s", got)
	}
	res, err := WriteInto(out, Export{Source: src, Scenario: "defaults", Analysis: a, Report: rep}, tg, fields, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(src); string(after) != string(before) {
		t.Fatal("the source workbook changed")
	}
	if res.Rows != 12 || len(res.Missing) != 1 || res.Missing[0].Value != "C013" || res.Missing[0].Row != 14 {
		t.Errorf("rows %d, missing %+v: want 12 rows and C013 (row 14) without a segment", res.Rows, res.Missing)
	}
	b, err := exec.Command(py, "../testdata/check_into.py", "check", src, out, "Clients", "6").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("the user's workbook did not survive:\n%s", ee.Stderr)
		}
		t.Fatal(err)
	}
	var got struct {
		Header []string
		Rows   map[string][]any
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for i, f := range fields {
		if got.Header[i] != f.Label {
			t.Errorf("header %d %q, want %q", i, got.Header[i], f.Label)
		}
	}
	ids := a.Led.Customers.ID
	for c, id := range ids {
		row := got.Rows[id]
		for i, f := range fields {
			w := want(a, f, c)
			switch x := w.(type) {
			case nil:
				if row[i] != nil {
					t.Errorf("%s %s: %v, want an empty cell", id, f.Label, row[i])
				}
			case string:
				if row[i] != x {
					t.Errorf("%s %s: %v, want %q", id, f.Label, row[i], x)
				}
			case float64:
				if v, ok := row[i].(float64); !ok || math.Abs(v-x) > 1e-9*math.Max(1, math.Abs(x)) {
					t.Errorf("%s %s: %v, want the number %v", id, f.Label, row[i], x)
				}
			}
		}
	}
	for i, v := range got.Rows["C013"] {
		if v != nil {
			t.Errorf("C013 (not in the analysis) column %d holds %v", i, v)
		}
	}
	// our sheets come after theirs, the Summary under a free name, and the
	// row without a segment is on Data quality
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if strings.Join(sheets[:6], ",") != "Sales,Clients,Chart,Summary,Summary (2),Segments" {
		t.Errorf("sheets %v", sheets)
	}
	dq, _ := f.GetRows(SheetDataQuality)
	found := false
	for _, r := range dq {
		found = found || (len(r) >= 6 && r[4] == "C013" && r[2] == "14" && strings.HasPrefix(r[5], "no segment written"))
	}
	if !found {
		t.Errorf("Data quality does not list C013: %v", dq)
	}
	// LibreOffice opens it (a workbook it would have to repair fails to convert)
	soffice := need(t, "soffice", "--version")
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+dir+"/profile", "--convert-to", "pdf", "--outdir", dir, out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("LibreOffice: %v\n%s", err, b)
	}
	if st, err := os.Stat(strings.TrimSuffix(out, ".xlsx") + ".pdf"); err != nil || st.Size() == 0 {
		t.Errorf("LibreOffice wrote no PDF: %v", err)
	}
}
