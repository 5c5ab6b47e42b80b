// Package scrape reads a Prometheus /metrics URL directly, without a
// Prometheus server, as a sobang source.
//
// Each scrape becomes one sources.Batch holding one sources.Scrape: its start
// time, whether it worked, how long it took, and one sources.MetricSample per
// series. The source behaves like Prometheus' own scraper where that matters
// for triage (Prometheus' own scraper is the model): it asks for protobuf first and
// then text 0.0.4, sends Accept-Encoding: gzip and the scrape timeout header,
// requires HTTP 200, caps the body, and treats any decode error as a failed
// scrape that keeps nothing.
//
//	tick (every Interval; ticks missed while busy are skipped)
//	  |
//	  v
//	GET url --> gunzip --> OpenMetrics answer? GET again, text only
//	  |                      |
//	  | fails                v
//	  |                    decode (protobuf | text | OpenMetrics) -- fails --+
//	  |                      |                                               |
//	  v                      v                                               |
//	Scrape{Up: false}      Convert -> []MetricSample                         |
//	Health Down <------------|-----------------------------------------------+
//	backoff RetryMin..Max    v
//	                       Batch{Scrapes: [Scrape{Up: true}], Health: Following}
//
// Series are not carried over: a series missing from a scrape has ended
// (Prometheus writes a stale marker), and a failed scrape ends them all.
package scrape

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
)

// Options say how to scrape.
type Options struct {
	// Interval between scrapes; 0 means sources.ScrapeInterval.
	Interval time.Duration
	// Timeout of one scrape; 0 means sources.ScrapeTimeout. It is capped at
	// Interval, as Prometheus requires, so that scrapes never overlap.
	Timeout time.Duration
	// Follow keeps scraping until the context ends. Without it the source
	// scrapes once (retrying a few times within a few seconds) and returns:
	// headless commands without --duration.
	Follow bool
	// MaxSeries caps the series kept from one scrape: 0 means
	// sources.MaxScrapeSeries, a negative value no cap. A target exposing
	// more keeps the first MaxSeries in the order of Convert (by family
	// name), so the same ones from scrape to scrape; the health and a
	// warning say how many were dropped.
	MaxSeries int
	// Client makes the requests; nil means a client of the source's own
	// (for example one from common/config for TLS and auth).
	Client *http.Client
}

// onceAttempts is how many times a one-shot scrape (Follow false) tries.
const onceAttempts = 3

