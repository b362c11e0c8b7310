package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"planbot/corpus"
	"planbot/index"
)

// TestMain keeps the tests' plan cache out of the user's: in a directory
// of their own, removed after.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "planbot-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv(cacheEnv, dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestUserPlanCache(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the user's cache directory is another on", runtime.GOOS)
	}
	tests := []struct {
		cache, xdg, home string
		want             string
	}{
		{"", "/x/cache", "/home/u", "/x/cache/planbot"},
		{"", "", "/home/u", "/home/u/.cache/planbot"},
		{"", "", "", ""}, // no home: no cache
		{"/srv/planbot", "/x/cache", "/home/u", "/srv/planbot"},
		{"off", "/x/cache", "/home/u", ""},
	}
	for _, tt := range tests {
		t.Setenv(cacheEnv, tt.cache)
		t.Setenv("XDG_CACHE_HOME", tt.xdg)
		t.Setenv("HOME", tt.home)
		if got := userPlanCache(os.Getenv).dir; got != tt.want {
			t.Errorf("PLANBOT_CACHE=%q XDG_CACHE_HOME=%q HOME=%q: %q, want %q", tt.cache, tt.xdg, tt.home, got, tt.want)
		}
	}
}

const cacheQuestions = "森林覆盖率\n北梁以后建成啥样\n什么是碳达峰\n地铁票价多少钱\n"

// askQuestions runs ask -json on cacheQuestions and returns what it
// printed; it fails the test on an error or anything said on stderr.
func askQuestions(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if err := run(context.Background(), append([]string{"ask", "-json"}, args...), strings.NewReader(cacheQuestions), &out, &errb); err != nil {
		t.Fatalf("ask: %v (%s)", err, errb.String())
	}
	if errb.Len() > 0 {
		t.Errorf("ask said on stderr: %s", errb.String())
	}
	return out.String()
}

// fakeEntry makes an empty directory named as a cache entry, last used
// at used.
func fakeEntry(t *testing.T, dir string, n int, used time.Time) string {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("%064x-%s", n, programVersion()))
	if err := os.MkdirAll(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, used, used); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAskKeepsInUserCache checks that ask with no data.dir keeps the plan
// in the user's cache, prunes it then, and that the next ask reads it
// rather than building it again, with the same answers.
func TestAskKeepsInUserCache(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", home)
	t.Setenv(cacheEnv, "")
	cache := planCache{dir: filepath.Join(home, "planbot")}
	// As many entries of other builds, unused for long, as prune keeps
	// anyway: writing one more removes the oldest of them.
	now := time.Now()
	var old []string
	for i := range keepRecent {
		old = append(old, fakeEntry(t, cache.plans(), i, now.Add(-keepUnused-time.Duration(i+1)*time.Hour)))
	}

	cold := askQuestions(t)
	entry := cache.path(corpus.DefaultSource())
	snap, err := os.Stat(filepath.Join(entry, "snapshot.gob"))
	if err != nil {
		t.Fatalf("the plan is not kept in the user's cache: %v", err)
	}
	if _, err := os.Stat(old[len(old)-1]); !os.IsNotExist(err) {
		t.Errorf("the entry used longest ago was not pruned (%v)", err)
	}
	for _, path := range old[:len(old)-1] {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("a recent entry was pruned: %v", err)
		}
	}

	// Unused for two days: opening it marks it used, and does not
	// write it again.
	twoDays := now.Add(-48 * time.Hour)
	os.Chtimes(entry, twoDays, twoDays)
	if cached := askQuestions(t); cached != cold {
		t.Errorf("answers from the user's cache differ:\n%s\nbuilt:\n%s", cached, cold)
	}
	again, err := os.Stat(filepath.Join(entry, "snapshot.gob"))
	if err != nil || !os.SameFile(snap, again) {
		t.Errorf("the kept plan was written again rather than read (%v)", err)
	}
	if st, err := os.Stat(entry); err != nil || time.Since(st.ModTime()) > time.Hour {
		t.Errorf("opening the entry did not mark it used (%v)", err)
	}
}

