package tui

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/analysis/drain"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/tui/chart"
)

// maxContinuation is how many continuation lines (stack frames) an entry
// shows in the pane; enter shows the whole entry.
const maxContinuation = 4

// logPane shows log entries oldest to newest around the cursor.
type logPane struct {
	keymap   logKeys
	offset   int  // entries scrolled from the anchor (negative: older)
	hscroll  int  // cells scrolled sideways
	anchor   int  // index of the entry at the cursor, -1 when none
	jump     int  // the entry [ or ] chose, to be put at the cursor; -1 when none
	expanded bool // x: stack traces and continuation lines shown whole
	wrapped  bool // w: long lines wrap instead of being cut

	cacheKey logKey
	cache    string
	matches  []int // indices of entries passing the filter, when filtering
	// pathHidden counts the entries the open label's path left out of
	// matches (they name another path).
	pathHidden int

	search  string         // the / search, "" for none
	re      *regexp.Regexp // search compiled (smart case), nil for none
	exclude string         // F: entries holding it are left out
	// minLevel is W's filter: the least level shown (LevelUnknown: all).
	minLevel sources.Level
	// filtered counts the entries of the window the text and level filters
	// left out (not those the path did: pathHidden).
	filtered int
	// templates is t: the pane lists the window's templates instead of its
	// entries.
	templates  bool
	tmplOffset int // templates scrolled past at the top of t's list

	strip    chart.Chart // the ERROR entries over the time axis, on the pane's first line
	counts   []float64
	areas    []chartArea
	matchKey logMatchKey
}

// logKeys are the log pane's keys: the first five are its help, in order
// (Scroll, Page and Sideways standing for the pairs they name); < and >
// work from every pane.
type logKeys struct {
	Scroll, Page, Sideways     key.Binding
	Open, Filter               key.Binding
	Keep, Drop                 key.Binding
	Level, Templates           key.Binding
	NextMatch, PrevMatch       key.Binding
	Errors, Expand, Wrap       key.Binding
	Copy                       key.Binding
	PrevError, NextError       key.Binding
	Up, Down, PageUp, PageDown key.Binding
}

func newLogKeys(k KeyMap) logKeys {
	return logKeys{
		Scroll:    anyOf("↑/↓ j/k", "scroll entries", k.Up, k.Down),
		Page:      anyOf("pgup/pgdn", "scroll a page", k.PageUp, k.PageDown),
		Sideways:  anyOf("< >", "scroll long lines sideways", k.ScrollLeft, k.ScrollRight),
		Open:      describe(k.Open, "open the entry at the cursor"),
		Filter:    describe(k.Search, "search (regex, smart case): matches marked, n / N next / previous"),
		Keep:      key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "keep only the entries holding a text")),
		Drop:      key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "leave out the entries holding a text")),
		NextMatch: key.NewBinding(key.WithKeys("n")), PrevMatch: key.NewBinding(key.WithKeys("N")),
		Level:     key.NewBinding(key.WithKeys("W"), key.WithHelp("W", "least level shown: all, WARN and worse, ERROR and worse")),
		Templates: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "the window's templates, new ones first, or the entries")),
		Errors:    key.NewBinding(key.WithKeys("[", "]"), key.WithHelp("[ ]", "previous / next ERROR entry (the cursor follows)")),
		Expand:    key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "stack traces whole, or folded to exception and root cause")),
		Wrap:      key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "wrap long lines, or cut them")),
		Copy:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy the entry at the cursor (OSC 52, [logs] copy)")),
		PrevError: key.NewBinding(key.WithKeys("[")), NextError: key.NewBinding(key.WithKeys("]")),
		Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown,
	}
}

func (k logKeys) help() []key.Binding {
	return []key.Binding{k.Scroll, k.Page, k.Sideways, k.Open, k.Filter, k.Keep, k.Drop, k.Level, k.Errors, k.Expand, k.Wrap, k.Copy, k.Templates}
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
	filter, exclude string
	search          string
	zoomed          bool
	expanded        bool
	wrapped         bool
	templates       bool
	minLevel        sources.Level
	theme           *Styles
}

