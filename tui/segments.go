package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mattn/go-runewidth"
)

func (m *Model) segmentsView(w, h int) string {
	a := m.a
	sc := m.currentScheme()
	rows, total := a.SegmentPL(sc)
	var b strings.Builder
	b.WriteString(fmt.Sprintf("%s: ◂ %s ▸  %s\n", m.t("Scheme"), m.st.Bold.Render(m.t(sc.Title)), m.st.Dim.Render(sc.Note)))
	noProfit := !a.Profit.Basis.Known()
	noRisk := !a.Risk.Available
	cols := []Column{{Title: m.t("Segment"), Max: 22}, {Title: m.t("Customers"), Right: true}, {Title: m.t("Share"), Right: true},
		{Title: m.t("Revenue"), Right: true}, {Title: m.t("Share"), Right: true}, {Title: m.t("Profit"), Right: true},
		{Title: m.t("Margin"), Right: true}, {Title: m.t("Avg CLV"), Right: true}, {Title: m.t("Net AR"), Right: true}, {Title: m.t("ECL"), Right: true},
		{Title: m.t("Open AR"), Right: true}, {Title: m.t("Unapplied"), Right: true}}
	var cells [][]string
	for _, r := range append(slices.Clone(rows), total) {
		profit, margin := m.money(r.CM), pct(r.CMPct)
		if noProfit {
			profit, margin = "n/a", "n/a"
		}
		avgCLV := "n/a"
		if r.Customers > 0 && a.CLVInfo.Known {
			avgCLV = m.money(r.AvgCLV)
		}
		ar, ecl, gross, unapplied := m.money(r.NetAR), m.money(r.ECL), m.money(r.OpenAR), m.money(r.Unapplied)
		if noRisk {
			ar, ecl, gross, unapplied = "n/a", "n/a", "n/a", "n/a"
		}
		cells = append(cells, []string{m.t(r.Segment), fmtInt(r.Customers), pct(r.CustomerShare), m.money(r.Revenue), pct(r.RevenueShare),
			profit, margin, avgCLV, ar, ecl, gross, unapplied})
	}
	sel := m.segSel
	tb := &table{cols: cols, rows: cells, selected: sel, sortCol: -1, width: w}
	// rows that fit: leave room for the chart when there is space
	maxRows := h - 3
	if len(cells) > maxRows {
		off := max(0, min(sel-maxRows/2, len(cells)-maxRows))
		tb.rows, tb.selected = cells[off:off+maxRows], sel-off
	}
	b.WriteString(tb.render(m.st))
	left := h - 2 - len(tb.rows) - 1
	if left >= 4 {
		b.WriteString("\n\n" + m.shareChart(rows, w, left-1))
	}
	return b.String()
}

// shareChart compares each segment's share of customers, revenue and profit.
func (m *Model) shareChart(rows []segRow, w, h int) string {
	var b strings.Builder
	legend := fmt.Sprintf("%s customers  %s revenue  %s profit", m.st.Bars[0].Render("░"), m.st.Bars[1].Render("█"), m.st.Bars[2].Render("▓"))
	b.WriteString(legend)
	labelW := 0
	for _, r := range rows {
		labelW = max(labelW, runewidth.StringWidth(m.t(r.Segment)))
	}
	labelW = min(labelW, 18)
	barW := max(5, w-labelW-12)
	lines := 1
	for _, r := range rows {
		if lines+3 > h {
			break
		}
		if r.Customers == 0 {
			continue
		}
		label := padTo(m.t(r.Segment), labelW, false)
		b.WriteString("\n" + label + " " + m.st.Bars[0].Render(padTo(strings.ReplaceAll(bar(r.CustomerShare, barW), "█", "░"), barW, false)) + " " + pct(r.CustomerShare))
		b.WriteString("\n" + strings.Repeat(" ", labelW) + " " + m.st.Bars[1].Render(padTo(bar(r.RevenueShare, barW), barW, false)) + " " + pct(r.RevenueShare))
		if m.a.Profit.Basis.Known() {
			profit := bar(r.CMShare, barW)
			b.WriteString("\n" + strings.Repeat(" ", labelW) + " " + m.st.Bars[2].Render(padTo(strings.ReplaceAll(profit, "█", "▓"), barW, false)) + " " + pct(r.CMShare))
			lines++
		}
		lines += 2
	}
	return b.String()
}
