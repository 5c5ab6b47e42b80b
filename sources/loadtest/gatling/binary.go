package gatling

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"
	"github.com/sobang/sobang/sources/sanitize"
)

// Record types of the binary simulation.log (Gatling's RecordHeader).
const (
	recRun     = 0
	recRequest = 1
	recUser    = 2
	recGroup   = 3
	recError   = 4
)

// Bounds that tell a record from garbage: no real record comes near them.
const (
	maxString    = 1 << 20 // bytes of one string
	maxGroups    = 64      // depth of a group hierarchy
	maxRecord    = 4 << 20 // bytes of one record
	maxScenarios = 1 << 16
	maxCacheGap  = 1 << 16 // how far a new string-cache index may jump past the last
)

// The binary layouts this reader was checked against: Gatling 3.12
// development builds (Gatling's own test log says "3.12.1") to 3.14.x.
// Newer 3.x versions are read the same way, with a warning; anything else is
// refused, as Gatling's own reader refuses any version but its own.
const (
	binaryMajor    = 3
	binaryMinMinor = 12
	binaryMaxMinor = 14
)

// binaryParser reads the binary simulation.log of Gatling 3.13 and later
// (LogFileDataWriter, gatling-core): big-endian, one type byte then the payload;
// times are int32 milliseconds from the run start the RUN record gives;
// request names, groups and messages go through a string cache (an index >= 0
// defines the string that follows, a negative one reuses it).
//
// The input is parsed where it lies; a record cut by the end of a chunk is
// kept in buf until the rest arrives (a live file grows in 8 KB writes).
// Strings a record defines are staged and enter the cache only when the
// whole record has been read, so a record read twice (cut, then complete) or
// a rejected candidate never leaves a trace.
//
// A record that cannot be one (unknown type byte, a boolean that is not 0 or
// 1, a string length out of bounds, an undefined cache index) is a bad
// record; reading then resumes at the next byte where a whole valid record
// starts, and the bytes skipped count as that one bad record.
type binaryParser struct {
	st *state

	buf []byte // held bytes: a record cut by the end of the input so far
	off int64  // input offset of the first byte not yet consumed

	runDone    bool
	runStartMS int64
	scenarios  int32

	cache   []string         // strings by cache index; [0] is never referenced
	sparse  map[int32]string // indexes defined out of sequence (after a skipped region)
	pending []cacheEntry     // strings the current record defines
	resync  bool             // skipping garbage after a bad record

	labels map[string]string // group path + name by cache indexes
	key    []byte
	groups []string
	gidx   []int32

	// cursor over the record being read
	at    int64 // its input offset
	b     []byte
	i     int
	short bool   // the record continues past the input
	bad   string // why the bytes are not a record

	err error
}

type cacheEntry struct {
	idx int32
	s   string
}

func newBinaryParser(st *state) *binaryParser {
	return &binaryParser{
		st:     st,
		cache:  make([]string, 1, 256),
		labels: make(map[string]string, 64),
	}
}

// Feed parses the next bytes: records, the last one maybe cut short.
func (p *binaryParser) Feed(data []byte) error {
	if len(p.buf) > 0 {
		p.buf = append(p.buf, data...)
		n := p.parse(p.buf, false)
		p.off += int64(n)
		p.buf = p.buf[:copy(p.buf, p.buf[n:])]
	} else {
		n := p.parse(data, false)
		p.off += int64(n)
		p.buf = append(p.buf, data[n:]...)
	}
	return p.err
}

// Finish reads what is held as the end of the input: a record still cut
// short is a bad record.
func (p *binaryParser) Finish() error {
	if len(p.buf) > 0 && p.err == nil {
		n := p.parse(p.buf, true)
		p.off += int64(n)
	}
	p.buf = p.buf[:0]
	return p.err
}

// parse reads the records at the start of b and returns how many bytes they
// took; the rest is a record cut short (only when !final).
func (p *binaryParser) parse(b []byte, final bool) int {
	i := 0
	for i < len(b) && p.err == nil {
		if !p.runDone {
			n, short := p.runRecord(b[i:])
			if short {
				if !final {
					return i
				}
				p.st.out.BadRow(0, "offset %d: the RUN record is cut short by the end of the input", p.off+int64(i))
				return len(b)
			}
			i += n
			continue
		}
		if t := b[i]; p.resync && (t < recRequest || t > recError) {
			i++
			continue
		}
		p.at = p.off + int64(i)
		n, ok := p.record(b[i:])
		switch {
		case p.short:
			if !final {
				return i
			}
			if p.resync {
				i++
				continue
			}
			p.st.out.BadRow(0, "offset %d: the last record is cut short by the end of the input (%d bytes of it)", p.off+int64(i), len(b)-i)
			return len(b)
		case !ok:
			if !p.resync {
				p.st.out.BadRow(0, "offset %d: %s", p.off+int64(i), p.bad)
				p.resync = true
			}
			i++
		default:
			p.resync = false
			i += n
		}
	}
	return i
}

