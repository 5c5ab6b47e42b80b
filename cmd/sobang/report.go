package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/sobang/sobang/cmd/sobang/internal/report"
	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/metrics/promapi"
	"github.com/sobang/sobang/sources/plan"
	"github.com/sobang/sobang/sources/store"
)

const reportExamples = `  # A saved run, as text
  sobang report results.jtl app.log

  # JSON for a pipeline, one minute of it
  sobang report results.jtl --format json --window 12:38..12:39

  # Follow a running test and a service for five minutes, then report
  sobang report --jtl run.jtl --scrape http://localhost:8080/metrics --duration 5m`

func newReportCmd() *cobra.Command {
	var sf sourceFlags
	var format, window string
	var duration time.Duration
	var skip time.Duration
	var defines []string    // -J: the plan's properties
	var objectives []string // --slo
	var apdex apdexFlag
	var planPath string
	var noPlan bool
	cmd := &cobra.Command{
		Use:   "report [SOURCE...] [--format text|json|markdown] [--window START..END]",
		Short: "Read sources to their end and print one report",
		Long: `report reads every source to its current end (or follows live sources for
--duration) and writes exactly one document to stdout: the sources read with
their row counts, bad rows and warnings, and a section per kind of source
(loadtest, metrics, logs). It exits 0 whenever it could write a report, even
with bad rows; 2 when no input could be read or the usage is wrong.

It waits for nothing unless asked: a file that does not exist is an error at
once, unless --wait (wait for it to appear) or --duration (follow, and wait
for files named by --jtl, --k6, --gatling, --locust or --log, until it ends;
a source that gave nothing by then is a warning) is given. Warnings (a file
named twice and read once, sources whose clocks do not overlap, a --window
that holds no data) go to stderr and into the report.`,
		Example: reportExamples,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" && format != "markdown" {
				return usageErr("%s", sources.Expected("--format", "text, json or markdown", format))
			}
			if err := positiveDurations(cmd.Flags(), "duration"); err != nil {
				return err
			}
			objs, err := parseObjectives(objectives)
			if err != nil {
				return err
			}
			sf.headless, sf.follow = true, duration > 0
			specs, err := sf.specs(args)
			if err != nil {
				return err
			}
			if len(specs) == 0 {
				return usageErr("report needs at least one SOURCE (a JTL, a log, a /metrics URL)")
			}
			st, srcs, errs, err := readExact(&sf, specs, duration, window, skip, apdex.apply)
			if err != nil {
				return err
			}
			read := warnRead(st, srcs, errs, true)
			for i, s := range st.Sources {
				if duration > 0 && errs[i] == nil && s.Rows == 0 && !s.HasData() {
					// Followed for --duration and nothing came: say so rather
					// than print an empty report as if all were well.
					w := fmt.Sprintf("no data within --duration %v", duration)
					if s.Health.State == sources.StateWaiting {
						w = fmt.Sprintf("the file did not appear within --duration %v", duration)
					}
					s.Warnings = append(s.Warnings, w)
					printWarning("%s: %s", s.Name, w)
				}
			}
			for i, err := range errs {
				// A server holding many services: which to report on is
				// the user's to say.
				if jerr := (*promapi.JobsError)(nil); errors.As(err, &jerr) {
					return usageErr("%s: %v", st.Sources[i].Name, jerr)
				}
			}
			if read == 0 {
				return usageErr("no input could be read")
			}
			first, last, hasData := st.DataRange()
			from, to, err := resolveWindow(window, first, sf.displayZone(), skip)
			if err != nil {
				return err
			}
			opt := report.Options{FromMS: from, ToMS: to, Zone: sf.displayZone(), Now: clock.Now()}
			if skip > 0 {
				opt.BaselineEndMS = first + skip.Milliseconds()
			}
			opt.Notes, opt.Objectives = sf.notes, objs
			doc := report.Build(st, opt)
			doc.Warnings = append(doc.Warnings, clockWarnings(st, sf.displayZone())...)
			if hasData && outside(from, to, first, last) {
				doc.Warnings = append(doc.Warnings, windowWarning(window, skip, from, to, first, last, sf.displayZone(), "data", "data"))
			}
			for _, w := range doc.Warnings {
				printWarning("%s", w)
			}
			if len(sf.baselines) > 0 {
				base, err := readBaseline(&sf, sf.baselines, apdex.apply)
				if err != nil {
					return err
				}
				report.AddBaseline(doc, st, base, opt)
			}
			pl, findings, err := reportPlan(planPath, noPlan, st, planFlags{propFiles: sf.jtlf.props, defines: defines, configPath: sf.configPath})
			if err != nil {
				return err
			}
			var view *sources.PlanView
			var planDoc reportPlanDoc
			if pl != nil {
				view = pl.View(findings)
				planDoc = newReportPlanDoc(pl, findings, view, st)
				doc.Plan = planDoc
			}
			out := cmd.OutOrStdout()
			if err := report.Write(out, doc, format); err != nil {
				return &exitError{exitFailure, err}
			}
			if pl != nil && format == "text" {
				writePlanText(out, pl, findings)
				writePlanBeside(out, view, planDoc, false)
			} else if pl != nil && format == "markdown" {
				writePlanMarkdown(out, pl, findings)
				writePlanBeside(out, view, planDoc, true)
			}
			return nil
		},
	}
	sf.register(cmd.Flags())
	cmd.Flags().StringVar(&format, "format", "text", "text, json or markdown")
	cmd.Flags().StringVar(&window, "window", "", "report only START..END (see 'sobang --help' for TIME)")
	cmd.Flags().DurationVar(&duration, "duration", 0, "follow live sources (growing files, scrapes) for this long, waiting for files named by --jtl, --k6, --gatling, --locust or --log to appear")
	cmd.Flags().DurationVar(&skip, "skip", 0, "leave out the first D of the run (warm-up), e.g. 60s")
	cmd.Flags().StringVar(&planPath, "plan", "", "the JMeter test plan (.jmx) the results came from: its shape and lint findings join the report (default: the one .jmx beside a JTL, if there is exactly one)")
	cmd.Flags().BoolVar(&noPlan, "no-plan", false, "do not look for a .jmx beside the JTL")
	registerDefines(cmd.Flags(), &defines)
	cmd.Flags().StringArrayVar(&objectives, "slo", nil, "an objective, e.g. 'p95<500ms' (repeatable): where the run missed it, over 10 s at a time, is an incident")
	sf.registerBaseline(cmd.Flags())
	cmd.Flags().Var(&apdex, "apdex", "APDEX thresholds SATISFIED:TOLERATED (default 500ms:1500ms, as JMeter's)")
	return cmd
}

