package report

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

// k6Totals is a k6 summary's totals: no p99, no time.
func k6Totals() sources.Aggregate {
	nan := math.NaN()
	return sources.Aggregate{Final: true, Label: sources.AggregatedLabel, Users: -1, Requests: 200, Failures: 10,
		RequestsPerSec: 20, FailuresPerSec: nan, MedianMS: 180, MeanMS: 210.5, MinMS: 12, MaxMS: 1500, AvgBytes: nan,
		Percentiles: []sources.Percentile{{Q: 0.5, MS: 180}, {Q: 0.9, MS: 480}, {Q: 0.95, MS: 650}}}
}

func locustRows(label string, n int64, p95 float64) []sources.Aggregate {
	row := func(method, label string) sources.Aggregate {
		return sources.Aggregate{Final: true, Method: method, Label: label, Users: -1, Requests: n, Failures: 1, RequestsPerSec: 2,
			MedianMS: 10, MeanMS: 20, MinMS: 1, MaxMS: 100, AvgBytes: 5,
			Percentiles: []sources.Percentile{{Q: 0.5, MS: 10}, {Q: 0.95, MS: p95}, {Q: 0.99, MS: p95 + 1}}}
	}
	return []sources.Aggregate{row("GET", label), row("", sources.AggregatedLabel),
		{TimeMS: t0.UnixMilli(), Label: sources.AggregatedLabel, Requests: n, Failures: 1, Users: 3,
			Percentiles: []sources.Percentile{{Q: 0.95, MS: p95}}}}
}

func jsonOf(t *testing.T, doc *Document) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, doc, "json"); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestK6SummaryAlone(t *testing.T) {
	st := store.New([]sources.Info{{Name: "summary.json", Kind: sources.KindK6}})
	st.Apply(sources.Batch{Aggregates: []sources.Aggregate{k6Totals()}, Rows: 1})
	doc := Build(st, Options{Zone: time.UTC, Now: t0})
	lt := doc.LoadTest
	if lt.Note != K6SummaryNote || lt.Samples != 200 || lt.Errors != 10 || lt.ErrorPct != 5 || lt.P95MS != 650 || lt.P99MS != 0 ||
		lt.P50MS != 180 || lt.Start != "" || lt.End != "" || len(lt.Timeline) != 0 || lt.Apdex != nil {
		t.Fatalf("loadtest %+v", lt)
	}
	m := jsonOf(t, doc)["loadtest"].(map[string]any)
	aggs := m["aggregates"].([]any)
	total := aggs[0].(map[string]any)["total"].(map[string]any)
	if len(aggs) != 1 || total["p99_ms"] != nil || total["p95_ms"].(float64) != 650 || len(total["percentiles"].([]any)) != 3 ||
		aggs[0].(map[string]any)["kind"] != "k6" {
		t.Errorf("aggregates %v", aggs)
	}
	var text strings.Builder
	Write(&text, doc, "text")
	if !strings.Contains(text.String(), "(no time) .. (no time): 200 requests") || strings.Contains(text.String(), "Tool-written aggregates") {
		t.Errorf("text:\n%s", text.String())
	}
}

func TestSeveralAggregateSets(t *testing.T) {
	st := store.New([]sources.Info{{Name: "a", Kind: sources.KindLocust}, {Name: "summary.json", Kind: sources.KindK6}})
	st.Apply(sources.Batch{Source: 0, Aggregates: locustRows("/x", 100, 300), Rows: 3})
	st.Apply(sources.Batch{Source: 1, Aggregates: []sources.Aggregate{k6Totals()}, Rows: 1})
	lt := Build(st, Options{Zone: time.UTC, Now: t0}).LoadTest
	if lt.Samples != 300 || lt.Errors != 11 || lt.P95MS != 0 || lt.P50MS != 0 || lt.ThroughputRPS != 22 || lt.MaxMS != 1500 ||
		lt.MeanMS != (20*100+210.5*200)/300 || !strings.HasPrefix(lt.Note, "2 sources of tool-written aggregates (a, summary.json)") {
		t.Fatalf("totals %+v", lt)
	}
	// /x is in one set only: it keeps its percentiles.
	if len(lt.Labels) != 1 || lt.Labels[0].P95MS != 300 || len(lt.Aggregates) != 2 || len(lt.Timeline) != 1 || lt.Timeline[0].P95MS != 0 {
		t.Errorf("labels %+v, %d aggregates, timeline %+v", lt.Labels, len(lt.Aggregates), lt.Timeline)
	}
	if lt.Aggregates[0].Note != AggregateNote || lt.Aggregates[1].Note != K6SummaryNote || lt.Aggregates[0].Start == "" || lt.Aggregates[1].Start != "" {
		t.Errorf("aggregates %+v", lt.Aggregates)
	}
	// The same label in two sets: no percentile.
	st = store.New([]sources.Info{{Name: "a", Kind: sources.KindLocust}, {Name: "b", Kind: sources.KindLocust}})
	st.Apply(sources.Batch{Source: 0, Aggregates: locustRows("/x", 100, 300), Rows: 3})
	st.Apply(sources.Batch{Source: 1, Aggregates: locustRows("/x", 50, 90), Rows: 3})
	lt = Build(st, Options{Zone: time.UTC, Now: t0}).LoadTest
	if len(lt.Labels) != 1 || lt.Labels[0].Samples != 150 || lt.Labels[0].Errors != 2 || lt.Labels[0].P95MS != 0 || lt.Labels[0].P99MS != 0 ||
		lt.Labels[0].MeanMS != 20 || len(lt.Timeline) != 1 || lt.Timeline[0].Samples != 150 || lt.Timeline[0].P95MS != 0 {
		t.Errorf("labels %+v timeline %+v", lt.Labels, lt.Timeline)
	}
}

