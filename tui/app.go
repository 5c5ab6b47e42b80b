// Package tui is the dashboard: the root model, the three panes (load test,
// metrics, logs), the status bar, help and the shared key map.
//
// The root Model is the only tea.Model. It owns the one Timeline (cursor,
// range, window, marks) and drains the sources' hub on one coalescing tick
// into the store; panes are pure views of (store, timeline, filters, size,
// theme) that cache their rendered text until one of those changes.
//
// The package must not read files or the network: everything arrives
// through the hub. Sources never reach the UI except as batches.
package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
	"github.com/sobang/sobang/tui/timeline"
)

// Timing and size constants live in sources/constants.go, with the rest.
const (
	MinWidth, MinHeight = sources.MinWidth, sources.MinHeight
)

// Options configure the dashboard.
type Options struct {
	Hub       *sources.Hub
	Store     *store.Store
	Theme     themes.Theme
	Range     time.Duration // visible range when live; 0 = timeline.DefaultRange
	Since     time.Duration // live session whose range starts this long ago; 0 = unset
	Zone      *time.Location
	NoMouse   bool
	Now       func() time.Time
	LoadEnded <-chan struct{} // closed when a demo's load stops; nil otherwise
	// Baseline is an earlier run (--baseline), read to its end into a store
	// of its own, that the load-test pane compares with; nil for none.
	Baseline *store.Store
	// Record, when not nil, is called with every batch drained from the hub
	// before the store applies it (Apply shifts sample times in place) and
	// before its samples are recycled; it must not keep the batch's slices.
	// Its first error is shown in the status bar and ends the recording.
	Record func(sources.Batch) error
}

// Model is the root model of the dashboard.
type Model struct {
	opt    Options
	keys   KeyMap
	st     *Styles
	store  *store.Store
	tl     *timeline.Timeline
	zone   *time.Location
	panes  [3]pane
	focus  int
	zoomed bool
	w, h   int

	help     help.Model
	showHelp bool

	searching bool
	input     []rune

	overlay       string
	overlayOffset int

	loadEnded bool
	decided   bool // the live-or-past decision is made
	userMoved bool
	clockWarn string
	recordErr string // why the recording stopped, "" while it runs

	crash *sources.Panic
	pump  *store.Pump

	dragging  bool
	dragStart int64
	dragPane  int

	rects   [3]rect
	dirty   bool
	lastSec int64
	view    string
	quit    bool
}

type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

// New returns the dashboard model.
func New(opt Options) *Model {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Zone == nil {
		opt.Zone = time.Local
	}
	k := DefaultKeys()
	m := &Model{
		opt:   opt,
		keys:  k,
		st:    NewStyles(opt.Theme),
		store: opt.Store,
		pump:  store.NewPump(opt.Hub, opt.Store, opt.Record),
		tl:    timeline.New(opt.Range),
		zone:  opt.Zone,
		help:  help.New(),
		dirty: true,
		w:     MinWidth,
		h:     MinHeight,
	}
	m.panes = [3]pane{newLoadPane(k, opt.Baseline), newMetricsPane(k), newLogPane(k)}
	if opt.Since > 0 {
		m.tl.SetSince(opt.Now().Add(-opt.Since).UnixMilli())
	}
	// Focus the first pane that has a source.
	for i, p := range m.panes {
		if m.store.KindCount(p.kind()) > 0 {
			m.focus = i
			break
		}
	}
	return m
}

// Crash returns the panic that ended the program, if one did.
func (m *Model) Crash() *sources.Panic { return m.crash }

// Timeline exposes the shared time state (for tests and the CLI).
func (m *Model) Timeline() *timeline.Timeline { return m.tl }

type tickMsg time.Time

// panicMsg carries a panic recovered in a source goroutine.
type panicMsg struct{ p *sources.Panic }

// loadEndedMsg says the demo's load generator stopped.
type loadEndedMsg struct{}

