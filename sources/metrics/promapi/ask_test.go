package promapi

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// TestAddQuery: a query added after a saved run's pass is asked over the
// range pushed, at its step, and its points pushed with the query named;
// a query the server refuses is said in the server's words and pushes
// nothing; before any pass the query's value now is asked to check it.
func TestAddQuery(t *testing.T) {
	f := runFake()
	srv := httptest.NewServer(f)
	defer srv.Close()
	src := newFor(srv, Options{Span: fixedSpan(t0, t0.Add(10*time.Minute)), Queries: []string{"up"}})

	// Before the first pass.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := src.AddQuery(ctx, "rate(x["); err == nil || err.Error() != `the server answered: bad_data: invalid parameter "query": 1:6: parse error: unclosed left parenthesis` {
		t.Fatalf("a bad query before the first pass: %v", err)
	}
	if len(f.requests("/api/v1/query")) != 1 {
		t.Fatalf("%d instant queries, want the one that checked it", len(f.requests("/api/v1/query")))
	}

	sk := newSink()
	if err := src.Run(ctx, sk); err != nil {
		t.Fatal(err)
	}
	before := len(sk.all())
	cases := []struct {
		query   string
		wantErr string
		scrapes int
	}{
		{`hikaricp_connections_pending{pool="HikariPool-1"}`, "", 41},
		{"sum(rate(x[1m]", "the server answered: bad_data: invalid parameter", 0},
		{`nothing_here`, "nothing_here: no series over the range shown", 0},
		{"   ", "an empty query", 0},
	}
	for _, c := range cases {
		err := src.AddQuery(ctx, c.query)
		if (c.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.wantErr)) {
			t.Errorf("%q: error %v, want %q", c.query, err, c.wantErr)
		}
		added := scrapesOf(sk.all()[before:])
		before = len(sk.all())
		if len(added) != c.scrapes {
			t.Errorf("%q: %d scrapes pushed, want %d", c.query, len(added), c.scrapes)
			continue
		}
		for _, sc := range added {
			for _, smp := range sc.Samples {
				if smp.Query != c.query || smp.Value != 30 {
					t.Fatalf("%q: sample %+v, want the pool's 30 named by the query", c.query, smp)
				}
			}
		}
		if c.scrapes > 0 && (!added[0].Time.Equal(t0) || !added[len(added)-1].Time.Equal(t0.Add(10*time.Minute))) {
			t.Errorf("%q: from %v to %v, want the run's range", c.query, added[0].Time, added[len(added)-1].Time)
		}
	}
	ranges := f.requests("/api/v1/query_range")
	if last := ranges[len(ranges)-1]; last.Get("step") != "15" || last.Get("start") != apiTime(t0) {
		t.Errorf("the added query asked %v, want the pass's range and step", last)
	}
	if got := src.current([]string{"up"}); !slices.Equal(got, []string{"up", `hikaricp_connections_pending{pool="HikariPool-1"}`, "nothing_here"}) {
		t.Errorf("later passes ask %q", got)
	}
}

// TestRemoveChart: a removed chart is no longer asked for, a histogram's
// family by its three series, a query by itself; adding it again brings it
// back.
func TestRemoveChart(t *testing.T) {
	src := New(sources.Info{Name: "http://127.0.0.1:1"}, Options{Match: []string{`{job="api"}`}}).(*source)
	src.names = []string{"http_server_requests_seconds_bucket", "http_server_requests_seconds_count", "http_server_requests_seconds_sum", "up"}
	base := func() []string {
		var out []string
		for _, n := range src.names {
			out = append(out, src.scoped(n))
		}
		return out
	}
	src.RemoveChart("http_server_requests_seconds")
	if got := src.current(base()); !slices.Equal(got, []string{`up{job="api"}`}) {
		t.Errorf("after removing the histogram: %q", got)
	}
	src.addExtra("rate(x[1m])")
	src.RemoveChart("rate(x[1m])")
	src.RemoveChart(`up{job="api"}`)
	if got := src.current(base()); len(got) != 0 {
		t.Errorf("after removing all: %q", got)
	}
	src.addExtra("rate(x[1m])")
	if got := src.current(base()); !slices.Equal(got, []string{"rate(x[1m])"}) {
		t.Errorf("added again: %q", got)
	}
}

