package jtl

import (
	"bytes"
	"fmt"
	"strings"
)

// column is a JTL CSV column sobang reads; colOther is any column it skips
// (SampleCount, Hostname, sample_variables, another tool's extras).
type column uint8

const (
	colOther column = iota
	colTimeStamp
	colElapsed
	colLabel
	colResponseCode
	colResponseMessage
	colThreadName
	colDataType
	colSuccess
	colFailureMessage
	colBytes
	colSentBytes
	colGrpThreads
	colAllThreads
	colURL
	colFilename
	colLatency
	colEncoding
	colSampleCount
	colErrorCount
	colHostname
	colIdleTime
	colConnect
	numColumns
)

// columnNames are the header names JMeter writes, in JMeter's canonical
// order (CSVSaveService.printableFieldNamesToString).
var columnNames = [numColumns]string{
	colTimeStamp:       "timeStamp",
	colElapsed:         "elapsed",
	colLabel:           "label",
	colResponseCode:    "responseCode",
	colResponseMessage: "responseMessage",
	colThreadName:      "threadName",
	colDataType:        "dataType",
	colSuccess:         "success",
	colFailureMessage:  "failureMessage",
	colBytes:           "bytes",
	colSentBytes:       "sentBytes",
	colGrpThreads:      "grpThreads",
	colAllThreads:      "allThreads",
	colURL:             "URL",
	colFilename:        "Filename",
	colLatency:         "Latency",
	colEncoding:        "Encoding",
	colSampleCount:     "SampleCount",
	colErrorCount:      "ErrorCount",
	colHostname:        "Hostname",
	colIdleTime:        "IdleTime",
	colConnect:         "Connect",
}

// lookupColumn maps a header name to its column, case-insensitively (other
// tools write "latency" or "Timestamp"). ok is false for unknown names.
func lookupColumn(name []byte) (column, bool) {
	name = bytes.TrimSpace(name)
	for c := colTimeStamp; c < numColumns; c++ {
		if len(name) == len(columnNames[c]) && bytes.EqualFold(name, []byte(columnNames[c])) {
			return c, true
		}
	}
	return colOther, false
}

// ColumnNames returns the CSV column names JMeter writes, in its order.
func ColumnNames() []string {
	names := make([]string, 0, numColumns-1)
	for c := colTimeStamp; c < numColumns; c++ {
		names = append(names, columnNames[c])
	}
	return names
}

// KnownColumn reports whether name is a JTL column name (any case).
func KnownColumn(name string) bool {
	_, ok := lookupColumn([]byte(name))
	return ok
}

// Headerless default column sets by field count: what JMeter writes with its
// shipped jmeter.properties of each era. Files from JMeter <= 2.13 are often
// headerless (print_field_names defaults to true only since 3.0).
var headerlessDefaults = map[int][]string{
	// JMeter 2.13 (the brief; thread_counts since 2.12, no failureMessage yet).
	12: strings.Split("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,bytes,grpThreads,allThreads,Latency", ","),
	// JMeter 3.0: failureMessage and IdleTime became defaults in 3.0, sentBytes
	// and Connect only in 3.1 (jmeter.properties history).
	14: strings.Split("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,grpThreads,allThreads,Latency,IdleTime", ","),
	// JMeter 3.1 to 4.x: sent_bytes and connect_time default to true, url to
	// false (the shipped jmeter.properties of those releases; the corpus file
	// perfplugin_multiLineCSV.jtl, JMeter 3.x, has exactly this header).
	16: strings.Split("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,Latency,IdleTime,Connect", ","),
	// JMeter 5.x.
	17: strings.Split("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect", ","),
}

// layout says which field of a record holds which column.
type layout struct {
	names  []string        // the header as written (unquoted), for messages
	index  [numColumns]int // field index of each column, -1 when absent
	fields int             // fields per record
	kinds  []column        // column of each field
	header [][]byte        // the header tokens, to recognise a repeated header
	noTime bool            // no timeStamp column: samples carry StartMS 0
}

