package jtl

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
)

func TestXMLNested(t *testing.T) {
	r, err := parseChunks(readTestdata(t, "nested.xml"), Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.BadRows != 0 {
		t.Errorf("bad rows: %v", badStrings(r))
	}
	want := []sources.Sample{
		{StartMS: 1700000000000, ElapsedMS: 900, LatencyMS: 0, ConnectMS: 0, Label: "Checkout & pay", Code: "",
			Message: "Number of samples in transaction : 2, number of failing samples : 1", Thread: "Shoppers 1-1",
			Transaction: true, GrpThreads: 3, AllThreads: 3, Bytes: 9000, SentBytes: 700},
		{StartMS: 1700000000000, ElapsedMS: 400, LatencyMS: 100, ConnectMS: 20, Label: "GET /cart", Code: "200", Message: "OK",
			Thread: "Shoppers 1-1", Success: true, GrpThreads: 3, AllThreads: 3, Bytes: 7000, SentBytes: 300,
			URL: "https://shop.example/cart?x=1&y=2"},
		{StartMS: 1700000000100, ElapsedMS: 50, LatencyMS: 40, ConnectMS: 0, Label: "https://shop.example/logo.png", Code: "200",
			Message: "OK", Thread: "Shoppers 1-1", Success: true, SubResult: true, GrpThreads: 3, AllThreads: 3, Bytes: 3000,
			SentBytes: 100, URL: "https://shop.example/logo.png"},
		{StartMS: 1700000000400, ElapsedMS: 500, LatencyMS: 480, ConnectMS: 3, Label: "POST /pay", Code: "200",
			Message: "OK", Failure: "Test failed: text expected to contain /paid & done/", Thread: "Shoppers 1-1", GrpThreads: 3, AllThreads: 3,
			Bytes: 2000, SentBytes: 400, URL: "https://shop.example/pay"},
		{StartMS: 1700000001000, ElapsedMS: 30, LatencyMS: 30, ConnectMS: -1, Label: "attr > order é", Code: "200", Message: "OK",
			Thread: "Browsers 2-1", Success: true, GrpThreads: 1, AllThreads: 3, Bytes: 10},
		{StartMS: 1700000001500, LatencyMS: -1, ConnectMS: -1, Label: "JSR223 check", Code: "200", Message: "OK",
			Thread: "Browsers 2-1", Success: true, GrpThreads: -1, AllThreads: -1},
	}
	if len(r.Samples) != len(want) {
		t.Fatalf("%d samples, want %d: %+v", len(r.Samples), len(want), r.Samples)
	}
	for i := range want {
		if !reflect.DeepEqual(r.Samples[i], want[i]) {
			t.Errorf("sample %d:\n got %+v\nwant %+v", i, r.Samples[i], want[i])
		}
	}
}

func TestXMLBad(t *testing.T) {
	r, err := parseChunks(readTestdata(t, "bad.xml"), Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, s := range r.Samples {
		labels = append(labels, s.Label)
	}
	if !reflect.DeepEqual(labels, []string{"good 1", "good 2", "good 3"}) {
		t.Errorf("samples %q, want the three good ones", labels)
	}
	want := []string{
		`line 4: <httpSample>: t: expected an integer, found "ten"`,
		`line 5: <httpSample>: unexpected </responseHeader> inside <responseData>`,
		`line 8: <settings> is not a JMeter sample (no attributes t, ts, lb, s; no <label> or <startTime>)`,
		`line 10: <httpSample>: s: expected true or false, found "maybe"`,
	}
	if got := badStrings(r); !reflect.DeepEqual(got, want) || r.BadRows != len(want) {
		t.Errorf("bad rows (%d):\n%q\nwant\n%q", r.BadRows, got, want)
	}
}

func TestXMLEdgeCases(t *testing.T) {
	const prolog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testResults version=\"1.2\">\n"
	sample := func(label string) string {
		return `<httpSample t="1" ts="1700000000000" s="true" lb="` + label + `" rc="200" rm="OK" tn="T 1-1"/>` + "\n"
	}
	tests := []struct {
		name    string
		data    string
		samples int
		bad     []string
		errText string
	}{
		{name: "closed", data: prolog + sample("a") + sample("b") + "</testResults>\n", samples: 2},
		{name: "no closing tag", data: prolog + sample("a") + sample("b"), samples: 2},
		{name: "cut inside an element", data: prolog + sample("a") + `<httpSample t="1" ts="17000`, samples: 1,
			bad: []string{`line 4: incomplete markup at the end of the input: "<httpSample t=\"1\" ts=\"17000"`}},
		{name: "cut inside a child", data: prolog + sample("a") + "<httpSample t=\"1\" ts=\"1\" lb=\"x\">\n<responseData>abc", samples: 1,
			bad: []string{"line 4: <httpSample> is incomplete at the end of the input"}},
		{name: "two runs appended", data: prolog + sample("a") + "</testResults>\n" + prolog + sample("b"), samples: 2},
		{name: "empty root", data: prolog + "</testResults>"},
		{name: "self-closing root", data: "<testResults/>"},
		{name: "declaration only", data: "<?xml version=\"1.0\"?>\n"},
		{name: "greater-than in an attribute", data: prolog + sample("a > b"), samples: 1},
		{name: "comment with tags", data: prolog + "<!-- <httpSample t=\"1\"/> -->\n" + sample("a"), samples: 1},
		{name: "other root", data: "<?xml version=\"1.0\"?>\n<html><body/></html>", errText: `test.jtl:2: not a JMeter JTL: XML root element: expected <testResults>, found "html"`},
		{name: "garbage after <", data: "<<<>>>", errText: "not a JMeter JTL"},
		// At or before the epoch a sample would vanish from every statistic.
		{name: "ts at the epoch", data: prolog + `<httpSample t="1" ts="0" s="true" lb="a"/>` + "\n" + sample("b"), samples: 1,
			bad: []string{`line 3: <httpSample>: ts: expected a time after the epoch (1970-01-01T00:00:00Z), found "0"`}},
		{name: "field form before the epoch", data: prolog + "<result>\n<label>a</label>\n<startTime>-5</startTime>\n</result>\n" + sample("b"), samples: 1,
			bad: []string{`line 3: <result>: <startTime>: expected a time after the epoch (1970-01-01T00:00:00Z), found "-5"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := parseChunks([]byte(tc.data), Options{}, nil)
			if tc.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("error %v, want one containing %q", err, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Samples) != tc.samples || !reflect.DeepEqual(badStrings(r), tc.bad) {
				t.Errorf("%d samples, bad %q; want %d, %q", len(r.Samples), badStrings(r), tc.samples, tc.bad)
			}
		})
	}
}
