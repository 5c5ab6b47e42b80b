package tui

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sobang/sobang/sources"
)

// The PromQL prompt (:), the list of metric names (a) and removing a chart
// (d) ask a Prometheus server through Options.PromQL, never the adapter.
// Every request runs as a command off the UI's goroutine; its answer comes
// back as a message.

// promTimeout bounds one request of the prompt or the list: a query over a
// long range may take the server a while.
const promTimeout = time.Minute

// maxCandidates is how many completions the prompt's message line names.
const maxCandidates = 40

// promPrompt is the : line: a PromQL query typed with history and
// completion, taking the status bar's place while active (every key is
// its own then).
type promPrompt struct {
	keys    promptKeys
	active  bool
	input   []rune
	history []string // the queries entered this session, oldest first
	histPos int      // index into history while browsing it; len(history) when not
	// msg is the line above the prompt: the server's error, the
	// completions, or what is being asked; isErr draws it as a warning.
	msg   string
	isErr bool
	busy  string // the query being added, "" when none
	// pendingTab is the completion asked while its names were fetched.
	pendingTab bool
}

// promptKeys are the prompt's own keys; the status bar's hint is built
// from Run, Complete and Close.
type promptKeys struct {
	Run, Close, Complete  key.Binding
	Older, Newer          key.Binding
	Erase, EraseAll, Word key.Binding
}

func newPromPrompt() promPrompt {
	return promPrompt{keys: promptKeys{
		Run:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "chart")),
		Close:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
		Complete: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
		Older:    key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "history")),
		Newer:    key.NewBinding(key.WithKeys("down")),
		Erase:    key.NewBinding(key.WithKeys("backspace")),
		EraseAll: key.NewBinding(key.WithKeys("ctrl+u")),
		Word:     key.NewBinding(key.WithKeys("ctrl+w")),
	}}
}

// open starts an empty prompt.
func (p *promPrompt) open() {
	p.active, p.input, p.msg, p.isErr, p.pendingTab = true, p.input[:0], "", false, false
	p.histPos = len(p.history)
}

func (p *promPrompt) setText(s string) { p.input = append(p.input[:0], []rune(s)...) }

// statusBar returns the status bar's two sides while the prompt is active,
// w cells wide: the keys' hint gives way to a long query, whose end (where
// the caret is) stays in sight.
func (p *promPrompt) statusBar(w int) (left, right string) {
	right = hints("  ", p.keys.Run, p.keys.Complete, p.keys.Older, p.keys.Close) + " "
	text := string(p.input)
	if ansi.StringWidth(text)+4+ansi.StringWidth(right) > w {
		right = ""
	}
	room := w - 4 - ansi.StringWidth(right)
	if n := ansi.StringWidth(text); n > room && room > 1 {
		text = "…" + ansi.TruncateLeft(text, n-room+1, "")
	}
	return " :" + text + "▏", right
}

// maxPromptLines bounds the lines above the prompt: a server's error is
// read whole, a list of completions is cut.
const maxPromptLines = 3

// lines are the message lines above the prompt, w cells wide, none when
// there is nothing to say: the server's error wrapped whole (up to
// maxPromptLines), the completions on one line.
func (p *promPrompt) lines(st *Styles, w int) []string {
	switch {
	case p.busy != "":
		return []string{wrap(st.Muted, fitPlain(" asking the server for "+p.busy+" …", 0, w))}
	case p.msg == "":
		return nil
	case !p.isErr:
		return []string{wrap(st.Muted, fitPlain(" "+p.msg, 0, w))}
	}
	out := wrapWords(p.msg, max(w-2, 1))
	if len(out) > maxPromptLines {
		out = out[:maxPromptLines]
		out[maxPromptLines-1] += " …"
	}
	for i, l := range out {
		out[i] = wrap(st.Warn, fitPlain(" "+l, 0, w))
	}
	return out
}

// completion is what tab completes at the end of the prompt's text.
type completion struct {
	req    sources.NamesRequest // Label and Metric; the range is the view's
	prefix string               // the part already typed
	start  int                  // byte offset of prefix in the text
	quote  bool                 // a label value: closed with a quote
}

// what names the kind of names completed, for messages.
func (c completion) what() string {
	switch c.req.Label {
	case "__name__":
		return "metric name"
	case "":
		return "label name"
	}
	return c.req.Label + " value"
}

func (c completion) cacheKey() string { return c.req.Label + "\x00" + c.req.Metric }

