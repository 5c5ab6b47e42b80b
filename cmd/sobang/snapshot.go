package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"github.com/sobang/sobang/cmd/sobang/internal/timespec"
	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/themes"
	"github.com/sobang/sobang/tui"
	"github.com/sobang/sobang/tui/svg"
)

// Snapshot sizes: the default, and the smallest the dashboard draws in.
const (
	snapshotW, snapshotH = 160, 48
)

func newSnapshotCmd() *cobra.Command {
	var sf sourceFlags
	var at, window, size, format, themeName string
	var ascii bool
	var apdex apdexFlag
	cmd := &cobra.Command{
		Use:   "snapshot [SOURCE...|FILE.sobang] [--at TIME] [--window START..END] [--size 160x48] [--format text|ansi|svg]",
		Short: "Print one frame of the dashboard at an instant, for a ticket or a postmortem",
		Long: `snapshot reads every source to its end, as report does, and prints to stdout
the frame the dashboard would show with its cursor at --at (the data's last
second when not given) and --window selected: every pane linked at that
instant.

--format text writes the frame as plain text, each line exactly as wide as
--size says (wide characters count two cells) and ending with a newline;
--ascii keeps it to ASCII (braille dots become '#' and '.', lines '-', '|',
'+'). ansi writes the same with its colours, for a terminal. svg writes a
self-contained image that draws the braille dots and box lines itself, so it
looks the same in a browser or a wiki whatever its fonts.`,
		Example: `  # The second the error rate jumped, as text for a ticket
  sobang snapshot results.jtl app.log --at 14:03:27 > incident.txt

  # The same as an image, from a recording
  sobang snapshot run.sobang --at +5m12s --format svg > incident.svg`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "ansi" && format != "svg" {
				return usageErr("%s", sources.Expected("--format", "text, ansi or svg", format))
			}
			if ascii && format != "text" {
				return usageErr("--ascii applies to --format text only")
			}
			w, h, err := parseSize(size)
			if err != nil {
				return err
			}
			var inst timespec.Instant
			if at != "" {
				if inst, err = timespec.ParseInstant(at); err != nil {
					return usageErr("--at: %v", err)
				}
			}
			theme, err := loadTheme(themeName)
			if err != nil {
				return err
			}
			sf.headless = true
			specs, err := sf.specs(args)
			if err != nil {
				return err
			}
			if len(specs) == 0 {
				return usageErr("snapshot needs at least one SOURCE (a JTL, a log, a recording)")
			}
			st, srcs, errs, err := readExact(&sf, specs, 0, window, 0, apdex.apply)
			if err != nil {
				return err
			}
			if warnRead(st, srcs, errs, false) == 0 {
				return usageErr("no input could be read")
			}
			first, last, ok := st.DataRange()
			if !ok {
				return usageErr("no source holds data: nothing to draw")
			}
			zone := sf.displayZone()
			cursor := last
			if at != "" {
				cursor = inst.Resolve(timespec.Ref{DataStartMS: first, Display: zone})
				if cursor < first || cursor > last {
					printWarning("--at %s is outside the data (%s to %s)", at,
						time.UnixMilli(first).In(zone).Format(time.RFC3339), time.UnixMilli(last).In(zone).Format(time.RFC3339))
				}
			}
			from, to, err := resolveWindow(window, first, zone, 0)
			if err != nil {
				return err
			}
			if window != "" && to == 0 {
				to = last + 1
			}
			if window != "" && from == 0 {
				from = first
			}
			// The clock stands just after the data, so the frame is the
			// same whenever it is drawn.
			now := sources.NewManualClock(time.UnixMilli(last + 1000))
			frame := tui.Snapshot(tui.Options{Store: st, Theme: theme, Zone: zone, Clock: now, NoMouse: true}, w, h, cursor, from, to)
			out := cmd.OutOrStdout()
			switch format {
			case "svg":
				_, err = out.Write(svg.Render(frame, w, h, svg.Options{Foreground: theme.Text, Background: theme.Background}))
			case "ansi":
				_, err = fmt.Fprint(out, strings.ReplaceAll(frame, "\n", "\x1b[m\n")+"\x1b[m\n")
			default:
				_, err = fmt.Fprint(out, frameText(frame, ascii))
			}
			if err != nil {
				return &exitError{exitFailure, err}
			}
			return nil
		},
	}
	sf.register(cmd.Flags())
	cmd.Flags().StringVar(&at, "at", "", "the cursor's instant (see 'sobang --help' for TIME); the data's last second by default")
	cmd.Flags().StringVar(&window, "window", "", "select START..END, as v does in the dashboard")
	cmd.Flags().StringVar(&size, "size", fmt.Sprintf("%dx%d", snapshotW, snapshotH), "the frame's size in terminal cells, WIDTHxHEIGHT")
	cmd.Flags().StringVar(&format, "format", "text", "text, ansi or svg")
	cmd.Flags().BoolVar(&ascii, "ascii", false, "text in ASCII only")
	cmd.Flags().StringVar(&themeName, "theme", "dark", "colour theme of ansi and svg (see 'sobang themes')")
	cmd.Flags().Var(&apdex, "apdex", "APDEX thresholds SATISFIED:TOLERATED (default 500ms:1500ms, as JMeter's)")
	return cmd
}

