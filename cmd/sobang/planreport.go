package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/labels"
	"github.com/sobang/sobang/sources/plan"
	"github.com/sobang/sobang/sources/store"
)

// reportPlanDoc is the "plan" object of a report: the plan's Doc, with the
// results set beside it.
type reportPlanDoc struct {
	plan.Doc
	// UnmatchedLabels are the results' labels that no sampler or
	// transaction controller of the plan writes.
	UnmatchedLabels []string `json:"unmatched_labels"`
	// SamplersNeverRan are the labels of the plan's samplers and
	// transaction controllers that are not among the results.
	SamplersNeverRan []string `json:"samplers_never_ran"`
}

// resultLabels are the load test's labels, sorted, without the rows that
// labels past a source's cap were folded into (they name no sampler).
func resultLabels(lt *store.LoadTest) []string {
	var out []string
	for _, l := range lt.Labels() {
		if l != labels.Other && l != labels.OtherTransactions {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out
}

// newReportPlanDoc describes the plan and matches its labels with the
// results'.
func newReportPlanDoc(p *plan.Plan, findings []plan.Finding, v *sources.PlanView, st *store.Store) reportPlanDoc {
	d := reportPlanDoc{Doc: plan.NewDoc(p, findings), UnmatchedLabels: []string{}, SamplersNeverRan: []string{}}
	unmatched, never := v.Match(resultLabels(st.Load))
	d.UnmatchedLabels = append(d.UnmatchedLabels, unmatched...)
	d.SamplersNeverRan = append(d.SamplersNeverRan, never...)
	return d
}

// writePlanBeside writes the report's plan section after the lint's: the
// folded tree, then the labels no sampler explains and the samplers that
// never ran, as text or Markdown.
func writePlanBeside(w io.Writer, v *sources.PlanView, d reportPlanDoc, markdown bool) {
	if markdown {
		fmt.Fprintln(w, "\n## Plan tree")
		fmt.Fprintln(w, "\n````") // four: a name holding ``` cannot close it
	} else {
		fmt.Fprintln(w, "\nPlan tree:")
	}
	indent := "  "
	if markdown {
		indent = ""
	}
	if len(v.Lines) == 0 {
		fmt.Fprintln(w, indent+"empty")
	}
	for _, l := range v.Lines {
		fmt.Fprintln(w, indent+strings.Repeat("  ", l.Depth)+l.Text)
	}
	if markdown {
		fmt.Fprintln(w, "````")
	}
	list := func(title string, items []string) {
		if markdown {
			fmt.Fprintf(w, "\n## %s\n\n", title)
			if len(items) == 0 {
				fmt.Fprintln(w, "None.")
			}
			for _, it := range items {
				fmt.Fprintf(w, "- %s\n", mdCell(it))
			}
			return
		}
		if len(items) == 0 {
			fmt.Fprintf(w, "\n%s: none\n", title)
			return
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, it := range items {
			fmt.Fprintln(w, "  "+it)
		}
	}
	list("Labels in the results that no sampler of the plan explains", d.UnmatchedLabels)
	list("Samplers of the plan that never ran", d.SamplersNeverRan)
}
