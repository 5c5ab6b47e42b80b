package store

import (
	"slices"
	"sort"
	"strings"
)

const (
	linkRing       = 32   // requests remembered per thread
	linkPending    = 8    // transactions per thread still taking requests written after them
	linkMaxThreads = 4096 // threads followed at once over every source
	linkCacheSize  = 1024 // slots of the cache in front of the thread maps, in pairs (a power of two)
	// linkMembersIndexed is how many member labels a transaction label
	// searches linearly before it indexes them in a map.
	linkMembersIndexed = 16
)

// transactionSizePrefix starts a JMeter Transaction Controller's response
// message, followed by how many samplers it ran.
const transactionSizePrefix = "Number of samples in transaction : "

// linkReq is a request remembered by its thread.
type linkReq struct {
	startMS   int64
	elapsedMS int32
	label     int32
}

// linkPendingTx is a transaction waiting for requests written after it.
type linkPendingTx struct {
	startMS, endMS int64 // its span [start, end)
	label          int32
	left           int32 // requests it may still take, -1 for any
}

// threadLinks is what one thread of one source remembers.
type threadLinks struct {
	// The fields every sample touches come first, on one cache line with
	// the start of the ring.
	n       uint64 // requests pushed in all; ring[n%linkRing] is the next slot
	np      int
	seen    uint64 // linker tick of the thread's latest lookup (the start of a run of its samples)
	ring    [linkRing]linkReq
	pending [linkPending]linkPendingTx
}

// memberCount counts one request label inside the transactions of a label.
type memberCount struct {
	label    int32
	n        int64
	offsetMS int64 // sum of the requests' starts after their transaction's, to list members in running order
}

// txLinks is what the transactions of one label were found to be made of.
type txLinks struct {
	instances int64 // transactions of the label seen with a thread name
	members   []memberCount
	index     map[int32]int // label id -> position in members, once there are many
}

// linker links transactions to their requests at ingest; one per LoadTest.
//
// A transaction sample (a JMeter Transaction Controller, a k6 group) contains
// the requests of the same thread whose start lies within its span. Each
// transaction is linked at ingest, from two sides:
//
//   - requests written before it: JMeter writes a Transaction Controller's
//     row after its children (the default, "Generate parent sample"
//     unchecked) and k6 a group_duration point after the group's requests.
//     Every thread keeps its latest requests in a small ring, and a
//     transaction arriving looks there.
//   - requests written after it: the parent-first layouts ("Generate parent
//     sample" in CSV, children nested in an XML parent, a file sorted by
//     time). The transaction stays pending in its thread and takes the
//     requests that arrive within its span, until one of the thread's
//     requests starts at or after its end.
//
// A JMeter transaction's elapsed time leaves out the timers and pauses
// between its children (IdleTime, unless "Include duration of timer" is
// set), so a child that ran after a think time starts after start+elapsed.
// For requests written before the transaction, its response message helps:
// "Number of samples in transaction : N" counts the samplers it ran, and a
// thread's rows are written in the order its samples end, so when at most N
// of the ring's requests started at or after the transaction's start, they
// are all its children, wherever they lie after start+elapsed; it then takes
// at most N requests in all, late ones included. When there are more (rows
// that overlap, a thread name shared by two users), it takes the N that
// started first. Without such a count (a k6 group, whose duration includes
// its sleeps), and for a transaction that found no request written before
// it, the span decides.
//
// Sub-results (embedded resources) belong to their parent request and are not
// members. Samples without a thread name (Gatling's simulation.log has none)
// cannot be told apart by user and are not linked. Memory is bounded: a ring
// and a few pending transactions per thread, at most linkMaxThreads threads
// (the least recently active half is dropped beyond), and per transaction
// label one count per member label.
type linker struct {
	sources []*threadSet // per source index, nil before its first thread
	count   int          // threads over all the sources
	tick    uint64
	// sizeMsg and size memoise transactionSize: a run's transactions repeat
	// a few interned messages.
	sizeMsg string
	size    int
	tx      []txLinks // per label id; zero for labels that are not linked transactions
}

