package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/sobang/sobang/cmd/sobang/internal/config"
	"github.com/sobang/sobang/cmd/sobang/internal/timespec"
	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/gatling"
	"github.com/sobang/sobang/sources/loadtest/jtl"
	"github.com/sobang/sobang/sources/loadtest/k6"
	"github.com/sobang/sobang/sources/loadtest/locust"
	"github.com/sobang/sobang/sources/logs"
	"github.com/sobang/sobang/sources/metrics/promapi"
	"github.com/sobang/sobang/sources/metrics/promfile"
	"github.com/sobang/sobang/sources/metrics/scrape"
	"github.com/sobang/sobang/sources/record"
	"github.com/sobang/sobang/sources/sanitize"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/sources/tail"
)

// clock is the program's one clock: the sources, the store, the dashboard
// and the recording all read "now" from it and wait on it.
var clock = sources.Wall

// sourceFlags are the arguments every command that reads sources shares.
type sourceFlags struct {
	jtl     []string
	k6      []string
	gatling []string
	locust  []string
	log     []string
	logCmd  []string // --log-cmd: commands whose output is a log
	scrape  []string
	prom    promFlags // --prom and what to ask it (promflags.go)
	// window is the headless commands' --window, which narrows the saved
	// run's range --prom asks for; "" for the whole run.
	window string
	// scrapeInterval, scrapeTimeout and maxSeries say how URLs are
	// scraped; the configuration file fills in those not given.
	scrapeInterval time.Duration
	scrapeTimeout  time.Duration
	maxSeries      int
	wait           bool
	tz             string
	utc            bool
	offsets        []string
	// crashTest makes a source goroutine panic, to test crash handling.
	crashTest bool
	jtlf      jtlFlags // how JTLs are read (jtlflags.go)

	configPath string         // --config, "" for the default file
	baselines  []string       // --baseline (registerBaseline)
	cfg        *config.Config // the configuration file, once loadConfig ran
	fs         *pflag.FlagSet // the command's flags, which the file fills in

	// headless is set by the commands that read to an end (report, check):
	// they wait for no file unless asked (--wait, or report's --duration),
	// since a wait nobody asked for hangs a CI job without a word.
	headless bool
	// follow is set by report --duration: live inputs are followed, and
	// files named by the kind flags waited for, until it ends.
	follow bool

	// marks are the marks still set in the recordings build opened, with
	// their --offset, Unix milliseconds: the dashboard shows them.
	marks []int64
	// notes are the words of some of those marks (M), by instant: the
	// dashboard shows them and report writes them up.
	notes map[int64]string
}

func (f *sourceFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.jtl, "jtl", nil, "a JMeter result file (CSV or XML JTL) (repeatable)")
	fs.StringArrayVar(&f.k6, "k6", nil, "k6 output (--out json, --out csv, or a --summary-export file) (repeatable)")
	fs.StringArrayVar(&f.gatling, "gatling", nil, "a Gatling simulation.log (text or binary) (repeatable)")
	fs.StringArrayVar(&f.locust, "locust", nil, "a Locust --csv set: its PREFIX or any one of its files (plain or .gz) (repeatable)")
	fs.StringArrayVar(&f.log, "log", nil, "a log file, or - for stdin (repeatable)")
	fs.StringArrayVar(&f.logCmd, "log-cmd", nil, "a command whose output is a log, run with sh -c (e.g. 'kubectl logs -f deploy/api'); its stderr is shown as its status, it is restarted when it exits (the dashboard, report --duration) and killed at the end (repeatable)")
	fs.StringArrayVar(&f.scrape, "scrape", nil, "a Prometheus /metrics URL to scrape (repeatable)")
	fs.DurationVar(&f.scrapeInterval, "scrape-interval", sources.ScrapeInterval, "time between two scrapes of a /metrics URL; when not given, at least --scrape-timeout")
	fs.DurationVar(&f.scrapeTimeout, "scrape-timeout", sources.ScrapeTimeout, "how long one scrape may take; at most the interval")
	fs.IntVar(&f.maxSeries, "max-series", sources.MaxScrapeSeries, "the most series kept from one scrape of a /metrics URL; the rest are dropped and counted (0: no limit)")
	fs.BoolVar(&f.wait, "wait", false, "wait for files that do not exist yet (the dashboard always waits for those of --jtl, --k6, --gatling, --locust and --log, report --duration until it ends)")
	fs.StringVar(&f.tz, "tz", "", "zone of timestamps written without one (default: local); SOURCE@ZONE sets one source's")
	fs.BoolVar(&f.utc, "utc", false, "show times in UTC instead of the local zone")
	fs.StringArrayVar(&f.offsets, "offset", nil, "shift one source's clock: SOURCE=DURATION, e.g. app.log=-2.5s (repeatable)")
	fs.BoolVar(&f.crashTest, "crash-test", false, "make a source panic (tests the crash report)")
	_ = fs.MarkHidden("crash-test")
	defPath := config.DefaultPath()
	if defPath == "" {
		defPath = "none on this system"
	}
	fs.StringVar(&f.configPath, "config", "", "the configuration file (default "+defPath+", read when it exists)")
	f.jtlf.register(fs)
	f.prom.register(fs)
	f.fs = fs
}