// TestNames: metric names, label names and a label's values over the range
// asked, scoped by --match and by the metric being written.
func TestNames(t *testing.T) {
	f := runFake()
	srv := httptest.NewServer(f)
	defer srv.Close()
	src := newFor(srv, Options{Match: []string{`{job="api"}`}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	from, to := t0, t0.Add(time.Hour)
	cases := []struct {
		req  sources.NamesRequest
		want string
	}{
		{sources.NamesRequest{Label: "__name__"}, "app_build_info hikaricp_connections_active"},
		{sources.NamesRequest{Metric: "app_build_info"}, "[__name__ instance job version]"},
		{sources.NamesRequest{Label: "pool", Metric: "hikaricp_connections_active"}, "[HikariPool-1]"},
	}
	for _, c := range cases {
		c.req.From, c.req.To = from, to
		got, err := src.Names(ctx, c.req)
		if err != nil {
			t.Fatalf("%+v: %v", c.req, err)
		}
		if s := strings.Join(got, " "); !strings.Contains(s, strings.Trim(c.want, "[]")) || strings.Contains(s, "batch") {
			t.Errorf("%+v: %q, want %s and nothing out of --match", c.req, got, c.want)
		}
	}
	for _, q := range f.requests("/api/v1/labels") {
		if q.Get("start") != apiTime(from) || q.Get("end") != apiTime(to) || q.Get("match[]") != `app_build_info{job="api"}` {
			t.Errorf("labels asked %v", q)
		}
	}
	srv.Close()
	if _, err := src.Names(ctx, sources.NamesRequest{Label: "__name__", From: from, To: to}); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("a server gone: %v", err)
	}
}

// TestManyNamesAsksForAJob: a server holding more than
// MaxNamesWithoutMatch names over the range, asked without --match, is
// not guessed at: a headless pass fails at once naming the jobs, the
// dashboard's source goes on with no automatic series and warns naming
// them; with --match the names are chosen as ever.
func TestManyNamesAsksForAJob(t *testing.T) {
	f := runFake()
	for i := range MaxNamesWithoutMatch {
		f.series = append(f.series, fakeSeries{labels: map[string]string{"__name__": fmt.Sprintf("filler_%04d", i), "job": "node"},
			at: func(time.Time) float64 { return 1 }})
	}
	srv := httptest.NewServer(f)
	defer srv.Close()
	span := fixedSpan(t0, t0.Add(10*time.Minute))

	_, err := run(t, newFor(srv, Options{Span: span}))
	var jerr *JobsError
	if !errors.As(err, &jerr) || jerr.Names != MaxNamesWithoutMatch+7 || !slices.Equal(jerr.Jobs, []string{"api", "batch", "node"}) {
		t.Fatalf("headless: %v, want a JobsError naming the jobs api, batch, node", err)
	}
	if !strings.Contains(err.Error(), `name a job with --match '{job="NAME"}'; its jobs: api, batch, node`) {
		t.Errorf("error %q", err)
	}
	if n := len(f.requests("/api/v1/label/__name__/values")); n != 1 {
		t.Errorf("asked %d times, want once: the answer would not change", n)
	}
	if n := len(f.requests("/api/v1/query_range")); n != 0 {
		t.Errorf("%d range queries, want none: nothing is guessed", n)
	}

	batches, err := run(t, newFor(srv, Options{Span: span, Match: []string{`{job="api"}`}}))
	if err != nil || len(scrapesOf(batches)) == 0 {
		t.Fatalf("with --match: %v, %d scrapes", err, len(scrapesOf(batches)))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sk := newSink()
	done := make(chan error, 1)
	go func() { done <- newFor(srv, Options{Follow: true}).Run(ctx, sk) }()
	got := sk.waitFor(t, "the jobs' warning", func(bs []sources.Batch) bool {
		for _, b := range bs {
			for _, w := range b.Warnings {
				if strings.Contains(w, "its jobs: api, batch, node; or chart series with : or a") {
					return true
				}
			}
		}
		return false
	})
	if h := lastHealth(got); h.State == sources.StateFailed || h.State == sources.StateDown {
		t.Errorf("the dashboard's source is %s: %s", h.State, h.Err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// TestHeadlessStep: a report's step is the median spacing of the raw
// samples of up over the range (an instant query of a range selector,
// scoped by --match), else the targets' interval, else 15 s; coarsened
// only to stay within MaxResolution points; --step wins.
func TestHeadlessStep(t *testing.T) {
	cases := []struct {
		name     string
		rawEvery time.Duration
		interval string
		rng      time.Duration
		opt      Options
		step     string // as asked of query_range
		raw      string // the range selector asked, "" for none
	}{
		{"raw samples every 5s", 5 * time.Second, "", 10 * time.Minute, Options{}, "5", "up[10m]"},
		{"scoped by --match", 2 * time.Second, "", 10 * time.Minute, Options{Match: []string{`{job="api"}`}}, "2", `up{job="api"}[10m]`},
		{"sub-second samples", 250 * time.Millisecond, "", 10 * time.Minute, Options{}, "0.250", "up[10m]"},
		{"no raw samples: the targets' interval", 0, "5s", 10 * time.Minute, Options{}, "5", "up[10m]"},
		{"nothing said: 15 s", 0, "", 10 * time.Minute, Options{}, "15", "up[10m]"},
		{"two days: within 11,000 points", 5 * time.Second, "", 48 * time.Hour, Options{}, "16", "up[10m]"},
		{"a short range reads a minute", 5 * time.Second, "", 20 * time.Second, Options{}, "5", "up[1m]"},
		{"--step wins", 5 * time.Second, "", 10 * time.Minute, Options{Step: 30 * time.Second}, "30", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := runFake()
			f.rawEvery, f.interval = c.rawEvery, c.interval
			f.series = append(f.series, fakeSeries{labels: map[string]string{"__name__": "up", "job": "api", "instance": "api:8080"}, at: func(time.Time) float64 { return 1 }})
			srv := httptest.NewServer(f)
			defer srv.Close()
			c.opt.Span = fixedSpan(t0, t0.Add(c.rng))
			if _, err := run(t, newFor(srv, c.opt)); err != nil {
				t.Fatal(err)
			}
			ranges := f.requests("/api/v1/query_range")
			if len(ranges) == 0 {
				t.Fatal("no range query")
			}
			for _, q := range ranges {
				if q.Get("step") != c.step {
					t.Fatalf("step %s, want %s", q.Get("step"), c.step)
				}
			}
			var raw []string
			for _, q := range f.requests("/api/v1/query") {
				raw = append(raw, q.Get("query"))
			}
			if (c.raw == "") != (len(raw) == 0) || (c.raw != "" && (len(raw) != 1 || raw[0] != c.raw)) {
				t.Errorf("instant queries %q, want %q", raw, c.raw)
			}
		})
	}
}

// TestValuesAt: the queries' values at an instant between steps, named and
// labelled as the range's series are; an error names the query.
func TestValuesAt(t *testing.T) {
	f := runFake()
	f.series = append(f.series, fakeSeries{labels: map[string]string{"__name__": "queue_depth", "job": "api"},
		at: func(t time.Time) float64 { return t.Sub(t0).Seconds() }})
	srv := httptest.NewServer(f)
	defer srv.Close()
	src := newFor(srv, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := src.ValuesAt(ctx, []string{"queue_depth", `hikaricp_connections_pending{pool="HikariPool-1"}`}, t0.Add(7*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]sources.MetricSample{}
	for _, s := range got {
		byID[s.Series()] = s
	}
	if s := byID[`queue_depth{job="api"}`]; s.Value != 7 || s.Query != "queue_depth" {
		t.Errorf("queue_depth at +7s: %+v (all %v)", s, got)
	}
	if s := byID[`hikaricp_connections_pending{instance="api:8080",job="api",pool="HikariPool-1"}`]; s.Value != 30 {
		t.Errorf("pending at +7s: %+v", s)
	}
	if q := f.requests("/api/v1/query"); len(q) != 2 || q[0].Get("time") != apiTime(t0.Add(7*time.Second)) {
		t.Errorf("asked %v", q)
	}
	if _, err := src.ValuesAt(ctx, []string{"rate(x["}, t0); err == nil || !strings.HasPrefix(err.Error(), "rate(x[: the server answered: bad_data") {
		t.Errorf("a refused query: %v", err)
	}
}
