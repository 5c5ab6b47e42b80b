package gatling

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/tail"
)

// req and grp build expected samples with the fields a simulation.log
// never fills set as the parser sets them.
func req(label string, start int64, elapsed int32, users int32) sources.Sample {
	return sources.Sample{StartMS: start, ElapsedMS: elapsed, LatencyMS: -1, ConnectMS: -1, Label: label,
		Success: true, GrpThreads: -1, AllThreads: users}
}

func ko(s sources.Sample, code, msg string) sources.Sample {
	s.Success, s.Code, s.Message = false, code, msg
	return s
}

func grp(label string, start int64, cumulated int32, ok bool, users int32) sources.Sample {
	s := req(label, start, cumulated, users)
	s.Success, s.Transaction = ok, true
	return s
}

func latency(s sources.Sample, ms int32) sources.Sample {
	s.LatencyMS = ms
	return s
}

const t0 = 1700000000000 // the fixtures' RUN start

// TestTextLayouts reads the same small simulation (a request, a failed
// request in two nested groups, the group, an ERROR record) written in each
// text layout.
func TestTextLayouts(t *testing.T) {
	payKO := func(code, msg string) sources.Sample {
		return ko(req("Shop / Checkout / Pay", t0+500, 250, 1), code, msg)
	}
	checkout := grp("Shop / Checkout", t0+450, 250, false, 1)
	tests := []struct {
		file     string
		format   string
		samples  []sources.Sample
		warnings []string
	}{
		{
			file: "text34_groups.log", format: FormatText34,
			samples: []sources.Sample{
				req("Home", t0+300, 120, 2),
				ko(req("Shop / Checkout / Pay", t0+500, 250, 2), "503",
					"status.find.in(200,201,202,203,204,205,206,207,208,209,304), but actually found 503"),
				ko(req("Shop / Cart", t0+760, 40, 2), "500", "status.find.in([200, 209], 304), found 500"),
				ko(req("Shop / Cart", t0+810, 20, 2), "", "jsonPath($.id).find.exists, found nothing"),
				grp("Shop / Checkout", t0+450, 250, false, 2),
				req("Shop / Cart", t0+1100, 50, 1),
				grp("Shop", t0+440, 310, false, 1),
			},
			warnings: []string{"Gatling error at 2023-11-14 22:13:20.950Z: java.lang.IllegalStateException: boom"},
		},
		{
			file: "text30_groups.log", format: FormatText30,
			samples: []sources.Sample{
				req("Home", t0+300, 120, 1),
				payKO("404", "status.find.is(200), but actually found 404"),
				checkout,
			},
			warnings: []string{"Gatling error at 2023-11-14 22:13:20.950Z: Request timeout to shop.example.com/10.0.0.1:443 after 60000 ms"},
		},
		{
			file: "text22_groups.log", format: FormatText22,
			samples: []sources.Sample{
				req("Home", t0+300, 120, 1),
				payKO("500", "status.find.is(200), but actually found 500"),
				checkout,
			},
			warnings: []string{"Gatling error at 2023-11-14 22:13:20.950Z: java.lang.NullPointerException: oops"},
		},
		{
			file: "text20_groups.log", format: FormatText20,
			samples: []sources.Sample{
				latency(req("Home", t0+300, 120, 1), 100),
				latency(payKO("502", "status.find.in(200,304), but actually found 502"), 200),
				checkout,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			r := readFile(t, filepath.Join("testdata", tc.file))
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			if !reflect.DeepEqual(r.Samples, tc.samples) {
				t.Errorf("samples:\n%s\nwant:\n%s", dump(r.Samples), dump(tc.samples))
			}
			if !reflect.DeepEqual(r.Warnings, tc.warnings) {
				t.Errorf("warnings %q, want %q", r.Warnings, tc.warnings)
			}
			if r.BadRows != 0 {
				t.Errorf("bad records: %v", badStrings(r))
			}
			checkBatches(t, r, tc.format)
			checkRun(t, r, "shop.CheckoutSimulation", "")
			if got, ok := Sniff(readTestdata(t, tc.file)); !ok || got != tc.format {
				t.Errorf("Sniff = %q, %v; want %q", got, ok, tc.format)
			}
		})
	}
}

func dump(s []sources.Sample) string {
	var b strings.Builder
	for _, x := range s {
		fmt.Fprintf(&b, "  %+v\n", x)
	}
	return b.String()
}

