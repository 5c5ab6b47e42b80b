package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sobang/sobang/cmd/sobang/internal/config"
	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/analysis/slo"
	"github.com/sobang/sobang/sources/store"
)

const checkExamples = `  # Gate a saved run: exit 1 when an objective fails
  sobang check results.jtl --slo 'p95<500ms' --slo 'error_rate<1%'

  # One label, after a minute of warm-up; quote a name that holds ':'
  sobang check results.jtl --window +60s.. \
    --slo 'label=POST transfer:p99<800ms' \
    --slo 'label="GET http://bank:8080/balance":p95<300ms'

  # GitHub Actions: the step fails when an objective does
  - name: Load test
    run: jmeter -n -t plan.jmx -l results.jtl
  - name: SLO gate
    run: >-
      sobang check results.jtl
      --slo 'p95<500ms' --slo 'error_rate<1%'
      --slo 'label=POST transfer:p99<800ms'

  # Jenkins (declarative): a missed objective marks the build unstable,
  # unreadable results fail it
  stage('SLO gate') {
    steps {
      script {
        def rc = sh(returnStatus: true,
          script: "sobang check results.jtl --slo 'p95<500ms' --slo 'error_rate<1%'")
        if (rc == 1) { unstable('load-test objectives missed') }
        else if (rc != 0) { error('sobang check could not read the results') }
      }
    }
  }`

