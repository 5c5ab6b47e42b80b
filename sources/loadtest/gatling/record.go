package gatling

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"
)

// groupSeparator joins a group hierarchy and a request name into one label,
// as Gatling's report does (gatling-charts RequestPath.Separator): a request
// "Pay" in group "Checkout" inside "Shop" is "Shop / Checkout / Pay".
const groupSeparator = " / "

// maxErrorWarnings is how many Gatling ERROR records are shown one by one;
// the rest are only counted.
const maxErrorWarnings = sources.MaxBadRowsKept

// run is what a RUN record says about the simulation.
type run struct {
	simulation  string // simulation class name
	version     string // Gatling version as written ("3.10.5"; "2.0" for every 2.x)
	description string
	startMS     int64 // run start, epoch ms
}

// state is what the text and binary parsers share with the handler: the
// batcher, the running count of active users, the ERROR records, and what
// the handler shows in its health line (format, run).
type state struct {
	out *batch.Batcher

	active    int32 // users started and not yet ended
	usersSeen bool  // a USER record was read: before it, AllThreads is unknown

	errorRecords int // Gatling ERROR records read

	format string // detected layout, one of the Format constants
	run    *run
	dirty  bool // format or run changed since the handler last looked
}

// user counts a USER record. Gatling writes a USER record when the virtual
// user starts and when it ends, in the order the events happen, so the
// running count is the number of active users when the next record was
// written; an END without its START (a log cut at the front) does not make it
// negative.
func (s *state) user(start bool) {
	s.usersSeen = true
	if start {
		s.active++
	} else if s.active > 0 {
		s.active--
	}
}

// threads returns the active users for Sample.AllThreads, -1 before any USER
// record.
func (s *state) threads() int32 {
	if !s.usersSeen {
		return -1
	}
	return s.active
}

// errorRecord counts a Gatling ERROR record (a crash or an exception inside
// the simulation, not a failed request) and shows the first few.
func (s *state) errorRecord(msg string, ms int64) {
	s.errorRecords++
	if s.errorRecords > maxErrorWarnings {
		return
	}
	at := ""
	if ms > 0 {
		at = " at " + time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05.000Z")
	}
	s.out.Warn(fmt.Sprintf("Gatling error%s: %s", at, msg))
}

// finishErrors adds the total once the input has ended.
func (s *state) finishErrors() {
	if s.errorRecords > maxErrorWarnings {
		s.out.Warn(fmt.Sprintf("%d Gatling ERROR records in all; the first %d are shown", s.errorRecords, maxErrorWarnings))
	}
}

func (s *state) setFormat(f string) {
	if s.format != f {
		s.format, s.dirty = f, true
	}
}

func (s *state) setRun(r run) {
	if s.run == nil {
		s.run, s.dirty = &r, true
	}
}

// request fills the next sample with a request record; latency is -1 when
// unknown (every format but 2.0's).
func (s *state) request(label string, startMS, endMS int64, ok bool, msg string, latency int32) {
	smp := s.out.Slot()
	*smp = sources.Sample{
		StartMS:    startMS,
		ElapsedMS:  clampElapsed(endMS - startMS),
		LatencyMS:  latency,
		ConnectMS:  -1,
		Label:      label,
		Success:    ok,
		GrpThreads: -1,
		AllThreads: s.threads(),
	}
	if !ok {
		smp.Message = msg
		smp.Code = statusCode(msg)
	}
	s.out.Commit()
}

// group fills the next sample with a group record: a transaction whose
// elapsed time is the group's cumulated response time (the sum of its
// requests' response times, pauses excluded), which is what Gatling's report
// shows for a group unless gatling.charting.useGroupDurationMetric is set.
func (s *state) group(label string, startMS int64, cumulatedMS int64, ok bool) {
	smp := s.out.Slot()
	*smp = sources.Sample{
		StartMS:     startMS,
		ElapsedMS:   clampElapsed(cumulatedMS),
		LatencyMS:   -1,
		ConnectMS:   -1,
		Label:       label,
		Success:     ok,
		Transaction: true,
		GrpThreads:  -1,
		AllThreads:  s.threads(),
	}
	s.out.Commit()
}

func clampElapsed(ms int64) int32 {
	if ms > math.MaxInt32 {
		return math.MaxInt32
	}
	return int32(ms)
}

// statusCode recovers the HTTP status from the message of a failed status
// check, as Taurus does: Gatling logs no response codes, but a failed
// status check says what it found ("status.find.is(200), but actually found
// 503", later "status.find.in([200, 209], 304), found 500"). Other messages
// give "". The code is a substring of msg, so it costs no allocation.
func statusCode(msg string) string {
	if !strings.HasPrefix(msg, "status.") {
		return ""
	}
	i := strings.LastIndex(msg, "found ")
	if i < 0 {
		return ""
	}
	code := msg[i+len("found "):]
	if len(code) < 3 || (len(code) > 3 && code[3] >= '0' && code[3] <= '9') {
		return ""
	}
	code = code[:3]
	if code[0] < '1' || code[0] > '5' || code[1] < '0' || code[1] > '9' || code[2] < '0' || code[2] > '9' {
		return ""
	}
	return code
}

// versionNumbers reads the major and minor number of a Gatling version
// ("3.10.5", "3.12.1-SNAPSHOT", "2.0"); ok is false when v does not start
// with two dot-separated numbers.
func versionNumbers(v string) (major, minor int, ok bool) {
	num := func(s string) (int, string, bool) {
		n, i := 0, 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' && n < 1e6 {
			n = n*10 + int(s[i]-'0')
			i++
		}
		return n, s[i:], i > 0
	}
	major, rest, ok := num(v)
	if !ok || !strings.HasPrefix(rest, ".") {
		return 0, 0, false
	}
	minor, _, ok = num(rest[1:])
	return major, minor, ok
}