type logMatchKey struct {
	version        uint64
	filter         string
	winFrom, winTo int64
}

func newLogPane(k KeyMap) *logPane { return &logPane{keymap: newLogKeys(k), anchor: -1, jump: -1} }

func (p *logPane) title() string      { return "Logs" }
func (p *logPane) kind() sources.Kind { return sources.KindLog }
func (p *logPane) hint() string {
	return "no logs: add one with --log FILE or -"
}
func (p *logPane) charts() []chartArea { return p.areas }

func (p *logPane) keys() []key.Binding { return p.keymap.help() }

// scroll moves the entries; scrolling back pauses a live session.
func (p *logPane) scroll(_ *frame, n int) tea.Msg {
	if p.templates {
		// The template list scrolls on its own; the entries stay put.
		p.tmplOffset, p.cache = max(p.tmplOffset+n, 0), ""
		return nil
	}
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
	case key.Matches(msg, p.keymap.PrevError):
		return p.toError(f, -1)
	case key.Matches(msg, p.keymap.NextError):
		return p.toError(f, 1)
	case key.Matches(msg, p.keymap.Level):
		switch p.minLevel {
		case sources.LevelUnknown:
			p.minLevel = sources.LevelWarn
		case sources.LevelWarn:
			p.minLevel = sources.LevelError
		default:
			p.minLevel = sources.LevelUnknown
		}
		p.offset, p.cache = 0, ""
		return nil
	case key.Matches(msg, p.keymap.Templates):
		p.templates, p.cache = !p.templates, ""
		return nil
	case key.Matches(msg, p.keymap.Keep):
		return startSearchMsg{'f'}
	case key.Matches(msg, p.keymap.Drop):
		return startSearchMsg{'F'}
	case key.Matches(msg, p.keymap.NextMatch):
		return p.toMatch(f, 1)
	case key.Matches(msg, p.keymap.PrevMatch):
		return p.toMatch(f, -1)
	case key.Matches(msg, p.keymap.Expand):
		p.expanded = !p.expanded
		return nil
	case key.Matches(msg, p.keymap.Wrap):
		p.wrapped, p.hscroll = !p.wrapped, 0
		return nil
	case key.Matches(msg, p.keymap.Copy):
		return p.copyEntry(f)
	default:
		return nil
	}
	if p.templates {
		return nil // the template list scrolled, not the entries
	}
	return pauseLiveMsg{} // a scroll key, either way, means the reader took over
}

// setSearch sets the / search: a regular expression, case-insensitive
// unless it holds an upper-case letter (smart case, as less and vim); text
// that is no valid expression is searched for as it is.
func (p *logPane) setSearch(text string) {
	p.search, p.re, p.cache = text, nil, ""
	if text == "" {
		return
	}
	fold := strings.ToLower(text) == text
	expr := text
	if _, err := regexp.Compile(expr); err != nil {
		expr = regexp.QuoteMeta(text)
	}
	if fold {
		expr = "(?i)" + expr
	}
	p.re = regexp.MustCompile(expr)
}

// toMatch moves the shared cursor to the previous (dir -1) or next (dir 1)
// entry the search matches, as toError does for ERROR entries.
func (p *logPane) toMatch(f *frame, dir int) tea.Msg {
	if p.re == nil {
		return noticeMsg{"no search: / searches the logs"}
	}
	return p.toEntry(f, dir, func(e *store.Entry) bool {
		for _, l := range e.Lines {
			if p.re.MatchString(l) {
				return true
			}
		}
		return false
	}, "match of “"+p.search+"”")
}

// toError finds the previous (dir -1) or next (dir 1) entry at ERROR or
// worse from the entry at the cursor, among those the pane shows, and
// moves the shared cursor to it: every pane then shows its second.
func (p *logPane) toError(f *frame, dir int) tea.Msg {
	return p.toEntry(f, dir, func(e *store.Entry) bool { return e.Level >= sources.LevelError }, "ERROR entry")
}

