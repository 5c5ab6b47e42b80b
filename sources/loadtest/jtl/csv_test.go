package jtl

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
	"github.com/sobang/sobang/sources/tail"
)

// parseChunks runs data through a handler in the given pieces, as tail.File
// would deliver them, then ends the input like a non-follow read.
func parseChunks(data []byte, opt Options, loc *time.Location, cuts ...int) (result, error) {
	var sink sources.Collect
	if loc == nil {
		loc = time.UTC
	}
	h := newHandler(context.Background(), &sink, sources.Info{Name: "test.jtl", Zone: loc}, opt)
	err := loadtesttest.FeedCuts(h, data, cuts...)
	if err == nil {
		err = h.err
	}
	return collect(sink.Take()), err
}

// readTestdata returns the content of testdata/name.
var readTestdata = loadtesttest.Testdata

func TestCSVFixtures(t *testing.T) {
	plus1 := time.FixedZone("UTC+1", 3600)
	tests := []struct {
		file    string
		opt     Options
		loc     *time.Location
		samples int
		bad     []string
		warning string
		check   func(t *testing.T, s []sources.Sample)
	}{
		{file: "bad_rows.csv", samples: 3, bad: []string{
			`line 3: elapsed: expected an integer, found "abc"`,
			`line 5: expected 9 ','-delimited fields, found 6`,
			`line 6: timeStamp: expected epoch milliseconds or a date like 2006/01/02 15:04:05.000, found "yesterday"`,
			`line 7: success: expected true or false, found "maybe"`,
			`line 8: bytes: expected an integer, found "ten"`,
		}, check: func(t *testing.T, s []sources.Sample) {
			for i, want := range []int64{1700000000000, 1700000000200, 1700000000700} {
				if s[i].StartMS != want {
					t.Errorf("good row %d starts at %d, want %d", i, s[i].StartMS, want)
				}
			}
		}},
		{file: "semicolon_dates.csv", loc: plus1, samples: 3, check: func(t *testing.T, s []sources.Sample) {
			// 2023/11/14 23:13:20.123 at UTC+1 is 22:13:20.123Z = 1700000000123.
			for i, want := range []int64{1700000000123, 1700000001001, 1700000001999} {
				if s[i].StartMS != want {
					t.Errorf("row %d starts at %d, want %d", i, s[i].StartMS, want)
				}
			}
			if s[0].Message != "OK, fine" || s[2].Success || s[2].Code != "404" {
				t.Errorf("semicolon rows = %+v", s)
			}
		}},
		{file: "pipe_seconds.csv", samples: 2, check: func(t *testing.T, s []sources.Sample) {
			if s[0].StartMS != 1700003600000 || s[1].StartMS != 1700003601000 || s[1].Label != "Pipe" {
				t.Errorf("pipe rows = %+v", s)
			}
		}},
		{file: "dash_dates.csv", samples: 3, check: func(t *testing.T, s []sources.Sample) {
			// 23:13:20 UTC, 23:13:20.5 UTC, and 23:13:20.250+01:00 = 22:13:20.250Z.
			for i, want := range []int64{1700003600000, 1700003600500, 1700000000250} {
				if s[i].StartMS != want {
					t.Errorf("row %d starts at %d, want %d", i, s[i].StartMS, want)
				}
			}
		}},
		{file: "multiline_crlf.csv", samples: 4, bad: []string{`line 9: elapsed: expected an integer, found "x"`},
			check: func(t *testing.T, s []sources.Sample) {
				// Read whole across lines, handed over made safe to show:
				// line ends as their pictures.
				want := []string{"Quoted, with comma", "Two␍␊lines", "Three␊physical␊lines", "plain"}
				for i, w := range want {
					if s[i].Label != w || s[i].Thread != "T 1-1" || s[i].Bytes != int64(i+1) {
						t.Errorf("row %d = %+v, want label %q", i, s[i], w)
					}
				}
				if s[0].Message != `He said "hi"` {
					t.Errorf("doubled quotes: message %q", s[0].Message)
				}
			}},
		{file: "headerless_213.csv", samples: 3, warning: "no header: read as the JMeter default 12 columns",
			check: func(t *testing.T, s []sources.Sample) {
				if s[0].Label != "Login" || s[0].LatencyMS != 80 || s[0].GrpThreads != 1 || s[0].Bytes != 1500 || s[0].ConnectMS != -1 {
					t.Errorf("2.13 row = %+v", s[0])
				}
				if !s[2].Transaction || s[0].Transaction {
					t.Errorf("transaction flags %v %v", s[0].Transaction, s[2].Transaction)
				}
			}},
		{file: "headerless_31_tabs.csv", samples: 2, warning: "no header: read as the JMeter default 16 columns",
			check: func(t *testing.T, s []sources.Sample) {
				if s[0].Label != "Login" || s[0].LatencyMS != 80 || s[0].ConnectMS != 30 || s[0].SentBytes != 300 || s[0].URL != "" {
					t.Errorf("3.1 row = %+v", s[0])
				}
			}},
		{file: "headerless_5x.csv", samples: 2, warning: "no header: read as the JMeter default 17 columns",
			check: func(t *testing.T, s []sources.Sample) {
				if s[1].URL != "https://app.example/search" || s[1].Message != "Internal Server Error" || s[1].Failure != "Expected 200" || s[1].Success {
					t.Errorf("5.x row = %+v", s[1])
				}
			}},
		{file: "headerless_5x.csv", samples: 2,
			opt: Options{Columns: strings.Split("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect", ",")},
			check: func(t *testing.T, s []sources.Sample) {
				if s[0].ConnectMS != 30 {
					t.Errorf("forced columns: Connect = %d", s[0].ConnectMS)
				}
			}},
		{file: "subresults.csv", samples: 9, check: func(t *testing.T, s []sources.Sample) {
			// See the comment on subResult: rows 3 and 5 (Home-0, Home-1 of
			// thread 1-1 inside its Home) are sub-results; Home-0 of thread
			// 1-2 starts after its Home ended; the TC's children are not.
			var subs []int
			for i, smp := range s {
				if smp.SubResult {
					subs = append(subs, i+2)
				}
			}
			if !reflect.DeepEqual(subs, []int{3, 5}) {
				t.Errorf("sub-results on lines %v, want [3 5]", subs)
			}
			if !s[7].Transaction || s[7].URL != "" {
				t.Errorf("TC row = %+v", s[7])
			}
			if s[8].Message != "Server Error" || s[8].Failure != "Response code was 500" || s[8].Code != "500" {
				t.Errorf("failed row keeps the failure message: %+v", s[8])
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			r, err := parseChunks(readTestdata(t, tc.file), tc.opt, tc.loc)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Samples) != tc.samples {
				t.Fatalf("%d samples, want %d (bad: %v)", len(r.Samples), tc.samples, badStrings(r))
			}
			if got := badStrings(r); !reflect.DeepEqual(got, tc.bad) || r.BadRows != len(tc.bad) {
				t.Errorf("bad rows (%d):\n%q\nwant:\n%q", r.BadRows, got, tc.bad)
			}
			if tc.warning != "" && !strings.HasPrefix(strings.Join(r.Warnings, "\n"), tc.warning) {
				t.Errorf("warnings %q, want one starting %q", r.Warnings, tc.warning)
			}
			if tc.check != nil {
				tc.check(t, r.Samples)
			}
		})
	}
}

