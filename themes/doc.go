// Package themes owns sobang's colour themes: the built-in theme files
// embedded from builtin/*.toml, the user's theme files under
// [UserDir], and the loader that turns either into a [Theme] of
// image/color values.
//
// A theme is data, not styling: this package hands out colours (and the
// [Plain] theme for NO_COLOR) and leaves building lipgloss styles to the
// views in tui/, which build them once per theme. [Preview] is the one
// place that renders, for the "sobang themes" listing.
//
// It must not touch the terminal, the UI or the environment on its own:
// it imports no Bubble Tea, [Load] never reads NO_COLOR (the caller asks
// [NoColorRequested] and decides), and nothing here writes files.
//
// Flow of a load:
//
//	Load(name, userDir)
//	  -> userDir/name.toml if it exists, else builtin/name.toml
//	  -> decode TOML, check every key and colour (errors name file:line)
//	  -> inherit = "base"? resolve base first, then override its keys
//	  -> Theme
//
// Colour is never the only carrier of meaning in sobang: log levels and
// status words are always spelled out, and the [Plain] theme shows how
// views tell things apart with attributes alone.
package themes
