package sources

import (
	"errors"
	"fmt"
	"strconv"
)

// How every message about bad input is worded, whoever reads the input (a
// load-test format, the log ingester, the scraper, the config loader, the
// SLO and time grammars, the flags): the value is quoted by Quote, the rest
// reads
//
//	FIELD: expected WANT, found "VALUE"
//
// and a place in a file is given once, in front, as path:line: (LineError).

// QuoteRunes is how much of a value from the input Quote shows: enough to
// recognise it, short enough to keep a message on one line.
const QuoteRunes = 40

// Quote renders a value read from the input for a message: Go-quoted, so
// that control characters, escape sequences and invalid UTF-8 are escaped
// and the message is safe to print on a terminal, and clipped to
// QuoteRunes runes with "…" after the closing quote when it is longer.
func Quote[T ~string | ~[]byte](value T) string {
	s := string(value)
	runes := 0
	for i := range s {
		if runes == QuoteRunes {
			return strconv.Quote(s[:i]) + "…"
		}
		runes++
	}
	return strconv.Quote(s)
}

// Expected words a bad value: `FIELD: expected WANT, found "VALUE"`. field
// names where the value was read (a column, an attribute, a key, a flag);
// without one the message starts at "expected". want says what fits there,
// with an example where one helps.
func Expected[T ~string | ~[]byte](field, want string, found T) string {
	msg := "expected " + want + ", found " + Quote(found)
	if field == "" {
		return msg
	}
	return field + ": " + msg
}

// ExpectedError is Expected as an error.
func ExpectedError[T ~string | ~[]byte](field, want string, found T) error {
	return errors.New(Expected(field, want, found))
}

// LineError is bad input at a place in a file, written the way compilers
// and editors write it, so that a terminal or an editor can jump there:
//
//	path:line: message
//
// Without a line (the file as a whole) it reads "path: message"; without a
// path (a parser that does not know its file, the rows of a source whose
// name is shown above them) "line N: message".
type LineError struct {
	Path string // the file as the user named it; "" when not known here
	Line int    // 1-based; 0 for the whole file
	Err  error  // what is wrong there
}

// Error renders the place and the message.
func (e *LineError) Error() string { return At(e.Path, e.Line, e.Err.Error()) }

// Unwrap returns what is wrong, for errors.Is and errors.As.
func (e *LineError) Unwrap() error { return e.Err }

// At renders msg at a place in a file as a LineError does; BadRow and
// messages that are not errors use it.
func At(path string, line int, msg string) string {
	switch {
	case path != "" && line > 0:
		return path + ":" + strconv.Itoa(line) + ": " + msg
	case path != "":
		return path + ": " + msg
	case line > 0:
		return "line " + strconv.Itoa(line) + ": " + msg
	}
	return msg
}

// AtLine returns err at line of a file not known here (InFile adds it);
// nil for a nil err.
func AtLine(line int, err error) error {
	if err == nil {
		return nil
	}
	return &LineError{Line: line, Err: err}
}

// LineErrorf is AtLine of a message formatted as by fmt.Errorf.
func LineErrorf(line int, format string, args ...any) error {
	return &LineError{Line: line, Err: fmt.Errorf(format, args...)}
}

// InFile returns err as an error of the file at path: a LineError without
// a path (from AtLine) gets this one, anything else is put after it; nil
// for a nil err.
func InFile(path string, err error) error {
	if err == nil {
		return nil
	}
	if le, ok := err.(*LineError); ok && le.Path == "" {
		return &LineError{Path: path, Line: le.Line, Err: le.Err}
	}
	return &LineError{Path: path, Err: err}
}

// AfterEpoch is what a load-test timestamp must be, as Expected's want: a
// row stamped at or before 1970-01-01T00:00:00Z (a zero, a negative number,
// a date before 1970) is no time a test ran at, and no second of the time
// axis holds it, so it is a bad row rather than a sample.
const AfterEpoch = "a time after the epoch (1970-01-01T00:00:00Z)"
