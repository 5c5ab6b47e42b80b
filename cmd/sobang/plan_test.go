package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/plan"
)

// lintPlan is a plan with one error-level mistake (a View Results Tree
// left on), a property without a default and a CSV file beside it.
const lintPlan = `<?xml version="1.0" encoding="UTF-8"?>
<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.6.3">
  <hashTree>
    <TestPlan guiclass="TestPlanGui" testclass="TestPlan" testname="Test Plan" enabled="true"/>
    <hashTree>
      <ThreadGroup guiclass="ThreadGroupGui" testclass="ThreadGroup" testname="Users" enabled="true">
        <elementProp name="ThreadGroup.main_controller" elementType="LoopController">
          <stringProp name="LoopController.loops">3</stringProp>
        </elementProp>
        <stringProp name="ThreadGroup.num_threads">${__P(users)}</stringProp>
        <stringProp name="ThreadGroup.ramp_time">${__P(ramp,10)}</stringProp>
      </ThreadGroup>
      <hashTree>
        <CSVDataSet guiclass="TestBeanGUI" testclass="CSVDataSet" testname="Accounts" enabled="true">
          <stringProp name="filename">accounts.csv</stringProp>
          <stringProp name="shareMode">shareMode.all</stringProp>
        </CSVDataSet>
        <hashTree/>
        <HTTPSamplerProxy guiclass="HttpTestSampleGui" testclass="HTTPSamplerProxy" testname="Login" enabled="true">
          <stringProp name="HTTPSampler.domain">bank</stringProp>
          <stringProp name="HTTPSampler.connect_timeout">5000</stringProp>
          <stringProp name="HTTPSampler.response_timeout">30000</stringProp>
        </HTTPSamplerProxy>
        <hashTree>
          <ConstantTimer guiclass="ConstantTimerGui" testclass="ConstantTimer" testname="Think" enabled="true">
            <stringProp name="ConstantTimer.delay">1000</stringProp>
          </ConstantTimer>
          <hashTree/>
        </hashTree>
      </hashTree>
      <ResultCollector guiclass="ViewResultsFullVisualizer" testclass="ResultCollector" testname="View Results Tree" enabled="true"/>
      <hashTree/>
    </hashTree>
  </hashTree>
</jmeterTestPlan>
`

