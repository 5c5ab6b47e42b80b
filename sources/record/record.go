// Package record writes a session's batches to a recording (a .sobang file)
// and reads them back as sources, so that a saved session can be opened,
// reported on and compared with like the files it was read from.
//
// A recording (format version 2) is the 8-byte Magic, then frames. Every
// frame is a 60-byte header (sync bytes, kind, codec, lengths, arrival and
// data time ranges, the payload's CRC-32C and the header's own CRC-32C) and
// a payload compressed on its own (zstd, given at most the dictionary
// frame it names), so that a reader can start at any frame. The first two frames hold the Header (twice, so one damaged copy
// loses nothing); then come frames of Entry values (one per batch, in the
// order the session ingested them, merged into a frame for at most a second
// or frameTarget bytes; samples as Columns), Mark and Note frames, and
// compression dictionaries (FrameDict: frames of a live run, a second
// each, compress with the recent past); a closed recording ends with
// an index frame (every frame's header) and a 16-byte trailer pointing at
// it. The batches are as the sources handed them over, before the store
// applied anything (offsets included), so replaying a recording feeds the
// store exactly what the session fed it.
//
// The writer seals a frame at least every second, so a crash loses about
// the last second. A reader uses the index when it is there and sound, and
// otherwise rebuilds it by scanning the frames; a frame that fails its
// checksum is skipped and reported, and a damaged stretch is skipped up to
// the next frame whose header checks out. Frames of kinds this version does
// not know (a newer writer's) are skipped with a note. Files of format
// version 1 (one gzip stream of gob values) are still read.
package record

import (
	"bytes"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

// Version is the format version this package writes; it reads version 1
// too.
const Version = 2

// Magic starts every recording: "SOBANG", a zero byte and the version.
var Magic = [8]byte{'S', 'O', 'B', 'A', 'N', 'G', 0, Version}

// magicPrefix is Magic without its version byte: what tells a recording of
// any version from other files.
var magicPrefix = Magic[:7]

// Header is the first value of a recording: what was recorded and when.
type Header struct {
	Version int       // the format version the writer wrote
	Created time.Time // when the recording started
	Sources []Source  // the session's sources, in hub order (Entry.Source indexes them)
	// Types are the gob type definitions of Entry (version 2): every frame
	// of batches holds gob values that refer to them, so that a frame
	// neither repeats them nor makes its reader compile them again.
	Types []byte
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
	// Columns hold Batch's samples in format version 2, where Batch.Samples
	// is left empty; a reader hands the entry over with them in
	// Batch.Samples.
	Columns *Columns
}

// Mark is a moment the user marked while recording, or a mark removed.
type Mark struct {
	At    time.Time // wall clock when it was marked
	Time  time.Time // the instant marked, in data time (with the sources' offsets, as the dashboard shows it)
	Label string    // what the user called it, "" for none
	// Removed says the user removed the mark at Time (the dashboard's m
	// toggles): a reader keeps the marks still set at the end.
	Removed bool
}

// Note is a line of text about the recording (what the user or sobang
// noted while it ran).
type Note struct {
	At   time.Time // wall clock when it was noted
	Text string
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
