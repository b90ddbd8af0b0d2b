package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"ledgerlens/exporter"
	"ledgerlens/importer"
	"ledgerlens/model"
)

// compareView shows the baseline and the current parameters side by side for
// the current scheme, and how many customers moved between segments (both
// computed by model.Compare).
func (m *Model) compareView(w, h int) string {
	cur := m.currentScheme()
	cmp, err := model.Compare(m.baseA, m.a, cur.Key)
	if err != nil {
		return "the baseline has no scheme " + cur.Title
	}
	var lines []string
	lines = append(lines, fmt.Sprintf("%s: ◂ %s ▸   %s vs %s (b sets the current parameters as the baseline)", m.t("Scheme"), m.st.Bold.Render(m.t(cur.Title)),
		m.t("Baseline"), m.t("Current")))
	var diffs []string
	for _, s := range model.Specs {
		if a, b := s.Get(&m.baseline), s.Get(&m.params); a != b {
			diffs = append(diffs, fmt.Sprintf("%s %s → %s", s.Key, a, b))
		}
	}
	if len(diffs) == 0 {
		diffs = []string{"no parameter differs from the baseline"}
	}
	lines = append(lines, m.st.Dim.Render(ansiTruncate(strings.Join(diffs, " · "), w)))
	// wide: baseline, now and delta of each figure; narrow: now and delta
	wide := w >= 150
	cols := []Column{{Title: m.t("Segment"), Max: 20}, {Title: "N base", Right: true}, {Title: "N now", Right: true}, {Title: "Δ", Right: true}}
	for _, f := range []string{"Revenue", "Profit", "Σ CLV"} {
		if wide {
			cols = append(cols, Column{Title: m.t(f) + " base", Right: true}, Column{Title: "now", Right: true}, Column{Title: "Δ", Right: true})
		} else {
			cols = append(cols, Column{Title: m.t(f), Right: true}, Column{Title: "Δ", Right: true})
		}
	}
	var rows [][]string
	for _, d := range cmp.Segments {
		rows = append(rows, m.compareRow(d, wide))
	}
	lines = append(lines, strings.Split((&table{cols: cols, rows: rows, selected: -1, sortCol: -1, width: w}).render(m.st), "\n")...)
	// migration matrix: rows = baseline segment, columns = current segment
	mg := cmp.Migration
	lines = append(lines, "", m.st.Bold.Render(m.t("Migration"))+m.st.Dim.Render(" (customers; rows baseline, columns current)"))
	mcols := []Column{{Title: m.t("from \\ to"), Max: 16}}
	var used []int
	for j, s := range mg.To {
		any := false
		for i := range mg.Counts {
			any = any || mg.Counts[i][j] > 0
		}
		if any {
			used = append(used, j)
			mcols = append(mcols, Column{Title: shortName(m.t(s)), Right: true})
		}
	}
	var mrows [][]string
	for i, s := range mg.From {
		row := []string{m.t(s)}
		total := 0
		for _, j := range used {
			total += mg.Counts[i][j]
			cell := fmtInt(mg.Counts[i][j])
			if mg.Counts[i][j] == 0 {
				cell = "·"
			}
			row = append(row, cell)
		}
		if total > 0 {
			mrows = append(mrows, row)
		}
	}
	lines = append(lines, strings.Split((&table{cols: mcols, rows: mrows, selected: -1, sortCol: -1, width: w}).render(m.st), "\n")...)
	moved := fmt.Sprintf("%s customers changed segment", fmtInt(mg.Moved))
	if mg.Unmatched > 0 {
		moved += fmt.Sprintf("; %s are in only one of the two (another as-of date)", fmtInt(mg.Unmatched))
	}
	lines = append(lines, moved)
	return strings.Join(lines[:min(len(lines), max(h, 1))], "\n")
}

// paramsDiffer reports whether two parameter sets differ in any parameter.
func paramsDiffer(a, b model.Params) bool {
	for _, s := range model.Specs {
		if s.Get(&a) != s.Get(&b) {
			return true
		}
	}
	return false
}

func shortName(s string) string {
	if len([]rune(s)) > 10 {
		return string([]rune(s)[:9]) + "…"
	}
	return s
}

func signed(s string) string {
	if s != "" && s[0] != '-' && s != "0" && s != "0.00" && s != "n/a" {
		return "+" + s
	}
	return s
}

func (m *Model) compareRow(d model.SegmentDelta, wide bool) []string {
	row := []string{m.t(d.Segment), fmtInt(d.Base.Customers), fmtInt(d.Cur.Customers), signed(fmtInt(d.Customers))}
	profit := [3]string{"n/a", "n/a", "n/a"}
	if m.a.Profit.Basis.Known() && m.baseA.Profit.Basis.Known() {
		profit = [3]string{m.money(d.Base.CM), m.money(d.Cur.CM), m.money(d.Profit)}
	}
	clv := [3]string{"n/a", "n/a", "n/a"}
	if m.a.CLVInfo.Known && m.baseA.CLVInfo.Known {
		clv = [3]string{m.money(d.Base.TotalCLV), m.money(d.Cur.TotalCLV), m.money(d.TotalCLV)}
	}
	for _, f := range [][3]string{
		{m.money(d.Base.Revenue), m.money(d.Cur.Revenue), m.money(d.Revenue)},
		profit, clv,
	} {
		if wide {
			row = append(row, f[0])
		}
		row = append(row, f[1], signed(f[2]))
	}
	return row
}

// prompts: save and open scenarios, export

func (m *Model) startPrompt(kind int, value string) {
	m.prompt = kind
	m.promptInput.SetValue(value)
	m.promptInput.CursorEnd()
	m.promptInput.Focus()
}

