package main

import (
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sobang/sobang/sources/record"
)

// The end-to-end tests drive the built binary in tmux, as a person would:
// send-keys, capture-pane.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// sobangBinary builds the command once per test run.
func sobangBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sobang-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "sobang")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// needTmux skips without tmux, except under CI=true where it fails.
func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is required under CI=true (apt-get install -y tmux)")
		}
		t.Skip("tmux not installed (apt-get install -y tmux); skipping the end-to-end test")
	}
	if testing.Short() {
		t.Skip("end-to-end test")
	}
}

type tmux struct {
	t      *testing.T
	socket string
	name   string
}

// startTmux runs shell command cmd in a detached tmux session of w x h.
func startTmux(t *testing.T, w, h int, cmd string) *tmux {
	t.Helper()
	s := &tmux{t: t, socket: fmt.Sprintf("sobang-test-%d-%d", os.Getpid(), time.Now().UnixNano()), name: "e2e"}
	// remain-on-exit keeps the pane, and what the program printed last,
	// after the command ends, however fast it ends.
	conf := filepath.Join(t.TempDir(), "tmux.conf")
	if err := os.WriteFile(conf, []byte("set -g remain-on-exit on\nset -g default-terminal xterm-256color\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.run("-f", conf, "new-session", "-d", "-s", s.name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), cmd)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	return s
}

func (s *tmux) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmux) capture() string { return s.run("capture-pane", "-p", "-t", s.name) }

func (s *tmux) send(keys ...string) { s.run(append([]string{"send-keys", "-t", s.name}, keys...)...) }

// waitFor polls the screen until cond holds or the deadline passes.
func (s *tmux) waitFor(what string, d time.Duration, cond func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(d)
	var screen string
	for time.Now().Before(deadline) {
		screen = s.capture()
		if cond(screen) {
			return screen
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("timed out after %v waiting for %s; screen:\n%s", d, what, screen)
	return ""
}

func (s *tmux) waitText(text string, d time.Duration) string {
	return s.waitFor(fmt.Sprintf("%q", text), d, func(sc string) bool { return strings.Contains(sc, text) })
}

// paneDead reports whether the command in the pane has exited.
func (s *tmux) paneDead() bool {
	return strings.TrimSpace(s.run("display-message", "-p", "-t", s.name, "#{pane_dead}")) == "1"
}

func (s *tmux) altScreen() bool {
	return strings.TrimSpace(s.run("display-message", "-p", "-t", s.name, "#{alternate_on}")) == "1"
}

func (s *tmux) waitExit(d time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if s.paneDead() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("the program did not exit within %v; screen:\n%s", d, s.capture())
}

var statusRe = regexp.MustCompile(`(\d\d:\d\d:\d\d) (LIVE|PAUSED)`)

func statusLine(t *testing.T, screen string) (string, string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if m := statusRe.FindStringSubmatch(lines[i]); m != nil {
			return m[1], m[2]
		}
	}
	t.Fatalf("no status bar on screen:\n%s", screen)
	return "", ""
}

func TestE2EDemo(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	dir := t.TempDir()
	exitFile := filepath.Join(dir, "exit")
	s := startTmux(t, 140, 45, fmt.Sprintf("%s demo --duration 20s --dir %s; echo $? > %s", bin, filepath.Join(dir, "run"), exitFile))
	s.waitFor("the three panes with data", 20*time.Second, func(sc string) bool {
		return strings.Contains(sc, "Load test") && strings.Contains(sc, "Metrics") && strings.Contains(sc, "Logs") &&
			strings.Contains(sc, "hikaricp_connections") && strings.Contains(sc, "GET balance")
	})
	// A few seconds of data, so that steps back are not clamped to its start.
	samplesRe := regexp.MustCompile(`samples ([0-9,]+)`)
	screen := s.waitFor("150 samples", 20*time.Second, func(sc string) bool {
		m := samplesRe.FindStringSubmatch(sc)
		if m == nil {
			return false
		}
		n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
		return n >= 150
	})
	_, word := statusLine(t, screen)
	if word != "LIVE" {
		t.Fatalf("the demo must start LIVE, status %s", word)
	}
	// Zoom in to one minute, so a step is one second and two steps back
	// stay inside the few seconds of data there are.
	s.send("+")
	s.waitText("range 1m", 5*time.Second)
	s.send("Left")
	screen = s.waitText("PAUSED", 5*time.Second)
	first, _ := statusLine(t, screen)
	// Paused, the cursor no longer follows now: another ← moves it back.
	s.send("Left")
	screen = s.waitFor("the cursor to move", 5*time.Second, func(sc string) bool {
		c, w := statusLine(t, sc)
		return w == "PAUSED" && c != first
	})
	if second, _ := statusLine(t, screen); second >= first {
		t.Fatalf("← must move the cursor back: %s then %s", first, second)
	}
	s.send("q")
	s.waitExit(5 * time.Second)
	if s.altScreen() {
		t.Fatal("the terminal is still in the alternate screen after q")
	}
	code, err := os.ReadFile(exitFile)
	if err != nil || strings.TrimSpace(string(code)) != "0" {
		t.Fatalf("exit status %q (%v), want 0; screen:\n%s", code, err, s.capture())
	}
	out := s.capture()
	if !strings.Contains(out, "Open them again with") || !strings.Contains(out, "results.jtl") {
		t.Fatalf("on exit the demo must print where its files are; screen:\n%s", out)
	}
}

// writeSavedRun writes a small finished JMeter run and its log, in the past.
func writeSavedRun(t *testing.T, dir string) (string, string) {
	t.Helper()
	return writeRunAt(t, dir, time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
}

// writeRunAt writes a finished one-minute JMeter run from start and its
// log, five requests a second, failing from +30 s to +40 s.
func writeRunAt(t *testing.T, dir string, start time.Time) (string, string) {
	t.Helper()
	var jtl strings.Builder
	jtl.WriteString("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n")
	var log strings.Builder
	for sec := 0; sec < 60; sec++ {
		for i := 0; i < 5; i++ {
			ts := start.Add(time.Duration(sec)*time.Second + time.Duration(i*100)*time.Millisecond)
			code, ok, msg := "200", "true", "OK"
			if sec >= 30 && sec < 40 && i == 0 {
				code, ok, msg = "503", "false", "Service Unavailable"
			}
			fmt.Fprintf(&jtl, "%d,%d,GET savedlabel,%s,%s,Users 1-%d,text,%s,,512,128,5,5,http://127.0.0.1/x,10,0,1\n",
				ts.UnixMilli(), 20+i*5, code, msg, i+1, ok)
		}
		lvl := " INFO"
		text := "saved run heartbeat"
		if sec >= 30 && sec < 40 {
			lvl, text = "ERROR", "pool exhausted in the saved run"
		}
		fmt.Fprintf(&log, "%s %s 4242 --- [bank] [exec-1] c.e.bank.Saved                           : %s\n",
			start.Add(time.Duration(sec)*time.Second+500*time.Millisecond).Format("2006-01-02T15:04:05.000Z07:00"), lvl, text)
	}
	jp, lp := filepath.Join(dir, "saved.jtl"), filepath.Join(dir, "saved.log")
	if err := os.WriteFile(jp, []byte(jtl.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lp, []byte(log.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return jp, lp
}

func TestE2ESavedFiles(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	dir := t.TempDir()
	jp, lp := writeSavedRun(t, dir)
	s := startTmux(t, 120, 40, fmt.Sprintf("%s --utc %s %s", bin, jp, lp))
	screen := s.waitFor("both files' data", 10*time.Second, func(sc string) bool {
		return strings.Contains(sc, "GET savedlabel") && strings.Contains(sc, "saved run heartbeat")
	})
	clock, word := statusLine(t, screen)
	if word != "PAUSED" || clock != "09:00:59" {
		t.Fatalf("saved files must open PAUSED on their last second, got %s %s", clock, word)
	}
	// Resize to 1x1 and back: no crash, the layout reflows.
	s.run("resize-window", "-t", s.name, "-x", "1", "-y", "1")
	time.Sleep(300 * time.Millisecond)
	s.run("resize-window", "-t", s.name, "-x", "60", "-y", "20")
	s.waitText("terminal too small", 5*time.Second)
	s.run("resize-window", "-t", s.name, "-x", "100", "-y", "30")
	s.waitText("GET savedlabel", 5*time.Second)
	s.send("q")
	s.waitExit(5 * time.Second)
	if s.altScreen() {
		t.Fatal("the terminal is still in the alternate screen after q")
	}
}

// TestE2EPromSavedRun: a saved run with --prom opens PAUSED on the run's
// last second with the server's metrics over the run, not live at now.
func TestE2EPromSavedRun(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	fake := &promFake{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	jp, lp := writeSavedRun(t, t.TempDir())
	s := startTmux(t, 140, 40, fmt.Sprintf("%s --utc %s %s --prom %s", bin, jp, lp, srv.URL))
	screen := s.waitFor("the run and its metrics", 10*time.Second, func(sc string) bool {
		return strings.Contains(sc, "GET savedlabel") && strings.Contains(sc, "2 series over the run, step 15s") &&
			strings.Contains(sc, "hikaricp_connections_pending")
	})
	if clock, word := statusLine(t, screen); word != "PAUSED" || clock != "09:00:59" {
		t.Fatalf("a saved run with --prom must open PAUSED on its last second, got %s %s\n%s", clock, word, screen)
	}
	// The PromQL prompt: tab completes from the server's names, enter
	// charts the expression over the run; a refused query shows the
	// server's words.
	s.send(":")
	s.send("-l", "sum(hik")
	s.send("Tab")
	s.waitText(" :sum(hikaricp_connections_pending▏", 5*time.Second)
	s.send("-l", ")")
	s.send("Enter")
	s.waitFor("the expression charted", 10*time.Second, func(sc string) bool {
		return strings.Contains(sc, "charted sum(hikaricp_connections_pending)") && strings.Contains(sc, "sum(hikaricp_connections_pending) ⠒⠒ 30")
	})
	s.send(":")
	s.send("-l", "rate(x[1m)")
	s.send("Enter")
	s.waitText(`the server answered: bad_data: invalid parameter "query": 1:8: parse error: unclosed left bracket`, 10*time.Second)
	s.send("Escape")
	// A q right after the escape would read as alt+q.
	s.waitFor("the prompt closed", 5*time.Second, func(sc string) bool { return !strings.Contains(sc, ":rate(x[1m)▏") })
	s.send("q")
	s.waitExit(5 * time.Second)
}

func TestE2EPanicRestoresTerminal(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	dir := t.TempDir()
	_, lp := writeSavedRun(t, dir)
	exitFile := filepath.Join(dir, "exit")
	s := startTmux(t, 100, 30, fmt.Sprintf("%s --crash-test %s; echo $? > %s", bin, lp, exitFile))
	s.waitExit(10 * time.Second)
	if s.altScreen() {
		t.Fatal("the terminal is still in the alternate screen after a panic")
	}
	code, _ := os.ReadFile(exitFile)
	if strings.TrimSpace(string(code)) != "1" {
		t.Fatalf("exit status %q after a panic, want 1", code)
	}
	screen := s.capture()
	m := regexp.MustCompile(`crash report: (\S+)`).FindStringSubmatch(screen)
	if m == nil {
		t.Fatalf("no crash report path printed; screen:\n%s", screen)
	}
	report, err := os.ReadFile(m[1])
	if err != nil || !strings.Contains(string(report), "panicked on purpose") {
		t.Fatalf("crash report %s: %v\n%s", m[1], err, report)
	}
	os.Remove(m[1])
	// The mouse and the cursor are back: tmux shows no mouse mode left on.
	if strings.TrimSpace(s.run("display-message", "-p", "-t", s.name, "#{mouse_any_flag}")) == "1" {
		t.Fatal("mouse reporting is still on after a panic")
	}
}

func TestE2EStdinPipeStaysInteractive(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	dir := t.TempDir()
	_, lp := writeSavedRun(t, dir)
	exitFile := filepath.Join(dir, "exit")
	// The pipe stays open (sleep) so sobang, not the end of input, ends it.
	s := startTmux(t, 100, 30, fmt.Sprintf("(cat %s; sleep 20) | (%s -; echo $? > %s)", lp, bin, exitFile))
	s.waitText("saved run heartbeat", 10*time.Second)
	s.send("?")
	s.waitText("Keys of the", 5*time.Second)
	s.send("Escape")
	s.waitFor("help closed", 5*time.Second, func(sc string) bool { return !strings.Contains(sc, "Keys of the") })
	s.send("q")
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, err := os.ReadFile(exitFile)
		if err == nil && len(code) > 0 {
			if strings.TrimSpace(string(code)) != "0" {
				t.Fatalf("exit status %q, want 0", code)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sobang did not exit within 5 s of q; screen:\n%s", s.capture())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestE2EDrillDownAndBaseline opens a label of a saved run beside an
// earlier run, and back.
func TestE2EDrillDownAndBaseline(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	dir := t.TempDir()
	jp, lp := writeSavedRun(t, dir)
	old := filepath.Join(dir, "old.jtl")
	data, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(old, data, 0o644) // the same run: no regression
	s := startTmux(t, 160, 45, fmt.Sprintf("XDG_CONFIG_HOME=%s %s --utc %s %s --baseline %s", t.TempDir(), bin, jp, lp, old))
	s.waitText("base p95", 10*time.Second)
	s.waitText("baseline old.jtl (whole run): no regression", 5*time.Second)
	s.send("1", "Enter")
	screen := s.waitText("top errors (JMeter's keys)", 5*time.Second)
	for _, want := range []string{"▸ GET savedlabel", "path /x from the URL column", "503/Service Unavailable", "Mann-Whitney"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the drill-down lacks %q; screen:\n%s", want, screen)
		}
	}
	s.send("Escape")
	s.waitFor("the table again", 5*time.Second, func(sc string) bool {
		return strings.Contains(sc, "label ▲") && !strings.Contains(sc, "top errors")
	})
	s.send("q")
	s.waitExit(5 * time.Second)
	if s.altScreen() {
		t.Fatal("the terminal is still in the alternate screen after q")
	}
}

// TestE2EWarnings reads a headerless JTL with more labels than the cap and a
// bad row: the status bar counts the warnings `report` lists, ! lists them,
// and a search for a folded label says where it went.
func TestE2EWarnings(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	dir := t.TempDir()
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC).UnixMilli()
	var jtl strings.Builder
	for i := range 1200 {
		fmt.Fprintf(&jtl, "%d,%d,GET /users/%d,200,OK,Users 1-1,text,true,,512,128,1,1,http://127.0.0.1/users/%d,10,0,1\n",
			start+int64(i)*50, 20+i%30, i%600, i%600)
	}
	jtl.WriteString("not,a,sample\n")
	jp := filepath.Join(dir, "ids.jtl")
	if err := os.WriteFile(jp, []byte(jtl.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startTmux(t, 80, 24, fmt.Sprintf("%s --utc %s", bin, jp))
	s.waitText("⚠ 3 warnings  ! list", 10*time.Second)
	s.send("!")
	screen := s.waitText("Warnings (3)", 5*time.Second)
	for _, want := range []string{"ids.jtl:1201: expected 17", "no header: read as the JMeter default 17 columns", "more than 500 distinct labels"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the list lacks %q; screen:\n%s", want, screen)
		}
	}
	s.send("Escape")
	s.waitFor("the list closed", 5*time.Second, func(sc string) bool { return !strings.Contains(sc, "Warnings (3)") })
	s.send("/", "users/599", "Enter")
	s.waitText("were folded into", 5*time.Second)
	s.send("q")
	s.waitExit(5 * time.Second)
}

// TestE2EPipes opens the dashboard on a JTL and a log from pipes whose
// writers keep them open (kubectl logs -f): named pipes, and the shell's
// process substitution.
func TestE2EPipes(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	src := t.TempDir()
	jp, lp := writeSavedRun(t, src)
	tests := []struct {
		name string
		cmd  func(dir string) string
	}{
		{"named pipes", func(dir string) string {
			jf, lf := mkfifo(t, dir, "results"), mkfifo(t, dir, "app")
			jtlData, _ := os.ReadFile(jp)
			logData, _ := os.ReadFile(lp)
			release := make(chan struct{})
			t.Cleanup(func() { close(release) })
			feedPipe(t, jf, jtlData, nil, release)
			feedPipe(t, lf, logData, nil, release)
			return fmt.Sprintf("%s --utc %s %s", bin, jf, lf)
		}},
		{"process substitution", func(string) string {
			return fmt.Sprintf("bash -c '%s --utc <(cat %s; sleep 60) <(cat %s; sleep 60)'", bin, jp, lp)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			exitFile := filepath.Join(dir, "exit")
			s := startTmux(t, 120, 40, fmt.Sprintf("XDG_CONFIG_HOME=%s %s; echo $? > %s", t.TempDir(), tt.cmd(dir), exitFile))
			s.waitFor("both pipes' data", 15*time.Second, func(sc string) bool {
				return strings.Contains(sc, "GET savedlabel") && strings.Contains(sc, "saved run heartbeat")
			})
			s.send("q")
			s.waitFor("the exit status", 5*time.Second, func(string) bool {
				code, err := os.ReadFile(exitFile)
				return err == nil && len(code) > 0
			})
			if code, _ := os.ReadFile(exitFile); strings.TrimSpace(string(code)) != "0" {
				t.Fatalf("exit status %q, want 0; screen:\n%s", code, s.capture())
			}
			if s.altScreen() {
				t.Fatal("the terminal is still in the alternate screen after q")
			}
		})
	}
}

// format asks tmux for one of the pane's format variables.
func (s *tmux) format(v string) string {
	return strings.TrimSpace(s.run("display-message", "-p", "-t", s.name, v))
}

// checkRecording fails unless the recording at path opens and reads to its
// end, with entries, closed (its index written) and undamaged.
func checkRecording(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no recording: %v", err)
	}
	rec, err := record.Open(path)
	if err != nil {
		t.Fatalf("the recording does not open: %v", err)
	}
	n := 0
	warnings, err := rec.Walk(0, func(it record.Item) error {
		if it.Entry != nil {
			n++
		}
		return nil
	})
	if warnings = append(rec.Warnings, warnings...); err != nil || n == 0 || len(warnings) > 0 {
		t.Fatalf("the recording (%d bytes) reads %d entries, then: %v, warnings %q", fi.Size(), n, err, warnings)
	}
}

// TestE2ESignals sends SIGHUP, SIGTERM and SIGINT to the dashboard: each
// leaves the alternate screen and mouse mode, gives the window its title
// back, finishes the recording and exits 128 + the signal.
func TestE2ESignals(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	src := t.TempDir()
	jp, lp := writeSavedRun(t, src)
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			rec, pidFile, exitFile := filepath.Join(dir, "session.sobang"), filepath.Join(dir, "pid"), filepath.Join(dir, "exit")
			// The inner shell writes its pid and becomes sobang (exec), so
			// that the signal goes to sobang alone; the outer one keeps its
			// exit status.
			s := startTmux(t, 120, 40, fmt.Sprintf(
				"printf '\\033]2;before sobang\\007'; XDG_CONFIG_HOME=%s sh -c 'echo $$ > %s; exec %s --utc --record %s %s %s'; echo $? > %s",
				t.TempDir(), pidFile, bin, rec, jp, lp, exitFile))
			s.waitText("GET savedlabel", 10*time.Second)
			s.waitFor("the dashboard's title", 5*time.Second, func(string) bool { return s.format("#{pane_title}") == "sobang" })
			if s.format("#{alternate_on}") != "1" || s.format("#{mouse_any_flag}") != "1" {
				t.Fatal("the dashboard runs without the alternate screen or the mouse")
			}
			pid, err := os.ReadFile(pidFile)
			if err != nil {
				t.Fatal(err)
			}
			n, err := strconv.Atoi(strings.TrimSpace(string(pid)))
			if err != nil {
				t.Fatal(err)
			}
			if err := syscall.Kill(n, sig); err != nil {
				t.Fatal(err)
			}
			s.waitFor("the exit status", 10*time.Second, func(string) bool {
				code, err := os.ReadFile(exitFile)
				return err == nil && len(code) > 0
			})
			if code, _ := os.ReadFile(exitFile); strings.TrimSpace(string(code)) != fmt.Sprint(128+int(sig)) {
				t.Errorf("exit status %q, want %d; screen:\n%s", code, 128+int(sig), s.capture())
			}
			// stderr says where the recording is and what stopped sobang.
			// With the scrollback: tmux's "Pane is dead" line may scroll them up.
			s.waitFor("the last words", 5*time.Second, func(string) bool {
				sc := s.run("capture-pane", "-p", "-S", "-", "-t", s.name)
				return strings.Contains(sc, "recorded to "+rec) && strings.Contains(sc, "stopped by "+signalName(sig))
			})
			if s.altScreen() {
				t.Error("the terminal is still in the alternate screen")
			}
			if s.format("#{mouse_any_flag}") == "1" {
				t.Error("mouse reporting is still on")
			}
			if title := s.format("#{pane_title}"); title != "before sobang" {
				t.Errorf("window title %q, want the one from before, %q", title, "before sobang")
			}
			checkRecording(t, rec)
		})
	}
}

// TestE2EHangup closes the terminal under the dashboard (tmux kill-pane, as
// closing a window or losing an ssh session does: sobang, the session's
// leader, gets SIGHUP and its terminal is gone): it ends, and its recording
// is finished.
func TestE2EHangup(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	dir := t.TempDir()
	jp, lp := writeSavedRun(t, dir)
	rec := filepath.Join(dir, "session.sobang")
	s := startTmux(t, 120, 40, fmt.Sprintf("XDG_CONFIG_HOME=%s exec %s --utc --record %s %s %s", t.TempDir(), bin, rec, jp, lp))
	s.waitText("GET savedlabel", 10*time.Second)
	pid, err := strconv.Atoi(s.format("#{pane_pid}"))
	if err != nil {
		t.Fatal(err)
	}
	s.run("kill-pane", "-t", s.name)
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatal("sobang still runs 10 s after its terminal closed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	checkRecording(t, rec)
}

// TestE2EDemoSignal ends the demo with SIGTERM: it says where its files
// are, as after q, and exits 143.
func TestE2EDemoSignal(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	dir := t.TempDir()
	pidFile, exitFile := filepath.Join(dir, "pid"), filepath.Join(dir, "exit")
	s := startTmux(t, 140, 45, fmt.Sprintf("sh -c 'echo $$ > %s; exec %s demo --duration 20s --dir %s'; echo $? > %s",
		pidFile, bin, filepath.Join(dir, "run"), exitFile))
	s.waitText("GET balance", 20*time.Second)
	pid, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(pid)))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(n, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	s.waitFor("the exit status", 10*time.Second, func(string) bool {
		code, err := os.ReadFile(exitFile)
		return err == nil && len(code) > 0
	})
	if code, _ := os.ReadFile(exitFile); strings.TrimSpace(string(code)) != "143" {
		t.Errorf("exit status %q, want 143", code)
	}
	s.waitFor("where the files are", 5*time.Second, func(string) bool {
		sc := s.run("capture-pane", "-p", "-S", "-", "-t", s.name)
		return strings.Contains(sc, "Open them again with") && strings.Contains(sc, "stopped by SIGTERM")
	})
	if s.altScreen() {
		t.Error("the terminal is still in the alternate screen")
	}
}

// TestE2EDemoFilesOpenPaused opens the demo's files right after the demo
// exits, younger than the range: nobody writes them any more, so they open
// PAUSED, and the cursor stays where it opened instead of following now.
func TestE2EDemoFilesOpenPaused(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	s := startTmux(t, 120, 40, fmt.Sprintf("XDG_CONFIG_HOME=%s %s demo --duration 6s --dir %s", t.TempDir(), bin, run))
	s.waitText("LOAD ENDED", 30*time.Second)
	s.send("q")
	s.waitExit(5 * time.Second)
	o := startTmux(t, 120, 40, fmt.Sprintf("XDG_CONFIG_HOME=%s %s %s %s", t.TempDir(), bin,
		filepath.Join(run, "results.jtl"), filepath.Join(run, "bank-service.log")))
	screen := o.waitFor("the demo's data", 10*time.Second, func(sc string) bool {
		return strings.Contains(sc, "GET balance") && statusRe.MatchString(sc)
	})
	clock, word := statusLine(t, screen)
	if word != "PAUSED" {
		t.Fatalf("files nobody writes must open PAUSED, whatever their age; status %s %s:\n%s", clock, word, screen)
	}
	// Paused, the cursor does not follow now.
	time.Sleep(1500 * time.Millisecond)
	if again, word := statusLine(t, o.capture()); again != clock || word != "PAUSED" {
		t.Fatalf("the cursor moved from %s to %s (%s)", clock, again, word)
	}
	o.send("q")
	o.waitExit(5 * time.Second)
}

// TestE2ERecordingOpensTheSameWayTwice records a session of a young run,
// then opens the recording twice: both times PAUSED on the run's last
// second.
func TestE2ERecordingOpensTheSameWayTwice(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	dir := t.TempDir()
	start := time.Now().UTC().Truncate(time.Second).Add(-90 * time.Second)
	jp, lp := writeRunAt(t, dir, start)
	rec := filepath.Join(dir, "young.sobang")
	s := startTmux(t, 120, 40, fmt.Sprintf("XDG_CONFIG_HOME=%s %s --utc --record %s %s %s", t.TempDir(), bin, rec, jp, lp))
	s.waitFor("both files' data", 10*time.Second, func(sc string) bool {
		return strings.Contains(sc, "GET savedlabel") && strings.Contains(sc, "saved run heartbeat")
	})
	s.send("q")
	s.waitExit(5 * time.Second)
	want := start.Add(59 * time.Second).Format("15:04:05")
	for i := range 2 {
		o := startTmux(t, 120, 40, fmt.Sprintf("XDG_CONFIG_HOME=%s %s --utc %s", t.TempDir(), bin, rec))
		// The status bar is the last line drawn: wait for it too.
		screen := o.waitFor("the recording's data", 10*time.Second, func(sc string) bool {
			return strings.Contains(sc, "GET savedlabel") && strings.Contains(sc, "saved run heartbeat") && statusRe.MatchString(sc)
		})
		if clock, word := statusLine(t, screen); clock != want || word != "PAUSED" {
			t.Fatalf("opening %d: status %s %s, want %s PAUSED (the recording's last second)", i+1, clock, word, want)
		}
		o.send("q")
		o.waitExit(5 * time.Second)
	}
}

// TestE2EMetricFiles opens a saved dump with timestamps (a histogram among
// its series) beside a saved query answer: both are charted in the metrics
// pane, paused on the data's last second, the histogram folded from its
// _bucket series into quantiles.
func TestE2EMetricFiles(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	dump := filepath.Join("..", "..", "sources", "metrics", "promfile", "testdata", "dump.om.txt")
	answer := filepath.Join("..", "..", "sources", "metrics", "promfile", "testdata", "bad_point.json")
	s := startTmux(t, 140, 40, fmt.Sprintf("%s --utc %s %s", bin, dump, answer))
	screen := s.waitFor("both files' series", 10*time.Second, func(sc string) bool {
		return strings.Contains(sc, "http_request_duration_seconds p50/p99") && strings.Contains(sc, "dump.om.txt: read 3 series, 7 points") &&
			strings.Contains(sc, "bad_point.json: read 2 series, 3 points · 1 bad rows")
	})
	if clock, word := statusLine(t, screen); word != "PAUSED" || clock != "11:27:10" {
		t.Fatalf("saved metrics must open PAUSED on their last second, got %s %s\n%s", clock, word, screen)
	}
	s.send("q")
	s.waitExit(5 * time.Second)
}

// TestE2EReplay records a finished one-minute run with sobang record, then
// replays it at ten times its speed: it plays at once (REPLAY x10, the
// cursor moving with the replay's clock) and pauses at the end on the
// run's last second (REPLAY paused).
func TestE2EReplay(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	dir := t.TempDir()
	jp, lp := writeSavedRun(t, dir)
	rec := filepath.Join(dir, "night.sobang")
	if out, err := exec.Command(bin, "record", "--out", rec, jp, lp).CombinedOutput(); err != nil {
		t.Fatalf("record: %v\n%s", err, out)
	}
	s := startTmux(t, 120, 40, fmt.Sprintf("XDG_CONFIG_HOME=%s %s replay --utc --speed 10 %s", t.TempDir(), bin, rec))
	playing := regexp.MustCompile(`(\d\d:\d\d:\d\d) REPLAY x10 \+(\d+)s`)
	screen := s.waitFor("REPLAY x10", 10*time.Second, func(sc string) bool { return playing.MatchString(sc) })
	first := playing.FindStringSubmatch(screen)
	// The whole minute plays in about six seconds, and ends paused on the
	// run's last second.
	end := regexp.MustCompile(`09:00:59 REPLAY paused \+59s`)
	var seen []string
	s.waitFor("REPLAY paused at the end", 20*time.Second, func(sc string) bool {
		if m := playing.FindStringSubmatch(sc); m != nil {
			seen = append(seen, m[1])
		}
		return end.MatchString(sc)
	})
	if len(seen) < 2 || seen[len(seen)-1] == first[1] {
		t.Fatalf("the cursor did not move while playing: first %s, seen %v", first[1], seen)
	}
	s.send("q")
	s.waitExit(5 * time.Second)
}

// TestE2EPlan opens a run with its plan beside it: the selected label's
// sampler above the table, the planned throughput in the legend, and p's
// plan view with the labels no sampler explains and the samplers that
// never ran.
func TestE2EPlan(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	dir := writeCheckRun(t)
	if err := os.WriteFile(filepath.Join(dir, "bank.jmx"), []byte(bankPlan), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startTmux(t, 160, 45, fmt.Sprintf("cd %s && NO_COLOR=1 XDG_CONFIG_HOME=%s %s --utc run.jtl", dir, t.TempDir(), bin))
	screen := s.waitText("plan › GET balance: GET http://bank:8080/balance", 10*time.Second)
	if !strings.Contains(screen, "planned 8.0/s") {
		t.Errorf("the throughput legend lacks the planned throughput:\n%s", screen)
	}
	s.send("p")
	screen = s.waitText("Plan · bank.jmx", 5*time.Second)
	for _, want := range []string{"Transfer flow [transaction]", "WARNING no-timeout", "Labels in the results no sampler explains (1):",
		"GET http://bank:8080/health", "Samplers that never ran (1):", "Logout"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the plan view lacks %q:\n%s", want, screen)
		}
	}
	s.send("Escape")
	s.waitFor("the table again", 5*time.Second, func(sc string) bool { return strings.Contains(sc, "label ▲") })
	s.send("q")
	s.waitExit(5 * time.Second)
}

// TestE2ERecordKey presses R in a session of a saved run whose log then
// grows, marks a second, and ends the session by q, ctrl-c or SIGTERM:
// each time the recording in the working directory is finished, holds what
// the session read after R (not the run read before) and the mark, and
// stderr names it.
func TestE2ERecordKey(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	for _, end := range []string{"q", "C-c", "SIGTERM"} {
		t.Run(end, func(t *testing.T) {
			dir, src := t.TempDir(), t.TempDir()
			jp, lp := writeSavedRun(t, src)
			pidFile, exitFile := filepath.Join(src, "pid"), filepath.Join(src, "exit")
			s := startTmux(t, 160, 40, fmt.Sprintf("cd %s && XDG_CONFIG_HOME=%s sh -c 'echo $$ > %s; exec %s --utc %s %s'; echo $? > %s",
				dir, t.TempDir(), pidFile, bin, jp, lp, exitFile))
			s.waitText("GET savedlabel", 10*time.Second)
			s.send("R")
			rec := regexp.MustCompile(`recording to (sobang-\d{8}-\d{6}\.sobang) \(R stops\)`)
			screen := s.waitFor("the recording's name", 5*time.Second, func(sc string) bool { return rec.MatchString(sc) })
			name := rec.FindStringSubmatch(screen)[1]
			if !regexp.MustCompile(`(PAUSED|LIVE) REC`).MatchString(screen) {
				t.Errorf("no REC in the status line:\n%s", screen)
			}
			f, err := os.OpenFile(lp, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(f, "2026-11-24T09:01:00.500Z  INFO 4242 --- [bank] [exec-1] c.e.bank.Saved                           : recorded after R\n")
			f.Close()
			s.waitText("recorded after R", 10*time.Second)
			s.send("m")
			s.waitText("marks 1", 5*time.Second)
			switch end {
			case "SIGTERM":
				pid, err := os.ReadFile(pidFile)
				if err != nil {
					t.Fatal(err)
				}
				n, err := strconv.Atoi(strings.TrimSpace(string(pid)))
				if err != nil {
					t.Fatal(err)
				}
				if err := syscall.Kill(n, syscall.SIGTERM); err != nil {
					t.Fatal(err)
				}
			default:
				s.send(end)
			}
			s.waitFor("the exit status", 10*time.Second, func(string) bool {
				code, err := os.ReadFile(exitFile)
				return err == nil && len(code) > 0
			})
			s.waitFor("the last words", 5*time.Second, func(string) bool {
				sc := s.run("capture-pane", "-p", "-S", "-", "-t", s.name)
				return strings.Contains(sc, "recorded to "+name)
			})
			if s.altScreen() {
				t.Error("the terminal is still in the alternate screen")
			}
			path := filepath.Join(dir, name)
			checkRecording(t, path)
			r, err := record.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			var texts []string
			if _, err := r.Walk(0, func(it record.Item) error {
				if it.Entry != nil {
					for _, e := range it.Entry.Batch.Entries {
						texts = append(texts, strings.Join(e.Lines, "\n"))
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			// The log's last entry before R may come with it: the ingester
			// holds an entry back until the next one shows it complete.
			if n := len(texts); n == 0 || n > 2 || !strings.Contains(texts[n-1], "recorded after R") {
				t.Errorf("the recording holds the log entries %q, want the one written after R (and the one before it, held back)", texts)
			}
			if marks, _ := r.Marks(); len(record.SetMarks(marks)) != 1 {
				t.Errorf("the recording holds the marks %+v, want one", marks)
			}
		})
	}
}
