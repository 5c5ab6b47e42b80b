package k6

import (
	"math"
	"strconv"
)

// pow10 holds the powers of ten that a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat reads a JSON number or a %f value. The usual k6 values
// ("221.561", "1.000000", "0") take the exact fast path: an integer mantissa
// below 2^53 divided by an exact power of ten is correctly rounded (Clinger),
// so the result equals strconv.ParseFloat's without a string conversion;
// anything else (exponents, long mantissas) goes to strconv.
func parseFloat(b []byte) (float64, bool) {
	s := b
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 17 {
		return slowFloat(b)
	}
	var mant uint64
	frac := -1
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			if frac >= 0 {
				frac++
			}
		case c == '.' && frac < 0 && i > 0 && i < len(s)-1:
			frac = 0
		default:
			return slowFloat(b)
		}
	}
	if mant > 1<<53 {
		return slowFloat(b)
	}
	f := float64(mant)
	if frac > 0 {
		f /= pow10[frac]
	}
	if neg {
		f = -f
	}
	return f, true
}

func slowFloat(b []byte) (float64, bool) {
	if len(b) == 0 || len(b) > 64 {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// msToInt32 rounds a millisecond value to the nearest integer (halves away
// from zero, math.Round); false when it is negative or beyond int32.
func msToInt32(v float64) (int32, bool) {
	r := math.Round(v)
	if r < 0 || r > math.MaxInt32 || v != v {
		return 0, false
	}
	return int32(r), true
}

// atoi parses an unsigned decimal integer of at most 19 digits.
func atoi(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		c -= '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + uint64(c)
	}
	if n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}

// timeCache remembers the seconds of the last date-time prefix and zone,
// so the points of one second (most of a busy file) cost a comparison.
type timeCache struct {
	prefix [19]byte
	zone   [6]byte
	zoneN  int
	sec    int64
	ok     bool
}

// parseRFC3339 reads k6's time: RFC 3339 with an optional fraction of any
// length (nanoseconds kept, beyond them ignored) and Z or a ±hh:mm offset,
// and returns Unix nanoseconds. It is exact, without time.Parse's
// allocations; invalid dates (February 30th) are refused.
func (tc *timeCache) parseRFC3339(b []byte) (int64, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != 't' && b[10] != ' ') ||
		b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	rest := b[19:]
	var nanos int64
	if rest[0] == '.' {
		rest = rest[1:]
		n := 0
		scale := int64(100_000_000)
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			nanos += int64(rest[n]-'0') * scale
			scale /= 10
			n++
		}
		if n == 0 {
			return 0, false
		}
		rest = rest[n:]
	}
	var offset int64
	switch {
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		hh, ok1 := two(rest[1:3])
		mm, ok2 := two(rest[4:6])
		if !ok1 || !ok2 || hh > 23 || mm > 59 {
			return 0, false
		}
		offset = int64(hh*3600 + mm*60)
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return 0, false
	}
	if tc.ok && string(b[:19]) == string(tc.prefix[:]) && string(rest) == string(tc.zone[:tc.zoneN]) {
		return tc.sec*1e9 + nanos, true
	}
	year, ok0 := four(b[0:4])
	month, ok1 := two(b[5:7])
	day, ok2 := two(b[8:10])
	hour, ok3 := two(b[11:13])
	minute, ok4 := two(b[14:16])
	sec, ok5 := two(b[17:19])
	if !ok0 || !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || month < 1 || month > 12 || day < 1 ||
		day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return 0, false
	}
	s := daysFromCivil(year, month, day)*86400 + int64(hour*3600+minute*60+sec) - offset
	copy(tc.prefix[:], b[:19])
	tc.zoneN = copy(tc.zone[:], rest)
	tc.sec, tc.ok = s, true
	return s*1e9 + nanos, true
}

func two(b []byte) (int, bool) {
	if b[0] < '0' || b[0] > '9' || b[1] < '0' || b[1] > '9' {
		return 0, false
	}
	return int(b[0]-'0')*10 + int(b[1]-'0'), true
}

func four(b []byte) (int, bool) {
	hi, ok1 := two(b[0:2])
	lo, ok2 := two(b[2:4])
	return hi*100 + lo, ok1 && ok2
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// floorDiv divides rounding towards minus infinity, so times before 1970
// still fall in the right millisecond.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