// TestChunkBoundaries feeds every fixture cut at every byte, and byte by
// byte, and expects exactly what one chunk gives: live files arrive in 8 KB
// pieces that cut rows, quoted fields, CRLFs and tags anywhere.
func TestChunkBoundaries(t *testing.T) {
	files, err := filepath.Glob("testdata/*.*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range files {
		data := readTestdata(t, filepath.Base(path))
		want, wantErr := parseChunks(data, Options{}, nil)
		if wantErr != nil {
			t.Fatalf("%s: %v", path, wantErr)
		}
		same := func(how string, got result, err error) {
			t.Helper()
			if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got.Samples, want.Samples) ||
				!reflect.DeepEqual(got.Bad, want.Bad) || got.BadRows != want.BadRows {
				t.Fatalf("%s %s: %d samples, bad %v, err %v; in one chunk %d samples, bad %v, err %v",
					path, how, len(got.Samples), got.Bad, err, len(want.Samples), want.Bad, wantErr)
			}
		}
		for cut := 1; cut < len(data); cut++ {
			got, err := parseChunks(data, Options{}, nil, cut)
			same(fmt.Sprintf("cut at %d", cut), got, err)
		}
		cuts := make([]int, len(data))
		for i := range cuts {
			cuts[i] = i
		}
		got, err := parseChunks(data, Options{}, nil, cuts...)
		same("byte by byte", got, err)
	}
}

