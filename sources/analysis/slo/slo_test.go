package slo

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
	"github.com/sobang/sobang/sources/store"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		text     string
		label    string
		hasLabel bool
		metric   Metric
		op       Op
		value    float64
		shown    string // Objective.String
	}{
		{"p95<500ms", "", false, P95, Less, 500, "p95 < 500ms"},
		{"p95 < 500ms", "", false, P95, Less, 500, "p95 < 500ms"},
		{"  p50<=20ms  ", "", false, P50, LessEqual, 20, "p50 <= 20ms"},
		{"p90 >= 1.5s", "", false, P90, GreaterEqual, 1500, "p90 >= 1.5s"},
		{"P99<2S", "", false, P99, Less, 2000, "p99 < 2s"},
		{"max<10s", "", false, Max, Less, 10000, "max < 10s"},
		{"mean<.5ms", "", false, Mean, Less, 0.5, "mean < .5ms"},
		{"error_rate<1%", "", false, ErrorRate, Less, 0.01, "error_rate < 1%"},
		{"error_rate<1.1%", "", false, ErrorRate, Less, 0.011, "error_rate < 1.1%"},
		{"error_rate<=0.05", "", false, ErrorRate, LessEqual, 0.05, "error_rate <= 0.05"},
		{"error_rate<0.999", "", false, ErrorRate, Less, 0.999, "error_rate < 0.999"},
		{"error_rate<=100%", "", false, ErrorRate, LessEqual, 1, "error_rate <= 100%"},
		{"error_rate < 0 %", "", false, ErrorRate, Less, 0, "error_rate < 0%"},
		{"throughput>100rps", "", false, Throughput, Greater, 100, "throughput > 100rps"},
		{"throughput>=2.5", "", false, Throughput, GreaterEqual, 2.5, "throughput >= 2.5"},
		{"apdex>=0.9", "", false, Apdex, GreaterEqual, 0.9, "apdex >= 0.9"},
		{"label=POST transfer:p99<800ms", "POST transfer", true, P99, Less, 800, "label=POST transfer: p99 < 800ms"},
		{"label=POST transfer: p99 < 800ms", "POST transfer", true, P99, Less, 800, "label=POST transfer: p99 < 800ms"},
		{`label="GET http://bank:8080/a":p95<1s`, "GET http://bank:8080/a", true, P95, Less, 1000, `label="GET http://bank:8080/a": p95 < 1s`},
		{`label="say ""hi""" : error_rate<2%`, `say "hi"`, true, ErrorRate, Less, 0.02, `label=say "hi": error_rate < 2%`},
		{`label="""quoted"":x":apdex>0.5`, `"quoted":x`, true, Apdex, Greater, 0.5, `label="""quoted"":x": apdex > 0.5`},
		{`label=Café #2 — 조회:p50<1.ms`, "Café #2 — 조회", true, P50, Less, 1, "label=Café #2 — 조회: p50 < 1.ms"},
	}
	for _, tt := range tests {
		o, err := Parse(tt.text)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.text, err)
			continue
		}
		if o.Label != tt.label || o.HasLabel != tt.hasLabel || o.Metric != tt.metric || o.Op != tt.op || o.Value != tt.value {
			t.Errorf("Parse(%q) = %+v", tt.text, o)
		}
		if s := o.String(); s != tt.shown {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.text, s, tt.shown)
		}
		// The canonical form reads back as the same objective.
		back, err := Parse(o.String())
		if err != nil || back.Label != o.Label || back.Metric != o.Metric || back.Op != o.Op || back.Value != o.Value {
			t.Errorf("Parse(%q) round trip: %+v, %v", o.String(), back, err)
		}
	}
	// Shifting the decimal point keeps percentages exact: 11 of 1000 is 1.1%.
	o, _ := Parse("error_rate<=1.1%")
	if o.Value != 11.0/1000 {
		t.Errorf("1.1%% = %v, want the double nearest 0.011", o.Value)
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		text   string
		column int    // 1-based column of the caret
		msg    string // part of the message
	}{
		{"", 1, "expected an objective"},
		{"   ", 4, "expected an objective"},
		{"p96<500ms", 1, `metric: expected one of p50,`},
		{"p96<500ms", 1, `found "p96"`},
		{"<500ms", 1, "expected a metric"},
		{"latency<500ms", 1, `found "latency"`},
		{"p95", 4, "expected a comparison"},
		{"p95 500ms", 5, "expected a comparison"},
		{"p95\t=500ms", 9, "expected a comparison"}, // the tab shows as spaces to column 9
		{"p95=500ms", 4, `expected a comparison (<, <=, >, >=) after p95, found "=500ms"`},
		{"p95!=500ms", 4, `expected a comparison (<, <=, >, >=) after p95, found "!=500ms"`},
		{"p95<<500ms", 5, "expected a number"},
		{"p95<", 5, "expected a number, found the end"},
		{"p95<-5ms", 5, "zero or more"},
		{"p95<ms", 5, "expected a number"},
		{"p95<500us", 8, `unit: expected ms or s for p95, found "us"`},
		{"p95<500%", 8, `unit: expected ms or s for p95, found "%"`},
		{"p95<500rps", 8, `for p95, found "rps"`},
		{"error_rate<1ms", 13, `for error_rate, found "ms"`},
		// A bare rate is a ratio below 1: error_rate<1 would be 100% and
		// pass any run, so 1 or more is refused as a likely percentage.
		{"error_rate<5", 12, `error_rate without a unit: expected a ratio below 1, found "5"; did you mean 5%?`},
		{"error_rate<1", 12, "did you mean 1%?"},
		{"error_rate <= 1.0", 15, "did you mean 1.0%?"},
		{"error_rate>=1", 13, "did you mean 1%?"},
		// A latency has two units and no default: the unit goes where the
		// caret points.
		{"p95<500", 8, "unit: expected ms or s for p95, e.g. p95<500ms, found the end"},
		{"p50 <= 20  ", 10, "unit: expected ms or s for p50"},
		{"mean<.5", 8, "expected ms or s for mean"},
		{"max<0", 6, "expected ms or s for max"},
		{"label=GET a:p99 < 800 ", 22, "expected ms or s for p99"},
		{"error_rate<101%", 15, "at most 100%"},
		{"throughput>5s", 13, `for throughput, found "s"`},
		{"apdex>0.9%", 10, `expected no unit for apdex, found "%"`},
		{"apdex>90", 7, "score from 0 to 1"},
		{"p95<500ms and more", 11, `expected the end of the objective, found "and more"`},
		{"p95<500ms,p99<1s", 10, "expected the end of the objective"},
		{"p95<5.0.0ms", 8, `found ".0ms"`},
		{"label=POST transfer", 20, "expected ':' after the label name"},
		{"label=:p95<1s", 7, "empty label name"},
		{`label="":p95<1s`, 7, "empty label name"},
		{`label="GET a:p95<1s`, 7, `quoted label name: expected a closing '"'`},
		{`label="GET a"p95<1s`, 14, "expected ':' after the quoted label name"},
		// An unquoted name ends at the first ':', so the rest is no metric.
		{"label=GET http://x:p95<1s", 16, "must be double-quoted"},
		// Columns count display cells: a wide character takes two.
		{"label=조회:p96<1s", 12, "metric: expected one of"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.text)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a *SyntaxError", tt.text, err)
			continue
		}
		if se.Column() != tt.column || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("Parse(%q): column %d %q, want column %d containing %q", tt.text, se.Column(), se.Msg, tt.column, tt.msg)
		}
		// The caret sits under the column the message names, below the
		// objective as a terminal shows it (sanitised, tabs expanded).
		shown, _ := sanitize.String([]byte(tt.text))
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != 3 || lines[1] != "  "+shown || lines[2] != strings.Repeat(" ", 2+tt.column-1)+"^" {
			t.Errorf("Parse(%q) error layout:\n%s", tt.text, err)
		}
	}
}

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC).UnixMilli()

