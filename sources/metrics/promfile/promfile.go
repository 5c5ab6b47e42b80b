// Package promfile reads saved Prometheus metrics as a sobang source: a
// Prometheus HTTP API answer (query_range or query JSON, as curl or
// Grafana's query inspector saves it) and a file of exposition text (a
// /metrics page, or `promtool tsdb dump-openmetrics` output, whose samples
// carry timestamps).
//
//	file (plain or gzip)
//	  |
//	  +-- JSON {"status":..., "data":{"resultType":...}} --> api.go   --+
//	  |                                                                 |-- raw samples (time, name, labels, value, line)
//	  +-- exposition text, # TYPE / name{labels} value [time] --> text.go-+
//	                                                                      |
//	                                          fold.go: one Scrape per time, histograms folded
//	                                          from _bucket/_count/_sum, types from # TYPE or the name
//	                                                                      |
//	                                          Batch{Scrapes, Rows, BadRows, Warnings, Health: done}
//
// A sample without a timestamp (a /metrics page saved by curl) is put at
// the file's modification time, with a warning saying so. A line or series
// that cannot be read is a counted bad row naming its line; only a file
// that is not such metrics at all, or a saved error answer, fails.
package promfile

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"
)

// Formats, as Health.Format and Sniff name them.
const (
	FormatAPI        = "Prometheus API answer"
	FormatExposition = "Prometheus exposition text"
)

// maxFile bounds what is read of one file, inflated: the file is held
// whole while its samples are grouped by time.
const maxFile = 1 << 30

// New returns a source reading the file info.Name.
func New(info sources.Info) sources.Source {
	if info.Kind == "" {
		info.Kind = sources.KindMetricsFile
	}
	return &source{info: info, clock: sources.OrWall(info.Clock)}
}

type source struct {
	info  sources.Info
	clock sources.Clock
}

// Info identifies the source.
func (s *source) Info() sources.Info { return s.info }

// Run reads the whole file, pushes its scrapes and returns. It returns an
// error naming the file when the file cannot be read or holds no metrics.
func (s *source) Run(ctx context.Context, sink sources.Sink) error {
	path := s.info.Name
	fail := func(err error) error {
		h := sources.Health{State: sources.StateFailed, Err: err.Error(), Since: s.clock.Now()}
		_ = sink.Push(ctx, sources.Batch{Health: &h, CaughtUp: true})
		return err
	}
	data, mtime, err := readFile(path)
	if err != nil {
		return fail(err)
	}
	r, err := parse(path, data, mtime)
	if err != nil {
		return fail(err)
	}
	scrapes := r.scrapes()
	detail := fmt.Sprintf("read %d series, %d points", r.series, r.points)
	h := sources.Health{State: sources.StateDone, Detail: detail, Format: r.format, Since: s.clock.Now()}
	out := sources.Batch{Rows: r.points, BadRows: r.badRows, Bad: r.bad, Warnings: r.warnings}
	// Batches of a bounded size, so that a long dump does not sit in the
	// queue as one.
	for len(scrapes) > 0 {
		n := min(len(scrapes), 256)
		out.Scrapes = scrapes[:n]
		scrapes = scrapes[n:]
		if len(scrapes) == 0 {
			out.Health, out.CaughtUp = &h, true
		}
		if err := sink.Push(ctx, out); err != nil {
			return nil
		}
		out = sources.Batch{}
	}
	if out.Health == nil && !out.CaughtUp {
		// No scrape at all: bad rows only.
		out.Health, out.CaughtUp = &h, true
		if err := sink.Push(ctx, out); err != nil {
			return nil
		}
	}
	return nil
}

// readFile reads path whole, inflating gzip, and returns its modification
// time.
func readFile(path string) ([]byte, time.Time, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, time.Time{}, sources.InFile(path, unwrapPath(err))
	}
	defer f.Close()
	var mtime time.Time
	if st, err := f.Stat(); err == nil {
		mtime = st.ModTime()
	}
	var r io.Reader = f
	head := make([]byte, 2)
	n, _ := io.ReadFull(f, head)
	r = io.MultiReader(bytes.NewReader(head[:n]), f)
	if n == 2 && head[0] == 0x1f && head[1] == 0x8b {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil, mtime, sources.InFile(path, err)
		}
		r = gz
	}
	data, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, mtime, sources.InFile(path, err)
	}
	if len(data) > maxFile {
		return nil, mtime, sources.InFile(path, fmt.Errorf("larger than %d MiB of metrics; cut it to the range you need", maxFile>>20))
	}
	return data, mtime, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Sniff reports whether head, the start of a file, is saved Prometheus
// metrics, and in which format.
func Sniff(head []byte) (format string, ok bool) {
	head = bytes.TrimLeft(batch.TrimBOM(head), " \t\r\n")
	if len(head) == 0 {
		return "", false
	}
	if head[0] == '{' {
		if sniffAPI(head) {
			return FormatAPI, true
		}
		return "", false
	}
	if sniffExposition(head) {
		return FormatExposition, true
	}
	return "", false
}

// sniffAPI looks for the keys of an API answer: every answer opens with
// "status" and has "data" with "resultType", or an "errorType". Grafana's
// query inspector puts the answer under "response", after the request.
func sniffAPI(head []byte) bool {
	start := head[:min(len(head), 512)]
	if bytes.Contains(start, []byte(`"status"`)) {
		return bytes.Contains(head, []byte(`"resultType"`)) || bytes.Contains(start, []byte(`"errorType"`))
	}
	return bytes.Contains(start, []byte(`"request"`)) && bytes.Contains(head, []byte(`"response"`)) && bytes.Contains(head, []byte(`"resultType"`))
}

// sniffExposition reads the first lines: the first must be a # HELP,
// # TYPE or # UNIT line or a sample line, and as many lines must read as
// not (a file with a few bad lines is still metrics, its bad lines bad
// rows).
func sniffExposition(head []byte) bool {
	lines := strings.Split(string(head), "\n")
	if len(head) >= sources.SniffBytes && len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last may be cut
	}
	good, bad := 0, 0
	for _, l := range lines {
		l = strings.TrimRight(l, "\r")
		switch {
		case strings.TrimSpace(l) == "", l == "# EOF":
			continue
		case strings.HasPrefix(l, "# HELP "), strings.HasPrefix(l, "# TYPE "), strings.HasPrefix(l, "# UNIT "):
			good++
		case strings.HasPrefix(l, "#"):
			if good == 0 && bad == 0 {
				return false // a comment first: not what exporters write
			}
		default:
			if _, err := parseLine(l); err != nil {
				if good == 0 {
					return false
				}
				bad++
			} else {
				good++
			}
		}
		if good+bad >= 40 {
			break
		}
	}
	return good > 0 && good >= bad
}

// stem names the series of a query whose results carry no metric name
// (rate(...), sum(...)): the file's name without its extensions.
func stem(path string) string {
	base := filepath.Base(path)
	for {
		ext := filepath.Ext(base)
		if ext == "" || ext == base {
			return base
		}
		base = strings.TrimSuffix(base, ext)
	}
}

// sortedTimes returns the keys of m in order.
func sortedTimes[T any](m map[int64]T) []int64 {
	out := make([]int64, 0, len(m))
	for t := range m {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
