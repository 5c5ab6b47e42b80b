// Package record writes a session's batches to a recording (a .sobang file)
// and reads them back as sources, so that a saved session can be opened,
// reported on and compared with like the files it was read from.
//
// A recording is the 8-byte Magic (uncompressed), then one gzip stream of
// gob values: a Header, then any number of Entry values, one per batch, in
// the order the dashboard ingested them. The batches are as the sources
// handed them over, before the store applied anything (offsets included),
// so replaying a recording feeds the store exactly what the session fed it.
// The writer flushes the gzip stream at most once per second, so a crash
// loses about the last second; the reader keeps every complete entry of a
// stream cut short and says so.
package record

import (
	"bytes"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

// Version is the format version this package writes and reads.
const Version = 1

// Magic starts every recording: "SOBANG", a zero byte and the version.
var Magic = [8]byte{'S', 'O', 'B', 'A', 'N', 'G', 0, Version}

// magicPrefix is Magic without its version byte: what tells a recording of
// any version from other files.
var magicPrefix = Magic[:7]

// Header is the first value of a recording: what was recorded and when.
type Header struct {
	Version int       // the format version, Version when written
	Created time.Time // when the recording started
	Sources []Source  // the session's sources, in hub order (Entry.Source indexes them)
}

// Source describes one recorded source as the session read it.
type Source struct {
	Name   string        // the path, URL or "-" the user gave, as shown (sanitize.Value: a URL's password masked)
	Kind   sources.Kind  // what it read
	Zone   string        // IANA name of the zone of zone-less timestamps, "" for local
	Offset time.Duration // the --offset the store added to its timestamps
}

// Entry is one recorded batch.
type Entry struct {
	Source int           // index into Header.Sources
	At     time.Time     // wall clock when it was recorded
	Batch  sources.Batch // the batch as the source handed it over
	// EmptyFailures says Batch.Failures was an empty, not a nil, list (an
	// empty list replaces the previous failures): gob sends neither.
	EmptyFailures bool
}

// IsRecording reports whether a file starting with head is a recording, of
// any version.
func IsRecording(head []byte) bool {
	return len(head) >= len(Magic) && bytes.Equal(head[:len(magicPrefix)], magicPrefix)
}

// sourceOf describes info for the header.
func sourceOf(info sources.Info) Source {
	zone := ""
	if info.Zone != nil && info.Zone != time.Local {
		zone = info.Zone.String()
	}
	return Source{Name: sanitize.Value(info.Name), Kind: info.Kind, Zone: zone, Offset: info.Offset}
}
