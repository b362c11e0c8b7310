package bot

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxMessage is the longest message the bot sends, in UTF-16 code units of
// its HTML. Telegram's limit is 4096 characters of the text once the markup
// is parsed, which is never longer than the HTML.
const MaxMessage = 4000

// Split cuts an HTML message into parts of at most limit UTF-16 code units.
// It prefers to cut after a sentence (。；！？ or a line break), then after
// a comma or a space, then between two characters that are not both parts of
// a Latin word or a number; never inside a tag or an entity. Tags open at a
// cut are closed at the end of the part and opened again at the start of
// the next, so each part is valid HTML on its own.
func Split(s string, limit int) []string {
	if utf16Len(s) <= limit {
		return []string{s}
	}
	var parts []string
	var open []tag // tags open where the next part starts
	pos := 0
	for pos < len(s) {
		prefix := reopen(open)
		// A UTF-16 unit takes one to three bytes: a rest of more than
		// 3×limit bytes cannot fit, and need not be measured.
		if rest := s[pos:]; len(rest) <= 3*limit && utf16Len(prefix)+utf16Len(rest)+closeLen(open, rest) <= limit {
			parts = appendPart(parts, prefix+s[pos:])
			break
		}
		cut, stack := bestCut(s, pos, open, limit-utf16Len(prefix))
		parts = appendPart(parts, prefix+strings.TrimRightFunc(s[pos:cut], unicode.IsSpace)+closing(stack))
		open = stack
		pos = cut
		for pos < len(s) {
			r, n := utf8.DecodeRuneInString(s[pos:])
			if !unicode.IsSpace(r) {
				break
			}
			pos += n
		}
	}
	return parts
}

// tag is an open tag: its name and the opening tag as written.
type tag struct {
	name string
	raw  string
}

// candidate is a place to cut, with the tags open there.
type candidate struct {
	pos   int
	stack []tag
	used  int
}

// bestCut scans s from pos and returns where to end the part that starts
// there, with the tags open at that point. budget is what the part's text
// and closing tags may take.
func bestCut(s string, pos int, open []tag, budget int) (int, []tag) {
	stack := append([]tag(nil), open...)
	used := 0
	var best [4]*candidate // by priority; the latest of each
	i := pos
	for i < len(s) {
		tok, kind := token(s, i)
		n := utf16Len(tok)
		next := stack
		if kind == tokTag {
			next = apply(stack, tok)
		}
		if used+n+closingLen(next) > budget {
			break
		}
		used += n
		stack = next
		i += len(tok)
		if kind != tokRune {
			continue
		}
		r, _ := utf8.DecodeRuneInString(tok)
		p := priority(r, nextRune(s, i))
		if p > 0 && used+closingLen(stack) <= budget {
			best[p] = &candidate{pos: i, stack: append([]tag(nil), stack...), used: used}
		}
	}
	// The best priority that fills at least half the budget, else the
	// latest cut of any kind, else wherever the scan stopped.
	for p := 3; p >= 1; p-- {
		if c := best[p]; c != nil && c.used >= budget/2 {
			return c.pos, c.stack
		}
	}
	var latest *candidate
	for _, c := range best {
		if c != nil && (latest == nil || c.pos > latest.pos) {
			latest = c
		}
	}
	if latest != nil {
		return latest.pos, latest.stack
	}
	if i == pos { // one token longer than a message: cannot happen with our HTML
		_, n := utf8.DecodeRuneInString(s[pos:])
		return pos + n, stack
	}
	return i, stack
}

type tokKind int

// maxTag is the longest tag Split recognises; the bot writes none longer.
const maxTag = 512

const (
	tokRune tokKind = iota
	tokTag
	tokEntity
)

// token returns the token of s starting at i: a tag, an entity or one
// character.
func token(s string, i int) (string, tokKind) {
	switch s[i] {
	case '<':
		if j := strings.IndexByte(s[i:min(len(s), i+maxTag)], '>'); j > 0 {
			return s[i : i+j+1], tokTag
		}
	case '&':
		if j := strings.IndexByte(s[i:min(len(s), i+12)], ';'); j > 1 {
			return s[i : i+j+1], tokEntity
		}
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return s[i : i+n], tokRune
}

// apply returns the stack of open tags after tag t.
func apply(stack []tag, t string) []tag {
	if strings.HasPrefix(t, "</") {
		name := tagName(t[2:])
		for k := len(stack) - 1; k >= 0; k-- {
			if stack[k].name == name {
				return append([]tag(nil), stack[:k]...)
			}
		}
		return stack
	}
	out := append([]tag(nil), stack...)
	return append(out, tag{name: tagName(t[1:]), raw: t})
}

// tagName reads the name at the start of a tag's inside.
func tagName(s string) string {
	end := strings.IndexFunc(s, func(r rune) bool { return r == ' ' || r == '>' || r == '/' })
	if end < 0 {
		end = len(s)
	}
	return strings.ToLower(s[:end])
}

// nextRune is the next character of s at or after i, skipping tags; 0 at
// the end.
func nextRune(s string, i int) rune {
	for i < len(s) {
		tok, kind := token(s, i)
		switch kind {
		case tokRune:
			r, _ := utf8.DecodeRuneInString(tok)
			return r
		case tokEntity:
			r, _ := utf8.DecodeRuneInString(html.UnescapeString(tok))
			return r
		}
		i += len(tok)
	}
	return 0
}

// priority says how good a cut after r, before next, is: 3 after a
// sentence, 2 after a comma or space, 1 between characters not of one
// word, 0 inside a word.
func priority(r, next rune) int {
	switch {
	case strings.ContainsRune("。；！？\n", r):
		return 3
	case strings.ContainsRune("，、：,; ", r):
		return 2
	case wordish(r) && wordish(next):
		return 0
	}
	return 1
}

// wordish reports whether r can be part of a word written with spaces
// around it (Latin letters, digits, their punctuation). Chinese characters
// and punctuation are not: a line may break between any two of them.
func wordish(r rune) bool {
	return r != 0 && r < 0x2000 && !unicode.IsSpace(r)
}

func reopen(stack []tag) string {
	var sb strings.Builder
	for _, t := range stack {
		sb.WriteString(t.raw)
	}
	return sb.String()
}

func closing(stack []tag) string {
	var sb strings.Builder
	for k := len(stack) - 1; k >= 0; k-- {
		sb.WriteString("</" + stack[k].name + ">")
	}
	return sb.String()
}

func closingLen(stack []tag) int { return utf16Len(closing(stack)) }

// closeLen is what closing the tags of stack costs at the end of rest: none
// when rest closes them itself.
func closeLen(stack []tag, rest string) int {
	s := append([]tag(nil), stack...)
	for i := 0; i < len(rest); {
		tok, kind := token(rest, i)
		if kind == tokTag {
			s = apply(s, tok)
		}
		i += len(tok)
	}
	return closingLen(s)
}

func appendPart(parts []string, p string) []string {
	if strings.TrimSpace(PlainText(p)) == "" {
		return parts
	}
	return append(parts, p)
}

// utf16Len is the length of s in UTF-16 code units, as Telegram counts.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
