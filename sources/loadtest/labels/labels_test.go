package labels

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestParseRule(t *testing.T) {
	tests := []struct {
		spec    string
		pattern string
		name    string
		err     string
	}{
		{spec: `^GET /users/\d+$=GET /users/{id}`, pattern: `^GET /users/\d+$`, name: "GET /users/{id}"},
		{spec: `^(GET|POST) /orders/[0-9a-f-]+$=$1 /orders/{id}`, pattern: `^(GET|POST) /orders/[0-9a-f-]+$`, name: "$1 /orders/{id}"},
		{spec: `\?id\=\d+=?id={id}`, pattern: `\?id\=\d+`, name: "?id={id}"},
		{spec: `a=b=c`, pattern: "a", name: "b=c"},
		{spec: `(?P<verb>\w+) .*=${verb} *`, pattern: `(?P<verb>\w+) .*`, name: "${verb} *"},
		{spec: `x=$$1`, pattern: "x", name: "$$1"},
		{spec: "no equals sign", err: "expected REGEX=NAME"},
		{spec: "=name", err: "the REGEX before '=' is empty"},
		{spec: "abc=", err: "the NAME after '=' is empty"},
		{spec: "a(b=c", err: "bad REGEX"},
		{spec: `(a)=$2`, err: "no such group"},
		{spec: `(a)b=$1x`, err: "write ${1}x"},
		{spec: `(a)=${nope}`, err: "no such group"},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			r, err := ParseRule(tc.spec)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), fmt.Sprintf("%q", tc.spec)) {
					t.Fatalf("error %v, want one quoting the rule and saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Pattern.String() != tc.pattern || r.Name != tc.name {
				t.Errorf("pattern %q name %q, want %q %q", r.Pattern, r.Name, tc.pattern, tc.name)
			}
			again, err := ParseRule(r.String())
			if err != nil || again.Pattern.String() != r.Pattern.String() || again.Name != r.Name {
				t.Errorf("String() %q does not read back: %v", r.String(), err)
			}
		})
	}
}

func TestApplyFirstMatchWins(t *testing.T) {
	rules, err := ParseRules([]string{
		`^GET /users/\d+/orders$=GET /users/{id}/orders`,
		`^(GET|DELETE) /users/\d+$=$1 /users/{id}`,
		`/users/=users (other)`,
	})
	if err != nil {
		t.Fatal(err)
	}
	for label, want := range map[string]string{
		"GET /users/12/orders": "GET /users/{id}/orders",
		"GET /users/12":        "GET /users/{id}",
		"DELETE /users/99":     "DELETE /users/{id}",
		"PUT /users/7":         "users (other)",
		"Login":                "Login",
	} {
		if got, _ := Apply(rules, label); got != want {
			t.Errorf("%q -> %q, want %q", label, got, want)
		}
	}
}

func TestMapperCap(t *testing.T) {
	var warnings []string
	m := NewMapper(nil, 3, func(s string) { warnings = append(warnings, s) })
	var got []string
	for _, l := range []string{"a", "b", "a", "c", "d", "e", "c", "f", "g", "h", "i", "j", "d"} {
		_, name := m.Get([]byte(l))
		got = append(got, name)
	}
	want := []string{"a", "b", "a", "c", Other, Other, "c", Other, Other, Other, Other, Other, Other}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("names %q, want %q", got, want)
	}
	if len(warnings) != 1 {
		t.Fatalf("warnings %q, want one", warnings)
	}
	for _, w := range []string{"more than 3 distinct labels", `"(other labels)"`, `"d", "e", "f", "g", "h", ...`, "--label-map"} {
		if !strings.Contains(warnings[0], w) {
			t.Errorf("warning %q lacks %q", warnings[0], w)
		}
	}
	m.Flush()
	if len(warnings) != 1 || m.Labels() != 3 {
		t.Errorf("after Flush: %d warnings, %d labels", len(warnings), m.Labels())
	}
}

func TestMapperFlushNamesFewer(t *testing.T) {
	var warnings []string
	m := NewMapper(nil, 1, func(s string) { warnings = append(warnings, s) })
	m.Get([]byte("a"))
	m.Get([]byte("b"))
	if len(warnings) != 0 {
		t.Fatalf("warned before Flush with one extra label: %q", warnings)
	}
	m.Flush()
	m.Flush()
	if len(warnings) != 1 || !strings.Contains(warnings[0], `(first of them: "b");`) {
		t.Fatalf("warnings %q", warnings)
	}
}

func TestMapperRulesBeforeCap(t *testing.T) {
	rules, _ := ParseRules([]string{`^GET /item/\d+$=GET /item/{id}`})
	m := NewMapper(rules, 2, nil)
	for i := range 1000 {
		raw, name := m.Get(fmt.Appendf(nil, "GET /item/%d", i))
		if name != "GET /item/{id}" || raw != fmt.Sprintf("GET /item/%d", i) {
			t.Fatalf("%q -> %q", raw, name)
		}
	}
	if _, name := m.Get([]byte("Login")); name != "Login" {
		t.Errorf("second label %q", name)
	}
	if _, name := m.Get([]byte("Logout")); name != Other {
		t.Errorf("third label %q, want %q", name, Other)
	}
}

