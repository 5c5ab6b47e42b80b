package store

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/sobang/sobang/sources"
)

var base = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC).UnixMilli()

func sample(offMS int64, elapsed int32, label string, ok bool) sources.Sample {
	return sources.Sample{StartMS: base + offMS, ElapsedMS: elapsed, Label: label, Success: ok, Code: "200", AllThreads: 3, LatencyMS: -1, ConnectMS: -1}
}

func TestSummarizeCountsAndTransactions(t *testing.T) {
	st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}})
	samples := []sources.Sample{
		sample(0, 100, "GET a", true),
		sample(500, 300, "GET a", false),
		sample(1500, 200, "POST b", true),
		sample(2500, 900, "POST b", true),
	}
	txn := sample(0, 1000, "Flow", true)
	txn.Transaction = true
	sub := sample(10, 5, "GET a-0", true)
	sub.SubResult = true
	samples = append(samples, txn, sub)
	// Out of time order on purpose, as JMeter writes them.
	samples[0], samples[3] = samples[3], samples[0]
	if ch := st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples)}); ch&PartLoad == 0 {
		t.Fatal("Apply must report a load change")
	}
	sum := st.Load.Summarize(0, 0, "")
	if sum.Requests.Count != 4 || sum.Requests.Errors != 1 {
		t.Fatalf("requests = %d/%d errors, want 4/1 (transactions and sub-results excluded)", sum.Requests.Count, sum.Requests.Errors)
	}
	if len(sum.Labels) != 4 || sum.Labels[len(sum.Labels)-1].Label != "Flow" || !sum.Labels[len(sum.Labels)-1].Transaction {
		t.Fatalf("labels = %+v, want the transaction listed last", sum.Labels)
	}
	// JMeter's throughput: count / (last end - first start).
	a := sum.Labels[0]
	if a.Label != "GET a" || math.Abs(a.Stats.Throughput()-2/0.8) > 1e-9 {
		t.Fatalf("GET a throughput = %v, want 2.5/s", a.Stats.Throughput())
	}
	if got := sum.Requests.Latency.Quantile(0.5); math.Abs(got-200) > 2 {
		t.Fatalf("median = %v, want 200 within 1%%", got)
	}
	// APDEX over every sample including the transaction: 100,200 satisfied;
	// 900 and 1000 tolerating; 300 failed; 5 satisfied.
	if got, want := sum.All.Apdex(), (3+2.0/2)/6; math.Abs(got-want) > 1e-12 {
		t.Fatalf("apdex = %v, want %v", got, want)
	}
}

func TestSummarizeWindowAndFilter(t *testing.T) {
	st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}})
	var samples []sources.Sample
	for sec := int64(0); sec < 10; sec++ {
		samples = append(samples, sample(sec*1000, 10, "GET a", sec < 5), sample(sec*1000+10, 20, "GET b", true))
	}
	st.Apply(sources.Batch{Source: 0, Samples: samples})
	win := st.Load.Summarize(base+2000, base+4000, "")
	if win.Requests.Count != 4 {
		t.Fatalf("window [2s,4s) = %d samples, want 4", win.Requests.Count)
	}
	only := st.Load.Summarize(0, 0, "get A")
	if len(only.Labels) != 1 || only.Requests.Count != 10 || only.Requests.Errors != 5 {
		t.Fatalf("filter = %+v", only.Labels)
	}
}

