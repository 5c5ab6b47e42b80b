package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
)

// t0 is the fixture run's start: 2026-11-25T12:30:00Z.
var t0 = time.Date(2026, 11, 25, 12, 30, 0, 0, time.UTC)

// incident is the fixture's bad half minute, seconds after t0.
const incidentFrom, incidentTo, runSeconds = 60, 90, 120

// fixtureStore builds a store with a two-minute run of all three kinds, with
// an incident from +60 s to +90 s: slow and failing requests, pool saturated,
// ERROR entries with stack traces.
func fixtureStore() *store.Store {
	st := store.New([]sources.Info{
		{Name: "/runs/results.jtl", Kind: sources.KindJTL},
		{Name: "http://127.0.0.1:9/metrics", Kind: sources.KindScrape},
		{Name: "/runs/bank-service.log", Kind: sources.KindLog},
	})
	labels := []string{"GET account", "GET balance", "POST transfer"}
	for sec := 0; sec < runSeconds; sec++ {
		bad := sec >= incidentFrom && sec < incidentTo
		var samples []sources.Sample
		for i := 0; i < 20; i++ {
			elapsed := int32(20 + (i*37+sec*11)%60)
			ok := true
			code := "200"
			if bad {
				elapsed = int32(900 + (i*53+sec*7)%700)
				if i%3 == 0 {
					ok, code = false, "503"
				}
			}
			samples = append(samples, sources.Sample{
				StartMS:   t0.Add(time.Duration(sec)*time.Second + time.Duration(i*50)*time.Millisecond).UnixMilli(),
				ElapsedMS: elapsed, Label: labels[i%3], Code: code, Success: ok,
				AllThreads: int32(min(sec/4+1, 20)), GrpThreads: -1, LatencyMS: -1, ConnectMS: -1,
			})
		}
		samples = append(samples, sources.Sample{
			StartMS: t0.Add(time.Duration(sec) * time.Second).UnixMilli(), ElapsedMS: 300, Label: "Transfer money",
			Success: !bad, Transaction: true, AllThreads: -1,
		})
		st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples)})

		active := 3.0 + float64(sec%4)
		pending := 0.0
		timeouts := 0.0
		if bad {
			active, pending = 10, float64(5+sec%7)
		}
		if sec >= incidentFrom {
			timeouts = float64(min(sec, incidentTo)-incidentFrom) * 2
		}
		count := float64(sec * 20)
		st.Apply(sources.Batch{Source: 1, Rows: 1, Scrapes: []sources.Scrape{{
			Time: t0.Add(time.Duration(sec) * time.Second), Up: true,
			Samples: []sources.MetricSample{
				{Name: "hikaricp_connections_active", Labels: `pool="HikariPool-1"`, Type: sources.MetricGauge, Value: active},
				{Name: "hikaricp_connections_pending", Labels: `pool="HikariPool-1"`, Type: sources.MetricGauge, Value: pending},
				{Name: "hikaricp_connections_timeout_total", Labels: `pool="HikariPool-1"`, Type: sources.MetricCounter, Value: timeouts},
				{Name: "http_server_requests_seconds", Labels: `method="GET",status="200",uri="/api/accounts/{id}"`, Type: sources.MetricHistogram,
					Value: count, Sum: count * 0.05, Buckets: []sources.Bucket{
						{UpperBound: 0.05, Count: count * 0.8}, {UpperBound: 0.1, Count: count * 0.95}, {UpperBound: 1, Count: count * 0.99},
						{UpperBound: 5, Count: count}, {UpperBound: inf, Count: count}}},
			},
		}}})

		var entries []sources.LogEntry
		when := t0.Add(time.Duration(sec)*time.Second + 500*time.Millisecond)
		stamp := when.Format("2006-01-02T15:04:05.000Z07:00")
		if bad && sec%2 == 0 {
			line := stamp + " ERROR 4242 --- [bank-service] [nio-8080-exec-" + fmt.Sprint(sec%9) + "] c.e.bank.web.TransferController          : Transfer failed"
			entries = append(entries, sources.LogEntry{Time: when, Level: sources.LevelError, LevelText: "ERROR", LevelCol: strings.Index(line, "ERROR"), LineNo: sec*3 + 1,
				Lines: []string{line,
					"java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 1000ms.",
					"        at com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
					"        at com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:197)",
					"        at com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:162)",
					"        at com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:128)",
					"        ... 52 common frames omitted"}})
		} else if sec%5 == 0 {
			line := stamp + "  INFO 4242 --- [bank-service] [nio-8080-exec-1] c.e.bank.web.AccountController           : Served 100 requests"
			entries = append(entries, sources.LogEntry{Time: when, Level: sources.LevelInfo, LevelText: "INFO", LevelCol: strings.Index(line, "INFO"), LineNo: sec*3 + 1, Lines: []string{line}})
		}
		if len(entries) > 0 {
			st.Apply(sources.Batch{Source: 2, Entries: entries, Rows: len(entries)})
		}
	}
	for i := range st.Sources {
		h := sources.Health{State: sources.StateFollowing, Detail: "following", Since: t0}
		if i == 1 {
			h.Detail = "scraping every 1s"
		}
		st.Apply(sources.Batch{Source: i, CaughtUp: true, Health: &h})
	}
	return st
}

var inf = func() float64 { var z float64; return 1 / z }()

// fixtureModel returns a model over the fixture, at now, sized w x h.
func fixtureModel(now time.Time, w, h int) *Model { return storeModel(fixtureStore(), now, w, h) }

// storeModel returns a model over st in the dark theme and UTC, at now,
// sized w x h, with what st holds taken in.
func storeModel(st *store.Store, now time.Time, w, h int) *Model {
	theme, err := themes.Load("dark", "")
	if err != nil {
		panic(err)
	}
	m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(now)})
	m.Update(sizeMsg(w, h))
	m.ingest()
	return m
}
