package jtl

import (
	"bytes"
	"slices"
	"testing"
)

// FuzzCutLine: a line that cutLine takes (with its quoted fields) gives the
// same fields and quote flags as the quoted-record reader.
func FuzzCutLine(f *testing.F) {
	for _, s := range []string{
		`1,2,"Number of samples in transaction : 2, number of failing samples : 0",x`,
		`"a","b",c`, `a,"b"`, `"",""`, `a,b"c,d`, `"a""b",c`, `"a"b,c`, `"abc`, `x,"y,z"`,
		`1000000000000,123,"lab,el",200,"OK, really",Thread 1-1,text,true,,12,1,1,100`,
	} {
		f.Add([]byte(s), byte(','))
	}
	f.Add([]byte("a\t\"b\tc\"\td"), byte('\t'))
	f.Fuzz(func(t *testing.T, line []byte, delim byte) {
		if delim == '"' || delim == '\n' || delim == '\r' || bytes.IndexByte(line, '\n') >= 0 {
			return
		}
		if bytes.IndexByte(line, '\r') >= 0 {
			return // the callers trim a line's '\r' each their own way
		}
		f1, q1, ok := cutLine(nil, nil, line, delim)
		if !ok {
			if bytes.IndexByte(line, '"') < 0 {
				t.Fatalf("cutLine refused %q, which has no quote", line)
			}
			return
		}
		if len(f1) > maxFields+1 { // one more than maxFields says "more than"
			t.Fatalf("%d fields", len(f1))
		}
		rec := append(slices.Clone(line), '\n')
		f2, q2, _, n, lines, ok2 := cutQuoted(rec, delim, nil, nil, nil)
		if !ok2 || n != len(rec) || lines != 1 {
			t.Fatalf("cutQuoted(%q): ok %v, %d bytes, %d lines", rec, ok2, n, lines)
		}
		if len(f2) > maxFields {
			return
		}
		if len(q1) == 0 {
			q1 = make([]bool, len(f1))
		}
		if len(f1) != len(f2) || !slices.Equal(q1, q2) {
			t.Fatalf("%q: cutLine %q %v, cutQuoted %q %v", line, f1, q1, f2, q2)
		}
		for i := range f1 {
			if !bytes.Equal(f1[i], f2[i]) {
				t.Fatalf("%q field %d: cutLine %q, cutQuoted %q", line, i, f1[i], f2[i])
			}
		}
	})
}

// TestCutLineLimitWithQuotedLast: a line with more than maxFields fields
// says so (maxFields+1) whether its last field is quoted or not.
func TestCutLineLimitWithQuotedLast(t *testing.T) {
	base := bytes.Repeat([]byte("a,"), maxFields)
	for _, last := range []string{"z", `"z"`} {
		f, _, ok := cutLine(nil, nil, append(slices.Clone(base), last...), ',')
		if !ok || len(f) != maxFields+1 {
			t.Errorf("last field %s: ok %v, %d fields, want %d", last, ok, len(f), maxFields+1)
		}
	}
}
