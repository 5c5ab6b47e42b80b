package scrape

import (
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"google.golang.org/protobuf/proto"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/corpus"
	"github.com/sobang/sobang/sources/store/calc"
)

// decodeBody decodes body as the given Content-Type would be.
func decodeBody(t testing.TB, contentType string, body []byte) ([]*dto.MetricFamily, error) {
	t.Helper()
	f := &fetcher{}
	f.body.Write(body)
	h := http.Header{}
	h.Set("Content-Type", contentType)
	families, _, err := f.decode(h)
	return families, err
}

func TestLabelString(t *testing.T) {
	pair := func(name, value string) *dto.LabelPair { return &dto.LabelPair{Name: &name, Value: &value} }
	tests := []struct {
		pairs       []*dto.LabelPair
		extra, want string
	}{
		{nil, "", ""},
		{[]*dto.LabelPair{pair("b", "2"), pair("a", "1")}, "", `a="1",b="2"`},
		{[]*dto.LabelPair{pair("a", "")}, "", ""},
		{[]*dto.LabelPair{pair("path", "C:\\dir \"x\"\nnext")}, "", `path="C:\\dir \"x\"\nnext"`},
		{[]*dto.LabelPair{pair("http.route", "/a"), pair("code", "200")}, "", `code="200","http.route"="/a"`},
		{[]*dto.LabelPair{pair("0day", "x"), pair("_ok", "y"), pair("a:b", "z")}, "", `"0day"="x",_ok="y","a:b"="z"`},
		{[]*dto.LabelPair{pair("z", "1")}, "0.99", `quantile="0.99",z="1"`},
		{[]*dto.LabelPair{pair("ünï", "ü")}, "", `"ünï"="ü"`},
	}
	var c converter
	for _, tc := range tests {
		name := ""
		if tc.extra != "" {
			name = "quantile"
		}
		if got := c.labelString(tc.pairs, name, tc.extra); got != tc.want {
			t.Errorf("labelString(%v) = %s, want %s", tc.pairs, got, tc.want)
		}
	}
}

// TestNativeBound checks the bucket boundaries against client_golang's
// nativeHistogramBounds table and its getLe special cases.
func TestNativeBound(t *testing.T) {
	tests := []struct {
		index, schema int32
		want          float64
	}{
		{0, 0, 1}, {1, 0, 2}, {-1, 0, 0.5}, {3, 0, 8},
		{1, 1, math.Ldexp(0.7071067811865475, 1)}, {-1, 1, 0.7071067811865475},
		{1, 2, math.Ldexp(0.5946035575013605, 1)}, {-1, 2, 0.8408964152537144}, {-2, 2, 0.7071067811865475},
		{1, 3, math.Ldexp(0.5452538663326288, 1)}, {3, 3, math.Ldexp(0.6484197773255048, 1)},
		{5, 3, math.Ldexp(0.7711054127039704, 1)}, {7, 3, math.Ldexp(0.9170040432046711, 1)},
		{1, -1, 4}, {-1, -1, 0.25}, {2, -2, 256},
		{1024, 0, math.MaxFloat64}, {1025, 0, math.Inf(+1)}, {256, -2, math.MaxFloat64},
	}
	for _, tc := range tests {
		if got := nativeBound(tc.index, tc.schema); got != tc.want {
			t.Errorf("nativeBound(%d, %d) = %v, want %v", tc.index, tc.schema, got, tc.want)
		}
	}
}

// TestNativeBucketsCorpus compares buckets derived from the native
// histogram in the corpus' protobuf capture with the classic buckets the
// same message carries: both count the same observations, so at every
// classic bound the derived cumulative count must lie between its values at
// the native bounds around it.
func TestNativeBucketsCorpus(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(corpusDir(t), "client_golang_v1.25_demo_native_histograms.pb"))
	if err != nil {
		t.Fatal(err)
	}
	families, err := decodeBody(t, protoType, body)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, mf := range families {
		if mf.GetName() != "demo_http_request_duration_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			h := m.GetHistogram()
			if len(h.GetBucket()) == 0 || len(h.GetPositiveSpan()) == 0 {
				t.Fatalf("%v: want both classic and native buckets in the capture", m.GetLabel())
			}
			var c converter
			count := float64(h.GetSampleCount())
			classic := c.histogramBuckets(h, count)
			nativeOnly := proto.Clone(h).(*dto.Histogram)
			nativeOnly.Bucket = nil
			derived := c.histogramBuckets(nativeOnly, count)
			if len(derived) <= len(classic) {
				t.Errorf("%v: %d derived buckets, want more than the %d classic ones", m.GetLabel(), len(derived), len(classic))
			}
			for _, cb := range classic {
				i := slices.IndexFunc(derived, func(b sources.Bucket) bool { return b.UpperBound >= cb.UpperBound })
				above := derived[i]
				below := sources.Bucket{}
				if i > 0 {
					below = derived[i-1]
				}
				if below.Count > cb.Count || above.Count < cb.Count {
					t.Errorf("%v: classic le=%v counts %v; derived counts %v at %v and %v at %v",
						m.GetLabel(), cb.UpperBound, cb.Count, below.Count, below.UpperBound, above.Count, above.UpperBound)
				}
			}
			for _, q := range []float64{0.5, 0.9, 0.99} {
				cq, nq := calc.HistogramQuantile(q, classic), calc.HistogramQuantile(q, derived)
				// Both lie in the classic bucket around the quantile.
				j := slices.IndexFunc(classic, func(b sources.Bucket) bool { return b.UpperBound >= cq })
				lo := 0.0
				if j > 0 {
					lo = classic[j-1].UpperBound
				}
				// Both estimate the same quantile: the derived one lies in
				// the classic bucket of the classic one, give or take one
				// native bucket (a factor 2^(2^-schema)) at its edges.
				f := math.Exp2(math.Exp2(-float64(h.GetSchema())))
				if nq < lo/f || nq > classic[j].UpperBound*f {
					t.Errorf("%v: q%v classic %v, derived %v outside the classic bucket (%v, %v] widened by %v",
						m.GetLabel(), q, cq, nq, lo, classic[j].UpperBound, f)
				}
			}
			checked++
		}
	}
	if checked != 2 {
		t.Errorf("checked %d native histograms, want 2 (GET and POST)", checked)
	}
}

