package themes

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sobang/sobang/sources"
)

//go:embed builtin/*.toml
var builtinFS embed.FS

// builtinSource is the Source of a built-in theme.
const builtinSource = "built-in"

// maxFileSize bounds a theme file; real ones are a couple of KB.
const maxFileSize = 1 << 20

// Builtins returns the names of the built-in themes, sorted.
func Builtins() []string {
	entries, _ := builtinFS.ReadDir("builtin") // embedded: cannot fail
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".toml"); ok {
			names = append(names, name)
		}
	}
	return names
}

// Info describes one theme that can be selected, for "sobang themes".
type Info struct {
	// Name selects the theme with --theme.
	Name string
	// Source is "built-in" or the path of the user's theme file.
	Source string
	// Description is the theme's own description; empty if it has an error.
	Description string
	// ReplacesBuiltin is true for a user theme named like a built-in.
	ReplacesBuiltin bool
	// Theme is the loaded theme; zero when Err is set.
	Theme Theme
	// Err says why the theme cannot be loaded, or is nil.
	Err error
}

// List returns every theme that can be selected, sorted by name: the
// built-ins and the *.toml files in userDir ("" for none), a user theme
// replacing a built-in of the same name. A theme that fails to load is
// still listed, with Err set; the returned error is only about reading
// userDir itself, in which case the built-ins are still returned.
func List(userDir string) ([]Info, error) {
	user, dirErr := userThemes(userDir)
	names := slices.Clone(Builtins())
	for name := range user {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)

	infos := make([]Info, 0, len(names))
	for _, name := range names {
		info := Info{Name: name, Source: builtinSource}
		if p, ok := user[name]; ok {
			info.Source = p
			info.ReplacesBuiltin = slices.Contains(Builtins(), name)
		}
		dir := userDir
		if dirErr != nil {
			dir = "" // the directory cannot be read: built-ins only
		}
		t, err := Load(name, dir)
		if err != nil {
			info.Err = err
		} else {
			info.Theme = t
			info.Description = t.Description
		}
		infos = append(infos, info)
	}
	return infos, dirErr
}

// Load returns the theme called name: the user's userDir/NAME.toml if it
// exists (userDir "" means no user themes), else the built-in of that
// name. The theme's inherit chain is resolved. Errors in a theme file
// name the file and line (each a *[sources.LineError]); an unknown name
// lists the themes that exist. Load does not look at NO_COLOR: see
// [NoColorRequested] and [Plain].
func Load(name, userDir string) (Theme, error) {
	if err := checkName(name); err != nil {
		return Theme{}, err
	}
	src, ok, err := findTheme(name, userDir, false)
	if err != nil {
		return Theme{}, err
	}
	if !ok {
		return Theme{}, sources.ExpectedError(fieldTheme, "one of "+available(userDir), name)
	}
	return resolve(src, userDir, nil)
}

// fieldTheme names the value Load was given in its messages; the caller
// knows whether it came from a flag.
const fieldTheme = "theme"

// checkName refuses names that would reach outside the theme directory.
func checkName(name string) error {
	if name == "" {
		return sources.ExpectedError(fieldTheme, "one of "+strings.Join(Builtins(), ", "), name)
	}
	if strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return sources.ExpectedError(fieldTheme, fmt.Sprintf("a name such as %q, not a path (user themes live in %s)", Default, UserDir()), name)
	}
	return nil
}

// themeFile is where one theme comes from.
type themeFile struct {
	name    string
	display string // path for messages: the file, or builtin/NAME.toml
	builtin bool
}

// findTheme locates the theme called name, preferring the user's file
// unless builtinOnly.
func findTheme(name, userDir string, builtinOnly bool) (themeFile, bool, error) {
	if userDir != "" && !builtinOnly {
		p := filepath.Join(userDir, name+".toml")
		fi, err := os.Stat(p)
		switch {
		case err == nil && fi.IsDir():
			return themeFile{}, false, sources.InFile(p, errors.New("is a directory, not a theme file"))
		case err == nil:
			return themeFile{name: name, display: p}, true, nil
		case !errors.Is(err, fs.ErrNotExist):
			return themeFile{}, false, err
		}
	}
	p := path.Join("builtin", name+".toml")
	if _, err := fs.Stat(builtinFS, p); err == nil {
		return themeFile{name: name, display: p, builtin: true}, true, nil
	}
	return themeFile{}, false, nil
}

