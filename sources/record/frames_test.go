package record

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// logBatches returns n batches of one log entry each, a second apart.
func logBatches(n int) []sources.Batch {
	var out []sources.Batch
	for i := range n {
		out = append(out, sources.Batch{Rows: 1, Entries: []sources.LogEntry{{
			Time: t0.Add(time.Duration(i) * time.Second), LevelCol: -1,
			Lines: []string{strings.Repeat("x", 200) + strconv.Itoa(i)},
		}}})
	}
	return out
}

// writeFramed records batches with a frame per batch (as if each came a
// second after the last) and returns the file's bytes, closed or not, and
// the offset where each batch's frame starts.
func writeFramed(t testing.TB, batches []sources.Batch, closeIt bool) (data []byte, starts []int64) {
	t.Helper()
	clock := sources.NewManualClock(t0)
	path := filepath.Join(t.TempDir(), "framed.sobang")
	w, err := Create(path, testInfos()[1:2], clock)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		starts = append(starts, w.offset)
		if err := w.Write(b); err != nil {
			t.Fatal(err)
		}
		clock.Advance(flushEvery)
		w.mu.Lock()
		err := w.seal()
		w.mu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
	}
	if closeIt {
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	} else {
		defer w.file.Close()
	}
	data, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data, starts
}

// readBytes writes data to a file of t's and returns its entries and
// warnings.
func readBytes(t *testing.T, data []byte) ([]sources.Batch, []string, string) {
	t.Helper()
	path := filepath.Join(testDir(t), "cut.sobang")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	es, warnings := entries(t, path)
	var bs []sources.Batch
	for _, e := range es {
		bs = append(bs, e.Batch)
	}
	return bs, warnings, path
}

var testDirs sync.Map // *testing.T -> its directory

// testDir returns one temporary directory per test, where t.TempDir makes
// a new one per call.
func testDir(t *testing.T) string {
	if d, ok := testDirs.Load(t); ok {
		return d.(string)
	}
	d := t.TempDir()
	testDirs.Store(t, d)
	t.Cleanup(func() { testDirs.Delete(t) })
	return d
}

// TestCutAnywhere cuts a recording, closed and not, at every byte offset
// from the start of its last three frames to its end: it opens with every
// batch whose frame is whole, says where it was cut, and nothing else.
func TestCutAnywhere(t *testing.T) {
	batches := logBatches(8)
	for _, closed := range []bool{true, false} {
		data, starts := writeFramed(t, batches, closed)
		for cut := starts[len(starts)-3]; cut <= int64(len(data)); cut++ {
			got, warnings, path := readBytes(t, data[:cut])
			whole := 0
			for i := range starts {
				end := int64(len(data))
				if i+1 < len(starts) {
					end = starts[i+1]
				} else if closed {
					end = starts[i] + int64(frameHeaderSize)
					end += int64(binary.LittleEndian.Uint32(data[starts[i]+8:]))
				}
				if end <= cut {
					whole = i + 1
				}
			}
			if len(got) != whole || !reflect.DeepEqual(got, batches[:whole]) {
				t.Fatalf("closed %v, cut at %d of %d: %d batches, want the %d whole ones", closed, cut, len(data), len(got), whole)
			}
			if cut == int64(len(data)) && closed {
				if len(warnings) != 0 {
					t.Errorf("the whole closed file: warnings %q", warnings)
				}
				continue
			}
			if len(warnings) == 0 || !strings.Contains(strings.Join(warnings, "\n"), path+": ") {
				t.Fatalf("closed %v, cut at %d: warnings %q, want one naming the file", closed, cut, warnings)
			}
		}
	}
}

