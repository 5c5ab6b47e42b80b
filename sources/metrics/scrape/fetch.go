package scrape

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sobang/sobang/sources"
)

// Accept headers (as Prometheus and prom2json send them). Protobuf first: expfmt
// decodes it 4-20 times faster than text and it is the only format that
// carries native histograms. OpenMetrics is not asked for: expfmt's
// OpenMetrics decoder (common v0.73) rejects whole scrapes that Prometheus
// accepts, and is slow (see scrape).
const (
	acceptDefault = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6," +
		"text/plain;version=0.0.4;q=0.3,*/*;q=0.1"
	acceptText = "text/plain;version=0.0.4"
)

// maxBody caps a scrape body after decompression, as Prometheus'
// body_size_limit does; larger bodies fail the scrape.
const maxBody = 64 << 20

// keptBuffer is the largest body buffer kept between scrapes.
const keptBuffer = 8 << 20

// Format names shown in Health.Format.
const (
	formatText        = "Prometheus text"
	formatProtobuf    = "protobuf"
	formatOpenMetrics = "OpenMetrics"
)

// fetcher performs scrapes of one URL, one at a time.
type fetcher struct {
	client    *http.Client
	url       string
	timeout   time.Duration
	userAgent string
	maxBody   int

	// textOnly is set once the target answered OpenMetrics: every request
	// after that asks for text 0.0.4 only (see scrape).
	textOnly bool

	body bytes.Buffer
	gz   *gzip.Reader
	conv converter
}

// scrapeError is a failed scrape, with the short reason the pane shows.
type scrapeError struct {
	reason string
	err    error
}

func (e *scrapeError) Error() string { return e.reason }
func (e *scrapeError) Unwrap() error { return e.err }

func failf(err error, format string, args ...any) *scrapeError {
	return &scrapeError{reason: fmt.Sprintf(format, args...), err: err}
}

// scrape fetches and decodes the URL once. It returns the samples and the
// name of the format the target answered in. Errors are *scrapeError unless
// ctx itself ended.
func (f *fetcher) scrape(ctx context.Context) ([]sources.MetricSample, string, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()

	accept := acceptDefault
	if f.textOnly {
		accept = acceptText
	}
	header, err := f.fetch(ctx, accept)
	if err != nil {
		return nil, "", err
	}
	if isOpenMetrics(header) && !f.textOnly {
		// We never ask for OpenMetrics; a target that answers it anyway
		// (to */*) is asked again, for text only, now and from then on.
		// expfmt's OpenMetrics decoder (common v0.73) fails a whole scrape
		// on one line Prometheus accepts, and is slow: measured 1-2 s for
		// its first use in a process, then about 6 ms per line (0.26 s for
		// the corpus' 42-line, 4 KB histogram page; node_exporter's page,
		// which the text parser reads whole in 67 ms, fails at line 80
		// after 0.7 s). So the retry a strict decoder calls for after a failed
		// OpenMetrics decode is made before decoding: a target that
		// speaks only OpenMetrics answers it again and is decoded as such.
		f.textOnly = true
		if header, err = f.fetch(ctx, acceptText); err != nil {
			return nil, "", err
		}
	}
	families, format, err := f.decode(header)
	f.release()
	if err != nil {
		return nil, format, err
	}
	return f.conv.convert(nil, families), format, nil
}

