package jtl

import (
	"strconv"
	"testing"
)

// FuzzAtoi: atoi reads what strconv.ParseInt reads, for the digit strings
// it accepts (at most 18 digits, an optional minus).
func FuzzAtoi(f *testing.F) {
	for _, s := range []string{"0", "7", "12345678", "1700000000000", "-1700000000000", "99999999", "123456789012345678",
		"1234567x", "12345678x", "/2345678", ":2345678", "", "-", "+1", "00000000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := atoi([]byte(s))
		digits := s
		if len(digits) > 0 && digits[0] == '-' {
			digits = digits[1:]
		}
		valid := len(digits) > 0 && len(digits) <= 18
		for _, c := range digits {
			valid = valid && c >= '0' && c <= '9'
		}
		if ok != valid {
			t.Fatalf("atoi(%q) ok %v, want %v", s, ok, valid)
		}
		if ok {
			want, err := strconv.ParseInt(s, 10, 64)
			if err != nil || got != want {
				t.Fatalf("atoi(%q) = %d, strconv says %d (%v)", s, got, want, err)
			}
		}
	})
}
