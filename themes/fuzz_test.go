package themes

import (
	"errors"
	"testing"

	"github.com/sobang/sobang/sources"
)

// FuzzParseLayer feeds arbitrary text to the theme parser: it must never
// panic or hang, and every problem it reports must be a *sources.LineError.
func FuzzParseLayer(f *testing.F) {
	for _, name := range Builtins() {
		data, err := builtinFS.ReadFile("builtin/" + name + ".toml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("inherit = \"dark\"\nlevels = { error = \"#fff\",\n warn = 3 }\n[x.'y'.\"z\"]\na = [[1], {b = 2}]\n"))
	f.Add([]byte("s = \"\"\"\\\n\"\"\"\"\nt = '''a''''\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := parseLayer("fuzz.toml", "fuzz", data)
		if err != nil {
			var fe *sources.LineError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *sources.LineError", err)
			}
			return
		}
		if l == nil {
			t.Fatal("nil layer without error")
		}
		keyLines(data)
	})
}
