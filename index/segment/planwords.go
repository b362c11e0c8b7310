package segment

import (
	"unicode/utf8"

	"planbot/index/segment/internal/newwords"
)

// NewWords finds the words of a plan that the dictionary knows nothing of:
// strings of two or three characters that it cuts into single characters
// and that recur at least min times (托育, 退税 in one plan, 北梁 in
// another); see newwords.Find. The embedded plan's words are in the
// dictionary already; another plan of the family brings its own.
func (s *Segmenter) NewWords(texts []string, min int) []string {
	return newwords.Find(texts, min, func(run string) []string {
		var out []string
		for _, sg := range s.dict().Segment([]byte(run)) {
			out = append(out, sg.Token().Text())
		}
		return out
	})
}

// With returns a segmenter that knows words besides the dictionary's, as
// the plan's own words are known: cut whole in the plan and in questions
// alike. The words are of two or three characters that the dictionary
// cuts into single ones (NewWords finds them); the new segmenter joins
// them where the receiver's cut leaves them apart, and shares its
// dictionary, so that a plan's words cost neither the time nor the memory
// of a dictionary of their own. The receiver is left as it is.
func (s *Segmenter) With(words []string) (*Segmenter, error) {
	base := s
	if s.base != nil {
		base = s.base
	}
	join := map[string]bool{}
	for w := range s.join {
		join[w] = true
	}
	for _, w := range words {
		if n := utf8.RuneCountInString(w); n >= 2 && n <= maxJoin {
			join[w] = true
		}
	}
	out := &Segmenter{base: base, join: join, starts: new(runeSet)}
	for w := range join {
		r, _ := utf8.DecodeRuneInString(w)
		out.starts.add(r)
	}
	return out, nil
}

// runeSet is a set of the runes of the Basic Multilingual Plane, where
// Chinese characters are, as bits; it holds every rune beyond.
type runeSet [1 << 16 / 64]uint64

func (s *runeSet) add(r rune) {
	if r < 1<<16 {
		s[r/64] |= 1 << (r % 64)
	}
}

func (s *runeSet) has(r rune) bool {
	return r >= 1<<16 || s[r/64]&(1<<(r%64)) != 0
}

// maxJoin is the longest word, in characters, With joins.
const maxJoin = 3
