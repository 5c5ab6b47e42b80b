package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func fixture() *store.Store {
	st := store.New([]sources.Info{
		{Name: "run.jtl", Kind: sources.KindJTL},
		{Name: "http://127.0.0.1:1/metrics", Kind: sources.KindScrape},
		{Name: "app.log", Kind: sources.KindLog},
	})
	var samples []sources.Sample
	for sec := int64(0); sec < 3; sec++ {
		samples = append(samples,
			sources.Sample{StartMS: t0.UnixMilli() + sec*1000, ElapsedMS: 100, Label: "GET a", Code: "200", Success: true, AllThreads: -1},
			sources.Sample{StartMS: t0.UnixMilli() + sec*1000 + 10, ElapsedMS: 900, Label: "GET a", Code: "503", Success: false, AllThreads: -1},
			sources.Sample{StartMS: t0.UnixMilli() + sec*1000, ElapsedMS: 1000, Label: "Flow", Success: true, Transaction: true, AllThreads: -1})
	}
	st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples), BadRows: 2,
		Bad: []sources.BadRow{{Line: 7, Reason: "elapsed: want an integer, found \"x\""}}})
	for i := 0; i < 3; i++ {
		st.Apply(sources.Batch{Source: 1, Rows: 1, Scrapes: []sources.Scrape{{Time: t0.Add(time.Duration(i) * time.Second), Up: i != 1,
			Samples: []sources.MetricSample{{Name: "c_total", Type: sources.MetricCounter, Value: float64(i * 5)}}}}})
	}
	st.Apply(sources.Batch{Source: 2, Rows: 2, Entries: []sources.LogEntry{
		{Time: t0, Level: sources.LevelInfo, Lines: []string{"ok"}, LineNo: 1},
		{Time: t0.Add(time.Second), Level: sources.LevelError, Lines: []string{"boom", "\tat x"}, LineNo: 2},
	}})
	return st
}

func TestJSONContract(t *testing.T) {
	doc := Build(fixture(), Options{Zone: time.UTC, Now: t0})
	var buf bytes.Buffer
	if err := Write(&buf, doc, "json"); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"sources", "loadtest", "metrics", "logs"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing top-level %q", k)
		}
	}
	src := m["sources"].([]any)[0].(map[string]any)
	for _, k := range []string{"path", "kind", "rows", "bad_rows", "warnings"} {
		if _, ok := src[k]; !ok {
			t.Errorf("sources[0] lacks %q", k)
		}
	}
	warn := src["warnings"].([]any)
	if len(warn) != 2 || !strings.HasPrefix(warn[0].(string), "run.jtl:7: elapsed") {
		t.Fatalf("warnings = %v", warn)
	}
	lt := m["loadtest"].(map[string]any)
	if lt["samples"].(float64) != 6 || lt["errors"].(float64) != 3 || len(lt["timeline"].([]any)) != 3 {
		t.Fatalf("loadtest = %v", lt)
	}
	label := lt["labels"].([]any)[0].(map[string]any)
	for _, k := range []string{"label", "transaction", "samples", "errors", "error_pct", "mean_ms", "min_ms", "max_ms", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "throughput_rps"} {
		if _, ok := label[k]; !ok {
			t.Errorf("label lacks %q", k)
		}
	}
	met := m["metrics"].(map[string]any)
	if met["scrapes"].(float64) != 3 || met["failed_scrapes"].(float64) != 1 {
		t.Fatalf("metrics = %v", met)
	}
	logs := m["logs"].(map[string]any)
	if logs["entries"].(float64) != 2 || logs["first_error"].(map[string]any)["text"] != "boom" {
		t.Fatalf("logs = %v", logs)
	}
}

func TestWindowAndEmpty(t *testing.T) {
	st := fixture()
	doc := Build(st, Options{FromMS: t0.Add(time.Second).UnixMilli(), ToMS: t0.Add(2 * time.Second).UnixMilli(), Zone: time.UTC})
	if doc.LoadTest.Samples != 2 || doc.Logs.Entries != 1 || doc.Window == nil {
		t.Fatalf("window: %d samples, %d entries", doc.LoadTest.Samples, doc.Logs.Entries)
	}
	// A load-test source with no samples still gives a valid document.
	empty := store.New([]sources.Info{{Name: "none.jtl", Kind: sources.KindJTL}})
	var buf bytes.Buffer
	if err := Write(&buf, Build(empty, Options{}), "json"); err != nil {
		t.Fatalf("empty: %v", err)
	}
}

func TestTextAndMarkdown(t *testing.T) {
	doc := Build(fixture(), Options{Zone: time.UTC})
	for _, f := range []string{"text", "markdown"} {
		var buf bytes.Buffer
		if err := Write(&buf, doc, f); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, want := range []string{"GET a", "Flow (transaction)", "c_total", "ERROR", "warning: run.jtl:7"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q:\n%s", f, want, out)
			}
		}
		if f == "markdown" && !strings.Contains(out, "| label |") {
			t.Errorf("markdown has no table:\n%s", out)
		}
	}
	if err := Write(&bytes.Buffer{}, doc, "yaml"); err == nil {
		t.Fatal("unknown format must fail")
	}
}
