package tui

import "github.com/charmbracelet/lipgloss"

// Styles are built once from a theme. Every meaning is also carried by text
// or a glyph (the selection marker, signs, labels), so NO_COLOR and ASCII
// terminals lose nothing.
type Styles struct {
	Header, HeaderDim, Title, Tab, ActiveTab, Footer, Key     lipgloss.Style
	Selected, Dim, Bold, Neg, Pos, Warn, Error, Border, Panel lipgloss.Style
	Changed, ColCursor, Cell                                  lipgloss.Style
	Bars                                                      [3]lipgloss.Style
}

// Theme holds the colours; adaptive ones follow the terminal background.
type Theme struct {
	Accent, Muted, Negative, Positive, Warning, SelectBg, HeaderBg lipgloss.AdaptiveColor
}

// DefaultTheme suits light and dark terminals.
var DefaultTheme = Theme{
	Accent:   lipgloss.AdaptiveColor{Light: "#005FAF", Dark: "#5FAFFF"},
	Muted:    lipgloss.AdaptiveColor{Light: "#6C6C6C", Dark: "#8A8A8A"},
	Negative: lipgloss.AdaptiveColor{Light: "#AF0000", Dark: "#FF5F5F"},
	Positive: lipgloss.AdaptiveColor{Light: "#005F00", Dark: "#87D787"},
	Warning:  lipgloss.AdaptiveColor{Light: "#AF5F00", Dark: "#FFAF00"},
	SelectBg: lipgloss.AdaptiveColor{Light: "#D0E4F5", Dark: "#264F78"},
	HeaderBg: lipgloss.AdaptiveColor{Light: "#E4E4E4", Dark: "#303030"},
}

// NewStyles builds the styles of a theme.
func NewStyles(t Theme) *Styles {
	s := &Styles{}
	s.Header = lipgloss.NewStyle().Bold(true).Foreground(t.Accent)
	s.HeaderDim = lipgloss.NewStyle().Foreground(t.Muted)
	s.Title = lipgloss.NewStyle().Bold(true)
	s.Tab = lipgloss.NewStyle().Foreground(t.Muted)
	s.ActiveTab = lipgloss.NewStyle().Bold(true).Underline(true).Foreground(t.Accent)
	s.Footer = lipgloss.NewStyle().Foreground(t.Muted)
	s.Key = lipgloss.NewStyle().Bold(true)
	s.Selected = lipgloss.NewStyle().Background(t.SelectBg).Bold(true)
	s.Dim = lipgloss.NewStyle().Foreground(t.Muted)
	s.Bold = lipgloss.NewStyle().Bold(true)
	s.Neg = lipgloss.NewStyle().Foreground(t.Negative)
	s.Pos = lipgloss.NewStyle().Foreground(t.Positive)
	s.Warn = lipgloss.NewStyle().Foreground(t.Warning)
	s.Error = lipgloss.NewStyle().Foreground(t.Negative).Bold(true)
	s.Border = lipgloss.NewStyle().Foreground(t.Muted)
	s.Panel = lipgloss.NewStyle().BorderStyle(lipgloss.NormalBorder()).BorderLeft(true).BorderForeground(t.Muted).PaddingLeft(1)
	s.Changed = lipgloss.NewStyle().Foreground(t.Warning).Bold(true)
	s.ColCursor = lipgloss.NewStyle().Bold(true).Underline(true).Foreground(t.Accent)
	s.Cell = lipgloss.NewStyle().Reverse(true).Bold(true)
	s.Bars = [3]lipgloss.Style{
		lipgloss.NewStyle().Foreground(t.Muted),
		lipgloss.NewStyle().Foreground(t.Accent),
		lipgloss.NewStyle().Foreground(t.Positive),
	}
	return s
}
