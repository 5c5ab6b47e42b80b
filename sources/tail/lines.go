package tail

import "bytes"

// MaxLine is the longest line kept whole; the rest of a longer line is
// dropped and the line is flagged as cut.
const MaxLine = 1 << 20

// Lines splits consecutive chunks into lines, keeping the partial last line
// until its end arrives. CR LF and LF both end a line.
type Lines struct {
	partial []byte
	cut     bool
	line    int
}

// Feed calls emit for every complete line in p, with its 1-based number and
// whether it was cut at MaxLine. The line slice is valid only during emit.
func (s *Lines) Feed(p []byte, emit func(line []byte, no int, cut bool)) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.keep(p)
			return
		}
		var line []byte
		if len(s.partial) > 0 {
			s.keep(p[:i])
			line = s.partial
		} else {
			line = p[:i]
			if len(line) > MaxLine {
				line, s.cut = line[:MaxLine], true
			}
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		s.line++
		emit(line, s.line, s.cut)
		s.partial = s.partial[:0]
		s.cut = false
		p = p[i+1:]
	}
}

func (s *Lines) keep(p []byte) {
	room := MaxLine - len(s.partial)
	if len(p) > room {
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
	emit(bytes.TrimSuffix(s.partial, []byte{'\r'}), s.line, s.cut)
	s.partial = s.partial[:0]
	s.cut = false
}

// Reset forgets the partial line and restarts the line count.
func (s *Lines) Reset() {
	s.partial = s.partial[:0]
	s.cut = false
	s.line = 0
}
