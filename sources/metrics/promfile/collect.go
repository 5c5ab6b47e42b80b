package promfile

import "github.com/sobang/sobang/sources"

// Collector folds Prometheus API answers received one by one (one per
// query, as a client of the HTTP API gets them) into Scrapes, one per
// timestamp, the way a saved answer's file is folded: classic histograms
// from their _bucket, _count and _sum series, types as declared or by
// name. A source of the live API uses it so that a series queried reads
// exactly as the same series saved to a file.
type Collector struct {
	r result
}

// NewCollector returns an empty collector; where names the answers in the
// errors of answers that are not Prometheus API answers.
func NewCollector(where string) *Collector {
	return &Collector{r: result{path: where, format: FormatAPI, types: map[string]sources.MetricType{}}}
}

// SetType declares the type of the family name (from /api/v1/metadata):
// a histogram's _bucket, _count and _sum series are then folded into one
// histogram even where the name alone would not tell.
func (c *Collector) SetType(name string, t sources.MetricType) { c.r.types[name] = t }

// Add reads one answer (the whole JSON body of /api/v1/query_range or
// /api/v1/query) to query, the PromQL asked: it names the series that
// carry no __name__ (the result of an expression) and every sample's
// Query. A series with a bad point is a bad row; an answer that cannot be
// read at all is an error.
func (c *Collector) Add(data []byte, query string) error {
	return c.r.parseAPINamed(data, query, query)
}

// Take returns the scrapes of everything added since the last Take, in
// time order, with the bad rows and warnings found, and empties the
// collector (the declared types stay).
func (c *Collector) Take() (scrapes []sources.Scrape, badRows int, bad []sources.BadRow, warnings []string) {
	scrapes = c.r.scrapes()
	badRows, bad, warnings = c.r.badRows, c.r.bad, c.r.warnings
	c.r.badRows, c.r.bad, c.r.warnings = 0, nil, nil
	return scrapes, badRows, bad, warnings
}

// Series is how many distinct series the last Take held.
func (c *Collector) Series() int { return c.r.series }
