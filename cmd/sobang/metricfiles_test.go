package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetricFilesReport: saved Prometheus metrics (an API answer, a dump
// with timestamps, a /metrics page without them) are found by content and
// read as metrics, not as logs; a saved error answer fails naming the file.
func TestMetricFilesReport(t *testing.T) {
	corpus := filepath.Join(corpusDir(t), "metrics")
	page := filepath.Join(t.TempDir(), "saved.txt")
	data, err := os.ReadFile(filepath.Join(corpus, "micrometer_hikaricp_simpleclient-format.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path    string
		format  string
		series  int
		warning string
	}{
		{filepath.Join(corpus, "promapi", "query_range_rate.json"), "Prometheus API answer", 4, ""},
		{filepath.Join(corpus, "promapi", "run2_query_range_classic_buckets_raw.json"), "Prometheus API answer", 1, ""},
		{filepath.Join("..", "..", "sources", "metrics", "promfile", "testdata", "dump.om.txt"), "Prometheus exposition text", 3, ""},
		{page, "Prometheus exposition text", 13, "sample lines carry no timestamp"},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			out, errs, code := runBin(t, "report", "--format", "json", c.path)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var doc struct {
				Sources []struct {
					Kind     string   `json:"kind"`
					Format   string   `json:"format"`
					Warnings []string `json:"warnings"`
				} `json:"sources"`
				Metrics []metricEntry `json:"metrics"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if len(doc.Sources) != 1 || doc.Sources[0].Kind != "metrics-file" || doc.Sources[0].Format != c.format {
				t.Fatalf("sources %+v, want one metrics-file in %s", doc.Sources, c.format)
			}
			if n := seriesIn(doc.Metrics); n != c.series {
				t.Errorf("%d series, want %d", n, c.series)
			}
			warned := strings.Join(doc.Sources[0].Warnings, "\n")
			if (c.warning == "") != (warned == "") || !strings.Contains(warned, c.warning) {
				t.Errorf("warnings %q, want %q", warned, c.warning)
			}
		})
	}
	t.Run("error answer", func(t *testing.T) {
		path := filepath.Join(corpus, "promapi", "error_bad_data_parse.json")
		_, errs, code := runBin(t, "report", path)
		if code == 0 || !strings.Contains(errs, path+": the saved answer is an error Prometheus gave: bad_data") {
			t.Fatalf("exit %d: %s", code, errs)
		}
	})
}
