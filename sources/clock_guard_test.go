package sources

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// wallClockCalls are the functions of package time that read the wall clock
// or wait on it: outside the clock, code asks a Clock instead, so that tests
// and replay decide what "now" is.
var wallClockCalls = map[string]bool{
	"Now": true, "Since": true, "Until": true, "After": true, "AfterFunc": true,
	"Tick": true, "NewTicker": true, "NewTimer": true, "Sleep": true,
}

// clockFiles may use them: the files that implement Clock on the wall
// clock, relative to the module root.
var clockFiles = map[string]bool{
	"sources/clock.go": true,
}

// TestNoBareWallClock fails, naming file:line, for any use of a wall-clock
// function of package time in a non-test file of sources/ or tui/ outside
// clockFiles.
func TestNoBareWallClock(t *testing.T) {
	eachSourceFile(t, []string{"sources", "tui"}, 50, func(rel, path string) {
		if clockFiles[rel] {
			return
		}
		for _, v := range wallClockUses(t, path) {
			t.Errorf("%s:%d: %s; use a sources.Clock", rel, v.line, v.what)
		}
	})
}

// drainFiles are the only non-test files that may call a Drain method: the
// hub, which defines it, and the store's Pump, the one ingestion step.
var drainFiles = map[string]bool{
	"sources/hub.go":        true,
	"sources/store/pump.go": true,
}

// TestOneDrain fails, naming file:line, when a non-test file of the module
// other than drainFiles calls a method named Drain: the hub is drained by
// the store's Pump alone, so that the dashboard and report ingest the same
// way.
func TestOneDrain(t *testing.T) {
	eachSourceFile(t, []string{"cmd", "sources", "themes", "tui"}, 100, func(rel, path string) {
		if drainFiles[rel] {
			return
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Drain" {
					t.Errorf("%s:%d: calls Drain; ingest through store.Pump", rel, fset.Position(call.Pos()).Line)
				}
			}
			return true
		})
	})
}

// eachSourceFile calls check with the module-relative slash path and the
// path of every non-test Go file under the module's dirs, skipping testdata
// and hidden folders; it fails when the walk finds fewer than least files,
// too few to prove anything.
func eachSourceFile(t *testing.T, dirs []string, least int, check func(rel, path string)) {
	t.Helper()
	root := moduleRoot(t)
	files := 0
	for _, dir := range dirs {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				if name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				return nil
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			files++
			check(filepath.ToSlash(rel), path)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < least {
		t.Fatalf("checked only %d files; the walk missed the tree and proves nothing", files)
	}
}

type wallClockUse struct {
	line int
	what string
}

// wallClockUses parses the file at path and returns where it refers to a
// wall-clock function of package time (called or not), or dot-imports time.
func wallClockUses(t *testing.T, path string) []wallClockUse {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []wallClockUse
	names := map[string]bool{}
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p != "time" {
			continue
		}
		switch {
		case imp.Name == nil:
			names["time"] = true
		case imp.Name.Name == ".":
			out = append(out, wallClockUse{fset.Position(imp.Pos()).Line, "dot import of time"})
		case imp.Name.Name != "_":
			names[imp.Name.Name] = true
		}
	}
	if len(names) == 0 {
		return out
	}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); ok && names[x.Name] && wallClockCalls[sel.Sel.Name] {
			out = append(out, wallClockUse{fset.Position(sel.Pos()).Line, "time." + sel.Sel.Name})
		}
		return true
	})
	return out
}

// moduleRoot walks up from the package directory to the directory holding
// go.mod.
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package directory")
		}
		dir = parent
	}
}

// TestWallClockUsesSeesThroughNames checks the guard itself: calls, method
// values and renamed imports count; a local name that is not the import and
// time's other functions do not.
func TestWallClockUsesSeesThroughNames(t *testing.T) {
	src := `package p

import (
	"context"
	tm "time"
)

var now = tm.Now

func f(ctx context.Context) {
	<-tm.After(tm.Second)
	d := tm.Duration(0)
	time := struct{ Now func() }{}
	time.Now()
	_, _ = ctx, d
}
`
	path := filepath.Join(t.TempDir(), "p.go")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range wallClockUses(t, path) {
		got = append(got, strconv.Itoa(u.line)+" "+u.what)
	}
	want := []string{"8 time.Now", "11 time.After"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("found %q, want %q", got, want)
	}
}
