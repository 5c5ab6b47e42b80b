package jtl

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// follower follows a JTL in the background; r and health hold what it
// pushed so far.
type follower struct {
	*loadtesttest.Follower
	r      result
	health []sources.Health
}

func follow(t *testing.T, path string, wait bool) *follower {
	t.Helper()
	f := &follower{}
	src := New(sources.Info{Name: path, Wait: wait, Zone: time.UTC}, Options{Follow: true})
	f.Follower = loadtesttest.Follow(t, src, func(b sources.Batch) {
		f.r.Add(b)
		if b.Health != nil {
			f.health = append(f.health, *b.Health)
		}
	}, func() string {
		return fmt.Sprintf("%d samples, %d bad %v, %d resets, health %+v", len(f.r.Samples), f.r.BadRows, badStrings(f.r), f.r.Resets, f.health)
	})
	return f
}

func (f *follower) samples(n int) func() bool {
	return func() bool { return len(f.r.Samples) >= n }
}

// appendFile appends to a followed file, as a running JMeter writes.
var appendFile = loadtesttest.AppendFile[string]

func labelsOf(s []sources.Sample) []string {
	var out []string
	for _, x := range s {
		out = append(out, x.Label)
	}
	return out
}

// TestFollowCSV writes a JTL the way a running JMeter does, in pieces that
// cut rows, then truncates it and writes a new header, then replaces it.
func TestFollowCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.jtl")
	row := func(i int) string { return fmt.Sprintf("%d,%d,row %d,200,true\n", 1700000000000+i, i, i) }
	appendFile(t, path, "timeStamp,elapsed,label,responseCode,success\n")
	f := follow(t, path, false)
	f.WaitFor(t, "caught up", func() bool { return f.r.CaughtUp == 1 })
	f.WaitFor(t, "following", func() bool {
		n := len(f.health)
		return n > 0 && f.health[n-1].State == sources.StateFollowing && f.health[n-1].Format == FormatCSV
	})

	r2 := row(2)
	appendFile(t, path, row(1)+r2[:9]) // a row and half of the next
	f.WaitFor(t, "row 1", f.samples(1))
	appendFile(t, path, r2[9:]+row(3))
	f.WaitFor(t, "rows 2 and 3", f.samples(3))
	for i := 4; i <= 6; i++ { // a trickle, one row at a time
		appendFile(t, path, row(i))
		f.WaitFor(t, fmt.Sprintf("row %d", i), f.samples(i))
	}
	if got := labelsOf(f.r.Samples); !reflect.DeepEqual(got, []string{"row 1", "row 2", "row 3", "row 4", "row 5", "row 6"}) {
		t.Fatalf("rows %q", got)
	}

	// Truncated and rewritten (shorter) with other columns and delimiter.
	if err := os.WriteFile(path, []byte("label;timeStamp;elapsed\nafter truncation;1700000009000;9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.WaitFor(t, "the row after the truncation", f.samples(7))
	if f.r.Resets != 1 {
		t.Errorf("%d resets, want 1", f.r.Resets)
	}
	if s := f.r.Samples[6]; s.Label != "after truncation" || s.StartMS != 1700000009000 || s.ElapsedMS != 9 {
		t.Errorf("row after truncation = %+v", s)
	}
	resetAt := -1
	n := 0
	for i, b := range f.r.Batches {
		if b.Reset {
			resetAt = n
			if len(b.Samples) != 0 {
				t.Errorf("batch %d carries Reset and samples", i)
			}
		}
		n += len(b.Samples)
	}
	if resetAt != 6 {
		t.Errorf("Reset after %d samples, want after the 6 old ones", resetAt)
	}

	// Replaced by another file (rotation).
	next := filepath.Join(filepath.Dir(path), "next.jtl")
	if err := os.WriteFile(next, []byte("timeStamp,elapsed,label\n1700000010000,10,rotated\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(next, path); err != nil {
		t.Fatal(err)
	}
	f.WaitFor(t, "the row of the new file", f.samples(8))
	if f.r.Resets != 2 || f.r.Samples[7].Label != "rotated" {
		t.Errorf("after rotation: %d resets, last row %+v", f.r.Resets, f.r.Samples[7])
	}
	if f.r.BadRows != 0 {
		t.Errorf("bad rows while following: %v", badStrings(f.r))
	}
	if err := f.Stop(t); err != nil {
		t.Errorf("Run returned %v after cancel, want nil", err)
	}
}

// TestFollowWait starts before the file exists.
func TestFollowWait(t *testing.T) {
	path := filepath.Join(t.TempDir(), "later.jtl")
	f := follow(t, path, true)
	f.WaitFor(t, "waiting", func() bool { return len(f.health) > 0 && f.health[0].State == sources.StateWaiting })
	if err := os.WriteFile(path, []byte("timeStamp,elapsed,label\n1700000000000,1,first\n1700000000001,2,second\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.WaitFor(t, "both rows", f.samples(2))
	f.WaitFor(t, "caught up", func() bool { return f.r.CaughtUp == 1 })
	if got := labelsOf(f.r.Samples); !reflect.DeepEqual(got, []string{"first", "second"}) {
		t.Errorf("rows %q", got)
	}
	formats := map[string]bool{}
	for _, h := range f.health {
		formats[h.Format] = true
	}
	if !formats[FormatCSV] {
		t.Errorf("no health with the format: %+v", f.health)
	}
}

// TestFollowXML writes an XML JTL without its closing tag, cut inside an
// element, then extends it.
func TestFollowXML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.xml")
	sample := func(i int) string {
		return fmt.Sprintf("<httpSample t=\"%d\" lt=\"1\" ts=\"%d\" s=\"true\" lb=\"s%d\" rc=\"200\" rm=\"OK\" tn=\"T 1-1\">\n"+
			"  <responseData class=\"java.lang.String\">body %d</responseData>\n</httpSample>\n", i, 1700000000000+i, i, i)
	}
	s2 := sample(2)
	appendFile(t, path, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testResults version=\"1.2\">\n"+sample(1)+s2[:40])
	f := follow(t, path, false)
	f.WaitFor(t, "the first sample", f.samples(1))
	f.WaitFor(t, "caught up", func() bool { return f.r.CaughtUp == 1 })
	appendFile(t, path, s2[40:90])
	appendFile(t, path, s2[90:]+sample(3))
	f.WaitFor(t, "samples 2 and 3", f.samples(3))
	appendFile(t, path, "</testResults>\n")
	if got := labelsOf(f.r.Samples); !reflect.DeepEqual(got, []string{"s1", "s2", "s3"}) {
		t.Errorf("samples %q", got)
	}
	f.WaitFor(t, "format in health", func() bool {
		for _, h := range f.health {
			if h.Format == FormatXML {
				return true
			}
		}
		return false
	})
	if f.r.BadRows != 0 {
		t.Errorf("bad rows: %v", badStrings(f.r))
	}
}

// TestFollowGarbage follows a small file that is not a JTL and does not grow:
// the failure must show without waiting for more data.
func TestFollowGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "garbage.jtl")
	if err := os.WriteFile(path, []byte("\x00\x01\x02garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := follow(t, path, false)
	f.WaitFor(t, "the failure", func() bool {
		n := len(f.health)
		return n > 0 && f.health[n-1].State == sources.StateFailed
	})
	appendFile(t, path, "more\n")
	if err := f.Wait(t); err == nil || !strings.Contains(err.Error(), "not a JMeter JTL") {
		t.Errorf("Run returned %v, want the not-a-JTL error", err)
	}
}

// TestFollowPendingRows checks that a row waiting for a parent written after
// it (a "-N" label) is shown while the file keeps growing without that
// parent, and that a parent arriving in the same write settles its rows.
func TestFollowPendingRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.jtl")
	appendFile(t, path, "timeStamp,elapsed,label,responseCode,threadName,success\n")
	f := follow(t, path, false)
	f.WaitFor(t, "caught up", func() bool { return f.r.CaughtUp == 1 })
	appendFile(t, path, "1700000000100,5,Home-0,200,T 1-1,true\n1700000000120,5,Home-1,200,T 1-1,true\n1700000000000,300,Home,200,T 1-1,true\n")
	f.WaitFor(t, "the parent and its sub-results", f.samples(3))
	if s := f.r.Samples; !s[0].SubResult || !s[1].SubResult || s[2].SubResult {
		t.Fatalf("samples %+v", s)
	}
	appendFile(t, path, "1700000001000,5,Orphan-1,200,T 1-2,true\n")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	defer func() { close(stop); wg.Wait() }()
	go func() { // other threads keep writing, faster than tail's poll
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				if fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0); err == nil {
					fmt.Fprintf(fh, "%d,5,Busy,200,T 1-3,true\n", 1700000002000+i)
					fh.Close()
				}
			}
		}
	}()
	f.WaitFor(t, "the row whose parent never comes", func() bool {
		for _, s := range f.r.Samples {
			if s.Label == "Orphan-1" {
				return true
			}
		}
		return false
	})
}