// toEntry moves the shared cursor to the previous (dir -1) or next (dir 1)
// entry the pane shows for which ok holds, from the entry at the cursor;
// where there is none the status line says so, naming what.
func (p *logPane) toEntry(f *frame, dir int, ok func(*store.Entry) bool, what string) tea.Msg {
	logs := f.store.Logs
	n, idx := p.shown(f)
	// The anchor's place among the shown entries.
	pos := searchIdx(n, func(i int) bool { return idx(i) >= p.anchor })
	for i := pos + dir; i >= 0 && i < n; i += dir {
		if e := logs.At(idx(i)); ok(e) {
			p.jump, p.offset, p.cache = idx(i), 0, ""
			return setCursorMsg{ms: e.TimeMS}
		}
	}
	if dir > 0 {
		return noticeMsg{"no later " + what}
	}
	return noticeMsg{"no earlier " + what}
}

func (p *logPane) filterChanged() { p.offset = 0 }

func (p *logPane) clear(f *frame) tea.Msg {
	if f.filters[paneLogs] == "" && p.offset == 0 && p.hscroll == 0 && p.search == "" && p.exclude == "" && p.minLevel == sources.LevelUnknown {
		return nil
	}
	p.offset, p.hscroll, p.exclude, p.minLevel = 0, 0, "", sources.LevelUnknown
	p.setSearch("")
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
	return showEntryMsg{b.String(), identifiers(e.Lines)}
}

// visible returns the indices of the entries the pane may show, in order;
// nil means all of them (no filter and no window).
func (p *logPane) visible(f *frame) []int {
	flt := store.Filter{FromMS: f.winFrom, ToMS: f.winTo, Text: f.filters[paneLogs], Exclude: p.exclude, Path: f.path, MinLevel: p.minLevel}
	if !flt.Active() {
		p.pathHidden, p.filtered = 0, 0 // nothing hidden any more
		return nil
	}
	logs := f.store.Logs
	mk := logMatchKey{logs.Version, flt.Text + "\x00" + flt.Exclude + "\x00" + f.path + "\x00" + p.minLevel.String(), f.winFrom, f.winTo}
	if mk == p.matchKey && p.matches != nil {
		return p.matches
	}
	p.matches = p.matches[:0]
	if p.matches == nil {
		p.matches = []int{}
	}
	p.pathHidden, p.filtered = 0, 0
	start := 0
	if f.winFrom != 0 {
		start = logs.Search(f.winFrom)
	}
	for i := start; i < logs.Len(); i++ {
		if f.winTo != 0 && logs.TimeMS(i) >= f.winTo {
			break
		}
		e := logs.Entry(i, flt)
		if flt.Match(e) {
			p.matches = append(p.matches, i)
		} else if flt.HidesForPath(e) {
			p.pathHidden++
		} else {
			p.filtered++
		}
	}
	p.matchKey = mk
	return p.matches
}

// shown returns how many entries the pane may show and the store index of
// the i-th of them (visible's, or all entries').
func (p *logPane) shown(f *frame) (int, func(int) int) {
	vis := p.visible(f)
	if vis == nil {
		return f.store.Logs.Len(), func(i int) int { return i }
	}
	return len(vis), func(i int) int { return vis[i] }
}

func (p *logPane) render(f *frame, w, h int, focused bool) string {
	return p.renderZoomed(f, w, h, focused, false)
}