// completionAt says what to complete at the end of text: a label's value
// after `label="`, a label name inside braces (of the metric before them),
// else a metric name.
func completionAt(text string) completion {
	open := strings.LastIndexByte(text, '{')
	if open >= 0 && strings.LastIndexByte(text, '}') < open {
		metric := trailingName(text[:open])
		partStart := open + 1
		inQuote := false
		for i := open + 1; i < len(text); i++ {
			switch text[i] {
			case '\\':
				i++
			case '"':
				inQuote = !inQuote
			case ',':
				if !inQuote {
					partStart = i + 1
				}
			}
		}
		part := text[partStart:]
		if i := strings.IndexAny(part, "=!~"); i >= 0 {
			label := strings.TrimSpace(part[:i])
			rest := strings.TrimLeft(part[i:], "=!~ ")
			rest = strings.TrimPrefix(rest, `"`)
			start := len(text) - len(rest)
			return completion{req: sources.NamesRequest{Label: label, Metric: metric}, prefix: rest, start: start, quote: true}
		}
		rest := strings.TrimLeft(part, " ")
		return completion{req: sources.NamesRequest{Metric: metric}, prefix: rest, start: len(text) - len(rest)}
	}
	name := trailingName(text)
	return completion{req: sources.NamesRequest{Label: "__name__"}, prefix: name, start: len(text) - len(name)}
}

// trailingName is the metric or label name text ends with.
func trailingName(text string) string {
	i := len(text)
	for i > 0 {
		c := text[i-1]
		if c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') {
			i--
			continue
		}
		break
	}
	return text[i:]
}

// leadingName is the metric name a query starts with, "" when none.
func leadingName(query string) string {
	q := strings.TrimSpace(query)
	i := 0
	for i < len(q) {
		c := q[i]
		if c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9') {
			i++
			continue
		}
		break
	}
	if i < len(q) && q[i] == '(' {
		return "" // a function
	}
	return q[:i]
}

// complete applies names to the completion c: one match replaces the
// prefix, several extend it to what they share and are listed.
func (p *promPrompt) complete(c completion, names []string) {
	text := string(p.input)
	var matches []string
	for _, n := range names {
		if strings.HasPrefix(n, c.prefix) {
			matches = append(matches, n)
		}
	}
	p.isErr = false
	switch len(matches) {
	case 0:
		p.msg, p.isErr = "no "+c.what()+" starts with “"+c.prefix+"”", true
	case 1:
		done := matches[0]
		if c.quote {
			done += `"`
		}
		p.setText(text[:c.start] + done)
		p.msg = ""
	default:
		common := matches[0]
		for _, m := range matches[1:] {
			for !strings.HasPrefix(m, common) {
				common = common[:len(common)-1]
			}
		}
		p.setText(text[:c.start] + common)
		shown := matches[:min(len(matches), maxCandidates)]
		p.msg = itoa(len(matches)) + " " + c.what() + "s: " + strings.Join(shown, "  ")
	}
}

// promNamesMsg carries names the server gave, for the prompt's
// completion (cacheKey) or the list of metric names.
type promNamesMsg struct {
	cacheKey string
	names    []string
	err      error
}

// promAddedMsg says how adding a query went.
type promAddedMsg struct {
	query string
	err   error
}

// nameList is the list a opens: the metric names the server held over the
// view, filtered by what is typed (fuzzy), one of them added on enter.
type nameList struct {
	keys   nameListKeys
	shown  bool
	filter []rune
	names  []string // every name, sorted; nil while asked for
	sel    int      // index into the filtered names
	msg    string   // what is being asked, or the server's error
}

type nameListKeys struct {
	Add, Close, Up, Down, Erase key.Binding
}

func newNameList() nameList {
	return nameList{keys: nameListKeys{
		Add:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "chart")),
		Close: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
		Up:    key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "choose")),
		Down:  key.NewBinding(key.WithKeys("down")),
		Erase: key.NewBinding(key.WithKeys("backspace")),
	}}
}

// matching returns the names that hold the filter's letters in order, the
// closest matches first: the filter as a whole, at the start, then
// scattered least widely.
func (l *nameList) matching() []string {
	pat := strings.ToLower(string(l.filter))
	if pat == "" {
		return l.names
	}
	type scored struct {
		name  string
		score int
	}
	var out []scored
	for _, n := range l.names {
		if s, ok := fuzzyScore(strings.ToLower(n), pat); ok {
			out = append(out, scored{n, s})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score < out[j].score })
	names := make([]string, len(out))
	for i, s := range out {
		names[i] = s.name
	}
	return names
}