// registerBaseline adds --baseline, for the commands that compare with an
// earlier run (the dashboard and report).
func (f *sourceFlags) registerBaseline(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.baselines, "baseline", nil, "compare with an earlier run's load-test files or its .sobang recording (repeatable)")
}

// loadConfig reads the configuration file once and applies it under the
// flags: its label_map rules go before those of --label-map, and its apdex
// fills --apdex when the command has that flag and it was not given. A bad
// file is a usage error naming file:line.
func (f *sourceFlags) loadConfig() error {
	if f.cfg != nil {
		return nil
	}
	cfg, err := config.Load(f.configPath)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	f.cfg = cfg
	// Before any source starts: every line and value read is masked by the
	// same rules.
	sanitize.SetRedactor(cfg.Redact.Redactor())
	lt := &cfg.LoadTest
	if len(lt.LabelMap) > 0 {
		f.jtlf.labelMap = append(slices.Clone(lt.LabelMap), f.jtlf.labelMap...)
	}
	if lt.HasApdex() && f.fs != nil {
		if fl := f.fs.Lookup("apdex"); fl != nil && !fl.Changed {
			if err := fl.Value.Set(fmt.Sprintf("%dms:%dms", lt.ApdexSatisfiedMS, lt.ApdexToleratedMS)); err != nil {
				return usageErr("%s: loadtest.apdex: %v", cfg.Path, err)
			}
		}
	}
	return nil
}

// configPaths returns the request paths the configuration file gives labels.
func (f *sourceFlags) configPaths() map[string]string {
	if f.cfg == nil {
		return nil
	}
	return f.cfg.LoadTest.Paths
}

// thresholds returns the lines the configuration file draws across metric
// charts.
func (f *sourceFlags) thresholds() map[string]float64 {
	if f.cfg == nil {
		return nil
	}
	return f.cfg.Metrics.Thresholds
}

// baselineFlags are the flags an earlier run (--baseline) is read with: the
// same zone, JTL reading (columns, delimiter, timestamps, label renaming)
// and configuration as the run itself, so that both name their labels
// alike and a headerless or end-stamped baseline from the same setup reads.
func (f *sourceFlags) baselineFlags() *sourceFlags {
	j := f.jtlf
	return &sourceFlags{tz: f.tz, cfg: f.cfg, headless: true, jtlf: jtlFlags{columns: j.columns, props: j.props, delimiter: j.delimiter,
		timeFormat: j.timeFormat, labelMap: j.labelMap, endTimes: j.endTimes}}
}

// displayZone is the zone times are shown in.
func (f *sourceFlags) displayZone() *time.Location {
	if f.utc {
		return time.UTC
	}
	return time.Local
}

// kindRecording marks a spec that is a recording (a .sobang file): it is
// built into the sources it recorded, each of its own kind.
const kindRecording sources.Kind = "recording"

// spec is one source the user asked for, before it is built.
type spec struct {
	name string // as given, without @ZONE
	kind sources.Kind
	zone *time.Location
	wait bool
	// aliases are other names given for the same input, read once (see
	// dedupSame); --offset may use any of them.
	aliases []string
	// notes are warnings about how the input was named, for the store's
	// warnings of the source built from it (see notedSource).
	notes []string
	// cmd: name is a command (--log-cmd) whose output is the log.
	cmd bool
}

