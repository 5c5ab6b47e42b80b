package main

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/sobang/sobang/cmd/sobang/internal/config"
	"github.com/sobang/sobang/sources/metrics/scrape"
)

// TestScrapeOptions: the flags win over the URL's table in the file, which
// wins over [metrics], which wins over the defaults; an interval left to
// its default grows to a longer timeout; a timeout longer than a set
// interval is an error naming where each was set.
func TestScrapeOptions(t *testing.T) {
	const url = "http://a:8080/metrics"
	const file = `[metrics]
scrape_interval = "5s"
scrape_timeout = "3s"

[metrics.scrape."http://a:8080/metrics"]
interval = "10s"
max_series = 7
`
	cases := []struct {
		name    string
		args    []string
		cfg     string
		want    scrape.Options
		wantErr []string
	}{
		{name: "defaults", want: scrape.Options{Interval: time.Second, Timeout: 900 * time.Millisecond}},
		{name: "a timeout alone lengthens the interval", args: []string{"--scrape-timeout", "1.5s"},
			want: scrape.Options{Interval: 1500 * time.Millisecond, Timeout: 1500 * time.Millisecond}},
		{name: "both flags", args: []string{"--scrape-interval", "5s", "--scrape-timeout", "2s", "--max-series", "100"},
			want: scrape.Options{Interval: 5 * time.Second, Timeout: 2 * time.Second, MaxSeries: 100}},
		{name: "no limit", args: []string{"--max-series", "0"}, want: scrape.Options{Interval: time.Second, Timeout: 900 * time.Millisecond, MaxSeries: -1}},
		{name: "the file", cfg: file, want: scrape.Options{Interval: 10 * time.Second, Timeout: 3 * time.Second, MaxSeries: 7}},
		{name: "flags over the file", cfg: file, args: []string{"--scrape-interval", "2s", "--scrape-timeout", "1s", "--max-series", "9"},
			want: scrape.Options{Interval: 2 * time.Second, Timeout: time.Second, MaxSeries: 9}},
		{name: "timeout over a set interval", args: []string{"--scrape-interval", "1s", "--scrape-timeout", "2s"},
			wantErr: []string{url + ": the timeout (2s, --scrape-timeout) is longer than the interval (1s, --scrape-interval)"}},
		{name: "timeout flag over the file's interval", cfg: file, args: []string{"--scrape-timeout", "30s"},
			wantErr: []string{"the timeout (30s, --scrape-timeout) is longer than the interval (10s, cfg.toml:6)"}},
		{name: "zero interval", args: []string{"--scrape-interval", "0s"}, wantErr: []string{`--scrape-interval: expected a duration above 0, found "0s"`}},
		{name: "negative max", args: []string{"--max-series", "-1"}, wantErr: []string{`--max-series: expected a number of series, 0 for no limit, found "-1"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var sf sourceFlags
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			sf.register(fs)
			if err := fs.Parse(c.args); err != nil {
				t.Fatal(err)
			}
			sf.cfg = &config.Config{}
			if c.cfg != "" {
				cfg, err := config.Parse("cfg.toml", []byte(c.cfg))
				if err != nil {
					t.Fatal(err)
				}
				sf.cfg = cfg
			}
			got, err := sf.scrapeOptions(url)
			if len(c.wantErr) > 0 {
				if err == nil {
					t.Fatalf("no error, options %+v", got)
				}
				for _, w := range c.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("options %+v, want %+v", got, c.want)
			}
		})
	}
}
