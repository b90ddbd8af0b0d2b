package importer

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"ledgerlens/internal/ledgergen"
	"ledgerlens/model"
)

// edgeSheet is a worksheet with what the sheet reader must handle beyond
// Excel's plain output: inline strings, rich text with a phonetic guide,
// cells without a reference, rows out of order and without a number, error
// cells, formulas with cached values, booleans, entities and character
// references, CDATA, comments and processing instructions between cells,
// namespace prefixes, self-closing cells and rows, single-quoted and spaced
// attributes (one with a ">" inside), line ends (\r\n, \r) inside text,
// and a repeated reference.
var edgeSheet = strings.NewReplacer("line two\n", "line two\r\n", "line three", "line three\rline four").Replace(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:dimension ref="A1:F9"/><x:sheetData>
<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c><x:c r="C1" t="s"><x:v>2</x:v></x:c><x:c r="D1" t="inlineStr"><x:is><x:t>note</x:t></x:is></x:c></x:row>
<x:row r="3"><x:c t="s"><x:v>3</x:v></x:c><x:c r="B3" s="1"><x:v>45292.5</x:v></x:c><x:c r='C3' t = "n"><x:v>1234.5</x:v></x:c><x:c r="D3" t="inlineStr"><x:is><x:r><x:rPr><x:b/></x:rPr><x:t>Rich </x:t></x:r><x:r><x:t xml:space="preserve">text &amp; more</x:t></x:r><x:rPh sb="0" eb="1"><x:t>フリガナ</x:t></x:rPh></x:is></x:c></x:row>
<x:row r="2"><x:c r="A2" t="str"><x:f>CONCAT("C","2")</x:f><x:v>C2</x:v></x:c><x:c r="B2"><x:v>45293</x:v></x:c><x:c r="C2" xr:note="a>b"><x:f>1/0</x:f><x:v>0.30000000000000004</x:v></x:c><x:c r="D2" t="e"><x:v>#DIV/0!</x:v></x:c><x:c r="E2" t="b"><x:v>1</x:v></x:c><x:c r="F2"/></x:row>
<!-- a comment between rows --><?pi between rows?>
<x:row><x:c><x:v>&#67;&#x33;&lt;&gt;&quot;&apos;</x:v></x:c><x:c r="B4"><x:v>45294</x:v></x:c><x:c r="C4"><x:v><![CDATA[1&amp;2<3]]></x:v></x:c><x:c r="D4" t="inlineStr"><x:is><x:t>line one&#13;&#10;line two
line three</x:t></x:is></x:c></x:row>
<x:row r="6"/>
<x:row r="7"><x:c r="A7" t="inlineStr"><x:is><x:t>中文客户 &amp; Co</x:t></x:is></x:c><x:c r="B7"><x:v>45295.999988425923</x:v></x:c><x:c r="C7"><x:v>-5</x:v></x:c><x:c r="C7"><x:v>-6</x:v></x:c><x:c r="D7" t="b"><x:v>0</x:v></x:c></x:row>
<x:row r="9" spans="1:6"><x:c r="A9" t="s"><x:v> 3 </x:v></x:c><x:c r="F9" t="inlineStr"><x:is><x:t/></x:is></x:c></x:row>
</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A1:B1"/></x:mergeCells></x:worksheet>`)

// workbookBytes builds a one-sheet workbook with the given sheet, shared
// strings (each an <si> body) and date system.
func workbookBytes(sheet string, shared []string, date1904 bool) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	var sst strings.Builder
	sst.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for _, s := range shared {
		sst.WriteString("<si>" + s + "</si>")
	}
	sst.WriteString("</sst>")
	d := "0"
	if date1904 {
		d = "1"
	}
	for _, p := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="` + d + `"/><sheets><sheet name="Edge" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/sharedStrings.xml", sst.String()},
		{"xl/worksheets/sheet1.xml", sheet},
	} {
		w, _ := z.Create(p[0])
		io.WriteString(w, p[1])
	}
	z.Close()
	return buf.Bytes()
}

