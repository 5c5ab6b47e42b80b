package tui

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sobang/sobang/sources/analysis/compare"
	"github.com/sobang/sobang/sources/store"
)

// baselineView is an earlier run (--baseline), read once at start into a
// store of its own, summarised for the current window. Windows are aligned on
// the time since each run's start, as the report aligns them: a window from
// +60 s to +90 s of this run is compared with +60 s to +90 s of the
// baseline, and no window compares the whole runs.
type baselineView struct {
	store *store.Store
	name  string // the baseline's files, for legends

	key          baselineKey
	sum          store.Summary
	byLabel      map[string]*store.LabelSummary
	fromMS, toMS int64 // the baseline's window, 0 for the data's edge
}

// baselineKey is what the baseline's summary depends on.
type baselineKey struct {
	winFrom, winTo int64
	curFirst       int64 // the current run's first second
	valid          bool
}

// baselineRow is one label's comparison with the baseline.
type baselineRow struct {
	base *store.LabelSummary // nil when the baseline has no such label in its window
	res  compare.Result
}

func newBaselineView(st *store.Store) *baselineView {
	if st == nil {
		return nil
	}
	var names []string
	for _, s := range st.Sources {
		names = append(names, baseName(s.Name))
	}
	return &baselineView{store: st, name: strings.Join(names, ", ")}
}

// at summarises the baseline for the window [winFrom, winTo) of the current
// run cur (0/0: the whole run). The result is cached until the window or the
// current run's start changes: the baseline itself never does.
func (b *baselineView) at(cur *store.LoadTest, winFrom, winTo int64) {
	curFirst, _, _ := cur.Range()
	k := baselineKey{winFrom, winTo, curFirst, true}
	if k == b.key {
		return
	}
	b.key = k
	b.fromMS, b.toMS = 0, 0
	baseFirst, _, ok := b.store.Load.Range()
	if ok {
		if winFrom != 0 {
			b.fromMS = baseFirst*1000 + (winFrom - curFirst*1000)
		}
		if winTo != 0 {
			b.toMS = baseFirst*1000 + (winTo - curFirst*1000)
		}
	}
	b.sum = b.store.Load.Summarize(b.fromMS, b.toMS, "")
	b.byLabel = make(map[string]*store.LabelSummary, len(b.sum.Labels))
	for i := range b.sum.Labels {
		b.byLabel[b.sum.Labels[i].Label] = &b.sum.Labels[i]
	}
}

// compare compares label l of the current run with the baseline (after at).
func (b *baselineView) compare(l *store.LabelSummary) baselineRow {
	row := baselineRow{base: b.byLabel[l.Label]}
	if row.base == nil {
		row.res = compare.Result{P: math.NaN(), Verdict: compare.NotEnough, BaseP95: math.NaN(), CurP95: l.Stats.Latency.Quantile(0.95)}
		return row
	}
	then, now := &row.base.Stats, &l.Stats
	row.res = compare.Compare(compare.Side{Latency: &then.Latency, Samples: then.Count, Errors: then.Errors},
		compare.Side{Latency: &now.Latency, Samples: now.Count, Errors: now.Errors})
	return row
}

// scope describes the baseline's window: "whole run", or the offsets from
// its start ("+1m0s–+1m30s").
func (b *baselineView) scope() string {
	if b.key.winFrom == 0 && b.key.winTo == 0 {
		return "whole run"
	}
	first, _, _ := b.store.Load.Range()
	side := func(ms int64) string {
		if ms == 0 {
			return "edge"
		}
		return "+" + (time.Duration(ms-first*1000) * time.Millisecond).String()
	}
	return side(b.fromMS) + "–" + side(b.toMS)
}

// verdictText is a row's verdict as a table column width cells wide
// shows it: with what moved ("regression (errors, p95)") where that fits
// with a cell to spare, else in a word or two ("err+p95 worse", "too
// few").
func (r *baselineRow) verdictText(width int) string {
	full := r.res.Text()
	if r.base == nil {
		full = "not in baseline"
	}
	if len(full) < width {
		return full
	}
	switch {
	case r.base == nil:
		return "new"
	case r.res.Verdict == compare.NotEnough:
		return "too few"
	case r.res.Verdict == compare.Regression:
		return shortMoved(r.res.Moved) + " worse"
	case r.res.Verdict == compare.Improvement:
		return shortMoved(r.res.Moved) + " better"
	}
	return full
}

// shortMoved names what moved in a few characters: "errors", "p95",
// "err+p95".
func shortMoved(moved []string) string {
	if len(moved) == 1 {
		return moved[0]
	}
	return "err+p95"
}

// deltaPct formats a relative change in percent, "–" when the base is not a
// positive number.
func deltaPct(cur, base float64) string {
	if math.IsNaN(cur) || math.IsNaN(base) || base <= 0 {
		return "–"
	}
	return signed(100*(cur-base)/base, 1) + "%"
}

// signed formats v with an explicit sign and prec decimals.
func signed(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if v >= 0 && !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}

// pValue formats a p-value compactly.
func pValue(p float64) string {
	switch {
	case math.IsNaN(p):
		return "–"
	case p < 0.0001:
		return "<0.0001"
	}
	return strconv.FormatFloat(p, 'g', 2, 64)
}
