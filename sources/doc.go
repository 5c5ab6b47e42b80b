// Package sources turns outside systems into timestamped records and owns the
// one ingestion path from them to the panes.
//
// The data flows one way, and this folder is laid out in its order:
//
//	outside world        adapters (one goroutine each)      hub (hub.go)        store (store/)                 tui, report
//	JTL, k6, Gatling,    loadtest/{jtl,k6,gatling,locust}   +------------+      Pump.Step on one tick:
//	Locust files   --->    (kit: internal/batch) --Batch--> | per-source |      drain -> record -> apply  ---> queries: summaries,
//	log files, stdin --->  logs (+format, group) --Batch--> | bounded    | ---> -> recycle                    rates, quantiles
//	/metrics URLs  --->    metrics/scrape        --Batch--> | queues     |      buckets, sketches (sketch/),      |
//	.sobang file   --->    record                --Batch--> +------------+      entries, series, calc/        v
//	                                                                                  analysis/ (compare, slo) -> findings
//
// The root holds the contract every room shares: the record types
// (records.go), Source, Sink and Batch (source.go), Health, the Hub, Panic,
// the Clock, the wording of bad input (badinput.go), and the ingestion and
// store sizes (constants.go). sanitize/ makes outside text safe for a
// terminal, for adapters, the store, panes and reports alike.
//
// A source never touches the UI: it pushes Batches (records plus its Health)
// into a Sink and returns when its context ends. The Hub is the Sink the
// program uses: it keeps one bounded queue per source, so a fast source
// blocks (backpressure, nothing lost) instead of growing memory, and the
// store's Pump drains everything on the UI's tick (or, headless, for the
// report) instead of the UI receiving one message per record.
//
// One Clock (clock.go) says what "now" is for the sources, the store, the
// recorder and the UI: no other file of sources/ or tui/ reads the wall
// clock or waits on it (clock_guard_test.go fails when one does). A source
// finds its clock in Info.Clock rather than in a parameter of each
// constructor: Info is already what every source is built from and what
// its parts (tailer, batcher, parsers) receive, so the field reaches them
// all without changing a signature per adapter, and a nil Clock means Wall,
// so a source built without one (a test, a tool) runs on the real clock as
// before. The store, the recorder and the UI take theirs explicitly
// (Store.SetClock, record.Create, tui.Options.Clock); the hub reads no
// time. The program passes Wall to all of them, tests a ManualClock, and
// replay will pass its own.
//
// This package must not import Bubble Tea or any pane code; the store and the
// panes depend on it, never the other way round.
package sources
