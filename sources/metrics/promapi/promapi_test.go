package promapi

import (
	"context"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

func newFor(srv *httptest.Server, opt Options) *source {
	src := New(sources.Info{Name: srv.URL}, opt).(*source)
	src.retryMin, src.retryMax = 5*time.Millisecond, 20*time.Millisecond
	return src
}

// seriesAt returns the samples of the scrape at t by series identity.
func seriesAt(scrapes []sources.Scrape, t time.Time) map[string]sources.MetricSample {
	out := map[string]sources.MetricSample{}
	for _, sc := range scrapes {
		if sc.Time.Equal(t) {
			for _, s := range sc.Samples {
				out[s.Series()] = s
			}
		}
	}
	return out
}

// TestSavedRun: with a saved run's range, the source asks the server for
// that range (not now), at Grafana's step aligned to it, chooses the
// families without a query, folds histograms, pushes one scrape per step
// instant, and is done.
func TestSavedRun(t *testing.T) {
	f := runFake()
	srv := httptest.NewServer(f)
	defer srv.Close()
	start, end := t0.Add(7*time.Second), t0.Add(10*time.Minute-3*time.Second)
	batches, err := run(t, newFor(srv, Options{Span: fixedSpan(start, end), Match: []string{`{job="api"}`}}))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	h := lastHealth(batches)
	if h.State != sources.StateDone || !strings.Contains(h.Detail, "step 15s") {
		t.Fatalf("health %+v, want done with step 15s", h)
	}
	for _, b := range batches {
		if b.Health != nil && b.Health.State == sources.StateWaiting {
			t.Error("health waiting: the dashboard would take the session for a test that just started, and open live")
		}
	}
	caught := slices.IndexFunc(batches, func(b sources.Batch) bool { return b.CaughtUp })
	if caught < 0 {
		t.Fatal("no batch is CaughtUp: the dashboard would wait forever")
	}
	scrapes := scrapesOf(batches)
	// 15 s steps from the run's start's step to its end: t0 ... t0+9m45s.
	if len(scrapes) != 40 {
		t.Fatalf("%d scrapes, want 40 (one per 15 s step of the run)", len(scrapes))
	}
	for i, sc := range scrapes {
		if want := t0.Add(time.Duration(i) * 15 * time.Second); !sc.Time.Equal(want) || !sc.Up {
			t.Fatalf("scrape %d at %v up %v, want up at %v", i, sc.Time, sc.Up, want)
		}
	}
	at := seriesAt(scrapes, t0.Add(time.Minute))
	hist, ok := at[`http_server_requests_seconds{instance="api:8080",job="api",uri="/pay"}`]
	if !ok || hist.Type != sources.MetricHistogram || hist.Value != 600 || hist.Sum != 120 || len(hist.Buckets) != 3 || hist.Buckets[0].Count != 60 {
		t.Errorf("histogram at +1m %+v (found %v), want count 600, sum 120, 3 buckets from 60", hist, ok)
	}
	if g := at[`hikaricp_connections_pending{instance="api:8080",job="api",pool="HikariPool-1"}`]; g.Value != 30 || g.Type != sources.MetricGauge {
		t.Errorf("pending connections %+v, want the gauge 30", g)
	}
	if _, ok := at[`app_build_info{instance="api:8080",job="api",version="1.4.2"}`]; !ok {
		t.Error("the build info is missing")
	}
	for id := range at {
		if strings.HasPrefix(id, "some_unrelated_metric") || strings.Contains(id, `job="batch"`) {
			t.Errorf("%s was charted: not a family, or out of --match", id)
		}
	}
	// The queries covered the run, aligned to the step, not now.
	for _, q := range f.requests("/api/v1/query_range") {
		if q.Get("start") != "1795608000" || q.Get("end") != "1795608597" || q.Get("step") != "15" {
			t.Errorf("query_range %v, want from the run's start's 15 s step (t0) to its end (t0+9m57s), step 15", q)
		}
		if !strings.Contains(q.Get("query"), `job="api"`) {
			t.Errorf("query %q is not scoped by --match", q.Get("query"))
		}
	}
	lv := f.requests("/api/v1/label/__name__/values")
	if len(lv) != 1 || lv[0].Get("match[]") != `{job="api"}` || lv[0].Get("start") == "" || lv[0].Get("end") == "" {
		t.Errorf("name discovery %v, want one with the range's start and end and --match", lv)
	}
}

// TestStepFromTargets: the shortest scrape interval of the server's
// targets is the shortest step.
func TestStepFromTargets(t *testing.T) {
	f := runFake()
	f.interval = "5s"
	srv := httptest.NewServer(f)
	defer srv.Close()
	if _, err := run(t, newFor(srv, Options{Span: fixedSpan(t0, t0.Add(time.Minute))})); err != nil {
		t.Fatal(err)
	}
	for _, q := range f.requests("/api/v1/query_range") {
		if q.Get("step") != "5" {
			t.Fatalf("step %s, want the targets' 5 s", q.Get("step"))
		}
	}
}

// TestMaxSeries: names whose series would pass the bound are left out,
// with a warning naming them, and the others are charted.
func TestMaxSeries(t *testing.T) {
	f := runFake()
	for i := range 5 {
		f.series = append(f.series, fakeSeries{labels: map[string]string{"__name__": "jvm_memory_used_bytes", "id": strconv.Itoa(i)},
			at: func(time.Time) float64 { return 1 }})
	}
	srv := httptest.NewServer(f)
	defer srv.Close()
	batches, err := run(t, newFor(srv, Options{Span: fixedSpan(t0, t0.Add(time.Minute)), MaxSeries: 9}))
	if err != nil {
		t.Fatal(err)
	}
	var warned []string
	for _, b := range batches {
		warned = append(warned, b.Warnings...)
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "jvm_memory_used_bytes (5 series)") {
		t.Errorf("warnings %q, want one naming the JVM memory's 5 series", warned)
	}
	at := seriesAt(scrapesOf(batches), t0.Add(30*time.Second))
	for id := range at {
		if strings.HasPrefix(id, "jvm_memory_used_bytes") {
			t.Errorf("%s charted over the bound", id)
		}
	}
	if len(at) == 0 {
		t.Error("nothing charted")
	}
	if q := f.requests("/api/v1/series"); len(q) != 1 || q[0].Get("start") == "" || len(q[0]["match[]"]) == 0 {
		t.Errorf("series requests %v, want one over the range with a match[] per name", q)
	}
}

// TestMetadataTypes: a type the metadata gives wins over the name's.
func TestMetadataTypes(t *testing.T) {
	f := runFake()
	f.metadata = `{"hikaricp_connections_pending":[{"type":"counter","help":"","unit":""}]}`
	srv := httptest.NewServer(f)
	defer srv.Close()
	batches, err := run(t, newFor(srv, Options{Span: fixedSpan(t0, t0.Add(time.Minute))}))
	if err != nil {
		t.Fatal(err)
	}
	at := seriesAt(scrapesOf(batches), t0.Add(30*time.Second))
	if g := at[`hikaricp_connections_pending{instance="api:8080",job="api",pool="HikariPool-1"}`]; g.Type != sources.MetricCounter {
		t.Errorf("type %v, want the counter the metadata says", g.Type)
	}
}

// TestQueries: --query expressions are asked as they are, and their
// series without a name are named by the expression.
func TestQueries(t *testing.T) {
	f := runFake()
	const q = `sum(rate(http_server_requests_seconds_count[1m]))`
	f.exprs = map[string][]fakeSeries{q: {{labels: map[string]string{}, at: during(t0, t0.Add(time.Hour), func(time.Time) float64 { return 10 })}}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	batches, err := run(t, newFor(srv, Options{Span: fixedSpan(t0, t0.Add(time.Minute)), Queries: []string{q}}))
	if err != nil {
		t.Fatal(err)
	}
	at := seriesAt(scrapesOf(batches), t0.Add(30*time.Second))
	if len(at) != 1 || at[q].Value != 10 {
		t.Errorf("series %v, want the expression's one series, named by it, at 10", at)
	}
	if n := len(f.requests("/api/v1/label/__name__/values")); n != 0 {
		t.Errorf("%d name discoveries with --query, want none", n)
	}
}

// TestFailures: an unreachable server, or one answering an error or
// garbage, leaves the source down and retrying, the error in the server's
// words; it never ends a followed source.
func TestFailures(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		err     string
	}{
		{"HTTP 500", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "oops", http.StatusInternalServerError)
		}, `HTTP 500 Internal Server Error: "oops"`},
		{"garbage", func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte("<html>not an API</html>"))
		}, `the answer: expected a Prometheus API answer (JSON with a status), found "<html>not an API</html>"`},
		{"bad PromQL", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:34: parse error: unclosed left parenthesis"}`))
		}, `the server answered: bad_data: invalid parameter "query": 1:34: parse error: unclosed left parenthesis`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := newSink()
			done := make(chan error, 1)
			go func() {
				done <- newFor(srv, Options{Span: fixedSpan(t0, t0.Add(time.Minute)), Follow: true}).Run(ctx, s)
			}()
			batches := s.waitFor(t, "down", func(b []sources.Batch) bool { return lastHealth(b).State == sources.StateDown })
			h := lastHealth(batches)
			if !strings.HasSuffix(h.Err, tc.err) {
				t.Errorf("Err %q, want it to end with %q", h.Err, tc.err)
			}
			if !slices.ContainsFunc(batches, func(b sources.Batch) bool { return b.CaughtUp }) {
				t.Error("a failure is not CaughtUp: the dashboard would wait for it")
			}
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run returned %v when its context ended, want nil", err)
			}
		})
	}
}

