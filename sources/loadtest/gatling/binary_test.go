package gatling

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/sobang/sobang/sources"
)

// binLog writes a binary simulation.log the way Gatling 3.13's
// LogFileDataWriter does: big-endian, strings as
// their Java internal bytes plus coder, a string cache whose indexes start
// at 1.
type binLog struct {
	bytes.Buffer
	cache map[string]int32
}

func newBinLog(version string, startMS int64, scenarios ...string) *binLog {
	w := &binLog{cache: map[string]int32{}}
	w.WriteByte(recRun)
	w.str(version)
	w.str("shop.CheckoutSimulation")
	w.i64(startMS)
	w.str("")
	w.i32(int32(len(scenarios)))
	for _, s := range scenarios {
		w.str(s)
	}
	w.i32(1) // one assertion: boopickle bytes, skipped by readers
	w.i32(3)
	w.Write([]byte{1, 2, 3})
	return w
}

func (w *binLog) i32(v int32) { w.Write(binary.BigEndian.AppendUint32(nil, uint32(v))) }
func (w *binLog) i64(v int64) { w.Write(binary.BigEndian.AppendUint64(nil, uint64(v))) }
func (w *binLog) flag(b bool) {
	if b {
		w.WriteByte(1)
	} else {
		w.WriteByte(0)
	}
}

// str writes s as a JDK 9+ String holds it: Latin-1 bytes (coder 0) when
// every char fits, else UTF-16 in little-endian order (coder 1).
func (w *binLog) str(s string) {
	if s == "" {
		w.i32(0)
		return
	}
	latin := []byte{}
	for _, r := range s {
		if r > 0xff {
			latin = nil
			break
		}
		latin = append(latin, byte(r))
	}
	if latin != nil {
		w.i32(int32(len(latin)))
		w.Write(latin)
		w.WriteByte(0)
		return
	}
	units := utf16.Encode([]rune(s))
	w.i32(int32(2 * len(units)))
	for _, u := range units {
		w.Write(binary.LittleEndian.AppendUint16(nil, u))
	}
	w.WriteByte(1)
}

func (w *binLog) cached(s string) {
	if idx, ok := w.cache[s]; ok {
		w.i32(-idx)
		return
	}
	idx := int32(len(w.cache) + 1)
	w.cache[s] = idx
	w.i32(idx)
	w.str(s)
}

func (w *binLog) groups(g []string) {
	w.i32(int32(len(g)))
	for _, s := range g {
		w.cached(s)
	}
}

func (w *binLog) user(scenario int32, start bool, at int32) {
	w.WriteByte(recUser)
	w.i32(scenario)
	w.flag(start)
	w.i32(at)
}

func (w *binLog) request(groups []string, name string, start, end int32, ok bool, msg string) {
	w.WriteByte(recRequest)
	w.groups(groups)
	w.cached(name)
	w.i32(start)
	w.i32(end)
	w.flag(ok)
	w.cached(msg)
}

func (w *binLog) group(groups []string, start, end, cumulated int32, ok bool) {
	w.WriteByte(recGroup)
	w.groups(groups)
	w.i32(start)
	w.i32(end)
	w.i32(cumulated)
	w.flag(ok)
}

func (w *binLog) error(msg string, at int32) {
	w.WriteByte(recError)
	w.cached(msg)
	w.i32(at)
}

// shopLog is a small binary simulation: nested groups, Latin-1 and UTF-16
// names, a failed status check, users starting and ending, ERROR records.
func shopLog() *binLog {
	w := newBinLog("3.13.1", t0, "Shoppers", "Admins")
	w.user(0, true, 100)
	w.user(1, true, 150)
	w.request(nil, "Café", 300, 420, true, "")
	w.request([]string{"Shop", "Kasse 注文"}, "Pay", 500, 750, false, "status.find.in([200, 209], 304), found 503")
	w.request([]string{"Shop", "Kasse 注文"}, "Pay", 800, 830, true, "")
	w.group([]string{"Shop", "Kasse 注文"}, 450, 900, 280, false)
	for i := range 7 {
		w.error(fmt.Sprintf("j.u.c.TimeoutException: %d", i%6), 950)
	}
	w.user(0, false, 1000)
	w.request(nil, "Café", 1100, 1150, true, "")
	w.user(1, false, 1200)
	return w
}

var shopSamples = []sources.Sample{
	req("Café", t0+300, 120, 2),
	ko(req("Shop / Kasse 注文 / Pay", t0+500, 250, 2), "503", "status.find.in([200, 209], 304), found 503"),
	req("Shop / Kasse 注文 / Pay", t0+800, 30, 2),
	grp("Shop / Kasse 注文", t0+450, 280, false, 2),
	req("Café", t0+1100, 50, 1),
}

