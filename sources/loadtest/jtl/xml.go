package jtl

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"
	"github.com/sobang/sobang/sources/internal/xmltext"
	"github.com/sobang/sobang/sources/loadtest/labels"
)

// maxMarkup bounds one tag, comment or CDATA section held across chunks.
const maxMarkup = 16 << 20

// maxText bounds the text kept of an element sobang reads (a URL, an
// assertion's failure message); response bodies are skipped, never kept.
const maxText = 64 << 10

// xmlParser reads a JMeter XML JTL as a stream of markup tokens with its own
// small scanner instead of encoding/xml: JTLs are machine-written (XStream),
// the scanner skips response bodies with bytes.IndexByte instead of
// tokenizing them, it resumes at any byte boundary (a live file ends in the
// middle of an element, and has no </testResults> until the run ends), and it
// keeps no more than one incomplete tag across chunks.
//
// Samples are the elements directly under <testResults>: attribute-form
// (<httpSample t=".." ts=".." lb=".." ...>, <sample ...>, or any element
// with ts/t/lb attributes) or field-form (a plugin result class serialised
// field by field: <label>, <startTime>, <elapsedTime> children). Samples
// nested in a sample are its sub-results: SubResult is set unless the parent
// is a transaction controller, whose children are the real requests (the TC
// is the one left out of request totals). Samples are emitted parent first.
type xmlParser struct {
	out      *batch.Batcher
	endTimes bool   // ts is each sample's end (Options.EndTimes)
	buf      []byte // an incomplete markup token carried to the next chunk
	line     int    // line of the next byte to scan
	state    int    // stateProlog, stateInRoot or stateAfterRoot

	stack     []xframe
	elem      []xsample // samples of the current top-level element, in document order
	elemLine  int
	elemName  string
	malformed string // why the current top-level element cannot be trusted
	text      []byte // raw (escaped) text of the open text frame

	times                                 timeParser
	labels                                *labels.Mapper
	codes, messages, threads, urls, names batch.Interner
	scratch                               []byte
	err                                   error
}

const (
	stateProlog    = iota // before <testResults>
	stateInRoot           // inside <testResults>
	stateAfterRoot        // after </testResults>
)

type frameKind uint8

const (
	frameOther     frameKind = iota // skipped (response data, headers, ...)
	frameSample                     // an attribute-form sample
	frameFields                     // a field-form sample candidate
	frameAssertion                  // <assertionResult>
	frameText                       // an element whose text sets xfield of its owner
)

// xfield says what the text of a text frame sets.
type xfield uint8

const (
	fieldNone xfield = iota
	fieldURL
	fieldAssertFailure
	fieldAssertError
	fieldAssertMessage
	// field-form sample children
	fieldLabel
	fieldCode
	fieldMessage
	fieldThread
	fieldSuccess
	fieldTimeStamp
	fieldStartTime
	fieldEndTime
	fieldElapsed
	fieldLatency
	fieldConnect
	fieldBytes
	fieldSentBytes
	fieldGrpThreads
	fieldAllThreads
)

// fieldFormChildren maps the children of an XStream field-by-field sample
// (SampleResult's Java field names) to what they set.
var fieldFormChildren = map[string]xfield{
	"label":           fieldLabel,
	"responseCode":    fieldCode,
	"responseMessage": fieldMessage,
	"threadName":      fieldThread,
	"success":         fieldSuccess,
	"timeStamp":       fieldTimeStamp,
	"startTime":       fieldStartTime,
	"endTime":         fieldEndTime,
	"elapsedTime":     fieldElapsed,
	"latency":         fieldLatency,
	"connectTime":     fieldConnect,
	"bytes":           fieldBytes,
	"sentBytes":       fieldSentBytes,
	"groupThreads":    fieldGrpThreads,
	"allThreads":      fieldAllThreads,
}

// sampleChildren are the non-sample children of a sample element; they are
// recognised by name so their attributes need not be read.
var sampleChildren = map[string]bool{
	"assertionResult": true, "responseHeader": true, "requestHeader": true,
	"responseData": true, "responseFile": true, "samplerData": true, "cookies": true,
	"method": true, "queryString": true, "redirectLocation": true, "java.net.URL": true,
}

type xframe struct {
	name  string
	kind  frameKind
	owner int // index in elem of the sample the frame belongs to, -1 for none
	field xfield
}

