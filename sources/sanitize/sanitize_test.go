package sanitize

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sobang/sobang/sources/internal/corpus"
)

func TestLineRules(t *testing.T) {
	tests := []struct {
		name, in, want string
		removed        int
	}{
		{"plain ascii", "hello world", "hello world", 0},
		{"empty", "", "", 0},
		{"sgr dropped", "\x1b[31mred\x1b[0m text", "red text", 2},
		{"sgr with colon params", "\x1b[38:2:1:2:3mx", "x", 1},
		{"csi cursor movement", "a\x1b[230Cb\x1b[Ac", "abc", 2},
		{"csi private mode", "\x1b[?1049h\x1b[?25lscreen", "screen", 2},
		{"csi device query", "\x1b[6n\x1b[>0q\x1b[cquery", "query", 3},
		{"csi with intermediate", "\x1b[0 qcursor style", "cursor style", 1},
		{"csi broken by control", "\x1b[31\x07x", "␇x", 1},
		{"csi at end of line", "end\x1b[31", "end", 1},
		{"osc title bel", "\x1b]0;evil title\x07after", "after", 1},
		{"osc clipboard st", "\x1b]52;c;ZWNobyBwd25lZA==\x1b\\after", "after", 1},
		{"osc hyperlink", "\x1b]8;;http://x.example/\x1b\\link\x1b]8;;\x1b\\", "link", 2},
		{"osc unterminated runs to end of line", "\x1b]52;c;AAAA and the rest", "", 1},
		{"osc ended by C1 ST", "\x1b]2;t\u009cafter", "after", 1},
		{"osc cancelled by new escape", "\x1b]2;t\x1b[31mx", "x", 2},
		{"dcs decrqss", "\x1bP$qm\x1b\\ok", "ok", 1},
		{"apc kitty graphics", "\x1b_Gf=100;AAAA\x1b\\img", "img", 1},
		{"pm and sos", "\x1b^pm\x1b\\\x1bXsos\x1b\\z", "z", 2},
		{"two-byte forms", "\x1bc\x1b7\x1b8\x1bMx", "x", 4},
		{"nF charset switch", "\x1b(0lqk\x1b(B", "lqk", 2},
		{"lone esc at end", "x\x1b", "x␛", 0},
		{"esc before control", "\x1b\x01", "␛␁", 0},
		{"c0 pictures", "a\x00b\x07c\x08d\re", "a␀b␇c␈d␍e", 0},
		{"all c0", "\x01\x02\x1f", "␁␂␟", 0},
		{"del", "a\x7fb", "a␡b", 0},
		{"c1 as utf-8", "x\u009b31my\u0085z", "x<U+009B>31my<U+0085>z", 0},
		{"raw c1 byte is invalid utf-8", "x\x9by", "x\uFFFDy", 0},
		{"invalid utf-8", "a\xff\xfeb\xc3", "a\uFFFD\uFFFDb\uFFFD", 0},
		{"overlong", "\xc0\xaf", "\uFFFD\uFFFD", 0},
		{"surrogate", "\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD", 0},
		{"real U+FFFD kept", "\uFFFD", "\uFFFD", 0},
		{"bidi override", "user\u202Eexe.txt", "user⟨RLO⟩exe.txt", 0},
		{"bidi isolates", "\u2066a\u2069\u200e\u061c", "⟨LRI⟩a⟨PDI⟩⟨LRM⟩⟨ALM⟩", 0},
		{"zero width", "a\u200bb\u200dc\ufeffd\u2060e", "a⟨ZWSP⟩b⟨ZWJ⟩c⟨BOM⟩d⟨WJ⟩e", 0},
		{"line separator", "a\u2028b", "a⟨LS⟩b", 0},
		{"unicode kept", "µs 日本 ✓", "µs 日本 ✓", 0},
		{"tab at start", "\tx", "        x", 0},
		{"tab stops", "ab\tc\td", "ab      c       d", 0},
		{"tab after 8", "12345678\tx", "12345678        x", 0},
		{"tab after wide", "日本\tx", "日本    x", 0},
		{"tab after picture", "\x00\tx", "␀       x", 0},
		{"tab after marker then wide", "\x00\u202e日\tx", "␀⟨RLO⟩日        x", 0},
		{"tab after wide then marker", "日\x00\t\x01日\tx", "日␀     ␁日     x", 0},
		{"tab after removed escape", "\x1b[1mab\x1b[0m\tx", "ab      x", 2},
		{"tabs in json whitespace", "{\t\"a\":1}", "{       \"a\":1}", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, removed := Line(nil, []byte(tt.in), 0)
			if string(got) != tt.want || removed != tt.removed {
				t.Errorf("Line(%q) = %q, %d removed; want %q, %d", tt.in, got, removed, tt.want, tt.removed)
			}
			s, _ := String([]byte(tt.in))
			if s != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, s, tt.want)
			}
			if !Safe(s) {
				t.Errorf("String(%q) = %q is not Safe", tt.in, s)
			}
		})
	}
}

func TestLineAppends(t *testing.T) {
	dst := []byte("prefix|")
	got, _ := Line(dst, []byte("\tx\x1b[1m"), 4)
	// Tab stops count from the start of the appended text, not of dst.
	if string(got) != "prefix|    x" {
		t.Errorf("got %q", got)
	}
}

