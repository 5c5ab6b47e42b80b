package promapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/sobang/sobang/sources"
)

// maxBody bounds one answer: 50 series of 11,000 points are about 30 MB.
const maxBody = 256 << 20

// envelope is what every /api/v1 answer holds around its data.
type envelope struct {
	Status    string          `json:"status"`
	ErrorType string          `json:"errorType"`
	Error     string          `json:"error"`
	Warnings  []string        `json:"warnings"`
	Infos     []string        `json:"infos"`
	Data      json.RawMessage `json:"data"`
}

// client speaks the HTTP API of one Prometheus-compatible server with GET
// requests (which every such server answers, and a read-only proxy lets
// through).
type client struct {
	base    string // the server's URL without a trailing slash
	http    *http.Client
	timeout time.Duration // of one request
}

// answer is one successful answer: its whole body and its data.
type answer struct {
	body     []byte
	data     json.RawMessage
	warnings []string // the server's warnings and infos, worded for the user
}

// get asks path with params. An error answer is returned as an error
// holding the server's own message; a body that is not an API answer (a
// proxy's page, garbage) as an error saying what came instead.
func (c *client) get(ctx context.Context, path string, params url.Values) (*answer, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u := c.base + path
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return nil, fmt.Errorf("no answer within %v", c.timeout)
		}
		return nil, describe(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return nil, fmt.Errorf("no whole answer within %v", c.timeout)
		}
		return nil, fmt.Errorf("reading the answer: %v", err)
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("the answer is larger than %d MB", maxBody>>20)
	}
	var env envelope
	if jerr := json.Unmarshal(body, &env); jerr != nil || env.Status == "" {
		if resp.StatusCode/100 != 2 {
			return nil, fmt.Errorf("HTTP %s: %s", resp.Status, sources.Quote(firstLine(body)))
		}
		return nil, errors.New(sources.Expected("the answer", "a Prometheus API answer (JSON with a status)", firstLine(body)))
	}
	var warns []string
	for _, w := range env.Warnings {
		warns = append(warns, "Prometheus warned: "+w)
	}
	for _, w := range env.Infos {
		warns = append(warns, "Prometheus noted: "+w)
	}
	if env.Status != "success" {
		msg := env.Error
		if env.ErrorType != "" {
			msg = env.ErrorType + ": " + msg
		}
		return &answer{warnings: warns}, &serverError{msg}
	}
	return &answer{body: body, data: env.Data, warnings: warns}, nil
}

// serverError is an error answer of the server, in its own words.
type serverError struct{ msg string }

func (e *serverError) Error() string { return "the server answered: " + e.msg }

// firstLine is the first line of a body, for an error (which quotes and
// clips it).
func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// apiTime formats t as the API's float seconds.
func apiTime(t time.Time) string {
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		return fmt.Sprintf("%d", ms/1000)
	}
	return fmt.Sprintf("%d.%03d", ms/1000, ms%1000)
}

// apiDuration formats a step as the API's float seconds.
func apiDuration(d time.Duration) string {
	return apiTime(time.UnixMilli(d.Milliseconds()))
}

// describe turns a transport error into a short reason: the URL is the
// source's name already, and the pane's line is narrow.
func describe(err error) error {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return errors.New("connection refused")
	case errors.Is(err, syscall.ECONNRESET):
		return errors.New("connection reset")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("connection closed before an answer")
	case errors.As(err, &dnsErr):
		return fmt.Errorf("cannot resolve %s: %s", dnsErr.Name, dnsErr.Err)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		err = opErr.Err
	}
	return err
}