// The cursor: each read checks the bounds and sets short or bad; callers
// test p.failed() after the reads that matter.

func (p *binaryParser) begin(b []byte) {
	p.b, p.i, p.short, p.bad = b, 0, false, ""
	p.pending = p.pending[:0]
}

func (p *binaryParser) failed() bool { return p.short || p.bad != "" }

func (p *binaryParser) fail(format string, args ...any) {
	if !p.failed() {
		p.bad = fmt.Sprintf(format, args...)
	}
}

func (p *binaryParser) need(n int) bool {
	if p.failed() {
		return false
	}
	if p.i+n > maxRecord {
		p.fail("record longer than %d bytes", maxRecord)
		return false
	}
	if p.i+n > len(p.b) {
		p.short = true
		return false
	}
	return true
}

func (p *binaryParser) u8() byte {
	if !p.need(1) {
		return 0
	}
	p.i++
	return p.b[p.i-1]
}

func (p *binaryParser) boolean(what string) bool {
	v := p.u8()
	if v > 1 {
		p.fail("%s byte: expected 0 or 1, found %d", what, v)
	}
	return v == 1
}

func (p *binaryParser) i32() int32 {
	if !p.need(4) {
		return 0
	}
	p.i += 4
	return int32(binary.BigEndian.Uint32(p.b[p.i-4:]))
}

func (p *binaryParser) i64() int64 {
	if !p.need(8) {
		return 0
	}
	p.i += 8
	return int64(binary.BigEndian.Uint64(p.b[p.i-8:]))
}

// str reads a Java string as Gatling writes it: int32 length, then (when
// not empty) the String's internal bytes and its coder, 0 for Latin-1, 1 for
// UTF-16 in the writing JVM's byte order, little-endian on x86-64 and arm64.
func (p *binaryParser) str() string {
	n := p.i32()
	if p.failed() {
		return ""
	}
	if n < 0 || n > maxString {
		p.fail("string length %d out of bounds", n)
		return ""
	}
	if n == 0 || !p.need(int(n)+1) {
		return ""
	}
	raw := p.b[p.i : p.i+int(n)]
	coder := p.b[p.i+int(n)]
	p.i += int(n) + 1
	switch coder {
	case 0:
		return latin1(raw)
	case 1:
		if n%2 != 0 {
			p.fail("UTF-16 string of an odd length %d", n)
			return ""
		}
		return utf16le(raw)
	}
	p.fail("string coder byte: expected 0 (Latin-1) or 1 (UTF-16), found %d", coder)
	return ""
}

// cachedStr reads a string through the cache and returns it with its
// index. The strings of the cache (request and group names, messages) are
// data: each is made safe to show (sanitize.Value) once, when it is
// defined.
func (p *binaryParser) cachedStr(what string) (string, int32) {
	idx := p.i32()
	if p.failed() {
		return "", 0
	}
	if idx >= 0 {
		if int(idx) > len(p.cache)+maxCacheGap {
			p.fail("%s defines string-cache index %d, far past the %d defined", what, idx, len(p.cache)-1)
			return "", 0
		}
		s := sanitize.Value(p.str())
		if !p.failed() {
			p.pending = append(p.pending, cacheEntry{idx, s})
		}
		return s, idx
	}
	if idx == math.MinInt32 {
		p.fail("%s string-cache index %d", what, idx)
		return "", 0
	}
	s, ok := p.lookup(-idx)
	if !ok {
		p.fail("%s refers to string-cache index %d, which is not defined", what, -idx)
		return "", 0
	}
	return s, -idx
}

func (p *binaryParser) lookup(idx int32) (string, bool) {
	for j := len(p.pending) - 1; j >= 0; j-- {
		if p.pending[j].idx == idx {
			return p.pending[j].s, true
		}
	}
	if idx > 0 && int(idx) < len(p.cache) {
		return p.cache[idx], true
	}
	s, ok := p.sparse[idx]
	return s, ok
}

