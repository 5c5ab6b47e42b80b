package record

import (
	"errors"
	"fmt"

	"github.com/sobang/sobang/sources"
)

// Columns are a batch's samples column by column, as a recording of format
// version 2 holds them (Entry.Columns): each distinct string once, start
// times as differences, one slice per field. Gob writes a slice of numbers
// without a field tag per value, and the compressor finds a column's
// repeats far more easily than those of interleaved structs: a one-hour
// JTL and log recorded live went from 1.42x to 0.91x gzip -6 of the two
// files (BenchmarkRecordingSize), and recording 50k samples/s from 4.1% to
// 1.5% of a core (BenchmarkRecordOverhead), gob's reflection on every
// sample's fields gone.
type Columns struct {
	Strings []string // every distinct string of the string columns, once
	Start   []int64  // StartMS, each less the one before (the first less 0)

	Elapsed, Latency, Connect, GrpThreads, AllThreads []int32
	Bytes, SentBytes                                  []int64

	// Indices into Strings.
	Label, Code, Message, Failure, Thread, URL []uint32

	Flags []uint8 // Success 1, Transaction 2, SubResult 4
}

// Flags of Columns.Flags.
const (
	flagSuccess     = 1
	flagTransaction = 2
	flagSubResult   = 4
)

// sampleFields is how many fields sources.Sample has: a test fails when it
// gains one, which pack and unpack must then carry.
const sampleFields = 17

// packer fills Columns from samples, reusing its storage from batch to
// batch (the writer encodes the columns before the next Write).
type packer struct {
	cols  Columns
	index map[string]uint32
}

// pack returns samples as columns, valid until the next call.
func (p *packer) pack(samples []sources.Sample) *Columns {
	c := &p.cols
	n := len(samples)
	c.Strings = c.Strings[:0]
	if p.index == nil {
		p.index = map[string]uint32{}
	}
	clear(p.index)
	str := func(s string) uint32 {
		i, ok := p.index[s]
		if !ok {
			i = uint32(len(c.Strings))
			c.Strings = append(c.Strings, s)
			p.index[s] = i
		}
		return i
	}
	c.Start = resize(c.Start, n)
	c.Elapsed, c.Latency, c.Connect = resize(c.Elapsed, n), resize(c.Latency, n), resize(c.Connect, n)
	c.GrpThreads, c.AllThreads = resize(c.GrpThreads, n), resize(c.AllThreads, n)
	c.Bytes, c.SentBytes = resize(c.Bytes, n), resize(c.SentBytes, n)
	c.Label, c.Code, c.Message = resize(c.Label, n), resize(c.Code, n), resize(c.Message, n)
	c.Failure, c.Thread, c.URL = resize(c.Failure, n), resize(c.Thread, n), resize(c.URL, n)
	c.Flags = resize(c.Flags, n)
	var prev int64
	for i := range samples {
		s := &samples[i]
		c.Start[i], prev = s.StartMS-prev, s.StartMS
		c.Elapsed[i], c.Latency[i], c.Connect[i] = s.ElapsedMS, s.LatencyMS, s.ConnectMS
		c.GrpThreads[i], c.AllThreads[i] = s.GrpThreads, s.AllThreads
		c.Bytes[i], c.SentBytes[i] = s.Bytes, s.SentBytes
		c.Label[i], c.Code[i], c.Message[i] = str(s.Label), str(s.Code), str(s.Message)
		c.Failure[i], c.Thread[i], c.URL[i] = str(s.Failure), str(s.Thread), str(s.URL)
		var f uint8
		if s.Success {
			f |= flagSuccess
		}
		if s.Transaction {
			f |= flagTransaction
		}
		if s.SubResult {
			f |= flagSubResult
		}
		c.Flags[i] = f
	}
	return c
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// errColumns says a batch's columns do not fit together.
var errColumns = errors.New("its sample columns do not fit together")

// unpack returns the samples c holds, or an error when its columns differ
// in length or index no string.
func (c *Columns) unpack() ([]sources.Sample, error) {
	n := len(c.Start)
	for _, l := range []int{len(c.Elapsed), len(c.Latency), len(c.Connect), len(c.GrpThreads), len(c.AllThreads),
		len(c.Bytes), len(c.SentBytes), len(c.Label), len(c.Code), len(c.Message), len(c.Failure), len(c.Thread), len(c.URL), len(c.Flags)} {
		if l != n {
			return nil, fmt.Errorf("%w (%d start times, a column of %d)", errColumns, n, l)
		}
	}
	ns := uint32(len(c.Strings))
	for _, col := range [][]uint32{c.Label, c.Code, c.Message, c.Failure, c.Thread, c.URL} {
		for _, i := range col {
			if i >= ns {
				return nil, fmt.Errorf("%w (string %d of %d)", errColumns, i, ns)
			}
		}
	}
	out := make([]sources.Sample, n)
	var prev int64
	for i := range out {
		prev += c.Start[i]
		f := c.Flags[i]
		out[i] = sources.Sample{
			StartMS: prev, ElapsedMS: c.Elapsed[i], LatencyMS: c.Latency[i], ConnectMS: c.Connect[i],
			Label: c.Strings[c.Label[i]], Code: c.Strings[c.Code[i]], Message: c.Strings[c.Message[i]],
			Failure: c.Strings[c.Failure[i]], Thread: c.Strings[c.Thread[i]],
			Success: f&flagSuccess != 0, Transaction: f&flagTransaction != 0, SubResult: f&flagSubResult != 0,
			GrpThreads: c.GrpThreads[i], AllThreads: c.AllThreads[i], Bytes: c.Bytes[i], SentBytes: c.SentBytes[i],
			URL: c.Strings[c.URL[i]],
		}
	}
	return out, nil
}
