package gatling

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// fuzzChunking parses data in one piece and cut in two at cut, and fails
// when the two disagree: a record must not depend on where reads end.
func fuzzChunking(t *testing.T, data []byte, cut uint16) {
	whole, wholeErr := parseChunks(data)
	at := 0
	if len(data) > 0 {
		at = int(cut) % (len(data) + 1)
	}
	split, splitErr := parseChunks(data, at)
	if fmt.Sprint(wholeErr) != fmt.Sprint(splitErr) {
		t.Fatalf("cut at %d: error %v, in one piece %v", at, splitErr, wholeErr)
	}
	if !reflect.DeepEqual(whole.Samples, split.Samples) || whole.BadRows != split.BadRows ||
		!reflect.DeepEqual(whole.Bad, split.Bad) || !reflect.DeepEqual(whole.Warnings, split.Warnings) {
		t.Fatalf("cut at %d: %d samples, bad %v; in one piece %d samples, bad %v",
			at, len(split.Samples), split.Bad, len(whole.Samples), whole.Bad)
	}
	if whole.Rows != len(whole.Samples) {
		t.Fatalf("Rows %d for %d samples", whole.Rows, len(whole.Samples))
	}
	loadtesttest.CheckSafeText(t, whole.Samples)
	for _, s := range whole.Samples {
		if s.ElapsedMS < 0 {
			t.Fatalf("negative elapsed: %+v", s)
		}
	}
}

// FuzzText must not panic, and must read the same records however the
// input is cut into chunks.
func FuzzText(f *testing.F) {
	loadtesttest.AddSeeds(f, "text*.log", "gatling",
		"text/nuxeo_simulation-small.log", "text/nuxeo_simulation-v2.3.log", "text/nuxeo_simulation-small-v3.4.log",
		"text/taurus_gatling-3.3.1.simulation.log", "text/nuxeo_simulation-1.log.gz")
	f.Add([]byte("RUN\ts\ti\t1\t \t3.4\nREQUEST\ta,b\tn\t1\t-9223372036854775808\tKO\tstatus.x found 500\r\n"), uint16(30))
	f.Add([]byte("GROUP\tm\tsg\t1\nERROR\tx\ty\n"), uint16(5))
	f.Add([]byte("RUN\ts\ti\t1\t \t3.9.5\nREQUEST\t\x1b[2Jg\t\x1b]2;t\x07n\u202e\t1\t2\tKO\t\x1b]52;c;AA\x07m\n"), uint16(40))
	f.Fuzz(fuzzChunking)
}

// FuzzBinary is FuzzText for the binary format, seeded with the corpus and
// with generated logs (nested groups, UTF-16 strings, errors).
func FuzzBinary(f *testing.F) {
	loadtesttest.AddSeeds(f, "", "gatling",
		"binary/gatling_known_stats_3.12.1dev_binary.simulation.log",
		"binary/taurus_gatling-3.14.3_binary.simulation.log",
		"binary/taurus_gatling-3.14.3_groups_binary.simulation.log")
	f.Add(shopLog().Bytes(), uint16(77))
	w := newBinLog("3.13.0", t0, "S")
	w.request([]string{"g"}, "n", 1, 2, false, "status.find.is(200), but actually found 500")
	w.WriteByte(9)
	w.error("e", 3)
	f.Add(w.Bytes(), uint16(40))
	f.Fuzz(fuzzChunking)
}
