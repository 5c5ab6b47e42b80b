package logs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
)

// springLine is one Spring Boot line at second sec.
func springLine(sec int, msg string) string {
	return fmt.Sprintf("2024-01-01T00:00:%02d.000Z  INFO 1 --- [main] a.B : %s\n", sec, msg)
}

// TestNULGaps reads logs with runs of NUL bytes, as copytruncate leaves
// when the writer keeps its offset: the runs are skipped, every line around
// them is read in the log's format, and each gap is a warning naming its
// line.
func TestNULGaps(t *testing.T) {
	nuls := func(n int) string { return strings.Repeat("\x00", n) }
	tests := []struct {
		name     string
		text     string
		messages []string // the entries' messages, in order
		lineNos  []int
		warnings []string // each warning holds these, in order
	}{
		{"a run between lines",
			springLine(1, "one") + springLine(2, "two") + nuls(4096) + springLine(3, "three"),
			[]string{"one", "two", "three"}, []int{1, 2, 3},
			[]string{":3: skipped 4096 NUL bytes"}},
		{"one NUL inside a line",
			springLine(1, "one") + "2024-01-01T00:00:02.000Z  INFO 1 --- [main] a.B : t\x00wo\n",
			[]string{"one", "two"}, []int{1, 2},
			[]string{":2: skipped 1 NUL byte"}},
		{"a hole at the start",
			nuls(10000) + springLine(1, "one") + springLine(2, "two"),
			[]string{"one", "two"}, []int{1, 2},
			[]string{":1: skipped 10000 NUL bytes"}},
		{"a hole longer than a read",
			nuls(sources.ReadChunk+12345) + springLine(1, "one"),
			[]string{"one"}, []int{1},
			[]string{fmt.Sprintf(":1: skipped %d NUL bytes", sources.ReadChunk+12345)}},
		{"two gaps and a run at the end",
			springLine(1, "one") + nuls(10) + springLine(2, "two") + nuls(20) + springLine(3, "three") + nuls(30),
			[]string{"one", "two", "three"}, []int{1, 2, 3},
			[]string{":2: skipped 10 NUL bytes", ":3: skipped 20 NUL bytes", ":4: skipped 30 NUL bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "app.log", tt.text)
			r := readAll(t, path, sources.Info{})
			if h := r.lastHealth(); h.Format != "Spring Boot" {
				t.Errorf("format %q, want Spring Boot", h.Format)
			}
			var msgs []string
			var nos []int
			for _, e := range r.entries {
				if e.Time.IsZero() {
					t.Errorf("entry at line %d has no time: %q", e.LineNo, e.Lines)
				}
				_, msg, _ := strings.Cut(e.Lines[0], "a.B : ")
				msgs = append(msgs, msg)
				nos = append(nos, e.LineNo)
			}
			if fmt.Sprint(msgs) != fmt.Sprint(tt.messages) || fmt.Sprint(nos) != fmt.Sprint(tt.lineNos) {
				t.Errorf("entries %q at lines %v, want %q at %v", msgs, nos, tt.messages, tt.lineNos)
			}
			if len(r.warnings) != len(tt.warnings) {
				t.Fatalf("warnings %q, want %d", r.warnings, len(tt.warnings))
			}
			for i, w := range tt.warnings {
				if !strings.HasPrefix(r.warnings[i], path+w) || !strings.Contains(r.warnings[i], "copytruncate") {
					t.Errorf("warning %q, want %q after the path and a word on copytruncate", r.warnings[i], w)
				}
			}
			if r.badRows != 0 {
				t.Errorf("%d bad rows: %v", r.badRows, r.bad)
			}
		})
	}
}

// TestNULGapsBounded checks that a file full of gaps lists the first few
// and says that there are more, once.
func TestNULGapsBounded(t *testing.T) {
	var b strings.Builder
	for i := range 50 {
		b.WriteString(springLine(i%60, "x") + "\x00\x00")
	}
	r := readAll(t, writeFile(t, "app.log", b.String()), sources.Info{})
	if len(r.entries) != 50 {
		t.Fatalf("%d entries, want 50", len(r.entries))
	}
	if len(r.warnings) != maxGapWarnings+1 || !strings.Contains(r.warnings[maxGapWarnings], "more gaps") {
		t.Fatalf("%d warnings: %q", len(r.warnings), r.warnings)
	}
}

func TestSniffNUL(t *testing.T) {
	spring := springLine(1, "one") + springLine(2, "two")
	tests := []struct {
		name, head, format string
		ok                 bool
	}{
		{"one NUL", "2024-01-01T00:00:01.000Z  INFO 1 --- [main] a.B : o\x00ne\n", "Spring Boot", true},
		{"a run mid-file", springLine(1, "one") + strings.Repeat("\x00", 3000) + springLine(2, "two"), "Spring Boot", true},
		{"a hole at the start", strings.Repeat("\x00", 60000) + spring, "Spring Boot", true},
		{"nothing but NULs", strings.Repeat("\x00", 4096), "", false},
		{"UTF-16", "h\x00e\x00l\x00l\x00o\x00 \x00w\x00o\x00r\x00l\x00d\x00\n\x00", "", false},
		{"binary", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00\x01\x00\x00\x00", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := Sniff([]byte(tt.head))
			if f != tt.format || ok != tt.ok {
				t.Errorf("Sniff = %q, %v; want %q, %v", f, ok, tt.format, tt.ok)
			}
		})
	}
}
