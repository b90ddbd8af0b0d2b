// Package termtext makes text from data safe to print on a terminal: control
// characters (ESC, BEL, C1 controls, bidirectional overrides) are shown
// visibly instead of being sent raw, so a customer name cannot set the
// window title, write the clipboard, clear the screen or leave the
// alternate screen.
package termtext

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// visible returns how r is shown, and whether it must be replaced.
func visible(r rune) (string, bool) {
	switch {
	case r < 0x20:
		return string(rune(0x2400 + r)), true // ␀ … ␟ (␛ for ESC)
	case r == 0x7f:
		return "␡", true
	case r >= 0x80 && r <= 0x9f, r == 0x2028, r == 0x2029, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
		return fmt.Sprintf("<U+%04X>", r), true
	}
	return "", false
}

// Clean returns s with every control character shown visibly (newlines and
// tabs too: a cell or a message stays on one line) and invalid UTF-8 as
// U+FFFD.
func Clean(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s { // invalid bytes come as utf8.RuneError
		if v, ok := visible(r); ok {
			b.WriteString(v)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= 0x80 {
			if c >= 0x80 {
				return isPlainUnicode(s[i:])
			}
			return false
		}
	}
	return true
}

func isPlainUnicode(s string) bool {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && n <= 1 {
			return false
		}
		if _, bad := visible(r); bad {
			return false
		}
		s = s[n:]
	}
	return true
}

// Screen makes a rendered screen safe: the program's own colour and style
// sequences (SGR: ESC [ digits ; … m) and line breaks stay, every other
// control character is shown visibly. Data that slipped into the screen
// unsanitised can then change nothing but colours.
func Screen(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c == 0x1b {
			if n := sgrLen(s[i:]); n > 0 {
				b.WriteString(s[i : i+n])
				i += n
				continue
			}
		}
		if c == '\n' {
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if v, bad := visible(r); bad {
			b.WriteString(v)
		} else if r == utf8.RuneError && n <= 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// sgrLen is the length of an SGR sequence at the start of s, or 0.
func sgrLen(s string) int {
	if len(s) < 3 || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s) && i < 64; i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == ';', c == ':':
		case c == 'm':
			return i + 1
		default:
			return 0
		}
	}
	return 0
}

// Writer filters text output for a terminal: lines and tabs stay, every
// other control character is shown visibly. Use it for output meant for
// people (tables, reports), not for JSON or CSV, which keep the data.
func Writer(w io.Writer) io.Writer { return &writer{w: w} }

type writer struct {
	w    io.Writer
	tail []byte // an incomplete UTF-8 sequence from the last write
}

func (t *writer) Write(p []byte) (int, error) {
	data := append(t.tail, p...)
	t.tail = nil
	// keep an incomplete trailing rune for the next write
	if k := len(data) - 1; k >= 0 && data[k] >= 0x80 {
		start := k
		for start > 0 && k-start < 3 && !utf8.RuneStart(data[start]) {
			start--
		}
		if !utf8.FullRune(data[start:]) {
			t.tail = append([]byte(nil), data[start:]...)
			data = data[:start]
		}
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(data), "\n") {
		body := strings.TrimSuffix(line, "\n")
		fields := strings.Split(body, "\t")
		for i, f := range fields {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(Clean(f))
		}
		if strings.HasSuffix(line, "\n") {
			b.WriteByte('\n')
		}
	}
	if _, err := io.WriteString(t.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}
