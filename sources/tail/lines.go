package tail

import "bytes"

// MaxLine is the longest line kept whole; the rest of a longer line is
// dropped and the line is flagged as cut.
const MaxLine = 1 << 20

// Lines splits consecutive chunks into lines, keeping the partial last line
// until its end arrives. CR LF and LF both end a line.
//
// It also tracks where each line lies in the input, counting from the start
// or the last Reset, so that a log index can read a line back from its file
// (Span).
type Lines struct {
	partial []byte
	cut     bool
	line    int

	pos    int64 // offset of the next byte fed or skipped
	start  int64 // offset of the current line's first byte
	end    int64 // offset just past the emitted line's newline
	inLine bool  // a byte of the current line was fed
	// dropped counts the bytes of the current line past MaxLine.
	dropped int64
}

// Feed calls emit for every complete line in p, with its 1-based number and
// whether it was cut at MaxLine. The line slice is valid only during emit.
func (s *Lines) Feed(p []byte, emit func(line []byte, no int, cut bool)) {
	for len(p) > 0 {
		if !s.inLine {
			s.start, s.inLine = s.pos, true
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.keep(p)
			s.pos += int64(len(p))
			return
		}
		s.pos += int64(i + 1)
		s.end = s.pos
		var line []byte
		if len(s.partial) > 0 {
			s.keep(p[:i])
			line = s.partial
		} else {
			line = p[:i]
			if len(line) > MaxLine {
				s.dropped += int64(len(line) - MaxLine)
				line, s.cut = line[:MaxLine], true
			}
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		s.line++
		emit(line, s.line, s.cut)
		s.partial = s.partial[:0]
		s.cut = false
		s.inLine = false
		s.dropped = 0
		p = p[i+1:]
	}
}

func (s *Lines) keep(p []byte) {
	room := MaxLine - len(s.partial)
	if len(p) > room {
		s.dropped += int64(len(p) - room)
		p, s.cut = p[:room], true
	}
	s.partial = append(s.partial, p...)
}

// Next returns the number of the line being read: the next one Feed
// emits.
func (s *Lines) Next() int { return s.line + 1 }

// Pending reports whether a partial line is held.
func (s *Lines) Pending() bool { return len(s.partial) > 0 }

// Flush emits the held partial line as a complete one (at the end of input).
func (s *Lines) Flush(emit func(line []byte, no int, cut bool)) {
	if len(s.partial) == 0 {
		return
	}
	s.line++
	s.end = s.pos
	emit(bytes.TrimSuffix(s.partial, []byte{'\r'}), s.line, s.cut)
	s.partial = s.partial[:0]
	s.cut = false
	s.inLine = false
	s.dropped = 0
}

// Dropped returns how many bytes of the line being emitted were dropped
// past MaxLine (0 unless it was cut). It is valid only during emit.
func (s *Lines) Dropped() int64 { return s.dropped }

// Skip accounts for n bytes of the input that are not fed (a run of NUL
// bytes), so that later offsets stay right.
func (s *Lines) Skip(n int64) { s.pos += n }

// Span returns where the line being emitted lies in the input: from its
// first byte to just past its newline (or the end, for a last line without
// one), skipped bytes included. It is valid only during emit.
func (s *Lines) Span() (start, end int64) { return s.start, s.end }

// Reset forgets the partial line and restarts the line count.
func (s *Lines) Reset() {
	s.partial = s.partial[:0]
	s.cut = false
	s.line = 0
	s.pos, s.start, s.end, s.inLine, s.dropped = 0, 0, 0, false, 0
}
