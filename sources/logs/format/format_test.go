package format

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/corpus"
	"github.com/sobang/sobang/sources/sanitize"
)

// testZone is the testZone testZone-less timestamps are read in by these tests.
var testZone = time.FixedZone("test", 2*3600)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParse(t *testing.T) {
	now := time.Now().In(testZone)
	tests := []struct {
		name   string
		format Format
		line   string
		ok     bool
		time   time.Time
		level  sources.Level
		text   string // LevelText; its column is found in line
	}{
		{"spring boot 3", Format{Kind: SpringBoot},
			"2023-10-18T20:09:06.941-04:00  INFO 498248 --- [JavaFX-Launcher] o.s.boot.SpringApplication               : Starting",
			true, utc("2023-10-19T00:09:06.941Z"), sources.LevelInfo, "INFO"},
		{"spring boot 2 testZone-less", Format{Kind: SpringBoot},
			"2019-11-05 12:45:15.368  WARN 11504 --- [restartedMain] l.i.m.ManagementSystemApplication        : x",
			true, time.Date(2019, 11, 5, 12, 45, 15, 368e6, testZone), sources.LevelWarn, "WARN"},
		{"spring boot 3.2 app name", Format{Kind: SpringBoot},
			"2024-01-01T00:00:00.000Z ERROR 1 --- [myapp] [           main] o.s.Foo : boom",
			true, utc("2024-01-01T00:00:00Z"), sources.LevelError, "ERROR"},
		{"spring boot continuation", Format{Kind: SpringBoot}, "\tat com.example.Foo(Foo.java:1)", false, time.Time{}, 0, ""},
		{"spring boot rejects logback", Format{Kind: SpringBoot},
			"2016-12-02_16:40:47.990 [http-bio-8088-exec-1] DEBUG c.b.SecurityController - x", false, time.Time{}, 0, ""},
		{"logback underscore", Format{Kind: Logback},
			"2016-12-02_16:45:26.321 [commons-pool-EvictionTimer] WARN  o.a.commons.dbcp2.BasicDataSource - An internal",
			true, time.Date(2016, 12, 2, 16, 45, 26, 321e6, testZone), sources.LevelWarn, "WARN"},
		{"logback nested brackets in thread", Format{Kind: Logback},
			"2015-07-29 17:41:44,747 [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181] ERROR x.Y - z",
			true, time.Date(2015, 7, 29, 17, 41, 44, 747e6, testZone), sources.LevelError, "ERROR"},
		{"logback stack frame", Format{Kind: Logback}, "        at sun.reflect.X.y(Native Method)", false, time.Time{}, 0, ""},
		{"text iso comma colon level", Format{Kind: Text, Layout: LayoutISO},
			"2012-07-02 10:22:40,672:DEBUG:foo bar baz",
			true, time.Date(2012, 7, 2, 10, 22, 40, 672e6, testZone), sources.LevelDebug, "DEBUG"},
		{"text zookeeper", Format{Kind: Text, Layout: LayoutISO},
			"2015-07-29 19:04:29,071 - WARN  [SendWorker:188978561024:QuorumCnxManager$SendWorker@688] - Send worker",
			true, time.Date(2015, 7, 29, 19, 4, 29, 71e6, testZone), sources.LevelWarn, "WARN"},
		{"text zap console", Format{Kind: Text, Layout: LayoutISO},
			"2025-04-24T22:09:20.856Z        error   internal/queue_sender.go:128    Exporting failed.",
			true, utc("2025-04-24T22:09:20.856Z"), sources.LevelError, "error"},
		{"text kafka bracket", Format{Kind: Text, Layout: LayoutISO},
			"[2024-03-01 10:00:00,123] INFO [KafkaServer id=0] started (kafka.server.KafkaServer)",
			true, time.Date(2024, 3, 1, 10, 0, 0, 123e6, testZone), sources.LevelInfo, "INFO"},
		{"text nginx error slash date", Format{Kind: Text, Layout: LayoutISO},
			"2024/01/01 12:00:00 [error] 1234#5678: *9 open() failed",
			true, time.Date(2024, 1, 1, 12, 0, 0, 0, testZone), sources.LevelError, "error"},
		{"text offset without colon", Format{Kind: Text, Layout: LayoutISO},
			"2016-08-03T12:06:31.009-0500 SEVERE x",
			true, utc("2016-08-03T17:06:31.009Z"), sources.LevelError, "SEVERE"},
		{"text level must be a whole word", Format{Kind: Text, Layout: LayoutISO},
			"2024-01-01T00:00:00Z ERRORS counted, information only",
			true, utc("2024-01-01T00:00:00Z"), 0, ""},
		{"text no level", Format{Kind: Text, Layout: LayoutISO},
			"2024-01-01T00:00:00.5+01:00 nothing here",
			true, utc("2023-12-31T23:00:00.5Z"), 0, ""},
		{"text nanoseconds", Format{Kind: Text, Layout: LayoutISO},
			"2016-10-06T00:17:09.669794202Z stdout F hello",
			true, utc("2016-10-06T00:17:09.669794202Z"), 0, ""},
		{"text bad month", Format{Kind: Text, Layout: LayoutISO}, "2024-13-01 00:00:00 INFO x", false, time.Time{}, 0, ""},
		{"text spark", Format{Kind: Text, Layout: LayoutShortSlash},
			"17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered",
			true, time.Date(2017, 6, 9, 20, 10, 40, 0, testZone), sources.LevelInfo, "INFO"},
		{"text hdfs", Format{Kind: Text, Layout: LayoutCompact},
			"081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1",
			true, time.Date(2008, 11, 9, 20, 36, 15, 0, testZone), sources.LevelInfo, "INFO"},
		{"text apache error", Format{Kind: Text, Layout: LayoutCtime},
			"[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
			true, time.Date(2005, 12, 4, 4, 47, 44, 0, testZone), sources.LevelError, "error"},
		{"text apache 2.4 error", Format{Kind: Text, Layout: LayoutCtime},
			"[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] x",
			true, time.Date(2000, 10, 11, 14, 32, 52, 123456e3, testZone), sources.LevelError, "error"},
		{"syslog", Format{Kind: Text, Layout: LayoutSyslog},
			"Oct  1 06:55:46 LabSZ sshd[24200]: error: Received disconnect",
			true, yearlessWant(now, 10, 1, 6, 55, 46), sources.LevelError, "error"},
		{"klog", Format{Kind: Text, Layout: LayoutKlog},
			"E0102 15:04:05.123456   12345 server.go:42] failed",
			true, yearlessWant(now, 1, 2, 15, 4, 5).Add(123456 * time.Microsecond), sources.LevelError, "E"},
		{"json logstash", Format{Kind: JSON},
			`{"@timestamp":"2016-08-03T12:06:31.009-0500","@version":1,"message":"x","level":"ERROR","level_value":40000}`,
			true, utc("2016-08-03T17:06:31.009Z"), sources.LevelError, "ERROR"},
		{"json logstash numeric only", Format{Kind: JSON},
			`{"@timestamp":"2016-08-03T12:06:31.009Z","level_value":30000}`,
			true, utc("2016-08-03T12:06:31.009Z"), sources.LevelWarn, "30000"},
		{"json ecs nested", Format{Kind: JSON},
			`{"@timestamp":"2025-01-13T09:58:13.631Z","log":{"logger":"app","level":"warning"},"message":"m"}`,
			true, utc("2025-01-13T09:58:13.631Z"), sources.LevelWarn, "warning"},
		{"json slog offset level", Format{Kind: JSON},
			`{"time":"2024-07-08T09:49:11.191+02:00","level":"INFO+2","msg":"m"}`,
			true, utc("2024-07-08T07:49:11.191Z"), sources.LevelInfo, "INFO+2"},
		{"json zap epoch", Format{Kind: JSON},
			`{"level":"dpanic","ts":1257894000.123456,"caller":"x.go:1","msg":"m"}`,
			true, time.Unix(1257894000, 123456000).UTC(), sources.LevelFatal, "dpanic"},
		{"json bunyan", Format{Kind: JSON},
			`{"name":"app","level":50,"time":"2024-01-01T00:00:00.000Z","msg":"m"}`,
			true, utc("2024-01-01T00:00:00Z"), sources.LevelError, "50"},
		{"json journald", Format{Kind: JSON},
			`{ "__REALTIME_TIMESTAMP" : "1534860261221373", "PRIORITY" : "4", "MESSAGE" : "m" }`,
			true, time.UnixMicro(1534860261221373).UTC(), sources.LevelWarn, "4"},
		{"json escaped quotes and nesting", Format{Kind: JSON},
			`{"msg":"a \"quoted\" {not} [json]","ctx":{"a":[1,{"b":"}"}]},"lvl":"debug","ts":"2024-01-01T00:00:00Z"}`,
			true, utc("2024-01-01T00:00:00Z"), sources.LevelDebug, "debug"},
		{"json cut at the display cap", Format{Kind: JSON},
			`{"level":"warn","time":"2024-01-01T00:00:00Z","stack":"aaaa` + sanitize.CutMark,
			true, utc("2024-01-01T00:00:00Z"), sources.LevelWarn, "warn"},
		{"json not json", Format{Kind: JSON}, "panic: runtime error", false, time.Time{}, 0, ""},
		{"json broken", Format{Kind: JSON}, `{"level":"info" "x":1}`, false, time.Time{}, 0, ""},
		{"logfmt slog", Format{Kind: Logfmt},
			`time=2024-07-08T09:49:11.191+02:00 level=WARN source=sloger.go:52 msg="test warn"`,
			true, utc("2024-07-08T07:49:11.191Z"), sources.LevelWarn, "WARN"},
		{"logfmt logrus quoted time", Format{Kind: Logfmt},
			`time="2021-09-15T21:17:11.674149Z" level=warning msg="Failed to DeletePod"`,
			true, utc("2021-09-15T21:17:11.674149Z"), sources.LevelWarn, "warning"},
		{"logfmt quoted key", Format{Kind: Logfmt},
			`ts=2025-02-19T15:18:11.192925Z level=info "boringcrypto enabled"=false`,
			true, utc("2025-02-19T15:18:11.192925Z"), sources.LevelInfo, "info"},
		{"logfmt bare line", Format{Kind: Logfmt}, "interrupt received", false, time.Time{}, 0, ""},
		{"logfmt without time or level", Format{Kind: Logfmt}, "a=1 b=2", false, time.Time{}, 0, ""},
		{"access nginx", Format{Kind: Access},
			`54.36.149.41 - - [22/Jan/2019:03:56:14 +0330] "GET /filter/27|13 HTTP/1.1" 200 30577 "-" "Mozilla/5.0" "-"`,
			true, utc("2019-01-22T00:26:14Z"), sources.LevelInfo, "200"},
		{"access 5xx with escaped quote", Format{Kind: Access},
			`1.2.3.4 - bob [17/May/2015:10:05:03 +0000] "GET /a\"b HTTP/1.1" 503 0 "-" "x"`,
			true, utc("2015-05-17T10:05:03Z"), sources.LevelError, "503"},
		{"access 404", Format{Kind: Access},
			`::1 - - [17/May/2015:10:05:03 -0100] "GET / HTTP/1.0" 404 12`,
			true, utc("2015-05-17T11:05:03Z"), sources.LevelWarn, "404"},
		{"plain level word", Format{}, "something went wrong: ERROR here", false, time.Time{}, sources.LevelError, "ERROR"},
		{"plain english words are not levels", Format{}, "that is fine, panic not", false, time.Time{}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ok := tt.format.Parse([]byte(tt.line), testZone, now)
			if ok != tt.ok {
				t.Fatalf("%s.Parse(%q) ok = %v, want %v", tt.format, tt.line, ok, tt.ok)
			}
			if !h.Time.Equal(tt.time) {
				t.Errorf("time = %v, want %v", h.Time, tt.time)
			}
			if h.Level != tt.level || h.LevelText != tt.text {
				t.Errorf("level = %v %q, want %v %q", h.Level, h.LevelText, tt.level, tt.text)
			}
			wantCol := -1
			if tt.text != "" {
				wantCol = strings.Index(tt.line, tt.text)
				if tt.format.Kind == JSON || tt.format.Kind == Logfmt {
					wantCol = strings.Index(tt.line, `"`+tt.text) + 1
					if wantCol == 0 {
						wantCol = strings.Index(tt.line, "="+tt.text) + 1
					}
					if wantCol == 0 {
						wantCol = strings.Index(tt.line, ":"+tt.text) + 1
					}
				}
				if tt.format.Kind == Access {
					wantCol = strings.Index(tt.line, `" `+tt.text) + 2
				}
			}
			if h.LevelCol != wantCol {
				t.Errorf("LevelCol = %d, want %d", h.LevelCol, wantCol)
			}
		})
	}
}

