package store

import (
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// bigScrape returns a scrape of n series: families of perFamily series
// each, labels in an order the store has to sort, values that move as a
// real target's do (counters grow, most gauges stay).
func bigScrape(n, perFamily int, at time.Time, round int) sources.Scrape {
	samples := make([]sources.MetricSample, n)
	for i := range samples {
		fam := i / perFamily
		typ := sources.MetricGauge
		v := float64(i % 7)
		if fam%2 == 0 {
			typ = sources.MetricCounter
			v = float64(round * (i%5 + 1))
		}
		samples[i] = sources.MetricSample{
			Name:   "family_" + strconv.Itoa(fam),
			Labels: `instance="` + strconv.Itoa((i*7919)%perFamily) + `"`,
			Type:   typ,
			Value:  v,
		}
	}
	return sources.Scrape{Time: at, Up: true, Samples: samples}
}

func scrapeStore() *Store {
	return New([]sources.Info{{Name: "http://x/metrics", Kind: sources.KindScrape}})
}

// TestStoreScrapeLinear stores a first scrape of 50,000 series of one
// family: adding a series used to sort its family again, so this took
// minutes. It must be seconds even under -race on a busy machine.
func TestStoreScrapeLinear(t *testing.T) {
	st := scrapeStore()
	sc := bigScrape(50_000, 50_000, time.UnixMilli(base), 1)
	start := time.Now()
	st.Apply(sources.Batch{Scrapes: []sources.Scrape{sc}})
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("storing a first scrape of 50,000 series took %v", d)
	}
	f := st.Metrics.Families()
	if len(f) != 1 || len(f[0].Series) != 50_000 {
		t.Fatalf("families = %d", len(f))
	}
	for i := 1; i < len(f[0].Series); i++ {
		if f[0].Series[i-1].Labels > f[0].Series[i].Labels {
			t.Fatalf("series %d out of order: %s after %s", i, f[0].Series[i].Labels, f[0].Series[i-1].Labels)
		}
	}
	// A second scrape with one new series and one new family keeps both
	// lists in order.
	sc2 := bigScrape(50_000, 50_000, time.UnixMilli(base+1000), 2)
	sc2.Samples = append(sc2.Samples,
		sources.MetricSample{Name: "family_0", Labels: `instance="!"`, Type: sources.MetricCounter},
		sources.MetricSample{Name: "a_new_family", Type: sources.MetricGauge})
	st.Apply(sources.Batch{Scrapes: []sources.Scrape{sc2}})
	f = st.Metrics.Families()
	if len(f) != 2 || f[0].Name != "a_new_family" || f[1].Series[0].Labels != `instance="!"` || f[1].Series[1].Len() != 2 {
		t.Fatalf("after a second scrape: %d families, first %s", len(f), f[0].Name)
	}
}

// TestMetricsMemorySteady feeds a target whose series set does not change
// through the store for a simulated 10 minutes, one scrape a second, and
// checks that the heap grows by the points stored and nothing else: no
// per-scrape garbage kept, no index growth. The points are compressed
// (chunk.go): a scrape a second of counters and gauges costs one to two
// bytes a point, where a calc.Point each cost 23 with the slack of their
// slices.
func TestMetricsMemorySteady(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("stores 6 million points and measures the heap (not under -race, which changes both)")
	}
	const series, scrapes = 10_000, 600
	st := scrapeStore()
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	var atMinute uint64
	for i := range scrapes {
		sc := bigScrape(series, 100, time.UnixMilli(base+int64(i)*1000), i)
		st.Apply(sources.Batch{Scrapes: []sources.Scrape{sc}})
		if i == 59 {
			atMinute = heap()
		}
	}
	grown := float64(heap()) - float64(atMinute)
	runtime.KeepAlive(st)
	perPoint := grown / float64(series*(scrapes-60))
	t.Logf("heap in use after 1 min %.1f MB, after 10 min %.1f MB: %.1f bytes per point added", float64(atMinute)/1e6, float64(atMinute+uint64(grown))/1e6, perPoint)
	if perPoint > 4 {
		t.Fatalf("the heap grew by %.1f bytes per point stored, want at most 4 (compressed points)", perPoint)
	}
}

