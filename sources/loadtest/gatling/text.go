package gatling

import (
	"bytes"
	"fmt"
	"math"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"
	"github.com/sobang/sobang/sources/sanitize"

	"github.com/sobang/sobang/sources/tail"
)

// maxFields bounds the fields split from one line; the last one keeps the
// rest of the line (ERROR messages are written unsanitised and may hold
// tabs).
const maxFields = 64

// incomingEnd is the end time Gatling 3.x writes for an unmatched incoming
// message (WebSocket, SSE): the reader gives it a response time of zero.
const incomingEnd = "-9223372036854775808"

// textParser reads the tab-separated simulation.log of Gatling 2.0 to 3.12.
//
// The layouts differ in the leading columns: 2.0
// puts the record type in the third column, 2.2 adds scenario and user id
// after it, 3.0 drops the scenario, 3.4 the user id. The RUN record names a
// version, but real files are edited (Taurus ships 2.x lines under a "3.5.1"
// RUN), so each record is read by its shape: the status of a REQUEST sits in
// field 6 (3.4+), 7 (3.0) or 8 (2.2), never where another layout has a
// number, so the shapes cannot be confused.
//
// tail.Lines cuts the chunks into lines (keeping a partial last line until
// its end arrives), split cuts a line into fields that are slices of it, and
// numbers and labels are converted in place: a request allocates nothing
// once its label and message have been seen.
type textParser struct {
	st       *state
	lines    tail.Lines
	emit     func(line []byte, no int, cut bool)
	fields   [][]byte
	checked  bool   // the first record was checked to be a Gatling one
	runFmt   string // layout the RUN record implies, "" when unknown
	recFmt   string // layout the first request's shape shows
	labels   map[string]string
	names    batch.Interner
	messages batch.Interner
	err      error
}

func newTextParser(st *state) *textParser {
	p := &textParser{
		st:       st,
		fields:   make([][]byte, 0, 16),
		labels:   make(map[string]string, 64),
		names:    batch.NewInterner(),
		messages: batch.NewInterner(),
	}
	p.emit = p.line
	return p
}

// Feed parses the next bytes: lines, the last one maybe partial.
func (p *textParser) Feed(b []byte) error {
	p.lines.Feed(b, p.emit)
	return p.err
}

// Finish reads a last line that has no newline.
func (p *textParser) Finish() error {
	p.lines.Flush(p.emit)
	return p.err
}

func (p *textParser) split(line []byte) [][]byte {
	f := p.fields[:0]
	for len(f) < maxFields-1 {
		i := bytes.IndexByte(line, '\t')
		if i < 0 {
			break
		}
		f = append(f, line[:i])
		line = line[i+1:]
	}
	f = append(f, line)
	p.fields = f
	return f
}

// line reads one record.
func (p *textParser) line(line []byte, no int, cut bool) {
	if p.err != nil {
		return
	}
	if no == 1 {
		line = batch.TrimBOM(line)
	}
	if len(line) == 0 || len(bytes.TrimSpace(line)) == 0 {
		return
	}
	if cut {
		p.st.out.BadRow(no, "line longer than %d bytes", tail.MaxLine)
		return
	}
	f := p.split(line)
	if !p.checked {
		p.checked = true
		if !isRecordType(f) {
			p.err = sources.LineErrorf(no, "not a Gatling simulation.log: %s",
				sources.Expected("", "a RUN, ASSERTION, USER, REQUEST, GROUP or ERROR record", line))
			return
		}
		if string(f[0]) == "RUN" && len(f) < 6 {
			p.err = sources.LineErrorf(no, "not a Gatling 2.0 to 3.12 simulation.log: its RUN record has %d fields, where Gatling 2.2 and later write 6 or 7 (Gatling 1.x logs are not read)", len(f))
			return
		}
	}
	switch string(f[0]) {
	case "REQUEST":
		p.request(f, no)
		return
	case "USER":
		p.user(f, no, false)
		return
	case "GROUP":
		p.group(f, no)
		return
	case "ERROR":
		p.errorRecord(f)
		return
	case "RUN":
		p.run(f, no)
		return
	case "ASSERTION":
		return // assertions are the report's business
	}
	if len(f) >= 3 {
		switch string(f[2]) { // Gatling 2.0-2.1: scenario, user id, type, ...
		case "REQUEST":
			p.request20(f, no)
			return
		case "USER":
			p.user(f, no, true)
			return
		case "GROUP":
			p.group20(f, no)
			return
		case "RUN":
			p.run20(f, no)
			return
		}
	}
	p.st.out.Expected(no, "record type", "RUN, REQUEST, USER, GROUP, ERROR or ASSERTION", f[0])
}

