package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// sheetScanner reads a worksheet part as the few XML tokens its rows need,
// straight from the decompressed bytes: start and end tags by local name
// (a prefix such as x: dropped) with their raw attributes, and the text
// between tags, decoded only when asked for (the five predefined entities,
// character references, CDATA, line ends normalised as XML does).
// Comments, processing instructions and declarations are skipped.
// encoding/xml's tokenizer, which it replaced, allocated for every tag and
// attribute and spent three quarters of a large workbook's load; it is kept
// as the tests' oracle.
type sheetScanner struct {
	r        io.Reader
	buf      []byte
	pos, end int
	eof      bool

	kind    tokKind
	name    []byte // local name of a start or end tag
	attrs   []byte // a start tag's attributes, raw
	raw     []byte // a text token, raw
	cdata   bool   // raw is a CDATA section (no entities)
	closing bool   // the start tag was self-closing: its end tag comes next
	dec     []byte // decoded text
}

type tokKind int

const (
	tokStart tokKind = iota + 1
	tokEnd
	tokText
)

// scanChunk is how much is read from the part at a time. A token longer
// than what the buffer holds grows it, up to maxToken: a longer tag,
// comment or CDATA section (which can hold '<', so the part's limit on
// text runs does not bound them) is refused rather than held.
const (
	scanChunk = 256 << 10
	maxToken  = 2 * maxTextRun
)

var errLongToken = fmt.Errorf("a tag, comment or CDATA section longer than %d MiB: refused", maxToken>>20)

func newSheetScanner(r io.Reader) *sheetScanner {
	return &sheetScanner{r: r, buf: make([]byte, scanChunk)}
}

// fill reads more of the part, keeping buf[pos:end]; false at the end of
// the part.
func (s *sheetScanner) fill() (bool, error) {
	if s.eof {
		return false, nil
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) { // one token fills the buffer
		if len(s.buf) >= maxToken {
			return false, errLongToken
		}
		s.buf = append(s.buf, make([]byte, len(s.buf))...)
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
			return n > 0, nil
		}
		if err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
}

// findFrom returns the index (from pos) of sep at or after offset from,
// reading more as needed; -1 at the end of the part.
func (s *sheetScanner) findFrom(from int, sep []byte) (int, error) {
	for {
		if i := bytes.Index(s.buf[s.pos+from:s.end], sep); i >= 0 {
			return from + i, nil
		}
		from = max(0, s.end-s.pos-len(sep)+1)
		more, err := s.fill()
		if err != nil {
			return -1, err
		}
		if !more {
			return -1, nil
		}
	}
}

// tagEnd returns the index (from pos) of the '>' closing the tag at pos,
// skipping quoted attribute values; -1 at the end of the part.
func (s *sheetScanner) tagEnd() (int, error) {
	for {
		seg := s.buf[s.pos:s.end]
		var quote byte
		for i := 1; i < len(seg); i++ {
			switch c := seg[i]; {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '>':
				return i, nil
			case c == '"' || c == '\'':
				quote = c
			}
		}
		// not within what is read: read more and look again
		more, err := s.fill()
		if err != nil {
			return -1, err
		}
		if !more {
			return -1, nil
		}
	}
}

var errUnexpectedEOF = errors.New("unexpected end of the sheet inside a tag")