// TestFlippedByte flips one byte in turn at many offsets of a closed
// recording: the damage is found by a checksum and reported with the file
// and its offset, and every batch of another frame still reads.
func TestFlippedByte(t *testing.T) {
	batches := logBatches(6)
	data, starts := writeFramed(t, batches, true)
	frameOf := func(off int64) int {
		for i := len(starts) - 1; i >= 0; i-- {
			if off >= starts[i] {
				return i
			}
		}
		return -1 // the header frames
	}
	step := int64(7)
	if testing.Short() {
		step = 61
	}
	for off := int64(len(Magic)); off < int64(len(data)); off += step {
		damaged := append([]byte(nil), data...)
		damaged[off] ^= 0x5a
		got, warnings, path := readBytes(t, damaged)
		lost := frameOf(off)
		if lost >= 0 && off >= starts[len(starts)-1]+int64(frameHeaderSize)+int64(binary.LittleEndian.Uint32(data[starts[len(starts)-1]+8:])) {
			lost = -1 // the index or the trailer: nothing lost
		}
		var want []sources.Batch
		for i, b := range batches {
			if i != lost {
				want = append(want, b)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("byte %d flipped (frame %d): %d batches, want %d", off, lost, len(got), len(want))
		}
		if len(warnings) == 0 {
			t.Fatalf("byte %d flipped: no warning", off)
		}
		joined := strings.Join(warnings, "\n")
		if !strings.Contains(joined, path+": ") {
			t.Fatalf("byte %d flipped: warnings %q do not name the file", off, warnings)
		}
		if lost >= 0 && !strings.Contains(joined, strconv.FormatInt(starts[lost], 10)) {
			t.Fatalf("byte %d flipped in the frame at %d: warnings %q do not say where", off, starts[lost], warnings)
		}
	}
}

// TestResynchronises overwrites a stretch in the middle of an unclosed
// recording, frame headers included: the reader skips to the next frame
// that checks out and reads the rest.
func TestResynchronises(t *testing.T) {
	batches := logBatches(8)
	data, starts := writeFramed(t, batches, false)
	damaged := append([]byte(nil), data...)
	for i := starts[3] + 10; i < starts[5]+5; i++ {
		damaged[i] = 0xF5
	}
	got, warnings, _ := readBytes(t, damaged)
	want := append(append([]sources.Batch(nil), batches[:3]...), batches[6:]...)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%d batches, want %d", len(got), len(want))
	}
	if j := strings.Join(warnings, "\n"); !strings.Contains(j, fmt.Sprintf("bytes %d to %d are damaged", starts[3], starts[6])) {
		t.Errorf("warnings %q", warnings)
	}
}

// TestUnknownFrameKind: a frame of a kind a newer sobang writes is skipped
// with a note, and what follows still reads.
func TestUnknownFrameKind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "newer.sobang")
	w, err := Create(path, testInfos()[1:2], nil)
	if err != nil {
		t.Fatal(err)
	}
	bs := logBatches(2)
	if err := w.Write(bs[0]); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	_ = w.seal()
	_ = w.writeFrame(FrameInfo{Kind: 42, MinMS: noDataMin, MaxMS: noDataMax}, []byte("from the future"))
	w.mu.Unlock()
	if err := w.Write(bs[1]); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	es, warnings := entries(t, path)
	if len(es) != 2 || len(warnings) != 1 || !strings.Contains(warnings[0], "kind 42") {
		t.Errorf("%d entries, warnings %q", len(es), warnings)
	}
}

