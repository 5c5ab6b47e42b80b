package jtl

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
)

// Layout detection: a CSV JTL whose first timestamp is not epoch milliseconds
// was written with a custom jmeter.save.saveservice.timestamp_format. Its
// layout is detected from the first detectValues values as year, month, day,
// hour, minute, second and an optional fraction with fixed separators
// (2026/11/25_12:38:45.787, 2026-11-25 12:38:45, 20261125123845), the year
// first or last, with an optional AM/PM and zone at the end.
//
// A year-last date could be day-first or month-first: both readings stay
// candidates until a value fits only one (a day above 12). Candidates are
// dropped value by value and the choice is made as soon as one is left, so
// the outcome depends only on the values, never on how the input was cut
// into chunks; while two are left and fewer than detectValues values have
// been seen, the parser holds the rows back and waits for more input. After
// detectValues values (or at the end of the input) two candidates left is an
// error that asks for --jtl-time-format.
const detectValues = 100

// detectOutcome is what decideLayout found.
type detectOutcome uint8

const (
	detectNeedMore  detectOutcome = iota // undecided; more values may decide
	detectDecided                        // one layout fits
	detectNone                           // no value is a date layout sobang detects
	detectAmbiguous                      // several layouts fit every value
)

// isEpochMillis reports whether v is a plain integer of fewer than 14
// digits: epoch milliseconds until the year 2286. Longer digit strings may
// be yyyyMMddHHmmss.
func isEpochMillis(v []byte) bool {
	_, ok := atoi(v)
	if !ok {
		return false
	}
	if len(v) > 0 && v[0] == '-' {
		return true
	}
	return len(v) < 14
}

// decideLayout looks at values in order (epoch values and values that fit
// no candidate are skipped). final says no more values will come.
func decideLayout(values [][]byte, final bool, pivot int) (l *dateLayout, cands []*dateLayout, outcome detectOutcome) {
	for _, v := range values {
		if isEpochMillis(v) {
			continue
		}
		if cands == nil {
			cands = candidateLayouts(v, pivot)
		} else {
			kept := make([]*dateLayout, 0, len(cands))
			p := timeParser{loc: time.UTC}
			for _, c := range cands {
				if _, ok := c.parse(v, &p); ok {
					kept = append(kept, c)
				}
			}
			if len(kept) > 0 {
				cands = kept
			}
		}
		if len(cands) == 1 {
			return cands[0], cands, detectDecided
		}
	}
	if !final && len(values) < detectValues {
		return nil, cands, detectNeedMore
	}
	if len(cands) == 0 {
		return nil, nil, detectNone
	}
	return nil, cands, detectAmbiguous
}

// dateOrder is the order of the three date fields.
type dateOrder uint8

const (
	orderYMD dateOrder = iota
	orderDMY
	orderMDY
)

// candidateLayouts returns the layouts v could have been written with and
// that read it as a valid date: one, two (day-first and month-first), or
// none.
func candidateLayouts(v []byte, pivot int) []*dateLayout {
	if len(v) == 0 || len(v) > 64 {
		return nil
	}
	// A zone at the end (Z, ±hh, ±hhmm, ±hh:mm, maybe after a space), then
	// an AM/PM marker before it; the value as it is is tried first.
	for _, n := range []int{0, 1, 3, 5, 6} {
		body, zoneSep, zone := v, "", ""
		if n > 0 {
			if len(v) <= n {
				continue
			}
			z := v[len(v)-n:]
			if m, _, ok := isoZone(z); !ok || m != n {
				continue
			}
			body, zone = v[:len(v)-n], zonePattern(z)
			if body[len(body)-1] == ' ' {
				body, zoneSep = body[:len(body)-1], " "
			}
		}
		ampm := ""
		if k := len(body); k >= 3 && (bytes.EqualFold(body[k-2:], []byte("AM")) || bytes.EqualFold(body[k-2:], []byte("PM"))) {
			body = body[:k-2]
			if body[len(body)-1] == ' ' {
				body, ampm = body[:len(body)-1], " "
			}
			ampm += "a"
		}
		if c := layoutsOf(body, ampm, zoneSep, zone, pivot, v); c != nil {
			return c
		}
	}
	return nil
}

// zonePattern is the X pattern that writes zone.
func zonePattern(zone []byte) string {
	switch len(zone) {
	case 1, 3:
		return "X"
	case 5:
		return "XX"
	}
	return "XXX"
}

// field is one date or time field found in a value.
type field struct {
	width int
	fixed bool   // cut out of a longer digit run
	sep   string // the separator written before it ("" when cut or first)
}

