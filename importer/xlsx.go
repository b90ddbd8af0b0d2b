package importer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"runtime"
	"strings"
	"sync"

	kflate "github.com/klauspost/compress/flate"
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
	// klauspost's inflater: a sheet's decompression took a fifth of a
	// large workbook's load with the standard library's
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return kflate.NewReader(r) })
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
	s     *sheetScanner
	rows  int        // rows returned
	total int        // rows the sheet's dimension announces (0 if unknown)
	last  int        // row number of the last row
	cells []cellSpan // by column, into text
	text  []byte     // the row's cell values
	val   []byte     // the value of the cell being read
	typ   []byte     // its type
	rec   [][]byte
}

// cellSpan is a cell's value in xlsxRows.text; end 0 for an empty cell.
type cellSpan struct{ start, end int }

func (wb *xlsxBook) rows(s xlsxSheet) (*xlsxRows, error) {
	rc, err := wb.part(s.part, maxPartBytes)
	if err != nil {
		return nil, err
	}
	if runtime.GOMAXPROCS(0) > 1 {
		rc = prefetch(rc)
	}
	return &xlsxRows{wb: wb, rc: rc, s: newSheetScanner(rc)}, nil
}

// prefetchReader reads a part on a goroutine of its own, a few chunks ahead
// of its reader, so that a sheet is decompressed beside its parsing (the
// inflating was a fifth of a large workbook's load).
type prefetchReader struct {
	rc     io.ReadCloser
	chunks chan prefetched
	free   chan []byte
	done   chan struct{}
	wg     sync.WaitGroup
	cur    []byte // the unread part of the chunk being read
	buf    []byte // that chunk's buffer, returned to free once read
	err    error
}

type prefetched struct {
	b   []byte
	err error
}

const prefetchChunks = 3