// warnRead says on stderr what each source noted and why one could not be
// read, keeping the reason among the source's warnings when keep (for the
// report), and returns how many sources could be read.
func warnRead(st *store.Store, srcs []sources.Source, errs []error, keep bool) int {
	read := 0
	for i, s := range st.Sources {
		if errs[i] == nil || s.Rows > 0 {
			read++
		}
		for _, n := range notesOf(srcs[i]) {
			printWarning("%s: %s", s.Name, n)
		}
		for _, w := range recordingWarnings(srcs[i]) {
			printWarning("%s", w)
		}
		if errs[i] != nil {
			if keep {
				s.Warnings = append(s.Warnings, safeText(errs[i].Error()))
			}
			printWarning("%v", errs[i])
		}
	}
	return read
}

// readAll runs every source to its end (or for duration) into a new store,
// after setup has configured it. Progress goes to stderr when stderr is a
// terminal.
func readAll(srcs []sources.Source, duration time.Duration, setup ...func(*store.Store)) (*store.Store, []error) {
	return readAllInto(context.Background(), srcs, duration, nil, setup...)
}

// readAllInto is readAll under ctx, handing every batch to rec (when not
// nil) as the dashboard's --record does; reading stops at rec's first
// error.
func readAllInto(parent context.Context, srcs []sources.Source, duration time.Duration, rec func(sources.Batch) error, setup ...func(*store.Store)) (*store.Store, []error) {
	headlessGC()
	infos := make([]sources.Info, len(srcs))
	for i, s := range srcs {
		infos[i] = s.Info()
	}
	st := store.New(infos)
	st.SetClock(clock)
	addNotes(st, srcs)
	for _, f := range setup {
		f(st)
	}
	ctx, cancel := context.WithCancel(parent)
	if duration > 0 {
		ctx, cancel = context.WithTimeout(parent, duration)
	}
	defer cancel()
	// The sources parse in their goroutines and push into the hub's bounded
	// queues; this goroutine alone owns the store and applies what they
	// send, so parsing and ingest run side by side, as in the dashboard.
	hub := sources.NewHubDepth(sources.HeadlessQueueBatches)
	for _, s := range srcs {
		hub.Add(s)
	}
	hub.Start(ctx)
	done := make(chan struct{})
	go func() { hub.Wait(); close(done) }()
	progress := term.IsTerminal(os.Stderr.Fd())
	ticker := time.NewTicker(200 * time.Millisecond)
	defer ticker.Stop()
	idle := time.NewTicker(2 * time.Millisecond)
	defer idle.Stop()
	pump := store.NewPump(hub, st, rec)
	for {
		ch := pump.Step()
		if ch.RecordErr != nil {
			cancel()
		}
		if ch.Batches > 0 {
			continue
		}
		select {
		case <-done:
			for pump.Step().Batches > 0 {
			}
			if progress {
				fmt.Fprint(os.Stderr, "\r\x1b[K")
			}
			errs := make([]error, len(srcs))
			for i := range srcs {
				errs[i] = hub.Err(i)
			}
			return st, errs
		case p := <-hub.Panics():
			fmt.Fprintf(os.Stderr, "sobang: %s\ncrash report: %s\n", safeText(p.Error()), writeCrashReport(p))
			os.Exit(exitFailure)
		case <-ticker.C:
			if progress {
				var parts []string
				for _, s := range st.Sources {
					parts = append(parts, fmt.Sprintf("%s %d rows", baseNameOf(s.Name), s.Rows))
				}
				fmt.Fprintf(os.Stderr, "\r\x1b[Kreading: %s", strings.Join(parts, ", "))
			}
		case <-idle.C:
		}
	}
}