// xsample is a sample being read.
type xsample struct {
	s           sources.Sample
	line        int
	bad         string // why it cannot be read
	fieldForm   bool
	hasTime     bool
	hasLabel    bool
	hasSuccess  bool
	codeSeen    bool
	startTime   int64 // field form: startTime, timeStamp, endTime
	timeStamp   int64
	endTime     int64
	failMessage string // the first failed assertion's message
	aFailed     bool   // the open assertionResult failed
	aMessage    string // the open assertionResult's message
}

func newXMLParser(out *batch.Batcher, loc *time.Location, names *labels.Mapper) *xmlParser {
	return &xmlParser{
		out: out, line: 1, times: timeParser{loc: loc},
		labels: names, codes: batch.NewInterner(), messages: batch.NewInterner(),
		threads: batch.NewInterner(), urls: batch.NewInterner(), names: batch.NewRawInterner(),
	}
}

// Feed parses the next bytes: markup, the last token maybe partial. A
// sample is emitted when its top-level element closes, so the parser holds
// nothing back that Idle could pass on.
func (x *xmlParser) Feed(p []byte) error {
	// Complete the carried token with p up to each next '>' (a '>' inside a
	// quoted attribute or a comment needs more), then scan p where it lies.
	for len(x.buf) > 0 && len(p) > 0 && x.err == nil {
		take := len(p)
		if i := bytes.IndexByte(p, '>'); i >= 0 {
			take = i + 1
		}
		x.buf = append(x.buf, p[:take]...)
		p = p[take:]
		n := x.scan(x.buf)
		x.buf = x.buf[:copy(x.buf, x.buf[n:])]
	}
	if len(p) > 0 && x.err == nil {
		n := x.scan(p)
		x.buf = append(x.buf, p[n:]...)
	}
	if len(x.buf) > maxMarkup && x.err == nil {
		x.err = sources.LineErrorf(x.line, "not a JMeter JTL: markup longer than %d bytes", maxMarkup)
	}
	return x.err
}

// Finish counts an element or markup left open by the end of the input.
func (x *xmlParser) Finish() error {
	if x.err != nil {
		return x.err
	}
	if len(x.stack) > 0 {
		x.out.BadRow(x.elemLine, "<%s> is incomplete at the end of the input", x.elemName)
	} else if len(bytes.TrimSpace(x.buf)) > 0 && x.state == stateInRoot {
		x.out.BadRow(x.line, "incomplete markup at the end of the input: %s", sources.Quote(x.buf))
	} else if x.state == stateProlog && len(bytes.TrimSpace(x.buf)) > 0 {
		x.err = sources.LineErrorf(x.line, "not a JMeter JTL: incomplete XML markup %s", sources.Quote(x.buf))
	}
	x.stack, x.elem, x.buf = x.stack[:0], x.elem[:0], x.buf[:0]
	return x.err
}

// scan reads the complete tokens at the start of b and returns how many bytes
// they took; text is always consumed, an incomplete markup token is not.
func (x *xmlParser) scan(b []byte) int {
	pos := 0
	for pos < len(b) && x.err == nil {
		if b[pos] != '<' {
			end := len(b)
			if j := bytes.IndexByte(b[pos:], '<'); j >= 0 {
				end = pos + j
			}
			x.chars(b[pos:end])
			pos = end
			continue
		}
		n := x.markup(b[pos:])
		if n == 0 {
			break
		}
		pos += n
	}
	return pos
}

// chars handles text between tags.
func (x *xmlParser) chars(t []byte) {
	x.line += bytes.Count(t, []byte{'\n'})
	if n := len(x.stack); n > 0 && x.stack[n-1].kind == frameText && len(x.text) < maxText {
		x.text = append(x.text, t[:min(len(t), maxText-len(x.text))]...)
	}
}

