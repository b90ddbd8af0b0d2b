package tui

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/mattn/go-runewidth"

	"ledgerlens/termtext"
)

// headerView is one line: the counts and the recompute time always fit;
// the source path is shortened (…/file.csv, then cut) to make room.
func (m *Model) headerView() string {
	sh := m.sh
	a := sh.A
	name := m.hist.scenario
	if name == "" {
		name = sh.t("hdr.defaults")
	}
	if m.hist.unsaved {
		name += " *"
	}
	status := m.activity(false)
	brand := sh.St.Header.Render("ledgerlens")
	scen := sh.t("scenario") + ": " + termtext.Clean(name)
	counts := []string{sh.t("as of") + " " + a.AsOf.String(), fmtInt(a.N) + " " + sh.t("customers"), fmtInt(m.load.report.RowsUsed) + " " + sh.t("rows")}
	join := func(src string, scen string) string {
		parts := []string{brand, scen}
		if src != "" {
			parts = append(parts, src)
		}
		parts = append(parts, counts...)
		return strings.Join(append(parts, sh.St.HeaderDim.Render(status)), " · ")
	}
	src := termtext.Clean(m.source())
	line := join(src, scen)
	if over := lipgloss.Width(line) - m.width; over > 0 {
		short := src
		if base := filepath.Base(src); base != src {
			short = "…/" + base
		}
		short = runewidth.Truncate(short, max(0, runewidth.StringWidth(short)-max(0, lipgloss.Width(join(short, scen))-m.width)), "…")
		if runewidth.StringWidth(short) < 8 { // a stub of a path says nothing
			short = ""
		}
		line = join(short, scen)
		if lipgloss.Width(line) > m.width { // still too long: the scenario without its label, then no path
			line = join(short, termtext.Clean(name))
		}
		if lipgloss.Width(line) > m.width {
			line = join("", termtext.Clean(name))
		}
		if lipgloss.Width(line) > m.width { // compact: the date alone, the time alone
			counts[0] = a.AsOf.String()
			status = m.activity(true)
			line = join("", termtext.Clean(name))
		}
		if lipgloss.Width(line) > m.width { // then without the row count
			counts = counts[:2]
			line = join("", termtext.Clean(name))
		}
	}
	return ansiTruncate(line, m.width)
}

func (m *Model) tabsView() string {
	sh := m.sh
	var parts []string
	_, inCompare := m.top().(*comparePane)
	for i, n := range paneNames {
		label := tabLabel(i, sh.t(n))
		if i == m.active && len(m.overlays) == 0 {
			parts = append(parts, sh.St.ActiveTab.Render(label))
		} else {
			parts = append(parts, sh.St.Tab.Render(" "+strings.Trim(label, "[]")+" "))
		}
	}
	if inCompare {
		parts = append(parts, sh.St.ActiveTab.Render("[c "+sh.t("Compare")+"]"))
	}
	return ansiTruncate(strings.Join(parts, " "), m.width)
}

// footerView is the status or prompt line, then the keys of what is on
// screen: as many as fit, whole.
func (m *Model) footerView() string {
	sh := m.sh
	var line string
	switch {
	case m.prompt.kind != promptNone:
		line = m.promptView()
	case m.run.exporting:
		line = m.spin.View() + " " + m.status.text
	case m.status.text != "" && m.status.err:
		line = sh.St.Error.Render("✗ " + m.status.text)
	case m.status.text != "":
		line = sh.St.Pos.Render("✓ " + m.status.text)
	}
	binds := m.top().ShortHelp()
	if m.prompt.kind != promptNone {
		binds = []key.Binding{sh.Keys.Enter, sh.Keys.Back}
	}
	return ansiTruncate(line, m.width) + "\n" + m.keysLine(binds)
}

// keysLine shows bindings as "key desc" separated by dots, dropping the
// ones that do not fit whole.
func (m *Model) keysLine(binds []key.Binding) string {
	sh := m.sh
	var b strings.Builder
	used := 0
	for _, k := range binds {
		h := k.Help()
		item := sh.St.Key.Render(h.Key) + " " + sh.St.Footer.Render(sh.t(h.Desc))
		w := lipgloss.Width(item)
		sep := 0
		if used > 0 {
			sep = 3
		}
		if used+sep+w > m.width {
			continue
		}
		if used > 0 {
			b.WriteString(sh.St.Footer.Render(" · "))
		}
		b.WriteString(item)
		used += sep + w
	}
	return b.String()
}

