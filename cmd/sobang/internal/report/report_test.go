package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
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
	// The scrape health figures are the scraped source's own.
	scraped := m["sources"].([]any)[1].(map[string]any)
	if scraped["scrapes"].(float64) != 3 || scraped["failed_scrapes"].(float64) != 1 || scraped["series"].(float64) != 1 {
		t.Fatalf("scraped source = %v", scraped)
	}
	if _, ok := src["scrapes"]; ok {
		t.Errorf("the JTL has scrape figures: %v", src)
	}
	met := m["metrics"].([]any)
	if len(met) != 1 {
		t.Fatalf("metrics = %v", met)
	}
	c := met[0].(map[string]any)
	cs := c["series"].([]any)
	if c["query"] != "c_total" || len(cs) != 1 {
		t.Fatalf("metrics[0] = %v", c)
	}
	for k, want := range map[string]float64{"points": 3, "min": 0, "max": 10, "mean": 5, "last": 10} {
		if got := cs[0].(map[string]any)[k]; got != want {
			t.Errorf("c_total's %s = %v, want %v", k, got, want)
		}
	}
	if l, ok := cs[0].(map[string]any)["labels"].(map[string]any); !ok || len(l) != 0 {
		t.Errorf("c_total's labels = %v, want {}", cs[0].(map[string]any)["labels"])
	}
	logs := m["logs"].(map[string]any)
	if logs["entries"].(float64) != 2 || logs["lines"].(float64) != 3 || logs["first_error"].(map[string]any)["text"] != "boom" {
		t.Fatalf("logs = %v", logs)
	}
	// A template per message, the most frequent first, with its level and times.
	tmpl := logs["templates"].([]any)
	if len(tmpl) != 2 {
		t.Fatalf("templates = %v", tmpl)
	}
	for _, k := range []string{"template", "count", "level", "first", "last"} {
		if _, ok := tmpl[0].(map[string]any)[k]; !ok {
			t.Errorf("a template lacks %q", k)
		}
	}
	srcs := logs["sources"].([]any)
	if len(srcs) != 1 || srcs[0].(map[string]any)["path"] != "app.log" || srcs[0].(map[string]any)["entries"].(float64) != 2 {
		t.Fatalf("logs sources = %v", srcs)
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

func TestErrorsAndRates(t *testing.T) {
	doc := Build(fixture(), Options{Zone: time.UTC, Now: t0})
	var buf bytes.Buffer
	if err := Write(&buf, doc, "json"); err != nil {
		t.Fatal(err)
	}
	var m struct {
		LoadTest map[string]any `json:"loadtest"`
	}
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	lt := m.LoadTest
	for _, k := range []string{"throughput_rps", "kb_received_per_s", "kb_sent_per_s", "mean_ms", "p95_ms", "apdex_satisfied_ms", "apdex_tolerated_ms", "errors_by_key"} {
		if _, ok := lt[k]; !ok {
			t.Errorf("loadtest lacks %q", k)
		}
	}
	// Three 503s among six requests.
	byKey := lt["errors_by_key"].([]any)
	want := map[string]any{"key": "503", "count": 3.0, "pct_of_errors": 100.0, "pct_of_samples": 50.0}
	if len(byKey) != 1 || fmt.Sprint(byKey[0]) != fmt.Sprint(want) {
		t.Fatalf("errors_by_key = %v, want [%v]", byKey, want)
	}
	for _, l := range lt["labels"].([]any) {
		label := l.(map[string]any)
		for _, k := range []string{"kb_received_per_s", "kb_sent_per_s", "apdex", "top_errors"} {
			if _, ok := label[k]; !ok {
				t.Errorf("label %v lacks %q", label["label"], k)
			}
		}
		top := label["top_errors"].([]any)
		switch label["label"] {
		case "GET a":
			if len(top) != 1 || fmt.Sprint(top[0]) != fmt.Sprint(want) {
				t.Errorf("GET a top_errors = %v", top)
			}
		case "Flow":
			if len(top) != 0 {
				t.Errorf("a transaction lists no errors by key, found %v", top)
			}
		}
	}
	if doc.LoadTest.ApdexSatisfiedMS != store.ApdexSatisfiedMS || doc.LoadTest.ApdexToleratedMS != store.ApdexToleratedMS {
		t.Errorf("thresholds = %d, %d", doc.LoadTest.ApdexSatisfiedMS, doc.LoadTest.ApdexToleratedMS)
	}
}

func TestTopErrorsAreCapped(t *testing.T) {
	st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}})
	var samples []sources.Sample
	for i := 0; i < 8; i++ {
		for j := 0; j <= i; j++ {
			samples = append(samples, sources.Sample{StartMS: t0.UnixMilli() + int64(i*10+j), ElapsedMS: 5, Label: "GET a",
				Code: "500", Message: fmt.Sprintf("reason %d | with a␊newline", i), AllThreads: -1}) // as the parsers hand a newline over
		}
	}
	st.Apply(sources.Batch{Samples: samples})
	doc := Build(st, Options{Zone: time.UTC})
	top := doc.LoadTest.Labels[0].TopErrors
	if len(top) != TopErrorsPerLabel || top[0].Count != 8 || top[4].Count != 4 || len(doc.LoadTest.ErrorsByKey) != 8 {
		t.Fatalf("top errors = %+v; %d keys in all", top, len(doc.LoadTest.ErrorsByKey))
	}
	var buf bytes.Buffer
	Write(&buf, doc, "markdown")
	if !strings.Contains(buf.String(), `| 500/reason 7 \| with a␊newline | 8 |`) {
		t.Fatalf("markdown must keep a message in its cell:\n%s", buf.String())
	}
}

