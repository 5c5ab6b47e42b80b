package sources

import (
	"fmt"
	"time"
)

// State is where a source is in its life.
type State uint8

// Source states, in the order a healthy file source goes through them.
const (
	StateStarting  State = iota // not started reading yet
	StateWaiting                // waiting for a file to appear
	StateReading                // reading existing data
	StateFollowing              // at the end, following new data (files, streams, scrapes)
	StateDown                   // failing and retrying
	StateDone                   // finished: a whole file read, a stream closed
	StateFailed                 // gave up: unreadable input
)

var stateNames = [...]string{"starting", "waiting", "reading", "following", "down", "done", "failed"}

// String names the state in lower case.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", s)
}

// Health is what a source tells the UI about itself.
type Health struct {
	State  State
	Detail string    // human words: "scraping every 1s", "waiting for results.jtl"
	Err    string    // last error, for Down and Failed
	Since  time.Time // when State was entered
	Format string    // detected format ("JMeter CSV", "Spring Boot"), "" until known
}

// Progress is how far a source has read a file it was given: bytes read of
// the file's size (its size when reading began, or what was read when more
// than that). A source that cannot tell (a stream, a URL) never sets it;
// Size 0 means unknown.
type Progress struct {
	Read, Size int64
}

// Fraction returns Read over Size, between 0 and 1; 0 when Size is unknown.
func (p Progress) Fraction() float64 {
	if p.Size <= 0 {
		return 0
	}
	return min(max(float64(p.Read)/float64(p.Size), 0), 1)
}

// Live reports whether the source may still deliver new data.
func (h Health) Live() bool {
	return h.State != StateDone && h.State != StateFailed
}

// Describe renders the health as the one line a pane shows.
func (h Health) Describe(clock func(time.Time) string) string {
	switch h.State {
	case StateDown:
		return fmt.Sprintf("down since %s: %s, retrying", clock(h.Since), h.Err)
	case StateFailed:
		return "failed: " + h.Err
	}
	if h.Detail != "" {
		return h.Detail
	}
	return h.State.String()
}
