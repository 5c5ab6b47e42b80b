// Package drain groups log messages into templates, following the Drain
// algorithm (He, Zhu, Zheng and Lyu, "Drain: An Online Log Parsing Approach
// with Fixed Depth Tree", ICWS 2017) and Drain3's behaviour: a message is
// masked (numbers, addresses, ids become <*>), cut into tokens, routed
// through a tree by its token count and first tokens, and joined to the most
// similar template at the tree's leaf, or starts a template of its own.
// Joining turns the positions where the two differ into <*>.
//
// One parameter set and one mask set serve every log: the dashboard cannot
// tune them per system as the published benchmarks do. Against the Loghub
// 2k ground truth the package's test prints the grouping accuracy per
// system and holds their average at 0.85 or more.
//
// A Miner is not safe for concurrent use.
package drain

import (
	"strings"
)

// Wildcard stands for a variable part of a template.
const Wildcard = "<*>"

// Options tune a Miner; the zero value is Drain3's defaults.
type Options struct {
	// Depth is the tree's depth counting the root and the leaves: Depth-2
	// leading tokens route a message (default 4, at least 3).
	Depth int
	// Similarity is the share of a template's non-wildcard tokens a message
	// must share, position by position, to join it (default 0.4).
	Similarity float64
	// MaxChildren bounds a node's children; further tokens route through
	// the wildcard child (default 100).
	MaxChildren int
}

func (o Options) withDefaults() Options {
	if o.Depth < 3 {
		o.Depth = 4
	}
	if o.Similarity <= 0 {
		o.Similarity = 0.4
	}
	if o.MaxChildren <= 0 {
		o.MaxChildren = 100
	}
	return o
}

// Template is one group of messages.
type Template struct {
	ID     int
	Tokens []string // the template's tokens, Wildcard where they vary
	Count  int      // messages added to it
}

// String is the template's text: its tokens joined by single spaces, every
// variable part shown as Wildcard.
func (t *Template) String() string {
	return strings.ReplaceAll(strings.Join(t.Tokens, " "), masked, Wildcard)
}

// node is a node of the prefix tree; a leaf holds the templates whose
// messages reached it.
type node struct {
	children  map[string]*node
	templates []int
}

// Miner mines templates from messages, one at a time.
type Miner struct {
	opt       Options
	byLength  map[int]*node
	templates []*Template
	tokens    []string // scratch
}

// New returns an empty Miner.
func New(opt Options) *Miner {
	return &Miner{opt: opt.withDefaults(), byLength: map[int]*node{}}
}

// Templates returns every template, in the order they were created; a
// template's ID is its index.
func (m *Miner) Templates() []*Template { return m.templates }

// Template returns the template of id.
func (m *Miner) Template(id int) *Template { return m.templates[id] }

// Add groups message into a template and returns the template's id.
func (m *Miner) Add(message string) int {
	toks := Tokens(message, m.tokens[:0])
	m.tokens = toks[:0]
	// As Drain3: look for a template where the message would be found;
	// only when none is similar enough, make a path of its own.
	if leaf := m.search(toks); leaf != nil {
		if id, ok := m.best(leaf, toks, m.opt.Similarity); ok {
			t := m.templates[id]
			for i, tok := range toks {
				if t.Tokens[i] != tok {
					t.Tokens[i] = Wildcard
				}
			}
			t.Count++
			return id
		}
	}
	t := &Template{ID: len(m.templates), Tokens: append([]string(nil), toks...), Count: 1}
	m.templates = append(m.templates, t)
	leaf := m.insert(toks)
	leaf.templates = append(leaf.templates, t.ID)
	return t.ID
}

// Match returns the template message belongs to without changing any
// (Drain3's inference mode): the one whose every non-wildcard token it
// shares; ok is false when there is none.
func (m *Miner) Match(message string) (id int, ok bool) {
	toks := Tokens(message, m.tokens[:0])
	m.tokens = toks[:0]
	leaf := m.search(toks)
	if leaf == nil {
		return 0, false
	}
	id, ok = m.best(leaf, toks, 0)
	if !ok {
		return 0, false
	}
	for i, t := range m.templates[id].Tokens {
		if t != Wildcard && t != toks[i] {
			return 0, false
		}
	}
	return id, true
}

// search walks the tree to the leaf where toks would be found: the
// token's own child, else the wildcard child; nil when neither exists.
func (m *Miner) search(toks []string) *node {
	n := m.byLength[len(toks)]
	for depth := 0; n != nil && depth < m.opt.Depth-2 && depth < len(toks); depth++ {
		next := n.children[toks[depth]]
		if next == nil {
			next = n.children[Wildcard]
		}
		n = next
	}
	return n
}

// insert walks the tree to the leaf of toks, making the path: a token with
// a digit goes through the wildcard child, as does any token once a node
// has MaxChildren children (the last place kept for the wildcard).
func (m *Miner) insert(toks []string) *node {
	n := m.byLength[len(toks)]
	if n == nil {
		n = &node{}
		m.byLength[len(toks)] = n
	}
	for depth := 0; depth < m.opt.Depth-2 && depth < len(toks); depth++ {
		tok := toks[depth]
		if next := n.children[tok]; next != nil {
			n = next
			continue
		}
		key := tok
		_, hasWild := n.children[Wildcard]
		switch {
		case hasDigit(tok):
			key = Wildcard
		case hasWild && len(n.children) >= m.opt.MaxChildren:
			key = Wildcard
		case !hasWild && len(n.children)+1 >= m.opt.MaxChildren:
			key = Wildcard
		}
		next := n.children[key]
		if next == nil {
			if n.children == nil {
				n.children = map[string]*node{}
			}
			next = &node{}
			n.children[key] = next
		}
		n = next
	}
	return n
}

// best returns the template at leaf most similar to toks, if its
// similarity is at least threshold; ties go to the template with more
// wildcards.
func (m *Miner) best(leaf *node, toks []string, threshold float64) (int, bool) {
	bestID, bestSim, bestWild := -1, -1.0, -1
	for _, id := range leaf.templates {
		sim, wild := similarity(m.templates[id].Tokens, toks)
		if sim > bestSim || (sim == bestSim && wild > bestWild) {
			bestID, bestSim, bestWild = id, sim, wild
		}
	}
	if bestID < 0 || bestSim < threshold {
		return 0, false
	}
	return bestID, true
}

// similarity is the share of positions where the template's token equals
// the message's, wildcards not counting as equal (Drain3's seq_dist), and
// the template's number of wildcards.
func similarity(tmpl, toks []string) (float64, int) {
	if len(toks) == 0 {
		return 1, 0
	}
	same, wild := 0, 0
	for i, t := range tmpl {
		switch {
		case t == Wildcard:
			wild++
		case t == toks[i]:
			same++
		}
	}
	return float64(same) / float64(len(toks)), wild
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}
