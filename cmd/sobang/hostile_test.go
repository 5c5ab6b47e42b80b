package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/pflag"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
	"github.com/sobang/sobang/themes"
	"github.com/sobang/sobang/tui"
)

// Text a tested system can write into a result file, each piece of which
// acts on a terminal that receives it: the window title, the clipboard,
// a cleared screen, a device query whose reply the terminal types into
// the user's shell, a hyperlink, a style, bidi and zero-width characters,
// a C1 control; and what breaks Markdown and a frame's border.
const (
	hTitle  = "\x1b]2;PWNED\x07"
	hClip   = "\x1b]52;c;cHduZWQ=\x07"
	hClear  = "\x1b[2J"
	hQuery  = "\x1b[6n"
	hLink   = "\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\"
	hStyle  = "\x1b[1;31m"
	hBidi   = "\u202e"
	hZero   = "\u200b"
	hC1     = "\u009b6n"
	hMD     = " | <b>bold</b> & co"
	hSecret = "http://user:secret@shop.example/pay"
)

// hostileFiles writes one run in each load-test format, every text field
// hostile, into dir and returns the report arguments that read them.
func hostileFiles(t *testing.T, dir string) []string {
	t.Helper()
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC).UnixMilli()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	csvLabels := []string{
		hTitle + "GET title", hClip + "GET clip", hClear + hQuery + "GET clear", hLink + " GET link",
		hStyle + "GET style\x1b[0m", "GET bidi" + hBidi + "evil" + hZero, "GET c1" + hC1,
		"GET multi\nline\rcr\ttab" + hMD,
	}
	var jtl strings.Builder
	jtl.WriteString("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n")
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	for sec := int64(0); sec < 10; sec++ {
		// Mostly plain rows, as in a real run: a file with more than 1% of
		// control bytes is refused as binary, a label or two are not.
		for i := 0; i < 60; i++ {
			fmt.Fprintf(&jtl, "%d,%d,GET plain,200,OK,Users 1-2,text,true,,512,128,5,5,http://shop.example/,10,0,1\n", start+sec*1000+int64(i), 20+i)
		}
		for i, l := range csvLabels {
			code, msg, ok, failure := "200", "OK", "true", ""
			if i%2 == 0 {
				code, msg, ok, failure = hQuery+"500", hTitle+"Oops"+hMD, "false", hClip+"assertion\nfailed"
			}
			fmt.Fprintf(&jtl, "%d,%d,%s,%s,%s,%s,text,%s,%s,512,128,5,5,%s,10,0,1\n",
				start+sec*1000+int64(i)*10, 20+i, q(l), q(code), q(msg), q(hTitle+"Users 1-1"), ok, q(failure), q(hSecret+hQuery))
		}
	}
	// A file name is data too: a directory listing can hold any byte.
	jtlPath := write("run"+hTitle+hBidi+".jtl", jtl.String())

	var xml strings.Builder
	xml.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testResults version=\"1.2\">\n")
	for sec := int64(0); sec < 10; sec++ {
		fmt.Fprintf(&xml, `<httpSample t="30" lt="10" ct="1" ts="%d" s="false" lb="&#27;]2;PWNED&#7;XML title&#10;next" rc="500" rm="&#27;[2J&#27;[6nOops&#x9b;" tn="&#27;]2;t&#7; 1-1" dt="text" by="10" sby="1" ng="1" na="1"><java.net.URL>http://user:secret@shop.example/&#27;[6n</java.net.URL></httpSample>`+"\n",
			start+sec*1000+500)
	}
	xml.WriteString("</testResults>\n")
	xmlPath := write("run.xml", xml.String())

	var k6 strings.Builder
	for sec := int64(0); sec < 10; sec++ {
		ts := time.UnixMilli(start + sec*1000 + 700).UTC().Format(time.RFC3339Nano)
		tags := `{"error":"\u001b]52;c;AA\u0007refused","method":"GET","name":"\u001b]2;PWNED\u0007k6 title\u202e","proto":"HTTP/1.1","scenario":"default","status":"\u001b[6n0","url":"http://user:secret@shop.example/\u001b[2J"}`
		for _, m := range []string{"http_reqs", "http_req_duration", "http_req_failed"} {
			v := "1"
			if m == "http_req_duration" {
				v = "12.5"
			}
			fmt.Fprintf(&k6, `{"type":"Point","data":{"time":%q,"value":%s,"tags":%s,"metadata":{"vu":"1","iter":"%d"}},"metric":%q}`+"\n", ts, v, tags, sec, m)
		}
	}
	k6Path := write("k6.json", k6.String())

	var gat strings.Builder
	fmt.Fprintf(&gat, "RUN\tsim.Hostile\thostile\t%d\t \t3.9.5\nUSER\tShoppers\tSTART\t%d\n", start, start)
	for sec := int64(0); sec < 10; sec++ {
		t0 := start + sec*1000 + 300
		fmt.Fprintf(&gat, "REQUEST\t\t%sGatling home%s\t%d\t%d\tOK\t \n", hTitle, hBidi, t0, t0+100)
		fmt.Fprintf(&gat, "REQUEST\t%sShop\tPay%s\t%d\t%d\tKO\t%sstatus was 500\n", hClear, hZero, t0+200, t0+300, hClip)
		fmt.Fprintf(&gat, "GROUP\t%sShop\t%d\t%d\t100\tKO\n", hClear, t0+150, t0+350)
	}
	gatPath := write("simulation.log", gat.String())

	locust := write("hostile_stats.csv", "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,90%,95%,100%\n"+
		"GET,"+q(hTitle+"/locust"+hBidi)+",100,5,120,130.5,20.25,900.75,512,10.0,0.5,120,300,450,900\n"+
		"GET,Aggregated,100,5,120,130.5,20.25,900.75,512,10.0,0.5,120,300,450,900\n")
	write("hostile_failures.csv", "Method,Name,Error,Occurrences\nGET,"+q(hTitle+"/locust"+hBidi)+","+q(hClip+"HTTPError"+hMD)+",5\n")

	// Saved metrics, found by content: a query answer whose metric name,
	// label values and a bad value are hostile, and exposition text whose
	// bad line is.
	sec := start / 1000
	answer := write("saved.json", fmt.Sprintf(`{"status":"success","warnings":["\u001b]2;PWNED\u0007cut"],"data":{"resultType":"matrix","result":[`+
		`{"metric":{"__name__":"\u001b]2;PWNED\u0007saved_gauge","path":"\u001b[2J\u001b[6n/x\u202e"},"values":[[%d,"1"],[%d,"\u001b[6n"]]}]}}`, sec, sec+1))
	page := write("saved.prom", fmt.Sprintf("# TYPE saved_page gauge\nsaved_page{uri=\"%s\"} 1 %d\nsaved_page{uri=\"x\"} %s %d\n", hTitle+hBidi, start, hClear, start))
	return []string{"--jtl", jtlPath, "--jtl", xmlPath, "--k6", k6Path, "--gatling", gatPath, "--locust", locust, answer, page}
}