// TestAskCacheOff checks that PLANBOT_CACHE=off answers from a plan built
// in memory, writing nothing.
func TestAskCacheOff(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", home)
	t.Setenv(cacheEnv, "off")
	askQuestions(t)
	if des, _ := os.ReadDir(home); len(des) > 0 {
		t.Errorf("PLANBOT_CACHE=off wrote %s", des[0].Name())
	}
}

// TestAskUnusableCache checks that a cache that cannot be written costs
// no answer and prints nothing.
func TestAskUnusableCache(t *testing.T) {
	t.Setenv(cacheEnv, "off")
	want := askQuestions(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(dir, "ro")
	if err := os.Mkdir(readOnly, 0o500); err != nil { // root writes there anyway
		t.Fatal(err)
	}
	for _, cache := range []string{file, filepath.Join(file, "planbot"), readOnly} {
		t.Setenv(cacheEnv, cache)
		if got := askQuestions(t); got != want {
			t.Errorf("PLANBOT_CACHE=%s: answers differ:\n%s\nwant:\n%s", cache, got, want)
		}
	}
}

// TestPrune checks that pruning keeps the keepRecent entries used last
// and those used within keepUnused, removes the rest and what a dead
// writer left, and leaves alone what is not an entry.
func TestPrune(t *testing.T) {
	now := time.Now()
	day := 24 * time.Hour
	t.Run("old", func(t *testing.T) {
		c := planCache{dir: t.TempDir()}
		var entries []string
		for i := range keepRecent + 6 { // used i days ago
			entries = append(entries, fakeEntry(t, c.plans(), i, now.Add(-time.Duration(i)*day-time.Minute)))
		}
		other := filepath.Join(c.plans(), "notes")
		deadWriter := filepath.Join(c.plans(), tmpPrefix+"1")
		writer := filepath.Join(c.plans(), tmpPrefix+"2")
		for path, used := range map[string]time.Time{other: now.Add(-100 * day), deadWriter: now.Add(-2 * day), writer: now} {
			os.Mkdir(path, 0o700)
			os.Chtimes(path, used, used)
		}
		c.prune(now)
		for i, path := range entries {
			_, err := os.Stat(path)
			if kept := err == nil; kept != (i < keepRecent) {
				t.Errorf("entry used %d days ago: kept %v", i, kept)
			}
		}
		for path, want := range map[string]bool{other: true, deadWriter: false, writer: true} {
			if _, err := os.Stat(path); (err == nil) != want {
				t.Errorf("%s: kept %v, want %v", filepath.Base(path), err == nil, want)
			}
		}
	})
	t.Run("recent", func(t *testing.T) {
		c := planCache{dir: t.TempDir()}
		n := keepRecent + 20
		for i := range n { // used i hours ago: all within keepUnused
			fakeEntry(t, c.plans(), i, now.Add(-time.Duration(i)*time.Hour))
		}
		c.prune(now)
		if des, _ := os.ReadDir(c.plans()); len(des) != n {
			t.Errorf("%d entries left of %d used within %v", len(des), n, keepUnused)
		}
	})
}

// TestKeepConcurrently checks that processes keeping the same plan at once
// leave one entry that opens, and nothing half written.
func TestKeepConcurrently(t *testing.T) {
	c := planCache{dir: t.TempDir()}
	var bl index.Builder
	pl, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	idx, err := bl.New(pl)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	src := corpus.DefaultSource()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { c.keep(idx, src) })
	}
	wg.Wait()
	des, _ := os.ReadDir(c.plans())
	if len(des) != 1 || des[0].Name() != filepath.Base(c.path(src)) {
		t.Fatalf("left in the cache: %v, want the one entry", des)
	}
	kept, ok := c.open(&bl, src)
	if !ok {
		t.Fatal("the entry kept does not open")
	}
	kept.Close()
}
