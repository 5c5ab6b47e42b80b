package plan

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/xmltext"
)

// The tokenizer: a streaming reader of the XML JMeter writes, several
// times faster than encoding/xml (which spends most of its time on
// namespaces and per-byte reads a plan never needs), so that a 10 MB plan
// reads well within its budget. It checks what makes a file well formed
// for this purpose (tags close in order, the file does not end inside an
// element, attributes are quoted) and decodes the predefined and numeric
// entities; DOCTYPEs, comments and processing instructions are skipped.

type tokKind int

const (
	tokStart tokKind = iota
	tokEnd
	tokText
	tokEOF
)

// xattr is an attribute, raw: its value's entities are not decoded yet,
// and both slices are valid until the next token.
type xattr struct{ name, value []byte }

type token struct {
	kind      tokKind
	name      string
	attrs     []xattr // valid until the next token
	selfClose bool
	text      []byte // tokText: decoded; valid until the next call
	line      int    // where the token starts
}

type tokenizer struct {
	r       *bufio.Reader
	line    int
	inTag   bool   // a '<' was read and the tag is next
	buf     []byte // accumulates a tag or text longer than the reader's buffer
	text    []byte // decoded text
	started bool   // the first tag was read (the XML declaration may only come first)
	attrBuf []xattr
	names   map[string]string // tag names, interned
}

func newTokenizer(r io.Reader) *tokenizer {
	return &tokenizer{r: bufio.NewReaderSize(r, 64<<10), line: 1, names: map[string]string{}}
}

func (t *tokenizer) syntax(line int, msg string) error {
	return &sources.LineError{Line: line, Err: errors.New("bad XML: " + msg)}
}

// readUntil reads up to and including delim, across buffer refills.
func (t *tokenizer) readUntil(delim byte) ([]byte, error) {
	s, err := t.r.ReadSlice(delim)
	if err != bufio.ErrBufferFull {
		return s, err
	}
	t.buf = append(t.buf[:0], s...)
	for err == bufio.ErrBufferFull {
		s, err = t.r.ReadSlice(delim)
		t.buf = append(t.buf, s...)
	}
	return t.buf, err
}

// readTo reads up to and including the terminator term (such as "-->").
func (t *tokenizer) readTo(term string) ([]byte, error) {
	var acc []byte
	last := term[len(term)-1]
	for {
		s, err := t.r.ReadSlice(last)
		acc = append(acc, s...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return acc, err
		}
		if bytes.HasSuffix(acc, []byte(term)) {
			return acc, nil
		}
	}
}

func (t *tokenizer) next() (token, error) {
	for {
		if !t.inTag {
			line := t.line
			s, err := t.readUntil('<')
			t.line += bytes.Count(s, nl)
			if err == io.EOF {
				if len(bytes.TrimSpace(s)) > 0 && !t.started {
					return token{}, errNoElement
				}
				if len(s) > 0 {
					return t.textToken(s, line), nil
				}
				return token{kind: tokEOF, line: t.line}, nil
			}
			if err != nil {
				return token{}, err
			}
			t.inTag = true
			if len(s) > 1 {
				return t.textToken(s[:len(s)-1], line), nil
			}
		}
		t.inTag = false
		tok, skip, err := t.tag()
		if err != nil || !skip {
			return tok, err
		}
	}
}

var nl = []byte{'\n'}

var errNoElement = errors.New("no XML element: not a JMeter test plan")

func (t *tokenizer) textToken(s []byte, line int) token {
	t.text = xmltext.Unescape(t.text[:0], s)
	return token{kind: tokText, text: t.text, line: line}
}