func prefetch(rc io.ReadCloser) *prefetchReader {
	p := &prefetchReader{rc: rc, chunks: make(chan prefetched, prefetchChunks), free: make(chan []byte, prefetchChunks), done: make(chan struct{})}
	for range prefetchChunks {
		p.free <- make([]byte, scanChunk)
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			var b []byte
			select {
			case b = <-p.free:
			case <-p.done:
				return
			}
			n, err := io.ReadFull(rc, b)
			if err == io.ErrUnexpectedEOF {
				err = io.EOF
			}
			select {
			case p.chunks <- prefetched{b[:n], err}:
			case <-p.done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return p
}

func (p *prefetchReader) Read(b []byte) (int, error) {
	for len(p.cur) == 0 {
		if p.err != nil {
			return 0, p.err
		}
		if p.buf != nil {
			p.free <- p.buf[:cap(p.buf)] // never blocks: every buffer has a place
			p.buf = nil
		}
		c := <-p.chunks
		p.cur, p.buf, p.err = c.b, c.b, c.err
	}
	n := copy(b, p.cur)
	p.cur = p.cur[n:]
	return n, nil
}

// Close stops the goroutine (waiting for it, so that the part is not read
// after it is closed) and closes the part.
func (p *prefetchReader) Close() error {
	close(p.done)
	p.wg.Wait()
	return p.rc.Close()
}

func (r *xlsxRows) Close() error { return r.rc.Close() }

// next returns the next row's cells (by column) and its own row number;
// io.EOF after the last. The cells are valid until the next call.
func (r *xlsxRows) next() ([][]byte, int, error) {
	s := r.s
	for {
		if err := s.next(); err != nil {
			if err == io.EOF {
				return nil, r.last, io.EOF
			}
			return nil, r.last, fmt.Errorf("row after %d: %v", r.last, err)
		}
		if s.kind != tokStart {
			continue
		}
		switch string(s.name) {
		case "dimension":
			ref, err := s.attr("ref")
			if err != nil {
				return nil, r.last, fmt.Errorf("row after %d: %v", r.last, err)
			}
			if _, last, ok := bytes.Cut(ref, []byte(":")); ok {
				if _, row, ok := splitRef(last); ok {
					r.total = row
				}
			}
		case "row":
			return r.readRow()
		}
	}
}

// splitRef splits a cell reference such as "AB12" into a 0-based column and
// a 1-based row ("12" alone is a row; "AB" alone a column).
func splitRef[T string | []byte](ref T) (col, row int, ok bool) {
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
		n, ok := atoi(ref[i:])
		if !ok || n < 1 {
			return 0, 0, false
		}
		row = n
	}
	return col, row, true
}

// atoi is strconv.Atoi for decimal text without the conversion to a
// string: an optional sign, digits, no overflow.
func atoi[T string | []byte](s T) (int, bool) {
	neg := len(s) > 0 && s[0] == '-'
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if len(s) == 0 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		d := int(s[i]) - '0'
		if d < 0 || d > 9 || n > (math.MaxInt-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	if neg {
		n = -n
	}
	return n, true
}

func (r *xlsxRows) readRow() ([][]byte, int, error) {
	s := r.s
	num := r.last + 1
	v, err := s.attr("r")
	if err != nil {
		return nil, r.last, fmt.Errorf("row after %d: %v", r.last, err)
	}
	if len(v) > 0 {
		n, ok := atoi(v)
		if !ok || n < 1 {
			return nil, r.last, fmt.Errorf("row %q: not a row number", v)
		}
		num = n
	}
	if num > maxSheetRows || r.rows >= maxSheetRows {
		return nil, r.last, fmt.Errorf("row %d: more rows than Excel's 1,048,576: refused", num)
	}
	r.last = num
	r.rows++
	r.cells, r.text = r.cells[:0], r.text[:0]
	col := -1
	inV, inIS, inT, skip := false, false, false, 0
	for {
		if err := s.next(); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, num, fmt.Errorf("row %d: %v", num, err)
		}
		switch s.kind {
		case tokStart:
			switch string(s.name) {
			case "c":
				col++
				ref, err := s.attr("r")
				if err != nil {
					return nil, num, fmt.Errorf("row %d: %v", num, err)
				}
				if len(ref) > 0 {
					c, _, ok := splitRef(ref)
					if !ok || c < 0 {
						return nil, num, fmt.Errorf("row %d: cell reference %q", num, ref)
					}
					col = c
				}
				if col >= maxSheetCols {
					return nil, num, fmt.Errorf("row %d: more columns than Excel's 16,384: refused", num)
				}
				t, err := s.attr("t")
				if err != nil {
					return nil, num, fmt.Errorf("row %d: %v", num, err)
				}
				r.typ, r.val = append(r.typ[:0], t...), r.val[:0] // copied: valid beyond the tag
			case "v":
				inV = true
			case "is":
				inIS = true
			case "rPh": // a phonetic guide is not the cell's text
				skip++
			case "t":
				inT = inIS && skip == 0
			}
		case tokText:
			if !inV && !inT {
				continue
			}
			if len(r.val)+len(s.raw) > maxCellBytes*4 { // decoding only shortens
				return nil, num, fmt.Errorf("row %d: a cell longer than Excel's 32,767 characters: refused", num)
			}
			t, err := s.text()
			if err != nil {
				return nil, num, fmt.Errorf("row %d: %v", num, err)
			}
			r.val = append(r.val, t...)
		case tokEnd:
			switch string(s.name) {
			case "v":
				inV = false
			case "is":
				inIS = false
			case "rPh":
				skip = max(0, skip-1)
			case "t":
				inT = false
			case "c":
				if col < 0 {
					continue // an end tag without its start: nothing to keep
				}
				if err := r.keep(col); err != nil {
					return nil, num, fmt.Errorf("row %d: %v", num, err)
				}
			case "row":
				r.rec = r.rec[:0]
				for _, c := range r.cells {
					r.rec = append(r.rec, cleanNumberBytes(r.text[c.start:c.end]))
				}
				return r.rec, num, nil
			}
		}
	}
}

// keep stores the cell just read at col: shared and inline strings as
// text, numbers as written (dates stay serial numbers), booleans as
// TRUE/FALSE. A repeated reference: the later cell wins.
func (r *xlsxRows) keep(col int) error {
	start := len(r.text)
	switch string(r.typ) {
	case "s":
		k, ok := atoi(bytes.TrimSpace(r.val))
		if !ok || k < 0 || k >= len(r.wb.shared) {
			return fmt.Errorf("shared string %q out of range", r.val)
		}
		r.text = append(r.text, r.wb.shared[k]...)
	case "b":
		if string(bytes.TrimSpace(r.val)) == "1" {
			r.text = append(r.text, "TRUE"...)
		} else {
			r.text = append(r.text, "FALSE"...)
		}
	default:
		r.text = append(r.text, r.val...)
	}
	for len(r.cells) <= col {
		r.cells = append(r.cells, cellSpan{})
	}
	r.cells[col] = cellSpan{start, len(r.text)}
	return nil
}
