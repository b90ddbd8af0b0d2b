// Package tui is the interactive view: it shows an analysis and edits its
// parameters. It never computes a metric itself; loading, fitting and
// recomputing run in tea.Cmds, and results older than the latest change
// are dropped.
package tui

import (
	"context"
	"fmt"
	"ledgerlens/termtext"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"ledgerlens/importer"
	"ledgerlens/model"
)

// Config is what the view needs to start.
type Config struct {
	Source       string
	Inputs       []string // files never written over
	Load         func(ctx context.Context, progress func(importer.Progress)) (*model.Ledger, *importer.Report, error)
	Params       model.Params
	ScenarioName string
	Lang         string // en | zh: labels and segment names (not an analysis parameter)
	ExportPath   string // default target of `e`
	NoTimings    bool   // leave timings out of the header (reproducible screens in tests)
}

const (
	paneSegments = iota
	paneCustomers
	paneProfit
	paneRisk
	paneParams
	numPanes
)

var paneNames = []string{"Segments", "Customers", "Profitability", "Risk", "Parameters"}

type state int

const (
	stateLoading state = iota
	stateReady
	stateFailed
)

// prompt kinds for the one-line input at the bottom
const (
	promptNone = iota
	promptSave
	promptOpen
	promptExport
	promptConfirm
)

// Model is the root model.
type Model struct {
	cfg  Config
	keys KeyMap
	st   *Styles
	help help.Model

	width, height int
	bodyH         int // lines for the pane
	mainW, sideW  int // side panel (parameters) on wide terminals

	state     state
	err       error
	cancel    context.CancelFunc
	events    chan tea.Msg
	prog      importer.Progress
	started   time.Time
	bar       progress.Model
	spin      spinner.Model
	fitting   bool
	exporting bool
	led       *model.Ledger
	rep       *importer.Report
	engine    *model.Engine
	params    model.Params
	baseline  model.Params
	baseA     *model.Analysis
	a         *model.Analysis
	seq       int // latest requested recompute
	shown     int // sequence number of the analysis on screen
	lastDur   time.Duration
	undo      []model.Params
	redo      []model.Params
	unsaved   bool
	scenario  string

	pane     int
	compare  bool
	showHelp bool
	message  string
	isError  bool

	// Segments
	scheme int
	segSel int
	// Customers
	cust customersPane
	// Profitability / Risk scroll
	profOff, riskOff int
	// Parameters
	paramSel int
	editing  bool
	paramErr string
	input    textinput.Model
	// prompt
	prompt      int
	promptInput textinput.Model
	pendingPath string
}

// New returns the model for a configuration.
func New(cfg Config) *Model {
	m := &Model{cfg: cfg, keys: DefaultKeys(), st: NewStyles(DefaultTheme), help: help.New(), params: cfg.Params.Clone(),
		scenario: cfg.ScenarioName, width: 80, height: 24}
	m.bar = progress.New(progress.WithDefaultGradient(), progress.WithWidth(40))
	m.spin = spinner.New(spinner.WithSpinner(spinner.Dot))
	m.input = textinput.New()
	m.promptInput = textinput.New()
	m.cust.card = -1
	m.cust.input = textinput.New()
	// a steady cursor: no blink timer redrawing the screen twice a second
	for _, in := range []*textinput.Model{&m.input, &m.promptInput, &m.cust.input} {
		in.Cursor.SetMode(cursor.CursorStatic)
	}
	m.cust.sortCol = 3
	m.cust.desc = true
	m.layout()
	return m
}

// messages
type (
	progressMsg importer.Progress
	loadedMsg   struct {
		led *model.Ledger
		rep *importer.Report
		err error
	}
	analysisMsg struct {
		seq      int
		a        *model.Analysis
		err      error
		dur      time.Duration
		baseline bool
	}
	exportedMsg struct {
		path string
		err  error
	}
)

// Init starts loading.
func (m *Model) Init() tea.Cmd {
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.started = time.Now()
	m.events = make(chan tea.Msg, 8)
	go func() {
		led, rep, err := m.cfg.Load(ctx, func(p importer.Progress) {
			select { // latest progress wins; never block the loader
			case m.events <- progressMsg(p):
			default:
			}
		})
		m.events <- loadedMsg{led, rep, err}
	}()
	return tea.Batch(m.wait(), m.spin.Tick)
}

