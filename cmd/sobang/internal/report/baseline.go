package report

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/analysis/compare"
	"github.com/sobang/sobang/sources/store"
)

// Baseline compares the load test with an earlier run (--baseline), label by
// label, aligned on the time since each run's start.
type Baseline struct {
	Sources     []Source     `json:"sources"`
	Start       string       `json:"start"`
	End         string       `json:"end"`
	Labels      []LabelDelta `json:"labels"`
	Regressions int          `json:"regressions"`
	// Note says why no label could be judged, when either run gives
	// aggregates only (Locust, a k6 summary).
	Note string `json:"note,omitempty"`
}

// VerdictAggregates is the verdict of a label compared from aggregates:
// without the latency distributions there is no rank test, so no verdict.
const VerdictAggregates = "no test: aggregates only"

// baselineAggregateNote is the Baseline's note when a run gives aggregates only.
const baselineAggregateNote = "%s gives the tool's own aggregates only: per-label p95 from its final figures " +
	"(whole runs, whatever the window), no Mann-Whitney test without the latency distributions, so no label is judged"

// LabelDelta is one label in both runs. PValue is null and Verdict "not
// enough data" when either run has too few samples for the tests. Verdict
// is one of compare's verdicts (or VerdictAggregates), Moved what made it
// ("errors", "p95"), ErrorsPValue the two-proportion test's p on the error
// rates (null when no run has an error).
type LabelDelta struct {
	Label             string   `json:"label"`
	Transaction       bool     `json:"transaction"`
	BaseSamples       int64    `json:"base_samples"`
	Samples           int64    `json:"samples"`
	BaseP95MS         float64  `json:"base_p95_ms"`
	P95MS             float64  `json:"p95_ms"`
	DeltaP95Pct       float64  `json:"delta_p95_pct"`
	BaseErrorPct      float64  `json:"base_error_pct"`
	ErrorPct          float64  `json:"error_pct"`
	BaseThroughputRPS float64  `json:"base_throughput_rps"`
	ThroughputRPS     float64  `json:"throughput_rps"`
	PValue            *float64 `json:"p_value"`
	ErrorsPValue      *float64 `json:"errors_p_value"`
	Verdict           string   `json:"verdict"`
	Moved             []string `json:"moved"`
}

// AddBaseline adds the comparison of cur's load test with base's to doc.
// The report's window, if any, is taken as offsets from cur's start and
// applied to base from its own start, so both cover the same phase of the
// test.
func AddBaseline(doc *Document, cur, base *store.Store, opt Options) {
	loc := doc.zone
	out := &Baseline{Labels: []LabelDelta{}}
	for _, s := range base.Sources {
		out.Sources = append(out.Sources, Source{Path: s.Name, Kind: string(s.Info.Kind), Format: s.Health.Format,
			Rows: s.Rows, BadRows: s.BadRows, Warnings: append([]string{}, s.Warnings...)})
	}
	curAgg, baseAgg := aggregatesOnly(cur), aggregatesOnly(base)
	if curAgg || baseAgg {
		addAggregateBaseline(out, cur, base, curAgg, baseAgg, opt, loc)
		doc.Baseline = out
		return
	}
	curFirst, _, okCur := cur.Load.Range()
	baseFirst, _, okBase := base.Load.Range()
	if !okCur || !okBase {
		doc.Baseline = out
		return
	}
	bFrom, bTo := int64(0), int64(0)
	if opt.FromMS != 0 {
		bFrom = baseFirst*1000 + (opt.FromMS - curFirst*1000)
	}
	if opt.ToMS != 0 {
		bTo = baseFirst*1000 + (opt.ToMS - curFirst*1000)
	}
	now := cur.Load.Summarize(opt.FromMS, opt.ToMS, "")
	then := base.Load.Summarize(bFrom, bTo, "")
	if then.All.Count > 0 {
		out.Start, out.End = stamp(then.All.MinStartMS, loc), stamp(then.All.MaxEndMS, loc)
	}
	old := map[string]*store.LabelSummary{}
	for i := range then.Labels {
		old[then.Labels[i].Label] = &then.Labels[i]
	}
	for i := range now.Labels {
		l := &now.Labels[i]
		b, ok := old[l.Label]
		if !ok {
			continue
		}
		r := compare.Compare(compare.Side{Latency: &b.Stats.Latency, Samples: b.Stats.Count, Errors: b.Stats.Errors},
			compare.Side{Latency: &l.Stats.Latency, Samples: l.Stats.Count, Errors: l.Stats.Errors})
		d := LabelDelta{
			Label: l.Label, Transaction: l.Transaction,
			BaseSamples: b.Stats.Count, Samples: l.Stats.Count,
			BaseP95MS: round(r.BaseP95, 1), P95MS: round(r.CurP95, 1), DeltaP95Pct: round(100*r.DeltaP95, 2),
			BaseErrorPct: round(b.Stats.ErrorPct(), 3), ErrorPct: round(l.Stats.ErrorPct(), 3),
			BaseThroughputRPS: round(b.Stats.Throughput(), 4), ThroughputRPS: round(l.Stats.Throughput(), 4),
			Verdict: string(r.Verdict), Moved: append([]string{}, r.Moved...),
		}
		if !math.IsNaN(r.P) {
			p := r.P
			d.PValue = &p
		}
		if !math.IsNaN(r.ErrorsP) {
			p := r.ErrorsP
			d.ErrorsPValue = &p
		}
		if r.Verdict == compare.Regression {
			out.Regressions++
		}
		out.Labels = append(out.Labels, d)
	}
	doc.Baseline = out
}

