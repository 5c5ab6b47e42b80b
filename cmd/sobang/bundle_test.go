package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/record"
)

// TestBundle packs a run's JTL, its log and a Prometheus server's ranges
// (the series chosen without a query, and a --query) into one file:
// report on the bundle says what report on the sources says, every
// section, once the server is gone; the ranges replay without it; the
// server's URL password is not in the file; --window narrows the ranges
// asked for; a server that answers nothing leaves the bundle and exits 1.
func TestBundle(t *testing.T) {
	fake := &promFake{}
	srv := httptest.NewServer(fake)
	dir := t.TempDir()
	jp, lp := writeSavedRun(t, dir)
	for _, c := range []struct {
		name  string
		extra []string
	}{
		{"automatic", nil},
		{"query", []string{"--query", "hikaricp_connections_pending"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, c.name+".sobang")
			args := append([]string{"bundle", jp, lp, "--prom", srv.URL, "--out", out}, c.extra...)
			if stdout, errs, code := runBin(t, args...); code != 0 || stdout != "" || !strings.Contains(errs, "recorded 3 sources to "+out) {
				t.Fatalf("bundle: exit %d, stdout %q, stderr %q", code, stdout, errs)
			}
			want := recordReportDoc(t, append([]string{jp, lp, "--prom", srv.URL}, c.extra...)...)
			got := recordReportDoc(t, out)
			for k := range want {
				if k != "generated" {
					sameJSON(t, "the "+k+" section of the bundle's report", out, got[k], want[k])
				}
			}
			if n, err := reportSeries(got["metrics"]); err != nil || n == 0 {
				t.Errorf("the bundle's report holds %d series (%v)", n, err)
			}
		})
	}
	srv.Close() // what follows reads the bundles alone

	t.Run("without the server", func(t *testing.T) {
		out := filepath.Join(dir, "automatic.sobang")
		doc := recordReportDoc(t, out)
		if n, err := reportSeries(doc["metrics"]); err != nil || n != 2 {
			t.Errorf("report on the bundle without its server: %d series (%v), want 2", n, err)
		}
		// Replayed, at 4096 times the pace: every range's points arrive.
		rec, err := record.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		first, last, ok := rec.DataSpan()
		if !ok {
			t.Fatal("no data span")
		}
		clk := sources.NewReplayClock(sources.Wall, first, last, sources.MaxReplaySpeed)
		clk.Play()
		srcs := rec.Paced(clk)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		st, errs := readAllInto(ctx, srcs, 0, nil)
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := seriesOf(st, 2); n != 2 {
			t.Errorf("the replay holds %d series of the server, want 2", n)
		}
		points := 0
		for _, f := range st.Metrics.Families() {
			for _, s := range f.Series {
				points += s.Len()
			}
		}
		if points < 2*4 {
			t.Errorf("the replay holds %d points, want the ranges' (a point every 15 s of a minute, each series)", points)
		}
	})

	t.Run("window and password", func(t *testing.T) {
		fake := &promFake{}
		srv := httptest.NewServer(fake)
		defer srv.Close()
		url := strings.Replace(srv.URL, "http://", "http://user:hunter2@", 1)
		out := filepath.Join(dir, "window.sobang")
		if _, errs, code := runBin(t, "bundle", jp, "--prom", url, "--window", "+15s..+30s", "--out", out); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
		ranges := fake.seen("/api/v1/query_range")
		if len(ranges) == 0 {
			t.Fatal("no range asked for")
		}
		for _, q := range ranges {
			if q.Get("start") != "1795510815" || q.Get("end") != "1795510830" {
				t.Errorf("query_range %v, want the window %d..%d", q, start.Unix()+15, start.Unix()+30)
			}
		}
		rec, err := record.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		if name := rec.Header.Sources[1].Name; strings.Contains(name, "hunter2") || !strings.Contains(name, srv.Listener.Addr().String()) {
			t.Errorf("the bundle names its server %q, want its URL without the password", name)
		}
	})

	t.Run("server answers nothing", func(t *testing.T) {
		bad := &promFake{status: http.StatusServiceUnavailable, body: "down"}
		srv := httptest.NewServer(bad)
		defer srv.Close()
		out := filepath.Join(dir, "nometrics.sobang")
		_, errs, code := runBin(t, "bundle", jp, "--prom", srv.URL, "--out", out)
		if code != 1 || !strings.Contains(errs, out+" holds no metrics of "+srv.URL) {
			t.Errorf("exit %d, stderr %q, want 1 naming the server", code, errs)
		}
		if _, errs, code := runBin(t, "report", out); code != 0 {
			t.Errorf("report on the bundle without metrics: exit %d: %s", code, errs)
		}
	})

	t.Run("usage", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"bundle", jp}, "bundle needs --out FILE.sobang"},
			{[]string{"bundle", jp, "--out", filepath.Join(dir, "x.sobang"), "--window", "soon"}, "--window: "},
			{[]string{"bundle", "--out", filepath.Join(dir, "x.sobang")}, "bundle needs at least one SOURCE"},
			{[]string{"bundle", jp, "--out", jp}, "--out " + jp + ": it is one of the inputs"},
		} {
			if _, errs, code := runBin(t, c.args...); code != 2 || !strings.Contains(errs, c.want) {
				t.Errorf("%v: exit %d, stderr %q, want 2 and %q", c.args, code, errs, c.want)
			}
		}
	})
}

