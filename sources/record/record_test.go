package record

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

var t0 = time.Date(2026, 11, 25, 12, 38, 19, 123_000_000, time.UTC)

func testInfos() []sources.Info {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	return []sources.Info{
		{Name: "results.jtl", Kind: sources.KindJTL},
		{Name: "app.log", Kind: sources.KindLog, Zone: seoul, Offset: -2500 * time.Millisecond},
		{Name: "http://127.0.0.1:9/metrics", Kind: sources.KindScrape},
		{Name: "locust", Kind: sources.KindLocust, Zone: time.UTC},
	}
}

// testBatches has a batch of every kind; times are in UTC, which gob gives
// back as it was (a fixed zone would come back as another *Location).
func testBatches() []sources.Batch {
	return []sources.Batch{
		{Source: 0, Health: &sources.Health{State: sources.StateReading, Detail: "reading", Since: t0, Format: "JMeter CSV"}},
		{Source: 0, Rows: 2, Samples: []sources.Sample{
			{StartMS: t0.UnixMilli(), ElapsedMS: 120, LatencyMS: 80, ConnectMS: -1, Label: "login", Code: "200", Message: "OK",
				Thread: "tg 1-1", Success: true, GrpThreads: 5, AllThreads: 5, Bytes: 1234, SentBytes: 99, URL: "http://x/login"},
			{StartMS: t0.UnixMilli() + 5, ElapsedMS: 3000, LatencyMS: -1, ConnectMS: -1, Label: "pay", Code: "503",
				Message: "Service Unavailable", Failure: "assertion failed", Transaction: true, SubResult: true, GrpThreads: -1, AllThreads: -1},
		}},
		{Source: 0, BadRows: 1, Bad: []sources.BadRow{{Line: 7, Reason: "want 17 fields, found 3"}}, Warnings: []string{"a warning"}},
		{Source: 0, CaughtUp: true},
		{Source: 0, Reset: true},
		{Source: 1, Rows: 1, Entries: []sources.LogEntry{{
			Time: t0, Level: sources.LevelError, LevelText: "ERROR", LevelCol: 20,
			Lines: []string{"2026-11-25 12:38:19 ERROR boom", "        at x.y(Z.java:1)"}, LineNo: 3, Truncated: true,
		}}},
		{Source: 2, Rows: 1, Scrapes: []sources.Scrape{
			{Time: t0, Up: true, Duration: 15 * time.Millisecond, Samples: []sources.MetricSample{
				{Name: "up", Type: sources.MetricGauge, Value: 1},
				{Name: "http_seconds", Labels: `uri="/pay"`, Type: sources.MetricHistogram, Value: 10, Sum: 2.5,
					Buckets: []sources.Bucket{{UpperBound: 0.1, Count: 4}, {UpperBound: 1, Count: 9}, {UpperBound: 1e308, Count: 10}}},
			}},
			{Time: t0.Add(time.Second), Up: false, Duration: time.Second},
		}},
		{Source: 2, Health: &sources.Health{State: sources.StateDown, Err: "connection refused", Since: t0}},
		{Source: 3, Aggregates: []sources.Aggregate{
			{TimeMS: t0.UnixMilli(), Method: "GET", Label: "/", Users: 10, Requests: 100, Failures: 2, RequestsPerSec: 9.5,
				FailuresPerSec: 0.2, MedianMS: 12, MeanMS: 14, MinMS: 1, MaxMS: 90, AvgBytes: 512,
				Percentiles: []sources.Percentile{{Q: 0.5, MS: 12}, {Q: 0.99, MS: 80}}},
			{Final: true, Label: sources.AggregatedLabel, Users: -1, Requests: 100},
		}, Failures: []sources.AggregateFailure{{Method: "GET", Label: "/", Error: "500", Occurrences: 2}}},
		{Source: 3, Failures: []sources.AggregateFailure{}}, // an empty list, not nil: it clears the failures
		{Source: 3, Health: &sources.Health{State: sources.StateDone, Since: t0}, CaughtUp: true},
	}
}