func isRecordType(f [][]byte) bool {
	switch string(f[0]) {
	case "RUN", "ASSERTION", "REQUEST", "USER", "GROUP", "ERROR":
		return true
	}
	if len(f) >= 3 {
		switch string(f[2]) {
		case "RUN", "REQUEST", "USER", "GROUP":
			return true
		}
	}
	return false
}

func isStatus(b []byte) bool {
	return len(b) == 2 && (b[0] == 'O' && b[1] == 'K' || b[0] == 'K' && b[1] == 'O')
}

// request reads a REQUEST record of Gatling 2.2 to 3.12 (type first).
func (p *textParser) request(f [][]byte, no int) {
	var g, st int
	var layout string
	switch {
	case len(f) >= 6 && isStatus(f[5]):
		g, st, layout = 1, 5, FormatText34 // REQUEST groups name start end status [msg]
	case len(f) >= 7 && isStatus(f[6]):
		g, st, layout = 2, 6, FormatText30 // REQUEST userId groups name start end status [msg]
	case len(f) >= 8 && isStatus(f[7]):
		g, st, layout = 3, 7, FormatText22 // REQUEST scenario userId groups name start end status [msg extra...]
	default:
		p.st.out.BadRow(no, "REQUEST record with %d fields and no OK or KO in field 6, 7 or 8, where Gatling 2.2 to 3.12 write the status", len(f))
		return
	}
	p.noteLayout(layout)
	p.emitRequest(f, no, g, st-2, st-1, st, -1)
}

// request20 reads a REQUEST record of Gatling 2.0-2.1: scenario userId
// REQUEST groups name requestStart requestEnd responseStart responseEnd
// status [msg extra...]. The response time runs from the request's start to
// the response's end, as Gatling 2.0's report computed it.
func (p *textParser) request20(f [][]byte, no int) {
	if len(f) < 10 || !isStatus(f[9]) {
		p.st.out.BadRow(no, "Gatling 2.0 REQUEST record with %d fields and no OK or KO in field 10", len(f))
		return
	}
	p.noteLayout(FormatText20)
	p.emitRequest(f, no, 3, 5, 8, 9, 7)
}

// emitRequest checks and emits a request whose fields sit at the given
// indexes; respStart is the index of the response's first byte (2.0 only),
// or -1.
func (p *textParser) emitRequest(f [][]byte, no, g, start, end, status, respStart int) {
	startMS, ok := atoi(f[start])
	if !ok {
		p.st.out.Expected(no, "REQUEST start", "a time in epoch milliseconds", f[start])
		return
	}
	if startMS <= 0 {
		p.st.out.Expected(no, "REQUEST start", sources.AfterEpoch, f[start])
		return
	}
	endMS, ok := atoi(f[end])
	if !ok {
		p.st.out.Expected(no, "REQUEST end", "a time in epoch milliseconds", f[end])
		return
	}
	if endMS < startMS {
		if string(f[end]) != incomingEnd {
			p.st.out.BadRow(no, "REQUEST ends at %d, before it starts at %d", endMS, startMS)
			return
		}
		endMS = startMS
	}
	label := p.label(f[g], f[g+1])
	success := f[status][0] == 'O'
	msg := ""
	if !success && status+1 < len(f) {
		msg = p.messages.Get(bytes.TrimSpace(f[status+1]))
	}
	latency := int32(-1)
	if respStart >= 0 {
		// Gatling 2.0 logged when the response began: time to first byte.
		if first, ok := atoi(f[respStart]); ok && first >= startMS && first <= endMS {
			latency = clampElapsed(first - startMS)
		}
	}
	p.st.request(label, startMS, endMS, success, msg, latency)
}

