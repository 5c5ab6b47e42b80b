package plan

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/corpus"
	"github.com/sobang/sobang/sources/sanitize"
)

// FuzzRead reads any bytes as a plan: it never panics, a refusal is an
// error (a LineError where the XML breaks), and a plan read lints, with
// every name and path safe for a terminal.
func FuzzRead(f *testing.F) {
	if dir, err := corpus.Find("plans"); err == nil {
		files, _ := filepath.Glob(filepath.Join(dir, "*.jmx"))
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil && len(data) < 32<<10 {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(planXML(usersGroup)))
	f.Add([]byte("<jmeterTestPlan><hashTree><hashTree><X testname=\"\x1b[31m\"/></hashTree></hashTree></jmeterTestPlan>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Read(strings.NewReader(string(data)), "fuzz.jmx", Options{Props: map[string]string{"a": "1"}})
		if err != nil {
			var le *sources.LineError
			if errors.As(err, &le) && le.Line < 0 {
				t.Fatalf("line %d", le.Line)
			}
			return
		}
		for _, fd := range Lint(p, LintOptions{Exists: func(string) bool { return false }}) {
			for _, s := range []string{fd.Path, fd.Message} {
				if sanitize.Value(s) != s {
					t.Fatalf("unsafe text %q", s)
				}
			}
		}
		p.Root.Walk(func(e *Element) bool {
			if sanitize.Value(e.Name) != e.Name {
				t.Fatalf("unsafe name %q", e.Name)
			}
			return true
		})
	})
}