func (p *logPane) renderZoomed(f *frame, w, h int, focused, zoomed bool) string {
	logs := f.store.Logs
	note, noteSt := paneHealth(f, sources.KindLog)
	filter := f.filters[paneLogs]
	k := logKey{f.key(), logs.Version, note, w, h, focused, p.offset, p.hscroll, filter, p.exclude, p.search, zoomed, p.expanded, p.wrapped, p.templates, p.minLevel, f.st}
	if k == p.cacheKey && p.cache != "" {
		return p.cache
	}
	if p.search != "" {
		note = "search “" + p.search + "” (n/N) · " + note
	}
	if p.exclude != "" {
		note = "without “" + p.exclude + "” · " + note
	}
	if filter != "" {
		note = "with “" + filter + "” · " + note
	}
	if p.minLevel != sources.LevelUnknown {
		note = p.minLevel.String() + " and worse · " + note
	}
	inner, ih := w-2, h-2
	n, idx := p.shown(f)
	vis := p.visible(f)
	if p.filtered > 0 {
		note = itoa(p.filtered) + " hidden · " + note
	}
	if p.templates {
		p.areas = p.areas[:0]
		p.cache = box(f.st, numbered(paneLogs, p.title()), "templates · "+note, noteSt, p.templateLines(f, inner, ih), w, h, focused)
		p.cacheKey = k
		return p.cache
	}
	if f.path != "" {
		// Entries naming no path stay (an error without a URL, a startup
		// line); those naming another are counted, never silently gone.
		hidden := ""
		if p.pathHidden > 0 {
			hidden = " (" + itoa(p.pathHidden) + " naming other paths hidden)"
		}
		note = "path " + f.path + hidden + " · " + note
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
	p.areas = p.areas[:0]
	if ih >= 8 && f.toMS > f.fromMS {
		// A strip of the ERROR entries over the shared time axis, linked to
		// the cursor: where the errors are, before reading any line.
		var area chartArea
		lines, area = p.errorStrip(f, lines, inner)
		p.areas = append(p.areas, area)
		ih--
	}
	// The anchor: the first entry at or after the cursor (live: the newest).
	var a int
	// A replay follows its cursor: the store may hold what comes later (a
	// file recorded whole is there from the start).
	if f.live && p.offset == 0 && !f.replay {
		a = n - 1
	} else {
		target := f.cursorMS
		a = searchIdx(n, func(i int) bool { return logs.TimeMS(idx(i)) >= target })
		if a == n {
			a = n - 1
		}
	}
	if p.jump >= 0 {
		// [ or ] chose an entry: put it at the cursor, whatever entries
		// share its millisecond.
		if at := searchIdx(n, func(i int) bool { return idx(i) >= p.jump }); at < n && idx(at) == p.jump {
			p.offset = at - a
		}
		p.jump = -1
		k.offset = p.offset
	}
	a = min(max(a+p.offset, 0), n-1)
	p.anchor = idx(a)
	multi := f.store.KindCount(sources.KindLog) > 1
	maxCont := maxContinuation
	if zoomed || p.expanded {
		maxCont = 1 << 20
	}
	// About a third of the pane above the entry at the cursor is for the
	// entries before it (context); then the entry and those after it; then,
	// if room is left, more before it, so the pane is never empty while
	// entries exist.
	var before [][]string
	used := 0
	for i := a - 1; i >= 0 && used < ih/3; i-- {
		el := p.entryLines(f, logs.At(idx(i)), inner, false, multi, maxCont)
		before = append(before, el)
		used += len(el)
	}
	var after [][]string
	for i := a; i < n && used < ih; i++ {
		el := p.entryLines(f, logs.At(idx(i)), inner, idx(i) == p.anchor, multi, maxCont)
		after = append(after, el)
		used += len(el)
	}
	for i := a - 1 - len(before); i >= 0 && used < ih; i-- {
		el := p.entryLines(f, logs.At(idx(i)), inner, false, multi, maxCont)
		before = append(before, el)
		used += len(el)
	}
	var body []string
	for i := len(before) - 1; i >= 0; i-- {
		body = append(body, before[i]...)
	}
	// If the older entries overflow, drop their oldest lines.
	if over := len(body) + countLines(after) - ih; over > 0 && len(before) > 0 {
		body = body[min(over, len(body)):]
	}
	for _, el := range after {
		body = append(body, el...)
	}
	if len(body) > ih {
		body = body[:ih]
	}
	lines = append(lines, body...) // under the strip, if any
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
	var more []string // the header's wrapped rest, with w
	if p.hscroll == 0 {
		lw := 0
		if level != "" {
			lw = len(level) + 1
			level = wrap(f.st.Levels[min(e.Level, sources.LevelFatal)], level) + " "
		}
		room := tw - len(clock) - 1 - lw
		if p.wrapped && room > 8 && ansi.StringWidth(rest) > room {
			parts := hardWrap(rest, room)
			rest, more = parts[0], parts[1:]
		}
		head = wrap(f.st.Muted, clock) + " " + level + p.marked(fitPlain(rest, 0, room), chart.Style{}, f.st)
	} else {
		head = fitPlain(e.Lines[0], p.hscroll, tw)
	}
	if atCursor {
		head = wrap(f.st.Bold, head)
	}
	out = append(out, gutter+wrap(f.st.Muted, tag)+head)
	indent := strings.Repeat(" ", 2+len(tag)+len(clock)+1)
	for _, l := range more {
		out = append(out, indent+fitPlain(l, 0, w-len(indent)))
	}
	cont := e.Lines[1:]
	if first, root, n := traceSummary(cont); first != "" && maxCont < len(cont) {
		// A stack trace folds to the exception and its root cause, the
		// useful part usually many lines down.
		text := "↳ " + itoa(n) + " lines: " + first
		if root != "" && root != first {
			// The root cause's message is what explains; the outer one's
			// class is enough.
			cls, _, _ := strings.Cut(first, ": ")
			text = "↳ " + itoa(n) + " lines: " + cls + " … caused by " + root
		}
		return append(out, "  "+wrap(f.st.Muted, fitPlain(text, 0, w-2)))
	}
	for i, l := range cont {
		if i == maxCont && len(cont) > maxCont+1 {
			out = append(out, "  "+wrap(f.st.Muted, "⋯ "+itoa(len(cont)-maxCont)+" more lines (enter opens the entry)"))
			break
		}
		if p.wrapped && p.hscroll == 0 && ansi.StringWidth(l) > w-2 {
			for _, part := range hardWrap(l, w-2) {
				out = append(out, "  "+p.marked(fitPlain(part, 0, w-2), f.st.Muted, f.st))
			}
			continue
		}
		out = append(out, "  "+p.marked(fitPlain(l, p.hscroll, w-2), f.st.Muted, f.st))
	}
	return out
}

// hardWrap cuts plain text into lines of at most w cells.
func hardWrap(s string, w int) []string {
	return strings.Split(ansi.Hardwrap(s, w, true), "\n")
}

// traceSummary reads a Java stack trace in an entry's continuation lines:
// the first exception ("CannotCreateTransactionException: Could not open
// ..."), its root cause (the last "Caused by:"), both with the class's
// package left out, and how many lines the trace has; first is "" when
// the lines hold no trace.
func traceSummary(cont []string) (first, root string, n int) {
	frames := 0
	for _, l := range cont {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "at ") || strings.HasPrefix(t, "..."):
			frames++
		case strings.HasPrefix(t, "Caused by: "):
			root = shortException(strings.TrimPrefix(t, "Caused by: "))
		case first == "" && t != "":
			first = shortException(t)
		}
	}
	if frames == 0 || first == "" {
		return "", "", 0
	}
	return first, root, len(cont)
}

