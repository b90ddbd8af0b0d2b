package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"ledgerlens/model"
)

// freqPane is the frequency table of one column over the rows a table
// showed (VisiData's shift+F): each value's customers, share, revenue and
// profit, with a total row. Enter shows that value's customers.
type freqPane struct {
	sh    *Shared
	field model.Field
	n     int
	rows  []model.FreqRow
	total model.FreqRow
	grid  *grid
	w, h  int
}

func newFreqPane(sh *Shared, f model.Field, custs []int32) *freqPane {
	p := &freqPane{sh: sh, field: f, n: len(custs), grid: newGrid(sh)}
	p.grid.total = func(c gridCol, _ []int32) string { return c.text(-1) } // the model's total row
	p.rows, p.total = sh.A.Frequency(f, custs, func(v model.Value) string { return sh.value(f, v) })
	p.grid.onEnter = func(r int32) tea.Cmd {
		q := p.query(p.rows[r])
		if q == "" {
			return send(statusMsg{text: sh.t("freq.nofilter"), err: true})
		}
		return send(filterMsg{query: q})
	}
	p.Refresh()
	return p
}

// query is the filter that selects a row's customers.
func (p *freqPane) query(r model.FreqRow) string {
	k := p.field.Key
	if strings.HasPrefix(k, "seg:") && strings.TrimPrefix(p.sh.scheme().Key, "attr:") == strings.TrimPrefix(k, "seg:") {
		k = "segment"
	}
	switch p.field.Kind {
	case model.KindText:
		return k + `="` + r.Label + `"`
	case model.KindInt, model.KindDate:
		return k + "=" + r.Label
	}
	if r.Lo.OK {
		return k + ">=" + p.bound(r.Lo) + " " + k + "<=" + p.bound(r.Hi)
	}
	return "" // n/a: no condition names these customers
}

func (p *freqPane) bound(v model.Value) string {
	switch p.field.Kind {
	case model.KindMoney:
		return strconv.FormatFloat(float64(v.Money)/float64(p.sh.A.Led.Scale()), 'f', -1, 64)
	case model.KindPct:
		return strconv.FormatFloat(100*v.Num, 'f', -1, 64) + "%"
	}
	return strconv.FormatFloat(v.Num, 'f', -1, 64)
}

func (p *freqPane) row(r int32) model.FreqRow {
	if r < 0 {
		return p.total
	}
	return p.rows[r]
}

func (p *freqPane) Refresh() {
	sh := p.sh
	withProfit := sh.A.Profit.Basis.Known()
	cols := []gridCol{
		{id: "value", title: sh.name(p.field.Label), max: 40, text: func(r int32) string {
			if r < 0 {
				return sh.t("Total")
			}
			return p.row(r).Label
		}},
		{id: "count", title: sh.t("col.customers"), right: true, text: func(r int32) string { return fmtInt(p.row(r).Count) },
			sort: func(r int32) float64 { return float64(p.row(r).Count) }},
		{id: "share", title: sh.t("col.custshare"), right: true, text: func(r int32) string { return sh.pct(p.row(r).Share) },
			sort: func(r int32) float64 { return p.row(r).Share }},
		{id: "revenue", title: sh.t("Revenue"), right: true, text: func(r int32) string { return sh.money(p.row(r).Revenue) },
			sort: func(r int32) float64 { return float64(p.row(r).Revenue) }},
		{id: "rshare", title: sh.t("col.revshare"), right: true, text: func(r int32) string { return sh.pct(p.row(r).RevenueShare) },
			sort: func(r int32) float64 { return p.row(r).RevenueShare }},
	}
	if withProfit {
		cols = append(cols, gridCol{id: "profit", title: sh.t("Profit"), right: true, text: func(r int32) string { return sh.money(p.row(r).Profit) },
			sort: func(r int32) float64 { return float64(p.row(r).Profit) }})
	}
	p.grid.setData(cols, seq(len(p.rows)))
}

func (p *freqPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.grid.SetSize(w, h-1)
}

func (p *freqPane) Typing() bool { return p.grid.Typing() }

func (p *freqPane) Update(msg tea.KeyMsg) tea.Cmd {
	cmd, _ := p.grid.Update(msg)
	return cmd
}

func (p *freqPane) View() string {
	sh := p.sh
	head := sh.St.Bold.Render(sh.tf("freq.head", sh.name(p.field.Label))) + "  " + sh.St.Dim.Render(sh.tf("freq.of", fmtInt(p.n), fmtInt(len(p.rows))))
	return ansiTruncate(head, p.w) + "\n" + p.grid.View()
}

func (p *freqPane) ShortHelp() []key.Binding {
	k := p.sh.Keys
	return []key.Binding{k.Back, k.Up, k.Enter, k.Sort, k.Copy, k.Help, k.Quit}
}

func (p *freqPane) FullHelp() [][]key.Binding { return [][]key.Binding{p.sh.Keys.tableKeys()} }
