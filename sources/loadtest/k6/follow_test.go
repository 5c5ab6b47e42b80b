package k6

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// follower follows a k6 result file in the background; r holds what it
// pushed so far.
type follower struct {
	*loadtesttest.Follower
	r   result
	err error // what Run returned, once it has
}

func follow(t *testing.T, path string, wait bool) *follower {
	t.Helper()
	f := &follower{}
	src := New(sources.Info{Name: path, Wait: wait}, Options{Follow: true})
	f.Follower = loadtesttest.Follow(t, src, f.r.Add, func() string {
		return fmt.Sprintf("%d samples, %d bad %v, %d resets, health %+v", len(f.r.Samples), f.r.BadRows, badStrings(f.r), f.r.Resets, f.r.Health)
	})
	return f
}

// waitFor takes batches until cond holds (loadtesttest.Follower.WaitFor),
// then notes in err what Run returned if it has.
func (f *follower) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	f.WaitFor(t, what, cond)
	f.err = f.Err()
}

func (f *follower) samples(n int) func() bool {
	return func() bool { return len(f.r.Samples) >= n }
}

func (f *follower) lastHealth(state sources.State, format string) func() bool {
	return func() bool {
		n := len(f.r.Health)
		return n > 0 && f.r.Health[n-1].State == state && f.r.Health[n-1].Format == format
	}
}

// appendFile appends to a followed file, as a running k6 writes.
var appendFile = loadtesttest.AppendFile[string]

// jsonRequest returns the nine lines k6 writes for one request.
func jsonRequest(i int) string {
	var b strings.Builder
	tags := fmt.Sprintf(`{"expected_response":"true","group":"","method":"GET","name":"req %d","scenario":"default","status":"200","url":"http://x/%d"}`, i, i)
	values := []float64{1, 10 + float64(i), 0, 1, 0, 0.1, 9 + float64(i), 0.5, 0}
	for k, m := range []string{"http_reqs", "http_req_duration", "http_req_blocked", "http_req_connecting",
		"http_req_tls_handshaking", "http_req_sending", "http_req_waiting", "http_req_receiving", "http_req_failed"} {
		fmt.Fprintf(&b, `{"metric":"%s","type":"Point","data":{"time":"2024-03-01T10:00:%02d.5+01:00","value":%g,"tags":%s}}`+"\n",
			m, i, values[k], tags)
	}
	return b.String()
}

// TestFollowJSON writes k6 JSON the way a running k6 does: through a 4 KB
// buffer, so writes end anywhere, inside a request's points and inside a
// line. Then the file is truncated and rewritten as CSV.
func TestFollowJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.json")
	r2 := jsonRequest(2)
	cut := strings.Index(r2, `{"metric":"http_req_blocked"`) + 30 // two points and a half
	appendFile(t, path, `{"type":"Metric","data":{"name":"http_reqs","type":"counter"},"metric":"http_reqs"}`+"\n"+
		jsonRequest(1)+r2[:cut])
	f := follow(t, path, false)
	f.waitFor(t, "the first request", f.samples(1))
	f.waitFor(t, "following", f.lastHealth(sources.StateFollowing, FormatJSON))
	// Let a poll or two pass without data (Idle): the second request must
	// stay held, since its waiting, receiving and failed points are still
	// in k6's buffer.
	time.Sleep(3 * sources.PollInterval)
	f.Collect()
	if len(f.r.Samples) != 1 {
		t.Fatalf("%d samples while the second request is incomplete, want 1", len(f.r.Samples))
	}
	appendFile(t, path, r2[cut:])
	f.waitFor(t, "the second request", f.samples(2))
	for i := 3; i <= 5; i++ { // a trickle, one request at a time
		appendFile(t, path, jsonRequest(i))
		f.waitFor(t, fmt.Sprintf("request %d", i), f.samples(i))
	}
	if got := labels(f.r.Samples); !reflect.DeepEqual(got, []string{"req 1", "req 2", "req 3", "req 4", "req 5"}) {
		t.Fatalf("samples %q", got)
	}
	if s := f.r.Samples[1]; s.LatencyMS != 11 || s.ElapsedMS != 12 || s.StartMS != ms(2024, 3, 1, 9, 0, 2, 488000000) || !s.Success {
		t.Errorf("request written in two pieces = %+v", s)
	}

	// Truncated and rewritten, shorter, as CSV: a new stream.
	if err := os.WriteFile(path, []byte("metric_name,timestamp,metric_value,name,status\n"+
		"http_reqs,1709287209,1.000000,after truncation,200\nhttp_req_duration,1709287209,9.000000,after truncation,200\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.waitFor(t, "the format of the new stream", f.lastHealth(sources.StateFollowing, FormatCSV))
	if f.r.Resets != 1 {
		t.Errorf("%d resets, want 1", f.r.Resets)
	}
	// Without http_req_failed or receiving the CSV request is still open:
	// the next request closes it.
	appendFile(t, path, "http_reqs,1709287210,1.000000,next,200\nhttp_req_duration,1709287210,1.000000,next,200\n")
	f.waitFor(t, "the request after the truncation", f.samples(6))
	if s := f.r.Samples[5]; s.Label != "after truncation" || s.StartMS != 1709287208991 || s.ElapsedMS != 9 {
		t.Errorf("request after truncation = %+v", s)
	}
	if f.r.BadRows != 0 {
		t.Errorf("bad lines while following: %v", badStrings(f.r))
	}
	if err := f.Stop(t); err != nil {
		t.Errorf("Run returned %v after cancel, want nil", err)
	}
}

// TestFollowWait starts before the file exists.
func TestFollowWait(t *testing.T) {
	path := filepath.Join(t.TempDir(), "later.json")
	f := follow(t, path, true)
	f.waitFor(t, "waiting", func() bool { return len(f.r.Health) > 0 && f.r.Health[0].State == sources.StateWaiting })
	if err := os.WriteFile(path, []byte(jsonRequest(1)+jsonRequest(2)), 0o644); err != nil {
		t.Fatal(err)
	}
	f.waitFor(t, "both requests", f.samples(2))
	f.waitFor(t, "caught up", func() bool { return f.r.CaughtUp == 1 })
	f.waitFor(t, "following", f.lastHealth(sources.StateFollowing, FormatJSON))
}
