package store

import (
	"math"
	"sort"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sketch"
)

// APDEX thresholds in milliseconds, as JMeter's dashboard defaults.
const (
	ApdexSatisfiedMS = 500
	ApdexToleratedMS = 1500
)

// Stats accumulates samples exactly (counts, sums, extremes, span) and
// approximately (the latency sketch).
type Stats struct {
	Count      int64
	Errors     int64
	Satisfied  int64 // successful and at most ApdexSatisfiedMS
	Tolerating int64 // successful and at most ApdexToleratedMS, not satisfied
	Bytes      int64
	SentBytes  int64
	MinStartMS int64
	MaxEndMS   int64
	Latency    sketch.Sketch
}

func (st *Stats) add(s *sources.Sample) {
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
	} else if s.ElapsedMS <= ApdexSatisfiedMS {
		st.Satisfied++
	} else if s.ElapsedMS <= ApdexToleratedMS {
		st.Tolerating++
	}
	st.Bytes += s.Bytes
	st.SentBytes += s.SentBytes
	st.Latency.Add(float64(s.ElapsedMS))
}

// Merge adds o to st.
func (st *Stats) Merge(o *Stats) {
	if o == nil || o.Count == 0 {
		return
	}
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
}

// ErrorPct is the share of failed samples in percent (0 when empty).
func (st *Stats) ErrorPct() float64 {
	if st.Count == 0 {
		return 0
	}
	return 100 * float64(st.Errors) / float64(st.Count)
}

// Throughput is samples per second over the span from the first start to the
// last end, as JMeter computes it.
func (st *Stats) Throughput() float64 {
	span := st.MaxEndMS - st.MinStartMS
	if st.Count == 0 {
		return 0
	}
	if span <= 0 {
		span = 1
	}
	return float64(st.Count) * 1000 / float64(span)
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
	Labels   []*Stats         // per label id, nil where the label had no sample
}

// LoadTest holds the per-second buckets of every load-test source.
type LoadTest struct {
	baseSec  int64 // epoch second of secs[0]
	secs     []*Second
	labels   []string
	labelIdx map[string]int
	txn      []bool
	Version  uint64
	Samples  int64 // every sample ever added, any kind
	Untimed  int64 // samples without a timestamp, which no second can hold
}

func newLoadTest() *LoadTest { return &LoadTest{labelIdx: map[string]int{}} }

// Empty reports whether no sample has been added.
func (l *LoadTest) Empty() bool { return l.Samples == 0 }

// Labels returns every label in first-seen order.
func (l *LoadTest) Labels() []string { return l.labels }

// IsTransaction reports whether label id i names a transaction.
func (l *LoadTest) IsTransaction(i int) bool { return l.txn[i] }

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
	var cur *Second
	curSec := int64(math.MinInt64)
	for i := range samples {
		s := &samples[i]
		sec := floorDiv(s.StartMS, 1000)
		if sec != curSec {
			cur, curSec = l.second(sec), sec
		}
		id := l.label(s.Label, s.Transaction)
		for id >= len(cur.Labels) {
			cur.Labels = append(cur.Labels, nil)
		}
		if cur.Labels[id] == nil {
			cur.Labels[id] = &Stats{}
		}
		cur.Labels[id].add(s)
		if !s.Transaction && !s.SubResult {
			cur.Requests.add(s)
			if cur.Codes == nil {
				cur.Codes = map[string]int64{}
			}
			cur.Codes[s.Code]++
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
	l.Samples += int64(len(samples))
	l.Version++
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && (a < 0) {
		q--
	}
	return q
}

// Range returns the first and last second holding data, ok false when empty.
func (l *LoadTest) Range() (firstSec, lastSec int64, ok bool) {
	if len(l.secs) == 0 {
		return 0, 0, false
	}
	return l.baseSec, l.baseSec + int64(len(l.secs)) - 1, true
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
}

// Summary is the statistics of a window.
type Summary struct {
	Requests Stats // requests only
	All      Stats // every sample including transactions, for APDEX
	Labels   []LabelSummary
	Codes    map[string]int64
}

// Summarize merges every second in [fromMS, toMS) (0 means the data's edge)
// into a Summary, with labels matching filter (a case-insensitive substring;
// "" keeps all). Transactions are listed apart from requests.
func (l *LoadTest) Summarize(fromMS, toMS int64, filter string) Summary {
	sum := Summary{Codes: map[string]int64{}}
	if len(l.secs) == 0 {
		return sum
	}
	from, to := l.secRange(fromMS, toMS)
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
		sum.Labels = append(sum.Labels, LabelSummary{Label: l.labels[id], Transaction: l.txn[id], Stats: *st})
		sum.All.Merge(st)
		if filter != "" && !l.txn[id] {
			sum.Requests.Merge(st)
		}
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
// start, so a column shorter than a second repeats that second.
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
