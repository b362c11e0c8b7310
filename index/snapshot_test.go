package index

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// TestSnapshot checks that an index read back from its snapshot answers
// exactly as the one built from the plan, and that a damaged snapshot is
// an error rather than a wrong index.
func TestSnapshot(t *testing.T) {
	built := testIndex(t)
	var buf bytes.Buffer
	if err := built.WriteSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	var bl Builder
	read, err := bl.ReadSnapshot(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer read.Close()
	sameAnswers(t, built, read)
	// The postings are read back as they were built.
	a, b := read.postingLists, built.postingLists
	if !slices.Equal(a.lex.words, b.lex.words) || !reflect.DeepEqual(a.lex.ids, b.lex.ids) || !slices.Equal(a.post, b.post) ||
		!slices.Equal(a.postAt, b.postAt) || !slices.Equal(a.in, b.in) || !reflect.DeepEqual(a.fields, b.fields) {
		t.Error("the postings read back differ from those built")
	}
	for _, bad := range [][]byte{nil, data[:len(data)/2], append([]byte("x"), data...)} {
		if idx, err := bl.ReadSnapshot(bytes.NewReader(bad)); err == nil {
			idx.Close()
			t.Errorf("a damaged snapshot of %d bytes was read", len(bad))
		}
	}
}

// TestSave checks that an index Save wrote and Open opened, bleve's index
// mapped from disk, answers exactly as the one built from the plan, and
// that Open refuses a directory whose files changed.
func TestSave(t *testing.T) {
	built := testIndex(t)
	dir := filepath.Join(t.TempDir(), "plan")
	if err := built.Save(dir); err != nil {
		t.Fatal(err)
	}
	var bl Builder
	opened, err := bl.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sameAnswers(t, built, opened)
	// bleve's numbers for the documents, kept by Save, are those of the
	// index opened.
	ix, err := opened.bleve.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := ix.Reader()
	if err != nil {
		t.Fatal(err)
	}
	nums, err := numbersOf(r, opened.docs)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, snapshotFile))
	if err != nil {
		t.Fatal(err)
	}
	kept, err := decodeSnapshot(f)
	f.Close()
	if err != nil || len(kept.Numbers) != len(opened.docs) {
		t.Errorf("the snapshot keeps %d numbers for %d documents (%v)", len(kept.Numbers), len(opened.docs), err)
	}
	if !slices.Equal(opened.bm.num, nums) {
		t.Errorf("numbers kept %v…, the index's %v…", opened.bm.num[:5], nums[:5])
	}
	// Two at once, as two processes would.
	again, err := bl.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	opened.Close()
	zaps, _ := filepath.Glob(filepath.Join(dir, "bleve", "store", "*.zap"))
	if len(zaps) != 1 {
		t.Fatalf("zap files %v, want one", zaps)
	}
	data, _ := os.ReadFile(zaps[0])
	data[len(data)/3] ^= 1
	os.WriteFile(zaps[0], data, 0o600)
	if idx, err := bl.Open(dir); err == nil {
		idx.Close()
		t.Error("an index whose file changed was opened")
	}
	if idx, err := bl.Open(filepath.Join(dir, "none")); err == nil {
		idx.Close()
		t.Error("an index that is not there was opened")
	}
}

// sameAnswers checks that read answers as built does.
func sameAnswers(t *testing.T, built, read *Index) {
	t.Helper()
	for _, q := range []string{"森林覆盖率", "北梁以后建成啥样", "碳中和是什么意思", "专栏9有哪些项目", "原铝产能2025年多少",
		"地铁票价多少钱", "沙尔亲镇种中药材", "预期性指标有几项", "GDP增速目标"} {
		// As JSON: gob reads an empty list back as none.
		want, _ := json.Marshal(built.Search(q, 10))
		got, _ := json.Marshal(read.Search(q, 10))
		if !bytes.Equal(got, want) {
			t.Errorf("%s: from the snapshot\n%s\nbuilt\n%s", q, got, want)
		}
	}
	// The figures /compare lists come from the snapshot too.
	for _, name := range []string{"森林覆盖率", "原铝产能", "地区生产总值"} {
		rowsB, figsB := built.compare(name)
		rowsR, figsR := read.compare(name)
		want, _ := json.Marshal([]any{rowsB, figsB})
		got, _ := json.Marshal([]any{rowsR, figsR})
		if len(figsB) == 0 && len(rowsB) == 0 {
			t.Errorf("%s: nothing to compare in the built index", name)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("compare %s: from the snapshot\n%s\nbuilt\n%s", name, got, want)
		}
	}
}

// BenchmarkReadSnapshot reads the built-in plan back from its snapshot:
// what a cached start does for each plan.
func BenchmarkReadSnapshot(b *testing.B) {
	var snap bytes.Buffer
	if err := testIndex(b).WriteSnapshot(&snap); err != nil {
		b.Fatal(err)
	}
	var bl Builder
	for b.Loop() {
		idx, err := bl.ReadSnapshot(bytes.NewReader(snap.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		idx.Close()
	}
}

// BenchmarkOpen opens the built-in plan's index Save wrote: what a cached
// start does for each plan.
func BenchmarkOpen(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "plan")
	if err := testIndex(b).Save(dir); err != nil {
		b.Fatal(err)
	}
	var bl Builder
	for b.Loop() {
		idx, err := bl.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		idx.Close()
	}
}

// TestSnapshotPostings checks that a snapshot whose postings do not fit its
// documents is an error, not an index that would read out of them.
func TestSnapshotPostings(t *testing.T) {
	built := testIndex(t)
	docs := built.ordered()
	for _, tt := range []struct {
		name  string
		spoil func(sp *snapPostings)
	}{
		{"a document out of range", func(sp *snapPostings) { sp.Doc[3] = int32(len(docs)) }},
		{"a sentence out of range", func(sp *snapPostings) {
			k := slices.IndexFunc(sp.N, func(n uint32) bool { return n > 0 })
			sp.In[sp.Off[k]] = int32(len(docs[sp.Doc[k]].sentText))
		}},
		{"runs out of order", func(sp *snapPostings) { sp.PostAt[1], sp.PostAt[2] = sp.PostAt[2]+1, sp.PostAt[1] }},
		{"a word's documents out of order", func(sp *snapPostings) {
			for id := range len(sp.PostAt) - 1 {
				if k := sp.PostAt[id]; sp.PostAt[id+1]-k >= 2 {
					sp.Doc[k], sp.Doc[k+1] = sp.Doc[k+1], sp.Doc[k]
					return
				}
			}
		}},
		{"a field's document out of range", func(sp *snapPostings) { sp.FieldDoc[textField][0] = -1 }},
		{"a word twice", func(sp *snapPostings) { sp.Words[1] = sp.Words[0] }},
		{"fewer flags than postings", func(sp *snapPostings) { sp.Title = sp.Title[1:] }},
	} {
		sp := toSnapPostings(built.postingLists)
		// The lists are the index's own: the spoiled are copies.
		sp.Words, sp.PostAt, sp.In, sp.Doc = slices.Clone(sp.Words), slices.Clone(sp.PostAt), slices.Clone(sp.In), slices.Clone(sp.Doc)
		sp.FieldDoc[textField] = slices.Clone(sp.FieldDoc[textField])
		if _, ok := sp.lists(docs); !ok {
			t.Fatalf("%s: the postings as built do not fit", tt.name)
		}
		tt.spoil(sp)
		if _, ok := sp.lists(docs); ok {
			t.Errorf("%s: read", tt.name)
		}
	}
}
