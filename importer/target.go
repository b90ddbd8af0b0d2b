package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Target is a ledger file read back so that segments can be written beside
// its rows (export --into): where its tables are, which column holds the
// customer id, and each data row's id, read exactly as Load reads it.
type Target struct {
	Path     string
	Workbook bool
	Date1904 bool // the workbook counts dates from 1904
	// Tables that get the segment columns: the customer sheets, or, when
	// the file has none, its transaction tables.
	Tables []TargetTable
	// Text files only: how the file is written, and every record as it
	// stands in the file (decoded to UTF-8).
	Encoding     string // as Load reports it: UTF-8, UTF-8 (BOM), UTF-16, GB18030
	BigEndian    bool   // UTF-16 with a big-endian mark
	Delimiter    byte
	DecimalComma bool // numbers are written 1234,5 (--decimal-comma)
	Records      []TextRecord
}

// TargetTable is one table of a Target.
type TargetTable struct {
	Sheet     string // "" for a text file
	Part      string // the sheet's XML inside the workbook
	Kind      string // customers or transactions
	HeaderRow int    // row (sheet) or line (text) of the header
	IDColumn  int    // 0-based column of the customer id
	Headers   []string
	// Width is the columns in use: the header's, or, in a sheet, up to the
	// last cell of any row (notes beside a table, formatted empty cells).
	Width int
	Rows  []TargetRow
}

// TargetRow is one data row below the header.
type TargetRow struct {
	Row int    // sheet row or text line where the record starts
	ID  string // the customer id as Load reads it ("" when the row has none)
}

// TextRecord is one record of a text file: its first line, its text without
// the final line ending, and that line ending ("" at the end of the file).
// Blank lines are records too, so the records cover the file.
type TextRecord struct {
	Line   int
	Raw    string
	EOL    string
	Fields int // fields the record splits into
}

// ReadTarget reads path as Load would, and returns where its rows are.
func ReadTarget(path string, opt Options) (*Target, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPathErr(err))
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file: --into needs a workbook or a text file to copy", path)
	}
	plans, closer, err := planFile(path, opt)
	if closer != nil {
		defer closer.Close()
	}
	if err != nil {
		return nil, err
	}
	t := &Target{Path: path, Workbook: plans[0].sheet != "", Date1904: plans[0].date1904}
	kind := "transactions"
	for _, p := range plans {
		if p.kind == "customers" {
			kind = "customers"
		}
	}
	for _, p := range plans {
		if p.kind != kind {
			continue
		}
		tb, err := readTargetTable(p)
		if err != nil {
			return nil, err
		}
		t.Tables = append(t.Tables, tb)
	}
	if len(t.Tables) == 0 {
		return nil, fmt.Errorf("%s: no table with a customer id column to put segments beside", path)
	}
	if !t.Workbook {
		t.DecimalComma = opt.DecimalComma
		if err := t.readText(path); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// readTargetTable reads the customer id of every row below the header.
func readTargetTable(p *plan) (TargetTable, error) {
	tb := TargetTable{Sheet: p.sheet, Part: p.part, Kind: p.kind, HeaderRow: p.rep.HeaderRow, IDColumn: p.m.ByField[FCustomerID]}
	for _, c := range p.m.Columns {
		tb.Headers = append(tb.Headers, c.Header)
	}
	tb.Width = len(tb.Headers)
	t, err := p.open()
	if err != nil {
		return tb, err
	}
	defer t.Close()
	for i := 0; ; i++ {
		rec, row, err := t.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return tb, fmt.Errorf("%s: %w", p.where(), err)
		}
		if p.sheet != "" {
			tb.Width = max(tb.Width, len(rec)) // every cell element, empty or not
		}
		if i <= p.headerAt {
			continue
		}
		tb.Rows = append(tb.Rows, TargetRow{Row: row, ID: string(trimSpace(cell(rec, tb.IDColumn)))})
	}
	return tb, nil
}

// readText reads a text file's records as they stand, split where Load
// splits them (quoted line breaks stay inside their record).
func (t *Target) readText(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, unwrapPathErr(err))
	}
	br, enc, err := decodeText(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	text, err := io.ReadAll(br)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	head := text[:min(len(text), 64<<10)]
	delim, _ := sniffDelimiter(head)
	if delim == 0 {
		return errors.New(path + ": columns aligned with spaces cannot take new columns; save it as CSV first")
	}
	t.Encoding, t.Delimiter = enc, delim
	t.BigEndian = bytes.HasPrefix(raw, []byte{0xFE, 0xFF})
	// where each physical line starts, its text ends and its ending ends:
	// a record is the text from its first line's start to its last line's
	// text end, so no copy is made
	src := string(text)
	type line struct{ start, end, next int }
	var lines []line
	for at := 0; at < len(src); {
		nl := strings.IndexByte(src[at:], '\n')
		if nl < 0 {
			lines = append(lines, line{at, len(src), len(src)})
			break
		}
		end := at + nl
		if end > at && src[end-1] == '\r' {
			end--
		}
		lines = append(lines, line{at, end, at + nl + 1})
		at += nl + 1
	}
	r := newCSVReader(bufio.NewReaderSize(strings.NewReader(src), 1<<18), delim)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: line %d: %w", path, r.recLn, err)
		}
		first, last := lines[r.recLn-1], lines[min(r.line, len(lines)+1)-2]
		t.Records = append(t.Records, TextRecord{Line: r.recLn, Raw: src[first.start:last.end], EOL: src[last.end:last.next], Fields: len(rec)})
	}
	return nil
}
