// Package report turns a store into the one document `sobang report` writes:
// the list of sources with their row counts and warnings, and one section per
// kind of source present (loadtest, metrics, logs). Later capabilities add
// their sections here; none adds a command of its own.
//
// It owns the document's shape (the JSON keys are a contract) and its text,
// JSON and Markdown renderings. It must not read inputs: the caller fills the
// store through the sources, exactly as the dashboard does.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/analysis/change"
	"github.com/sobang/sobang/sources/analysis/drain"
	"github.com/sobang/sobang/sources/analysis/incident"
	"github.com/sobang/sobang/sources/analysis/slo"
	"github.com/sobang/sobang/sources/sanitize"
	"github.com/sobang/sobang/sources/store"
)

// Document is the report.
type Document struct {
	Generated string    `json:"generated"`
	Window    *Window   `json:"window,omitempty"`
	Sources   []Source  `json:"sources"`
	LoadTest  *LoadTest `json:"loadtest,omitempty"`
	// Metrics lists the metrics by query: a Prometheus source's --query
	// expressions in the order given, else one entry per series it chose;
	// one per family for a scraped target or a saved file.
	Metrics  []Metric  `json:"metrics,omitempty"`
	Logs     *Logs     `json:"logs,omitempty"`
	Baseline *Baseline `json:"baseline,omitempty"`
	// Incidents are the load test's incidents (sources/analysis/incident),
	// earliest first, each with what changed in it against the same length
	// before it.
	Incidents []Incident `json:"incidents"`
	// Notes are the notes written in the dashboard (M) that the
	// recordings read hold, earliest first.
	Notes []Note `json:"notes,omitempty"`
	// Plan is the test plan beside the results (--plan, or a .jmx found
	// beside the JTL): its shape and findings, as `plan lint` writes them.
	Plan any `json:"plan,omitempty"`
	zone *time.Location

	// Warnings concern the report as a whole rather than one source:
	// sources whose clocks do not overlap, a window that holds no data.
	Warnings []string `json:"warnings"`
}

// Incident is one incident of the load test: errors, latency or
// throughput that left the run's normal.
type Incident struct {
	Start string `json:"start"`
	End   string `json:"end"`
	// Kind names what left the run's normal, in the order it did:
	// "errors", "latency", "throughput" (requests per active thread), or
	// several joined by "+" ("latency+errors").
	Kind    string `json:"kind"`
	Summary string `json:"summary"`
	// Trigger is the last event (a deploy, a restart, a counter falling
	// back, a rare new log template) in the 30 s before the start: what
	// likely set it off; null when there is none.
	Trigger *Trigger `json:"trigger"`
	// Changes are what changed most in the episode against the same
	// length just before it, best first.
	Changes []Change `json:"changes"`

	writeup *writeup // for text and Markdown
}

// Note is a note written at an instant of the run.
type Note struct {
	At   string `json:"at"`
	Text string `json:"text"`
}

// Trigger is the event that likely set an incident off.
type Trigger struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	At   string `json:"at"`
}

// Change is one entry of an incident's ranked "what changed".
type Change struct {
	Kind   string  `json:"kind"` // metric, log, label, code, event
	Name   string  `json:"name"`
	What   string  `json:"what"` // the statistic compared
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	Score  float64 `json:"score"`
	First  string  `json:"first"` // the first second it left its baseline's range
}

// maxIncidents and maxChanges bound the incidents a report lists and the
// changes of each.
const maxIncidents, maxChanges = 5, 10

// Window is the part of the data the report covers.
type Window struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Source is one input and how reading it went.
type Source struct {
	Path     string   `json:"path"`
	Kind     string   `json:"kind"`
	Format   string   `json:"format,omitempty"`
	Rows     int      `json:"rows"`
	BadRows  int      `json:"bad_rows"`
	Warnings []string `json:"warnings"`
	// Scrapes, FailedScrapes and Series say how scraping a /metrics
	// target went (scrape sources only): scrapes in the window, those
	// that failed, and the distinct series stored.
	Scrapes       *int `json:"scrapes,omitempty"`
	FailedScrapes *int `json:"failed_scrapes,omitempty"`
	Series        *int `json:"series,omitempty"`
}

// LoadTest is the load-test section. Its counts, rates and latencies are
// the totals of the requests (transactions and sub-results excluded), like
// the Total row of JMeter's dashboard; Apdex, like JMeter's, counts every
// sample including transactions.
type LoadTest struct {
	Start    string           `json:"start"`
	End      string           `json:"end"`
	Samples  int64            `json:"samples"`
	Errors   int64            `json:"errors"`
	ErrorPct float64          `json:"error_pct"`
	Labels   []Label          `json:"labels"`
	Apdex    *float64         `json:"apdex"`
	Codes    map[string]int64 `json:"codes"`
	Timeline []Second         `json:"timeline"`

	MeanMS        float64 `json:"mean_ms"`
	MinMS         float64 `json:"min_ms"`
	MaxMS         float64 `json:"max_ms"`
	P50MS         float64 `json:"p50_ms"`
	P90MS         float64 `json:"p90_ms"`
	P95MS         float64 `json:"p95_ms"`
	P99MS         float64 `json:"p99_ms"`
	ThroughputRPS float64 `json:"throughput_rps"`
	// KBReceivedPerSec and KBSentPerSec are null when the source wrote no
	// byte counts (a Locust set, a k6 summary): nothing, not zero.
	KBReceivedPerSec *float64 `json:"kb_received_per_s"`
	KBSentPerSec     *float64 `json:"kb_sent_per_s"`
	ApdexSatisfiedMS int64    `json:"apdex_satisfied_ms"`
	ApdexToleratedMS int64    `json:"apdex_tolerated_ms"`
	// ErrorsByKey is JMeter's Errors table: the requests' failures by
	// "code/message" (or assertion message), most frequent first. It is not
	// named "errors", which the contract gives to the error count.
	ErrorsByKey []ErrorKey `json:"errors_by_key"`
	// Note says where the figures come from when they are not sobang's
	// statistics of samples (a Locust set's or a k6 summary's own
	// aggregates), or that such aggregates are reported apart.
	Note string `json:"note,omitempty"`
	// Aggregates are the own figures of each source that gives aggregates
	// only (Locust, a k6 summary), as written (aggregate.go).
	Aggregates []AggregateSource `json:"aggregates,omitempty"`
	// aggregatesApart says the text shows Aggregates in their own part.
	aggregatesApart bool
	// Rollup says from when per-label figures have 10 s resolution: the store
	// keeps per-label detail per second only for the most recent hour
	// (sources.RollupAfter), so that a long run's memory stays bounded.
	Rollup string `json:"rollup,omitempty"`
	// Percentiles says how the totals' p50 to p99 were computed:
	// PercentilesExact or PercentilesEstimated ("" without samples); each
	// label says the same of its own.
	Percentiles string `json:"percentiles,omitempty"`
	// PercentilesNote says why some percentiles are estimates.
	PercentilesNote string `json:"percentiles_note,omitempty"`
}

