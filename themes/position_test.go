package themes

import "testing"

func TestKeyLines(t *testing.T) {
	src := `# comment = not a key
name = "x" # trailing
description = """
fake = "#fff"
[fake]
"""
literal = '''
'''
"quoted.key" = 1

[pane]
border = "#fff"
  text="#000"
"title" = 'x'
levels.error = 3

[chart]
series = [ # open
  "#111", # one
  [2, 3],
  {inner = 1},
  "#444" ]
mark = { a = 1,
  b = 2 }
date = 1979-05-27 07:32:00Z
after = 1
`
	want := map[string]int{
		"name":              2,
		"description":       3,
		"literal":           7,
		`"quoted.key"`:      9,
		"pane":              11,
		"pane.border":       12,
		"pane.text":         13,
		"pane.title":        14,
		"pane.levels.error": 15,
		"chart":             17,
		"chart.series":      18,
		"chart.series[0]":   19,
		"chart.series[1]":   20,
		"chart.series[2]":   21,
		"chart.series[3]":   22,
		"chart.mark":        23,
		"chart.mark.a":      23,
		"chart.mark.b":      24,
		"chart.date":        25,
		"chart.after":       26,
	}
	lines := keyLines([]byte(src))
	for key, line := range want {
		if got := lines.line(key); got != line {
			t.Errorf("line(%s) = %d, want %d", key, got, line)
		}
	}
	for _, key := range []string{"fake", "fake.x"} {
		if n, ok := lines[key]; ok {
			t.Errorf("%s found on line %d inside a multi-line string", key, n)
		}
	}
	if got := lines.line("chart.series[9]"); got != 18 {
		t.Errorf("an unknown item falls back to its array: got line %d, want 18", got)
	}
	if got := lines.line("nowhere.at.all"); got != 0 {
		t.Errorf("an unknown key has line %d, want 0", got)
	}
}
