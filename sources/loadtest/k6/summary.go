package k6

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"
)

// A k6 end-of-test summary holds k6's own statistics over the whole run and
// nothing per request: it is read into sources.Aggregate rows, as written,
// never into samples. Two shapes are read (k6's internal/js/summary.go and
// summary-wrapper.js):
//
//   - the data object handed to handleSummary(data), whose metrics are
//     {"type","contains","values":{...},"thresholds":{"expr":{"ok":bool}}};
//   - the --summary-export file, the same metrics flattened to their values
//     ({"avg":..,"p(95)":..,"thresholds":{"expr":true}}, true meaning the
//     threshold FAILED), rates written as "value".
//
// The request figures come from http_req_duration (a trend, milliseconds),
// http_reqs (a counter: count and rate over the run) and http_req_failed (a
// rate whose "passes" are the failed requests); gRPC tests have
// grpc_req_duration and grpc_reqs and no failure metric. Tagged sub-metrics
// (http_req_duration{name:login}, {group:::checkout}), which k6 writes for
// the thresholds a script declares on them, become one row each.
//
// Neither shape has a timestamp: a summary has no start, no end and no
// timeline. k6's machine-readable summary of v1.5+ (--new-machine-readable-
// summary) is a third shape, refused with a message until a real file of it
// can be tested against.

// maxSummaryBytes bounds the summary held in memory: a summary has one entry
// per metric and sub-metric, a few KB.
const maxSummaryBytes = 64 << 20

// The metrics a summary's request figures come from.
const (
	metricHTTPDuration = "http_req_duration"
	metricHTTPReqs     = "http_reqs"
	metricHTTPFailed   = "http_req_failed"
	metricGRPCDuration = "grpc_req_duration"
	metricGRPCReqs     = "grpc_reqs"
	metricChecks       = "checks"
)

// Summary is what sobang reads from a k6 end-of-test summary.
type Summary struct {
	// Export is true for a --summary-export file, false for the data
	// object of handleSummary.
	Export bool
	// Protocol names the request metrics the rows come from: "http",
	// "grpc", or "" when the summary has none.
	Protocol string
	// Aggregates are Final rows as k6 wrote them: one per tagged sub-metric,
	// by label, then the totals (sources.AggregatedLabel).
	Aggregates []sources.Aggregate
	// Warnings tell what the figures leave out: failed thresholds, checks,
	// a missing failure count.
	Warnings []string
	// Tool is every metric, threshold and check of the summary, for a page
	// of its own.
	Tool sources.ToolSummary
	// Bad are the metrics that could not be read whole, with their lines.
	Bad []sources.BadRow
}

// summaryMetric is one entry of the summary's metrics object.
type summaryMetric struct {
	name     string // as written, sub-metric tags included
	base     string // the metric's name without its tags
	selector string // the tags, normalised ("name:login"), "" for the metric itself
	values   map[string]float64
	failed   []string // the failed thresholds' expressions
	passed   []string // the thresholds that held
	kind     string   // "type" of the data shape; "" in an export
	export   bool     // flattened, as --summary-export writes it
	line     int
}

// ParseSummary reads a whole k6 summary (the data of handleSummary or a
// --summary-export file). An error names the line where the document stops
// being one; a metric that cannot be read whole is a bad row.
func ParseSummary(data []byte) (*Summary, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	failAt := func(err error) error {
		off := dec.InputOffset()
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			off = syn.Offset
		case errors.As(err, &typ):
			off = typ.Offset
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			return sources.LineErrorf(lineAt(data, int64(len(data))), "the k6 summary ends before its last }")
		}
		return sources.LineErrorf(lineAt(data, off), "not a k6 summary: %v", err)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, failAt(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, sources.LineErrorf(lineAt(data, dec.InputOffset()), "not a k6 summary: expected a JSON object")
	}
	s := &Summary{}
	var metrics []summaryMetric
	seenMetrics, machine := false, false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, failAt(err)
		}
		key, _ := tok.(string)
		switch key {
		case "metrics":
			seenMetrics = true
			if metrics, err = readMetrics(dec, data, s); err != nil {
				return nil, failAt(err)
			}
			continue
		case "results", "version", "config":
			machine = true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, failAt(err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, failAt(err)
	}
	if !seenMetrics {
		if machine {
			return nil, sources.LineErrorf(1, "k6's machine-readable summary (--new-machine-readable-summary) is not read; "+
				"write --summary-export=FILE or --out json instead")
		}
		return nil, sources.LineErrorf(1, `not a k6 summary: no "metrics" object`)
	}
	s.Export = len(metrics) > 0
	for _, m := range metrics {
		s.Export = s.Export && m.export
	}
	s.build(metrics)
	return s, nil
}