// label returns the request's label: its name, prefixed with its group path
// ("Shop / Checkout / Pay") when it ran inside groups. Gatling writes the
// hierarchy joined with commas (replacing commas inside names by spaces).
// Like the interned names, a label is made safe to show (sanitize.Value)
// once, when it is first met.
func (p *textParser) label(groups, name []byte) string {
	if len(groups) == 0 {
		return p.names.Get(name)
	}
	// groups and name are consecutive fields of the line: one key, no copy.
	key := groups[:len(groups)+1+len(name)]
	if l, ok := p.labels[string(key)]; ok {
		return l
	}
	l := sanitize.Value(groupPath(groups) + groupSeparator + string(name))
	if len(p.labels) < batch.MaxInterned {
		p.labels[string(key)] = l
	}
	return l
}

func groupPath(groups []byte) string {
	return strings.ReplaceAll(string(groups), ",", groupSeparator)
}

// groupLabel returns the label of a group record, cached like request labels
// under a key that cannot be a request's (it has no tab).
func (p *textParser) groupLabel(groups []byte) string {
	if l, ok := p.labels[string(groups)]; ok {
		return l
	}
	l := sanitize.Value(groupPath(groups))
	if len(p.labels) < batch.MaxInterned {
		p.labels[string(groups)] = l
	}
	return l
}

// user counts a USER record: "USER scenario START|END ts" (3.4+), "USER
// scenario userId START|END start end" (2.2-3.3) or, with col2, "scenario
// userId USER START|END start end" (2.0).
func (p *textParser) user(f [][]byte, no int, col2 bool) {
	var event []byte
	switch {
	case col2:
		if len(f) >= 4 {
			event = f[3]
		}
	case len(f) >= 3 && (string(f[2]) == "START" || string(f[2]) == "END"):
		event = f[2]
	case len(f) >= 4:
		event = f[3]
	}
	switch string(event) {
	case "START":
		p.st.user(true)
	case "END":
		p.st.user(false)
	default:
		p.st.out.BadRow(no, "USER record with %d fields and no START or END where Gatling writes the event", len(f))
	}
}

// group reads a GROUP record: "GROUP groups start end cumulated status"
// (3.4+), with a user id before the groups (3.0-3.3), or scenario and user
// id (2.2-2.3). Gatling 2.2-2.3 also wrote its ERROR records with the GROUP
// header ("GROUP message ts"), which are read as errors.
func (p *textParser) group(f [][]byte, no int) {
	g := 0
	switch len(f) {
	case 6:
		g = 1
	case 7:
		g = 2
	case 8:
		g = 3
	}
	if g > 0 && isStatus(f[g+4]) {
		p.emitGroup(f, no, g, g+4)
		return
	}
	if n := len(f); n >= 3 {
		if _, ok := atoi(f[n-1]); ok {
			p.errorRecord(f)
			return
		}
	}
	p.st.out.BadRow(no, "GROUP record: expected groups, start, end, cumulated response time and OK or KO, found %d fields", len(f))
}

// group20 reads a GROUP record of Gatling 2.0-2.1: scenario userId GROUP
// groups start end cumulated oks kos status.
func (p *textParser) group20(f [][]byte, no int) {
	if len(f) < 10 || !isStatus(f[9]) {
		p.st.out.BadRow(no, "Gatling 2.0 GROUP record with %d fields and no OK or KO in field 10", len(f))
		return
	}
	p.emitGroup(f, no, 3, 9)
}

