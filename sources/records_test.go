package sources

import "testing"

func TestKindGroup(t *testing.T) {
	for _, tc := range []struct{ kind, group Kind }{
		{KindJTL, KindLoadTest}, {KindK6, KindLoadTest}, {KindGatling, KindLoadTest}, {KindLocust, KindLoadTest},
		{KindLoadTest, KindLoadTest},
		{KindScrape, KindMetrics}, {KindMetrics, KindMetrics},
		{KindLog, KindLog},
	} {
		if got := tc.kind.Group(); got != tc.group {
			t.Errorf("%s.Group() = %s, want %s", tc.kind, got, tc.group)
		}
	}
}
