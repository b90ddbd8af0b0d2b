package tui

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"ledgerlens/model"
)

type segRow = model.SegmentRow

// customersPane holds the table state: sort, filter, selection and the
// open customer card.
type customersPane struct {
	sortCol    int
	desc       bool
	filterText string
	filterErr  string
	filtering  bool
	input      textinput.Model
	order      []int32 // filtered and sorted customers; nil = to rebuild
	sel, off   int
	card       int32 // customer shown in the card, −1 for none
	cardOff    int
}

func (c *customersPane) invalidate() { c.order = nil }

// custCol is a column of the Customers table: its title, its text and its
// sort key.
type custCol struct {
	title string
	right bool
	max   int
	min   int
	text  func(c int) string
	key   func(c int) float64 // nil: sort by text
}

func (m *Model) custCols() []custCol {
	a := m.a
	sc := m.currentScheme()
	cs := &a.Led.Customers
	cols := []custCol{
		{title: m.t("Customer"), max: 14, text: func(c int) string { return cs.ID[c] }},
		{title: m.t("Name"), max: 24, min: 16, text: func(c int) string { return cs.Name[c] }},
		{title: m.t(sc.Title), max: 18, text: func(c int) string { return m.t(sc.Segments[sc.Assign[c]]) }},
		{title: m.t("Revenue"), right: true, text: func(c int) string { return m.money(a.Revenue[c]) }, key: func(c int) float64 { return float64(a.Revenue[c]) }},
		{title: m.t("Profit"), right: true, text: func(c int) string {
			if a.Profit.Mode == "disabled" {
				return "n/a"
			}
			return m.money(a.CM[c])
		}, key: func(c int) float64 { return float64(a.CM[c]) }},
		{title: m.t("CLV"), right: true, text: func(c int) string { return amount(a.CLV[c]) }, key: func(c int) float64 { return a.CLV[c] }},
		{title: "RFM", text: func(c int) string {
			if a.RScore[c] == 0 {
				return "—"
			}
			return fmt.Sprintf("%d%d%d", a.RScore[c], a.FScore[c], a.MScore[c])
		}, key: func(c int) float64 { return float64(a.RScore[c])*100 + float64(a.FScore[c])*10 + float64(a.MScore[c]) }},
	}
	if a.PAlive != nil {
		cols = append(cols, custCol{title: m.t("P(alive)"), right: true, text: func(c int) string { return pct(a.PAlive[c]) },
			key: func(c int) float64 { return nanLow(a.PAlive[c]) }})
	}
	if a.Risk.Available {
		cols = append(cols, custCol{title: m.t("Open AR"), right: true, text: func(c int) string { return m.money(a.Risk.CustAR[c]) },
			key: func(c int) float64 { return float64(a.Risk.CustAR[c]) }},
			custCol{title: m.t("Grade"), text: func(c int) string { return model.Grades[a.Risk.Grade[c]] }, key: func(c int) float64 { return float64(a.Risk.Grade[c]) }})
	}
	return cols
}

func nanLow(v float64) float64 {
	if math.IsNaN(v) {
		return math.Inf(-1)
	}
	return v
}

// rows builds the filtered, sorted customer list (ties by id).
func (m *Model) custOrder() []int32 {
	c := &m.cust
	if c.order != nil {
		return c.order
	}
	a := m.a
	f, err := parseFilter(c.filterText)
	c.filterErr = ""
	if err != nil {
		c.filterErr = err.Error()
	}
	order := make([]int32, 0, a.N)
	for _, id := range a.IDOrder {
		if f == nil || f.match(m, int(id)) {
			order = append(order, id)
		}
	}
	cols := m.custCols()
	if c.sortCol >= len(cols) {
		c.sortCol = 0
	}
	col := cols[c.sortCol]
	sign := 1
	if c.desc {
		sign = -1
	}
	if col.key != nil {
		keys := make([]float64, a.N)
		for _, id := range order {
			keys[id] = col.key(int(id))
		}
		slices.SortStableFunc(order, func(x, y int32) int { return sign * cmp.Compare(keys[x], keys[y]) })
	} else if c.sortCol != 0 || c.desc {
		slices.SortStableFunc(order, func(x, y int32) int { return sign * strings.Compare(col.text(int(x)), col.text(int(y))) })
	}
	c.order = order
	c.sel = min(c.sel, max(0, len(order)-1))
	return order
}

