package tui

import (
	"ledgerlens/termtext"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
)

// Column of a rendered table.
type Column struct {
	Title string
	Right bool // numbers are right-aligned
	Max   int  // cap on the width (0: none)
	Min   int  // a text column is not shrunk below this (0: 8)
}

// table renders only the rows it is given (the caller passes the visible
// window), aligned by display width so Chinese text lines up. The selected
// row carries a ▸ marker as well as a style, so it shows without colour.
type table struct {
	cols     []Column
	rows     [][]string
	selected int // index into rows, −1 for none
	sortCol  int // −1 for none
	desc     bool
	width    int
}

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

func (t *table) widths() []int {
	w := make([]int, len(t.cols))
	for i, c := range t.cols {
		w[i] = runewidth.StringWidth(c.Title) + 1 // room for the sort arrow
	}
	for _, r := range t.rows {
		for i, cell := range r {
			if i < len(w) {
				w[i] = max(w[i], runewidth.StringWidth(cell))
			}
		}
	}
	for i, c := range t.cols {
		if c.Max > 0 {
			w[i] = min(w[i], c.Max)
		}
	}
	// fit the screen: 2 for the marker, 1 between columns; shrink the
	// widest text columns first, then drop columns from the right
	avail := t.width - 2
	total := func() int {
		s := 0
		for _, x := range w {
			s += x + 1
		}
		return s
	}
	for total() > avail {
		widest := -1
		for i, c := range t.cols[:len(w)] {
			floor := c.Min
			if floor == 0 {
				floor = 8
			}
			if !c.Right && w[i] > floor && (widest < 0 || w[i] > w[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		w[widest]--
	}
	for total() > avail && len(w) > 1 { // then drop columns from the right
		w = w[:len(w)-1]
	}
	return w
}

func (t *table) render(st *Styles) string {
	// data goes in cells: control characters are shown, not sent (and so
	// counted in the widths)
	for _, r := range t.rows {
		for i := range r {
			r[i] = termtext.Clean(r[i])
		}
	}
	for i := range t.cols {
		t.cols[i].Title = termtext.Clean(t.cols[i].Title)
	}
	w := t.widths()
	var b strings.Builder
	// header
	b.WriteString("  ")
	for i := range w {
		title := t.cols[i].Title
		if i == t.sortCol {
			if t.desc {
				title += "↓"
			} else {
				title += "↑"
			}
		}
		b.WriteString(st.Title.Render(padTo(title, w[i], t.cols[i].Right)))
		if i < len(w)-1 {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('\n')
	for r, row := range t.rows {
		var line strings.Builder
		for i := range w {
			cell := ""
			if i < len(row) {
				cell = row[i]
			}
			line.WriteString(padTo(cell, w[i], t.cols[i].Right))
			if i < len(w)-1 {
				line.WriteByte(' ')
			}
		}
		if r == t.selected {
			b.WriteString("▸ " + st.Selected.Render(line.String()))
		} else {
			b.WriteString("  " + colorNegatives(line.String(), st))
		}
		if r < len(t.rows)-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// colorNegatives colours numbers with a minus sign (the sign stays: colour
// is never the only carrier of meaning).
func colorNegatives(line string, st *Styles) string {
	if !strings.Contains(line, "-") {
		return line
	}
	fields := strings.SplitAfter(line, " ")
	for i, f := range fields {
		t := strings.TrimSpace(f)
		if len(t) > 1 && t[0] == '-' && (t[1] >= '0' && t[1] <= '9') {
			fields[i] = strings.Replace(f, t, st.Neg.Render(t), 1)
		}
	}
	return strings.Join(fields, "")
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
