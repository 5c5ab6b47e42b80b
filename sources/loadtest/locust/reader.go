package locust

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"
)

// maxFileBytes bounds what is read of a rewritten file (_stats.csv,
// _failures.csv, _exceptions.csv): they hold one row per label or error.
const maxFileBytes = 64 << 20

// file is one file of the set and what is known of it.
type file struct {
	path   string
	suffix string
	seen   bool      // it existed at some poll
	size   int64     // size at the last read (rewritten files) or offset read to (history)
	mod    time.Time // modification time at the last read (rewritten files)
	good   bool      // the last read was whole
	header []string  // the history's header, once read
	line   int       // history: lines consumed so far
	wrong  bool      // history: its header is not Locust's; skipped until rewritten
	cur    string    // the path read last: path, or path+SuffixGzip
	cut    bool      // the gzip'd file was found cut short (told once)
}

// reader reads one set, poll by poll, in the source's goroutine.
type reader struct {
	named                            string // the path the user gave, "" when a prefix
	prefix                           string
	stats, history, failures, except file
	historyRows, finalRows, failRows int
	badKept                          int
	statsRead, failuresRead          bool
	gz                               bool // the user named a gzip'd file: prefer gzip'd siblings
}

func newReader(name string) *reader {
	r := &reader{prefix: Prefix(name)}
	if r.prefix != name {
		r.named = name
		r.gz = strings.HasSuffix(name, SuffixGzip)
	}
	s, h, f, e := Files(r.prefix)
	r.stats = file{path: s, suffix: SuffixStats}
	r.history = file{path: h, suffix: SuffixHistory}
	r.failures = file{path: f, suffix: SuffixFailures}
	r.except = file{path: e, suffix: SuffixExceptions}
	return r
}

// missing returns a warning per file of the set not found.
func (r *reader) missing() []string {
	var out []string
	for _, f := range []*file{&r.history, &r.stats, &r.failures, &r.except} {
		if !f.seen {
			out = append(out, fmt.Sprintf("Locust set %s: %s not found", r.prefix, f.path))
		}
	}
	return out
}

func (r *reader) summary() string {
	return fmt.Sprintf("read Locust set %s: %d history rows, %d final rows, %d failure rows", r.prefix, r.historyRows, r.finalRows, r.failRows)
}

func (r *reader) badRow(b *sources.Batch, path string, line int, format string, args ...any) {
	b.BadRows++
	if r.badKept < sources.MaxBadRowsKept {
		r.badKept++
		b.Bad = append(b.Bad, sources.BadRow{Line: line, Reason: path + ": " + fmt.Sprintf(format, args...)})
	}
}

// poll reads what changed since the last poll into one batch. final says
// the input has ended: a last history line without a newline is read, and a
// _stats.csv without an Aggregated row is taken as it is.
func (r *reader) poll(final bool) (sources.Batch, error) {
	var b sources.Batch
	if err := r.pollHistory(&b, final); err != nil {
		return b, err
	}
	if err := r.pollRewritten(&r.stats, &b, final, r.readStats); err != nil {
		return b, err
	}
	if err := r.pollRewritten(&r.failures, &b, final, r.readFailures); err != nil {
		return b, err
	}
	if err := r.pollRewritten(&r.except, &b, final, r.readExceptions); err != nil {
		return b, err
	}
	return b, nil
}

// wrongFile is the error for a file whose header is not its kind's; fatal
// when it is the file the user named, a warning for a sibling.
func (r *reader) wrongFile(f *file, b *sources.Batch, head []byte, want string) error {
	line, _, _ := bytes.Cut(head, []byte{'\n'})
	err := &sources.LineError{Path: f.cur, Line: 1, Err: sources.ExpectedError("", "the header of a "+want, bytes.TrimSpace(line))}
	if f.cur == r.named {
		return err
	}
	b.Warnings = append(b.Warnings, err.Error()+"; file skipped")
	return nil
}

// locate returns the path to read for f: the plain file or its gzip'd
// copy, whichever exists, the gzip'd one first when the user named one.
func (r *reader) locate(f *file) string {
	first, second := f.path, f.path+SuffixGzip
	if r.gz {
		first, second = second, first
	}
	if _, err := os.Stat(first); err == nil {
		return first
	}
	if _, err := os.Stat(second); err == nil {
		return second
	}
	return first
}

