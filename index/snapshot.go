package index

import (
	"bufio"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"

	"planbot/corpus"
	"planbot/index/segment"
)

// Building an index segments every word of a plan; a snapshot keeps the
// result (the parsed plan, the words it adds to the dictionary, its
// figures, every document's words) so that the next start reads it back
// instead. Save keeps bleve's index of the plan beside it, on disk, so
// that Open maps it rather than building it again. The caller decides
// where snapshots live and when one is stale (cmd/planbot keys them by
// the plan file's hash and the program's version); a snapshot that cannot
// be read, or whose files are not those Save wrote, is an error, never a
// wrong index.

// snapshotFormat changes whenever what a snapshot holds does.
const snapshotFormat = 6

// snapshot is what WriteSnapshot writes, in gob.
type snapshot struct {
	Format  int
	Plan    *corpus.Plan
	Words   []string
	Targets []corpus.Target
	Tokens  []snapTokens
	// Postings are the postings of the documents' words, as built from
	// the tokens: read back rather than made again.
	Postings *snapPostings
	// Files are those of bleve's index Save wrote, with their checksums,
	// and Numbers bleve's numbers in it for the documents, by their
	// places (none for WriteSnapshot).
	Files   []fileSum
	Numbers []uint64
}

// snapTokens are a document's tokens as a snapshot keeps them: by their
// offsets in the document's fields, since a token's text is mostly its
// stretch of the field. Read back, the texts are the field's own (no
// copies).
type snapTokens struct {
	Title, Extra, Text spans
}

// spans are the tokens of a field: N of them, each as two varints in At,
// its start less the last token's start and its length (tokens come in
// the order of their starts, inside words after them), and the texts of
// those that are not their stretch of the field (a word lower-cased: GDP
// for gdp), by token. Bytes, not numbers, for gob to read them at once.
type spans struct {
	N     int
	At    []byte
	Other map[int32]string
}

func toSpans(field string, toks []segment.Token) spans {
	sp := spans{N: len(toks)}
	sp.At = make([]byte, 0, 3*len(toks))
	last := 0
	for i, t := range toks {
		sp.At = binary.AppendVarint(sp.At, int64(t.Start-last))
		sp.At = binary.AppendVarint(sp.At, int64(t.End-t.Start))
		last = t.Start
		if t.Start < 0 || t.End > len(field) || t.Start > t.End || field[t.Start:t.End] != t.Text {
			if sp.Other == nil {
				sp.Other = map[int32]string{}
			}
			sp.Other[int32(i)] = t.Text
		}
	}
	return sp
}

// tokens are the tokens of sp in field; ok is false when sp does not fit
// the field.
func (sp spans) tokens(field string) ([]segment.Token, bool) {
	return sp.appendTokens(nil, field)
}

// docTokens are the tokens of a document of these spans.
func (t snapTokens) docTokens(d *doc) (docTokens, bool) {
	return t.appendTokens(docTokens{}, d)
}

// appendTokens reads the tokens of a document into the slices of dst,
// emptied.
func (t snapTokens) appendTokens(dst docTokens, d *doc) (docTokens, bool) {
	var ok [3]bool
	dst.Title, ok[0] = t.Title.appendTokens(dst.Title[:0], d.title)
	dst.Extra, ok[1] = t.Extra.appendTokens(dst.Extra[:0], d.extra)
	dst.Text, ok[2] = t.Text.appendTokens(dst.Text[:0], d.text)
	return dst, ok == [3]bool{true, true, true}
}

// appendTokens appends the tokens of sp in field to toks.
func (sp spans) appendTokens(toks []segment.Token, field string) ([]segment.Token, bool) {
	if sp.N < 0 || sp.N > len(sp.At) {
		return nil, false
	}
	toks = slices.Grow(toks, sp.N)
	at, start := sp.At, 0
	for i := range sp.N {
		delta, n := binary.Varint(at)
		if n <= 0 {
			return nil, false
		}
		length, m := binary.Varint(at[n:])
		if m <= 0 {
			return nil, false
		}
		at = at[n+m:]
		start += int(delta)
		end := start + int(length)
		if start < 0 || end > len(field) || start > end {
			return nil, false
		}
		text, ok := sp.Other[int32(i)]
		if !ok {
			text = field[start:end]
		}
		toks = append(toks, segment.Token{Text: text, Start: start, End: end})
	}
	return toks, len(at) == 0
}

// fileSum is a file of a directory: its path in it, size and CRC-32C.
type fileSum struct {
	Path string
	Size int64
	CRC  uint32
}

