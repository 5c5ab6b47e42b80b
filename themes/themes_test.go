package themes

import (
	"errors"
	"image/color"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sobang/sobang/sources"
)

// writeTheme writes a theme file into dir and returns its path.
func writeTheme(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name+".toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// sameColour reports whether two colours are equal, nil included.
func sameColour(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	return ar == br && ag == bg && ab == bb && aa == ba
}

func TestBuiltins(t *testing.T) {
	want := []string{"colorblind", "dark", "high-contrast", "light"}
	if got := Builtins(); !slices.Equal(got, want) {
		t.Fatalf("Builtins() = %v, want %v", got, want)
	}
	if !slices.Contains(Builtins(), Default) {
		t.Fatalf("Default %q is not a built-in", Default)
	}
}

func TestEveryBuiltinLoadsComplete(t *testing.T) {
	for _, name := range Builtins() {
		t.Run(name, func(t *testing.T) {
			th, err := Load(name, "")
			if err != nil {
				t.Fatalf("Load(%q): %v", name, err)
			}
			if th.Name != name || th.Source != "built-in" || th.Description == "" || th.NoColor {
				t.Errorf("Name %q, Source %q, Description %q, NoColor %v", th.Name, th.Source, th.Description, th.NoColor)
			}
			for _, ck := range colourKeys {
				if *ck.field(&th) == nil && !ck.optional {
					t.Errorf("%s is not set", ck.key)
				}
			}
			if len(th.Series) < MinSeries {
				t.Errorf("%d series colours, want at least %d", len(th.Series), MinSeries)
			}
			for i, c := range th.Series {
				if c == nil {
					t.Errorf("series[%d] is nil", i)
				}
			}
		})
	}
}

func TestColorblindUsesOkabeIto(t *testing.T) {
	okabeIto := []string{"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000", "#999999"}
	inPalette := func(c color.Color) bool {
		return slices.ContainsFunc(okabeIto, func(hex string) bool { return sameColour(c, lipgloss.Color(hex)) })
	}
	th, err := Load("colorblind", "")
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]color.Color{
		"levels.error": th.LevelError, "levels.warn": th.LevelWarn, "levels.info": th.LevelInfo,
		"levels.debug": th.LevelDebug, "levels.trace": th.LevelTrace,
		"status.live": th.StatusLive, "status.paused": th.StatusPaused, "status.load_ended": th.StatusLoadEnded,
		"status.down": th.StatusDown, "status.warn": th.StatusWarn,
	}
	for i, c := range th.Series {
		checks["series"+string(rune('0'+i))] = c
	}
	for key, c := range checks {
		if !inPalette(c) {
			t.Errorf("%s = %v, not an Okabe-Ito colour", key, c)
		}
	}
	// Built on dark: what it does not set comes from there.
	dark, _ := Load("dark", "")
	if !sameColour(th.Border, dark.Border) || !sameColour(th.Cursor, dark.Cursor) {
		t.Errorf("colorblind does not inherit dark's border and cursor")
	}
}

func TestPlain(t *testing.T) {
	p := Plain()
	if !p.NoColor || p.Name == "" || p.Description == "" {
		t.Fatalf("Plain() = %+v", p)
	}
	for _, ck := range colourKeys {
		if c := *ck.field(&p); c != nil {
			t.Errorf("Plain %s = %v, want nil", ck.key, c)
		}
	}
	if len(p.Series) < MinSeries {
		t.Errorf("Plain has %d series entries, want at least %d so indexing is safe", len(p.Series), MinSeries)
	}
	for i := range 20 {
		if p.SeriesColor(i) != nil {
			t.Fatalf("Plain SeriesColor(%d) is not nil", i)
		}
	}
}

