package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Sample labels, as a JMeter test plan would name its samplers.
const (
	labelAccount      = "GET account"
	labelBalance      = "GET balance"
	labelTransactions = "GET transactions"
	labelTransfer     = "POST transfer"
	labelTransferTx   = "Transfer money"
)

// assertionFailure is the first failed assertion of a sample whose response
// code is not 200 (a Response Assertion "code contains 200").
const assertionFailure = "Test failed: code expected to contain /200/"

// scriptStep is one weighted step of a virtual user's loop.
type scriptStep struct {
	weight int
	run    func(g *loadGenerator, ctx context.Context, thread string)
}

// script is what each virtual user repeats, choosing steps by weight.
var script = []scriptStep{
	{30, func(g *loadGenerator, ctx context.Context, thread string) {
		g.record(g.get(ctx, thread, labelAccount, "/api/accounts/"+strconv.Itoa(g.pickAccount())))
	}},
	{30, func(g *loadGenerator, ctx context.Context, thread string) {
		g.record(g.get(ctx, thread, labelBalance, "/api/accounts/"+strconv.Itoa(g.pickAccount())+"/balance"))
	}},
	{20, func(g *loadGenerator, ctx context.Context, thread string) {
		g.record(g.get(ctx, thread, labelTransactions, "/api/transactions?account="+strconv.Itoa(g.pickAccount())))
	}},
	{20, (*loadGenerator).transferMoney},
}

// scriptWeight is the sum of the step weights.
var scriptWeight = func() int {
	n := 0
	for _, s := range script {
		n += s.weight
	}
	return n
}()

// loadGenerator plays JMeter: virtual users in one thread group, ramped up,
// each looping over the script with think times, every finished sample
// written to the JTL.
type loadGenerator struct {
	scenario Scenario
	baseURL  string
	client   *http.Client
	jtl      *jtlWriter
	active   atomic.Int64 // started and not finished virtual users
}

// newLoadGenerator returns a generator aimed at baseURL (http://host:port).
func newLoadGenerator(sc Scenario, baseURL string, jtl *jtlWriter) *loadGenerator {
	transport := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: time.Second}).DialContext,
		MaxIdleConnsPerHost: sc.MaxUsers,
		IdleConnTimeout:     30 * time.Second,
	}
	return &loadGenerator{
		scenario: sc,
		baseURL:  baseURL,
		client:   &http.Client{Transport: transport, Timeout: sc.clientTimeout()},
		jtl:      jtl,
	}
}

// run starts the virtual users (through spawn, which recovers panics) and
// returns at once; ended is closed when ctx ends and every user has stopped.
func (g *loadGenerator) run(ctx context.Context, spawn func(func()), ended chan<- struct{}) {
	var users sync.WaitGroup
	began := time.Now()
	n := g.scenario.MaxUsers
	for i := range n {
		delay := g.scenario.RampUp * time.Duration(i) / time.Duration(n)
		thread := threadGroupName + " 1-" + strconv.Itoa(i+1)
		users.Add(1)
		spawn(func() {
			defer users.Done()
			if !sleepContext(ctx, time.Until(began.Add(delay))) {
				return
			}
			g.active.Add(1)
			defer g.active.Add(-1)
			g.virtualUser(ctx, thread)
		})
	}
	spawn(func() {
		users.Wait()
		g.client.CloseIdleConnections()
		close(ended)
	})
}

// virtualUser loops over the script until ctx ends.
func (g *loadGenerator) virtualUser(ctx context.Context, thread string) {
	for ctx.Err() == nil {
		pick := rand.IntN(scriptWeight)
		for _, step := range script {
			if pick < step.weight {
				step.run(g, ctx, thread)
				break
			}
			pick -= step.weight
		}
		think := g.scenario.ThinkTimeMin
		if spread := g.scenario.ThinkTimeMax - g.scenario.ThinkTimeMin; spread > 0 {
			think += rand.N(spread)
		}
		if !sleepContext(ctx, think) {
			return
		}
	}
}

// transferMoney is the "Transfer money" Transaction Controller: look the
// payer up, pause, post the transfer; then the controller's own row.
func (g *loadGenerator) transferMoney(ctx context.Context, thread string) {
	from := g.pickAccount()
	to := firstAccountID + rand.IntN(accountCount)
	first, ok := g.get(ctx, thread, labelAccount, "/api/accounts/"+strconv.Itoa(from))
	if !ok {
		return
	}
	g.record(first, true)
	pause := transferPauseMin + rand.N(transferPauseMax-transferPauseMin)
	pauseStart := time.Now()
	if !sleepContext(ctx, pause) {
		return
	}
	idle := time.Since(pauseStart)
	amount := float64(rand.IntN(50_000)+100) / 100
	if rand.Float64() < g.scenario.ClientErrorRate {
		amount = -amount
	}
	body := fmt.Sprintf(`{"from":%d,"to":%d,"amount":%.2f}`, from, to, amount)
	second, ok := g.do(ctx, thread, labelTransfer, http.MethodPost, "/api/transfer", []byte(body))
	if !ok {
		return
	}
	g.record(second, true)
	users := int(g.active.Load())
	g.jtl.write(transactionSample(labelTransferTx, []jtlSample{first, second}, time.Now(), idle, users, users))
}

