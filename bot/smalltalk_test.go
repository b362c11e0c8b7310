package bot

import (
	"strings"
	"testing"
	"unicode"
)

// TestSmallTalkData checks the invariants of data/smalltalk.txt: known
// classes, each phrase once, and phrases as SmallTalk reads messages
// (lowered letters and digits only), or they could never match.
func TestSmallTalkData(t *testing.T) {
	seen := map[string]bool{}
	n := 0
	for _, l := range classLines(smallTalkData) {
		if !l.ok || !map[string]bool{talkGreeting: true, talkThanks: true, talkAck: true, talkBye: true, talkParticle: true}[l.class] {
			t.Errorf("smalltalk.txt:%d: want class = phrases of a known class, not %q", l.n, l.class)
			continue
		}
		for _, w := range l.words {
			n++
			if seen[w] {
				t.Errorf("smalltalk.txt: %q twice", w)
			}
			seen[w] = true
			if strings.ToLower(w) != w || strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) >= 0 {
				t.Errorf("smalltalk.txt: %q is not lowered letters and digits", w)
			}
		}
	}
	if n != len(talk.phrases)+len(talk.particles) {
		t.Errorf("read %d phrases and particles of %d", len(talk.phrases)+len(talk.particles), n)
	}
}

func TestSmallTalk(t *testing.T) {
	for text, want := range map[string]string{
		"你好":        talkGreeting,
		"您好！":       talkGreeting,
		"你好，在吗？":    talkGreeting,
		"Hello!":    talkGreeting,
		"你好呀😀":      talkGreeting,
		"你好，我想问一下":  talkGreeting,
		"谢谢":        talkThanks,
		"好的，谢谢啦！":   talkThanks,
		"謝謝":        talkThanks,
		"Thank you": talkThanks,
		"好的":        talkAck,
		"嗯嗯 收到":     talkAck,
		"拜拜~":       talkBye,
		"谢谢，再见":     talkBye,
	} {
		if got, ok := SmallTalk(text); !ok || got != want {
			t.Errorf("SmallTalk(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
	// Anything besides small talk makes a question.
	for _, text := range []string{"你好，森林覆盖率是多少", "好学校有哪些", "谢谢政府", "再见了北梁", "可以吗", "早餐店", "拜年", "啊", "？？", "", "88888"} {
		if got, ok := SmallTalk(text); ok {
			t.Errorf("SmallTalk(%q) = %q, want a question", text, got)
		}
	}
}

// TestSmallTalkReplies checks what the bot answers to small talk: as such,
// in a private chat and to a mention in a group, also in reply to an
// answer, and nothing to an acknowledgement in a group.
func TestSmallTalkReplies(t *testing.T) {
	b := newBot(t)
	got := all(t, b.HandleMessage(private(3, "你好")))
	contains(t, got, "你好！", "直接发问题", "/help")
	if strings.Contains(got, "没有找到") {
		t.Errorf("a greeting was searched: %s", got)
	}
	contains(t, all(t, b.HandleMessage(mention(4, "", "@"+botName, " 你好"))), "@我 提问")
	thanks := Message{ID: 5, ChatType: Group, Text: "谢谢！", ReplyToBot: true, ReplyText: "🔎 “森林覆盖率”，规划里这样写："}
	contains(t, all(t, b.HandleMessage(thanks)), "不客气")
	contains(t, all(t, b.HandleMessage(private(6, "拜拜"))), "再见")
	contains(t, all(t, b.HandleMessage(private(7, "好的"))), "好的。")
	if rs := b.HandleMessage(Message{ID: 8, ChatType: Group, Text: "好的", ReplyToBot: true}); len(rs) > 0 {
		t.Errorf("an acknowledgement in a group answered: %q", rs[0].HTML)
	}
	if rs := b.HandleMessage(Message{ID: 9, ChatType: Group, Text: "你好"}); len(rs) > 0 {
		t.Errorf("a greeting not for the bot answered: %q", rs[0].HTML)
	}
}