// fetch GETs the URL into f.body and returns the response header.
func (f *fetcher) fetch(ctx context.Context, accept string) (http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.url, nil)
	if err != nil {
		return nil, failf(err, "bad URL: %v", err)
	}
	req.Header.Set("Accept", accept)
	// Set by hand, so the transport does not decompress on its own: this
	// works with any client, including common/config's, which disables
	// compression.
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", strconv.FormatFloat(f.timeout.Seconds(), 'f', -1, 64))

	resp, err := f.client.Do(req)
	if err != nil {
		return nil, f.describe(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Read a little, so the connection can be reused and an API
		// answer recognised.
		head, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		if isPrometheus(resp.Header, head) {
			return nil, failf(nil, "HTTP %d %s: %s", resp.StatusCode, http.StatusText(resp.StatusCode), prometheusHint)
		}
		return nil, failf(nil, "HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}

	var body io.Reader = resp.Body
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		if f.gz == nil {
			f.gz, err = gzip.NewReader(resp.Body)
		} else {
			err = f.gz.Reset(resp.Body)
		}
		if err != nil {
			return nil, f.describeRead(ctx, err, "gzip: ")
		}
		body = f.gz
	default:
		return nil, failf(nil, "%s", sources.Expected("Content-Encoding", "gzip or none", enc))
	}

	f.body.Reset()
	n, err := f.body.ReadFrom(io.LimitReader(body, int64(f.maxBody)+1))
	if err != nil {
		prefix := ""
		if body == f.gz {
			prefix = "gzip: "
		}
		return nil, f.describeRead(ctx, err, prefix)
	}
	if n > int64(f.maxBody) {
		return nil, failf(nil, "body larger than %s", byteSize(f.maxBody))
	}
	return resp.Header, nil
}

// prometheusHint is the reason of a scrape that reached a Prometheus
// server (its UI or its HTTP API) instead of a /metrics page.
const prometheusHint = "this is a Prometheus server, not a /metrics page: read it with --prom URL"

// isPrometheus reports whether an answer is a Prometheus server's UI (an
// HTML page naming Prometheus) or an answer of its HTTP API (JSON with a
// status), which a user gave as a target to scrape.
func isPrometheus(h http.Header, body []byte) bool {
	mediaType, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	head := body[:min(len(body), 4<<10)]
	switch mediaType {
	case "text/html":
		return bytes.Contains(head, []byte("<title>Prometheus"))
	case "application/json":
		return bytes.HasPrefix(bytes.TrimSpace(head), []byte(`{"status":`))
	}
	return false
}

// isOpenMetrics reports an OpenMetrics answer, of any version.
func isOpenMetrics(h http.Header) bool {
	mediaType, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	return mediaType == expfmt.OpenMetricsType
}

// decode decodes f.body in the format the header announces, and names it.
func (f *fetcher) decode(h http.Header) (families []*dto.MetricFamily, format string, err error) {
	var decodeFormat expfmt.Format
	switch {
	case isOpenMetrics(h):
		format = formatOpenMetrics
		decodeFormat = expfmt.ResponseFormat(h)
		if decodeFormat.FormatType() != expfmt.TypeOpenMetrics {
			return nil, format, failf(nil, "%s", sources.Expected("Content-Type", "a version of OpenMetrics this reader knows", h.Get("Content-Type")))
		}
	case expfmt.ResponseFormat(h).FormatType() == expfmt.TypeProtoDelim:
		format = formatProtobuf
		decodeFormat = expfmt.FmtProtoDelim
		if err := checkDelimited(f.body.Bytes()); err != nil {
			return nil, format, failf(err, "protobuf: %v", err)
		}
	case isPrometheus(h, f.body.Bytes()):
		return nil, "", failf(nil, "%s", prometheusHint)
	default:
		// text/plain of any version (Prometheus 3 serves 1.0.0, which
		// ResponseFormat calls unknown), and anything unlabelled.
		format = formatText
		decodeFormat = expfmt.FmtText
	}
	// ResponseFormat drops the escaping term; without NoEscaping the
	// decoder validates legacy names and fails on UTF-8 ones.
	dec := expfmt.NewDecoder(bytes.NewReader(f.body.Bytes()), decodeFormat.WithEscapingScheme(model.NoEscaping))
	for {
		mf := new(dto.MetricFamily)
		err := dec.Decode(mf)
		if errors.Is(err, io.EOF) {
			return families, format, nil
		}
		if err != nil {
			return nil, format, decodeError(err, format)
		}
		families = append(families, mf)
	}
}

// checkDelimited checks that every length prefix of a length-delimited
// protobuf body fits in the body. expfmt's decoder (protodelim, MaxSize
// unlimited) allocates whatever a prefix claims before reading: four 0xff
// bytes of garbage made it allocate 8 GB.
func checkDelimited(b []byte) error {
	for i := 0; i < len(b); {
		n, k := binary.Uvarint(b[i:])
		if k <= 0 {
			return fmt.Errorf("bad length prefix at byte %d", i)
		}
		i += k
		if n > uint64(len(b)-i) {
			return fmt.Errorf("message at byte %d claims %d bytes, %d are left", i, n, len(b)-i)
		}
		i += int(n)
	}
	return nil
}

// release drops a huge body buffer so that one big scrape does not pin its
// memory for the life of the source.
func (f *fetcher) release() {
	if f.body.Cap() > keptBuffer {
		f.body = bytes.Buffer{}
	}
}

func decodeError(err error, format string) *scrapeError {
	var perr expfmt.ParseError
	if errors.As(err, &perr) {
		return failf(err, "%s", sources.At("", perr.Line, shorten(perr.Msg)))
	}
	return failf(err, "%s: %s", format, shorten(err.Error()))
}

// describe turns a transport error into a short reason.
func (f *fetcher) describe(ctx context.Context, err error) error {
	if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ctx.Err() // the source is stopping
	}
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return failf(err, "timeout after %s", ShortDuration(f.timeout))
	case errors.Is(err, syscall.ECONNREFUSED):
		return failf(err, "connection refused")
	case errors.Is(err, syscall.ECONNRESET):
		return failf(err, "connection reset")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return failf(err, "connection closed before a response")
	case errors.As(err, &dnsErr):
		return failf(err, "cannot resolve %s: %s", dnsErr.Name, dnsErr.Err)
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		err = opErr.Err
	}
	return failf(err, "%s", shorten(err.Error()))
}

// describeRead describes an error while reading the body.
func (f *fetcher) describeRead(ctx context.Context, err error, prefix string) error {
	if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ctx.Err()
	}
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout() {
		return failf(err, "timeout after %s", ShortDuration(f.timeout))
	}
	return failf(err, "%s%s", prefix, shorten(err.Error()))
}

// shorten keeps an error message to one line of reasonable length.
func shorten(s string) string {
	const maxRunes = 160
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	r := []rune(s)
	if len(r) > maxRunes {
		return string(r[:maxRunes-1]) + "…"
	}
	return s
}

// ShortDuration formats d the way people write intervals: 1s, 900ms,
// 1m30s, 2m (not 2m0s); every metrics source's health says its intervals
// with it.
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func byteSize(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// userAgent is "sobang/<module version>", or "sobang/dev" in a build
// without one (go run, go build in the repository).
func userAgent() string {
	version := "dev"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		version = info.Main.Version
	}
	return "sobang/" + version
}
