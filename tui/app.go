// Package tui is the dashboard: the root model, the three panes (load test,
// metrics, logs), the status bar, and four small components that have the
// keyboard while shown (help, the search line, the overlay, the list of the
// sources' warnings).
//
// The root Model is the only tea.Model and the only holder of the linked
// state (linked.go): the one timeline (cursor, range, window, marks), the
// label opened in the load-test pane with the request path it implies for
// the others, and each pane's text filter. On one coalescing tick it runs
// the store's Pump, which drains the sources' hub into the store. Panes are
// pure views of a frame (store, linked state, theme) that cache their
// rendered text until it changes; they hold no *Model, and ask the root for
// changes with small messages declared in their own files, which the root
// applies at once. The root names its panes; an array of them in screen
// order serves what applies to each.
//
// Every key goes through a key map: KeyMap holds the shared keys, and each
// pane and component builds its own from them, its help from that. The
// dashboard's timings and sizes are in constants.go, the time axis's in
// the timeline package.
//
// The package must not read files or the network: everything arrives
// through the hub. Sources never reach the UI except as batches.
package tui

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
	"github.com/sobang/sobang/tui/timeline"
)

// Options configure the dashboard.
type Options struct {
	Hub     *sources.Hub
	Store   *store.Store
	Theme   themes.Theme
	Range   time.Duration // visible range when live; 0 = timeline.DefaultRange
	Since   time.Duration // live session whose range starts this long ago; 0 = unset
	Zone    *time.Location
	NoMouse bool
	Clock   sources.Clock // what "now" is for the live edge; nil means sources.Wall (or Replay)
	// Replay, when not nil, is the clock of a replay (sobang replay), in
	// data time: live is playing, space pauses and plays, { and } halve
	// and double its speed, and it pauses at its end. It is the Clock too.
	Replay    *sources.ReplayClock
	LoadEnded <-chan struct{} // closed when a demo's load stops; nil otherwise
	// Baseline is an earlier run (--baseline), read to its end into a store
	// of its own, that the load-test pane compares with; nil for none.
	Baseline *store.Store
	// Recording, when not nil, records the whole session (--record): it is
	// given every batch drained from the hub before the store applies it
	// (Apply shifts sample times in place) and before its samples are
	// recycled, and every mark set or removed. Its first error is shown in
	// the status bar and ends the recording. The program closes it.
	Recording Recording
	// StartRecording, when not nil, opens a recording of the session from
	// the moment R is pressed; R again finishes it (Close). The program
	// finishes one still open when the dashboard ends (it made it).
	StartRecording func() (Recording, error)
	// Marks are marks to show from the start (a recording's), Unix
	// milliseconds.
	Marks []int64
	// Notes are the words of some of Marks, by their instant.
	Notes map[int64]string
	// Thresholds draw a line across the metric chart of a family name, or
	// of a query as charted, at the value, in the metric's own unit (the
	// configuration's [metrics.thresholds]).
	Thresholds map[string]float64
	// Copy lets y copy the log entry at the cursor to the clipboard
	// through the terminal (OSC 52): the configuration's [logs] copy.
	Copy bool
	// SaveSnapshot, when not nil, saves a frame (w x h cells, SGR colours
	// included) drawn with the cursor at cursor, for S, and says where it
	// went ("sobang-20261125-123810.svg and .txt in /tmp"); nil leaves S
	// without effect.
	SaveSnapshot func(frame string, w, h int, cursor time.Time) (string, error)
	// PlannedThreads, when not nil, is the test plan's number of threads
	// that long after the test's start (false where the plan says none),
	// drawn over the measured active threads; PlanName names the plan in
	// the legend.
	PlannedThreads func(sinceStart time.Duration) (float64, bool)
	PlanName       string
	// PlannedThroughput, when not nil, is the samples per second the
	// plan's throughput timers aim at that long after the test's start,
	// drawn beside the measured throughput.
	PlannedThroughput func(sinceStart time.Duration) (float64, bool)
	// Plan, when not nil, is the test plan beside the results: its
	// samplers by label (shown beside the label table and in a label's
	// detail), its folded tree and findings (the plan view, p).
	Plan *sources.PlanView
	// PromQL, when not nil, is the Prometheus server (--prom) the PromQL
	// prompt (:), the list of names (a) and d ask; nil leaves them saying
	// so.
	PromQL sources.PromQL
}

