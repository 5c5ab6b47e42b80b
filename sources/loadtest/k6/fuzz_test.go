package k6

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// addSeeds seeds f with the fixtures in testdata matching pattern and the
// start of some files of the corpus's k6 directory.
func addSeeds(f *testing.F, pattern string, corpus ...string) {
	loadtesttest.AddSeeds(f, pattern, "k6", corpus...)
}

// fuzzChunking parses data in one piece and cut in two at cut, and fails
// when the two disagree: a record must not depend on where reads end.
func fuzzChunking(t *testing.T, data []byte, cut uint16) {
	whole, wholeErr := parseChunks(data)
	at := 0
	if len(data) > 0 {
		at = int(cut) % (len(data) + 1)
	}
	split, splitErr := parseChunks(data, at)
	if fmt.Sprint(wholeErr) != fmt.Sprint(splitErr) {
		t.Fatalf("cut at %d: error %v, in one piece %v", at, splitErr, wholeErr)
	}
	if !reflect.DeepEqual(whole.Samples, split.Samples) || whole.BadRows != split.BadRows ||
		!reflect.DeepEqual(whole.Bad, split.Bad) {
		t.Fatalf("cut at %d: %d samples, bad %v; in one piece %d samples, bad %v",
			at, len(split.Samples), split.Bad, len(whole.Samples), whole.Bad)
	}
	if whole.Rows != len(whole.Samples) {
		t.Fatalf("Rows %d for %d samples", whole.Rows, len(whole.Samples))
	}
	loadtesttest.CheckSafeText(t, whole.Samples)
	for _, s := range whole.Samples {
		if s.ElapsedMS < 0 || s.LatencyMS < -1 || s.ConnectMS < -1 {
			t.Fatalf("negative timing in %+v", s)
		}
	}
}

// FuzzJSON must not panic, and must read the same records however the input
// is cut into chunks.
func FuzzJSON(f *testing.F) {
	addSeeds(f, "*.ndjson", "json/desafio-votacao_k6-out-json.head5000.ndjson", "summary/k6reporter_handleSummary_data_simple.json")
	f.Add([]byte(`{"type":"Point","data":{"time":"2024-03-01T10:00:00.5-03:00","value":1e3,"tags":{"name":"a\u00e9\\\"","vu":"1"}},"metric":"group_duration"}`+"\n"), uint16(40))
	f.Add([]byte(`{"metric":"http_reqs","type":"Point","data":{"time":"2024-03-01T10:00:00Z","value":1,"tags":null,"metadata":{"vu":"3"}}}`), uint16(7))
	f.Add([]byte("{\"metric\":\"vus\",\"type\":\"Point\",\"data\":{\"value\":[[[[{}]]]],\"tags\":{}}}\r\n"), uint16(3))
	f.Add([]byte(`{"type":"Point","data":{"time":"2024-03-01T10:00:00Z","value":1,"tags":{"name":"\u001b]2;t\u0007\u202e","url":"http://u:p@h/"}},"metric":"http_req_duration"}`+"\n"), uint16(50))
	f.Fuzz(fuzzChunking)
}

// FuzzCSV is FuzzJSON for the CSV parser.
func FuzzCSV(f *testing.F) {
	addSeeds(f, "*.csv", "csv/taurus_k6_out_csv.csv")
	f.Add([]byte("metric_name,timestamp,metric_value,name,error\nhttp_reqs,1,1,\"a\n\"\"b\",\"x,y\"\n"), uint16(60))
	f.Add([]byte("metric_name,timestamp,metric_value\nhttp_req_duration,2024-03-01T10:00:00Z,-1\n"), uint16(9))
	f.Fuzz(fuzzChunking)
}

// FuzzSummary must not panic, must read the same rows however the input is
// cut into chunks, and must agree with ParseSummary on a whole document.
func FuzzSummary(f *testing.F) {
	addSeeds(f, "summary_*.json", "summary/apiratelimiter_summary-export_legacy.json",
		"summary/k6reporter_handleSummary_data_simple.json", "summary/k6reporter_handleSummary_data_grpc.json")
	f.Add([]byte(`{"metrics":{"http_reqs{name:a,b}":{"count":1e308,"rate":-1},"http_req_duration{name:}":{"p(1e3)":1,"p()":2,"p(-5)":3}}}`), uint16(17))
	f.Add([]byte(`{"metrics":{"http_req_failed":{"values":null,"thresholds":{"x":{"ok":null}}}}} {"metrics":{}}`), uint16(30))
	f.Add([]byte("{\"options\":{},\"metrics\":{\"grpc_reqs\":{\"type\":\"counter\",\"values\":{\"count\":\"1\"}}}"), uint16(5))
	// Keys that name one percentile, and several problems in one metric:
	// both used to be settled by map order.
	f.Add([]byte(`{"metrics":{"http_req_duration":{"p(95)":1,"p(95.0)":2,"p( 95 )":3,"a":"x","b":true}}}`), uint16(40))
	f.Fuzz(func(t *testing.T, data []byte, cut uint16) {
		whole, wholeErr := parseChunks(data)
		at := 0
		if len(data) > 0 {
			at = int(cut) % (len(data) + 1)
		}
		split, splitErr := parseChunks(data, at)
		if fmt.Sprint(wholeErr) != fmt.Sprint(splitErr) {
			t.Fatalf("cut at %d: error %v, in one piece %v", at, splitErr, wholeErr)
		}
		if fmt.Sprint(aggregatesOf(whole)) != fmt.Sprint(aggregatesOf(split)) || whole.Rows != split.Rows ||
			!reflect.DeepEqual(whole.Bad, split.Bad) {
			t.Fatalf("cut at %d: rows %v, bad %v; in one piece rows %v, bad %v",
				at, aggregatesOf(split), split.Bad, aggregatesOf(whole), whole.Bad)
		}
		for _, a := range aggregatesOf(whole) {
			if !a.Final || a.Requests < 0 || a.Failures < 0 {
				t.Fatalf("row %+v", a)
			}
		}
		_, _ = ParseSummary(data)
	})
}