// aggregatesOnly reports whether a run gives a tool's aggregates and no sample.
func aggregatesOnly(st *store.Store) bool { return st.Load.Empty() && st.Load.HasAggregates() }

// labelFigures is one label of one run, for the comparison.
type labelFigures struct {
	label       string
	transaction bool
	samples     int64
	p95         float64 // NaN when unknown
	errorPct    float64
	throughput  float64
}

// runLabels returns a run's labels in order: from its aggregates' final
// rows (merged by label across sets and methods, see store.MergeFinal), or
// from its samples in [fromMS, toMS).
func runLabels(st *store.Store, aggregates bool, fromMS, toMS int64) []labelFigures {
	var out []labelFigures
	if !aggregates {
		sum := st.Load.Summarize(fromMS, toMS, "")
		for i := range sum.Labels {
			l := &sum.Labels[i]
			out = append(out, labelFigures{label: l.Label, transaction: l.Transaction, samples: l.Stats.Count,
				p95: l.Stats.Latency.Quantile(0.95), errorPct: l.Stats.ErrorPct(), throughput: l.Stats.Throughput()})
		}
		return out
	}
	sets := st.Load.AggregateSets()
	seen := map[string]bool{}
	for _, set := range sets {
		for _, a := range set.Final {
			if store.IsTotal(&a) || seen[a.Label] {
				continue
			}
			seen[a.Label] = true
			name := a.Label
			m, _ := store.MergeFinal(sets, func(b *sources.Aggregate) bool { return b.Label == name && !store.IsTotal(b) })
			f := labelFigures{label: name, samples: m.Requests, p95: m.Percentile(0.95), throughput: finite(m.RequestsPerSec)}
			if m.Requests > 0 {
				f.errorPct = 100 * float64(m.Failures) / float64(m.Requests)
			}
			out = append(out, f)
		}
	}
	return out
}

// addAggregateBaseline compares per-label p95, errors and throughput when
// either run gives aggregates only; every verdict is VerdictAggregates.
func addAggregateBaseline(out *Baseline, cur, base *store.Store, curAgg, baseAgg bool, opt Options, loc *time.Location) {
	var names []string
	for _, s := range out.Sources {
		names = append(names, s.Path)
	}
	who := "the baseline (" + strings.Join(names, ", ") + ")"
	switch {
	case curAgg && baseAgg:
		who = "each run"
	case curAgg:
		who = "the current run"
	}
	out.Note = fmt.Sprintf(baselineAggregateNote, who)
	if baseAgg {
		if first, last, ok := base.Load.Range(); ok {
			out.Start, out.End = stamp(first*1000, loc), stamp(last*1000, loc)
		}
	} else if sum := base.Load.Summarize(0, 0, ""); sum.All.Count > 0 {
		out.Start, out.End = stamp(sum.All.MinStartMS, loc), stamp(sum.All.MaxEndMS, loc)
	}
	old := map[string]labelFigures{}
	for _, l := range runLabels(base, baseAgg, 0, 0) {
		old[l.label] = l
	}
	for _, l := range runLabels(cur, curAgg, opt.FromMS, opt.ToMS) {
		b, ok := old[l.label]
		if !ok {
			continue
		}
		d := LabelDelta{Label: l.label, Transaction: l.transaction, BaseSamples: b.samples, Samples: l.samples,
			BaseP95MS: round(b.p95, 1), P95MS: round(l.p95, 1),
			BaseErrorPct: round(b.errorPct, 3), ErrorPct: round(l.errorPct, 3),
			BaseThroughputRPS: round(b.throughput, 4), ThroughputRPS: round(l.throughput, 4),
			Verdict: VerdictAggregates, Moved: []string{}}
		if b.p95 > 0 && !math.IsNaN(l.p95) {
			d.DeltaP95Pct = round(100*(l.p95-b.p95)/b.p95, 2)
		}
		out.Labels = append(out.Labels, d)
	}
}

// writeBaseline renders the comparison in text or Markdown.
func writeBaseline(b *strings.Builder, base *Baseline, md bool, table func([]string, [][]string)) {
	var paths []string
	for _, s := range base.Sources {
		paths = append(paths, s.Path)
	}
	fmt.Fprintf(b, "Baseline %s (%s .. %s): %d regression(s)\n\n", inert(strings.Join(paths, ", "), md), orEdge(base.Start), orEdge(base.End), base.Regressions)
	if base.Note != "" {
		b.WriteString("Note: " + inert(base.Note, md) + ".\n\n")
	}
	var rows [][]string
	for _, d := range base.Labels {
		p := "–"
		if d.PValue != nil {
			p = fmt.Sprintf("%.3g", *d.PValue)
		}
		name := d.Label
		if d.Transaction {
			name += " (transaction)"
		}
		rows = append(rows, []string{name, fmt.Sprint(d.BaseSamples), fmt.Sprint(d.Samples),
			fmt.Sprintf("%.0f", d.BaseP95MS), fmt.Sprintf("%.0f", d.P95MS), fmt.Sprintf("%+.1f%%", d.DeltaP95Pct),
			fmt.Sprintf("%.2f%%", d.BaseErrorPct), fmt.Sprintf("%.2f%%", d.ErrorPct), p, verdictText(d)})
	}
	table([]string{"label", "base n", "n", "base p95 ms", "p95 ms", "Δ p95", "base err", "err", "p", "verdict"}, rows)
}

// verdictText is a label's verdict with what moved, as the tables show it:
// "regression (errors)", "improvement (p95)".
func verdictText(d LabelDelta) string {
	if len(d.Moved) == 0 {
		return d.Verdict
	}
	return d.Verdict + " (" + strings.Join(d.Moved, ", ") + ")"
}
