package jtl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
)

// The expected counts below were obtained once, independently of this
// package, with Python 3:
//   - CSV: csv.reader over the (gunzipped) file with ',' or TAB as delimiter,
//     skipping blank records and the header; transactions = rows with a field
//     starting "Number of samples in transaction".
//   - XML: xml.etree.ElementTree (appending </testResults> to files without
//     it); samples = every child of <testResults> plus, recursively, every
//     nested element named httpSample/sample or carrying t/ts/lb/s;
//     transactions = rm starting "Number of samples in transaction";
//     sub-results = nested samples whose parent is not a transaction.
var corpusFiles = []struct {
	file         string
	samples      int
	transactions int
	subResults   int
	columns      string // Options.Columns for headerless files
	noTime       bool   // the file has no timestamps at all
	format       string
	check        func(t *testing.T, r result)
}{
	{file: "csv/ehrbase_result_jmeter5_default.jtl.gz", samples: 22005, format: FormatCSV},
	// Headerless, 10 fields and no times; the columns are inferred from the
	// values (the last field is 1 exactly when success is false).
	{file: "csv/jmeter_testfiles_Bug52968.csv", samples: 60, transactions: 30, noTime: true, format: FormatCSV,
		columns: "label,responseCode,responseMessage,threadName,dataType,success,grpThreads,allThreads,SampleCount,ErrorCount"},
	{file: "csv/jmeter_testfiles_Bug56811.csv", samples: 30, transactions: 21, noTime: true, format: FormatCSV},
	{file: "csv/jmeter_testfiles_HTMLReportFalseTestFile.csv", samples: 50, format: FormatCSV},
	{file: "csv/jmeter_testfiles_HTMLReportTestFile.csv", samples: 255, format: FormatCSV},
	{file: "csv/jmeter_testfiles_JDBC_TESTS.csv", samples: 28, transactions: 1, noTime: true, format: FormatCSV},
	{file: "csv/jmeter_testfiles_TestResultStatusAction.csv", samples: 189, transactions: 54, noTime: true, format: FormatCSV},
	{file: "csv/jmeterplugins_cmd_short.jtl", samples: 150, format: FormatCSV},
	{file: "csv/perfaction_result_jmeter5_default.jtl", samples: 100, format: FormatCSV},
	// Headerless, 10 fields, no final newline.
	{file: "csv/perfplugin_JENKINS-16627_CSV_instead_of_XML.jtl", samples: 3, format: FormatCSV,
		columns: "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,bytes,Latency",
		check: func(t *testing.T, r result) {
			last := r.Samples[2]
			if last.StartMS != 1393227743132 || last.ElapsedMS != 2204 || last.LatencyMS != 25 || last.Bytes != 19714 {
				t.Errorf("last row (no final newline) = %+v", last)
			}
		}},
	{file: "csv/perfplugin_JMeterCsvResults.csv", samples: 3, format: FormatCSV},
	{file: "csv/perfplugin_JMeterPublisher_formatted_timeStamp.csv", samples: 3, format: FormatCSV,
		check: func(t *testing.T, r result) {
			// 2014-02-24 07:42:21.256 read in UTC (readFile's zone).
			if got := r.Samples[0].StartMS; got != 1393227741256 {
				t.Errorf("formatted timeStamp = %d, want 1393227741256", got)
			}
		}},
	{file: "csv/perfplugin_filewithtransactions.csv", samples: 313, transactions: 103, format: FormatCSV,
		check: func(t *testing.T, r result) {
			// HP-0, HP-1, HP-2 come first, then the TC row HP.
			want := []struct {
				label string
				tx    bool
			}{{"HP-0", false}, {"HP-1", false}, {"HP-2", false}, {"HP", true}}
			for i, w := range want {
				if s := r.Samples[i]; s.Label != w.label || s.Transaction != w.tx || s.SubResult {
					t.Errorf("row %d = %q transaction %v sub-result %v, want %q %v false", i+2, s.Label, s.Transaction, s.SubResult, w.label, w.tx)
				}
			}
		}},
	{file: "csv/perfplugin_multiLineCSV.jtl", samples: 2, format: FormatCSV,
		check: func(t *testing.T, r result) {
			label := r.Samples[1].Label
			if !strings.HasPrefix(label, `no such element: Unable to locate element: {"method":"id",`) ||
				strings.Count(label, "␊") != 2 || !strings.HasSuffix(label, "value=reviewBAD}") {
				t.Errorf("multi-line label = %q", label)
			}
			if s := r.Samples[1]; s.Code != "500" || s.Success || s.Bytes != 5815 {
				t.Errorf("multi-line record = %+v", s)
			}
		}},
	{file: "csv/taurus_500-success_kpi.jtl", samples: 1, format: FormatCSV},
	{file: "csv/taurus_apiritif-results_apiritif-0.csv", samples: 37, format: FormatCSV,
		check: func(t *testing.T, r result) {
			// Columns in a non-JMeter order: timeStamp,elapsed,Latency,label,...
			if s := r.Samples[0]; s.Label != "http://blazedemo.com/" || s.ElapsedMS != 331 || s.LatencyMS != 0 || s.Bytes != 8507 {
				t.Errorf("first row = %+v", s)
			}
		}},
	{file: "csv/taurus_doublequoting.jtl", samples: 2, format: FormatCSV,
		check: func(t *testing.T, r result) {
			// The field ends `one of: <S>, ""("", , "` in the file.
			s := r.Samples[0]
			if !strings.HasSuffix(s.Message, `Was expecting one of: <S>, "(", , `) || s.Thread != "scen1 1-1" || s.Bytes != 2092356 || s.Success {
				t.Errorf("row with a long quoted message = %+v", s)
			}
		}},
	{file: "csv/taurus_embedded_resources_kpi_ed.jtl", samples: 1, format: FormatCSV},
	{file: "csv/taurus_kpi-pair1.jtl", samples: 8, transactions: 2, format: FormatCSV},
	{file: "csv/taurus_kpi1.jtl", samples: 21, format: FormatCSV},
	{file: "csv/taurus_non-http_kpi.jtl", samples: 11, format: FormatCSV},
	{file: "csv/taurus_quote-guessing-crash.jtl", samples: 10, format: FormatCSV},
	{file: "csv/taurus_slow-stdev.jtl", samples: 599, format: FormatCSV},
	{file: "csv/taurus_tabs.jtl", samples: 4, format: FormatCSV,
		check: func(t *testing.T, r result) {
			if s := r.Samples[0]; s.StartMS != 1488473413202 || s.Label != "http://localhost:8080" || s.Bytes != 1228181 || s.LatencyMS != 132 {
				t.Errorf("TAB-delimited first row = %+v", s)
			}
		}},
	{file: "csv/taurus_tranctl.jtl", samples: 2, transactions: 2, format: FormatCSV},
	{file: "csv/taurus_unicode.jtl", samples: 13, format: FormatCSV},

	{file: "xml/jmeter_testfiles_BatchTestLocal.xml", samples: 131, noTime: true, format: FormatXML},
	{file: "xml/jmeter_testfiles_Bug56811.xml", samples: 93, transactions: 42, noTime: true, format: FormatXML},
	{file: "xml/jmeter_testfiles_sample_log1c.jtl", samples: 2000, format: FormatXML},
	{file: "xml/jmeterplugins_infra_short.jtl", samples: 174, format: FormatXML},
	{file: "xml/perfplugin_JMeterResultsMultiLevel.jtl", samples: 10, format: FormatXML},
	{file: "xml/taurus_cookies.jtl", samples: 2, format: FormatXML,
		check: func(t *testing.T, r result) {
			if u := r.Samples[0].URL; u != "http://localhost:9999/hello" {
				t.Errorf("URL = %q", u)
			}
		}},
	{file: "xml/taurus_embedded_resources_error_ed.jtl", samples: 4, subResults: 3, format: FormatXML},
	{file: "xml/taurus_error-302.jtl", samples: 26, transactions: 2, format: FormatXML},
	{file: "xml/taurus_error-bug1.jtl", samples: 113, transactions: 8, subResults: 99, format: FormatXML},
	{file: "xml/taurus_error-parsing.jtl", samples: 32, format: FormatXML},
	{file: "xml/taurus_huge.error.response.jtl", samples: 3, format: FormatXML},
	{file: "xml/taurus_many-errors-duplicated-responses.jtl", samples: 189, format: FormatXML},
	{file: "xml/taurus_nonstandard-unicode.jtl", samples: 3, format: FormatXML,
		check: func(t *testing.T, r result) {
			// Field-by-field serialisation: <label>, <startTime>, <responseCode>.
			if s := r.Samples[0]; s.Label != "http://unknown.host/" || s.StartMS != 1431506202173 || s.Code != "500" || s.Success {
				t.Errorf("field-form sample = %+v", s)
			}
		}},
	{file: "xml/taurus_resource-errors-child-assert.jtl", samples: 6, subResults: 4, format: FormatXML},
	{file: "xml/taurus_resource_tc.jtl", samples: 107, transactions: 3, subResults: 90, format: FormatXML},
	{file: "xml/taurus_standard-errors.jtl.gz", samples: 185, format: FormatXML},
	{file: "xml/taurus_trace.jtl", samples: 1, format: FormatXML,
		check: func(t *testing.T, r result) {
			s := r.Samples[0]
			if s.Success || s.Message != "OK" || s.Failure != "Test failed: text expected to contain /something/" || s.URL != "http://blazedemo.com/" || s.SentBytes != 123 || s.ConnectMS != 123 {
				t.Errorf("failed sample with assertion = %+v", s)
			}
		}},
	{file: "xml/taurus_unicode-reqs.jtl", samples: 2, format: FormatXML},
}

