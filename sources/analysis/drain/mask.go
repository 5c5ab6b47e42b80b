package drain

import "strings"

// Tokens appends to out the message's tokens, split at white space, with
// the variable parts of each masked: every run of digits, with
// the hex letters, dots, colons and hyphens that belong to it (numbers,
// addresses, ports, dates, hex ids, block ids), that does not continue a
// word. "blk_-6952295" becomes "blk_<#>", "rhost=218.188.2.4" becomes
// "rhost=<#>", "nio-8080-exec-1" becomes "nio-<#>-exec-<#>", "12ms" becomes
// "<#>ms"; "a3f9" and "Worker12" stay.
func Tokens(message string, out []string) []string {
	for _, tok := range strings.Fields(message) {
		out = append(out, mask(tok))
	}
	return out
}

// masked stands for a masked part inside a token. Unlike Wildcard it is
// an ordinary token to the similarity (as Drain3's <NUM> and <IP> are), so
// two messages that differ only in their numbers are as similar as they
// look; Template.String shows it as Wildcard.
const masked = "<#>"

func mask(tok string) string {
	if !hasDigit(tok) {
		return tok
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(tok); {
		if !runStart(tok, i) {
			i++
			continue
		}
		end := runEnd(tok, i)
		if end == i {
			i++
			continue
		}
		b.WriteString(tok[last:i])
		b.WriteString(masked)
		last, i = end, end
	}
	if last == 0 {
		return tok
	}
	b.WriteString(tok[last:])
	return b.String()
}

// runEnd returns where the masked run starting at i ends: numeric segments
// joined by '.', ':' or '-' ("218.188.2.4", "8080", "07:07:00",
// "2015-07-29"), a segment being digits ("12" of "12ms"), a 0x hex number
// or a hash-like run of six or more hex digits with a digit among them
// ("5ffead27"). It stops before a word ("8080" of "8080-exec").
func runEnd(s string, i int) int {
	end := i
	j := i
	if j < len(s) && s[j] == '-' {
		j++
	}
	for {
		seg := segmentEnd(s, j)
		if seg == j {
			return end
		}
		end = seg
		if seg+1 < len(s) && (s[seg] == '.' || s[seg] == ':' || s[seg] == '-') && isDigit(s[seg+1]) {
			j = seg + 1
			continue
		}
		return end
	}
}

// segmentEnd returns the end of the numeric segment at j, j when there is
// none.
func segmentEnd(s string, j int) int {
	if j >= len(s) || !isDigit(s[j]) {
		return j
	}
	// 0x1F
	if s[j] == '0' && j+2 < len(s) && (s[j+1] == 'x' || s[j+1] == 'X') && isHex(s[j+2]) {
		k := j + 2
		for k < len(s) && isHex(s[k]) {
			k++
		}
		return k
	}
	// A hash: hex digits up to the word's end, six or more.
	k := j
	for k < len(s) && isHex(s[k]) {
		k++
	}
	if k-j >= 6 && (k == len(s) || !isAlnum(s[k])) {
		return k
	}
	k = j
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	return k
}

// runStart reports whether a masked run starts at i: a digit, or a minus
// sign before one, that does not continue a word.
func runStart(s string, i int) bool {
	c := s[i]
	if c == '-' {
		if i+1 >= len(s) || !isDigit(s[i+1]) {
			return false
		}
	} else if !isDigit(c) {
		return false
	}
	return i == 0 || !isAlnum(s[i-1])
}

func isHex(c byte) bool { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
