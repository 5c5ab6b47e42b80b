package store

import (
	"strconv"
	"time"

	"github.com/sobang/sobang/sources"
)

// WarningList returns everything wrong with the source that a reader of its
// figures must know, one line each: its bad rows as path:line: reason (the
// first sources.MaxBadRowsKept, then how many more), the warnings it sent
// (a headerless file read with default columns, labels folded past the cap,
// a cut recording, an input truncated and read again), and its failure or
// outage, with times written by stamp. The report and the dashboard list
// this one list, so that neither says less than the other.
func (s *Source) WarningList(stamp func(time.Time) string) []string {
	list := make([]string, 0, s.WarningCount())
	for _, b := range s.Bad {
		list = append(list, sources.At(s.Name, b.Line, b.Reason))
	}
	if s.BadRows > len(s.Bad) {
		list = append(list, strconv.Itoa(s.BadRows-len(s.Bad))+" more bad rows not described")
	}
	list = append(list, s.Warnings...)
	if s.failing() {
		list = append(list, s.Health.Describe(stamp))
	}
	return list
}

// WarningCount returns len(WarningList) without building the list: the
// dashboard's status bar asks on every redraw.
func (s *Source) WarningCount() int {
	n := len(s.Bad) + len(s.Warnings)
	if s.BadRows > len(s.Bad) {
		n++
	}
	if s.failing() {
		n++
	}
	return n
}

// failing reports whether the source failed or is down, which its warnings
// say last.
func (s *Source) failing() bool {
	return s.Health.State == sources.StateFailed || s.Health.State == sources.StateDown
}

// WarningCount returns how many warnings all sources have, the sum of their
// WarningCount.
func (s *Store) WarningCount() int {
	n := 0
	for _, src := range s.Sources {
		n += src.WarningCount()
	}
	return n
}
