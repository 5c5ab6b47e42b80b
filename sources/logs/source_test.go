package logs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

func levels(entries []sources.LogEntry) map[sources.Level]int {
	m := map[sources.Level]int{}
	for _, e := range entries {
		m[e.Level]++
	}
	return m
}

// TestCorpusFiles reads real files through the whole source. Counts were
// taken independently once (grep/awk on the files; see each comment) and are
// hard-coded.
func TestCorpusFiles(t *testing.T) {
	dir := corpusDir(t)
	tests := []struct {
		file    string
		format  string
		entries int
		levels  map[sources.Level]int
		timed   int // entries with a timestamp
	}{
		// awk '{print $2}' | sort | uniq -c: 4 INFO, 9 DEBUG.
		{"java/springboot3-default-file-faf-moderator.log", "Spring Boot", 13,
			map[sources.Level]int{sources.LevelInfo: 4, sources.LevelDebug: 9}, 13},
		// 3 header lines (DEBUG, WARN, INFO); the other 22 are one trace.
		{"java/logback-tomcat-dbcp-stacktrace.log", "logback", 3,
			map[sources.Level]int{sources.LevelDebug: 1, sources.LevelWarn: 1, sources.LevelInfo: 1}, 3},
		// 7 lines start with a date, all ERROR.
		{"java/stacktrace-edgecases-logviewer.log", "logback", 7, map[sources.Level]int{sources.LevelError: 7}, 7},
		{"java/stacktrace-strange-frames-logviewer.log", "logback", 1, map[sources.Level]int{sources.LevelError: 1}, 1},
		{"java/logstash-logback-encoder-tomcat.jsonl", "JSON lines", 2, map[sources.Level]int{sources.LevelError: 2}, 2},
		// 34 lines, the bare "interrupt received" continues line 23.
		// grep -c 'level=error': 4; the rest info.
		{"go-structured/alloy-gokit-logfmt.log", "logfmt", 33,
			map[sources.Level]int{sources.LevelInfo: 29, sources.LevelError: 4}, 33},
		{"go-structured/logrus-logfmt-lnav.log", "logfmt", 5,
			map[sources.Level]int{sources.LevelError: 2, sources.LevelWarn: 1, sources.LevelInfo: 2}, 5},
		// Three records; the error record carries 6 Go stack lines.
		{"go-structured/zap-console-otelcol-lnav.log", "timestamped text", 3,
			map[sources.Level]int{sources.LevelInfo: 2, sources.LevelError: 1}, 3},
		{"go-structured/ecs-json-python-lnav.jsonl", "JSON lines", 5, map[sources.Level]int{
			sources.LevelDebug: 1, sources.LevelInfo: 1, sources.LevelWarn: 1, sources.LevelError: 1, sources.LevelFatal: 1}, 5},
		{"go-structured/prometheus-2.48-gokit-json-hl.log", "JSON lines", 33, nil, 33},
		// awk '{print $9}' | cut -c1: 938 2xx, 38 3xx, 24 4xx.
		{"access/nginx-combined-xff-zanbil-lnav.log", "access log", 1000,
			map[sources.Level]int{sources.LevelInfo: 976, sources.LevelWarn: 24}, 1000},
		// grep -c -- '- LEVEL ': 669 INFO, 1318 WARN, 13 ERROR.
		{"loghub/Zookeeper/Zookeeper_2k.log", "timestamped text", 2000,
			map[sources.Level]int{sources.LevelInfo: 669, sources.LevelWarn: 1318, sources.LevelError: 13}, 2000},
		// awk '{print $3}': 1040 INFO, 808 WARN, 150 ERROR, 2 FATAL.
		{"loghub/Hadoop/Hadoop_2k.log", "timestamped text", 2000, map[sources.Level]int{
			sources.LevelInfo: 1040, sources.LevelWarn: 808, sources.LevelError: 150, sources.LevelFatal: 2}, 2000},
		// awk '{print $4}': 1920 INFO, 80 WARN; the last line has no newline.
		{"loghub/HDFS/HDFS_2k.log", "text (yyMMdd HHmmss timestamps)", 2000,
			map[sources.Level]int{sources.LevelInfo: 1920, sources.LevelWarn: 80}, 2000},
		{"loghub/Spark/Spark_2k.log", "text (yy/MM/dd timestamps)", 2000, map[sources.Level]int{sources.LevelInfo: 2000}, 2000},
		// awk '{print $6}': 595 [error], 1405 [notice].
		{"loghub/Apache/Apache_2k.log", "text (ctime timestamps)", 2000,
			map[sources.Level]int{sources.LevelError: 595, sources.LevelInfo: 1405}, 2000},
		// Docker json-file records, three of them parts of one line
		// (fluent-bit's fixture): six lines, plain text.
		{"container/docker-json-file-partial-lines-fluentbit.log", "plain text in docker json-file", 6, nil, 0},
		// JSON inside JSON: the application's own time and level.
		{"container/docker-json-file-istio-proxy-fluentbit.log", "JSON lines in docker json-file", 1, map[sources.Level]int{sources.LevelInfo: 1}, 1},
		{"loghub/OpenSSH/OpenSSH_2k.log", "syslog", 2000, nil, 2000},
		{"loghub/Linux/Linux_2k.log", "syslog", 2000, nil, 2000},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := readAll(t, filepath.Join(dir, tt.file), sources.Info{})
			h := r.lastHealth()
			if h.Format != tt.format || h.State != sources.StateDone {
				t.Errorf("health %s/%q, want done/%q", h.State, h.Format, tt.format)
			}
			if r.caughtUp != 1 {
				t.Errorf("CaughtUp pushed %d times", r.caughtUp)
			}
			if len(r.entries) != tt.entries || r.rows != tt.entries {
				t.Fatalf("%d entries (%d rows), want %d", len(r.entries), r.rows, tt.entries)
			}
			if r.badRows != 0 {
				t.Errorf("%d bad rows: %v", r.badRows, r.bad)
			}
			if tt.levels != nil {
				if got := levels(r.entries); fmt.Sprint(got) != fmt.Sprint(tt.levels) {
					t.Errorf("levels %v, want %v", got, tt.levels)
				}
			}
			timed := 0
			for _, e := range r.entries {
				if !e.Time.IsZero() {
					timed++
				}
			}
			if timed != tt.timed {
				t.Errorf("%d entries with a time, want %d", timed, tt.timed)
			}
		})
	}
}

