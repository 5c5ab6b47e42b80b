package store

import (
	"testing"

	"github.com/sobang/sobang/sources"
)

func TestLabelPathFromURLThenConfig(t *testing.T) {
	st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}})
	withURL := sample(0, 5, "GET account", true)
	withURL.URL = "http://h/api/accounts/1"
	st.Apply(sources.Batch{Samples: []sources.Sample{withURL, sample(10, 5, "POST transfer", true), sample(20, 5, "login", true)}})
	st.SetConfigPaths(map[string]string{"POST transfer": "/api/transfer", "GET account": "/configured"})
	cases := []struct {
		label, path string
		origin      PathOrigin
	}{
		{"GET account", "/api/accounts/{id}", PathFromURL}, // the URL wins over the file
		{"POST transfer", "/api/transfer", PathFromConfig},
		{"login", "", PathNone},
		{"unknown", "", PathNone},
	}
	for _, c := range cases {
		if p, o := st.LabelPath(c.label); p != c.path || o != c.origin {
			t.Errorf("LabelPath(%q) = %q, %d; want %q, %d", c.label, p, o, c.path, c.origin)
		}
	}
}
