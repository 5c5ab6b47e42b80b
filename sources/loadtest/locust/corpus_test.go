package locust

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
)

// The expected counts below were obtained once, independently of this
// package, with Python 3's csv.DictReader: history = data rows of
// _stats_history.csv (agg = those named Aggregated), final = rows of
// _stats.csv, failures = rows of _failures.csv and the sum of Occurrences.
var corpusSets = []struct {
	prefix      string
	files       []string // the set's files in the corpus
	history     int
	agg         int
	firstSec    int64 // first and last history Timestamp
	lastSec     int64
	final       map[string][2]int64 // label: requests, failures
	totalRPS    float64             // the Aggregated row's Requests/s
	totalP95    float64
	failures    int
	occurrences int64
	missing     int // missing-file warnings
}{
	{prefix: "bitcoin-api_results", files: []string{SuffixStats, SuffixHistory, SuffixFailures, SuffixExceptions},
		history: 56, agg: 56, firstSec: 1772849612, lastSec: 1772849668,
		final: map[string][2]int64{"/api/v1/blocks/latest": {240, 236}, "/api/v1/fees/6": {104, 104},
			"/api/v1/fees/recommended": {342, 335}, "/api/v1/health": {573, 0}, "/api/v1/mempool": {343, 337},
			"/api/v1/mempool/info": {128, 123}, "/api/v1/mining": {225, 224}, "/api/v1/network": {255, 248},
			"Aggregated": {2210, 1607}},
		totalRPS: 37.30488469320527, totalP95: 8, failures: 7, occurrences: 1607},
	{prefix: "loadtestinghub_grpc_fullhistory_locust", files: []string{SuffixStats, SuffixHistory},
		history: 71, agg: 36, firstSec: 1753581872, lastSec: 1753582047,
		final: map[string][2]int64{"/backend.diftech.processing.caa.operationfacade.facadeback.v1.OperationFacadeBackService/GetOperfeed": {11779, 0},
			"Aggregated": {11779, 0}},
		totalRPS: 67.3845746547201, totalP95: 7800, missing: 2},
}

// TestCorpusFilesAreCovered keeps the table in step with the corpus.
func TestCorpusFilesAreCovered(t *testing.T) {
	dir := corpusDir(t)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, c := range corpusSets {
		for _, s := range c.files {
			known[c.prefix+s] = true
		}
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".csv") {
			continue
		}
		if !known[e.Name()] {
			t.Errorf("corpus file %s is in no corpusSets entry", e.Name())
		}
		head, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if _, ok := Sniff(head); !ok {
			t.Errorf("%s: Sniff does not know it", e.Name())
		}
	}
}

func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	for _, c := range corpusSets {
		// Each file of the set opens the whole set, and so does the prefix.
		names := []string{c.prefix}
		for _, s := range c.files {
			names = append(names, c.prefix+s)
		}
		for _, name := range names {
			t.Run(name, func(t *testing.T) {
				r, err := read(t, filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if r.health.State != sources.StateDone || r.health.Format != FormatSet || !r.caughtUp {
					t.Errorf("health %+v caughtUp %v", r.health, r.caughtUp)
				}
				if r.badRows != 0 {
					t.Errorf("%d bad rows: %v", r.badRows, r.bad)
				}
				if len(r.history) != c.history {
					t.Errorf("%d history rows, want %d", len(r.history), c.history)
				}
				agg := 0
				for _, a := range r.history {
					if a.Label == sources.AggregatedLabel {
						agg++
					}
					if a.Final || a.Users < 0 {
						t.Errorf("history row %+v", a)
					}
				}
				if agg != c.agg {
					t.Errorf("%d Aggregated history rows, want %d", agg, c.agg)
				}
				if len(r.history) > 0 && (r.history[0].TimeMS != c.firstSec*1000 || r.history[len(r.history)-1].TimeMS != c.lastSec*1000) {
					t.Errorf("history %d..%d, want %d..%d s", r.history[0].TimeMS, r.history[len(r.history)-1].TimeMS, c.firstSec, c.lastSec)
				}
				if len(r.final) != len(c.final) {
					t.Errorf("%d final rows, want %d", len(r.final), len(c.final))
				}
				for _, a := range r.final {
					want, ok := c.final[a.Label]
					if !ok || a.Requests != want[0] || a.Failures != want[1] || !a.Final {
						t.Errorf("final %s: %d/%d, want %v", a.Label, a.Requests, a.Failures, want)
					}
				}
				last := r.final[len(r.final)-1]
				if last.Label != sources.AggregatedLabel || last.Method != "" || last.RequestsPerSec != c.totalRPS || last.Percentile(0.95) != c.totalP95 {
					t.Errorf("totals %+v, want Requests/s %v p95 %v", last, c.totalRPS, c.totalP95)
				}
				var occ int64
				for _, f := range r.failures {
					occ += f.Occurrences
				}
				if len(r.failures) != c.failures || occ != c.occurrences {
					t.Errorf("%d failures (%d occurrences), want %d (%d)", len(r.failures), occ, c.failures, c.occurrences)
				}
				missing := 0
				for _, w := range r.warnings {
					if strings.Contains(w, "not found") {
						missing++
					}
				}
				if missing != c.missing {
					t.Errorf("%d missing-file warnings, want %d: %q", missing, c.missing, r.warnings)
				}
				if want := c.history + len(c.final) + c.failures; r.rows != want {
					t.Errorf("%d rows, want %d", r.rows, want)
				}
			})
		}
	}
}

