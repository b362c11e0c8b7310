package stats

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// filled makes a store at path with n answers, n unanswered questions and
// a few presses, spread over pages, and closes it.
func filled(t *testing.T, path string, n int) {
	t.Helper()
	s := mustOpen(t, path)
	ctx := context.Background()
	for i := range n {
		at := day.Add(time.Duration(i) * time.Minute)
		if err := s.RecordAnswer(ctx, "passage", fmt.Sprintf("主题%d：加快健全养老服务体系", i%50), at); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordUnanswered(ctx, fmt.Sprintf("区长是谁%d", i), at); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// pageOf returns the offset and size of the first page of the file whose
// type is typ ("leaf", "branch", "freelist") past the metas.
func pageOf(t *testing.T, path, typ string) (int64, int) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	size := db.Info().PageSize
	var off int64 = -1
	err = db.View(func(tx *bolt.Tx) error {
		for id := 2; ; id++ {
			p, err := tx.Page(id)
			if err != nil || p == nil {
				return err
			}
			if p.Type == typ {
				off = int64(id) * int64(size)
				return nil
			}
		}
	})
	if err != nil || off < 0 {
		t.Fatalf("no %s page: %v", typ, err)
	}
	return off, size
}

// overwrite writes garbage over n bytes of the file at off.
func overwrite(t *testing.T, path string, off int64, n int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5, 0x17, 0xFF, 0x03}, n/4), off); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedFile damages a store's file in the middle (a page of
// records) and in its freelist: Open moves it aside, says so in one line,
// and starts a fresh store that records and reports.
func TestDamagedFile(t *testing.T) {
	for _, typ := range []string{"leaf", "branch", "freelist"} {
		t.Run(typ, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "stats.db")
			filled(t, path, 300)
			off, size := pageOf(t, path, typ)
			overwrite(t, path, off, size)

			var logs bytes.Buffer
			s, err := Open(path, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatalf("a damaged file stops the store: %v", err)
			}
			defer s.Close()
			ctx := context.Background()
			if err := s.RecordAnswer(ctx, "passage", "碳达峰", day); err != nil {
				t.Fatal(err)
			}
			r, err := s.Report(ctx, time.Time{}, time.Time{}, 0)
			if err != nil || r.Answered != 1 || r.Unanswered != 0 {
				t.Errorf("the fresh store reports %+v, %v; want the one new answer", r, err)
			}
			aside, _ := filepath.Glob(path + ".damaged-*")
			if len(aside) != 1 {
				t.Fatalf("files moved aside: %v", aside)
			}
			line := logs.String()
			if strings.Count(line, "\n") != 1 || !strings.Contains(line, path) || !strings.Contains(line, aside[0]) {
				t.Errorf("want one line naming both files, got:\n%s", line)
			}
		})
	}
}

// TestDamagedWhileOpen damages the file under an open store: the calls
// that reach the damage fail with ErrDamaged instead of panicking, and so
// does every call after.
func TestDamagedWhileOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stats.db")
	filled(t, path, 300)
	off, size := pageOf(t, path, "leaf")
	s := mustOpen(t, path)
	defer s.Close()
	overwrite(t, path, off, size) // the store's mapping sees it
	ctx := context.Background()
	if _, err := s.Report(ctx, time.Time{}, time.Time{}, 0); !errors.Is(err, ErrDamaged) {
		t.Fatalf("report over a damaged page: %v, want ErrDamaged", err)
	}
	if err := s.RecordAnswer(ctx, "passage", "x", day); !errors.Is(err, ErrDamaged) {
		t.Errorf("record after the damage: %v, want ErrDamaged", err)
	}
}

// TestGarbageFile: a file that is not a store at all is moved aside too.
func TestGarbageFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stats.db")
	if err := os.WriteFile(path, bytes.Repeat([]byte("not a database "), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if aside, _ := filepath.Glob(path + ".damaged-*"); len(aside) != 1 {
		t.Errorf("files moved aside: %v", aside)
	}
}

// TestLocked: a second process on the same file is told why it cannot
// open it.
func TestLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stats.db")
	s := mustOpen(t, path)
	defer s.Close()
	_, err := Open(path, Options{})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "held by another process") {
		t.Errorf("second open: %v", err)
	}
}

// TestMaxSize fills a store to its cap: records past it are refused with
// ErrFull, and a pruning makes room again.
func TestMaxSize(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "stats.db"), Options{MaxSize: 256 << 10, Retention: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	long := strings.Repeat("养老服务", 40)
	n := 0
	for ; n < 100000; n++ {
		err = s.RecordUnanswered(ctx, fmt.Sprint(long, n), day.Add(time.Duration(n)*time.Second))
		if err != nil {
			break
		}
	}
	if !errors.Is(err, ErrFull) {
		t.Fatalf("after %d records: %v, want ErrFull", n, err)
	}
	if fi, _ := os.Stat(s.db.Path()); fi.Size() > 2<<20 {
		t.Errorf("the file grew to %d bytes past a cap of 256 KiB", fi.Size())
	}
	pruned, err := s.Prune(ctx, day.AddDate(0, 0, 30))
	if err != nil || pruned != n {
		t.Fatalf("pruned %d of %d: %v", pruned, n, err)
	}
	if err := s.RecordUnanswered(ctx, "区长是谁", day.AddDate(0, 0, 30)); err != nil {
		t.Errorf("after pruning: %v", err)
	}
}

