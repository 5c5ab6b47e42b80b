package themes

import (
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
)

// Preview renders one line of samples of t, for "sobang themes": the log
// level words, the chart palette, the cursor, the selected window, a mark
// and the status words on the status bar, e.g.
//
//	ERROR WARN INFO DEBUG TRACE ━━━━━━━━━━━━ ┃ window ◆  LIVE PAUSED ENDED DOWN LAG
//
// The line carries true-colour SGR sequences; print it through a
// colour-profile-aware writer (lipgloss.Println, or colorprofile.Writer)
// so it is downsampled for the terminal. A NoColor theme is rendered with
// attributes only, following the convention described at [Plain].
func Preview(t Theme) string {
	base := lipgloss.NewStyle()
	if t.Background != nil {
		base = base.Background(t.Background)
	}
	fg := func(c color.Color) lipgloss.Style {
		if c == nil {
			return base
		}
		return base.Foreground(c)
	}
	space := base.Render(" ")

	var b strings.Builder
	levels := []struct {
		word  string
		style lipgloss.Style
	}{
		{"ERROR", fg(t.LevelError).Bold(true).Reverse(t.NoColor)},
		{"WARN", fg(t.LevelWarn).Bold(t.NoColor)},
		{"INFO", fg(t.LevelInfo)},
		{"DEBUG", fg(t.LevelDebug).Faint(t.NoColor)},
		{"TRACE", fg(t.LevelTrace).Faint(t.NoColor)},
	}
	for i, l := range levels {
		if i > 0 {
			b.WriteString(space)
		}
		b.WriteString(l.style.Render(l.word))
	}

	b.WriteString(space)
	for _, c := range t.Series {
		b.WriteString(fg(c).Render("━━"))
	}

	b.WriteString(space)
	b.WriteString(fg(t.Cursor).Bold(t.NoColor).Render("┃"))
	window := fg(t.Text).Underline(t.NoColor)
	if t.Window != nil {
		window = window.Background(t.Window)
	}
	b.WriteString(window.Render(" window "))
	b.WriteString(fg(t.Mark).Bold(t.NoColor).Render("◆"))
	b.WriteString(space)

	bar := lipgloss.NewStyle().Reverse(t.NoColor)
	if t.StatusBarBg != nil {
		bar = bar.Background(t.StatusBarBg)
	}
	on := func(c color.Color) lipgloss.Style {
		if c == nil {
			return bar
		}
		return bar.Foreground(c)
	}
	words := []struct {
		word  string
		style lipgloss.Style
	}{
		{" ", on(t.StatusBarFg)},
		{"LIVE", on(t.StatusLive).Bold(true)},
		{" ", on(t.StatusBarFg)},
		{"PAUSED", on(t.StatusPaused)},
		{" ", on(t.StatusBarFg)},
		{"ENDED", on(t.StatusLoadEnded)},
		{" ", on(t.StatusBarFg)},
		{"DOWN", on(t.StatusDown).Bold(true).Underline(t.NoColor)},
		{" ", on(t.StatusBarFg)},
		{"LAG", on(t.StatusWarn)},
		{" ", on(t.StatusBarFg)},
	}
	for _, w := range words {
		b.WriteString(w.style.Render(w.word))
	}
	return b.String()
}