// markup handles the token at the start of b ('<'); it returns its length,
// or 0 when b ends before the token does.
func (x *xmlParser) markup(b []byte) int {
	var n int
	switch {
	case bytes.HasPrefix(b, []byte("<!--")):
		i := bytes.Index(b[4:], []byte("-->"))
		if i < 0 {
			return 0
		}
		n = 4 + i + 3
	case bytes.HasPrefix(b, []byte("<![CDATA[")):
		i := bytes.Index(b[9:], []byte("]]>"))
		if i < 0 {
			return 0
		}
		n = 9 + i + 3
		if k := len(x.stack); k > 0 && x.stack[k-1].kind == frameText && len(x.text) < maxText {
			// Kept escaped, like the text around it, so that one unescape
			// at the end tag reads both.
			for _, ch := range b[9 : 9+i] {
				switch ch {
				case '&':
					x.text = append(x.text, "&amp;"...)
				default:
					x.text = append(x.text, ch)
				}
			}
		}
	case bytes.HasPrefix(b, []byte("<?")):
		i := bytes.Index(b, []byte("?>"))
		if i < 0 {
			return 0
		}
		n = i + 2
	case bytes.HasPrefix(b, []byte("<!")):
		i := bytes.IndexByte(b, '>')
		if i < 0 {
			return 0
		}
		n = i + 1
	case len(b) >= 2 && b[1] == '/':
		i := bytes.IndexByte(b, '>')
		if i < 0 {
			return 0
		}
		n = i + 1
		x.endTag(bytes.TrimSpace(b[2:i]))
	default:
		i := tagEnd(b)
		if i < 0 {
			return 0
		}
		n = i + 1
		x.startTag(b[1:i], x.line)
	}
	x.line += bytes.Count(b[:n], []byte{'\n'})
	return n
}

// tagEnd returns the index of the '>' that ends the start tag at b[0], or -1.
func tagEnd(b []byte) int {
	var q byte
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '>':
			return i
		}
	}
	return -1
}

// startTag handles <raw> where raw is the name, attributes and maybe '/'.
func (x *xmlParser) startTag(raw []byte, line int) {
	self := len(raw) > 0 && raw[len(raw)-1] == '/'
	if self {
		raw = raw[:len(raw)-1]
	}
	name, attrs := raw, []byte(nil)
	for i, c := range raw {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			name, attrs = raw[:i], raw[i+1:]
			break
		}
	}
	switch x.state {
	case stateProlog:
		if string(name) != "testResults" {
			x.err = sources.LineErrorf(line, "not a JMeter JTL: %s", sources.Expected("XML root element", "<testResults>", name))
			return
		}
		x.state = stateInRoot
		if self {
			x.state = stateAfterRoot
		}
		return
	case stateAfterRoot:
		if string(name) == "testResults" && !self {
			x.state = stateInRoot // another run appended after the end tag
		}
		return
	}
	fr := xframe{name: x.names.Get(name), owner: -1}
	if len(x.stack) == 0 {
		x.elem, x.malformed = x.elem[:0], ""
		x.elemLine, x.elemName = line, fr.name
		fr.owner = x.newSample(name, attrs, line, -1)
		fr.kind = frameSample
		if x.elem[fr.owner].fieldForm {
			fr.kind = frameFields
		}
	} else {
		top := x.stack[len(x.stack)-1]
		switch top.kind {
		case frameSample:
			switch {
			case string(name) == "assertionResult":
				fr.kind, fr.owner = frameAssertion, top.owner
				x.elem[top.owner].aFailed, x.elem[top.owner].aMessage = false, ""
			case string(name) == "java.net.URL" || string(name) == "url" || string(name) == "URL":
				fr.kind, fr.owner, fr.field = frameText, top.owner, fieldURL
			case sampleChildren[string(name)]:
			default:
				if i := x.newSample(name, attrs, line, top.owner); i >= 0 {
					fr.kind, fr.owner = frameSample, i
				}
			}
		case frameAssertion:
			fr.owner = top.owner
			switch string(name) {
			case "failure":
				fr.kind, fr.field = frameText, fieldAssertFailure
			case "error":
				fr.kind, fr.field = frameText, fieldAssertError
			case "failureMessage":
				fr.kind, fr.field = frameText, fieldAssertMessage
			}
		case frameFields:
			if f, ok := fieldFormChildren[string(name)]; ok {
				fr.kind, fr.owner, fr.field = frameText, top.owner, f
			}
		}
	}
	x.text = x.text[:0]
	if self {
		x.close(fr)
		return
	}
	x.stack = append(x.stack, fr)
}

