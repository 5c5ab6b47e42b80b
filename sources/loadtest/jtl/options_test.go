package jtl

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/labels"
)

func startTimes(s []sources.Sample) []int64 {
	var out []int64
	for _, x := range s {
		out = append(out, x.StartMS)
	}
	return out
}

// TestDetectedTimestamps reads the fixtures whose timestamps are dates of a
// layout no option names: it is detected from the values.
func TestDetectedTimestamps(t *testing.T) {
	tests := []struct {
		file    string
		want    []int64
		warning string // a warning that must be among the source's
	}{
		// The example layout, '|'-delimited; the last fraction has one digit.
		{file: "underscore_dates.csv", want: []int64{1795610325787, 1795610326001, 1795610340500}},
		// dd/MM/yyyy: the first four values fit both orders, 13/11/2026 decides.
		{file: "dayfirst_dates.csv", want: []int64{1794527998100, 1794527998800, 1794527999500, 1794528000200, 1794528000900, 1794528001600},
			warning: `timeStamp: dates such as "12/11/2026 23:59:58.100" read as dd/MM/yyyy HH:mm:ss.SSS in zone UTC`},
		// yyyyMMddHHmmss is not epoch milliseconds although it is all digits.
		{file: "compact_dates.csv", want: []int64{1795610325000, 1795610326000, 1795610341000}},
		// MM/dd/yy hh:mm:ss a Z: 11/25/26 decides month-first; the zone is the value's.
		{file: "us_ampm_dates.csv", want: []int64{1793681999000, 1793682001000, 1795630500000},
			warning: "read as MM/dd/yy hh:mm:ss a XX with the zone they carry"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			r, err := parseChunks(readTestdata(t, tc.file), Options{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := startTimes(r.Samples); !reflect.DeepEqual(got, tc.want) || r.BadRows != 0 {
				t.Errorf("starts %v (bad %v), want %v", got, badStrings(r), tc.want)
			}
			if tc.warning != "" && !strings.Contains(strings.Join(r.Warnings, "\n"), tc.warning) {
				t.Errorf("warnings %q, want one containing %q", r.Warnings, tc.warning)
			}
		})
	}
}

// optionFixtures are the fixtures under testdata/options, which need options
// (or fail without them), with what they give.
var optionFixtures = []struct {
	name    string
	file    string
	opt     func(t testing.TB) Options
	want    []int64
	errText []string
}{
	{name: "ambiguous day and month", file: "ambiguous_dates.csv", opt: func(testing.TB) Options { return Options{} },
		errText: []string{"test.jtl:2: timeStamp \"03/04/2026 10:00:00.000\" could be day-first (dd/MM/yyyy HH:mm:ss.SSS) or month-first (MM/dd/yyyy HH:mm:ss.SSS)",
			"the first 5 values fit either", "--jtl-time-format 'dd/MM/yyyy HH:mm:ss.SSS' or --jtl-time-format 'MM/dd/yyyy HH:mm:ss.SSS'"}},
	{name: "ambiguous, day-first given", file: "ambiguous_dates.csv",
		opt:  func(testing.TB) Options { return Options{TimeFormat: "dd/MM/yyyy HH:mm:ss.SSS"} },
		want: []int64{1775210400000, 1775210401000, 1775210402000, 1775210403000, 1775210404000}},
	{name: "ambiguous, month-first given", file: "ambiguous_dates.csv",
		opt:  func(testing.TB) Options { return Options{TimeFormat: "MM/dd/yyyy HH:mm:ss.SSS"} },
		want: []int64{1772618400000, 1772618401000, 1772618402000, 1772618403000, 1772618404000}},
	{name: "headerless ';' day-first from properties", file: "semicolon_dayfirst.csv",
		opt:  func(t testing.TB) Options { return propsOptions(t, "dates_semicolon.properties") },
		want: []int64{1775210400250, 1775210401250, 1775210402250}},
	{name: "':' without --jtl-delimiter", file: "colon_delimiter.csv", opt: func(testing.TB) Options { return Options{} },
		errText: []string{"test.jtl:1: not a JMeter JTL"}},
	{name: "':' with --jtl-delimiter", file: "colon_delimiter.csv",
		opt:  func(testing.TB) Options { return Options{Delimiter: ':'} },
		want: []int64{1700000000000, 1700000000100}},
}

// propsOptions reads testdata/props files into Options as the CLI does.
func propsOptions(t testing.TB, files ...string) Options {
	t.Helper()
	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join("testdata", "props", f))
	}
	p, err := ReadProperties(paths...)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := p.SaveConfig()
	if err != nil {
		t.Fatal(err)
	}
	return Options{Columns: sc.Columns, ColumnsFrom: "the properties", Delimiter: sc.Delimiter, TimeFormat: sc.TimeFormat}
}

