package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mkfifo makes a named pipe in dir.
func mkfifo(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	return p
}

// feedPipe writes data to the named pipe at path once after has been
// closed (nil: at once), then keeps the pipe open until release is closed
// (nil: closes it at once). opened is closed once a reader opened the pipe.
// Opening blocks until the pipe is opened for reading.
func feedPipe(t *testing.T, path string, data []byte, after, release <-chan struct{}) (opened <-chan struct{}, done <-chan error) {
	t.Helper()
	op := make(chan struct{})
	errs := make(chan error, 1)
	stop := make(chan struct{})
	go func() {
		if after != nil {
			select {
			case <-after:
			case <-stop:
				close(op)
				errs <- fmt.Errorf("%s: never opened", path)
				return
			}
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		close(op)
		if err != nil {
			errs <- err
			return
		}
		defer f.Close()
		_, err = f.Write(data)
		if release != nil {
			<-release
		}
		errs <- err
	}()
	t.Cleanup(func() {
		close(stop)
		// A writer still waiting for its reader: open the pipe so that it ends.
		select {
		case <-op:
		default:
			if f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
				<-op
				f.Close()
			}
		}
	})
	return op, errs
}

// TestReportReadsPipes reads a JTL and a log from named pipes, several at
// once: detected from their first bytes, which are kept, and read as
// streams to their end.
func TestReportReadsPipes(t *testing.T) {
	src := t.TempDir()
	jp, lp := writeSavedRun(t, src)
	jtlData, _ := os.ReadFile(jp)
	logData, _ := os.ReadFile(lp)
	tests := []struct {
		name string
		args func(jtl, log string) []string
		// jtlAfterLog: the JTL's writer opens its pipe only once the log's
		// was opened, and the JTL is named first: detection that opens one
		// pipe after the other waits forever.
		jtlAfterLog bool
	}{
		{"detected", func(j, l string) []string { return []string{j, l} }, false},
		{"detected, writers in another order", func(j, l string) []string { return []string{j, l} }, true},
		{"named", func(j, l string) []string { return []string{"--jtl", j, "--log", l} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			jf, lf := mkfifo(t, dir, "results"), mkfifo(t, dir, "app")
			logOpened, logDone := feedPipe(t, lf, logData, nil, nil)
			var after <-chan struct{}
			if tt.jtlAfterLog {
				after = logOpened
			}
			_, jtlDone := feedPipe(t, jf, jtlData, after, nil)
			args := append([]string{"report", "--format", "json"}, tt.args(jf, lf)...)
			out, errs, code := runBinTimeout(t, 20*time.Second, nil, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			for _, done := range []<-chan error{logDone, jtlDone} {
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			}
			checkSavedRunReport(t, out)
		})
	}
}

// TestReportReadsProcessSubstitution is the shell's <(command): a pipe
// named /dev/fd/N.
func TestReportReadsProcessSubstitution(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	jp, lp := writeSavedRun(t, t.TempDir())
	cmd := exec.Command("bash", "-c", fmt.Sprintf("%s report --format json <(cat %s) <(gzip -c %s)", sobangBinary(t), jp, lp))
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir())
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := runWithin(cmd, 20*time.Second); err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}
	checkSavedRunReport(t, out.String())
}

// checkSavedRunReport checks a JSON report of writeSavedRun's files.
func checkSavedRunReport(t *testing.T, out string) {
	t.Helper()
	var doc reportDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%.500s", err, out)
	}
	kinds := map[string]int{}
	for _, s := range doc.Sources {
		kinds[s.Kind]++
		if len(s.Warnings) > 0 {
			t.Errorf("%s: warnings %q", s.Path, s.Warnings)
		}
	}
	if kinds["jtl"] != 1 || kinds["log"] != 1 {
		t.Fatalf("sources %+v", doc.Sources)
	}
	if doc.LoadTest == nil || doc.LoadTest.Samples != 300 || doc.LoadTest.Errors != 10 {
		t.Fatalf("loadtest %+v", doc.LoadTest)
	}
	if doc.Logs == nil || doc.Logs.Entries != 60 || doc.Logs.Levels["ERROR"] != 10 {
		t.Fatalf("logs %+v", doc.Logs)
	}
}

// runWithin runs cmd, killing it after d.
func runWithin(cmd *exec.Cmd, d time.Duration) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		return fmt.Errorf("did not end within %v", d)
	}
}

// TestReportSaysWhatItWaitsFor opens a pipe whose writer is slow to send
// its first bytes: stderr says that detection waits for them, and the data
// is read once they come.
func TestReportSaysWhatItWaitsFor(t *testing.T) {
	jp, _ := writeSavedRun(t, t.TempDir())
	data, _ := os.ReadFile(jp)
	p := mkfifo(t, t.TempDir(), "results")
	cmd := exec.Command(sobangBinary(t), "report", "--format", "json", p)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir())
	var out strings.Builder
	cmd.Stdout = &out
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	noted := make(chan string, 1)
	go func() {
		var seen strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := stderr.Read(buf)
			seen.Write(buf[:n])
			if strings.Contains(seen.String(), "waiting for the first bytes of "+p) || err != nil {
				noted <- seen.String()
				return
			}
		}
	}()
	// The writer opens the pipe at once, and writes only once stderr spoke.
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-noted:
		if !strings.Contains(msg, "waiting for the first bytes of "+p) || !strings.Contains(msg, "--jtl") {
			t.Fatalf("stderr %q", msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("stderr said nothing of the wait within 10 s")
	}
	f.Write(data)
	f.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("report did not end within 10 s of the end of its input")
	}
	var doc reportDoc
	if err := json.Unmarshal([]byte(out.String()), &doc); err != nil || doc.LoadTest == nil || doc.LoadTest.Samples != 300 {
		t.Fatalf("report %v: %.300s", err, out.String())
	}
}
