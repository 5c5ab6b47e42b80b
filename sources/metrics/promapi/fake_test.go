package promapi

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/sobang/sobang/sources"
)

// fakeSeries is one series a fake server holds: labels (with __name__)
// and its value at an instant, NaN where it has none.
type fakeSeries struct {
	labels map[string]string
	at     func(t time.Time) float64
}

// fake speaks the part of the Prometheus HTTP API the source uses, over
// series computed from time, and logs the requests it saw.
type fake struct {
	series   []fakeSeries
	metadata string // the data of /api/v1/metadata, "{}" when empty
	// interval is the scrape interval of the targets the fake says it
	// has, beside one of a minute; none when empty (no targets API).
	interval string
	// exprs are the series of PromQL expressions the fake knows.
	exprs    map[string][]fakeSeries
	warnings []string
	// rawEvery, when set, is the spacing of the raw samples an instant
	// query of a range selector (sel[d]) answers with, a few ms of jitter
	// in each.
	rawEvery time.Duration
	// fail, when set, answers a request instead of the API.
	fail func(w http.ResponseWriter, r *http.Request) bool

	mu   sync.Mutex
	reqs []*http.Request
}

func (f *fake) requests(path string) []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []url.Values
	for _, r := range f.reqs {
		if r.URL.Path == path {
			out = append(out, r.URL.Query())
		}
	}
	return out
}

var matcherRE = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)

var bareNameRE = regexp.MustCompile(`^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?\s*$`)

// norm writes a selector name{a="b"} or a bare name as
// {__name__="name",a="b"}; others stay as they are.
func norm(sel string) string {
	m := bareNameRE.FindStringSubmatch(sel)
	if m == nil {
		return sel
	}
	q := `{__name__="` + m[1] + `"`
	if strings.TrimSpace(m[2]) != "" {
		q += "," + m[2]
	}
	return q + "}"
}

// matches reports whether a series matches the selector {a="b",...} or
// name{a="b"}; the fake knows equality matchers only.
func matches(sel string, labels map[string]string) bool {
	for _, m := range matcherRE.FindAllStringSubmatch(norm(sel), -1) {
		if labels[m[1]] != m[2] {
			return false
		}
	}
	return true
}