func (m *Model) promptView() string {
	label := map[int]string{promptSave: "save scenario to", promptOpen: "open scenario (tab completes)", promptExport: "export to",
		promptConfirm: m.pendingPath + " exists: replace it? (y/n)"}[m.prompt]
	if m.prompt == promptConfirm {
		return m.st.Warn.Render(label)
	}
	return label + ": " + m.promptInput.View()
}

func (m *Model) promptKey(msg tea.KeyMsg) tea.Cmd {
	if m.prompt == promptConfirm {
		m.prompt = promptNone
		if msg.String() == "y" || msg.String() == "Y" {
			return m.exportCmd(m.pendingPath, true)
		}
		m.setMessage("export cancelled")
		return nil
	}
	switch msg.String() {
	case "esc":
		m.prompt = promptNone
		m.promptInput.Blur()
		return nil
	case "tab":
		m.promptInput.SetValue(completePath(m.promptInput.Value()))
		m.promptInput.CursorEnd()
		return nil
	case "enter":
		kind, path := m.prompt, strings.TrimSpace(m.promptInput.Value())
		m.prompt = promptNone
		m.promptInput.Blur()
		if path == "" {
			return nil
		}
		switch kind {
		case promptSave:
			m.saveScenario(path)
		case promptOpen:
			return m.openScenario(path)
		case promptExport:
			if _, err := os.Stat(path); err == nil {
				m.pendingPath, m.prompt = path, promptConfirm
				return nil
			}
			return m.exportCmd(path, false)
		}
		return nil
	}
	var cmd tea.Cmd
	m.promptInput, cmd = m.promptInput.Update(msg)
	return cmd
}

// completePath completes a file name to the longest common prefix of the
// matches.
func completePath(p string) string {
	matches, _ := filepath.Glob(p + "*")
	if len(matches) == 0 {
		return p
	}
	prefix := matches[0]
	for _, mt := range matches[1:] {
		for !strings.HasPrefix(mt, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	if len(matches) == 1 {
		if st, err := os.Stat(prefix); err == nil && st.IsDir() {
			prefix += string(filepath.Separator)
		}
	}
	return prefix
}

func (m *Model) isInput(path string) bool {
	abs, _ := filepath.Abs(path)
	for _, in := range m.cfg.Inputs {
		if a, _ := filepath.Abs(in); a == abs {
			return true
		}
	}
	return false
}

func (m *Model) saveScenario(path string) {
	if m.isInput(path) {
		m.setError(path + " is the input file: not written")
		return
	}
	var b strings.Builder
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if err := model.WriteScenario(&b, model.Scenario{Name: name, Params: m.params}); err != nil {
		m.setError(err.Error())
		return
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		m.setError("cannot save: " + err.Error())
		return
	}
	m.scenario, m.unsaved = name, false
	m.setMessage("scenario saved to " + path)
}

func (m *Model) openScenario(path string) tea.Cmd {
	sc, err := importer.ReadScenarioFile(path)
	if err != nil {
		m.setError(err.Error())
		return nil
	}
	cmd := m.change(sc.Params)
	m.scenario, m.unsaved = sc.Name, false
	if m.scenario == "" {
		m.scenario = filepath.Base(path)
	}
	m.setMessage("opened scenario " + path)
	return cmd
}

func (m *Model) exportCmd(path string, force bool) tea.Cmd {
	ex := exporter.Export{Source: m.cfg.Source, Scenario: m.scenario, Analysis: m.a, Report: m.rep}
	if m.baseA != nil && m.baseA != m.a && paramsDiffer(m.baseline, m.params) {
		ex.Baseline, ex.BaselineName = m.baseA, "the baseline set with b"
	}
	opt := exporter.WriteOptions{Force: force, Inputs: m.cfg.Inputs}
	m.setMessage("exporting to " + path + " …")
	m.exporting = true
	run := func() tea.Msg {
		var err error
		if strings.EqualFold(filepath.Ext(path), ".csv") {
			err = exporter.WriteCustomersCSV(path, ex.Analysis, opt)
		} else {
			err = exporter.WriteXLSX(path, ex, opt)
		}
		return exportedMsg{path: path, err: err}
	}
	return tea.Batch(run, m.spin.Tick)
}

// mouse: the wheel scrolls, a click on a tab switches panes, a click on a
// table row selects it.
func (m *Model) mouse(msg tea.MouseMsg) tea.Cmd {
	if m.state != stateReady || m.prompt != promptNone || m.editing {
		return nil
	}
	down, up := tea.KeyMsg{Type: tea.KeyDown}, tea.KeyMsg{Type: tea.KeyUp}
	switch {
	case msg.Button == tea.MouseButtonWheelDown && msg.Action == tea.MouseActionPress:
		return m.key(down)
	case msg.Button == tea.MouseButtonWheelUp && msg.Action == tea.MouseActionPress:
		return m.key(up)
	case msg.Button == tea.MouseButtonLeft && msg.Action == tea.MouseActionRelease:
		if msg.Y == 1 { // tabs line
			x := 0
			for i, n := range paneNames {
				wdt := len(fmt.Sprintf("[%d %s]", i+1, m.t(n))) + 1
				if msg.X >= x && msg.X < x+wdt {
					m.setPane(i)
					return nil
				}
				x += wdt
			}
			return nil
		}
		if m.pane == paneCustomers && m.cust.card < 0 {
			row := msg.Y - 2 - 2 // header, tabs, status line, table header
			if row == -1 {       // header click sorts by the next column
				return m.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'s'}})
			}
			if row >= 0 {
				m.cust.sel = min(m.cust.off+row, max(0, len(m.custOrder())-1))
			}
		}
		if m.pane == paneSegments {
			if row := msg.Y - 2 - 2; row >= 0 {
				m.segSel = min(row, len(m.currentScheme().Segments)-1)
			}
		}
	}
	return nil
}
