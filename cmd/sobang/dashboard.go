package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/record"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/sources/tail"
	"github.com/sobang/sobang/themes"
	"github.com/sobang/sobang/tui"
)

type dashboardConfig struct {
	sources   []sources.Source
	theme     themes.Theme
	rangeDur  time.Duration
	since     time.Duration
	zone      interface{ String() string }
	noMouse   bool
	loadEnded <-chan struct{}
	hub       *sources.Hub // optional: a hub others report panics to

	setup    func(*store.Store) // configures the store before anything is read (APDEX); may be nil
	baseline *store.Store       // an earlier run to compare with (--baseline), or nil
	paths    map[string]string  // request paths of labels from the configuration file
	record   string             // --record: where to record the session, "" for nowhere

	plan *dashPlan // the test plan beside the results, nil without one

	marks []int64          // marks to show from the start (the recordings'), Unix ms
	notes map[int64]string // the words of some of them, by instant
	copy  bool             // y may copy to the clipboard ([logs] copy)
	// thresholds are the lines across metric charts ([metrics.thresholds]).
	thresholds map[string]float64

	replay *sources.ReplayClock // sobang replay: the clock of everything, played when the dashboard starts; nil otherwise
}

func runDashboard(cfg dashboardConfig) error {
	clock := clock
	if cfg.replay != nil {
		clock = cfg.replay
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hub := cfg.hub
	if hub == nil {
		hub = sources.NewHub()
	}
	var infos []sources.Info
	for _, s := range cfg.sources {
		hub.Add(s)
		infos = append(infos, s.Info())
	}
	st := store.New(infos)
	st.SetClock(clock)
	addNotes(st, cfg.sources)
	if cfg.setup != nil {
		cfg.setup(st)
	}
	st.SetConfigPaths(cfg.paths)
	zone := time.Local
	if z, ok := cfg.zone.(*time.Location); ok && z != nil {
		zone = z
	}
	opt := tui.Options{
		Hub: hub, Store: st, Theme: cfg.theme, Range: cfg.rangeDur, Since: cfg.since,
		Zone: zone, NoMouse: cfg.noMouse, LoadEnded: cfg.loadEnded, Baseline: cfg.baseline, Clock: clock,
		SaveSnapshot: snapshotSaver(".", cfg.theme),
		Replay:       cfg.replay,
	}
	opt.PromQL = promQLOf(cfg.sources)
	if pl := cfg.plan; pl != nil {
		opt.PlannedThreads, opt.PlannedThroughput, opt.PlanName, opt.Plan = pl.threads, pl.rate, pl.name, pl.view
	}
	recs := &sessionRecordings{dir: ".", infos: infos, clock: clock}
	if cfg.replay != nil {
		// A replay's clock pauses: the recording's frames are sealed on
		// the real one.
		recs.clock = sources.Wall
	}
	if cfg.record != "" {
		rec, err := record.Create(cfg.record, infos, clock)
		if err != nil {
			return &exitError{exitUsage, err}
		}
		opt.Recording = recs.add(rec)
	} else {
		opt.StartRecording = recs.start
	}
	opt.Marks = cfg.marks
	opt.Notes = cfg.notes
	opt.Copy = cfg.copy
	opt.Thresholds = cfg.thresholds
	var once sync.Once
	finishRecording := func() { once.Do(recs.finish) }
	defer finishRecording() // also when something below panics
	model := tui.New(opt)
	hub.Start(ctx)
	// Bubble Tea's own handler quits on SIGTERM with status 0, and on
	// SIGINT with an error, and lets SIGHUP kill the process where it
	// stands: the terminal left in the alternate screen, the recording cut.
	prog := tea.NewProgram(model, tea.WithContext(ctx), tea.WithoutSignalHandler())
	caught := catchSignals(prog)
	restoreTitle := saveTitle()
	if cfg.replay != nil {
		cfg.replay.Play() // at once, as the screen comes up
	}
	_, err := prog.Run()
	restoreTitle()
	cancel()
	waitHub(hub)
	finishRecording() // the program has ended: nothing writes any more
	sig := caught()   // only now: a second signal must not cut the recording
	if p := model.Crash(); p != nil {
		path := writeCrashReport(p)
		return &exitError{exitFailure, fmt.Errorf("crashed: %v\ncrash report: %s", p, path)}
	}
	if sig != 0 {
		return &exitError{128 + int(sig), fmt.Errorf("stopped by %s", signalName(sig))}
	}
	if err != nil && err != tea.ErrProgramKilled && err != context.Canceled {
		return &exitError{exitFailure, err}
	}
	return nil
}

// stopSignals end the dashboard as q does, with the exit status 128 + the
// signal: SIGHUP (the terminal closed), SIGTERM (kill), SIGINT (an
// interrupt sent to the process; typed, Ctrl-C is a key and quits).
var stopSignals = []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT}