// pollHistory reads the history's new complete lines.
func (r *reader) pollHistory(b *sources.Batch, final bool) error {
	f := &r.history
	p := r.locate(f)
	if f.cur != "" && f.cur != p {
		// The plain file gave way to the gzip'd one, or back: start over.
		if f.line > 0 && !f.wrong {
			b.Reset = true
		}
		f.size, f.header, f.line, f.wrong, f.good = 0, nil, 0, false, false
	}
	if strings.HasSuffix(p, SuffixGzip) {
		return r.pollHistoryGzip(b, f, p)
	}
	fh, err := os.Open(p)
	if err != nil {
		return nil // not there (yet): missing() tells
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil
	}
	f.seen, f.cur = true, p
	if st.Size() < f.size {
		// Rewritten: a new run with the same prefix.
		if !f.wrong {
			b.Reset = true
		}
		f.size, f.header, f.line, f.wrong = 0, nil, 0, false
	}
	if f.wrong {
		f.size = st.Size()
		return nil
	}
	if st.Size() == f.size && !final {
		return nil
	}
	if _, err := fh.Seek(f.size, io.SeekStart); err != nil {
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(fh, st.Size()-f.size))
	if err != nil {
		return sources.InFile(p, err)
	}
	end := bytes.LastIndexByte(data, '\n') + 1
	if final {
		end = len(data)
	}
	data = data[:end]
	f.size += int64(end)
	for len(data) > 0 && !f.wrong {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if err := r.historyLine(b, f, line); err != nil {
			return err
		}
	}
	return nil
}

// pollHistoryGzip reads a gzip'd history whole, again whenever it changes
// (a gzip stream cannot be read from the middle).
func (r *reader) pollHistoryGzip(b *sources.Batch, f *file, p string) error {
	st, err := os.Stat(p)
	if err != nil || st.IsDir() {
		return nil
	}
	f.seen = true
	if f.good && f.cur == p && st.Size() == f.size && st.ModTime().Equal(f.mod) {
		return nil
	}
	fh, err := os.Open(p)
	if err != nil {
		return nil
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		f.cur, f.good, f.size, f.mod = p, true, st.Size(), st.ModTime()
		return r.notGzip(f, b, err)
	}
	if f.line > 0 && !f.wrong {
		b.Reset = true
	}
	f.cur, f.header, f.line, f.wrong = p, nil, 0, false
	f.good, f.size, f.mod = true, st.Size(), st.ModTime()
	br := bufio.NewReaderSize(zr, 64<<10)
	for !f.wrong {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: gather it whole.
			long := append([]byte(nil), line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		line = bytes.TrimSuffix(line, []byte{'\n'})
		if len(line) > 0 || err == nil {
			if herr := r.historyLine(b, f, line); herr != nil {
				return herr
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				r.gzipCut(f, b, err)
			}
			break
		}
	}
	return nil
}

// historyLine reads one line of the history (its newline removed).
func (r *reader) historyLine(b *sources.Batch, f *file, line []byte) error {
	f.line++
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if f.line == 1 {
		line = batch.TrimBOM(line)
	}
	if len(bytes.TrimSpace(line)) == 0 {
		return nil
	}
	rec, err := splitCSV(line)
	if err != nil {
		r.badRow(b, f.cur, f.line, "%v", err)
		return nil
	}
	if f.header == nil {
		if format, ok := Sniff(line); !ok || format != FormatHistory {
			f.wrong = true
			return r.wrongFile(f, b, line, "Locust _stats_history.csv")
		}
		f.header = rec
		return nil
	}
	a, err := parseRow(f.header, rec, true)
	if err != nil {
		r.badRow(b, f.cur, f.line, "%v", err)
		return nil
	}
	b.Aggregates = append(b.Aggregates, a)
	b.Rows++
	r.historyRows++
	return nil
}

// notGzip is the error for a .gz file that is not gzip data: fatal when it
// is the file the user named, a warning for a sibling.
func (r *reader) notGzip(f *file, b *sources.Batch, err error) error {
	err = &sources.LineError{Path: f.cur, Line: 1, Err: fmt.Errorf("expected gzip data: %v", err)}
	if f.cur == r.named {
		return err
	}
	b.Warnings = append(b.Warnings, err.Error()+"; file skipped")
	return nil
}

// gzipCut warns, once per file, of gzip data that ends before its trailer
// (or is damaged): what came before is kept.
func (r *reader) gzipCut(f *file, b *sources.Batch, err error) {
	if f.cut {
		return
	}
	f.cut = true
	why := "is truncated"
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		why = "is damaged (" + err.Error() + ")"
	}
	b.Warnings = append(b.Warnings, fmt.Sprintf("%s: gzip data %s: kept what was read before", f.cur, why))
}