// newSample reads the attributes of a possible sample element and returns
// its index in elem, or -1 when a nested element is not a sample. A
// top-level element without sample attributes becomes a field-form
// candidate.
func (x *xmlParser) newSample(name, attrs []byte, line, parent int) int {
	xs := xsample{line: line}
	xs.s = sources.Sample{LatencyMS: -1, ConnectMS: -1, GrpThreads: -1, AllThreads: -1}
	n := x.readAttrs(&xs, attrs)
	isSample := n > 0 || string(name) == "httpSample" || string(name) == "sample"
	if !isSample {
		if parent >= 0 {
			return -1
		}
		xs.fieldForm = true
	}
	if parent >= 0 {
		xs.s.SubResult = !x.elem[parent].s.Transaction
	}
	x.elem = append(x.elem, xs)
	return len(x.elem) - 1
}

// readAttrs reads the JTL attributes into xs and returns how many of the
// sample-defining ones (t, ts, lb, s) it saw.
func (x *xmlParser) readAttrs(xs *xsample, attrs []byte) int {
	n := 0
	s := &xs.s
	for {
		name, val, rest, status := nextAttr(attrs)
		if status == attrEnd {
			return n
		}
		if status == attrBad {
			if xs.bad == "" {
				xs.bad = "malformed attributes: " + sources.Quote(attrs)
			}
			return n
		}
		attrs = rest
		if bytes.IndexByte(val, '&') >= 0 {
			x.scratch = xmltext.Unescape(x.scratch[:0], val)
			val = x.scratch
		}
		switch string(name) {
		case "t":
			n++
			s.ElapsedMS = x.attrInt32(xs, name, val, 0)
		case "lt":
			s.LatencyMS = x.attrInt32(xs, name, val, -1)
		case "ct":
			s.ConnectMS = x.attrInt32(xs, name, val, -1)
		case "ng":
			s.GrpThreads = x.attrInt32(xs, name, val, -1)
		case "na":
			s.AllThreads = x.attrInt32(xs, name, val, -1)
		case "by":
			s.Bytes = x.attrInt64(xs, name, val)
		case "sby":
			s.SentBytes = x.attrInt64(xs, name, val)
		case "ts":
			n++
			xs.hasTime = true
			v, ok := x.times.parse(val)
			switch {
			case !ok && xs.bad == "":
				xs.bad = sources.Expected("ts", "epoch milliseconds", val)
			case ok && v <= 0 && xs.bad == "":
				// It would fall off the time axis and out of every statistic.
				xs.bad = sources.Expected("ts", sources.AfterEpoch, val)
			}
			s.StartMS = v
		case "s":
			n++
			xs.hasSuccess = true
			switch string(val) {
			case "true":
				s.Success = true
			case "false":
			default:
				if xs.bad == "" {
					xs.bad = sources.Expected("s", "true or false", val)
				}
			}
		case "lb":
			n++
			xs.hasLabel = true
			_, s.Label = x.labels.Get(val)
		case "rc":
			xs.codeSeen = true
			s.Code = x.codes.Get(val)
		case "rs": // JMeter 2.1's name for the code
			if !xs.codeSeen {
				s.Code = x.codes.Get(val)
			}
		case "rm":
			s.Message = x.messages.Get(val)
			s.Transaction = bytes.HasPrefix(val, []byte(transactionPrefix))
		case "tn":
			s.Thread = x.threads.Get(val)
		}
	}
}

func (x *xmlParser) attrInt32(xs *xsample, name, val []byte, absent int32) int32 {
	if len(val) == 0 {
		return absent
	}
	v, ok := atoi(val)
	if !ok || v != int64(int32(v)) {
		if xs.bad == "" {
			xs.bad = sources.Expected(string(name), "an integer", val)
		}
		return absent
	}
	return int32(v)
}

func (x *xmlParser) attrInt64(xs *xsample, name, val []byte) int64 {
	if len(val) == 0 {
		return 0
	}
	v, ok := atoi(val)
	if !ok && xs.bad == "" {
		xs.bad = sources.Expected(string(name), "an integer", val)
	}
	return v
}

type attrStatus uint8

const (
	attrOK attrStatus = iota
	attrEnd
	attrBad
)

