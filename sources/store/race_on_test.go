//go:build race

package store

// raceEnabled is set when the race detector runs: it multiplies the time
// and the memory of every allocation, so memory measurements skip.
const raceEnabled = true
