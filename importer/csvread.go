package importer

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// csvReader splits delimited text into records. It is written by hand rather
// than with encoding/csv because ledgers also come whitespace-aligned (CDNOW)
// and because it returns fields as slices of one reused buffer: no allocation
// per field, which is most of the cost of loading a million rows.
// It handles quoted fields, "" escapes and newlines inside quotes.
type csvReader struct {
	r      *bufio.Reader
	delim  byte   // 0: runs of spaces and tabs
	buf    []byte // the current record
	own    []byte // storage for records that do not fit bufio's buffer
	offs   []int  // start, end pairs into buf
	fields [][]byte
	quoted bool // split every line the general way (the tests' comparison for splitPlain)
	line   int  // physical line of the next record (1-based)
	recLn  int  // physical line where the last record started
}

// errUnterminated reports a quoted field that runs to the end of the file.
var errUnterminated = errors.New("quoted field not closed before the end of the file")

// Limits on one record: a ledger line is short, and a hostile one (a 200 MB
// line of commas, /dev/zero) must not take the memory with it.
const (
	maxRecordBytes  = 16 << 20
	maxRecordFields = 16384
)

var (
	errLongRecord = fmt.Errorf("a record longer than %d MiB: refused", maxRecordBytes>>20)
	errManyFields = fmt.Errorf("a record with more than %d fields: refused", maxRecordFields)
)

func newCSVReader(r *bufio.Reader, delim byte) *csvReader {
	return &csvReader{r: r, delim: delim, line: 1}
}

