package sanitize

import (
	"bytes"
	"strings"
)

// Mask is what the built-in redaction rules show in place of a secret
// (the same as PasswordMask, so that every masked secret reads alike).
const Mask = PasswordMask

// maxKey is how much of a key is read back from its separator.
const maxKey = 64

// secretKeys are the keys, lower case and without '_', '-' and '.', whose
// value is a secret whatever comes before them in the key ("db.password",
// "client_secret", "X-Auth-Token", "aws_secret_access_key").
var secretKeys = []string{
	"password", "passwd", "passphrase", "secret", "token", "apikey", "accesskey", "secretkey",
	"privatekey", "authorization", "credential", "credentials",
}

// shortKeys are keys whose value is a secret only when they start the key
// or a word of it ("pass", "db_pass", "dbPass", but not "bypass").
var shortKeys = []string{"pass", "pwd", "auth", "cvv", "cvc"}

// keyEnds has a bit for each letter a key of secretKeys or shortKeys ends
// with, so that most keys are turned down by their last letter.
var keyEnds = func() uint32 {
	var m uint32
	for _, k := range append(append([]string(nil), secretKeys...), shortKeys...) {
		m |= 1 << (k[len(k)-1] - 'a')
	}
	return m
}()

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isWord(c byte) bool   { return isLetter(c) || isDigit(c) || c == '_' }

// isKeyByte reports whether c may be part of a key: a word character, '-'
// or '.' ("X-Api-Key", "spring.datasource.password").
func isKeyByte(c byte) bool { return isWord(c) || c == '-' || c == '.' }

// keyBefore returns where the key ends whose separator (':' or '=') is at
// p[sep]: before spaces and one closing quote (`"password" : `).
func keyBefore(p []byte, sep int) (start, end int) {
	j := sep
	for j > 0 && p[j-1] == ' ' {
		j--
	}
	if j > 0 && (p[j-1] == '"' || p[j-1] == '\'') {
		j--
	}
	start = j
	for start > 0 && j-start < maxKey && isKeyByte(p[start-1]) {
		start--
	}
	return start, j
}

// secretKeyBefore reports whether the key before the separator at p[sep]
// names a secret.
func secretKeyBefore(p []byte, sep int) bool {
	j := sep
	for j > 0 && p[j-1] == ' ' {
		j--
	}
	if j > 0 && (p[j-1] == '"' || p[j-1] == '\'') {
		j--
	}
	// The last letter turns down most keys (and the digits of "12:00").
	if j == 0 {
		return false
	}
	if c := p[j-1] | 0x20; c < 'a' || c > 'z' || keyEnds&(1<<(c-'a')) == 0 {
		return false
	}
	start, end := keyBefore(p, sep)
	return secretKey(p[start:end])
}

// secretKey reports whether key names a secret.
func secretKey(key []byte) bool {
	var buf [maxKey]byte
	n := 0
	for _, c := range key {
		switch {
		case c >= 'A' && c <= 'Z':
			buf[n] = c + 'a' - 'A'
		case c == '_' || c == '-' || c == '.':
			continue
		default:
			buf[n] = c
		}
		n++
	}
	norm := buf[:n]
	for _, k := range secretKeys {
		if bytes.HasSuffix(norm, []byte(k)) {
			return true
		}
	}
	for _, k := range shortKeys {
		if !bytes.HasSuffix(norm, []byte(k)) || len(key) < len(k) || !lowerIs(key[len(key)-len(k):], k) {
			continue
		}
		// The key starts here, after a separator, or at a capital after a
		// small letter or digit (camel case).
		i := len(key) - len(k)
		if i == 0 || !isLetter(key[i-1]) && !isDigit(key[i-1]) ||
			key[i] >= 'A' && key[i] <= 'Z' && !(key[i-1] >= 'A' && key[i-1] <= 'Z') {
			return true
		}
	}
	return false
}

// schemes are the authentication schemes whose credentials follow them
// after a space ("Authorization: Basic dXNlcjpwYXNz"): the scheme stays,
// the credentials are masked.
var schemes = []string{"basic", "bearer", "digest", "negotiate", "ntlm", "token", "aws4-hmac-sha256"}

