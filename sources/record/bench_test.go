package record

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/sobang/sobang/sources"
)

// BenchmarkWrite records full batches of JTL-like samples: the cost --record
// adds to the dashboard's ingest ("MB/s" reads as millions of samples/s).
// Measured on the 2-core VM: 1.25 ms per 4096-sample batch, 3.2 M samples/s,
// two thirds of it gob's reflection, a quarter deflate; it must stay under
// 2 ms per batch, far above any live run's rate.
func BenchmarkWrite(b *testing.B) {
	w, err := Create(filepath.Join(b.TempDir(), "bench.sobang"), []sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	batch := sources.Batch{Rows: sources.BatchRecords}
	for i := range sources.BatchRecords {
		batch.Samples = append(batch.Samples, sources.Sample{
			StartMS: 1_795_338_000_000 + int64(i), ElapsedMS: int32(100 + i%50), LatencyMS: 80, ConnectMS: 1,
			Label: fmt.Sprintf("GET /item/%d", i%20), Code: "200", Message: "OK", Thread: "Users 1-1",
			Success: true, GrpThreads: 10, AllThreads: 10, Bytes: 512, SentBytes: 128, URL: "http://127.0.0.1/item",
		})
	}
	b.SetBytes(int64(len(batch.Samples)))
	b.ResetTimer()
	for range b.N {
		if err := w.Write(batch); err != nil {
			b.Fatal(err)
		}
	}
}
