package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

// toolSummaryOf returns the summary of the first set that has one (a k6
// summary), nil when none has.
func toolSummaryOf(sets []*store.AggregateSet) *sources.ToolSummary {
	for _, s := range sets {
		if s.Summary != nil {
			return s.Summary
		}
	}
	return nil
}

// summaryPage draws a tool's end-of-test summary that has no timeline (a
// k6 summary): its thresholds, each passed or failed, its checks, the
// request rows, then every metric with the values the tool wrote. Failed
// thresholds come first and are marked ✗ as well as coloured, so they
// read without colour too.
func (p *loadPane) summaryPage(f *frame, lines []string, tool *sources.ToolSummary, sets []*store.AggregateSet, inner, ih int) []string {
	failed := 0
	for _, th := range tool.Thresholds {
		if !th.OK {
			failed++
		}
	}
	errSt := f.st.Errors.Style
	switch {
	case len(tool.Thresholds) == 0:
		lines = append(lines, wrap(f.st.Muted, "thresholds: none declared"))
	case failed > 0:
		lines = append(lines, wrap(errSt, "thresholds: "+itoa(failed)+" of "+itoa(len(tool.Thresholds))+" failed"))
	default:
		lines = append(lines, wrap(f.st.Bold, "thresholds: all "+itoa(len(tool.Thresholds))+" passed"))
	}
	// The thresholds take at most a third of the page; the rest are counted.
	room := max(ih/3, 2)
	metricW := 0
	for _, th := range tool.Thresholds {
		metricW = max(metricW, ansi.StringWidth(th.Metric))
	}
	for i, th := range tool.Thresholds {
		if i == room-1 && len(tool.Thresholds) > room {
			lines = append(lines, wrap(f.st.Muted, "  … "+itoa(len(tool.Thresholds)-i)+" more thresholds"))
			break
		}
		text := "  " + padRight(th.Metric, metricW) + "  " + th.Expr
		if th.OK {
			lines = append(lines, "✓ "+text[2:])
		} else {
			lines = append(lines, wrap(errSt, "✗ "+text[2:]+"  failed"))
		}
	}
	if c := tool.Checks; c != nil {
		run := c.Passes + c.Fails
		text := "checks: " + count(run) + " run, " + count(c.Fails) + " failed"
		if run > 0 {
			text += " (" + pct(100*float64(c.Passes)/float64(run)) + " passed)"
		}
		if c.Fails > 0 {
			lines = append(lines, wrap(errSt, text))
		} else {
			lines = append(lines, text)
		}
	}
	// The request rows, then the metrics in what is left.
	if n := len(aggregateRows(sets)); n > 0 {
		lines = append(lines, "")
		lines = p.aggregateTable(f, lines, sets, inner, min(ih, len(lines)+n+1))
	}
	if len(lines)+2 > ih {
		return lines
	}
	lines = append(lines, "", wrap(f.st.Bold, "metrics as k6 wrote them"))
	nameW := 0
	for _, m := range tool.Metrics {
		nameW = max(nameW, ansi.StringWidth(m.Name))
	}
	nameW = min(nameW, max(inner/2, 20))
	for i, m := range tool.Metrics {
		if len(lines) == ih-1 && i < len(tool.Metrics)-1 {
			lines = append(lines, wrap(f.st.Muted, "  ↓ "+itoa(len(tool.Metrics)-i)+" more metrics"))
			break
		}
		var vals []string
		for _, v := range m.Values {
			vals = append(vals, v.Key+" "+summaryValue(v.Value))
		}
		kind := ""
		if m.Type != "" {
			kind = wrap(f.st.Muted, " ("+m.Type+")")
		}
		lines = append(lines, "  "+fitPlain(m.Name, 0, nameW)+"  "+strings.Join(vals, "  ")+kind)
	}
	return lines
}

// summaryValue writes a summary's number as the tool did, to six
// significant digits: counts whole, rates and times with their decimals.
func summaryValue(v float64) string {
	if v == float64(int64(v)) && v < 1e15 && v > -1e15 {
		return count(int64(v))
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// padRight left-aligns s in w cells.
func padRight(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}