func TestOptionFixtures(t *testing.T) {
	for _, tc := range optionFixtures {
		t.Run(tc.name, func(t *testing.T) {
			r, err := parseChunks(readTestdata(t, filepath.Join("options", tc.file)), tc.opt(t), nil)
			if tc.errText != nil {
				if err == nil {
					t.Fatalf("no error (%d samples), want %q", len(r.Samples), tc.errText)
				}
				for _, want := range tc.errText {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q lacks %q", err, want)
					}
				}
				if len(r.Samples) != 0 {
					t.Errorf("%d samples read before the error", len(r.Samples))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := startTimes(r.Samples); !reflect.DeepEqual(got, tc.want) || r.BadRows != 0 {
				t.Errorf("starts %v (bad %v), want %v", got, badStrings(r), tc.want)
			}
		})
	}
}

// TestOptionFixturesChunked is TestChunkBoundaries for the option fixtures:
// layout detection holds rows back while it waits for values, which must not
// change what is read, or the error, wherever the chunks end.
func TestOptionFixturesChunked(t *testing.T) {
	for _, tc := range optionFixtures {
		data := readTestdata(t, filepath.Join("options", tc.file))
		opt := tc.opt(t)
		want, wantErr := parseChunks(data, opt, nil)
		for cut := 1; cut < len(data); cut++ {
			got, err := parseChunks(data, opt, nil, cut)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got.Samples, want.Samples) || got.BadRows != want.BadRows {
				t.Fatalf("%s cut at %d: %d samples, err %v; in one piece %d samples, err %v",
					tc.name, cut, len(got.Samples), err, len(want.Samples), wantErr)
			}
		}
	}
}

// TestDetectionWaitsForValues feeds an ambiguous file row by row: nothing is
// read while the values fit both orders and fewer than 100 were seen, and
// the 100th value makes it an error. A day above 12 arriving first decides.
func TestDetectionWaitsForValues(t *testing.T) {
	header := "timeStamp,elapsed,label,responseCode,success\n"
	row := func(day, i int) string {
		return fmt.Sprintf("%02d/03/2026 10:%02d:%02d,%d,L,200,true\n", day, i/60, i%60, i)
	}
	var sink sources.Collect
	h := newHandler(t.Context(), &sink, sources.Info{Name: "live.jtl", Zone: time.UTC}, Options{Follow: true})
	if err := h.Data([]byte(header)); err != nil {
		t.Fatal(err)
	}
	for i := range detectValues - 1 {
		if err := h.Data([]byte(row(5, i))); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
	}
	h.Idle()
	if r := collect(sink.Take()); len(r.Samples) != 0 {
		t.Fatalf("%d samples before the layout is known", len(r.Samples))
	}
	err := h.Data([]byte(row(5, detectValues)))
	if err == nil || !strings.Contains(err.Error(), "live.jtl:2: timeStamp \"05/03/2026 10:00:00\" could be day-first") ||
		!strings.Contains(err.Error(), "the first 100 values") {
		t.Fatalf("error %v, want the ambiguity after 100 values", err)
	}

	sink = sources.Collect{}
	h = newHandler(t.Context(), &sink, sources.Info{Name: "live.jtl", Zone: time.UTC}, Options{Follow: true})
	h.Data([]byte(header + row(5, 0) + row(5, 1)))
	h.Idle()
	if r := collect(sink.Take()); len(r.Samples) != 0 {
		t.Fatalf("%d samples before the layout is known", len(r.Samples))
	}
	if err := h.Data([]byte(row(25, 2))); err != nil {
		t.Fatal(err)
	}
	h.Idle()
	r := collect(sink.Take())
	want := []int64{1772704800000, 1772704801000, 1774432802000} // 5 March, 5 March, 25 March
	if got := startTimes(r.Samples); !reflect.DeepEqual(got, want) {
		t.Fatalf("starts %v, want %v", got, want)
	}
}