// TestRollupNote: a run longer than sources.RollupAfter says from when its
// per-label figures have RollupStep resolution; a window after that does not.
func TestRollupNote(t *testing.T) {
	st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}})
	var samples []sources.Sample
	for ms := t0.Add(-2 * time.Hour).UnixMilli(); ms <= t0.UnixMilli(); ms += 30_000 {
		samples = append(samples, sources.Sample{StartMS: ms, ElapsedMS: 100, Label: "GET a", Code: "200", Success: true, AllThreads: -1})
	}
	st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples)})
	doc := Build(st, Options{Zone: time.UTC, Now: t0})
	want := "per-label detail before 2026-11-25T11:00:00Z is kept per 10 s"
	if doc.LoadTest.Rollup != want {
		t.Fatalf("rollup = %q, want %q", doc.LoadTest.Rollup, want)
	}
	if n := doc.LoadTest.Labels[0].Samples; n != int64(len(samples)) {
		t.Fatalf("GET a: %d samples, want %d", n, len(samples))
	}
	var buf bytes.Buffer
	if err := Write(&buf, doc, "json"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"rollup": "`+want) {
		t.Fatalf("no rollup key in %s", buf.String()[:min(buf.Len(), 400)])
	}
	buf.Reset()
	if err := Write(&buf, doc, "text"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), want) {
		t.Fatal("no rollup note in the text")
	}
	late := Build(st, Options{Zone: time.UTC, Now: t0, FromMS: t0.Add(-30 * time.Minute).UnixMilli()})
	if late.LoadTest.Rollup != "" {
		t.Fatalf("window after the rollup: note %q", late.LoadTest.Rollup)
	}
	if Build(fixture(), Options{Zone: time.UTC, Now: t0}).LoadTest.Rollup != "" {
		t.Fatal("a short run got a rollup note")
	}
}

