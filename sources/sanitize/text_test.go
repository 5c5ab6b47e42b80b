package sanitize

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"GET account", "GET account"},
		{"", ""},
		{"\x1b]2;PWNED\x07GET", "GET"},
		{"\x1b]52;c;ZWNobyBwd25lZA==\x07copy", "copy"},
		{"\x1b[2J\x1b[6nclear", "clear"},
		{"\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"a\nb\rc\td", "a␊b␍c   d"},
		{"\u202eevil\u200b", "⟨RLO⟩evil⟨ZWSP⟩"},
		{"\u009b6n", "<U+009B>6n"},
		{"계좌 조회", "계좌 조회"},
		{"bad \xff", "bad \uFFFD"},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want || !Safe(got) {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// The common case is the value itself, not a copy.
	in := strings.Repeat("x", 100)
	if got := Text(in); got != in {
		t.Fatal("printable text changed")
	}
	if n := testing.AllocsPerRun(100, func() { Text(in) }); n != 0 {
		t.Errorf("Text of printable ASCII allocates %v times", n)
	}
}

func TestMaskPasswords(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://host:9100/metrics", "http://host:9100/metrics"},
		{"http://user:secret@host:9100/metrics", "http://user:***@host:9100/metrics"},
		{"https://user:secret@host", "https://user:***@host"},
		{"http://user@host/", "http://user@host/"},
		{"http://user:@host/", "http://user:@host/"},
		{"http://user:***@host/", "http://user:***@host/"},
		{"http://host/path?to=a@b:c", "http://host/path?to=a@b:c"},
		{"mailto:a:b@c", "mailto:a:b@c"},
		{"http://a:p%40ss@host/", "http://a:***@host/"},
		{"http://a:b@c@host/", "http://a:***@host/"},
		{`scrape "http://u:p@h/metrics": 401 and http://v:q@g/`, `scrape "http://u:***@h/metrics": 401 and http://v:***@g/`},
		{"user@example.com", "user@example.com"},
		{"http://u:p@h", "http://u:***@h"},
	}
	for _, tt := range tests {
		if got := MaskPasswords(tt.in); got != tt.want {
			t.Errorf("MaskPasswords(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := MaskPasswords(MaskPasswords(tt.in)); got != tt.want {
			t.Errorf("MaskPasswords twice (%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValue(t *testing.T) {
	if got, want := Value("http://u:p@h/\x1b]2;x\x07m"), "http://u:***@h/m"; got != want {
		t.Errorf("Value = %q, want %q", got, want)
	}
	if got, want := Value("/tmp/run\x1b[2J\n.jtl"), "/tmp/run␊.jtl"; got != want {
		t.Errorf("Value = %q, want %q", got, want)
	}
}
