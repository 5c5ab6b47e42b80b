// Package config reads sobang's configuration file: settings that would
// otherwise be repeated on every command line. The file is
// os.UserConfigDir()/sobang/config.toml (beside the user's themes), or the
// one --config names:
//
//	[loadtest]
//	label_map = ['^GET /users/[0-9]+$=GET /users/{id}']  # as --label-map, before the flags' rules
//	apdex = "500ms:1500ms"                                 # as --apdex; the flag wins
//
//	[loadtest.paths]
//	"POST transfer" = "/api/transfer"  # a label's request path when its samples carry no URL
//
//	[metrics]
//	scrape_interval = "5s"   # as --scrape-interval
//	scrape_timeout = "3s"    # as --scrape-timeout
//	max_series = 100000      # as --max-series
//
//	[metrics.thresholds]
//	"hikaricp_connections_pending" = 10  # a line across that metric's chart
//
//	[metrics.scrape."http://localhost:8080/actuator/prometheus"]
//	interval = "15s"         # this target's; the flags still win
//	timeout = "10s"
//	max_series = 200000
//
//	[plan]
//	ignore = ["no-timer"]  # plan lint rules whose findings are dropped, beside --ignore
//
//	[redact]
//	enabled = true         # false: no secret is masked (log lines, labels, URLs, metric labels)
//	rules = [              # the user's own, after the built-in ones
//	  {name = "iban", regex = '\bDE\d{20}\b', replace = "DE<iban>", trigger = "DE"},
//	]
//
// The package reads and checks the file; cmd/sobang applies it. A typo must
// not pass silently: an unknown key, a value of the wrong type or a bad
// regular expression is an error naming file:line (a sources.LineError),
// and a missing default file is no error at all (most users have none).
package config

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/labels"
	"github.com/sobang/sobang/sources/plan"
	"github.com/sobang/sobang/sources/sanitize"
	"github.com/sobang/sobang/themes"
)

// FileName is the configuration file's name in sobang's configuration
// directory.
const FileName = "config.toml"

// maxFileSize bounds the file; a real one is a few hundred bytes.
const maxFileSize = 1 << 20

// Config is what a configuration file says. The zero value is an empty
// configuration.
type Config struct {
	// Path is the file read, "" when none was.
	Path string
	// LoadTest is the [loadtest] table.
	LoadTest LoadTest
	// Metrics is the [metrics] table.
	Metrics Metrics
	// Plan is the [plan] table.
	Plan Plan
	// Redact is the [redact] table.
	Redact Redact
	// Logs is the [logs] table.
	Logs Logs
}

// Logs is the [logs] table: how the log pane behaves.
type Logs struct {
	// Copy lets y copy a log entry to the terminal's clipboard (OSC 52):
	// opt-in, as the terminal forwards what sobang writes to whatever
	// reads the clipboard.
	Copy bool
}

// Redact is the [redact] table: which secrets are masked.
type Redact struct {
	// Disabled is set by enabled = false: nothing is masked.
	Disabled bool
	// Rules are the user's rules, already checked.
	Rules []sanitize.Rule
}

// Redactor returns the redactor the table describes: the built-in rules
// and the user's, or nil (nothing masked) when disabled.
func (r *Redact) Redactor() *sanitize.Redactor {
	if r.Disabled {
		return nil
	}
	red, err := sanitize.NewRedactor(true, r.Rules)
	if err != nil { // Parse checked every rule
		panic(err)
	}
	return red
}

// Plan is the [plan] table: how test plans are linted.
type Plan struct {
	// Ignore lists lint rule ids whose findings are dropped, already
	// checked against the rules.
	Ignore []string
}

// Metrics is the [metrics] table: how metrics are read.
type Metrics struct {
	// Scrape holds the settings of every scraped target; zero fields are
	// unset.
	Scrape ScrapeSettings
	// Targets holds the settings of single targets by URL as written;
	// nil when the file has none.
	Targets map[string]ScrapeSettings
	// Prom are the Prometheus-compatible servers to ask when --prom is
	// not given, already checked to be URLs.
	Prom []string
	// Match are the series selectors scoping them when --match is not
	// given.
	Match []string
	// HTTPConfig is the HTTP client configuration file for them, as
	// written, "" when unset.
	HTTPConfig string
	// Thresholds are the lines drawn across metric charts: the value of
	// each by the metric name or query it is charted under; nil when the
	// file has none.
	Thresholds map[string]float64
}

