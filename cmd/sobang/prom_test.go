package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// promFake answers the part of the Prometheus HTTP API that --prom asks,
// holding a gauge and a counter of one service at every instant, and keeps
// the requests it saw.
type promFake struct {
	mu   sync.Mutex
	reqs []*http.Request
	// status, when not 0, answers every request with it and body.
	status int
	body   string
	// filler, when not 0, is how many more metric names (of the job
	// "node") the server says it held.
	filler int
}

func (p *promFake) seen(path string) []url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []url.Values
	for _, r := range p.reqs {
		if r.URL.Path == path {
			out = append(out, r.URL.Query())
		}
	}
	return out
}

func (p *promFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.reqs = append(p.reqs, r)
	p.mu.Unlock()
	if p.status != 0 {
		w.WriteHeader(p.status)
		_, _ = w.Write([]byte(p.body))
		return
	}
	q := r.URL.Query()
	var data any
	switch r.URL.Path {
	case "/api/v1/label/__name__/values":
		names := []string{"hikaricp_connections_pending", "http_server_requests_seconds_count", "unrelated_metric"}
		for i := range p.filler {
			names = append(names, fmt.Sprintf("node_filler_%04d", i))
		}
		data = names
	case "/api/v1/label/job/values":
		data = []string{"node", "api"}
	case "/api/v1/metadata":
		data = map[string]any{}
	case "/api/v1/query_range":
		if strings.Count(q.Get("query"), "[") != strings.Count(q.Get("query"), "]") {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:8: parse error: unclosed left bracket"}`))
			return
		}
		start, _ := strconv.ParseFloat(q.Get("start"), 64)
		end, _ := strconv.ParseFloat(q.Get("end"), 64)
		step, _ := strconv.ParseFloat(q.Get("step"), 64)
		name := "hikaricp_connections_pending"
		if strings.Contains(q.Get("query"), "http_server_requests_seconds_count") {
			name = "http_server_requests_seconds_count"
		}
		var values [][]any
		for t := start; t <= end && step > 0; t += step {
			v := 30.0
			if name != "hikaricp_connections_pending" {
				v = 10 * (t - start)
			}
			values = append(values, []any{t, strconv.FormatFloat(v, 'f', -1, 64)})
		}
		metric := map[string]string{"__name__": name, "job": "api", "pool": "HikariPool-1"}
		if strings.Contains(q.Get("query"), "(") {
			metric = map[string]string{} // an expression's result has no name
		}
		data = map[string]any{"resultType": "matrix", "result": []any{map[string]any{"metric": metric, "values": values}}}
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": data})
}

// TestPromReport: `report results.jtl --prom URL` asks the server for the
// run's range (not now), and the report holds the series it charted; a
// server that fails fails the report naming it and its message.
func TestPromReport(t *testing.T) {
	fake := &promFake{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	dir := t.TempDir()
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var b strings.Builder
	b.WriteString("timeStamp,elapsed,label,responseCode,success\n")
	for i := range 61 {
		fmt.Fprintf(&b, "%d,100,pay,200,true\n", start.Add(time.Duration(i)*10*time.Second).UnixMilli())
	}
	jtl := filepath.Join(dir, "results.jtl")
	if err := os.WriteFile(jtl, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runBin(t, "report", "--format", "json", jtl, "--prom", srv.URL)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Sources []struct {
			Path string `json:"path"`
			Kind string `json:"kind"`
		} `json:"sources"`
		Metrics []metricEntry `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(doc.Sources) != 2 || doc.Sources[1].Kind != "prometheus" || doc.Sources[1].Path != srv.URL {
		t.Errorf("sources %+v, want the JTL and the server", doc.Sources)
	}
	if seriesIn(doc.Metrics) != 2 || len(doc.Metrics) != 2 || doc.Metrics[0].Query != "hikaricp_connections_pending" || doc.Metrics[0].Series[0].Max != 30 {
		t.Errorf("metrics %+v, want the pool's pending connections at 30 and the requests, not the unrelated metric", doc.Metrics)
	}
	// From the run's start (on the 15 s grid) to its end, the last
	// request's end: 10 minutes and 100 ms.
	ranges := fake.seen("/api/v1/query_range")
	for _, q := range ranges {
		if q.Get("start") != strconv.FormatInt(start.Unix(), 10) || q.Get("end") != strconv.FormatInt(start.Unix()+600, 10)+".100" || q.Get("step") != "15" {
			t.Errorf("query_range %v, want the run's range", q)
		}
	}
	if len(ranges) != 2 {
		t.Errorf("%d range queries, want one per chosen name", len(ranges))
	}

	t.Run("window", func(t *testing.T) {
		fake := &promFake{}
		srv := httptest.NewServer(fake)
		defer srv.Close()
		if _, errs, code := runBin(t, "report", jtl, "--prom", srv.URL, "--window", "+60s..+120s"); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		for _, q := range fake.seen("/api/v1/query_range") {
			if q.Get("start") != strconv.FormatInt(start.Unix()+60, 10) || q.Get("end") != strconv.FormatInt(start.Unix()+120, 10) {
				t.Errorf("query_range %v, want the window +60s..+120s of the run", q)
			}
		}
	})

	t.Run("queries in the order given", func(t *testing.T) {
		out, errs, code := runBin(t, "report", "--format", "json", jtl, "--prom", srv.URL,
			"--query", "http_server_requests_seconds_count", "--query", "hikaricp_connections_pending")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var doc struct {
			Metrics []metricEntry `json:"metrics"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if len(doc.Metrics) != 2 || doc.Metrics[0].Query != "http_server_requests_seconds_count" || doc.Metrics[1].Query != "hikaricp_connections_pending" {
			t.Fatalf("metrics %+v, want the two queries in the order given", doc.Metrics)
		}
		// 10 minutes at 15 s: 41 points from 0 to 10/s x 600 s.
		s := doc.Metrics[0].Series
		if len(s) != 1 || s[0].Points != 41 || s[0].Min != 0 || s[0].Max != 6000 || s[0].Mean != 3000 || s[0].Last != 6000 || s[0].Labels["pool"] != "HikariPool-1" {
			t.Errorf("series %+v", s)
		}
	})

	t.Run("too many names", func(t *testing.T) {
		// A server holding many services: report exits 2 naming its
		// jobs rather than guess which to report on.
		many := &promFake{filler: 1000}
		srv := httptest.NewServer(many)
		defer srv.Close()
		_, errs, code := runBin(t, "report", jtl, "--prom", srv.URL)
		want := "sobang: " + srv.URL + `: the server held 1003 metric names over the range; beyond 1000, which to chart is not guessed: name a job with --match '{job="NAME"}'; its jobs: api, node`
		if code != 2 || !strings.Contains(errs, want) {
			t.Fatalf("exit %d, stderr %q, want 2 and %q", code, errs, want)
		}
		if n := len(many.seen("/api/v1/query_range")); n != 0 {
			t.Errorf("%d range queries: guessed", n)
		}
		// Scoped, the report is written.
		if _, errs, code := runBin(t, "report", jtl, "--prom", srv.URL, "--match", `{job="api"}`); code != 0 {
			t.Fatalf("with --match: exit %d: %s", code, errs)
		}
	})

	t.Run("server fails", func(t *testing.T) {
		// As for a scrape that fails: the report is written, and the
		// source's failure is a warning naming it and the server's words.
		bad := &promFake{status: http.StatusBadRequest, body: `{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": parse error"}`}
		srv := httptest.NewServer(bad)
		defer srv.Close()
		_, errs, code := runBin(t, "report", jtl, "--prom", srv.URL, "--query", "rate(x[")
		if code != 0 || !strings.Contains(errs, "warning: "+srv.URL) || !strings.Contains(errs, `the server answered: bad_data: invalid parameter "query": parse error`) {
			t.Fatalf("exit %d: %s", code, errs)
		}
	})
}

// TestScrapeReportMetrics: `report --scrape URL --duration D` lists the
// target's families by name, and the scrape figures are its source's.
func TestScrapeReportMetrics(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		_, _ = w.Write([]byte("# TYPE jobs_total counter\njobs_total{queue=\"a\"} 5\njobs_total{queue=\"b\"} 7\n# TYPE pool_active gauge\npool_active 3\n"))
	}))
	defer srv.Close()
	out, errs, code := runBin(t, "report", "--format", "json", "--scrape", srv.URL+"/metrics", "--duration", "2500ms")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Sources []struct {
			Kind          string `json:"kind"`
			Scrapes       *int   `json:"scrapes"`
			FailedScrapes *int   `json:"failed_scrapes"`
			Series        *int   `json:"series"`
		} `json:"sources"`
		Metrics []metricEntry `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(doc.Sources) != 1 || doc.Sources[0].Scrapes == nil || *doc.Sources[0].Scrapes < 2 || *doc.Sources[0].FailedScrapes != 0 || *doc.Sources[0].Series != 3 {
		t.Fatalf("sources %s", out)
	}
	if len(doc.Metrics) != 2 || doc.Metrics[0].Query != "jobs_total" || doc.Metrics[1].Query != "pool_active" || len(doc.Metrics[0].Series) != 2 ||
		doc.Metrics[0].Series[1].Labels["queue"] != "b" || doc.Metrics[0].Series[1].Last != 7 || doc.Metrics[1].Series[0].Points < 2 {
		t.Errorf("metrics %+v, want jobs_total's two series and pool_active", doc.Metrics)
	}
}

// TestPromFlags: bad --prom values and HTTP client files are usage errors;
// a bearer token from --http-config is sent and never printed.
func TestPromFlags(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"report", "--prom", "prometheus:9090"}, `--prom: expected an http:// or https:// URL of a Prometheus-compatible server, e.g. http://localhost:9090, found "prometheus:9090"`},
		{[]string{"report", "--prom", "http://127.0.0.1:1", "--http-config", filepath.Join(dir, "none.yml")}, "--http-config " + filepath.Join(dir, "none.yml") + ": no such file"},
	}
	for _, c := range cases {
		_, errs, code := runBin(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", c.args, code, errs, c.want)
		}
	}

	var auth []string
	var mu sync.Mutex
	fake := &promFake{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	const secret = "s3cr3t-t0ken"
	if err := os.WriteFile(filepath.Join(dir, "token"), []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "http.yml")
	if err := os.WriteFile(cfg, []byte("authorization:\n  credentials_file: token\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runBin(t, "report", "--format", "json", "--prom", srv.URL, "--http-config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(auth) == 0 || auth[0] != "Bearer "+secret {
		t.Errorf("Authorization %q, want the token of the file", auth)
	}
	if strings.Contains(out+errs, secret) {
		t.Error("the token was printed")
	}
}

// metricEntry is one entry of the report's metrics list.
type metricEntry struct {
	Query  string `json:"query"`
	Series []struct {
		Labels map[string]string `json:"labels"`
		Points int               `json:"points"`
		Min    float64           `json:"min"`
		Max    float64           `json:"max"`
		Mean   float64           `json:"mean"`
		Last   float64           `json:"last"`
	} `json:"series"`
}

// seriesIn counts the series of a metrics list.
func seriesIn(list []metricEntry) int {
	n := 0
	for _, m := range list {
		n += len(m.Series)
	}
	return n
}
