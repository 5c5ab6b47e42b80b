// Package promapi reads the HTTP API of a Prometheus-compatible server
// (Prometheus, Thanos, Mimir, VictoriaMetrics) as a sobang source.
//
// Each pass asks the server for a range with query_range, one query per
// metric name (or per --query), at one step on a grid aligned to whole
// multiples of it, and folds the answers (promfile.Collector) into one
// sources.Scrape per step instant, so that the store, the metrics pane and
// the report read them as they read a scraped target. Counters are asked
// raw and histograms by their _bucket, _count and _sum series: the store
// computes rates and quantiles as it does for a scrape.
//
//	Span set? -- wait for the files' range ------------------+
//	   | no: live, [now-Range, now]                          |
//	   v                                                     v
//	discover: /api/v1/label/__name__/values (start, end, match[])
//	          /api/v1/metadata for types; Families choose the names,
//	          /api/v1/series bounds their series (MaxSeries)
//	   |                          (or the --query expressions instead)
//	   v
//	/api/v1/query_range per name, step by Grafana's rule
//	   |
//	   v
//	Collector -> Batch{Scrapes, Warnings (the server's warnings and infos)}
//	   |
//	   +-- saved range: Health done, return (followed live instead when
//	   |   it ends within the live range: a test still running)
//	   +-- live: every Refresh, the steps since the last one
//
// A server that cannot be reached, or answers an error, leaves the source
// down and retrying with backoff, the error in the server's own words.
package promapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/metrics/promfile"
	"github.com/sobang/sobang/sources/metrics/scrape"
)

// Span is the range a saved run covers, known once the sources that read
// its files caught up: ok false when they held no timed data (the source
// then reads the live range).
type Span func(ctx context.Context) (start, end time.Time, ok bool, err error)

// Options say what to ask the server.
type Options struct {
	// Queries are PromQL expressions (--query) charted as they are; none
	// means the names of Families the server held over the range.
	Queries []string
	// Match are series selectors (--match) scoping the names chosen and
	// the series asked for; none means every series.
	Match []string
	// Span, when set, gives the range of a saved run: the source asks for
	// it once, from its start's step to its end, and is done; with Follow,
	// a run that ends within Range of now is then followed live.
	Span Span
	// Range is the live range asked first; 0 means 5 minutes.
	Range time.Duration
	// Refresh is the time between two live passes; 0 means 5 s.
	Refresh time.Duration
	// Step fixes the step; 0 means Grafana's rule (Step) over Points.
	Step time.Duration
	// Points is how many points a range is divided into; 0 means
	// DefaultPoints.
	Points int
	// MinStep is the shortest step by the rule; 0 means the shortest
	// scrape interval of the server's targets, else DefaultMinStep.
	MinStep time.Duration
	// Timeout bounds one request; 0 means 30 s.
	Timeout time.Duration
	// Follow keeps the source going: retrying a server that fails, and
	// refreshing a live range. Without it the source tries a few times,
	// makes one pass and returns (headless commands).
	Follow bool
	// Client makes the requests (from --http-config: auth, TLS); nil means
	// a client of the source's own.
	Client *http.Client
	// MaxSeries bounds the series charted without a query: names are
	// taken in order while their series (/api/v1/series over the range)
	// fit; 0 means DefaultMaxSeries.
	MaxSeries int
}

// DefaultMaxSeries is the most series charted without a query: a pane of
// charts, not a copy of the server.
const DefaultMaxSeries = 2000

// onceAttempts is how many times a headless pass tries.
const onceAttempts = 3

// New returns a source asking the server whose URL is info.Name.
func New(info sources.Info, opt Options) sources.Source {
	if info.Kind == "" {
		info.Kind = sources.KindPrometheus
	}
	if opt.Range <= 0 {
		opt.Range = 5 * time.Minute
	}
	if opt.Refresh <= 0 {
		opt.Refresh = 5 * time.Second
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 30 * time.Second
	}
	if opt.MaxSeries <= 0 {
		opt.MaxSeries = DefaultMaxSeries
	}
	hc := opt.Client
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	base := strings.TrimRight(info.Name, "/")
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	return &source{
		info:     info,
		opt:      opt,
		clock:    sources.OrWall(info.Clock),
		c:        &client{base: base, http: hc, timeout: opt.Timeout},
		retryMin: sources.RetryMin,
		retryMax: sources.RetryMax,
	}
}