// fuzzyScore scores name against pat (both lower case): lower is better;
// false when pat's letters are not all in name, in order.
func fuzzyScore(name, pat string) (int, bool) {
	if i := strings.Index(name, pat); i >= 0 {
		return i, true
	}
	first, j := -1, 0
	for i := 0; i < len(name) && j < len(pat); i++ {
		if name[i] == pat[j] {
			if first < 0 {
				first = i
			}
			j++
			if j == len(pat) {
				return 1000 + i - first, true
			}
		}
	}
	return 0, false
}

// render draws the list in exactly w x h cells.
func (l *nameList) render(st *Styles, w, h int) string {
	inner := w - 2
	lines := []string{fit(" "+wrap(st.Bold, "filter: ")+string(l.filter)+"▏", inner)}
	names := l.matching()
	switch {
	case l.msg != "":
		lines = append(lines, fitPlain(" "+l.msg, 0, inner))
	case len(names) == 0:
		lines = append(lines, wrap(st.Muted, fitPlain(" no metric name matches", 0, inner)))
	}
	room := h - 2 - len(lines)
	l.sel = max(min(l.sel, len(names)-1), 0)
	first := max(l.sel-room+1, 0)
	for i := first; i < len(names) && len(lines) < h-2; i++ {
		if i == l.sel {
			lines = append(lines, wrap(st.Selected, fitPlain("▶ "+names[i], 0, inner)))
			continue
		}
		lines = append(lines, fitPlain("  "+names[i], 0, inner))
	}
	title := "Add a series"
	if l.names != nil {
		title += " · " + itoa(len(names)) + " of " + itoa(len(l.names)) + " names"
	}
	return box(st, title, hints(" · ", l.keys.Add, l.keys.Up, l.keys.Close), st.Muted, lines, w, h, true)
}

// openPrompt opens the : prompt, or says why it cannot.
func (m *Model) openPrompt() {
	if m.opt.PromQL == nil {
		m.notice = "no Prometheus server to ask: start with --prom URL"
		return
	}
	m.prompt.open()
}

// viewRange is the range the view shows, for the server's names.
func (m *Model) viewRange() (time.Time, time.Time) {
	f := m.frame()
	return time.UnixMilli(f.fromMS), time.UnixMilli(f.toMS)
}

// askNames asks the server for names over the view's range.
func (m *Model) askNames(req sources.NamesRequest, cacheKey string) tea.Cmd {
	q := m.opt.PromQL
	req.From, req.To = m.viewRange()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), promTimeout)
		defer cancel()
		names, err := q.Names(ctx, req)
		return promNamesMsg{cacheKey: cacheKey, names: names, err: err}
	}
}

// addQuery asks the source to chart query.
func (m *Model) addQuery(query string) tea.Cmd {
	q := m.opt.PromQL
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), promTimeout)
		defer cancel()
		return promAddedMsg{query: query, err: q.AddQuery(ctx, query)}
	}
}

// promptKey handles a key while the prompt is active.
func (m *Model) promptKey(msg tea.KeyPressMsg) tea.Cmd {
	p := &m.prompt
	k := p.keys
	switch {
	case key.Matches(msg, k.Close):
		p.active, p.busy = false, ""
	case key.Matches(msg, k.Run):
		query := strings.TrimSpace(string(p.input))
		if query == "" || p.busy != "" {
			return nil
		}
		if len(p.history) == 0 || p.history[len(p.history)-1] != query {
			p.history = append(p.history, query)
		}
		p.histPos = len(p.history)
		p.busy, p.msg = query, ""
		return m.addQuery(query)
	case key.Matches(msg, k.Older):
		if p.histPos > 0 {
			p.histPos--
			p.setText(p.history[p.histPos])
		}
	case key.Matches(msg, k.Newer):
		if p.histPos < len(p.history) {
			p.histPos++
			if p.histPos == len(p.history) {
				p.setText("")
			} else {
				p.setText(p.history[p.histPos])
			}
		}
	case key.Matches(msg, k.Complete):
		c := completionAt(string(p.input))
		if names, ok := m.promNames[c.cacheKey()]; ok {
			p.complete(c, names)
			return nil
		}
		p.pendingTab, p.msg, p.isErr = true, "asking the server for the "+c.what()+"s …", false
		return m.askNames(c.req, c.cacheKey())
	case key.Matches(msg, k.Erase):
		if len(p.input) > 0 {
			p.input = p.input[:len(p.input)-1]
		}
	case key.Matches(msg, k.EraseAll):
		p.input = p.input[:0]
	case key.Matches(msg, k.Word):
		s := strings.TrimRight(string(p.input), " ")
		p.setText(s[:len(s)-len(trailingName(s))])
	case msg.Text != "":
		p.input = append(p.input, []rune(msg.Text)...)
		p.msg, p.isErr = "", false
	}
	return nil
}

