package chart

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestYAxis(t *testing.T) {
	tests := []struct {
		lo, hi float64
		height int
		unit   string
		want   []string
	}{
		{0, 100, 1, "%", []string{"  100%"}},
		{0, 100, 2, "%", []string{"  100%", "    0%"}},
		{0, 1000, 4, "/s", []string{"  1k/s", "      ", " 500/s", "   0/s"}},
		{0, 100, 5, "", []string{"   100", "      ", "    50", "      ", "     0"}},
		{-5, 5, 5, "ms", []string{"   5ms", "      ", "    0s", "      ", "  -5ms"}},
	}
	for _, tt := range tests {
		got := YAxis(tt.lo, tt.hi, tt.height, tt.unit)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("YAxis(%v, %v, %d, %q) = %q, want %q", tt.lo, tt.hi, tt.height, tt.unit, got, tt.want)
		}
	}
	if got := YAxis(0, 1, 0, ""); got != nil {
		t.Errorf("YAxis with height 0 = %q, want nil", got)
	}
}

func TestXAxis(t *testing.T) {
	every := func(n int, text string) func(int) string {
		return func(col int) string {
			if col%n == 0 {
				return text
			}
			return ""
		}
	}
	tests := []struct {
		name  string
		width int
		gap   int
		label func(int) string
		want  string
	}{
		{"ticks every 10", 30, 2, every(10, "12:00"), "12:00     12:00     12:00     "},
		{"colliding ticks keep the gap", 20, 2, every(3, "12:00"), "12:00    12:00      "},
		{"a label that would overflow is dropped", 12, 1, every(10, "12:00:05"), "12:00:05    "},
		{"no labels", 5, 1, every(10, ""), "     "},
		{"zero gap is one", 11, 0, every(1, "ab"), "ab ab ab ab"},
	}
	for _, tt := range tests {
		got := XAxis(tt.width, tt.gap, tt.label)
		if got != tt.want {
			t.Errorf("%s: XAxis = %q, want %q", tt.name, got, tt.want)
		}
		if w := ansi.StringWidth(got); w != tt.width {
			t.Errorf("%s: XAxis is %d cells, want %d", tt.name, w, tt.width)
		}
	}
	if got := XAxis(0, 1, every(1, "x")); got != "" {
		t.Errorf("XAxis with width 0 = %q, want empty", got)
	}
}