// yearlessWant is the time a yearless stamp should be read as: this year,
// or last year when that would be more than two days ahead.
func yearlessWant(now time.Time, mo, d, h, mi, s int) time.Time {
	t := time.Date(now.Year(), time.Month(mo), d, h, mi, s, 0, testZone)
	if t.Sub(now) > 48*time.Hour {
		t = t.AddDate(-1, 0, 0)
	}
	return t
}

func TestYearlessAroundNewYear(t *testing.T) {
	now := time.Now().In(testZone)
	// Two days ahead at most stays this year; further ahead is last year.
	soon := now.Add(24 * time.Hour)
	late := now.Add(30 * 24 * time.Hour)
	for _, c := range []struct {
		at   time.Time
		year int
	}{{soon, soon.Year()}, {late, late.Year() - 1}} {
		line := c.at.Format("Jan _2 15:04:05") + " host app: x"
		h, ok := Format{Kind: Text, Layout: LayoutSyslog}.Parse([]byte(line), testZone, now)
		if !ok || h.Time.Year() != c.year {
			t.Errorf("%q: year %d (ok %v), want %d", line, h.Time.Year(), ok, c.year)
		}
	}
}

func TestDetectSynthetic(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  Format
	}{
		{"empty", nil, Format{}},
		{"plain", []string{"hello", "world"}, Format{}},
		{"spring boot beats text", []string{
			"2019-11-05 12:45:15.368  INFO 11504 --- [main] a.B : x",
			"java.lang.IllegalStateException: x",
			"\tat a.B.c(B.java:1)",
		}, Format{Kind: SpringBoot}},
		{"json", []string{`{"level":"info","msg":"x"}`, `{"level":"warn","msg":"y"}`}, Format{Kind: JSON}},
		{"logfmt", []string{`level=info msg=x`, `level=warn msg="y z"`}, Format{Kind: Logfmt}},
		{"banner then log", []string{
			"  .   ____          _            __ _ _",
			" /\\\\ / ___'_ __ _ _(_)_ __  __ _ \\ \\ \\ \\",
			"2019-11-05 12:45:15.368  INFO 11504 --- [main] a.B : x",
			"2019-11-05 12:45:15.369  INFO 11504 --- [main] a.B : y",
		}, Format{Kind: SpringBoot}},
		{"one dated line in prose stays plain", []string{
			"This is a manual page.", "It mentions things.",
			"2024-01-01 00:00:00 was a date.", "More text.", "Even more.", "And more.",
		}, Format{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines [][]byte
			for _, l := range tt.lines {
				lines = append(lines, []byte(l))
			}
			if got := Detect(lines); got != tt.want {
				t.Errorf("Detect = %v, want %v", got, tt.want)
			}
		})
	}
}