func (m *Model) loadingView() string {
	sh := m.sh
	var b strings.Builder
	b.WriteString(sh.St.Header.Render("ledgerlens") + " · " + termtext.Clean(m.source()) + "\n\n")
	p := m.load.prog
	where := termtext.Clean(p.File)
	if p.Sheet != "" {
		where += ", " + sh.t("load.sheet") + " " + termtext.Clean(p.Sheet)
	}
	verb := sh.t("Loading")
	if m.load.analysing {
		verb = sh.t("Analysing")
	}
	b.WriteString(m.spin.View() + " " + verb + " " + where + "\n\n")
	if p.Total > 0 {
		b.WriteString(m.load.bar.ViewAs(float64(p.Done)/float64(p.Total)) + "\n")
	}
	secs := time.Since(m.load.started).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(p.Rows) / secs
	}
	eta := ""
	if p.Total > 0 && p.Done > 0 && p.Done < p.Total && secs > 0.5 {
		left := secs * float64(p.Total-p.Done) / float64(p.Done) // the rest at the rate so far
		eta = " · " + sh.tf("load.left", (time.Duration(left*10)*time.Second/10).String())
	}
	unit := sh.t("load.bytes")
	if p.Unit != "bytes" && p.Unit != "" {
		unit = sh.t("rows")
	}
	b.WriteString(fmtInt(int(p.Done)) + " / " + fmtInt(int(p.Total)) + " " + unit + "\n")
	b.WriteString(sh.tf("load.rate", fmtInt(p.Rows), fmtInt(int(rate))) + eta + "\n\n")
	b.WriteString(sh.St.Footer.Render(sh.t("load.cancel")))
	return b.String()
}

func (m *Model) failedView() string {
	sh := m.sh
	msg := m.load.err.Error()
	rep := m.load.report
	if rep.RowsRead > 0 { // what was read before it failed
		msg += "\n\n" + sh.tf("fail.rows", fmtInt(rep.RowsRead), fmtInt(rep.RowsUsed), fmtInt(rep.RowsRejected))
		for _, r := range rep.Reasons {
			msg += "\n  " + r
		}
	}
	lines := []string{sh.St.Error.Render("✗ " + sh.t("fail.title")), ""}
	lines = append(lines, wrap(termtext.Clean(msg), m.width-2)...)
	lines = append(lines, "")
	lines = append(lines, wrap(sh.t("fail.hint"), m.width-2)...)
	lines = append(lines, "", sh.St.Footer.Render("q "+sh.t("key.quit")))
	return strings.Join(lines, "\n")
}

// activity is the header's word on what runs — a load for a new as-of
// date (rows so far, and the share done when the source knows its size),
// the fits, a recompute — or on the last recompute; compact for narrow
// terminals.
func (m *Model) activity(compact bool) string {
	sh, spin := m.sh, m.spin.View()+" "
	pick := func(long, short string) string {
		if compact {
			return sh.t(short)
		}
		return sh.t(long)
	}
	switch {
	case m.run.reload.active:
		p := m.run.reload.prog
		s := sh.tf(pick("hdr.reloading", "hdr.reloadingshort"), fmtInt(p.Rows))
		if p.Total > 0 {
			s += fmt.Sprintf(" %d %%", min(100, p.Done*100/p.Total))
		}
		return spin + s
	case m.run.fitting:
		return spin + pick("hdr.fitting", "hdr.fittingshort")
	case m.computing():
		return spin + sh.t("hdr.recomputing")
	case m.cfg.NoTimings:
		return sh.t("hdr.recomputed")
	case compact:
		return "⟳ " + m.run.lastDur.Round(100*time.Microsecond).String()
	}
	return sh.tf("hdr.recomputedin", m.run.lastDur.Round(100*time.Microsecond).String())
}
