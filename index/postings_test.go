package index

import (
	"slices"
	"testing"
)

// TestPostings checks the documents kept by word against the documents'
// own words, as a search reads them: every word a document's title, extra
// or text holds is held, once, with the sentences of its text that hold
// it, and a word's count of documents is that of the documents holding
// it.
func TestPostings(t *testing.T) {
	idx := testIndex(t)
	docs := idx.ordered()
	held := map[string]int{} // documents holding each word
	for i, d := range docs {
		words := map[string][]int32{} // the sentences of the text holding each word
		title, _ := idx.spans[i].Title.tokens(d.title)
		extra, _ := idx.spans[i].Extra.tokens(d.extra)
		for _, tok := range slices.Concat(title, extra) {
			if words[tok.Text] == nil {
				words[tok.Text] = []int32{}
			}
		}
		sent, end := 0, 0
		if len(d.sentText) > 0 {
			end = len(d.sentText[0])
		}
		for _, tok := range d.textTokens() {
			for tok.Start >= end && sent+1 < len(d.sentText) {
				sent++
				end += len(d.sentText[sent])
			}
			if in := words[tok.Text]; len(in) == 0 || in[len(in)-1] != int32(sent) {
				words[tok.Text] = append(in, int32(sent))
			}
		}
		for w, want := range words {
			held[w]++
			if !idx.has(d, w) {
				t.Errorf("%s: holds %s, has says not", d.id, w)
				continue
			}
			k, _ := idx.posted(idx.lex.ids[w], int32(i))
			if got := idx.in[idx.post[k].off : idx.post[k].off+idx.post[k].n]; !slices.Equal(got, want) {
				t.Errorf("%s: %s in sentences %v, want %v", d.id, w, got, want)
			}
		}
	}
	for w, n := range held {
		if got := idx.freq(w); got != n {
			t.Errorf("%s: in %d documents, want %d", w, got, n)
		}
	}
	if idx.freq("不是这个规划的词") != 0 {
		t.Error("a word the plan never uses is in documents")
	}
	if len(held) != len(idx.lex.words) {
		t.Errorf("%d words in the documents, %d in the lexicon", len(held), len(idx.lex.words))
	}
}
