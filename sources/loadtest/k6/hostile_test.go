package k6

import (
	"strings"
	"testing"

	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// TestHostileText reads k6 output whose tags would act on a terminal: JSON
// escapes (\u001b) and quoted CSV fields pass any check for binary data.
// Every string is handed over made safe to show, a URL's password masked.
func TestHostileText(t *testing.T) {
	tags := `{"error":"\u001b]52;c;AA\u0007refused","method":"GET","name":"\u001b]2;PWNED\u0007title\u202e","proto":"HTTP/1.1","scenario":"default","status":"\u001b[6n0","url":"http://user:secret@shop.example/\u001b[2J"}`
	var json strings.Builder
	for _, m := range []string{"http_reqs", "http_req_duration"} {
		json.WriteString(`{"type":"Point","data":{"time":"2024-03-01T10:00:00Z","value":1,"tags":` + tags + `,"metadata":{"vu":"\u001b]2;vu\u00071"}},"metric":"` + m + "\"}\n")
	}
	csv := "metric_name,timestamp,metric_value,error,name,status,url,metadata\n"
	for _, m := range []string{"http_reqs", "http_req_duration"} {
		csv += m + ",1709287201123,1,\"\x1b]52;c;AA\x07refused\",\"\x1b]2;PWNED\x07title\u202e\",\x1b[6n0,http://user:secret@shop.example/\x1b[2J,vu=\x1b]2;vu\x071\n"
	}
	for _, tt := range []struct{ name, data string }{{"json", json.String()}, {"csv", csv}} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := parseChunks([]byte(tt.data))
			if err != nil || len(r.Samples) != 1 {
				t.Fatalf("err %v, %d samples, bad %v", err, len(r.Samples), badStrings(r))
			}
			loadtesttest.CheckSafeText(t, r.Samples)
			s := r.Samples[0]
			got := strings.Join([]string{s.Label, s.Code, s.Message, s.Thread, s.URL}, "|")
			if want := "title⟨RLO⟩|0|refused|1|http://user:***@shop.example/"; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}
