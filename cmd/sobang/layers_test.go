package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The layering ARCHITECTURE.md promises, checked over the non-test imports
// of the whole module:
//
//   - nothing under sources/ reaches the UI: tui, any charm.land module, or
//     a Charm UI module under github.com/charmbracelet (Bubble Tea, Lip
//     Gloss, Bubbles);
//   - the store and the analyses reach no adapter: they read records, not
//     files, URLs or formats;
//   - tui reaches no adapter: everything arrives through the hub and the
//     store;
//   - tui/timeline reaches nothing under sources: it is time arithmetic
//     only.
//
// The adapters are the packages that read an outside system, listed by
// prefix in adapterPrefixes; a new adapter adds its prefix there.

const module = "github.com/sobang/sobang"

// adapterPrefixes are the import paths (and their subpackages) of the
// adapters.
var adapterPrefixes = []string{
	module + "/sources/loadtest/jtl",
	module + "/sources/loadtest/k6",
	module + "/sources/loadtest/gatling",
	module + "/sources/loadtest/locust",
	module + "/sources/logs",
	module + "/sources/metrics",
	module + "/sources/tail",
	module + "/sources/record",
	module + "/sources/plan",
}

func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

func isAdapter(path string) bool {
	for _, p := range adapterPrefixes {
		if under(path, p) {
			return true
		}
	}
	return false
}

// isUI reports whether path is a UI package the data wing must not reach.
// The Charm paths are built from parts so that no Go file holds them as an
// import path.
func isUI(path string) bool {
	if under(path, module+"/tui") || under(path, "charm.land") {
		return true
	}
	host := strings.Join([]string{"github", "com"}, ".")
	for _, name := range []string{"bubble" + "tea", "lip" + "gloss", "bub" + "bles"} {
		if under(path, host+"/charm"+"bracelet/"+name) {
			return true
		}
	}
	return false
}

// importGraph returns every package of the build (module and
// dependencies, no tests) with its direct imports.
func importGraph(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	graph := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		graph[f[0]] = f[1:]
	}
	if len(graph) < 50 {
		t.Fatalf("go list listed only %d packages; the check would prove nothing", len(graph))
	}
	return graph
}

// reaches returns the import chain from pkg to the first package bad
// accepts, nil when there is none.
func reaches(graph map[string][]string, pkg string, bad func(string) bool) []string {
	seen := map[string]bool{}
	var walk func(p string, chain []string) []string
	walk = func(p string, chain []string) []string {
		if seen[p] {
			return nil
		}
		seen[p] = true
		chain = append(chain, p)
		if len(chain) > 1 && bad(p) {
			return chain
		}
		for _, q := range graph[p] {
			if found := walk(q, chain); found != nil {
				return found
			}
		}
		return nil
	}
	return walk(pkg, nil)
}

// layerRule is one promise: no package that from accepts reaches a package
// that to accepts.
type layerRule struct {
	name     string
	from, to func(string) bool
}

var layerRules = []layerRule{
	{"the data wing reaches the UI",
		func(p string) bool { return under(p, module+"/sources") },
		isUI},
	{"the store reaches an adapter",
		func(p string) bool { return under(p, module+"/sources/store") },
		isAdapter},
	{"an analysis reaches an adapter",
		func(p string) bool { return under(p, module+"/sources/analysis") },
		isAdapter},
	{"the UI reaches an adapter",
		func(p string) bool { return under(p, module+"/tui") },
		isAdapter},
	{"the timeline reaches the data wing",
		func(p string) bool { return under(p, module+"/tui/timeline") },
		func(p string) bool { return under(p, module+"/sources") }},
}

// TestLayers fails when a package breaks one of the layering rules, naming
// the import chain that does.
func TestLayers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the whole module")
	}
	checkLayers(t, importGraph(t), layerRules)
}

func checkLayers(t *testing.T, graph map[string][]string, rules []layerRule) {
	t.Helper()
	pkgs := make([]string, 0, len(graph))
	for p := range graph {
		pkgs = append(pkgs, p)
	}
	slices.Sort(pkgs)
	for _, r := range rules {
		from := 0
		for _, p := range pkgs {
			if !r.from(p) {
				continue
			}
			from++
			if chain := reaches(graph, p, r.to); chain != nil {
				t.Errorf("%s: %s", r.name, strings.Join(chain, " -> "))
			}
		}
		if from == 0 {
			t.Errorf("%s: no package of the module is on its first side; the rule checks nothing", r.name)
		}
	}
}

// TestLayersCatchAViolation feeds the rules an import graph that breaks
// each of them, so a rule that cannot fail is caught.
func TestLayersCatchAViolation(t *testing.T) {
	graph := map[string][]string{
		module + "/sources/logs/format":    {module + "/sources", "charm.land/lipgloss/v2"},
		module + "/sources/store":          {module + "/sources/store/sketch"},
		module + "/sources/store/sketch":   {module + "/sources/tail"},
		module + "/sources/analysis/slo":   {module + "/sources/metrics/scrape"},
		module + "/tui":                    {module + "/sources/logs"},
		module + "/tui/timeline":           {module + "/sources"},
		module + "/sources":                nil,
		module + "/sources/tail":           nil,
		module + "/sources/metrics/scrape": nil,
		module + "/sources/logs":           {module + "/sources/logs/format"},
		"charm.land/lipgloss/v2":           nil,
	}
	for _, r := range layerRules {
		found := false
		for p := range graph {
			if r.from(p) && reaches(graph, p, r.to) != nil {
				found = true
			}
		}
		if !found {
			t.Errorf("rule %q does not catch its violation in the sample graph", r.name)
		}
	}
}
