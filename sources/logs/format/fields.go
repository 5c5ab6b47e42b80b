package format

import (
	"bytes"
	"time"
)

// Field names of structured logs, best first. A line may carry several (a
// logstash record has both "level" and "level_value"); the best one wins.
var (
	// timeKeys: logstash/ECS, generic, slog/logrus/zerolog/docker, zap/go-kit,
	// journald, Serilog compact JSON.
	timeKeys = []string{"@timestamp", "timestamp", "time", "ts", "__REALTIME_TIMESTAMP", "datetime", "@t"}
	// levelKeys: most loggers, ECS dotted (or nested log → level),
	// GCP/OTel-ish, go-kit short, Python, Serilog, journald, logstash numeric.
	levelKeys = []string{"level", "log.level", "severity", "lvl", "levelname", "loglevel", "@l", "PRIORITY", "level_value"}
)

// priorityRank is the rank of journald's PRIORITY in levelKeys, whose digits
// are syslog severities rather than bunyan levels.
const priorityRank = 7

// rank returns the index of prefix.key (or key when prefix is empty) in
// names, or -1.
func rank(names []string, prefix, key []byte) int {
	for i, n := range names {
		if len(prefix) == 0 {
			if string(key) == n {
				return i
			}
			continue
		}
		if len(n) == len(prefix)+1+len(key) && n[len(prefix)] == '.' &&
			string(prefix) == n[:len(prefix)] && string(key) == n[len(prefix)+1:] {
			return i
		}
	}
	return -1
}

// hasChild reports whether some name continues key with ".": a nested
// object worth looking into (ECS's "log":{"level":...}).
func hasChild(names []string, key []byte) bool {
	for _, n := range names {
		if len(n) > len(key) && n[len(key)] == '.' && n[:len(key)] == string(key) {
			return true
		}
	}
	return false
}

// hit is where a wanted field's value lies in the line.
type hit struct {
	rank       int // index in the key list, -1 when absent
	start, end int // the value, without quotes
}

func (h *hit) offer(r, start, end int) {
	if r >= 0 && (h.rank < 0 || r < h.rank) {
		*h = hit{rank: r, start: start, end: end}
	}
}

// structured holds what a JSON or logfmt scan found.
type structured struct {
	time, level hit
}

// header turns the fields found into a Header.
func (s *structured) header(line []byte, loc *time.Location) Header {
	h := Header{LevelCol: -1}
	if s.time.rank >= 0 {
		h.Time, _ = parseValueTime(line[s.time.start:s.time.end], loc)
	}
	if s.level.rank >= 0 {
		v := line[s.level.start:s.level.end]
		if l, ok := levelValue(v, s.level.rank == priorityRank); ok {
			h.Level, h.LevelText, h.LevelCol = l, intern(v), s.level.start
		}
	}
	return h
}

// scanJSON looks for the time and level fields of a JSON object line,
// without decoding it: top-level members and the members of one nested
// level are visited, other values are skipped. ok is false when the line is
// not a JSON object; a line that ends inside the object (cut at the display
// cap) still counts.
func scanJSON(b []byte) (s structured, ok bool) {
	s.time.rank, s.level.rank = -1, -1
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return s, false
	}
	_, ok = scanObject(b, i, nil, &s)
	return s, ok
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// scanObject scans the object at b[i] == '{'. It returns the index past
// its '}' (len(b) when cut short) and whether it is well formed so far.
func scanObject(b []byte, i int, prefix []byte, s *structured) (int, bool) {
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return i, true
		}
		if b[i] == '}' {
			return i + 1, true
		}
		if b[i] != '"' {
			return i, false
		}
		kEnd, ok := stringEnd(b, i+1)
		if !ok {
			return len(b), true
		}
		key := b[i+1 : kEnd]
		i = skipSpace(b, kEnd+1)
		if i >= len(b) {
			return i, true
		}
		if b[i] != ':' {
			return i, false
		}
		i = skipSpace(b, i+1)
		if i >= len(b) {
			return i, true
		}
		switch c := b[i]; {
		case c == '"':
			end, ok := stringEnd(b, i+1)
			if !ok {
				return len(b), true
			}
			s.time.offer(rank(timeKeys, prefix, key), i+1, end)
			s.level.offer(rank(levelKeys, prefix, key), i+1, end)
			i = end + 1
		case c == '{':
			if prefix == nil && (hasChild(timeKeys, key) || hasChild(levelKeys, key)) {
				if i, ok = scanObject(b, i, key, s); !ok {
					return i, false
				}
			} else if i, ok = skipNested(b, i); !ok {
				return i, false
			}
		case c == '[':
			if i, ok = skipNested(b, i); !ok {
				return i, false
			}
		case c == '-' || isDigit(c) || c == 't' || c == 'f' || c == 'n':
			end := i + 1
			for end < len(b) && b[end] != ',' && b[end] != '}' && b[end] != ']' &&
				b[end] != ' ' && b[end] != '\t' && b[end] != '\r' && b[end] != '\n' {
				end++
			}
			s.time.offer(rank(timeKeys, prefix, key), i, end)
			s.level.offer(rank(levelKeys, prefix, key), i, end)
			i = end
		default:
			return i, false
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return i, true
		}
		switch b[i] {
		case ',':
			i++
		case '}':
			return i + 1, true
		default:
			return i, false
		}
	}
}