// TestFormattedTimestampCorpus reads the corpus file with formatted
// timestamps by detection and by JMeter's pattern, in the zone of the source.
func TestFormattedTimestampCorpus(t *testing.T) {
	path := filepath.Join(corpusDir(t), "jmeter", "csv", "perfplugin_JMeterPublisher_formatted_timeStamp.csv")
	seoul := time.FixedZone("KST", 9*3600)
	// 2014-02-24 07:42:21.256 and the next two milliseconds.
	utc := []int64{1393227741256, 1393227741257, 1393227741258}
	kst := []int64{utc[0] - 9*3600*1000, utc[1] - 9*3600*1000, utc[2] - 9*3600*1000}
	for _, tc := range []struct {
		name string
		opt  Options
		zone *time.Location
		want []int64
	}{
		{"detected", Options{}, time.UTC, utc},
		{"pattern", Options{TimeFormat: "yyyy-MM-dd HH:mm:ss.SSS"}, time.UTC, utc},
		{"detected, --tz", Options{}, seoul, kst},
		{"pattern, --tz", Options{TimeFormat: "yyyy-MM-dd HH:mm:ss.SSS"}, seoul, kst},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sink sources.Collect
			err := New(sources.Info{Name: path, Zone: tc.zone}, tc.opt).Run(t.Context(), &sink)
			r := collect(sink.Take())
			if err != nil || r.BadRows != 0 {
				t.Fatalf("err %v, bad %v", err, badStrings(r))
			}
			if got := startTimes(r.Samples); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("starts %v, want %v", got, tc.want)
			}
		})
	}
	// A pattern that does not fit makes every row a bad row that says so.
	var sink sources.Collect
	if err := New(sources.Info{Name: path, Zone: time.UTC}, Options{TimeFormat: "dd/MM/yyyy HH:mm:ss"}).Run(t.Context(), &sink); err != nil {
		t.Fatal(err)
	}
	r := collect(sink.Take())
	if len(r.Samples) != 0 || r.BadRows != 3 ||
		r.Bad[0].String() != `line 2: timeStamp: expected a date written as 'dd/MM/yyyy HH:mm:ss' (--jtl-time-format), found "2014-02-24 07:42:21.256"` {
		t.Errorf("%d samples, bad %v", len(r.Samples), badStrings(r))
	}
}

// TestHeaderlessCorpusFromProperties reads the headerless corpus files with
// the columns that their properties give, which must be those of the corpus
// table.
func TestHeaderlessCorpusFromProperties(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "jmeter")
	for file, props := range map[string]string{
		"csv/jmeter_testfiles_Bug52968.csv":                   "bug52968.properties",
		"csv/perfplugin_JENKINS-16627_CSV_instead_of_XML.jtl": "jenkins16627.properties",
	} {
		t.Run(file, func(t *testing.T) {
			opt := propsOptions(t, props)
			for _, tc := range corpusFiles {
				if tc.file != file {
					continue
				}
				if got := strings.Join(opt.Columns, ","); got != tc.columns {
					t.Fatalf("columns from %s:\n%s\nwant\n%s", props, got, tc.columns)
				}
				r := readFile(t, filepath.Join(dir, file), opt)
				if r.Err != nil || len(r.Samples) != tc.samples || r.BadRows != 0 {
					t.Fatalf("err %v, %d samples, bad %v; want %d", r.Err, len(r.Samples), badStrings(r), tc.samples)
				}
				if len(r.Warnings) != 0 && !tc.noTime {
					t.Errorf("warnings %q", r.Warnings)
				}
				return
			}
			t.Fatalf("%s is not in the corpus table", file)
		})
	}
}

func TestSubResultsBeforeParent(t *testing.T) {
	r, err := parseChunks(readTestdata(t, "subresults_before_parent.csv"), Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range r.Samples {
		kind := ""
		if s.SubResult {
			kind = " sub"
		}
		if s.Transaction {
			kind = " tc"
		}
		got = append(got, s.Label+kind)
	}
	// File order is kept; see subResult for the rules.
	want := []string{"Flow tc", "Step-1", "Flow-0-0 sub", "Step-1-0 sub", "Flow-0-1 sub", "HP-0", "Flow-0", "HP-1",
		"Flow-1", "HP tc", "Img-0", "Img-1 sub", "Img"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("samples\n%q\nwant\n%q", got, want)
	}
}

// TestPendingRowsBounded checks that rows waiting for a parent that never
// comes are given up on after maxPinned samples, so batches stay bounded,
// and that every row is read.
func TestPendingRowsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("timeStamp,elapsed,label,responseCode,threadName,success\n")
	n := 3 * sources.BatchRecords
	for i := range n {
		label := "Page"
		if i%3000 == 0 {
			label = "Orphan-1" // its thread never writes an Orphan row
		}
		fmt.Fprintf(&b, "%d,5,%s,200,T 1-%d,true\n", 1700000000000+int64(i), label, 1+i%3000)
	}
	r, err := parseChunks([]byte(b.String()), Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Samples) != n {
		t.Fatalf("%d samples, want %d", len(r.Samples), n)
	}
	for i, s := range r.Samples {
		if s.StartMS != 1700000000000+int64(i) || s.SubResult {
			t.Fatalf("sample %d = %+v: order changed or wrongly a sub-result", i, s)
		}
	}
	for _, b := range r.Batches {
		if len(b.Samples) > sources.BatchRecords || b.Rows != len(b.Samples) {
			t.Fatalf("batch of %d samples, Rows %d", len(b.Samples), b.Rows)
		}
	}
}