type source struct {
	info               sources.Info
	opt                Options
	clock              sources.Clock
	c                  *client
	retryMin, retryMax time.Duration

	// names are the metric names asked for without --query, found once.
	names []string
	col   *promfile.Collector
	// last is the instant of the last point pushed: the store takes
	// points in time order, so a live pass starts after it.
	last   time.Time
	series int // distinct series of the last pass
	// minStep is the shortest step by the rule: Options.MinStep, else
	// the shortest scrape interval of the server's targets, else
	// DefaultMinStep.
	minStep time.Duration
	// finest is a headless pass's step: the median spacing of the raw
	// samples (finestStep), found once.
	finest time.Duration
	warned map[string]bool

	// ask is what the dashboard asked (sources.PromQL, ask.go).
	ask asked
}

// Info identifies the source.
func (s *source) Info() sources.Info { return s.info }

// Run asks the server until ctx ends (live, Follow), or until one pass
// over a saved run's range is pushed. It returns nil when ctx ends, and an
// error naming the server when a headless pass failed.
func (s *source) Run(ctx context.Context, sink sources.Sink) error {
	s.col = promfile.NewCollector(s.info.Name)
	s.warned = map[string]bool{}
	s.started(ctx, sink)
	var start, end time.Time
	saved := false
	if s.opt.Span != nil {
		// Starting, not Waiting: a source that waited for its input makes
		// the dashboard open live, and this one waits for a past run.
		if err := sources.SetHealth(ctx, sink, s.clock, sources.Health{State: sources.StateStarting, Detail: "waiting for the files' time range"}); err != nil {
			return nil
		}
		a, b, ok, err := s.opt.Span(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return s.fail(ctx, sink, err)
		}
		if ok {
			start, end, saved = a, b, true
		}
	}
	pushed := false // CaughtUp sent
	failures := 0
	var health sources.Health
	for {
		if !saved {
			end = s.clock.Now()
			start = end.Add(-s.opt.Range)
		}
		from := start
		if !s.last.IsZero() {
			from = s.last
		}
		step, err := s.pass(ctx, sink, from, end, saved)
		if ctx.Err() != nil {
			return nil
		}
		if jerr := (*JobsError)(nil); errors.As(err, &jerr) {
			return s.fail(ctx, sink, err) // asked again, the answer would be the same
		}
		if err == nil && saved && s.opt.Follow && s.clock.Now().Sub(end) < s.opt.Range {
			// A run whose end is within the live range is a test that may
			// still be running: its metrics are followed from there on.
			saved = false
		}
		h := sources.Health{Format: "Prometheus API"}
		if err == nil {
			failures = 0
			h.State = sources.StateFollowing
			h.Detail = fmt.Sprintf("querying every %s, step %s, %d series", scrape.ShortDuration(s.opt.Refresh), scrape.ShortDuration(step), s.series)
			if saved {
				h.State = sources.StateDone
				h.Detail = fmt.Sprintf("%d series over the run, step %s", s.series, scrape.ShortDuration(step))
			}
			if health.State == h.State && health.Detail == h.Detail {
				h.Since = health.Since
			}
		} else {
			failures++
			h.State = sources.StateDown
			h.Err = err.Error()
			if health.State == sources.StateDown {
				h.Since = health.Since
			}
			if !s.opt.Follow && failures >= onceAttempts {
				h.State = sources.StateFailed
			}
		}
		if h.Since.IsZero() {
			h.Since = s.clock.Now()
		}
		batch := sources.Batch{CaughtUp: !pushed}
		if h != health {
			batch.Health = &h
			health = h
		}
		if perr := sink.Push(ctx, batch); perr != nil {
			return nil
		}
		pushed = true
		switch {
		case err == nil && (saved || !s.opt.Follow):
			return nil
		case err != nil && h.State == sources.StateFailed:
			return fmt.Errorf("%s: %s (after %d attempts)", s.info.Name, err, onceAttempts)
		case err != nil:
			if sources.Sleep(ctx, s.clock, s.backoff(failures)) != nil {
				return nil
			}
		default:
			if sources.Sleep(ctx, s.clock, s.opt.Refresh) != nil {
				return nil
			}
		}
	}
}

// fail ends the source on an error it cannot retry.
func (s *source) fail(ctx context.Context, sink sources.Sink, err error) error {
	h := sources.Health{State: sources.StateFailed, Err: err.Error(), Since: s.clock.Now()}
	_ = sink.Push(ctx, sources.Batch{Health: &h, CaughtUp: true})
	return fmt.Errorf("%s: %w", s.info.Name, err)
}

// backoff is the wait after the n-th failure in a row.
func (s *source) backoff(n int) time.Duration {
	d := s.retryMin
	for i := 1; i < n && d < s.retryMax; i++ {
		d *= 2
	}
	return min(d, s.retryMax)
}

