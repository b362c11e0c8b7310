package bot

import (
	_ "embed"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Follow-up questions: 有哪些项目 in reply to the answer about 大青山 asks
// for the projects of 大青山. The bot keeps no conversation: the earlier
// question comes back in the text of the answer replied to (QuestionOf),
// and FollowUp reads the two together by the vocabulary of data/followup.txt.

//go:embed data/followup.txt
var followupData string

// aspects is the vocabulary of follow-ups, read once from followupData.
var aspects = parseAspects(followupData)

// vocabulary holds the words of data/followup.txt by class.
type vocabulary struct {
	// words are the aspect words, the longest first, with their class.
	words   []classWord
	markers []string // the longest first
	fillers []string // the longest first
}

type classWord struct{ class, word string }

// parseAspects reads the data file: class = words, # comments.
func parseAspects(data string) vocabulary {
	var v vocabulary
	for _, l := range classLines(data) {
		if !l.ok {
			continue // the file's test rejects such a line
		}
		for _, w := range l.words {
			switch l.class {
			case "marker":
				v.markers = append(v.markers, w)
			case "filler":
				v.fillers = append(v.fillers, w)
			default:
				v.words = append(v.words, classWord{l.class, w})
			}
		}
	}
	longest := func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) }
	slices.SortStableFunc(v.words, func(a, b classWord) int { return longest(a.word, b.word) })
	slices.SortStableFunc(v.markers, longest)
	slices.SortStableFunc(v.fillers, longest)
	return v
}

// yearRe matches a year in digits: 2025年, 2025.
var yearRe = regexp.MustCompile(`^(?:19|20)[0-9]{2}(?:年)?`)

// aspect is a word of a question that asks about an aspect of its topic.
type aspect struct {
	class      string
	start, end int // bytes of the question
}

// reading is a question taken apart: its aspect words and whether anything
// is left that names a topic.
type reading struct {
	aspects []aspect
	topic   bool
}

// read takes a question apart.
func (v vocabulary) read(q string) reading {
	var r reading
	frag := 0 // start of the current stretch of topic
	endFrag := func(end int) {
		if v.trimFillers(q[frag:end]) != "" {
			r.topic = true
		}
	}
	for i := 0; i < len(q); {
		if m := yearRe.FindString(q[i:]); m != "" && (i == 0 || !isDigit(q[i-1])) && !startsDigit(q[i+len(m):]) {
			endFrag(i)
			r.aspects = append(r.aspects, aspect{"year", i, i + len(m)})
			i += len(m)
			frag = i
			continue
		}
		if cw, ok := v.wordAt(q[i:]); ok {
			endFrag(i)
			r.aspects = append(r.aspects, aspect{cw.class, i, i + len(cw.word)})
			i += len(cw.word)
			frag = i
			continue
		}
		_, n := utf8.DecodeRuneInString(q[i:])
		i += n
	}
	endFrag(len(q))
	return r
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func startsDigit(s string) bool { return s != "" && isDigit(s[0]) }

// wordAt finds the longest aspect word at the start of s.
func (v vocabulary) wordAt(s string) (classWord, bool) {
	for _, cw := range v.words {
		if strings.HasPrefix(s, cw.word) {
			return cw, true
		}
	}
	return classWord{}, false
}

// trimFillers trims fillers, punctuation and space from both ends of s.
func (v vocabulary) trimFillers(s string) string {
	for {
		t := strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })
		for _, f := range v.fillers {
			t = strings.TrimPrefix(t, f)
			t = strings.TrimSuffix(t, f)
		}
		if t == s {
			return s
		}
		s = t
	}
}

// trimMarkers drops the words that mark a follow-up from the ends of s.
func (v vocabulary) trimMarkers(s string) string {
	for {
		t := strings.TrimSpace(s)
		for _, m := range v.markers {
			t = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(t, m), m))
		}
		if t == s {
			return s
		}
		s = t
	}
}

// FollowUp reads the follow-up question next with the question prev it
// follows, and returns the question they ask together. A follow-up that
// names no topic of its own keeps prev's topic: prev is kept, less its
// words of the aspects next asks about, and next is added (大青山 +
// 有哪些项目 = 大青山 有哪些项目; 森林覆盖率2020年是多少 + 那2025年呢 =
// 森林覆盖率是多少 2025年). A follow-up with a topic of its own replaces
// prev's, and keeps prev's aspects it does not ask about itself
// (森林覆盖率2025年目标是多少 + 那草原呢 = 草原 2025年 目标 是多少).
func FollowUp(prev, next string) string {
	return aspects.followUp(cleanQuery(prev), cleanQuery(next))
}

func (v vocabulary) followUp(prev, next string) string {
	next = v.trimMarkers(next)
	if next == "" {
		return prev
	}
	if prev == "" {
		return next
	}
	p, n := v.read(prev), v.read(next)
	asked := map[string]bool{}
	for _, a := range n.aspects {
		asked[a.class] = true
	}
	var sb strings.Builder
	if n.topic {
		sb.WriteString(next)
		size := utf8.RuneCountInString(next)
		for _, a := range p.aspects {
			w := prev[a.start:a.end]
			if size += 1 + utf8.RuneCountInString(w); !asked[a.class] && size <= maxQuestion {
				sb.WriteString(" " + w)
			}
		}
		return cleanQuery(sb.String())
	}
	last := 0
	for _, a := range p.aspects {
		if asked[a.class] {
			sb.WriteString(prev[last:a.start])
			last = a.end
		}
	}
	sb.WriteString(prev[last:])
	kept := strings.TrimSpace(sb.String())
	// A long earlier question gives way: the two together stay within what
	// a question may be (when the follow-up is), the follow-up whole.
	room := maxQuestion - utf8.RuneCountInString(next) - 1
	if utf8.RuneCountInString(kept) > room {
		kept = string([]rune(kept)[:max(room, 0)])
	}
	return cleanQuery(kept + " " + next)
}

// classLine is a line of a data file of classes of words (followup.txt,
// smalltalk.txt): class = words.
type classLine struct {
	n     int // the line's number, from 1
	class string
	words []string
	ok    bool // whether it reads class = words; the file's test rejects it when not
}

// classLines reads the lines of a data file of classes of words, leaving
// out blank lines and # comments.
func classLines(data string) []classLine {
	var out []classLine
	for i, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		class, words, ok := strings.Cut(line, "=")
		class = strings.TrimSpace(class)
		ok = ok && class != "" && !strings.ContainsAny(class, " \t")
		out = append(out, classLine{n: i + 1, class: class, words: strings.Fields(words), ok: ok})
	}
	return out
}
