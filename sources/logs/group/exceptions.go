package group

import (
	"strings"
)

// state is where the exception detector is (fluent-plugin-detect-exceptions'
// states, plus Python and Go).
type state uint8

const (
	stateNone      state = iota
	stateJavaStart       // after "nested exception is:": an exception line must follow
	stateJavaAfter       // after an exception line (or Caused by): message, frames
	stateJava            // in frames
	statePython          // in a Python traceback's frames
	stateGoPanic         // after "panic: ": [signal ...], blank lines, goroutine header
	stateGoFrames        // in a goroutine's frames
)

// addException runs one line through the exception state machine.
func (g *Grouper) addException(l Line, emit func(Group)) {
	if g.open && g.state != stateNone {
		next, ok := continues(g.state, l.Text)
		if ok {
			for _, t := range g.tentative {
				g.appendLine(t, emit)
			}
			g.tentative = g.tentative[:0]
			g.appendLine(l, emit)
			g.state = next
			if next == stateNone { // the line ended the trace (Python)
				g.emit(emit)
			}
			return
		}
		if g.holds(l.Text) {
			g.tentative = append(g.tentative, l)
			return
		}
		// The trace is over: emit it, then read the held lines and this
		// one afresh.
		held := append(g.tentative, l)
		g.tentative = nil
		g.emit(emit)
		g.state = stateNone
		for _, h := range held {
			g.addException(h, emit)
		}
		return
	}
	g.emit(emit)
	g.state = starts(l.Text)
	g.begin(l, false)
	if g.state == stateNone {
		g.emit(emit)
	}
}

// holds reports whether a line that does not continue the trace should be
// held while waiting for one that does: a Java exception's multi-line
// message, or blank lines between goroutines.
func (g *Grouper) holds(text string) bool {
	switch g.state {
	case stateJavaAfter:
		return len(g.tentative) < MaxMessageLines && starts(text) == stateNone
	case stateGoFrames:
		return len(g.tentative) < 2 && isBlank(text)
	}
	return false
}

// starts returns the state a line starts, stateNone for an ordinary line.
func starts(text string) state {
	switch {
	case isJavaException(text):
		return stateJavaAfter
	case strings.TrimRight(text, " ") == "Traceback (most recent call last):":
		return statePython
	case isGoPanic(text):
		return stateGoPanic
	}
	return stateNone
}

// continues reports whether text continues a trace in state s, and the
// state after it.
func continues(s state, text string) (state, bool) {
	switch s {
	case stateJavaStart:
		if isJavaException(text) {
			return stateJavaAfter, true
		}
	case stateJavaAfter, stateJava:
		t := strings.TrimLeft(text, " \t")
		indented := len(t) < len(text)
		switch {
		case s == stateJavaAfter && strings.TrimRight(t, " \t") == "nested exception is:":
			return stateJavaStart, true
		case s == stateJavaAfter && isBlank(text):
			return stateJavaAfter, true
		case indented && (strings.HasPrefix(t, "at ") || strings.HasPrefix(t, "eval at ")):
			return stateJava, true
		case strings.HasPrefix(t, "Caused by:") || strings.HasPrefix(t, "Suppressed:"):
			return stateJavaAfter, true
		case isMoreFrames(t):
			return stateJava, true
		}
	case statePython:
		switch {
		case text != "" && (text[0] == ' ' || text[0] == '\t'):
			return statePython, true // "  File ...", its code line, "    ^^^^"
		case isPythonExceptionLine(text):
			return stateNone, true
		}
	case stateGoPanic:
		switch {
		case isBlank(text), strings.HasPrefix(text, "[signal "):
			return stateGoPanic, true
		case isGoroutineHeader(text):
			return stateGoFrames, true
		}
	case stateGoFrames:
		switch {
		case text != "" && (text[0] == ' ' || text[0] == '\t'):
			return stateGoFrames, true // "\t/path/file.go:12 +0x1d"
		case isGoroutineHeader(text), strings.HasPrefix(text, "created by "):
			return stateGoFrames, true
		case strings.Contains(text, "(") && (strings.HasSuffix(text, ")") || strings.HasSuffix(text, "...")):
			return stateGoFrames, true // "main.main()", "panic({0x4a1b20, 0xc000012345})"
		}
	}
	return stateNone, false
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// isJavaException is /(?:Exception|Error|Throwable|V8 errors stack trace)[:\r\n]/:
// one of the words followed by ':' or the end of the line.
func isJavaException(s string) bool {
	for _, w := range [...]string{"Exception", "Error", "Throwable"} {
		for i := 0; ; {
			j := strings.Index(s[i:], w)
			if j < 0 {
				break
			}
			end := i + j + len(w)
			if end == len(s) || s[end] == ':' {
				return true
			}
			i = end
		}
	}
	return strings.Contains(s, "V8 errors stack trace")
}

// isMoreFrames is /^... \d+ (?:more|common frames omitted)$/ on the
// unindented line.
func isMoreFrames(t string) bool {
	rest, ok := strings.CutPrefix(t, "... ")
	if !ok {
		return false
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i == 0 {
		return false
	}
	rest = strings.TrimRight(rest[i:], " ")
	return rest == " more" || rest == " common frames omitted"
}

// isPythonExceptionLine is /^(?:[^\s.():]+\.)*[^\s.():]+:/.
func isPythonExceptionLine(s string) bool {
	colon := strings.IndexByte(s, ':')
	if colon <= 0 {
		return false
	}
	name := s[:colon]
	if strings.ContainsAny(name, " \t():") {
		return false
	}
	for part := range strings.SplitSeq(name, ".") {
		if part == "" {
			return false
		}
	}
	return true
}

// isGoPanic is /\bpanic: /.
func isGoPanic(s string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], "panic: ")
		if j < 0 {
			return false
		}
		j += i
		if j == 0 || !isWordByte(s[j-1]) {
			return true
		}
		i = j + 1
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// isGoroutineHeader is /^goroutine \d+ \[[^\]]+\]:$/.
func isGoroutineHeader(s string) bool {
	rest, ok := strings.CutPrefix(s, "goroutine ")
	if !ok {
		return false
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	rest = rest[i:]
	return i > 0 && strings.HasPrefix(rest, " [") && strings.HasSuffix(rest, "]:") &&
		len(rest) > 4 && !strings.ContainsRune(rest[2:len(rest)-2], ']')
}
