package promapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestExemplars asks for a histogram's exemplars: each carries its series,
// value, time and trace id (under any of the usual label names, else the
// exemplar's labels), in time order, text made safe; a server that keeps
// none answers an empty list, and a refusal is said in the server's words.
func TestExemplars(t *testing.T) {
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/query_exemplars" {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		asked = append(asked, q.Get("query")+" "+q.Get("start")+" "+q.Get("end"))
		switch q.Get("query") {
		case "none":
			_, _ = w.Write([]byte(`{"status":"success","data":[]}`))
		case "bad{":
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"status":"error","errorType":"bad_data","error":"1:5: parse error"}`))
		default:
			_, _ = w.Write([]byte(`{"status":"success","data":[
{"seriesLabels":{"__name__":"http_server_requests_seconds_bucket","le":"0.5","uri":"/api"},
 "exemplars":[{"labels":{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"},"value":"0.31","timestamp":1700000012.5},
              {"labels":{"traceId":"evil\u001b[2Jid"},"value":"0.12","timestamp":1700000003}]},
{"seriesLabels":{"__name__":"http_server_requests_seconds_bucket","le":"+Inf","uri":"/api"},
 "exemplars":[{"labels":{"span":"7","user":"x"},"value":"2","timestamp":1700000007}]}]}`))
		}
	}))
	defer srv.Close()
	src := newFor(srv, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	from, to := time.Unix(1_700_000_000, 0), time.Unix(1_700_000_060, 0)
	got, err := src.Exemplars(ctx, "http_server_requests_seconds_bucket", from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %+v", got)
	}
	if e := got[0]; e.TimeMS != 1_700_000_003_000 || e.Value != 0.12 || strings.ContainsRune(e.TraceID, 0x1b) || !strings.HasPrefix(e.TraceID, "evil") {
		t.Errorf("first (oldest) %+v: the trace id under traceId, made safe", e)
	}
	if e := got[1]; e.TraceID != "span=7,user=x" || e.Series != `http_server_requests_seconds_bucket{le="+Inf",uri="/api"}` {
		t.Errorf("second %+v: without a trace id, its labels", e)
	}
	if e := got[2]; e.TraceID != "4bf92f3577b34da6a3ce929d0e0e4736" || e.TimeMS != 1_700_000_012_500 || e.Value != 0.31 {
		t.Errorf("third %+v", e)
	}
	if len(asked) != 1 || asked[0] != "http_server_requests_seconds_bucket 1700000000 1700000060" {
		t.Errorf("asked %q", asked)
	}
	if none, err := src.Exemplars(ctx, "none", from, to); err != nil || len(none) != 0 {
		t.Errorf("a server with none: %v %v", none, err)
	}
	if _, err := src.Exemplars(ctx, "bad{", from, to); err == nil || !strings.Contains(err.Error(), "the server answered: bad_data: 1:5: parse error") {
		t.Errorf("a refused query: %v", err)
	}
}
