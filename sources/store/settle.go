package store

import (
	"time"

	"github.com/sobang/sobang/sources"
)

// SettleWindow is how far back from the newest second LongestRequest looks:
// long enough to remember an incident's slow requests for a while after the
// last of them, short enough to forget a morning's.
const SettleWindow = time.Minute

// LongestRequest returns, over the requests that started in the
// SettleWindow before the newest second holding data, the longest time from
// the start of a request's second to its end, in milliseconds: a second is
// final only that long after it began, since a request is written when it
// ends and a slow success arrives after the fast failures of its second.
// It is 0 when there are no requests.
func (l *LoadTest) LongestRequest() int64 {
	if len(l.secs) == 0 {
		return 0
	}
	n := int64(SettleWindow / time.Second)
	var longest int64
	for i := max(int64(len(l.secs))-n, 0); i < int64(len(l.secs)); i++ {
		s := l.secs[i]
		if s == nil || s.Requests.Count == 0 {
			continue
		}
		longest = max(longest, s.Requests.MaxEndMS-(l.baseSec+i)*1000)
	}
	return longest
}

// Span returns the earliest and latest data time of the sources of group g
// (sources.Kind.Group), ok false when none of them has data.
func (s *Store) Span(g sources.Kind) (firstMS, lastMS int64, ok bool) {
	return s.SpanOf(func(src *Source) bool { return src.Info.Kind.Group() == g.Group() })
}

// SpanOf returns the earliest and latest data time of the sources keep
// keeps, ok false when none of them has data.
func (s *Store) SpanOf(keep func(*Source) bool) (firstMS, lastMS int64, ok bool) {
	for _, src := range s.Sources {
		if !src.HasData() || !keep(src) {
			continue
		}
		if !ok || src.FirstMS < firstMS {
			firstMS = src.FirstMS
		}
		if !ok || src.LastMS > lastMS {
			lastMS = src.LastMS
		}
		ok = true
	}
	return firstMS, lastMS, ok
}
