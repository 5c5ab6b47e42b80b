package plan

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// bigPlan builds a plan of about size bytes: thread groups of HTTP
// samplers with extractors, assertions and timers, as a recorded plan has.
func bigPlan(size int) []byte {
	var body strings.Builder
	for g := 0; body.Len() < size; g++ {
		fmt.Fprintf(&body, `
      <ThreadGroup guiclass="ThreadGroupGui" testclass="ThreadGroup" testname="Users %d" enabled="true">
        <elementProp name="ThreadGroup.main_controller" elementType="LoopController">
          <stringProp name="LoopController.loops">10</stringProp>
        </elementProp>
        <stringProp name="ThreadGroup.num_threads">${__P(users,100)}</stringProp>
        <stringProp name="ThreadGroup.ramp_time">60</stringProp>
      </ThreadGroup>
      <hashTree>`, g)
		for s := 0; s < 200; s++ {
			fmt.Fprintf(&body, `
        <HTTPSamplerProxy guiclass="HttpTestSampleGui" testclass="HTTPSamplerProxy" testname="GET /api/item/%d" enabled="true">
          <elementProp name="HTTPsampler.Arguments" elementType="Arguments">
            <collectionProp name="Arguments.arguments"/>
          </elementProp>
          <stringProp name="HTTPSampler.domain">${host}</stringProp>
          <stringProp name="HTTPSampler.path">/api/item/%d</stringProp>
          <stringProp name="HTTPSampler.method">GET</stringProp>
          <boolProp name="HTTPSampler.follow_redirects">true</boolProp>
          <stringProp name="HTTPSampler.connect_timeout">5000</stringProp>
          <stringProp name="HTTPSampler.response_timeout"></stringProp>
        </HTTPSamplerProxy>
        <hashTree>
          <RegexExtractor guiclass="RegexExtractorGui" testclass="RegexExtractor" testname="id" enabled="true">
            <stringProp name="RegexExtractor.refname">id</stringProp>
            <stringProp name="RegexExtractor.regex">"id":(\d+)</stringProp>
            <stringProp name="RegexExtractor.default"></stringProp>
          </RegexExtractor>
          <hashTree/>
          <ResponseAssertion guiclass="AssertionGui" testclass="ResponseAssertion" testname="200" enabled="true">
            <collectionProp name="Asserion.test_strings">
              <stringProp name="49586">200</stringProp>
            </collectionProp>
          </ResponseAssertion>
          <hashTree/>
          <UniformRandomTimer guiclass="UniformRandomTimerGui" testclass="UniformRandomTimer" testname="think" enabled="true">
            <stringProp name="ConstantTimer.delay">1000</stringProp>
          </UniformRandomTimer>
          <hashTree/>
        </hashTree>`, s, s)
		}
		body.WriteString("\n      </hashTree>")
	}
	return []byte(planXML(body.String()))
}

// BenchmarkReadLint10MB reads and lints a 10 MB plan. Target: under 200 ms
// an operation (the bound; a plan is read once, when a run opens).
func BenchmarkReadLint10MB(b *testing.B) {
	data := bigPlan(10 << 20)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		p, err := Read(bytes.NewReader(data), "big.jmx", Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(Lint(p, LintOptions{Exists: func(string) bool { return true }})) == 0 {
			b.Fatal("no findings")
		}
	}
}

// BenchmarkView10MB builds the view the dashboard and the report set
// beside the results (samplers by label, the folded tree) of a 10 MB plan
// already read. Target: under 100 ms, so that reading, linting and the
// view together stay near the reader's bound.
func BenchmarkView10MB(b *testing.B) {
	p, err := Read(bytes.NewReader(bigPlan(10<<20)), "big.jmx", Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if v := p.View(nil); len(v.Samplers) == 0 || len(v.Lines) == 0 {
			b.Fatal("empty view")
		}
	}
}
