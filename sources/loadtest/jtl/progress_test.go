package jtl

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// TestProgressRidesOnBatches: reading a results file, the batches say how
// far the file has been read, up to all of it, for the pane's progress bar.
func TestProgressRidesOnBatches(t *testing.T) {
	var b strings.Builder
	b.WriteString("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,bytes\n")
	for i := 0; b.Len() < 3*sources.ReadChunk; i++ {
		fmt.Fprintf(&b, "%d,%d,GET /a,200,OK,Users 1-1,text,true,512\n", 1_764_000_000_000+int64(i)*10, 5+i%50)
	}
	path := writeFile(t, "big.csv", []byte(b.String()))
	batches, err := loadtesttest.Read(t, New(sources.Info{Name: path, Zone: time.UTC}, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var seen []sources.Progress
	for _, bt := range batches {
		if bt.Progress.Size > 0 {
			seen = append(seen, bt.Progress)
		}
	}
	size := int64(b.Len())
	if len(seen) < 2 {
		t.Fatalf("progress told %d times, want several", len(seen))
	}
	for i, p := range seen {
		if p.Size != size || (i > 0 && p.Read < seen[i-1].Read) {
			t.Fatalf("progress %d: %+v of a %d-byte file", i, p, size)
		}
	}
	if last := seen[len(seen)-1]; last.Read != size {
		t.Fatalf("last progress %+v, want all %d bytes", last, size)
	}
}
