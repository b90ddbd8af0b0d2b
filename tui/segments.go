package tui

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/mattn/go-runewidth"

	"ledgerlens/model"
)

// segmentsPane is the P&L of the scheme on screen, one row per segment,
// and a chart of each segment's share of customers, revenue and profit.
type segmentsPane struct {
	sh        *Shared
	grid      *grid
	showEmpty bool
	w, h      int
}

func newSegmentsPane(sh *Shared) *segmentsPane {
	p := &segmentsPane{sh: sh, grid: newGrid(sh)}
	// the total row is the model's: the sum of every segment, the empty
	// ones included (they add nothing)
	p.grid.total = func(c gridCol, _ []int32) string { return c.text(-1) }
	p.grid.onEnter = func(r int32) tea.Cmd {
		seg := p.sh.scheme().Segments[r]
		return send(filterMsg{query: `segment="` + seg + `"`})
	}
	return p
}

// row is segment r of the scheme on screen; −1 is the total row.
func (p *segmentsPane) row(r int32) model.SegmentRow {
	sc := p.sh.scheme()
	if r < 0 || int(r) >= len(sc.Rows) {
		return sc.Total
	}
	return sc.Rows[r]
}

func (p *segmentsPane) Refresh() {
	sh, a := p.sh, p.sh.A
	noProfit := !a.Profit.Basis.Known()
	noRisk := !a.Risk.Available
	money := func(get func(r model.SegmentRow) model.Money, na bool) func(int32) string {
		return func(r int32) string {
			if na {
				return sh.t("n/a")
			}
			return sh.money(get(p.row(r)))
		}
	}
	share := func(get func(r model.SegmentRow) float64, na bool) func(int32) string {
		return func(r int32) string {
			if na {
				return sh.t("n/a")
			}
			return sh.pct(get(p.row(r)))
		}
	}
	num := func(get func(r model.SegmentRow) float64) func(int32) float64 {
		return func(r int32) float64 { return get(p.row(r)) }
	}
	mnum := func(get func(r model.SegmentRow) model.Money) func(int32) float64 {
		return func(r int32) float64 { return float64(get(p.row(r))) }
	}
	cols := []gridCol{
		{id: "segment", title: sh.t("Segment"), max: 22, text: func(r int32) string { return sh.name(p.row(r).Segment) }},
		{id: "customers", title: sh.t("col.customers"), right: true, text: func(r int32) string { return fmtInt(p.row(r).Customers) },
			sort: num(func(s model.SegmentRow) float64 { return float64(s.Customers) })},
		{id: "cshare", title: sh.t("col.custshare"), right: true, text: share(func(s model.SegmentRow) float64 { return s.CustomerShare }, false),
			sort: num(func(s model.SegmentRow) float64 { return s.CustomerShare })},
		{id: "revenue", title: sh.t("Revenue"), right: true, text: money(func(s model.SegmentRow) model.Money { return s.Revenue }, false),
			sort: mnum(func(s model.SegmentRow) model.Money { return s.Revenue })},
		{id: "rshare", title: sh.t("col.revshare"), right: true, text: share(func(s model.SegmentRow) float64 { return s.RevenueShare }, false),
			sort: num(func(s model.SegmentRow) float64 { return s.RevenueShare })},
		{id: "profit", title: sh.t("Profit"), right: true, text: money(func(s model.SegmentRow) model.Money { return s.CM }, noProfit),
			sort: mnum(func(s model.SegmentRow) model.Money { return s.CM })},
		{id: "margin", title: sh.t("Margin"), right: true, text: share(func(s model.SegmentRow) float64 { return s.CMPct }, noProfit),
			sort: num(func(s model.SegmentRow) float64 { return s.CMPct })},
		{id: "avgclv", title: sh.t("Avg CLV"), right: true, text: func(r int32) string {
			s := p.row(r)
			if s.Customers == 0 || !a.CLVInfo.Known {
				return sh.t("n/a")
			}
			return sh.money(s.AvgCLV)
		}, sort: mnum(func(s model.SegmentRow) model.Money { return s.AvgCLV })},
		{id: "clv", title: sh.t("Σ CLV"), right: true, text: money(func(s model.SegmentRow) model.Money { return s.TotalCLV }, !a.CLVInfo.Known),
			sort: mnum(func(s model.SegmentRow) model.Money { return s.TotalCLV })},
		{id: "clvpm", title: sh.t("col.pm"), right: true, text: func(r int32) string {
			if s := p.row(r); s.HasCLVPM {
				return "± " + sh.money(s.CLVPM)
			}
			return sh.t("n/a")
		}, sort: mnum(func(s model.SegmentRow) model.Money { return s.CLVPM })},
		{id: "exppurch", title: sh.t("col.exppurch"), right: true, text: func(r int32) string {
			if a.ExpPurchases == nil {
				return sh.t("n/a")
			}
			return sh.fnum(p.row(r).ExpPurchases, 1)
		}, sort: num(func(s model.SegmentRow) float64 { return s.ExpPurchases })},
		{id: "exppm", title: sh.t("col.pm"), right: true, text: func(r int32) string {
			if x := p.row(r).ExpPM; !math.IsNaN(x) {
				return "± " + sh.fnum(x, 1)
			}
			return sh.t("n/a")
		}, sort: num(func(s model.SegmentRow) float64 { return s.ExpPM })},
		{id: "riskadj", title: sh.t("col.riskadj"), right: true, text: money(func(s model.SegmentRow) model.Money { return s.RiskAdjCM }, a.RiskAdjCM == nil),
			sort: mnum(func(s model.SegmentRow) model.Money { return s.RiskAdjCM })},
		{id: "netar", title: sh.t("Net AR"), right: true, text: money(func(s model.SegmentRow) model.Money { return s.NetAR }, noRisk),
			sort: mnum(func(s model.SegmentRow) model.Money { return s.NetAR })},
		{id: "ecl", title: sh.t("ECL"), right: true, text: money(func(s model.SegmentRow) model.Money { return s.ECL }, noRisk),
			sort: mnum(func(s model.SegmentRow) model.Money { return s.ECL })},
		{id: "openar", title: sh.t("Open AR"), right: true, text: money(func(s model.SegmentRow) model.Money { return s.OpenAR }, noRisk),
			sort: mnum(func(s model.SegmentRow) model.Money { return s.OpenAR })},
		{id: "unapplied", title: sh.t("Unapplied"), right: true, text: money(func(s model.SegmentRow) model.Money { return s.Unapplied }, noRisk),
			sort: mnum(func(s model.SegmentRow) model.Money { return s.Unapplied })},
		{id: "action", title: sh.t("col.action"), max: 40, text: func(r int32) string { return sh.name(p.row(r).Action) }},
		{id: "repeat", title: sh.t("col.repeat"), right: true, text: func(r int32) string {
			if x := p.row(r).RepeatRate; !math.IsNaN(x) {
				return sh.pct(x)
			}
			return sh.t("n/a")
		}, sort: num(func(s model.SegmentRow) float64 { return s.RepeatRate })},
	}
	if b := a.Budget; b != nil && b.Scheme == sh.scheme().Key && (b.Total.HasSpend || b.Budget > 0) {
		// the marketing budget of this scheme, right after the customers
		cols = slices.Insert(cols, 2, p.budgetCols(b)...)
	}
	var rows []int32
	for i, r := range sh.scheme().Rows {
		if r.Customers > 0 || p.showEmpty {
			rows = append(rows, int32(i))
		}
	}
	p.grid.setData(cols, rows)
	p.layout()
}