func newCheckCmd() *cobra.Command {
	var sf sourceFlags
	var objectives []string
	var window string
	var skip time.Duration
	var apdex apdexFlag
	cmd := &cobra.Command{
		Use:   "check [SOURCE...] --slo OBJECTIVE [--slo OBJECTIVE...] [--window START..END]",
		Short: "Check load-test results against objectives, for CI",
		Long: `check reads load-test results to their end and decides each --slo objective
over the run (or --window), printing one line per objective:

  PASS  p95 < 500ms  (measured 312ms)
  FAIL  label=POST transfer: p99 < 800ms  (measured 1.2s)

It exits 0 when every objective passes, 1 when one fails (or names a label
that has no samples), and 2 on bad input: a malformed objective, no readable
source (a missing file is never waited for), or no sample at all in the
window, which names the window and the load test's span.

An objective is [label=NAME:]METRIC OP VALUE[UNIT]:
  METRIC  p50 p90 p95 p99 max mean (ms or s, always written: p95<500ms)
          error_rate (%, or a ratio below 1: error_rate<1% is
          error_rate<0.01; a bare 1 or more is refused as a likely %)
          throughput (samples per second, rps)
          apdex (a score from 0 to 1; see --apdex)
  OP      < <= > >=
  NAME    a label as written in the results, up to the first ':'; double-quote
          a name that contains ':' ("" stands for a quote inside)
Without a label an objective is about the totals of the requests
(transactions and sub-results excluded), as the report's; apdex, as the
report's and JMeter's, counts transactions too. Counts, errors, mean, max,
throughput and APDEX are exact. Percentiles are nearest-rank: for JMeter
and Gatling results, whose times are whole milliseconds, the exact value
over the run or --window, a time some sample had, so a p95 of exactly 8ms
fails p95<8ms and passes p95<=8ms; for k6, whose times are fractional
milliseconds, an estimate within 1%, which the line says.

A Locust --csv set or a k6 summary (--summary-export) holds the tool's own
figures, not samples: objectives are decided against them as written (the
Aggregated row, or the label's row) over the whole run, so --window and
--skip are refused, as is a mix with sample files. A metric the tool did not
write (a percentile it was not asked for; APDEX, always) fails with the
reason; several such sources add their counts, but have no percentiles.

Quote each objective for the shell: < and > redirect otherwise.`,
		Example: checkExamples,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(objectives) == 0 {
				return usageErr("check needs at least one --slo, e.g. --slo 'p95<500ms'")
			}
			objs, err := parseObjectives(objectives)
			if err != nil {
				return err
			}
			// A gate judges finished results: a missing file is an error,
			// never something to wait for (a CI job would hang), and a file
			// read as soon as it appeared would be judged half written.
			if sf.wait {
				return usageErr("--wait: check judges finished results and never waits; run it once the test has written them")
			}
			sf.headless = true
			specs, err := sf.specs(args)
			if err != nil {
				return err
			}
			if len(specs) == 0 {
				return usageErr("check needs at least one SOURCE (a load-test result file)")
			}
			st, _, errs, err := readExact(&sf, specs, 0, window, skip, apdex.apply)
			if err != nil {
				return err
			}
			read := 0
			for i, s := range st.Sources {
				if errs[i] == nil || s.Rows > 0 {
					read++
				}
				if errs[i] != nil {
					printWarning("%v", errs[i])
				}
				for _, w := range s.Warnings {
					printWarning("%s: %s", s.Name, w)
				}
				if s.BadRows > 0 {
					first := ""
					if len(s.Bad) > 0 {
						first = ", the first at " + s.Bad[0].String()
					}
					printWarning("%s: %d bad rows left out%s", s.Name, s.BadRows, first)
				}
			}
			if read == 0 {
				return usageErr("no input could be read")
			}
			// A window counted from a log hours off its load test would
			// judge the wrong part of the run.
			for _, w := range clockWarnings(st, sf.displayZone()) {
				printWarning("%s", w)
			}
			var results []slo.Result
			if st.Load.HasAggregates() {
				results, err = checkAggregates(st, objs, window != "" || skip != 0)
				if err != nil {
					return err
				}
			} else {
				first, _, _ := st.DataRange()
				from, to, err := resolveWindow(window, first, sf.displayZone(), skip)
				if err != nil {
					return err
				}
				results, err = slo.Evaluate(st.Load, from, to, objs)
				if err != nil {
					return checkEvalErr(err, st, window, skip, from, to, sf.displayZone(), args)
				}
			}
			var out strings.Builder
			failed := 0
			for _, r := range results {
				out.WriteString(safeText(r.String()) + "\n") // an objective, pasted from a CI script, is outside text too
				if !r.Pass {
					failed++
				}
			}
			if _, err := fmt.Fprint(cmd.OutOrStdout(), out.String()); err != nil {
				return &exitError{exitFailure, err}
			}
			if failed > 0 {
				return &exitError{exitFailure, fmt.Errorf("%d of %d objectives failed", failed, len(results))}
			}
			return nil
		},
	}
	sf.register(cmd.Flags())
	_ = cmd.Flags().MarkHidden("wait") // refused: a gate never waits
	cmd.Flags().StringArrayVar(&objectives, "slo", nil, "an objective, e.g. 'p95<500ms' or 'label=POST transfer:error_rate<1%' (repeatable)")
	cmd.Flags().StringVar(&window, "window", "", "check only START..END, e.g. +60s.. to skip a minute of warm-up (see 'sobang --help' for TIME)")
	cmd.Flags().DurationVar(&skip, "skip", 0, "leave out the first D of the run (warm-up), e.g. 60s")
	cmd.Flags().Var(&apdex, "apdex", "APDEX thresholds SATISFIED:TOLERATED (default 500ms:1500ms, as JMeter's)")
	return cmd
}

// checkEvalErr turns an error of slo.Evaluate into the command's. A window
// (--window, --skip) with no sample is an error, not a pass: a gate that
// judged nothing must not let a build through.
func checkEvalErr(err error, st *store.Store, window string, skip time.Duration, from, to int64, zone *time.Location, args []string) error {
	if !errors.Is(err, slo.ErrNoSamples) {
		return &exitError{exitFailure, err}
	}
	first, last, ok := loadSpan(st)
	if ok && (window != "" || skip != 0) {
		return usageErr("no load-test samples to check: %s", windowWarning(window, skip, from, to, first, last, zone, "load-test samples", "load test"))
	}
	return usageErr("no load-test samples to check in %s", strings.Join(args, ", "))
}