// stringEnd returns the index of the quote that closes the string whose
// body starts at b[i]; ok is false when the line ends first.
func stringEnd(b []byte, i int) (int, bool) {
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return len(b), false
		}
		j += i
		// The quote is escaped when an odd number of backslashes precede it.
		n := 0
		for k := j - 1; k >= i && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return j, true
		}
		i = j + 1
	}
}

// skipNested skips the object or array at b[i], returning the index past
// it (len(b) when cut short) and whether its brackets pair up.
func skipNested(b []byte, i int) (int, bool) {
	var stack [64]byte
	depth := 0
	for ; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			end, ok := stringEnd(b, i+1)
			if !ok {
				return len(b), true
			}
			i = end
		case '{', '[':
			if depth == len(stack) {
				return i, false
			}
			stack[depth] = c
			depth++
		case '}', ']':
			if depth == 0 || (c == '}') != (stack[depth-1] == '{') {
				return i, false
			}
			depth--
			if depth == 0 {
				return i + 1, true
			}
		}
	}
	return i, true
}

// logfmt field names.
var (
	logfmtTime  = []string{"time", "ts", "timestamp", "t"}
	logfmtLevel = []string{"level", "lvl", "severity", "loglevel"}
)

// scanLogfmt looks for the time and level of a logfmt line (key=value
// pairs, values and keys quoted when needed). ok is false unless the line
// starts with a pair and has a time or level field.
func scanLogfmt(b []byte) (s structured, ok bool) {
	s.time.rank, s.level.rank = -1, -1
	pairs := 0
	i := 0
	for i < len(b) && (s.time.rank != 0 || s.level.rank != 0) {
		for i < len(b) && b[i] == ' ' {
			i++
		}
		if i >= len(b) {
			break
		}
		var key []byte
		if b[i] == '"' {
			end, closed := stringEnd(b, i+1)
			if !closed {
				break
			}
			key, i = b[i+1:end], end+1
		} else {
			j := i
			for j < len(b) && b[j] != ' ' && b[j] != '=' && b[j] != '"' {
				j++
			}
			key, i = b[i:j], j
		}
		if i >= len(b) || b[i] != '=' || len(key) == 0 {
			if pairs == 0 {
				return s, false
			}
			// A bare word among pairs: skip it.
			for i < len(b) && b[i] != ' ' {
				i++
			}
			continue
		}
		i++
		start, end := i, i
		if i < len(b) && b[i] == '"' {
			e, _ := stringEnd(b, i+1)
			start, end, i = i+1, e, e+1
		} else {
			for end < len(b) && b[end] != ' ' {
				end++
			}
			i = end
		}
		pairs++
		s.time.offer(rank(logfmtTime, nil, key), start, end)
		s.level.offer(rank(logfmtLevel, nil, key), start, end)
	}
	return s, pairs > 0 && (s.time.rank >= 0 || s.level.rank >= 0)
}
