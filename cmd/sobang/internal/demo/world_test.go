package demo

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// compressedScenario is the default incident squeezed into a few seconds.
func compressedScenario() Scenario {
	return Scenario{
		Name:              "pool-exhaustion-compressed",
		IncidentStart:     2 * time.Second,
		IncidentLength:    3 * time.Second,
		BaseDBLatency:     2 * time.Millisecond,
		BaseDBJitter:      5 * time.Millisecond,
		IncidentDBLatency: time.Second,
		PoolSize:          3,
		AcquireTimeout:    300 * time.Millisecond,
		MaxUsers:          8,
		RampUp:            500 * time.Millisecond,
		ThinkTimeMin:      50 * time.Millisecond,
		ThinkTimeMax:      150 * time.Millisecond,
		ClientTimeout:     1500 * time.Millisecond,
	}
}

// failOnPanic reports a recovered goroutine panic as a test failure.
func failOnPanic(t *testing.T) func(any, []byte) {
	return func(v any, stack []byte) { t.Errorf("panic in demo goroutine: %v\n%s", v, stack) }
}

// springHeader matches the start of a Spring Boot 3 file log entry.
var springHeader = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|[+-]\d{2}:\d{2})) (TRACE|DEBUG| INFO| WARN|ERROR) \d+ --- \[bank-service\] \[[^\]]+\] .{40} : `)

func TestWorldPlaysIncident(t *testing.T) {
	t.Parallel()
	sc := compressedScenario()
	const duration = 6500 * time.Millisecond
	start := time.Now()
	w, err := Start(context.Background(), Config{
		Dir: t.TempDir(), Duration: duration, Scenario: sc, Start: start, OnPanic: failOnPanic(t),
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { w.Close() })
	incidentStart := start.Add(sc.IncidentStart)
	incidentEnd := incidentStart.Add(sc.IncidentLength)

	// The log must show an ERROR within 5 s of the incident's start while
	// the world runs (not only after Close flushes).
	firstError := waitFirstError(t, w.LogPath(), incidentStart.Add(6*time.Second))
	if d := firstError.Sub(incidentStart); d < 0 || d > 5*time.Second {
		t.Errorf("first ERROR at %v after the incident start, want within [0, 5s]", d)
	}

	select {
	case <-w.LoadEnded():
		if early := time.Until(start.Add(duration)); early > 50*time.Millisecond {
			t.Errorf("LoadEnded closed %v before Duration elapsed", early)
		}
	case <-time.After(time.Until(start.Add(duration + 3*time.Second))):
		t.Fatal("LoadEnded not closed 3 s after Duration elapsed")
	}

	// The service keeps answering after the load ends.
	text, families := scrapeText(t, w.MetricsURL())
	for _, want := range []string{
		"http_server_requests_seconds_bucket", "hikaricp_connections_active", "hikaricp_connections_pending",
		"hikaricp_connections_timeout_total", "go_goroutines",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics text has no %q", want)
		}
	}
	for _, name := range []string{
		"http_server_requests_seconds", "hikaricp_connections_active", "hikaricp_connections_idle",
		"hikaricp_connections_pending", "hikaricp_connections_max", "hikaricp_connections_timeout_total",
		"go_goroutines",
	} {
		if families[name] == nil {
			t.Errorf("/metrics has no %s", name)
		}
	}
	if tf := families["hikaricp_connections_timeout_total"]; tf != nil {
		if v := tf.GetMetric()[0].GetCounter().GetValue(); v <= 0 {
			t.Errorf("hikaricp_connections_timeout_total = %v after the incident, want > 0", v)
		}
	}
	if hf := families["http_server_requests_seconds"]; hf != nil {
		checkRequestLabels(t, hf)
	}

	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	checkJTL(t, w.JTLPath(), sc, incidentStart, incidentEnd)
	checkLog(t, w.LogPath())
}

// waitFirstError polls the log until an ERROR entry appears or deadline.
func waitFirstError(t *testing.T, path string, deadline time.Time) time.Time {
	t.Helper()
	for {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("reading log: %v", err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			m := springHeader.FindStringSubmatch(line)
			if m != nil && m[2] == "ERROR" {
				ts, err := time.Parse(springTimeLayout, m[1])
				if err != nil {
					t.Fatalf("ERROR timestamp %q: %v", m[1], err)
				}
				return ts
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no ERROR entry in the log by %v", deadline.Format(time.TimeOnly))
		}
		time.Sleep(50 * time.Millisecond) // polling a file: no event to await
	}
}

// scrape fetches and parses the text exposition.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	_, families := scrapeText(t, url)
	return families
}

// scrapeText fetches the text exposition and parses it.
func scrapeText(t *testing.T, url string) (string, map[string]*dto.MetricFamily) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading /metrics: %v", err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	return string(body), families
}

// checkRequestLabels checks the Micrometer label set and that 503s were recorded.
func checkRequestLabels(t *testing.T, f *dto.MetricFamily) {
	t.Helper()
	saw503 := false
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for _, name := range []string{"method", "uri", "status", "outcome", "exception"} {
			if _, ok := labels[name]; !ok {
				t.Errorf("http_server_requests_seconds series %v lacks label %q", labels, name)
			}
		}
		if strings.ContainsAny(labels["uri"], "0123456789") {
			t.Errorf("uri label %q is not a template", labels["uri"])
		}
		if labels["status"] == "503" {
			saw503 = true
			if labels["outcome"] != "SERVER_ERROR" || labels["exception"] != "CannotCreateTransactionException" {
				t.Errorf("503 series labels = %v, want outcome SERVER_ERROR, exception CannotCreateTransactionException", labels)
			}
		}
	}
	if !saw503 {
		t.Error("no status=\"503\" series in http_server_requests_seconds")
	}
}

// checkJTL parses the JTL and checks its rows against the incident window.
func checkJTL(t *testing.T, path string, sc Scenario, incidentStart, incidentEnd time.Time) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatalf("reading JTL header: %v", err)
	}
	if got := strings.Join(header, ","); got != jtlHeader {
		t.Fatalf("JTL header = %q, want %q", got, jtlHeader)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("parsing JTL: %v", err)
	}
	labels := map[string]int{}
	// A 503 needs a request that waited on a pool starved by the incident:
	// it cannot start before the incident, nor after its last slow query.
	earliest503 := incidentStart.Add(-sc.AcquireTimeout)
	latest503 := incidentEnd.Add(sc.IncidentDBLatency + sc.IncidentDBJitter + sc.AcquireTimeout)
	var n503, okBefore, tx int
	for i, row := range rows {
		get := func(name string) string { return row[col[name]] }
		labels[get("label")]++
		ms, err := strconv.ParseInt(get("timeStamp"), 10, 64)
		if err != nil {
			t.Fatalf("row %d: timeStamp %q: %v", i+2, get("timeStamp"), err)
		}
		ts := time.UnixMilli(ms)
		success := get("success") == "true"
		if strings.HasPrefix(get("responseMessage"), "Number of samples in transaction") {
			tx++
			if get("label") != labelTransferTx || get("URL") != "null" || get("dataType") != "" {
				t.Errorf("row %d: transaction row %v, want label %q, URL null, empty dataType", i+2, row, labelTransferTx)
			}
			if (get("responseCode") == "200") != success {
				t.Errorf("row %d: transaction responseCode %q with success %v", i+2, get("responseCode"), success)
			}
			continue
		}
		switch code := get("responseCode"); code {
		case "503":
			n503++
			if success || get("responseMessage") != "Service Unavailable" {
				t.Errorf("row %d: 503 with success=%v message %q", i+2, success, get("responseMessage"))
			}
			if ts.Before(earliest503) || ts.After(latest503) {
				t.Errorf("row %d: 503 at %v from the incident start, outside [%v, %v]", i+2,
					ts.Sub(incidentStart), earliest503.Sub(incidentStart), latest503.Sub(incidentStart))
			}
		case "200":
			if !success || get("responseMessage") != "OK" || get("failureMessage") != "" {
				t.Errorf("row %d: 200 row %v", i+2, row)
			}
			if ts.Before(incidentStart) {
				okBefore++
			}
		case "400", "404":
			// Only with background client errors: without them the run
			// is clean until the incident, whose first second is then an
			// error onset.
			if sc.ClientErrorRate == 0 {
				t.Errorf("row %d: client error %s without a client-error rate", i+2, code)
			}
		default:
			if ts.Before(incidentStart) {
				t.Errorf("row %d: unexpected response %q before the incident", i+2, code)
			}
		}
	}
	for _, l := range []string{labelAccount, labelBalance, labelTransactions, labelTransfer, labelTransferTx} {
		if labels[l] == 0 {
			t.Errorf("JTL has no %q rows; labels: %v", l, labels)
		}
	}
	if n503 == 0 {
		t.Error("JTL has no 503 rows")
	}
	if okBefore < 20 {
		t.Errorf("JTL has %d successful rows before the incident, want at least 20", okBefore)
	}
	if tx == 0 {
		t.Error("JTL has no transaction rows")
	}
	t.Logf("JTL: %d rows, %d transactions, %d 503s, labels %v", len(rows), tx, n503, labels)
}

// checkLog checks entries, continuation lines and the stack trace shape.
func checkLog(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var levels = map[string]int{}
	inError, tracedError, started := false, false, false
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if m := springHeader.FindStringSubmatch(line); m != nil {
			levels[strings.TrimSpace(m[2])]++
			inError = m[2] == "ERROR"
			started = started || strings.Contains(line, "Started BankApplication in ")
			continue
		}
		switch {
		case line == "":
		case strings.HasPrefix(line, "\tat "):
			if inError {
				tracedError = true
			}
		case strings.HasPrefix(line, "\t... ") && strings.HasSuffix(line, " common frames omitted"):
		case strings.HasPrefix(line, "Caused by: "), strings.HasPrefix(line, "org.springframework."):
		default:
			t.Errorf("log line %d is neither an entry nor a stack trace line: %q", n, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if !started {
		t.Error("log has no \"Started BankApplication in\" line")
	}
	if !tracedError {
		t.Error("no ERROR entry followed by \\tat stack lines")
	}
	for _, l := range []string{"INFO", "WARN", "ERROR"} {
		if levels[l] == 0 {
			t.Errorf("log has no %s entries: %v", l, levels)
		}
	}
}

func TestCloseMidIncidentIsPrompt(t *testing.T) {
	t.Parallel()
	sc := Scenario{
		Name: "stuck", IncidentStart: 0, IncidentLength: time.Minute,
		BaseDBLatency: time.Millisecond, IncidentDBLatency: 5 * time.Second,
		PoolSize: 2, AcquireTimeout: 3 * time.Second,
		MaxUsers: 6, ThinkTimeMin: 10 * time.Millisecond, ThinkTimeMax: 20 * time.Millisecond,
		ClientTimeout: 10 * time.Second,
	}
	w, err := Start(context.Background(), Config{Dir: t.TempDir(), Scenario: sc, OnPanic: failOnPanic(t)})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { w.Close() })

	// Wait until requests hold every connection and others are queued.
	deadline := time.Now().Add(5 * time.Second)
	for {
		fams := scrape(t, w.MetricsURL())
		if p := fams["hikaricp_connections_pending"]; p != nil && p.GetMetric()[0].GetGauge().GetValue() > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no request pending on the pool after 5 s")
		}
		time.Sleep(20 * time.Millisecond) // polling a gauge: no event to await
	}

	began := time.Now()
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if took := time.Since(began); took > closeBudget {
		t.Errorf("Close took %v mid-incident, want <= %v", took, closeBudget)
	}
	select {
	case <-w.LoadEnded():
	default:
		t.Error("LoadEnded not closed after Close")
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	data, err := os.ReadFile(w.LogPath())
	if err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 || data[len(data)-1] != '\n' {
		t.Error("log file does not end with a complete line after Close")
	}
	client := &http.Client{Timeout: time.Second}
	if resp, err := client.Get(w.MetricsURL()); err == nil {
		resp.Body.Close()
		t.Error("service still answers after Close")
	}
}

func TestLoadEndsAtOnceWhenDurationAlreadyElapsed(t *testing.T) {
	t.Parallel()
	sc := compressedScenario()
	w, err := Start(context.Background(), Config{
		Dir: t.TempDir(), Duration: time.Second, Scenario: sc,
		Start: time.Now().Add(-2 * time.Second), OnPanic: failOnPanic(t),
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer w.Close()
	select {
	case <-w.LoadEnded():
	case <-time.After(2 * time.Second):
		t.Fatal("LoadEnded not closed although Duration had already elapsed")
	}
	// The service still answers.
	scrape(t, w.MetricsURL())
}

func TestCancelledContextStopsWorld(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	w, err := Start(ctx, Config{Dir: t.TempDir(), Scenario: compressedScenario(), OnPanic: failOnPanic(t)})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer w.Close()
	cancel()
	select {
	case <-w.LoadEnded():
	case <-time.After(2 * time.Second):
		t.Fatal("LoadEnded not closed after the context was cancelled")
	}
}

func TestStartRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no dir", Config{}, "Config.Dir is empty"},
		{"negative duration", Config{Dir: t.TempDir(), Duration: -time.Second}, "Duration must be >= 0"},
		{"no pool", Config{Dir: t.TempDir(), Scenario: Scenario{Name: "x", AcquireTimeout: time.Second, MaxUsers: 1}}, "PoolSize must be > 0"},
		{"think times", Config{Dir: t.TempDir(), Scenario: Scenario{Name: "x", PoolSize: 1, AcquireTimeout: time.Second, MaxUsers: 1, ThinkTimeMin: 2, ThinkTimeMax: 1}}, "ThinkTimeMin <= ThinkTimeMax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := Start(context.Background(), tt.cfg)
			if err == nil {
				w.Close()
				t.Fatalf("Start succeeded, want error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestGoSafeReportsPanics(t *testing.T) {
	got := make(chan string, 1)
	w := &World{cfg: Config{OnPanic: func(v any, stack []byte) {
		got <- fmt.Sprint(v) + "|" + strconv.FormatBool(len(stack) > 0)
	}}}
	w.goSafe(func() { panic("boom") })
	w.wg.Wait()
	select {
	case s := <-got:
		if s != "boom|true" {
			t.Errorf("OnPanic got %q, want value boom with a stack", s)
		}
	default:
		t.Fatal("OnPanic not called")
	}
}
