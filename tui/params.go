package tui

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"ledgerlens/model"
)

// paramsPane lists every parameter by group; ← → step a value, enter types
// one. A change is sent to the root (changeMsg), which recomputes.
type paramsPane struct {
	sh      *Shared
	sel     int
	editing bool
	err     string
	input   textinput.Model
	w, h    int
}

func newParamsPane(sh *Shared) *paramsPane {
	in := textinput.New()
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Prompt = ""
	return &paramsPane{sh: sh, input: in}
}

func (p *paramsPane) Refresh()              {}
func (p *paramsPane) Typing() bool          { return p.editing }
func (p *paramsPane) spec() model.ParamSpec { return model.Specs[p.sel] }

func (p *paramsPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.input.Width = max(10, w-30)
}

// selectKey moves the selection to a parameter.
func (p *paramsPane) selectKey(k string) bool {
	for i, s := range model.Specs {
		if s.Key == k {
			p.sel = i
			return true
		}
	}
	return false
}

func (p *paramsPane) lines(w int) ([]string, int) {
	sh := p.sh
	var lines []string
	selLine, group := 0, ""
	for i, s := range model.Specs {
		if s.Group != group {
			group = s.Group
			lines = append(lines, sh.St.Bold.Render(sh.name(group)))
		}
		cur, base := s.Get(&sh.Params), s.Get(&sh.Baseline)
		mark := "  "
		if i == p.sel {
			mark, selLine = "▸ ", len(lines)
		}
		changed := " "
		if cur != base {
			changed = sh.St.Changed.Render("●")
		}
		val := cur
		if val == "" {
			val = sh.t("param.unset")
		}
		line := fmt.Sprintf("%s%s %-26s %s", mark, changed, s.Key, val)
		if s.Unit != "" && w > 70 {
			line += sh.St.Dim.Render("  " + sh.name(s.Unit))
		}
		if cur != base && w > 60 {
			if base == "" {
				base = sh.t("param.unset")
			}
			line += sh.St.Dim.Render("  (" + sh.t("param.baseline") + " " + base + ")")
		}
		if i == p.sel {
			line = sh.St.Selected.Render(ansiTruncate(line, w-1))
		}
		lines = append(lines, line)
	}
	return lines, selLine
}

func (p *paramsPane) View() string {
	sh := p.sh
	lines, sel := p.lines(p.w)
	s := p.spec()
	foot := []string{""}
	foot = append(foot, wrap(sh.St.Bold.Render(s.Key)+": "+sh.paramHelp(s), p.w)...)
	switch {
	case p.editing:
		foot = append(foot, sh.t("param.edit")+" "+s.Key+": "+p.input.View())
	case s.Enum != nil:
		foot = append(foot, sh.St.Dim.Render(sh.tf("param.values", strings.Join(s.Enum, ", "))))
	case s.Step > 0:
		foot = append(foot, sh.St.Dim.Render(sh.tf("param.step", fmtStep(s.Step))))
	default:
		foot = append(foot, sh.St.Dim.Render(sh.t("param.type")))
	}
	if p.err != "" {
		foot = append(foot, sh.St.Error.Render("✗ "+p.err))
	}
	avail := max(1, p.h-len(foot))
	off := max(0, min(sel-avail/2, len(lines)-avail))
	end := min(len(lines), off+avail)
	return strings.Join(append(lines[off:end], foot...), "\n")
}

