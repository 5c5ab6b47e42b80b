package demo

import (
	"fmt"
	"time"
)

// Scenario describes the scripted incident and the load that reveals it. It is
// plain data: new scenarios are new values, not new code paths.
type Scenario struct {
	// Name identifies the scenario, e.g. "pool-exhaustion".
	Name string

	// IncidentStart is when the incident begins, measured from Config.Start.
	IncidentStart time.Duration
	// IncidentLength is how long the incident lasts.
	IncidentLength time.Duration

	// BaseDBLatency is the normal time a "query" holds its pooled connection;
	// each query adds a uniform jitter in [0, BaseDBJitter).
	BaseDBLatency time.Duration
	// BaseDBJitter is the random extra latency of a normal query.
	BaseDBJitter time.Duration
	// IncidentDBLatency is the query time while the incident is active; each
	// query adds a uniform jitter in [0, IncidentDBJitter).
	IncidentDBLatency time.Duration
	// IncidentDBJitter is the random extra latency of a query during the incident.
	IncidentDBJitter time.Duration

	// PoolSize is the number of connections of the simulated HikariCP pool.
	PoolSize int
	// AcquireTimeout is how long a request waits for a connection before the
	// service answers 503 and logs the HikariCP timeout (connectionTimeout).
	AcquireTimeout time.Duration

	// MaxUsers is the number of virtual users once the ramp-up is over.
	MaxUsers int
	// RampUp is the time over which virtual users start, from 1 to MaxUsers
	// (user i starts at i*RampUp/MaxUsers, as JMeter does).
	RampUp time.Duration
	// ThinkTimeMin and ThinkTimeMax bound the uniform pause of a virtual user
	// between two steps of its script.
	ThinkTimeMin time.Duration
	// ThinkTimeMax is the upper bound of the think time (exclusive).
	ThinkTimeMax time.Duration
	// ClientTimeout is the load generator's response timeout; zero means
	// AcquireTimeout plus one second.
	ClientTimeout time.Duration
	// ClientErrorRate is the share of picks of an account that pick an
	// unknown one (a 404) and of transfers sent with a negative amount (a
	// 400): background client errors, unrelated to the incident.
	ClientErrorRate float64

	// The fields below plant other failures than a slow store; their zero
	// values leave them out. They drive the evaluation suite, where each
	// scenario plants one failure and its evidence.

	// IncidentVersion, when set, is deployed at IncidentStart: the
	// build_info metric's version label changes from serviceVersion to it.
	IncidentVersion string
	// FailingURI, when set, is the Micrometer uri of the endpoint that
	// answers 500 while the incident is active (the deploy's bug).
	FailingURI string

	// DownstreamLatency is the normal time of the fraud check a transfer
	// asks a downstream service for; IncidentDownstreamLatency is its time
	// during the incident. Zero leaves the call out.
	DownstreamLatency time.Duration
	// IncidentDownstreamLatency is the fraud check's time while the
	// incident is active.
	IncidentDownstreamLatency time.Duration
	// DownstreamTimeout is how long a transfer waits for the fraud check,
	// its queue for a worker included, before it answers 504.
	DownstreamTimeout time.Duration
	// DownstreamWorkers is the size of the executor that makes the calls.
	DownstreamWorkers int

	// LeakPerRequest is how many bytes each request leaves behind in a
	// cache that never evicts, from IncidentStart on until the incident
	// ends; HeapLimit is the heap above which the service dies of an
	// OutOfMemoryError (the service returns ErrOutOfMemory).
	LeakPerRequest int
	// HeapLimit is the heap size at which a leaking service dies.
	HeapLimit uint64

	// GCChurn is how many bytes of short-lived objects per second the
	// service allocates, over a retained heap of GCLiveHeap bytes, while
	// the incident is active: a garbage-collection storm.
	GCChurn int
	// GCLiveHeap is the pointer-rich heap kept alive during a GC storm,
	// which every collection has to mark.
	GCLiveHeap int

	// IncidentLogWriteDelay is how long each log write takes while the
	// incident is active: a slow disk behind synchronous logging.
	IncidentLogWriteDelay time.Duration
	// LogEveryRequest logs an INFO entry after every request, as Spring's
	// request-logging filter does, instead of a sample of them.
	LogEveryRequest bool
}

