package scrape

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/protobuf/proto"

	"github.com/sobang/sobang/sources"
)

// exposition10k returns a page of 10,000 series as Prometheus counts them
// (one per sample line): 100 families of 100 series with two labels each,
// counters and gauges, save one family of 7 histograms of 10 buckets
// (13 series each: the buckets, +Inf, _sum and _count), 9,991 in all.
func exposition10k(tb testing.TB, format expfmt.Format) []byte {
	tb.Helper()
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, format)
	for f := range 100 {
		mf := &dto.MetricFamily{Name: proto.String(fmt.Sprintf("app_family_%d_total", f)), Help: proto.String("a family"), Type: dto.MetricType_COUNTER.Enum()}
		n := 100
		switch {
		case f == 0:
			mf.Type = dto.MetricType_HISTOGRAM.Enum()
			n = 7
		case f%2 == 1:
			mf.Type = dto.MetricType_GAUGE.Enum()
		}
		for i := range n {
			m := &dto.Metric{Label: []*dto.LabelPair{
				{Name: proto.String("instance"), Value: proto.String(fmt.Sprintf("10.0.%d.%d:8080", i/50, i))},
				{Name: proto.String("uri"), Value: proto.String(fmt.Sprintf("/api/v1/things/%d", i))},
			}}
			v := float64(f*1000 + i)
			switch mf.GetType() {
			case dto.MetricType_COUNTER:
				m.Counter = &dto.Counter{Value: proto.Float64(v)}
			case dto.MetricType_GAUGE:
				m.Gauge = &dto.Gauge{Value: proto.Float64(v)}
			default:
				h := &dto.Histogram{SampleCount: proto.Uint64(1000), SampleSum: proto.Float64(v)}
				for b := range 10 {
					h.Bucket = append(h.Bucket, &dto.Bucket{UpperBound: proto.Float64(0.005 * float64(int(1)<<b)), CumulativeCount: proto.Uint64(uint64(100 * (b + 1)))})
				}
				m.Histogram = h
			}
			mf.Metric = append(mf.Metric, m)
		}
		if err := enc.Encode(mf); err != nil {
			tb.Fatal(err)
		}
	}
	return buf.Bytes()
}

// BenchmarkDecode10k decodes and converts a 10,000-series page, as every
// scrape does. Targets: at most 20 ms in protobuf; text may take expfmt's
// 40-50 ms. Measured on 2 cores shared with other work (load 8), in CPU
// time per page, conversion included: protobuf 13-16 ms, text 25-29 ms
// (wall time 19-23 ms and 89-138 ms, most of it waiting for a core).
func BenchmarkDecode10k(b *testing.B) {
	for _, c := range []struct {
		name        string
		format      expfmt.Format
		contentType string
	}{
		{"protobuf", expfmt.NewFormat(expfmt.TypeProtoDelim), string(expfmt.NewFormat(expfmt.TypeProtoDelim))},
		{"text", expfmt.NewFormat(expfmt.TypeTextPlain), "text/plain; version=0.0.4"},
	} {
		b.Run(c.name, func(b *testing.B) {
			body := exposition10k(b, c.format)
			f := &fetcher{}
			h := http.Header{}
			h.Set("Content-Type", c.contentType)
			var samples []sources.MetricSample
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				f.body.Reset()
				f.body.Write(body)
				families, _, err := f.decode(h)
				if err != nil {
					b.Fatal(err)
				}
				samples = f.conv.convert(samples[:0], families)
			}
			b.ReportMetric(float64(processCPU()-cpu)/1e6/float64(b.N), "cpu-ms/op")
			if len(samples) != 9_907 {
				b.Fatalf("%d samples, want 9907", len(samples))
			}
		})
	}
}
