package plan

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

// Severity is how much a finding matters.
type Severity int

// The severities, least first.
const (
	Info Severity = iota
	Warning
	Error
)

// String is the severity as the outputs write it.
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// Finding is one thing wrong with a plan.
type Finding struct {
	ID       string   // the rule's id
	Severity Severity // the rule's severity
	Path     string   // the element's path in the tree ("Test Plan / Users / Login")
	Line     int      // where the element starts in the file; 0 for the plan as a whole
	Message  string   // what is wrong here
	Why      string   // why it matters (the rule's)
	Fix      string   // how to fix it (the rule's)
}

// Rule is one check of the linter: data, so that the table below is the
// whole checklist.
type Rule struct {
	ID       string
	Severity Severity
	Why      string
	Fix      string
	check    func(*linter) []hit
}

// hit is one place a rule found, with what it says about it.
type hit struct {
	e   *Element
	msg string
}

// LintOptions say where a plan's files are looked for.
type LintOptions struct {
	// WorkDir is the directory JMeter would be run from ("" for the
	// process's); relative files are looked for beside the plan, then
	// there.
	WorkDir string
	// Exists reports whether a file exists; nil uses os.Stat.
	Exists func(path string) bool
	// Ignore lists rule ids whose findings are dropped.
	Ignore []string
}