func TestColumns(t *testing.T) {
	st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}, {Name: "b.jtl", Kind: sources.KindJTL}})
	var a, b []sources.Sample
	for sec := int64(0); sec < 4; sec++ {
		for i := int64(0); i < 10; i++ {
			a = append(a, sample(sec*1000+i*10, int32(100*(sec+1)), "GET a", i != 0))
		}
		b = append(b, sample(sec*1000, 5, "GET a", true))
	}
	st.Apply(sources.Batch{Source: 0, Samples: a})
	st.Apply(sources.Batch{Source: 1, Samples: b})
	cols := st.Load.Columns(base, base+4000, 2, "", nil)
	if len(cols) != 2 || cols[0].Samples != 22 || cols[0].Errors != 2 {
		t.Fatalf("cols = %+v", cols)
	}
	if cols[0].Throughput != 11 {
		t.Fatalf("throughput = %v, want 11/s over 2 s", cols[0].Throughput)
	}
	// Threads are summed over sources (3 + 3), averaged over seconds.
	if cols[0].Threads != 6 {
		t.Fatalf("threads = %v, want 6", cols[0].Threads)
	}
	empty := st.Load.Columns(base+10_000, base+12_000, 1, "", nil)
	if empty[0].Samples != 0 || !math.IsNaN(empty[0].P95) {
		t.Fatalf("an empty column = %+v", empty[0])
	}
}

// TestUntimedLogsTakeTheClock: entries before a source's first timestamp
// are placed at the store clock's now.
func TestUntimedLogsTakeTheClock(t *testing.T) {
	st := New([]sources.Info{{Name: "plain.log", Kind: sources.KindLog}})
	now := time.UnixMilli(base + 42_000)
	st.SetClock(sources.NewManualClock(now))
	st.Apply(sources.Batch{Entries: []sources.LogEntry{{Lines: []string{"starting"}}}})
	if got := st.Logs.At(0).TimeMS; got != now.UnixMilli() {
		t.Errorf("untimed entry at %d, want the clock's %d", got, now.UnixMilli())
	}
}

func TestLogsOrderAndSearch(t *testing.T) {
	st := New([]sources.Info{{Name: "a.log", Kind: sources.KindLog}, {Name: "b.log", Kind: sources.KindLog, Offset: -2 * time.Second}})
	at := func(ms int64) time.Time { return time.UnixMilli(base + ms) }
	st.Apply(sources.Batch{Source: 0, Entries: []sources.LogEntry{{Time: at(1000), Lines: []string{"a1"}}, {Time: at(3000), Lines: []string{"a3"}}}})
	// b's clock runs 2 s fast: its 4 s entry belongs at 2 s.
	st.Apply(sources.Batch{Source: 1, Entries: []sources.LogEntry{{Time: at(4000), Lines: []string{"b2"}}, {Lines: []string{"b2 continued, no time"}}}})
	var got []string
	for i := 0; i < st.Logs.Len(); i++ {
		got = append(got, st.Logs.At(i).Lines[0])
	}
	want := []string{"a1", "b2", "b2 continued, no time", "a3"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order = %q, want %q", got, want)
		}
	}
	if i := st.Logs.Search(base + 2000); st.Logs.At(i).Lines[0] != "b2" {
		t.Fatalf("Search(2s) = %d", i)
	}
	if n := st.Logs.Search(base + 99_000); n != st.Logs.Len() {
		t.Fatalf("Search past the end = %d", n)
	}
}

func TestLogsBlocksAndDropping(t *testing.T) {
	l := newLogs()
	var batch []sources.LogEntry
	for i := 0; i < 3*logBlock+7; i++ {
		batch = append(batch, sources.LogEntry{Time: time.UnixMilli(base + int64(i)), Lines: []string{"x"}})
	}
	l.add(0, batch, 0, 0)
	if l.Len() != 3*logBlock+7 || l.At(logBlock).TimeMS != base+logBlock {
		t.Fatalf("len %d, At(block) %d", l.Len(), l.At(logBlock).TimeMS)
	}
}

