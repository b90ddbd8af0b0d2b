package tui

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
)

// Run opens the interactive view. bubbletea restores the terminal when the
// program ends, also after a panic in Update or View, which it reports as an
// error.
func Run(cfg Config) (err error) {
	p := tea.NewProgram(New(cfg), tea.WithAltScreen(), tea.WithMouseCellMotion())
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	final, err := p.Run()
	if err != nil {
		return err
	}
	if m, ok := final.(*Model); ok && m.load.failed {
		return m.load.err
	}
	return nil
}
