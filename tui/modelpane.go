package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/mattn/go-runewidth"

	"ledgerlens/model"
)

// modelPane shows how the count models fit the ledger: the comparison of
// BG/NBD and Pareto/NBD, their parameters with standard errors, the
// tracking chart, holdout purchases by calibration frequency, the
// calibration histogram and the P(alive) matrix. It scrolls as one page.
type modelPane struct {
	sh   *Shared
	top  int
	w, h int
}

func newModelPane(sh *Shared) *modelPane { return &modelPane{sh: sh} }

func (p *modelPane) Refresh()         {}
func (p *modelPane) SetSize(w, h int) { p.w, p.h = w, h }
func (p *modelPane) Typing() bool     { return false }

func (p *modelPane) Update(msg tea.KeyMsg) tea.Cmd {
	k := p.sh.Keys
	switch {
	case key.Matches(msg, k.Down):
		p.top++
	case key.Matches(msg, k.Up):
		p.top--
	case key.Matches(msg, k.PageDown):
		p.top += max(1, p.h-1)
	case key.Matches(msg, k.PageUp):
		p.top -= max(1, p.h-1)
	case key.Matches(msg, k.Home):
		p.top = 0
	case key.Matches(msg, k.End):
		p.top = math.MaxInt32
	}
	return nil
}

func (p *modelPane) View() string {
	lines := p.lines()
	p.top = max(0, min(p.top, len(lines)-p.h))
	end := min(len(lines), p.top+p.h)
	out := lines[p.top:end]
	if len(lines) > p.h && p.h > 1 { // say where we are, in words
		msg := "model.more"
		if end == len(lines) {
			msg = "model.last"
		}
		out = append(out[:len(out)-1], p.sh.St.Dim.Render(p.sh.tf(msg, p.top+1, end, len(lines))))
	}
	for i := range out {
		out[i] = ansiTruncate(out[i], p.w)
	}
	return strings.Join(out, "\n")
}