// TestCorpusValues checks one row of each kind field by field.
func TestCorpusValues(t *testing.T) {
	dir := corpusDir(t)
	r, err := read(t, filepath.Join(dir, "bitcoin-api_results_stats.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// GET,/api/v1/blocks/latest,240,236,3,38.2137987568664,2.6827999390661716,2065.287899924442,165.75,
	// 4.051209197452155,3.983689044161286,3,3,3,4,5,7,210,2000,2100,2100,2100
	a := r.final[0]
	if a.Method != "GET" || a.Label != "/api/v1/blocks/latest" || a.MedianMS != 3 || a.MeanMS != 38.2137987568664 ||
		a.MinMS != 2.6827999390661716 || a.MaxMS != 2065.287899924442 || a.AvgBytes != 165.75 ||
		a.RequestsPerSec != 4.051209197452155 || a.FailuresPerSec != 3.983689044161286 || a.Users != -1 || a.TimeMS != 0 {
		t.Errorf("first final row %+v", a)
	}
	wantQ := []float64{0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1}
	wantV := []float64{3, 3, 3, 4, 5, 7, 210, 2000, 2100, 2100, 2100}
	if len(a.Percentiles) != len(wantQ) {
		t.Fatalf("percentiles %+v", a.Percentiles)
	}
	for i, p := range a.Percentiles {
		if p.Q != wantQ[i] || p.MS != wantV[i] {
			t.Errorf("percentile %d: %+v, want %v: %v", i, p, wantQ[i], wantV[i])
		}
	}
	// 1772849612,0,,Aggregated,0.000000,0.000000,N/A,...: no responses yet.
	h := r.history[0]
	if h.TimeMS != 1772849612000 || h.Users != 0 || !math.IsNaN(h.Percentile(0.5)) || h.Requests != 0 {
		t.Errorf("first history row %+v", h)
	}
	// 1772849615,40,,Aggregated,...,14,0,2100.0,1528.133928592849,...
	h = r.history[3]
	if h.Users != 40 || h.Requests != 14 || h.MedianMS != 2100 || h.MeanMS != 1528.133928592849 || h.Percentile(0.95) != 2200 {
		t.Errorf("fourth history row %+v", h)
	}
	f := r.failures[0]
	if f.Method != "GET" || f.Label != "/api/v1/mempool/info" || f.Occurrences != 123 ||
		f.Error != "HTTPError('429 Client Error: Too Many Requests for url: /api/v1/mempool/info')" {
		t.Errorf("first failure %+v", f)
	}
	// Custom percentiles: 50,60,70,80,90,95,99,100.
	r, err = read(t, filepath.Join(dir, "loadtestinghub_grpc_fullhistory_locust"))
	if err != nil {
		t.Fatal(err)
	}
	if a := r.final[0]; a.Method != "grpc" || a.MedianMS != 5100 || len(a.Percentiles) != 8 || a.Percentile(0.6) != 5500 || a.Percentile(0.99) != 8200 {
		t.Errorf("gRPC final row %+v", a)
	}
}