func TestCSVEdgeCases(t *testing.T) {
	header := "timeStamp,elapsed,label,responseCode,success\n"
	row := func(i int) string { return fmt.Sprintf("%d,%d,L%d,200,true\n", 1700000000000+i, i, i%3) }
	tests := []struct {
		name    string
		data    string
		opt     Options
		samples int
		badRows int
		bad     []string
		errText string
		warning string
		// noWarnings: the input must not cause any warning
		noWarnings bool
	}{
		{name: "empty", data: ""},
		{name: "only blank lines", data: "\n\r\n  \n"},
		{name: "header only, no newline", data: strings.TrimSuffix(header, "\n")},
		{name: "BOM and blank lines before the header", data: "\uFEFF\n\n" + header + row(1) + "\n" + row(2), samples: 2},
		{name: "repeated header of a second run", data: header + row(1) + header + row(2), samples: 2, noWarnings: true},
		{name: "repeated header with variables", data: "timeStamp,elapsed,\"myVar\"\n1,2,x\ntimeStamp,elapsed,\"myVar\"\n3,4,y\n", samples: 2,
			noWarnings: true},
		{name: "new header with other columns", data: header + row(1) + "timeStamp,elapsed,label\n1700000000009,9,Other\n", samples: 2,
			warning: "line 3: a new header changes the columns"},
		{name: "many bad rows, five described", data: header + strings.Repeat("1,2\n", 12) + row(1), samples: 1, badRows: 12,
			bad: []string{"line 2: expected 5 ','-delimited fields, found 2", "line 3: expected 5 ','-delimited fields, found 2",
				"line 4: expected 5 ','-delimited fields, found 2", "line 5: expected 5 ','-delimited fields, found 2",
				"line 6: expected 5 ','-delimited fields, found 2"}},
		{name: "unterminated quote at the end", data: header + row(1) + "1700000000002,2,\"open,200,true\n1700000000003,3,x,200,true\n", samples: 1, badRows: 1,
			bad: []string{"line 3: quoted field not closed before the end of the input"}},
		{name: "no timeStamp column", data: "label,elapsed,success\nA,1,true\n", samples: 1, warning: "no timeStamp column"},
		// At or before the epoch a sample would vanish from every statistic.
		{name: "at or before the epoch", data: header + "0,5,A,200,true\n-1,5,A,200,true\n" + row(1), samples: 1, badRows: 2,
			bad: []string{`line 2: timeStamp: expected a time after the epoch (1970-01-01T00:00:00Z), found "0"`,
				`line 3: timeStamp: expected a time after the epoch (1970-01-01T00:00:00Z), found "-1"`}},
		{name: "end times, starting before the epoch", data: header + "50,100,A,200,true\n100,100,A,200,true\n" + row(1),
			opt: Options{EndTimes: true}, samples: 1, badRows: 2,
			bad: []string{"line 2: timeStamp: the sample would start at or before the epoch: it ends at 50 and took 100 ms",
				"line 3: timeStamp: the sample would start at or before the epoch: it ends at 100 and took 100 ms"}},
		{name: "text after a closing quote is kept", data: header + "1700000000001,1,\"ab\"cd,200,true\n", samples: 1},
		{name: "log file", data: "2023-11-14 10:00:00 INFO starting\n2023-11-14 10:00:01 INFO ready\n",
			errText: "test.jtl:1: not a JMeter JTL: expected a JTL header (timeStamp,elapsed,label,...) or a sample row, found"},
		{name: "k6 CSV", data: "metric_name,timestamp,metric_value,check,error,error_code,group,method,name,proto,scenario,status,url\nhttp_reqs,1700000000,1.000000,,,,,GET,x,HTTP/1.1,default,200,http://x\n",
			errText: "not a JMeter JTL"},
		{name: "headerless 10 fields", data: "1700000000000,1,L,200,OK,T 1-1,text,true,1,2\n",
			errText: "test.jtl:1: a JTL without a header, with 10 ','-delimited fields"},
		{name: "forced columns with an unknown name", data: "1700000000000,5,x,y\n", samples: 1,
			opt:     Options{Columns: []string{"timeStamp", "elapsed", "label", "colour"}},
			warning: `--jtl-columns: "colour" is not a JTL column name; its values are skipped`},
		{name: "forced columns, fewer fields", data: "1700000000000,5,x\n", badRows: 1,
			opt:     Options{Columns: []string{"timeStamp", "elapsed", "label", "responseCode"}},
			warning: "--jtl-columns names 4 columns but line 1 has 3 fields"},
		{name: "forced columns lose to a header", data: header + row(1), samples: 1,
			opt: Options{Columns: []string{"label", "timeStamp", "elapsed", "responseCode", "success"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := parseChunks([]byte(tc.data), tc.opt, nil)
			if tc.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("error %v, want one containing %q", err, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Samples) != tc.samples || r.BadRows != tc.badRows {
				t.Errorf("%d samples, %d bad rows (%v); want %d, %d", len(r.Samples), r.BadRows, badStrings(r), tc.samples, tc.badRows)
			}
			if tc.bad != nil && !reflect.DeepEqual(badStrings(r), tc.bad) {
				t.Errorf("bad rows %q, want %q", badStrings(r), tc.bad)
			}
			if tc.warning != "" && !strings.Contains(strings.Join(r.Warnings, "\n"), tc.warning) {
				t.Errorf("warnings %q, want %q", r.Warnings, tc.warning)
			}
			if tc.noWarnings && len(r.Warnings) > 0 {
				t.Errorf("warnings %q, want none", r.Warnings)
			}
			if r.CaughtUp != 1 {
				t.Errorf("%d CaughtUp batches", r.CaughtUp)
			}
		})
	}
}

// TestLongLine checks that a line longer than maxRecord is one bad row and
// reading goes on after it, and that a stray quote does not swallow the rest
// of the file.
func TestLongLine(t *testing.T) {
	header := "timeStamp,elapsed,label,responseCode,success\n"
	good := "1700000000000,1,ok,200,true\n"
	for _, tc := range []struct {
		name string
		long string
		bad  string
	}{
		{"plain", strings.Repeat("x", maxRecord+sources.ReadChunk) + "\n", "line 3: line longer than 1048576 bytes"},
		{"open quote", "1700000000000,1,\"" + strings.Repeat("y,\n", maxRecord/3+10) + "\n", "line 3: quoted field not closed within 1048576 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(header + good + tc.long + good)
			var cuts []int // ReadChunk pieces, so the long line outgrows maxRecord while held
			for at := sources.ReadChunk; at < len(data); at += sources.ReadChunk {
				cuts = append(cuts, at)
			}
			r, err := parseChunks(data, Options{}, nil, cuts...)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Samples) != 2 || r.BadRows == 0 {
				t.Fatalf("%d samples, %d bad rows (%v); want 2 and some", len(r.Samples), r.BadRows, badStrings(r))
			}
			if first := r.Bad[0].String(); first != tc.bad {
				t.Errorf("first bad row %q, want %q", first, tc.bad)
			}
		})
	}
}

