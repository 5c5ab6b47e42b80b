package batch

import (
	"strconv"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources/internal/cacheslot"
)

// TestInternerCleans checks that an Interner hands values out safe to
// show, as written for the raw one, the same string each time, also past
// its bounds.
func TestInternerCleans(t *testing.T) {
	long := strings.Repeat("x", MaxInternLen) + "\x1b[2J"
	tests := []struct{ in, clean string }{
		{"200", "200"},
		{"\x1b]2;PWNED\x07OK", "OK"},
		{"a\u202eb\nc", "a⟨RLO⟩b␊c"},
		{"http://user:secret@host/x", "http://user:***@host/x"},
		{long, strings.Repeat("x", MaxInternLen)},
		{"", ""},
	}
	clean, raw := NewInterner(), NewRawInterner()
	for round := 0; round < 3; round++ { // miss, cache hit, map hit after the others
		for _, tt := range tests {
			if got := clean.Get([]byte(tt.in)); got != tt.clean {
				t.Errorf("round %d: Get(%q) = %q, want %q", round, tt.in, got, tt.clean)
			}
			if got := raw.Get([]byte(tt.in)); got != tt.in {
				t.Errorf("round %d: raw Get(%q) = %q", round, tt.in, got)
			}
		}
	}
	full := NewInterner()
	for i := range MaxInterned {
		full.Get(strconv.AppendInt([]byte("k"), int64(i), 10))
	}
	if len(full.m) != MaxInterned {
		t.Fatalf("%d values interned, want %d", len(full.m), MaxInterned)
	}
	if got := full.Get([]byte("past\x1b[6n")); got != "past" {
		t.Errorf("past the bound: %q", got)
	}
}

// TestInternerSharedSet: values that share a cache set (more than its two
// ways) are still handed out as themselves, from the cache or the map.
func TestInternerSharedSet(t *testing.T) {
	bySet := map[int][]string{}
	var shared []string
	for i := 0; shared == nil; i++ {
		v := "label " + strconv.Itoa(i)
		set := cacheslot.Of([]byte(v)) &^ 1
		bySet[set] = append(bySet[set], v)
		if len(bySet[set]) == 3 {
			shared = bySet[set]
		}
	}
	in := NewInterner()
	for round := range 3 {
		for _, v := range shared {
			if got := in.Get([]byte(v)); got != v {
				t.Fatalf("round %d: Get(%q) = %q", round, v, got)
			}
		}
	}
}

// TestInternerRedacts checks that a value is masked when it is first
// interned (a JTL's URL, response or failure message), and that the
// masked value is what later rows get.
func TestInternerRedacts(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://h/login?access_token=abc123&x=1", "http://h/login?access_token=***&x=1"},
		{"card 4111111111111111 declined", "card 411111******1111 declined"},
		{"password=hunter2", "password=***"},
		{"OK", "OK"},
	}
	in := NewInterner()
	for range 2 {
		for _, tt := range tests {
			if got := in.Get([]byte(tt.in)); got != tt.want {
				t.Errorf("Get(%q) = %q, want %q", tt.in, got, tt.want)
			}
		}
	}
}
