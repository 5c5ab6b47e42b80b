package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

// The time axis fits one group of sources: the load test when there is one
// (else the first source with data), or the focused pane's after o. Other
// sources share the axis when their data overlaps it; a pane whose data
// lies elsewhere (a 2016 log beside a 2021 results file) says where, and
// that o fits the axis to it, instead of stretching the axis over years.

// axisGroup is the group of sources the axis fits.
func (m *Model) axisGroup() sources.Kind {
	if m.fit != "" {
		return m.fit
	}
	if _, _, ok := m.store.Span(sources.KindLoadTest); ok {
		return sources.KindLoadTest
	}
	for _, src := range m.store.Sources {
		if src.HasData() {
			return src.Info.Kind.Group()
		}
	}
	return sources.KindLoadTest
}

// axisRange is the data range the axis fits: the axis group's, widened by
// every other source whose data overlaps it (or nearly: less than the gap
// that raises the clock warning); all the data while the group has none.
func (m *Model) axisRange() (firstMS, lastMS int64, ok bool) {
	g := m.axisGroup()
	firstMS, lastMS, ok = m.store.Span(g)
	if !ok {
		return m.store.DataRange()
	}
	slack := clockGapWarn.Milliseconds()
	for _, src := range m.store.Sources {
		if !src.HasData() || src.Info.Kind.Group() == g.Group() {
			continue
		}
		if src.FirstMS <= lastMS+slack && src.LastMS >= firstMS-slack {
			firstMS, lastMS = min(firstMS, src.FirstMS), max(lastMS, src.LastMS)
		}
	}
	return firstMS, lastMS, true
}

// elsewhere returns the span of the data of pane p's sources that lies
// off the axis (axisRange), ok false when all of it is on it.
func (m *Model) elsewhere(p pane) (firstMS, lastMS int64, ok bool) {
	af, al, aok := m.axisRange()
	if !aok {
		return 0, 0, false
	}
	// The pane's sources whose data lies off the axis.
	return m.store.SpanOf(func(src *store.Source) bool {
		return src.Info.Kind.Group() == p.kind().Group() && (src.FirstMS > al || src.LastMS < af)
	})
}

// fitPane handles o: the axis fits the focused pane's data, paused on the
// whole of it with the cursor at its end. A pane without data changes
// nothing.
func (m *Model) fitPane(nowMS int64) {
	g := m.panes[m.focus].kind().Group()
	if _, _, ok := m.store.Span(g); !ok {
		return
	}
	m.fit = g
	m.userMoved = true
	m.syncData()
	m.tl.OpenPast()
}

// toEnd handles G: back to live in a session that was live, else the
// cursor on the data's last second.
func (m *Model) toEnd(nowMS int64) {
	if m.everLive || (!m.decided && !m.loading) {
		m.tl.OpenLive()
		m.logs.followCursor()
		return
	}
	m.userMoved = true
	if _, last, ok := m.axisRange(); ok {
		m.tl.SetCursor(last, nowMS)
	}
}

// dataSpan says where data lies, as dates and times (the date once when
// both ends share it).
func (m *Model) dataSpan(firstMS, lastMS int64) string {
	a, b := time.UnixMilli(firstMS).In(m.zone), time.UnixMilli(lastMS).In(m.zone)
	const day, clock = "2006-01-02 ", "15:04:05"
	if a.Format(day) == b.Format(day) {
		return a.Format(day+clock) + "–" + b.Format(clock)
	}
	return a.Format(day+clock) + " – " + b.Format(day+clock)
}

// footer is what the root draws on a pane's last inner line: how far its
// files are read while they are, else where its data lies when that is off
// the axis; "" for nothing.
func (m *Model) footer(p pane, nowMS int64, w int) string {
	if bar := m.progressBar(p, nowMS, w); bar != "" {
		return bar
	}
	if first, last, ok := m.elsewhere(p); ok {
		// The longest wording that fits, never cut before its advice.
		span := m.dataSpan(first, last)
		for _, where := range []string{"its data is at " + span + ", off this axis", "data at " + span, "data off this axis"} {
			if ansi.StringWidth(where+footAdvice) <= w || where == "data off this axis" {
				return wrap(m.st.Warn, where) + wrap(m.st.Muted, footAdvice)
			}
		}
	}
	return ""
}

// footAdvice ends the footer of a pane whose data is off the axis.
const footAdvice = " · o fits the axis to it"

// progressBar is the line of a pane whose sources are reading their files:
// bytes read of the total, a bar, the rate and the time left; "" when none
// is reading.
func (m *Model) progressBar(p pane, nowMS int64, w int) string {
	var read, size int64
	var since time.Time
	var names []string
	for _, src := range m.store.Sources {
		if src.Info.Kind.Group() != p.kind().Group() || src.Health.State != sources.StateReading || src.Progress.Size <= 0 {
			continue
		}
		read += src.Progress.Read
		size += src.Progress.Size
		if since.IsZero() || src.Health.Since.Before(since) {
			since = src.Health.Since
		}
		names = append(names, baseName(src.Name))
	}
	if size == 0 {
		return ""
	}
	frac := sources.Progress{Read: read, Size: size}.Fraction()
	text := "reading " + strings.Join(names, ", ") + " "
	tail := " " + bytesText(read) + " of " + bytesText(size)
	if secs := float64(nowMS-since.UnixMilli()) / 1000; secs >= 0.5 && read > 0 {
		perSec := float64(read) / secs
		left := time.Duration(float64(size-read) / perSec * float64(time.Second)).Round(time.Second)
		tail += " · " + bytesText(int64(perSec)) + "/s · " + left.String() + " left"
	}
	barW := max(w-len([]rune(text))-len([]rune(tail))-2, 10)
	full := int(frac * float64(barW))
	bar := "▕" + strings.Repeat("█", full) + strings.Repeat("░", barW-full) + "▏"
	return wrap(m.st.Muted, text) + wrap(m.st.Live, bar) + wrap(m.st.Muted, tail)
}

// bytesText is a byte count for people: 512 B, 3.4 MB, 1.2 GB.
func bytesText(n int64) string {
	switch {
	case n >= 1e9:
		return strconvFloat(float64(n)/1e9) + " GB"
	case n >= 1e6:
		return strconvFloat(float64(n)/1e6) + " MB"
	case n >= 1e3:
		return strconvFloat(float64(n)/1e3) + " kB"
	}
	return itoa(int(n)) + " B"
}

// strconvFloat writes v with one decimal below 10 and none above.
func strconvFloat(v float64) string {
	if v < 10 {
		return num1(v)
	}
	return itoa(int(v + 0.5))
}

func num1(v float64) string {
	t := int(v*10 + 0.5)
	return itoa(t/10) + "." + itoa(t%10)
}

// boxLine is one inner line of a pane w cells wide, with its borders.
func boxLine(st *Styles, content string, w int, focused bool) string {
	border := st.Border
	if focused {
		border = st.BorderFocused
	}
	return border.Prefix + "│" + border.Suffix + fit(content, max(w-2, 0)) + border.Prefix + "│" + border.Suffix
}