// specs turns positional SOURCEs and the explicit kind flags into specs.
func (f *sourceFlags) specs(args []string) ([]spec, error) {
	if err := f.loadConfig(); err != nil {
		return nil, err
	}
	if _, err := f.jtlf.options(); err != nil {
		return nil, err
	}
	var defZone *time.Location
	if f.tz != "" {
		loc, err := timespec.ParseZone(f.tz)
		if err != nil {
			return nil, usageErr("--tz: %v", err)
		}
		defZone = loc
	}
	// Files named by the kind flags may not exist yet: the dashboard waits
	// for them; report and check only when asked.
	flagWait := f.wait || !f.headless || f.follow
	var out []spec
	add := func(s spec) {
		name, zone := timespec.SplitZone(s.name)
		s.name = name
		s.zone = defZone
		if zone != nil {
			s.zone = zone
		}
		out = append(out, s)
	}
	sniffStreams(args)
	stdin := 0
	for _, a := range args {
		name, _ := timespec.SplitZone(a)
		switch {
		case name == "-":
			stdin++
			add(spec{name: a, kind: sources.KindLog})
		case isURL(name):
			add(spec{name: a, kind: sources.KindScrape})
		default:
			kind, err := detect(name, f.wait, f.waitHint())
			if (err != nil || kind == sources.KindLog) && f.jtlf.sniff(name) {
				kind, err = sources.KindJTL, nil
			}
			if err != nil {
				return nil, err
			}
			add(spec{name: a, kind: kind, wait: f.wait})
		}
	}
	for _, p := range f.jtl {
		add(spec{name: p, kind: sources.KindJTL, wait: flagWait})
	}
	for _, p := range f.k6 {
		add(spec{name: p, kind: sources.KindK6, wait: flagWait})
	}
	for _, p := range f.gatling {
		add(spec{name: p, kind: sources.KindGatling, wait: flagWait})
	}
	for _, p := range f.locust {
		add(spec{name: p, kind: sources.KindLocust, wait: flagWait})
	}
	for _, p := range f.log {
		if n, _ := timespec.SplitZone(p); n == "-" {
			stdin++
		}
		add(spec{name: p, kind: sources.KindLog, wait: flagWait})
	}
	for _, c := range f.logCmd {
		// Not through add: a command's "@" is no zone.
		if strings.TrimSpace(c) == "" {
			return nil, usageErr("%s", sources.Expected("--log-cmd", "a command, e.g. 'kubectl logs -f deploy/api'", c))
		}
		out = append(out, spec{name: c, kind: sources.KindLog, zone: defZone, cmd: true})
	}
	for _, u := range f.scrape {
		if !isURL(u) {
			return nil, usageErr("%s", sources.Expected("--scrape", "an http:// or https:// URL, e.g. http://localhost:8080/actuator/prometheus", u))
		}
		add(spec{name: u, kind: sources.KindScrape})
	}
	for _, u := range f.promURLs() {
		if err := checkPromURL(u); err != nil {
			return nil, err
		}
		add(spec{name: u, kind: sources.KindPrometheus})
	}
	if stdin > 1 {
		return nil, usageErr("stdin (-) can be read only once, found %d times", stdin)
	}
	if !flagWait {
		if err := f.checkExist(out); err != nil {
			return nil, err
		}
	}
	return dedupSame(dedupLocust(out)), nil
}

// checkExist refuses, at once, a file named by a kind flag that does not
// exist when nothing will wait for it (report without --wait or
// --duration, check): reading it would fail anyway, after the others.
func (f *sourceFlags) checkExist(specs []spec) error {
	for _, s := range specs {
		if s.wait || s.name == "-" || s.cmd || s.kind == sources.KindScrape || s.kind == sources.KindPrometheus {
			continue
		}
		if s.kind == sources.KindLocust {
			if !locust.Exists(s.name) {
				return usageErr("%s: no Locust CSV file of this set%s", s.name, f.waitHint())
			}
			continue
		}
		if _, err := os.Stat(s.name); err != nil && os.IsNotExist(err) {
			return usageErr("%s: no such file%s", s.name, f.waitHint())
		}
	}
	return nil
}

