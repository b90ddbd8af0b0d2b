package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"ledgerlens/model"
)

// comparePane shows the baseline and the current parameters side by side
// for the scheme on screen (model.Compare): each segment's figures and
// changes with a total row, and the migration matrix (customers from each
// baseline segment to each current one). < > move between the two tables;
// both scroll.
type comparePane struct {
	sh     *Shared
	cmp    model.Comparison
	period *model.PeriodChange  // the baseline is an earlier as-of date: customers gained, lost, kept
	warns  []model.EarlyWarning // of the scheme on screen
	err    string
	table  *grid
	mig    *grid
	focus  int // 0 table, 1 migration
	w, h   int
}

func newComparePane(sh *Shared) *comparePane {
	return &comparePane{sh: sh, table: newGrid(sh), mig: newGrid(sh)}
}

func signed(s string) string {
	if s != "" && s[0] != '-' && strings.Trim(s, "0.,") != "" && s != "n/a" {
		return "+" + s
	}
	return s
}

func (p *comparePane) Refresh() {
	sh := p.sh
	sc := sh.scheme()
	cmp, err := model.Compare(sh.BaseA, sh.A, sc.Key)
	p.cmp, p.err, p.period, p.warns = cmp, "", nil, nil
	if pc, err := model.ComparePeriods(sh.BaseA, sh.A); err == nil {
		p.period = &pc
	}
	for _, x := range model.EarlyWarnings(sh.BaseA, sh.A) {
		if x.Scheme == sc.Key {
			p.warns = append(p.warns, x)
		}
	}
	if err != nil {
		p.err = sh.tf("cmp.noscheme", sh.name(sc.Title))
		return
	}
	d := func(r int32) model.SegmentDelta {
		if r < 0 {
			return p.cmp.Total
		}
		return p.cmp.Segments[r]
	}
	profitKnown := sh.A.Profit.Basis.Known() && sh.BaseA.Profit.Basis.Known()
	clvKnown := sh.A.CLVInfo.Known && sh.BaseA.CLVInfo.Known
	money := func(id, title string, get func(x model.SegmentDelta) model.Money, known bool, delta bool) gridCol {
		return gridCol{id: id, title: title, right: true, text: func(r int32) string {
			if !known {
				return sh.t("n/a")
			}
			s := sh.money(get(d(r)))
			if delta {
				s = signed(s)
			}
			return s
		}, sort: func(r int32) float64 { return float64(get(d(r))) }}
	}
	count := func(id, title string, get func(x model.SegmentDelta) int, delta bool) gridCol {
		return gridCol{id: id, title: title, right: true, text: func(r int32) string {
			s := fmtInt(get(d(r)))
			if delta {
				s = signed(s)
			}
			return s
		}, sort: func(r int32) float64 { return float64(get(d(r))) }}
	}
	base, now, delta := " "+sh.t("cmp.base"), " "+sh.t("cmp.now"), " Δ"
	cols := []gridCol{
		{id: "segment", title: sh.t("Segment"), max: 20, text: func(r int32) string { return sh.name(d(r).Segment) }},
		count("nb", "N"+base, func(x model.SegmentDelta) int { return x.Base.Customers }, false),
		count("nn", "N"+now, func(x model.SegmentDelta) int { return x.Cur.Customers }, false),
		count("nd", "N"+delta, func(x model.SegmentDelta) int { return x.Customers }, true),
		money("rb", sh.t("Revenue")+base, func(x model.SegmentDelta) model.Money { return x.Base.Revenue }, true, false),
		money("rn", sh.t("Revenue")+now, func(x model.SegmentDelta) model.Money { return x.Cur.Revenue }, true, false),
		money("rd", sh.t("Revenue")+delta, func(x model.SegmentDelta) model.Money { return x.Revenue }, true, true),
		money("pb", sh.t("Profit")+base, func(x model.SegmentDelta) model.Money { return x.Base.CM }, profitKnown, false),
		money("pn", sh.t("Profit")+now, func(x model.SegmentDelta) model.Money { return x.Cur.CM }, profitKnown, false),
		money("pd", sh.t("Profit")+delta, func(x model.SegmentDelta) model.Money { return x.Profit }, profitKnown, true),
		money("cb", sh.t("Σ CLV")+base, func(x model.SegmentDelta) model.Money { return x.Base.TotalCLV }, clvKnown, false),
		money("cn", sh.t("Σ CLV")+now, func(x model.SegmentDelta) model.Money { return x.Cur.TotalCLV }, clvKnown, false),
		money("cd", sh.t("Σ CLV")+delta, func(x model.SegmentDelta) model.Money { return x.TotalCLV }, clvKnown, true),
	}
	var rows []int32
	for i, s := range p.cmp.Segments {
		if s.Base.Customers > 0 || s.Cur.Customers > 0 {
			rows = append(rows, int32(i))
		}
	}
	p.table.total = func(c gridCol, _ []int32) string { return c.text(-1) }
	p.table.setData(cols, rows)

	// migration: rows baseline segments, columns current ones (only those
	// with customers on either side)
	mg := p.cmp.Migration
	rowN, colN := make([]int, len(mg.From)), make([]int, len(mg.To))
	for i := range mg.From {
		for j := range mg.To {
			rowN[i] += mg.Counts[i][j]
			colN[j] += mg.Counts[i][j]
		}
	}
	var from, to []int
	for i, n := range rowN {
		if n > 0 {
			from = append(from, i)
		}
	}
	for j, n := range colN {
		if n > 0 {
			to = append(to, j)
		}
	}
	mcols := []gridCol{{id: "from", title: sh.t("from \\ to"), max: 18, text: func(r int32) string { return sh.name(mg.From[r]) }}}
	for _, j := range to {
		mcols = append(mcols, gridCol{id: "to:" + mg.To[j], title: sh.name(mg.To[j]), right: true, max: 12,
			text: func(r int32) string {
				if mg.Counts[r][j] == 0 {
					return "·"
				}
				return fmtInt(mg.Counts[r][j])
			}, sort: func(r int32) float64 { return float64(mg.Counts[r][j]) }})
	}
	rowsM := make([]int32, len(from))
	for k, i := range from {
		rowsM[k] = int32(i)
	}
	p.mig.setData(mcols, rowsM)
	p.layout()
}

