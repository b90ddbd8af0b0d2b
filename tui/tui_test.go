package tui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"ledgerlens/exporter"
	"ledgerlens/importer"
	"ledgerlens/model"
)

// testEnv records what the view asked main's writers to do.
type testEnv struct {
	copied   []string
	exported []ExportRequest
}

func demoConfigEnv(env *testEnv) Config {
	return Config{
		Source: importer.DemoName, Demo: true, Params: model.DefaultParams(), ExportPath: "demo-segments.xlsx", NoTimings: true,
		Load: func(ctx context.Context, progress func(Progress)) (*model.Ledger, LoadReport, error) {
			led, rep, err := importer.LoadDemo(importer.Options{Context: ctx})
			return led, LoadReport{RowsRead: rep.RowsRead, RowsUsed: rep.RowsUsed}, err
		},
		SaveScenario: func(path string, sc model.Scenario) error {
			var b strings.Builder
			if err := model.WriteScenario(&b, sc); err != nil {
				return err
			}
			return os.WriteFile(path, []byte(b.String()), 0o644)
		},
		OpenScenario: importer.ReadScenarioFile,
		Export: func(req ExportRequest) error {
			env.exported = append(env.exported, req)
			if req.Into {
				return nil // main writes the copy (main_test covers it)
			}
			err := exporter.WriteXLSX(req.Path, exporter.Export{Source: "demo", Analysis: req.Analysis, Baseline: req.Baseline},
				exporter.WriteOptions{Force: req.Force, Rows: req.Rows, Filter: req.Filter})
			if errors.Is(err, exporter.ErrExists) {
				return fmt.Errorf("%w", ErrExists)
			}
			return err
		},
		Copy: func(s string) error { env.copied = append(env.copied, s); return nil },
		Complete: func(p string) string {
			m, _ := filepath.Glob(p + "*")
			if len(m) == 1 {
				return m[0]
			}
			return p
		},
	}
}

func demoConfig() Config { return demoConfigEnv(&testEnv{}) }

func init() {
	// Pin the colour profile: golden screens must not depend on the terminal.
	lipgloss.SetColorProfile(termenv.Ascii)
}

// runCmds runs cmd and every Cmd it leads to, in order, expanding batches:
// f gets each message and returns the Cmd it leads to, and whether to stop.
func runCmds(cmd tea.Cmd, f func(msg tea.Msg) (tea.Cmd, bool)) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if batch, ok := msg.(tea.BatchMsg); ok {
			queue = append(queue, batch...)
			continue
		}
		next, stop := f(msg)
		if stop {
			return
		}
		queue = append(queue, next)
	}
}

// drive runs a Cmd and everything it leads to, synchronously, feeding the
// messages back to the model (ticks and blinks are dropped).
func drive(t testing.TB, m *Model, cmd tea.Cmd) {
	t.Helper()
	runCmds(cmd, func(msg tea.Msg) (tea.Cmd, bool) {
		switch msg.(type) {
		case nil, spinner.TickMsg, tea.QuitMsg:
			return nil, false
		}
		if fmt.Sprintf("%T", msg) == "textinput.blinkMsg" || fmt.Sprintf("%T", msg) == "cursor.initialBlinkMsg" {
			return nil, false
		}
		_, next := m.Update(msg)
		return next, false
	})
}

// readyLang returns a model that has loaded the demo ledger and analysed it.
func readyEnv(t testing.TB, w, h int, lang string, env *testEnv) *Model {
	t.Helper()
	cfg := demoConfigEnv(env)
	cfg.Lang = lang
	m := New(cfg)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	drive(t, m, m.Init())
	if !m.load.ready {
		t.Fatalf("not ready: %v", m.load.err)
	}
	return m
}

func ready(t testing.TB, w, h int) *Model { return readyEnv(t, w, h, "", &testEnv{}) }

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "ctrl+r":
		return tea.KeyMsg{Type: tea.KeyCtrlR}
	case "ctrl+u":
		return tea.KeyMsg{Type: tea.KeyCtrlU}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func press(t testing.TB, m *Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		_, cmd := m.Update(keyMsg(k))
		drive(t, m, cmd)
	}
}

func typeText(t testing.TB, m *Model, s string) {
	for _, r := range s {
		_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		drive(t, m, cmd)
	}
}

// selectParam moves the Parameters pane's selection to key.
func selectParam(t *testing.T, m *Model, key string) {
	if !m.panes[paneParams].(*paramsPane).selectKey(key) {
		t.Fatalf("no parameter %s", key)
	}
}

func custGrid(m *Model) *grid { return m.panes[paneCustomers].(*customersPane).grid }

func checkSize(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Errorf("view has %d lines, terminal %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			t.Errorf("line %d is %d wide, terminal %d: %q", i, lw, w, l)
		}
	}
}

var goldenSizes = [][2]int{{80, 24}, {100, 30}, {120, 40}, {200, 60}}

// screens opens every pane and overlay of a ready model in turn and calls
// f with its name and view.
func screens(t *testing.T, m *Model, f func(name, view string)) {
	for p, name := range paneNames {
		m.setPane(p)
		f(name, m.View())
	}
	m.setPane(paneSegments)
	press(t, m, "c")
	f("Compare", m.View())
	press(t, m, "c", "2", "enter")
	f("Card", m.View())
	press(t, m, "esc", "l", "l", "F")
	f("Frequency", m.View())
	press(t, m, "esc", "?")
	f("Help", m.View())
	press(t, m, "esc", "x", "m")
	f("CrossTab", m.View())
	press(t, m, "esc", "o")
	f("Cohorts", m.View())
	press(t, m, "esc")
}

// o shows the cohort triangle: a row per cohort with its size, a cell per
// period since acquisition with the model's figure, m the next figure.
func TestCohortPane(t *testing.T) {
	m := ready(t, 200, 60)
	press(t, m, "o")
	p, ok := m.top().(*cohortPane)
	if !ok {
		t.Fatalf("o opened %T", m.top())
	}
	c := m.sh.A.Cohorts()
	v := m.View()
	for i, l := range c.Labels {
		if !strings.Contains(v, l) || !strings.Contains(v, fmtInt(c.Size[i])) {
			t.Errorf("cohort %s (%d customers) not shown", l, c.Size[i])
		}
	}
	if got := p.grid.cols[2].text(0); !strings.HasSuffix(got, " 100.0 %") {
		t.Errorf("first cohort's acquisition period shows %q", got)
	}
	press(t, m, "m")
	if got, want := p.grid.cols[3].text(0), fmtInt(c.Active[0][1]); !strings.HasSuffix(got, " "+want) {
		t.Errorf("active customers of the first cohort in period 1: %q, want %s", got, want)
	}
	press(t, m, "o")
	if _, ok := m.top().(*cohortPane); ok {
		t.Error("o does not close the cohorts")
	}
}

