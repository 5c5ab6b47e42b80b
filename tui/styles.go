package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

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
	// Series is the palette of metric series: the theme's chart colours
	// without the error colour, which means errors only.
	Series []chart.Style
	// One look per statistic, the same in every pane: p50 is drawn alike
	// in the load-test and the metrics pane.
	Throughput, Threads Stat
	// Planned is what a test plan planned (its threads), drawn dashed in
	// the muted colour over what was measured.
	Planned       Stat
	P50, P95, P99 Stat
	// Errors draws failed requests in charts and legends, and nothing else
	// takes its colour; it is hatched, so it reads without colour too.
	Errors               Stat
	Cursor, Window, Mark chart.Style
	CursorRow            chart.Style // the log entry or table row at the cursor
	Selected             chart.Style // the selected table row
	StatusBar            chart.Style
	Live, Paused, Ended  chart.Style
	Down, Warn           chart.Style
	Help                 lipgloss.Style
}

// Stat is how one statistic is drawn wherever it appears.
type Stat struct {
	Style   chart.Style
	Pattern chart.Pattern
	Area    bool // drawn as an area, keyed "⣿⣿" when solid
}

// key is the statistic's legend entry: a sample of its pattern, then text.
func (s Stat) key(text string) string {
	k := s.Pattern.Key()
	if s.Area && s.Pattern == chart.Solid {
		k = "⣿⣿"
	}
	return wrap(s.Style, k+" "+text)
}

// series is a chart series of the statistic over values.
func (s Stat) series(values []float64) chart.Series {
	return chart.Series{Values: values, Style: s.Style, Pattern: s.Pattern, Fill: s.Area}
}

// NewStylesFor precomputes the styles of theme t for a terminal of colour
// profile p: 16 colours take the theme's ANSI16 form, whose muted text,
// levels and palette are chosen by role rather than downsampled.
func NewStylesFor(t themes.Theme, p colorprofile.Profile) *Styles {
	if p == colorprofile.ANSI {
		t = t.ANSI16()
	}
	return NewStyles(t)
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
		c := t.SeriesColor(i)
		if c != nil && t.LevelError != nil && sameColour(c, t.LevelError) {
			continue // the error colour means errors only
		}
		st.Series = append(st.Series, chart.StyleOf(fg(c)))
	}
	for len(st.Series) < 5 { // a palette of errors alone: keep indexing safe
		st.Series = append(st.Series, st.Text)
	}
	st.Throughput = Stat{Style: st.Series[0], Area: true}
	st.P50 = Stat{Style: st.Series[1]}
	st.P95 = Stat{Style: st.Series[2], Pattern: chart.Dotted}
	st.P99 = Stat{Style: st.Series[3], Pattern: chart.Dashed}
	st.Threads = Stat{Style: st.Series[4]}
	st.Planned = Stat{Style: st.Muted, Pattern: chart.Dashed}
	// Not the ERROR level's style: under NO_COLOR that is reverse video, a
	// bar heavier than anything else on screen; the hatching carries it.
	st.Errors = Stat{Style: chart.StyleOf(fg(t.LevelError)), Pattern: chart.Hatched, Area: true}
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

// sameColour reports whether two colours are the same RGBA.
func sameColour(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// seriesPattern is the pattern of the i-th series of a metric chart, so
// that series differ without colour.
func seriesPattern(i int) chart.Pattern {
	return [...]chart.Pattern{chart.Solid, chart.Dotted, chart.Dashed, chart.Sparse}[i%4]
}

// wrap returns s between the style's prefix and suffix ("" stays "").
func wrap(st chart.Style, s string) string {
	if s == "" || st.Prefix == "" {
		return s
	}
	return st.Prefix + s + st.Suffix
}
