package k6

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
)

// TestCSVMetadata reads the v0.41+ layout (a metadata column) with
// time_format=unix_milli, a repeated header and a record whose quoted
// fields hold commas, doubled quotes and a newline.
func TestCSVMetadata(t *testing.T) {
	r, err := parseChunks(readTestdata(t, "metadata_milli.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if r.BadRows != 0 {
		t.Fatalf("bad rows: %v", badStrings(r))
	}
	want := []sources.Sample{
		// Ends at 1709287201123 ms, took 20.4 ms; 19.5 rounds to 20.
		{StartMS: 1709287201102, ElapsedMS: 20, LatencyMS: 20, ConnectMS: 4, Label: "login", Code: "200",
			Thread: "1", Success: true, GrpThreads: -1, AllThreads: 2, URL: "https://app.example/login"},
		{StartMS: 1709287201120, ElapsedMS: 80, LatencyMS: -1, ConnectMS: -1, Label: "login", Thread: "1",
			Success: true, Transaction: true, GrpThreads: -1, AllThreads: 2},
		{StartMS: 1709287202000, ElapsedMS: 0, LatencyMS: -1, ConnectMS: -1, Label: "search?q=a,b", Code: "0",
			Message: `read tcp 10.0.0.1:5000->10.0.0.2:80: read: connection reset by peer, "retry"`,
			Thread:  "2", GrpThreads: -1, AllThreads: 2, URL: "https://app.example/search?q=a,b"},
	}
	if !reflect.DeepEqual(r.Samples, want) {
		t.Errorf("samples\n got %+v\nwant %+v", r.Samples, want)
	}
	if !reflect.DeepEqual(r.Warnings, []string{"k6 checks: 1 run, 1 failed (checks are not samples; a failed check does not fail its request)"}) {
		t.Errorf("warnings %q (millisecond times must not warn about whole seconds)", r.Warnings)
	}
}

// TestCSVTimeFormats checks every time_format k6 writes: the unit of an
// integer comes from its digits, anything else is RFC 3339.
func TestCSVTimeFormats(t *testing.T) {
	end := ms(2024, 3, 1, 10, 0, 1, 123456789) // the request's end
	tests := []struct {
		format, stamp string
		start         int64 // end minus the 2.5 ms duration, floored
		whole         bool
	}{
		{"unix", "1709287201", ms(2024, 3, 1, 10, 0, 0, 997500000), true},
		{"unix_milli", "1709287201123", end - 3, false},
		{"unix_micro", "1709287201123456", ms(2024, 3, 1, 10, 0, 1, 120956000), false},
		{"unix_nano", "1709287201123456789", ms(2024, 3, 1, 10, 0, 1, 120956789), false},
		{"rfc3339", "2024-03-01T11:00:01+01:00", ms(2024, 3, 1, 10, 0, 0, 997500000), true},
		{"rfc3339_nano", "2024-03-01T10:00:01.123456789Z", ms(2024, 3, 1, 10, 0, 1, 120956789), false},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			data := "metric_name,timestamp,metric_value,name,status,extra_tags\n" +
				"http_reqs," + tc.stamp + ",1.000000,a,200,\n" +
				"http_req_duration," + tc.stamp + ",2.500000,a,200,\n"
			r, err := parseChunks([]byte(data))
			if err != nil || r.BadRows != 0 || len(r.Samples) != 1 {
				t.Fatalf("err %v, bad %v, %d samples", err, badStrings(r), len(r.Samples))
			}
			if s := r.Samples[0]; s.StartMS != tc.start || s.ElapsedMS != 3 {
				t.Errorf("start %d elapsed %d, want %d and 3", s.StartMS, s.ElapsedMS, tc.start)
			}
			warned := strings.Contains(strings.Join(r.Warnings, "\n"), wholeSecondsWarning)
			if warned != tc.whole {
				t.Errorf("whole-seconds warning %v, want %v: %q", warned, tc.whole, r.Warnings)
			}
		})
	}
}