// x crosses the scheme on screen with another: < > choose it, m the
// figure; every row of the table adds up to its total and the totals to the
// whole ledger, whichever scheme and figure is shown.
func TestCrossTabPane(t *testing.T) {
	m := ready(t, 120, 40)
	press(t, m, "x")
	p, ok := m.top().(*crossPane)
	if !ok {
		t.Fatalf("x opened %T", m.top())
	}
	seen := map[string]bool{}
	for k := 0; k < 4; k++ {
		ct := p.ct
		seen[ct.Cols.Key] = true
		if ct.Rows.Key != m.sh.scheme().Key || ct.Total.Customers != m.sh.A.N || ct.Total.Revenue != m.sh.scheme().Total.Revenue {
			t.Errorf("%s × %s: total %d customers, %d revenue", ct.Rows.Key, ct.Cols.Key, ct.Total.Customers, ct.Total.Revenue)
		}
		v := m.View()
		if !strings.Contains(v, "2,000") || !strings.Contains(v, m.sh.name(ct.Cols.Title)) {
			t.Errorf("%s × %s: the view lacks the total or the column scheme:\n%s", ct.Rows.Key, ct.Cols.Key, v)
		}
		press(t, m, ">")
	}
	if len(seen) != 4 {
		t.Errorf("> visited %d column schemes, want 4", len(seen))
	}
	press(t, m, "m")
	if p.measure != 1 || !strings.Contains(m.View(), "Revenue") {
		t.Error("m does not move to revenue")
	}
	press(t, m, "x")
	if _, ok := m.top().(*crossPane); ok {
		t.Error("x does not close the cross-tab")
	}
}

// Golden screens of every pane and overlay at four sizes, in English and
// Chinese.
func TestGoldenPanes(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		for _, size := range goldenSizes {
			m := readyEnv(t, size[0], size[1], lang, &testEnv{})
			screens(t, m, func(name, v string) {
				checkSize(t, v, size[0], size[1])
				t.Run(fmt.Sprintf("%s_%s_%dx%d", name, lang, size[0], size[1]), func(t *testing.T) {
					golden.RequireEqual(t, []byte(v))
				})
			})
		}
	}
}

// Sizes from 80×24 to 250×70: nothing overflows, and the header keeps the
// counts.
func TestLayoutSizes(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		m := readyEnv(t, 80, 24, lang, &testEnv{})
		for _, size := range [][2]int{{80, 24}, {100, 30}, {120, 40}, {139, 35}, {140, 35}, {200, 60}, {250, 70}} {
			m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			screens(t, m, func(name, v string) {
				checkSize(t, v, size[0], size[1])
				head := strings.SplitN(v, "\n", 2)[0]
				if !strings.Contains(head, "2,000") || !strings.Contains(head, "17,966") || strings.Contains(head, "…") {
					t.Errorf("%s %dx%d header lost the counts: %q", name, size[0], size[1], head)
				}
			})
		}
	}
}

// At 80×24 the help lists every key: in columns, over pages, none cut.
func TestHelpFitsAt80(t *testing.T) {
	m := ready(t, 80, 24)
	press(t, m, "2", "?")
	h := m.top().(*helpPane)
	var all strings.Builder
	for page := 0; page < h.pages(); page++ {
		v := m.View()
		checkSize(t, v, 80, 24)
		all.WriteString(v)
		h.page = page + 1
	}
	for _, e := range h.entries {
		if !strings.Contains(all.String(), e.desc) {
			t.Errorf("help never shows %q (%s)", e.desc, e.key)
		}
	}
	if strings.Contains(all.String(), "…") {
		t.Error("help cut an entry")
	}
}

func TestThresholdChangesSegments(t *testing.T) {
	m := ready(t, 120, 40)
	before := m.View()
	platinum := m.sh.scheme().Rows[0].Customers
	press(t, m, "5")
	selectParam(t, m, "pyramid_cutoffs")
	pp := m.panes[paneParams].(*paramsPane)
	press(t, m, "enter")
	pp.input.SetValue("5%, 10%, 30%")
	press(t, m, "enter")
	press(t, m, "1")
	if n := m.sh.scheme().Rows[0].Customers; n == platinum || n != 100 {
		t.Errorf("Platinum has %d customers after the change (before %d), want 100", n, platinum)
	}
	if after := m.View(); after == before || !strings.Contains(after, "  100 ") {
		t.Error("segment table did not change on screen")
	}
	// an invalid value is refused inline with the reason
	press(t, m, "5", "enter")
	pp.input.SetValue("abc")
	press(t, m, "enter")
	if !pp.editing || !strings.Contains(m.View(), "not a number") {
		t.Error("invalid value not refused inline")
	}
	press(t, m, "esc")
}

func TestStaleResultDropped(t *testing.T) {
	m := ready(t, 100, 30)
	shown := m.sh.A
	old := m.recompute(false)   // seq n
	newer := m.recompute(false) // seq n+1
	newMsg := newer()
	oldMsg := old()
	m.Update(newMsg)
	got := m.sh.A
	m.Update(oldMsg) // arrives late: must be dropped
	if m.sh.A != got || m.sh.A == shown {
		t.Error("a stale recompute result replaced a newer one")
	}
}

// Undo and redo restore the parameters and say what they undid.
func TestUndoRedo(t *testing.T) {
	m := ready(t, 100, 30)
	press(t, m, "5")
	selectParam(t, m, "discount_rate_annual")
	press(t, m, "right", "right")
	if r := m.sh.Params.DiscountRateAnnual; r < 0.1199 || r > 0.1201 {
		t.Fatalf("discount after two steps = %v", r)
	}
	press(t, m, "u")
	if r := m.sh.Params.DiscountRateAnnual; r < 0.1099 || r > 0.1101 {
		t.Errorf("after undo = %v", r)
	}
	if v := m.View(); !strings.Contains(v, "undid: discount_rate_annual 0.11 → 0.12") {
		t.Errorf("undo does not say what it undid:\n%s", v)
	}
	press(t, m, "ctrl+r")
	if r := m.sh.Params.DiscountRateAnnual; r < 0.1199 || r > 0.1201 {
		t.Errorf("after redo = %v", r)
	}
	if v := m.View(); !strings.Contains(v, "redid: discount_rate_annual 0.11 → 0.12") || !strings.Contains(v, "●") {
		t.Errorf("redo message or changed mark missing:\n%s", v)
	}
}

