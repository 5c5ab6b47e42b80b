package gatling

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

// follower follows a simulation.log in the background; r holds what it
// pushed so far.
type follower struct {
	*loadtesttest.Follower
	r result
}

func follow(t *testing.T, path string, wait bool) *follower {
	t.Helper()
	f := &follower{}
	src := New(sources.Info{Name: path, Wait: wait, Zone: time.UTC}, Options{Follow: true})
	f.Follower = loadtesttest.Follow(t, src, f.r.Add, func() string {
		return fmt.Sprintf("%d samples, %d bad %v, %d resets, health %+v", len(f.r.Samples), f.r.BadRows, badStrings(f.r), f.r.Resets, f.r.Health)
	})
	return f
}

func (f *follower) samples(n int) func() bool {
	return func() bool { return len(f.r.Samples) >= n }
}

func (f *follower) following(format string) func() bool {
	return func() bool {
		n := len(f.r.Health)
		return n > 0 && f.r.Health[n-1].State == sources.StateFollowing && f.r.Health[n-1].Format == format
	}
}

// appendFile appends to a followed file, as a running Gatling writes.
var appendFile = loadtesttest.AppendFile[[]byte]

func labelsAt(s []sources.Sample) []string {
	var out []string
	for _, x := range s {
		out = append(out, fmt.Sprintf("%s@%d/%d", x.Label, x.StartMS-t0, x.AllThreads))
	}
	return out
}