// fixtureStore holds 10 s of "GET a" (1..100 ms, 5% failed), "POST
// transfer" (1000..1990 ms, no failures) and a transaction per second.
func fixtureStore(t *testing.T, exact bool) *store.Store {
	t.Helper()
	st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}})
	if exact {
		if err := st.KeepExact(nil); err != nil {
			t.Fatal(err)
		}
	}
	var samples []sources.Sample
	for sec := int64(0); sec < 10; sec++ {
		for i := int64(0); i < 10; i++ {
			n := sec*10 + i // 0..99
			samples = append(samples,
				sources.Sample{StartMS: t0 + sec*1000 + i*10, ElapsedMS: int32(n + 1), Label: "GET a", Code: "200", Success: n%20 != 0, AllThreads: -1},
				sources.Sample{StartMS: t0 + sec*1000 + i*10, ElapsedMS: int32(1000 + 10*n), Label: "POST transfer", Code: "200", Success: true, AllThreads: -1})
		}
		samples = append(samples, sources.Sample{StartMS: t0 + sec*1000, ElapsedMS: 900, Label: "Flow", Success: true, Transaction: true, AllThreads: -1})
	}
	st.Apply(sources.Batch{Samples: samples})
	return st
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		objective string
		pass      bool
		measured  float64 // NaN: not measured
		tolerance float64 // relative, for the sketch's estimates
		exactText string  // Result.String with exact counts kept
		estText   string  // Result.String without: percentiles are the sketch's
	}{
		// Requests: 1..100 and 1000..1990; p50 = the 100th smallest = 100,
		// which the sketch puts at 100.5 (within its 1%).
		{"p50<=101ms", true, 100, 0.01, "PASS  p50 <= 101ms  (measured 100ms)", "PASS  p50 <= 101ms  (measured 100ms, estimated within 1%)"},
		{"p95<1.5s", false, 1890, 0.01, "FAIL  p95 < 1.5s  (measured 1.89s)", "FAIL  p95 < 1.5s  (measured 1.9s, estimated within 1%)"},
		{"max<=1990ms", true, 1990, 0, "PASS  max <= 1990ms  (measured 1.99s)", ""},
		{"mean<1s", true, (5050 + 149500) / 200.0, 0, "PASS  mean < 1s  (measured 773ms)", ""},
		// 5 failures in 200 requests, transactions excluded.
		{"error_rate<2.5%", false, 0.025, 0, "FAIL  error_rate < 2.5%  (measured 2.5%)", ""},
		{"error_rate<=2.5%", true, 0.025, 0, "PASS  error_rate <= 2.5%  (measured 2.5%)", ""},
		{"error_rate<0.03", true, 0.025, 0, "PASS  error_rate < 0.03  (measured 0.025)", ""},
		// 200 requests from the first start to the last end (9.09 s + 1.99 s).
		{"throughput>=18rps", true, 200 / 11.08, 1e-12, "PASS  throughput >= 18rps  (measured 18.05rps)", ""},
		// APDEX counts the transactions too: 95 satisfied (GET a's
		// successes), 51 + 10 tolerating (POST transfer up to 1500 ms, Flow),
		// of 210.
		{"apdex>=0.6", false, (95 + 61.0/2) / 210, 1e-12, "FAIL  apdex >= 0.6  (measured 0.598)", ""},
		{"label=GET a:p99<100ms", true, 99, 0.01, "PASS  label=GET a: p99 < 100ms  (measured 99ms)", "PASS  label=GET a: p99 < 100ms  (measured 98.5ms, estimated within 1%)"},
		{"label=GET a:error_rate<1%", false, 0.05, 0, "FAIL  label=GET a: error_rate < 1%  (measured 5%)", ""},
		{"label=POST transfer:p99<800ms", false, 1980, 0.01, "FAIL  label=POST transfer: p99 < 800ms  (measured 1.98s)", "FAIL  label=POST transfer: p99 < 800ms  (measured 1.98s, estimated within 1%)"},
		{"label=Flow:apdex>=0.5", true, 0.5, 0, "PASS  label=Flow: apdex >= 0.5  (measured 0.5)", ""},
		{`label=GET b:p95<1s`, false, math.NaN(), 0,
			`FAIL  label=GET b: p95 < 1s  (no such label; labels: "GET a", "POST transfer", "Flow")`, ""},
	}
	var objs []Objective
	for _, tt := range tests {
		o, err := Parse(tt.objective)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, o)
	}
	for _, exact := range []bool{true, false} {
		results, err := Evaluate(fixtureStore(t, exact).Load, 0, 0, objs)
		if err != nil {
			t.Fatal(err)
		}
		for i, tt := range tests {
			r := results[i]
			if r.Pass != tt.pass {
				t.Errorf("%s (exact %v): pass %v, want %v (%s)", tt.objective, exact, r.Pass, tt.pass, r)
			}
			tolerance := tt.tolerance
			if exact {
				tolerance = 0
			}
			switch {
			case math.IsNaN(tt.measured):
				if !math.IsNaN(r.Measured) || r.Problem == "" {
					t.Errorf("%s: measured %v, problem %q; want nothing measured", tt.objective, r.Measured, r.Problem)
				}
			case math.Abs(r.Measured-tt.measured) > tolerance*tt.measured:
				t.Errorf("%s (exact %v): measured %v, want %v", tt.objective, exact, r.Measured, tt.measured)
			}
			text := tt.exactText
			if !exact && tt.estText != "" {
				text = tt.estText
			}
			if r.String() != text {
				t.Errorf("%s (exact %v): %q, want %q", tt.objective, exact, r.String(), text)
			}
		}
	}
}

