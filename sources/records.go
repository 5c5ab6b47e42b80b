package sources

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Kind names what a source reads; it is the "kind" of the report's sources list.
type Kind string

// The kinds of sources.
const (
	KindJTL     Kind = "jtl"     // a JMeter result file, CSV or XML
	KindK6      Kind = "k6"      // k6 output, --out json or --out csv, or its summary (aggregates)
	KindGatling Kind = "gatling" // a Gatling simulation.log
	KindLocust  Kind = "locust"  // a Locust --csv set (aggregates, no samples)
	KindLog     Kind = "log"     // a log file or stream
	KindScrape  Kind = "scrape"  // a Prometheus /metrics endpoint scraped directly
	// KindMetricsFile is saved Prometheus metrics: an API answer (JSON) or
	// exposition text, with timestamps or at the file's time.
	KindMetricsFile Kind = "metrics-file"
	// KindPrometheus is the HTTP API of a Prometheus-compatible server
	// (--prom): range queries over a saved run's range or the live one.
	KindPrometheus Kind = "prometheus"
)

// The groups of kinds that share a pane, a part of the store and a section
// of the report.
const (
	// KindLoadTest groups every load-test kind (JMeter, k6, Gatling,
	// Locust): the load-test pane, the store's buckets, the loadtest section.
	KindLoadTest Kind = "loadtest"
	// KindMetrics groups every metrics kind (a scraped endpoint, saved
	// metrics files, a Prometheus server's API next): the metrics pane, the store's series,
	// the metrics section.
	KindMetrics Kind = "metrics"
)

// Group returns the group of k (KindLoadTest, KindMetrics), or k itself for
// a kind alone in its group (logs).
func (k Kind) Group() Kind {
	switch k {
	case KindJTL, KindK6, KindGatling, KindLocust, KindLoadTest:
		return KindLoadTest
	case KindScrape, KindMetricsFile, KindPrometheus, KindMetrics:
		return KindMetrics
	}
	return k
}

// WholeMilliseconds reports whether k writes elapsed times in whole
// milliseconds, so that a Sample's ElapsedMS is the time as written: JMeter
// and Gatling do; k6 writes fractional milliseconds, which a Sample holds
// rounded.
func (k Kind) WholeMilliseconds() bool { return k == KindJTL || k == KindGatling }

// Sample is one load-test sample (a request, or a transaction made of requests).
type Sample struct {
	StartMS     int64  // sample start, epoch milliseconds
	ElapsedMS   int32  // whole duration in milliseconds
	LatencyMS   int32  // time to first byte, -1 when unknown
	ConnectMS   int32  // connect time, -1 when unknown
	Label       string // sampler name
	Code        string // response code as written ("200", "", "Non HTTP response code: ...")
	Message     string // response message as written ("OK", "Service Unavailable")
	Failure     string // the first failed assertion's message, "" when none
	Thread      string // thread name, used to attribute samples to an injector
	Success     bool   // the tool's verdict
	Transaction bool   // a transaction controller's own sample
	SubResult   bool   // an embedded-resource sub-result already counted by its parent
	GrpThreads  int32  // active threads in this sample's group, -1 when unknown
	AllThreads  int32  // active threads of the engine, -1 when unknown
	Bytes       int64  // received bytes
	SentBytes   int64  // sent bytes
	URL         string // request URL, "" when absent
}

// Aggregate is one row of a tool's own aggregate statistics, as the tool
// wrote it (Locust's _stats_history.csv and _stats.csv, a k6 end-of-test
// summary): figures over many requests, never per-sample data, and never
// recomputed by sobang.
type Aggregate struct {
	TimeMS   int64  // the row's time, epoch milliseconds; 0 for Final rows, which carry none
	Final    bool   // the tool's final figures for the label (_stats.csv), not a point in time
	Method   string // request type as written ("GET", "grpc"); "" on the Aggregated row
	Label    string // request name; AggregatedLabel for the totals
	Users    int32  // active users at TimeMS, -1 when unknown (Final rows)
	Requests int64  // requests so far (history) or in all (Final)
	Failures int64  // failed requests, counted the same way
	// FailuresUnknown says the tool wrote no failure count for the row (a
	// k6 summary without http_req_failed for its tags): Failures is 0 for
	// want of one, not because nothing failed.
	FailuresUnknown bool
	RequestsPerSec  float64      // as written: current rate (history) or over the run (Final); NaN when unknown
	FailuresPerSec  float64      // as written, NaN when unknown
	MedianMS        float64      // NaN when unknown
	MeanMS          float64      // NaN when unknown
	MinMS           float64      // NaN when unknown
	MaxMS           float64      // NaN when unknown
	AvgBytes        float64      // average content size, NaN when unknown
	Percentiles     []Percentile // in the file's column order; MS is NaN where it says N/A
}

// ToolSummary is what a tool's end-of-test summary says beyond its request
// rows (a k6 summary): every metric as written, the thresholds the script
// declared with whether each held, and the checks. A summary has no
// timeline; the dashboard shows it as a page of its own.
type ToolSummary struct {
	Metrics    []SummaryMetric // by name
	Thresholds []Threshold     // failed first, then by metric and expression
	// Checks counts the script's checks; nil when the summary has none.
	Checks *Checks
}

// SummaryMetric is one metric of a tool's summary with its values as
// written (k6: "avg", "p(95)", "count", "rate", ...), in key order.
type SummaryMetric struct {
	Name   string // as written, sub-metric tags included: http_req_duration{name:login}
	Type   string // "trend", "counter", "rate", "gauge"; "" when the file does not say
	Values []SummaryValue
}

// SummaryValue is one value of a SummaryMetric.
type SummaryValue struct {
	Key   string
	Value float64
}

