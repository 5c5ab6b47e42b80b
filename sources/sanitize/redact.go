package sanitize

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"unsafe"
)

// Redaction: secrets in the data are masked before anything is shown,
// mined for templates, reported or recorded. The built-in rules mask
//
//   - card numbers: 13 to 19 digits in a row that pass the Luhn check and
//     start as a card scheme's do; the first six and the last four digits
//     stay ("411111******1111");
//   - the values of secrets' keys, '=' or ':' separated, quoted or not:
//     password, passwd, passphrase, pwd, pass, secret, token, api_key,
//     access_key, secret_key, private_key, authorization, credentials,
//     auth, cvv, cvc, also as the end of a longer key ("db.password",
//     "client_secret", "X-Api-Key", "accessToken"): "password=***",
//     `"password":"***"`, "Authorization: Basic ***";
//   - bearer tokens ("Bearer ***") and JSON Web Tokens ("eyJ…", whole);
//   - the password of a URL ("https://user:***@host/", MaskPasswords).
//
// The user's own rules (a regular expression and its replacement) run
// after them. Rules are costly next to the rest of reading a line, so a
// line is first read once, eight bytes at a time, for what each built-in
// rule needs (scan), and a rule of the user's runs only on lines that
// hold its trigger, a literal; nearly every line meets no rule at all.

// Rule is a redaction rule of the user's: what Regex matches is replaced
// by Replace, in which $1 or ${name} stand for the regular expression's
// groups (regexp.Regexp.Expand). Replace must be safe to show (Safe); ""
// means Mask. Trigger, when given, is a literal (matched in any case of
// ASCII letters) that a line must hold for the rule to run; without one
// the rule runs where the regular expression's literal prefix is, or on
// every line when it has none.
type Rule struct {
	Name, Regex, Replace, Trigger string
}

// Redactor masks secrets with the built-in rules, the user's rules, or
// both. A nil *Redactor masks nothing.
type Redactor struct {
	builtin bool
	rules   []userRule
}

// userRule is a Rule compiled.
type userRule struct {
	name     string
	re       *regexp.Regexp
	replace  []byte
	trigger  []byte // nil: the rule runs on every line
	foldCase bool   // trigger is lower case, matched in any case
}

// NewRedactor returns a Redactor with the built-in rules when builtin is
// set and with rules after them. A rule whose regular expression does not
// compile, or that matches the empty string, is an error naming the rule.
func NewRedactor(builtin bool, rules []Rule) (*Redactor, error) {
	r := &Redactor{builtin: builtin}
	for i, rule := range rules {
		name := rule.Name
		if name == "" {
			name = fmt.Sprintf("rule %d", i+1)
		}
		re, err := regexp.Compile(rule.Regex)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
		if re.MatchString("") {
			return nil, fmt.Errorf("%s: the regular expression %q matches the empty string, so it would mask between every two characters", name, rule.Regex)
		}
		replace := rule.Replace
		if replace == "" {
			replace = Mask
		}
		if !Safe(replace) {
			return nil, errors.New(name + ": the replacement holds control or invisible characters")
		}
		u := userRule{name: name, re: re, replace: []byte(replace)}
		switch prefix, _ := re.LiteralPrefix(); {
		case rule.Trigger != "":
			u.trigger, u.foldCase = []byte(strings.ToLower(rule.Trigger)), true
		case prefix != "":
			u.trigger = []byte(prefix)
		}
		r.rules = append(r.rules, u)
	}
	return r, nil
}

// Builtin reports whether the built-in rules run.
func (r *Redactor) Builtin() bool { return r != nil && r.builtin }

// Rules returns how many rules of the user's run.
func (r *Redactor) Rules() int {
	if r == nil {
		return 0
	}
	return len(r.rules)
}

// BuiltinRedactor masks with the built-in rules only: the default.
var BuiltinRedactor = &Redactor{builtin: true}

// current is the Redactor everything read is masked with.
var current atomic.Pointer[Redactor]

func init() { current.Store(BuiltinRedactor) }

