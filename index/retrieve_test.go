package index

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bquery "github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
)

// TestBM25AsBleve checks that the candidates a search scores from the
// index's own postings are those bleve's search of the same clauses
// returns, with the same scores, the ties at the fiftieth cut as bleve cuts
// them: to the last bit when bleve sums a document's clauses in an order of
// its own (up to ten), else but for the last bits (in the order of its
// heap). It asks of the built-in plan, and of an outline with words of its
// own read back from its snapshot.
func TestBM25AsBleve(t *testing.T) {
	national := outlineIndex(t, "national-15th.txt")
	var snap bytes.Buffer
	if err := national.WriteSnapshot(&snap); err != nil {
		t.Fatal(err)
	}
	read, err := new(Builder).ReadSnapshot(&snap)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { read.Close() })
	for _, tt := range []struct {
		name, questions string
		idx             *Index
	}{
		{"built-in", "testdata/calib/donghe-everyday.jsonl", testIndex(t)},
		{"national, read back", "testdata/calib/national-everyday.jsonl", read},
	} {
		t.Run(tt.name, func(t *testing.T) { testBM25AsBleve(t, tt.idx, tt.questions) })
	}
}

func testBM25AsBleve(t *testing.T, idx *Index, file string) {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	questions := slices.Clone(benchQuestions)
	for sc := bufio.NewScanner(f); sc.Scan(); {
		var v struct{ Q string }
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		questions = append(questions, v.Q)
	}
	ctx := context.Background()
	cut, few, many := 0, 0, 0 // questions that find more documents than are kept; of up to ten clauses, of more
	for _, question := range questions {
		b := new(scratch)
		cl := idx.clauses(idx.qu.understand(question), b)
		if len(cl) == 0 {
			continue
		}
		exact := len(cl) <= searcher.DisjunctionHeapTakeover
		if exact {
			few++
		} else {
			many++
		}
		var disj []bquery.Query
		for _, c := range cl {
			tq := bleve.NewTermQuery(idx.lex.words[c.id])
			tq.SetField(fieldNames[c.field])
			tq.SetBoost(c.boost)
			disj = append(disj, tq)
		}
		res, err := idx.bleve.SearchInContext(ctx, bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(disj...), candidates, 0, false))
		if err != nil {
			t.Fatal(err)
		}
		if res.Total > candidates {
			cut++
		}
		got, err := idx.bm25(ctx, cl, b)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(res.Hits) {
			t.Errorf("%s: %d candidates, bleve %d", question, len(got), len(res.Hits))
			continue
		}
		// Where bleve sums in its heap's order, two documents of the same
		// words may differ in the last bit, and which of them makes the
		// cut with it: a candidate at the cut may be another of its score.
		near := func(a, b float64) bool { return a == b || !exact && math.Abs(a-b) <= 1e-12*b }
		last := res.Hits[len(res.Hits)-1].Score
		want, kept := map[string]float64{}, map[string]bool{}
		for _, m := range res.Hits {
			want[m.ID] = m.Score
		}
		for _, c := range got {
			kept[c.d.id] = true
			w, ok := want[c.d.id]
			if !ok && !(res.Total > candidates && near(c.score, last)) || ok && !near(c.score, w) {
				t.Errorf("%s (%d clauses): %s scored %v, bleve's %v (kept by bleve: %v)", question, len(cl), c.d.id, c.score, w, ok)
				break
			}
		}
		for _, m := range res.Hits {
			if !kept[m.ID] && !near(m.Score, last) {
				t.Errorf("%s (%d clauses): %s (bleve's %v) is not a candidate", question, len(cl), m.ID, m.Score)
				break
			}
		}
	}
	if cut == 0 || few == 0 || many == 0 {
		t.Errorf("questions that find more than are kept: %d, of up to ten clauses: %d, of more: %d; each must be tested", cut, few, many)
	}
}

// TestDedupeKinds checks that a passage, a project and a target with the same
// text show one thing, and an indicator or a term another of its kind.
func TestDedupeKinds(t *testing.T) {
	docs := []*doc{
		{id: "p1", kind: KindPassage, text: "推进城市更新。"},
		{id: "b1", kind: KindProject, text: "推进城市更新。"},   // shows what p1 shows
		{id: "i1", kind: KindIndicator, text: "推进城市更新。"}, // another kind of answer
		{id: "i2", kind: KindIndicator, text: "推进城市更新。"}, // shows what i1 shows
		{id: "t1", kind: KindTerm, text: "推进城市更新。"},      // another kind of answer
		{id: "p2", kind: KindPassage, text: "建设海绵城市。"},
		{id: "p3", kind: KindPassage, text: "发展现代农业。"},
	}
	var hits []hit
	for _, d := range docs {
		hits = append(hits, hit{d: d})
	}
	if got, want := ids(dedupe(hits, 10)), []string{"p1", "i1", "t1", "p2", "p3"}; !slices.Equal(got, want) {
		t.Errorf("dedupe = %v, want %v", got, want)
	}
	if got, want := ids(dedupe(hits, 2)), []string{"p1", "i1"}; !slices.Equal(got, want) {
		t.Errorf("dedupe with limit 2 = %v, want %v", got, want)
	}
}