// readExact builds the sources of specs and reads them as readAll does,
// keeping exact percentiles (store.KeepExact) for the window that --window
// and --skip give, resolved against the data's start as it stands while
// reading. When that start moved the window after counting began
// (store.ErrExactMoved: a source whose earliest time came late) and every
// source is a file that can be read again, it reads them once more with the
// window as finally resolved, fixed, so that the percentiles a gate judges
// are exact whatever order the sources delivered their data in; else the
// report says its percentiles are estimates, and why.
func readExact(sf *sourceFlags, specs []spec, duration time.Duration, window string, skip time.Duration, setup ...func(*store.Store)) (*store.Store, []sources.Source, []error, error) {
	sf.window = window
	build := func() ([]sources.Source, error) { return sf.build(specs, duration > 0, os.Stdin) }
	keep := func(w store.WindowFunc) []func(*store.Store) {
		// Set only on a new store, which cannot refuse it.
		return append(slices.Clone(setup), func(st *store.Store) { _ = st.KeepExact(w) })
	}
	srcs, err := build()
	if err != nil {
		return nil, nil, nil, err
	}
	zone := sf.displayZone()
	var win store.WindowFunc
	if window != "" || skip != 0 {
		win = func(start int64) (int64, int64) {
			// A window that does not resolve is the command's error once
			// reading is done; meanwhile count the whole run.
			from, to, err := resolveWindow(window, start, zone, skip)
			if err != nil {
				return 0, 0
			}
			return from, to
		}
	}
	st, errs := readAll(srcs, duration, keep(win)...)
	first, _, ok := st.DataRange()
	if !ok || duration > 0 || !rereadable(specs) {
		return st, srcs, errs, nil
	}
	from, to, err := resolveWindow(window, first, zone, skip)
	if err != nil || !errors.Is(st.Load.ExactFor(from, to), store.ErrExactMoved) {
		return st, srcs, errs, nil
	}
	fresh, err := build()
	if err != nil {
		return st, srcs, errs, nil
	}
	again, errs := readAll(fresh, 0, keep(func(int64) (int64, int64) { return from, to })...)
	return again, fresh, errs, nil
}

