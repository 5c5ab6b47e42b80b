package k6

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// ms returns the Unix milliseconds of a UTC time, floored.
func ms(year int, month time.Month, day, hour, minute, sec, nsec int) int64 {
	return time.Date(year, month, day, hour, minute, sec, nsec, time.UTC).UnixMilli()
}

func TestJSONRequests(t *testing.T) {
	r, err := parseChunks(readTestdata(t, "requests.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	if r.BadRows != 0 {
		t.Fatalf("bad lines: %v", badStrings(r))
	}
	want := []sources.Sample{
		// Ends 15:30:01.123456789+05:30 = 10:00:01.123456789Z, took 12.5 ms.
		// No response callback: no expected_response, no http_req_failed; the
		// request ends with http_req_receiving. Key order type,data,metric.
		{StartMS: ms(2024, 3, 1, 10, 0, 1, 110956789), ElapsedMS: 13, LatencyMS: 10, ConnectMS: 0,
			Label: "pay", Code: "201", Thread: "2", Success: true, GrpThreads: -1, AllThreads: 3,
			URL: "https://shop.example/pay?id=1"},
		// group_duration: a transaction named by its path without "::".
		{StartMS: ms(2024, 3, 1, 10, 0, 0, 949600000), ElapsedMS: 250, LatencyMS: -1, ConnectMS: -1,
			Label: "checkout::pay step", Thread: "2", Success: true, Transaction: true, GrpThreads: -1, AllThreads: 3},
		// http_req_failed 1; the name unescaped; 99.5 rounds to 100.
		{StartMS: ms(2024, 3, 1, 10, 0, 1, 900000000), ElapsedMS: 100, LatencyMS: 100, ConnectMS: 0,
			Label: `café "menu" <1>`, Code: "503", GrpThreads: -1, AllThreads: 3, URL: "https://shop.example/menu"},
		// No response: status 0 and the error; no name, so the URL labels it;
		// the vus gauge before it said 5.
		{StartMS: ms(2024, 3, 1, 10, 0, 3, 500000000), ElapsedMS: 0, LatencyMS: 0, ConnectMS: 0,
			Label: "https://down.example/", Code: "0", Message: "dial tcp 10.0.0.9:443: connect: connection refused",
			GrpThreads: -1, AllThreads: 5, URL: "https://down.example/"},
		// Two requests with the same time and tags stay two.
		{StartMS: ms(2024, 3, 1, 10, 0, 3, 992750000), ElapsedMS: 7, LatencyMS: 6, ConnectMS: 0,
			Label: "same", Code: "200", Success: true, GrpThreads: -1, AllThreads: 5, URL: "https://shop.example/same"},
		{StartMS: ms(2024, 3, 1, 10, 0, 3, 991250000), ElapsedMS: 9, LatencyMS: 8, ConnectMS: 0,
			Label: "same", Code: "200", Success: true, GrpThreads: -1, AllThreads: 5, URL: "https://shop.example/same"},
		// gRPC: one point; status 0 is OK. Ends 10:00:05-01:00.
		{StartMS: ms(2024, 3, 1, 11, 0, 4, 996700000), ElapsedMS: 3, LatencyMS: -1, ConnectMS: -1,
			Label: "hello.Greeter/SayHello", Code: "0", Success: true, GrpThreads: -1, AllThreads: 5,
			URL: "grpc://127.0.0.1:9000/hello.Greeter/SayHello"},
	}
	if len(r.Samples) != len(want) {
		t.Fatalf("%d samples, want %d: %+v", len(r.Samples), len(want), r.Samples)
	}
	for i := range want {
		if r.Samples[i] != want[i] {
			t.Errorf("sample %d\n got %+v\nwant %+v", i, r.Samples[i], want[i])
		}
	}
	if !reflect.DeepEqual(r.Warnings, []string{"k6 checks: 2 run, 1 failed (checks are not samples; a failed check does not fail its request)"}) {
		t.Errorf("warnings %q", r.Warnings)
	}
}

func TestJSONBadLines(t *testing.T) {
	r, err := parseChunks(readTestdata(t, "bad_lines.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	wantBad := []string{
		`line 3: expected a JSON object, found "this is not JSON"`,
		`line 4: time: expected RFC 3339 like 2025-10-15T00:33:08.80655-03:00, found "yesterday"`,
		`line 5: http_req_duration: value: expected a number, found "\"fast\""`,
		`line 6: expected "type":"Point" or "type":"Metric", found "Sample"`,
		`line 7: time: expected RFC 3339 like 2025-10-15T00:33:08.80655-03:00, found "2024-02-30T10:00:00Z"`,
	}
	if got := badStrings(r); !reflect.DeepEqual(got, wantBad) {
		t.Errorf("bad lines\n got %q\nwant %q", got, wantBad)
	}
	// Lines 8 (a negative duration), 9 (text after the object) and 12 (not
	// closed: the last line, without a newline) are counted too.
	if r.BadRows != 8 {
		t.Errorf("%d bad lines, want 8", r.BadRows)
	}
	if got := labels(r.Samples); !reflect.DeepEqual(got, []string{"ok", "last"}) {
		t.Fatalf("samples %q, want ok and last", got)
	}
	if s := r.Samples[0]; s.ElapsedMS != 5 || s.StartMS != ms(2024, 3, 1, 9, 59, 59, 995000000) {
		t.Errorf("first sample %+v", s)
	}
	for _, want := range []string{
		"requests without an http_req_duration point (shown with 0 ms): 1",                 // last
		"requests with neither an http_reqs nor an http_req_duration point (not shown): 1", // negative
	} {
		if !strings.Contains(strings.Join(r.Warnings, "\n"), want) {
			t.Errorf("warnings %q, want %q", r.Warnings, want)
		}
	}
}

func labels(s []sources.Sample) []string {
	var out []string
	for _, x := range s {
		out = append(out, x.Label)
	}
	return out
}

// TestJSONNoExpectedResponseTag reads requests whose http_req_failed comes
// without the expected_response tag (systemTags turned it off): the first
// request ends at http_req_receiving, since nothing announces the failed
// point; from then on the file is known to have them and each request waits
// for its own, so a 200 marked failed by a response callback is a failure.
func TestJSONNoExpectedResponseTag(t *testing.T) {
	request := func(sec int, status string, failed int) string {
		var b strings.Builder
		for _, m := range []string{"http_reqs", "http_req_duration", "http_req_waiting", "http_req_receiving", "http_req_failed"} {
			v := 1
			if m == "http_req_failed" {
				v = failed
			}
			fmt.Fprintf(&b, `{"metric":"%s","type":"Point","data":{"time":"2024-03-01T10:00:%02dZ","value":%d,"tags":{"name":"r%d","status":"%s"}}}`+"\n",
				m, sec, v, sec, status)
		}
		return b.String()
	}
	r, err := parseChunks([]byte(request(1, "200", 0) + request(2, "200", 1) + request(3, "500", 0)))
	if err != nil || r.BadRows != 0 {
		t.Fatalf("err %v, bad %v", err, badStrings(r))
	}
	var got []string
	for _, s := range r.Samples {
		got = append(got, fmt.Sprintf("%s %s %v", s.Label, s.Code, s.Success))
	}
	if want := []string{"r1 200 true", "r2 200 false", "r3 500 true"}; !reflect.DeepEqual(got, want) {
		t.Errorf("samples %q, want %q", got, want)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings %q: the trailing failed point of r1 is not a partial request", r.Warnings)
	}
}

// TestTruncatedGzip reads half a gzip'd JSON file (a copy cut short): what
// came before the cut is kept, and a warning says so.
func TestTruncatedGzip(t *testing.T) {
	data, requests := generateJSON(1 << 20)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	r := readFile(t, writeFile(t, "cut.json.gz", gz.Bytes()[:gz.Len()/2]))
	if r.Err != nil {
		t.Fatalf("Run: %v", r.Err)
	}
	if len(r.Samples) < requests/4 || len(r.Samples) >= requests {
		t.Fatalf("%d samples from half a gzip of %d requests", len(r.Samples), requests)
	}
	want := fmt.Sprintf("gzip data is truncated: kept the %d samples read before the cut", len(r.Samples))
	if !strings.Contains(strings.Join(r.Warnings, "\n"), want) {
		t.Errorf("warnings %q, want %q", r.Warnings, want)
	}
	if r.BadRows > 1 {
		t.Errorf("%d bad lines, want at most the line cut in half: %v", r.BadRows, badStrings(r))
	}
}