func (m *Model) tick() tea.Cmd {
	return tea.Tick(sources.TickInterval, func(t time.Time) tea.Msg { return tickMsg(t) })
}

func (m *Model) waitPanic() tea.Cmd {
	if m.opt.Hub == nil {
		return nil
	}
	ch := m.opt.Hub.Panics()
	return func() tea.Msg { return panicMsg{<-ch} }
}

func (m *Model) waitLoadEnded() tea.Cmd {
	if m.opt.LoadEnded == nil {
		return nil
	}
	ch := m.opt.LoadEnded
	return func() tea.Msg { <-ch; return loadEndedMsg{} }
}

// Init starts the tick and the watchers.
func (m *Model) Init() tea.Cmd {
	m.ingest()
	return tea.Batch(m.tick(), m.waitPanic(), m.waitLoadEnded())
}

// ingest moves what the sources sent into the store (the store's one
// ingestion step) and updates the timeline.
func (m *Model) ingest() {
	ch := m.pump.Step()
	if ch.Changed() {
		m.dirty = true
	}
	if ch.RecordErr != nil {
		m.recordErr = "recording stopped: " + ch.RecordErr.Error()
		m.dirty = true
	}
	m.syncData()
}

func (m *Model) nowMS() int64 { return m.opt.Now().UnixMilli() }

func (m *Model) syncData() {
	first, last, ok := m.store.DataRange()
	m.tl.SetData(first, last, ok)
	if !m.decided && m.store.AllCaughtUp() {
		m.decided = true
		if !m.userMoved && m.tl.FitPast(m.nowMS()) {
			m.dirty = true
		}
	}
	if m.decided {
		m.checkClocks()
	}
}

func (m *Model) checkClocks() {
	warn := ""
	for _, pair := range m.store.NonOverlapping() {
		a, b := pair[0], pair[1]
		gap := max(a.FirstMS-b.LastMS, b.FirstMS-a.LastMS)
		if time.Duration(gap)*time.Millisecond < sources.ClockGapWarn {
			continue
		}
		warn = fmt.Sprintf("clocks: %s (%s–%s) and %s (%s–%s) do not overlap: try --tz or --offset",
			baseName(a.Info.Name), m.stamp(a.FirstMS), m.stamp(a.LastMS),
			baseName(b.Info.Name), m.stamp(b.FirstMS), m.stamp(b.LastMS))
		break
	}
	if warn != m.clockWarn {
		m.clockWarn = warn
		m.dirty = true
	}
}

func (m *Model) stamp(ms int64) string {
	return time.UnixMilli(ms).In(m.zone).Format("01-02 15:04:05")
}

// windowFrom and windowTo return the selected window, 0 when none.
func (m *Model) windowFrom() int64 { f, _, _ := m.tl.Window(); return f }
func (m *Model) windowTo() int64   { _, t, _ := m.tl.Window(); return t }

// frame computes the time state every pane renders from.
func (m *Model) frame() *frame {
	now := m.nowMS()
	from, to := m.tl.View(now)
	wf, wt, _ := m.tl.Window()
	return &frame{
		st: m.st, store: m.store, nowMS: now, fromMS: from, toMS: to,
		cursorMS: m.tl.Cursor(now), winFrom: wf, winTo: wt, marks: m.tl.Marks(),
		zone: m.zone, live: m.tl.Live(), path: m.sharedPath(),
	}
}

// sharedPath is the shared filter the other panes apply: the request path of
// the label opened in the load-test pane (from its URLs, else from the
// configuration), "" when none is open or it has no path.
func (m *Model) sharedPath() string {
	lp, ok := m.panes[0].(*loadPane)
	if !ok || lp.labelSel == "" {
		return ""
	}
	path, _ := m.store.LabelPath(lp.labelSel)
	return path
}

// drilled reports whether the load-test pane shows one label in detail, for
// which it grows.
func (m *Model) drilled() bool {
	lp, ok := m.panes[0].(*loadPane)
	return ok && lp.drilled() && !m.store.Load.Empty()
}

