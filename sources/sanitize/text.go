package sanitize

import "strings"

// Text returns s made safe to show by the rules of String. It returns s
// itself when s needs no change, so the common case, a short printable
// ASCII value, allocates nothing.
//
// It is for values from the data that are not log lines: labels, response
// codes and messages, URLs, metric names and label values, file names.
// Those values are never shown in columns of their own, so a tab in one is
// expanded like a tab in a log line.
func Text(s string) string {
	if len(s) <= MaxBytes && Printable(s) {
		return s
	}
	out, _ := Line(make([]byte, 0, len(s)+16), []byte(s), TabWidth)
	return string(out)
}

// PasswordMask is what MaskPasswords shows in place of a password, as
// net/http does in the URLs of its errors.
const PasswordMask = "***"

// MaskPasswords returns s with the password of every URL in it replaced by
// PasswordMask: "https://user:secret@host/" reads "https://user:***@host/".
// The user name stays, so that a reader can tell which account was used. A
// URL is anything that follows "://" up to the end of its authority (a
// '/', '?', '#', white space, a quote or an angle bracket). It returns s
// itself when there is nothing to mask.
func MaskPasswords(s string) string {
	if strings.IndexByte(s, '@') < 0 {
		return s
	}
	var b strings.Builder
	rest, done := s, 0
	for {
		i := strings.Index(rest, "://")
		if i < 0 {
			break
		}
		start := len(s) - len(rest) + i + 3 // the authority's first byte in s
		end := start + authorityLen(s[start:])
		rest = s[end:]
		at := strings.LastIndexByte(s[start:end], '@')
		if at < 0 {
			continue
		}
		colon := strings.IndexByte(s[start:start+at], ':')
		if colon < 0 {
			continue
		}
		pass := s[start+colon+1 : start+at]
		if pass == "" || pass == PasswordMask {
			continue
		}
		b.WriteString(s[done : start+colon+1])
		b.WriteString(PasswordMask)
		done = start + at
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// authorityLen returns the length of the URL authority at the start of s.
func authorityLen(s string) int {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '/', '?', '#', '"', '\'', '<', '>', '`', ' ', '\t', '\n', '\r':
			return i
		}
	}
	return len(s)
}

// Value returns a value from the data (a label, a response code or
// message, a URL, a metric name or label set) or a name the user gave (a
// file path, a URL) as it may be shown, reported or recorded: made safe by
// Text, the password of any URL in it masked by MaskPasswords (whatever
// the redaction settings: a name on the command line may hold one), and
// its secrets masked by the current Redactor (Redact). A file name is
// data too: a directory can hold a name with any byte but '/' and NUL.
// It returns s itself when s needs no change.
func Value(s string) string { return Redact(MaskPasswords(Text(s))) }
