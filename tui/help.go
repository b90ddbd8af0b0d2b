package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
)

// helpPane lists every key: the current pane's first, then the global ones,
// in as many columns as the width holds and as many pages as they need.
type helpPane struct {
	sh      *Shared
	entries []helpEntry
	page    int
	w, h    int
}

type helpEntry struct{ key, desc, section string }

func newHelpPane(sh *Shared, paneTitle string, local [][]key.Binding) *helpPane {
	p := &helpPane{sh: sh}
	seen := map[string]bool{}
	add := func(section string, bs []key.Binding) {
		for _, b := range bs {
			h := b.Help()
			if h.Key == "" || seen[h.Key+h.Desc] {
				continue
			}
			seen[h.Key+h.Desc] = true
			p.entries = append(p.entries, helpEntry{key: h.Key, desc: sh.t(h.Desc), section: section})
		}
	}
	for _, col := range local {
		add(paneTitle, col)
	}
	add(sh.t("help.global"), sh.Keys.global())
	return p
}

func (p *helpPane) Refresh()         {}
func (p *helpPane) Typing() bool     { return false }
func (p *helpPane) SetSize(w, h int) { p.w, p.h = w, h }

// layout is the column width, the columns and the lines per page.
func (p *helpPane) layout() (colW, cols, perCol int) {
	colW = 10
	for _, e := range p.entries {
		colW = max(colW, 11+runewidth.StringWidth(e.desc), runewidth.StringWidth(e.section))
	}
	colW = min(colW, max(20, p.w-2))
	cols = max(1, (p.w+2)/(colW+2))
	perCol = max(1, p.h-2) // title and page line
	return
}

func (p *helpPane) pages() int {
	_, cols, perCol := p.layout()
	per := cols * perCol
	return max(1, (len(p.items())+per-1)/per)
}

// items are the entries with a heading line before each section.
func (p *helpPane) items() []string {
	var out []string
	section := ""
	for _, e := range p.entries {
		if e.section != section {
			section = e.section
			out = append(out, "\x00"+section)
		}
		out = append(out, padTo(e.key, 10, false)+" "+e.desc)
	}
	return out
}

func (p *helpPane) Update(msg tea.KeyMsg) tea.Cmd {
	k := p.sh.Keys
	switch {
	case key.Matches(msg, k.PageDown, k.Down, k.Right):
		p.page = min(p.page+1, p.pages()-1)
	case key.Matches(msg, k.PageUp, k.Up, k.Left):
		p.page = max(0, p.page-1)
	}
	return nil
}

func (p *helpPane) View() string {
	sh := p.sh
	colW, cols, perCol := p.layout()
	items := p.items()
	per := cols * perCol
	page := min(p.page, p.pages()-1)
	items = items[min(len(items), page*per):min(len(items), (page+1)*per)]
	grid := make([]string, perCol)
	for i, it := range items {
		r, c := i%perCol, i/perCol
		cell := it
		if strings.HasPrefix(it, "\x00") {
			cell = sh.St.Bold.Render(padTo(it[1:], colW, false))
		} else {
			cell = padTo(it, colW, false)
		}
		if c > 0 {
			grid[r] += strings.Repeat(" ", max(0, c*(colW+2)-ansi.StringWidth(grid[r])))
		}
		grid[r] += cell
	}
	title := sh.St.Bold.Render(sh.t("help.title")) + "  " + sh.St.Dim.Render(sh.tf("help.page", page+1, p.pages()))
	return title + "\n" + strings.Join(grid, "\n")
}

func (p *helpPane) ShortHelp() []key.Binding {
	k := p.sh.Keys
	return []key.Binding{k.PageDown, k.PageUp, k.Back}
}

func (p *helpPane) FullHelp() [][]key.Binding { return nil }
