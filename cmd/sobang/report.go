package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/sobang/sobang/cmd/sobang/internal/report"
	"github.com/sobang/sobang/sources"
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
	var apdex apdexFlag
	cmd := &cobra.Command{
		Use:   "report [SOURCE...] [--format text|json|markdown] [--window START..END]",
		Short: "Read sources to their end and print one report",
		Long: `report reads every source to its current end (or follows live sources for
--duration) and writes exactly one document to stdout: the sources read with
their row counts, bad rows and warnings, and a section per kind of source
(loadtest, metrics, logs). It exits 0 whenever it could write a report, even
with bad rows; 2 when no input could be read or the usage is wrong.`,
		Example: reportExamples,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" && format != "markdown" {
				return usageErr("%s", sources.Expected("--format", "text, json or markdown", format))
			}
			specs, err := sf.specs(args)
			if err != nil {
				return err
			}
			if len(specs) == 0 {
				return usageErr("report needs at least one SOURCE (a JTL, a log, a /metrics URL)")
			}
			srcs, err := sf.build(specs, duration > 0, os.Stdin)
			if err != nil {
				return err
			}
			st, errs := readAll(srcs, duration, apdex.apply)
			read := 0
			for i, s := range st.Sources {
				if errs[i] == nil || s.Rows > 0 {
					read++
				}
				if errs[i] != nil {
					s.Warnings = append(s.Warnings, safeText(errs[i].Error()))
					printWarning("%v", errs[i])
				}
			}
			if read == 0 {
				return usageErr("no input could be read")
			}
			first, _, _ := st.DataRange()
			from, to, err := resolveWindow(window, first, sf.displayZone(), skip)
			if err != nil {
				return err
			}
			opt := report.Options{FromMS: from, ToMS: to, Zone: sf.displayZone(), Now: clock.Now()}
			doc := report.Build(st, opt)
			if len(sf.baselines) > 0 {
				base, err := readBaseline(&sf, sf.baselines, apdex.apply)
				if err != nil {
					return err
				}
				report.AddBaseline(doc, st, base, opt)
			}
			if err := report.Write(cmd.OutOrStdout(), doc, format); err != nil {
				return &exitError{exitFailure, err}
			}
			return nil
		},
	}
	sf.register(cmd.Flags())
	cmd.Flags().StringVar(&format, "format", "text", "text, json or markdown")
	cmd.Flags().StringVar(&window, "window", "", "report only START..END (see 'sobang --help' for TIME)")
	cmd.Flags().DurationVar(&duration, "duration", 0, "follow live sources (growing files, scrapes) for this long")
	cmd.Flags().DurationVar(&skip, "skip", 0, "leave out the first D of the run (warm-up), e.g. 60s")
	sf.registerBaseline(cmd.Flags())
	cmd.Flags().Var(&apdex, "apdex", "APDEX thresholds SATISFIED:TOLERATED (default 500ms:1500ms, as JMeter's)")
	return cmd
}

// readAll runs every source to its end (or for duration) into a new store,
// after setup has configured it. Progress goes to stderr when stderr is a
// terminal.
func readAll(srcs []sources.Source, duration time.Duration, setup ...func(*store.Store)) (*store.Store, []error) {
	infos := make([]sources.Info, len(srcs))
	for i, s := range srcs {
		infos[i] = s.Info()
	}
	st := store.New(infos)
	st.SetClock(clock)
	for _, f := range setup {
		f(st)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if duration > 0 {
		ctx, cancel = context.WithTimeout(context.Background(), duration)
	}
	defer cancel()
	// The sources parse in their goroutines and push into the hub's bounded
	// queues; this goroutine alone owns the store and applies what they
	// send, so parsing and ingest run side by side, as in the dashboard.
	hub := sources.NewHub()
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
	pump := store.NewPump(hub, st, nil)
	for {
		if pump.Step().Batches > 0 {
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