// The filter applies as it is typed; conditions are ANDed; words are found
// in the segment and attribute columns; the totals row is the sum of the
// rows shown.
func TestFilter(t *testing.T) {
	m := ready(t, 120, 40)
	a := m.sh.A
	press(t, m, "2", "/")
	typeText(t, m, "segment=Platinum")
	g := custGrid(m)
	if n := len(g.rows); n != 20 { // live: before enter
		t.Errorf("segment=Platinum while typing: %d customers, want 20", n)
	}
	press(t, m, "enter")
	press(t, m, "/")
	g.input.SetValue("")
	typeText(t, m, "clv>1000 grade=E")
	press(t, m, "enter")
	if g.qerr != "" || len(g.rows) == 0 {
		t.Fatalf("clv>1000 grade=E: %d rows, error %q", len(g.rows), g.qerr)
	}
	want := 0
	for c := 0; c < a.N; c++ {
		if float64(a.CLVMoney[c]) > 1000*float64(a.Led.Scale()) && model.Grades[a.Risk.Grade[c]] == "E" {
			want++
		}
	}
	if len(g.rows) != want {
		t.Errorf("clv>1000 grade=E: %d customers, want %d", len(g.rows), want)
	}
	// words: "Key account" is a customer type, found although the column is off screen
	press(t, m, "/")
	g.input.SetValue("")
	typeText(t, m, "Key account")
	press(t, m, "enter")
	keyAccounts := 0
	for _, ty := range a.Led.Customers.Type {
		if ty == "Key account" {
			keyAccounts++
		}
	}
	if keyAccounts == 0 || len(g.rows) != keyAccounts {
		t.Errorf("Key account: %d customers, want %d", len(g.rows), keyAccounts)
	}
	// totals row: the exact revenue of the rows shown
	var sum model.Money
	for _, c := range g.rows {
		sum += a.Revenue[c]
	}
	if v := m.View(); !strings.Contains(v, model.FormatMoney(sum, a.Decimals)) || !strings.Contains(v, fmt.Sprintf("%d of 2,000", keyAccounts)) {
		t.Errorf("totals row lacks the filtered revenue %s:\n%s", model.FormatMoney(sum, a.Decimals), v)
	}
	// n moves to the next cell holding the word
	before := g.cur
	press(t, m, "n")
	if c, _ := g.curCol(); !strings.Contains(strings.ToLower(c.text(g.current())), "key") || (g.cur == before && g.col == 0) {
		t.Errorf("n went to %q", c.title)
	}
	press(t, m, "enter") // the card: figures, the P(alive) history, the last documents
	if v := m.View(); !strings.Contains(v, "RFM") || !strings.Contains(v, "┴") || !strings.Contains(v, "P(alive) as the model") {
		t.Errorf("customer card lacks figures or the P(alive) history:\n%s", v)
	}
	press(t, m, "G")
	if v := m.View(); !strings.Contains(v, "Recent documents") {
		t.Errorf("customer card lacks its documents:\n%s", v)
	}
	press(t, m, "esc")
	if _, ok := m.top().(*cardPane); ok {
		t.Error("esc did not close the card")
	}
	press(t, m, "esc") // clears the filter
	if len(g.rows) != a.N {
		t.Errorf("esc left %d rows", len(g.rows))
	}
	// q typed into the filter does not quit
	press(t, m, "/")
	_, cmd := m.Update(keyMsg("q"))
	if cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Error("q in the filter quit the program")
		}
	}
	// a bad condition says why and keeps the last good rows
	g.input.SetValue("")
	typeText(t, m, "clv>abc")
	if !strings.Contains(m.View(), "needs a number") {
		t.Error("bad condition not explained")
	}
}

// The column cursor scrolls right with the first column frozen; s sorts by
// the column under it (text A–Z first), S reverses; widths stay put.
func TestColumnsScrollSortHide(t *testing.T) {
	m := ready(t, 80, 24)
	press(t, m, "2")
	g := custGrid(m)
	first := m.View()
	for range 6 {
		press(t, m, "l")
	}
	v := m.View()
	lines := strings.Split(v, "\n")
	if !strings.HasPrefix(strings.TrimLeft(lines[4], "▸ "), "C0") || !strings.Contains(lines[3], "◂") {
		t.Errorf("the id column is not frozen while scrolled:\n%s", v)
	}
	c, _ := g.curCol()
	if g.col != 6 {
		t.Errorf("6 × l: column cursor at %d", g.col)
	}
	if !strings.Contains(v, c.title) || strings.Contains(first, c.title) {
		t.Errorf("column %q not scrolled into view", c.title)
	}
	// text sorts A–Z first
	g.col = 1 // name
	press(t, m, "s")
	if g.sortID != "name" || g.desc {
		t.Errorf("sort on name: %s desc=%v", g.sortID, g.desc)
	}
	n0, n1 := g.cols[1].text(g.rows[0]), g.cols[1].text(g.rows[1])
	if strings.ToLower(n0) > strings.ToLower(n1) {
		t.Errorf("names not ascending: %q then %q", n0, n1)
	}
	widths := fmt.Sprint(g.widths)
	press(t, m, "S")
	if !g.desc || fmt.Sprint(g.widths) != widths {
		t.Error("S did not reverse, or widths changed on sort")
	}
	// hide the name column, then show every column again
	press(t, m, "-")
	if !g.hidden["name"] || strings.Contains(strings.Split(m.View(), "\n")[3], "Name") {
		t.Error("- did not hide the column")
	}
	press(t, m, "V")
	if len(g.hidden) != 0 {
		t.Error("V did not show the columns")
	}
	// move the revenue column left
	g.col = 3
	id := g.visible()[3].id
	press(t, m, "H")
	if g.visible()[2].id != id || g.col != 2 {
		t.Errorf("H did not move %s left", id)
	}
}

// F: the frequency table of the column under the cursor over the rows
// shown; counts add up; enter shows a group's customers.
func TestFrequencyTable(t *testing.T) {
	m := ready(t, 120, 40)
	press(t, m, "2")
	g := custGrid(m)
	g.col = 2 // the segment column
	press(t, m, "F")
	f, ok := m.top().(*freqPane)
	if !ok {
		t.Fatalf("F opened %T", m.top())
	}
	n := 0
	for _, r := range f.rows {
		n += r.Count
	}
	if n != m.sh.A.N || f.total.Count != n {
		t.Errorf("frequency counts add to %d (total row %d), want %d", n, f.total.Count, m.sh.A.N)
	}
	if v := m.View(); !strings.Contains(v, "Frequency of") || !strings.Contains(v, "Platinum") {
		t.Errorf("frequency view:\n%s", v)
	}
	first := f.rows[0]
	press(t, m, "enter")
	if len(g.rows) != first.Count || m.active != paneCustomers {
		t.Errorf("enter on %s: %d customers, want %d", first.Label, len(g.rows), first.Count)
	}
	// a money column is binned; each bin's range selects exactly its customers
	press(t, m, "esc")
	g.col = 3
	press(t, m, "F")
	f = m.top().(*freqPane)
	bin := f.rows[3]
	f.grid.cur = 3
	press(t, m, "enter")
	if len(g.rows) != bin.Count {
		t.Errorf("bin %s: %d customers, want %d (filter %q)", bin.Label, len(g.rows), bin.Count, g.query)
	}
}

// : jumps to a row number or a customer id; y and Y copy.
func TestJumpAndCopy(t *testing.T) {
	env := &testEnv{}
	m := readyEnv(t, 100, 30, "", env)
	press(t, m, "2", ":")
	typeText(t, m, "C00777")
	press(t, m, "enter")
	g := custGrid(m)
	if id := m.sh.A.Led.Customers.ID[g.current()]; id != "C00777" {
		t.Errorf(": C00777 went to %s", id)
	}
	press(t, m, ":")
	typeText(t, m, "15")
	press(t, m, "enter")
	if g.cur != 14 {
		t.Errorf(": 15 went to row %d", g.cur+1)
	}
	press(t, m, "y")
	id := m.sh.A.Led.Customers.ID[g.current()]
	if len(env.copied) != 1 || env.copied[0] != id {
		t.Errorf("y copied %q, want %q", env.copied, id)
	}
	press(t, m, "Y")
	if len(env.copied) != 2 || !strings.HasPrefix(env.copied[1], id+"\t") {
		t.Errorf("Y copied %q", env.copied)
	}
}

