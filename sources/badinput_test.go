package sources

import (
	"errors"
	"io"
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

func TestExpected(t *testing.T) {
	if got, want := Expected("success", "true or false", []byte("maybe")), `success: expected true or false, found "maybe"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got, want := Expected("", "a JSON object", "not json\x07"), `expected a JSON object, found "not json\a"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	err := ExpectedError("zone", "+HH:MM", "+9")
	if got, want := err.Error(), `zone: expected +HH:MM, found "+9"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestLineError(t *testing.T) {
	cause := errors.New("not a JMeter JTL")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&LineError{Path: "a.jtl", Line: 3, Err: cause}, "a.jtl:3: not a JMeter JTL"},
		{&LineError{Path: "a.jtl", Err: cause}, "a.jtl: not a JMeter JTL"},
		{&LineError{Line: 3, Err: cause}, "line 3: not a JMeter JTL"},
		{&LineError{Err: cause}, "not a JMeter JTL"},
		{AtLine(7, cause), "line 7: not a JMeter JTL"},
		{InFile("a.jtl", AtLine(7, cause)), "a.jtl:7: not a JMeter JTL"},
		{InFile("a.jtl", cause), "a.jtl: not a JMeter JTL"},
		{InFile("b.jtl", InFile("a.jtl", AtLine(7, cause))), "b.jtl: a.jtl:7: not a JMeter JTL"}, // a file it read names its own
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
		if !errors.Is(tc.err, cause) {
			t.Errorf("%s does not unwrap to its cause", tc.err)
		}
	}
	if got, want := LineErrorf(2, "timeStamp %s", Quote("noon")).Error(), `line 2: timeStamp "noon"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if !errors.Is(InFile("x", AtLine(1, io.ErrUnexpectedEOF)), io.ErrUnexpectedEOF) {
		t.Error("InFile(AtLine(err)) is not err")
	}
	if AtLine(1, nil) != nil || InFile("x", nil) != nil {
		t.Error("a nil error became an error")
	}
	if got := At("", 0, "m"); got != "m" {
		t.Errorf("At without a place: %q", got)
	}
}
