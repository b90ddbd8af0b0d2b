package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/mattn/go-runewidth"

	"ledgerlens/model"
)

// riskPane is the aging of receivables above one of three browsable lists:
// credit risk, write-off candidates, churn risk (< and > switch).
type riskPane struct {
	sh    *Shared
	lists [3]*grid
	which int
	w, h  int
}

const (
	listCredit = iota
	listWriteOff
	listChurn
)

var riskListNames = [3]string{"Credit risk", "Write-off candidates", "Churn risk"}

func newRiskPane(sh *Shared) *riskPane {
	p := &riskPane{sh: sh}
	for i := range p.lists {
		g := newGrid(sh)
		p.lists[i] = g
		g.filter = customerFilter(sh, g)
	}
	p.lists[listCredit].custOf = func(r int32) int32 { return sh.A.CreditRisk[r] }
	p.lists[listWriteOff].custOf = func(r int32) int32 { return sh.A.Risk.WriteOffs[r].Cust }
	p.lists[listChurn].custOf = func(r int32) int32 { return sh.A.ChurnRisk[r] }
	for _, g := range p.lists {
		g.onEnter = func(r int32) tea.Cmd { return send(openCardMsg{cust: g.custOf(r)}) }
	}
	p.lists[listCredit].total = customerTotal(sh, p.lists[listCredit].custOf)
	p.lists[listChurn].total = customerTotal(sh, p.lists[listChurn].custOf)
	return p
}

