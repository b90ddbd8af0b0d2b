package tui

import (
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"ledgerlens/model"
	"ledgerlens/termtext"
)

// cardPane shows every figure of one customer and how it was computed. It
// opens over any pane (enter on a customer) and esc closes it.
type cardPane struct {
	sh   *Shared
	cust int32
	off  int
	w, h int
	docs struct { // from the database, for a customer-level ledger (Config.Documents)
		state int
		list  []Document
		err   error
	}
}

// The states of a card's documents fetched from the database.
const (
	docsNone = iota
	docsLoading
	docsDone
	docsMasked
)

func (p *cardPane) Refresh()         {}
func (p *cardPane) Typing() bool     { return false }
func (p *cardPane) SetSize(w, h int) { p.w, p.h = w, h }

func (p *cardPane) Update(msg tea.KeyMsg) tea.Cmd {
	k := p.sh.Keys
	n := len(p.lines())
	switch {
	case key.Matches(msg, k.Down):
		p.off++
	case key.Matches(msg, k.Up):
		p.off--
	case key.Matches(msg, k.PageDown):
		p.off += p.h - 1
	case key.Matches(msg, k.PageUp):
		p.off -= p.h - 1
	case key.Matches(msg, k.Home):
		p.off = 0
	case key.Matches(msg, k.End):
		p.off = n
	}
	p.off = max(0, min(p.off, n-p.h))
	return nil
}

func (p *cardPane) View() string {
	lines := p.lines()
	off := max(0, min(p.off, len(lines)-p.h))
	return strings.Join(lines[off:], "\n")
}

func (p *cardPane) ShortHelp() []key.Binding {
	k := p.sh.Keys
	return []key.Binding{k.Back, k.Up, k.PageDown, k.Help, k.Quit}
}

func (p *cardPane) FullHelp() [][]key.Binding {
	k := p.sh.Keys
	return [][]key.Binding{{k.Back, k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}}
}