// FuzzTextConvert decodes arbitrary text and converts what decodes: no
// panic, and the invariants of checkSamples hold.
func FuzzTextConvert(f *testing.F) {
	f.Add([]byte("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"1.0\"} 2\nh_count 3\nh_sum 2\n"))
	f.Add([]byte("# TYPE s summary\ns{quantile=\"0.5\",a=\"\"} 1\ns_count 2\ns_sum 3\nx{b=\"\\n\"} NaN\n"))
	f.Add([]byte("{\"a.b\",\"c.d\"=\"e\"} 1 1700000000000\n"))
	addCorpusSeeds(f, ".txt", ".prom")
	f.Fuzz(func(t *testing.T, body []byte) {
		families, err := decodeBody(t, textType, body)
		if err != nil {
			return
		}
		checkSamples(t, Convert(families))
	})
}

// FuzzProtobufConvert does the same for length-delimited protobuf, where a
// garbage length prefix must fail the scrape instead of allocating it.
func FuzzProtobufConvert(f *testing.F) {
	f.Add([]byte("\xff\xff\xff\xff\x0f"))
	f.Add([]byte{})
	addCorpusSeeds(f, ".pb")
	f.Fuzz(func(t *testing.T, body []byte) {
		families, err := decodeBody(t, protoType, body)
		if err != nil {
			return
		}
		checkSamples(t, Convert(families))
	})
}

// addCorpusSeeds adds the corpus files with one of the suffixes, when the
// corpus is there (fuzzing must not need it).
func addCorpusSeeds(f *testing.F, suffixes ...string) {
	dir, _ := corpus.Find("metrics")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		for _, s := range suffixes {
			if strings.HasSuffix(e.Name(), s) {
				if body, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
					f.Add(body)
				}
			}
		}
	}
}

// BenchmarkConvert converts node_exporter's page (1181 families, 3027
// series, decoded once outside the loop) into samples, which every scrape
// does. It must stay at or under 10 ms per 10k series, i.e. about 3 ms per
// op here. Measured 0.7-1.5 ms per op (2.4-4.8 ms per 10k series; 2 cores
// shared with other work, load 8), well below the text parser's ~40 ms per
// 10k series. 2560 allocations: one label string per labelled series.
func BenchmarkConvert(b *testing.B) {
	families := corpusFamilies(b, "node_exporter_1.12.1_e2e-output.txt")
	benchmarkConvert(b, families, 3027)
}

// BenchmarkConvertHistograms is the same for Prometheus' own page (641
// series, 729 samples with summary quantiles, 15 histograms' buckets). Same
// budget: 10 ms per 10k series, about 0.7 ms per op here; measured
// 0.16-0.30 ms.
func BenchmarkConvertHistograms(b *testing.B) {
	families := corpusFamilies(b, "prometheus_self_237mfs.prom.txt")
	benchmarkConvert(b, families, 729)
}

func benchmarkConvert(b *testing.B, families []*dto.MetricFamily, want int) {
	var c converter
	var dst []sources.MetricSample
	b.ReportAllocs()
	for b.Loop() {
		dst = c.convert(dst[:0], families)
	}
	if len(dst) != want {
		b.Fatalf("converted %d samples, want %d", len(dst), want)
	}
}

func corpusFamilies(b *testing.B, name string) []*dto.MetricFamily {
	body, err := os.ReadFile(filepath.Join(corpusDir(b), name))
	if err != nil {
		b.Fatal(err)
	}
	families, err := decodeBody(b, textType, body)
	if err != nil {
		b.Fatal(err)
	}
	return families
}
