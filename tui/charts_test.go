package tui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
	"github.com/sobang/sobang/tui/chart"
)

// runStore builds a store holding a two-minute load test alone, 13 to 19
// requests a second (rates that do not divide evenly), where failed(sec, i)
// says which requests fail.
func runStore(failed func(sec, i int) bool) *store.Store {
	st := store.New([]sources.Info{{Name: "/runs/results.jtl", Kind: sources.KindJTL}})
	for sec := 0; sec < runSeconds; sec++ {
		var samples []sources.Sample
		for i := 0; i < 13+(sec*sec)%7; i++ {
			ok, code := !failed(sec, i), "200"
			if !ok {
				code = "503"
			}
			samples = append(samples, sources.Sample{
				StartMS:   t0.Add(time.Duration(sec)*time.Second + time.Duration(i*50)*time.Millisecond).UnixMilli(),
				ElapsedMS: int32(20 + (i*37+sec*11)%60), Label: "GET account", Code: code, Success: ok,
				AllThreads: 10, GrpThreads: -1, LatencyMS: -1, ConnectMS: -1,
			})
		}
		st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples)})
	}
	return st
}

// profileModel is a model over st at now, w x h, in the theme and colour
// profile a terminal would give it.
func profileModel(st *store.Store, now time.Time, w, h int, theme themes.Theme, p colorprofile.Profile) *Model {
	m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(now)})
	m.Update(sizeMsg(w, h))
	m.ingest()
	if p != colorprofile.TrueColor {
		m.Update(colorprofileMsg(p))
	}
	return m
}

// onTerminal is what a terminal of profile p receives for frame: Bubble Tea
// downsamples every colour the views did not choose for the profile.
func onTerminal(frame string, p colorprofile.Profile) string {
	if p == colorprofile.TrueColor {
		return frame
	}
	var b bytes.Buffer
	w := &colorprofile.Writer{Forward: &b, Profile: p}
	if _, err := w.WriteString(frame); err != nil {
		panic(err)
	}
	return b.String()
}

// TestGoldenCharts renders the dashboard over a run with an incident, one
// with no error and one where every request fails, at three sizes, in the
// dark theme in true colour and in 16 colours, and under NO_COLOR. A run
// without errors carries no error mark anywhere (no error colour, no
// hatching, no onset, no strip); in a run where everything fails the
// throughput chart is the error colour alone.
func TestGoldenCharts(t *testing.T) {
	dark, err := themes.Load("dark", "")
	if err != nil {
		t.Fatal(err)
	}
	profiles := []struct {
		name  string
		theme themes.Theme
		p     colorprofile.Profile
	}{
		{"dark", dark, colorprofile.TrueColor},
		{"ansi16", dark, colorprofile.ANSI},
		{"nocolor", themes.Plain(), colorprofile.TrueColor},
	}
	runs := []struct {
		name  string
		store func() *store.Store
	}{
		{"incident", fixtureStore},
		{"noerrors", func() *store.Store { return runStore(func(int, int) bool { return false }) }},
		{"allerrors", func() *store.Store { return runStore(func(int, int) bool { return true }) }},
	}
	now := t0.Add((runSeconds + 5) * time.Second)
	for _, run := range runs {
		for _, pr := range profiles {
			for _, size := range []struct{ w, h int }{{80, 24}, {120, 40}, {200, 60}} {
				t.Run(run.name+"/"+pr.name+"/"+sizeName(size.w, size.h), func(t *testing.T) {
					m := profileModel(run.store(), now, size.w, size.h, pr.theme, pr.p)
					m.tl.SetCursor(t0.Add(70*time.Second).UnixMilli(), now.UnixMilli())
					m.dirty = true
					frame := m.Render()
					checkFrameSize(t, frame, size.w, size.h)
					switch run.name {
					case "noerrors":
						checkNoErrorMark(t, m, frame)
					case "allerrors":
						checkAllErrors(t, m)
					}
					golden.RequireEqual(t, onTerminal(frame, pr.p))
				})
			}
		}
	}
}

// checkNoErrorMark fails when a frame of a run without errors shows an
// error anywhere: the error colour, the hatching, an onset or the strip.
func checkNoErrorMark(t *testing.T, m *Model, frame string) {
	t.Helper()
	if pre := m.st.Errors.Style.Prefix; pre != "" && strings.Contains(frame, pre) {
		t.Errorf("the error colour %q is on screen without an error", pre)
	}
	for _, mark := range []string{"⢕", "✕", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"} {
		if strings.Contains(frame, mark) {
			t.Errorf("an error mark %q is on screen without an error:\n%s", mark, plain(frame))
		}
	}
}

