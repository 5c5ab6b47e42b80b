// Package config reads sobang's configuration file: settings that would
// otherwise be repeated on every command line. The file is
// os.UserConfigDir()/sobang/config.toml (beside the user's themes), or the
// one --config names:
//
//	[loadtest]
//	label_map = ['^GET /users/[0-9]+$=GET /users/{id}']  # as --label-map, before the flags' rules
//	apdex = "500ms:1500ms"                                 # as --apdex; the flag wins
//
//	[loadtest.paths]
//	"POST transfer" = "/api/transfer"  # a label's request path when its samples carry no URL
//
// The package reads and checks the file; cmd/sobang applies it. A typo must
// not pass silently: an unknown key, a value of the wrong type or a bad
// regular expression is an error naming file:line, and a missing default
// file is no error at all (most users have none).
package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/sobang/sobang/sources/loadtest/labels"
	"github.com/sobang/sobang/themes"
)

// FileName is the configuration file's name in sobang's configuration
// directory.
const FileName = "config.toml"

// maxFileSize bounds the file; a real one is a few hundred bytes.
const maxFileSize = 1 << 20

// Config is what a configuration file says. The zero value is an empty
// configuration.
type Config struct {
	// Path is the file read, "" when none was.
	Path string
	// LoadTest is the [loadtest] table.
	LoadTest LoadTest
}

// LoadTest is the [loadtest] table: how load-test results are read.
type LoadTest struct {
	// LabelMap holds REGEX=NAME rules as --label-map reads them, already
	// checked; they apply before the rules given as flags.
	LabelMap []string
	// ApdexSatisfiedMS and ApdexToleratedMS are the APDEX thresholds in
	// milliseconds, both 0 when the file sets none.
	ApdexSatisfiedMS, ApdexToleratedMS int64
	// Paths maps a label to its request path, for labels whose samples
	// carry no URL; nil when the file has none.
	Paths map[string]string
}

// HasApdex reports whether the file sets APDEX thresholds.
func (l *LoadTest) HasApdex() bool { return l.ApdexSatisfiedMS > 0 }

// Keys of the file.
const (
	keyLoadTest = "loadtest"
	keyLabelMap = "loadtest.label_map"
	keyApdex    = "loadtest.apdex"
	keyPaths    = "loadtest.paths"
)

// KnownKeys lists every key the file may hold, in the order of the README.
var KnownKeys = []string{keyLabelMap, keyApdex, keyPaths}

// Error is one problem in a configuration file.
type Error struct {
	// Path is the file.
	Path string
	// Line is the 1-based line of the problem, 0 when it is about the whole
	// file (it cannot be read).
	Line int
	// Message says what was found and what was expected.
	Message string
}

// Error formats the problem as "path:line: message", the form editors and
// terminals jump to.
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Message)
}

// DefaultPath returns the default file, os.UserConfigDir()/sobang/config.toml;
// "" when the system has no configuration directory.
func DefaultPath() string {
	dir, err := os.UserConfigDir()
	if err != nil || dir == "" {
		return ""
	}
	return filepath.Join(dir, "sobang", FileName)
}

// Load reads the file at path. With path "" it reads DefaultPath, and then a
// missing file is no error: the result is an empty Config. A file named
// explicitly must exist.
func Load(path string) (*Config, error) {
	explicit := path != ""
	if !explicit {
		path = DefaultPath()
		if path == "" {
			return &Config{}, nil
		}
	}
	f, err := os.Open(path)
	if err != nil {
		if !explicit && errors.Is(err, os.ErrNotExist) {
			return &Config{}, nil
		}
		if errors.Is(err, os.ErrNotExist) {
			return nil, &Error{Path: path, Message: "no such file"}
		}
		return nil, &Error{Path: path, Message: err.Error()}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, &Error{Path: path, Message: "is a directory; want a TOML file"}
	}
	src, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, &Error{Path: path, Message: err.Error()}
	}
	if len(src) > maxFileSize {
		return nil, &Error{Path: path, Message: fmt.Sprintf("larger than %d bytes; is it the right file?", maxFileSize)}
	}
	return Parse(path, src)
}