// pauseForScroll pauses a live session when the user scrolls back.
func (m *Model) pauseForScroll() {
	if m.tl.Live() {
		m.tl.ToggleLive(m.nowMS())
		m.userMoved = true
	}
}

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tickMsg:
		m.ingest()
		if sec := m.nowMS() / 1000; sec != m.lastSec {
			m.lastSec = sec
			if m.tl.Live() {
				m.dirty = true
			}
		}
		return m, m.tick()
	case panicMsg:
		m.crash = msg.p
		m.quit = true
		return m, tea.Quit
	case loadEndedMsg:
		m.loadEnded = true
		m.dirty = true
		return m, nil
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.dirty = true
		return m, nil
	case tea.KeyPressMsg:
		m.dirty = true
		return m, m.handleKey(msg)
	case tea.MouseMsg:
		if m.handleMouse(msg) {
			m.dirty = true
		}
		return m, nil
	}
	return m, nil
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	now := m.nowMS()
	if msg.String() == "ctrl+c" {
		m.quit = true
		return tea.Quit
	}
	if m.searching {
		return m.handleSearchKey(msg)
	}
	if m.showHelp {
		if key.Matches(msg, k.Help, k.Clear) || msg.String() == "q" {
			m.showHelp = false
			return nil
		}
		return nil
	}
	if m.overlay != "" {
		switch {
		case key.Matches(msg, k.Clear, k.Open), msg.String() == "q":
			m.overlay, m.overlayOffset = "", 0
		case key.Matches(msg, k.Up):
			m.overlayOffset = max(m.overlayOffset-1, 0)
		case key.Matches(msg, k.Down):
			m.overlayOffset++
		case key.Matches(msg, k.PageUp):
			m.overlayOffset = max(m.overlayOffset-10, 0)
		case key.Matches(msg, k.PageDown):
			m.overlayOffset += 10
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		m.quit = true
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp = true
	case key.Matches(msg, k.NextPane):
		m.focus = (m.focus + 1) % len(m.panes)
	case key.Matches(msg, k.PrevPane):
		m.focus = (m.focus + len(m.panes) - 1) % len(m.panes)
	case key.Matches(msg, k.Pane1):
		m.focus = 0
	case key.Matches(msg, k.Pane2):
		m.focus = 1
	case key.Matches(msg, k.Pane3):
		m.focus = 2
	case key.Matches(msg, k.Zoom):
		m.zoomed = !m.zoomed
	case key.Matches(msg, k.Left):
		m.userMoved = true
		m.tl.Move(-1, now)
	case key.Matches(msg, k.Right):
		m.userMoved = true
		m.tl.Move(1, now)
	case key.Matches(msg, k.LeftFast):
		m.userMoved = true
		m.tl.Move(-10, now)
	case key.Matches(msg, k.RightFast):
		m.userMoved = true
		m.tl.Move(10, now)
	case key.Matches(msg, k.Live):
		m.tl.GoLive()
		if lp, ok := m.panes[2].(*logPane); ok {
			lp.offset = 0
		}
	case key.Matches(msg, k.Home):
		m.userMoved = true
		if first, _, ok := m.store.DataRange(); ok {
			m.tl.SetCursor(first, now)
		}
	case key.Matches(msg, k.ZoomIn):
		m.tl.Zoom(-1, now)
	case key.Matches(msg, k.ZoomOut):
		m.tl.Zoom(1, now)
	case key.Matches(msg, k.Follow):
		m.userMoved = true
		m.tl.ToggleLive(now)
		if lp, ok := m.panes[2].(*logPane); ok && m.tl.Live() {
			lp.offset = 0
		}
	case key.Matches(msg, k.Window):
		m.userMoved = true
		m.tl.MarkWindow(now)
	case key.Matches(msg, k.Mark):
		m.tl.AddMark(now)
	case key.Matches(msg, k.NextMark):
		m.userMoved = true
		m.tl.NextMark(now)
	case key.Matches(msg, k.Clear):
		if !m.panes[m.focus].clear() {
			m.tl.ClearWindow()
		}
	case key.Matches(msg, k.Search):
		m.searching = true
		m.input = m.input[:0]
	case key.Matches(msg, k.Open):
		if text := m.panes[m.focus].open(m); text != "" {
			m.overlay, m.overlayOffset = text, 0
		}
	case key.Matches(msg, k.ScrollLeft):
		if lp, ok := m.panes[2].(*logPane); ok {
			lp.scrollSideways(-8)
		}
	case key.Matches(msg, k.ScrollRight):
		if lp, ok := m.panes[2].(*logPane); ok {
			lp.scrollSideways(8)
		}
	default:
		m.panes[m.focus].handleKey(msg, m)
	}
	return nil
}

