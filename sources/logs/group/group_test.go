package group

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources/internal/corpus"
	"github.com/sobang/sobang/sources/logs/format"
)

// run groups text (one line per "\n") and returns the groups. Lines marked
// with a leading "H " are headers (in Join and Alone modes).
func run(mode format.Continuations, text string, flush bool) []Group {
	g := New(mode)
	var out []Group
	emit := func(gr Group) { out = append(out, gr) }
	for i, s := range strings.Split(text, "\n") {
		l := Line{Text: s, No: i + 1, Header: format.Header{LevelCol: -1}}
		if rest, ok := strings.CutPrefix(s, "H "); ok && mode != format.Exceptions {
			l.Text, l.IsHeader = rest, true
		}
		g.Add(l, emit)
	}
	if flush {
		g.Flush(emit)
	}
	return out
}

// shape renders groups as "lineNo:count" (with + for Continued and ! for
// Truncated) for compact comparison.
func shape(groups []Group) string {
	var parts []string
	for _, g := range groups {
		s := fmt.Sprintf("%d:%d", g.LineNo, len(g.Lines))
		if g.Continued {
			s += "+"
		}
		if g.Truncated {
			s += "!"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestJoin(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"headers only", "H a\nH b\nH c", "1:1 2:1 3:1"},
		{"trace joins its header", "H a\nx.Exception: boom\n\tat a.b(C.java:1)\n\tat d.e(F.java:2)\nH b", "1:4 5:1"},
		{"lines before the first header", "banner\nbanner\nH a\ncont", "1:2 3:2"},
		{"blank lines join", "H a\n\nstack\n\nH b", "1:4 5:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shape(run(format.Join, tt.text, true)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestJoinHoldsTheLastGroup(t *testing.T) {
	g := New(format.Join)
	var out []Group
	emit := func(gr Group) { out = append(out, gr) }
	g.Add(Line{Text: "a", No: 1, IsHeader: true}, emit)
	g.Add(Line{Text: "\tat x", No: 2}, emit)
	if len(out) != 0 || !g.Open() {
		t.Fatalf("the open group was emitted early: %v", shape(out))
	}
	g.Flush(emit)
	// A continuation that arrives after the flush is its own group, flagged.
	g.Add(Line{Text: "\tat y", No: 3}, emit)
	g.Flush(emit)
	if got := shape(out); got != "1:2 3:1+" {
		t.Errorf("got %s", got)
	}
	if out[0].Lines[1] != "\tat x" || out[1].Lines[0] != "\tat y" {
		t.Errorf("lines: %q %q", out[0].Lines, out[1].Lines)
	}
}

func TestAlone(t *testing.T) {
	if got := shape(run(format.Alone, "H {}\nnot json\nH {}", false)); got != "1:1 2:1 3:1" {
		t.Errorf("got %s", got)
	}
}

func TestCaps(t *testing.T) {
	var b strings.Builder
	b.WriteString("H head")
	for i := 0; i < MaxLines+10; i++ {
		b.WriteString("\n\tat frame")
	}
	b.WriteString("\nH next")
	if got := shape(run(format.Join, b.String(), true)); got != fmt.Sprintf("1:%d! %d:11+! %d:1", MaxLines, MaxLines+1, MaxLines+12) {
		t.Errorf("line cap: got %s", got)
	}
	big := strings.Repeat("x", 64<<10)
	b.Reset()
	b.WriteString("H head")
	for i := 0; i < 20; i++ {
		b.WriteString("\n" + big)
	}
	// 1 MiB holds the header and 15 lines of 64 KiB.
	if got := shape(run(format.Join, b.String(), true)); got != "1:16! 17:5+!" {
		t.Errorf("byte cap: got %s", got)
	}
}

func TestGroupsDoNotShareLines(t *testing.T) {
	g := New(format.Join)
	var out []Group
	emit := func(gr Group) { out = append(out, gr) }
	for i := 0; i < 3*arenaLines; i++ {
		g.Add(Line{Text: fmt.Sprint(i), No: i + 1, IsHeader: i%3 == 0}, emit)
	}
	g.Flush(emit)
	n := 0
	for _, gr := range out {
		for _, s := range gr.Lines {
			if s != fmt.Sprint(n) {
				t.Fatalf("line %d reads %q", n, s)
			}
			n++
		}
		if cap(gr.Lines) != len(gr.Lines) {
			t.Fatalf("group at %d can grow into its neighbour", gr.LineNo)
		}
	}
}

func TestExceptions(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"plain lines stand alone", "a\nb\nc", "1:1 2:1 3:1"},
		{"java trace", "x\njava.lang.IllegalStateException: boom\n\tat a.b(C.java:1)\n        at d.e(F.java:2)\n\t... 12 more\ny",
			"1:1 2:4 6:1"},
		{"caused by and suppressed", "java.lang.RuntimeException: a\n\tat x.y(Z.java:1)\nCaused by: java.io.IOException: b\n\tat x.y(Z.java:2)\n\tSuppressed: e.F: c\n\t\tat g.h(I.java:3)\n\t... 3 common frames omitted\nnext",
			"1:7 8:1"},
		{"multi-line message confirmed by a frame", "java.lang.IllegalArgumentException: multiline\nmessage in exception\n111\n\tat a.b(C.java:1)\nafter",
			"1:4 5:1"},
		{"message lines without frames stand alone", "java.lang.NullPointerException\nnot an exception\njava.lang.NullPointerException\nnot an exception",
			"1:1 2:1 3:1 4:1"},
		{"nested exception is", "org.x.NestedException: a\nnested exception is:\njava.io.IOException: b\n\tat a.b(C.java:1)\nz",
			"1:4 5:1"},
		{"blank line inside a java trace", "a.B.Exception: x\n\n\tat a.b(C.java:1)\nz", "1:3 4:1"},
		{"python", "Traceback (most recent call last):\n  File \"a.py\", line 1, in <module>\n    main()\n    ^^^^^^\nValueError: bad\nnext",
			"1:5 6:1"},
		{"python chained error name", "Traceback (most recent call last):\n  File \"a.py\", line 1\n    x\nrequests.exceptions.ConnectionError: no\n", "1:4 5:1"},
		{"go panic", "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n\t/tmp/x.go:8 +0x1d\nexit status 2",
			"1:5 6:1"},
		{"go panic two goroutines", "panic: boom\n\ngoroutine 1 [running]:\nmain.f(...)\n\t/x.go:1\n\ngoroutine 2 [sleep]:\ntime.Sleep(0x1)\n\t/y.go:2 +0x5\ncreated by main.main in goroutine 1\n\t/x.go:3\ndone",
			"1:11 12:1"},
		{"trailing blank after goroutine frames", "panic: boom\n\ngoroutine 1 [running]:\nmain.f()\n\t/x.go:1\n\nnext", "1:5 6:1 7:1"},
		{"not a panic word", "nopanic: x\nb", "1:1 2:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shape(run(format.Exceptions, tt.text, true)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestExceptionFlushKeepsHeldLines(t *testing.T) {
	// At a flush, lines held as a possible message are emitted on their own.
	if got := shape(run(format.Exceptions, "java.lang.Error: x\nmaybe message\nanother", true)); got != "1:1 2:1 3:1" {
		t.Errorf("got %s", got)
	}
}

func FuzzGroup(f *testing.F) {
	f.Add("H a\n\tat b\nc", uint8(0))
	f.Add("java.lang.Error: x\nmsg\n\tat a\n\n...", uint8(2))
	f.Add("Traceback (most recent call last):\n  File\nE: x", uint8(2))
	f.Add("panic: x\n\ngoroutine 1 [running]:\nf()\n\tx.go:1\n\n", uint8(2))
	if dir, err := corpus.Find("logs"); err == nil {
		files, _ := filepath.Glob(filepath.Join(dir, "java", "*"))
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil {
				f.Add(string(data), uint8(2))
			}
		}
	}
	f.Fuzz(func(t *testing.T, text string, mode uint8) {
		m := format.Continuations(mode % 3)
		lines := strings.Split(text, "\n")
		groups := run(m, text, true)
		// Every line comes out exactly once, in order.
		n := 0
		for _, g := range groups {
			if len(g.Lines) == 0 || len(g.Lines) > MaxLines {
				t.Fatalf("group of %d lines", len(g.Lines))
			}
			if g.LineNo != n+1 {
				t.Fatalf("group starts at line %d, want %d", g.LineNo, n+1)
			}
			n += len(g.Lines)
		}
		if n != len(lines) {
			t.Fatalf("%d lines in, %d out", len(lines), n)
		}
	})
}
