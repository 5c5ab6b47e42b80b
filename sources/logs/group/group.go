// Package group gathers the lines of a log into entries: a header line and
// the lines that continue it (a stack trace, a multi-line message).
//
// The rules combine lnav's (for formats with a header) and those of
// fluent-plugin-detect-exceptions' exception detector (for headerless text):
//
//   - In a format with a header (format.Join), any line that is not a
//     header continues the entry before it, as lnav does. This handles
//     stack traces however they are indented, multi-line SQL and pretty
//     JSON bodies. Lines before the first header form an entry of their own.
//   - In a format where every line is an entry (format.Alone, JSON lines),
//     no line is ever joined.
//   - In headerless text (format.Exceptions), exception traces are
//     recognised by the state machine of fluent-plugin-detect-exceptions
//     (Java, Python, Go panics), and every other line stands alone. Unlike
//     that machine, up to MaxMessageLines lines between a Java exception line
//     and its first frame are kept as the exception's multi-line message
//     once a frame confirms them (corpus stacktrace-edgecases-logviewer.log).
//   - A group is capped at MaxLines lines or MaxBytes bytes; the rest starts
//     a new group, and both are flagged Truncated.
//
// A live stream's last group stays open until the caller flushes it (the
// source does so after sources.PartialFlush of silence); lines that arrive
// for it later form a group flagged Continued.
package group

import (
	"github.com/sobang/sobang/sources/logs/format"
	"github.com/sobang/sobang/sources/logs/index"
)

// Caps of one group.
const (
	// MaxLines is the most lines one group holds.
	MaxLines = 2000
	// MaxBytes is the most text one group holds.
	MaxBytes = 1 << 20
	// MaxMessageLines is how many lines after a Java exception line may be
	// held as its message while waiting for the first frame.
	MaxMessageLines = 10
	// arenaLines is how many lines share one backing array, so that a
	// one-line entry does not cost an allocation of its own.
	arenaLines = 4096
)

// Line is one display-safe line with what its format says about it.
type Line struct {
	Text     string        // display-safe text
	No       int           // 1-based line number
	Header   format.Header // what the format parsed from the line
	IsHeader bool          // the line starts an entry in its format
	// Off and End are where the line lies in its file (End just past its
	// newline) and Sum the checksum of its raw bytes (index.LineSum), for
	// an index that reads it back; zero when it is not indexed.
	Off, End int64
	Sum      uint32
}

// Group is one entry's lines.
type Group struct {
	Lines     []string      // display-safe lines, first line first
	LineNo    int           // number of the first line
	Header    format.Header // the first line's header fields (LevelCol -1 when none)
	HasHeader bool          // the first line is a header of the format
	// Continued: this group carries on the group emitted before it, which
	// was cut at a cap or flushed before these lines arrived.
	Continued bool
	// Truncated: the entry was split at MaxLines or MaxBytes; the group
	// before or after it holds the rest.
	Truncated bool
	// Off and End are where the group's lines lie in their file, Sum their
	// checksums mixed in order (index.Mix from index.Seed).
	Off, End int64
	Sum      uint32
}

// Grouper groups lines one at a time. It is not safe for concurrent use.
type Grouper struct {
	mode format.Continuations

	arena []string // the open group's lines are arena[start:]
	start int

	open      bool
	first     Line
	bytes     int
	continued bool
	truncated bool
	emitted   bool // a group was emitted since the last Reset
	end       int64
	sum       uint32

	state     state
	tentative []Line // lines held after an exception line (Exceptions mode)
}

// New returns a Grouper for a format's continuation rule.
func New(mode format.Continuations) *Grouper {
	return &Grouper{mode: mode}
}

// Reset forgets the open group (flush it first to keep it) and switches to
// mode: a new input starts.
func (g *Grouper) Reset(mode format.Continuations) {
	g.drop()
	g.mode = mode
	g.emitted = false
}

// Mode returns the continuation rule in use.
func (g *Grouper) Mode() format.Continuations { return g.mode }

// Open reports whether a group is being held (it may still grow).
func (g *Grouper) Open() bool { return g.open || len(g.tentative) > 0 }

// Add takes the next line; emit receives every group the line completes
// (Lines is owned by the receiver from then on).
func (g *Grouper) Add(l Line, emit func(Group)) {
	switch g.mode {
	case format.Alone:
		g.begin(l, false)
		g.emit(emit)
	case format.Join:
		if l.IsHeader || !g.open {
			g.emit(emit)
			g.begin(l, !l.IsHeader && g.emitted)
			return
		}
		g.appendLine(l, emit)
	default:
		g.addException(l, emit)
	}
}

// Flush emits the open group, if any: at the end of the input, or when a
// live stream has been silent long enough.
func (g *Grouper) Flush(emit func(Group)) {
	for g.Open() {
		held := g.tentative
		g.tentative = nil
		g.emit(emit)
		g.state = stateNone
		for _, l := range held {
			g.addException(l, emit)
		}
	}
}

// begin opens a group with l as its first line.
func (g *Grouper) begin(l Line, continued bool) {
	g.open = true
	g.first = l
	g.continued = continued
	g.truncated = false
	g.bytes = 0
	g.end, g.sum = l.End, index.Mix(index.Seed, l.Sum)
	g.push(l.Text)
}

// appendLine adds l to the open group, splitting the group at its caps.
func (g *Grouper) appendLine(l Line, emit func(Group)) {
	if len(g.arena)-g.start >= MaxLines || g.bytes+len(l.Text) > MaxBytes {
		g.truncated = true
		g.emit(emit)
		l.IsHeader = false
		l.Header = format.Header{LevelCol: -1}
		g.begin(l, true)
		g.truncated = true
		return
	}
	g.end, g.sum = l.End, index.Mix(g.sum, l.Sum)
	g.push(l.Text)
}

// push appends a line to the open group, moving the group to a fresh arena
// when the current one is full.
func (g *Grouper) push(s string) {
	if len(g.arena) == cap(g.arena) {
		n := len(g.arena) - g.start
		fresh := make([]string, n, max(arenaLines, 2*n))
		copy(fresh, g.arena[g.start:])
		g.arena, g.start = fresh, 0
	}
	g.arena = append(g.arena, s)
	g.bytes += len(s)
}

// emit hands over the open group, if any.
func (g *Grouper) emit(emit func(Group)) {
	if !g.open {
		return
	}
	end := len(g.arena)
	grp := Group{
		Lines:     g.arena[g.start:end:end],
		LineNo:    g.first.No,
		Header:    g.first.Header,
		HasHeader: g.first.IsHeader,
		Continued: g.continued,
		Truncated: g.truncated,
		Off:       g.first.Off,
		End:       g.end,
		Sum:       g.sum,
	}
	if !grp.HasHeader && g.mode != format.Exceptions {
		grp.Header = format.Header{LevelCol: -1}
	}
	g.start = end
	g.open = false
	g.emitted = true
	emit(grp)
}

// drop forgets the open group.
func (g *Grouper) drop() {
	g.arena = g.arena[:g.start]
	g.open = false
	g.state = stateNone
	g.tentative = nil
}