// ScrapeSettings say how to scrape a /metrics URL. A zero field is unset;
// Line fields give the line that set a field, for errors found later (a
// timeout longer than the interval it is used with).
type ScrapeSettings struct {
	Interval, Timeout         time.Duration
	MaxSeries                 int
	IntervalLine, TimeoutLine int
}

// For returns the settings that apply to the target url: its own where
// the file sets them, else those of [metrics].
func (m *Metrics) For(url string) ScrapeSettings {
	out := m.Scrape
	t, ok := m.Targets[url]
	if !ok {
		return out
	}
	if t.Interval > 0 {
		out.Interval, out.IntervalLine = t.Interval, t.IntervalLine
	}
	if t.Timeout > 0 {
		out.Timeout, out.TimeoutLine = t.Timeout, t.TimeoutLine
	}
	if t.MaxSeries != 0 {
		out.MaxSeries = t.MaxSeries
	}
	return out
}

// LoadTest is the [loadtest] table: how load-test results are read.
type LoadTest struct {
	// LabelMap holds REGEX=NAME rules as --label-map reads them, already
	// checked; they apply before the rules given as flags.
	LabelMap []string
	// ApdexSatisfiedMS and ApdexToleratedMS are the APDEX thresholds in
	// milliseconds, both 0 when the file sets none.
	ApdexSatisfiedMS, ApdexToleratedMS int64
	// Paths maps a label to its request path, for labels whose samples
	// carry no URL; nil when the file has none.
	Paths map[string]string
}

// HasApdex reports whether the file sets APDEX thresholds.
func (l *LoadTest) HasApdex() bool { return l.ApdexSatisfiedMS > 0 }

// Keys of the file.
const (
	keyLoadTest = "loadtest"
	keyLabelMap = "loadtest.label_map"
	keyApdex    = "loadtest.apdex"
	keyPaths    = "loadtest.paths"

	keyMetrics        = "metrics"
	keyScrapeInterval = "metrics.scrape_interval"
	keyScrapeTimeout  = "metrics.scrape_timeout"
	keyMaxSeries      = "metrics.max_series"
	keyScrapeTargets  = "metrics.scrape"
	keyProm           = "metrics.prom"
	keyMatch          = "metrics.match"
	keyHTTPConfig     = "metrics.http_config"
	keyThresholds     = "metrics.thresholds"

	keyPlan   = "plan"
	keyIgnore = "plan.ignore"

	keyRedact        = "redact"
	keyRedactEnabled = "redact.enabled"
	keyRedactRules   = "redact.rules"

	keyLogs     = "logs"
	keyLogsCopy = "logs.copy"
)

// ruleKeys are the keys of one rule of redact.rules.
var ruleKeys = []string{"name", "regex", "replace", "trigger"}

// targetKeys are the keys of one target's table under [metrics.scrape].
var targetKeys = []string{"interval", "timeout", "max_series"}

// KnownKeys lists every key the file may hold, in the order of the README.
var KnownKeys = []string{keyLabelMap, keyApdex, keyPaths, keyScrapeInterval, keyScrapeTimeout, keyMaxSeries,
	keyScrapeTargets + `."URL".interval`, keyScrapeTargets + `."URL".timeout`, keyScrapeTargets + `."URL".max_series`,
	keyProm, keyMatch, keyHTTPConfig, keyThresholds, keyIgnore, keyRedactEnabled, keyRedactRules, keyLogsCopy}

// DefaultPath returns the default file, os.UserConfigDir()/sobang/config.toml;
// "" when the system has no configuration directory.
func DefaultPath() string {
	dir, err := os.UserConfigDir()
	if err != nil || dir == "" {
		return ""
	}
	return filepath.Join(dir, "sobang", FileName)
}