// TestTransactionRequests: a transaction label lists the requests it is made
// of under "requests" (and in a line of the text); a request label has no
// such key, and the contract's keys stay.
func TestTransactionRequests(t *testing.T) {
	st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}})
	var samples []sources.Sample
	for i := int64(0); i < 4; i++ {
		at := t0.UnixMilli() + i*1000
		smp := func(off int64, label string) sources.Sample {
			return sources.Sample{StartMS: at + off, ElapsedMS: 50, Label: label, Code: "200", Success: true, Thread: "Users 1-1", AllThreads: -1}
		}
		samples = append(samples, smp(1, "POST login"), smp(60, "GET accounts"))
		if i%2 == 0 {
			samples = append(samples, smp(120, "GET accounts"))
		}
		login := smp(0, "Login")
		login.ElapsedMS, login.Transaction = 200, true
		login.Message = "Number of samples in transaction : 3, number of failing samples : 0"
		samples = append(samples, login)
	}
	st.Apply(sources.Batch{Samples: samples, Rows: len(samples)})
	doc := Build(st, Options{Zone: time.UTC, Now: t0})
	var buf bytes.Buffer
	if err := Write(&buf, doc, "json"); err != nil {
		t.Fatal(err)
	}
	var m struct {
		LoadTest struct {
			Labels []map[string]any `json:"labels"`
		} `json:"loadtest"`
	}
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	keys := []string{"label", "transaction", "samples", "errors", "error_pct", "mean_ms", "min_ms", "max_ms", "p50_ms", "p90_ms",
		"p95_ms", "p99_ms", "percentiles", "throughput_rps", "kb_received_per_s", "kb_sent_per_s", "apdex", "top_errors"}
	for _, l := range m.LoadTest.Labels {
		want := len(keys)
		if l["transaction"] == true {
			want++
			got := fmt.Sprint(l["requests"])
			if w := "[map[label:POST login per_transaction:1] map[label:GET accounts per_transaction:1.5]]"; got != w {
				t.Errorf("requests = %s, want %s", got, w)
			}
		} else if _, ok := l["requests"]; ok {
			t.Errorf("request label %v has a requests key", l["label"])
		}
		for _, k := range keys {
			if _, ok := l[k]; !ok {
				t.Errorf("label %v lacks %q", l["label"], k)
			}
		}
		if len(l) != want {
			t.Errorf("label %v has %d keys, want %d: %v", l["label"], len(l), want, l)
		}
	}
	for _, f := range []string{"text", "markdown"} {
		buf.Reset()
		if err := Write(&buf, doc, f); err != nil {
			t.Fatal(err)
		}
		if want := "Login is made of: POST login (1 per transaction), GET accounts (1.5 per transaction)\n"; !strings.Contains(buf.String(), want) {
			t.Errorf("%s lacks %q:\n%s", f, want, buf.String())
		}
	}
	// A transaction nothing could be linked to (no thread names) has an
	// empty list and no line.
	doc = Build(fixture(), Options{Zone: time.UTC, Now: t0})
	for _, l := range doc.LoadTest.Labels {
		if l.Transaction && (l.Requests == nil || len(*l.Requests) != 0) {
			t.Errorf("%s: requests %v, want an empty list", l.Label, l.Requests)
		}
	}
	buf.Reset()
	Write(&buf, doc, "text")
	if strings.Contains(buf.String(), "made of") {
		t.Errorf("unlinked transaction got a line:\n%s", buf.String())
	}
}

// boundaryRun is 100 requests of "GET account" from source 0 whose
// nearest-rank p95 is 8 ms and p99 465 ms (which the sketch gives as 7.9
// and 468.8), and, when k6 is set, 100 of "k6 GET" from source 1, a k6 run.
func boundaryRun(t *testing.T, k6 bool) *store.Store {
	t.Helper()
	infos := []sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}}
	if k6 {
		infos = append(infos, sources.Info{Name: "run.json", Kind: sources.KindK6})
	}
	st := store.New(infos)
	if err := st.KeepExact(nil); err != nil {
		t.Fatal(err)
	}
	for src, label := range []string{"GET account", "k6 GET"}[:len(infos)] {
		var samples []sources.Sample
		for i := range 100 {
			ms := int32(5)
			switch {
			case i == 99:
				ms = 900
			case i >= 95:
				ms = 465
			case i >= 50:
				ms = 8
			}
			samples = append(samples, sources.Sample{StartMS: t0.UnixMilli() + int64(i*10), ElapsedMS: ms, Label: label, Code: "200", Success: true, AllThreads: -1})
		}
		st.Apply(sources.Batch{Source: src, Samples: samples, Rows: len(samples)})
	}
	return st
}