// threadSet is the threads of one source.
type threadSet struct {
	threads map[string]*threadLinks
	cache   [linkCacheSize]linkCacheEntry // two ways per thread slot, the most recently used first
	last    *linkCacheEntry               // the entry of the latest sample's thread, or none
	none    linkCacheEntry                // matches no thread (names are never "")
}

// linkCacheEntry maps a thread name to its state, ahead of the map.
type linkCacheEntry struct {
	thread string
	t      *threadLinks
}

func newLinker() *linker { return &linker{size: -1} } // transactionSize("")

// threads returns the thread set of source, creating it.
func (k *linker) threads(source int) *threadSet {
	for source >= len(k.sources) {
		k.sources = append(k.sources, nil)
	}
	if k.sources[source] == nil {
		ts := &threadSet{threads: map[string]*threadLinks{}}
		ts.last = &ts.none
		k.sources[source] = ts
	}
	return k.sources[source]
}

// thread returns the state of thread name, creating it. A transaction row
// usually follows its last request's, so the latest sample's thread is
// tried first, with one compare; it is marked active all the same (its
// line is the one the sample writes next), or a source with one busy
// thread would look idle to dropIdle.
func (ts *threadSet) thread(k *linker, name string) *threadLinks {
	if e := ts.last; e.thread == name {
		if e.t != nil {
			e.t.seen = k.tick
		}
		return e.t
	}
	return ts.lookup(k, name)
}

// lookup finds the state of a thread in the cache, then in the map, and
// notes that the thread is active.
func (ts *threadSet) lookup(k *linker, name string) *threadLinks {
	k.tick++
	set := ts.cache[threadSlot(name):]
	if e := &set[0]; e.t != nil && e.thread == name {
		e.t.seen = k.tick
		ts.last = e
		return e.t
	}
	if e := set[1]; e.t != nil && e.thread == name {
		set[0], set[1] = e, set[0]
		e.t.seen = k.tick
		ts.last = &set[0]
		return e.t
	}
	t := ts.threads[name]
	if t == nil {
		if k.count >= linkMaxThreads {
			k.dropIdle()
			set = ts.cache[threadSlot(name):]
		}
		t = &threadLinks{}
		ts.threads[name] = t
		k.count++
	}
	set[1], set[0] = set[0], linkCacheEntry{thread: name, t: t}
	ts.last = &set[0]
	t.seen = k.tick
	return t
}

// clearCache empties the cache, after threads were dropped.
func (ts *threadSet) clearCache() {
	ts.cache, ts.last = [linkCacheSize]linkCacheEntry{}, &ts.none
}

// dropIdle forgets the least recently active half of the threads: a run
// with more threads than linkMaxThreads loses the state of the idle ones,
// never its bounds.
func (k *linker) dropIdle() {
	seen := make([]uint64, 0, k.count)
	for _, ts := range k.sources {
		if ts != nil {
			for _, t := range ts.threads {
				seen = append(seen, t.seen)
			}
		}
	}
	slices.Sort(seen)
	cut := seen[len(seen)/2]
	for _, ts := range k.sources {
		if ts == nil {
			continue
		}
		for name, t := range ts.threads {
			if t.seen <= cut {
				delete(ts.threads, name)
				k.count--
			}
		}
		ts.clearCache()
	}
}

// dropSource forgets the threads of source, whose input starts again.
func (k *linker) dropSource(source int) {
	if source < len(k.sources) && k.sources[source] != nil {
		k.count -= len(k.sources[source].threads)
		k.sources[source] = nil
	}
}

// threadSlot picks the pair of cache slots of a thread name (the index of
// the first) from its length and three 8-byte words (start, middle, end),
// which tell apart the usual names ("Thread Group 1-17", "host:1099-Users
// 2-3", a k6 VU number) for about a nanosecond; hashing the whole name
// costs several.
func threadSlot(name string) int {
	n := len(name)
	h := uint64(n)
	if n >= 8 {
		h ^= word(name)*0x9e3779b97f4a7c15 ^ word(name[n/2-4:])*0xc2b2ae3d27d4eb4f ^ word(name[n-8:])*0x165667b19e3779f9
	} else {
		for i := 0; i < n; i++ {
			h = (h ^ uint64(name[i])) * 0x100000001b3
		}
	}
	h ^= h >> 31
	h *= 0xbf58476d1ce4e5b9
	return int(h>>32) & (linkCacheSize - 2)
}

