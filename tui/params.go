package tui

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"ledgerlens/model"
)

func (m *Model) paramKey() string { return model.Specs[m.paramSel].Key }

// paramLines renders the grouped parameter list; changed ones (against the
// baseline) carry a ● and the baseline value.
func (m *Model) paramLines(w int, showHelp bool) ([]string, int) {
	var lines []string
	selLine := 0
	group := ""
	for i, s := range model.Specs {
		if s.Group != group {
			group = s.Group
			lines = append(lines, m.st.Bold.Render(group))
		}
		cur, base := s.Get(&m.params), s.Get(&m.baseline)
		mark := "  "
		if i == m.paramSel {
			mark = "▸ "
			selLine = len(lines)
		}
		changed := " "
		if cur != base {
			changed = m.st.Changed.Render("●")
		}
		val := cur
		if val == "" {
			val = "(unset)"
		}
		line := fmt.Sprintf("%s%s %-26s %s", mark, changed, s.Key, val)
		if s.Unit != "" && w > 70 {
			line += m.st.Dim.Render("  " + s.Unit)
		}
		if cur != base && w > 60 {
			line += m.st.Dim.Render("  (baseline " + base + ")")
		}
		if i == m.paramSel {
			line = m.st.Selected.Render(ansiTruncate(line, w-1))
		}
		lines = append(lines, line)
	}
	return lines, selLine
}

func (m *Model) paramsView(w, h int) string {
	lines, sel := m.paramLines(w, true)
	s := model.Specs[m.paramSel]
	foot := []string{"", m.st.Bold.Render(s.Key) + ": " + s.Help}
	if s.Enum != nil {
		foot = append(foot, m.st.Dim.Render("values: "+strings.Join(s.Enum, ", ")+" (← → cycles)"))
	} else if s.Step > 0 {
		foot = append(foot, m.st.Dim.Render(fmt.Sprintf("step %g (← → or + −), enter to type a value", s.Step)))
	} else {
		foot = append(foot, m.st.Dim.Render("enter to type a value"))
	}
	if m.paramErr != "" {
		foot = append(foot, m.st.Error.Render("✗ "+m.paramErr))
	}
	avail := max(1, h-len(foot))
	off := max(0, min(sel-avail/2, len(lines)-avail))
	end := min(len(lines), off+avail)
	return strings.Join(append(lines[off:end], foot...), "\n")
}

// paramsSide is the read-only list beside the current pane on wide screens.
func (m *Model) paramsSide(w, h int) string {
	var lines []string
	lines = append(lines, m.st.Bold.Render(m.t("Parameters")+" (5 to edit)"))
	changed := 0
	for _, s := range model.Specs {
		cur, base := s.Get(&m.params), s.Get(&m.baseline)
		if cur != base {
			changed++
			lines = append(lines, ansiTruncate(fmt.Sprintf("%s %s = %s", m.st.Changed.Render("●"), s.Key, cur), w))
		}
	}
	if changed == 0 {
		lines = append(lines, m.st.Dim.Render("as the baseline"))
	}
	lines = append(lines, "")
	for _, k := range []string{"pyramid_key", "pyramid_cutoffs", "rfm_scoring", "discount_rate_annual", "clv_model", "clv_monthly_discount", "model_time_unit", "aging_edges", "cts_per_order", "assumed_gm_pct"} {
		s, _ := model.Spec(k)
		v := s.Get(&m.params)
		if v == "" {
			v = "(unset)"
		}
		lines = append(lines, ansiTruncate(fmt.Sprintf("  %s = %s", k, v), w))
	}
	a := m.a
	lines = append(lines, "", ansiTruncate(a.CLVInfo.Label, w))
	if md := a.Model; md != nil {
		st := md.BGStatus
		if md.OK {
			lines = append(lines, ansiTruncate(fmt.Sprintf("BG/NBD r %.3f α %.3f a %.3f b %.3f", md.BG.R, md.BG.Alpha, md.BG.A, md.BG.B), w),
				ansiTruncate(fmt.Sprintf("converged in %d iterations, LL %.1f", st.Iterations, st.LogLik), w))
		} else {
			lines = append(lines, ansiTruncate("model: "+md.Why, w))
		}
	}
	for _, wn := range a.Warnings {
		lines = append(lines, m.st.Warn.Render(ansiTruncate("! "+wn, w)))
	}
	return strings.Join(lines[:min(len(lines), h)], "\n")
}

func (m *Model) paramsKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	m.paramErr = ""
	switch {
	case key.Matches(msg, k.Down):
		m.paramSel = min(m.paramSel+1, len(model.Specs)-1)
	case key.Matches(msg, k.Up):
		m.paramSel = max(0, m.paramSel-1)
	case key.Matches(msg, k.PageDown):
		m.paramSel = min(m.paramSel+10, len(model.Specs)-1)
	case key.Matches(msg, k.PageUp):
		m.paramSel = max(0, m.paramSel-10)
	case key.Matches(msg, k.Right, k.Inc):
		return m.step(1)
	case key.Matches(msg, k.Left, k.Dec):
		return m.step(-1)
	case key.Matches(msg, k.Enter):
		m.editing = true
		m.input.SetValue(model.Specs[m.paramSel].Get(&m.params))
		m.input.CursorEnd()
		return m.input.Focus()
	}
	return nil
}

// step moves the selected parameter by its step, or to the next choice.
func (m *Model) step(d int) tea.Cmd {
	s := model.Specs[m.paramSel]
	cur := s.Get(&m.params)
	var next string
	switch {
	case s.Enum != nil:
		i := slices.Index(s.Enum, cur)
		next = s.Enum[(i+d+len(s.Enum))%len(s.Enum)]
	case s.Step > 0:
		v, err := strconv.ParseFloat(cur, 64)
		if err != nil {
			v = 0
		}
		v = math.Round((v+float64(d)*s.Step)*1e9) / 1e9
		next = strconv.FormatFloat(v, 'g', -1, 64)
	default:
		m.paramErr = s.Key + " has no step: press enter to type a value"
		return nil
	}
	return m.apply(s.Key, next)
}

// apply sets a parameter on a copy; an invalid value is refused with the
// reason and changes nothing.
func (m *Model) apply(key, value string) tea.Cmd {
	p := m.params.Clone()
	if err := p.Set(key, value); err != nil {
		m.paramErr = err.Error()
		return nil
	}
	if err := p.Validate(); err != nil {
		m.paramErr = err.Error()
		return nil
	}
	if model.Specs[m.paramSel].Get(&p) == model.Specs[m.paramSel].Get(&m.params) && key == m.paramKey() {
		return nil
	}
	return m.change(p)
}

func (m *Model) editKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "enter":
		cmd := m.apply(m.paramKey(), m.input.Value())
		if m.paramErr == "" {
			m.editing = false
			m.input.Blur()
		}
		return cmd
	case "esc":
		m.editing = false
		m.paramErr = ""
		m.input.Blur()
		return nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return cmd
}
