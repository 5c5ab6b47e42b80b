package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRedactionInReportAndRecording sends a log line with a JWT, a
// password and a card number, and a JTL whose failure message and URL hold
// secrets, through report (every format) and a recording: no secret
// reaches either. Reading the recording back with redaction turned off
// shows that it holds masked text, not masks put on at display.
func TestRedactionInReportAndRecording(t *testing.T) {
	const (
		jwt  = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
		pass = "hunter2secret"
		card = "4111111111111111"
	)
	secrets := []string{jwt, "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV", pass, card, "tok3nvalue"}
	dir := t.TempDir()
	log := filepath.Join(dir, "app.log")
	logText := "2024-05-01T12:00:00.000+02:00  INFO 1 --- [main] c.e.App : started\n" +
		"2024-05-01T12:00:01.000+02:00 ERROR 1 --- [main] c.e.Auth : login failed password=" + pass + " Authorization: Bearer " + jwt + " card " + card + "\n"
	jtl := filepath.Join(dir, "run.jtl")
	jtlText := "timeStamp,elapsed,label,responseCode,responseMessage,threadName,success,failureMessage,URL\n" +
		"1714557600000,12,login,500,card " + card + ",t 1-1,false,password=" + pass + ",http://h/login?access_token=tok3nvalue\n" +
		"1714557601000,10,login,200,OK,t 1-1,true,,http://h/login?access_token=tok3nvalue\n"
	for p, text := range map[string]string{log: logText, jtl: jtlText} {
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	off := filepath.Join(dir, "off.toml")
	if err := os.WriteFile(off, []byte("[redact]\nenabled = false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	leaks := func(what, out string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s shows %q:\n%s", what, s, out)
			}
		}
	}
	for _, format := range []string{"json", "text", "markdown"} {
		out, errs, code := runBin(t, "report", "--format", format, "--jtl", jtl, "--log", log)
		if code != 0 {
			t.Fatalf("report: exit %d: %s", code, errs)
		}
		leaks("report --format "+format, out+errs)
		if format == "json" && (!strings.Contains(out, "password=***") || !strings.Contains(out, "411111******1111")) {
			t.Errorf("report shows no masked secret:\n%s", out)
		}
	}
	// The switch works: with redaction off the secrets show.
	out, _, code := runBin(t, "report", "--format", "json", "--config", off, "--jtl", jtl, "--log", log)
	if code != 0 || !strings.Contains(out, pass) {
		t.Fatalf("report with redaction off: exit %d, password not shown:\n%s", code, out)
	}

	rec := filepath.Join(dir, "run.sobang")
	if _, errs, code := runBin(t, "record", "--out", rec, "--jtl", jtl, "--log", log); code != 0 {
		t.Fatalf("record: exit %d: %s", code, errs)
	}
	raw, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	leaks("the recording's bytes", string(raw))
	out, errs, code := runBin(t, "report", "--format", "json", "--config", off, rec)
	if code != 0 {
		t.Fatalf("report on the recording: exit %d: %s", code, errs)
	}
	leaks("report on the recording with redaction off", out+errs)
	if !strings.Contains(out, "password=***") {
		t.Errorf("the recording's report shows no masked password:\n%s", out)
	}

	// A recording written with redaction off holds the secrets; read back
	// with it on, they are masked as the sources would mask them.
	recOff := filepath.Join(dir, "off.sobang")
	if _, errs, code := runBin(t, "record", "--config", off, "--out", recOff, "--jtl", jtl, "--log", log); code != 0 {
		t.Fatalf("record with redaction off: exit %d: %s", code, errs)
	}
	out, errs, code = runBin(t, "report", "--format", "json", recOff)
	if code != 0 {
		t.Fatalf("report on the unmasked recording: exit %d: %s", code, errs)
	}
	leaks("report on a recording written with redaction off", out+errs)
}