func (m *Model) wait() tea.Cmd {
	ch := m.events
	return func() tea.Msg { return <-ch }
}

// recompute runs stage 2 (and, the first time, stage 1 and the fits) in a
// Cmd; the result carries its sequence number.
func (m *Model) recompute(baseline bool) tea.Cmd {
	m.seq++
	seq, p, e := m.seq, m.params.Clone(), m.engine
	return func() tea.Msg {
		t := time.Now()
		a, err := e.Analyze(p)
		return analysisMsg{seq: seq, a: a, err: err, dur: time.Since(t), baseline: baseline}
	}
}

// layout computes every size from the terminal size, in one place.
func (m *Model) layout() {
	m.bodyH = max(3, m.height-4) // header, tabs, footer (2)
	m.mainW, m.sideW = m.width, 0
	if m.width >= 140 {
		m.sideW = min(48, m.width/3)
		m.mainW = m.width - m.sideW - 1
	}
	m.help.Width = m.width
	m.bar.Width = min(50, max(10, m.width-30))
	m.input.Width = max(10, m.mainW-30)
	m.promptInput.Width = max(10, m.width-30)
}

// Update handles messages.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case progressMsg:
		m.prog = importer.Progress(msg)
		return m, m.wait()
	case loadedMsg:
		if msg.err != nil {
			m.state, m.err, m.rep = stateFailed, msg.err, msg.rep
			return m, nil
		}
		m.led, m.rep, m.engine = msg.led, msg.rep, model.NewEngine(msg.led)
		m.fitting = true
		return m, m.recompute(true)
	case analysisMsg:
		if msg.seq != m.seq {
			return m, nil // stale: a newer change is being computed
		}
		m.fitting = false
		if msg.err != nil {
			m.setError(msg.err.Error())
			return m, nil
		}
		m.a, m.lastDur, m.shown = msg.a, msg.dur, msg.seq
		if msg.baseline || m.baseA == nil {
			m.baseA, m.baseline = msg.a, m.params.Clone()
		}
		m.state = stateReady
		m.cust.invalidate()
		m.clampSelections()
		return m, nil
	case exportedMsg:
		m.exporting = false
		if msg.err != nil {
			m.setError("export failed: " + msg.err.Error())
		} else {
			m.setMessage("exported to " + msg.path)
		}
		return m, nil
	case spinner.TickMsg:
		if m.state == stateLoading || m.fitting || m.exporting {
			var cmd tea.Cmd
			m.spin, cmd = m.spin.Update(msg)
			return m, cmd
		}
		return m, nil
	case tea.MouseMsg:
		return m, m.mouse(msg)
	case tea.KeyMsg:
		// Keys typed faster than the screen reads them arrive as one message
		// ("jjj"); outside a text field each is a key press of its own.
		typing := m.prompt != promptNone || m.editing || m.cust.filtering
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !typing {
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				cmds = append(cmds, m.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}))
			}
			return m, tea.Batch(cmds...)
		}
		return m, m.key(msg)
	}
	return m, nil
}