// next moves to the next token; io.EOF after the last.
func (s *sheetScanner) next() error {
	if s.closing {
		s.closing, s.kind = false, tokEnd
		return nil
	}
	for {
		if s.pos >= s.end {
			more, err := s.fill()
			if err != nil {
				return err
			}
			if !more {
				return io.EOF
			}
		}
		if s.buf[s.pos] != '<' {
			i, err := s.findFrom(0, []byte{'<'})
			if err != nil {
				return err
			}
			if i < 0 {
				i = s.end - s.pos
			}
			s.kind, s.raw, s.cdata = tokText, s.buf[s.pos:s.pos+i], false
			s.pos += i
			return nil
		}
		if s.pos+1 >= s.end {
			if more, err := s.fill(); err != nil {
				return err
			} else if !more {
				return errUnexpectedEOF
			}
		}
		switch s.buf[s.pos+1] {
		case '?': // a processing instruction
			i, err := s.findFrom(2, []byte("?>"))
			if err != nil {
				return err
			}
			if i < 0 {
				return errUnexpectedEOF
			}
			s.pos += i + 2
			continue
		case '!':
			text, err := s.declaration()
			if err != nil || text {
				return err
			}
			continue // a comment or declaration: skipped, without recursion
		}
		i, err := s.tagEnd()
		if err != nil {
			return err
		}
		if i < 0 {
			return errUnexpectedEOF
		}
		tag := s.buf[s.pos+1 : s.pos+i]
		s.pos += i + 1
		if len(tag) > 0 && tag[0] == '/' {
			s.kind, s.name = tokEnd, localName(bytes.TrimSpace(tag[1:]))
			return nil
		}
		if n := len(tag); n > 0 && tag[n-1] == '/' {
			tag, s.closing = tag[:n-1], true
		}
		n := 0
		for n < len(tag) && !isXMLSpace(tag[n]) {
			n++
		}
		s.kind, s.name, s.attrs = tokStart, localName(tag[:n]), tag[n:]
		return nil
	}
}

// declaration handles "<!": a comment or declaration is skipped, a CDATA
// section becomes a text token (text true).
func (s *sheetScanner) declaration() (text bool, err error) {
	for s.end-s.pos < 9 {
		if more, err := s.fill(); err != nil {
			return false, err
		} else if !more {
			break
		}
	}
	rest := s.buf[s.pos:s.end]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		i, err := s.findFrom(4, []byte("-->"))
		if err != nil {
			return false, err
		}
		if i < 0 {
			return false, errUnexpectedEOF
		}
		s.pos += i + 3
		return false, nil
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		i, err := s.findFrom(9, []byte("]]>"))
		if err != nil {
			return false, err
		}
		if i < 0 {
			return false, errUnexpectedEOF
		}
		s.kind, s.raw, s.cdata = tokText, s.buf[s.pos+9:s.pos+i], true
		s.pos += i + 3
		return true, nil
	}
	// a directive (<!DOCTYPE …>) skipped as encoding/xml skips it: to the
	// '>' outside quotes and nested '<' … '>', comments inside left out;
	// like it, the first character after "<!" opens no quote
	var quote byte
	depth := 0
	for i := 3; ; i++ {
		for s.pos+i >= s.end {
			more, err := s.fill()
			if err != nil {
				return false, err
			}
			if !more {
				return false, errUnexpectedEOF
			}
		}
		switch c := s.buf[s.pos+i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '>' && depth == 0:
			s.pos += i + 1
			return false, nil
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			depth--
		case c == '<':
			if s.end-s.pos-i < 4 {
				if _, err := s.fill(); err != nil {
					return false, err
				}
			}
			if bytes.HasPrefix(s.buf[s.pos+i:s.end], []byte("<!--")) {
				j, err := s.findFrom(i+4, []byte("-->"))
				if err != nil {
					return false, err
				}
				if j < 0 {
					return false, errUnexpectedEOF
				}
				i = j + 2
				continue
			}
			depth++
		}
	}
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// localName drops a namespace prefix as encoding/xml does: only where one
// colon has a name on each side.
func localName(b []byte) []byte {
	if i := bytes.IndexByte(b, ':'); i > 0 && i < len(b)-1 {
		return b[i+1:]
	}
	return b
}