// rereadable reports whether every source of specs is a regular file, which
// reading again gives again (not stdin, a pipe or a URL).
func rereadable(specs []spec) bool {
	for _, s := range specs {
		if s.name == "-" || s.cmd || s.kind == sources.KindScrape || s.kind == sources.KindPrometheus {
			return false
		}
		fi, err := os.Stat(s.name)
		if err != nil || !fi.Mode().IsRegular() {
			return false
		}
	}
	return true
}

func baseNameOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 && !strings.Contains(p, "://") {
		return p[i+1:]
	}
	return p
}

// readBaseline reads an earlier run's files (--baseline) to their end into a
// store of their own; a file that cannot be read is a usage error.
func readBaseline(sf *sourceFlags, paths []string, setup ...func(*store.Store)) (*store.Store, error) {
	bf := sf.baselineFlags()
	specs, err := bf.specs(paths)
	if err != nil {
		return nil, err
	}
	srcs, err := bf.build(specs, false, nil)
	if err != nil {
		return nil, err
	}
	st, errs := readAll(srcs, 0, setup...)
	for i, s := range srcs {
		for _, n := range notesOf(s) {
			printWarning("--baseline %s: %s", st.Sources[i].Name, n)
		}
	}
	for i, e := range errs {
		if e != nil && st.Sources[i].Rows == 0 {
			return nil, usageErr("--baseline %s: %v", st.Sources[i].Name, e)
		}
	}
	if st.Load.Empty() && !st.Load.HasAggregates() {
		return nil, usageErr("--baseline %s: no load-test samples or tool-written aggregates", strings.Join(paths, ", "))
	}
	return st, nil
}

// clockGapWarn is how far apart two sources' data must be before a clock
// warning: less is a test that started a little after its log, more a
// wrong --tz or a clock that is off.
const clockGapWarn = store.ClockGapWarn

// clockWarnings says which sources' clocks do not overlap, as the dashboard
// does: a log written in another zone than it is read in lands hours from
// its load test, and every window and comparison across them is wrong. A
// source with no data, or whose records carry no time of their own, is in
// no pair (store.NonOverlapping).
func clockWarnings(st *store.Store, zone *time.Location) []string {
	var out []string
	for _, pair := range st.NonOverlapping() {
		a, b := pair[0], pair[1]
		gap := time.Duration(max(a.FirstMS-b.LastMS, b.FirstMS-a.LastMS)) * time.Millisecond
		if gap < clockGapWarn {
			continue
		}
		out = append(out, fmt.Sprintf("clocks: %s (%s) and %s (%s) do not overlap, %v apart: try --tz or --offset",
			a.Name, span(a.FirstMS, a.LastMS, zone), b.Name, span(b.FirstMS, b.LastMS, zone), gap.Round(time.Second)))
	}
	return out
}

// span writes [first, last] in zone, the second end without the date when
// both share it.
func span(firstMS, lastMS int64, zone *time.Location) string {
	a, b := time.UnixMilli(firstMS).In(zone), time.UnixMilli(lastMS).In(zone)
	end := b.Format(time.RFC3339Nano)
	if a.Format(time.DateOnly) == b.Format(time.DateOnly) {
		end = b.Format("15:04:05.999999999Z07:00")
	}
	return a.Format(time.RFC3339Nano) + " .. " + end
}

// outside reports whether the window [from, to) (0 for the data's edge)
// holds none of the data [first, last].
func outside(from, to, first, last int64) bool {
	return (to != 0 && to <= first) || (from != 0 && from > last)
}