func TestCorpusStackTraces(t *testing.T) {
	dir := corpusDir(t)
	r := readAll(t, filepath.Join(dir, "java/logback-tomcat-dbcp-stacktrace.log"), sources.Info{})
	// The WARN entry (the file has no ERROR) owns the exception line and its
	// 21 frames, indented with 8 spaces.
	warn := r.entries[1]
	if warn.Level != sources.LevelWarn || warn.LineNo != 2 || len(warn.Lines) != 23 {
		t.Fatalf("entry 2: %v line %d, %d lines", warn.Level, warn.LineNo, len(warn.Lines))
	}
	if !strings.HasPrefix(warn.Lines[1], "com.mysql.jdbc.exceptions.jdbc4.MySQLNonTransientConnectionException") ||
		warn.Lines[22] != "        at java.util.TimerThread.run(Timer.java:505)" {
		t.Errorf("trace lines: %q ... %q", warn.Lines[1], warn.Lines[22])
	}
	if want := time.Date(2016, 12, 2, 16, 45, 26, 321e6, time.UTC); !warn.Time.Equal(want) || warn.LevelText != "WARN" ||
		warn.Lines[0][warn.LevelCol:warn.LevelCol+4] != "WARN" {
		t.Errorf("WARN entry header: %v %q at %d", warn.Time, warn.LevelText, warn.LevelCol)
	}
	if r.entries[2].LineNo != 25 {
		t.Errorf("last entry at line %d, want 25", r.entries[2].LineNo)
	}

	// Edge cases: multi-line messages, "... 118 more", a record that ends in
	// a blank line; with a header format they all join their header.
	r = readAll(t, filepath.Join(dir, "java/stacktrace-edgecases-logviewer.log"), sources.Info{})
	var got []string
	for _, e := range r.entries {
		got = append(got, fmt.Sprintf("%d:%d", e.LineNo, len(e.Lines)))
	}
	if strings.Join(got, " ") != "1:7 8:6 14:8 22:5 27:1 28:9 37:1" {
		t.Errorf("edge-case entries %v", got)
	}
	if last := r.entries[5].Lines; last[len(last)-1] != "" || last[len(last)-2] != "        at org.apache.catalina.connector.OutputBuffer.doFlush(OutputBuffer.java:370)" {
		t.Errorf("entry at 28 ends %q", last[len(last)-2:])
	}

	// The zap console record with Go stack lines (TABs expanded).
	r = readAll(t, filepath.Join(dir, "go-structured/zap-console-otelcol-lnav.log"), sources.Info{})
	if e := r.entries[1]; e.Level != sources.LevelError || len(e.Lines) != 7 || !strings.HasPrefix(e.Lines[1], "go.opentelemetry.io/collector/exporter/exporterhelper") {
		t.Errorf("zap error entry: %v, %d lines", e.Level, len(e.Lines))
	}
	if strings.Contains(r.entries[0].Lines[0], "\t") {
		t.Error("a tab survived sanitising")
	}
}

