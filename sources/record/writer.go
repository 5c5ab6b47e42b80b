package record

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"hash/crc32"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

// flushEvery is how long a written batch may wait in an open frame before
// the frame is sealed and written to the file: what a crash can lose,
// against smaller frames that compress worse. A variable so that tests can
// shorten it.
var flushEvery = time.Second

// frameTarget is the inflated size at which a frame of batches is sealed
// before its second is up: large enough for the compressor to find the
// repeats between batches, small enough that seeking decodes little.
var frameTarget = 256 << 10

// Dictionaries: a frame of one second at a live run's rates holds a few
// kilobytes, too little for the compressor to find what repeats from
// second to second (labels, URLs, stack traces); compressed with the
// recent past as a dictionary, stored once in a FrameDict frame, it
// compresses nearly as well as one stream would, and still decodes on its
// own given that frame. A dictionary costs its own frame, so a new one is
// written only when it pays: the first once dictSize was recorded (or
// after dictFirstFrames frames with at least dictMinBytes); then every
// dictTrialEvery frames (dictEvery at the least after the last one) the
// frame is compressed again with the recent past as a dictionary, and
// that becomes the new one when what it saves on this frame, over
// dictPayback frames, is more than the dictionary's own frame costs (the
// run changed: an incident, a new phase). On a one-hour JTL and log
// recorded live (samples as structs then), a new dictionary every 16
// frames made the file 2.2x gzip -6, every 256 frames 1.44x, this rule
// 1.42x; on the demo's minute it took the incident's stack traces into a
// new dictionary (257 KB -> 162 KB). The first dictionary comes after two
// frames: after sixteen, a recording of the demo's minute (its JTL, log
// and /metrics, BenchmarkDemoRecordingSize) paid sixteen frames without
// one and a 128 KB dictionary at once, 1.86x gzip -6 of those inputs;
// after two, 1.56x (one zstd stream of the same frames: 0.95x), and the
// one-hour recording stays at 0.91x.
var (
	dictSize        = 128 << 10
	dictMinBytes    = 4 << 10
	dictFirstFrames = 2
	dictEvery       = 16
	dictTrialEvery  = 8
	dictPayback     = 16
	// dictUseBelow: a frame sealed because it was full (a busy run's)
	// finds its repeats by itself, so it is compressed without the
	// dictionary, and counts for no new one: at 50k records/s the
	// dictionaries cost more CPU than they save bytes.
	dictUseBelow = frameTarget
)

// Writer writes a recording. One goroutine (the ingest) writes, marks and
// notes, then closes it; a timer seals the open frame when its first batch
// has waited flushEvery, so a quiet session's last batches reach the file
// too.
type Writer struct {
	mu     sync.Mutex
	clock  sources.Clock
	timer  sources.Timer // pending seal of the open frame, nil when none
	path   string
	file   *os.File
	offset int64       // bytes written so far
	frames []FrameInfo // every frame written, for the index

	// The open frame: gob values of one encoder, which sent the type
	// definitions once, into the header (Header.Types); and what the
	// frame's header will say (no batches while it is empty).
	open     bytes.Buffer
	enc      *gob.Encoder
	entries  []sources.LogEntry // a batch's entries as recorded (textOnly)
	openInfo FrameInfo
	scratch  []byte // the sealed frame, reused

	// The dictionary: recent raw payloads of batch frames, the number and
	// encoder of the dictionary in use (0 and nil for none), and the
	// frames compressed since it was written.
	history   []byte
	dictID    uint32
	dictEnc   *zstd.Encoder
	sinceDict int
	trial     []byte // a trial compression, reused
	packer    packer

	err    error // the first error, returned by every later call
	closed bool
}

