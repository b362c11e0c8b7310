package segment

import (
	"slices"
	"testing"
)

// TestWith checks that a segmenter With a plan's words cuts them whole,
// gives the words inside them in search mode, shares the dictionary and
// leaves the one it was made from as it was.
func TestWith(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	texts := func(toks []Token) []string {
		var out []string
		for _, tok := range toks {
			out = append(out, tok.Text)
		}
		return out
	}
	q := "昆山市重点发展人工智能"
	before := texts(s.Cut(q))
	if slices.Contains(before, "昆山市") {
		t.Skip("the dictionary knows 昆山市 already")
	}
	w, err := s.With([]string{"昆山", "昆山市"})
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(w.Cut(q)); !slices.Equal(got[:2], []string{"昆山市", "重点"}) {
		t.Errorf("with: %q", got)
	}
	if got := texts(w.CutSearch(q)); !slices.Equal(got[:2], []string{"昆山市", "昆山"}) {
		t.Errorf("with, search mode: %q", got)
	}
	for _, tok := range w.CutSearch(q) {
		if q[tok.Start:tok.End] != tok.Text {
			t.Errorf("token %q at %d–%d holds %q", tok.Text, tok.Start, tok.End, q[tok.Start:tok.End])
		}
	}
	if !w.Contains("昆山") || w.Pos("昆山") != "nz" || s.Contains("昆山市") {
		t.Errorf("Contains/Pos: with %v %q, base %v", w.Contains("昆山"), w.Pos("昆山"), s.Contains("昆山市"))
	}
	if got := texts(s.Cut(q)); !slices.Equal(got, before) {
		t.Errorf("the base segmenter changed: %q, was %q", got, before)
	}
	// Words added again build on the first.
	w2, _ := w.With([]string{"人工智"})
	if got := texts(w2.Cut(q)); !slices.Contains(got, "昆山市") {
		t.Errorf("with twice: %q", got)
	}
}