// pass asks for [from, end] and pushes what came, in scrapes after s.last.
// It returns the step.
func (s *source) pass(ctx context.Context, sink sources.Sink, from, end time.Time, saved bool) (time.Duration, error) {
	// A live range keeps the step of the whole range from pass to pass.
	rng := s.opt.Range
	if saved {
		rng = end.Sub(from)
	}
	step := s.opt.Step
	if step <= 0 && !s.opt.Follow {
		// A report: the finest step the data supports, coarsened only
		// to stay within MaxResolution points a series.
		if s.finest == 0 {
			s.finest = s.finestStep(ctx, end, rng)
		}
		step = max(s.finest, coarsest(rng))
	}
	if step <= 0 {
		if s.minStep == 0 {
			s.minStep = s.opt.MinStep
			if s.minStep <= 0 {
				s.minStep = s.scrapeInterval(ctx)
			}
		}
		step = Step(rng, s.opt.Points, s.minStep)
	}
	a, b := align(from, end, step)
	switch {
	case saved:
		// The run on the step grid, with no point after its end: the
		// dashboard opens with the cursor on the run's last second.
		b = end
	case !b.Equal(end):
		// Live: only instants that have passed, or the server would
		// repeat the last value into the future.
		b = b.Add(-step)
	}
	if !s.last.IsZero() {
		a = s.last.Add(step)
		if b.Before(a) {
			return step, nil
		}
	}
	for b.Sub(a)/step > MaxResolution {
		step *= 2
		a, _ = align(a, b, step)
	}
	var warnings []string
	queries := s.opt.Queries
	if len(queries) == 0 {
		if s.names == nil {
			if err := s.discover(ctx, a, b, &warnings); err != nil {
				return step, err
			}
		}
		queries = nil
		for _, n := range s.names {
			queries = append(queries, s.scoped(n))
		}
	}
	queries = s.current(queries)
	s.covered(a, b, step)
	for _, q := range queries {
		params := url.Values{"query": {q}, "start": {apiTime(a)}, "end": {apiTime(b)}, "step": {apiDuration(step)}}
		ans, err := s.c.get(ctx, "/api/v1/query_range", params)
		if ans != nil {
			warnings = append(warnings, ans.warnings...)
		}
		if err != nil {
			if len(s.opt.Queries) > 0 {
				err = fmt.Errorf("%s: %w", q, err)
			}
			return step, err
		}
		if err := s.col.Add(ans.body, q); err != nil {
			return step, err
		}
	}
	scrapes, badRows, bad, w := s.col.Take()
	warnings = append(warnings, w...)
	s.series = max(s.series, s.col.Series())
	kept := scrapes[:0]
	for _, sc := range scrapes {
		if s.last.IsZero() || sc.Time.After(s.last) {
			kept = append(kept, sc)
		}
	}
	var fresh []string
	for _, w := range warnings {
		if !s.warned[w] {
			s.warned[w] = true
			fresh = append(fresh, w)
		}
	}
	if len(kept) == 0 {
		if len(fresh) > 0 || badRows > 0 {
			if err := sink.Push(ctx, sources.Batch{Warnings: fresh, BadRows: badRows, Bad: bad}); err != nil {
				return step, ctx.Err()
			}
		}
		return step, nil
	}
	const chunk = 512
	for i := 0; i < len(kept); i += chunk {
		part := kept[i:min(i+chunk, len(kept))]
		bt := sources.Batch{Scrapes: part, Rows: len(part)}
		if i == 0 {
			bt.Warnings, bt.BadRows, bt.Bad = fresh, badRows, bad
		}
		if err := sink.Push(ctx, bt); err != nil {
			return step, ctx.Err()
		}
	}
	s.last = kept[len(kept)-1].Time
	return step, nil
}

// scoped is the query of one metric name under the --match selectors.
func (s *source) scoped(name string) string {
	if len(s.opt.Match) == 0 {
		return selector(name, "")
	}
	parts := make([]string, len(s.opt.Match))
	for i, m := range s.opt.Match {
		parts[i] = selector(name, m)
	}
	return strings.Join(parts, " or ")
}