// Model is the root model of the dashboard.
type Model struct {
	linked // the one cursor, window, open label and filters every pane reads

	opt     Options
	keys    KeyMap
	st      *Styles
	store   *store.Store
	zone    *time.Location
	load    *loadPane
	metrics *metricsPane
	logs    *logPane
	panes   [paneCount]pane // the three above in screen order, for what applies to each
	focus   int             // index into panes
	zoomed  bool
	w, h    int

	help   helpScreen
	search searchLine
	prompt promPrompt
	names  nameList
	// promNames are the names the server gave, by completion
	// (completion.cacheKey), kept for the session.
	promNames map[string][]string
	// instant are the server's values at one cursor second (askInstant).
	instant instantValues
	// exemplars are the server's exemplars of the histograms on screen
	// (askExemplars).
	exemplars exemplarSet
	overlay   overlay
	warnings  warnList
	keysHint  string // the status bar's hint, built once from KeyMap.ShortHelp
	warnHint  string // the status bar's hint beside a count of warnings

	loadEnded     bool
	decided       bool      // the live-or-past decision is made (open.go)
	decidedAt     time.Time // when it was made
	loading       bool      // the view fits the data read so far while files are read
	growing       bool      // a file grew lately after the decision
	wentLive      bool      // a growing file took the session live once
	everLive      bool      // the session was live after the decision: G goes live
	clockWarn     statusWarning
	recordErr     string    // why the recording stopped, "" while it runs
	rec           Recording // the recording being written, nil for none
	recByKey      bool      // rec was started by R (not --record)
	notice        string    // what the last key did, when it says (S: where the frame went); cleared by the next key
	events        eventCache
	entry         entryView        // the log entry the overlay shows (follow.go)
	following     string           // the identifier the logs pane follows, "" for none
	followedFrom  string           // the logs pane's filter before
	pendingCmd    tea.Cmd          // what a key's message asks the program to do (y: the clipboard)
	notes         map[int64]string // the marks' notes (M), by instant
	incidentCache incidentCache
	changeJumps   []changeJump // the changes the incidents list names by letter

	crash *sources.Panic
	pump  *store.Pump

	dragging  bool
	dragStart int64
	dragPane  int

	rects   [paneCount]rect
	dirty   bool
	lastSec int64
	// settling says the cursor's second was still settling at the last
	// render: paused, the frame changes when it settles.
	settling bool
	view     string
	quit     bool
}

type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

// New returns the dashboard model.
func New(opt Options) *Model {
	if opt.Clock == nil && opt.Replay != nil {
		opt.Clock = opt.Replay
	}
	if opt.Clock == nil {
		opt.Clock = sources.Wall
	}
	if opt.Zone == nil {
		opt.Zone = time.Local
	}
	k := DefaultKeys()
	m := &Model{
		linked:   linked{tl: timeline.New(opt.Range)},
		opt:      opt,
		keys:     k,
		st:       NewStyles(opt.Theme),
		store:    opt.Store,
		pump:     store.NewPump(opt.Hub, opt.Store, nil),
		zone:     opt.Zone,
		help:     newHelpScreen(k),
		search:   newSearchLine(),
		prompt:   newPromPrompt(),
		names:    newNameList(),
		overlay:  newOverlay(k),
		warnings: newWarnList(k),
		keysHint: hints("  ", k.ShortHelp()...) + " ",
		warnHint: hints("", describe(k.Warnings, "list")),
		dirty:    true,
		w:        MinWidth,
		h:        MinHeight,
	}
	m.load, m.metrics, m.logs = newLoadPane(k, opt.Baseline), newMetricsPane(k), newLogPane(k)
	m.panes = [paneCount]pane{paneLoad: m.load, paneMetrics: m.metrics, paneLogs: m.logs}
	if opt.Recording != nil {
		m.rec = opt.Recording
		m.pump.SetRecord(opt.Recording.Write)
	}
	m.tl.SetMarks(opt.Marks)
	m.notes = maps.Clone(opt.Notes)
	if opt.Since > 0 {
		m.tl.SetSince(opt.Clock.Now().Add(-opt.Since).UnixMilli())
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
	return tea.Tick(tickInterval, func(t time.Time) tea.Msg { return tickMsg(t) })
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
		m.recordErr = "recording stopped: " + sanitize.Value(ch.RecordErr.Error())
		m.dirty = true
	}
	m.syncData()
}