// WriteSnapshot writes what the index was built from.
func (idx *Index) WriteSnapshot(w io.Writer) error {
	return idx.writeSnapshot(w, nil, nil)
}

func (idx *Index) writeSnapshot(w io.Writer, files []fileSum, nums []uint64) error {
	s := snapshot{Format: snapshotFormat, Plan: idx.plan, Words: idx.words, Targets: idx.targets, Tokens: idx.spans, Postings: toSnapPostings(idx.postingLists), Files: files, Numbers: nums}
	if err := gob.NewEncoder(w).Encode(s); err != nil {
		return fmt.Errorf("index: snapshot: %w", err)
	}
	return nil
}

// Names of what Save writes in its directory.
const (
	snapshotFile = "snapshot.gob"
	bleveDir     = "bleve"
)

// Save writes the index into dir, a directory that is empty or not there
// yet: the snapshot, and bleve's index of the documents, for Open.
func (idx *Index) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	docs := idx.ordered()
	toks := make([]docTokens, len(docs))
	for i, d := range docs {
		toks[i], _ = idx.spans[i].docTokens(d)
	}
	b, err := bleveIndex(filepath.Join(dir, bleveDir), docs, toks)
	if err != nil {
		return err
	}
	// bleve's numbers for the documents are kept, for Open not to look
	// each up.
	var nums []uint64
	if ix, err := b.Advanced(); err == nil {
		if r, err := ix.Reader(); err == nil {
			nums, _ = numbersOf(r, idx.docs)
			r.Close()
		}
	}
	if err := b.Close(); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	files, err := sumFiles(filepath.Join(dir, bleveDir))
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, snapshotFile), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	err = idx.writeSnapshot(w, files, nums)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("index: %w", cerr)
	}
	return err
}

// ordered lists the index's documents in their order, that of idx.spans.
func (idx *Index) ordered() []*doc {
	return slices.Clone(idx.bm.byPlace)
}

// Open reads back an index Save wrote into dir. bleve's index is opened
// read-only, its files mapped rather than read, once their checksums are
// those Save took; several processes may open one directory at once.
func (bl *Builder) Open(dir string) (*Index, error) {
	f, err := os.Open(filepath.Join(dir, snapshotFile))
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	s, err := decodeSnapshot(bufio.NewReaderSize(f, 1<<16))
	f.Close()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, bleveDir)
	files, err := sumFiles(path)
	if err != nil {
		return nil, err
	}
	if len(s.Files) == 0 || !slices.Equal(files, s.Files) {
		return nil, errSnapshot
	}
	b, err := bleve.OpenUsing(path, map[string]any{"read_only": true})
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	idx, err := bl.read(s, b)
	if err != nil {
		b.Close()
		return nil, err
	}
	return idx, nil
}