// waitHint says how to wait for a missing file, where the command can: the
// dashboard and report wait when asked, check never.
func (f *sourceFlags) waitHint() string {
	switch {
	case !f.headless:
		return " (use --wait, --jtl or --log to wait for a file that will appear)"
	case f.fs != nil && f.fs.Lookup("duration") != nil:
		return " (use --wait to wait for it to appear)"
	}
	return ""
}

// dedupLocust keeps one spec per Locust set: any file of a set opens the
// whole set, so naming two of its files must not read it twice.
func dedupLocust(in []spec) []spec {
	seen := map[string]bool{}
	out := in[:0]
	for _, s := range in {
		if s.kind == sources.KindLocust {
			p := locust.Prefix(s.name)
			if seen[p] {
				continue
			}
			seen[p] = true
		}
		out = append(out, s)
	}
	return out
}

// dedupSame keeps one spec per input. A file named twice (the same path, or
// another path to the same file by device and inode: ./x and x, a link) or a
// URL given twice would otherwise be read twice, counting every sample twice
// and doubling throughput, which can turn a failing gate into a pass. The
// first naming is kept, with the others as its aliases and a note that says
// so.
func dedupSame(in []spec) []spec {
	type key struct {
		abs string      // the cleaned absolute path, or the URL
		fi  os.FileInfo // nil when the file does not exist (yet)
	}
	keyOf := func(s spec) key {
		if s.cmd {
			return key{abs: "--log-cmd " + s.name}
		}
		if s.name == "-" || isURL(s.name) {
			return key{abs: s.name}
		}
		k := key{abs: filepath.Clean(s.name)}
		if abs, err := filepath.Abs(s.name); err == nil {
			k.abs = abs
		}
		if fi, err := os.Stat(s.name); err == nil && fi.Mode().IsRegular() {
			k.fi = fi
		}
		return k
	}
	var keys []key
	out := in[:0]
	for _, s := range in {
		k := keyOf(s)
		dup := -1
		for i, o := range keys {
			if k.abs == o.abs || (k.fi != nil && o.fi != nil && os.SameFile(k.fi, o.fi)) {
				dup = i
				break
			}
		}
		if dup < 0 {
			keys = append(keys, k)
			out = append(out, s)
			continue
		}
		first := &out[dup]
		note := "named twice: read once"
		if s.name != first.name {
			note = s.name + " is the same file: read once"
			if isURL(s.name) {
				note = s.name + " is the same URL: read once"
			}
			first.aliases = append(first.aliases, s.name)
		}
		if s.kind != first.kind {
			note += " as " + string(first.kind)
		}
		first.notes = append(first.notes, note+", so that no sample counts twice")
	}
	return out
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// detect tells a JTL from a log by the file's content (gzip inflated). hint
// follows the error for a missing file: how to wait for it, if the command
// can.
func detect(path string, wait bool, hint string) (sources.Kind, error) {
	st, err := os.Stat(path)
	switch {
	case err != nil && os.IsNotExist(err):
		if locust.Exists(path) {
			// A Locust --csv prefix: its files are beside it.
			return sources.KindLocust, nil
		}
		if wait {
			return kindByName(path), nil
		}
		return "", usageErr("%s: no such file%s", path, hint)
	case err != nil:
		return "", &exitError{exitUsage, err}
	case st.IsDir():
		return "", usageErr("%s: is a directory, not a JTL or log file", path)
	}
	head, err := tail.Head(path, sources.SniffBytes)
	if err != nil {
		return "", &exitError{exitUsage, fmt.Errorf("%s: %w", path, err)}
	}
	if len(head) == 0 {
		return kindByName(path), nil
	}
	// First: a recording is binary, and every other detector would refuse it.
	if record.IsRecording(head) {
		if tail.IsStream(path) {
			return "", usageErr("%s: a .sobang recording is read from a file, not from a pipe; save it to a file first", path)
		}
		return kindRecording, nil
	}
	// Before JTL: a Locust history has a Timestamp column too.
	if _, ok := locust.Sniff(head); ok {
		if tail.IsStream(path) {
			return "", usageErr("%s: a Locust --csv set is read from its files, not from a pipe; give its prefix or one of its files", path)
		}
		return sources.KindLocust, nil
	}
	if _, ok := jtl.Sniff(head); ok {
		return sources.KindJTL, nil
	}
	// Before k6 and logs: a saved API answer is a JSON document, and a
	// saved /metrics page or dump is lines of text to the log detector.
	if _, ok := promfile.Sniff(head); ok {
		if tail.IsStream(path) {
			return "", usageErr("%s: saved Prometheus metrics are read from a file, not from a pipe; save them to a file first", path)
		}
		return sources.KindMetricsFile, nil
	}
	// Before logs: k6 JSON is JSON lines (and a k6 summary a JSON document)
	// and Gatling text is tab-separated text to the log detector.
	if _, ok := k6.Sniff(head); ok {
		return sources.KindK6, nil
	}
	if _, ok := gatling.Sniff(head); ok {
		return sources.KindGatling, nil
	}
	if _, ok := logs.Sniff(head); ok {
		return sources.KindLog, nil
	}
	if len(bytes.Trim(head, "\x00")) == 0 {
		// Only NULs so far: a log whose start is a gap longer than the head
		// (copytruncate), or one not written yet.
		rest, _, err := tail.HeadPastNULs(path, sources.SniffBytes)
		if err != nil {
			return "", &exitError{exitUsage, fmt.Errorf("%s: %w", path, err)}
		}
		if _, ok := logs.Sniff(rest); ok || len(rest) == 0 {
			return sources.KindLog, nil
		}
		head = rest
	}
	return "", usageErr("%s", sources.At(path, 1, describeHead(head)+"; if it is a log all the same, read it with --log "+path))
}

// streamNote is how long detection waits for the first bytes of pipes
// before it says on stderr what it waits for.
const streamNote = time.Second

// sniffStreams reads the first bytes of every positional SOURCE that is a
// stream (a named pipe, a process substitution such as <(kubectl logs -f
// x)) all at once, before detect asks for them one by one: opening a pipe
// waits for its writer, and one writer may wait for another pipe to be
// read. Each stream stays open with what was read, for its source. When
// that takes a while, stderr says what it waits for.
func sniffStreams(args []string) {
	type pending struct {
		name string
		done chan struct{}
	}
	var all []pending
	for _, a := range args {
		name, _ := timespec.SplitZone(a)
		if name == "-" || isURL(name) || !tail.IsStream(name) {
			continue
		}
		p := pending{name, make(chan struct{})}
		all = append(all, p)
		go func() {
			defer close(p.done)
			_, _ = tail.Head(p.name, sources.SniffBytes) // detect says what went wrong
		}()
	}
	if len(all) == 0 {
		return
	}
	note := time.NewTimer(streamNote)
	defer note.Stop()
	for i, p := range all {
		select {
		case <-p.done:
			continue
		case <-note.C:
		}
		var waiting []string
		for _, q := range all[i:] {
			select {
			case <-q.done:
			default:
				waiting = append(waiting, q.name)
			}
		}
		fmt.Fprintf(os.Stderr, "sobang: waiting for the first bytes of %s to tell what it holds (naming the kind, as with --log or --jtl, does not wait)\n",
			strings.Join(waiting, ", "))
		for _, q := range all[i:] {
			<-q.done
		}
		return
	}
}

// kindByName guesses the kind of a file that cannot be read yet.
func kindByName(path string) sources.Kind {
	name := strings.TrimSuffix(strings.ToLower(path), ".gz")
	switch filepath.Ext(name) {
	case ".jtl", ".csv", ".xml":
		return sources.KindJTL
	}
	return sources.KindLog
}

// describeHead says, for a file of no kind sobang reads, what was expected
// and what its head holds instead.
func describeHead(head []byte) string {
	const want = "a JMeter JTL (CSV with a timeStamp column, or XML <testResults>), k6, Gatling or Locust output, saved Prometheus metrics, or a text log"
	bin := 0
	for _, c := range head[:min(len(head), 512)] {
		if c < 0x09 || (c > 0x0d && c < 0x20) {
			bin++
		}
	}
	if bin > 0 {
		return "expected " + want + ", found binary data"
	}
	line, _, _ := strings.Cut(string(head), "\n")
	return sources.Expected("", want, line)
}

// build makes the sources of the specs. follow keeps reading live inputs.
func (f *sourceFlags) build(specs []spec, follow bool, stdin io.Reader) ([]sources.Source, error) {
	offsets := map[string]time.Duration{}
	for _, o := range f.offsets {
		name, d, err := timespec.ParseOffset(o)
		if err != nil {
			return nil, usageErr("--offset: %v", err)
		}
		offsets[name] = d
	}
	jopt, err := f.jtlf.jtlOptions(follow)
	if err != nil {
		return nil, err
	}
	var out []sources.Source
	used := map[string]bool{}
	// --prom asks for the time range the other sources' data covers, once
	// they have caught up; without such sources, for the live range.
	span := newRunSpan()
	prom := false
	commands := map[int]bool{} // the --log-cmd sources, by index in out
	for _, s := range specs {
		info := sources.Info{Name: s.name, Kind: s.kind, Zone: s.zone, Wait: s.wait, Clock: clock}
		for name, d := range offsets {
			for _, n := range append([]string{s.name}, s.aliases...) {
				if name == n || name == filepath.Base(n) {
					info.Offset = d
					used[name] = true
				}
			}
		}
		built := len(out)
		switch s.kind {
		case kindRecording:
			rec, err := record.Open(s.name)
			if err != nil {
				return nil, &exitError{exitUsage, err}
			}
			recorded := rec.Sources(clock)
			marks, _ := rec.Marks() // damaged frames are said by the sources' pass
			for _, ms := range record.SetMarks(marks) {
				f.marks = append(f.marks, ms+info.Offset.Milliseconds())
			}
			for ms, text := range record.MarkNotes(marks) {
				if f.notes == nil {
					f.notes = map[int64]string{}
				}
				f.notes[ms+info.Offset.Milliseconds()] = text
			}
			for _, r := range recorded {
				out = append(out, shifted(r, info.Offset))
			}
		case sources.KindJTL:
			out = append(out, jtl.New(info, jopt))
		case sources.KindK6:
			out = append(out, k6.New(info, k6.Options{Follow: follow}))
		case sources.KindGatling:
			out = append(out, gatling.New(info, gatling.Options{Follow: follow}))
		case sources.KindLocust:
			out = append(out, locust.New(info, locust.Options{Follow: follow}))
		case sources.KindLog:
			opt := logs.Options{Follow: follow}
			switch {
			case s.cmd:
				opt.Command, opt.Restart = s.name, follow
				commands[len(out)] = true
			case s.name == "-":
				opt.Stdin = stdin
			}
			out = append(out, logs.New(info, opt))
		case sources.KindMetricsFile:
			out = append(out, promfile.New(info))
		case sources.KindScrape:
			opt, err := f.scrapeOptions(s.name)
			if err != nil {
				return nil, err
			}
			opt.Follow = follow
			out = append(out, scrape.New(info, opt))
		case sources.KindPrometheus:
			opt, err := f.promOptions(follow)
			if err != nil {
				return nil, err
			}
			opt.Span = f.narrowed(span.wait)
			info.Queries = opt.Queries
			out = append(out, promapi.New(info, opt))
			prom = true
		}
		if len(s.notes) > 0 && len(out) > built {
			out[built] = notedSource{out[built], s.notes}
		}
	}
	for name := range offsets {
		if !used[name] {
			return nil, usageErr("--offset: no source named %s", sources.Quote(name))
		}
	}
	if prom {
		withSpan(out, span, commands)
	}
	if f.crashTest {
		out = append(out, crashSource{})
	}
	return out, nil
}

// scrapeOptions resolves how the URL is scraped: a flag given wins, then
// the URL's table in the configuration file, then its [metrics] table, then
// the defaults. An interval left to its default grows to a longer timeout
// (a target answering in 1.5 s needs --scrape-timeout 2s and nothing
// else); a timeout longer than an interval that was set is an error, since
// scrapes of one target never overlap.
func (f *sourceFlags) scrapeOptions(url string) (scrape.Options, error) {
	var set config.ScrapeSettings
	cfgPath := ""
	if f.cfg != nil {
		set, cfgPath = f.cfg.Metrics.For(url), f.cfg.Path
	}
	changed := func(name string) bool {
		if f.fs == nil {
			return false
		}
		fl := f.fs.Lookup(name)
		return fl != nil && fl.Changed
	}
	interval, timeout := sources.ScrapeInterval, sources.ScrapeTimeout
	intervalFrom, timeoutFrom := "", "" // where each was set, "" for the default
	if set.Interval > 0 {
		interval, intervalFrom = set.Interval, fmt.Sprintf("%s:%d", cfgPath, set.IntervalLine)
	}
	if set.Timeout > 0 {
		timeout, timeoutFrom = set.Timeout, fmt.Sprintf("%s:%d", cfgPath, set.TimeoutLine)
	}
	if changed("scrape-interval") {
		if f.scrapeInterval <= 0 {
			return scrape.Options{}, usageErr("%s", sources.Expected("--scrape-interval", "a duration above 0", f.scrapeInterval.String()))
		}
		interval, intervalFrom = f.scrapeInterval, "--scrape-interval"
	}
	if changed("scrape-timeout") {
		if f.scrapeTimeout <= 0 {
			return scrape.Options{}, usageErr("%s", sources.Expected("--scrape-timeout", "a duration above 0", f.scrapeTimeout.String()))
		}
		timeout, timeoutFrom = f.scrapeTimeout, "--scrape-timeout"
	}
	if timeout > interval {
		if intervalFrom != "" {
			return scrape.Options{}, usageErr("%s: the timeout (%v, %s) is longer than the interval (%v, %s); scrapes of one target never overlap: make the interval longer or the timeout shorter",
				url, timeout, timeoutFrom, interval, intervalFrom)
		}
		interval = timeout
	}
	maxSeries := set.MaxSeries
	if changed("max-series") {
		if f.maxSeries < 0 {
			return scrape.Options{}, usageErr("%s", sources.Expected("--max-series", "a number of series, 0 for no limit", strconv.Itoa(f.maxSeries)))
		}
		maxSeries = f.maxSeries
		if maxSeries == 0 {
			maxSeries = -1
		}
	}
	return scrape.Options{Interval: interval, Timeout: timeout, MaxSeries: maxSeries}, nil
}

// shifted returns src with d added to its clock offset (--offset naming a
// recording shifts every source it recorded).
func shifted(src sources.Source, d time.Duration) sources.Source {
	if d == 0 {
		return src
	}
	info := src.Info()
	info.Offset += d
	return infoSource{src, info}
}

// infoSource is a source with another Info.
type infoSource struct {
	sources.Source
	info sources.Info
}

func (s infoSource) Info() sources.Info { return s.info }

// notedSource is a source with warnings the command line found about it (it
// was named twice), which join the source's own in the store.
type notedSource struct {
	sources.Source
	notes []string
}

// notesOf returns the command line's warnings about src.
func notesOf(src sources.Source) []string {
	if n, ok := src.(notedSource); ok {
		return n.notes
	}
	return nil
}

// addNotes puts the command line's warnings about each source among the
// store's warnings of that source, where the report and the dashboard list
// them; st was made from srcs, in the same order.
func addNotes(st *store.Store, srcs []sources.Source) {
	for i, s := range srcs {
		if n := notesOf(s); len(n) > 0 && i < len(st.Sources) {
			st.Sources[i].Warnings = append(st.Sources[i].Warnings, n...)
		}
	}
}

// crashSource panics shortly after it starts, to test that a panic in a
// source goroutine restores the terminal and writes a crash report.
type crashSource struct{}

func (crashSource) Info() sources.Info {
	return sources.Info{Name: "crash-test", Kind: sources.KindLog}
}

func (crashSource) Run(ctx context.Context, _ sources.Sink) error {
	if sources.Sleep(ctx, clock, 500*time.Millisecond) != nil {
		return nil
	}
	panic("crash test: a source goroutine panicked on purpose")
}
