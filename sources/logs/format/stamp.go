package format

import (
	"time"
)

// Layout names a family of leading timestamps that the generic text format
// recognises. Each family is parsed by byte scanning, without allocation.
type Layout uint8

// Timestamp layouts.
const (
	LayoutNone Layout = iota
	// LayoutISO is ISO-8601 and its log variants: 2006-01-02T15:04:05, with
	// 'T', ' ' or '_' between date and time, '-' or '/' in the date, an
	// optional ".000" or ",000" fraction and an optional zone (Z, +07:00,
	// +0700, +07), optionally inside '[' ... ']'.
	LayoutISO
	// LayoutShortSlash is log4j's yy/MM/dd HH:mm:ss (Spark).
	LayoutShortSlash
	// LayoutCompact is yyMMdd HHmmss (Hadoop HDFS).
	LayoutCompact
	// LayoutSyslog is RFC 3164's "Jan  2 15:04:05", without year or zone.
	LayoutSyslog
	// LayoutCtime is "Mon Jan  2 15:04:05 2006", optionally in brackets
	// (Apache httpd's error log).
	LayoutCtime
	// LayoutKlog is glog/klog's "I0102 15:04:05.000000", the level letter
	// first and no year.
	LayoutKlog
)

// parseStamp reads a timestamp of layout l at the start of b. It returns
// the time, the index just past it, and for LayoutKlog the level letter's
// position (0). now places a stamp without a year.
func parseStamp(l Layout, b []byte, loc *time.Location, now time.Time) (time.Time, int, bool) {
	switch l {
	case LayoutISO:
		return parseISO(b, loc, true)
	case LayoutShortSlash:
		return parseShortSlash(b, loc)
	case LayoutCompact:
		return parseCompact(b, loc)
	case LayoutSyslog:
		return parseSyslog(b, loc, now)
	case LayoutCtime:
		return parseCtime(b, loc)
	case LayoutKlog:
		return parseKlog(b, loc, now)
	}
	return time.Time{}, 0, false
}

