package calc

import (
	"os"
	"path/filepath"
	"testing"
)

// corpusDir returns the shared metrics corpus, which lives beside the
// repository, not in it. A fresh clone has no corpus: the test is skipped
// then, except under CI=true, where the corpus is always present and a skip
// would hide a failure.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "..", "shared", "corpus", "metrics")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("metrics corpus missing under CI=true: %v", err)
		}
		t.Skipf("metrics corpus not found at %s (it lives beside the repository in ../shared/corpus): %v", dir, err)
	}
	return dir
}