// Load reads the file at path. With path "" it reads DefaultPath, and then a
// missing file is no error: the result is an empty Config. A file named
// explicitly must exist.
func Load(path string) (*Config, error) {
	explicit := path != ""
	if !explicit {
		path = DefaultPath()
		if path == "" {
			return &Config{}, nil
		}
	}
	f, err := os.Open(path)
	if err != nil {
		if !explicit && errors.Is(err, os.ErrNotExist) {
			return &Config{}, nil
		}
		if errors.Is(err, os.ErrNotExist) {
			return nil, sources.InFile(path, errors.New("no such file"))
		}
		return nil, sources.InFile(path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, sources.InFile(path, errors.New("is a directory, not a TOML file"))
	}
	src, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, sources.InFile(path, err)
	}
	if len(src) > maxFileSize {
		return nil, sources.InFile(path, fmt.Errorf("larger than %d bytes; is it the right file?", maxFileSize))
	}
	return Parse(path, src)
}

// Parse checks the text of a configuration file; path names it in errors.
// Every problem found is returned, each a *sources.LineError, in line order
// and joined with errors.Join.
func Parse(path string, src []byte) (*Config, error) {
	var data map[string]any
	md, err := toml.Decode(string(src), &data)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &sources.LineError{Path: path, Line: pe.Position.Line, Err: errors.New("bad TOML: " + pe.Message)}
		}
		return nil, sources.InFile(path, errors.New("bad TOML: "+strings.TrimPrefix(err.Error(), "toml: ")))
	}
	line := themes.KeyLines(src)
	var problems []*sources.LineError
	report := func(key, format string, args ...any) {
		problems = append(problems, &sources.LineError{Path: path, Line: line(key), Err: fmt.Errorf(format, args...)})
	}
	// wrongType reports a value of key that is not of the type it must be.
	wrongType := func(key, want string, v any) {
		report(key, "%s: expected %s, found %s", key, want, themes.TOMLType(v))
	}

	// Unknown keys, from the keys as written (case matters: Label_Map is
	// not label_map). The labels under [loadtest.paths] are the user's.
	var skip []string // keys whose children are reported already
	for _, k := range md.Keys() {
		ks := k.String()
		known := ks == keyLoadTest || ks == keyPlan || ks == keyMetrics || ks == keyScrapeTargets || ks == keyLogs || slices.Contains(KnownKeys, ks) ||
			ks == keyRedact || ks == keyRedactRules ||
			(len(k) >= 3 && k[0] == "redact" && k[1] == "rules") || // each rule's keys: parseRedact
			(len(k) == 3 && strings.HasPrefix(ks, keyPaths+".")) ||
			(len(k) == 3 && strings.HasPrefix(ks, keyThresholds+".")) ||
			(len(k) == 3 && k[0] == "metrics" && k[1] == "scrape") ||
			(len(k) == 4 && k[0] == "metrics" && k[1] == "scrape" && slices.Contains(targetKeys, k[3]))
		if known || under(ks, skip) || under(ks, KnownKeys) {
			continue
		}
		skip = append(skip, ks)
		report(ks, "unknown key %s; the known keys are %s", sources.Quote(ks), strings.Join(KnownKeys, ", "))
	}

	cfg := &Config{Path: path}
	lt := &cfg.LoadTest
	table, ok := data[keyLoadTest]
	if ok {
		if _, isTable := table.(map[string]any); !isTable {
			wrongType(keyLoadTest, "a table (["+keyLoadTest+"])", table)
		}
	}
	load, _ := table.(map[string]any)
	if v, ok := load["label_map"]; ok {
		list, isList := v.([]any)
		if !isList {
			wrongType(keyLabelMap, "an array of 'REGEX=NAME' strings", v)
		}
		for i, item := range list {
			key := fmt.Sprintf("%s[%d]", keyLabelMap, i)
			s, isText := item.(string)
			if !isText {
				wrongType(key, "a 'REGEX=NAME' string", item)
				continue
			}
			if _, err := labels.ParseRule(s); err != nil {
				report(key, "%s: %v", key, err)
				continue
			}
			lt.LabelMap = append(lt.LabelMap, s)
		}
	}
	if v, ok := load["apdex"]; ok {
		s, isText := v.(string)
		if !isText {
			wrongType(keyApdex, `a string SATISFIED:TOLERATED such as "500ms:1500ms"`, v)
		} else if sat, tol, err := ParseApdex(s); err != nil {
			report(keyApdex, "%s: %v", keyApdex, err)
		} else {
			lt.ApdexSatisfiedMS, lt.ApdexToleratedMS = sat, tol
		}
	}
	if v, ok := load["paths"]; ok {
		paths, isTable := v.(map[string]any)
		if !isTable {
			wrongType(keyPaths, `a table of label = "/path"`, v)
		}
		for label, p := range paths {
			key := toml.Key{"loadtest", "paths", label}.String()
			s, isText := p.(string)
			switch {
			case !isText:
				wrongType(key, `a string such as "/api/transfer"`, p)
			case !strings.HasPrefix(s, "/"):
				report(key, "%s", sources.Expected(key, `a request path starting with /, such as "/api/transfer"`, s))
			default:
				if lt.Paths == nil {
					lt.Paths = map[string]string{}
				}
				lt.Paths[label] = s
			}
		}
	}
	cfg.Metrics = parseMetrics(data, line, report, wrongType)

	planTable, ok := data[keyPlan]
	if ok {
		if _, isTable := planTable.(map[string]any); !isTable {
			wrongType(keyPlan, "a table (["+keyPlan+"])", planTable)
		}
	}
	pt, _ := planTable.(map[string]any)
	if v, ok := pt["ignore"]; ok {
		list, isList := v.([]any)
		if !isList {
			wrongType(keyIgnore, `an array of rule ids such as ["no-timer"]`, v)
		}
		for i, item := range list {
			key := fmt.Sprintf("%s[%d]", keyIgnore, i)
			id, isText := item.(string)
			if !isText {
				wrongType(key, "a rule id string", item)
				continue
			}
			if _, known := plan.RuleByID(id); !known {
				report(key, "%s", sources.Expected(key, "a rule id of 'sobang plan rules'", id))
				continue
			}
			cfg.Plan.Ignore = append(cfg.Plan.Ignore, id)
		}
	}

	cfg.Redact = parseRedact(data, report, wrongType)

	if logs, ok := data[keyLogs]; ok {
		t, isTable := logs.(map[string]any)
		if !isTable {
			wrongType(keyLogs, "a table (["+keyLogs+"])", logs)
		}
		if v, ok := t["copy"]; ok {
			if b, isBool := v.(bool); !isBool {
				wrongType(keyLogsCopy, "true or false", v)
			} else {
				cfg.Logs.Copy = b
			}
		}
	}

	if len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b *sources.LineError) int {
			if a.Line != b.Line {
				return a.Line - b.Line
			}
			return strings.Compare(a.Err.Error(), b.Err.Error())
		})
		errs := make([]error, len(problems))
		for i, p := range problems {
			errs[i] = p
		}
		return nil, errors.Join(errs...)
	}
	return cfg, nil
}

