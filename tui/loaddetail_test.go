package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/analysis/compare"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
)

// baselineStore is an earlier run of the fixture's test, a day before it:
// the same labels and load without the incident, so every request label
// regressed in the fixture run, and the transaction ran only ten times (too
// few for a verdict).
func baselineStore() *store.Store {
	st := store.New([]sources.Info{{Name: "/runs/yesterday.jtl", Kind: sources.KindJTL}})
	start := t0.Add(-24 * time.Hour)
	labels := []string{"GET account", "GET balance", "POST transfer"}
	for sec := 0; sec < runSeconds; sec++ {
		var samples []sources.Sample
		for i := 0; i < 20; i++ {
			samples = append(samples, sources.Sample{
				StartMS:   start.Add(time.Duration(sec)*time.Second + time.Duration(i*50)*time.Millisecond).UnixMilli(),
				ElapsedMS: int32(20 + (i*37+sec*11)%60), Label: labels[i%3], Code: "200", Success: true,
				AllThreads: -1, GrpThreads: -1, LatencyMS: -1, ConnectMS: -1, Bytes: 2048, SentBytes: 512,
			})
		}
		if sec < 10 {
			samples = append(samples, sources.Sample{StartMS: start.Add(time.Duration(sec) * time.Second).UnixMilli(),
				ElapsedMS: 280, Label: "Transfer money", Success: true, Transaction: true, AllThreads: -1})
		}
		st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples)})
	}
	st.Apply(sources.Batch{Source: 0, CaughtUp: true})
	return st
}

// baselineModel is fixtureModel with the baseline run.
func baselineModel(now time.Time, w, h int) *Model {
	theme, err := themes.Load("dark", "")
	if err != nil {
		panic(err)
	}
	m := New(Options{Store: fixtureStore(), Baseline: baselineStore(), Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(now)})
	m.Update(sizeMsg(w, h))
	m.ingest()
	return m
}

// lineWith returns the first line of frame holding text, "" when none does.
func lineWith(frame, text string) string {
	for _, l := range strings.Split(frame, "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	return ""
}

func TestDrillDownShowsEveryStatistic(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 120, 40)
	press(m, "1", "enter") // the first row: GET account
	f := plain(m.Render())
	// GET account: every third request, so 840 samples, of which the
	// incident's failures (every third of its, all of them 503) are 210.
	for _, want := range []string{
		"Load test · GET account", "▸ GET account", "request · whole run",
		"samples       840", "errors        210", "error %     25.0%",
		"mean", "min          20ms", "max", "p50", "p90", "p95", "p99", "thr/s", "KB/s in", "KB/s out", "apdex",
		"no path: its samples have no URL",
		"codes ok 630 · 503 210",
		"top errors (JMeter's keys)",
		"at 12:31:59  ", "/s: ⣿⣿ ok", "err%", "latency ⠒⠒ p50",
	} {
		if !strings.Contains(f, want) {
			t.Errorf("the drill-down lacks %q", want)
		}
	}
	if strings.Contains(f, "label ▲") {
		t.Error("the drill-down must replace the table")
	}
	if len(m.panes[0].charts()) != 3 { // throughput, its error strip, latency
		t.Errorf("the drill-down must chart the label: %d charts", len(m.panes[0].charts()))
	}
	// The load pane grows into it.
	if m.rects[0].h <= m.rects[1].h*2 {
		t.Errorf("the load pane must grow for the detail: %+v", m.rects)
	}
	press(m, "enter")
	if f := plain(m.Render()); !strings.Contains(f, "label ▲") || strings.Contains(f, "▸ GET account") {
		t.Fatal("enter again must go back to the table")
	}
	press(m, "enter", "esc")
	if f := plain(m.Render()); !strings.Contains(f, "label ▲") {
		t.Fatal("esc must go back to the table")
	}
}

