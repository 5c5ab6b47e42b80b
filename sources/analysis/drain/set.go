package drain

import (
	"sync"

	"github.com/sobang/sobang/sources"
)

// Set gives each log entry its template as it is read, as Templates
// groups entries (one tree per level group and root exception, an entry
// grouped by its Message), so that counting templates over millions of
// entries needs no text. It is a sources.LogTemplates: Add runs on the
// ingester's goroutine while Template is asked from others.
type Set struct {
	mu    sync.Mutex
	trees map[setTree]*setMiner
	ids   map[setKey]int
	keys  []setKey // by id-1
}

type setTree struct {
	group int
	exc   string
}

// setMiner is the miner of one tree.
type setMiner struct {
	tree setTree
	m    *Miner
}

type setKey struct {
	tree *setMiner
	id   int
}

// NewSet returns an empty Set.
func NewSet() *Set { return &Set{trees: map[setTree]*setMiner{}, ids: map[setKey]int{}} }

// Add groups e into a template and returns its id, from 1.
func (s *Set) Add(e *sources.LogEntry) int {
	tr := setTree{levelGroup(e.Level), RootException(e.Lines)}
	msg := Message(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.trees[tr]
	if !ok {
		t = &setMiner{tr, New(Options{})}
		s.trees[tr] = t
	}
	k := setKey{t, t.m.Add(msg)}
	id, ok := s.ids[k]
	if !ok {
		s.keys = append(s.keys, k)
		id = len(s.keys)
		s.ids[k] = id
	}
	return id
}

// Template returns the text of template id as Templates names it: the
// message with its variables masked, plus the root exception.
func (s *Set) Template(id int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 1 || id > len(s.keys) {
		return ""
	}
	k := s.keys[id-1]
	text := k.tree.m.Template(k.id).String()
	if k.tree.tree.exc != "" {
		text += " " + k.tree.tree.exc
	}
	return text
}