// layoutsOf splits body (a value without its AM/PM and zone) into six or
// seven numeric fields and returns the layouts that read whole (full, the
// value as written) as a valid date.
func layoutsOf(body []byte, ampm, zoneSep, zone string, pivot int, full []byte) []*dateLayout {
	if len(body) == 0 || !isDigit(body[0]) || !isDigit(body[len(body)-1]) {
		return nil
	}
	var fields []field
	compactDate := false
	sep := ""
	for i := 0; i < len(body); {
		j := i
		for j < len(body) && isDigit(body[j]) {
			j++
		}
		w := j - i
		switch k := len(fields); {
		case k == 0 && w >= 14:
			for _, fw := range []int{4, 2, 2, 2, 2, 2} {
				fields = append(fields, field{width: fw, fixed: true})
			}
			if w > 14 {
				if w > 23 {
					return nil
				}
				fields = append(fields, field{width: w - 14, fixed: true})
			}
			compactDate = true
		case k == 0 && w == 8:
			fields = append(fields, field{width: 4, fixed: true}, field{width: 2, fixed: true}, field{width: 2, fixed: true})
			compactDate = true
		case k == 3 && w == 6:
			fields = append(fields, field{width: 2, fixed: true, sep: sep}, field{width: 2, fixed: true}, field{width: 2, fixed: true})
		case k < 6 && (w <= 2 || w == 4 && k < 3):
			fields = append(fields, field{width: w, sep: sep})
		case k == 6 && w <= 9 && (sep == "." || sep == ","):
			fields = append(fields, field{width: w, sep: sep})
		default:
			return nil
		}
		if j == len(body) {
			break
		}
		i = j
		for j < len(body) && !isDigit(body[j]) {
			j++
		}
		sep = string(body[i:j])
		if len(sep) > 3 || j == len(body) {
			return nil
		}
		i = j
	}
	if len(fields) != 6 && len(fields) != 7 {
		return nil
	}
	var orders []dateOrder
	w1, w2, w3 := fields[0].width, fields[1].width, fields[2].width
	switch {
	case compactDate || w1 == 4 && w2 <= 2 && w3 <= 2:
		orders = []dateOrder{orderYMD}
	case w3 == 4 && w1 <= 2 && w2 <= 2:
		orders = []dateOrder{orderDMY, orderMDY}
	case w1 <= 2 && w2 <= 2 && w3 <= 2:
		orders = []dateOrder{orderDMY, orderMDY, orderYMD}
	default:
		return nil
	}
	var out []*dateLayout
	p := timeParser{loc: time.UTC}
	for _, o := range orders {
		if o == orderYMD && len(orders) == 3 && len(out) > 0 {
			break // two-digit years are taken as the last field when the values allow it
		}
		l := buildLayout(fields, o, ampm, zoneSep, zone, pivot)
		if _, ok := l.parse(full, &p); ok {
			out = append(out, l)
		}
	}
	return out
}

// buildLayout makes the layout of fields in date order o.
func buildLayout(fields []field, o dateOrder, ampm, zoneSep, zone string, pivot int) *dateLayout {
	l := &dateLayout{pivot: pivot, yearLast: o != orderYMD, hasZone: zone != ""}
	var pat strings.Builder
	kinds := [3]tokKind{tokYear, tokMonth, tokDay}
	letters := [3]byte{'y', 'M', 'd'}
	switch o {
	case orderDMY:
		kinds, letters = [3]tokKind{tokDay, tokMonth, tokYear}, [3]byte{'d', 'M', 'y'}
	case orderMDY:
		kinds, letters = [3]tokKind{tokMonth, tokDay, tokYear}, [3]byte{'M', 'd', 'y'}
	}
	hour, hourLetter := tokHour, byte('H')
	if ampm != "" {
		hour, hourLetter = tokHour12, 'h'
	}
	for i, f := range fields {
		if f.sep != "" {
			l.tokens = append(l.tokens, token{kind: tokLit, lit: f.sep})
			pat.WriteString(quoteLiteral(f.sep))
		}
		var kind tokKind
		var letter byte
		switch {
		case i < 3:
			kind, letter = kinds[i], letters[i]
		case i == 3:
			kind, letter = hour, hourLetter
		case i == 4:
			kind, letter = tokMinute, 'm'
		case i == 5:
			kind, letter = tokSecond, 's'
		default:
			kind, letter = tokFraction, 'S'
		}
		if kind == tokFraction && !f.fixed {
			l.tokens[len(l.tokens)-1] = token{kind: tokFraction} // the fraction reads its own '.' or ','
		} else {
			n := f.width
			if kind == tokFraction {
				kind, n = tokMillis, f.width // cut from yyyyMMddHHmmssSSS: milliseconds
			}
			l.tokens = append(l.tokens, token{kind: kind, n: n, fixed: f.fixed})
		}
		pat.WriteString(strings.Repeat(string(letter), max(f.width, 1)))
	}
	if len(fields) == 6 {
		l.tokens = append(l.tokens, token{kind: tokFraction}) // optional: some writers drop .000
	}
	if ampm != "" {
		if ampm[0] == ' ' {
			l.tokens = append(l.tokens, token{kind: tokLit, lit: " "})
		}
		l.tokens = append(l.tokens, token{kind: tokAmPm})
		pat.WriteString(ampm)
	}
	if zone != "" {
		l.tokens = append(l.tokens, token{kind: tokZoneOptional, lit: zoneSep})
		pat.WriteString(zoneSep + zone)
	}
	l.pattern = pat.String()
	return l
}