// valueAfter returns the value of the pair whose separator is at p[sep]:
// a quoted string's content (a backslash escapes the next byte, as in
// JSON; an unclosed string runs to the end of the line), else everything
// up to white space or a delimiter. ok is false where no value follows:
// "==", "::", an object or a list (whose own pairs are looked at on their
// own).
func valueAfter(p []byte, sep int) (start, end int, ok bool) {
	j := sep + 1
	if j < len(p) {
		switch {
		case p[sep] == ':' && p[j] == ':', p[sep] == '=' && p[j] == '=':
			return 0, 0, false
		case p[sep] == '=' && p[j] == '>': // a Ruby or PHP hash
			j++
		}
	}
	// "password: x" and "password = x", but "password= next=1" has an
	// empty value.
	if p[sep] == ':' || sep > 0 && p[sep-1] == ' ' {
		for j < len(p) && p[j] == ' ' {
			j++
		}
	}
	if j >= len(p) {
		return 0, 0, false
	}
	switch q := p[j]; q {
	case '"', '\'':
		k := j + 1
		for k < len(p) && p[k] != q {
			if p[k] == '\\' {
				k++
			}
			k++
		}
		return j + 1, min(k, len(p)), true
	case '{', '[':
		return 0, 0, false
	}
	k := j
	for k < len(p) && !endsValue(p[k]) {
		k++
	}
	return j, k, true
}

// endsValue reports whether c ends a value that is not quoted.
func endsValue(c byte) bool {
	switch c {
	case ' ', '&', ',', ';', '"', '\'', ')', ']', '}', '>', '<':
		return true
	}
	return false
}

// afterScheme returns where the credentials start in the value
// p[start:end] of a pair and where they end, when the value is an
// authentication scheme followed by a space. A value that is not quoted
// ended at that space; its credentials run to the next delimiter.
func afterScheme(p []byte, start, end int) (int, int, bool) {
	for _, s := range schemes {
		n := start + len(s)
		if n > end || n >= len(p) || p[n] != ' ' || !lowerIs(p[start:n], s) {
			continue
		}
		c := n
		for c < len(p) && p[c] == ' ' {
			c++
		}
		if n == end { // not quoted: the credentials are the next word
			e := c
			for e < len(p) && !endsValue(p[e]) {
				e++
			}
			return c, e, c < e
		}
		return c, end, c < end
	}
	return 0, 0, false
}

// masked reports whether v needs no mask: empty, masked already, or a
// literal that says the secret is missing (null, true, false, none).
func masked(v []byte) bool {
	if len(v) == 0 || bytes.Count(v, []byte("*")) == len(v) {
		return true
	}
	for _, w := range []string{"null", "nil", "none", "true", "false", "undefined"} {
		if lowerIs(v, w) {
			return true
		}
	}
	return false
}

// span is a part of a line to replace, and what with.
type span struct {
	start, end int
	with       string
}

// replace appends p to dst with each span replaced; spans are in order
// and do not overlap.
func replace(dst, p []byte, spans []span) []byte {
	done := 0
	for _, s := range spans {
		dst = append(dst, p[done:s.start]...)
		dst = append(dst, s.with...)
		done = s.end
	}
	return append(dst, p[done:]...)
}

// pairs finds the values of secrets' keys in p: "password=hunter2",
// `"token": "abc"`, "X-Api-Key: abc", "?access_token=abc&", an
// Authorization header's credentials after its scheme.
func pairs(spans []span, p []byte) []span {
	for i := 0; i < len(p); i++ {
		if c := p[i]; (c != ':' && c != '=') || !secretKeyBefore(p, i) {
			continue
		}
		start, end, ok := valueAfter(p, i)
		if !ok {
			continue
		}
		if s, e, ok := afterScheme(p, start, end); ok {
			start, end = s, e
		}
		if masked(p[start:end]) {
			continue
		}
		spans = append(spans, span{start, end, Mask})
		i = end - 1
	}
	return spans
}

// minBearer is the shortest bearer token masked: "Bearer realm" and
// "bearer token" are words, not tokens.
const minBearer = 8

// bearers finds the token after "Bearer " (any case).
func bearers(spans []span, p []byte) []span {
	for i := 0; i+6 < len(p); i++ {
		if p[i]|0x20 != 'b' || !lowerIs(p[i:i+6], "bearer") || (i > 0 && isWord(p[i-1])) {
			continue
		}
		j := i + 6
		for j < len(p) && p[j] == ' ' {
			j++
		}
		if j == i+6 {
			continue
		}
		k := j
		varied := false // a digit, a symbol, or both cases of letters
		lower, upper := false, false
		for k < len(p) && (isWord(p[k]) || strings.IndexByte("-._~+/", p[k]) >= 0) {
			switch c := p[k]; {
			case c >= 'a' && c <= 'z':
				lower = true
			case c >= 'A' && c <= 'Z':
				upper = true
			default:
				varied = true
			}
			k++
		}
		for k < len(p) && p[k] == '=' {
			k++
		}
		if k-j < minBearer || !(varied || lower && upper) || masked(p[j:k]) {
			continue
		}
		spans = append(spans, span{j, k, Mask})
		i = k - 1
	}
	return spans
}

