package chart

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// LabelWidth is the most cells FormatValue ever returns, so a y-axis label
// column of this width holds every label.
const LabelWidth = 6

// NiceMax rounds v up to the next 1, 2 or 5 times a power of ten (730 -> 1000,
// 0.3 -> 0.5, 2 -> 2), the top of an axis a reader can take in at a glance.
// A negative v has its magnitude rounded up (-3 -> -5); zero, NaN, ±Inf and
// values whose rounding would overflow are returned unchanged.
func NiceMax(v float64) float64 {
	if v == 0 || !isFinite(v) {
		return v
	}
	if v < 0 {
		return -NiceMax(-v)
	}
	exp := int(math.Floor(math.Log10(v)))
	p := math.Pow10(exp)
	if p == 0 || math.IsInf(p, 0) { // subnormal or near-overflow magnitude
		return v
	}
	f := v / p
	// The tolerance absorbs the rounding of v/p (0.2/0.1 = 2.0000000000000004)
	// so that a value that is already nice stays put.
	const tol = 1e-9
	var step float64
	switch {
	case f <= 1+tol:
		step = 1
	case f <= 2+tol:
		step = 2
	case f <= 5+tol:
		step = 5
	default:
		step = 10
	}
	n := step * p
	if math.IsInf(n, 0) || n < v*(1-tol) {
		return v
	}
	return max(n, v)
}

// Intervals is how many tick intervals a chart height rows tall shows: a
// label on most rows of a small chart, five at most on a tall one.
func Intervals(height int) int { return min(max(height-1, 1), 5) }

// NiceScale widens [lo, hi] to the nearest multiples of a round step (1, 2
// or 5 times a power of ten) with at most intervals steps between them,
// picking the step whose range is the narrowest, so the top sits just above
// the data: 0..113 in 5 intervals is 0..150 by 50. It returns the range and
// the step; when lo >= hi or either is not finite it returns them unchanged
// with step hi-lo.
func NiceScale(lo, hi float64, intervals int) (nlo, nhi, step float64) {
	if !(lo < hi) || !isFinite(lo) || !isFinite(hi) || !isFinite(hi-lo) {
		return lo, hi, hi - lo
	}
	intervals = max(intervals, 1)
	first := NiceMax((hi - lo) / float64(intervals))
	nlo, nhi, step = lo, hi, hi-lo
	best := math.Inf(1)
	// The first three round steps from the smallest that could do: a
	// larger step may still give a narrower range (0..21 by 20 is 0..40,
	// by 50 0..50, but 0..113 by 50 is 0..150 and by 100 0..200).
	s := first
	for range 3 {
		a, b := math.Floor(lo/s)*s, math.Ceil(hi/s)*s
		if n := math.Round((b - a) / s); n <= float64(intervals) && b-a < best && isFinite(a) && isFinite(b) && a < b {
			nlo, nhi, step, best = a, b, s, b-a
		}
		next := NiceMax(s * 1.5)
		if !(next > s) {
			break
		}
		s = next
	}
	if math.IsInf(best, 1) {
		// A range across zero needs two steps however large they are.
		return NiceScale(lo, hi, intervals+1)
	}
	return nlo, nhi, step
}

// durationUnits maps the duration units FormatValue understands to seconds.
var durationUnits = map[string]float64{
	"ns": 1e-9,
	"us": 1e-6,
	"µs": 1e-6,
	"ms": 1e-3,
	"s":  1,
}

// durationSteps are the units durations are shown in, smallest first, with
// the factor to the next one.
var durationSteps = []struct {
	seconds float64
	suffix  string
}{
	{1e-9, "ns"},
	{1e-6, "µs"},
	{1e-3, "ms"},
	{1, "s"},
	{60, "m"},
	{3600, "h"},
	{86400, "d"},
}

// siSuffixes are the decimal magnitude suffixes of quantities, by power of 1000.
var siSuffixes = []string{"", "k", "M", "G", "T", "P", "E"}

