package scrape

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources/internal/corpus"
)

// FuzzDecode decodes any body under any Content-Type, as a scrape does: it
// picks the format the header names, reads the body the same way twice,
// fails with a one-line reason, and converts what it reads with the
// invariants of checkSamples.
func FuzzDecode(f *testing.F) {
	for _, ct := range []string{textType, protoType, omType, "", "text/plain; version=1.0.0", "application/openmetrics-text; version=0.0.1", "application/openmetrics-text; version=9"} {
		f.Add(ct, []byte("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 2\nh_sum 2\n# EOF\n"))
	}
	f.Add(omType, []byte("# TYPE c counter\n# HELP c x\nc_total{a=\"1\"} 3 1700000000.5\nc_created 1\n# EOF\n"))
	f.Add(omType, []byte("# TYPE s summary\ns{quantile=\"0.9\"} 1\ns_count 1\ns_sum 1\n"))
	f.Add(protoType, []byte("\x05\n\x01a\x18\x01"))
	// The corpus's small pages in Prometheus text and protobuf (big ones
	// only slow the minimising of each find). Its OpenMetrics pages are
	// left out: expfmt's OpenMetrics parser takes about a quarter of a
	// second per 4 kB page, which would make the seeds alone take seconds.
	dir, _ := corpus.Find("metrics")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		ct := textType
		switch {
		case strings.HasSuffix(e.Name(), ".om.txt"):
			continue
		case strings.HasSuffix(e.Name(), ".pb"):
			ct = protoType
		case !strings.HasSuffix(e.Name(), ".txt") && !strings.HasSuffix(e.Name(), ".prom"):
			continue
		}
		if body, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && len(body) <= 16<<10 {
			f.Add(ct, body)
		}
	}
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		h := http.Header{}
		h.Set("Content-Type", contentType)
		decode := func() (int, string, error) {
			fe := &fetcher{}
			fe.body.Write(body)
			families, format, err := fe.decode(h)
			return len(families), format, err
		}
		n1, format, err1 := decode()
		n2, format2, err2 := decode()
		if n1 != n2 || format != format2 || fmt.Sprint(err1) != fmt.Sprint(err2) {
			t.Fatalf("two decodes differ: %d %s %v, then %d %s %v", n1, format, err1, n2, format2, err2)
		}
		switch {
		case isOpenMetrics(h):
			if format != formatOpenMetrics {
				t.Fatalf("Content-Type %q decoded as %s", contentType, format)
			}
		case format != formatText && format != formatProtobuf:
			t.Fatalf("Content-Type %q decoded as %s", contentType, format)
		}
		if err1 != nil {
			var se *scrapeError
			if !errors.As(err1, &se) || se.reason == "" || strings.ContainsAny(se.reason, "\n\r") {
				t.Fatalf("reason not one line: %#v", err1)
			}
			return
		}
		families, _ := decodeBody(t, contentType, body)
		checkSamples(t, Convert(families))
	})
}
