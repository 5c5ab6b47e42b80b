package promapi

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/metrics/promfile"
	"github.com/sobang/sobang/sources/sanitize"
)

// The dashboard's requests (sources.PromQL): a query added from the
// prompt or the list of names, a chart removed, names to complete. They
// run on the dashboard's goroutines while Run goes on, so what they share
// with it is under asked.mu.

// asked is what the dashboard changed of the queries, and what it needs
// of the passes made so far.
type asked struct {
	mu       sync.Mutex
	sink     sources.Sink
	runCtx   context.Context
	from, to time.Time     // the range pushed so far, zero before the first pass
	step     time.Duration // the step of the last pass
	extra    []string      // queries added, in order
	removed  map[string]bool
}

var _ sources.PromQL = (*source)(nil)

// started notes where Run pushes, for the queries added later.
func (s *source) started(ctx context.Context, sink sources.Sink) {
	s.ask.mu.Lock()
	defer s.ask.mu.Unlock()
	s.ask.runCtx, s.ask.sink = ctx, sink
}

// covered notes the range and step of a pass about to be asked.
func (s *source) covered(a, b time.Time, step time.Duration) {
	s.ask.mu.Lock()
	defer s.ask.mu.Unlock()
	if s.ask.from.IsZero() || a.Before(s.ask.from) {
		s.ask.from = a
	}
	if b.After(s.ask.to) {
		s.ask.to = b
	}
	s.ask.step = step
}

// current returns the queries of a pass: the given or automatic ones
// (base) and those added, less those removed.
func (s *source) current(base []string) []string {
	s.ask.mu.Lock()
	defer s.ask.mu.Unlock()
	out := make([]string, 0, len(base)+len(s.ask.extra))
	for _, q := range append(slices.Clip(base), s.ask.extra...) {
		if !s.ask.removed[q] && !slices.Contains(out, q) {
			out = append(out, q)
		}
	}
	return out
}

// AddQuery asks the server for query over the range pushed so far and
// pushes its points; later passes ask for it too. Before the first pass
// the server is asked for the query's value now, so that a query it
// refuses is said at once.
func (s *source) AddQuery(ctx context.Context, query string) error {
	query = strings.TrimSpace(query)
	if query == "" {
		return errors.New("an empty query")
	}
	s.ask.mu.Lock()
	from, to, step, sink, runCtx := s.ask.from, s.ask.to, s.ask.step, s.ask.sink, s.ask.runCtx
	s.ask.mu.Unlock()
	if sink == nil || from.IsZero() || step <= 0 {
		if _, err := s.c.get(ctx, "/api/v1/query", url.Values{"query": {query}, "time": {apiTime(s.clock.Now())}}); err != nil {
			return err
		}
		s.addExtra(query)
		return nil
	}
	params := url.Values{"query": {query}, "start": {apiTime(from)}, "end": {apiTime(to)}, "step": {apiDuration(step)}}
	ans, err := s.c.get(ctx, "/api/v1/query_range", params)
	if err != nil {
		return err
	}
	col := promfile.NewCollector(s.info.Name)
	if err := col.Add(ans.body, query); err != nil {
		return err
	}
	scrapes, badRows, bad, warnings := col.Take()
	warnings = append(ans.warnings, warnings...)
	if len(scrapes) == 0 && len(warnings) == 0 && badRows == 0 {
		s.addExtra(query)
		return fmt.Errorf("%s: no series over the range shown", query)
	}
	// Pushed on Run's context: the dashboard's request may end first,
	// the batch belongs to the session.
	pctx := runCtx
	if pctx == nil || pctx.Err() != nil {
		pctx = ctx
	}
	if err := sink.Push(pctx, sources.Batch{Scrapes: scrapes, Rows: len(scrapes), Warnings: warnings, BadRows: badRows, Bad: bad}); err != nil {
		return err
	}
	s.addExtra(query)
	return nil
}

func (s *source) addExtra(query string) {
	s.ask.mu.Lock()
	defer s.ask.mu.Unlock()
	delete(s.ask.removed, query)
	if !slices.Contains(s.ask.extra, query) {
		s.ask.extra = append(s.ask.extra, query)
	}
}

// RemoveChart stops asking for name: a query as given or added, or a
// metric family charted without a query (a histogram's _bucket, _count
// and _sum with it).
func (s *source) RemoveChart(name string) {
	s.ask.mu.Lock()
	defer s.ask.mu.Unlock()
	if s.ask.removed == nil {
		s.ask.removed = map[string]bool{}
	}
	s.ask.removed[name] = true
	for _, n := range s.names {
		if n == name || strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(n, "_bucket"), "_count"), "_sum") == name {
			s.ask.removed[s.scoped(n)] = true
		}
	}
}