// resolve loads src and, through inherit, the themes beneath it. chain
// holds the files being resolved, to refuse cycles.
func resolve(src themeFile, userDir string, chain []string) (Theme, error) {
	data, err := readTheme(src)
	if err != nil {
		return Theme{}, err
	}
	l, err := parseLayer(src.display, src.name, data)
	if err != nil {
		return Theme{}, err
	}
	chain = append(chain, src.display)

	var t Theme
	if l.inherit != "" {
		// Built-ins build only on built-ins, so a user's file cannot change
		// them behind their back; a user theme that inherits its own name
		// builds on the built-in it replaces.
		base, ok, err := findTheme(l.inherit, userDir, src.builtin || l.inherit == src.name)
		switch {
		case err != nil:
			return Theme{}, err
		case checkName(l.inherit) != nil || !ok:
			return Theme{}, &sources.LineError{Path: src.display, Line: l.inheritLine,
				Err: sources.ExpectedError(keyInherit, "one of "+available(userDir), l.inherit)}
		case slices.Contains(chain, base.display):
			return Theme{}, &sources.LineError{Path: src.display, Line: l.inheritLine,
				Err: fmt.Errorf("inherit %s makes a cycle: %s", sources.Quote(l.inherit), strings.Join(append(chain, base.display), " -> "))}
		}
		if t, err = resolve(base, userDir, chain); err != nil {
			return Theme{}, err
		}
	} else if missing := missingKeys(l); len(missing) > 0 {
		return Theme{}, sources.InFile(src.display,
			fmt.Errorf("missing %s: set them, or add inherit = %q to take the rest from a built-in", quoteAll(missing), Default))
	}

	for _, ck := range colourKeys {
		if c, ok := l.colours[ck.key]; ok {
			*ck.field(&t) = c
		}
	}
	if l.series != nil {
		t.Series = l.series
	} else {
		t.Series = slices.Clone(t.Series) // never share the base's slice
	}
	t.Name = src.name
	t.Source = builtinSource
	if !src.builtin {
		t.Source = src.display
	}
	t.Description = l.description
	if t.Description == "" && l.inherit != "" {
		t.Description = fmt.Sprintf("Based on %s.", l.inherit)
	}
	t.NoColor = false
	return t, nil
}

// readTheme reads a theme file, refusing files too large to be one.
func readTheme(src themeFile) ([]byte, error) {
	if src.builtin {
		return builtinFS.ReadFile(src.display)
	}
	f, err := os.Open(src.display)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, sources.InFile(src.display, err)
	}
	if len(data) > maxFileSize {
		return nil, sources.InFile(src.display, fmt.Errorf("larger than %d bytes, not a theme file", maxFileSize))
	}
	return data, nil
}

// missingKeys lists the keys a theme without inherit must set but did not.
func missingKeys(l *layer) []string {
	var missing []string
	for _, ck := range colourKeys {
		if _, ok := l.colours[ck.key]; !ok && !ck.optional {
			missing = append(missing, ck.key)
		}
	}
	if l.series == nil {
		missing = append(missing, keySeries)
	}
	return missing
}

func quoteAll(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = fmt.Sprintf("%q", k)
	}
	if len(q) == 1 {
		return "key " + q[0]
	}
	return "keys " + strings.Join(q, ", ")
}

// userThemes maps the name of every *.toml file in userDir to its path.
// A missing directory is no error: most users have no themes of their own.
func userThemes(userDir string) (map[string]string, error) {
	themes := map[string]string{}
	if userDir == "" {
		return themes, nil
	}
	entries, err := os.ReadDir(userDir)
	if errors.Is(err, fs.ErrNotExist) {
		return themes, nil
	}
	if err != nil {
		return themes, fmt.Errorf("reading user themes: %w", err)
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".toml")
		if !ok || e.IsDir() || checkName(name) != nil {
			continue
		}
		themes[name] = filepath.Join(userDir, e.Name())
	}
	return themes, nil
}

// available lists every theme name, built-in or the user's, for messages.
func available(userDir string) string {
	names := Builtins()
	user, _ := userThemes(userDir)
	for name := range user {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
