package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap holds every key binding; the footer and the help view are built
// from it.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	Left, Right, Inc, Dec                 key.Binding
	NextPane, PrevPane, Pane              key.Binding
	Enter, Back, Filter, Sort, Reverse    key.Binding
	Baseline, Compare, Undo, Redo         key.Binding
	Save, Open, Export, Help, Quit        key.Binding
	Scheme                                key.Binding
}

// DefaultKeys follow terminal habits: arrows and hjkl, tab and 1–5, / to
// filter, ? for help, q to quit.
func DefaultKeys() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:       b("↑/k", "up", "up", "k"),
		Down:     b("↓/j", "down", "down", "j"),
		PageUp:   b("pgup", "page up", "pgup", "ctrl+u"),
		PageDown: b("pgdn", "page down", "pgdown", "ctrl+d", " "),
		Home:     b("g/home", "first", "home", "g"),
		End:      b("G/end", "last", "end", "G"),
		Left:     b("←/h", "previous / smaller", "left", "h"),
		Right:    b("→/l", "next / larger", "right", "l"),
		Inc:      b("+", "increase", "+", "="),
		Dec:      b("-", "decrease", "-", "_"),
		NextPane: b("tab", "next pane", "tab"),
		PrevPane: b("shift+tab", "previous pane", "shift+tab"),
		Pane:     b("1-5", "go to pane", "1", "2", "3", "4", "5"),
		Scheme:   b("[ ]", "scheme", "[", "]"),
		Enter:    b("enter", "open / edit", "enter"),
		Back:     b("esc", "back", "esc"),
		Filter:   b("/", "filter", "/"),
		Sort:     b("s", "sort by next column", "s"),
		Reverse:  b("S", "reverse sort", "S"),
		Baseline: b("b", "set baseline", "b"),
		Compare:  b("c", "compare with baseline", "c"),
		Undo:     b("u", "undo", "u"),
		Redo:     b("ctrl+r", "redo", "ctrl+r"),
		Save:     b("ctrl+s", "save scenario", "ctrl+s"),
		Open:     b("ctrl+o", "open scenario", "ctrl+o"),
		Export:   b("e", "export to Excel", "e"),
		Help:     b("?", "all keys", "?"),
		Quit:     b("q", "quit", "q", "ctrl+c"),
	}
}

// ShortHelp lists the keys shown in the footer.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.NextPane, k.Up, k.Enter, k.Filter, k.Sort, k.Compare, k.Undo, k.Export, k.Help, k.Quit}
}

// FullHelp lists every key, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.NextPane, k.PrevPane, k.Pane, k.Scheme, k.Left, k.Right, k.Inc, k.Dec},
		{k.Enter, k.Back, k.Filter, k.Sort, k.Reverse},
		{k.Baseline, k.Compare, k.Undo, k.Redo, k.Save, k.Open, k.Export, k.Help, k.Quit},
	}
}