// loadSpan returns the first and last sample time over the load-test
// sources.
func loadSpan(st *store.Store) (firstMS, lastMS int64, ok bool) {
	for _, s := range st.Sources {
		if s.Info.Kind.Group() != sources.KindLoadTest || !s.HasData() {
			continue
		}
		if !ok || s.FirstMS < firstMS {
			firstMS = s.FirstMS
		}
		lastMS = max(lastMS, s.LastMS)
		ok = true
	}
	return firstMS, lastMS, ok
}

// checkAggregates decides the objectives against the final figures of
// sources that give a tool's own aggregates (Locust sets, k6 summaries).
// Those figures cover the whole run and cannot be pooled with samples, so a
// window and a mix with sample sources are usage errors.
func checkAggregates(st *store.Store, objs []slo.Objective, windowed bool) ([]slo.Result, error) {
	var srcs []slo.AggregateSource
	var aggNames, sampleNames []string
	isAgg := map[int]bool{}
	for _, set := range st.Load.AggregateSets() {
		info := st.Sources[set.Source].Info
		isAgg[set.Source] = true
		aggNames = append(aggNames, st.Sources[set.Source].Name)
		from := "the tool's figures"
		switch info.Kind {
		case sources.KindLocust:
			from = "Locust's figures"
		case sources.KindK6:
			from = "the k6 summary"
		}
		srcs = append(srcs, slo.AggregateSource{From: from, Set: set})
	}
	for i, s := range st.Sources {
		if !isAgg[i] && s.Info.Kind.Group() == sources.KindLoadTest {
			sampleNames = append(sampleNames, s.Name)
		}
	}
	if !st.Load.Empty() {
		return nil, usageErr("check cannot judge samples (%s) and a tool's own aggregates (%s) together: check them in separate runs",
			strings.Join(sampleNames, ", "), strings.Join(aggNames, ", "))
	}
	if windowed {
		return nil, usageErr("--window and --skip cannot apply to %s: a tool's final figures cover the whole run", strings.Join(aggNames, ", "))
	}
	results, err := slo.EvaluateAggregates(srcs, objs)
	if errors.Is(err, slo.ErrNoFigures) {
		return nil, usageErr("no final figures to check in %s (a Locust set's _stats.csv, a k6 summary's request metrics)", strings.Join(aggNames, ", "))
	}
	return results, err
}

// apdexFlag is --apdex SATISFIED:TOLERATED, two durations (a bare number is
// milliseconds) in whole milliseconds.
type apdexFlag struct {
	satisfiedMS, toleratedMS int64
	set                      bool
}

func (a *apdexFlag) String() string {
	if !a.set {
		return ""
	}
	return fmt.Sprintf("%dms:%dms", a.satisfiedMS, a.toleratedMS)
}

func (a *apdexFlag) Type() string { return "T:F" }

func (a *apdexFlag) Set(text string) error {
	sat, tol, err := config.ParseApdex(text)
	if err != nil {
		return err
	}
	a.satisfiedMS, a.toleratedMS, a.set = sat, tol, true
	return nil
}

// apply sets the thresholds on a store before anything is read into it.
func (a *apdexFlag) apply(st *store.Store) {
	if a.set {
		// Set only on a new store, whose thresholds cannot be refused.
		_ = st.Load.SetApdex(a.satisfiedMS, a.toleratedMS)
	}
}

// parseObjectives reads the --slo flags.
func parseObjectives(texts []string) ([]slo.Objective, error) {
	objs := make([]slo.Objective, 0, len(texts))
	for _, text := range texts {
		o, err := slo.Parse(text)
		if err != nil {
			return nil, usageErr("--slo: %v", err)
		}
		objs = append(objs, o)
	}
	return objs, nil
}