func TestDrillDownFollowsWindowAndCursor(t *testing.T) {
	now := t0.Add(3 * time.Hour)
	m := fixtureModel(now, 120, 40)
	press(m, "1", "enter")
	// A window before the incident: no errors at all.
	m.tl.SetCursor(t0.UnixMilli(), now.UnixMilli())
	press(m, "v")
	m.tl.SetCursor(t0.Add(29*time.Second).UnixMilli(), now.UnixMilli())
	press(m, "v")
	f := plain(m.Render())
	for _, want := range []string{"window 12:30:00–12:30:30", "samples       210", "errors          0", "no errors in the window", "at 12:30:29"} {
		if !strings.Contains(f, want) {
			t.Errorf("the drill-down of a window lacks %q", want)
		}
	}
	// esc leaves the label first, then clears the window.
	press(m, "esc")
	if _, _, ok := m.tl.Window(); !ok {
		t.Fatal("the first esc must leave the label, not the window")
	}
	press(m, "esc")
	if _, _, ok := m.tl.Window(); ok {
		t.Fatal("the second esc must clear the window")
	}
}

func TestDrillDownStepsThroughLabels(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 120, 40)
	press(m, "1", "enter", "j")
	if !strings.Contains(plain(m.Render()), "▸ GET balance") {
		t.Fatal("j in the detail must open the next label")
	}
	press(m, "j", "j", "j")
	f := plain(m.Render())
	if !strings.Contains(f, "▸ Transfer money") || !strings.Contains(f, "transaction") {
		t.Fatal("the last label is the transaction")
	}
	for _, want := range []string{"codes ok 90 · failed 30", "its member requests are not known"} {
		if !strings.Contains(f, want) {
			t.Errorf("a transaction's detail lacks %q", want)
		}
	}
	press(m, "k")
	if !strings.Contains(plain(m.Render()), "▸ POST transfer") {
		t.Fatal("k must open the previous label")
	}
}

// TestDrillDownListsTransactionMembers opens a transaction whose requests
// ran on the same threads, which links them to it.
func TestDrillDownListsTransactionMembers(t *testing.T) {
	theme, _ := themes.Load("dark", "")
	st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}})
	const msg = "Number of samples in transaction : 2, number of failing samples : 0"
	var samples []sources.Sample
	for sec := int64(0); sec < 30; sec++ {
		for th := int64(0); th < 3; th++ {
			name := "Users 1-" + itoa(int(th+1))
			start := t0.UnixMilli() + sec*1000 + th*100
			samples = append(samples,
				sources.Sample{StartMS: start + 1, ElapsedMS: 40, Label: "POST login", Code: "200", Success: true, Thread: name, AllThreads: -1},
				sources.Sample{StartMS: start + 50, ElapsedMS: 30, Label: "GET accounts", Code: "200", Success: true, Thread: name, AllThreads: -1},
				sources.Sample{StartMS: start, ElapsedMS: 90, Label: "Login", Code: "200", Success: true, Transaction: true, Message: msg, Thread: name, AllThreads: -1})
		}
	}
	st.Apply(sources.Batch{Source: 0, Samples: samples, CaughtUp: true})
	m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(3 * time.Hour))})
	m.Update(sizeMsg(120, 40))
	m.ingest()
	press(m, "1", "j", "j", "enter") // requests first, then the transaction
	f := plain(m.Render())
	if !strings.Contains(f, "▸ Login  transaction") || !strings.Contains(f, "member requests, in run order") {
		t.Fatalf("the transaction's detail must list its members:\n%s", f)
	}
	login, accounts := strings.Index(f, "  POST login"), strings.Index(f, "  GET accounts")
	if login < 0 || accounts < 0 || login > accounts {
		t.Fatalf("members in the order they run, POST login first:\n%s", f)
	}
	if row := lineWith(f, "  POST login"); !strings.Contains(row, "1.0") || !strings.Contains(row, "90") {
		t.Errorf("POST login runs once per transaction, 90 times in all: %q", row)
	}
}

func TestDrillDownPathFromConfig(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 120, 40)
	m.store.SetConfigPaths(map[string]string{"POST transfer": "/api/transfer"})
	press(m, "1", "j", "j", "enter")
	f := plain(m.Render())
	if !strings.Contains(f, "path /api/transfer from config ([loadtest.paths])") {
		t.Fatalf("the detail must say the path came from the config:\n%s", f)
	}
	if m.frame().path != "/api/transfer" {
		t.Fatalf("shared filter %q, want the configured path", m.frame().path)
	}
}