// lines is the whole page at the pane's width.
func (p *modelPane) lines() []string {
	sh, a := p.sh, p.sh.A
	v := a.Validation
	bold := sh.St.Bold.Render
	if v == nil && a.ModelsPending {
		return wrap(sh.St.Dim.Render(sh.t("model.pending")), p.w)
	}
	if v == nil {
		return wrap(sh.St.Warn.Render(sh.t("model.none")), p.w)
	}
	var out []string
	add := func(s ...string) { out = append(out, s...) }
	if v.Holdout > 0 {
		prec := 1
		if v.Holdout == math.Trunc(v.Holdout) {
			prec = 0
		}
		add(wrap(bold(sh.t("Model validation"))+" "+sh.tf("model.holdout", v.CalEnd, v.AsOf, sh.fnum(v.Holdout, prec), sh.name(v.Unit+"s"), fmtInt(v.Customers)), p.w)...)
	} else {
		add(wrap(bold(sh.t("Model validation"))+" "+sh.tf("model.nohold", v.AsOf, fmtInt(v.Customers)), p.w)...)
	}
	// comparison
	t := newTextTable(sh.t("col.model"), "LL", "AIC", "BIC", sh.t("col.mae"), sh.t("col.bias"), sh.t("col.predicted"), "")
	for i, f := range v.Fits {
		mark := ""
		if i == v.Best {
			mark = "◀ " + sh.t("better")
		}
		if f.Count == nil {
			why := f.Status.Err
			if f.Status.Boundary != "" {
				why = f.Status.Boundary
			}
			t.add(f.Name, sh.t("n/a"), "", "", "", "", "", sh.note(why))
			continue
		}
		t.add(f.Name, sh.fnum(f.Status.LogLik, 2), sh.fnum(f.AIC, 1), sh.fnum(f.BIC, 1), sh.fnum(f.MAE, 4), sh.pct(f.Bias), sh.fnum(f.PredictedTotal, 1), mark)
	}
	add(t.render(p.w)...)
	if v.Holdout > 0 {
		add(sh.tf("model.actual", sh.fnum(v.ActualHoldout, 0)))
	}
	if a.CLVInfo.Choice != "" {
		add(wrap(sh.note(a.CLVInfo.Choice), p.w)...)
	} else {
		add(wrap(sh.St.Dim.Render(sh.note(v.BestWhy)), p.w)...)
	}
	add("")
	// parameters with standard errors
	add(bold(sh.t("Parameters ± standard error")))
	for _, f := range v.Fits {
		if f.Count == nil {
			continue
		}
		var ps []string
		for _, q := range f.Params {
			ps = append(ps, fmt.Sprintf("%s %s ± %s", q.Name, sh.fnum(q.Value, 4), sh.fnum(q.SE, 4)))
		}
		add(wrap(f.Name+": "+strings.Join(ps, "  "), p.w)...)
		if f.Status.SENote != "" {
			add(wrap(sh.St.Dim.Render(sh.note(f.Status.SENote)), p.w)...)
		}
	}
	if m := a.Model; m != nil && m.GGStatus.Converged {
		var ps []string
		for i, name := range []string{"p", "q", "γ"} {
			se := math.NaN()
			if i < len(m.GGStatus.SE) {
				se = m.GGStatus.SE[i]
			}
			ps = append(ps, fmt.Sprintf("%s %s ± %s", name, sh.fnum([]float64{m.GG.P, m.GG.Q, m.GG.V}[i], 4), sh.fnum(se, 4)))
		}
		add(wrap("Gamma-Gamma: "+strings.Join(ps, "  ")+"  "+sh.tf("model.rho", sh.fnum(m.GGStatus.Rho, 2)), p.w)...)
		if m.GGStatus.SENote != "" {
			add(wrap(sh.St.Dim.Render(sh.note(m.GGStatus.SENote)), p.w)...)
		}
	}
	if a.CLVInfo.Interval != "" {
		add(wrap(sh.St.Dim.Render(sh.note(a.CLVInfo.Interval)), p.w)...)
	}
	add("")
	// tracking chart
	legend := "model.legend0" // no calibration end to mark
	if v.Holdout > 0 {
		legend = "model.legend"
	}
	if v.Tracking != nil {
		add(bold(sh.t("Cumulative repeat purchases")) + "  " + sh.t(legend))
		add(p.tracking(v, p.w, 12)...)
	} else {
		add(bold(sh.t("Cumulative repeat purchases")) + "  " + sh.t("model.notrack"))
	}
	add("")
	if v.Holdout > 0 {
		add(bold(sh.t("Holdout purchases per customer by calibration frequency")))
		add(p.classTable(v, v.ByFreq, 3)...)
		add("")
	}
	add(bold(sh.t("Customers by calibration frequency")))
	add(p.classTable(v, v.Histogram, 1)...)
	add("")
	add(p.heatMap()...)
	return out
}

// classTable is the per-frequency table: customers, actual, each model.
func (p *modelPane) classTable(v *model.Validation, rows []model.ClassRow, prec int) []string {
	sh := p.sh
	head := []string{sh.t("col.freq"), sh.t("Customers"), sh.t("col.actual")}
	for _, f := range v.Fits {
		head = append(head, f.Name)
	}
	t := newTextTable(head...)
	for _, r := range rows {
		cells := []string{r.Label, fmtInt(r.Customers), sh.fnum(r.Actual, prec)}
		for _, m := range r.Model {
			cells = append(cells, sh.fnum(m, prec))
		}
		t.add(cells...)
	}
	return t.render(p.w)
}

