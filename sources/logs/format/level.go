package format

import (
	"strconv"
	"strings"

	"github.com/sobang/sobang/sources"
)

// levelWords maps the upper-case level words of the usual loggers to levels.
// TRACE DEBUG INFO WARN WARNING ERROR FATAL SEVERE CRITICAL are the common
// set; the rest are syslog severities and zap's panics.
var levelWords = map[string]sources.Level{
	"TRACE": sources.LevelTrace, "FINEST": sources.LevelTrace,
	"DEBUG": sources.LevelDebug, "DBG": sources.LevelDebug, "FINE": sources.LevelDebug, "FINER": sources.LevelDebug,
	"INFO": sources.LevelInfo, "NOTICE": sources.LevelInfo,
	"WARN": sources.LevelWarn, "WARNING": sources.LevelWarn,
	"ERROR": sources.LevelError, "ERR": sources.LevelError, "SEVERE": sources.LevelError,
	"FATAL": sources.LevelFatal, "CRITICAL": sources.LevelFatal, "CRIT": sources.LevelFatal,
	"ALERT": sources.LevelFatal, "EMERG": sources.LevelFatal, "EMERGENCY": sources.LevelFatal,
	"PANIC": sources.LevelFatal, "DPANIC": sources.LevelFatal,
}

// freeWords are level words that are also ordinary English, accepted only
// where a format puts its level (a JSON or logfmt level field, a Spring
// Boot level column), never when searching free text.
var freeWords = map[string]bool{"FINE": true, "FINER": true, "FINEST": true, "ALERT": true, "PANIC": true}

// spellings interns the level words as they are usually written (upper,
// lower and title case) and the HTTP status codes, so that LevelText costs
// no allocation per line.
var spellings = map[string]string{}

func init() {
	for w := range levelWords {
		for _, s := range []string{w, strings.ToLower(w), w[:1] + strings.ToLower(w[1:])} {
			spellings[s] = s
		}
	}
	for code := 100; code < 600; code++ {
		s := strconv.Itoa(code)
		spellings[s] = s
	}
	for _, s := range []string{"I", "W", "E", "F", "D"} {
		spellings[s] = s
	}
}

// intern returns b as a string, shared for the usual spellings.
func intern(b []byte) string {
	if s, ok := spellings[string(b)]; ok {
		return s
	}
	return string(b)
}

// maxWord is the longest level word.
const maxWord = len("EMERGENCY")

// lookupLevel returns the level of a level word written in any case. Words
// that are also plain English are refused when inText is set.
func lookupLevel(b []byte, inText bool) (sources.Level, bool) {
	if len(b) < 3 || len(b) > maxWord {
		return 0, false
	}
	var up [maxWord]byte
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		} else if c < 'A' || c > 'Z' {
			return 0, false
		}
		up[i] = c
	}
	w := up[:len(b)]
	l, ok := levelWords[string(w)]
	if ok && inText && freeWords[string(w)] {
		return 0, false
	}
	return l, ok
}

// levelValue reads a level field's value: a word ("warn", "WARNING",
// "INFO+2" as slog prints offsets), or a number as logstash-logback-encoder
// (level_value 5000–40000), bunyan/pino (10–60) or syslog/journald
// PRIORITY (0–7, with syslog set) write it.
func levelValue(v []byte, syslog bool) (sources.Level, bool) {
	if len(v) == 0 {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		n := 0
		for _, c := range v {
			if c < '0' || c > '9' || n > 1e6 {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return numericLevel(n, syslog)
	}
	// slog's "INFO+2", "ERROR-1": the word before the offset.
	end := len(v)
	for i, c := range v {
		if c == '+' || c == '-' {
			end = i
			break
		}
	}
	return lookupLevel(v[:end], false)
}

func numericLevel(n int, syslog bool) (sources.Level, bool) {
	switch {
	case syslog && n <= 7:
		return [...]sources.Level{sources.LevelFatal, sources.LevelFatal, sources.LevelFatal,
			sources.LevelError, sources.LevelWarn, sources.LevelInfo, sources.LevelInfo, sources.LevelDebug}[n], true
	case n >= 1000: // logstash level_value, log4j intLevel multiples
		switch {
		case n < 10000:
			return sources.LevelTrace, true
		case n < 20000:
			return sources.LevelDebug, true
		case n < 30000:
			return sources.LevelInfo, true
		case n < 40000:
			return sources.LevelWarn, true
		case n < 50000:
			return sources.LevelError, true
		}
		return sources.LevelFatal, true
	case n >= 10 && n <= 60: // bunyan, pino
		return [...]sources.Level{sources.LevelTrace, sources.LevelDebug, sources.LevelInfo,
			sources.LevelWarn, sources.LevelError, sources.LevelFatal}[n/10-1], true
	}
	return 0, false
}

// httpLevel derives a level from an HTTP status: 5xx error, 4xx warning.
func httpLevel(code int) sources.Level {
	switch {
	case code >= 500:
		return sources.LevelError
	case code >= 400:
		return sources.LevelWarn
	}
	return sources.LevelInfo
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isWordByte(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' || c == '_' }

// findLevelWord returns the first whole word of b[from:to] that is a level
// word: a run of letters bounded by bytes that are not letters, digits or
// '_' (so "INFO", "[error]", ":WARN:" count, "ERRORS" and "info_x" do not).
func findLevelWord(b []byte, from, to int) (sources.Level, int, int) {
	if to > len(b) {
		to = len(b)
	}
	for i := from; i < to; {
		if !isLetter(b[i]) || (i > 0 && isWordByte(b[i-1])) {
			i++
			continue
		}
		j := i + 1
		for j < len(b) && isLetter(b[j]) {
			j++
		}
		if j-i >= 3 && j-i <= maxWord && (j == len(b) || !isWordByte(b[j])) {
			if l, ok := lookupLevel(b[i:j], true); ok {
				return l, i, j
			}
		}
		i = j
	}
	return sources.LevelUnknown, -1, -1
}
