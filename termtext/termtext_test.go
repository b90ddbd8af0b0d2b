package termtext

import (
	"bytes"
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"Acme":                       "Acme",
		"盛宏贸易":                       "盛宏贸易",
		"a\x1b]2;pwned\x07b":         "a␛]2;pwned␇b",
		"x\x1b[2Jy":                  "x␛[2Jy",
		"line\nbreak\ttab\r":         "line␊break␉tab␍",
		"c1\u009bx":                  "c1<U+009B>x",
		"bidi\u202etxt":              "bidi<U+202E>txt",
		"bad\xffutf8":                "bad\ufffdutf8",
		"\x1b]52;c;aGVsbG8=\x1b\\ok": "␛]52;c;aGVsbG8=␛\\ok",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScreenKeepsOnlySGR(t *testing.T) {
	in := "\x1b[1;31mred\x1b[0m name\x1b]2;title\x07 \x1b[?1049l \x1b[2J\nnext"
	got := Screen(in)
	want := "\x1b[1;31mred\x1b[0m name␛]2;title␇ ␛[?1049l ␛[2J\nnext"
	if got != want {
		t.Errorf("Screen = %q, want %q", got, want)
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := Writer(&b)
	// a multi-byte rune split over two writes stays whole
	s := "id\tname\nC1\t泰\x1b[2J\n"
	mid := strings.Index(s, "泰") + 1
	w.Write([]byte(s[:mid]))
	w.Write([]byte(s[mid:]))
	if got, want := b.String(), "id\tname\nC1\t泰␛[2J\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