// TestHostileCorpus pushes every hostile file through the source: no panic,
// every line display-safe, and no line lost.
func TestHostileCorpus(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "hostile")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) == 0 {
		t.Fatalf("no files in %s", dir)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want := bytes.Count(data, []byte("\n"))
			if len(data) > 0 && data[len(data)-1] != '\n' {
				want++
			}
			r := readAll(t, f, sources.Info{})
			n := 0
			for _, e := range r.entries {
				for _, l := range e.Lines {
					if !sanitize.Safe(l) || strings.ContainsAny(l, "\x1b\t\r") {
						t.Fatalf("line %d not display-safe: %q", e.LineNo, l)
					}
					n++
				}
				if e.LevelCol >= 0 && e.Lines[0][e.LevelCol:e.LevelCol+len(e.LevelText)] != e.LevelText {
					t.Fatalf("LevelCol %d does not point at %q in %q", e.LevelCol, e.LevelText, e.Lines[0])
				}
			}
			if n != want {
				t.Errorf("%d lines out, %d in", n, want)
			}
		})
	}
	// The coloured syslog file is still read as syslog, with its times.
	r := readAll(t, filepath.Join(dir, "syslog-with-sgr-colors-lnav.log"), sources.Info{})
	if h := r.lastHealth(); h.Format != "syslog" || len(r.entries) != 10 || r.entries[0].Time.IsZero() {
		t.Errorf("coloured syslog: %q, %d entries", h.Format, len(r.entries))
	}
	if r.entries[0].Lines[0][:15] != "Sep 19 09:24:04" {
		t.Errorf("colours not removed: %q", r.entries[0].Lines[0])
	}
}

// writeFile creates a file in a temporary directory.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestJSONBadRows(t *testing.T) {
	path := writeFile(t, "app.jsonl", `{"time":"2024-01-01T00:00:00Z","level":"info","msg":"a"}`+"\n"+
		"\n"+
		"panic: not json\n"+
		`{"time":"2024-01-01T00:00:01Z","level":"error","msg":"b"}`+"\n")
	r := readAll(t, path, sources.Info{})
	if len(r.entries) != 3 || r.badRows != 1 || len(r.bad) != 1 || r.bad[0].Line != 3 {
		t.Fatalf("%d entries, %d bad rows %v", len(r.entries), r.badRows, r.bad)
	}
	if !strings.Contains(r.bad[0].Reason, "expected a JSON object") {
		t.Errorf("reason %q", r.bad[0].Reason)
	}
	// The non-JSON line is shown as its own entry, at the time before it.
	if e := r.entries[1]; e.Lines[0] != "panic: not json" || !e.Time.Equal(r.entries[0].Time) || e.LineNo != 3 {
		t.Errorf("bad line entry: %+v", e)
	}
}

