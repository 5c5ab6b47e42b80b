// Package jtlgen writes large JMeter JTL files for benchmarks and for the
// performance targets of sobang report: headerless JMeter 2.13 CSV, the 12
// default columns
//
//	timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,bytes,grpThreads,allThreads,Latency
//
// made by repeating a base run with shifted times. The built-in base run
// has three labels: two HTTP requests and the transaction controller that
// wraps them, whose response message JMeter writes quoted because it has a
// comma. Rows average about 98 bytes and the file spans 3.3 hours of
// timestamps per GiB. The output is the same for the same options.
package jtlgen

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
)

// GiB is the unit the time span is scaled by.
const GiB = 1 << 30

// SpanPerGiB is how much time one GiB of output covers.
const SpanPerGiB = 3*time.Hour + 18*time.Minute

// DefaultStartMS is the first base timestamp (2023-11-14T22:13:20Z).
const DefaultStartMS = 1_700_000_000_000

// Header names the 12 columns of a JMeter 2.13 CSV JTL, in order. The
// output has no header line, as JMeter 2.13 writes by default.
var Header = []string{"timeStamp", "elapsed", "label", "responseCode", "responseMessage", "threadName",
	"dataType", "success", "bytes", "grpThreads", "allThreads", "Latency"}

// Transaction is the label of the built-in run's transaction controller,
// and TransactionMessage the response message JMeter gives it.
const (
	Transaction        = "Checkout"
	TransactionMessage = "Number of samples in transaction : 2, number of failing samples : 0"
)

// Labels are the built-in run's labels: two requests and the transaction.
var Labels = []string{"GET /shop/catalog", "POST /shop/cart", Transaction}

// Row is one sample of a base run: its timestamp in epoch ms and the other
// 11 columns.
type Row struct {
	TimeMS int64
	Fields []string // elapsed ... Latency
}

// Options say what to write.
type Options struct {
	// Size is the least number of (uncompressed) bytes to write; writing
	// stops at the first row end at or past it.
	Size int64
	// Base is the run to repeat; nil means the built-in run (Seed).
	Base []Row
	// StartMS is the timestamp the first repetition starts at;
	// 0 means DefaultStartMS.
	StartMS int64
}

// Stats say what was written.
type Stats struct {
	Rows, Bytes     int64
	FirstMS, LastMS int64 // least and greatest timestamp
	Repetitions     int64
}

// Seed returns the built-in base run: 1000 iterations of 50 threads, each
// a catalog GET and a cart POST followed by the transaction that wraps
// them (written after its samples, as JMeter does), 3000 rows. Its
// timestamps are offsets from 0.
func Seed() []Row {
	r := rand.New(rand.NewPCG(1, 2))
	rows := make([]Row, 0, 3000)
	const threads = 50
	var t int64
	for i := range 1000 {
		thread := "Buyers 1-" + strconv.Itoa(i%threads+1)
		// Iterations start about 3.25 ms apart: 1000 of them (3000 rows,
		// ~294 KB) fill ~3.2 s, 3.3 h per GiB.
		t += 2 + r.Int64N(3)
		e1 := 40 + r.Int64N(260)
		e2 := 20 + r.Int64N(120)
		l1, l2 := e1/3+r.Int64N(e1/2), e2/2+r.Int64N(e2/3)
		code1, msg1, ok1 := "200", "OK", "true"
		if r.IntN(200) == 0 {
			code1, msg1, ok1 = "503", "Service Unavailable", "false"
		}
		fails := 0
		if ok1 == "false" {
			fails = 1
		}
		b1 := 18000 + r.Int64N(900)
		b2 := 600 + r.Int64N(90)
		rows = append(rows,
			Row{t, []string{itoa(e1), Labels[0], code1, msg1, thread, "text", ok1, itoa(b1), "50", "50", itoa(l1)}},
			Row{t + e1 + 1, []string{itoa(e2), Labels[1], "201", "Created", thread, "text", "true", itoa(b2), "50", "50", itoa(l2)}},
			Row{t, []string{itoa(e1 + e2 + 1), Transaction, code1,
				"Number of samples in transaction : 2, number of failing samples : " + strconv.Itoa(fails),
				thread, "", ok1, itoa(b1 + b2), "50", "50", itoa(l1 + l2)}},
		)
	}
	return rows
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// ReadBase reads a JMeter CSV JTL (header optional; epoch-ms timestamps in
// the first column) as a base run of rows of exactly 12 columns, as a
// JMeter 2.13 default file has. Rows of another width are an error.
func ReadBase(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	var rows []Row
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if line == 1 && len(rec) > 0 && rec[0] == "timeStamp" {
			continue
		}
		if len(rec) != len(Header) {
			return nil, fmt.Errorf("row %d: expected the 12 columns of JMeter 2.13, found %d", line, len(rec))
		}
		ts, err := strconv.ParseInt(rec[0], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("row %d: %s", line, sources.Expected("timeStamp", "epoch milliseconds", rec[0]))
		}
		rows = append(rows, Row{ts, rec[1:]})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no rows")
	}
	return rows, nil
}