// Create creates (or truncates) the recording at path for a session of the
// given sources, in hub order, and writes its header. clock (nil means
// sources.Wall) stamps the header's Created and every Entry's At, and times
// the frames.
//
// A recording can hold what the session's data held (tokens in log lines,
// response messages), so it is readable by its owner only: created with
// mode 0600, and a file it replaces loses the permissions of others too.
func Create(path string, infos []sources.Info, clock sources.Clock) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(fi.Mode().Perm() &^ 0o077); err != nil {
			f.Close()
			return nil, fmt.Errorf("recording: %s: could not make it readable by its owner only: %w", path, err)
		}
	}
	clock = sources.OrWall(clock)
	w := &Writer{clock: clock, path: path, file: f}
	if _, err := f.Write(Magic[:]); err != nil {
		f.Close()
		return nil, w.wrap(err)
	}
	w.offset = int64(len(Magic))
	w.enc = gob.NewEncoder(&w.open)
	if err := w.enc.Encode(&Entry{}); err != nil {
		f.Close()
		return nil, w.wrap(err)
	}
	h := Header{Version: Version, Created: clock.Now(), Types: bytes.Clone(w.open.Bytes())}
	w.open.Reset()
	for _, info := range infos {
		h.Sources = append(h.Sources, sourceOf(info))
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&h); err != nil {
		f.Close()
		return nil, w.wrap(err)
	}
	at := h.Created.UnixNano()
	for range 2 { // twice: a damaged copy leaves the other
		if err := w.writeFrame(FrameInfo{Kind: FrameHeader, FirstAt: at, LastAt: at, MinMS: noDataMin, MaxMS: noDataMax}, buf.Bytes()); err != nil {
			f.Close()
			return nil, err
		}
	}
	return w, nil
}

// Path returns the file the writer writes.
func (w *Writer) Path() string { return w.path }

// textOnly returns entries as a recording keeps them: with their lines,
// without where an index on this machine found them (a file's reader, a
// template set: nothing a recording can carry, or replay use).
func (w *Writer) textOnly(entries []sources.LogEntry) []sources.LogEntry {
	if !slices.ContainsFunc(entries, func(e sources.LogEntry) bool { return e.Text != nil || e.Templates != nil }) {
		return entries
	}
	w.entries = append(w.entries[:0], entries...)
	for i := range w.entries {
		e := &w.entries[i]
		e.Text, e.Off, e.Len, e.Sum, e.Templates, e.Template = nil, 0, 0, 0, nil, 0
	}
	return w.entries
}

// Write records b at once: the writer keeps no reference to b's slices, so
// the caller may recycle them as soon as Write returns. After an error every
// call returns that error.
func (w *Writer) Write(b sources.Batch) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.usable(); err != nil {
		return err
	}
	now := w.clock.Now()
	e := Entry{Source: b.Source, At: now, Batch: b}
	e.EmptyFailures = b.Failures != nil && len(b.Failures) == 0
	if len(b.Samples) > 0 {
		e.Columns, e.Batch.Samples = w.packer.pack(b.Samples), nil
	}
	e.Batch.Entries = w.textOnly(b.Entries)
	if w.openInfo.Batches == 0 {
		w.openInfo = FrameInfo{Kind: FrameBatches, FirstAt: now.UnixNano(), MinMS: noDataMin, MaxMS: noDataMax}
		w.timer = w.clock.AfterFunc(flushEvery, w.timedSeal)
	}
	if err := w.enc.Encode(&e); err != nil {
		w.err = w.wrap(err)
		return w.err
	}
	fi := &w.openInfo
	fi.Batches++
	fi.LastAt = now.UnixNano()
	fi.MinMS, fi.MaxMS = dataRange(&b, fi.MinMS, fi.MaxMS)
	if w.open.Len() >= frameTarget || fi.Batches == maxFrameBatches || now.Sub(time.Unix(0, fi.FirstAt)) >= flushEvery {
		return w.seal()
	}
	return nil
}

// maxFrameBatches is what the header's batch count can say.
const maxFrameBatches = 1<<16 - 1

