package demo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The failures a Scenario can plant besides a slow store: a bad deploy, a
// slow downstream service, a memory leak, a garbage-collection storm and a
// slow disk behind the log. Each does what the real failure does to a
// process (threads wait, memory grows, the collector runs) so that its
// Go runtime and process metrics move for real; only its names are
// borrowed from the Java service the demo imitates.

// serviceVersion is the version the service starts as, in its banner and
// its build_info metric.
const serviceVersion = "1.4.2"

// Names of the planted failures' loggers, executor and health check.
const (
	loggerDispatcher  = "org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/].[dispatcherServlet]"
	loggerFraudClient = "com.example.bank.fraud.FraudCheckClient"
	loggerGCMonitor   = "com.example.bank.ops.JvmGcMonitor"
	loggerDiskSpace   = "org.springframework.boot.actuate.system.DiskSpaceHealthIndicator"
	fraudExecutorName = "fraudCheckExecutor"
	fraudCheckURL     = "http://fraud-check:8080/api/v1/score"
	gcMonitorInterval = time.Second
	gcOverheadWarn    = 0.10
	heapCheckInterval = 100 * time.Millisecond
	diskWarnInterval  = time.Second
)

// ErrOutOfMemory is returned by RunService when the leaking service's heap
// passed the scenario's HeapLimit: the process should die, as a JVM does
// after an OutOfMemoryError with -XX:+ExitOnOutOfMemoryError.
var ErrOutOfMemory = errors.New("demo: java.lang.OutOfMemoryError: Java heap space")

// version is the version deployed at t.
func (s *service) version(t time.Time) string {
	if s.scenario.IncidentVersion != "" && !t.Before(s.incident.start) {
		return s.scenario.IncidentVersion
	}
	return serviceVersion
}

// buildInfo is the service's bank_service_build_info{version} gauge, whose
// version label changes when a new version is deployed. It describes no
// fixed label values, so it is an unchecked collector.
type buildInfo struct {
	desc    *prometheus.Desc
	version func() string
}

// Describe sends nothing: the collector is unchecked.
func (buildInfo) Describe(chan<- *prometheus.Desc) {}

// Collect sends the current version.
func (b buildInfo) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(b.desc, prometheus.GaugeValue, 1, b.version())
}

// failDeployed answers the deploy's bug: a 500 with the exception logged.
func (s *service) failDeployed(r *http.Request, ep *endpoint, thread string) response {
	trace := formatThrowable([]throwable{{
		header: `java.lang.NullPointerException: Cannot invoke "java.math.BigDecimal.signum()" because "entry.amount" is null`,
		frames: append([]string{"com.example.bank.service.LedgerFormatter.format(LedgerFormatter.java:74)"}, ep.frames...),
	}})
	s.log.write(levelError, thread, loggerErrorHandler,
		"Request failed: "+r.Method+" "+r.URL.RequestURI()+" -> 500 INTERNAL_SERVER_ERROR", trace)
	res := problem(http.StatusInternalServerError, "Internal Server Error", r.URL.Path)
	res.exception = "NullPointerException"
	return res
}

// downstream is the executor that calls the fraud-check service: a fixed
// number of workers; a caller waits for a worker and then for the answer,
// and gives up after the timeout while the worker goes on waiting.
type downstream struct {
	workers chan struct{}
	queued  atomic.Int64
	active  atomic.Int64
}

func newDownstream(workers int) *downstream {
	return &downstream{workers: make(chan struct{}, max(workers, 1))}
}

// errDownstreamTimeout is a fraud check that did not answer in time.
var errDownstreamTimeout = errors.New("fraud check timed out")

// fraudCheck asks the downstream service about a transfer.
func (s *service) fraudCheck(ctx context.Context) error {
	d := s.downstream
	latency := s.scenario.DownstreamLatency
	if s.incident.active(time.Now()) {
		latency = s.scenario.IncidentDownstreamLatency
	}
	timer := time.NewTimer(s.scenario.DownstreamTimeout)
	defer timer.Stop()
	d.queued.Add(1)
	select {
	case d.workers <- struct{}{}:
		d.queued.Add(-1)
	case <-timer.C:
		d.queued.Add(-1)
		return errDownstreamTimeout
	case <-ctx.Done():
		d.queued.Add(-1)
		return errShutdown
	}
	d.active.Add(1)
	done := make(chan struct{})
	go func() {
		sleepContext(ctx, latency)
		d.active.Add(-1)
		<-d.workers
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-timer.C:
		return errDownstreamTimeout
	case <-ctx.Done():
		return errShutdown
	}
}