func (p *comparePane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.layout()
}

// layout splits the height between the two tables: the segment table gets
// what its rows need, up to half; the matrix the rest.
func (p *comparePane) layout() {
	avail := max(6, p.h-5) // scheme, changes, matrix title, moved, gap
	th := min(len(p.table.all)+2, max(3, avail/2))
	p.table.SetSize(p.w, th)
	p.mig.SetSize(p.w, max(3, avail-th))
}

func (p *comparePane) Typing() bool { return p.table.Typing() || p.mig.Typing() }

func (p *comparePane) Update(msg tea.KeyMsg) tea.Cmd {
	g := p.table
	if p.focus == 1 {
		g = p.mig
	}
	if !g.Typing() && key.Matches(msg, p.sh.Keys.Switch) {
		p.focus = 1 - p.focus
		return nil
	}
	cmd, _ := g.Update(msg)
	return cmd
}

func (p *comparePane) View() string {
	sh := p.sh
	sc := sh.scheme()
	if p.err != "" {
		return p.err
	}
	lines := []string{ansiTruncate(sh.tf("cmp.head", sh.St.Bold.Render(sh.name(sc.Title))), p.w)}
	var diffs []string
	for _, s := range model.Specs {
		if a, b := s.Get(&sh.Baseline), s.Get(&sh.Params); a != b {
			diffs = append(diffs, s.Key+" "+a+" → "+b)
		}
	}
	if len(diffs) == 0 {
		diffs = []string{sh.t("cmp.nodiff")}
	}
	lines = append(lines, sh.St.Dim.Render(ansiTruncate(strings.Join(diffs, " · "), p.w)))
	lines = append(lines, strings.Split(p.table.View(), "\n")...)
	mg := p.cmp.Migration
	moved := sh.tf("cmp.moved", fmtInt(mg.Moved))
	if pc := p.period; pc != nil {
		moved += "; " + sh.tf("cmp.period", fmtInt(pc.Gained), fmtInt(pc.Lost), fmtInt(pc.Kept))
	} else if mg.Unmatched > 0 {
		moved += "; " + sh.tf("cmp.unmatched", fmtInt(mg.Unmatched))
	}
	title := sh.t("Migration")
	if p.focus == 1 {
		title = "[" + title + "]"
	}
	lines = append(lines, ansiTruncate(sh.St.Bold.Render(title)+" · "+moved+sh.St.Dim.Render(" "+sh.t("cmp.mignote")), p.w))
	lines = append(lines, strings.Split(p.mig.View(), "\n")...)
	for _, x := range p.warns {
		lines = append(lines, ansiTruncate("⚠ "+sh.St.Bold.Render(sh.t("cmp.warn"))+": "+sh.name(x.Segment)+" "+
			sh.t(warnNames[x.Figure])+" "+sh.pct(x.Then)+" → "+sh.pct(x.Now), p.w))
	}
	return strings.Join(lines, "\n")
}

// warnNames are the catalogue keys of the early warnings' figures.
var warnNames = map[string]string{"returns_share": "warn.returns_share", "overdue_share": "warn.overdue_share", "loss_rate": "warn.loss_rate"}

func (p *comparePane) ShortHelp() []key.Binding {
	k := p.sh.Keys
	return []key.Binding{k.Scheme, k.Switch, k.Up, k.Left, k.Compare, k.Baseline, k.Undo, k.Help, k.Quit}
}

func (p *comparePane) FullHelp() [][]key.Binding {
	return [][]key.Binding{append([]key.Binding{p.sh.Keys.Switch}, p.sh.Keys.tableKeys()...)}
}