func (m *Model) setMessage(s string) { m.message, m.isError = s, false }
func (m *Model) setError(s string)   { m.message, m.isError = s, true }

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	if msg.String() == "ctrl+c" {
		if m.cancel != nil {
			m.cancel()
		}
		return tea.Quit
	}
	// a focused input takes the keys first: typing q never quits
	if m.prompt != promptNone {
		return m.promptKey(msg)
	}
	if m.editing {
		return m.editKey(msg)
	}
	if m.cust.filtering {
		return m.filterKey(msg)
	}
	if m.state != stateReady {
		if key.Matches(msg, k.Quit, k.Back) {
			if m.cancel != nil {
				m.cancel() // cancel the load
			}
			return tea.Quit
		}
		return nil
	}
	m.message = ""
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case m.showHelp:
		m.showHelp = false
		return nil
	case key.Matches(msg, k.Help):
		m.showHelp = true
		return nil
	case key.Matches(msg, k.NextPane):
		m.setPane((m.pane + 1) % numPanes)
		return nil
	case key.Matches(msg, k.PrevPane):
		m.setPane((m.pane + numPanes - 1) % numPanes)
		return nil
	case key.Matches(msg, k.Pane) && m.cust.card < 0:
		m.setPane(int(msg.String()[0] - '1'))
		return nil
	case key.Matches(msg, k.Compare):
		m.compare = !m.compare
		return nil
	case key.Matches(msg, k.Baseline):
		m.baseline, m.baseA = m.params.Clone(), m.a
		m.setMessage("current parameters set as the baseline")
		return nil
	case key.Matches(msg, k.Undo):
		return m.undoRedo(&m.undo, &m.redo, "undo")
	case key.Matches(msg, k.Redo):
		return m.undoRedo(&m.redo, &m.undo, "redo")
	case key.Matches(msg, k.Save):
		m.startPrompt(promptSave, "scenario.toml")
		return nil
	case key.Matches(msg, k.Open):
		m.startPrompt(promptOpen, "") // a .toml scenario or an exported .xlsx
		return nil
	case key.Matches(msg, k.Export):
		m.startPrompt(promptExport, m.cfg.ExportPath)
		return nil
	case key.Matches(msg, k.Scheme):
		d := 1
		if msg.String() == "[" {
			d = -1
		}
		m.moveScheme(d)
		return nil
	case key.Matches(msg, k.Back) && m.compare:
		m.compare = false
		return nil
	}
	switch m.pane {
	case paneSegments:
		return m.segmentsKey(msg)
	case paneCustomers:
		return m.customersKey(msg)
	case paneParams:
		return m.paramsKey(msg)
	case paneProfit:
		m.scrollKey(msg, &m.profOff)
	case paneRisk:
		m.scrollKey(msg, &m.riskOff)
	}
	return nil
}

func (m *Model) setPane(p int) {
	if p >= 0 && p < numPanes {
		m.pane = p
		m.compare = false
	}
}

func (m *Model) moveScheme(d int) {
	if m.a == nil {
		return
	}
	n := len(m.a.Schemes)
	m.scheme = (m.scheme + d + n) % n
	m.segSel = 0
	m.cust.invalidate()
}

func (m *Model) scrollKey(msg tea.KeyMsg, off *int) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Down):
		*off++
	case key.Matches(msg, k.Up):
		*off = max(0, *off-1)
	case key.Matches(msg, k.PageDown):
		*off += m.bodyH - 2
	case key.Matches(msg, k.PageUp):
		*off = max(0, *off-(m.bodyH-2))
	case key.Matches(msg, k.Home):
		*off = 0
	}
}

func (m *Model) segmentsKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	sc := m.currentScheme()
	switch {
	case key.Matches(msg, k.Left):
		m.moveScheme(-1)
	case key.Matches(msg, k.Right):
		m.moveScheme(1)
	case key.Matches(msg, k.Down):
		m.segSel = min(m.segSel+1, len(sc.Segments)-1)
	case key.Matches(msg, k.Up):
		m.segSel = max(0, m.segSel-1)
	case key.Matches(msg, k.Enter):
		// show the segment's customers
		m.cust.filterText = "segment=" + sc.Segments[m.segSel]
		m.cust.invalidate()
		m.setPane(paneCustomers)
	}
	return nil
}

// change applies new parameters: undo history, unsaved marker, recompute.
func (m *Model) change(p model.Params) tea.Cmd {
	m.undo = append(m.undo, m.params.Clone())
	m.redo = nil
	m.params = p
	m.unsaved = true
	return m.recompute(false)
}

func (m *Model) undoRedo(from, to *[]model.Params, what string) tea.Cmd {
	if len(*from) == 0 {
		m.setMessage("nothing to " + what)
		return nil
	}
	p := (*from)[len(*from)-1]
	*from = (*from)[:len(*from)-1]
	*to = append(*to, m.params.Clone())
	m.params = p
	m.unsaved = true
	return m.recompute(false)
}

func (m *Model) currentScheme() *model.Scheme {
	if m.a == nil || len(m.a.Schemes) == 0 {
		return &model.Scheme{}
	}
	m.scheme = min(m.scheme, len(m.a.Schemes)-1)
	return &m.a.Schemes[m.scheme]
}

