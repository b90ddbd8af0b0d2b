package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"ledgerlens/exporter"
)

// cliJSON runs the command line, which must succeed, and decodes its
// output into v.
func cliJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	code, out, stderr := runCLI(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatal(err)
	}
}

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"inspect", "--demo"}, 0, ""},
		{[]string{"inspect"}, 2, "no ledger file"},
		{[]string{"inspect", "--bogus"}, 2, "bogus"},
		{[]string{"inspect", "--demo", "x.csv"}, 2, "either"},
		{[]string{"inspect", "testdata/nope.csv"}, 1, "no such file"},
		{[]string{"inspect", "testdata/dmy_ambiguous.csv"}, 1, "--date-order"},
		{[]string{"inspect", "testdata/dmy_ambiguous.csv", "--date-order", "xyz"}, 2, "date-order"},
		{[]string{"inspect", "--demo", "--as-of", "2024-13-01"}, 2, "as-of"},
		{[]string{"help"}, 0, ""},
		{[]string{"help", "parameters"}, 0, ""},
	} {
		code, _, stderr := runCLI(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
		if code == 1 && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: error is not one line: %q", tc.args, stderr)
		}
	}
}

func TestInspectJSON(t *testing.T) {
	code, out, stderr := runCLI("inspect", "testdata/en_headers.csv", "--format", "json", "--as-of", "2024-03-01")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var s struct {
		Read     int         `json:"rows_read"`
		Used     int         `json:"rows_used"`
		Rejected int         `json:"rows_rejected"`
		After    int         `json:"rows_after_as_of"`
		Total    json.Number `json:"total_amount"`
		File     json.Number `json:"file_amount"`
		Cust     int         `json:"customers"`
		Later    int         `json:"customers_without_documents_by_as_of"`
		AsOf     string      `json:"as_of"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	// flags after the file name work; INV-4, INV-8 and INV-9 fall after 2024-03-01:
	// the totals are of INV-1..3 (1,200.50 − 200.00 + 950.25), A003 and A004 do
	// not exist yet; the file's amount is all six used rows
	if s.Read != 10 || s.Used != 6 || s.Rejected != 4 || s.After != 3 || s.Total != "1950.75" || s.File != "3201.00" ||
		s.Cust != 2 || s.Later != 2 || s.AsOf != "2024-03-01" {
		t.Errorf("inspect json = %+v", s)
	}
	// same input, same bytes
	_, out2, _ := runCLI("inspect", "testdata/en_headers.csv", "--format", "json", "--as-of", "2024-03-01")
	if out != out2 {
		t.Error("inspect output differs between two runs")
	}
}

func TestReport(t *testing.T) {
	code, out, stderr := runCLI("report", "--demo")
	if code != 0 || !strings.Contains(out, "Platinum") || !strings.Contains(out, "Total") || !strings.Contains(out, "Whale curve") {
		t.Fatalf("report --demo: exit %d, %s%s", code, out, stderr)
	}
	_, out2, _ := runCLI("report", "--demo")
	if out != out2 {
		t.Error("report differs between two runs")
	}
	code, js, _ := runCLI("report", "--demo", "--format", "json", "--set", "discount_rate_annual=0.2", "--set", "rfm_bins=4")
	var r struct {
		Params  map[string]string `json:"parameters"`
		Schemes []struct {
			Key      string `json:"key"`
			Segments []struct {
				Segment   string      `json:"segment"`
				Customers int         `json:"customers"`
				Revenue   json.Number `json:"revenue"`
			} `json:"segments"`
		} `json:"schemes"`
	}
	if err := json.Unmarshal([]byte(js), &r); err != nil || code != 0 {
		t.Fatalf("json: exit %d, %v", code, err)
	}
	if r.Params["discount_rate_annual"] != "0.2" || r.Params["rfm_bins"] != "4" || len(r.Schemes) < 10 {
		t.Errorf("json parameters %v, %d schemes", r.Params, len(r.Schemes))
	}
	for _, s := range r.Schemes {
		total := s.Segments[len(s.Segments)-1]
		if total.Segment != "Total" || total.Customers != 2000 || total.Revenue != "16296670.71" {
			t.Errorf("scheme %s total = %+v", s.Key, total)
		}
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"report", "--demo", "--scheme", "nope"}, 2, `no scheme "nope"`},
		{[]string{"report", "--demo", "--set", "rfm_bins=99"}, 2, "rfm_bins"},
		{[]string{"report", "--demo", "--set", "bogus=1"}, 2, "bogus"},
		{[]string{"report", "--demo", "--format", "xml"}, 2, "format"},
		{[]string{"report", "--demo", "--scenario", "testdata/none.toml"}, 1, "scenario"},
	} {
		code, _, stderr := runCLI(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d %q; want %d, %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
}

// A scenario file is read by --scenario and gives the same result as --set.
func TestReportScenario(t *testing.T) {
	path := t.TempDir() + "/s.toml"
	if err := os.WriteFile(path, []byte("name = \"stress\"\n[parameters]\ndiscount_rate_annual = 0.2\npyramid_key = \"margin\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, a, _ := runCLI("report", "--demo", "--format", "json", "--scenario", path)
	_, b, _ := runCLI("report", "--demo", "--format", "json", "--set", "discount_rate_annual=0.2", "--set", "pyramid_key=margin")
	if a != b || a == "" {
		t.Error("--scenario and --set give different reports")
	}
	os.WriteFile(path, []byte("[parameters]\ndiscount_rate_annual = \"lots\"\n"), 0o644)
	if code, _, stderr := runCLI("report", "--demo", "--scenario", path); code != 1 || !strings.Contains(stderr, "discount_rate_annual") {
		t.Errorf("bad scenario: exit %d, %q", code, stderr)
	}
}

func TestReportCDNOWDeterministic(t *testing.T) {
	path := "../shared/data/cdnow/CDNOW_sample.txt"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared data not found (%v)", err)
	}
	args := []string{"report", path, "--columns", ",customer_id,date,quantity,amount", "--scheme", "rfm", "--format", "json"}
	code, a, stderr := runCLI(args...)
	_, b, _ := runCLI(args...)
	if code != 0 || a != b {
		t.Fatalf("exit %d (%s); same bytes twice: %v", code, stderr, a == b)
	}
	if !strings.Contains(a, `"customers": 2357`) || !strings.Contains(a, `"revenue": 244091.94`) {
		t.Error("CDNOW report lacks the ledger's customers or revenue")
	}
}

func TestReportRiskJSON(t *testing.T) {
	path := "../shared/data/receivables/WA_Fn-UseC_-Accounts-Receivable.csv"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared data not found (%v)", err)
	}
	code, out, stderr := runCLI("report", path, "--as-of", "2013-06-30", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r struct {
		Risk struct {
			Available bool          `json:"available"`
			Open      int           `json:"open_invoices"`
			PastDue   int           `json:"past_due_invoices"`
			Total     json.Number   `json:"total_ar"`
			Buckets   []any         `json:"buckets"`
			Credit    []interface{} `json:"credit_risk_top"`
		} `json:"risk"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if !r.Risk.Available || r.Risk.Open != 84 || r.Risk.PastDue != 12 || r.Risk.Total != "5119.85" || len(r.Risk.Buckets) != 5 || len(r.Risk.Credit) == 0 {
		t.Errorf("risk json = %+v", r.Risk)
	}
}

func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	out := dir + "/demo-segments.xlsx"
	if code, stdout, stderr := runCLI("export", "--demo", "-o", out); code != 0 || !strings.Contains(stdout, out) {
		t.Fatalf("export: exit %d, %s%s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI("export", "--demo", "-o", out); code != 1 || !strings.Contains(stderr, "--force") {
		t.Errorf("second export without --force: exit %d, %q", code, stderr)
	}
	// export collects more often while it writes, and puts the target back
	defer debug.SetGCPercent(debug.SetGCPercent(77))
	if code, _, _ := runCLI("export", "--demo", "-o", out, "--force"); code != 0 {
		t.Errorf("export --force: exit %d", code)
	}
	if p := debug.SetGCPercent(77); p != 77 {
		t.Errorf("the collector's target after export: %d, before: 77", p)
	}
	if code, _, stderr := runCLI("export", "--demo"); code != 2 || !strings.Contains(stderr, "-o") {
		t.Errorf("export without -o: exit %d, %q", code, stderr)
	}
	in := dir + "/ledger.csv"
	os.WriteFile(in, []byte("customer,date,amount\nA,2024-01-01,5\n"), 0o644)
	if code, _, stderr := runCLI("export", in, "-o", in, "--force"); code != 1 || !strings.Contains(stderr, "input") {
		t.Errorf("export over the input: exit %d, %q", code, stderr)
	}
	// The Parameters sheet read back with --scenario reproduces the analysis.
	_, a, _ := runCLI("report", "--demo", "--format", "json", "--set", "discount_rate_annual=0.07", "--set", "pyramid_key=margin")
	runCLI("export", "--demo", "-o", out, "--force", "--set", "discount_rate_annual=0.07", "--set", "pyramid_key=margin")
	code, b, stderr := runCLI("report", "--demo", "--format", "json", "--scenario", out)
	if code != 0 || a != b {
		t.Errorf("report with --scenario %s differs from the exported analysis (exit %d, %s)", out, code, stderr)
	}
}

// export --into from the command line and from the view's `i` write the
// same copy, refuse to write over the source, and name what is missing.
func TestExportInto(t *testing.T) {
	dir := t.TempDir()
	src := dir + "/ledger.csv"
	data, err := os.ReadFile("testdata/en_headers.csv")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(src, data, 0o644)
	out := dir + "/ledger-segments.csv"
	code, stdout, stderr := runCLI("export", src, "--into", src, "-o", out, "--schemes", "pyramid,rfm,credit,action")
	if code != 0 || !strings.Contains(stdout, "4 columns added to 8 rows") || !strings.Contains(stdout, "line 6: no segment written") {
		t.Fatalf("export --into: exit %d\n%s%s", code, stdout, stderr)
	}
	got, _ := os.ReadFile(out)
	lines := strings.Split(string(got), "\n")
	if !strings.HasSuffix(lines[0], ",Segment: Value pyramid,Segment: RFM,Segment: Credit grade,Suggested action") {
		t.Errorf("header %q", lines[0])
	}
	if after, _ := os.ReadFile(src); !bytes.Equal(after, data) {
		t.Error("the source changed")
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"export", src, "--into", src, "-o", src, "--force"}, 1, "refusing to write over"},
		{[]string{"export", src, "--into", src, "-o", out}, 1, "--force"},
		{[]string{"export", src, "--into", src, "-o", dir + "/x.xlsx"}, 1, "name the output .csv"},
		{[]string{"export", src, "--into", src, "-o", dir + "/y.csv", "--schemes", "pyramid,nonsense"}, 2, `"nonsense"`},
		{[]string{"export", src, "--schemes", "rfm", "-o", dir + "/z.xlsx"}, 2, "--into"},
		{[]string{"report", src, "--into", src}, 2, "belong to export"},
		{[]string{"export", src, "--into", out, "-o", dir + "/w.csv"}, 1, "already has a column"},
	} {
		code, _, stderr := runCLI(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
	// the view's `i` writes the default columns, as export --into does without --schemes
	c, err := parseFlags("", []string{src})
	if err != nil {
		t.Fatal(err)
	}
	a, rep, err := analyze(c)
	if err != nil {
		t.Fatal(err)
	}
	viewOut := intoTarget(src)
	if viewOut != dir+"/ledger-segments.csv" {
		t.Errorf("default copy %s", viewOut)
	}
	viewOut = dir + "/view.csv"
	if err := writeInto(c, viewOut, exporter.Export{Analysis: a, Report: rep}, exporter.WriteOptions{Inputs: c.files}); err != nil {
		t.Fatal(err)
	}
	cliOut := dir + "/cli.csv"
	if code, _, stderr := runCLI("export", src, "--into", src, "-o", cliOut); code != 0 {
		t.Fatal(stderr)
	}
	v, _ := os.ReadFile(viewOut)
	cl, _ := os.ReadFile(cliOut)
	if !bytes.Equal(v, cl) {
		t.Error("the view's copy differs from export --into's")
	}
}

// Then vs now from the command line: report's JSON carries the comparison
// with the customers gained, lost and kept; a date not before the analysis
// date, or with --baseline, is a usage error.
func TestCompareAsOf(t *testing.T) {
	var rep struct {
		Customers int `json:"customers"`
		Compare   struct {
			Kind     string `json:"kind"`
			BaseAsOf string `json:"base_as_of"`
			Gained   int    `json:"customers_gained"`
			Lost     int    `json:"customers_lost"`
			Kept     int    `json:"customers_kept"`
			Schemes  []struct {
				Key       string `json:"key"`
				Migration struct {
					Counts    [][]int `json:"counts"`
					Unmatched int     `json:"unmatched"`
				} `json:"migration"`
			} `json:"schemes"`
		} `json:"compare"`
	}
	cliJSON(t, &rep, "report", "--demo", "--format", "json", "--compare-as-of", "2024-12-31")
	c := rep.Compare
	if c.Kind != "period" || c.BaseAsOf != "2024-12-31" || c.Gained+c.Lost+c.Kept != rep.Customers || len(c.Schemes) < 10 {
		t.Errorf("compare = %+v", c)
	}
	for _, sc := range c.Schemes {
		n := 0
		for _, r := range sc.Migration.Counts {
			for _, x := range r {
				n += x
			}
		}
		if n != c.Lost+c.Kept || sc.Migration.Unmatched != c.Gained {
			t.Errorf("%s: migration counts %d customers, unmatched %d", sc.Key, n, sc.Migration.Unmatched)
		}
	}
	for _, args := range [][]string{
		{"report", "--demo", "--compare-as-of", "2026-01-01"},
		{"report", "--demo", "--compare-as-of", "2024-12-31", "--baseline", "x.toml"},
		{"inspect", "--demo", "--compare-as-of", "2024-12-31"},
	} {
		if code, _, stderr := runCLI(args...); code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", args, code, stderr)
		}
	}
}

