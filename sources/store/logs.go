package store

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

// Entry is a log entry placed on the shared time axis, as At returns it.
type Entry struct {
	sources.LogEntry
	TimeMS int64 // the entry's time with its source's offset, or when it arrived if it has none
	Source int   // hub index of its source
	NLines int   // how many lines the entry has, also when Lines was not read (Brief)
	// Template is the entry's template given at ingest (TemplateText
	// names it), 0 when it has none.
	Template int
}

// rec is what the store keeps of one entry: 40 bytes, whatever its text.
// An indexed entry's text stays in its file and is read back by At; the
// text of an entry from a stream is held in Logs.held.
type rec struct {
	timeMS int64
	// loc is the file offset of an indexed entry, with its reader's
	// number (1-based, in Logs.texts) in the top 16 bits; for an entry
	// whose text is held, its index in Logs.held.
	loc    uint64
	n      uint32 // bytes in the file
	sum    uint32
	lineNo uint32
	// lines is the entry's line count in its low 24 bits and its level
	// word's column in the top 8 (noCol when none, or past 254).
	lines uint32
	// tmpl is the entry's template (from 1, 0 for none) in its low 24
	// bits and its level word's index in Logs.levelTexts in the top 8.
	tmpl   uint32
	source uint16
	level  sources.Level
	flags  uint8
}

const (
	lowBits = 24
	lowMask = 1<<lowBits - 1
	noCol   = 255
)

const (
	recTruncated = 1 << iota // LogEntry.Truncated
	recIndexed               // the text is in a file
)

// locBits is how many bits of rec.loc hold the offset.
const locBits = 48

// logBlock is how many entries one block holds. Entries live in fixed-size
// blocks so that growing never copies the whole history (at 100k lines/s a
// single slice's doubling copies stalled a tick for hundreds of ms).
const logBlock = 4096

// Logs holds log entries of every source in time order: all of them, as
// compact records; the text of entries read from files stays in the files.
type Logs struct {
	blocks [][]rec
	n      int
	// Dropped counts entries whose text was let go to keep the text held
	// in memory (of streams, not files) within sources.MaxLogEntries
	// entries; they are still counted and placed, and say their text is gone.
	Dropped int
	Version uint64
	lastMS  []int64 // per source: time of its latest entry, for entries without one

	texts      []sources.LogText      // readers of indexed entries, numbered from 1
	templates  []sources.LogTemplates // per source: who names its entries' templates
	textOf     map[sources.LogText]uint64
	held       [][]string // text of entries that are not indexed
	heldFirst  int        // held[:heldFirst] was let go
	levelTexts []string
	levelOf    map[string]uint8
	// Lines counts every entry's lines, Levels its entries per level; both
	// exact over everything held, whatever the size.
	Lines  int
	Levels [sources.LevelFatal + 1]int
}

func newLogs() *Logs {
	return &Logs{textOf: map[sources.LogText]uint64{}, levelTexts: []string{""}, levelOf: map[string]uint8{"": 0}}
}

// Len returns how many entries are held.
func (l *Logs) Len() int { return l.n }

func (l *Logs) rec(i int) *rec { return &l.blocks[i/logBlock][i%logBlock] }

// TimeMS returns entry i's time on the axis, without reading anything.
func (l *Logs) TimeMS(i int) int64 { return l.rec(i).timeMS }

// Level returns entry i's level, without reading anything.
func (l *Logs) Level(i int) sources.Level { return l.rec(i).level }

// At returns entry i in time order, its text read back from its file when
// it is indexed. The Entry is the caller's.
func (l *Logs) At(i int) *Entry {
	e := l.Brief(i)
	r := l.rec(i)
	switch {
	case r.flags&recIndexed != 0:
		t := l.texts[r.loc>>locBits-1]
		lines, err := t.Lines(make([]string, 0, r.lines&lowMask), int64(r.loc&(1<<locBits-1)), int64(r.n), r.sum)
		if err != nil {
			lines = []string{sanitize.Value(fmt.Sprintf("[text gone: %s: %v]", t.Name(), err))}
			e.LevelCol = -1
		}
		e.Lines = lines
	case int(r.loc) < l.heldFirst:
		e.Lines = []string{fmt.Sprintf("[text gone: over %d entries held in memory]", sources.MaxLogEntries)}
		e.LevelCol = -1
	default:
		e.Lines = l.held[r.loc]
	}
	return e
}

// Brief returns entry i without its Lines (NLines says how many), reading
// nothing.
func (l *Logs) Brief(i int) *Entry {
	r := l.rec(i)
	col := int(r.lines >> lowBits)
	if col == noCol {
		col = -1
	}
	return &Entry{LogEntry: sources.LogEntry{Time: time.UnixMilli(r.timeMS), Level: r.level, LevelText: l.levelTexts[r.tmpl>>lowBits],
		LevelCol: col, LineNo: int(r.lineNo), Truncated: r.flags&recTruncated != 0},
		TimeMS: r.timeMS, Source: int(r.source), NLines: int(r.lines & lowMask), Template: int(r.tmpl & lowMask)}
}

