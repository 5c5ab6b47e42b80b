package themes

import (
	"errors"
	"fmt"
	"image/color"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/BurntSushi/toml"
	"github.com/sobang/sobang/sources"
)

// wantColour is what a colour key expects, so users learn the syntax.
const wantColour = "#rrggbb, #rgb or an ANSI number 0-255"

// colourKey ties one single-colour key of a theme file to its Theme field.
type colourKey struct {
	key      string
	optional bool // may be left out of a theme that inherits nothing
	field    func(*Theme) *color.Color
}

// colourKeys lists every single-colour key, in the order of a theme file;
// README.md documents each one (a test checks that).
var colourKeys = []colourKey{
	{key: "pane.border", field: func(t *Theme) *color.Color { return &t.Border }},
	{key: "pane.border_focused", field: func(t *Theme) *color.Color { return &t.BorderFocused }},
	{key: "pane.title", field: func(t *Theme) *color.Color { return &t.Title }},
	{key: "pane.title_focused", field: func(t *Theme) *color.Color { return &t.TitleFocused }},
	{key: "pane.text", field: func(t *Theme) *color.Color { return &t.Text }},
	{key: "pane.muted", field: func(t *Theme) *color.Color { return &t.Muted }},
	{key: "pane.background", optional: true, field: func(t *Theme) *color.Color { return &t.Background }},
	{key: "levels.error", field: func(t *Theme) *color.Color { return &t.LevelError }},
	{key: "levels.warn", field: func(t *Theme) *color.Color { return &t.LevelWarn }},
	{key: "levels.info", field: func(t *Theme) *color.Color { return &t.LevelInfo }},
	{key: "levels.debug", field: func(t *Theme) *color.Color { return &t.LevelDebug }},
	{key: "levels.trace", field: func(t *Theme) *color.Color { return &t.LevelTrace }},
	{key: "chart.cursor", field: func(t *Theme) *color.Color { return &t.Cursor }},
	{key: "chart.window", field: func(t *Theme) *color.Color { return &t.Window }},
	{key: "chart.mark", field: func(t *Theme) *color.Color { return &t.Mark }},
	{key: "status.fg", field: func(t *Theme) *color.Color { return &t.StatusBarFg }},
	{key: "status.bg", field: func(t *Theme) *color.Color { return &t.StatusBarBg }},
	{key: "status.live", field: func(t *Theme) *color.Color { return &t.StatusLive }},
	{key: "status.paused", field: func(t *Theme) *color.Color { return &t.StatusPaused }},
	{key: "status.load_ended", field: func(t *Theme) *color.Color { return &t.StatusLoadEnded }},
	{key: "status.down", field: func(t *Theme) *color.Color { return &t.StatusDown }},
	{key: "status.warn", field: func(t *Theme) *color.Color { return &t.StatusWarn }},
}

// Keys that are not single colours.
const (
	keyName        = "name"
	keyDescription = "description"
	keyInherit     = "inherit"
	keySeries      = "chart.series"
)

// tableKeys are the tables a theme file may have.
var tableKeys = []string{"pane", "levels", "chart", "status"}

// knownKeys is every key a theme file may contain, tables included.
var knownKeys = func() map[string]bool {
	known := map[string]bool{keyName: true, keyDescription: true, keyInherit: true, keySeries: true}
	for _, k := range tableKeys {
		known[k] = true
	}
	for _, k := range colourKeys {
		known[k.key] = true
	}
	return known
}()

// layer is what one theme file says, before inheritance fills the rest.
type layer struct {
	description string
	inherit     string
	inheritLine int
	colours     map[string]color.Color // by key; nil value = terminal default
	series      []color.Color          // nil when the file has no chart.series
}

// parseLayer decodes and checks one theme file. name is the name the file
// is selected by (its file name without .toml); display is the path used
// in errors. Every problem found is returned, each a *sources.LineError,
// sorted by line and joined with errors.Join.
func parseLayer(display, name string, src []byte) (*layer, error) {
	var data map[string]any
	md, err := toml.Decode(string(src), &data)
	if err != nil {
		return nil, decodeError(display, err)
	}
	lines := keyLines(src)
	var problems []*sources.LineError
	report := func(key, msg string) {
		problems = append(problems, &sources.LineError{Path: display, Line: lines.line(key), Err: errors.New(msg)})
	}
	// wrongType reports a value of key that is not of the type it must be.
	wrongType := func(key, want string, v any) {
		report(key, fmt.Sprintf("%s: expected %s, found %s", key, want, TOMLType(v)))
	}

	// Unknown keys, from the keys as written. MetaData.Undecoded is not
	// enough: decoding into a struct matches field names case-insensitively,
	// so "Border" would pass for "border".
	var skip []string // keys whose children were reported already
	for _, k := range md.Keys() {
		ks := k.String()
		if knownKeys[ks] || hasPrefixKey(ks, skip) {
			continue
		}
		skip = append(skip, ks)
		msg := "unknown key " + sources.Quote(ks)
		if s := suggest(ks); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		report(ks, msg)
	}

	l := &layer{colours: map[string]color.Color{}}
	text := func(key string) string {
		v, ok := data[key]
		if !ok {
			return ""
		}
		s, ok := v.(string)
		if !ok {
			wrongType(key, "a string", v)
		}
		return s
	}
	if n := text(keyName); n != "" && n != name {
		report(keyName, sources.Expected(keyName, fmt.Sprintf("%q (the file name without .toml) or no name key", name), n))
	}
	l.description = text(keyDescription)
	l.inherit = text(keyInherit)
	l.inheritLine = lines.line(keyInherit)

	for _, t := range tableKeys {
		if v, ok := data[t]; ok {
			if _, ok := v.(map[string]any); !ok {
				wrongType(t, "a table (["+t+"])", v)
			}
		}
	}
	for _, ck := range colourKeys {
		v, ok := lookup(data, ck.key)
		if !ok {
			continue
		}
		c, ok := parseColour(v, true)
		if !ok {
			report(ck.key, badColour(ck.key, v))
			continue
		}
		l.colours[ck.key] = c
	}
	if v, ok := lookup(data, keySeries); ok {
		list, ok := v.([]any)
		switch {
		case !ok:
			wrongType(keySeries, fmt.Sprintf("an array of at least %d colours", MinSeries), v)
		case len(list) < MinSeries:
			report(keySeries, fmt.Sprintf("%s: expected at least %d colours, found %d", keySeries, MinSeries, len(list)))
		default:
			series := make([]color.Color, 0, len(list))
			bad := false
			for i, item := range list {
				c, ok := parseColour(item, false)
				if !ok {
					key := fmt.Sprintf("%s[%d]", keySeries, i)
					report(key, badColour(key, item))
					bad = true
					continue
				}
				series = append(series, c)
			}
			if !bad {
				l.series = series
			}
		}
	}

	if len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b *sources.LineError) int { return a.Line - b.Line })
		errs := make([]error, len(problems))
		for i, p := range problems {
			errs[i] = p
		}
		return nil, errors.Join(errs...)
	}
	return l, nil
}