func TestLabelMap(t *testing.T) {
	rules, err := labels.ParseRules([]string{`^GET /users/\d+$=GET /users/{id}`, `^(GET|POST) /orders/[0-9a-f]+/(\w+)$=$1 /orders/{id}/$2`})
	if err != nil {
		t.Fatal(err)
	}
	csv := "timeStamp,elapsed,label,responseCode,success\n" +
		"1700000000000,5,GET /users/17,200,true\n" +
		"1700000000001,5,GET /users/18,200,true\n" +
		"1700000000002,5,POST /orders/9f3a/items,200,true\n" +
		"1700000000003,5,GET /users/18/photo,200,true\n"
	xml := `<testResults version="1.2">
<httpSample t="5" ts="1700000000000" lb="GET /users/17" s="true"/>
<httpSample t="5" ts="1700000000001" lb="GET /orders/ab12/lines" s="true"/>
</testResults>`
	for _, tc := range []struct {
		name, data string
		want       []string
	}{
		{"CSV", csv, []string{"GET /users/{id}", "GET /users/{id}", "POST /orders/{id}/items", "GET /users/18/photo"}},
		{"XML", xml, []string{"GET /users/{id}", "GET /orders/{id}/lines"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := parseChunks([]byte(tc.data), Options{LabelMap: rules}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := labelsOf(r.Samples); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("labels %q, want %q", got, tc.want)
			}
		})
	}
}

// TestLabelCap writes 600 distinct labels: the first 500 are kept, the rest
// are counted under (other labels), transactions under (other
// transactions), and one warning names the first extra ones.
func TestLabelCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("timeStamp,elapsed,label,responseCode,responseMessage,threadName,success\n")
	for i := range 600 {
		fmt.Fprintf(&b, "%d,5,GET /item/%d,200,OK,T 1-1,true\n", 1700000000000+int64(i), i)
	}
	b.WriteString("1700000001000,9,Checkout,200,\"Number of samples in transaction : 1, number of failing samples : 0\",T 1-1,true\n")
	b.WriteString("1700000001001,5,GET /item/0,200,OK,T 1-1,true\n")
	r, err := parseChunks([]byte(b.String()), Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, s := range r.Samples {
		count[s.Label]++
	}
	if len(r.Samples) != 602 || len(count) != 502 || count[labels.Other] != 100 || count[labels.OtherTransactions] != 1 || count["GET /item/0"] != 2 {
		t.Errorf("%d samples, %d labels, %d under %q, %d under %q", len(r.Samples), len(count),
			count[labels.Other], labels.Other, count[labels.OtherTransactions], labels.OtherTransactions)
	}
	var warned []string
	for _, w := range r.Warnings {
		if strings.Contains(w, "distinct labels") {
			warned = append(warned, w)
		}
	}
	if len(warned) != 1 || !strings.Contains(warned[0], `more than 500 distinct labels`) ||
		!strings.Contains(warned[0], `"GET /item/500", "GET /item/501", "GET /item/502", "GET /item/503", "GET /item/504", ...`) {
		t.Errorf("warnings %q", r.Warnings)
	}
	// The cap is an option.
	r, _ = parseChunks([]byte(b.String()), Options{MaxLabels: -1}, nil)
	for _, s := range r.Samples {
		if s.Label == labels.Other {
			t.Fatal("capped with MaxLabels -1")
		}
	}
}

