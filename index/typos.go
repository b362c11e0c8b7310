package index

import (
	_ "embed"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"planbot/index/segment"
)

// homophones corrects the typos a pinyin keyboard makes: a character
// replaced by another of the same sound (沙尔亲 for 沙尔沁, 规化 for 规划).
// A stretch of a question is corrected only when the plan never writes it
// and writes exactly one stretch that sounds the same and differs in one
// character.
type homophones struct {
	texts   func() []string // the plan's texts, read on the first question
	text    []rune          // the plan's texts, separated by newlines
	isWord  func(string) bool
	buildMu sync.Once
	// The sounds are numbered, as soundNum numbers them (a few hundred
	// syllables), to keep the tables small: two bytes a character, not
	// sixteen.
	sound []uint16 // the sound of each rune of text, 0 if none
	// bySound holds, by sound, its positions in text, by the sound that
	// follows (0 for none), then in order: the stretches of two sounds
	// are a run of them.
	bySound [][]int32
	// nextOf holds, beside each position of bySound, the sound that
	// follows it: the positions' sounds are looked through in one stretch.
	nextOf [][]uint16
}

// newHomophones corrects typos against the texts that texts returns,
// asked for on the first question that needs them.
func newHomophones(texts func() []string, isWord func(string) bool) *homophones {
	return &homophones{texts: texts, isWord: isWord}
}

// soundNum is the number of a Chinese character's sound, from 1: its place
// in the table of sounds, plus one; 0 for another character, or one the
// table lacks.
func soundNum(r rune) uint16 {
	t := sounds()
	if r >= firstHan && r < firstHan+rune(len(t.byRune)) {
		return t.byRune[r-firstHan]
	}
	if !unicode.Is(unicode.Han, r) {
		return 0
	}
	if i, ok := slices.BinarySearch(t.chars, r); ok {
		return t.sound[i] + 1
	}
	return 0
}

// The table of sounds keeps the sounds of the characters most written,
// from firstHan (CJK Extension A) to the end of the CJK Unified
// Ideographs, by character.
const firstHan, lastHan = 0x3400, 0x9fff

//go:generate go run ./internal/gensounds -o data/sounds.txt

// soundsData is the table of sounds: a sound and its characters a line.
//
//go:embed data/sounds.txt
var soundsData string

// soundTable is soundsData read: the characters in order, the sound of
// each as a number, and the sounds by number.
type soundTable struct {
	chars  []rune
	sound  []uint16
	names  []string
	byRune []uint16 // by character from firstHan to lastHan, its sound's number (soundNum)
}

// sounds reads the table of sounds once, on the first question that
// needs it.
var sounds = sync.OnceValue(func() *soundTable {
	type entry struct {
		r     rune
		sound uint16
	}
	var entries []entry
	t := &soundTable{}
	for _, line := range dataLines(soundsData) {
		name, chars, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		for _, r := range chars {
			entries = append(entries, entry{r, uint16(len(t.names))})
		}
		t.names = append(t.names, name)
	}
	slices.SortFunc(entries, func(a, b entry) int { return int(a.r - b.r) })
	t.chars, t.sound = make([]rune, len(entries)), make([]uint16, len(entries))
	t.byRune = make([]uint16, lastHan-firstHan+1)
	for i, e := range entries {
		t.chars[i], t.sound[i] = e.r, e.sound
		if e.r >= firstHan && e.r <= lastHan {
			t.byRune[e.r-firstHan] = e.sound + 1
		}
	}
	return t
})

// build computes the sounds of the plan once, on the first question that
// needs them, so that start-up does not pay for it.
func (h *homophones) build() {
	h.buildMu.Do(func() {
		h.text = []rune(strings.Join(h.texts(), "\n"))
		h.sound = make([]uint16, len(h.text))
		h.bySound = make([][]int32, len(sounds().names)+1) // sound 0 is none
		for i, r := range h.text {
			s := soundNum(r)
			h.sound[i] = s
			if s != 0 {
				h.bySound[s] = append(h.bySound[s], int32(i))
			}
		}
		h.nextOf = make([][]uint16, len(h.bySound))
		for s, at := range h.bySound {
			slices.SortStableFunc(at, func(a, b int32) int { return int(h.next(a)) - int(h.next(b)) })
			h.nextOf[s] = make([]uint16, len(at))
			for k, i := range at {
				h.nextOf[s][k] = h.next(i)
			}
		}
	})
}

// next is the sound after position i of text, 0 for none.
func (h *homophones) next(i int32) uint16 {
	if int(i)+1 < len(h.sound) {
		return h.sound[i+1]
	}
	return 0
}

// pairs are the positions of text where the sounds a and b follow each
// other, in order: those of a's followed by b.
func (h *homophones) pairs(a, b uint16) []int32 {
	if int(a) >= len(h.bySound) {
		return nil
	}
	next := h.nextOf[a]
	lo, end := followedBy(next, b), len(next)
	if b < math.MaxUint16 {
		end = lo + followedBy(next[lo:], b+1)
	}
	return h.bySound[a][lo:end]
}

// followedBy is the first of the sounds next, in order, that is b or a
// later one.
func followedBy(next []uint16, b uint16) int {
	k, _ := slices.BinarySearch(next, b)
	return k
}

