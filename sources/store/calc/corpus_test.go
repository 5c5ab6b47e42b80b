package calc

import (
	"testing"

	"github.com/sobang/sobang/sources/internal/corpus"
)

// corpusDir returns the shared metrics corpus, which lives beside the
// repository, not in it. A fresh clone has no corpus: the test is skipped
// then, except under CI=true, where the corpus is always present and a skip
// would hide a failure.
func corpusDir(t testing.TB) string {
	t.Helper()
	return corpus.Dir(t, "metrics")
}
