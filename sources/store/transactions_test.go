package store

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
)

// txRun builds secs seconds of a JMeter-like run: threads threads each
// running, one after the other, two requests and, with tx, the transaction
// made of them, written after them (the default Transaction Controller);
// every second, every thread runs once, and the threads' rows interleave.
func txRun(secs, threads int, tx bool) [][]sources.Sample {
	names := make([]string, threads)
	for i := range names {
		names[i] = fmt.Sprintf("Thread Group 1-%d", i+1)
	}
	const msg = "Number of samples in transaction : 2, number of failing samples : 0"
	batches := make([][]sources.Sample, secs)
	for sec := range batches {
		for th, name := range names {
			t0 := int64(sec)*1000 + int64(th*7%300)
			a := sample(t0+1, int32(40+(sec+th)%60), "POST login", true)
			b := sample(t0+150, int32(30+(sec*3+th)%90), "GET accounts", true)
			a.Thread, b.Thread = name, name
			batches[sec] = append(batches[sec], a, b)
			if tx {
				login := sample(t0, 300, "Login", true)
				login.Transaction, login.Message, login.Code, login.Thread = true, msg, "200", name
				batches[sec] = append(batches[sec], login)
			}
		}
	}
	return batches
}

// BenchmarkIngestTransactions is BenchmarkIngest with thread names: one
// hour of 50 threads each running two requests a second, with and without a
// transaction made of them (150 or 100 samples/s), so that linking
// transactions to their requests is paid on every sample. Measured on the
// shared 2-core dev machine, 100-130 ns/sample before linking; with it the
// CPU profile puts 5-8% of Apply (5-10 ns/sample) in linking requests
// only, 9-14% (10-15 ns/sample, some 30 ns a transaction) with a third of
// the samples transactions. Like BenchmarkIngest it must stay under 400
// ns/sample.
func BenchmarkIngestTransactions(b *testing.B) {
	for _, tx := range []bool{true, false} {
		b.Run(fmt.Sprintf("transactions=%v", tx), func(b *testing.B) {
			batches := txRun(3600, 50, tx)
			n := 0
			for _, batch := range batches {
				n += len(batch)
			}
			b.ReportAllocs()
			for b.Loop() {
				st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}})
				for _, batch := range batches {
					st.Apply(sources.Batch{Samples: batch})
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/sample")
		})
	}
}

// tx is a JMeter Transaction Controller sample of n samplers.
func tx(offMS int64, elapsed int32, label, thread string, n int) sources.Sample {
	s := sample(offMS, elapsed, label, true)
	s.Transaction, s.Thread = true, thread
	s.Message = fmt.Sprintf("Number of samples in transaction : %d, number of failing samples : 0", n)
	return s
}

// req is a request sample of thread.
func req(offMS int64, elapsed int32, label, thread string) sources.Sample {
	s := sample(offMS, elapsed, label, true)
	s.Thread = thread
	return s
}

// members renders TransactionMembers as "label×per/transactions" items.
func members(st *Store, label string) string {
	ms := st.Load.TransactionMembers(label)
	if ms == nil {
		return "<nil>"
	}
	var out []string
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%s×%g/%d", m.Label, m.PerTransaction, m.Transactions))
	}
	return strings.Join(out, ", ")
}