// searchTarget is the pane a / applies to: the focused one, or the logs
// when the focused pane has nothing to search.
func (m *Model) applySearch(text string) {
	if m.store.KindCount(m.panes[m.focus].kind()) > 0 && m.panes[m.focus].search(text) {
		return
	}
	m.panes[2].search(text)
}

func (m *Model) handleSearchKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "enter":
		m.searching = false
	case "esc":
		m.searching = false
		m.input = m.input[:0]
		m.applySearch("")
	case "backspace":
		if len(m.input) > 0 {
			m.input = m.input[:len(m.input)-1]
			m.applySearch(string(m.input))
		}
	case "ctrl+u":
		m.input = m.input[:0]
		m.applySearch("")
	default:
		if msg.Text != "" {
			m.input = append(m.input, []rune(msg.Text)...)
			m.applySearch(string(m.input))
		}
	}
	return nil
}

func (m *Model) handleMouse(msg tea.MouseMsg) bool {
	if m.opt.NoMouse || m.showHelp || m.overlay != "" {
		return false
	}
	mouse := msg.Mouse()
	paneAt := -1
	for i, r := range m.rects {
		if r.contains(mouse.X, mouse.Y) {
			paneAt = i
		}
	}
	switch msg.(type) {
	case tea.MouseWheelMsg:
		if paneAt < 0 {
			return false
		}
		n := 3
		if mouse.Button == tea.MouseWheelUp {
			n = -3
		}
		m.panes[paneAt].scroll(n)
		if paneAt == 2 && n < 0 {
			m.pauseForScroll()
		}
		return true
	case tea.MouseClickMsg:
		if paneAt < 0 || mouse.Button != tea.MouseLeft {
			return false
		}
		m.focus = paneAt
		if t, ok := m.chartTime(paneAt, mouse.X, mouse.Y); ok {
			m.userMoved = true
			m.tl.SetCursor(t, m.nowMS())
			m.dragging, m.dragStart, m.dragPane = true, t, paneAt
		}
		return true
	case tea.MouseMotionMsg:
		if !m.dragging {
			return false
		}
		if t, ok := m.chartTime(m.dragPane, mouse.X, mouse.Y); ok {
			m.tl.SetCursor(t, m.nowMS())
			return true
		}
	case tea.MouseReleaseMsg:
		if !m.dragging {
			return false
		}
		m.dragging = false
		if t, ok := m.chartTime(m.dragPane, mouse.X, mouse.Y); ok && t/1000 != m.dragStart/1000 {
			m.tl.SetWindow(m.dragStart, t)
			return true
		}
	}
	return false
}

// chartTime maps a screen cell on one of a pane's charts to an instant.
func (m *Model) chartTime(pane, x, y int) (int64, bool) {
	r := m.rects[pane]
	now := m.nowMS()
	from, to := m.tl.View(now)
	for _, a := range m.panes[pane].charts() {
		// Areas are relative to the pane's inside (inside the border).
		ax, ay := r.x+1+a.x, r.y+1+a.y
		if x >= ax && x < ax+a.w && y >= ay && y < ay+a.h {
			return timeline.TimeAt(x-ax, from, to, a.w), true
		}
	}
	return 0, false
}