// lineInMessage finds the line number BurntSushi/toml writes into errors
// that are not a ParseError ("toml: line 3 (last key ...): ...").
var lineInMessage = regexp.MustCompile(`^toml: line (\d+)(?: \(last key "[^"]*"\))?: `)

// decodeError turns a TOML decoding error into a *sources.LineError with a
// line.
func decodeError(display string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &sources.LineError{Path: display, Line: pe.Position.Line, Err: errors.New("bad TOML: " + pe.Message)}
	}
	msg := err.Error()
	if m := lineInMessage.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return &sources.LineError{Path: display, Line: n, Err: errors.New("bad TOML: " + msg[len(m[0]):])}
	}
	return sources.InFile(display, errors.New("bad TOML: "+strings.TrimPrefix(msg, "toml: ")))
}

// badColour words a value of key that is not a colour: a string quoted by
// sources.Expected; an integer as written, unquoted, since an ANSI number
// may be one and it must not pass for a string; any other value by its
// TOML type.
func badColour(key string, v any) string {
	switch v := v.(type) {
	case string:
		return sources.Expected(key, wantColour, v)
	case int64:
		return fmt.Sprintf("%s: expected %s, found %d", key, wantColour, v)
	}
	return fmt.Sprintf("%s: expected %s, found %s", key, wantColour, TOMLType(v))
}

// parseColour reads one colour value: "#rrggbb", "#rgb", an ANSI number
// 0-255 as a string or an integer, or, when allowDefault, "default" for
// the terminal's own colour (nil). ok is false when v is none of these.
func parseColour(v any, allowDefault bool) (c color.Color, ok bool) {
	switch v := v.(type) {
	case string:
		s := strings.TrimSpace(v)
		switch {
		case s == "default" && allowDefault:
			return nil, true
		case strings.HasPrefix(s, "#"):
			if (len(s) == 7 || len(s) == 4) && isHex(s[1:]) {
				return lipgloss.Color(strings.ToLower(s)), true
			}
		case s != "" && len(s) <= 3 && isDigits(s):
			n, _ := strconv.Atoi(s)
			if n <= 255 {
				return lipgloss.Color(strconv.Itoa(n)), true
			}
		}
	case int64:
		if v >= 0 && v <= 255 {
			return lipgloss.Color(strconv.FormatInt(v, 10)), true
		}
	}
	return nil, false
}

func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// TOMLType names the TOML type of a value toml.Decode gave ("a string",
// "a table"), for messages about TOML files.
func TOMLType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	default:
		return "a date/time"
	}
}

// lookup finds a dotted key of the form "table.key" in decoded TOML.
func lookup(data map[string]any, key string) (any, bool) {
	table, leaf, nested := strings.Cut(key, ".")
	if !nested {
		v, ok := data[key]
		return v, ok
	}
	m, ok := data[table].(map[string]any)
	if !ok {
		return nil, false
	}
	v, ok := m[leaf]
	return v, ok
}

// hasPrefixKey reports whether key lies inside one of the given keys.
func hasPrefixKey(key string, parents []string) bool {
	for _, p := range parents {
		if strings.HasPrefix(key, p+".") {
			return true
		}
	}
	return false
}

// suggest returns the known key closest to an unknown one, or "".
func suggest(unknown string) string {
	best, bestDist := "", 3 // suggest only close matches
	leaf := unknown[strings.LastIndex(unknown, ".")+1:]
	for k := range knownKeys {
		if strings.EqualFold(k, unknown) {
			return k
		}
		d := editDistance(strings.ToLower(unknown), k)
		// The right leaf in the wrong table ("levels.border").
		if kl := k[strings.LastIndex(k, ".")+1:]; kl == leaf && strings.Contains(k, ".") {
			d = min(d, 1)
		}
		if d < bestDist || (d == bestDist && k < best) {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
