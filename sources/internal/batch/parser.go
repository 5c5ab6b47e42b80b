package batch

// Parser is the format-specific half of a load-test handler: it turns the
// bytes of one input into the samples of its Batcher. The handler chooses
// it from the first bytes and feeds it everything after.
type Parser interface {
	// Feed parses the next bytes; a returned error is fatal (the input is
	// not of the parser's format).
	Feed(p []byte) error
	// Finish reads what is held back as complete: the input has ended. It
	// may be called more than once; a returned error is fatal, as Feed's.
	Finish() error
}

// Idler is a Parser that holds rows back waiting for input that may not
// come soon (a parent row whose sub-results are still being written).
type Idler interface {
	// Idle passes on what is held back: the input paused, or a followed
	// file caught up.
	Idle()
}

// Idle passes on what p holds back, when p is an Idler; other parsers
// hold nothing back.
func Idle(p Parser) {
	if i, ok := p.(Idler); ok {
		i.Idle()
	}
}
