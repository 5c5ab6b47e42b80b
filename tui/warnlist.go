package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sobang/sobang/sources/sanitize"
	"github.com/sobang/sobang/sources/store"
)

// warnList is the list of every source's warnings, opened with !: the list
// `sobang report` prints under its sources (store.Source.WarningList), per
// source, read from the store on each draw so that warnings arriving while
// it is open appear. While shown it has the keyboard.
type warnList struct {
	scroller
	close key.Binding
	shown bool
}

func newWarnList(k KeyMap) warnList {
	return warnList{
		scroller: newScroller(k),
		close:    anyOf(k.Warnings.Help().Key+" or "+k.Clear.Help().Key, "closes", k.Warnings, k.Clear, k.Quit),
	}
}

// open shows the list from its top.
func (l *warnList) open() { l.shown, l.offset = true, 0 }

// handleKey scrolls or closes the list.
func (l *warnList) handleKey(msg tea.KeyPressMsg) {
	if key.Matches(msg, l.close) {
		l.shown = false
		return
	}
	l.scroller.handleKey(msg)
}

// render draws the list in exactly w x h cells; it keeps the offset within
// the text.
func (l *warnList) render(st *Styles, s *store.Store, own []string, zone *time.Location, w, h int) string {
	lines, n := warningLines(st, s, own, zone, w-2)
	lines = l.view(lines, h-2, st)
	title := "Warnings"
	if n > 0 {
		title += " (" + itoa(n) + ")"
	}
	return box(st, title, hints(" · ", l.keys.Scroll, l.close), st.Muted, lines, w, h, true)
}

// warningLines lays out every source's warnings in width cells: a heading
// per source that has any (its name sanitised, its format and rows), then
// its warnings indented, wrapped rather than cut so that none loses its
// end. The dashboard's own warnings (own: clocks that do not overlap, a
// recording that stopped), which the status line may have cut, come first
// in full. It also returns how many warnings there are.
func warningLines(st *Styles, s *store.Store, own []string, zone *time.Location, width int) ([]string, int) {
	stamp := func(t time.Time) string { return t.In(zone).Format("15:04:05") }
	var lines []string
	total := len(own)
	if len(own) > 0 {
		lines = append(lines, wrap(st.Bold, "dashboard"))
		lines = appendWrapped(lines, own, width)
	}
	for _, src := range s.Sources {
		list := src.WarningList(stamp)
		if len(list) == 0 {
			continue
		}
		total += len(list)
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		about := []string{}
		if src.Health.Format != "" {
			about = append(about, clean(src.Health.Format))
		}
		about = append(about, count(int64(src.Rows))+" rows")
		if src.BadRows > 0 {
			about = append(about, count(int64(src.BadRows))+" bad rows")
		}
		lines = append(lines, wrap(st.Bold, clean(src.Name))+wrap(st.Muted, "  "+strings.Join(about, " · ")))
		lines = appendWrapped(lines, list, width)
	}
	if total == 0 {
		lines = append(lines, wrap(st.Muted, "no source reported a warning"))
	}
	return lines, total
}

// appendWrapped appends each warning indented, wrapped to width.
func appendWrapped(lines, list []string, width int) []string {
	for _, w := range list {
		for i, part := range wrapWords(clean(w), max(width-5, 8)) {
			indent := "  "
			if i > 0 {
				indent = "    "
			}
			lines = append(lines, indent+part)
		}
	}
	return lines
}

// clean makes text from outside (a file name, a reason quoting a field)
// safe to draw and one line long.
func clean(s string) string {
	out, _ := sanitize.String([]byte(s))
	return out
}

// wrapWords breaks plain text into lines of at most width cells at spaces;
// a word longer than a line is broken after its last comma that fits, or
// else where the line ends. Unlike ansi.Wrap it keeps hyphenated words and
// flags (--jtl-columns) whole.
func wrapWords(s string, width int) []string {
	var out []string
	line, lineW := "", 0
	for _, word := range strings.Split(s, " ") {
		ww := ansi.StringWidth(word)
		if line != "" && lineW+1+ww <= width {
			line, lineW = line+" "+word, lineW+1+ww
			continue
		}
		if line != "" {
			out = append(out, line)
		}
		for ww > width {
			head := ansi.Cut(word, 0, width)
			if i := strings.LastIndexByte(head, ','); i >= width/3 {
				head = head[:i+1]
			}
			out = append(out, head)
			word = word[len(head):]
			ww = ansi.StringWidth(word)
		}
		line, lineW = word, ww
	}
	return append(out, line)
}