// TestBundleRealPrometheus bundles a JTL with the ranges of Debian's real
// prometheus, scraping a client_golang target of the test's own: report on
// the bundle, with the server stopped, says what report on the sources
// said with it.
func TestBundleRealPrometheus(t *testing.T) {
	reg := prometheus.NewRegistry()
	pending := prometheus.NewGauge(prometheus.GaugeOpts{Name: "hikaricp_connections_pending", ConstLabels: prometheus.Labels{"pool": "HikariPool-1"}})
	pending.Set(30)
	reqs := prometheus.NewCounter(prometheus.CounterOpts{Name: "http_server_requests_seconds_count"})
	reg.MustRegister(pending, reqs)
	target := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer target.Close()
	url, stop := realPrometheus(t, strings.TrimPrefix(target.URL, "http://"))
	began := time.Now()
	deadline := began.Add(30 * time.Second)
	for {
		reqs.Add(10)
		resp, err := http.Get(url + "/api/v1/query?query=" + neturl.QueryEscape("count_over_time(hikaricp_connections_pending[1m]) >= 9"))
		if err == nil {
			var body strings.Builder
			_, _ = io.Copy(&body, resp.Body)
			resp.Body.Close()
			if strings.Contains(body.String(), `"value"`) {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no 9 scrapes stored within 30 s (last: %v)", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// A run over scraped seconds, ending a few seconds ago: the server
	// answers the bundle and the report alike.
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("timeStamp,elapsed,label,responseCode,success\n")
	from := time.Now().Add(-8 * time.Second).Truncate(time.Second)
	for i := range 40 {
		fmt.Fprintf(&b, "%d,100,pay,200,true\n", from.Add(time.Duration(i)*100*time.Millisecond).UnixMilli())
	}
	jp := filepath.Join(dir, "results.jtl")
	if err := os.WriteFile(jp, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "run.sobang")
	if _, errs, code := runBin(t, "bundle", jp, "--prom", url, "--step", "1s", "--out", out); code != 0 {
		t.Fatalf("bundle: exit %d: %s", code, errs)
	}
	want := recordReportDoc(t, jp, "--prom", url, "--step", "1s")
	stop()
	got := recordReportDoc(t, out)
	for k := range want {
		if k != "generated" {
			sameJSON(t, "the "+k+" section of the bundle's report", out, got[k], want[k])
		}
	}
	if n, err := reportSeries(got["metrics"]); err != nil || n < 2 {
		t.Errorf("the bundle holds %d series (%v): %s", n, err, got["metrics"])
	}
}

// reportSeries counts the series of a report's metrics list.
func reportSeries(metrics json.RawMessage) (int, error) {
	var list []struct {
		Series []json.RawMessage `json:"series"`
	}
	if err := json.Unmarshal(metrics, &list); err != nil {
		return 0, err
	}
	n := 0
	for _, q := range list {
		n += len(q.Series)
	}
	return n, nil
}

// realPrometheus starts Debian's prometheus on a free loopback port,
// scraping target every second, and returns its URL once it answers, and
// what stops it. It skips the test when the binary is missing, except
// under CI=true, where .ci/run installs it (as the promapi tests do).
func realPrometheus(t *testing.T, target string) (string, func()) {
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
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Kill()
			<-exited
		})
	}
	t.Cleanup(stop)
	url := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url, stop
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
