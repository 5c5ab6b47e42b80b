package k6

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
)

// The expected counts below were obtained once, independently of this
// package, with Python 3 (json.loads per line for JSON, csv.DictReader for
// CSV): samples = Points/rows of metric http_reqs (the files have no
// group_duration or grpc_req_duration); failed = http_req_failed values
// other than 0; labels = tag name, or url when name is empty, counted over
// the http_reqs points; checks = Points of metric checks.
var corpusFiles = []struct {
	file    string
	format  string
	samples int
	failed  int
	labels  map[string]int
	warning string // a warning the read must give
	check   func(t *testing.T, r result)
}{
	{file: "json/desafio-votacao_k6-out-json.ndjson.gz", format: FormatJSON, samples: 771, failed: 154,
		labels: map[string]int{"submit_vote": 308, "create_agenda": 154, "open_voting_session": 154, "get_results": 154,
			"http://localhost:8080/actuator/health": 1},
		warning: "k6 checks: 2465 run, 0 failed",
		check: func(t *testing.T, r result) {
			// The first request: time 2025-10-15T00:33:08.80655-03:00 (its end),
			// duration 221.561, waiting 220.91, connecting 13.344. Start =
			// 1760499188806550000 ns - 221561000 ns = ...188584989000 ns.
			want := sources.Sample{StartMS: 1760499188584, ElapsedMS: 222, LatencyMS: 221, ConnectMS: 13,
				Label: "http://localhost:8080/actuator/health", Code: "200", Success: true,
				GrpThreads: -1, AllThreads: -1, URL: "http://localhost:8080/actuator/health"}
			if got := r.Samples[0]; got != want {
				t.Errorf("first sample\n got %+v\nwant %+v", got, want)
			}
			// vus gauges come every second: later samples carry the count.
			if last := r.Samples[len(r.Samples)-1]; last.AllThreads < 1 {
				t.Errorf("last sample AllThreads %d, want the vus gauge", last.AllThreads)
			}
			codes := map[string]int{}
			for _, s := range r.Samples {
				codes[s.Code]++
				if s.Code == "400" && s.Success {
					t.Errorf("a 400 counted as success: %+v", s)
				}
			}
			if codes["201"] != 462 || codes["200"] != 155 || codes["400"] != 154 {
				t.Errorf("codes %v, want 201:462 200:155 400:154", codes)
			}
		}},
	// The first 5000 lines of the file above: it ends inside a request
	// (after http_req_connecting), which still counts, without a latency.
	{file: "json/desafio-votacao_k6-out-json.head5000.ndjson", format: FormatJSON, samples: 318, failed: 63,
		labels: map[string]int{"submit_vote": 126, "create_agenda": 64, "open_voting_session": 64, "get_results": 63,
			"http://localhost:8080/actuator/health": 1},
		warning: "k6 checks: 1012 run, 0 failed",
		check: func(t *testing.T, r result) {
			last := r.Samples[len(r.Samples)-1]
			if last.LatencyMS != -1 || last.ElapsedMS != 6 || last.ConnectMS != 0 || !last.Success {
				t.Errorf("request cut by the end of the file = %+v, want latency -1, elapsed 6, connect 0", last)
			}
		}},
	{file: "csv/taurus_k6_out_csv.csv", format: FormatCSV, samples: 4, failed: 2,
		labels:  map[string]int{"https://blazedemo.com/": 2, "https://non-blazedemo.com/": 2},
		warning: wholeSecondsWarning,
		check: func(t *testing.T, r result) {
			// End 1633706790 s, duration 245.591442 ms: the start is
			// 1633706789754.408558 ms, floored.
			want := sources.Sample{StartMS: 1633706789754, ElapsedMS: 246, LatencyMS: 242, ConnectMS: 2,
				Label: "https://blazedemo.com/", Code: "200", Success: true,
				GrpThreads: -1, AllThreads: -1, URL: "https://blazedemo.com/"}
			if got := r.Samples[0]; got != want {
				t.Errorf("first sample\n got %+v\nwant %+v", got, want)
			}
			if s := r.Samples[1]; s.AllThreads != 1 {
				t.Errorf("second sample AllThreads %d, want 1 (the vus row before it)", s.AllThreads)
			}
			s := r.Samples[2]
			if s.Code != "0" || s.Success || s.Message != "lookup: no such host" || s.ElapsedMS != 0 || s.StartMS != 1633706832000 {
				t.Errorf("request without a response = %+v", s)
			}
		}},
}

