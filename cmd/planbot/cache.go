package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"

	"planbot/corpus"
	"planbot/index"
)

// planCache keeps what was built of each plan in the data directory
// (plans/<sha-256 of the plan's text>-<program version>/, as index.Save
// writes it): a restart opens it instead of parsing and indexing the plan
// again, a changed file has another hash and is built anew, and another
// build of the program another version. A cache that cannot be read or
// written costs the time of a build, never the plan: it is rebuilt.
type planCache struct {
	dir string // the data directory; "" keeps nothing
}

// path is where the index of a plan of text src is kept.
func (c planCache) path(src []byte) string {
	sum := sha256.Sum256(src)
	return filepath.Join(c.dir, "plans", hex.EncodeToString(sum[:])+"-"+programVersion())
}

// open opens the kept index of the plan of text src; ok is false when
// there is none, or it cannot be read.
func (c planCache) open(bl *index.Builder, src []byte) (*index.Index, bool) {
	if c.dir == "" {
		return nil, false
	}
	idx, err := bl.Open(c.path(src))
	if err != nil {
		return nil, false
	}
	return idx, true
}

// keep saves idx, built from the plan of text src, whole or not at all:
// into a temporary directory, renamed.
func (c planCache) keep(idx *index.Index, src []byte) {
	if c.dir == "" {
		return
	}
	path := c.path(src)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), ".snapshot-*")
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
	}
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