// windowWarning says that the window the flags asked for holds none of what
// spans [first, last] (none: "data", "load-test samples"; subject: "data",
// "load test"), naming the flags' values, the window they resolved to and
// that span.
func windowWarning(window string, skip time.Duration, from, to, first, last int64, zone *time.Location, none, subject string) string {
	var flags []string
	if window != "" {
		flags = append(flags, "--window "+window)
	}
	if skip != 0 {
		flags = append(flags, "--skip "+skip.String())
	}
	edge := func(ms int64, name string) string {
		if ms == 0 {
			return name
		}
		return time.UnixMilli(ms).In(zone).Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("%s (%s .. %s) holds no %s: the %s spans %s", strings.Join(flags, " "),
		edge(from, "the start"), edge(to, "the end"), none, subject, span(first, last, zone))
}

// reportPlan reads the test plan the report joins: --plan, else with a JTL
// among the sources and not --no-plan, the one .jmx in the JTL's directory
// (none when there are several: which one ran cannot be told). Its values
// resolve against the --jmeter-props files the JTL was read with. It says
// on stderr which plan it found.
func reportPlan(path string, off bool, st *store.Store, pf planFlags) (*plan.Plan, []plan.Finding, error) {
	if path != "" && off {
		return nil, nil, usageErr("--plan and --no-plan together: give one")
	}
	if path == "" && !off {
		var names []string
		for _, src := range st.Sources {
			if src.Info.Kind == sources.KindJTL {
				names = append(names, src.Info.Name)
			}
		}
		path = planBeside(names)
		if path != "" {
			printWarning("plan: %s (found beside the results; --no-plan leaves it out)", path)
		}
	}
	if path == "" {
		return nil, nil, nil
	}
	p, findings, err := pf.lint(path)
	if err != nil {
		return nil, nil, err
	}
	return p, findings, nil
}

// planBeside returns the one .jmx file in the directory of the first JTL
// of jtls, "" when there is none or more than one.
func planBeside(jtls []string) string {
	if len(jtls) == 0 {
		return ""
	}
	found, _ := filepath.Glob(filepath.Join(filepath.Dir(jtls[0]), "*.jmx"))
	if len(found) == 1 {
		return found[0]
	}
	return ""
}

// dashPlan is what the dashboard draws of a test plan.
type dashPlan struct {
	// threads is the enabled thread groups' planned threads since the
	// test's start, added up, ok only where every one of them says.
	threads func(time.Duration) (float64, bool)
	// rate is the throughput the plan's timers aim at, nil without one.
	rate func(time.Duration) (float64, bool)
	name string            // the plan's file name
	view *sources.PlanView // samplers by label, the folded tree, findings
}

// dashboardPlan reads the test plan the dashboard draws beside the results
// (--plan, or the one .jmx beside a JTL); nil without a plan.
func dashboardPlan(path string, off bool, srcs []sources.Source, pf planFlags) (*dashPlan, error) {
	if path != "" && off {
		return nil, usageErr("--plan and --no-plan together: give one")
	}
	if path == "" && !off {
		var names []string
		for _, s := range srcs {
			if s.Info().Kind == sources.KindJTL {
				names = append(names, s.Info().Name)
			}
		}
		path = planBeside(names)
	}
	if path == "" {
		return nil, nil
	}
	p, findings, err := pf.lint(path)
	if err != nil {
		return nil, err
	}
	dp := &dashPlan{name: filepath.Base(path), view: p.View(findings)}
	if rate := p.PlannedThroughput(); rate != nil {
		dp.rate = func(d time.Duration) (float64, bool) { return rate(d.Seconds()) }
	}
	var groups []*plan.ThreadGroup
	for _, tg := range p.ThreadGroups {
		if tg.Element.Active() {
			groups = append(groups, tg)
		}
	}
	if len(groups) == 0 {
		return dp, nil
	}
	dp.threads = func(d time.Duration) (float64, bool) {
		sum := 0.0
		for _, tg := range groups {
			n, ok := tg.Planned(d.Seconds())
			if !ok {
				return 0, false
			}
			sum += n
		}
		return sum, true
	}
	return dp, nil
}

// headlessGCPercent is the garbage collector's target for the headless
// commands (report, check, record) unless GOGC says otherwise: the store's
// live heap grows with the run (a 1 GiB JTL of 49 labels holds about 90 MB
// at its end, mostly the last hour's per-label seconds), and at Go's default
// of 100 the heap reaches twice that before a collection, past the 150 MiB
// such a report may take. At 50 the collector runs twice as often, a few
// per cent of the CPU time instead of one or two.
const headlessGCPercent = 50

// headlessGC sets headlessGCPercent unless the user set GOGC.
func headlessGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(headlessGCPercent)
	}
}