// TestTextBadRows reads broken records between good ones: each is counted
// and described with its line, none stops the reading.
func TestTextBadRows(t *testing.T) {
	r := readFile(t, filepath.Join("testdata", "text_bad_rows.log"))
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	want := []sources.Sample{req("ok1", t0, 10, -1), req("incoming", t0+200, 0, -1), req("ok2", t0+300, 20, -1)}
	if !reflect.DeepEqual(r.Samples, want) {
		t.Errorf("samples:\n%s\nwant:\n%s", dump(r.Samples), dump(want))
	}
	if r.BadRows != 6 {
		t.Errorf("%d bad records, want 6", r.BadRows)
	}
	wantBad := []string{
		"line 3: REQUEST record with 5 fields and no OK or KO in field 6, 7 or 8, where Gatling 2.2 to 3.12 write the status",
		`line 4: REQUEST start: expected a time in epoch milliseconds, found "17000000x0000"`,
		"line 5: REQUEST ends at 1700000000010, before it starts at 1700000000100",
		`line 6: record type: expected RUN, REQUEST, USER, GROUP, ERROR or ASSERTION, found "BOGUS"`,
		"line 7: USER record with 4 fields and no START or END where Gatling writes the event",
	}
	if got := badStrings(r); !reflect.DeepEqual(got, wantBad) {
		t.Errorf("bad records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantBad, "\n"))
	}
	last := r.Health[len(r.Health)-1]
	if !strings.Contains(last.Detail, "read 3 samples") || !strings.Contains(last.Detail, "6 bad records") {
		t.Errorf("final health %q", last.Detail)
	}
}

// TestTextEditedRun reads 2.2-2.3 records under a RUN record edited to say
// 3.5.1: they are read by their layout, with a warning.
func TestTextEditedRun(t *testing.T) {
	r := readFile(t, filepath.Join("testdata", "text_edited_run.log"))
	if r.Err != nil || r.BadRows != 0 {
		t.Fatalf("error %v, bad %v", r.Err, badStrings(r))
	}
	if want := []sources.Sample{req("request_1", 1617110480075, 15, 1)}; !reflect.DeepEqual(r.Samples, want) {
		t.Errorf("samples %+v", r.Samples)
	}
	want := []string{"the RUN record says Gatling 3.5.1, but the requests are laid out as in a Gatling 2.2-2.3 text simulation.log; they are read by their layout"}
	if !reflect.DeepEqual(r.Warnings, want) {
		t.Errorf("warnings %q", r.Warnings)
	}
	checkBatches(t, r, FormatText22)
}

// TestNotGatling reads files that are not simulation.logs: the error names
// the file and what its first line is.
func TestNotGatling(t *testing.T) {
	for name, data := range map[string]string{
		"results.jtl":  "timeStamp,elapsed,label,responseCode,success\n1700000000000,12,home,200,true\n",
		"k6.json":      `{"type":"Metric","data":{},"metric":"http_reqs"}` + "\n",
		"binary.log":   "\x00\x00\x00\x00\x02\xff\xfe\x00 not gatling at all",
		"v1.log":       "RUN\t20120607183415\tbasic\t \nACTION\tScenario\t1\tStart\n",
		"one-line.txt": "hello world, no newline",
	} {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, name, []byte(data))
			r := readFile(t, path)
			if r.Err == nil || !strings.Contains(r.Err.Error(), path) || !strings.Contains(r.Err.Error(), "not a Gatling") {
				t.Fatalf("Run returned %v, want a not-a-Gatling error naming %s", r.Err, path)
			}
			if len(r.Samples) != 0 {
				t.Errorf("%d samples", len(r.Samples))
			}
			last := r.Health[len(r.Health)-1]
			if last.State != sources.StateFailed || last.Err != r.Err.Error() {
				t.Errorf("final health %+v", last)
			}
			if f, ok := Sniff([]byte(data)); ok {
				t.Errorf("Sniff says %q", f)
			}
		})
	}
}

// TestSniffCorpus checks Sniff on the corpus, inflated as the CLI will.
func TestSniffCorpus(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "gatling")
	for _, tc := range corpusFiles {
		head, err := tail.Head(filepath.Join(dir, tc.file), sources.SniffBytes)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := Sniff(head); !ok || got != tc.format {
			t.Errorf("%s: Sniff = %q, %v; want %q", tc.file, got, ok, tc.format)
		}
		// A head cut anywhere after its RUN record still sniffs the same.
		if got, ok := Sniff(head[:min(len(head), 200)]); !ok || got != tc.format {
			t.Errorf("%s: Sniff of 200 bytes = %q, %v; want %q", tc.file, got, ok, tc.format)
		}
	}
}

// TestSniff checks Sniff on heads that are or are not a simulation.log.
func TestSniff(t *testing.T) {
	for head, want := range map[string]string{
		"ASSERTION\tAAECAAIFAAAAAAAAAFlA\n":                        FormatText,
		"ASSERTION\tAAEC\nRUN\tsim\tid\t1700000000000\t \t3.3.1\n": FormatText30,
		"RUN\tsim\tid\t1700000000000\t \t3.12.1\n":                 FormatText34,
		"RUN\tsim\tid\t1700000000000\t \t9.9\n":                    FormatText,
		"\x00\x00\x00\x00\x063.13.0\x00\x00\x00\x00\x03abc\x00":    FormatBinary,
		"\x00\x00\x00\x00\x093.14.0-M1\x00\x00":                    FormatBinary,
	} {
		if got, ok := Sniff([]byte(head)); !ok || got != want {
			t.Errorf("Sniff(%q) = %q, %v; want %q", head, got, ok, want)
		}
	}
	for _, head := range []string{
		"", "RUN\tonly\n", "timeStamp,elapsed,label\n", "<?xml version=\"1.0\"?><testResults>",
		"\x00\x00\x00\x00\x063.13.0", // cut before the coder
		"\x00\x00\x00\x00\x06abcdef\x00", "\x00\x01\x02\x03\x04\x05\x06\x07",
	} {
		if got, ok := Sniff([]byte(head)); ok {
			t.Errorf("Sniff(%q) = %q, want not Gatling", head, got)
		}
	}
}
