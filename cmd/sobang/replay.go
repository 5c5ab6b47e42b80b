package main

import (
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/sobang/sobang/cmd/sobang/internal/config"
	"github.com/sobang/sobang/cmd/sobang/internal/timespec"
	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/record"
	"github.com/sobang/sobang/themes"
	"github.com/sobang/sobang/tui/timeline"
)

const replayExamples = `  # Last night's run at ten times its speed
  sobang replay night.sobang --speed 10

  # From five minutes before the failure
  sobang replay night.sobang --from 03:12 --speed 4`

func newReplayCmd() *cobra.Command {
	var speed float64
	var from, themeName string
	var rangeDur time.Duration
	var noMouse, utc bool
	var apdex apdexFlag
	cmd := &cobra.Command{
		Use:   "replay FILE.sobang [--speed 10] [--from TIME]",
		Short: "Play a recording back in the dashboard, at its pace or faster",
		Long: `replay opens a .sobang recording in the dashboard and plays it: a clock in
the recording's data time (the times inside the records) starts at the data's
start, or at --from, and runs --speed times as fast as the real one; the
cursor follows it as it follows now in a live session.

What a source read when the recording started (a file recorded whole) is
there from the start and the clock sweeps over it; what it read later (a
file written while recorded, a /metrics URL) appears when the clock reaches
the newest data time in each batch it read, in the order it was recorded.

space pauses and plays on from the cursor, { and } halve and double the
speed, moving the cursor pauses (the past stays shown), and at the end the
replay pauses on the last second. Opened without replay (sobang
FILE.sobang), a recording shows all of it at once, paused.`,
		Example:       replayExamples,
		Args:          cobra.ExactArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if speed < sources.MinReplaySpeed || speed > sources.MaxReplaySpeed {
				return usageErr("%s", sources.Expected("--speed", "a number from 0.0625 to 4096", strconv.FormatFloat(speed, 'g', -1, 64)))
			}
			if err := positiveDurations(cmd.Flags(), "range"); err != nil {
				return err
			}
			var inst timespec.Instant
			var err error
			if from != "" {
				if inst, err = timespec.ParseInstant(from); err != nil {
					return usageErr("--from: %v", err)
				}
			}
			theme, err := loadTheme(themeName)
			if err != nil {
				return err
			}
			path := args[0]
			rec, err := record.Open(path)
			if err != nil {
				return &exitError{exitUsage, err}
			}
			for _, w := range rec.Warnings {
				printWarning("%s", safeText(w))
			}
			if rec.Version() == 1 {
				return usageErr("%s: a recording of the first format has no data times to replay by; sobang %s opens it whole", path, path)
			}
			first, last, ok := rec.DataSpan()
			if !ok {
				return usageErr("%s: no timed record to replay (sobang %s opens it whole)", path, path)
			}
			zone := time.Local
			if utc {
				zone = time.UTC
			}
			start := first
			if from != "" {
				ms := inst.Resolve(timespec.Ref{DataStartMS: first.UnixMilli(), Display: zone})
				if ms < first.UnixMilli() || ms > last.UnixMilli() {
					return usageErr("--from %s is outside the recording (%s to %s)", from,
						first.In(zone).Format(time.RFC3339), last.In(zone).Format(time.RFC3339))
				}
				start = time.UnixMilli(ms)
			}
			// The live cursor sits timeline.LiveLag behind the clock: the
			// clock starts that far in, so that the cursor starts on the
			// data's first second, or on --from.
			start = start.Add(timeline.LiveLag)
			if start.After(last) {
				start = last
			}
			rc := sources.NewReplayClock(sources.Wall, start, last, speed)
			marks, _ := rec.Marks() // damaged frames are said by the sources' pass
			return runDashboard(dashboardConfig{
				sources: rec.Paced(rc), theme: theme, rangeDur: rangeDur, zone: zone, noMouse: noMouse,
				setup: apdex.apply, replay: rc, marks: record.SetMarks(marks), notes: record.MarkNotes(marks), copy: copyAllowed(),
			})
		},
	}
	fs := cmd.Flags()
	fs.Float64Var(&speed, "speed", 1, "how many times as fast as the recorded run to play (0.0625 to 4096)")
	fs.StringVar(&from, "from", "", "start at this TIME of the data (see 'sobang --help'); its start by default")
	fs.DurationVar(&rangeDur, "range", timeline.DefaultRange, "visible time range while playing")
	fs.StringVar(&themeName, "theme", themes.Default, "colour theme (see 'sobang themes')")
	fs.BoolVar(&noMouse, "no-mouse", false, "leave the mouse to the terminal (for selecting text)")
	fs.BoolVar(&utc, "utc", false, "show times in UTC instead of the local zone")
	fs.Var(&apdex, "apdex", "APDEX thresholds SATISFIED:TOLERATED (default 500ms:1500ms, as JMeter's)")
	return cmd
}

// copyAllowed reports whether the default configuration file lets y copy
// to the clipboard ([logs] copy); a file that cannot be read allows
// nothing, and the commands that read sources say why.
func copyAllowed() bool {
	cfg, err := config.Load("")
	return err == nil && cfg.Logs.Copy
}
