// Package tui is the interactive view: it shows an analysis and edits its
// parameters. It never computes a metric itself and never touches a file:
// main hands it the loader and the writers (Config), loading, fitting,
// recomputing and writing run in tea.Cmds, and results older than the
// latest change are dropped. Each pane is a component (pane.go).
package tui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"ledgerlens/model"
	"ledgerlens/termtext"
)

// Config is what the view needs to start: the ledger's loader and the
// writers, all given by main.
type Config struct {
	Source       string
	Params       model.Params
	ScenarioName string
	Lang         string // en | zh: every label, note, help line and prompt
	ExportPath   string // default target of `e`
	IntoSource   string // the ledger file `i` copies with segment columns ("": none)
	IntoPath     string // default target of `i`
	NoTimings    bool   // leave timings out of the header (reproducible screens in tests)
	Masked       bool   // start with customers masked (--mask); M switches
	MaskedSource string // Source as shown while masking
	Demo         bool   // the built-in sample ledger: its name is shown in the view's language

	Load func(ctx context.Context, progress func(Progress)) (*model.Ledger, LoadReport, error)
	// ReloadAsOf, when set, loads the ledger again for an as-of date (NoDay:
	// the latest): a database source that adds up each customer's rows in
	// the engine (--summary) cuts them there. Without it the engine cuts the
	// loaded ledger.
	ReloadAsOf func(ctx context.Context, asOf model.Day, progress func(Progress)) (*model.Ledger, LoadReport, error)
	// Documents, when set, fetches a customer's latest documents for the
	// card of a customer-level ledger whose rows stayed in the database
	// (--summary): one query by customer id, when the card opens.
	// Amounts come in decimals places (the ledger's).
	Documents    func(ctx context.Context, customerID string, asOf model.Day, decimals int) ([]Document, error)
	SaveScenario func(path string, sc model.Scenario) error
	OpenScenario func(path string) (model.Scenario, error)
	Export       func(req ExportRequest) error // ErrExists when the file exists and Force is not set
	Copy         func(text string) error       // to the terminal's clipboard (OSC 52)
	Complete     func(prefix string) string    // file name completion
}

// Document is one of a customer's documents as Config.Documents gives it.
type Document struct {
	Date  model.Day
	Doc   string
	Net   model.Money
	Lines int
}

// Progress is how far the loader is.
type Progress struct {
	File, Sheet, Unit string
	Done, Total       int64 // bytes or rows read, in all (0: unknown)
	Rows              int   // data rows read so far
}

// LoadReport is what the view shows of the data-quality report.
type LoadReport struct {
	RowsRead, RowsUsed, RowsRejected int
	Reasons                          []string // one line per rejection reason, with an example
}

// ExportRequest is one export: the analysis, the baseline to compare with
// (nil: none), and the customers to list (nil: all).
type ExportRequest struct {
	Path         string
	Force        bool
	Scenario     string
	Analysis     *model.Analysis
	Baseline     *model.Analysis
	BaselineName string
	Rows         []int32
	Filter       string
	Into         bool // a copy of Config.IntoSource with segment columns (export --into)
	Masked       bool // the analysis is of the masked ledger: the writer hides the file names and rejected values too
}

// ErrExists is what Config.Export returns (wrapped) when the target exists.
var ErrExists = errors.New("file exists")

const (
	paneSegments = iota
	paneCustomers
	paneProfit
	paneRisk
	paneParams
	paneModel
	numPanes
)

var paneNames = []string{"Segments", "Customers", "Profitability", "Risk", "Parameters", "Model"}

// Model is the root: it owns the shared state, routes keys to the pane on
// screen (or the overlay on top of it) and runs the Cmds.
type Model struct {
	cfg           Config
	sh            *Shared
	panes         []pane
	stale         []bool // a pane not on screen when the analysis changed: refreshed when shown
	active        int
	overlays      []pane // card, frequency table, compare, help: the last is on top
	width, height int
	load          loading
	run           running
	hist          history
	prompt        promptBar
	status        statusLine
	spin          spinner.Model
}