// openNames opens the list of metric names, asking for them the first
// time.
func (m *Model) openNames() tea.Cmd {
	if m.opt.PromQL == nil {
		m.notice = "no Prometheus server to ask: start with --prom URL"
		return nil
	}
	l := &m.names
	l.shown, l.filter, l.sel, l.msg = true, l.filter[:0], 0, ""
	const key = "__name__\x00"
	if names, ok := m.promNames[key]; ok {
		l.names = names
		return nil
	}
	l.names, l.msg = nil, "asking the server for its metric names …"
	return m.askNames(sources.NamesRequest{Label: "__name__"}, key)
}

// namesKey handles a key while the list of names is shown.
func (m *Model) namesKey(msg tea.KeyPressMsg) tea.Cmd {
	l := &m.names
	switch {
	case key.Matches(msg, l.keys.Close):
		l.shown = false
	case key.Matches(msg, l.keys.Add):
		names := l.matching()
		if len(names) == 0 || l.sel >= len(names) {
			return nil
		}
		l.shown = false
		m.notice = "asking the server for " + names[l.sel] + " …"
		return m.addQuery(names[l.sel])
	case key.Matches(msg, l.keys.Up):
		l.sel = max(l.sel-1, 0)
	case key.Matches(msg, l.keys.Down):
		l.sel++
	case key.Matches(msg, l.keys.Erase):
		if len(l.filter) > 0 {
			l.filter = l.filter[:len(l.filter)-1]
			l.sel = 0
		}
	case msg.Text != "":
		l.filter = append(l.filter, []rune(msg.Text)...)
		l.sel = 0
	}
	return nil
}

// removeChart removes the metrics pane's top chart (the one enter lists):
// hidden here, and no longer asked of the server.
func (m *Model) removeChart() {
	shown := m.metrics.shown
	if len(shown) == 0 {
		m.notice = "no chart to remove"
		return
	}
	fam := shown[0]
	m.metrics.hide(fam.Name)
	if q := m.opt.PromQL; q != nil {
		asked := []string{fam.Name}
		for _, s := range fam.Series {
			if s.Query != "" && !slices.Contains(asked, s.Query) {
				asked = append(asked, s.Query)
			}
		}
		for _, a := range asked {
			q.RemoveChart(a)
		}
	}
	m.notice = "removed the chart of " + fam.Name + " (: or a adds it back)"
}

// promMsg applies the answer of a request; false when msg is none.
func (m *Model) promMsg(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case promNamesMsg:
		if msg.err != nil {
			text := msg.err.Error()
			if m.prompt.pendingTab {
				m.prompt.pendingTab, m.prompt.msg, m.prompt.isErr = false, text, true
			}
			if m.names.shown && m.names.names == nil {
				m.names.msg = text
			}
			return true
		}
		if m.promNames == nil {
			m.promNames = map[string][]string{}
		}
		m.promNames[msg.cacheKey] = msg.names
		if m.prompt.pendingTab && m.prompt.active {
			m.prompt.pendingTab = false
			if c := completionAt(string(m.prompt.input)); c.cacheKey() == msg.cacheKey {
				m.prompt.complete(c, msg.names)
			} else {
				m.prompt.msg = ""
			}
		}
		if m.names.shown && msg.cacheKey == "__name__\x00" {
			m.names.names, m.names.msg = msg.names, ""
		}
	case promExemplarsMsg:
		if msg.key != m.exemplars.key {
			return false
		}
		m.exemplars.byFamily = msg.byFamily
	case promInstantMsg:
		if msg.atMS != m.instant.atMS || msg.err != nil {
			return msg.err != nil // the legend keeps the range's values
		}
		values := make(map[string]float64, len(msg.samples))
		for _, s := range msg.samples {
			values[s.Series()] = s.Value
		}
		m.instant.values = values
	case promAddedMsg:
		p := &m.prompt
		waiting := p.active && p.busy == msg.query
		if waiting {
			p.busy = ""
		}
		if msg.err != nil {
			if waiting {
				p.msg, p.isErr = msg.err.Error(), true
			} else {
				m.notice = msg.err.Error()
			}
			return true
		}
		m.metrics.unhide(msg.query)
		if waiting {
			p.active = false
		}
		m.notice = "charted " + msg.query
		m.focus = paneMetrics
	default:
		return false
	}
	return true
}