// killAfter bounds how long the program may take to quit after a signal
// before it is stopped where it stands (the terminal is restored all the
// same).
const killAfter = 2 * time.Second

// catchSignals makes the stop signals quit prog, and kill it when it has
// not quit killAfter later; see onStopSignal for what it returns.
func catchSignals(prog *tea.Program) (caught func() syscall.Signal) {
	return onStopSignal(func(done <-chan struct{}) {
		go prog.Quit()
		select {
		case <-done:
		case <-time.After(killAfter):
			prog.Kill()
		}
	})
}

// onStopSignal calls act on the first stop signal, with a channel closed
// once the caller has finished; the function it returns stops catching
// them and returns the one that came first, 0 for none. A signal ignored
// when sobang started (nohup) stays ignored. Later signals are caught too,
// so that a second one cannot cut a recording short.
func onStopSignal(act func(done <-chan struct{})) (caught func() syscall.Signal) {
	ch := make(chan os.Signal, len(stopSignals))
	for _, s := range stopSignals {
		if !signal.Ignored(s) {
			signal.Notify(ch, s)
		}
	}
	done := make(chan struct{})
	first := make(chan syscall.Signal, 1)
	go func() {
		select {
		case s := <-ch:
			first <- s.(syscall.Signal)
			act(done)
		case <-done:
			first <- 0
		}
	}()
	return func() syscall.Signal {
		close(done)
		s := <-first
		signal.Stop(ch)
		return s
	}
}

// signalName names a stop signal as kill -l and shells do.
func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGHUP:
		return "SIGHUP"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGINT:
		return "SIGINT"
	}
	return s.String()
}

// saveTitle pushes the terminal's window title on its title stack
// (XTWINOPS 22), and returns what pops it back (23) once the program has
// ended: the dashboard sets its own, and the program only clears it on
// exit. Terminals without a title stack ignore both.
func saveTitle() (restore func()) {
	if !term.IsTerminal(os.Stdout.Fd()) {
		return func() {}
	}
	_, _ = os.Stdout.WriteString("\x1b[22;0t")
	return func() { _, _ = os.Stdout.WriteString("\x1b[23;0t") }
}

// checkRecordTarget refuses a --record path that would overwrite something
// worth keeping: one of the session's inputs (a source, a baseline, the
// recording being replayed), or an existing file that is not a recording.
func checkRecordTarget(path string, inputs []string) error {
	return checkRecordingTarget("--record", path, inputs)
}

// checkRecordingTarget is checkRecordTarget for the recording named by
// flag.
func checkRecordingTarget(flag, path string, inputs []string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return nil // nothing there yet: Create says what goes wrong, if anything
	}
	for _, in := range inputs {
		if ii, err := os.Stat(in); err == nil && os.SameFile(fi, ii) {
			return usageErr("%s %s: it is one of the inputs and would be overwritten; record to another file", flag, path)
		}
	}
	if fi.Mode().IsRegular() && fi.Size() > 0 {
		if head, _ := tail.Head(path, len(record.Magic)); !record.IsRecording(head) {
			return usageErr("%s %s: the file exists and is not a .sobang recording; not overwriting it", flag, path)
		}
	}
	return nil
}

