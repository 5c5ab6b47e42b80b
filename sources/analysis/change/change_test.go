package change

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

var t0 = time.Date(2026, 11, 25, 12, 30, 0, 0, time.UTC)

// incidentStore is two minutes of a run whose pool runs dry from +60 s to
// +90 s: requests fail with 503 and slow down, the pool's pending
// connections climb from 0, and a new ERROR template floods the log.
// Request rates and a throughput-bound counter barely move.
func incidentStore() *store.Store {
	st := store.New([]sources.Info{
		{Name: "run.jtl", Kind: sources.KindJTL},
		{Name: "http://127.0.0.1:9/metrics", Kind: sources.KindScrape},
		{Name: "app.log", Kind: sources.KindLog},
	})
	for sec := 0; sec < 120; sec++ {
		bad := sec >= 60 && sec < 90
		var samples []sources.Sample
		for i := 0; i < 20; i++ {
			s := sources.Sample{StartMS: t0.Add(time.Duration(sec)*time.Second + time.Duration(i*50)*time.Millisecond).UnixMilli(),
				ElapsedMS: int32(20 + (i*7+sec)%15), Label: []string{"GET account", "POST transfer"}[i%2], Code: "200", Success: true, AllThreads: 10}
			if bad && i%2 == 1 {
				s.ElapsedMS, s.Code, s.Success = 1000, "503", false
			}
			samples = append(samples, s)
		}
		st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples)})
		pending, active := 0.0, float64(3+sec%3)
		if bad {
			pending, active = float64(5+sec%7), 10
		}
		st.Apply(sources.Batch{Source: 1, Rows: 1, Scrapes: []sources.Scrape{{Time: t0.Add(time.Duration(sec) * time.Second), Up: true,
			Samples: []sources.MetricSample{
				{Name: "hikaricp_connections_pending", Labels: `pool="HikariPool-1"`, Type: sources.MetricGauge, Value: pending},
				{Name: "hikaricp_connections_active", Labels: `pool="HikariPool-1"`, Type: sources.MetricGauge, Value: active},
				{Name: "jvm_threads_live", Type: sources.MetricGauge, Value: float64(40 + sec%2)},
				// The requests' own latency: a symptom, listed after the pool.
				{Name: "http_server_duration_max", Labels: `uri="/api/transfer"`, Type: sources.MetricGauge, Value: map[bool]float64{true: 1.0, false: 0.03}[bad] + float64(sec%3)/1000},
			}}}})
		when := t0.Add(time.Duration(sec)*time.Second + 500*time.Millisecond)
		entries := []sources.LogEntry{{Time: when, Level: sources.LevelInfo, LevelText: "INFO", LevelCol: 0, LineNo: sec*3 + 1,
			Lines: []string{fmt.Sprintf("INFO Account %d loaded in %d ms", 100000+sec, 5+sec%9)}}}
		if bad {
			entries = append(entries, sources.LogEntry{Time: when, Level: sources.LevelError, LevelText: "ERROR", LevelCol: 0, LineNo: sec*3 + 2,
				Lines: []string{fmt.Sprintf("ERROR HikariPool-1 - Connection is not available, request timed out after %dms", 1000+sec%3)}})
		}
		st.Apply(sources.Batch{Source: 2, Entries: entries, Rows: len(entries)})
	}
	return st
}