func (m *Model) nowMS() int64 { return m.opt.Clock.Now().UnixMilli() }

func (m *Model) syncData() {
	first, last, ok := m.axisRange()
	m.tl.SetData(first, last, ok)
	m.decide()
	if m.decided {
		m.checkClocks()
	}
}

func (m *Model) checkClocks() {
	var warn statusWarning
	for _, pair := range m.store.NonOverlapping() {
		a, b := pair[0], pair[1]
		gap := max(a.FirstMS-b.LastMS, b.FirstMS-a.LastMS)
		if time.Duration(gap)*time.Millisecond < clockGapWarn {
			continue
		}
		dated := !m.sameDay(a.FirstMS, a.LastMS, b.FirstMS, b.LastMS)
		warn.what = fmt.Sprintf("clocks: %s (%s) and %s (%s) do not overlap",
			baseName(a.Name), m.span(a.FirstMS, a.LastMS, dated), baseName(b.Name), m.span(b.FirstMS, b.LastMS, dated))
		warn.advice = "try --tz or --offset"
		break
	}
	if warn != m.clockWarn {
		m.clockWarn = warn
		m.dirty = true
	}
}

// span names a source's time span: clock times ("12:30:00–12:31:59"), or
// with dates when the data spans days ("2016-03-02 10:00–2016-03-04 09:12").
func (m *Model) span(fromMS, toMS int64, dated bool) string {
	a, b := time.UnixMilli(fromMS).In(m.zone), time.UnixMilli(toMS).In(m.zone)
	if !dated {
		return a.Format("15:04:05") + "–" + b.Format("15:04:05")
	}
	return a.Format("2006-01-02 15:04") + "–" + b.Format("2006-01-02 15:04")
}

// sameDay reports whether the instants fall on one date in the display zone.
func (m *Model) sameDay(ms ...int64) bool {
	day := func(v int64) string { return time.UnixMilli(v).In(m.zone).Format("2006-01-02") }
	for _, v := range ms[1:] {
		if day(v) != day(ms[0]) {
			return false
		}
	}
	return true
}

// frame computes the time state every pane renders from.
func (m *Model) frame() *frame {
	now := m.nowMS()
	unsettled := m.settle(now)
	from, to := m.tl.View(now)
	wf, wt, _ := m.tl.Window()
	return &frame{
		st: m.st, store: m.store, nowMS: now, fromMS: from, toMS: to,
		cursorMS: m.tl.Cursor(now), unsettledMS: unsettled, winFrom: wf, winTo: wt, marks: m.tl.Marks(),
		zone: m.zone, live: m.tl.Live(), replay: m.opt.Replay != nil, label: m.label, path: m.path(m.store), filters: m.filters,
		planned: m.opt.PlannedThreads, planName: m.opt.PlanName, plannedRate: m.opt.PlannedThroughput, plan: m.opt.Plan,
		events:     m.eventTimes(),
		incidents:  m.incidentSpans(),
		instant:    m.instantFor(m.tl.Cursor(now)),
		thresholds: m.opt.Thresholds,
		exemplars:  m.exemplars.byFamily,
	}
}

// drilled reports whether the load-test pane shows one label in detail, for
// which it grows.
func (m *Model) drilled() bool { return m.label != "" && !m.store.Load.Empty() }

// pauseForScroll pauses a live session when the user scrolls back.
func (m *Model) pauseForScroll() {
	if m.tl.Live() {
		m.tl.ToggleLive(m.nowMS())
		m.userMoved = true
	}
}

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	model, cmd := m.update(msg)
	if m.opt.Replay != nil {
		m.followReplay()
	}
	return model, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tickMsg:
		m.ingest()
		if sec := m.nowMS() / 1000; sec != m.lastSec {
			m.lastSec = sec
			if m.tl.Live() || m.settling {
				m.dirty = true
			}
		}
		return m, tea.Batch(m.tick(), m.askExemplars())
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
	case tea.ColorProfileMsg:
		m.st = NewStylesFor(m.opt.Theme, msg.Profile)
		m.dirty = true
		return m, nil
	case tea.KeyPressMsg:
		m.dirty = true
		m.notice = ""
		cmd := m.handleKey(msg)
		return m, tea.Batch(cmd, m.askInstant(), m.askExemplars())
	case tea.MouseMsg:
		if m.handleMouse(msg) {
			m.dirty = true
		}
		return m, tea.Batch(m.askInstant(), m.askExemplars())
	}
	if m.apply(msg) || m.promMsg(msg) {
		m.dirty = true
	}
	return m, nil
}

