// Package labels renames load-test sample labels at ingest (--label-map) and
// caps how many distinct labels one source may produce, so that ids written
// into labels (a sampler named by its URL, /users/1234) cannot grow the label
// table, and the store's per-label buckets, without bound.
//
// A Mapper sits where a parser turns a label's bytes into a string: it
// replaces the parser's interner for labels and costs the same on the hot path
// (a few recent labels are compared before anything is hashed).
package labels

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/cacheslot"
	"github.com/sobang/sobang/sources/sanitize"
)

const (
	// DefaultMax is how many distinct labels one source keeps by default;
	// samples of further labels are counted under Other.
	DefaultMax = 500
	// Other is the label of requests whose own label came after the cap.
	Other = "(other labels)"
	// OtherTransactions is Other for transaction samples, kept apart so that
	// the requests under Other are not listed as a transaction.
	OtherTransactions = "(other transactions)"
	// warnAfter is how many extra labels the overflow warning names.
	warnAfter = 5
)

// Rule renames the labels its Pattern matches: the whole label becomes Name,
// in which $1, ${1} or ${name} stand for the match's groups (regexp.Expand).
type Rule struct {
	Pattern *regexp.Regexp // searched in the label as written; not anchored
	Name    string         // the new label, a regexp.Expand template
}

// String returns the rule as ParseRule reads it.
func (r Rule) String() string {
	p := r.Pattern.String()
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch {
		case p[i] == '\\' && i+1 < len(p):
			b.WriteString(p[i : i+2])
			i++
		case p[i] == '=':
			b.WriteString(`\=`)
		default:
			b.WriteByte(p[i])
		}
	}
	return b.String() + "=" + r.Name
}

// ParseRule reads REGEX=NAME. The first '=' not preceded by a backslash ends
// REGEX, so a literal '=' in the pattern is written \= (RE2 accepts the
// escape) while NAME may hold any character. The pattern is not anchored:
// write ^...$ to match whole labels.
func ParseRule(s string) (Rule, error) {
	split := -1
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == '=' {
			split = i
			break
		}
	}
	if split < 0 {
		return Rule{}, sources.ExpectedError("", "REGEX=NAME, e.g. '^GET /users/[0-9]+$=GET /users/{id}'", s)
	}
	pattern, name := s[:split], s[split+1:]
	if pattern == "" {
		return Rule{}, fmt.Errorf("%s: the REGEX before '=' is empty", sources.Quote(s))
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return Rule{}, fmt.Errorf("%s: bad REGEX: %v", sources.Quote(s), err)
	}
	if name == "" {
		return Rule{}, fmt.Errorf("%s: the NAME after '=' is empty", sources.Quote(s))
	}
	for _, ref := range groupRefs(name) {
		if !validRef(re, ref) {
			return Rule{}, fmt.Errorf("%s: NAME refers to $%s, but REGEX has no such group (it has %d; write ${1}x, not $1x, before letters or digits)",
				sources.Quote(s), ref, re.NumSubexp())
		}
	}
	return Rule{Pattern: re, Name: name}, nil
}