// readLine appends the next physical line (without its line ending) to c.buf.
func (c *csvReader) readLine() (bool, error) {
	start := len(c.buf)
	for {
		chunk, err := c.r.ReadSlice('\n')
		if len(c.buf)+len(chunk) > maxRecordBytes {
			return false, errLongRecord
		}
		c.buf = append(c.buf, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if len(c.buf) == start && err != nil {
			if err == io.EOF {
				return false, nil
			}
			return false, err
		}
		if err != nil && err != io.EOF {
			return false, err
		}
		break
	}
	c.line++
	n := len(c.buf)
	if n > start && c.buf[n-1] == '\n' {
		n--
	}
	if n > start && c.buf[n-1] == '\r' {
		n--
	}
	c.buf = c.buf[:n]
	return true, nil
}

// Read returns the next record; io.EOF at the end. Blank lines come back as
// a record with no fields. The slices are valid until the next call.
func (c *csvReader) Read() ([][]byte, error) {
	c.offs = c.offs[:0]
	c.recLn = c.line
	// Fast path: a whole line in bufio's buffer is split in place, without a
	// copy. The three-index slice makes any later append (a quoted field
	// running past the line end) copy instead of writing into bufio's buffer.
	line, err := c.r.ReadSlice('\n')
	switch {
	case err == nil || (err == io.EOF && len(line) > 0):
		c.line++
		n := len(line)
		if n > 0 && line[n-1] == '\n' {
			n--
		}
		if n > 0 && line[n-1] == '\r' {
			n--
		}
		c.buf = line[:n:n]
	case err == io.EOF:
		return nil, io.EOF
	case err == bufio.ErrBufferFull:
		c.buf = append(c.own[:0], line...)
		if _, err := c.readLine(); err != nil {
			return nil, err
		}
		c.line-- // readLine counted the rest of the same line
		c.own = c.buf
	default:
		return nil, err
	}
	i := 0
	if c.delim == 0 {
		for i < len(c.buf) && (c.buf[i] == ' ' || c.buf[i] == '\t') {
			i++
		}
	}
	if i == len(c.buf) {
		return c.fields[:0], nil
	}
	if c.delim != 0 && !c.quoted && bytes.IndexByte(c.buf, '"') < 0 {
		if !c.splitPlain() {
			return nil, errManyFields
		}
		return c.fields, nil
	}
	for {
		// one field starting at i
		if i < len(c.buf) && c.buf[i] == '"' {
			qstart, w := i, i // the unescaped content is written over the opening quote
			i++
			for {
				q := bytes.IndexByte(c.buf[i:], '"')
				if q < 0 {
					// the quoted field goes on past the line end
					w += copy(c.buf[w:], c.buf[i:])
					// Detach from bufio's buffer before reading on: the next
					// read may move the bytes that c.buf points at.
					c.buf = append(append(c.own[:0], c.buf[:w]...), '\n')
					c.own = c.buf
					i = len(c.buf)
					w = i
					more, err := c.readLine()
					c.own = c.buf
					if err != nil {
						return nil, err
					}
					if !more {
						return nil, errUnterminated
					}
					// content moved: restart scanning from the new line
					continue
				}
				w += copy(c.buf[w:], c.buf[i:i+q])
				i += q + 1
				if i < len(c.buf) && c.buf[i] == '"' { // escaped quote
					c.buf[w] = '"'
					w++
					i++
					continue
				}
				break
			}
			c.offs = append(c.offs, qstart, w)
			// skip to the delimiter (text after a closing quote is kept out)
			for i < len(c.buf) && !c.isDelim(c.buf[i]) {
				i++
			}
		} else {
			start := i
			if c.delim != 0 {
				if k := bytes.IndexByte(c.buf[i:], c.delim); k >= 0 {
					i += k
				} else {
					i = len(c.buf)
				}
			} else {
				for i < len(c.buf) && !c.isDelim(c.buf[i]) {
					i++
				}
			}
			c.offs = append(c.offs, start, i)
		}
		if i >= len(c.buf) {
			break
		}
		if len(c.offs) > 2*maxRecordFields {
			return nil, errManyFields
		}
		// consume the delimiter
		if c.delim == 0 {
			for i < len(c.buf) && (c.buf[i] == ' ' || c.buf[i] == '\t') {
				i++
			}
			if i == len(c.buf) {
				break // trailing spaces
			}
		} else {
			i++
			if i == len(c.buf) { // a trailing delimiter: one more empty field
				c.offs = append(c.offs, i, i)
				break
			}
		}
	}
	return c.fieldSlices(), nil
}

// fieldSlices is the fields at c.offs.
func (c *csvReader) fieldSlices() [][]byte {
	c.fields = c.fields[:0]
	for k := 0; k < len(c.offs); k += 2 {
		c.fields = append(c.fields, c.buf[c.offs[k]:c.offs[k+1]])
	}
	return c.fields
}

// splitPlain splits c.buf, a line without quotes, at every delimiter into
// c.offs and c.fields, as the general loop of Read does, eight bytes at a
// time: a ledger's fields are short, and a search for each one's end cost
// more than the search itself. False when the line has more fields than a
// record may (the general loop's errManyFields: more than
// maxRecordFields+1).
func (c *csvReader) splitPlain() bool {
	const ones, lows = 0x0101010101010101, 0x7f7f7f7f7f7f7f7f
	buf, offs, fields, start, i := c.buf, c.offs, c.fields[:0], 0, 0
	pat := uint64(c.delim) * ones
	for ; i+8 <= len(buf); i += 8 {
		x := binary.LittleEndian.Uint64(buf[i:]) ^ pat
		// the high bit of each byte of x that is zero (a delimiter), exactly
		m := ^((x&lows + lows) | x | lows)
		for ; m != 0; m &= m - 1 {
			k := i + bits.TrailingZeros64(m)>>3
			offs, fields = append(offs, start, k), append(fields, buf[start:k])
			start = k + 1
		}
		if len(offs) > 2*(maxRecordFields+1) {
			c.offs, c.fields = offs, fields
			return false
		}
	}
	for ; i < len(buf); i++ {
		if buf[i] == c.delim {
			offs, fields = append(offs, start, i), append(fields, buf[start:i])
			start = i + 1
		}
	}
	c.offs, c.fields = append(offs, start, len(buf)), append(fields, buf[start:])
	return len(c.offs) <= 2*(maxRecordFields+1)
}

// record is the buffer the last record's fields lie in and their start,
// end offsets in it.
func (c *csvReader) record() ([]byte, []int) { return c.buf, c.offs }

// lines is record for the batches to copy a kept record as one line; nil
// (copy field by field) when copyLines is off.
func (c *csvReader) lines() func() ([]byte, []int) {
	if !copyLines {
		return nil
	}
	return c.record
}

func (c *csvReader) isDelim(b byte) bool {
	if c.delim == 0 {
		return b == ' ' || b == '\t'
	}
	return b == c.delim
}

// countingReader counts the bytes read from the file, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// decodeText wraps r so that it yields UTF-8: a UTF-8 BOM is dropped, UTF-16
// with a BOM is decoded, and text that is not valid UTF-8 is read as GB18030
// (a superset of GBK, what Chinese Excel writes when saving CSV).
func decodeText(r io.Reader) (*bufio.Reader, string, error) {
	br := bufio.NewReaderSize(r, 1<<18)
	head, err := br.Peek(64 << 10)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, "", err
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		return br, "UTF-8 (BOM)", nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		return bufio.NewReaderSize(transform.NewReader(br, dec), 1<<18), "UTF-16", nil
	}
	// A peek can end inside a multi-byte character: ignore an incomplete tail.
	check := head
	for k := 0; k < 3 && len(check) > 0 && !utf8.Valid(check); k++ {
		check = check[:len(check)-1]
	}
	if utf8.Valid(check) {
		return br, "UTF-8", nil
	}
	dec := simplifiedchinese.GB18030.NewDecoder()
	return bufio.NewReaderSize(transform.NewReader(br, dec), 1<<18), "GB18030", nil
}