func TestTransactionMembers(t *testing.T) {
	const a, b = "Users 1-1", "Users 1-2"
	sub := req(20, 5, "GET home-0", a)
	sub.SubResult = true
	tests := []struct {
		name    string
		samples []sources.Sample
		want    map[string]string // transaction label -> members
	}{
		{"children written before the transaction (JMeter's default)", []sources.Sample{
			req(1, 100, "POST login", a), req(110, 50, "GET accounts", a), req(170, 50, "GET accounts", a),
			tx(0, 220, "Login", a, 3),
			req(230, 10, "GET next", a),
		}, map[string]string{"Login": "POST login×1/1, GET accounts×2/1"}},
		{"children written after the transaction (generate parent sample, XML nesting)", []sources.Sample{
			req(-500, 100, "GET before", a),
			tx(0, 220, "Login", a, 2),
			req(1, 100, "POST login", a), req(110, 50, "GET accounts", a),
			req(220, 10, "GET next", a), req(300, 10, "GET accounts", a),
		}, map[string]string{"Login": "POST login×1/1, GET accounts×1/1"}},
		{"two threads interleaved", []sources.Sample{
			req(1, 100, "POST login", a),
			req(5, 100, "POST login", b),
			req(110, 50, "GET accounts", b),
			req(110, 50, "GET accounts", a),
			req(170, 40, "GET accounts", b),
			tx(0, 160, "Login", a, 2),
			tx(4, 210, "Login", b, 3),
		}, map[string]string{"Login": "POST login×1/2, GET accounts×1.5/2"}},
		{"rows out of time order", []sources.Sample{
			// b's rows come late and earlier in time than a's; a's row from
			// before the transaction arrives after it.
			req(110, 50, "GET accounts", a),
			req(1, 100, "POST login", a),
			req(-300, 100, "GET late", b),
			tx(0, 160, "Login", a, 2),
			req(-200, 100, "GET late", a),
			tx(-301, 200, "Browse", b, 1),
		}, map[string]string{"Login": "POST login×1/1, GET accounts×1/1", "Browse": "GET late×1/1"}},
		{"sub-results are not members", []sources.Sample{
			req(1, 100, "GET home", a), sub,
			tx(0, 120, "Home", a, 1),
		}, map[string]string{"Home": "GET home×1/1"}},
		{"nested transactions written after their children", []sources.Sample{
			req(1, 50, "GET a", a), req(60, 50, "GET b", a),
			tx(0, 110, "Inner", a, 2),
			req(120, 50, "GET c", a),
			tx(0, 170, "Outer", a, 3),
		}, map[string]string{"Inner": "GET a×1/1, GET b×1/1", "Outer": "GET a×1/1, GET b×1/1, GET c×1/1"}},
		{"nested transactions written before their children", []sources.Sample{
			tx(0, 170, "Outer", a, 2),
			req(1, 50, "GET a", a),
			tx(60, 110, "Inner", a, 2),
			req(60, 50, "GET b", a), req(120, 50, "GET c", a),
			req(180, 5, "GET after", a),
		}, map[string]string{"Inner": "GET b×1/1, GET c×1/1", "Outer": "GET a×1/1, GET b×1/1, GET c×1/1"}},
		{"a think time inside a transaction written after its children", []sources.Sample{
			// Elapsed 150 leaves out the 1 s pause: GET accounts starts
			// after start+elapsed, and the message's 2 samplers keep it.
			req(1, 100, "POST login", a), req(1100, 50, "GET accounts", a),
			tx(0, 150, "Login", a, 2),
		}, map[string]string{"Login": "POST login×1/1, GET accounts×1/1"}},
		{"more requests than the transaction's samplers: the first ones", []sources.Sample{
			req(60, 100, "GET side", a), req(1, 100, "POST login", a), req(1100, 50, "GET accounts", a),
			tx(0, 150, "Login", a, 1),
		}, map[string]string{"Login": "POST login×1/1"}},
		{"children before and after a transaction (ties in a file sorted by time): at most its samplers", []sources.Sample{
			req(0, 100, "POST login", a),
			tx(0, 300, "Login", a, 2),
			req(100, 100, "GET accounts", a), req(200, 50, "GET other", a),
		}, map[string]string{"Login": "POST login×1/1, GET accounts×1/1"}},
		{"a k6 group: no sampler count, its span", []sources.Sample{
			req(10, 100, "pay", a), req(400, 100, "GET next", a),
			func() sources.Sample { s := tx(0, 300, "checkout", a, 0); s.Message = ""; return s }(),
		}, map[string]string{"checkout": "pay×1/1"}},
		{"no thread name: by group path", []sources.Sample{
			req(10, 100, "Shop / Cart", ""),
			req(120, 100, "Shop / Cart", ""),
			req(130, 10, "Shopping / Cart", ""),   // not inside Shop
			req(140, 10, "Shop / Pay / Card", ""), // inside Shop / Pay, not Shop
			func() sources.Sample { s := tx(0, 300, "Shop", "", 1); s.Message = ""; return s }(),
		}, map[string]string{"Shop": "Shop / Cart×2/1", "Shop / Cart": "<nil>"}},
		{"a transaction that holds none of the requests", []sources.Sample{
			req(-100, 50, "GET before", a),
			tx(0, 100, "Empty", a, 1),
			req(100, 10, "GET after", a),
		}, map[string]string{"Empty": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}})
			st.Apply(sources.Batch{Samples: tt.samples})
			for label, want := range tt.want {
				if got := members(st, label); got != want {
					t.Errorf("%s: members %q, want %q", label, got, want)
				}
			}
		})
	}
}

