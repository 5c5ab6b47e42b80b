// Package slo reads service-level objectives such as `p95<500ms` or
// `label=POST transfer:error_rate<1%` and decides them against the
// load-test statistics of a window, for `sobang check` and CI gates.
//
// The grammar is
//
//	[label=NAME:]METRIC OP VALUE[UNIT]
//
// with METRIC one of p50 p90 p95 p99 max mean error_rate throughput apdex,
// OP one of < <= > >=, and UNIT one of ms s % rps where it fits the metric.
// A number's meaning never depends on a guess: a latency always carries
// its unit (ms or s), and an error rate without one is a ratio below 1
// (error_rate<1 is refused: 1% is written error_rate<1%).
// NAME runs to the first ':'; it may be double-quoted ("" stands for a
// quote) and must be when it contains ':'. Spaces are allowed around OP.
//
// It owns only the objectives: reading inputs and printing are the
// command's, the statistics are the store's.
package slo

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
	"github.com/sobang/sobang/sources/store"
)

// Metric is what an objective measures.
type Metric string

// The metrics an objective can name.
const (
	P50        Metric = "p50"
	P90        Metric = "p90"
	P95        Metric = "p95"
	P99        Metric = "p99"
	Max        Metric = "max"
	Mean       Metric = "mean"
	ErrorRate  Metric = "error_rate"
	Throughput Metric = "throughput"
	Apdex      Metric = "apdex"
)

// Metrics lists every metric in the order the help shows them.
var Metrics = []Metric{P50, P90, P95, P99, Max, Mean, ErrorRate, Throughput, Apdex}

// latency reports whether m is measured in milliseconds.
func (m Metric) latency() bool {
	switch m {
	case P50, P90, P95, P99, Max, Mean:
		return true
	}
	return false
}

// quantile returns the quantile a percentile metric names, 0 for others.
func (m Metric) quantile() float64 {
	switch m {
	case P50:
		return 0.50
	case P90:
		return 0.90
	case P95:
		return 0.95
	case P99:
		return 0.99
	}
	return 0
}

// Op compares the measured value (left) with the objective's value (right).
type Op string

// The comparisons an objective can make.
const (
	Less         Op = "<"
	LessEqual    Op = "<="
	Greater      Op = ">"
	GreaterEqual Op = ">="
)

// holds reports whether measured op value is true.
func (op Op) holds(measured, value float64) bool {
	switch op {
	case Less:
		return measured < value
	case LessEqual:
		return measured <= value
	case Greater:
		return measured > value
	case GreaterEqual:
		return measured >= value
	}
	return false
}

// Objective is one parsed objective.
type Objective struct {
	// Text is the objective as written.
	Text string
	// Label names the label the objective is about; HasLabel false means
	// the totals of the requests.
	Label    string
	HasLabel bool
	Metric   Metric
	Op       Op
	// Value is the threshold in the metric's own unit: milliseconds for
	// latencies, a ratio from 0 to 1 for error_rate (1% is 0.01), samples
	// per second for throughput, a score from 0 to 1 for apdex.
	Value float64
	// Threshold is the value and unit as written ("500ms", "1%"), for
	// showing the objective back.
	Threshold string
	// Unit is the unit as written, lower-cased ("" when none).
	Unit string
}

// String shows the objective in a canonical form: `p95 < 500ms`, or
// `label=POST transfer: p99 < 800ms`.
func (o Objective) String() string {
	s := string(o.Metric) + " " + string(o.Op) + " " + o.Threshold
	if o.HasLabel {
		s = "label=" + QuoteLabel(o.Label) + ": " + s
	}
	return s
}