// budgetCols are the marketing budget's spend, ROMI and allocation of each
// segment (budget rows follow the scheme's rows).
func (p *segmentsPane) budgetCols(b *model.Budget) []gridCol {
	sh := p.sh
	row := func(r int32) model.BudgetRow {
		if r < 0 || int(r) >= len(b.Rows) {
			return b.Total
		}
		return b.Rows[r]
	}
	ratio := func(get func(model.BudgetRow) float64) func(int32) string {
		return func(r int32) string {
			if v := get(row(r)); !math.IsNaN(v) {
				return sh.pct(v)
			}
			return sh.t("n/a")
		}
	}
	cols := []gridCol{
		{id: "spend", title: sh.t("col.spend"), right: true, text: func(r int32) string {
			if x := row(r); x.HasSpend {
				return sh.money(x.Spend)
			}
			return sh.t("n/a")
		}, sort: func(r int32) float64 { return float64(row(r).Spend) }},
		{id: "romi", title: sh.t("col.romi"), right: true, text: ratio(func(x model.BudgetRow) float64 { return x.GrossROMI }),
			sort: func(r int32) float64 { return row(r).GrossROMI }},
		{id: "clvromi", title: sh.t("col.clvromi"), right: true, text: ratio(func(x model.BudgetRow) float64 { return x.CLVROMI }),
			sort: func(r int32) float64 { return row(r).CLVROMI }},
	}
	if b.Allocated {
		cols = append(cols, gridCol{id: "alloc", title: sh.t("col.alloc"), right: true, text: func(r int32) string { return sh.money(row(r).Allocation) },
			sort: func(r int32) float64 { return float64(row(r).Allocation) }})
	}
	return cols
}