// pickAccount returns a known account, or rarely an unknown one (a 404).
func (g *loadGenerator) pickAccount() int {
	if rand.Float64() < g.scenario.ClientErrorRate {
		return firstAccountID + accountCount + rand.IntN(accountCount)
	}
	return firstAccountID + rand.IntN(accountCount)
}

// record writes a sample if it completed (ok is false when the run stopped
// in the middle of it, as JMeter drops interrupted samples).
func (g *loadGenerator) record(s jtlSample, ok bool) {
	if ok {
		g.jtl.write(s)
	}
}

// get is a GET sample.
func (g *loadGenerator) get(ctx context.Context, thread, label, path string) (jtlSample, bool) {
	return g.do(ctx, thread, label, http.MethodGet, path, nil)
}

// do performs one HTTP sample and describes it as JMeter's HTTP sampler
// would; ok is false if ctx ended during it.
func (g *loadGenerator) do(ctx context.Context, thread, label, method, path string, body []byte) (jtlSample, bool) {
	var connectStart, connectDone, firstByte atomic.Int64 // UnixNano
	trace := &httptrace.ClientTrace{
		ConnectStart:         func(string, string) { connectStart.Store(time.Now().UnixNano()) },
		ConnectDone:          func(string, string, error) { connectDone.Store(time.Now().UnixNano()) },
		GotFirstResponseByte: func() { firstByte.Store(time.Now().UnixNano()) },
	}
	url := g.baseURL + path
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), method, url, reader)
	if err != nil {
		return jtlSample{}, false
	}
	req.Header.Set("User-Agent", clientUserAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	start := time.Now()
	resp, err := g.client.Do(req)
	var received int64
	if err == nil {
		received, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		received += responseHeadBytes(resp)
	}
	end := time.Now()
	if ctx.Err() != nil {
		return jtlSample{}, false
	}

	users := int(g.active.Load())
	s := jtlSample{
		start:      start,
		elapsedMS:  end.UnixMilli() - start.UnixMilli(),
		label:      label,
		thread:     thread,
		dataType:   "text",
		bytes:      received,
		sentBytes:  requestBytes(req, len(body)),
		grpThreads: users,
		allThreads: users,
		url:        url,
	}
	if fb := firstByte.Load(); fb != 0 {
		s.latencyMS = fb/1e6 - start.UnixMilli()
	}
	if cs, cd := connectStart.Load(), connectDone.Load(); cs != 0 && cd >= cs {
		s.connectMS = (cd - cs) / 1e6
	}
	if err != nil {
		s.code, s.message = nonHTTPError(err)
		s.failure = assertionFailure
		return s, true
	}
	s.code = strconv.Itoa(resp.StatusCode)
	s.message = http.StatusText(resp.StatusCode)
	s.success = resp.StatusCode >= 200 && resp.StatusCode < 400
	if resp.StatusCode != http.StatusOK {
		s.failure = assertionFailure
	}
	return s, true
}

// nonHTTPError names a transport failure as JMeter's HTTP sampler does,
// after the Java exception the JVM would have thrown.
func nonHTTPError(err error) (code, message string) {
	var netErr net.Error
	switch {
	case errors.As(err, &netErr) && netErr.Timeout():
		return "Non HTTP response code: java.net.SocketTimeoutException", "Non HTTP response message: Read timed out"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "Non HTTP response code: org.apache.http.conn.HttpHostConnectException",
			"Non HTTP response message: Connect to 127.0.0.1 failed: Connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "Non HTTP response code: java.net.SocketException", "Non HTTP response message: Connection reset"
	default:
		return "Non HTTP response code: org.apache.http.NoHttpResponseException",
			"Non HTTP response message: The target server failed to respond"
	}
}

// responseHeadBytes is the size of the status line and headers as received.
func responseHeadBytes(resp *http.Response) int64 {
	var c byteCounter
	fmt.Fprintf(&c, "HTTP/%d.%d %s\r\n", resp.ProtoMajor, resp.ProtoMinor, resp.Status)
	_ = resp.Header.Write(&c)
	return c.n + 2
}

// requestBytes is the size of the request as sent on the wire.
func requestBytes(req *http.Request, bodyLen int) int64 {
	var c byteCounter
	fmt.Fprintf(&c, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.Method, req.URL.RequestURI(), req.URL.Host)
	_ = req.Header.Write(&c)
	if bodyLen > 0 {
		fmt.Fprintf(&c, "Content-Length: %d\r\n", bodyLen)
	}
	fmt.Fprintf(&c, "Accept-Encoding: gzip\r\n\r\n")
	return c.n + int64(bodyLen)
}

// byteCounter counts what is written to it.
type byteCounter struct{ n int64 }

// Write counts p.
func (c *byteCounter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