func TestDrillDownFitsEverySize(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {100, 30}, {140, 40}, {200, 60}, {300, 100}} {
		for _, base := range []bool{false, true} {
			var m *Model
			if base {
				m = baselineModel(t0.Add(3*time.Hour), size[0], size[1])
			} else {
				m = fixtureModel(t0.Add(3*time.Hour), size[0], size[1])
			}
			press(m, "1", "enter")
			checkFrameSize(t, m.Render(), size[0], size[1])
			press(m, "z")
			checkFrameSize(t, m.Render(), size[0], size[1])
		}
	}
}

func TestBaselineColumnsAndToggle(t *testing.T) {
	m := baselineModel(t0.Add(3*time.Hour), 200, 50)
	press(m, "1")
	f := plain(m.Render())
	for _, want := range []string{"base p95", "Δp95", "verdict", "baseline yesterday.jtl (whole run): 3 regressions"} {
		if !strings.Contains(f, want) {
			t.Errorf("with a baseline the table lacks %q", want)
		}
	}
	row := lineWith(f, "GET account")
	if !strings.Contains(row, "regression") || !strings.Contains(row, "<0.0001") {
		t.Errorf("GET account got slower in the incident: %q", row)
	}
	if row := lineWith(f, "Transfer money"); !strings.Contains(row, "not enough data") {
		t.Errorf("ten baseline samples are too few for a verdict: %q", row)
	}
	// Narrower, the table keeps the comparison alone, in short words.
	m.Update(sizeMsg(140, 40))
	f = plain(m.Render())
	if row := lineWith(f, "Transfer money"); !strings.Contains(row, "too few") || strings.Contains(lineWith(f, "label ▲"), "samples") {
		t.Errorf("a narrow table keeps p95, its baseline, the change and a short verdict: %q", row)
	}
	press(m, "b")
	f = plain(m.Render())
	if strings.Contains(f, "base p95") || !strings.Contains(f, "p50") {
		t.Fatal("b must hide the baseline columns")
	}
	press(m, "b")
	if !strings.Contains(plain(m.Render()), "base p95") {
		t.Fatal("b again must show them")
	}
}

func TestBaselineAlignedOnTimeSinceStart(t *testing.T) {
	now := t0.Add(3 * time.Hour)
	m := baselineModel(now, 200, 50)
	// The run's first 30 s: before the incident, as fast as the baseline.
	m.tl.SetCursor(t0.UnixMilli(), now.UnixMilli())
	press(m, "1", "v")
	m.tl.SetCursor(t0.Add(29*time.Second).UnixMilli(), now.UnixMilli())
	press(m, "v")
	f := plain(m.Render())
	if !strings.Contains(f, "baseline yesterday.jtl (+0s–+30s): no regression") {
		t.Fatalf("the window's baseline is the same 30 s of its run:\n%s", f)
	}
	if row := lineWith(f, "GET account"); !strings.Contains(row, " ok") || !strings.Contains(row, "+0.0%") {
		t.Errorf("same latencies, same p95: %q", row)
	}
	// The transaction is missing from the baseline's window after +10 s.
	press(m, "esc")
	m.tl.SetCursor(t0.Add(60*time.Second).UnixMilli(), now.UnixMilli())
	press(m, "v")
	m.tl.SetCursor(t0.Add(89*time.Second).UnixMilli(), now.UnixMilli())
	press(m, "v")
	if row := lineWith(plain(m.Render()), "Transfer money"); !strings.Contains(row, "not in baseline") {
		t.Errorf("the baseline has no transaction after +10 s: %q", row)
	}
}

func TestBaselineInDrillDown(t *testing.T) {
	m := baselineModel(t0.Add(3*time.Hour), 140, 40)
	press(m, "1", "enter")
	f := plain(m.Render())
	for _, want := range []string{"now", "baseline", "change",
		"baseline yesterday.jtl (whole run): regression (errors, p95) · p95 76ms → 1.5s (+1869.0%) Mann-Whitney p <0.0001 · errors 0.0% → 25.0%",
		"samples       840      840    +0.0%", "errors        210        0        –", "+25.0pp"} {
		if !strings.Contains(f, want) {
			t.Errorf("the detail with a baseline lacks %q", want)
		}
	}
	press(m, "b")
	if strings.Contains(plain(m.Render()), "Mann-Whitney") {
		t.Fatal("b must hide the baseline in the detail too")
	}
}