// Risk lists and the profit ranking are tables: browsable, names beside
// ids, enter opens the customer card.
func TestListsAreTables(t *testing.T) {
	m := ready(t, 100, 30)
	a := m.sh.A
	press(t, m, "4")
	for range 12 {
		press(t, m, "j")
	}
	rp := m.panes[paneRisk].(*riskPane)
	g := rp.lists[listCredit]
	if g.cur != 12 {
		t.Errorf("credit list cursor at %d after 12 ↓", g.cur)
	}
	c := g.custOf(g.current())
	if v := m.View(); !strings.Contains(v, a.Led.Customers.Name[c]) {
		t.Errorf("credit list lacks the name %q:\n%s", a.Led.Customers.Name[c], v)
	}
	press(t, m, "enter")
	if cp, ok := m.top().(*cardPane); !ok || cp.cust != c {
		t.Fatalf("enter did not open the card of %d", c)
	}
	press(t, m, "esc", ">")
	if rp.which != listWriteOff || !strings.Contains(m.View(), "[Write-off candidates") {
		t.Error("> did not switch to the write-off list")
	}
	press(t, m, ">")
	if rp.which != listChurn || len(rp.lists[listChurn].rows) != len(a.ChurnRisk) {
		t.Error("churn list not shown")
	}
	// profit: G is the biggest loss
	press(t, m, "3", "G")
	pg := m.panes[paneProfit].(*profitPane).grid
	last := a.Profit.Order[len(a.Profit.Order)-1]
	if pg.custOf(pg.current()) != last || a.CM[last] >= 0 {
		t.Errorf("G on Profitability is customer %d, want the biggest loss %d", pg.custOf(pg.current()), last)
	}
	press(t, m, "enter")
	if _, ok := m.top().(*cardPane); !ok {
		t.Error("enter on the profit ranking did not open the card")
	}
}

// Empty segments are hidden until E.
func TestEmptySegments(t *testing.T) {
	m := ready(t, 120, 40)
	for m.sh.scheme().Key != "rfm" {
		press(t, m, "]")
	}
	sp := m.panes[paneSegments].(*segmentsPane)
	if sp.hiddenEmpty() == 0 {
		t.Fatal("the demo's RFM scheme has no empty segment to hide")
	}
	for _, r := range sp.grid.all {
		if sp.row(r).Customers == 0 {
			t.Errorf("empty segment %s shown", sp.row(r).Segment)
		}
	}
	if !strings.Contains(m.View(), "empty hidden (E shows)") {
		t.Error("the status line does not count the hidden segments")
	}
	press(t, m, "E")
	if len(sp.grid.all) != len(m.sh.scheme().Rows) {
		t.Errorf("E shows %d of %d segments", len(sp.grid.all), len(m.sh.scheme().Rows))
	}
}

// Compare opens on the scheme the change moved, with a total row and a
// scrollable migration matrix.
func TestCompareAfterChange(t *testing.T) {
	m := ready(t, 100, 30)
	press(t, m, "5")
	selectParam(t, m, "churn_at_risk_ratio")
	press(t, m, "right", "right", "right", "right", "right")
	press(t, m, "1", "c")
	if m.sh.scheme().Key != "churn" {
		t.Errorf("compare opened on %s, want churn", m.sh.scheme().Key)
	}
	v := m.View()
	if !strings.Contains(v, "churn_at_risk_ratio") || !strings.Contains(v, "Migration") || !strings.Contains(v, "changed segment") || !strings.Contains(v, "Total") {
		t.Errorf("compare view:\n%s", v)
	}
	cp := m.top().(*comparePane)
	if cp.cmp.Total.Cur.Customers != m.sh.A.N {
		t.Errorf("total row has %d customers", cp.cmp.Total.Cur.Customers)
	}
	press(t, m, ">", "j", "l")
	if cp.focus != 1 || cp.mig.cur != 1 {
		t.Error("the migration matrix does not scroll")
	}
	press(t, m, "b")
	if v := m.View(); !strings.Contains(v, "no parameter differs") {
		t.Error("baseline not reset by b")
	}
}

// q with unsaved changes asks first.
func TestQuitAsksWhenUnsaved(t *testing.T) {
	m := ready(t, 100, 30)
	_, cmd := m.Update(keyMsg("q"))
	if cmd == nil {
		t.Fatal("q without changes did not quit")
	}
	press(t, m, "5")
	selectParam(t, m, "discount_rate_annual")
	press(t, m, "l") // a change
	_, cmd = m.Update(keyMsg("q"))
	if cmd != nil || !strings.Contains(m.View(), "quit anyway?") {
		t.Fatal("q with unsaved changes did not ask")
	}
	_, cmd = m.Update(keyMsg("n"))
	if cmd != nil || m.prompt.kind != promptNone {
		t.Error("n did not cancel")
	}
	m.Update(keyMsg("q"))
	_, cmd = m.Update(keyMsg("y"))
	if cmd == nil {
		t.Fatal("y did not quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("y did not quit")
	}
}

// The teatest harness: the real program loop with a fixed terminal size.
func TestProgramLoop(t *testing.T) {
	tm := teatest.NewTestModel(t, New(demoConfig()), teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "Platinum") },
		teatest.WithDuration(20*time.Second), teatest.WithCheckInterval(50*time.Millisecond))
	tm.Send(keyMsg("4"))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "DSO (count-back)") },
		teatest.WithDuration(5*time.Second))
	// the new keys through the real loop: filter with two conditions, scroll
	// right, a frequency table
	for _, k := range []string{"2", "/"} {
		tm.Send(keyMsg(k))
	}
	tm.Type("clv>100 grade=A")
	tm.Send(keyMsg("enter"))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "filter: clv>100 grade=A") },
		teatest.WithDuration(5*time.Second))
	tm.Send(keyMsg("l"))
	tm.Send(keyMsg("l"))
	tm.Send(keyMsg("F"))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "Frequency of") },
		teatest.WithDuration(5*time.Second))
	tm.Send(keyMsg("esc"))
	tm.Send(keyMsg("q"))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if fm.active != paneCustomers || custGrid(fm).query != "clv>100 grade=A" {
		t.Errorf("final pane %d, filter %q", fm.active, custGrid(fm).query)
	}
}

