package exporter

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

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
	return analysed(t)(importer.Load([]string{path}, opt))
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

// intoLedger is a small ledger as text: header, a quoted line break in a name, rows of ten customers over two years (four
// stop early), and a row without a customer id.
func intoLedger(delim, eol string, zh, decimalComma bool) string {
	head := []string{"Customer ID", "Name", "Date", "Amount"}
	if zh {
		head = []string{"客户编号", "客户名称", "日期", "金额"}
	}
	var b strings.Builder
	b.WriteString(strings.Join(head, delim) + eol)
	for k := 0; k < 50; k++ {
		c := k % 10
		span := 700
		if c >= 6 {
			span = 150
		}
		day := model.Day(19360 + (k*37)%span)
		name := "Client " + string(rune('A'+c))
		if zh {
			name = "客户" + string(rune('甲'+c))
		}
		if c == 3 {
			name = `"Line one` + "\n" + `line two"` // a quoted line break
		}
		amt := model.MoneyString(int64(10000+(k*7919)%240000), 2)
		if decimalComma {
			amt = strings.Replace(amt, ".", ",", 1)
		}
		id := "K" + string(rune('0'+c))
		if k == 13 {
			id = ""
		}
		b.WriteString(strings.Join([]string{id, name, day.String(), amt}, delim) + eol)
	}
	return b.String()
}

func TestIntoText(t *testing.T) {
	for _, tc := range []struct {
		name, delim, eol string
		enc              string // utf-8-bom, gb18030
		zh, comma        bool
	}{
		{"UTF-8 with BOM, CRLF", ",", "\r\n", "utf-8-bom", false, false},
		{"GB18030", ",", "\n", "gb18030", true, false},
		{"semicolon, decimal comma", ";", "\r\n", "utf-8", false, true},
		{"UTF-16LE tab", "\t", "\r\n", "utf-16le", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			src, out := filepath.Join(dir, "ledger.csv"), filepath.Join(dir, "ledger-segments.csv")
			text := intoLedger(tc.delim, tc.eol, tc.zh, tc.comma)
			raw := encodeAs(t, text, tc.enc)
			if err := os.WriteFile(src, raw, 0o644); err != nil {
				t.Fatal(err)
			}
			opt := importer.Options{DecimalComma: tc.comma}
			a, rep := intoAnalysis(t, src, opt)
			tg, err := importer.ReadTarget(src, opt)
			if err != nil {
				t.Fatal(err)
			}
			fields, err := IntoColumns(a, []string{"pyramid", "rfm", "clv_value", "palive"})
			if err != nil {
				t.Fatal(err)
			}
			res, err := WriteInto(out, Export{Analysis: a, Report: rep}, tg, fields, WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows != 49 || len(res.Missing) != 1 {
				t.Errorf("%d rows given columns, %d without (%+v): want 49 and the row without an id", res.Rows, len(res.Missing), res.Missing)
			}
			got, _ := os.ReadFile(out)
			// every line of the source, byte for byte, starts its line of the output
			// (UTF-16 is compared as text: its line breaks are two bytes)
			srcText, outText := string(raw), string(got)
			if tc.enc == "utf-16le" {
				srcText, outText = decodeAs(t, raw, tc.enc), decodeAs(t, got, tc.enc)
			}
			srcLines, outLines := strings.SplitAfter(srcText, "\n"), strings.SplitAfter(outText, "\n")
			if len(srcLines) != len(outLines) {
				t.Fatalf("%d lines, source %d", len(outLines), len(srcLines))
			}
			for i := range srcLines {
				body := strings.TrimSuffix(strings.TrimSuffix(srcLines[i], "\n"), "\r")
				if !strings.HasPrefix(outLines[i], body) || strings.HasSuffix(srcLines[i], "\r\n") != strings.HasSuffix(outLines[i], "\r\n") {
					t.Fatalf("line %d %q does not continue the source's %q with its line ending", i+1, outLines[i], srcLines[i])
				}
			}
			// an independent reader (encoding/csv) sees the source's fields, then ours
			srcRecs, outRecs := readCSV(t, decodeAs(t, raw, tc.enc), tc.delim), readCSV(t, decodeAs(t, got, tc.enc), tc.delim)
			ids := map[string]int{}
			for c, id := range a.Led.Customers.ID {
				ids[id] = c
			}
			for k, rec := range outRecs {
				if strings.Join(rec[:len(srcRecs[k])], "|") != strings.Join(srcRecs[k], "|") {
					t.Fatalf("record %d: %q, source %q", k, rec, srcRecs[k])
				}
				extra := rec[len(srcRecs[k]):]
				switch {
				case k == 0:
					for i, f := range fields {
						if extra[i] != f.Label {
							t.Errorf("header %d %q, want %q", i, extra[i], f.Label)
						}
					}
				default:
					c, ok := ids[srcRecs[k][0]]
					for i, f := range fields {
						w := ""
						if ok {
							w = csvCell(cellOf(f.Get(a, c), f.Kind, a.Decimals), kindOf(f.Kind), a.Decimals)
							if tc.comma && f.Kind != model.KindText {
								w = strings.Replace(w, ".", ",", 1)
							}
						}
						if extra[i] != w {
							t.Errorf("record %d (%s) %s: %q, want %q", k, srcRecs[k][0], f.Label, extra[i], w)
						}
					}
				}
			}
			// the copy loads as a ledger with the same figures
			b, _ := intoAnalysis(t, out, opt)
			if b.N != a.N || b.Schemes[0].Total.Revenue != a.Schemes[0].Total.Revenue {
				t.Errorf("the copy reads as %d customers, revenue %d; the source %d, %d", b.N, b.Schemes[0].Total.Revenue, a.N, a.Schemes[0].Total.Revenue)
			}
		})
	}
}

