package promfile

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"
	"github.com/sobang/sobang/sources/metrics/scrape"
)

// parse reads data, the whole file, in the format Sniff finds. Samples
// without a timestamp are put at mtime, with a warning.
func parse(path string, data []byte, mtime time.Time) (*result, error) {
	data = batch.TrimBOM(data)
	format, ok := Sniff(data[:min(len(data), sources.SniffBytes)])
	if !ok {
		line, _, _ := strings.Cut(string(bytes.TrimLeft(data, " \t\r\n")), "\n")
		return nil, sources.InFile(path, errors.New(sources.Expected("", "a Prometheus API answer (JSON) or exposition text", line)))
	}
	r := &result{path: path, format: format, types: map[string]sources.MetricType{}}
	var err error
	if format == FormatAPI {
		err = r.parseAPI(data)
	} else {
		r.parseText(data)
	}
	if err != nil {
		return nil, err
	}
	untimed := 0
	for i := range r.samples {
		if r.samples[i].ms == noTime {
			r.samples[i].ms = mtime.UnixMilli()
			untimed++
		}
	}
	if untimed > 0 {
		r.warnings = append(r.warnings, fmt.Sprintf("%d sample lines carry no timestamp (a /metrics page saved as is): each is one sample at the file's time, %s (its modification time)",
			untimed, mtime.UTC().Format(time.RFC3339)))
	}
	if len(r.samples) == 0 && r.badRows == 0 {
		return nil, sources.InFile(path, errors.New("holds no samples"))
	}
	return r, nil
}

