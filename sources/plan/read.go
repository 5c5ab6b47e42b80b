package plan

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/xmltext"
	"github.com/sobang/sobang/sources/sanitize"
)

// MaxPlanBytes bounds what is read of one plan (after gzip): the largest
// real plans are a few megabytes; a bigger file is not a test plan.
const MaxPlanBytes = 256 << 20

// Options say what a plan's values are resolved against.
type Options struct {
	// Props are JMeter properties (-J, property files), later sources
	// already applied over earlier ones.
	Props map[string]string
}

// ReadFile reads the plan at path (plain or gzip). A file that cannot be
// opened or is not a well-formed plan is an error naming the file (and the
// line, for bad XML).
func ReadFile(path string, opt Options) (*Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, sources.InFile(path, errors.New("is a directory, not a JMeter test plan"))
	}
	p, err := Read(f, path, opt)
	if err != nil {
		return nil, sources.InFile(path, err)
	}
	return p, nil
}

// Read reads a plan from r; path names it in the Plan. Errors carry the
// line (a *sources.LineError without a path) where the XML goes wrong.
func Read(r io.Reader, path string, opt Options) (*Plan, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	lr := &io.LimitedReader{R: br, N: MaxPlanBytes + 1}
	p, err := parse(lr, path)
	if lr.N <= 0 {
		return nil, fmt.Errorf("larger than %d MB; is it a test plan?", MaxPlanBytes>>20)
	}
	if err != nil {
		return nil, err
	}
	p.res = newResolver(p, opt.Props)
	p.ThreadGroups = threadGroups(p)
	return p, nil
}

// frame is one open XML element during the parse.
type frame struct {
	kind int      // frameHash, frameElem, frameProp, frameDoc
	elem *Element // frameHash: the owner of the hashTree's elements; frameElem: the element
	prop *Prop    // frameProp: the property
	last *Element // frameHash: the last element read in it, owner of the next hashTree
	text []byte   // frameProp: its character data
}

const (
	frameHash = iota
	frameElem
	frameProp
	frameDoc // <jmeterTestPlan>
)

// parse builds the tree from the tokenizer's stream: no document is held
// beside the tree itself.
func parse(r io.Reader, path string) (*Plan, error) {
	tz := newTokenizer(r)
	p := &Plan{Path: path, Root: &Element{Enabled: true, Kind: KindOther}}
	stack := make([]frame, 0, 32)
	var names []string // open tags, for the check that each closes in order
	sawRoot, rootClosed := false, false
	for {
		tok, err := tz.next()
		if err != nil {
			return nil, err
		}
		switch tok.kind {
		case tokEOF:
			if !sawRoot {
				return nil, errNoElement
			}
			if len(names) > 0 {
				return nil, tz.syntax(tok.line, "unexpected EOF: <"+names[len(names)-1]+"> is not closed")
			}
			return p, nil
		case tokText:
			if len(stack) > 0 {
				if top := &stack[len(stack)-1]; top.kind == frameProp {
					top.text = append(top.text, tok.text...)
				}
			} else if len(bytes.TrimSpace(tok.text)) > 0 {
				if !sawRoot {
					return nil, errNoElement
				}
				return nil, tz.syntax(tok.line, "text after the root element")
			}
		case tokEnd:
			if len(names) == 0 || names[len(names)-1] != tok.name {
				want := "nothing"
				if len(names) > 0 {
					want = "</" + names[len(names)-1] + ">"
				}
				return nil, tz.syntax(tok.line, sources.Expected("end tag", want, "</"+tok.name+">"))
			}
			names = names[:len(names)-1]
			if len(names) == 0 {
				rootClosed = true
			}
			closeFrame(&stack)
		case tokStart:
			if rootClosed {
				return nil, tz.syntax(tok.line, "a second root element <"+tok.name+">")
			}
			if !sawRoot {
				sawRoot = true
				if tok.name != "jmeterTestPlan" && tok.name != "hashTree" {
					return nil, &sources.LineError{Line: tok.line, Err: sources.ExpectedError("root element", "<jmeterTestPlan>", tok.name)}
				}
				if tok.name == "jmeterTestPlan" {
					p.JMeter = sanitize.Value(attr(tok, "jmeter"))
					p.SaveFormat = sanitize.Value(attr(tok, "properties"))
					names = append(names, tok.name)
					stack = append(stack, frame{kind: frameDoc})
					if tok.selfClose {
						names = names[:0]
						rootClosed = true
						stack = stack[:0]
					}
					continue
				}
			}
			openFrame(p, &stack, tok)
			if tok.selfClose {
				closeFrame(&stack)
			} else {
				names = append(names, tok.name)
			}
		}
	}
}