// TestExactPercentiles: with exact counts kept, the report's percentiles
// are the nearest-rank values, say so, and the timeline's estimates are
// whole milliseconds; with a k6 source among them, its label and the
// totals are estimates, marked as such.
func TestExactPercentiles(t *testing.T) {
	t.Run("JTL", func(t *testing.T) {
		doc := Build(boundaryRun(t, false), Options{Zone: time.UTC, Now: t0})
		lt := doc.LoadTest
		if lt.P95MS != 8 || lt.P99MS != 465 || lt.P50MS != 5 || lt.Percentiles != PercentilesExact || lt.PercentilesNote != "" {
			t.Errorf("totals p50/p95/p99 = %v/%v/%v (%s, %q), want 5/8/465 exact", lt.P50MS, lt.P95MS, lt.P99MS, lt.Percentiles, lt.PercentilesNote)
		}
		if l := lt.Labels[0]; l.P95MS != 8 || l.P99MS != 465 || l.Percentiles != PercentilesExact {
			t.Errorf("label p95/p99 = %v/%v (%s), want 8/465 exact", l.P95MS, l.P99MS, l.Percentiles)
		}
		if p := lt.Timeline[0].P95MS; p != 8 {
			t.Errorf("timeline p95 %v, want the estimate rounded to 8", p)
		}
		var buf bytes.Buffer
		Write(&buf, doc, "text")
		for _, want := range []string{"p50 5, p90 8, p95 8, p99 465, max 900 ms\nPercentiles: exact nearest-rank values, each some sample's time.\n",
			"GET account      100       0    0.00%       34       5       8     465     900"} {
			if !strings.Contains(buf.String(), want) {
				t.Errorf("text lacks %q:\n%s", want, buf.String())
			}
		}
	})
	t.Run("with k6", func(t *testing.T) {
		doc := Build(boundaryRun(t, true), Options{Zone: time.UTC, Now: t0})
		lt := doc.LoadTest
		if lt.Percentiles != PercentilesEstimated || lt.PercentilesNote != "run.json (k6) writes fractional milliseconds" {
			t.Errorf("totals: %s, %q", lt.Percentiles, lt.PercentilesNote)
		}
		for _, l := range lt.Labels {
			want := PercentilesExact
			if l.Label == "k6 GET" {
				want = PercentilesEstimated
			}
			if l.Percentiles != want {
				t.Errorf("%s: %s, want %s", l.Label, l.Percentiles, want)
			}
			if want == PercentilesExact && l.P95MS != 8 {
				t.Errorf("%s: p95 %v, want 8", l.Label, l.P95MS)
			}
		}
		if p := lt.Timeline[0].P95MS; p == math.Trunc(p) {
			t.Errorf("timeline p95 %v: with a k6 source it keeps its tenth", p)
		}
		var buf bytes.Buffer
		Write(&buf, doc, "text")
		for _, want := range []string{"Percentiles: exact nearest-rank values, except those marked ~: estimates within 1%, as run.json (k6) writes fractional milliseconds.",
			"p95 ~", "  ~8  ", "  8  "} {
			if !strings.Contains(buf.String(), want) {
				t.Errorf("text lacks %q:\n%s", want, buf.String())
			}
		}
	})
}