// How a percentile was computed.
const (
	// PercentilesExact is the nearest-rank value over the window, a time
	// some sample had: sources that write whole milliseconds (JMeter,
	// Gatling) are counted exactly.
	PercentilesExact = "exact"
	// PercentilesEstimated is the latency sketch's estimate, within 1%: the
	// samples' times are fractional milliseconds (k6), or the window could
	// not be counted exactly.
	PercentilesEstimated = "estimated"
)

// Label is one label's statistics.
type Label struct {
	Label            string   `json:"label"`
	Transaction      bool     `json:"transaction"`
	Samples          int64    `json:"samples"`
	Errors           int64    `json:"errors"`
	ErrorPct         float64  `json:"error_pct"`
	MeanMS           float64  `json:"mean_ms"`
	MinMS            float64  `json:"min_ms"`
	MaxMS            float64  `json:"max_ms"`
	P50MS            float64  `json:"p50_ms"`
	P90MS            float64  `json:"p90_ms"`
	P95MS            float64  `json:"p95_ms"`
	P99MS            float64  `json:"p99_ms"`
	Percentiles      string   `json:"percentiles"` // PercentilesExact or PercentilesEstimated
	ThroughputRPS    float64  `json:"throughput_rps"`
	KBReceivedPerSec *float64 `json:"kb_received_per_s"` // null as the section's
	KBSentPerSec     *float64 `json:"kb_sent_per_s"`
	Apdex            *float64 `json:"apdex"`
	// TopErrors are the label's five most frequent error keys, as JMeter's
	// "Top 5 errors by sampler" (none for a transaction); the percentages are
	// of the label's errors and of its samples.
	TopErrors []ErrorKey `json:"top_errors"`
	// Requests are, for a transaction only, the requests it is made of in
	// running order (store.LoadTest.TransactionMembers), over the whole run
	// whatever the window; empty when none could be linked.
	Requests *[]TransactionRequest `json:"requests,omitempty"`
}

// TransactionRequest is one request label inside a transaction.
type TransactionRequest struct {
	Label string `json:"label"`
	// PerTransaction is how many requests of the label one transaction
	// holds on average.
	PerTransaction float64 `json:"per_transaction"`
}

// TopErrorsPerLabel is how many error keys each label lists.
const TopErrorsPerLabel = 5

// ErrorKey is one kind of failure and how often it happened.
type ErrorKey struct {
	Key          string  `json:"key"`
	Count        int64   `json:"count"`
	PctOfErrors  float64 `json:"pct_of_errors"`
	PctOfSamples float64 `json:"pct_of_samples"`
}

// Second is one second of the load-test timeline (requests only). Its p95
// is the sketch's estimate (within 1%), rounded to whole milliseconds when
// every source writes whole milliseconds: no sample had a fraction.
type Second struct {
	T       string  `json:"t"`
	Samples int64   `json:"samples"`
	Errors  int64   `json:"errors"`
	P95MS   float64 `json:"p95_ms"`
}

// Metric is one entry of the metrics list: a query and the series it held
// over the window.
type Metric struct {
	// Query is the PromQL (a --query as given, or the selector naming an
	// automatic series' metric), or the metric name when scraped or read
	// from a file.
	Query  string         `json:"query"`
	Series []MetricSeries `json:"series"`
}

// MetricSeries is one series of a metric over the window: its stored
// values (a counter's raw values, a histogram's or summary's count).
type MetricSeries struct {
	Labels map[string]string `json:"labels"`
	Points int               `json:"points"`
	Min    float64           `json:"min"`
	Max    float64           `json:"max"`
	Mean   float64           `json:"mean"`
	Last   float64           `json:"last"`
}

// Logs is the logs section.
type Logs struct {
	Entries int `json:"entries"`
	// Lines counts the entries' lines: a multi-line entry (a stack trace)
	// is one entry of many lines.
	Lines  int            `json:"lines"`
	Start  string         `json:"start,omitempty"`
	End    string         `json:"end,omitempty"`
	Levels map[string]int `json:"levels"`
	// FirstError is the first ERROR or FATAL entry's header line.
	FirstError *LogLine `json:"first_error,omitempty"`
	// Templates group the entries by message with its variables masked
	// (and a stack trace's root exception), most frequent first.
	Templates []LogTemplate `json:"templates"`
	// Sources are the log sources with their own counts.
	Sources []LogSource `json:"sources"`
}

// LogTemplate is one template of the logs section.
type LogTemplate struct {
	Template string `json:"template"`
	Count    int    `json:"count"`
	Level    string `json:"level"`
	First    string `json:"first"`
	Last     string `json:"last"`
}

// LogSource is one log source of the logs section.
type LogSource struct {
	Path     string `json:"path"`
	Format   string `json:"format"`
	Entries  int    `json:"entries"`
	BadLines int    `json:"bad_lines"`
}

