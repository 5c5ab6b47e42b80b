package jtl

import (
	"encoding/binary"
	"time"
)

// timeParser reads a JTL timeStamp: epoch milliseconds (JMeter's default), or
// a date written with jmeter.save.saveservice.timestamp_format, which
// SimpleDateFormat writes in the JVM's zone without saying which: such dates
// are read in the source's zone.
type timeParser struct {
	loc *time.Location
	// layout reads dates of a known layout: given by the user (strict: then
	// no other date form is guessed) or detected from the first values.
	layout *dateLayout
	strict bool
	// undecided: the CSV parser has not seen a timestamp yet; the first one
	// that is not epoch milliseconds starts layout detection (timedetect.go).
	undecided bool
	// The epoch second of the last minute a layout read in loc.
	minuteKey   [5]int
	minuteSec   int64
	minuteValid bool
	// The seconds of the last fixed-width date, so the rows of one second
	// (most of a busy file) cost a comparison instead of a time.Date.
	lastPrefix [19]byte
	lastSec    int64
	haveLast   bool
	lastLayout int // index in fallbackLayouts of the last layout that matched
}

// fallbackLayouts are tried when a timestamp is neither epoch milliseconds
// nor a fixed-width yyyy?MM?dd HH:mm:ss[.SSS] date. They are the formats
// JMeter's own reader tries plus ISO 8601 with a
// zone, which users configure as yyyy-MM-dd'T'HH:mm:ss.SSSZ. Go accepts a
// fractional second after the seconds even when the layout has none.
var fallbackLayouts = []string{
	"01/02/06 15:04:05", // first: parse skips it after a detected day/month order
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006/01/02 15:04:05Z07:00",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 Z0700",
	"2006/01/02 15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
}

// parse returns the epoch milliseconds of b.
func (p *timeParser) parse(b []byte) (int64, bool) {
	if p.layout != nil {
		if ms, ok := p.layout.parse(b, p); ok || p.strict {
			return ms, ok
		}
	}
	if ms, ok := atoi(b); ok {
		return ms, true
	}
	if ms, ok := p.fixedWidth(b); ok {
		return ms, true
	}
	if len(b) == 0 || len(b) > 64 {
		return 0, false
	}
	s := string(b)
	for i := range fallbackLayouts {
		j := (p.lastLayout + i) % len(fallbackLayouts)
		if j == 0 && p.layout != nil && p.layout.yearLast {
			continue // the values were found to be day-first or month-first: no guessing MM/dd/yy
		}
		t, err := time.ParseInLocation(fallbackLayouts[j], s, p.loc)
		if err == nil {
			p.lastLayout = j
			return t.UnixMilli(), true
		}
	}
	return 0, false
}

// want says what a timestamp should look like, for bad-row messages
// (sources.Expected).
func (p *timeParser) want() string {
	switch {
	case p.layout != nil && p.strict:
		return "a date written as '" + p.layout.pattern + "' (--jtl-time-format)"
	case p.layout != nil:
		return "a date written as '" + p.layout.pattern + "' (as the first values are) or epoch milliseconds"
	}
	return "epoch milliseconds or a date like 2006/01/02 15:04:05.000"
}

// fixedWidth parses yyyy/MM/dd HH:mm:ss[.S{1,9}] with '/' or '-' between the
// date parts and ' ' or 'T' before the time, without allocating.
func (p *timeParser) fixedWidth(b []byte) (int64, bool) {
	if len(b) < 19 {
		return 0, false
	}
	sep := b[4]
	if (sep != '/' && sep != '-') || b[7] != sep || (b[10] != ' ' && b[10] != 'T') ||
		b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	var ms int64
	switch {
	case len(b) == 19:
	case b[19] == '.' && len(b) > 20 && len(b) <= 29:
		frac := b[20:]
		scale := int64(100)
		for i, c := range frac {
			if c < '0' || c > '9' {
				return 0, false
			}
			if i < 3 {
				ms += int64(c-'0') * scale
				scale /= 10
			}
		}
	default:
		return 0, false
	}
	if p.haveLast && string(b[:19]) == string(p.lastPrefix[:]) {
		return p.lastSec*1000 + ms, true
	}
	num := func(s []byte) int {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(b[0:4]), num(b[5:7]), num(b[8:10])
	hour, minute, sec := num(b[11:13]), num(b[14:16]), num(b[17:19])
	if year < 0 || month < 1 || month > 12 || day < 1 || day > 31 ||
		hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 60 {
		return 0, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, p.loc)
	if t.Day() != day {
		return 0, false // 2023-02-30 and the like
	}
	copy(p.lastPrefix[:], b[:19])
	p.lastSec = t.Unix()
	p.haveLast = true
	return p.lastSec*1000 + ms, true
}

// atoi parses an optionally negative decimal integer of at most 18 digits.
func atoi(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg, b = true, b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	if len(b) >= 8 {
		// Eight digits at once (an epoch timestamp has 13), without a
		// multiplication chained on each digit.
		w := binary.LittleEndian.Uint64(b)
		if w&0xF0F0F0F0F0F0F0F0 != 0x3030303030303030 || (w+0x0606060606060606)&0xF0F0F0F0F0F0F0F0 != 0x3030303030303030 {
			return 0, false
		}
		w = (w & 0x0F0F0F0F0F0F0F0F) * 2561 >> 8
		w = (w & 0x00FF00FF00FF00FF) * 6553601 >> 16
		n = int64((w & 0x0000FFFF0000FFFF) * 42949672960001 >> 32)
		b = b[8:]
	}
	for _, c := range b {
		c -= '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + int64(c)
	}
	if neg {
		n = -n
	}
	return n, true
}
