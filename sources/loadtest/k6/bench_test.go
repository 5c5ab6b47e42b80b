package k6

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// generateJSON returns about size bytes of k6 --out json as k6 v0.5x writes
// it: per iteration two HTTP requests of nine points each (one a 400 with
// error_code), three checks, a custom trend, data_sent/data_received,
// iteration_duration and iterations; a vus and vus_max gauge every 50
// iterations. Times carry microseconds and a -03:00 offset. requests is
// the number of samples it holds.
func generateJSON(size int) (data []byte, requests int) {
	var b bytes.Buffer
	b.WriteString(`{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"http_reqs"}` + "\n")
	b.WriteString(`{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":["p(95)<500"],"submetrics":[{"name":"http_req_duration{expected_response:true}","suffix":"expected_response:true","tags":{"expected_response":"true"}}]},"metric":"http_req_duration"}` + "\n")
	metrics := []string{"http_reqs", "http_req_duration", "http_req_blocked", "http_req_connecting",
		"http_req_tls_handshaking", "http_req_sending", "http_req_waiting", "http_req_receiving", "http_req_failed"}
	us := int64(0)
	stamp := func() string {
		us += 137
		return fmt.Sprintf("2025-10-15T00:%02d:%02d.%06d-03:00", 33+us/60e6%20, us/1e6%60, us%1e6)
	}
	for it := 0; b.Len() < size; it++ {
		if it%50 == 0 {
			t := stamp()
			fmt.Fprintf(&b, `{"metric":"vus","type":"Point","data":{"time":"%s","value":%d,"tags":{}}}`+"\n", t, 10+it%7)
			fmt.Fprintf(&b, `{"metric":"vus_max","type":"Point","data":{"time":"%s","value":20,"tags":{}}}`+"\n", t)
		}
		for r := 0; r < 2; r++ {
			t := stamp()
			tags := `{"expected_response":"true","group":"","method":"POST","name":"submit_vote","proto":"HTTP/1.1","scenario":"default","status":"201","url":"http://localhost:8080/api/v1/votes"}`
			failed := "0"
			if r == 1 {
				tags = `{"error_code":"1400","expected_response":"false","group":"","method":"GET","name":"get_results","proto":"HTTP/1.1","scenario":"default","status":"400","url":"http://localhost:8080/api/v1/agendas/42/results"}`
				failed = "1"
			}
			values := []string{"1", fmt.Sprintf("%d.%03d", 5+it%300, it%1000), "0.005", "0", "0", "0.037", fmt.Sprintf("%d.%03d", 4+it%300, it%997), "0.103", failed}
			for i, m := range metrics {
				fmt.Fprintf(&b, `{"metric":"%s","type":"Point","data":{"time":"%s","value":%s,"tags":%s}}`+"\n", m, t, values[i], tags)
			}
			requests++
		}
		t := stamp()
		for _, c := range []string{"status is 201", "has id", `response time \u003c 500ms`} {
			fmt.Fprintf(&b, `{"metric":"checks","type":"Point","data":{"time":"%s","value":1,"tags":{"check":"%s","group":"","scenario":"default"}}}`+"\n", t, c)
		}
		fmt.Fprintf(&b, `{"metric":"vote_latency","type":"Point","data":{"time":"%s","value":%d,"tags":{"group":"","scenario":"default"}}}`+"\n", t, 5+it%300)
		t = stamp()
		fmt.Fprintf(&b, `{"metric":"data_sent","type":"Point","data":{"time":"%s","value":412,"tags":{"group":"","scenario":"default"}}}`+"\n", t)
		fmt.Fprintf(&b, `{"metric":"data_received","type":"Point","data":{"time":"%s","value":1893,"tags":{"group":"","scenario":"default"}}}`+"\n", t)
		fmt.Fprintf(&b, `{"metric":"iteration_duration","type":"Point","data":{"time":"%s","value":1012.5,"tags":{"group":"","scenario":"default"}}}`+"\n", t)
		fmt.Fprintf(&b, `{"metric":"iterations","type":"Point","data":{"time":"%s","value":1,"tags":{"group":"","scenario":"default"}}}`+"\n", t)
	}
	return b.Bytes(), requests
}

