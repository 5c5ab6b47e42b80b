package jtl

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func loadString(t *testing.T, text string) (*Properties, error) {
	t.Helper()
	p := &Properties{}
	return p, p.Load(strings.NewReader(text), "user.properties")
}

func TestPropertiesSyntax(t *testing.T) {
	tests := []struct {
		name string
		text string
		want map[string]string
	}{
		{"equals", "a=1\nb = 2\n", map[string]string{"a": "1", "b": "2"}},
		{"colon", "a:1\nb : 2\n", map[string]string{"a": "1", "b": "2"}},
		{"blank separates", "a 1\nb\t \t2\n", map[string]string{"a": "1", "b": "2"}},
		{"blank then equals", "a  =  1\n", map[string]string{"a": "1"}},
		{"second separator is value", "a==1\nb=:2\n", map[string]string{"a": "=1", "b": ":2"}},
		{"comments", "# a=1\n  ! b=2\nc=3 # not a comment\n", map[string]string{"c": "3 # not a comment"}},
		{"trailing blanks kept", "a=true  \n", map[string]string{"a": "true  "}},
		{"leading blanks dropped", "   \t a=1\n", map[string]string{"a": "1"}},
		{"key only", "flag\n", map[string]string{"flag": ""}},
		{"continuation", "a=one, \\\n    two, \\\n\tthree\n", map[string]string{"a": "one, two, three"}},
		{"escaped backslash does not continue", "a=c:\\\\\nb=2\n", map[string]string{"a": `c:\`, "b": "2"}},
		{"continuation into a comment-looking line", "a=x\\\n  # y\n", map[string]string{"a": "x# y"}},
		{"comment does not continue", "# a=\\\nb=2\n", map[string]string{"b": "2"}},
		{"escapes", `a=\t|\n|\r|\f|\u0041\u00e9|\=\:\ \#|\q` + "\n", map[string]string{"a": "\t|\n|\r|\f|Aé|=: #|q"}},
		{"escaped separators in the key", `my\ key\=x\:y=v` + "\n", map[string]string{"my key=x:y": "v"}},
		{"CRLF and CR", "a=1\r\nb=2\rc=3", map[string]string{"a": "1", "b": "2", "c": "3"}},
		{"ISO-8859-1", "a=caf\xe9\n", map[string]string{"a": "café"}},
		{"later wins", "a=1\na=2\n", map[string]string{"a": "2"}},
		{"continuation at end of file", "a=1\\", map[string]string{"a": "1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := loadString(t, tc.text)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, k := range p.Keys() {
				got[k], _ = p.Get(k)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPropertiesErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string
	}{
		{"a=1\n\nb=\\u00zz\n", `user.properties:3: \uxxxx escape: expected four hex digits, found "\\u00zz"`},
		{"a=1\nb=x\\\n  \\u12", `user.properties:2: \uxxxx escape: expected four hex digits, found "\\u12"`},
	} {
		_, err := loadString(t, tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.text, err, tc.want)
		}
	}
}

func TestSaveConfig(t *testing.T) {
	defaults := "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect"
	tests := []struct {
		name     string
		text     string
		columns  string
		delim    byte
		format   string
		header   bool
		endTimes bool
		warnings []string
		err      string
	}{
		{name: "defaults are JMeter 5.x's", text: "", columns: defaults, header: true},
		{name: "everything on", header: true, text: "jmeter.save.saveservice.filename=true\njmeter.save.saveservice.encoding=true\n" +
			"jmeter.save.saveservice.sample_count=true\njmeter.save.saveservice.hostname=TRUE\nsample_variables=user,order id\n",
			columns: "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes," +
				`grpThreads,allThreads,URL,Filename,Latency,Encoding,SampleCount,ErrorCount,Hostname,IdleTime,Connect,"user","order id"`},
		{name: "JMeter 2.13 defaults", header: false, text: "jmeter.save.saveservice.print_field_names=false\n" +
			"jmeter.save.saveservice.assertion_results_failure_message=false\njmeter.save.saveservice.sent_bytes=false\n" +
			"jmeter.save.saveservice.url=false\njmeter.save.saveservice.idle_time=false\njmeter.save.saveservice.connect_time=false\n",
			columns: "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,bytes,grpThreads,allThreads,Latency"},
		{name: "tab as escape", text: `jmeter.save.saveservice.default_delimiter=\t`, columns: defaults, delim: '\t', header: true},
		{name: "tab as JMeter's \\\\t", text: `jmeter.save.saveservice.default_delimiter=\\t`, columns: defaults, delim: '\t', header: true},
		{name: "pipe", text: "jmeter.save.saveservice.default_delimiter=|", columns: defaults, delim: '|', header: true},
		{name: "bad delimiter", text: "\njmeter.save.saveservice.default_delimiter=x", err: `user.properties:2: jmeter.save.saveservice.default_delimiter: expected a character other than a letter, a digit or a double quote (JMeter refuses those too), found "x"`},
		{name: "two-character delimiter", text: "jmeter.save.saveservice.default_delimiter=;;", err: `user.properties:1: jmeter.save.saveservice.default_delimiter: expected one character, such as , ; | or tab, found ";;"`},
		{name: "ms", text: "jmeter.save.saveservice.timestamp_format=MS", columns: defaults, format: "ms", header: true},
		{name: "no timestamps", text: "jmeter.save.saveservice.timestamp_format=none", columns: strings.TrimPrefix(defaults, "timeStamp,"), header: true},
		{name: "pattern", text: "jmeter.save.saveservice.timestamp_format=yyyy/MM/dd HH:mm:ss.SSS", columns: defaults, format: "yyyy/MM/dd HH:mm:ss.SSS", header: true},
		{name: "bad pattern", text: "# x\njmeter.save.saveservice.timestamp_format=yyyy/MM/dd HH:mm:ss.SSS Q",
			err: `user.properties:2: jmeter.save.saveservice.timestamp_format: time format "yyyy/MM/dd HH:mm:ss.SSS Q": pattern letter 'Q'`},
		{name: "JMeter reads 'true ' as false", text: "jmeter.save.saveservice.url=true \njmeter.save.saveservice.latency=yes",
			columns: "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,IdleTime,Connect",
			header:  true, warnings: []string{`user.properties:1: jmeter.save.saveservice.url="true ": JMeter reads anything but true as false`,
				`user.properties:2: jmeter.save.saveservice.latency="yes": JMeter reads anything but true as false`}},
		{name: "names JMeter does not read", text: "jmeter.save.saveservice.sentBytes=true\njmeter.save.saveservice.Connect=false\njmeter.save.saveservice.sample_variables=a",
			columns: defaults, header: true, warnings: []string{
				"user.properties:2: jmeter.save.saveservice.Connect is not a property JMeter reads, so it changes nothing (did you mean jmeter.save.saveservice.connect_time?)",
				"user.properties:3: jmeter.save.saveservice.sample_variables is not read by JMeter; the property is sample_variables",
				"user.properties:1: jmeter.save.saveservice.sentBytes is not a property JMeter reads, so it changes nothing (did you mean jmeter.save.saveservice.sent_bytes?)",
			}},
		{name: "end times", text: "sampleresult.timestamp.start=false", columns: defaults, header: true, endTimes: true,
			warnings: []string{"user.properties:1: sampleresult.timestamp.start=false: timeStamp is read as each sample's end (start = timeStamp - elapsed)"}},
		{name: "start times said", text: "sampleresult.timestamp.start=true", columns: defaults, header: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := loadString(t, tc.text)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := p.SaveConfig()
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(sc.Columns, ","); got != tc.columns {
				t.Errorf("columns\n%s\nwant\n%s", got, tc.columns)
			}
			if sc.Delimiter != tc.delim || sc.TimeFormat != tc.format || sc.PrintFieldNames != tc.header || sc.EndTimes != tc.endTimes {
				t.Errorf("delimiter %q, format %q, header %v, end times %v", sc.Delimiter, sc.TimeFormat, sc.PrintFieldNames, sc.EndTimes)
			}
			if !reflect.DeepEqual(sc.Warnings, tc.warnings) {
				t.Errorf("warnings\n%q\nwant\n%q", sc.Warnings, tc.warnings)
			}
		})
	}
}

// TestReadPropertiesOverrides reads jmeter.properties then user.properties:
// the later file wins, and messages name the file that set the value.
func TestReadPropertiesOverrides(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "jmeter.properties")
	user := filepath.Join(dir, "user.properties")
	os.WriteFile(base, []byte("jmeter.save.saveservice.default_delimiter=;\njmeter.save.saveservice.url=false\n"), 0o644)
	os.WriteFile(user, []byte("# mine\njmeter.save.saveservice.url=true\njmeter.save.saveservice.timestamp_format=yyyy-MM-dd\\'T\\'HH:mm:ss D\n"), 0o644)
	p, err := ReadProperties(base, user)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.SaveConfig()
	if err == nil || !strings.HasPrefix(err.Error(), user+":3: jmeter.save.saveservice.timestamp_format") {
		t.Fatalf("error %v, want one naming %s:3", err, user)
	}
	os.WriteFile(user, []byte("jmeter.save.saveservice.url=true\n"), 0o644)
	p, _ = ReadProperties(base, user)
	sc, err := p.SaveConfig()
	if err != nil || sc.Delimiter != ';' || !strings.Contains(strings.Join(sc.Columns, ","), "URL") {
		t.Errorf("err %v, delimiter %q, columns %v", err, sc.Delimiter, sc.Columns)
	}
	if _, err := ReadProperties(filepath.Join(dir, "absent.properties")); err == nil || !strings.Contains(err.Error(), "absent.properties") {
		t.Errorf("missing file: %v", err)
	}
}

func TestParseDelimiter(t *testing.T) {
	for in, want := range map[string]byte{",": ',', ";": ';', "|": '|', "\t": '\t', `\t`: '\t', "tab": '\t', "TAB": '\t', ":": ':', " ": ' ', "^": '^', "~": '~'} {
		if got, err := ParseDelimiter(in); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "ab", "a", "7", `"`, "\x01", "é", "\n"} {
		if _, err := ParseDelimiter(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}
