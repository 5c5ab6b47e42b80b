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

func TestAggregateName(t *testing.T) {
	tests := []struct{ method, label, want string }{
		{"GET", "/account", "GET /account"},
		{"GET", "GET account", "GET account"},
		{"get", "GET account", "GET account"},
		{"GET", "GETS", "GET GETS"},
		{"GET", "GET", "GET GET"},
		{"POST", "GET account", "POST GET account"},
		{"", AggregatedLabel, AggregatedLabel},
		{"grpc", "/svc/Call", "grpc /svc/Call"},
	}
	for _, tt := range tests {
		a := Aggregate{Method: tt.method, Label: tt.label}
		if got := a.Name(); got != tt.want {
			t.Errorf("Name(%q, %q) = %q, want %q", tt.method, tt.label, got, tt.want)
		}
	}
}
