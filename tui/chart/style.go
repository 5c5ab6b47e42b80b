package chart

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// styleProbe is a private-use rune that no SGR sequence contains, rendered
// through a lipgloss style to find where its prefix ends and suffix begins.
const styleProbe = "\uE000"

// StyleOf precomputes the SGR prefix and suffix of a lipgloss style's text
// attributes (colours, bold, faint, underline...), once per theme. Layout
// properties (padding, margins, borders, width) make no sense around a run
// of chart cells; a style that uses them gives the zero Style.
func StyleOf(s lipgloss.Style) Style {
	out := s.Render(styleProbe)
	i := strings.Index(out, styleProbe)
	if i < 0 || strings.Contains(out[i+len(styleProbe):], styleProbe) {
		return Style{}
	}
	st := Style{Prefix: out[:i], Suffix: out[i+len(styleProbe):]}
	if strings.ContainsAny(st.Prefix+st.Suffix, " \n") {
		return Style{} // padding, margins or borders were rendered
	}
	return st
}