// TestContainerEnvelopes: a Kubernetes CRI log of a Spring Boot service,
// a stack trace split into partial records, reads as the service's own log;
// a payload without a time of its own gets the runtime's.
func TestContainerEnvelopes(t *testing.T) {
	path := writeFile(t, "api-0_default_api.log", ""+
		"2024-05-01T10:00:00.100000000Z stdout F 2024-05-01T10:00:00.050Z  INFO 1 --- [main] c.e.Api : Started Api in 2.1 seconds\n"+
		"2024-05-01T10:00:05.000000000Z stdout P 2024-05-01T10:00:04.990Z ERROR 1 --- [exec-1] c.e.Api : Transfer failed: pool \n"+
		"2024-05-01T10:00:05.000000001Z stdout F exhausted\n"+
		"2024-05-01T10:00:05.000000002Z stdout F java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available\n"+
		"2024-05-01T10:00:05.000000003Z stdout F \tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)\n")
	r := readAll(t, path, sources.Info{})
	if h := r.lastHealth(); h.Format != "Spring Boot in Kubernetes CRI" {
		t.Errorf("format %q", h.Format)
	}
	if len(r.entries) != 2 {
		t.Fatalf("%d entries: %+v", len(r.entries), r.entries)
	}
	e := r.entries[1]
	if e.Level != sources.LevelError || len(e.Lines) != 3 || !strings.HasSuffix(e.Lines[0], "Transfer failed: pool exhausted") ||
		!e.Time.Equal(time.Date(2024, 5, 1, 10, 0, 4, 990_000_000, time.UTC)) {
		t.Errorf("the failure: %v %s %q", e.Time, e.Level, e.Lines)
	}

	path = writeFile(t, "plain.log", `{"log":"starting\n","stream":"stdout","time":"2024-05-01T10:00:00.5Z"}`+"\n"+
		`{"log":"ready\n","stream":"stdout","time":"2024-05-01T10:00:01.5Z"}`+"\n")
	r = readAll(t, path, sources.Info{})
	if len(r.entries) != 2 || !r.entries[1].Time.Equal(time.Date(2024, 5, 1, 10, 0, 1, 500_000_000, time.UTC)) || r.entries[1].Lines[0] != "ready" {
		t.Errorf("plain payloads: %+v", r.entries)
	}
}

func TestPlainTextAndInheritedTime(t *testing.T) {
	path := writeFile(t, "plain.log", "starting up\nWARN: disk almost full\njava.lang.IllegalStateException: boom\n\tat a.b(C.java:1)\ndone")
	r := readAll(t, path, sources.Info{})
	if h := r.lastHealth(); h.Format != "plain text" {
		t.Errorf("format %q", h.Format)
	}
	var got []string
	for _, e := range r.entries {
		got = append(got, fmt.Sprintf("%d:%d:%s", e.LineNo, len(e.Lines), e.Level))
	}
	if strings.Join(got, " ") != "1:1: 2:1:WARN 3:2: 5:1:" {
		t.Errorf("entries %v", got)
	}
	for _, e := range r.entries {
		if !e.Time.IsZero() {
			t.Errorf("plain entry with a time: %v", e.Time)
		}
	}
}

// TestOffsetAndZone checks that zone-less times are read in the source's
// zone and that the source leaves --offset to the store (one place for
// every kind of source).
func TestOffsetAndZone(t *testing.T) {
	path := writeFile(t, "z.log", "2024-01-01 10:00:00.000  INFO 1 --- [main] a.B : x\n2024-01-01T10:00:00.000Z  INFO 1 --- [main] a.B : y\n")
	tokyo := time.FixedZone("JST", 9*3600)
	r := readAll(t, path, sources.Info{Zone: tokyo, Offset: 2 * time.Second})
	want := []time.Time{
		time.Date(2024, 1, 1, 1, 0, 0, 0, time.UTC), // zone-less: read in JST
		time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC),
	}
	for i, e := range r.entries {
		if !e.Time.Equal(want[i]) {
			t.Errorf("entry %d at %v, want %v", i, e.Time, want[i])
		}
	}
}

// TestClock checks that the source takes "now" from Info.Clock: the year of
// syslog stamps around New Year, and the time of its health.
func TestClock(t *testing.T) {
	path := writeFile(t, "syslog", "Dec 31 23:59:58 host app: x\nJan  1 00:00:01 host app: y\n")
	now := time.Date(2027, 1, 1, 0, 0, 5, 0, time.UTC)
	r := readAll(t, path, sources.Info{Clock: sources.NewManualClock(now)})
	want := []time.Time{
		time.Date(2026, 12, 31, 23, 59, 58, 0, time.UTC),
		time.Date(2027, 1, 1, 0, 0, 1, 0, time.UTC),
	}
	if len(r.entries) != len(want) {
		t.Fatalf("%d entries, want %d", len(r.entries), len(want))
	}
	for i, e := range r.entries {
		if !e.Time.Equal(want[i]) {
			t.Errorf("entry %d at %v, want %v", i, e.Time, want[i])
		}
	}
	if h := r.lastHealth(); !h.Since.Equal(now) {
		t.Errorf("health since %v, want the clock's %v", h.Since, now)
	}
}