// A scenario baseline may name its own as-of date: report then analyses the
// ledger at two dates, so it keeps the rows it would otherwise let go after
// the first (model.Engine.ReleaseRows), and the baseline is the ledger as it
// was at that date.
func TestScenarioBaselineAtAnotherDate(t *testing.T) {
	scen := filepath.Join(t.TempDir(), "mid-year.toml")
	if err := os.WriteFile(scen, []byte("[parameters]\nas_of = \"2025-06-30\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		AsOf    string `json:"as_of"`
		Compare struct {
			Kind     string `json:"kind"`
			BaseAsOf string `json:"base_as_of"`
		} `json:"compare"`
	}
	cliJSON(t, &rep, "report", "--demo", "--format", "json", "--baseline", scen)
	if rep.AsOf != "2025-12-31" || rep.Compare.Kind != "scenario" || rep.Compare.BaseAsOf != "2025-06-30" {
		t.Errorf("as of %s, compare %+v", rep.AsOf, rep.Compare)
	}
}

// TestSmallInput checks which ledgers report and export treat as small
// (collecting less often): the demo and files of 4 MiB or less together;
// not a larger file, one that cannot be read, or a database.
func TestSmallInput(t *testing.T) {
	dir := t.TempDir()
	small, big := dir+"/small.csv", dir+"/big.csv"
	os.WriteFile(small, []byte("customer,date,amount\nA,2024-01-01,5\n"), 0o644)
	os.WriteFile(big, make([]byte, smallInputBytes+1), 0o644)
	for _, c := range []struct {
		args []string
		want bool
	}{
		{[]string{"--demo"}, true},
		{[]string{small}, true},
		{[]string{small, small}, true},
		{[]string{big}, false},
		{[]string{small, big}, false},
		{[]string{dir + "/missing.csv"}, false},
		{[]string{"postgres://u@localhost:1/db", "--table", "t"}, false},
	} {
		cfg, err := parseFlags("report", c.args)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if got := smallInput(cfg); got != c.want {
			t.Errorf("%v: small %v, want %v", c.args, got, c.want)
		}
	}
	// report puts the collector's target back
	defer debug.SetGCPercent(debug.SetGCPercent(77))
	if code, _, stderr := runCLI("report", "--demo"); code != 0 {
		t.Fatalf("report: exit %d, %s", code, stderr)
	}
	if p := debug.SetGCPercent(77); p != 77 {
		t.Errorf("the collector's target after report: %d, before: 77", p)
	}
}