// DefaultScenario returns "pool-exhaustion": from 30 s after the start, for
// 30 s, the backing store answers in 1.5-3 s instead of 5-20 ms, so the pool of
// 10 connections saturates, requests time out waiting for a connection after
// 1 s, and the service answers 503. Twenty users ramp up over 20 s with
// 100-300 ms think times: about 100 requests/s before the incident. The incident times do not depend on
// Config.Duration.
func DefaultScenario() Scenario {
	return Scenario{
		Name:              "pool-exhaustion",
		IncidentStart:     30 * time.Second,
		IncidentLength:    30 * time.Second,
		BaseDBLatency:     5 * time.Millisecond,
		BaseDBJitter:      15 * time.Millisecond,
		IncidentDBLatency: 1500 * time.Millisecond,
		IncidentDBJitter:  1500 * time.Millisecond,
		PoolSize:          10,
		AcquireTimeout:    time.Second,
		MaxUsers:          20,
		RampUp:            20 * time.Second,
		ThinkTimeMin:      100 * time.Millisecond,
		ThinkTimeMax:      300 * time.Millisecond,
		// Long enough that some slow requests still succeed during the
		// incident (their latency shows in the percentiles, not only as
		// errors), short enough that the 503s after AcquireTimeout dominate.
		ClientTimeout: 3 * time.Second,
		// None: a client error every few seconds would leave no quiet ten
		// seconds before the incident, so its first second would not be an
		// error onset, the second `e` finds.
		ClientErrorRate: 0,
	}
}

// validate reports the first field that cannot drive a run, saying what was
// expected and what was found.
func (s Scenario) validate() error {
	switch {
	case s.PoolSize <= 0:
		return fmt.Errorf("demo: scenario %q: PoolSize must be > 0, found %d", s.Name, s.PoolSize)
	case s.AcquireTimeout <= 0:
		return fmt.Errorf("demo: scenario %q: AcquireTimeout must be > 0, found %v", s.Name, s.AcquireTimeout)
	case s.MaxUsers <= 0:
		return fmt.Errorf("demo: scenario %q: MaxUsers must be > 0, found %d", s.Name, s.MaxUsers)
	case s.ClientErrorRate < 0 || s.ClientErrorRate > 1:
		return fmt.Errorf("demo: scenario %q: ClientErrorRate must be in [0, 1], found %v", s.Name, s.ClientErrorRate)
	case s.IncidentStart < 0 || s.IncidentLength < 0 || s.RampUp < 0:
		return fmt.Errorf("demo: scenario %q: IncidentStart, IncidentLength and RampUp must be >= 0, found %v, %v, %v",
			s.Name, s.IncidentStart, s.IncidentLength, s.RampUp)
	case s.BaseDBLatency < 0 || s.BaseDBJitter < 0 || s.IncidentDBLatency < 0 || s.IncidentDBJitter < 0:
		return fmt.Errorf("demo: scenario %q: latencies and jitters must be >= 0", s.Name)
	case s.ThinkTimeMin < 0 || s.ThinkTimeMax < s.ThinkTimeMin:
		return fmt.Errorf("demo: scenario %q: want 0 <= ThinkTimeMin <= ThinkTimeMax, found %v and %v",
			s.Name, s.ThinkTimeMin, s.ThinkTimeMax)
	case s.ClientTimeout < 0:
		return fmt.Errorf("demo: scenario %q: ClientTimeout must be >= 0, found %v", s.Name, s.ClientTimeout)
	}
	return nil
}

// clientTimeout is the effective response timeout of the load generator.
func (s Scenario) clientTimeout() time.Duration {
	if s.ClientTimeout > 0 {
		return s.ClientTimeout
	}
	return s.AcquireTimeout + clientTimeoutMargin
}

// incidentWindow is the incident as absolute instants: active iff
// start <= t < end.
type incidentWindow struct {
	start, end time.Time
}

// active reports whether the incident is in progress at t.
func (iw incidentWindow) active(t time.Time) bool {
	return !t.Before(iw.start) && t.Before(iw.end)
}