// word reads the first 8 bytes of s as a little-endian number.
func word(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// request notes a request of label id spanning elapsedMS from startMS: it
// joins the transactions pending in its thread whose span holds its start,
// and the ring.
func (k *linker) request(t *threadLinks, label int32, startMS int64, elapsedMS int32) {
	if t.np > 0 {
		k.joinPending(t, label, startMS)
	}
	t.push(label, startMS, elapsedMS)
}

// push remembers a request in the ring, over the oldest.
func (t *threadLinks) push(label int32, startMS int64, elapsedMS int32) {
	t.ring[t.n%linkRing] = linkReq{startMS: startMS, elapsedMS: elapsedMS, label: label}
	t.n++
}

// joinPending counts a request in the transactions pending in its thread
// whose span holds its start, and ends those the thread has moved past.
func (k *linker) joinPending(t *threadLinks, label int32, startMS int64) {
	for i := 0; i < t.np; {
		p := &t.pending[i]
		if startMS >= p.endMS {
			// The thread has moved past this transaction: it takes no more.
			t.np--
			copy(t.pending[i:t.np], t.pending[i+1:t.np+1])
			continue
		}
		if startMS >= p.startMS {
			k.count1(p.label, label, startMS-p.startMS)
			if p.left > 0 {
				if p.left--; p.left == 0 {
					t.np--
					copy(t.pending[i:t.np], t.pending[i+1:t.np+1])
					continue
				}
			}
		}
		i++
	}
}

// transaction links a transaction of label id, spanning elapsedMS from
// startMS, whose message is msg: to the requests its thread wrote before it,
// and, pending, to those written after it.
func (k *linker) transaction(t *threadLinks, label int32, startMS int64, elapsedMS int32, msg string) {
	for int(label) >= len(k.tx) {
		k.tx = append(k.tx, txLinks{})
	}
	k.tx[label].instances++
	endMS := startMS + int64(max(elapsedMS, 0))
	// Newest first; a thread's rows come as its samples end, so the scan
	// stops at the first request that ended before the transaction started.
	var found [linkRing]uint8
	nf := 0
	for j := uint64(1); j <= min(t.n, linkRing); j++ {
		i := uint8((t.n - j) % linkRing)
		r := &t.ring[i]
		if r.startMS+int64(max(r.elapsedMS, 0)) < startMS {
			break
		}
		if r.startMS >= startMS {
			found[nf] = i
			nf++
		}
	}
	left := int32(-1) // requests the transaction may still take, -1 for any
	if nf > 0 {
		if msg != k.sizeMsg {
			k.sizeMsg, k.size = msg, transactionSize(msg)
		}
		n := k.size
		switch {
		case n < 0: // no sampler count (a k6 group): its span
			for _, i := range found[:nf] {
				if r := &t.ring[i]; r.startMS <= endMS {
					k.count1(label, r.label, r.startMS-startMS)
				}
			}
		case nf <= n:
			// JMeter writes a thread's rows as its samples end: all of
			// these ran within the transaction, think times included.
			for _, i := range found[:nf] {
				k.count1(label, t.ring[i].label, t.ring[i].startMS-startMS)
			}
			left = int32(n - nf)
		default:
			// More than it ran (rows that overlap, a thread name used
			// twice): the n that started first.
			for a := 1; a < nf; a++ {
				for b := a; b > 0 && t.ring[found[b]].startMS < t.ring[found[b-1]].startMS; b-- {
					found[b], found[b-1] = found[b-1], found[b]
				}
			}
			for _, i := range found[:n] {
				k.count1(label, t.ring[i].label, t.ring[i].startMS-startMS)
			}
			left = 0
		}
	}
	if endMS > startMS && left != 0 {
		if t.np == linkPending {
			copy(t.pending[:], t.pending[1:])
			t.np--
		}
		t.pending[t.np] = linkPendingTx{startMS: startMS, endMS: endMS, label: label, left: left}
		t.np++
	}
}

// count1 counts one request of label member, starting offsetMS after the
// start of a transaction of label tx.
func (k *linker) count1(tx, member int32, offsetMS int64) {
	l := &k.tx[tx]
	i := -1
	if l.index != nil {
		if j, ok := l.index[member]; ok {
			i = j
		}
	} else {
		for j := range l.members {
			if l.members[j].label == member {
				i = j
				break
			}
		}
	}
	if i < 0 {
		i = len(l.members)
		l.members = append(l.members, memberCount{label: member})
		if l.index != nil || len(l.members) > linkMembersIndexed {
			if l.index == nil {
				l.index = make(map[int32]int, 2*len(l.members))
				for j, m := range l.members {
					l.index[m.label] = j
				}
			}
			l.index[member] = i
		}
	}
	l.members[i].n++
	l.members[i].offsetMS += offsetMS
}

// transactionSize reads N from JMeter's "Number of samples in transaction :
// N, ..." message, -1 when msg is not of that form (k6 groups have none).
func transactionSize(msg string) int {
	rest, ok := strings.CutPrefix(msg, transactionSizePrefix)
	if !ok {
		return -1
	}
	n, i := 0, 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' && n < 1<<24 {
		n = n*10 + int(rest[i]-'0')
		i++
	}
	if i == 0 {
		return -1
	}
	return n
}