func TestCorpus(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "jmeter")
	listed := map[string]bool{}
	for _, tc := range corpusFiles {
		listed[tc.file] = true
		t.Run(tc.file, func(t *testing.T) {
			var opt Options
			if tc.columns != "" {
				opt.Columns = strings.Split(tc.columns, ",")
			}
			r := readFile(t, filepath.Join(dir, tc.file), opt)
			if r.Err != nil {
				t.Fatalf("Run: %v", r.Err)
			}
			if len(r.Samples) != tc.samples || r.Rows != tc.samples {
				t.Errorf("%d samples (Rows %d), want %d", len(r.Samples), r.Rows, tc.samples)
			}
			if r.BadRows != 0 {
				t.Errorf("%d bad rows: %v", r.BadRows, r.Bad)
			}
			tx, sub, untimed := 0, 0, 0
			for _, s := range r.Samples {
				if s.Transaction {
					tx++
				}
				if s.SubResult {
					sub++
				}
				if s.StartMS == 0 {
					untimed++
				}
			}
			if tx != tc.transactions || sub != tc.subResults {
				t.Errorf("%d transactions, %d sub-results; want %d, %d", tx, sub, tc.transactions, tc.subResults)
			}
			if tc.noTime != (untimed == len(r.Samples)) || (!tc.noTime && untimed > 0) {
				t.Errorf("%d of %d samples without a time, want all: %v", untimed, len(r.Samples), tc.noTime)
			}
			checkBatches(t, r, tc.format)
			if tc.check != nil && len(r.Samples) == tc.samples {
				tc.check(t, r)
			}
		})
	}
	// Every data file of the corpus must be in the table.
	for _, sub := range []string{"csv", "xml"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if name := sub + "/" + e.Name(); !strings.HasSuffix(name, ".json") && !listed[name] {
				t.Errorf("corpus file %s is not in the table", name)
			}
		}
	}
}

