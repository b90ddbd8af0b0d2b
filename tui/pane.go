package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"ledgerlens/model"
)

// pane is a component of the view: it keeps its own state, takes the keys
// meant for it and draws itself in the size it was given. View never
// changes state. Panes talk to the root with messages (below), never by
// reaching into it.
type pane interface {
	SetSize(w, h int)
	Refresh() // the analysis, the scheme or the baseline changed
	Update(msg tea.KeyMsg) tea.Cmd
	View() string
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	Typing() bool // a text field has the keys: global keys wait
}

// Messages from panes to the root.
type (
	// openCardMsg opens the card of a customer over the current pane.
	openCardMsg struct{ cust int32 }
	// changeMsg changes the parameters: edit makes the new ones from the
	// parameters current when the root handles the message (so that keys
	// pressed faster than messages are handled all count), and says what
	// changed (undo names it).
	changeMsg struct {
		edit func(cur model.Params) (next model.Params, what string, err error)
	}
	// filterMsg shows the Customers pane filtered.
	filterMsg struct{ query string }
	// statusMsg is a line for the footer.
	statusMsg struct {
		text string
		err  bool
	}
	// copyMsg puts text on the clipboard (OSC 52, through Config.Copy).
	copyMsg struct{ text, what string }
	// freqMsg opens the frequency table of a field over rows.
	freqMsg struct {
		field model.Field
		rows  []int32
	}
)

func send(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// selection is implemented by panes whose rows can be exported: the rows
// and the filter that chose them (nil rows: every customer).
type selection interface {
	Selection() (rows []int32, filter string)
}