func TestSeriesColorCycles(t *testing.T) {
	th, err := Load("dark", "")
	if err != nil {
		t.Fatal(err)
	}
	n := len(th.Series)
	for _, tc := range []struct{ i, want int }{{0, 0}, {n - 1, n - 1}, {n, 0}, {n + 2, 2}, {-1, n - 1}} {
		if got := th.SeriesColor(tc.i); !sameColour(got, th.Series[tc.want]) {
			t.Errorf("SeriesColor(%d) = %v, want Series[%d] = %v", tc.i, got, tc.want, th.Series[tc.want])
		}
	}
	if (Theme{}).SeriesColor(3) != nil {
		t.Error("SeriesColor on an empty palette is not nil")
	}
}

func TestUserThemeReplacesBuiltin(t *testing.T) {
	dir := t.TempDir()
	p := writeTheme(t, dir, "dark", `inherit = "dark"  # the built-in beneath
description = "My dark."
[levels]
error = "#ff0000"
`)
	builtin, err := Load("dark", "")
	if err != nil {
		t.Fatal(err)
	}
	th, err := Load("dark", dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if th.Source != p || th.Description != "My dark." {
		t.Errorf("Source %q Description %q, want %q and the user's", th.Source, th.Description, p)
	}
	if !sameColour(th.LevelError, lipgloss.Color("#ff0000")) {
		t.Errorf("LevelError = %v, want the user's #ff0000", th.LevelError)
	}
	if !sameColour(th.LevelWarn, builtin.LevelWarn) || len(th.Series) != len(builtin.Series) {
		t.Errorf("keys the user did not set differ from the built-in")
	}
	// Built-ins that build on dark keep the built-in dark.
	cb, err := Load("colorblind", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !sameColour(cb.Border, builtin.Border) {
		t.Errorf("colorblind took its border from the user's dark")
	}
	// A complete theme without inherit replaces it as well.
	writeTheme(t, dir, "light", completeTheme("light", "#010203"))
	lt, err := Load("light", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !sameColour(lt.Border, lipgloss.Color("#010203")) {
		t.Errorf("user light not used: Border = %v", lt.Border)
	}
}

// completeTheme is a theme file setting every key, each colour to c.
func completeTheme(name, c string) string {
	var b strings.Builder
	b.WriteString("name = \"" + name + "\"\n")
	table := ""
	for _, ck := range colourKeys {
		tbl, leaf, _ := strings.Cut(ck.key, ".")
		if tbl != table {
			b.WriteString("[" + tbl + "]\n")
			table = tbl
		}
		b.WriteString(leaf + " = \"" + c + "\"\n")
		if ck.key == "chart.cursor" {
			b.WriteString("series = [1, 2, 3, 4, 5, 6]\n")
		}
	}
	return b.String()
}

func TestInherit(t *testing.T) {
	dir := t.TempDir()
	writeTheme(t, dir, "mine", `inherit = "light"
[chart]
series = ["#111", "#222", "#333", "#444", "#555", "#666"]
`)
	writeTheme(t, dir, "child", `inherit = "mine"
description = "Child of mine."
[pane]
background = "default"
border = 33
`)
	light, err := Load("light", "")
	if err != nil {
		t.Fatal(err)
	}
	mine, err := Load("mine", dir)
	if err != nil {
		t.Fatal(err)
	}
	if mine.Description != "Based on light." {
		t.Errorf("Description = %q", mine.Description)
	}
	if len(mine.Series) != 6 || !sameColour(mine.Series[0], lipgloss.Color("#111111")) {
		t.Errorf("Series = %v, want the file's six", mine.Series)
	}
	if !sameColour(mine.Text, light.Text) || !sameColour(mine.StatusDown, light.StatusDown) {
		t.Error("keys not set did not come from light")
	}
	child, err := Load("child", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !sameColour(child.Border, lipgloss.Color("33")) || child.Background != nil {
		t.Errorf("Border %v Background %v, want ANSI 33 and nil", child.Border, child.Background)
	}
	if !sameColour(child.Series[5], lipgloss.Color("#666")) || !sameColour(child.Muted, light.Muted) {
		t.Error("child did not inherit through mine to light")
	}
	mine.Series[0] = nil // themes do not share palettes
	if again, _ := Load("mine", dir); again.Series[0] == nil {
		t.Error("a loaded theme shares its palette")
	}
}

func TestColourSyntax(t *testing.T) {
	tests := []struct {
		value string // as written in TOML
		want  color.Color
	}{
		{`"#aabbcc"`, lipgloss.Color("#aabbcc")},
		{`"#AABBCC"`, lipgloss.Color("#aabbcc")},
		{`"#abc"`, lipgloss.Color("#aabbcc")},
		{`"0"`, lipgloss.Color("0")},
		{`"9"`, lipgloss.Color("9")},
		{`"196"`, lipgloss.Color("196")},
		{`255`, lipgloss.Color("255")},
		{`7`, lipgloss.Color("7")},
		{`"default"`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			dir := t.TempDir()
			writeTheme(t, dir, "mine", "inherit = \"dark\"\n[levels]\nerror = "+tc.value+"\n")
			th, err := Load("mine", dir)
			if err != nil {
				t.Fatal(err)
			}
			if !sameColour(th.LevelError, tc.want) {
				t.Errorf("LevelError = %#v, want %#v", th.LevelError, tc.want)
			}
		})
	}
}

func TestFileErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // each must be in the error, "FILE" standing for the path
	}{
		{
			name: "unknown key",
			text: "inherit = \"dark\"\n\n[pane]\nborder = \"#fff\"\nbordr = \"#fff\"\n",
			want: []string{`FILE:5: unknown key "pane.bordr" (did you mean "pane.border"?)`},
		},
		{
			name: "unknown top-level key",
			text: "inherit = \"dark\"\ncolour = 3\n",
			want: []string{`FILE:2: unknown key "colour"`},
		},
		{
			name: "key in the wrong case",
			text: "inherit = \"dark\"\n[levels]\nERROR = \"#fff\"\n",
			want: []string{`FILE:3: unknown key "levels.ERROR" (did you mean "levels.error"?)`},
		},
		{
			name: "unknown table reported once",
			text: "inherit = \"dark\"\n[panes]\nborder = \"#fff\"\ntitle = \"#fff\"\n",
			want: []string{`FILE:2: unknown key "panes"`},
		},
		{
			name: "unknown key in an inline table",
			text: "inherit = \"dark\"\nlevels = { error = \"#fff\",\n  warning = \"#fff\" }\n",
			want: []string{`FILE:3: unknown key "levels.warning"`},
		},
		{
			name: "bad hex colour",
			text: "inherit = \"dark\"\n[levels]\nwarn = \"#123\"\n\nerror = \"#12345g\"\n",
			want: []string{`FILE:5: levels.error: expected #rrggbb, #rgb or an ANSI number 0-255, found "#12345g"`},
		},
		{
			name: "ANSI number out of range",
			text: "inherit = \"dark\"\n[status]\nbg = 256\n",
			want: []string{`FILE:3: status.bg: expected #rrggbb, #rgb or an ANSI number 0-255, found 256`},
		},
		{
			name: "colour name",
			text: "inherit = \"dark\"\n[chart]\ncursor = \"red\"\n",
			want: []string{`FILE:3: chart.cursor: expected #rrggbb, #rgb or an ANSI number 0-255, found "red"`},
		},
		{
			name: "wrong type",
			text: "inherit = \"dark\"\n[chart]\ncursor = true\n",
			want: []string{`FILE:3: chart.cursor: expected #rrggbb, #rgb or an ANSI number 0-255, found a boolean`},
		},
		{
			name: "bad series colour on its own line",
			text: "inherit = \"dark\"\n[chart]\nseries = [\n  \"#111\",\n  \"#222\",\n  \"default\",\n  \"#444\", \"#555\", \"#666\",\n]\n",
			want: []string{`FILE:6: chart.series[2]: expected #rrggbb, #rgb or an ANSI number 0-255, found "default"`},
		},
		{
			name: "short series",
			text: "inherit = \"dark\"\n[chart]\nseries = [\"#111\", \"#222\"]\n",
			want: []string{`FILE:3: chart.series: expected at least 6 colours, found 2`},
		},
		{
			name: "table that is not a table",
			text: "inherit = \"dark\"\npane = 5\n",
			want: []string{`FILE:2: pane: expected a table ([pane]), found an integer`},
		},
		{
			name: "several problems, in line order",
			text: "inherit = \"dark\"\n[levels]\nerror = \"#12\"\nwarm = \"#fff\"\n",
			want: []string{"FILE:3: levels.error: expected #rrggbb, #rgb or an ANSI number 0-255, found \"#12\"", "\nFILE:4: unknown key \"levels.warm\" (did you mean \"levels.warn\"?)"},
		},
		{
			name: "syntax error",
			text: "inherit = \"dark\"\n[levels]\nerror = \"#fff\n",
			want: []string{`FILE:3: bad TOML: `},
		},
		{
			name: "duplicate key",
			text: "inherit = \"dark\"\n[levels]\nerror = \"#fff\"\nerror = \"#000\"\n",
			want: []string{`FILE:4: bad TOML: `},
		},
		{
			name: "missing keys without inherit",
			text: "[levels]\nerror = \"#fff\"\n",
			want: []string{`FILE: missing keys "pane.border", `, `"chart.series": set them, or add inherit = "dark"`},
		},
		{
			name: "unknown inherit",
			text: "# mine\n\ninherit = \"drak\"\n",
			want: []string{`FILE:3: inherit: expected one of colorblind, dark, high-contrast, light, mine, found "drak"`},
		},
		{
			name: "inherit not a string",
			text: "inherit = 1\n",
			want: []string{`FILE:1: inherit: expected a string, found an integer`},
		},
		{
			name: "name differs from the file name",
			text: "name = \"dark\"\ninherit = \"dark\"\n",
			want: []string{`FILE:1: name: expected "mine" (the file name without .toml) or no name key, found "dark"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeTheme(t, dir, "mine", tc.text)
			_, err := Load("mine", dir)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tc.want {
				if w = strings.ReplaceAll(w, "FILE", p); !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
				}
			}
			var fe *sources.LineError
			if !errors.As(err, &fe) || fe.Path != p {
				t.Errorf("error is not a *sources.LineError for %s: %#v", p, err)
			}
		})
	}
}

func TestInheritCycle(t *testing.T) {
	dir := t.TempDir()
	writeTheme(t, dir, "a", "inherit = \"b\"\n")
	pb := writeTheme(t, dir, "b", "\ninherit = \"a\"\n")
	_, err := Load("a", dir)
	if err == nil || !strings.Contains(err.Error(), pb+`:2: inherit "a" makes a cycle`) {
		t.Fatalf("err = %v, want a cycle reported at %s:2", err, pb)
	}
}

func TestLoadUnknownNames(t *testing.T) {
	dir := t.TempDir()
	writeTheme(t, dir, "mine", "inherit = \"dark\"\n")
	tests := []struct{ name, want string }{
		{"nope", `theme: expected one of colorblind, dark, high-contrast, light, mine, found "nope"`},
		{"", `theme: expected one of colorblind, dark, high-contrast, light, found ""`},
		{"../dark", "not a path"},
		{".hidden", "not a path"},
	}
	for _, tc := range tests {
		if _, err := Load(tc.name, dir); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%q) error = %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

func TestList(t *testing.T) {
	dir := t.TempDir()
	mine := writeTheme(t, dir, "mine", "inherit = \"dark\"\ndescription = \"Mine.\"\n")
	dark := writeTheme(t, dir, "dark", "inherit = \"dark\"\n")
	broken := writeTheme(t, dir, "broken", "inherit = \"dark\"\nbordr = 1\n")
	writeTheme(t, dir, ".swap", "junk")
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}

	infos, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	byName := map[string]Info{}
	for _, info := range infos {
		names = append(names, info.Name)
		byName[info.Name] = info
	}
	if want := []string{"broken", "colorblind", "dark", "high-contrast", "light", "mine"}; !slices.Equal(names, want) {
		t.Fatalf("names = %v, want %v", names, want)
	}
	if i := byName["mine"]; i.Source != mine || i.Description != "Mine." || i.Err != nil || i.ReplacesBuiltin || i.Theme.Name != "mine" {
		t.Errorf("mine = %+v", i)
	}
	if i := byName["dark"]; i.Source != dark || !i.ReplacesBuiltin || i.Err != nil {
		t.Errorf("dark = %+v", i)
	}
	if i := byName["light"]; i.Source != "built-in" || i.Description == "" || i.Err != nil {
		t.Errorf("light = %+v", i)
	}
	if i := byName["broken"]; i.Source != broken || i.Err == nil || !strings.Contains(i.Err.Error(), broken+":2:") {
		t.Errorf("broken = %+v", i)
	}

	// No user directory at all is normal.
	infos, err = List(filepath.Join(dir, "absent"))
	if err != nil || len(infos) != len(Builtins()) {
		t.Errorf("List(absent) = %d themes, %v; want the %d built-ins", len(infos), err, len(Builtins()))
	}
}

func TestPreview(t *testing.T) {
	themes := []Theme{Plain()}
	for _, name := range Builtins() {
		th, err := Load(name, "")
		if err != nil {
			t.Fatal(err)
		}
		themes = append(themes, th)
	}
	for _, th := range themes {
		t.Run(th.Name, func(t *testing.T) {
			got := Preview(th)
			plain := ansi.Strip(got)
			for _, word := range []string{"ERROR", "WARN", "INFO", "DEBUG", "TRACE", "LIVE", "PAUSED", "DOWN", "━━"} {
				if !strings.Contains(plain, word) {
					t.Errorf("preview %q lacks %q", plain, word)
				}
			}
			if strings.Contains(got, "\n") {
				t.Errorf("preview is not one line: %q", got)
			}
			if w := ansi.StringWidth(got); w > 100 {
				t.Errorf("preview is %d cells wide", w)
			}
			hasColour := strings.Contains(got, "38;") || strings.Contains(got, "48;")
			if th.NoColor == hasColour {
				t.Errorf("NoColor %v but colour sequences present %v: %q", th.NoColor, hasColour, got)
			}
			if th.NoColor && !strings.Contains(got, "\x1b[") {
				t.Errorf("plain preview has no attributes: %q", got)
			}
		})
	}
}

func TestNoColorRequested(t *testing.T) {
	for _, tc := range []struct {
		value string
		set   bool
		want  bool
	}{{"", false, false}, {"", true, false}, {"1", true, true}, {"0", true, true}} {
		t.Setenv("NO_COLOR", tc.value) // restores the variable afterwards
		if !tc.set {
			os.Unsetenv("NO_COLOR")
		}
		if got := NoColorRequested(); got != tc.want {
			t.Errorf("NO_COLOR=%q (set %v): NoColorRequested() = %v, want %v", tc.value, tc.set, got, tc.want)
		}
	}
}

func TestUserDir(t *testing.T) {
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "plan9":
		t.Skip("XDG_CONFIG_HOME is only used on other Unix systems")
	}
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	if got, want := UserDir(), filepath.Join(dir, "sobang", "themes"); got != want {
		t.Errorf("UserDir() = %q, want %q", got, want)
	}
}

func TestREADMEDocumentsEveryKey(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{keyName, keyDescription, keyInherit, keySeries}
	for _, ck := range colourKeys {
		keys = append(keys, ck.key)
	}
	for _, k := range keys {
		if !strings.Contains(string(readme), "`"+k+"`") {
			t.Errorf("README.md does not document `%s`", k)
		}
	}
}