// commit enters the strings the record defined into the cache.
func (p *binaryParser) commit() {
	for _, e := range p.pending {
		switch n := int32(len(p.cache)); {
		case e.idx == n:
			p.cache = append(p.cache, e.s)
			// A gap left by a skipped region may now close.
			for s, ok := p.sparse[n+1]; ok; s, ok = p.sparse[n+1] {
				delete(p.sparse, n+1)
				p.cache = append(p.cache, s)
				n++
			}
		case e.idx < n:
			if e.idx > 0 && p.cache[e.idx] != e.s {
				clear(p.labels) // labels are cached by index
			}
			p.cache[e.idx] = e.s
		default:
			if p.sparse == nil {
				p.sparse = map[int32]string{}
			}
			if old, ok := p.sparse[e.idx]; ok && old != e.s {
				clear(p.labels)
			}
			p.sparse[e.idx] = e.s
		}
	}
	p.pending = p.pending[:0]
}

// runRecord reads the RUN record that starts the file. A file that does not
// start with one, or whose version this reader does not know, is fatal.
func (p *binaryParser) runRecord(b []byte) (n int, short bool) {
	p.begin(b)
	if t := p.u8(); t != recRun && !p.short {
		p.err = fmt.Errorf("not a Gatling binary simulation.log: expected a RUN record (type 0) first, found type %d", t)
		return 0, false
	}
	version := p.str()
	if p.short {
		return 0, true
	}
	if p.bad != "" {
		p.err = fmt.Errorf("not a Gatling binary simulation.log: the RUN record's version: %s", p.bad)
		return 0, false
	}
	major, minor, ok := versionNumbers(version)
	switch {
	case !ok:
		p.err = fmt.Errorf("not a Gatling binary simulation.log: %s", sources.Expected("the RUN record's version", "a version such as 3.13.0", version))
		return 0, false
	case major != binaryMajor || minor < binaryMinMinor:
		p.err = fmt.Errorf("binary simulation.log written by Gatling %s: this reader knows the binary layout of Gatling %d.%d to %d.%d (and reads later %d.x the same way), not that version's",
			version, binaryMajor, binaryMinMinor+1, binaryMajor, binaryMaxMinor, binaryMajor)
		return 0, false
	}
	r := run{version: version}
	r.simulation = p.str()
	r.startMS = p.i64()
	r.description = p.str()
	scenarios := p.i32()
	if !p.failed() && (scenarios < 0 || scenarios > maxScenarios) {
		p.fail("%d scenarios", scenarios)
	}
	for range scenarios {
		if p.str(); p.failed() {
			break
		}
	}
	assertions := p.i32()
	if !p.failed() && (assertions < 0 || assertions > maxScenarios) {
		p.fail("%d assertions", assertions)
	}
	for range assertions {
		l := p.i32()
		if !p.failed() && (l < 0 || l > maxString) {
			p.fail("assertion of %d bytes", l)
		}
		if !p.need(int(l)) {
			break
		}
		p.i += int(l)
	}
	if p.short {
		return 0, true
	}
	if p.bad != "" {
		p.err = fmt.Errorf("binary simulation.log of Gatling %s: unreadable RUN record: %s", version, p.bad)
		return 0, false
	}
	p.runDone = true
	p.runStartMS = r.startMS
	p.scenarios = scenarios
	p.st.setRun(r)
	if minor > binaryMaxMinor {
		p.st.out.Warn(fmt.Sprintf("Gatling %s is newer than the binary layouts this reader was checked against (%d.%d to %d.%d): it is read as %d.%d's",
			version, binaryMajor, binaryMinMinor+1, binaryMajor, binaryMaxMinor, binaryMajor, binaryMaxMinor))
	}
	return p.i, false
}