func TestCSVBadRows(t *testing.T) {
	data := "metric_name,timestamp,metric_value,name,status,extra_tags\n" +
		"http_reqs,1709287201,1.000000,a,200,\n" +
		"http_req_duration,1709287201,abc,a,200,\n" +
		"http_reqs,noon,1.000000,b,200,\n" +
		"http_reqs,1709287202\n" +
		"http_reqs,1709287203,1.000000,\"c\"x,200,\n" +
		"checks,1709287203,1.000000,,,\n" +
		"http_reqs,1709287204,1.000000,\"never closed,200,\n" +
		"http_reqs,1709287205,1.000000,d,200,\n"
	r, err := parseChunks([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`line 3: http_req_duration: metric_value: expected a number, found "abc"`,
		`line 4: timestamp: expected Unix seconds, milli-, micro- or nanoseconds, or RFC 3339, found "noon"`,
		`line 5: expected 6 comma-separated fields, found 2`,
		`line 6: expected a quoted field to end before a comma or the end of the record, found "http_reqs,1709287203,1.000000,\"c\"x,200,"`,
		`line 8: quoted field not closed before the end of the input`,
	}
	if got := badStrings(r); !reflect.DeepEqual(got, want) {
		t.Errorf("bad rows\n got %q\nwant %q", got, want)
	}
	// The open quote on line 8 swallows line 9, as a CSV reader must.
	if got := labels(r.Samples); !reflect.DeepEqual(got, []string{"a"}) {
		t.Errorf("samples %q, want a", got)
	}
}

// TestCSVAtOrBeforeTheEpoch: a point stamped at or before the epoch, or a
// sample whose duration would start it there, is a bad row: on the time
// axis it would vanish from every statistic.
func TestCSVAtOrBeforeTheEpoch(t *testing.T) {
	data := "metric_name,timestamp,metric_value,name,status,group\n" +
		"http_reqs,0,1.000000,a,200,\n" +
		"http_reqs,1969-12-31T23:59:59Z,1.000000,a,200,\n" +
		"group_duration,1970-01-01T00:00:00.5Z,600,,,::g\n" +
		"http_reqs,1970-01-01T00:00:00.1Z,1.000000,b,200,\n" +
		"http_req_duration,1970-01-01T00:00:00.1Z,250,b,200,\n" +
		"http_reqs,1709287205,1.000000,c,200,\n"
	r, err := parseChunks([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`line 2: timestamp: expected a time after the epoch (1970-01-01T00:00:00Z), found "0"`,
		`line 3: timestamp: expected a time after the epoch (1970-01-01T00:00:00Z), found "1969-12-31T23:59:59Z"`,
		`line 4: group_duration: the sample would start at or before the epoch: it ends 500 ms after it and took 600 ms`,
		`line 5: http_req_duration: the sample would start at or before the epoch: it ends 100 ms after it and took 250 ms`,
	}
	if got := badStrings(r); !reflect.DeepEqual(got, want) || r.BadRows != len(want) {
		t.Errorf("%d bad rows\n got %q\nwant %q", r.BadRows, got, want)
	}
	if got := labels(r.Samples); !reflect.DeepEqual(got, []string{"c"}) {
		t.Errorf("samples %q, want c", got)
	}
}

func TestCSVNewHeader(t *testing.T) {
	data := "metric_name,timestamp,metric_value,name,extra_tags\n" +
		"http_reqs,1709287201,1.000000,a,\n" +
		"metric_name,timestamp,metric_value,extra_tags,metadata,name\n" +
		"http_reqs,1709287202123,1.000000,,vu=7&iter=1,b\n"
	r, err := parseChunks([]byte(data))
	if err != nil || r.BadRows != 0 {
		t.Fatalf("err %v, bad %v", err, badStrings(r))
	}
	if got := labels(r.Samples); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatalf("samples %q", got)
	}
	if s := r.Samples[1]; s.Thread != "7" || s.StartMS != 1709287202123 {
		t.Errorf("sample after the new header = %+v", s)
	}
	if !strings.Contains(strings.Join(r.Warnings, "\n"), "line 3: a new header changes the columns") {
		t.Errorf("warnings %q", r.Warnings)
	}
}

// TestCSVAgainstJSON reads the same generated run as JSON and as CSV: the
// samples must agree but for the times (the JSON has its own clock).
func TestCSVAgainstJSON(t *testing.T) {
	js, n := generateJSON(64 << 10)
	cs, m := generateCSV(64 << 10)
	rj, err := parseChunks(js)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := parseChunks(cs)
	if err != nil {
		t.Fatal(err)
	}
	if len(rj.Samples) != n || len(rc.Samples) != m || rj.BadRows+rc.BadRows != 0 {
		t.Fatalf("JSON %d samples (want %d), CSV %d (want %d), bad %v %v", len(rj.Samples), n, len(rc.Samples), m, badStrings(rj), badStrings(rc))
	}
	for i := range min(n, m) {
		a, b := rj.Samples[i], rc.Samples[i]
		a.StartMS, b.StartMS, b.Thread = 0, 0, ""
		if a != b {
			t.Fatalf("sample %d: JSON %+v, CSV %+v", i, a, b)
		}
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head   string
		format string
	}{
		{`{"type":"Metric","data":{"name":"vus"},"metric":"vus"}`, FormatJSON},
		{`{"metric":"vus","type":"Point","data":{}}`, FormatJSON},
		{"\uFEFF  {\"type\": \"Point\", \"data\":{}, \"metric\":\"vus\"}", FormatJSON},
		{`{"metric":"vus","type":"Poi`, FormatJSON}, // cut by the sniff size
		{"metric_name,timestamp,metric_value,check,error\n", FormatCSV},
		{"{\n  \"metrics\": {\n    \"http_reqs\": {\"count\": 3}\n", FormatSummary},
		{"{\"root_group\": {}, \"metrics\": {}}", FormatSummary},
		{"{\"metrics\": {}}", ""}, // no k6 metric named: some other JSON
		// handleSummary's data whose root group fills the sniffed head.
		{"{\n  \"root_group\": {\"name\": \"\", \"groups\": [], \"checks\": [{\"name\": \"status is 200\"", FormatSummary},
		{"{\"root_group\": {\"name\": \"x\"", ""}, // too little to tell
		{`{"type":"Sample"}`, ""},
		{`{"level":"info","msg":"x"}`, ""},
		{"timeStamp,elapsed,label\n", ""},
		{"metric_name,timestamp\n", ""},
		{"", ""},
		{"\x00\x01\x02", ""},
	}
	for _, tc := range tests {
		format, ok := Sniff([]byte(tc.head))
		if format != tc.format || ok != (tc.format != "") {
			t.Errorf("Sniff(%q) = %q, %v; want %q", tc.head, format, ok, tc.format)
		}
	}
}

func TestNotK6(t *testing.T) {
	for name, data := range map[string]string{
		"text":      "hello world\nsecond line\n",
		"JTL":       "timeStamp,elapsed,label\n1,2,a\n",
		"JSON log":  `{"level":"info","msg":"started"}` + "\n",
		"binary":    "\x00\x01\x02\x03garbage",
		"bad start": `{"type":"Sample","data":{}}` + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, "x.json", []byte(data))
			r := readFile(t, path)
			if r.Err == nil || !strings.HasPrefix(r.Err.Error(), path+": not k6 output: ") {
				t.Fatalf("error %v, want one naming %s and saying it is not k6 output", r.Err, path)
			}
			if last := r.Health[len(r.Health)-1]; last.State != sources.StateFailed {
				t.Errorf("last health %+v, want failed", last)
			}
		})
	}
}