func TestSaveAndOpenScenario(t *testing.T) {
	m := ready(t, 100, 30)
	dir := t.TempDir()
	path := filepath.Join(dir, "stress.toml")
	press(t, m, "5")
	selectParam(t, m, "discount_rate_annual")
	press(t, m, "right")
	m.prompt.start(promptSave, path)
	press(t, m, "enter")
	if _, err := os.Stat(path); err != nil || m.hist.unsaved {
		t.Fatalf("scenario not saved: %v (%s)", err, m.status.text)
	}
	press(t, m, "u") // back to the default rate
	m.prompt.start(promptOpen, filepath.Join(dir, "str"))
	press(t, m, "tab") // completes the file name
	if m.prompt.input.Value() != path {
		t.Errorf("completion gave %q", m.prompt.input.Value())
	}
	press(t, m, "enter")
	if r := m.sh.Params.DiscountRateAnnual; r < 0.1099 || r > 0.1101 || m.hist.scenario != "stress" {
		t.Errorf("opened scenario: rate %v, name %q (%s)", r, m.hist.scenario, m.status.text)
	}
}

func TestExportKey(t *testing.T) {
	env := &testEnv{}
	m := readyEnv(t, 100, 30, "", env)
	path := filepath.Join(t.TempDir(), "out.xlsx")
	press(t, m, "e")
	m.prompt.input.SetValue(path)
	press(t, m, "enter")
	if _, err := os.Stat(path); err != nil || !strings.Contains(m.status.text, path) {
		t.Fatalf("export: %v, message %q", err, m.status.text)
	}
	// a second export asks before replacing
	press(t, m, "e")
	m.prompt.input.SetValue(path)
	press(t, m, "enter")
	if m.prompt.kind != promptReplace {
		t.Fatal("no confirmation before replacing")
	}
	press(t, m, "n")
	if !strings.Contains(m.status.text, "cancelled") {
		t.Errorf("message %q", m.status.text)
	}
	// from a filtered table, e exports the filtered customers
	press(t, m, "2", "/")
	typeText(t, m, "grade=E")
	press(t, m, "enter", "e")
	if !strings.Contains(m.View(), "filtered customers") {
		t.Errorf("export prompt does not name the filtered customers:\n%s", m.View())
	}
	fpath := filepath.Join(t.TempDir(), "filtered.xlsx")
	m.prompt.input.SetValue(fpath)
	press(t, m, "enter")
	req := env.exported[len(env.exported)-1]
	if len(req.Rows) != len(custGrid(m).rows) || req.Filter != "grade=E" || len(req.Rows) == 0 || len(req.Rows) == m.sh.A.N {
		t.Errorf("filtered export: %d rows (table %d), filter %q", len(req.Rows), len(custGrid(m).rows), req.Filter)
	}
}

// i asks where to write a copy of the ledger file with segment columns,
// and says so when there is no file (the demo).
func TestIntoKey(t *testing.T) {
	env := &testEnv{}
	m := readyEnv(t, 100, 30, "", env)
	press(t, m, "i")
	if m.prompt.kind != promptNone || !strings.Contains(m.status.text, "no ledger file to copy") {
		t.Fatalf("i without a file: prompt %d, message %q", m.prompt.kind, m.status.text)
	}
	m.cfg.IntoSource, m.cfg.IntoPath = "/data/ledger.csv", "/data/ledger-segments.csv"
	press(t, m, "i")
	if !strings.Contains(m.View(), "segments beside the rows of a copy of ledger.csv, save as: > /data/ledger-segments.csv") {
		t.Fatalf("prompt:\n%s", m.View())
	}
	press(t, m, "enter")
	req := env.exported[len(env.exported)-1]
	if !req.Into || req.Path != "/data/ledger-segments.csv" || req.Analysis != m.sh.A {
		t.Errorf("request %+v", req)
	}
}

// Keys read together ("jjj") count one by one.
func TestBurstOfKeys(t *testing.T) {
	m := ready(t, 100, 30)
	press(t, m, "5")
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjj")})
	drive(t, m, cmd)
	if sel := m.panes[paneParams].(*paramsPane).sel; sel != 3 {
		t.Errorf("after jjj the selection is %d, want 3", sel)
	}
}

// A ledger without cost and payment data shows n/a for every profit and
// receivable figure: in the Segments pane, the Customers table, the card and
// the Profitability pane; never 0.00 or revenue standing in for profit.
func TestNoCostNoPaymentShowsNA(t *testing.T) {
	cfg := demoConfig()
	cfg.Load = func(ctx context.Context, progress func(Progress)) (*model.Ledger, LoadReport, error) {
		led, rep, err := importer.LoadDemo(importer.Options{Context: ctx})
		if err == nil {
			led.HasCost, led.HasPaid, led.HasPaidAmount, led.HasOutstanding = false, false, false, false
			for i := range led.Tx.CostKnown {
				led.Tx.CostKnown[i] = false
			}
		}
		return led, LoadReport{RowsUsed: rep.RowsUsed}, err
	}
	m := New(cfg)
	m.Update(tea.WindowSizeMsg{Width: 250, Height: 50})
	drive(t, m, m.Init())
	if !m.load.ready {
		t.Fatalf("err %v", m.load.err)
	}
	seg := m.View()
	total := ""
	for _, l := range strings.Split(seg, "\n") {
		if strings.Contains(l, "Total") && strings.Contains(l, "2,000") {
			total = l
		}
	}
	// profit, margin, risk-adjusted profit, net AR, ECL, open AR, unapplied: seven n/a on the total row
	if strings.Count(total, "n/a") != 7 || strings.Contains(total, " 0.00") {
		t.Errorf("Segments total row: %q", total)
	}
	press(t, m, "2")
	if _, ok := m.sh.A.Field("profit"); ok {
		t.Error("profit field present without a cost basis")
	}
	press(t, m, "enter")
	card := m.View()
	if !strings.Contains(card, "COGS, margin and profit n/a") || strings.Contains(card, "COGS 0.00") {
		t.Errorf("card:\n%s", card)
	}
	press(t, m, "esc", "3")
	if v := m.View(); !strings.Contains(v, "Profit n/a") || strings.Contains(v, "peak") {
		t.Errorf("Profitability pane:\n%s", v)
	}
}

// No number is ever cut: every numeric column is as wide as its widest
// cell, n/a and negative values included, in every table of every pane.
func TestNumbersNeverCut(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		m := readyEnv(t, 200, 60, lang, &testEnv{})
		rp := m.panes[paneRisk].(*riskPane)
		grids := []*grid{m.panes[paneSegments].(*segmentsPane).grid, custGrid(m), m.panes[paneProfit].(*profitPane).grid,
			rp.lists[listCredit], rp.lists[listWriteOff], rp.lists[listChurn]}
		for _, g := range grids {
			for _, c := range g.cols {
				if !c.right {
					continue
				}
				for _, r := range g.all {
					if w := lipgloss.Width(c.text(r)); w > g.widthOf(c) {
						t.Fatalf("%s: column %s is %d wide, cell %q needs %d", lang, c.id, g.widthOf(c), c.text(r), w)
					}
				}
			}
		}
	}
}

// analysisIn runs cmd (and the batches it returns) until an analysis
// result comes out, which it returns without handing it to the model.
func analysisIn(t *testing.T, cmd tea.Cmd) analysisMsg {
	t.Helper()
	var got *analysisMsg
	runCmds(cmd, func(msg tea.Msg) (tea.Cmd, bool) {
		if a, ok := msg.(analysisMsg); ok {
			got = &a
		}
		return nil, got != nil
	})
	if got == nil {
		t.Fatal("no analysis result")
	}
	return *got
}

