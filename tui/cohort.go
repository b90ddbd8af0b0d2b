package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"ledgerlens/model"
)

// cohortPane is the acquisition-cohort triangle: cohorts down, periods since
// acquisition across. Each cell carries a shade (░ ▒ ▓ █ by its quartile of
// the figure's range) beside its number, so the pattern shows without
// colour too. m cycles the figure: retention, active customers, revenue,
// cumulative revenue per customer.
type cohortPane struct {
	sh      *Shared
	c       *model.Cohorts
	measure int
	gridBelow
}

var cohortMeasures = []string{"cohort.retention", "cohort.active", "Revenue", "cohort.cumrev"}

func newCohortPane(sh *Shared) *cohortPane {
	return &cohortPane{sh: sh, gridBelow: gridBelow{grid: newGrid(sh)}}
}

// value is cohort i's figure in period k (NaN-free: empty cohorts are not shown).
func (p *cohortPane) value(i, k int) float64 {
	c := p.c
	switch p.measure {
	case 0:
		return c.Retention(i, k)
	case 1:
		return float64(c.Active[i][k])
	case 2:
		return float64(c.Revenue[i][k])
	}
	return float64(c.CumRevenuePerCustomer(i, k))
}

func (p *cohortPane) text(i, k int) string {
	c := p.c
	switch p.measure {
	case 0:
		return p.sh.pct(c.Retention(i, k))
	case 1:
		return fmtInt(c.Active[i][k])
	case 2:
		return p.sh.money(c.Revenue[i][k])
	}
	return p.sh.money(c.CumRevenuePerCustomer(i, k))
}

func (p *cohortPane) Refresh() {
	sh := p.sh
	p.c = sh.A.Cohorts()
	c := p.c
	if c == nil || len(c.Labels) == 0 {
		p.grid.setData(nil, nil)
		return
	}
	lo, hi := 0.0, 0.0
	first := true
	for i := range c.Labels {
		if c.Size[i] == 0 {
			continue
		}
		for k := range c.Active[i] {
			v := p.value(i, k)
			if first || v < lo {
				lo = v
			}
			if first || v > hi {
				hi = v
			}
			first = false
		}
	}
	shade := func(v float64) string {
		if hi <= lo {
			return "█"
		}
		return []string{"░", "▒", "▓", "█"}[min(3, int(4*(v-lo)/(hi-lo)))]
	}
	cols := []gridCol{
		{id: "cohort", title: sh.t("cohort.cohort"), text: func(r int32) string { return c.Labels[r] }},
		{id: "size", title: sh.t("col.customers"), right: true, text: func(r int32) string { return fmtInt(c.Size[r]) },
			sort: func(r int32) float64 { return float64(c.Size[r]) }},
	}
	for k := range c.Labels {
		cols = append(cols, gridCol{id: "p" + strconv.Itoa(k), title: strconv.Itoa(k), right: true,
			text: func(r int32) string {
				if k >= len(c.Active[r]) {
					return ""
				}
				return shade(p.value(int(r), k)) + " " + p.text(int(r), k)
			},
			sort: func(r int32) float64 {
				if k >= len(c.Active[r]) {
					return -1
				}
				return p.value(int(r), k)
			}})
	}
	var rows []int32
	for i := range c.Labels {
		if c.Size[i] > 0 {
			rows = append(rows, int32(i))
		}
	}
	p.grid.setData(cols, rows)
	p.layout()
}

func (p *cohortPane) Update(msg tea.KeyMsg) tea.Cmd {
	if !p.grid.Typing() && key.Matches(msg, p.sh.Keys.Measure) {
		p.measure = (p.measure + 1) % len(cohortMeasures)
		p.Refresh()
		return nil
	}
	cmd, _ := p.grid.Update(msg)
	return cmd
}

func (p *cohortPane) View() string {
	sh := p.sh
	c := p.c
	if c == nil {
		return sh.t("cohort.none")
	}
	head := sh.tf("cohort.head", sh.St.Bold.Render(sh.t(cohortMeasures[p.measure])), sh.t(map[string]string{"month": "cohort.month", "quarter": "cohort.quarter"}[c.Period]))
	note := sh.t("cohort.keys")
	if c.Partial {
		note += " · " + sh.t("cohort.partial")
	}
	if c.NoPurchase > 0 {
		note += " · " + sh.tf("cohort.nopurchase", fmtInt(c.NoPurchase))
	}
	lines := []string{ansiTruncate(head, p.w), sh.St.Dim.Render(ansiTruncate(note, p.w))}
	lines = append(lines, strings.Split(p.grid.View(), "\n")...)
	return strings.Join(lines, "\n")
}

func (p *cohortPane) ShortHelp() []key.Binding {
	k := p.sh.Keys
	return []key.Binding{k.Measure, k.Up, k.Left, k.Back, k.Help, k.Quit}
}

func (p *cohortPane) FullHelp() [][]key.Binding {
	return [][]key.Binding{append([]key.Binding{p.sh.Keys.Measure}, p.sh.Keys.tableKeys()...)}
}
