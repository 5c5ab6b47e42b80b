package drain

import (
	"sort"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

// Count is one template of a window of log entries.
type Count struct {
	Template string        // the message with its variables masked, plus a stack trace's root exception
	Count    int           // entries in the window
	Level    sources.Level // the level of its entries (the highest, where they differ)
	FirstMS  int64         // its first and last entries' times
	LastMS   int64
}

// levelGroup keeps rare ERROR templates apart from the INFO traffic around
// them: one tree per group.
func levelGroup(l sources.Level) int {
	switch {
	case l >= sources.LevelError:
		return 2
	case l == sources.LevelWarn:
		return 1
	}
	return 0
}

// Templates groups the log entries in [fromMS, toMS) (0 for the data's
// edge) into templates, most frequent first (then the most severe, then
// the earliest); with keep, only the entries it keeps (those that pass the
// filter: its text is read only when it needs the entries' text). An entry is grouped by its message (Message) within its
// level group, and one with a stack trace keeps its root exception apart.
func Templates(l *store.Logs, fromMS, toMS int64, keep ...store.Filter) []Count {
	var f *store.Filter
	if len(keep) > 0 && keep[0].Active() {
		f = &keep[0]
	}
	out, _ := mine(l, fromMS, toMS, false, f)
	return out
}

// Assigned is one entry's template.
type Assigned struct {
	TimeMS   int64
	Template string // as Count.Template
}

// Assign returns, for each log entry in [fromMS, toMS) in time order, the
// template Templates groups it into over that range.
func Assign(l *store.Logs, fromMS, toMS int64) []Assigned {
	counts, entries := mine(l, fromMS, toMS, true, nil)
	out := make([]Assigned, len(entries))
	for i, e := range entries {
		out[i] = Assigned{TimeMS: e.timeMS, Template: counts[e.count].Template}
	}
	return out
}

// mined is an entry's time and the index of its template among mine's
// counts.
type mined struct {
	timeMS int64
	count  int
}

// mine groups the entries and returns the templates, sorted as Templates
// returns them, and, when asked to assign, each entry's place among them
// (not kept otherwise: millions of entries would cost more than the
// templates). An entry given its template at ingest (Entry.Template) is
// counted by it without reading its text; the others are mined here.
// Templates of the same text (from two sources, or mined and given) are
// one.
func mine(l *store.Logs, fromMS, toMS int64, assign bool, keep *store.Filter) ([]Count, []mined) {
	// One tree per level group and root exception: an entry's root cause
	// tells templates apart however alike their messages are.
	type tree struct {
		group int
		exc   string
	}
	miners := map[tree]*Miner{}
	// A key is a template given at ingest (source, id; tree zero) or one
	// mined here (tree, id; source -1).
	type key struct {
		tree
		source, id int
	}
	byKey := map[key]*Count{}
	var order []key
	var entries []key
	var times []int64
	i := 0
	if fromMS != 0 {
		i = l.Search(fromMS)
	}
	for ; i < l.Len(); i++ {
		if toMS != 0 && l.TimeMS(i) >= toMS {
			break
		}
		var e *store.Entry
		if keep != nil {
			if e = l.Entry(i, *keep); !keep.Match(e) {
				continue
			}
		} else {
			e = l.Brief(i)
		}
		if e.Template == 0 && e.Lines == nil {
			e = l.At(i)
		}
		var k key
		if e.Template != 0 {
			k = key{source: e.Source, id: e.Template}
		} else {
			tr := tree{levelGroup(e.Level), RootException(e.Lines)}
			m := miners[tr]
			if m == nil {
				m = New(Options{})
				miners[tr] = m
			}
			k = key{tr, -1, m.Add(Message(&e.LogEntry))}
		}
		if assign {
			entries, times = append(entries, k), append(times, e.TimeMS)
		}
		c := byKey[k]
		if c == nil {
			c = &Count{Level: e.Level, FirstMS: e.TimeMS}
			byKey[k] = c
			order = append(order, k)
		}
		c.Count++
		c.LastMS = e.TimeMS
		c.Level = max(c.Level, e.Level)
	}
	// Name every template, merging those of one text.
	out := make([]Count, 0, len(order))
	byText := map[string]int{}
	of := make(map[key]int, len(order))
	for _, k := range order {
		c := *byKey[k]
		if k.source >= 0 {
			c.Template = l.TemplateText(k.source, k.id)
		} else {
			c.Template = miners[k.tree].Template(k.id).String()
			if k.exc != "" {
				c.Template += " " + k.exc
			}
		}
		if j, ok := byText[c.Template]; ok {
			m := &out[j]
			m.Count += c.Count
			m.Level = max(m.Level, c.Level)
			m.FirstMS, m.LastMS = min(m.FirstMS, c.FirstMS), max(m.LastMS, c.LastMS)
			of[k] = j
			continue
		}
		byText[c.Template] = len(out)
		of[k] = len(out)
		out = append(out, c)
	}
	// Sort an index, so that each entry finds its template's new place.
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ca, cb := &out[idx[a]], &out[idx[b]]
		if ca.Count != cb.Count {
			return ca.Count > cb.Count
		}
		return ca.Level > cb.Level
	})
	sorted := make([]Count, len(out))
	place := make([]int, len(out))
	for newI, oldI := range idx {
		sorted[newI] = out[oldI]
		place[oldI] = newI
	}
	got := make([]mined, len(entries))
	for i, k := range entries {
		got[i] = mined{timeMS: times[i], count: place[of[k]]}
	}
	return sorted, got
}

