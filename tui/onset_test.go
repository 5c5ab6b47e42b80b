package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
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
	m := storeModel(st, base.Add(time.Hour), 120, 40)
	at := func(d time.Duration) string { return base.Add(d).UTC().Format("15:04:05") }
	steps := []struct {
		key  string
		want time.Duration
		says string // what the status line says, if anything
	}{
		{"g", 0, ""},
		{"e", 20 * time.Second, ""},
		{"e", 70 * time.Second, ""},
		{"e", 70 * time.Second, "no later error onset (E goes back)"}, // none after the last
		{"E", 20 * time.Second, ""},
		{"E", 20 * time.Second, "no earlier error onset (e goes on)"}, // none before the first
		{"right", -1, ""}, // a step right, inside the episode that began at +20s
		{"E", 20 * time.Second, ""},
	}
	for i, s := range steps {
		press(m, s.key)
		frame := m.Render()
		status := plain(frame[strings.LastIndexByte(frame, '\n')+1:])
		if (s.says != "") != strings.Contains(status, "error onset") || !strings.Contains(status, s.says) {
			t.Fatalf("step %d (%s): status %q, want it to say %q", i, s.key, status, s.says)
		}
		got, mode := statusOf(t, frame)
		if s.want < 0 {
			continue
		}
		if got != at(s.want) || mode != "PAUSED" {
			t.Fatalf("step %d (%s): cursor %s %s, want %s PAUSED", i, s.key, got, mode, at(s.want))
		}
	}
}

// TestLabelTableSaysMoreBelow: a table with more labels than rows says how
// many are below, keeps the selected label in view while it scrolls, and
// drops the note at the end; a label failing every request reads 100%
// without running into its errors column.
func TestLabelTableSaysMoreBelow(t *testing.T) {
	base := t0.Truncate(time.Second)
	st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}})
	var samples []sources.Sample
	for l := range 40 {
		for s := range 30 {
			smp := sources.Sample{StartMS: base.Add(time.Duration(s) * time.Second).UnixMilli(), ElapsedMS: 5,
				Label: fmt.Sprintf("GET /api/item%02d", l), Code: "200", Success: true, AllThreads: -1}
			if l == 0 {
				smp.Code, smp.Success = "503", false
			}
			for range 40 { // 1,200 samples a label: four-digit error counts
				samples = append(samples, smp)
			}
		}
	}
	st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples), CaughtUp: true})
	m := storeModel(st, base.Add(time.Hour), 120, 40)
	f := plain(m.Render())
	if !strings.Contains(f, "more labels") {
		t.Fatalf("a cut table must say how many labels are below:\n%s", f)
	}
	if !regexp.MustCompile(`1,200 +1,200 +100% `).MatchString(f) {
		t.Errorf("100%% errors must stay apart from the errors column:\n%s", f)
	}
	for range 39 {
		press(m, "down")
	}
	f = plain(m.Render())
	if !strings.Contains(f, "› GET /api/item39") || strings.Contains(f, "more labels") {
		t.Fatalf("at the last label it must be in view and nothing said below:\n%s", f)
	}
	for range 39 {
		press(m, "up")
	}
	if f = plain(m.Render()); !strings.Contains(f, "› GET /api/item00") || !strings.Contains(f, "more labels") {
		t.Fatalf("back at the first label:\n%s", f)
	}
}

// TestNoCodesNoCodesLine: results without response codes (Gatling writes
// none) show no codes in the headline, and so nothing in the error colour.
func TestNoCodesNoCodesLine(t *testing.T) {
	base := t0.Truncate(time.Second)
	st := store.New([]sources.Info{{Name: "simulation.log", Kind: sources.KindGatling}})
	var samples []sources.Sample
	for s := range 30 {
		samples = append(samples, sources.Sample{StartMS: base.Add(time.Duration(s) * time.Second).UnixMilli(), ElapsedMS: 5, Label: "home", Success: true, AllThreads: -1})
	}
	st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples), CaughtUp: true})
	m := storeModel(st, base.Add(time.Hour), 120, 40)
	if f := plain(m.Render()); !strings.Contains(f, "samples 30") || strings.Contains(f, "codes") {
		t.Fatalf("a run without codes must show none:\n%s", f)
	}
}
