package gatling

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
)

// The expected counts below were obtained once, independently of this
// package:
//   - text: awk -F'\t' over the (gunzipped) file, taking the record type
//     from field 1, or field 3 when field 1 is not a type (Gatling 2.0);
//     requests = REQUEST records, kos = those with a KO field, groups =
//     GROUP records; maxUsers = the highest running count of USER START
//     minus USER END (never below 0) seen when a REQUEST record is read.
//   - binary: a 40-line Python decoder written from the format's description
//     alone (struct.unpack '>i'/'>q', strings as int32 length + bytes + coder,
//     cache index >= 0 defines, < 0 reuses), counting record types 1 (kos:
//     status byte 0) and 3 and the running user count at records 1 and 3.
var corpusFiles = []struct {
	file     string
	format   string
	requests int
	kos      int
	groups   int
	maxUsers int32
	check    func(t *testing.T, r result)
}{
	{file: "text/nuxeo_simulation-1.log.gz", format: FormatText20, requests: 2464, maxUsers: 35},
	{file: "text/nuxeo_simulation-small.log", format: FormatText20, requests: 2, maxUsers: 1,
		check: func(t *testing.T, r result) {
			// "... REQUEST  Reindex All repository 1448309155292 1448309155293
			// 1448309155604 1448309155604 OK  ": four timestamps.
			want := sources.Sample{StartMS: 1448309155292, ElapsedMS: 312, LatencyMS: 312, ConnectMS: -1,
				Label: "Reindex All repository", Success: true, GrpThreads: -1, AllThreads: 1}
			if r.Samples[0] != want {
				t.Errorf("first sample\n got %+v\nwant %+v", r.Samples[0], want)
			}
		}},
	{file: "text/nuxeo_simulation-v2.3.log", format: FormatText22, requests: 1000, maxUsers: 8,
		check: func(t *testing.T, r result) {
			// REQUEST CreateDocuments 1  Create File 1526391735153 1526391735276 OK
			if s := r.Samples[0]; s.Label != "Create File" || s.StartMS != 1526391735153 || s.ElapsedMS != 123 || s.AllThreads != 1 {
				t.Errorf("first sample %+v", s)
			}
		}},
	{file: "text/nuxeo_simulation-small-v3.log", format: FormatText30, requests: 2, maxUsers: 1},
	{file: "text/nuxeo_simulation-small-v3.2.log", format: FormatText30, requests: 2, maxUsers: 1},
	{file: "text/nuxeo_simulation-small-v3.3.log", format: FormatText30, requests: 2, maxUsers: 1},
	{file: "text/nuxeo_simulation-v3.2.log.gz", format: FormatText30, requests: 16095, maxUsers: 85},
	{file: "text/taurus_gatling-3.3.1.simulation.log", format: FormatText30, requests: 100, maxUsers: 10},
	{file: "text/nuxeo_simulation-small-v3.4.log", format: FormatText34, requests: 31, maxUsers: 3,
		check: func(t *testing.T, r result) {
			// Two USER START lines, then REQUEST  Google 1611903781377 1611903781828 OK.
			want := sources.Sample{StartMS: 1611903781377, ElapsedMS: 451, LatencyMS: -1, ConnectMS: -1,
				Label: "Google", Success: true, GrpThreads: -1, AllThreads: 2}
			if r.Samples[0] != want {
				t.Errorf("first sample\n got %+v\nwant %+v", r.Samples[0], want)
			}
		}},
	{file: "text/nuxeo_simulation-v3.10.log.gz", format: FormatText34, requests: 16029, maxUsers: 85},
	{file: "text/taurus_gatling-3.5.1.simulation.log", format: FormatText34, requests: 220, maxUsers: 10},

	{file: "binary/gatling_known_stats_3.12.1dev_binary.simulation.log", format: FormatBinary, requests: 105, kos: 1, maxUsers: 11,
		check: func(t *testing.T, r result) {
			want := sources.Sample{StartMS: 1730757532156, ElapsedMS: 368, LatencyMS: -1, ConnectMS: -1,
				Label: "Home", Success: true, GrpThreads: -1, AllThreads: 2}
			if r.Samples[0] != want {
				t.Errorf("first sample\n got %+v\nwant %+v", r.Samples[0], want)
			}
			i := slices.IndexFunc(r.Samples, func(s sources.Sample) bool { return !s.Success })
			if s := r.Samples[i]; s.Label != "Post Redirect 1" || s.Code != "200" || s.ElapsedMS != 108 ||
				s.Message != "status.find.is(201), but actually found 200" {
				t.Errorf("failed request %+v", s)
			}
			checkRun(t, r, "computerdatabase.ComputerDatabaseSimulation", "3.12.1")
		}},
	{file: "binary/taurus_gatling-3.14.3_binary.simulation.log", format: FormatBinary, requests: 39, maxUsers: 3,
		check: func(t *testing.T, r result) {
			if s := r.Samples[0]; s.Label != "request_0" || s.StartMS != 1756103749149 || s.ElapsedMS != 290 {
				t.Errorf("first sample %+v", s)
			}
		}},
	{file: "binary/taurus_gatling-3.14.3_groups_binary.simulation.log", format: FormatBinary, requests: 25, groups: 7, maxUsers: 2,
		check: func(t *testing.T, r result) {
			if s := r.Samples[0]; s.Label != "HttpBin Group / First GET" || s.StartMS != 1756674724550 || s.ElapsedMS != 576 || s.Transaction {
				t.Errorf("first sample %+v", s)
			}
			// The first group: start offset 605, end 3691, cumulated 2016.
			i := slices.IndexFunc(r.Samples, func(s sources.Sample) bool { return s.Transaction })
			if s := r.Samples[i]; s.Label != "HttpBin Group" || s.StartMS != 1756674723930+605 || s.ElapsedMS != 2016 || !s.Success {
				t.Errorf("first group %+v", s)
			}
			checkRun(t, r, "com.example.TaurusSimulationWithGroups", "3.14.3")
		}},
}

