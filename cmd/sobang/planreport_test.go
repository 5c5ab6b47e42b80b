package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// bankPlan writes two of the check run's labels (GET balance, POST
// transfer, in a transaction controller) and a Logout that never ran; the
// health check's label comes from no sampler.
const bankPlan = `<?xml version="1.0" encoding="UTF-8"?>
<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.6.3">
  <hashTree>
    <TestPlan guiclass="TestPlanGui" testclass="TestPlan" testname="Bank" enabled="true"/>
    <hashTree>
      <ThreadGroup guiclass="ThreadGroupGui" testclass="ThreadGroup" testname="Users" enabled="true">
        <elementProp name="ThreadGroup.main_controller" elementType="LoopController">
          <stringProp name="LoopController.loops">-1</stringProp>
        </elementProp>
        <stringProp name="ThreadGroup.num_threads">4</stringProp>
        <stringProp name="ThreadGroup.ramp_time">4</stringProp>
        <boolProp name="ThreadGroup.scheduler">true</boolProp>
        <stringProp name="ThreadGroup.duration">20</stringProp>
      </ThreadGroup>
      <hashTree>
        <ConstantThroughputTimer guiclass="TestBeanGUI" testclass="ConstantThroughputTimer" testname="Pace" enabled="true">
          <stringProp name="calcMode">calcMode.2</stringProp>
          <doubleProp><name>throughput</name><value>480.0</value><savedValue>0.0</savedValue></doubleProp>
        </ConstantThroughputTimer>
        <hashTree/>
        <HTTPSamplerProxy guiclass="HttpTestSampleGui" testclass="HTTPSamplerProxy" testname="GET balance" enabled="true">
          <stringProp name="HTTPSampler.domain">${__P(host,bank)}</stringProp>
          <stringProp name="HTTPSampler.port">8080</stringProp>
          <stringProp name="HTTPSampler.path">/balance</stringProp>
          <stringProp name="HTTPSampler.method">GET</stringProp>
          <stringProp name="HTTPSampler.connect_timeout">2000</stringProp>
          <stringProp name="HTTPSampler.response_timeout">5000</stringProp>
        </HTTPSamplerProxy>
        <hashTree>
          <ResponseAssertion guiclass="AssertionGui" testclass="ResponseAssertion" testname="Has balance" enabled="true"/>
          <hashTree/>
        </hashTree>
        <TransactionController guiclass="TransactionControllerGui" testclass="TransactionController" testname="Transfer flow" enabled="true"/>
        <hashTree>
          <HTTPSamplerProxy guiclass="HttpTestSampleGui" testclass="HTTPSamplerProxy" testname="POST transfer" enabled="true">
            <stringProp name="HTTPSampler.domain">bank</stringProp>
            <stringProp name="HTTPSampler.path">/transfer</stringProp>
            <stringProp name="HTTPSampler.method">POST</stringProp>
          </HTTPSamplerProxy>
          <hashTree/>
        </hashTree>
        <HTTPSamplerProxy guiclass="HttpTestSampleGui" testclass="HTTPSamplerProxy" testname="Logout" enabled="true">
          <stringProp name="HTTPSampler.domain">bank</stringProp>
          <stringProp name="HTTPSampler.path">/logout</stringProp>
        </HTTPSamplerProxy>
        <hashTree/>
      </hashTree>
    </hashTree>
  </hashTree>
</jmeterTestPlan>
`

// TestReportMatchesThePlan: the report's plan object lists the results'
// labels no sampler explains and the samplers that never ran; text and
// Markdown add the folded tree and both lists.
func TestReportMatchesThePlan(t *testing.T) {
	dir := writeCheckRun(t)
	if err := os.WriteFile(filepath.Join(dir, "bank.jmx"), []byte(bankPlan), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runIn(t, dir, "report", "run.jtl", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var d struct {
		Plan struct {
			Unmatched []string `json:"unmatched_labels"`
			Never     []string `json:"samplers_never_ran"`
		} `json:"plan"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Plan.Unmatched, []string{"GET http://bank:8080/health"}) || !slices.Equal(d.Plan.Never, []string{"Logout"}) {
		t.Errorf("unmatched %q, never ran %q", d.Plan.Unmatched, d.Plan.Never)
	}
	for _, c := range []struct {
		format string
		want   []string
	}{
		{"text", []string{"Plan tree:\n  Bank\n    Users (standard): 4 threads", "      GET balance: GET http://bank:8080/balance · timeouts 2000/5000 ms · 1 assertion",
			"Labels in the results that no sampler of the plan explains:\n  GET http://bank:8080/health", "Samplers of the plan that never ran:\n  Logout"}},
		{"markdown", []string{"## Plan tree\n\n````\nBank\n", "## Samplers of the plan that never ran\n\n- Logout"}},
	} {
		out, _, _ := runIn(t, dir, "report", "run.jtl", "--format", c.format)
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s report lacks %q:\n%s", c.format, w, out)
			}
		}
	}
}

// TestReportPlanPropertiesAndIgnore: report resolves the plan's properties
// with -J as plan lint does, and drops the findings of the rules the
// configuration file's [plan] ignore names.
func TestReportPlanPropertiesAndIgnore(t *testing.T) {
	dir := writeCheckRun(t)
	if err := os.WriteFile(filepath.Join(dir, "bank.jmx"), []byte(bankPlan), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(cfg, []byte("[plan]\nignore = [\"no-timeout\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	type doc struct {
		Plan struct {
			Findings []struct {
				ID string `json:"id"`
			} `json:"findings"`
		} `json:"plan"`
	}
	read := func(args ...string) doc {
		t.Helper()
		out, errs, code := runIn(t, dir, append([]string{"report", "run.jtl", "--format", "json"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var d doc
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	ids := func(d doc) (out []string) {
		for _, f := range d.Plan.Findings {
			out = append(out, f.ID)
		}
		return out
	}
	before := read()
	if !slices.Contains(ids(before), "no-timeout") {
		t.Fatalf("the plan's findings %q lack no-timeout: the test needs it", ids(before))
	}
	after := read("--config", cfg)
	if slices.Contains(ids(after), "no-timeout") {
		t.Errorf("[plan] ignore kept no-timeout: %q", ids(after))
	}
	// ${__P(host,bank)} in the sampler's domain: -J gives it.
	out, errs, code := runIn(t, dir, "report", "run.jtl", "-Jhost=core.example")
	if code != 0 || !strings.Contains(out, "GET balance: GET http://core.example:8080/balance") {
		t.Errorf("-Jhost did not reach the plan (exit %d, %s):\n%s", code, errs, out)
	}
}