// pollRewritten reads a file Locust rewrites in place when its size or
// time changed since its last whole read.
func (r *reader) pollRewritten(f *file, b *sources.Batch, final bool, read func(*file, *sources.Batch, []byte, bool) (bool, error)) error {
	p := r.locate(f)
	st, err := os.Stat(p)
	if err != nil || st.IsDir() {
		return nil
	}
	f.seen = true
	if f.good && f.cur == p && st.Size() == f.size && st.ModTime().Equal(f.mod) {
		return nil
	}
	f.cur = p
	fh, err := os.Open(p)
	if err != nil {
		return nil
	}
	var data []byte
	if strings.HasSuffix(p, SuffixGzip) {
		zr, zerr := gzip.NewReader(fh)
		if zerr != nil {
			fh.Close()
			f.good, f.size, f.mod = true, st.Size(), st.ModTime()
			return r.notGzip(f, b, zerr)
		}
		data, err = io.ReadAll(io.LimitReader(zr, maxFileBytes))
		if err != nil && final {
			// Cut or damaged at the end of the input: read what came before.
			r.gzipCut(f, b, err)
			err = nil
		}
	} else {
		data, err = io.ReadAll(io.LimitReader(fh, maxFileBytes))
	}
	fh.Close()
	if err != nil {
		if strings.HasSuffix(p, SuffixGzip) {
			return nil // being written: read it again at the next poll
		}
		return sources.InFile(p, err)
	}
	whole, err := read(f, b, data, final)
	if err != nil {
		return err
	}
	f.good, f.size, f.mod = whole, st.Size(), st.ModTime()
	return nil
}

// records splits a whole rewritten file into its header and rows, with the
// line each row starts on.
func records(data []byte) (header []string, rows [][]string, lines []int, err error) {
	data = batch.TrimBOM(data)
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return header, rows, lines, nil
		}
		if err != nil {
			return header, rows, lines, err
		}
		if header == nil {
			header = rec
			continue
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, rec)
		lines = append(lines, line)
	}
}

// readStats reads _stats.csv: the final rows replace the earlier ones. It
// is whole when it ends with the Aggregated row (Locust may be half-way
// through rewriting it) or when the input has ended.
func (r *reader) readStats(f *file, b *sources.Batch, data []byte, final bool) (bool, error) {
	t, ok, err := r.readTable(f, b, data, final, FormatStats, "Locust _stats.csv")
	if !ok {
		return err != nil, err
	}
	var out []sources.Aggregate
	var bad sources.Batch
	for i, rec := range t.rows {
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		a, err := parseRow(t.header, rec, false)
		if err != nil {
			r.badRow(&bad, f.cur, t.lines[i], "%v", err)
			continue
		}
		out = append(out, a)
	}
	whole := len(out) > 0 && out[len(out)-1].Label == sources.AggregatedLabel
	if !whole && !final {
		return false, nil
	}
	if t.err != nil {
		r.badRow(&bad, f.cur, 0, "%v", t.err)
	}
	if !whole {
		b.Warnings = append(b.Warnings, fmt.Sprintf("%s: no Aggregated row; no totals", f.cur))
	}
	b.BadRows += bad.BadRows
	b.Bad = append(b.Bad, bad.Bad...)
	b.Aggregates = append(b.Aggregates, out...)
	if !r.statsRead {
		b.Rows += len(out)
		r.finalRows = len(out)
	}
	r.statsRead = true
	return true, nil
}

// readFailures reads _failures.csv, whose rows replace the earlier ones.
func (r *reader) readFailures(f *file, b *sources.Batch, data []byte, final bool) (bool, error) {
	t, ok, err := r.readTable(f, b, data, final, FormatFailures, "Locust _failures.csv")
	if !ok {
		return err != nil, err
	}
	col := t.col
	out := []sources.AggregateFailure{}
	for i, rec := range t.rows {
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(t.header) {
			r.badRow(b, f.cur, t.lines[i], "expected %d fields as in the header, found %d", len(t.header), len(rec))
			continue
		}
		n, perr := strconv.ParseInt(strings.TrimSpace(rec[col["Occurrences"]]), 10, 64)
		if perr != nil {
			r.badRow(b, f.cur, t.lines[i], "%s", sources.Expected("Occurrences", "a count", rec[col["Occurrences"]]))
			continue
		}
		out = append(out, sources.AggregateFailure{Method: rec[col["Method"]], Label: rec[col["Name"]], Error: rec[col["Error"]], Occurrences: n})
	}
	if t.err != nil {
		r.badRow(b, f.cur, 0, "%v", t.err)
	}
	b.Failures = out
	if !r.failuresRead {
		b.Rows += len(out)
		r.failRows = len(out)
	}
	r.failuresRead = true
	return true, nil
}

// readExceptions reads _exceptions.csv into a warning naming how many
// exceptions Locust counted, and the most frequent one.
func (r *reader) readExceptions(f *file, b *sources.Batch, data []byte, final bool) (bool, error) {
	t, ok, err := r.readTable(f, b, data, final, FormatExceptions, "Locust _exceptions.csv")
	if !ok {
		return err != nil, err
	}
	col := t.col
	var total, top int64
	var topMsg string
	for _, rec := range t.rows {
		if len(rec) != len(t.header) {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(rec[col["Count"]]), 10, 64)
		if err != nil {
			continue
		}
		total += n
		if n > top {
			top, topMsg = n, rec[col["Message"]]
		}
	}
	if total > 0 {
		msg := strings.Join(strings.Fields(topMsg), " ")
		if len(msg) > 200 {
			msg = msg[:200] + "..."
		}
		b.Warnings = append(b.Warnings, fmt.Sprintf("%s: Locust counted %d exceptions in the test code; most frequent (%d): %s", f.cur, total, top, msg))
	}
	return true, nil
}

