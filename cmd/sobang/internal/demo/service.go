package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Logger names of the simulated service; appLog abbreviates them as Logback does.
const (
	loggerApplication   = "com.example.bank.BankApplication"
	loggerAccounts      = "com.example.bank.web.AccountController"
	loggerTransfers     = "com.example.bank.web.TransferController"
	loggerTransactions  = "com.example.bank.web.TransactionHistoryController"
	loggerErrorHandler  = "com.example.bank.web.GlobalExceptionHandler"
	loggerSlowQuery     = "com.example.bank.persistence.QueryTimingInterceptor"
	loggerSQLException  = "org.hibernate.engine.jdbc.spi.SqlExceptionHelper"
	loggerHikariPool    = "com.zaxxer.hikari.pool.HikariPool"
	loggerHikariSource  = "com.zaxxer.hikari.HikariDataSource"
	loggerResolver      = "org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver"
	loggerTomcatServer  = "org.springframework.boot.web.embedded.tomcat.TomcatWebServer"
	loggerTomcatService = "org.apache.catalina.core.StandardService"
	loggerTomcatEngine  = "org.apache.catalina.core.StandardEngine"
	loggerTomcatContext = "org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/]"
	loggerWebContext    = "org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext"
	loggerHibernateInfo = "org.hibernate.jpa.internal.util.LogHelper"
	loggerActuator      = "org.springframework.boot.actuate.endpoint.web.EndpointLinksResolver"
	loggerHTTPProtocol  = "org.apache.coyote.http11.Http11NioProtocol"
	loggerRequestFilter = "org.springframework.web.filter.CommonsRequestLoggingFilter"
)

// endpoint is one route of the service: its Micrometer uri template, the
// controller that logs for it, and the application frames of its stack.
type endpoint struct {
	method string
	uri    string
	logger string
	frames []string // application frames, innermost first
	handle func(s *service, r *http.Request, ep *endpoint, thread string) response
}

// response is what a handler decided; exception is Micrometer's tag.
type response struct {
	status      int
	contentType string
	body        []byte
	exception   string
}

// service is the simulated bank service: a Spring-Boot-like HTTP API in front
// of a HikariCP-like pool and a backing store whose latency the scenario
// scripts.
type service struct {
	ctx      context.Context // cancelled by World.Close: ends every wait
	scenario Scenario
	incident incidentWindow
	pool     *pool
	metrics  *serviceMetrics
	log      *appLog
	port     int

	threadMu   sync.Mutex
	freeExecs  []int // LIFO of free Tomcat exec thread numbers
	nextExec   int
	requests   atomic.Int64
	transfers  atomic.Int64
	nextTxID   atomic.Int64
	starvation atomic.Bool  // the starvation WARN was logged for this incident
	busy       atomic.Int64 // requests being handled: Tomcat's busy threads

	downstream *downstream // nil unless the scenario plants a fraud check
	leak       leak
}

// newService wires a service; handler() exposes it.
func newService(ctx context.Context, sc Scenario, incident incidentWindow, log *appLog, port int) *service {
	s := &service{
		ctx:      ctx,
		scenario: sc,
		incident: incident,
		pool:     newPool(sc.PoolSize),
		log:      log,
		port:     port,
	}
	if sc.DownstreamLatency > 0 || sc.IncidentDownstreamLatency > 0 {
		s.downstream = newDownstream(sc.DownstreamWorkers)
	}
	s.metrics = newServiceMetrics(s)
	s.nextTxID.Store(7_000_000)
	if sc.IncidentLogWriteDelay > 0 {
		log.delay = func(t time.Time) time.Duration {
			if incident.active(t) {
				return sc.IncidentLogWriteDelay
			}
			return 0
		}
	}
	return s
}

