package tui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

// incidentRun is a live run seen through a file: each second ten requests
// start 100 ms apart; they are written when they end. From +10 s on, the
// first three of each second fail fast (100 ms) while the others succeed
// slowly (2.5 s), so a second's fast failures arrive seconds before its
// successes; the second's final error rate is 30%.
func incidentRun(base time.Time, seconds int) []sources.Sample {
	var out []sources.Sample
	for sec := range seconds {
		for i := range 10 {
			s := sources.Sample{StartMS: base.Add(time.Duration(sec)*time.Second + time.Duration(i)*100*time.Millisecond).UnixMilli(),
				ElapsedMS: 2500, Label: "POST transfer", Code: "200", Success: true, AllThreads: 10, GrpThreads: -1, LatencyMS: -1, ConnectMS: -1}
			if sec >= 10 && i < 3 {
				s.ElapsedMS, s.Code, s.Success = 100, "503", false
			}
			out = append(out, s)
		}
	}
	return out
}

// The load pane's legend and the readout line above the status line, each
// with the cursor's second, whether it is settling, and its error rate.
var (
	legendErrRe  = regexp.MustCompile(`at (\d\d:\d\d:\d\d)( settling)?  \S+: \S+ ok \S+  (?:\S+ )?errors \S+ \(([0-9.]+)%\)`)
	readoutErrRe = regexp.MustCompile(`at (\d\d:\d\d:\d\d)( settling)?  requests \S+  errors ([0-9.]+)%`)
)

// TestLiveHeadlineNeverShowsAnUnsettledErrorRate feeds a live source whose
// slow successes arrive after its fast failures, as they are written, and
// reads the load pane's headline every 100 ms: a figure it shows as final
// is the second's final one; one it shows before is marked settling.
func TestLiveHeadlineNeverShowsAnUnsettledErrorRate(t *testing.T) {
	base := t0.Truncate(time.Second)
	run := incidentRun(base, 40)
	final := map[string]string{}
	for _, s := range run {
		at := time.UnixMilli(s.StartMS).UTC().Format("15:04:05")
		final[at] = "0.0"
		if time.UnixMilli(s.StartMS).Sub(base) >= 10*time.Second {
			final[at] = "30.0"
		}
	}
	st := store.New([]sources.Info{{Name: "live.jtl", Kind: sources.KindJTL}})
	h := sources.Health{State: sources.StateFollowing, Detail: "following live.jtl", Since: base}
	st.Apply(sources.Batch{Source: 0, CaughtUp: true, Health: &h})
	clock := sources.NewManualClock(base)
	m := storeModel(st, base, 120, 40)
	m.opt.Clock = clock
	written := make([]bool, len(run))
	finalShown := 0
	matched := map[*regexp.Regexp]int{}
	for now := base; now.Before(base.Add(40 * time.Second)); now = now.Add(100 * time.Millisecond) {
		clock.Set(now)
		var batch []sources.Sample
		for i, s := range run {
			if !written[i] && s.StartMS+int64(s.ElapsedMS) <= now.UnixMilli() {
				written[i] = true
				batch = append(batch, s)
			}
		}
		if len(batch) > 0 {
			st.Apply(sources.Batch{Source: 0, Samples: batch, Rows: len(batch)})
		}
		m.ingest()
		frame := plain(m.Render())
		if _, mode := statusOf(t, frame); mode != "LIVE" {
			t.Fatalf("at %s the session is %s, want LIVE", now.Format("15:04:05.0"), mode)
		}
		for _, re := range []*regexp.Regexp{legendErrRe, readoutErrRe} {
			mm := re.FindStringSubmatch(frame)
			if mm == nil {
				continue // no request of the cursor's second yet
			}
			matched[re]++
			if mm[2] != "" {
				continue // said not to be final
			}
			want, ok := final[mm[1]]
			if !ok {
				continue // a second without requests
			}
			if mm[3] != want {
				t.Fatalf("at %s the headline shows %s%% errors for %s as final, which ends at %s%%:\n%s",
					now.Format("15:04:05.0"), mm[3], mm[1], want, lineWith(frame, mm[0]))
			}
			if mm[3] == "30.0" {
				finalShown++
			}
		}
	}
	if matched[legendErrRe] == 0 || matched[readoutErrRe] == 0 {
		t.Fatalf("the legend or the readout was never read (%d, %d): the patterns are out of date", matched[legendErrRe], matched[readoutErrRe])
	}
	if finalShown == 0 {
		t.Fatal("the headline never showed the incident's final error rate")
	}
	// Paused on the newest second, whose slow requests are still running,
	// the headline says it is settling.
	now := clock.Now()
	m.tl.SetCursor(now.Add(-time.Second).UnixMilli(), now.UnixMilli())
	for _, what := range []string{" ok ", "requests"} {
		if line := lineWith(plain(m.Render()), what); !strings.Contains(line, "settling") {
			t.Fatalf("the newest second must be marked settling: %q", line)
		}
	}
}