// nextAttr reads one name="value" (or name='value') from the start of b.
func nextAttr(b []byte) (name, val, rest []byte, status attrStatus) {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if i == len(b) {
		return nil, nil, nil, attrEnd
	}
	j := i
	for j < len(b) && b[j] != '=' && !isSpace(b[j]) {
		j++
	}
	name = b[i:j]
	for j < len(b) && isSpace(b[j]) {
		j++
	}
	if j == len(b) || b[j] != '=' || len(name) == 0 {
		return nil, nil, nil, attrBad
	}
	j++
	for j < len(b) && isSpace(b[j]) {
		j++
	}
	if j == len(b) || (b[j] != '"' && b[j] != '\'') {
		return nil, nil, nil, attrBad
	}
	q := b[j]
	k := bytes.IndexByte(b[j+1:], q)
	if k < 0 {
		return nil, nil, nil, attrBad
	}
	return name, b[j+1 : j+1+k], b[j+1+k+1:], attrOK
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// endTag closes the open element called name; a mismatched end tag marks the
// top-level element as malformed and closes what it can.
func (x *xmlParser) endTag(name []byte) {
	if x.state != stateInRoot {
		return
	}
	n := len(x.stack)
	if n == 0 {
		if string(name) == "testResults" {
			x.state = stateAfterRoot
		}
		return
	}
	if x.stack[n-1].name == string(name) {
		x.pop()
		return
	}
	for i := n - 2; i >= 0; i-- {
		if x.stack[i].name == string(name) {
			x.setMalformed(fmt.Sprintf("</%s> closes <%s>", cut(name), x.stack[n-1].name))
			for len(x.stack) > i {
				x.pop()
			}
			return
		}
	}
	if string(name) == "testResults" {
		x.setMalformed(fmt.Sprintf("</testResults> inside <%s>", x.stack[n-1].name))
		for len(x.stack) > 0 {
			x.pop()
		}
		x.state = stateAfterRoot
		return
	}
	x.setMalformed(fmt.Sprintf("unexpected </%s> inside <%s>", cut(name), x.stack[n-1].name))
}

func (x *xmlParser) setMalformed(why string) {
	if x.malformed == "" {
		x.malformed = why
	}
}

func (x *xmlParser) pop() {
	fr := x.stack[len(x.stack)-1]
	x.stack = x.stack[:len(x.stack)-1]
	x.close(fr)
}

// close finishes a frame; closing a top-level element emits its samples.
func (x *xmlParser) close(fr xframe) {
	switch fr.kind {
	case frameText:
		x.setText(fr)
	case frameAssertion:
		xs := &x.elem[fr.owner]
		if xs.aFailed && xs.aMessage != "" && xs.failMessage == "" {
			xs.failMessage = xs.aMessage
		}
	}
	x.text = x.text[:0]
	if len(x.stack) == 0 && (fr.kind == frameSample || fr.kind == frameFields) {
		x.emit()
	}
}

// setText stores the text of a text frame into its owner.
func (x *xmlParser) setText(fr xframe) {
	val := x.text
	if bytes.IndexByte(val, '&') >= 0 {
		x.scratch = xmltext.Unescape(x.scratch[:0], val)
		val = x.scratch
	}
	xs := &x.elem[fr.owner]
	s := &xs.s
	trimmed := bytes.TrimSpace(val)
	num := func(what string) int64 {
		v, ok := atoi(trimmed)
		if !ok && len(trimmed) > 0 && xs.bad == "" {
			xs.bad = sources.Expected("<"+what+">", "an integer", trimmed)
		}
		return v
	}
	switch fr.field {
	case fieldURL:
		s.URL = x.urls.Get(trimmed)
	case fieldAssertFailure, fieldAssertError:
		if string(trimmed) == "true" {
			xs.aFailed = true
		}
	case fieldAssertMessage:
		xs.aMessage = x.messages.Get(trimmed)
	case fieldLabel:
		xs.hasLabel = true
		_, s.Label = x.labels.Get(val)
	case fieldCode:
		s.Code = x.codes.Get(trimmed)
	case fieldMessage:
		s.Message = x.messages.Get(val)
		s.Transaction = bytes.HasPrefix(val, []byte(transactionPrefix))
	case fieldThread:
		s.Thread = x.threads.Get(val)
	case fieldSuccess:
		xs.hasSuccess = true
		s.Success = string(trimmed) == "true"
	case fieldTimeStamp:
		xs.timeStamp = num(fr.name)
	case fieldStartTime:
		xs.startTime = num(fr.name)
	case fieldEndTime:
		xs.endTime = num(fr.name)
	case fieldElapsed:
		s.ElapsedMS = int32(num(fr.name))
	case fieldLatency:
		s.LatencyMS = int32(num(fr.name))
	case fieldConnect:
		s.ConnectMS = int32(num(fr.name))
	case fieldBytes:
		s.Bytes = num(fr.name)
	case fieldSentBytes:
		s.SentBytes = num(fr.name)
	case fieldGrpThreads:
		s.GrpThreads = int32(num(fr.name))
	case fieldAllThreads:
		s.AllThreads = int32(num(fr.name))
	}
}

// emit hands the samples of a finished top-level element to the batcher.
func (x *xmlParser) emit() {
	if x.malformed != "" {
		x.out.BadRow(x.elemLine, "<%s>: %s", x.elemName, x.malformed)
		x.elem = x.elem[:0]
		return
	}
	for i := range x.elem {
		xs := &x.elem[i]
		if xs.fieldForm {
			if !xs.hasLabel && xs.startTime == 0 && xs.timeStamp == 0 {
				x.out.BadRow(xs.line, "<%s> is not a JMeter sample (no attributes t, ts, lb, s; no <label> or <startTime>)", x.elemName)
				continue
			}
			xs.s.StartMS = xs.startTime
			if xs.s.StartMS == 0 {
				xs.s.StartMS = xs.timeStamp
			}
			xs.hasTime = xs.s.StartMS != 0
			if xs.s.ElapsedMS == 0 && xs.endTime > xs.s.StartMS && xs.s.StartMS > 0 {
				xs.s.ElapsedMS = int32(min(xs.endTime-xs.s.StartMS, 1<<31-1))
			}
		}
		if xs.bad != "" {
			x.out.BadRow(xs.line, "<%s>: %s", x.elemName, xs.bad)
			continue
		}
		if !xs.hasSuccess {
			xs.s.Success = successFromCode(xs.s.Code)
		}
		if !xs.s.Success && xs.failMessage != "" {
			xs.s.Failure = xs.failMessage
		}
		if !xs.hasTime {
			x.out.Warn("samples without a ts attribute: they have no time (shown at the epoch)")
		} else {
			end := xs.s.StartMS
			if x.endTimes && !(xs.fieldForm && xs.startTime != 0) {
				xs.s.StartMS -= int64(max(xs.s.ElapsedMS, 0))
			}
			if xs.s.StartMS <= 0 {
				x.epochRow(xs, end)
				continue
			}
		}
		if xs.s.Transaction && xs.s.Label == labels.Other {
			xs.s.Label = labels.OtherTransactions
		}
		x.out.Add(&xs.s)
	}
	x.elem = x.elem[:0]
}

// epochRow counts a sample that would start at or before the epoch: a
// field-form time says so, or (end times) its end minus its elapsed time
// does. An attribute ts at or before the epoch is refused where it is read.
func (x *xmlParser) epochRow(xs *xsample, end int64) {
	if end > 0 {
		x.out.BadRow(xs.line, "<%s>: the sample would start at or before the epoch: it ends at %d and took %d ms", x.elemName, end, xs.s.ElapsedMS)
		return
	}
	field := "<startTime>"
	if xs.startTime == 0 {
		field = "<timeStamp>"
	}
	x.out.BadRow(xs.line, "<%s>: %s", x.elemName, sources.Expected(field, sources.AfterEpoch, strconv.FormatInt(end, 10)))
}

// xmlRoot returns the name of the first element of head, skipping the XML
// declaration, comments and a DOCTYPE; "" when head holds none.
func xmlRoot(head []byte) string {
	for {
		i := bytes.IndexByte(head, '<')
		if i < 0 || i+1 >= len(head) {
			return ""
		}
		head = head[i:]
		switch {
		case bytes.HasPrefix(head, []byte("<!--")):
			j := bytes.Index(head, []byte("-->"))
			if j < 0 {
				return ""
			}
			head = head[j+3:]
		case head[1] == '?' || head[1] == '!':
			j := bytes.IndexByte(head, '>')
			if j < 0 {
				return ""
			}
			head = head[j+1:]
		default:
			end := 1
			for end < len(head) && !isSpace(head[end]) && head[end] != '>' && head[end] != '/' {
				end++
			}
			return string(head[1:end])
		}
	}
}

// cut shortens a name for a message.
func cut(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}
