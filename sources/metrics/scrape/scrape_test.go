package scrape

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store/calc"
)

// requestLog records what the scraper sent.
type requestLog struct {
	mu       sync.Mutex
	requests []http.Header
	encoding []string // Content-Encoding of each answer
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		l.mu.Lock()
		l.requests = append(l.requests, r.Header.Clone())
		l.encoding = append(l.encoding, w.Header().Get("Content-Encoding"))
		l.mu.Unlock()
	})
}

func (l *requestLog) all() ([]http.Header, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.requests), slices.Clone(l.encoding)
}

// TestScrapeClientGolangRegistry scrapes a real client_golang registry
// through promhttp: the answer is gzip'd, length-delimited protobuf.
func TestScrapeClientGolangRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "app_requests_total", Help: "Requests."}, []string{"method", "code"})
	requests.WithLabelValues("GET", "200").Add(5)
	requests.WithLabelValues("POST", "500").Add(2)
	inflight := prometheus.NewGauge(prometheus.GaugeOpts{Name: "app_inflight", Help: "In flight."})
	inflight.Set(3)
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "app_latency_seconds", Help: "Latency.", Buckets: []float64{0.1, 0.5, 1},
	}, []string{"route"})
	for _, v := range []float64{0.05, 0.3, 0.7, 2} {
		latency.WithLabelValues("/a").Observe(v)
	}
	db := prometheus.NewSummary(prometheus.SummaryOpts{
		Name: "app_db_seconds", Help: "DB.", Objectives: map[float64]float64{0.5: 0.05, 0.99: 0.001},
	})
	for i := 1; i <= 100; i++ {
		db.Observe(float64(i) / 100)
	}
	// Native buckets only: no classic buckets on the wire.
	native := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "app_native_seconds", Help: "Native.", NativeHistogramBucketFactor: 1.1,
	})
	observed := []float64{0.0004, 0.003, 0.003, 0.02, 0.25, 0.25, 0.25, 1.7, 12}
	for _, v := range observed {
		native.Observe(v)
	}
	odd := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "app_odd", Help: "Odd labels."}, []string{"path", "zz", "aa"})
	odd.WithLabelValues("a\"b\\c\nd", "", "x").Set(1)
	reg.MustRegister(requests, inflight, latency, db, native, odd)

	var log requestLog
	srv := httptest.NewServer(log.wrap(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	defer srv.Close()

	batches, err := runOnce(t, newSource(srv.URL, Options{Timeout: 700 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	if len(batches) != 1 || len(batches[0].Scrapes) != 1 || batches[0].Rows != 1 || !batches[0].CaughtUp {
		t.Fatalf("got %d batches (%+v), want one with one scrape, Rows 1, CaughtUp", len(batches), batches)
	}
	h := batches[0].Health
	if h == nil || h.State != sources.StateDone || h.Format != "protobuf" {
		t.Fatalf("health %+v, want done, format protobuf", h)
	}
	sc := batches[0].Scrapes[0]
	if !sc.Up || sc.Time.IsZero() || sc.Duration <= 0 {
		t.Fatalf("scrape %+v, want up with a time and a duration", sc)
	}

	headers, encodings := log.all()
	if len(headers) != 1 {
		t.Fatalf("server saw %d requests, want 1", len(headers))
	}
	req := headers[0]
	for name, want := range map[string]string{
		"Accept":                              acceptDefault,
		"Accept-Encoding":                     "gzip",
		"X-Prometheus-Scrape-Timeout-Seconds": "0.7",
	} {
		if got := req.Get(name); got != want {
			t.Errorf("request header %s = %q, want %q", name, got, want)
		}
	}
	if ua := req.Get("User-Agent"); !strings.HasPrefix(ua, "sobang/") {
		t.Errorf("User-Agent %q, want sobang/<version>", ua)
	}
	if encodings[0] != "gzip" {
		t.Errorf("promhttp answered with Content-Encoding %q, want gzip (the test would not cover gunzipping)", encodings[0])
	}

	checkSamples(t, sc.Samples)
	got := bySeries(sc.Samples)
	// 2 counters, 1 gauge, 1 histogram, 1 summary + 2 quantiles, 1 native, 1 odd.
	if len(sc.Samples) != 9 {
		t.Errorf("got %d samples, want 9: %v", len(sc.Samples), keys(got))
	}
	expect := func(series string, typ sources.MetricType, value float64) sources.MetricSample {
		t.Helper()
		s, ok := got[series]
		if !ok {
			t.Fatalf("no series %s among %v", series, keys(got))
		}
		if s.Type != typ || s.Value != value {
			t.Errorf("%s: type %v value %v, want %v %v", series, s.Type, s.Value, typ, value)
		}
		return s
	}
	expect(`app_requests_total{code="200",method="GET"}`, sources.MetricCounter, 5)
	expect(`app_requests_total{code="500",method="POST"}`, sources.MetricCounter, 2)
	expect(`app_inflight`, sources.MetricGauge, 3)
	// Empty label dropped, names sorted, value escaped as in the text format.
	expect(`app_odd{aa="x",path="a\"b\\c\nd"}`, sources.MetricGauge, 1)

	hist := expect(`app_latency_seconds{route="/a"}`, sources.MetricHistogram, 4)
	if math.Abs(hist.Sum-3.05) > 1e-9 {
		t.Errorf("histogram sum %v, want 3.05", hist.Sum)
	}
	wantBuckets := []sources.Bucket{{UpperBound: 0.1, Count: 1}, {UpperBound: 0.5, Count: 2}, {UpperBound: 1, Count: 3}, {UpperBound: math.Inf(1), Count: 4}}
	if !slices.Equal(hist.Buckets, wantBuckets) {
		t.Errorf("buckets %v, want %v", hist.Buckets, wantBuckets)
	}

	sum := expect(`app_db_seconds`, sources.MetricSummary, 100)
	if math.Abs(sum.Sum-50.5) > 1e-9 {
		t.Errorf("summary sum %v, want 50.5", sum.Sum)
	}
	if q := got[`app_db_seconds{quantile="0.5"}`]; q.Type != sources.MetricGauge || math.Abs(q.Value-0.5) > 0.05 {
		t.Errorf("median sample %+v, want a gauge near 0.5", q)
	}
	if q := got[`app_db_seconds{quantile="0.99"}`]; q.Type != sources.MetricGauge || math.Abs(q.Value-0.99) > 0.01 {
		t.Errorf("p99 sample %+v, want a gauge near 0.99", q)
	}

	nat := expect(`app_native_seconds`, sources.MetricHistogram, float64(len(observed)))
	checkNativeBuckets(t, nat.Buckets, observed)
}

// checkNativeBuckets asserts that buckets derived from native ones count
// exactly the observations at or below each bound, and that every
// observation lies within 10% (factor 1.1) of the bound of its bucket.
func checkNativeBuckets(t *testing.T, buckets []sources.Bucket, observed []float64) {
	t.Helper()
	if len(buckets) < 3 {
		t.Fatalf("native histogram has buckets %v, want derived ones", buckets)
	}
	for _, b := range buckets {
		n := 0
		for _, v := range observed {
			if v <= b.UpperBound {
				n++
			}
		}
		if b.Count != float64(n) {
			t.Errorf("bucket le=%v counts %v, want %d observations at or below it; buckets %v", b.UpperBound, b.Count, n, buckets)
		}
	}
	for _, v := range observed {
		i := slices.IndexFunc(buckets, func(b sources.Bucket) bool { return b.UpperBound >= v })
		if ub := buckets[i].UpperBound; ub > v*1.1 {
			t.Errorf("observation %v lands in a bucket ending at %v, more than a factor 1.1 away", v, ub)
		}
	}
	if q := calc.HistogramQuantile(0.5, buckets); q < 0.25/1.1 || q > 0.25*1.1 {
		t.Errorf("median of %v from derived buckets = %v, want within a bucket of 0.25", observed, q)
	}
}

func keys(m map[string]sources.MetricSample) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// corpusCase says what scraping one corpus file must give. Counts were
// obtained by scraping each file once with this package and cross-checked
// with ../../../../shared/corpus/metrics/SOURCES.md: the number of series
// before summary quantiles (3027 for node_exporter, 46 for the demo, 7 for
// promtool, 13 for hikaricp) equals the "samples" SOURCES.md lists as the
// decoder's metrics; summaries add one gauge per quantile. Error lines are
// those SOURCES.md describes (missing final newline, exemplars, # EOF).
type corpusCase struct {
	contentType string
	gzip        bool
	samples     int
	byType      [5]int // untyped, counter, gauge, histogram, summary
	err         string // prefix of Health.Err when the scrape must fail
}

const (
	textType  = "text/plain; version=0.0.4; charset=utf-8"
	protoType = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
	omType    = "application/openmetrics-text; version=1.0.0; charset=utf-8"
)

var corpusCases = map[string]corpusCase{
	"node_exporter_1.12.1_e2e-output.txt":           {textType, true, 3027, [5]int{390, 1429, 1208, 0, 0}, ""},
	"prometheus_self_237mfs.prom.txt":               {textType, false, 729, [5]int{0, 319, 281, 105, 24}, ""},
	"client_golang_v1.25_demo.prom.txt":             {textType, false, 54, [5]int{0, 10, 40, 2, 2}, ""},
	"client_golang_v1.25_demo_native_histograms.pb": {protoType, false, 54, [5]int{0, 10, 40, 2, 2}, ""},
	"promtool_metrics-test.prom":                    {textType, false, 12, [5]int{0, 4, 6, 1, 1}, ""},
	"micrometer_1.13_quarkus_jvm_http.prom.txt":     {textType, false, 118, [5]int{13, 0, 97, 0, 8}, ""},
	"micrometer_hikaricp_simpleclient-format.txt":   {textType, false, 13, [5]int{0, 1, 9, 0, 3}, ""},
	// The negative cases the corpus keeps on purpose.
	"hikaricp_native_prometheus_tracker.txt":                      {textType, false, 0, [5]int{}, "line 54: unexpected end of input stream"},
	"client_golang_example_5mfs_exemplars.om.txt":                 {textType, false, 0, [5]int{}, `line 19: expected integer as timestamp, got "#"`},
	"client_golang_v1.25_demo_exemplars.om.txt":                   {textType, false, 0, [5]int{}, `line 10: expected integer as timestamp, got "#"`},
	"prometheus_1histogram.om.txt":                                {textType, false, 0, [5]int{}, "line 45: unexpected end of input stream"},
	"client_golang_v1.25_demo_native_histograms.pb.prototext.txt": {textType, false, 0, [5]int{}, "line 1: "},
}

// TestScrapeCorpus serves every exposition file of the corpus as a target
// would and scrapes it once.
func TestScrapeCorpus(t *testing.T) {
	dir := corpusDir(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		tc, ok := corpusCases[e.Name()]
		if !ok {
			t.Errorf("corpus file %s has no case here: add one", e.Name())
			continue
		}
		seen++
		t.Run(e.Name(), func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(serveBody(t, tc.contentType, body, tc.gzip))
			defer srv.Close()
			src := newSource(srv.URL, Options{Interval: time.Second, Follow: true})
			rec := start(t, src)
			want := sources.StateFollowing
			if tc.err != "" {
				want = sources.StateDown
			}
			batches := rec.waitFor(t, 10*time.Second, "first scrape", hasState(want))
			h := lastHealth(batches)
			first := batches[0]
			if !first.CaughtUp {
				t.Error("first batch is not CaughtUp")
			}
			sc := first.Scrapes[0]
			if tc.err != "" {
				if !strings.HasPrefix(h.Err, tc.err) || sc.Up || len(sc.Samples) != 0 || first.Rows != 0 {
					t.Errorf("health %+v, scrape up %v with %d samples, rows %d; want down with Err %q..., no samples",
						h, sc.Up, len(sc.Samples), first.Rows, tc.err)
				}
				return
			}
			if h.Detail != "scraping every 1s" {
				t.Errorf("detail %q, want %q", h.Detail, "scraping every 1s")
			}
			wantFormat := "Prometheus text"
			if tc.contentType == protoType {
				wantFormat = "protobuf"
			}
			if h.Format != wantFormat {
				t.Errorf("format %q, want %q", h.Format, wantFormat)
			}
			if !sc.Up || first.Rows != 1 {
				t.Fatalf("scrape up %v, rows %d; want up, 1", sc.Up, first.Rows)
			}
			checkSamples(t, sc.Samples)
			var byType [5]int
			for _, s := range sc.Samples {
				byType[s.Type]++
			}
			if len(sc.Samples) != tc.samples || byType != tc.byType {
				t.Errorf("got %d samples by type %v, want %d by type %v", len(sc.Samples), byType, tc.samples, tc.byType)
			}
		})
	}
	if seen != len(corpusCases) {
		t.Errorf("found %d of the %d corpus files this test expects", seen, len(corpusCases))
	}
}

// serveBody answers every request with body, gzip'd when asked to.
func serveBody(t *testing.T, contentType string, body []byte, gz bool) http.Handler {
	t.Helper()
	if gz {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		body = buf.Bytes()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		if gz {
			if r.Header.Get("Accept-Encoding") != "gzip" {
				http.Error(w, "gzip expected", http.StatusNotAcceptable)
				return
			}
			w.Header().Set("Content-Encoding", "gzip")
		}
		_, _ = w.Write(body)
	})
}

// TestScrapeFailures covers answers that must fail a scrape: the source is
// Down with a reason a person can act on, and keeps trying.
func TestScrapeFailures(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		maxBody int
		err     string
	}{
		{"HTTP 500", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		}, 0, "HTTP 500 Internal Server Error"},
		{"HTTP 503", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "later", http.StatusServiceUnavailable)
		}, 0, "HTTP 503 Service Unavailable"},
		{"garbage", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", textType)
			_, _ = w.Write([]byte("<html><body>Whitelabel Error Page</body></html>\n"))
		}, 0, "line 1: "},
		{"garbage protobuf", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", protoType)
			_, _ = w.Write([]byte("\xff\xff\xff\xff not protobuf"))
		}, 0, "protobuf: message at byte 5 claims "},
		{"bad gzip", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", textType)
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write([]byte("up 1\n"))
		}, 0, "gzip: "},
		{"Prometheus UI", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte("<!doctype html><html><head><title>Prometheus Time Series Collection and Processing Server</title></head></html>"))
		}, 0, prometheusHint},
		{"Prometheus API answer", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"status":"success","data":{"resultType":"vector","result":[]}}`))
		}, 0, prometheusHint},
		{"Prometheus API error", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\""}`))
		}, 0, "HTTP 400 Bad Request: " + prometheusHint},
		{"body too large", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", textType)
			_, _ = w.Write(bytes.Repeat([]byte("up 1\n"), 100))
		}, 100, "body larger than 100 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			src := newSource(srv.URL, Options{Interval: 20 * time.Millisecond, Follow: true})
			if tc.maxBody > 0 {
				src.fetcher.maxBody = tc.maxBody
			}
			rec := start(t, src)
			batches := rec.waitFor(t, 5*time.Second, "three failed scrapes", func(b []sources.Batch) bool {
				return len(scrapes(b)) >= 3
			})
			if !batches[0].CaughtUp {
				t.Error("first (failed) batch is not CaughtUp: the UI would wait forever")
			}
			h := lastHealth(batches)
			if h.State != sources.StateDown || !strings.HasPrefix(h.Err, tc.err) {
				t.Fatalf("health %+v, want down with Err %q...", h, tc.err)
			}
			for _, sc := range scrapes(batches) {
				if sc.Up || len(sc.Samples) != 0 {
					t.Errorf("failed scrape %+v is up or has samples", sc)
				}
			}
			if since := batches[0].Health.Since; !h.Since.Equal(since) {
				t.Errorf("down since %v, want the first failure's time %v", h.Since, since)
			}
		})
	}
}

