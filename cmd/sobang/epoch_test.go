package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRowsAtOrBeforeTheEpochAreBadRows: a row stamped at or before
// 1970-01-01T00:00:00Z (a zero, a negative number, a date before 1970) is
// no time a test ran at. It used to vanish from every statistic without a
// word; every load-test format now counts it as a bad row, with its line.
func TestRowsAtOrBeforeTheEpochAreBadRows(t *testing.T) {
	const (
		k6Header  = "metric_name,timestamp,metric_value,method,name,status,url\n"
		locHist   = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size\n"
		locStats  = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%,100%\n"
		locRow    = ",5,,Aggregated,1.000000,0.000000,3,7,9,10,0,3,3.5,1,9,10\n"
		k6Point   = `{"metric":"%s","type":"Point","data":{"time":"%s","value":%s,"tags":{"method":"GET","name":"a","status":"200","url":"http://x/a"}}}` + "\n"
		afterWant = "expected a time after the epoch (1970-01-01T00:00:00Z)"
	)
	k6Line := func(metric, time, value string) string {
		return strings.Replace(strings.Replace(strings.Replace(k6Point, "%s", metric, 1), "%s", time, 1), "%s", value, 1)
	}
	tests := []struct {
		name    string
		files   map[string]string
		arg     string
		samples int64    // samples the report counts
		bad     []string // the bad rows as the report lists them, in order
	}{
		{"jtl csv", map[string]string{"run.jtl": "timeStamp,elapsed,label,responseCode,success\n" +
			"1700000000000,5,a,200,true\n0,5,a,200,true\n-1000,5,a,200,true\n1700000000100,5,a,200,true\n"}, "run.jtl", 2,
			[]string{`run.jtl:3: timeStamp: ` + afterWant + `, found "0"`, `run.jtl:4: timeStamp: ` + afterWant + `, found "-1000"`}},
		{"jtl csv dates", map[string]string{"run.jtl": "timeStamp,elapsed,label,responseCode,success\n" +
			"2023/11/14 22:13:20.000,5,a,200,true\n1969/12/31 23:59:59.000,5,a,200,true\n1970/01/01 00:00:00.000,5,a,200,true\n"}, "run.jtl", 1,
			[]string{`run.jtl:3: timeStamp: ` + afterWant + `, found "1969/12/31 23:59:59.000"`,
				`run.jtl:4: timeStamp: ` + afterWant + `, found "1970/01/01 00:00:00.000"`}},
		{"jtl xml", map[string]string{"run.xml": "<?xml version=\"1.0\"?>\n<testResults version=\"1.2\">\n" +
			`<httpSample t="5" ts="1700000000000" s="true" lb="a" rc="200"/>` + "\n" +
			`<httpSample t="5" ts="0" s="true" lb="a" rc="200"/>` + "\n" +
			`<httpSample t="5" ts="-5" s="true" lb="a" rc="200"/>` + "\n</testResults>\n"}, "run.xml", 1,
			[]string{`run.xml:4: <httpSample>: ts: ` + afterWant + `, found "0"`, `run.xml:5: <httpSample>: ts: ` + afterWant + `, found "-5"`}},
		{"k6 csv", map[string]string{"k6.csv": k6Header +
			"http_reqs,1700000000,1,GET,a,200,http://x/a\nhttp_req_duration,1700000000,5,GET,a,200,http://x/a\n" +
			"http_reqs,0,1,GET,a,200,http://x/a\nhttp_req_duration,0,5,GET,a,200,http://x/a\n"}, "k6.csv", 1,
			[]string{`k6.csv:4: timestamp: ` + afterWant + `, found "0"`, `k6.csv:5: timestamp: ` + afterWant + `, found "0"`}},
		{"k6 json", map[string]string{"k6.json": k6Line("http_reqs", "2023-11-14T22:13:20Z", "1") + k6Line("http_req_duration", "2023-11-14T22:13:20Z", "5") +
			k6Line("http_reqs", "1969-12-31T23:59:59Z", "1") + k6Line("http_req_duration", "1969-12-31T23:59:59Z", "5")}, "k6.json", 1,
			[]string{`k6.json:3: time: ` + afterWant + `, found "1969-12-31T23:59:59Z"`, `k6.json:4: time: ` + afterWant + `, found "1969-12-31T23:59:59Z"`}},
		{"gatling", map[string]string{"simulation.log": "RUN\tsim.S\ts\t1700000000000\t \t3.9.5\n" +
			"REQUEST\t\ta\t1700000000300\t1700000000420\tOK\t \nREQUEST\t\ta\t0\t100\tOK\t \nREQUEST\t\ta\t-300\t-200\tOK\t \n" +
			"GROUP\tg\t-500\t100\t50\tOK\n"}, "simulation.log", 1,
			[]string{`simulation.log:3: REQUEST start: ` + afterWant + `, found "0"`, `simulation.log:4: REQUEST start: ` + afterWant + `, found "-300"`,
				`simulation.log:5: GROUP start: ` + afterWant + `, found "-500"`}},
		{"locust", map[string]string{"a_stats_history.csv": locHist + "1700000000" + locRow + "0" + locRow + "-5" + locRow,
			"a_stats.csv": locStats + ",Aggregated,10,0,3,3.5,1,9,10,1.0,0.0,3,7,9\n"}, "a_stats_history.csv", 10,
			// A Locust set's bad rows name the file of the set they are in.
			[]string{`a_stats_history.csv:3: a_stats_history.csv: Timestamp: ` + afterWant + `, found "0"`,
				`a_stats_history.csv:4: a_stats_history.csv: Timestamp: ` + afterWant + `, found "-5"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out, errs, code := runIn(t, dir, "report", tt.arg, "--format", "json", "--utc")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var doc struct {
				Sources []struct {
					Path     string   `json:"path"`
					BadRows  int      `json:"bad_rows"`
					Warnings []string `json:"warnings"`
				} `json:"sources"`
				LoadTest struct {
					Samples int64 `json:"samples"`
					Start   string
				} `json:"loadtest"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			var bad []string
			n := 0
			for _, s := range doc.Sources {
				n += s.BadRows
				for _, w := range s.Warnings {
					if strings.Contains(w, ": ") && strings.HasPrefix(w, s.Path+":") && !strings.HasPrefix(w, s.Path+": ") {
						bad = append(bad, w)
					}
				}
			}
			if n != len(tt.bad) || strings.Join(bad, "\n") != strings.Join(tt.bad, "\n") {
				t.Errorf("%d bad rows:\n%s\nwant %d:\n%s", n, strings.Join(bad, "\n"), len(tt.bad), strings.Join(tt.bad, "\n"))
			}
			if doc.LoadTest.Samples != tt.samples || strings.HasPrefix(doc.LoadTest.Start, "19") {
				t.Errorf("%d samples from %s, want %d after the epoch", doc.LoadTest.Samples, doc.LoadTest.Start, tt.samples)
			}
		})
	}
}