func (m *Model) customersView(w, h int) string {
	if m.cust.card >= 0 {
		return m.cardView(int(m.cust.card), w, h)
	}
	c := &m.cust
	order := m.custOrder()
	cols := m.custCols()
	var b strings.Builder
	status := fmt.Sprintf("%s of %s customers", fmtInt(len(order)), fmtInt(m.a.N))
	if c.filterText != "" {
		status += " · " + m.t("filter") + ": " + c.filterText
	}
	if c.filterErr != "" {
		status += " · " + m.st.Error.Render(c.filterErr)
	}
	b.WriteString(status + "\n")
	visible := max(1, h-2)
	if c.sel < c.off {
		c.off = c.sel
	}
	if c.sel >= c.off+visible {
		c.off = c.sel - visible + 1
	}
	end := min(len(order), c.off+visible)
	tcols := make([]Column, len(cols))
	for i, col := range cols {
		tcols[i] = Column{Title: col.title, Right: col.right, Max: col.max, Min: col.min}
	}
	rows := make([][]string, 0, end-c.off)
	for _, id := range order[c.off:end] { // only visible rows are formatted
		row := make([]string, len(cols))
		for i, col := range cols {
			row[i] = col.text(int(id))
		}
		rows = append(rows, row)
	}
	tb := &table{cols: tcols, rows: rows, selected: c.sel - c.off, sortCol: c.sortCol, desc: c.desc, width: w}
	b.WriteString(tb.render(m.st))
	return b.String()
}

func (m *Model) customersKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	c := &m.cust
	if c.card >= 0 {
		switch {
		case key.Matches(msg, k.Back):
			c.card = -1
		case key.Matches(msg, k.Down):
			c.cardOff++
		case key.Matches(msg, k.Up):
			c.cardOff = max(0, c.cardOff-1)
		}
		return nil
	}
	n := len(m.custOrder())
	page := max(1, m.bodyH-2)
	switch {
	case key.Matches(msg, k.Down):
		c.sel = min(c.sel+1, n-1)
	case key.Matches(msg, k.Up):
		c.sel = max(0, c.sel-1)
	case key.Matches(msg, k.PageDown):
		c.sel = min(c.sel+page, n-1)
	case key.Matches(msg, k.PageUp):
		c.sel = max(0, c.sel-page)
	case key.Matches(msg, k.Home):
		c.sel = 0
	case key.Matches(msg, k.End):
		c.sel = max(0, n-1)
	case key.Matches(msg, k.Sort):
		c.sortCol = (c.sortCol + 1) % len(m.custCols())
		c.invalidate()
	case key.Matches(msg, k.Reverse):
		c.desc = !c.desc
		c.invalidate()
	case key.Matches(msg, k.Filter):
		c.filtering = true
		c.input.SetValue(c.filterText)
		c.input.Placeholder = "text, or clv>1000, segment=Champions, grade=E"
		c.input.CursorEnd()
		return c.input.Focus()
	case key.Matches(msg, k.Back):
		if c.filterText != "" {
			c.filterText = ""
			c.invalidate()
		}
	case key.Matches(msg, k.Enter):
		if n > 0 {
			c.card, c.cardOff = m.custOrder()[c.sel], 0
		}
	}
	return nil
}

func (m *Model) filterKey(msg tea.KeyMsg) tea.Cmd {
	c := &m.cust
	switch msg.String() {
	case "enter":
		c.filtering = false
		c.filterText = strings.TrimSpace(c.input.Value())
		c.sel, c.off = 0, 0
		c.invalidate()
		c.input.Blur()
		return nil
	case "esc":
		c.filtering = false
		c.input.Blur()
		return nil
	}
	var cmd tea.Cmd
	c.input, cmd = c.input.Update(msg)
	return cmd
}

// filter is a text search or a condition such as clv>1000.
type filter struct {
	text  string
	field string
	op    string
	num   float64
	isNum bool
	val   string
}

func parseFilter(s string) (*filter, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	for _, op := range []string{">=", "<=", "!=", ">", "<", "="} {
		if i := strings.Index(s, op); i > 0 {
			f := &filter{field: strings.ToLower(strings.TrimSpace(s[:i])), op: op, val: strings.TrimSpace(s[i+len(op):])}
			if _, ok := filterFields[f.field]; !ok {
				return nil, fmt.Errorf("unknown field %q (fields: %s)", f.field, strings.Join(filterFieldNames(), ", "))
			}
			if v, err := strconv.ParseFloat(strings.ReplaceAll(f.val, ",", ""), 64); err == nil {
				f.num, f.isNum = v, true
			} else if op != "=" && op != "!=" {
				return nil, fmt.Errorf("%s %s needs a number", f.field, op)
			}
			return f, nil
		}
	}
	return &filter{text: strings.ToLower(s)}, nil
}

