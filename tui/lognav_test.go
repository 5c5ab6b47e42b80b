package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

// TestLogErrorKeys: ] and [ in the logs pane move the shared cursor from
// ERROR entry to ERROR entry (the fixture's incident logs one every other
// second from +60 s), the entry marked at the cursor, with about a third
// of the pane of context above it; at the last one the status line says
// there is none further.
func TestLogErrorKeys(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 120, 40)
	press(m, "g", "3", "]")
	at := func() string { c, _ := statusOf(t, m.Render()); return c }
	first := t0.Add(incidentFrom * time.Second).Format("15:04:05")
	if c := at(); c != first {
		t.Fatalf("] from the start: cursor at %s, want the first ERROR at %s", c, first)
	}
	logs := paneLines(plain(m.Render()), "Logs")
	lines := strings.Split(logs, "\n")
	marked := -1
	for i, l := range lines {
		if strings.Contains(l, "▶") {
			marked = i
			if !strings.Contains(l, "ERROR") {
				t.Fatalf("the marked entry is not the ERROR: %q", l)
			}
		}
	}
	if inner := len(lines) - 2; marked < inner/3-1 || marked > inner/3+2 {
		t.Errorf("the entry at the cursor is on line %d of %d: a third of context above it is wanted:\n%s", marked, inner, logs)
	}
	press(m, "]")
	if c := at(); c != t0.Add((incidentFrom+2)*time.Second).Format("15:04:05") {
		t.Fatalf("the second ]: %s", c)
	}
	press(m, "[")
	if c := at(); c != first {
		t.Fatalf("[ back: %s", c)
	}
	press(m, "[")
	if s := plain(m.Render()); !strings.Contains(s, "no earlier ERROR entry") || at() != first {
		t.Fatalf("[ before the first ERROR must say so and stay:\n%s", s[strings.LastIndexByte(s, '\n')+1:])
	}
}

// TestLogStackTraceFolds: a stack trace shows as one line, the exception
// and its root cause, until x shows it whole; w wraps long lines.
func TestLogStackTraceFolds(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 120, 40)
	press(m, "g", "3", "]")
	logs := paneLines(plain(m.Render()), "Logs")
	if !strings.Contains(logs, "↳ 6 lines: SQLTransientConnectionException: HikariPool-1 - Connection is not available") ||
		strings.Contains(logs, "HikariPool.createTimeoutException") {
		t.Fatalf("the trace must fold to its exception:\n%s", logs)
	}
	press(m, "x")
	if logs := paneLines(plain(m.Render()), "Logs"); !strings.Contains(logs, "HikariPool.createTimeoutException(HikariPool.java:696)") {
		t.Fatalf("x must show the trace whole:\n%s", logs)
	}
	// At 80 columns the trace's lines are cut; w wraps them whole.
	m.Update(sizeMsg(80, 40))
	const tail = "request timed out after 1000ms."
	if cut := paneLines(plain(m.Render()), "Logs"); strings.Contains(cut, tail) || !strings.Contains(cut, "Connection is not …") {
		t.Fatalf("at 80 columns the line must be cut:\n%s", cut)
	}
	press(m, "w")
	if wrapped := paneLines(plain(m.Render()), "Logs"); !strings.Contains(wrapped, tail) {
		t.Fatalf("w must wrap what was cut:\n%s", wrapped)
	}
}

// TestLabelPathKeepsEntriesWithoutAPath opens a label whose request path
// is /api/accounts/{id}: the logs pane keeps the entries naming it and
// those naming no path (an error without a URL), leaves out the one naming
// another path, and says how many it hid.
func TestLabelPathKeepsEntriesWithoutAPath(t *testing.T) {
	st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}, {Name: "app.log", Kind: sources.KindLog}})
	st.SetConfigPaths(map[string]string{"GET account": "/api/accounts/{id}"})
	var samples []sources.Sample
	for s := range 10 {
		samples = append(samples, sources.Sample{StartMS: t0.Add(time.Duration(s) * time.Second).UnixMilli(), ElapsedMS: 5,
			Label: "GET account", Code: "200", Success: true, AllThreads: -1})
	}
	st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples), CaughtUp: true})
	var entries []sources.LogEntry
	for i, msg := range []string{
		"Request failed: GET /api/accounts/4711 -> 503",
		"Request failed: POST /api/transfer -> 503",
		"HikariPool-1 - Connection is not available, request timed out after 1000ms",
	} {
		entries = append(entries, sources.LogEntry{Time: t0.Add(time.Duration(i+1) * time.Second), Level: sources.LevelError,
			LevelText: "ERROR", LevelCol: 0, LineNo: i + 1, Lines: []string{"ERROR " + msg}})
	}
	st.Apply(sources.Batch{Source: 1, Entries: entries, Rows: len(entries), CaughtUp: true})
	m := storeModel(st, t0.Add(time.Hour), 200, 60)
	press(m, "1", "enter")
	logs := paneLines(plain(m.Render()), "Logs")
	for _, want := range []string{"/api/accounts/4711", "Connection is not available", "(1 naming other paths hidden)"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the logs pane lacks %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "/api/transfer") {
		t.Errorf("an entry naming another path is shown:\n%s", logs)
	}
}