// TestScrapeTimeout: a target slower than the timeout is Down with the
// timeout named.
func TestScrapeTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	rec := start(t, newSource(srv.URL, Options{Interval: 200 * time.Millisecond, Timeout: 100 * time.Millisecond, Follow: true}))
	batches := rec.waitFor(t, 5*time.Second, "down", hasState(sources.StateDown))
	if h := lastHealth(batches); h.Err != "timeout after 100ms" {
		t.Errorf("Err %q, want %q", h.Err, "timeout after 100ms")
	}
	if d := scrapes(batches)[0].Duration; d < 100*time.Millisecond || d > 2*time.Second {
		t.Errorf("failed scrape took %v, want about the 100ms timeout", d)
	}
}

// TestScrapeRefusedThenRecovers: nothing listens on the port, then a
// target starts there.
func TestScrapeRefusedThenRecovers(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	src := newSource("http://"+addr+"/metrics", Options{Interval: 5 * time.Millisecond, Follow: true})
	rec := start(t, src)
	batches := rec.waitFor(t, 5*time.Second, "five refused scrapes", func(b []sources.Batch) bool {
		return len(scrapes(b)) >= 5
	})
	h := lastHealth(batches)
	if h.State != sources.StateDown || h.Err != "connection refused" {
		t.Fatalf("health %+v, want down: connection refused", h)
	}
	if !h.Since.Equal(batches[0].Health.Since) {
		t.Errorf("down since %v, want the first failure %v", h.Since, batches[0].Health.Since)
	}
	// Backoff 5ms, 10ms, 20ms, 40ms, 40ms... (the test's RetryMin/Max; the
	// 5ms interval is shorter). Gaps may be longer, never shorter.
	sc := scrapes(batches)
	for i := 1; i < 5; i++ {
		gap := sc[i].Time.Sub(sc[i-1].Time)
		if want := src.backoff(i); gap < want {
			t.Errorf("retry %d came %v after the previous, want at least %v", i, gap, want)
		}
	}

	var l2 net.Listener
	for attempt := 0; ; attempt++ {
		if l2, err = net.Listen("tcp", addr); err == nil {
			break
		}
		if attempt == 50 {
			t.Fatalf("cannot listen on %s again: %v", addr, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	srv := httptest.NewUnstartedServer(serveBody(t, textType, []byte("up_total 1\n"), false))
	srv.Listener.Close()
	srv.Listener = l2
	srv.Start()
	defer srv.Close()

	batches = rec.waitFor(t, 5*time.Second, "recovery", hasState(sources.StateFollowing))
	h = lastHealth(batches)
	if h.Err != "" || h.Detail != "scraping every 5ms" {
		t.Errorf("recovered health %+v, want following without error", h)
	}
	last := scrapes(batches)[len(scrapes(batches))-1]
	if !last.Up || len(last.Samples) != 1 || last.Samples[0].Series() != "up_total" {
		t.Errorf("recovered scrape %+v, want up with up_total", last)
	}
	caughtUp := 0
	for _, b := range batches {
		if b.CaughtUp {
			caughtUp++
		}
	}
	if caughtUp != 1 {
		t.Errorf("%d batches say CaughtUp, want exactly the first", caughtUp)
	}
}

// TestScrapeOnce: without Follow, one request, one batch, Run returns.
func TestScrapeOnce(t *testing.T) {
	var log requestLog
	srv := httptest.NewServer(log.wrap(serveBody(t, textType, []byte("# TYPE up gauge\nup 1\n"), false)))
	defer srv.Close()
	batches, err := runOnce(t, newSource(srv.URL, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if reqs, _ := log.all(); len(reqs) != 1 {
		t.Errorf("server saw %d requests, want 1", len(reqs))
	}
	if len(batches) != 1 || !batches[0].CaughtUp || batches[0].Rows != 1 || batches[0].Health.State != sources.StateDone {
		t.Fatalf("batches %+v, want one CaughtUp batch with Rows 1 and health done", batches)
	}
	if s := batches[0].Scrapes[0].Samples; len(s) != 1 || s[0].Series() != "up" || s[0].Type != sources.MetricGauge || s[0].Value != 1 {
		t.Errorf("samples %+v, want up 1 (gauge)", s)
	}
}

// TestScrapeDuplicateSeries: a series twice in one page (here once with an
// empty label, which Prometheus treats as absent) is kept once, the first,
// and the user is told once.
func TestScrapeDuplicateSeries(t *testing.T) {
	srv := httptest.NewServer(serveBody(t, textType, []byte("# TYPE up gauge\nup 1\nup{job=\"\"} 2\nother 3\n"), false))
	defer srv.Close()
	rec := start(t, newSource(srv.URL, Options{Interval: 10 * time.Millisecond, Follow: true}))
	batches := rec.waitFor(t, 5*time.Second, "two scrapes", func(b []sources.Batch) bool { return len(scrapes(b)) >= 2 })
	if h := lastHealth(batches); h.State != sources.StateFollowing {
		t.Fatalf("health %+v, want following", h)
	}
	for _, sc := range scrapes(batches)[:2] {
		got := bySeries(sc.Samples)
		if len(sc.Samples) != 2 || got["up"].Value != 1 || got["other"].Value != 3 {
			t.Errorf("samples %+v, want up 1 and other 3", sc.Samples)
		}
	}
	var warnings []string
	for _, b := range batches {
		warnings = append(warnings, b.Warnings...)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "up") {
		t.Errorf("warnings %q, want one naming up", warnings)
	}
}

// TestScrapeOnceFails: without Follow, a failing target is tried three
// times, then Run reports an error naming the URL.
func TestScrapeOnceFails(t *testing.T) {
	var log requestLog
	srv := httptest.NewServer(log.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	})))
	defer srv.Close()
	batches, err := runOnce(t, newSource(srv.URL, Options{}))
	if err == nil || !strings.Contains(err.Error(), srv.URL) || !strings.Contains(err.Error(), "HTTP 503") {
		t.Fatalf("Run returned %v, want an error naming %s and HTTP 503", err, srv.URL)
	}
	if reqs, _ := log.all(); len(reqs) != onceAttempts {
		t.Errorf("server saw %d requests, want %d", len(reqs), onceAttempts)
	}
	if len(batches) != 1 || !batches[0].CaughtUp || batches[0].Health.State != sources.StateFailed || batches[0].Scrapes[0].Up {
		t.Fatalf("batches %+v, want one CaughtUp batch with a failed scrape and health failed", batches)
	}
}

// TestOpenMetricsFallback: a target that answers OpenMetrics although we did
// not ask for it is asked again for text only, before its OpenMetrics is
// decoded (which can fail, slowly, where text works), and from then on.
func TestOpenMetricsFallback(t *testing.T) {
	// A trailing comma in a label set: text accepts it, OpenMetrics not
	// (and expfmt takes about a second to say so).
	const body = "# TYPE hikaricp_connections gauge\nhikaricp_connections{pool=\"HikariPool-1\",} 10\n"
	var log requestLog
	srv := httptest.NewServer(log.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept") == acceptText {
			w.Header().Set("Content-Type", textType)
			_, _ = w.Write([]byte(body))
			return
		}
		w.Header().Set("Content-Type", omType)
		_, _ = w.Write([]byte(body + "# EOF\n"))
	})))
	defer srv.Close()
	rec := start(t, newSource(srv.URL, Options{Interval: 20 * time.Millisecond, Follow: true}))
	batches := rec.waitFor(t, 5*time.Second, "two scrapes", func(b []sources.Batch) bool { return len(scrapes(b)) >= 2 })
	for i, sc := range scrapes(batches)[:2] {
		if !sc.Up || len(sc.Samples) != 1 || sc.Samples[0].Series() != `hikaricp_connections{pool="HikariPool-1"}` {
			t.Errorf("scrape %d: %+v, want up with one hikaricp_connections sample", i, sc)
		}
	}
	if h := batches[0].Health; h.Format != "Prometheus text" {
		t.Errorf("format %q, want Prometheus text", h.Format)
	}
	reqs, _ := log.all()
	if len(reqs) < 3 {
		t.Fatalf("server saw %d requests, want default + text retry + text", len(reqs))
	}
	accepts := []string{reqs[0].Get("Accept"), reqs[1].Get("Accept"), reqs[2].Get("Accept")}
	if want := []string{acceptDefault, acceptText, acceptText}; !slices.Equal(accepts, want) {
		t.Errorf("Accept headers %q, want %q", accepts, want)
	}
}

