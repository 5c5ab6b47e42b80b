package sources

import (
	"slices"
	"testing"
)

// TestPlanViewMatch sets a plan's samplers beside the results' labels: by
// name, through unresolved references, sub-results by their parent; the
// rest are unexplained labels or samplers that never ran.
func TestPlanViewMatch(t *testing.T) {
	v := &PlanView{Samplers: []PlanSampler{
		{Label: "Login", Kind: "HTTP"},
		{Label: "Checkout", Kind: "transaction"},
		{Label: "Item ${id}", Kind: "HTTP"},
		{Label: "Logout", Kind: "HTTP"},
		{Label: "Login", Kind: "HTTP"}, // names need not be unique
	}}
	cases := []struct {
		label string
		want  string // the sampler's label, "" for none
	}{
		{"Login", "Login"},
		{"Checkout", "Checkout"},
		{"Item 42", "Item ${id}"},
		{"Login-0", "Login"},
		{"Login-x", ""},
		{"Search", ""},
		{"Item", ""},
	}
	for _, c := range cases {
		got := ""
		if s := v.Sampler(c.label); s != nil {
			got = s.Label
		}
		if got != c.want {
			t.Errorf("Sampler(%q) = %q, want %q", c.label, got, c.want)
		}
	}
	unmatched, never := v.Match([]string{"Login", "Login-1", "Item 7", "Search", "health"})
	if !slices.Equal(unmatched, []string{"Search", "health"}) || !slices.Equal(never, []string{"Checkout", "Logout"}) {
		t.Errorf("Match: unmatched %q, never ran %q", unmatched, never)
	}
	var none *PlanView
	if none.Sampler("Login") != nil {
		t.Error("no plan explains no label")
	}
	if u, n := none.Match([]string{"Login"}); u != nil || n != nil {
		t.Error("no plan matches nothing")
	}
}
