package promfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/sobang/sobang/sources"
)

// answer is a Prometheus HTTP API answer (/api/v1/query, /query_range).
type answer struct {
	Status    string   `json:"status"`
	ErrorType string   `json:"errorType"`
	Error     string   `json:"error"`
	Warnings  []string `json:"warnings"`
	Infos     []string `json:"infos"`
	Data      struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	} `json:"data"`
}

// apiSeries is one series of a matrix or a vector.
type apiSeries struct {
	Metric     map[string]string   `json:"metric"`
	Values     [][]json.RawMessage `json:"values"`
	Value      []json.RawMessage   `json:"value"`
	Histograms [][]json.RawMessage `json:"histograms"`
	Histogram  []json.RawMessage   `json:"histogram"`
}

// nativeHistogram is a native histogram's value in an answer.
type nativeHistogram struct {
	Count   string              `json:"count"`
	Sum     string              `json:"sum"`
	Buckets [][]json.RawMessage `json:"buckets"` // [rule, "lower", "upper", "count"]
}

// parseAPI reads an answer. A saved error answer, or JSON that is not an
// answer, fails the file; a series with a bad point is a bad row.
func (r *result) parseAPI(data []byte) error {
	return r.parseAPINamed(data, stem(r.path), "")
}

// parseAPINamed is parseAPI with name for the series that have no
// __name__ (the result of an expression), and query for every sample.
func (r *result) parseAPINamed(data []byte, name, query string) error {
	var a answer
	var wrapped struct {
		Response *answer `json:"response"`
	}
	if err := json.Unmarshal(data, &wrapped); err == nil && wrapped.Response != nil && wrapped.Response.Status != "" {
		// Grafana's query inspector shows the request beside the answer:
		// {"request": {...}, "response": {"status": ...}}.
		a = *wrapped.Response
	} else if err := json.Unmarshal(data, &a); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return &sources.LineError{Path: r.path, Line: lineAt(data, int(se.Offset)), Err: fmt.Errorf("bad JSON: %v", se)}
		}
		return sources.InFile(r.path, fmt.Errorf("not a Prometheus API answer: %v", err))
	}
	if a.Status == "error" {
		return sources.InFile(r.path, fmt.Errorf("the saved answer is an error Prometheus gave: %s: %s", a.ErrorType, a.Error))
	}
	if a.Status != "success" {
		return sources.InFile(r.path, errors.New(sources.Expected("status", `"success" or "error"`, a.Status)))
	}
	for _, w := range a.Warnings {
		r.warnings = append(r.warnings, "Prometheus warned: "+w)
	}
	for _, w := range a.Infos {
		r.warnings = append(r.warnings, "Prometheus noted: "+w)
	}
	base := bytes.Index(data, a.Data.Result)
	switch a.Data.ResultType {
	case "matrix", "vector":
		return r.readSeries(data, a.Data.Result, base, name, query)
	case "scalar":
		var p []json.RawMessage
		if err := json.Unmarshal(a.Data.Result, &p); err != nil {
			return sources.InFile(r.path, fmt.Errorf("a scalar result: %v", err))
		}
		s := raw{name: name, line: lineAt(data, base), query: query}
		if err := r.point(&s, p); err != nil {
			r.badRow(s.line, err.Error())
			return nil
		}
		r.samples = append(r.samples, s)
		return nil
	}
	return sources.InFile(r.path, errors.New(sources.Expected("resultType", "matrix, vector or scalar", a.Data.ResultType)))
}

// readSeries reads the series of a matrix or a vector, noting each one's line.
func (r *result) readSeries(data, result []byte, base int, name, query string) error {
	dec := json.NewDecoder(bytes.NewReader(result))
	if _, err := dec.Token(); err != nil { // [
		return sources.InFile(r.path, fmt.Errorf("a result: %v", err))
	}
	lineOf := lineCounter(data)
	for dec.More() {
		off := base + int(dec.InputOffset())
		for off < len(data) && (data[off] == ',' || data[off] == ' ' || data[off] == '\n' || data[off] == '\r' || data[off] == '\t') {
			off++
		}
		line := lineOf(off)
		var s apiSeries
		if err := dec.Decode(&s); err != nil {
			r.badRow(line, "expected a series {\"metric\": {...}, \"values\": [...]}: "+err.Error())
			// The decoder cannot go on past a value it could not read.
			return nil
		}
		r.addSeries(&s, name, query, line)
	}
	return nil
}