// LogLine points at one entry.
type LogLine struct {
	T      string `json:"t"`
	Source string `json:"source"`
	Line   int    `json:"line"`
	Text   string `json:"text"`
}

// Options say what part of the data to cover and how to show times.
type Options struct {
	FromMS, ToMS int64 // [from, to); 0 = the data's edge
	// BaselineEndMS ends a warm-up (--skip) that serves the incident
	// detector only as a baseline; 0 lets it find the ramp-up.
	BaselineEndMS int64
	// Notes are the notes (M) of the recordings read, by instant in Unix
	// milliseconds.
	Notes map[int64]string
	// Objectives are --slo's: where the run missed one is an incident.
	Objectives []slo.Objective
	Zone       *time.Location
	Now        time.Time
}

// rollupStep writes sources.RollupStep as the rollup note does ("10 s").
func rollupStep() string {
	return strings.TrimSuffix(sources.RollupStep.String(), "s") + " s"
}

func stamp(ms int64, loc *time.Location) string {
	return time.UnixMilli(ms).In(loc).Format(time.RFC3339Nano)
}

// Build makes the document from the store.
func Build(st *store.Store, opt Options) *Document {
	loc := opt.Zone
	if loc == nil {
		loc = time.Local
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	doc := &Document{Generated: opt.Now.In(loc).Format(time.RFC3339), Warnings: []string{}, zone: loc}
	if opt.FromMS != 0 || opt.ToMS != 0 {
		w := &Window{}
		if opt.FromMS != 0 {
			w.Start = stamp(opt.FromMS, loc)
		}
		if opt.ToMS != 0 {
			w.End = stamp(opt.ToMS, loc)
		}
		doc.Window = w
	}
	for i, s := range st.Sources {
		src := Source{Path: s.Name, Kind: string(s.Info.Kind), Format: s.Health.Format, Rows: s.Rows, BadRows: s.BadRows, Warnings: []string{}}
		src.Warnings = append(src.Warnings, s.WarningList(func(t time.Time) string { return t.In(loc).Format("15:04:05") })...)
		if s.Info.Kind == sources.KindScrape {
			scrapeHealth(&src, st.Metrics, i, opt)
		}
		doc.Sources = append(doc.Sources, src)
	}
	if st.KindCount(sources.KindLoadTest) > 0 || !st.Load.Empty() {
		doc.LoadTest = buildLoadTest(st.Load, opt, loc)
		addAggregates(doc.LoadTest, st, opt, loc)
	}
	if st.KindCount(sources.KindMetrics) > 0 {
		doc.Metrics = buildMetrics(st, opt)
	}
	if st.KindCount(sources.KindLog) > 0 {
		doc.Logs = buildLogs(st, opt, loc)
	}
	for _, ms := range slices.Sorted(maps.Keys(opt.Notes)) {
		doc.Notes = append(doc.Notes, Note{At: stamp(ms, loc), Text: opt.Notes[ms]})
	}
	doc.Incidents = buildIncidents(st, opt, loc)
	return doc
}

// buildIncidents lists the load test's incidents in the report's window
// (sources/analysis/incident) with what changed in each
// (sources/analysis/change).
func buildIncidents(st *store.Store, opt Options, loc *time.Location) []Incident {
	out := []Incident{}
	events := change.Events(st)
	for _, ep := range incident.Detect(st.Load, incident.Options{BaselineEndMS: opt.BaselineEndMS, Objectives: opt.Objectives}) {
		if (opt.ToMS != 0 && ep.StartMS >= opt.ToMS) || (opt.FromMS != 0 && ep.EndMS <= opt.FromMS) {
			continue
		}
		if len(out) == maxIncidents {
			break
		}
		end := max(ep.EndMS, ep.StartMS+3000) // a few seconds, for medians to mean something
		inc := Incident{Start: stamp(ep.StartMS, loc), End: stamp(ep.EndMS, loc), Kind: ep.Kind(), Changes: []Change{}}
		inc.Summary = ep.Summary(st.Load)
		inc.writeup = newWriteup(st, ep, loc)
		inc.writeup.addNotes(opt.Notes, ep, loc)
		for i, c := range change.Rank(st, ep.StartMS, end) {
			if i == maxChanges {
				break
			}
			inc.Changes = append(inc.Changes, Change{Kind: c.Kind, Name: c.Name, What: c.What,
				Before: round3(c.Before), After: round3(c.After), Score: round3(c.Score), First: stamp(c.FirstMS, loc)})
		}
		if e, ok := change.Trigger(events, ep.StartMS); ok {
			inc.Trigger = &Trigger{Kind: "event", Name: e.What + ": " + e.Name, At: stamp(e.AtMS, loc)}
			// The nearest preceding event is among the first six changes.
			ev := Change{Kind: change.KindEvent, Name: inc.Trigger.Name, What: e.What, Before: 0, After: 1, First: inc.Trigger.At}
			inc.Changes = withEvent(inc.Changes, ev)
			inc.Summary += "; likely trigger: " + inc.Trigger.Name + " at " + inc.Trigger.At
		}
		if len(inc.Changes) > 0 {
			top := inc.Changes[0]
			inc.Summary += fmt.Sprintf("; most changed: %s %s (%s %g → %g)", top.Kind, top.Name, top.What, top.Before, top.After)
		}
		out = append(out, inc)
	}
	return out
}

// headChanges is how many changes a person reads first: they hold the best
// change of each of metric, log and label (change.Rank) and the trigger.
const headChanges = 6

// withEvent puts the trigger last among the first headChanges changes.
// The change it pushes out of them, when it is the only one of its kind
// there, stays: the last change of the head whose kind comes earlier too
// leaves instead.
func withEvent(changes []Change, ev Change) []Change {
	at := min(len(changes), headChanges-1)
	out := append(append(append(make([]Change, 0, len(changes)+1), changes[:at]...), ev), changes[at:]...)
	if len(out) <= headChanges || !onlyOfKind(out[:headChanges+1], headChanges) {
		return out
	}
	for j := at - 1; j >= 0; j-- {
		if !onlyOfKind(out[:headChanges+1], j) {
			moved := out[j]
			copy(out[j:headChanges], out[j+1:headChanges+1])
			out[headChanges] = moved
			break
		}
	}
	return out
}

// onlyOfKind reports whether changes[i] is the only metric, log or label
// change of changes.
func onlyOfKind(changes []Change, i int) bool {
	k := changes[i].Kind
	if k != change.KindMetric && k != change.KindLog && k != change.KindLabel {
		return false
	}
	for j, c := range changes {
		if j != i && c.Kind == k {
			return false
		}
	}
	return true
}

// round3 keeps three significant digits, enough to read a change by.
func round3(v float64) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	p := math.Pow(10, 2-math.Floor(math.Log10(math.Abs(v))))
	return math.Round(v*p) / p
}

