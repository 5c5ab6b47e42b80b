package record

import (
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

// maxCleaned bounds the values a replay remembers it has cleaned.
const maxCleaned = 8192

// cleaner makes the samples and log entries of a recording safe to show
// again, as their sources made them when they were recorded: a recording
// is input like any other, and one written by hand, or by another program,
// may hold anything. The rest of a batch is cleaned by the store's pump,
// whatever its source.
type cleaner struct {
	seen map[string]string // values that needed work -> their clean form
}

// value returns s made safe by sanitize.Value, its secrets masked (a
// recording written with redaction off may hold them). A recording's
// strings are decoded one by one, so the same label comes as many
// strings; those that need work are remembered by value rather than
// sanitised again.
func (c *cleaner) value(s string) string {
	if len(s) <= sanitize.MaxBytes && sanitize.Printable(s) && strings.IndexByte(s, '@') < 0 && sanitize.Redact(s) == s {
		return s
	}
	if v, ok := c.seen[s]; ok {
		return v
	}
	v := sanitize.Value(s)
	if c.seen == nil {
		c.seen = map[string]string{}
	}
	if len(c.seen) < maxCleaned {
		c.seen[s] = v
	}
	return v
}

// batch cleans b's samples and log entries in place: they are the
// replay's own, freshly decoded.
func (c *cleaner) batch(b *sources.Batch) {
	for i := range b.Samples {
		s := &b.Samples[i]
		s.Label, s.Code, s.Message = c.value(s.Label), c.value(s.Code), c.value(s.Message)
		s.Failure, s.Thread, s.URL = c.value(s.Failure), c.value(s.Thread), c.value(s.URL)
	}
	for i := range b.Entries {
		e := &b.Entries[i]
		changed := false
		for j, l := range e.Lines {
			if !sanitize.Safe(l) {
				l, changed = sanitize.Text(l), true
			}
			if r := sanitize.Redact(l); r != l {
				l, changed = r, true
			}
			e.Lines[j] = l
		}
		if !sanitize.Safe(e.LevelText) {
			e.LevelText, changed = sanitize.Text(e.LevelText), true
		}
		// The level is shown where it stands in the first line: an offset
		// that no longer points at it after cleaning is dropped.
		if changed && e.LevelCol >= 0 && (len(e.Lines) == 0 || !strings.HasPrefix(e.Lines[0][min(e.LevelCol, len(e.Lines[0])):], e.LevelText)) {
			e.LevelCol = -1
		}
	}
}
