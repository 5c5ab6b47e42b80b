package plan

import (
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// present are the files the corpus's plans name that exist beside them in
// their source repositories (SOURCES.md, "Negative controls"): the corpus
// holds plans only, so the linter is told which exist. The paths are as
// the linter joins them, relative to the plans' directory or the working
// directory ("wd/").
var present = []string{
	"jmeter_CSVSample.jmx:" + "CSVSample_user.csv", "jmeter_CSVSample.jmx:" + "CSVSample_actions.csv",
	"jmeter_BatchTestLocal.jmx:BatchTestLocal.txt",
	"jmeter_Http4ImplPreemptiveBasicAuth.jmx:*",
	"azure-load-testing-samples_read-from-csv.jmx:websites.csv",
	"azure-load-testing-samples_demo-podcast-test.jmx:shows.csv",
	"aws-jmeter-test-engine_ProxySite_Processing_v1.jmx:proxysitefiles.csv",
	"taurus_files_paths.jmx:../body-file.dat",
	"taurus_csvs.jmx:wd/tests/resources/test1.csv", // from the repository's root only
}

func existsFor(dir, plan string) func(string) bool {
	return func(path string) bool {
		for _, p := range present {
			file, rel, _ := strings.Cut(p, ":")
			if file != plan {
				continue
			}
			if rel == "*" {
				return true
			}
			if r, ok := strings.CutPrefix(rel, "wd/"); ok {
				if path == filepath.Join("wd", r) {
					return true
				}
				continue
			}
			if path == filepath.Join(dir, rel) {
				return true
			}
		}
		return false
	}
}

// codeRules maps SOURCES.md's codes to the rules that report them.
var codeRules = map[string]string{
	"VRT": "gui-listener", "AGG": "gui-listener", "NO-TIMEOUT": "no-timeout", "FOREVER": "loops-forever",
	"NO-TIMER": "no-timer", "FAST-RAMP": "fast-ramp", "EMBEDDED": "embedded-resources",
	"CSV-MISSING": "csv-missing", "CSV-SHARE": "csv-share-mode", "CTT-THREAD": "ctt-per-thread",
	"PLUGIN": "not-jmeter-class", "3RD-PARTY": "not-jmeter-class", "REGEX-NODEFAULT": "extractor-no-default",
	"TC-PARENT": "tc-parent-samples", "DEBUG": "debug-sampler", "BEANSHELL": "beanshell",
	"JSR-INLINE-VAR": "jsr223-inline-var", "JSR-NOCACHE": "jsr223-no-cache",
	"SCHED-OFF-DURATION": "duration-ignored", "SCHED-ZERO": "scheduler-zero",
}

// decided are where the linter departs from SOURCES.md's codes, each for a
// reason SOURCES.md leaves open ("tests can decide") or a rule wider than
// its code: file -> rule -> whether the rule fires.
var decided = map[string]map[string]bool{
	// An absent shareMode is JMeter's default, all threads: nothing to fix.
	"jmeter_GuiTest.jmx": {"csv-share-mode": false},
	// Looping forever, but a CSV with Stop thread on EOF ends the threads:
	// loops-until-csv-end (info) says so instead.
	"jmeter_CSVSample.jmx":                         {"loops-forever": false, "loops-until-csv-end": true},
	"azure-load-testing-samples_read-from-csv.jmx": {"loops-forever": false, "loops-until-csv-end": true},
	// Graph listeners (jp@gc) are GUI listeners too, beside VRT and AGG.
	"taurus_ultimateGroupTest.jmx":                {"gui-listener": true},
	"jmeter-plugins_ThroughputShapingExample.jmx": {"gui-listener": true},
	// JSON extractors without a default, beside the regex ones.
	"jmeter-plugins_All_Plugins.jmx": {"extractor-no-default": true},
	// Graph Results is a graph listener; the class of HTTP Request
	// Defaults was edited to one JMeter does not have.
	"jmeter-plugins_plancheck_Invalid.jmx": {"gui-listener": true, "not-jmeter-class": true},
	// The CSV's path holds from the working directory (the repository's
	// root), which the rule accepts beside the plan's directory.
	"taurus_csvs.jmx": {"csv-share-mode": false, "csv-missing": false},
	// BSF elements count with BeanShell.
	"jmeter_JDBC-Pre-Post-Processor.jmx": {"beanshell": true},
}

// counted are codes whose count SOURCES.md gives and the linter reports
// one finding each.
var counted = regexp.MustCompile(`(NO-TIMEOUT) \((\d+)/\d+\)|(FOREVER|TC-PARENT)×(\d+)`)

func TestCorpusFindings(t *testing.T) {
	dir, files := corpusPlans(t)
	rows := sourceRows(t, dir)
	for _, f := range files {
		name := filepath.Base(f)
		if _, bad := unreadable[name]; bad {
			continue
		}
		row := rows[name]
		t.Run(name, func(t *testing.T) {
			p, err := ReadFile(f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, fd := range Lint(p, LintOptions{WorkDir: "wd", Exists: existsFor(dir, name)}) {
				got[fd.ID]++
			}
			want := map[string]bool{}
			for _, code := range regexp.MustCompile(`[A-Z0-9][A-Z0-9-]+`).FindAllString(row.codes, -1) {
				if r, ok := codeRules[code]; ok {
					want[r] = true
				}
			}
			for r, fires := range decided[name] {
				want[r] = fires
			}
			for _, r := range ruleIDsOf(codeRules) {
				if got[r] > 0 != want[r] {
					t.Errorf("rule %s: %d findings, SOURCES.md lists it: %v (%s)", r, got[r], want[r], row.codes)
				}
			}
			if fires, ok := decided[name]["loops-until-csv-end"]; ok && (got["loops-until-csv-end"] > 0) != fires {
				t.Errorf("loops-until-csv-end: %d findings", got["loops-until-csv-end"])
			}
			for _, m := range counted.FindAllStringSubmatch(row.codes, -1) {
				code, n := m[1]+m[3], m[2]+m[4]
				if fires, ok := decided[name][codeRules[code]]; ok && !fires {
					continue
				}
				if want, _ := strconv.Atoi(n); got[codeRules[code]] != want {
					t.Errorf("%s: %d findings, SOURCES.md counts %d", code, got[codeRules[code]], want)
				}
			}
		})
	}
}

// TestEveryRuleFiresAndHolds checks that each rule of the table finds its
// mistake in at least one corpus plan and stays quiet on another.
func TestEveryRuleFiresAndHolds(t *testing.T) {
	dir, files := corpusPlans(t)
	fired, quiet := map[string]int{}, map[string]int{}
	for _, f := range files {
		name := filepath.Base(f)
		p, err := ReadFile(f, Options{})
		if err != nil {
			continue
		}
		got := map[string]bool{}
		for _, fd := range Lint(p, LintOptions{WorkDir: "wd", Exists: existsFor(dir, name)}) {
			got[fd.ID] = true
		}
		for _, r := range Rules {
			if got[r.ID] {
				fired[r.ID]++
			} else {
				quiet[r.ID]++
			}
		}
	}
	for _, r := range Rules {
		if fired[r.ID] == 0 || quiet[r.ID] == 0 {
			t.Errorf("rule %s fires on %d corpus plans and holds on %d: want both", r.ID, fired[r.ID], quiet[r.ID])
		}
	}
}

func ruleIDsOf(m map[string]string) []string {
	var ids []string
	for _, id := range m {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func TestLintOptions(t *testing.T) {
	const tc = `
      <ThreadGroup testclass="ThreadGroup" testname="Users" enabled="true">
        <stringProp name="LoopController.loops">-1</stringProp>
        <stringProp name="ThreadGroup.num_threads">1</stringProp>
        <stringProp name="ThreadGroup.ramp_time">1</stringProp>
      </ThreadGroup>
      <hashTree>
        <TransactionController testclass="TransactionController" testname="Login" enabled="true">
          <boolProp name="TransactionController.parent">true</boolProp>
        </TransactionController>
        <hashTree/>
      </hashTree>`
	tests := []struct {
		name   string
		props  map[string]string
		ignore []string
		want   []string
	}{
		{"all", nil, nil, []string{"loops-forever Test Plan / Users", "tc-parent-samples Test Plan / Users / Login"}},
		{"ignored", nil, []string{"loops-forever"}, []string{"tc-parent-samples Test Plan / Users / Login"}},
		{"sub-results not written", map[string]string{"jmeter.save.saveservice.subresults": "false"}, nil, []string{"loops-forever Test Plan / Users"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Read(strings.NewReader(planXML(tc)), "p.jmx", Options{Props: tt.props})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range Lint(p, LintOptions{Ignore: tt.ignore}) {
				got = append(got, f.ID+" "+f.Path)
				if f.Why == "" || f.Fix == "" || f.Message == "" {
					t.Errorf("%s: empty why, fix or message: %+v", f.ID, f)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRulesAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		if seen[r.ID] || !regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`).MatchString(r.ID) || r.Why == "" || r.Fix == "" || r.check == nil {
			t.Errorf("rule %+v: duplicate id, bad id, or missing why, fix or check", r)
		}
		seen[r.ID] = true
	}
}
