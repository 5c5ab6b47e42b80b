package tui

import (
	"regexp"
	"strings"
)

// Following an identifier: a trace or request id in a log entry, chosen in
// the entry's view (tab) and followed (enter) to every log entry that holds
// it, in every log read, as the logs pane's filter; esc in the pane goes
// back to the filter before.

// maxIdentifiers bounds the identifiers one entry offers.
const maxIdentifiers = 9

// identifierPatterns find identifiers: W3C trace ids (32 hex digits), UUIDs,
// and the value of a key whose name says it is an id of a request, trace,
// span or correlation, as key=value, key: value or "key":"value".
var identifierPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`),
	regexp.MustCompile(`(?i)\b[0-9a-f]{32}\b`),
	regexp.MustCompile(`(?i)\b(?:x-)?(?:trace|span|request|req|correlation|transaction|txn)[-_]?id"?\s*[=:]\s*"?([A-Za-z0-9][A-Za-z0-9._:-]{5,63})`),
}

// identifiers returns the identifiers lines hold, in the order they first
// appear, each once; ids made only of zeros (an unsampled trace) are none.
func identifiers(lines []string) []string {
	type found struct {
		at int
		id string
	}
	var all []found
	seen := map[string]bool{}
	for li, l := range lines {
		for _, re := range identifierPatterns {
			for _, m := range re.FindAllStringSubmatchIndex(l, -1) {
				s, e := m[0], m[1]
				if len(m) >= 4 && m[2] >= 0 {
					s, e = m[2], m[3]
				}
				id := l[s:e]
				if strings.Trim(id, "0-") == "" || seen[strings.ToLower(id)] {
					continue
				}
				seen[strings.ToLower(id)] = true
				all = append(all, found{li<<20 | s, id})
			}
		}
	}
	// In reading order, whichever pattern found them.
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].at < all[j-1].at; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	out := make([]string, 0, min(len(all), maxIdentifiers))
	for _, f := range all {
		if len(out) == maxIdentifiers {
			break
		}
		out = append(out, f.id)
	}
	return out
}

// showEntryMsg opens a log entry's view, with the identifiers it holds.
type showEntryMsg struct {
	text string
	ids  []string
}

// entryView is the open entry's view: its text and identifiers, the chosen
// one, and what following it replaced.
type entryView struct {
	text   string
	ids    []string
	chosen int
}

// entryTitle is the overlay's title while it shows a log entry.
const entryTitle = "Entry"

// showEntry opens the entry's view.
func (m *Model) showEntry(msg showEntryMsg) {
	m.entry = entryView{text: msg.text, ids: msg.ids}
	m.overlay.showTitled(entryTitle, m.entryText())
}

// entryText is the entry's text with a line naming its identifiers, the
// chosen one in brackets.
func (m *Model) entryText() string {
	if len(m.entry.ids) == 0 {
		return m.entry.text
	}
	var b strings.Builder
	b.WriteString(m.entry.text)
	b.WriteString("\nidentifiers: ")
	for i, id := range m.entry.ids {
		if i > 0 {
			b.WriteString("  ")
		}
		if i == m.entry.chosen {
			b.WriteString("[" + id + "]")
		} else {
			b.WriteString(id)
		}
	}
	b.WriteString("\ntab chooses an identifier, enter follows it to every log entry that holds it\n")
	return b.String()
}

// entryKey handles tab and enter in an entry's view that holds
// identifiers; false for other keys (enter closes a view without any).
func (m *Model) entryKey(text string) bool {
	if m.overlay.title != entryTitle || len(m.entry.ids) == 0 {
		return false
	}
	switch text {
	case "tab":
		offset := m.overlay.offset
		m.entry.chosen = (m.entry.chosen + 1) % len(m.entry.ids)
		m.overlay.showTitled(entryTitle, m.entryText())
		m.overlay.offset = offset
	case "enter":
		m.follow(m.entry.ids[m.entry.chosen])
	default:
		return false
	}
	return true
}

// follow closes the entry's view and keeps, in the logs pane, the entries
// that hold id; the filter it replaced comes back with esc there.
func (m *Model) follow(id string) {
	m.overlay.show("")
	if m.following == "" {
		m.followedFrom = m.filters[paneLogs]
	}
	m.following = id
	m.filters[paneLogs] = id
	m.logs.filterChanged()
	m.focus = paneLogs
	m.notice = "following " + id + " through the logs (esc goes back)"
}

// unfollow is esc in the logs pane while following: the filter before.
func (m *Model) unfollow() bool {
	if m.following == "" || m.focus != paneLogs {
		return false
	}
	m.filters[paneLogs] = m.followedFrom
	m.following, m.followedFrom = "", ""
	m.logs.filterChanged()
	m.notice = "stopped following"
	return true
}
