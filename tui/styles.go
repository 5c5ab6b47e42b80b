package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/themes"
	"github.com/sobang/sobang/tui/chart"
)

// Styles are a theme turned into precomputed SGR pairs, built once per theme
// so that View never builds a lipgloss style on the hot path.
type Styles struct {
	Theme themes.Theme

	Border, BorderFocused chart.Style
	Title, TitleFocused   chart.Style
	TabFocused            chart.Style // the focused pane's tab in a short terminal
	Text, Muted, Bold     chart.Style
	Levels                [sources.LevelFatal + 1]chart.Style
	Series                []chart.Style
	Cursor, Window, Mark  chart.Style
	CursorRow             chart.Style // the log entry or table row at the cursor
	Selected              chart.Style // the selected table row
	StatusBar             chart.Style
	Live, Paused, Ended   chart.Style
	Down, Warn            chart.Style
	Help                  lipgloss.Style
}

func fg(c color.Color) lipgloss.Style {
	s := lipgloss.NewStyle()
	if c != nil {
		s = s.Foreground(c)
	}
	return s
}

// NewStyles precomputes the styles of theme t.
func NewStyles(t themes.Theme) *Styles {
	plain := t.NoColor
	st := &Styles{Theme: t}
	st.Border = chart.StyleOf(fg(t.Border))
	st.BorderFocused = chart.StyleOf(fg(t.BorderFocused).Bold(true))
	st.Title = chart.StyleOf(fg(t.Title))
	st.TitleFocused = chart.StyleOf(fg(t.TitleFocused).Bold(true).Underline(plain))
	st.TabFocused = chart.StyleOf(fg(t.TitleFocused).Bold(true).Reverse(true))
	st.Text = chart.StyleOf(fg(t.Text))
	st.Muted = chart.StyleOf(fg(t.Muted).Faint(plain))
	st.Bold = chart.StyleOf(fg(t.Text).Bold(true))
	st.Levels[sources.LevelFatal] = chart.StyleOf(fg(t.LevelError).Bold(true).Reverse(plain))
	st.Levels[sources.LevelError] = chart.StyleOf(fg(t.LevelError).Bold(true).Reverse(plain))
	st.Levels[sources.LevelWarn] = chart.StyleOf(fg(t.LevelWarn).Bold(plain))
	st.Levels[sources.LevelInfo] = chart.StyleOf(fg(t.LevelInfo))
	st.Levels[sources.LevelDebug] = chart.StyleOf(fg(t.LevelDebug).Faint(plain))
	st.Levels[sources.LevelTrace] = chart.StyleOf(fg(t.LevelTrace).Faint(plain))
	for i := range max(len(t.Series), themes.MinSeries) {
		st.Series = append(st.Series, chart.StyleOf(fg(t.SeriesColor(i))))
	}
	st.Cursor = chart.StyleOf(fg(t.Cursor).Reverse(plain).Bold(true))
	win := lipgloss.NewStyle()
	if t.Window != nil {
		win = win.Background(t.Window)
	} else {
		win = win.Underline(true)
	}
	st.Window = chart.StyleOf(win)
	st.Mark = chart.StyleOf(fg(t.Mark).Bold(plain))
	row := lipgloss.NewStyle().Bold(true)
	if t.Window != nil {
		row = row.Background(t.Window)
	} else {
		row = row.Reverse(true)
	}
	st.CursorRow = chart.StyleOf(row)
	st.Selected = chart.StyleOf(fg(t.Cursor).Bold(true).Reverse(plain))
	bar := lipgloss.NewStyle().Reverse(plain)
	if t.StatusBarFg != nil {
		bar = bar.Foreground(t.StatusBarFg)
	}
	if t.StatusBarBg != nil {
		bar = bar.Background(t.StatusBarBg)
	}
	st.StatusBar = chart.StyleOf(bar)
	st.Live = chart.StyleOf(fg(t.StatusLive).Bold(true))
	st.Paused = chart.StyleOf(fg(t.StatusPaused).Bold(true))
	st.Ended = chart.StyleOf(fg(t.StatusLoadEnded).Bold(true))
	st.Down = chart.StyleOf(fg(t.StatusDown).Bold(true).Underline(plain))
	st.Warn = chart.StyleOf(fg(t.StatusWarn).Bold(plain))
	st.Help = fg(t.Text)
	return st
}

// wrap returns s between the style's prefix and suffix ("" stays "").
func wrap(st chart.Style, s string) string {
	if s == "" || st.Prefix == "" {
		return s
	}
	return st.Prefix + s + st.Suffix
}
