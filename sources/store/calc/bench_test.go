package calc

import (
	"math"
	"testing"

	"github.com/sobang/sobang/sources"
)

// BenchmarkHistogramQuantile is one p99 of a client_golang default-bucket
// histogram (12 buckets with +Inf), computed per chart column per frame.
// It must stay under 1 µs and allocate nothing (measured 0.14-0.21 µs, 0 allocs
// on a busy 2-core machine): a 200-column heat strip of 20 series is
// then under a millisecond.
func BenchmarkHistogramQuantile(b *testing.B) {
	bounds := []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, math.Inf(+1)}
	buckets := make([]sources.Bucket, len(bounds))
	for i, ub := range bounds {
		buckets[i] = sources.Bucket{UpperBound: ub, Count: float64(10 * (i + 1) * (i + 1))}
	}
	b.ReportAllocs()
	var sink float64
	for b.Loop() {
		sink += HistogramQuantile(0.99, buckets)
	}
	if math.IsNaN(sink) {
		b.Fatal("NaN quantile")
	}
}

// BenchmarkRate is rate() over a 30-point window of a 1000-point ring, the
// per-column cost of drawing a counter. It must stay under 1 µs with no
// allocation (measured ~0.06 µs).
func BenchmarkRate(b *testing.B) {
	points := make([]Point, 1000)
	for i := range points {
		points[i] = Point{T: int64(i) * 1000, V: float64(i * 7)}
	}
	b.ReportAllocs()
	var sink float64
	for b.Loop() {
		v, _ := Rate(points, 500_000, 530_000, true)
		sink += v
	}
	if sink == 0 {
		b.Fatal("zero rate")
	}
}