func TestEmptyFile(t *testing.T) {
	for _, data := range []string{"", "\n\n  \n"} {
		r := readFile(t, writeFile(t, "empty.json", []byte(data)))
		if r.Err != nil || len(r.Samples) != 0 || r.BadRows != 0 || r.CaughtUp != 1 {
			t.Errorf("%q: err %v, %d samples, %d bad, %d caught-up", data, r.Err, len(r.Samples), r.BadRows, r.CaughtUp)
		}
	}
}

func TestMissingFile(t *testing.T) {
	path := writeFile(t, "x", nil) + ".absent"
	r := readFile(t, path)
	if r.Err == nil || !strings.Contains(r.Err.Error(), path) {
		t.Fatalf("error %v, want one naming %s", r.Err, path)
	}
}

// TestChunkBoundaries cuts the fixtures in three at many places (every byte
// of the small ones): the samples and bad lines must not depend on where
// reads end. Each parse allocates a full batch, so the bigger fixture is cut
// at a stride to keep the test short; FuzzJSON and FuzzCSV cut anywhere.
func TestChunkBoundaries(t *testing.T) {
	for _, name := range []string{"requests.ndjson", "bad_lines.ndjson", "metadata_milli.csv"} {
		data := readTestdata(t, name)
		whole, err := parseChunks(data)
		if err != nil {
			t.Fatal(err)
		}
		stride := max(1, len(data)/800)
		for cut := 1; cut < len(data); cut += stride {
			got, err := parseChunks(data, cut, min(cut+97, len(data)))
			if err != nil {
				t.Fatalf("%s cut at %d: %v", name, cut, err)
			}
			if !reflect.DeepEqual(got.Samples, whole.Samples) || !reflect.DeepEqual(got.Bad, whole.Bad) || got.BadRows != whole.BadRows {
				t.Fatalf("%s cut at %d: %d samples, bad %v; whole: %d samples, bad %v", name, cut,
					len(got.Samples), badStrings(got), len(whole.Samples), badStrings(whole))
			}
		}
	}
}

func TestCRLFAndBOM(t *testing.T) {
	data := "\uFEFF" + strings.ReplaceAll(string(readTestdata(t, "requests.ndjson")), "\n", "\r\n")
	r, err := parseChunks([]byte(data))
	want, _ := parseChunks(readTestdata(t, "requests.ndjson"))
	if err != nil || r.BadRows != 0 || !reflect.DeepEqual(r.Samples, want.Samples) {
		t.Fatalf("CRLF and BOM: err %v, bad %v, %d samples (want %d)", err, badStrings(r), len(r.Samples), len(want.Samples))
	}
}

func TestLongLine(t *testing.T) {
	long := `{"metric":"http_reqs","type":"Point","data":{"time":"2024-03-01T10:00:00Z","value":1,"tags":{"name":"` +
		strings.Repeat("x", 2<<20) + `"}}}`
	r, err := parseChunks([]byte(`{"type":"Metric","data":{},"metric":"x"}` + "\n" + long + "\n" +
		`{"metric":"http_reqs","type":"Point","data":{"time":"2024-03-01T10:00:00Z","value":1,"tags":{"name":"after"}}}` + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := badStrings(r); !reflect.DeepEqual(got, []string{fmt.Sprintf("line 2: line longer than %d bytes", 1<<20)}) {
		t.Errorf("bad %q", got)
	}
	if got := labels(r.Samples); !reflect.DeepEqual(got, []string{"after"}) {
		t.Errorf("samples %q", got)
	}
}