// clvCells calls f with the Platinum row's Avg CLV and Σ CLV cells of the
// Segments pane in view (numbers are right-aligned under their titles).
func clvCells(t *testing.T, view string, f func(col, cell string)) {
	t.Helper()
	var head, row []rune
	for _, line := range strings.Split(view, "\n") {
		if head == nil && strings.Contains(line, "Avg CLV") {
			head = []rune(line)
		}
		if row == nil && strings.Contains(line, "Platinum") { // the table's row comes before the chart's
			row = []rune(line)
		}
	}
	for _, col := range []string{"Avg CLV", "Σ CLV"} {
		i := strings.Index(string(head), col)
		if head == nil || row == nil || i < 0 {
			t.Fatalf("no %s column in view:\n%s", col, view)
		}
		end := len([]rune(string(head)[:i])) + len([]rune(col))
		cell := strings.Fields(string(row[:end]))
		f(col, cell[len(cell)-1])
	}
}

// The first screen does not wait for the probabilistic models: the
// segment tables come with CLV n/a (not the simple CLV in its place) and
// the header says the models are being fitted; the Model pane says so, export waits; then the fitted
// analysis replaces it. A change made meanwhile drops the fitting result of
// the older parameters, and a baseline shown before its fits is analysed
// again once the models are cached.
func TestProgressiveFirstScreen(t *testing.T) {
	m := New(demoConfig())
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Init()
	var loaded tea.Msg
	for loaded == nil {
		if msg, ok := m.wait()().(loadedMsg); ok {
			loaded = msg
		}
	}
	_, cmd := m.Update(loaded)
	quick := analysisIn(t, cmd)
	if !quick.a.ModelsPending {
		t.Fatal("the first analysis waited for the fits")
	}
	_, fitCmd := m.Update(quick)
	if !m.load.ready || !m.run.fitting || !strings.Contains(m.View(), "fitting") {
		t.Fatalf("first screen: ready %v fitting %v\n%s", m.load.ready, m.run.fitting, m.View())
	}
	// no stand-in CLV meanwhile: the CLV columns say n/a
	clvCells(t, m.View(), func(col, cell string) {
		if cell != "n/a" {
			t.Errorf("%s while fitting: %q", col, cell)
		}
	})
	press(t, m, "6")
	if !strings.Contains(m.View(), "being fitted") {
		t.Errorf("Model pane while fitting:\n%s", m.View())
	}
	m.Update(keyMsg("e"))
	if !strings.Contains(m.status.text, "still being fitted") {
		t.Errorf("export while fitting: status %q", m.status.text)
	}
	press(t, m, "1")
	// a change before the fits land: their result is for older parameters
	p := m.sh.Params.Clone()
	if err := p.Set("pyramid_cutoffs", "0.05, 0.1, 0.3"); err != nil {
		t.Fatal(err)
	}
	changeCmd := m.change(p, "pyramid_cutoffs")
	old := analysisIn(t, fitCmd)
	m.Update(old)
	if m.sh.A != quick.a {
		t.Error("the fitted result of the older parameters replaced the screen")
	}
	newQuick := analysisIn(t, changeCmd)
	_, fitCmd = m.Update(newQuick)
	if newQuick.a.ModelsPending { // the older fits may have landed in the cache first
		_, rebase := m.Update(analysisIn(t, fitCmd))
		if m.sh.A.ModelsPending || m.run.fitting || strings.Contains(m.View(), "fitting") {
			t.Errorf("after the fits: pending %v fitting %v", m.sh.A.ModelsPending, m.run.fitting)
		}
		fitCmd = rebase
	}
	if m.sh.A.Model == nil || !m.sh.A.Model.OK {
		t.Fatal("the fitted analysis has no model")
	}
	clvCells(t, m.View(), func(col, cell string) {
		if cell == "n/a" {
			t.Errorf("%s after the fits: n/a", col)
		}
	})
	if !m.sh.BaseA.ModelsPending {
		t.Fatal("the baseline should still be the one shown before its fits")
	}
	if fitCmd == nil {
		t.Fatal("no re-analysis of the baseline")
	}
	msg, ok := fitCmd().(rebasedMsg)
	if !ok {
		t.Fatalf("baseline: %T", msg)
	}
	m.Update(msg)
	if m.sh.BaseA.ModelsPending || m.sh.BaseA.Model == nil {
		t.Error("the baseline was not analysed again with its fits")
	}
}

// With a source that cuts the as-of date itself (ReloadAsOf: a database
// summary), changing as_of loads the ledger again for that date in the
// background and analyses the new ledger; esc cancels a load and keeps the
// ledger and the as-of date that were there; a failed load says why and
// keeps them too.
func TestAsOfReloads(t *testing.T) {
	var asked []model.Day
	var block, fail bool
	cfg := demoConfig()
	cfg.ReloadAsOf = func(ctx context.Context, asOf model.Day, progress func(Progress)) (*model.Ledger, LoadReport, error) {
		asked = append(asked, asOf)
		progress(Progress{Rows: 1234})
		switch {
		case block:
			<-ctx.Done()
			return nil, LoadReport{}, ctx.Err()
		case fail:
			return nil, LoadReport{}, errors.New("connection refused")
		}
		led, rep, err := importer.LoadDemo(importer.Options{Context: ctx})
		return led, LoadReport{RowsRead: rep.RowsRead, RowsUsed: rep.RowsUsed}, err
	}
	m := New(cfg)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	drive(t, m, m.Init())
	first := m.run.ledger
	setAsOf := func(d string) tea.Cmd {
		p := m.sh.Params.Clone()
		if err := p.Set("as_of", d); err != nil {
			t.Fatal(err)
		}
		return m.change(p, "as_of")
	}
	drive(t, m, setAsOf("2025-06-30"))
	june := model.DayFromCivil(2025, 6, 30)
	if len(asked) != 1 || asked[0] != june || m.run.ledger == first || m.sh.A.AsOf != june || m.run.reload.active {
		t.Fatalf("as_of 2025-06-30: asked %v, new ledger %v, analysis as of %s", asked, m.run.ledger != first, m.sh.A.AsOf)
	}
	loaded := m.run.ledger

	// cancelled with esc
	block = true
	cmd := setAsOf("2025-03-31")
	if !m.run.reload.active || !strings.Contains(m.View(), "re-query") {
		t.Fatalf("no re-query on screen:\n%s", m.View())
	}
	m.Update(keyMsg("esc"))
	drive(t, m, cmd)
	if m.run.reload.active || m.run.ledger != loaded || m.sh.Params.AsOf != june || !strings.Contains(m.status.text, "cancelled") {
		t.Errorf("after esc: active %v, ledger kept %v, as_of %s, status %q", m.run.reload.active, m.run.ledger == loaded, m.sh.Params.AsOf, m.status.text)
	}
	if n := len(m.hist.undo); n == 0 || m.hist.undo[n-1].p.AsOf == june {
		t.Error("the cancelled change is still in the undo history")
	}

	// failed, with another change made while it ran: that one stays
	block, fail = false, true
	cmd = setAsOf("2025-01-31")
	p := m.sh.Params.Clone()
	if err := p.Set("pyramid_cutoffs", "0.05, 0.1, 0.3"); err != nil {
		t.Fatal(err)
	}
	other := m.change(p, "pyramid_cutoffs")
	drive(t, m, cmd)
	drive(t, m, other)
	if m.run.ledger != loaded || m.sh.Params.AsOf != june || !m.status.err || !strings.Contains(m.status.text, "connection refused") {
		t.Errorf("after a failed load: ledger kept %v, as_of %s, status %q", m.run.ledger == loaded, m.sh.Params.AsOf, m.status.text)
	}
	if got := m.sh.Params.PyramidCutoffs; len(got) != 3 || got[0] != 0.05 || m.sh.A.AsOf != june || m.sh.A.Params.PyramidCutoffs[0] != 0.05 {
		t.Errorf("the change made during the load: cutoffs %v, analysis as of %s with %v", got, m.sh.A.AsOf, m.sh.A.Params.PyramidCutoffs)
	}

	// undo: first the cutoffs (no load: the history does not bring the
	// failed date back), then to the latest date through a load
	fail = false
	n := len(asked)
	drive(t, m, m.undoRedo(&m.hist.undo, &m.hist.redo, "msg.undid", "msg.noundo"))
	if len(asked) != n || m.sh.Params.AsOf != june || m.sh.Params.PyramidCutoffs[0] != 0.01 {
		t.Errorf("first undo: %d loads, as_of %s, cutoffs %v", len(asked)-n, m.sh.Params.AsOf, m.sh.Params.PyramidCutoffs)
	}
	drive(t, m, m.undoRedo(&m.hist.undo, &m.hist.redo, "msg.undid", "msg.noundo"))
	if last := asked[len(asked)-1]; last != model.NoDay || m.sh.Params.AsOf != model.NoDay {
		t.Errorf("second undo: asked %s, as_of %s", last, m.sh.Params.AsOf)
	}
}