func TestBinaryGarbage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(rng.UintN(256))
	}
	for name, data := range map[string][]byte{
		"random":         garbage,
		"NUL after text": append([]byte("timeStamp,elapsed\x00\x00\x00"), garbage[:100]...),
		"random after <": append([]byte("<"), garbage...),
	} {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, "garbage.jtl", data)
			r := readFile(t, path, Options{})
			if r.Err == nil || !strings.Contains(r.Err.Error(), "not a JMeter JTL") || !strings.Contains(r.Err.Error(), path) {
				t.Fatalf("error %v, want one naming %s and saying it is not a JTL", r.Err, path)
			}
			if len(r.Samples) != 0 {
				t.Errorf("%d samples from garbage", len(r.Samples))
			}
			last := r.Batches[len(r.Batches)-1].Health
			if last == nil || last.State != sources.StateFailed || last.Err == "" {
				t.Errorf("last health %+v, want failed with the error", last)
			}
		})
	}
}

func TestEmptyFile(t *testing.T) {
	r := readFile(t, writeFile(t, "empty.jtl", nil), Options{})
	if r.Err != nil || len(r.Samples) != 0 || r.BadRows != 0 || r.CaughtUp != 1 {
		t.Fatalf("empty file: err %v, %d samples, %d bad, %d caught-up", r.Err, len(r.Samples), r.BadRows, r.CaughtUp)
	}
}

func TestMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.jtl")
	r := readFile(t, path, Options{})
	if r.Err == nil || !strings.Contains(r.Err.Error(), path) {
		t.Fatalf("error %v, want one naming %s", r.Err, path)
	}
}

