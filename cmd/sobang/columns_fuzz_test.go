package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources/loadtest/jtl"
)

// FuzzParseColumns checks --jtl-columns: a list is accepted with one
// column per comma-separated item, each a JTL column or a quoted variable,
// none named twice; anything else is a usage error naming the flag.
func FuzzParseColumns(f *testing.F) {
	for _, s := range []string{
		"timeStamp,elapsed,label,responseCode,success",
		` TIMESTAMP , Elapsed ,"myVar",label`,
		`timeStamp,,label`, `timeStamp,"",label`, `label,LABEL`, `lable`, `"`, `""x""`, "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cols, err := parseColumns(s)
		if err != nil {
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != exitUsage || !strings.HasPrefix(err.Error(), "--jtl-columns: ") {
				t.Fatalf("refusal of %q is not a usage error naming the flag: %v", s, err)
			}
			return
		}
		if len(cols) != strings.Count(s, ",")+1 {
			t.Fatalf("%q gives %d columns", s, len(cols))
		}
		seen := map[string]bool{}
		for _, c := range cols {
			quoted := len(c) > 2 && strings.HasPrefix(c, `"`) && strings.HasSuffix(c, `"`)
			if !quoted && (!jtl.KnownColumn(c) || seen[strings.ToLower(c)]) {
				t.Fatalf("%q accepted with column %q", s, c)
			}
			if !quoted {
				seen[strings.ToLower(c)] = true
			}
		}
	})
}