// quoteLiteral writes a separator as SimpleDateFormat literal text.
func quoteLiteral(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '\'' {
			return "'" + strings.ReplaceAll(s, "'", "''") + "'"
		}
	}
	return s
}

// ambiguityError explains that the values fit several layouts.
func ambiguityError(line int, example []byte, seen int, cands []*dateLayout) error {
	var names []string
	for _, c := range cands {
		names = append(names, "'"+c.pattern+"'")
	}
	what := "could be read several ways"
	if len(cands) == 2 && cands[0].yearLast && cands[1].yearLast {
		what = fmt.Sprintf("could be day-first (%s) or month-first (%s)", cands[0].pattern, cands[1].pattern)
	}
	return sources.LineErrorf(line, "timeStamp %s %s, and the first %d values fit either; "+
		"give the layout with --jtl-time-format, e.g. --jtl-time-format %s",
		sources.Quote(example), what, seen, strings.Join(names, " or --jtl-time-format "))
}

// decideTimes runs at the first timestamp of a CSV file when no layout was
// given: epoch milliseconds need nothing; anything else starts detection over
// the values from this record on. It returns false when the record cannot be
// read yet: more input is needed (c.hold) or the layout is ambiguous (c.err).
func (c *csvParser) decideTimes(first []byte, line int) bool {
	if isEpochMillis(first) {
		c.times.undecided = false
		return true
	}
	values := c.lookahead(first)
	l, cands, outcome := decideLayout(values, c.final, c.pivot)
	switch outcome {
	case detectNeedMore:
		c.hold = true
		return false
	case detectAmbiguous:
		c.err = ambiguityError(line, first, len(values), cands)
		return false
	case detectDecided:
		c.times.layout = l
		if l.yearLast || strings.Contains(l.pattern, "yy") && !strings.Contains(l.pattern, "yyyy") {
			zone := "with the zone they carry"
			if !l.hasZone {
				zone = "in zone " + zoneName(c.times.loc, c.out.Clock().Now())
			}
			c.out.Warn(fmt.Sprintf("timeStamp: dates such as %s read as %s %s (detected from the first values); "+
				"if that is wrong, give the layout with --jtl-time-format", sources.Quote(first), l.pattern, zone))
		}
	case detectNone:
		if _, ok := c.times.parse(first); !ok {
			c.out.Warn(fmt.Sprintf("timeStamp: values such as %s are neither epoch milliseconds nor a date of year, month, day, "+
				"hour, minute and second; give JMeter's timestamp_format with --jtl-time-format, e.g. 'dd MMM yyyy HH:mm:ss'", sources.Quote(first)))
		}
	}
	c.times.undecided = false
	return true
}

// lookahead returns first and the timeStamp values of the records after the
// current one that the parser's buffer holds, up to detectValues in all.
// Lines are split on their own (a quoted field spanning lines is rare in a
// JTL and only costs a value); lines without the full field count are
// skipped.
func (c *csvParser) lookahead(first []byte) [][]byte {
	values := [][]byte{first}
	b := c.cur[c.curStart:]
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 {
		return values
	}
	b = b[nl+1:]
	ts := c.lay.index[colTimeStamp]
	for len(values) < detectValues && len(b) > 0 {
		var line []byte
		if nl := bytes.IndexByte(b, '\n'); nl >= 0 {
			line, b = b[:nl], b[nl+1:]
		} else if c.final {
			line, b = b, nil
		} else {
			break
		}
		if fields, _ := splitLine(line, c.delim); len(fields) == c.lay.fields {
			values = append(values, fields[ts])
		}
	}
	return values
}

// zoneName names a zone for messages: "Local" says little, the local
// zone's name at now says more.
func zoneName(loc *time.Location, now time.Time) string {
	if loc == time.Local {
		name, _ := now.In(loc).Zone()
		return "local (" + name + ", set another with --tz)"
	}
	return loc.String()
}