func TestBinary(t *testing.T) {
	data := shopLog().Bytes()
	path := writeFile(t, "simulation.log", data)
	r := readFile(t, path)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if !reflect.DeepEqual(r.Samples, shopSamples) {
		t.Errorf("samples:\n%s\nwant:\n%s", dump(r.Samples), dump(shopSamples))
	}
	if r.BadRows != 0 {
		t.Errorf("bad records: %v", badStrings(r))
	}
	// Six distinct ERROR messages, five shown, then the total.
	var want []string
	for i := range 5 {
		want = append(want, fmt.Sprintf("Gatling error at 2023-11-14 22:13:20.950Z: j.u.c.TimeoutException: %d", i))
	}
	want = append(want, "7 Gatling ERROR records in all; the first 5 are shown")
	if !reflect.DeepEqual(r.Warnings, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(r.Warnings, "\n"), strings.Join(want, "\n"))
	}
	checkBatches(t, r, FormatBinary)
	checkRun(t, r, "shop.CheckoutSimulation", "3.13.1")
	if last := r.Health[len(r.Health)-1].Detail; !strings.Contains(last, "7 Gatling ERROR records") {
		t.Errorf("final health %q does not count the ERROR records", last)
	}
	if f, ok := Sniff(data); !ok || f != FormatBinary {
		t.Errorf("Sniff = %q, %v", f, ok)
	}
}

// TestBinaryEveryCut parses the binary log cut in two at every offset, and
// in one-byte pieces: a record cut anywhere is held until it is complete.
func TestBinaryEveryCut(t *testing.T) {
	data := shopLog().Bytes()
	whole, err := parseChunks(data)
	if err != nil || !reflect.DeepEqual(whole.Samples, shopSamples) {
		t.Fatalf("whole: %v\n%s", err, dump(whole.Samples))
	}
	for cut := range len(data) + 1 {
		r, err := parseChunks(data, cut)
		if err != nil || !reflect.DeepEqual(r.Samples, whole.Samples) || r.BadRows != 0 {
			t.Fatalf("cut at %d: error %v, bad %v, samples:\n%s", cut, err, badStrings(r), dump(r.Samples))
		}
	}
	cuts := make([]int, len(data))
	for i := range cuts {
		cuts[i] = i
	}
	if r, err := parseChunks(data, cuts...); err != nil || !reflect.DeepEqual(r.Samples, whole.Samples) {
		t.Fatalf("byte by byte: error %v, samples:\n%s", err, dump(r.Samples))
	}
}

// TestBinaryVersions: versions before the binary format and other majors are
// refused with an error naming the version; a later 3.x is read with a
// warning.
func TestBinaryVersions(t *testing.T) {
	for _, version := range []string{"3.11.0", "4.0.0", "2.3.1"} {
		w := newBinLog(version, t0, "S")
		w.request(nil, "Home", 1, 2, true, "")
		path := writeFile(t, "simulation.log", w.Bytes())
		r := readFile(t, path)
		if r.Err == nil || !strings.Contains(r.Err.Error(), "written by Gatling "+version) || !strings.Contains(r.Err.Error(), path) {
			t.Errorf("%s: Run returned %v, want an error naming the version and the file", version, r.Err)
		}
		if len(r.Samples) != 0 {
			t.Errorf("%s: %d samples", version, len(r.Samples))
		}
	}
	w := newBinLog("3.15.0", t0, "S")
	w.request(nil, "Home", 1, 2, true, "")
	r := readFile(t, writeFile(t, "simulation.log", w.Bytes()))
	if r.Err != nil || len(r.Samples) != 1 {
		t.Fatalf("3.15.0: error %v, %d samples", r.Err, len(r.Samples))
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "Gatling 3.15.0 is newer") {
		t.Errorf("3.15.0: warnings %q", r.Warnings)
	}
}

