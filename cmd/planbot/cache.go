package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"planbot/corpus"
	"planbot/index"
)

// planCache keeps what was built of each plan in a directory
// (plans/<sha-256 of the plan's text>-<program version>/, as index.Save
// writes it): a start opens it instead of parsing and indexing the plan
// again, a changed file has another hash and is built anew, and another
// build of the program another version. A cache that cannot be read or
// written costs the time of a build, never the plan: it is rebuilt, and
// nothing is said.
//
// Its directory is data.dir when the configuration sets one; else, for the
// commands that run once (ask, console, eval, plans), the user's cache
// (see userPlanCache). Every build of the program writes entries of its
// own, so writing one prunes those unused for long (see prune).
type planCache struct {
	dir string // "" keeps nothing
}

// cacheEnv names the directory of the user's plan cache, or "off" for none.
const cacheEnv = "PLANBOT_CACHE"

// userPlanCache is the cache of the commands that run once when there is
// no data.dir: $PLANBOT_CACHE, none when that is "off", else planbot in
// the user's cache directory ($XDG_CACHE_HOME/planbot, ~/.cache/planbot).
// No such directory (no home): no cache.
func userPlanCache(getenv func(string) string) planCache {
	switch v := getenv(cacheEnv); v {
	case "off":
		return planCache{}
	case "":
		dir, err := os.UserCacheDir()
		if err != nil {
			return planCache{}
		}
		return planCache{dir: filepath.Join(dir, "planbot")}
	default:
		return planCache{dir: v}
	}
}

// What prune keeps: the keepRecent entries used last, and any used within
// keepUnused. An entry's use is its time of modification, brought forward
// when it is opened and more than touchAfter old (so that opening rarely
// writes). keepRecent is well over the plans of a library (30), so that
// no library is pruned against itself.
const (
	keepRecent = 64
	keepUnused = 30 * 24 * time.Hour
	touchAfter = 24 * time.Hour
)

// plans is the directory of the cache's entries.
func (c planCache) plans() string {
	return filepath.Join(c.dir, "plans")
}

// path is where the index of a plan of text src is kept.
func (c planCache) path(src []byte) string {
	sum := sha256.Sum256(src)
	return filepath.Join(c.plans(), hex.EncodeToString(sum[:])+"-"+programVersion())
}

// open opens the kept index of the plan of text src; ok is false when
// there is none, or it cannot be read.
func (c planCache) open(bl *index.Builder, src []byte) (*index.Index, bool) {
	if c.dir == "" {
		return nil, false
	}
	path := c.path(src)
	idx, err := bl.Open(path)
	if err != nil {
		return nil, false
	}
	if st, err := os.Stat(path); err == nil {
		if now := time.Now(); now.Sub(st.ModTime()) > touchAfter {
			os.Chtimes(path, now, now) // used; a read-only cache stays as it is
		}
	}
	return idx, true
}

// keep saves idx, built from the plan of text src, whole or not at all:
// into a temporary directory, renamed. Then it prunes the cache.
func (c planCache) keep(idx *index.Index, src []byte) {
	if c.dir == "" {
		return
	}
	path := c.path(src)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), tmpPrefix+"*")
	if err != nil {
		return
	}
	err = idx.Save(tmp)
	if err == nil {
		if err = os.Rename(tmp, path); err != nil {
			// What is kept there could not be opened, or another
			// process has just kept the same: ours replaces it. A
			// process that has it open keeps its files until it closes
			// them.
			os.RemoveAll(path)
			err = os.Rename(tmp, path)
		}
	}
	if err != nil {
		os.RemoveAll(tmp)
		return
	}
	c.prune(time.Now())
}

// tmpPrefix begins the name of an entry being written.
const tmpPrefix = ".snapshot-"

// prune removes the entries not among the keepRecent used last and unused
// for keepUnused, and what a process that died while writing left (a
// temporary directory more than touchAfter old). It removes only what has
// the name of an entry: the directory may be one the user named. Another
// process may be opening an entry removed; it then builds the plan anew.
func (c planCache) prune(now time.Time) {
	dir := c.plans()
	des, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type entry struct {
		name string
		used time.Time
	}
	var entries []entry
	for _, de := range des {
		info, err := de.Info()
		if err != nil || !de.IsDir() {
			continue
		}
		switch {
		case strings.HasPrefix(de.Name(), tmpPrefix):
			if now.Sub(info.ModTime()) > touchAfter {
				os.RemoveAll(filepath.Join(dir, de.Name()))
			}
		case isEntryName(de.Name()):
			entries = append(entries, entry{de.Name(), info.ModTime()})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return b.used.Compare(a.used) })
	for i, e := range entries {
		if i >= keepRecent && now.Sub(e.used) > keepUnused {
			os.RemoveAll(filepath.Join(dir, e.name))
		}
	}
}

// isEntryName reports whether name is one path gives: a SHA-256 and a
// program version, in hex.
func isEntryName(name string) bool {
	sum, version, ok := strings.Cut(name, "-")
	return ok && len(sum) == 2*sha256.Size && len(version) == len(programVersion()) && isHex(sum) && isHex(version)
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// programVersion names this build of the program: its module version and
// VCS revision, and for a build from a modified tree the executable's size
// and time too, so that a snapshot is read only by the program that wrote
// it.
var programVersion = sync.OnceValue(func() string {
	h := sha256.New()
	if bi, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintln(h, bi.GoVersion, bi.Main.Path, bi.Main.Version)
		modified := true
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision", "vcs.time":
				fmt.Fprintln(h, s.Key, s.Value)
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		for _, d := range bi.Deps {
			fmt.Fprintln(h, d.Path, d.Version, d.Sum)
		}
		if modified {
			if exe, err := os.Executable(); err == nil {
				if st, err := os.Stat(exe); err == nil {
					fmt.Fprintln(h, st.Size(), st.ModTime().UnixNano())
				}
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:6])
})

// planSourceBytes reads a plan's text: the file, or the built-in plan's
// when file is "".
func planSourceBytes(file string) ([]byte, error) {
	if file == "" {
		return corpus.DefaultSource(), nil
	}
	return os.ReadFile(file)
}

// parsePlan parses a plan's text read by planSourceBytes.
func parsePlan(file string, src []byte) (*corpus.Plan, error) {
	if file == "" {
		return corpus.Default()
	}
	return corpus.Parse(file, src)
}
