package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// KeyMap holds the keys that work everywhere and the ones every pane
// shares (↑/↓, pages, enter, esc, /). Each pane, the help, the overlay and
// the search line build their own small key map from these and their own
// keys, and their help from that key map. Later capabilities add keys; they
// never rebind these.
type KeyMap struct {
	Interrupt                  key.Binding // quits even while typing a search
	Quit, Help                 key.Binding
	Warnings                   key.Binding // the sources' warnings
	Snapshot                   key.Binding // save the frame (Options.SaveSnapshot)
	Record                     key.Binding // start and stop a recording (Options.StartRecording)
	Incidents                  key.Binding // the incidents and what changed in each
	Plan                       key.Binding // the test plan beside the results
	NextPane, PrevPane         key.Binding
	Pane1, Pane2, Pane3        key.Binding
	Zoom                       key.Binding
	Open                       key.Binding
	Left, Right                key.Binding
	LeftFast, RightFast        key.Binding
	Live                       key.Binding
	ScrollLeft, ScrollRight    key.Binding
	ZoomIn, ZoomOut            key.Binding
	Search                     key.Binding
	Mark, Note, NextMark       key.Binding
	NextError, PrevError       key.Binding
	Window, Clear              key.Binding
	Follow                     key.Binding
	Slower, Faster             key.Binding // a replay's speed
	Up, Down, PageUp, PageDown key.Binding
	Home                       key.Binding
	End                        key.Binding // the data's end, or live in a live session
	FitPane                    key.Binding // fit the axis to the focused pane's data
	Prompt                     key.Binding // the PromQL prompt (--prom)
}

// DefaultKeys returns the key map.
func DefaultKeys() KeyMap {
	return KeyMap{
		Interrupt:   key.NewBinding(key.WithKeys("ctrl+c")),
		Quit:        key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Warnings:    key.NewBinding(key.WithKeys("!"), key.WithHelp("!", "list the sources' warnings")),
		Snapshot:    key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "save frame: SVG, text")),
		Record:      key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "record from now / stop")),
		Incidents:   key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "incidents, what changed")),
		Plan:        key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "test plan, its findings")),
		NextPane:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		PrevPane:    key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		Pane1:       key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "load test pane")),
		Pane2:       key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "metrics pane")),
		Pane3:       key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "logs pane")),
		Zoom:        key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zoom pane to full screen")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open selected")),
		Left:        key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "cursor back one step")),
		Right:       key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "cursor forward one step")),
		LeftFast:    key.NewBinding(key.WithKeys("shift+left", "H"), key.WithHelp("shift+←/H", "cursor back ten steps")),
		RightFast:   key.NewBinding(key.WithKeys("shift+right", "L"), key.WithHelp("shift+→/L", "cursor forward ten steps")),
		Live:        key.NewBinding(key.WithKeys("end", "0"), key.WithHelp("end/0", "back to live")),
		ScrollLeft:  key.NewBinding(key.WithKeys("<"), key.WithHelp("<", "scroll lines left")),
		ScrollRight: key.NewBinding(key.WithKeys(">"), key.WithHelp(">", "scroll lines right")),
		ZoomIn:      key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "zoom time in")),
		ZoomOut:     key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "zoom time out")),
		Search:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search / filter")),
		Mark:        key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "set mark at cursor")),
		Note:        key.NewBinding(key.WithKeys("M"), key.WithHelp("M", "note at cursor")),
		NextMark:    key.NewBinding(key.WithKeys("'"), key.WithHelp("'", "jump to next mark")),
		NextError:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "next error onset")),
		PrevError:   key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "previous error onset")),
		Window:      key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "mark window start/end")),
		Clear:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear window/filter/close")),
		Follow:      key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "toggle follow / play")),
		Slower:      key.NewBinding(key.WithKeys("{"), key.WithHelp("{", "replay half as fast")),
		Faster:      key.NewBinding(key.WithKeys("}"), key.WithHelp("}", "replay twice as fast")),
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:        key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "to the data's start")),
		End:         key.NewBinding(key.WithKeys("G"), key.WithHelp("G", "to the end (or live)")),
		FitPane:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "fit axis to pane's data")),
		Prompt:      key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "PromQL prompt (--prom)")),
	}
}

// Global returns the bindings that work in every pane, for help.
func (k KeyMap) Global() []key.Binding {
	return []key.Binding{k.Left, k.Right, k.LeftFast, k.RightFast, k.Live, k.Home, k.End, k.ZoomIn, k.ZoomOut, k.FitPane,
		k.Window, k.Clear, k.Mark, k.Note, k.NextMark, k.NextError, k.PrevError, k.Follow, k.Slower, k.Faster, k.Search, k.Prompt, k.NextPane, k.PrevPane,
		k.Pane1, k.Pane2, k.Pane3, k.Zoom, k.Warnings, k.Incidents, k.Plan, k.Snapshot, k.Record, k.Help, k.Quit}
}

// ShortHelp returns the keys the status bar names.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Help, k.Quit} }

// describe returns b described for where it is used, for a pane's help.
func describe(b key.Binding, desc string) key.Binding { return anyOf(b.Help().Key, desc, b) }

// anyOf returns a binding that matches every key of bs and is shown in help
// as keyHelp and desc: one line of help for several keys (↑/↓), or a
// shared key described for where it is used.
func anyOf(keyHelp, desc string, bs ...key.Binding) key.Binding {
	var keys []string
	for _, b := range bs {
		keys = append(keys, b.Keys()...)
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keyHelp, desc))
}

// hints writes bindings as a one-line hint, "key desc" joined by sep.
func hints(sep string, bs ...key.Binding) string {
	var b strings.Builder
	for i, k := range bs {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(k.Help().Key + " " + k.Help().Desc)
	}
	return b.String()
}