// TestMarksAndNotes: marks and notes come back in their place among the
// batches, cleaned, and the index times them.
func TestMarksAndNotes(t *testing.T) {
	clock := sources.NewManualClock(t0)
	path := filepath.Join(t.TempDir(), "marks.sobang")
	w, err := Create(path, testInfos()[1:2], clock)
	if err != nil {
		t.Fatal(err)
	}
	bs := logBatches(2)
	_ = w.Write(bs[0])
	if err := w.Mark(Mark{Time: t0.Add(time.Minute), Label: "spike\x1b[31m"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Note("deployed v2"); err != nil {
		t.Fatal(err)
	}
	_ = w.Write(bs[1])
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rec, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	if _, err := rec.Walk(0, func(it Item) error {
		switch {
		case it.Entry != nil:
			got = append(got, "entry")
		case it.Mark != nil:
			got = append(got, "mark "+it.Mark.Label+" "+it.Mark.Time.UTC().Format(time.TimeOnly))
		case it.Note != nil:
			got = append(got, "note "+it.Note.Text)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{"entry", "mark spike 12:39:19", "note deployed v2", "entry"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("items %q, want %q", got, want)
	}
}

// TestMarksStillSet: Marks reads the mark frames alone, and SetMarks keeps
// the marks set at the end (m toggles: a mark removed is gone).
func TestMarksStillSet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "marks.sobang")
	w, err := Create(path, testInfos()[1:2], sources.NewManualClock(t0))
	if err != nil {
		t.Fatal(err)
	}
	bs := logBatches(2)
	_ = w.Write(bs[0])
	for _, m := range []Mark{
		{Time: t0.Add(2 * time.Minute)},
		{Time: t0.Add(time.Minute), Label: "spike"},
		{Time: t0.Add(2 * time.Minute), Removed: true},
		{Time: t0.Add(3 * time.Minute)},
	} {
		if err := w.Mark(m); err != nil {
			t.Fatal(err)
		}
	}
	_ = w.Write(bs[1])
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rec, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	marks, warnings := rec.Marks()
	if len(marks) != 4 || len(warnings) != 0 || marks[1].Label != "spike" || !marks[2].Removed {
		t.Fatalf("marks %+v, warnings %q", marks, warnings)
	}
	want := []int64{t0.Add(time.Minute).UnixMilli(), t0.Add(3 * time.Minute).UnixMilli()}
	if got := SetMarks(marks); !reflect.DeepEqual(got, want) {
		t.Errorf("marks still set %v, want %v", got, want)
	}
	// The notes of the marks still set; a note removed with its mark is gone.
	marks = append(marks, Mark{Time: t0.Add(4 * time.Minute), Label: "gone"}, Mark{Time: t0.Add(4 * time.Minute), Removed: true})
	wantNotes := map[int64]string{t0.Add(time.Minute).UnixMilli(): "spike"}
	if got := MarkNotes(marks); !reflect.DeepEqual(got, wantNotes) {
		t.Errorf("notes %v, want %v", got, wantNotes)
	}
}

// TestSeek finds frames by arrival and by data time, and reads from there.
func TestSeek(t *testing.T) {
	batches := logBatches(10)
	data, _ := writeFramed(t, batches, true)
	path := filepath.Join(t.TempDir(), "seek.sobang")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	rec, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Warnings) != 0 {
		t.Fatalf("warnings %q", rec.Warnings)
	}
	first := func(from int) time.Time {
		var got time.Time
		_, _ = rec.Walk(from, func(it Item) error {
			got = it.Entry.Batch.Entries[0].Time
			return errStop
		})
		return got
	}
	if i := rec.SeekData(t0.Add(4500 * time.Millisecond).UnixMilli()); !first(i).Equal(t0.Add(5 * time.Second)) {
		t.Errorf("SeekData(+4.5s) = frame %d, which starts at %v", i, first(i))
	}
	if i := rec.SeekArrival(t0.Add(3 * flushEvery).UnixNano()); !first(i).Equal(t0.Add(3 * time.Second)) {
		t.Errorf("SeekArrival(+3s) = frame %d, which starts at %v", i, first(i))
	}
	if i := rec.SeekData(t0.Add(time.Hour).UnixMilli()); i != len(rec.Frames()) {
		t.Errorf("SeekData past the end = %d, want %d", i, len(rec.Frames()))
	}
}

// TestReadsVersion1 reads testdata/v1.sobang, written by the writer of
// format version 1 (gzip'd gob) from testBatches.
func TestReadsVersion1(t *testing.T) {
	path := filepath.Join("testdata", "v1.sobang")
	rec, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Version() != 1 || len(rec.Header.Sources) != len(testInfos()) {
		t.Fatalf("version %d, %d sources", rec.Version(), len(rec.Header.Sources))
	}
	_, got := replayAll(t, path)
	for i := range testInfos() {
		var want []sources.Batch
		for _, b := range testBatches() {
			if b.Source == i {
				b.CaughtUp = false
				want = append(want, b)
			}
		}
		if !reflect.DeepEqual(got[i][:len(got[i])-1], want) {
			t.Errorf("source %d:\n got %+v\nwant %+v", i, got[i][:len(got[i])-1], want)
		}
	}
	// Cut short, it reads what came before and says so.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, warnings, _ := readBytes(t, data[:len(data)*3/4])
	if len(warnings) != 1 || !strings.Contains(warnings[0], "ends abruptly") {
		t.Errorf("warnings %q", warnings)
	}
}

// TestOnePass replays a recording of four sources and checks each frame
// was read once, not once per source.
func TestOnePass(t *testing.T) {
	path := writeRecording(t, testInfos(), testBatches())
	rec, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	frames := 0
	for _, f := range rec.Frames() {
		if f.Kind == FrameBatches {
			frames++
		}
	}
	framesDecoded.Store(0)
	replayAll(t, path)
	if n := framesDecoded.Load(); n != int64(frames) {
		t.Errorf("%d frames decoded for %d frames of %d sources", n, frames, len(testInfos()))
	}
}

// TestFlushesWhenQuiet: a batch written with no later Write reaches the
// file within flushEvery all the same, from the writer's timer.
func TestFlushesWhenQuiet(t *testing.T) {
	clock := sources.NewManualClock(t0)
	path := filepath.Join(t.TempDir(), "quiet.sobang")
	w, err := Create(path, testInfos()[:1], clock)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Write(sources.Batch{Rows: 1, Samples: []sources.Sample{{StartMS: 1, Label: "a"}}}); err != nil {
		t.Fatal(err)
	}
	if es, _ := entries(t, path); len(es) != 0 {
		t.Fatalf("%d entries before the second is up", len(es))
	}
	clock.Advance(flushEvery)
	deadline := time.Now().Add(10 * time.Second)
	for {
		es, warnings := entries(t, path)
		if len(es) == 1 {
			if len(warnings) != 1 || !strings.Contains(warnings[0], "has no index") {
				t.Errorf("warnings %q", warnings)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the batch never reached the file while the writer was open")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestIndexDamaged: a closed recording whose index fails its checksum is
// read by scanning, with a warning.
func TestIndexDamaged(t *testing.T) {
	batches := logBatches(4)
	data, _ := writeFramed(t, batches, true)
	data[len(data)-trailerSize-5] ^= 1
	got, warnings, _ := readBytes(t, data)
	if !reflect.DeepEqual(got, batches) || len(warnings) != 1 || !strings.Contains(warnings[0], "index") {
		t.Errorf("%d batches, warnings %q", len(got), warnings)
	}
}

// FuzzRead reads any bytes as a recording: it never panics, never hands
// over an entry naming no recorded source, reads the same twice, and names
// the file in every error and warning.
//
// Run it with -fuzzminimizetime 2s: each input is a file, and minimising a
// new find for the default minute shows as a fuzzer that does nothing.
func FuzzRead(f *testing.F) {
	small, _ := writeFramed(f, logBatches(2), true)
	f.Add(small)
	f.Add(small[:len(small)-20])
	unclosed, _ := writeFramed(f, logBatches(2), false)
	f.Add(unclosed)
	v1, err := os.ReadFile(filepath.Join("testdata", "v1.sobang"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(v1)
	f.Add(Magic[:])
	dir := f.TempDir()
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, strconv.FormatInt(n.Add(1), 10)+".sobang")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(path)
		read := func() string {
			rec, err := Open(path)
			if err != nil {
				if !strings.HasPrefix(err.Error(), path+": ") {
					t.Fatalf("error does not name the file: %v", err)
				}
				return err.Error()
			}
			var b bytes.Buffer
			warnings, err := rec.Walk(0, func(it Item) error {
				if e := it.Entry; e != nil && (e.Source < 0 || e.Source >= len(rec.Header.Sources) || e.Batch.Source != e.Source) {
					t.Fatalf("entry of source %d handed over with %d recorded sources", e.Source, len(rec.Header.Sources))
				}
				fmt.Fprintf(&b, "%d ", it.Frame)
				return nil
			})
			if err != nil {
				t.Fatalf("walk: %v", err)
			}
			for _, w := range append(rec.Warnings, warnings...) {
				if !strings.HasPrefix(w, path+": ") {
					t.Fatalf("warning does not name the file: %q", w)
				}
				b.WriteString(w)
			}
			return b.String()
		}
		if a, b := read(), read(); a != b {
			t.Fatalf("two reads differ:\n%s\n%s", a, b)
		}
	})
}

// TestDictionaries records enough small frames for dictionaries to be
// written and used: everything reads back; a damaged dictionary loses the
// frames compressed with it, says so once, and the rest still reads.
func TestDictionaries(t *testing.T) {
	// Frames of about 250 bytes: enough of them for the history to reach
	// dictMinBytes, and as many again to use the dictionary.
	batches := logBatches(max(3*dictFirstFrames, 2*dictMinBytes/250))
	data, starts := writeFramed(t, batches, true)
	got, warnings, path := readBytes(t, data)
	if !reflect.DeepEqual(got, batches) || len(warnings) != 0 {
		t.Fatalf("%d batches of %d, warnings %q", len(got), len(batches), warnings)
	}
	rec, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var dict FrameInfo
	using := 0
	for _, f := range rec.Frames() {
		if f.Kind == FrameDict && dict.Dict == 0 {
			dict = f
		}
		if f.Kind == FrameBatches && dict.Dict != 0 && f.Dict == dict.Dict {
			using++
		}
	}
	if dict.Dict == 0 || using == 0 {
		t.Fatalf("no dictionary written, or none used: %+v", rec.Frames())
	}
	damaged := append([]byte(nil), data...)
	damaged[dict.Offset+frameHeaderSize+3] ^= 1
	got, warnings, _ = readBytes(t, damaged)
	if len(got) != len(batches)-using || len(warnings) != 1 ||
		!strings.Contains(warnings[0], fmt.Sprintf("the compression dictionary at offset %d is damaged", dict.Offset)) ||
		!strings.Contains(warnings[0], fmt.Sprintf("the %d frames compressed with it (%d batches) skipped", using, using)) {
		t.Errorf("%d batches of %d (%d lost), warnings %q", len(got), len(batches), using, warnings)
	}
	_ = starts
}

// TestColumnsCarryEveryField packs and unpacks samples whose every field
// is set, each to a value of its own, and fails when sources.Sample gains
// a field that the columns do not carry yet.
func TestColumnsCarryEveryField(t *testing.T) {
	typ := reflect.TypeFor[sources.Sample]()
	if typ.NumField() != sampleFields {
		t.Fatalf("sources.Sample has %d fields, the columns carry %d: add the new ones to Columns, pack and unpack", typ.NumField(), sampleFields)
	}
	var samples []sources.Sample
	for k := range 3 {
		var s sources.Sample
		v := reflect.ValueOf(&s).Elem()
		for i := range v.NumField() {
			f := v.Field(i)
			switch f.Kind() {
			case reflect.String:
				f.SetString(fmt.Sprintf("%s-%d", typ.Field(i).Name, k%2))
			case reflect.Bool:
				f.SetBool((i+k)%2 == 0)
			case reflect.Int32, reflect.Int64:
				f.SetInt(int64(1000*i + k - 7))
			default:
				t.Fatalf("field %s of kind %v", typ.Field(i).Name, f.Kind())
			}
		}
		samples = append(samples, s)
	}
	var p packer
	got, err := p.pack(samples).unpack()
	if err != nil || !reflect.DeepEqual(got, samples) {
		t.Errorf("unpacked %+v, %v\nwant %+v", got, err, samples)
	}
	bad := *p.pack(samples)
	bad.URL = []uint32{0, 1, 99}
	if _, err := bad.unpack(); err == nil {
		t.Error("a string index out of range unpacked")
	}
	bad = *p.pack(samples)
	bad.Flags = bad.Flags[:1]
	if _, err := bad.unpack(); err == nil {
		t.Error("columns of different lengths unpacked")
	}
}

// TestFramesDecodeAlone writes a frame per batch of every kind and reads
// from each frame on: each decodes without the frames before it (the type
// definitions every frame needs are in the header).
func TestFramesDecodeAlone(t *testing.T) {
	clock := sources.NewManualClock(t0)
	path := filepath.Join(t.TempDir(), "alone.sobang")
	w, err := Create(path, testInfos(), clock)
	if err != nil {
		t.Fatal(err)
	}
	batches := testBatches()
	slices.Reverse(batches) // the first frame holds none of the samples
	for _, b := range batches {
		if err := w.Write(b); err != nil {
			t.Fatal(err)
		}
		clock.Advance(flushEvery)
		w.mu.Lock()
		err := w.seal()
		w.mu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rec, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for i, f := range rec.Frames() {
		if f.Kind != FrameBatches {
			continue
		}
		var got sources.Batch
		warnings, err := rec.Walk(i, func(it Item) error {
			got = it.Entry.Batch
			return errStop
		})
		if err != nil || len(warnings) != 0 || !reflect.DeepEqual(got, batches[k]) {
			t.Errorf("frame %d alone: %+v, %v %q\nwant %+v", i, got, err, warnings, batches[k])
		}
		k++
	}
	if k != len(batches) {
		t.Errorf("%d frames of batches, want %d", k, len(batches))
	}
}

// TestFirstDictionaryEarly: a live recording (a frame a second, a few
// kilobytes each, the same stack trace in every second) has a compression
// dictionary from its third frame on, so that a short recording (the
// demo's minute) gains what the dictionary saves, and is smaller by far
// than with the dictionary after sixteen frames.
func TestFirstDictionaryEarly(t *testing.T) {
	trace := []string{"java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 3000ms."}
	for k := range 30 {
		trace = append(trace, "\tat com.example.bank.service.Layer"+strconv.Itoa(k)+".call(Layer"+strconv.Itoa(k)+".java:"+strconv.Itoa(40+k)+")")
	}
	write := func() (string, int64) {
		path := filepath.Join(t.TempDir(), "live.sobang")
		clock := sources.NewManualClock(t0)
		w, err := Create(path, testInfos()[1:2], clock)
		if err != nil {
			t.Fatal(err)
		}
		for sec := range 20 {
			var b sources.Batch
			for i := range 4 {
				b.Entries = append(b.Entries, sources.LogEntry{Time: t0.Add(time.Duration(sec)*time.Second + time.Duration(i)*time.Millisecond),
					Level: sources.LevelError, LevelText: "ERROR", LevelCol: 24,
					Lines: append([]string{t0.Format(time.RFC3339) + " ERROR request " + strconv.Itoa(sec*4+i) + " failed"}, trace...)})
			}
			b.Rows = len(b.Entries)
			if err := w.Write(b); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Second)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return path, fi.Size()
	}
	path, size := write()
	rec, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	batches := 0
	for _, f := range rec.Frames() {
		if f.Kind != FrameBatches {
			continue
		}
		if batches++; batches == 3 && f.Dict == 0 {
			t.Errorf("the third frame of batches is compressed without a dictionary")
		}
	}
	if n, _ := replayAll(t, path); len(n) == 0 {
		t.Fatal("nothing read back")
	}
	saved := dictFirstFrames
	dictFirstFrames = 16
	_, late := write()
	dictFirstFrames = saved
	if float64(size) > 0.8*float64(late) {
		t.Errorf("%d bytes, against %d with the first dictionary after 16 frames", size, late)
	}
	t.Logf("%d bytes, %d with the first dictionary after 16 frames", size, late)
}