// sniffDelimiter picks the delimiter that splits the header and most of the
// first lines (up to 200) into the same number (≥ 2) of fields: comma, tab,
// semicolon, pipe, or else runs of spaces. The first line (the header, or
// the first record of a header-less file) must agree with the most common
// count, so names with a space in them do not make "runs of spaces" win over
// a comma that splits everything but a few bad rows. Quotes are respected.
func sniffDelimiter(head []byte) (delim byte, name string) {
	var lines [][]byte
	for len(head) > 0 && len(lines) < 200 {
		nl := bytes.IndexByte(head, '\n')
		if nl < 0 {
			// last, possibly cut, line: use it only if it is all we have
			if len(lines) == 0 {
				lines = append(lines, head)
			}
			break
		}
		ln := bytes.TrimRight(head[:nl], "\r")
		if len(bytes.TrimSpace(ln)) > 0 {
			lines = append(lines, ln)
		}
		head = head[nl+1:]
	}
	type cand struct {
		d    byte
		name string
	}
	best, bestScore := cand{',', "comma"}, 0.0
	for _, cd := range []cand{{'\t', "tab"}, {',', "comma"}, {';', "semicolon"}, {'|', "pipe"}, {0, "spaces"}} {
		if len(lines) == 0 {
			break
		}
		counts := map[int]int{}
		first := countFields(lines[0], cd.d)
		for _, ln := range lines {
			counts[countFields(ln, cd.d)]++
		}
		mode, modeN := 0, 0
		for n, k := range counts {
			if k > modeN || (k == modeN && n > mode) {
				mode, modeN = n, k
			}
		}
		if mode < 2 {
			continue
		}
		consistency := float64(modeN) / float64(len(lines))
		// the header agreeing with the rows counts most, then consistency;
		// spaces lose to a real delimiter that splits at least 3 lines in 4
		// alike (names with one space each, such as "Client A", split every
		// line alike; quoted line breaks make a few comma lines differ)
		score := consistency*100 + float64(min(mode, 50))/100
		if first == mode {
			score += 100
		}
		if cd.d == 0 {
			score -= 25
		}
		if score > bestScore {
			best, bestScore = cd, score
		}
	}
	return best.d, best.name
}

func countFields(line []byte, d byte) int {
	c := &csvReader{delim: d}
	c.buf = append(c.buf[:0], line...)
	n, inQ := 0, false
	i := 0
	if d == 0 {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) {
			return 0
		}
	}
	n = 1
	for ; i < len(line); i++ {
		ch := line[i]
		if ch == '"' {
			inQ = !inQ
			continue
		}
		if inQ || !c.isDelim(ch) {
			continue
		}
		if d == 0 {
			for i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t') {
				i++
			}
			if i+1 == len(line) {
				break
			}
		}
		n++
	}
	return n
}
