package chart

import (
	"testing"

	"charm.land/lipgloss/v2"
)

func TestStyleOf(t *testing.T) {
	s := StyleOf(lipgloss.NewStyle().Foreground(lipgloss.Color("#ff0000")).Bold(true))
	if s.Prefix == "" || s.Suffix == "" {
		t.Fatalf("StyleOf(red bold) = %q, want a prefix and a suffix", s)
	}
	if got, want := s.Prefix+"x"+s.Suffix, lipgloss.NewStyle().Foreground(lipgloss.Color("#ff0000")).Bold(true).Render("x"); got != want {
		t.Errorf("prefix+x+suffix = %q, want lipgloss' %q", got, want)
	}
	if got := StyleOf(lipgloss.NewStyle()); got != (Style{}) {
		t.Errorf("StyleOf(plain) = %q, want the zero Style", got)
	}
	if got := StyleOf(lipgloss.NewStyle().Padding(0, 1).Foreground(lipgloss.Color("1"))); got != (Style{}) {
		t.Errorf("StyleOf(padded) = %q, want the zero Style", got)
	}
}
