package jtl

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// generateCSV returns about size bytes of a headerless JMeter 2.13-style JTL
// (12 columns, ~98 bytes a row): two requests and the transaction controller
// that wraps them, whose message has a comma and so is quoted, as JMeter
// writes it.
func generateCSV(size int) (data []byte, rows int) {
	var b bytes.Buffer
	ts := int64(1_700_000_000_000)
	for b.Len() < size {
		thread := rows%50 + 1
		fmt.Fprintf(&b, "%d,%d,GET /shop/catalog,200,OK,Shoppers 1-%d,text,true,18231,50,50,%d\n", ts, 120+rows%97, thread, 30+rows%13)
		fmt.Fprintf(&b, "%d,%d,POST /shop/cart,201,Created,Shoppers 1-%d,text,true,642,50,50,%d\n", ts+130, 80+rows%31, thread, 20+rows%7)
		fmt.Fprintf(&b, "%d,%d,Checkout,200,\"Number of samples in transaction : 2, number of failing samples : 0\",Shoppers 1-%d,,true,18873,50,50,%d\n", ts, 210+rows%97, thread, 50+rows%13)
		ts += 7
		rows += 3
	}
	return b.Bytes(), rows
}

// generateXML returns about size bytes of an XML JTL of attribute-form
// samples, one in eight failing an assertion.
func generateXML(size int) (data []byte, rows int) {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testResults version=\"1.2\">\n")
	ts := int64(1_700_000_000_000)
	for b.Len() < size {
		ok := rows%8 != 0
		fmt.Fprintf(&b, `<httpSample t="%d" it="0" lt="%d" ct="12" ts="%d" s="%t" lb="GET /shop/catalog" rc="200" rm="OK" tn="Shoppers 1-%d" dt="text" by="18231" sby="420" ng="50" na="50">`+"\n",
			120+rows%97, 30+rows%13, ts, ok, rows%50+1)
		if !ok {
			b.WriteString("  <assertionResult>\n    <name>Response Assertion</name>\n    <failure>true</failure>\n    <error>false</error>\n    <failureMessage>Test failed: text expected to contain /Welcome &amp; thanks/</failureMessage>\n  </assertionResult>\n")
		}
		b.WriteString("  <java.net.URL>https://shop.example.com/catalog?page=1</java.net.URL>\n</httpSample>\n")
		ts += 7
		rows++
	}
	return b.Bytes(), rows
}

// feedChunks runs data through a fresh handler in ReadChunk pieces, as
// tail.File would, and returns what the sink counted.
func feedChunks(tb testing.TB, data []byte) *loadtesttest.CountingSink {
	sink := &loadtesttest.CountingSink{}
	h := newHandler(context.Background(), sink, sources.Info{Name: "bench.jtl", Zone: time.UTC}, Options{})
	loadtesttest.FeedChunks(tb, h, data)
	return sink
}

// benchmarkParse feeds data, rows samples, through a handler b.N times
// (see loadtesttest.BenchmarkParse for the figures it reports).
func benchmarkParse(b *testing.B, data []byte, rows int) {
	loadtesttest.BenchmarkParse(b, data, rows, feedChunks)
}

// BenchmarkCSVFastPath measures the CSV parser through the handler, batches
// included, on a generated 12-column headerless JMeter 2.13-style JTL (~98
// bytes a row, a third of them transaction rows with a quoted message). Run
// it with -cpu 1: it must hold at least 250 MB/s on one core (the full issue
// needs ~500 MB/s with two goroutines; a byte-scanning summariser reached
// 570-690 MB/s with two).
func BenchmarkCSVFastPath(b *testing.B) {
	data, rows := generateCSV(32 << 20)
	benchmarkParse(b, data, rows)
}

// BenchmarkXML measures the XML parser through the handler. It must hold at
// least 30 MB/s on one core (encoding/xml's speed, the floor for now).
func BenchmarkXML(b *testing.B) {
	data, rows := generateXML(16 << 20)
	benchmarkParse(b, data, rows)
}
