package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

// maxContinuation is how many continuation lines (stack frames) an entry
// shows in the pane; enter shows the whole entry.
const maxContinuation = 4

// logPane shows log entries oldest to newest around the cursor.
type logPane struct {
	keymap  logKeys
	offset  int // entries scrolled from the anchor (negative: older)
	hscroll int // cells scrolled sideways
	anchor  int // index of the entry at the cursor, -1 when none

	cacheKey logKey
	cache    string
	matches  []int // indices of entries passing the filter, when filtering
	matchKey logMatchKey
}

// logKeys are the log pane's keys: the first five are its help, in order
// (Scroll, Page and Sideways standing for the pairs they name); < and >
// work from every pane.
type logKeys struct {
	Scroll, Page, Sideways     key.Binding
	Open, Filter               key.Binding
	Up, Down, PageUp, PageDown key.Binding
}

func newLogKeys(k KeyMap) logKeys {
	return logKeys{
		Scroll:   anyOf("↑/↓ j/k", "scroll entries", k.Up, k.Down),
		Page:     anyOf("pgup/pgdn", "scroll a page", k.PageUp, k.PageDown),
		Sideways: anyOf("< >", "scroll long lines sideways", k.ScrollLeft, k.ScrollRight),
		Open:     describe(k.Open, "open the entry at the cursor"),
		Filter:   describe(k.Search, "filter by text"),
		Up:       k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown,
	}
}

func (k logKeys) help() []key.Binding {
	return []key.Binding{k.Scroll, k.Page, k.Sideways, k.Open, k.Filter}
}

// pauseLiveMsg asks the root to pause a live session: the user scrolled
// the logs back to read them, and they must not run away.
type pauseLiveMsg struct{}

type logKey struct {
	frame           frameKey
	version         uint64
	note            string
	w, h            int
	focused         bool
	offset, hscroll int
	filter          string
	zoomed          bool
	theme           *Styles
}

type logMatchKey struct {
	version        uint64
	filter         string
	winFrom, winTo int64
}

func newLogPane(k KeyMap) *logPane { return &logPane{keymap: newLogKeys(k), anchor: -1} }

func (p *logPane) title() string      { return "Logs" }
func (p *logPane) kind() sources.Kind { return sources.KindLog }
func (p *logPane) hint() string {
	return "no logs: add one with --log FILE or -"
}
func (p *logPane) charts() []chartArea { return nil }

func (p *logPane) keys() []key.Binding { return p.keymap.help() }

// scroll moves the entries; scrolling back pauses a live session.
func (p *logPane) scroll(_ *frame, n int) tea.Msg {
	p.offset += n
	if n < 0 {
		return pauseLiveMsg{}
	}
	return nil
}

func (p *logPane) handleKey(msg tea.KeyPressMsg, f *frame) tea.Msg {
	switch {
	case key.Matches(msg, p.keymap.Up):
		p.scroll(f, -1)
	case key.Matches(msg, p.keymap.Down):
		p.scroll(f, 1)
	case key.Matches(msg, p.keymap.PageUp):
		p.scroll(f, -10)
	case key.Matches(msg, p.keymap.PageDown):
		p.scroll(f, 10)
	default:
		return nil
	}
	return pauseLiveMsg{} // a scroll key, either way, means the reader took over
}

func (p *logPane) filterChanged() { p.offset = 0 }

func (p *logPane) clear(f *frame) tea.Msg {
	if f.filters[paneLogs] == "" && p.offset == 0 && p.hscroll == 0 {
		return nil
	}
	p.offset, p.hscroll = 0, 0
	return setFilterMsg{pane: paneLogs}
}

func (p *logPane) scrollSideways(n int) { p.hscroll = max(p.hscroll+n, 0) }

// followCursor drops the scroll: the pane shows the entry at the cursor
// again (live: the newest), as after end or space.
func (p *logPane) followCursor() { p.offset = 0 }

