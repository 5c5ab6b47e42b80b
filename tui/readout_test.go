package tui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
)

// TestReadoutAtCursor puts the cursor in the fixture's incident and reads
// the line above the status line: each pane's first figure at that second.
func TestReadoutAtCursor(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 200, 60)
	m.tl.SetCursor(t0.Add((incidentFrom+10)*time.Second).UnixMilli(), m.nowMS())
	m.dirty = true
	lines := strings.Split(plain(m.Render()), "\n")
	if len(lines) != 60 {
		t.Fatalf("%d lines, want 60", len(lines))
	}
	readout, status := lines[58], lines[59]
	// 20 requests a second in the fixture, every third one failing (7 of 20).
	for _, want := range []string{"at 12:31:10", "requests 20.0/s", "errors 35.0%", "p95 ", "http_server_requests_seconds p99", "logs "} {
		if !strings.Contains(readout, want) {
			t.Errorf("readout lacks %q: %q", want, readout)
		}
	}
	// The status line reads in order: cursor time, mode, offset, range.
	if !strings.HasPrefix(strings.TrimSpace(status), "12:31:10 PAUSED +1m10s  range ") {
		t.Errorf("status line order: %q", status)
	}
	// Before the incident nothing fails.
	m.tl.SetCursor(t0.Add(10*time.Second).UnixMilli(), m.nowMS())
	m.dirty = true
	lines = strings.Split(plain(m.Render()), "\n")
	if r := lines[58]; !strings.Contains(r, "errors 0.0%") || !strings.Contains(r, "logs no errors") {
		t.Errorf("a clean second: %q", r)
	}
	if s := lines[59]; !strings.Contains(s, "PAUSED +10s ") {
		t.Errorf("offset of a clean second: %q", s)
	}
}

// TestReadoutOpenLabel reads the open label's figures, not the run's.
func TestReadoutOpenLabel(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 200, 60)
	m.label = "GET balance"
	m.tl.SetCursor(t0.Add((incidentFrom+10)*time.Second).UnixMilli(), m.nowMS())
	m.dirty = true
	lines := strings.Split(plain(m.Render()), "\n")
	if r := lines[58]; !strings.Contains(r, "GET balance ") || strings.Contains(r, "requests 20.0/s") {
		t.Errorf("the readout must follow the open label: %q", r)
	}
}

func TestOffset(t *testing.T) {
	for _, c := range []struct {
		ms   int64
		want string
	}{
		{0, "+0s"}, {999, "+0s"}, {97_000, "+1m37s"}, {3_600_000 + 5*60_000, "+1h05m"},
		{-12_000, "-12s"}, {200 * 3_600_000, "+8d08h"},
	} {
		if got := offset(c.ms); got != c.want {
			t.Errorf("offset(%d) = %q, want %q", c.ms, got, c.want)
		}
	}
}

// TestWarningCutKeepsAdvice cuts what happened, never the advice.
func TestWarningCutKeepsAdvice(t *testing.T) {
	w := statusWarning{what: "clocks: results.jtl (2021-03-02 10:00–2021-03-02 11:00) and app.log (2016-01-01 00:00–2016-01-02 00:00) do not overlap", advice: "try --tz or --offset"}
	full := w.what + ": " + w.advice
	if got := w.cut(200, "!"); got != full {
		t.Errorf("room enough: %q", got)
	}
	got := w.cut(60, "!")
	if ansi.StringWidth(got) > 60 || !strings.HasSuffix(got, "… (!): try --tz or --offset") || !strings.HasPrefix(got, "clocks: results.jtl") {
		t.Errorf("cut to 60: %q", got)
	}
	if got := w.cut(20, "!"); got != "" {
		t.Errorf("no room for the advice: %q", got)
	}
	w.advice = ""
	if got := w.cut(30, "!"); !strings.HasSuffix(got, "… (! for all)") || ansi.StringWidth(got) > 30 {
		t.Errorf("without advice: %q", got)
	}
}