// TestMarkdownEscapesData checks that a value from the data cannot end a
// Markdown table cell or start HTML, in a table or in the text around it,
// and that plain text shows it as it is.
func TestMarkdownEscapesData(t *testing.T) {
	const label = `GET a|b <script>x</script> & \| c`
	st := store.New([]sources.Info{{Name: "run|<i>.jtl", Kind: sources.KindJTL}})
	st.Apply(sources.Batch{Source: 0, Rows: 2, Warnings: []string{"a <b>warning</b> | here"}, Samples: []sources.Sample{
		{StartMS: t0.UnixMilli(), ElapsedMS: 10, Label: label, Code: "500", Message: "<b>bad</b> | gateway", AllThreads: -1},
		{StartMS: t0.UnixMilli(), ElapsedMS: 10, Label: "Flow", Transaction: true, Success: true, AllThreads: -1},
	}})
	doc := Build(st, Options{Zone: time.UTC})
	var md, text bytes.Buffer
	if err := Write(&md, doc, "markdown"); err != nil {
		t.Fatal(err)
	}
	if err := Write(&text, doc, "text"); err != nil {
		t.Fatal(err)
	}
	if want := `| GET a\|b &lt;script&gt;x&lt;/script&gt; &amp; \\\| c |`; !strings.Contains(md.String(), want) {
		t.Errorf("markdown lacks %q:\n%s", want, md.String())
	}
	for _, raw := range []string{"<b>", "<i>", "<script>"} {
		if strings.Contains(md.String(), raw) {
			t.Errorf("markdown holds %q:\n%s", raw, md.String())
		}
	}
	for _, want := range []string{"warning: a &lt;b&gt;warning&lt;/b&gt; \\| here", "run\\|&lt;i&gt;.jtl", "500/&lt;b&gt;bad&lt;/b&gt; \\| gateway"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if !strings.Contains(text.String(), label) || !strings.Contains(text.String(), "warning: a <b>warning</b> | here") {
		t.Errorf("text does not show the data as it is:\n%s", text.String())
	}
}

// TestIncidents: a run that fails from +20 s to +30 s reports one
// incident there, with the failing label and code among what changed
// against the ten seconds before.
func TestIncidents(t *testing.T) {
	st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}, {Name: "app.log", Kind: sources.KindLog}})
	var samples []sources.Sample
	var entries []sources.LogEntry
	for sec := 0; sec < 40; sec++ {
		line := "INFO Account 7 loaded in 5 ms"
		if sec == 15 {
			line = "INFO Refreshing configuration from /etc/bank/app.yaml"
		}
		entries = append(entries, sources.LogEntry{Time: t0.Add(time.Duration(sec) * time.Second), Level: sources.LevelInfo, LevelText: "INFO", LevelCol: 0, Lines: []string{line}})
		for i := 0; i < 10; i++ {
			s := sources.Sample{StartMS: t0.Add(time.Duration(sec)*time.Second + time.Duration(i*90)*time.Millisecond).UnixMilli(),
				ElapsedMS: int32(20 + i), Label: "GET a", Code: "200", Success: true, AllThreads: -1}
			if sec >= 20 && sec < 30 && i < 5 {
				s.Code, s.Success, s.ElapsedMS = "503", false, 1000
			}
			samples = append(samples, s)
		}
	}
	st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples), CaughtUp: true})
	st.Apply(sources.Batch{Source: 1, Entries: entries, Rows: len(entries), CaughtUp: true})
	doc := Build(st, Options{Zone: time.UTC})
	if len(doc.Incidents) != 1 {
		t.Fatalf("%d incidents, want 1: %+v", len(doc.Incidents), doc.Incidents)
	}
	inc := doc.Incidents[0]
	if inc.Start != t0.Add(20*time.Second).Format(time.RFC3339Nano) || inc.End != t0.Add(30*time.Second).Format(time.RFC3339Nano) {
		t.Errorf("incident %s .. %s", inc.Start, inc.End)
	}
	// The configuration reload five seconds before is its likely trigger.
	if tr := inc.Trigger; tr == nil || !strings.HasPrefix(tr.Name, "new log template: Refreshing configuration") || tr.At != t0.Add(15*time.Second).Format(time.RFC3339Nano) {
		t.Errorf("trigger %+v", inc.Trigger)
	}
	found := map[string]bool{}
	for _, c := range inc.Changes {
		found[c.Kind+" "+c.Name] = true
	}
	if !found["code 503"] || !found["label GET a"] || !strings.Contains(inc.Summary, "50 of 100 requests failed") || !strings.Contains(inc.Summary, "likely trigger") {
		t.Errorf("changes %+v, summary %q", inc.Changes, inc.Summary)
	}
	// The failures took a second each: the p95 rose with them.
	if inc.Kind != "errors+latency" || !strings.Contains(inc.Summary, "p95 rose from 29 ms to 1 s") {
		t.Errorf("kind %q, summary %q", inc.Kind, inc.Summary)
	}
}