// table is a rewritten file of the set read as CSV records.
type table struct {
	header []string
	rows   [][]string
	lines  []int          // each row's line in the file
	col    map[string]int // the column of each header name
	err    error          // why the records stop early, once the input has ended
}

// readTable reads data as the file of the set that format names (want says
// which, for messages). ok is false when it cannot be read yet (err is nil:
// try again at the next poll) or is another file (err says so, fatal).
func (r *reader) readTable(f *file, b *sources.Batch, data []byte, final bool, format, want string) (t table, ok bool, err error) {
	if got, isSet := Sniff(data); !isSet || got != format {
		if partial(data, final) {
			return t, false, nil
		}
		return t, false, r.wrongFile(f, b, data, want)
	}
	t.header, t.rows, t.lines, t.err = records(data)
	if t.err != nil && !final {
		return t, false, nil
	}
	t.col = index(t.header)
	return t, true, nil
}

// partial reports a rewritten file caught before its header line was
// written whole: read it again at the next poll.
func partial(data []byte, final bool) bool {
	return !final && bytes.IndexByte(data, '\n') < 0
}

// splitCSV splits one line of a Locust CSV (quotes only around fields
// holding commas or quotes).
func splitCSV(line []byte) ([]string, error) {
	if bytes.IndexByte(line, '"') < 0 {
		return strings.Split(string(line), ","), nil
	}
	cr := csv.NewReader(bytes.NewReader(line))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	return cr.Read()
}

func index(header []string) map[string]int {
	m := make(map[string]int, len(header))
	for i, h := range header {
		m[strings.TrimSpace(h)] = i
	}
	return m
}

// parseRow reads one row of _stats.csv (history false) or
// _stats_history.csv (history true) by its header.
func parseRow(header, rec []string, history bool) (sources.Aggregate, error) {
	a := sources.Aggregate{Users: -1, Final: !history}
	if len(rec) != len(header) {
		return a, fmt.Errorf("expected %d fields as in the header, found %d", len(header), len(rec))
	}
	var err error
	var col string // the column being read, for the message of a bad value
	num := func(s string) float64 {
		s = strings.TrimSpace(s)
		if s == "" || s == "N/A" {
			return math.NaN()
		}
		v, perr := strconv.ParseFloat(s, 64)
		if perr != nil && err == nil {
			err = sources.ExpectedError(col, "a number", s)
		}
		return v
	}
	count := func(s string) int64 {
		v, perr := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if perr != nil && err == nil {
			err = sources.ExpectedError(col, "a count", s)
		}
		return v
	}
	prefix := ""
	if history {
		prefix = "Total "
	}
	for i, h := range header {
		h = strings.TrimSpace(h)
		v := rec[i]
		col = h
		switch h {
		case "Timestamp":
			if history {
				sec := count(v)
				switch {
				case err != nil:
				case sec <= 0: // at or before the epoch: no time the test ran at
					err = sources.ExpectedError(col, sources.AfterEpoch, v)
				case sec > math.MaxInt64/1000:
					err = sources.ExpectedError(col, "a time in Unix seconds", v)
				}
				a.TimeMS = sec * 1000
			}
		case "User Count":
			a.Users = int32(count(v))
		case "Type":
			a.Method = v
		case "Name":
			a.Label = v
		case "Requests/s":
			a.RequestsPerSec = num(v)
		case "Failures/s":
			a.FailuresPerSec = num(v)
		case prefix + "Request Count":
			a.Requests = count(v)
		case prefix + "Failure Count":
			a.Failures = count(v)
		case prefix + "Median Response Time":
			a.MedianMS = num(v)
		case prefix + "Average Response Time":
			a.MeanMS = num(v)
		case prefix + "Min Response Time":
			a.MinMS = num(v)
		case prefix + "Max Response Time":
			a.MaxMS = num(v)
		case prefix + "Average Content Size":
			a.AvgBytes = num(v)
		default:
			if p, ok := strings.CutSuffix(h, "%"); ok {
				q, perr := strconv.ParseFloat(p+"e-2", 64)
				if perr == nil {
					a.Percentiles = append(a.Percentiles, sources.Percentile{Q: q, MS: num(v)})
				}
			}
		}
	}
	if history && a.TimeMS <= 0 && err == nil {
		err = errors.New("no Timestamp")
	}
	return a, err
}
