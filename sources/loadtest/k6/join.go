package k6

import (
	"math"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"
)

// kind is what a metric means to the joiner.
type kind uint8

// The metrics the joiner uses; every other metric (custom metrics,
// iterations, data_sent/data_received, which k6 counts per iteration, not
// per request) is skipped.
const (
	kindOther kind = iota
	// One HTTP request: k6 writes one point of each of these, with the same
	// time (the request's end) and the same tags, one after the other, in this
	// order (lib/netext/httpext/tracer.go Trail.SaveSamples, then
	// http_req_failed when a response callback is set: transport.go).
	kindReqs
	kindDuration
	kindBlocked
	kindConnecting
	kindTLS
	kindSending
	kindWaiting
	kindReceiving
	kindFailed

	kindVUs           // gauge of active VUs, every second
	kindGroupDuration // one group() call: a transaction
	kindGRPC          // one gRPC call: a request in one point
	kindChecks        // one check: 1 passed, 0 failed
)

func (k kind) http() bool { return k >= kindReqs && k <= kindFailed }

// kindOf maps a metric name to its kind; switching on string(name) does not
// allocate.
func kindOf(name []byte) kind {
	switch string(name) {
	case "http_reqs":
		return kindReqs
	case "http_req_duration":
		return kindDuration
	case "http_req_blocked":
		return kindBlocked
	case "http_req_connecting":
		return kindConnecting
	case "http_req_tls_handshaking":
		return kindTLS
	case "http_req_sending":
		return kindSending
	case "http_req_waiting":
		return kindWaiting
	case "http_req_receiving":
		return kindReceiving
	case "http_req_failed":
		return kindFailed
	case "vus":
		return kindVUs
	case "group_duration":
		return kindGroupDuration
	case "grpc_req_duration":
		return kindGRPC
	case "checks":
		return kindChecks
	}
	return kindOther
}

// tagInfo is what a point's tags and metadata say, escapes resolved. The
// slices are valid until the next point is parsed.
type tagInfo struct {
	name, url, status, expected, group, errorText, vu []byte
}

// request is the HTTP request being joined from its points.
type request struct {
	line     int    // line of its first point
	seen     uint16 // kinds seen, 1<<kind
	endNS    int64  // the points' time: the request's end, Unix ns
	duration float64
	waiting  float64
	connect  float64
	failed   float64
	// expectFailed: an http_req_failed point will close the request. k6 sets
	// the expected_response tag exactly when it emits http_req_failed (both
	// come from the response callback), so the tag announces the point;
	// without either, http_req_receiving is the last point.
	expectFailed bool
	expected     string // expected_response: "true", "false" or ""
	label, url   string
	code, thread string
	message      string
	keyA, keyB   int // lengths of the first two key parts in joiner.key
}

// joiner turns points into samples: the points of one request into one
// sources.Sample, a group_duration or grpc_req_duration point into a sample
// of its own. It is shared by the JSON and CSV parsers, which hand it the
// raw bytes that identify a request (time, tags, metadata) as its key.
type joiner struct {
	out    *batch.Batcher
	open   bool
	req    request
	key    []byte
	vus    int32 // latest vus gauge, -1 before any
	labels batch.Interner
	urls   batch.Interner
	codes  batch.Interner
	msgs   batch.Interner
	vuIDs  batch.Interner

	checks, checksFailed int
	noDuration           int // requests without an http_req_duration point
	partial              int // requests without http_reqs and http_req_duration points
	// sawFailed: the file has http_req_failed points, so a request is
	// complete at its http_req_failed even without the expected_response
	// tag (systemTags can turn the tag off, not the metric).
	sawFailed bool
}

func newJoiner(out *batch.Batcher) *joiner {
	return &joiner{out: out, vus: -1, labels: batch.NewInterner(), urls: batch.NewInterner(),
		codes: batch.NewInterner(), msgs: batch.NewInterner(), vuIDs: batch.NewInterner()}
}

