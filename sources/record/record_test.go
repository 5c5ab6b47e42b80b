package record

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

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

// replayAll runs every source of the recording and returns each one's batches.
func replayAll(t *testing.T, path string) ([]sources.Source, [][]sources.Batch) {
	t.Helper()
	srcs, err := Sources(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]sources.Batch, len(srcs))
	for i, s := range srcs {
		var c sources.Collect
		if err := s.Run(context.Background(), &c); err != nil {
			t.Fatalf("%s: %v", s.Info().Name, err)
		}
		out[i] = c.Take()
		for j := range out[i] {
			out[i][j].Source = i // the hub would set it
		}
	}
	return srcs, out
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

func TestTruncated(t *testing.T) {
	var batches []sources.Batch
	for i := range 50 {
		batches = append(batches, sources.Batch{Rows: 1, Entries: []sources.LogEntry{{Time: t0.Add(time.Duration(i) * time.Second), Lines: []string{strings.Repeat("x", 200) + strconv.Itoa(i)}}}})
	}
	// A recording whose writer died: written and flushed, never closed.
	path := filepath.Join(t.TempDir(), "crash.sobang")
	w, err := Create(path, testInfos()[1:2], nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		w.lastFlush = time.Time{} // a flush per batch, as if each came a second apart
		if err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.flush(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w.file.Close()
	// Cut it again in the middle of the stream.
	if err := os.WriteFile(path, data[:len(data)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	_, got := replayAll(t, path)
	bs := got[0]
	n := len(bs) - 1
	if n < 5 || n >= len(batches) {
		t.Fatalf("%d batches replayed of %d written", n, len(batches))
	}
	if !reflect.DeepEqual(bs[:n], batches[:n]) {
		t.Errorf("replayed batches differ from the first %d written", n)
	}
	end := bs[n]
	if len(end.Warnings) != 1 || !strings.Contains(end.Warnings[0], "ends abruptly") || !strings.Contains(end.Warnings[0], path) {
		t.Errorf("end warnings %q", end.Warnings)
	}
	if end.Health == nil || end.Health.State != sources.StateDone {
		t.Errorf("end health %+v", end.Health)
	}

	// The never-closed file itself: everything flushed is there.
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, got = replayAll(t, path)
	if n := len(got[0]) - 1; n != len(batches) || len(got[0][n].Warnings) != 1 {
		t.Errorf("unclosed recording: %d batches of %d, end %+v", n, len(batches), got[0][n])
	}
}

func TestNotARecording(t *testing.T) {
	dir := t.TempDir()
	good := writeRecording(t, testInfos(), nil)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	v2 := append([]byte(nil), data...)
	v2[7] = 2
	cases := []struct {
		name, want string
		data       []byte
	}{
		{"v2.sobang", "format version 2", v2},
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
		{[]byte("SOBANG\x00\x02rest"), true}, // another version is still a recording
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
	if _, err := rec.Each(func(e *Entry) error { got = append(got, e.At); return nil }); err != nil {
		t.Fatal(err)
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

// TestFlushesWhileOpen checks that a reader sees what was written before
// Close once a second has passed.
func TestFlushesWhileOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.sobang")
	w, err := Create(path, testInfos()[:1], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.lastFlush = time.Now().Add(-flushEvery) // as if a second had passed
	if err := w.Write(sources.Batch{Rows: 1, Samples: []sources.Sample{{StartMS: 1, Label: "a"}}}); err != nil {
		t.Fatal(err)
	}
	rec, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	_, err = rec.Each(func(*Entry) error { n++; return nil })
	if n != 1 || !errors.Is(err, ErrTruncated) {
		t.Errorf("%d entries, %v; want 1 and an unfinished stream", n, err)
	}
}

// TestFlushesWhenQuiet: a batch written with no later Write reaches the
// file within flushEvery all the same, from the writer's timer.
func TestFlushesWhenQuiet(t *testing.T) {
	saved := flushEvery
	flushEvery = 20 * time.Millisecond
	defer func() { flushEvery = saved }()
	path := filepath.Join(t.TempDir(), "quiet.sobang")
	w, err := Create(path, testInfos()[:1], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Write(sources.Batch{Rows: 1, Samples: []sources.Sample{{StartMS: 1, Label: "a"}}}); err != nil {
		t.Fatal(err)
	}
	for try := 0; ; try++ {
		rec, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		_, _ = rec.Each(func(*Entry) error { n++; return nil })
		if n == 1 {
			return
		}
		if try == 200 {
			t.Fatal("the batch never reached the file while the writer was open")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// FuzzDecode fuzzes the container (magic and gzip) and, apart, the inflated
// gob stream, so that mutations reach the gob decoder directly, without a
// gzip writer per input (milliseconds each, which made minimising one find
// take most of a minute).
func FuzzDecode(f *testing.F) {
	// Small seeds: the fuzzer minimises every input that finds new code,
	// byte by byte, so a seed of kilobytes costs seconds per find.
	small := writeRecording(f, testInfos()[:1], []sources.Batch{
		{Source: 0, Rows: 1, Samples: []sources.Sample{{StartMS: 1, ElapsedMS: 2, Label: "a", Code: "200", Success: true}}},
		{Source: 0, Warnings: []string{"w"}, CaughtUp: true},
	})
	for _, path := range []string{small, writeRecording(f, testInfos(), testBatches())} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(data[len(Magic):]))
		if err != nil {
			f.Fatal(err)
		}
		stream, err := io.ReadAll(zr)
		if err != nil {
			f.Fatal(err)
		}
		// Warm gob's process-wide type caches, so that coverage does not
		// depend on which input came first.
		decodeAll(data)
		checkStream(f, stream)
		if path == small {
			f.Add(data)
			f.Add(stream)
			f.Add(stream[:len(stream)-3])
		}
	}
	f.Add(Magic[:])
	f.Add([]byte("SOBANG\x00\x01\x1f\x8b"))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeAll(data)
		checkStream(t, data)
	})
}

func decodeAll(data []byte) {
	_, _ = decode(bytes.NewReader(data), "fuzz.sobang", nil, func(*Entry) error { return nil })
}

// checkStream decodes data as an inflated recording twice and checks that
// every entry handed over names a recorded source, that the two reads agree
// and that an error names the file.
func checkStream(t testing.TB, data []byte) {
	t.Helper()
	read := func() (int, int, error) {
		sourcesN, entries := -1, 0
		skipped, err := decodeStream(bytes.NewReader(data), "fuzz.sobang", func(h *Header) error {
			sourcesN = len(h.Sources)
			return nil
		}, func(e *Entry) error {
			if e.Source < 0 || e.Source >= sourcesN || e.Batch.Source != e.Source {
				t.Fatalf("entry of source %d (batch %d) handed over with %d recorded sources", e.Source, e.Batch.Source, sourcesN)
			}
			entries++
			return nil
		})
		return entries, skipped, err
	}
	n1, s1, err1 := read()
	n2, s2, err2 := read()
	if n1 != n2 || s1 != s2 || fmt.Sprint(err1) != fmt.Sprint(err2) {
		t.Fatalf("two reads differ: %d/%d/%v then %d/%d/%v", n1, s1, err1, n2, s2, err2)
	}
	if err1 != nil && !strings.HasPrefix(err1.Error(), "fuzz.sobang: ") {
		t.Fatalf("error does not name the file: %v", err1)
	}
}