// readMetrics reads the metrics object; the decoder stands before its '{'.
func readMetrics(dec *json.Decoder, data []byte, s *Summary) ([]summaryMetric, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, sources.ExpectedError(`"metrics"`, "an object", fmt.Sprint(tok))
	}
	var out []summaryMetric
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := tok.(string)
		line := lineAt(data, dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		m, problem := parseMetric(name, raw)
		m.line = line
		if problem != "" {
			s.Bad = append(s.Bad, sources.BadRow{Line: line, Reason: "metric " + sources.Quote(name) + ": " + problem})
		}
		if m.values != nil {
			out = append(out, m)
		}
	}
	_, err = dec.Token() // the closing '}'
	return out, err
}

// parseMetric reads one metric in either shape. problem describes what
// could not be read ("" when all could); values is nil when nothing could.
func parseMetric(name string, raw json.RawMessage) (m summaryMetric, problem string) {
	m.name = name
	m.base, m.selector = splitMetricName(name)
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return m, sources.Expected("", "an object of values", bytes.TrimSpace(raw))
	}
	src := obj
	m.export = true
	if v, ok := obj["values"]; ok {
		src, m.export = nil, false
		if t, ok := obj["type"]; ok {
			_ = json.Unmarshal(t, &m.kind)
		}
		if err := json.Unmarshal(v, &src); err != nil || src == nil {
			return m, sources.Expected(`"values"`, "an object", bytes.TrimSpace(v))
		}
	}
	m.values = map[string]float64{}
	// In key order, so that the problem told is the same on every read.
	for _, k := range slices.Sorted(maps.Keys(src)) {
		v := src[k]
		if m.export && (k == "thresholds" || k == "type" || k == "contains") {
			continue
		}
		var f float64
		if err := json.Unmarshal(v, &f); err != nil {
			if string(bytes.TrimSpace(v)) != "null" && problem == "" {
				problem = sources.Expected(strconv.Quote(k), "a number", bytes.TrimSpace(v))
			}
			continue
		}
		if isCount(k) && (f < 0 || f > maxCount) {
			if problem == "" {
				problem = sources.Expected(strconv.Quote(k), "a count", bytes.TrimSpace(v))
			}
			continue
		}
		m.values[k] = f
	}
	if t, ok := obj["thresholds"]; ok {
		var th map[string]json.RawMessage
		if err := json.Unmarshal(t, &th); err != nil {
			if problem == "" {
				problem = sources.Expected(`"thresholds"`, "an object", bytes.TrimSpace(t))
			}
		}
		for _, expr := range slices.Sorted(maps.Keys(th)) {
			v := th[expr]
			var failed bool
			var data struct {
				OK *bool `json:"ok"`
			}
			switch {
			case json.Unmarshal(v, &failed) == nil: // --summary-export: true = failed
			case json.Unmarshal(v, &data) == nil && data.OK != nil:
				failed = !*data.OK
			default:
				if problem == "" {
					problem = sources.Expected("threshold "+strconv.Quote(expr), `true/false or {"ok":...}`, bytes.TrimSpace(v))
				}
				continue
			}
			if failed {
				m.failed = append(m.failed, expr)
			} else {
				m.passed = append(m.passed, expr)
			}
		}
		sort.Strings(m.failed)
		sort.Strings(m.passed)
	}
	return m, problem
}