func (p *logPane) open(f *frame) tea.Msg {
	logs := f.store.Logs
	if p.anchor < 0 || p.anchor >= logs.Len() {
		return nil
	}
	e := logs.At(p.anchor)
	var b strings.Builder
	b.WriteString(time.UnixMilli(e.TimeMS).In(f.zone).Format("2006-01-02 15:04:05.000 MST"))
	b.WriteString("  " + f.store.Sources[e.Source].Name)
	if e.LineNo > 0 {
		b.WriteString(":" + itoa(e.LineNo))
	}
	b.WriteString("\n\n")
	for _, l := range e.Lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	if e.Truncated {
		b.WriteString("[entry cut at its size cap]\n")
	}
	return showOverlayMsg{b.String()}
}

// visible returns the indices of the entries the pane may show, in order;
// nil means all of them (no filter and no window).
func (p *logPane) visible(f *frame) []int {
	flt := store.Filter{FromMS: f.winFrom, ToMS: f.winTo, Text: f.filters[paneLogs], Path: f.path}
	if !flt.Active() {
		return nil
	}
	logs := f.store.Logs
	mk := logMatchKey{logs.Version, flt.Text + "\x00" + f.path, f.winFrom, f.winTo}
	if mk == p.matchKey && p.matches != nil {
		return p.matches
	}
	p.matches = p.matches[:0]
	if p.matches == nil {
		p.matches = []int{}
	}
	start := 0
	if f.winFrom != 0 {
		start = logs.Search(f.winFrom)
	}
	for i := start; i < logs.Len(); i++ {
		e := logs.At(i)
		if f.winTo != 0 && e.TimeMS >= f.winTo {
			break
		}
		if flt.Match(e) {
			p.matches = append(p.matches, i)
		}
	}
	p.matchKey = mk
	return p.matches
}

func (p *logPane) render(f *frame, w, h int, focused bool) string {
	return p.renderZoomed(f, w, h, focused, false)
}

func (p *logPane) renderZoomed(f *frame, w, h int, focused, zoomed bool) string {
	logs := f.store.Logs
	note, noteSt := paneHealth(f, sources.KindLog)
	filter := f.filters[paneLogs]
	k := logKey{f.key(), logs.Version, note, w, h, focused, p.offset, p.hscroll, filter, zoomed, f.st}
	if k == p.cacheKey && p.cache != "" {
		return p.cache
	}
	if filter != "" {
		note = "filter “" + filter + "” · " + note
	}
	if f.path != "" {
		note = "path " + f.path + " · " + note
	}
	inner, ih := w-2, h-2
	vis := p.visible(f)
	n := logs.Len()
	if vis != nil {
		n = len(vis)
	}
	idx := func(i int) int {
		if vis != nil {
			return vis[i]
		}
		return i
	}
	var lines []string
	if n == 0 {
		msg := "no entries yet"
		if vis != nil {
			msg = "no entry matches"
			if filter != "" {
				msg += " “" + filter + "”"
			}
			if f.winTo != 0 {
				msg += " in the selected window"
			}
		}
		lines = append(lines, wrap(f.st.Muted, msg))
		p.anchor = -1
		p.cache = box(f.st, numbered(paneLogs, p.title()), note, noteSt, lines, w, h, focused)
		p.cacheKey = k
		return p.cache
	}
	// The anchor: the first entry at or after the cursor (live: the newest).
	var a int
	if f.live && p.offset == 0 {
		a = n - 1
	} else {
		target := f.cursorMS
		a = searchIdx(n, func(i int) bool { return logs.At(idx(i)).TimeMS >= target })
		if a == n {
			a = n - 1
		}
	}
	a = min(max(a+p.offset, 0), n-1)
	p.anchor = idx(a)
	multi := f.store.KindCount(sources.KindLog) > 1
	maxCont := maxContinuation
	if zoomed {
		maxCont = 1 << 20
	}
	// Entries from the anchor on; then, if room is left, the ones before it,
	// so the pane is never empty while entries exist.
	var after [][]string
	used := 0
	for i := a; i < n && used < ih; i++ {
		el := p.entryLines(f, logs.At(idx(i)), inner, idx(i) == p.anchor, multi, maxCont)
		after = append(after, el)
		used += len(el)
	}
	var before [][]string
	for i := a - 1; i >= 0 && used < ih; i-- {
		el := p.entryLines(f, logs.At(idx(i)), inner, false, multi, maxCont)
		before = append(before, el)
		used += len(el)
	}
	for i := len(before) - 1; i >= 0; i-- {
		lines = append(lines, before[i]...)
	}
	// If the older entries overflow, drop their oldest lines.
	if over := len(lines) + countLines(after) - ih; over > 0 && len(before) > 0 {
		lines = lines[min(over, len(lines)):]
	}
	for _, el := range after {
		lines = append(lines, el...)
	}
	if len(lines) > ih {
		lines = lines[:ih]
	}
	p.cache = box(f.st, numbered(paneLogs, p.title()), note, noteSt, lines, w, h, focused)
	p.cacheKey = k
	return p.cache
}

