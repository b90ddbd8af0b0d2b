package importer

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"ledgerlens/model"
)

// microDecimals is the working precision of parsed amounts: values are held
// in millionths while a ledger loads, then reduced to the ledger's own number
// of decimals (the most any amount used), which is exact.
const microDecimals = 6

var errEmpty = errors.New("empty")

// trimSpace trims ASCII and Unicode spaces (NBSP, narrow NBSP, ideographic space).
func trimSpace(b []byte) []byte {
	// most values start and end with a printable ASCII byte: nothing to trim
	if len(b) > 0 && b[0] > ' ' && b[0] < utf8.RuneSelf && b[len(b)-1] > ' ' && b[len(b)-1] < utf8.RuneSelf {
		return b
	}
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if !isSpace(r) {
			break
		}
		b = b[n:]
	}
	for len(b) > 0 {
		r, n := utf8.DecodeLastRune(b)
		if !isSpace(r) {
			break
		}
		b = b[:len(b)-n]
	}
	return b
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\r', '\n', '\u00a0', '\u202f', '\u2009', '\u3000':
		return true
	}
	return false
}

// ParseAmount parses a money amount into millionths of a unit and reports how
// many decimals it was written with. It accepts currency signs and codes
// (¥ ￥ $ € £ 元, USD …), thousands separators, a leading or trailing minus,
// accounting parentheses and, with decimalComma, 1.234,56.
func ParseAmount(s []byte, decimalComma bool) (micro int64, decimals int, err error) {
	s = trimSpace(s)
	if len(s) == 0 {
		return 0, 0, errEmpty
	}
	orig := s
	neg := false
	if s[0] == '(' && s[len(s)-1] == ')' {
		neg, s = true, trimSpace(s[1:len(s)-1])
	}
	// Strip signs and currency marks from both ends until only digits remain there.
	for changed := true; changed && len(s) > 0; {
		changed = false
		r, n := utf8.DecodeRune(s)
		switch {
		case r == '-' || r == '−':
			if neg {
				return 0, 0, fmt.Errorf("two minus signs in %q", orig)
			}
			neg, s, changed = true, s[n:], true
		case r == '+':
			s, changed = s[n:], true
		case isCurrency(r):
			s, changed = s[n:], true
		case len(s) >= 3 && isCode(s[:3]):
			s, changed = s[3:], true
		case isSpace(r):
			s, changed = s[n:], true
		}
		if len(s) == 0 {
			break
		}
		r, n = utf8.DecodeLastRune(s)
		switch {
		case r == '-' || r == '−':
			if neg {
				return 0, 0, fmt.Errorf("two minus signs in %q", orig)
			}
			neg, s, changed = true, s[:len(s)-n], true
		case isCurrency(r) || r == '元':
			s, changed = s[:len(s)-n], true
		case len(s) >= 3 && isCode(s[len(s)-3:]):
			s, changed = s[:len(s)-3], true
		case isSpace(r):
			s, changed = s[:len(s)-n], true
		}
	}
	if len(s) == 0 {
		return 0, 0, fmt.Errorf("no digits in %q", orig)
	}
	dec, group := byte('.'), byte(',')
	if decimalComma {
		dec, group = ',', '.'
	}
	var whole, frac uint64
	var nfrac, ndigits int
	seenDec, seenExp := false, false
	groupLen := -1 // digits since the last group separator; -1 before any
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			ndigits++
			if seenDec {
				if nfrac < 18 {
					frac = frac*10 + uint64(c-'0')
					nfrac++
				}
				continue
			}
			if whole > (math.MaxInt64/1_000_000-9)/10 {
				return 0, 0, fmt.Errorf("amount %q is too large", orig)
			}
			whole = whole*10 + uint64(c-'0')
			if groupLen >= 0 {
				groupLen++
			}
		case c == dec && !seenDec:
			if groupLen >= 0 && groupLen != 3 {
				return 0, 0, fmt.Errorf("misplaced thousands separator in %q", orig)
			}
			seenDec = true
		case (c == group || c == '\'' || c == ' ') && !seenDec:
			if ndigits == 0 || (groupLen >= 0 && groupLen != 3) {
				return 0, 0, fmt.Errorf("misplaced thousands separator in %q", orig)
			}
			groupLen = 0
		case (c == 'e' || c == 'E') && ndigits > 0:
			seenExp = true
		default:
			if r, _ := utf8.DecodeRune(s[i:]); isSpace(r) && !seenDec {
				if ndigits == 0 || (groupLen >= 0 && groupLen != 3) {
					return 0, 0, fmt.Errorf("misplaced thousands separator in %q", orig)
				}
				_, n := utf8.DecodeRune(s[i:])
				i += n - 1
				groupLen = 0
				continue
			}
			if !seenExp {
				return 0, 0, fmt.Errorf("not a number: %q", orig)
			}
		}
		if seenExp {
			break
		}
	}
	if seenExp {
		// Scientific notation (Excel writes very small or large numbers so):
		// go through a float, rounded to the working precision.
		f, perr := strconv.ParseFloat(string(s), 64)
		if perr != nil || math.Abs(f) > math.MaxInt64/1e6 {
			return 0, 0, fmt.Errorf("not a number: %q", orig)
		}
		m := int64(math.Round(f * 1e6))
		if neg {
			m = -m
		}
		return m, decimalsOf(m), nil
	}
	if ndigits == 0 {
		return 0, 0, fmt.Errorf("no digits in %q", orig)
	}
	if groupLen >= 0 && groupLen != 3 && !seenDec {
		if decimalComma {
			return 0, 0, fmt.Errorf("misplaced thousands separator in %q", orig)
		}
		return 0, 0, fmt.Errorf("misplaced thousands separator in %q (decimal comma? use --decimal-comma)", orig)
	}
	decimals = nfrac
	// Round half away from zero to the working precision.
	for nfrac > microDecimals {
		last := frac % 10
		frac /= 10
		nfrac--
		if nfrac == microDecimals && last >= 5 {
			frac++
		}
	}
	for ; nfrac < microDecimals; nfrac++ {
		frac *= 10
	}
	micro = int64(whole*1e6 + frac)
	if neg {
		micro = -micro
	}
	return micro, min(decimals, microDecimals), nil
}

