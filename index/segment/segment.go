// Package segment cuts Chinese text into words for search.
//
// Text is first split into runs: runs of Chinese characters go to gse's
// shortest-path segmenter, runs of other letters and digits become one word
// each (lower-cased, a decimal point kept inside a number), and everything
// else (spaces, punctuation, symbols) separates runs and is dropped. Every
// token keeps its byte offsets in the text it came from.
//
// gse's full dictionary takes seconds and over 100 MB to load, so the
// package embeds a pruned one (dict.txt): every entry that can match inside
// the plan's text, plus gse's common words for questions, plus one entry
// that carries the frequency of all dropped entries; before it, entries
// that keep the words of the query vocabulary whole (vocabwords.txt). A
// word's cost in the
// shortest path is log(total/freq), so with the total kept the pruned
// dictionary cuts the plan exactly as the full one does. The dictionary is
// generated from gse's own by internal/gendict (go generate) and the tests
// compare the two on the whole plan.
//
// Importing the package registers a bleve tokenizer (Name) and analyzer
// (AnalyzerName) built on it; see bleve.go.
package segment

//go:generate go run ./internal/gendict -o dict.txt -words planwords.txt -minfreq 300 -vocab ../data -vocabwords vocabwords.txt

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// dict is the pruned dictionary in gse's text format: "word freq" a line.
//
//go:embed dict.txt
var dict string

// planWords are the plan's own words that gse does not know (its glossary
// terms, the phrases it quotes: 十三五, 一码通), one a line; loaded after
// dict with planWordFreq so that they are cut whole in the plan and in
// questions alike.
//
//go:embed planwords.txt
var planWords string

// vocabDict holds entries in gse's format for the words of the query
// vocabulary (index/data: stop words, vocab/*.txt) that dict
// would cut apart: 排水管网, 下水道, 咋介, each with the lowest frequency
// that keeps it whole, or a higher one for a word gse has but too rarely
// (托育). Loaded before dict, its entries win, so that a plan word of the
// vocabulary is one token in the plan and in questions, and an everyday
// word one token in a question.
//
//go:embed vocabwords.txt
var vocabDict string

// planWordFreq is the frequency given to the plan's own words: that of a
// common word, so that they win over cutting them apart.
const planWordFreq = 3000

// restWord is the dictionary entry whose frequency is the sum of the
// entries pruned away; it keeps the dictionary's total, and so every word's
// cost, equal to the full dictionary's. It is never looked up, because it
// is not made of Chinese characters.
const restWord = "<rest>"

// Token is one word with its byte offsets in the segmented text.
type Token struct {
	Text       string
	Start, End int
}

// Segmenter segments Chinese text with the embedded dictionary. It is safe
// for concurrent use.
type Segmenter struct {
	gse gse.Segmenter
	// base, when set, is the segmenter whose dictionary this one reads,
	// and join the words it knows besides (see With).
	base   *Segmenter
	join   map[string]bool
	starts *runeSet // the first characters of the words of join
	// runs, when set, keeps the dictionary's cuts of runs (see Cached).
	runs *runCache
	// cache is, in a segmenter of its own dictionary, the cache its
	// Cached segmenters share, made on the first.
	cache     *runCache
	cacheOnce sync.Once
}

// Cached returns a segmenter that cuts as s does and keeps the dictionary's
// cuts of the runs of Chinese characters it cut lately, in a cache shared
// by every Cached segmenter of s's dictionary: the plans of a library, each
// with words of its own (With) over one dictionary, cut a question alike
// but where their own words stand in it. It is meant for questions, which
// recur; the documents of a plan are cut once, by s.
func (s *Segmenter) Cached() *Segmenter {
	base := s
	if s.base != nil {
		base = s.base
	}
	base.cacheOnce.Do(func() { base.cache = &runCache{cuts: map[runKey][]Token{}} })
	return &Segmenter{base: base, join: s.join, starts: s.starts, runs: base.cache}
}

// runCache is the dictionary's cuts of runs, by run and mode, with their
// offsets from the run's start; emptied when it holds maxCachedRuns.
type runCache struct {
	mu   sync.Mutex
	cuts map[runKey][]Token
}

type runKey struct {
	run    string
	search bool
}

// maxCachedRuns bounds a segmenter's cache of cuts (see Cached): the runs
// of some hundreds of questions.
const maxCachedRuns = 4096

// dict is the gse segmenter whose dictionary s reads.
func (s *Segmenter) dict() *gse.Segmenter {
	if s.base != nil {
		return &s.base.gse
	}
	return &s.gse
}

var loadDefault = sync.OnceValues(func() (*Segmenter, error) {
	return load(vocabDict+dict, planWords)
})