func fmtStep(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// side is the read-only summary beside the other panes on wide screens:
// the changed parameters, the main ones, the model's fit and warnings.
func (p *paramsPane) side(w, h int) string {
	sh := p.sh
	lines := []string{sh.St.Bold.Render(sh.t("side.title"))}
	changed := 0
	for _, s := range model.Specs {
		if cur := s.Get(&sh.Params); cur != s.Get(&sh.Baseline) {
			changed++
			lines = append(lines, ansiTruncate(sh.St.Changed.Render("●")+" "+s.Key+" = "+cur, w))
		}
	}
	if changed == 0 {
		lines = append(lines, sh.St.Dim.Render(sh.t("side.asbaseline")))
	}
	lines = append(lines, "")
	for _, k := range []string{"pyramid_key", "pyramid_cutoffs", "rfm_scoring", "discount_rate_annual", "clv_model", "clv_monthly_discount", "model_time_unit", "aging_edges", "cts_per_order", "assumed_gm_pct"} {
		s, _ := model.Spec(k)
		v := s.Get(&sh.Params)
		if v == "" {
			v = sh.t("param.unset")
		}
		lines = append(lines, ansiTruncate("  "+k+" = "+v, w))
	}
	a := sh.A
	lines = append(lines, "")
	lines = append(lines, wrap(sh.note(a.CLVInfo.Label), w)...)
	if md := a.Model; md != nil {
		if md.OK {
			ps := model.ModelName(md.Kind)
			for _, q := range md.CountParams() {
				ps += fmt.Sprintf(" %s %.3f", q.Name, q.Value)
			}
			lines = append(lines, ansiTruncate(ps, w),
				ansiTruncate(sh.tf("side.converged", md.BGStatus.Iterations, sh.fnum(md.BGStatus.LogLik, 1)), w))
		} else {
			lines = append(lines, wrap(sh.t("side.model")+": "+sh.note(md.Why), w)...)
		}
	}
	for _, wn := range a.Warnings {
		for _, l := range wrap("! "+sh.note(wn), w) {
			lines = append(lines, sh.St.Warn.Render(l))
		}
	}
	return strings.Join(lines[:min(len(lines), h)], "\n")
}

func (p *paramsPane) Update(msg tea.KeyMsg) tea.Cmd {
	if p.editing {
		return p.editKey(msg)
	}
	k := p.sh.Keys
	p.err = ""
	switch {
	case key.Matches(msg, k.Down):
		p.sel = min(p.sel+1, len(model.Specs)-1)
	case key.Matches(msg, k.Up):
		p.sel = max(0, p.sel-1)
	case key.Matches(msg, k.PageDown):
		p.sel = min(p.sel+10, len(model.Specs)-1)
	case key.Matches(msg, k.PageUp):
		p.sel = max(0, p.sel-10)
	case key.Matches(msg, k.Home):
		p.sel = 0
	case key.Matches(msg, k.End):
		p.sel = len(model.Specs) - 1
	case key.Matches(msg, k.Right, k.Inc):
		return p.step(1)
	case key.Matches(msg, k.Left, k.Dec):
		return p.step(-1)
	case key.Matches(msg, k.Enter):
		p.editing = true
		p.input.SetValue(p.spec().Get(&p.sh.Params))
		p.input.CursorEnd()
		return p.input.Focus()
	}
	return nil
}

// step moves the selected parameter by its step, or to the next choice,
// from its value when the change is applied.
func (p *paramsPane) step(d int) tea.Cmd {
	s := p.spec()
	if s.Enum == nil && s.Step <= 0 {
		p.err = p.sh.tf("param.nostep", s.Key)
		return nil
	}
	return send(changeMsg{edit: func(cur model.Params) (model.Params, string, error) {
		v := s.Get(&cur)
		var next string
		if s.Enum != nil {
			i := slices.Index(s.Enum, v)
			next = s.Enum[(i+d+len(s.Enum))%len(s.Enum)]
		} else {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				x = 0
			}
			x = math.Round((x+float64(d)*s.Step)*1e9) / 1e9
			next = strconv.FormatFloat(x, 'g', -1, 64)
		}
		return setParam(cur, s, next)
	}})
}

// setParam sets one parameter on a copy; an invalid value is refused with
// the reason. what is empty when nothing changed.
func setParam(cur model.Params, s model.ParamSpec, value string) (model.Params, string, error) {
	q := cur.Clone()
	if err := s.Set(&q, value); err != nil {
		return cur, "", err
	}
	if err := q.Validate(); err != nil {
		return cur, "", err
	}
	before, after := s.Get(&cur), s.Get(&q)
	if before == after {
		return cur, "", nil
	}
	return q, s.Key + " " + before + " → " + after, nil
}

// apply sets the selected parameter to a typed value; an invalid value is
// refused here, inline, and changes nothing.
func (p *paramsPane) apply(value string) tea.Cmd {
	s := p.spec()
	if _, _, err := setParam(p.sh.Params, s, value); err != nil {
		p.err = err.Error()
		return nil
	}
	return send(changeMsg{edit: func(cur model.Params) (model.Params, string, error) { return setParam(cur, s, value) }})
}

func (p *paramsPane) editKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyEnter:
		cmd := p.apply(p.input.Value())
		if p.err == "" {
			p.editing = false
			p.input.Blur()
		}
		return cmd
	case tea.KeyEsc:
		p.editing, p.err = false, ""
		p.input.Blur()
		return nil
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

func (p *paramsPane) ShortHelp() []key.Binding {
	k := p.sh.Keys
	if p.editing {
		return []key.Binding{k.Enter, k.Back}
	}
	return []key.Binding{k.Up, k.Left, k.Right, k.Enter, k.Undo, k.Redo, k.Baseline, k.Save, k.Open, k.Help, k.Quit}
}

func (p *paramsPane) FullHelp() [][]key.Binding {
	k := p.sh.Keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End, k.Left, k.Right, k.Inc, k.Dec, k.Enter, k.Back}}
}