// TestLogErrorStrip: the logs pane's first line charts its ERROR entries
// over the shared time axis: blocks where the fixture's incident logs
// them (from +60 s to +90 s of the two-minute run), nothing elsewhere.
func TestLogErrorStrip(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 200, 60)
	logs := strings.Split(paneLines(plain(m.Render()), "Logs"), "\n")
	strip := []rune(logs[1])
	label := string(strip[1:8])
	if !strings.Contains(label, "errors") {
		t.Fatalf("no error strip on the logs pane's first line: %q", logs[1])
	}
	plot := strip[8 : len(strip)-1]
	first, last := -1, -1
	for i, r := range plot {
		if r >= '▁' && r <= '█' {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	n := float64(len(plot))
	if first < 0 || float64(first) < 0.45*n || float64(last) > 0.8*n {
		t.Fatalf("the strip's blocks lie at %d..%d of %d, want within the incident's half to three quarters: %q", first, last, len(plot), logs[1])
	}
}

// TestLogLevelFilterAndTemplates: W shows WARN and worse, then ERROR and
// worse, saying how many entries it hides; t lists the range's templates,
// the ones new to it first.
func TestLogLevelFilterAndTemplates(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 200, 60)
	press(m, "3", "W")
	logs := paneLines(plain(m.Render()), "Logs")
	// 24 INFO entries (one every 5 s outside the incident's even seconds).
	if strings.Contains(logs, "INFO") || !strings.Contains(logs, "ERROR") || !strings.Contains(logs, "WARN and worse") || !strings.Contains(logs, " hidden") {
		t.Fatalf("W must hide what is below WARN and say so:\n%s", logs)
	}
	press(m, "W", "W")
	if logs := paneLines(plain(m.Render()), "Logs"); !strings.Contains(logs, "INFO") || strings.Contains(logs, "and worse") {
		t.Fatalf("the third W must show all again:\n%s", logs)
	}
	// Over the whole run every template is new, counted whole.
	press(m, "t")
	logs = paneLines(plain(m.Render()), "Logs")
	for _, want := range []string{"templates", "count   before  level  template", "new", "Transfer failed java.sql.SQLTransientConnectionException", "Served <*> requests"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the template view lacks %q:\n%s", want, logs)
		}
	}
	// Narrowed to the incident, the INFO template is not new: it came before.
	m.tl.SetWindow(t0.Add(incidentFrom*time.Second).UnixMilli(), t0.Add((incidentFrom+20)*time.Second).UnixMilli())
	m.dirty = true
	logs = paneLines(plain(m.Render()), "Logs")
	var errLine, infoLine string
	for _, l := range strings.Split(logs, "\n") {
		switch {
		case strings.Contains(l, "Transfer failed"):
			errLine = l
		case strings.Contains(l, "Served <*> requests"):
			infoLine = l
		}
	}
	if !strings.Contains(errLine, " new ") || infoLine == "" || strings.Contains(infoLine, " new ") {
		t.Errorf("in the incident's window its error is new and the INFO template is not:\n%s", logs)
	}
	press(m, "t")
	if logs := paneLines(plain(m.Render()), "Logs"); strings.Contains(logs, "count   before") {
		t.Error("t again must show the entries")
	}
}

// TestIncidentsKey: i lists the fixture's incident with what changed in
// it: the pool's pending connections and the new ERROR template among the
// first changes.
func TestIncidentsKey(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 160, 50)
	press(m, "i")
	f := plain(m.Render())
	for _, want := range []string{"1. Incident 12:31:00–12:31:30", "what changed, against the same length before it", "hikaricp_connections_pending", "Transfer failed"} {
		if !strings.Contains(f, want) {
			t.Errorf("the incidents lack %q:\n%s", want, f)
		}
	}
	press(m, "esc")
	if strings.Contains(plain(m.Render()), "Incident 12:31") {
		t.Error("esc must close the list")
	}
	// 1 chooses the first: the cursor on its start, its time the window.
	press(m, "i", "1")
	status := plain(m.Render())
	status = status[strings.LastIndexByte(status, '\n')+1:]
	if !strings.HasPrefix(strings.TrimSpace(status), "12:31:00") || !strings.Contains(status, "window 12:31:00–12:31:30") {
		t.Errorf("choosing the incident: %q", status)
	}
}

// TestEventsOnTheTimeAxis marks an event (a rare log template appearing
// mid-run) with ◆ on the time axis.
func TestEventsOnTheTimeAxis(t *testing.T) {
	st := fixtureStore()
	when := t0.Add(40 * time.Second)
	st.Apply(sources.Batch{Source: 2, Rows: 1, Entries: []sources.LogEntry{{Time: when, Level: sources.LevelInfo, LevelText: "INFO", LevelCol: 0,
		Lines: []string{"INFO Refreshing configuration from /etc/bank/app.yaml"}}}})
	m := storeModel(st, t0.Add(3*time.Hour), 200, 60)
	if f := plain(m.Render()); !strings.Contains(f, "◆") {
		t.Fatalf("no event marked on the time axes:\n%s", f)
	}
	if f := plain(fixtureModel(t0.Add(3*time.Hour), 200, 60).Render()); strings.Contains(f, "◆") {
		t.Fatal("an event marked where there is none")
	}
}

