package promfile

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// FuzzParse reads any bytes as a saved file would be read: parse either
// fails with an error naming the file, or returns scrapes in time order
// whose histograms end with a +Inf bucket, and bad rows with a line inside
// the file.
func FuzzParse(f *testing.F) {
	entries, _ := os.ReadDir("testdata")
	for _, e := range entries {
		if data, err := os.ReadFile(filepath.Join("testdata", e.Name())); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"histogram":[1,{"count":"2","sum":"1","buckets":[[0,"0","1","2"]]}]}]}}`))
	f.Add([]byte(`{"status":"success","data":{"resultType":"scalar","result":[1,"NaN"]}}`))
	f.Add([]byte("{\"a.b\",x=\"y\\\"\"} 1 2.5\n"))
	mtime := time.UnixMilli(1764070000000)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := parse("f.txt", data, mtime)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.txt") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, b := range r.bad {
			if b.Line < 0 || b.Line > lines {
				t.Fatalf("bad row at line %d of %d", b.Line, lines)
			}
		}
		var last time.Time
		for i, sc := range r.scrapes() {
			if i > 0 && !sc.Time.After(last) {
				t.Fatalf("scrape %d not after the one before", i)
			}
			last = sc.Time
			for _, s := range sc.Samples {
				if s.Type != sources.MetricHistogram {
					continue
				}
				if n := len(s.Buckets); n == 0 || !math.IsInf(s.Buckets[n-1].UpperBound, 1) {
					t.Fatalf("histogram %s without a +Inf bucket: %+v", s.Series(), s.Buckets)
				}
			}
		}
	})
}