func TestBaselineKeyWithoutBaseline(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 140, 40)
	press(m, "1", "b")
	if !strings.Contains(plain(m.Render()), "no baseline: start sobang with --baseline FILE") {
		t.Fatal("b without a baseline must say how to give one")
	}
}

func TestErrorCode(t *testing.T) {
	cases := map[string]string{
		"503/Service Unavailable": "503",
		"404":                     "404",
		"Non HTTP response code: java.net.SocketTimeoutException/Non HTTP response message: Read timed out": "non-HTTP",
		"Assertion failed":                           "other",
		"Test failed: text expected to contain /ok/": "other",
		store.OtherErrors:                            "other",
	}
	for key, want := range cases {
		if got := errorCode(key); got != want {
			t.Errorf("errorCode(%q) = %q, want %q", key, got, want)
		}
	}
}

// TestGoldenDrillDown renders the drill-down of GET account, with the cursor
// in the incident, alone and beside the baseline, at 80x24 and 200x60.
func TestGoldenDrillDown(t *testing.T) {
	now := t0.Add((runSeconds + 5) * time.Second)
	for _, size := range []struct{ w, h int }{{80, 24}, {200, 60}} {
		for _, base := range []bool{false, true} {
			name := sizeName(size.w, size.h)
			if base {
				name += "-baseline"
			}
			t.Run(name, func(t *testing.T) {
				var m *Model
				if base {
					m = baselineModel(now, size.w, size.h)
				} else {
					m = fixtureModel(now, size.w, size.h)
				}
				m.tl.SetCursor(t0.Add(70*time.Second).UnixMilli(), now.UnixMilli())
				press(m, "1", "enter")
				frame := m.Render()
				checkFrameSize(t, frame, size.w, size.h)
				golden.RequireEqual(t, frame)
			})
		}
	}
}

// TestGoldenBaselineTable renders the load pane's table beside the baseline.
func TestGoldenBaselineTable(t *testing.T) {
	now := t0.Add((runSeconds + 5) * time.Second)
	for _, size := range []struct{ w, h int }{{80, 24}, {200, 60}} {
		t.Run(sizeName(size.w, size.h), func(t *testing.T) {
			m := baselineModel(now, size.w, size.h)
			m.tl.SetCursor(t0.Add(70*time.Second).UnixMilli(), now.UnixMilli())
			press(m, "1", "z")
			frame := m.Render()
			checkFrameSize(t, frame, size.w, size.h)
			golden.RequireEqual(t, frame)
		})
	}
}

// TestVerdictTextFitsItsColumn: every verdict names what moved, and the
// longest still leaves a cell of space in its column, wide or narrow.
func TestVerdictTextFitsItsColumn(t *testing.T) {
	base := &store.LabelSummary{}
	tests := []struct {
		verdict     compare.Verdict
		moved       []string
		full, short string
	}{
		{compare.Regression, []string{compare.MovedErrors}, "regression (errors)", "errors worse"},
		{compare.Regression, []string{compare.MovedP95}, "regression (p95)", "p95 worse"},
		{compare.Regression, []string{compare.MovedErrors, compare.MovedP95}, "regression (errors, p95)", "err+p95 worse"},
		{compare.Improvement, []string{compare.MovedErrors}, "improvement (errors)", "errors better"},
		{compare.Improvement, []string{compare.MovedP95}, "improvement (p95)", "p95 better"},
		{compare.Improvement, []string{compare.MovedErrors, compare.MovedP95}, "improvement (errors, p95)", "err+p95 better"},
		{compare.NoChange, nil, "ok", "ok"},
		{compare.NotEnough, nil, "not enough data", "too few"},
	}
	wide, narrow := baseCols[len(baseCols)-1], baseColsNarrow[len(baseColsNarrow)-1]
	for _, tt := range tests {
		row := baselineRow{base: base, res: compare.Result{Verdict: tt.verdict, Moved: tt.moved}}
		full, short := row.verdictText(wide.width), row.verdictText(narrow.width)
		if full != tt.full || short != tt.short {
			t.Errorf("%s %v: %q and %q, want %q and %q", tt.verdict, tt.moved, full, short, tt.full, tt.short)
		}
		if len(full) >= wide.width || len(short) >= narrow.width {
			t.Errorf("%q or %q does not fit its column with a space before it", full, short)
		}
	}
}
