package store

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store/exact"
	"github.com/sobang/sobang/sources/store/sketch"
)

// Default APDEX thresholds in milliseconds, as JMeter's dashboard's
// (apdex_satisfied_threshold, apdex_tolerated_threshold).
const (
	ApdexSatisfiedMS = 500
	ApdexToleratedMS = 1500
)

// Stats accumulates samples exactly (counts, sums, extremes, span, error
// keys) and approximately (the latency sketch). A summary of the window a
// store keeps exact percentiles for (Store.KeepExact) also carries the
// exact distribution of the latencies (Exact); see Percentile.
type Stats struct {
	Count      int64
	Errors     int64
	Satisfied  int64 // successful and at most the satisfied threshold
	Tolerating int64 // successful and at most the tolerated threshold, not satisfied
	Bytes      int64
	SentBytes  int64
	MinStartMS int64
	MaxEndMS   int64
	Latency    sketch.Sketch
	// Exact is the exact distribution of the latencies, set only on the
	// summaries of a window the store counts exactly, for samples whose
	// times are whole milliseconds; nil otherwise. Merging into the
	// statistics drops it, as it no longer describes them.
	Exact *exact.Counts
	errs  []keyCount // failed samples by error key id, sorted by id
}

// Percentile returns the q-quantile of the latencies in milliseconds and
// whether it is exact: the nearest-rank value (one some sample had) when
// the statistics carry the exact distribution, else the sketch's estimate,
// within 1%. NaN when empty.
func (st *Stats) Percentile(q float64) (ms float64, isExact bool) {
	if st.Exact != nil && st.Exact.Count() > 0 {
		return st.Exact.Quantile(q), true
	}
	return st.Latency.Quantile(q), false
}

// keyCount counts one interned error key.
type keyCount struct {
	id int32
	n  int64
}

// add folds one sample in; errKey is its error key id, or -1 when the
// sample is not listed by error (a success, or a transaction).
func (st *Stats) add(s *sources.Sample, ap apdex, errKey int32) {
	end := s.StartMS + int64(s.ElapsedMS)
	if st.Count == 0 || s.StartMS < st.MinStartMS {
		st.MinStartMS = s.StartMS
	}
	if st.Count == 0 || end > st.MaxEndMS {
		st.MaxEndMS = end
	}
	st.Count++
	if !s.Success {
		st.Errors++
	} else if int64(s.ElapsedMS) <= ap.satisfiedMS {
		st.Satisfied++
	} else if int64(s.ElapsedMS) <= ap.toleratedMS {
		st.Tolerating++
	}
	st.Bytes += s.Bytes
	st.SentBytes += s.SentBytes
	st.Latency.AddInt(int64(s.ElapsedMS))
	if errKey >= 0 {
		st.addError(errKey)
	}
}

// addError counts one failure under key id, or under OtherErrors once the
// second already lists MaxErrorKeysPerSecond other keys.
func (st *Stats) addError(id int32) {
	k := sort.Search(len(st.errs), func(i int) bool { return st.errs[i].id >= id })
	if k < len(st.errs) && st.errs[k].id == id {
		st.errs[k].n++
		return
	}
	distinct := len(st.errs)
	if distinct > 0 && st.errs[0].id == otherErrorsID {
		distinct--
	}
	if id != otherErrorsID && distinct >= MaxErrorKeysPerSecond {
		st.addError(otherErrorsID)
		return
	}
	st.errs = append(st.errs, keyCount{})
	copy(st.errs[k+1:], st.errs[k:])
	st.errs[k] = keyCount{id: id, n: 1}
}

