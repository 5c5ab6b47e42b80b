package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/common/config"
	"github.com/spf13/pflag"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/metrics/promapi"
)

// promFlags say which Prometheus servers to ask (--prom) and what.
type promFlags struct {
	urls       []string
	queries    []string
	match      []string
	httpConfig string
	step       time.Duration
}

func (p *promFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&p.urls, "prom", nil, "a Prometheus-compatible server's URL (Prometheus, Thanos, Mimir, VictoriaMetrics) to query over the files' time range, or the live range without files (repeatable)")
	fs.StringArrayVar(&p.queries, "query", nil, "a PromQL expression to chart from --prom instead of the series chosen without a query (repeatable)")
	fs.StringArrayVar(&p.match, "match", nil, `a series selector scoping what --prom charts, e.g. '{job="api",namespace="prod"}' (repeatable)`)
	fs.StringVar(&p.httpConfig, "http-config", "", "a Prometheus HTTP client configuration `FILE` (YAML: basic_auth, authorization, bearer_token_file, tls_config, proxy_url, http_headers) for --prom")
	fs.DurationVar(&p.step, "step", 0, "the step of --prom's range queries (default: Grafana's rule, at least the targets' scrape interval)")
}

// promURLs are the servers to ask: --prom, else the configuration file's
// [metrics] prom.
func (f *sourceFlags) promURLs() []string {
	if len(f.prom.urls) > 0 || f.cfg == nil {
		return f.prom.urls
	}
	return f.cfg.Metrics.Prom
}

// promOptions are the options of every --prom source; flags win over the
// configuration file.
func (f *sourceFlags) promOptions(follow bool) (promapi.Options, error) {
	opt := promapi.Options{Queries: f.prom.queries, Match: f.prom.match, Step: f.prom.step, Follow: follow}
	httpConfig := f.prom.httpConfig
	if f.cfg != nil {
		if len(opt.Match) == 0 {
			opt.Match = f.cfg.Metrics.Match
		}
		if httpConfig == "" && f.cfg.Metrics.HTTPConfig != "" {
			// As written in the file: relative to the file's directory.
			httpConfig = f.cfg.Metrics.HTTPConfig
			if !filepath.IsAbs(httpConfig) && f.cfg.Path != "" {
				httpConfig = filepath.Join(filepath.Dir(f.cfg.Path), httpConfig)
			}
		}
	}
	if f.prom.step < 0 {
		return opt, usageErr("%s", sources.Expected("--step", "a duration above 0", f.prom.step.String()))
	}
	if f.fs != nil {
		if fl := f.fs.Lookup("range"); fl != nil {
			if d, err := time.ParseDuration(fl.Value.String()); err == nil {
				opt.Range = d
			}
		}
	}
	if httpConfig != "" {
		c, err := httpClient(httpConfig)
		if err != nil {
			return opt, err
		}
		opt.Client = c
	}
	return opt, nil
}

// httpClient builds the client of a Prometheus HTTP client configuration
// file, as promtool does. Its errors name the file and never hold a
// secret: common/config's errors name fields, not values.
func httpClient(path string) (*http.Client, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, usageErr("--http-config %s: no such file", path)
	}
	cfg, _, err := config.LoadHTTPConfigFile(path)
	if err != nil {
		return nil, usageErr("--http-config %s: %v", path, err)
	}
	rt, err := config.NewRoundTripperFromConfig(*cfg, "sobang", config.WithUserAgent(userAgent()))
	if err != nil {
		return nil, usageErr("--http-config %s: %v", path, err)
	}
	return &http.Client{Transport: rt}, nil
}

// narrowed is wait with the range narrowed by --window, resolved against
// the run's start as the report resolves it; a window that does not parse
// is left to the report, which says why.
func (f *sourceFlags) narrowed(wait promapi.Span) promapi.Span {
	if f.window == "" {
		return wait
	}
	return func(ctx context.Context) (time.Time, time.Time, bool, error) {
		a, b, ok, err := wait(ctx)
		if !ok || err != nil {
			return a, b, ok, err
		}
		from, to, werr := parseWindow(f.window, a.UnixMilli(), f.displayZone())
		if werr != nil {
			return a, b, ok, nil
		}
		if from > a.UnixMilli() {
			a = time.UnixMilli(from)
		}
		if to > 0 && to < b.UnixMilli() {
			b = time.UnixMilli(to)
		}
		if b.Before(a) {
			b = a
		}
		return a, b, true, nil
	}
}

