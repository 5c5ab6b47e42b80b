package demo

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestAbbreviateLoggerMatchesLogback(t *testing.T) {
	// Expected values are logger fields copied from real Spring Boot 3 logs
	// (%-40.40logger{39}), trailing padding removed.
	tests := []struct{ logger, want string }{
		{"org.springframework.boot.SpringApplication", "o.s.boot.SpringApplication"},
		{"org.springframework.boot.web.embedded.tomcat.TomcatWebServer", "o.s.b.w.embedded.tomcat.TomcatWebServer"},
		{"org.apache.catalina.core.StandardService", "o.apache.catalina.core.StandardService"},
		{"org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/]", "o.a.c.c.C.[Tomcat].[localhost].[/]"},
		{"org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/].[dispatcherServlet]", "o.a.c.c.C.[.[.[/].[dispatcherServlet]"},
		{"org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext", "w.s.c.ServletWebServerApplicationContext"},
		{"org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver", ".w.s.m.s.DefaultHandlerExceptionResolver"},
		{"org.springframework.beans.factory.annotation.AutowiredAnnotationBeanPostProcessor", "f.a.AutowiredAnnotationBeanPostProcessor"},
		{"com.faforever.moderatorclient.api.TokenService", "c.f.moderatorclient.api.TokenService"},
		{"com.faforever.moderatorclient.api.FafApiCommunicationService", "c.f.m.api.FafApiCommunicationService"},
		{"com.faforever.moderatorclient.api.domain.MapService", "c.f.m.api.domain.MapService"},
		{"com.zaxxer.hikari.pool.HikariPool", "com.zaxxer.hikari.pool.HikariPool"},
		{"main", "main"},
	}
	for _, tt := range tests {
		got := padLogger(abbreviateLogger(tt.logger, 39), 40)
		if len(got) != 40 {
			t.Errorf("%s: field %q is %d wide, want 40", tt.logger, got, len(got))
		}
		if strings.TrimRight(got, " ") != tt.want {
			t.Errorf("%s: got %q, want %q", tt.logger, strings.TrimRight(got, " "), tt.want)
		}
	}
}

func TestAppLogWritesSpringBootFileFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	l, err := newAppLog(path)
	if err != nil {
		t.Fatal(err)
	}
	l.pid = "12345"
	at := time.Date(2026, 11, 25, 12, 38, 19, 123_000_000, time.UTC)
	l.writeAt(at, levelInfo, "http-nio-8080-exec-3", loggerTransfers, "Transfer 123 -> 456 completed in 12 ms", "")
	l.writeAt(at.In(time.FixedZone("CET", 3600)), levelError, "http-nio-8080-exec-4", loggerErrorHandler, "Request failed",
		"java.lang.IllegalStateException: boom\n\tat com.example.Foo.bar(Foo.java:1)")
	if err := l.close(); err != nil {
		t.Fatal(err)
	}
	l.write(levelInfo, "main", loggerApplication, "dropped after close", "")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "2026-11-25T12:38:19.123Z  INFO 12345 --- [bank-service] [http-nio-8080-exec-3] c.example.bank.web.TransferController    : Transfer 123 -> 456 completed in 12 ms\n" +
		"2026-11-25T13:38:19.123+01:00 ERROR 12345 --- [bank-service] [http-nio-8080-exec-4] c.e.bank.web.GlobalExceptionHandler      : Request failed\n" +
		"\n" +
		"java.lang.IllegalStateException: boom\n" +
		"\tat com.example.Foo.bar(Foo.java:1)\n" +
		"\n"
	if string(got) != want {
		t.Errorf("log file:\n%q\nwant:\n%q", got, want)
	}
}