// apply applies a message of a pane or of the search line to the linked
// state or the screen; false when msg is none of theirs. Keys apply their
// messages at once, so a key and its effect are one step.
func (m *Model) apply(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case openLabelMsg:
		m.label = msg.label
	case setFilterMsg:
		m.filters[msg.pane] = msg.text
	case showOverlayMsg:
		m.overlay.show(msg.text)
	case searchMsg:
		m.applySearch(msg.text, msg.mode)
	case startSearchMsg:
		m.search.start(msg.mode)
	case pauseLiveMsg:
		m.pauseForScroll()
	case setCursorMsg:
		m.userMoved = true
		m.tl.SetCursor(msg.ms, m.nowMS())
	case noticeMsg:
		m.notice = msg.text
	case noteMsg:
		m.keepNote(msg.text)
	case showEntryMsg:
		m.showEntry(msg)
	case copyMsg:
		if !m.opt.Copy {
			m.notice = "y copies through the terminal (OSC 52) once the configuration file sets copy = true under [logs]"
			break
		}
		m.pendingCmd = tea.SetClipboard(msg.text)
		m.notice = "copied " + msg.what + " to the clipboard (OSC 52)"
	default:
		return false
	}
	return true
}

// handleKey gives a key to what has the keyboard: the search line, the help,
// the overlay or the warnings while shown; else to the screen's keys, the
// time axis's, and last the focused pane's.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Interrupt):
		return m.quitNow()
	case m.search.active:
		m.apply(m.search.handleKey(msg))
	case m.prompt.active:
		return m.promptKey(msg)
	case m.names.shown:
		return m.namesKey(msg)
	case m.help.shown:
		m.help.handleKey(msg)
	case m.overlay.shown() && m.overlay.title == incidentsTitle && len(msg.Text) == 1 && msg.Text[0] >= '1' && msg.Text[0] <= '9':
		m.chooseIncident(int(msg.Text[0] - '1'))
	case m.overlay.shown() && m.entryKey(msg.String()):
	case m.overlay.shown() && m.overlay.title == incidentsTitle && m.jumpToChange(msg.Text):
	case m.overlay.shown():
		m.overlay.handleKey(msg)
	case m.warnings.shown:
		m.warnings.handleKey(msg)
	case key.Matches(msg, m.keys.Quit):
		return m.quitNow()
	case key.Matches(msg, m.keys.Clear) && m.unfollow():
	case key.Matches(msg, m.keys.Prompt):
		m.openPrompt()
	case m.focus == paneMetrics && key.Matches(msg, m.metrics.keymap.Add):
		return m.openNames()
	case m.focus == paneMetrics && key.Matches(msg, m.metrics.keymap.Remove):
		m.removeChart()
	case m.screenKey(msg) || m.timeKey(msg):
	default:
		m.apply(m.panes[m.focus].handleKey(msg, m.frame()))
	}
	cmd := m.pendingCmd
	m.pendingCmd = nil
	return cmd
}

// toErrorOnset moves the cursor to the next (dir 1) or previous (dir -1)
// error onset (store.LoadTest.ErrorOnsets) from the cursor's second, as
// lnav's e and E; where there is none the cursor stays and the status line
// says so.
func (m *Model) toErrorOnset(dir int, now int64) {
	onsets := m.store.Load.ErrorOnsets()
	cur := m.tl.Cursor(now) / 1000 * 1000
	target, found := int64(0), false
	if dir > 0 {
		if i, ok := slices.BinarySearch(onsets, cur+1); ok || i < len(onsets) {
			target, found = onsets[i], true
		}
	} else if i, _ := slices.BinarySearch(onsets, cur); i > 0 {
		target, found = onsets[i-1], true
	}
	switch {
	case found:
		m.userMoved = true
		m.tl.SetCursor(target, now)
	case len(onsets) == 0:
		m.notice = "no error onset: no request failed"
	case dir > 0:
		m.notice = "no later error onset (" + m.keys.PrevError.Help().Key + " goes back)"
	default:
		m.notice = "no earlier error onset (" + m.keys.NextError.Help().Key + " goes on)"
	}
}

// quitNow ends the program; the last frame is empty.
func (m *Model) quitNow() tea.Cmd {
	m.quit = true
	return tea.Quit
}