// Rules is the linter's checklist, in the order the findings of one
// severity are listed.
var Rules = []Rule{
	// errors: the run is wrong or does not run at all
	{ID: "loops-forever", Severity: Error,
		Why:   "the thread group loops forever and nothing ends it: the test runs until someone stops it, so a CI job hangs and the results have no end",
		Fix:   "set a loop count, or tick \"Specify Thread lifetime\" (the scheduler) with a duration",
		check: checkForever},
	{ID: "csv-missing", Severity: Error,
		Why:   "JMeter stops the thread (or sends <EOF> as data) when the CSV Data Set's file cannot be opened: every request that uses its variables is wrong",
		Fix:   "put the file where the plan says, relative to the plan's directory, or give the folder as a property (-Jname=DIR) the file name uses",
		check: checkCSVMissing},
	{ID: "gui-listener", Severity: Error,
		Why:   "a View Results Tree, Aggregate Report or graph listener keeps every sample in the injector's memory: it slows the load generator and skews the results of a load test",
		Fix:   "disable it for load tests and write results with -l results.jtl; open them afterwards (sobang, or JMeter's HTML report)",
		check: checkGUIListener},
	{ID: "not-jmeter-class", Severity: Error,
		Why:   "the element's class is not part of JMeter: the plan does not load on an injector without that plugin",
		Fix:   "install the plugin on every injector (JMeter Plugins Manager, or the jar in lib/ext), or replace the element by a core one",
		check: checkNotJMeter},

	// warnings: the run measures something other than intended
	{ID: "no-timeout", Severity: Warning,
		Why:   "an HTTP request with no connect or response timeout (or 0) waits forever for a server that does not answer: threads hang and throughput collapses without an error",
		Fix:   "set connect and response timeouts in HTTP Request Defaults (for example 5000 and 30000 ms), or on the sampler",
		check: checkNoTimeout},
	{ID: "no-timer", Severity: Warning,
		Why:   "no timer anywhere: every thread sends its next request the moment the last one ends, so the load depends on the server's speed rather than on how users behave",
		Fix:   "add think time: a Uniform or Gaussian Random Timer, a Flow Control Action pause, or pace with a Constant Throughput Timer",
		check: checkNoTimer},
	{ID: "fast-ramp", Severity: Warning,
		Why:   "50 threads or more start faster than 10 a second: the server sees a burst, not a ramp, and the first minute measures its cold start",
		Fix:   "lengthen the ramp-up to at least threads/10 seconds",
		check: checkFastRamp},
	{ID: "embedded-resources", Severity: Warning,
		Why:   "\"Retrieve All Embedded Resources\" parses every HTML response and fetches its images, scripts and styles: the injector spends CPU on parsing, and static files (often served by a CDN) count in the results",
		Fix:   "switch it off unless the test is about page load, or restrict it with \"URLs must match\"",
		check: checkEmbedded},
	{ID: "extractor-no-default", Severity: Warning,
		Why:   "when the extractor does not match, its variable keeps the previous iteration's value (or the literal ${name}): later requests go on with wrong data and the error shows far from its cause",
		Fix:   "set a default value such as NOT_FOUND and assert on it, or tick \"Use empty default value\"",
		check: checkExtractorDefault},
	{ID: "csv-share-mode", Severity: Warning,
		Why:   "with this sharing mode each thread (or each thread group) reads the file from its first row: threads log in as the same users and send the same data",
		Fix:   "use \"All threads\" (shareMode.all) unless every thread must replay the file from its start",
		check: checkCSVShare},
	{ID: "ctt-per-thread", Severity: Warning,
		Why:   "the Constant Throughput Timer computes per thread: the target is multiplied by the number of threads, so the planned throughput is not the one configured",
		Fix:   "set \"Calculate Throughput based on\" to \"all active threads\" (shared)",
		check: checkCTT},
	{ID: "property-no-default", Severity: Warning,
		Why:   "the plan reads a property with no default: run without it, JMeter uses 1 (for __P) or nothing, and the test silently runs another shape",
		Fix:   "give a default, ${__P(name,DEFAULT)}, and pass the real value with -Jname=VALUE",
		check: checkPropNoDefault},
	{ID: "tc-parent-samples", Severity: Warning,
		Why:   "the Transaction Controller generates a parent sample and its children are written too (as sub-results): counts, throughput and percentiles mix transactions with their requests",
		Fix:   "untick \"Generate parent sample\", or run with jmeter.save.saveservice.subresults=false",
		check: checkTCParent},

	// info: worth knowing
	{ID: "loops-until-csv-end", Severity: Info,
		Why:   "the thread group loops forever; only the end of a CSV file (Recycle on EOF off, Stop thread on EOF on) ends it",
		Fix:   "state the end explicitly with a loop count or a scheduler duration if the file's length is not the plan",
		check: checkForeverCSV},
	{ID: "assertion-cannot-fail", Severity: Info,
		Why:   "the assertion has nothing to check: it passes whatever the response is",
		Fix:   "give it a pattern (or a duration, a size), or remove it",
		check: checkAssertion},
	{ID: "beanshell", Severity: Info,
		Why:   "BeanShell (and BSF) interpret the script on every call: under load they cost the injector much more CPU than a compiled script",
		Fix:   "use a JSR223 element with Groovy and \"Cache compiled script\"",
		check: checkBeanShell},
	{ID: "jsr223-inline-var", Severity: Info,
		Why:   "a ${var} inside a JSR223 script changes its text on every call, so the compiled script cannot be cached",
		Fix:   "pass the value through Parameters, or read it with vars.get(\"name\") in the script",
		check: checkJSRInline},
	{ID: "jsr223-no-cache", Severity: Info,
		Why:   "with \"Cache compiled script\" off the script is compiled on every call",
		Fix:   "tick \"Cache compiled script if available\"",
		check: checkJSRCache},
	{ID: "debug-sampler", Severity: Info,
		Why:   "a Debug Sampler left on adds samples of its own to the results and dumps every variable",
		Fix:   "disable it once the plan works",
		check: checkDebug},
	{ID: "duration-ignored", Severity: Info,
		Why:   "a duration is written but the scheduler is off: JMeter ignores it",
		Fix:   "tick \"Specify Thread lifetime\" if the duration is meant, or clear it",
		check: checkDurationIgnored},
	{ID: "scheduler-zero", Severity: Info,
		Why:   "the scheduler is on with a duration of 0 (or none): the duration does not bound the thread group",
		Fix:   "give a duration in seconds, or turn the scheduler off",
		check: checkSchedulerZero},
}

