// Package demo is the embedded "outside world" that `sobang demo` runs: a
// small bank-like HTTP service with a simulated HikariCP connection pool, and
// a JMeter-like load generator that drives it through a scripted incident.
//
// It owns only what an outside system would own: a listening socket on
// 127.0.0.1, a /metrics endpoint (its own Prometheus registry), a Spring Boot
// style log file and a JMeter CSV JTL, both in Config.Dir. It must not touch
// the dashboard: no UI, no store, no records. The dashboard reads this world
// through its ordinary sources (JTL and log tailers, the metrics scraper),
// exactly as it would read a real service and a real JMeter.
//
//	load generator (virtual users)          service (127.0.0.1:PORT)
//	  think, request ----------------HTTP---> handler -> pool.acquire (AcquireTimeout)
//	  sample finished -> results.jtl            |           | timeout -> 503 + ERROR trace
//	  transaction row after children            v           v
//	                                          store latency (Base / Incident, by clock)
//	                                            |-> bank-service.log (INFO sampled, WARN, ERROR)
//	                                            '-> /metrics (http_server_requests_seconds, hikaricp_*)
//	flusher: both files every flushInterval;   housekeeper: starvation WARN during the incident
//
// Every goroutine is started through World.goSafe, which recovers panics and
// reports them through Config.OnPanic.
package demo

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync"
	"time"
)

// Config says where the world writes, how long the load runs and which
// scenario it plays.
type Config struct {
	// Dir is the directory of the JTL and log files; it is created if missing
	// and the files are truncated.
	Dir string
	// Duration is how long the load runs, measured from Start; zero means
	// until the world is closed.
	Duration time.Duration
	// Scenario is the scripted incident; the zero value means DefaultScenario().
	Scenario Scenario
	// Start is the instant "sobang demo started": incident times and Duration
	// are measured from it. Zero means the moment Start is called.
	Start time.Time
	// OnPanic, when set, receives the value and stack of a panic recovered in
	// one of the world's goroutines; when nil the panic is re-raised.
	OnPanic func(recovered any, stack []byte)
}

// World is a running demo: the service, the load generator and their files.
type World struct {
	cfg       Config
	cancel    context.CancelFunc
	server    *http.Server
	service   *service
	listener  net.Listener
	log       *appLog
	jtl       *jtlWriter
	jtlPath   string
	logPath   string
	loadEnded chan struct{}
	wg        sync.WaitGroup

	closeOnce sync.Once
	closeErr  error
}

// Start opens the files, starts the service on a free loopback port and
// starts the load. Cancelling ctx stops the load and the service as Close
// does, but only Close closes the files.
func Start(ctx context.Context, cfg Config) (*World, error) {
	if cfg.Dir == "" {
		return nil, errors.New("demo: Config.Dir is empty, want a directory for the JTL and log files")
	}
	if cfg.Duration < 0 {
		return nil, fmt.Errorf("demo: Config.Duration must be >= 0, found %v", cfg.Duration)
	}
	if cfg.Scenario == (Scenario{}) {
		cfg.Scenario = DefaultScenario()
	}
	if err := cfg.Scenario.validate(); err != nil {
		return nil, err
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Now()
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("demo: creating %s: %w", cfg.Dir, err)
	}

	w := &World{
		cfg:       cfg,
		jtlPath:   filepath.Join(cfg.Dir, jtlFileName),
		logPath:   filepath.Join(cfg.Dir, logFileName),
		loadEnded: make(chan struct{}),
	}
	var err error
	if w.log, err = newAppLog(w.logPath); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if w.jtl, err = newJTLWriter(w.jtlPath); err != nil {
		w.log.close()
		return nil, fmt.Errorf("demo: %w", err)
	}
	if w.listener, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		w.log.close()
		w.jtl.close()
		return nil, fmt.Errorf("demo: listening on loopback: %w", err)
	}

	worldCtx, cancel := context.WithCancel(ctx)
	w.cancel = cancel
	sc := cfg.Scenario
	incident := incidentWindow{start: cfg.Start.Add(sc.IncidentStart)}
	incident.end = incident.start.Add(sc.IncidentLength)
	port := w.listener.Addr().(*net.TCPAddr).Port
	w.service = newService(worldCtx, sc, incident, w.log, port)
	w.service.logStartup()
	w.server = &http.Server{
		Handler:           w.service.handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          log.New(httpErrorWriter{w.log}, "", 0),
		BaseContext:       func(net.Listener) context.Context { return worldCtx },
	}

	w.goSafe(func() {
		if err := w.server.Serve(w.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			w.log.write(levelError, "main", loggerTomcatServer, "Web server failed: "+err.Error(), "")
		}
	})
	w.goSafe(func() { w.flushLoop(worldCtx) })
	w.service.background(w.goSafe, func() {})
	w.goSafe(func() {
		// Cancelling the caller's ctx must stop the server too.
		<-worldCtx.Done()
		w.stopServer()
	})

	loadCtx, loadCancel := worldCtx, context.CancelFunc(func() {})
	if cfg.Duration > 0 {
		loadCtx, loadCancel = context.WithDeadline(worldCtx, cfg.Start.Add(cfg.Duration))
	}
	gen := newLoadGenerator(sc, "http://127.0.0.1:"+strconv.Itoa(port), w.jtl)
	gen.run(loadCtx, w.goSafe, w.loadEnded)
	w.goSafe(func() {
		<-w.loadEnded
		loadCancel()
	})
	return w, nil
}

