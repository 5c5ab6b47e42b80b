package sources

import "time"

// Sizes and timings of the ingestion path, in one place so that their
// trade-offs can be read together.
const (
	// HubQueueBatches bounds each source's queue. With batches of up to
	// BatchRecords records this is the most a source can run ahead of the UI.
	HubQueueBatches = 64
	// HeadlessQueueBatches bounds each source's queue where nothing but the
	// store reads it (report, check, record): the store applies batches as
	// fast as they come, so a deep queue would only hold memory (64 batches
	// of BatchRecords samples are 38 MB of a 1 GiB JTL report's peak).
	HeadlessQueueBatches = 4
	// HubDrainBatches bounds how many batches of one source one tick takes.
	HubDrainBatches = 32
	// BatchRecords is the most records a source puts in one batch.
	BatchRecords = 4096
	// BatchLinger is how long a source holds a partial batch before pushing it,
	// so a trickle of records still reaches the screen promptly.
	BatchLinger = 50 * time.Millisecond
	// ReadChunk is the size of one read from a file.
	ReadChunk = 256 << 10
	// PollInterval is how often a followed file is checked for growth,
	// truncation or replacement.
	PollInterval = 200 * time.Millisecond
	// WaitInterval is how often a missing file is looked for.
	WaitInterval = 250 * time.Millisecond
	// MaxBadRowsKept is how many bad rows per source are described in detail;
	// the rest are only counted.
	MaxBadRowsKept = 5
	// ScrapeInterval is the default scrape interval of a /metrics URL.
	ScrapeInterval = time.Second
	// ScrapeTimeout bounds one scrape.
	ScrapeTimeout = 900 * time.Millisecond
	// MaxScrapeSeries is the most series kept from one scrape unless told
	// otherwise: a target exposing more (a label gone wild) would
	// otherwise take the store's memory.
	MaxScrapeSeries = 50_000
	// RetryMin and RetryMax bound the backoff of a failing source.
	RetryMin = 500 * time.Millisecond
	// RetryMax is the longest wait between two retries.
	RetryMax = 10 * time.Second
	// PartialFlush is how long a live stream's open multi-line group (a stack
	// trace still being written) may stay open before it is shown.
	PartialFlush = 300 * time.Millisecond

	// SniffBytes is how much of a file is read to detect its kind.
	SniffBytes = 64 << 10
)

// Sizes of what the store keeps in memory.
const (
	// MaxLogEntries bounds the log entries held in memory; beyond it the
	// oldest are dropped a block at a time and counted.
	MaxLogEntries = 1_000_000
	// MaxPoints bounds each metric series; at one scrape a second it is two
	// hours.
	MaxPoints = 7200
	// RollupAfter is how far behind the newest load-test second per-label
	// detail stays per second; older per-label statistics are merged into
	// blocks of RollupStep, so that a day of 200 labels fits in well under
	// 1 GiB. The requests' own per-second timeline (counts, latencies, codes,
	// threads) is always kept per second.
	RollupAfter = time.Hour
	// RollupStep is the resolution of per-label detail beyond RollupAfter.
	RollupStep = 10 * time.Second
)

// How long a gauge's last value counts as current.
const (
	// StaleAfter is how long a gauge's last value stays drawn after its
	// scrape before the chart shows a gap.
	StaleAfter = 5 * time.Second
)