// decimalsOf returns how many of the six micro decimals of m are significant.
func decimalsOf(m int64) int {
	if m < 0 {
		m = -m
	}
	d := microDecimals
	for d > 0 && m%10 == 0 {
		m /= 10
		d--
	}
	return d
}

func isCurrency(r rune) bool {
	switch r {
	case '¥', '￥', '$', '€', '£', '₩', '₹':
		return true
	}
	return false
}

func isCode(b []byte) bool {
	switch string(b) {
	case "USD", "EUR", "GBP", "CNY", "RMB", "JPY", "HKD", "AUD", "CAD", "CHF":
		return true
	}
	return false
}

// DateOrder says how to read dates such as 03/04/2024.
type DateOrder int

const (
	OrderAuto DateOrder = iota // decide per column from the data
	OrderDMY
	OrderMDY
	OrderYMD
)

// ParseDateOrder reads a --date-order value.
func ParseDateOrder(s string) (DateOrder, error) {
	switch s {
	case "", "auto":
		return OrderAuto, nil
	case "dmy":
		return OrderDMY, nil
	case "mdy":
		return OrderMDY, nil
	case "ymd":
		return OrderYMD, nil
	}
	return OrderAuto, fmt.Errorf("--date-order %q: want ymd, dmy or mdy", s)
}

// A parsed date is either final or, for forms like 03/04/2024 whose order the
// value alone cannot tell, pending: the two leading fields are kept as written
// and resolved once the column's order is known.
type dateVal struct {
	day     model.Day
	pending bool
	y, p, q int // pending: year and the first and second fields as written
}

var monthNames = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

// parseDate parses a date with an optional time of day. allowSerial accepts
// Excel serial numbers (from xlsx cells); date1904 selects the 1904 system.
func parseDate(s []byte, order DateOrder, allowSerial, date1904 bool) (dateVal, error) {
	s = trimSpace(s)
	if len(s) == 0 {
		return dateVal{}, errEmpty
	}
	if allowSerial {
		if v, ok := parseSerial(s, date1904); ok {
			return dateVal{day: v}, nil
		}
	}
	if y, m, d, ok := isoDate(s); ok { // the common form, without the general scan
		if !model.ValidCivil(y, m, d) || y < 1900 || y > 2200 {
			return dateVal{}, fmt.Errorf("not a calendar date: %q", s)
		}
		return dateVal{day: model.DayFromCivil(y, m, d)}, nil
	}
	return scanDate(s, order)
}

