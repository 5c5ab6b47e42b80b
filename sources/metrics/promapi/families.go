package promapi

import (
	"path"
	"slices"
	"strings"

	"github.com/sobang/sobang/sources"
)

// Families are the metric names charted without a query: request rate,
// errors and latency, JVM memory and GC, connection pools, thread pools,
// caches, the Go runtime, the process's CPU, memory and restarts, and
// info metrics whose labels name a version. Patterns are path.Match
// globs on the name as the server holds it; a histogram's or summary's
// family matches by its base name.
var Families = []string{
	"up",
	// Requests: Micrometer, client_golang, OpenTelemetry's exporters.
	"http_server_requests_seconds*", "http_server_requests_total", "http_server_request_duration_seconds*",
	"http_request_duration_seconds*", "http_requests_total", "http_server_duration*",
	"*_http_request_duration_seconds*", "*_http_requests_total",
	// JVM.
	"jvm_memory_used_bytes", "jvm_memory_max_bytes", "jvm_memory_committed_bytes",
	"jvm_gc_pause_seconds*", "jvm_gc_collection_seconds*", "jvm_threads_live_threads", "jvm_threads_states_threads",
	// Connection pools: HikariCP, then the same shape for others.
	"hikaricp_connections*", "jdbc_connections_*", "*_pool_active*", "*_pool_idle*", "*_pool_max*", "*_pool_pending*",
	// Thread pools and caches.
	"executor_active_threads", "executor_pool_size_threads", "executor_pool_max_threads", "executor_queued_tasks",
	"tomcat_threads_busy_threads", "tomcat_threads_config_max_threads",
	"cache_gets_total", "cache_size", "cache_evictions_total",
	// Go runtime.
	"go_goroutines", "go_memstats_heap_alloc_bytes", "go_gc_duration_seconds*",
	// The process.
	"process_cpu_seconds_total", "process_cpu_usage", "system_cpu_usage", "process_resident_memory_bytes",
	"process_start_time_seconds", "process_open_fds",
	// Versions: a label change is a new version.
	"*_build_info", "*_info",
}

// MaxAutoNames bounds the metric names chosen without a query.
const MaxAutoNames = 60

// choose returns the names among names that belong to Families, in the
// order of names (sorted by the server), at most MaxAutoNames. A
// histogram's _bucket, _count and _sum come together.
func choose(names []string) []string {
	var out []string
	for _, n := range names {
		if len(out) >= MaxAutoNames {
			break
		}
		if wanted(n) {
			out = append(out, n)
		}
	}
	return out
}

func wanted(name string) bool {
	base := name
	for _, s := range []string{"_bucket", "_count", "_sum", "_created"} {
		if b, ok := strings.CutSuffix(name, s); ok {
			if s == "_created" {
				return false // a counter's start, not a value to chart
			}
			base = b
			break
		}
	}
	return slices.ContainsFunc(Families, func(p string) bool {
		ok1, _ := path.Match(p, name)
		ok2, _ := path.Match(p, base)
		return ok1 || ok2
	})
}

// metricType maps /api/v1/metadata's type words.
func metricType(s string) (sources.MetricType, bool) {
	switch s {
	case "counter":
		return sources.MetricCounter, true
	case "gauge", "info", "stateset":
		return sources.MetricGauge, true
	case "histogram", "gaugehistogram":
		return sources.MetricHistogram, true
	case "summary":
		return sources.MetricSummary, true
	}
	return 0, false
}

// selector names the series of metric name scoped by match, a --match
// series selector ({job="api"} or name{...}, whose labels are taken):
// name{job="api"} as a user writes it (the report lists it), or
// {__name__="name",job="api"} for a name that is not a legacy Prometheus
// name.
func selector(name, match string) string {
	inner := ""
	if i := strings.IndexByte(match, '{'); i >= 0 {
		inner = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(match[i+1:]), "}"))
	}
	if legacyName(name) {
		if inner == "" {
			return name
		}
		return name + "{" + inner + "}"
	}
	q := `{__name__=` + quote(name)
	if inner != "" {
		q += "," + inner
	}
	return q + "}"
}

// legacyName reports whether name may be written bare in PromQL
// ([a-zA-Z_:][a-zA-Z0-9_:]*), and is not a keyword that would read as
// something else.
func legacyName(name string) bool {
	if name == "" {
		return false
	}
	switch strings.ToLower(name) {
	case "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless", "inf", "nan", "start", "end", "atan2":
		return false
	}
	for i, c := range name {
		letter := c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// quote quotes s as a PromQL string.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
