package plan

import (
	"bytes"
	"compress/gzip"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
)

// planXML wraps elements (each followed by its hashTree) in a Test Plan.
func planXML(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.6.3">
  <hashTree>
    <TestPlan guiclass="TestPlanGui" testclass="TestPlan" testname="Test Plan" enabled="true">
      <elementProp name="TestPlan.user_defined_variables" elementType="Arguments">
        <collectionProp name="Arguments.arguments">
          <elementProp name="host" elementType="Argument">
            <stringProp name="Argument.name">host</stringProp>
            <stringProp name="Argument.value">${__P(host,example.com)}</stringProp>
          </elementProp>
          <elementProp name="users" elementType="Argument">
            <stringProp name="Argument.name">users</stringProp>
            <stringProp name="Argument.value">${__P(users,10)}</stringProp>
          </elementProp>
        </collectionProp>
      </elementProp>
    </TestPlan>
    <hashTree>` + body + `
    </hashTree>
  </hashTree>
</jmeterTestPlan>`
}

const usersGroup = `
      <ThreadGroup guiclass="ThreadGroupGui" testclass="ThreadGroup" testname="Users" enabled="true">
        <elementProp name="ThreadGroup.main_controller" elementType="LoopController">
          <stringProp name="LoopController.loops">-1</stringProp>
        </elementProp>
        <stringProp name="ThreadGroup.num_threads">${users}</stringProp>
        <stringProp name="ThreadGroup.ramp_time">${__P(ramp)}</stringProp>
        <boolProp name="ThreadGroup.scheduler">true</boolProp>
        <stringProp name="ThreadGroup.duration">${__property(duration,,300)}</stringProp>
      </ThreadGroup>
      <hashTree>
        <HTTPSamplerProxy guiclass="HttpTestSampleGui" testclass="HTTPSamplerProxy" testname="Login" enabled="true">
          <stringProp name="HTTPSampler.domain">${host}</stringProp>
          <stringProp name="HTTPSampler.method">POST</stringProp>
        </HTTPSamplerProxy>
        <hashTree/>
        <Unknown.Vendor.Thing testclass="Unknown.Vendor.Thing" testname="Odd &amp; new" enabled="false"/>
        <hashTree/>
      </hashTree>`

func TestReadResolves(t *testing.T) {
	tests := []struct {
		name               string
		props              map[string]string
		threads, ramp, dur string // "?" when not known
		unresolvedRamp     []string
		domain             string
	}{
		{"defaults", nil, "10", "?", "300", []string{"${__P(ramp)}"}, "example.com"},
		{"properties given", map[string]string{"users": "50", "ramp": "25", "duration": "60", "host": "bank"}, "50", "25", "60", nil, "bank"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Read(strings.NewReader(planXML(usersGroup)), "plan.jmx", Options{Props: tt.props})
			if err != nil {
				t.Fatal(err)
			}
			if p.JMeter != "5.6.3" || len(p.ThreadGroups) != 1 {
				t.Fatalf("jmeter %q, %d groups", p.JMeter, len(p.ThreadGroups))
			}
			tg := p.ThreadGroups[0]
			show := func(f Figure) string {
				if !f.Known {
					return "?"
				}
				return strconv.FormatFloat(f.N, 'f', -1, 64)
			}
			if show(tg.Threads) != tt.threads || show(tg.RampUp) != tt.ramp || show(tg.Duration) != tt.dur {
				t.Errorf("threads %s ramp %s duration %s, want %s %s %s", show(tg.Threads), show(tg.RampUp), show(tg.Duration), tt.threads, tt.ramp, tt.dur)
			}
			if !slices.Equal(tg.RampUp.Unresolved, tt.unresolvedRamp) {
				t.Errorf("ramp unresolved %q, want %q", tg.RampUp.Unresolved, tt.unresolvedRamp)
			}
			login := tg.Element.Children[0]
			if login.Path() != "Test Plan / Users / Login" || login.Kind != KindSampler {
				t.Errorf("path %q kind %v", login.Path(), login.Kind)
			}
			dom, _ := login.Str("HTTPSampler.domain")
			if got := p.Resolve(dom).Text; got != tt.domain {
				t.Errorf("domain %q, want %q", got, tt.domain)
			}
			odd := tg.Element.Children[1]
			if odd.Class != "Unknown.Vendor.Thing" || odd.Name != "Odd & new" || odd.Enabled || odd.Active() {
				t.Errorf("unknown element %+v", odd)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	r := &Resolver{props: map[string]string{"a": "1", "name": "b"}, vars: map[string]string{"v": "x"}, seen: map[string]bool{}}
	tests := []struct {
		in, text   string
		unresolved int
		noDefault  []string
	}{
		{"plain", "plain", 0, nil},
		{"${__P(a,9)}", "1", 0, nil},
		{"${__P(zz, 9 )}", "9", 0, nil},
		{"${__P(zz)}", "${__P(zz)}", 1, []string{"zz"}},
		{"${__property(zz,,7)}", "7", 0, nil},
		{"${__P(${__P(name)},5)}", "5", 0, nil},
		{"${v}/${w}", "x/${w}", 1, nil},
		{"${__time()}", "${__time()}", 1, nil},
		{"${unclosed", "${unclosed", 0, nil},
		{"${__P(a\\,b,c)}", "c", 0, nil},
	}
	for _, tt := range tests {
		v := r.Resolve(tt.in)
		if v.Text != tt.text || len(v.Unresolved) != tt.unresolved || !slices.Equal(v.NoDefault, tt.noDefault) {
			t.Errorf("Resolve(%q) = %q %q %q, want %q, %d unresolved, no default %q", tt.in, v.Text, v.Unresolved, v.NoDefault, tt.text, tt.unresolved, tt.noDefault)
		}
	}
}

func TestReadRefusals(t *testing.T) {
	gz := func(s string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	tests := []struct {
		name, in, err string
	}{
		{"not XML", "fake one", "no XML element"},
		{"truncated", "<jmeterTestPlan>\n<hashTree>\n<TestPlan>", "line 3: bad XML: unexpected EOF"},
		{"another root", "<html></html>", `root element: expected <jmeterTestPlan>, found "html"`},
		{"gzip", gz(planXML("")), ""},
		{"bad encoding", `<?xml version="1.0" encoding="EBCDIC"?><jmeterTestPlan/>`, `encoding: expected UTF-8 or ISO-8859-1`},
		{"latin-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><jmeterTestPlan><hashTree><TestPlan testname=\"caf\xe9\"/><hashTree/></hashTree></jmeterTestPlan>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Read(strings.NewReader(tt.in), "x.jmx", Options{})
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if tt.name == "latin-1" && p.Root.Children[0].Name != "café" {
					t.Errorf("name %q", p.Root.Children[0].Name)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
			var le *sources.LineError
			if strings.HasPrefix(tt.err, "line") && !errors.As(err, &le) {
				t.Errorf("not a LineError: %T", err)
			}
		})
	}
}

func TestSamplersAndCSV(t *testing.T) {
	const body = `
      <ConfigTestElement guiclass="HttpDefaultsGui" testclass="ConfigTestElement" testname="Defaults" enabled="true">
        <stringProp name="HTTPSampler.protocol">https</stringProp>
        <stringProp name="HTTPSampler.connect_timeout">5000</stringProp>
      </ConfigTestElement>
      <hashTree/>
      <CSVDataSet testclass="CSVDataSet" testname="Users CSV" enabled="true">
        <stringProp name="filename">${__P(dir,data)}/users.csv</stringProp>
        <boolProp name="recycle">false</boolProp>
        <boolProp name="stopThread">true</boolProp>
      </CSVDataSet>
      <hashTree/>` + usersGroup
	p, err := Read(strings.NewReader(planXML(body)), "plan.jmx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	ss := p.Samplers()
	if len(ss) != 1 {
		t.Fatalf("%d samplers", len(ss))
	}
	s := ss[0]
	if s.Name != "Login" || s.Method != "POST" || s.URL() != "https://example.com" || s.ConnectTimeout != "5000" || s.ResponseTimeout != "" {
		t.Errorf("sampler %+v, URL %q", s, s.URL())
	}
	csv := p.CSVDataSets()
	if len(csv) != 1 || csv[0].File.Text != "data/users.csv" || csv[0].Recycle || !csv[0].StopThread || csv[0].ShareMode != "" {
		t.Errorf("CSV %+v", csv)
	}
}
