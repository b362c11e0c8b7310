package index

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// TestBM25AsBleve checks that the candidates a search reads from bleve's
// searcher are those bleve's own search returns, with the same scores,
// the ties at the fiftieth cut as bleve cuts them.
func TestBM25AsBleve(t *testing.T) {
	idx := testIndex(t)
	f, err := os.Open("testdata/calib/donghe-everyday.jsonl")
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
	cut := 0 // questions that find more documents than are kept
	for _, question := range questions {
		bq := idx.bleveQuery(idx.qu.understand(question), new(scratch))
		if bq == nil {
			continue
		}
		res, err := idx.bleve.SearchInContext(ctx, bleve.NewSearchRequestOptions(bq, candidates, 0, false))
		if err != nil {
			t.Fatal(err)
		}
		if res.Total > candidates {
			cut++
		}
		got, err := idx.bm25(ctx, bq, nil)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(got, func(a, b scored) int {
			return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.hit, b.hit))
		})
		if len(got) != len(res.Hits) {
			t.Errorf("%s: %d candidates, bleve %d", question, len(got), len(res.Hits))
			continue
		}
		for i, m := range res.Hits {
			if got[i].d.id != m.ID || got[i].score != m.Score {
				t.Errorf("%s: candidate %d is %s %v, bleve's %s %v", question, i+1, got[i].d.id, got[i].score, m.ID, m.Score)
				break
			}
		}
	}
	if cut == 0 {
		t.Error("no question finds more documents than are kept: the cut is not tested")
	}
	if n := idx.byNum.Load(); n == nil || len(n.docs) < len(idx.docs) {
		t.Error("the candidates were not found by bleve's numbers for them")
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
	ids := func(hs []hit) []string {
		var out []string
		for _, h := range hs {
			out = append(out, h.d.id)
		}
		return out
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
