package segment

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// functionChars are characters that seldom stand inside a name: a run of
// them is grammar, not a word of a plan. (gendict uses the same rule.)
const functionChars = "的是了在和与等中指之及为对将把从被也都而或其这那个万〇一二三四五六七八九十大新各地"

// NewWords finds the words of a plan that the dictionary knows nothing of:
// strings of two or three characters that it cuts into single characters
// and that recur at least min times (托育, 退税 in one plan, 北梁 in
// another). A string inside a longer one that recurs as often is left for
// the longer one. The embedded plan's words are in the dictionary already;
// another plan of the family brings its own.
func (s *Segmenter) NewWords(texts []string, min int) []string {
	count := map[string]int{}
	for _, text := range texts {
		for _, run := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.Is(unicode.Han, r) }) {
			var singles []rune
			flush := func() {
				for n := 2; n <= 3; n++ {
					for k := 0; k+n <= len(singles); k++ {
						count[string(singles[k:k+n])]++
					}
				}
				singles = singles[:0]
			}
			for _, sg := range s.dict().Segment([]byte(run)) {
				w := sg.Token().Text()
				if utf8.RuneCountInString(w) == 1 {
					singles = append(singles, []rune(w)...)
				} else {
					flush()
				}
			}
			flush()
		}
	}
	// Longer strings first, so that a shorter one can see them.
	byLen := map[int][]string{}
	for w, n := range count {
		if n >= min && !strings.ContainsAny(w, functionChars) {
			byLen[utf8.RuneCountInString(w)] = append(byLen[utf8.RuneCountInString(w)], w)
		}
	}
	var out []string
	for _, w := range byLen[3] {
		out = append(out, w)
	}
	for _, w := range byLen[2] {
		longer := false
		for _, v := range byLen[3] {
			if count[v] >= count[w] && strings.Contains(v, w) {
				longer = true
				break
			}
		}
		if !longer {
			out = append(out, w)
		}
	}
	return out
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
	return &Segmenter{base: base, join: join}, nil
}

// maxJoin is the longest word, in characters, With joins.
const maxJoin = 3