// checkBatches checks the batch protocol of a complete non-follow read.
func checkBatches(t *testing.T, r result, format string) {
	t.Helper()
	if r.CaughtUp != 1 {
		t.Errorf("%d CaughtUp batches, want 1", r.CaughtUp)
	}
	var last *sources.Health
	formats := map[string]bool{}
	for _, b := range r.Batches {
		if len(b.Samples) > sources.BatchRecords {
			t.Errorf("batch of %d samples, more than %d", len(b.Samples), sources.BatchRecords)
		}
		if b.Rows != len(b.Samples) {
			t.Errorf("batch Rows %d with %d samples", b.Rows, len(b.Samples))
		}
		if b.Health != nil {
			last = b.Health
			formats[b.Health.Format] = true
		}
	}
	if last == nil || last.State != sources.StateDone {
		t.Errorf("last health %+v, want done", last)
	}
	if !formats[format] {
		t.Errorf("no health says format %q (saw %v)", format, formats)
	}
}

// TestHeaderlessNeedsColumns checks that a headerless file with a field
// count no JMeter default has fails with a message that says what to do.
func TestHeaderlessNeedsColumns(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "jmeter", "csv")
	for _, file := range []string{"jmeter_testfiles_Bug52968.csv", "perfplugin_JENKINS-16627_CSV_instead_of_XML.jtl"} {
		path := filepath.Join(dir, file)
		r := readFile(t, path, Options{})
		if r.Err == nil {
			t.Fatalf("%s: read with no error, want one asking for --jtl-columns", file)
		}
		for _, want := range []string{path + ":1: ", "10 ','-delimited fields", "--jtl-columns"} {
			if !strings.Contains(r.Err.Error(), want) {
				t.Errorf("%s: error %q does not say %q", file, r.Err, want)
			}
		}
		if len(r.Samples) != 0 {
			t.Errorf("%s: %d samples from a file with unknown columns", file, len(r.Samples))
		}
	}
}