// joins reports whether a point of kind k with key a+b+c belongs to the open
// request: same key, and its metric not seen yet (two requests with the same
// tags in the same whole second, as k6's CSV writes them, stay apart because
// each starts with http_reqs again).
func (j *joiner) joins(k kind, a, b, c []byte) bool {
	r := &j.req
	if !j.open || r.seen&(1<<k) != 0 || len(a)+len(b)+len(c) != len(j.key) ||
		r.keyA != len(a) || r.keyB != len(b) {
		return false
	}
	key := j.key
	return string(key[:r.keyA]) == string(a) &&
		string(key[r.keyA:r.keyA+r.keyB]) == string(b) &&
		string(key[r.keyA+r.keyB:]) == string(c)
}

// begin emits the open request, if any, and opens a new one.
func (j *joiner) begin(line int, endNS int64, t *tagInfo, a, b, c []byte) {
	if j.open {
		j.emit()
	}
	j.key = append(append(append(j.key[:0], a...), b...), c...)
	r := &j.req
	*r = request{line: line, endNS: endNS, keyA: len(a), keyB: len(b)}
	r.url = j.urls.Get(t.url)
	r.label = j.label(t)
	r.code = j.codes.Get(t.status)
	r.expected = j.codes.Get(t.expected)
	r.expectFailed = len(t.expected) > 0
	r.message = j.msgs.Get(t.errorText)
	r.thread = j.vuIDs.Get(t.vu)
	j.open = true
}

// label is the tag name, which k6 sets to the URL unless the script names
// the request; the group is not part of it (k6 itself keeps group and name
// apart: the summary groups requests by the group tag, never renames them).
func (j *joiner) label(t *tagInfo) string {
	if len(t.name) > 0 {
		return j.labels.Get(t.name)
	}
	return j.labels.Get(t.url)
}

// set records the value of one point of the open request, and emits the
// request when its last point came.
func (j *joiner) set(k kind, v float64, line int) {
	r := &j.req
	if k != kindReqs && k != kindFailed {
		if _, ok := msToInt32(v); !ok {
			j.out.BadRow(line, "%s: expected milliseconds between 0 and %d, found %g", metricName(k), math.MaxInt32, v)
			return
		}
	}
	r.seen |= 1 << k
	switch k {
	case kindDuration:
		r.duration = v
	case kindWaiting:
		r.waiting = v
	case kindConnecting:
		r.connect = v
	case kindFailed:
		r.failed = v
	}
	if k == kindFailed {
		j.sawFailed = true
		j.emit()
	} else if k == kindReceiving && !r.expectFailed && !j.sawFailed {
		j.emit()
	}
}

// emit turns the open request into a sample.
func (j *joiner) emit() {
	j.open = false
	r := &j.req
	if r.seen&(1<<kindReqs|1<<kindDuration) == 0 {
		// Only timing details (a file filtered by metric): nothing to count.
		// A lone http_req_failed is the last point of the request before,
		// emitted at its http_req_receiving because the expected_response
		// tag was turned off; later requests wait for it (sawFailed).
		if r.seen != 1<<kindFailed {
			j.partial++
		}
		return
	}
	if r.seen&(1<<kindDuration) == 0 {
		j.noDuration++
	}
	start := startMS(r.endNS, r.duration)
	if start <= 0 {
		j.epochRow(r.line, kindDuration, r.endNS, r.duration)
		return
	}
	s := j.out.Slot()
	*s = sources.Sample{
		StartMS:    start,
		LatencyMS:  -1,
		ConnectMS:  -1,
		Label:      r.label,
		Code:       r.code,
		Message:    r.message,
		Thread:     r.thread,
		GrpThreads: -1,
		AllThreads: j.vus,
		URL:        r.url,
	}
	s.ElapsedMS, _ = msToInt32(r.duration)
	if r.seen&(1<<kindWaiting) != 0 {
		s.LatencyMS, _ = msToInt32(r.waiting)
	}
	if r.seen&(1<<kindConnecting) != 0 {
		s.ConnectMS, _ = msToInt32(r.connect)
	}
	switch {
	case r.seen&(1<<kindFailed) != 0:
		s.Success = r.failed == 0
	case r.expected != "":
		s.Success = r.expected == "true"
	default:
		s.Success = r.message == "" && successFromStatus(r.code)
	}
	j.out.Commit()
}

