package store

import "time"

// ErrorQuiet is how long the requests must go without a failure before the
// next failure starts a new error onset: shorter gaps are one episode of
// errors, not a new one.
const ErrorQuiet = 10 * time.Second

// ErrorOnsets returns the start (epoch ms) of every error onset, earliest
// first: the first second in which a request failed after at least
// ErrorQuiet of seconds without a failed request. The data's start counts
// as clean, so the first failed second is always an onset. Transactions are
// left out, as they repeat their requests' failures.
//
// It walks the per-second buckets (a day is 86,400 of them), so callers ask
// on a key press, not on every frame.
func (l *LoadTest) ErrorOnsets() []int64 {
	quiet := int64(ErrorQuiet / time.Second)
	var onsets []int64
	lastFailed := int64(0)
	seen := false
	for i, s := range l.secs {
		if s == nil || s.Requests.Errors == 0 {
			continue
		}
		sec := l.baseSec + int64(i)
		if !seen || sec-lastFailed-1 >= quiet {
			onsets = append(onsets, sec*1000)
		}
		lastFailed, seen = sec, true
	}
	return onsets
}