// Names asks for metric names, label names or a label's values over
// [req.From, req.To], scoped by --match and by req.Metric.
func (s *source) Names(ctx context.Context, req sources.NamesRequest) ([]string, error) {
	params := url.Values{"start": {apiTime(req.From)}, "end": {apiTime(req.To)}}
	switch {
	case req.Metric != "" && len(s.opt.Match) == 0:
		params.Add("match[]", selector(req.Metric, ""))
	case req.Metric != "":
		for _, m := range s.opt.Match {
			params.Add("match[]", selector(req.Metric, m))
		}
	default:
		for _, m := range s.opt.Match {
			params.Add("match[]", m)
		}
	}
	path := "/api/v1/labels"
	if req.Label != "" {
		path = "/api/v1/label/" + url.PathEscape(req.Label) + "/values"
	}
	ans, err := s.c.get(ctx, path, params)
	if err != nil {
		return nil, err
	}
	var names []string
	if err := json.Unmarshal(ans.data, &names); err != nil {
		return nil, fmt.Errorf("%s: %s", path, sources.Expected("data", "a list of names", firstLine(ans.data)))
	}
	slices.Sort(names)
	return names, nil
}

// maxInstantQueries bounds the queries one ValuesAt asks: the charts on
// screen, not the whole list.
const maxInstantQueries = 20

// ValuesAt asks for each query's value at an instant (/api/v1/query),
// folded as the range's answers are, so that the samples carry the names
// and labels of the series charted.
func (s *source) ValuesAt(ctx context.Context, queries []string, at time.Time) ([]sources.MetricSample, error) {
	col := promfile.NewCollector(s.info.Name)
	for _, q := range queries[:min(len(queries), maxInstantQueries)] {
		ans, err := s.c.get(ctx, "/api/v1/query", url.Values{"query": {q}, "time": {apiTime(at)}})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
		if err := col.Add(ans.body, q); err != nil {
			return nil, err
		}
	}
	scrapes, _, _, _ := col.Take()
	var out []sources.MetricSample
	for _, sc := range scrapes {
		out = append(out, sc.Samples...)
	}
	return out, nil
}

// exemplarAnswer is the data of /api/v1/query_exemplars.
type exemplarAnswer []struct {
	SeriesLabels map[string]string `json:"seriesLabels"`
	Exemplars    []struct {
		Labels    map[string]string `json:"labels"`
		Value     string            `json:"value"`
		Timestamp float64           `json:"timestamp"`
	} `json:"exemplars"`
}

// traceLabels are the labels a trace id is kept under, by the
// instrumentation libraries' habits (OpenTelemetry, Micrometer, Brave).
var traceLabels = []string{"trace_id", "traceId", "traceID", "trace.id", "TraceID"}

// Exemplars asks for the exemplars of query's series over a range. A
// server that keeps none answers an empty list; one without the endpoint
// (an older Prometheus, some compatible servers) an error, said as the
// server said it.
func (s *source) Exemplars(ctx context.Context, query string, from, to time.Time) ([]sources.Exemplar, error) {
	ans, err := s.c.get(ctx, "/api/v1/query_exemplars", url.Values{"query": {query}, "start": {apiTime(from)}, "end": {apiTime(to)}})
	if err != nil {
		return nil, err
	}
	var data exemplarAnswer
	if err := json.Unmarshal(ans.data, &data); err != nil {
		return nil, errors.New(sources.Expected("the exemplars", "a list of series with their exemplars", string(ans.data)))
	}
	var out []sources.Exemplar
	for _, series := range data {
		name := series.SeriesLabels["__name__"]
		var pairs []string
		for k, v := range series.SeriesLabels {
			if k != "__name__" {
				pairs = append(pairs, k+"="+strconv.Quote(v))
			}
		}
		slices.Sort(pairs)
		id := name
		if len(pairs) > 0 {
			id += "{" + strings.Join(pairs, ",") + "}"
		}
		for _, e := range series.Exemplars {
			v, err := strconv.ParseFloat(e.Value, 64)
			if err != nil {
				continue
			}
			trace := ""
			for _, l := range traceLabels {
				if t, ok := e.Labels[l]; ok {
					trace = t
					break
				}
			}
			if trace == "" {
				var kv []string
				for k, v := range e.Labels {
					kv = append(kv, k+"="+v)
				}
				slices.Sort(kv)
				trace = strings.Join(kv, ",")
			}
			out = append(out, sources.Exemplar{Series: sanitize.Value(id), TraceID: sanitize.Value(trace), Value: v, TimeMS: int64(math.Round(e.Timestamp * 1000))})
		}
	}
	slices.SortFunc(out, func(a, b sources.Exemplar) int { return cmp.Compare(a.TimeMS, b.TimeMS) })
	return out, nil
}
