package plan

import (
	"strconv"
	"strings"

	"github.com/sobang/sobang/sources/sanitize"
)

// Value is a value written in a plan with its references resolved.
type Value struct {
	// Raw is the text as the plan writes it.
	Raw string
	// Text is the value with every reference that could be resolved
	// replaced; references that could not be stay as written.
	Text string
	// Unresolved lists the references left in Text (such as
	// "${__P(users)}" or "${host}"), nil when every one was resolved.
	Unresolved []string
	// NoDefault lists the properties read without a default
	// (${__P(name)}) that were not given.
	NoDefault []string
}

// OK reports whether the value is fully resolved.
func (v Value) OK() bool { return len(v.Unresolved) == 0 }

// HasRefs reports whether the raw value references anything.
func (v Value) HasRefs() bool { return strings.Contains(v.Raw, "${") }

// Number returns the value as a number when it is resolved and numeric.
func (v Value) Number() (float64, bool) {
	if !v.OK() {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v.Text), 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// Resolver resolves ${...} references: JMeter properties (__P,
// __property) from the options, user-defined variables from the plan.
type Resolver struct {
	props map[string]string
	vars  map[string]string
	// PropsUsed are the properties the plan reads, with their default
	// ("" and false when it gives none), in the order first read.
	PropsUsed []PropUse
	seen      map[string]bool
}

// PropUse is one property a plan reads.
type PropUse struct {
	Name       string
	Default    string
	HasDefault bool
	Given      bool   // set by -J or a properties file
	Value      string // the value given, when Given
}

// newResolver collects the plan's user-defined variables in the order
// JMeter sets them (the Test Plan's first, then each enabled User Defined
// Variables element in tree order), each resolved against those before it.
func newResolver(p *Plan, props map[string]string) *Resolver {
	r := &Resolver{props: props, vars: map[string]string{}, seen: map[string]bool{}}
	p.Root.Walk(func(e *Element) bool {
		if !e.Enabled {
			return false
		}
		switch {
		case e.Kind == KindTestPlan:
			if udv := e.Prop("TestPlan.user_defined_variables"); udv != nil {
				r.define(udv)
			}
		case e.Class == "Arguments":
			for _, pr := range e.Props {
				r.define(pr)
			}
		}
		return true
	})
	return r
}

func (r *Resolver) define(p *Prop) {
	args := p.Find("Arguments.arguments")
	if args == nil {
		return
	}
	for _, a := range args.Children {
		var name, value string
		for _, c := range a.Children {
			switch c.Name {
			case "Argument.name":
				name = c.Text
			case "Argument.value":
				value = c.Text
			}
		}
		if name == "" {
			continue
		}
		v := r.Resolve(value)
		if v.OK() {
			r.vars[name] = v.Text
		}
	}
}

// Var returns a user-defined variable's resolved value.
func (r *Resolver) Var(name string) (string, bool) {
	v, ok := r.vars[name]
	return v, ok
}

// Resolve resolves the references in s.
func (r *Resolver) Resolve(s string) Value {
	v := Value{Raw: s}
	if !strings.Contains(s, "${") {
		v.Text = s
		return v
	}
	v.Text = r.expand(s, &v, 0)
	v.Text = sanitize.Value(v.Text)
	return v
}

// maxDepth bounds nested references, against a plan that refers to itself.
const maxDepth = 8

func (r *Resolver) expand(s string, v *Value, depth int) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		end := closing(s, i+2)
		if end < 0 { // no closing brace: literal text, as JMeter leaves it
			b.WriteString(s[i:])
			return b.String()
		}
		ref := s[i : end+1]
		inner := s[i+2 : end]
		if out, ok := r.ref(inner, v, depth); ok {
			b.WriteString(out)
		} else {
			b.WriteString(ref)
			v.Unresolved = append(v.Unresolved, sanitize.Value(ref))
		}
		s = s[end+1:]
	}
}

// closing returns the index of the brace closing a reference whose body
// starts at from, skipping nested references and parentheses.
func closing(s string, from int) int {
	depth := 0
	for i := from; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '{', '(':
			depth++
		case ')':
			depth--
		case '}':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

func (r *Resolver) ref(inner string, v *Value, depth int) (string, bool) {
	if depth > maxDepth {
		return "", false
	}
	if !strings.HasPrefix(inner, "__") {
		val, ok := r.vars[inner]
		return val, ok
	}
	open := strings.IndexByte(inner, '(')
	if open < 0 || !strings.HasSuffix(inner, ")") {
		return "", false // a function without arguments, such as ${__time}
	}
	fn := inner[2:open]
	args := splitArgs(inner[open+1 : len(inner)-1])
	var name, def string
	hasDef := false
	switch fn {
	case "P":
		if len(args) == 0 {
			return "", false
		}
		name = args[0]
		if len(args) > 1 {
			def, hasDef = args[1], true
		}
	case "property":
		if len(args) == 0 {
			return "", false
		}
		name = args[0]
		if len(args) > 2 {
			def, hasDef = args[2], true
		}
	default:
		return "", false // other functions are evaluated only at run time
	}
	sub := Value{}
	name = strings.TrimSpace(r.expand(name, &sub, depth+1))
	if !sub.OK() {
		v.Unresolved = append(v.Unresolved, sub.Unresolved...)
		return "", false
	}
	val, given := r.props[name]
	if !r.seen[name] {
		r.seen[name] = true
		r.PropsUsed = append(r.PropsUsed, PropUse{Name: sanitize.Value(name), Default: sanitize.Value(strings.TrimSpace(def)), HasDefault: hasDef, Given: given, Value: sanitize.Value(val)})
	}
	if given {
		return val, true
	}
	if !hasDef {
		v.NoDefault = append(v.NoDefault, sanitize.Value(name))
		return "", false
	}
	sub = Value{}
	out := r.expand(strings.TrimSpace(def), &sub, depth+1)
	if !sub.OK() {
		v.Unresolved = append(v.Unresolved, sub.Unresolved...)
		return "", false
	}
	return out, true
}

// splitArgs splits a function's arguments at commas outside nested
// references and parentheses; "\," is a literal comma.
func splitArgs(s string) []string {
	var args []string
	var cur strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] == ',':
			cur.WriteByte(',')
			i++
			continue
		case c == '{' || c == '(':
			depth++
		case c == '}' || c == ')':
			depth--
		case c == ',' && depth == 0:
			args = append(args, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	return append(args, cur.String())
}

// Properties returns every JMeter property the plan reads (through __P or
// __property, in any element), in the order first read, with its default
// and whether it was given.
func (p *Plan) Properties() []PropUse {
	p.Root.Walk(func(e *Element) bool {
		for _, f := range e.flat {
			if strings.Contains(f.value, "${__P") || strings.Contains(f.value, "${__property") {
				p.res.Resolve(f.value)
			}
		}
		return true
	})
	return p.res.PropsUsed
}