// shortException drops the package from "pkg.SomeException: message".
func shortException(s string) string {
	name, msg, ok := strings.Cut(s, ": ")
	if i := strings.LastIndexByte(name, '.'); i >= 0 && !strings.ContainsAny(name, " \t") {
		name = name[i+1:]
	}
	if ok {
		return name + ": " + msg
	}
	return name
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

// errorStrip appends a one-line strip of how many entries at ERROR or worse
// each column of the time axis holds (of the entries the pane shows: its
// filter and the label's path apply), scaled to the busiest column; a
// column without one draws nothing.
func (p *logPane) errorStrip(f *frame, lines []string, inner int) ([]string, chartArea) {
	n := 2 * max(inner-chart.LabelWidth-1, 1)
	logs := f.store.Logs
	flt := store.Filter{Text: f.filters[paneLogs], Exclude: p.exclude, Path: f.path}
	p.counts = p.counts[:0]
	top := 0.0
	span := f.toMS - f.fromMS
	i := logs.Search(f.fromMS)
	for c := 0; c < n; c++ {
		end := f.fromMS + int64(c+1)*span/int64(n)
		count := 0
		for ; i < logs.Len(); i++ {
			if logs.TimeMS(i) >= end {
				break
			}
			if logs.Level(i) >= sources.LevelError && flt.Match(logs.Entry(i, flt)) {
				count++
			}
		}
		v := math.NaN()
		if count > 0 {
			v = float64(count)
			top = max(top, v)
		}
		p.counts = append(p.counts, v)
	}
	p.strip = chart.Chart{Height: 1, Min: 0, Max: max(top, 1), Blocks: true,
		Series:   []chart.Series{{Values: p.counts, Fill: true, Style: f.st.Errors.Style}},
		MarkCols: p.strip.MarkCols}
	return stripBlock(f, lines, &p.strip, "errors", inner)
}

// marked draws visible text in style base with the search's matches in the
// selection's style (reverse where there is no colour), so that they stand
// out on the line.
func (p *logPane) marked(text string, base chart.Style, st *Styles) string {
	if p.re == nil {
		return wrap(base, text)
	}
	locs := p.re.FindAllStringIndex(text, -1)
	if len(locs) == 0 {
		return wrap(base, text)
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		if l[1] == l[0] {
			continue
		}
		b.WriteString(wrap(base, text[last:l[0]]))
		b.WriteString(wrap(st.Selected, text[l[0]:l[1]]))
		last = l[1]
	}
	b.WriteString(wrap(base, text[last:]))
	return b.String()
}

// templateLines lists the templates of the entries in the visible range
// (or the selected window) that the pane's filters keep: new ones (none
// before the range) first, then by count, each with its count before.
func (p *logPane) templateLines(f *frame, w, h int) []string {
	from, to := f.fromMS, f.toMS
	if f.winTo != 0 {
		from, to = f.winFrom, f.winTo
	}
	keep := store.Filter{Text: f.filters[paneLogs], Exclude: p.exclude, Path: f.path, MinLevel: p.minLevel}
	now := drain.Templates(f.store.Logs, from, to, keep)
	before := map[string]int{}
	if from > 0 {
		for _, c := range drain.Templates(f.store.Logs, 0, from, keep) {
			before[c.Template] = c.Count
		}
	}
	sort.SliceStable(now, func(i, j int) bool {
		ni, nj := before[now[i].Template] == 0, before[now[j].Template] == 0
		if ni != nj {
			return ni
		}
		return now[i].Count > now[j].Count
	})
	lines := []string{wrap(f.st.Bold, fitPlain("  count   before  level  template (in "+f.clock(from)+"–"+f.clock(to)+")", 0, w))}
	if len(now) == 0 {
		return append(lines, wrap(f.st.Muted, "no entry in this range"))
	}
	p.tmplOffset = min(p.tmplOffset, max(len(now)-(h-2), 0))
	for i, c := range now {
		if i < p.tmplOffset {
			continue
		}
		if len(lines) == h-1 && i < len(now)-1 {
			lines = append(lines, wrap(f.st.Muted, "↓ "+itoa(len(now)-i)+" more templates (↑/↓ or the wheel)"))
			break
		}
		was := itoa(before[c.Template])
		if before[c.Template] == 0 {
			was = "new"
		}
		level := c.Level.String()
		text := padLeft(count(int64(c.Count)), 7) + "  " + padLeft(was, 7) + "  " + padRight(level, 5) + "  " + c.Template
		text = fitPlain(text, 0, w)
		switch {
		case c.Level >= sources.LevelError:
			lines = append(lines, wrap(f.st.Errors.Style, text))
		case was == "new":
			lines = append(lines, wrap(f.st.Bold, text))
		default:
			lines = append(lines, text)
		}
	}
	return lines
}

// copyMsg asks the root to put text on the clipboard (OSC 52).
type copyMsg struct {
	text string
	what string // what was copied, for the status line
}

// copyEntry is y: the entry at the cursor, as shown (sanitised, its
// secrets masked), for the root to copy when the configuration allows it.
func (p *logPane) copyEntry(f *frame) tea.Msg {
	logs := f.store.Logs
	if p.anchor < 0 || p.anchor >= logs.Len() {
		return noticeMsg{"no log entry at the cursor to copy"}
	}
	lines := logs.At(p.anchor).Lines
	what := "the entry at " + f.clock(logs.At(p.anchor).TimeMS)
	if len(lines) > 1 {
		what += " (" + itoa(len(lines)) + " lines)"
	}
	return copyMsg{text: strings.Join(lines, "\n"), what: what}
}
