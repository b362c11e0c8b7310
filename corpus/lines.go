package corpus

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// srcLine is one line of the source text with its 1-based number. Blank
// lines are kept (s == ""): in some layouts a blank line ends a box.
type srcLine struct {
	n int
	s string
}

var (
	// pageMarkRe matches a page number on a line of its own, as PDF
	// extraction leaves them: — 12 —, - 12 -, 第12页, or a roman numeral of
	// the pages of a table of contents.
	pageMarkRe = regexp.MustCompile(`^(?:[—\-－–―]+\s*\d{1,4}\s*[—\-－–―]+|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?|[IVXLivxl]{1,6}|\d{1,4}\s*/\s*\d{1,4})$`)
	zeroWidth  = strings.NewReplacer("\u200b", "", "\u200c", "", "\u200d", "", "\ufeff", "", "\u2060", "", "\u00ad", "")
)

// splitLines cuts a text into lines, drops page marks and zero-width
// characters, and trims the ends of lines (keeping their leading spaces,
// which in a table stand for empty cells).
func splitLines(text string) []srcLine {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	raw := strings.Split(text, "\n")
	out := make([]srcLine, 0, len(raw))
	for i, l := range raw {
		l = zeroWidth.Replace(l)
		// Trailing tabs stay: they are the empty cells of a table row.
		l = strings.TrimRight(l, " \u3000\u00a0\r\v\f")
		if t := strings.TrimSpace(l); len(t) <= 32 && pageMarkRe.MatchString(t) {
			continue
		}
		if strings.TrimSpace(l) == "" {
			l = ""
		}
		out = append(out, srcLine{n: i + 1, s: l})
	}
	return out
}

// dropRunningHeads removes the lines a page repeats at its head or foot
// (the plan's short title, a department's name): a short line printed four
// times or more, unless it is a heading.
func dropRunningHeads(lines []srcLine) []srcLine {
	count := map[string]int{}
	for _, l := range lines {
		if t := strings.TrimSpace(l.s); t != "" && utf8.RuneCountInString(t) <= 40 {
			count[t]++
		}
	}
	out := lines[:0]
	for _, l := range lines {
		t := strings.TrimSpace(l.s)
		if count[t] >= 4 && !endsSentence(t) && !headRe.MatchString(t) && !boxRe.MatchString(t) && !isTableLine(l.s) {
			continue
		}
		out = append(out, l)
	}
	return out
}

// width is the printed width of a line: two for a Chinese character, one
// for a Latin letter, digit or space.
func width(s string) int {
	w := 0
	for _, r := range s {
		if r >= 0x2E80 || (r >= 0xFF00 && r <= 0xFFEF) || r == '“' || r == '”' || r == '—' || r == '…' {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// layout is what the parser learns of the page before reading it.
type layout struct {
	// wrap is the width at which the text was hard-wrapped (PDF
	// extraction: every line of a paragraph but the last is this wide), 0
	// when paragraphs stand on one line each.
	wrap int
	// blankSeparated tells that blank lines separate the blocks.
	blankSeparated bool
	// spaced tells a text whose extraction put spaces between Chinese and
	// figures or Latin letters (达 2.77 万亿元), on many of its lines.
	spaced bool
}

var (
	spaceAfterHanRe  = regexp.MustCompile(`([\p{Han}，。、；：（）“”《》]) ([0-9A-Za-z])`)
	spaceBeforeHanRe = regexp.MustCompile(`([0-9A-Za-z%％]) ([\p{Han}，。、；：（）“”《》])`)
)

// unspace removes the spaces an extraction put between Chinese and
// figures: 达 2.77 万亿元 reads 达2.77万亿元, as the plan printed it.
func unspace(s string) string {
	for range 2 { // a space between two matches needs a second pass: 达 5 年
		s = spaceAfterHanRe.ReplaceAllString(s, "$1$2")
		s = spaceBeforeHanRe.ReplaceAllString(s, "$1$2")
	}
	return s
}

// measure finds the wrap width of a hard-wrapped text: the most common
// width of the lines that stop mid-sentence, when they are many.
func measure(lines []srcLine) layout {
	var lay layout
	counts := map[int]int{}
	nonBlank, blanks, spaced := 0, 0, 0
	for _, l := range lines {
		if l.s == "" {
			blanks++
			continue
		}
		nonBlank++
		if strings.Contains(strings.TrimSpace(l.s), " ") && (spaceAfterHanRe.MatchString(l.s) || spaceBeforeHanRe.MatchString(l.s)) {
			spaced++
		}
		s := strings.TrimSpace(l.s)
		if endsSentence(s) || utf8.RuneCountInString(s) < 12 {
			continue
		}
		counts[width(s)]++
	}
	lay.blankSeparated = blanks*4 >= nonBlank
	lay.spaced = spaced >= 20 && spaced*20 >= nonBlank
	best, n := 0, 0
	for w, c := range counts {
		if c > n || c == n && w > best {
			best, n = w, c
		}
	}
	near := 0
	for w, c := range counts {
		if w >= best-4 && w <= best+2 {
			near += c
		}
	}
	if near >= 20 && near*4 >= nonBlank {
		lay.wrap = best
	}
	return lay
}

// full reports whether a line runs to the wrap width, so that its
// paragraph may go on in the next line even after a full stop.
func (lay layout) full(s string) bool {
	return lay.wrap > 0 && width(strings.TrimSpace(s)) >= lay.wrap-4
}
