package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/tui/chart"
)

// The panes in screen order; a pane's place indexes the root's panes, their
// rectangles and the linked state's filters.
const (
	paneLoad = iota
	paneMetrics
	paneLogs
	paneCount
)

// pane is one of the dashboard's three views. A pane is a pure view of the
// frame plus its own scroll and selection state; it changes the linked state
// or the screen only by returning a message, which the root applies at once.
type pane interface {
	// title is the pane's name in its border.
	title() string
	// kind is the source kind the pane shows.
	kind() sources.Kind
	// hint says how to add a source, for a pane without one.
	hint() string
	// render draws the whole pane, border included, in exactly w x h cells.
	render(f *frame, w, h int, focused bool) string
	// keys returns the pane's help: bindings of its key map, in order.
	keys() []key.Binding
	// handleKey handles a key meant for the focused pane.
	handleKey(msg tea.KeyPressMsg, f *frame) tea.Msg
	// scroll moves the pane's content by n lines (wheel, j/k).
	scroll(f *frame, n int) tea.Msg
	// charts returns where the pane drew its charts, relative to the pane.
	charts() []chartArea
	// open handles enter.
	open(f *frame) tea.Msg
	// filterChanged tells the pane its / filter changed, so it goes back to
	// its first row.
	filterChanged()
	// clear drops the pane's own selection or filter (esc); nil when it had
	// none, and the root clears the window instead.
	clear(f *frame) tea.Msg
}

// setFilterMsg asks the root to set a pane's / filter.
type setFilterMsg struct {
	pane int
	text string
}

// showOverlayMsg asks the root to show text over the panes (enter on a log
// entry or a chart).
type showOverlayMsg struct{ text string }

// setCursorMsg asks the root to move the shared cursor to ms, paused (the
// logs' [ and ]).
type setCursorMsg struct{ ms int64 }

// startSearchMsg asks the root to open the search line in mode (the
// logs' f and F).
type startSearchMsg struct{ mode byte }

// noticeMsg asks the root to say text on the status line until the next
// key (a key that found nothing to do).
type noticeMsg struct{ text string }

// chartArea is a chart's plot rectangle inside its pane, for the mouse.
type chartArea struct {
	x, y, w, h int
}

// paneHealth summarises the health of the sources of kind k for a border.
func paneHealth(f *frame, k sources.Kind) (string, chart.Style) {
	var parts []string
	style := f.st.Muted
	for _, src := range f.store.Sources {
		if src.Info.Kind.Group() != k.Group() {
			continue
		}
		h := src.Health
		text := h.Describe(func(t time.Time) string { return f.clock(t.UnixMilli()) })
		switch h.State {
		case sources.StateDown, sources.StateFailed:
			style = f.st.Down
		case sources.StateWaiting:
			if style != f.st.Down {
				style = f.st.Warn
			}
		}
		if src.BadRows > 0 {
			text += " · " + itoa(src.BadRows) + " bad rows"
		}
		if f.store.KindCount(k) > 1 {
			text = baseName(src.Name) + ": " + text
		}
		parts = append(parts, text)
	}
	return strings.Join(parts, " │ "), style
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, "/\\"); i >= 0 && i < len(p)-1 && !strings.Contains(p, "://") {
		return p[i+1:]
	}
	return p
}

// emptyPane draws a pane without a source: its title and how to add one.
func emptyPane(st *Styles, i int, p pane, w, h int, focused bool) string {
	return box(st, numbered(i, p.title()), "", st.Muted, []string{wrap(st.Muted, p.hint())}, w, h, focused)
}
