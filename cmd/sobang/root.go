package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sobang/sobang/cmd/sobang/internal/timespec"
	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
	"github.com/sobang/sobang/tui/timeline"
)

// dashFlags are the dashboard's own flags.
type dashFlags struct {
	rangeDur time.Duration
	since    time.Duration
	theme    string
	noMouse  bool
	apdex    apdexFlag
	record   string   // --record: the recording to write, "" for none
	plan     string   // --plan: the test plan beside the results
	noPlan   bool     // --no-plan
	defines  []string // -J: the plan's properties
}

func (d *dashFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.DurationVar(&d.rangeDur, "range", timeline.DefaultRange, "visible time range while live")
	fs.DurationVar(&d.since, "since", 0, "open a live session whose range starts this long ago, e.g. 2h")
	fs.StringVar(&d.theme, "theme", themes.Default, "colour theme (see 'sobang themes')")
	fs.BoolVar(&d.noMouse, "no-mouse", false, "leave the mouse to the terminal (for selecting text)")
	fs.Var(&d.apdex, "apdex", "APDEX thresholds SATISFIED:TOLERATED (default 500ms:1500ms, as JMeter's)")
	fs.StringVar(&d.record, "record", "", "record everything the dashboard reads to `FILE` (a .sobang recording, which is a SOURCE and a --baseline); without it, R in the dashboard records from the moment it is pressed")
	fs.StringVar(&d.plan, "plan", "", "the JMeter test plan (.jmx) of the results: its planned threads and throughput drawn over the measured ones, its samplers beside the labels, p shows it (default: the one .jmx beside a JTL, if there is exactly one)")
	fs.BoolVar(&d.noPlan, "no-plan", false, "do not look for a .jmx beside the JTL")
	registerDefines(fs, &d.defines)
}

const rootExamples = `  # Watch the built-in demo: a bank service under load with an incident
  sobang demo

  # A JMeter run while it is written, with the service's log and metrics
  sobang --jtl results.jtl app.log http://localhost:8080/actuator/prometheus

  # Saved files: the dashboard opens paused on the whole run
  sobang results.jtl app.log.gz

  # The same run with the service's metrics from Prometheus over its range
  sobang results.jtl app.log.gz --prom http://prometheus:9090

  # Logs from a pipe stay interactive (keys are read from the terminal)
  kubectl logs -f deploy/bank | sobang -

  # A log written in Seoul time, another whose clock runs 2.5 s fast
  sobang results.jtl app.log@Asia/Seoul --log gw.log --offset gw.log=-2.5s`

