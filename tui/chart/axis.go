package chart

import (
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// YAxis returns height y-axis labels for a chart whose range is [lo, hi]
// (see Chart.Range), each exactly LabelWidth cells and right-aligned: the
// multiples of the round step NiceScale picks for the height, each on the
// row where Render draws its value, hi on the top row and lo on the bottom
// one, blanks elsewhere. It returns nil when height < 1.
func YAxis(lo, hi float64, height int, unit string) []string {
	if height < 1 || height > maxSide {
		return nil
	}
	blank := strings.Repeat(" ", LabelWidth)
	labels := make([]string, height)
	for i := range labels {
		labels[i] = blank
	}
	labels[0] = padLeft(FormatValue(hi, unit))
	if height == 1 || !(lo < hi) || !isFinite(hi-lo) {
		if height > 1 {
			labels[height-1] = padLeft(FormatValue(lo, unit))
		}
		return labels
	}
	_, _, step := NiceScale(lo, hi, Intervals(height))
	rows := float64(dotRowsPerCell*height - 1)
	first := math.Ceil(lo/step - 1e-9)
	for k := first; k*step <= hi*(1+1e-9)+1e-300 && k-first <= 64; k++ {
		v := k * step
		if math.Abs(v) < step*1e-9 {
			v = 0 // -0 and rounding noise
		}
		// The dot row of v, counted from the top, then its cell row.
		r := int(math.Round(rows - (v-lo)/(hi-lo)*rows))
		row := min(max(r/dotRowsPerCell, 0), height-1)
		if row == 0 && v < hi-step/2 {
			continue // the top row shows hi
		}
		labels[row] = padLeft(FormatValue(v, unit))
	}
	return labels
}

// padLeft right-aligns a FormatValue label in LabelWidth cells.
func padLeft(s string) string {
	if n := LabelWidth - ansi.StringWidth(s); n > 0 {
		return strings.Repeat(" ", n) + s
	}
	return s
}

// XAxis returns a time-axis line of exactly width cells. Walking left to
// right, it asks label(col) for the text of a tick starting at col; a
// non-empty label that fits is written there and the next gap (at least 1)
// cells after it are skipped, so label can answer "" except at round times
// and the labels never collide. It returns "" when width < 1.
func XAxis(width, gap int, label func(col int) string) string {
	if width < 1 || width > maxSide {
		return ""
	}
	gap = max(gap, 1)
	var b strings.Builder
	b.Grow(width)
	at := 0 // cells written so far
	for col := 0; col < width; col++ {
		text := label(col)
		n := ansi.StringWidth(text)
		if n == 0 || col+n > width {
			continue
		}
		b.WriteString(strings.Repeat(" ", col-at))
		b.WriteString(text)
		at = col + n
		col = at + gap - 1
	}
	b.WriteString(strings.Repeat(" ", width-at))
	return b.String()
}
