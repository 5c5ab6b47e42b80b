package jtl

import (
	"strings"
	"testing"
	"time"
)

func TestSimpleDateFormat(t *testing.T) {
	seoul := time.FixedZone("KST", 9*3600)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no zoneinfo:", err)
	}
	ms := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMilli()
	}
	tests := []struct {
		pattern string
		value   string
		loc     *time.Location
		want    int64 // 0: the value must not parse
	}{
		{"yyyy/MM/dd HH:mm:ss.SSS", "2026/11/25 12:38:45.787", time.UTC, ms("2026-11-25T12:38:45.787Z")},
		{"yyyy/MM/dd HH:mm:ss.SSS", "2026/11/25 12:38:45.787", seoul, ms("2026-11-25T03:38:45.787Z")},
		{"yyyy/MM/dd HH:mm:ss", "2026/11/25 12:38:45", time.UTC, ms("2026-11-25T12:38:45Z")},
		{"yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2026-11-25T12:38:45.787+0900", time.UTC, ms("2026-11-25T03:38:45.787Z")},
		{"yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2026-11-25T12:38:45.787Z", seoul, ms("2026-11-25T12:38:45.787Z")},
		{"yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2026-11-25T12:38:45.787-05:00", time.UTC, ms("2026-11-25T17:38:45.787Z")},
		{"yyyy-MM-dd HH:mm:ssX", "2026-11-25 12:38:45+09", time.UTC, ms("2026-11-25T03:38:45Z")},
		{"dd/MM/yy HH:mm:ss", "05/03/26 10:00:00", time.UTC, ms("2026-03-05T10:00:00Z")},
		{"MM/dd/yy HH:mm:ss", "05/03/26 10:00:00", time.UTC, ms("2026-05-03T10:00:00Z")},
		{"MM/dd/yy HH:mm:ss", "05/03/99 10:00:00", time.UTC, ms("1999-05-03T10:00:00Z")},
		{"d/M/yyyy H:m:s", "5/3/2026 9:7:2", time.UTC, ms("2026-03-05T09:07:02Z")},
		{"yyyyMMddHHmmss", "20261125123845", time.UTC, ms("2026-11-25T12:38:45Z")},
		{"yyyyMMddHHmmssSSS", "20261125123845787", time.UTC, ms("2026-11-25T12:38:45.787Z")},
		{"dd MMM yyyy hh:mm:ss a", "25 Nov 2026 12:38:45 PM", time.UTC, ms("2026-11-25T12:38:45Z")},
		{"dd MMM yyyy hh:mm:ss a", "25 nov 2026 12:38:45 am", time.UTC, ms("2026-11-25T00:38:45Z")},
		{"dd MMMM yyyy hh:mm:ss a", "25 November 2026 01:38:45 PM", time.UTC, ms("2026-11-25T13:38:45Z")},
		{"EEE, dd MMM yyyy HH:mm:ss z", "Wed, 25 Nov 2026 12:38:45 GMT", seoul, ms("2026-11-25T12:38:45Z")},
		{"EEEE dd MMM yyyy HH:mm:ss z", "Wednesday 25 Nov 2026 12:38:45 KST", time.UTC, ms("2026-11-25T03:38:45Z")},
		{"yyyy-MM-dd HH:mm:ss z", "2026-11-25 12:38:45 GMT+09:00", time.UTC, ms("2026-11-25T03:38:45Z")},
		{"yyyy-MM-dd HH:mm:ss z", "2026-07-01 12:00:00 EDT", ny, ms("2026-07-01T16:00:00Z")},
		{"yyyy-MM-dd HH:mm:ss z", "2026-11-25 12:38:45 XYZ", time.UTC, 0},
		{"yyyy-MM-dd HH:mm:ss", "2026-07-01 12:00:00", ny, ms("2026-07-01T16:00:00Z")},
		{"yyyy-MM-dd HH:mm:ss", "2026-12-01 12:00:00", ny, ms("2026-12-01T17:00:00Z")},
		{"yyyy-MM-dd kk:mm:ss", "2026-11-25 24:00:00", time.UTC, ms("2026-11-25T00:00:00Z")},
		{"yyyy-MM-dd KK:mm:ss a", "2026-11-25 11:00:00 PM", time.UTC, ms("2026-11-25T23:00:00Z")},
		{"'at' HH:mm:ss 'on' yyyy-MM-dd", "at 12:38:45 on 2026-11-25", time.UTC, ms("2026-11-25T12:38:45Z")},
		{"yyyy-MM-dd''HH", "2026-11-25'12", time.UTC, ms("2026-11-25T12:00:00Z")},
		{"yyyy-MM-dd HH:mm:ss", "2026-02-30 12:00:00", time.UTC, 0},
		{"yyyy-MM-dd HH:mm:ss", "2026-11-25 24:00:00", time.UTC, 0},
		{"yyyy-MM-dd HH:mm:ss", "2026-11-25 12:00:00 extra", time.UTC, 0},
		{"yyyy-MM-dd HH:mm:ss", "2026-11-25", time.UTC, 0},
		{"yyyyMMddHHmmss", "2026112512384", time.UTC, 0},
		{"dd MMM yyyy", "25 Foo 2026", time.UTC, 0},
	}
	for _, tc := range tests {
		l, err := parseTimeFormat(tc.pattern, 1946)
		if err != nil {
			t.Errorf("%q: %v", tc.pattern, err)
			continue
		}
		p := timeParser{loc: tc.loc, layout: l, strict: true}
		got, ok := p.parse([]byte(tc.value))
		switch {
		case tc.want == 0 && ok:
			t.Errorf("%q %q: read as %v, want no date", tc.pattern, tc.value, time.UnixMilli(got).UTC())
		case tc.want != 0 && (!ok || got != tc.want):
			t.Errorf("%q %q in %v: %v %v, want %v", tc.pattern, tc.value, tc.loc, time.UnixMilli(got).UTC(), ok, time.UnixMilli(tc.want).UTC())
		}
	}
}