// excelSheet holds edgeSheet's cells as excelize can read them for
// comparison: its rows iterator puts a row without a number after the
// previous row in the file and appends cells by position, so here the rows
// come in order, each numbered, and no reference repeats (the other cases
// are checked against the oracle and in TestEdgeWorkbookValues).
var excelSheet = func() string {
	lines := strings.Split(edgeSheet, "\n")
	// 0 declaration, 1 sheetData, 2 row 1, 3 row 3, 4 row 2, 5 comment,
	// 6 row without number (two lines), 8 row 6, 9 row 7, 10 row 9, 11 end
	row4 := strings.Replace(lines[6]+"\n"+lines[7], `<x:row>`, `<x:row r="4">`, 1)
	row7 := strings.Replace(lines[9], `<x:c r="C7"><x:v>-5</x:v></x:c>`, ``, 1)
	return strings.Join([]string{lines[0], lines[1], lines[2], lines[4], lines[3], lines[5], row4, lines[8], row7, lines[10], lines[11]}, "\n")
}()

var edgeShared = []string{`<t>customer_id</t>`, `<t>date</t>`, `<r><t>amo</t></r><r><t>unt</t></r><rPh><t>x</t></rPh>`, `<t>C&amp;1</t>`}

// generatedWorkbooks writes the workbooks the reader is checked on beside
// those of testdata and the shared data: the edge cases (both date systems)
// and a retail workbook long enough that tags cross the reader's chunks.
func generatedWorkbooks(t *testing.T) []string {
	dir := t.TempDir()
	var paths []string
	for name, data := range map[string][]byte{
		"edge.xlsx":      workbookBytes(edgeSheet, edgeShared, false),
		"excel1904.xlsx": workbookBytes(excelSheet, edgeShared, true),
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	p := filepath.Join(dir, "retail.xlsx")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := ledgergen.WriteRetailXLSX(f, 6000, 3); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return append(paths, p)
}

// sheetRows reads every row of a sheet: "row: cells" lines, and the error
// that ended it ("" at the end of the sheet).
func sheetRows(next func() ([][]byte, int, error)) ([]string, string) {
	var out []string
	for {
		rec, row, err := next()
		if err == io.EOF {
			return out, ""
		}
		if err != nil {
			return out, err.Error()
		}
		cells := make([]string, len(rec))
		for i, c := range rec {
			cells[i] = string(c)
		}
		out = append(out, fmt.Sprintf("%d: %q", row, cells))
	}
}

// readSheet reads a sheet to its end with a reader just opened: sheetRows,
// or the opening error as the error that ended it.
func readSheet[R interface {
	next() ([][]byte, int, error)
	Close() error
}](r R, err error) ([]string, string) {
	if err != nil {
		return nil, "opening: " + err.Error()
	}
	defer r.Close()
	return sheetRows(r.next)
}

// bookOf opens a workbook held in memory.
func bookOf(t testing.TB, data []byte) *xlsxBook {
	t.Helper()
	wb, err := readXLSX(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return wb
}

// The scanner gives, row for row and cell for cell, what the encoding/xml
// reader it replaced gives, on every workbook of testdata, the shared data
// and the generated ones; also when the part arrives one byte at a time
// (every tag and text split across reads) and without the prefetching.
func TestSheetScannerMatchesOracle(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*.xlsx")
	shared, _ := filepath.Glob("../../shared/data/*/*.xlsx")
	if len(shared) == 0 && os.Getenv("CI") != "" {
		t.Fatal("shared data missing on CI")
	}
	files = append(append(files, shared...), generatedWorkbooks(t)...)
	rows := 0
	for _, path := range files {
		wb, err := openXLSX(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range wb.sheets {
			want, wantErr := readSheet(wb.xmlRows(s))
			if wantErr != "" {
				t.Fatalf("%s %q: the oracle failed: %s", path, s.name, wantErr)
			}
			got, gotErr := readSheet(wb.rows(s))
			compareRows(t, path+" "+s.name, got, gotErr, want)
			part, err := wb.part(s.part, maxPartBytes)
			if err != nil {
				t.Fatal(err)
			}
			got, gotErr = readSheet(&xlsxRows{wb: wb, rc: part, s: newSheetScanner(iotest.OneByteReader(part))}, nil)
			compareRows(t, path+" "+s.name+" (one byte a read)", got, gotErr, want)
			rows += len(want)
		}
		wb.Close()
	}
	if rows < 6000 {
		t.Fatalf("only %d rows compared", rows)
	}
}

func compareRows(t *testing.T, what string, got []string, gotErr string, want []string) {
	t.Helper()
	if gotErr != "" {
		t.Fatalf("%s: %s", what, gotErr)
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, the oracle %d", what, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: row %s, the oracle %s", what, got[i], want[i])
		}
	}
}

// What the edge-case sheet holds, read as a user would: the 1904 date
// system moves every date by 1,462 days, entities and rich text come out
// as text, the phonetic guide does not.
func TestEdgeWorkbookValues(t *testing.T) {
	for _, d1904 := range []bool{false, true} {
		wb := bookOf(t, workbookBytes(edgeSheet, edgeShared, d1904))
		if wb.date1904 != d1904 {
			t.Fatalf("date1904 %v, want %v", wb.date1904, d1904)
		}
		r, err := wb.rows(wb.sheets[0])
		if err != nil {
			t.Fatal(err)
		}
		got, gotErr := sheetRows(r.next)
		r.Close()
		want := []string{
			`1: ["customer_id" "date" "amount" "note"]`,
			`3: ["C&1" "45292.5" "1234.5" "Rich text & more"]`,
			`2: ["C2" "45293" "0.3" "#DIV/0!" "TRUE" ""]`,
			`3: ["C3<>\"'" "45294" "1&amp;2<3" "line one\r\nline two\nline three\nline four"]`, // after row 2
			`6: []`,
			`7: ["中文客户 & Co" "45295.9999884259" "-6" "FALSE"]`,
			`9: ["C&1" "" "" "" "" ""]`,
		}
		compareRows(t, "edge", got, gotErr, want)
		if r.total != 9 {
			t.Errorf("dimension: %d rows, want 9", r.total)
		}
		if got, want := SerialToDay(45293, d1904), model.DayFromCivil(2024, 1, 2); (got == want) == d1904 {
			t.Errorf("1904 %v: serial 45293 is %v", d1904, got)
		}
	}
}

// FuzzSheetXML mutates a worksheet's XML itself (inside a valid workbook):
// where the encoding/xml reader reads it to its end, the scanner gives the
// same rows; it never panics.
func FuzzSheetXML(f *testing.F) {
	f.Add(edgeSheet)
	f.Add(excelSheet)
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c hidden r="B1"><v>1</v></c></row><row><c t='b'><v> 1 </v></c></row></sheetData></worksheet>`)
	f.Fuzz(func(t *testing.T, sheet string) {
		wb := bookOf(t, workbookBytes(sheet, edgeShared, false))
		want, wantErr := readSheet(wb.xmlRows(wb.sheets[0]))
		got, gotErr := readSheet(wb.rows(wb.sheets[0]))
		if wantErr == "" {
			compareRows(t, "sheet", got, gotErr, want)
		}
	})
}

// Cell text at the limits: a run of '&' with no ';' stays as written (an
// entity's ';' is looked for within 64 bytes, so such a run costs linear
// time, not quadratic), and a cell over Excel's length is refused before it
// is decoded.
func TestSheetScannerLongText(t *testing.T) {
	cell := func(text string) []string {
		sheet := `<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>` + text + `</t></is></c></row></sheetData></worksheet>`
		wb := bookOf(t, workbookBytes(sheet, nil, false))
		rows, msg := readSheet(wb.rows(wb.sheets[0]))
		return append(rows, msg)
	}
	amps := strings.Repeat("&", 100_000)
	if got := cell(amps + "&amp;"); len(got) != 2 || got[0] != fmt.Sprintf("1: %q", []string{amps + "&"}) || got[1] != "" {
		t.Errorf("a run of '&': %.80q", got)
	}
	if got := cell(strings.Repeat("a", 4*maxCellBytes+1)); len(got) != 1 || !strings.Contains(got[0], "a cell longer than Excel's 32,767 characters") {
		t.Errorf("a long cell: %.80q", got)
	}
}
