package tui

import (
	"strings"
	"time"

	"github.com/sobang/sobang/sources/store"
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

// stripBlock renders a one-row chart with a name instead of a y axis, such
// as the error strip under the throughput chart; its scale is the chart's
// own Min and Max.
func stripBlock(f *frame, lines []string, c *chart.Chart, name string, w int) ([]string, chartArea) {
	axisW := chart.LabelWidth + 1
	c.Width = max(w-axisW, 1)
	c.Height = 1
	f.decorate(c)
	var b strings.Builder
	c.Render(&b)
	area := chartArea{x: axisW, y: len(lines), w: c.Width, h: 1}
	label := strings.Repeat(" ", max(chart.LabelWidth-len(name), 0)) + name
	return append(lines, wrap(f.st.Muted, label+" ")+b.String()), area
}

// onsetCache keeps a load test's error onsets between renders: finding
// them walks every second of the run, so it is done once per change of the
// data, not once per frame.
type onsetCache struct {
	lt      *store.LoadTest
	version uint64
	onsets  []int64
	valid   bool
}

// get returns the error onsets of lt (store.LoadTest.ErrorOnsets).
func (c *onsetCache) get(lt *store.LoadTest) []int64 {
	if !c.valid || c.lt != lt || c.version != lt.Version {
		c.lt, c.version, c.valid = lt, lt.Version, true
		c.onsets = lt.ErrorOnsets()
	}
	return c.onsets
}

// onsetRune marks an error onset on a time axis, eventRune an event (a
// deploy, a restart, a rare new log template: change.Events), bandRune an
// incident's span (sources/analysis/incident) where the axis has no label.
const (
	onsetRune = '✕'
	eventRune = '◆'
	bandRune  = '━'
)

// timeAxis renders the x axis under a chart group, w cells wide with the
// y-axis column: clock times at round instants, a ✕ in the error colour at
// each error onset (see store.LoadTest.ErrorOnsets) and a ◆ at each event,
// which tick labels make way for, and each incident's span as a band of ━
// in the error colour between the labels.
func timeAxis(f *frame, w int, onsets []int64) string {
	axisW := chart.LabelWidth + 1
	pw := max(w-axisW, 1)
	span := max(f.toMS-f.fromMS, 1)
	tick := int64(1000)
	for _, t := range []int64{1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400,
		7 * 86400, 30 * 86400, 365 * 86400} {
		tick = t * 1000
		if span/tick <= int64(max(pw/10, 1)) {
			break
		}
	}
	marked := make([]bool, pw)
	marks := make([]rune, pw)
	for _, list := range []struct {
		at []int64
		r  rune
	}{{f.events, eventRune}, {onsets, onsetRune}} {
		for _, ms := range list.at {
			if ms >= f.fromMS && ms < f.toMS {
				if x := f.col(ms, pw); x >= 0 && x < pw {
					marked[x], marks[x] = true, list.r
				}
			}
		}
	}
	free := func(from, n int) bool {
		for x := max(from-1, 0); x <= from+n && x < pw; x++ {
			if marked[x] {
				return false
			}
		}
		return true
	}
	prevCol := -1
	line := chart.XAxis(pw, 2, func(col int) string {
		t0 := f.fromMS + int64(col)*span/int64(pw)
		t1 := f.fromMS + int64(col+1)*span/int64(pw)
		k := (t1 - 1) / tick * tick
		if k < t0 || col == prevCol {
			return ""
		}
		t := time.UnixMilli(k).In(f.zone)
		var text string
		switch {
		case tick >= 365*86400_000:
			text = t.Format("2006")
		case tick >= 86400_000:
			text = t.Format("01-02")
		case tick%60000 == 0:
			text = t.Format("15:04")
		default:
			text = t.Format("15:04:05")
		}
		if !free(col, len(text)) {
			return ""
		}
		prevCol = col
		return text
	})
	// The incidents' spans fill the blanks of their columns with a band.
	run := []rune(line)
	for _, in := range f.incidents {
		if in[1] <= f.fromMS || in[0] >= f.toMS {
			continue
		}
		a, z := f.col(max(in[0], f.fromMS), pw), f.col(min(in[1], f.toMS)-1, pw)
		for x := max(a, 0); x <= z && x < pw && x < len(run); x++ {
			if run[x] == ' ' && !marked[x] {
				marked[x], marks[x] = true, bandRune
			}
		}
	}
	// Write the markers over the blanks the labels left for them.
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", axisW))
	start := 0
	for x := 0; x < len(run) && x < pw; x++ {
		if !marked[x] {
			continue
		}
		b.WriteString(wrap(f.st.Muted, string(run[start:x])))
		end := x + 1
		for end < len(run) && end < pw && marked[end] && marks[end] == marks[x] {
			end++
		}
		text := strings.Repeat(string(marks[x]), end-x)
		switch marks[x] {
		case eventRune:
			b.WriteString(wrap(f.st.Bold, text))
		default:
			b.WriteString(wrap(f.st.Errors.Style, text))
		}
		start = end
		x = end - 1
	}
	b.WriteString(wrap(f.st.Muted, string(run[min(start, len(run)):])))
	return b.String()
}
