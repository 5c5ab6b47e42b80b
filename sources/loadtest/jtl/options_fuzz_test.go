package jtl

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// FuzzProperties reads any .properties text: a refusal is a
// *sources.LineError of the file, and what is read writes back (every
// character escaped) and reads again to the same keys and values.
func FuzzProperties(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "props", "*.properties"))
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("a=b\nkey\\\n   continued : value\\u0041\r\n! comment\n# comment\nx \\\n"))
	f.Add([]byte("jmeter.save.saveservice.output_format=xml\njmeter.save.saveservice.timestamp_format=yyyy/MM/dd\nsample_variables=a,b\n"))
	f.Add([]byte("bad=\\u12G4\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Properties
		if err := p.Load(bytes.NewReader(data), "fuzz.properties"); err != nil {
			var le *sources.LineError
			if !errors.As(err, &le) || le.Path != "fuzz.properties" || le.Line < 1 {
				t.Fatalf("refusal not at a line of the file: %v", err)
			}
			return
		}
		var out bytes.Buffer
		for _, k := range p.Keys() {
			v, _ := p.Get(k)
			out.WriteString(escapeAll(k) + "=" + escapeAll(v) + "\n")
		}
		var back Properties
		if err := back.Load(&out, "back.properties"); err != nil {
			t.Fatalf("written back, refused: %v", err)
		}
		if !reflect.DeepEqual(p.Keys(), back.Keys()) {
			t.Fatalf("keys %q read back as %q", p.Keys(), back.Keys())
		}
		for _, k := range p.Keys() {
			v, _ := p.Get(k)
			if w, _ := back.Get(k); v != w {
				t.Fatalf("%q=%q read back as %q", k, v, w)
			}
		}
		if _, err := p.SaveConfig(); err != nil && !strings.HasPrefix(err.Error(), "fuzz.properties:") {
			t.Fatalf("SaveConfig error does not name the file: %v", err)
		}
		_ = p.unknownSaveProperties()
	})
}

// escapeAll writes every character of s as a \uXXXX escape (what Load
// reads is always in the Basic Multilingual Plane).
func escapeAll(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04X`, r)
	}
	return b.String()
}

// FuzzTimeFormat checks --jtl-time-format patterns, and values read with
// an accepted one: a refusal names the pattern, and reading a value twice
// gives the same instant.
func FuzzTimeFormat(f *testing.F) {
	for _, s := range [][2]string{
		{"yyyy/MM/dd HH:mm:ss.SSS", "2026/11/25 12:38:19.123"},
		{"dd.MM.yy h:mm a", "25.11.26 1:38 PM"},
		{"yyyy-MM-dd'T'HH:mm:ssXXX", "2026-11-25T12:38:19+09:00"},
		{"EEE, d MMM yyyy HH:mm:ss Z", "Wed, 25 Nov 2026 12:38:19 +0900"},
		{"yyyyMMddHHmmss z", "20261125123819 KST"},
		{"MM/dd/yyyy kk:mm ''x''", "11/25/2026 24:38 'x'"},
		{"YYYY", "2026"}, {"'open", ""}, {"ms", "1700000000000"}, {"", ""},
	} {
		f.Add(s[0], []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, pattern string, value []byte) {
		err := ValidateTimeFormat(pattern)
		if pattern == "" || pattern == "ms" {
			if err != nil {
				t.Fatalf("%q refused: %v", pattern, err)
			}
			return
		}
		l, err2 := parseTimeFormat(pattern, 1950)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("ValidateTimeFormat says %v, parseTimeFormat %v", err, err2)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "time format "+sources.Quote(pattern)) {
				t.Fatalf("refusal does not name the pattern: %v", err)
			}
			return
		}
		for _, loc := range []*time.Location{time.UTC, time.FixedZone("x", -3*3600-1800)} {
			ms1, ok1 := l.parse(value, &timeParser{loc: loc})
			ms2, ok2 := l.parse(value, &timeParser{loc: loc})
			if ms1 != ms2 || ok1 != ok2 {
				t.Fatalf("%q with %q read as %d,%v then %d,%v", value, pattern, ms1, ok1, ms2, ok2)
			}
		}
	})
}

// FuzzColumns reads a headerless CSV with the columns of a --jtl-columns
// list: the same records however the input is cut.
func FuzzColumns(f *testing.F) {
	f.Add("timeStamp,elapsed,label,responseCode,success", []byte("1700000000000,12,home,200,true\n1700000000001,x,home,500,false\n"), uint16(20))
	f.Add("timestamp,Elapsed,\"myVar\",Latency,bytes,threadName,grpThreads,allThreads,URL,Connect",
		[]byte("1700000000000,12,v,3,100,t 1-1,1,1,http://h/,0\n1,2\n"), uint16(7))
	f.Add("label,elapsed,timeStamp,failureMessage,dataType,IdleTime,SampleCount,ErrorCount,Hostname",
		[]byte("a,1,1700000000000,,text,0,1,0,h\n\"b,c\",2,1700000000000,\"m\"\"x\",,0,2,1,h\n"), uint16(30))
	f.Fuzz(func(t *testing.T, spec string, data []byte, cut uint16) {
		cols := strings.Split(spec, ",")
		seen := map[string]bool{}
		for _, c := range cols {
			quoted := len(c) > 2 && strings.HasPrefix(c, `"`) && strings.HasSuffix(c, `"`)
			if !quoted && (!KnownColumn(c) || seen[strings.ToLower(c)]) {
				return // the command refuses these before the parser sees them
			}
			seen[strings.ToLower(c)] = true
		}
		opt := Options{Columns: cols, ColumnsFrom: "--jtl-columns"}
		whole, wholeErr := parseChunks(data, opt, nil)
		at := 0
		if len(data) > 0 {
			at = int(cut) % (len(data) + 1)
		}
		split, splitErr := parseChunks(data, opt, nil, at)
		if fmt.Sprint(wholeErr) != fmt.Sprint(splitErr) {
			t.Fatalf("cut at %d: error %v, in one piece %v", at, splitErr, wholeErr)
		}
		if !reflect.DeepEqual(whole.Samples, split.Samples) || whole.BadRows != split.BadRows ||
			!reflect.DeepEqual(whole.Bad, split.Bad) {
			t.Fatalf("cut at %d: %d samples, bad %v; in one piece %d samples, bad %v",
				at, len(split.Samples), split.Bad, len(whole.Samples), whole.Bad)
		}
	})
}