// instantValues are the server's values at one second of the cursor.
type instantValues struct {
	atMS   int64              // the second asked for, 0 when none
	values map[string]float64 // by series identity; nil until answered
}

// exemplarSet is what askExemplars last asked for and what came back.
type exemplarSet struct {
	key      string // the range and families asked for, "" when none
	byFamily map[string][]sources.Exemplar
}

// promExemplarsMsg carries the exemplars of one askExemplars.
type promExemplarsMsg struct {
	key      string
	byFamily map[string][]sources.Exemplar
}

// maxExemplarFamilies bounds the histograms one askExemplars asks about:
// those on screen.
const maxExemplarFamilies = 6

// askExemplars asks the server, once per range shown and set of charts,
// for the exemplars of the histograms charted from it, while paused (a
// live range moves every second; a saved run's does not). A server
// without them, or refusing, leaves the charts as they are.
func (m *Model) askExemplars() tea.Cmd {
	q := m.opt.PromQL
	if q == nil || m.tl.Live() {
		return nil
	}
	from, to := m.tl.View(m.nowMS())
	queries := map[string]string{}
	key := strconv.FormatInt(from, 10) + "-" + strconv.FormatInt(to, 10)
	for _, fam := range m.metrics.shown {
		if fam.Type != sources.MetricHistogram || len(queries) == maxExemplarFamilies {
			continue
		}
		for _, s := range fam.Series {
			if s.Query != "" {
				queries[fam.Name] = s.Query
				key += " " + fam.Name
				break
			}
		}
	}
	if len(queries) == 0 || key == m.exemplars.key {
		return nil
	}
	m.exemplars = exemplarSet{key: key}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), promTimeout)
		defer cancel()
		out := map[string][]sources.Exemplar{}
		for name, query := range queries {
			ex, err := q.Exemplars(ctx, query, time.UnixMilli(from), time.UnixMilli(to))
			if err == nil && len(ex) > 0 {
				out[name] = ex
			}
		}
		return promExemplarsMsg{key: key, byFamily: out}
	}
}

// promInstantMsg carries the server's values at a second.
type promInstantMsg struct {
	atMS    int64
	samples []sources.MetricSample
	err     error
}

// instantFor returns the server's values at the cursor's second, nil when
// none are known for it.
func (m *Model) instantFor(cursorMS int64) map[string]float64 {
	if m.instant.atMS == 0 || m.instant.atMS != floorSec(cursorMS)*1000 {
		return nil
	}
	return m.instant.values
}

// askInstant asks the server for the values at a paused cursor's second
// of the gauges charted from it whose points are further apart than a
// second and hold none at that second: the range's step is then coarser
// than the cursor, and the legend reads the instant instead. Counters
// and histograms are read as rates between points, which an instant's
// value does not give.
func (m *Model) askInstant() tea.Cmd {
	q := m.opt.PromQL
	if q == nil || m.tl.Live() {
		return nil
	}
	at := floorSec(m.tl.Cursor(m.nowMS())) * 1000
	if at == m.instant.atMS {
		return nil
	}
	var queries []string
	for _, fam := range m.metrics.shown {
		if fam.Type != sources.MetricGauge && fam.Type != sources.MetricUntyped {
			continue
		}
		for _, s := range fam.Series {
			if s.Query == "" || s.Spacing() <= 1000 || slices.Contains(queries, s.Query) {
				continue
			}
			if p, ok := s.PointAt(at); ok && p.T == at {
				continue // a point at the second: the range said it
			}
			queries = append(queries, s.Query)
		}
	}
	if len(queries) == 0 {
		return nil
	}
	m.instant = instantValues{atMS: at}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), promTimeout)
		defer cancel()
		samples, err := q.ValuesAt(ctx, queries, time.UnixMilli(at))
		return promInstantMsg{atMS: at, samples: samples, err: err}
	}
}
