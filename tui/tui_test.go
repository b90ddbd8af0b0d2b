package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"ledgerlens/importer"
	"ledgerlens/model"
)

func demoConfig() Config {
	return Config{
		Source: importer.DemoName, Params: model.DefaultParams(), ExportPath: "demo-segments.xlsx", NoTimings: true,
		Load: func(ctx context.Context, progress func(importer.Progress)) (*model.Ledger, *importer.Report, error) {
			return importer.LoadDemo(importer.Options{Context: ctx, Progress: progress})
		},
	}
}

func init() {
	// Pin the colour profile: golden screens must not depend on the terminal.
	lipgloss.SetColorProfile(termenv.Ascii)
}

// drive runs a Cmd and everything it leads to, synchronously, feeding the
// messages back to the model (ticks are dropped).
func drive(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch msg := msg.(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
			continue
		case nil, spinner.TickMsg:
			continue // animation only
		}
		_, next := m.Update(msg)
		queue = append(queue, next)
	}
}

// ready returns a model that has loaded the demo ledger and analysed it.
func ready(t *testing.T, w, h int) *Model {
	t.Helper()
	m := New(demoConfig())
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	drive(t, m, m.Init())
	if m.state != stateReady {
		t.Fatalf("state %v, err %v", m.state, m.err)
	}
	return m
}

func press(t *testing.T, m *Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		var msg tea.KeyMsg
		switch k {
		case "enter":
			msg = tea.KeyMsg{Type: tea.KeyEnter}
		case "esc":
			msg = tea.KeyMsg{Type: tea.KeyEsc}
		case "tab":
			msg = tea.KeyMsg{Type: tea.KeyTab}
		case "right":
			msg = tea.KeyMsg{Type: tea.KeyRight}
		case "left":
			msg = tea.KeyMsg{Type: tea.KeyLeft}
		case "down":
			msg = tea.KeyMsg{Type: tea.KeyDown}
		case "up":
			msg = tea.KeyMsg{Type: tea.KeyUp}
		case "ctrl+r":
			msg = tea.KeyMsg{Type: tea.KeyCtrlR}
		case "backspace":
			msg = tea.KeyMsg{Type: tea.KeyBackspace}
		default:
			msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		_, cmd := m.Update(msg)
		drive(t, m, cmd)
	}
}

func typeText(t *testing.T, m *Model, s string) {
	for _, r := range s {
		_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		drive(t, m, cmd)
	}
}

// selectParam moves the Parameters pane's selection to key.
func selectParam(t *testing.T, m *Model, key string) {
	for i, s := range model.Specs {
		if s.Key == key {
			m.paramSel = i
			return
		}
	}
	t.Fatalf("no parameter %s", key)
}

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

// Golden screens of every pane at 80×24 and 160×48.
func TestGoldenPanes(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		m := ready(t, size[0], size[1])
		for p, name := range paneNames {
			m.setPane(p)
			v := m.View()
			checkSize(t, v, size[0], size[1])
			t.Run(fmt.Sprintf("%s_%dx%d", name, size[0], size[1]), func(t *testing.T) {
				golden.RequireEqual(t, []byte(v))
			})
		}
	}
}

// Sizes from 80×24 to 250×70: nothing overflows.
func TestLayoutSizes(t *testing.T) {
	m := ready(t, 80, 24)
	for _, size := range [][2]int{{80, 24}, {100, 30}, {120, 40}, {139, 35}, {140, 35}, {200, 60}, {250, 70}} {
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for p := range paneNames {
			m.setPane(p)
			checkSize(t, m.View(), size[0], size[1])
		}
		m.compare = true
		checkSize(t, m.View(), size[0], size[1])
		m.compare = false
	}
}