// FormatValue formats v compactly for an axis label or a table cell, in at
// most LabelWidth cells: "–" for NaN, "∞" for infinity.
//
// unit selects the form:
//   - "ns", "us", "µs", "ms", "s": v is a duration in that unit, shown in the
//     largest fitting unit: 950 with "ms" is "950ms", 1200 is "1.2s", 90 with
//     "s" is "1.5m".
//   - "iB": v is bytes, shown in binary multiples as a memory figure is
//     read: 512 is "512B", 3<<20 is "3MiB", 1.5 * 2^30 is "1.5GiB".
//   - anything else ("", "%", "/s", "B"): a decimal quantity with a k, M, G,
//     T, P or E suffix and the unit appended: "1.2k", "3.4M/s", "12%". A unit
//     too long to leave room for the number is dropped.
//
// Values take two significant digits below 10 and are rounded to whole
// numbers above it (0.05, 1.2, 12, 950), enough for axis labels whose ends
// NiceMax has made round.
func FormatValue(v float64, unit string) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "-∞"
	}
	room := LabelWidth
	sign := ""
	if v < 0 {
		sign, room = "-", room-1
	}
	a := math.Abs(v)
	var s string
	if scale, ok := durationUnits[unit]; ok {
		s = formatDuration(a*scale, room)
	} else if unit == BinaryBytes {
		s = formatBinary(a, room)
	} else {
		s = formatQuantity(a, unit, room)
	}
	if rest := strings.TrimLeft(s, "0."); s[0] == '0' && (rest == "" || rest[0] < '0' || rest[0] > '9') {
		sign = "" // "-0" or "-0s" says nothing the reader needs
	}
	return sign + s
}

// formatDuration formats sec >= 0 seconds in at most room cells.
func formatDuration(sec float64, room int) string {
	if sec == 0 {
		return "0s"
	}
	if math.IsInf(sec, 0) { // a huge value times a unit factor
		return "∞"
	}
	i := 0
	for i+1 < len(durationSteps) && sec >= durationSteps[i+1].seconds {
		i++
	}
	for {
		step := durationSteps[i]
		num, rounded := formatNumber(sec/step.seconds, room-utf8.RuneCountInString(step.suffix))
		// 999.7ms rounds to "1000ms": say "1s" instead.
		if i+1 < len(durationSteps) && rounded*step.seconds >= durationSteps[i+1].seconds {
			i++
			continue
		}
		return num + step.suffix
	}
}

// BinaryBytes is the unit of FormatValue for bytes in binary multiples.
const BinaryBytes = "iB"

// binarySuffixes are the binary multiples of bytes, by power of 1024.
var binarySuffixes = []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}

// formatBinary formats a >= 0 bytes in binary multiples in at most room
// cells; a multiple too long to leave room for the number is dropped for
// the next one up.
func formatBinary(a float64, room int) string {
	g := 0
	for g+1 < len(binarySuffixes) && a >= 1024 {
		a /= 1024
		g++
	}
	for {
		num, rounded := formatNumber(a, room-len(binarySuffixes[g]))
		if rounded >= 1024 && g+1 < len(binarySuffixes) {
			a /= 1024
			g++
			continue
		}
		return num + binarySuffixes[g]
	}
}

// formatQuantity formats a >= 0 with an SI suffix and unit in at most room cells.
func formatQuantity(a float64, unit string, room int) string {
	if ansi.StringWidth(unit) > room-3 { // keep room for "12k"
		unit = ""
	}
	room -= ansi.StringWidth(unit)
	if a == 0 {
		return "0" + unit
	}
	if a >= 1e21 { // past the last suffix: "2e21"
		num, _ := formatNumber(a, room)
		return num + unit
	}
	g := 0
	if a >= 1 {
		g = min(int(math.Log10(a))/3, len(siSuffixes)-1)
	}
	for {
		suffix := siSuffixes[g]
		num, rounded := formatNumber(a/math.Pow10(3*g), room-len(suffix))
		if rounded >= 1000 && g+1 < len(siSuffixes) {
			g++
			continue
		}
		return num + suffix + unit
	}
}

// formatNumber formats x >= 0 (finite) in at most room cells, with two
// significant digits below 10 and none after the point above; when that does
// not fit it drops decimals, then uses an exponent ("2e21"), and as a last
// resort "0" for tiny x. It also returns the value it shows.
func formatNumber(x float64, room int) (string, float64) {
	room = max(room, 1)
	dec := 0
	switch {
	case x >= 10:
	case x >= 1:
		dec = 1
	case x > 0:
		dec = 1 - int(math.Floor(math.Log10(x))) // two significant digits
	}
	for ; dec >= 0; dec-- {
		s := trimZeros(strconv.FormatFloat(x, 'f', dec, 64))
		if len(s) <= room && (s != "0" || x == 0) {
			r, _ := strconv.ParseFloat(s, 64)
			return s, r
		}
	}
	// One significant digit and a power of ten: "2e21", "5e-7".
	exp := int(math.Floor(math.Log10(x)))
	m := math.Round(x / math.Pow10(exp))
	if m >= 10 {
		m, exp = 1, exp+1
	}
	s := strconv.Itoa(int(m)) + "e" + strconv.Itoa(exp)
	if len(s) <= room {
		return s, m * math.Pow10(exp)
	}
	if x < 1 {
		return "0", 0
	}
	return "∞", math.Inf(1)
}

// trimZeros drops the trailing zeros of a decimal fraction ("1.50" -> "1.5",
// "2.0" -> "2").
func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