// parseText reads exposition text: Prometheus' text format 0.0.4 and
// OpenMetrics, as /metrics pages and promtool tsdb dump-openmetrics write
// them. Exemplars are ignored.
func (r *result) parseText(data []byte) {
	line := 0
	for len(data) > 0 {
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		line++
		text := strings.TrimRight(string(l), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		if strings.HasPrefix(text, "#") {
			r.comment(text)
			continue
		}
		s, err := parseLine(text)
		if err != nil {
			r.badRow(line, err.Error())
			continue
		}
		s.line = line
		r.samples = append(r.samples, s)
	}
}

// comment reads a # TYPE line; other comments say nothing sobang uses.
func (r *result) comment(text string) {
	f := strings.Fields(text)
	if len(f) < 4 || f[1] != "TYPE" {
		return
	}
	name := f[2]
	if n, err := strconv.Unquote(name); err == nil {
		name = n
	}
	var t sources.MetricType
	switch f[3] {
	case "counter":
		t = sources.MetricCounter
	case "gauge":
		t = sources.MetricGauge
	case "histogram", "gaugehistogram":
		t = sources.MetricHistogram
	case "summary":
		t = sources.MetricSummary
	default:
		t = sources.MetricUntyped
	}
	r.types[name] = t
}

// parseLine reads one sample line: name{labels} value [timestamp] [#
// exemplar]. The name may be quoted inside the braces ({"a.b",x="y"}).
func parseLine(text string) (raw, error) {
	var s raw
	p := text
	i := 0
	for i < len(p) && p[i] != '{' && p[i] != ' ' && p[i] != '\t' {
		i++
	}
	s.name = p[:i]
	p = p[i:]
	if strings.HasPrefix(p, "{") {
		var err error
		var name string
		name, s.labels, p, err = parseLabels(p[1:])
		if err != nil {
			return s, err
		}
		if name != "" {
			if s.name != "" {
				return s, fmt.Errorf("a metric name both before and inside the braces: %s", sources.Quote(text))
			}
			s.name = name
		}
	}
	if !validName(s.name) {
		return s, errors.New(sources.Expected("metric name", "a name such as http_requests_total", s.name))
	}
	if cut := strings.Index(p, " # "); cut >= 0 {
		p = p[:cut] // an OpenMetrics exemplar
	}
	f := strings.Fields(p)
	if len(f) == 0 || len(f) > 2 {
		return s, errors.New(sources.Expected(s.name, "a value and at most a timestamp after the series", strings.TrimSpace(p)))
	}
	v, err := parseValue(f[0])
	if err != nil {
		return s, errors.New(sources.Expected(s.name, "a number, NaN or +Inf as the value", f[0]))
	}
	s.value = v
	s.ms = noTime
	if len(f) == 2 {
		ms, ok := parseTimestamp(f[1])
		if !ok {
			return s, errors.New(sources.Expected(s.name, "a timestamp in seconds (OpenMetrics) or milliseconds (Prometheus text) after the epoch", f[1]))
		}
		s.ms = ms
	}
	return s, nil
}

// parseLabels reads the labels after "{" up to "}" and returns the name
// written inside the braces, if any, and the text after "}".
func parseLabels(p string) (name string, ls []label, rest string, err error) {
	for {
		p = strings.TrimLeft(p, " \t")
		if strings.HasPrefix(p, "}") {
			return name, ls, p[1:], nil
		}
		if p == "" {
			return "", nil, "", errors.New("expected } to close the labels, found the end of the line")
		}
		var key string
		if p[0] == '"' {
			key, p, err = quoted(p)
			if err != nil {
				return "", nil, "", err
			}
		} else {
			i := 0
			for i < len(p) && p[i] != '=' && p[i] != ',' && p[i] != '}' && p[i] != ' ' {
				i++
			}
			key, p = p[:i], p[i:]
			if !scrape.LegacyName(key) {
				return "", nil, "", errors.New(sources.Expected("label name", "a name such as method", key))
			}
		}
		p = strings.TrimLeft(p, " \t")
		if strings.HasPrefix(p, "=") {
			var value string
			value, p, err = quoted(strings.TrimLeft(p[1:], " \t"))
			if err != nil {
				return "", nil, "", fmt.Errorf("label %s: %w", key, err)
			}
			if key != "__name__" {
				ls = append(ls, label{key, value})
			} else {
				name = value
			}
		} else if name == "" && len(ls) == 0 {
			name = key // {"name.with.dots", ...}
		} else {
			return "", nil, "", errors.New(sources.Expected("label "+key, `="value"`, p))
		}
		p = strings.TrimPrefix(strings.TrimLeft(p, " \t"), ",")
	}
}

// quoted reads a double-quoted string with the text format's escapes.
func quoted(p string) (string, string, error) {
	if !strings.HasPrefix(p, `"`) {
		return "", "", errors.New(sources.Expected("", "a quoted value", p))
	}
	var b strings.Builder
	for i := 1; i < len(p); i++ {
		switch c := p[i]; c {
		case '"':
			return b.String(), p[i+1:], nil
		case '\\':
			if i+1 < len(p) {
				i++
				switch p[i] {
				case 'n':
					b.WriteByte('\n')
				default:
					b.WriteByte(p[i])
				}
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", "", errors.New("expected a closing \" of a quoted value, found the end of the line")
}

func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == ' ' || c == '\t' || c == '"' || c == '{' || c == '}' || c == '=' || c == ',' || c < 0x20 {
			return false
		}
	}
	return true
}

// parseValue reads a sample value as both formats write it.
func parseValue(s string) (float64, error) {
	switch s {
	case "+Inf", "Inf", "+inf", "inf":
		return math.Inf(1), nil
	case "-Inf", "-inf":
		return math.Inf(-1), nil
	case "NaN", "nan":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}

// parseTimestamp reads a sample's timestamp: OpenMetrics writes seconds
// (with a fraction or not), Prometheus' text format whole milliseconds. A
// whole number of 1e11 or more is milliseconds (1e11 seconds is year
// 5138, 1e11 milliseconds 1973).
func parseTimestamp(s string) (int64, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n <= 0 {
			return 0, false
		}
		if n >= 1e11 {
			return n, true
		}
		return n * 1000, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 || math.IsInf(f, 0) || math.IsNaN(f) || f >= 1e11 {
		return 0, false
	}
	return int64(math.Round(f * 1000)), true
}

func timeOf(ms int64) time.Time { return time.UnixMilli(ms) }