// Default returns the shared segmenter, loading the embedded dictionary once.
func Default() (*Segmenter, error) {
	return loadDefault()
}

// load builds a segmenter over a dictionary in gse's text format and a
// list of extra words.
func load(dict, words string) (*Segmenter, error) {
	s := new(Segmenter)
	// Cut uses gse's Segment, the shortest path over dictionary words,
	// which reports each word's byte offsets. gse's Cut modes (DAG, with
	// or without HMM) return bare strings, and the HMM guesses words from
	// a model of its own; it is not needed, so it is not loaded.
	s.gse.NotLoadHMM = true
	s.gse.SkipLog = true
	// The words go in as entries of the dictionary's own text: gse works
	// out every entry's cost and search-mode parts (CalcToken, most of
	// the load) once, not again after adding them.
	if err := s.gse.LoadDictStr(dict + "\n" + wordEntries(words)); err != nil {
		return nil, err
	}
	return s, nil
}

// wordEntries turns a list of words (one a line, # comments) into
// dictionary entries of planWordFreq, nouns, in gse's text format.
func wordEntries(words string) string {
	var b strings.Builder
	for w := range strings.Lines(words) {
		w = strings.TrimSpace(w)
		if w == "" || strings.HasPrefix(w, "#") {
			continue
		}
		fmt.Fprintf(&b, "%s %d nz\n", w, planWordFreq)
	}
	return b.String()
}

// Pos returns gse's part of speech of word (n noun, v verb, a adjective,
// …), "" if it has none or is not in the dictionary.
func (s *Segmenter) Pos(word string) string {
	word = lowerASCII(word)
	if word == "" || word == restWord {
		return ""
	}
	if s.join[word] {
		return "nz"
	}
	_, pos, _ := s.dict().Find(word)
	return pos
}

// Cut segments text into words. Offsets are byte offsets into text; ASCII
// letters are lower-cased in Text.
func (s *Segmenter) Cut(text string) []Token {
	return s.cut(text, false)
}

// CutSearch is Cut with, after each word, the dictionary words of two or
// more characters inside it, as gse's search mode finds them: 服务体系 is
// followed by 服务 and 体系, each with its own offsets.
func (s *Segmenter) CutSearch(text string) []Token {
	return s.cut(text, true)
}

// Contains reports whether word is a dictionary entry.
func (s *Segmenter) Contains(word string) bool {
	return s.Freq(word) > 0
}

// Freq returns the dictionary frequency of word (0 if absent).
func (s *Segmenter) Freq(word string) float64 {
	word = lowerASCII(word)
	if word == "" || word == restWord {
		return 0
	}
	// Find reports a word that is only a prefix of entries with freq 0.
	if s.join[word] {
		return planWordFreq
	}
	freq, _, _ := s.dict().Find(word)
	return freq
}

// cut emits the tokens of text run by run.
func (s *Segmenter) cut(text string, search bool) []Token {
	// Room for a word of a character and a half, as Chinese mostly has:
	// the tokens are made once, not grown from one.
	out := make([]Token, 0, len(text)/4+2)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case IsHan(r):
			j := endHan(text, i+size)
			out = s.appendHan(out, text, i, j, search)
			i = j
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			j := endWord(text, i)
			out = append(out, Token{Text: lowerASCII(text[i:j]), Start: i, End: j})
			i = j
		default:
			i += size
		}
	}
	return out
}

// IsHan reports whether r is a Chinese character, as unicode.Is(unicode.Han,
// r) does, sooner for the characters of most text: those of the basic block
// of CJK ideographs, and those before the first Chinese character.
func IsHan(r rune) bool {
	switch {
	case r < 0x2E80: // before the first of unicode.Han
		return false
	case r >= 0x4E00 && r <= 0x9FFF: // CJK Unified Ideographs, all Han
		return true
	}
	return unicode.Is(unicode.Han, r)
}

// endHan returns the end of the run of Chinese characters that goes on
// at i.
func endHan(text string, i int) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !IsHan(r) {
			break
		}
		i += size
	}
	return i
}

// endWord returns the end of the run of letters and digits (not Chinese
// characters) starting at i. A '.' between two digits stays inside it, so
// 4.9 and PM2.5 are one word.
func endWord(text string, i int) int {
	prevDigit := false
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case IsHan(r):
			return i
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			prevDigit = unicode.IsDigit(r)
		case r == '.' && prevDigit && i+1 < len(text) && startsWithDigit(text[i+1:]):
			prevDigit = false
		default:
			return i
		}
		i += size
	}
	return i
}

func startsWithDigit(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsDigit(r)
}