// On a customer-level ledger whose rows are in a database (Config.Documents)
// the card fetches the customer's latest documents when it opens and lists
// them (text from the source made safe); the fetch is skipped while
// customers are masked, and a failure is said in the card.
func TestCardFetchesDocuments(t *testing.T) {
	var b strings.Builder
	b.WriteString("customer_id,amount,orders,first_order_date,last_order_date\n")
	for i := range 40 {
		fmt.Fprintf(&b, "K%03d,%d.50,%d,2024-0%d-01,2025-0%d-15\n", i, 1000+i*37, 1+i%5, 1+i%9, 1+i%9)
	}
	led, _, err := importer.LoadReader("summary.csv", []byte(b.String()), importer.Options{})
	if err != nil || led.Totals == nil {
		t.Fatalf("customer-level ledger: %v", err)
	}
	var asked []string
	fail := false
	cfg := demoConfig()
	cfg.Load = func(ctx context.Context, progress func(Progress)) (*model.Ledger, LoadReport, error) {
		return led, LoadReport{RowsRead: 40, RowsUsed: 40}, nil
	}
	cfg.Documents = func(ctx context.Context, id string, asOf model.Day, decimals int) ([]Document, error) {
		asked = append(asked, id)
		if fail {
			return nil, errors.New("statement timeout")
		}
		return []Document{{Date: model.DayFromCivil(2025, 3, 2), Doc: "INV-9\x1b[31m", Net: 123456, Lines: 3}, {Date: model.DayFromCivil(2025, 1, 5), Doc: "INV-7", Net: -5000, Lines: 1}}, nil
	}
	m := New(cfg)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 40})
	drive(t, m, m.Init())
	c := slices.Index(m.sh.A.Led.Customers.ID, "K007")
	if c < 0 {
		t.Fatal("no K007")
	}
	_, cmd := m.Update(openCardMsg{cust: int32(c)})
	if v := m.View(); !strings.Contains(v, "fetching them from the database") {
		t.Errorf("card while fetching:\n%s", v)
	}
	drive(t, m, cmd)
	v := m.View()
	if len(asked) != 1 || asked[0] != "K007" || !strings.Contains(v, "Recent documents") || !strings.Contains(v, "2025-03-02") ||
		!strings.Contains(v, "1,234.56") || !strings.Contains(v, "-50.00") || strings.Contains(v, "\x1b[31m") {
		t.Errorf("asked %v; card:\n%s", asked, v)
	}
	m.Update(keyMsg("esc"))
	fail = true
	_, cmd = m.Update(openCardMsg{cust: int32(c)})
	drive(t, m, cmd)
	if v := m.View(); !strings.Contains(v, "could not fetch them: statement timeout") {
		t.Errorf("card after a failed fetch:\n%s", v)
	}
	m.Update(keyMsg("esc"))
	m.Update(keyMsg("M")) // mask
	n := len(asked)
	_, cmd = m.Update(openCardMsg{cust: int32(c)})
	drive(t, m, cmd)
	if v := m.View(); len(asked) != n || !strings.Contains(v, "not fetched while customers are masked") {
		t.Errorf("masked: %d fetches; card:\n%s", len(asked)-n, v)
	}
}

// A table of many rows filters once typing pauses, not at every key: a
// pause message from an earlier key does nothing, the last key's (as its
// command sends it, through the model) filters, and enter filters at once.
func TestFilterWaitsForPause(t *testing.T) {
	m := ready(t, 120, 40)
	g := newGrid(m.sh)
	all := make([]int32, pauseFilterRows+10)
	for i := range all {
		all[i] = int32(i)
	}
	g.setData([]gridCol{{id: "n", title: "N", text: func(r int32) string { return strconv.Itoa(int(r)) }}}, all)
	g.filter = func(q string, all []int32) ([]int32, error) {
		var out []int32
		for _, r := range all {
			if strings.Contains(strconv.Itoa(int(r)), q) {
				out = append(out, r)
			}
		}
		return out, nil
	}
	holding := func(q string) int {
		n := 0
		for _, r := range all {
			if strings.Contains(strconv.Itoa(int(r)), q) {
				n++
			}
		}
		return n
	}
	g.startInput('/', "")
	key := func(r rune) tea.Cmd { return g.inputKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}) }
	key('7')
	cmd := key('7')
	if len(g.rows) != len(all) {
		t.Fatalf("filtered at a key: %d rows", len(g.rows))
	}
	m.Update(gridFilterMsg{g: g, seq: g.filterSeq - 1})
	if len(g.rows) != len(all) {
		t.Fatalf("the first key's pause filtered: %d rows", len(g.rows))
	}
	var pause tea.Msg
	msgs := []tea.Msg{cmd()}
	if b, ok := msgs[0].(tea.BatchMsg); ok {
		msgs = nil
		for _, c := range b {
			if c != nil {
				msgs = append(msgs, c())
			}
		}
	}
	for _, msg := range msgs {
		if _, ok := msg.(gridFilterMsg); ok {
			pause = msg
		}
	}
	if pause == nil {
		t.Fatalf("the key sent no pause message: %v", msgs)
	}
	m.Update(pause)
	if want := holding("77"); len(g.rows) != want {
		t.Errorf("after the pause: %d rows, want %d", len(g.rows), want)
	}
	key('0')
	g.inputKey(tea.KeyMsg{Type: tea.KeyEnter})
	if want := holding("770"); len(g.rows) != want {
		t.Errorf("after enter: %d rows, want %d", len(g.rows), want)
	}
}

