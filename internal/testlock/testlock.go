// Package testlock keeps the tests that need the machine to themselves
// from running at once, across the packages go test runs side by side:
// bot/e2e's load test, which measures time on the emulator's clock, and
// the browser tests (bot/web, bot/e2e), which keep both cores busy.
package testlock

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Exclusive holds a lock on a file of the temporary directory, shared by
// every test that calls it, until the test ends.
func Exclusive(tb testing.TB) {
	tb.Helper()
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "planbot-exclusive-tests.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() }) // closing releases the lock
}
