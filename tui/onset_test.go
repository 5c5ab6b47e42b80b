package tui

import (
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
)

// TestErrorOnsetKeys: e and E step the cursor between error onsets (the
// store's), from wherever it is, and stay put past the last or first.
func TestErrorOnsetKeys(t *testing.T) {
	base := t0.Truncate(time.Second)
	st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}})
	var samples []sources.Sample
	for s := range 120 {
		samples = append(samples, sources.Sample{StartMS: base.Add(time.Duration(s) * time.Second).UnixMilli(), ElapsedMS: 5, Label: "GET a", Code: "200", Success: true, AllThreads: -1})
	}
	for _, s := range []int{20, 21, 25, 70, 71} { // onsets at +20s and +70s
		samples = append(samples, sources.Sample{StartMS: base.Add(time.Duration(s)*time.Second).UnixMilli() + 500, ElapsedMS: 5, Label: "GET a", Code: "503", AllThreads: -1})
	}
	st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples), CaughtUp: true})
	theme, err := themes.Load("dark", "")
	if err != nil {
		t.Fatal(err)
	}
	now := base.Add(time.Hour)
	m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(now)})
	m.Update(sizeMsg(120, 40))
	m.ingest()
	at := func(d time.Duration) string { return base.Add(d).UTC().Format("15:04:05") }
	steps := []struct {
		key  string
		want time.Duration
	}{
		{"g", 0},
		{"e", 20 * time.Second},
		{"e", 70 * time.Second},
		{"e", 70 * time.Second}, // no onset after the last
		{"E", 20 * time.Second},
		{"E", 20 * time.Second}, // none before the first
		{"right", -1},           // a step right, inside the episode that began at +20s
		{"E", 20 * time.Second},
	}
	for i, s := range steps {
		press(m, s.key)
		got, mode := statusOf(t, m.Render())
		if s.want < 0 {
			continue
		}
		if got != at(s.want) || mode != "PAUSED" {
			t.Fatalf("step %d (%s): cursor %s %s, want %s PAUSED", i, s.key, got, mode, at(s.want))
		}
	}
}