// mergeErrors adds src into dst (both sorted by id) and returns the result.
// It never keeps a reference to src, whose seconds stay owned by the store.
func mergeErrors(dst, src []keyCount) []keyCount {
	if len(src) == 0 {
		return dst
	}
	fresh := 0
	i := 0
	for _, e := range src {
		for i < len(dst) && dst[i].id < e.id {
			i++
		}
		if i == len(dst) || dst[i].id != e.id {
			fresh++
		}
	}
	if fresh == 0 {
		i = 0
		for _, e := range src {
			for dst[i].id != e.id {
				i++
			}
			dst[i].n += e.n
		}
		return dst
	}
	out := make([]keyCount, 0, len(dst)+fresh)
	i = 0
	for _, e := range src {
		for i < len(dst) && dst[i].id < e.id {
			out = append(out, dst[i])
			i++
		}
		if i < len(dst) && dst[i].id == e.id {
			out = append(out, keyCount{id: e.id, n: dst[i].n + e.n})
			i++
			continue
		}
		out = append(out, e)
	}
	return append(out, dst[i:]...)
}

// Merge adds o to st.
func (st *Stats) Merge(o *Stats) {
	if o == nil || o.Count == 0 {
		return
	}
	st.Exact = nil
	if st.Count == 0 || o.MinStartMS < st.MinStartMS {
		st.MinStartMS = o.MinStartMS
	}
	if st.Count == 0 || o.MaxEndMS > st.MaxEndMS {
		st.MaxEndMS = o.MaxEndMS
	}
	st.Count += o.Count
	st.Errors += o.Errors
	st.Satisfied += o.Satisfied
	st.Tolerating += o.Tolerating
	st.Bytes += o.Bytes
	st.SentBytes += o.SentBytes
	st.Latency.Merge(&o.Latency)
	st.errs = mergeErrors(st.errs, o.errs)
}

// ErrorPct is the share of failed samples in percent (0 when empty).
func (st *Stats) ErrorPct() float64 {
	if st.Count == 0 {
		return 0
	}
	return 100 * float64(st.Errors) / float64(st.Count)
}

// SpanMS is the time from the first start to the last end (at least 1 ms
// when there are samples, so that rates stay finite).
func (st *Stats) SpanMS() int64 {
	if st.Count == 0 {
		return 0
	}
	return max(st.MaxEndMS-st.MinStartMS, 1)
}

// Throughput is samples per second over the span from the first start to the
// last end, computed in JMeter's order of operations
// (StatisticsSummaryData.getThroughput) so that the float64 result is the
// same to the last bit.
func (st *Stats) Throughput() float64 {
	if st.Count == 0 {
		return 0
	}
	return (float64(st.Count) / float64(st.SpanMS())) * 1000.0
}

// ReceivedKBPerSec is received bytes per second over the span, in KiB, as
// JMeter's "Received KB/sec" (bytes / (span_ms / 1000) / 1024, in that order).
func (st *Stats) ReceivedKBPerSec() float64 {
	if st.Count == 0 {
		return 0
	}
	return float64(st.Bytes) / (float64(st.SpanMS()) / 1000) / 1024
}

// SentKBPerSec is sent bytes per second over the span, in KiB, as JMeter's
// "Sent KB/sec".
func (st *Stats) SentKBPerSec() float64 {
	if st.Count == 0 {
		return 0
	}
	return float64(st.SentBytes) / (float64(st.SpanMS()) / 1000) / 1024
}

// Apdex is (satisfied + tolerating/2) / count, NaN when empty.
func (st *Stats) Apdex() float64 {
	if st.Count == 0 {
		return math.NaN()
	}
	return (float64(st.Satisfied) + float64(st.Tolerating)/2) / float64(st.Count)
}

// Second is one second of load-test data, by sample start time.
type Second struct {
	Requests Stats            // requests only: no transactions, no sub-results
	Codes    map[string]int64 // response codes of requests
	Threads  []int32          // per source: the most active threads seen
	// Labels holds per label id the statistics of the second, nil where the
	// label had no sample. Beyond RollupAfter behind the newest second they
	// are kept per RollupStep block instead (see LoadTest.rollup): the first
	// second of the block that holds data owns the block's merged Labels and
	// the others have none, so per-label figures there have 10 s resolution
	// and a window that cuts a block counts all of it or none of it.
	Labels []*Stats
}

