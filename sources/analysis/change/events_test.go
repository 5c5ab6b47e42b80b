package change

import (
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

// TestEvents finds a deploy (a new build_info version), a restart (the
// process start time and a counter falling back) and a rare new log
// template, and the last of them before the incident as its trigger.
func TestEvents(t *testing.T) {
	st := store.New([]sources.Info{{Name: "http://127.0.0.1:9/metrics", Kind: sources.KindScrape}, {Name: "app.log", Kind: sources.KindLog}})
	for sec := 0; sec < 90; sec++ {
		version, started, count := "1.0", 1000.0, float64(sec*10)
		if sec >= 50 {
			version = "1.1"
		}
		if sec >= 55 {
			started, count = 2000, float64((sec-55)*10)
		}
		st.Apply(sources.Batch{Source: 0, Rows: 1, Scrapes: []sources.Scrape{{Time: t0.Add(time.Duration(sec) * time.Second), Up: true,
			Samples: []sources.MetricSample{
				{Name: "app_build_info", Labels: `version="` + version + `"`, Type: sources.MetricGauge, Value: 1},
				{Name: "process_start_time_seconds", Type: sources.MetricGauge, Value: started},
				{Name: "http_requests_total", Type: sources.MetricCounter, Value: count},
			}}}})
		lines := []string{"INFO Account 7 loaded in 5 ms"}
		if sec == 58 {
			lines = []string{"INFO Started BankApplication in 3.2 seconds"}
		}
		st.Apply(sources.Batch{Source: 1, Rows: 1, Entries: []sources.LogEntry{{Time: t0.Add(time.Duration(sec) * time.Second), Level: sources.LevelInfo,
			LevelText: "INFO", LevelCol: 0, Lines: lines}}})
	}
	got := Events(st)
	want := []struct {
		sec  int
		what string
	}{{50, "deploy"}, {55, "restart"}, {55, "counter reset"}, {58, "new log template"}}
	if len(got) != len(want) {
		t.Fatalf("events %+v, want %d", got, len(want))
	}
	for i, w := range want {
		if got[i].AtMS != t0.Add(time.Duration(w.sec)*time.Second).UnixMilli() || got[i].What != w.what {
			t.Errorf("event %d: %+v, want %s at +%ds", i, got[i], w.what, w.sec)
		}
	}
	if e, ok := Trigger(got, t0.Add(60*time.Second).UnixMilli()); !ok || e.What != "new log template" {
		t.Errorf("trigger %+v %v", e, ok)
	}
	if _, ok := Trigger(got, t0.Add(120*time.Second).UnixMilli()); ok {
		t.Error("no event in the 30 s before +120 s")
	}
}

// TestTriggerSeenLate: a deploy a scrape sees a second after the errors
// began may have come before them (the scrape before did not see it yet):
// it is the trigger unless an event is known to come first.
func TestTriggerSeenLate(t *testing.T) {
	start := t0.Add(time.Minute).UnixMilli()
	deploy := Event{AtMS: start + 1800, SinceMS: start - 200, What: "deploy", Name: `app_build_info{version="1.1"}`}
	later := Event{AtMS: start + 1900, SinceMS: start + 1500, What: "restart", Name: "process_start_time_seconds"}
	if e, ok := Trigger([]Event{deploy, later}, start); !ok || e.What != "deploy" {
		t.Errorf("trigger %+v %v, want the deploy", e, ok)
	}
	banner := Event{AtMS: start - 5000, SinceMS: start - 5000, What: "new log template", Name: "Config reloaded"}
	if e, ok := Trigger([]Event{banner, deploy}, start); !ok || e.What != "new log template" {
		t.Errorf("trigger %+v %v, want the event known to come first", e, ok)
	}
	if _, ok := Trigger([]Event{later}, start); ok {
		t.Error("an event after the start's first second is a trigger")
	}
}
