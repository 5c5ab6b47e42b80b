package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/sobang/sobang/sources/compare"
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
}

// LabelDelta is one label in both runs. PValue is null and Verdict "not
// enough data" when either run has too few samples for the rank test.
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
	Verdict           string   `json:"verdict"`
}

// AddBaseline adds the comparison of cur's load test with base's to doc.
// The report's window, if any, is taken as offsets from cur's start and
// applied to base from its own start, so both cover the same phase of the
// test.
func AddBaseline(doc *Document, cur, base *store.Store, opt Options) {
	loc := doc.zone
	out := &Baseline{Labels: []LabelDelta{}}
	for _, s := range base.Sources {
		out.Sources = append(out.Sources, Source{Path: s.Info.Name, Kind: string(s.Info.Kind), Format: s.Health.Format,
			Rows: s.Rows, BadRows: s.BadRows, Warnings: append([]string{}, s.Warnings...)})
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
		r := compare.Latency(&b.Stats.Latency, &l.Stats.Latency)
		d := LabelDelta{
			Label: l.Label, Transaction: l.Transaction,
			BaseSamples: b.Stats.Count, Samples: l.Stats.Count,
			BaseP95MS: round(r.BaseP95, 1), P95MS: round(r.CurP95, 1), DeltaP95Pct: round(100*r.DeltaP95, 2),
			BaseErrorPct: round(b.Stats.ErrorPct(), 3), ErrorPct: round(l.Stats.ErrorPct(), 3),
			BaseThroughputRPS: round(b.Stats.Throughput(), 4), ThroughputRPS: round(l.Stats.Throughput(), 4),
			Verdict: string(r.Verdict),
		}
		if !math.IsNaN(r.P) {
			p := r.P
			d.PValue = &p
		}
		if r.Verdict == compare.Regression {
			out.Regressions++
		}
		out.Labels = append(out.Labels, d)
	}
	doc.Baseline = out
}

// writeBaseline renders the comparison in text or Markdown.
func writeBaseline(b *strings.Builder, base *Baseline, md bool, table func([]string, [][]string)) {
	var paths []string
	for _, s := range base.Sources {
		paths = append(paths, s.Path)
	}
	fmt.Fprintf(b, "Baseline %s (%s .. %s): %d regression(s)\n\n", strings.Join(paths, ", "), orEdge(base.Start), orEdge(base.End), base.Regressions)
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
		rows = append(rows, []string{cell(name, md), fmt.Sprint(d.BaseSamples), fmt.Sprint(d.Samples),
			fmt.Sprintf("%.0f", d.BaseP95MS), fmt.Sprintf("%.0f", d.P95MS), fmt.Sprintf("%+.1f%%", d.DeltaP95Pct),
			fmt.Sprintf("%.2f%%", d.BaseErrorPct), fmt.Sprintf("%.2f%%", d.ErrorPct), p, d.Verdict})
	}
	table([]string{"label", "base n", "n", "base p95 ms", "p95 ms", "Δ p95", "base err", "err", "p", "verdict"}, rows)
}
