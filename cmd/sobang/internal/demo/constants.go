package demo

import "time"

// Timing and size constants of the demo world, gathered in one place so that
// the numbers that shape the demo's behaviour (and its CPU cost) are easy to
// find and tune. Scenario-specific values live in Scenario instead.
const (
	// jtlFileName and logFileName are the files written inside Config.Dir.
	jtlFileName = "results.jtl"
	logFileName = "bank-service.log"

	// flushInterval bounds how long a written JTL row or log entry can sit in
	// a buffer before a tailer can see it (the brief: at least every 250 ms).
	flushInterval = 250 * time.Millisecond

	// shutdownGrace is how long Close lets the HTTP server drain before it
	// closes the remaining connections; goroutineWaitLimit is how long Close
	// then waits for the world's goroutines. Together they keep Close under
	// closeBudget even mid-incident.
	shutdownGrace      = 200 * time.Millisecond
	goroutineWaitLimit = 500 * time.Millisecond
	closeBudget        = time.Second

	// monitorInterval is the period of the pool "housekeeper" that emits the
	// thread-starvation warning; starvationWarnAfter is how long the incident
	// must have been running before it does.
	monitorInterval     = 500 * time.Millisecond
	starvationWarnAfter = time.Second

	// slowQueryThreshold is the query time above which the service logs a
	// slow-query WARN.
	slowQueryThreshold = 500 * time.Millisecond

	// infoEveryRequests and infoEveryTransfers sample the INFO entries: one per
	// that many requests (or transfers), so the log is busy but not a flood.
	infoEveryRequests  = 40
	infoEveryTransfers = 10

	// firstAccountID and accountCount define the accounts the service knows.
	firstAccountID = 100000
	accountCount   = 5000

	// transactionsPageSize is how many entries GET /api/transactions returns.
	transactionsPageSize = 20

	// transferPauseMin and transferPauseMax bound the pause between the two
	// requests of the "Transfer money" transaction (its JMeter IdleTime).
	transferPauseMin = 50 * time.Millisecond
	transferPauseMax = 150 * time.Millisecond

	// clientTimeoutMargin is added to the acquire timeout when the scenario
	// does not set a client timeout: the client gives up a bit after the pool.
	clientTimeoutMargin = time.Second

	// startupTime is the startup the service reports ("Started BankApplication
	// in 2.345 seconds"); its startup lines are stamped over that span before Start.
	startupTime = 2345 * time.Millisecond

	// tomcatMaxThreads is the number of "http-nio-PORT-exec-N" thread names
	// handed out to requests (Tomcat's default maxThreads).
	tomcatMaxThreads = 200

	// poolName is the HikariCP pool name in logs and metric labels;
	// applicationName is spring.application.name, shown in every log line.
	poolName        = "HikariPool-1"
	applicationName = "bank-service"

	// threadGroupName is the JMeter thread group, as in "Bank users 1-3".
	threadGroupName = "Bank users"

	// clientUserAgent is what JMeter's HttpClient4 implementation sends.
	clientUserAgent = "Apache-HttpClient/4.5.14 (Java/21.0.5)"
)