// Member is one request label found inside the transactions of a label.
type Member struct {
	Label string // the request's label
	// Count is how many requests of the label the transactions held in all.
	Count int64
	// Transactions is how many transactions of the label were linked (those
	// with a thread name), the same for every member of one label.
	Transactions int64
	// PerTransaction is Count / Transactions: 1 for a request every
	// transaction runs once, 2.5 for one run two or three times.
	PerTransaction float64
}

// TransactionMembers returns the requests the transactions labelled label
// are made of, in the order they run within a transaction (by their mean
// start after the transaction's start), over every sample ingested, not a
// window. A transaction contains the requests of its thread that start
// within its span; a JMeter transaction written after its children also
// keeps those that ran after a think time (see linker). Transactions
// without a thread name (Gatling's simulation.log names no user) are made of
// the labels whose group path they are: "Shop / Cart" and the group
// "Shop / Checkout" in the group "Shop", in the order they were first seen.
// It returns nil when label is not a transaction or nothing links it, and an
// empty slice when its transactions were linked but held no request. The
// caller may keep the result.
func (l *LoadTest) TransactionMembers(label string) []Member {
	id, ok := l.labelIdx[label]
	if !ok || !l.txn[id] {
		return nil
	}
	if id >= len(l.links.tx) || l.links.tx[id].instances == 0 {
		return l.groupMembers(id)
	}
	tx := &l.links.tx[id]
	type ranked struct {
		Member
		meanMS float64
	}
	rows := make([]ranked, 0, len(tx.members))
	for _, m := range tx.members {
		rows = append(rows, ranked{Member{
			Label: l.labels[m.label], Count: m.n, Transactions: tx.instances,
			PerTransaction: float64(m.n) / float64(tx.instances),
		}, float64(m.offsetMS) / float64(m.n)})
	}
	sort.Slice(rows, func(a, b int) bool {
		if rows[a].meanMS != rows[b].meanMS {
			return rows[a].meanMS < rows[b].meanMS
		}
		return rows[a].Label < rows[b].Label
	})
	out := make([]Member, len(rows))
	for i, r := range rows {
		out[i] = r.Member
	}
	return out
}

// groupSeparator joins a Gatling group path and a request name in labels.
const groupSeparator = " / "

// groupMembers returns the labels directly inside the group labelled by
// transaction id, counted over the samples without a thread name, or nil
// when there are none.
func (l *LoadTest) groupMembers(id int) []Member {
	if id >= len(l.unthreaded) || l.unthreaded[id] == 0 {
		return nil
	}
	prefix := l.labels[id] + groupSeparator
	var out []Member
	for j, name := range l.labels {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok || strings.Contains(rest, groupSeparator) || j >= len(l.unthreaded) || l.unthreaded[j] == 0 {
			continue
		}
		out = append(out, Member{Label: name, Count: l.unthreaded[j], Transactions: l.unthreaded[id],
			PerTransaction: float64(l.unthreaded[j]) / float64(l.unthreaded[id])})
	}
	return out
}