// correct returns text with its homophone typos corrected, recording each
// correction in *corrected (made at the first). Only stretches made of
// whole words of the question are tried, and only where one of those words
// is a single character or one the plan never uses: a typo breaks a word
// apart.
// Whether the plan uses each word of toks is read from used, and what
// correct looks up is kept there: 1 yes, 2 no, 0 not known.
func (h *homophones) correct(text string, toks []segment.Token, stop, known func(string) bool, corrected *map[string]string, used []int8) string {
	// Each word is looked up once, for the stretches it stands in; in the
	// plan's words only when it stands in one short enough to try.
	words := make([]word, len(toks))
	for k, t := range toks {
		words[k] = word{stop: stop(t.Text), runes: utf8.RuneCountInString(t.Text)}
	}
	lookUp := func(i, j int) {
		for k := i; k < j; k++ {
			if used[k] == 0 {
				used[k] = 2
				if known(toks[k].Text) {
					used[k] = 1
				}
			}
			words[k].known = used[k] == 1
		}
	}
	var b strings.Builder
	prev := 0
	for i := 0; i < len(toks); i++ {
		done := false
		for j := min(len(toks), i+4); j > i && !done; j-- {
			if !contiguous(toks[i:j]) {
				continue
			}
			n := 0
			for _, w := range words[i:j] {
				n += w.runes
			}
			if n < 2 || n > 4 {
				continue
			}
			w := text[toks[i].Start:toks[j-1].End]
			if lookUp(i, j); !suspicious(words[i:j]) {
				continue
			}
			var buf [4]rune // n is at most 4
			rs := buf[:0]
			for _, r := range w {
				rs = append(rs, r)
			}
			if !allHan(rs) || h.isWord(w) {
				continue
			}
			if c, ok := h.lookup(rs); ok {
				if *corrected == nil {
					*corrected = map[string]string{}
				}
				(*corrected)[w] = c
				b.WriteString(text[prev:toks[i].Start])
				b.WriteString(c)
				prev = toks[j-1].End
				i = j - 1
				done = true
			}
		}
	}
	b.WriteString(text[prev:])
	return b.String()
}

// contiguous reports whether tokens follow each other with nothing between.
func contiguous(toks []segment.Token) bool {
	for i := 1; i < len(toks); i++ {
		if toks[i].Start != toks[i-1].End {
			return false
		}
	}
	return true
}

// word is what correct reads of a word of the question: whether it is a
// stop word, whether the plan uses it (once looked up), and its length in
// characters.
type word struct {
	stop, known bool
	runes       int
}

// suspicious reports whether a run of words may hide a typo: it neither
// starts nor ends with a stop word, and one of its words is a single
// character or a word the plan never uses. A stop word inside may be the
// typo itself (非地经济 for 飞地经济).
func suspicious(words []word) bool {
	odd := false
	for i, w := range words {
		if w.stop && (i == 0 || i == len(words)-1 || w.runes > 1) {
			return false
		}
		if w.runes == 1 || !w.known {
			odd = true
		}
	}
	return odd
}

// lookup finds the one stretch of the plan that sounds like w and differs
// from it in one character, when the plan never writes w itself. w is
// of two to four characters; a two-character stretch must be a word.
func (h *homophones) lookup(w []rune) (string, bool) {
	if len(w) < 2 || len(w) > 4 {
		return "", false
	}
	h.build()
	var sounds [4]uint16
	for i, r := range w {
		// A sound the plan never has matches nothing.
		if sounds[i] = h.soundOfRune(r); sounds[i] == 0 {
			return "", false
		}
	}
	// The stretches that sound like w are among those where its rarest
	// two sounds in a row stand.
	var rarest []int32
	at := -1
	for i := 0; i+1 < len(w); i++ {
		if p := h.pairs(sounds[i], sounds[i+1]); at < 0 || len(p) < len(rarest) {
			rarest, at = p, i
		}
	}
	return h.readAt(w, sounds[:len(w)], rarest, at)
}

// readAt reads w, whose sounds are given, at each start of a stretch of
// the plan (each of positions, less shift): the one stretch that sounds
// like w and differs from it in one character, when none is w itself.
// Every stretch that sounds like w must be among the starts, w itself too
// where the plan writes it.
func (h *homophones) readAt(w []rune, sounds []uint16, positions []int32, shift int) (string, bool) {
	found, written := -1, false // found: where the stretch found starts
	for _, pos := range positions {
		start := int(pos) - shift
		if start < 0 || start+len(w) > len(h.text) {
			continue
		}
		diff := 0
		for k := range w {
			if h.sound[start+k] != sounds[k] {
				diff = -1
				break
			}
			if h.text[start+k] != w[k] {
				diff++
			}
		}
		written = written || diff == 0
		if diff != 1 {
			continue
		}
		c := h.text[start : start+len(w)]
		if len(w) == 2 && !h.isWord(string(c)) {
			continue
		}
		if found >= 0 && !slices.Equal(h.text[found:found+len(w)], c) {
			return "", false // two readings: do not guess
		}
		if found < 0 {
			found = start
		}
	}
	if found < 0 {
		return "", false
	}
	return string(h.text[found : found+len(w)]), !written
}

// soundOfRune is the number of a character's sound, 0 for one the plan
// never has.
func (h *homophones) soundOfRune(r rune) uint16 {
	if s := soundNum(r); len(h.bySound[s]) > 0 {
		return s
	}
	return 0
}

func allHan(rs []rune) bool {
	for _, r := range rs {
		if !segment.IsHan(r) {
			return false
		}
	}
	return true
}