// Text a spreadsheet would read as a formula stays text: an apostrophe in a
// CSV, an inline string in a workbook.
func TestIntoFormulaText(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "l.csv")
	os.WriteFile(src, []byte("customer,name,date,amount\nA,=HYPERLINK(1),2024-01-01,5\nB,@SUM(1),2024-02-01,7\n"), 0o644)
	a, rep := intoAnalysis(t, src, importer.Options{})
	tg, err := importer.ReadTarget(src, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fields, err := IntoColumns(a, []string{"name"})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "o.csv")
	if _, err := WriteInto(out, Export{Analysis: a, Report: rep}, tg, fields, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	if want := "customer,name,date,amount,Name\nA,=HYPERLINK(1),2024-01-01,5,'=HYPERLINK(1)\nB,@SUM(1),2024-02-01,7,'@SUM(1)\n"; string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	var b bytes.Buffer
	e := &sheetEdit{first: 1, n: 1, headerRow: 1, row: map[int]int{2: 0}, headers: []string{"Name"}, styles: []int{0},
		wd: make(widths, 1), fit: func(v any) any { return v }, cells: func(int) []any { return []any{"=HYPERLINK(1)"} }}
	if err := e.apply(&b, strings.NewReader(`<worksheet><sheetData><row r="1"><c r="A1"/></row><row r="2"><c r="A2"/></row><row r="3" spans="1:1"><c r="A3"/></row></sheetData></worksheet>`)); err != nil {
		t.Fatal(err)
	}
	// a row that gets nothing passes through as it was
	if !strings.Contains(b.String(), `<c r="B2" s="0" t="inlineStr"><is><t>=HYPERLINK(1)</t></is></c></row>`) || strings.Contains(b.String(), "<f>") ||
		!strings.Contains(b.String(), `<row r="3" spans="1:1"><c r="A3"/></row>`) {
		t.Errorf("sheet XML %s", b.String())
	}
}

func encodeAs(t *testing.T, s, enc string) []byte {
	switch enc {
	case "utf-8-bom":
		return append([]byte("\uFEFF"), s...)
	case "gb18030":
		b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	case "utf-16le":
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return []byte(s)
}

func decodeAs(t *testing.T, b []byte, enc string) string {
	switch enc {
	case "utf-8-bom":
		if !strings.HasPrefix(string(b), "\uFEFF") {
			t.Fatal("the BOM is gone")
		}
		return strings.TrimPrefix(string(b), "\uFEFF")
	case "gb18030":
		if utf8.Valid(b) {
			t.Fatal("GB18030 source written back as UTF-8")
		}
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		if err != nil {
			t.Fatal(err)
		}
		return string(d)
	case "utf-16le":
		if !strings.HasPrefix(string(b), "\xff\xfe") {
			t.Fatal("the UTF-16LE mark is gone")
		}
		d, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(b)
		if err != nil {
			t.Fatal(err)
		}
		return string(d)
	}
	return string(b)
}

func readCSV(t *testing.T, s, delim string) [][]string {
	r := csv.NewReader(strings.NewReader(s))
	r.Comma = rune(delim[0])
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// sharedLedger returns a ledger of ../shared/data; a missing one fails
// under CI and skips elsewhere.
func sharedLedger(t *testing.T, path string) string {
	t.Helper()
	p := "../../shared/data/" + path
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared data %s: %v", path, err)
		}
		t.Skipf("shared data %s not found: %v", path, err)
	}
	return p
}