func TestMapperNoCap(t *testing.T) {
	m := NewMapper(nil, -1, nil)
	for i := range 2000 {
		if _, name := m.Get(fmt.Appendf(nil, "L%d", i)); name == Other {
			t.Fatalf("label %d capped with no cap", i)
		}
	}
	if m.Labels() != 2000 {
		t.Errorf("%d labels", m.Labels())
	}
}

func TestMapperGetAllocatesNothingForKnownLabels(t *testing.T) {
	m := NewMapper(nil, 0, nil)
	labels := [][]byte{[]byte("one"), []byte("two"), []byte("three"), []byte("four"), []byte("five"), []byte("six")}
	for _, l := range labels {
		m.Get(l)
	}
	allocs := testing.AllocsPerRun(100, func() {
		for _, l := range labels {
			m.Get(l)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per round of known labels", allocs)
	}
}

func BenchmarkMapperRecent(b *testing.B) {
	m := NewMapper(nil, 0, nil)
	labels := [][]byte{[]byte("GET /shop/catalog"), []byte("POST /shop/cart"), []byte("Checkout")}
	for i := 0; b.Loop(); i++ {
		m.Get(labels[i%3])
	}
}

// TestMapperCleansNames checks that labels are handed out safe to show,
// that rules match the label as written, and that two labels that differ
// only by what cleaning removes are one label.
func TestMapperCleansNames(t *testing.T) {
	rules, _ := ParseRules([]string{`^\x1b\[31m(GET .*)\x1b\[0m$=$1 (red)`})
	m := NewMapper(rules, 0, nil)
	tests := []struct{ raw, name string }{
		{"\x1b[31mGET /a\x1b[0m", "GET /a (red)"},
		{"\x1b]2;PWNED\x07GET /b\u202e", "GET /b⟨RLO⟩"},
		{"GET /b\x1b[1m\u202e", "GET /b⟨RLO⟩"},
		{"GET http://user:secret@host/", "GET http://user:***@host/"},
		{"GET /c", "GET /c"},
	}
	for _, tt := range tests {
		raw, name := m.Get([]byte(tt.raw))
		if raw != tt.raw || name != tt.name {
			t.Errorf("Get(%q) = %q, %q; want the raw label and %q", tt.raw, raw, name, tt.name)
		}
	}
	if m.Labels() != 4 {
		t.Errorf("%d labels, want 4", m.Labels())
	}
}

// TestMapperEmptyLabel: an empty label is a label like any other, renamed
// by the rules and counted under the cap, from the first lookup on (the
// recent-label slots start empty and must not pass for it).
func TestMapperEmptyLabel(t *testing.T) {
	tests := []struct {
		rules  []string
		max    int
		labels []string
		want   []string
	}{
		{[]string{`^$=(unnamed)`}, 0, []string{"", "", "a"}, []string{"(unnamed)", "(unnamed)", "a"}},
		{[]string{`$=0`}, 0, []string{""}, []string{"0"}},
		{nil, 1, []string{"", "a", ""}, []string{"", Other, ""}},
	}
	for _, tt := range tests {
		rules, err := ParseRules(tt.rules)
		if err != nil {
			t.Fatal(err)
		}
		m := NewMapper(rules, tt.max, nil)
		for i, label := range tt.labels {
			if _, name := m.Get([]byte(label)); name != tt.want[i] {
				t.Errorf("rules %q, cap %d: label %d %q named %q, want %q", tt.rules, tt.max, i, label, name, tt.want[i])
			}
		}
	}
}

// TestMapperSharedSet: labels that share a cache set (more than its two
// ways), and the empty label, which an empty entry must not pass for, map
// to themselves each time.
func TestMapperSharedSet(t *testing.T) {
	bySet := map[int][]string{}
	var shared []string
	for i := 0; shared == nil; i++ {
		v := "GET /item/" + strconv.Itoa(i)
		set := recentSlot([]byte(v)) &^ 1
		bySet[set] = append(bySet[set], v)
		if len(bySet[set]) == 3 {
			shared = bySet[set]
		}
	}
	m := NewMapper([]Rule{{Pattern: regexp.MustCompile(`^$`), Name: "(empty)"}}, -1, nil)
	want := map[string]string{"": "(empty)"}
	for _, v := range shared {
		want[v] = v
	}
	for round := range 3 {
		for _, v := range append([]string{""}, shared...) {
			if raw, name := m.Get([]byte(v)); raw != v || name != want[v] {
				t.Fatalf("round %d: Get(%q) = %q, %q; want %q", round, v, raw, name, want[v])
			}
		}
	}
}