// screenKey handles the keys of the screen: help, the warnings, focus, zoom,
// search, and enter and esc for the focused pane; false when msg is none of
// them.
func (m *Model) screenKey(msg tea.KeyPressMsg) bool {
	k := m.keys
	switch {
	case key.Matches(msg, k.Help):
		m.help.open()
	case key.Matches(msg, k.Warnings):
		m.warnings.open()
	case key.Matches(msg, k.Snapshot):
		m.saveSnapshot()
	case key.Matches(msg, k.Record):
		m.toggleRecording()
	case key.Matches(msg, k.Incidents):
		m.overlay.showTitled(incidentsTitle, m.incidentsText())
	case key.Matches(msg, k.Plan):
		title := planTitle
		if m.opt.Plan != nil {
			title += " · " + m.opt.Plan.Name
		}
		m.overlay.showTitled(title, m.planText(m.w-4))
	case key.Matches(msg, k.NextPane):
		m.focus = (m.focus + 1) % len(m.panes)
	case key.Matches(msg, k.PrevPane):
		m.focus = (m.focus + len(m.panes) - 1) % len(m.panes)
	case key.Matches(msg, k.Pane1):
		m.focus = paneLoad
	case key.Matches(msg, k.Pane2):
		m.focus = paneMetrics
	case key.Matches(msg, k.Pane3):
		m.focus = paneLogs
	case key.Matches(msg, k.Zoom):
		m.zoomed = !m.zoomed
	case key.Matches(msg, k.Clear):
		if cleared := m.panes[m.focus].clear(m.frame()); cleared != nil {
			m.apply(cleared)
		} else {
			m.tl.ClearWindow()
		}
	case key.Matches(msg, k.Search):
		m.search.start('/')
	case key.Matches(msg, k.Open):
		m.apply(m.panes[m.focus].open(m.frame()))
	case key.Matches(msg, k.ScrollLeft):
		m.logs.scrollSideways(-8)
	case key.Matches(msg, k.ScrollRight):
		m.logs.scrollSideways(8)
	default:
		return false
	}
	return true
}

// timeKey handles the keys of the shared time axis: cursor, range, window,
// marks, live; false when msg is none of them.
func (m *Model) timeKey(msg tea.KeyPressMsg) bool {
	k := m.keys
	now := m.nowMS()
	switch {
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
		m.logs.followCursor()
	case key.Matches(msg, k.Home):
		m.userMoved = true
		if first, _, ok := m.axisRange(); ok {
			m.tl.SetCursor(first, now)
		}
	case key.Matches(msg, k.End):
		m.toEnd(now)
	case key.Matches(msg, k.FitPane):
		m.fitPane(now)
	case key.Matches(msg, k.ZoomIn):
		m.tl.Zoom(-1, now)
	case key.Matches(msg, k.ZoomOut):
		m.tl.Zoom(1, now)
	case key.Matches(msg, k.Follow) && m.opt.Replay != nil:
		m.userMoved = true
		m.togglePlay(now)
	case key.Matches(msg, k.Slower), key.Matches(msg, k.Faster):
		m.changeSpeed(key.Matches(msg, k.Faster))
	case key.Matches(msg, k.Follow):
		m.userMoved = true
		m.tl.ToggleLive(now)
		if m.tl.Live() {
			m.logs.followCursor()
		}
	case key.Matches(msg, k.Window):
		m.userMoved = true
		m.tl.MarkWindow(now)
	case key.Matches(msg, k.Mark):
		set := m.tl.AddMark(now)
		cur := m.tl.Cursor(now)
		if !set {
			delete(m.notes, cur)
		}
		m.recordMark(cur, "", !set)
	case key.Matches(msg, k.Note):
		m.search.start('M')
		m.search.input = append(m.search.input[:0], []rune(m.notes[m.tl.Cursor(now)])...)
		m.search.prompt = " note at " + time.UnixMilli(m.tl.Cursor(now)).In(m.zone).Format("15:04:05") + ": "
	case key.Matches(msg, k.NextMark):
		m.userMoved = true
		if m.tl.NextMark(now) {
			if n := m.notes[m.tl.Cursor(now)]; n != "" {
				m.notice = "note: " + n
			}
		}
	case key.Matches(msg, k.NextError):
		m.toErrorOnset(1, now)
	case key.Matches(msg, k.PrevError):
		m.toErrorOnset(-1, now)
	default:
		return false
	}
	return true
}