func TestCorpus(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "gatling")
	listed := map[string]bool{}
	for _, tc := range corpusFiles {
		listed[tc.file] = true
		t.Run(tc.file, func(t *testing.T) {
			r := readFile(t, filepath.Join(dir, tc.file))
			if r.Err != nil {
				t.Fatalf("Run: %v", r.Err)
			}
			want := counts{requests: tc.requests, kos: tc.kos, groups: tc.groups, maxUsers: tc.maxUsers}
			if got := countsOf(r); got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
			if r.Rows != len(r.Samples) {
				t.Errorf("Rows %d for %d samples", r.Rows, len(r.Samples))
			}
			if r.BadRows != 0 {
				t.Errorf("%d bad records: %v", r.BadRows, badStrings(r))
			}
			if len(r.Warnings) != 0 {
				t.Errorf("warnings: %q", r.Warnings)
			}
			for i, s := range r.Samples {
				if s.StartMS < 1e12 || s.ElapsedMS < 0 || s.Label == "" {
					t.Fatalf("sample %d = %+v", i, s)
				}
			}
			checkBatches(t, r, tc.format)
			if tc.check != nil && len(r.Samples) > 0 {
				tc.check(t, r)
			}
		})
	}
	// Every file of the corpus must be in the table.
	for _, sub := range []string{"text", "binary"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if name := sub + "/" + e.Name(); !listed[name] {
				t.Errorf("corpus file %s is not in the table", name)
			}
		}
	}
}

// checkBatches checks the batch protocol of a complete non-follow read.
func checkBatches(t *testing.T, r result, format string) {
	t.Helper()
	if r.CaughtUp != 1 {
		t.Errorf("%d CaughtUp batches, want 1", r.CaughtUp)
	}
	formats := map[string]bool{}
	for _, b := range r.Batches {
		if len(b.Samples) > sources.BatchRecords {
			t.Errorf("batch of %d samples, more than %d", len(b.Samples), sources.BatchRecords)
		}
		if b.Rows != len(b.Samples) {
			t.Errorf("batch Rows %d with %d samples", b.Rows, len(b.Samples))
		}
	}
	for _, h := range r.Health {
		formats[h.Format] = true
	}
	if n := len(r.Health); n == 0 || r.Health[n-1].State != sources.StateDone || r.Health[n-1].Format != format {
		t.Errorf("last health %+v, want done with format %q (saw formats %v)", r.Health, format, formats)
	}
}

// checkRun checks that the health line names the simulation and version.
func checkRun(t *testing.T, r result, simulation, version string) {
	t.Helper()
	last := r.Health[len(r.Health)-1].Detail
	if !strings.Contains(last, simulation) || !strings.Contains(last, "Gatling "+version) {
		t.Errorf("health detail %q does not name %s and Gatling %s", last, simulation, version)
	}
}