// record reads the record at the start of b (at input offset p.at) and emits
// what it says. ok is false when b does not start with a record (p.bad says
// why) or when the record continues past b (p.short).
func (p *binaryParser) record(b []byte) (n int, ok bool) {
	p.begin(b)
	switch t := p.u8(); t {
	case recUser:
		scenario := p.i32()
		start := p.boolean("user start/end")
		p.i32() // time
		if !p.failed() && (scenario < 0 || scenario >= p.scenarios) {
			p.fail("user of scenario %d, but the RUN record names %d", scenario, p.scenarios)
		}
		if p.failed() {
			return 0, false
		}
		p.st.user(start)
	case recRequest:
		label := p.groupPath(true)
		start := p.i32()
		end := p.i32()
		success := p.boolean("request status")
		msg, _ := p.cachedStr("request message")
		if p.failed() {
			return 0, false
		}
		p.commit()
		if end < start {
			p.st.out.BadRow(0, "offset %d: request %s ends %d ms before it starts", p.at, sources.Quote(label), start-end)
			return p.i, true
		}
		if at := p.runStartMS + int64(start); at <= 0 {
			p.st.out.BadRow(0, "offset %d: request %s: %s", p.at, sources.Quote(label), sources.Expected("start", sources.AfterEpoch, strconv.FormatInt(at, 10)))
			return p.i, true
		}
		p.st.request(label, p.runStartMS+int64(start), p.runStartMS+int64(end), success, msg, -1)
	case recGroup:
		label := p.groupPath(false)
		start := p.i32()
		p.i32() // end: the duration is not what the report shows
		cumulated := p.i32()
		success := p.boolean("group status")
		if p.failed() {
			return 0, false
		}
		p.commit()
		if cumulated < 0 {
			p.st.out.BadRow(0, "offset %d: group %s has a negative cumulated response time %d", p.at, sources.Quote(label), cumulated)
			return p.i, true
		}
		if at := p.runStartMS + int64(start); at <= 0 {
			p.st.out.BadRow(0, "offset %d: group %s: %s", p.at, sources.Quote(label), sources.Expected("start", sources.AfterEpoch, strconv.FormatInt(at, 10)))
			return p.i, true
		}
		p.st.group(label, p.runStartMS+int64(start), int64(cumulated), success)
	case recError:
		msg, _ := p.cachedStr("error message")
		ts := p.i32()
		if p.failed() {
			return 0, false
		}
		p.commit()
		p.st.errorRecord(msg, p.runStartMS+int64(ts))
	default:
		if !p.short {
			p.fail("record type: expected 1 request, 2 user, 3 group or 4 error, found %d", t)
		}
		return 0, false
	}
	return p.i, true
}

// groupPath reads a group hierarchy and, for a request, its name, and returns
// the label: "group1 / group2 / name" as Gatling's report names it, the name
// alone outside groups, the group path for a group record.
func (p *binaryParser) groupPath(withName bool) string {
	what, whatGroup := "group", "group's group"
	if withName {
		what, whatGroup = "request", "request group"
	}
	n := p.i32()
	if p.failed() {
		return ""
	}
	min := int32(1)
	if withName {
		min = 0
	}
	if n < min || n > maxGroups {
		p.fail("%s in %d groups", what, n)
		return ""
	}
	p.groups, p.gidx = p.groups[:0], p.gidx[:0]
	for range n {
		s, idx := p.cachedStr(whatGroup)
		if p.failed() {
			return ""
		}
		p.groups, p.gidx = append(p.groups, s), append(p.gidx, idx)
	}
	if withName {
		s, idx := p.cachedStr("request name")
		if p.failed() {
			return ""
		}
		if n == 0 {
			return s
		}
		p.groups, p.gidx = append(p.groups, s), append(p.gidx, idx)
	}
	p.key = p.key[:0]
	if withName {
		p.key = append(p.key, 'r')
	} else {
		p.key = append(p.key, 'g')
	}
	for _, idx := range p.gidx {
		p.key = binary.BigEndian.AppendUint32(p.key, uint32(idx))
	}
	if l, ok := p.labels[string(p.key)]; ok {
		return l
	}
	l := strings.Join(p.groups, groupSeparator)
	if len(p.labels) < batch.MaxInterned {
		p.labels[string(p.key)] = l
	}
	return l
}

// latin1 converts Latin-1 bytes to a string, replacing the tabs and line
// ends Gatling's reader replaces.
func latin1(raw []byte) string {
	ascii := true
	for _, c := range raw {
		if c >= 0x80 || c == '\t' || c == '\n' || c == '\r' {
			ascii = false
			break
		}
	}
	if ascii {
		return string(raw)
	}
	out := make([]byte, 0, len(raw)+8)
	for _, c := range raw {
		switch {
		case c == '\t' || c == '\n' || c == '\r':
			out = append(out, ' ')
		case c < 0x80:
			out = append(out, c)
		default:
			out = utf8.AppendRune(out, rune(c))
		}
	}
	return string(out)
}

// utf16le converts UTF-16 little-endian bytes to a string (unpaired
// surrogates become U+FFFD), replacing tabs and line ends.
func utf16le(raw []byte) string {
	units := make([]uint16, len(raw)/2)
	for j := range units {
		units[j] = binary.LittleEndian.Uint16(raw[2*j:])
	}
	runes := utf16.Decode(units)
	for j, r := range runes {
		if r == '\t' || r == '\n' || r == '\r' {
			runes[j] = ' '
		}
	}
	return string(runes)
}
