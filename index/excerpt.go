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

// weightedSpan is a stretch of a text holding words of the question: the
// words of found[lo:hi] (see excerpt).
type weightedSpan struct {
	Span
	lo, hi int
}

// foundWord is a word of the question where a text holds it.
type foundWord struct {
	Span
	word string
}

// excerpt picks the stretch of text that best shows why it matched, and the
// byte ranges in it of the question's words, merged where they touch so
// that 护理型床位 is one highlight, not two.
func (idx *Index) excerpt(text string, tokens []segment.Token, q query) (string, []Span) {
	weights := map[string]float64{}
	for _, t := range q.Terms {
		weights[t.Text] = idx.idf(t.Text) * t.Weight
	}
	var found []foundWord
	for _, tok := range tokens {
		if _, ok := weights[tok.Text]; ok {
			found = append(found, foundWord{Span{tok.Start, tok.End}, tok.Text})
		}
	}
	spans := mergeSpans(found)
	start, end := 0, len(text)
	if utf8.RuneCountInString(text) > excerptRunes {
		start, end = bestWindow(text, found, spans, weights)
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

// mergeSpans sorts the words found and merges those that overlap or
// touch into spans, each of a run of them.
func mergeSpans(found []foundWord) []weightedSpan {
	sort.Slice(found, func(i, j int) bool {
		if found[i].Start != found[j].Start {
			return found[i].Start < found[j].Start
		}
		return found[i].End > found[j].End
	})
	var out []weightedSpan
	for k, f := range found {
		if n := len(out); n > 0 && f.Start <= out[n-1].End {
			if f.End > out[n-1].End {
				out[n-1].End = f.End
			}
			out[n-1].hi = k + 1
			continue
		}
		out = append(out, weightedSpan{f.Span, k, k + 1})
	}
	return out
}

// bestWindow returns the byte range of about excerptRunes runes, starting at
// a sentence start where it can, that holds the most of the question's
// words, each counted once.
func bestWindow(text string, found []foundWord, spans []weightedSpan, weights map[string]float64) (int, int) {
	bestStart, bestEnd, best := 0, runeOffset(text, 0, excerptRunes), -1.0
	prevStart, prevEnd := -1, -1
	var seen []string
	for _, anchor := range spans {
		start := sentenceStart(text, anchor.Start)
		end := runeOffset(text, start, excerptRunes)
		if anchor.End > end { // a long sentence: start nearer the match
			start = runeOffsetBack(text, anchor.Start, 15)
			end = runeOffset(text, start, excerptRunes)
		}
		if end == len(text) { // near the end: the window full, from before
			start = min(start, runeOffsetBack(text, end, excerptRunes))
		}
		// The words of a sentence find one window: it holds as much the
		// second time, and only more wins.
		if start == prevStart && end == prevEnd {
			continue
		}
		prevStart, prevEnd = start, end
		// Each word once, in order of the words: the sum does not depend
		// on where they stand.
		seen = seen[:0]
		for _, s := range spans {
			if s.Start >= start && s.End <= end {
				for _, f := range found[s.lo:s.hi] {
					seen = append(seen, f.word)
				}
			}
		}
		sort.Strings(seen)
		sum := 0.0
		for i, t := range seen {
			if i == 0 || t != seen[i-1] {
				sum += weights[t]
			}
		}
		if sum > best {
			bestStart, bestEnd, best = start, end, sum
		}
	}
	return bestStart, bestEnd
}

// sentenceStart returns the start of the sentence holding byte i, looking
// back at most excerptRunes/2 runes; in a longer sentence, a little before
// i, so that the words before the match show.
func sentenceStart(text string, i int) int {
	lo := runeOffsetBack(text, i, excerptRunes/2)
	if k := strings.LastIndexAny(text[lo:i], "。；！？\n"); k >= 0 {
		_, size := utf8.DecodeRuneInString(text[lo+k:])
		return lo + k + size
	}
	if lo == 0 {
		return 0
	}
	return runeOffsetBack(text, i, 15)
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
