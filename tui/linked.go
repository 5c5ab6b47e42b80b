package tui

import (
	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/tui/timeline"
)

// linked is the state that links the panes, held by the root alone: the
// shared time axis (cursor, range, window, marks), the label opened in the
// load-test pane and the request path it implies for the other panes, and
// each pane's text filter. Panes never hold it: they read it through the
// frame, so moving the cursor or opening a label in one pane moves every
// pane, because there is only one of each.
type linked struct {
	tl        *timeline.Timeline
	userMoved bool // the user moved the cursor: the start no longer fits past data
	// fit is the group of sources the time axis fits after o, "" for the
	// load test (or the first source with data).
	fit sources.Kind

	label   string            // the label opened in the load-test pane, "" for its table
	filters [paneCount]string // each pane's / filter, by pane
}

// path is the filter the open label implies for the other panes: its
// request path (from its URLs, else from the configuration), "" when no
// label is open or it has no path.
func (l *linked) path(st *store.Store) string {
	if l.label == "" {
		return ""
	}
	path, _ := st.LabelPath(l.label)
	return path
}