func TestSniffOptions(t *testing.T) {
	bug := "TNP1-JR0-0,200,,TG0-SNL 1-1,text,true,1,1,1,0\n"
	cols := strings.Split("label,responseCode,responseMessage,threadName,dataType,success,grpThreads,allThreads,SampleCount,ErrorCount", ",")
	for _, tc := range []struct {
		name string
		head string
		opt  Options
		ok   bool
	}{
		{"no options", bug, Options{}, false},
		{"columns", bug, Options{Columns: cols}, true},
		{"columns, wrong count", "a,200,,T,text,true,1,1,1\n", Options{Columns: cols}, false},
		{"columns, not a boolean", "a,200,,T,text,maybe,1,1,1,0\n", Options{Columns: cols}, false},
		{"columns, not a number", "a,200,,T,text,true,x,1,1,0\n", Options{Columns: cols}, false},
		{"colon header", "timeStamp:elapsed:label\n", Options{Delimiter: ':'}, true},
		{"colon header undetected", "timeStamp:elapsed:label\n", Options{}, false},
		{"time format", "05/03/2026 10:00:00,12,Home,200,OK,T 1-1,text,true,1,1,1,5\n", Options{TimeFormat: "dd/MM/yyyy HH:mm:ss"}, true},
		{"time format, a log", "05/03/2026 10:00:00 INFO started\n", Options{TimeFormat: "dd/MM/yyyy HH:mm:ss"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			format, ok := SniffOptions([]byte(tc.head), tc.opt, time.Now())
			if ok != tc.ok || (ok && format != FormatCSV) {
				t.Errorf("SniffOptions = %q, %v; want %v", format, ok, tc.ok)
			}
		})
	}
}

func TestBadTimeFormatOption(t *testing.T) {
	_, err := parseChunks([]byte("timeStamp,elapsed\n1,2\n"), Options{TimeFormat: "YYYY-MM-dd"}, nil)
	if err == nil || !strings.Contains(err.Error(), "test.jtl: time format \"YYYY-MM-dd\": pattern letter 'Y' (week year (you probably mean yyyy))") {
		t.Fatalf("error %v", err)
	}
}

// TestEndTimes reads the same run written with start and with end
// timestamps (sampleresult.timestamp.start=false): with EndTimes both give
// the same samples, sub-results still found inside their parent, in CSV and
// XML.
func TestEndTimes(t *testing.T) {
	starts := "timeStamp,elapsed,label,responseCode,threadName,success\n" +
		"1000,50,home,200,T1,true\n" +
		"1000,20,home-0,200,T1,true\n" +
		"1020,30,home-1,200,T1,true\n" +
		"1100,10,login,200,T1,true\n"
	ends := "timeStamp,elapsed,label,responseCode,threadName,success\n" +
		"1050,50,home,200,T1,true\n" +
		"1020,20,home-0,200,T1,true\n" +
		"1050,30,home-1,200,T1,true\n" +
		"1110,10,login,200,T1,true\n"
	want, err := parseChunks([]byte(starts), Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseChunks([]byte(ends), Options{EndTimes: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Samples) != 4 || !reflect.DeepEqual(got.Samples, want.Samples) {
		t.Fatalf("end times read as\n%+v\nwant\n%+v", got.Samples, want.Samples)
	}
	if !got.Samples[1].SubResult || !got.Samples[2].SubResult {
		t.Fatalf("sub-results not found with end times: %+v", got.Samples)
	}
	xml := `<?xml version="1.0" encoding="UTF-8"?>
<testResults version="1.2">
<httpSample t="50" ts="1050" s="true" lb="home" rc="200" tn="T1"/>
<httpSample t="10" ts="1110" s="true" lb="login" rc="200" tn="T1"/>
</testResults>
`
	x, err := parseChunks([]byte(xml), Options{EndTimes: true}, nil)
	if err != nil || len(x.Samples) != 2 || x.Samples[0].StartMS != 1000 || x.Samples[1].StartMS != 1100 {
		t.Fatalf("XML with end times: %v, %+v", err, x.Samples)
	}
}

// TestEndTimesChildrenFirst: with end timestamps, sub-results written before
// their parent (JMeter 5.5+ trees) are still found; without a timeStamp
// column nothing is shifted before the epoch.
func TestEndTimesChildrenFirst(t *testing.T) {
	ends := "timeStamp,elapsed,label,responseCode,threadName,success\n" +
		"1030,20,home-0,200,T1,true\n1060,30,home-1,200,T1,true\n1100,100,home,200,T1,true\n1210,10,login,200,T1,true\n"
	got, err := parseChunks([]byte(ends), Options{EndTimes: true}, nil)
	if err != nil || len(got.Samples) != 4 {
		t.Fatalf("%v, %d samples", err, len(got.Samples))
	}
	for _, s := range got.Samples {
		if sub := s.Label == "home-0" || s.Label == "home-1"; s.SubResult != sub {
			t.Errorf("%s: SubResult %v", s.Label, s.SubResult)
		}
	}
	none, err := parseChunks([]byte("elapsed,label,responseCode,success\n250,a,200,true\n"), Options{EndTimes: true}, nil)
	if err != nil || len(none.Samples) != 1 || none.Samples[0].StartMS != 0 {
		t.Fatalf("no timeStamp column: %v, %+v", err, none.Samples)
	}
}
