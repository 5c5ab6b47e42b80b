package format

import (
	"bytes"
	"time"
)

// DetectLines is how many lines Detect looks at.
const DetectLines = 250

// detectNow is the "now" Detect parses with: detection asks whether a line
// has a time, never which year a stamp without one falls in, so any instant
// serves and Detect needs no clock.
var detectNow = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// candidate is a format Detect tries, with the weight of one recognised line:
// a line explained by a more specific format counts more, so that a Spring
// Boot log (whose lines are also generic timestamped text) is called Spring
// Boot. Syslog is weakest: its layout is the loosest (lnav #837).
type candidate struct {
	format Format
	weight int
}

var candidates = []candidate{
	{Format{Kind: JSON}, 10},
	{Format{Kind: SpringBoot}, 9},
	{Format{Kind: Access}, 8},
	{Format{Kind: Logback}, 7},
	{Format{Kind: Logfmt}, 5},
	{Format{Kind: Text, Layout: LayoutISO}, 4},
	{Format{Kind: Text, Layout: LayoutKlog}, 4},
	{Format{Kind: Text, Layout: LayoutCtime}, 4},
	{Format{Kind: Text, Layout: LayoutShortSlash}, 4},
	{Format{Kind: Text, Layout: LayoutCompact}, 4},
	{Format{Kind: Text, Layout: LayoutSyslog}, 3},
}

// Detect picks the format of a log from its first lines (at most
// DetectLines are used; blank lines are ignored). Every candidate parses
// every line; a recognised line scores the candidate's weight, plus one for
// a timestamp and one for a level. The best candidate wins when it
// recognises the first non-blank line (logs start with a header) or at
// least a fifth of the lines (a log whose first lines are a banner);
// otherwise the log is Plain.
func Detect(lines [][]byte) Format {
	var score, matched [16]int
	var first [16]bool
	n := 0
	for _, line := range lines {
		if n == DetectLines {
			break
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		for c, cand := range candidates {
			h, ok := cand.format.Parse(line, time.UTC, detectNow)
			if !ok {
				continue
			}
			matched[c]++
			score[c] += cand.weight
			if !h.Time.IsZero() {
				score[c]++
			}
			if h.LevelCol >= 0 {
				score[c]++
			}
			if n == 0 {
				first[c] = true
			}
		}
		n++
	}
	best := -1
	for c := range candidates {
		if score[c] > 0 && (best < 0 || score[c] > score[best]) {
			best = c
		}
	}
	if best < 0 || !(first[best] || matched[best]*5 >= n) {
		return Format{}
	}
	return candidates[best].format
}