// selected returns the series a query names: the union of the selectors
// joined by " or ", or the series of an expression the fake knows.
func (f *fake) selected(query string) []fakeSeries {
	if e, ok := f.exprs[query]; ok {
		return e
	}
	var out []fakeSeries
	for _, sel := range strings.Split(query, " or ") {
		sel = norm(sel)
		for _, s := range f.series {
			if strings.HasPrefix(sel, "{") && matches(sel, s.labels) {
				out = append(out, s)
			}
		}
	}
	return out
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reqs = append(f.reqs, r)
	f.mu.Unlock()
	if r.Method != http.MethodGet {
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	if f.fail != nil && f.fail(w, r) {
		return
	}
	q := r.URL.Query()
	ans := map[string]any{"status": "success"}
	if len(f.warnings) > 0 {
		ans["warnings"] = f.warnings
	}
	if qq := q.Get("query"); strings.Count(qq, "(") != strings.Count(qq, ")") || strings.Count(qq, "[") != strings.Count(qq, "]") {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:6: parse error: unclosed left parenthesis"}`))
		return
	}
	// A label's values, or with /api/v1/labels the label names, of the
	// series matching any match[].
	values := func(label string) []string {
		seen := map[string]bool{}
		var names []string
		for _, s := range f.series {
			ok := len(q["match[]"]) == 0
			for _, m := range q["match[]"] {
				ok = ok || matches(m, s.labels)
			}
			if !ok {
				continue
			}
			var found []string
			if label == "" {
				for k := range s.labels {
					found = append(found, k)
				}
			} else if v, has := s.labels[label]; has {
				found = append(found, v)
			}
			for _, n := range found {
				if !seen[n] {
					seen[n] = true
					names = append(names, n)
				}
			}
		}
		sort.Strings(names)
		return names
	}
	label, isLabel := strings.CutPrefix(r.URL.Path, "/api/v1/label/")
	switch {
	case isLabel && strings.HasSuffix(label, "/values"):
		ans["data"] = values(strings.TrimSuffix(label, "/values"))
	case r.URL.Path == "/api/v1/labels":
		ans["data"] = values("")
	case r.URL.Path == "/api/v1/query" && strings.HasSuffix(q.Get("query"), "]"):
		at, _ := strconv.ParseFloat(q.Get("time"), 64)
		sel, win, _ := strings.Cut(strings.TrimSuffix(q.Get("query"), "]"), "[")
		d, err := model.ParseDuration(win)
		if err != nil || f.rawEvery == 0 {
			ans["data"] = map[string]any{"resultType": "matrix", "result": []any{}}
			break
		}
		end := time.UnixMilli(int64(math.Round(at * 1000)))
		var result []map[string]any
		for _, s := range f.selected(sel) {
			var values [][]any
			for i, t := 0, end.Add(-time.Duration(d)); !t.After(end); i, t = i+1, t.Add(f.rawEvery) {
				jitter := time.Duration(i%3) * time.Millisecond
				values = append(values, []any{float64(t.Add(jitter).UnixMilli()) / 1000, "1"})
			}
			result = append(result, map[string]any{"metric": s.labels, "values": values})
		}
		ans["data"] = map[string]any{"resultType": "matrix", "result": result}
	case r.URL.Path == "/api/v1/query":
		at, _ := strconv.ParseFloat(q.Get("time"), 64)
		var result []map[string]any
		for _, s := range f.selected(q.Get("query")) {
			v := s.at(time.UnixMilli(int64(math.Round(at * 1000))))
			if !math.IsNaN(v) {
				result = append(result, map[string]any{"metric": s.labels, "value": []any{at, strconv.FormatFloat(v, 'g', -1, 64)}})
			}
		}
		ans["data"] = map[string]any{"resultType": "vector", "result": result}
	case r.URL.Path == "/api/v1/targets":
		if f.interval == "" {
			http.NotFound(w, r)
			return
		}
		ans["data"] = map[string]any{"activeTargets": []any{
			map[string]any{"scrapeInterval": "1m"}, map[string]any{"scrapeInterval": f.interval}}}
	case r.URL.Path == "/api/v1/series":
		var sets []map[string]string
		for _, s := range f.series {
			for _, m := range q["match[]"] {
				if matches(m, s.labels) {
					sets = append(sets, s.labels)
					break
				}
			}
		}
		ans["data"] = sets
	case r.URL.Path == "/api/v1/metadata":
		md := f.metadata
		if md == "" {
			md = "{}"
		}
		ans["data"] = json.RawMessage(md)
	case r.URL.Path == "/api/v1/query_range":
		start, _ := strconv.ParseFloat(q.Get("start"), 64)
		end, _ := strconv.ParseFloat(q.Get("end"), 64)
		step, _ := strconv.ParseFloat(q.Get("step"), 64)
		if step <= 0 || (end-start)/step > MaxResolution {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"}`))
			return
		}
		var result []map[string]any
		for _, s := range f.selected(q.Get("query")) {
			var values [][]any
			for ms := int64(math.Round(start * 1000)); ms <= int64(math.Round(end*1000)); ms += int64(math.Round(step * 1000)) {
				v := s.at(time.UnixMilli(ms))
				if math.IsNaN(v) {
					continue
				}
				values = append(values, []any{float64(ms) / 1000, strconv.FormatFloat(v, 'g', -1, 64)})
			}
			if len(values) > 0 {
				result = append(result, map[string]any{"metric": s.labels, "values": values})
			}
		}
		ans["data"] = map[string]any{"resultType": "matrix", "result": result}
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(ans)
}

// t0 is the start of the fake's run.
var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// during is a value between from and to, NaN outside.
func during(from, to time.Time, v func(t time.Time) float64) func(time.Time) float64 {
	return func(t time.Time) float64 {
		if t.Before(from) || t.After(to) {
			return math.NaN()
		}
		return v(t)
	}
}

// runFake returns a fake holding a service's series over [t0, t0+10m].
func runFake() *fake {
	end := t0.Add(10 * time.Minute)
	secs := func(t time.Time) float64 { return t.Sub(t0).Seconds() }
	s := func(v func(time.Time) float64, kv ...string) fakeSeries {
		l := map[string]string{"job": "api", "instance": "api:8080"}
		for i := 0; i+1 < len(kv); i += 2 {
			l[kv[i]] = kv[i+1]
		}
		return fakeSeries{labels: l, at: during(t0, end, v)}
	}
	var series []fakeSeries
	for _, le := range []string{"0.1", "0.5", "+Inf"} {
		f, _ := strconv.ParseFloat(le, 64)
		series = append(series, s(func(t time.Time) float64 { return math.Min(f, 1) * 10 * secs(t) },
			"__name__", "http_server_requests_seconds_bucket", "uri", "/pay", "le", le))
	}
	series = append(series,
		s(func(t time.Time) float64 { return 10 * secs(t) }, "__name__", "http_server_requests_seconds_count", "uri", "/pay"),
		s(func(t time.Time) float64 { return 2 * secs(t) }, "__name__", "http_server_requests_seconds_sum", "uri", "/pay"),
		s(func(t time.Time) float64 { return 10 }, "__name__", "hikaricp_connections_active", "pool", "HikariPool-1"),
		s(func(t time.Time) float64 { return 30 }, "__name__", "hikaricp_connections_pending", "pool", "HikariPool-1"),
		s(func(t time.Time) float64 { return 1 }, "__name__", "app_build_info", "version", "1.4.2"),
		s(func(t time.Time) float64 { return 7 }, "__name__", "some_unrelated_metric"),
		s(func(t time.Time) float64 { return 1 }, "__name__", "hikaricp_connections_active", "pool", "other", "job", "batch"),
	)
	return &fake{series: series}
}

// sink keeps every batch and wakes waiters.
type sink struct {
	mu      sync.Mutex
	batches []sources.Batch
	changed chan struct{}
}

func newSink() *sink { return &sink{changed: make(chan struct{}, 1)} }

func (s *sink) Push(ctx context.Context, b sources.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	s.batches = append(s.batches, b)
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return nil
}

func (s *sink) all() []sources.Batch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.batches)
}

