package exporter

import (
	"archive/zip"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ledgerlens/importer"
	"ledgerlens/model"
)

func demoAnalysis(t testing.TB) (*model.Analysis, *importer.Report) {
	return analysed(t)(importer.LoadDemo(importer.Options{}))
}

// analysed returns a function that analyses a loaded ledger with the
// default parameters, failing t on any error.
func analysed(t testing.TB) func(*model.Ledger, *importer.Report, error) (*model.Analysis, *importer.Report) {
	return func(led *model.Ledger, rep *importer.Report, err error) (*model.Analysis, *importer.Report) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		a, err := model.NewEngine(led).Analyze(model.DefaultParams())
		if err != nil {
			t.Fatal(err)
		}
		return a, rep
	}
}

// cents reads a raw numeric cell as an exact number of cents.
func cents(t *testing.T, s string) int64 {
	if s == "" {
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("money cell %q: %v", s, err)
	}
	return int64(math.Round(f * 100))
}

func TestRoundTrip(t *testing.T) {
	a, rep := demoAnalysis(t)
	path := filepath.Join(t.TempDir(), "demo-segments.xlsx")
	if err := WriteXLSX(path, Export{Source: "demo", Analysis: a, Report: rep}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o644 {
		t.Errorf("file mode %v, want 0644", st.Mode().Perm())
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if dp, err := f.GetDocProps(); err != nil || dp.Creator != "ledgerlens" || dp.Subject != "demo · as of "+a.AsOf.String() {
		t.Errorf("document properties %+v (%v): want ledgerlens and the source with the as-of date", dp, err)
	}
	want := []string{SheetSummary, SheetSegments, SheetCustomers, SheetProfitability, SheetRisk, SheetCredit, SheetWriteOffs, SheetChurn, SheetCohorts, SheetModel, SheetParameters, SheetDataQuality}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	rows, err := f.GetRows(SheetCustomers, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != a.N+1 {
		t.Fatalf("%d customer rows, want %d", len(rows)-1, a.N)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	pyr, _ := a.SchemeByKey("pyramid")
	idx := map[string]int{}
	for c, id := range a.Led.Customers.ID {
		idx[id] = c
	}
	seen := map[string]bool{}
	var rev, cm, cogs int64
	for _, r := range rows[1:] {
		id := r[col["Customer ID"]]
		c, ok := idx[id]
		if !ok || seen[id] {
			t.Fatalf("customer %q unknown or repeated", id)
		}
		seen[id] = true
		if got := r[col["Segment: Value pyramid"]]; got != pyr.Segments[pyr.Assign[c]] {
			t.Errorf("%s: pyramid %s, analysis %s", id, got, pyr.Segments[pyr.Assign[c]])
		}
		rev += cents(t, r[col["Revenue"]])
		cm += cents(t, r[col["Profit (CM)"]])
		cogs += cents(t, r[col["COGS"]])
	}
	var wantCOGS model.Money
	for _, v := range a.COGS {
		wantCOGS += v
	}
	if rev != a.Base.TotalRevenue || cm != a.Profit.TotalCM || cogs != wantCOGS {
		t.Errorf("sums: revenue %d/%d, profit %d/%d, cogs %d/%d", rev, a.Base.TotalRevenue, cm, a.Profit.TotalCM, cogs, wantCOGS)
	}
	// dates are real dates, money cells are numbers
	if typ, _ := f.GetCellType(SheetCustomers, "A2"); typ != excelize.CellTypeInlineString {
		t.Errorf("customer id cell type %v", typ)
	}
	if v, _ := f.GetCellValue(SheetCustomers, cellName(col["First date"], 2), excelize.Options{RawCellValue: true}); v == "" || v[0] < '0' || v[0] > '9' {
		t.Errorf("first date stored as %q, want a serial number", v)
	}
	// autofilter and frozen header kept on the streamed sheet
	panes, _ := f.GetPanes(SheetCustomers)
	if !panes.Freeze {
		t.Error("Customers header not frozen")
	}
	// the Segments sheet reconciles too: each scheme's revenue sums to the total
	seg, _ := f.GetRows(SheetSegments, excelize.Options{RawCellValue: true})
	// and each scheme's Total row is the sum of its segment rows
	byScheme, totals := map[string]int64{}, map[string]int64{}
	for _, r := range seg {
		if len(r) < 5 || r[0] == "Scheme" {
			continue // a block's title or header
		}
		if r[1] == "Total" {
			totals[r[0]] = cents(t, r[4])
			continue
		}
		byScheme[r[0]] += cents(t, r[4])
	}
	for s, v := range byScheme {
		if v != a.Base.TotalRevenue || totals[s] != v {
			t.Errorf("scheme %s revenue %d, total row %d, ledger total %d", s, v, totals[s], a.Base.TotalRevenue)
		}
	}
	if len(byScheme) != len(a.Schemes) {
		t.Errorf("%d schemes on the sheet, %d in the analysis", len(byScheme), len(a.Schemes))
	}
	// charts, autofilters and conditional formats survive in the file
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	charts, filters, conds := 0, 0, 0
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			charts++
		}
		if strings.HasPrefix(zf.Name, "xl/worksheets/sheet") {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			filters += strings.Count(string(b), "<autoFilter")
			conds += strings.Count(string(b), "<conditionalFormatting")
		}
	}
	// a chart per scheme, the whale curve, the aging, and the model's
	// histogram and tracking (no holdout: no by-frequency chart); a filter on
	// each of the seven list sheets; loss and grade colours, P(alive) scale
	if charts != len(a.Schemes)+4 || filters < 7 || conds < 4 {
		t.Errorf("%d charts, %d autofilters, %d conditional formats; want %d, ≥ 7, ≥ 4", charts, filters, conds, len(a.Schemes)+4)
	}
	// the Parameters sheet reads back as a scenario with the same values
	sc, err := importer.ReadScenarioXLSX(path)
	if err != nil {
		t.Fatal(err)
	}
	p := a.Params
	for _, s := range model.Specs {
		want := s.Get(&p)
		if s.Key == "as_of" {
			want = a.AsOf.String()
		}
		if got := s.Get(&sc.Params); got != want {
			t.Errorf("parameter %s read back as %q, want %q", s.Key, got, want)
		}
	}
}

func TestSafety(t *testing.T) {
	a, rep := demoAnalysis(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "ledger.xlsx")
	os.WriteFile(in, []byte("original"), 0o644)
	ex := Export{Analysis: a, Report: rep}
	// never over the input, not even with --force or through another path
	for _, target := range []string{in, filepath.Join(dir, ".", "ledger.xlsx")} {
		if err := WriteXLSX(target, ex, WriteOptions{Force: true, Inputs: []string{in}}); err == nil {
			t.Errorf("wrote over the input via %s", target)
		}
	}
	if b, _ := os.ReadFile(in); string(b) != "original" {
		t.Error("input file changed")
	}
	// an existing file needs Force
	out := filepath.Join(dir, "out.xlsx")
	os.WriteFile(out, []byte("old"), 0o644)
	if err := WriteXLSX(out, ex, WriteOptions{}); !errors.Is(err, ErrExists) {
		t.Errorf("existing file: err = %v", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "old" {
		t.Error("existing file replaced without force")
	}
	if err := WriteXLSX(out, ex, WriteOptions{Force: true}); err != nil {
		t.Errorf("with force: %v", err)
	}
	// a failed write leaves nothing behind: neither the half-written file
	// nor the sheets' rows kept beside it (chunkFile)
	failed := filepath.Join(dir, "failed.xlsx")
	spilled := false
	chunkFileHook = func(name string) { _, err := os.Stat(name); spilled = err == nil && filepath.Dir(name) == dir }
	defer func() { chunkFileHook = nil }()
	err := writeAtomic(failed, WriteOptions{}, func(f *os.File) error {
		ex := ex
		ex.rows = rowsOf(a, WriteOptions{})
		if err := writeWorkbook(f, ex, nil); err != nil {
			return err
		}
		return errors.New("disk full")
	})
	if !spilled {
		t.Error("the sheets' rows were not kept in a file beside the workbook")
	}
	if err == nil {
		t.Fatal("failure not reported")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "ledger.xlsx" && e.Name() != "out.xlsx" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestFormulaText(t *testing.T) {
	csvText := "customer,name,date,amount\n=1+2,@SUM(A1),2024-01-01,10\nB,-cmd,2024-01-02,5\nC,+x,2024-01-03,7\n"
	led, rep, err := importer.LoadReader("f.csv", []byte(csvText), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := model.NewEngine(led).Analyze(model.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "f.xlsx")
	if err := WriteXLSX(path, Export{Analysis: a, Report: rep}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	f, _ := excelize.OpenFile(path)
	defer f.Close()
	rows, _ := f.GetRows(SheetCustomers)
	found := 0
	for r := 2; r <= len(rows); r++ {
		for _, c := range []string{"A", "B"} {
			cell := c + strconv.Itoa(r)
			v, _ := f.GetCellValue(SheetCustomers, cell)
			if !needsNeutral(v) {
				continue
			}
			found++
			if fm, _ := f.GetCellFormula(SheetCustomers, cell); fm != "" {
				t.Errorf("%s %q stored as a formula %q", cell, v, fm)
			}
			if typ, _ := f.GetCellType(SheetCustomers, cell); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
				t.Errorf("%s %q has type %v, want text", cell, v, typ)
			}
		}
	}
	if found != 4 {
		t.Errorf("found %d formula-like texts, want 4", found)
	}
	csvPath := filepath.Join(dir, "f.csv")
	if err := WriteCustomersCSV(csvPath, a, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(csvPath)
	if string(b[:3]) != "\xEF\xBB\xBF" {
		t.Error("CSV has no UTF-8 BOM")
	}
	for _, want := range []string{"'=1+2", "'@SUM(A1)", "'-cmd", "'+x"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("CSV lacks neutralised %q", want)
		}
	}
}

// With a baseline the workbook gets a Compare sheet: per scheme the segments
// of both with the changes, and a migration matrix whose counts add up to
// the customers; a clean ledger's Data quality sheet says so.
func TestCompareSheet(t *testing.T) {
	led, rep, err := importer.LoadDemo(importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := model.NewEngine(led)
	cur, _ := e.Analyze(model.DefaultParams())
	p := model.DefaultParams()
	p.PyramidKey = "margin"
	base, _ := e.Analyze(p)
	path := filepath.Join(t.TempDir(), "cmp.xlsx")
	if err := WriteXLSX(path, Export{Source: "demo", Analysis: cur, Report: rep, Baseline: base, BaselineName: "margin"}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(SheetCompare, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	cmp, _ := model.Compare(base, cur, "pyramid")
	// the first migration block is the pyramid's: its cells sum to N
	sum, in := 0, false
	for _, r := range rows {
		switch {
		case len(r) > 0 && r[0] == "From \\ to":
			in = true
			continue
		case in && len(r) == 0:
			in = false
		}
		if in {
			for _, c := range r[1:] {
				n, _ := strconv.Atoi(c)
				sum += n
			}
			if sum >= cur.N {
				break
			}
		}
	}
	if sum != cur.N || cmp.Migration.Moved == 0 {
		t.Errorf("pyramid migration counts sum to %d, want %d (moved %d)", sum, cur.N, cmp.Migration.Moved)
	}
	dq, _ := f.GetRows(SheetDataQuality)
	if len(dq) < 2 || !strings.Contains(strings.Join(dq[1], " "), "No rows rejected") {
		t.Errorf("Data quality of a clean ledger: %q", dq)
	}
}

// A filtered export lists exactly the chosen customers, in their order, and
// the Summary names the filter; the CSV holds the same rows.
func TestFilteredRows(t *testing.T) {
	a, rep := demoAnalysis(t)
	var rows []int32
	for _, c := range a.IDOrder {
		if model.Grades[a.Risk.Grade[c]] == "E" {
			rows = append(rows, c)
		}
	}
	if len(rows) == 0 || len(rows) == a.N {
		t.Fatalf("grade E has %d of %d customers", len(rows), a.N)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "e.xlsx")
	opt := WriteOptions{Rows: rows, Filter: "grade=E"}
	if err := WriteXLSX(path, Export{Source: "demo", Analysis: a, Report: rep}, opt); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.GetRows(SheetCustomers)
	if err != nil {
		t.Fatal(err)
	}
	if len(got)-1 != len(rows) || got[1][0] != a.Led.Customers.ID[rows[0]] {
		t.Errorf("Customers sheet has %d rows (want %d), first %q", len(got)-1, len(rows), got[1][0])
	}
	summary, _ := f.GetRows(SheetSummary)
	count, filter := false, false
	for _, r := range summary {
		count = count || (len(r) > 1 && r[0] == "Customers on the Customers sheet" && r[1] == strconv.Itoa(len(rows)))
		filter = filter || (len(r) > 1 && r[0] == "Filter of that list" && r[1] == "grade=E")
	}
	found := count && filter
	if !found {
		t.Error("Summary does not name the filter and its count")
	}
	csvPath := filepath.Join(dir, "e.csv")
	if err := WriteCustomersCSV(csvPath, a, opt); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(csvPath)
	if n := strings.Count(strings.TrimSpace(string(b)), "\n"); n != len(rows) {
		t.Errorf("CSV has %d customer lines, want %d", n, len(rows))
	}
}
