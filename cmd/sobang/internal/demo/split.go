package demo

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// The world split in two, for the evaluation suite: the service alone, to
// run in a process of its own (so that its garbage collections, memory
// and restarts are the process's own and show in its go_* and process_*
// metrics), and the load generator alone, driving it from outside.

// ServiceConfig says where a service run alone listens and logs.
type ServiceConfig struct {
	// Addr is the loopback address to listen on, 127.0.0.1:PORT: the same
	// across restarts, as a service's address is.
	Addr string
	// LogPath is the service's log, appended to so that a restarted service
	// goes on writing the same file.
	LogPath string
	// Scenario is the planted failure; incident times are measured from Start.
	Scenario Scenario
	// Start is the run's start, the same for every restart.
	Start time.Time
	// StartupDelay is how long the service takes to start before it listens
	// (a JVM's startup): a restarted service refuses connections meanwhile.
	StartupDelay time.Duration
}

// RunService runs the service until ctx ends (nil) or, for a leaking
// scenario, until it runs out of memory (ErrOutOfMemory, after its log
// says so).
func RunService(ctx context.Context, cfg ServiceConfig) error {
	sc := cfg.Scenario
	if err := sc.validate(); err != nil {
		return err
	}
	applog, err := openAppLog(cfg.LogPath, os.O_APPEND)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer applog.close()
	if !sleepContext(ctx, cfg.StartupDelay) {
		return nil
	}
	var l net.Listener
	for deadline := time.Now().Add(5 * time.Second); ; {
		// The previous process's socket may linger a moment.
		if l, err = net.Listen("tcp", cfg.Addr); err == nil || time.Now().After(deadline) {
			break
		}
		if !sleepContext(ctx, 50*time.Millisecond) {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("demo: listening on %s: %w", cfg.Addr, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	incident := incidentWindow{start: cfg.Start.Add(sc.IncidentStart)}
	incident.end = incident.start.Add(sc.IncidentLength)
	svc := newService(ctx, sc, incident, applog, l.Addr().(*net.TCPAddr).Port)
	svc.logStartup()
	server := &http.Server{
		Handler:           svc.handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          log.New(httpErrorWriter{applog}, "", 0),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	var wg sync.WaitGroup
	spawn := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	var oom sync.Once
	died := make(chan struct{})
	svc.background(spawn, func() { oom.Do(func() { close(died) }) })
	spawn(func() { flushEvery(ctx, applog) })
	served := make(chan error, 1)
	go func() { served <- server.Serve(l) }()
	var result error
	select {
	case <-ctx.Done():
	case <-died:
		result = ErrOutOfMemory
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			result = err
		}
	}
	if result == ErrOutOfMemory {
		// A dying JVM does not drain its connections.
		_ = server.Close()
	} else {
		shut, done := context.WithTimeout(context.Background(), shutdownGrace)
		if server.Shutdown(shut) != nil {
			_ = server.Close()
		}
		done()
	}
	cancel()
	wg.Wait()
	return result
}

// flushEvery flushes the log every flushInterval until ctx ends.
func flushEvery(ctx context.Context, l *appLog) {
	ticker := time.NewTicker(flushInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			_ = l.flush()
		}
	}
}

// LoadConfig says what a load generator run alone drives and where it
// writes its results.
type LoadConfig struct {
	// URL is the service's base URL, http://127.0.0.1:PORT.
	URL string
	// JTLPath is the JMeter CSV results file, created or truncated.
	JTLPath string
	// Scenario gives the users, ramp-up, think times and client timeout.
	Scenario Scenario
	// Start is the run's start; the load runs until Start+Duration.
	Start time.Time
	// Duration is how long the load runs, measured from Start.
	Duration time.Duration
}

// RunLoad drives the service until Start+Duration or until ctx ends, and
// returns once every virtual user has stopped and the JTL is closed.
func RunLoad(ctx context.Context, cfg LoadConfig) error {
	sc := cfg.Scenario
	if err := sc.validate(); err != nil {
		return err
	}
	jtl, err := newJTLWriter(cfg.JTLPath)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	ctx, cancel := context.WithDeadline(ctx, cfg.Start.Add(cfg.Duration))
	defer cancel()
	var wg sync.WaitGroup
	spawn := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	ended := make(chan struct{})
	spawn(func() {
		ticker := time.NewTicker(flushInterval)
		defer ticker.Stop()
		for {
			select {
			case <-ended:
				return
			case <-ticker.C:
				_ = jtl.flush()
			}
		}
	})
	newLoadGenerator(sc, cfg.URL, jtl).run(ctx, spawn, ended)
	<-ended
	wg.Wait()
	return jtl.close()
}