// Mark records a moment the user marked. Its label is cleaned as any
// other text of a recording.
func (w *Writer) Mark(m Mark) error {
	m.Label = sanitize.Value(m.Label)
	if m.At.IsZero() {
		m.At = w.clock.Now()
	}
	ms := m.Time.UnixMilli()
	return w.single(FrameInfo{Kind: FrameMark, FirstAt: m.At.UnixNano(), LastAt: m.At.UnixNano(), MinMS: ms, MaxMS: ms}, &m)
}

// Note records a line of text about the recording.
func (w *Writer) Note(text string) error {
	n := Note{At: w.clock.Now(), Text: sanitize.Value(text)}
	return w.single(FrameInfo{Kind: FrameNote, FirstAt: n.At.UnixNano(), LastAt: n.At.UnixNano(), MinMS: noDataMin, MaxMS: noDataMax}, &n)
}

// single writes a frame of its own holding v, after the open frame, so
// that the file keeps the order things came in.
func (w *Writer) single(fi FrameInfo, v any) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.usable(); err != nil {
		return err
	}
	if err := w.seal(); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		w.err = w.wrap(err)
		return w.err
	}
	return w.writeFrame(fi, buf.Bytes())
}

func (w *Writer) usable() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return fmt.Errorf("%s: recording already closed", w.path)
	}
	return nil
}

// timedSeal seals a frame whose second is up and that no later Write
// sealed.
func (w *Writer) timedSeal() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed && w.err == nil {
		_ = w.seal() // the error stays in w.err for the next call
	}
}

// seal writes the open frame, if any, to the file, where a reader finds it
// even if the program dies before Close.
func (w *Writer) seal() error {
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	if w.openInfo.Batches == 0 {
		return nil
	}
	fi := w.openInfo
	w.openInfo = FrameInfo{}
	raw := w.open.Bytes()
	err := w.writeFrame(fi, raw)
	if err == nil {
		err = w.remember(raw)
	}
	w.open.Reset()
	return err
}

// remember keeps the end of raw, the frame just written, in the history,
// after writing a new dictionary when it is time.
func (w *Writer) remember(raw []byte) error {
	var err error
	if len(raw) < dictUseBelow {
		w.sinceDict++
		err = w.maybeNewDict(raw)
	}
	if len(raw) >= dictSize {
		w.history = append(w.history[:0], raw[len(raw)-dictSize:]...)
	} else {
		if over := len(w.history) + len(raw) - dictSize; over > 0 {
			w.history = w.history[:copy(w.history, w.history[over:])]
		}
		w.history = append(w.history, raw...)
	}
	return err
}

// maybeNewDict writes the history before raw as the new dictionary when
// it is time (see dictSize).
func (w *Writer) maybeNewDict(raw []byte) error {
	if w.dictID == 0 {
		if len(w.history) >= dictSize || (w.sinceDict >= dictFirstFrames && len(w.history) >= dictMinBytes) {
			return w.newDict(bytes.Clone(w.history), nil)
		}
		return nil
	}
	if w.sinceDict < dictEvery || w.sinceDict%dictTrialEvery != 0 {
		return nil
	}
	content := bytes.Clone(w.history)
	enc, err := newDictEncoder(w.dictID+1, content)
	if err != nil {
		w.err = w.wrap(err)
		return w.err
	}
	w.trial = enc.EncodeAll(raw, w.trial[:0])
	saved := w.frames[len(w.frames)-1].Size - len(w.trial)
	if saved*dictPayback <= len(compress(w.trial[:0], content)) {
		enc.Close()
		return nil
	}
	return w.newDict(content, enc)
}

// newDict writes content as the next dictionary and compresses the frames
// after with it (by enc, when already made for it).
func (w *Writer) newDict(content []byte, enc *zstd.Encoder) error {
	id := w.dictID + 1
	if enc == nil {
		var err error
		if enc, err = newDictEncoder(id, content); err != nil {
			w.err = w.wrap(err)
			return w.err
		}
	}
	now := w.clock.Now().UnixNano()
	if err := w.writeFrame(FrameInfo{Kind: FrameDict, Dict: id, FirstAt: now, LastAt: now, MinMS: noDataMin, MaxMS: noDataMax}, content); err != nil {
		enc.Close()
		return err
	}
	if w.dictEnc != nil {
		w.dictEnc.Close()
	}
	w.dictID, w.dictEnc, w.sinceDict = id, enc, 0
	return nil
}