// hiddenEmpty counts the empty segments not shown.
func (p *segmentsPane) hiddenEmpty() int {
	if p.showEmpty {
		return 0
	}
	n := 0
	for _, r := range p.sh.scheme().Rows {
		if r.Customers == 0 {
			n++
		}
	}
	return n
}

func (p *segmentsPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.layout()
}

// layout gives the table the lines its rows need (up to the whole pane)
// and the chart what is left.
func (p *segmentsPane) layout() {
	need := len(p.grid.all) + 2 // header and total
	p.grid.SetSize(p.w, max(3, min(need, p.h-2)))
}

func (p *segmentsPane) Typing() bool { return p.grid.Typing() }

func (p *segmentsPane) Update(msg tea.KeyMsg) tea.Cmd {
	if !p.grid.Typing() && key.Matches(msg, p.sh.Keys.Empty) {
		p.showEmpty = !p.showEmpty
		p.Refresh()
		return nil
	}
	cmd, _ := p.grid.Update(msg)
	return cmd
}

func (p *segmentsPane) View() string {
	sh := p.sh
	sc := sh.scheme()
	var lines []string
	head := sh.t("Scheme") + ": ◂ " + sh.St.Bold.Render(sh.name(sc.Title)) + " ▸  " + sh.St.Dim.Render(sh.note(sc.Note))
	lines = append(lines, head)
	status := p.grid.Status(sh.t("segments"))
	if n := p.hiddenEmpty(); n > 0 {
		status += " · " + sh.tf("seg.emptyhidden", n)
	}
	if p.grid.Typing() {
		lines[0] = status
	} else {
		lines[0] = ansiTruncate(head, p.w)
		if p.h > 12 {
			lines = append(lines, status)
		}
	}
	lines = append(lines, strings.Split(p.grid.View(), "\n")...)
	if left := p.h - len(lines) - 1; left >= 4 {
		lines = append(lines, "")
		lines = append(lines, p.chart(p.w, left)...)
	}
	return strings.Join(lines, "\n")
}

// chart compares each segment's share of customers, revenue and profit; it
// says how many segments it could not show.
func (p *segmentsPane) chart(w, h int) []string {
	sh := p.sh
	st := sh.St
	withProfit := sh.A.Profit.Basis.Known()
	legend := st.Bars[0].Render("░") + " " + sh.t("customers") + "  " + st.Bars[1].Render("█") + " " + sh.t("revenue") + "  "
	if withProfit {
		legend += st.Bars[2].Render("▓") + " " + sh.t("profit")
	}
	lines := []string{legend}
	per := 2
	if withProfit {
		per = 3
	}
	var rows []model.SegmentRow
	for _, r := range p.grid.all {
		rows = append(rows, p.row(r))
	}
	labelW := 0
	for _, r := range rows {
		labelW = max(labelW, runewidth.StringWidth(sh.name(r.Segment)))
	}
	labelW = min(labelW, 18)
	barW := max(5, w-labelW-10)
	fits := min(len(rows), (h-2)/per)
	if fits < len(rows) {
		fits = min(len(rows), (h-1)/per)
		if fits < len(rows) {
			fits = max(0, (h-2)/per)
		}
	}
	bars := func(s float64, glyph string, style int) string {
		b := bar(s, barW)
		if glyph != "█" {
			b = strings.ReplaceAll(b, "█", glyph)
		}
		return st.Bars[style].Render(padTo(b, barW, false)) + " " + sh.pct(s)
	}
	for _, r := range rows[:fits] {
		lines = append(lines, padTo(sh.name(r.Segment), labelW, false)+" "+bars(r.CustomerShare, "░", 0),
			strings.Repeat(" ", labelW)+" "+bars(r.RevenueShare, "█", 1))
		if withProfit {
			lines = append(lines, strings.Repeat(" ", labelW)+" "+bars(r.CMShare, "▓", 2))
		}
	}
	if fits < len(rows) {
		lines = append(lines, st.Dim.Render(sh.tf("seg.chartcut", strconv.Itoa(fits), strconv.Itoa(len(rows)))))
	}
	return lines
}

func (p *segmentsPane) ShortHelp() []key.Binding {
	k := p.sh.Keys
	if p.grid.Typing() {
		return []key.Binding{k.Enter, k.Back}
	}
	return []key.Binding{k.Scheme, k.Up, k.Left, k.Enter, k.Empty, k.Compare, k.Undo, k.Export, k.Help, k.Quit}
}

func (p *segmentsPane) FullHelp() [][]key.Binding {
	return [][]key.Binding{append([]key.Binding{p.sh.Keys.Empty}, p.sh.Keys.tableKeys()...)}
}