// maxCount bounds a count: beyond 2^53 a float64 no longer holds every
// integer, and no test makes that many requests.
const maxCount = 1 << 53

// isCount reports whether a value key holds a number of events.
func isCount(key string) bool {
	return key == "count" || key == "passes" || key == "fails"
}

// splitMetricName splits `http_req_duration{name:login}` into the metric and
// its normalised tags (`name:login`; tags sorted, spaces and quotes around
// keys and values removed, as k6 reads a sub-metric's tags).
func splitMetricName(name string) (base, selector string) {
	open := strings.IndexByte(name, '{')
	if open < 0 || !strings.HasSuffix(name, "}") {
		return name, ""
	}
	base = strings.TrimSpace(name[:open])
	var tags []string
	for _, kv := range strings.Split(name[open+1:len(name)-1], ",") {
		k, v, _ := strings.Cut(kv, ":")
		k, v = trimTag(k), trimTag(v)
		if k == "" {
			continue
		}
		tags = append(tags, k+":"+v)
	}
	sort.Strings(tags)
	return base, strings.Join(tags, ",")
}

func trimTag(s string) string {
	return strings.Trim(strings.TrimSpace(s), `"'`)
}

// summaryLabel is the label of a sub-metric's row: the value of a lone name
// tag (the label k6's --out json requests get), the tags as written
// otherwise. A lone expected_response tag is no label: it splits the
// requests by outcome, not by request.
func summaryLabel(selector string) (string, bool) {
	if strings.HasPrefix(selector, "expected_response:") && !strings.Contains(selector, ",") {
		return "", false
	}
	if v, ok := strings.CutPrefix(selector, "name:"); ok && !strings.Contains(selector, ",") && v != "" {
		return v, true
	}
	return selector, true
}

