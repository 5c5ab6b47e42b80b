package locust

import (
	"path/filepath"
	"testing"
)

// FuzzSet reads arbitrary bytes as each file of a set: it must not panic,
// whatever the input.
func FuzzSet(f *testing.F) {
	f.Add([]byte(histHeader+histRow("1700000000", "1")), []byte(statsFile("1")))
	f.Add([]byte(histHeader+"1,2,3\n\"a,b\nN/A,N/A"), []byte(statsHeader+",Aggregated,x,y,N/A\n"))
	f.Add([]byte("Timestamp,User Count,Type,Name,50%,%,abc%\n9,9,9,9,9,9,9\n"), []byte("Method,Name,Error,Occurrences\nGET,/a,\"boom\n\",-1\n"))
	f.Fuzz(func(t *testing.T, hist, stats []byte) {
		dir := t.TempDir()
		prefix := filepath.Join(dir, "run")
		write(t, prefix+SuffixHistory, string(hist))
		write(t, prefix+SuffixStats, string(stats))
		write(t, prefix+SuffixFailures, string(stats))
		write(t, prefix+SuffixExceptions, string(hist))
		r := newReader(prefix)
		if _, err := r.poll(false); err != nil {
			return
		}
		_, _ = r.poll(true)
		_, _ = Sniff(hist)
	})
}