// finite replaces NaN and infinities, which JSON cannot carry, by 0.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(finite(v)*p) / p
}

// errorKeys turns counted error keys into rows; errors and samples are the
// denominators of the percentages.
func errorKeys(list []store.ErrorCount, limit int, errors, samples int64) []ErrorKey {
	out := []ErrorKey{}
	for i, e := range list {
		if limit > 0 && i == limit {
			break
		}
		k := ErrorKey{Key: e.Key, Count: e.Count}
		if errors > 0 {
			k.PctOfErrors = round(float64(e.Count)*100/float64(errors), 3)
		}
		if samples > 0 {
			k.PctOfSamples = round(float64(e.Count)*100/float64(samples), 3)
		}
		out = append(out, k)
	}
	return out
}

func buildLoadTest(lt *store.LoadTest, opt Options, loc *time.Location) *LoadTest {
	sum := lt.Summarize(opt.FromMS, opt.ToMS, "")
	out := &LoadTest{Codes: sum.Codes, Labels: []Label{}, Timeline: []Second{}}
	req := &sum.Requests
	out.Samples, out.Errors, out.ErrorPct = req.Count, req.Errors, round(req.ErrorPct(), 3)
	out.ApdexSatisfiedMS, out.ApdexToleratedMS = lt.Apdex()
	if sum.All.Count > 0 {
		out.Start = stamp(sum.All.MinStartMS, loc)
		out.End = stamp(sum.All.MaxEndMS, loc)
		a := round(sum.All.Apdex(), 4)
		out.Apdex = &a
	}
	out.KBReceivedPerSec, out.KBSentPerSec = ptr(0), ptr(0)
	if req.Count > 0 {
		out.MeanMS, out.MinMS, out.MaxMS = round(req.Latency.Mean(), 3), req.Latency.Min(), req.Latency.Max()
		out.Percentiles = percentiles(req, &out.P50MS, &out.P90MS, &out.P95MS, &out.P99MS)
		out.ThroughputRPS = round(req.Throughput(), 4)
		out.KBReceivedPerSec, out.KBSentPerSec = ptr(round(req.ReceivedKBPerSec(), 3)), ptr(round(req.SentKBPerSec(), 3))
	}
	out.ErrorsByKey = errorKeys(sum.Errors, 0, req.Errors, req.Count)
	if ms, ok := lt.RolledUpBefore(); ok && (opt.FromMS == 0 || opt.FromMS < ms) {
		out.Rollup = fmt.Sprintf("per-label detail before %s is kept per %s", stamp(ms, loc), rollupStep())
	}
	estimated := out.Percentiles == PercentilesEstimated
	for _, l := range sum.Labels {
		s := &l.Stats
		apdex := round(s.Apdex(), 4)
		row := Label{
			Label: l.Label, Transaction: l.Transaction, Samples: s.Count, Errors: s.Errors,
			ErrorPct: round(s.ErrorPct(), 3), MeanMS: round(s.Latency.Mean(), 3),
			MinMS: s.Latency.Min(), MaxMS: s.Latency.Max(),
			ThroughputRPS:    round(s.Throughput(), 4),
			KBReceivedPerSec: ptr(round(s.ReceivedKBPerSec(), 3)), KBSentPerSec: ptr(round(s.SentKBPerSec(), 3)),
			Apdex:     &apdex,
			TopErrors: errorKeys(l.Errors, TopErrorsPerLabel, s.Errors, s.Count),
			Requests:  transactionRequests(lt, l),
		}
		row.Percentiles = percentiles(s, &row.P50MS, &row.P90MS, &row.P95MS, &row.P99MS)
		estimated = estimated || row.Percentiles == PercentilesEstimated
		out.Labels = append(out.Labels, row)
	}
	if estimated {
		out.PercentilesNote = estimateReason(lt, opt)
	}
	// Every value a source that writes whole milliseconds gives is whole:
	// the timeline's estimates are rounded to one.
	_, _, fractional := lt.FractionalSource()
	digits := 0
	if fractional {
		digits = 1
	}
	if first, last, ok := lt.Range(); ok {
		if opt.FromMS != 0 {
			first = max(first, opt.FromMS/1000)
		}
		if opt.ToMS != 0 {
			last = min(last, (opt.ToMS-1)/1000)
		}
		for sec := first; sec <= last; sec++ {
			b := lt.Second(sec)
			if b == nil || b.Requests.Count == 0 {
				continue
			}
			out.Timeline = append(out.Timeline, Second{
				T: stamp(sec*1000, loc), Samples: b.Requests.Count, Errors: b.Requests.Errors,
				P95MS: round(b.Requests.Latency.Quantile(0.95), digits),
			})
		}
	}
	return out
}

// percentiles fills p50 to p99 from st and says how they were computed:
// exactly when the summary carries the exact distribution (store.KeepExact),
// else the sketch's estimates, to a tenth of a millisecond.
func percentiles(st *store.Stats, p50, p90, p95, p99 *float64) string {
	how := PercentilesExact
	for _, p := range []struct {
		q   float64
		dst *float64
	}{{0.50, p50}, {0.90, p90}, {0.95, p95}, {0.99, p99}} {
		v, exact := st.Percentile(p.q)
		*p.dst = round(v, 1)
		if !exact {
			how = PercentilesEstimated
		}
	}
	return how
}