// filterFields give a customer's value for a condition: a number or a text.
var filterFields = map[string]func(m *Model, c int) (float64, string){
	"revenue": func(m *Model, c int) (float64, string) { return float64(m.a.Revenue[c]) / float64(m.a.Led.Scale()), "" },
	"profit":  func(m *Model, c int) (float64, string) { return float64(m.a.CM[c]) / float64(m.a.Led.Scale()), "" },
	"clv":     func(m *Model, c int) (float64, string) { return m.a.CLV[c], "" },
	"r":       func(m *Model, c int) (float64, string) { return float64(m.a.RScore[c]), "" },
	"f":       func(m *Model, c int) (float64, string) { return float64(m.a.FScore[c]), "" },
	"m":       func(m *Model, c int) (float64, string) { return float64(m.a.MScore[c]), "" },
	"recency": func(m *Model, c int) (float64, string) { return float64(m.a.R[c]), "" },
	"frequency": func(m *Model, c int) (float64, string) {
		return float64(m.a.F[c]), ""
	},
	"palive": func(m *Model, c int) (float64, string) {
		if m.a.PAlive == nil {
			return math.NaN(), ""
		}
		return m.a.PAlive[c], ""
	},
	"segment": func(m *Model, c int) (float64, string) {
		sc := m.currentScheme()
		return math.NaN(), sc.Segments[sc.Assign[c]]
	},
	"grade": func(m *Model, c int) (float64, string) {
		if !m.a.Risk.Available {
			return math.NaN(), ""
		}
		return math.NaN(), model.Grades[m.a.Risk.Grade[c]]
	},
	"region":   func(m *Model, c int) (float64, string) { return math.NaN(), m.a.Led.Customers.Region[c] },
	"industry": func(m *Model, c int) (float64, string) { return math.NaN(), m.a.Led.Customers.Industry[c] },
	"channel":  func(m *Model, c int) (float64, string) { return math.NaN(), m.a.Led.Customers.Channel[c] },
	"open": func(m *Model, c int) (float64, string) {
		if !m.a.Risk.Available {
			return 0, ""
		}
		return float64(m.a.Risk.CustAR[c]) / float64(m.a.Led.Scale()), ""
	},
}

func filterFieldNames() []string {
	var n []string
	for k := range filterFields {
		n = append(n, k)
	}
	slices.Sort(n)
	return n
}

func (f *filter) match(m *Model, c int) bool {
	if f.text != "" {
		cs := &m.a.Led.Customers
		sc := m.currentScheme()
		for _, s := range []string{cs.ID[c], cs.Name[c], sc.Segments[sc.Assign[c]], cs.Region[c], cs.Industry[c]} {
			if strings.Contains(strings.ToLower(s), f.text) {
				return true
			}
		}
		return false
	}
	v, s := filterFields[f.field](m, c)
	if s != "" || math.IsNaN(v) && !f.isNum {
		eq := strings.EqualFold(s, f.val) || strings.EqualFold(m.t(s), f.val)
		if f.op == "!=" {
			return !eq
		}
		return f.op == "=" && eq
	}
	if !f.isNum || math.IsNaN(v) {
		return false
	}
	switch f.op {
	case ">":
		return v > f.num
	case "<":
		return v < f.num
	case ">=":
		return v >= f.num
	case "<=":
		return v <= f.num
	case "!=":
		return v != f.num
	}
	return v == f.num
}

