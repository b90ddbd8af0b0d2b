package tui

import (
	"cmp"
	"fmt"
	"github.com/mattn/go-runewidth"
	"ledgerlens/termtext"
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

// custKeys are the fields the Customers table shows (model field keys;
// "seg:" is the current scheme's segment).
var custKeys = []string{"customer", "name", "seg:", "revenue", "profit", "clv", "rfm", "palive", "open", "grade"}

// custNA are the columns kept, with n/a in every row, when the ledger cannot
// give them (profit without cost, CLV where no model is defined); the model
// and receivables columns are left out instead.
var custNA = map[string]string{"profit": "Profit", "clv": "CLV"}

func (m *Model) custCols() []custCol {
	a := m.a
	sc := m.currentScheme()
	var cols []custCol
	for _, k := range custKeys {
		if k == "seg:" {
			k += strings.TrimPrefix(sc.Key, "attr:")
		}
		f, ok := a.Field(k)
		if !ok {
			if title, keep := custNA[k]; keep {
				cols = append(cols, custCol{title: m.t(title), right: true, text: func(int) string { return "n/a" }})
			}
			continue
		}
		col := custCol{title: m.t(f.Label), right: f.Kind != model.KindText, text: func(c int) string { return m.fieldText(f, c) }}
		if f.Kind != model.KindText {
			col.key = func(c int) float64 { return f.Get(a, c).Sort(f.Kind) }
		}
		switch k {
		case "customer":
			col.title, col.max = m.t("Customer"), 14
		case "name":
			col.max, col.min = 24, 16
		case "profit":
			col.title = m.t("Profit")
		case "open":
			col.title = m.t("Open AR")
		case "grade":
			col.title = m.t("Grade")
		default:
			if strings.HasPrefix(k, "seg:") {
				col.title, col.max = m.t(sc.Title), 18
				col.min = min(18, runewidth.StringWidth(col.title))
			}
		}
		cols = append(cols, col)
	}
	return cols
}

// fieldText formats a customer field for the screen.
func (m *Model) fieldText(f model.Field, c int) string {
	v := f.Get(m.a, c)
	if !v.OK {
		if f.Key == "rfm" {
			return "—"
		}
		return "n/a"
	}
	switch f.Kind {
	case model.KindText:
		if strings.HasPrefix(f.Key, "seg:") {
			return m.t(v.Text)
		}
		return v.Text
	case model.KindMoney:
		return m.money(v.Money)
	case model.KindAmount:
		return m.amount(v.Num)
	case model.KindPct:
		return pct(v.Num)
	case model.KindInt:
		return fmtInt(int(v.Num))
	case model.KindDate:
		return v.Day.String()
	}
	return fnum(v.Num, 1)
}

// rows builds the filtered, sorted customer list (ties by id).
func (m *Model) custOrder() []int32 {
	c := &m.cust
	if c.order != nil {
		return c.order
	}
	a := m.a
	f, err := parseFilter(a, c.filterText)
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

// filter is a text search or a condition such as clv>1000 on any customer
// field (model.Analysis.Fields; "segment" is the current scheme's).
type filter struct {
	text  string
	field string
	op    string
	num   float64
	isNum bool
	val   string
}

func parseFilter(a *model.Analysis, s string) (*filter, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	for _, op := range []string{">=", "<=", "!=", ">", "<", "="} {
		if i := strings.Index(s, op); i > 0 {
			f := &filter{field: strings.ToLower(strings.TrimSpace(s[:i])), op: op, val: strings.TrimSpace(s[i+len(op):])}
			if f.field != "segment" {
				if _, ok := a.Field(f.field); !ok {
					return nil, fmt.Errorf("unknown field %q (fields: %s)", f.field, strings.Join(filterFieldNames(a), ", "))
				}
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

func filterFieldNames(a *model.Analysis) []string {
	n := []string{"segment"}
	for _, f := range a.Fields() {
		n = append(n, f.Key)
	}
	return n
}

func (f *filter) match(m *Model, c int) bool {
	a := m.a
	if f.text != "" {
		for _, fd := range a.Fields() {
			if fd.Kind != model.KindText {
				continue
			}
			v := fd.Get(a, c)
			if v.OK && (strings.Contains(strings.ToLower(v.Text), f.text) || strings.Contains(strings.ToLower(m.t(v.Text)), f.text)) {
				return true
			}
		}
		return false
	}
	key := f.field
	if key == "segment" {
		key = "seg:" + strings.TrimPrefix(m.currentScheme().Key, "attr:")
	}
	fd, _ := a.Field(key)
	v := fd.Get(a, c)
	if fd.Kind == model.KindText {
		eq := v.OK && (strings.EqualFold(v.Text, f.val) || strings.EqualFold(m.t(v.Text), f.val))
		if f.op == "!=" {
			return !eq
		}
		return f.op == "=" && eq
	}
	if !f.isNum || !v.OK {
		return false
	}
	x := v.Num
	if fd.Kind == model.KindMoney {
		x = float64(v.Money) / float64(a.Led.Scale()) // conditions are in major units
	}
	switch f.op {
	case ">":
		return x > f.num
	case "<":
		return x < f.num
	case ">=":
		return x >= f.num
	case "<=":
		return x <= f.num
	case "!=":
		return x != f.num
	}
	return x == f.num
}

// cardView shows every figure of one customer and how it was computed.
func (m *Model) cardView(c, w, h int) string {
	a := m.a
	b := a.Base
	cs := &a.Led.Customers
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	head := func(s string) { lines = append(lines, "", m.st.Bold.Render(s)) }
	add("%s  %s   %s", m.st.Header.Render(termtext.Clean(cs.ID[c])), termtext.Clean(cs.Name[c]), m.st.Dim.Render("esc back"))
	var attrs []string
	for _, p := range [][2]string{{"region", cs.Region[c]}, {"industry", cs.Industry[c]}, {"channel", cs.Channel[c]}, {"type", cs.Type[c]}} {
		if p[1] != "" {
			attrs = append(attrs, p[0]+" "+termtext.Clean(p[1]))
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
		add("  frequency %d purchase documents → F %d; monetary %s → M %d", a.F[c], a.FScore[c], m.amount(a.M[c]), a.MScore[c])
	}
	head("Profit")
	est := ""
	if a.CostEstimated[c] {
		est = " (estimated)"
	}
	switch a.Profit.Basis {
	case model.ProfitUnavailable:
		add("  revenue %s; COGS, margin and profit n/a — %s", m.money(a.Revenue[c]), a.Profit.Note)
	case model.ProfitRevenueLessCTS:
		add("  revenue %s − cost to serve %s (%d documents, %d lines, %d returns) = revenue less cost to serve %s; COGS n/a",
			m.money(a.Revenue[c]), m.money(a.CTS[c]), b.PurchaseDocs[c], b.Lines[c], b.ReturnDocs[c], m.money(a.CM[c]))
	default:
		add("  revenue %s − COGS %s%s = gross margin %s", m.money(a.Revenue[c]), m.money(a.COGS[c]), est, m.money(a.GM[c]))
		add("  − cost to serve %s (%d documents, %d lines, %d returns) = profit %s", m.money(a.CTS[c]), b.PurchaseDocs[c], b.Lines[c], b.ReturnDocs[c], m.money(a.CM[c]))
	}
	head("CLV")
	if md := a.Model; md != nil && md.OK {
		s := md.Summary
		add("  %s", a.CLVInfo.Label)
		add("  x = %.0f repeat purchases, t_x = %.1f, T = %.1f %ss; mean repeat spend %s", s.X[c], s.Tx[c], s.T[c], md.Unit, m.amount(s.Mbar[c]))
		add("  P(alive) %s · expected purchases next 90 days %s · expected spend %s → CLV %s", pct(a.PAlive[c]), fnum(a.Exp90[c], 2), m.amount(a.Spend[c]), m.money(a.CLVMoney[c]))
	} else {
		add("  %s", a.CLVInfo.Label)
		add("  margin per period × multiple %.3f → CLV %s", a.CLVInfo.Multiple, m.money(a.CLVMoney[c]))
	}
	head("Churn")
	if a.Churn[c] == model.ChurnNoPurchases {
		add("  no purchases")
	} else {
		add("  %s: recency %d days ÷ inter-purchase time %s days = %s (at risk > %g, lapsed > %g)", m.t(a.Churn[c].String()), a.R[c], fnum(a.IPT[c], 1),
			fnum(a.ChurnRatio[c], 2), a.Params.ChurnAtRiskRatio, a.Params.ChurnLapsedRatio)
		if a.ChurnConflict[c] {
			add("  the model disagrees: P(alive) %s is in the %s band — the rule weighs this customer's own buying rhythm, the model the whole ledger's",
				pct(a.PAlive[c]), m.t(model.PAliveBand(a.PAlive[c], a.Params).String()))
		}
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
		if r.CustUnapplied[c] != 0 {
			add("  open invoices %s, unapplied credits %s, net %s", m.money(r.CustAR[c]), m.money(r.CustUnapplied[c]), m.money(r.CustAR[c]+r.CustUnapplied[c]))
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