// tag reads what follows a '<'; skip is set for comments, declarations
// and processing instructions.
func (t *tokenizer) tag() (tok token, skip bool, err error) {
	line := t.line
	first, err := t.r.Peek(1)
	if err != nil {
		return token{}, false, t.syntax(line, "unexpected EOF")
	}
	switch first[0] {
	case '?':
		s, err := t.readTo("?>")
		t.line += bytes.Count(s, nl)
		if err != nil {
			return token{}, false, t.syntax(t.line, "unexpected EOF")
		}
		if !t.started && bytes.HasPrefix(s, []byte("?xml")) {
			if err := t.declaration(string(s)); err != nil {
				return token{}, false, err
			}
		}
		return token{}, true, nil
	case '!':
		head, _ := t.r.Peek(8)
		var s []byte
		var term string
		switch {
		case bytes.HasPrefix(head, []byte("!--")):
			term = "-->"
		case bytes.HasPrefix(head, []byte("![CDATA[")):
			term = "]]>"
		default:
			term = ">"
		}
		s, err = t.readTo(term)
		t.line += bytes.Count(s, nl)
		if err != nil {
			return token{}, false, t.syntax(t.line, "unexpected EOF")
		}
		if term == "]]>" {
			t.text = append(t.text[:0], s[len("![CDATA["):len(s)-3]...)
			return token{kind: tokText, text: t.text, line: line}, false, nil
		}
		return token{}, true, nil
	}
	t.started = true
	s, err := t.tagText()
	t.line += bytes.Count(s, nl)
	if err != nil {
		return token{}, false, t.syntax(t.line, "unexpected EOF")
	}
	s = s[:len(s)-1] // the '>'
	if len(s) == 0 {
		return token{}, false, t.syntax(line, "empty tag <>")
	}
	if s[0] == '/' {
		name := t.intern(bytes.TrimSpace(s[1:]))
		if !validName(name) {
			return token{}, false, t.syntax(line, "invalid end tag "+sources.Quote(name))
		}
		return token{kind: tokEnd, name: name, line: line}, false, nil
	}
	tok = token{kind: tokStart, line: line}
	if len(s) > 0 && s[len(s)-1] == '/' {
		tok.selfClose = true
		s = s[:len(s)-1]
	}
	i := 0
	for i < len(s) && !isSpace(s[i]) {
		i++
	}
	tok.name = t.intern(s[:i])
	if !validName(tok.name) {
		return token{}, false, t.syntax(line, "invalid tag name "+sources.Quote(tok.name))
	}
	tok.attrs, err = t.attrs(s[i:], line)
	return tok, false, err
}

// tagText reads a tag up to its closing '>', which may not be inside a
// quoted attribute value.
func (t *tokenizer) tagText() ([]byte, error) {
	s, err := t.readUntil('>')
	if err != nil {
		return s, err
	}
	if quotesBalanced(s) {
		return s, nil
	}
	acc := append([]byte(nil), s...)
	for {
		s, err := t.readUntil('>')
		acc = append(acc, s...)
		if err != nil {
			return acc, err
		}
		if quotesBalanced(acc) {
			return acc, nil
		}
	}
}

func quotesBalanced(s []byte) bool {
	if bytes.IndexByte(s, '"') < 0 && bytes.IndexByte(s, '\'') < 0 {
		return true
	}
	var q byte
	for _, c := range s {
		switch {
		case q == 0 && (c == '"' || c == '\''):
			q = c
		case c == q:
			q = 0
		}
	}
	return q == 0
}

// intern returns a tag name as a string, allocated once per distinct name.
func (t *tokenizer) intern(b []byte) string {
	if s, ok := t.names[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(t.names) < 4096 {
		t.names[s] = s
	}
	return s
}

func (t *tokenizer) attrs(s []byte, line int) ([]xattr, error) {
	out := t.attrBuf[:0]
	defer func() { t.attrBuf = out[:0] }()
	for {
		for len(s) > 0 && isSpace(s[0]) {
			s = s[1:]
		}
		if len(s) == 0 {
			return out, nil
		}
		eq := bytes.IndexByte(s, '=')
		if eq < 0 {
			return nil, t.syntax(line, "attribute "+sources.Quote(s)+" without a value")
		}
		name := bytes.TrimSpace(s[:eq])
		s = bytes.TrimLeft(s[eq+1:], " \t\r\n")
		if len(s) == 0 || (s[0] != '"' && s[0] != '\'') {
			return nil, t.syntax(line, "unquoted value of attribute "+sources.Quote(name))
		}
		q := s[0]
		end := bytes.IndexByte(s[1:], q)
		if end < 0 {
			return nil, t.syntax(line, "unterminated value of attribute "+sources.Quote(name))
		}
		out = append(out, xattr{name: name, value: s[1 : 1+end]})
		s = s[end+2:]
	}
}

// declaration applies the XML declaration's encoding.
func (t *tokenizer) declaration(decl string) error {
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return nil
	}
	rest := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n=")
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return nil
	}
	end := strings.IndexByte(rest[1:], rest[0])
	if end < 0 {
		return nil
	}
	label := rest[1 : 1+end]
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1", "windows-1252", "cp1252":
		t.r = bufio.NewReaderSize(&latin1Reader{r: t.r}, 64<<10)
	default:
		return &sources.LineError{Line: t.line, Err: sources.ExpectedError("encoding", "UTF-8 or ISO-8859-1", label)}
	}
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func validName(name string) bool {
	if name == "" {
		return false
	}
	c := name[0]
	return c == '_' || c == ':' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= 0x80
}

// latin1Reader turns ISO-8859-1 into UTF-8.
type latin1Reader struct {
	r io.ByteReader
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	n := 0
	for n+2 <= len(p) {
		b, err := l.r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		n += utf8.EncodeRune(p[n:], rune(b))
	}
	if n == 0 {
		return 0, io.ErrShortBuffer
	}
	return n, nil
}
