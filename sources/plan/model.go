// Package plan reads JMeter test plans (.jmx) and says what they will do
// and what is wrong with them.
//
// A plan is read with a streaming XML tokenizer into a tree of Elements
// that keeps every element JMeter wrote, known or not (an unknown class is
// kept by its name, never an error), with its properties and its enabled
// flag. On top of the tree sit the views that matter for a load test: the
// thread groups and their figures (Plan.ThreadGroups), and the values of
// properties and variables (${__P(name,default)}, ${__property(...)},
// ${name}) resolved against the -J properties and property files given to
// sobang and the plan's own defaults, with what cannot be resolved marked
// as such.
//
// Lint checks a plan against a table of rules (Rules): each finding names
// its rule, its severity, the element's path in the tree, why it matters
// and how to fix it.
//
// Text read from a plan (names, file names, values) is made safe for a
// terminal once, as it is read (sanitize.Value).
package plan

import (
	"strings"
)

// Kind is what an element is in the plan, from its class.
type Kind int

// The kinds of element, as JMeter's GUI groups them.
const (
	KindOther Kind = iota
	KindTestPlan
	KindThreadGroup
	KindController
	KindSampler
	KindTimer
	KindAssertion
	KindExtractor // a post-processor that sets variables from a response
	KindPreProcessor
	KindPostProcessor
	KindConfig
	KindListener
	KindFragment // a Test Fragment
	KindWorkBench
)

var kindNames = [...]string{
	KindOther: "other", KindTestPlan: "test plan", KindThreadGroup: "thread group",
	KindController: "controller", KindSampler: "sampler", KindTimer: "timer",
	KindAssertion: "assertion", KindExtractor: "extractor", KindPreProcessor: "pre-processor",
	KindPostProcessor: "post-processor", KindConfig: "config element", KindListener: "listener",
	KindFragment: "test fragment", KindWorkBench: "workbench",
}

// String names the kind in lower case, as messages use it.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "other"
	}
	return kindNames[k]
}

// Prop is one property of an element as JMeter saved it: a stringProp,
// boolProp, intProp, longProp, doubleProp or floatProp holds Text; an
// elementProp, collectionProp, mapProp or objProp holds Children.
type Prop struct {
	Tag      string // stringProp, boolProp, elementProp, collectionProp, ...
	Name     string // its name attribute ("" for a collection's unnamed items)
	Text     string
	Children []*Prop
}

// Find returns the first property named name at or under p, depth first.
func (p *Prop) Find(name string) *Prop {
	if p.Name == name {
		return p
	}
	for _, c := range p.Children {
		if f := c.Find(name); f != nil {
			return f
		}
	}
	return nil
}

// Element is one test element of the plan tree: its XML tag and classes as
// saved, its name, its own enabled flag, its properties and the elements of
// the hashTree that follows it.
type Element struct {
	Tag      string // the XML element name: a JMeter alias or a class name
	Class    string // testclass, or Tag when the file has none
	GUI      string // guiclass
	Name     string // testname, sanitised
	Enabled  bool   // its own flag; see Active for the effective one
	Line     int    // where it starts in the file, 1-based
	Kind     Kind
	Props    []*Prop
	Children []*Element
	Parent   *Element // nil for the plan's root

	flat []kv // scalar properties by name, the first of each, in file order
}

// kv is one scalar property: a list, not a map, since an element has a
// dozen at most and a map per element is the reader's largest cost.
type kv struct{ name, value string }

// Active reports whether the element runs: it and every ancestor are
// enabled (JMeter skips a disabled element with everything under it).
func (e *Element) Active() bool {
	for x := e; x != nil; x = x.Parent {
		if !x.Enabled {
			return false
		}
	}
	return true
}

// Path is the element's place in the tree by name, as the GUI shows it:
// "Test Plan / Users / Login / HTTP Request".
func (e *Element) Path() string {
	var parts []string
	for x := e; x != nil && x.Parent != nil; x = x.Parent {
		name := x.Name
		if name == "" {
			name = x.Class
		}
		parts = append(parts, name)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, " / ")
}

// Str returns the raw text of the first scalar property named name at any
// depth of the element's properties (a thread group's loop count sits in
// its main controller's elementProp), and whether there is one.
func (e *Element) Str(name string) (string, bool) {
	for i := range e.flat {
		if e.flat[i].name == name {
			return e.flat[i].value, true
		}
	}
	return "", false
}

// Bool reads a boolean property as JMeter does: "true" in any case is true,
// anything else (or nothing) is def when absent and false when present.
func (e *Element) Bool(name string, def bool) bool {
	v, ok := e.Str(name)
	if !ok {
		return def
	}
	return strings.EqualFold(strings.TrimSpace(v), "true")
}

// Prop returns the first property named name, depth first, or nil.
func (e *Element) Prop(name string) *Prop {
	for _, p := range e.Props {
		if f := p.Find(name); f != nil {
			return f
		}
	}
	return nil
}

// Walk calls fn for e and every element under it, parents first, and stops
// descending where fn returns false.
func (e *Element) Walk(fn func(*Element) bool) {
	if !fn(e) {
		return
	}
	for _, c := range e.Children {
		c.Walk(fn)
	}
}

// Plan is a test plan as read from a .jmx file.
type Plan struct {
	// Path is the file as the user named it.
	Path string
	// JMeter is the version that saved the plan (the jmeter attribute,
	// such as "5.4.1" or "2.13 r1665067"), "" when the file does not say.
	JMeter string
	// SaveFormat is the properties attribute (the save format's version).
	SaveFormat string
	// Root holds the top-level elements (normally the Test Plan) as its
	// children; it is no element of the file itself.
	Root *Element
	// ThreadGroups are the plan's thread groups in file order, disabled
	// ones included (ThreadGroup.Element.Active says which run).
	ThreadGroups []*ThreadGroup
	// Elements counts the test elements read.
	Elements int

	res *Resolver
}

// Resolver returns what the plan's values are resolved with.
func (p *Plan) Resolver() *Resolver { return p.res }

// Resolve resolves a value written in the plan.
func (p *Plan) Resolve(s string) Value { return p.res.Resolve(s) }
