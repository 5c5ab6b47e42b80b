package promapi

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sobang/sobang/sources"
)

// realPrometheus starts Debian's prometheus on a free loopback port,
// scraping target every second, and returns its URL once it answers. It
// skips the test when the binary is missing, except under CI=true, where
// .ci/run installs it and a skip would hide a failure.
func realPrometheus(t *testing.T, target string) string {
	t.Helper()
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("prometheus is not installed (apt-get install prometheus); .ci/run installs it")
		}
		t.Skip("prometheus is not installed (apt-get install prometheus)")
	}
	dir := t.TempDir()
	cfg := fmt.Sprintf("global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n  - job_name: api\n    static_configs:\n      - targets: [%q]\n", target)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	url := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
		}
		select {
		case <-exited:
			t.Fatalf("prometheus exited: %s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus was not ready within 30 s: %s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestRealPrometheus: against a real Prometheus scraping a client_golang
// target, a past range written by that target reads back with the pool's
// gauge, the requests' counter and their histogram, chosen without a
// query.
func TestRealPrometheus(t *testing.T) {
	reg := prometheus.NewRegistry()
	pending := prometheus.NewGauge(prometheus.GaugeOpts{Name: "hikaricp_connections_pending", ConstLabels: prometheus.Labels{"pool": "HikariPool-1"}})
	pending.Set(30)
	lat := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "http_server_requests_seconds", Buckets: []float64{0.1, 0.5, 1}}, []string{"uri"})
	other := prometheus.NewGauge(prometheus.GaugeOpts{Name: "unrelated_gauge"})
	reg.MustRegister(pending, lat, other)
	lat.WithLabelValues("/pay").Observe(0.05)
	lat.WithLabelValues("/pay").Observe(0.7)
	target := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer target.Close()
	url := realPrometheus(t, strings.TrimPrefix(target.URL, "http://"))

	began := time.Now()
	c := &client{base: url, http: http.DefaultClient, timeout: 5 * time.Second}
	// Wait for a few scrapes to be stored.
	deadline := time.Now().Add(30 * time.Second)
	for {
		ans, err := c.get(context.Background(), "/api/v1/query", map[string][]string{"query": {"count_over_time(hikaricp_connections_pending[1m]) >= 6"}})
		if err == nil && strings.Contains(string(ans.data), `"value"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no 6 scrapes stored within 30 s (last: %v)", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The past range: from before the first scrape to a moment ago.
	end := time.Now().Add(-time.Second)
	src := New(sources.Info{Name: url}, Options{Span: fixedSpan(began.Add(-time.Second), end), Step: time.Second}).(*source)
	batches, err := run(t, src)
	if err != nil {
		t.Fatalf("Run: %v; %s", err, describeBatches(batches))
	}
	if h := lastHealth(batches); h.State != sources.StateDone {
		t.Fatalf("health %+v, want done", h)
	}
	scrapes := scrapesOf(batches)
	if len(scrapes) < 3 {
		t.Fatalf("%d scrapes, want at least 3 one-second steps", len(scrapes))
	}
	last := scrapes[len(scrapes)-1]
	found := map[string]sources.MetricSample{}
	for _, s := range last.Samples {
		found[s.Name] = s
	}
	if g := found["hikaricp_connections_pending"]; g.Value != 30 || !strings.Contains(g.Labels, `pool="HikariPool-1"`) {
		t.Errorf("pending connections %+v, want 30 for HikariPool-1", g)
	}
	h := found["http_server_requests_seconds"]
	if h.Type != sources.MetricHistogram || h.Value != 2 || len(h.Buckets) != 4 || h.Buckets[0].Count != 1 {
		t.Errorf("latency %+v, want a histogram of 2 requests, 1 under 100 ms, 4 buckets", h)
	}
	if _, ok := found["unrelated_gauge"]; ok {
		t.Error("a metric of no family was charted")
	}
	if _, ok := found["up"]; !ok {
		t.Error("up is missing")
	}

	// Without --step a report takes the raw samples' spacing: the 1 s
	// scrape interval, not Grafana's rule.
	src = New(sources.Info{Name: url}, Options{Span: fixedSpan(began.Add(-time.Second), end)}).(*source)
	batches, err = run(t, src)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if h := lastHealth(batches); !strings.Contains(h.Detail, "step 1s") {
		t.Errorf("health %+v, want step 1s from the raw samples", h)
	}
}