func TestFilter(t *testing.T) {
	e := &Entry{LogEntry: sources.LogEntry{Level: sources.LevelWarn, Lines: []string{"Connection is NOT available", "at x"}}, TimeMS: 5000}
	cases := []struct {
		f    Filter
		want bool
	}{
		{Filter{}, true},
		{Filter{Text: "not avail"}, true},
		{Filter{Text: "at x"}, true},
		{Filter{Text: "nope"}, false},
		{Filter{MinLevel: sources.LevelError}, false},
		{Filter{FromMS: 5000, ToMS: 6000}, true},
		{Filter{FromMS: 5001}, false},
		{Filter{ToMS: 5000}, false},
	}
	for _, c := range cases {
		if got := c.f.Match(e); got != c.want {
			t.Errorf("%+v.Match = %v, want %v", c.f, got, c.want)
		}
	}
}

func TestMetricsAndHealth(t *testing.T) {
	st := New([]sources.Info{{Name: "http://x/metrics", Kind: sources.KindScrape}})
	for i := 0; i < 3; i++ {
		st.Apply(sources.Batch{Source: 0, Scrapes: []sources.Scrape{{Time: time.UnixMilli(base + int64(i)*1000), Up: true, Samples: []sources.MetricSample{
			{Name: "up_total", Type: sources.MetricCounter, Value: float64(i * 10)},
			{Name: "g", Labels: `a="1"`, Type: sources.MetricGauge, Value: 7},
		}}}})
	}
	fams := st.Metrics.Families()
	if len(fams) != 2 || fams[0].Name != "g" || fams[1].Series[0].Len() != 3 {
		t.Fatalf("families = %+v", fams)
	}
	s := fams[1].Series[0]
	if p, ok := s.PointAt(base + 1500); !ok || p.T != base+1000 || p.V != 10 {
		t.Fatalf("PointAt = %v %v", p, ok)
	}
	first, last, ok := st.DataRange()
	if !ok || first != base || last != base+2000 {
		t.Fatalf("range = %d..%d", first, last)
	}
	if st.AllCaughtUp() {
		t.Fatal("not caught up before the source says so")
	}
	st.Apply(sources.Batch{Source: 0, CaughtUp: true})
	if !st.AllCaughtUp() {
		t.Fatal("caught up after the source says so")
	}
}

func TestKindCountByKindAndGroup(t *testing.T) {
	st := New([]sources.Info{
		{Name: "run.jtl", Kind: sources.KindJTL}, {Name: "k6.json", Kind: sources.KindK6},
		{Name: "http://x/metrics", Kind: sources.KindScrape}, {Name: "app.log", Kind: sources.KindLog},
	})
	for _, tc := range []struct {
		kind sources.Kind
		want int
	}{
		{sources.KindLoadTest, 2}, {sources.KindJTL, 1}, {sources.KindMetrics, 1}, {sources.KindScrape, 1}, {sources.KindLog, 1}, {sources.KindGatling, 0},
	} {
		if got := st.KindCount(tc.kind); got != tc.want {
			t.Errorf("KindCount(%s) = %d, want %d", tc.kind, got, tc.want)
		}
	}
}

func TestNonOverlapping(t *testing.T) {
	st := New([]sources.Info{{Name: "a.log", Kind: sources.KindLog}, {Name: "b.jtl", Kind: sources.KindJTL},
		{Name: "empty.log", Kind: sources.KindLog}, {Name: "timeless.log", Kind: sources.KindLog}})
	// Lines without a time are placed when read: a day after the rest.
	st.SetClock(sources.NewManualClock(time.UnixMilli(base).Add(24 * time.Hour)))
	st.Apply(sources.Batch{Source: 0, Entries: []sources.LogEntry{{Time: time.UnixMilli(base), Lines: []string{"x"}}}})
	st.Apply(sources.Batch{Source: 1, Samples: []sources.Sample{sample(9*3600_000, 5, "a", true)}})
	st.Apply(sources.Batch{Source: 2, CaughtUp: true})
	st.Apply(sources.Batch{Source: 3, Entries: []sources.LogEntry{{Lines: []string{"starting"}}}})
	pairs := st.NonOverlapping()
	if len(pairs) != 1 || pairs[0][0].Info.Name != "a.log" || pairs[0][1].Info.Name != "b.jtl" {
		t.Fatalf("pairs = %v, want a.log and b.jtl alone: a source without data or times of its own is in none", pairs)
	}
}