// TestLatencyIncident: a run whose requests slow down for ten seconds
// without failing has an incident there, of kind latency, saying how much
// the p95 rose; two slow seconds are none.
func TestLatencyIncident(t *testing.T) {
	st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}})
	var samples []sources.Sample
	for sec := 0; sec < 60; sec++ {
		for i := 0; i < 10; i++ {
			s := sources.Sample{StartMS: t0.Add(time.Duration(sec)*time.Second + time.Duration(i*90)*time.Millisecond).UnixMilli(),
				ElapsedMS: int32(20 + i), Label: "GET a", Code: "200", Success: true, AllThreads: 5}
			if (sec >= 20 && sec < 30) || sec == 45 || sec == 46 {
				s.ElapsedMS = int32(400 + i)
			}
			samples = append(samples, s)
		}
	}
	st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples), CaughtUp: true})
	notes := map[int64]string{t0.Add(25 * time.Second).UnixMilli(): "db slow", t0.Add(5 * time.Minute).UnixMilli(): "later"}
	doc := Build(st, Options{Zone: time.UTC, Notes: notes})
	if len(doc.Incidents) != 1 {
		t.Fatalf("%d incidents, want 1: %+v", len(doc.Incidents), doc.Incidents)
	}
	if len(doc.Notes) != 2 || doc.Notes[0].Text != "db slow" || doc.Notes[0].At != t0.Add(25*time.Second).Format(time.RFC3339Nano) {
		t.Errorf("notes %+v", doc.Notes)
	}
	inc := doc.Incidents[0]
	if inc.Kind != "latency" || inc.Start != t0.Add(20*time.Second).Format(time.RFC3339Nano) || inc.End != t0.Add(30*time.Second).Format(time.RFC3339Nano) {
		t.Errorf("%s incident %s .. %s", inc.Kind, inc.Start, inc.End)
	}
	if !strings.HasPrefix(inc.Summary, "p95 rose from 29 ms to 408 ms in 10s") {
		t.Errorf("summary %q", inc.Summary)
	}
	// The write-up: when, and a text chart around it, fenced in Markdown.
	var text, md bytes.Buffer
	if err := Write(&text, doc, "text"); err != nil {
		t.Fatal(err)
	}
	if err := Write(&md, doc, "markdown"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Incident " + inc.Start + " .. " + inc.End + " (latency)",
		"- latency: from 12:00:20 (p95 29 ms before), worst p95 408 ms at 12:00:20, until 12:00:30",
		"p95      ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁██████████▁",
		"incident                     ━━━━━━━━━━\n",
		"Notes:\n\n- 12:00:25 db slow\n\n",
		"Notes\n-----\n\n- 2026-11-25T12:00:25Z db slow\n- 2026-11-25T12:05:00Z later\n",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the text report lacks %q:\n%s", want, text.String())
		}
	}
	if !strings.Contains(md.String(), "```\n         ") || strings.Count(md.String(), "```") != 2 {
		t.Errorf("the Markdown chart is not fenced:\n%s", md.String())
	}
}

// TestMetricsList: a Prometheus source's queries in the order given (one
// that held nothing included, a series no query asked for left out), its
// automatic series one entry per query, and a file's families by name,
// each series with its figures over the window.
func TestMetricsList(t *testing.T) {
	type entry struct {
		query  string
		series []string // labels, as labelText writes them, with points/min/max/mean/last
	}
	at := func(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }
	smp := func(name, labels, query string, v float64) sources.MetricSample {
		return sources.MetricSample{Name: name, Labels: labels, Type: sources.MetricGauge, Value: v, Query: query}
	}
	cases := []struct {
		name    string
		info    sources.Info
		scrapes []sources.Scrape
		opt     Options
		want    []entry
	}{
		{
			name: "queries in the order given",
			info: sources.Info{Name: "http://prom:9090", Kind: sources.KindPrometheus, Queries: []string{"sum(rate(b[1m]))", "absent_q", `up{job="a"}`}},
			scrapes: []sources.Scrape{
				{Time: at(0), Up: true, Samples: []sources.MetricSample{smp("up", `instance="x",job="a"`, `up{job="a"}`, 1), smp("sum(rate(b[1m]))", "", "sum(rate(b[1m]))", 2), smp("stray", "", "stray", 9)}},
				{Time: at(15), Up: true, Samples: []sources.MetricSample{smp("up", `instance="x",job="a"`, `up{job="a"}`, 0), smp("sum(rate(b[1m]))", "", "sum(rate(b[1m]))", 4)}},
			},
			want: []entry{
				{"sum(rate(b[1m]))", []string{"{} 2 2 4 3 4"}},
				{"absent_q", nil},
				{`up{job="a"}`, []string{`{instance="x", job="a"} 2 0 1 0.5 0`}},
			},
		},
		{
			name: "automatic series, one entry per query, window kept",
			info: sources.Info{Name: "http://prom:9090", Kind: sources.KindPrometheus},
			scrapes: []sources.Scrape{
				{Time: at(0), Up: true, Samples: []sources.MetricSample{smp("up", `job="a"`, `up{job="a"}`, 1), smp("up", `job="b"`, `up{job="a"}`, 1), smp("pool_max", "", `pool_max{job="a"}`, 10)}},
				{Time: at(15), Up: true, Samples: []sources.MetricSample{smp("up", `job="a"`, `up{job="a"}`, 0), smp("pool_max", "", `pool_max{job="a"}`, 10)}},
				{Time: at(30), Up: true, Samples: []sources.MetricSample{smp("up", `job="a"`, `up{job="a"}`, 1)}},
			},
			opt: Options{FromMS: at(0).UnixMilli(), ToMS: at(30).UnixMilli()},
			want: []entry{
				{`pool_max{job="a"}`, []string{"{} 2 10 10 10 10"}},
				{`up{job="a"}`, []string{`{job="a"} 2 0 1 0.5 0`, `{job="b"} 1 1 1 1 1`}},
			},
		},
		{
			name: "a file's families by name",
			info: sources.Info{Name: "dump.txt", Kind: sources.KindMetricsFile},
			scrapes: []sources.Scrape{
				{Time: at(0), Up: true, Samples: []sources.MetricSample{smp("b", `x="1"`, "", 3), smp("a", "", "", 1)}},
			},
			want: []entry{{"a", []string{"{} 1 1 1 1 1"}}, {"b", []string{`{x="1"} 1 3 3 3 3`}}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := store.New([]sources.Info{c.info})
			st.Apply(sources.Batch{Source: 0, Rows: len(c.scrapes), Scrapes: c.scrapes})
			c.opt.Zone, c.opt.Now = time.UTC, t0
			doc := Build(st, c.opt)
			var got []entry
			for _, m := range doc.Metrics {
				e := entry{query: m.Query}
				for _, s := range m.Series {
					e.series = append(e.series, fmt.Sprintf("%s %d %g %g %g %g", labelText(s.Labels, nil), s.Points, s.Min, s.Max, s.Mean, s.Last))
				}
				got = append(got, e)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("metrics\n got %v\nwant %v", got, c.want)
			}
			if doc.Sources[0].Scrapes != nil {
				t.Errorf("a %s source has scrape figures", c.info.Kind)
			}
			var buf bytes.Buffer
			if err := Write(&buf, doc, "text"); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), c.want[0].query) {
				t.Errorf("the text report lacks %s:\n%s", c.want[0].query, buf.String())
			}
		})
	}
}

