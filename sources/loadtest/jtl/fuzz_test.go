package jtl

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// addSeeds seeds f with the fixtures in testdata matching pattern and the
// start of some files of the corpus's jmeter directory.
func addSeeds(f *testing.F, pattern string, corpus ...string) {
	loadtesttest.AddSeeds(f, pattern, "jmeter", corpus...)
}

// fuzzChunking parses data in one piece and cut in two at cut, and fails
// when the two disagree: a record must not depend on where reads end.
func fuzzChunking(t *testing.T, data []byte, cut uint16) {
	whole, wholeErr := parseChunks(data, Options{}, nil)
	at := 0
	if len(data) > 0 {
		at = int(cut) % (len(data) + 1)
	}
	split, splitErr := parseChunks(data, Options{}, nil, at)
	if fmt.Sprint(wholeErr) != fmt.Sprint(splitErr) {
		t.Fatalf("cut at %d: error %v, in one piece %v", at, splitErr, wholeErr)
	}
	if !reflect.DeepEqual(whole.Samples, split.Samples) || whole.BadRows != split.BadRows ||
		!reflect.DeepEqual(whole.Bad, split.Bad) {
		t.Fatalf("cut at %d: %d samples, bad %v; in one piece %d samples, bad %v",
			at, len(split.Samples), split.Bad, len(whole.Samples), whole.Bad)
	}
	if whole.Rows != len(whole.Samples) {
		t.Fatalf("Rows %d for %d samples", whole.Rows, len(whole.Samples))
	}
	loadtesttest.CheckSafeText(t, whole.Samples)
}

// FuzzCSV must not panic, and must read the same records however the input
// is cut into chunks.
func FuzzCSV(f *testing.F) {
	addSeeds(f, "*.csv",
		"csv/perfplugin_multiLineCSV.jtl", "csv/taurus_doublequoting.jtl", "csv/taurus_tabs.jtl",
		"csv/taurus_quote-guessing-crash.jtl", "csv/perfplugin_filewithtransactions.csv",
		"csv/jmeter_testfiles_Bug56811.csv", "csv/perfplugin_JMeterPublisher_formatted_timeStamp.csv")
	f.Add([]byte("timeStamp,elapsed,label\n1,2,\"a\"\"b\nc\"\r\n"), uint16(9))
	f.Add([]byte("\uFEFF\"timeStamp\";\"elapsed\"\n2023/01/02 03:04:05.678;1\n"), uint16(2))
	// Layout detection (it holds rows back while undecided) and rows pending
	// for a parent written after them.
	addSeeds(f, "options/*.csv")
	f.Add([]byte("timeStamp,elapsed,label,threadName\n03/04/26 1:2:3,1,A-1,T\n03/04/26 1:2:4,1,A-2,T\n03/04/26 1:2:3,5,A,T\n13/04/26 1:2:3,1,B,T\n"), uint16(40))
	f.Add([]byte("timeStamp,elapsed,label,URL\n1,2,\"\x1b]2;t\x07\u202e\n\",http://u:p@h/\n"), uint16(30))
	f.Fuzz(fuzzChunking)
}

// FuzzXML is FuzzCSV for the XML parser.
func FuzzXML(f *testing.F) {
	addSeeds(f, "*.xml",
		"xml/jmeter_testfiles_Bug56811.xml", "xml/taurus_trace.jtl", "xml/taurus_nonstandard-unicode.jtl",
		"xml/taurus_resource_tc.jtl", "xml/taurus_cookies.jtl")
	f.Add([]byte("<testResults><httpSample t='1' ts='2' lb='&amp;&#x41;'><![CDATA[x]]></httpSample>"), uint16(20))
	f.Fuzz(fuzzChunking)
}