// applySearch sets the / filter of the focused pane, or of the logs when
// the focused pane has no source to filter.
// applySearch applies the search line's text: in the logs, / searches
// (matches highlighted, n and N move between them), f keeps the entries
// holding the text and F leaves them out; in the other panes / filters.
func (m *Model) applySearch(text string, mode byte) {
	target := m.focus
	if m.store.KindCount(m.panes[target].kind()) == 0 {
		target = paneLogs
	}
	switch {
	case target == paneLogs && mode == '/':
		m.logs.setSearch(text)
		return
	case target == paneLogs && mode == 'F':
		m.logs.exclude = text
	default:
		m.filters[target] = text
	}
	m.panes[target].filterChanged()
}

func (m *Model) handleMouse(msg tea.MouseMsg) bool {
	if m.opt.NoMouse || m.help.shown || m.overlay.shown() {
		return false
	}
	mouse := msg.Mouse()
	if m.warnings.shown {
		if _, wheel := msg.(tea.MouseWheelMsg); wheel {
			n := 3
			if mouse.Button == tea.MouseWheelUp {
				n = -3
			}
			m.warnings.scroll(n)
			return true
		}
		return false
	}
	if click, ok := msg.(tea.MouseClickMsg); ok && m.tabbed() && mouse.Y == 0 && click.Button == tea.MouseLeft {
		if i, ok := m.tabAt(mouse.X); ok {
			m.focus = i
			return true
		}
	}
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
		m.apply(m.panes[paneAt].scroll(m.frame(), n))
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
		return tooSmall(m.w, m.h, hints("", m.keys.Quit))
	}
	f := m.frame()
	m.settling = f.settling()
	body := m.h - 1
	// The readout reads the panes: not over help, an entry or the list.
	readout := ""
	if m.prompt.active {
		lines := m.prompt.lines(m.st, m.w)
		readout = strings.Join(lines, "\n")
		body -= max(len(lines)-1, 0)
	} else if !m.search.active && !m.help.shown && !m.overlay.shown() && !m.warnings.shown && !m.names.shown {
		readout = m.readout(f)
	}
	if readout != "" {
		body--
	}
	var out string
	switch {
	case m.help.shown:
		out = m.help.render(m.st, m.panes[m.focus], m.keys, m.w, body)
	case m.overlay.shown():
		out = m.overlay.render(m.st, m.w, body)
	case m.names.shown:
		out = m.names.render(m.st, m.w, body)
	case m.warnings.shown:
		out = m.warnings.render(m.st, m.store, m.ownWarnings(), m.zone, m.w, body)
	default:
		out = m.renderPanes(f, m.w, body)
	}
	if readout != "" && m.prompt.active {
		out += "\n" + readout // fitted line by line
	} else if readout != "" {
		out += "\n" + fit(readout, m.w)
	}
	return out + "\n" + m.statusBar(f)
}

// tooSmall is the screen of a terminal smaller than MinWidth x MinHeight:
// what is wrong and how to quit, wrapped to the width and centred, never
// more than w x h cells.
func tooSmall(w, h int, quit string) string {
	w, h = max(w, 1), max(h, 1)
	msg := fmt.Sprintf("terminal too small: %dx%d, sobang needs at least %dx%d; %s", w, h, MinWidth, MinHeight, quit)
	lines := wrapWords(msg, w)
	if len(lines) > h {
		lines = lines[:h]
	}
	var b strings.Builder
	b.WriteString(strings.Repeat("\n", (h-len(lines))/2))
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		l = ansi.Truncate(l, w, "")
		b.WriteString(strings.Repeat(" ", (w-ansi.StringWidth(l))/2) + l)
	}
	return b.String()
}