// TestTransactionMembersAcrossBatches: the ring and the pending transactions
// outlive a batch, and a source that starts again forgets its threads.
func TestTransactionMembersAcrossBatches(t *testing.T) {
	const a = "Users 1-1"
	st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}, {Name: "b.jtl", Kind: sources.KindJTL}})
	st.Apply(sources.Batch{Samples: []sources.Sample{req(1, 100, "POST login", a)}})
	st.Apply(sources.Batch{Samples: []sources.Sample{req(110, 50, "GET accounts", a), tx(0, 160, "Login", a, 2)}})
	st.Apply(sources.Batch{Samples: []sources.Sample{tx(1000, 160, "Login", a, 2)}})
	// The same thread name in another source is another thread.
	st.Apply(sources.Batch{Source: 1, Samples: []sources.Sample{req(1001, 100, "GET other", a)}})
	st.Apply(sources.Batch{Samples: []sources.Sample{req(1001, 100, "POST login", a), req(1110, 50, "GET accounts", a)}})
	if got, want := members(st, "Login"), "POST login×1/2, GET accounts×1/2"; got != want {
		t.Fatalf("members %q, want %q", got, want)
	}
	st.Apply(sources.Batch{Samples: []sources.Sample{req(2001, 100, "GET accounts", a)}})
	st.Apply(sources.Batch{Reset: true, Samples: []sources.Sample{tx(2000, 160, "Login", a, 1)}})
	if got, want := members(st, "Login"), "POST login×0.6666666666666666/3, GET accounts×0.6666666666666666/3"; got != want {
		t.Fatalf("after a reset: members %q, want %q (the request read before it is forgotten)", got, want)
	}
}

// TestTransactionLinksBounded: thousands of threads, each leaving a pending
// transaction, keep at most linkMaxThreads thread states; a thread's ring
// and pending list stay at their sizes.
func TestTransactionLinksBounded(t *testing.T) {
	st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}})
	var batch []sources.Sample
	for i := 0; i < 3*linkMaxThreads; i++ {
		name := fmt.Sprintf("Users 1-%d", i)
		batch = append(batch, tx(int64(i), 1000, "Flow", name, 1), req(int64(i)+1, 10, "GET a", name))
		if len(batch) >= sources.BatchRecords {
			st.Apply(sources.Batch{Samples: batch})
			batch = batch[:0]
		}
	}
	st.Apply(sources.Batch{Samples: batch})
	k := st.Load.links
	if k.count > linkMaxThreads || k.count < linkMaxThreads/2 {
		t.Fatalf("%d thread states, want at most %d and at least half", k.count, linkMaxThreads)
	}
	n := 0
	for _, ts := range k.sources {
		n += len(ts.threads)
	}
	if n != k.count {
		t.Fatalf("count %d, maps hold %d", k.count, n)
	}
	if got, want := members(st, "Flow"), "GET a×1/12288"; got != want {
		t.Fatalf("members %q, want %q", got, want)
	}
	// One thread, many nested pending transactions and many requests.
	st = New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}})
	batch = batch[:0]
	for i := 0; i < 3*linkPending; i++ {
		batch = append(batch, tx(int64(i), 10_000, fmt.Sprintf("T%d", i), "Users 1-1", 1))
	}
	for i := 0; i < 3*linkRing; i++ {
		batch = append(batch, req(int64(100+i), 1, "GET a", "Users 1-1"))
	}
	st.Apply(sources.Batch{Samples: batch})
	th := st.Load.links.sources[0].threads["Users 1-1"]
	if th.np != linkPending || th.n != 3*linkRing {
		t.Fatalf("pending %d, pushed %d", th.np, th.n)
	}
	// The newest transactions stay pending and took every request.
	if got := members(st, fmt.Sprintf("T%d", 3*linkPending-1)); got != fmt.Sprintf("GET a×%d/1", 3*linkRing) {
		t.Fatalf("newest pending: %q", got)
	}
	if got := members(st, "T0"); got != "" {
		t.Fatalf("oldest, dropped before the requests came: %q", got)
	}
}

