package config

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/labels"
)

// FuzzParse checks any configuration text: it is accepted with values that
// hold what the README promises, or refused with every problem a
// *sources.LineError of the file at a line it has, the same way twice.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"[loadtest]\nlabel_map = ['^GET (.*)=$1', 'x=y']\napdex = \"500ms:1500ms\"\n[loadtest.paths]\nlogin = \"/api/login\"\n",
		"[loadtest]\napdex = 500\nlabel_map = \"x\"\npaths = 3\nunknown = 1\n",
		"[loadtest.paths]\n\"a b\" = \"rel\"\nx = 1\n",
		"loadtest = 1\n[other]\nk = 'v'\n",
		"[loadtest\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, err := Parse("fuzz.toml", src)
		_, err2 := Parse("fuzz.toml", src)
		if (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("two parses differ: %v, then %v", err, err2)
		}
		if err != nil {
			lines := bytes.Count(src, []byte("\n")) + 1
			list := []error{err}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				list = j.Unwrap()
			}
			for _, e := range list {
				var le *sources.LineError
				if !errors.As(e, &le) || le.Path != "fuzz.toml" || le.Line < 0 || le.Line > lines {
					t.Fatalf("problem not at a line of the file (%d lines): %#v", lines, e)
				}
				if !strings.HasPrefix(e.Error(), "fuzz.toml:") {
					t.Fatalf("problem does not name the file: %v", e)
				}
			}
			return
		}
		lt := cfg.LoadTest
		for _, r := range lt.LabelMap {
			if _, err := labels.ParseRule(r); err != nil {
				t.Fatalf("accepted label_map rule %q does not parse: %v", r, err)
			}
		}
		if lt.ApdexSatisfiedMS < 0 || lt.ApdexToleratedMS < lt.ApdexSatisfiedMS || (lt.ApdexSatisfiedMS == 0) != (lt.ApdexToleratedMS == 0) {
			t.Fatalf("accepted apdex %d:%d", lt.ApdexSatisfiedMS, lt.ApdexToleratedMS)
		}
		for label, p := range lt.Paths {
			if !strings.HasPrefix(p, "/") {
				t.Fatalf("accepted path %q for %q", p, label)
			}
		}
	})
}
