package tui

import (
	"strings"
	"time"

	"github.com/sobang/sobang/tui/chart"
)

// chartBlock renders a legend line and a chart with its y axis, filling
// lines; it returns the plot area relative to the block's top-left.
func chartBlock(f *frame, lines []string, legend string, c *chart.Chart, unit string, w int) ([]string, chartArea) {
	lines = append(lines, legend)
	axisW := chart.LabelWidth + 1
	c.Width = max(w-axisW, 1)
	f.decorate(c)
	lo, hi := c.Range()
	labels := chart.YAxis(lo, hi, c.Height, unit)
	var b strings.Builder
	c.Render(&b)
	rows := strings.Split(b.String(), "\n")
	area := chartArea{x: axisW, y: len(lines), w: c.Width, h: c.Height}
	for i := 0; i < c.Height; i++ {
		row := ""
		if i < len(rows) {
			row = rows[i]
		}
		label := ""
		if i < len(labels) {
			label = labels[i]
		}
		lines = append(lines, wrap(f.st.Muted, label+" ")+row)
	}
	return lines, area
}

// timeAxis renders the x axis under a chart: ticks at round times.
func timeAxis(f *frame, w int) string {
	axisW := chart.LabelWidth + 1
	pw := max(w-axisW, 1)
	span := f.toMS - f.fromMS
	tick := int64(1000)
	for _, t := range []int64{1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400,
		7 * 86400, 30 * 86400, 365 * 86400} {
		tick = t * 1000
		if span/tick <= int64(max(pw/10, 1)) {
			break
		}
	}
	prevCol := -1
	line := chart.XAxis(pw, 2, func(col int) string {
		t0 := f.fromMS + int64(col)*span/int64(pw)
		t1 := f.fromMS + int64(col+1)*span/int64(pw)
		k := (t1 - 1) / tick * tick
		if k < t0 || col == prevCol {
			return ""
		}
		prevCol = col
		t := time.UnixMilli(k).In(f.zone)
		switch {
		case tick >= 365*86400_000:
			return t.Format("2006")
		case tick >= 86400_000:
			return t.Format("01-02")
		case tick%60000 == 0:
			return t.Format("15:04")
		}
		return t.Format("15:04:05")
	})
	return strings.Repeat(" ", axisW) + wrap(f.st.Muted, line)
}
