package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/themes"
)

// fixturePlan explains two of the fixture's labels and its transaction,
// and plans a Logout that never ran; GET account comes from no sampler.
var fixturePlan = &sources.PlanView{
	Name: "bank.jmx",
	Samplers: []sources.PlanSampler{
		{Label: "Transfer money", Kind: "transaction", Path: "Bank / Users / Transfer money"},
		{Label: "GET balance", Kind: "HTTP", Method: "GET", URL: "http://bank:8080/balance", ConnectTimeout: "2000",
			ResponseTimeout: "5000", Assertions: []string{"Has balance"}, Path: "Bank / Users / GET balance"},
		{Label: "POST transfer", Kind: "HTTP", Method: "POST", URL: "http://bank:8080/transfer", Path: "Bank / Users / Transfer money / POST transfer"},
		{Label: "Logout", Kind: "HTTP", Method: "GET", URL: "http://bank:8080/logout", Path: "Bank / Users / Logout"},
	},
	Lines: []sources.PlanLine{
		{Depth: 0, Text: "Bank"},
		{Depth: 1, Text: "Users (standard): 20 threads, ramp-up 60 s, loops forever"},
		{Depth: 2, Text: "GET balance: GET http://bank:8080/balance · timeouts 2000/5000 ms"},
		{Depth: 2, Text: "Old search (HTTP request) (disabled)", Disabled: true},
	},
	Findings: []sources.PlanFinding{{ID: "no-timeout", Severity: "warning", Path: "Bank / Users / Transfer money / POST transfer",
		Message: "no connect timeout, no response timeout", Fix: "set connect and response timeouts"}},
}

func planModel(plan *sources.PlanView, w, h int) *Model {
	theme, _ := themes.Load("dark", "")
	m := New(Options{Store: fixtureStore(), Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(3 * time.Hour)), Plan: plan})
	m.Update(sizeMsg(w, h))
	m.ingest()
	return m
}

// TestPlanBesideTheLabels: the table says what the selected label is in
// the plan (method, URL, timeouts, assertions), or that no sampler writes
// it; the detail of a label shows its sampler.
func TestPlanBesideTheLabels(t *testing.T) {
	m := planModel(fixturePlan, 200, 60)
	press(m, "1", "z")
	f := plain(m.Render())
	if !strings.Contains(f, "plan › GET account: no sampler of bank.jmx writes this label (p: the plan)") {
		t.Errorf("the unexplained label selected must say so:\n%s", f)
	}
	press(m, "down")
	if f := plain(m.Render()); !strings.Contains(f, "plan › GET balance: GET http://bank:8080/balance · timeouts connect 2000 ms, response 5000 ms · assertions: Has balance") {
		t.Errorf("the selected label's sampler:\n%s", f)
	}
	press(m, "enter")
	f = paneLines(plain(m.Render()), "Load test")
	for _, want := range []string{"sampler GET http://bank:8080/balance", "timeouts connect 2000 ms, response 5000 ms · assertions: Has balance · Bank / Users / GET balance"} {
		if !strings.Contains(f, want) {
			t.Errorf("the detail lacks %q:\n%s", want, f)
		}
	}
	press(m, "down")
	if f := plain(m.Render()); !strings.Contains(f, "sampler POST http://bank:8080/transfer") || !strings.Contains(f, "no timeouts · no assertion") {
		t.Errorf("the next label's sampler:\n%s", f)
	}
	// Without a plan, nothing of it.
	m = planModel(nil, 200, 60)
	press(m, "1")
	if f := plain(m.Render()); strings.Contains(f, "plan ›") {
		t.Errorf("no plan, no plan line:\n%s", f)
	}
	press(m, "enter")
	if f := plain(m.Render()); strings.Contains(f, "sampler") {
		t.Errorf("no plan, no sampler in the detail:\n%s", f)
	}
}

// TestPlanView: p shows the folded tree, the findings with their fixes,
// the labels no sampler explains and the samplers that never ran; it is in
// the help; without a plan it says how to give one.
func TestPlanView(t *testing.T) {
	m := planModel(fixturePlan, 120, 40)
	press(m, "p")
	f := plain(m.Render())
	for _, want := range []string{"Plan · bank.jmx", "\nBank ", "  Users (standard): 20 threads", "    Old search (HTTP request) (disabled)",
		"Findings: 0 errors, 1 warnings, 0 info", "WARNING no-timeout  Bank / Users / Transfer money / POST transfer", "fix: set connect and response timeouts",
		"Labels in the results no sampler explains (1):", "  GET account", "Samplers that never ran (1):", "  Logout"} {
		if !strings.Contains(strings.ReplaceAll(f, "┃", "\n"), want) {
			t.Errorf("the plan view lacks %q:\n%s", want, f)
		}
	}
	press(m, "esc", "?")
	help := ""
	for range 5 {
		help += plain(m.Render())
		press(m, "pgdown")
	}
	if !strings.Contains(help, "test plan, its findings") {
		t.Errorf("help lacks the plan key:\n%s", help)
	}
	m = planModel(nil, 120, 40)
	press(m, "p")
	if f := plain(m.Render()); !strings.Contains(f, "No test plan: start sobang with --plan plan.jmx") {
		t.Errorf("without a plan:\n%s", f)
	}
}

// TestPlannedThroughput draws the plan's throughput beside the measured
// one, with its figure at the cursor in the legend.
func TestPlannedThroughput(t *testing.T) {
	theme, _ := themes.Load("dark", "")
	rate := func(d time.Duration) (float64, bool) { return 15, d < time.Minute }
	m := New(Options{Store: fixtureStore(), Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(3 * time.Hour)),
		PlannedThroughput: rate, PlanName: "bank.jmx"})
	m.Update(sizeMsg(200, 60))
	m.ingest()
	m.tl.SetCursor(t0.Add(30*time.Second).UnixMilli(), m.nowMS())
	if f := plain(m.Render()); !strings.Contains(f, "planned 15.0/s") {
		t.Fatalf("the throughput legend must read the planned throughput:\n%s", f)
	}
	// The plan is named in the load pane's title.
	if f := plain(m.Render()); !strings.Contains(f, "[1] Load test · plan bank.jmx") {
		t.Errorf("the title does not name the plan:\n%s", f)
	}
	m.tl.SetCursor(t0.Add(90*time.Second).UnixMilli(), m.nowMS())
	m.dirty = true
	if f := plain(m.Render()); !strings.Contains(f, "planned –") {
		t.Errorf("where the plan does not say, no figure:\n%s", f)
	}
	m = fixtureModel(t0.Add(3*time.Hour), 200, 60)
	if f := plain(m.Render()); strings.Contains(f, "planned") {
		t.Error("no plan, no planned throughput")
	}
}