// generateCSV returns about size bytes of k6 --out csv (v0.41+ columns,
// unix_milli times) with the same content as generateJSON.
func generateCSV(size int) (data []byte, requests int) {
	var b bytes.Buffer
	b.WriteString("metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata\n")
	metrics := []string{"http_reqs", "http_req_duration", "http_req_blocked", "http_req_connecting",
		"http_req_tls_handshaking", "http_req_sending", "http_req_waiting", "http_req_receiving", "http_req_failed"}
	ms := int64(1760499188000)
	for it := 0; b.Len() < size; it++ {
		if it%50 == 0 {
			fmt.Fprintf(&b, "vus,%d,%d.000000,,,,,,,,,,,,,,,,\n", ms, 10+it%7)
		}
		for r := 0; r < 2; r++ {
			ms += 3
			tags := ",,,,true,,POST,submit_vote,HTTP/1.1,default,,201,,,http://localhost:8080/api/v1/votes,,vu=3&iter=" + fmt.Sprint(it)
			failed := "0.000000"
			if r == 1 {
				tags = ",,,1400,false,,GET,get_results,HTTP/1.1,default,,400,,,http://localhost:8080/api/v1/agendas/42/results,,vu=3&iter=" + fmt.Sprint(it)
				failed = "1.000000"
			}
			values := []string{"1.000000", fmt.Sprintf("%d.%06d", 5+it%300, it%1000), "0.005000", "0.000000", "0.000000", "0.037000", fmt.Sprintf("%d.%06d", 4+it%300, it%997), "0.103000", failed}
			for i, m := range metrics {
				fmt.Fprintf(&b, "%s,%d,%s%s\n", m, ms, values[i], tags)
			}
			requests++
		}
		fmt.Fprintf(&b, "checks,%d,1.000000,status is 201,,,,,,,,default,,,,,,,vu=3&iter=%d\n", ms, it)
		fmt.Fprintf(&b, "iteration_duration,%d,1012.500000,,,,,,,,,default,,,,,,,vu=3&iter=%d\n", ms, it)
		fmt.Fprintf(&b, "iterations,%d,1.000000,,,,,,,,,default,,,,,,,vu=3&iter=%d\n", ms, it)
	}
	return b.Bytes(), requests
}

// feedChunks runs data through a fresh handler in ReadChunk pieces, as
// tail.File would, and returns what the sink counted.
func feedChunks(tb testing.TB, data []byte) *loadtesttest.CountingSink {
	sink := &loadtesttest.CountingSink{}
	h := newHandler(context.Background(), sink, sources.Info{Name: "bench.json"}, Options{})
	loadtesttest.FeedChunks(tb, h, data)
	return sink
}

// benchmarkParse feeds data, requests samples, through a handler b.N times
// (see loadtesttest.BenchmarkParse for the figures it reports).
func benchmarkParse(b *testing.B, data []byte, requests int) {
	loadtesttest.BenchmarkParse(b, data, requests, feedChunks)
}

// BenchmarkJSON measures the JSON parser through the handler, joining and
// batches included, on generated k6 v0.5x output (~260 bytes a line, 18 of
// the 26 lines of an iteration HTTP points, ~3.4 KB a request). Run it with
// -cpu 1: it must hold at least 100 MB/s on one core (a 10-minute run at
// 1000 requests/s writes ~2 GB of JSON, read in 20 s at that speed).
// Measured on the 2-core dev machine when quiet: ~600-650 MB/s; below
// 300 MB/cpu-s something got slower.
func BenchmarkJSON(b *testing.B) {
	data, requests := generateJSON(32 << 20)
	benchmarkParse(b, data, requests)
}

// BenchmarkCSV measures the CSV parser the same way (~140 bytes a line,
// ~1.5 KB a request). It must hold at least 100 MB/s on one core too;
// measured ~560-600 MB/s when quiet.
func BenchmarkCSV(b *testing.B) {
	data, requests := generateCSV(32 << 20)
	benchmarkParse(b, data, requests)
}