// RuleByID returns the rule with that id.
func RuleByID(id string) (*Rule, bool) {
	for i := range Rules {
		if Rules[i].ID == id {
			return &Rules[i], true
		}
	}
	return nil, false
}

// RuleIDs lists every rule id.
func RuleIDs() []string {
	ids := make([]string, len(Rules))
	for i, r := range Rules {
		ids[i] = r.ID
	}
	return ids
}

// Lint checks the plan against every rule and returns the findings,
// errors first, then warnings and infos, each in file order.
func Lint(p *Plan, opt LintOptions) []Finding {
	l := newLinter(p, opt)
	var out []Finding
	for _, r := range Rules {
		if slices.Contains(opt.Ignore, r.ID) {
			continue
		}
		for _, h := range r.check(l) {
			f := Finding{ID: r.ID, Severity: r.Severity, Message: h.msg, Why: r.Why, Fix: r.Fix}
			if h.e != nil {
				f.Path, f.Line = h.e.Path(), h.e.Line
			}
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		if c := cmp.Compare(b.Severity, a.Severity); c != 0 {
			return c
		}
		return cmp.Compare(a.Line, b.Line)
	})
	return out
}

// linter holds what the rules share: the elements that run, in file order.
type linter struct {
	p      *Plan
	opt    LintOptions
	active []*Element // effective-enabled elements, outside the WorkBench
	top    *Element   // the Test Plan element, or nil
}

func newLinter(p *Plan, opt LintOptions) *linter {
	l := &linter{p: p, opt: opt}
	for _, c := range p.Root.Children {
		c.Walk(func(e *Element) bool {
			if !e.Enabled || e.Kind == KindWorkBench || e.Class == "ProxyControl" {
				return false
			}
			if e.Kind == KindTestPlan && l.top == nil {
				l.top = e
			}
			l.active = append(l.active, e)
			return true
		})
	}
	return l
}