// quote returns f as JMeter's CSVSaveService writes it: in double quotes,
// inner quotes doubled, when it holds the delimiter, a quote, CR or LF.
func quote(f string) string {
	if !strings.ContainsAny(f, ",\"\r\n") {
		return f
	}
	return `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
}

// Write writes opt.Size bytes or a little more of rows to w: the base run
// again and again, each repetition shifted by as much time as its bytes
// cover at SpanPerGiB, the base's own times scaled to fit that shift.
func Write(w io.Writer, opt Options) (Stats, error) {
	base := opt.Base
	if base == nil {
		base = Seed()
	}
	start := opt.StartMS
	if start == 0 {
		start = DefaultStartMS
	}
	// Each base row as its offset and the bytes after the timestamp.
	type pre struct {
		off  int64
		rest []byte
	}
	rows := make([]pre, len(base))
	minT, maxT := base[0].TimeMS, base[0].TimeMS
	for _, r := range base {
		minT, maxT = min(minT, r.TimeMS), max(maxT, r.TimeMS)
	}
	var repBytes int64
	for i, r := range base {
		var b []byte
		for _, f := range r.Fields {
			b = append(b, ',')
			b = append(b, quote(f)...)
		}
		b = append(b, '\n')
		rows[i].rest = b
		repBytes += int64(len(b) + len(strconv.FormatInt(start+r.TimeMS-minT, 10)))
	}
	shift := max(1, int64(float64(repBytes)*float64(SpanPerGiB.Milliseconds())/GiB+0.5))
	span := maxT - minT
	for i, r := range base {
		off := r.TimeMS - minT
		if span >= shift {
			// Squeeze the base into its shift, leaving one row's gap.
			off = off * (shift - shift/int64(len(base))) / span
		}
		rows[i].off = off
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	var st Stats
	st.FirstMS, st.LastMS = int64(1<<63-1), -1<<63
	buf := make([]byte, 0, 256)
	for rep := int64(0); st.Bytes < opt.Size; rep++ {
		st.Repetitions++
		t0 := start + rep*shift
		for i := range rows {
			if st.Bytes >= opt.Size {
				break
			}
			ts := t0 + rows[i].off
			buf = strconv.AppendInt(buf[:0], ts, 10)
			buf = append(buf, rows[i].rest...)
			n, err := bw.Write(buf)
			st.Bytes += int64(n)
			if err != nil {
				return st, err
			}
			st.Rows++
			st.FirstMS, st.LastMS = min(st.FirstMS, ts), max(st.LastMS, ts)
		}
	}
	return st, bw.Flush()
}

// ParseSize reads a size such as 1GB, 200MB, 64KiB or 12345: KB, MB and GB
// are taken as powers of 1024, as the targets mean them.
func ParseSize(s string) (int64, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, suf := range []struct {
		s string
		m int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(u, suf.s) {
			u, mult = strings.TrimSpace(strings.TrimSuffix(u, suf.s)), suf.m
			break
		}
	}
	v, err := strconv.ParseFloat(u, 64)
	if err != nil || v < 0 {
		return 0, sources.ExpectedError("size", "a number and an optional unit (KB, MB, GB)", s)
	}
	return int64(v * float64(mult)), nil
}