// frameText is a frame as plain text, every line newline-terminated, in
// ASCII when ascii.
func frameText(frame string, ascii bool) string {
	var b strings.Builder
	for _, line := range strings.Split(frame, "\n") {
		line = ansi.Strip(line)
		if ascii {
			line = toASCII(line)
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// snapshotSaver is the dashboard's S: it writes the frame as SVG and text
// into dir, named by the cursor's time (sobang-20261125-123810.svg and
// .txt, -2, -3 ... when taken), never over a file, readable by the user
// only (a frame shows log lines), and says where.
func snapshotSaver(dir string, theme themes.Theme) func(frame string, w, h int, at time.Time) (string, error) {
	return func(frame string, w, h int, at time.Time) (string, error) {
		base := "sobang-" + at.Format("20060102-150405")
		img := svg.Render(frame, w, h, svg.Options{Foreground: theme.Text, Background: theme.Background})
		text := frameText(frame, false)
		for n := 1; n < 100; n++ {
			name := base
			if n > 1 {
				name += "-" + strconv.Itoa(n)
			}
			svgPath := filepath.Join(dir, name+".svg")
			err := writeNew(svgPath, img)
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			if err != nil {
				return "", err
			}
			if err := writeNew(filepath.Join(dir, name+".txt"), []byte(text)); err != nil {
				return "", err
			}
			abs, _ := filepath.Abs(dir)
			return name + ".svg and .txt in " + abs, nil
		}
		return "", fmt.Errorf("%s: 99 snapshots of this second already", filepath.Join(dir, base))
	}
}

// writeNew writes a file that must not exist yet, mode 0600.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// parseSize parses WIDTHxHEIGHT, at least the dashboard's smallest size.
func parseSize(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "x")
	w, errW := strconv.Atoi(a)
	h, errH := strconv.Atoi(b)
	if !ok || errW != nil || errH != nil {
		return 0, 0, usageErr("%s", sources.Expected("--size", "WIDTHxHEIGHT such as 160x48", s))
	}
	if w < tui.MinWidth || h < tui.MinHeight || w > 1000 || h > 1000 {
		return 0, 0, usageErr("--size %s: from %dx%d to 1000x1000", s, tui.MinWidth, tui.MinHeight)
	}
	return w, h, nil
}

// toASCII replaces what is not ASCII in a line of text by its nearest
// ASCII look-alike, one cell for one cell: a wide character becomes two.
func toASCII(line string) string {
	var b strings.Builder
	for _, r := range line {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r == 0x2800:
			b.WriteByte(' ')
		case r > 0x2800 && r <= 0x28ff:
			if svg.Dots(string(r)) >= 4 {
				b.WriteByte('#')
			} else {
				b.WriteByte('.')
			}
		case strings.ContainsRune("─━═", r):
			b.WriteByte('-')
		case strings.ContainsRune("│┃║", r):
			b.WriteByte('|')
		case strings.ContainsRune("╭╮╰╯┏┓┗┛┌┐└┘├┤┬┴┼", r):
			b.WriteByte('+')
		case r >= 0x2581 && r <= 0x2588:
			b.WriteString(string("_.-=*%##"[r-0x2581]))
		default:
			b.WriteString(asciiOf(r))
		}
	}
	return b.String()
}

// asciiOf is the ASCII look-alike of a symbol the dashboard draws, "?" (or
// "??" for a wide character) for anything else.
func asciiOf(r rune) string {
	if s, ok := asciiSymbols[r]; ok {
		return s
	}
	if ansi.StringWidth(string(r)) == 2 {
		return "??"
	}
	return "?"
}

var asciiSymbols = map[rune]string{
	'…': ".", '–': "-", '—': "-", '·': ".", '•': "*", '✕': "x", '■': "#", '▲': "^", '▼': "v",
	'›': ">", '▶': ">", '▸': ">", '⊕': "+", '↓': "v", '↑': "^", '→': ">", '←': "<", '⚠': "!",
	'✓': "v", '✗': "x", '“': "\"", '”': "\"", '‘': "'", '’': "'", '×': "x", 'Δ': "D", '±': "~",
	'⋯': ".", '⟨': "<", '⟩': ">", '␊': "/", '␍': "/",
}