// loading is the state before the analysis is shown.
type loading struct {
	ready, failed bool
	err           error
	report        LoadReport
	cancel        context.CancelFunc
	events        chan tea.Msg
	prog          Progress
	started       time.Time
	bar           progress.Model
	analysing     bool // rows read; stage 1 and the fits run
}

// running is the recompute state.
type running struct {
	engine    *model.Engine
	ledger    *model.Ledger    // as loaded, real ids: never shown while masked
	engines   [2]*model.Engine // of the real and the masked ledger, made when first needed
	masked    bool
	seq       int // latest requested recompute
	shown     int // sequence number of the analysis on screen
	lastDur   time.Duration
	fitting   bool
	exporting bool
	reload    reloading
}

// reloading is a load of the ledger for another as-of date (ReloadAsOf).
type reloading struct {
	seq    int // latest started
	active bool
	cancel context.CancelFunc
	events chan tea.Msg
	prog   Progress
	prev   model.Params // the parameters before the change, kept if it fails
}

// history is undo and redo, each step with what it changed.
type history struct {
	undo, redo []step
	unsaved    bool
	scenario   string
}

type step struct {
	p    model.Params
	what string
}

type statusLine struct {
	text string
	err  bool
}

// New returns the model for a configuration.
func New(cfg Config) *Model {
	sh := &Shared{St: NewStyles(DefaultTheme), Keys: DefaultKeys(), Lang: cfg.Lang, Params: cfg.Params.Clone(), Baseline: cfg.Params.Clone()}
	m := &Model{cfg: cfg, sh: sh, width: 80, height: 24, hist: history{scenario: cfg.ScenarioName}}
	m.panes = []pane{newSegmentsPane(sh), newCustomersPane(sh), newProfitPane(sh), newRiskPane(sh), newParamsPane(sh), newModelPane(sh)}
	m.load.bar = progress.New(progress.WithDefaultGradient(), progress.WithWidth(40))
	m.spin = spinner.New(spinner.WithSpinner(spinner.Dot))
	m.prompt.input = textinput.New()
	m.prompt.input.Cursor.SetMode(cursor.CursorStatic)
	m.layout()
	return m
}

// messages of the root's own Cmds
type (
	progressMsg Progress
	loadedMsg   struct {
		led *model.Ledger
		rep LoadReport
		err error
	}
	analysisMsg struct {
		seq      int
		a        *model.Analysis
		err      error
		dur      time.Duration
		baseline bool
	}
	rebasedMsg struct { // the baseline analysed again on another engine
		engine *model.Engine
		a      *model.Analysis
	}
	exportedMsg struct {
		path string
		err  error
		req  ExportRequest
	}
	savedMsg struct {
		path, name string
		err        error
	}
	openedMsg struct {
		path string
		sc   model.Scenario
		err  error
	}
	completedMsg struct{ value string }
	docsMsg      struct { // a card's documents, fetched (Config.Documents)
		card *cardPane
		docs []Document
		err  error
	}
	reloadProgressMsg struct {
		seq int
		p   Progress
	}
	reloadedMsg struct {
		seq       int
		led       *model.Ledger
		rep       LoadReport
		err       error
		cancelled bool
	}
)

// Init starts loading.
func (m *Model) Init() tea.Cmd {
	ctx, cancel := context.WithCancel(context.Background())
	m.load.cancel = cancel
	m.load.started = time.Now()
	m.load.events = make(chan tea.Msg, 8)
	events := m.load.events
	load := m.cfg.Load
	go func() {
		led, rep, err := load(ctx, func(p Progress) {
			select { // latest progress wins; never block the loader
			case events <- progressMsg(p):
			default:
			}
		})
		events <- loadedMsg{led, rep, err}
	}()
	return tea.Batch(m.wait(), m.spin.Tick)
}