func TestBatches(t *testing.T) {
	var b strings.Builder
	const n = 2*sources.BatchRecords + 10
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "2024-01-01T00:00:%02d.000Z  INFO 1 --- [main] a.B : line %d\n", i%60, i)
	}
	r := readAll(t, writeFile(t, "big.log", b.String()), sources.Info{})
	if len(r.entries) != n {
		t.Fatalf("%d entries, want %d", len(r.entries), n)
	}
	for i, e := range r.entries {
		if e.LineNo != i+1 {
			t.Fatalf("entry %d has line %d", i, e.LineNo)
		}
	}
}

func TestMissingFile(t *testing.T) {
	var r recorder
	err := New(sources.Info{Name: filepath.Join(t.TempDir(), "nope.log")}, Options{}).Run(context.Background(), &r)
	if err == nil || r.lastHealth().State != sources.StateFailed {
		t.Errorf("err %v, health %+v", err, r.lastHealth())
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name, head, format string
		ok                 bool
	}{
		{"spring boot", "2023-10-18T20:09:06.941-04:00  INFO 498248 --- [main] o.s.b.SpringApplication : Starting\n", "Spring Boot", true},
		{"json", `{"level":"info","msg":"x"}` + "\n", "JSON lines", true},
		{"coloured syslog", "\x1b[32mSep 19 \x1b[0m09:24:04 host app[1]: x\n", "syslog", true},
		{"plain", "hello\nworld\n", "plain text", true},
		{"cut last line ignored", "2023-10-18T20:09:06.941-04:00  INFO 1 --- [main] a : x\n{\"le", "Spring Boot", true},
		{"jtl csv", "timeStamp,elapsed,label,responseCode\n1700000000000,12,home,200\n", "", false},
		{"jtl xml", "<?xml version=\"1.0\"?>\n<testResults version=\"1.2\">\n", "", false},
		{"binary", "\x00\x01\x02ELF", "", false},
		{"control soup", strings.Repeat("\x01\x02\x03a", 10), "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := Sniff([]byte(tt.head))
			if f != tt.format || ok != tt.ok {
				t.Errorf("Sniff = %q, %v; want %q, %v", f, ok, tt.format, tt.ok)
			}
		})
	}
}

// stdinSource runs a source over a pipe and returns its writer.
func stdinSource(t *testing.T, r *recorder) (*io.PipeWriter, <-chan error, context.CancelFunc) {
	pr, pw := io.Pipe()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	done := make(chan error, 1)
	go func() { done <- New(sources.Info{Name: "-", Zone: time.UTC}, Options{Stdin: pr}).Run(ctx, r) }()
	t.Cleanup(func() { cancel(); pw.Close() })
	return pw, done, cancel
}

