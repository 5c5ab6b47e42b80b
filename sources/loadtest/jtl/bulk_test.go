package jtl

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/sobang/sobang/sources/loadtest/jtl/jtlgen"
)

// withBulk runs f with bulk parsing on (every buffer from its settled
// layout on, segments of at least seg bytes) or off.
func withBulk(on bool, seg int, f func()) {
	savedOn, savedMin, savedSeg := bulkParsing, bulkMin, segmentBytes
	bulkParsing, bulkMin, segmentBytes = on, 0, seg
	defer func() { bulkParsing, bulkMin, segmentBytes = savedOn, savedMin, savedSeg }()
	f()
}

// sameAsSequential parses data (whole, and cut at cut) with bulk parsing
// off and on, and fails when anything differs: samples, bad rows and their
// line numbers, warnings, the error.
func sameAsSequential(t *testing.T, name string, data []byte, cut int) {
	t.Helper()
	var want, got result
	var wantErr, gotErr error
	withBulk(false, 0, func() { want, wantErr = parseChunks(data, Options{}, nil, cut) })
	for _, seg := range []int{1, 200, 16 << 10} {
		withBulk(true, seg, func() { got, gotErr = parseChunks(data, Options{}, nil, cut) })
		if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
			t.Fatalf("%s (segments of %d bytes, cut at %d): error %v, sequentially %v", name, seg, cut, gotErr, wantErr)
		}
		if !reflect.DeepEqual(want.samples, got.samples) || want.badRows != got.badRows ||
			!reflect.DeepEqual(want.bad, got.bad) || !reflect.DeepEqual(want.warnings, got.warnings) {
			t.Fatalf("%s (segments of %d bytes, cut at %d): %d samples, bad %v, warnings %q; sequentially %d samples, bad %v, warnings %q",
				name, seg, cut, len(got.samples), got.bad, got.warnings, len(want.samples), want.bad, want.warnings)
		}
	}
}

// TestBulkSameAsSequential compares bulk parsing with the sequential loop
// on every CSV fixture, every CSV file of the corpus and a generated file
// with transactions and quoted messages.
func TestBulkSameAsSequential(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	opts, _ := filepath.Glob(filepath.Join("testdata", "options", "*.csv"))
	files = append(files, opts...)
	corpus, _ := filepath.Glob(filepath.Join(corpusDir(t), "jmeter", "csv", "*"))
	files = append(files, corpus...)
	if len(files) < 10 {
		t.Fatalf("only %d files to compare", len(files))
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, cut := range []int{len(data), len(data) / 3, 7} {
			sameAsSequential(t, filepath.Base(path), data, cut)
		}
	}
	var gen bytesBuffer
	if _, err := jtlgen.Write(&gen, jtlgen.Options{Size: 300 << 10}); err != nil {
		t.Fatal(err)
	}
	sameAsSequential(t, "jtlgen", gen.b, len(gen.b)/2)
}

// bytesBuffer is the least io.Writer.
type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

// FuzzCSVBulk: bulk parsing reads exactly what the sequential loop reads.
func FuzzCSVBulk(f *testing.F) {
	addSeeds(f, "*.csv", "csv/perfplugin_multiLineCSV.jtl", "csv/taurus_doublequoting.jtl")
	addSeeds(f, "options/*.csv")
	f.Add([]byte("timeStamp,elapsed,label\n1,2,\"a\"\"b\nc\"\r\n3,4,\"x\n"), uint16(9))
	f.Fuzz(func(t *testing.T, data []byte, cut uint16) {
		at := 0
		if len(data) > 0 {
			at = int(cut) % (len(data) + 1)
		}
		sameAsSequential(t, "input", data, at)
	})
}

// FuzzCutLine: a line that cutLine takes (with its quoted fields) gives the
// same fields and quote flags as the quoted-record reader.
func FuzzCutLine(f *testing.F) {
	for _, s := range []string{
		`1,2,"Number of samples in transaction : 2, number of failing samples : 0",x`,
		`"a","b",c`, `a,"b"`, `"",""`, `a,b"c,d`, `"a""b",c`, `"a"b,c`, `"abc`, `x,"y,z"`,
		`1000000000000,123,"lab,el",200,"OK, really",Thread 1-1,text,true,,12,1,1,100`,
	} {
		f.Add([]byte(s), byte(','))
	}
	f.Add([]byte("a\t\"b\tc\"\td"), byte('\t'))
	f.Fuzz(func(t *testing.T, line []byte, delim byte) {
		if delim == '"' || delim == '\n' || delim == '\r' || bytes.IndexByte(line, '\n') >= 0 {
			return
		}
		if bytes.IndexByte(line, '\r') >= 0 {
			return // the callers trim a line's '\r' each their own way
		}
		f1, q1, ok := cutLine(nil, nil, line, delim)
		if !ok {
			if bytes.IndexByte(line, '"') < 0 {
				t.Fatalf("cutLine refused %q, which has no quote", line)
			}
			return
		}
		if len(f1) > maxFields+1 { // one more than maxFields says "more than"
			t.Fatalf("%d fields", len(f1))
		}
		rec := append(slices.Clone(line), '\n')
		f2, q2, _, n, lines, ok2 := cutQuoted(rec, delim, nil, nil, nil)
		if !ok2 || n != len(rec) || lines != 1 {
			t.Fatalf("cutQuoted(%q): ok %v, %d bytes, %d lines", rec, ok2, n, lines)
		}
		if len(f2) > maxFields {
			return
		}
		if len(q1) == 0 {
			q1 = make([]bool, len(f1))
		}
		if len(f1) != len(f2) || !slices.Equal(q1, q2) {
			t.Fatalf("%q: cutLine %q %v, cutQuoted %q %v", line, f1, q1, f2, q2)
		}
		for i := range f1 {
			if !bytes.Equal(f1[i], f2[i]) {
				t.Fatalf("%q field %d: cutLine %q, cutQuoted %q", line, i, f1[i], f2[i])
			}
		}
	})
}