// The rows shown are the filter's selection sorted, whichever comes first:
// the sorted rows are remembered and the filter selects from them, so
// every sort column (numbers and text, both ways) with every search gives
// what filtering and then sorting gives; a recompute sorts again.
func TestSortedThenFiltered(t *testing.T) {
	m := ready(t, 160, 40)
	press(t, m, "2")
	g := custGrid(m)
	check := func(what string) {
		t.Helper()
		want, err := g.filter(g.query, g.all)
		if err != nil || strings.TrimSpace(g.query) == "" {
			want = slices.Clone(g.all)
		}
		if c, ok := g.colByID(g.sortID); ok {
			sortRows(want, c, g.desc)
		}
		if !slices.Equal(g.rows, want) {
			t.Fatalf("%s: %d rows shown, not the filtered rows sorted (%d)", what, len(g.rows), len(want))
		}
	}
	for _, col := range []string{"revenue", "name", "seg:pyramid", "clv", "region"} {
		for _, desc := range []bool{false, true} {
			for _, q := range []string{"", "gold", "east", "revenue>1000 lead", "zzz"} {
				g.sortID, g.desc, g.query = col, desc, q
				g.apply()
				check(fmt.Sprintf("sorted by %s (desc %v), search %q", col, desc, q))
			}
		}
	}
	// a recompute moves customers between pyramid tiers: the remembered
	// order goes
	g.sortID, g.desc, g.query = "seg:pyramid", false, ""
	g.apply()
	before := slices.Clone(g.rows)
	press(t, m, "5")
	selectParam(t, m, "pyramid_cutoffs")
	press(t, m, "enter")
	m.panes[paneParams].(*paramsPane).input.SetValue("5%, 10%, 30%")
	press(t, m, "enter", "2")
	g = custGrid(m)
	if slices.Equal(before, g.rows) {
		t.Fatal("new pyramid cut-offs left the rows sorted by tier in their order")
	}
	check("after a recompute")
}

// s on a segment column puts the segments in the scheme's order (Platinum,
// Gold, Iron, Lead), not A to Z; S reverses it.
func TestSegmentColumnSortsInSchemeOrder(t *testing.T) {
	m := ready(t, 160, 40)
	press(t, m, "2")
	g := custGrid(m)
	col := slices.IndexFunc(g.visible(), func(c gridCol) bool { return c.id == "seg:pyramid" })
	if col < 0 {
		t.Fatal("no pyramid column on screen")
	}
	g.col = col
	assign, names, _ := m.sh.A.SegmentValues("seg:pyramid")
	for _, k := range []string{"s", "S"} {
		press(t, m, k)
		first, last := names[assign[g.rows[0]]], names[assign[g.rows[len(g.rows)-1]]]
		for i := 1; i < len(g.rows); i++ {
			a, b := assign[g.rows[i-1]], assign[g.rows[i]]
			if (k == "s" && a > b) || (k == "S" && a < b) {
				t.Fatalf("%s: %s before %s", k, names[a], names[b])
			}
		}
		if want := map[string][2]string{"s": {"Platinum", "Lead"}, "S": {"Lead", "Platinum"}}[k]; first != want[0] || last != want[1] {
			t.Errorf("%s: %s … %s, want %s … %s", k, first, last, want[0], want[1])
		}
	}
}

// A pane not on screen is refreshed when it is shown, not at every
// analysis: after a change seen on Segments the Customers pane still holds
// the older analysis' rows, and shows the new one's once opened.
func TestPanesRefreshedWhenShown(t *testing.T) {
	m := ready(t, 120, 40)
	press(t, m, "2", "1")
	cust := m.panes[paneCustomers].(*customersPane)
	p := m.sh.Params.Clone()
	if err := p.Set("as_of", "2025-06-30"); err != nil {
		t.Fatal(err)
	}
	_, cmd := m.Update(analysisIn(t, m.change(p, "as_of")))
	drive(t, m, cmd)
	now := m.sh.A.IDOrder
	if len(cust.grid.all) == len(now) && &cust.grid.all[0] == &now[0] {
		t.Fatal("the Customers pane was refreshed while not on screen")
	}
	press(t, m, "2")
	if len(cust.grid.all) != len(now) || &cust.grid.all[0] != &now[0] {
		t.Fatalf("shown: %d rows of an older analysis, the analysis has %d", len(cust.grid.all), len(now))
	}
	if !strings.Contains(m.View(), fmtInt(len(now))+" of "+fmtInt(len(now))) {
		t.Errorf("the Customers pane does not count the new analysis' %d customers:\n%s", len(now), m.View())
	}
}

// A big table sorts in two halves and merges them: the order is the one a
// stable sort of the whole gives, ties and both directions included; its
// columns, measured and summed side by side, have the widths and totals
// measuring them one by one gives.
func TestBigTableOnEveryCore(t *testing.T) {
	n := bigTable + 1001
	rows := make([]int32, n)
	for i := range rows {
		rows[i] = int32((i * 7919) % n) // not in order
	}
	key := func(r int32) float64 { return float64(r % 97) } // many ties
	for _, sign := range []int{1, -1} {
		got, want := slices.Clone(rows), slices.Clone(rows)
		sortBy(got, key, sign)
		slices.SortStableFunc(want, func(x, y int32) int { return sign * cmp.Compare(key(x), key(y)) })
		if !slices.Equal(got, want) {
			t.Errorf("sign %d: the halves merged are not the stable sort of the whole", sign)
		}
	}
	m := ready(t, 120, 40)
	g := newGrid(m.sh)
	g.total = func(c gridCol, rows []int32) string {
		var s int
		for _, r := range rows {
			s += int(c.sort(r))
		}
		return strconv.Itoa(s)
	}
	var cols []gridCol
	for k := 1; k <= 12; k++ {
		cols = append(cols, gridCol{id: strconv.Itoa(k), title: "C" + strconv.Itoa(k), right: true,
			text: func(r int32) string { return strconv.Itoa(int(r) * k * k) }, sort: func(r int32) float64 { return float64(int(r) * k * k) }})
	}
	g.SetSize(120, 20)
	g.setData(cols, rows)
	for _, c := range g.visible()[:8] {
		w, total, _ := g.measure(c)
		if g.widths[c.id] != w || g.totals[c.id] != total {
			t.Errorf("column %s: width %d total %q side by side, %d %q alone", c.id, g.widths[c.id], g.totals[c.id], w, total)
		}
	}
}
