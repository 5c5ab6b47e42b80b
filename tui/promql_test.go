package tui

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sobang/sobang/sources"
)

// fakePromQL answers the dashboard's requests from lists, applying an
// added query's series to the model's store as the source's batch would.
// The tests run the commands on their own goroutine, so the store is never
// written while the model reads it.
type fakePromQL struct {
	m       *Model
	names   map[string][]string // by Label+"/"+Metric
	asked   []sources.NamesRequest
	added   []string
	removed []string
	// instants are the instants ValuesAt was asked for.
	instants []time.Time
	// exemplars are what Exemplars answers, and exemplarQueries what it
	// was asked.
	exemplars       []sources.Exemplar
	exemplarQueries []string
}

func (f *fakePromQL) Exemplars(_ context.Context, query string, from, to time.Time) ([]sources.Exemplar, error) {
	f.exemplarQueries = append(f.exemplarQueries, query)
	var out []sources.Exemplar
	for _, e := range f.exemplars {
		if e.TimeMS >= from.UnixMilli() && e.TimeMS <= to.UnixMilli() {
			out = append(out, e)
		}
	}
	return out, nil
}

func (f *fakePromQL) AddQuery(_ context.Context, q string) error {
	if strings.Count(q, "(") != strings.Count(q, ")") {
		return errors.New(`the server answered: bad_data: invalid parameter "query": 1:6: parse error: unclosed left parenthesis`)
	}
	f.added = append(f.added, q)
	name := leadingName(q)
	if name == "" {
		name = q
	}
	var scrapes []sources.Scrape
	for sec := 0; sec < runSeconds; sec += 5 {
		scrapes = append(scrapes, sources.Scrape{Time: t0.Add(time.Duration(sec) * time.Second), Up: true,
			Samples: []sources.MetricSample{{Name: name, Labels: `job="api"`, Type: sources.MetricGauge, Value: 42, Query: q}}})
	}
	f.m.store.Apply(sources.Batch{Source: 1, Scrapes: scrapes})
	return nil
}

func (f *fakePromQL) RemoveChart(name string) { f.removed = append(f.removed, name) }

func (f *fakePromQL) ValuesAt(_ context.Context, queries []string, at time.Time) ([]sources.MetricSample, error) {
	f.instants = append(f.instants, at)
	var out []sources.MetricSample
	for _, q := range queries {
		out = append(out, sources.MetricSample{Name: q, Labels: `job="api"`, Type: sources.MetricGauge, Value: 99, Query: q})
	}
	return out, nil
}

func (f *fakePromQL) Names(_ context.Context, req sources.NamesRequest) ([]string, error) {
	f.asked = append(f.asked, req)
	if req.From.IsZero() || !req.To.After(req.From) {
		return nil, errors.New("no range")
	}
	return f.names[req.Label+"/"+req.Metric], nil
}

// promModel is the fixture's model with a fake server to ask.
func promModel(t *testing.T) (*Model, *fakePromQL) {
	t.Helper()
	m := fixtureModel(t0.Add(3*time.Hour), 120, 40)
	f := &fakePromQL{m: m, names: map[string][]string{
		"__name__/":                          {"go_goroutines", "jvm_memory_used_bytes", "jvm_threads_live_threads", "process_cpu_seconds_total"},
		"/jvm_memory_used_bytes":             {"__name__", "area", "id", "job"},
		"area/jvm_memory_used_bytes":         {"heap", "nonheap"},
		"id/jvm_memory_used_bytes":           {"G1 Eden Space", "G1 Old Gen"},
		"__name__/jvm_memory_used_bytes/bad": nil,
	}}
	m.opt.PromQL = f
	return m, f
}

// run presses keys, running the commands they return (and the commands
// their messages return) before the next key, as the program would.
func run(m *Model, keys ...tea.KeyPressMsg) {
	for _, k := range keys {
		_, cmd := m.Update(k)
		runCmd(m, cmd)
	}
}

func runCmd(m *Model, cmd tea.Cmd) {
	for cmd != nil {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				runCmd(m, c)
			}
			return
		}
		_, cmd = m.Update(msg)
	}
}