// userAgent is what sobang's requests say they come from.
func userAgent() string { return "sobang/" + versionString() }

// runSpan learns the time range the data of a session's other sources
// covers, for --prom over a saved run: each wrapped source's records are
// seen on their way to the hub, and the range is known once every one of
// them has caught up (or ended).
type runSpan struct {
	mu           sync.Mutex
	pending      int
	minMS, maxMS int64
	done         chan struct{}
}

func newRunSpan() *runSpan { return &runSpan{done: make(chan struct{})} }

// wrap makes src report to the span.
func (r *runSpan) wrap(src sources.Source) sources.Source {
	r.mu.Lock()
	r.pending++
	r.mu.Unlock()
	return &spanSource{Source: src, span: r}
}

// wait returns the range once every wrapped source caught up; ok is false
// when they held no timed data.
func (r *runSpan) wait(ctx context.Context) (time.Time, time.Time, bool, error) {
	r.mu.Lock()
	none := r.pending == 0
	r.mu.Unlock()
	if !none {
		select {
		case <-r.done:
		case <-ctx.Done():
			return time.Time{}, time.Time{}, false, ctx.Err()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.maxMS == 0 {
		return time.Time{}, time.Time{}, false, nil
	}
	return time.UnixMilli(r.minMS), time.UnixMilli(r.maxMS), true, nil
}

func (r *runSpan) see(ms int64) {
	if ms <= 0 {
		return
	}
	if r.maxMS == 0 || ms < r.minMS {
		r.minMS = ms
	}
	r.maxMS = max(r.maxMS, ms)
}

// observe notes the times of a batch, shifted by the source's offset as
// the store shifts them.
func (r *runSpan) observe(b *sources.Batch, offset time.Duration) {
	off := offset.Milliseconds()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range b.Samples {
		s := &b.Samples[i]
		r.see(s.StartMS + off)
		r.see(s.StartMS + int64(s.ElapsedMS) + off)
	}
	for i := range b.Entries {
		if t := b.Entries[i].Time; !t.IsZero() {
			r.see(t.UnixMilli() + off)
		}
	}
	for i := range b.Scrapes {
		r.see(b.Scrapes[i].Time.UnixMilli() + off)
	}
	for i := range b.Aggregates {
		if !b.Aggregates[i].Final {
			r.see(b.Aggregates[i].TimeMS + off)
		}
	}
}

// caughtUp counts one wrapped source as caught up.
func (r *runSpan) caughtUp() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending--
	if r.pending == 0 {
		close(r.done)
	}
}

// spanSource is a source whose records a runSpan sees.
type spanSource struct {
	sources.Source
	span *runSpan
	once sync.Once
}

func (s *spanSource) Run(ctx context.Context, sink sources.Sink) error {
	defer s.once.Do(s.span.caughtUp) // a source that ends has caught up
	return s.Source.Run(ctx, spanSink{sink, s})
}

type spanSink struct {
	sources.Sink
	src *spanSource
}

func (k spanSink) Push(ctx context.Context, b sources.Batch) error {
	k.src.span.observe(&b, k.src.Info().Offset)
	if b.CaughtUp {
		k.src.once.Do(k.src.span.caughtUp)
	}
	return k.Sink.Push(ctx, b)
}

// withSpan wraps the sources whose data has a time range (files, not
// streams, commands or live endpoints) into span, keeping a notedSource
// outermost; commands are the indices of the --log-cmd sources.
func withSpan(srcs []sources.Source, span *runSpan, commands map[int]bool) {
	for i, s := range srcs {
		info := s.Info()
		if info.Kind == sources.KindScrape || info.Kind == sources.KindPrometheus || info.Name == "-" || commands[i] {
			continue
		}
		if n, ok := s.(notedSource); ok {
			n.Source = span.wrap(n.Source)
			srcs[i] = n
			continue
		}
		srcs[i] = span.wrap(s)
	}
}

// checkPromURL refuses a --prom value that is not a URL.
func checkPromURL(u string) error {
	if !isURL(u) {
		return usageErr("%s", sources.Expected("--prom", "an http:// or https:// URL of a Prometheus-compatible server, e.g. http://localhost:9090", u))
	}
	return nil
}
