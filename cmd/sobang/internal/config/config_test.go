package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseGoodFile(t *testing.T) {
	src := `# sobang's configuration
[loadtest]
label_map = ['^GET /users/[0-9]+$=GET /users/{id}', 'a\=b=c']
apdex = "250ms:1s"

[loadtest.paths]
"POST transfer" = "/api/transfer"
login = "/api/login"
`
	cfg, err := Parse("config.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := LoadTest{
		LabelMap:         []string{`^GET /users/[0-9]+$=GET /users/{id}`, `a\=b=c`},
		ApdexSatisfiedMS: 250, ApdexToleratedMS: 1000,
		Paths: map[string]string{"POST transfer": "/api/transfer", "login": "/api/login"},
	}
	if !reflect.DeepEqual(cfg.LoadTest, want) {
		t.Fatalf("got %+v\nwant %+v", cfg.LoadTest, want)
	}
	if cfg.Path != "config.toml" || !cfg.LoadTest.HasApdex() {
		t.Fatalf("path %q, apdex %v", cfg.Path, cfg.LoadTest.HasApdex())
	}
}

func TestParsePrometheus(t *testing.T) {
	src := `[metrics]
prom = ["http://prometheus:9090", "https://mimir.example/prometheus"]
match = ['{job="api",namespace="prod"}']
http_config = "prom-http.yml"

[metrics.thresholds]
"hikaricp_connections_pending" = 10
"rate(http_server_requests_seconds_count[1m])" = 0.5
`
	cfg, err := Parse("config.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.Metrics
	if !reflect.DeepEqual(m.Prom, []string{"http://prometheus:9090", "https://mimir.example/prometheus"}) ||
		!reflect.DeepEqual(m.Match, []string{`{job="api",namespace="prod"}`}) || m.HTTPConfig != "prom-http.yml" ||
		!reflect.DeepEqual(m.Thresholds, map[string]float64{"hikaricp_connections_pending": 10, "rate(http_server_requests_seconds_count[1m])": 0.5}) {
		t.Fatalf("got %+v", m)
	}
}

func TestParseMetrics(t *testing.T) {
	src := `[metrics]
scrape_interval = "5s"
scrape_timeout = "3s"

[metrics.scrape."http://a:8080/metrics"]
timeout = "4s"
max_series = 0

[metrics.scrape."http://b:9100/metrics"]
interval = "15s"
max_series = 200000
`
	cfg, err := Parse("config.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m := &cfg.Metrics
	cases := []struct {
		url  string
		want ScrapeSettings
	}{
		{"http://other/metrics", ScrapeSettings{Interval: 5 * time.Second, Timeout: 3 * time.Second, IntervalLine: 2, TimeoutLine: 3}},
		{"http://a:8080/metrics", ScrapeSettings{Interval: 5 * time.Second, Timeout: 4 * time.Second, MaxSeries: -1, IntervalLine: 2, TimeoutLine: 6}},
		{"http://b:9100/metrics", ScrapeSettings{Interval: 15 * time.Second, Timeout: 3 * time.Second, MaxSeries: 200000, IntervalLine: 10, TimeoutLine: 3}},
	}
	for _, c := range cases {
		if got := m.For(c.url); got != c.want {
			t.Errorf("For(%s) = %+v, want %+v", c.url, got, c.want)
		}
	}
}

func TestParseEmptyFile(t *testing.T) {
	cfg, err := Parse("config.toml", []byte("# nothing yet\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.LoadTest.LabelMap != nil || cfg.LoadTest.HasApdex() || cfg.LoadTest.Paths != nil {
		t.Fatalf("an empty file must set nothing: %+v", cfg.LoadTest)
	}
}

// TestParseErrors checks that every problem names file:line, and what was
// expected.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{
		{"bad TOML", "[loadtest]\napdex = \"500ms\n", []string{"cfg.toml:2: bad TOML"}},
		{"unknown key", "[loadtest]\napdex = \"1:2\"\nlable_map = []\n",
			[]string{`cfg.toml:3: unknown key "loadtest.lable_map"`, "loadtest.label_map, loadtest.apdex, loadtest.paths"}},
		{"unknown table", "\n[metric]\nx = 1\ny = 2\n",
			[]string{`cfg.toml:2: unknown key "metric"`}},
		{"unknown metrics key", "[metrics]\nscrape_intervall = \"5s\"\n",
			[]string{`cfg.toml:2: unknown key "metrics.scrape_intervall"`, `metrics.scrape_interval, metrics.scrape_timeout, metrics.max_series, metrics.scrape."URL".interval`}},
		{"unknown target key", "[metrics.scrape.\"http://x:1/metrics\"]\ninterval = \"5s\"\ntimout = \"1s\"\n",
			[]string{`cfg.toml:3: unknown key "metrics.scrape.\"http://x:1/metrics\".tim`}},
		{"bad duration", "[metrics]\n\nscrape_timeout = \"3\"\n",
			[]string{`cfg.toml:3: metrics.scrape_timeout: expected a duration above 0 such as 15s, found "3"`}},
		{"duration not a string", "[metrics.scrape.\"http://x:1/m\"]\ninterval = 5\n",
			[]string{`cfg.toml:2: metrics.scrape."http://x:1/m".interval: expected a duration such as "15s", found an integer`}},
		{"negative max_series", "[metrics]\nmax_series = -3\n",
			[]string{`cfg.toml:2: metrics.max_series: expected a number of series, 0 for no limit, found "-3"`}},
		{"target not a URL", "[metrics.scrape.localhost]\ninterval = \"5s\"\n",
			[]string{`cfg.toml:1: metrics.scrape.localhost: expected a target's http:// or https:// URL`}},
		{"threshold not a number", "[metrics.thresholds]\nup = \"1\"\n",
			[]string{`cfg.toml:2: metrics.thresholds.up: expected a number such as 10 or 0.5, found a string`}},
		{"threshold not finite", "[metrics.thresholds]\nup = nan\n",
			[]string{`cfg.toml:2: metrics.thresholds.up: expected a finite number, found "NaN"`}},
		{"thresholds not a table", "[metrics]\nthresholds = 3\n",
			[]string{`cfg.toml:2: metrics.thresholds: expected a table of metric or query = number`}},
		{"prom not a URL", "[metrics]\nprom = [\"localhost:9090\"]\n",
			[]string{`cfg.toml:2: metrics.prom[0]: expected server URLs such as "http://localhost:9090", found "localhost:9090"`}},
		{"prom not an array", "[metrics]\nprom = \"http://p:9090\"\n",
			[]string{`cfg.toml:2: metrics.prom: expected an array of server URLs`, "found a string"}},
		{"match not a selector", "[metrics]\nmatch = ['job=\"api\"']\n",
			[]string{`cfg.toml:2: metrics.match[0]: expected series selectors such as '{job="api"}'`}},
		{"case matters", "[LoadTest]\n", []string{`cfg.toml:1: unknown key "LoadTest"`}},
		{"bad regex", "[loadtest]\nlabel_map = [\n  'ok=fine',\n  '^GET (=x',\n]\n",
			[]string{"cfg.toml:4: loadtest.label_map[1]:", "bad REGEX"}},
		{"rule without name", "[loadtest]\nlabel_map = ['^x$']\n", []string{"cfg.toml:2: loadtest.label_map[0]:", "expected REGEX=NAME"}},
		{"label_map not an array", "[loadtest]\nlabel_map = 'a=b'\n", []string{"cfg.toml:2: loadtest.label_map: expected an array", "found a string"}},
		{"bad apdex", "[loadtest]\n\napdex = \"2s:1s\"\n", []string{"cfg.toml:3: loadtest.apdex:", "satisfied <= tolerated"}},
		{"apdex not a string", "[loadtest]\napdex = 500\n", []string{"cfg.toml:2: loadtest.apdex: expected a string", "found an integer"}},
		{"path without slash", "[loadtest.paths]\n\"POST transfer\" = \"api/transfer\"\n",
			[]string{`cfg.toml:2: loadtest.paths."POST transfer": expected a request path starting with /`, `found "api/transfer"`}},
		{"loadtest not a table", "loadtest = 1\n", []string{"cfg.toml:1: loadtest: expected a table", "found an integer"}},
		{"copy not a bool", "[logs]\ncopy = \"yes\"\n", []string{"cfg.toml:2: logs.copy: expected true or false", "found a string"}},
		{"unknown logs key", "[logs]\ncpy = true\n", []string{`cfg.toml:2: unknown key "logs.cpy"`, "logs.copy"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("cfg.toml", []byte(c.src))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestParseReportsEveryProblemInLineOrder(t *testing.T) {
	src := "[loadtest]\napdex = \"x\"\ntypo = 1\nlabel_map = ['(=y']\n"
	_, err := Parse("c.toml", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "c.toml:2:") || !strings.HasPrefix(lines[1], "c.toml:3:") || !strings.HasPrefix(lines[2], "c.toml:4:") {
		t.Fatalf("want three problems in line order, got:\n%s", err)
	}
}

func TestLoadMissingDefaultIsFine(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir) // os.UserConfigDir on Linux and BSDs
	t.Setenv("HOME", dir)            // and on macOS
	cfg, err := Load("")
	if err != nil {
		t.Fatalf("a missing default file must be no error: %v", err)
	}
	if cfg.Path != "" {
		t.Fatalf("path %q, want none read", cfg.Path)
	}
}

func TestLoadDefaultFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	p := DefaultPath()
	if p == "" {
		t.Skip("no configuration directory on this system")
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("[loadtest]\napdex = \"100:200\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Path != p || cfg.LoadTest.ApdexSatisfiedMS != 100 || cfg.LoadTest.ApdexToleratedMS != 200 {
		t.Fatalf("got %+v", cfg)
	}
	if !strings.HasSuffix(p, filepath.Join("sobang", "config.toml")) {
		t.Fatalf("default path %q", p)
	}
}

func TestLoadNamedFileMustExist(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.toml")
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), p+": no such file") {
		t.Fatalf("err = %v", err)
	}
	_, err = Load(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseApdex(t *testing.T) {
	for text, want := range map[string][2]int64{"500ms:1500ms": {500, 1500}, "500:1.5s": {500, 1500}, " 1s : 1s": {1000, 1000}} {
		s, f, err := ParseApdex(text)
		if err != nil || s != want[0] || f != want[1] {
			t.Errorf("ParseApdex(%q) = %d, %d, %v", text, s, f, err)
		}
	}
	for _, text := range []string{"", "500ms", "0:1s", "1.5ms:2ms", "x:1s"} {
		if _, _, err := ParseApdex(text); err == nil {
			t.Errorf("ParseApdex(%q) accepted", text)
		}
	}
}

// TestREADMEDocumentsEveryKey keeps the README's Configuration section in
// step with the keys the loader knows.
func TestREADMEDocumentsEveryKey(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	i := strings.Index(readme, "## Configuration")
	if i < 0 {
		t.Fatal("README.md has no Configuration section")
	}
	section := readme[i:]
	if j := strings.Index(section[3:], "\n## "); j >= 0 {
		section = section[:j+3]
	}
	for _, k := range KnownKeys {
		table, leaf := k[:strings.LastIndex(k, ".")], k[strings.LastIndex(k, ".")+1:]
		// A table named by the user (a target's URL) is shown with a real name.
		table, named := strings.CutSuffix(table, `"URL"`)
		if named && strings.Contains(section, "["+table+`"`) {
			table = ""
		}
		if table != "" && !strings.Contains(section, "["+table+"]") && !strings.Contains(section, "["+k+"]") {
			t.Errorf("the Configuration section lacks the table of %s", k)
		}
		if !strings.Contains(section, leaf+" =") && !strings.Contains(section, "["+k+"]") {
			t.Errorf("the Configuration section lacks %s", k)
		}
	}
}

func TestParsePlanIgnore(t *testing.T) {
	cfg, err := Parse("config.toml", []byte("[plan]\nignore = [\"no-timer\", \"beanshell\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg.Plan.Ignore, []string{"no-timer", "beanshell"}) {
		t.Fatalf("ignore %q", cfg.Plan.Ignore)
	}
	for _, tt := range []struct{ src, want string }{
		{"[plan]\nignore = [\"no-timr\"]\n", `cfg.toml:2: plan.ignore[0]: expected a rule id of 'sobang plan rules', found "no-timr"`},
		{"[plan]\nignore = \"no-timer\"\n", `cfg.toml:2: plan.ignore: expected an array of rule ids`},
		{"[plan]\nignor = []\n", `cfg.toml:2: unknown key "plan.ignor"`},
		{"plan = 1\n", `cfg.toml:1: plan: expected a table ([plan])`},
	} {
		if _, err := Parse("cfg.toml", []byte(tt.src)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want %q", tt.src, err, tt.want)
		}
	}
}

// TestParseLogs: [logs] copy turns y's clipboard copy on; it is off by
// default.
func TestParseLogs(t *testing.T) {
	cfg, err := Parse("cfg.toml", []byte("[logs]\ncopy = true\n"))
	if err != nil || !cfg.Logs.Copy {
		t.Fatalf("copy = true: %+v, %v", cfg, err)
	}
	if cfg, _ := Parse("cfg.toml", []byte("")); cfg.Logs.Copy {
		t.Error("copy is on without the file saying so")
	}
}