func (l *linter) each(keep func(*Element) bool) []*Element {
	var out []*Element
	for _, e := range l.active {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// inThreadGroup reports whether the element runs under a thread group.
func inThreadGroup(e *Element) bool {
	for x := e.Parent; x != nil; x = x.Parent {
		if x.Kind == KindThreadGroup {
			return true
		}
	}
	return false
}

func (l *linter) activeGroups() []*ThreadGroup {
	var out []*ThreadGroup
	for _, tg := range l.p.ThreadGroups {
		if tg.Element.Active() && !underWorkBench(tg.Element) {
			out = append(out, tg)
		}
	}
	return out
}

func underWorkBench(e *Element) bool {
	for x := e.Parent; x != nil; x = x.Parent {
		if x.Kind == KindWorkBench {
			return true
		}
	}
	return false
}

func (l *linter) resolve(e *Element, name string) (Value, bool) {
	raw, ok := e.Str(name)
	if !ok {
		return Value{}, false
	}
	return l.p.Resolve(raw), true
}

func shortClass(c string) string {
	if i := strings.LastIndexByte(c, '.'); i >= 0 {
		return c[i+1:]
	}
	return c
}

func s2f(s string) float64 {
	f, _ := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f
}

func fmtN(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// --- loops, scheduler

// foreverGroups are the core groups that loop forever without a scheduler
// duration (a non-literal one counts as bounded), split by whether a CSV
// data set that stops the thread at its end is in their scope.
func (l *linter) foreverGroups() (unbounded, byCSV []*ThreadGroup) {
	for _, tg := range l.activeGroups() {
		if !tg.Forever() {
			continue
		}
		if tg.Scheduler && (strings.Contains(tg.Duration.Raw, "${") || (tg.Duration.Known && tg.Duration.N > 0)) {
			continue
		}
		if l.csvStopsThread(tg.Element) {
			byCSV = append(byCSV, tg)
		} else {
			unbounded = append(unbounded, tg)
		}
	}
	return unbounded, byCSV
}

// csvStopsThread reports whether a CSV data set in the group's scope (in
// it, or beside it or an ancestor) stops the thread at the file's end.
func (l *linter) csvStopsThread(tg *Element) bool {
	stops := func(e *Element) bool {
		return e.Class == "CSVDataSet" && e.Enabled && !e.Bool("recycle", true) && e.Bool("stopThread", false)
	}
	found := false
	tg.Walk(func(e *Element) bool {
		if !e.Enabled {
			return false
		}
		found = found || stops(e)
		return !found
	})
	for x := tg.Parent; x != nil && !found; x = x.Parent {
		for _, c := range x.Children {
			if stops(c) {
				found = true
			}
		}
	}
	return found
}

func checkForever(l *linter) []hit {
	groups, _ := l.foreverGroups()
	var out []hit
	for _, tg := range groups {
		why := "loops forever (-1) with the scheduler off"
		if tg.Scheduler {
			why = "loops forever (-1) and the scheduler's duration is " + quoteOrEmpty(tg.Duration.Raw)
		}
		out = append(out, hit{tg.Element, why})
	}
	return out
}

func checkForeverCSV(l *linter) []hit {
	_, groups := l.foreverGroups()
	var out []hit
	for _, tg := range groups {
		out = append(out, hit{tg.Element, "loops forever (-1); a CSV Data Set with Stop thread on EOF ends each thread"})
	}
	return out
}

func quoteOrEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return "empty"
	}
	return sources.Quote(s)
}

func checkDurationIgnored(l *linter) []hit {
	var out []hit
	for _, tg := range l.activeGroups() {
		if tg.IgnoredDuration != "" {
			out = append(out, hit{tg.Element, "duration " + sources.Quote(sanitize.Value(tg.IgnoredDuration)) + " is set but the scheduler is off"})
		}
	}
	return out
}

func checkSchedulerZero(l *linter) []hit {
	var out []hit
	for _, tg := range l.activeGroups() {
		if !tg.Core() || !tg.Scheduler || tg.Forever() || strings.Contains(tg.Duration.Raw, "${") {
			continue
		}
		if strings.TrimSpace(tg.Duration.Raw) == "" || (tg.Duration.Known && tg.Duration.N == 0) {
			out = append(out, hit{tg.Element, "the scheduler is on with duration " + quoteOrEmpty(tg.Duration.Raw)})
		}
	}
	return out
}

// --- CSV data sets

func (l *linter) exists(path string) bool {
	if l.opt.Exists != nil {
		return l.opt.Exists(path)
	}
	_, err := os.Stat(path)
	return err == nil
}

func checkCSVMissing(l *linter) []hit {
	var out []hit
	planDir := filepath.Dir(l.p.Path)
	for _, e := range l.each(func(e *Element) bool { return e.Class == "CSVDataSet" }) {
		v, _ := l.resolve(e, "filename")
		name := strings.TrimSpace(v.Text)
		switch {
		case name == "":
			out = append(out, hit{e, "no file name"})
			continue
		case !v.OK():
			continue // named by what only the run knows; property-no-default says so where it can
		}
		shown := strconv.Quote(sanitize.Value(name))
		if strings.HasPrefix(name, "~") {
			out = append(out, hit{e, "file " + shown + " starts with ~, which JMeter does not expand to the home directory"})
			continue
		}
		if filepath.IsAbs(name) {
			if !l.exists(name) {
				out = append(out, hit{e, "file " + shown + " (an absolute path) does not exist here"})
			}
			continue
		}
		if l.exists(filepath.Join(planDir, name)) {
			continue
		}
		wd := l.opt.WorkDir
		if wd == "" {
			wd = "."
		}
		if l.exists(filepath.Join(wd, name)) {
			continue
		}
		msg := "file " + shown + " is neither beside the plan nor in the working directory"
		if v.HasRefs() {
			msg += " (resolved from " + sources.Quote(sanitize.Value(v.Raw)) + ")"
		}
		out = append(out, hit{e, msg})
	}
	return out
}

func checkCSVShare(l *linter) []hit {
	var out []hit
	for _, e := range l.each(func(e *Element) bool { return e.Class == "CSVDataSet" }) {
		mode, ok := e.Str("shareMode")
		mode = strings.TrimSpace(mode)
		switch {
		case !ok || mode == "" || mode == "shareMode.all":
			// Absent means all threads, JMeter's default.
		case mode == "shareMode.thread":
			out = append(out, hit{e, "sharing mode \"Current thread\": every thread reads the file from its first row"})
		case mode == "shareMode.group":
			out = append(out, hit{e, "sharing mode \"Current thread group\": every thread group reads the file from its first row"})
		default:
			out = append(out, hit{e, "sharing mode " + sources.Quote(sanitize.Value(mode)) + " is no mode JMeter knows: it is taken as the name of a sharing group"})
		}
	}
	return out
}

// --- listeners and classes

// guiListeners are the listeners that draw in JMeter's GUI and keep what
// they draw.
var guiListeners = setOf("ViewResultsFullVisualizer", "StatVisualizer", "StatGraphVisualizer",
	"GraphVisualizer", "RespTimeGraphVisualizer", "DistributionGraphVisualizer", "SplineVisualizer",
	"ComparisonVisualizer", "AssertionVisualizer", "MonitorHealthVisualizer")

// pluginCollectors are jp@gc listeners that collect server metrics to a
// file rather than draw samples.
var pluginCollectors = setOf("PerfMonGui", "JMXMonGui", "DbMonGui")

func checkGUIListener(l *linter) []hit {
	var out []hit
	for _, e := range l.each(func(e *Element) bool { return e.Kind == KindListener }) {
		gui := shortClass(e.GUI)
		plugin := strings.HasPrefix(e.GUI, "kg.apc.jmeter.vizualizers.") && !pluginCollectors[gui]
		if guiListeners[gui] || plugin {
			out = append(out, hit{e, "GUI listener " + sources.Quote(sanitize.Value(gui)) + " is enabled"})
		}
	}
	return out
}

func checkNotJMeter(l *linter) []hit {
	type use struct {
		first *Element
		n     int
	}
	uses := map[string]*use{}
	var order []string
	// The WorkBench counts here: JMeter loads its elements with the plan.
	var all []*Element
	for _, c := range l.p.Root.Children {
		c.Walk(func(e *Element) bool {
			if !e.Enabled {
				return false
			}
			all = append(all, e)
			return true
		})
	}
	for _, e := range all {
		if IsCoreClass(e.Class) {
			continue
		}
		u := uses[e.Class]
		if u == nil {
			u = &use{first: e}
			uses[e.Class] = u
			order = append(order, e.Class)
		}
		u.n++
	}
	var out []hit
	for _, c := range order {
		u := uses[c]
		msg := "class " + sources.Quote(sanitize.Value(c)) + " is from " + pluginFamily(sanitize.Value(c))
		if u.n > 1 {
			msg += fmt.Sprintf(" (%d elements)", u.n)
		}
		out = append(out, hit{u.first, msg})
	}
	return out
}

// pluginFamily names who makes a class that is not JMeter's, for messages.
func pluginFamily(class string) string {
	switch {
	case strings.HasPrefix(class, "kg.apc."):
		return "JMeter Plugins (jmeter-plugins.org)"
	case strings.HasPrefix(class, "com.blazemeter."):
		return "BlazeMeter plugins (jmeter-plugins.org)"
	case !strings.Contains(class, "."):
		return "no plugin anyone knows: JMeter has no class of that name"
	}
	return "a third-party plugin (" + class[:strings.LastIndexByte(class, '.')] + ")"
}

// --- HTTP

func isHTTPSampler(e *Element) bool {
	switch e.Class {
	case "HTTPSamplerProxy", "HTTPSampler", "HTTPSampler2":
		return true
	}
	return false
}

func isHTTPDefaults(e *Element) bool {
	return e.Class == "ConfigTestElement" && shortClass(e.GUI) == "HttpDefaultsGui"
}

// effective returns a sampler's value of name: its own when not empty,
// else that of the nearest enabled HTTP Request Defaults in its scope (at
// its level or above).
func effective(s *Element, name string) string {
	if v, _ := s.Str(name); strings.TrimSpace(v) != "" {
		return v
	}
	for x := s.Parent; x != nil; x = x.Parent {
		for _, c := range x.Children {
			if c.Enabled && isHTTPDefaults(c) {
				if v, _ := c.Str(name); strings.TrimSpace(v) != "" {
					return v
				}
			}
		}
	}
	return ""
}

func checkNoTimeout(l *linter) []hit {
	var out []hit
	for _, e := range l.each(func(e *Element) bool { return isHTTPSampler(e) && inThreadGroup(e) }) {
		var missing []string
		for _, k := range []struct{ prop, name string }{{"HTTPSampler.connect_timeout", "connect"}, {"HTTPSampler.response_timeout", "response"}} {
			raw := strings.TrimSpace(effective(e, k.prop))
			if raw == "" {
				missing = append(missing, "no "+k.name+" timeout")
				continue
			}
			v := l.p.Resolve(raw)
			if n, ok := v.Number(); ok && n <= 0 {
				missing = append(missing, k.name+" timeout "+fmtN(n)+" (wait forever)")
			}
		}
		if len(missing) > 0 {
			out = append(out, hit{e, strings.Join(missing, ", ")})
		}
	}
	return out
}

func checkEmbedded(l *linter) []hit {
	var out []hit
	for _, e := range l.each(func(e *Element) bool { return isHTTPSampler(e) || isHTTPDefaults(e) }) {
		if e.Bool("HTTPSampler.image_parser", false) {
			what := "the sampler downloads embedded resources"
			if isHTTPDefaults(e) {
				what = "HTTP Request Defaults switch on embedded resources for every sampler in scope"
			}
			out = append(out, hit{e, what})
		}
	}
	return out
}

// --- timers and load shape

func checkNoTimer(l *linter) []hit {
	samplers := false
	for _, e := range l.active {
		switch {
		case e.Kind == KindTimer:
			return nil
		case e.Class == "TestAction":
			if a, _ := e.Str("ActionProcessor.action"); strings.TrimSpace(a) == "1" {
				return nil
			}
		case e.Kind == KindSampler && inThreadGroup(e):
			samplers = true
		}
	}
	if !samplers {
		return nil
	}
	return []hit{{l.top, "no timer and no Flow Control Action pause in the whole plan"}}
}

func checkFastRamp(l *linter) []hit {
	var out []hit
	fast := func(threads, ramp Figure) bool {
		if !threads.Known || !ramp.Known || threads.N < 50 {
			return false
		}
		return ramp.N <= 0 || threads.N/ramp.N > 10
	}
	rate := func(threads, ramp Figure) string {
		if ramp.N <= 0 {
			return fmtN(threads.N) + " threads start at once (ramp-up 0)"
		}
		return fmt.Sprintf("%s threads in %s s (%.1f a second)", fmtN(threads.N), fmtN(ramp.N), threads.N/ramp.N)
	}
	for _, tg := range l.activeGroups() {
		switch tg.Type {
		case "standard", "setUp", "tearDown", "concurrency":
			if fast(tg.Threads, tg.RampUp) {
				out = append(out, hit{tg.Element, rate(tg.Threads, tg.RampUp)})
			}
		case "ultimate":
			for i, r := range tg.Rows {
				if fast(r.Threads, r.Startup) {
					out = append(out, hit{tg.Element, fmt.Sprintf("schedule row %d: %s", i+1, rate(r.Threads, r.Startup))})
				}
			}
		}
	}
	return out
}

func checkCTT(l *linter) []hit {
	var out []hit
	for _, e := range l.each(func(e *Element) bool { return e.Class == "ConstantThroughputTimer" }) {
		mode, ok := e.Str("calcMode")
		mode = strings.TrimSpace(mode)
		switch {
		case !ok:
			out = append(out, hit{e, "no calcMode saved: JMeter computes per thread (this thread only)"})
		case mode == "0" || mode == "calcMode.1" || strings.EqualFold(mode, "this thread only"):
			out = append(out, hit{e, "computes per thread (this thread only)"})
		}
	}
	return out
}

// --- properties

func checkPropNoDefault(l *linter) []hit {
	seen := map[string]bool{}
	var out []hit
	for _, e := range l.active {
		for _, f := range e.flat {
			raw := f.value
			if !strings.Contains(raw, "${__P") && !strings.Contains(raw, "${__property") {
				continue
			}
			for _, name := range l.p.Resolve(raw).NoDefault {
				if !seen[name] {
					seen[name] = true
					out = append(out, hit{e, "property " + sources.Quote(name) + " is read without a default and not given (-J" + name + "=VALUE)"})
				}
			}
		}
	}
	return out
}

// --- controllers, extractors, assertions, scripts

func checkTCParent(l *linter) []hit {
	if v, ok := l.p.res.props["jmeter.save.saveservice.subresults"]; ok && strings.EqualFold(strings.TrimSpace(v), "false") {
		return nil
	}
	var out []hit
	for _, e := range l.each(func(e *Element) bool { return e.Class == "TransactionController" }) {
		if e.Bool("TransactionController.parent", false) {
			out = append(out, hit{e, "generates a parent sample; its children are written as sub-results"})
		}
	}
	return out
}

func checkExtractorDefault(l *linter) []hit {
	var out []hit
	for _, e := range l.active {
		var def string
		switch shortClass(e.Class) {
		case "RegexExtractor":
			def, _ = e.Str("RegexExtractor.default")
			if e.Bool("RegexExtractor.default_empty_value", false) {
				continue
			}
		case "JSONPostProcessor":
			def, _ = e.Str("JSONPostProcessor.defaultValues")
		case "JSONPathExtractor":
			def, _ = e.Str("DEFAULT")
		default:
			continue
		}
		if def == "" {
			out = append(out, hit{e, "no default value"})
		}
	}
	return out
}

func checkAssertion(l *linter) []hit {
	var out []hit
	for _, e := range l.active {
		switch e.Class {
		case "ResponseAssertion":
			strs := e.Prop("Asserion.test_strings")
			if strs == nil || len(strs.Children) == 0 {
				out = append(out, hit{e, "no pattern to test"})
			}
		case "DurationAssertion":
			d, _ := e.Str("DurationAssertion.duration")
			if v := l.p.Resolve(d); v.OK() && s2f(v.Text) <= 0 {
				out = append(out, hit{e, "no duration (or 0)"})
			}
		}
	}
	return out
}

func checkBeanShell(l *linter) []hit {
	var out []hit
	for _, e := range l.active {
		c := shortClass(e.Class)
		if strings.HasPrefix(c, "BeanShell") || strings.HasPrefix(c, "BSF") {
			out = append(out, hit{e, c + " element"})
		}
	}
	return out
}

func isJSR223(e *Element) bool { return strings.HasPrefix(shortClass(e.Class), "JSR223") }

func checkJSRInline(l *linter) []hit {
	var out []hit
	for _, e := range l.each(isJSR223) {
		if s, _ := e.Str("script"); strings.Contains(s, "${") {
			out = append(out, hit{e, "the script holds ${...} references"})
		}
	}
	return out
}

func checkJSRCache(l *linter) []hit {
	var out []hit
	for _, e := range l.each(isJSR223) {
		if v, ok := e.Str("cacheKey"); ok && strings.EqualFold(strings.TrimSpace(v), "false") {
			out = append(out, hit{e, "compiled-script cache is off"})
		}
	}
	return out
}

func checkDebug(l *linter) []hit {
	var out []hit
	for _, e := range l.each(func(e *Element) bool { return e.Class == "DebugSampler" }) {
		out = append(out, hit{e, "Debug Sampler enabled"})
	}
	return out
}