// endpoints are the service's routes; the uri is the Spring MVC template.
var endpoints = []*endpoint{
	{
		method: http.MethodGet, uri: "/api/accounts/{id}", logger: loggerAccounts,
		frames: []string{
			"com.example.bank.service.AccountService$$SpringCGLIB$$0.findAccount(<generated>)",
			"com.example.bank.web.AccountController.getAccount(AccountController.java:38)",
		},
		handle: handleAccount,
	},
	{
		method: http.MethodGet, uri: "/api/accounts/{id}/balance", logger: loggerAccounts,
		frames: []string{
			"com.example.bank.service.AccountService$$SpringCGLIB$$0.balanceOf(<generated>)",
			"com.example.bank.web.AccountController.getBalance(AccountController.java:47)",
		},
		handle: handleBalance,
	},
	{
		method: http.MethodPost, uri: "/api/transfer", logger: loggerTransfers,
		frames: []string{
			"com.example.bank.service.TransferService$$SpringCGLIB$$0.transfer(<generated>)",
			"com.example.bank.web.TransferController.transfer(TransferController.java:41)",
		},
		handle: handleTransfer,
	},
	{
		method: http.MethodGet, uri: "/api/transactions", logger: loggerTransactions,
		frames: []string{
			"com.example.bank.service.TransactionHistoryService$$SpringCGLIB$$0.recent(<generated>)",
			"com.example.bank.web.TransactionHistoryController.list(TransactionHistoryController.java:29)",
		},
		handle: handleTransactions,
	},
}

// handler returns the service's routes, /metrics included.
func (s *service) handler() http.Handler {
	mux := http.NewServeMux()
	for _, ep := range endpoints {
		mux.HandleFunc(ep.method+" "+ep.uri, s.serve(ep))
	}
	metrics := promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		began := time.Now()
		metrics.ServeHTTP(w, r)
		s.metrics.observeRequest(r.Method, "/metrics", http.StatusOK, "none", time.Since(began))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		began := time.Now()
		res := problem(http.StatusNotFound, "No static resource "+strings.TrimPrefix(r.URL.Path, "/")+".", r.URL.Path)
		writeResponse(w, res)
		s.metrics.observeRequest(r.Method, "NOT_FOUND", res.status, "NoResourceFoundException", time.Since(began))
	})
	return mux
}

// serve runs one endpoint on a Tomcat-like exec thread and records it.
func (s *service) serve(ep *endpoint) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		began := time.Now()
		s.busy.Add(1)
		defer s.busy.Add(-1)
		exec := s.takeExec()
		defer s.releaseExec(exec)
		thread := "http-nio-" + strconv.Itoa(s.port) + "-exec-" + strconv.Itoa(exec)
		active := s.incident.active(began)
		if active && s.scenario.LeakPerRequest > 0 {
			s.leak.retain(s.scenario.LeakPerRequest)
		}
		var res response
		if active && ep.uri == s.scenario.FailingURI {
			res = s.failDeployed(r, ep, thread)
		} else {
			res = ep.handle(s, r, ep, thread)
		}
		writeResponse(w, res)
		if s.scenario.LogEveryRequest {
			s.log.write(levelInfo, thread, loggerRequestFilter, fmt.Sprintf("After request [%s %s, status=%d, took %d ms]",
				r.Method, r.URL.RequestURI(), res.status, time.Since(began).Milliseconds()), "")
		}
		s.metrics.observeRequest(ep.method, ep.uri, res.status, res.exception, time.Since(began))
	}
}

// writeResponse sends a handler's decision.
func writeResponse(w http.ResponseWriter, res response) {
	ct := res.contentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(res.body)))
	w.WriteHeader(res.status)
	_, _ = w.Write(res.body)
}

// takeExec hands out the lowest recently freed exec thread number, as a
// thread pool reuses warm threads.
func (s *service) takeExec() int {
	s.threadMu.Lock()
	defer s.threadMu.Unlock()
	if n := len(s.freeExecs); n > 0 {
		id := s.freeExecs[n-1]
		s.freeExecs = s.freeExecs[:n-1]
		return id
	}
	s.nextExec++
	if s.nextExec > tomcatMaxThreads {
		// More concurrent requests than Tomcat threads: reuse a name rather
		// than grow without bound.
		return rand.IntN(tomcatMaxThreads) + 1
	}
	return s.nextExec
}