// cardView shows every figure of one customer and how it was computed.
func (m *Model) cardView(c, w, h int) string {
	a := m.a
	b := a.Base
	cs := &a.Led.Customers
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	head := func(s string) { lines = append(lines, "", m.st.Bold.Render(s)) }
	add("%s  %s   %s", m.st.Header.Render(cs.ID[c]), cs.Name[c], m.st.Dim.Render("esc back"))
	var attrs []string
	for _, p := range [][2]string{{"region", cs.Region[c]}, {"industry", cs.Industry[c]}, {"channel", cs.Channel[c]}, {"type", cs.Type[c]}} {
		if p[1] != "" {
			attrs = append(attrs, p[0]+" "+p[1])
		}
	}
	add("%s", strings.Join(attrs, " · "))
	head("Segments")
	var segs []string
	for i := range a.Schemes {
		sc := &a.Schemes[i]
		segs = append(segs, m.t(sc.Title)+": "+m.t(sc.Segments[sc.Assign[c]]))
	}
	for i := 0; i < len(segs); i += 3 {
		add("  %s", strings.Join(segs[i:min(i+3, len(segs))], " · "))
	}
	head("RFM")
	if a.RScore[c] == 0 {
		add("  not scored: net revenue %s ≤ 0 (Net-negative)", m.money(a.Revenue[c]))
	} else {
		add("  recency %d days (as of %s − last purchase %s) → R %d", a.R[c], a.AsOf, b.LastPurchase[c], a.RScore[c])
		add("  frequency %d purchase documents → F %d; monetary %s → M %d", a.F[c], a.FScore[c], amount(a.M[c]), a.MScore[c])
	}
	head("Profit")
	est := ""
	if a.CostEstimated[c] {
		est = " (estimated)"
	}
	add("  revenue %s − COGS %s%s = gross margin %s", m.money(a.Revenue[c]), m.money(a.COGS[c]), est, m.money(a.GM[c]))
	add("  − cost to serve %s (%d documents, %d lines, %d returns) = profit %s", m.money(a.CTS[c]), b.PurchaseDocs[c], b.Lines[c], b.ReturnDocs[c], m.money(a.CM[c]))
	head("CLV")
	if md := a.Model; md != nil && md.OK {
		s := md.Summary
		add("  %s", a.CLVInfo.Label)
		add("  x = %.0f repeat purchases, t_x = %.1f, T = %.1f %ss; mean repeat spend %s", s.X[c], s.Tx[c], s.T[c], md.Unit, amount(s.Mbar[c]))
		add("  P(alive) %s · expected purchases next 90 days %s · expected spend %s → CLV %s", pct(a.PAlive[c]), fnum(a.Exp90[c], 2), amount(a.Spend[c]), amount(a.CLV[c]))
	} else {
		add("  %s", a.CLVInfo.Label)
		add("  margin per period × multiple %.3f → CLV %s", a.CLVInfo.Multiple, amount(a.CLV[c]))
	}
	if r := a.Risk; r.Available {
		head("Credit")
		comp := r.Components[c]
		wt := a.Params.ScoreWeights
		add("  score %.1f = %.2f·payment %.0f + %.2f·(100 − %% >30 dpd) %.0f + %.2f·utilisation %.0f + %.2f·trend %.0f + %.2f·tenure %.0f",
			r.Score[c], wt[0], comp[0], wt[1], comp[1], wt[2], comp[2], wt[3], comp[3], wt[4], comp[4])
		if r.Cap[c] != "" {
			add("  override: %s", r.Cap[c])
		}
		add("  grade %s → %s; utilisation %s (%s); DSO %s days; days beyond terms %s", model.Grades[r.Grade[c]], model.GradeAction(r.Grade[c]),
			pct(r.Util[c]), r.UtilState[c], dsoText(r.DSO[c]), fnum(r.DBT[c], 1))
		if bk := r.CustBuckets[c]; bk != nil {
			var parts []string
			for k, v := range bk {
				if v != 0 {
					parts = append(parts, r.Buckets[k]+" "+m.money(v))
				}
			}
			add("  aging: %s; ECL %s; expected loss %s", strings.Join(parts, ", "), m.money(r.CustECL[c]), m.money(r.EL[c]))
		}
	}
	head("Recent documents")
	for k := b.DocStart[c+1] - 1; k >= b.DocStart[c] && k >= b.DocStart[c+1]-8; k-- {
		add("  %s  %14s  %d lines", b.DocDate[k], m.money(b.DocNet[k]), b.DocLines[k])
	}
	off := min(m.cust.cardOff, max(0, len(lines)-h))
	return strings.Join(lines[off:], "\n")
}

// dsoText shows a customer's DSO, "n/m" (not meaningful) when its sales are
// too small against its receivables (spec §5.2).
func dsoText(v float64) string {
	if math.IsNaN(v) {
		return "n/m"
	}
	return fnum(v, 1)
}