// newLayout maps names (a header, or the forced/default column list) to
// field indices. A name written in quotes is a sample_variables column.
func newLayout(names []string) *layout {
	l := &layout{names: names, fields: len(names), kinds: make([]column, len(names))}
	for i := range l.index {
		l.index[i] = -1
	}
	for i, n := range names {
		l.header = append(l.header, []byte(strings.Trim(n, `"`)))
		if strings.HasPrefix(n, `"`) {
			continue
		}
		c, ok := lookupColumn([]byte(n))
		if !ok || l.index[c] >= 0 {
			continue
		}
		l.index[c] = i
		l.kinds[i] = c
	}
	l.noTime = l.index[colTimeStamp] < 0
	return l
}

// isHeader reports whether fields look like a JTL header: at least two known
// column names, and known names are the majority of the tokens that are not
// quoted unknown names (sample_variables columns). The majority rule keeps
// k6's `metric_name,timestamp,...,url,...` CSV from passing as a JTL.
func isHeader(fields [][]byte, quoted []bool) bool {
	known, counted := 0, 0
	for i, f := range fields {
		if _, ok := lookupColumn(f); ok {
			known++
			counted++
		} else if i >= len(quoted) || !quoted[i] {
			counted++
		}
	}
	return known >= 2 && 2*known >= counted
}

// sameHeader reports whether fields repeat the layout's header (a second
// run appended to the same file by another tool, or files concatenated).
func (l *layout) sameHeader(fields [][]byte) bool {
	if len(fields) != len(l.header) {
		return false
	}
	for i, f := range fields {
		if !bytes.Equal(bytes.TrimSpace(f), l.header[i]) {
			return false
		}
	}
	return true
}

// headerNames turns header tokens into column names, keeping the quotes of
// variable columns so newLayout can tell them apart.
func headerNames(fields [][]byte, quoted []bool) []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		n := string(bytes.TrimSpace(f))
		if _, known := lookupColumn(f); !known && i < len(quoted) && quoted[i] {
			n = `"` + n + `"`
		}
		names[i] = n
	}
	return names
}

// delimiters are the separators JMeter users configure
// (jmeter.save.saveservice.default_delimiter), in order of preference.
var delimiters = []byte{',', '\t', ';', '|'}

// detectDelimiter picks the delimiter of a JTL from its first line: the one
// that splits it into the most known header names, else the one that gives a
// known headerless field count (want, or a JMeter default), else the most
// frequent one; ',' when the line has none of them.
func detectDelimiter(line []byte, want int) byte {
	best, bestKnown := byte(0), 1
	for _, d := range delimiters {
		fields, _ := splitLine(line, d)
		known := 0
		for _, f := range fields {
			if _, ok := lookupColumn(f); ok {
				known++
			}
		}
		if known > bestKnown {
			best, bestKnown = d, known
		}
	}
	if best != 0 {
		return best
	}
	counts := make([]int, len(delimiters))
	for i, d := range delimiters {
		fields, _ := splitLine(line, d)
		counts[i] = len(fields)
		if want > 0 && counts[i] == want {
			return d
		}
	}
	if want == 0 {
		for i, d := range delimiters {
			if _, ok := headerlessDefaults[counts[i]]; ok {
				return d
			}
		}
	}
	best, most := byte(','), 1
	for i, d := range delimiters {
		if counts[i] > most {
			best, most = d, counts[i]
		}
	}
	return best
}

// splitLine splits one physical line at d, honouring double quotes (a quoted
// token keeps no quotes; doubled quotes stay doubled, which is enough to
// recognise headers). quoted says which tokens were quoted.
func splitLine(line []byte, d byte) (fields [][]byte, quoted []bool) {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	for {
		if len(line) > 0 && line[0] == '"' {
			end := 1
			for end < len(line) {
				if line[end] == '"' {
					if end+1 < len(line) && line[end+1] == '"' {
						end += 2
						continue
					}
					break
				}
				end++
			}
			fields = append(fields, line[1:min(end, len(line))])
			quoted = append(quoted, true)
			rest := line[min(end+1, len(line)):]
			i := bytes.IndexByte(rest, d)
			if i < 0 {
				return fields, quoted
			}
			line = rest[i+1:]
			continue
		}
		i := bytes.IndexByte(line, d)
		if i < 0 {
			return append(fields, line), append(quoted, false)
		}
		fields = append(fields, line[:i])
		quoted = append(quoted, false)
		line = line[i+1:]
	}
}

// delimiterName names a delimiter for messages.
func delimiterName(d byte) string {
	if d == '\t' {
		return "TAB"
	}
	return fmt.Sprintf("%q", d)
}
