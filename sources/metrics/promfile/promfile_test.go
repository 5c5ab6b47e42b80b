package promfile

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/corpus"
)

type sink struct {
	mu      sync.Mutex
	batches []sources.Batch
}

func (s *sink) Push(_ context.Context, b sources.Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches = append(s.batches, b)
	return nil
}

// read runs a source on path and sums up what it pushed.
type read struct {
	err      error
	scrapes  []sources.Scrape
	rows     int
	badRows  int
	bad      []sources.BadRow
	warnings []string
	health   *sources.Health
	caughtUp bool
}

func (r *read) series() map[string][]sources.MetricSample {
	out := map[string][]sources.MetricSample{}
	for _, sc := range r.scrapes {
		for _, s := range sc.Samples {
			out[s.Series()] = append(out[s.Series()], s)
		}
	}
	return out
}

func run(t *testing.T, path string) *read {
	t.Helper()
	var s sink
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r := &read{err: New(sources.Info{Name: path}).Run(ctx, &s)}
	for _, b := range s.batches {
		r.scrapes = append(r.scrapes, b.Scrapes...)
		r.rows += b.Rows
		r.badRows += b.BadRows
		r.bad = append(r.bad, b.Bad...)
		r.warnings = append(r.warnings, b.Warnings...)
		if b.Health != nil {
			r.health = b.Health
		}
		r.caughtUp = r.caughtUp || b.CaughtUp
	}
	for i := 1; i < len(r.scrapes); i++ {
		if !r.scrapes[i].Time.After(r.scrapes[i-1].Time) {
			t.Fatalf("scrapes out of time order at %d", i)
		}
	}
	return r
}

func TestSniff(t *testing.T) {
	cases := []struct {
		name, head string
		want       string
	}{
		{"range answer", `{"status":"success","data":{"resultType":"matrix","result":[]}}`, FormatAPI},
		{"error answer", `{"status":"error","errorType":"bad_data","error":"x"}`, FormatAPI},
		{"query inspector", `{"request":{"url":"x"},"response":{"status":"success","data":{"resultType":"vector","result":[]}}}`, FormatAPI},
		{"exposition", "# HELP up x\n# TYPE up gauge\nup 1\n", FormatExposition},
		{"dump", "up{job=\"a\"} 1 1764070000\n", FormatExposition},
		{"k6 summary", `{"metrics":{"http_reqs":{}}}`, ""},
		{"log line", "2026-11-25 12:00:00 INFO started\n", ""},
		{"a word and a number", "started in 5 s\n", ""},
		{"csv", "timeStamp,elapsed,label\n1,2,3\n", ""},
	}
	for _, c := range cases {
		got, ok := Sniff([]byte(c.head))
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%s: Sniff = %q, %v; want %q", c.name, got, ok, c.want)
		}
	}
}

// TestFixtures reads the files of testdata: timestamps in seconds
// (OpenMetrics, a dump) and milliseconds (text), histograms folded from
// their series, bad lines and points counted with their line.
func TestFixtures(t *testing.T) {
	t.Run("dump", func(t *testing.T) {
		r := run(t, "testdata/dump.om.txt")
		if r.err != nil || len(r.scrapes) != 5 || r.badRows != 0 || r.health.Format != FormatExposition || !r.caughtUp {
			t.Fatalf("err %v, %d scrapes, %d bad, health %+v", r.err, len(r.scrapes), r.badRows, r.health)
		}
		s := r.series()
		c := s[`http_requests_total{code="200",job="api"}`]
		if len(c) != 3 || c[0].Type != sources.MetricCounter || c[2].Value != 3 {
			t.Errorf("counter %+v", c)
		}
		h := s[`http_request_duration_seconds{job="api"}`]
		if len(h) != 2 || h[1].Type != sources.MetricHistogram || h[1].Value != 15 || h[1].Sum != 3.25 ||
			len(h[1].Buckets) != 3 || h[1].Buckets[1] != (sources.Bucket{UpperBound: 0.5, Count: 12}) || !math.IsInf(h[1].Buckets[2].UpperBound, 1) {
			t.Errorf("histogram %+v", h)
		}
		g := s[`hikaricp_connections_active{pool="HikariPool-1"}`]
		if len(g) != 2 || g[0].Type != sources.MetricGauge || r.scrapes[1].Time.UnixMilli() != 1764070000500 {
			t.Errorf("gauge %+v, second scrape at %d", g, r.scrapes[1].Time.UnixMilli())
		}
		if len(s) != 3 || r.rows != 7 {
			t.Errorf("%d series, %d points", len(s), r.rows)
		}
	})
	t.Run("milliseconds", func(t *testing.T) {
		r := run(t, "testdata/page_ms.prom")
		s := r.series()
		j := s[`jvm_memory_used_bytes{area="heap",id="G1 Eden Space"}`]
		if r.err != nil || len(j) != 2 || j[1].Value != 1.5e7 || r.scrapes[0].Time.UnixMilli() != 1764070000000 {
			t.Fatalf("err %v, series %+v", r.err, s)
		}
		if p := s["process_restarts"]; len(p) != 1 || p[0].Type != sources.MetricCounter {
			t.Errorf("declared counter %+v", p)
		}
	})
	t.Run("bad lines", func(t *testing.T) {
		r := run(t, "testdata/bad_lines.prom")
		if r.err != nil || r.badRows != 3 || len(r.series()[`up{job="api"}`]) != 2 {
			t.Fatalf("err %v, %d bad rows %+v, series %+v", r.err, r.badRows, r.bad, r.series())
		}
		for i, want := range []int{3, 4, 6} {
			if r.bad[i].Line != want {
				t.Errorf("bad row %d at line %d, want %d: %s", i, r.bad[i].Line, want, r.bad[i].Reason)
			}
		}
		if !strings.Contains(r.bad[1].Reason, `expected a number, NaN or +Inf as the value, found "one"`) {
			t.Errorf("reason %q", r.bad[1].Reason)
		}
	})
	t.Run("bad point", func(t *testing.T) {
		r := run(t, "testdata/bad_point.json")
		if r.err != nil || r.badRows != 1 || r.bad[0].Line != 7 || !strings.Contains(r.bad[0].Reason, `up{job="db"}: value: expected a number in quotes`) {
			t.Fatalf("err %v, bad %+v", r.err, r.bad)
		}
		s := r.series()
		if len(s[`up{job="api"}`]) != 2 || len(s[`up{job="db"}`]) != 1 {
			t.Errorf("series %+v", s)
		}
		if len(r.warnings) != 1 || r.warnings[0] != "Prometheus warned: the result was cut" {
			t.Errorf("warnings %q", r.warnings)
		}
	})
	t.Run("query inspector", func(t *testing.T) {
		r := run(t, "testdata/inspector.json")
		p := r.series()[`hikaricp_connections_pending{pool="HikariPool-1"}`]
		if r.err != nil || len(p) != 3 || p[1].Value != 30 || p[1].Type != sources.MetricGauge || r.health.Format != FormatAPI {
			t.Fatalf("err %v, series %+v", r.err, r.series())
		}
	})
	t.Run("bad JSON", func(t *testing.T) {
		r := run(t, "testdata/bad.json")
		if r.err == nil || !strings.HasPrefix(r.err.Error(), "testdata/bad.json:4: bad JSON") || r.health.State != sources.StateFailed {
			t.Fatalf("err %v", r.err)
		}
	})
	t.Run("no timestamps", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "metrics.prom")
		data, _ := os.ReadFile("testdata/page_untimed.prom")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
		r := run(t, path)
		if r.err != nil || len(r.scrapes) != 1 || !r.scrapes[0].Time.Equal(at) || len(r.scrapes[0].Samples) != 2 {
			t.Fatalf("err %v, scrapes %+v", r.err, r.scrapes)
		}
		if len(r.warnings) != 1 || !strings.Contains(r.warnings[0], "2 sample lines carry no timestamp") || !strings.Contains(r.warnings[0], "2026-11-25T12:00:00Z") {
			t.Errorf("warnings %q", r.warnings)
		}
	})
}