func TestThresholdChangesSegments(t *testing.T) {
	m := ready(t, 120, 40)
	before := m.View()
	sc := m.currentScheme()
	rows, _ := m.a.SegmentPL(sc)
	platinum := rows[0].Customers
	press(t, m, "5")
	selectParam(t, m, "pyramid_cutoffs")
	press(t, m, "enter")
	m.input.SetValue("5%, 10%, 30%")
	press(t, m, "enter")
	press(t, m, "1")
	rows, _ = m.a.SegmentPL(m.currentScheme())
	if rows[0].Customers == platinum || rows[0].Customers != 100 {
		t.Errorf("Platinum has %d customers after the change (before %d), want 100", rows[0].Customers, platinum)
	}
	if after := m.View(); after == before || !strings.Contains(after, "  100 ") {
		t.Error("segment table did not change on screen")
	}
	// an invalid value is refused inline with the reason
	press(t, m, "5", "enter")
	m.input.SetValue("abc")
	press(t, m, "enter")
	if !m.editing || !strings.Contains(m.View(), "not a number") {
		t.Error("invalid value not refused inline")
	}
	press(t, m, "esc")
}

func TestStaleResultDropped(t *testing.T) {
	m := ready(t, 100, 30)
	shown := m.a
	old := m.recompute(false)   // seq n
	newer := m.recompute(false) // seq n+1
	newMsg := newer()
	oldMsg := old()
	m.Update(newMsg)
	got := m.a
	m.Update(oldMsg) // arrives late: must be dropped
	if m.a != got || m.a == shown {
		t.Error("a stale recompute result replaced a newer one")
	}
}

func TestUndoRedo(t *testing.T) {
	m := ready(t, 100, 30)
	press(t, m, "5")
	selectParam(t, m, "discount_rate_annual")
	press(t, m, "right", "right")
	if m.params.DiscountRateAnnual < 0.1199 || m.params.DiscountRateAnnual > 0.1201 {
		t.Fatalf("discount after two steps = %v", m.params.DiscountRateAnnual)
	}
	press(t, m, "u")
	if m.params.DiscountRateAnnual < 0.1099 || m.params.DiscountRateAnnual > 0.1101 {
		t.Errorf("after undo = %v", m.params.DiscountRateAnnual)
	}
	press(t, m, "ctrl+r")
	if m.params.DiscountRateAnnual < 0.1199 || m.params.DiscountRateAnnual > 0.1201 {
		t.Errorf("after redo = %v", m.params.DiscountRateAnnual)
	}
	if !strings.Contains(m.View(), "●") {
		t.Error("changed parameter not marked")
	}
}

func TestFilter(t *testing.T) {
	m := ready(t, 120, 40)
	press(t, m, "2", "/")
	typeText(t, m, "segment=Platinum")
	press(t, m, "enter")
	if n := len(m.custOrder()); n != 20 {
		t.Errorf("segment=Platinum: %d customers, want 20", n)
	}
	press(t, m, "/")
	m.cust.input.SetValue("clv>1000")
	press(t, m, "enter")
	for _, c := range m.custOrder() {
		if m.a.CLV[c] <= 1000 {
			t.Fatalf("customer %d with CLV %v passed clv>1000", c, m.a.CLV[c])
		}
	}
	press(t, m, "enter") // open the card
	if v := m.View(); !strings.Contains(v, "RFM") || !strings.Contains(v, "Recent documents") {
		t.Errorf("customer card lacks figures:\n%s", v)
	}
	press(t, m, "esc")
	if m.cust.card >= 0 {
		t.Error("esc did not close the card")
	}
	// q typed into the filter does not quit
	press(t, m, "/")
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}})
	if cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Error("q in the filter quit the program")
		}
	}
}

func TestCompareAfterChange(t *testing.T) {
	m := ready(t, 160, 48)
	press(t, m, "5")
	selectParam(t, m, "pyramid_key")
	press(t, m, "right") // revenue → margin
	press(t, m, "1", "c")
	v := m.View()
	if !strings.Contains(v, "pyramid_key revenue → margin") || !strings.Contains(v, "Migration") || !strings.Contains(v, "changed segment") {
		t.Errorf("compare view:\n%s", v)
	}
	press(t, m, "b")
	if v := m.View(); !strings.Contains(v, "no parameter differs") {
		t.Error("baseline not reset by b")
	}
}

