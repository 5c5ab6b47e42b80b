package container

import (
	"strings"
	"testing"
	"time"
)

func TestDetect(t *testing.T) {
	for _, c := range []struct {
		line string
		want Kind
	}{
		{`{"log":"hello\n","stream":"stdout","time":"2018-09-21T02:56:06.978292233Z"}`, Docker},
		{`{"log":"2020-03-24 Multiple lines: \n"}`, Docker},
		{"2016-10-06T00:17:09.669794202Z stdout F hello", CRI},
		{"2016-10-06T00:17:09.669794202+02:00 stderr P:flags part", CRI},
		{`{"level":"info","msg":"hello"}`, None},
		{"2016-10-06T00:17:09.669Z INFO hello", None},
		{"2016-10-06T00:17:09.669Z stdout X hello", None},
		{"plain text", None},
	} {
		if got := Detect([]byte(c.line)); got != c.want {
			t.Errorf("Detect(%q) = %v, want %v", c.line, got, c.want)
		}
	}
}

// unwrap runs lines through an Unwrapper and returns the complete lines
// with their times, then what Flush hands on.
func unwrap(kind Kind, lines []string) (out []string, times []time.Time) {
	u := New(kind)
	for _, l := range lines {
		u.Line([]byte(l), func(line []byte, at time.Time) {
			out, times = append(out, string(line)), append(times, at)
		})
	}
	if line, at, ok := u.Flush(); ok {
		out, times = append(out, string(line)+"⏎"), append(times, at)
	}
	return out, times
}

func TestDockerJoinsPartials(t *testing.T) {
	lines := []string{
		`{"log":"2020-03-24 Multiple lines: \n"}`,
		`{"log":"first bullet point\n"}`,
		`{"log":"third "}`,
		`{"log":"bullet "}`,
		`{"log":"point\r\n"}`,
		`{"log":"{\"level\":\"info\",\"msg\":\"a \\\"quoted\\\" word\"}\n","stream":"stdout","time":"2018-09-21T02:56:06.978292233Z"}`,
		`not an envelope`,
		`{"log":"held at the end"}`,
	}
	got, times := unwrap(Docker, lines)
	want := []string{"2020-03-24 Multiple lines: ", "first bullet point", "third bullet point",
		`{"level":"info","msg":"a \"quoted\" word"}`, "not an envelope", "held at the end⏎"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("lines\n%q\nwant\n%q", got, want)
	}
	if !times[3].Equal(time.Date(2018, 9, 21, 2, 56, 6, 978292233, time.UTC)) || !times[0].IsZero() {
		t.Errorf("times %v", times)
	}
}

func TestCRIJoinsPartials(t *testing.T) {
	lines := []string{
		"2024-05-01T10:00:00.000000001Z stdout F 2024-05-01 10:00:00.000  INFO 1 --- [main] c.e.App : Started",
		"2024-05-01T10:00:01.5Z stderr P a long ",
		"2024-05-01T10:00:01.6Z stderr P line in ",
		"2024-05-01T10:00:01.7Z stderr F three parts",
		"2024-05-01T10:00:02Z stdout F",
		"2024-05-01T10:00:03Z stdout P cut off",
		"garbage between",
	}
	got, times := unwrap(CRI, lines)
	want := []string{"2024-05-01 10:00:00.000  INFO 1 --- [main] c.e.App : Started", "a long line in three parts", "", "cut off", "garbage between"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("lines\n%q\nwant\n%q", got, want)
	}
	// A joined line has its first part's time.
	if !times[1].Equal(time.Date(2024, 5, 1, 10, 0, 1, 500_000_000, time.UTC)) {
		t.Errorf("joined line's time %v", times[1])
	}
}

// TestJoinBounded: a runtime that never ends a line cannot hold more than
// MaxJoined.
func TestJoinBounded(t *testing.T) {
	u := New(CRI)
	part := "2024-05-01T10:00:00Z stdout P " + strings.Repeat("x", 1<<20)
	handed := 0
	for range 10 {
		u.Line([]byte(part), func(line []byte, _ time.Time) {
			handed++
			if len(line) > MaxJoined+(1<<20) {
				t.Fatalf("a joined line of %d bytes", len(line))
			}
		})
	}
	if handed == 0 {
		t.Fatal("10 MiB of partial records never handed on")
	}
}

func FuzzUnwrap(f *testing.F) {
	f.Add(`{"log":"a\n","time":"2018-09-21T02:56:06Z"}`, "2024-05-01T10:00:00Z stdout P x")
	f.Add(`{"log":null}`, "2024-05-01T10:00:00Z stdout F")
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, k := range []Kind{Docker, CRI} {
			u := New(k)
			emit := func([]byte, time.Time) {}
			u.Line([]byte(a), emit)
			u.Line([]byte(b), emit)
			u.Flush()
		}
		Detect([]byte(a))
	})
}
