package index

import (
	"slices"
	"testing"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// soundOf is the sound of a Chinese character as the table names it (soundNum):
// its first reading, without tones; "" for another character, or one the table lacks.
func soundOf(r rune) string {
	if s := soundNum(r); s > 0 {
		return sounds().names[s-1]
	}
	return ""
}

// TestSounds checks the table of sounds (data/sounds.txt) against
// go-pinyin, from which it is made, for every Chinese character: the
// first reading without tones, or none. When it fails after go-pinyin
// changed, regenerate it: go generate ./index
func TestSounds(t *testing.T) {
	args := pinyin.NewArgs()
	n, diffs := 0, 0
	check := func(r rune) {
		want := ""
		if p := pinyin.SinglePinyin(r, args); len(p) > 0 {
			want = p[0]
		}
		if got := soundOf(r); got != want {
			diffs++
			if diffs <= 5 {
				t.Errorf("%c (%U): %q, go-pinyin %q", r, r, got, want)
			}
		}
		if want != "" {
			n++
		}
	}
	for _, rng := range unicode.Han.R16 {
		for r := rune(rng.Lo); r <= rune(rng.Hi); r += rune(rng.Stride) {
			check(r)
		}
	}
	for _, rng := range unicode.Han.R32 {
		for r := rune(rng.Lo); r <= rune(rng.Hi); r += rune(rng.Stride) {
			check(r)
		}
	}
	if diffs > 0 {
		t.Errorf("%d characters differ; run go generate ./index", diffs)
	}
	if n < 20000 {
		t.Errorf("only %d characters have a sound", n)
	}
	for _, tt := range []struct {
		r    rune
		want string
	}{{'规', "gui"}, {'沁', "qin"}, {'亲', "qin"}, {'绿', "lv"}, {'a', ""}, {'，', ""}} {
		if got := soundOf(tt.r); got != tt.want {
			t.Errorf("soundOf(%c) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

// TestLookup checks the typo lookup, which reads the plan's positions of
// two sounds in a row, against a plain reading of the whole plan: every
// stretch of two to four characters of the questions' words, the plan's
// own among them, gets the correction that a scan of every position finds.
func TestLookup(t *testing.T) {
	idx := testIndex(t)
	h := idx.qu.typos
	h.build()
	// scan is lookup reading every position of the plan.
	every := make([]int32, len(h.text))
	for i := range every {
		every[i] = int32(i)
	}
	scan := func(w []rune) (string, bool) {
		sounds := make([]uint16, len(w))
		for k, r := range w {
			if sounds[k] = h.soundOfRune(r); sounds[k] == 0 {
				return "", false
			}
		}
		return h.readAt(w, sounds, every, 0)
	}
	questions := append(slices.Clone(benchQuestions), "沙尔亲镇种中药材", "规化里的北梁", "非地经济怎么发展", "东河区的森林覆盖率")
	n, corrected := 0, 0
	for _, q := range questions {
		rs := []rune(q)
		for i := range rs {
			for j := i + 2; j <= min(len(rs), i+4); j++ {
				w := rs[i:j]
				got, ok := h.lookup(w)
				want, wantOK := scan(w)
				if got != want || ok != wantOK {
					t.Errorf("%s: lookup %q %v, a scan %q %v", string(w), got, ok, want, wantOK)
				}
				n++
				if ok {
					corrected++
				}
			}
		}
	}
	if corrected == 0 {
		t.Errorf("none of %d stretches corrected", n)
	}
}
