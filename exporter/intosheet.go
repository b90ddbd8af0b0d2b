package exporter

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"ledgerlens/importer"
	"ledgerlens/model"
)

// A user's sheet gets its new cells by rewriting its XML as a stream: the
// rows pass through byte for byte, and the new cells go in before each
// </row>. Opening the sheet with excelize instead costs about 1.4 KB of
// memory a cell (a 500,000-row ledger would need gigabytes) and rewrites
// every cell of theirs.

// sheetEdit is what one sheet gets: a header and one row of values per
// matched data row, from column first on.
type sheetEdit struct {
	first, n  int
	headerRow int
	idCol     int
	headers   []string
	row       map[int]int // sheet row → index into cust
	cells     func(k int) []any
	styles    []int // per new column: its style
	date1904  bool
	wd        widths
	fit       func(any) any
	refs      colRefs // column letters
	buf       []byte  // a row's cells, reused
}

// sheetEdit prepares the edit of table tb of the user's workbook.
func (w *wbWriter) sheetEdit(tb importer.TargetTable, cust []int32, fields []model.Field, date1904 bool) *sheetEdit {
	a := w.a
	e := &sheetEdit{first: tb.Width, n: len(fields), headerRow: tb.HeaderRow, idCol: tb.IDColumn,
		row: make(map[int]int, len(tb.Rows)), date1904: date1904, wd: make(widths, len(fields)), fit: w.fit}
	for i, f := range fields {
		e.headers = append(e.headers, f.Label)
		e.styles = append(e.styles, w.st.of(kindOf(f.Kind)))
		e.wd.see(i, f.Label)
	}
	for k, r := range tb.Rows {
		if cust[k] >= 0 {
			e.row[r.Row] = k
		}
	}
	e.cells = func(k int) []any {
		out := make([]any, len(fields))
		for i, f := range fields {
			out[i] = sheetCell(cellOf(f.Get(a, int(cust[k])), f.Kind, a.Decimals), kindOf(f.Kind), a.Decimals)
		}
		return out
	}
	for k := 0; k < min(len(tb.Rows), 500); k++ { // widths from a sample
		if cust[k] >= 0 {
			for i, v := range e.cells(k) {
				e.wd.see(i, v)
			}
		}
	}
	return e
}

var (
	attrRe  = regexp.MustCompile(`\s([A-Za-z_:][-\w.:]*)\s*=\s*("[^"]*"|'[^']*')`)
	spansRe = regexp.MustCompile(`\sspans\s*=\s*("[^"]*"|'[^']*')`)
)

// tagAttr returns attribute name of a tag ("" when absent).
func tagAttr(tag []byte, name string) string {
	for _, m := range attrRe.FindAllSubmatch(tag, -1) {
		n := string(m[1])
		if i := strings.IndexByte(n, ':'); i >= 0 && n[:i] != "xml" {
			n = n[i+1:]
		}
		if n == name {
			return string(m[2][1 : len(m[2])-1])
		}
	}
	return ""
}

// tagName is a tag's local name with a leading "/" for an end tag.
func tagName(tag []byte) string {
	s := tag[1:] // after '<'
	end := bytes.IndexAny(s, " \t\r\n/>")
	if len(s) > 0 && s[0] == '/' {
		end = bytes.IndexAny(s[1:], " \t\r\n>") + 1
	}
	if end <= 0 {
		return ""
	}
	name := string(s[:end])
	slash := ""
	if strings.HasPrefix(name, "/") {
		slash, name = "/", name[1:]
	}
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	return slash + name
}