// TestTruncatedGzip cuts a gzip'd JTL in the middle: the rows before the cut
// are kept, a warning says so, and Run returns nil.
func TestTruncatedGzip(t *testing.T) {
	var plain bytes.Buffer
	plain.WriteString("timeStamp,elapsed,label,responseCode,success\n")
	for i := range 20000 {
		fmt.Fprintf(&plain, "%d,%d,label %d,200,true\n", 1700000000000+int64(i)*7, i%500, i%7)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(plain.Bytes())
	zw.Close()
	cut := gz.Bytes()[:gz.Len()/2]
	r := readFile(t, writeFile(t, "cut.jtl.gz", cut), Options{})
	if r.Err != nil {
		t.Fatalf("Run: %v", r.Err)
	}
	if len(r.Samples) < 1000 || len(r.Samples) >= 20000 {
		t.Fatalf("%d samples from half a gzip of 20000 rows", len(r.Samples))
	}
	for i, s := range r.Samples {
		if s.StartMS != 1700000000000+int64(i)*7 {
			t.Fatalf("sample %d starts at %d: rows lost or reordered", i, s.StartMS)
		}
	}
	want := fmt.Sprintf("gzip data is truncated: kept the %d samples read before the cut", len(r.Samples))
	if !strings.Contains(strings.Join(r.Warnings, "\n"), want) {
		t.Errorf("warnings %q, want %q", r.Warnings, want)
	}
	if r.BadRows > 1 {
		t.Errorf("%d bad rows, want at most the row cut in half: %v", r.BadRows, badStrings(r))
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want string
	}{
		{"5.x header", "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n1,2", FormatCSV},
		{"TAB header", "timeStamp\telapsed\tlabel\tresponseCode\n", FormatCSV},
		{"other order, variables", "label,timeStamp,\"myVar\",elapsed\n", FormatCSV},
		{"headerless", "1700000000000,12,Home,200,OK,T 1-1,text,true,100,1,1,10\n", FormatCSV},
		{"headerless date", "2023/11/14 10:00:00.123;12;Home;200;OK;T 1-1;text;true;100\n", FormatCSV},
		{"XML", "\uFEFF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- x -->\n<testResults version=\"1.2\">\n<httpSample", FormatXML},
		{"XML without prolog", "<testResults>", FormatXML},
		{"other XML", "<?xml version=\"1.0\"?>\n<html>", ""},
		{"k6 CSV", "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags\n", ""},
		{"Locust", "Type,Name,Request Count,Failure Count,Median Response Time\n", ""},
		{"k6 JSON", "{\"type\":\"Metric\",\"data\":{}}\n", ""},
		{"log", "2023-11-14 10:00:00.000 INFO  [main] o.s.Application - started\n", ""},
		{"Gatling", "RUN\tsim\tsim\t1700000000000\t \t3.9.5\n", ""},
		{"binary", "\x00\x01\x02\x03GATLING", ""},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Sniff([]byte(tc.head))
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("Sniff = %q, %v; want %q", got, ok, tc.want)
			}
		})
	}
}

func TestSniffCorpus(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "jmeter")
	for _, tc := range corpusFiles {
		head, err := tail.Head(filepath.Join(dir, tc.file), 64<<10)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := Sniff(head)
		want := tc.format
		if tc.columns != "" && strings.Contains(tc.file, "Bug52968") {
			want = "" // no times: nothing marks it as a JTL
		}
		if got != want || ok != (want != "") {
			t.Errorf("%s: Sniff = %q, %v; want %q", tc.file, got, ok, want)
		}
	}
}

func TestQuotedFields(t *testing.T) {
	for field, want := range map[string]string{
		`"x,y"`:             "x,y",
		`""`:                "",
		`"a""b"`:            `a"b`,
		`""""`:              `"`,
		`"ab"cd`:            "abcd",
		`"a""b"cd`:          `a"bcd`,
		`ab"cd`:             `ab"cd`,
		"\"two\nlines\"":    "two␊lines", // line ends shown as their pictures
		"\"crlf\r\nkept\"":  "crlf␍␊kept",
		`"trailing space" `: "trailing space ",
	} {
		data := "timeStamp,elapsed,label,responseCode,success\n1700000000000,1," + field + ",200,true\r\n1700000000001,2,next,200,true\n"
		r, err := parseChunks([]byte(data), Options{}, nil)
		if err != nil || len(r.Samples) != 2 || r.BadRows != 0 {
			t.Errorf("%q: err %v, %d samples, bad %v", field, err, len(r.Samples), badStrings(r))
			continue
		}
		if r.Samples[0].Label != want || r.Samples[1].Label != "next" {
			t.Errorf("%q: label %q, want %q", field, r.Samples[0].Label, want)
		}
	}
}