// Bounds on the error keys kept, so that a run whose every failure has its
// own message (an id in the text) cannot grow the store without limit.
const (
	// MaxErrorKeysPerSecond is how many distinct error keys one second of
	// one label (or of the requests) lists; later ones in that second are
	// counted under OtherErrors.
	MaxErrorKeysPerSecond = 50
	// MaxErrorKeys is how many distinct error keys the whole store interns;
	// later ones are counted under OtherErrors.
	MaxErrorKeys = 1000
)

// OtherErrors is the key that counts the failures beyond the error key caps.
const OtherErrors = "(other errors)"

const otherErrorsID int32 = 0

// apdex holds the thresholds, in milliseconds.
type apdex struct{ satisfiedMS, toleratedMS int64 }

// LoadTest holds the per-second buckets of every load-test source.
type LoadTest struct {
	baseSec  int64 // epoch second of secs[0]
	secs     []*Second
	labels   []string
	labelIdx map[string]int
	// recentLabels caches the labels looked up by labelID, in sets of two
	// from labelSlot&^1.
	recentLabels [1 << labelSlotBits]recentLabel
	txn          []bool
	errKeys      []string // interned error keys; errKeys[0] is OtherErrors
	errIdx       map[string]int32
	apdex        apdex
	Version      uint64
	Samples      int64 // every sample ever added, any kind
	Untimed      int64 // samples without a timestamp, which no second can hold

	paths             []string        // per label id: its masked request path (paths.go)
	aggs              []*AggregateSet // per source index, nil for sample sources (aggregate.go)
	aggFirst, aggLast int64           // seconds the history rows span
	aggOK             bool            // some history row exists

	rolledTo  int64 // epoch second (block-aligned) before which per-label detail is per RollupStep
	rolledAny bool  // some per-label data was rolled up
	// compactedTo is the epoch second before which the seconds' sketches
	// were compacted (compact).
	compactedTo int64

	links *linker // which requests each transaction is made of (transactions.go)
	// unthreaded counts, per label id, the samples without a thread name
	// (Gatling's): their transactions are found by group path instead.
	unthreaded []int64

	exact *exactSet // exact percentiles over one window, nil unless kept (percentile.go)
}

func newLoadTest() *LoadTest {
	return &LoadTest{
		labelIdx:    map[string]int{},
		errKeys:     []string{OtherErrors},
		errIdx:      map[string]int32{OtherErrors: otherErrorsID},
		apdex:       apdex{ApdexSatisfiedMS, ApdexToleratedMS},
		rolledTo:    math.MinInt64,
		compactedTo: math.MinInt64,
		links:       newLinker(),
	}
}

// Rollup resolution, in seconds.
var (
	rollupAfterSec = int64(sources.RollupAfter / time.Second)
	rollupStepSec  = int64(sources.RollupStep / time.Second)
)

// RolledUpBefore reports the instant (epoch milliseconds) before which
// per-label statistics are kept per RollupStep rather than per second; ok is
// false while no per-label data has been rolled up.
func (l *LoadTest) RolledUpBefore() (ms int64, ok bool) {
	if !l.rolledAny {
		return 0, false
	}
	return l.rolledTo * 1000, true
}

// compactAfterSec is how far behind the newest second a second's sketches
// are compacted: past the longest settling lag (settle.go), so that a
// second is rarely added to afterwards. A variable for tests.
var compactAfterSec int64 = 120

// compact compacts the sketches of every second more than compactAfterSec
// behind the newest that was not compacted before (sketch.Compact): a
// second's requests span hundreds of mostly empty dense buckets, which over
// a long run were most of the store (a third of a 1 GiB JTL report's live
// memory). Like rollup it runs once per added batch and visits each second
// once.
func (l *LoadTest) compact() {
	if len(l.secs) == 0 {
		return
	}
	end := l.baseSec + int64(len(l.secs)) - 1 - compactAfterSec
	for sec := max(l.compactedTo, l.baseSec); sec < end; sec++ {
		if s := l.secs[sec-l.baseSec]; s != nil {
			s.compact()
		}
	}
	l.compactedTo = max(l.compactedTo, end)
}

