package e2e

import (
	"fmt"
	"html"
	"regexp"
	"testing"
	"time"
)

// The emulator (telegram-test-api 4.2.1) stores a bot's message as it was
// sent and passes a user's message on as the test writes it; it does not
// make reply_to_message itself. replyTo writes it as Telegram does: the
// bot's message, its text as the chat shows it (the HTML parsed, markup
// gone), without a reply_to_message of its own.
func replyTo(c chat, m botMessage) map[string]any {
	return map[string]any{
		"message_id": m.MessageID,
		"date":       time.Now().Unix(),
		"chat":       c.json(),
		"from":       map[string]any{"id": botID, "is_bot": true, "first_name": "Bot", "username": botName},
		"text":       shown(m.Message.Text),
	}
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

// shown is the text a chat shows of a message sent in Telegram's HTML.
func shown(s string) string { return html.UnescapeString(tagRe.ReplaceAllString(s, "")) }

// TestFollowUp replies to the bot's answers with follow-up questions, which
// the bot reads with the question the answer quotes: the check (有哪
// 些项目 in reply to the answer for 大青山 leads with the project of 大青山)
// in a group, a year for a year in a private chat, and "more" under a
// follow-up's answer.
func TestFollowUp(t *testing.T) {
	s := need(t)
	g := groupChat(-2010)
	ask := "@" + botName + " 大青山"
	s.say(t, g, ask, map[string]any{"entities": []any{entity("mention", ask, "@"+botName)}})
	first := s.replies(t, g, 1)[0]
	has(t, first, "🔎 “大青山”，规划里这样写：")

	s.say(t, g, "有哪些项目", map[string]any{"reply_to_message": replyTo(g, first)})
	second := s.replies(t, g, 1)[0]
	has(t, second, "🔎 “大青山 有哪些项目”，规划里这样写：\n\n<b>1.</b> 🏗 大青山生态廊道建设工程后续管养项目")
	if want := s.userMessageID(t, g, "有哪些项目"); second.Message.ReplyTo.String() != fmt.Sprint(want) {
		t.Errorf("follow-up answer threaded to %s, want %d", second.Message.ReplyTo, want)
	}
	// A follow-up of the follow-up.
	s.say(t, g, "具体在哪", map[string]any{"reply_to_message": replyTo(g, second)})
	has(t, s.replies(t, g, 1)[0], "🔎 “大青山 有哪些项目 具体在哪”")

	// "More" under a follow-up's answer pages the question both make: the
	// button's message quotes it.
	p := privateChat(1031)
	s.say(t, p, "养老服务", nil)
	s.say(t, p, "有哪些项目", map[string]any{"reply_to_message": replyTo(p, s.replies(t, p, 1)[0])})
	page := s.replies(t, p, 1)[0]
	has(t, page, "🔎 “养老服务 有哪些项目”，规划里这样写：")
	more := page.button("m:")
	if more == "" {
		t.Fatalf("no more button under %q", page.Message.Text)
	}
	qid := s.userMessageID(t, p, "有哪些项目")
	question := map[string]any{"message_id": qid, "date": 1, "chat": p.json(), "from": from, "text": "有哪些项目"}
	pressShown(t, s, p, page, more, question)
	has(t, s.replies(t, p, 1)[0], "“养老服务 有哪些项目”的更多结果")

	p = privateChat(1030)
	s.say(t, p, "森林覆盖率2020年是多少", nil)
	answer := s.replies(t, p, 1)[0]
	s.say(t, p, "那2025年呢", map[string]any{"reply_to_message": replyTo(p, answer)})
	has(t, s.replies(t, p, 1)[0], "🔎 “森林覆盖率是多少 2025年”", "指标18 · 森林覆盖率", "2025年目标：19.5")
	s.alive(t)
}

// pressShown presses a button as press does, the bot's message carrying
// its text as the chat shows it, as Telegram sends it.
func pressShown(t *testing.T, s *stack, c chat, m botMessage, data string, question map[string]any) {
	t.Helper()
	msg := replyTo(c, m)
	msg["reply_to_message"] = question
	s.post(t, "/sendCallback", map[string]any{"botToken": token, "from": from, "data": data, "message": msg}, nil)
}
