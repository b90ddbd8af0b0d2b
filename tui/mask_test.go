package tui

import (
	"regexp"
	"strings"
	"testing"
)

var pseudonym = regexp.MustCompile(`C\d{4} +Customer \d{4}`)

// M switches every pane, the card and exports to pseudonyms and back; the
// baseline follows, and the copy into the user's file is refused while
// masked.
func TestMaskKey(t *testing.T) {
	m := ready(t, 120, 40)
	led := m.sh.A.Led
	realID := led.Customers.ID[0]
	shown := func() int { // real ids on screen
		n, v := 0, m.View()
		for _, id := range led.Customers.ID {
			if strings.Contains(v, id) {
				n++
			}
		}
		return n
	}
	press(t, m, "2") // customers
	if shown() == 0 {
		t.Fatalf("real ids not shown before masking:\n%s", m.View())
	}
	press(t, m, "M")
	if !m.run.masked || m.sh.A.Led.Customers.ID[0] == realID {
		t.Fatal("M did not mask the analysis")
	}
	if m.sh.BaseA.Led != m.sh.A.Led {
		t.Error("the baseline was not analysed again on the masked ledger")
	}
	v := m.View()
	if n := shown(); n > 0 {
		t.Fatalf("masked view shows %d real ids:\n%s", n, v)
	}
	for _, name := range led.Customers.Name {
		if strings.Contains(v, name) {
			t.Fatalf("masked view shows %s:\n%s", name, v)
		}
	}
	if !pseudonym.MatchString(v) || !strings.Contains(v, "customers masked") {
		t.Errorf("no pseudonyms or status in the masked view:\n%s", v)
	}
	press(t, m, "enter") // the card of the first row
	if v := m.View(); !pseudonym.MatchString(v) || shown() > 0 {
		t.Errorf("card not masked:\n%s", v)
	}
	press(t, m, "esc", "e") // the export prompt's request
	if req := m.prompt.req; !req.Masked || req.Analysis.Led.Customers.ID[0] == realID {
		t.Errorf("export while masked: masked %v", req.Masked)
	}
	press(t, m, "esc")
	m.cfg.IntoSource = "ledger.csv"
	press(t, m, "i")
	if !strings.Contains(m.View(), "not while masking") {
		t.Error("into was not refused while masked")
	}
	press(t, m, "M")
	if m.run.masked || m.sh.A.Led.Customers.ID[0] != realID {
		t.Fatal("second M did not unmask")
	}
	press(t, m, "2")
	if shown() == 0 {
		t.Errorf("real ids not back:\n%s", m.View())
	}
}
