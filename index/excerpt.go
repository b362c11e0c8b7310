package index

import (
	"planbot/index/segment"
	"sort"
	"strings"
	"unicode/utf8"
)

// excerptRunes is about how long an excerpt is: two lines on a phone.
const excerptRunes = 90

const ellipsis = "…"

type weightedSpan struct {
	Span
	terms map[string]float64 // the question's words in the span, by weight
}

// excerpt picks the stretch of text that best shows why it matched, and the
// byte ranges in it of the question's words, merged where they touch so
// that 护理型床位 is one highlight, not two.
func (idx *Index) excerpt(text string, tokens []segment.Token, q query) (string, []Span) {
	weights := map[string]float64{}
	for _, t := range q.Terms {
		weights[t.Text] = idx.idf(t.Text) * t.Weight
	}
	var spans []weightedSpan
	for _, tok := range tokens {
		if w, ok := weights[tok.Text]; ok {
			spans = append(spans, weightedSpan{Span{tok.Start, tok.End}, map[string]float64{tok.Text: w}})
		}
	}
	spans = mergeSpans(spans)
	start, end := 0, len(text)
	if utf8.RuneCountInString(text) > excerptRunes {
		start, end = bestWindow(text, spans)
	}
	out := text[start:end]
	shift := -start
	if start > 0 {
		out = ellipsis + out
		shift += len(ellipsis)
	}
	if end < len(text) {
		out += ellipsis
	}
	var hl []Span
	for _, s := range spans {
		if s.Start >= start && s.End <= end {
			hl = append(hl, Span{s.Start + shift, s.End + shift})
		}
	}
	return out, hl
}

// mergeSpans sorts spans and merges those that overlap or touch.
func mergeSpans(spans []weightedSpan) []weightedSpan {
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].Start != spans[j].Start {
			return spans[i].Start < spans[j].Start
		}
		return spans[i].End > spans[j].End
	})
	var out []weightedSpan
	for _, s := range spans {
		if n := len(out); n > 0 && s.Start <= out[n-1].End {
			if s.End > out[n-1].End {
				out[n-1].End = s.End
			}
			for t, w := range s.terms {
				out[n-1].terms[t] = w
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// bestWindow returns the byte range of about excerptRunes runes, starting at
// a sentence start where it can, that holds the most of the question's
// words, each counted once.
func bestWindow(text string, spans []weightedSpan) (int, int) {
	bestStart, bestEnd, best := 0, runeOffset(text, 0, excerptRunes), -1.0
	for _, anchor := range spans {
		start := sentenceStart(text, anchor.Start)
		end := runeOffset(text, start, excerptRunes)
		if anchor.End > end { // a long sentence: start nearer the match
			start = runeOffsetBack(text, anchor.Start, 15)
			end = runeOffset(text, start, excerptRunes)
		}
		seen := map[string]float64{}
		for _, s := range spans {
			if s.Start >= start && s.End <= end {
				for t, w := range s.terms {
					seen[t] = w
				}
			}
		}
		sum := 0.0
		for _, t := range sortedKeys(seen) {
			sum += seen[t]
		}
		if sum > best {
			bestStart, bestEnd, best = start, end, sum
		}
	}
	return bestStart, bestEnd
}

// sentenceStart returns the start of the sentence holding byte i, looking
// back at most excerptRunes/2 runes.
func sentenceStart(text string, i int) int {
	j := i
	for n := 0; j > 0 && n < excerptRunes/2; n++ {
		r, size := utf8.DecodeLastRuneInString(text[:j])
		if strings.ContainsRune("。；！？\n", r) {
			return j
		}
		j -= size
	}
	if j == 0 {
		return 0
	}
	return i
}

// runeOffset returns the byte offset n runes after byte start (or the end).
func runeOffset(text string, start, n int) int {
	i := start
	for ; n > 0 && i < len(text); n-- {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return i
}

// runeOffsetBack returns the byte offset n runes before byte i (or 0).
func runeOffsetBack(text string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(text[:i])
		i -= size
	}
	return i
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
