package jtl

import (
	"strings"
	"testing"

	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// TestHostileText reads result files whose text fields would act on a
// terminal: raw escape sequences in a quoted CSV field, and XML character
// references (&#27;), which pass any check for binary data. Every string
// is handed over made safe to show, once, and a URL's password masked.
func TestHostileText(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string // label, code, message, failure, thread, URL of the last sample
	}{
		// Plain rows first: a file with more than 1% of control bytes at
		// its start is refused as binary, one hostile row is not.
		{"csv",
			"timeStamp,elapsed,label,responseCode,responseMessage,threadName,success,failureMessage,URL\n" +
				strings.Repeat("1700000000000,5,GET plain,200,OK,Users 1-1,true,,http://shop.example/\n", 30) +
				"1700000000000,5,\"\x1b]2;PWNED\x07GET\x1b[2J a\nb\",\x1b[6n500,\"\x1b]52;c;AA\x07Oops\u202e\",\x1b]2;t\x07 1-1,false,\"\x1b]8;;http://x/\x1b\\link\x1b]8;;\x1b\\\",http://user:secret@shop.example/\u009b6n\n",
			[]string{"GET a␊b", "500", "Oops⟨RLO⟩", "link", " 1-1", "http://user:***@shop.example/<U+009B>6n"}},
		{"xml",
			`<testResults version="1.2"><httpSample t="5" ts="1700000000000" s="false" lb="&#27;]2;PWNED&#7;GET&#x1b;[2J a&#10;b" rc="&#27;[6n500" rm="&#27;]52;c;AA&#7;Oops&#x202e;" tn="&#27;]2;t&#7; 1-1">` +
				`<assertionResult><name>a</name><failure>true</failure><error>false</error><failureMessage>&#27;]8;;http://x/&#27;\link&#27;]8;;&#27;\</failureMessage></assertionResult>` +
				`<java.net.URL>http://user:secret@shop.example/&#x9b;6n</java.net.URL></httpSample></testResults>`,
			[]string{"GET a␊b", "500", "Oops⟨RLO⟩", "link", " 1-1", "http://user:***@shop.example/<U+009B>6n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := parseChunks([]byte(tt.data), Options{}, nil)
			if err != nil || len(r.Samples) == 0 || r.BadRows != 0 {
				t.Fatalf("err %v, %d samples, bad %v", err, len(r.Samples), badStrings(r))
			}
			loadtesttest.CheckSafeText(t, r.Samples)
			s := r.Samples[len(r.Samples)-1]
			got := []string{s.Label, s.Code, s.Message, s.Failure, s.Thread, s.URL}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
