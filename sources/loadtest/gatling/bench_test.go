package gatling

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// generateText returns about size bytes of a Gatling 3.4+ simulation.log
// (~64 bytes a record): users starting and ending, requests outside and
// inside a two-level group (one in eight failing a status check), and the
// group records.
func generateText(size int) (data []byte, samples int) {
	var b bytes.Buffer
	b.WriteString("ASSERTION\tAAECAAIFAAAAAAAAAFlA\nRUN\tshop.CheckoutSimulation\tcheckoutsimulation\t1700000000000\t \t3.11.5\n")
	ts := int64(1_700_000_000_000)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "USER\tShoppers\tSTART\t%d\n", ts)
		fmt.Fprintf(&b, "REQUEST\t\tGET /catalog\t%d\t%d\tOK\t \n", ts+1, ts+120+int64(i%97))
		if i%8 == 0 {
			fmt.Fprintf(&b, "REQUEST\tShop,Checkout\tPOST /pay\t%d\t%d\tKO\tstatus.find.in(200,201,202,203,204,205,206,207,208,209,304), but actually found 503\n", ts+130, ts+330)
		} else {
			fmt.Fprintf(&b, "REQUEST\tShop,Checkout\tPOST /pay\t%d\t%d\tOK\t \n", ts+130, ts+210+int64(i%31))
		}
		fmt.Fprintf(&b, "GROUP\tShop,Checkout\t%d\t%d\t%d\tOK\n", ts+125, ts+340, 80+i%31)
		fmt.Fprintf(&b, "USER\tShoppers\tEND\t%d\n", ts+400)
		ts += 7
		samples += 3
	}
	return b.Bytes(), samples
}

// generateBinary is generateText's simulation in the binary format.
func generateBinary(size int) (data []byte, samples int) {
	w := newBinLog("3.13.1", t0, "Shoppers")
	groups := []string{"Shop", "Checkout"}
	for i := 0; w.Len() < size; i++ {
		at := int32(7 * (i % 100_000))
		w.user(0, true, at)
		w.request(nil, "GET /catalog", at+1, at+120+int32(i%97), true, "")
		if i%8 == 0 {
			w.request(groups, "POST /pay", at+130, at+330, false, "status.find.in(200,201,202,203,204,205,206,207,208,209,304), but actually found 503")
		} else {
			w.request(groups, "POST /pay", at+130, at+210+int32(i%31), true, "")
		}
		w.group(groups, at+125, at+340, 80+int32(i%31), true)
		w.user(0, false, at+400)
		samples += 3
	}
	return w.Bytes(), samples
}

// feedChunks runs data through a fresh handler in ReadChunk pieces, as
// tail.File would, and returns what the sink counted.
func feedChunks(tb testing.TB, data []byte) *loadtesttest.CountingSink {
	sink := &loadtesttest.CountingSink{}
	h := newHandler(context.Background(), sink, sources.Info{Name: "simulation.log", Zone: time.UTC}, Options{})
	loadtesttest.FeedChunks(tb, h, data)
	h.Finish()
	return sink
}

// benchmarkParse feeds data, samples samples, through a handler b.N times
// (see loadtesttest.BenchmarkParse for the figures it reports).
func benchmarkParse(b *testing.B, data []byte, samples int) {
	loadtesttest.BenchmarkParse(b, data, samples, feedChunks)
}

// BenchmarkText measures the text parser through the handler, batches
// included, on a generated 3.4+ simulation.log (~64 bytes a record, three
// samples out of five records). Run it with -cpu 1: it must hold at least
// 100 MB/s on one core.
func BenchmarkText(b *testing.B) {
	data, samples := generateText(32 << 20)
	benchmarkParse(b, data, samples)
}

// BenchmarkBinary measures the binary parser on the same simulation (~25
// bytes a record). It must hold at least 100 MB/s on one core, about four
// million records a second.
func BenchmarkBinary(b *testing.B) {
	data, samples := generateBinary(16 << 20)
	benchmarkParse(b, data, samples)
}