// ParseRules reads several REGEX=NAME rules, in order: the first match wins.
func ParseRules(specs []string) ([]Rule, error) {
	rules := make([]Rule, 0, len(specs))
	for _, s := range specs {
		r, err := ParseRule(s)
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// groupRefs lists the group names or numbers that template refers to, as
// regexp.Expand reads them ($$ is a literal dollar).
func groupRefs(template string) []string {
	var refs []string
	for i := 0; i < len(template); i++ {
		if template[i] != '$' || i+1 >= len(template) {
			continue
		}
		rest := template[i+1:]
		if rest[0] == '$' {
			i++
			continue
		}
		if rest[0] == '{' {
			if end := strings.IndexByte(rest, '}'); end > 1 {
				refs = append(refs, rest[1:end])
				i += end + 1
			}
			continue
		}
		n := 0
		for n < len(rest) && (rest[n] == '_' || isAlnum(rest[n])) {
			n++
		}
		if n > 0 {
			refs = append(refs, rest[:n])
			i += n
		}
	}
	return refs
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// validRef reports whether ref names a group of re: a number up to
// NumSubexp, or a group name.
func validRef(re *regexp.Regexp, ref string) bool {
	n, numeric := 0, true
	for _, c := range []byte(ref) {
		if c < '0' || c > '9' {
			numeric = false
			break
		}
		n = n*10 + int(c-'0')
		if n > 1<<16 {
			return false
		}
	}
	if numeric {
		return n <= re.NumSubexp()
	}
	return re.SubexpIndex(ref) >= 0
}

// Apply returns label renamed by the first rule that matches it; ok is false
// when none does.
func Apply(rules []Rule, label string) (name string, ok bool) {
	for _, r := range rules {
		m := r.Pattern.FindStringSubmatchIndex(label)
		if m == nil {
			continue
		}
		return string(r.Pattern.ExpandString(nil, r.Name, label, m)), true
	}
	return label, false
}

// Mapper turns the label bytes of one source's samples into label strings:
// renamed by the rules, made safe to show (sanitize.Value, once per distinct
// label), one shared string per distinct label, and at most max
// distinct labels; the samples of labels beyond the cap are counted under
// Other, and one warning names the first few of those labels. A Mapper
// belongs to one goroutine.
type Mapper struct {
	rules []Rule
	max   int
	cache map[string]entry // raw label -> entry
	// recent caches the labels looked up in front of the map, two ways
	// per set (recentSlot&^1), the latest first: a run's few dozen labels
	// rarely share a set, and comparing a label with two entries costs
	// less than hashing it for the map.
	recent [1 << recentBits]entry
	names  map[string]bool // distinct labels handed out, Other excluded
	extra  []string        // the first labels beyond the cap
	warned bool
	warn   func(string)
}

// entry is a label as written and as recorded; set tells a filled slot of
// Mapper.recent from an empty one, which must not pass for the empty label.
type entry struct {
	raw, name string
	set       bool
}

// recentBits sizes Mapper.recent: the interning caches' size, several
// times the labels of most runs, so that few of them share a slot.
const recentBits = cacheslot.Bits

// recentSlot picks the Mapper.recent slot of a label as the interning
// caches do (cacheslot.Of), from its length and last eight bytes.
func recentSlot(b []byte) int { return cacheslot.Of(b) }

// Cache bounds: the raw labels remembered with their names. Raw labels that
// are unique per row (ids that rules then merge) would grow the cache
// forever, so it is emptied when full and labels longer than maxCachedLen
// are not kept.
const (
	maxCached    = 16384
	maxCachedLen = 512
)

// NewMapper returns a Mapper applying rules (nil: none) and keeping at most
// max distinct labels (0: DefaultMax; negative: no cap). warn receives the
// one overflow warning; it may be nil.
func NewMapper(rules []Rule, max int, warn func(string)) *Mapper {
	if max == 0 {
		max = DefaultMax
	}
	return &Mapper{rules: rules, max: max, cache: make(map[string]entry, 64), names: map[string]bool{}, warn: warn}
}

// Get returns the label as written (raw, shared between calls) and the label
// to record (name). Looking up a known label allocates nothing.
func (m *Mapper) Get(b []byte) (raw, name string) {
	set := m.recent[recentSlot(b)&^1:]
	for i := range 2 {
		if e := &set[i]; e.set && len(e.raw) == len(b) && e.raw == string(b) {
			return e.raw, e.name
		}
	}
	e, ok := m.cache[string(b)]
	if !ok {
		e.raw = string(b)
		e.name = m.resolve(e.raw)
		if len(e.raw) <= maxCachedLen {
			if len(m.cache) >= maxCached {
				clear(m.cache)
			}
			m.cache[e.raw] = e
		}
	}
	e.set = true
	set[1], set[0] = set[0], e
	return e.raw, e.name
}

// resolve renames raw, makes the name safe to show and applies the cap.
// Rules match the label as written; what they make of it is data too.
func (m *Mapper) resolve(raw string) string {
	name := raw
	if len(m.rules) > 0 {
		name, _ = Apply(m.rules, raw)
	}
	name = sanitize.Value(name)
	if m.names[name] {
		return name
	}
	if m.max > 0 && len(m.names) >= m.max {
		m.overflow(name)
		return Other
	}
	m.names[name] = true
	return name
}

func (m *Mapper) overflow(name string) {
	if m.warned || len(m.extra) >= warnAfter {
		return
	}
	for _, x := range m.extra {
		if x == name {
			return
		}
	}
	m.extra = append(m.extra, name)
	if len(m.extra) == warnAfter {
		m.Flush()
	}
}

// Flush sends the overflow warning now if labels went over the cap and it
// was not sent yet: it waits for a few extra labels to name, and a parser
// calls Flush when its input pauses or ends so that fewer are named then.
func (m *Mapper) Flush() {
	if m.warned || len(m.extra) == 0 {
		return
	}
	m.warned = true
	if m.warn == nil {
		return
	}
	quoted := make([]string, len(m.extra))
	for i, x := range m.extra {
		quoted[i] = sources.Quote(x)
	}
	more := ""
	if len(m.extra) == warnAfter {
		more = ", ..."
	}
	m.warn(fmt.Sprintf("more than %d distinct labels: the samples of further labels are counted under %q (first of them: %s%s); "+
		"merge labels that differ by ids with --label-map REGEX=NAME", m.max, Other, strings.Join(quoted, ", "), more))
}

// Labels returns how many distinct labels were handed out, Other excluded.
func (m *Mapper) Labels() int { return len(m.names) }