// TestRankPutsTheCauseFirst ranks the incident's window against the half
// minute before it: the pool's pending connections, the new ERROR
// template, the failing label and the 503s lead; what did not change
// (live threads, the steady INFO template) is not listed, or far below.
func TestRankPutsTheCauseFirst(t *testing.T) {
	got := Rank(incidentStore(), t0.Add(60*time.Second).UnixMilli(), t0.Add(90*time.Second).UnixMilli())
	if len(got) == 0 {
		t.Fatal("no change found")
	}
	rank := map[string]int{}
	for i, c := range got {
		key := c.Kind + " " + c.Name
		if _, ok := rank[key]; !ok {
			rank[key] = i
		}
	}
	var list []string
	for i, c := range got {
		list = append(list, fmt.Sprintf("%d %s %q %s %.3g -> %.3g score %.3g", i, c.Kind, c.Name, c.What, c.Before, c.After, c.Score))
	}
	t.Log("\n" + strings.Join(list, "\n"))
	for _, want := range []string{
		`metric hikaricp_connections_pending{pool="HikariPool-1"}`,
		`log HikariPool-<*> - Connection is not available, request timed out after <*>ms`,
		`label POST transfer`,
		`code 503`,
	} {
		if r, ok := rank[want]; !ok || r >= 6 {
			t.Errorf("%s: rank %d (found %v), want among the first six", want, r, ok)
		}
	}
	if rs, rp := rank[`metric http_server_duration_max{uri="/api/transfer"}`], rank[`metric hikaricp_connections_pending{pool="HikariPool-1"}`]; rs < rp {
		t.Errorf("the requests' latency (a symptom) ranks %d, before the pool (%d)", rs, rp)
	}
	if r, ok := rank["metric jvm_threads_live"]; ok && r < 6 {
		t.Errorf("an unchanged metric ranks %d", r)
	}
	if r, ok := rank["label GET account"]; ok && r < 4 {
		t.Errorf("a label that did not fail ranks %d", r)
	}
	first := got[0]
	if first.FirstMS < t0.Add(60*time.Second).UnixMilli() || first.FirstMS > t0.Add(63*time.Second).UnixMilli() {
		t.Errorf("the top change's first second %v, want within 3 s of the incident's start", time.UnixMilli(first.FirstMS).UTC())
	}
}

func TestScore(t *testing.T) {
	flat := []float64{0, 0, 0, 0, 0}
	if c, ok := score(flat, []float64{10, 12, 11, 9, 10}, 0, 0); !ok || c.Before != 0 || c.After != 10 || c.Score <= 1 {
		t.Errorf("from a flat zero: %+v %v", c, ok)
	}
	noisy := []float64{10, 30, 5, 25, 15}
	if c, ok := score(noisy, []float64{14, 16, 15, 15, 15}, 0, 0); ok && c.Score > 1 {
		t.Errorf("a change within the noise scores %v", c.Score)
	}
	if _, ok := score([]float64{1, 2}, []float64{5, 6, 7}, 0, 0); ok {
		t.Error("too few values before")
	}
	if got := Rank(store.New(nil), 0, 2000); got != nil {
		t.Errorf("a two-second window: %v", got)
	}
}

// TestScoreIgnoresRounding: a rate computed from a counter differs from
// its neighbour in the last bits; that is no step of the series, and a
// fall from 0.05/s to 0.03/s scores like one step, not like 10^15 of them.
func TestScoreIgnoresRounding(t *testing.T) {
	noisy := math.Nextafter(0.05, 0)
	before := []float64{0.05, noisy, 0.05, noisy, 0.05, 0.05}
	c, ok := score(before, []float64{0.03, 0.03, 0.03, 0.03}, 0, 0)
	if !ok || c.Score > 10 {
		t.Errorf("score %v (%v), want about one step", c.Score, ok)
	}
	// A gauge that moves in whole steps keeps its resolution of one.
	if got := resolution([]float64{0, 0, 1, 0}, []float64{9, 11, 10}); got != 1 {
		t.Errorf("resolution %v, want 1", got)
	}
}

// rateStore is a minute of a run whose request rate falls to a quarter at
// +40 s (the users wait on something), with a counter of bytes sent that
// follows it, a queue that fills on its own, an INFO template whose entries
// follow the requests, and a new WARN template.
func rateStore() *store.Store {
	st := store.New([]sources.Info{
		{Name: "run.jtl", Kind: sources.KindJTL},
		{Name: "http://127.0.0.1:9/metrics", Kind: sources.KindScrape},
		{Name: "app.log", Kind: sources.KindLog},
	})
	sent := 0.0
	for sec := 0; sec < 60; sec++ {
		slow := sec >= 40
		n := 20
		if slow {
			n = 5
		}
		var samples []sources.Sample
		for i := range n {
			samples = append(samples, sources.Sample{StartMS: t0.Add(time.Duration(sec)*time.Second + time.Duration(i*40)*time.Millisecond).UnixMilli(),
				ElapsedMS: int32(20 + (i*7+sec)%15), Label: "GET account", Code: "200", Success: true, AllThreads: 10})
		}
		st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples)})
		sent += float64(n) * (1000 + float64(sec%3))
		queued := float64(sec % 2)
		if slow {
			queued = float64(3 + sec%2)
		}
		st.Apply(sources.Batch{Source: 1, Rows: 1, Scrapes: []sources.Scrape{{Time: t0.Add(time.Duration(sec) * time.Second), Up: true,
			Samples: []sources.MetricSample{
				{Name: "net_bytes_sent_total", Type: sources.MetricCounter, Value: sent},
				{Name: "executor_queued_tasks", Type: sources.MetricGauge, Value: queued},
			}}}})
		var entries []sources.LogEntry
		when := t0.Add(time.Duration(sec) * time.Second)
		for i := range n / 5 {
			entries = append(entries, sources.LogEntry{Time: when.Add(time.Duration(i) * time.Millisecond), Level: sources.LevelInfo, LevelText: "INFO",
				Lines: []string{fmt.Sprintf("INFO Account %d loaded in %d ms", 100000+sec*10+i, 5+sec%9)}})
		}
		if slow {
			entries = append(entries, sources.LogEntry{Time: when.Add(500 * time.Millisecond), Level: sources.LevelWarn, LevelText: "WARN",
				Lines: []string{fmt.Sprintf("WARN Task rejected, queue holds %d", 3+sec%2)}})
		}
		st.Apply(sources.Batch{Source: 2, Entries: entries, Rows: len(entries)})
	}
	return st
}

