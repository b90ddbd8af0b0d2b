package importer

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func readAll(t *testing.T, text string, delim byte) [][]string {
	t.Helper()
	c := newCSVReader(bufio.NewReaderSize(strings.NewReader(text), 16), delim)
	var out [][]string
	for {
		rec, err := c.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		row := []string{}
		for _, f := range rec {
			row = append(row, string(f))
		}
		out = append(out, row)
	}
}

func TestCSVReader(t *testing.T) {
	got := readAll(t, "a,b,c\r\n1,\"x, y\",3\n\"multi\nline \"\"quoted\"\"\",,\n\n4,5,6", ',')
	want := [][]string{{"a", "b", "c"}, {"1", "x, y", "3"}, {"multi\nline \"quoted\"", "", ""}, {}, {"4", "5", "6"}}
	if len(got) != len(want) {
		t.Fatalf("got %d records %q, want %d", len(got), got, len(want))
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") || len(got[i]) != len(want[i]) {
			t.Errorf("record %d = %q, want %q", i, got[i], want[i])
		}
	}
	// whitespace-aligned, as CDNOW
	got = readAll(t, " 00004 0001 19970101  2   29.33\r\n 00004 0001 19970118  2   29.73  \n", 0)
	if len(got) != 2 || strings.Join(got[0], "|") != "00004|0001|19970101|2|29.33" || len(got[1]) != 5 {
		t.Errorf("space-delimited = %q", got)
	}
	// a long line crosses the bufio buffer
	long := strings.Repeat("x", 100)
	got = readAll(t, long+";"+long+"\n", ';')
	if len(got) != 1 || len(got[0]) != 2 || got[0][1] != long {
		t.Errorf("long line = %q", got)
	}
	c := newCSVReader(bufio.NewReader(strings.NewReader("\"open\n")), ',')
	if _, err := c.Read(); err != errUnterminated {
		t.Errorf("unterminated quote: err = %v", err)
	}
}

func TestSniffDelimiter(t *testing.T) {
	tests := map[string]string{
		"a,b,c\n1,2,3\n":                    "comma",
		"a\tb\tc\n1\t2,5\t3\n":              "tab",
		"a;b;c\n1;2,5;3\n":                  "semicolon",
		"a|b\n1|2\n":                        "pipe",
		" 00004 0001 19970101  2   29.33\n": "spaces",
		"\"x,y\";b\n\"1,2\";3\n":            "semicolon",
		// names with one space each split every line in two by spaces; a
		// quoted line break makes one comma line differ: still comma
		"Customer ID,Name,Date\nK0,Client A,2023-01-03\nK1,\"Line one\nline two\",2023-01-04\nK2,Client C,2023-01-05\nK4,Client E,2023-01-05\n": "comma",
	}
	for in, want := range tests {
		if _, got := sniffDelimiter([]byte(in)); got != want {
			t.Errorf("sniffDelimiter(%q) = %s, want %s", in, got, want)
		}
	}
}

// The splitter never panics and always ends, whatever the bytes; a line
// without quotes split eight bytes at a time gives the records and errors
// the general loop gives.
func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "\"x\ny\",z\r\n", " 1  2 \n", "\"\"\"", "a,\"b\"c,d\n", ",,\n\n",
		"0123456,89abcdef,,ghijklmnop,q\r\n,1234567,\n,,,,,,,,,,,,,,,,,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range []byte{',', 0} {
			c := newCSVReader(bufio.NewReaderSize(strings.NewReader(s), 16), d)
			g := newCSVReader(bufio.NewReaderSize(strings.NewReader(s), 16), d)
			g.quoted = true
			for i := 0; i <= len(s)+1; i++ {
				rec, err := c.Read()
				want, wantErr := g.Read()
				if err != wantErr || !slices.EqualFunc(rec, want, bytes.Equal) || c.recLn != g.recLn {
					t.Fatalf("record %d of %q: %q, %v; the general loop %q, %v", i, s, rec, err, want, wantErr)
				}
				if err != nil {
					break
				}
			}
		}
		sniffDelimiter([]byte(s))
	})
}

// Lines without quotes split eight bytes at a time as the general loop
// splits them: delimiters at every offset within a word, empty fields,
// a delimiter at the end, and around the most fields a record may have.
func TestSplitPlainAsGeneral(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var lines []string
	for range 3000 {
		b := make([]byte, rng.IntN(70))
		for i := range b {
			b[i] = ";ab,;c;\xbb\xff\x00"[rng.IntN(10)] // \xbb is ';' with the high bit set
		}
		lines = append(lines, string(b))
	}
	for _, n := range []int{maxRecordFields - 1, maxRecordFields, maxRecordFields + 1, maxRecordFields + 2, 3 * maxRecordFields} {
		lines = append(lines, strings.Repeat(";", n-1), strings.Repeat("x;", n-1)+"x", strings.Repeat("xyz;", n))
	}
	var plain, general int
	for _, line := range lines {
		c, g := newCSVReader(nil, ';'), newCSVReader(nil, ';')
		c.r = bufio.NewReader(strings.NewReader(line + "\n"))
		g.r, g.quoted = bufio.NewReader(strings.NewReader(line+"\n")), true
		rec, err := c.Read()
		want, wantErr := g.Read()
		if err != wantErr || !slices.EqualFunc(rec, want, bytes.Equal) {
			t.Fatalf("%q: %q, %v; the general loop %q, %v", line, rec, err, want, wantErr)
		}
		if err == errManyFields {
			general++
		} else {
			plain += len(rec)
		}
	}
	if general != 7 || plain < 20000 {
		t.Errorf("%d lines refused (want 7), %d fields", general, plain)
	}
}