// compact compacts the second's sketches.
func (s *Second) compact() {
	s.Requests.Latency.Compact()
	for _, st := range s.Labels {
		if st != nil {
			st.Latency.Compact()
		}
	}
}

// rollup merges the per-label statistics of every RollupStep block lying
// wholly more than RollupAfter behind the newest second into the block's
// first second that holds data. It runs once per added batch and only
// visits blocks not rolled up before, so its cost is amortised over ingest.
func (l *LoadTest) rollup() {
	if len(l.secs) == 0 {
		return
	}
	newest := l.baseSec + int64(len(l.secs)) - 1
	end := floorDiv(newest-rollupAfterSec, rollupStepSec) * rollupStepSec
	if end <= l.rolledTo {
		return
	}
	for b := max(l.rolledTo, floorDiv(l.baseSec, rollupStepSec)*rollupStepSec); b < end; b += rollupStepSec {
		if owner := l.rollBlock(b); owner != nil {
			owner.compact()
		}
	}
	l.rolledTo = end
}

// rollBlock merges the per-label statistics of the block starting at second
// b into its first second that holds data, and returns that second (nil when
// the block is empty).
func (l *LoadTest) rollBlock(b int64) *Second {
	var owner *Second
	for sec := b; sec < b+rollupStepSec; sec++ {
		s := l.Second(sec)
		if s == nil {
			continue
		}
		if owner == nil {
			owner = s
			if len(s.Labels) > 0 {
				l.rolledAny = true
			}
			continue
		}
		if len(s.Labels) == 0 {
			continue
		}
		l.rolledAny = true
		for len(owner.Labels) < len(s.Labels) {
			owner.Labels = append(owner.Labels, nil)
		}
		for id, st := range s.Labels {
			switch {
			case st == nil:
			case owner.Labels[id] == nil:
				owner.Labels[id] = st
			default:
				owner.Labels[id].Merge(st)
			}
		}
		s.Labels = nil
	}
	return owner
}

// SetApdex sets the APDEX thresholds: a successful sample of at most
// satisfiedMS is satisfied, of at most toleratedMS tolerating. The counts are
// taken at ingest, so it must be called before the first sample is added.
func (l *LoadTest) SetApdex(satisfiedMS, toleratedMS int64) error {
	if l.Samples != 0 {
		return errors.New("APDEX thresholds must be set before samples are added")
	}
	if satisfiedMS <= 0 || toleratedMS < satisfiedMS {
		return fmt.Errorf("APDEX thresholds %d ms and %d ms: want 0 < satisfied <= tolerated", satisfiedMS, toleratedMS)
	}
	l.apdex = apdex{satisfiedMS, toleratedMS}
	return nil
}

// Apdex returns the APDEX thresholds in milliseconds.
func (l *LoadTest) Apdex() (satisfiedMS, toleratedMS int64) {
	return l.apdex.satisfiedMS, l.apdex.toleratedMS
}

// ErrorKey is the key under which JMeter's dashboard (ErrorsSummaryConsumer)
// lists a failed sample in its Errors and "Top 5 errors by sampler" tables:
// "code/responseMessage" (just the code when the message is empty), except
// that a failure with a 2xx/3xx code, or with no code but a failure message,
// is keyed by its assertion's failure message ("Assertion failed" when that
// is empty). Unlike the dashboard, sobang does not HTML- or JSON-escape it.
func ErrorKey(code, responseMessage, failureMessage string) string {
	key := code
	if responseMessage != "" {
		key += "/" + responseMessage
	}
	if isSuccessCode(code) || (code == "" && failureMessage != "") {
		key = "Assertion failed"
		if failureMessage != "" {
			key = failureMessage
		}
	}
	return key
}

// isSuccessCode is JMeter's MetricUtils.isSuccessCode: a number from 200 to 399.
func isSuccessCode(code string) bool {
	if code == "" || len(code) > 9 {
		return false
	}
	n := 0
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
		n = n*10 + int(code[i]-'0')
	}
	return n >= 200 && n <= 399
}