// releaseExec returns an exec thread number to the free list.
func (s *service) releaseExec(id int) {
	s.threadMu.Lock()
	defer s.threadMu.Unlock()
	if len(s.freeExecs) < tomcatMaxThreads {
		s.freeExecs = append(s.freeExecs, id)
	}
}

// errShutdown reports a query abandoned because the world is closing.
var errShutdown = errors.New("demo: service shutting down")

// query takes a pooled connection, holds it for the scripted store latency
// and releases it. It waits on the service context, not the request's: a
// real database keeps working when the client hangs up. On an acquire
// timeout it logs what Hibernate, and the application's exception handler,
// would log.
func (s *service) query(r *http.Request, ep *endpoint, thread string) (time.Duration, error) {
	asked := time.Now()
	err := s.pool.acquire(s.ctx, s.scenario.AcquireTimeout)
	waited := time.Since(asked)
	s.metrics.acquire.Observe(waited.Seconds())
	if err == errPoolTimeout {
		s.logPoolTimeout(r, ep, thread, waited)
		return 0, err
	}
	if err != nil {
		return 0, errShutdown
	}
	defer s.pool.release()
	started := time.Now()
	latency := s.storeLatency(started)
	if !sleepContext(s.ctx, latency) {
		return 0, errShutdown
	}
	if latency >= slowQueryThreshold {
		s.log.write(levelWarn, thread, loggerSlowQuery, fmt.Sprintf(
			"Slow query: %s took %d ms (threshold %d ms)", queryName(ep), latency.Milliseconds(), slowQueryThreshold.Milliseconds()), "")
	}
	return waited + latency, nil
}

// storeLatency is the scripted time of one query starting at t.
func (s *service) storeLatency(t time.Time) time.Duration {
	base, jitter := s.scenario.BaseDBLatency, s.scenario.BaseDBJitter
	if s.incident.active(t) {
		base, jitter = s.scenario.IncidentDBLatency, s.scenario.IncidentDBJitter
	}
	if jitter > 0 {
		base += rand.N(jitter)
	}
	return base
}

// queryName names the repository call behind an endpoint, for slow-query logs.
func queryName(ep *endpoint) string {
	switch ep.uri {
	case "/api/transfer":
		return "AccountRepository.transfer"
	case "/api/transactions":
		return "TransactionRepository.findRecentByAccountId"
	default:
		return "AccountRepository.findById"
	}
}

// logPoolTimeout writes the three entries a Spring Boot service logs when
// HikariCP times out: Hibernate's SQL warning and error, then the
// application's handler with the full cause chain.
func (s *service) logPoolTimeout(r *http.Request, ep *endpoint, thread string, waited time.Duration) {
	st := s.pool.stats()
	hikari := fmt.Sprintf("%s - Connection is not available, request timed out after %dms (total=%d, active=%d, idle=%d, waiting=%d)",
		poolName, waited.Milliseconds(), st.total, st.active, st.idle, st.waiting)
	s.log.write(levelWarn, thread, loggerSQLException, "SQL Error: 0, SQLState: null", "")
	s.log.write(levelError, thread, loggerSQLException, hikari, "")
	trace := formatThrowable(poolTimeoutChain(hikari, ep.frames, ep.method == http.MethodPost))
	s.log.write(levelError, thread, loggerErrorHandler,
		"Request failed: "+r.Method+" "+r.URL.RequestURI()+" -> 503 SERVICE_UNAVAILABLE", trace)
}

// failed maps a query error to the response the service sends.
func failed(r *http.Request, err error) response {
	res := problem(http.StatusServiceUnavailable, "Could not open JPA EntityManager for transaction", r.URL.Path)
	res.exception = "CannotCreateTransactionException"
	if err == errShutdown {
		res.exception = "none"
	}
	return res
}

// problem is a Spring ProblemDetail response.
func problem(status int, detail, instance string) response {
	body, _ := json.Marshal(map[string]any{
		"type": "about:blank", "title": http.StatusText(status), "status": status,
		"detail": detail, "instance": instance,
	})
	return response{status: status, contentType: "application/problem+json", body: body, exception: "none"}
}