// attr returns the value of the current start tag's attribute with this
// local name, decoded; empty when absent. It is valid until the next token.
func (s *sheetScanner) attr(name string) ([]byte, error) {
	a := s.attrs
	for {
		a = trimXMLSpace(a)
		if len(a) == 0 {
			return nil, nil
		}
		n := 0
		for n < len(a) && a[n] != '=' && !isXMLSpace(a[n]) {
			n++
		}
		key := localName(a[:n])
		a = trimXMLSpace(a[n:])
		if len(a) == 0 || a[0] != '=' { // a name without a value: when not
			if string(key) == name { // strict, encoding/xml gives it its name
				return key, nil
			}
			continue
		}
		a = trimXMLSpace(a[1:])
		var val []byte
		if len(a) > 0 && (a[0] == '"' || a[0] == '\'') {
			end := bytes.IndexByte(a[1:], a[0])
			if end < 0 {
				end = len(a) - 1
			}
			val, a = a[1:1+end], a[min(len(a), end+2):]
		} else { // unquoted, as encoding/xml takes it when not strict
			end := 0
			for end < len(a) && !isXMLSpace(a[end]) {
				end++
			}
			val, a = a[:end], a[end:]
		}
		if string(key) == name {
			if bytes.IndexByte(val, '&') < 0 {
				return val, nil
			}
			return decodeXMLText(nil, val, false, true)
		}
	}
}

func trimXMLSpace(b []byte) []byte {
	for len(b) > 0 && isXMLSpace(b[0]) {
		b = b[1:]
	}
	return b
}

// text returns the current text token decoded.
func (s *sheetScanner) text() ([]byte, error) {
	entities := !s.cdata && bytes.IndexByte(s.raw, '&') >= 0
	if !entities && bytes.IndexByte(s.raw, '\r') < 0 {
		if err := checkChars(s.raw); err != nil {
			return nil, err
		}
		return s.raw, nil
	}
	var err error
	s.dec, err = decodeXMLText(s.dec[:0], s.raw, true, entities)
	return s.dec, err
}

// decodeXMLText appends raw with entities and character references decoded
// (with entities; CDATA has none) and, with lines, "\r\n" and "\r" made
// "\n", as encoding/xml decodes text when not strict: an unknown or
// unterminated entity stays as written, a character XML does not allow is
// an error.
func decodeXMLText(dst, raw []byte, lines, entities bool) ([]byte, error) {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\r' && lines:
			dst = append(dst, '\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			continue
		case c != '&' || !entities:
			if c < 0x20 && !xmlChar(rune(c)) {
				return nil, fmt.Errorf("illegal character code U+%04X", c)
			}
			dst = append(dst, c)
			continue
		}
		// an entity is short: looking further for its ';' would make a run
		// of '&' quadratic (a longer one stays as written either way)
		semi := bytes.IndexByte(raw[i:min(len(raw), i+maxEntity)], ';')
		if semi < 0 {
			dst = append(dst, c)
			continue
		}
		ent := raw[i+1 : i+semi]
		var r rune = -1
		switch string(ent) {
		case "lt":
			r = '<'
		case "gt":
			r = '>'
		case "amp":
			r = '&'
		case "apos":
			r = '\''
		case "quot":
			r = '"'
		default:
			if len(ent) > 1 && ent[0] == '#' {
				var n uint64
				var err error
				if ent[1] == 'x' {
					n, err = strconv.ParseUint(string(ent[2:]), 16, 32)
				} else {
					n, err = strconv.ParseUint(string(ent[1:]), 10, 32)
				}
				if err == nil && n <= utf8.MaxRune {
					r = rune(n)
					if !xmlChar(r) {
						return nil, fmt.Errorf("illegal character code U+%04X", r)
					}
				}
			}
		}
		if r < 0 || !validName(ent) {
			dst = append(dst, c)
			continue
		}
		dst = utf8.AppendRune(dst, r)
		i += semi
	}
	return dst, nil
}

// maxEntity bounds the length of an entity reference, '&' to ';'.
const maxEntity = 64

// validName says whether an entity's text could be an entity: encoding/xml
// leaves "& x;" and similar as written.
func validName(ent []byte) bool {
	if len(ent) == 0 {
		return false
	}
	for _, c := range ent {
		if isXMLSpace(c) || c == '&' || c == '<' {
			return false
		}
	}
	return true
}

// xmlChar says whether XML allows the character (surrogates are taken,
// as encoding/xml takes them, and become U+FFFD).
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// checkChars refuses control characters XML does not allow in text.
func checkChars(b []byte) error {
	for _, c := range b {
		if c < 0x20 && !xmlChar(rune(c)) {
			return fmt.Errorf("illegal character code U+%04X", c)
		}
	}
	return nil
}