func typed(s string) []tea.KeyPressMsg {
	var out []tea.KeyPressMsg
	for _, r := range s {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

var (
	enterKey = tea.KeyPressMsg{Code: tea.KeyEnter}
	tabKey   = tea.KeyPressMsg{Code: tea.KeyTab}
	upKey    = tea.KeyPressMsg{Code: tea.KeyUp}
	downKey  = tea.KeyPressMsg{Code: tea.KeyDown}
	escKey   = tea.KeyPressMsg{Code: tea.KeyEscape}
)

// TestPromptCompletes: tab completes metric names, label names of the
// metric being written and a label's values, asking the server once per
// kind over the range shown; several matches extend to what they share
// and are listed.
func TestPromptCompletes(t *testing.T) {
	cases := []struct {
		typed, want, line string
	}{
		{"jvm_m", "jvm_memory_used_bytes", ""},
		{"rate(jvm_", "rate(jvm_", "2 metric names: jvm_memory_used_bytes  jvm_threads_live_threads"},
		{"go", "go_goroutines", ""},
		{"jvm_memory_used_bytes{ar", "jvm_memory_used_bytes{area", ""},
		{`jvm_memory_used_bytes{area="h`, `jvm_memory_used_bytes{area="heap"`, ""},
		{`jvm_memory_used_bytes{area="heap", id="G1 `, `jvm_memory_used_bytes{area="heap", id="G1 `, "2 id values: G1 Eden Space  G1 Old Gen"},
		{"nope", "nope", "no metric name starts with “nope”"},
	}
	for _, c := range cases {
		t.Run(c.typed, func(t *testing.T) {
			m, f := promModel(t)
			run(m, typed(":"+c.typed)...)
			run(m, tabKey)
			if got := string(m.prompt.input); got != c.want {
				t.Errorf("completed to %q, want %q", got, c.want)
			}
			frame := plain(m.Render())
			if c.line != "" && !strings.Contains(frame, c.line) {
				t.Errorf("the frame lacks %q:\n%s", c.line, frame)
			}
			if !strings.Contains(frame, " :"+c.want+"▏") {
				t.Errorf("the status line does not show the prompt:\n%s", frame)
			}
			// Once asked, the names are kept for the session.
			run(m, tabKey)
			if len(f.asked) != 1 {
				t.Errorf("%d requests, want one per kind of names", len(f.asked))
			}
			from, to := m.viewRange()
			if !f.asked[0].From.Equal(from) || !f.asked[0].To.Equal(to) {
				t.Errorf("asked over %v..%v, want the range shown %v..%v", f.asked[0].From, f.asked[0].To, from, to)
			}
		})
	}
}

// TestPromptAddsAChart: enter charts the query; an error is shown in the
// server's words with the prompt still open on the text; history brings
// back the session's queries.
func TestPromptAddsAChart(t *testing.T) {
	m, f := promModel(t)
	run(m, typed(":sum(rate(x[1m])")...)
	run(m, enterKey)
	if !m.prompt.active || !strings.Contains(plain(m.Render()), `the server answered: bad_data: invalid parameter "query": 1:6: parse error: unclosed left parenthesis`) {
		t.Fatalf("a refused query must leave the prompt open with the server's words:\n%s", plain(m.Render()))
	}
	// At 80 columns the server's words wrap above the prompt, whole, and
	// the frame keeps its size.
	m.Update(sizeMsg(80, 24))
	frame := m.Render()
	checkFrameSize(t, frame, 80, 24)
	for _, want := range []string{"the server answered: bad_data:", "parenthesis", " :sum(rate(x[1m])▏"} {
		if !strings.Contains(plain(frame), want) {
			t.Errorf("at 80x24 the frame lacks %q:\n%s", want, plain(frame))
		}
	}
	m.Update(sizeMsg(120, 40))
	run(m, tea.KeyPressMsg{Code: tea.KeyBackspace})
	run(m, typed("))")...)
	run(m, enterKey)
	if m.prompt.active || !slices.Equal(f.added, []string{"sum(rate(x[1m]))"}) {
		t.Fatalf("prompt active %v, added %q", m.prompt.active, f.added)
	}
	if m.focus != paneMetrics || m.metrics.shown[0].Name == "" {
		t.Fatal("the metrics pane is not focused")
	}
	if frame := plain(m.Render()); !strings.Contains(frame, "sum(rate(x[1m]))") || !strings.Contains(frame, "charted sum(rate(x[1m]))") {
		t.Errorf("the added chart is not shown:\n%s", frame)
	}
	run(m, typed(":up")...)
	run(m, enterKey)
	run(m, typed(":")...)
	run(m, upKey)
	if got := string(m.prompt.input); got != "up" {
		t.Errorf("↑ gives %q, want the last query", got)
	}
	// The refused query is history too, to be mended.
	run(m, upKey, upKey, upKey)
	if got := string(m.prompt.input); got != "sum(rate(x[1m])" {
		t.Errorf("↑↑↑↑ gives %q, want the first of the session", got)
	}
	run(m, downKey, downKey, downKey)
	if got := string(m.prompt.input); got != "" {
		t.Errorf("↓ past the newest gives %q, want an empty line", got)
	}
	run(m, escKey)
	if m.prompt.active {
		t.Error("esc leaves the prompt open")
	}
}

// TestAddFromListAndRemove: a lists the server's metric names, filtered
// fuzzily as typed; enter charts the chosen one; d removes the top chart,
// which the server is no longer asked for, and adding it again shows it.
func TestAddFromListAndRemove(t *testing.T) {
	m, f := promModel(t)
	run(m, typed("2a")...)
	if !m.names.shown || len(m.names.names) != 4 {
		t.Fatalf("list shown %v with %q", m.names.shown, m.names.names)
	}
	run(m, typed("jvmth")...)
	if got := m.names.matching(); !slices.Equal(got, []string{"jvm_threads_live_threads"}) {
		t.Errorf("fuzzy jvmth: %q", got)
	}
	frame := plain(m.Render())
	if !strings.Contains(frame, "▶ jvm_threads_live_threads") || !strings.Contains(frame, "1 of 4 names") {
		t.Errorf("the list does not show the match:\n%s", frame)
	}
	run(m, enterKey)
	if m.names.shown || !slices.Equal(f.added, []string{"jvm_threads_live_threads"}) {
		t.Fatalf("list shown %v, added %q", m.names.shown, f.added)
	}
	// Charted; the filter puts it on top, and d removes it.
	m.filters[paneMetrics] = "jvm_threads"
	m.metrics.filterChanged()
	m.Render()
	if len(m.metrics.shown) != 1 || m.metrics.shown[0].Name != "jvm_threads_live_threads" {
		t.Fatalf("shown %v", m.metrics.shown)
	}
	run(m, typed("d")...)
	if !slices.Contains(f.removed, "jvm_threads_live_threads") {
		t.Errorf("the server is still asked: removed %q", f.removed)
	}
	if frame := plain(m.Render()); strings.Contains(frame, "jvm_threads_live_threads {") || !strings.Contains(frame, "no metric matches") {
		t.Errorf("the chart is still shown:\n%s", frame)
	}
	run(m, typed(":jvm_threads_live_threads")...)
	run(m, enterKey)
	if m.Render(); len(m.metrics.shown) != 1 {
		t.Error("added again, the chart does not come back")
	}
}

// TestPromptKeepsTheEndInSight: a query longer than the status line shows
// its end, where the caret is, and gives up the keys' hint first.
func TestPromptKeepsTheEndInSight(t *testing.T) {
	m, _ := promModel(t)
	m.Update(sizeMsg(80, 24))
	q := `sum by (uri) (rate(http_server_requests_seconds_count{job="api",namespace="prod",status=~"5.."}[5m]))`
	run(m, typed(":"+q)...)
	frame := m.Render()
	checkFrameSize(t, frame, 80, 24)
	lines := strings.Split(plain(frame), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, " :…") || !strings.Contains(last, `[5m]))▏`) || strings.Contains(last, "enter chart") {
		t.Errorf("status line %q, want the query's end and no hint", last)
	}
	run(m, escKey)
	run(m, typed(":up")...)
	if last := plain(m.Render()); !strings.Contains(last, " :up▏") || !strings.Contains(last, "enter chart") {
		t.Errorf("a short query loses the hint:\n%s", last)
	}
}

// TestPromptWithoutServer: without --prom, : and a say how to get one.
func TestPromptWithoutServer(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 120, 40)
	for _, k := range []string{":", "2a"} {
		run(m, typed(k)...)
		if m.prompt.active || m.names.shown || !strings.Contains(plain(m.Render()), "no Prometheus server to ask: start with --prom URL") {
			t.Errorf("%s without a server:\n%s", k, plain(m.Render()))
		}
	}
}

// TestInstantValuesAtTheCursor: a gauge asked of the server at a 15 s step
// shows, at a paused cursor between two steps, the server's value at that
// second (an instant query), not the step's; on a step's own second, and
// for a scraped gauge, nothing is asked.
func TestInstantValuesAtTheCursor(t *testing.T) {
	m, f := promModel(t)
	var scrapes []sources.Scrape
	for sec := 0; sec < runSeconds; sec += 15 {
		scrapes = append(scrapes, sources.Scrape{Time: t0.Add(time.Duration(sec) * time.Second), Up: true,
			Samples: []sources.MetricSample{{Name: "queue_depth", Labels: `job="api"`, Type: sources.MetricGauge, Value: 7, Query: "queue_depth"}}})
	}
	m.store.Apply(sources.Batch{Source: 1, Scrapes: scrapes})
	m.filters[paneMetrics] = "queue"
	m.metrics.filterChanged()
	m.Render()
	run(m, typed("g")...) // the data's start: a step's own second
	if len(f.instants) != 0 {
		t.Fatalf("asked at %v, on a step's second", f.instants)
	}
	run(m, tea.KeyPressMsg{Code: tea.KeyRight})
	if len(f.instants) != 1 || !f.instants[0].Equal(time.UnixMilli(floorSec(m.tl.Cursor(m.nowMS()))*1000)) {
		t.Fatalf("instants %v, want one at the cursor's second", f.instants)
	}
	if frame := plain(m.Render()); !strings.Contains(frame, "queue_depth ⠒⠒ job=api 99") || !strings.Contains(frame, "│  queue_depth 99  │") {
		t.Errorf("the legend does not read the server's instant:\n%s", frame)
	}
	run(m, tea.KeyPressMsg{Code: tea.KeyUp}) // the same second: not asked again
	if len(f.instants) != 1 {
		t.Errorf("asked again for the same second: %v", f.instants)
	}
}

// TestExemplarsOfAChartedHistogram: a histogram asked of the server is
// charted with its exemplars, paused, once per range shown: the legend
// counts them and enter's list gives their trace ids, nearest the cursor
// first. A scraped histogram asks nothing.
func TestExemplarsOfAChartedHistogram(t *testing.T) {
	m, f := promModel(t)
	at := func(sec int) int64 { return t0.Add(time.Duration(sec) * time.Second).UnixMilli() }
	f.exemplars = []sources.Exemplar{
		{Series: `req_seconds_bucket{le="0.5"}`, TraceID: "4bf92f3577b34da6", Value: 0.31, TimeMS: at(20)},
		{Series: `req_seconds_bucket{le="+Inf"}`, TraceID: "00f067aa0ba902b7", Value: 2.5, TimeMS: at(60)},
	}
	var scrapes []sources.Scrape
	for sec := 0; sec < runSeconds; sec += 15 {
		n := float64(sec)
		scrapes = append(scrapes, sources.Scrape{Time: t0.Add(time.Duration(sec) * time.Second), Up: true,
			Samples: []sources.MetricSample{{Name: "req_seconds", Type: sources.MetricHistogram, Value: 2 * n, Query: "req_seconds_bucket",
				Buckets: []sources.Bucket{{UpperBound: 0.5, Count: n}, {UpperBound: math.Inf(1), Count: 2 * n}}}}})
	}
	m.store.Apply(sources.Batch{Source: 1, Scrapes: scrapes})
	m.filters[paneMetrics] = "req_seconds"
	m.metrics.filterChanged()
	m.Render()
	run(m, typed("g")...)
	if len(f.exemplarQueries) != 1 || f.exemplarQueries[0] != "req_seconds_bucket" {
		t.Fatalf("asked %q, want the histogram's query once", f.exemplarQueries)
	}
	if frame := plain(m.Render()); !strings.Contains(frame, "2 exemplars (enter)") {
		t.Errorf("the legend does not count the exemplars:\n%s", frame)
	}
	m.tl.SetCursor(at(55), m.nowMS())
	list := plain(seriesList(m.frame(), m.store.Metrics.Family("req_seconds")))
	i, j := strings.Index(list, "00f067aa0ba902b7"), strings.Index(list, "4bf92f3577b34da6")
	if !strings.Contains(list, "2 exemplars over the range shown") || i < 0 || j < i || !strings.Contains(list, "2.5s") {
		t.Errorf("enter's list, nearest the cursor first:\n%s", list)
	}
	run(m, tea.KeyPressMsg{Code: tea.KeyUp}) // the same range: not asked again
	if len(f.exemplarQueries) != 1 {
		t.Errorf("asked again for the same range: %q", f.exemplarQueries)
	}
}