// sumFiles lists the files under dir, in order, with their checksums.
func sumFiles(dir string) ([]fileSum, error) {
	var out []fileSum
	table := crc32.MakeTable(crc32.Castagnoli)
	buf := make([]byte, 32<<10)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		h := crc32.New(table)
		n, err := io.CopyBuffer(h, f, buf)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out = append(out, fileSum{Path: filepath.ToSlash(rel), Size: n, CRC: h.Sum32()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	return out, nil
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
// without segmenting the plan again; bleve's index is built anew, in
// memory.
func (bl *Builder) ReadSnapshot(r io.Reader) (*Index, error) {
	s, err := decodeSnapshot(r)
	if err != nil {
		return nil, err
	}
	return bl.read(s, nil)
}

func decodeSnapshot(r io.Reader) (*snapshot, error) {
	var s snapshot
	if err := gob.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("index: snapshot: %w", err)
	}
	if s.Format != snapshotFormat || s.Plan == nil {
		return nil, errSnapshot
	}
	return &s, nil
}

// read builds the index of a snapshot over b, bleve's index of its
// documents, or over one built in memory when b is nil.
func (bl *Builder) read(s *snapshot, b bleve.Index) (*Index, error) {
	docs := documents(s.Plan, s.Targets)
	if len(docs) != len(s.Tokens) || s.Postings == nil {
		return nil, errSnapshot
	}
	if b != nil {
		if n, err := b.DocCount(); err != nil || n != uint64(len(docs)) {
			return nil, errSnapshot
		}
	}
	// A document's tokens are read only to build bleve's index in memory:
	// the postings of its words are the snapshot's, its fields' lengths
	// are the numbers of their tokens.
	var toks []docTokens
	if b == nil {
		toks = make([]docTokens, len(docs))
	}
	for i, d := range docs {
		t := s.Tokens[i]
		if err := describe(d, [3]int{titleField: t.Title.N, textField: t.Text.N, extraField: t.Extra.N}, t.Text); err != nil {
			return nil, err
		}
		if b == nil {
			var ok bool
			if toks[i], ok = t.docTokens(d); !ok {
				return nil, errSnapshot
			}
		}
	}
	ps, ok := s.Postings.lists(docs)
	if !ok {
		return nil, errSnapshot
	}
	// Only now the segmenter: the dictionary may still be loading.
	seg, err := bl.segmenter(s.Words)
	if err != nil {
		return nil, err
	}
	// The numbers are those of the index Save wrote, not of one built
	// anew.
	var nums []uint64
	if b != nil {
		nums = s.Numbers
	}
	return build(s.Plan, seg, s.Words, s.Targets, docs, toks, s.Tokens, b, nums, ps)
}

// snapPostings are the postings of a plan's words (postingLists) as a
// snapshot keeps them: the lexicon's words, and each field of the
// postings apart.
type snapPostings struct {
	Words     []string
	PostAt    []int32
	Doc       []int32
	Title     []bool
	Off, N    []uint32
	In        []int32
	FieldAt   [3][]int32
	FieldDoc  [3][]int32
	FieldFreq [3][]uint16
}

func toSnapPostings(ps postingLists) *snapPostings {
	sp := &snapPostings{Words: ps.lex.words, PostAt: ps.postAt, In: ps.in}
	sp.Doc = ps.postDoc
	for _, p := range ps.post {
		sp.Title = append(sp.Title, p.title)
		sp.Off, sp.N = append(sp.Off, p.off), append(sp.N, p.n)
	}
	for f, fp := range ps.fields {
		sp.FieldAt[f] = fp.at
		for _, p := range fp.list {
			sp.FieldDoc[f], sp.FieldFreq[f] = append(sp.FieldDoc[f], p.doc), append(sp.FieldFreq[f], p.freq)
		}
	}
	return sp
}

// lists are the postings sp keeps, of docs, described; false when they
// do not fit them: a search would read out of them.
func (sp *snapPostings) lists(docs []*doc) (postingLists, bool) {
	nw := len(sp.Words)
	runs := func(at []int32, n int) bool {
		if len(at) != nw+1 || at[0] != 0 || int(at[nw]) != n {
			return false
		}
		for i := range nw {
			if at[i] > at[i+1] {
				return false
			}
		}
		return true
	}
	n := len(sp.Doc)
	if !runs(sp.PostAt, n) || len(sp.Title) != n || len(sp.Off) != n || len(sp.N) != n {
		return postingLists{}, false
	}
	lex := &lexicon{ids: make(map[string]int32, nw), words: sp.Words}
	for i, w := range sp.Words {
		lex.ids[w] = int32(i)
	}
	if len(lex.ids) != nw {
		return postingLists{}, false
	}
	ps := postingLists{lex: lex, postAt: sp.PostAt, in: sp.In, post: make([]posting, n), postDoc: sp.Doc}
	for k := range n {
		p, doc := posting{title: sp.Title[k], off: sp.Off[k], n: sp.N[k]}, sp.Doc[k]
		if doc < 0 || int(doc) >= len(docs) || uint64(p.off)+uint64(p.n) > uint64(len(sp.In)) {
			return postingLists{}, false
		}
		for _, sent := range sp.In[p.off : p.off+p.n] {
			if sent < 0 || int(sent) >= len(docs[doc].sentText) {
				return postingLists{}, false
			}
		}
		ps.post[k] = p
	}
	// A word's documents go in the plan's order: a search looks them up.
	for id := range nw {
		for k := sp.PostAt[id] + 1; k < sp.PostAt[id+1]; k++ {
			if sp.Doc[k] <= sp.Doc[k-1] {
				return postingLists{}, false
			}
		}
	}
	for f := range ps.fields {
		n := len(sp.FieldDoc[f])
		if !runs(sp.FieldAt[f], n) || len(sp.FieldFreq[f]) != n {
			return postingLists{}, false
		}
		fp := fieldPostings{at: sp.FieldAt[f], list: make([]fieldPosting, n)}
		for k := range n {
			if d := sp.FieldDoc[f][k]; d < 0 || int(d) >= len(docs) {
				return postingLists{}, false
			}
			fp.list[k] = fieldPosting{doc: sp.FieldDoc[f][k], freq: sp.FieldFreq[f][k]}
		}
		ps.fields[f] = fp
	}
	return ps, true
}