func TestSimpleDateFormatErrors(t *testing.T) {
	for pattern, want := range map[string]string{
		"YYYY-MM-dd HH:mm:ss": "pattern letter 'Y' (week year (you probably mean yyyy)) is not supported",
		"yyyy-MM-DD":          "pattern letter 'D' (day in year (you probably mean dd))",
		"yyyy-MM-dd Q":        "pattern letter 'Q' (not a SimpleDateFormat letter)",
		"G yyyy":              "pattern letter 'G' (era)",
		"yyyy-MM-dd 'T":       "quoted text starting at character 12 is not closed",
		"'just text'":         "has neither a date nor a time",
	} {
		err := ValidateTimeFormat(pattern)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `"`+pattern+`"`) {
			t.Errorf("%q: %v, want %q", pattern, err, want)
		}
	}
	for _, ok := range []string{"", "ms", "yyyy/MM/dd HH:mm:ss.SSS", "h:mm a"} {
		if err := ValidateTimeFormat(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

func TestDecideLayout(t *testing.T) {
	tests := []struct {
		name    string
		values  []string
		final   bool
		outcome detectOutcome
		pattern string   // of the decided layout
		cands   []string // patterns still in the running
	}{
		{name: "issue example", values: []string{"2026/11/25_12:38:45.787"}, outcome: detectDecided, pattern: "yyyy/MM/dd_HH:mm:ss.SSS"},
		{name: "no fraction", values: []string{"2026-11-25 12:38:45"}, outcome: detectDecided, pattern: "yyyy-MM-dd HH:mm:ss"},
		{name: "T and zone", values: []string{"2026-11-25T12:38:45.787+09:00"}, outcome: detectDecided, pattern: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"},
		{name: "Z", values: []string{"2026-11-25T12:38:45Z"}, outcome: detectDecided, pattern: "yyyy-MM-dd'T'HH:mm:ssX"},
		{name: "comma fraction", values: []string{"2026-11-25 12:38:45,787"}, outcome: detectDecided, pattern: "yyyy-MM-dd HH:mm:ss,SSS"},
		{name: "compact", values: []string{"20261125123845"}, outcome: detectDecided, pattern: "yyyyMMddHHmmss"},
		{name: "compact millis", values: []string{"20261125123845787"}, outcome: detectDecided, pattern: "yyyyMMddHHmmssSSS"},
		{name: "compact date, time", values: []string{"20261125 123845"}, outcome: detectDecided, pattern: "yyyyMMdd HHmmss"},
		{name: "day first decided", values: []string{"03/11/2026 10:00:00", "25/11/2026 10:00:00"}, outcome: detectDecided, pattern: "dd/MM/yyyy HH:mm:ss"},
		{name: "month first decided", values: []string{"11/03/2026 10:00:00", "11/25/2026 10:00:00"}, outcome: detectDecided, pattern: "MM/dd/yyyy HH:mm:ss"},
		{name: "decided by the first", values: []string{"13/03/2026 10:00:00"}, outcome: detectDecided, pattern: "dd/MM/yyyy HH:mm:ss"},
		{name: "two-digit year last", values: []string{"11/25/26 01:15:00 PM"}, outcome: detectDecided, pattern: "MM/dd/yy hh:mm:ss a"},
		{name: "two-digit year first when nothing else fits", values: []string{"45/12/25 01:15:00"}, outcome: detectDecided, pattern: "yy/MM/dd HH:mm:ss"},
		{name: "unpadded", values: []string{"2026-1-5 9:07:02"}, outcome: detectDecided, pattern: "yyyy-M-d H:mm:ss"},
		{name: "ambiguous, waiting", values: []string{"03/04/2026 10:00:00"}, outcome: detectNeedMore,
			cands: []string{"dd/MM/yyyy HH:mm:ss", "MM/dd/yyyy HH:mm:ss"}},
		{name: "ambiguous at the end", values: []string{"03/04/2026 10:00:00", "03/04/2026 10:00:01"}, final: true, outcome: detectAmbiguous,
			cands: []string{"dd/MM/yyyy HH:mm:ss", "MM/dd/yyyy HH:mm:ss"}},
		{name: "ambiguous after 100", values: append(make([]string, 0), strings.Split(strings.Repeat("03/04/2026 10:00:00,", 100), ",")[:100]...),
			outcome: detectAmbiguous, cands: []string{"dd/MM/yyyy HH:mm:ss", "MM/dd/yyyy HH:mm:ss"}},
		{name: "epoch values skipped", values: []string{"1700000000000", "03/14/2026 10:00:00"}, outcome: detectDecided, pattern: "MM/dd/yyyy HH:mm:ss"},
		{name: "a value that fits none is skipped", values: []string{"03/04/2026 10:00:00", "99/99/2026 10:00:00", "04/13/2026 10:00:00"},
			outcome: detectDecided, pattern: "MM/dd/yyyy HH:mm:ss"},
		{name: "text month", values: []string{"25 Nov 2026 12:38:45"}, final: true, outcome: detectNone},
		{name: "no time", values: []string{"2026-11-25"}, final: true, outcome: detectNone},
		{name: "nothing yet", values: []string{"soon"}, outcome: detectNeedMore},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var values [][]byte
			for _, v := range tc.values {
				values = append(values, []byte(v))
			}
			l, cands, outcome := decideLayout(values, tc.final, 1946)
			if outcome != tc.outcome {
				t.Fatalf("outcome %d, want %d", outcome, tc.outcome)
			}
			if tc.pattern != "" && (l == nil || l.pattern != tc.pattern) {
				t.Errorf("layout %+v, want %q", l, tc.pattern)
			}
			if tc.cands != nil {
				var got []string
				for _, c := range cands {
					got = append(got, c.pattern)
				}
				if strings.Join(got, "|") != strings.Join(tc.cands, "|") {
					t.Errorf("candidates %q, want %q", got, tc.cands)
				}
			}
			if l != nil { // the pattern it reports reads what it detected the same way
				explicit, err := parseTimeFormat(l.pattern, 1946)
				if err != nil {
					t.Fatalf("pattern %q: %v", l.pattern, err)
				}
				p := timeParser{loc: time.UTC}
				v := values[len(values)-1]
				a, okA := l.parse(v, &p)
				b, okB := explicit.parse(v, &p)
				if a != b || !okA || !okB {
					t.Errorf("%q: detected %d %v, as --jtl-time-format %d %v", v, a, okA, b, okB)
				}
			}
		})
	}
}

// BenchmarkDetectedLayout measures reading dates through a detected layout
// (the per-minute cache makes time.Date rare).
func BenchmarkDetectedLayout(b *testing.B) {
	l, _, _ := decideLayout([][]byte{[]byte("2026/11/25_12:38:45.787")}, true, 1946)
	p := timeParser{loc: time.UTC, layout: l}
	v := []byte("2026/11/25_12:38:45.787")
	for b.Loop() {
		if _, ok := p.parse(v); !ok {
			b.Fatal("no date")
		}
	}
}