// SetRedactor makes r the Redactor that Redact, Value and every source
// use from now on; nil masks nothing. The command sets it from the
// configuration file before any source starts, so that every line and
// value is masked by the same rules.
func SetRedactor(r *Redactor) {
	if r == nil {
		r = &Redactor{}
	}
	current.Store(r)
}

// CurrentRedactor returns the Redactor set by SetRedactor, BuiltinRedactor
// until then; never nil.
func CurrentRedactor() *Redactor { return current.Load() }

// Redact returns s with its secrets masked by the current Redactor: s
// itself when there is nothing to mask.
func Redact(s string) string { return CurrentRedactor().String(s) }

// String returns s with its secrets masked: s itself when there is
// nothing to mask. s should be safe to show already (Text): the rules
// read characters, not escape sequences.
func (r *Redactor) String(s string) string {
	if r == nil || len(s) == 0 || !r.builtin && len(r.rules) == 0 {
		return s
	}
	// Read in place: apply only reads p, and keeps none of it.
	p := unsafe.Slice(unsafe.StringData(s), len(s))
	out, changed := r.apply(nil, p)
	if !changed {
		return s
	}
	return string(out)
}

// Append appends p with its secrets masked to dst when there is something
// to mask, and reports whether there was; otherwise it returns dst as it
// is. The log ingester masks each sanitised line with it.
func (r *Redactor) Append(dst, p []byte) ([]byte, bool) {
	if r == nil || len(p) == 0 || !r.builtin && len(r.rules) == 0 {
		return dst, false
	}
	return r.apply(dst, p)
}

// apply masks p: built-in rules in the order pairs, bearer tokens, JWTs,
// card numbers, URL passwords (an Authorization header's bearer token is
// masked as a pair's value, and is then no JWT), then the user's rules.
// Each rule reads what the one before it left.
func (r *Redactor) apply(dst, p []byte) ([]byte, bool) {
	cur, changed := p, false
	if r.builtin {
		if flags, card := scan(p); flags != 0 || card >= 0 {
			var spans []span
			step := func(find func([]span, []byte) []span) {
				spans = find(spans[:0], cur)
				if len(spans) > 0 {
					cur, changed = replace(make([]byte, 0, len(cur)), cur, spans), true
				}
			}
			if flags&trigPair != 0 {
				step(pairs)
			}
			if flags&trigBearer != 0 {
				step(bearers)
			}
			if flags&trigJWT != 0 {
				step(jwts)
			}
			if card >= 0 {
				n := card
				if changed { // the line moved under scan's offset
					n = runAround(cur, 0, len(cur))
				}
				if n >= 0 {
					step(func(s []span, p []byte) []span { return cards(s, p, n) })
				}
			}
			if flags&trigURL != 0 {
				s := unsafe.String(unsafe.SliceData(cur), len(cur))
				if m := MaskPasswords(s); len(m) != len(s) || m != s {
					cur, changed = []byte(m), true
				}
			}
		}
	}
	for i := range r.rules {
		u := &r.rules[i]
		if u.trigger != nil && !containsTrigger(cur, u.trigger, u.foldCase) {
			continue
		}
		if !u.re.Match(cur) {
			continue
		}
		cur, changed = u.re.ReplaceAll(cur, u.replace), true
	}
	if !changed {
		return dst, false
	}
	return append(dst, cur...), true
}

// containsTrigger reports whether p holds trigger; with foldCase, ASCII
// letters of p are matched in any case (trigger is lower case).
func containsTrigger(p, trigger []byte, foldCase bool) bool {
	if !foldCase {
		return bytes.Contains(p, trigger)
	}
	first := trigger[0]
	other := first
	if first >= 'a' && first <= 'z' {
		other = first - 'a' + 'A'
	}
	for i := 0; i+len(trigger) <= len(p); i++ {
		k := bytes.IndexByte(p[i:len(p)-len(trigger)+1], first)
		if other != first {
			if j := bytes.IndexByte(p[i:len(p)-len(trigger)+1], other); j >= 0 && (k < 0 || j < k) {
				k = j
			}
		}
		if k < 0 {
			return false
		}
		i += k
		if bytes.EqualFold(p[i:i+len(trigger)], trigger) {
			return true
		}
	}
	return false
}