// Message is an entry's message: its first line after the level word,
// without a Spring Boot "pid --- [app] [thread] logger : " or a logback
// "[thread] logger - " prefix, as far as those can be told; the whole first
// line for an entry without a level.
func Message(e *sources.LogEntry) string {
	if len(e.Lines) == 0 {
		return ""
	}
	line := e.Lines[0]
	if e.LevelCol < 0 || e.LevelText == "" || e.LevelCol+len(e.LevelText) > len(line) {
		return line
	}
	rest := strings.TrimLeft(line[e.LevelCol+len(e.LevelText):], " ]:")
	if i := strings.Index(rest, " : "); i >= 0 && i < 240 && strings.Contains(rest[:i], " --- ") {
		return rest[i+3:]
	}
	if i := strings.Index(rest, " - "); i > 0 && i < 160 && isLogger(rest[:i]) {
		return rest[i+3:]
	}
	return rest
}

// RootException is the class of a Java stack trace's root cause: the last
// "Caused by: X" line's X, else the trace's first line's exception class;
// "" when the lines after the first hold no trace.
func RootException(lines []string) string {
	if len(lines) < 2 {
		return ""
	}
	root := ""
	for _, l := range lines[1:] {
		t := strings.TrimSpace(l)
		if c, ok := strings.CutPrefix(t, "Caused by: "); ok {
			root = exceptionClass(c)
		} else if root == "" && !strings.HasPrefix(t, "at ") && !strings.HasPrefix(t, "...") {
			root = exceptionClass(t)
		}
	}
	return root
}

// exceptionClass returns the class at the start of "pkg.SomeException: msg",
// "" when it does not look like one.
func exceptionClass(s string) string {
	name, _, _ := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if strings.ContainsAny(name, " \t") || !strings.Contains(name, ".") ||
		!(strings.HasSuffix(name, "Exception") || strings.HasSuffix(name, "Error") || strings.HasSuffix(name, "Throwable")) {
		return ""
	}
	return name
}

// isLogger reports whether a logback prefix is "[thread] pkg.Logger" or
// "pkg.Logger": a dotted name, so that "HikariPool-1 - Connection is not
// available" keeps its pool's name.
func isLogger(prefix string) bool {
	prefix = strings.TrimSpace(prefix)
	if strings.HasPrefix(prefix, "[") {
		if j := strings.Index(prefix, "] "); j > 0 {
			prefix = strings.TrimSpace(prefix[j+2:])
		}
	}
	return prefix != "" && !strings.ContainsAny(prefix, " \t") && strings.Contains(prefix, ".")
}
