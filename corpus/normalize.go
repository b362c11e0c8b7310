package corpus

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// supRe matches an HTML superscript such as m<sup>2</sup>.
	supRe = regexp.MustCompile(`<sup>\s*([0-9])\s*</sup>`)
	// tagRe matches any other HTML tag the conversion left behind.
	tagRe = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9]*\s*/?>`)
	// andRe matches an English "and" standing between Chinese characters
	// where the original had 和.
	andRe = regexp.MustCompile(`(\p{Han}[”」》）)]?)\s*\band\b\s*([“「《（(]?\p{Han})`)
	// hanSpaceRe matches layout spaces between two Chinese characters.
	hanSpaceRe = regexp.MustCompile(`(\p{Han})[ \t\x{3000}]+(\p{Han})`)
)

var superscripts = map[string]string{
	"0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴",
	"5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
}

// stripLine removes what the markdown conversion added to a line: heading
// marks, list bullets, bold markers and HTML, leaving the plan's words. It
// does not convert script; see (*parser).clean.
func stripLine(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "#")
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "- ") || strings.HasPrefix(s, "* ") {
		s = strings.TrimSpace(s[2:])
	}
	s = strings.ReplaceAll(s, "**", "")
	s = supRe.ReplaceAllStringFunc(s, func(m string) string {
		return superscripts[supRe.FindStringSubmatch(m)[1]]
	})
	s = tagRe.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, "\u00a0", " ")
	return strings.TrimSpace(s)
}

// fixAnd puts back 和 where the conversion wrote "and" between Chinese
// characters.
func fixAnd(s string) string {
	if !strings.Contains(s, "and") {
		return s
	}
	for {
		t := andRe.ReplaceAllString(s, "${1}和${2}")
		if t == s {
			return s
		}
		s = t
	}
}

// joinHan removes layout spaces between Chinese characters (名 词 解 释,
// 万吨 标煤), which the original did not have.
func joinHan(s string) string {
	for {
		t := hanSpaceRe.ReplaceAllString(s, "$1$2")
		if t == s {
			return s
		}
		s = t
	}
}

// endsSentence reports whether text ends where a sentence or clause may
// end, so that a following paragraph is not its continuation across a page
// break.
func endsSentence(s string) bool {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	r, _ := utf8.DecodeLastRuneInString(s)
	switch r {
	case '。', '！', '？', '!', '?', '；', ';', '：', ':', '…':
		return true
	case '”', '’', '）', ')', '」', '》':
		// A closing mark ends a sentence only after a full stop (…。”).
		s = strings.TrimSuffix(s, string(r))
		r2, _ := utf8.DecodeLastRuneInString(s)
		return r2 == '。' || r2 == '！' || r2 == '？'
	}
	return false
}

var hanDigits = []rune("〇一二三四五六七八九")

// hanNumber converts a Chinese numeral from 一 to 九十九 into an int; 0 if
// it is not one.
func hanNumber(s string) int {
	rs := []rune(s)
	digit := func(r rune) int {
		for i, d := range hanDigits {
			if d == r && i > 0 {
				return i
			}
		}
		return -1
	}
	switch len(rs) {
	case 1:
		if rs[0] == '十' {
			return 10
		}
		if d := digit(rs[0]); d > 0 {
			return d
		}
	case 2:
		if rs[0] == '十' {
			if d := digit(rs[1]); d > 0 {
				return 10 + d
			}
		} else if rs[1] == '十' {
			if d := digit(rs[0]); d > 0 {
				return d * 10
			}
		}
	case 3:
		if rs[1] == '十' {
			a, b := digit(rs[0]), digit(rs[2])
			if a > 0 && b > 0 {
				return a*10 + b
			}
		}
	}
	return 0
}

// HanNumeral writes n (1–99) as a Chinese numeral, as in 第十二章.
func HanNumeral(n int) string {
	switch {
	case n <= 0 || n > 99:
		return ""
	case n < 10:
		return string(hanDigits[n])
	case n == 10:
		return "十"
	case n < 20:
		return "十" + string(hanDigits[n-10])
	case n%10 == 0:
		return string(hanDigits[n/10]) + "十"
	default:
		return string(hanDigits[n/10]) + "十" + string(hanDigits[n%10])
	}
}