// TestOpenMetricsOnlyTarget: a target that answers OpenMetrics whatever it
// is asked is decoded as OpenMetrics; a decode failure is a failed scrape.
func TestOpenMetricsOnlyTarget(t *testing.T) {
	tests := []struct {
		name, body, err string
	}{
		{"valid", "# TYPE jobs counter\njobs_total 7\n# EOF\n", ""},
		{"no EOF", "# TYPE jobs counter\njobs_total 7\n", "line 3: data does not end with # EOF"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var log requestLog
			srv := httptest.NewServer(log.wrap(serveBody(t, omType, []byte(tc.body), false)))
			defer srv.Close()
			rec := start(t, newSource(srv.URL, Options{Interval: 20 * time.Millisecond, Follow: true}))
			// expfmt's first OpenMetrics decode in a process takes 1-2 s
			// (10 s under -race on a loaded machine).
			batches := rec.waitFor(t, 30*time.Second, "two scrapes", func(b []sources.Batch) bool { return len(scrapes(b)) >= 2 })
			h := lastHealth(batches)
			if h.Format != "OpenMetrics" {
				t.Errorf("format %q, want OpenMetrics", h.Format)
			}
			sc := scrapes(batches)
			if tc.err != "" {
				if h.State != sources.StateDown || h.Err != tc.err || sc[0].Up {
					t.Errorf("health %+v, first scrape up %v; want down with %q", h, sc[0].Up, tc.err)
				}
			} else {
				for i := range 2 {
					if s := sc[i].Samples; !sc[i].Up || len(s) != 1 || s[0].Series() != "jobs_total" || s[0].Type != sources.MetricCounter || s[0].Value != 7 {
						t.Errorf("scrape %d: %+v, want jobs_total 7 (counter)", i, sc[i])
					}
				}
			}
			reqs, _ := log.all()
			if len(reqs) < 3 || reqs[0].Get("Accept") != acceptDefault || reqs[1].Get("Accept") != acceptText || reqs[2].Get("Accept") != acceptText {
				t.Errorf("%d requests, want the default Accept once, then text only", len(reqs))
			}
		})
	}
}