// appendHan segments the run of Chinese characters text[start:end].
func (s *Segmenter) appendHan(out []Token, text string, start, end int, search bool) []Token {
	if len(s.join) == 0 {
		return s.appendGse(out, text, start, end, search)
	}
	// The words of With stand whole, as words of a high frequency would
	// in the dictionary; what lies between them is cut as before.
	piece := start
	for i := start; i < end; {
		w := s.joinAt(text, i, end)
		if w == "" {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
			continue
		}
		out = s.appendGse(out, text, piece, i, search)
		out = append(out, Token{Text: w, Start: i, End: i + len(w)})
		if search {
			// The words inside it, as search mode gives them: 昆山 in 昆山市.
			rs := []rune(w)
			for k := 0; k+2 <= len(rs) && len(rs) > 2; k++ {
				if inner := string(rs[k : k+2]); s.Freq(inner) > 0 {
					from := i + len(string(rs[:k]))
					out = append(out, Token{Text: inner, Start: from, End: from + len(inner)})
				}
			}
		}
		i += len(w)
		piece = i
	}
	return s.appendGse(out, text, piece, end, search)
}

// joinAt returns the longest word of join that text[i:end] starts with,
// "" for none.
func (s *Segmenter) joinAt(text string, i, end int) string {
	if r, _ := utf8.DecodeRuneInString(text[i:]); !s.starts.has(r) {
		return "" // no word of join starts so: most characters
	}
	for n := maxJoin; n >= 2; n-- {
		j := i
		for k := 0; k < n && j < end; k++ {
			_, size := utf8.DecodeRuneInString(text[j:])
			j += size
		}
		if utf8.RuneCountInString(text[i:j]) == n && s.join[text[i:j]] {
			return text[i:j]
		}
	}
	return ""
}

// Joins reports whether a word s knows besides its dictionary's (With)
// stands in text, where s keeps it whole. Where none does, s cuts text as
// every segmenter of its dictionary does, in either mode.
func (s *Segmenter) Joins(text string) bool {
	if len(s.join) == 0 {
		return false
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !IsHan(r) {
			i += size
			continue
		}
		end := endHan(text, i+size)
		for ; i < end; i += size {
			if s.joinAt(text, i, end) != "" {
				return true
			}
			_, size = utf8.DecodeRuneInString(text[i:])
		}
	}
	return false
}

// appendGse segments text[start:end] with the dictionary.
func (s *Segmenter) appendGse(out []Token, text string, start, end int, search bool) []Token {
	if start >= end {
		return out
	}
	if s.runs != nil {
		s.runs.mu.Lock()
		cut, ok := s.runs.cuts[runKey{text[start:end], search}]
		s.runs.mu.Unlock()
		if !ok {
			run := strings.Clone(text[start:end]) // not the whole of text, kept
			cut = s.dictCut(nil, run, 0, len(run), search)
			s.runs.mu.Lock()
			if len(s.runs.cuts) >= maxCachedRuns {
				clear(s.runs.cuts)
			}
			s.runs.cuts[runKey{run, search}] = cut
			s.runs.mu.Unlock()
		}
		for _, t := range cut {
			out = append(out, Token{Text: text[start+t.Start : start+t.End], Start: start + t.Start, End: start + t.End})
		}
		return out
	}
	return s.dictCut(out, text, start, end, search)
}

// dictCut appends the dictionary's cut of text[start:end] to out.
func (s *Segmenter) dictCut(out []Token, text string, start, end int, search bool) []Token {
	for _, sg := range s.dict().Segment([]byte(text[start:end])) {
		from, to := start+sg.Start(), start+sg.End()
		out = append(out, Token{Text: text[from:to], Start: from, End: to})
		if search {
			out = appendInner(out, text, from, sg.Token())
		}
	}
	return out
}

// appendInner appends the words of two or more characters that gse's search
// mode finds inside tok, which starts at byte start of text, recursively.
// Single characters are left out: they would match almost anything.
func appendInner(out []Token, text string, start int, tok *gse.Token) []Token {
	for _, sub := range tok.Segments() {
		from, to := start+sub.Start(), start+sub.End()
		if utf8.RuneCountInString(text[from:to]) < 2 {
			continue
		}
		out = append(out, Token{Text: text[from:to], Start: from, End: to})
		out = appendInner(out, text, from, sub.Token())
	}
	return out
}

// lowerASCII lower-cases ASCII letters only, so that byte offsets still hold.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.Map(func(r rune) rune {
				if 'A' <= r && r <= 'Z' {
					return r + 'a' - 'A'
				}
				return r
			}, s)
		}
	}
	return s
}
