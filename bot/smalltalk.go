package bot

import (
	_ "embed"
	"slices"
	"strings"
	"unicode"
)

// Small talk: a message that only greets (你好, 在吗), thanks (谢谢),
// acknowledges (好的) or takes leave (再见) is answered as such, by the
// phrases of data/smalltalk.txt, rather than searched in the plans, which
// would say they do not mention 你好.

//go:embed data/smalltalk.txt
var smallTalkData string

// The classes of small talk.
const (
	talkGreeting = "greeting"
	talkThanks   = "thanks"
	talkAck      = "ack"
	talkBye      = "bye"
	talkParticle = "particle"
)

// talk holds the phrases of data/smalltalk.txt, the longest first, and
// the particles that may close one.
var talk = parseTalk(smallTalkData)

type talkData struct {
	phrases   []classWord
	particles []string
}

// parseTalk reads the data file: class = phrases, # comments.
func parseTalk(data string) talkData {
	var t talkData
	for _, l := range classLines(data) {
		if !l.ok {
			continue // the file's test rejects such a line
		}
		for _, w := range l.words {
			if l.class == talkParticle {
				t.particles = append(t.particles, w)
			} else {
				t.phrases = append(t.phrases, classWord{l.class, w})
			}
		}
	}
	longest := func(a, b string) int { return len(b) - len(a) }
	slices.SortStableFunc(t.phrases, func(a, b classWord) int { return longest(a.word, b.word) })
	slices.SortStableFunc(t.particles, longest)
	return t
}

// SmallTalk reports the class of small talk a message is (greeting,
// thanks, ack, bye), or false when it asks or says anything else.
func SmallTalk(text string) (string, bool) {
	var sb strings.Builder
	for _, r := range strings.ToLower(text) {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			sb.WriteRune(r)
		}
	}
	rest, class := sb.String(), ""
	for rest != "" {
		i := slices.IndexFunc(talk.phrases, func(p classWord) bool { return strings.HasPrefix(rest, p.word) })
		if i >= 0 {
			class, rest = talk.phrases[i].class, rest[len(talk.phrases[i].word):]
			continue
		}
		j := slices.IndexFunc(talk.particles, func(p string) bool { return strings.HasPrefix(rest, p) })
		if j < 0 || class == "" {
			return "", false
		}
		rest = rest[len(talk.particles[j]):]
	}
	return class, class != ""
}

// smallTalk is the reply to a message of small talk of class, in a chat of
// type chat: none to an acknowledgement in a group.
func (b *Bot) smallTalk(class string, chat ChatType, question string) string {
	private := chat == Private || chat == ""
	switch class {
	case talkGreeting:
		how := "直接发问题就行"
		if !private {
			how = "@我 提问就行"
		}
		s := "你好！我是" + esc(b.shortTitle()) + "问答助手，回答时引用规划原文并注明出处。\n" + how
		if ex := b.example(question); ex != "" {
			s += "，例如：“" + esc(ex) + "”"
		}
		return s + "\n发送 /help 查看全部用法。"
	case talkThanks:
		return "不客气！还想了解规划的什么，直接问我就行。"
	case talkBye:
		return "再见！有问题随时来问。"
	case talkAck:
		if private {
			return "好的。还想了解规划的什么，直接问我就行。"
		}
	}
	return ""
}