// accountID parses the {id} path value; ok is false when it is not a number.
func accountID(r *http.Request) (int, bool) {
	id, err := strconv.Atoi(r.PathValue("id"))
	return id, err == nil
}

// knownAccount reports whether the store has the account.
func knownAccount(id int) bool {
	return id >= firstAccountID && id < firstAccountID+accountCount
}

// sampledInfo reports whether this request should log its INFO line.
func (s *service) sampledInfo() bool {
	return s.requests.Add(1)%infoEveryRequests == 0
}

func handleAccount(s *service, r *http.Request, ep *endpoint, thread string) response {
	id, ok := accountID(r)
	if !ok {
		return badPathVariable(s, r, thread)
	}
	took, err := s.query(r, ep, thread)
	if err != nil {
		return failed(r, err)
	}
	if !knownAccount(id) {
		return problem(http.StatusNotFound, fmt.Sprintf("Account %d not found", id), r.URL.Path)
	}
	if s.sampledInfo() {
		s.log.write(levelInfo, thread, ep.logger, fmt.Sprintf("Account %d loaded in %d ms", id, took.Milliseconds()), "")
	}
	return jsonResponse(fmt.Sprintf(`{"id":%d,"owner":"Customer %d","iban":"DE%020d","currency":"EUR","status":"ACTIVE"}`, id, id, id))
}

func handleBalance(s *service, r *http.Request, ep *endpoint, thread string) response {
	id, ok := accountID(r)
	if !ok {
		return badPathVariable(s, r, thread)
	}
	took, err := s.query(r, ep, thread)
	if err != nil {
		return failed(r, err)
	}
	if !knownAccount(id) {
		return problem(http.StatusNotFound, fmt.Sprintf("Account %d not found", id), r.URL.Path)
	}
	if s.sampledInfo() {
		s.log.write(levelInfo, thread, ep.logger, fmt.Sprintf("Balance of account %d read in %d ms", id, took.Milliseconds()), "")
	}
	return jsonResponse(fmt.Sprintf(`{"accountId":%d,"balance":%s,"currency":"EUR"}`, id, balanceOf(id)))
}

// transferRequest is the JSON body of POST /api/transfer.
type transferRequest struct {
	From   int     `json:"from"`
	To     int     `json:"to"`
	Amount float64 `json:"amount"`
}

func handleTransfer(s *service, r *http.Request, ep *endpoint, thread string) response {
	var req transferRequest
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 4096)).Decode(&req); err != nil {
		s.log.write(levelWarn, thread, loggerResolver,
			"Resolved [org.springframework.http.converter.HttpMessageNotReadableException: JSON parse error: "+err.Error()+"]", "")
		return problem(http.StatusBadRequest, "Failed to read request", r.URL.Path)
	}
	if req.Amount <= 0 {
		s.log.write(levelWarn, thread, loggerResolver, fmt.Sprintf(
			"Resolved [org.springframework.web.bind.MethodArgumentNotValidException: Validation failed for argument [0] in public "+
				"org.springframework.http.ResponseEntity<com.example.bank.web.TransferResponse> "+
				"com.example.bank.web.TransferController.transfer(com.example.bank.web.TransferRequest): "+
				"[Field error in object 'transferRequest' on field 'amount': rejected value [%.2f]; "+
				"default message [must be greater than 0]] ]", req.Amount), "")
		return problem(http.StatusBadRequest, "Invalid request content.", r.URL.Path)
	}
	took, err := s.query(r, ep, thread)
	if err != nil {
		return failed(r, err)
	}
	if !knownAccount(req.From) || !knownAccount(req.To) {
		return problem(http.StatusNotFound, fmt.Sprintf("Account %d not found", req.To), r.URL.Path)
	}
	if s.downstream != nil {
		switch err := s.fraudCheck(s.ctx); err {
		case errDownstreamTimeout:
			return s.failDownstream(r, thread)
		case errShutdown:
			return failed(r, err)
		}
	}
	txID := s.nextTxID.Add(1)
	if s.transfers.Add(1)%infoEveryTransfers == 0 {
		s.log.write(levelInfo, thread, ep.logger, fmt.Sprintf("Transfer %d -> %d of %.2f EUR completed in %d ms (tx %d)",
			req.From, req.To, req.Amount, took.Milliseconds(), txID), "")
	}
	return jsonResponse(fmt.Sprintf(`{"transactionId":%d,"from":%d,"to":%d,"amount":%.2f,"status":"COMPLETED"}`,
		txID, req.From, req.To, req.Amount))
}

