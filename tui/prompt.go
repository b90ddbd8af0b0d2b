package tui

import (
	"errors"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"ledgerlens/model"
)

// promptBar is the one-line question at the bottom: a file name to save,
// open or export to, or a yes/no.
type promptBar struct {
	kind  int
	input textinput.Model
	req   ExportRequest // the export waiting for "replace?"
}

const (
	promptNone = iota
	promptSave
	promptOpen
	promptExport
	promptInto
	promptReplace
	promptQuit
)

func (p *promptBar) start(kind int, value string) {
	p.kind, p.req = kind, ExportRequest{}
	p.input.SetValue(value)
	p.input.CursorEnd()
	p.input.Focus()
}

func (p *promptBar) close() {
	p.kind = promptNone
	p.input.Blur()
}

func (m *Model) promptView() string {
	sh := m.sh
	switch m.prompt.kind {
	case promptReplace:
		return sh.St.Warn.Render(sh.tf("prompt.replace", m.prompt.req.Path))
	case promptQuit:
		return sh.St.Warn.Render(sh.t("prompt.quit"))
	}
	return m.promptLabel() + ": " + m.prompt.input.View()
}

// promptLabel is the question before the input.
func (m *Model) promptLabel() string {
	sh := m.sh
	switch {
	case m.prompt.kind == promptInto:
		return sh.tf("prompt.into", filepath.Base(m.cfg.IntoSource))
	case m.prompt.kind == promptExport && m.prompt.req.Rows != nil:
		return sh.tf("prompt.exportrows", fmtInt(len(m.prompt.req.Rows)))
	}
	return sh.t(map[int]string{promptSave: "prompt.save", promptOpen: "prompt.open", promptExport: "prompt.export"}[m.prompt.kind])
}

// fitPrompt sizes the input to the line after its label, so that a long
// path scrolls inside it with the cursor's end in view.
func (m *Model) fitPrompt() {
	m.prompt.input.Width = max(8, m.width-ansi.StringWidth(m.promptLabel())-5)
	m.prompt.input.CursorEnd()
}

// stillFitting says (on the status line) that the models are being fitted:
// a workbook now would carry the simple CLV in place of the models'.
func (m *Model) stillFitting() bool {
	if m.run.fitting && m.sh.A != nil && m.sh.A.ModelsPending {
		m.setStatus(m.sh.t("msg.exportfitting"), true)
		return true
	}
	return false
}

// startExport asks where to export; from a filtered table, the filtered
// customers are exported.
func (m *Model) startExport() {
	if m.stillFitting() {
		return
	}
	req := ExportRequest{Scenario: m.hist.scenario, Analysis: m.sh.A, Masked: m.run.masked}
	if m.sh.BaseA != nil && m.sh.BaseA != m.sh.A && paramsDiffer(m.sh.Baseline, m.sh.Params) {
		req.Baseline, req.BaselineName = m.sh.BaseA, m.sh.t("export.baseline")
	}
	path := m.cfg.ExportPath
	if s, ok := m.top().(selection); ok && len(m.overlays) == 0 {
		if rows, filter := s.Selection(); rows != nil {
			req.Rows, req.Filter = rows, filter
			path = strings.TrimSuffix(path, filepath.Ext(path)) + "-filtered" + filepath.Ext(path)
		}
	}
	m.prompt.start(promptExport, path)
	m.prompt.req = req
	m.fitPrompt()
}

// startInto asks where to write the copy of the user's file with the
// segment columns beside its rows.
func (m *Model) startInto() {
	if m.stillFitting() {
		return
	}
	if m.cfg.IntoSource == "" {
		m.setStatus(m.sh.t("msg.nointo"), true)
		return
	}
	if m.run.masked {
		m.setStatus(m.sh.t("msg.intomasked"), true)
		return
	}
	m.prompt.start(promptInto, m.cfg.IntoPath)
	m.prompt.req = ExportRequest{Scenario: m.hist.scenario, Analysis: m.sh.A, Into: true}
	m.fitPrompt()
}

var errNoWriter = errors.New("not available in this view")

// paramsDiffer reports whether two parameter sets differ in any parameter.
func paramsDiffer(a, b model.Params) bool {
	for _, s := range model.Specs {
		if s.Get(&a) != s.Get(&b) {
			return true
		}
	}
	return false
}

func (m *Model) promptKey(msg tea.KeyMsg) tea.Cmd {
	sh := m.sh
	switch m.prompt.kind {
	case promptReplace:
		m.prompt.close()
		if msg.String() == "y" || msg.String() == "Y" {
			req := m.prompt.req
			req.Force = true
			return m.export(req)
		}
		m.setStatus(sh.t("msg.exportcancelled"), false)
		return nil
	case promptQuit:
		m.prompt.close()
		if msg.String() == "y" || msg.String() == "Y" {
			return tea.Quit
		}
		return nil
	}
	switch msg.Type {
	case tea.KeyEsc:
		m.prompt.close()
		return nil
	case tea.KeyTab:
		if m.cfg.Complete == nil {
			return nil
		}
		complete, value := m.cfg.Complete, m.prompt.input.Value()
		return func() tea.Msg { return completedMsg{value: complete(value)} }
	case tea.KeyEnter:
		kind, path := m.prompt.kind, strings.TrimSpace(m.prompt.input.Value())
		m.prompt.close()
		if path == "" {
			return nil
		}
		switch kind {
		case promptSave:
			return m.save(path)
		case promptOpen:
			return m.open(path)
		case promptExport, promptInto:
			req := m.prompt.req
			req.Path = path
			return m.export(req)
		}
		return nil
	}
	var cmd tea.Cmd
	m.prompt.input, cmd = m.prompt.input.Update(msg)
	return cmd
}

// export writes in a Cmd; the result comes back as exportedMsg.
func (m *Model) export(req ExportRequest) tea.Cmd {
	write := m.cfg.Export
	if write == nil {
		m.setStatus(m.sh.t("msg.noexport"), true)
		return nil
	}
	if req.Analysis != nil && req.Analysis.ModelsPending {
		m.setStatus(m.sh.t("msg.exportfitting"), true)
		return nil
	}
	m.setStatus(m.sh.tf("msg.exporting", req.Path), false)
	m.run.exporting = true
	return tea.Batch(func() tea.Msg {
		return exportedMsg{path: req.Path, err: write(req), req: req}
	}, m.spin.Tick)
}

func (m *Model) save(path string) tea.Cmd {
	write := m.cfg.SaveScenario
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	sc := model.Scenario{Name: name, Params: m.sh.Params.Clone()}
	return func() tea.Msg {
		if write == nil {
			return savedMsg{path: path, err: errNoWriter}
		}
		return savedMsg{path: path, name: name, err: write(path, sc)}
	}
}

func (m *Model) open(path string) tea.Cmd {
	read := m.cfg.OpenScenario
	return func() tea.Msg {
		if read == nil {
			return openedMsg{path: path, err: errNoWriter}
		}
		sc, err := read(path)
		if err == nil && sc.Name == "" {
			sc.Name = filepath.Base(path)
		}
		return openedMsg{path: path, sc: sc, err: err}
	}
}