// TestSearchAfterClose checks that a closed index fails a search, as
// bleve's own search does, rather than reading what it released.
func TestSearchAfterClose(t *testing.T) {
	idx := testIndex(t)
	if _, err := idx.SearchContext(context.Background(), "森林覆盖率", 5); err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := idx.SearchContext(context.Background(), "森林覆盖率", 5); err == nil {
		t.Error("a closed index searched")
	}
}

// TestSearchCanceled checks that a search whose context is done fails, as
// bleve's own search does.
func TestSearchCanceled(t *testing.T) {
	idx := testIndex(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := idx.SearchContext(ctx, "森林覆盖率", 5); err == nil {
		t.Error("a canceled search answered")
	}
}

// failingCtx is a context that is done from its n-th question on.
type failingCtx struct {
	context.Context
	n int
}

func (c *failingCtx) Err() error {
	if c.n--; c.n <= 0 {
		return context.Canceled
	}
	return nil
}

// TestBM25Canceled checks that a search canceled while it adds up its
// clauses leaves its memory as it found it: the next search in it scores
// as the first.
func TestBM25Canceled(t *testing.T) {
	idx := testIndex(t)
	b := new(scratch)
	cl := slices.Clone(idx.clauses(idx.qu.understand("十四五时期东河区的生态环境保护和绿色发展目标是什么"), b))
	if len(cl) < 3 {
		t.Fatalf("%d clauses: too few to cancel among them", len(cl))
	}
	score := func() map[string]float64 {
		got, err := idx.bm25(context.Background(), cl, b)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, c := range got {
			out[c.d.id] = c.score
		}
		return out
	}
	want := score()
	if _, err := idx.bm25(&failingCtx{context.Background(), 3}, cl, b); err == nil {
		t.Fatal("a search canceled among its clauses answered")
	}
	if got := score(); !maps.Equal(got, want) {
		t.Errorf("after a canceled search: %v, want %v", got, want)
	}
}

// TestPruneKeepsShown checks that a search that works out only the
// candidates that may show (retrieveIn with need) finds the hits dedupe
// keeps and those features reads as one that works them all out: the same
// documents, in the same order, with the same scores. It asks the labelled
// questions of the built-in plan and of the outlines, each of its plan,
// with one scratch for them all as a plan's searches share one.
func TestPruneKeepsShown(t *testing.T) {
	ctx := context.Background()
	skipped, asked := 0, 0
	for _, tt := range []struct {
		idx       *Index
		questions string
	}{
		{testIndex(t), "testdata/calib/donghe-everyday.jsonl"},
		{outlineIndex(t, "national-15th.txt"), "testdata/calib/national-everyday.jsonl"},
		{outlineIndex(t, "nanjing-15th.txt"), "testdata/calib/nanjing-everyday.jsonl"},
		{outlineIndex(t, "suzhou-15th.txt"), "testdata/calib/suzhou-everyday.jsonl"},
	} {
		src, err := os.ReadFile(tt.questions)
		if err != nil {
			t.Fatal(err)
		}
		questions := slices.Clone(benchQuestions)
		for line := range bytes.Lines(src) {
			var v struct{ Q string }
			if err := json.Unmarshal(line, &v); err != nil {
				t.Fatal(err)
			}
			questions = append(questions, v.Q)
		}
		pruned := new(scratch)
		for _, question := range questions {
			q := tt.idx.qu.understand(question)
			if len(q.Terms) == 0 {
				continue
			}
			all, err := tt.idx.retrieveIn(ctx, q, new(scratch), 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, need := range []int{2, 5, 6} {
				some, err := tt.idx.retrieveIn(ctx, q, pruned, need)
				if err != nil {
					t.Fatal(err)
				}
				asked++
				if len(some) < len(all) {
					skipped++
				}
				same := func(a, b []hit) bool {
					return slices.EqualFunc(a, b, func(x, y hit) bool { return x == y })
				}
				if !same(some[:min(2, len(some))], all[:min(2, len(all))]) || !same(dedupe(some, need), dedupe(all, need)) {
					t.Errorf("%s (need %d): pruned %v, all %v", question, need, ids(dedupe(some, need)), ids(dedupe(all, need)))
				}
			}
		}
	}
	// Many searches leave out candidates that would be kept: the test
	// must see them.
	if skipped < asked/4 {
		t.Errorf("%d of %d searches left candidates out: too few to test", skipped, asked)
	}
}

// ids are the documents of hits, by their ids.
func ids(hits []hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.d.id)
	}
	return out
}