func (m *Model) wait() tea.Cmd {
	ch := m.load.events
	return func() tea.Msg { return <-ch }
}

// recompute runs stage 2 (and, the first time, stage 1) in a Cmd; the
// result carries its sequence number. Probabilistic models not fitted yet
// are left out of it (the figures show without waiting for them) and
// analysed then asks for them.
func (m *Model) recompute(baseline bool) tea.Cmd {
	m.run.seq++
	return m.analyse(m.run.seq, baseline, true)
}

// analyse runs one analysis of the current parameters for sequence seq:
// without the fits not yet done, or with every fit.
func (m *Model) analyse(seq int, baseline, withoutFits bool) tea.Cmd {
	p, e := m.sh.Params.Clone(), m.run.engine
	return func() tea.Msg {
		t := time.Now()
		run := e.Analyze
		if withoutFits {
			run = e.AnalyzeWithoutFits
		}
		a, err := run(p)
		return analysisMsg{seq: seq, a: a, err: err, dur: time.Since(t), baseline: baseline}
	}
}

// bodyH is the lines for the pane: the header, tabs and footer (2) take 4.
func (m *Model) bodyH() int { return max(3, m.height-4) }

// mainW and sideW: a side panel with the parameters on wide terminals.
func (m *Model) mainW() int {
	if m.sideW() > 0 {
		return m.width - m.sideW() - 1
	}
	return m.width
}

func (m *Model) sideW() int {
	if m.width >= 140 && m.active != paneParams && len(m.overlays) == 0 {
		return min(48, m.width/3)
	}
	return 0
}

// layout gives every component its size, in one place.
func (m *Model) layout() {
	w, h := m.mainW(), m.bodyH()
	for _, p := range m.panes {
		p.SetSize(w, h)
	}
	for _, p := range m.overlays {
		p.SetSize(m.width, h)
	}
	m.load.bar.Width = min(50, max(10, m.width-30))
	m.prompt.input.Width = max(10, m.width-40)
}

// refresh tells the components on screen that the analysis or the scheme
// changed; the other panes are refreshed when they are shown (setPane). At
// a million customers a customer table's refresh sorts and measures for a
// third of a second: three such panes held every recompute's result back
// for 1.7 s, on screen or not.
func (m *Model) refresh() {
	if m.stale == nil {
		m.stale = make([]bool, len(m.panes))
	}
	for i, p := range m.panes {
		m.stale[i] = i != m.active && i != paneParams // the side panel shows the parameters
		if !m.stale[i] {
			p.Refresh()
		}
	}
	for _, p := range m.overlays {
		p.Refresh()
	}
	m.layout()
}

