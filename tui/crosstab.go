package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"ledgerlens/model"
)

// crossPane crosses the scheme on screen (rows) with another (columns):
// one figure per cell (customers, revenue, profit, CLV or open AR), row and
// column totals. < > choose the column scheme, m the figure; the table
// scrolls and sorts like every other.
type crossPane struct {
	sh      *Shared
	col     int // index of the column scheme in the analysis
	measure int
	ct      *model.CrossTab
	err     string
	gridBelow
}

// crossMeasures are the figures a cell can show, each with whether the
// analysis has it.
var crossMeasures = []struct {
	name string
	get  func(c model.CrossCell) model.Money
}{
	{"col.customers", func(c model.CrossCell) model.Money { return model.Money(c.Customers) }},
	{"Revenue", func(c model.CrossCell) model.Money { return c.Revenue }},
	{"Profit", func(c model.CrossCell) model.Money { return c.Profit }},
	{"Σ CLV", func(c model.CrossCell) model.Money { return c.CLV }},
	{"Open AR", func(c model.CrossCell) model.Money { return c.OpenAR }},
}

func newCrossPane(sh *Shared) *crossPane {
	p := &crossPane{sh: sh, gridBelow: gridBelow{grid: newGrid(sh)}, col: -1}
	// start with the first attribute scheme (region, industry …) or else
	// the next scheme
	for i, sc := range sh.A.Schemes {
		if i != sh.Scheme && strings.HasPrefix(sc.Key, "attr:") {
			p.col = i
			break
		}
	}
	if p.col < 0 {
		p.col = (sh.Scheme + 1) % len(sh.A.Schemes)
	}
	return p
}

func (p *crossPane) known() bool {
	ct := p.ct
	switch p.measure {
	case 2:
		return ct.HasProfit
	case 3:
		return ct.HasCLV
	case 4:
		return ct.HasAR
	}
	return true
}

func (p *crossPane) Refresh() {
	sh := p.sh
	n := len(sh.A.Schemes)
	p.col = (p.col%n + n) % n
	if p.col == sh.Scheme {
		p.col = (p.col + 1) % n
	}
	rows, cols := sh.scheme(), &sh.A.Schemes[p.col]
	ct, err := sh.A.CrossTab(rows.Key, cols.Key)
	p.ct, p.err = ct, ""
	if err != nil {
		p.err = err.Error()
		p.grid.setData(nil, nil)
		return
	}
	get := crossMeasures[p.measure].get
	cell := func(c model.CrossCell) string {
		switch {
		case !p.known():
			return sh.t("n/a")
		case p.measure == 0:
			if c.Customers == 0 {
				return "·"
			}
			return fmtInt(c.Customers)
		}
		return sh.money(get(c))
	}
	// a row index past the segments is the column totals
	rowOf := func(r int32) (model.CrossCell, []model.CrossCell) {
		if r < 0 || int(r) >= len(ct.Cells) {
			return ct.Total, ct.ColTotals
		}
		return ct.RowTotals[r], ct.Cells[r]
	}
	gc := []gridCol{{id: "row", title: sh.name(rows.Title) + " \\ " + sh.name(cols.Title), max: 24, text: func(r int32) string {
		if r < 0 || int(r) >= len(ct.Cells) {
			return sh.t("Total")
		}
		return sh.name(ct.Rows.Segments[r])
	}}}
	var shown []int
	for j, t := range ct.ColTotals {
		if t.Customers > 0 {
			shown = append(shown, j)
		}
	}
	for _, j := range shown {
		gc = append(gc, gridCol{id: "c:" + ct.Cols.Segments[j], title: sh.name(ct.Cols.Segments[j]), right: true, max: 16,
			text: func(r int32) string { _, cells := rowOf(r); return cell(cells[j]) },
			sort: func(r int32) float64 { _, cells := rowOf(r); return float64(get(cells[j])) }})
	}
	gc = append(gc, gridCol{id: "total", title: sh.t("Total"), right: true,
		text: func(r int32) string { t, _ := rowOf(r); return cell(t) },
		sort: func(r int32) float64 { t, _ := rowOf(r); return float64(get(t)) }})
	var rowsIx []int32
	for i, t := range ct.RowTotals {
		if t.Customers > 0 {
			rowsIx = append(rowsIx, int32(i))
		}
	}
	p.grid.total = func(c gridCol, _ []int32) string { return c.text(-1) }
	p.grid.setData(gc, rowsIx)
	p.layout()
}

func (p *crossPane) Update(msg tea.KeyMsg) tea.Cmd {
	if !p.grid.Typing() {
		switch {
		case key.Matches(msg, p.sh.Keys.Switch):
			d := 1
			if msg.String() == "<" {
				d = -1
			}
			n := len(p.sh.A.Schemes)
			p.col = (p.col + d + n) % n
			if p.col == p.sh.Scheme {
				p.col = (p.col + d + n) % n
			}
			p.Refresh()
			return nil
		case key.Matches(msg, p.sh.Keys.Measure):
			p.measure = (p.measure + 1) % len(crossMeasures)
			p.Refresh()
			return nil
		}
	}
	cmd, _ := p.grid.Update(msg)
	return cmd
}

func (p *crossPane) View() string {
	sh := p.sh
	if p.err != "" {
		return p.err
	}
	ct := p.ct
	head := sh.tf("cross.head", sh.St.Bold.Render(sh.name(ct.Rows.Title)), sh.St.Bold.Render(sh.name(ct.Cols.Title)),
		sh.St.Bold.Render(sh.t(crossMeasures[p.measure].name)))
	note := ""
	switch {
	case p.measure == 2 && !ct.HasProfit:
		note = ct.ProfitNote
	case p.measure == 3 && !ct.HasCLV:
		note = ct.CLVNote
	case p.measure == 4 && !ct.HasAR:
		note = ct.AR
	}
	lines := []string{ansiTruncate(head, p.w), sh.St.Dim.Render(ansiTruncate(sh.t("cross.keys")+" "+sh.note(note), p.w))}
	lines = append(lines, strings.Split(p.grid.View(), "\n")...)
	return strings.Join(lines, "\n")
}

func (p *crossPane) ShortHelp() []key.Binding {
	k := p.sh.Keys
	return []key.Binding{k.Scheme, k.Switch, k.Measure, k.Up, k.Left, k.Back, k.Help, k.Quit}
}

func (p *crossPane) FullHelp() [][]key.Binding {
	return [][]key.Binding{append([]key.Binding{p.sh.Keys.Switch, p.sh.Keys.Measure}, p.sh.Keys.tableKeys()...)}
}