// The shared ledgers as users keep them: the Online Retail II workbook (two
// transaction sheets, no customer sheet) gets the columns on both sheets
// with every cell of theirs unchanged; the receivables CSV keeps every line;
// CDNOW, aligned with spaces, is refused with a reason.
func TestIntoSharedData(t *testing.T) {
	dir := t.TempDir()
	t.Run("Online Retail II", func(t *testing.T) {
		py := need(t, "/usr/bin/python3", "-c", "import openpyxl")
		src := sharedLedger(t, "online-retail-ii/online_retail_II_subset_2sheets.xlsx")
		a, rep := intoAnalysis(t, src, importer.Options{})
		tg, err := importer.ReadTarget(src, importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(tg.Tables) != 2 || tg.Tables[0].Kind != "transactions" {
			t.Fatalf("tables %d (%s): want both transaction sheets", len(tg.Tables), tg.Tables[0].Kind)
		}
		fields, _ := IntoColumns(a, nil)
		out := filepath.Join(dir, "retail.xlsx")
		res, err := WriteInto(out, Export{Analysis: a, Report: rep}, tg, fields, WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// every row with a customer id the loader kept gets the columns; the
		// rows without an id (rejected on load) are listed
		if res.Rows != rep.RowsUsed || res.Rows+len(res.Missing) != rep.RowsRead {
			t.Errorf("%d rows given columns, %d without; the load used %d of %d", res.Rows, len(res.Missing), rep.RowsUsed, rep.RowsRead)
		}
		for _, tb := range tg.Tables {
			b, err := exec.Command(py, "../testdata/check_into.py", "check", src, out, tb.Sheet, strconv.Itoa(tb.Width+1)).Output()
			if err != nil {
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					t.Fatalf("sheet %s did not survive:\n%s", tb.Sheet, ee.Stderr)
				}
				t.Fatal(err)
			}
			var got struct{ Header []string }
			if err := json.Unmarshal(b, &got); err != nil || len(got.Header) != len(fields) || got.Header[0] != fields[0].Label {
				t.Errorf("sheet %s: header %v (%v)", tb.Sheet, got.Header, err)
			}
		}
	})
	t.Run("receivables", func(t *testing.T) {
		src := sharedLedger(t, "receivables/WA_Fn-UseC_-Accounts-Receivable.csv")
		a, rep := intoAnalysis(t, src, importer.Options{})
		tg, err := importer.ReadTarget(src, importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		fields, _ := IntoColumns(a, nil)
		out := filepath.Join(dir, "ar.csv")
		res, err := WriteInto(out, Export{Analysis: a, Report: rep}, tg, fields, WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != 2466 || len(res.Missing) != 0 {
			t.Errorf("%d rows given columns, %d without; want all 2,466", res.Rows, len(res.Missing))
		}
		raw, _ := os.ReadFile(src)
		got, _ := os.ReadFile(out)
		srcLines, outLines := strings.SplitAfter(string(raw), "\n"), strings.SplitAfter(string(got), "\n")
		if len(srcLines) != len(outLines) {
			t.Fatalf("%d lines, source %d", len(outLines), len(srcLines))
		}
		for i := range srcLines {
			if !strings.HasPrefix(outLines[i], strings.TrimRight(srcLines[i], "\r\n")+",") && srcLines[i] != "" {
				t.Fatalf("line %d %q does not continue %q", i+1, outLines[i], srcLines[i])
			}
		}
	})
	t.Run("CDNOW", func(t *testing.T) {
		src := sharedLedger(t, "cdnow/CDNOW_sample.txt")
		cols, _ := importer.ParseColumns(",customer_id,date,quantity,amount")
		if _, err := importer.ReadTarget(src, importer.Options{Columns: cols}); err == nil || !strings.Contains(err.Error(), "aligned with spaces") {
			t.Errorf("space-aligned text: %v, want a refusal", err)
		}
	})
}
