package demo

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// requestBuckets approximate the SLO boundaries a Spring Boot service would
// configure for http.server.requests (management.metrics.distribution.slo).
var requestBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// serviceMetrics are the service's Micrometer-style series, on a registry of
// their own so nothing leaks into (or from) the process-global one.
type serviceMetrics struct {
	registry *prometheus.Registry
	requests *prometheus.HistogramVec
	acquire  prometheus.Summary
}

// newServiceMetrics registers the HTTP, HikariCP, Tomcat, build, Go and
// process collectors, and the fraud-check executor's where there is one.
func newServiceMetrics(s *service) *serviceMetrics {
	p := s.pool
	reg := prometheus.NewRegistry()
	m := &serviceMetrics{
		registry: reg,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_server_requests_seconds",
			Help:    "Duration of HTTP server request handling",
			Buckets: requestBuckets,
		}, []string{"method", "uri", "status", "outcome", "exception"}),
		acquire: prometheus.NewSummary(prometheus.SummaryOpts{
			Name:        "hikaricp_connections_acquire_seconds",
			Help:        "Connection acquire time",
			ConstLabels: prometheus.Labels{"pool": poolName},
		}),
	}
	poolLabel := prometheus.Labels{"pool": poolName}
	gauge := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: poolLabel}, f)
	}
	reg.MustRegister(
		m.requests,
		m.acquire,
		gauge("hikaricp_connections_active", "Active connections", func() float64 { return float64(p.stats().active) }),
		gauge("hikaricp_connections_idle", "Idle connections", func() float64 { return float64(p.stats().idle) }),
		gauge("hikaricp_connections_pending", "Pending threads", func() float64 { return float64(p.stats().waiting) }),
		gauge("hikaricp_connections", "Total connections", func() float64 { return float64(p.size) }),
		gauge("hikaricp_connections_max", "Max connections", func() float64 { return float64(p.size) }),
		gauge("hikaricp_connections_min", "Min connections", func() float64 { return float64(p.size) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "hikaricp_connections_timeout_total",
			Help:        "Connection timeout total count",
			ConstLabels: poolLabel,
		}, func() float64 { return float64(p.timeouts.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "tomcat_threads_busy_threads", Help: "Busy Tomcat threads", ConstLabels: prometheus.Labels{"name": "http-nio-" + strconv.Itoa(s.port)},
		}, func() float64 { return float64(s.busy.Load()) }),
		buildInfo{
			desc:    prometheus.NewDesc("bank_service_build_info", "The deployed build", []string{"version"}, nil),
			version: func() string { return s.version(time.Now()) },
		},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if d := s.downstream; d != nil {
		executor := prometheus.Labels{"name": fraudExecutorName}
		reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "executor_active_threads", Help: "Active threads", ConstLabels: executor},
				func() float64 { return float64(d.active.Load()) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "executor_queued_tasks", Help: "Queued tasks", ConstLabels: executor},
				func() float64 { return float64(d.queued.Load()) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "executor_pool_max_threads", Help: "Maximum threads", ConstLabels: executor},
				func() float64 { return float64(cap(d.workers)) }),
		)
	}
	return m
}

// observeRequest records one request as Micrometer's http.server.requests.
func (m *serviceMetrics) observeRequest(method, uri string, status int, exception string, d time.Duration) {
	m.requests.WithLabelValues(method, uri, strconv.Itoa(status), outcome(status), exception).Observe(d.Seconds())
}

// outcome is Micrometer's Outcome for an HTTP status.
func outcome(status int) string {
	switch {
	case status < 200:
		return "INFORMATIONAL"
	case status < 300:
		return "SUCCESS"
	case status < 400:
		return "REDIRECTION"
	case status < 500:
		return "CLIENT_ERROR"
	default:
		return "SERVER_ERROR"
	}
}
