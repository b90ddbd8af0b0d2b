package importer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
)

// A workbook is read here rather than through excelize: rows come in file
// order with their own row numbers (a sheet may list rows 1, 5, 3, 4), every
// part is decompressed as a stream under a size limit (no temporary files, no
// part held whole except the shared strings), and only what a ledger needs is
// parsed: sheet names, the 1904 date system, shared strings and cell values.

// Limits that keep a hostile workbook from exhausting memory or time.
const (
	maxPartBytes   = 2 << 30  // uncompressed bytes of one sheet part
	maxMetaBytes   = 64 << 20 // uncompressed bytes of workbook.xml, its relationships
	maxSharedBytes = 256 << 20
	maxTextRun     = 1 << 20 // bytes between two tags (the XML decoder holds a run whole)
	maxSheetRows   = 1 << 20 // Excel's 1,048,576 rows
	maxSheetCols   = 1 << 14 // Excel's 16,384 columns (XFD)
	maxCellBytes   = 32767   // Excel's limit on the text of one cell
)

type xlsxSheet struct {
	name string
	part string // path inside the archive
}

type xlsxBook struct {
	closer   io.Closer
	files    map[string]*zip.File
	sheets   []xlsxSheet
	shared   []string
	date1904 bool
}

// openXLSX opens a workbook file and reads its sheet list and shared strings.
func openXLSX(name string) (*xlsxBook, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return readXLSX(f, st.Size(), f)
}

// readXLSX reads a workbook from r (size bytes); closer is closed with it.
func readXLSX(r io.ReaderAt, size int64, closer io.Closer) (*xlsxBook, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		if closer != nil {
			closer.Close()
		}
		return nil, err
	}
	wb := &xlsxBook{closer: closer, files: map[string]*zip.File{}}
	for _, f := range zr.File {
		wb.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	if err := wb.readMeta(); err != nil {
		wb.Close()
		return nil, err
	}
	return wb, nil
}

func (wb *xlsxBook) Close() error {
	if wb.closer == nil {
		return nil
	}
	return wb.closer.Close()
}

// part opens an archive member for streaming, cut off at limit bytes.
func (wb *xlsxBook) part(name string, limit int64) (io.ReadCloser, error) {
	f, ok := wb.files[name]
	if !ok {
		return nil, fmt.Errorf("part %s missing", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("part %s: %v", name, err)
	}
	return &limitedPart{rc: rc, left: limit, limit: limit, name: name}, nil
}

// limitedPart fails once more than its limit has been decompressed: the
// sizes in a zip's headers can lie.
// It also refuses a run of more than maxTextRun bytes without a tag: the
// XML decoder would hold such a run (a gigabyte of blanks) in memory whole.
type limitedPart struct {
	rc          io.ReadCloser
	left, limit int64
	run         int // bytes since the last '<'
	name        string
}

func (l *limitedPart) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, fmt.Errorf("part %s is larger than %d MiB uncompressed: refused", l.name, l.limit>>20)
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.rc.Read(p)
	l.left -= int64(n)
	// (reads are small, so a run inside one read cannot pass the limit)
	if i := bytes.IndexByte(p[:n], '<'); i < 0 {
		l.run += n
	} else {
		l.run += i
		if l.run <= maxTextRun {
			l.run = n - 1 - bytes.LastIndexByte(p[:n], '<')
		}
	}
	if l.run > maxTextRun {
		return 0, fmt.Errorf("part %s has over %d KiB of text between two tags: refused", l.name, maxTextRun>>10)
	}
	return n, err
}

func (l *limitedPart) Close() error { return l.rc.Close() }

type xmlRel struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

// decodeSmall decodes a small XML part into v; entities other than the five
// predefined ones are refused by encoding/xml (no entity expansion attacks).
func (wb *xlsxBook) decodeSmall(name string, v any) error {
	rc, err := wb.part(name, maxMetaBytes)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	d.Strict = false
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("part %s: %v", name, err)
	}
	return nil
}

// target resolves a relationship target against the folder of its source.
func target(dir, t string) string {
	if strings.HasPrefix(t, "/") {
		return strings.TrimPrefix(t, "/")
	}
	return path.Clean(path.Join(dir, t))
}

func (wb *xlsxBook) readMeta() error {
	var root struct {
		Rels []xmlRel `xml:"Relationship"`
	}
	book := "xl/workbook.xml"
	if _, ok := wb.files["_rels/.rels"]; ok {
		if err := wb.decodeSmall("_rels/.rels", &root); err != nil {
			return err
		}
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				book = target("", r.Target)
			}
		}
	}
	var w struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := wb.decodeSmall(book, &w); err != nil {
		return err
	}
	wb.date1904 = w.Pr.Date1904 == "1" || w.Pr.Date1904 == "true"
	dir := path.Dir(book)
	relsName := path.Join(dir, "_rels", path.Base(book)+".rels")
	var rels struct {
		Rels []xmlRel `xml:"Relationship"`
	}
	if err := wb.decodeSmall(relsName, &rels); err != nil {
		return err
	}
	byID := map[string]xmlRel{}
	for _, r := range rels.Rels {
		byID[r.ID] = r
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			if err := wb.readShared(target(dir, r.Target)); err != nil {
				return err
			}
		}
	}
	for _, s := range w.Sheets {
		r, ok := byID[s.ID]
		if !ok || !strings.HasSuffix(r.Type, "/worksheet") {
			continue // chart sheets, dialog sheets
		}
		wb.sheets = append(wb.sheets, xlsxSheet{name: s.Name, part: target(dir, r.Target)})
	}
	if len(wb.sheets) == 0 {
		return errors.New("no worksheets")
	}
	return nil
}