// The teatest harness: the real program loop with a fixed terminal size.
func TestProgramLoop(t *testing.T) {
	tm := teatest.NewTestModel(t, New(demoConfig()), teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "Platinum") },
		teatest.WithDuration(20*time.Second), teatest.WithCheckInterval(50*time.Millisecond))
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("4")})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "DSO (count-back)") },
		teatest.WithDuration(5*time.Second))
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if fm.pane != paneRisk {
		t.Errorf("final pane %d", fm.pane)
	}
}

func TestSaveAndOpenScenario(t *testing.T) {
	m := ready(t, 100, 30)
	dir := t.TempDir()
	path := filepath.Join(dir, "stress.toml")
	press(t, m, "5")
	selectParam(t, m, "discount_rate_annual")
	press(t, m, "right")
	m.startPrompt(promptSave, path)
	press(t, m, "enter")
	if _, err := os.Stat(path); err != nil || m.unsaved {
		t.Fatalf("scenario not saved: %v (%s)", err, m.message)
	}
	press(t, m, "u") // back to the default rate
	m.startPrompt(promptOpen, filepath.Join(dir, "str"))
	press(t, m, "tab") // completes the file name
	if m.promptInput.Value() != path {
		t.Errorf("completion gave %q", m.promptInput.Value())
	}
	press(t, m, "enter")
	if m.params.DiscountRateAnnual < 0.1099 || m.params.DiscountRateAnnual > 0.1101 || m.scenario != "stress" {
		t.Errorf("opened scenario: rate %v, name %q (%s)", m.params.DiscountRateAnnual, m.scenario, m.message)
	}
}

func TestExportKey(t *testing.T) {
	m := ready(t, 100, 30)
	path := filepath.Join(t.TempDir(), "out.xlsx")
	m.startPrompt(promptExport, path)
	press(t, m, "enter")
	if _, err := os.Stat(path); err != nil || !strings.Contains(m.message, path) {
		t.Fatalf("export: %v, message %q", err, m.message)
	}
	// a second export asks before replacing
	m.startPrompt(promptExport, path)
	press(t, m, "enter")
	if m.prompt != promptConfirm {
		t.Fatal("no confirmation before replacing")
	}
	press(t, m, "n")
	if !strings.Contains(m.message, "cancelled") {
		t.Errorf("message %q", m.message)
	}
}

// Keys read together ("jjj") count one by one.
func TestBurstOfKeys(t *testing.T) {
	m := ready(t, 100, 30)
	press(t, m, "5")
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjj")})
	drive(t, m, cmd)
	if m.paramSel != 3 {
		t.Errorf("after jjj the selection is %d, want 3", m.paramSel)
	}
}

// A ledger without cost and payment data shows n/a for every profit and
// receivable figure: in the Segments pane, the Customers table, the card and
// the Profitability pane; never 0.00 or revenue standing in for profit.
func TestNoCostNoPaymentShowsNA(t *testing.T) {
	cfg := demoConfig()
	cfg.Load = func(ctx context.Context, progress func(importer.Progress)) (*model.Ledger, *importer.Report, error) {
		led, rep, err := importer.LoadDemo(importer.Options{Context: ctx, Progress: progress})
		if err == nil {
			led.HasCost, led.HasPaid, led.HasPaidAmount, led.HasOutstanding = false, false, false, false
			for i := range led.Tx.CostKnown {
				led.Tx.CostKnown[i] = false
			}
		}
		return led, rep, err
	}
	m := New(cfg)
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	drive(t, m, m.Init())
	if m.state != stateReady {
		t.Fatalf("state %v, err %v", m.state, m.err)
	}
	seg := m.View()
	total := ""
	for _, l := range strings.Split(seg, "\n") {
		if strings.Contains(l, "Total") && strings.Contains(l, "2,000") {
			total = l
		}
	}
	// profit, margin, net AR, ECL, open AR, unapplied: six n/a on the total row
	if strings.Count(total, "n/a") != 6 || strings.Contains(total, " 0.00") {
		t.Errorf("Segments total row: %q", total)
	}
	press(t, m, "2")
	rows := strings.Split(m.View(), "\n")
	if len(rows) < 5 || !strings.Contains(rows[4], "n/a") {
		t.Errorf("Customers row: %q", rows[4])
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
