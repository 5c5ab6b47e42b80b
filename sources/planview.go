package sources

import (
	"regexp"
	"strings"
)

// PlanView is a test plan as the dashboard and the report set it beside
// the results, in plain values: the plan's reader is an adapter the UI may
// not reach, so it hands over this instead. Every text in it is already
// safe for a terminal.
type PlanView struct {
	// Name is the plan's file name, for titles and legends.
	Name string
	// Samplers are the elements that write a label into the results: the
	// samplers that run and the transaction controllers, in file order.
	Samplers []PlanSampler
	// Lines are the plan's tree folded to what matters, in file order.
	Lines []PlanLine
	// Findings are the plan's lint findings.
	Findings []PlanFinding
}

// PlanSampler is what one label of the results stands for in the plan.
type PlanSampler struct {
	// Label is the label it writes: its name with the plan's properties
	// and variables resolved; a reference that could not be resolved stays
	// as written (${name}) and matches any text.
	Label string
	// Kind is "transaction" for a transaction controller, "HTTP" for an
	// HTTP request, else the sampler's class ("JSR223Sampler").
	Kind string
	// Method and URL are an HTTP request's, with HTTP Request Defaults
	// applied and values resolved.
	Method, URL string
	// ConnectTimeout and ResponseTimeout are in milliseconds as the plan
	// writes them (resolved), "" when none applies.
	ConnectTimeout, ResponseTimeout string
	// Assertions name the assertions that apply to it.
	Assertions []string
	// Path is its place in the plan's tree.
	Path string
}

// PlanLine is one line of a plan's folded tree.
type PlanLine struct {
	Depth int // 0 for the test plan itself
	Text  string
	// Disabled marks an element that does not run (itself disabled; what
	// is under it is folded away).
	Disabled bool
}

// PlanFinding is one lint finding of a plan.
type PlanFinding struct {
	ID, Severity, Path, Message, Fix string
}

// Sampler returns the plan's element that writes label, nil when none
// does: the first with that name, else the first whose unresolved
// references match it, else the one whose sub-results label is ("Login-0"
// is the first sub-result of Login: a redirect or an embedded resource).
func (v *PlanView) Sampler(label string) *PlanSampler {
	if v == nil {
		return nil
	}
	return v.sampler(label, v.patterns())
}

// patterns are the samplers' labels with unresolved references as
// patterns, nil for a label without one.
func (v *PlanView) patterns() []*regexp.Regexp {
	pats := make([]*regexp.Regexp, len(v.Samplers))
	for i := range v.Samplers {
		pats[i] = refPattern(v.Samplers[i].Label)
	}
	return pats
}

func (v *PlanView) sampler(label string, pats []*regexp.Regexp) *PlanSampler {
	for i := range v.Samplers {
		if v.Samplers[i].Label == label {
			return &v.Samplers[i]
		}
	}
	for i, re := range pats {
		if re != nil && re.MatchString(label) {
			return &v.Samplers[i]
		}
	}
	if base, ok := subResultOf(label); ok {
		return v.sampler(base, pats)
	}
	return nil
}

// Match sets the plan beside the labels of the results: the labels no
// element of the plan explains, and the labels of the plan's elements that
// wrote none of them, each in the order given.
func (v *PlanView) Match(labels []string) (unmatched, neverRan []string) {
	if v == nil {
		return nil, nil
	}
	ran := make([]bool, len(v.Samplers))
	pats := v.patterns()
	for _, l := range labels {
		s := v.sampler(l, pats)
		if s == nil {
			unmatched = append(unmatched, l)
			continue
		}
		for i := range v.Samplers {
			if &v.Samplers[i] == s {
				ran[i] = true
				break
			}
		}
	}
	seen := map[string]bool{}
	for i, s := range v.Samplers {
		if !ran[i] && !seen[s.Label] && !ranByName(v.Samplers, ran, s.Label) {
			seen[s.Label] = true
			neverRan = append(neverRan, s.Label)
		}
	}
	return unmatched, neverRan
}

// ranByName reports whether another element of the same label ran (names
// need not be unique; Sampler finds the first).
func ranByName(ss []PlanSampler, ran []bool, label string) bool {
	for i := range ss {
		if ran[i] && ss[i].Label == label {
			return true
		}
	}
	return false
}

// subResultOf returns the label a sub-result's label ("Login-3") belongs
// to.
func subResultOf(label string) (string, bool) {
	i := strings.LastIndexByte(label, '-')
	if i <= 0 || i == len(label)-1 || strings.Trim(label[i+1:], "0123456789") != "" {
		return "", false
	}
	return label[:i], true
}

var refRE = regexp.MustCompile(`\$\{[^}]*\}`)

// refPattern is a label with unresolved references as a pattern in which
// each reference matches any text; nil for a label without one.
func refPattern(label string) *regexp.Regexp {
	if !strings.Contains(label, "${") {
		return nil
	}
	parts := refRE.Split(label, -1)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	re, err := regexp.Compile("^" + strings.Join(parts, ".*") + "$")
	if err != nil {
		return nil
	}
	return re
}