// hostileScrape serves metrics whose names and label values are hostile,
// behind basic authentication, and returns the URL with the password in
// it.
func hostileScrape(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "user" || p != "secret" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		// Label values hold any byte but an unescaped '"', '\\' or newline.
		fmt.Fprintf(w, "# TYPE hostile_gauge gauge\nhostile_gauge{path=\"%s%s\",uri=\"/%s%s\\n%s\"} 1\n", hTitle, hBidi, hClear, hQuery, hC1)
	}))
	t.Cleanup(srv.Close)
	return strings.Replace(srv.URL, "http://", "http://user:secret@", 1) + "/metrics"
}

// checkTerminalSafe fails when out holds anything a terminal would act on
// (beyond line ends and, with ownSGR, our own styles), a password, or,
// for Markdown, HTML or a '|' that ends a table cell early.
func checkTerminalSafe(t *testing.T, what, out string, ownSGR *regexp.Regexp) {
	t.Helper()
	for i, line := range strings.Split(out, "\n") {
		if ownSGR != nil {
			line = ownSGR.ReplaceAllString(line, "")
		}
		if !sanitize.Safe(line) {
			t.Errorf("%s: line %d holds a control, escape, bidi or zero-width character: %q", what, i+1, line)
		}
		if strings.Contains(line, "secret") {
			t.Errorf("%s: line %d shows a password: %q", what, i+1, line)
		}
	}
}

// checkMarkdown fails when a table row of md has more cells than its
// header (a '|' from the data not escaped) or when md holds HTML from the
// data.
func checkMarkdown(t *testing.T, md string) {
	t.Helper()
	unescaped := regexp.MustCompile(`(^|[^\\])\|`)
	cells := func(line string) int { return len(unescaped.FindAllString(line, -1)) }
	header := 0
	for i, line := range strings.Split(md, "\n") {
		switch {
		case !strings.HasPrefix(line, "|"):
			header = 0
		case header == 0:
			header = cells(line)
		case cells(line) != header:
			t.Errorf("markdown line %d has %d cells, its header %d: %q", i+1, cells(line), header, line)
		}
		if strings.Contains(line, "<b>") || strings.Contains(line, "</b>") {
			t.Errorf("markdown line %d holds HTML from the data: %q", i+1, line)
		}
	}
}

// jsonStrings calls fn with every string in the JSON value v.
func jsonStrings(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		fn(x)
	case []any:
		for _, e := range x {
			jsonStrings(e, fn)
		}
	case map[string]any:
		for k, e := range x {
			fn(k)
			jsonStrings(e, fn)
		}
	}
}

