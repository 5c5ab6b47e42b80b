package k6

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// addSeeds seeds f with the fixtures in testdata matching pattern and the
// first few KB of the corpus files (when the corpus is present; fuzzing
// without it still has the fixtures).
func addSeeds(f *testing.F, pattern string, corpus ...string) {
	files, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, c := range corpus {
		files = append(files, filepath.Join(corpusRoot, "k6", c))
	}
	for i, path := range files {
		data, err := readStart(path, 4096)
		if err != nil {
			continue // corpus absent
		}
		f.Add(data, uint16(i*37))
	}
}

// readStart returns the first n bytes of a file, inflated when gzip'd.
func readStart(path string, n int) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var r io.Reader = fh
	if filepath.Ext(path) == ".gz" {
		zr, err := gzip.NewReader(fh)
		if err != nil {
			return nil, err
		}
		r = zr
	}
	buf := make([]byte, n)
	m, err := io.ReadFull(r, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return buf[:m], err
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
	if !reflect.DeepEqual(whole.samples, split.samples) || whole.badRows != split.badRows ||
		!reflect.DeepEqual(whole.bad, split.bad) {
		t.Fatalf("cut at %d: %d samples, bad %v; in one piece %d samples, bad %v",
			at, len(split.samples), split.bad, len(whole.samples), whole.bad)
	}
	if whole.rows != len(whole.samples) {
		t.Fatalf("Rows %d for %d samples", whole.rows, len(whole.samples))
	}
	for _, s := range whole.samples {
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
	f.Fuzz(fuzzChunking)
}

// FuzzCSV is FuzzJSON for the CSV parser.
func FuzzCSV(f *testing.F) {
	addSeeds(f, "*.csv", "csv/taurus_k6_out_csv.csv")
	f.Add([]byte("metric_name,timestamp,metric_value,name,error\nhttp_reqs,1,1,\"a\n\"\"b\",\"x,y\"\n"), uint16(60))
	f.Add([]byte("metric_name,timestamp,metric_value\nhttp_req_duration,2024-03-01T10:00:00Z,-1\n"), uint16(9))
	f.Fuzz(fuzzChunking)
}
