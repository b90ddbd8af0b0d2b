package tui

import (
	"fmt"
	"ledgerlens/termtext"
	"strings"

	"ledgerlens/model"
)

func (m *Model) profitView(w, h int) string {
	a := m.a
	ps := a.Profit
	var lines []string
	if !ps.Basis.Known() {
		return m.st.Warn.Render("Profit n/a: ") + ps.Note
	}
	note := ""
	if ps.Note != "" {
		note = " — " + ps.Note
	}
	lines = append(lines, fmt.Sprintf("%s: %s · peak %s (%s of total %s) · %s profitable, %s break-even, %s loss · loss customers destroy %s (%s)%s",
		m.st.Bold.Render(m.t("Whale curve")), ps.Basis, m.money(ps.Peak), pct(ps.PeakPct), m.money(ps.TotalCM),
		fmtInt(ps.Profitable), fmtInt(ps.BreakEven), fmtInt(ps.Loss), m.money(ps.Destroyed), pct(ps.DestroyedPct), note))
	// the curve: x = share of customers, y = cumulative profit (share when total > 0)
	n := len(ps.Order)
	step := max(1, n/400)
	var xs, ys []float64
	for k := 0; k < n; k += step {
		xs = append(xs, float64(k+1)/float64(n))
		ys = append(ys, m.yWhale(ps, k))
	}
	xs = append(xs, 1)
	ys = append(ys, m.yWhale(ps, n-1))
	yf := func(v float64) string {
		if ps.TotalCM > 0 {
			return fmt.Sprintf("%.0f%%", 100*v)
		}
		return model.FormatMoney(int64(v), 0)
	}
	plotH := max(3, min(14, h-12))
	lines = append(lines, strings.Split(braille(xs, ys, min(w, 90), plotH, yf, m.t("share of customers")+" 100%"), "\n")...)
	// top profit and loss customers
	lines = append(lines, "", m.st.Bold.Render("Top profit")+strings.Repeat(" ", 30)+m.st.Bold.Render("Top loss"))
	ids := a.Led.Customers.ID
	id := func(c int32) string { return termtext.Clean(ids[c]) }
	for k := 0; k < 5 && k < n; k++ {
		top, bottom := ps.Order[k], ps.Order[n-1-k]
		left := padTo(fmt.Sprintf("%s %s", id(top), m.money(a.CM[top])), 38, false)
		right := ""
		if a.CM[bottom] < 0 {
			right = fmt.Sprintf("%s %s", id(bottom), m.money(a.CM[bottom]))
		}
		lines = append(lines, left+right)
	}
	off := min(m.profOff, max(0, len(lines)-h))
	return strings.Join(lines[off:], "\n")
}

func (m *Model) yWhale(ps model.ProfitSummary, k int) float64 {
	if ps.TotalCM > 0 {
		return ps.CumShare(k)
	}
	return float64(ps.Cum[k]) / float64(m.a.Led.Scale())
}

func (m *Model) riskView(w, h int) string {
	a := m.a
	r := a.Risk
	var lines []string
	if !r.Available {
		lines = append(lines, m.st.Warn.Render(r.Why))
	} else {
		lines = append(lines, fmt.Sprintf("%s (%s) · open invoices %s in %s, %s past due · unapplied credits %s · net %s",
			m.st.Bold.Render(m.t("Aging")), r.Method, m.money(r.TotalAR), fmtInt(r.OpenInvoices), fmtInt(r.PastDue), m.money(r.Unapplied), m.money(r.NetAR)))
		lines = append(lines, m.st.Dim.Render("loss rates: "+r.RateSource))
		maxBal := model.Money(1)
		for _, v := range r.BucketTotal {
			maxBal = max(maxBal, v)
		}
		barW := max(5, min(30, w-60))
		for k, label := range r.Buckets {
			share := float64(r.BucketTotal[k]) / float64(maxBal)
			lines = append(lines, fmt.Sprintf("  %-10s %16s %s  %6s  ECL %s", label, m.money(r.BucketTotal[k]), padTo(bar(share, barW), barW, false),
				pct(r.LossRates[k]), m.money(r.BucketECL[k])))
		}
		lines = append(lines, fmt.Sprintf("  %-10s %16s %s          ECL %s", m.t("Total"), m.money(r.TotalAR), strings.Repeat(" ", barW), m.money(r.TotalECL)))
		lines = append(lines, fmt.Sprintf("  %-10s %16s   %s", m.t("Unapplied"), m.money(r.Unapplied), m.st.Dim.Render("credit notes not applied to an invoice")),
			fmt.Sprintf("  %-10s %16s", m.t("Net AR"), m.money(r.NetAR)))
		other := "simple 3-month " + fnum(r.DSOSimple, 1)
		if a.Params.DSOMethod == "simple" {
			other = "count-back " + fnum(r.DSOCountBack, 1)
		}
		lines = append(lines, fmt.Sprintf("DSO (%s) %s · %s · best possible %s · average days delinquent %s · open AR %s days past due on average",
			r.DSOMethod, fnum(r.DSO1, 1), other, fnum(r.BPDSO, 1), fnum(r.ADD, 1), fnum(r.TotalOpenDBT, 1)))
		lines = append(lines, "", m.st.Bold.Render(m.t("Credit risk")))
		ids := a.Led.Customers.ID
		cols := []Column{{Title: m.t("Customer")}, {Title: m.t("Grade")}, {Title: m.t("Score"), Right: true}, {Title: m.t("Open AR"), Right: true},
			{Title: "> 30 dpd", Right: true}, {Title: "Util.", Right: true}, {Title: "Expected loss", Right: true}, {Title: "Action"}}
		var rows [][]string
		for _, c := range top(a.CreditRisk, 8) {
			rows = append(rows, []string{ids[c], model.Grades[r.Grade[c]], fnum(r.Score[c], 1), m.money(r.CustAR[c]), m.money(r.Overdue30[c]),
				pct(r.Util[c]), m.money(r.EL[c]), model.GradeAction(r.Grade[c])})
		}
		lines = append(lines, strings.Split((&table{cols: cols, rows: rows, selected: -1, sortCol: -1, width: w}).render(m.st), "\n")...)
		lines = append(lines, "", fmt.Sprintf("%s: %s (≥ %d days past due or credit-impaired)", m.st.Bold.Render(m.t("Write-off candidates")), fmtInt(len(r.WriteOffs)), a.Params.WriteoffDPD))
		for _, it := range r.WriteOffs[:min(3, len(r.WriteOffs))] {
			lines = append(lines, fmt.Sprintf("  %s due %s, %d days past due, %s open", termtext.Clean(ids[it.Cust]), it.Due, it.DPD, m.money(it.Open)))
		}
	}
	lines = append(lines, "", m.st.Bold.Render(m.t("Churn risk")))
	ids := a.Led.Customers.ID
	for _, c := range top(a.ChurnRisk, 8) {
		pa := ""
		if a.PAlive != nil {
			pa = "P(alive) " + pct(a.PAlive[c]) + " · "
		}
		lines = append(lines, fmt.Sprintf("  %-12s %-10s %svalue at risk %s", termtext.Clean(ids[c]), m.t(a.Churn[c].String()), pa, m.amount(a.ValueAtRisk[c])))
	}
	off := min(m.riskOff, max(0, len(lines)-h))
	m.riskOff = off
	return strings.Join(lines[off:], "\n")
}

func top(v []int32, n int) []int32 { return v[:min(n, len(v))] }