// MetricsURL is the service's Prometheus endpoint, http://127.0.0.1:PORT/metrics.
func (w *World) MetricsURL() string {
	return "http://" + w.listener.Addr().String() + "/metrics"
}

// JTLPath is the JMeter CSV results file, Dir/results.jtl.
func (w *World) JTLPath() string { return w.jtlPath }

// LogPath is the service's Spring Boot log file, Dir/bank-service.log.
func (w *World) LogPath() string { return w.logPath }

// LoadEnded is closed once the load generator has stopped: when Duration has
// elapsed, or earlier if the world is closed or its context cancelled. The
// service keeps answering after the load ends.
func (w *World) LoadEnded() <-chan struct{} { return w.loadEnded }

// Close stops the load and the service, cancelling in-flight requests and
// pool waits, flushes and closes both files, and returns within a second
// even mid-incident. Calling it again returns the first result.
func (w *World) Close() error {
	w.closeOnce.Do(func() {
		w.cancel() // the server watcher shuts the server down; handlers and users see ctx end
		done := make(chan struct{})
		go func() { // not goSafe: it only waits, and must not wait for itself
			w.wg.Wait()
			close(done)
		}()
		timer := time.NewTimer(goroutineWaitLimit)
		select {
		case <-done:
		case <-timer.C:
			// A goroutine is slow to notice the cancellation; the writers
			// drop anything written after they are closed, so closing is safe.
		}
		timer.Stop()
		w.closeErr = errors.Join(w.jtl.close(), w.log.close())
	})
	return w.closeErr
}

// stopServer shuts the HTTP server down, giving handlers shutdownGrace.
func (w *World) stopServer() {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := w.server.Shutdown(ctx); err != nil {
		_ = w.server.Close()
	}
}

// flushLoop flushes both files every flushInterval until ctx ends, then once more.
func (w *World) flushLoop(ctx context.Context) {
	ticker := time.NewTicker(flushInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			_ = w.jtl.flush()
			_ = w.log.flush()
			return
		case <-ticker.C:
			_ = w.jtl.flush()
			_ = w.log.flush()
		}
	}
}

// goSafe runs f in a goroutine that Close waits for, recovering a panic and
// handing it to Config.OnPanic (or re-raising it when OnPanic is nil).
func (w *World) goSafe(f func()) {
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer func() {
			if v := recover(); v != nil {
				if w.cfg.OnPanic == nil {
					panic(v)
				}
				w.cfg.OnPanic(v, debug.Stack())
			}
		}()
		f()
	}()
}