// TestTableSizedToValues checks that the label table's columns are as wide
// as their widest value: at 200 columns the figures sit beside the labels,
// not 150 cells away at the right edge.
func TestTableSizedToValues(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 200, 60)
	for _, l := range strings.Split(plain(m.Render()), "\n") {
		i := strings.Index(l, "GET balance")
		if i < 0 || !strings.Contains(l, "ms") {
			continue
		}
		row := l[i+len("GET balance"):]
		if gap := len(row) - len(strings.TrimLeft(row, " ")); gap > 16 {
			t.Errorf("%d cells between the label and its first figure: %q", gap, l)
		}
		return
	}
	t.Fatal("no row for GET balance")
}

// TestSeriesListSortedWithUnits opens a gauge family of three series, one
// without a value at the cursor: the list names the statistic and unit and
// puts the highest value first, the missing one last as "–".
func TestSeriesListSortedWithUnits(t *testing.T) {
	st := store.New([]sources.Info{{Name: "http://127.0.0.1:9/metrics", Kind: sources.KindScrape}})
	for sec := range 10 {
		samples := []sources.MetricSample{
			{Name: "jvm_memory_used_bytes", Labels: `area="heap"`, Type: sources.MetricGauge, Value: 5e6},
			{Name: "jvm_memory_used_bytes", Labels: `area="nonheap"`, Type: sources.MetricGauge, Value: 2e7},
		}
		if sec < 2 {
			samples = append(samples, sources.MetricSample{Name: "jvm_memory_used_bytes", Labels: `area="gone"`, Type: sources.MetricGauge, Value: 9e9})
		}
		st.Apply(sources.Batch{Source: 0, Rows: 1, Scrapes: []sources.Scrape{{Time: t0.Add(time.Duration(sec) * time.Second), Up: true, Samples: samples}}})
	}
	m := storeModel(st, t0.Add(time.Hour), 120, 40)
	f := m.frame()
	f.cursorMS = t0.Add(9 * time.Second).UnixMilli()
	text := seriesList(f, st.Metrics.Families()[0])
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if !strings.Contains(lines[0], "value of each of 3 series (bytes), highest first") {
		t.Errorf("heading: %q", lines[0])
	}
	want := []string{`area="nonheap"`, `area="heap"`, `area="gone"`}
	for i, w := range want {
		if l := lines[2+i]; !strings.Contains(l, w) {
			t.Errorf("row %d = %q, want %s", i, l, w)
		}
	}
	if l := lines[4]; !strings.HasPrefix(strings.TrimSpace(l), "–") {
		t.Errorf("a series without a value there reads –: %q", l)
	}
}

// TestSnapshotKey presses S: the frame on screen goes to SaveSnapshot with
// its size and the cursor's time, the status line says where it went until
// the next key, and a failure is said instead.
func TestSnapshotKey(t *testing.T) {
	st := fixtureStore()
	var got struct {
		frame string
		w, h  int
		at    time.Time
	}
	fail := false
	theme, _ := themes.Load("dark", "")
	m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(3 * time.Hour)),
		SaveSnapshot: func(frame string, w, h int, at time.Time) (string, error) {
			if fail {
				return "", errors.New("disk full")
			}
			got.frame, got.w, got.h, got.at = frame, w, h, at
			return "sobang-x.svg and .txt in /tmp", nil
		}})
	m.Update(sizeMsg(120, 40))
	m.ingest()
	m.tl.SetCursor(t0.Add(70*time.Second).UnixMilli(), m.nowMS())
	before := m.Render()
	press(m, "S")
	if got.frame != before || got.w != 120 || got.h != 40 || !got.at.Equal(t0.Add(70*time.Second)) {
		t.Fatalf("saved %dx%d at %v, the frame on screen: %v", got.w, got.h, got.at, got.frame == before)
	}
	last := func() string { f := plain(m.Render()); return f[strings.LastIndexByte(f, '\n')+1:] }
	if s := last(); !strings.Contains(s, "saved sobang-x.svg and .txt in /tmp") {
		t.Fatalf("the status line must say where: %q", s)
	}
	press(m, "right")
	if s := last(); strings.Contains(s, "saved") {
		t.Fatalf("the notice must go with the next key: %q", s)
	}
	fail = true
	press(m, "S")
	if s := last(); !strings.Contains(s, "snapshot not saved: disk full") {
		t.Fatalf("a failure must be said: %q", s)
	}
}
