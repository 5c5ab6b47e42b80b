package store

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

// hostile is text a source can hand over outside samples and log entries:
// an escape sequence that sets the window title, bidi and zero-width
// characters, a newline and a URL with its password.
const hostile = "\x1b]2;PWNED\x07GET\u202e\u200b\nhttp://user:secret@host/x"

// hostileBatch holds hostile text in every string the store cleans.
func hostileBatch() sources.Batch {
	return sources.Batch{
		Warnings:   []string{"fine", hostile},
		Bad:        []sources.BadRow{{Line: 1, Reason: "fine"}, {Line: 2, Reason: hostile}},
		Health:     &sources.Health{State: sources.StateDown, Detail: hostile, Err: hostile, Format: hostile, Since: time.UnixMilli(base)},
		Aggregates: []sources.Aggregate{{Final: true, Method: hostile, Label: hostile, Requests: 1}},
		Failures:   []sources.AggregateFailure{{Method: hostile, Label: hostile, Error: hostile, Occurrences: 1}},
		Scrapes: []sources.Scrape{{Time: time.UnixMilli(base), Up: true, Samples: []sources.MetricSample{
			{Name: "up", Type: sources.MetricGauge, Value: 1},
			{Name: hostile, Labels: `a="` + hostile + `"`, Type: sources.MetricGauge, Value: 1},
		}}},
	}
}

// TestApplyCleansText checks that what the store keeps from a batch,
// besides samples and log entries, is safe to show, that the source's own
// slices are left as they were, and that source names are shown safely.
func TestApplyCleansText(t *testing.T) {
	st := New([]sources.Info{{Name: "http://user:secret@host:9100/metrics\x1b[2J", Kind: sources.KindScrape}})
	b := hostileBatch()
	kept := hostileBatch()
	st.Apply(b)
	if !reflect.DeepEqual(b, kept) {
		t.Error("Apply wrote into the source's batch")
	}
	src := st.Sources[0]
	var shown []string
	shown = append(shown, src.Name, src.Health.Detail, src.Health.Err, src.Health.Format)
	shown = append(shown, src.Warnings...)
	for _, r := range src.Bad {
		shown = append(shown, r.Reason)
	}
	for _, f := range st.Metrics.Families() {
		shown = append(shown, f.Name)
		for _, s := range f.Series {
			shown = append(shown, s.Labels)
		}
	}
	for _, set := range st.Load.AggregateSets() {
		for _, a := range set.Final {
			shown = append(shown, a.Method, a.Label)
		}
		for _, f := range set.Failures {
			shown = append(shown, f.Method, f.Label, f.Error)
		}
	}
	if len(shown) < 16 {
		t.Fatalf("only %d strings kept: %q", len(shown), shown)
	}
	for _, s := range shown {
		if !sanitize.Safe(s) || strings.Contains(s, "secret") {
			t.Errorf("the store keeps %q", s)
		}
	}
	if want := "http://user:***@host:9100/metrics"; src.Name != want {
		t.Errorf("Name = %q, want %q", src.Name, want)
	}
	if want := "GET⟨RLO⟩⟨ZWSP⟩␊http://user:***@host/x"; src.Warnings[1] != want || src.Warnings[0] != "fine" {
		t.Errorf("warnings %q, want [fine %q]", src.Warnings, want)
	}
}

// TestPumpRecordsCleanText checks that the recorder is handed the batch
// already cleaned: a recording holds no escape sequence and no password.
func TestPumpRecordsCleanText(t *testing.T) {
	hub, st := startHub(t, pushAll{info: sources.Info{Name: "m", Kind: sources.KindScrape}, batches: []sources.Batch{hostileBatch()}})
	hub.Wait()
	var recorded []sources.Batch
	NewPump(hub, st, func(b sources.Batch) error {
		recorded = append(recorded, b)
		return nil
	}).Step()
	if len(recorded) != 1 {
		t.Fatalf("%d batches recorded", len(recorded))
	}
	b := recorded[0]
	for _, s := range []string{b.Warnings[1], b.Bad[1].Reason, b.Health.Err, b.Aggregates[0].Label, b.Failures[0].Error, b.Scrapes[0].Samples[1].Labels} {
		if !sanitize.Safe(s) || strings.Contains(s, "secret") {
			t.Errorf("recorded %q", s)
		}
	}
}

// TestApplyRedactsMetricLabels checks that a metric label value holding a
// secret is kept masked, like every other value the store cleans.
func TestApplyRedactsMetricLabels(t *testing.T) {
	st := New([]sources.Info{{Name: "http://h/metrics", Kind: sources.KindScrape}})
	st.Apply(sources.Batch{Scrapes: []sources.Scrape{{Time: time.UnixMilli(base), Up: true, Samples: []sources.MetricSample{
		{Name: "login_total", Labels: `card="4111111111111111",password="hunter2",uri="/login"`, Type: sources.MetricGauge, Value: 1},
	}}}})
	var labels []string
	for _, f := range st.Metrics.Families() {
		for _, s := range f.Series {
			labels = append(labels, s.Labels)
		}
	}
	want := `card="411111******1111",password="***",uri="/login"`
	if len(labels) != 1 || labels[0] != want {
		t.Fatalf("labels %q, want %q", labels, want)
	}
}
