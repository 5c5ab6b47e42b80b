package promapi

import "time"

// MaxResolution is the most points Prometheus returns for one series of a
// range query; it refuses a query asking for more.
const MaxResolution = 11_000

// DefaultPoints is how many points a range is divided into when nothing
// says how wide it is drawn (Grafana's DefaultRes).
const DefaultPoints = 1500

// DefaultMinStep is the shortest step when nothing says how often the
// targets are scraped (Grafana's default "scrape interval").
const DefaultMinStep = 15 * time.Second

// Step returns the step of a range query over rng, by Grafana's rule: the
// range over points, at least minStep, rounded to a nice interval, and
// never so fine that a series has more than MaxResolution points.
func Step(rng time.Duration, points int, minStep time.Duration) time.Duration {
	if points <= 0 {
		points = DefaultPoints
	}
	if minStep <= 0 {
		minStep = DefaultMinStep
	}
	step := rng / time.Duration(points)
	if step < minStep {
		step = minStep
	} else {
		step = RoundInterval(step)
	}
	step = max(step, RoundInterval(rng/MaxResolution))
	if step > 0 && rng/step > MaxResolution {
		// Rounding went down: the least whole-second step that fits.
		step = (rng/MaxResolution + time.Second - 1).Truncate(time.Second)
		for rng/step > MaxResolution {
			step += time.Second
		}
	}
	return max(step, time.Millisecond)
}

// intervals are Grafana's nice intervals (gtime.RoundInterval): an
// interval up to bound rounds to to.
var intervals = []struct{ bound, to time.Duration }{
	{15 * time.Millisecond, 10 * time.Millisecond},
	{35 * time.Millisecond, 20 * time.Millisecond},
	{75 * time.Millisecond, 50 * time.Millisecond},
	{150 * time.Millisecond, 100 * time.Millisecond},
	{350 * time.Millisecond, 200 * time.Millisecond},
	{750 * time.Millisecond, 500 * time.Millisecond},
	{1500 * time.Millisecond, time.Second},
	{3500 * time.Millisecond, 2 * time.Second},
	{7500 * time.Millisecond, 5 * time.Second},
	{12500 * time.Millisecond, 10 * time.Second},
	{17500 * time.Millisecond, 15 * time.Second},
	{25 * time.Second, 20 * time.Second},
	{45 * time.Second, 30 * time.Second},
	{90 * time.Second, time.Minute},
	{210 * time.Second, 2 * time.Minute},
	{450 * time.Second, 5 * time.Minute},
	{750 * time.Second, 10 * time.Minute},
	{1050 * time.Second, 15 * time.Minute},
	{25 * time.Minute, 20 * time.Minute},
	{45 * time.Minute, 30 * time.Minute},
	{90 * time.Minute, time.Hour},
	{150 * time.Minute, 2 * time.Hour},
	{270 * time.Minute, 3 * time.Hour},
	{9 * time.Hour, 6 * time.Hour},
	{24 * time.Hour, 12 * time.Hour},
	{7 * 24 * time.Hour, 24 * time.Hour},
	{21 * 24 * time.Hour, 7 * 24 * time.Hour},
	{6*7*24*time.Hour - 1, 30 * 24 * time.Hour},
}

// RoundInterval rounds d to Grafana's nice intervals (1s, 2s, 5s, 10s,
// 15s, 20s, 30s, 1m, ...).
func RoundInterval(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	for _, iv := range intervals {
		if d <= iv.bound {
			return iv.to
		}
	}
	return 365 * 24 * time.Hour
}

// align widens [start, end] to whole multiples of step, as Grafana does so
// that points fall on the same instants from one query to the next.
func align(start, end time.Time, step time.Duration) (time.Time, time.Time) {
	s := start.UnixMilli()
	e := end.UnixMilli()
	st := step.Milliseconds()
	s -= mod(s, st)
	if r := mod(e, st); r != 0 {
		e += st - r
	}
	return time.UnixMilli(s), time.UnixMilli(e)
}

func mod(a, b int64) int64 {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}