// Update handles messages.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		if m.prompt.kind != promptNone {
			m.fitPrompt()
		}
		return m, nil
	case progressMsg:
		m.load.prog = Progress(msg)
		return m, m.wait()
	case loadedMsg:
		if msg.err != nil {
			m.load.failed, m.load.err, m.load.report = true, msg.err, msg.rep
			return m, nil
		}
		m.load.report, m.run.ledger, m.run.masked = msg.rep, msg.led, m.cfg.Masked
		m.run.engine = m.engineFor(m.run.masked)
		m.load.analysing = true
		return m, m.recompute(true)
	case analysisMsg:
		return m, m.analysed(msg)
	case reloadProgressMsg:
		if msg.seq != m.run.reload.seq {
			return m, nil
		}
		m.run.reload.prog = msg.p
		return m, m.waitReload()
	case reloadedMsg:
		return m, m.reloaded(msg)
	case rebasedMsg:
		if msg.engine == m.run.engine && msg.a != nil {
			m.sh.BaseA = msg.a
			m.refresh()
		}
		return m, nil
	case exportedMsg:
		m.run.exporting = false
		switch {
		case errors.Is(msg.err, ErrExists):
			m.prompt.start(promptReplace, "")
			m.prompt.req = msg.req
		case msg.err != nil:
			m.setStatus(m.sh.tf("msg.exportfailed", msg.err.Error()), true)
		default:
			m.setStatus(m.sh.tf("msg.exported", msg.path), false)
		}
		return m, nil
	case savedMsg:
		if msg.err != nil {
			m.setStatus(m.sh.tf("msg.savefailed", msg.err.Error()), true)
			return m, nil
		}
		m.hist.scenario, m.hist.unsaved = msg.name, false
		m.setStatus(m.sh.tf("msg.saved", msg.path), false)
		return m, nil
	case openedMsg:
		if msg.err != nil {
			m.setStatus(msg.err.Error(), true)
			return m, nil
		}
		cmd := m.change(msg.sc.Params, m.sh.tf("msg.scenario", msg.path))
		m.hist.scenario, m.hist.unsaved = msg.sc.Name, false
		m.setStatus(m.sh.tf("msg.opened", msg.path), false)
		return m, cmd
	case completedMsg:
		m.prompt.input.SetValue(msg.value)
		m.prompt.input.CursorEnd()
		return m, nil
	case openCardMsg:
		card := &cardPane{sh: m.sh, cust: msg.cust}
		m.push(card)
		return m, m.fetchDocuments(card)
	case docsMsg:
		for _, o := range m.overlays {
			if card, ok := o.(*cardPane); ok && card == msg.card {
				card.docs.state, card.docs.list, card.docs.err = docsDone, msg.docs, msg.err
			}
		}
		return m, nil
	case freqMsg:
		m.push(newFreqPane(m.sh, msg.field, msg.rows))
		return m, nil
	case filterMsg:
		m.overlays = nil
		m.setPane(paneCustomers)
		m.panes[paneCustomers].(*customersPane).setFilter(msg.query)
		return m, nil
	case changeMsg:
		p, what, err := msg.edit(m.sh.Params)
		if err != nil {
			m.setStatus(err.Error(), true)
			return m, nil
		}
		if what == "" {
			return m, nil // no change
		}
		return m, m.change(p, what)
	case statusMsg:
		m.setStatus(msg.text, msg.err)
		return m, nil
	case gridFilterMsg:
		msg.g.paused(msg)
		return m, nil
	case copyMsg:
		return m, m.copy(msg)
	case spinner.TickMsg:
		if !m.load.ready || m.run.fitting || m.run.exporting || m.run.reload.active || m.computing() {
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
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !m.typing() {
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

// analysed takes a recompute's result unless a newer one was asked for.
func (m *Model) analysed(msg analysisMsg) tea.Cmd {
	if msg.seq != m.run.seq {
		return nil // stale: a newer change is being computed
	}
	m.run.fitting = false
	if msg.err != nil {
		if !m.load.ready {
			m.load.failed, m.load.err = true, msg.err
			return nil
		}
		m.setStatus(msg.err.Error(), true)
		return nil
	}
	m.sh.A, m.run.lastDur, m.run.shown = msg.a, msg.dur, msg.seq
	if msg.baseline || m.sh.BaseA == nil {
		m.sh.BaseA, m.sh.Baseline = msg.a, m.sh.Params.Clone()
	}
	m.load.ready = true
	m.refresh()
	if msg.a.ModelsPending { // shown without the models: now fit them
		m.run.fitting = true
		return tea.Batch(m.analyse(msg.seq, msg.baseline, false), m.spin.Tick)
	}
	if m.sh.BaseA.ModelsPending { // its own full analysis was overtaken by a change
		return m.rebase()
	}
	return nil
}

func (m *Model) setStatus(s string, isErr bool) {
	m.status = statusLine{text: termtext.Clean(s), err: isErr}
}

// computing reports whether a recompute newer than the shown result runs.
func (m *Model) computing() bool { return m.run.shown < m.run.seq }

// top is the component on screen: the top overlay or the active pane.
func (m *Model) top() pane {
	if n := len(m.overlays); n > 0 {
		return m.overlays[n-1]
	}
	return m.panes[m.active]
}

func (m *Model) push(p pane) {
	m.overlays = append(m.overlays, p)
	m.layout()
	p.Refresh()
}

// toggle closes the overlay on top when it is the one a key opens (open),
// else shows a new one in place of any overlay.
func (m *Model) toggle(open bool, newPane func() pane) {
	if open {
		m.pop()
		return
	}
	m.overlays = nil
	m.push(newPane())
}

func (m *Model) pop() {
	if n := len(m.overlays); n > 0 {
		m.overlays = m.overlays[:n-1]
		m.layout()
	}
}

func (m *Model) typing() bool {
	return m.prompt.kind != promptNone || (m.load.ready && m.top().Typing())
}

func (m *Model) setPane(p int) {
	if p >= 0 && p < numPanes {
		m.active, m.overlays = p, nil
		if p < len(m.stale) && m.stale[p] {
			m.stale[p] = false
			m.panes[p].Refresh()
		}
		m.layout()
	}
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.sh.Keys
	if msg.String() == "ctrl+c" {
		if m.load.cancel != nil {
			m.load.cancel()
		}
		return tea.Quit
	}
	if m.prompt.kind != promptNone { // a focused input takes the keys first: typing q never quits
		return m.promptKey(msg)
	}
	if !m.load.ready {
		if key.Matches(msg, k.Quit, k.Back) {
			if m.load.cancel != nil {
				m.load.cancel() // cancel the load
			}
			return tea.Quit
		}
		return nil
	}
	if m.run.reload.active && key.Matches(msg, k.Back) {
		m.run.reload.cancel() // the old ledger stays; reloaded says so
		return nil
	}
	top := m.top()
	if top.Typing() {
		return top.Update(msg)
	}
	m.status = statusLine{}
	_, inHelp := top.(*helpPane)
	_, inCompare := top.(*comparePane)
	_, inCross := top.(*crossPane)
	_, inCohorts := top.(*cohortPane)
	switch {
	case key.Matches(msg, k.Quit):
		if m.hist.unsaved {
			m.prompt.start(promptQuit, "")
			return nil
		}
		return tea.Quit
	case inHelp && key.Matches(msg, k.Help, k.Back):
		m.pop()
		return nil
	case key.Matches(msg, k.Help):
		title := m.sh.t(paneNames[m.active])
		m.push(newHelpPane(m.sh, title, top.FullHelp()))
		return nil
	case key.Matches(msg, k.NextPane):
		m.setPane((m.active + 1) % numPanes)
		return nil
	case key.Matches(msg, k.PrevPane):
		m.setPane((m.active + numPanes - 1) % numPanes)
		return nil
	case key.Matches(msg, k.Pane):
		m.setPane(int(msg.String()[0] - '1'))
		return nil
	case key.Matches(msg, k.Compare):
		if inCompare {
			m.pop()
			return nil
		}
		m.openCompare()
		return nil
	case key.Matches(msg, k.Cross):
		m.toggle(inCross, func() pane { return newCrossPane(m.sh) })
		return nil
	case key.Matches(msg, k.Cohorts):
		m.toggle(inCohorts, func() pane { return newCohortPane(m.sh) })
		return nil
	case key.Matches(msg, k.Baseline):
		m.sh.Baseline, m.sh.BaseA = m.sh.Params.Clone(), m.sh.A
		m.refresh()
		m.setStatus(m.sh.t("msg.baseline"), false)
		return nil
	case key.Matches(msg, k.Mask):
		return m.toggleMask()
	case key.Matches(msg, k.Undo):
		return m.undoRedo(&m.hist.undo, &m.hist.redo, "msg.undid", "msg.noundo")
	case key.Matches(msg, k.Redo):
		return m.undoRedo(&m.hist.redo, &m.hist.undo, "msg.redid", "msg.noredo")
	case key.Matches(msg, k.Save):
		m.prompt.start(promptSave, "scenario.toml")
		m.fitPrompt()
		return nil
	case key.Matches(msg, k.Open):
		m.prompt.start(promptOpen, "") // a .toml scenario or an exported .xlsx
		m.fitPrompt()
		return nil
	case key.Matches(msg, k.Export):
		m.startExport()
		return nil
	case key.Matches(msg, k.Into):
		m.startInto()
		return nil
	case key.Matches(msg, k.Scheme):
		d := 1
		if msg.String() == "[" {
			d = -1
		}
		n := len(m.sh.A.Schemes)
		m.sh.Scheme = (m.sh.Scheme + d + n) % n
		m.refresh()
		return nil
	case len(m.overlays) > 0 && key.Matches(msg, k.Back):
		m.pop()
		return nil
	}
	return top.Update(msg)
}

// openCompare shows the comparison with the baseline on the scheme the
// changed parameters belong to, else the first scheme the change moved,
// else the scheme on screen.
func (m *Model) openCompare() {
	changed := model.ChangedSchemes(m.sh.BaseA, m.sh.A)
	want := ""
	for _, s := range model.Specs {
		if s.Get(&m.sh.Baseline) != s.Get(&m.sh.Params) && slices.Contains(changed, groupScheme[s.Group]) {
			want = groupScheme[s.Group]
			break
		}
	}
	if want == "" && len(changed) > 0 {
		want = changed[0]
	}
	for i, sc := range m.sh.A.Schemes {
		if sc.Key == want {
			m.sh.Scheme = i
			m.refresh()
		}
	}
	m.overlays = nil
	m.push(newComparePane(m.sh))
}

// groupScheme is the scheme a parameter group shapes.
var groupScheme = map[string]string{"RFM": "rfm", "Pyramid": "pyramid", "Tiers": "spend", "Profitability": "profitability",
	"CLV": "clv", "Churn": "churn", "Risk": "credit"}

// change applies new parameters: undo history, unsaved marker, recompute.
func (m *Model) change(p model.Params, what string) tea.Cmd {
	prev := m.sh.Params.Clone()
	m.hist.undo = append(m.hist.undo, step{p: prev, what: what})
	m.hist.redo = nil
	m.sh.Params = p
	m.hist.unsaved = true
	return m.apply(prev)
}

// apply recomputes for the current parameters; when the as-of date moved
// and the source cuts it itself (ReloadAsOf), the ledger is loaded again
// first, in the background, with progress, and esc cancels it.
func (m *Model) apply(prev model.Params) tea.Cmd {
	if m.cfg.ReloadAsOf == nil || prev.AsOf == m.sh.Params.AsOf {
		return tea.Batch(m.recompute(false), m.spin.Tick)
	}
	if m.run.reload.cancel != nil {
		m.run.reload.cancel() // an older as-of's load: no longer wanted
	}
	if !m.run.reload.active { // the parameters before the first of a run of changes
		m.run.reload.prev = prev
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &m.run.reload
	r.seq++
	r.active, r.cancel, r.prog, r.events = true, cancel, Progress{}, make(chan tea.Msg, 8)
	seq, events, asOf, reload := r.seq, r.events, m.sh.Params.AsOf, m.cfg.ReloadAsOf
	go func() {
		led, rep, err := reload(ctx, asOf, func(p Progress) {
			select { // latest progress wins; never block the loader
			case events <- reloadProgressMsg{seq, p}:
			default:
			}
		})
		events <- reloadedMsg{seq: seq, led: led, rep: rep, err: err, cancelled: ctx.Err() != nil}
	}()
	return tea.Batch(m.waitReload(), m.spin.Tick)
}

func (m *Model) waitReload() tea.Cmd {
	ch := m.run.reload.events
	return func() tea.Msg { return <-ch }
}

// reloaded takes the ledger loaded for the new as-of date, or keeps the
// old one (and the parameters before the change) when it failed or was
// cancelled.
func (m *Model) reloaded(msg reloadedMsg) tea.Cmd {
	r := &m.run.reload
	if msg.seq != r.seq {
		return nil // an older as-of's load
	}
	r.active, r.cancel = false, nil
	if msg.err != nil || msg.cancelled {
		// the as-of date goes back; other changes made meanwhile stay and
		// are analysed on the ledger there is
		asked := m.sh.Params.AsOf
		m.sh.Params.AsOf = r.prev.AsOf
		// steps taken while it loaded must not bring the date back
		for i := len(m.hist.undo) - 1; i >= 0 && m.hist.undo[i].p.AsOf == asked; i-- {
			m.hist.undo[i].p.AsOf = r.prev.AsOf
		}
		if n := len(m.hist.undo); n > 0 && !paramsDiffer(m.hist.undo[n-1].p, r.prev) {
			m.hist.undo = m.hist.undo[:n-1]
		}
		if msg.cancelled {
			m.setStatus(m.sh.tf("msg.reloadcancelled", asOfText(m.sh, asked), asOfText(m.sh, r.prev.AsOf)), false)
		} else {
			m.setStatus(m.sh.tf("msg.reloadfailed", asOfText(m.sh, asked), msg.err.Error()), true)
		}
		return tea.Batch(m.recompute(false), m.spin.Tick)
	}
	m.run.ledger, m.run.engines = msg.led, [2]*model.Engine{}
	m.run.engine = m.engineFor(m.run.masked)
	m.load.report = msg.rep
	return tea.Batch(m.recompute(false), m.spin.Tick)
}

// fetchDocuments asks the source for the customer's latest documents when
// the card's ledger is customer-level and the rows are in a database. Not
// while masking: document numbers would tell who the customer is.
func (m *Model) fetchDocuments(card *cardPane) tea.Cmd {
	a := m.sh.A
	if m.cfg.Documents == nil || a.Led.Totals == nil {
		return nil
	}
	if m.run.masked {
		card.docs.state = docsMasked
		return nil
	}
	card.docs.state = docsLoading
	fetch, id, asOf, dec := m.cfg.Documents, a.Led.Customers.ID[card.cust], a.Params.AsOf, a.Decimals
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), docsTimeout)
		defer cancel()
		docs, err := fetch(ctx, id, asOf, dec)
		return docsMsg{card: card, docs: docs, err: err}
	}
}

