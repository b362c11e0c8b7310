package index

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"planbot/corpus"
)

// planTexts are the texts of the built-in plan and of the outlines.
func planTexts(t *testing.T) []string {
	t.Helper()
	pl, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	texts := pl.Texts()
	files, _ := filepath.Glob("../../shared/plans/*.txt")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := corpus.Parse(f, src)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, p.Texts()...)
	}
	return texts
}

// TestTextScans checks the scans a plan's start runs over every text
// (years in Chinese numerals, digits, sentences) against the plain way of
// each, on every plan and on texts made to trip them.
func TestTextScans(t *testing.T) {
	hanYear := regexp.MustCompile(`([〇一二三四五六七八九]{4})年`)
	years := func(text string) string {
		var out []string
		for _, m := range hanYear.FindAllStringSubmatch(text, -1) {
			y := []rune(m[1])
			for i, r := range y {
				y[i] = rune('0' + strings.IndexRune("〇一二三四五六七八九", r)/len("〇"))
			}
			out = append(out, string(y)+"年")
		}
		return strings.Join(out, " ")
	}
	split := func(text string) []string {
		var out []string
		start := 0
		for i, r := range text {
			if strings.ContainsRune("。；！？", r) {
				out = append(out, text[start:i+utf8.RuneLen(r)])
				start = i + utf8.RuneLen(r)
			}
		}
		if start < len(text) {
			out = append(out, text[start:])
		}
		return out
	}
	texts := append(planTexts(t), "二〇三五年", "一二〇三五年年", "年二〇二〇年二〇二五年", "二〇二五二〇三五年",
		"x九九九年", "〇〇〇〇年a", "\xff九九九九年", "２０２５年", "٣", "一。二；三！四？", "十五五五", "十十四五五", "五十三五", "")
	for _, text := range texts {
		if got, want := digitYears(text), years(text); got != want {
			t.Errorf("digitYears(%.30q) = %q, want %q", text, got, want)
		}
		if got, want := hasDigit(text), strings.ContainsFunc(text, unicode.IsDigit); got != want {
			t.Errorf("hasDigit(%.30q) = %v, want %v", text, got, want)
		}
		if got, want := sentences(text), split(text); !slices.Equal(got, want) {
			t.Errorf("sentences(%.30q) = %q, want %q", text, got, want)
		}
		var named uint8
		for i, p := range periods {
			if strings.Contains(text, p) {
				named |= 1 << i
			}
		}
		if got, want := periodsIn(text), named|yearPeriods(text); got != want {
			t.Errorf("periodsIn(%.30q) = %b, want %b", text, got, want)
		}
	}
	for r := rune(0x3000); r <= 0x9fff; r++ {
		if unicode.IsDigit(r) {
			t.Errorf("%U is a digit: hasDigit skips it", r)
		}
	}
}