// waitFor waits until cond holds for the batches so far.
func (s *sink) waitFor(t *testing.T, what string, cond func([]sources.Batch) bool) []sources.Batch {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		if b := s.all(); cond(b) {
			return b
		}
		select {
		case <-s.changed:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; batches: %s", what, describeBatches(s.all()))
		}
	}
}

func describeBatches(bs []sources.Batch) string {
	var parts []string
	for _, b := range bs {
		p := fmt.Sprintf("{scrapes %d, caught up %v, warnings %q", len(b.Scrapes), b.CaughtUp, b.Warnings)
		if b.Health != nil {
			p += fmt.Sprintf(", health %s %q %q", b.Health.State, b.Health.Detail, b.Health.Err)
		}
		parts = append(parts, p+"}")
	}
	return strings.Join(parts, " ")
}

func scrapesOf(bs []sources.Batch) []sources.Scrape {
	var out []sources.Scrape
	for _, b := range bs {
		out = append(out, b.Scrapes...)
	}
	return out
}

func lastHealth(bs []sources.Batch) sources.Health {
	var h sources.Health
	for _, b := range bs {
		if b.Health != nil {
			h = *b.Health
		}
	}
	return h
}

// fixedSpan is a Span of a saved run.
func fixedSpan(start, end time.Time) Span {
	return func(context.Context) (time.Time, time.Time, bool, error) { return start, end, true, nil }
}

// run runs src against the sink until it returns, bounded in time.
func run(t *testing.T, src sources.Source) ([]sources.Batch, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := newSink()
	err := src.Run(ctx, s)
	if ctx.Err() != nil {
		t.Fatalf("the source did not return: %s", describeBatches(s.all()))
	}
	return s.all(), err
}