func TestTransactionSize(t *testing.T) {
	for msg, want := range map[string]int{
		"Number of samples in transaction : 12, number of failing samples : 1": 12,
		"Number of samples in transaction : 0":                                 0,
		"Number of samples in transaction : x":                                 -1,
		"OK":                                                                   -1,
		"":                                                                     -1,
	} {
		if got := transactionSize(msg); got != want {
			t.Errorf("transactionSize(%q) = %d, want %d", msg, got, want)
		}
	}
}

// BenchmarkLink is the linking alone, on BenchmarkIngestTransactions' run
// with transactions: the thread lookup and the ring on every sample, the
// ring scan and the pending list on every transaction. Measured 25
// ns/sample on the shared 2-core dev machine, of which some 8 ns is reading
// the samples themselves; it must stay under 40 ns/sample.
func BenchmarkLink(b *testing.B) {
	batches := txRun(3600, 50, true)
	n := 0
	for _, batch := range batches {
		n += len(batch)
	}
	// Label ids are looked up on ingest anyway: not part of the cost.
	ids := make([][]int, len(batches))
	l := newLoadTest()
	for i, batch := range batches {
		for j := range batch {
			ids[i] = append(ids[i], l.label(batch[j].Label, batch[j].Transaction))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		l.links = newLinker()
		for bi, batch := range batches {
			for i := range batch {
				s, id := &batch[i], ids[bi][i]
				t := l.links.threads(0).thread(l.links, s.Thread)
				if s.Transaction {
					l.links.transaction(t, int32(id), s.StartMS, s.ElapsedMS, s.Message)
				} else {
					l.links.request(t, int32(id), s.StartMS, s.ElapsedMS)
				}
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/sample")
}

// TestBusyThreadIsNotIdle: a source with one thread, whose every sample
// takes the latest-thread shortcut, keeps its thread while another source
// brings more threads than are followed at once.
func TestBusyThreadIsNotIdle(t *testing.T) {
	st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}, {Name: "b.jtl", Kind: sources.KindJTL}})
	other := 0
	busy := func() {
		var b []sources.Sample
		for range 1000 {
			b = append(b, req(10, 1, "GET x", fmt.Sprintf("Other 1-%d", other)))
			other++
		}
		st.Apply(sources.Batch{Source: 1, Samples: b})
	}
	for i := range 4 {
		st.Apply(sources.Batch{Source: 0, Samples: []sources.Sample{req(int64(i)*1000+1, 100, "warmup", "Solo")}})
		busy()
	}
	st.Apply(sources.Batch{Source: 0, Samples: []sources.Sample{req(10_001, 100, "POST login", "Solo")}})
	busy()
	st.Apply(sources.Batch{Source: 0, Samples: []sources.Sample{req(10_110, 50, "GET accounts", "Solo"), tx(10_000, 160, "Login", "Solo", 2)}})
	if got, want := members(st, "Login"), "POST login×1/1, GET accounts×1/1"; got != want {
		t.Fatalf("members %q, want %q", got, want)
	}
}
