package themes

import (
	"image/color"
	"math"

	"github.com/charmbracelet/x/ansi"
)

// ANSI16 returns the theme for a terminal of 16 colours. Downsampling each
// colour to its nearest ANSI colour, as a terminal library does, turns a
// grey-blue muted text into ANSI blue (about 2.2:1 on black) and both an
// orange WARN and a pink ERROR into the same red; so the roles whose
// nearest colour fails are given one chosen by role instead:
//
//   - muted text, debug and trace: bright black on a dark theme (about 5:1
//     on black), black on a light one;
//   - ERROR bright red (red on a light theme), WARN yellow, always apart;
//   - the chart palette: its colours as downsampled, without the error
//     colour and without repeats, completed from a fixed set of ANSI
//     colours so that it still holds MinSeries;
//   - text the terminal's own foreground (unless the theme paints its own
//     background), and any other foreground that would be unreadable or
//     red one of its kind (an accent, bright white, green, yellow);
//   - on a dark theme the selected window blue, and the status bar's text
//     black or bright white against its bar.
//
// Every other colour is downsampled to its nearest ANSI colour. The Plain
// theme is returned unchanged.
func (t Theme) ANSI16() Theme {
	if t.NoColor {
		return t
	}
	conv := func(c color.Color) color.Color {
		if c == nil {
			return nil
		}
		return ansi.Convert16(c)
	}
	out := t
	for _, ck := range colourKeys {
		f := ck.field(&out)
		*f = conv(*f)
	}
	dark := t.isDark()
	muted, errC, warnC := ansi.BrightBlack, ansi.BrightRed, ansi.BrightYellow
	spare := []ansi.BasicColor{ansi.BrightBlue, ansi.BrightYellow, ansi.BrightGreen, ansi.BrightMagenta, ansi.BrightCyan, ansi.White}
	if !dark {
		muted, errC, warnC = ansi.Black, ansi.Red, ansi.Magenta
		spare = []ansi.BasicColor{ansi.Blue, ansi.Green, ansi.Magenta, ansi.Cyan, ansi.BrightBlue, ansi.BrightMagenta}
	}
	out.Muted, out.LevelDebug, out.LevelTrace = muted, muted, muted
	out.LevelError, out.LevelWarn = errC, warnC
	// Foregrounds whose nearest colour is unreadable on the theme's
	// background take a readable one of their kind.
	accent, bright, green := ansi.BrightCyan, ansi.BrightWhite, ansi.BrightGreen
	if !dark {
		accent, bright, green = ansi.Blue, ansi.Black, ansi.Green
	}
	fix := func(c *color.Color, fallback ansi.BasicColor) {
		if *c != nil && (!readable(*c, dark) || isRed(*c)) {
			*c = fallback
		}
	}
	if t.Background == nil {
		out.Text = nil // the terminal's own foreground suits its own background
	} else {
		fix(&out.Text, bright)
	}
	fix(&out.Border, ansi.BrightBlack)
	fix(&out.Title, muted)
	fix(&out.BorderFocused, accent)
	fix(&out.TitleFocused, accent)
	fix(&out.LevelInfo, accent)
	fix(&out.Cursor, bright)
	fix(&out.Mark, ansi.BrightMagenta)
	fix(&out.StatusLive, green)
	fix(&out.StatusPaused, warnC)
	fix(&out.StatusLoadEnded, accent)
	fix(&out.StatusWarn, warnC)
	if out.StatusDown != nil {
		out.StatusDown = errC
	}
	if dark {
		// The selected window and the cursor row are a background under
		// bright text: blue, not the nearest light cyan.
		if out.Window != nil {
			out.Window = ansi.Blue
		}
		if out.StatusBarBg != nil && isLight(out.StatusBarBg) {
			out.StatusBarBg = ansi.Blue
		}
	}
	// The status bar's text must stand out from the bar.
	if out.StatusBarBg != nil {
		if isLight(out.StatusBarBg) {
			out.StatusBarFg = ansi.Black
		} else {
			out.StatusBarFg = ansi.BrightWhite
		}
	}

	out.Series = nil
	seen := map[color.Color]bool{errC: true, ansi.Red: true, ansi.BrightRed: true, muted: true}
	add := func(c color.Color) {
		if c != nil && !seen[c] && readable(c, dark) {
			seen[c] = true
			out.Series = append(out.Series, c)
		}
	}
	for _, c := range t.Series {
		add(conv(c))
	}
	for _, c := range spare {
		if len(out.Series) >= MinSeries {
			break
		}
		add(c)
	}
	return out
}

// isDark reports whether the theme is for a dark background, judged by its
// text: light text is meant for a dark background.
func (t Theme) isDark() bool {
	if t.Text == nil {
		return true
	}
	return luminance(t.Text) > 0.4
}

// readable reports whether an ANSI colour keeps text legible on the
// background the theme is for: the dark blues, reds and black on a dark
// terminal, the whites and yellows on a light one, are not.
func readable(c color.Color, dark bool) bool {
	b, ok := c.(ansi.BasicColor)
	if !ok {
		return true
	}
	if dark {
		return b != ansi.Black && b != ansi.Blue && b != ansi.Red && b != ansi.Magenta
	}
	return b != ansi.White && b != ansi.BrightWhite && b != ansi.BrightYellow && b != ansi.Yellow && b != ansi.BrightCyan
}

// isRed reports whether c is one of the two ANSI reds, which mean errors.
func isRed(c color.Color) bool { return c == ansi.Red || c == ansi.BrightRed }

// isLight reports whether an ANSI background is light: dark text goes on it.
func isLight(c color.Color) bool {
	switch c {
	case ansi.White, ansi.BrightWhite, ansi.BrightYellow, ansi.BrightCyan, ansi.BrightGreen, ansi.Yellow, ansi.Cyan, ansi.BrightBlack:
		return true
	}
	return false
}

// luminance is the relative luminance of c (0 black, 1 white), WCAG's.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
