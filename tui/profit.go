package tui

import (
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"ledgerlens/model"
)

// profitPane is the whale curve above every customer ranked by profit
// (most profitable first; G goes to the biggest losses).
type profitPane struct {
	sh   *Shared
	grid *grid
	w, h int
}

func newProfitPane(sh *Shared) *profitPane {
	p := &profitPane{sh: sh, grid: newGrid(sh)}
	g := p.grid
	g.custOf = func(r int32) int32 { return sh.A.Profit.Order[r] }
	g.filter = customerFilter(sh, g)
	g.total = customerTotal(sh, g.custOf)
	g.onEnter = func(r int32) tea.Cmd { return send(openCardMsg{cust: g.custOf(r)}) }
	return p
}

func (p *profitPane) Refresh() {
	sh, a := p.sh, p.sh.A
	ps := a.Profit
	if !ps.Basis.Known() {
		p.grid.setData(nil, nil)
		return
	}
	rows := make([]int32, len(ps.Order))
	for k := range rows {
		rows[k] = int32(k)
	}
	cols := []gridCol{
		{id: "rank", title: sh.t("col.rank"), right: true, text: func(r int32) string { return fmtInt(int(r) + 1) },
			sort: func(r int32) float64 { return float64(r) }},
	}
	lead := customerCols(sh, []string{"customer", "name", "profit", "revenue", "margin", "seg:"}, p.grid.custOf)
	cum := []gridCol{
		{id: "cum", title: sh.t("col.cumprofit"), right: true, text: func(r int32) string { return sh.money(ps.Cum[r]) },
			sort: func(r int32) float64 { return float64(ps.Cum[r]) }},
	}
	if ps.TotalCM > 0 {
		cum = append(cum, gridCol{id: "cumshare", title: sh.t("col.cumshare"), right: true, text: func(r int32) string { return sh.pct(ps.CumShare(int(r))) },
			sort: func(r int32) float64 { return ps.CumShare(int(r)) }})
	}
	// rank, customer, name, profit, cumulative profit …, then the rest
	cols = append(cols, lead[:3]...)
	cols = append(cols, cum...)
	cols = append(cols, lead[3:]...)
	p.grid.setData(cols, rows)
}

func (p *profitPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.grid.SetSize(w, p.tableH())
}

// tableH is the table's share of the pane: the curve gets a little more
// than half.
func (p *profitPane) tableH() int { return max(4, (p.h-2)*9/20) }

func (p *profitPane) Typing() bool { return p.grid.Typing() }

func (p *profitPane) Update(msg tea.KeyMsg) tea.Cmd {
	cmd, _ := p.grid.Update(msg)
	return cmd
}

// Selection exports the filtered customers.
func (p *profitPane) Selection() ([]int32, string) { return p.grid.selection() }

func (p *profitPane) View() string {
	sh := p.sh
	ps := sh.A.Profit
	if !ps.Basis.Known() {
		return strings.Join(wrap(sh.St.Warn.Render(sh.t("profit.na"))+" "+sh.note(ps.Note), p.w), "\n")
	}
	head := sh.tf("profit.head", sh.St.Bold.Render(sh.t("Whale curve")), sh.name(ps.Basis.String()), sh.money(ps.Peak), sh.pct(ps.PeakPct),
		sh.money(ps.TotalCM), fmtInt(ps.Profitable), fmtInt(ps.BreakEven), fmtInt(ps.Loss), sh.money(ps.Destroyed), sh.pct(ps.DestroyedPct))
	lines := wrap(head, p.w)
	if ps.Note != "" {
		lines = append(lines, wrap(sh.St.Dim.Render(sh.note(ps.Note)), p.w)...)
	}
	// how concentrated revenue is: the top 10 customers and the Herfindahl index
	for _, t := range sh.A.Concentration.Top {
		if c := sh.A.Concentration; t.N == 10 && !math.IsNaN(c.HHIRevenue) {
			lines = append(lines, ansiTruncate(sh.St.Dim.Render(sh.tf("profit.conc", sh.pct(t.RevenueShare), sh.fnum(c.HHIRevenue, 4),
				sh.fnum(c.EquivRevenue, 1))), p.w))
		}
	}
	tableH := p.tableH()
	plotH := p.h - len(lines) - tableH - 1
	lines = append(lines, p.curve(p.w, plotH)...)
	lines = append(lines, p.grid.Status(sh.t("customers")))
	lines = append(lines, strings.Split(p.grid.View(), "\n")...)
	return strings.Join(lines, "\n")
}

// curve is the whale curve: x the share of customers (most profitable
// first), y the cumulative profit as a share of the total (in money when
// the total is not positive), labelled every 20 %.
func (p *profitPane) curve(w, h int) []string {
	sh := p.sh
	ps := sh.A.Profit
	n := len(ps.Order)
	if n == 0 || h < 5 {
		return nil
	}
	y := func(k int) float64 {
		if ps.TotalCM > 0 {
			return ps.CumShare(k)
		}
		return float64(ps.Cum[k]) / float64(sh.A.Led.Scale())
	}
	step := max(1, n/(4*w))
	var xs, ys []float64
	for k := 0; k < n; k += step {
		xs, ys = append(xs, float64(k+1)/float64(n)), append(ys, y(k))
	}
	xs, ys = append(xs, 1), append(ys, y(n-1))
	pl := plot{xs: xs, ys: ys, xlabel: sh.t("share of customers") + " 100%"}
	if ps.TotalCM > 0 {
		pl.ticks, pl.yfmt = shareTicks(ys), func(v float64) string { return sh.fnum(100*v, 0) + "%" }
	} else {
		pl.ticks = moneyTicks(ys)
		pl.yfmt = func(v float64) string { return model.FormatMoney(int64(v), 0) }
	}
	return pl.render(w, h)
}

func (p *profitPane) ShortHelp() []key.Binding {
	k := p.sh.Keys
	if p.grid.Typing() {
		return []key.Binding{k.Enter, k.Back}
	}
	return []key.Binding{k.Up, k.Left, k.End, k.Enter, k.Filter, k.Sort, k.Freq, k.Export, k.Help, k.Quit}
}

func (p *profitPane) FullHelp() [][]key.Binding { return [][]key.Binding{p.sh.Keys.tableKeys()} }