// failDownstream answers a transfer whose fraud check timed out.
func (s *service) failDownstream(r *http.Request, thread string) response {
	trace := formatThrowable([]throwable{
		{header: `org.springframework.web.client.ResourceAccessException: I/O error on POST request for "` + fraudCheckURL + `": Read timed out`,
			frames: []string{
				"org.springframework.web.client.RestTemplate.createResourceAccessException(RestTemplate.java:915)",
				"org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:895)",
				"com.example.bank.fraud.FraudCheckClient.score(FraudCheckClient.java:52)",
				"com.example.bank.service.TransferService.transfer(TransferService.java:61)",
			}},
		{header: "java.net.SocketTimeoutException: Read timed out",
			frames: []string{
				"java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:278)",
				"com.example.bank.fraud.FraudCheckClient.score(FraudCheckClient.java:52)",
				"com.example.bank.service.TransferService.transfer(TransferService.java:61)",
			}},
	})
	s.log.write(levelError, thread, loggerFraudClient,
		fmt.Sprintf("Fraud check failed after %d ms, transfer rejected", s.scenario.DownstreamTimeout.Milliseconds()), trace)
	res := problem(http.StatusGatewayTimeout, "Fraud check unavailable", r.URL.Path)
	res.exception = "ResourceAccessException"
	return res
}

// leak is the cache that never evicts.
type leak struct {
	mu     sync.Mutex
	chunks [][]byte
}

// retain keeps n bytes for good, touching every page so that the
// process's resident memory grows as its heap does.
func (l *leak) retain(n int) {
	b := make([]byte, n)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	l.mu.Lock()
	l.chunks = append(l.chunks, b)
	l.mu.Unlock()
}

// heapBytes is the live and not yet collected heap.
func heapBytes() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

// watchHeap logs the OutOfMemoryError and calls die once the heap passes
// the scenario's limit.
func (s *service) watchHeap(die func()) {
	ticker := time.NewTicker(heapCheckInterval)
	defer ticker.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-ticker.C:
			if heapBytes() < s.scenario.HeapLimit {
				continue
			}
			exec := "http-nio-" + strconv.Itoa(s.port) + "-exec-1"
			s.log.write(levelError, exec, loggerDispatcher,
				"Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception "+
					"[Handler dispatch failed: java.lang.OutOfMemoryError: Java heap space] with root cause",
				formatThrowable([]throwable{{header: "java.lang.OutOfMemoryError: Java heap space", frames: []string{
					"java.base/java.util.Arrays.copyOf(Arrays.java:3541)",
					"com.example.bank.service.StatementCache.put(StatementCache.java:44)",
					"com.example.bank.web.AccountController.getAccount(AccountController.java:38)",
				}}}))
			_ = s.log.flush()
			die()
			return
		}
	}
}

// gcNode is one object of the retained heap: pointers for the collector
// to follow.
type gcNode struct {
	next    *gcNode
	payload [6]int64
}

// churn keeps a pointer-rich heap of GCLiveHeap bytes alive and allocates
// GCChurn bytes of garbage a second while the incident is active.
func (s *service) churn() {
	const nodeSize = 64
	var live []*gcNode
	var sink atomic.Pointer[gcNode]
	ticker := time.NewTicker(10 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case now := <-ticker.C:
			if !s.incident.active(now) {
				live = nil
				continue
			}
			if live == nil {
				live = make([]*gcNode, s.scenario.GCLiveHeap/nodeSize)
				for i := range live {
					live[i] = &gcNode{}
					if i > 0 {
						live[i].next = live[i-1]
					}
				}
			}
			for i := range s.scenario.GCChurn / 100 / nodeSize {
				n := &gcNode{}
				if len(live) > 0 {
					n.next = live[i%len(live)]
				}
				n.payload[0] = int64(i)
				sink.Store(n)
			}
		}
	}
}

// gcMonitor logs when the collector took more than gcOverheadWarn of the
// last second's CPU, as Elasticsearch's JvmGcMonitorService does for a
// JVM: the runtime's own account of its collections, read every second.
func (s *service) gcMonitor() {
	sample := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}, {Name: "/gc/cycles/total:gc-cycles"}}
	read := func() (float64, uint64) {
		metrics.Read(sample)
		var gc float64
		var cycles uint64
		if sample[0].Value.Kind() == metrics.KindFloat64 {
			gc = sample[0].Value.Float64()
		}
		if sample[1].Value.Kind() == metrics.KindUint64 {
			cycles = sample[1].Value.Uint64()
		}
		return gc, cycles
	}
	lastGC, lastCycles := read()
	last := time.Now()
	ticker := time.NewTicker(gcMonitorInterval)
	defer ticker.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-ticker.C:
			now := time.Now()
			gc, cycles := read()
			spent := time.Duration((gc - lastGC) * float64(time.Second))
			elapsed := now.Sub(last)
			if spent > time.Duration(float64(elapsed)*gcOverheadWarn) {
				s.log.write(levelWarn, "JvmGcMonitor", loggerGCMonitor, fmt.Sprintf(
					"GC overhead, spent [%dms] collecting in the last [%dms], %d collections",
					spent.Milliseconds(), elapsed.Milliseconds(), cycles-lastCycles), "")
			}
			lastGC, lastCycles, last = gc, cycles, now
		}
	}
}

// diskHealth is the actuator's disk-space check, which warns while the
// log's disk is full and slow.
func (s *service) diskHealth() {
	ticker := time.NewTicker(diskWarnInterval)
	defer ticker.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case now := <-ticker.C:
			if s.incident.active(now) {
				s.log.write(levelWarn, "health-check-1", loggerDiskSpace,
					"Free disk space below threshold. Available: 1048576 bytes (threshold: 10485760B)", "")
			}
		}
	}
}