// New returns a source that scrapes the URL info.Name. A URL without a
// scheme gets http://.
func New(info sources.Info, opt Options) sources.Source {
	if info.Kind == "" {
		info.Kind = sources.KindScrape
	}
	if opt.Interval <= 0 {
		opt.Interval = sources.ScrapeInterval
	}
	if opt.Timeout <= 0 {
		opt.Timeout = sources.ScrapeTimeout
	}
	opt.Timeout = min(opt.Timeout, opt.Interval)
	if opt.MaxSeries == 0 {
		opt.MaxSeries = sources.MaxScrapeSeries
	}
	client := opt.Client
	if client == nil {
		// Our own transport: one kept-alive connection per target, not
		// shared with anything else in the process. No Client.Timeout:
		// every request has its own deadline.
		client = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	target := info.Name
	if !strings.Contains(target, "://") {
		target = "http://" + target
	}
	return &source{
		info:     info,
		opt:      opt,
		clock:    sources.OrWall(info.Clock),
		retryMin: sources.RetryMin,
		retryMax: sources.RetryMax,
		fetcher: &fetcher{
			client:    client,
			url:       target,
			timeout:   opt.Timeout,
			userAgent: userAgent(),
			maxBody:   maxBody,
		},
	}
}

type source struct {
	info     sources.Info
	opt      Options
	clock    sources.Clock
	retryMin time.Duration // tests shorten the backoff
	retryMax time.Duration
	fetcher  *fetcher

	warnedDuplicates bool
	// dropped is how many series the last successful scrape had over
	// MaxSeries; warnedDropped the most a warning has told of.
	dropped, warnedDropped int
}

// Info returns what the user named.
func (s *source) Info() sources.Info { return s.info }

// Run scrapes until ctx ends (Follow) or once. It returns nil when ctx ends,
// and, without Follow, an error naming the URL when no attempt succeeded.
func (s *source) Run(ctx context.Context, sink sources.Sink) error {
	if !s.opt.Follow {
		return s.runOnce(ctx, sink)
	}
	var (
		health   sources.Health // last pushed
		pushed   bool
		format   string
		failures int
		delay    time.Duration // before the next retry
		next     = s.clock.Now()
	)
	for {
		if err := s.sleepUntil(ctx, next); err != nil {
			return nil
		}
		start := s.clock.Now()
		samples, f, err := s.fetcher.scrape(ctx)
		if ctx.Err() != nil {
			return nil
		}
		samples = s.cut(samples, err)
		if f != "" {
			format = f
		}
		batch := sources.Batch{
			Scrapes:  []sources.Scrape{s.record(start, samples, err)},
			CaughtUp: !pushed, // the first outcome, good or bad, ends the wait
		}
		h := sources.Health{Format: format}
		if err == nil {
			failures = 0
			batch.Rows = 1
			batch.Warnings = s.warnings()
			h.State = sources.StateFollowing
			h.Detail = "scraping every " + ShortDuration(s.opt.Interval) + s.droppedNote()
			h.Since = start
			if pushed && health.State == sources.StateFollowing {
				h.Since = health.Since
			}
		} else {
			failures++
			delay = s.backoff(failures)
			h.State = sources.StateDown
			h.Err = err.Error()
			h.Detail = "retrying in " + ShortDuration(delay)
			h.Since = start
			if pushed && health.State == sources.StateDown {
				h.Since = health.Since // down since the first failure
			}
		}
		if !pushed || h != health {
			batch.Health = &h
			health, pushed = h, true
		}
		if err := sink.Push(ctx, batch); err != nil {
			return nil
		}
		// After the push, which blocks while the UI is behind: ticks
		// missed meanwhile are skipped, not scraped in a burst.
		if failures == 0 {
			next = nextTick(start, s.opt.Interval, s.clock.Now())
		} else {
			next = start.Add(delay)
		}
	}
}

// runOnce scrapes once, retrying up to onceAttempts times with backoff, and
// pushes only the final outcome: a headless command wants one answer.
func (s *source) runOnce(ctx context.Context, sink sources.Sink) error {
	var (
		start   time.Time
		samples []sources.MetricSample
		format  string
		err     error
	)
	wait := s.retryMin
	for attempt := 1; attempt <= onceAttempts; attempt++ {
		if attempt > 1 {
			// RetryMin, then twice that: about 1.5 s in all by default,
			// not bound to the interval, which a one-shot scrape has not.
			if sources.Sleep(ctx, s.clock, wait) != nil {
				return nil
			}
			wait *= 2
		}
		start = s.clock.Now()
		samples, format, err = s.fetcher.scrape(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			samples = s.cut(samples, err)
			break
		}
	}
	batch := sources.Batch{Scrapes: []sources.Scrape{s.record(start, samples, err)}, CaughtUp: true}
	h := sources.Health{State: sources.StateDone, Detail: "scraped once" + s.droppedNote(), Since: s.clock.Now(), Format: format}
	if err == nil {
		batch.Rows = 1
		batch.Warnings = s.warnings()
	} else {
		h.State = sources.StateFailed
		h.Err = err.Error()
		h.Detail = ""
	}
	batch.Health = &h
	if perr := sink.Push(ctx, batch); perr != nil {
		return nil
	}
	if err != nil {
		return fmt.Errorf("scrape %s: %s (after %d attempts)", s.info.Name, err, onceAttempts)
	}
	return nil
}

// warnings tells, once per source, that the last successful scrape held
// duplicate series, and each time more series than ever were dropped over
// MaxSeries.
func (s *source) warnings() []string {
	var out []string
	if c := &s.fetcher.conv; c.duplicates > 0 && !s.warnedDuplicates {
		s.warnedDuplicates = true
		out = append(out, fmt.Sprintf("%d series appear twice in one scrape, the first of each is kept (%s, ...)", c.duplicates, c.firstDuplicate))
	}
	if s.dropped > s.warnedDropped {
		s.warnedDropped = s.dropped
		out = append(out, fmt.Sprintf("the target exposes %d series, more than the limit of %d (--max-series): %d series are dropped, those after the first %d by metric name",
			s.opt.MaxSeries+s.dropped, s.opt.MaxSeries, s.dropped, s.opt.MaxSeries))
	}
	return out
}

// cut keeps the first MaxSeries samples of a successful scrape and counts
// the rest in s.dropped.
func (s *source) cut(samples []sources.MetricSample, err error) []sources.MetricSample {
	if err != nil {
		return samples
	}
	s.dropped = 0
	if s.opt.MaxSeries > 0 && len(samples) > s.opt.MaxSeries {
		s.dropped = len(samples) - s.opt.MaxSeries
		clear(samples[s.opt.MaxSeries:]) // let their strings go
		samples = samples[:s.opt.MaxSeries]
	}
	return samples
}

// droppedNote is what the health line adds while series are dropped.
func (s *source) droppedNote() string {
	if s.dropped == 0 {
		return ""
	}
	return fmt.Sprintf(" · %d series over --max-series %d dropped", s.dropped, s.opt.MaxSeries)
}

// record makes the Scrape of one attempt; a failed one keeps no samples.
func (s *source) record(start time.Time, samples []sources.MetricSample, err error) sources.Scrape {
	sc := sources.Scrape{
		Time:     start, // the store applies Info.Offset, for every kind
		Up:       err == nil,
		Duration: sources.Since(s.clock, start),
	}
	if err == nil {
		sc.Samples = samples
	}
	return sc
}

// backoff is the wait after the n-th failure in a row: RetryMin doubling up
// to RetryMax, but never shorter than the interval, so that a failing target
// is not asked more often than a healthy one.
func (s *source) backoff(n int) time.Duration {
	d := s.retryMin
	for i := 1; i < n && d < s.retryMax; i++ {
		d *= 2
	}
	return max(min(d, s.retryMax), s.opt.Interval)
}

// nextTick is the first tick start+k*interval (k >= 1) after now: ticks that
// passed while a scrape ran (or the sink was full) are skipped, not caught
// up in a burst.
func nextTick(start time.Time, interval time.Duration, now time.Time) time.Time {
	next := start.Add(interval)
	if !next.After(now) {
		missed := now.Sub(start) / interval
		next = start.Add((missed + 1) * interval)
	}
	return next
}

// sleepUntil waits until t on the source's clock or until ctx ends,
// whichever is first.
func (s *source) sleepUntil(ctx context.Context, t time.Time) error {
	return sources.Sleep(ctx, s.clock, sources.Until(s.clock, t))
}
