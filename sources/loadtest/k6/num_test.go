package k6

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// TestParseRFC3339 compares the hand parser with time.Parse on random
// times, zones and fraction lengths, reusing one cache as a file would.
func TestParseRFC3339(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var tc timeCache
	for i := range 20000 {
		sec := rng.Int64N(4_000_000_000) - 500_000_000 // 1954..2096
		if i%3 == 1 {
			sec = 1709287200 + int64(i/3) // runs of nearby seconds hit the cache
		}
		nsec := rng.Int64N(1e9)
		zone := time.FixedZone("", (rng.IntN(27*4)-12*4)*15*60)
		if i%5 == 0 {
			zone = time.UTC
		}
		tm := time.Unix(sec, nsec).In(zone)
		layout := time.RFC3339Nano
		if i%4 == 0 {
			layout = time.RFC3339
		}
		s := tm.Format(layout)
		want, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := tc.parseRFC3339([]byte(s))
		if !ok || got != want.UnixNano() {
			t.Fatalf("%s: got %d %v, want %d", s, got, ok, want.UnixNano())
		}
	}
	for _, bad := range []string{"", "2024-03-01", "2024-03-01T10:00:00", "2024-02-30T10:00:00Z", "2023-02-29T10:00:00Z",
		"2024-13-01T10:00:00Z", "2024-03-01T24:00:00Z", "2024-03-01T10:60:00Z", "2024-03-01T10:00:00.Z",
		"2024-03-01T10:00:00+0100", "2024-03-01T10:00:00+01:60", "2024-03-01T10:00:00ZZ", "2024-03-01T10:00:00.5.5Z",
		"20x4-03-01T10:00:00Z", "2024-03-01T10:00:00.123456789123-03:00x"} {
		if v, ok := tc.parseRFC3339([]byte(bad)); ok {
			t.Errorf("%q parsed as %d", bad, v)
		}
	}
	// Digits beyond nanoseconds are ignored, like time.Parse does.
	if v, ok := tc.parseRFC3339([]byte("2024-02-29T10:00:00.1234567891Z")); !ok || v != time.Date(2024, 2, 29, 10, 0, 0, 123456789, time.UTC).UnixNano() {
		t.Errorf("ten fraction digits: %d %v", v, ok)
	}
}

// TestParseFloat compares the fast path with strconv.ParseFloat.
func TestParseFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	check := func(s string) {
		t.Helper()
		want, err := strconv.ParseFloat(s, 64)
		got, ok := parseFloat([]byte(s))
		if ok != (err == nil) || (ok && got != want) {
			t.Fatalf("%q: got %v %v, want %v %v", s, got, ok, want, err)
		}
	}
	for range 50000 {
		v := rng.Float64() * float64(rng.IntN(1e6))
		check(strconv.FormatFloat(v, 'f', -1, 64))
		check(strconv.FormatFloat(v, 'f', 6, 64)) // k6's CSV %f
		check(strconv.FormatFloat(-v, 'f', 3, 64))
		check(strconv.FormatFloat(v, 'g', -1, 64))
	}
	for _, s := range []string{"0", "-0", "1", "221.561", "0.000178", "1e3", "1E-3", "12345678901234567890",
		"9007199254740993", "900719925474099.3", "123.", ".5", "-", "", "1.2.3", "0x10", "1_0", "--1"} {
		check(s)
	}
	for _, s := range []string{"NaN", "Inf", "1e999"} {
		if v, ok := parseFloat([]byte(s)); ok {
			t.Errorf("%q accepted as %v", s, v)
		}
	}
}

func TestStartMS(t *testing.T) {
	for _, tc := range []struct {
		end   int64
		dur   float64
		start int64
	}{
		{1_000_000_000, 0.5, 999},        // 999.5 ms floors to 999
		{1_000_000_000, 1000.0000004, 0}, // sub-nanosecond durations round to ns first
		{500_000, 1, -1},                 // before 1970: floored, not truncated
		{1709287201123456789, 12.5, 1709287201110},
	} {
		if got := startMS(tc.end, tc.dur); got != tc.start {
			t.Errorf("startMS(%d, %v) = %d, want %d", tc.end, tc.dur, got, tc.start)
		}
	}
}