// apply copies the sheet XML from src to dst with the edit made.
func (e *sheetEdit) apply(dst io.Writer, src io.Reader) error {
	br := bufio.NewReaderSize(src, 1<<16)
	bw := bufio.NewWriterSize(dst, 1<<16)
	var tag []byte
	row, col := 0, -1
	headStyle := 0
	colsSeen, overlap := false, false
	for {
		text, err := br.ReadSlice('<')
		if err == bufio.ErrBufferFull {
			bw.Write(text)
			continue
		}
		if err == io.EOF {
			bw.Write(text)
			break
		}
		if err != nil {
			return err
		}
		bw.Write(text[:len(text)-1])
		// the tag, to its '>' outside quotes
		tag = append(tag[:0], '<')
		var quote byte
		for {
			c, err := br.ReadByte()
			if err != nil {
				return fmt.Errorf("sheet XML ends inside a tag: %w", err)
			}
			tag = append(tag, c)
			if quote != 0 {
				if c == quote {
					quote = 0
				}
				continue
			}
			if c == '"' || c == '\'' {
				quote = c
			} else if c == '>' {
				break
			}
		}
		selfClosing := bytes.HasSuffix(tag, []byte("/>"))
		switch tagName(tag) {
		case "dimension":
			tag = e.dimension(tag)
		case "cols":
			colsSeen = true
			overlap = overlap || selfClosing // no room inside <cols/>: leave the widths
		case "col":
			lo, _ := strconv.Atoi(tagAttr(tag, "min"))
			hi, _ := strconv.Atoi(tagAttr(tag, "max"))
			overlap = overlap || (hi >= e.first+1 && lo <= e.first+e.n)
		case "/cols":
			if !overlap {
				e.writeCols(bw)
			}
		case "sheetData":
			if !colsSeen {
				bw.WriteString("<cols>")
				e.writeCols(bw)
				bw.WriteString("</cols>")
			}
		case "row":
			row++
			if r, err := strconv.Atoi(tagAttr(tag, "r")); err == nil {
				row = r
			}
			col = -1
			if !e.wants(row) {
				break
			}
			tag = spansRe.ReplaceAll(tag, nil) // spans are a hint; ours would fall outside them
			if selfClosing {
				bw.Write(bytes.TrimSuffix(bytes.TrimSuffix(tag, []byte("/>")), []byte(" ")))
				bw.WriteString(">")
				if err := e.writeRow(bw, row, headStyle); err != nil {
					return err
				}
				bw.WriteString("</row>")
				continue
			}
		case "c":
			if row != e.headerRow {
				break // only the header's id cell is looked at: its style
			}
			col++
			if c, _, err := excelize.CellNameToCoordinates(tagAttr(tag, "r")); err == nil {
				col = c - 1
			}
			if col == e.idCol {
				headStyle, _ = strconv.Atoi(tagAttr(tag, "s"))
			}
		case "/row":
			if e.wants(row) {
				if err := e.writeRow(bw, row, headStyle); err != nil {
					return err
				}
			}
		}
		bw.Write(tag)
	}
	return bw.Flush()
}

func (e *sheetEdit) wants(row int) bool {
	_, ok := e.row[row]
	return ok || row == e.headerRow
}

// dimension widens the sheet's used range over the new columns.
func (e *sheetEdit) dimension(tag []byte) []byte {
	ref := tagAttr(tag, "ref")
	lo, hi, ok := strings.Cut(ref, ":")
	if !ok {
		hi = lo
	}
	c, r, err := excelize.CellNameToCoordinates(hi)
	if err != nil {
		return tag
	}
	widened := lo + ":" + cellName(max(c-1, e.first+e.n-1), r)
	return bytes.Replace(tag, []byte(`"`+ref+`"`), []byte(`"`+widened+`"`), 1)
}

func (e *sheetEdit) writeCols(bw *bufio.Writer) {
	for i := 0; i < e.n; i++ {
		fmt.Fprintf(bw, `<col min="%d" max="%d" width="%s" customWidth="1"/>`, e.first+i+1, e.first+i+1,
			strconv.FormatFloat(e.wd.width(i), 'f', 2, 64))
	}
}

// writeRow writes the new cells of one row: the header, or a customer's
// values (an empty value is no cell).
func (e *sheetEdit) writeRow(bw *bufio.Writer, row, headStyle int) error {
	var err error
	b := e.buf[:0]
	if row == e.headerRow {
		for i, h := range e.headers {
			if b, err = appendCell(b, &e.refs, e.first+i, row, headStyle, h, e.date1904); err != nil {
				return err
			}
		}
	} else if b, err = appendCells(b, &e.refs, row, e.first, e.cells(e.row[row]), e.styles, e.date1904, e.fit); err != nil {
		return err
	}
	e.buf = b
	_, err = bw.Write(b)
	return err
}