func (m *Model) clampSelections() {
	sc := m.currentScheme()
	m.segSel = min(m.segSel, max(0, len(sc.Segments)-1))
}

// View renders the screen. Whatever data reached it, only the view's own
// style sequences go to the terminal (termtext.Screen).
func (m *Model) View() string { return termtext.Screen(m.view()) }

func (m *Model) view() string {
	if m.width < 20 || m.height < 6 {
		return "terminal too small"
	}
	switch m.state {
	case stateLoading:
		return m.loadingView()
	case stateFailed:
		return m.failedView()
	}
	header := m.headerView()
	tabs := m.tabsView()
	var body string
	switch {
	case m.showHelp:
		body = m.help.FullHelpView(m.keys.FullHelp())
	case m.compare:
		body = m.compareView(m.mainW, m.bodyH)
	default:
		body = m.paneView(m.pane, m.mainW, m.bodyH)
	}
	body = fit(body, m.mainW, m.bodyH)
	if m.sideW > 0 && !m.showHelp && m.pane != paneParams {
		side := fit(m.paramsSide(m.sideW-2, m.bodyH), m.sideW-2, m.bodyH)
		body = lipgloss.JoinHorizontal(lipgloss.Top, body, " ", m.st.Panel.Render(side))
	}
	return lipgloss.JoinVertical(lipgloss.Left, header, tabs, body, m.footerView())
}

func (m *Model) paneView(p, w, h int) string {
	switch p {
	case paneSegments:
		return m.segmentsView(w, h)
	case paneCustomers:
		return m.customersView(w, h)
	case paneProfit:
		return m.profitView(w, h)
	case paneRisk:
		return m.riskView(w, h)
	}
	return m.paramsView(w, h)
}

func (m *Model) t(s string) string { return termtext.Clean(tr(m.cfg.Lang, s)) }

func (m *Model) headerView() string {
	a := m.a
	mark := ""
	if m.unsaved {
		mark = " *"
	}
	name := m.scenario
	if name == "" {
		name = "defaults"
	}
	status := fmt.Sprintf("%s %s", m.t("recomputed in"), m.lastDur.Round(100*time.Microsecond))
	if m.cfg.NoTimings {
		status = m.t("recomputed")
	}
	switch {
	case m.fitting:
		status = m.spin.View() + " fitting BG/NBD and Gamma-Gamma…"
	case m.computing():
		status = m.spin.View() + " recomputing…"
	}
	// most important first: narrow terminals cut the end
	parts := []string{
		m.st.Header.Render("ledgerlens"),
		fmt.Sprintf("%s: %s%s", m.t("scenario"), name, mark),
		m.cfg.Source,
		fmt.Sprintf("%s %s", m.t("as of"), a.AsOf),
		fmt.Sprintf("%s %s", fmtInt(a.N), m.t("customers")),
		fmt.Sprintf("%s %s", fmtInt(m.rep.RowsUsed), m.t("rows")),
		m.st.HeaderDim.Render(status),
	}
	return ansiTruncate(strings.Join(parts, " · "), m.width)
}

// computing reports whether a recompute newer than the shown result runs.
func (m *Model) computing() bool { return m.shown < m.seq }

func (m *Model) tabsView() string {
	var parts []string
	for i, n := range paneNames {
		label := fmt.Sprintf("%d %s", i+1, m.t(n))
		if i == m.pane && !m.compare {
			parts = append(parts, m.st.ActiveTab.Render("["+label+"]"))
		} else {
			parts = append(parts, m.st.Tab.Render(" "+label+" "))
		}
	}
	if m.compare {
		parts = append(parts, m.st.ActiveTab.Render("[c "+m.t("Compare")+"]"))
	}
	return ansiTruncate(strings.Join(parts, " "), m.width)
}

func (m *Model) footerView() string {
	var line string
	switch {
	case m.prompt != promptNone:
		line = m.promptView()
	case m.editing:
		line = "edit " + m.paramKey() + ": " + m.input.View()
	case m.cust.filtering:
		line = "/ " + m.cust.input.View()
	case m.exporting:
		line = m.spin.View() + " " + m.message
	case m.message != "":
		if m.isError {
			line = m.st.Error.Render("✗ " + m.message)
		} else {
			line = m.st.Pos.Render("✓ " + m.message)
		}
	}
	keys := m.help.ShortHelpView(m.contextKeys())
	return ansiTruncate(line, m.width) + "\n" + ansiTruncate(keys, m.width)
}

