package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap holds every key binding. A binding's help text is a catalogue key:
// the footer and the help screen show it in the user's language.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Home, End                   key.Binding
	Left, Right, Inc, Dec                                   key.Binding
	NextPane, PrevPane, Pane, Scheme                        key.Binding
	Enter, Back, Filter, Sort, Reverse                      key.Binding
	Hide, ShowAll, MoveLeft, MoveRight                      key.Binding
	Freq, Jump, Copy, CopyRow, NextMatch, PrevMatch         key.Binding
	Empty, Switch                                           key.Binding
	Baseline, Compare, Undo, Redo, Save, Open, Export, Into key.Binding
	Mask, Cross, Measure, Cohorts                           key.Binding
	Help, Quit                                              key.Binding
}

// DefaultKeys follow the habits of terminal data tools (VisiData, csvlens):
// arrows and hjkl, / to filter, s to sort, F for a frequency table, : to
// jump, y to copy, ? for help, q to quit.
func DefaultKeys() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:        b("↑/k", "key.up", "up", "k"),
		Down:      b("↓/j", "key.down", "down", "j"),
		PageUp:    b("pgup", "key.pgup", "pgup", "ctrl+u"),
		PageDown:  b("pgdn", "key.pgdn", "pgdown", "ctrl+d", " "),
		Home:      b("g", "key.home", "home", "g"),
		End:       b("G", "key.end", "end", "G"),
		Left:      b("←/h", "key.left", "left", "h"),
		Right:     b("→/l", "key.right", "right", "l"),
		Inc:       b("+", "key.inc", "+", "="),
		Dec:       b("-", "key.dec", "-", "_"),
		NextPane:  b("tab", "key.nextpane", "tab"),
		PrevPane:  b("shift+tab", "key.prevpane", "shift+tab"),
		Pane:      b("1-6", "key.pane", "1", "2", "3", "4", "5", "6"),
		Scheme:    b("[ ]", "key.scheme", "[", "]"),
		Enter:     b("enter", "key.enter", "enter"),
		Back:      b("esc", "key.back", "esc"),
		Filter:    b("/", "key.filter", "/"),
		Sort:      b("s", "key.sort", "s"),
		Reverse:   b("S", "key.reverse", "S"),
		Hide:      b("-", "key.hide", "-"),
		ShowAll:   b("V", "key.showall", "V"),
		MoveLeft:  b("H", "key.moveleft", "H"),
		MoveRight: b("L", "key.moveright", "L"),
		Freq:      b("F", "key.freq", "F"),
		Jump:      b(":", "key.jump", ":"),
		Copy:      b("y", "key.copy", "y"),
		CopyRow:   b("Y", "key.copyrow", "Y"),
		NextMatch: b("n", "key.next", "n"),
		PrevMatch: b("N", "key.prev", "N"),
		Empty:     b("E", "key.empty", "E"),
		Switch:    b("< >", "key.switch", "<", ">"),
		Baseline:  b("b", "key.baseline", "b"),
		Compare:   b("c", "key.compare", "c"),
		Undo:      b("u", "key.undo", "u"),
		Redo:      b("ctrl+r", "key.redo", "ctrl+r"),
		Save:      b("ctrl+s", "key.save", "ctrl+s"),
		Open:      b("ctrl+o", "key.open", "ctrl+o"),
		Export:    b("e", "key.export", "e"),
		Into:      b("i", "key.into", "i"),
		Mask:      b("M", "key.mask", "M"),
		Cross:     b("x", "key.cross", "x"),
		Measure:   b("m", "key.measure", "m"),
		Cohorts:   b("o", "key.cohorts", "o"),
		Help:      b("?", "key.help", "?"),
		Quit:      b("q", "key.quit", "q"),
	}
}

// global are the keys that work in every pane.
func (k KeyMap) global() []key.Binding {
	return []key.Binding{k.NextPane, k.PrevPane, k.Pane, k.Scheme, k.Compare, k.Baseline, k.Undo, k.Redo, k.Save, k.Open, k.Export, k.Into, k.Mask, k.Cross, k.Cohorts, k.Help, k.Quit}
}

// tableKeys are the keys of every table.
func (k KeyMap) tableKeys() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End, k.Left, k.Right, k.Sort, k.Reverse, k.Filter, k.NextMatch, k.PrevMatch,
		k.Hide, k.ShowAll, k.MoveLeft, k.MoveRight, k.Freq, k.Jump, k.Copy, k.CopyRow, k.Enter}
}
