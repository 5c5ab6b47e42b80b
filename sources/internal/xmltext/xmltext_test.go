package xmltext

import "testing"

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{
		"a &amp; b":            "a & b",
		"&lt;&gt;&quot;&apos;": `<>"'`,
		"&#233;&#xE9;&#Xe9;":   "ééé",
		"&unknown; & &;":       "&unknown; & &;",
		"tail &amp":            "tail &amp",
		"&#xFFFFFFFF;":         "&#xFFFFFFFF;",
		"&#xD800;":             "&#xD800;", // a surrogate is no character
		"&averyveryverylong;":  "&averyveryverylong;",
	} {
		if got := string(Unescape(nil, []byte(in))); got != want {
			t.Errorf("Unescape(%q) = %q, want %q", in, got, want)
		}
	}
}
