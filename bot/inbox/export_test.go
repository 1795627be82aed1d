package inbox

import (
	"sync/atomic"
	"testing"
)

// CountPasswordChecks counts the bcrypt comparisons sign-in makes until
// the test ends. Tests that use it must not run in parallel.
func CountPasswordChecks(t *testing.T) *atomic.Int64 {
	n := new(atomic.Int64)
	passwordChecks.Store(n)
	t.Cleanup(func() { passwordChecks.Store(nil) })
	return n
}
