package main

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/sobang/sobang/tui/svg"
)

// TestSnapshotFormats draws the check run at an instant in each format and
// size: text lines exactly as wide as asked, ASCII only with --ascii, ANSI
// with colours, and SVG that is well-formed XML and draws as many dots as
// the text has braille dots; each against its golden.
func TestSnapshotFormats(t *testing.T) {
	dir := writeCheckRun(t)
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"160x48", 160, 48}} {
		t.Run(size.name, func(t *testing.T) {
			snap := func(args ...string) string {
				t.Helper()
				out, errs, code := runIn(t, dir, append([]string{"snapshot", "run.jtl", "--utc", "--at", "+10s", "--size", size.name}, args...)...)
				if code != 0 {
					t.Fatalf("snapshot %v: exit %d: %s", args, code, errs)
				}
				return out
			}
			text := snap()
			lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
			if !strings.HasSuffix(text, "\n") || len(lines) != size.h {
				t.Fatalf("%d lines, want %d, newline-terminated", len(lines), size.h)
			}
			for i, l := range lines {
				if n := ansi.StringWidth(l); n != size.w || strings.Contains(l, "\x1b") {
					t.Errorf("line %d: %d cells (want %d) or escapes: %q", i+1, n, size.w, l)
				}
			}
			if !strings.Contains(text, "09:00:10 PAUSED +10s") {
				t.Errorf("the cursor is not at +10s:\n%s", text)
			}
			t.Run("text", func(t *testing.T) { golden.RequireEqual(t, text) })

			asc := snap("--ascii")
			for i, l := range strings.Split(strings.TrimSuffix(asc, "\n"), "\n") {
				if len(l) != size.w {
					t.Errorf("ascii line %d: %d bytes, want %d: %q", i+1, len(l), size.w, l)
				}
				for _, r := range l {
					if r >= 0x80 {
						t.Fatalf("ascii line %d holds %q", i+1, r)
					}
				}
			}

			colour := snap("--format", "ansi")
			if !strings.Contains(colour, "\x1b[") || ansi.Strip(colour) != text {
				t.Error("ansi must be the text with its colours")
			}
			t.Run("ansi", func(t *testing.T) { golden.RequireEqual(t, colour) })

			img := snap("--format", "svg")
			dec := xml.NewDecoder(strings.NewReader(img))
			circles := 0
			for {
				tok, err := dec.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("the SVG is not well-formed XML: %v", err)
				}
				if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "circle" {
					circles++
				}
			}
			if want := svg.Dots(text); circles != want || want == 0 {
				t.Errorf("the SVG draws %d dots, the text has %d", circles, want)
			}
			t.Run("svg", func(t *testing.T) { golden.RequireEqual(t, img) })
		})
	}
}

func TestSnapshotUsage(t *testing.T) {
	dir := writeCheckRun(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--size", "big"}, "--size: expected WIDTHxHEIGHT"},
		{[]string{"--size", "40x10"}, "from 80x24"},
		{[]string{"--format", "png"}, "--format: expected text, ansi or svg"},
		{[]string{"--format", "svg", "--ascii"}, "--ascii applies to --format text only"},
		{[]string{"--at", "noon"}, "--at:"},
	} {
		_, errs, code := runIn(t, dir, append([]string{"snapshot", "run.jtl"}, c.args...)...)
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, errs, exitUsage, c.want)
		}
	}
	if _, errs, code := runIn(t, dir, "snapshot"); code != exitUsage || !strings.Contains(errs, "at least one SOURCE") {
		t.Errorf("no source: exit %d %q", code, errs)
	}
}

// TestSnapshotSaver writes S's files: SVG and text named by the cursor's
// time, never over an earlier pair, mode 0600.
func TestSnapshotSaver(t *testing.T) {
	dir := t.TempDir()
	theme, err := loadTheme("dark")
	if err != nil {
		t.Fatal(err)
	}
	save := snapshotSaver(dir, theme)
	at := time.Date(2026, 11, 25, 12, 38, 10, 0, time.UTC)
	frame := "\x1b[1mhello\x1b[m ⣿\nsecond"
	for i, want := range []string{"sobang-20261125-123810", "sobang-20261125-123810-2"} {
		where, err := save(frame, 80, 24, at)
		if err != nil || !strings.HasPrefix(where, want+".svg and .txt in ") {
			t.Fatalf("save %d: %q, %v", i, where, err)
		}
		text, err := os.ReadFile(filepath.Join(dir, want+".txt"))
		if err != nil || string(text) != "hello ⣿\nsecond\n" {
			t.Fatalf("text %q, %v", text, err)
		}
		info, err := os.Stat(filepath.Join(dir, want+".svg"))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("svg: %v, %v", info, err)
		}
	}
	if _, err := snapshotSaver(filepath.Join(dir, "missing"), theme)(frame, 80, 24, at); err == nil {
		t.Fatal("a directory that does not exist must be an error")
	}
}
