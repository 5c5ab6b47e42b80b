package tui

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
)

// pushSource pushes its batches and ends.
type pushSource struct {
	info    sources.Info
	batches []sources.Batch
}

func (p pushSource) Info() sources.Info { return p.info }

func (p pushSource) Run(ctx context.Context, sink sources.Sink) error {
	for _, b := range p.batches {
		if err := sink.Push(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

func TestRecordSeesBatchesBeforeApply(t *testing.T) {
	info := sources.Info{Name: "run.jtl", Kind: sources.KindJTL, Offset: 2 * time.Second}
	var batches []sources.Batch
	for i := range 3 {
		batches = append(batches, sources.Batch{Rows: 1, Samples: []sources.Sample{
			{StartMS: t0.UnixMilli() + int64(i)*1000, ElapsedMS: 5, Label: "a", Success: true, AllThreads: -1},
		}})
	}
	hub := sources.NewHub()
	hub.Add(pushSource{info: info, batches: batches})
	hub.Start(context.Background())
	hub.Wait()

	var recorded []int64
	calls := 0
	theme, _ := themes.Load("dark", "")
	m := New(Options{Hub: hub, Store: store.New([]sources.Info{info}), Theme: theme, Zone: time.UTC,
		Clock: sources.NewManualClock(t0.Add(time.Hour)),
		Recording: &fakeRecording{name: "run.sobang", write: func(b sources.Batch) error {
			calls++
			if calls == 2 {
				return errors.New("run.sobang: no space left on device")
			}
			recorded = append(recorded, b.Samples[0].StartMS)
			return nil
		}}})
	m.Update(sizeMsg(200, 40))
	m.ingest()
	if calls != 2 {
		t.Errorf("Record called %d times, want 2: never again after its error", calls)
	}
	if len(recorded) != 1 || recorded[0] != t0.UnixMilli() {
		t.Errorf("recorded start %v, want %d: the time as the source gave it, before the store's offset", recorded, t0.UnixMilli())
	}
	if got := m.store.Sources[0].Rows; got != 3 {
		t.Errorf("store has %d rows, want 3: a failed recording must not stop ingest", got)
	}
	f := plain(m.Render())
	if !strings.Contains(f, "recording stopped: run.sobang: no space left on device") {
		t.Fatalf("the status bar does not say the recording stopped:\n%s", f[len(f)-300:])
	}
}

// fakeRecording keeps what the dashboard records.
type fakeRecording struct {
	name    string
	write   func(sources.Batch) error // nil: keep the batch
	batches []sources.Batch
	marks   []string
	closed  int
}

func (f *fakeRecording) Write(b sources.Batch) error {
	if f.write != nil {
		return f.write(b)
	}
	b.Samples = append([]sources.Sample(nil), b.Samples...)
	f.batches = append(f.batches, b)
	return nil
}

func (f *fakeRecording) Mark(ms int64, note string, removed bool) error {
	word := "set"
	if removed {
		word = "removed"
	}
	if note != "" {
		word += " " + strconv.Quote(note)
	}
	f.marks = append(f.marks, time.UnixMilli(ms).UTC().Format(time.TimeOnly)+" "+word)
	return nil
}

func (f *fakeRecording) Close() error { f.closed++; return nil }

func (f *fakeRecording) Name() string { return f.name }

// gatedSource pushes its first batch, then its second once gate closes.
type gatedSource struct {
	info    sources.Info
	batches [2]sources.Batch
	gate    chan struct{}
}

func (g gatedSource) Info() sources.Info { return g.info }

func (g gatedSource) Run(ctx context.Context, sink sources.Sink) error {
	if err := sink.Push(ctx, g.batches[0]); err != nil {
		return err
	}
	<-g.gate
	return sink.Push(ctx, g.batches[1])
}

// TestRecordKey: R starts a recording of what the session reads from then
// on (each source's state first, and the marks already set), the status
// line says REC while it runs, marks set and removed go into it, and R
// again finishes it and names the file.
func TestRecordKey(t *testing.T) {
	info := sources.Info{Name: "run.jtl", Kind: sources.KindJTL}
	sample := func(i int) sources.Batch {
		return sources.Batch{Rows: 1, CaughtUp: i == 0, Samples: []sources.Sample{
			{StartMS: t0.UnixMilli() + int64(i)*1000, ElapsedMS: 5, Label: "a", Success: true, AllThreads: -1},
		}}
	}
	src := gatedSource{info: info, batches: [2]sources.Batch{sample(0), sample(1)}, gate: make(chan struct{})}
	hub := sources.NewHub()
	hub.Add(src)
	hub.Start(context.Background())
	theme, _ := themes.Load("dark", "")
	var rec *fakeRecording
	starts := 0
	m := New(Options{Hub: hub, Store: store.New([]sources.Info{info}), Theme: theme, Zone: time.UTC,
		Clock: sources.NewManualClock(t0.Add(time.Hour)),
		StartRecording: func() (Recording, error) {
			starts++
			rec = &fakeRecording{name: "sobang-20261207-231200.sobang"}
			return rec, nil
		}})
	m.Update(sizeMsg(200, 40))
	waitFor(t, "the first batch", func() bool { m.ingest(); return m.store.Sources[0].Rows == 1 })
	press(m, "m")
	at := time.UnixMilli(m.tl.Marks()[0]).UTC().Format(time.TimeOnly)
	if status := statusLineOf(m); strings.Contains(status, "REC") {
		t.Fatalf("REC before R: %q", status)
	}

	press(m, "R")
	if starts != 1 || rec == nil {
		t.Fatalf("R started %d recordings", starts)
	}
	if status := statusLineOf(m); !strings.Contains(status, " REC ") || !strings.Contains(status, "recording to sobang-20261207-231200.sobang") {
		t.Errorf("status while recording: %q", status)
	}
	if len(rec.batches) != 1 || rec.batches[0].Health == nil || !rec.batches[0].CaughtUp || len(rec.batches[0].Samples) != 0 {
		t.Fatalf("the recording starts with %+v, want the source's state alone (caught up)", rec.batches)
	}
	if want := []string{at + " set"}; !reflect.DeepEqual(rec.marks, want) {
		t.Errorf("marks at the start %q, want %q", rec.marks, want)
	}
	close(src.gate)
	hub.Wait()
	m.ingest()
	if len(rec.batches) != 2 || len(rec.batches[1].Samples) != 1 || rec.batches[1].Samples[0].StartMS != t0.UnixMilli()+1000 {
		t.Fatalf("recorded %+v, want the batch read after R", rec.batches)
	}
	press(m, "m", "m")
	if want := []string{at + " set", at + " removed", at + " set"}; !reflect.DeepEqual(rec.marks, want) {
		t.Errorf("marks %q, want %q", rec.marks, want)
	}

	press(m, "R")
	if rec.closed != 1 {
		t.Errorf("R closed the recording %d times, want 1", rec.closed)
	}
	status := statusLineOf(m)
	if strings.Contains(status, "REC") || !strings.Contains(status, "recorded to sobang-20261207-231200.sobang") {
		t.Errorf("status after R again: %q", status)
	}
	if m.Recording() != nil {
		t.Error("a finished recording is still the dashboard's")
	}
	press(m, "m")
	if len(rec.marks) != 3 {
		t.Errorf("a mark after the recording ended was recorded: %q", rec.marks)
	}
	press(m, "R")
	if starts != 2 || m.Recording() == nil {
		t.Errorf("R after a finished recording started %d in all, open %v", starts, m.Recording())
	}
}

// TestRecordKeyBesideRecordFlag: a session recorded by --record is
// recorded whole: R says so and neither stops it nor starts another; its
// marks are recorded.
func TestRecordKeyBesideRecordFlag(t *testing.T) {
	theme, _ := themes.Load("dark", "")
	rec := &fakeRecording{name: "night.sobang"}
	started := false
	m := New(Options{Store: store.New(nil), Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0),
		Recording:      rec,
		StartRecording: func() (Recording, error) { started = true; return nil, errors.New("no") }})
	m.Update(sizeMsg(200, 40))
	press(m, "R")
	status := statusLineOf(m)
	if started || rec.closed != 0 || !strings.Contains(status, " REC") || !strings.Contains(status, "night.sobang (--record)") {
		t.Errorf("R beside --record: started %v, closed %d, status %q", started, rec.closed, status)
	}
	if m.Recording() != nil {
		t.Error("the --record recording is handed back to be finished as R's")
	}
	press(m, "m")
	if len(rec.marks) != 1 {
		t.Errorf("marks recorded: %q", rec.marks)
	}
}

// TestRecordKeyFails: a recording that cannot start says why.
func TestRecordKeyFails(t *testing.T) {
	theme, _ := themes.Load("dark", "")
	m := New(Options{Store: store.New(nil), Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0),
		StartRecording: func() (Recording, error) { return nil, errors.New("open sobang-1.sobang: permission denied") }})
	m.Update(sizeMsg(200, 40))
	press(m, "R")
	if status := statusLineOf(m); !strings.Contains(status, "could not record: open sobang-1.sobang: permission denied") || strings.Contains(status, "REC") {
		t.Errorf("status %q", status)
	}
}

// TestMarksFromOptions: marks given (a recording's) are shown and jumped
// to.
func TestMarksFromOptions(t *testing.T) {
	m := fixtureModel(t0.Add(time.Hour), 200, 40)
	m.opt.Marks = nil
	mk := []int64{t0.Add(30 * time.Second).UnixMilli(), t0.Add(10 * time.Second).UnixMilli()}
	m2 := New(Options{Store: m.store, Theme: m.opt.Theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(time.Hour)), Marks: mk})
	m2.Update(sizeMsg(200, 40))
	m2.ingest()
	if got := m2.tl.Marks(); len(got) != 2 || got[0] != mk[1] {
		t.Fatalf("marks %v", got)
	}
	if status := statusLineOf(m2); !strings.Contains(status, "marks 2") {
		t.Errorf("status %q", status)
	}
}

