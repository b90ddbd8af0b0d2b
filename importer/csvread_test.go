package importer

import (
	"bufio"
	"io"
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

// The splitter never panics and always ends, whatever the bytes.
func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "\"x\ny\",z\r\n", " 1  2 \n", "\"\"\"", "a,\"b\"c,d\n", ",,\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range []byte{',', 0} {
			c := newCSVReader(bufio.NewReaderSize(strings.NewReader(s), 16), d)
			for i := 0; i <= len(s)+1; i++ {
				if _, err := c.Read(); err != nil {
					break
				}
			}
		}
		sniffDelimiter([]byte(s))
	})
}