// TestEvaluateAtTheBoundary: with exact counts, a percentile equal to the
// bound fails a strict objective and passes an inclusive one. 100 requests:
// 50 of 5 ms, 45 of 8, 4 of 465 and one of 900, so the nearest-rank p95 is
// 8 ms and p99 465 ms, which the sketch gives as 7.92 and 468.8.
func TestEvaluateAtTheBoundary(t *testing.T) {
	st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}})
	if err := st.KeepExact(nil); err != nil {
		t.Fatal(err)
	}
	var samples []sources.Sample
	for i, ms := range slices.Concat(slices.Repeat([]int32{5}, 50), slices.Repeat([]int32{8}, 45), []int32{465, 465, 465, 465, 900}) {
		samples = append(samples, sources.Sample{StartMS: t0 + int64(i), ElapsedMS: ms, Label: "GET account", Code: "200", Success: true, AllThreads: -1})
	}
	st.Apply(sources.Batch{Samples: samples})
	tests := []struct {
		objective string
		text      string
	}{
		{"p95<8ms", "FAIL  p95 < 8ms  (measured 8ms)"},
		{"p95<=8ms", "PASS  p95 <= 8ms  (measured 8ms)"},
		{"label=GET account:p95<8ms", "FAIL  label=GET account: p95 < 8ms  (measured 8ms)"},
		{"p95>7.99ms", "PASS  p95 > 7.99ms  (measured 8ms)"},
		{"p99<=465ms", "PASS  p99 <= 465ms  (measured 465ms)"},
		{"p99<465ms", "FAIL  p99 < 465ms  (measured 465ms)"},
		{"p99<=466ms", "PASS  p99 <= 466ms  (measured 465ms)"},
		{"p50<=5ms", "PASS  p50 <= 5ms  (measured 5ms)"},
	}
	for _, tt := range tests {
		o, err := Parse(tt.objective)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Evaluate(st.Load, 0, 0, []Objective{o})
		if err != nil {
			t.Fatal(err)
		}
		if got := res[0].String(); got != tt.text || res[0].Estimated {
			t.Errorf("%s: %q (estimated %v), want %q", tt.objective, got, res[0].Estimated, tt.text)
		}
	}
}

