package demo

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// jtlHeader is JMeter 5.x's default CSV header (print_field_names=true).
const jtlHeader = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect"

// jtlSample is one row of the JTL, with the fields JMeter's default save
// configuration writes. Durations are whole milliseconds as JMeter stores them.
type jtlSample struct {
	start      time.Time // sample start; written as epoch ms
	elapsedMS  int64
	label      string
	code       string
	message    string
	thread     string
	dataType   string
	success    bool
	failure    string
	bytes      int64
	sentBytes  int64
	grpThreads int
	allThreads int
	url        string
	latencyMS  int64
	idleMS     int64
	connectMS  int64
}

// jtlWriter appends rows to a CSV JTL as samples finish (so rows are not in
// time order, as in JMeter). Writes after close are dropped.
type jtlWriter struct {
	mu     sync.Mutex
	file   *os.File
	out    *bufio.Writer
	closed bool
	row    []byte
}

// newJTLWriter creates (truncating) the JTL at path and writes the header.
func newJTLWriter(path string) (*jtlWriter, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	j := &jtlWriter{file: f, out: bufio.NewWriterSize(f, 32<<10)}
	_, _ = j.out.WriteString(jtlHeader + "\n")
	if err := j.out.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

// write appends one row.
func (j *jtlWriter) write(s jtlSample) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return
	}
	j.row = appendJTLRow(j.row[:0], s)
	_, _ = j.out.Write(j.row)
}

// appendJTLRow formats s as one CSV line in header order.
func appendJTLRow(b []byte, s jtlSample) []byte {
	b = strconv.AppendInt(b, s.start.UnixMilli(), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, s.elapsedMS, 10)
	b = append(b, ',')
	b = appendJMeterQuoted(b, s.label)
	b = append(b, ',')
	b = appendJMeterQuoted(b, s.code)
	b = append(b, ',')
	b = appendJMeterQuoted(b, s.message)
	b = append(b, ',')
	b = appendJMeterQuoted(b, s.thread)
	b = append(b, ',')
	b = appendJMeterQuoted(b, s.dataType)
	b = append(b, ',')
	b = strconv.AppendBool(b, s.success)
	b = append(b, ',')
	b = appendJMeterQuoted(b, s.failure)
	b = append(b, ',')
	b = strconv.AppendInt(b, s.bytes, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, s.sentBytes, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(s.grpThreads), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(s.allThreads), 10)
	b = append(b, ',')
	b = appendJMeterQuoted(b, s.url)
	b = append(b, ',')
	b = strconv.AppendInt(b, s.latencyMS, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, s.idleMS, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, s.connectMS, 10)
	return append(b, '\n')
}

// appendJMeterQuoted quotes a field the way CSVSaveService does: only when it
// contains the delimiter, a quote, CR or LF, doubling inner quotes.
func appendJMeterQuoted(b []byte, field string) []byte {
	if !strings.ContainsAny(field, ",\"\r\n") {
		return append(b, field...)
	}
	b = append(b, '"')
	for i := 0; i < len(field); i++ {
		if field[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, field[i])
	}
	return append(b, '"')
}

// flush pushes buffered rows to the file so a tailer sees them.
func (j *jtlWriter) flush() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil
	}
	return j.out.Flush()
}

// close flushes and closes the file; later writes are dropped.
func (j *jtlWriter) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil
	}
	j.closed = true
	ferr := j.out.Flush()
	cerr := j.file.Close()
	if ferr != nil {
		return ferr
	}
	return cerr
}

// transactionSample builds the row JMeter's Transaction Controller writes
// after its children when "Generate parent sample" is unchecked: responseCode
// 200 only if every child succeeded, empty dataType, URL "null", sums of the
// children's bytes, sent bytes, latency and connect time, elapsed = span minus
// the pauses inside (which are its IdleTime).
func transactionSample(label string, children []jtlSample, end time.Time, idle time.Duration, grp, all int) jtlSample {
	tx := jtlSample{
		label:      label,
		thread:     children[0].thread,
		url:        "null",
		success:    true,
		start:      children[0].start,
		grpThreads: grp,
		allThreads: all,
		idleMS:     idle.Milliseconds(),
	}
	failing := 0
	for _, c := range children {
		if !c.success {
			failing++
			tx.success = false
		}
		tx.bytes += c.bytes
		tx.sentBytes += c.sentBytes
		tx.latencyMS += c.latencyMS
		tx.connectMS += c.connectMS
	}
	if tx.success {
		tx.code = "200"
	}
	tx.elapsedMS = end.UnixMilli() - tx.start.UnixMilli() - tx.idleMS
	tx.message = "Number of samples in transaction : " + strconv.Itoa(len(children)) +
		", number of failing samples : " + strconv.Itoa(failing)
	return tx
}
