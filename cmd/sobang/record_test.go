package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/jtl"
	"github.com/sobang/sobang/sources/logs"
	"github.com/sobang/sobang/sources/record"
)

// recordFiles reads the sources to their end and records their batches at
// out, as the dashboard would have.
func recordFiles(t *testing.T, out string, srcs ...sources.Source) {
	t.Helper()
	infos := make([]sources.Info, len(srcs))
	for i, s := range srcs {
		infos[i] = s.Info()
	}
	w, err := record.Create(out, infos, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i, s := range srcs {
		var c sources.Collect
		if err := s.Run(ctx, &c); err != nil {
			t.Fatalf("%s: %v", s.Info().Name, err)
		}
		for _, b := range c.Take() {
			b.Source = i
			if err := w.Write(b); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// reportSection runs report --format json with args and returns one
// top-level section of the document.
func reportSection(t *testing.T, section string, args ...string) (json.RawMessage, map[string]json.RawMessage) {
	t.Helper()
	out, errs, code := runBin(t, append([]string{"report", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("report %v: exit %d: %s", args, code, errs)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc[section] == nil {
		t.Fatalf("report %v has no %s section:\n%s", args, section, out)
	}
	return doc[section], doc
}

// sameJSON compares two JSON documents, reading the recording rec's
// source names ("REC:NAME") in a as the names they recorded.
func sameJSON(t *testing.T, what, rec string, a, b json.RawMessage) {
	t.Helper()
	var x, y any
	a = json.RawMessage(strings.ReplaceAll(string(a), rec+":", ""))
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(x, y) {
		t.Errorf("%s differs:\n got %s\nwant %s", what, a, b)
	}
}

func TestReportOnRecording(t *testing.T) {
	dir := t.TempDir()
	jp, lp := writeSavedRun(t, dir)
	rec := filepath.Join(dir, "saved.sobang")
	recordFiles(t, rec,
		jtl.New(sources.Info{Name: jp, Kind: sources.KindJTL}, jtl.Options{}),
		logs.New(sources.Info{Name: lp, Kind: sources.KindLog}, logs.Options{}))

	want, _ := reportSection(t, "loadtest", jp, lp)
	got, doc := reportSection(t, "loadtest", rec)
	sameJSON(t, "the loadtest section of the recording's report", rec, got, want)
	var srcs []struct {
		Path string `json:"path"`
		Kind string `json:"kind"`
		Rows int    `json:"rows"`
	}
	if err := json.Unmarshal(doc["sources"], &srcs); err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 2 || srcs[0].Path != rec+":"+jp || srcs[0].Kind != "jtl" || srcs[0].Rows != 300 ||
		srcs[1].Path != rec+":"+lp || srcs[1].Kind != "log" || srcs[1].Rows != 60 {
		t.Errorf("sources of the recording: %+v", srcs)
	}
	wantLogs, _ := reportSection(t, "logs", jp, lp)
	gotLogs, _ := reportSection(t, "logs", rec)
	sameJSON(t, "the logs section of the recording's report", rec, gotLogs, wantLogs)

	// --offset naming the recording shifts every source it recorded.
	shifted, _ := reportSection(t, "loadtest", rec, "--offset", "saved.sobang=1h")
	var a, b struct{ Start time.Time }
	if err := json.Unmarshal(want, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(shifted, &b); err != nil {
		t.Fatal(err)
	}
	if b.Start.Sub(a.Start) != time.Hour {
		t.Errorf("--offset saved.sobang=1h: start %v, want %v", b.Start, a.Start.Add(time.Hour))
	}

	// check reads recordings too.
	if _, errs, code := runBin(t, "check", rec, "--slo", "p95<1s"); code != 0 {
		t.Errorf("check on the recording: exit %d: %s", code, errs)
	}
}

func TestBaselineRecording(t *testing.T) {
	dir := t.TempDir()
	old, cur := filepath.Join(dir, "old.jtl"), filepath.Join(dir, "new.jtl")
	writeRun(t, old, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), 100, 200)
	writeRun(t, cur, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), 100, 300)
	rec := filepath.Join(dir, "old.sobang")
	recordFiles(t, rec, jtl.New(sources.Info{Name: old, Kind: sources.KindJTL}, jtl.Options{}))

	want, _ := reportSection(t, "baseline", cur, "--baseline", old)
	got, _ := reportSection(t, "baseline", cur, "--baseline", rec)
	if !strings.Contains(string(want), "regression") {
		t.Fatalf("the JTL baseline finds no regression: %s", want)
	}
	sameJSON(t, "the comparison with a recorded baseline", rec, got, want)
}

func TestBadRecordingIsUsageError(t *testing.T) {
	dir := t.TempDir()
	v9 := filepath.Join(dir, "v9.sobang")
	if err := os.WriteFile(v9, []byte("SOBANG\x00\x09rest"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"report", v9}, {"report", "--baseline", v9, v9}} {
		_, errs, code := runBin(t, args...)
		if code != exitUsage || !strings.Contains(errs, v9) || !strings.Contains(errs, "format version 9") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
	// --record where no file can be created fails before the dashboard starts.
	jp, _ := writeSavedRun(t, dir)
	bad := filepath.Join(dir, "no-such-dir", "x.sobang")
	_, errs, code := runBin(t, jp, "--record", bad)
	if code != exitUsage || !strings.Contains(errs, bad) {
		t.Errorf("--record into a missing directory: exit %d, stderr %q", code, errs)
	}
}

// TestRecordNeverOverwritesInputs: --record naming a source, a baseline or
// a file that is not a recording is refused, and the file is left as it was.
func TestRecordNeverOverwritesInputs(t *testing.T) {
	dir := t.TempDir()
	jp, _ := writeSavedRun(t, dir)
	before, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(other, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{jp, "--record", jp},
		{jp, "--baseline", jp, "--record", jp},
		{jp, "--record", other},
		{"demo", "--record", other},
	} {
		_, errs, code := runBin(t, args...)
		if code != exitUsage || !strings.Contains(errs, "--record") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
	if after, _ := os.ReadFile(jp); string(after) != string(before) {
		t.Fatal("the JTL was overwritten")
	}
	if after, _ := os.ReadFile(other); string(after) != "keep me\n" {
		t.Fatal("a file that is not a recording was overwritten")
	}
}

// TestE2ERecord records a dashboard session of saved files, then reports on
// the recording.
func TestE2ERecord(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	dir := t.TempDir()
	jp, lp := writeSavedRun(t, dir)
	rec := filepath.Join(dir, "session.sobang")
	s := startTmux(t, 120, 40, fmt.Sprintf("XDG_CONFIG_HOME=%s %s --utc %s %s --record %s", t.TempDir(), bin, jp, lp, rec))
	s.waitFor("both files' data", 10*time.Second, func(sc string) bool {
		return strings.Contains(sc, "GET savedlabel") && strings.Contains(sc, "saved run heartbeat")
	})
	s.send("q")
	s.waitExit(5 * time.Second)
	// With the history: the line may have scrolled off the visible screen.
	if screen := s.run("capture-pane", "-p", "-S", "-200", "-t", s.name); !strings.Contains(screen, "recorded to "+rec) {
		t.Errorf("on exit stderr must say where the recording is; screen:\n%s", screen)
	}
	want, _ := reportSection(t, "loadtest", jp, lp)
	got, _ := reportSection(t, "loadtest", rec)
	sameJSON(t, "the loadtest section of the recorded session's report", rec, got, want)
}

// recordReportDoc runs report --format json with args and returns its document.
func recordReportDoc(t *testing.T, args ...string) map[string]json.RawMessage {
	t.Helper()
	out, errs, code := runBin(t, append([]string{"report", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("report %v: exit %d: %s", args, code, errs)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestRecordCommandRoundTrip records sources of every kind with sobang
// record and checks that report on the recording says what report on the
// sources says: every section, and each source's rows, bad rows and
// warnings.
func TestRecordCommandRoundTrip(t *testing.T) {
	dir := t.TempDir()
	jp, lp := writeSavedRun(t, dir)
	agg := filepath.Join("testdata", "aggregates")
	cases := []struct {
		name   string
		corpus bool // the inputs are corpus files, relative to it
		inputs []string
	}{
		{"jtl and log", false, []string{jp, lp}},
		{"locust", false, []string{filepath.Join(agg, "a_stats.csv")}},
		{"k6 summary", false, []string{filepath.Join(agg, "k6_summary.json")}},
		{"k6 json", true, []string{"loadtest/k6/json/desafio-votacao_k6-out-json.head5000.ndjson"}},
		{"gatling text", true, []string{"loadtest/gatling/text/nuxeo_simulation-small-v3.log"}},
		{"gatling binary", true, []string{"loadtest/gatling/binary/taurus_gatling-3.14.3_groups_binary.simulation.log"}},
		{"json log", true, []string{"logs/java/logstash-logback-encoder-tomcat.jsonl"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inputs := c.inputs
			if c.corpus {
				base := corpusDir(t)
				inputs = nil
				for _, in := range c.inputs {
					inputs = append(inputs, filepath.Join(base, in))
				}
			}
			rec := filepath.Join(dir, fmt.Sprintf("rec%d.sobang", i))
			out, errs, code := runBin(t, append([]string{"record", "--out", rec}, inputs...)...)
			if code != 0 || out != "" || !strings.Contains(errs, "recorded "+fmt.Sprint(len(inputs))+" sources to "+rec) {
				t.Fatalf("record: exit %d, stdout %q, stderr %q", code, out, errs)
			}
			want, got := recordReportDoc(t, inputs...), recordReportDoc(t, rec)
			for k := range want {
				if k == "generated" {
					continue
				}
				sameJSON(t, "the "+k+" section of the recording's report", rec, got[k], want[k])
			}
			if len(got) != len(want) {
				t.Errorf("sections %d, want %d", len(got), len(want))
			}
		})
	}
}

// TestRecordCommandFollows records a JTL (followed) and a /metrics URL
// for --duration (long enough for two scrapes on a loaded machine): every
// row of the JTL and a scrape a second are in the
// recording, which is closed with its index, and the URL's password is
// not.
func TestRecordCommandFollows(t *testing.T) {
	dir := t.TempDir()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "# TYPE up gauge\nup 1\n# TYPE reqs_total counter\nreqs_total 42\n")
	}))
	defer srv.Close()
	url := strings.Replace(srv.URL, "http://", "http://user:s3cret@", 1) + "/metrics"
	jp := filepath.Join(dir, "live.jtl")
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	writeRun(t, jp, start, 20, 0)
	rec := filepath.Join(dir, "live.sobang")
	_, errs, code := runBin(t, "record", "--jtl", jp, "--scrape", url, "--duration", "4s", "--out", rec)
	if code != 0 {
		t.Fatalf("record: exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	r, err := record.Open(rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("a finished recording: warnings %q", r.Warnings)
	}
	scrapes, samples := 0, 0
	plain := &strings.Builder{}
	if _, err := r.Walk(0, func(it record.Item) error {
		if e := it.Entry; e != nil {
			scrapes += len(e.Batch.Scrapes)
			samples += len(e.Batch.Samples)
			fmt.Fprintf(plain, "%+v", e.Batch)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	jtlData, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(string(jtlData), "\n") - 1; scrapes < 2 || samples != rows {
		t.Errorf("%d scrapes and %d samples recorded; want at least 2 and %d", scrapes, samples, rows)
	}
	for i, s := range r.Header.Sources {
		fmt.Fprintf(plain, "%d %s", i, s.Name)
	}
	if strings.Contains(plain.String(), "s3cret") || strings.Contains(string(data), "s3cret") {
		t.Error("the URL's password is in the recording")
	}
}

// TestReportOnDamagedRecording flips a byte inside a recording's batches:
// report still exits 0, lists the damage in the source's warnings and on
// stderr, naming the file and the offset.
func TestReportOnDamagedRecording(t *testing.T) {
	dir := t.TempDir()
	jp, lp := writeSavedRun(t, dir)
	rec := filepath.Join(dir, "run.sobang")
	if _, errs, code := runBin(t, "record", jp, lp, "--out", rec); code != 0 {
		t.Fatalf("record: %s", errs)
	}
	r, err := record.Open(rec)
	if err != nil {
		t.Fatal(err)
	}
	var hit record.FrameInfo
	for _, f := range r.Frames() {
		if f.Kind == record.FrameBatches {
			hit = f
		}
	}
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	data[hit.Offset+70] ^= 0xff
	if err := os.WriteFile(rec, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runBin(t, "report", "--format", "json", rec)
	where := fmt.Sprintf("%s: the frame at offset %d is damaged", rec, hit.Offset)
	if code != 0 || !strings.Contains(errs, where) {
		t.Fatalf("exit %d, stderr %q; want 0 and %q", code, errs, where)
	}
	var doc struct {
		Sources []struct{ Warnings []string } `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Sources) == 0 || !strings.Contains(strings.Join(doc.Sources[0].Warnings, "\n"), where) {
		t.Errorf("sources %+v", doc.Sources)
	}
}

// TestRecordCommandUsage: no --out, --out over an input or over a file
// that is not a recording, are usage errors that leave files as they were.
func TestRecordCommandUsage(t *testing.T) {
	dir := t.TempDir()
	jp, _ := writeSavedRun(t, dir)
	other := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(other, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"record", jp}, "--out"},
		{[]string{"record", "--out", filepath.Join(dir, "x.sobang")}, "at least one SOURCE"},
		{[]string{"record", jp, "--out", jp}, "one of the inputs"},
		{[]string{"record", jp, "--out", other}, "not a .sobang recording"},
	} {
		_, errs, code := runBin(t, c.args...)
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q", c.args, code, errs)
		}
	}
	if after, _ := os.ReadFile(other); string(after) != "keep me\n" {
		t.Fatal("a file that is not a recording was overwritten")
	}
}

// TestReplayUsage: what replay refuses before it takes the screen, each a
// usage error that says why.
func TestReplayUsage(t *testing.T) {
	dir := t.TempDir()
	jp, lp := writeSavedRun(t, dir)
	rec := filepath.Join(dir, "run.sobang")
	if _, errs, code := runBin(t, "record", "--out", rec, jp, lp); code != 0 {
		t.Fatalf("record: exit %d: %s", code, errs)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"speed zero", []string{"replay", rec, "--speed", "0"}, `--speed: expected a number from 0.0625 to 4096, found "0"`},
		{"speed too high", []string{"replay", rec, "--speed", "10000"}, `--speed: expected a number from 0.0625 to 4096`},
		{"from outside", []string{"replay", rec, "--from", "+2h"}, "--from +2h is outside the recording (2026-11-24T09:00:00"},
		{"from unreadable", []string{"replay", rec, "--from", "soon"}, "--from:"},
		{"not a recording", []string{"replay", jp}, "not a sobang recording"},
		{"first format", []string{"replay", filepath.Join("..", "..", "sources", "record", "testdata", "v1.sobang")}, "a recording of the first format has no data times"},
		{"no file", []string{"replay"}, "accepts 1 arg"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := runBin(t, append(c.args, "--utc")...)
			if code != exitUsage || out != "" || !strings.Contains(errs, c.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, out, errs, exitUsage, c.want)
			}
		})
	}
}

// TestRecordingMarksReachTheDashboard: a recording opened as a source gives
// the dashboard the marks still set in it, moved by its --offset.
func TestRecordingMarksReachTheDashboard(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir := t.TempDir()
	jp, lp := writeSavedRun(t, dir)
	path := filepath.Join(dir, "marks.sobang")
	recordFiles(t, path, jtl.New(sources.Info{Name: jp, Kind: sources.KindJTL}, jtl.Options{}))
	// Marks written after the batches, as R writes them.
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	rs := &sessionRecordings{dir: dir, infos: []sources.Info{{Name: lp, Kind: sources.KindLog}}, clock: sources.NewManualClock(start)}
	rec, err := rs.start()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		at      time.Duration
		note    string
		removed bool
	}{{30 * time.Second, "gone", false}, {10 * time.Second, "", false}, {10 * time.Second, "pool ran dry", false}, {30 * time.Second, "", true}} {
		if err := rec.Mark(start.Add(m.at).UnixMilli(), m.note, m.removed); err != nil {
			t.Fatal(err)
		}
	}
	rs.finish()
	if want := "sobang-20261124-090000.sobang"; rec.Name() != filepath.Join(dir, want) {
		t.Errorf("R's recording is %s, want %s in %s", rec.Name(), want, dir)
	}
	again, err := rs.start()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "sobang-20261124-090000-2.sobang"); again.Name() != want {
		t.Errorf("a second recording in the same second is %s, want %s", again.Name(), want)
	}
	rs.finish()

	var sf sourceFlags
	fs := pflag.NewFlagSet("sobang", pflag.ContinueOnError)
	sf.register(fs)
	if err := fs.Parse([]string{"--offset", "sobang-20261124-090000.sobang=2s"}); err != nil {
		t.Fatal(err)
	}
	specs, err := sf.specs([]string{rec.Name(), path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sf.build(specs, false, nil); err != nil {
		t.Fatal(err)
	}
	if want := []int64{start.Add(12 * time.Second).UnixMilli()}; !reflect.DeepEqual(sf.marks, want) {
		t.Errorf("marks %v, want %v (the one still set, 2 s later)", sf.marks, want)
	}
	if want := map[int64]string{start.Add(12 * time.Second).UnixMilli(): "pool ran dry"}; !reflect.DeepEqual(sf.notes, want) {
		t.Errorf("notes %v, want %v", sf.notes, want)
	}
}