func countLines(groups [][]string) int {
	n := 0
	for _, g := range groups {
		n += len(g)
	}
	return n
}

func searchIdx(n int, pred func(int) bool) int {
	lo, hi := 0, n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if !pred(mid) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// entryLines renders one entry: its header line with the level word in its
// colour, and its continuation lines (up to maxCont, then a count).
func (p *logPane) entryLines(f *frame, e *store.Entry, w int, atCursor, multi bool, maxCont int) []string {
	gutter := "  "
	if atCursor {
		gutter = wrap(f.st.Cursor, "▶") + " "
	}
	var tag string
	if multi {
		tag = "[" + baseName(f.store.Sources[e.Source].Name) + "] "
	}
	tw := w - 2 - len(tag)
	out := make([]string, 0, 1+min(len(e.Lines)-1, maxCont+1))
	if len(e.Lines) == 0 {
		return append(out, gutter)
	}
	clock := time.UnixMilli(e.TimeMS).In(f.zone).Format("15:04:05.000")
	level, rest := splitEntry(e)
	var head string
	if p.hscroll == 0 {
		lw := 0
		if level != "" {
			lw = len(level) + 1
			level = wrap(f.st.Levels[min(e.Level, sources.LevelFatal)], level) + " "
		}
		head = wrap(f.st.Muted, clock) + " " + level + fitPlain(rest, 0, tw-len(clock)-1-lw)
	} else {
		head = fitPlain(e.Lines[0], p.hscroll, tw)
	}
	if atCursor {
		head = wrap(f.st.Bold, head)
	}
	out = append(out, gutter+wrap(f.st.Muted, tag)+head)
	cont := e.Lines[1:]
	for i, l := range cont {
		if i == maxCont && len(cont) > maxCont+1 {
			out = append(out, "  "+wrap(f.st.Muted, "⋯ "+itoa(len(cont)-maxCont)+" more lines (enter opens the entry)"))
			break
		}
		out = append(out, "  "+wrap(f.st.Muted, fitPlain(l, p.hscroll, w-2)))
	}
	return out
}

// splitEntry returns an entry's level word as written and the text to show
// after it: the message, with a Spring Boot style "pid --- [app] [thread]
// logger : " prefix shortened to the logger's class name. The time is shown
// apart, in the display zone, so it is dropped from the text.
func splitEntry(e *store.Entry) (level, rest string) {
	line := e.Lines[0]
	if e.LevelCol < 0 || e.LevelText == "" || e.LevelCol+len(e.LevelText) > len(line) {
		return "", line
	}
	level = line[e.LevelCol : e.LevelCol+len(e.LevelText)]
	rest = strings.TrimLeft(line[e.LevelCol+len(e.LevelText):], " ")
	if i := strings.Index(rest, " : "); i >= 0 && i < 240 && strings.Contains(rest[:i], " --- ") {
		prefix := strings.TrimRight(rest[:i], " ")
		logger := prefix[strings.LastIndexByte(prefix, ' ')+1:]
		logger = logger[strings.LastIndexByte(logger, '.')+1:]
		rest = logger + ": " + rest[i+3:]
	}
	return level, rest
}
