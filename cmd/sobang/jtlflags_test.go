package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// jtlTestdata is the jtl package's fixtures directory.
var jtlTestdata = filepath.Join("..", "..", "sources", "loadtest", "jtl", "testdata")

// jmeterCorpus returns the shared corpus's JMeter CSV directory; a fresh
// clone without it skips, CI fails.
func jmeterCorpus(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "loadtest", "jmeter", "csv")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus missing at %s (CI=true requires it): %v", dir, err)
		}
		t.Skipf("corpus not found at %s: clone the shared corpus beside the repository to run this test", dir)
	}
	return dir
}

// jtlReport is the part of the report JSON these tests read.
type jtlReport struct {
	Sources []struct {
		Path     string   `json:"path"`
		Kind     string   `json:"kind"`
		Rows     int      `json:"rows"`
		BadRows  int      `json:"bad_rows"`
		Warnings []string `json:"warnings"`
	} `json:"sources"`
	LoadTest struct {
		Start   string `json:"start"`
		Samples int64  `json:"samples"`
		Labels  []struct {
			Label   string `json:"label"`
			Samples int64  `json:"samples"`
		} `json:"labels"`
		Timeline []struct {
			T       string `json:"t"`
			Samples int64  `json:"samples"`
		} `json:"timeline"`
	} `json:"loadtest"`
}

// reportJSON runs sobang report --format json with args and decodes stdout.
func reportJSON(t *testing.T, args ...string) jtlReport {
	t.Helper()
	out, errs, code := runBin(t, append([]string{"report", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("sobang report %s: exit %d\n%s", strings.Join(args, " "), code, errs)
	}
	var doc jtlReport
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	return doc
}

func (r jtlReport) labels() map[string]int64 {
	m := map[string]int64{}
	for _, l := range r.LoadTest.Labels {
		m[l.Label] = l.Samples
	}
	return m
}

// TestReportHeaderlessCorpus reads the headerless corpus files, positional,
// with --jtl-columns and with --jmeter-props.
func TestReportHeaderlessCorpus(t *testing.T) {
	dir := jmeterCorpus(t)
	jenkins := filepath.Join(dir, "perfplugin_JENKINS-16627_CSV_instead_of_XML.jtl")
	bug := filepath.Join(dir, "jmeter_testfiles_Bug52968.csv")
	props := filepath.Join(jtlTestdata, "props")
	for _, tc := range []struct {
		name    string
		args    []string
		rows    int
		samples int64 // timed samples, the report's totals
		label   string
	}{
		{"JENKINS-16627 --jtl-columns", []string{"--jtl-columns", "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,bytes,Latency", jenkins},
			3, 3, "GET /ordermgmt/login - Login Page"},
		{"JENKINS-16627 --jmeter-props", []string{jenkins, "--jmeter-props", filepath.Join(props, "jenkins16627.properties")},
			3, 3, "GET /ordermgmt/inventory"},
		// No timestamps: the rows are read, but no second holds them.
		{"Bug52968 --jtl-columns", []string{"--jtl-columns", "label,responseCode,responseMessage,threadName,dataType,success,grpThreads,allThreads,SampleCount,ErrorCount", bug},
			60, 0, ""},
		{"Bug52968 --jmeter-props", []string{"--jmeter-props", filepath.Join(props, "bug52968.properties"), bug}, 60, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := reportJSON(t, tc.args...)
			if len(doc.Sources) != 1 || doc.Sources[0].Kind != "jtl" || doc.Sources[0].Rows != tc.rows || doc.Sources[0].BadRows != 0 {
				t.Fatalf("sources %+v", doc.Sources)
			}
			if doc.LoadTest.Samples != tc.samples || (tc.label != "" && doc.labels()[tc.label] != 1) {
				t.Errorf("loadtest %+v", doc.LoadTest)
			}
		})
	}
	// Without the columns the file cannot be read, and the message says what to do.
	_, errs, code := runBin(t, "report", "--jtl", jenkins)
	if code != exitUsage || !strings.Contains(errs, "--jtl-columns") || !strings.Contains(errs, jenkins) {
		t.Errorf("no columns: exit %d, %q", code, errs)
	}
}

func TestReportTimeFormats(t *testing.T) {
	ambiguous := filepath.Join(jtlTestdata, "options", "ambiguous_dates.csv")
	_, errs, code := runBin(t, "report", "--format", "json", ambiguous)
	for _, want := range []string{ambiguous, `"03/04/2026 10:00:00.000"`, "day-first", "month-first", "--jtl-time-format"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q: %s", want, errs)
		}
	}
	if code != exitUsage {
		t.Errorf("ambiguous dates: exit %d, want %d", code, exitUsage)
	}
	for format, first := range map[string]string{
		"dd/MM/yyyy HH:mm:ss.SSS": "2026-04-03T10:00:00Z",
		"MM/dd/yyyy HH:mm:ss.SSS": "2026-03-04T10:00:00Z",
	} {
		doc := reportJSON(t, ambiguous, "--jtl-time-format", format, "--tz", "UTC", "--utc")
		if doc.Sources[0].Rows != 5 || len(doc.LoadTest.Timeline) != 5 || doc.LoadTest.Timeline[0].T != first {
			t.Errorf("%s: %+v %+v", format, doc.Sources, doc.LoadTest.Timeline)
		}
	}
	// Detected, read in the zone of --tz.
	doc := reportJSON(t, filepath.Join(jtlTestdata, "underscore_dates.csv"), "--tz", "Asia/Seoul", "--utc")
	if len(doc.LoadTest.Timeline) == 0 || doc.LoadTest.Timeline[0].T != "2026-11-25T03:38:45Z" {
		t.Errorf("detected layout in Asia/Seoul: %+v", doc.LoadTest.Timeline)
	}
	// From the properties, with their delimiter; the file is headerless.
	doc = reportJSON(t, "--jmeter-props", filepath.Join(jtlTestdata, "props", "dates_semicolon.properties"),
		filepath.Join(jtlTestdata, "options", "semicolon_dayfirst.csv"), "--tz", "UTC", "--utc")
	if doc.Sources[0].Rows != 3 || doc.LoadTest.Timeline[0].T != "2026-04-03T10:00:00Z" {
		t.Errorf("properties: %+v %+v", doc.Sources, doc.LoadTest.Timeline)
	}
}