// TestCorpus reads the corpus' saved API answers and exposition pages.
func TestCorpus(t *testing.T) {
	dir := corpus.Dir(t, "metrics")
	cases := []struct {
		file          string
		series, min   int // series, and scrapes at least
		badRows       int
		err           string
		check         string // a series that must be there
		untimedWarned bool
	}{
		{file: "promapi/query_range_rate.json", series: 4, min: 20, check: `query_range_rate{code="200",instance="127.0.0.1:29101",job="demo",method="GET"}`},
		{file: "promapi/query_range_counter_with_reset.json", series: 4, min: 20},
		{file: "promapi/run2_query_range_classic_buckets_raw.json", series: 1, min: 10, check: `demo_http_request_duration_seconds{instance="127.0.0.1:29101",job="demo",method="POST"}`},
		{file: "promapi/query_range_native_histogram_raw.json", series: 1, min: 5},
		{file: "promapi/run2_query_range_go_gc_duration_summary.json", series: 5, min: 5},
		{file: "promapi/query_instant_vector.json", series: 3, min: 1, check: `up{instance="127.0.0.1:29090",job="prometheus"}`},
		{file: "promapi/query_instant_scalar.json", series: 1, min: 1, check: "query_instant_scalar"},
		{file: "promapi/query_instant_matrix_selector.json", series: 1, min: 2},
		{file: "promapi/query_range_classic_buckets_raw.json", err: "holds no samples"},
		{file: "promapi/error_bad_data_parse.json", err: "the saved answer is an error Prometheus gave: bad_data: invalid parameter"},
		{file: "node_exporter_1.12.1_e2e-output.txt", series: 3000, min: 1, untimedWarned: true},
		{file: "prometheus_self_237mfs.prom.txt", series: 600, min: 1, untimedWarned: true},
		{file: "micrometer_hikaricp_simpleclient-format.txt", series: 10, min: 1, untimedWarned: true, check: `hikaricp_connections_active{pool="HikariPool-1"}`},
		{file: "hikaricp_native_prometheus_tracker.txt", series: 10, min: 1, untimedWarned: true},
		{file: "micrometer_1.13_quarkus_jvm_http.prom.txt", series: 50, min: 1, untimedWarned: true},
		{file: "prometheus_1histogram.om.txt", series: 1, min: 1, untimedWarned: true},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			r := run(t, filepath.Join(dir, c.file))
			if c.err != "" {
				if r.err == nil || !strings.Contains(r.err.Error(), c.err) {
					t.Fatalf("err %v, want one with %q", r.err, c.err)
				}
				return
			}
			if r.err != nil {
				t.Fatal(r.err)
			}
			s := r.series()
			if len(s) < c.series || len(r.scrapes) < c.min || r.badRows != c.badRows {
				t.Errorf("%d series (want %d or more), %d scrapes (want %d or more), %d bad rows %+v", len(s), c.series, len(r.scrapes), c.min, r.badRows, r.bad)
			}
			if c.check != "" && s[c.check] == nil {
				var names []string
				for k := range s {
					names = append(names, k)
				}
				t.Errorf("no series %s among %q", c.check, names[:min(len(names), 10)])
			}
			if warned := len(r.warnings) > 0 && strings.Contains(r.warnings[0], "no timestamp"); warned != c.untimedWarned {
				t.Errorf("warnings %q", r.warnings)
			}
		})
	}
}