// BenchmarkStoreScrape50k stores scrapes of a 50,000-series target (500
// families of 100 series). Target: a scrape stored within 1 s of its
// arrival, the first (every series new) as every later one. Measured on 2
// cores shared with other work: first scrape 39 ms of CPU (47-107 ms of
// wall time), later ones 25 ms of CPU (53-67 ms); before the families were
// sorted once per scrape, a first scrape of one 50,000-series family took
// minutes (TestStoreScrapeLinear).
func BenchmarkStoreScrape50k(b *testing.B) {
	for _, bc := range []struct {
		name  string
		first bool
	}{{"first", true}, {"steady", false}} {
		b.Run(bc.name, func(b *testing.B) {
			st := scrapeStore()
			round := 0
			next := func() sources.Scrape {
				round++
				return bigScrape(50_000, 100, time.UnixMilli(base+int64(round)*1000), round)
			}
			if !bc.first {
				st.Apply(sources.Batch{Scrapes: []sources.Scrape{next()}})
			}
			b.ReportAllocs()
			b.ResetTimer()
			var cpu time.Duration
			for range b.N {
				b.StopTimer()
				if bc.first {
					st = scrapeStore()
				}
				sc := next()
				b.StartTimer()
				start := processCPU()
				st.Apply(sources.Batch{Scrapes: []sources.Scrape{sc}})
				cpu += processCPU() - start
			}
			b.ReportMetric(float64(cpu)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkMetricsBytesPerPoint stores 10 million points across 1,000
// series (10,000 scrapes of 1,000 series) and reports heap-in-use per
// point kept. Target: at most 16 bytes per point. Measured on 2 cores
// shared with other work: 18.1 bytes per point when points were kept as
// calc.Points (16 bytes, plus the spare capacity of the series' slices);
// 1.5 bytes per point since they are compressed chunks (chunk.go). Met.
func BenchmarkMetricsBytesPerPoint(b *testing.B) {
	for range b.N {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		st := scrapeStore()
		for i := range 10_000 {
			st.Apply(sources.Batch{Scrapes: []sources.Scrape{bigScrape(1000, 100, time.UnixMilli(base+int64(i)*1000), i)}})
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		points := 0
		for _, f := range st.Metrics.Families() {
			for _, s := range f.Series {
				points += s.Len()
			}
		}
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/float64(points), "bytes/point")
		b.ReportMetric(float64(points), "points")
		runtime.KeepAlive(st)
	}
}

// BenchmarkMetricsLongRun stores a 50,000-series target scraped once a
// second for a simulated 10 minutes and reports the heap in use after the
// first minute and at the end. Target: within 10% of its value after the
// first minute. Not met. Measured on 2 cores shared with other work, with
// points kept as calc.Points: 74 MB after one minute, 701 MB after ten
// (+845%, 23 bytes for each point added); with compressed chunks
// (chunk.go): 33 MB after one minute, 66 MB after ten (+101%, 1.2 bytes for
// each point added), nothing else growing (TestMetricsMemorySteady). A
// minute holds about 310 bytes of each series' own (its Series and its
// index entry) and 60 of its points; ten minutes add 540 points, which
// would have to cost under 0.1 byte each to stay within 10%: that needs
// fewer points kept (a coarser resolution for older ones), not a tighter
// encoding.
func BenchmarkMetricsLongRun(b *testing.B) {
	const series, scrapes = 50_000, 600
	template := bigScrape(series, 100, time.UnixMilli(base), 0)
	heap := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapInuse) / 1e6
	}
	for range b.N {
		st := scrapeStore()
		var atMinute float64
		samples := make([]sources.MetricSample, series)
		for i := range scrapes {
			copy(samples, template.Samples)
			for j := range samples {
				if samples[j].Type == sources.MetricCounter {
					samples[j].Value = float64(i * (j%5 + 1))
				}
			}
			st.Apply(sources.Batch{Scrapes: []sources.Scrape{{Time: time.UnixMilli(base + int64(i)*1000), Up: true, Samples: samples}}})
			if i == 59 {
				atMinute = heap()
			}
		}
		end := heap()
		runtime.KeepAlive(st)
		b.ReportMetric(atMinute, "heap-1min-MB")
		b.ReportMetric(end, "heap-10min-MB")
		b.ReportMetric(100*(end-atMinute)/atMinute, "growth-%")
	}
}
