// Package container takes the envelopes container runtimes write around
// each line of a container's output off again, so that what the
// application wrote is detected and parsed as if read from its own file:
// Docker's json-file driver (`{"log":"…\n","stream":"stdout","time":"…"}`)
// and the Kubernetes CRI format of containerd and CRI-O
// (`2016-10-06T00:17:09.669794202Z stdout F …`). Both split a long line
// into partial records (a json-file "log" value without its newline, a CRI
// record tagged P), which are joined here into the line the application
// wrote. The runtime's time of each line is handed on for lines whose own
// text carries none.
//
// It owns no log format (package format does) and must not know the
// store.
package container

import (
	"bytes"
	"encoding/json"
	"time"
)

// Kind is an envelope.
type Kind uint8

// The envelopes Detect recognises.
const (
	None   Kind = iota // lines as the application wrote them
	Docker             // Docker's json-file logging driver
	CRI                // the Kubernetes container runtime interface's log format
)

// Name names the envelope for the status bar ("" for None).
func (k Kind) Name() string {
	switch k {
	case Docker:
		return "docker json-file"
	case CRI:
		return "Kubernetes CRI"
	}
	return ""
}

// MaxJoined bounds a line joined from partial records: past it the line is
// handed on as it stands, so that a runtime that never ends a line cannot
// grow memory without bound.
const MaxJoined = 4 << 20

// Detect recognises the envelope of a log from its first non-blank line.
func Detect(line []byte) Kind {
	if _, _, _, ok := docker(line); ok {
		return Docker
	}
	if _, _, _, ok := cri(line); ok {
		return CRI
	}
	return None
}

// Unwrapper takes envelopes of one kind off a log's lines, one physical
// line at a time, in order.
type Unwrapper struct {
	kind    Kind
	held    []byte    // the partial records so far
	heldAt  time.Time // the first partial's time
	holding bool
}

// New returns an Unwrapper for kind.
func New(kind Kind) *Unwrapper { return &Unwrapper{kind: kind} }

// Kind is the envelope it takes off.
func (u *Unwrapper) Kind() Kind { return u.kind }

// Line takes the envelope off one physical line and hands emit each line
// the application wrote that it completes, with the runtime's time of it
// (zero when unknown): none while the record is a partial one, held until
// the record that ends it; the held partials and then the line itself when
// a line without the envelope breaks them. A line without the envelope is
// handed on as it is. The slices emit gets are valid until it returns.
func (u *Unwrapper) Line(raw []byte, emit func(line []byte, at time.Time)) {
	var payload []byte
	var at time.Time
	var partial, ok bool
	switch u.kind {
	case Docker:
		payload, at, partial, ok = docker(raw)
	case CRI:
		payload, at, partial, ok = cri(raw)
	}
	if !ok {
		if line, at, held := u.Flush(); held {
			emit(line, at)
		}
		emit(raw, time.Time{})
		return
	}
	if !u.holding {
		u.held, u.heldAt = u.held[:0], at
	}
	if partial && len(u.held)+len(payload) < MaxJoined {
		u.held = append(u.held, payload...)
		u.holding = true
		return
	}
	if !u.holding {
		emit(payload, at)
		return
	}
	u.held = append(u.held, payload...)
	u.holding = false
	emit(u.held, u.heldAt)
}

// Flush hands on the partial records still held at the end of the input,
// ok false when none are.
func (u *Unwrapper) Flush() (line []byte, at time.Time, ok bool) {
	if !u.holding {
		return nil, time.Time{}, false
	}
	u.holding = false
	return u.held, u.heldAt, true
}

// dockerRecord is one json-file record.
type dockerRecord struct {
	Log    *string `json:"log"`
	Stream string  `json:"stream"`
	Time   string  `json:"time"`
}

// docker reads a json-file record: the line without its newline, and
// partial when the record holds no newline (a part of a longer line).
func docker(raw []byte) (payload []byte, at time.Time, partial, ok bool) {
	raw = bytes.TrimRight(raw, "\r")
	if len(raw) < 9 || raw[0] != '{' || !bytes.Contains(raw[:min(len(raw), 64)], []byte(`"log"`)) {
		return nil, time.Time{}, false, false
	}
	var r dockerRecord
	if json.Unmarshal(raw, &r) != nil || r.Log == nil {
		return nil, time.Time{}, false, false
	}
	s := *r.Log
	partial = len(s) == 0 || s[len(s)-1] != '\n'
	s = trimNewline(s)
	at, _ = time.Parse(time.RFC3339Nano, r.Time)
	return []byte(s), at, partial, true
}

// trimNewline drops a trailing "\n" or "\r\n".
func trimNewline(s string) string {
	if n := len(s); n > 0 && s[n-1] == '\n' {
		s = s[:n-1]
		if n := len(s); n > 0 && s[n-1] == '\r' {
			s = s[:n-1]
		}
	}
	return s
}

// cri reads a CRI record, "TIME STREAM TAG CONTENT": TAG is F for a full
// line and P for a part of one (it may carry more flags after a colon).
func cri(raw []byte) (payload []byte, at time.Time, partial, ok bool) {
	raw = bytes.TrimRight(raw, "\r")
	sp := bytes.IndexByte(raw, ' ')
	if sp < 20 || sp > 40 || raw[4] != '-' || raw[10] != 'T' {
		return nil, time.Time{}, false, false
	}
	t, err := time.Parse(time.RFC3339Nano, string(raw[:sp]))
	if err != nil {
		return nil, time.Time{}, false, false
	}
	rest := raw[sp+1:]
	var stream []byte
	if stream, rest, ok = bytes.Cut(rest, []byte{' '}); !ok || (string(stream) != "stdout" && string(stream) != "stderr") {
		return nil, time.Time{}, false, false
	}
	tag, content, found := bytes.Cut(rest, []byte{' '})
	if !found {
		tag, content = rest, nil // an empty full line
	}
	flag, _, _ := bytes.Cut(tag, []byte{':'})
	switch string(flag) {
	case "F":
	case "P":
		partial = true
	default:
		return nil, time.Time{}, false, false
	}
	return content, t, partial, true
}