// openFrame starts what a start tag opens: a hashTree, a test element in
// a hashTree, or a property of an element.
func openFrame(p *Plan, stack *[]frame, tok token) {
	name := tok.name
	var top *frame
	if n := len(*stack); n > 0 {
		top = &(*stack)[n-1]
	}
	switch {
	case top == nil || top.kind == frameDoc:
		if name != "hashTree" {
			// Stray content beside the tree: kept nowhere, harmless.
			*stack = append(*stack, frame{kind: frameProp, prop: &Prop{Tag: name}})
			return
		}
		*stack = append(*stack, frame{kind: frameHash, elem: p.Root})
	case top.kind == frameHash:
		if name == "hashTree" {
			owner := top.last
			if owner == nil {
				owner = top.elem // a hashTree with no element before it
			}
			*stack = append(*stack, frame{kind: frameHash, elem: owner})
			return
		}
		e := newElement(tok)
		e.Parent = top.elem
		top.elem.Children = append(top.elem.Children, e)
		top.last = e
		p.Elements++
		*stack = append(*stack, frame{kind: frameElem, elem: e})
	default: // inside an element or a property: a property
		pr := &Prop{Tag: name, Name: attr(tok, "name")}
		switch top.kind {
		case frameElem:
			top.elem.Props = append(top.elem.Props, pr)
		case frameProp:
			top.prop.Children = append(top.prop.Children, pr)
		}
		*stack = append(*stack, frame{kind: frameProp, prop: pr})
	}
}

func closeFrame(stack *[]frame) {
	n := len(*stack)
	if n == 0 {
		return
	}
	top := &(*stack)[n-1]
	*stack = (*stack)[:n-1]
	switch top.kind {
	case frameProp:
		finishProp(top.prop, top.text)
	case frameElem:
		flatten(top.elem)
	}
}

// finishProp sets a property's text and, for the <name>/<value> form of
// doubleProp and objProp, its name from its children.
func finishProp(pr *Prop, text []byte) {
	if len(pr.Children) == 0 {
		pr.Text = string(text)
		return
	}
	if pr.Name == "" {
		for _, c := range pr.Children {
			if c.Tag == "name" {
				pr.Name = c.Text
			}
		}
		for _, c := range pr.Children {
			if c.Tag == "value" && len(c.Children) == 0 {
				pr.Text = c.Text
			}
		}
	}
}

func newElement(t token) *Element {
	e := &Element{Tag: sanitize.Value(t.name), Enabled: true, Line: t.line}
	e.Class = sanitize.Value(attr(t, "testclass"))
	if e.Class == "" {
		e.Class = e.Tag
	}
	e.GUI = sanitize.Value(attr(t, "guiclass"))
	e.Name = sanitize.Value(attr(t, "testname"))
	if v, ok := attrOK(t, "enabled"); ok && strings.EqualFold(strings.TrimSpace(v), "false") {
		e.Enabled = false
	}
	e.Kind = classify(e.Class, e.GUI)
	return e
}

// flatten indexes the element's scalar properties by name, the first of
// each name depth first.
func flatten(e *Element) {
	var walk func(ps []*Prop)
	walk = func(ps []*Prop) {
		for _, p := range ps {
			if p.Name != "" && (len(p.Children) == 0 || p.Text != "") {
				if _, ok := e.Str(p.Name); !ok {
					e.flat = append(e.flat, kv{p.Name, p.Text})
				}
			}
			walk(p.Children)
		}
	}
	walk(e.Props)
}

func attr(t token, name string) string {
	v, _ := attrOK(t, name)
	return v
}

func attrOK(t token, name string) (string, bool) {
	for _, a := range t.attrs {
		if string(a.name) == name {
			if bytes.IndexByte(a.value, '&') < 0 {
				return string(a.value), true
			}
			return string(xmltext.Unescape(nil, a.value)), true
		}
	}
	return "", false
}