// build turns the metrics into rows and warnings.
func (s *Summary) build(metrics []summaryMetric) {
	byName := map[string]*summaryMetric{}
	for i := range metrics {
		m := &metrics[i]
		key := m.base
		if m.selector != "" {
			key += "{" + m.selector + "}"
		}
		byName[key] = m
	}
	durationName, reqsName, failedName := metricHTTPDuration, metricHTTPReqs, metricHTTPFailed
	switch {
	case byName[metricHTTPDuration] != nil || byName[metricHTTPReqs] != nil:
		s.Protocol = "http"
		if byName[metricGRPCDuration] != nil || byName[metricGRPCReqs] != nil {
			s.Warnings = append(s.Warnings, "the summary has gRPC requests too (grpc_req_duration): only the HTTP requests' figures are shown")
		}
		if byName[metricHTTPFailed] == nil {
			s.Warnings = append(s.Warnings, "the summary has no http_req_failed: the failed requests are not known and shown as 0")
		}
	case byName[metricGRPCDuration] != nil || byName[metricGRPCReqs] != nil:
		s.Protocol = "grpc"
		durationName, reqsName, failedName = metricGRPCDuration, metricGRPCReqs, ""
		s.Warnings = append(s.Warnings, "k6 counts no failed gRPC requests in its summary: failures are shown as 0")
	default:
		s.Warnings = append(s.Warnings, "the summary has no request metric (http_req_duration, http_reqs, grpc_req_duration): no request figures")
	}
	if s.Protocol != "" {
		// One row per tagged sub-metric of the request metrics.
		selectors := map[string]bool{}
		for _, m := range metrics {
			if m.selector != "" && (m.base == durationName || m.base == reqsName || (failedName != "" && m.base == failedName)) {
				selectors[m.selector] = true
			}
		}
		sorted := make([]string, 0, len(selectors))
		for sel := range selectors {
			sorted = append(sorted, sel)
		}
		sort.Strings(sorted) // so that a clash of labels is settled the same way every time
		type labelled struct{ label, selector string }
		var rows []labelled
		seen := map[string]bool{}
		for _, sel := range sorted {
			label, ok := summaryLabel(sel)
			if !ok {
				continue
			}
			if seen[label] {
				label = sel // a lone name tag and the same text as tags: keep both apart
			}
			seen[label] = true
			rows = append(rows, labelled{label, sel})
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].label < rows[j].label })
		get := func(base, sel string) *summaryMetric {
			if base == "" {
				return nil
			}
			if sel != "" {
				base += "{" + sel + "}"
			}
			return byName[base]
		}
		var uncounted, unfailed []string
		var clashes []string
		for _, r := range rows {
			a, counted, clash := requestRow(r.label, get(durationName, r.selector), get(reqsName, r.selector), get(failedName, r.selector))
			if clash != "" {
				clashes = append(clashes, clash)
			}
			if !counted {
				uncounted = append(uncounted, strconv.Quote(r.label))
			} else if a.FailuresUnknown && failedName != "" && byName[failedName] != nil {
				unfailed = append(unfailed, strconv.Quote(r.label))
			}
			s.Aggregates = append(s.Aggregates, a)
		}
		total, _, clash := requestRow(sources.AggregatedLabel, byName[durationName], byName[reqsName], get(failedName, ""))
		s.Aggregates = append(s.Aggregates, total)
		if clash != "" {
			clashes = append(clashes, clash)
		}
		s.Warnings = append(s.Warnings, clashes...)
		if len(uncounted) > 0 {
			s.Warnings = append(s.Warnings, fmt.Sprintf("the summary has no request count for %s: shown as 0 requests "+
				"(a threshold on %s{...} of the same tags, or \"count\" in summaryTrendStats, would give one)",
				strings.Join(uncounted, ", "), reqsName))
		}
		if len(unfailed) > 0 {
			s.Warnings = append(s.Warnings, fmt.Sprintf("the summary has no %s for %s: their failed requests are not known "+
				"(shown as 0; an error_rate objective on them fails)", failedName, strings.Join(unfailed, ", ")))
		}
	}
	if c := byName[metricChecks]; c != nil {
		passes, fails := c.values["passes"], c.values["fails"]
		s.Warnings = append(s.Warnings, fmt.Sprintf("k6 checks: %d run, %d failed (checks are not requests; a failed check does not fail its request)",
			int64(passes+fails), int64(fails)))
	}
	var failed []string
	for _, m := range metrics {
		for _, expr := range m.failed {
			failed = append(failed, m.name+": "+expr)
		}
	}
	s.Tool = toolSummary(metrics, byName[metricChecks])
	if len(failed) > 0 {
		sort.Strings(failed)
		s.Warnings = append(s.Warnings, fmt.Sprintf("k6 thresholds failed: %s", strings.Join(failed, "; ")))
	}
}

// toolSummary lists every metric with its values, the thresholds failed
// first, and the checks.
func toolSummary(metrics []summaryMetric, checks *summaryMetric) sources.ToolSummary {
	var t sources.ToolSummary
	for _, m := range metrics {
		sm := sources.SummaryMetric{Name: m.name, Type: m.kind}
		for _, k := range slices.Sorted(maps.Keys(m.values)) {
			sm.Values = append(sm.Values, sources.SummaryValue{Key: k, Value: m.values[k]})
		}
		t.Metrics = append(t.Metrics, sm)
		for _, expr := range m.failed {
			t.Thresholds = append(t.Thresholds, sources.Threshold{Metric: m.name, Expr: expr})
		}
		for _, expr := range m.passed {
			t.Thresholds = append(t.Thresholds, sources.Threshold{Metric: m.name, Expr: expr, OK: true})
		}
	}
	sort.SliceStable(t.Metrics, func(i, j int) bool { return t.Metrics[i].Name < t.Metrics[j].Name })
	sort.SliceStable(t.Thresholds, func(i, j int) bool {
		a, b := t.Thresholds[i], t.Thresholds[j]
		if a.OK != b.OK {
			return !a.OK
		}
		if a.Metric != b.Metric {
			return a.Metric < b.Metric
		}
		return a.Expr < b.Expr
	})
	if checks != nil {
		t.Checks = &sources.Checks{Passes: int64(checks.values["passes"]), Fails: int64(checks.values["fails"])}
	}
	return t
}