// TestFollowText writes a 3.4+ simulation.log the way a running Gatling
// does, in buffers that cut lines, then truncates it and starts a new run in
// another layout.
func TestFollowText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "simulation.log")
	line := func(i int) string {
		return fmt.Sprintf("REQUEST\tShop\treq %d\t%d\t%d\tOK\t \n", i, t0+int64(100*i), t0+int64(100*i+i))
	}
	appendFile(t, path, []byte("ASSERTION\tAAECAAIFAAAAAAAAAFlA\nRUN\tsim.Live\tlive\t1700000000000\t \t3.11.2\nUSER\tS\tSTART\t1700000000001\n"))
	f := follow(t, path, false)
	f.WaitFor(t, "caught up", func() bool { return f.r.CaughtUp == 1 })
	f.WaitFor(t, "following", f.following(FormatText34))

	l2 := line(2)
	appendFile(t, path, []byte(line(1)+l2[:17])) // a line and half of the next
	f.WaitFor(t, "request 1", f.samples(1))
	appendFile(t, path, []byte(l2[17:30]))
	appendFile(t, path, []byte(l2[30:]+"USER\tS\tSTART\t1700000000250\n"+line(3)))
	f.WaitFor(t, "requests 2 and 3", f.samples(3))
	for i := 4; i <= 5; i++ { // a trickle, one record at a time
		appendFile(t, path, []byte(line(i)))
		f.WaitFor(t, fmt.Sprintf("request %d", i), f.samples(i))
	}
	want := []string{"Shop / req 1@100/1", "Shop / req 2@200/1", "Shop / req 3@300/2", "Shop / req 4@400/2", "Shop / req 5@500/2"}
	if got := labelsAt(f.r.Samples); !reflect.DeepEqual(got, want) {
		t.Fatalf("samples %q, want %q", got, want)
	}
	if s := f.r.Samples[1]; s.ElapsedMS != 2 {
		t.Errorf("request 2 (written in three pieces) = %+v", s)
	}

	// Truncated and rewritten (shorter) by a 3.0 run: the user count starts
	// over with it.
	if err := os.WriteFile(path, []byte("RUN\tsim.Next\tnext\t1700000000000\t \t3.0\nREQUEST\t1\t\tafter\t1700000009000\t1700000009009\tOK\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.WaitFor(t, "the request after the truncation", f.samples(6))
	if f.r.Resets != 1 {
		t.Errorf("%d resets, want 1", f.r.Resets)
	}
	if s := f.r.Samples[5]; s.Label != "after" || s.StartMS != 1700000009000 || s.ElapsedMS != 9 || s.AllThreads != -1 {
		t.Errorf("request after truncation = %+v", s)
	}
	f.WaitFor(t, "the 3.0 format in the health", func() bool {
		return f.r.Health[len(f.r.Health)-1].Format == FormatText30
	})
	if f.r.BadRows != 0 || len(f.r.Warnings) != 0 {
		t.Errorf("bad records %v, warnings %q", badStrings(f.r), f.r.Warnings)
	}
	if err := f.Stop(t); err != nil {
		t.Errorf("Run returned %v after cancel, want nil", err)
	}
}

// TestFollowBinary writes a binary simulation.log in pieces that cut the RUN
// record and a request in half, then replaces the file by a text one.
func TestFollowBinary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "simulation.log")
	w := newBinLog("3.14.3", t0, "Shoppers")
	head := w.Len()
	w.user(0, true, 5)
	w.request([]string{"Shop"}, "Home", 100, 150, true, "")
	first := w.Len()
	w.request([]string{"Shop"}, "Pay", 200, 260, false, "status.find.is(200), but actually found 502")
	second := w.Len()
	w.request([]string{"Shop"}, "Pay", 300, 310, true, "")
	w.group([]string{"Shop"}, 90, 320, 120, false)
	data := w.Bytes()

	appendFile(t, path, data[:head/2]) // half the RUN record
	f := follow(t, path, true)
	f.WaitFor(t, "caught up", func() bool { return f.r.CaughtUp == 1 })
	appendFile(t, path, data[head/2:first+7]) // the rest of it, a request, half the next
	f.WaitFor(t, "the first request", f.samples(1))
	f.WaitFor(t, "following", f.following(FormatBinary))
	// Nothing marks the half record being read (it yields no batch), so give
	// tail two polls to read it; TestBinaryEveryCut checks every cut without
	// timing.
	time.Sleep(2 * sources.PollInterval)
	if len(f.r.Samples) != 1 || f.r.BadRows != 0 {
		t.Fatalf("after half a record: %d samples, bad %v", len(f.r.Samples), badStrings(f.r))
	}
	appendFile(t, path, data[first+7:second+1])
	f.WaitFor(t, "the failed request", f.samples(2))
	appendFile(t, path, data[second+1:])
	f.WaitFor(t, "the rest", f.samples(4))
	want := []sources.Sample{
		req("Shop / Home", t0+100, 50, 1),
		ko(req("Shop / Pay", t0+200, 60, 1), "502", "status.find.is(200), but actually found 502"),
		req("Shop / Pay", t0+300, 10, 1),
		grp("Shop", t0+90, 120, false, 1),
	}
	if !reflect.DeepEqual(f.r.Samples, want) {
		t.Errorf("samples:\n%s\nwant:\n%s", dump(f.r.Samples), dump(want))
	}
	detail := f.r.Health[len(f.r.Health)-1].Detail
	if !strings.Contains(detail, "following") || !strings.Contains(detail, "Gatling 3.14.3") {
		t.Errorf("health detail %q", detail)
	}

	// Replaced (a new run): the next file is text.
	next := filepath.Join(filepath.Dir(path), "next.log")
	if err := os.WriteFile(next, readTestdata(t, "text34_groups.log"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(next, path); err != nil {
		t.Fatal(err)
	}
	f.WaitFor(t, "the samples of the new file", f.samples(4+7))
	if f.r.Resets != 1 || f.r.Samples[4].Label != "Home" {
		t.Errorf("after replacement: %d resets, sample %+v", f.r.Resets, f.r.Samples[4])
	}
	f.WaitFor(t, "the text format in the health", f.following(FormatText34))
	if f.r.BadRows != 0 {
		t.Errorf("bad records: %v", badStrings(f.r))
	}
}

// TestFollowGarbage follows files that are not simulation.logs: the failure
// shows at once, and Run returns it without waiting for more data.
func TestFollowGarbage(t *testing.T) {
	for name, data := range map[string]string{
		"binary": "\x00\x01\x02garbage",
		"text":   "garbage that is no Gatling record\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, "simulation.log", []byte(data))
			f := follow(t, path, false)
			f.WaitFor(t, "the failure", func() bool {
				n := len(f.r.Health)
				return n > 0 && f.r.Health[n-1].State == sources.StateFailed
			})
			if err := f.Wait(t); err == nil || !strings.Contains(err.Error(), "not a Gatling") {
				t.Errorf("Run returned %v, want the not-Gatling error", err)
			}
		})
	}
}
