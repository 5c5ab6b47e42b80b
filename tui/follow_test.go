package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
)

func TestIdentifiers(t *testing.T) {
	for _, c := range []struct {
		lines []string
		want  string
	}{
		{[]string{`2024-05-01 ERROR [exec-1] traceId=4bf92f3577b34da6a3ce929d0e0e4736 spanId=00f067aa0ba902b7 Transfer failed`},
			"4bf92f3577b34da6a3ce929d0e0e4736 00f067aa0ba902b7"},
		{[]string{`{"level":"error","request_id":"req-7f3a91","msg":"x"}`, "caused by id 3f2504e0-4f89-11d3-9a0c-0305e82c3301"},
			"req-7f3a91 3f2504e0-4f89-11d3-9a0c-0305e82c3301"},
		{[]string{"X-Request-ID: abc-123-def and again X-Request-ID: abc-123-def"}, "abc-123-def"},
		{[]string{"traceparent 00000000000000000000000000000000 unsampled"}, ""},
		{[]string{"INFO Account 7 loaded in 5 ms"}, ""},
	} {
		if got := strings.Join(identifiers(c.lines), " "); got != c.want {
			t.Errorf("identifiers(%q) = %q, want %q", c.lines, got, c.want)
		}
	}
}

// TestFollowIdentifier: enter on a log entry shows its identifiers; tab
// chooses one, enter follows it: the logs pane keeps the entries of every
// log that hold it; esc there goes back to the filter before.
func TestFollowIdentifier(t *testing.T) {
	st := store.New([]sources.Info{{Name: "api.log", Kind: sources.KindLog}, {Name: "db.log", Kind: sources.KindLog}})
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	st.Apply(sources.Batch{Source: 0, Rows: 3, Entries: []sources.LogEntry{
		{Time: at(1), Level: sources.LevelInfo, LevelText: "INFO", Lines: []string{"INFO request_id=req-111111 GET /balance"}},
		{Time: at(2), Level: sources.LevelError, LevelText: "ERROR", Lines: []string{"ERROR request_id=req-222222 trace_id=4bf92f3577b34da6a3ce929d0e0e4736 transfer failed"}},
		{Time: at(3), Level: sources.LevelInfo, LevelText: "INFO", Lines: []string{"INFO request_id=req-333333 GET /balance"}},
	}})
	st.Apply(sources.Batch{Source: 1, Rows: 2, Entries: []sources.LogEntry{
		{Time: at(2), Level: sources.LevelWarn, LevelText: "WARN", Lines: []string{"WARN slow query 2300 ms trace_id=4bf92f3577b34da6a3ce929d0e0e4736"}},
		{Time: at(4), Level: sources.LevelInfo, LevelText: "INFO", Lines: []string{"INFO pool stats active=3"}},
	}})
	theme, _ := themes.Load("dark", "")
	m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(time.Hour))})
	m.Update(sizeMsg(160, 40))
	m.ingest()
	m.focus = paneLogs
	m.tl.SetCursor(at(2).UnixMilli(), m.nowMS())
	m.Render()
	press(m, "enter")
	f := plain(m.Render())
	if !strings.Contains(f, "identifiers: [req-222222]  4bf92f3577b34da6a3ce929d0e0e4736") {
		t.Fatalf("the entry's view lacks its identifiers:\n%s", f)
	}
	press(m, "tab")
	if f := plain(m.Render()); !strings.Contains(f, "identifiers: req-222222  [4bf92f3577b34da6a3ce929d0e0e4736]") {
		t.Fatalf("tab did not choose the next one:\n%s", f)
	}
	press(m, "enter")
	if m.overlay.shown() || m.filters[paneLogs] != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Fatalf("enter did not follow: overlay %v, filter %q", m.overlay.shown(), m.filters[paneLogs])
	}
	if status := statusLineOf(m); !strings.Contains(status, "following 4bf92f3577b34da6a3ce929d0e0e4736") {
		t.Errorf("status %q", status)
	}
	f = plain(m.Render())
	if !strings.Contains(f, "slow query 2300 ms") || !strings.Contains(f, "transfer failed") || strings.Contains(f, "GET /balance") {
		t.Errorf("the logs do not show exactly the entries holding the id:\n%s", f)
	}
	if f := plain(m.Render()); !strings.Contains(f, "3 hidden") {
		t.Errorf("the logs pane's title does not say what the filter hides:\n%s", f)
	}
	press(m, "esc")
	if m.filters[paneLogs] != "" || m.following != "" {
		t.Errorf("esc kept the filter %q", m.filters[paneLogs])
	}
	if f := plain(m.Render()); strings.Contains(f, "hidden") {
		t.Errorf("with the filter gone the title still says entries are hidden:\n%s", f)
	}
	// An entry without identifiers: enter closes its view as before.
	m.tl.SetCursor(at(4).UnixMilli(), m.nowMS())
	m.Render()
	press(m, "enter")
	if !m.overlay.shown() {
		t.Fatal("enter did not open the entry")
	}
	press(m, "enter")
	if m.overlay.shown() {
		t.Error("enter did not close an entry without identifiers")
	}
}
