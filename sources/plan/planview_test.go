package plan

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources/internal/corpus"
)

// shopPlan: HTTP Request Defaults with a domain and timeouts, a
// transaction controller around two requests (one with its own timeouts
// and an assertion), a disabled request, a CSV data set, a per-thread
// Constant Throughput Timer of 120/min and a View Results Tree.
const shopPlan = `<?xml version="1.0" encoding="UTF-8"?>
<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.6.3">
  <hashTree>
    <TestPlan guiclass="TestPlanGui" testclass="TestPlan" testname="Shop" enabled="true"/>
    <hashTree>
      <ConfigTestElement guiclass="HttpDefaultsGui" testclass="ConfigTestElement" testname="Defaults" enabled="true">
        <stringProp name="HTTPSampler.domain">${__P(host,shop.test)}</stringProp>
        <stringProp name="HTTPSampler.protocol">https</stringProp>
        <stringProp name="HTTPSampler.connect_timeout">3000</stringProp>
      </ConfigTestElement>
      <hashTree/>
      <ThreadGroup guiclass="ThreadGroupGui" testclass="ThreadGroup" testname="Buyers" enabled="true">
        <elementProp name="ThreadGroup.main_controller" elementType="LoopController">
          <stringProp name="LoopController.loops">-1</stringProp>
        </elementProp>
        <stringProp name="ThreadGroup.num_threads">10</stringProp>
        <stringProp name="ThreadGroup.ramp_time">10</stringProp>
        <boolProp name="ThreadGroup.scheduler">true</boolProp>
        <stringProp name="ThreadGroup.duration">60</stringProp>
      </ThreadGroup>
      <hashTree>
        <CSVDataSet guiclass="TestBeanGUI" testclass="CSVDataSet" testname="Users" enabled="true">
          <stringProp name="filename">users.csv</stringProp>
          <stringProp name="shareMode">shareMode.all</stringProp>
        </CSVDataSet>
        <hashTree/>
        <ConstantThroughputTimer guiclass="TestBeanGUI" testclass="ConstantThroughputTimer" testname="Pace" enabled="true">
          <intProp name="calcMode">0</intProp>
          <doubleProp><name>throughput</name><value>120.0</value><savedValue>0.0</savedValue></doubleProp>
        </ConstantThroughputTimer>
        <hashTree/>
        <TransactionController guiclass="TransactionControllerGui" testclass="TransactionController" testname="Buy" enabled="true">
          <boolProp name="TransactionController.parent">false</boolProp>
        </TransactionController>
        <hashTree>
          <HTTPSamplerProxy guiclass="HttpTestSampleGui" testclass="HTTPSamplerProxy" testname="Cart" enabled="true">
            <stringProp name="HTTPSampler.path">/cart</stringProp>
            <stringProp name="HTTPSampler.method">POST</stringProp>
            <stringProp name="HTTPSampler.response_timeout">10000</stringProp>
          </HTTPSamplerProxy>
          <hashTree>
            <ResponseAssertion guiclass="AssertionGui" testclass="ResponseAssertion" testname="Is 201" enabled="true"/>
            <hashTree/>
          </hashTree>
          <HTTPSamplerProxy guiclass="HttpTestSampleGui" testclass="HTTPSamplerProxy" testname="Pay" enabled="true">
            <stringProp name="HTTPSampler.path">/pay</stringProp>
            <stringProp name="HTTPSampler.method">POST</stringProp>
          </HTTPSamplerProxy>
          <hashTree/>
          <HTTPSamplerProxy guiclass="HttpTestSampleGui" testclass="HTTPSamplerProxy" testname="Old" enabled="false">
            <stringProp name="HTTPSampler.path">/old</stringProp>
          </HTTPSamplerProxy>
          <hashTree/>
        </hashTree>
      </hashTree>
      <ResultCollector guiclass="ViewResultsFullVisualizer" testclass="ResultCollector" testname="Tree" enabled="true"/>
      <hashTree/>
    </hashTree>
  </hashTree>
</jmeterTestPlan>
`