// requestRow builds one Final row from a trend of durations, a counter of
// requests and a rate of failures (each may be nil). counted is false when
// none of them gives a number of requests; warning, when not "", says which
// of the trend's keys that name one percentile was used.
func requestRow(label string, trend, counter, failed *summaryMetric) (a sources.Aggregate, counted bool, warning string) {
	nan := math.NaN()
	a = sources.Aggregate{Final: true, Label: label, Users: -1, RequestsPerSec: nan, FailuresPerSec: nan,
		MedianMS: nan, MeanMS: nan, MinMS: nan, MaxMS: nan, AvgBytes: nan}
	value := func(m *summaryMetric, key string) (float64, bool) {
		if m == nil {
			return nan, false
		}
		v, ok := m.values[key]
		if !ok {
			return nan, false
		}
		return v, true
	}
	if trend != nil {
		a.MeanMS, _ = value(trend, "avg")
		a.MinMS, _ = value(trend, "min")
		a.MaxMS, _ = value(trend, "max")
		a.MedianMS, _ = value(trend, "med")
		var hasHalf bool
		a.Percentiles, warning = trendPercentiles(trend)
		for _, p := range a.Percentiles {
			hasHalf = hasHalf || p.Q == 0.5
		}
		// k6's med is its P(0.5) (metrics/sink.go): the same figure.
		if med, ok := value(trend, "med"); ok && !hasHalf {
			a.Percentiles = append(a.Percentiles, sources.Percentile{Q: 0.5, MS: med})
		}
		sort.Slice(a.Percentiles, func(i, j int) bool { return a.Percentiles[i].Q < a.Percentiles[j].Q })
		if n, ok := value(trend, "count"); ok {
			a.Requests, counted = int64(math.Round(n)), true
		}
	}
	if n, ok := value(counter, "count"); ok {
		a.Requests, counted = int64(math.Round(n)), true
	}
	if r, ok := value(counter, "rate"); ok {
		a.RequestsPerSec = r
	}
	n, ok := value(failed, "passes")
	a.FailuresUnknown = !ok
	if ok {
		a.Failures = int64(math.Round(n))
		if !counted {
			if f, ok := value(failed, "fails"); ok {
				a.Requests, counted = int64(math.Round(n+f)), true
			}
		}
	}
	return a, counted, warning
}

// trendPercentiles returns the percentiles of a trend, one per quantile in
// ascending order. Keys that name one percentile ("p(95)" and "p(95.0)",
// when summaryTrendStats lists it twice) are settled by the shortest key,
// then byte order, so the same file always gives the same figure; when
// their values differ, warning says which key was used.
func trendPercentiles(trend *summaryMetric) (out []sources.Percentile, warning string) {
	keys := map[float64][]string{}
	for k := range trend.values {
		if q, ok := percentileOf(k); ok {
			keys[q] = append(keys[q], k)
		}
	}
	var clashes []string
	for q, ks := range keys {
		sort.Slice(ks, func(i, j int) bool {
			if len(ks[i]) != len(ks[j]) {
				return len(ks[i]) < len(ks[j])
			}
			return ks[i] < ks[j]
		})
		out = append(out, sources.Percentile{Q: q, MS: trend.values[ks[0]]})
		differ := false
		for _, k := range ks[1:] {
			differ = differ || trend.values[k] != trend.values[ks[0]]
		}
		if !differ {
			continue
		}
		quoted, values := make([]string, len(ks)), make([]string, len(ks))
		for i, k := range ks {
			quoted[i], values[i] = strconv.Quote(k), strconv.FormatFloat(trend.values[k], 'g', -1, 64)
		}
		list := strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
		clashes = append(clashes, fmt.Sprintf("%s name the same percentile with different values (%s): %s is used, the shortest key",
			list, strings.Join(values, ", "), quoted[0]))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Q < out[j].Q })
	if len(clashes) > 0 {
		sort.Strings(clashes)
		warning = trend.name + ": " + strings.Join(clashes, "; ")
	}
	return out, warning
}