func TestReportDelimiter(t *testing.T) {
	colon := filepath.Join(jtlTestdata, "options", "colon_delimiter.csv")
	// Nothing says it is a JTL: it is read as a text log.
	if doc := reportJSON(t, colon); doc.Sources[0].Kind != "log" {
		t.Errorf("':' without --jtl-delimiter: %+v", doc.Sources)
	}
	doc := reportJSON(t, "--jtl-delimiter", ":", colon)
	if doc.Sources[0].Kind != "jtl" || doc.Sources[0].Rows != 2 || doc.labels()["Search"] != 1 {
		t.Errorf("%+v %+v", doc.Sources, doc.LoadTest.Labels)
	}
}

// TestReportEndTimes: with --jtl-end-times, or properties saying
// sampleresult.timestamp.start=false, a sample starts elapsed before its
// timeStamp.
func TestReportEndTimes(t *testing.T) {
	dir := t.TempDir()
	jtlPath := filepath.Join(dir, "ends.jtl")
	// Ends at 12:00:01.000 after 1.5 s: it started at 11:59:59.500.
	if err := os.WriteFile(jtlPath, []byte("timeStamp,elapsed,label,responseCode,success\n1795003201000,1500,a,200,true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	props := filepath.Join(dir, "user.properties")
	if err := os.WriteFile(props, []byte("sampleresult.timestamp.start=false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	start := func(doc jtlReport) string {
		if len(doc.LoadTest.Timeline) == 0 {
			return ""
		}
		return doc.LoadTest.Timeline[0].T
	}
	if got := start(reportJSON(t, "--utc", jtlPath)); got != "2026-11-18T12:00:01Z" {
		t.Errorf("as start times: first second %q", got)
	}
	for _, args := range [][]string{{"--jtl-end-times"}, {"--jmeter-props", props}} {
		doc := reportJSON(t, append(args, "--utc", jtlPath)...)
		if got := start(doc); got != "2026-11-18T11:59:59Z" {
			t.Errorf("%v: first second %q, want 11:59:59", args, got)
		}
	}
}

// TestReportLabelMap merges ids in labels, and caps the distinct labels.
func TestReportLabelMap(t *testing.T) {
	var b strings.Builder
	b.WriteString("timeStamp,elapsed,label,responseCode,success\n")
	for i := range 700 {
		fmt.Fprintf(&b, "%d,5,GET /users/%d,200,true\n", 1764000000000+int64(i)*10, i)
	}
	path := filepath.Join(t.TempDir(), "ids.jtl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := reportJSON(t, path, "--label-map", `^GET /users/[0-9]+$=GET /users/{id}`)
	if l := doc.labels(); len(l) != 1 || l["GET /users/{id}"] != 700 {
		t.Errorf("labels %v", l)
	}
	doc = reportJSON(t, path, "--label-map", `^(GET) /users/([0-9])[0-9]*$=${1} /users/${2}…`)
	if l := doc.labels(); len(l) != 10 || l["GET /users/1…"] != 111 {
		t.Errorf("labels %v", l)
	}
	doc = reportJSON(t, path)
	l := doc.labels()
	if len(l) != 501 || l["(other labels)"] != 200 {
		t.Errorf("%d labels, %d under (other labels)", len(l), l["(other labels)"])
	}
	warned := strings.Join(doc.Sources[0].Warnings, "\n")
	if !strings.Contains(warned, "more than 500 distinct labels") || !strings.Contains(warned, `"GET /users/500"`) {
		t.Errorf("warnings %q", doc.Sources[0].Warnings)
	}
}

func TestJTLFlagErrors(t *testing.T) {
	dir := t.TempDir()
	badProps := filepath.Join(dir, "user.properties")
	os.WriteFile(badProps, []byte("# ok\njmeter.save.saveservice.default_delimiter=ab\n"), 0o644)
	jp, _ := writeSavedRun(t, dir)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--jtl-columns", "timeStamp,elapsd"}, []string{`--jtl-columns: "elapsd" is not a JTL column`, "timeStamp,elapsed,label"}},
		{[]string{"--jtl-columns", "timeStamp,,label"}, []string{"--jtl-columns: column 2 is empty"}},
		{[]string{"--jtl-columns", "label,Label"}, []string{`"Label" is named twice`}},
		{[]string{"--jtl-delimiter", "ab"}, []string{`--jtl-delimiter: expected one character, such as , ; | or tab, found "ab"`}},
		{[]string{"--jtl-delimiter", "x"}, []string{`--jtl-delimiter: expected a character other than a letter`, `found "x"`}},
		{[]string{"--jtl-time-format", "YYYY-MM-dd"}, []string{"--jtl-time-format: time format \"YYYY-MM-dd\": pattern letter 'Y'", "yyyy"}},
		{[]string{"--label-map", "no-equals"}, []string{`--label-map: expected REGEX=NAME`, `found "no-equals"`}},
		{[]string{"--label-map", "(=x"}, []string{`--label-map: "(=x": bad REGEX`}},
		{[]string{"--jmeter-props", filepath.Join(dir, "absent.properties")}, []string{"--jmeter-props", "absent.properties"}},
		{[]string{"--jmeter-props", badProps}, []string{badProps + ":2: jmeter.save.saveservice.default_delimiter"}},
	} {
		_, errs, code := runBin(t, append([]string{"report", jp}, tc.args...)...)
		if code != exitUsage {
			t.Errorf("%q: exit %d, want %d", tc.args, code, exitUsage)
		}
		for _, w := range tc.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%q: stderr %q lacks %q", tc.args, errs, w)
			}
		}
	}
	out, _, _ := runBin(t, "report", "--help")
	for _, flag := range []string{"--jtl-columns", "--jmeter-props", "--jtl-delimiter", "--jtl-time-format", "--label-map"} {
		if !strings.Contains(out, flag) {
			t.Errorf("report --help lacks %s", flag)
		}
	}
}

// TestPropsWarnings shows what the properties say that JMeter reads
// differently among the JTL source's warnings.
func TestPropsWarnings(t *testing.T) {
	dir := t.TempDir()
	props := filepath.Join(dir, "user.properties")
	os.WriteFile(props, []byte("jmeter.save.saveservice.sentBytes=false\n"), 0o644)
	jp, _ := writeSavedRun(t, dir)
	doc := reportJSON(t, jp, "--jmeter-props", props)
	want := props + ":1: jmeter.save.saveservice.sentBytes is not a property JMeter reads, so it changes nothing (did you mean jmeter.save.saveservice.sent_bytes?)"
	if w := strings.Join(doc.Sources[0].Warnings, "\n"); !strings.Contains(w, want) || doc.Sources[0].Rows != 300 {
		t.Errorf("rows %d, warnings %q", doc.Sources[0].Rows, doc.Sources[0].Warnings)
	}
}