// writeFrame compresses raw and writes it as one frame described by fi
// (kind, times and data range), in one write.
func (w *Writer) writeFrame(fi FrameInfo, raw []byte) error {
	fi.Codec, fi.Raw = codecZstd, len(raw)
	buf := append(w.scratch[:0], make([]byte, frameHeaderSize)...)
	if fi.Kind == FrameBatches && w.dictEnc != nil && len(raw) < dictUseBelow {
		fi.Dict = w.dictID
		buf = w.dictEnc.EncodeAll(raw, buf)
	} else {
		buf = compress(buf, raw)
	}
	payload := buf[frameHeaderSize:]
	fi.Size = len(payload)
	fi.PayloadCRC = crc32.Checksum(payload, castagnoli)
	fi.Offset = w.offset
	putFrameHeader(buf[:frameHeaderSize], fi)
	w.scratch = buf
	if _, err := w.file.Write(buf); err != nil {
		w.err = w.wrap(err)
		return w.err
	}
	w.offset += int64(len(buf))
	if fi.Kind != FrameIndex {
		w.frames = append(w.frames, fi)
	}
	return nil
}

// Close seals the open frame, writes the index and the trailer, syncs the
// file to its disk and closes it. It returns the first error the writer
// met, if any.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return w.err
	}
	if w.err == nil {
		_ = w.seal()
	}
	w.closed = true
	if w.err == nil {
		at := w.clock.Now().UnixNano()
		indexAt := w.offset
		if err := w.writeFrame(FrameInfo{Kind: FrameIndex, FirstAt: at, LastAt: at, MinMS: noDataMin, MaxMS: noDataMax}, encodeIndex(w.frames)); err == nil {
			var t [trailerSize]byte
			binary.LittleEndian.PutUint64(t[:8], uint64(indexAt))
			copy(t[8:], trailerMagic[:])
			if _, err := w.file.Write(t[:]); err != nil {
				w.err = w.wrap(err)
			} else if err := w.file.Sync(); err != nil {
				w.err = w.wrap(err)
			}
		}
	}
	if w.dictEnc != nil {
		w.dictEnc.Close()
	}
	if err := w.file.Close(); err != nil && w.err == nil {
		w.err = w.wrap(err)
	}
	return w.err
}

func (w *Writer) wrap(err error) error {
	return fmt.Errorf("%s: writing the recording: %w", w.path, err)
}

// indexEntrySize is one frame in the index: its offset, then its header.
const indexEntrySize = 8 + frameHeaderSize

// encodeIndex lays out every frame's offset and header.
func encodeIndex(frames []FrameInfo) []byte {
	out := make([]byte, len(frames)*indexEntrySize)
	for i, f := range frames {
		e := out[i*indexEntrySize:]
		binary.LittleEndian.PutUint64(e, uint64(f.Offset))
		putFrameHeader(e[8:indexEntrySize], f)
	}
	return out
}

// dataRange widens [lo, hi] to the data times of b's records.
func dataRange(b *sources.Batch, lo, hi int64) (int64, int64) {
	see := func(ms int64) {
		lo, hi = min(lo, ms), max(hi, ms)
	}
	for i := range b.Samples {
		see(b.Samples[i].StartMS)
	}
	for i := range b.Entries {
		if t := b.Entries[i].Time; !t.IsZero() {
			see(t.UnixMilli())
		}
	}
	for i := range b.Scrapes {
		see(b.Scrapes[i].Time.UnixMilli())
	}
	for i := range b.Aggregates {
		if a := b.Aggregates[i]; !a.Final && a.TimeMS != 0 {
			see(a.TimeMS)
		}
	}
	return lo, hi
}