// readShared reads the shared-string table: the text of each <si>, its
// runs joined, phonetic guides (<rPh>) left out.
func (wb *xlsxBook) readShared(name string) error {
	rc, err := wb.part(name, maxSharedBytes)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	d.Strict = false
	var sb strings.Builder
	inSI, inT, skip := false, false, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("shared strings: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
				sb.Reset()
			case "rPh":
				skip++
			case "t":
				inT = inSI && skip == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				inSI = false
				wb.shared = append(wb.shared, sb.String())
			case "rPh":
				skip--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				sb.Write(t)
			}
		}
	}
}

// xlsxRows streams the rows of one sheet in file order.
type xlsxRows struct {
	wb    *xlsxBook
	rc    io.ReadCloser
	d     *xml.Decoder
	rows  int // rows returned
	total int // rows the sheet's dimension announces (0 if unknown)
	last  int // row number of the last row
	cells []string
	rec   [][]byte
}

func (wb *xlsxBook) rows(s xlsxSheet) (*xlsxRows, error) {
	rc, err := wb.part(s.part, maxPartBytes)
	if err != nil {
		return nil, err
	}
	d := xml.NewDecoder(rc)
	d.Strict = false
	return &xlsxRows{wb: wb, rc: rc, d: d}, nil
}

func (r *xlsxRows) Close() error { return r.rc.Close() }

// next returns the next row's cells (by column) and its own row number;
// io.EOF after the last.
func (r *xlsxRows) next() ([][]byte, int, error) {
	for {
		tok, err := r.d.RawToken()
		if err == io.EOF {
			return nil, r.last, io.EOF
		}
		if err != nil {
			return nil, r.last, fmt.Errorf("row after %d: %v", r.last, err)
		}
		st, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch st.Name.Local {
		case "dimension":
			if ref := attr(st, "ref"); ref != "" {
				if _, last, ok := strings.Cut(ref, ":"); ok {
					if _, row, ok := splitRef(last); ok {
						r.total = row
					}
				}
			}
		case "row":
			return r.readRow(st)
		}
	}
}

func attr(st xml.StartElement, name string) string {
	for _, a := range st.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// splitRef splits a cell reference such as "AB12" into a 0-based column and
// a 1-based row ("12" alone is a row; "AB" alone a column).
func splitRef(ref string) (col, row int, ok bool) {
	i := 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		if col > maxSheetCols {
			return 0, 0, false
		}
		i++
	}
	col--
	if i < len(ref) {
		n, err := strconv.Atoi(ref[i:])
		if err != nil || n < 1 {
			return 0, 0, false
		}
		row = n
	}
	return col, row, true
}

func (r *xlsxRows) readRow(st xml.StartElement) ([][]byte, int, error) {
	num := r.last + 1
	if v := attr(st, "r"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, r.last, fmt.Errorf("row %q: not a row number", v)
		}
		num = n
	}
	if num > maxSheetRows || r.rows >= maxSheetRows {
		return nil, r.last, fmt.Errorf("row %d: more rows than Excel's 1,048,576: refused", num)
	}
	r.last = num
	r.rows++
	r.cells = r.cells[:0]
	col := -1
	var val strings.Builder
	typ, inV, inIS, inT := "", false, false, false
	for {
		tok, err := r.d.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, num, fmt.Errorf("row %d: %v", num, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "c":
				col++
				if ref := attr(t, "r"); ref != "" {
					c, _, ok := splitRef(ref)
					if !ok || c < 0 {
						return nil, num, fmt.Errorf("row %d: cell reference %q", num, ref)
					}
					col = c
				}
				if col >= maxSheetCols {
					return nil, num, fmt.Errorf("row %d: more columns than Excel's 16,384: refused", num)
				}
				typ = attr(t, "t")
				val.Reset()
			case "v":
				inV = true
			case "is":
				inIS = true
			case "t":
				inT = inIS
			}
		case xml.CharData:
			if inV || inT {
				if val.Len()+len(t) > maxCellBytes*4 {
					return nil, num, fmt.Errorf("row %d: a cell longer than Excel's 32,767 characters: refused", num)
				}
				val.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "is":
				inIS = false
			case "t":
				inT = false
			case "c":
				if col < 0 {
					continue // an end tag without its start: nothing to keep
				}
				v, err := r.cellValue(typ, val.String())
				if err != nil {
					return nil, num, fmt.Errorf("row %d: %v", num, err)
				}
				for len(r.cells) < col {
					r.cells = append(r.cells, "")
				}
				if col < len(r.cells) {
					r.cells[col] = v // a repeated reference: the later cell wins
				} else {
					r.cells = append(r.cells, v)
				}
			case "row":
				r.rec = r.rec[:0]
				for _, c := range r.cells {
					r.rec = append(r.rec, []byte(cleanNumber(c)))
				}
				return r.rec, num, nil
			}
		}
	}
}

// cellValue is a cell's raw value: shared and inline strings as text,
// numbers as written (dates stay serial numbers), booleans as TRUE/FALSE.
func (r *xlsxRows) cellValue(typ, v string) (string, error) {
	switch typ {
	case "s":
		k, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || k < 0 || k >= len(r.wb.shared) {
			return "", fmt.Errorf("shared string %q out of range", v)
		}
		return r.wb.shared[k], nil
	case "b":
		if strings.TrimSpace(v) == "1" {
			return "TRUE", nil
		}
		return "FALSE", nil
	}
	return v, nil
}
