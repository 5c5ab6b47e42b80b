package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/sobang/sobang/sources"
)

// timeoutsText says which timeouts a sampler has.
func timeoutsText(s *sources.PlanSampler) string {
	c, r := s.ConnectTimeout, s.ResponseTimeout
	switch {
	case c != "" && r != "":
		return "timeouts connect " + c + " ms, response " + r + " ms"
	case c != "":
		return "connect timeout " + c + " ms, no response timeout"
	case r != "":
		return "response timeout " + r + " ms, no connect timeout"
	}
	return "no timeouts"
}

// assertionsText names a sampler's assertions.
func assertionsText(s *sources.PlanSampler) string {
	if len(s.Assertions) == 0 {
		return "no assertion"
	}
	return "assertions: " + strings.Join(s.Assertions, ", ")
}

// samplerText says in one line what the plan's element of a label does.
func samplerText(s *sources.PlanSampler) string {
	switch s.Kind {
	case "transaction":
		return "transaction controller · " + s.Path
	case "HTTP":
		return s.Method + " " + s.URL + " · " + timeoutsText(s) + " · " + assertionsText(s)
	}
	return s.Kind + " · " + assertionsText(s) + " · " + s.Path
}

// planSamplerLine is the line above the label table that says what the
// selected label is in the plan; "" without a plan.
func planSamplerLine(f *frame, label string, w int) string {
	if f.plan == nil || label == "" {
		return ""
	}
	head := wrap(f.st.Muted, ansi.Truncate("plan › "+label, max(w/3, 12), "…")+": ")
	rest := max(w-ansi.StringWidth(head), 8)
	if s := f.plan.Sampler(label); s != nil {
		return head + fitPlain(samplerText(s), 0, rest)
	}
	if isFolded(label) {
		return head + wrap(f.st.Muted, fitPlain("labels past the cap, from any sampler", 0, rest))
	}
	return head + wrap(f.st.Warn, fitPlain("no sampler of "+f.plan.Name+" writes this label (p: the plan)", 0, rest))
}

// planDetailLines are a label's lines in its detail: the plan's element
// that writes it, with method, URL, timeouts and assertions; none without
// a plan.
func planDetailLines(f *frame, label string, w int) []string {
	if f.plan == nil {
		return nil
	}
	s := f.plan.Sampler(label)
	switch {
	case s == nil:
		return []string{wrap(f.st.Warn, fitPlain("no sampler of "+f.plan.Name+" writes this label (p: the plan)", 0, w))}
	case s.Kind == "transaction":
		return []string{fitPlain("plan: transaction controller "+wrap(f.st.Muted, s.Path), 0, w)}
	case s.Kind == "HTTP":
		return []string{
			"sampler " + wrap(f.st.Bold, fitPlain(s.Method+" "+s.URL, 0, max(w-8, 8))),
			wrap(f.st.Muted, fitPlain("        "+timeoutsText(s)+" · "+assertionsText(s)+" · "+s.Path, 0, w)),
		}
	}
	return []string{"sampler " + wrap(f.st.Bold, s.Kind) + wrap(f.st.Muted, fitPlain(" · "+assertionsText(s)+" · "+s.Path, 0, max(w-8-len(s.Kind), 8)))}
}

// planTitle is the overlay's title while it shows the plan.
const planTitle = "Plan"

// planText is what p shows: the plan's tree folded to what matters, its
// findings with their fixes, and the plan set beside the results (labels
// no sampler explains, samplers that never ran), in lines of at most
// width cells.
func (m *Model) planText(width int) string {
	v := m.opt.Plan
	if v == nil {
		return "No test plan: start sobang with --plan plan.jmx, or put the one .jmx of the run beside the JTL.\n"
	}
	width = max(width, 20)
	var b strings.Builder
	line := func(indent, s string) {
		for i, l := range wrapWords(s, max(width-len(indent), 10)) {
			if i > 0 {
				l = "  " + l
			}
			b.WriteString(indent + l + "\n")
		}
	}
	for _, l := range v.Lines {
		line(strings.Repeat("  ", l.Depth), l.Text)
	}
	counts := map[string]int{}
	for _, f := range v.Findings {
		counts[f.Severity]++
	}
	b.WriteString("\nFindings: " + strconv.Itoa(counts["error"]) + " errors, " + strconv.Itoa(counts["warning"]) +
		" warnings, " + strconv.Itoa(counts["info"]) + " info\n")
	for _, f := range v.Findings {
		line("  ", strings.ToUpper(f.Severity)+" "+f.ID+"  "+f.Path)
		line("    ", f.Message)
		line("    ", "fix: "+f.Fix)
	}
	var names []string
	for _, l := range m.store.Load.Labels() {
		if !isFolded(l) {
			names = append(names, l)
		}
	}
	if len(names) == 0 {
		b.WriteString("\nNo results yet to set the plan beside.\n")
		return b.String()
	}
	unmatched, never := v.Match(names)
	list := func(title string, items []string) {
		if len(items) == 0 {
			b.WriteString("\n" + title + ": none\n")
			return
		}
		b.WriteString("\n" + title + " (" + strconv.Itoa(len(items)) + "):\n")
		for _, it := range items {
			line("  ", it)
		}
	}
	list("Labels in the results no sampler explains", unmatched)
	list("Samplers that never ran", never)
	if len(names) < len(m.store.Load.Labels()) {
		b.WriteString("\nLabels past a source's cap were folded together and are left out.\n")
	}
	return b.String()
}