// lines is the card's text; long lines wrap at the pane's width.
func (p *cardPane) lines() []string {
	sh := p.sh
	a := sh.A
	b := a.Base
	c := int(p.cust)
	cs := &a.Led.Customers
	var lines []string
	add := func(s string) {
		for _, l := range wrap(s, p.w-2) {
			lines = append(lines, "  "+l)
		}
	}
	head := func(s string) { lines = append(lines, "", sh.St.Bold.Render(s)) }
	doc := func(date model.Day, net model.Money, n int, no string) { // one line, not wrapped: the amounts stay aligned
		count := sh.tf("card.lines", n)
		if n == 1 {
			count = sh.t("card.line")
		}
		amount := sh.money(net)
		s := date.String() + "  " + padTo(amount, max(14, ansi.StringWidth(amount)), true) + "  " + padTo(count, max(9, ansi.StringWidth(count)), false) + "  " + termtext.Clean(no)
		lines = append(lines, "  "+ansiTruncate(strings.TrimRight(s, " "), max(1, p.w-2)))
	}
	lines = append(lines, sh.St.Header.Render(termtext.Clean(cs.ID[c]))+"  "+termtext.Clean(cs.Name[c])+"   "+sh.St.Dim.Render(sh.t("card.back")))
	var attrs []string
	for _, f := range []string{"region", "industry", "channel", "type"} {
		fd, ok := a.Field(f)
		if !ok {
			continue
		}
		if v := fd.Get(a, c); v.OK && v.Text != "" {
			attrs = append(attrs, sh.name(fd.Label)+" "+termtext.Clean(v.Text))
		}
	}
	if len(attrs) > 0 {
		lines = append(lines, strings.Join(attrs, " · "))
	}
	var mix []string // what it buys where: channel and category mix
	for _, f := range []string{"channel_mix", "categories", "top_category"} {
		if fd, ok := a.Field(f); ok {
			if v := fd.Get(a, c); v.OK {
				mix = append(mix, sh.name(fd.Label)+": "+termtext.Clean(sh.value(fd, v)))
			}
		}
	}
	if len(mix) > 0 {
		lines = append(lines, wrap(strings.Join(mix, " · "), p.w)...)
	}
	head(sh.t("Segments"))
	var segs []string
	for i := range a.Schemes {
		sc := &a.Schemes[i]
		segs = append(segs, sh.name(sc.Title)+": "+sh.name(sc.Segments[sc.Assign[c]]))
	}
	for i := 0; i < len(segs); i += 3 {
		add(strings.Join(segs[i:min(i+3, len(segs))], " · "))
	}
	head("RFM")
	if a.RScore[c] == 0 {
		add(sh.tf("card.rfmnone", sh.money(a.Revenue[c])))
	} else {
		add(sh.tf("card.recency", a.R[c], a.AsOf, b.LastPurchase[c], a.RScore[c]))
		add(sh.tf("card.fm", a.F[c], a.FScore[c], sh.amount(a.M[c]), a.MScore[c]))
	}
	head(sh.t("Profit"))
	est := ""
	if a.CostEstimated[c] {
		est = " " + sh.t("card.estimated")
	}
	switch a.Profit.Basis {
	case model.ProfitUnavailable:
		add(sh.tf("card.profitna", sh.money(a.Revenue[c]), sh.note(a.Profit.Note)))
	case model.ProfitRevenueLessCTS:
		add(sh.tf("card.revlesscts", sh.money(a.Revenue[c]), sh.money(a.CTS[c]), b.PurchaseDocs[c], b.Lines[c], b.ReturnDocs[c], sh.money(a.CM[c])))
	default:
		add(sh.tf("card.gm", sh.money(a.Revenue[c]), sh.money(a.COGS[c]), est, sh.money(a.GM[c])))
		add(sh.tf("card.cm", sh.money(a.CTS[c]), b.PurchaseDocs[c], b.Lines[c], b.ReturnDocs[c], sh.money(a.CM[c])))
	}
	head(sh.t("CLV"))
	add(sh.note(a.CLVInfo.Label))
	if md := a.Model; md != nil && md.OK {
		s := md.Summary
		add(sh.tf("card.bg", s.X[c], s.Tx[c], s.T[c], sh.name(md.Unit), sh.amount(s.Mbar[c])))
		add(sh.tf("card.bgclv", sh.pct(a.PAlive[c]), a.Params.ExpPurchasesDays, sh.fnum(a.ExpPurchases[c], 2), sh.amount(a.Spend[c]), sh.money(a.CLVMoney[c])))
		if hist := a.AliveHistory(c, 2*p.w); len(hist) > 1 {
			add(sh.t("card.alivehist"))
			lines = append(lines, aliveChart(hist, p.w-2, 9)...)
		}
	} else if a.CLVInfo.Known { // else the label above says why there is none
		add(sh.tf("card.simpleclv", a.CLVInfo.Multiple, sh.money(a.CLVMoney[c])))
	}
	head(sh.t("Churn"))
	if a.Churn[c] == model.ChurnNoPurchases {
		add(sh.name("No purchases"))
	} else {
		add(sh.tf("card.churn", sh.name(a.Churn[c].String()), a.R[c], sh.fnum(a.IPT[c], 1), sh.fnum(a.ChurnRatio[c], 2), a.Params.ChurnAtRiskRatio, a.Params.ChurnLapsedRatio))
		if a.ChurnConflict[c] {
			add(sh.tf("card.conflict", sh.pct(a.PAlive[c]), sh.name(model.PAliveBand(a.PAlive[c], a.Params).String())))
		}
	}
	if r := a.Risk; r.Available {
		head(sh.t("Credit"))
		comp := a.ScoreComponents(c)
		wt := a.Params.ScoreWeights
		add(sh.tf("card.score", r.Score[c], wt[0], comp[0], wt[1], comp[1], wt[2], comp[2], wt[3], comp[3], wt[4], comp[4]))
		if r.Cap[c] != model.CapNone {
			add(sh.t("card.override") + ": " + sh.note(r.Cap[c].String()))
		}
		add(sh.tf("card.grade", model.Grades[r.Grade[c]], sh.name(model.GradeAction(r.Grade[c])), sh.pct(r.Util[c]), sh.name(r.UtilState[c].String()), dsoText(sh, r.DSO[c]), sh.fnum(r.DBT[c], 1)))
		if bk := r.CustBuckets.Of(c); bk != nil {
			var parts []string
			for k, v := range bk {
				if v != 0 {
					parts = append(parts, sh.name(r.Buckets[k])+" "+sh.money(v))
				}
			}
			add(sh.tf("card.aging", strings.Join(parts, ", "), sh.money(r.CustECL[c]), sh.money(r.EL[c])))
		}
		if r.CustUnapplied[c] != 0 {
			add(sh.tf("card.unapplied", sh.money(r.CustAR[c]), sh.money(r.CustUnapplied[c]), sh.money(r.CustAR[c]+r.CustUnapplied[c])))
		}
	}
	if t := a.Led.Totals; t != nil { // a customer-level ledger: its row, no documents
		head(sh.t("card.totals"))
		orders := sh.t("n/a")
		if t.HasOrders[c] {
			orders = fmtInt(int(t.Orders[c]))
		}
		add(sh.tf("card.totalsline", sh.money(t.Sales[c]), orders, t.First[c], t.Last[c]))
		if t.HasBalance[c] {
			util := sh.t("n/a")
			if cs.HasLimit[c] && cs.CreditLimit[c] > 0 {
				util = sh.pct(float64(t.Balance[c]) / float64(cs.CreditLimit[c]))
			}
			add(sh.tf("card.balance", sh.money(t.Balance[c]), util))
		}
		if p.docs.state != docsNone {
			head(sh.t("card.recent"))
		}
		switch p.docs.state {
		case docsLoading:
			add(sh.St.Dim.Render(sh.t("card.docsloading")))
		case docsMasked:
			add(sh.St.Dim.Render(sh.t("card.docsmasked")))
		case docsDone:
			if p.docs.err != nil {
				add(sh.St.Warn.Render(sh.tf("card.docsfailed", termtext.Clean(p.docs.err.Error()))))
			} else if len(p.docs.list) == 0 {
				add(sh.t("card.docsnone"))
			}
			for _, d := range p.docs.list {
				doc(d.Date, d.Net, d.Lines, d.Doc)
			}
		}
		return lines
	}
	head(sh.t("card.recent"))
	for k := b.DocStart[c+1] - 1; k >= b.DocStart[c] && k >= b.DocStart[c+1]-8; k-- {
		doc(b.DocDate[k], b.DocNet[k], int(b.LinesOf(k)), "")
	}
	return lines
}

// dsoText shows a customer's DSO, "n/m" (not meaningful) when its sales are
// too small against its receivables (spec §5.2).
func dsoText(sh *Shared, v float64) string {
	if math.IsNaN(v) {
		return sh.t("n/m") // no unit: "n/m days" read as a number of days
	}
	return sh.fnum(v, 1) + " " + sh.t("days")
}

// aliveChart draws a customer's P(alive) history: 0–100 % against the days
// since the first purchase, purchase days marked on the axis.
func aliveChart(hist []model.AlivePoint, w, h int) []string {
	first := hist[0].Day
	pl := plot{yfmt: func(v float64) string { return model.FormatPct(v) }, ticks: []float64{0, 0.5, 1},
		xstart: first.String(), xlabel: hist[len(hist)-1].Day.String()}
	for _, pt := range hist {
		x := float64(pt.Day - first)
		pl.xs, pl.ys = append(pl.xs, x), append(pl.ys, pt.PAlive)
		if pt.Buy {
			pl.marks = append(pl.marks, x)
		}
	}
	var out []string
	for _, l := range pl.render(w, h) {
		out = append(out, "  "+l)
	}
	return out
}