func TestEvaluateWindowAndEmpty(t *testing.T) {
	st := fixtureStore(t, false)
	o, _ := Parse("label=GET a:max<=10ms")
	// The first second of GET a: 1..10 ms.
	res, err := Evaluate(st.Load, t0, t0+1000, []Objective{o})
	if err != nil || !res[0].Pass || res[0].Measured != 10 {
		t.Fatalf("window: %v %v", res, err)
	}
	// A label with samples elsewhere but not in the window.
	only := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}})
	only.Apply(sources.Batch{Samples: []sources.Sample{
		{StartMS: t0, ElapsedMS: 5, Label: "GET a", Success: true, AllThreads: -1},
		{StartMS: t0 + 5000, ElapsedMS: 5, Label: "GET b", Success: true, AllThreads: -1},
	}})
	o, _ = Parse("label=GET b:p95<1s")
	res, err = Evaluate(only.Load, t0, t0+1000, []Objective{o})
	if err != nil || res[0].Pass || !strings.Contains(res[0].Problem, "no samples of this label in the window") {
		t.Fatalf("label outside the window: %v %v", res, err)
	}
	// No samples at all.
	if _, err := Evaluate(st.Load, t0+60_000, t0+70_000, []Objective{o}); !errors.Is(err, ErrNoSamples) {
		t.Fatalf("empty window: %v, want ErrNoSamples", err)
	}
	empty := store.New(nil)
	if _, err := Evaluate(empty.Load, 0, 0, []Objective{o}); !errors.Is(err, ErrNoSamples) {
		t.Fatalf("empty store: %v, want ErrNoSamples", err)
	}
}