func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	listed := map[string]bool{}
	for _, tc := range corpusFiles {
		listed[tc.file] = true
		t.Run(tc.file, func(t *testing.T) {
			r := readFile(t, filepath.Join(dir, tc.file))
			if r.Err != nil {
				t.Fatalf("Run: %v", r.Err)
			}
			if len(r.Samples) != tc.samples || r.Rows != tc.samples {
				t.Fatalf("%d samples (Rows %d), want %d", len(r.Samples), r.Rows, tc.samples)
			}
			if r.BadRows != 0 {
				t.Errorf("%d bad lines: %v", r.BadRows, badStrings(r))
			}
			failed := 0
			labels := map[string]int{}
			for _, s := range r.Samples {
				if !s.Success {
					failed++
				}
				labels[s.Label]++
				if s.StartMS < 1e12 || s.Transaction || s.SubResult {
					t.Fatalf("odd sample %+v", s)
				}
			}
			if failed != tc.failed {
				t.Errorf("%d failed samples, want %d", failed, tc.failed)
			}
			if !equalCounts(labels, tc.labels) {
				t.Errorf("labels %v, want %v", labels, tc.labels)
			}
			if !strings.Contains(strings.Join(r.Warnings, "\n"), tc.warning) {
				t.Errorf("warnings %q, want one with %q", r.Warnings, tc.warning)
			}
			checkBatches(t, r, tc.format)
			tc.check(t, r)
		})
	}
	// Every sample file of the corpus must be in the table.
	for _, sub := range []string{"json", "csv"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if name := sub + "/" + e.Name(); !listed[name] {
				t.Errorf("corpus file %s is not in the table", name)
			}
		}
	}
}

// TestSniffCorpus checks Sniff on the start of every k6 file, and that it
// claims none of the other tools' files.
func TestSniffCorpus(t *testing.T) {
	dir := corpusDir(t)
	for _, tc := range corpusFiles {
		head := readHead(t, filepath.Join(dir, tc.file))
		if format, ok := Sniff(head); !ok || format != tc.format {
			t.Errorf("%s: Sniff = %q, %v; want %q", tc.file, format, ok, tc.format)
		}
	}
	others := 0
	err := filepath.WalkDir(filepath.Dir(dir), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(path, string(filepath.Separator)+"k6"+string(filepath.Separator)) {
			return err
		}
		others++
		if format, ok := Sniff(readHead(t, path)); ok {
			t.Errorf("%s: Sniff claims it as %q", path, format)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if others < 50 {
		t.Errorf("only %d other files in the corpus", others)
	}
}

func readHead(t *testing.T, path string) []byte {
	t.Helper()
	head, err := tailHead(path)
	if err != nil {
		t.Fatal(err)
	}
	return head
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// checkBatches checks the batch protocol of a complete non-follow read.
func checkBatches(t *testing.T, r result, format string) {
	t.Helper()
	if r.CaughtUp != 1 {
		t.Errorf("%d CaughtUp batches, want 1", r.CaughtUp)
	}
	formats := map[string]bool{}
	for _, b := range r.Batches {
		if len(b.Samples) > sources.BatchRecords {
			t.Errorf("batch of %d samples, more than %d", len(b.Samples), sources.BatchRecords)
		}
		if b.Rows != len(b.Samples) {
			t.Errorf("batch Rows %d with %d samples", b.Rows, len(b.Samples))
		}
	}
	for _, h := range r.Health {
		formats[h.Format] = true
	}
	if n := len(r.Health); n == 0 || r.Health[n-1].State != sources.StateDone {
		t.Errorf("health %+v, want done last", r.Health)
	}
	if !formats[format] {
		t.Errorf("no health says format %q (saw %v)", format, formats)
	}
}