// percentileOf reads a trend stat "p(95)" or "p(99.9)" as a quantile.
func percentileOf(key string) (float64, bool) {
	inner, ok := strings.CutPrefix(key, "p(")
	if !ok {
		return 0, false
	}
	inner, ok = strings.CutSuffix(inner, ")")
	if !ok {
		return 0, false
	}
	q, err := strconv.ParseFloat(strings.TrimSpace(inner)+"e-2", 64)
	if err != nil || q < 0 || q > 1 {
		return 0, false
	}
	return q, true
}

func lastNonSpace(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if c := b[i]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return i
		}
	}
	return -1
}

// lineAt is the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// summaryParser is the parser of a summary: it holds the document until its
// closing brace has come, then hands its rows over at once. Bytes after the
// document are one bad row.
type summaryParser struct {
	out    *batch.Batcher
	buf    []byte
	read   bool // the document was read
	failed bool // Finish returned the fatal error
	// After the document: the newlines seen so far, and the line of the
	// first byte that is not white space (0 while there is none).
	lines, restLine int
	restTold        bool
	rows            int // the aggregate rows read, for the final health
}

func newSummaryParser(out *batch.Batcher) *summaryParser {
	return &summaryParser{out: out}
}

// Feed takes the next bytes of the document, and reads it once its first
// JSON value is complete.
func (p *summaryParser) Feed(b []byte) error {
	if p.read {
		p.after(b)
		return nil
	}
	if len(p.buf)+len(b) > maxSummaryBytes {
		return sources.LineErrorf(1, "a k6 summary of more than %d MB: not a summary", maxSummaryBytes>>20)
	}
	p.buf = append(p.buf, b...)
	// A document ends with its '}': try only then, so that a big input is
	// not decoded again at every chunk.
	if i := lastNonSpace(b); i >= 0 && b[i] == '}' {
		return p.try(false)
	}
	return nil
}

// try reads the document once its first JSON value is complete (whatever
// follows it); with end, the input has ended and an incomplete or broken
// document is an error. Where the input was cut into chunks does not matter:
// the first value of a prefix is the first value of the whole.
func (p *summaryParser) try(end bool) error {
	dec := json.NewDecoder(bytes.NewReader(p.buf))
	var doc json.RawMessage
	if err := dec.Decode(&doc); err != nil {
		if !end {
			return nil // incomplete, or broken: decided at the end
		}
		if _, err := ParseSummary(p.buf); err != nil {
			return err
		}
		return sources.LineErrorf(1, "not a k6 summary")
	}
	n := dec.InputOffset()
	s, err := ParseSummary(p.buf[:n])
	if err != nil {
		return err
	}
	rest := p.buf[n:]
	p.lines = bytes.Count(p.buf[:n], []byte{'\n'})
	p.read, p.buf = true, nil
	for _, w := range s.Warnings {
		p.out.Warn(w)
	}
	for _, bad := range s.Bad {
		p.out.BadRow(bad.Line, "%s", bad.Reason)
	}
	p.rows = len(s.Aggregates)
	p.out.Push(sources.Batch{Aggregates: s.Aggregates, Rows: len(s.Aggregates), Summary: &s.Tool})
	p.after(rest)
	return nil
}

// after notes the bytes that follow the document.
func (p *summaryParser) after(b []byte) {
	if p.restLine > 0 {
		return
	}
	if i := firstNonSpace(b); i >= 0 {
		p.restLine = p.lines + bytes.Count(b[:i], []byte{'\n'}) + 1
		return
	}
	p.lines += bytes.Count(b, []byte{'\n'})
}

// Finish reads a document that is still held (an incomplete or broken one
// is the fatal error, returned once) and counts what followed it.
func (p *summaryParser) Finish() error {
	if !p.read && !p.failed {
		if firstNonSpace(p.buf) < 0 {
			return nil
		}
		if err := p.try(true); err != nil {
			p.failed = true
			return err
		}
	}
	if p.restLine > 0 && !p.restTold {
		p.restTold = true
		p.out.BadRow(p.restLine, "data after the end of the k6 summary, left out")
	}
	return nil
}