// contextKeys are the keys that work in the current pane.
func (m *Model) contextKeys() []key.Binding {
	k := m.keys
	switch {
	case m.prompt != promptNone || m.editing || m.cust.filtering:
		return []key.Binding{k.Enter, k.Back}
	case m.compare:
		return []key.Binding{k.Scheme, k.Compare, k.Baseline, k.Undo, k.Help, k.Quit}
	}
	switch m.pane {
	case paneSegments:
		return []key.Binding{k.NextPane, k.Left, k.Up, k.Enter, k.Compare, k.Baseline, k.Undo, k.Export, k.Help, k.Quit}
	case paneCustomers:
		if m.cust.card >= 0 {
			return []key.Binding{k.Back, k.Up, k.Help, k.Quit}
		}
		return []key.Binding{k.NextPane, k.Up, k.Enter, k.Filter, k.Sort, k.Reverse, k.Scheme, k.Help, k.Quit}
	case paneParams:
		return []key.Binding{k.Up, k.Left, k.Right, k.Enter, k.Undo, k.Redo, k.Baseline, k.Save, k.Open, k.Help, k.Quit}
	}
	return []key.Binding{k.NextPane, k.Up, k.PageDown, k.Compare, k.Export, k.Help, k.Quit}
}

func (m *Model) loadingView() string {
	var b strings.Builder
	b.WriteString(m.st.Header.Render("ledgerlens") + " · " + m.cfg.Source + "\n\n")
	p := m.prog
	where := p.File
	if p.Sheet != "" {
		where += ", sheet " + p.Sheet
	}
	verb := m.t("Loading")
	if m.led != nil { // read; stage 1 and the fits are running
		verb = m.t("Analysing")
	}
	b.WriteString(fmt.Sprintf("%s %s %s\n\n", m.spin.View(), verb, where))
	if p.Total > 0 {
		b.WriteString(m.bar.ViewAs(float64(p.Done)/float64(p.Total)) + "\n")
	}
	secs := time.Since(m.started).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(p.Rows) / secs
	}
	eta := ""
	if p.Total > 0 && p.Done > 0 && p.Done < p.Total && secs > 0.5 {
		// the rest at the rate so far
		left := secs * float64(p.Total-p.Done) / float64(p.Done)
		eta = fmt.Sprintf(" · about %s left", (time.Duration(left*10) * time.Second / 10).String())
	}
	b.WriteString(fmt.Sprintf("%s / %s %s\n%s rows · %s rows/s%s\n\n", fmtInt(int(p.Done)), fmtInt(int(p.Total)), p.Unit, fmtInt(p.Rows), fmtInt(int(rate)), eta))
	b.WriteString(m.st.Footer.Render("esc / q cancel"))
	return b.String()
}

func (m *Model) failedView() string {
	msg := m.err.Error()
	if rep := m.rep; rep != nil { // what was read before it failed
		msg += fmt.Sprintf("\n\nrows read %s, used %s, rejected %s", fmtInt(rep.RowsRead), fmtInt(rep.RowsUsed), fmtInt(rep.RowsRejected))
		for _, r := range rep.Reasons {
			e := r.Examples[0]
			msg += fmt.Sprintf("\n  %s: %s (e.g. row %d, column %q, value %q)", r.Reason, fmtInt(r.Count), e.Row, e.Column, e.Value)
		}
	}
	return m.st.Error.Render("✗ could not load the ledger") + "\n\n" + wrap(msg, m.width-2) + "\n\n" +
		"Check the file, or map columns explicitly (--map field=Header, --columns, --date-order).\n" +
		"`ledgerlens inspect FILE` prints the full data-quality report.\n\n" + m.st.Footer.Render("q quit")
}

func wrap(s string, w int) string {
	var out []string
	for len(s) > w && w > 10 {
		cut := strings.LastIndex(s[:w], " ")
		if cut <= 0 {
			cut = w
		}
		out = append(out, s[:cut])
		s = strings.TrimSpace(s[cut:])
	}
	return strings.Join(append(out, s), "\n")
}
