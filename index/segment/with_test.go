package segment

import (
	"slices"
	"strings"
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

// TestCached checks that a Cached segmenter cuts as the one it was made
// from, in both modes, with the words of its plan and without, for texts
// cut for the first time and again (at other offsets, and after the
// cache was emptied), and that the segmenters of one dictionary share
// one cache.
func TestCached(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.With([]string{"昆山", "昆山市"})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{
		"昆山市重点发展人工智能", "2030年昆山市的GDP目标是多少？", "下水道老堵咋办",
		"“十五五”时期，昆山重点发展人工智能产业。", "原铝产能2025年多少，电动车在哪充电",
	}
	for _, plain := range []*Segmenter{s, w} {
		cached := plain.Cached()
		if cached.runs != s.Cached().runs {
			t.Fatal("the Cached segmenters of one dictionary keep caches of their own")
		}
		for round := range 3 {
			if round == 2 {
				clear(cached.runs.cuts)
			}
			for _, text := range texts {
				text = strings.Repeat("。", round) + text // the same runs at other offsets
				if got, want := cached.Cut(text), plain.Cut(text); !slices.Equal(got, want) {
					t.Errorf("Cut(%q), round %d: %v, want %v", text, round, got, want)
				}
				if got, want := cached.CutSearch(text), plain.CutSearch(text); !slices.Equal(got, want) {
					t.Errorf("CutSearch(%q), round %d: %v, want %v", text, round, got, want)
				}
			}
		}
	}
	if n := len(s.Cached().runs.cuts); n == 0 {
		t.Error("nothing cached")
	}
}

// TestJoins checks that a segmenter with words of its own cuts as its
// dictionary alone does wherever Joins finds none of them, and that Joins
// finds them where they stand.
func TestJoins(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.With([]string{"昆山", "昆山市", "托育", "北梁"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		text  string
		joins bool
	}{
		{"昆山市重点发展人工智能", true},
		{"2030年昆山的GDP目标是多少？", true},
		{"3岁以下娃的托育服务咋样", true},
		{"北梁棚户区改造", true},
		{"下水道老堵咋办", false},
		{"原铝产能2025年多少，电动车在哪充电", false},
		{"昆 山", false}, // apart
		{"山市", false},
		{"", false},
		{"abc 2030", false},
	} {
		if got := w.Joins(tt.text); got != tt.joins {
			t.Errorf("Joins(%q) = %v, want %v", tt.text, got, tt.joins)
		}
		if s.Joins(tt.text) {
			t.Errorf("the dictionary's own segmenter joins %q", tt.text)
		}
		if !w.Joins(tt.text) {
			if got, want := w.Cut(tt.text), s.Cut(tt.text); !slices.Equal(got, want) {
				t.Errorf("Cut(%q) = %v, the dictionary's %v", tt.text, got, want)
			}
			if got, want := w.CutSearch(tt.text), s.CutSearch(tt.text); !slices.Equal(got, want) {
				t.Errorf("CutSearch(%q) = %v, the dictionary's %v", tt.text, got, want)
			}
		}
	}
}