// View renders the frame; it returns the cached frame when nothing changed.
func (m *Model) View() tea.View {
	if m.dirty || m.view == "" {
		m.view = m.render()
		m.dirty = false
	}
	v := tea.NewView(m.view)
	v.AltScreen = true
	if !m.opt.NoMouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	v.WindowTitle = "sobang"
	return v
}

// Render returns the frame's text (for tests and snapshots).
func (m *Model) Render() string { return m.render() }

func (m *Model) render() string {
	if m.quit {
		return ""
	}
	if m.w < MinWidth || m.h < MinHeight {
		msg := fmt.Sprintf("terminal too small: %dx%d, sobang needs at least %dx%d", m.w, m.h, MinWidth, MinHeight)
		return ansi.Truncate(msg, max(m.w, 1), "")
	}
	f := m.frame()
	body := m.h - 1
	var out string
	switch {
	case m.showHelp:
		out = m.renderHelp(m.w, body)
	case m.overlay != "":
		out = m.renderOverlay(m.w, body)
	default:
		out = m.renderPanes(f, m.w, body)
	}
	return out + "\n" + m.statusBar(f)
}

// layout assigns each pane its rectangle.
func (m *Model) layout(w, h int) [3]rect {
	var r [3]rect
	if m.zoomed {
		r[m.focus] = rect{0, 0, w, h}
		return r
	}
	has := [3]bool{}
	empty := 0
	for i, p := range m.panes {
		has[i] = m.store.KindCount(p.kind()) > 0
		if !has[i] {
			empty++
		}
	}
	const emptyH = 3
	y := 0
	// Panes without a source get three rows at the top, side by side.
	if empty > 0 {
		x := 0
		n := 0
		for i := range m.panes {
			if has[i] {
				continue
			}
			n++
			pw := w / empty
			if n == empty {
				pw = w - x
			}
			r[i] = rect{x, 0, pw, emptyH}
			x += pw
		}
		y = emptyH
	}
	rest := h - y
	// A label opened in the load-test pane grows it: the whole top row when
	// wide, most of the height when stacked.
	drilled := has[0] && m.drilled()
	switch {
	case has[0] && has[1] && has[2] && w >= sources.WideLayout && drilled:
		top := rest * 3 / 5
		r[0] = rect{0, y, w, top}
		r[1] = rect{0, y + top, w / 2, rest - top}
		r[2] = rect{w / 2, y + top, w - w/2, rest - top}
	case has[0] && has[1] && has[2] && w >= sources.WideLayout:
		top := rest * 11 / 20
		r[0] = rect{0, y, w / 2, top}
		r[1] = rect{w / 2, y, w - w/2, top}
		r[2] = rect{0, y + top, w, rest - top}
	case drilled:
		// The other panes keep a sixth of the height each, at least a
		// chart's legend and a row or two of log.
		other := max(rest/6, 4)
		left := rest
		for i := 1; i < len(m.panes); i++ {
			if has[i] {
				left -= other
			}
		}
		r[0] = rect{0, y, w, left}
		y += left
		for i := 1; i < len(m.panes); i++ {
			if has[i] {
				r[i] = rect{0, y, w, other}
				y += other
			}
		}
	default:
		weights := [3]int{4, 3, 3}
		total := 0
		for i := range m.panes {
			if has[i] {
				total += weights[i]
			}
		}
		left := rest
		for i := range m.panes {
			if !has[i] {
				continue
			}
			ph := left * weights[i] / max(total, 1)
			total -= weights[i]
			if total == 0 {
				ph = left
			}
			r[i] = rect{0, y, w, ph}
			y += ph
			left -= ph
		}
	}
	return r
}

