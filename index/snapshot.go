package index

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"planbot/corpus"
	"planbot/index/segment"
)

// Building an index segments every word of a plan; a snapshot keeps the
// result (the parsed plan, the words it adds to the dictionary, its
// figures, every document's words) so that the next start reads it back
// instead. The caller decides where snapshots live and when one is stale
// (cmd/planbot keys them by the plan file's hash and the program's
// version); a snapshot that cannot be read is an error, never a wrong
// index.

// snapshotFormat changes whenever what a snapshot holds does.
const snapshotFormat = 2

// snapshot is what WriteSnapshot writes, in gob.
type snapshot struct {
	Format  int
	Plan    *corpus.Plan
	Words   []string
	Targets []corpus.Target
	Tokens  []docTokens
}

// WriteSnapshot writes what the index was built from.
func (idx *Index) WriteSnapshot(w io.Writer) error {
	if err := gob.NewEncoder(w).Encode(snapshot{Format: snapshotFormat, Plan: idx.plan, Words: idx.words, Targets: idx.targets, Tokens: idx.toks}); err != nil {
		return fmt.Errorf("index: snapshot: %w", err)
	}
	return nil
}

// errSnapshot is a snapshot that does not fit the program reading it.
var errSnapshot = errors.New("index: snapshot of another format")

// Builder builds the indexes of several plans, sharing what they can: plans
// that add the same words to the dictionary share one segmenter. The zero
// Builder is ready; it is safe for concurrent use.
type Builder struct {
	mu   sync.Mutex
	segs map[string]*segment.Segmenter
}

// segmenter is the default segmenter with words added, shared.
func (bl *Builder) segmenter(words []string) (*segment.Segmenter, error) {
	seg, err := segment.Default()
	if err != nil || len(words) == 0 {
		return seg, err
	}
	key := strings.Join(slices.Sorted(slices.Values(words)), "\n")
	bl.mu.Lock()
	defer bl.mu.Unlock()
	if s, ok := bl.segs[key]; ok {
		return s, nil
	}
	s, err := seg.With(words)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	if bl.segs == nil {
		bl.segs = map[string]*segment.Segmenter{}
	}
	bl.segs[key] = s
	return s, nil
}

// ReadSnapshot builds an index from a snapshot WriteSnapshot wrote,
// without segmenting the plan again.
func (bl *Builder) ReadSnapshot(r io.Reader) (*Index, error) {
	var s snapshot
	if err := gob.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("index: snapshot: %w", err)
	}
	if s.Format != snapshotFormat || s.Plan == nil {
		return nil, errSnapshot
	}
	seg, err := bl.segmenter(s.Words)
	if err != nil {
		return nil, err
	}
	docs := documents(s.Plan, s.Targets)
	if len(docs) != len(s.Tokens) {
		return nil, errSnapshot
	}
	for i, d := range docs {
		if !fits(d, s.Tokens[i]) {
			return nil, errSnapshot
		}
	}
	return build(s.Plan, seg, s.Words, s.Targets, docs, s.Tokens)
}

// fits reports whether tokens can be those of d: each within its text.
func fits(d *doc, t docTokens) bool {
	in := func(text string, toks []segment.Token) bool {
		for _, tok := range toks {
			if tok.Start < 0 || tok.End > len(text) || tok.Start > tok.End {
				return false
			}
		}
		return true
	}
	return in(d.title, t.Title) && in(d.extra, t.Extra) && in(d.text, t.Text)
}
