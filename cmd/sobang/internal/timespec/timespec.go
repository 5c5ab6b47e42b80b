// Package timespec parses the time arguments every sobang command shares:
// instants (--at, --from, the sides of --window), windows, per-source zones
// (SOURCE@ZONE) and per-source clock offsets (--offset SOURCE=D).
//
// It owns only parsing and the rules that turn text into epoch milliseconds;
// it must not read files or know about panes.
package timespec

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
)

// Ref is what relative forms are resolved against.
type Ref struct {
	DataStartMS int64          // the data's first instant; offsets and clock times need it
	Display     *time.Location // the display zone of clock times (local, or UTC with --utc)
}

// Instant is a parsed TIME that may still need the data's start.
type Instant struct {
	text   string
	abs    time.Time     // RFC 3339
	offset time.Duration // +90s
	clock  time.Duration // HH:MM[:SS] since midnight, -1 when not a clock time
	kind   byte          // 'a' absolute, 'o' offset, 'c' clock
}

// String returns the text the instant was parsed from.
func (i Instant) String() string { return i.text }

// ParseInstant parses a TIME: RFC 3339 with a zone (2026-11-25T12:38:19Z,
// ...+09:00), a clock time HH:MM[:SS] in the display zone on the data's first
// day, or an offset from the data's start (+90s, +1m30s).
func ParseInstant(s string) (Instant, error) {
	in := Instant{text: s}
	switch {
	case s == "":
		return in, sources.ExpectedError("", "a time in RFC 3339 (2026-11-25T12:38:19Z), HH:MM[:SS] or +DURATION", s)
	case strings.HasPrefix(s, "+"):
		d, err := time.ParseDuration(s[1:])
		if err != nil || d < 0 {
			return in, sources.ExpectedError("", "an offset from the data's start such as +90s or +1m30s", s)
		}
		in.kind, in.offset = 'o', d
		return in, nil
	case len(s) <= 8 && strings.Count(s, ":") >= 1 && !strings.ContainsAny(s, "TZ-+"):
		parts := strings.Split(s, ":")
		if len(parts) > 3 {
			break
		}
		var secs [3]int
		for k, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil || len(p) != 2 || n < 0 || (k == 0 && n > 23) || (k > 0 && n > 59) {
				return in, sources.ExpectedError("", "a clock time HH:MM or HH:MM:SS", s)
			}
			secs[k] = n
		}
		in.kind = 'c'
		in.clock = time.Duration(secs[0])*time.Hour + time.Duration(secs[1])*time.Minute + time.Duration(secs[2])*time.Second
		return in, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return in, sources.ExpectedError("", "RFC 3339 with a zone (2026-11-25T12:38:19Z or ...+09:00), HH:MM[:SS] or +DURATION", s)
	}
	in.kind, in.abs = 'a', t
	return in, nil
}

// NeedsData reports whether the instant is relative to the data's start.
func (i Instant) NeedsData() bool { return i.kind == 'o' || i.kind == 'c' }

// Resolve returns the instant in epoch milliseconds.
func (i Instant) Resolve(ref Ref) int64 {
	switch i.kind {
	case 'a':
		return i.abs.UnixMilli()
	case 'o':
		return ref.DataStartMS + i.offset.Milliseconds()
	case 'c':
		loc := ref.Display
		if loc == nil {
			loc = time.Local
		}
		day := time.UnixMilli(ref.DataStartMS).In(loc)
		midnight := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
		return midnight.Add(i.clock).UnixMilli()
	}
	return 0
}

// Window is a parsed START..END; an empty side means the data's edge.
type Window struct {
	From, To       Instant
	HasFrom, HasTo bool
}

// ParseWindow parses START..END.
func ParseWindow(s string) (Window, error) {
	var w Window
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		return w, sources.ExpectedError("", "START..END (either side may be empty), e.g. 12:38..12:40 or +60s..", s)
	}
	var err error
	if a != "" {
		if w.From, err = ParseInstant(a); err != nil {
			return w, fmt.Errorf("start: %w", err)
		}
		w.HasFrom = true
	}
	if b != "" {
		if w.To, err = ParseInstant(b); err != nil {
			return w, fmt.Errorf("end: %w", err)
		}
		w.HasTo = true
	}
	return w, nil
}

// Resolve returns [from, to) in epoch milliseconds; 0 stands for the data's
// edge on an empty side. It fails when the end is not after the start.
func (w Window) Resolve(ref Ref) (fromMS, toMS int64, err error) {
	if w.HasFrom {
		fromMS = w.From.Resolve(ref)
	}
	if w.HasTo {
		toMS = w.To.Resolve(ref)
	}
	if w.HasFrom && w.HasTo && toMS <= fromMS {
		return 0, 0, fmt.Errorf("window %s..%s: the end is not after the start", w.From, w.To)
	}
	return fromMS, toMS, nil
}

// SplitZone splits SOURCE@ZONE into the source and its zone. The text after
// the last @ counts as a zone only when it names one (Asia/Seoul, UTC,
// +09:00), so paths and URLs that contain @ are left alone.
func SplitZone(s string) (string, *time.Location) {
	i := strings.LastIndexByte(s, '@')
	if i <= 0 || i == len(s)-1 {
		return s, nil
	}
	loc, err := ParseZone(s[i+1:])
	if err != nil {
		return s, nil
	}
	return s[:i], loc
}

// ParseZone parses an IANA zone name, "Local", "UTC" or a fixed offset
// such as +09:00 or -0330.
func ParseZone(z string) (*time.Location, error) {
	if z == "" {
		return nil, sources.ExpectedError("", "a zone name such as Asia/Seoul, UTC or +09:00", z)
	}
	if z[0] == '+' || z[0] == '-' {
		digits := strings.ReplaceAll(z[1:], ":", "")
		if len(digits) == 2 {
			digits += "00"
		}
		if len(digits) != 4 {
			return nil, sources.ExpectedError("", "an offset +HH:MM", z)
		}
		h, err1 := strconv.Atoi(digits[:2])
		m, err2 := strconv.Atoi(digits[2:])
		if err1 != nil || err2 != nil || h > 14 || m > 59 {
			return nil, sources.ExpectedError("", "an offset +HH:MM", z)
		}
		off := h*3600 + m*60
		if z[0] == '-' {
			off = -off
		}
		return time.FixedZone(z, off), nil
	}
	if strings.ContainsAny(z, "/.:") && !strings.Contains(z, "/") {
		return nil, sources.ExpectedError("", "a zone name such as Asia/Seoul, UTC or +09:00", z)
	}
	loc, err := time.LoadLocation(z)
	if err != nil {
		return nil, sources.ExpectedError("", "an IANA zone name such as Asia/Seoul, UTC or +09:00", z)
	}
	return loc, nil
}

// ParseOffset parses --offset SOURCE=D, where D is a signed Go duration
// (-2.5s, +1m, 300ms).
func ParseOffset(s string) (source string, d time.Duration, err error) {
	i := strings.LastIndexByte(s, '=')
	if i <= 0 {
		return "", 0, sources.ExpectedError("", "SOURCE=DURATION, e.g. app.log=-2.5s", s)
	}
	d, err = time.ParseDuration(strings.TrimPrefix(s[i+1:], "+"))
	if err != nil {
		return "", 0, sources.ExpectedError(s[:i], "a duration such as -2.5s or 1m", s[i+1:])
	}
	return s[:i], d, nil
}
