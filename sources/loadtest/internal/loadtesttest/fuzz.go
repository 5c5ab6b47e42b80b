package loadtesttest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/sobang/sobang/sources/internal/corpus"
)

// SeedLen is how much of each seed file AddSeeds gives the fuzzer.
const SeedLen = 4096

// AddSeeds seeds f, a fuzz target taking ([]byte, uint16), with the
// fixtures in testdata matching pattern (none when it is "") and the start
// of the given files of tool's corpus directory, each inflated when gzip'd,
// with a varied second argument. Corpus files are skipped when the corpus
// is absent: fuzzing without it still has the fixtures.
func AddSeeds(f *testing.F, pattern, tool string, names ...string) {
	var files []string
	if pattern != "" {
		files, _ = filepath.Glob(filepath.Join("testdata", pattern))
	}
	dir, _ := corpus.Find(filepath.Join("loadtest", tool))
	for _, c := range names {
		files = append(files, filepath.Join(dir, c))
	}
	for i, path := range files {
		data, err := readStart(path, SeedLen)
		if err != nil {
			continue // corpus absent
		}
		f.Add(data, uint16(i*37))
	}
}

// readStart returns the first n bytes of a file, inflated when gzip'd.
func readStart(path string, n int) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	br := bufio.NewReader(fh)
	var r io.Reader = br
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		r = zr
	}
	buf := make([]byte, n)
	m, err := io.ReadFull(r, buf)
	if m > 0 || err == io.EOF {
		err = nil // a cut or short file still seeds with what it has
	}
	return buf[:m], err
}