// BenchmarkSummarizeHour merges an hour of per-second buckets with 10 labels,
// as a selected window over a long run does. It must hold at most 50 ms: a
// window is recomputed only when it or the data changes.
func BenchmarkSummarizeHour(b *testing.B) {
	st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}})
	labels := []string{"l0", "l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9"}
	for sec := int64(0); sec < 3600; sec++ {
		var batch []sources.Sample
		for i := int64(0); i < 20; i++ {
			batch = append(batch, sample(sec*1000+i, int32(10+(sec*7+i*13)%900), labels[i%10], true))
		}
		st.Apply(sources.Batch{Source: 0, Samples: batch})
	}
	for b.Loop() {
		st.Load.Summarize(0, 0, "")
	}
}

func TestSampleErrorKeyAsJMeter(t *testing.T) {
	cases := []struct {
		s    sources.Sample
		want string
	}{
		// A 5xx keyed by code and response message, even with an assertion.
		{sources.Sample{Code: "500", Message: "Server Error", Failure: "Response code was 500"}, "500/Server Error"},
		// A 2xx that failed an assertion: the assertion's words.
		{sources.Sample{Code: "200", Message: "OK", Failure: "Test failed: text expected"}, "Test failed: text expected"},
		// A 2xx failure without a message: JMeter's literal.
		{sources.Sample{Code: "200", Message: "OK"}, "Assertion failed"},
		// Tools without assertions (k6, Gatling) carry the error in Message.
		{sources.Sample{Code: "", Message: "status.find.in(200), found 503"}, "status.find.in(200), found 503"},
		{sources.Sample{Code: "Non HTTP response code: java.net.SocketTimeoutException", Message: "Read timed out"},
			"Non HTTP response code: java.net.SocketTimeoutException/Read timed out"},
	}
	for _, c := range cases {
		if got := sampleErrorKey(&c.s); got != c.want {
			t.Errorf("%+v: key %q, want %q", c.s, got, c.want)
		}
	}
}

func TestMaskPathAndLabelPaths(t *testing.T) {
	cases := map[string]string{
		"http://127.0.0.1:8080/api/accounts/4711/balance?x=1":              "/api/accounts/{id}/balance",
		"https://bank.example/api/tx/3f2504e0-4f89-11d3-9a0c-0305e82c3301": "/api/tx/{id}",
		"/api/transfer": "/api/transfer",
		"null":          "",
		"":              "",
		"http://host":   "/",
		"http://h/api/users/deadbeefdeadbeef1/orders/a1": "/api/users/{id}/orders/a1",
	}
	for in, want := range cases {
		if got := MaskPath(in); got != want {
			t.Errorf("MaskPath(%q) = %q, want %q", in, got, want)
		}
	}
	st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}})
	s1 := sample(0, 5, "GET account", true)
	s2 := sample(10, 5, "GET account", true)
	s1.URL, s2.URL = "http://h/api/accounts/1", "http://h/other"
	st.Apply(sources.Batch{Samples: []sources.Sample{s1, s2, sample(20, 5, "no url", true)}})
	if got := st.Load.Path("GET account"); got != "/api/accounts/{id}" {
		t.Fatalf("Path = %q, want the first URL's", got)
	}
	if st.Load.Path("no url") != "" || st.Load.Path("unknown") != "" {
		t.Fatal("labels without URLs have no path")
	}
}