// discover chooses the names the server held over [a, b] among Families,
// scoped by --match, and their types from the metadata where it answers.
func (s *source) discover(ctx context.Context, a, b time.Time, warnings *[]string) error {
	params := url.Values{"start": {apiTime(a)}, "end": {apiTime(b)}}
	for _, m := range s.opt.Match {
		params.Add("match[]", m)
	}
	ans, err := s.c.get(ctx, "/api/v1/label/__name__/values", params)
	if ans != nil {
		*warnings = append(*warnings, ans.warnings...)
	}
	if err != nil {
		return err
	}
	var all []string
	if err := json.Unmarshal(ans.data, &all); err != nil {
		return fmt.Errorf("/api/v1/label/__name__/values: %s", sources.Expected("data", "a list of names", firstLine(ans.data)))
	}
	if len(all) > MaxNamesWithoutMatch && len(s.opt.Match) == 0 {
		jerr := &JobsError{Names: len(all), Jobs: s.jobs(ctx, a, b)}
		if !s.opt.Follow {
			return jerr
		}
		// The dashboard goes on with no automatic series: the prompt and
		// the list of names still add them, and the warning names the
		// jobs to scope a next start by.
		*warnings = append(*warnings, jerr.Error()+"; or chart series with : or a")
		s.ask.mu.Lock()
		s.names = []string{}
		s.ask.mu.Unlock()
		return nil
	}
	chosen := choose(all)
	if len(chosen) == 0 {
		if len(all) == 0 {
			return nil // nothing yet: asked again next pass
		}
		*warnings = append(*warnings, fmt.Sprintf("none of the %d metric names the server held over the range is of a family charted without a query; name some with --query", len(all)))
	}
	// Types: many servers answer {} and the names then say.
	if md, err := s.c.get(ctx, "/api/v1/metadata", nil); err == nil {
		var meta map[string][]struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(md.data, &meta) == nil {
			for name, list := range meta {
				if len(list) > 0 {
					if t, ok := metricType(list[0].Type); ok {
						s.col.SetType(name, t)
					}
				}
			}
		}
	}
	chosen, err = s.fit(ctx, chosen, a, b, warnings)
	if err != nil {
		return err
	}
	s.ask.mu.Lock() // RemoveChart reads the names
	s.names = chosen
	s.ask.mu.Unlock()
	return nil
}

// MaxNamesWithoutMatch is the most metric names a server may hold over the
// range for series to be chosen among them without --match: beyond it the
// server holds many services, and the source asks for a job instead of
// guessing.
const MaxNamesWithoutMatch = 1000

// maxJobsListed bounds the jobs a JobsError names.
const maxJobsListed = 50

// JobsError says that the server held too many metric names over the
// range to choose among without --match, and names its jobs.
type JobsError struct {
	Names int      // metric names over the range
	Jobs  []string // values of the job label over the range, sorted
}

func (e *JobsError) Error() string {
	msg := fmt.Sprintf("the server held %d metric names over the range; beyond %d, which to chart is not guessed: name a job with --match '{job=\"NAME\"}'", e.Names, MaxNamesWithoutMatch)
	if len(e.Jobs) == 0 {
		return msg + " (the server names no job)"
	}
	list := e.Jobs[:min(len(e.Jobs), maxJobsListed)]
	msg += "; its jobs: " + strings.Join(list, ", ")
	if n := len(e.Jobs) - len(list); n > 0 {
		msg += fmt.Sprintf(" and %d more", n)
	}
	return msg
}

// jobs are the values of the job label over [a, b], none when the server
// does not say.
func (s *source) jobs(ctx context.Context, a, b time.Time) []string {
	ans, err := s.c.get(ctx, "/api/v1/label/job/values", url.Values{"start": {apiTime(a)}, "end": {apiTime(b)}})
	if err != nil {
		return nil
	}
	var jobs []string
	if json.Unmarshal(ans.data, &jobs) != nil {
		return nil
	}
	slices.Sort(jobs)
	return jobs
}

// coarsest is the finest step that keeps a range within MaxResolution
// points (with room for the step the alignment adds), rounded up to whole
// seconds, or tens of milliseconds below one.
func coarsest(rng time.Duration) time.Duration {
	d := rng / (MaxResolution - 2)
	unit := time.Second
	if d < time.Second {
		unit = 10 * time.Millisecond
	}
	return (d + unit - 1).Truncate(unit)
}

// rawWindow bounds the raw samples finestStep reads: their spacing over
// ten minutes tells it as well as over a day, at a fraction of the answer.
const rawWindow = 10 * time.Minute