// Parse checks the text of a configuration file; path names it in errors.
// Every problem found is returned, each an *Error, in line order and joined
// with errors.Join.
func Parse(path string, src []byte) (*Config, error) {
	var data map[string]any
	md, err := toml.Decode(string(src), &data)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{Path: path, Line: pe.Position.Line, Message: "bad TOML: " + pe.Message}
		}
		return nil, &Error{Path: path, Message: "bad TOML: " + strings.TrimPrefix(err.Error(), "toml: ")}
	}
	line := themes.KeyLines(src)
	var problems []*Error
	report := func(key, format string, args ...any) {
		problems = append(problems, &Error{Path: path, Line: line(key), Message: fmt.Sprintf(format, args...)})
	}

	// Unknown keys, from the keys as written (case matters: Label_Map is
	// not label_map). The labels under [loadtest.paths] are the user's.
	var skip []string // keys whose children are reported already
	for _, k := range md.Keys() {
		ks := k.String()
		known := ks == keyLoadTest || slices.Contains(KnownKeys, ks) ||
			(len(k) == 3 && strings.HasPrefix(ks, keyPaths+"."))
		if known || under(ks, skip) || under(ks, KnownKeys) {
			continue
		}
		skip = append(skip, ks)
		report(ks, "unknown key %q; the known keys are %s", ks, strings.Join(KnownKeys, ", "))
	}

	cfg := &Config{Path: path}
	lt := &cfg.LoadTest
	table, ok := data[keyLoadTest]
	if ok {
		if _, isTable := table.(map[string]any); !isTable {
			report(keyLoadTest, "%q is %s, want a table ([%s])", keyLoadTest, themes.TOMLType(table), keyLoadTest)
		}
	}
	load, _ := table.(map[string]any)
	if v, ok := load["label_map"]; ok {
		list, isList := v.([]any)
		if !isList {
			report(keyLabelMap, "%q is %s, want an array of 'REGEX=NAME' strings", keyLabelMap, themes.TOMLType(v))
		}
		for i, item := range list {
			key := fmt.Sprintf("%s[%d]", keyLabelMap, i)
			s, isText := item.(string)
			if !isText {
				report(key, "%s is %s, want a 'REGEX=NAME' string", key, themes.TOMLType(item))
				continue
			}
			if _, err := labels.ParseRule(s); err != nil {
				report(key, "%s: %v", key, err)
				continue
			}
			lt.LabelMap = append(lt.LabelMap, s)
		}
	}
	if v, ok := load["apdex"]; ok {
		s, isText := v.(string)
		if !isText {
			report(keyApdex, "%q is %s, want a string SATISFIED:TOLERATED such as \"500ms:1500ms\"", keyApdex, themes.TOMLType(v))
		} else if sat, tol, err := ParseApdex(s); err != nil {
			report(keyApdex, "%s: %v", keyApdex, err)
		} else {
			lt.ApdexSatisfiedMS, lt.ApdexToleratedMS = sat, tol
		}
	}
	if v, ok := load["paths"]; ok {
		paths, isTable := v.(map[string]any)
		if !isTable {
			report(keyPaths, "%q is %s, want a table of label = \"/path\"", keyPaths, themes.TOMLType(v))
		}
		for label, p := range paths {
			key := toml.Key{"loadtest", "paths", label}.String()
			s, isText := p.(string)
			switch {
			case !isText:
				report(key, "the path of label %q is %s, want a string such as \"/api/transfer\"", label, themes.TOMLType(p))
			case !strings.HasPrefix(s, "/"):
				report(key, "the path of label %q is %q, want a request path starting with /, such as \"/api/transfer\"", label, s)
			default:
				if lt.Paths == nil {
					lt.Paths = map[string]string{}
				}
				lt.Paths[label] = s
			}
		}
	}

	if len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b *Error) int {
			if a.Line != b.Line {
				return a.Line - b.Line
			}
			return strings.Compare(a.Message, b.Message)
		})
		errs := make([]error, len(problems))
		for i, p := range problems {
			errs[i] = p
		}
		return nil, errors.Join(errs...)
	}
	return cfg, nil
}

// under reports whether key lies inside one of the given keys.
func under(key string, parents []string) bool {
	for _, p := range parents {
		if strings.HasPrefix(key, p+".") {
			return true
		}
	}
	return false
}

// ParseApdex reads APDEX thresholds SATISFIED:TOLERATED as --apdex does:
// two durations (a bare number is milliseconds) in whole milliseconds, with
// 0 < satisfied <= tolerated.
func ParseApdex(text string) (satisfiedMS, toleratedMS int64, err error) {
	s, t, ok := strings.Cut(text, ":")
	if !ok {
		return 0, 0, fmt.Errorf("want SATISFIED:TOLERATED, e.g. 500ms:1500ms, found %q", text)
	}
	if satisfiedMS, err = apdexMS(s); err != nil {
		return 0, 0, err
	}
	if toleratedMS, err = apdexMS(t); err != nil {
		return 0, 0, err
	}
	if satisfiedMS <= 0 || toleratedMS < satisfiedMS {
		return 0, 0, fmt.Errorf("%q: want 0 < satisfied <= tolerated", text)
	}
	return satisfiedMS, toleratedMS, nil
}

func apdexMS(text string) (int64, error) {
	text = strings.TrimSpace(text)
	if ms, err := strconv.ParseInt(text, 10, 64); err == nil {
		return ms, nil
	}
	d, err := time.ParseDuration(text)
	if err != nil {
		return 0, fmt.Errorf("%q: want a duration such as 500ms or 1.5s", text)
	}
	if d%time.Millisecond != 0 {
		return 0, fmt.Errorf("%q: want whole milliseconds, as sample times are", text)
	}
	return d.Milliseconds(), nil
}
