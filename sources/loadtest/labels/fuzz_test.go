package labels

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

// FuzzLabelMap parses a --label-map rule and maps labels with it. A
// refusal quotes the rule; an accepted rule prints as text that parses to
// the same rule; a Mapper hands each label the renamed, sanitised name or
// Other, the same one every time, and never more than its cap.
func FuzzLabelMap(f *testing.F) {
	f.Add(`^GET /users/[0-9]+$=GET /users/{id}`, []byte("GET /users/1\nGET /users/2\nPOST /x\n"))
	f.Add(`(?P<verb>[A-Z]+) (/[a-z]+).*=${verb} $2`, []byte("GET /a/1\nPUT /b/2\n\x1b[31mred\n"))
	f.Add(`a\=b=$1x`, []byte("a=b\n"))
	f.Add(`x=$$`, []byte("x\nxx\nxxx\nxxxx\ny\n"))
	f.Add(`(=y`, []byte(""))
	f.Add(`=y`, []byte("y"))
	f.Add(`x=`, []byte("x"))
	f.Fuzz(func(t *testing.T, spec string, input []byte) {
		r, err := ParseRule(spec)
		if err != nil {
			if !strings.Contains(err.Error(), sources.Quote(spec)) {
				t.Fatalf("refusal of %q does not quote it: %v", spec, err)
			}
			return
		}
		again, err := ParseRule(r.String())
		if err != nil || again.Pattern.String() != r.Pattern.String() || again.Name != r.Name {
			t.Fatalf("%q prints as %q, which parses as %v, %v", spec, r.String(), again, err)
		}
		const max = 3
		m := NewMapper([]Rule{r}, max, nil)
		seen := map[string]string{}
		for range 2 {
			for _, label := range bytes.Split(input, []byte("\n")) {
				raw, name := m.Get(label)
				if raw != string(label) {
					t.Fatalf("label %q came back as %q", label, raw)
				}
				renamed, _ := Apply([]Rule{r}, raw)
				if want := sanitize.Value(renamed); name != want && name != Other {
					t.Fatalf("label %q named %q, want %q or %q", label, name, want, Other)
				}
				if prev, ok := seen[raw]; ok && prev != name {
					t.Fatalf("label %q named %q, then %q", label, prev, name)
				}
				seen[raw] = name
				if m.Labels() > max {
					t.Fatalf("%d labels handed out, cap %d", m.Labels(), max)
				}
			}
		}
	})
}