// writeLintPlan writes the plan, its CSV file, a properties file and a
// configuration file into a new directory.
func writeLintPlan(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"plan.jmx":        lintPlan,
		"accounts.csv":    "user,password\n",
		"user.properties": "users=40\nramp=20\n",
		"ignore-gui.toml": "[plan]\nignore = [\"gui-listener\"]\n",
		"bad-ignore.toml": "[plan]\nignore = [\"gui-listner\"]\n",
		"broken.jmx":      "<jmeterTestPlan>\n<hashTree>\n",
		"not-a-plan.jmx":  "fake one",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runPlan runs the binary in dir with an empty configuration directory.
func runPlan(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(sobangBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	code := exitCode(t, cmd.Run())
	return out.String(), errb.String(), code
}

func TestPlanLintExitCodes(t *testing.T) {
	dir := writeLintPlan(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // part of stdout
		stderr string // part of stderr
	}{
		{"error finding fails", []string{"plan", "lint", "plan.jmx"}, exitFailure,
			"ERROR    gui-listener  Test Plan / View Results Tree (line 31)", "sobang: plan.jmx: 1 error-level finding"},
		{"ignored", []string{"plan", "lint", "plan.jmx", "--ignore", "gui-listener"}, exitOK, "Findings: 0 errors, 1 warning, 0 info", ""},
		{"ignored by the config", []string{"plan", "lint", "plan.jmx", "--config", "ignore-gui.toml"}, exitOK, "Findings: 0 errors", ""},
		{"unknown rule", []string{"plan", "lint", "plan.jmx", "--ignore", "gui-listner"}, exitUsage, "", `--ignore: expected a rule id of 'sobang plan rules', found "gui-listner"`},
		{"unknown rule in the config", []string{"plan", "lint", "plan.jmx", "--config", "bad-ignore.toml"}, exitUsage, "", `bad-ignore.toml:2: plan.ignore[0]: expected a rule id`},
		{"bad format", []string{"plan", "lint", "plan.jmx", "--format", "yaml"}, exitUsage, "", `--format: expected text, json or markdown, found "yaml"`},
		{"missing plan", []string{"plan", "lint", "nope.jmx"}, exitUsage, "", "nope.jmx"},
		{"broken XML", []string{"plan", "lint", "broken.jmx"}, exitUsage, "", "broken.jmx:3: bad XML: unexpected EOF"},
		{"not a plan", []string{"plan", "lint", "not-a-plan.jmx"}, exitUsage, "", "not-a-plan.jmx: no XML element"},
		{"no plan", []string{"plan", "lint"}, exitUsage, "", "accepts 1 arg"},
		{"bad -J", []string{"plan", "lint", "plan.jmx", "-Jusers"}, exitUsage, "", `-J: expected name=value, found "users"`},
		{"property unresolved", []string{"plan", "lint", "plan.jmx"}, exitFailure,
			"Users (standard): ${__P(users)} (unresolved) threads, ramp-up 10 s, loops 3", ""},
		{"property given", []string{"plan", "lint", "plan.jmx", "-Jusers=200", "--jmeter-props", "user.properties"}, exitFailure,
			"Users (standard): 200 threads, ramp-up 20 s, loops 3", ""},
		{"rules", []string{"plan", "rules"}, exitOK, "error    loops-forever", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := runPlan(t, dir, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errs, tt.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwant stdout with %q, stderr with %q", code, tt.code, out, errs, tt.stdout, tt.stderr)
			}
		})
	}
}

func TestPlanLintJSONAndMarkdown(t *testing.T) {
	dir := writeLintPlan(t)
	out, errs, code := runPlan(t, dir, "plan", "lint", "plan.jmx", "--format", "json", "--jmeter-props", "user.properties")
	if code != exitFailure {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Path         string `json:"path"`
		JMeter       string `json:"jmeter"`
		ThreadGroups []struct {
			Name      string   `json:"name"`
			Threads   *int64   `json:"threads"`
			RampUpS   *float64 `json:"ramp_up_s"`
			DurationS *float64 `json:"duration_s"`
			Loops     *int64   `json:"loops"`
		} `json:"thread_groups"`
		Findings []struct {
			ID, Severity, Path, Message, Fix string
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	tg := doc.ThreadGroups
	if doc.Path != "plan.jmx" || doc.JMeter != "5.6.3" || len(tg) != 1 || tg[0].Name != "Users" ||
		tg[0].Threads == nil || *tg[0].Threads != 40 || *tg[0].RampUpS != 20 || tg[0].DurationS != nil || *tg[0].Loops != 3 {
		t.Fatalf("document:\n%s", out)
	}
	if len(doc.Findings) != 1 || doc.Findings[0].ID != "gui-listener" || doc.Findings[0].Severity != "error" ||
		doc.Findings[0].Path != "Test Plan / View Results Tree" || doc.Findings[0].Fix == "" {
		t.Fatalf("findings:\n%s", out)
	}

	out, _, _ = runPlan(t, dir, "plan", "lint", "plan.jmx", "--format", "markdown")
	for _, want := range []string{"# Test plan plan.jmx", "| Users | standard | ${__P(users)} (unresolved) | 10 s | 3 | — |",
		"- users: not given and no default (unresolved)", "| error | gui-listener | Test Plan / View Results Tree |"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

// TestPlanLintCorpus runs the command on the plan of the story:
// a CSV file not where the plan says, samplers without timeouts and a
// View Results Tree left on.
func TestPlanLintCorpus(t *testing.T) {
	plans := filepath.Join(corpusDir(t), "plans")
	abs, err := filepath.Abs(plans)
	if err != nil {
		t.Fatal(err)
	}
	out, errs, code := runPlan(t, t.TempDir(), "plan", "lint", filepath.Join(abs, "jmeter_build-adv-web-test-plan.jmx"))
	if code != exitFailure || !strings.Contains(errs, "2 error-level findings") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{"csv-missing", `file "CHANGE_FOLDER/login.csv"`, "gui-listener", "no-timeout", "resources_folder = \"CHANGE_FOLDER\" (the plan's default)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestREADMEListsEveryRule keeps the README's table of rules in step with
// the linter's.
func TestREADMEListsEveryRule(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range plan.Rules {
		if !strings.Contains(string(data), "`"+r.ID+"`") {
			t.Errorf("README.md does not list rule %s", r.ID)
		}
	}
}

// TestPlanLintHostileText checks that text from a plan cannot act on the
// terminal, in any format.
func TestPlanLintHostileText(t *testing.T) {
	dir := t.TempDir()
	hostile := strings.NewReplacer(`testname="Users"`, `testname="Users&#x1b;]0;pwned&#x7;"`,
		`${__P(users)}`, "${__P(users\x1b[2J)}", `testname="View Results Tree"`, `testname="VRT&#x1b;[31m"`).Replace(lintPlan)
	if err := os.WriteFile(filepath.Join(dir, "plan.jmx"), []byte(hostile), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "markdown", "json"} {
		out, errs, code := runPlan(t, dir, "plan", "lint", "plan.jmx", "--format", format)
		if code != exitFailure {
			t.Fatalf("%s: exit %d: %s", format, code, errs)
		}
		if strings.ContainsAny(out+errs, "\x1b\x07") {
			t.Errorf("%s: control characters reach the terminal:\n%q", format, out)
		}
	}
}

// TestReportJoinsThePlan: a .jmx beside the JTL joins the report (its
// thread groups and findings, under "plan"), --plan names one, --no-plan
// leaves it out, and two plans beside the results are not guessed between.
func TestReportJoinsThePlan(t *testing.T) {
	dir := writeCheckRun(t)
	if err := os.WriteFile(filepath.Join(dir, "plan.jmx"), []byte(lintPlan), 0o644); err != nil {
		t.Fatal(err)
	}
	type doc struct {
		Plan *struct {
			Path         string `json:"path"`
			ThreadGroups []struct {
				Name string `json:"name"`
			} `json:"thread_groups"`
			Findings []struct {
				ID string `json:"id"`
			} `json:"findings"`
		} `json:"plan"`
	}
	read := func(args ...string) (doc, string) {
		t.Helper()
		out, errs, code := runIn(t, dir, append([]string{"report", "run.jtl", "--format", "json"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		var d doc
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatal(err)
		}
		return d, errs
	}
	d, errs := read()
	if d.Plan == nil || len(d.Plan.ThreadGroups) != 1 || d.Plan.ThreadGroups[0].Name != "Users" || !strings.Contains(errs, "plan.jmx (found beside the results") {
		t.Fatalf("the plan beside the JTL: %+v, stderr %q", d.Plan, errs)
	}
	gui := false
	for _, f := range d.Plan.Findings {
		gui = gui || f.ID == "gui-listener"
	}
	if !gui {
		t.Errorf("the plan's findings are missing: %+v", d.Plan.Findings)
	}
	if d, _ := read("--no-plan"); d.Plan != nil {
		t.Error("--no-plan must leave the plan out")
	}
	if err := os.WriteFile(filepath.Join(dir, "other.jmx"), []byte(lintPlan), 0o644); err != nil {
		t.Fatal(err)
	}
	if d, _ := read(); d.Plan != nil {
		t.Error("with two plans beside the results none may be guessed")
	}
	if d, _ := read("--plan", "other.jmx"); d.Plan == nil || !strings.HasSuffix(d.Plan.Path, "other.jmx") {
		t.Errorf("--plan names the plan: %+v", d.Plan)
	}
	if _, errs, code := runIn(t, dir, "report", "run.jtl", "--plan", "plan.jmx", "--no-plan"); code != exitUsage || !strings.Contains(errs, "--plan and --no-plan") {
		t.Errorf("--plan with --no-plan: %d %q", code, errs)
	}
	// Text reports the plan after the results.
	if out, _, _ := runIn(t, dir, "report", "run.jtl", "--plan", "plan.jmx"); !strings.Contains(out, "gui-listener") {
		t.Errorf("the text report lacks the plan's findings:\n%s", out)
	}
}

// rampPlan plans 25 threads started over 20 s, for 75 s.
const rampPlan = `<?xml version="1.0" encoding="UTF-8"?>
<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.6.3">
  <hashTree>
    <TestPlan guiclass="TestPlanGui" testclass="TestPlan" testname="Bank" enabled="true"/>
    <hashTree>
      <ThreadGroup guiclass="ThreadGroupGui" testclass="ThreadGroup" testname="Users" enabled="true">
        <elementProp name="ThreadGroup.main_controller" elementType="LoopController">
          <stringProp name="LoopController.loops">-1</stringProp>
        </elementProp>
        <stringProp name="ThreadGroup.num_threads">25</stringProp>
        <stringProp name="ThreadGroup.ramp_time">20</stringProp>
        <boolProp name="ThreadGroup.scheduler">true</boolProp>
        <stringProp name="ThreadGroup.duration">75</stringProp>
      </ThreadGroup>
      <hashTree/>
    </hashTree>
  </hashTree>
</jmeterTestPlan>
`

// TestDashboardPlan finds the plan beside the JTL and gives the dashboard
// its threads over time; --no-plan and a missing plan give none.
func TestDashboardPlan(t *testing.T) {
	dir := t.TempDir()
	jtlPath := filepath.Join(dir, "results.jtl")
	if err := os.WriteFile(filepath.Join(dir, "plan.jmx"), []byte(rampPlan), 0o644); err != nil {
		t.Fatal(err)
	}
	srcs := []sources.Source{infoSource{info: sources.Info{Name: jtlPath, Kind: sources.KindJTL}}}
	pl, err := dashboardPlan("", false, srcs, planFlags{})
	if err != nil || pl == nil || pl.threads == nil || pl.name != "plan.jmx" || pl.view == nil || pl.rate != nil {
		t.Fatalf("the plan beside the JTL: %+v, %v", pl, err)
	}
	planned := pl.threads
	for _, c := range []struct {
		at   time.Duration
		want float64
	}{{0, 0}, {10 * time.Second, 12.5}, {30 * time.Second, 25}} {
		if got, ok := planned(c.at); !ok || math.Abs(got-c.want) > 1.5 {
			t.Errorf("planned at %v = %v, %v; want about %v", c.at, got, ok, c.want)
		}
	}
	if pl, _ := dashboardPlan("", true, srcs, planFlags{}); pl != nil {
		t.Error("--no-plan must give no plan")
	}
	if _, err := dashboardPlan(filepath.Join(dir, "missing.jmx"), false, srcs, planFlags{}); err == nil {
		t.Error("a --plan that cannot be read is an error")
	}
	// A Constant Throughput Timer over all active threads: 480/min is 8/s
	// while the group runs; the samplers by label come along.
	bank := filepath.Join(dir, "bank.jmx")
	if err := os.WriteFile(bank, []byte(bankPlan), 0o644); err != nil {
		t.Fatal(err)
	}
	pl, err = dashboardPlan(bank, false, srcs, planFlags{})
	if err != nil || pl.rate == nil {
		t.Fatalf("the throughput timer's plan: %+v, %v", pl, err)
	}
	if got, ok := pl.rate(10 * time.Second); !ok || got != 8 {
		t.Errorf("planned throughput at 10 s = %v, %v; want 8", got, ok)
	}
	if s := pl.view.Sampler("GET balance"); s == nil || s.URL != "http://bank:8080/balance" {
		t.Errorf("the sampler of GET balance: %+v", s)
	}
}