func readShop(t *testing.T, props map[string]string) *Plan {
	t.Helper()
	p, err := Read(strings.NewReader(shopPlan), "shop.jmx", Options{Props: props})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLabelled lists what writes labels: the transaction controller and
// its enabled requests, each with method, URL (the defaults' domain with
// its property resolved), timeouts and assertions.
func TestLabelled(t *testing.T) {
	ls := readShop(t, map[string]string{"host": "shop.example"}).Labelled()
	var names []string
	for _, l := range ls {
		names = append(names, l.Label+":"+l.Kind)
	}
	if !slices.Equal(names, []string{"Buy:transaction", "Cart:HTTP", "Pay:HTTP"}) {
		t.Fatalf("labelled elements: %q", names)
	}
	cart := ls[1]
	if cart.Method != "POST" || cart.URL != "https://shop.example/cart" || cart.ConnectTimeout != "3000" ||
		cart.ResponseTimeout != "10000" || !slices.Equal(cart.Assertions, []string{"Is 201"}) || cart.Path != "Shop / Buyers / Buy / Cart" {
		t.Errorf("Cart: %+v", cart)
	}
	if pay := ls[2]; pay.ResponseTimeout != "" || pay.ConnectTimeout != "3000" || len(pay.Assertions) != 0 {
		t.Errorf("Pay: %+v", pay)
	}
}

// TestTree folds the plan to what matters, with resolved values and the
// disabled request marked.
func TestTree(t *testing.T) {
	var b strings.Builder
	for _, l := range readShop(t, nil).Tree() {
		b.WriteString(strings.Repeat("  ", l.Depth) + l.Text + "\n")
	}
	want := `Shop
  Defaults: HTTP defaults shop.test · timeouts 3000/– ms
  Buyers (standard): 10 threads, ramp-up 10 s, loops forever, duration 60 s
    Users: CSV "users.csv" (sharing all, recycle)
    Pace: constant throughput 120/min (per thread)
    Buy [transaction]
      Cart: POST https://shop.test/cart · timeouts 3000/10000 ms · 1 assertion
      Pay: POST https://shop.test/pay · connect timeout 3000 ms, no response timeout
      Old (HTTP request) (disabled)
  Tree [listener: View Results Tree]
`
	if b.String() != want {
		t.Errorf("tree:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestPlannedThroughput: a per-thread Constant Throughput Timer aims at
// its target times the planned threads; the plugins' Throughput Shaping
// Timer follows its profile; a plan without one plans none.
func TestPlannedThroughput(t *testing.T) {
	rate := readShop(t, nil).PlannedThroughput()
	if rate == nil {
		t.Fatal("the Constant Throughput Timer plans a throughput")
	}
	for _, c := range []struct{ at, want float64 }{{0, 2}, {4.5, 10}, {30, 20}, {61, 0}} {
		if got, ok := rate(c.at); !ok || got != c.want {
			t.Errorf("at %v s: %v %v, want %v", c.at, got, ok, c.want)
		}
	}
	dir := corpus.Dir(t, "plans")
	p, err := ReadFile(filepath.Join(dir, "jmeter-plugins_ThroughputShapingExample.jmx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	rate = p.PlannedThroughput()
	if rate == nil {
		t.Fatal("the Throughput Shaping Timer plans a throughput")
	}
	for _, c := range []struct{ at, want float64 }{{5, 500.5}, {15, 1000}, {45.5, 3000}, {62, 0}} {
		if got, ok := rate(c.at); !ok || math.Abs(got-c.want) > 1e-9 {
			t.Errorf("shaping at %v s: %v %v, want %v", c.at, got, ok, c.want)
		}
	}
	p, err = ReadFile(filepath.Join(dir, "jmeter_simple-http-request-test-plan.jmx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.PlannedThroughput() != nil {
		t.Error("a plan without a throughput timer plans no throughput")
	}
}

// TestCorpusViews builds the view and the planned throughput of every
// corpus plan without a panic, and gives each plan with a sampler in a
// thread group a label to match.
func TestCorpusViews(t *testing.T) {
	_, files := corpusPlans(t)
	for _, f := range files {
		p, err := ReadFile(f, Options{})
		if err != nil {
			continue // the broken plan
		}
		v := p.View(Lint(p, LintOptions{}))
		if len(p.Samplers()) > 0 && len(v.Samplers) == 0 {
			t.Errorf("%s: samplers but no labels", filepath.Base(f))
		}
		if rate := p.PlannedThroughput(); rate != nil {
			rate(10)
		}
	}
}