// QuoteLabel writes a label name as the grammar reads it back: as it is,
// or double-quoted when it holds ':' or starts with a quote.
func QuoteLabel(name string) string {
	if !strings.Contains(name, ":") && !strings.HasPrefix(name, `"`) {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// SyntaxError is a malformed objective with the place of the mistake.
type SyntaxError struct {
	Text   string // the objective as written
	Offset int    // byte offset of the mistake in Text
	Msg    string // what was expected and what was found
}

// Column is the 1-based display column of the mistake in the objective as
// Error shows it (sanitised: tabs expanded, controls made visible).
func (e *SyntaxError) Column() int {
	before, _ := sanitize.String([]byte(e.Text[:e.Offset]))
	return sanitize.Width([]byte(before)) + 1
}

// Error shows the message, then the objective with a caret under the
// offending column.
func (e *SyntaxError) Error() string {
	shown, _ := sanitize.String([]byte(e.Text))
	return fmt.Sprintf("%s: column %d: %s\n  %s\n  %s^", sources.Quote(e.Text), e.Column(), e.Msg, shown, strings.Repeat(" ", e.Column()-1))
}

// parser walks one objective.
type parser struct {
	text string
	pos  int
}

func (p *parser) fail(at int, format string, args ...any) error {
	return &SyntaxError{Text: p.text, Offset: at, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) spaces() {
	for p.pos < len(p.text) && (p.text[p.pos] == ' ' || p.text[p.pos] == '\t') {
		p.pos++
	}
}

// found describes the text at the parser's position for a message.
func (p *parser) found() string {
	if p.pos >= len(p.text) {
		return "the end"
	}
	return sources.Quote(p.text[p.pos:])
}

func metricList() string {
	names := make([]string, len(Metrics))
	for i, m := range Metrics {
		names[i] = string(m)
	}
	return strings.Join(names, ", ")
}

// Parse reads one objective. A malformed one gives a *SyntaxError.
func Parse(text string) (Objective, error) {
	p := &parser{text: text}
	o := Objective{Text: text}
	p.spaces()
	if p.pos == len(text) {
		return o, p.fail(p.pos, "expected an objective [label=NAME:]METRIC OP VALUE[UNIT], e.g. p95<500ms, found the end")
	}
	quoted := false
	if strings.HasPrefix(text[p.pos:], "label=") {
		p.pos += len("label=")
		name, q, err := p.label()
		if err != nil {
			return o, err
		}
		o.Label, o.HasLabel, quoted = name, true, q
		p.spaces()
	}

	start := p.pos
	for p.pos < len(text) && (isLetter(text[p.pos]) || isDigit(text[p.pos]) || text[p.pos] == '_') {
		p.pos++
	}
	word := strings.ToLower(text[start:p.pos])
	o.Metric = Metric(word)
	known := false
	for _, m := range Metrics {
		known = known || m == o.Metric
	}
	if !known {
		msg := sources.Expected("metric", "one of "+metricList(), text[start:p.pos])
		if word == "" {
			msg = fmt.Sprintf("expected a metric (%s), found %s", metricList(), p.found())
		}
		if o.HasLabel && !quoted {
			msg += `; a label name that contains ':' must be double-quoted, e.g. label="GET /a:b":p95<1s`
		}
		return o, p.fail(start, "%s", msg)
	}

	p.spaces()
	opAt := p.pos
	switch rest := text[p.pos:]; {
	case strings.HasPrefix(rest, "<="):
		o.Op = LessEqual
	case strings.HasPrefix(rest, ">="):
		o.Op = GreaterEqual
	case strings.HasPrefix(rest, "<"):
		o.Op = Less
	case strings.HasPrefix(rest, ">"):
		o.Op = Greater
	default: // = and != too: an objective is a bound
		return o, p.fail(opAt, "expected a comparison (<, <=, >, >=) after %s, found %s", o.Metric, p.found())
	}
	p.pos += len(o.Op)

	p.spaces()
	numAt := p.pos
	for p.pos < len(text) && isDigit(text[p.pos]) {
		p.pos++
	}
	if p.pos < len(text) && text[p.pos] == '.' {
		p.pos++
		for p.pos < len(text) && isDigit(text[p.pos]) {
			p.pos++
		}
	}
	number := text[numAt:p.pos]
	numEnd := p.pos
	if number == "" || number == "." {
		p.pos = numAt
		if p.pos < len(text) && text[p.pos] == '-' {
			return o, p.fail(numAt, "expected a number of zero or more, found %s", p.found())
		}
		return o, p.fail(numAt, "expected a number, found %s", p.found())
	}

	p.spaces()
	unitAt := p.pos
	for p.pos < len(text) && (isLetter(text[p.pos]) || text[p.pos] == '%') {
		p.pos++
	}
	o.Unit = strings.ToLower(text[unitAt:p.pos])
	if p.pos == unitAt {
		// A latency has two units and neither is the obvious one, so the
		// unit is required where it goes; elsewhere a missing unit makes
		// the number the culprit.
		if o.Metric.latency() {
			return o, p.fail(numEnd, "unit: expected ms or s for %s, e.g. %s<500ms, found %s", o.Metric, o.Metric, p.found())
		}
		unitAt = numAt
	}
	value, err := scaled(number, o.Metric, o.Unit)
	if err != nil {
		return o, p.fail(unitAt, "%v", err)
	}
	p.spaces()
	if p.pos != len(text) {
		return o, p.fail(p.pos, "expected the end of the objective, found %s", p.found())
	}
	o.Value = value
	o.Threshold = number + o.Unit
	return o, nil
}

// label reads NAME and the ':' after it; the parser stands just after
// "label=".
func (p *parser) label() (name string, quoted bool, err error) {
	start := p.pos
	if p.pos < len(p.text) && p.text[p.pos] == '"' {
		var b strings.Builder
		p.pos++
		for {
			if p.pos >= len(p.text) {
				return "", true, p.fail(start, `quoted label name: expected a closing '"' (write "" for a quote inside), found the end`)
			}
			c := p.text[p.pos]
			p.pos++
			if c != '"' {
				b.WriteByte(c)
				continue
			}
			if p.pos < len(p.text) && p.text[p.pos] == '"' {
				b.WriteByte('"')
				p.pos++
				continue
			}
			break
		}
		name = b.String()
		p.spaces()
		if p.pos >= len(p.text) || p.text[p.pos] != ':' {
			return "", true, p.fail(p.pos, "expected ':' after the quoted label name, found %s", p.found())
		}
		if name == "" {
			return "", true, p.fail(start, "empty label name")
		}
		p.pos++
		return name, true, nil
	}
	colon := strings.IndexByte(p.text[p.pos:], ':')
	if colon < 0 {
		p.pos = len(p.text)
		return "", false, p.fail(p.pos, "expected ':' after the label name, e.g. label=GET /a:p95<500ms")
	}
	name = p.text[p.pos : p.pos+colon]
	if name == "" {
		return "", false, p.fail(p.pos, "empty label name")
	}
	p.pos += colon + 1
	return name, false, nil
}

// scaled turns the written number and unit into the metric's own unit,
// refusing units that do not fit the metric and values out of range. It
// shifts the decimal point in the text rather than multiplying, so that
// 1.1% is the double nearest 0.011 and equal counts compare equal.
func scaled(number string, m Metric, unit string) (float64, error) {
	parse := func(exp int) float64 {
		v, _ := strconv.ParseFloat(number+"e"+strconv.Itoa(exp), 64)
		return v
	}
	switch {
	case m.latency():
		switch unit {
		case "ms":
			return parse(0), nil
		case "s":
			return parse(3), nil
		}
		return 0, unitError(unit, m, "ms or s")
	case m == ErrorRate:
		switch unit {
		case "%":
			if v := parse(0); v > 100 {
				return 0, sources.ExpectedError("error_rate", "at most 100%", number+"%")
			}
			return parse(-2), nil
		case "":
			// A bare 1 is the ratio 100%, a gate every run passes: whoever
			// writes it almost surely meant a percentage.
			if v := parse(0); v >= 1 {
				return 0, fmt.Errorf("%s; did you mean %s%%?", sources.Expected("error_rate without a unit", "a ratio below 1", number), number)
			}
			return parse(0), nil
		}
		return 0, unitError(unit, m, "% or no unit (a ratio)")
	case m == Throughput:
		if unit == "" || unit == "rps" {
			return parse(0), nil
		}
		return 0, unitError(unit, m, "rps or no unit")
	case m == Apdex:
		if unit != "" {
			return 0, unitError(unit, m, "no unit")
		}
		if v := parse(0); v > 1 {
			return 0, sources.ExpectedError("apdex", "a score from 0 to 1", number)
		}
		return parse(0), nil
	}
	return 0, fmt.Errorf("unknown metric %s", m)
}

func unitError(unit string, m Metric, want string) error {
	return sources.ExpectedError("unit", want+" for "+string(m), unit)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// Result is the verdict on one objective.
type Result struct {
	Objective Objective
	// Measured is the value in the objective's unit (see Objective.Value);
	// NaN when nothing could be measured.
	Measured float64
	Pass     bool
	// Problem says why nothing could be measured ("no such label ..."), ""
	// when Measured holds a value.
	Problem string
	// Estimated says Measured is a percentile the sketch estimated, within
	// 1%, rather than the nearest-rank value itself: the store kept no exact
	// counts for the window, or some samples' times are fractional
	// milliseconds (k6).
	Estimated bool
}

// ErrNoSamples is returned by Evaluate when the window holds no sample.
var ErrNoSamples = errors.New("no samples to check")

// MaxLabelsListed is how many label names a "no such label" result lists.
const MaxLabelsListed = 20

// Evaluate decides every objective over [fromMS, toMS) of lt (0 for the
// data's edge). Objectives without a label measure the requests
// (transactions and sub-results excluded), as the report's totals; their
// apdex is the report's, which like JMeter's counts transactions too. A label
// that does not exist fails with the labels listed. With no sample at all in
// the window it returns ErrNoSamples.
func Evaluate(lt *store.LoadTest, fromMS, toMS int64, objectives []Objective) ([]Result, error) {
	sum := lt.Summarize(fromMS, toMS, "")
	if sum.All.Count == 0 {
		return nil, ErrNoSamples
	}
	byName := make(map[string]*store.LabelSummary, len(sum.Labels))
	for i := range sum.Labels {
		byName[sum.Labels[i].Label] = &sum.Labels[i]
	}
	out := make([]Result, 0, len(objectives))
	for _, o := range objectives {
		r := Result{Objective: o, Measured: math.NaN()}
		stats, apdexOf := &sum.Requests, &sum.All
		if o.HasLabel {
			l, ok := byName[o.Label]
			if !ok {
				r.Problem = noSuchLabel(lt, o.Label, sum.Labels)
				out = append(out, r)
				continue
			}
			stats, apdexOf = &l.Stats, &l.Stats
		}
		if stats.Count == 0 && o.Metric != Apdex {
			r.Problem = "no requests in the window"
			out = append(out, r)
			continue
		}
		r.Measured, r.Estimated = measure(o.Metric, stats, apdexOf)
		r.Pass = !math.IsNaN(r.Measured) && o.Op.holds(r.Measured, o.Value)
		out = append(out, r)
	}
	return out, nil
}

// measure returns the metric's value and whether it is the sketch's
// estimate.
func measure(m Metric, st, apdexOf *store.Stats) (float64, bool) {
	switch m {
	case Max:
		return st.Latency.Max(), false
	case Mean:
		return st.Latency.Mean(), false
	case ErrorRate:
		return float64(st.Errors) / float64(st.Count), false
	case Throughput:
		return st.Throughput(), false
	case Apdex:
		return apdexOf.Apdex(), false
	}
	v, exact := st.Percentile(m.quantile())
	return v, !exact
}

func noSuchLabel(lt *store.LoadTest, name string, inWindow []store.LabelSummary) string {
	for _, l := range lt.Labels() {
		if l == name {
			return "no samples of this label in the window"
		}
	}
	if len(inWindow) == 0 {
		return "no such label; there are no labels in the window"
	}
	names := make([]string, 0, min(len(inWindow), MaxLabelsListed))
	for i, l := range inWindow {
		if i == MaxLabelsListed {
			break
		}
		names = append(names, strconv.Quote(l.Label))
	}
	s := "no such label; labels: " + strings.Join(names, ", ")
	if len(inWindow) > MaxLabelsListed {
		s += fmt.Sprintf(" and %d more", len(inWindow)-MaxLabelsListed)
	}
	return s
}

// String shows the verdict on one line:
// `PASS  p95 < 500ms  (measured 312ms)`.
func (r Result) String() string {
	verdict := "FAIL"
	if r.Pass {
		verdict = "PASS"
	}
	detail := r.Problem
	if detail == "" {
		detail = "measured " + r.MeasuredText()
		if r.Estimated {
			detail += ", estimated within 1%"
		}
	}
	return verdict + "  " + r.Objective.String() + "  (" + detail + ")"
}

// MeasuredText formats the measured value in the objective's terms: a
// percentile that is not an estimate and a whole number of milliseconds as
// it is (465ms, 1.234s), so that a gate shows the value it judged; other
// latencies with three significant digits (the sketch's 1% allows no
// more); two decimals for percentages and rates, trailing zeros dropped;
// and then just enough more decimals that the shown value does not
// contradict the verdict (a p95 of 499.7 against <500ms shows as 499.7ms,
// not 500ms).
func (r Result) MeasuredText() string {
	v, o := r.Measured, r.Objective
	if math.IsNaN(v) {
		return "nothing"
	}
	// show formats v with extra decimals beyond the default.
	var show func(extra int) (text string, shown float64)
	switch {
	case o.Metric.quantile() != 0 && !r.Estimated && v == math.Trunc(v):
		show = func(extra int) (string, float64) {
			if v < 1000 {
				t, x := fixed(v, extra)
				return t + "ms", x
			}
			t, x := fixed(v/1000, 3+extra)
			return t + "s", x * 1000
		}
	case o.Metric.latency():
		show = func(extra int) (string, float64) {
			if v < 1000 {
				d := 0
				if v < 10 {
					d = 2
				} else if v < 100 {
					d = 1
				}
				t, x := fixed(v, d+extra)
				return t + "ms", x
			}
			d := 2
			if v >= 100_000 {
				d = 0
			} else if v >= 10_000 {
				d = 1
			}
			t, x := fixed(v/1000, d+extra)
			return t + "s", x * 1000
		}
	case o.Metric == ErrorRate && o.Unit == "%":
		show = func(extra int) (string, float64) {
			t, x := fixed(v*100, 2+extra)
			return t + "%", x / 100
		}
	case o.Metric == Throughput:
		show = func(extra int) (string, float64) {
			t, x := fixed(v, 2+extra)
			if o.Unit == "rps" {
				t += "rps"
			}
			return t, x
		}
	default: // a ratio or a score
		show = func(extra int) (string, float64) { return fixed(v, 3+extra) }
	}
	want := o.Op.holds(v, o.Value)
	text, shown := show(0)
	for extra := 1; extra <= 4 && o.Op.holds(shown, o.Value) != want; extra++ {
		text, shown = show(extra)
	}
	return text
}

// fixed formats v with at most d decimals, trailing zeros dropped, and
// returns the value the text shows.
func fixed(v float64, d int) (string, float64) {
	s := strconv.FormatFloat(v, 'f', d, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	x, _ := strconv.ParseFloat(s, 64)
	return s, x
}