// estimateReason says why some of the report's percentiles are estimates.
func estimateReason(lt *store.LoadTest, opt Options) string {
	if name, kind, ok := lt.FractionalSource(); ok {
		return fmt.Sprintf("%s (%s) writes fractional milliseconds", name, kind)
	}
	if err := lt.ExactFor(opt.FromMS, opt.ToMS); err != nil {
		return err.Error()
	}
	// Exact counts go by the second; a label's figures beyond the last
	// hour go by block (store.LoadTest.Summarize).
	return fmt.Sprintf("some labels have samples in the window only through the %s blocks their detail is kept in beyond the last hour", rollupStep())
}

// scrapeHealth sets the scrape figures of the scraped source i.
func scrapeHealth(src *Source, m *store.Metrics, i int, opt Options) {
	scrapes, failed, series := 0, 0, 0
	if st := m.Up[i]; st != nil {
		for j, t := range st.T {
			if inWindow(t, opt) {
				scrapes++
				if !st.Up[j] {
					failed++
				}
			}
		}
	}
	for _, fam := range m.Families() {
		for _, s := range fam.Series {
			if s.Source == i {
				series++
			}
		}
	}
	src.Scrapes, src.FailedScrapes, src.Series = &scrapes, &failed, &series
}

func inWindow(ms int64, opt Options) bool {
	return (opt.FromMS == 0 || ms >= opt.FromMS) && (opt.ToMS == 0 || ms < opt.ToMS)
}

// buildMetrics lists the metrics source by source, in the sources' order:
// a Prometheus source's --query expressions in the order given (those that
// held nothing with no series), else its series by the query that asked
// for them; a scraped target's or a file's families by name. Series keep
// their families' order (by labels).
func buildMetrics(st *store.Store, opt Options) []Metric {
	out := []Metric{}
	fams := st.Metrics.Families()
	for i, src := range st.Sources {
		if src.Info.Kind.Group() != sources.KindMetrics {
			continue
		}
		byQuery := map[string]int{} // index in out
		for _, q := range src.Info.Queries {
			if _, dup := byQuery[q]; !dup {
				byQuery[q] = len(out)
				out = append(out, Metric{Query: sanitize.Value(q), Series: []MetricSeries{}})
			}
		}
		fixed := len(src.Info.Queries) > 0
		for _, fam := range fams {
			for _, s := range fam.Series {
				if s.Source != i {
					continue
				}
				q := s.Query
				if q == "" {
					q = s.Name
				}
				j, ok := byQuery[q]
				if !ok {
					if fixed {
						continue // a series no query given asked for
					}
					j = len(out)
					byQuery[q] = j
					out = append(out, Metric{Query: q, Series: []MetricSeries{}})
				}
				if ms, ok := seriesFigures(s, opt); ok {
					out[j].Series = append(out[j].Series, ms)
				}
			}
		}
	}
	return out
}

// seriesFigures are a series' figures over the window; false when it has
// no point there.
func seriesFigures(s *store.Series, opt Options) (MetricSeries, bool) {
	out := MetricSeries{Labels: store.LabelMap(s.Labels), Min: math.Inf(1), Max: math.Inf(-1)}
	for n, v := range out.Labels {
		// The stored set is safe as written, escapes and all; unescaped,
		// a value may hold a newline or a control again.
		if sn, sv := sanitize.Value(n), sanitize.Value(v); sn != n || sv != v {
			delete(out.Labels, n)
			out.Labels[sn] = sv
		}
	}
	sum := 0.0
	for _, p := range s.Points(nil) {
		if !inWindow(p.T, opt) || math.IsNaN(p.V) {
			continue
		}
		out.Points++
		out.Min = math.Min(out.Min, p.V)
		out.Max = math.Max(out.Max, p.V)
		sum += p.V
		out.Last = p.V
	}
	if out.Points == 0 {
		return out, false
	}
	out.Mean = sum / float64(out.Points)
	out.Min, out.Max, out.Mean, out.Last = finite(out.Min), finite(out.Max), finite(out.Mean), finite(out.Last)
	return out, true
}

func buildLogs(st *store.Store, opt Options, loc *time.Location) *Logs {
	out := &Logs{Levels: map[string]int{}, Templates: []LogTemplate{}, Sources: []LogSource{}}
	perSource := map[int]int{}
	logs := st.Logs
	i := 0
	if opt.FromMS != 0 {
		i = logs.Search(opt.FromMS)
	}
	first := true
	for ; i < logs.Len(); i++ {
		e := logs.Brief(i)
		if opt.ToMS != 0 && e.TimeMS >= opt.ToMS {
			break
		}
		out.Entries++
		out.Lines += e.NLines
		perSource[e.Source]++
		if first {
			out.Start = stamp(e.TimeMS, loc)
			first = false
		}
		out.End = stamp(e.TimeMS, loc)
		name := e.Level.String()
		if name == "" {
			name = "none"
		}
		out.Levels[name]++
		if out.FirstError == nil && e.Level >= sources.LevelError && e.NLines > 0 {
			e = logs.At(i)
			out.FirstError = &LogLine{T: stamp(e.TimeMS, loc), Source: st.Sources[e.Source].Name, Line: e.LineNo, Text: e.Lines[0]}
		}
	}
	for _, c := range drain.Templates(logs, opt.FromMS, opt.ToMS) {
		level := c.Level.String()
		if level == "" {
			level = "none"
		}
		out.Templates = append(out.Templates, LogTemplate{Template: c.Template, Count: c.Count, Level: level,
			First: stamp(c.FirstMS, loc), Last: stamp(c.LastMS, loc)})
	}
	for i, src := range st.Sources {
		if src.Info.Kind.Group() != sources.KindLog.Group() {
			continue
		}
		out.Sources = append(out.Sources, LogSource{Path: src.Name, Format: src.Health.Format, Entries: perSource[i], BadLines: src.BadRows})
	}
	return out
}