// minJWTHeader is the length of the shortest JWT header, the base64 of
// {"alg":"none"}.
const minJWTHeader = len("eyJhbGciOiJub25lIn0")

// isB64URL reports whether c belongs to base64url, which a JWT's parts
// are written in.
func isB64URL(c byte) bool { return isLetter(c) || isDigit(c) || c == '-' || c == '_' }

// jwts finds JSON Web Tokens: "eyJ" (the base64 of `{"`), then the rest
// of the header, a dot, the payload, a dot and the signature.
func jwts(spans []span, p []byte) []span {
	for i := 0; i+3 <= len(p); {
		k := bytes.Index(p[i:], []byte("eyJ"))
		if k < 0 {
			break
		}
		start := i + k
		i = start + 3
		if start > 0 && isB64URL(p[start-1]) {
			continue
		}
		// header.payload.signature; an unsigned token ends at its second
		// dot.
		end, dots, firstDot := start, 0, 0
		for end < len(p) {
			c := p[end]
			if c == '.' && dots < 2 && isB64URL(p[end-1]) && (dots == 1 || end+1 < len(p) && isB64URL(p[end+1])) {
				if dots == 0 {
					firstDot = end
				}
				dots++
			} else if !isB64URL(c) {
				break
			}
			end++
		}
		if dots < 2 || firstDot-start < minJWTHeader {
			continue
		}
		spans = append(spans, span{start, end, Mask})
		i = end
	}
	return spans
}

// cards finds card numbers: 13 to 19 digits in a row that pass the Luhn
// check and start as a card scheme's numbers do. The first six digits (the
// issuer) and the last four stay, as PCI DSS allows them to be shown; the
// digits between become '*'. A longer run of digits (an id, a block
// number), a run glued to a word ("blk_-6952295868487656571",
// "v4111...") or to a decimal point is no card. Numbers written in groups
// ("4111 1111 1111 1111") are not looked for: the one pass over every
// line looks for runs of digits only, and a rule of the user's can add
// them. from is where scan saw the first candidate.
func cards(spans []span, p []byte, from int) []span {
	for i := from; i >= 0 && i < len(p); {
		start := i
		end := start
		for end < len(p) && isDigit(p[end]) {
			end++
		}
		if n := end - start; n >= minCardRun && n <= 19 && cardEdges(p, start, end) && luhn(p[start:end]) && cardPrefix(p[start:end]) {
			spans = append(spans, span{start, end, maskCard(p[start:end])})
		}
		if end >= len(p) {
			break
		}
		i = runAround(p, end+1, len(p)) // p[end] is no digit
	}
	return spans
}

// cardEdges reports whether p[start:end] stands apart from the text
// around it.
func cardEdges(p []byte, start, end int) bool {
	if start > 0 {
		b := p[start-1]
		if isWord(b) || (b == '-' || b == '.' || b == '+') && start > 1 && isWord(p[start-2]) {
			return false
		}
	}
	if end < len(p) {
		a := p[end]
		if isWord(a) || a == '.' && end+1 < len(p) && isDigit(p[end+1]) {
			return false
		}
	}
	return true
}

// luhn reports whether the digits (ASCII) pass the Luhn check.
func luhn(digits []byte) bool {
	sum := 0
	for i := range digits {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// cardPrefix reports whether digits start as the numbers of a card
// scheme do: Visa 4; Mastercard 51-55 and 2221-2720; Maestro 50, 56-69;
// Discover, UnionPay 6; Amex 34, 37; Diners 300-305, 36, 38, 39; JCB 35.
func cardPrefix(digits []byte) bool {
	var d [4]byte
	for i := range d {
		d[i] = digits[i] - '0'
	}
	switch d[0] {
	case 4, 5, 6:
		return true
	case 3:
		switch d[1] {
		case 4, 5, 6, 7, 8, 9:
			return true
		case 0:
			return d[2] <= 5
		}
	case 2:
		v := int(d[0])*1000 + int(d[1])*100 + int(d[2])*10 + int(d[3])
		return v >= 2221 && v <= 2720
	}
	return false
}

// maskCard returns the card number p with its digits but the first six and
// the last four turned into '*'.
func maskCard(p []byte) string {
	out := []byte(string(p))
	for i := 6; i < len(out)-4; i++ {
		out[i] = '*'
	}
	return string(out)
}
