package tui

import (
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

func itoa(n int) string { return strconv.Itoa(n) }

// count formats a non-negative integer with thousands separators.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 1000 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre == 0 {
		pre = 3
	}
	b.WriteString(s[:pre])
	for i := pre; i < len(s); i += 3 {
		b.WriteByte(',')
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// ms formats milliseconds compactly: 12ms, 950ms, 1.2s, 2.5m.
func ms(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v < 1000:
		return strconv.FormatFloat(v, 'f', 0, 64) + "ms"
	case v < 60_000:
		return strconv.FormatFloat(v/1000, 'f', 1, 64) + "s"
	default:
		return strconv.FormatFloat(v/60_000, 'f', 1, 64) + "m"
	}
}

// pct formats a percentage with one decimal.
func pct(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + "%"
}

// cellPct formats a percentage for a table cell six wide: 100% loses its
// decimal, which would otherwise fill the cell and run into its neighbour.
func cellPct(v float64) string {
	if v >= 99.95 {
		return "100%"
	}
	return pct(v)
}

// rate formats a per-second rate.
func rate(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	default:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
}

// padLeft right-aligns s in w cells.
func padLeft(s string, w int) string {
	n := len(s)
	if !isASCII(s) {
		n = ansi.StringWidth(s)
	}
	if n >= w {
		return s
	}
	return strings.Repeat(" ", w-n) + s
}
