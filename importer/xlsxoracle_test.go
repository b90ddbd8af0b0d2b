package importer

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// xmlRows is the sheet reader built on encoding/xml's tokenizer that
// sheetScanner replaced, kept as the oracle of its tests: rows in file order.
type xmlRows struct {
	wb    *xlsxBook
	rc    io.ReadCloser
	d     *xml.Decoder
	rows  int // rows returned
	total int // rows the sheet's dimension announces (0 if unknown)
	last  int // row number of the last row
	cells []string
	rec   [][]byte
}

func (wb *xlsxBook) xmlRows(s xlsxSheet) (*xmlRows, error) {
	rc, err := wb.part(s.part, maxPartBytes)
	if err != nil {
		return nil, err
	}
	d := xml.NewDecoder(rc)
	d.Strict = false
	return &xmlRows{wb: wb, rc: rc, d: d}, nil
}

func (r *xmlRows) Close() error { return r.rc.Close() }

// next returns the next row's cells (by column) and its own row number;
// io.EOF after the last.
func (r *xmlRows) next() ([][]byte, int, error) {
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
			if ref := xmlAttr(st, "ref"); ref != "" {
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

func xmlAttr(st xml.StartElement, name string) string {
	for _, a := range st.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (r *xmlRows) readRow(st xml.StartElement) ([][]byte, int, error) {
	num := r.last + 1
	if v := xmlAttr(st, "r"); v != "" {
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
	typ, inV, inIS, inT, skip := "", false, false, false, 0
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
				if ref := xmlAttr(t, "r"); ref != "" {
					c, _, ok := splitRef(ref)
					if !ok || c < 0 {
						return nil, num, fmt.Errorf("row %d: cell reference %q", num, ref)
					}
					col = c
				}
				if col >= maxSheetCols {
					return nil, num, fmt.Errorf("row %d: more columns than Excel's 16,384: refused", num)
				}
				typ = xmlAttr(t, "t")
				val.Reset()
			case "v":
				inV = true
			case "is":
				inIS = true
			case "rPh": // a phonetic guide is not the cell's text (as excelize reads it)
				skip++
			case "t":
				inT = inIS && skip == 0
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
			case "rPh":
				skip = max(0, skip-1)
			case "t":
				inT = false
			case "c":
				if col < 0 {
					continue // an end tag without its start: nothing to keep
				}
				v, err := cellValue(r.wb, typ, val.String())
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

// cellValue is the oracle's cell value: shared and inline strings as
// text, numbers as written, booleans as TRUE/FALSE.
func cellValue(wb *xlsxBook, typ, v string) (string, error) {
	switch typ {
	case "s":
		k, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || k < 0 || k >= len(wb.shared) {
			return "", fmt.Errorf("shared string %q out of range", v)
		}
		return wb.shared[k], nil
	case "b":
		if strings.TrimSpace(v) == "1" {
			return "TRUE", nil
		}
		return "FALSE", nil
	}
	return v, nil
}