// finestStep is the finest step the data supports over a range ending at
// end: the median spacing of the raw samples of up (scoped by the first
// --match), read with an instant query of a range selector; else the
// shortest scrape interval of the server's targets; else DefaultMinStep.
// It is rounded to whole seconds (tens of milliseconds below one), as
// scrape intervals are set.
func (s *source) finestStep(ctx context.Context, end time.Time, rng time.Duration) time.Duration {
	sel := "up"
	if len(s.opt.Match) > 0 {
		sel = selector("up", s.opt.Match[0])
	}
	window := max(min(rng, rawWindow), time.Minute)
	q := sel + "[" + model.Duration(window).String() + "]"
	if d := s.medianSpacing(ctx, q, end); d > 0 {
		return d
	}
	return s.scrapeInterval(ctx)
}

// medianSpacing is the median time between consecutive raw samples of the
// series the range selector q holds at end, 0 when there are none.
func (s *source) medianSpacing(ctx context.Context, q string, end time.Time) time.Duration {
	ans, err := s.c.get(ctx, "/api/v1/query", url.Values{"query": {q}, "time": {apiTime(end)}})
	if err != nil {
		return 0
	}
	var m struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Values [][2]json.RawMessage `json:"values"`
		} `json:"result"`
	}
	if json.Unmarshal(ans.data, &m) != nil || m.ResultType != "matrix" {
		return 0
	}
	var gaps []float64
	for _, r := range m.Result {
		prev := math.NaN()
		for _, v := range r.Values {
			t, err := strconv.ParseFloat(string(v[0]), 64)
			if err != nil {
				continue
			}
			if t > prev {
				gaps = append(gaps, t-prev)
			}
			prev = t
		}
	}
	if len(gaps) == 0 {
		return 0
	}
	slices.Sort(gaps)
	med := time.Duration(gaps[len(gaps)/2] * float64(time.Second))
	if len(gaps)%2 == 0 {
		med = time.Duration((gaps[len(gaps)/2-1] + gaps[len(gaps)/2]) / 2 * float64(time.Second))
	}
	if med >= time.Second {
		return med.Round(time.Second)
	}
	return max(med.Round(10*time.Millisecond), 10*time.Millisecond)
}

// scrapeInterval is the shortest scrape interval of the server's active
// targets (/api/v1/targets), DefaultMinStep when it does not say (an
// aggregating server such as Thanos' querier has no targets). A step
// shorter than it would only repeat each sample.
func (s *source) scrapeInterval(ctx context.Context) time.Duration {
	ans, err := s.c.get(ctx, "/api/v1/targets", url.Values{"state": {"active"}})
	if err != nil {
		return DefaultMinStep
	}
	var targets struct {
		Active []struct {
			ScrapeInterval string `json:"scrapeInterval"`
		} `json:"activeTargets"`
	}
	if json.Unmarshal(ans.data, &targets) != nil {
		return DefaultMinStep
	}
	var least time.Duration
	for _, t := range targets.Active {
		d, err := model.ParseDuration(t.ScrapeInterval)
		if err == nil && d > 0 && (least == 0 || time.Duration(d) < least) {
			least = time.Duration(d)
		}
	}
	if least == 0 {
		return DefaultMinStep
	}
	return least
}

// fit keeps the names, in order, whose series over [a, b] (/api/v1/series,
// scoped by --match) fit in MaxSeries, and warns of those left out: one
// name with a label per request or per user must not bury the others.
func (s *source) fit(ctx context.Context, names []string, a, b time.Time, warnings *[]string) ([]string, error) {
	if len(names) == 0 {
		return names, nil
	}
	params := url.Values{"start": {apiTime(a)}, "end": {apiTime(b)}}
	for _, n := range names {
		params.Add("match[]", s.scoped(n))
	}
	ans, err := s.c.get(ctx, "/api/v1/series", params)
	if ans != nil {
		*warnings = append(*warnings, ans.warnings...)
	}
	var sets []map[string]string
	if err != nil || json.Unmarshal(ans.data, &sets) != nil {
		// A server without the series API: the names as they are, as
		// for a server whose metadata says nothing.
		return names, ctx.Err()
	}
	count := map[string]int{}
	for _, ls := range sets {
		count[ls["__name__"]]++
	}
	var kept, left []string
	total := 0
	for _, n := range names {
		if total+count[n] > s.opt.MaxSeries {
			left = append(left, fmt.Sprintf("%s (%d series)", n, count[n]))
			continue
		}
		total += count[n]
		kept = append(kept, n)
	}
	if len(left) > 0 {
		*warnings = append(*warnings, fmt.Sprintf("%d metric names are not charted, their series beyond the %d charted without a query: %s; scope them with --match or name them with --query",
			len(left), s.opt.MaxSeries, strings.Join(left, ", ")))
	}
	return kept, nil
}
