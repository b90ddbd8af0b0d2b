package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ledgerlens/model"
)

// tmuxSession drives the real binary in a real terminal (tmux, 100×30).
type tmuxSession struct {
	t      *testing.T
	socket string
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.run("capture-pane", "-p", "-t", "e2e") }

func (s *tmuxSession) keys(k ...string) { s.run(append([]string{"send-keys", "-t", "e2e"}, k...)...) }

// waitFor polls the screen until it contains want.
// setParam types a value for a parameter in the Parameters pane (from its
// first row), waits for the changed marker and returns to the Segments pane.
func (s *tmuxSession) setParam(t *testing.T, name, value string) {
	t.Helper()
	s.keys("5")
	s.keys("g")
	s.waitFor("▸   as_of", 5*time.Second)
	for range paramIndex(t, name) {
		s.keys("j")
	}
	s.waitFor("▸   "+name, 5*time.Second)
	s.keys("Enter", "C-u")
	s.keys("-l", value)
	s.keys("Enter")
	s.waitFor("● "+name, 5*time.Second)
	s.keys("1")
}

func (s *tmuxSession) waitFor(want string, within time.Duration) string {
	s.t.Helper()
	return s.waitUntil(want, within, func(scr string) bool { return strings.Contains(scr, want) })
}

// waitUntil polls the screen until ok holds (recomputes run in the
// background, so a change shows a moment after the key).
func (s *tmuxSession) waitUntil(what string, within time.Duration, ok func(string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(within)
	for {
		scr := s.screen()
		if ok(scr) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %s; last screen:\n%s", what, scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func paramIndex(t *testing.T, key string) int {
	for i, s := range model.Specs {
		if s.Key == key {
			return i
		}
	}
	t.Fatalf("no parameter %s", key)
	return 0
}

// lineWith returns the first screen line containing s.
func lineWith(scr, s string) string {
	for _, l := range strings.Split(scr, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// buildForTmux builds the binary for a terminal test (tmux is required on CI).
func buildForTmux(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is missing on CI (.ci/run installs it)")
		}
		t.Skip("tmux not installed: skipping the end-to-end terminal test")
	}
	bin := filepath.Join(t.TempDir(), "ledgerlens")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func TestEndToEndTmux(t *testing.T) {
	bin := buildForTmux(t)
	s := &tmuxSession{t: t, socket: "ledgerlens-e2e-" + filepath.Base(t.TempDir())}
	s.run("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", "sh")
	defer exec.Command("tmux", "-L", s.socket, "kill-server").Run()
	s.run("set-option", "-t", "e2e", "status", "off")
	s.keys(bin+" --demo; echo EXITED=$?", "Enter")
	first := s.waitFor("Platinum", 60*time.Second)

	// switch panes
	s.keys("2")
	s.waitFor("of 2,000 customers", 5*time.Second)
	s.keys("4")
	s.waitFor("DSO (count-back)", 5*time.Second)
	s.keys("3")
	s.waitFor("Whale curve", 5*time.Second)

	// change the pyramid cut-offs: Platinum becomes the top 5 %
	s.setParam(t, "pyramid_cutoffs", "5%, 10%, 30%")
	before := lineWith(first, "Platinum")
	scr := s.waitUntil("Platinum with 100 customers", 10*time.Second, func(scr string) bool {
		after := lineWith(scr, "▸ Platinum")
		return strings.Contains(scr, "Scheme:") && after != before && strings.Contains(after, " 100 ")
	})
	pyramidBefore := lineWith(scr, "Gold")

	// change the discount rate of the CLV: the CLV column changes
	s.keys("5")
	for i := paramIndex(t, "pyramid_cutoffs"); i < paramIndex(t, "clv_monthly_discount"); i++ {
		s.keys("j")
	}
	s.waitFor("▸   clv_monthly_discount", 5*time.Second)
	for i := 0; i < 20; i++ {
		s.keys("+")
	}
	s.waitFor("0.03  per month  (baseline 0.01)", 5*time.Second)
	s.keys("1")
	scr = s.waitUntil("a new CLV for Gold", 10*time.Second, func(scr string) bool {
		return strings.Contains(scr, "Scheme:") && lineWith(scr, "Gold") != "" && lineWith(scr, "Gold") != pyramidBefore
	})
	if !strings.Contains(lineWith(scr, "ledgerlens"), "*") {
		t.Error("header does not mark unsaved changes")
	}

	// the data-tool keys: a filter with two conditions, scroll right, a
	// frequency table of the column under the cursor
	s.keys("2", "/")
	s.keys("-l", "clv>500 grade=A")
	s.keys("Enter")
	scr = s.waitFor("filter: clv>500 grade=A", 5*time.Second)
	if lineWith(scr, " of 2,000 customers") == "" || strings.Contains(lineWith(scr, " of 2,000 customers"), "2,000 of 2,000") {
		t.Errorf("two-condition filter did not narrow the table:\n%s", scr)
	}
	for i := 0; i < 8; i++ {
		s.keys("l")
	}
	scr = s.waitFor("column 9/", 5*time.Second)
	if !strings.Contains(scr, "◂") {
		t.Errorf("no sign of the scrolled columns:\n%s", scr)
	}
	s.keys("F")
	scr = s.waitFor("Frequency of", 5*time.Second)
	if !strings.Contains(scr, "Total") {
		t.Errorf("frequency table without its total row:\n%s", scr)
	}
	s.keys("Escape")
	s.waitFor("filter: clv>500 grade=A", 5*time.Second)

	// a marketing budget, then a bigger one: the Segments pane's allocation
	// column follows (no spend entered: the budget goes to the first tier)
	s.setParam(t, "marketing_budget", "50000")
	scr = s.waitFor("Allocation", 10*time.Second)
	if !strings.Contains(lineWith(scr, "Total"), "50,000.00") {
		t.Errorf("the budget is not allocated:\n%s", scr)
	}
	s.keys("5", "Enter", "C-u")
	s.keys("-l", "80000")
	s.keys("Enter")
	s.waitFor("80000  money  (baseline 0)", 5*time.Second)
	s.keys("1")
	s.waitUntil("the allocation of the new budget", 10*time.Second, func(scr string) bool {
		return strings.Contains(lineWith(scr, "Total"), "80,000.00")
	})

	// two schemes crossed: the pyramid against region, then the next scheme
	s.keys("x")
	scr = s.waitFor("Value pyramid (rows) × Region (columns): Customers", 5*time.Second)
	if !strings.Contains(lineWith(scr, "  Total  "), "2,000") {
		t.Errorf("cross-tab without the customers' total:\n%s", scr)
	}
	s.keys(">")
	s.waitFor("Value pyramid (rows) × Industry (columns)", 5*time.Second)
	s.keys("x")
	s.waitFor("Scheme:", 5*time.Second)

	// quit with unsaved changes: the view asks first; n stays, y quits
	s.keys("q")
	s.waitFor("quit anyway?", 5*time.Second)
	s.keys("n")
	time.Sleep(200 * time.Millisecond)
	s.keys("q")
	s.waitFor("quit anyway?", 5*time.Second)
	s.keys("y")
	// the shell prompt comes back and the alternate screen is gone
	scr = s.waitFor("EXITED=0", 10*time.Second)
	if strings.Contains(scr, "Platinum") || strings.Contains(scr, "Segments") {
		t.Errorf("terminal not restored after quit:\n%s", scr)
	}
}

// Names that carry escape sequences (window title, clipboard, leaving the
// alternate screen, clearing it) change nothing in the terminal: the view
// shows them visibly, and after q the shell's screen is as it was.
func TestEscapeSequencesInData(t *testing.T) {
	bin := buildForTmux(t)
	dir := t.TempDir()
	ledger := filepath.Join(dir, "evil.csv")
	data := "customer_id,name,date,amount,region\n" +
		"C1,\"Evil\x1b]2;PWNED\x07 Co\",2024-01-01,10,\"R\x1b[2J\"\n" +
		"C2,\"Clip\x1b]52;c;aGVsbG8=\x07\",2024-01-02,20,North\n" +
		"C3,\"\x1b[?1049lLeave\x1b[H\",2024-01-03,30,North\n"
	if err := os.WriteFile(ledger, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &tmuxSession{t: t, socket: "ledgerlens-evil-" + filepath.Base(dir)}
	s.run("new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24", "sh")
	defer exec.Command("tmux", "-L", s.socket, "kill-server").Run()
	s.run("set-option", "-t", "e2e", "status", "off")
	s.run("set-option", "-g", "set-clipboard", "on")
	s.run("set-option", "-g", "allow-rename", "on")
	titleBefore := s.run("display-message", "-p", "-t", "e2e", "#{pane_title}")
	s.keys("echo BEFORE; "+bin+" "+ledger+"; echo EXITED=$?", "Enter")
	s.waitFor("Platinum", 30*time.Second)
	s.keys("2")
	scr := s.waitFor("Clip", 10*time.Second)
	if !strings.Contains(scr, "Evil␛]2;PWNED␇ Co") || !strings.Contains(scr, "␛[?1049lLeave") {
		t.Errorf("names not shown visibly:\n%s", scr)
	}
	if title := s.run("display-message", "-p", "-t", "e2e", "#{pane_title}"); title != titleBefore || strings.Contains(title, "PWNED") {
		t.Errorf("window title changed from %q to %q", titleBefore, title)
	}
	if bufs := s.run("list-buffers"); strings.TrimSpace(bufs) != "" {
		t.Errorf("clipboard written: %q", bufs)
	}
	s.keys("q")
	scr = s.waitFor("EXITED=0", 10*time.Second)
	if !strings.Contains(scr, "BEFORE") || strings.Contains(scr, "Clip") || strings.Contains(scr, "Leave") || strings.Contains(scr, "Platinum") {
		t.Errorf("the shell's screen changed:\n%s", scr)
	}
}
