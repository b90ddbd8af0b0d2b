package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
)

// padTo cuts or pads s to w display cells (Chinese counts two), on the
// right for numbers.
func padTo(s string, w int, right bool) string {
	sw := runewidth.StringWidth(s)
	if sw > w {
		s = runewidth.Truncate(s, w, "…")
		sw = runewidth.StringWidth(s)
	}
	pad := strings.Repeat(" ", max(0, w-sw))
	if right {
		return pad + s
	}
	return s + pad
}

// colorNegatives colours numbers with a minus sign (the sign stays: colour
// is never the only carrier of meaning).
func colorNegatives(cell string, st *Styles) string {
	t := strings.TrimSpace(cell)
	if len(t) > 1 && t[0] == '-' && t[1] >= '0' && t[1] <= '9' {
		return strings.Replace(cell, t, st.Neg.Render(t), 1)
	}
	return cell
}

// fit cuts or pads every line of s to exactly width columns and height lines.
func fit(s string, width, height int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > width {
			lines[i] = ansi.Truncate(l, width, "…")
		}
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// wrap breaks text into lines of at most w display cells at spaces.
func wrap(s string, w int) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
				line = word
			case runewidth.StringWidth(line)+1+runewidth.StringWidth(word) <= w:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
		}
		out = append(out, line)
	}
	return out
}
