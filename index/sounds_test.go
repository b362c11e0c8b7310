package index

import (
	"testing"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

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