func seq(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

func (p *riskPane) Refresh() {
	sh, a := p.sh, p.sh.A
	r := a.Risk
	if r.Available {
		g := p.lists[listCredit]
		g.setData(customerCols(sh, []string{"customer", "name", "grade", "credit_score", "open", "overdue30", "util", "el", "action"}, g.custOf), seq(len(a.CreditRisk)))
		w := p.lists[listWriteOff]
		item := func(k int32) model.OpenItem { return sh.A.Risk.WriteOffs[k] }
		cols := customerCols(sh, []string{"customer", "name"}, w.custOf)
		lead := []gridCol{cols[0], cols[1],
			{id: "due", title: sh.t("col.due"), text: func(k int32) string { return item(k).Due.String() }},
			{id: "dpd", title: sh.t("col.dpd"), right: true, text: func(k int32) string { return fmtInt(item(k).DPD) },
				sort: func(k int32) float64 { return float64(item(k).DPD) }},
			{id: "itemopen", title: sh.t("col.itemopen"), right: true, text: func(k int32) string { return sh.money(item(k).Open) },
				sort: func(k int32) float64 { return float64(item(k).Open) }},
		}
		w.total = func(c gridCol, rows []int32) string {
			if c.id != "itemopen" {
				return ""
			}
			var s model.Money
			for _, k := range rows {
				s += item(k).Open
			}
			return sh.money(s)
		}
		w.setData(append(lead, cols[2:]...), seq(len(r.WriteOffs)))
	} else {
		p.which = listChurn
	}
	g := p.lists[listChurn]
	g.setData(customerCols(sh, []string{"customer", "name", "seg:churn", "palive", "recency", "spend", "clv"}, g.custOf), seq(len(a.ChurnRisk)))
	p.layout()
}

func (p *riskPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.layout()
}

func (p *riskPane) layout() {
	if p.sh.A == nil {
		return
	}
	for _, g := range p.lists {
		g.SetSize(p.w, max(3, p.h-len(p.aging())-2))
	}
}

func (p *riskPane) Typing() bool { return p.lists[p.which].Typing() }

func (p *riskPane) Update(msg tea.KeyMsg) tea.Cmd {
	g := p.lists[p.which]
	if !g.Typing() && key.Matches(msg, p.sh.Keys.Switch) && p.sh.A.Risk.Available {
		d := 1
		if msg.String() == "<" {
			d = 2
		}
		p.which = (p.which + d) % 3
		return nil
	}
	cmd, _ := g.Update(msg)
	return cmd
}

// aging is the receivables summary: full when there is room, three lines
// on a small screen.
func (p *riskPane) aging() []string {
	sh, a := p.sh, p.sh.A
	r := a.Risk
	if !r.Available {
		return wrap(sh.St.Warn.Render(sh.note(r.Why)), p.w)
	}
	var lines []string
	lines = append(lines, wrap(sh.tf("risk.head", sh.St.Bold.Render(sh.t("Aging")), sh.note(r.Method), sh.money(r.TotalAR), fmtInt(r.OpenInvoices),
		fmtInt(r.PastDue), sh.money(r.Unapplied), sh.money(r.NetAR)), p.w)...)
	other := sh.tf("risk.dsosimple", sh.fnum(r.DSOSimple, 1))
	if a.Params.DSOMethod == "simple" {
		other = sh.tf("risk.dsocountback", sh.fnum(r.DSOCountBack, 1))
	}
	dso := sh.tf("risk.dso", sh.note(r.DSOMethod), sh.fnum(r.DSO1, 1), other, sh.fnum(r.BPDSO, 1), sh.fnum(r.ADD, 1), sh.fnum(r.TotalOpenDBT, 1))
	if p.h < 26 { // compact: the buckets on one line
		var parts []string
		for k, label := range r.Buckets {
			parts = append(parts, sh.name(label)+" "+sh.money(r.BucketTotal[k]))
		}
		lines = append(lines, wrap(strings.Join(parts, " · ")+" · "+sh.t("ECL")+" "+sh.money(r.TotalECL), p.w)...)
		return append(lines, wrap(dso, p.w)...)
	}
	lines = append(lines, sh.St.Dim.Render(sh.t("risk.rates")+": "+sh.note(r.RateSource)))
	maxBal := model.Money(1)
	for _, v := range r.BucketTotal {
		maxBal = max(maxBal, v)
	}
	amtW := len(sh.money(r.TotalAR)) + 1
	labelW := 10
	for _, l := range append(r.Buckets, sh.t("Total"), sh.t("Unapplied"), sh.t("Net AR")) {
		labelW = max(labelW, runewidth.StringWidth(sh.name(l)))
	}
	barW := max(5, min(30, p.w-labelW-amtW-30))
	row := func(label, amount, barText, rate, ecl string) string {
		return "  " + padTo(label, labelW, false) + " " + padTo(amount, amtW, true) + " " + padTo(barText, barW, false) + " " +
			padTo(rate, 7, true) + "  " + ecl
	}
	for k, label := range r.Buckets {
		lines = append(lines, row(sh.name(label), sh.money(r.BucketTotal[k]), bar(float64(r.BucketTotal[k])/float64(maxBal), barW),
			sh.pct(r.LossRates[k]), sh.t("ECL")+" "+sh.money(r.BucketECL[k])))
	}
	lines = append(lines, row(sh.t("Total"), sh.money(r.TotalAR), "", "", sh.t("ECL")+" "+sh.money(r.TotalECL)),
		row(sh.t("Unapplied"), sh.money(r.Unapplied), "", "", sh.St.Dim.Render(sh.t("risk.unapplied"))),
		row(sh.t("Net AR"), sh.money(r.NetAR), "", "", ""))
	return append(lines, wrap(dso, p.w)...)
}

func (p *riskPane) View() string {
	sh := p.sh
	lines := p.aging()
	g := p.lists[p.which]
	var tabs []string
	for i, n := range riskListNames {
		if !sh.A.Risk.Available && i != listChurn {
			continue
		}
		label := sh.t(n)
		if i == listWriteOff {
			label += " (≥ " + fmtInt(sh.A.Params.WriteoffDPD) + " " + sh.t("days") + ")"
		}
		if i == p.which {
			tabs = append(tabs, sh.St.ActiveTab.Render("["+label+"]"))
		} else {
			tabs = append(tabs, sh.St.Tab.Render(" "+label+" "))
		}
	}
	head := strings.Join(tabs, " ")
	if sh.A.Risk.Available {
		head += sh.St.Dim.Render("  < >")
	}
	if g.Typing() {
		head = g.Status(sh.t("customers"))
	} else {
		head = ansiTruncate(head, p.w) + "\n" + g.Status(sh.t("rows"))
	}
	lines = append(lines, head)
	lines = append(lines, strings.Split(g.View(), "\n")...)
	return strings.Join(lines, "\n")
}

func (p *riskPane) ShortHelp() []key.Binding {
	k := p.sh.Keys
	if p.Typing() {
		return []key.Binding{k.Enter, k.Back}
	}
	return []key.Binding{k.Switch, k.Up, k.Left, k.Enter, k.Filter, k.Sort, k.Freq, k.Help, k.Quit}
}

func (p *riskPane) FullHelp() [][]key.Binding {
	return [][]key.Binding{append([]key.Binding{p.sh.Keys.Switch}, p.sh.Keys.tableKeys()...)}
}
