package sources

import "strconv"

// QuoteRunes is how much of a value from the input Quote shows: enough to
// recognise it, short enough to keep a message on one line.
const QuoteRunes = 40

// Quote renders a value read from the input for a message: Go-quoted, so
// that control characters, escape sequences and invalid UTF-8 are escaped
// and the message is safe to print on a terminal, and clipped to
// QuoteRunes runes with "…" after the closing quote when it is longer.
// Every message about bad input quotes its value with it.
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