// addSeries adds the points of one series; a bad point is a bad row of the
// series' line, and the other points are kept.
func (r *result) addSeries(s *apiSeries, stemName, query string, line int) {
	proto := raw{name: s.Metric["__name__"], line: line, query: query}
	if proto.name == "" {
		proto.name = stemName
	}
	for k, v := range s.Metric {
		if k != "__name__" {
			proto.labels = append(proto.labels, label{k, v})
		}
	}
	slices.SortFunc(proto.labels, func(a, b label) int {
		if a.name < b.name {
			return -1
		}
		if a.name > b.name {
			return 1
		}
		return 0
	})
	bad := ""
	points := s.Values
	if s.Value != nil {
		points = append(points, s.Value)
	}
	for _, p := range points {
		smp := proto
		if err := r.point(&smp, p); err != nil {
			if bad == "" {
				bad = err.Error()
			}
			continue
		}
		r.samples = append(r.samples, smp)
	}
	hists := s.Histograms
	if s.Histogram != nil {
		hists = append(hists, s.Histogram)
	}
	for _, p := range hists {
		smp := proto
		if err := r.native(&smp, p); err != nil {
			if bad == "" {
				bad = err.Error()
			}
			continue
		}
		r.samples = append(r.samples, smp)
	}
	if bad != "" {
		series := sources.MetricSample{Name: proto.name, Labels: labelString(proto.labels)}
		r.badRow(line, series.Series()+": "+bad)
	}
}

// point reads [time, "value"] into s.
func (r *result) point(s *raw, p []json.RawMessage) error {
	if len(p) != 2 {
		return errors.New(sources.Expected("point", `[time, "value"]`, joinRaw(p)))
	}
	ms, err := apiTime(p[0])
	if err != nil {
		return err
	}
	var text string
	if err := json.Unmarshal(p[1], &text); err != nil {
		return errors.New(sources.Expected("value", `a number in quotes such as "1.5"`, string(p[1])))
	}
	v, err := parseValue(text)
	if err != nil {
		return errors.New(sources.Expected("value", `a number in quotes such as "1.5"`, text))
	}
	s.ms, s.value = ms, v
	return nil
}

// native reads [time, {count, sum, buckets}] into s as a histogram sample
// with cumulative buckets, as a scrape's are.
func (r *result) native(s *raw, p []json.RawMessage) error {
	if len(p) != 2 {
		return errors.New(sources.Expected("histogram point", `[time, {"count", "sum", "buckets"}]`, joinRaw(p)))
	}
	ms, err := apiTime(p[0])
	if err != nil {
		return err
	}
	var h nativeHistogram
	if err := json.Unmarshal(p[1], &h); err != nil {
		return errors.New(sources.Expected("histogram", `{"count", "sum", "buckets"}`, string(p[1])))
	}
	count, err1 := parseValue(h.Count)
	sum, err2 := parseValue(h.Sum)
	if err1 != nil || err2 != nil {
		return errors.New(sources.Expected("histogram count and sum", "numbers in quotes", h.Count+", "+h.Sum))
	}
	var buckets []sources.Bucket
	for _, b := range h.Buckets {
		var upper, n string
		if len(b) != 4 || json.Unmarshal(b[2], &upper) != nil || json.Unmarshal(b[3], &n) != nil {
			return errors.New(sources.Expected("histogram bucket", `[rule, "lower", "upper", "count"]`, joinRaw(b)))
		}
		ub, err1 := parseValue(upper)
		c, err2 := parseValue(n)
		if err1 != nil || err2 != nil {
			return errors.New(sources.Expected("histogram bucket", "numbers in quotes", upper+", "+n))
		}
		buckets = append(buckets, sources.Bucket{UpperBound: ub, Count: c})
	}
	slices.SortFunc(buckets, func(a, b sources.Bucket) int {
		switch {
		case a.UpperBound < b.UpperBound:
			return -1
		case a.UpperBound > b.UpperBound:
			return 1
		}
		return 0
	})
	cum := 0.0
	for i := range buckets {
		cum += buckets[i].Count
		buckets[i].Count = cum
	}
	if n := len(buckets); n == 0 || !math.IsInf(buckets[n-1].UpperBound, 1) {
		buckets = append(buckets, sources.Bucket{UpperBound: math.Inf(1), Count: count})
	}
	s.ms = ms
	s.native = &sources.MetricSample{Name: s.name, Labels: labelString(s.labels), Type: sources.MetricHistogram, Value: count, Sum: sum, Buckets: buckets, Query: s.query}
	return nil
}

// apiTime reads an answer's time: seconds since the epoch, a number.
func apiTime(b json.RawMessage) (int64, error) {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f <= 0 || math.IsInf(f, 0) {
		return 0, errors.New(sources.Expected("time", "seconds since the epoch such as 1764070000.5", string(b)))
	}
	return int64(math.Round(f * 1000)), nil
}

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int) int {
	off = max(0, min(off, len(data)))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// lineCounter returns lineAt for offsets that only grow, counting each
// byte once.
func lineCounter(data []byte) func(off int) int {
	at, line := 0, 1
	return func(off int) int {
		off = max(at, min(off, len(data)))
		line += bytes.Count(data[at:off], []byte("\n"))
		at = off
		return line
	}
}

// joinRaw shows the parts of a JSON array as written, for an error.
func joinRaw(parts []json.RawMessage) string {
	var b []byte
	for i, p := range parts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, p...)
	}
	return "[" + string(b) + "]"
}