// docsTimeout bounds the card's query for documents.
const docsTimeout = 30 * time.Second

// asOfText is an as-of date as the parameters show it.
func asOfText(sh *Shared, d model.Day) string {
	if d == model.NoDay {
		return sh.t("asof.latest")
	}
	return d.String()
}

// undoRedo moves one step between the stacks and says which.
func (m *Model) undoRedo(from, to *[]step, done, none string) tea.Cmd {
	if len(*from) == 0 {
		m.setStatus(m.sh.t(none), false)
		return nil
	}
	s := (*from)[len(*from)-1]
	*from = (*from)[:len(*from)-1]
	*to = append(*to, step{p: m.sh.Params.Clone(), what: s.what})
	prev := m.sh.Params.Clone()
	m.sh.Params = s.p
	m.hist.unsaved = true
	m.setStatus(m.sh.tf(done, s.what), false)
	return m.apply(prev)
}

// copy puts text on the clipboard in a Cmd.
func (m *Model) copy(msg copyMsg) tea.Cmd {
	cp, sh := m.cfg.Copy, m.sh
	return func() tea.Msg {
		if cp == nil {
			return statusMsg{text: sh.t("msg.nocopy"), err: true}
		}
		if err := cp(msg.text); err != nil {
			return statusMsg{text: err.Error(), err: true}
		}
		return statusMsg{text: sh.tf("msg.copied", msg.what)}
	}
}