// Threshold is one pass/fail criterion of a tool's summary.
type Threshold struct {
	Metric string // the metric it is declared on
	Expr   string // as written: "p(95)<500"
	OK     bool
}

// Checks counts a script's checks: assertions that do not fail requests.
type Checks struct{ Passes, Fails int64 }

// AggregatedLabel is the label of a row giving the totals over every label.
const AggregatedLabel = "Aggregated"

// Percentile is one percentile column of an Aggregate.
type Percentile struct {
	Q  float64 // 0.5 for "50%", 0.999 for "99.9%"
	MS float64 // the value in milliseconds, NaN when not available
}

// Percentile returns the value for q (0.95), NaN when the row has no such column.
func (a *Aggregate) Percentile(q float64) float64 {
	for _, p := range a.Percentiles {
		if p.Q == q {
			return p.MS
		}
	}
	return math.NaN()
}

// Name is the row's name as a table shows it: the method and the label
// ("GET /account"), or the label alone when the row has no method or its
// label already starts with it (a Locust task named "GET account" would
// otherwise read "GET GET account").
func (a *Aggregate) Name() string {
	m := a.Method
	if m == "" || len(a.Label) > len(m) && strings.EqualFold(a.Label[:len(m)], m) && a.Label[len(m)] == ' ' {
		return a.Label
	}
	return m + " " + a.Label
}

// AggregateFailure is one kind of failure a tool counted itself (Locust's
// _failures.csv): the request, the error text and how often it happened.
type AggregateFailure struct {
	Method      string
	Label       string
	Error       string
	Occurrences int64
}

// Level is the severity of a log entry, ordered from least to most severe.
type Level uint8

// Levels, as written by the usual Java, Go and syslog loggers.
const (
	LevelUnknown Level = iota
	LevelTrace
	LevelDebug
	LevelInfo
	LevelWarn
	LevelError
	LevelFatal
)

var levelNames = [...]string{"", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}

// String returns the canonical upper-case name of the level ("" when unknown).
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", l)
}

// LogEntry is one log record: a header line and its continuation lines
// (a stack trace, a multi-line message), sanitised for display at ingest.
type LogEntry struct {
	Time      time.Time // when the entry says it happened; zero when it has no timestamp
	Level     Level     // parsed severity
	LevelText string    // the level word as written ("WARNING", "E", "warn")
	LevelCol  int       // byte offset of LevelText in Lines[0], -1 when absent
	Lines     []string  // display-safe lines: no control sequences, tabs expanded
	LineNo    int       // 1-based line number of the header line in its source
	Truncated bool      // the group was cut at its size cap

	// Text, when set, reads the entry's lines back from the file they were
	// read from, so that the store keeps where the entry is (Off, Len, Sum)
	// instead of its Lines: memory grows with the entries, not the text.
	// Lines still holds the text on the batch, for the recorder.
	Text LogText
	Off  int64  // where the entry's first line starts in Text's file
	Len  int64  // its bytes there, up to and including its last newline
	Sum  uint32 // a checksum of those bytes, to tell a rewritten file

	// Template, when Templates is set, is the entry's template among
	// them, given at ingest (from 1), so that templates are counted
	// without the text.
	Templates LogTemplates
	Template  int
}

// LogTemplates names the templates a log source gave its entries. Its
// methods may be called from any goroutine; its values are compared, as
// LogText's.
type LogTemplates interface {
	// Template returns the text of template id: the message with its
	// variables masked as <*>, plus a stack trace's root exception.
	Template(id int) string
}

// LogText reads the lines of indexed log entries back from their file.
// Its methods may be called from any goroutine. Its values are compared
// (the store numbers the files it reads from): implement it on a pointer.
type LogText interface {
	// Lines appends the display-safe lines of the entry at [off, off+n)
	// whose checksum was sum to dst, or says why they cannot be read
	// (the file was truncated or rewritten since, or cannot be read).
	Lines(dst []string, off, n int64, sum uint32) ([]string, error)
	// Name names the file, for what the pane says of an entry it lost.
	Name() string
}

// MetricType is the type a scraped family declares.
type MetricType uint8

// Metric types, as in the exposition formats.
const (
	MetricUntyped MetricType = iota
	MetricCounter
	MetricGauge
	MetricHistogram
	MetricSummary
)

// Bucket is one cumulative bucket of a classic histogram.
type Bucket struct {
	UpperBound float64
	Count      float64
}

// MetricSample is the value of one series in one scrape.
type MetricSample struct {
	Name    string     // metric family name
	Labels  string     // canonical label set, `a="x",b="y"` sorted by name, "" when none
	Type    MetricType // declared family type
	Value   float64    // counter, gauge or untyped value; for histograms and summaries the sample count
	Sum     float64    // histogram or summary sum
	Buckets []Bucket   // histogram buckets sorted by upper bound, +Inf last
	// Query is the PromQL whose answer held the sample (a Prometheus API
	// source); empty for a scrape or a file, whose series are named by
	// their metric name. The report lists series by it.
	Query string
}

// Series returns the series identity `name{labels}`.
func (m MetricSample) Series() string {
	if m.Labels == "" {
		return m.Name
	}
	return m.Name + "{" + m.Labels + "}"
}

// Scrape is the outcome of one scrape of one target.
type Scrape struct {
	Time     time.Time      // scrape start; samples without their own timestamp get it
	Up       bool           // the scrape succeeded
	Duration time.Duration  // how long the scrape took
	Samples  []MetricSample // empty when the scrape failed
}

// BadRow describes one input record that could not be read.
type BadRow struct {
	Line   int    // 1-based line number in the source, 0 when unknown
	Reason string // what was expected and what was found
}

// String formats the bad row as "line N: reason", as a LineError without
// a path reads.
func (b BadRow) String() string { return At("", b.Line, b.Reason) }