// scanDate reads the date forms parseDate accepts from trimmed, non-empty s.
func scanDate(s []byte, order DateOrder) (dateVal, error) {
	f, rest, err := dateFields(s)
	if err != nil {
		return dateVal{}, err
	}
	if !isTimeRest(rest) {
		return dateVal{}, fmt.Errorf("not a date: %q", s)
	}
	bad := func() (dateVal, error) { return dateVal{}, fmt.Errorf("not a calendar date: %q", s) }
	final := func(y, m, d int) (dateVal, error) {
		if !model.ValidCivil(y, m, d) || y < 1900 || y > 2200 {
			return bad()
		}
		return dateVal{day: model.DayFromCivil(y, m, d)}, nil
	}
	switch {
	case f.month > 0: // a month name fixes the order
		return final(fixYear(f.n[2], f.w[2]), f.month, f.n[0])
	case f.count == 1 && f.w[0] == 8: // YYYYMMDD
		v := f.n[0]
		return final(v/10000, v/100%100, v%100)
	case f.count != 3:
		return dateVal{}, fmt.Errorf("not a date: %q", s)
	case f.w[0] == 4 || order == OrderYMD: // year first
		return final(fixYear(f.n[0], f.w[0]), f.n[1], f.n[2])
	}
	if f.w[2] != 4 && f.w[2] != 2 {
		return dateVal{}, fmt.Errorf("not a date: %q", s)
	}
	y, p, q := fixYear(f.n[2], f.w[2]), f.n[0], f.n[1]
	switch order {
	case OrderDMY:
		return final(y, q, p)
	case OrderMDY:
		return final(y, p, q)
	}
	if p < 1 || q < 1 || p > 31 || q > 31 || (p > 12 && q > 12) {
		return bad()
	}
	return dateVal{pending: true, y: y, p: p, q: q}, nil
}