// mouse: the wheel scrolls, a click on a tab switches panes.
func (m *Model) mouse(msg tea.MouseMsg) tea.Cmd {
	if !m.load.ready || m.typing() {
		return nil
	}
	switch {
	case msg.Button == tea.MouseButtonWheelDown && msg.Action == tea.MouseActionPress:
		return m.key(tea.KeyMsg{Type: tea.KeyDown})
	case msg.Button == tea.MouseButtonWheelUp && msg.Action == tea.MouseActionPress:
		return m.key(tea.KeyMsg{Type: tea.KeyUp})
	case msg.Button == tea.MouseButtonLeft && msg.Action == tea.MouseActionRelease && msg.Y == 1:
		x := 0
		for i, n := range paneNames {
			w := lipgloss.Width(tabLabel(i, m.sh.t(n))) + 1
			if msg.X >= x && msg.X < x+w {
				m.setPane(i)
				return nil
			}
			x += w
		}
	}
	return nil
}

func tabLabel(i int, name string) string { return "[" + string(rune('1'+i)) + " " + name + "]" }

// View renders the screen. Whatever data reached it, only the view's own
// style sequences go to the terminal (termtext.Screen).
func (m *Model) View() string { return termtext.Screen(m.view()) }

func (m *Model) view() string {
	if m.width < 20 || m.height < 6 {
		return m.sh.t("msg.toosmall")
	}
	switch {
	case m.load.failed:
		return m.failedView()
	case !m.load.ready:
		return m.loadingView()
	}
	w, h := m.mainW(), m.bodyH()
	top := m.top()
	var body string
	if len(m.overlays) > 0 {
		body = fit(top.View(), m.width, h)
	} else {
		body = fit(top.View(), w, h)
		if sw := m.sideW(); sw > 0 {
			side := fit(m.panes[paneParams].(*paramsPane).side(sw-2, h), sw-2, h)
			body = lipgloss.JoinHorizontal(lipgloss.Top, body, " ", m.sh.St.Panel.Render(side))
		}
	}
	return strings.Join([]string{m.headerView(), m.tabsView(), body, m.footerView()}, "\n")
}