// TemplateText returns the text of the template a source gave an entry
// (Entry.Template), "" when it has none.
func (l *Logs) TemplateText(source, id int) string {
	if id == 0 || source >= len(l.templates) || l.templates[source] == nil {
		return ""
	}
	return l.templates[source].Template(id)
}

func (l *Logs) push(r rec) {
	if l.n%logBlock == 0 {
		l.blocks = append(l.blocks, make([]rec, 0, logBlock))
	}
	last := len(l.blocks) - 1
	l.blocks[last] = append(l.blocks[last], r)
	l.n++
}

// record makes the compact record of e.
func (l *Logs) record(e *sources.LogEntry, source int, timeMS int64) rec {
	r := rec{timeMS: timeMS, source: uint16(source), level: e.Level, lineNo: uint32(e.LineNo), lines: uint32(min(len(e.Lines), lowMask))}
	col := uint32(noCol)
	if e.LevelCol >= 0 && e.LevelCol < noCol {
		col = uint32(e.LevelCol)
	}
	r.lines |= col << lowBits
	lt, ok := l.levelOf[e.LevelText]
	if !ok && len(l.levelTexts) <= math.MaxUint8 {
		lt = uint8(len(l.levelTexts))
		l.levelTexts = append(l.levelTexts, e.LevelText)
		l.levelOf[e.LevelText] = lt
	}
	r.tmpl = uint32(lt) << lowBits
	if e.Templates != nil && e.Template > 0 && e.Template <= lowMask {
		for source >= len(l.templates) {
			l.templates = append(l.templates, nil)
		}
		if l.templates[source] == nil {
			l.templates[source] = e.Templates
		}
		if l.templates[source] == e.Templates {
			r.tmpl |= uint32(e.Template)
		}
	}
	if e.Truncated {
		r.flags |= recTruncated
	}
	if e.Text != nil && e.Len > 0 && e.Len <= math.MaxUint32 && e.Off >= 0 && e.Off < 1<<locBits {
		t, ok := l.textOf[e.Text]
		if !ok && len(l.texts) < 1<<(64-locBits)-1 {
			l.texts = append(l.texts, e.Text)
			t = uint64(len(l.texts))
			l.textOf[e.Text] = t
			ok = true
		}
		if ok {
			r.loc = t<<locBits | uint64(e.Off)
			r.n, r.sum = uint32(e.Len), e.Sum
			r.flags |= recIndexed
			return r
		}
	}
	r.loc = uint64(len(l.held))
	l.held = append(l.held, e.Lines)
	return r
}

// add places entries on the time axis and returns their time span.
func (l *Logs) add(source int, in []sources.LogEntry, offsetMS, nowMS int64) (firstMS, lastMS int64) {
	for source >= len(l.lastMS) {
		l.lastMS = append(l.lastMS, 0)
	}
	start := l.n
	sorted := true
	for i := range in {
		e := &in[i]
		var timeMS int64
		switch {
		case !e.Time.IsZero():
			timeMS = e.Time.UnixMilli() + offsetMS
		case l.lastMS[source] != 0:
			timeMS = l.lastMS[source]
		default:
			timeMS = nowMS
		}
		l.lastMS[source] = timeMS
		if i == 0 {
			firstMS, lastMS = timeMS, timeMS
		}
		firstMS, lastMS = min(firstMS, timeMS), max(lastMS, timeMS)
		if l.n > 0 && l.rec(l.n-1).timeMS > timeMS {
			sorted = false
		}
		l.push(l.record(e, source, timeMS))
		l.Lines += len(e.Lines)
		if int(e.Level) < len(l.Levels) {
			l.Levels[e.Level]++
		}
	}
	if !sorted {
		// Only the tail from the first entry later than the batch's earliest
		// needs sorting; stable keeps each source's own order.
		from := sort.Search(start, func(i int) bool { return l.rec(i).timeMS > firstMS })
		tail := make([]rec, 0, l.n-from)
		for i := from; i < l.n; i++ {
			tail = append(tail, *l.rec(i))
		}
		sort.SliceStable(tail, func(i, j int) bool { return tail[i].timeMS < tail[j].timeMS })
		for i := range tail {
			*l.rec(from + i) = tail[i]
		}
	}
	// The text held in memory (streams) is bounded; what files hold is not
	// held.
	for len(l.held)-l.heldFirst > sources.MaxLogEntries {
		l.held[l.heldFirst] = nil
		l.heldFirst++
		l.Dropped++
	}
	l.Version++
	return firstMS, lastMS
}