// writeRecording records batches to a new file and returns its path.
func writeRecording(t testing.TB, infos []sources.Info, batches []sources.Batch) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run.sobang")
	w, err := Create(path, infos, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		if err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// replayAll runs every source of the recording at once, as the hub does,
// and returns each one's batches.
func replayAll(t *testing.T, path string) ([]sources.Source, [][]sources.Batch) {
	t.Helper()
	srcs, err := Sources(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]sources.Batch, len(srcs))
	errs := make([]error, len(srcs))
	collects := make([]sources.Collect, len(srcs))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for i, s := range srcs {
		wg.Go(func() { errs[i] = s.Run(ctx, &collects[i]) })
	}
	wg.Wait()
	for i, s := range srcs {
		if errs[i] != nil {
			t.Fatalf("%s: %v", s.Info().Name, errs[i])
		}
		out[i] = collects[i].Take()
		for j := range out[i] {
			out[i][j].Source = i // the hub would set it
		}
	}
	return srcs, out
}

// entries returns every entry of the recording at path, and the warnings
// of reading it.
func entries(t testing.TB, path string) ([]*Entry, []string) {
	t.Helper()
	rec, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []*Entry
	warnings, err := rec.Walk(0, func(it Item) error {
		if it.Entry != nil {
			out = append(out, it.Entry)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, append(rec.Warnings, warnings...)
}

func TestRoundTrip(t *testing.T) {
	infos, batches := testInfos(), testBatches()
	path := writeRecording(t, infos, batches)

	rec, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Header.Version != Version || time.Since(rec.Header.Created) > time.Minute {
		t.Errorf("header %+v", rec.Header)
	}
	wantSources := []Source{
		{Name: "results.jtl", Kind: sources.KindJTL},
		{Name: "app.log", Kind: sources.KindLog, Zone: "Asia/Seoul", Offset: -2500 * time.Millisecond},
		{Name: "http://127.0.0.1:9/metrics", Kind: sources.KindScrape},
		{Name: "locust", Kind: sources.KindLocust, Zone: "UTC"},
	}
	if !reflect.DeepEqual(rec.Header.Sources, wantSources) {
		t.Errorf("header sources\n got %+v\nwant %+v", rec.Header.Sources, wantSources)
	}

	srcs, got := replayAll(t, path)
	if len(srcs) != len(infos) {
		t.Fatalf("%d sources, want %d", len(srcs), len(infos))
	}
	for i, s := range srcs {
		info := s.Info()
		if info.Name != path+":"+infos[i].Name || info.Kind != infos[i].Kind || info.Offset != infos[i].Offset {
			t.Errorf("source %d: info %+v", i, info)
		}
		if (info.Zone == nil) != (infos[i].Zone == nil) || (info.Zone != nil && info.Zone.String() != infos[i].Zone.String()) {
			t.Errorf("source %d: zone %v, want %v", i, info.Zone, infos[i].Zone)
		}
		var want []sources.Batch
		for _, b := range batches {
			if b.Source == i {
				// Replayed, a source has caught up only at its end.
				b.CaughtUp = false
				want = append(want, b)
			}
		}
		bs := got[i]
		for j, b := range bs[:len(bs)-1] {
			if b.CaughtUp {
				t.Errorf("source %d: replayed batch %d says caught up before the recording's end", i, j)
			}
		}
		if len(bs) != len(want)+1 {
			t.Fatalf("source %d: %d batches, want %d and the end", i, len(bs), len(want))
		}
		if !reflect.DeepEqual(bs[:len(want)], want) {
			t.Errorf("source %d:\n got %+v\nwant %+v", i, bs[:len(want)], want)
		}
		end := bs[len(bs)-1]
		if !end.CaughtUp || end.Health == nil || end.Health.State != sources.StateDone ||
			end.Health.Detail != "replayed "+strconv.Itoa(len(want))+" batches from "+path || len(end.Warnings) != 0 {
			t.Errorf("source %d: end %+v %+v", i, end, end.Health)
		}
	}
	if f := got[0][len(got[0])-1].Health.Format; f != "JMeter CSV" {
		t.Errorf("the end's format %q, want the recorded one", f)
	}
	if fs := got[3][1].Failures; fs == nil || len(fs) != 0 {
		t.Errorf("an empty failures list came back as %#v", fs)
	}
}

// TestNaNSurvives checks the "unknown" figures of aggregates, which
// reflect.DeepEqual cannot compare.
func TestNaNSurvives(t *testing.T) {
	nan := math.NaN()
	path := writeRecording(t, testInfos()[3:], []sources.Batch{{Aggregates: []sources.Aggregate{
		{Final: true, Label: "/", RequestsPerSec: nan, MedianMS: nan, Percentiles: []sources.Percentile{{Q: 0.99, MS: nan}}},
	}}})
	_, got := replayAll(t, path)
	a := got[0][0].Aggregates[0]
	if !math.IsNaN(a.RequestsPerSec) || !math.IsNaN(a.MedianMS) || !math.IsNaN(a.Percentile(0.99)) || a.MeanMS != 0 {
		t.Errorf("aggregate %+v: NaN must stay NaN", a)
	}
}

// TestWriteDoesNotKeepSlices recycles a batch's samples right after Write,
// as the dashboard does, and checks the recording holds the original.
func TestWriteDoesNotKeepSlices(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.sobang")
	w, err := Create(path, testInfos()[:1], nil)
	if err != nil {
		t.Fatal(err)
	}
	s := sources.SampleSlice()
	s = append(s, sources.Sample{StartMS: 1000, Label: "a"})
	if err := w.Write(sources.Batch{Samples: s}); err != nil {
		t.Fatal(err)
	}
	s[0].Label = "overwritten"
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, got := replayAll(t, path)
	if l := got[0][0].Samples[0].Label; l != "a" {
		t.Errorf("label %q, want a", l)
	}
}

func TestNotARecording(t *testing.T) {
	dir := t.TempDir()
	good := writeRecording(t, testInfos(), nil)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	v3 := append([]byte(nil), data...)
	v3[7] = 3
	cases := []struct {
		name, want string
		data       []byte
	}{
		{"v3.sobang", "format version 3", v3},
		{"plain.jtl", "not a sobang recording", []byte("timeStamp,elapsed,label\n")},
		{"empty.sobang", "not a sobang recording", nil},
		{"headless.sobang", "ends abruptly before its header", data[:12]},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Sources(path, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming the path and saying %q", c.name, err, c.want)
		}
	}
	if _, err := Open(filepath.Join(dir, "missing.sobang")); err == nil {
		t.Error("a missing file opened")
	}
}

func TestIsRecording(t *testing.T) {
	good := writeRecording(t, nil, nil)
	data, _ := os.ReadFile(good)
	for _, c := range []struct {
		head []byte
		want bool
	}{
		{data, true},
		{Magic[:], true},
		{[]byte("SOBANG\x00\x03rest"), true}, // another version is still a recording
		{[]byte("SOBANG"), false},
		{[]byte("SOBANG\x01\x01"), false},
		{[]byte("\x1f\x8b\x08\x00"), false},
		{nil, false},
	} {
		if got := IsRecording(c.head); got != c.want {
			t.Errorf("IsRecording(%q) = %v", c.head, got)
		}
	}
}

// TestStampsFromClock checks that the header's Created and every entry's
// At come from the writer's clock, and the replayed end's health too.
func TestStampsFromClock(t *testing.T) {
	clock := sources.NewManualClock(t0)
	path := filepath.Join(t.TempDir(), "clocked.sobang")
	w, err := Create(path, testInfos()[:1], clock)
	if err != nil {
		t.Fatal(err)
	}
	steps := []time.Duration{0, 1500 * time.Millisecond, time.Hour}
	var want []time.Time
	for i, d := range steps {
		clock.Advance(d)
		want = append(want, clock.Now())
		if err := w.Write(sources.Batch{Rows: 1, Samples: []sources.Sample{{StartMS: int64(i), Label: "a"}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rec, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Header.Created.Equal(t0) {
		t.Errorf("Created = %v, want %v", rec.Header.Created, t0)
	}
	var got []time.Time
	es, _ := entries(t, path)
	for _, e := range es {
		got = append(got, e.At)
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("entry %d: At = %v, want %v", i, got[i], want[i])
		}
	}

	srcs, err := Sources(path, clock)
	if err != nil {
		t.Fatal(err)
	}
	var c sources.Collect
	if err := srcs[0].Run(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	bs := c.Take()
	if h := bs[len(bs)-1].Health; h == nil || !h.Since.Equal(clock.Now()) {
		t.Errorf("replayed end health %+v, want Since %v", h, clock.Now())
	}
}
