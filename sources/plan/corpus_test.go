package plan

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/corpus"
)

// sourceRow is one plan of the corpus as its SOURCES.md describes it.
type sourceRow struct {
	file   string
	groups string // the thread-group column
	codes  string // the mistakes column
}

// sourceRows reads the per-file tables of SOURCES.md, the corpus's own
// account of each plan: the tests check the reader and the linter against
// it rather than against a copy that could drift.
func sourceRows(t *testing.T, dir string) map[string]sourceRow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "SOURCES.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]sourceRow{}
	for _, line := range strings.Split(string(data), "\n") {
		cells := strings.Split(line, " | ")
		if len(cells) != 7 || !strings.HasPrefix(line, "| ") {
			continue
		}
		file := strings.Fields(strings.TrimPrefix(cells[0], "| "))[0]
		if !strings.Contains(file, ".jmx") {
			continue
		}
		rows[file] = sourceRow{file: file, groups: cells[4], codes: cells[5]}
	}
	if len(rows) < 60 {
		t.Fatalf("SOURCES.md: %d plans found, want the corpus's 69", len(rows))
	}
	return rows
}

// unreadable are the corpus files that are not plans, with where the
// reader must say so.
var unreadable = map[string]string{
	"taurus_broken.jmx":            "taurus_broken.jmx:43: ",
	"jmeter-maven-plugin_fake.jmx": "jmeter-maven-plugin_fake.jmx: ",
}

func corpusPlans(t *testing.T) (string, []string) {
	dir := corpus.Dir(t, "plans")
	files, err := filepath.Glob(filepath.Join(dir, "*.jmx*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no plans in %s: %v", dir, err)
	}
	return dir, files
}

func TestCorpusEveryPlanReads(t *testing.T) {
	_, files := corpusPlans(t)
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			p, err := ReadFile(f, Options{})
			if want, bad := unreadable[name]; bad {
				var le *sources.LineError
				if err == nil || !errors.As(err, &le) || !strings.Contains(err.Error(), want) {
					t.Fatalf("ReadFile = %v, want an error starting %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Elements == 0 {
				t.Error("no element read")
			}
		})
	}
}

// coreGroup matches a core thread group in SOURCES.md's thread-group
// column: TG “name”: THREADS thr, ramp RAMP, loops LOOPS[, scheduler on,
// duration D][ **(disabled)**].
var coreGroup = regexp.MustCompile(`(TG|setUp|tearDown) “([^”]*)”: (\S*) thr, ramp (\S*), loops (-?\d+)(, scheduler on, duration ([^ <]+))?(, \(scheduler off, duration (\d+) ignored\))?( \*\*\(disabled\)\*\*)?`)

var pluginGroup = regexp.MustCompile(`(UTG|Stepping|Concurrency|Arrivals) “([^”]*)”`)