// TestPrune keeps the records of the retention period and drops older
// ones, presses included.
func TestPrune(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "stats.db"), Options{Retention: 400 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	now := day.AddDate(2, 0, 0)
	for i := range 300 { // one every 80 hours over 1000 days back from now
		at := now.Add(-time.Duration(i) * 80 * time.Hour)
		if err := s.RecordAnswer(ctx, "passage", "x", at); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordFeedback(ctx, "c1s1p1", false, fmt.Sprint("press", i), at); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Prune(ctx, now); err != nil {
		t.Fatal(err)
	}
	r, err := s.Report(ctx, time.Time{}, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	// 400 days of one every 80 hours, the boundary included.
	if r.Answered != 121 || r.Down != 121 {
		t.Errorf("kept %d answers and %d presses, want 121 each", r.Answered, r.Down)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		if n := tx.Bucket(pressedBucket).Stats().KeyN; n != 121 {
			t.Errorf("kept %d press hashes, want 121", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestFeedbackOnce: presses with the same once count once, and once is
// not in the file.
func TestFeedbackOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stats.db")
	s := mustOpen(t, path)
	ctx := context.Background()
	for range 100 {
		if err := s.RecordFeedback(ctx, "c8s6p2", false, "chat-777/msg-12/user-31337", day); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordFeedback(ctx, "c8s6p2", false, "chat-777/msg-12/user-31338", day); err != nil {
		t.Fatal(err)
	}
	r, err := s.Report(ctx, time.Time{}, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Down != 2 {
		t.Errorf("%d 👎 counted, want 2 (one per user)", r.Down)
	}
	s.Close()
	// The same file, reopened: the salt is kept, so a press stays counted.
	s = mustOpen(t, path)
	if err := s.RecordFeedback(ctx, "c8s6p2", false, "chat-777/msg-12/user-31337", day); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Report(ctx, time.Time{}, time.Time{}, 0); r.Down != 2 {
		t.Errorf("after a restart %d 👎, want 2", r.Down)
	}
	s.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("31337")) || bytes.Contains(data, []byte("user-")) {
		t.Error("the file holds who pressed")
	}
}

// failing is a Writer that fails with err, or blocks until released.
type failing struct {
	mu    sync.Mutex
	err   error
	block chan struct{}
	n     int
}

func (f *failing) write(ctx context.Context) error {
	f.mu.Lock()
	block, err := f.block, f.err
	f.n++
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

func (f *failing) RecordAnswer(ctx context.Context, _, _ string, _ time.Time) error {
	return f.write(ctx)
}
func (f *failing) RecordUnanswered(ctx context.Context, _ string, _ time.Time) error {
	return f.write(ctx)
}
func (f *failing) RecordFeedback(ctx context.Context, _ string, _ bool, _ string, _ time.Time) error {
	return f.write(ctx)
}

// TestQueueFullDisk: a store that fails (a full disk) costs the caller
// nothing; each failure is counted, logged once per kind, and shown by
// Err until a record goes again.
func TestQueueFullDisk(t *testing.T) {
	w := &failing{err: fmt.Errorf("stats: record: write stats.db: %w", errors.New("no space left on device"))}
	var logs bytes.Buffer
	var mu sync.Mutex
	kinds := map[string]int{}
	q := NewQueue(w, QueueOptions{
		Logger: slog.New(slog.NewTextHandler(&syncWriter{w: &logs, mu: &mu}, nil)),
		OnError: func(kind string) {
			mu.Lock()
			kinds[kind]++
			mu.Unlock()
		},
	})
	ctx := context.Background()
	for i := range 240 {
		if err := q.RecordUnanswered(ctx, fmt.Sprint("q", i), day); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.Close(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if kinds["failed"] != 240 {
		t.Errorf("errors counted: %v, want 240 failed", kinds)
	}
	if n := strings.Count(logs.String(), "could not record"); n != 1 {
		t.Errorf("%d log lines for one kind of error, want 1:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "no space left") {
		t.Errorf("the log does not say why:\n%s", logs.String())
	}
	if q.Err() == nil {
		t.Error("Err is nil after failures")
	}
}

// TestQueueIsolates: a store that hangs does not hold up the caller, and
// records past the queue's size are counted as lost.
func TestQueueIsolates(t *testing.T) {
	w := &failing{block: make(chan struct{})}
	lost := 0
	var mu sync.Mutex
	q := NewQueue(w, QueueOptions{Size: 10, Logger: slog.New(slog.DiscardHandler), OnError: func(kind string) {
		mu.Lock()
		defer mu.Unlock()
		if kind == "busy" {
			lost++
		}
	}})
	ctx := context.Background()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 50 {
			_ = q.RecordAnswer(ctx, "passage", "x", day)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("recording waits for a hung store")
	}
	mu.Lock()
	if lost < 50-11 { // 10 queued, at most 1 being written
		t.Errorf("%d records counted lost, want at least 39", lost)
	}
	mu.Unlock()
	close(w.block)
	if err := q.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := q.Err(); err != nil {
		t.Errorf("Err after a write went: %v", err)
	}
}

type syncWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// TestCheckTimeout: a check that cannot finish in time leaves the file in
// use, unchecked, rather than refusing to open it.
func TestCheckTimeout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stats.db")
	filled(t, path, 300)
	s, err := Open(path, Options{CheckTimeout: time.Nanosecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.RecordAnswer(ctx, "passage", "x", day); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Report(ctx, time.Time{}, time.Time{}, 0); err != nil || r.Answered != 301 {
		t.Errorf("report %d answers, %v; want 301", r.Answered, err)
	}
	if aside, _ := filepath.Glob(path + ".damaged-*"); len(aside) != 0 {
		t.Errorf("a sound file was moved aside: %v", aside)
	}
}
