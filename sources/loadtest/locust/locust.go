// Package locust reads a Locust --csv set as a sobang source: the files
// PREFIX_stats_history.csv (rows over time), PREFIX_stats.csv (the final
// figures per label, with an Aggregated row for the totals),
// PREFIX_failures.csv and PREFIX_exceptions.csv, whole or while Locust
// writes them.
//
// Locust writes no per-request log, so this source gives no
// sources.Sample: it hands over sources.Aggregate rows exactly as Locust
// wrote them (Final ones from _stats.csv, timed ones from the history) and
// sources.AggregateFailure rows from _failures.csv. Nothing is recomputed.
//
// A set is opened by any one of its files or by its prefix; the others are
// found beside it, and a missing one is a warning. While following, the
// history file is read as it grows (a shorter file starts it over, with a
// Reset batch), and _stats.csv and _failures.csv, which Locust rewrites in
// place every second, are read again whenever their size or time changes;
// a _stats.csv read half-written (no Aggregated row yet) is read again at
// the next poll.
//
// A gzip'd file of a set (PREFIX_stats.csv.gz, ...) is read like the plain
// one; where both exist the plain one is read, unless the user named a
// gzip'd file. A gzip'd file is read whole again when it changes.
//
// Columns are found by header name, so custom percentiles
// (PERCENTILES_TO_REPORT) are read as written. Locust 1.0 and later are
// read; the quoted 0.x files ("# requests") are not.
package locust

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"
)

// The files of a set, as Sniff names them.
const (
	FormatStats      = "Locust stats CSV"
	FormatHistory    = "Locust stats history CSV"
	FormatFailures   = "Locust failures CSV"
	FormatExceptions = "Locust exceptions CSV"
	// FormatSet is the Health.Format of a source.
	FormatSet = "Locust CSV"
)

// The suffixes Locust appends to the --csv prefix.
const (
	SuffixStats      = "_stats.csv"
	SuffixHistory    = "_stats_history.csv"
	SuffixFailures   = "_failures.csv"
	SuffixExceptions = "_exceptions.csv"
)

// suffixes in the order they are tried (history before stats: it ends with
// "_stats_history.csv", not "_stats.csv", but keep the longer first anyway).
var suffixes = []string{SuffixHistory, SuffixStats, SuffixFailures, SuffixExceptions}

// headers are the first columns of each file's header line.
var headers = []struct {
	prefix, format string
}{
	{"Type,Name,Request Count,Failure Count,", FormatStats},
	{"Timestamp,User Count,Type,Name,", FormatHistory},
	{"Method,Name,Error,Occurrences", FormatFailures},
	{"Count,Message,Traceback,Nodes", FormatExceptions},
}

// Sniff reports whether head (the first bytes of a file) is one of a Locust
// set's files, and which, by its header line.
func Sniff(head []byte) (format string, ok bool) {
	head = batch.TrimBOM(head)
	line := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		line = head[:i]
	}
	line = bytes.TrimSuffix(line, []byte{'\r'})
	for _, h := range headers {
		if bytes.HasPrefix(line, []byte(h.prefix)) {
			return h.format, true
		}
	}
	return "", false
}

// SuffixGzip ends the name of a gzip'd file of a set.
const SuffixGzip = ".gz"

// Prefix returns the --csv prefix of name: name without a Locust suffix
// (and SuffixGzip after it), or name itself when it has none (it is the
// prefix).
func Prefix(name string) string {
	plain := strings.TrimSuffix(name, SuffixGzip)
	for _, s := range suffixes {
		if p, ok := strings.CutSuffix(plain, s); ok && p != "" {
			return p
		}
	}
	return name
}

// Files returns the paths of the set with the given prefix.
func Files(prefix string) (stats, history, failures, exceptions string) {
	return prefix + SuffixStats, prefix + SuffixHistory, prefix + SuffixFailures, prefix + SuffixExceptions
}

// Exists reports whether any file of the set named by name (a file of it or
// its prefix) exists, plain or gzip'd.
func Exists(name string) bool {
	s, h, f, e := Files(Prefix(name))
	for _, p := range []string{s, h, f, e} {
		for _, q := range []string{p, p + SuffixGzip} {
			if _, err := os.Stat(q); err == nil {
				return true
			}
		}
	}
	return false
}

// Options say how to read a set.
type Options struct {
	// Follow keeps reading as Locust writes (a running test) instead of
	// returning once every file was read.
	Follow bool
}

// New returns a source reading the set named by info.Name (any of its
// files, or its prefix). With info.Wait it waits for a file of the set to
// appear. The kind defaults to sources.KindLocust.
func New(info sources.Info, opt Options) sources.Source {
	if info.Kind == "" {
		info.Kind = sources.KindLocust
	}
	return &source{info: info, opt: opt}
}

type source struct {
	info sources.Info
	opt  Options
}

// Info identifies the source.
func (s *source) Info() sources.Info { return s.info }

// Run reads the set into sink until every file was read (without Follow)
// or until ctx ends. It returns nil once read, and an error naming the file
// when no file of the set exists (without Wait) or the file the user named
// is not a Locust CSV; bad rows are counted, never fatal.
func (s *source) Run(ctx context.Context, sink sources.Sink) error {
	r := newReader(s.info.Name)
	clock := sources.OrWall(s.info.Clock)
	health := func(h sources.Health) error {
		h.Format = FormatSet
		return sources.SetHealth(ctx, sink, clock, h)
	}
	fail := func(err error) error {
		_ = health(sources.Health{State: sources.StateFailed, Err: err.Error()})
		return err
	}
	if !Exists(s.info.Name) {
		if !s.info.Wait {
			return fail(sources.InFile(s.info.Name, fmt.Errorf("no Locust CSV file (%s, %s, ...)", r.stats.path, r.history.path)))
		}
		if err := health(sources.Health{State: sources.StateWaiting, Detail: "waiting for " + r.history.path}); err != nil {
			return nil
		}
		for !Exists(s.info.Name) {
			if sources.Sleep(ctx, clock, sources.WaitInterval) != nil {
				return nil
			}
		}
	}
	if err := health(sources.Health{State: sources.StateReading, Detail: "reading " + r.prefix + "_*.csv"}); err != nil {
		return nil
	}
	b, err := r.poll(!s.opt.Follow)
	if err != nil {
		return fail(err)
	}
	b.Warnings = append(b.Warnings, r.missing()...)
	b.CaughtUp = true
	if err := sink.Push(ctx, b); err != nil {
		return nil
	}
	if !s.opt.Follow {
		_ = health(sources.Health{State: sources.StateDone, Detail: r.summary()})
		return nil
	}
	if err := health(sources.Health{State: sources.StateFollowing, Detail: "following " + r.prefix + "_*.csv"}); err != nil {
		return nil
	}
	tick := clock.NewTicker(sources.PollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C():
		}
		b, err := r.poll(false)
		if err != nil {
			return fail(err)
		}
		if !b.Empty() {
			if err := sink.Push(ctx, b); err != nil {
				return nil
			}
		}
	}
}