func TestSamplesAndAggregatesApart(t *testing.T) {
	plain := Build(fixture(), Options{Zone: time.UTC, Now: t0})
	st := fixture()
	st.Sources = append(st.Sources, &store.Source{Info: sources.Info{Name: "run_stats.csv", Kind: sources.KindLocust}, Name: "run_stats.csv"})
	st.Apply(sources.Batch{Source: 3, Aggregates: locustRows("/x", 100, 300), Rows: 3})
	doc := Build(st, Options{Zone: time.UTC, Now: t0})
	lt := doc.LoadTest
	if lt.Samples != plain.LoadTest.Samples || len(lt.Labels) != len(plain.LoadTest.Labels) || lt.P95MS != plain.LoadTest.P95MS ||
		len(lt.Timeline) != len(plain.LoadTest.Timeline) || lt.Apdex == nil {
		t.Errorf("the samples' figures changed: %+v", lt)
	}
	if lt.Note != "totals, labels and timeline are sobang's statistics of the samples of run.jtl; the tool-written aggregates of run_stats.csv cannot be merged with samples and are reported apart, under aggregates" {
		t.Errorf("note %q", lt.Note)
	}
	if len(lt.Aggregates) != 1 || lt.Aggregates[0].Total.Samples != 100 || *lt.Aggregates[0].Total.P95MS != 300 || len(lt.Aggregates[0].Labels) != 1 {
		t.Errorf("aggregates %+v", lt.Aggregates)
	}
	var md strings.Builder
	Write(&md, doc, "markdown")
	if !strings.Contains(md.String(), "### Tool-written aggregates") || !strings.Contains(md.String(), "| GET /x | 100 | 1 | 1.00% | 20 | 10 | 300 | 301 | 100 | 2.00 |") {
		t.Errorf("markdown:\n%s", md.String())
	}
}

func TestBaselineFromAggregates(t *testing.T) {
	locust := func(p95 float64) *store.Store {
		st := store.New([]sources.Info{{Name: "run", Kind: sources.KindLocust}})
		st.Apply(sources.Batch{Aggregates: locustRows("GET a", 100, p95), Rows: 3})
		return st
	}
	// Current from aggregates, baseline from samples (fixture's GET a).
	doc := Build(locust(330), Options{Zone: time.UTC, Now: t0})
	AddBaseline(doc, locust(330), fixture(), Options{})
	b := doc.Baseline
	if len(b.Labels) != 1 || b.Labels[0].Verdict != VerdictAggregates || b.Labels[0].PValue != nil || b.Regressions != 0 ||
		b.Labels[0].BaseSamples != 6 || b.Labels[0].Samples != 100 || b.Labels[0].P95MS != 330 || b.Start == "" ||
		!strings.HasPrefix(b.Note, "the current run gives the tool's own aggregates only") {
		t.Fatalf("baseline %+v", b)
	}
	// Both from aggregates.
	AddBaseline(doc, locust(330), locust(300), Options{})
	b = doc.Baseline
	if len(b.Labels) != 1 || b.Labels[0].BaseP95MS != 300 || b.Labels[0].DeltaP95Pct != 10 || b.Labels[0].Verdict != VerdictAggregates ||
		!strings.HasPrefix(b.Note, "each run gives") {
		t.Fatalf("baseline %+v", b)
	}
	var text strings.Builder
	Write(&text, doc, "text")
	if !strings.Contains(text.String(), "no test: aggregates only") || !strings.Contains(text.String(), "Note: each run gives") {
		t.Errorf("text:\n%s", text.String())
	}
}

// TestLocustWritesNoByteRates: Locust writes no received or sent rate, so
// the report shows none (null, "–") rather than a made-up 0; a name that
// already says its method is not prefixed with it again.
func TestLocustWritesNoByteRates(t *testing.T) {
	st := store.New([]sources.Info{{Name: "a", Kind: sources.KindLocust}, {Name: "b", Kind: sources.KindLocust}})
	st.Apply(sources.Batch{Source: 0, Aggregates: locustRows("GET account", 100, 300), Rows: 3})
	one := Build(st, Options{Zone: time.UTC, Now: t0})
	st.Apply(sources.Batch{Source: 1, Aggregates: locustRows("/x", 100, 300), Rows: 3})
	two := Build(st, Options{Zone: time.UTC, Now: t0})
	for _, doc := range []*Document{one, two} {
		m := jsonOf(t, doc)["loadtest"].(map[string]any)
		for _, k := range []string{"kb_received_per_s", "kb_sent_per_s"} {
			if v, ok := m[k]; !ok || v != nil {
				t.Errorf("totals %s = %v, want null", k, v)
			}
			for _, l := range m["labels"].([]any) {
				if v, ok := l.(map[string]any)[k]; !ok || v != nil {
					t.Errorf("label %s = %v, want null", k, v)
				}
			}
		}
		var text strings.Builder
		Write(&text, doc, "text")
		if !strings.Contains(text.String(), "received – KB/s, sent – KB/s") || strings.Contains(text.String(), "0.00 KB/s") {
			t.Errorf("text:\n%s", text.String())
		}
		if row := lineOf(text.String(), "GET account"); !strings.HasSuffix(strings.TrimSpace(row), "–          –") {
			t.Errorf("the label's KB/s columns: %q", row)
		}
	}
	// The several sets' own figures, listed apart, name the row once.
	var text strings.Builder
	Write(&text, two, "text")
	if !strings.Contains(text.String(), "Tool-written aggregates") || strings.Contains(text.String(), "GET GET") {
		t.Errorf("text:\n%s", text.String())
	}
}

// lineOf returns the first line of text holding s, "" when none does.
func lineOf(text, s string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}
