package store

import (
	"sort"
	"strings"

	"github.com/sobang/sobang/sources"
)

// Entry is a log entry placed on the shared time axis.
type Entry struct {
	sources.LogEntry
	TimeMS int64 // the entry's time with its source's offset, or when it arrived if it has none
	Source int   // hub index of its source
}

// logBlock is how many entries one block holds. Entries live in fixed-size
// blocks so that growing never copies the whole history (at 100k lines/s a
// single slice's doubling copies stalled a tick for hundreds of ms) and the
// oldest can be dropped a block at a time.
const logBlock = 4096

// Logs holds log entries of every source in time order.
type Logs struct {
	blocks  [][]Entry
	n       int
	Dropped int // entries dropped to stay within MaxLogEntries
	Version uint64
	lastMS  []int64 // per source: time of its latest entry, for entries without one
}

func newLogs() *Logs { return &Logs{} }

// Len returns how many entries are held.
func (l *Logs) Len() int { return l.n }

// At returns entry i in time order.
func (l *Logs) At(i int) *Entry { return &l.blocks[i/logBlock][i%logBlock] }

func (l *Logs) push(e Entry) {
	if l.n%logBlock == 0 {
		l.blocks = append(l.blocks, make([]Entry, 0, logBlock))
	}
	last := len(l.blocks) - 1
	l.blocks[last] = append(l.blocks[last], e)
	l.n++
}

// add places entries on the time axis and returns their time span.
func (l *Logs) add(source int, in []sources.LogEntry, offsetMS, nowMS int64) (firstMS, lastMS int64) {
	for source >= len(l.lastMS) {
		l.lastMS = append(l.lastMS, 0)
	}
	start := l.n
	sorted := true
	for i := range in {
		e := Entry{LogEntry: in[i], Source: source}
		switch {
		case !e.Time.IsZero():
			e.TimeMS = e.Time.UnixMilli() + offsetMS
		case l.lastMS[source] != 0:
			e.TimeMS = l.lastMS[source]
		default:
			e.TimeMS = nowMS
		}
		l.lastMS[source] = e.TimeMS
		if i == 0 {
			firstMS, lastMS = e.TimeMS, e.TimeMS
		}
		firstMS, lastMS = min(firstMS, e.TimeMS), max(lastMS, e.TimeMS)
		if l.n > 0 && l.At(l.n-1).TimeMS > e.TimeMS {
			sorted = false
		}
		l.push(e)
	}
	if !sorted {
		// Only the tail from the first entry later than the batch's earliest
		// needs sorting; stable keeps each source's own order.
		from := sort.Search(start, func(i int) bool { return l.At(i).TimeMS > firstMS })
		tail := make([]Entry, 0, l.n-from)
		for i := from; i < l.n; i++ {
			tail = append(tail, *l.At(i))
		}
		sort.SliceStable(tail, func(i, j int) bool { return tail[i].TimeMS < tail[j].TimeMS })
		for i := range tail {
			*l.At(from + i) = tail[i]
		}
	}
	for l.n > sources.MaxLogEntries && len(l.blocks) > 1 {
		l.blocks[0] = nil
		l.blocks = l.blocks[1:]
		l.n -= logBlock
		l.Dropped += logBlock
	}
	l.Version++
	return firstMS, lastMS
}

// Search returns the index of the first entry at or after ms (Len when none).
func (l *Logs) Search(ms int64) int {
	return sort.Search(l.n, func(i int) bool { return l.At(i).TimeMS >= ms })
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
	for ; i < l.n; i++ {
		e := l.At(i)
		if toMS != 0 && e.TimeMS >= toMS {
			break
		}
		if int(e.Level) < len(out) {
			out[e.Level]++
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