// isoDate reads exactly YYYY-MM-DD, which the general scan reads as year,
// month and day too.
func isoDate(s []byte) (y, m, d int, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	v := 0
	for i, c := range s {
		if i == 4 || i == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return 0, 0, 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v / 10000, v / 100 % 100, v % 100, true
}

// resolve turns a pending date into a day under the given order.
func (v dateVal) resolve(order DateOrder) (model.Day, bool) {
	if !v.pending {
		return v.day, true
	}
	m, d := v.p, v.q
	if order == OrderDMY {
		m, d = v.q, v.p
	}
	if !model.ValidCivil(v.y, m, d) {
		return model.NoDay, false
	}
	return model.DayFromCivil(v.y, m, d), true
}

func fixYear(y, width int) int {
	if width == 2 {
		if y < 70 {
			return 2000 + y
		}
		return 1900 + y
	}
	return y
}

type fields struct {
	n     [3]int
	w     [3]int // digit counts
	count int
	month int // from a month name, 0 if none
}

// dateFields splits the date part of s into three fields separated by
// - / . space , or 年 月 日: numbers, or an English month name (which fixes
// the order: "5 Mar 2024", "Mar 5, 2024", "05-Mar-24"). A single 8-digit field
// is YYYYMMDD. rest is what follows the date (a time of day, or junk).
func dateFields(s []byte) (f fields, rest []byte, err error) {
	type tok struct{ v, w, month int }
	var toks [3]tok
	nt, i := 0, 0
loop:
	for nt < 3 && i < len(s) {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			j, v := i, 0
			for j < len(s) && s[j] >= '0' && s[j] <= '9' && j-i < 9 {
				v = v*10 + int(s[j]-'0')
				j++
			}
			toks[nt] = tok{v: v, w: j - i}
			i = j
		case (c|0x20) >= 'a' && (c|0x20) <= 'z' && i+3 <= len(s):
			m, ok := monthNames[lower3(s[i:i+3])]
			if !ok {
				return f, s[i:], fmt.Errorf("not a date: %q", s)
			}
			toks[nt] = tok{month: m}
			for i += 3; i < len(s) && ((s[i]|0x20) >= 'a' && (s[i]|0x20) <= 'z'); i++ {
			}
		default:
			return f, s[i:], fmt.Errorf("not a date: %q", s)
		}
		nt++
		if nt == 1 && toks[0].w == 8 {
			break // YYYYMMDD
		}
		// one separator (plus spaces after it); 日 ends the date
		if i < len(s) {
			r, n := utf8.DecodeRune(s[i:])
			switch r {
			case '日':
				i += n
				break loop
			case '-', '/', '.', ' ', ',', '年', '月':
				if nt < 3 {
					i += n
					for i < len(s) && (s[i] == ' ' || s[i] == ',' || s[i] == '.') {
						i++
					}
				}
			default:
				if nt < 3 {
					return f, s[i:], fmt.Errorf("not a date: %q", s)
				}
			}
		}
	}
	rest = s[i:]
	if nt == 1 && toks[0].w == 8 {
		f.n[0], f.w[0], f.count = toks[0].v, 8, 1
		return f, rest, nil
	}
	if nt != 3 {
		return f, rest, fmt.Errorf("not a date: %q", s)
	}
	switch {
	case toks[0].month > 0 && toks[1].month == 0 && toks[2].month == 0: // Mar 5, 2024
		f.month, f.n[0], f.w[0], f.n[2], f.w[2] = toks[0].month, toks[1].v, toks[1].w, toks[2].v, toks[2].w
	case toks[1].month > 0 && toks[0].month == 0 && toks[2].month == 0: // 5 Mar 2024
		f.month, f.n[0], f.w[0], f.n[2], f.w[2] = toks[1].month, toks[0].v, toks[0].w, toks[2].v, toks[2].w
	case toks[0].month == 0 && toks[1].month == 0 && toks[2].month == 0:
		for k := 0; k < 3; k++ {
			f.n[k], f.w[k] = toks[k].v, toks[k].w
		}
	default:
		return f, rest, fmt.Errorf("not a date: %q", s)
	}
	f.count = 3
	return f, rest, nil
}

func lower3(b []byte) string {
	var x [3]byte
	for i := 0; i < 3; i++ {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		x[i] = c
	}
	return string(x[:])
}

// isTimeRest reports whether what follows a date is empty or a time of day.
func isTimeRest(b []byte) bool {
	b = trimSpace(b)
	if len(b) == 0 {
		return true
	}
	if b[0] == 'T' {
		b = b[1:]
	}
	if len(b) == 0 || b[0] < '0' || b[0] > '9' {
		return false
	}
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9', c == ':', c == '.', c == ' ', c == 'Z', c == '+', c == '-',
			c == 'A', c == 'P', c == 'M', c == 'a', c == 'p', c == 'm':
		default:
			return false
		}
	}
	return true
}

// parseSerial reads an Excel serial date such as 40153.4375.
func parseSerial(s []byte, date1904 bool) (model.Day, bool) {
	whole, digits := 0, 0
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		whole = whole*10 + int(s[i]-'0')
		digits++
	}
	if digits == 0 || digits > 7 || digits == 8 {
		return model.NoDay, false
	}
	if i < len(s) {
		if s[i] != '.' {
			return model.NoDay, false
		}
		for i++; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return model.NoDay, false
			}
		}
	}
	if whole < 1 || whole > 2958465 {
		return model.NoDay, false
	}
	return SerialToDay(whole, date1904), true
}

// SerialToDay converts an Excel serial day number to a Day. In the 1900 system
// Excel counts the non-existent 1900-02-29 (serial 60), so later serials are
// offset from 1899-12-30 and earlier ones from 1899-12-31.
func SerialToDay(serial int, date1904 bool) model.Day {
	if date1904 {
		return model.DayFromCivil(1904, 1, 1) + model.Day(serial)
	}
	if serial < 60 {
		return model.DayFromCivil(1899, 12, 31) + model.Day(serial)
	}
	return model.DayFromCivil(1899, 12, 30) + model.Day(serial)
}
