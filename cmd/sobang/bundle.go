package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sobang/sobang/cmd/sobang/internal/timespec"
	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

const bundleExamples = `  # Last night's run for a colleague without access to that Prometheus
  sobang bundle results.jtl app.log --prom http://prometheus:9090 --out run.sobang

  # Only the metrics of the ten minutes around the failure, two queries of one's own
  sobang bundle results.jtl --prom http://prometheus:9090 --window 03:05..03:15 \
    --query 'rate(http_server_requests_seconds_count{status=~"5.."}[1m])' \
    --query 'hikaricp_connections_pending' --out incident.sobang`

func newBundleCmd() *cobra.Command {
	var sf sourceFlags
	var out, window string
	cmd := &cobra.Command{
		Use:   "bundle [SOURCE...] --prom URL [--query Q] [--window START..END] --out FILE.sobang",
		Short: "Pack a finished run's files and its Prometheus ranges into one .sobang file",
		Long: `bundle packs a finished run into one .sobang recording that anyone opens
without access to its servers: the files named (results, logs, saved
metrics) whole, and from each --prom server the ranges over the run's time
span: the series chosen without a query (as the dashboard charts them), or
each --query. --window narrows the ranges asked for to a part of the run
(a TIME of the data, see 'sobang --help'); the files are packed whole.

The ranges are recorded as points, so the bundle replays (sobang replay),
reports and snapshots without the server. Credentials (--http-config) are
never recorded, and log lines are masked before they are (see Redaction).
A server that answers nothing leaves the bundle without its metrics: bundle
then exits 1, the file holding everything else.`,
		Example:       bundleExamples,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErr("bundle needs --out FILE.sobang, the file to write")
			}
			if window != "" {
				if _, err := timespec.ParseWindow(window); err != nil {
					return usageErr("--window: %v", err)
				}
			}
			sf.window = window
			st, errs, err := recordSources(&sf, args, out, 0, "bundle")
			if err != nil {
				return err
			}
			for i, s := range st.Sources {
				if s.Info.Kind != sources.KindPrometheus || (errs[i] == nil && seriesOf(st, i) > 0) {
					continue
				}
				why := "it held no series over the run's range"
				if errs[i] != nil {
					why = safeText(errs[i].Error())
				}
				return &exitError{exitFailure, fmt.Errorf("%s holds no metrics of %s: %s", safeText(out), s.Name, why)}
			}
			return nil
		},
	}
	sf.register(cmd.Flags())
	cmd.Flags().StringVar(&out, "out", "", "the bundle to write (`FILE.sobang`)")
	cmd.Flags().StringVar(&window, "window", "", "ask --prom for START..END of the run only (see 'sobang --help' for TIME); the files are packed whole")
	return cmd
}

// seriesOf counts the metric series source i gave st.
func seriesOf(st *store.Store, i int) int {
	n := 0
	for _, f := range st.Metrics.Families() {
		for _, s := range f.Series {
			if s.Source == i {
				n++
			}
		}
	}
	return n
}