// TestRankFollowsTheRequestRate: a metric whose change follows the
// request rate (bytes sent fell fourfold, as the requests did) ranks after
// one that changed on its own (a queue that fills), although its score is
// higher; a log template that became rarer with the requests is no change.
func TestRankFollowsTheRequestRate(t *testing.T) {
	got := Rank(rateStore(), t0.Add(40*time.Second).UnixMilli(), t0.Add(60*time.Second).UnixMilli())
	rank := map[string]int{}
	for i, c := range got {
		t.Logf("%d %s %q %s %.3g -> %.3g score %.3g proportional %v", i, c.Kind, c.Name, c.What, c.Before, c.After, c.Score, c.Proportional)
		if _, ok := rank[c.Name]; !ok {
			rank[c.Name] = i + 1
		}
		if c.Kind == KindLog && c.After < c.Before {
			t.Errorf("a template that became rarer is listed: %+v", c)
		}
	}
	bytes, queue := rank["net_bytes_sent_total"], rank["executor_queued_tasks"]
	if bytes == 0 || queue == 0 || bytes < queue {
		t.Errorf("bytes sent at %d, the queue at %d: want both, the queue first", bytes, queue)
	}
	if rank["Task rejected, queue holds <*>"] == 0 {
		t.Error("the new WARN template is not listed")
	}
}

// TestNewTemplateThatGoesOn: of two templates new to the window, the one
// that goes on every second ranks before the one seen once, though the
// latter came first.
func TestNewTemplateThatGoesOn(t *testing.T) {
	st := store.New([]sources.Info{{Name: "app.log", Kind: sources.KindLog}})
	for sec := 0; sec < 40; sec++ {
		when := t0.Add(time.Duration(sec) * time.Second)
		entries := []sources.LogEntry{{Time: when, Level: sources.LevelInfo, LevelText: "INFO", Lines: []string{"INFO Scheduler tick"}}}
		if sec == 20 {
			entries = append(entries, sources.LogEntry{Time: when.Add(100 * time.Millisecond), Level: sources.LevelInfo, LevelText: "INFO",
				Lines: []string{"INFO Balance of account 100123 read in 7 ms"}})
		}
		if sec >= 20 {
			entries = append(entries, sources.LogEntry{Time: when.Add(900 * time.Millisecond), Level: sources.LevelWarn, LevelText: "WARN",
				Lines: []string{fmt.Sprintf("WARN Collector busy for %d ms of the last second", 300+sec)}})
		}
		st.Apply(sources.Batch{Source: 0, Entries: entries, Rows: len(entries)})
	}
	got := Rank(st, t0.Add(20*time.Second).UnixMilli(), t0.Add(40*time.Second).UnixMilli())
	for i, c := range got {
		t.Logf("%d %s %q %.3g -> %.3g score %.3g", i, c.Kind, c.Name, c.Before, c.After, c.Score)
	}
	score := map[string]float64{}
	for _, c := range got {
		score[strings.Fields(c.Name)[0]] = c.Score
	}
	if len(got) < 2 || !strings.HasPrefix(got[0].Name, "Collector busy") || score["Balance"] >= score["Collector"] {
		t.Errorf("the template that goes on every second is not first, or scores no more than the one seen once: %v", score)
	}
}
