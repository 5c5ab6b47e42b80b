package jtl

import (
	"fmt"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
)

// A dateLayout reads timestamps written with one layout: one given as
// JMeter's SimpleDateFormat pattern (jmeter.save.saveservice.timestamp_format,
// --jtl-time-format), or one detected from a file's first values. It is a
// list of tokens matched left to right without allocating; the epoch second
// of the last minute read is cached, so the rows of one minute cost no
// time.Date.
type dateLayout struct {
	tokens   []token
	pattern  string // the layout as a SimpleDateFormat pattern, for messages
	yearLast bool   // day and month come before the year (detected layouts)
	hasZone  bool   // the values carry their zone
	pivot    int    // two-digit years fall in [pivot, pivot+100)
}

type tokKind uint8

const (
	tokLit          tokKind = iota // literal text
	tokYear                        // y: the year; two digits read with y or yy are near today
	tokMonth                       // M, L: 1-12
	tokMonthText                   // MMM, MMMM: English month name, short or full
	tokDay                         // d
	tokHour                        // H: 0-23
	tokHour1to24                   // k: 1-24
	tokHour12                      // h: 1-12
	tokHour0to11                   // K: 0-11
	tokMinute                      // m
	tokSecond                      // s
	tokMillis                      // S: a count of milliseconds, as SimpleDateFormat reads it
	tokFraction                    // detected layouts: an optional '.' or ',' and a decimal fraction
	tokAmPm                        // a: AM or PM
	tokWeekday                     // E: English day name, checked and ignored
	tokZoneGeneral                 // z: UTC, GMT+09:00, KST, or the zone of --tz by its abbreviation
	tokZoneRFC822                  // Z: -0800
	tokZoneISO                     // X: Z, -08, -0800, -08:00
	tokZoneOptional                // detected layouts: an optional ISO zone, with lit before it
)

func (k tokKind) numeric() bool {
	return k == tokYear || k == tokMonth || k == tokDay || k == tokHour || k == tokHour1to24 ||
		k == tokHour12 || k == tokHour0to11 || k == tokMinute || k == tokSecond || k == tokMillis
}

type token struct {
	kind  tokKind
	n     int    // pattern letters; the digit count of a fixed-width field
	fixed bool   // abuts the next numeric field: exactly n digits
	lit   string // tokLit's text; tokZoneOptional's separator
}

// patternLetters says what each SimpleDateFormat letter becomes, or why it
// is refused.
var patternLetters = map[byte]tokKind{
	'y': tokYear, 'M': tokMonth, 'L': tokMonth, 'd': tokDay, 'H': tokHour, 'k': tokHour1to24,
	'h': tokHour12, 'K': tokHour0to11, 'm': tokMinute, 's': tokSecond, 'S': tokMillis,
	'a': tokAmPm, 'E': tokWeekday, 'z': tokZoneGeneral, 'Z': tokZoneRFC822, 'X': tokZoneISO,
}

var refusedLetters = map[byte]string{
	'Y': "week year (you probably mean yyyy)",
	'D': "day in year (you probably mean dd)",
	'G': "era", 'w': "week in year", 'W': "week in month", 'F': "day of week in month", 'u': "day number of week",
}

// ValidateTimeFormat reports whether pattern is a SimpleDateFormat pattern
// sobang reads, "ms" (epoch milliseconds) or "" (detect); the error says
// what is wrong with it.
func ValidateTimeFormat(pattern string) error {
	if pattern == "" || pattern == "ms" {
		return nil
	}
	_, err := parseTimeFormat(pattern, 0)
	return err
}

// pivotYear is where two-digit years start at now: SimpleDateFormat's
// default century, from 80 years before to 20 years after.
func pivotYear(now time.Time) int { return now.Year() - 80 }