func TestLineCap(t *testing.T) {
	long := bytes.Repeat([]byte("a"), MaxBytes+100)
	got, _ := Line(nil, long, 0)
	if len(got) != MaxBytes+len(CutMark) || !strings.HasSuffix(string(got), CutMark) {
		t.Errorf("ascii line of %d bytes: got %d bytes ending %q", len(long), len(got), got[len(got)-10:])
	}
	exact := bytes.Repeat([]byte("b"), MaxBytes)
	if got, _ := Line(nil, exact, 0); !bytes.Equal(got, exact) {
		t.Errorf("a line of exactly MaxBytes must not be cut")
	}
	// A cut never splits a character.
	wide := bytes.Repeat([]byte("日"), MaxBytes/3+10)
	got, _ = Line(nil, wide, 0)
	if !utf8.Valid(got) || !strings.HasSuffix(string(got), CutMark) || len(got) > MaxBytes+len(CutMark) {
		t.Errorf("wide line: %d bytes, valid %v", len(got), utf8.Valid(got))
	}
	// Tabs count towards the cap.
	tabs := bytes.Repeat([]byte("\t"), MaxBytes)
	got, _ = Line(nil, tabs, 0)
	if len(got) > MaxBytes+len(CutMark) || !strings.HasSuffix(string(got), CutMark) {
		t.Errorf("tab line: %d bytes", len(got))
	}
}

func TestPrintable(t *testing.T) {
	for c := 0; c < 256; c++ {
		want := c >= 0x20 && c < 0x7f
		for _, pos := range []int{0, 3, 7, 8, 13, 15} {
			b := bytes.Repeat([]byte("x"), 16)
			b[pos] = byte(c)
			if got := Printable(b); got != want {
				t.Fatalf("Printable with byte %#x at %d = %v, want %v", c, pos, got, want)
			}
		}
	}
}

func TestWidth(t *testing.T) {
	for in, want := range map[string]int{"": 0, "abc": 3, "日本": 4, "a⟨RLO⟩": 6, "e\u0301": 1, "👍": 2} {
		if got := Width([]byte(in)); got != want {
			t.Errorf("Width(%q) = %d, want %d", in, got, want)
		}
	}
}

// checkSafe fails when out could do anything to a terminal but print.
func checkSafe(t testing.TB, in, out []byte) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatalf("invalid UTF-8 out of %q: %q", in, out)
	}
	for _, c := range out {
		if c < 0x20 || c == 0x7f {
			t.Fatalf("control byte %#x out of %q: %q", c, in, out)
		}
	}
	if !Safe(string(out)) {
		t.Fatalf("unsafe output out of %q: %q", in, out)
	}
	if len(out) > MaxBytes+len(CutMark) {
		t.Fatalf("output of %d bytes exceeds the cap", len(out))
	}
}

func TestHostileCorpus(t *testing.T) {
	dir := filepath.Join(corpus.Dir(t, "logs"), "hostile")
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no files in %s: %v", dir, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var buf []byte
			removed := 0
			for line := range bytes.SplitSeq(data, []byte("\n")) {
				line = bytes.TrimSuffix(line, []byte("\r"))
				var n int
				buf, n = Line(buf[:0], line, 0)
				removed += n
				checkSafe(t, line, buf)
			}
			t.Logf("%d escape sequences removed", removed)
		})
	}
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{"", "abc", "\x1b[31mx", "\x1b]52;c;AA\x07", "\t日\tx", "\xff\u202e\u009b", "\x1bP\x1b\\"} {
		f.Add([]byte(s))
	}
	if dir, err := corpus.Find("logs"); err == nil {
		seedFromCorpus(f, filepath.Join(dir, "hostile"))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, _ := Line(nil, in, 0)
		checkSafe(t, in, out)
		// Sanitising is idempotent: safe text passes unchanged.
		again, removed := Line(nil, out, 0)
		if !bytes.Equal(again, out) || removed != 0 {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, out, again)
		}
	})
}

// seedFromCorpus adds up to 200 lines of each file in dir.
func seedFromCorpus(f *testing.F, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, name := range files {
		fh, err := os.Open(name)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for n := 0; n < 200 && sc.Scan(); n++ {
			f.Add(append([]byte(nil), sc.Bytes()...))
		}
		fh.Close()
	}
}

// BenchmarkSanitizeASCII measures the fast path, a printable ASCII line of a
// Spring Boot log. It must hold at least 10 M lines/s (under 100 ns/line):
// sanitising is a small part of the 300k lines/s ingest budget.
func BenchmarkSanitizeASCII(b *testing.B) {
	line := []byte("2023-10-18T20:10:11.938-04:00 DEBUG 498248 --- [ForkJoinPool.commonPool-worker-15] c.f.m.api.FafApiCommunicationService     : Sending API request: /data/featuredMod?page[size]=10000&page[number]=1")
	var buf []byte
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = Line(buf[:0], line, 0)
	}
}

// BenchmarkSanitizeHostile measures the slow path on lines full of escape
// sequences, C0/C1 controls, bidi controls and bad UTF-8. It must hold at
// least 1 M lines/s of ~200 bytes (under 1 µs/line), so a log that is all
// colour codes still ingests at 300k lines/s.
func BenchmarkSanitizeHostile(b *testing.B) {
	line := []byte("\x1b[0m\x1b[32mSep 19 \x1b[0m\x1b[1m\x1b[33m09:24:04\x1b[0m\x1b[31m host \x1b[0m\tagent[17600]: \x1b]8;;http://x/\x1b\\link\x1b]8;;\x1b\\ \xff\xfe bad \u202e bidi \u009b c1 \x07\x08 ctl 日本語\ttab end")
	var buf []byte
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = Line(buf[:0], line, 0)
	}
}