// engineFor is the engine of the real or the masked ledger (made once).
func (m *Model) engineFor(masked bool) *model.Engine {
	i := 0
	if masked {
		i = 1
	}
	if m.run.engines[i] == nil {
		led := m.run.ledger
		if masked {
			led = led.Masked()
		}
		m.run.engines[i] = model.NewEngine(led)
	}
	return m.run.engines[i]
}

// toggleMask switches between real customers and pseudonyms: the analysis
// and the baseline's are computed again on the other ledger.
func (m *Model) toggleMask() tea.Cmd {
	if !m.load.ready {
		return nil
	}
	m.run.masked = !m.run.masked
	e := m.engineFor(m.run.masked)
	m.run.engine = e
	m.overlays = nil // a card or a list may show the other names
	m.layout()
	m.setStatus(m.sh.t(map[bool]string{true: "msg.masked", false: "msg.unmasked"}[m.run.masked]), false)
	return tea.Batch(m.recompute(false), m.rebase())
}

// rebase analyses the baseline again, with every fit, on the current engine.
func (m *Model) rebase() tea.Cmd {
	base, e := m.sh.Baseline.Clone(), m.run.engine
	return func() tea.Msg {
		a, _ := e.Analyze(base)
		return rebasedMsg{engine: e, a: a}
	}
}

// source is the ledger's name as shown: the masked name while masking, the
// demo's in the view's language.
func (m *Model) source() string {
	switch {
	case m.cfg.Demo: // the same masked or not
		return m.sh.t("source.demo")
	case m.run.masked:
		return m.cfg.MaskedSource
	}
	return m.cfg.Source
}