func TestStdin(t *testing.T) {
	var r recorder
	pw, done, _ := stdinSource(t, &r)
	write := func(s string) {
		if _, err := io.WriteString(pw, s); err != nil {
			t.Fatal(err)
		}
	}
	write("2024-01-01 00:00:00.000  INFO 1 --- [main] a.B : first\n2024-01-01 00:00:01.000 ERROR 1 --- [main] a.B : bo")
	write("om\njava.lang.IllegalStateException: x\n\tat a.b(C.java:1)\n")
	// The trace is the last thing written: it shows after the silence.
	waitFor(t, 5*time.Second, "the trailing stack trace", func() bool { return len(r.snapshot()) == 2 })
	e := r.snapshot()[1]
	if e.Level != sources.LevelError || len(e.Lines) != 3 || e.Lines[0] != "2024-01-01 00:00:01.000 ERROR 1 --- [main] a.B : boom" {
		t.Fatalf("trace entry %+v", e)
	}
	if h := r.lastHealth(); h.Format != "Spring Boot" || h.State != sources.StateFollowing {
		t.Errorf("health %+v", h)
	}
	// A frame that comes after the flush is shown as a continuation: the
	// time and level of the entry it continues, no level column.
	write("\tat late.frame(D.java:2)\n")
	waitFor(t, 5*time.Second, "the late frame", func() bool { return len(r.snapshot()) == 3 })
	late := r.snapshot()[2]
	if late.Level != sources.LevelError || !late.Time.Equal(e.Time) || late.LevelCol != -1 || late.LineNo != 5 {
		t.Errorf("late frame entry %+v", late)
	}
	write("2024-01-01 00:00:02.000  WARN 1 --- [main] a.B : last, no newline")
	pw.Close()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	got := r.snapshot()
	if len(got) != 4 || got[3].Level != sources.LevelWarn || got[3].LineNo != 6 {
		t.Fatalf("after EOF: %d entries", len(got))
	}
	if h := r.lastHealth(); h.State != sources.StateDone || r.caughtUp != 1 {
		t.Errorf("health %+v, caught up %d", h, r.caughtUp)
	}
}

// TestStdinBannerThenLog checks that a stream whose first lines are a banner
// (detected as plain text) switches to the real format when it comes.
func TestStdinBannerThenLog(t *testing.T) {
	var r recorder
	pw, done, _ := stdinSource(t, &r)
	io.WriteString(pw, "  .   ____          _\n :: Spring Boot ::  (v3.2.0)\n\n")
	waitFor(t, 5*time.Second, "the banner", func() bool { return len(r.snapshot()) == 3 })
	var b strings.Builder
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "2024-01-01T00:00:%02d.000Z  INFO 1 --- [main] a.B : line %d\n", i, i)
	}
	io.WriteString(pw, b.String())
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := r.snapshot()
	if len(got) != 33 || got[32].Level != sources.LevelInfo || got[32].Time.IsZero() {
		t.Fatalf("%d entries, last %+v", len(got), got[len(got)-1])
	}
	if h := r.lastHealth(); h.Format != "Spring Boot" {
		t.Errorf("format %q", h.Format)
	}
}

// appendFile appends text to path (a writer in another process would).
func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

func TestFollowFile(t *testing.T) {
	path := writeFile(t, "app.log", "2024-01-01 00:00:00.000  INFO 1 --- [main] a.B : first\n2024-01-01 00:00:01.000 ERROR 1 --- [ma")
	var r recorder
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- New(sources.Info{Name: path, Zone: time.UTC}, Options{Follow: true}).Run(ctx, &r)
	}()
	waitFor(t, 5*time.Second, "caught up", func() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.caughtUp == 1 })
	// The rest of the half line, and a trace split across writes.
	appendFile(t, path, "in] a.B : boom\njava.lang.IllegalStateException: x\n\tat a.b(C")
	appendFile(t, path, ".java:1)\n\tat d.e(F.java:2)\n")
	waitFor(t, 5*time.Second, "the trace after the silence", func() bool { return len(r.snapshot()) == 2 })
	got := r.snapshot()
	if got[0].Lines[0] != "2024-01-01 00:00:00.000  INFO 1 --- [main] a.B : first" || len(got[0].Lines) != 1 {
		t.Errorf("first entry %q", got[0].Lines)
	}
	want := []string{
		"2024-01-01 00:00:01.000 ERROR 1 --- [main] a.B : boom",
		"java.lang.IllegalStateException: x",
		"        at a.b(C.java:1)",
		"        at d.e(F.java:2)",
	}
	if strings.Join(got[1].Lines, "\n") != strings.Join(want, "\n") || got[1].Level != sources.LevelError {
		t.Errorf("trace entry %q", got[1].Lines)
	}
	if h := r.lastHealth(); h.State != sources.StateFollowing || h.Format != "Spring Boot" {
		t.Errorf("health %+v", h)
	}

	// Truncation: a Reset, then the new content from line 1.
	if err := os.WriteFile(path, []byte("2024-01-02 00:00:00.000  WARN 1 --- [main] a.B : again\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "the entry after truncation", func() bool { return len(r.snapshot()) == 3 })
	r.mu.Lock()
	resets := append([]int(nil), r.resets...)
	r.mu.Unlock()
	if len(resets) != 1 || resets[0] != 2 {
		t.Errorf("resets before entries %v, want [2]", resets)
	}
	if e := r.snapshot()[2]; e.LineNo != 1 || e.Level != sources.LevelWarn {
		t.Errorf("after truncation: %+v", e)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	// Every entry exactly once.
	if n := len(r.snapshot()); n != 3 {
		t.Errorf("%d entries in the end", n)
	}
}

func TestWaitForFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "later.log")
	var r recorder
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- New(sources.Info{Name: path, Zone: time.UTC, Wait: true}, Options{Follow: true}).Run(ctx, &r)
	}()
	waitFor(t, 5*time.Second, "waiting health", func() bool { return r.lastHealth().State == sources.StateWaiting })
	appendFile(t, path, `{"time":"2024-01-01T00:00:00Z","level":"warn","msg":"here"}`+"\n")
	waitFor(t, 5*time.Second, "the entry", func() bool { return len(r.snapshot()) == 1 })
	if e := r.snapshot()[0]; e.Level != sources.LevelWarn || e.LevelText != "warn" {
		t.Errorf("entry %+v", e)
	}
	waitFor(t, 5*time.Second, "following health", func() bool {
		h := r.lastHealth()
		return h.State == sources.StateFollowing && h.Format == "JSON lines"
	})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// TestFollowEmptyFile checks that a followed file that starts empty is not