// layout assigns each pane its rectangle.
func (m *Model) layout(w, h int) [paneCount]rect {
	var r [paneCount]rect
	if m.tabbed() {
		// The first row is the tab bar.
		r[m.focus] = rect{0, 1, w, h - 1}
		return r
	}
	if m.zoomed {
		r[m.focus] = rect{0, 0, w, h}
		return r
	}
	has := [paneCount]bool{}
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
	drilled := has[paneLoad] && m.drilled()
	all := has[paneLoad] && has[paneMetrics] && has[paneLogs]
	switch {
	case all && w >= wideLayout && drilled:
		top := rest * 3 / 5
		r[paneLoad] = rect{0, y, w, top}
		r[paneMetrics] = rect{0, y + top, w / 2, rest - top}
		r[paneLogs] = rect{w / 2, y + top, w - w/2, rest - top}
	case all && w >= wideLayout:
		top := rest * 11 / 20
		r[paneLoad] = rect{0, y, w / 2, top}
		r[paneMetrics] = rect{w / 2, y, w - w/2, top}
		r[paneLogs] = rect{0, y + top, w, rest - top}
	case drilled:
		// The other panes keep a sixth of the height each, at least a
		// chart's legend and a row or two of log.
		other := max(rest/6, 4)
		left := rest
		for i := paneLoad + 1; i < paneCount; i++ {
			if has[i] {
				left -= other
			}
		}
		r[paneLoad] = rect{0, y, w, left}
		y += left
		for i := paneLoad + 1; i < paneCount; i++ {
			if has[i] {
				r[i] = rect{0, y, w, other}
				y += other
			}
		}
	default:
		weights := [paneCount]int{paneLoad: 4, paneMetrics: 3, paneLogs: 3}
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
	if m.tabbed() {
		screen[0] = m.tabBar(w)
	}
	for i, p := range m.panes {
		r := m.rects[i]
		if r.w == 0 || r.h == 0 {
			continue
		}
		var text string
		switch {
		case m.store.KindCount(p.kind()) == 0:
			text = emptyPane(m.st, i, p, r.w, r.h, i == m.focus)
		case m.zoomed && i == paneLogs:
			text = m.logs.renderZoomed(f, r.w, r.h, true, true)
		default:
			text = p.render(f, r.w, r.h, i == m.focus)
		}
		lines := strings.Split(text, "\n")
		if foot := m.footer(p, f.nowMS, r.w-2); foot != "" && m.store.KindCount(p.kind()) > 0 && r.h >= 4 {
			// Over the pane's last inner line, so that the pane's own
			// rendering and cache stay as they are.
			lines[r.h-2] = boxLine(m.st, foot, r.w, i == m.focus)
		}
		for j, line := range lines {
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

// warnCount is the status bar's count of the sources' warnings.
func warnCount(n int) string {
	if n == 1 {
		return "⚠ 1 warning"
	}
	return "⚠ " + itoa(n) + " warnings"
}

func (m *Model) statusBar(f *frame) string {
	st := m.st
	var b strings.Builder
	if m.timeless() {
		// Only a summary without a timeline (k6's), read whole: no time to
		// show, nothing playing, no range.
		b.WriteString(" " + wrap(st.Paused, "PAUSED") + "  no timeline: the tool wrote its summary only")
		return m.statusLine(b.String())
	}
	b.WriteString(" " + f.clock(f.cursorMS) + " ")
	if r := m.opt.Replay; r != nil {
		if f.live {
			b.WriteString(wrap(st.Live, "REPLAY "+speedText(r.Speed())))
		} else {
			b.WriteString(wrap(st.Paused, "REPLAY paused"))
		}
	} else if f.live {
		b.WriteString(wrap(st.Live, "LIVE"))
	} else {
		b.WriteString(wrap(st.Paused, "PAUSED"))
	}
	if m.rec != nil && m.recordErr == "" {
		b.WriteString(" " + wrap(st.Warn, "REC"))
	}
	if m.growing {
		// Why a session of files is live: one of them is being written.
		b.WriteString(" " + wrap(st.Live, "growing"))
	}
	if off, ok := m.runOffset(f.cursorMS); ok {
		b.WriteString(" " + off)
	}
	rng := "whole run"
	if r := m.tl.RangeMS(); r != 0 && !m.tl.Fitted(f.nowMS) {
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
	if m.notice != "" {
		b.WriteString("  " + m.notice)
	}
	return m.statusLine(b.String())
}

// timeless reports whether every source has been read whole and none holds
// a time: a tool's summary alone (k6's), for which the time axis says
// nothing.
func (m *Model) timeless() bool {
	_, _, timed := m.store.DataRange()
	return m.decided && !timed && m.store.Load.HasAggregates() && m.store.AllCaughtUp()
}

// statusLine completes the status line whose left side is left: the
// dashboard's warnings where there is room, the warning count and the keys
// at the right.
func (m *Model) statusLine(left string) string {
	st := m.st
	right := m.keysHint
	if n := m.store.WarningCount() + len(m.ownWarnings()); n > 0 {
		// Beside the keys, where a long left side cannot push it out.
		right = "  " + wrap(st.Warn, warnCount(n)) + "  " + m.warnHint + "  " + right
	}
	if m.search.active {
		left, right = m.search.statusBar()
	} else if m.prompt.active {
		left, right = m.prompt.statusBar(m.w)
	} else {
		// The warnings take what room the figures leave, each cut before
		// its advice rather than after it.
		room := m.w - ansi.StringWidth(right) - ansi.StringWidth(left)
		for _, w := range []statusWarning{m.recordWarning(), m.clockWarning()} {
			if w.what == "" {
				continue
			}
			text := w.cut(room-2, m.keys.Warnings.Help().Key)
			if text == "" {
				break
			}
			left += "  " + wrap(st.Warn, text)
			room -= 2 + ansi.StringWidth(text)
		}
	}
	room := m.w - ansi.StringWidth(right)
	line := fit(left, max(room, 0)) + right
	return wrap(st.StatusBar, line)
}

// runOffset is the cursor's distance from the start of the data on the
// axis ("+1m37s"): the data's start, the instant the TIME arguments'
// offsets (--at +1m37s) count from, so that the status line and the
// command line read alike; with sources far apart, the start of those the
// axis fits (axisRange), not of a log from years before.
func (m *Model) runOffset(cursorMS int64) (string, bool) {
	first, _, ok := m.store.DataRange()
	if len(m.store.NonOverlapping()) > 0 {
		first, _, ok = m.axisRange()
	}
	if !ok {
		return "", false
	}
	// In whole seconds of the clock, as the cursor moves and as --at resolves.
	return offset((floorSec(cursorMS) - floorSec(first)) * 1000), true
}

// offset formats a signed distance in whole seconds: "+0s", "+1m37s",
// "+2h05m", "-12s".
func offset(ms int64) string {
	sign := "+"
	if ms < 0 {
		sign, ms = "-", -ms
	}
	s := ms / 1000
	switch {
	case s < 60:
		return sign + strconv.FormatInt(s, 10) + "s"
	case s < 3600:
		return fmt.Sprintf("%s%dm%02ds", sign, s/60, s%60)
	case s < 100*3600:
		return fmt.Sprintf("%s%dh%02dm", sign, s/3600, s/60%60)
	}
	return fmt.Sprintf("%s%dd%02dh", sign, s/86400, s/3600%24)
}

// statusWarning is a warning of the status line: what happened and what
// to do about it.
type statusWarning struct{ what, advice string }

// cut fits the warning into room cells. What happened is shortened first,
// with a pointer to the warnings list (key), so the advice is never the
// part cut; "" when not even the advice fits.
func (w statusWarning) cut(room int, key string) string {
	full := w.what
	if w.advice != "" {
		full += ": " + w.advice
	}
	if ansi.StringWidth(full) <= room {
		return full
	}
	tail := "… (" + key + " for all)"
	if w.advice != "" {
		tail = "… (" + key + "): " + w.advice
	}
	keep := room - ansi.StringWidth(tail)
	if keep < 8 {
		return ""
	}
	return ansi.Truncate(w.what, keep, "") + tail
}

// ownWarnings are the dashboard's warnings in full, for the list.
func (m *Model) ownWarnings() []string {
	var out []string
	for _, w := range []statusWarning{m.recordWarning(), m.clockWarning()} {
		if w.what != "" {
			out = append(out, w.cut(math.MaxInt, ""))
		}
	}
	return out
}

func (m *Model) recordWarning() statusWarning {
	if m.recordErr == "" {
		return statusWarning{}
	}
	return statusWarning{what: m.recordErr}
}

func (m *Model) clockWarning() statusWarning {
	return m.clockWarn
}

// saveSnapshot hands the frame on screen, without the notice it is about to
// get, to Options.SaveSnapshot and says where it went, or why it could not.
func (m *Model) saveSnapshot() {
	if m.opt.SaveSnapshot == nil {
		return
	}
	frame := m.render()
	where, err := m.opt.SaveSnapshot(frame, m.w, m.h, time.UnixMilli(m.tl.Cursor(m.nowMS())).In(m.zone))
	if err != nil {
		m.notice = wrap(m.st.Warn, "snapshot not saved: "+sanitize.Value(err.Error()))
		return
	}
	m.notice = "saved " + sanitize.Value(where)
}
