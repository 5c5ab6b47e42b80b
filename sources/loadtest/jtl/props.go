package jtl

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/sobang/sobang/sources"
)

// Properties are JMeter properties read from .properties files
// (jmeter.properties, user.properties, a -q file), later files overriding
// earlier ones as JMeter loads them. Each value remembers where it was set,
// so that errors can name the file and line.
type Properties struct {
	values map[string]property
}

type property struct {
	value string
	file  string
	line  int
}

// at puts msg at the file and line the property was set on.
func (p property) at(msg string) string { return sources.At(p.file, p.line, msg) }

// ReadProperties reads the files in order into one set.
func ReadProperties(paths ...string) (*Properties, error) {
	p := &Properties{values: map[string]property{}}
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		err = p.Load(f, path)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Load reads one .properties file, named name in messages, into p with the
// syntax of java.util.Properties.load(InputStream): ISO-8859-1 text;
// key=value, key: value or key value; # and ! comment lines; a backslash at
// the end of a line continues it on the next (whose leading blanks are
// dropped); \t \n \r \f \uXXXX escapes, any other escaped character stands for
// itself. A value keeps its trailing blanks, as Java's does.
func (p *Properties) Load(r io.Reader, name string) error {
	if p.values == nil {
		p.values = map[string]property{}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	sc.Split(scanNaturalLines)
	lineNo := 0
	var logical []byte
	start := 0 // line number where the logical line began
	for sc.Scan() {
		lineNo++
		line := sc.Bytes()
		if logical == nil {
			trimmed := bytes.TrimLeft(line, " \t\f")
			if len(trimmed) == 0 || trimmed[0] == '#' || trimmed[0] == '!' {
				continue
			}
			start = lineNo
			logical = append(logical[:0:0], trimmed...)
		} else {
			logical = append(logical, bytes.TrimLeft(line, " \t\f")...)
		}
		if continues(logical) {
			logical = logical[:len(logical)-1]
			continue
		}
		if err := p.set(logical, name, start); err != nil {
			return err
		}
		logical = nil
	}
	if err := sc.Err(); err != nil {
		return &sources.LineError{Path: name, Line: lineNo + 1, Err: err}
	}
	if logical != nil { // a continuation at the end of the file
		return p.set(logical, name, start)
	}
	return nil
}

// scanNaturalLines splits at \n, \r or \r\n, as Properties does.
func scanNaturalLines(data []byte, atEOF bool) (advance int, token []byte, err error) {
	for i, c := range data {
		if c == '\n' {
			return i + 1, data[:i], nil
		}
		if c == '\r' {
			if i+1 < len(data) {
				if data[i+1] == '\n' {
					return i + 2, data[:i], nil
				}
				return i + 1, data[:i], nil
			}
			if atEOF {
				return i + 1, data[:i], nil
			}
			return 0, nil, nil // a \n may follow
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// continues reports whether line ends with an odd number of backslashes.
func continues(line []byte) bool {
	n := 0
	for i := len(line) - 1; i >= 0 && line[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// set splits a logical line into key and value and stores them.
func (p *Properties) set(line []byte, file string, lineNo int) error {
	keyEnd, valStart := len(line), len(line)
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == '\\' {
			i++
			continue
		}
		if c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f' {
			keyEnd = i
			j := i
			for j < len(line) && (line[j] == ' ' || line[j] == '\t' || line[j] == '\f') {
				j++
			}
			if j < len(line) && (line[j] == '=' || line[j] == ':') && (c == ' ' || c == '\t' || c == '\f') {
				j++
			} else if c == '=' || c == ':' {
				j = i + 1
			}
			for j < len(line) && (line[j] == ' ' || line[j] == '\t' || line[j] == '\f') {
				j++
			}
			valStart = j
			break
		}
	}
	key, err := unescapeProperty(line[:keyEnd])
	if err != nil {
		return &sources.LineError{Path: file, Line: lineNo, Err: err}
	}
	value, err := unescapeProperty(line[valStart:])
	if err != nil {
		return &sources.LineError{Path: file, Line: lineNo, Err: err}
	}
	p.values[key] = property{value: value, file: file, line: lineNo}
	return nil
}

// unescapeProperty decodes ISO-8859-1 bytes and Properties escapes.
func unescapeProperty(b []byte) (string, error) {
	var out strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 == len(b) {
			out.WriteRune(rune(c)) // ISO-8859-1: every byte is its code point
			continue
		}
		i++
		switch c = b[i]; c {
		case 't':
			out.WriteByte('\t')
		case 'n':
			out.WriteByte('\n')
		case 'r':
			out.WriteByte('\r')
		case 'f':
			out.WriteByte('\f')
		case 'u':
			if i+5 > len(b) {
				return "", sources.ExpectedError("\\uxxxx escape", "four hex digits", b[i-1:])
			}
			var r rune
			for _, h := range b[i+1 : i+5] {
				var d byte
				switch {
				case h >= '0' && h <= '9':
					d = h - '0'
				case h >= 'a' && h <= 'f':
					d = h - 'a' + 10
				case h >= 'A' && h <= 'F':
					d = h - 'A' + 10
				default:
					return "", sources.ExpectedError("\\uxxxx escape", "four hex digits", b[i-1:i+5])
				}
				r = r<<4 | rune(d)
			}
			if !utf8.ValidRune(r) {
				r = utf8.RuneError
			}
			out.WriteRune(r)
			i += 4
		default:
			out.WriteRune(rune(c))
		}
	}
	return out.String(), nil
}

// Get returns the value of key and whether it is set.
func (p *Properties) Get(key string) (string, bool) {
	v, ok := p.values[key]
	return v.value, ok
}

// Keys returns the keys that are set, sorted.
func (p *Properties) Keys() []string {
	keys := make([]string, 0, len(p.values))
	for k := range p.values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// SaveConfig is what JMeter's result-file properties say about a CSV JTL:
// which columns it has and in which order, its delimiter and its timestamps.
type SaveConfig struct {
	// Columns are the header names in JMeter's order
	// (CSVSaveService.printableFieldNamesToString), sample_variables last in
	// quotes: the columns of a headerless file written with these properties.
	Columns []string
	// Delimiter is default_delimiter, 0 when the properties do not set it.
	Delimiter byte
	// TimeFormat is timestamp_format: "ms", a SimpleDateFormat pattern, or ""
	// when not set ("none" removes the timeStamp column instead).
	TimeFormat string
	// PrintFieldNames is print_field_names: whether JMeter wrote a header
	// when it created the file (an appended run has none either way).
	PrintFieldNames bool
	// OutputFormat is output_format: "csv" or "xml".
	OutputFormat string
	// EndTimes is sampleresult.timestamp.start set to anything but true:
	// JMeter then writes each sample's end as its timeStamp. Unset, the
	// shipped jmeter.properties' true (start times) is assumed.
	EndTimes bool
	// Warnings describe properties that JMeter reads differently from what
	// they seem to say (file:line: why), for the user to see.
	Warnings []string
}

const savePrefix = "jmeter.save.saveservice."

// timestampStartProperty says whether JMeter writes a sample's start (true,
// as the shipped jmeter.properties sets it) or its end as timeStamp.
const timestampStartProperty = "sampleresult.timestamp.start"

// saveColumns are the CSV columns in JMeter's order with the property that
// turns each on and its default in JMeter 5.x (SampleSaveConfiguration).
var saveColumns = []struct {
	property string
	def      bool
	names    []string
}{
	{"time", true, []string{"elapsed"}},
	{"label", true, []string{"label"}},
	{"response_code", true, []string{"responseCode"}},
	{"response_message", true, []string{"responseMessage"}},
	{"thread_name", true, []string{"threadName"}},
	{"data_type", true, []string{"dataType"}},
	{"successful", true, []string{"success"}},
	{"assertion_results_failure_message", true, []string{"failureMessage"}},
	{"bytes", true, []string{"bytes"}},
	{"sent_bytes", true, []string{"sentBytes"}},
	{"thread_counts", true, []string{"grpThreads", "allThreads"}},
	{"url", true, []string{"URL"}},
	{"filename", false, []string{"Filename"}},
	{"latency", true, []string{"Latency"}},
	{"encoding", false, []string{"Encoding"}},
	{"sample_count", false, []string{"SampleCount", "ErrorCount"}},
	{"hostname", false, []string{"Hostname"}},
	{"idle_time", true, []string{"IdleTime"}},
	{"connect_time", true, []string{"Connect"}},
}

// otherSaveProperties are the jmeter.save.saveservice.* properties that do
// not choose a CSV column.
var otherSaveProperties = []string{
	"output_format", "print_field_names", "default_delimiter", "timestamp_format", "assertion_results",
	"response_data", "response_data.on_error", "subresults", "assertions", "samplerData",
	"responseHeaders", "requestHeaders", "autoflush", "xml_pi", "base_prefix",
}

// SaveConfig reads the jmeter.save.saveservice.* properties and
// sample_variables the way JMeter 5.x does (unset ones take its defaults).
// A value JMeter could not use is an error naming its file and line.
func (p *Properties) SaveConfig() (SaveConfig, error) {
	sc := SaveConfig{PrintFieldNames: true, OutputFormat: "csv"}
	boolean := func(name string, def bool) bool {
		v, ok := p.values[savePrefix+name]
		if !ok {
			return def
		}
		on := strings.EqualFold(v.value, "true")
		if !on && !strings.EqualFold(v.value, "false") {
			sc.Warnings = append(sc.Warnings, v.at(fmt.Sprintf("%s%s=%s: JMeter reads anything but true as false",
				savePrefix, name, sources.Quote(v.value))))
		}
		return on
	}
	sc.PrintFieldNames = boolean("print_field_names", true)
	if v, ok := p.values[savePrefix+"output_format"]; ok {
		switch {
		case v.value == "xml":
			sc.OutputFormat = "xml"
		case v.value != "csv":
			sc.Warnings = append(sc.Warnings, v.at(fmt.Sprintf("%soutput_format=%s: JMeter writes CSV for anything but xml",
				savePrefix, sources.Quote(v.value))))
		}
	}
	if v, ok := p.values[savePrefix+"default_delimiter"]; ok {
		d, err := ParseDelimiter(v.value)
		if err != nil {
			return sc, &sources.LineError{Path: v.file, Line: v.line, Err: fmt.Errorf("%sdefault_delimiter: %w", savePrefix, err)}
		}
		sc.Delimiter = d
	}
	timestamp := true
	if v, ok := p.values[savePrefix+"timestamp_format"]; ok {
		switch {
		case strings.EqualFold(v.value, "ms"):
			sc.TimeFormat = "ms"
		case strings.EqualFold(v.value, "none"):
			timestamp = false
		default:
			if err := ValidateTimeFormat(v.value); err != nil {
				return sc, &sources.LineError{Path: v.file, Line: v.line, Err: fmt.Errorf("%stimestamp_format: %w", savePrefix, err)}
			}
			sc.TimeFormat = v.value
		}
	}
	if timestamp {
		sc.Columns = append(sc.Columns, "timeStamp")
	}
	for _, col := range saveColumns {
		if boolean(col.property, col.def) {
			sc.Columns = append(sc.Columns, col.names...)
		}
	}
	if v, ok := p.values["sample_variables"]; ok && v.value != "" {
		for _, name := range strings.Split(v.value, ",") { // JMeter splits without trimming
			sc.Columns = append(sc.Columns, `"`+name+`"`)
		}
	}
	if v, ok := p.values[timestampStartProperty]; ok && !strings.EqualFold(strings.TrimSpace(v.value), "true") {
		sc.EndTimes = true
		sc.Warnings = append(sc.Warnings, v.at(fmt.Sprintf("%s=%s: timeStamp is read as each sample's end (start = timeStamp - elapsed)",
			timestampStartProperty, v.value)))
	}
	sc.Warnings = append(sc.Warnings, p.unknownSaveProperties()...)
	return sc, nil
}

// unknownSaveProperties warns about jmeter.save.saveservice.* keys JMeter
// does not read (sentBytes for sent_bytes is a common one): they change
// nothing, which is rarely what the user meant.
func (p *Properties) unknownSaveProperties() []string {
	var known []string
	for _, c := range saveColumns {
		known = append(known, c.property)
	}
	known = append(known, otherSaveProperties...)
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "_", "") }
	var out []string
	for _, key := range p.Keys() {
		name, ok := strings.CutPrefix(key, savePrefix)
		switch {
		case !ok:
			continue
		case name == "sample_variables":
			out = append(out, p.values[key].at(key+" is not read by JMeter; the property is sample_variables"))
			continue
		}
		msg, found := "", false
		for _, k := range known {
			if k == name {
				found = true
				break
			}
			if msg == "" && (norm(k) == norm(name) || len(name) >= 4 && strings.HasPrefix(norm(k), norm(name))) {
				msg = fmt.Sprintf(" (did you mean %s%s?)", savePrefix, k)
			}
		}
		if !found {
			out = append(out, p.values[key].at(key+" is not a property JMeter reads, so it changes nothing"+msg))
		}
	}
	return out
}

// ParseDelimiter reads a CSV delimiter as JMeter accepts one in
// default_delimiter: a single printable ASCII character that is not a letter,
// a digit or a double quote, or a TAB (written as a TAB, \t or "tab").
func ParseDelimiter(s string) (byte, error) {
	switch s {
	case `\t`, "\t", "tab", "TAB", "Tab":
		return '\t', nil
	}
	if len(s) != 1 {
		return 0, sources.ExpectedError("", "one character, such as , ; | or tab", s)
	}
	c := s[0]
	switch {
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '"':
		return 0, sources.ExpectedError("", "a character other than a letter, a digit or a double quote (JMeter refuses those too)", s)
	case c < 0x20 || c > 0x7e:
		return 0, sources.ExpectedError("", "a printable ASCII character or a tab (JMeter refuses others too)", s)
	}
	return c, nil
}