// parseThresholds reads [metrics.thresholds]: a number by metric name or
// query.
func parseThresholds(v any, report func(key, format string, args ...any), wrongType func(key, want string, v any)) map[string]float64 {
	table, isTable := v.(map[string]any)
	if !isTable {
		wrongType(keyThresholds, `a table of metric or query = number, such as "hikaricp_connections_pending" = 10`, v)
		return nil
	}
	out := map[string]float64{}
	for name, tv := range table {
		key := toml.Key{"metrics", "thresholds", name}.String()
		switch n := tv.(type) {
		case int64:
			out[name] = float64(n)
		case float64:
			if math.IsNaN(n) || math.IsInf(n, 0) {
				report(key, "%s", sources.Expected(key, "a finite number", strconv.FormatFloat(n, 'g', -1, 64)))
				continue
			}
			out[name] = n
		default:
			wrongType(key, "a number such as 10 or 0.5", tv)
		}
	}
	return out
}

// parseMetrics reads the [metrics] table.
func parseMetrics(data map[string]any, line func(string) int, report func(key, format string, args ...any), wrongType func(key, want string, v any)) Metrics {
	var out Metrics
	table, ok := data[keyMetrics]
	if !ok {
		return out
	}
	m, isTable := table.(map[string]any)
	if !isTable {
		wrongType(keyMetrics, "a table (["+keyMetrics+"])", table)
		return out
	}
	settings := func(prefix toml.Key, t map[string]any, names [3]string) ScrapeSettings {
		var st ScrapeSettings
		duration := func(name string, d *time.Duration, at *int) {
			v, ok := t[name]
			if !ok {
				return
			}
			key := append(prefix[:len(prefix):len(prefix)], name).String()
			s, isText := v.(string)
			if !isText {
				wrongType(key, `a duration such as "15s"`, v)
				return
			}
			parsed, err := time.ParseDuration(s)
			if err != nil || parsed <= 0 {
				report(key, "%s", sources.Expected(key, "a duration above 0 such as 15s", s))
				return
			}
			*d, *at = parsed, line(key)
		}
		duration(names[0], &st.Interval, &st.IntervalLine)
		duration(names[1], &st.Timeout, &st.TimeoutLine)
		if v, ok := t[names[2]]; ok {
			key := append(prefix[:len(prefix):len(prefix)], names[2]).String()
			n, isInt := v.(int64)
			switch {
			case !isInt:
				wrongType(key, "an integer (0 for no limit)", v)
			case n < 0:
				report(key, "%s", sources.Expected(key, "a number of series, 0 for no limit", strconv.FormatInt(n, 10)))
			case n == 0:
				st.MaxSeries = -1
			default:
				st.MaxSeries = int(n)
			}
		}
		return st
	}
	out.Scrape = settings(toml.Key{"metrics"}, m, [3]string{"scrape_interval", "scrape_timeout", "max_series"})
	strs := func(key, name, want string, check func(string) bool) []string {
		v, ok := m[name]
		if !ok {
			return nil
		}
		list, isList := v.([]any)
		if !isList {
			wrongType(key, "an array of "+want, v)
			return nil
		}
		var out []string
		for i, item := range list {
			k := fmt.Sprintf("%s[%d]", key, i)
			str, isText := item.(string)
			switch {
			case !isText:
				wrongType(k, want, item)
			case !check(str):
				report(k, "%s", sources.Expected(k, want, str))
			default:
				out = append(out, str)
			}
		}
		return out
	}
	out.Prom = strs(keyProm, "prom", `server URLs such as "http://localhost:9090"`, func(u string) bool {
		return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")
	})
	out.Match = strs(keyMatch, "match", `series selectors such as '{job="api"}'`, func(m string) bool {
		return strings.Contains(m, "{") && strings.HasSuffix(strings.TrimSpace(m), "}")
	})
	if v, ok := m["http_config"]; ok {
		if str, isText := v.(string); isText && str != "" {
			out.HTTPConfig = str
		} else {
			wrongType(keyHTTPConfig, `a file name such as "prom-http.yml"`, v)
		}
	}
	if v, ok := m["thresholds"]; ok {
		out.Thresholds = parseThresholds(v, report, wrongType)
	}
	if v, ok := m["scrape"]; ok {
		targets, isTable := v.(map[string]any)
		if !isTable {
			wrongType(keyScrapeTargets, `tables of targets: [metrics.scrape."http://host:8080/metrics"]`, v)
			return out
		}
		for url, tv := range targets {
			key := toml.Key{"metrics", "scrape", url}
			t, isTable := tv.(map[string]any)
			if !isTable {
				wrongType(key.String(), "a table of interval, timeout and max_series", tv)
				continue
			}
			if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
				report(key.String(), "%s", sources.Expected(key.String(), "a target's http:// or https:// URL as the table's name", url))
				continue
			}
			if out.Targets == nil {
				out.Targets = map[string]ScrapeSettings{}
			}
			out.Targets[url] = settings(key, t, [3]string{"interval", "timeout", "max_series"})
		}
	}
	return out
}

