// Package newwords finds the words of a plan that a dictionary knows
// nothing of, for the segmenter (segment.NewWords, at run time) and for
// the generator of its dictionary (gendict) alike.
package newwords

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// FunctionChars are characters that seldom stand inside a name: a run of
// them is grammar, not a word of a plan.
const FunctionChars = "的是了在和与等中指之及为对将把从被也都而或其这那个万〇一二三四五六七八九十大新各地"

// Find returns the strings of two or three characters that cut, the
// dictionary's segmentation of a run of Chinese characters, leaves as
// single characters and that recur at least min times in texts (托育, 退税
// in one plan, 北梁 in another), none holding a function character. A
// string inside a longer one that recurs as often is left for the longer
// one (呼包鄂, not 呼包). The order is not defined.
func Find(texts []string, min int, cut func(run string) []string) []string {
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
			for _, w := range cut(run) {
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
		if n >= min && !strings.ContainsAny(w, FunctionChars) {
			byLen[utf8.RuneCountInString(w)] = append(byLen[utf8.RuneCountInString(w)], w)
		}
	}
	out := byLen[3]
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