// closeRecording closes the recording and says on stderr where it is, or
// why it ended early.
func closeRecording(rec *record.Writer) {
	if err := rec.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "sobang: the recording stopped early: %s\n", safeText(err.Error()))
		return
	}
	fmt.Fprintf(os.Stderr, "recorded to %s\n", safeText(rec.Path()))
}

// sessionRecordings are the recordings of one dashboard session: the one
// --record names, or those R starts (in dir, named by the time they
// started). When the dashboard ends, finish closes every one still open
// and says on stderr where each one is.
type sessionRecordings struct {
	dir   string
	infos []sources.Info
	clock sources.Clock
	recs  []*record.Writer
}

// start is R: a new recording in dir, sobang-20261207-231200.sobang
// (-2, -3 ... when that second has one), never over a file.
func (s *sessionRecordings) start() (tui.Recording, error) {
	base := "sobang-" + s.clock.Now().Format("20060102-150405")
	for n := 1; n < 100; n++ {
		name := base
		if n > 1 {
			name += "-" + strconv.Itoa(n)
		}
		path := filepath.Join(s.dir, name+".sobang")
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		f.Close()
		w, err := record.Create(path, s.infos, s.clock)
		if err != nil {
			os.Remove(path)
			return nil, err
		}
		return s.add(w), nil
	}
	return nil, fmt.Errorf("%s: 99 recordings started this second already", filepath.Join(s.dir, base+".sobang"))
}

func (s *sessionRecordings) add(w *record.Writer) tui.Recording {
	s.recs = append(s.recs, w)
	return writerRecording{w}
}

// finish closes the recordings still open (Close of a closed one only
// says how it ended) and says where each one is, or why it stopped early.
func (s *sessionRecordings) finish() {
	for _, w := range s.recs {
		closeRecording(w)
	}
}

// writerRecording is a recording as the dashboard writes it.
type writerRecording struct{ w *record.Writer }

func (r writerRecording) Write(b sources.Batch) error { return r.w.Write(b) }

func (r writerRecording) Mark(ms int64, note string, removed bool) error {
	return r.w.Mark(record.Mark{Time: time.UnixMilli(ms), Label: note, Removed: removed})
}

func (r writerRecording) Close() error { return r.w.Close() }

func (r writerRecording) Name() string { return safeText(r.w.Path()) }

// shutdownWait bounds how long the program waits for its sources after
// quitting; a read blocked on stdin is left to the process exit.
const shutdownWait = 500 * time.Millisecond

// waitHub waits a little for sources to stop; a source blocked on a read
// (stdin) cannot be interrupted and is left to the process exit.
func waitHub(hub *sources.Hub) {
	done := make(chan struct{})
	go func() { hub.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(shutdownWait):
	}
}

// writeCrashReport writes the panic to a file and returns its path.
func writeCrashReport(p *sources.Panic) string {
	f, err := os.CreateTemp("", "sobang-crash-*.txt")
	if err != nil {
		return "(could not write a crash report: " + err.Error() + ")"
	}
	defer f.Close()
	fmt.Fprintf(f, "sobang %s crashed at %s\n\n%v\n\n%s", versionString(), time.Now().Format(time.RFC3339), p, p.Stack)
	return f.Name()
}

// promQLOf returns the first --prom source, which the dashboard's PromQL
// prompt asks; nil without one.
func promQLOf(list []sources.Source) sources.PromQL {
	for _, s := range list {
		if n, ok := s.(notedSource); ok {
			s = n.Source
		}
		if q, ok := s.(sources.PromQL); ok {
			return q
		}
	}
	return nil
}