// checkAllErrors fails when the throughput chart of a run where every
// request failed draws a cell in any style but the error colour.
func checkAllErrors(t *testing.T, m *Model) {
	t.Helper()
	c := m.load.c1
	lines := strings.Join(c.Lines(), "\n")
	if ok := m.st.Throughput.Style.Prefix; ok != "" && strings.Contains(lines, ok) {
		t.Errorf("the throughput chart of a run that only failed shows successes:\n%q", lines)
	}
	if !strings.Contains(plain(lines), "⢕") {
		t.Errorf("the throughput chart of a run that only failed shows no error:\n%s", plain(lines))
	}
}

func colorprofileMsg(p colorprofile.Profile) tea.ColorProfileMsg {
	return tea.ColorProfileMsg{Profile: p}
}

// TestOneLookPerStatistic: every theme, in true colour and in 16 colours,
// keeps the error colour for errors and gives p50, p95 and p99 each one
// look, the same in the load-test and the metrics pane.
func TestOneLookPerStatistic(t *testing.T) {
	for _, name := range themes.Builtins() {
		th, err := themes.Load(name, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI} {
			st := NewStylesFor(th, p)
			for i, s := range st.Series {
				if s == st.Errors.Style {
					t.Errorf("%s/%v: chart colour %d is the error colour", name, p, i)
				}
			}
			if st.Levels[sources.LevelWarn] == st.Levels[sources.LevelError] {
				t.Errorf("%s/%v: WARN and ERROR look the same", name, p)
			}
		}
	}
	for _, th := range []themes.Theme{themes.Plain()} {
		st := NewStyles(th)
		looks := map[[3]any]string{}
		for name, s := range map[string]Stat{"p50": st.P50, "p95": st.P95, "p99": st.P99, "errors": st.Errors, "throughput": st.Throughput} {
			k := [3]any{s.Style, s.Pattern, s.Area}
			if other, ok := looks[k]; ok {
				t.Errorf("NO_COLOR: %s and %s look the same", name, other)
			}
			looks[k] = name
		}
		if strings.Contains(st.Errors.Style.Prefix, "7") {
			t.Errorf("NO_COLOR: errors in reverse video %q", st.Errors.Style.Prefix)
		}
	}
	// The histogram's p50 in the metrics pane is keyed like the load test's.
	m := fixtureModel(t0.Add((runSeconds+5)*time.Second), 200, 60)
	m.tl.SetCursor(t0.Add(70*time.Second).UnixMilli(), t0.Add((runSeconds+5)*time.Second).UnixMilli())
	frame := m.Render()
	key := m.st.P50.Style.Prefix + chart.Solid.Key() + " p50 "
	if n := strings.Count(frame, key); n < 2 {
		t.Errorf("p50 is keyed %q in %d panes, want the load-test and the metrics pane", key, n)
	}
}

// TestMutedReadableIn16Colours: in 16 colours muted text is bright black,
// never the ANSI blue the nearest colour would give (about 2.2:1 on black).
func TestMutedReadableIn16Colours(t *testing.T) {
	dark, err := themes.Load("dark", "")
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add((runSeconds + 5) * time.Second)
	m := profileModel(fixtureStore(), now, 120, 40, dark, colorprofile.ANSI)
	out := onTerminal(m.Render(), colorprofile.ANSI)
	if strings.Contains(out, "\x1b[34m") || strings.Contains(out, ";34m") {
		t.Errorf("ANSI blue text in 16 colours:\n%q", out)
	}
	if !strings.Contains(out, "\x1b[90m") {
		t.Errorf("no bright black (muted) text in 16 colours")
	}
}

// TestLegendWithoutRequests: at a second without requests the legend says
// so instead of an error rate of 0%.
func TestLegendWithoutRequests(t *testing.T) {
	now := t0.Add((runSeconds + 30) * time.Second)
	m := storeModel(runStore(func(int, int) bool { return false }), now, 120, 40)
	m.tl.SetCursor(t0.Add((runSeconds+20)*time.Second).UnixMilli(), now.UnixMilli())
	m.dirty = true
	f := plain(m.Render())
	if !strings.Contains(f, "no request in this second") || strings.Contains(f, "errors 0.0/s") || strings.Contains(f, "⢕") {
		t.Errorf("the legend after the run must say there is no request:\n%s", f)
	}
}