func newRootCmd() *cobra.Command {
	var sf sourceFlags
	var df dashFlags
	cmd := &cobra.Command{
		Use:   "sobang [SOURCE...] [flags]",
		Short: "Trace a failure while it happens: load tests, metrics and logs on one time axis",
		Long: `sobang puts load-test results (JMeter, k6, Gatling, Locust), Prometheus
metrics and logs into linked panes on one time axis: move the cursor to the
second the error rate jumped and every pane shows that second.

A SOURCE is a file whose kind is detected from its content (a JMeter JTL in
CSV or XML, k6 output or summary, a Gatling simulation.log, a file of a Locust
--csv set, saved Prometheus metrics (an API answer's JSON or exposition text),
or a log; plain or gzip), - for a log on stdin, an
http(s)://.../metrics URL to scrape, or a .sobang recording (--record), which
stands for the sources it recorded. Use --jtl, --k6, --gatling, --locust,
--log and --scrape where detection cannot tell, or for files that do not
exist yet.

A TIME (--window, --at, --from) is RFC 3339 with a zone
(2026-11-25T12:38:19Z), a clock time HH:MM[:SS] in the display zone on the
data's first day, or an offset from the data's start (+90s). A window is
START..END; an empty side means the data's edge.`,
		Example:       rootExamples,
		Args:          cobra.ArbitraryArgs, // SOURCEs, not subcommands
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && len(sf.jtl) == 0 && len(sf.k6) == 0 && len(sf.gatling) == 0 && len(sf.log) == 0 && len(sf.logCmd) == 0 && len(sf.scrape) == 0 && len(sf.prom.urls) == 0 {
				fmt.Fprint(os.Stderr, shortUsage)
				return &exitError{exitUsage, fmt.Errorf("")}
			}
			if err := positiveDurations(cmd.Flags(), "range", "since"); err != nil {
				return err
			}
			theme, err := loadTheme(df.theme)
			if err != nil {
				return err
			}
			specs, err := sf.specs(args)
			if err != nil {
				return err
			}
			if df.record != "" {
				inputs := append([]string(nil), sf.baselines...)
				for _, s := range specs {
					inputs = append(inputs, s.name)
				}
				if err := checkRecordTarget(df.record, inputs); err != nil {
					return err
				}
			}
			srcs, err := sf.build(specs, true, os.Stdin)
			if err != nil {
				return err
			}
			// Said before the dashboard takes the screen, so it is still
			// there after it quits; the dashboard lists it too.
			for _, s := range srcs {
				for _, n := range notesOf(s) {
					printWarning("%s: %s", s.Info().Name, n)
				}
			}
			var base *store.Store
			if len(sf.baselines) > 0 {
				// Read once, before the dashboard takes the terminal.
				if base, err = readBaseline(&sf, sf.baselines, df.apdex.apply); err != nil {
					return err
				}
			}
			pl, err := dashboardPlan(df.plan, df.noPlan, srcs, planFlags{propFiles: sf.jtlf.props, defines: df.defines, configPath: sf.configPath})
			if err != nil {
				return err
			}
			return runDashboard(dashboardConfig{
				sources: srcs, theme: theme, rangeDur: df.rangeDur, since: df.since,
				zone: sf.displayZone(), noMouse: df.noMouse,
				setup: df.apdex.apply, baseline: base, paths: sf.configPaths(), record: df.record,
				plan: pl, marks: sf.marks, notes: sf.notes, copy: sf.cfg != nil && sf.cfg.Logs.Copy,
				thresholds: sf.thresholds(),
			})
		},
	}
	cmd.Version = versionString()
	sf.register(cmd.Flags())
	sf.registerBaseline(cmd.Flags())
	df.register(cmd)
	cmd.AddCommand(newDemoCmd(), newReportCmd(), newRecordCmd(), newBundleCmd(), newReplayCmd(), newCheckCmd(), newSnapshotCmd(), newPlanCmd(), newThemesCmd(), newVersionCmd())
	return cmd
}

const shortUsage = `Usage: sobang [SOURCE...] [flags]

  sobang demo                      watch a bank service under load, with an incident
  sobang results.jtl app.log       open saved files
  sobang --jtl run.jtl --scrape http://localhost:8080/metrics app.log
  sobang report results.jtl        print a report

Run 'sobang --help' for every flag.
`

// loadTheme resolves --theme, honouring NO_COLOR.
func loadTheme(name string) (themes.Theme, error) {
	if themes.NoColorRequested() {
		return themes.Plain(), nil
	}
	t, err := themes.Load(name, themes.UserDir())
	if err != nil {
		return t, &exitError{exitUsage, err}
	}
	return t, nil
}

// positiveDurations refuses each named duration flag that was given as 0 or
// less: --range 0s would draw nothing, --since -5m would start in the
// future and --duration -5s would not follow at all, each without a word.
func positiveDurations(fs *pflag.FlagSet, names ...string) error {
	for _, name := range names {
		fl := fs.Lookup(name)
		if fl == nil || !fl.Changed {
			continue
		}
		if d, err := time.ParseDuration(fl.Value.String()); err == nil && d <= 0 {
			return usageErr("%s", sources.Expected("--"+name, "a duration above 0", fl.Value.String()))
		}
	}
	return nil
}

// resolveWindow parses --window against the data's start and applies
// --skip (warm-up trimming: nothing before the data's start plus skip).
func resolveWindow(text string, dataStartMS int64, zone *time.Location, skip time.Duration) (int64, int64, error) {
	if skip < 0 {
		return 0, 0, usageErr("%s", sources.Expected("--skip", "a positive duration such as 60s", skip.String()))
	}
	from, to, err := parseWindow(text, dataStartMS, zone)
	if err != nil || skip == 0 {
		return from, to, err
	}
	from = max(from, dataStartMS+skip.Milliseconds())
	if to != 0 && to <= from {
		return 0, 0, usageErr("--skip %v leaves nothing of --window %s", skip, text)
	}
	return from, to, nil
}

func parseWindow(text string, dataStartMS int64, zone *time.Location) (int64, int64, error) {
	if text == "" {
		return 0, 0, nil
	}
	w, err := timespec.ParseWindow(text)
	if err != nil {
		return 0, 0, usageErr("--window: %v", err)
	}
	from, to, err := w.Resolve(timespec.Ref{DataStartMS: dataStartMS, Display: zone})
	if err != nil {
		return 0, 0, usageErr("--window: %v", err)
	}
	return from, to, nil
}
