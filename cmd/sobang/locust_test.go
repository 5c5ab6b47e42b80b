package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLocustReportIsLocustsOwnFigures reads a Locust set by each of its
// files, by its prefix and by --locust, and checks that the report's labels
// and totals are _stats.csv's figures as written.
func TestLocustReportIsLocustsOwnFigures(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "loadtest", "locust")
	prefix := filepath.Join(dir, "bitcoin-api_results")
	f, err := os.Open(prefix + "_stats.csv")
	if err != nil {
		t.Fatalf("corpus file missing: %v", err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	num := func(r []string, name string) float64 {
		v, err := strconv.ParseFloat(r[col[name]], 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	args := [][]string{
		{prefix + "_stats.csv"}, {prefix + "_stats_history.csv"}, {prefix + "_failures.csv"}, {prefix + "_exceptions.csv"},
		{prefix}, {"--locust", prefix}, {"--locust", prefix + "_stats.csv"},
		{prefix + "_stats.csv", prefix + "_stats_history.csv"}, // one set, read once
	}
	for _, a := range args {
		t.Run(filepath.Base(strings.Join(a, " ")), func(t *testing.T) {
			out, errs, code := runBin(t, append(append([]string{"report"}, a...), "--format", "json")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var doc struct {
				Sources []struct {
					Kind string `json:"kind"`
					Rows int    `json:"rows"`
				} `json:"sources"`
				LoadTest struct {
					Samples       int64            `json:"samples"`
					Errors        int64            `json:"errors"`
					MeanMS        float64          `json:"mean_ms"`
					P95MS         float64          `json:"p95_ms"`
					ThroughputRPS float64          `json:"throughput_rps"`
					Labels        []map[string]any `json:"labels"`
					Timeline      []map[string]any `json:"timeline"`
					ErrorsByKey   []map[string]any `json:"errors_by_key"`
					Note          string           `json:"note"`
				} `json:"loadtest"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Sources) != 1 || doc.Sources[0].Kind != "locust" || doc.Sources[0].Rows != 56+9+7 {
				t.Fatalf("sources %+v, want one locust source of 72 rows", doc.Sources)
			}
			lt := doc.LoadTest
			if !strings.Contains(lt.Note, "Locust's own aggregates") {
				t.Errorf("note %q", lt.Note)
			}
			data := rows[1:]
			total := data[len(data)-1]
			if total[col["Name"]] != "Aggregated" || lt.Samples != int64(num(total, "Request Count")) || lt.Errors != int64(num(total, "Failure Count")) ||
				lt.MeanMS != num(total, "Average Response Time") || lt.P95MS != num(total, "95%") || lt.ThroughputRPS != num(total, "Requests/s") {
				t.Errorf("totals %+v, want the Aggregated row %v", lt, total)
			}
			if len(lt.Labels) != len(data)-1 {
				t.Fatalf("%d labels, want %d", len(lt.Labels), len(data)-1)
			}
			for i, r := range data[:len(data)-1] {
				l := lt.Labels[i]
				for key, name := range map[string]string{"samples": "Request Count", "errors": "Failure Count", "mean_ms": "Average Response Time",
					"min_ms": "Min Response Time", "max_ms": "Max Response Time", "p50_ms": "50%", "p90_ms": "90%", "p95_ms": "95%",
					"p99_ms": "99%", "throughput_rps": "Requests/s"} {
					if l[key].(float64) != num(r, name) {
						t.Errorf("%s %s = %v, want %v", r[col["Name"]], key, l[key], r[col[name]])
					}
				}
				if l["label"] != r[col["Name"]] {
					t.Errorf("label %v, want %s", l["label"], r[col["Name"]])
				}
			}
			// The timeline adds up to the history's last cumulative count
			// (2050 of the 2210 requests: the last row is before the end).
			var n float64
			for _, s := range lt.Timeline {
				n += s["samples"].(float64)
			}
			if len(lt.Timeline) != 56 || n != 2050 {
				t.Errorf("timeline of %d points, %v requests; want 56 and 2050", len(lt.Timeline), n)
			}
			var occ float64
			for _, e := range lt.ErrorsByKey {
				occ += e["count"].(float64)
			}
			if len(lt.ErrorsByKey) != 7 || occ != 1607 {
				t.Errorf("errors_by_key %v", lt.ErrorsByKey)
			}
		})
	}
}