// readCorpus returns the sanitised lines of a corpus file.
func readCorpus(t *testing.T, rel string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(corpus.File(t, "logs", rel))
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.TrimSuffix(data, []byte("\n"))
	var lines [][]byte
	for l := range bytes.SplitSeq(data, []byte("\n")) {
		s, _ := sanitize.String(bytes.TrimSuffix(l, []byte("\r")))
		lines = append(lines, []byte(s))
	}
	return lines
}

// TestDetectCorpus checks the format Detect picks for real files, and how
// many of their lines are headers, have a timestamp and have a level. The
// counts were taken once by reading the files (grep/awk over the layout
// described in corpus/logs/SOURCES.md) and are hard-coded.
func TestDetectCorpus(t *testing.T) {
	tests := []struct {
		file                string
		want                Format
		headers, timed, lvl int
	}{
		{"java/springboot3-default-file-faf-moderator.log", Format{Kind: SpringBoot}, 13, 13, 13},
		// 3 headers; the 22 lines of the MySQL trace are continuations.
		{"java/logback-tomcat-dbcp-stacktrace.log", Format{Kind: Logback}, 3, 3, 3},
		{"java/stacktrace-edgecases-logviewer.log", Format{Kind: Logback}, 7, 7, 7},
		{"java/stacktrace-strange-frames-logviewer.log", Format{Kind: Logback}, 1, 1, 1},
		{"java/springboot-custom-pattern-lnav.log", Format{Kind: Text, Layout: LayoutISO}, 20, 20, 20},
		{"java/logstash-logback-encoder-tomcat.jsonl", Format{Kind: JSON}, 2, 2, 2},
		{"go-structured/prometheus-2.48-gokit-json-hl.log", Format{Kind: JSON}, 33, 33, 33},
		{"go-structured/ecs-json-python-lnav.jsonl", Format{Kind: JSON}, 5, 5, 5},
		// 34 lines: the bare "interrupt received" is not a header.
		{"go-structured/alloy-gokit-logfmt.log", Format{Kind: Logfmt}, 33, 33, 33},
		{"go-structured/logrus-logfmt-lnav.log", Format{Kind: Logfmt}, 5, 5, 5},
		// 3 records, the other 6 lines are Go stack lines.
		{"go-structured/zap-console-otelcol-lnav.log", Format{Kind: Text, Layout: LayoutISO}, 3, 3, 3},
		{"access/nginx-combined-xff-zanbil-lnav.log", Format{Kind: Access}, 1000, 1000, 1000},
		{"access/apache-combined-semicomplete-2015-elastic-examples-first6000.log", Format{Kind: Access}, 6000, 6000, 6000},
		{"container/journald-export-json-lnav.json", Format{Kind: JSON}, 2, 2, 2},
		{"loghub/HDFS/HDFS_2k.log", Format{Kind: Text, Layout: LayoutCompact}, 2000, 2000, 2000},
		{"loghub/Spark/Spark_2k.log", Format{Kind: Text, Layout: LayoutShortSlash}, 2000, 2000, 2000},
		{"loghub/Zookeeper/Zookeeper_2k.log", Format{Kind: Text, Layout: LayoutISO}, 2000, 2000, 2000},
		{"loghub/Hadoop/Hadoop_2k.log", Format{Kind: Text, Layout: LayoutISO}, 2000, 2000, 2000},
		{"loghub/Apache/Apache_2k.log", Format{Kind: Text, Layout: LayoutCtime}, 2000, 2000, 2000},
		// Syslog has no level field: 48 OpenSSH lines carry a level word
		// early ("error: Received disconnect", ...); Linux has 3.
		{"loghub/OpenSSH/OpenSSH_2k.log", Format{Kind: Text, Layout: LayoutSyslog}, 2000, 2000, 48},
		{"loghub/Linux/Linux_2k.log", Format{Kind: Text, Layout: LayoutSyslog}, 2000, 2000, 3},
		{"hostile/apache-error-2k-crlf-loghub-original.log", Format{Kind: Text, Layout: LayoutCtime}, 2000, 2000, 2000},
		{"hostile/syslog-with-sgr-colors-lnav.log", Format{Kind: Text, Layout: LayoutSyslog}, 10, 10, 0},
		{"hostile/crlf-lnav.log", Format{Kind: Text, Layout: LayoutISO}, 2, 2, 2},
		{"hostile/blns-big-list-of-naughty-strings.txt", Format{}, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			lines := readCorpus(t, tt.file)
			got := Detect(lines)
			if got != tt.want {
				t.Fatalf("Detect = %v, want %v", got, tt.want)
			}
			headers, timed, lvl := 0, 0, 0
			for _, l := range lines {
				h, ok := got.Parse(l, testZone, time.Now())
				if !ok {
					continue
				}
				headers++
				if !h.Time.IsZero() {
					timed++
				}
				if h.LevelCol >= 0 {
					lvl++
					if string(l[h.LevelCol:h.LevelCol+len(h.LevelText)]) != h.LevelText {
						t.Fatalf("LevelCol %d does not point at %q in %q", h.LevelCol, h.LevelText, l)
					}
				}
			}
			if headers != tt.headers || timed != tt.timed || lvl != tt.lvl {
				t.Errorf("headers/timed/levelled = %d/%d/%d, want %d/%d/%d", headers, timed, lvl, tt.headers, tt.timed, tt.lvl)
			}
		})
	}
}