// TestTemplateListScrolls: t's list says how many templates are below and
// scrolls to the last one.
func TestTemplateListScrolls(t *testing.T) {
	st := store.New([]sources.Info{{Name: "app.log", Kind: sources.KindLog}})
	words := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
		"kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor",
		"whiskey", "xray", "yankee", "zulu", "one", "two", "three", "four"}
	var entries []sources.LogEntry
	for i, w := range words {
		entries = append(entries, sources.LogEntry{Time: t0.Add(time.Duration(i) * time.Second), Level: sources.LevelInfo, LevelText: "INFO", LevelCol: 0,
			Lines: []string{"INFO " + w + " " + w + " started " + w}})
	}
	st.Apply(sources.Batch{Source: 0, Entries: entries, Rows: len(entries), CaughtUp: true})
	m := storeModel(st, t0.Add(time.Hour), 120, 30)
	press(m, "t")
	if f := plain(m.Render()); !strings.Contains(f, "more templates") || strings.Contains(f, "four four started four") {
		t.Fatalf("a cut list must say so:\n%s", f)
	}
	for range 40 {
		press(m, "down")
	}
	if f := plain(m.Render()); strings.Contains(f, "more templates") || !strings.Contains(f, "four four started four") {
		t.Fatalf("scrolled down, the last template shows:\n%s", f)
	}
}

// TestIncidentBandOnTheTimeAxis: the fixture's incident (+60 s to +90 s)
// is a band of ━ on the load pane's time axis, starting at its ✕ onset.
func TestIncidentBandOnTheTimeAxis(t *testing.T) {
	f := plain(fixtureModel(t0.Add(3*time.Hour), 200, 60).Render())
	if !strings.Contains(f, "✕━━━━") {
		t.Fatalf("no incident band on the time axes:\n%s", f)
	}
}

// TestCopyKey: y in the log pane copies the entry at the cursor through
// the terminal (OSC 52) only when the configuration allows it, and says so
// either way.
func TestCopyKey(t *testing.T) {
	for _, allowed := range []bool{false, true} {
		m := fixtureModel(t0.Add(3*time.Hour), 200, 60)
		m.opt.Copy = allowed
		m.focus = paneLogs
		m.Render()
		_, cmd := m.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
		status := statusLineOf(m)
		if !allowed {
			if cmd != nil || !strings.Contains(status, "copy = true under [logs]") {
				t.Errorf("not allowed: cmd %v, status %q", cmd, status)
			}
			continue
		}
		if cmd == nil || !strings.Contains(status, "copied the entry at ") {
			t.Fatalf("allowed: cmd %v, status %q", cmd, status)
		}
		want := strings.Join(m.store.Logs.At(m.logs.anchor).Lines, "\n")
		if got := fmt.Sprint(cmd()); got != want {
			t.Errorf("copied %q, want the entry %q", got, want)
		}
	}
}

// TestIncidentChangeJump: a letter in the incidents list goes to that
// change: the cursor on its first second, the incident as the window, and
// the pane holding it focused and filtered to it.
func TestIncidentChangeJump(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 160, 50)
	press(m, "i")
	f := plain(m.Render())
	letterOf := func(what string) string {
		t.Helper()
		for _, l := range strings.Split(f, "\n") {
			if i := strings.Index(l, what); i >= 0 {
				if mm := regexp.MustCompile(`┃\s+([a-z]) +\d+\. `).FindStringSubmatch(l); mm != nil {
					return mm[1]
				}
			}
		}
		t.Fatalf("no lettered change %q in:\n%s", what, f)
		return ""
	}
	metric, logLetter := letterOf("hikaricp_connections_pending"), letterOf("Transfer failed")
	press(m, metric)
	if m.overlay.shown() || m.focus != paneMetrics || m.filters[paneMetrics] != "hikaricp_connections_pending" {
		t.Fatalf("after %s: overlay %v, focus %d, metrics filter %q", metric, m.overlay.shown(), m.focus, m.filters[paneMetrics])
	}
	if status := statusLineOf(m); !strings.Contains(status, "window 12:31:00–12:31:30") {
		t.Errorf("the incident is not the window: %q", status)
	}
	press(m, "i", logLetter)
	if m.focus != paneLogs || !strings.Contains(m.filters[paneLogs], "Transfer failed") {
		t.Errorf("after %s: focus %d, logs filter %q", logLetter, m.focus, m.filters[paneLogs])
	}
	if got := templateLiteral("Request failed: <*> <*> -> <*> SERVICE_UNAVAILABLE java.sql.SQLException"); got != "SERVICE_UNAVAILABLE java.sql.SQLException" {
		t.Errorf("templateLiteral = %q", got)
	}
}