// parseRedact reads the [redact] table.
func parseRedact(data map[string]any, report func(key, format string, args ...any), wrongType func(key, want string, v any)) Redact {
	var out Redact
	table, ok := data[keyRedact]
	if !ok {
		return out
	}
	t, isTable := table.(map[string]any)
	if !isTable {
		wrongType(keyRedact, "a table (["+keyRedact+"])", table)
		return out
	}
	if v, ok := t["enabled"]; ok {
		if b, isBool := v.(bool); !isBool {
			wrongType(keyRedactEnabled, "true or false", v)
		} else {
			out.Disabled = !b
		}
	}
	v, ok := t["rules"]
	if !ok {
		return out
	}
	var list []map[string]any
	switch l := v.(type) {
	case []map[string]any: // [[redact.rules]]
		list = l
	case []any: // rules = [{...}]
		for i, item := range l {
			m, isTable := item.(map[string]any)
			if !isTable {
				wrongType(fmt.Sprintf("%s[%d]", keyRedactRules, i), `a table such as {name = "iban", regex = '...', replace = "<iban>"}`, item)
				continue
			}
			list = append(list, m)
		}
	default:
		wrongType(keyRedactRules, `an array of tables such as [{name = "iban", regex = '...', replace = "<iban>"}]`, v)
		return out
	}
	for i, m := range list {
		key := fmt.Sprintf("%s[%d]", keyRedactRules, i)
		var rule sanitize.Rule
		good := true
		for name, val := range m {
			if !slices.Contains(ruleKeys, name) {
				report(key, "unknown key %s in %s; a rule's keys are %s", sources.Quote(name), key, strings.Join(ruleKeys, ", "))
				good = false
				continue
			}
			text, isText := val.(string)
			if !isText {
				wrongType(key+"."+name, "a string", val)
				good = false
				continue
			}
			switch name {
			case "name":
				rule.Name = text
			case "regex":
				rule.Regex = text
			case "replace":
				rule.Replace = text
			case "trigger":
				rule.Trigger = text
			}
		}
		if !good {
			continue
		}
		if rule.Regex == "" {
			report(key, "%s", sources.Expected(key+".regex", "a regular expression", ""))
			continue
		}
		if rule.Name == "" {
			rule.Name = key
		}
		if _, err := sanitize.NewRedactor(false, []sanitize.Rule{rule}); err != nil {
			report(key, "%s: %v", key, err)
			continue
		}
		out.Rules = append(out.Rules, rule)
	}
	return out
}

