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
//     colours so that it still holds MinSeries.
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
	if out.Title == out.Border || !readable(out.Title, dark) {
		out.Title = muted
	}
	out.LevelError, out.LevelWarn = errC, warnC
	if out.StatusDown != nil {
		out.StatusDown = errC
	}
	if out.StatusWarn != nil && out.StatusWarn == out.StatusDown {
		out.StatusWarn = warnC
	}
	if out.Mark == errC || out.Mark == ansi.Red {
		out.Mark = ansi.BrightMagenta
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