func TestReportHostileText(t *testing.T) {
	args := append(hostileFiles(t, t.TempDir()), "--scrape", hostileScrape(t), "--utc")
	for _, format := range []string{"text", "markdown", "json"} {
		t.Run(format, func(t *testing.T) {
			out, errs, code := runBin(t, append([]string{"report", "--format", format}, args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			checkTerminalSafe(t, "stdout", out, nil)
			checkTerminalSafe(t, "stderr", errs, nil)
			for _, want := range []string{"GET title", "XML title", "k6 title", "Gatling home", "/locust", "user:***@", "saved_gauge", "saved_page", "saved.prom:3"} {
				if !strings.Contains(out, want) {
					t.Errorf("the report lacks %q", want)
				}
			}
			switch format {
			case "markdown":
				checkMarkdown(t, out)
			case "json":
				var doc any
				if err := json.Unmarshal([]byte(out), &doc); err != nil {
					t.Fatal(err)
				}
				// What a pipeline would print with jq -r.
				jsonStrings(doc, func(s string) {
					if !sanitize.Safe(s) || strings.Contains(s, "secret") {
						t.Errorf("JSON string %q is not safe to print", s)
					}
				})
			}
		})
	}
}

// TestErrorsNameHostileFilesSafely checks the messages about a file that
// cannot be read: its name is shown, not obeyed.
func TestErrorsNameHostileFilesSafely(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing"+hTitle+hBidi+".jtl")
	binary := filepath.Join(dir, "blob"+hClear+".jtl")
	if err := os.WriteFile(binary, []byte{0, 1, 2, 3, 0xff, 0xfe, 0, 0, 7, 8}, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"report", missing},
		{"report", binary},
		{"check", "--slo", "p95<1s", missing},
		{"report", "--scrape", "http://user:secret@127.0.0.1:1/metrics"},
	} {
		out, errs, code := runBin(t, args...)
		if code == 0 {
			t.Errorf("%q: exit 0", args)
		}
		checkTerminalSafe(t, fmt.Sprintf("%q stdout", args), out, nil)
		checkTerminalSafe(t, fmt.Sprintf("%q stderr", args), errs, nil)
		if errs == "" {
			t.Errorf("%q: no message", args)
		}
	}
}

// ownSGR matches the only escape sequences the dashboard writes: SGR.
var ownSGR = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// TestDashboardHostileText reads the hostile files through the real
// sources and draws the dashboard over them: every pane, each label's
// drill-down and the metrics list keep to our own styles and their frame.
func TestDashboardHostileText(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	args := append(hostileFiles(t, t.TempDir()), "--scrape", hostileScrape(t))
	var sf sourceFlags
	fs := pflag.NewFlagSet("dashboard", pflag.ContinueOnError)
	sf.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	specs, err := sf.specs(nil)
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := sf.build(specs, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := readAll(srcs, 0)
	theme, err := themes.Load("dark", "")
	if err != nil {
		t.Fatal(err)
	}
	last := time.Date(2026, 11, 24, 9, 0, 11, 0, time.UTC)
	for _, size := range []struct{ w, h int }{{80, 24}, {200, 60}} {
		m := tui.New(tui.Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(last)})
		m.Init()
		m.Update(tea.WindowSizeMsg{Width: size.w, Height: size.h})
		frame := func(what string) string {
			t.Helper()
			f := m.Render()
			checkTerminalSafe(t, fmt.Sprintf("%dx%d %s", size.w, size.h, what), f, ownSGR)
			lines := strings.Split(f, "\n")
			if len(lines) != size.h {
				t.Errorf("%dx%d %s: %d lines, want %d", size.w, size.h, what, len(lines), size.h)
			}
			for i, l := range lines {
				if n := sanitize.Width([]byte(ownSGR.ReplaceAllString(l, ""))); n != size.w {
					t.Errorf("%dx%d %s: line %d is %d cells wide, want %d: %q", size.w, size.h, what, i+1, n, size.w, l)
				}
			}
			return ownSGR.ReplaceAllString(f, "")
		}
		key := func(k string) {
			msg := tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
			switch k {
			case "enter":
				msg = tea.KeyPressMsg{Code: tea.KeyEnter}
			case "esc":
				msg = tea.KeyPressMsg{Code: tea.KeyEscape}
			}
			m.Update(msg)
		}
		frame("all panes")
		shown := map[string]string{"1": "GET clip", "2": "hostile_gauge", "3": "no logs"}
		for _, pane := range []string{"1", "2", "3"} {
			key(pane)
			if f := frame("pane " + pane); size.w == 200 && !strings.Contains(f, shown[pane]) {
				t.Errorf("pane %s lacks %q:\n%s", pane, shown[pane], f)
			}
			key("enter")
			frame("pane " + pane + " opened")
			key("esc")
		}
		key("1")
		for i := 0; i < 16; i++ {
			key("enter")
			frame(fmt.Sprintf("drill-down %d", i))
			key("esc")
			key("j")
		}
	}
}