// under reports whether key lies inside one of the given keys.
func under(key string, parents []string) bool {
	for _, p := range parents {
		if strings.HasPrefix(key, p+".") {
			return true
		}
	}
	return false
}

// ParseApdex reads APDEX thresholds SATISFIED:TOLERATED as --apdex does:
// two durations (a bare number is milliseconds) in whole milliseconds, with
// 0 < satisfied <= tolerated.
func ParseApdex(text string) (satisfiedMS, toleratedMS int64, err error) {
	s, t, ok := strings.Cut(text, ":")
	if !ok {
		return 0, 0, sources.ExpectedError("", "SATISFIED:TOLERATED, e.g. 500ms:1500ms", text)
	}
	if satisfiedMS, err = apdexMS(s); err != nil {
		return 0, 0, err
	}
	if toleratedMS, err = apdexMS(t); err != nil {
		return 0, 0, err
	}
	if satisfiedMS <= 0 || toleratedMS < satisfiedMS {
		return 0, 0, sources.ExpectedError("", "0 < satisfied <= tolerated", text)
	}
	return satisfiedMS, toleratedMS, nil
}

func apdexMS(text string) (int64, error) {
	text = strings.TrimSpace(text)
	if ms, err := strconv.ParseInt(text, 10, 64); err == nil {
		return ms, nil
	}
	d, err := time.ParseDuration(text)
	if err != nil {
		return 0, sources.ExpectedError("", "a duration such as 500ms or 1.5s", text)
	}
	if d%time.Millisecond != 0 {
		return 0, sources.ExpectedError("", "whole milliseconds, as sample times are", text)
	}
	return d.Milliseconds(), nil
}