// Search returns the index of the first entry at or after ms (Len when none).
func (l *Logs) Search(ms int64) int {
	return sort.Search(l.n, func(i int) bool { return l.rec(i).timeMS >= ms })
}

// Filter says which entries a view shows.
type Filter struct {
	FromMS, ToMS int64         // the selected window, [from, to); 0 = no bound
	MinLevel     sources.Level // LevelUnknown keeps all
	Text         string        // case-insensitive substring, "" keeps all
	Exclude      string        // case-insensitive substring whose entries are left out, "" leaves none out
	// Path is a request path (ids as {id}): entries naming another request
	// path are left out; those naming it, and those naming none (an error
	// whose message has no URL, a startup line), are kept. "" keeps all.
	Path string
}

// Active reports whether the filter removes anything.
func (f Filter) Active() bool {
	return f.FromMS != 0 || f.ToMS != 0 || f.MinLevel != sources.LevelUnknown || f.Text != "" || f.Exclude != "" || f.Path != ""
}

// NeedsText reports whether the filter reads the entries' text (At), not
// only their time and level (Brief).
func (f Filter) NeedsText() bool { return f.Text != "" || f.Exclude != "" || f.Path != "" }

// Entry returns entry i as much as f needs of it: Brief when f does not
// read text, At when it does.
func (l *Logs) Entry(i int, f Filter) *Entry {
	if f.NeedsText() {
		return l.At(i)
	}
	return l.Brief(i)
}

// Match reports whether entry e passes the filter.
func (f Filter) Match(e *Entry) bool {
	if f.FromMS != 0 && e.TimeMS < f.FromMS {
		return false
	}
	if f.ToMS != 0 && e.TimeMS >= f.ToMS {
		return false
	}
	if f.MinLevel != sources.LevelUnknown && e.Level < f.MinLevel {
		return false
	}
	if f.HidesForPath(e) {
		return false
	}
	if f.Exclude != "" {
		needle := strings.ToLower(f.Exclude)
		for _, line := range e.Lines {
			if containsFold(line, needle) {
				return false
			}
		}
	}
	if f.Text != "" {
		needle := strings.ToLower(f.Text)
		for _, line := range e.Lines {
			if containsFold(line, needle) {
				return true
			}
		}
		return false
	}
	return true
}

// containsFold reports whether s contains the lower-case needle, ignoring
// ASCII case, without allocating.
func containsFold(s, needle string) bool {
	n := len(needle)
	if n == 0 {
		return true
	}
	first := needle[0]
	for i := 0; i+n <= len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != first {
			continue
		}
		match := true
		for j := 1; j < n; j++ {
			d := s[i+j]
			if 'A' <= d && d <= 'Z' {
				d += 'a' - 'A'
			}
			if d != needle[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// LevelCounts counts entries per level in [fromMS, toMS).
func (l *Logs) LevelCounts(fromMS, toMS int64) [sources.LevelFatal + 1]int {
	var out [sources.LevelFatal + 1]int
	i := 0
	if fromMS != 0 {
		i = l.Search(fromMS)
	}
	if fromMS == 0 && toMS == 0 {
		return l.Levels
	}
	for ; i < l.n; i++ {
		r := l.rec(i)
		if toMS != 0 && r.timeMS >= toMS {
			break
		}
		if int(r.level) < len(out) {
			out[r.level]++
		}
	}
	return out
}

// HidesForPath reports whether the path filter leaves e out: it names a
// request path, and not the filter's.
func (f Filter) HidesForPath(e *Entry) bool {
	return f.Path != "" && len(e.Lines) > 0 && namesPath(e.Lines[0]) && !mentionsPath(e.Lines, f.Path)
}

// namesPath reports whether a header line names a request path: a word
// starting with "/" and a letter, after a space, a quote, "=" or a
// scheme and host ("GET /api/accounts/4711", "uri=/api/transfer",
// "http://bank:8080/api/balance").
func namesPath(line string) bool {
	for i := 0; i+1 < len(line); i++ {
		if line[i] != '/' || !isLetter(line[i+1]) {
			continue
		}
		if i == 0 {
			return true
		}
		switch line[i-1] {
		case ' ', '"', '\'', '=', '(', '[':
			return true
		}
		// After a scheme and host: "://host:port/path".
		if j := strings.LastIndex(line[:i], "://"); j >= 0 && !strings.ContainsAny(line[j+3:i], " /") {
			return true
		}
	}
	return false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// mentionsPath reports whether a line names the path: its part before the
// first {id} must appear (a log names /api/accounts/4711, not the template).
func mentionsPath(lines []string, path string) bool {
	prefix := path
	if i := strings.Index(path, "{"); i > 0 {
		prefix = path[:i]
	}
	for _, l := range lines {
		if strings.Contains(l, prefix) {
			return true
		}
	}
	return false
}
