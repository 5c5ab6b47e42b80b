package themes

import (
	"image/color"
	"os"
	"path/filepath"
)

// Default is the name of the theme used when the user names none.
const Default = "dark"

// MinSeries is the fewest colours a theme's chart palette may have.
const MinSeries = 6

// Theme is a resolved set of colours for every part of the dashboard.
//
// A nil colour means "the terminal's default" (SGR 39/49); only Background
// is nil in the built-in colour themes, and every colour is nil in [Plain].
type Theme struct {
	// Name is the name the theme is selected by, e.g. "dark".
	Name string
	// Description is one human sentence about the theme.
	Description string
	// Source is "built-in" or the path of the user's theme file.
	Source string

	// Border colours the borders of panes that do not have focus.
	Border color.Color
	// BorderFocused colours the border of the pane with focus.
	BorderFocused color.Color
	// Title colours pane titles of panes that do not have focus.
	Title color.Color
	// TitleFocused colours the title of the pane with focus.
	TitleFocused color.Color
	// Text colours ordinary text: log lines, table cells, values.
	Text color.Color
	// Muted colours secondary text: axes, timestamps, hints, help.
	Muted color.Color
	// Background fills panes; nil leaves the terminal's background.
	Background color.Color

	// LevelError colours ERROR and FATAL log levels.
	LevelError color.Color
	// LevelWarn colours WARN log levels.
	LevelWarn color.Color
	// LevelInfo colours INFO log levels.
	LevelInfo color.Color
	// LevelDebug colours DEBUG log levels.
	LevelDebug color.Color
	// LevelTrace colours TRACE log levels.
	LevelTrace color.Color

	// Series is the chart palette, at least [MinSeries] colours, used in
	// order; see [Theme.SeriesColor].
	Series []color.Color
	// Cursor colours the cursor: the instant line in charts and the marker
	// of the cursor row in tables and logs.
	Cursor color.Color
	// Window is the background of the selected time window.
	Window color.Color
	// Mark colours marks placed on the time axis.
	Mark color.Color

	// StatusBarFg is the foreground of the status bar.
	StatusBarFg color.Color
	// StatusBarBg is the background of the status bar.
	StatusBarBg color.Color
	// StatusLive colours the "live" status word (following new data).
	StatusLive color.Color
	// StatusPaused colours the "paused" status word.
	StatusPaused color.Color
	// StatusLoadEnded colours the "load ended" status word.
	StatusLoadEnded color.Color
	// StatusDown colours a source that is down or failed.
	StatusDown color.Color
	// StatusWarn colours a source that is lagging or retrying.
	StatusWarn color.Color

	// NoColor is true for [Plain]: views must then carry every distinction
	// with attributes (see [Plain]) because all colours are nil.
	NoColor bool
}

// SeriesColor returns the palette colour for the i-th series, cycling
// through the palette; it is safe for any i and any palette length.
func (t Theme) SeriesColor(i int) color.Color {
	if len(t.Series) == 0 {
		return nil
	}
	i %= len(t.Series)
	if i < 0 {
		i += len(t.Series)
	}
	return t.Series[i]
}

// Plain returns the theme without any colour, for NO_COLOR and for
// terminals that cannot show colour.
//
// Every colour is nil (Series holds [MinSeries] nils, so indexing it stays
// safe) and NoColor is true. Views then rely on attributes, by this
// convention, which [Preview] follows too:
//
//   - focused pane: bold border and bold, underlined title;
//   - cursor: reverse; selected window: underline; marks: bold;
//   - ERROR: bold and reverse; WARN: bold; INFO: normal; DEBUG and
//     TRACE: faint;
//   - status bar: reverse; "live" bold, "down" bold and underlined.
//
// Level and status words are always written out, so nothing depends on
// colour alone.
func Plain() Theme {
	return Theme{
		Name:        "plain",
		Description: "No colour at all: bold, reverse and underline only (NO_COLOR).",
		Source:      "built-in",
		Series:      make([]color.Color, MinSeries),
		NoColor:     true,
	}
}

// NoColorRequested reports whether the NO_COLOR environment variable is
// set to a non-empty value, which per https://no-color.org asks for no
// colour; the caller then uses [Plain].
func NoColorRequested() bool {
	return os.Getenv("NO_COLOR") != ""
}

// UserDir returns the directory user themes are read from,
// os.UserConfigDir()/sobang/themes (on Linux $XDG_CONFIG_HOME/sobang/themes
// or ~/.config/sobang/themes), or "" when no config directory is known.
func UserDir() string {
	dir, err := os.UserConfigDir()
	if err != nil || dir == "" {
		return ""
	}
	return filepath.Join(dir, "sobang", "themes")
}
