package sources

import (
	"context"
	"time"
)

// PromQL is what the dashboard asks a Prometheus API source through: the
// PromQL prompt, the list of metric names and removing a chart. The UI
// never reaches the adapter; cmd/sobang hands the dashboard the source as
// this interface.
type PromQL interface {
	// AddQuery charts query over the range the source covers, and from
	// then on with it. It returns nil once the query's points are pushed,
	// or an error holding the server's own words when the server refuses
	// the query.
	AddQuery(ctx context.Context, query string) error
	// RemoveChart stops asking for what the chart of the metric family or
	// query name shows.
	RemoveChart(name string)
	// Names asks the server for what a prompt completes, over a range.
	Names(ctx context.Context, req NamesRequest) ([]string, error)
	// ValuesAt asks the server for the queries' values at an instant (the
	// cursor's, where the range's step is coarser than the cursor), as
	// samples named as the range's series are.
	ValuesAt(ctx context.Context, queries []string, at time.Time) ([]MetricSample, error)
	// Exemplars asks the server for the exemplars of query's series over
	// a range (/api/v1/query_exemplars): none, and no error, where the
	// server keeps none.
	Exemplars(ctx context.Context, query string, from, to time.Time) ([]Exemplar, error)
}

// Exemplar is one observation a server kept with its trace: the value
// observed, when, and the trace id (or, without one, the exemplar's
// labels), every text made safe for a terminal.
type Exemplar struct {
	// Series is the series it was kept with, `name{labels}`.
	Series  string
	TraceID string
	Value   float64
	TimeMS  int64
}

// NamesRequest says which names PromQL.Names asks for.
type NamesRequest struct {
	// Label is "__name__" for the metric names, "" for the label names,
	// else the label whose values are asked for.
	Label string
	// Metric, when set, keeps to the series of that metric name.
	Metric string
	// From and To bound the range the series had samples in.
	From, To time.Time
}