func (p *textParser) emitGroup(f [][]byte, no, g, status int) {
	startMS, ok := atoi(f[g+1])
	if !ok {
		p.st.out.Expected(no, "GROUP start", "a time in epoch milliseconds", f[g+1])
		return
	}
	if startMS <= 0 {
		p.st.out.Expected(no, "GROUP start", sources.AfterEpoch, f[g+1])
		return
	}
	cumulated, ok := atoi(f[g+3])
	if !ok || cumulated < 0 {
		p.st.out.Expected(no, "GROUP cumulated response time", "a number of milliseconds", f[g+3])
		return
	}
	if len(f[g]) == 0 {
		p.st.out.BadRow(no, "GROUP record without a group name")
		return
	}
	p.st.group(p.groupLabel(f[g]), startMS, cumulated, f[status][0] == 'O')
}

// errorRecord reads "ERROR message ts" (or the 2.2 "GROUP message ts"); the
// message may hold tabs, so it is everything between the first and the
// last field.
func (p *textParser) errorRecord(f [][]byte) {
	var ms int64
	parts := f[1:]
	if n := len(f); n >= 3 {
		if v, ok := atoi(f[n-1]); ok {
			ms, parts = v, f[1:n-1]
		}
	}
	msg := strings.TrimSpace(string(bytes.Join(parts, []byte{' '})))
	p.st.errorRecord(msg, ms)
}

// run reads "RUN class simulationId start description version" (3.x) or
// "RUN class userDefinedId defaultId start description 2.0" (2.2-2.3).
func (p *textParser) run(f [][]byte, no int) {
	var r run
	var start []byte
	switch {
	case len(f) >= 7:
		r = run{simulation: string(f[1]), description: string(f[5]), version: string(f[6])}
		start = f[4]
		p.runFmt = FormatText22
	case len(f) == 6:
		r = run{simulation: string(f[1]), description: string(f[4]), version: string(f[5])}
		start = f[3]
		if major, minor, ok := versionNumbers(r.version); ok && major == 3 {
			p.runFmt = FormatText34
			if minor < 4 {
				p.runFmt = FormatText30
			}
		}
	default:
		p.st.out.BadRow(no, "RUN record: expected 6 fields (Gatling 3.x) or 7 (2.2-2.3), found %d", len(f))
		return
	}
	p.setRun(r, start, no)
}

// run20 reads "class simulationId RUN start description 2.0" (2.0-2.1).
func (p *textParser) run20(f [][]byte, no int) {
	if len(f) < 5 {
		p.st.out.BadRow(no, "Gatling 2.0 RUN record: expected 6 fields, found %d", len(f))
		return
	}
	r := run{simulation: string(f[0]), description: string(f[4])}
	if len(f) >= 6 {
		r.version = string(f[5])
	}
	p.runFmt = FormatText20
	p.setRun(r, f[3], no)
}

func (p *textParser) setRun(r run, start []byte, no int) {
	ms, ok := atoi(start)
	if !ok {
		p.st.out.Expected(no, "RUN start", "a time in epoch milliseconds", start)
		return
	}
	r.startMS = ms
	r.description = strings.TrimSpace(r.description)
	p.st.setRun(r)
	switch {
	case p.recFmt != "":
		p.checkLayouts()
	case p.runFmt != "":
		p.st.setFormat(p.runFmt)
	}
}

// noteLayout records the layout of the first request, which decides the
// format shown.
func (p *textParser) noteLayout(layout string) {
	if p.recFmt != "" {
		return
	}
	p.recFmt = layout
	p.st.setFormat(layout)
	p.checkLayouts()
}

func (p *textParser) checkLayouts() {
	if p.runFmt != "" && p.recFmt != p.runFmt && p.st.run != nil {
		p.st.out.Warn(fmt.Sprintf("the RUN record says Gatling %s, but the requests are laid out as in a %s simulation.log; they are read by their layout",
			p.st.run.version, p.recFmt))
	}
}

// atoi parses a decimal integer, optionally negative, of up to 18 digits
// (epoch milliseconds have 13), or Gatling's "no end" marker, MinInt64.
func atoi(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		if string(b) == incomingEnd {
			return math.MinInt64, true
		}
		neg, b = true, b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