func TestJMeterQuoting(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"GET account", "GET account"},
		{"a,b", `"a,b"`},
		{`say "hi"`, `"say ""hi"""`},
		{"two\nlines", "\"two\nlines\""},
		{"cr\r", "\"cr\r\""},
	}
	for _, tt := range tests {
		if got := string(appendJMeterQuoted(nil, tt.in)); got != tt.want {
			t.Errorf("quote(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestJTLRowRoundTripsThroughCSV(t *testing.T) {
	s := jtlSample{
		start: time.UnixMilli(1_700_000_000_123), elapsedMS: 42, label: `odd, "label"`,
		code: "Non HTTP response code: java.net.SocketTimeoutException", message: "multi\nline",
		thread: "Bank users 1-3", dataType: "text", failure: assertionFailure, bytes: 10, sentBytes: 20,
		grpThreads: 3, allThreads: 4, url: "http://127.0.0.1:1/x?a=1", latencyMS: 5, idleMS: 6, connectMS: 7,
	}
	r := csv.NewReader(strings.NewReader(jtlHeader + "\n" + string(appendJTLRow(nil, s))))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1700000000123", "42", `odd, "label"`, s.code, "multi\nline", "Bank users 1-3", "text", "false",
		assertionFailure, "10", "20", "3", "4", s.url, "5", "6", "7"}
	if len(rows) != 2 || strings.Join(rows[1], "|") != strings.Join(want, "|") {
		t.Errorf("rows = %q, want header and %q", rows, want)
	}
}

func TestTransactionSampleIsJMeters(t *testing.T) {
	t0 := time.UnixMilli(1_000_000)
	ok := jtlSample{start: t0, elapsedMS: 10, thread: "Bank users 1-1", success: true, code: "200", bytes: 100, sentBytes: 50, latencyMS: 9, connectMS: 1}
	bad := jtlSample{start: t0.Add(110 * time.Millisecond), elapsedMS: 300, thread: "Bank users 1-1", code: "503", bytes: 200, sentBytes: 60, latencyMS: 299}
	end := t0.Add(410 * time.Millisecond)
	tx := transactionSample(labelTransferTx, []jtlSample{ok, bad}, end, 100*time.Millisecond, 5, 5)
	if tx.code != "" || tx.success {
		t.Errorf("failing transaction: code %q success %v, want empty and false", tx.code, tx.success)
	}
	if tx.message != "Number of samples in transaction : 2, number of failing samples : 1" {
		t.Errorf("message %q", tx.message)
	}
	if tx.elapsedMS != 310 || tx.idleMS != 100 {
		t.Errorf("elapsed %d idle %d, want 310 (span minus pause) and 100", tx.elapsedMS, tx.idleMS)
	}
	if tx.bytes != 300 || tx.sentBytes != 110 || tx.latencyMS != 308 || tx.connectMS != 1 {
		t.Errorf("sums bytes %d sent %d latency %d connect %d, want 300 110 308 1", tx.bytes, tx.sentBytes, tx.latencyMS, tx.connectMS)
	}
	if tx.url != "null" || tx.dataType != "" || !tx.start.Equal(t0) || tx.label != labelTransferTx {
		t.Errorf("transaction row %+v", tx)
	}
	good := transactionSample(labelTransferTx, []jtlSample{ok, ok}, end, 0, 5, 5)
	if good.code != "200" || !good.success {
		t.Errorf("passing transaction: code %q success %v, want 200 and true", good.code, good.success)
	}
}

func TestPoolTimeoutTraceOmitsCommonFrames(t *testing.T) {
	chain := poolTimeoutChain("HikariPool-1 - Connection is not available, request timed out after 1000ms (total=10, active=10, idle=0, waiting=3)",
		endpoints[2].frames, true)
	text := formatThrowable(chain)
	lines := strings.Split(text, "\n")
	if !strings.HasPrefix(lines[0], "org.springframework.transaction.CannotCreateTransactionException: ") {
		t.Errorf("first line %q", lines[0])
	}
	// Walk the printed causes and check each omitted count against the frames.
	cause, printed := 0, 0
	for _, line := range lines[1:] {
		switch {
		case strings.HasPrefix(line, "\tat "):
			printed++
		case strings.HasPrefix(line, "\t... "):
			n, err := strconv.Atoi(strings.Fields(line)[1])
			if err != nil {
				t.Fatalf("bad omitted line %q", line)
			}
			if printed+n != len(chain[cause].frames) {
				t.Errorf("cause %d: %d printed + %d omitted != %d frames", cause, printed, n, len(chain[cause].frames))
			}
		case strings.HasPrefix(line, "Caused by: "):
			cause++
			printed = 0
			if want := "Caused by: " + chain[cause].header; line != want {
				t.Errorf("got %q, want %q", line, want)
			}
		default:
			t.Errorf("unexpected trace line %q", line)
		}
	}
	if cause != 2 {
		t.Errorf("printed %d causes, want 2", cause)
	}
	if !strings.Contains(text, "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:") ||
		!strings.Contains(text, "FrameworkServlet.doPost(") {
		t.Error("trace lacks the HikariCP frame or the POST servlet frame")
	}
}

func TestPoolTimesOutAndCounts(t *testing.T) {
	p := newPool(1)
	ctx := context.Background()
	if err := p.acquire(ctx, time.Second); err != nil {
		t.Fatalf("first acquire: %v", err)
	}
	if st := p.stats(); st.active != 1 || st.idle != 0 {
		t.Errorf("stats %+v after one acquire, want active 1 idle 0", st)
	}
	if err := p.acquire(ctx, 20*time.Millisecond); err != errPoolTimeout {
		t.Errorf("second acquire: %v, want errPoolTimeout", err)
	}
	if p.timeouts.Load() != 1 || p.stats().waiting != 0 {
		t.Errorf("timeouts %d waiting %d, want 1 and 0", p.timeouts.Load(), p.stats().waiting)
	}
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- p.acquire(cctx, time.Minute) }()
	deadline := time.Now().Add(2 * time.Second)
	for p.stats().waiting != 1 {
		if time.Now().After(deadline) {
			t.Fatal("waiter never counted as pending")
		}
		time.Sleep(time.Millisecond) // polling a counter: no event to await
	}
	cancel()
	select {
	case err := <-done:
		if err != context.Canceled {
			t.Errorf("cancelled acquire: %v, want context.Canceled", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("cancelled acquire did not return")
	}
	p.release()
	if err := p.acquire(ctx, time.Second); err != nil {
		t.Errorf("acquire after release: %v", err)
	}
}

func TestIncidentWindowBounds(t *testing.T) {
	t0 := time.Unix(1000, 0)
	iw := incidentWindow{start: t0, end: t0.Add(time.Second)}
	for _, tt := range []struct {
		at   time.Duration
		want bool
	}{{-time.Nanosecond, false}, {0, true}, {999 * time.Millisecond, true}, {time.Second, false}} {
		if got := iw.active(t0.Add(tt.at)); got != tt.want {
			t.Errorf("active(start%+v) = %v, want %v", tt.at, got, tt.want)
		}
	}
}

func TestHikariDuration(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{{31*time.Second + 2*time.Millisecond, "31s2ms"}, {62 * time.Second, "1m2s"}, {0, "0ms"}} {
		if got := hikariDuration(tt.d); got != tt.want {
			t.Errorf("hikariDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestDefaultScenarioIsValid(t *testing.T) {
	sc := DefaultScenario()
	if err := sc.validate(); err != nil {
		t.Fatal(err)
	}
	if sc.Name != "pool-exhaustion" || sc.IncidentStart != 30*time.Second || sc.IncidentLength != 30*time.Second {
		t.Errorf("default scenario %+v", sc)
	}
}
