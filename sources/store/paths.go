package store

import (
	"strings"
)

// Path returns the request path a label maps to, taken from the first of its
// samples that had a URL, with ids masked (/api/accounts/{id}); "" when none
// of its samples had one. It is what other panes filter by when a label is
// chosen: a metric's uri label, the path in a log line.
func (l *LoadTest) Path(label string) string {
	id, ok := l.labelIdx[label]
	if !ok || id >= len(l.paths) {
		return ""
	}
	return l.paths[id]
}

// PathOrigin says where a label's request path came from.
type PathOrigin uint8

// Where a path came from.
const (
	// PathNone means the label has no path: no URL, nothing configured.
	PathNone PathOrigin = iota
	// PathFromURL means the path is the masked URL of the label's samples.
	PathFromURL
	// PathFromConfig means the label's samples carry no URL and the path is
	// the one the configuration file gives ([loadtest.paths]).
	PathFromConfig
)

// SetConfigPaths sets the request paths of labels as the configuration file
// gives them; they are used only for labels whose samples carry no URL.
func (s *Store) SetConfigPaths(byLabel map[string]string) { s.configPaths = byLabel }

// LabelPath returns the request path other panes filter by when label is
// chosen, and where it came from: the label's URLs when its samples had
// one, else the configuration file, else none ("", PathNone).
func (s *Store) LabelPath(label string) (string, PathOrigin) {
	if p := s.Load.Path(label); p != "" {
		return p, PathFromURL
	}
	if p := s.configPaths[label]; p != "" {
		return p, PathFromConfig
	}
	return "", PathNone
}

// notePath remembers label id's path from url when it has none yet.
func (l *LoadTest) notePath(id int, url string) {
	for id >= len(l.paths) {
		l.paths = append(l.paths, "")
	}
	if l.paths[id] == "" {
		l.paths[id] = MaskPath(url)
	}
}

// MaskPath reduces a URL to its path with the segments that look like ids
// (numbers, UUIDs, long hex) replaced by {id}, as Micrometer's uri templates
// read. It returns "" for no URL ("", "null").
func MaskPath(url string) string {
	if url == "" || url == "null" {
		return ""
	}
	if i := strings.Index(url, "://"); i >= 0 {
		url = url[i+3:]
		if j := strings.IndexByte(url, '/'); j >= 0 {
			url = url[j:]
		} else {
			url = "/"
		}
	}
	if i := strings.IndexAny(url, "?#"); i >= 0 {
		url = url[:i]
	}
	if !strings.HasPrefix(url, "/") {
		return ""
	}
	parts := strings.Split(url, "/")
	for i, p := range parts {
		if looksLikeID(p) {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

func looksLikeID(s string) bool {
	if s == "" {
		return false
	}
	digits, hex := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			hex++
		case (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'):
			hex++
		case c == '-':
		default:
			return false
		}
	}
	if digits == len(s) {
		return true // a number
	}
	// A UUID or a long hex token.
	return hex >= 16 && digits > 0
}