// TestDownThenRecovers: a server that is not there yet shows down, and the
// source reads the run once it answers.
func TestDownThenRecovers(t *testing.T) {
	f := runFake()
	var up atomic.Bool
	f.fail = func(w http.ResponseWriter, r *http.Request) bool {
		if up.Load() {
			return false
		}
		// As a server that is restarting: the connection is dropped.
		hj, _ := w.(http.Hijacker)
		c, _, _ := hj.Hijack()
		_ = c.Close()
		return true
	}
	srv := httptest.NewServer(f)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := newSink()
	done := make(chan error, 1)
	go func() {
		done <- newFor(srv, Options{Span: fixedSpan(t0, t0.Add(time.Minute)), Follow: true}).Run(ctx, s)
	}()
	s.waitFor(t, "down", func(b []sources.Batch) bool { return lastHealth(b).State == sources.StateDown })
	up.Store(true)
	batches := s.waitFor(t, "done", func(b []sources.Batch) bool { return lastHealth(b).State == sources.StateDone })
	if len(scrapesOf(batches)) == 0 {
		t.Error("no scrapes after the server came back")
	}
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// TestHeadlessFails: without Follow a server that never answers fails the
// source after a few attempts, naming it.
func TestHeadlessFails(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now
	src := New(sources.Info{Name: "http://" + addr}, Options{Span: fixedSpan(t0, t0.Add(time.Minute))}).(*source)
	src.retryMin, src.retryMax = time.Millisecond, time.Millisecond
	batches, err := run(t, src)
	if err == nil || !strings.Contains(err.Error(), addr) || !strings.HasSuffix(err.Error(), ": connection refused (after 3 attempts)") {
		t.Fatalf("Run returned %v, want an error naming %s, refused", err, addr)
	}
	if h := lastHealth(batches); h.State != sources.StateFailed {
		t.Errorf("health %+v, want failed", h)
	}
}

// TestWarnings: the server's warnings and infos become the source's
// warnings, once each.
func TestWarnings(t *testing.T) {
	f := runFake()
	f.warnings = []string{"results truncated due to limit"}
	srv := httptest.NewServer(f)
	defer srv.Close()
	batches, err := run(t, newFor(srv, Options{Span: fixedSpan(t0, t0.Add(time.Minute))}))
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, b := range batches {
		all = append(all, b.Warnings...)
	}
	if !slices.Equal(all, []string{"Prometheus warned: results truncated due to limit"}) {
		t.Errorf("warnings %q, want the server's one, once", all)
	}
}

// TestLive: without a saved run the source asks for the last Range, then
// every Refresh for the steps that passed since, never a point twice.
func TestLive(t *testing.T) {
	f := runFake()
	f.series = append(f.series, fakeSeries{labels: map[string]string{"__name__": "up", "job": "api"}, at: func(time.Time) float64 { return 1 }})
	srv := httptest.NewServer(f)
	defer srv.Close()
	clock := sources.NewManualClock(t0.Add(time.Hour + 3*time.Second))
	src := New(sources.Info{Name: srv.URL, Clock: clock}, Options{Follow: true, Range: 5 * time.Minute, Refresh: 5 * time.Second}).(*source)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := newSink()
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx, s) }()
	first := s.waitFor(t, "the first pass", func(b []sources.Batch) bool {
		return len(scrapesOf(b)) > 0 && lastHealth(b).State == sources.StateFollowing
	})
	sc := scrapesOf(first)
	if n := len(sc); n != 21 || !sc[n-1].Time.Equal(t0.Add(time.Hour)) {
		t.Fatalf("%d scrapes ending %v, want 21 over the last 5 minutes, ending at the last whole step %v", n, sc[n-1].Time, t0.Add(time.Hour))
	}
	if err := clock.AwaitArmed(ctx, 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(15 * time.Second)
	more := s.waitFor(t, "the next step", func(b []sources.Batch) bool { return len(scrapesOf(b)) > len(sc) })
	next := scrapesOf(more)[len(sc):]
	if len(next) != 1 || !next[0].Time.Equal(t0.Add(time.Hour+15*time.Second)) {
		t.Errorf("the refresh pushed %d scrapes from %v, want the one new step", len(next), next[0].Time)
	}
	cancel()
	<-done
}

