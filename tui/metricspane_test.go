package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

// metricsStore holds a scraped target and a saved file: memory in bytes, a
// ratio, and one pool gauge from each source.
func metricsStore(families int) *store.Store {
	st := store.New([]sources.Info{
		{Name: "http://127.0.0.1:9/metrics", Kind: sources.KindScrape},
		{Name: "saved.om", Kind: sources.KindMetricsFile},
	})
	for sec := range 30 {
		at := t0.Add(time.Duration(sec) * time.Second)
		scraped := []sources.MetricSample{
			{Name: "jvm_memory_used_bytes", Labels: `area="heap"`, Type: sources.MetricGauge, Value: 700 << 20},
			{Name: "system_cpu_usage_ratio", Type: sources.MetricGauge, Value: 0.42},
			{Name: "hikaricp_connections_pending", Labels: `pool="a"`, Type: sources.MetricGauge, Value: 12},
		}
		for i := range families {
			scraped = append(scraped, sources.MetricSample{Name: "extra_" + itoa(i), Type: sources.MetricGauge, Value: float64(i)})
		}
		st.Apply(sources.Batch{Source: 0, Scrapes: []sources.Scrape{{Time: at, Up: true, Samples: scraped}}})
		st.Apply(sources.Batch{Source: 1, Scrapes: []sources.Scrape{{Time: at, Up: true, Samples: []sources.MetricSample{
			{Name: "hikaricp_connections_pending", Labels: `pool="b"`, Type: sources.MetricGauge, Value: 3},
		}}}})
	}
	return st
}

// TestMetricsPaneUnitsThresholdsSources draws the pane with thresholds
// configured: bytes read in MiB and a ratio as a percentage, each chart
// with a configured threshold keys it in its own unit, a family fed by
// two sources says which series came from where, and enter's list names
// each series' source and the threshold.
func TestMetricsPaneUnitsThresholdsSources(t *testing.T) {
	st := metricsStore(0)
	m := storeModel(st, t0.Add(30*time.Second), 160, 60)
	m.opt.Thresholds = map[string]float64{"hikaricp_connections_pending": 10, "system_cpu_usage_ratio": 0.8}
	m.tl.SetCursor(t0.Add(20*time.Second).UnixMilli(), m.nowMS())
	frame := plain(m.Render())
	for _, want := range []string{
		"700MiB",
		"42%", "threshold 80%",
		"threshold 10", "scraped pool=a 12", "file pool=b 3",
	} {
		if !strings.Contains(frame, want) {
			t.Errorf("the pane lacks %q:\n%s", want, frame)
		}
	}
	fam := st.Metrics.Family("hikaricp_connections_pending")
	list := seriesList(m.frame(), fam)
	for _, want := range []string{
		`12  hikaricp_connections_pending{pool="a"}  scraped from http://127.0.0.1:9/metrics`,
		`3  hikaricp_connections_pending{pool="b"}  read from saved.om`,
		"threshold 10 ([metrics.thresholds])",
	} {
		if !strings.Contains(plain(list), want) {
			t.Errorf("enter's list lacks %q:\n%s", want, plain(list))
		}
	}
	if l := plain(seriesList(m.frame(), st.Metrics.Family("system_cpu_usage_ratio"))); !strings.Contains(l, "(percent)") || !strings.Contains(l, "42%") {
		t.Errorf("a ratio's list reads in percent:\n%s", l)
	}
	// A family from one source says nothing of it in the legend.
	if strings.Contains(frame, "scraped area=") {
		t.Errorf("a family of one source must not name it in the legend:\n%s", frame)
	}
}

// TestMetricsPaneOneLargeChart presses c on the metrics pane: one chart
// takes the whole height and j steps to the next; c again shows all that
// fit.
func TestMetricsPaneOneLargeChart(t *testing.T) {
	m := storeModel(metricsStore(6), t0.Add(30*time.Second), 120, 60)
	press(m, "2")
	legends := func() int {
		n := 0
		for _, name := range []string{"hikaricp_connections_pending ", "jvm_memory_used_bytes ", "system_cpu_usage_ratio ", "extra_"} {
			n += strings.Count(plain(m.Render()), "┃"+name) // a legend, not the readout
		}
		return n
	}
	if n := legends(); n < 4 {
		t.Fatalf("%d charts before c, want several", n)
	}
	press(m, "c")
	if n := legends(); n != 1 {
		t.Fatalf("%d charts after c, want one large one:\n%s", n, plain(m.Render()))
	}
	if !strings.Contains(plain(m.Render()), "c for all") {
		t.Error("the pane must say c gives the charts back")
	}
	top := plain(m.Render())
	press(m, "j")
	if plain(m.Render()) == top {
		t.Error("j must step to the next chart")
	}
	press(m, "c")
	if n := legends(); n < 4 {
		t.Fatalf("%d charts after c again, want several", n)
	}
}

// TestMetricsPaneGrid draws a wide pane: the charts stand side by side,
// two legends on one line, each chart its own time axis and a mouse area
// of its own; a narrow pane keeps one column.
func TestMetricsPaneGrid(t *testing.T) {
	for _, c := range []struct {
		w, cols int
	}{{200, 2}, {120, 1}, {300, 3}} {
		m := storeModel(metricsStore(4), t0.Add(30*time.Second), c.w, 60)
		press(m, "2")
		frame := plain(m.Render())
		most := 0
		for _, l := range strings.Split(frame, "\n") {
			n := 0
			for _, name := range []string{"hikaricp_connections_pending ", "jvm_memory_used_bytes ", "system_cpu_usage_ratio ", "extra_"} {
				n += strings.Count(l, name)
			}
			most = max(most, n)
		}
		if most != c.cols {
			t.Errorf("%d cells wide: %d charts side by side, want %d:\n%s", c.w, most, c.cols, frame)
		}
		areas := m.metrics.charts()
		if len(areas) < c.cols || c.cols > 1 && areas[1].x <= areas[0].x+areas[0].w {
			t.Errorf("%d cells wide: chart areas %+v", c.w, areas)
		}
	}
}
