package gatling

import (
	"strings"
	"testing"

	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// TestHostileText reads simulation logs whose names and messages would act
// on a terminal: group and request names, messages. Every string is
// handed over made safe to show.
func TestHostileText(t *testing.T) {
	bin := newBinLog("3.13.1", t0, "Shoppers")
	bin.user(0, true, 100)
	bin.request([]string{"\x1b[2JShop"}, "\x1b]2;PWNED\x07Pay\u202e", 300, 420, false, "\x1b]52;c;AA\x07status was \u009b500")
	bin.group([]string{"\x1b[2JShop"}, 250, 450, 120, false)
	tests := []struct {
		name string
		data []byte
	}{
		{"text", []byte("RUN\tsim.Hostile\thostile\t1700000000000\t \t3.9.5\nUSER\tShoppers\tSTART\t1700000000100\n" +
			"REQUEST\t\x1b[2JShop\t\x1b]2;PWNED\x07Pay\u202e\t1700000000300\t1700000000420\tKO\t\x1b]52;c;AA\x07status was \u009b500\n" +
			"GROUP\t\x1b[2JShop\t1700000000250\t1700000000450\t120\tKO\n")},
		{"binary", bin.Bytes()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := parseChunks(tt.data)
			if err != nil || len(r.Samples) != 2 {
				t.Fatalf("err %v, %d samples, bad %v", err, len(r.Samples), r.Bad)
			}
			loadtesttest.CheckSafeText(t, r.Samples)
			var got []string
			for _, s := range r.Samples {
				got = append(got, s.Label+"|"+s.Message)
			}
			if want := "Shop / Pay⟨RLO⟩|status was <U+009B>500,Shop|"; strings.Join(got, ",") != want {
				t.Errorf("got %q, want %q", strings.Join(got, ","), want)
			}
		})
	}
}
