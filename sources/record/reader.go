package record

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sort"
	"strconv"
	"sync/atomic"

	"github.com/klauspost/compress/zstd"
	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

// ErrTruncated says a recording of format version 1 ends in the middle of
// its gzip stream or of an entry, as after a crash.
var ErrTruncated = errors.New("the recording ends abruptly")

// framesDecoded counts the frames of batches decoded, which tests read to
// check that a recording is read once whatever the number of its sources.
var framesDecoded atomic.Int64

// errStop ends a read early without an error.
var errStop = errors.New("stop")

// Recording is a recording file whose header and index have been read.
type Recording struct {
	Path   string
	Header Header
	// Warnings say what opening found wrong: no index or a damaged one
	// (rebuilt by scanning), damaged stretches skipped, a cut end.
	Warnings []string

	version int            // the file's format version (1 or 2)
	frames  []FrameInfo    // the index, without the index frame (version 2)
	dicts   map[uint32]int // dictionary number -> its frame in frames
	size    int64          // the file's size when opened
}

// Item is one thing a recording holds: exactly one of Entry, Mark and Note
// is set.
type Item struct {
	Frame int // the frame it came from, an index into Frames (0 for version 1)
	Entry *Entry
	Mark  *Mark
	Note  *Note
}

// Open reads the header and the index of the recording at path, or
// rebuilds the index by scanning the file when it has none (a crash, a
// session still recording) or a damaged one. A file that is not a
// recording, of a format version this sobang does not read, or whose
// header cannot be read, is an error naming the path; damage elsewhere is
// listed in Warnings.
func Open(path string) (*Recording, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var magic [len(Magic)]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil || !IsRecording(magic[:]) {
		return nil, sources.InFile(path, fmt.Errorf("not a sobang recording (expected a file starting with %s)", sources.Quote(magicPrefix)))
	}
	rec := &Recording{Path: path, version: int(magic[len(magic)-1])}
	switch rec.version {
	case 1:
		return rec, rec.openV1()
	case Version:
	default:
		return nil, fmt.Errorf("%s: a recording of format version %d; this sobang reads versions 1 and %d", path, rec.version, Version)
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	rec.size = fi.Size()
	if !rec.readIndex(f) {
		rec.scan(f)
	}
	if err := rec.readHeader(f); err != nil {
		return nil, err
	}
	for i, fi := range rec.frames {
		if fi.Kind == FrameDict {
			if rec.dicts == nil {
				rec.dicts = map[uint32]int{}
			}
			if _, dup := rec.dicts[fi.Dict]; !dup {
				rec.dicts[fi.Dict] = i
			}
		}
	}
	return rec, nil
}

// Version returns the recording's format version.
func (r *Recording) Version() int { return r.version }

// Frames returns the index: every frame after the file's magic, in file
// order (none for a recording of version 1). The slice is the recording's.
func (r *Recording) Frames() []FrameInfo { return r.frames }

// SeekArrival returns the index of the first frame recorded at or after t
// (Unix nanoseconds of the writer's clock), len(Frames()) when none was.
func (r *Recording) SeekArrival(t int64) int {
	return sort.Search(len(r.frames), func(i int) bool { return r.frames[i].LastAt >= t })
}

// SeekData returns the index of the first frame holding a record at or
// after ms (data time, Unix milliseconds before any --offset), or a mark
// there; len(Frames()) when none does. Frames are in arrival order, and
// sources deliver their data in their own order, so a frame before it may
// still hold later records of another source.
func (r *Recording) SeekData(ms int64) int {
	for i, f := range r.frames {
		if f.HasData() && f.MaxMS >= ms {
			return i
		}
	}
	return len(r.frames)
}

// readIndex reads the index the trailer points at. It says whether it
// found a sound one; a trailer whose index is unsound is a warning.
func (r *Recording) readIndex(f *os.File) bool {
	if r.size < int64(len(Magic))+frameHeaderSize+trailerSize {
		return false
	}
	var t [trailerSize]byte
	if _, err := f.ReadAt(t[:], r.size-trailerSize); err != nil || !bytes.Equal(t[8:], trailerMagic[:]) {
		return false
	}
	at := int64(binary.LittleEndian.Uint64(t[:8]))
	frames, err := r.loadIndex(f, at)
	if err != nil {
		r.warn("the index at offset %d is damaged (%v): rebuilt by reading the frames", at, err)
		return false
	}
	r.frames = frames
	return true
}

func (r *Recording) loadIndex(f *os.File, at int64) ([]FrameInfo, error) {
	if at < int64(len(Magic)) || at > r.size-trailerSize-frameHeaderSize {
		return nil, errors.New("it points outside the file")
	}
	var h [frameHeaderSize]byte
	if _, err := f.ReadAt(h[:], at); err != nil {
		return nil, err
	}
	fi, err := parseFrameHeader(h[:], at)
	if err != nil || fi.Kind != FrameIndex || at+frameHeaderSize+int64(fi.Size) != r.size-trailerSize {
		return nil, errBadHeader
	}
	raw, err := r.readPayload(f, fi, nil, nil)
	if err != nil {
		return nil, err
	}
	if len(raw)%indexEntrySize != 0 {
		return nil, errors.New("its length is not a whole number of entries")
	}
	frames := make([]FrameInfo, 0, len(raw)/indexEntrySize)
	next := int64(len(Magic))
	for e := raw; len(e) > 0; e = e[indexEntrySize:] {
		off := int64(binary.LittleEndian.Uint64(e))
		fi, err := parseFrameHeader(e[8:indexEntrySize], off)
		if err != nil || off != next || off+frameHeaderSize+int64(fi.Size) > at {
			return nil, fmt.Errorf("its entry %d does not check out", len(frames))
		}
		next = off + frameHeaderSize + int64(fi.Size)
		frames = append(frames, fi)
	}
	if next != at {
		return nil, errors.New("it leaves out frames")
	}
	return frames, nil
}

// scan rebuilds the index by reading every frame header from the start,
// skipping damaged stretches to the next header that checks out.
func (r *Recording) scan(f *os.File) {
	pos := int64(len(Magic))
	var h [frameHeaderSize]byte
	for pos < r.size {
		if r.size-pos == trailerSize {
			var t [trailerSize]byte
			if _, err := f.ReadAt(t[:], pos); err == nil && bytes.Equal(t[8:], trailerMagic[:]) {
				return // the trailer of an index that did not check out
			}
		}
		n, _ := f.ReadAt(h[:], pos)
		fi, err := parseFrameHeader(h[:n], pos)
		if err == nil && pos+frameHeaderSize+int64(fi.Size) <= r.size {
			if fi.Kind != FrameIndex {
				r.frames = append(r.frames, fi)
			}
			pos += frameHeaderSize + int64(fi.Size)
			continue
		}
		next := r.findFrame(f, pos+1)
		if next < 0 {
			r.warn("ends abruptly at offset %d, inside a frame (a crash, or a session still recording): the %d bytes from there are lost", pos, r.size-pos)
			return
		}
		r.warn("bytes %d to %d are damaged: skipped to the next frame", pos, next)
		pos = next
	}
	if len(r.frames) > 0 {
		r.warn("has no index (a crash, or a session still recording): read frame by frame")
	}
}

// findFrame returns the offset of the first whole frame at or after from
// whose header checks out, -1 when there is none.
func (r *Recording) findFrame(f *os.File, from int64) int64 {
	const chunk = 64 << 10
	buf := make([]byte, chunk+len(frameSync)-1)
	var h [frameHeaderSize]byte
	for base := from; base < r.size; base += chunk {
		n, _ := f.ReadAt(buf, base)
		for i := 0; i < n; {
			j := bytes.Index(buf[i:n], frameSync[:])
			if j < 0 {
				break
			}
			at := base + int64(i+j)
			m, _ := f.ReadAt(h[:], at)
			if fi, err := parseFrameHeader(h[:m], at); err == nil && at+frameHeaderSize+int64(fi.Size) <= r.size {
				return at
			}
			i += j + 1
		}
	}
	return -1
}

// readHeader decodes the first copy of the header that checks out, and
// checks the other.
func (r *Recording) readHeader(f *os.File) error {
	var firstErr error
	found := false
	for _, fi := range r.frames {
		if fi.Kind != FrameHeader {
			continue
		}
		raw, err := r.readPayload(f, fi, nil, nil)
		if err == nil && !found {
			var h Header
			if err = gob.NewDecoder(bytes.NewReader(raw)).Decode(&h); err == nil {
				for i := range h.Sources {
					h.Sources[i].Name = sanitize.Value(h.Sources[i].Name)
				}
				r.Header, found = h, true
				continue
			}
		}
		if err != nil {
			r.warn("the copy of its header at offset %d is damaged (%v)", fi.Offset, err)
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	switch {
	case found:
		return nil
	case firstErr != nil:
		return fmt.Errorf("%s: its header is damaged (%v): nothing in it can be read", r.Path, firstErr)
	}
	return fmt.Errorf("%s: %w before its header", r.Path, ErrTruncated)
}

// readPayload reads fi's header and payload, checks them and inflates the
// payload, into buf's storage when it fits; dec holds fi's dictionary, if
// it has one.
func (r *Recording) readPayload(f *os.File, fi FrameInfo, buf []byte, dec *zstd.Decoder) ([]byte, error) {
	frame := make([]byte, frameHeaderSize+fi.Size)
	if _, err := f.ReadAt(frame, fi.Offset); err != nil {
		return nil, err
	}
	if h, err := parseFrameHeader(frame[:frameHeaderSize], fi.Offset); err != nil || h != fi {
		return nil, errors.New("its header fails its checksum")
	}
	payload := frame[frameHeaderSize:]
	if crc32.Checksum(payload, castagnoli) != fi.PayloadCRC {
		return nil, errors.New("it fails its checksum")
	}
	return inflate(fi, payload, buf, dec)
}

func (r *Recording) warn(format string, args ...any) {
	r.Warnings = append(r.Warnings, r.Path+": "+fmt.Sprintf(format, args...))
}

// Walk calls fn with every item of the frames from the index from on, in
// file order, each a value of its own. It stops at fn's first error and
// returns it. What it could not read (a frame that fails its checksum or
// does not decode, entries naming no recorded source, frames of kinds a
// newer sobang wrote) it skips and describes in warnings, each naming the
// file and the frame's offset. from must be 0 for a recording of version 1.
func (r *Recording) Walk(from int, fn func(Item) error) (warnings []string, err error) {
	if r.version == 1 {
		return r.walkV1(fn)
	}
	f, err := os.Open(r.Path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	warn := func(format string, args ...any) {
		warnings = append(warnings, r.Path+": "+fmt.Sprintf(format, args...))
	}
	unknown := map[FrameKind]int{}
	skipped := 0
	var buf []byte
	var bd *batchDecoder
	var fnErr error
	var dicts dictionaries
	defer dicts.close()
	for i := from; i < len(r.frames); i++ {
		fi := r.frames[i]
		switch fi.Kind {
		case FrameHeader, FrameIndex, FrameDict:
			continue
		case FrameBatches, FrameMark, FrameNote:
		default:
			unknown[fi.Kind]++
			continue
		}
		zd, ok := dicts.get(r, f, fi)
		if !ok {
			continue
		}
		raw, err := r.readPayload(f, fi, buf, zd)
		if err != nil {
			what := "its record"
			if fi.Kind == FrameBatches {
				what = fmt.Sprintf("its %d batches", fi.Batches)
			}
			warn("the frame at offset %d is damaged (%v): %s skipped", fi.Offset, err, what)
			continue
		}
		buf = raw[:0]
		if fi.Kind == FrameBatches {
			framesDecoded.Add(1)
			if bd == nil {
				bd = r.batchDecoder()
			}
			bd.frame(raw, fi, func(k int, e *Entry, err error) bool {
				if err != nil {
					warn("the frame at offset %d: batch %d of %d does not decode (%v): the rest of the frame skipped", fi.Offset, k+1, fi.Batches, err)
					bd = nil // its state is unknown: a new one for the next frame
					return false
				}
				if !r.valid(e) {
					skipped++
					return true
				}
				if e.Columns != nil {
					samples, err := e.Columns.unpack()
					if err != nil {
						warn("the frame at offset %d: batch %d of %d does not decode (%v): skipped", fi.Offset, k+1, fi.Batches, err)
						return true
					}
					e.Batch.Samples, e.Columns = samples, nil
				}
				fnErr = fn(Item{Frame: i, Entry: e})
				return fnErr == nil
			})
			if fnErr != nil {
				return warnings, stopped(fnErr)
			}
			continue
		}
		dec := gob.NewDecoder(bytes.NewReader(raw))
		switch fi.Kind {
		case FrameMark:
			var m Mark
			if err := dec.Decode(&m); err != nil {
				warn("the mark at offset %d does not decode (%v): skipped", fi.Offset, err)
				continue
			}
			m.Label = sanitize.Value(m.Label)
			if err := fn(Item{Frame: i, Mark: &m}); err != nil {
				return warnings, stopped(err)
			}
		case FrameNote:
			var n Note
			if err := dec.Decode(&n); err != nil {
				warn("the note at offset %d does not decode (%v): skipped", fi.Offset, err)
				continue
			}
			n.Text = sanitize.Value(n.Text)
			if err := fn(Item{Frame: i, Note: &n}); err != nil {
				return warnings, stopped(err)
			}
		}
	}
	dicts.report(r, warn)
	for _, k := range sortedKinds(unknown) {
		warn("%d frames of kind %d, unknown to this sobang (a newer one wrote them), skipped", unknown[k], k)
	}
	if skipped > 0 {
		warn("%d recorded batches name no recorded source; skipped", skipped)
	}
	return warnings, nil
}

// dictionaries are the compression dictionaries of one walk: the decoder
// of the one in use, and those found damaged with the batches lost to
// them.
type dictionaries struct {
	id   uint32
	dec  *zstd.Decoder
	bad  map[uint32]error
	lost map[uint32][2]int // frames and batches skipped for want of it
}

// get returns the decoder of fi's dictionary (nil when it has none) and
// whether fi can be read; a frame whose dictionary is damaged or missing
// is counted, not read.
func (d *dictionaries) get(r *Recording, f *os.File, fi FrameInfo) (*zstd.Decoder, bool) {
	if fi.Dict == 0 {
		return nil, true
	}
	if fi.Dict == d.id {
		return d.dec, true
	}
	if _, bad := d.bad[fi.Dict]; !bad {
		err := errors.New("it is not in the file")
		if at, ok := r.dicts[fi.Dict]; ok {
			var content []byte
			if content, err = r.readPayload(f, r.frames[at], nil, nil); err == nil {
				var dec *zstd.Decoder
				if dec, err = newDictDecoder(fi.Dict, content); err == nil {
					d.close()
					d.id, d.dec = fi.Dict, dec
					return dec, true
				}
			}
		}
		if d.bad == nil {
			d.bad, d.lost = map[uint32]error{}, map[uint32][2]int{}
		}
		d.bad[fi.Dict] = err
	}
	n := d.lost[fi.Dict]
	d.lost[fi.Dict] = [2]int{n[0] + 1, n[1] + fi.Batches}
	return nil, false
}

// report says which dictionaries were damaged or missing, and what was
// lost with them.
func (d *dictionaries) report(r *Recording, warn func(string, ...any)) {
	ids := make([]uint32, 0, len(d.bad))
	for id := range d.bad {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		where := "compression dictionary " + strconv.FormatUint(uint64(id), 10)
		if at, ok := r.dicts[id]; ok {
			where = fmt.Sprintf("the compression dictionary at offset %d", r.frames[at].Offset)
		}
		warn("%s is damaged (%v): the %d frames compressed with it (%d batches) skipped", where, d.bad[id], d.lost[id][0], d.lost[id][1])
	}
}

func (d *dictionaries) close() {
	if d.dec != nil {
		d.dec.Close()
		d.dec, d.id = nil, 0
	}
}

// batchDecoder decodes frames of batches with one gob decoder that has
// read the recording's type definitions (Header.Types) once.
type batchDecoder struct {
	in  frameReader
	dec *gob.Decoder // nil when the definitions do not decode: one per frame then
}

func (r *Recording) batchDecoder() *batchDecoder {
	bd := &batchDecoder{}
	if len(r.Header.Types) > 0 {
		bd.in.b = r.Header.Types
		bd.dec = gob.NewDecoder(&bd.in)
		var zero Entry
		if bd.dec.Decode(&zero) != nil || len(bd.in.b) != 0 {
			bd.dec = nil
		}
	}
	return bd
}

// frame decodes the fi.Batches entries of raw, calling fn with each (or
// with the error that ended the frame); fn returns false to stop.
func (bd *batchDecoder) frame(raw []byte, fi FrameInfo, fn func(k int, e *Entry, err error) bool) {
	bd.in.b = raw
	dec := bd.dec
	if dec == nil {
		dec = gob.NewDecoder(&bd.in)
	}
	for k := 0; k < fi.Batches; k++ {
		var e Entry // a fresh value: gob leaves fields it does not send untouched
		if err := dec.Decode(&e); err != nil {
			fn(k, nil, err)
			return
		}
		if !fn(k, &e, nil) {
			return
		}
	}
}

// frameReader is a frame's bytes as a gob decoder reads them: it is an
// io.ByteReader, so the decoder reads no further than the frame.
type frameReader struct{ b []byte }

func (f *frameReader) Read(p []byte) (int, error) {
	if len(f.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, f.b)
	f.b = f.b[n:]
	return n, nil
}

func (f *frameReader) ReadByte() (byte, error) {
	if len(f.b) == 0 {
		return 0, io.EOF
	}
	c := f.b[0]
	f.b = f.b[1:]
	return c, nil
}

// valid checks that e names a recorded source, and restores what gob does
// not send.
func (r *Recording) valid(e *Entry) bool {
	if e.Source < 0 || e.Source >= len(r.Header.Sources) {
		return false
	}
	e.Batch.Source = e.Source
	if e.EmptyFailures {
		e.Batch.Failures = []sources.AggregateFailure{}
	}
	return true
}

func sortedKinds(m map[FrameKind]int) []FrameKind {
	out := make([]FrameKind, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func stopped(err error) error {
	if err == errStop {
		return nil
	}
	return err
}

// Marks returns the marks the recording holds, in the order they were
// recorded, reading the mark frames alone (the index says which). What it
// could not read is in warnings, as Walk words them. A recording of format
// version 1 holds none.
func (r *Recording) Marks() (marks []Mark, warnings []string) {
	if r.version == 1 {
		return nil, nil
	}
	f, err := os.Open(r.Path)
	if err != nil {
		return nil, []string{err.Error()}
	}
	defer f.Close()
	for _, fi := range r.frames {
		if fi.Kind != FrameMark {
			continue
		}
		raw, err := r.readPayload(f, fi, nil, nil)
		var m Mark
		if err == nil {
			err = gob.NewDecoder(bytes.NewReader(raw)).Decode(&m)
		}
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("%s: the mark at offset %d is damaged (%v): skipped", r.Path, fi.Offset, err))
			continue
		}
		m.Label = sanitize.Value(m.Label)
		marks = append(marks, m)
	}
	return marks, warnings
}

// SetMarks returns the instants (Unix milliseconds) of the marks still set
// after marks, in time order: a mark removed after it was set is gone.
func SetMarks(marks []Mark) []int64 {
	set := map[int64]bool{}
	for _, m := range marks {
		ms := m.Time.UnixMilli()
		if m.Removed {
			delete(set, ms)
		} else {
			set[ms] = true
		}
	}
	out := make([]int64, 0, len(set))
	for ms := range set {
		out = append(out, ms)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// MarkNotes returns the notes of the marks still set at the end of marks
// (as SetMarks finds them), by the marked instant in Unix milliseconds:
// the label a mark was last set with, where it had one.
func MarkNotes(marks []Mark) map[int64]string {
	notes := map[int64]string{}
	for _, m := range marks {
		ms := m.Time.UnixMilli()
		switch {
		case m.Removed:
			delete(notes, ms)
		case m.Label != "":
			notes[ms] = m.Label
		}
	}
	return notes
}