// TestLabelTextLeavesOutShared: the text shows what tells a query's series
// apart, not the labels they all carry; a lone series shows them all.
func TestLabelTextLeavesOutShared(t *testing.T) {
	two := []MetricSeries{
		{Labels: map[string]string{"job": "api", "instance": "x", "uri": "/a"}},
		{Labels: map[string]string{"job": "api", "instance": "x", "uri": "/b"}},
	}
	shared := sharedLabels(two)
	if got := labelText(two[1].Labels, shared); got != `{uri="/b"}` {
		t.Errorf("got %s", got)
	}
	if got := labelText(two[0].Labels, sharedLabels(two[:1])); got != `{instance="x", job="api", uri="/a"}` {
		t.Errorf("a lone series: %s", got)
	}
}

// TestWithEvent: the trigger goes sixth; the change it pushes out of the
// first six stays when it is the only one of its kind there, and a change
// of a kind the six hold twice leaves instead.
func TestWithEvent(t *testing.T) {
	mk := func(kinds ...string) []Change {
		var out []Change
		for i, k := range kinds {
			out = append(out, Change{Kind: k, Name: fmt.Sprint(i)})
		}
		return out
	}
	names := func(cs []Change) string {
		var b []string
		for _, c := range cs {
			b = append(b, c.Kind+c.Name)
		}
		return strings.Join(b, " ")
	}
	ev := Change{Kind: "event", Name: "!"}
	cases := []struct {
		in   []Change
		want string
	}{
		{mk("code", "label", "label", "label", "metric", "log", "label"), "code0 label1 label2 metric4 event! log5 label3 label6"},
		{mk("label", "label", "metric", "log", "label", "label"), "label0 label1 metric2 log3 label4 event! label5"},
		{mk("label", "metric"), "label0 metric1 event!"},
		{mk("metric", "log", "label", "code", "code", "code"), "metric0 log1 label2 code3 code4 event! code5"},
	}
	for _, c := range cases {
		if got := names(withEvent(c.in, ev)); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", names(c.in), got, c.want)
		}
	}
}
