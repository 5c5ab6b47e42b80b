package sources

import "time"

// Sizes and timings of the ingestion path, in one place so that their
// trade-offs can be read together.
const (
	// HubQueueBatches bounds each source's queue. With batches of up to
	// BatchRecords records this is the most a source can run ahead of the UI.
	HubQueueBatches = 64
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
	// RetryMin and RetryMax bound the backoff of a failing source.
	RetryMin = 500 * time.Millisecond
	// RetryMax is the longest wait between two retries.
	RetryMax = 10 * time.Second
	// PartialFlush is how long a live stream's open multi-line group (a stack
	// trace still being written) may stay open before it is shown.
	PartialFlush = 300 * time.Millisecond
)