// digits reads n decimal digits at b[i:].
func digits(b []byte, i, n int) (int, bool) {
	if i+n > len(b) {
		return 0, false
	}
	v := 0
	for _, c := range b[i : i+n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// clock reads HH:MM:SS at b[i:] and returns seconds since midnight.
func clock(b []byte, i int) (h, m, s int, ok bool) {
	if i+8 > len(b) || b[i+2] != ':' || b[i+5] != ':' {
		return 0, 0, 0, false
	}
	h, ok1 := digits(b, i, 2)
	m, ok2 := digits(b, i+3, 2)
	s, ok3 := digits(b, i+6, 2)
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || s > 60 {
		return 0, 0, 0, false
	}
	return h, m, s, true
}

// fraction reads an optional fraction of a second (sep then 1–9 digits).
func fraction(b []byte, i int, seps string) (ns, end int) {
	if i >= len(b) || (b[i] != seps[0] && (len(seps) < 2 || b[i] != seps[1])) {
		return 0, i
	}
	j := i + 1
	scale := int(1e9)
	for j < len(b) && isDigit(b[j]) {
		if scale > 1 {
			scale /= 10
			ns += int(b[j]-'0') * scale
		}
		j++
	}
	if j == i+1 {
		return 0, i // a separator without digits is not a fraction
	}
	return ns, j
}

// zone reads an optional zone: Z, +07:00, +0700 or +07. A sign followed by
// anything else is not a zone.
func zone(b []byte, i int) (offset int, has bool, end int) {
	if i >= len(b) {
		return 0, false, i
	}
	switch b[i] {
	case 'Z':
		if i+1 < len(b) && isLetter(b[i+1]) {
			return 0, false, i
		}
		return 0, true, i + 1
	case '+', '-':
	default:
		return 0, false, i
	}
	h, ok := digits(b, i+1, 2)
	if !ok || h > 14 {
		return 0, false, i
	}
	j := i + 3
	m := 0
	if j < len(b) && b[j] == ':' {
		if mm, ok := digits(b, j+1, 2); ok {
			m, j = mm, j+3
		} else {
			return 0, false, i
		}
	} else if mm, ok := digits(b, j, 2); ok {
		m, j = mm, j+2
	}
	if j < len(b) && isDigit(b[j]) || m > 59 {
		return 0, false, i
	}
	off := (h*60 + m) * 60
	if b[i] == '-' {
		off = -off
	}
	return off, true, j
}

// date builds the time; with an explicit zone it is returned in UTC, so no
// *time.Location is allocated per line.
func date(y, mo, d, h, mi, s, ns int, loc *time.Location, off int, hasZone bool) (time.Time, bool) {
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	if hasZone {
		return time.Date(y, time.Month(mo), d, h, mi, s, ns, time.UTC).Add(-time.Duration(off) * time.Second), true
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, ns, loc), true
}

// parseISO reads the LayoutISO family. bracket allows a leading '['.
func parseISO(b []byte, loc *time.Location, bracket bool) (time.Time, int, bool) {
	i := 0
	if bracket && len(b) > 0 && b[0] == '[' {
		i = 1
	}
	if i+19 > len(b) {
		return time.Time{}, 0, false
	}
	sep := b[i+4]
	if (sep != '-' && sep != '/') || b[i+7] != sep {
		return time.Time{}, 0, false
	}
	y, ok1 := digits(b, i, 4)
	mo, ok2 := digits(b, i+5, 2)
	d, ok3 := digits(b, i+8, 2)
	if !ok1 || !ok2 || !ok3 {
		return time.Time{}, 0, false
	}
	if t := b[i+10]; t != 'T' && t != ' ' && t != '_' {
		return time.Time{}, 0, false
	}
	h, mi, s, ok := clock(b, i+11)
	if !ok {
		return time.Time{}, 0, false
	}
	ns, j := fraction(b, i+19, ".,")
	off, hasZone, j := zone(b, j)
	if i == 1 && j < len(b) && b[j] == ']' {
		j++
	}
	t, ok := date(y, mo, d, h, mi, s, ns, loc, off, hasZone)
	return t, j, ok
}

// parseShortSlash reads yy/MM/dd HH:mm:ss.
func parseShortSlash(b []byte, loc *time.Location) (time.Time, int, bool) {
	if len(b) < 17 || b[2] != '/' || b[5] != '/' || b[8] != ' ' {
		return time.Time{}, 0, false
	}
	y, ok1 := digits(b, 0, 2)
	mo, ok2 := digits(b, 3, 2)
	d, ok3 := digits(b, 6, 2)
	h, mi, s, ok4 := clock(b, 9)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return time.Time{}, 0, false
	}
	ns, j := fraction(b, 17, ".,")
	t, ok := date(2000+y, mo, d, h, mi, s, ns, loc, 0, false)
	return t, j, ok
}

// parseCompact reads yyMMdd HHmmss, which must be followed by a space or
// the end of the line.
func parseCompact(b []byte, loc *time.Location) (time.Time, int, bool) {
	if len(b) < 13 || b[6] != ' ' || (len(b) > 13 && b[13] != ' ') {
		return time.Time{}, 0, false
	}
	y, ok1 := digits(b, 0, 2)
	mo, ok2 := digits(b, 2, 2)
	d, ok3 := digits(b, 4, 2)
	h, ok4 := digits(b, 7, 2)
	mi, ok5 := digits(b, 9, 2)
	s, ok6 := digits(b, 11, 2)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || h > 23 || mi > 59 || s > 60 {
		return time.Time{}, 0, false
	}
	t, ok := date(2000+y, mo, d, h, mi, s, 0, loc, 0, false)
	return t, 13, ok
}

var months = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

func month(b []byte, i int) (int, bool) {
	if i+3 > len(b) {
		return 0, false
	}
	for m, name := range months {
		if b[i] == name[0] && b[i+1] == name[1] && b[i+2] == name[2] {
			return m + 1, true
		}
	}
	return 0, false
}

// day reads a day of month written "dd", " d" or "d " (space-padded).
func day(b []byte, i int) (int, bool) {
	if i+2 > len(b) {
		return 0, false
	}
	if b[i] == ' ' {
		d, ok := digits(b, i+1, 1)
		return d, ok
	}
	return digits(b, i, 2)
}

// parseSyslog reads "Jan  2 15:04:05" (optionally with a fraction). The
// year is not written: it is the one that puts the time closest before now.
func parseSyslog(b []byte, loc *time.Location, now time.Time) (time.Time, int, bool) {
	if len(b) < 15 || b[3] != ' ' || b[6] != ' ' {
		return time.Time{}, 0, false
	}
	mo, ok1 := month(b, 0)
	d, ok2 := day(b, 4)
	h, mi, s, ok3 := clock(b, 7)
	if !ok1 || !ok2 || !ok3 {
		return time.Time{}, 0, false
	}
	ns, j := fraction(b, 15, ".")
	t, ok := yearless(mo, d, h, mi, s, ns, loc, now)
	return t, j, ok
}

// parseCtime reads "Mon Jan  2 15:04:05[.000000] 2006", optionally inside
// brackets.
func parseCtime(b []byte, loc *time.Location) (time.Time, int, bool) {
	i := 0
	if len(b) > 0 && b[0] == '[' {
		i = 1
	}
	if i+24 > len(b) || b[i+3] != ' ' || b[i+7] != ' ' || b[i+10] != ' ' || !isLetter(b[i]) {
		return time.Time{}, 0, false
	}
	mo, ok1 := month(b, i+4)
	d, ok2 := day(b, i+8)
	h, mi, s, ok3 := clock(b, i+11)
	if !ok1 || !ok2 || !ok3 {
		return time.Time{}, 0, false
	}
	ns, j := fraction(b, i+19, ".")
	if j >= len(b) || b[j] != ' ' {
		return time.Time{}, 0, false
	}
	y, ok := digits(b, j+1, 4)
	if !ok {
		return time.Time{}, 0, false
	}
	j += 5
	if i == 1 && j < len(b) && b[j] == ']' {
		j++
	}
	t, ok := date(y, mo, d, h, mi, s, ns, loc, 0, false)
	return t, j, ok
}

// parseKlog reads "I0102 15:04:05.000000" (the level letter is read by the
// caller). The year is inferred as for syslog.
func parseKlog(b []byte, loc *time.Location, now time.Time) (time.Time, int, bool) {
	if len(b) < 14 || b[5] != ' ' {
		return time.Time{}, 0, false
	}
	switch b[0] {
	case 'I', 'W', 'E', 'F', 'D':
	default:
		return time.Time{}, 0, false
	}
	mo, ok1 := digits(b, 1, 2)
	d, ok2 := digits(b, 3, 2)
	h, mi, s, ok3 := clock(b, 6)
	if !ok1 || !ok2 || !ok3 {
		return time.Time{}, 0, false
	}
	ns, j := fraction(b, 14, ".")
	if j < len(b) && b[j] != ' ' {
		return time.Time{}, 0, false
	}
	t, ok := yearless(mo, d, h, mi, s, ns, loc, now)
	return t, j, ok
}

// yearless places a date written without a year in now's year, or the
// previous one when that would put it more than two days after now (a
// December line read in January).
func yearless(mo, d, h, mi, s, ns int, loc *time.Location, now time.Time) (time.Time, bool) {
	now = now.In(loc)
	t, ok := date(now.Year(), mo, d, h, mi, s, ns, loc, 0, false)
	if ok && t.Sub(now) > 48*time.Hour {
		t, ok = date(now.Year()-1, mo, d, h, mi, s, ns, loc, 0, false)
	}
	return t, ok
}

// parseEpoch reads a number of seconds, milliseconds, microseconds or
// nanoseconds since the epoch, told apart by magnitude (zap writes float
// seconds, logstash can write milliseconds, journald writes microseconds).
func parseEpoch(b []byte) (time.Time, bool) {
	if len(b) == 0 || len(b) > 30 {
		return time.Time{}, false
	}
	var whole int64
	i := 0
	for ; i < len(b) && isDigit(b[i]); i++ {
		if whole > 1e18 {
			return time.Time{}, false
		}
		whole = whole*10 + int64(b[i]-'0')
	}
	if i == 0 {
		return time.Time{}, false
	}
	var frac int64 // nanoseconds of a fraction of the unit
	if i < len(b) && b[i] == '.' {
		scale := int64(1e9)
		for i++; i < len(b) && isDigit(b[i]); i++ {
			if scale > 1 {
				scale /= 10
				frac += int64(b[i]-'0') * scale
			}
		}
	}
	if i != len(b) {
		return time.Time{}, false
	}
	switch {
	case whole < 1e11: // seconds until the year 5138
		return time.Unix(whole, frac).UTC(), true
	case whole < 1e14:
		return time.UnixMilli(whole).Add(time.Duration(frac / 1e6)).UTC(), true
	case whole < 1e17:
		return time.UnixMicro(whole).UTC(), true
	}
	return time.Unix(0, whole).UTC(), true
}

// parseValueTime reads a timestamp given as a field value: ISO-8601 or an
// epoch number.
func parseValueTime(v []byte, loc *time.Location) (time.Time, bool) {
	if t, end, ok := parseISO(v, loc, false); ok && end == len(v) {
		return t, true
	}
	return parseEpoch(v)
}
