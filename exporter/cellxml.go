package exporter

import (
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Cells are encoded as SpreadsheetML by appending to a byte slice: a list
// sheet of 100,000 customers has millions of cells, and a cell costs about
// a twentieth of what it costs through excelize's stream writer. Text is
// inline (it is never read as a formula, and a user's shared strings stay
// as they are); numbers and dates are numbers.

// colRefs caches column letters ("A", "B", …, "AA", …) by index.
type colRefs []string

func (c *colRefs) of(i int) string {
	for len(*c) <= i {
		*c = append(*c, colName(len(*c)))
	}
	return (*c)[i]
}

// appendCells appends the cells of row r from column first on (nil: no
// cell), each with its column's style and its value passed through fit.
func appendCells(b []byte, refs *colRefs, r, first int, cells []any, styles []int, date1904 bool, fit func(any) any) ([]byte, error) {
	for i, v := range cells {
		if v == nil {
			continue
		}
		var err error
		if b, err = appendCell(b, refs, first+i, r, styles[i], fit(v), date1904); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// appendCell appends cell (col, row) — 0-based column, 1-based row — with
// style and value v (nil: no cell). Values are those the sheets hold:
// text, float64, integers, bool and dates (time.Time).
func appendCell(b []byte, refs *colRefs, col, row, style int, v any, date1904 bool) ([]byte, error) {
	if v == nil {
		return b, nil
	}
	b = append(b, `<c r="`...)
	b = append(b, refs.of(col)...)
	b = strconv.AppendInt(b, int64(row), 10)
	b = append(b, `" s="`...)
	b = strconv.AppendInt(b, int64(style), 10)
	b = append(b, '"')
	switch x := v.(type) {
	case string:
		return appendInlineText(b, x), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("cell %s%d: %v is not a number a workbook can hold", refs.of(col), row, x)
		}
		return appendNumber(b, x), nil
	case int:
		return appendInt(b, int64(x)), nil
	case int64:
		return appendInt(b, x), nil
	case int32:
		return appendInt(b, int64(x)), nil
	case bool:
		b = append(b, ` t="b"><v>`...)
		if x {
			b = append(b, '1')
		} else {
			b = append(b, '0')
		}
		return append(b, `</v></c>`...), nil
	case time.Time:
		serial, ok := excelSerial(x, date1904)
		if !ok { // before the workbook's first date: the date as text
			return appendInlineText(b, x.Format("2006-01-02")), nil
		}
		return appendNumber(b, serial), nil
	}
	return nil, fmt.Errorf("cell %s%d: a value of type %T", refs.of(col), row, v)
}

func appendInt(b []byte, v int64) []byte {
	b = append(b, `><v>`...)
	b = strconv.AppendInt(b, v, 10)
	return append(b, `</v></c>`...)
}

// appendNumber writes v in the shortest form that reads back as the same
// float64: plain decimals, or with an exponent for tiny and huge values
// (a probability of 1e-47 would otherwise take 60 characters).
func appendNumber(b []byte, v float64) []byte {
	b = append(b, `><v>`...)
	if a := math.Abs(v); a != 0 && (a < 1e-5 || a >= 1e15) {
		b = strconv.AppendFloat(b, v, 'E', -1, 64)
	} else {
		b = strconv.AppendFloat(b, v, 'f', -1, 64)
	}
	return append(b, `</v></c>`...)
}

// appendInlineText closes the cell's start tag and writes s as an inline
// string, escaped; spaces at either end are kept (xml:space).
func appendInlineText(b []byte, s string) []byte {
	b = append(b, ` t="inlineStr"><is><t`...)
	if s != "" && (isXMLSpace(s[0]) || isXMLSpace(s[len(s)-1])) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	b = appendEscaped(b, s)
	return append(b, `</t></is></c>`...)
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// appendEscaped escapes what element text cannot hold as it is: markup
// characters, a carriage return (a parser would turn it into a line
// feed) and, as U+FFFD, what is not valid UTF-8 or not allowed in XML 1.0.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '&' && c != '<' && c != '>' {
			i++
			continue
		}
		var esc string
		width := 1
		switch {
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '\r':
			esc = "&#xD;"
		case c == '\n' || c == '\t':
			i++
			continue
		case c < 0x20:
			esc = "\uFFFD"
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			width = n
			if (r != utf8.RuneError || n > 1) && !notXML(r) {
				i += n
				continue
			}
			esc = "\uFFFD"
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += width
		last = i
	}
	return append(b, s[last:]...)
}

// excelSerial is t as a spreadsheet date number: days since the epoch of
// the workbook's date system, with the 1900 system's phantom 29 February
// counted for dates from March 1900 on (as Excel and excelize count it).
// It is false before the first date the system holds.
func excelSerial(t time.Time, date1904 bool) (float64, bool) {
	_, offset := t.Zone()
	t = t.Add(time.Duration(offset) * time.Second).UTC()
	first := time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	if date1904 {
		first = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if t.Before(first) {
		return 0, false
	}
	// whole seconds from Unix times: a Duration spans only 292 years
	secs := t.Unix() - first.Unix()
	serial := float64(secs/86400) + (float64(secs%86400)+float64(t.Nanosecond())/1e9)/86400
	if !date1904 && !t.Before(time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)) {
		serial++
	}
	if serial == 0 {
		return 0, false
	}
	return serial, true
}