// TestRecentRunFollowed: a run that ends within the live range (a test
// still being written) is asked for, then followed live.
func TestRecentRunFollowed(t *testing.T) {
	f := runFake()
	srv := httptest.NewServer(f)
	defer srv.Close()
	now := t0.Add(5 * time.Minute)
	clock := sources.NewManualClock(now)
	src := New(sources.Info{Name: srv.URL, Clock: clock}, Options{Follow: true, Span: fixedSpan(t0, now.Add(-10*time.Second))}).(*source)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := newSink()
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx, s) }()
	first := s.waitFor(t, "the run", func(b []sources.Batch) bool {
		return len(scrapesOf(b)) > 0 && lastHealth(b).State == sources.StateFollowing
	})
	n := len(scrapesOf(first))
	if err := clock.AwaitArmed(ctx, 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * time.Second)
	more := s.waitFor(t, "the steps since", func(b []sources.Batch) bool { return len(scrapesOf(b)) > n })
	sc := scrapesOf(more)
	if got := sc[len(sc)-1].Time; !got.Equal(now.Add(30 * time.Second)) {
		t.Errorf("followed up to %v, want %v", got, now.Add(30*time.Second))
	}
	cancel()
	<-done
}

// TestStep: Grafana's rule, and never more than 11,000 points.
func TestStep(t *testing.T) {
	tests := []struct {
		rng     time.Duration
		points  int
		minStep time.Duration
		want    time.Duration
	}{
		{time.Hour, 1500, 15 * time.Second, 15 * time.Second},
		{24 * time.Hour, 1500, 15 * time.Second, time.Minute},
		{30 * 24 * time.Hour, 1500, time.Second, 30 * time.Minute},
		{7 * 24 * time.Hour, 1_000_000, time.Millisecond, time.Minute},
		{11000 * 1400 * time.Millisecond, 1_000_000, time.Millisecond, 2 * time.Second},
		{5 * time.Minute, 400, time.Second, time.Second},
	}
	for _, tc := range tests {
		got := Step(tc.rng, tc.points, tc.minStep)
		if got != tc.want {
			t.Errorf("Step(%v, %d, %v) = %v, want %v", tc.rng, tc.points, tc.minStep, got, tc.want)
		}
		if tc.rng/got > MaxResolution {
			t.Errorf("Step(%v) = %v gives %d points", tc.rng, got, tc.rng/got)
		}
	}
	if math.Abs(float64(RoundInterval(16*time.Second)-15*time.Second)) > 0 {
		t.Error("16s does not round to 15s")
	}
}

// TestSelector: a name under --match, for names Prometheus quotes too.
func TestSelector(t *testing.T) {
	tests := []struct{ name, match, want string }{
		{"up", "", `up`},
		{"up", `{job="api",namespace="prod"}`, `up{job="api",namespace="prod"}`},
		{"by", "", `{__name__="by"}`},
		{"a:b_1", `x{}`, `a:b_1`},
		{"http.server.duration", `node_up{ job = "x" }`, `{__name__="http.server.duration",job = "x"}`},
	}
	for _, tc := range tests {
		if got := selector(tc.name, tc.match); got != tc.want {
			t.Errorf("selector(%q, %q) = %s, want %s", tc.name, tc.match, got, tc.want)
		}
	}
}