func TestParseDoesNotAllocate(t *testing.T) {
	lines := map[Format]string{
		{Kind: SpringBoot}:              "2023-10-18T20:09:06.941-04:00  INFO 498248 --- [main] o.s.boot.SpringApplication : Starting",
		{Kind: Logback}:                 "2016-12-02_16:45:26.321 [pool] WARN  o.a.BasicDataSource - An internal",
		{Kind: Text, Layout: LayoutISO}: "2015-07-29 19:04:29,071 - WARN  [SendWorker] - x",
		{Kind: JSON}:                    `{"@timestamp":"2016-08-03T12:06:31.009-0500","level":"ERROR","stack_trace":"a\nb"}`,
		{Kind: Logfmt}:                  `time=2024-07-08T09:49:11.191+02:00 level=WARN msg="test warn"`,
		{Kind: Access}:                  `1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1 "-" "x"`,
	}
	for f, line := range lines {
		b := []byte(line)
		if n := testing.AllocsPerRun(100, func() { f.Parse(b, testZone, time.Now()) }); n != 0 {
			t.Errorf("%s.Parse allocates %.1f times per line", f, n)
		}
	}
}

// seeds returns lines for fuzzing: a few by hand and, when the corpus is
// present, the first lines of every corpus file.
func seeds(f *testing.F) []string {
	out := []string{
		"2023-10-18T20:09:06.941-04:00  INFO 1 --- [m] a : b", `{"level":"info"}`, "level=info ts=1",
		`1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1`, "Dec 10 06:55:46 h s: x",
		"[Sun Dec 04 04:47:44 2005] [notice] x", "I0102 15:04:05.000000 1 a.go:1] x", "081109 203615 148 INFO x",
		"17/06/09 20:10:40 INFO x", `{"a":[{"b":[`, `{"ts":1e400}`, `{"ts":"99999999999999999999999999"}`,
	}
	dir, err := corpus.Find("logs")
	if err != nil {
		return out
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	more, _ := filepath.Glob(filepath.Join(dir, "loghub", "*", "*.log"))
	for _, name := range append(files, more...) {
		fh, err := os.Open(name)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for n := 0; n < 20 && sc.Scan(); n++ {
			out = append(out, sc.Text())
		}
		fh.Close()
	}
	return out
}

func FuzzParse(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		for _, c := range candidates {
			h, _ := c.format.Parse(line, testZone, time.Now())
			if h.LevelCol >= 0 {
				if h.LevelCol+len(h.LevelText) > len(line) || string(line[h.LevelCol:h.LevelCol+len(h.LevelText)]) != h.LevelText {
					t.Fatalf("%s: LevelCol %d LevelText %q do not match %q", c.format, h.LevelCol, h.LevelText, line)
				}
			} else if h.LevelText != "" {
				t.Fatalf("%s: LevelText %q without LevelCol", c.format, h.LevelText)
			}
		}
		Format{}.Parse(line, nil, time.Now())
	})
}

func FuzzDetect(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add([]byte(s + "\n" + s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		got := Detect(bytes.Split(text, []byte("\n")))
		_ = got.Name()
	})
}
