package sources

import (
	"fmt"
	"runtime/debug"
)

// Panic is a panic recovered inside a goroutine sobang started, with its stack.
type Panic struct {
	Where string
	Value any
	Stack []byte
}

// Error makes a Panic usable as an error.
func (p *Panic) Error() string { return fmt.Sprintf("panic in %s: %v", p.Where, p.Value) }

// Safe runs f and turns a panic inside it into a *Panic error carrying the
// stack, for goroutines a source starts itself: the source re-raises it in
// its Run goroutine (RaiseIfPanic), where the hub recovers it and the
// program restores the terminal before reporting it.
func Safe(where string, f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &Panic{Where: where, Value: v, Stack: debug.Stack()}
		}
	}()
	return f()
}

// RaiseIfPanic re-panics with err when it is a *Panic from Safe.
func RaiseIfPanic(err error) {
	if p, ok := err.(*Panic); ok {
		panic(p)
	}
}
