package sources

import (
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	long := strings.Repeat("a", QuoteRunes)
	for _, tc := range []struct{ in, want string }{
		{"", `""`},
		{"200", `"200"`},
		{"tab\there", `"tab\there"`},
		{"\x1b[31mred", `"\x1b[31mred"`},     // an escape sequence stays inert
		{"bad \xff byte", `"bad \xff byte"`}, // invalid UTF-8 is shown, not replaced
		{"\u202eevil", `"\u202eevil"`},       // a bidi override is escaped
		{"café", `"café"`},                   // printable text stays readable
		{long, `"` + long + `"`},
		{long + "b", `"` + long + `"…`},
		{strings.Repeat("é", QuoteRunes+5), `"` + strings.Repeat("é", QuoteRunes) + `"…`},
		{strings.Repeat("\xff", QuoteRunes+1), `"` + strings.Repeat(`\xff`, QuoteRunes) + `"…`},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
		if got := Quote([]byte(tc.in)); got != tc.want {
			t.Errorf("Quote([]byte(%q)) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
