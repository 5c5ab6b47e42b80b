package record

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// FrameKind says what a frame holds.
type FrameKind uint8

// The frame kinds of format version 2. A reader skips, with a note, kinds
// it does not know: a newer writer adds kinds, never changes these.
const (
	FrameHeader  FrameKind = 1 // the Header (written twice at the start)
	FrameBatches FrameKind = 2 // one or more Entry values, in arrival order
	FrameMark    FrameKind = 3 // one Mark
	FrameNote    FrameKind = 4 // one Note
	FrameIndex   FrameKind = 5 // the index of every frame before it
	FrameDict    FrameKind = 6 // a compression dictionary later frames use
)

// Frame codecs: how a payload is compressed.
const (
	codecNone uint8 = 0
	codecZstd uint8 = 1
)

// frameSync starts every frame: four bytes that a reader looking for the
// next frame after damage searches for, then confirms by the header's own
// checksum.
var frameSync = [4]byte{0xF5, 'S', 'B', 'F'}

// trailerMagic ends a closed recording, after the offset of its index.
var trailerMagic = [8]byte{'S', 'O', 'B', 'A', 'N', 'G', 'I', 'X'}

// Sizes of the fixed parts of a version 2 file.
const (
	frameHeaderSize = 60
	trailerSize     = 16
	// maxFrameRaw bounds a frame's inflated payload, so that a damaged or
	// hostile length cannot ask for gigabytes; a writer seals a frame long
	// before (frameTarget) unless one batch is that large.
	maxFrameRaw = 64 << 20
)

// castagnoli is the CRC-32C table (hardware-accelerated on amd64 and arm64).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// FrameInfo describes one frame: its entry in the index, read from its
// header without inflating it.
type FrameInfo struct {
	Offset  int64     // where its header starts in the file
	Kind    FrameKind // what it holds
	Codec   uint8     // how its payload is compressed
	Batches int       // how many Entry values a FrameBatches frame holds
	Size    int       // the payload's length in the file
	Raw     int       // the payload's length inflated
	// FirstAt and LastAt are the arrival times (the writer's clock, in
	// Unix nanoseconds) of its first and last batch, or of its mark or note.
	FirstAt, LastAt int64
	// MinMS and MaxMS bound the data times of its records (Unix
	// milliseconds as the source read them, before any --offset);
	// MinMS > MaxMS when it holds no timed record.
	MinMS, MaxMS int64
	PayloadCRC   uint32
	// Dict is the dictionary the payload was compressed with (the Dict of
	// a FrameDict frame before it), 0 for none; a FrameDict frame's own
	// number, its payload compressed without one.
	Dict uint32
}

// HasData reports whether the frame holds timed records.
func (f FrameInfo) HasData() bool { return f.MinMS <= f.MaxMS }

// noData is the data range of a frame without timed records.
const noDataMin, noDataMax = math.MaxInt64, math.MinInt64

// putFrameHeader writes f's header into h (frameHeaderSize bytes).
func putFrameHeader(h []byte, f FrameInfo) {
	le := binary.LittleEndian
	copy(h[0:4], frameSync[:])
	h[4] = byte(f.Kind)
	h[5] = f.Codec
	le.PutUint16(h[6:], uint16(min(f.Batches, math.MaxUint16)))
	le.PutUint32(h[8:], uint32(f.Size))
	le.PutUint32(h[12:], uint32(f.Raw))
	le.PutUint64(h[16:], uint64(f.FirstAt))
	le.PutUint64(h[24:], uint64(f.LastAt))
	le.PutUint64(h[32:], uint64(f.MinMS))
	le.PutUint64(h[40:], uint64(f.MaxMS))
	le.PutUint32(h[48:], f.PayloadCRC)
	le.PutUint32(h[52:], f.Dict)
	le.PutUint32(h[56:], crc32.Checksum(h[:56], castagnoli))
}

// errBadHeader says bytes are not a valid frame header.
var errBadHeader = errors.New("not a valid frame header")

// parseFrameHeader reads a frame header at offset: its sync bytes and its
// checksum must match, and its lengths be in bounds.
func parseFrameHeader(h []byte, offset int64) (FrameInfo, error) {
	le := binary.LittleEndian
	if len(h) < frameHeaderSize || !bytes.Equal(h[:4], frameSync[:]) || le.Uint32(h[56:]) != crc32.Checksum(h[:56], castagnoli) {
		return FrameInfo{}, errBadHeader
	}
	f := FrameInfo{
		Offset: offset, Kind: FrameKind(h[4]), Codec: h[5], Batches: int(le.Uint16(h[6:])),
		Size: int(le.Uint32(h[8:])), Raw: int(le.Uint32(h[12:])),
		FirstAt: int64(le.Uint64(h[16:])), LastAt: int64(le.Uint64(h[24:])),
		MinMS: int64(le.Uint64(h[32:])), MaxMS: int64(le.Uint64(h[40:])),
		PayloadCRC: le.Uint32(h[48:]), Dict: le.Uint32(h[52:]),
	}
	if f.Raw > maxFrameRaw || f.Size > maxFrameRaw+maxFrameRaw/8 {
		return FrameInfo{}, errBadHeader
	}
	return f, nil
}

// The codec's encoder and decoder are shared: EncodeAll and DecodeAll are
// safe for concurrent use, and each one made costs megabytes.
var (
	zOnce sync.Once
	zEnc  *zstd.Encoder
	zDec  *zstd.Decoder
)

func codecs() (*zstd.Encoder, *zstd.Decoder) {
	zOnce.Do(func() {
		// SpeedDefault: about as fast as deflate's BestSpeed, and smaller
		// than gzip -6 (BenchmarkRecordingSize).
		zEnc, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1),
			zstd.WithLowerEncoderMem(true))
		zDec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxFrameRaw),
			zstd.WithDecoderLowmem(true))
	})
	return zEnc, zDec
}

// compress returns raw compressed, appended to dst.
func compress(dst, raw []byte) []byte {
	enc, _ := codecs()
	return enc.EncodeAll(raw, dst)
}

// inflate returns f's payload inflated into dst's storage, by dec when
// the frame was compressed with a dictionary (dec holds it), else by the
// shared decoder.
func inflate(f FrameInfo, payload, dst []byte, dec *zstd.Decoder) ([]byte, error) {
	switch f.Codec {
	case codecNone:
		return payload, nil
	case codecZstd:
		if f.Kind == FrameDict || f.Dict == 0 || dec == nil {
			_, dec = codecs()
		}
		out, err := dec.DecodeAll(payload, dst[:0])
		if err != nil {
			return nil, err
		}
		if len(out) != f.Raw {
			return nil, fmt.Errorf("inflated to %d bytes, its header says %d", len(out), f.Raw)
		}
		return out, nil
	}
	return nil, fmt.Errorf("compressed by codec %d, unknown to this sobang", f.Codec)
}

// newDictEncoder returns an encoder compressing with the raw dictionary
// content numbered id.
func newDictEncoder(id uint32, content []byte) (*zstd.Encoder, error) {
	return zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1),
		zstd.WithLowerEncoderMem(true), zstd.WithEncoderDictRaw(id, content))
}

// newDictDecoder returns a decoder holding the raw dictionary content
// numbered id.
func newDictDecoder(id uint32, content []byte) (*zstd.Decoder, error) {
	return zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxFrameRaw),
		zstd.WithDecoderLowmem(true), zstd.WithDecoderDictRaw(id, content))
}