func statusLineOf(m *Model) string {
	lines := strings.Split(plain(m.Render()), "\n")
	return lines[len(lines)-1]
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after 5 s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestNoteKey: M writes a note at the cursor: a mark with words, shown in
// the readout while the cursor is on its second, said when ' jumps to it,
// recorded, and given back by Options.Notes; esc leaves the prompt without
// a note, m removes the mark and its note.
func TestNoteKey(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 200, 50)
	rec := &fakeRecording{name: "run.sobang"}
	m.rec = rec
	cur := m.tl.Cursor(m.nowMS())
	press(m, "M")
	if left, _ := m.search.statusBar(); !strings.Contains(left, " note at "+time.UnixMilli(cur).UTC().Format("15:04:05")+": ") {
		t.Fatalf("the prompt reads %q", left)
	}
	press(m, "p", "o", "o", "l", "space", "d", "r", "y", "esc")
	if len(m.tl.Marks()) != 0 || len(rec.marks) != 0 {
		t.Fatalf("esc kept a note: marks %v, recorded %q", m.tl.Marks(), rec.marks)
	}
	press(m, "M", "p", "o", "o", "l", "space", "d", "r", "y", "enter")
	if got := m.tl.Marks(); len(got) != 1 || got[0] != cur {
		t.Fatalf("marks %v, want the cursor's %d", got, cur)
	}
	if want := time.UnixMilli(cur).UTC().Format(time.TimeOnly) + ` set "pool dry"`; len(rec.marks) != 1 || rec.marks[0] != want {
		t.Errorf("recorded %q, want %q", rec.marks, want)
	}
	if f := plain(m.Render()); !strings.Contains(f, "“pool dry”") {
		t.Errorf("the readout lacks the note:\n%s", f)
	}
	press(m, "left", "left")
	if f := plain(m.Render()); strings.Contains(f, "“pool dry”") {
		t.Error("the note is shown away from its second")
	}
	press(m, "'")
	if !strings.Contains(statusLineOf(m), "note: pool dry") {
		t.Errorf("' onto the note: %q", statusLineOf(m))
	}
	// Given back by a recording.
	m2 := New(Options{Store: m.store, Theme: m.opt.Theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(3 * time.Hour)),
		Marks: []int64{cur}, Notes: map[int64]string{cur: "pool dry"}})
	m2.Update(sizeMsg(200, 50))
	m2.ingest()
	press(m2, "'")
	if !strings.Contains(statusLineOf(m2), "note: pool dry") {
		t.Errorf("a recording's note: %q", statusLineOf(m2))
	}
	// m on the mark removes it with its note.
	press(m, "m")
	if len(m.tl.Marks()) != 0 || m.noteAt(cur) != "" {
		t.Errorf("m left marks %v, note %q", m.tl.Marks(), m.noteAt(cur))
	}
}
