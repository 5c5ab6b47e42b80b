package main

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/record"
	"github.com/sobang/sobang/sources/store"
)

const recordExamples = `  # Record a finished run's files into one file to hand over
  sobang record results.jtl app.log --out run.sobang

  # On the load injector, without a terminal: follow the test and the
  # service's metrics for the night
  nohup sobang record --jtl results.jtl --scrape http://app:8080/metrics --duration 9h --out night.sobang &`

func newRecordCmd() *cobra.Command {
	var sf sourceFlags
	var out string
	var duration time.Duration
	cmd := &cobra.Command{
		Use:   "record [SOURCE...] --out FILE.sobang [--duration D]",
		Short: "Record sources to a .sobang file, without a terminal",
		Long: `record reads the sources as the dashboard would and records everything it
reads to a .sobang recording, which any command opens as the sources it
recorded. It needs no terminal (a load injector during a night run).

Without --duration, files are recorded whole, URLs scraped once, and it
exits. With --duration, live sources (growing files, /metrics URLs) are
followed, and files named by --jtl, --k6, --gatling, --locust or --log
waited for, until it ends or every source has ended. SIGINT, SIGTERM or
SIGHUP stop it early with the recording finished. Progress goes to stderr
when it is a terminal; warnings always.`,
		Example: recordExamples,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErr("record needs --out FILE.sobang, the recording to write")
			}
			if err := positiveDurations(cmd.Flags(), "duration"); err != nil {
				return err
			}
			return recordTo(&sf, args, out, duration, "record")
		},
	}
	sf.register(cmd.Flags())
	cmd.Flags().StringVar(&out, "out", "", "the recording to write (`FILE.sobang`)")
	cmd.Flags().DurationVar(&duration, "duration", 0, "follow live sources for this long (or until every source has ended), waiting for files named by --jtl, --k6, --gatling, --locust or --log to appear")
	return cmd
}

// recordTo records the sources sf and args name to out, for duration (0:
// complete files whole, and every source to its end), for the command cmd
// (record, bundle).
func recordTo(sf *sourceFlags, args []string, out string, duration time.Duration, cmd string) error {
	_, _, err := recordSources(sf, args, out, duration, cmd)
	return err
}

// recordSources is recordTo, returning also the store the sources were
// read into and the errors their runs ended with (nil when nothing was
// read), for the command to judge.
func recordSources(sf *sourceFlags, args []string, out string, duration time.Duration, cmd string) (*store.Store, []error, error) {
	sf.headless, sf.follow = true, duration > 0
	specs, err := sf.specs(args)
	if err != nil {
		return nil, nil, err
	}
	if len(specs) == 0 {
		return nil, nil, usageErr("%s needs at least one SOURCE (a JTL, a log, a /metrics URL)", cmd)
	}
	var inputs []string
	for _, s := range specs {
		inputs = append(inputs, s.name)
	}
	if err := checkRecordingTarget("--out", out, inputs); err != nil {
		return nil, nil, err
	}
	srcs, err := sf.build(specs, duration > 0, os.Stdin)
	if err != nil {
		return nil, nil, err
	}
	infos := make([]sources.Info, len(srcs))
	for i, s := range srcs {
		infos[i] = s.Info()
	}
	w, err := record.Create(out, infos, clock)
	if err != nil {
		return nil, nil, &exitError{exitUsage, err}
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	sig := stopOnSignal(stop)
	st, errs := readAllInto(ctx, srcs, duration, w.Write)
	caught := sig()
	closeErr := w.Close()
	read := warnRead(st, srcs, errs, false)
	if closeErr != nil {
		return st, errs, &exitError{exitFailure, fmt.Errorf("the recording stopped early: %v", closeErr)}
	}
	if read == 0 {
		return st, errs, usageErr("no input could be read; %s holds nothing", out)
	}
	fmt.Fprintf(os.Stderr, "recorded %d sources to %s\n", len(srcs), safeText(out))
	if caught != 0 {
		return st, errs, &exitError{128 + int(caught), fmt.Errorf("stopped by %s", signalName(caught))}
	}
	return st, errs, nil
}

// stopOnSignal calls stop on the first stop signal; see onStopSignal for
// what it returns.
func stopOnSignal(stop func()) (caught func() syscall.Signal) {
	return onStopSignal(func(<-chan struct{}) { stop() })
}

// recordingWarnings returns what reading a recording found wrong, when src
// is the first source of one (see record.ReadWarnings).
func recordingWarnings(src sources.Source) []string {
	for {
		switch s := src.(type) {
		case infoSource:
			src = s.Source
		case notedSource:
			src = s.Source
		default:
			return record.ReadWarnings(src)
		}
	}
}