// tracking draws the cumulative curves in characters: ● actual, ○ BG/NBD,
// × Pareto/NBD (◉ where the actual and a model meet), │ the calibration
// end.
func (p *modelPane) tracking(v *model.Validation, w, h int) []string {
	pts := v.Tracking
	if len(pts) < 2 || w < 20 {
		return nil
	}
	ymax := 0.0
	for _, q := range pts {
		ymax = math.Max(ymax, q.Actual)
		for _, m := range q.Model {
			if !math.IsNaN(m) {
				ymax = math.Max(ymax, m)
			}
		}
	}
	if ymax <= 0 {
		ymax = 1
	}
	labelW := len(fmtInt(int(ymax))) + 1
	pw := w - labelW - 1
	grid := make([][]rune, h)
	for i := range grid {
		grid[i] = []rune(strings.Repeat(" ", pw))
	}
	row := func(y float64) int { return min(h-1, max(0, h-1-int(y/ymax*float64(h-1)+0.5))) }
	marks := []rune{'○', '×'}
	calCol := -1
	for c := 0; c < pw; c++ {
		i := c * (len(pts) - 1) / max(1, pw-1)
		if v.Holdout > 0 && calCol < 0 && i >= v.CalIndex {
			calCol = c
			for r := range grid {
				grid[r][c] = '│'
			}
		}
		for k, m := range pts[i].Model {
			if !math.IsNaN(m) && k < len(marks) {
				grid[row(m)][c] = marks[k]
			}
		}
		ra := row(pts[i].Actual)
		if grid[ra][c] == '○' || grid[ra][c] == '×' {
			grid[ra][c] = '◉'
		} else {
			grid[ra][c] = '●'
		}
	}
	var out []string
	for r := range grid {
		label := ""
		switch r {
		case 0:
			label = fmtInt(int(ymax))
		case h - 1:
			label = "0"
		}
		out = append(out, padTo(label, labelW, true)+"┤"+string(grid[r]))
	}
	out = append(out, strings.Repeat(" ", labelW)+"└"+strings.Repeat("─", pw))
	first, last := pts[0].Day.String(), pts[len(pts)-1].Day.String()
	out = append(out, strings.Repeat(" ", labelW+1)+first+strings.Repeat(" ", max(1, pw-len(first)-len(last)))+last)
	return out
}

// heatMap shades P(alive) by frequency (rows) × recency (columns), with
// the decile digit in every cell so that the map reads without colour.
func (p *modelPane) heatMap() []string {
	sh := p.sh
	am := sh.A.Alive
	if am == nil {
		return nil
	}
	out := []string{sh.St.Bold.Render(sh.tf("model.heat", am.Model, sh.fnum(am.T, 1)))}
	shades := []rune(" ░▒▓█")
	cols := min(len(am.Recency), max(1, (p.w-5)/2))
	for i := len(am.X) - 1; i >= 0; i-- {
		if len(am.X) > p.h && i%2 == 1 && i != len(am.X)-1 { // tall maps show every other frequency
			continue
		}
		var b strings.Builder
		b.WriteString(padTo(fmt.Sprint(am.X[i]), 3, true) + " ")
		for c := 0; c < cols; c++ {
			q := am.P[i][c*len(am.Recency)/cols]
			d := min(9, int(q*10))
			b.WriteRune(shades[min(4, int(q*5))])
			b.WriteString(fmt.Sprint(d))
		}
		out = append(out, b.String())
	}
	out = append(out, "    "+sh.tf("model.heataxis", sh.fnum(am.T, 0)))
	return out
}

func (p *modelPane) ShortHelp() []key.Binding {
	k := p.sh.Keys
	return []key.Binding{k.Up, k.Down, k.PageDown, k.Export, k.Help, k.Quit}
}

func (p *modelPane) FullHelp() [][]key.Binding {
	k := p.sh.Keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}}
}

// textTable is a small aligned table of text: the first column left, the
// rest right-aligned, widths by display width.
type textTable struct {
	head []string
	rows [][]string
}

func newTextTable(head ...string) *textTable { return &textTable{head: head} }

func (t *textTable) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *textTable) render(w int) []string {
	widths := make([]int, len(t.head))
	for _, r := range append([][]string{t.head}, t.rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], runewidth.StringWidth(c))
		}
	}
	line := func(r []string) string {
		var cells []string
		for i, c := range r {
			cells = append(cells, padTo(c, widths[i], i > 0 && t.head[i] != "")) // a column without a header is a note
		}
		return ansiTruncate(strings.TrimRight(strings.Join(cells, "  "), " "), w)
	}
	out := []string{line(t.head)}
	for _, r := range t.rows {
		out = append(out, line(r))
	}
	return out
}