// sampleErrorKey keys a failed sample as JMeter's Errors table does.
// Sources without assertions (Gatling) put their error text in Message with
// no code; it then stands for the failure message.
func sampleErrorKey(s *sources.Sample) string {
	failure := s.Failure
	if failure == "" && s.Code == "" {
		failure = s.Message
	}
	return ErrorKey(s.Code, s.Message, failure)
}

// errorID interns key, returning the OtherErrors id beyond MaxErrorKeys.
func (l *LoadTest) errorID(key string) int32 {
	if id, ok := l.errIdx[key]; ok {
		return id
	}
	if len(l.errKeys) > MaxErrorKeys {
		return otherErrorsID
	}
	id := int32(len(l.errKeys))
	l.errKeys = append(l.errKeys, key)
	l.errIdx[key] = id
	return id
}

// ErrorCount is how many failed samples one error key counts.
type ErrorCount struct {
	Key   string
	Count int64
}

// errorList resolves st's error keys, most frequent first (ties by key).
func (l *LoadTest) errorList(st *Stats) []ErrorCount {
	if len(st.errs) == 0 {
		return nil
	}
	out := make([]ErrorCount, 0, len(st.errs))
	for _, e := range st.errs {
		out = append(out, ErrorCount{Key: l.errKeys[e.id], Count: e.n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// Empty reports whether no sample has been added.
func (l *LoadTest) Empty() bool { return l.Samples == 0 }

// Labels returns every label in first-seen order.
func (l *LoadTest) Labels() []string { return l.labels }

// IsTransaction reports whether label id i names a transaction.
func (l *LoadTest) IsTransaction(i int) bool { return l.txn[i] }

// labelID is label for the per-sample path: the labels a load test
// interleaves are found in a cache of two ways per set, the latest first,
// by comparing strings that are mostly the same interned string (so equal
// at their first byte's address), before the map is hashed.
func (l *LoadTest) labelID(name string, txn bool) int {
	set := l.recentLabels[labelSlot(name)&^1:]
	for i := range 2 {
		if r := &set[i]; r.set && r.name == name {
			if txn && !l.txn[r.id] {
				l.txn[r.id] = true
			}
			return r.id
		}
	}
	id := l.label(name, txn)
	set[1], set[0] = set[0], recentLabel{name: name, id: id, set: true}
	return id
}

// labelSlotBits sizes LoadTest.recentLabels: 256 slots, several times the
// labels of most runs, so that few of them share a slot.
const labelSlotBits = 8

// labelSlot picks the LoadTest.recentLabels slot of a label from its
// length and last eight bytes, where labels differ ("GET /a", "Query #1").
func labelSlot(name string) int {
	var h uint64
	for i := max(0, len(name)-8); i < len(name); i++ {
		h = h<<8 | uint64(name[i])
	}
	h = (h ^ uint64(len(name))<<59) * 0x9e3779b97f4a7c15
	return int(h >> (64 - labelSlotBits))
}

// codeCount counts one response code of a second (LoadTest.add).
type codeCount struct {
	code string
	n    int64
}

// recentLabel is one entry of LoadTest.recentLabels.
type recentLabel struct {
	name string
	id   int
	set  bool
}

func (l *LoadTest) label(name string, txn bool) int {
	i, ok := l.labelIdx[name]
	if !ok {
		i = len(l.labels)
		l.labels = append(l.labels, name)
		l.labelIdx[name] = i
		l.txn = append(l.txn, txn)
	}
	if txn {
		l.txn[i] = true
	}
	return i
}

func (l *LoadTest) second(sec int64) *Second {
	if len(l.secs) == 0 {
		l.baseSec = sec
	}
	if sec < l.baseSec {
		grow := int(l.baseSec - sec)
		secs := make([]*Second, len(l.secs)+grow)
		copy(secs[grow:], l.secs)
		l.secs = secs
		l.baseSec = sec
	}
	i := int(sec - l.baseSec)
	for i >= len(l.secs) {
		l.secs = append(l.secs, nil)
	}
	if l.secs[i] == nil {
		l.secs[i] = &Second{}
	}
	return l.secs[i]
}

func (l *LoadTest) add(source int, samples []sources.Sample) {
	var cur, lab *Second // lab receives the per-label statistics
	curSec := int64(math.MinInt64)
	// A second's requests have few response codes ("200", "201"): they are
	// counted here and added to the second's map once per batch and second,
	// not hashed per sample.
	var codeSec *Second
	var codes [4]codeCount
	nCodes := 0
	flushCodes := func() {
		if nCodes == 0 {
			return
		}
		if codeSec.Codes == nil {
			codeSec.Codes = make(map[string]int64, nCodes)
		}
		for _, c := range codes[:nCodes] {
			codeSec.Codes[c.code] += c.n
		}
		nCodes = 0
	}
	var threads *threadSet // the source's threads, for linking transactions
	for i := range samples {
		s := &samples[i]
		if s.Transaction && isEmptyTransaction(s.Message) {
			continue
		}
		sec := floorDiv(s.StartMS, 1000)
		if sec != curSec {
			cur, curSec = l.second(sec), sec
			lab = cur
			if sec < l.rolledTo {
				// A late sample in a rolled-up block: its label data joins
				// the block's (the block's owner may now be this second).
				lab = l.rollBlock(floorDiv(sec, rollupStepSec) * rollupStepSec)
			}
		}
		id := l.labelID(s.Label, s.Transaction)
		if s.Thread == "" && !s.SubResult {
			for id >= len(l.unthreaded) {
				l.unthreaded = append(l.unthreaded, 0)
			}
			l.unthreaded[id]++
		}
		if s.Thread != "" && !s.SubResult {
			if threads == nil {
				threads = l.links.threads(source)
			}
			t := threads.thread(l.links, s.Thread)
			switch {
			case s.Transaction:
				l.links.transaction(t, int32(id), s.StartMS, s.ElapsedMS, s.Message)
			case t.np > 0:
				l.links.request(t, int32(id), s.StartMS, s.ElapsedMS)
			default:
				t.push(int32(id), s.StartMS, s.ElapsedMS)
			}
		}
		if s.URL != "" && (id >= len(l.paths) || l.paths[id] == "") {
			l.notePath(id, s.URL)
		}
		if id >= len(lab.Labels) {
			// Room for every label known so far at once: a second of a
			// run of many labels would otherwise grow its slice label by
			// label.
			labs := make([]*Stats, max(id+1, len(l.labels)))
			copy(labs, lab.Labels)
			lab.Labels = labs
		}
		if lab.Labels[id] == nil {
			lab.Labels[id] = &Stats{}
		}
		// JMeter lists failures by key for every sample but transactions.
		errKey := int32(-1)
		if !s.Success && !s.Transaction {
			errKey = l.errorID(sampleErrorKey(s))
		}
		lab.Labels[id].add(s, l.apdex, errKey)
		if ex := l.exact; ex != nil {
			// The common case inline: two array increments (percentile.go).
			if ex.counting && ex.whole[source] && id < len(ex.labels) {
				if sec >= ex.from && sec < ex.to {
					ex.labels[id].Add(int64(s.ElapsedMS))
					if !s.Transaction && !s.SubResult {
						ex.requests.Add(int64(s.ElapsedMS))
					}
				}
			} else {
				ex.add(l, source, sec, id, s.ElapsedMS, !s.Transaction && !s.SubResult)
			}
		}
		if !s.Transaction && !s.SubResult {
			cur.Requests.add(s, l.apdex, errKey)
			if codeSec != cur {
				flushCodes()
				codeSec = cur
			}
			k := 0
			for k < nCodes && codes[k].code != s.Code {
				k++
			}
			if k == len(codes) {
				flushCodes()
				k = 0
			}
			if k == nCodes {
				codes[k] = codeCount{code: s.Code}
				nCodes++
			}
			codes[k].n++
		}
		if s.AllThreads >= 0 {
			for source >= len(cur.Threads) {
				cur.Threads = append(cur.Threads, 0)
			}
			if s.AllThreads > cur.Threads[source] {
				cur.Threads[source] = s.AllThreads
			}
		}
	}
	flushCodes()
	l.Samples += int64(len(samples))
	l.compact()
	l.rollup()
	l.Version++
}

// emptyTransactionPrefix starts the message of a transaction controller
// that ran none of its samplers.
const emptyTransactionPrefix = "Number of samples in transaction : 0"

// isEmptyTransaction reports a transaction of no samples, which carries no
// information and which JMeter's dashboard leaves out of every statistic
// (Sample.isEmptyController).
func isEmptyTransaction(message string) bool {
	rest, ok := strings.CutPrefix(message, emptyTransactionPrefix)
	return ok && (rest == "" || rest[0] < '0' || rest[0] > '9')
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && (a < 0) {
		q--
	}
	return q
}

// Range returns the first and last second holding data (samples, or
// aggregate history rows), ok false when empty.
func (l *LoadTest) Range() (firstSec, lastSec int64, ok bool) {
	if len(l.secs) == 0 {
		return l.rangeWithAggregates(0, 0, false)
	}
	return l.rangeWithAggregates(l.baseSec, l.baseSec+int64(len(l.secs))-1, true)
}

// Second returns the bucket of epoch second sec, nil when empty.
func (l *LoadTest) Second(sec int64) *Second {
	i := sec - l.baseSec
	if i < 0 || i >= int64(len(l.secs)) {
		return nil
	}
	return l.secs[i]
}

// LabelSummary is the statistics of one label over a window.
type LabelSummary struct {
	Label       string
	Transaction bool
	Stats       Stats
	// Errors are the label's failures by error key, most frequent first
	// (none for a transaction, as JMeter's "Top 5 errors by sampler").
	Errors []ErrorCount
}

// Summary is the statistics of a window.
type Summary struct {
	Requests Stats // requests only
	All      Stats // every sample including transactions, for APDEX
	Labels   []LabelSummary
	Codes    map[string]int64
	// Errors are the requests' failures by error key, most frequent first:
	// JMeter's Errors table.
	Errors []ErrorCount
}

// Summarize merges every second in [fromMS, toMS) (0 means the data's edge)
// into a Summary, with labels matching filter (a case-insensitive substring;
// "" keeps all). Transactions are listed apart from requests. Per-label
// figures more than RollupAfter behind the newest second have RollupStep
// resolution: a window that cuts such a block counts the block's label data
// whole when it holds the block's first second with data, else not at all
// (nothing is apportioned). The requests' figures are exact per second.
// When the store counts this window exactly (KeepExact), the requests and
// each label carry their exact distribution (Stats.Exact), counted by the
// second whatever the rollup: a label whose samples lie in the window only
// through a rolled-up block has none.
func (l *LoadTest) Summarize(fromMS, toMS int64, filter string) Summary {
	sum := Summary{Codes: map[string]int64{}}
	if len(l.secs) == 0 {
		return sum
	}
	from, to := l.secRange(fromMS, toMS)
	// Exact distributions describe the requests and whole labels of the
	// counted window only, not a search's pick of labels.
	exactly := filter == "" && l.exact != nil && l.exact.covers(l, fromMS, toMS)
	per := make([]*Stats, len(l.labels))
	filter = strings.ToLower(filter)
	for sec := from; sec < to; sec++ {
		b := l.secs[sec-l.baseSec]
		if b == nil {
			continue
		}
		for id, st := range b.Labels {
			if st == nil {
				continue
			}
			if per[id] == nil {
				per[id] = &Stats{}
			}
			per[id].Merge(st)
		}
		if filter == "" {
			sum.Requests.Merge(&b.Requests)
			for c, n := range b.Codes {
				sum.Codes[c] += n
			}
		}
	}
	for id, st := range per {
		if st == nil {
			continue
		}
		if filter != "" && !strings.Contains(strings.ToLower(l.labels[id]), filter) {
			continue
		}
		ls := LabelSummary{Label: l.labels[id], Transaction: l.txn[id], Stats: *st, Errors: l.errorList(st)}
		if exactly {
			ls.Stats.Exact = l.exact.counts(id)
		}
		sum.Labels = append(sum.Labels, ls)
		sum.All.Merge(st)
		if filter != "" && !l.txn[id] {
			sum.Requests.Merge(st)
		}
	}
	sum.Errors = l.errorList(&sum.Requests)
	if exactly {
		sum.Requests.Exact = l.exact.requestCounts()
	}
	sort.SliceStable(sum.Labels, func(i, j int) bool {
		a, b := sum.Labels[i], sum.Labels[j]
		if a.Transaction != b.Transaction {
			return !a.Transaction
		}
		return a.Label < b.Label
	})
	return sum
}

// secRange turns a millisecond window into a clamped second range [from, to).
func (l *LoadTest) secRange(fromMS, toMS int64) (int64, int64) {
	from, to := l.baseSec, l.baseSec+int64(len(l.secs))
	if fromMS != 0 {
		from = max(from, floorDiv(fromMS, 1000))
	}
	if toMS != 0 {
		to = min(to, floorDiv(toMS+999, 1000))
	}
	if to < from {
		to = from
	}
	return from, to
}

// Column is the load in one chart column.
type Column struct {
	Samples    int64
	Errors     int64
	Throughput float64 // requests per second over the column
	ErrorPct   float64
	P50        float64
	P95        float64
	P99        float64
	Threads    float64
}

// Columns fills out with n equal columns spanning [fromMS, toMS), for
// requests (label "") or for one label. Columns without samples have NaN
// latencies and zero counts. Every second belongs to the column holding its
// start, so a column shorter than a second repeats that second. A label's
// columns beyond RollupAfter see its data per RollupStep block, in the
// block's first second with data (see Summarize).
func (l *LoadTest) Columns(fromMS, toMS int64, n int, label string, out []Column) []Column {
	out = out[:0]
	labelID := -1
	if label != "" {
		id, ok := l.labelIdx[label]
		if !ok {
			id = -2
		}
		labelID = id
	}
	var merged Stats
	for c := 0; c < n; c++ {
		t0 := fromMS + int64(c)*(toMS-fromMS)/int64(n)
		t1 := fromMS + int64(c+1)*(toMS-fromMS)/int64(n)
		if t1 <= t0 {
			t1 = t0 + 1
		}
		s0, s1 := floorDiv(t0, 1000), floorDiv(t1-1, 1000)+1
		merged.Count, merged.Errors = 0, 0
		merged.Latency.Reset()
		threads := 0.0
		secs := 0
		for sec := s0; sec < s1; sec++ {
			b := l.Second(sec)
			if b == nil {
				continue
			}
			var st *Stats
			switch {
			case labelID == -1:
				st = &b.Requests
			case labelID >= 0 && labelID < len(b.Labels):
				st = b.Labels[labelID]
			}
			if st != nil {
				merged.Count += st.Count
				merged.Errors += st.Errors
				merged.Latency.Merge(&st.Latency)
			}
			var th int32
			for _, t := range b.Threads {
				th += t
			}
			if th > 0 {
				threads += float64(th)
				secs++
			}
		}
		col := Column{Samples: merged.Count, Errors: merged.Errors, P50: math.NaN(), P95: math.NaN(), P99: math.NaN(), Threads: math.NaN()}
		// Seconds are atomic: a column covers the whole seconds it touches.
		col.Throughput = float64(merged.Count) / float64(max(s1-s0, 1))
		if merged.Count > 0 {
			col.ErrorPct = 100 * float64(merged.Errors) / float64(merged.Count)
			col.P50 = merged.Latency.Quantile(0.50)
			col.P95 = merged.Latency.Quantile(0.95)
			col.P99 = merged.Latency.Quantile(0.99)
		}
		if secs > 0 {
			col.Threads = threads / float64(secs)
		}
		out = append(out, col)
	}
	return out
}