// parseTimeFormat translates a SimpleDateFormat pattern. Supported letters:
// y M L d H k h K m s S a E z Z X; text in single quotes ('T', ” for a quote)
// and any other character are literals.
func parseTimeFormat(pattern string, pivot int) (*dateLayout, error) {
	l := &dateLayout{pattern: pattern, pivot: pivot}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			l.tokens = append(l.tokens, token{kind: tokLit, lit: lit.String()})
			lit.Reset()
		}
	}
	hasDate, hasTime := false, false
	for i := 0; i < len(pattern); {
		c := pattern[i]
		switch {
		case c == '\'':
			if i+1 < len(pattern) && pattern[i+1] == '\'' {
				lit.WriteByte('\'')
				i += 2
				continue
			}
			end := i + 1
			for {
				j := strings.IndexByte(pattern[end:], '\'')
				if j < 0 {
					return nil, fmt.Errorf("time format %s: quoted text starting at character %d is not closed with '", sources.Quote(pattern), i+1)
				}
				lit.WriteString(pattern[end : end+j])
				end += j + 1
				if end < len(pattern) && pattern[end] == '\'' { // '' inside quotes
					lit.WriteByte('\'')
					end++
					continue
				}
				break
			}
			i = end
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			n := 1
			for i+n < len(pattern) && pattern[i+n] == c {
				n++
			}
			kind, ok := patternLetters[c]
			if !ok {
				why := refusedLetters[c]
				if why == "" {
					why = "not a SimpleDateFormat letter"
				}
				return nil, fmt.Errorf("time format %s: pattern letter %q (%s) is not supported; sobang reads y M d H h k K m s S a E z Z X "+
					"and text in single quotes, e.g. 'yyyy/MM/dd HH:mm:ss.SSS'", sources.Quote(pattern), c, why)
			}
			if kind == tokMonth && n >= 3 {
				kind = tokMonthText
			}
			flush()
			l.tokens = append(l.tokens, token{kind: kind, n: n})
			switch kind {
			case tokYear, tokMonth, tokMonthText, tokDay:
				hasDate = true
			case tokHour, tokHour1to24, tokHour12, tokHour0to11, tokMinute, tokSecond:
				hasTime = true
			case tokZoneGeneral, tokZoneISO, tokZoneRFC822:
				l.hasZone = true
			}
			i += n
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	if !hasDate && !hasTime {
		return nil, fmt.Errorf("time format %s has neither a date nor a time (letters such as yyyy MM dd HH mm ss)", sources.Quote(pattern))
	}
	for i := range l.tokens { // abutting fields (yyyyMMddHHmmss) have fixed widths
		if l.tokens[i].kind.numeric() && (i+1 < len(l.tokens) && l.tokens[i+1].kind.numeric() || i > 0 && l.tokens[i-1].kind.numeric()) {
			l.tokens[i].fixed = true
		}
	}
	return l, nil
}

// dateFields are the parts of one timestamp.
type dateFields struct {
	year, month, day, hour, minute, second, millis int
	pm, hasAmPm                                    bool
	hour12                                         bool
	zoneOffset                                     int  // seconds east of UTC, when zoned
	zoned                                          bool // the value says its offset
	zoneName                                       []byte
}

// parse reads b whole; false when it does not fit the layout or is not a
// valid date.
func (l *dateLayout) parse(b []byte, p *timeParser) (int64, bool) {
	f := dateFields{year: 1970, month: 1, day: 1}
	i := 0
	for k := range l.tokens {
		t := &l.tokens[k]
		switch t.kind {
		case tokLit:
			if len(b)-i < len(t.lit) || string(b[i:i+len(t.lit)]) != t.lit {
				return 0, false
			}
			i += len(t.lit)
		case tokMonthText:
			m, n := matchName(b[i:], monthNames[:])
			if n == 0 {
				return 0, false
			}
			f.month, i = m+1, i+n
		case tokWeekday:
			_, n := matchName(b[i:], dayNames[:])
			if n == 0 {
				return 0, false
			}
			i += n
		case tokAmPm:
			if len(b)-i < 2 || (b[i+1] != 'M' && b[i+1] != 'm') {
				return 0, false
			}
			switch b[i] {
			case 'A', 'a':
			case 'P', 'p':
				f.pm = true
			default:
				return 0, false
			}
			f.hasAmPm = true
			i += 2
		case tokFraction:
			if i < len(b) && (b[i] == '.' || b[i] == ',') && i+1 < len(b) && isDigit(b[i+1]) {
				i++
				scale := 100
				for ; i < len(b) && isDigit(b[i]); i++ {
					f.millis += int(b[i]-'0') * scale
					scale /= 10
				}
			}
		case tokZoneOptional:
			if i < len(b) {
				if len(b)-i < len(t.lit) || string(b[i:i+len(t.lit)]) != t.lit {
					return 0, false
				}
				n, off, ok := isoZone(b[i+len(t.lit):])
				if !ok {
					return 0, false
				}
				f.zoneOffset, f.zoned = off, true
				i += len(t.lit) + n
			}
		case tokZoneISO, tokZoneRFC822:
			n, off, ok := isoZone(b[i:])
			if !ok {
				if t.kind == tokZoneISO {
					return 0, false
				}
				if n, ok = generalZone(b[i:], &f); !ok { // SimpleDateFormat's Z also reads GMT+09:00
					return 0, false
				}
				i += n
				continue
			}
			f.zoneOffset, f.zoned = off, true
			i += n
		case tokZoneGeneral:
			n, ok := generalZone(b[i:], &f)
			if !ok {
				return 0, false
			}
			i += n
		default:
			most := 10
			if t.fixed {
				most = t.n
			}
			v, n := 0, 0
			for n < most && i+n < len(b) && isDigit(b[i+n]) {
				v = v*10 + int(b[i+n]-'0')
				n++
			}
			if n == 0 || (t.fixed && n != t.n) {
				return 0, false
			}
			i += n
			switch t.kind {
			case tokYear:
				f.year = v
				if n == 2 && t.n <= 2 {
					f.year = l.pivot/100*100 + v
					if f.year < l.pivot {
						f.year += 100
					}
				}
			case tokMonth:
				f.month = v
			case tokDay:
				f.day = v
			case tokHour:
				f.hour = v
			case tokHour1to24:
				if v < 1 || v > 24 {
					return 0, false
				}
				f.hour = v % 24
			case tokHour12:
				if v < 1 || v > 12 {
					return 0, false
				}
				f.hour, f.hour12 = v%12, true
			case tokHour0to11:
				if v > 11 {
					return 0, false
				}
				f.hour, f.hour12 = v, true
			case tokMinute:
				f.minute = v
			case tokSecond:
				f.second = v
			case tokMillis:
				f.millis = v
			}
		}
	}
	if i != len(b) {
		return 0, false
	}
	if f.hasAmPm && f.pm && f.hour < 12 {
		f.hour += 12
	}
	if f.month < 1 || f.month > 12 || f.day < 1 || f.day > daysIn(f.month, f.year) ||
		f.hour > 23 || f.minute > 59 || f.second > 60 {
		return 0, false
	}
	return p.epochMillis(&f)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

var monthNames = [12]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
var dayNames = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// matchName matches the English name in names, full or its first three
// letters, case-insensitively, at the start of b; it returns the index and
// the bytes taken (0 when none matches).
func matchName(b []byte, names []string) (int, int) {
	for i, name := range names {
		if len(b) >= len(name) && strings.EqualFold(string(b[:len(name)]), name) {
			return i, len(name)
		}
	}
	for i, name := range names {
		if len(b) >= 3 && strings.EqualFold(string(b[:3]), name[:3]) {
			return i, 3
		}
	}
	return 0, 0
}

// isoZone reads Z, ±hh, ±hhmm or ±hh:mm at the start of b.
func isoZone(b []byte) (n, offset int, ok bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	if b[0] == 'Z' {
		return 1, 0, true
	}
	if b[0] != '+' && b[0] != '-' || len(b) < 3 || !isDigit(b[1]) || !isDigit(b[2]) {
		return 0, 0, false
	}
	h := int(b[1]-'0')*10 + int(b[2]-'0')
	m, n := 0, 3
	switch {
	case len(b) >= 6 && b[3] == ':' && isDigit(b[4]) && isDigit(b[5]):
		m, n = int(b[4]-'0')*10+int(b[5]-'0'), 6
	case len(b) >= 5 && isDigit(b[3]) && isDigit(b[4]):
		m, n = int(b[3]-'0')*10+int(b[4]-'0'), 5
	}
	if h > 18 || m > 59 {
		return 0, 0, false
	}
	offset = h*3600 + m*60
	if b[0] == '-' {
		offset = -offset
	}
	return n, offset, true
}

// zoneAbbrevs are zone abbreviations Java writes for z, with their offsets
// in minutes. Ambiguous ones (CST is also China's, IST also Israel's) are
// first matched against the --tz zone's own abbreviation.
var zoneAbbrevs = map[string]int{
	"UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120,
	"MET": 60, "MEST": 120, "EET": 120, "EEST": 180, "MSK": 180, "IST": 330, "SGT": 480,
	"HKT": 480, "AWST": 480, "KST": 540, "JST": 540, "ACST": 570, "ACDT": 630, "AEST": 600,
	"AEDT": 660, "NZST": 720, "NZDT": 780, "HST": -600, "AKST": -540, "AKDT": -480,
	"PST": -480, "PDT": -420, "MST": -420, "MDT": -360, "CST": -360, "CDT": -300,
	"EST": -300, "EDT": -240,
}

// generalZone reads SimpleDateFormat's general time zone at the start of b:
// an abbreviation, optionally followed by an offset (GMT+09:00), or an
// offset alone. An abbreviation is kept in f.zoneName for epochMillis to
// resolve against the --tz zone first.
func generalZone(b []byte, f *dateFields) (int, bool) {
	n := 0
	for n < len(b) && (b[n] >= 'A' && b[n] <= 'Z' || b[n] >= 'a' && b[n] <= 'z') {
		n++
	}
	if n == 0 {
		m, off, ok := isoZone(b)
		if ok {
			f.zoneOffset, f.zoned = off, true
		}
		return m, ok
	}
	name := b[:n]
	if m, off, ok := isoZone(b[n:]); ok && (n == 3 && (string(name) == "GMT" || string(name) == "UTC")) {
		f.zoneOffset, f.zoned = off, true
		return n + m, true
	}
	f.zoneName = name
	return n, true
}

// daysIn returns the days of a month, 0 for a month out of range.
func daysIn(month, year int) int {
	switch month {
	case 1, 3, 5, 7, 8, 10, 12:
		return 31
	case 4, 6, 9, 11:
		return 30
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 0
}

// civilSeconds returns the seconds since the epoch of a UTC civil time
// (Howard Hinnant's days_from_civil).
func civilSeconds(year, month, day, hour, minute, second int) int64 {
	y := int64(year)
	if month <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	m := int64(month)
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + int64(day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := era*146097 + doe - 719468
	return days*86400 + int64(hour)*3600 + int64(minute)*60 + int64(second)
}

// epochMillis turns fields into epoch milliseconds: by their own offset, or
// in the source's zone (cached per minute, since time.Date is the costly
// part and a busy file has thousands of rows a minute).
func (p *timeParser) epochMillis(f *dateFields) (int64, bool) {
	ms := int64(f.millis)
	if f.zoneName != nil {
		off, ok := p.zoneByName(f)
		if !ok {
			return 0, false
		}
		f.zoneOffset, f.zoned = off, true
	}
	if f.zoned {
		sec := civilSeconds(f.year, f.month, f.day, f.hour, f.minute, f.second) - int64(f.zoneOffset)
		return sec*1000 + ms, true
	}
	key := [5]int{f.year, f.month, f.day, f.hour, f.minute}
	if !p.minuteValid || key != p.minuteKey {
		p.minuteKey = key
		p.minuteSec = time.Date(f.year, time.Month(f.month), f.day, f.hour, f.minute, 0, 0, p.loc).Unix()
		p.minuteValid = true
	}
	return (p.minuteSec+int64(f.second))*1000 + ms, true
}

// zoneByName resolves a zone abbreviation: the --tz zone when it has that
// name at that time, else a well-known abbreviation.
func (p *timeParser) zoneByName(f *dateFields) (int, bool) {
	t := time.Date(f.year, time.Month(f.month), f.day, f.hour, f.minute, f.second, 0, p.loc)
	if name, off := t.Zone(); name == string(f.zoneName) {
		return off, true
	}
	if m, ok := zoneAbbrevs[strings.ToUpper(string(f.zoneName))]; ok {
		return m * 60, true
	}
	return 0, false
}
