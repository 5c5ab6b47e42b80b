//go:build unix

package logs

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCommandKilledAtTheEnd: when the run ends the command is killed, the
// processes it started too.
func TestCommandKilledAtTheEnd(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	runCommand(t, Options{Command: "sleep 300 & echo $! > " + pidFile + "; echo started; wait", Restart: true}, func(r *recorder) bool {
		return len(r.snapshot()) >= 1
	})
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "the command's child to die", func() bool {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return true // gone (or no /proc: nothing to check)
		}
		// "pid (comm) S ...": a zombie has died.
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		return len(f) > 0 && f[0] == "Z"
	})
}