func handleTransactions(s *service, r *http.Request, ep *endpoint, thread string) response {
	id, err := strconv.Atoi(r.URL.Query().Get("account"))
	if err != nil {
		return badPathVariable(s, r, thread)
	}
	took, qerr := s.query(r, ep, thread)
	if qerr != nil {
		return failed(r, qerr)
	}
	if !knownAccount(id) {
		return problem(http.StatusNotFound, fmt.Sprintf("Account %d not found", id), r.URL.Path)
	}
	if s.sampledInfo() {
		s.log.write(levelInfo, thread, ep.logger, fmt.Sprintf("Listed %d transactions of account %d in %d ms",
			transactionsPageSize, id, took.Milliseconds()), "")
	}
	var b strings.Builder
	b.WriteString(`{"accountId":`)
	b.WriteString(strconv.Itoa(id))
	b.WriteString(`,"transactions":[`)
	for i := range transactionsPageSize {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"amount":%d.%02d,"currency":"EUR","booked":"2026-11-%02dT10:%02d:00Z"}`,
			6_000_000+id*transactionsPageSize+i, (id*7+i*13)%900+10, (id+i)%100, 1+i%28, i%60)
	}
	b.WriteString("]}")
	return jsonResponse(b.String())
}

// badPathVariable answers a request whose id is not a number, as Spring does.
func badPathVariable(s *service, r *http.Request, thread string) response {
	s.log.write(levelWarn, thread, loggerResolver,
		"Resolved [org.springframework.web.method.annotation.MethodArgumentTypeMismatchException: "+
			"Failed to convert value of type 'java.lang.String' to required type 'long']", "")
	return problem(http.StatusBadRequest, "Failed to convert 'id' with value: '"+r.PathValue("id")+"'", r.URL.Path)
}

// balanceOf is a stable pseudo balance for an account.
func balanceOf(id int) string {
	cents := (id*7919)%5_000_000 + 1000
	return fmt.Sprintf("%d.%02d", cents/100, cents%100)
}

// jsonResponse is a 200 with a JSON body.
func jsonResponse(body string) response {
	return response{status: http.StatusOK, body: []byte(body), exception: "none"}
}

// logStartup writes the lines a Spring Boot service logs while starting,
// stamped over the startup time it reports, so the last one is now.
func (s *service) logStartup() {
	const main = "main"
	port := strconv.Itoa(s.port)
	lines := []struct {
		at          time.Duration // since the JVM started logging
		logger, msg string
	}{
		{0, loggerApplication, fmt.Sprintf("Starting BankApplication v%s using Java 21.0.5 with PID %s (/opt/bank/bank-service.jar started by bank in /opt/bank)", serviceVersion, s.log.pid)},
		{4 * time.Millisecond, loggerApplication, `No active profile set, falling back to 1 default profile: "default"`},
		{1021 * time.Millisecond, loggerTomcatServer, "Tomcat initialized with port " + port + " (http)"},
		{1038 * time.Millisecond, loggerTomcatService, "Starting service [Tomcat]"},
		{1039 * time.Millisecond, loggerTomcatEngine, "Starting Servlet engine: [Apache Tomcat/10.1.33]"},
		{1102 * time.Millisecond, loggerTomcatContext, "Initializing Spring embedded WebApplicationContext"},
		{1103 * time.Millisecond, loggerWebContext, "Root WebApplicationContext: initialization completed in 1098 ms"},
		{1351 * time.Millisecond, loggerHibernateInfo, "HHH000204: Processing PersistenceUnitInfo [name: default]"},
		{1462 * time.Millisecond, loggerHikariSource, poolName + " - Starting..."},
		{1693 * time.Millisecond, loggerHikariPool, poolName + " - Added connection org.postgresql.jdbc.PgConnection@5f2bd6d9"},
		{1695 * time.Millisecond, loggerHikariSource, poolName + " - Start completed."},
		{2187 * time.Millisecond, loggerActuator, "Exposing 1 endpoint beneath base path '/actuator'"},
		{2301 * time.Millisecond, loggerTomcatServer, "Tomcat started on port " + port + " (http) with context path '/'"},
		{startupTime, loggerApplication, "Started BankApplication in 2.345 seconds (process running for 2.911)"},
	}
	began := time.Now().Add(-startupTime)
	for _, l := range lines {
		s.log.writeAt(began.Add(l.at), levelInfo, main, l.logger, l.msg, "")
	}
}

// background starts, through spawn, the goroutines the scenario's planted
// failures need besides the pool's housekeeper; die is called when a
// leaking service runs out of memory.
func (s *service) background(spawn func(func()), die func()) {
	spawn(s.monitor)
	if s.scenario.HeapLimit > 0 {
		spawn(func() { s.watchHeap(die) })
	}
	if s.scenario.GCChurn > 0 {
		spawn(s.churn)
	}
	if s.scenario.GCChurn > 0 || s.scenario.LeakPerRequest > 0 {
		spawn(s.gcMonitor)
	}
	if s.scenario.IncidentLogWriteDelay > 0 {
		spawn(s.diskHealth)
	}
}

// monitor is the pool's housekeeper: once the incident has starved the pool
// for a while it logs HikariCP's starvation warning, once per incident.
func (s *service) monitor() {
	ticker := time.NewTicker(monitorInterval)
	defer ticker.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case now := <-ticker.C:
			if !s.starvesPool() || s.starvation.Load() || !s.incident.active(now) || now.Sub(s.incident.start) < starvationWarnAfter {
				continue
			}
			s.starvation.Store(true)
			// HikariCP only warns when a housekeeping run is over 1.5 periods
			// (45 s) late, so the reported delta is at least that.
			delta := now.Sub(s.incident.start) + 45*time.Second
			s.log.write(levelWarn, poolName+":housekeeper", loggerHikariPool, fmt.Sprintf(
				"%s - Thread starvation or clock leap detected (housekeeper delta=%s).", poolName, hikariDuration(delta)), "")
		}
	}
}

// starvesPool reports whether the incident slows the store down, which is
// what starves the pool; other planted failures leave it alone.
func (s *service) starvesPool() bool {
	return s.scenario.IncidentDBLatency+s.scenario.IncidentDBJitter > s.scenario.BaseDBLatency+s.scenario.BaseDBJitter
}

// hikariDuration prints a duration like HikariCP's elapsedDisplayString.
func hikariDuration(d time.Duration) string {
	d = d.Truncate(time.Millisecond)
	var b strings.Builder
	if m := d / time.Minute; m > 0 {
		fmt.Fprintf(&b, "%dm", m)
		d -= m * time.Minute
	}
	if sec := d / time.Second; sec > 0 {
		fmt.Fprintf(&b, "%ds", sec)
		d -= sec * time.Second
	}
	if ms := d / time.Millisecond; ms > 0 || b.Len() == 0 {
		fmt.Fprintf(&b, "%dms", ms)
	}
	return b.String()
}

// httpErrorWriter turns net/http's own error log lines into WARN entries of
// the service log (instead of stderr, which belongs to the dashboard).
type httpErrorWriter struct{ log *appLog }

// Write logs one net/http error line.
func (h httpErrorWriter) Write(p []byte) (int, error) {
	h.log.write(levelWarn, "http-nio-acceptor", loggerHTTPProtocol, strings.TrimRight(string(p), "\n"), "")
	return len(p), nil
}

// sleepContext waits d or until ctx ends; it reports whether d elapsed.
func sleepContext(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