func (m *Model) renderPanes(f *frame, w, h int) string {
	m.rects = m.layout(w, h)
	screen := make([]string, h)
	for i, p := range m.panes {
		r := m.rects[i]
		if r.w == 0 || r.h == 0 {
			continue
		}
		var text string
		switch {
		case m.store.KindCount(p.kind()) == 0:
			text = emptyPane(m.st, p, r.w, r.h, i == m.focus)
		case m.zoomed && i == 2:
			text = m.panes[2].(*logPane).renderZoomed(f, r.w, r.h, true, true)
		default:
			text = p.render(f, r.w, r.h, i == m.focus)
		}
		for j, line := range strings.Split(text, "\n") {
			if r.y+j < h {
				screen[r.y+j] += line
			}
		}
	}
	// The cursor steps one column of the widest chart on screen.
	cols := 0
	for i, p := range m.panes {
		if m.rects[i].w == 0 {
			continue
		}
		for _, a := range p.charts() {
			cols = max(cols, a.w)
		}
	}
	if cols > 0 {
		m.tl.Columns = cols
	}
	return strings.Join(screen, "\n")
}

func (m *Model) statusBar(f *frame) string {
	st := m.st
	var b strings.Builder
	b.WriteString(" " + f.clock(f.cursorMS) + " ")
	if f.live {
		b.WriteString(wrap(st.Live, "LIVE"))
	} else {
		b.WriteString(wrap(st.Paused, "PAUSED"))
	}
	rng := "whole run"
	if r := m.tl.RangeMS(); r != 0 {
		rng = (time.Duration(r) * time.Millisecond).String()
		rng = strings.TrimSuffix(strings.TrimSuffix(rng, "0s"), "0m")
	}
	b.WriteString("  range " + rng)
	if start, ok := m.tl.Selecting(); ok {
		b.WriteString("  window from " + f.clock(start) + "… (v again to end)")
	} else if f.winTo != 0 {
		b.WriteString("  window " + f.clock(f.winFrom) + "–" + f.clock(f.winTo))
	}
	if n := len(f.marks); n > 0 {
		b.WriteString("  marks " + itoa(n))
	}
	if m.loadEnded {
		b.WriteString("  " + wrap(st.Ended, "LOAD ENDED"))
	}
	if m.clockWarn != "" {
		b.WriteString("  " + wrap(st.Warn, m.clockWarn))
	}
	if m.recordErr != "" {
		b.WriteString("  " + wrap(st.Warn, m.recordErr))
	}
	left := b.String()
	right := "? help  q quit "
	if m.searching {
		left = " /" + string(m.input) + "▏"
		right = "enter keep  esc clear "
	}
	room := m.w - ansi.StringWidth(right)
	line := fit(left, max(room, 0)) + right
	return wrap(st.StatusBar, line)
}

func (m *Model) renderHelp(w, h int) string {
	p := m.panes[m.focus]
	m.help.ShowAll = true
	m.help.Styles = help.DefaultStyles(!m.st.Theme.NoColor && m.st.Theme.Name != "light")
	var b strings.Builder
	b.WriteString("Keys of the " + p.title() + " pane\n\n")
	b.WriteString(m.help.FullHelpView([][]key.Binding{p.keys()}))
	b.WriteString("\n\nEverywhere\n\n")
	g := m.keys.Global()
	half := (len(g) + 1) / 2
	b.WriteString(m.help.FullHelpView([][]key.Binding{g[:half], g[half:]}))
	b.WriteString("\n\nMouse: the wheel scrolls, a click focuses a pane, a click on a chart moves the cursor,\na drag on a chart selects a window (--no-mouse leaves the mouse to the terminal).\n\n? or esc closes this help.")
	lines := strings.Split(b.String(), "\n")
	return box(m.st, "Help", "", m.st.Muted, lines, w, h, true)
}

func (m *Model) renderOverlay(w, h int) string {
	lines := strings.Split(strings.TrimRight(m.overlay, "\n"), "\n")
	m.overlayOffset = min(m.overlayOffset, max(len(lines)-(h-2), 0))
	lines = lines[m.overlayOffset:]
	for i, l := range lines {
		lines[i] = fitPlain(l, 0, w-2)
	}
	return box(m.st, "Entry", "↑/↓ scroll · esc closes", m.st.Muted, lines, w, h, true)
}
