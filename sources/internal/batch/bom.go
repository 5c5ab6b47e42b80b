package batch

import "bytes"

// bom is the UTF-8 byte order mark that Windows tools (Excel, Notepad,
// PowerShell) write before text; every format reads past it.
var bom = []byte{0xEF, 0xBB, 0xBF}

// TrimBOM returns b without a leading UTF-8 byte order mark.
func TrimBOM(b []byte) []byte { return bytes.TrimPrefix(b, bom) }

// PartialBOM reports whether head, the start of an input, may still become
// a byte order mark: it is shorter than one and starts like one (an empty
// head does). A handler that chooses its parser from the first bytes waits
// for more before looking past it.
func PartialBOM(head []byte) bool { return len(head) < len(bom) && bytes.HasPrefix(bom, head) }