// TestFilterPath keeps the entries naming the open label's path and those
// naming no request path (an error without a URL, a startup line), and
// leaves out those naming another path.
func TestFilterPath(t *testing.T) {
	f := Filter{Path: "/api/accounts/{id}"}
	for _, c := range []struct {
		line string
		keep bool
	}{
		{"Request failed: GET /api/accounts/101823/balance -> 503", true},
		{"Request failed: POST /api/transfer -> 503", false},
		{"uri=/api/transfer status=200", false},
		{"calling http://bank:8080/api/transfer", false},
		{"HikariPool-1 - Connection is not available, request timed out after 1000ms", true},
		{"Started BankApplication in 3.2 seconds", true},
		{"ratio 3/4 of the pool", true},
	} {
		e := &Entry{LogEntry: sources.LogEntry{Lines: []string{c.line}}}
		if got := f.Match(e); got != c.keep {
			t.Errorf("%q: kept %v, want %v", c.line, got, c.keep)
		}
		if f.HidesForPath(e) == c.keep {
			t.Errorf("%q: HidesForPath must say the opposite of Match here", c.line)
		}
	}
}

// fakeText is a LogText over lines kept in a map by offset.
type fakeText struct{ lines map[int64][]string }

func (f *fakeText) Lines(dst []string, off, _ int64, _ uint32) ([]string, error) {
	return append(dst, f.lines[off]...), nil
}
func (f *fakeText) Name() string { return "fake.log" }

// TestLogsKeepEveryEntry: past sources.MaxLogEntries entries nothing is
// dropped from the counts or the axis; an indexed entry's text is read
// back, and only the oldest text held in memory (a stream's) is let go,
// saying so.
func TestLogsKeepEveryEntry(t *testing.T) {
	l := newLogs()
	text := &fakeText{map[int64][]string{0: {"ERROR first", "\tat x"}, 100: {"INFO second"}}}
	l.add(0, []sources.LogEntry{
		{Time: time.UnixMilli(base), Level: sources.LevelError, LevelText: "ERROR", Lines: []string{"ERROR first", "\tat x"}, Text: text, Off: 0, Len: 100},
		{Time: time.UnixMilli(base + 1), Level: sources.LevelInfo, LevelText: "INFO", Lines: []string{"INFO second"}, Text: text, Off: 100, Len: 12},
	}, 0, 0)
	const held = sources.MaxLogEntries + 5000
	batch := make([]sources.LogEntry, 0, 10_000)
	for i := 0; i < held; i++ {
		batch = append(batch, sources.LogEntry{Time: time.UnixMilli(base + 2 + int64(i)), Level: sources.LevelWarn, Lines: []string{"w"}})
		if len(batch) == cap(batch) || i == held-1 {
			l.add(1, batch, 0, 0)
			batch = batch[:0]
		}
	}
	if got, want := l.Len(), held+2; got != want {
		t.Fatalf("Len = %d, want %d", got, want)
	}
	if l.Levels[sources.LevelWarn] != held || l.Levels[sources.LevelError] != 1 || l.Lines != held+3 {
		t.Fatalf("levels %v, lines %d", l.Levels, l.Lines)
	}
	if c := l.LevelCounts(0, 0); c[sources.LevelWarn] != held {
		t.Fatalf("LevelCounts = %v", c)
	}
	if e := l.At(0); !slices.Equal(e.Lines, []string{"ERROR first", "\tat x"}) || e.LevelText != "ERROR" || e.NLines != 2 {
		t.Fatalf("indexed entry = %+v", e)
	}
	if e := l.At(2); len(e.Lines) != 1 || !strings.Contains(e.Lines[0], "text gone") {
		t.Fatalf("the oldest held entry = %q, want its text said gone", e.Lines)
	}
	if e := l.At(l.Len() - 1); !slices.Equal(e.Lines, []string{"w"}) {
		t.Fatalf("the newest held entry = %q", e.Lines)
	}
	if l.Dropped != 5000 {
		t.Fatalf("Dropped = %d", l.Dropped)
	}
}

// TestLogRecordSize: the store's memory per log entry is its record; a
// gigabyte of log (about 3 M entries) keeps about 120 MB of them.
func TestLogRecordSize(t *testing.T) {
	if n := unsafe.Sizeof(rec{}); n != 40 {
		t.Fatalf("a log entry's record takes %d bytes, want 40", n)
	}
}