// maxTemplateRows is how many ERROR and WARN templates text and markdown
// list; JSON lists every template.
const maxTemplateRows = 10

// Formats are the renderings Write knows.
var Formats = []string{"text", "json", "markdown"}

// Write renders the document in format ("text", "json" or "markdown").
func Write(w io.Writer, doc *Document, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	case "text", "":
		return writeText(w, doc, false)
	case "markdown", "md":
		return writeText(w, doc, true)
	}
	return sources.ExpectedError("--format", "one of "+strings.Join(Formats, ", "), format)
}

// writeText renders plain text or Markdown; both share one layout.
func writeText(w io.Writer, doc *Document, md bool) error {
	var b strings.Builder
	h := func(level int, s string) {
		if md {
			b.WriteString(strings.Repeat("#", level) + " " + s + "\n\n")
		} else {
			b.WriteString(s + "\n" + strings.Repeat("=-~"[level-1:level], len([]rune(s))) + "\n\n")
		}
	}
	// table lays out rows under header; the first column and those in left
	// are aligned left (text), the others right (numbers).
	table := func(header []string, rows [][]string, left ...int) {
		if md {
			b.WriteString("| " + strings.Join(header, " | ") + " |\n|")
			for i := range header {
				if i == 0 || slices.Contains(left, i) {
					b.WriteString("---|")
				} else {
					b.WriteString("---:|") // numbers, right-aligned
				}
			}
			b.WriteString("\n")
			for _, r := range rows {
				b.WriteString("|")
				for _, c := range r {
					b.WriteString(" " + inert(c, true) + " |")
				}
				b.WriteString("\n")
			}
			b.WriteString("\n")
			return
		}
		widths := make([]int, len(header))
		for i, c := range header {
			widths[i] = width(c)
		}
		for _, r := range rows {
			for i, c := range r {
				widths[i] = max(widths[i], width(c))
			}
		}
		line := func(r []string) {
			for i, c := range r {
				pad := strings.Repeat(" ", widths[i]-width(c))
				switch {
				case i == 0:
					b.WriteString(c + pad)
				case slices.Contains(left, i) && i == len(r)-1:
					b.WriteString("  " + c)
				case slices.Contains(left, i):
					b.WriteString("  " + c + pad)
				default:
					b.WriteString("  " + pad + c)
				}
			}
			b.WriteString("\n")
		}
		line(header)
		for _, r := range rows {
			line(r)
		}
		b.WriteString("\n")
	}
	h(1, "sobang report")
	if doc.Window != nil {
		b.WriteString(fmt.Sprintf("Window: %s .. %s\n\n", orEdge(doc.Window.Start), orEdge(doc.Window.End)))
	}
	for _, inc := range doc.Incidents {
		h(2, "Incident "+inc.Start+" .. "+inc.End+" ("+inc.Kind+")")
		b.WriteString(inert(inc.Summary, md) + "\n\n")
		if wu := inc.writeup; wu != nil {
			list := func(title string, items []string) {
				if len(items) == 0 {
					return
				}
				b.WriteString(title + "\n\n")
				for _, it := range items {
					b.WriteString("- " + inert(it, md) + "\n")
				}
				b.WriteString("\n")
			}
			list("When:", wu.facets)
			list("Notes:", wu.notes)
			var items []string
			for _, e := range wu.errors {
				items = append(items, fmt.Sprintf("%d × %s", e.Count, e.Key))
			}
			list("Dominant failures:", items)
			items = items[:0]
			for _, t := range wu.templates {
				items = append(items, fmt.Sprintf("%d × %s %s", t.Count, t.Level, t.Template))
			}
			list("Dominant ERROR and WARN log templates:", items)
			if len(wu.chart) > 0 {
				fence := ""
				if md {
					fence = "```\n"
				}
				// The chart is drawn from figures and clock times only.
				b.WriteString(fence + strings.Join(wu.chart, "\n") + "\n" + fence + "\n")
			}
		}
		if len(inc.Changes) == 0 {
			continue
		}
		b.WriteString("What changed, against the same length before it:\n\n")
		var rows [][]string
		for i, c := range inc.Changes {
			rows = append(rows, []string{fmt.Sprint(i + 1), c.Kind, inert(c.Name, md), c.What, fmt.Sprintf("%g", c.Before), fmt.Sprintf("%g", c.After), c.First})
		}
		table([]string{"#", "kind", "name", "statistic", "before", "after", "from"}, rows, 1, 2, 3, 6)
	}
	if len(doc.Notes) > 0 {
		h(2, "Notes")
		for _, n := range doc.Notes {
			b.WriteString("- " + n.At + " " + inert(n.Text, md) + "\n")
		}
		b.WriteString("\n")
	}
	h(2, "Sources")
	var rows [][]string
	for _, s := range doc.Sources {
		rows = append(rows, []string{s.Path, s.Kind, s.Format, fmt.Sprint(s.Rows), fmt.Sprint(s.BadRows)})
	}
	table([]string{"source", "kind", "format", "rows", "bad rows"}, rows, 1, 2)
	warned := len(doc.Warnings) > 0
	for _, s := range doc.Sources {
		for _, warn := range s.Warnings {
			b.WriteString("warning: " + inert(warn, md) + "\n")
			warned = true
		}
	}
	for _, warn := range doc.Warnings {
		b.WriteString("warning: " + inert(warn, md) + "\n")
	}
	if warned {
		b.WriteString("\n")
	}
	if lt := doc.LoadTest; lt != nil {
		h(2, "Load test")
		if lt.Note != "" {
			b.WriteString("Note: " + inert(lt.Note, md) + ".\n\n")
		}
		if lt.Rollup != "" {
			b.WriteString("Note: " + inert(lt.Rollup, md) + ".\n\n")
		}
		apdex := "–"
		if lt.Apdex != nil {
			apdex = fmt.Sprintf("%.3f", *lt.Apdex)
		}
		b.WriteString(fmt.Sprintf("%s .. %s: %d requests, %d errors (%.2f%%), APDEX %s (satisfied <= %d ms, tolerated <= %d ms)\n",
			orNotWritten(lt.Start), orNotWritten(lt.End), lt.Samples, lt.Errors, lt.ErrorPct, apdex, lt.ApdexSatisfiedMS, lt.ApdexToleratedMS))
		// pct shows a percentile; "~" marks an estimate among exact ones.
		mixed := percentilesMixed(lt)
		pct := func(v float64, how string) string {
			if mixed && how == PercentilesEstimated {
				return fmt.Sprintf("~%.0f", v)
			}
			return fmt.Sprintf("%.0f", v)
		}
		b.WriteString(fmt.Sprintf("Requests: %.2f/s, received %s KB/s, sent %s KB/s; mean %.0f ms, p50 %s, p90 %s, p95 %s, p99 %s, max %.0f ms\n",
			lt.ThroughputRPS, orDash(lt.KBReceivedPerSec), orDash(lt.KBSentPerSec), lt.MeanMS, pct(lt.P50MS, lt.Percentiles), pct(lt.P90MS, lt.Percentiles),
			pct(lt.P95MS, lt.Percentiles), pct(lt.P99MS, lt.Percentiles), lt.MaxMS))
		b.WriteString(percentilesLine(lt, mixed) + "\n")
		rows = rows[:0]
		for _, l := range lt.Labels {
			rows = append(rows, []string{labelName(l), fmt.Sprint(l.Samples), fmt.Sprint(l.Errors), fmt.Sprintf("%.2f%%", l.ErrorPct),
				fmt.Sprintf("%.0f", l.MeanMS), pct(l.P50MS, l.Percentiles), pct(l.P95MS, l.Percentiles), pct(l.P99MS, l.Percentiles),
				fmt.Sprintf("%.0f", l.MaxMS), fmt.Sprintf("%.2f", l.ThroughputRPS),
				orDash(l.KBReceivedPerSec), orDash(l.KBSentPerSec)})
		}
		table([]string{"label", "samples", "errors", "error %", "mean ms", "p50 ms", "p95 ms", "p99 ms", "max ms", "req/s", "recv KB/s", "sent KB/s"}, rows)
		listed := false
		for _, l := range lt.Labels {
			if s := madeOf(l); s != "" {
				if md {
					b.WriteString("- ")
				}
				b.WriteString(inert(l.Label, md) + " is made of: " + inert(s, md) + "\n")
				listed = true
			}
		}
		if listed {
			b.WriteString("\n")
		}
		if len(lt.ErrorsByKey) > 0 {
			h(3, "Errors")
			rows = rows[:0]
			for _, e := range lt.ErrorsByKey {
				rows = append(rows, []string{e.Key, fmt.Sprint(e.Count), fmt.Sprintf("%.2f%%", e.PctOfErrors), fmt.Sprintf("%.2f%%", e.PctOfSamples)})
			}
			table([]string{"error", "count", "% of errors", "% of requests"}, rows)
			rows = rows[:0]
			for _, l := range lt.Labels {
				for i, e := range l.TopErrors {
					name := ""
					if i == 0 {
						name = labelName(l)
					}
					rows = append(rows, []string{name, e.Key, fmt.Sprint(e.Count), fmt.Sprintf("%.2f%%", e.PctOfErrors), fmt.Sprintf("%.2f%%", e.PctOfSamples)})
				}
			}
			h(3, fmt.Sprintf("Top %d errors by label", TopErrorsPerLabel))
			table([]string{"label", "error", "count", "% of label's errors", "% of label's samples"}, rows, 1)
		}
		codes := make([]string, 0, len(lt.Codes))
		for c := range lt.Codes {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		var parts []string
		for _, c := range codes {
			name := c
			if name == "" {
				name = "(none)"
			}
			parts = append(parts, fmt.Sprintf("%s: %d", name, lt.Codes[c]))
		}
		if len(parts) > 0 || lt.Note == "" {
			b.WriteString("Response codes: " + inert(strings.Join(parts, ", "), md) + "\n\n")
		}
		writeAggregates(&b, lt, md, h, func(header []string, rows [][]string) { table(header, rows) })
	}
	if base := doc.Baseline; base != nil {
		h(2, "Compared with the baseline")
		writeBaseline(&b, base, md, func(header []string, rows [][]string) { table(header, rows, 9) })
	}
	if doc.Metrics != nil {
		h(2, "Metrics")
		series := 0
		for _, m := range doc.Metrics {
			series += len(m.Series)
		}
		for _, s := range doc.Sources {
			if s.Scrapes != nil {
				b.WriteString(fmt.Sprintf("%s: %d scrapes (%d failed), %d series\n\n", inert(s.Path, md), *s.Scrapes, *s.FailedScrapes, *s.Series))
			}
		}
		b.WriteString(fmt.Sprintf("%d series in %d queries\n\n", series, len(doc.Metrics)))
		rows = rows[:0]
		for _, m := range doc.Metrics {
			if strings.HasPrefix(m.Query, "go_") || strings.HasPrefix(m.Query, "process_") {
				continue
			}
			if len(m.Series) == 0 {
				rows = append(rows, []string{inert(m.Query, md), "(no series)", "0", "", "", "", ""})
			}
			shared := sharedLabels(m.Series)
			for _, s := range m.Series {
				rows = append(rows, []string{inert(m.Query, md), inert(clip(labelText(s.Labels, shared), maxLabelCells), md), fmt.Sprint(s.Points),
					fmt.Sprintf("%g", s.Min), fmt.Sprintf("%g", s.Max), fmt.Sprintf("%.4g", s.Mean), fmt.Sprintf("%g", s.Last)})
			}
		}
		table([]string{"query", "labels", "points", "min", "max", "mean", "last"}, rows, 1)
	}
	if l := doc.Logs; l != nil {
		h(2, "Logs")
		b.WriteString(fmt.Sprintf("%d entries, %s .. %s\n\n", l.Entries, orEdge(l.Start), orEdge(l.End)))
		rows = rows[:0]
		for _, lv := range []string{"FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "none"} {
			if n, ok := l.Levels[lv]; ok {
				rows = append(rows, []string{lv, fmt.Sprint(n)})
			}
		}
		table([]string{"level", "entries"}, rows)
		if e := l.FirstError; e != nil {
			b.WriteString(fmt.Sprintf("First error at %s (%s:%d):\n    %s\n\n", e.T, inert(e.Source, md), e.Line, inert(e.Text, md)))
		}
		rows = rows[:0]
		for _, t := range l.Templates {
			if (t.Level == "ERROR" || t.Level == "FATAL" || t.Level == "WARN") && len(rows) < maxTemplateRows {
				rows = append(rows, []string{fmt.Sprint(t.Count), t.Level, inert(t.Template, md)})
			}
		}
		if len(rows) > 0 {
			b.WriteString("Top ERROR and WARN templates:\n\n")
			table([]string{"entries", "level", "template"}, rows, 1, 2)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// maxLabelCells bounds a series' labels in the text's table (a build
// info's labels run long); the JSON holds them whole.
const maxLabelCells = 60

// clip cuts s to n runes, the last an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// sharedLabels are the labels (name and value) every one of two or more
// series carries: the text leaves them out, they tell no series apart.
func sharedLabels(ss []MetricSeries) map[string]string {
	if len(ss) < 2 {
		return nil
	}
	out := maps.Clone(ss[0].Labels)
	for _, s := range ss[1:] {
		for n, v := range out {
			if s.Labels[n] != v {
				delete(out, n)
			}
		}
	}
	return out
}

// labelText writes a series' labels as PromQL shows them, sorted by name,
// less those shared.
func labelText(ls, shared map[string]string) string {
	names := make([]string, 0, len(ls))
	for n, v := range ls {
		if sv, ok := shared[n]; !ok || sv != v {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s=%q", n, ls[n])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// percentilesMixed reports whether some of the section's percentiles are
// exact and others estimated.
func percentilesMixed(lt *LoadTest) bool {
	return percentilesHave(lt, PercentilesExact) && percentilesHave(lt, PercentilesEstimated)
}

// percentilesHave reports whether the totals or a label have percentiles
// computed how.
func percentilesHave(lt *LoadTest, how string) bool {
	if lt.Percentiles == how {
		return true
	}
	for _, l := range lt.Labels {
		if l.Percentiles == how {
			return true
		}
	}
	return false
}

// percentilesLine says in the text how the percentiles were computed, ""
// when there are none.
func percentilesLine(lt *LoadTest, mixed bool) string {
	switch {
	case mixed:
		return "Percentiles: exact nearest-rank values, except those marked ~: estimates within 1%, as " + lt.PercentilesNote + ".\n"
	case percentilesHave(lt, PercentilesEstimated):
		return "Percentiles: estimates within 1%, as " + lt.PercentilesNote + ".\n"
	case percentilesHave(lt, PercentilesExact):
		return "Percentiles: exact nearest-rank values, each some sample's time.\n"
	}
	return ""
}

func labelName(l Label) string {
	if l.Transaction {
		return l.Label + " (transaction)"
	}
	return l.Label
}

// transactionRequests lists what the transaction l is made of; nil for a
// request, so that only transactions carry the "requests" key.
func transactionRequests(lt *store.LoadTest, l store.LabelSummary) *[]TransactionRequest {
	if !l.Transaction {
		return nil
	}
	out := []TransactionRequest{}
	for _, m := range lt.TransactionMembers(l.Label) {
		out = append(out, TransactionRequest{Label: m.Label, PerTransaction: round(m.PerTransaction, 3)})
	}
	return &out
}

// madeOf says what a transaction is made of on one line ("POST login (1 per
// transaction), GET accounts (2.5 per transaction)"), "" when nothing was
// linked.
func madeOf(l Label) string {
	if l.Requests == nil || len(*l.Requests) == 0 {
		return ""
	}
	parts := make([]string, 0, len(*l.Requests))
	for _, r := range *l.Requests {
		per := fmt.Sprintf("%.1f", r.PerTransaction)
		if r.PerTransaction == math.Trunc(r.PerTransaction) {
			per = fmt.Sprintf("%.0f", r.PerTransaction)
		}
		parts = append(parts, fmt.Sprintf("%s (%s per transaction)", r.Label, per))
	}
	return strings.Join(parts, ", ")
}

// width is how many columns s takes on a terminal: a Korean or Japanese
// label takes two per character, so rune counts would misalign the table.
func width(s string) int { return sanitize.Width([]byte(s)) }

// mdEscaper keeps a value from acting as Markdown: '|' would end a table
// cell, '<' and '&' start HTML, and a backslash would escape what follows.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "|", `\|`, "&", "&amp;", "<", "&lt;", ">", "&gt;")

// inert returns a value from the data (a label, an error, a file name, a
// warning) as the output shows it: in Markdown escaped by mdEscaper, as it
// is in plain text. The store holds only sanitised text (sources/sanitize),
// so no value can act on a terminal in either.
func inert(s string, md bool) string {
	if !md {
		return s
	}
	return mdEscaper.Replace(s)
}

// orNotWritten shows a time the data does not hold (a k6 summary's).
// ptr returns a pointer to v, for a figure that may be null.
func ptr(v float64) *float64 { return &v }

// orDash formats a figure that may be unknown with two decimals, "–" when
// it is.
func orDash(v *float64) string {
	if v == nil {
		return "–"
	}
	return fmt.Sprintf("%.2f", *v)
}

func orNotWritten(s string) string {
	if s == "" {
		return "(no time)"
	}
	return s
}

func orEdge(s string) string {
	if s == "" {
		return "(edge)"
	}
	return s
}