func TestNoSuchLabelListIsCapped(t *testing.T) {
	st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}})
	var samples []sources.Sample
	for i := 0; i < MaxLabelsListed+5; i++ {
		samples = append(samples, sources.Sample{StartMS: t0, ElapsedMS: 5, Label: string(rune('A' + i)), Success: true, AllThreads: -1})
	}
	st.Apply(sources.Batch{Samples: samples})
	o, _ := Parse("label=nope:p95<1s")
	res, _ := Evaluate(st.Load, 0, 0, []Objective{o})
	if p := res[0].Problem; !strings.HasPrefix(p, `no such label; labels: "A", "B"`) || !strings.HasSuffix(p, `"T" and 5 more`) {
		t.Fatalf("problem = %q", p)
	}
}

func TestMeasuredTextNeverContradictsTheVerdict(t *testing.T) {
	tests := []struct {
		objective string
		measured  float64
		want      string
	}{
		{"p95<500ms", 312.4, "312ms"},
		{"p95<500ms", 499.7, "499.7ms"},
		{"p95<500ms", 499.96, "499.96ms"},
		{"p95<=500ms", 500.2, "500.2ms"},
		{"p99<800ms", 1200, "1.2s"},
		{"p99<1.2s", 1199.6, "1.1996s"},
		{"p99<2s", 1234, "1.234s"}, // a whole number: the nearest-rank value, shown as it is
		{"mean<10ms", 1.234, "1.23ms"},
		{"max<1s", 12345, "12.3s"},
		{"max<1s", 123456, "123s"},
		{"error_rate<1%", 0.00999, "0.999%"},
		{"error_rate<1%", 0.0052, "0.52%"},
		{"throughput>100rps", 100.001, "100.001rps"},
		{"apdex>=0.9", 0.8999, "0.8999"},
	}
	for _, tt := range tests {
		o, err := Parse(tt.objective)
		if err != nil {
			t.Fatal(err)
		}
		r := Result{Objective: o, Measured: tt.measured}
		if got := r.MeasuredText(); got != tt.want {
			t.Errorf("%s measured %v: %q, want %q", tt.objective, tt.measured, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"p95<500ms", "label=POST transfer:p99<800ms", `label="a:b""c":error_rate<1%`, "apdex>=0.9", "throughput > 10 rps"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		o, err := Parse(text)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(text) {
				t.Fatalf("Parse(%q): %v", text, err)
			}
			_ = err.Error()
			return
		}
		back, err := Parse(o.String())
		if err != nil || back.Label != o.Label || back.HasLabel != o.HasLabel || back.Metric != o.Metric || back.Op != o.Op || back.Value != o.Value {
			t.Fatalf("Parse(%q).String() = %q reads back as %+v, %v", text, o.String(), back, err)
		}
	})
}
