package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/jtl"
	"github.com/sobang/sobang/sources/loadtest/jtl/jtlgen"
)

type countSink struct{ samples, bad int }

func (c *countSink) Push(_ context.Context, b sources.Batch) error {
	c.samples += len(b.Samples)
	c.bad += b.BadRows
	return nil
}

func TestShape(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "small.jtl")
	if err := run([]string{"-size", "4MB", "-o", path}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 4<<20 || len(data) > 4<<20+200 {
		t.Fatalf("%d bytes, want 4 MiB and less than a row more", len(data))
	}
	// The transaction message is quoted exactly as JMeter writes it.
	if want := `,"` + jtlgen.TransactionMessage + `",`; !bytes.Contains(data, []byte(want)) {
		t.Errorf("no %s in the output", want)
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]int{}
	first, last := int64(1<<63-1), int64(0)
	for i, r := range recs {
		if len(r) != 12 {
			t.Fatalf("row %d: %d columns, want 12", i+1, len(r))
		}
		ts, err := strconv.ParseInt(r[0], 10, 64)
		if err != nil {
			t.Fatalf("row %d: timeStamp %q", i+1, r[0])
		}
		first, last = min(first, ts), max(last, ts)
		labels[r[2]]++
		if r[2] == jtlgen.Transaction && !strings.HasPrefix(r[4], "Number of samples in transaction : 2,") {
			t.Fatalf("row %d: transaction message %q", i+1, r[4])
		}
	}
	if len(labels) != 3 {
		t.Errorf("labels %v, want 3", labels)
	}
	for _, l := range jtlgen.Labels {
		if n := labels[l]; n < len(recs)/3-1 || n > len(recs)/3+1 {
			t.Errorf("label %q: %d of %d rows, want a third", l, n, len(recs))
		}
	}
	if avg := float64(len(data)) / float64(len(recs)); avg < 96 || avg > 100 {
		t.Errorf("%.1f bytes a row, want about 98", avg)
	}
	// 3.3 h per GiB: 4 MiB spans 4/1024 of it.
	want := float64(jtlgen.SpanPerGiB.Milliseconds()) * float64(len(data)) / jtlgen.GiB
	if span := float64(last - first); span < want*0.97 || span > want*1.03 {
		t.Errorf("span %.0f ms, want about %.0f", span, want)
	}

	// The jtl source reads every row and finds none bad.
	sink := &countSink{}
	src := jtl.New(sources.Info{Name: path, Kind: sources.KindJTL, Zone: time.UTC}, jtl.Options{})
	if err := src.Run(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	if sink.samples != len(recs) || sink.bad != 0 {
		t.Errorf("jtl source: %d samples and %d bad rows, want %d and 0", sink.samples, sink.bad, len(recs))
	}
}

func TestDeterministicAndGzip(t *testing.T) {
	dir := t.TempDir()
	a, b, z := filepath.Join(dir, "a.jtl"), filepath.Join(dir, "b.jtl"), filepath.Join(dir, "c.jtl.gz")
	for _, args := range [][]string{{"-size", "300KB", "-o", a}, {"-size", "300KB", "-o", b}, {"-size", "300KB", "-gzip", "-o", z}} {
		if err := run(args, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Fatal("two runs with the same flags differ")
	}
	f, err := os.Open(z)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dz, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(da, dz) {
		t.Fatal("-gzip output does not inflate to the plain output")
	}
}

func TestFrom(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.jtl")
	if err := os.WriteFile(base, []byte(strings.Join(jtlgen.Header, ",")+"\n"+
		"1393227741256,1425,Login,200,OK,Thread Group 1-1,text,true,3478,1,1,1016\n"+
		"1393227742815,59,\"Say \"\"hi\"\", go\",200,OK,Thread Group 1-1,text,true,3100,1,1,38\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.jtl")
	if err := run([]string{"-from", base, "-size", "10KB", "-o", out}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 100 || recs[1][2] != `Say "hi", go` || !bytes.Contains(data, []byte(`,"Say ""hi"", go",`)) {
		t.Fatalf("%d rows, second label %q", len(recs), recs[1][2])
	}
}
