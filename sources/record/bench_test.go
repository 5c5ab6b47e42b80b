package record

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// jtlBatch returns n JTL-like samples from startMS, a millisecond apart.
func jtlBatch(n int, startMS int64) sources.Batch {
	b := sources.Batch{Rows: n}
	labels := []string{"GET /api/accounts/{id}", "GET /api/accounts/{id}/balance", "POST /api/transfers", "GET /api/transactions", "Transfer money"}
	for i := range n {
		b.Samples = append(b.Samples, sources.Sample{
			StartMS: startMS + int64(i), ElapsedMS: int32(20 + i%170), LatencyMS: int32(15 + i%150), ConnectMS: int32(i % 3),
			Label: labels[i%len(labels)], Code: "200", Message: "OK", Thread: fmt.Sprintf("Bank users 1-%d", 1+i%20),
			Success: true, GrpThreads: 20, AllThreads: 20, Bytes: int64(300 + i%900), SentBytes: 180,
			URL: fmt.Sprintf("http://127.0.0.1:8080/api/accounts/%d", 100000+i%5000),
		})
	}
	return b
}

// BenchmarkWrite records full batches of JTL-like samples: the cost --record
// adds to the dashboard's ingest ("MB/s" reads as millions of samples/s).
// Target: under 2 ms per 4096-sample batch, far above any live run's rate
// (about 1.2 ms of CPU on the 2-core VM, see BenchmarkRecordOverhead; the
// wall time there is the VM's other load).
func BenchmarkWrite(b *testing.B) {
	w, err := Create(filepath.Join(b.TempDir(), "bench.sobang"), []sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	batch := jtlBatch(sources.BatchRecords, 1_795_338_000_000)
	b.SetBytes(int64(len(batch.Samples)))
	b.ResetTimer()
	for range b.N {
		if err := w.Write(batch); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRecordOverhead records one second of a 50k records/s run (20
// batches of 2500 samples, the dashboard's 20 Hz tick) per op: what the
// pump does with --record and not without, since it hands each batch to
// Writer.Write before applying it. It reports the CPU it took as "core%",
// the share of one core recording takes at that rate (process CPU time,
// so the VM's other load does not count). Target: at most 5 core%; it
// takes about 1.5.
func BenchmarkRecordOverhead(b *testing.B) {
	w, err := Create(filepath.Join(b.TempDir(), "bench.sobang"), []sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	batches := make([]sources.Batch, 20)
	for i := range batches {
		batches[i] = jtlBatch(2500, 1_795_338_000_000+int64(i)*50)
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		for _, batch := range batches {
			if err := w.Write(batch); err != nil {
				b.Fatal(err)
			}
		}
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(100*cpu.Seconds()/float64(b.N), "core%")
}

// hourFile is a one-hour recording at the demo's rates, written once for
// the benchmarks that read it and removed by TestMain.
var hourFile struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if hourFile.dir != "" {
		os.RemoveAll(hourFile.dir)
	}
	os.Exit(code)
}

// demoHour writes a one-hour recording at the demo's rates: a JTL batch
// every 250 ms (the demo's flush) of 25 samples (100 requests/s), a log
// batch a second of 5 entries, a scrape a second of 150 series; the
// writer's clock advances 250 ms a step, so it seals a frame a second.
func demoHour(b *testing.B) string {
	hourFile.once.Do(func() {
		dir, err := os.MkdirTemp("", "sobang-record-bench")
		if err != nil {
			hourFile.err = err
			return
		}
		hourFile.dir, hourFile.path = dir, filepath.Join(dir, "hour.sobang")
		clock := sources.NewManualClock(t0)
		infos := []sources.Info{{Name: "results.jtl", Kind: sources.KindJTL}, {Name: "bank-service.log", Kind: sources.KindLog},
			{Name: "http://127.0.0.1:8080/actuator/prometheus", Kind: sources.KindScrape}}
		w, err := Create(hourFile.path, infos, clock)
		if err != nil {
			hourFile.err = err
			return
		}
		var series []sources.MetricSample
		for i := range 150 {
			series = append(series, sources.MetricSample{Name: fmt.Sprintf("http_server_requests_seconds_count_%d", i/10),
				Labels: fmt.Sprintf(`method="GET",status="200",uri="/api/%d"`, i%10), Type: sources.MetricCounter})
		}
		for step := range 4 * 3600 {
			now := clock.Now()
			jb := jtlBatch(25, now.UnixMilli())
			if err := w.Write(jb); err != nil {
				hourFile.err = err
				return
			}
			if step%4 == 3 {
				lb := sources.Batch{Source: 1, Rows: 5}
				for i := range 5 {
					lb.Entries = append(lb.Entries, sources.LogEntry{Time: now.Add(time.Duration(i) * 10 * time.Millisecond), Level: sources.LevelInfo, LevelText: "INFO", LevelCol: 24,
						Lines: []string{fmt.Sprintf("%s  INFO 4242 --- [bank-service] [nio-8080-exec-%d] c.e.bank.web.AccountController : GET /api/accounts/%d -> 200 in %d ms",
							now.Format("2006-01-02T15:04:05.000Z07:00"), i+1, 100000+step%5000, 20+step%40)}})
				}
				sc := sources.Scrape{Time: now, Up: true, Duration: 3 * time.Millisecond, Samples: append([]sources.MetricSample(nil), series...)}
				for i := range sc.Samples {
					sc.Samples[i].Value = float64(step*25 + i)
				}
				for _, x := range []sources.Batch{lb, {Source: 2, Rows: 1, Scrapes: []sources.Scrape{sc}}} {
					if err := w.Write(x); err != nil {
						hourFile.err = err
						return
					}
				}
			}
			clock.Advance(250 * time.Millisecond)
		}
		hourFile.err = w.Close()
	})
	if hourFile.err != nil {
		b.Fatal(hourFile.err)
	}
	return hourFile.path
}

// BenchmarkOpenHour opens a one-hour recording at the demo's rates (3600
// frames): the header and the index, no frame inflated. Target: within
// 1 s (it takes well under a millisecond).
func BenchmarkOpenHour(b *testing.B) {
	path := demoHour(b)
	fi, _ := os.Stat(path)
	b.ResetTimer()
	for range b.N {
		rec, err := Open(path)
		if err != nil || len(rec.Frames()) < 3600 {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(fi.Size())/(1<<20), "file-MB")
}

// BenchmarkOpenHourScan opens the same recording without its index (a
// crash), which rebuilds it by reading every frame header. Target: within
// 1 s.
func BenchmarkOpenHourScan(b *testing.B) {
	path := demoHour(b)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	cut := filepath.Join(b.TempDir(), "crashed.sobang")
	if err := os.WriteFile(cut, data[:len(data)-trailerSize-1], 0o600); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		rec, err := Open(cut)
		if err != nil || len(rec.Frames()) < 3600 {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadHour opens the one-hour recording and decodes every batch
// in it (about 470 k records): what opening it as sources costs before the
// store applies them. No target of its own; it says what "opens" costs
// when it means reading everything.
func BenchmarkReadHour(b *testing.B) {
	path := demoHour(b)
	b.ResetTimer()
	for range b.N {
		rec, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		if _, err := rec.Walk(0, func(it Item) error {
			if it.Entry != nil {
				n += it.Entry.Batch.Rows
			}
			return nil
		}); err != nil || n == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeekHour opens the one-hour recording, seeks to its middle by
// data time and decodes the frame there. Target: within 100 ms.
func BenchmarkSeekHour(b *testing.B) {
	path := demoHour(b)
	mid := t0.Add(30 * time.Minute).UnixMilli()
	b.ResetTimer()
	for range b.N {
		rec, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		i := rec.SeekData(mid)
		got := false
		if _, err := rec.Walk(i, func(it Item) error {
			got = it.Entry != nil
			return errStop
		}); err != nil || !got {
			b.Fatal(err)
		}
	}
}