// TestUTF8Names: Prometheus 3 targets serve quoted UTF-8 names in text
// version 1.0.0, which expfmt.ResponseFormat calls unknown.
func TestUTF8Names(t *testing.T) {
	const body = "# TYPE \"http.server.active\" gauge\n{\"http.server.active\",\"http.route\"=\"/a\",code=\"200\"} 3\n"
	srv := httptest.NewServer(serveBody(t, "text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8", []byte(body), false))
	defer srv.Close()
	batches, err := runOnce(t, newSource(srv.URL, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	s := batches[0].Scrapes[0].Samples
	if len(s) != 1 || s[0].Name != "http.server.active" || s[0].Labels != `code="200","http.route"="/a"` || s[0].Value != 3 {
		t.Errorf("samples %+v, want http.server.active with labels code=\"200\",\"http.route\"=\"/a\"", s)
	}
	if f := batches[0].Health.Format; f != "Prometheus text" {
		t.Errorf("format %q, want Prometheus text", f)
	}
}

func TestBackoff(t *testing.T) {
	s := New(sources.Info{Name: "http://127.0.0.1:1/metrics"}, Options{}).(*source)
	var got []time.Duration
	for n := 1; n <= 7; n++ {
		got = append(got, s.backoff(n))
	}
	// RetryMin 500ms doubles to RetryMax 10s, never below the 1s interval.
	want := []time.Duration{time.Second, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	if !slices.Equal(got, want) {
		t.Errorf("backoff %v, want %v", got, want)
	}
	slow := New(sources.Info{Name: "x"}, Options{Interval: 30 * time.Second}).(*source)
	if d := slow.backoff(3); d != 30*time.Second {
		t.Errorf("backoff with a 30s interval = %v, want 30s", d)
	}
	if slow.fetcher.timeout != sources.ScrapeTimeout || slow.fetcher.url != "http://x" {
		t.Errorf("timeout %v url %q, want the default timeout and http://x", slow.fetcher.timeout, slow.fetcher.url)
	}
	fast := New(sources.Info{Name: "x"}, Options{Interval: 200 * time.Millisecond}).(*source)
	if fast.fetcher.timeout != 200*time.Millisecond {
		t.Errorf("timeout %v with a 200ms interval, want capped at 200ms", fast.fetcher.timeout)
	}
	if k := fast.Info().Kind; k != sources.KindScrape {
		t.Errorf("kind %q, want %q", k, sources.KindScrape)
	}
}

func TestNextTick(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		now  time.Duration // after t0
		want time.Duration
	}{
		{300 * time.Millisecond, time.Second},      // scrape done in time
		{time.Second, 2 * time.Second},             // exactly on the tick: that one is gone
		{2500 * time.Millisecond, 3 * time.Second}, // two ticks skipped, not caught up
	}
	for _, tc := range tests {
		if got := nextTick(t0, time.Second, t0.Add(tc.now)); !got.Equal(t0.Add(tc.want)) {
			t.Errorf("nextTick at +%v = +%v, want +%v", tc.now, got.Sub(t0), tc.want)
		}
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Second: "1s", 900 * time.Millisecond: "900ms", 2 * time.Minute: "2m",
		90 * time.Second: "1m30s", time.Hour: "1h", 5 * time.Second: "5s",
	} {
		if got := ShortDuration(d); got != want {
			t.Errorf("ShortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func ExampleNew() {
	src := New(sources.Info{Name: "http://127.0.0.1:9100/metrics"}, Options{Interval: 5 * time.Second, Follow: true})
	fmt.Println(src.Info().Kind)
	// Output: scrape
}

// TestScrapeOnClock: the ticks, the scrape times and the health come from
// Info.Clock, so a test can step them.
func TestScrapeOnClock(t *testing.T) {
	srv := httptest.NewServer(serveBody(t, textType, []byte("# TYPE up gauge\nup 1\n"), false))
	defer srv.Close()
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	clock := sources.NewManualClock(t0)
	s := New(sources.Info{Name: srv.URL, Clock: clock}, Options{Interval: time.Second, Follow: true}).(*source)
	s.fetcher.timeout = 5 * time.Second // on the wall clock: the request is real
	rec := start(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for n := 1; n <= 3; n++ {
		rec.waitFor(t, 5*time.Second, fmt.Sprintf("scrape %d", n), func(b []sources.Batch) bool { return len(scrapes(b)) >= n })
		if err := clock.AwaitArmed(ctx, 1); err != nil {
			t.Fatalf("the source armed no timer after scrape %d: %v", n, err)
		}
		clock.Advance(time.Second)
	}
	batches := rec.waitFor(t, 5*time.Second, "scrape 4", func(b []sources.Batch) bool { return len(scrapes(b)) >= 4 })
	for i, sc := range scrapes(batches)[:4] {
		if want := t0.Add(time.Duration(i) * time.Second); !sc.Time.Equal(want) || sc.Duration != 0 || !sc.Up {
			t.Errorf("scrape %d: %+v, want up at %v taking 0s on the clock", i, sc, want)
		}
	}
	if h := lastHealth(batches); h.State != sources.StateFollowing || !h.Since.Equal(t0) {
		t.Errorf("health %+v, want following since %v", h, t0)
	}
}

// TestScrapeMaxSeries: a target exposing more series than the cap keeps
// the first ones by metric name; the health line and one warning say how
// many were dropped. The default cap is sources.MaxScrapeSeries.
func TestScrapeMaxSeries(t *testing.T) {
	page := func(n int) []byte {
		var b strings.Builder
		b.WriteString("# TYPE b_series gauge\n")
		for i := range n - 1 {
			fmt.Fprintf(&b, "b_series{i=\"%d\"} %d\n", i, i)
		}
		b.WriteString("# TYPE a_first gauge\na_first 1\n")
		return []byte(b.String())
	}
	cases := []struct {
		name            string
		max, n          int
		kept, dropped   int
		wantDetailTotal string
	}{
		{"under the cap", 10, 10, 10, 0, ""},
		{"over the cap", 4, 10, 4, 6, " · 6 series over --max-series 4 dropped"},
		{"no cap", -1, 10, 10, 0, ""},
		{"default cap", 0, sources.MaxScrapeSeries + 7, sources.MaxScrapeSeries, 7, " · 7 series over --max-series 50000 dropped"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(serveBody(t, textType, page(c.n), false))
			defer srv.Close()
			rec := start(t, newSource(srv.URL, Options{Interval: 20 * time.Millisecond, Follow: true, MaxSeries: c.max}))
			batches := rec.waitFor(t, 20*time.Second, "two scrapes", func(b []sources.Batch) bool { return len(scrapes(b)) >= 2 })
			for _, sc := range scrapes(batches)[:2] {
				if len(sc.Samples) != c.kept || sc.Samples[0].Name != "a_first" {
					t.Fatalf("kept %d samples (first %s), want %d starting with a_first", len(sc.Samples), sc.Samples[0].Name, c.kept)
				}
			}
			h := lastHealth(batches)
			if want := "scraping every 20ms" + c.wantDetailTotal; h.Detail != want {
				t.Errorf("detail %q, want %q", h.Detail, want)
			}
			var warnings []string
			for _, b := range batches {
				warnings = append(warnings, b.Warnings...)
			}
			if c.dropped == 0 && len(warnings) > 0 {
				t.Errorf("warnings %q, want none", warnings)
			}
			if c.dropped > 0 && (len(warnings) != 1 || !strings.Contains(warnings[0], fmt.Sprintf(": %d series are dropped", c.dropped))) {
				t.Errorf("warnings %q, want one saying %d are dropped", warnings, c.dropped)
			}
		})
	}
}
