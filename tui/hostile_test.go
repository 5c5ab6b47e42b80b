package tui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
)

// hostileLabels are load-test labels as a tested system can write them
// (XML &#27;, k6's \u001b and a quoted CSV field carry any byte): each would
// act on the terminal if it reached it.
var hostileLabels = []string{
	"\x1b]2;PWNED\x07title",
	"\x1b]52;c;cHduZWQ=\x07clipboard",
	"\x1b[2J\x1b[6nclear",
	"\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\",
	"\x1b[1;31mstyled\x1b[0m",
	"bidi\u202eevil\u2066x\u200bzero",
	"c1\u009b6n\u0085",
	"multi\nline\rcr\ttab",
}

// hostileStore is a store fed what the sources hand over from hostile
// inputs. Sample text comes as the load-test parsers make it, cleaned once
// per distinct value (sanitize.Value); source names, metric names and
// label sets, warnings, bad rows and health come as written, holding
// escape sequences, controls, bidi and zero-width characters and a URL
// with a password, for the store to clean.
func hostileStore() *store.Store {
	v := sanitize.Value
	st := store.New([]sources.Info{
		{Name: "/runs/\x1b]2;PWNED\x07evil\u202e.jtl", Kind: sources.KindJTL},
		{Name: "http://user:secret@127.0.0.1:9/metrics", Kind: sources.KindScrape},
		{Name: "/runs/app\x1b[2J\n.log", Kind: sources.KindLog},
		{Name: "/runs/second\x1b]52;c;AA\x07.jtl", Kind: sources.KindJTL},
	})
	for sec := 0; sec < runSeconds; sec++ {
		var samples []sources.Sample
		for i, l := range hostileLabels {
			smp := sources.Sample{
				StartMS:   t0.Add(time.Duration(sec)*time.Second + time.Duration(i*50)*time.Millisecond).UnixMilli(),
				ElapsedMS: int32(20 + i*10), Label: v(l), Code: "200", Message: "OK", Success: true,
				AllThreads: 5, GrpThreads: -1, LatencyMS: -1, ConnectMS: -1,
				Thread: v("\x1b]2;thread\x07 1-1"), URL: v("http://user:secret@shop.example/\x1b[6n" + string(rune('a'+i))),
			}
			if i%2 == 0 {
				smp.Success, smp.Code, smp.Message = false, v("\x1b[6n500"), v("\x1b]2;msg\x07Oops\u202e|<b>")
				smp.Failure = v("\x1b]52;c;AA\x07assertion\nfailed")
			}
			samples = append(samples, smp)
		}
		st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples)})
		st.Apply(sources.Batch{Source: 1, Rows: 1, Scrapes: []sources.Scrape{{
			Time: t0.Add(time.Duration(sec) * time.Second), Up: true,
			Samples: []sources.MetricSample{
				{Name: "pool\x1b]2;name\x07_active", Labels: `pool="\x1b]2;PWNED` + "\x07" + `",uri="/\u202e` + "\x1b[2J\t" + `"`, Type: sources.MetricGauge, Value: float64(sec % 7)},
				{Name: "pool_pending", Labels: `pool="a` + "\n" + `b",uri="\u009b6n"`, Type: sources.MetricGauge, Value: float64(sec % 3)},
			},
		}}})
	}
	bad := sources.Health{State: sources.StateDown, Err: "Get \"http://user:secret@127.0.0.1:9/metrics\": \x1b]2;x\x07refused", Since: t0, Format: "\x1b[2Jformat"}
	st.Apply(sources.Batch{Source: 1, Health: &bad})
	for _, i := range []int{0, 2, 3} {
		h := sources.Health{State: sources.StateFollowing, Detail: "following\x1b[6n", Since: t0}
		st.Apply(sources.Batch{Source: i, CaughtUp: true, Health: &h,
			Warnings: []string{"\x1b]2;PWNED\x07warning\u202e"},
			BadRows:  1, Bad: []sources.BadRow{{Line: 3, Reason: "\x1b[2Jbad\x07row"}}})
	}
	return st
}

// ownSGR matches the only escape sequences the dashboard writes: SGR.
var ownSGR = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// checkTerminalSafe fails when frame holds anything a terminal would act
// on other than our own SGR styles and line ends, or a line that is not
// exactly w cells wide (a border pushed out of place).
func checkTerminalSafe(t *testing.T, what, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Errorf("%s: %d lines, want %d", what, len(lines), h)
	}
	for i, l := range lines {
		rest := ownSGR.ReplaceAllString(l, "")
		if !sanitize.Safe(rest) {
			t.Errorf("%s: line %d holds a control, escape, bidi or zero-width character: %q", what, i, rest)
		}
		if strings.Contains(rest, "secret") {
			t.Errorf("%s: line %d shows a password: %q", what, i, plain(l))
		}
		if n := sanitize.Width([]byte(rest)); n != w {
			t.Errorf("%s: line %d is %d cells wide, want %d: %q", what, i, n, w, rest)
		}
	}
}

func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	theme, err := themes.Load("dark", "")
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add((runSeconds + 5) * time.Second)
	for _, size := range []struct{ w, h int }{{80, 24}, {200, 60}} {
		m := New(Options{Store: hostileStore(), Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(now)})
		m.Update(sizeMsg(size.w, size.h))
		m.ingest()
		m.tl.SetCursor(t0.Add(70*time.Second).UnixMilli(), now.UnixMilli())
		name := sizeName(size.w, size.h)
		checkTerminalSafe(t, name+" all panes", m.Render(), size.w, size.h)
		for i, p := range m.panes {
			m.focus, m.zoomed, m.dirty = i, true, true
			checkTerminalSafe(t, name+" "+p.title(), m.Render(), size.w, size.h)
			press(m, "enter")
			checkTerminalSafe(t, name+" "+p.title()+" opened", m.Render(), size.w, size.h)
			press(m, "esc")
		}
		m.zoomed = false
		press(m, "1")
		for range hostileLabels {
			press(m, "enter")
			checkTerminalSafe(t, name+" drill-down", m.Render(), size.w, size.h)
			press(m, "esc", "j")
		}
		press(m, "?")
		checkTerminalSafe(t, name+" help", m.Render(), size.w, size.h)
	}
}
