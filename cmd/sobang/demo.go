package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/sobang/sobang/cmd/sobang/internal/demo"
	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/jtl"
	"github.com/sobang/sobang/sources/logs"
	"github.com/sobang/sobang/sources/metrics/scrape"
)

const demoExamples = `  # Three minutes of load; the incident starts 30 s in and lasts 30 s
  sobang demo

  # A shorter run whose files stay in ./run1 for later
  sobang demo --duration 1m --dir ./run1
  sobang ./run1/results.jtl ./run1/bank-service.log`

func newDemoCmd() *cobra.Command {
	var duration time.Duration
	var dir string
	var df dashFlags
	var utc bool
	cmd := &cobra.Command{
		Use:   "demo [--duration 3m] [--dir DIR]",
		Short: "Watch a built-in bank service under load, with a scripted incident",
		Long: `demo starts, inside this process, a small bank-like HTTP service on 127.0.0.1
with a Prometheus /metrics endpoint and a Spring Boot style log, and a load
generator that writes a JMeter CSV JTL. The dashboard reads them the way it
reads yours: tailing the JTL and the log, scraping /metrics over HTTP.

30 s after start the connection pool's database slows down for 30 s: latency
climbs, the pool saturates, requests time out with 503 and the log fills with
errors; then it recovers. When --duration ends only the load stops (the status
bar says LOAD ENDED). q quits at any time and prints where the files are.`,
		Example: demoExamples,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := positiveDurations(cmd.Flags(), "duration", "range", "since"); err != nil {
				return err
			}
			theme, err := loadTheme(df.theme)
			if err != nil {
				return err
			}
			if df.record != "" {
				if err := checkRecordTarget(df.record, nil); err != nil {
					return err
				}
			}
			start := time.Now()
			if dir == "" {
				dir, err = os.MkdirTemp("", "sobang-demo-")
				if err != nil {
					return &exitError{exitFailure, err}
				}
			}
			hub := sources.NewHub()
			world, err := demo.Start(context.Background(), demo.Config{
				Dir: dir, Duration: duration, Start: start,
				OnPanic: func(v any, stack []byte) { hub.ReportPanic("demo", v, stack) },
			})
			if err != nil {
				return &exitError{exitFailure, fmt.Errorf("demo: %w", err)}
			}
			srcs := []sources.Source{
				jtl.New(sources.Info{Name: world.JTLPath(), Kind: sources.KindJTL, Wait: true, Clock: clock}, jtl.Options{Follow: true}),
				scrape.New(sources.Info{Name: world.MetricsURL(), Kind: sources.KindScrape, Clock: clock}, scrape.Options{Follow: true}),
				logs.New(sources.Info{Name: world.LogPath(), Kind: sources.KindLog, Wait: true, Clock: clock}, logs.Options{Follow: true}),
			}
			zone := time.Local
			if utc {
				zone = time.UTC
			}
			runErr := runDashboard(dashboardConfig{
				sources: srcs, theme: theme, rangeDur: df.rangeDur, since: df.since, zone: zone,
				noMouse: df.noMouse, loadEnded: world.LoadEnded(), hub: hub, setup: df.apdex.apply, record: df.record,
			})
			closeErr := world.Close()
			fmt.Fprintf(cmd.OutOrStdout(), "The demo's files are in %s\nOpen them again with:\n  sobang %s %s\n",
				dir, world.JTLPath(), world.LogPath())
			if runErr != nil {
				return runErr
			}
			if closeErr != nil {
				return &exitError{exitFailure, closeErr}
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&duration, "duration", 3*time.Minute, "how long the load runs (the service keeps answering after)")
	cmd.Flags().StringVar(&dir, "dir", "", "directory for the JTL and log (default: a new temporary directory)")
	cmd.Flags().BoolVar(&utc, "utc", false, "show times in UTC instead of the local zone")
	df.register(cmd)
	return cmd
}