// TestBinaryBadRecords corrupts records in the middle of a log: each bad
// region is one bad record described by its offset, and reading resumes at
// the next valid record.
func TestBinaryBadRecords(t *testing.T) {
	w := newBinLog("3.14.3", t0, "S")
	w.user(0, true, 10)
	w.request(nil, "a", 100, 110, true, "")
	badType := w.Len()
	w.request(nil, "b", 200, 220, true, "") // its type byte becomes 9
	w.request(nil, "a", 300, 330, true, "")
	badFlag := w.Len()
	w.request(nil, "a", 400, 440, true, "") // its status byte becomes 7
	w.request(nil, "c", 500, 550, false, "KO")
	badCache := w.Len()
	w.request(nil, "a", 600, 660, true, "") // its name refers to index 99
	backwards := w.Len()
	w.request(nil, "a", 700, 600, true, "") // ends before it starts
	w.request(nil, "a", 800, 880, true, "")
	cut := w.Len()
	w.request(nil, "d", 900, 990, true, "") // cut short by the end of the file
	data := bytes.Clone(w.Bytes())

	data[badType] = 9
	data[badFlag+1+4+4+4+4] = 7                                       // type, nGroups, name index (-1), start, end
	binary.BigEndian.PutUint32(data[badCache+5:], uint32(0xffffff9d)) // -99
	data = data[:len(data)-3]

	r, err := parseChunks(data)
	if err != nil {
		t.Fatal(err)
	}
	wantBad := []string{
		fmt.Sprintf("offset %d: record type: expected 1 request, 2 user, 3 group or 4 error, found 9", badType),
		fmt.Sprintf("offset %d: request status byte: expected 0 or 1, found 7", badFlag),
		fmt.Sprintf("offset %d: request name refers to string-cache index 99, which is not defined", badCache),
		fmt.Sprintf(`offset %d: request "a" ends 100 ms before it starts`, backwards),
		fmt.Sprintf("offset %d: the last record is cut short by the end of the input (%d bytes of it)", cut, len(data)-cut),
	}
	if got := badStrings(r); !reflect.DeepEqual(got, wantBad) || r.BadRows != len(wantBad) {
		t.Errorf("%d bad records:\n%s\nwant:\n%s", r.BadRows, strings.Join(got, "\n"), strings.Join(wantBad, "\n"))
	}
	// "b" was lost with its type byte, so "c" got the cache index "b" had
	// and is defined out of sequence: it must still be read.
	var got []string
	for _, s := range r.Samples {
		got = append(got, fmt.Sprintf("%s@%d", s.Label, s.StartMS-t0))
	}
	if want := []string{"a@100", "a@300", "c@500", "a@800"}; !reflect.DeepEqual(got, want) {
		t.Errorf("samples %q, want %q", got, want)
	}
}

// TestBinaryAtOrBeforeTheEpoch: records of a run that starts at the epoch,
// or of a run start written as 0, are bad rows with their offset; on the
// time axis they would vanish from every statistic.
func TestBinaryAtOrBeforeTheEpoch(t *testing.T) {
	w := newBinLog("3.14.3", 0, "S")
	w.user(0, true, 10)
	zero := w.Len()
	w.request(nil, "a", 0, 10, true, "")
	w.request(nil, "a", 100, 110, true, "")
	group := w.Len()
	w.group([]string{"g"}, -5, 20, 10, true)
	r, err := parseChunks(w.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		fmt.Sprintf(`offset %d: request "a": start: expected a time after the epoch (1970-01-01T00:00:00Z), found "0"`, zero),
		fmt.Sprintf(`offset %d: group "g": start: expected a time after the epoch (1970-01-01T00:00:00Z), found "-5"`, group),
	}
	if got := badStrings(r); !reflect.DeepEqual(got, want) || r.BadRows != len(want) {
		t.Errorf("%d bad records:\n%s\nwant:\n%s", r.BadRows, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(r.Samples) != 1 || r.Samples[0].StartMS != 100 {
		t.Errorf("samples %+v, want the one at 100 ms", r.Samples)
	}
}

// TestBinaryNotGatling: a file that starts with 0 but not with a RUN record
// is refused.
func TestBinaryNotGatling(t *testing.T) {
	for _, data := range []string{"\x00\x7f\xff\xff\xff", "\x00\x00\x00\x00\x05hello\x00", "\x00\x00\x00\x00\x063.13.0\x07"} {
		r, err := parseChunks([]byte(data))
		if err == nil || !strings.Contains(err.Error(), "not a Gatling binary simulation.log") {
			t.Errorf("%q: error %v", data, err)
		}
		if len(r.Samples) != 0 {
			t.Errorf("%q: %d samples", data, len(r.Samples))
		}
	}
}

// TestStatusCode checks which failure messages give a response code.
func TestStatusCode(t *testing.T) {
	for msg, want := range map[string]string{
		"status.find.is(200), but actually found 503":                                         "503",
		"status.find.in(200,201,202,203,204,205,206,207,208,209,304), but actually found 404": "404",
		"status.find.in([200, 209], 304), found 500":                                          "500",
		"status.find.not(500), but actually found 500":                                        "500",
		"status.find.is(200), but actually found nothing":                                     "",
		"status.find.is(200), found 2000":                                                     "",
		"jsonPath($.id).find.is(1), but actually found 503":                                   "",
		"i.g.h.c.i.RequestTimeoutException: Request timeout after 60000 ms":                   "",
		"": "",
	} {
		if got := statusCode(msg); got != want {
			t.Errorf("statusCode(%q) = %q, want %q", msg, got, want)
		}
	}
}