// single emits a sample made of one point: a group (a transaction) or a gRPC
// call.
func (j *joiner) single(k kind, line int, endNS int64, v float64, t *tagInfo) {
	elapsed, ok := msToInt32(v)
	if !ok {
		j.out.BadRow(line, "%s: expected milliseconds between 0 and %d, found %g", metricName(k), math.MaxInt32, v)
		return
	}
	start := startMS(endNS, v)
	if start <= 0 {
		j.epochRow(line, k, endNS, v)
		return
	}
	s := j.out.Slot()
	*s = sources.Sample{
		StartMS:    start,
		ElapsedMS:  elapsed,
		LatencyMS:  -1,
		ConnectMS:  -1,
		Thread:     j.vuIDs.Get(t.vu),
		GrpThreads: -1,
		AllThreads: j.vus,
	}
	if k == kindGroupDuration {
		s.Label = j.labels.Get(groupLabel(t.group))
		s.Transaction = true
		s.Success = true // k6 gives a group no verdict
	} else {
		s.Label = j.label(t)
		s.URL = j.urls.Get(t.url)
		s.Code = j.codes.Get(t.status)
		s.Message = j.msgs.Get(t.errorText)
		s.Success = string(t.status) == "0" // gRPC status OK
	}
	j.out.Commit()
}

// epochRow counts a sample that ends after the epoch but, its duration
// taken off, would start at or before it: it would fall off the time axis
// and out of every statistic. (A time at or before the epoch is refused
// where it is read.)
func (j *joiner) epochRow(line int, k kind, endNS int64, durMS float64) {
	j.out.BadRow(line, "%s: the sample would start at or before the epoch: it ends %d ms after it and took %g ms",
		metricName(k), floorDiv(endNS, 1e6), durMS)
}

// groupLabel names a group by its path without the leading "::", so a
// top-level group is its own name and a nested one "outer::inner"
// (unambiguous, where the last name alone is not).
func groupLabel(path []byte) []byte {
	if len(path) >= 2 && path[0] == ':' && path[1] == ':' {
		path = path[2:]
	}
	if len(path) == 0 {
		return []byte("(no group tag)")
	}
	return path
}

func (j *joiner) setVUs(v float64) {
	if v >= 0 && v <= math.MaxInt32 {
		j.vus = int32(math.Round(v))
	}
}

func (j *joiner) check(v float64) {
	j.checks++
	if v == 0 {
		j.checksFailed++
	}
}

// finish emits the open request: the input has ended.
func (j *joiner) finish() {
	if j.open {
		j.emit()
	}
}

// reset forgets the open request and what the file said so far: a new
// file starts.
func (j *joiner) reset() {
	j.open = false
	j.vus = -1
	j.sawFailed = false
}

// startMS is the start of a sample that ended at endNS and took durMS:
// k6 stamps every request metric, and group_duration, with the end time.
func startMS(endNS int64, durMS float64) int64 {
	return floorDiv(endNS-int64(math.Round(durMS*1e6)), 1e6)
}

// successFromStatus is k6's default response callback
// (http.expectedStatuses({min: 200, max: 399})) for files without
// http_req_failed or expected_response; status "0" is a request that got
// no response.
func successFromStatus(code string) bool {
	if code == "" {
		return true
	}
	return len(code) == 3 && (code[0] == '2' || code[0] == '3')
}

func metricName(k kind) string {
	switch k {
	case kindReqs:
		return "http_reqs"
	case kindDuration:
		return "http_req_duration"
	case kindBlocked:
		return "http_req_blocked"
	case kindConnecting:
		return "http_req_connecting"
	case kindTLS:
		return "http_req_tls_handshaking"
	case kindSending:
		return "http_req_sending"
	case kindWaiting:
		return "http_req_waiting"
	case kindReceiving:
		return "http_req_receiving"
	case kindFailed:
		return "http_req_failed"
	case kindVUs:
		return "vus"
	case kindGroupDuration:
		return "group_duration"
	case kindGRPC:
		return "grpc_req_duration"
	case kindChecks:
		return "checks"
	}
	return "metric"
}
