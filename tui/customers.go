package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"ledgerlens/model"
)

// customersPane is every customer in a grid: the key figures first, then
// every other field of the analysis (scroll right to see them).
type customersPane struct {
	sh   *Shared
	grid *grid
	w, h int
}

// custLead are the columns shown first; every other field follows.
var custLead = []string{"customer", "name", "seg:", "revenue", "profit", "clv", "rfm", "palive", "open", "grade"}

func newCustomersPane(sh *Shared) *customersPane {
	p := &customersPane{sh: sh, grid: newGrid(sh)}
	g := p.grid
	g.filter = customerFilter(sh, g)
	g.total = customerTotal(sh, nil)
	g.custOf = func(r int32) int32 { return r }
	g.onEnter = func(r int32) tea.Cmd { return send(openCardMsg{cust: r}) }
	g.sortID, g.desc = "revenue", true
	return p
}

// customerCols are the columns of a customer table: lead first (with
// "seg:" the scheme on screen), then the rest of the analysis' fields.
func customerCols(sh *Shared, lead []string, custOf func(int32) int32) []gridCol {
	a := sh.A
	segKey := "seg:" + strings.TrimPrefix(sh.scheme().Key, "attr:")
	var cols []gridCol
	used := map[string]bool{}
	for _, k := range lead {
		if k == "seg:" {
			k = segKey
		}
		f, ok := a.Field(k)
		if !ok {
			continue
		}
		c := fieldCol(sh, f, custOf)
		switch {
		case k == "customer":
			c.max = 14
		case k == "name":
			c.max = 24
		case k == segKey:
			c.title, c.max = sh.name(sh.scheme().Title), 20
		}
		cols = append(cols, c)
		used[f.Key] = true
	}
	for _, f := range a.Fields() {
		if !used[f.Key] {
			c := fieldCol(sh, f, custOf)
			if c.field.Kind == model.KindText {
				c.max = 20
			}
			cols = append(cols, c)
		}
	}
	return cols
}

func (p *customersPane) Refresh() {
	p.grid.setData(customerCols(p.sh, custLead, nil), p.sh.A.IDOrder)
}

func (p *customersPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.grid.SetSize(w, h-1)
}

func (p *customersPane) Typing() bool { return p.grid.Typing() }

func (p *customersPane) Update(msg tea.KeyMsg) tea.Cmd {
	cmd, _ := p.grid.Update(msg)
	return cmd
}

// setFilter shows the customers a query selects (enter on a segment or a
// frequency table row).
func (p *customersPane) setFilter(q string) {
	p.grid.query = q
	p.grid.cur, p.grid.off = 0, 0
	p.grid.apply()
}

// Selection is what `e` exports from this pane: the filtered customers.
func (p *customersPane) Selection() ([]int32, string) { return p.grid.selection() }

func (p *customersPane) View() string {
	return p.grid.Status(p.sh.t("customers")) + "\n" + p.grid.View()
}

func (p *customersPane) ShortHelp() []key.Binding {
	k := p.sh.Keys
	if p.grid.Typing() {
		return []key.Binding{k.Enter, k.Back}
	}
	return []key.Binding{k.Up, k.Left, k.Enter, k.Filter, k.Sort, k.Freq, k.Hide, k.Jump, k.Copy, k.Help, k.Quit}
}

func (p *customersPane) FullHelp() [][]key.Binding { return [][]key.Binding{p.sh.Keys.tableKeys()} }
