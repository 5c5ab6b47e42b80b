package batch

import "testing"

func TestTrimBOM(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"\xef\xbb\xbfa,b", "a,b"},
		{"\xef\xbb\xbf\xef\xbb\xbfa", "\xef\xbb\xbfa"}, // one mark only
		{"a\xef\xbb\xbf", "a\xef\xbb\xbf"},
		{"\xef\xbb", "\xef\xbb"},
	} {
		if got := string(TrimBOM([]byte(tc.in))); got != tc.want {
			t.Errorf("TrimBOM(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPartialBOM(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"", true},
		{"\xef", true},
		{"\xef\xbb", true},
		{"\xef\xbb\xbf", false}, // a whole mark: look past it
		{"\xefa", false},
		{"t", false},
	} {
		if got := PartialBOM([]byte(tc.in)); got != tc.want {
			t.Errorf("PartialBOM(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