func TestCorpusThreadGroups(t *testing.T) {
	dir, files := corpusPlans(t)
	rows := sourceRows(t, dir)
	kinds := map[string]string{"TG": "standard", "setUp": "setUp", "tearDown": "tearDown",
		"UTG": "ultimate", "Stepping": "stepping", "Concurrency": "concurrency", "Arrivals": "arrivals"}
	for _, f := range files {
		name := filepath.Base(f)
		if _, bad := unreadable[name]; bad {
			continue
		}
		row, ok := rows[name]
		if !ok {
			t.Errorf("%s: not in SOURCES.md", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			p, err := ReadFile(f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, part := range strings.Split(row.groups, "<br>") {
				if coreGroup.MatchString(part) || pluginGroup.MatchString(part) {
					want = append(want, part)
				}
			}
			if len(want) != len(p.ThreadGroups) {
				t.Fatalf("%d thread groups, SOURCES.md lists %d: %q", len(p.ThreadGroups), len(want), row.groups)
			}
			for i, part := range want {
				tg := p.ThreadGroups[i]
				if m := pluginGroup.FindStringSubmatch(part); m != nil && !strings.HasPrefix(part, "TG") {
					if tg.Type != kinds[m[1]] || tg.Element.Name != m[2] {
						t.Errorf("group %d = %s %q, want %s %q", i, tg.Type, tg.Element.Name, kinds[m[1]], m[2])
					}
					if disabled := strings.Contains(part, "(disabled)"); disabled == tg.Element.Active() {
						t.Errorf("group %d: active %v, SOURCES.md says disabled %v", i, tg.Element.Active(), disabled)
					}
					continue
				}
				m := coreGroup.FindStringSubmatch(part)
				if tg.Type != kinds[m[1]] || tg.Element.Name != m[2] {
					t.Errorf("group %d = %s %q, want %s %q", i, tg.Type, tg.Element.Name, kinds[m[1]], m[2])
				}
				checkFigure(t, i, "threads", tg.Threads, m[3])
				checkFigure(t, i, "ramp-up", tg.RampUp, m[4])
				checkFigure(t, i, "loops", tg.Loops, m[5])
				if m[6] != "" {
					if !tg.Scheduler {
						t.Errorf("group %d: scheduler off, SOURCES.md says on", i)
					}
					checkFigure(t, i, "duration", tg.Duration, m[7])
				} else if tg.Scheduler && tg.Duration.Raw != "" && tg.Duration.N != 0 {
					t.Errorf("group %d: scheduler on (duration %q), SOURCES.md says off", i, tg.Duration.Raw)
				}
				if m[9] != "" && tg.IgnoredDuration != m[9] {
					t.Errorf("group %d: ignored duration %q, want %q", i, tg.IgnoredDuration, m[9])
				}
				if disabled := m[10] != ""; disabled == tg.Element.Active() {
					t.Errorf("group %d: active %v, SOURCES.md says disabled %v", i, tg.Element.Active(), disabled)
				}
			}
		})
	}
}

// checkFigure compares a figure with SOURCES.md's text for it: a number,
// ∅ for an empty value, or the raw ${...} expression.
func checkFigure(t *testing.T, i int, what string, got Figure, want string) {
	t.Helper()
	switch {
	case want == "∅":
		if strings.TrimSpace(got.Raw) != "" {
			t.Errorf("group %d: %s %q, want empty", i, what, got.Raw)
		}
	case strings.HasPrefix(want, "${"):
		if got.Raw != want {
			t.Errorf("group %d: %s written %q, want %q", i, what, got.Raw, want)
		}
	default:
		n, err := strconv.ParseFloat(want, 64)
		if err != nil {
			t.Fatalf("SOURCES.md: %s %q", what, want)
		}
		if !got.Known || got.N != n || got.Raw != want {
			t.Errorf("group %d: %s = %+v, want %v", i, what, got, n)
		}
	}
}

func TestPlannedThreads(t *testing.T) {
	dir := corpus.Dir(t, "plans")
	p, err := ReadFile(filepath.Join(dir, "taurus_threadgroups.jmx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*ThreadGroup{}
	for _, tg := range p.ThreadGroups {
		byName[tg.Element.Name] = tg
	}
	tests := []struct {
		group string
		at    float64
		want  float64
		ok    bool
	}{
		{"TG.01", 0, 0, true},    // delay 33 s
		{"TG.01", 33, 2, true},   // ramp-up 0: both at once
		{"TG.01", 36.5, 0, true}, // the scheduler's 3 s are over
		{"UTG.04", 15, 4, true},  // [6,0,30,60,10]: half way up the startup
		{"UTG.04", 50, 6, true},
		{"UTG.04", 95, 2, true}, // half way down the shutdown
		{"UTG.04", 100, 0, true},
		{"CTG.02", 0, 1.5, true}, // target 3 in 2 steps over 100 s
		{"CTG.02", 50, 3, true},
		{"CTG.02", 100, 0, true}, // no hold
		{"STG.03", 10, 0, false}, // not modelled
	}
	for _, tt := range tests {
		got, ok := byName[tt.group].Planned(tt.at)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s at %v s: %v %v, want %v %v", tt.group, tt.at, got, ok, tt.want, tt.ok)
		}
	}
}