// decided to be plain text before its first line comes.
func TestFollowEmptyFile(t *testing.T) {
	path := writeFile(t, "empty.log", "")
	var r recorder
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- New(sources.Info{Name: path, Zone: time.UTC}, Options{Follow: true}).Run(ctx, &r)
	}()
	waitFor(t, 5*time.Second, "following", func() bool { return r.lastHealth().State == sources.StateFollowing })
	// Let a couple of polls find nothing (tail calls Idle); nothing to await.
	time.Sleep(2 * sources.PollInterval)
	appendFile(t, path, "2024-01-01 00:00:00.000  INFO 1 --- [main] a.B : x\n2024-01-01 00:00:01.000  INFO 1 --- [main] a.B : y\n")
	waitFor(t, 5*time.Second, "two entries", func() bool { return len(r.snapshot()) == 2 })
	if e := r.snapshot()[0]; e.Time.IsZero() || e.Level != sources.LevelInfo {
		t.Errorf("entry %+v", e)
	}
	if h := r.lastHealth(); h.Format != "Spring Boot" {
		t.Errorf("format %q", h.Format)
	}
	cancel()
	<-done
}

// TestSinkError checks that a sink that fails stops the source with its
// error, even though the context goes on.
func TestSinkError(t *testing.T) {
	path := writeFile(t, "a.log", "2024-01-01T00:00:00.000Z  INFO 1 --- [main] a.B : x\n")
	boom := errors.New("sink is full")
	sink := sources.Func(func(ctx context.Context, b sources.Batch) error {
		if len(b.Entries) > 0 {
			return boom
		}
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := New(sources.Info{Name: path}, Options{Follow: true}).Run(ctx, sink)
	if !errors.Is(err, boom) {
		t.Errorf("Run = %v, want %v", err, boom)
	}
}

// TestProgressRidesOnBatches: reading a log file, the batches say how far
// the file has been read, up to all of it.
func TestProgressRidesOnBatches(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	var b strings.Builder
	for i := 0; b.Len() < 3*sources.ReadChunk; i++ {
		fmt.Fprintf(&b, "2026-11-25T12:%02d:%02d.000Z INFO line %d of a log long enough to be read in several chunks\n", i/60%60, i%60, i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	r := readAll(t, path, sources.Info{})
	if len(r.progress) < 2 {
		t.Fatalf("progress told %d times, want several", len(r.progress))
	}
	size := int64(b.Len())
	for i, p := range r.progress {
		if p.Size != size || (i > 0 && p.Read < r.progress[i-1].Read) {
			t.Fatalf("progress %d: %+v of a %d-byte file", i, p, size)
		}
	}
	if last := r.progress[len(r.progress)-1]; last.Read != size {
		t.Fatalf("last progress %+v, want all %d bytes", last, size)
	}
}
