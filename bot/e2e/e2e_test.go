package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// chat is a conversation the tests write in; each test has its own, so
// that flood limits and replies do not mix.
type chat struct {
	ID    int64
	Type  string // private, group, supergroup
	Title string
}

func privateChat(id int64) chat { return chat{ID: id, Type: "private"} }
func groupChat(id int64) chat   { return chat{ID: id, Type: "group", Title: "东河街道居民群"} }

// The user who writes, as the emulator's updates carry it.
var from = map[string]any{"id": 7001, "is_bot": false, "first_name": "王", "username": "wang"}

func (c chat) json() map[string]any {
	m := map[string]any{"id": c.ID, "type": c.Type}
	if c.Title != "" {
		m["title"] = c.Title
	} else {
		m["first_name"] = "王"
	}
	return m
}

// entity is a message entity, offsets in UTF-16 units of text.
func entity(typ, text, part string) map[string]any {
	i := strings.Index(text, part)
	return map[string]any{
		"type":   typ,
		"offset": len(utf16.Encode([]rune(text[:i]))),
		"length": len(utf16.Encode([]rune(part))),
	}
}

// say sends a user's message; extra fields are merged in.
func (s *stack) say(t *testing.T, c chat, text string, extra map[string]any) {
	t.Helper()
	if err := s.sayAs(token, c, text, extra); err != nil {
		t.Fatal(err)
	}
}

// sayAs sends a user's message to the bot with the token given; it may run
// on any goroutine.
func (s *stack) sayAs(botToken string, c chat, text string, extra map[string]any) error {
	msg := map[string]any{
		"botToken": botToken,
		"from":     from,
		"chat":     c.json(),
		"date":     time.Now().Unix(),
		"text":     text,
	}
	if strings.HasPrefix(text, "/") {
		cmd := strings.Fields(text)[0]
		msg["entities"] = []any{entity("bot_command", text, cmd)}
	}
	for k, v := range extra {
		if v == nil {
			delete(msg, k)
		} else {
			msg[k] = v
		}
	}
	return s.postErr("/sendMessage", msg, nil)
}

// botMessage is a message the bot sent, as the emulator stores it: the
// form parameters of sendMessage.
type botMessage struct {
	MessageID int `json:"messageId"`
	Message   struct {
		ChatID      json.Number `json:"chat_id"`
		Text        string      `json:"text"`
		ParseMode   string      `json:"parse_mode"`
		ReplyTo     json.Number `json:"reply_to_message_id"`
		ReplyParams string      `json:"reply_parameters"`
		ReplyMarkup *struct {
			InlineKeyboard [][]struct {
				Text string `json:"text"`
				Data string `json:"callback_data"`
			} `json:"inline_keyboard"`
		} `json:"reply_markup"`
	} `json:"message"`
}

// button returns the callback data of the button whose data starts with
// prefix.
func (m botMessage) button(prefix string) string {
	if m.Message.ReplyMarkup == nil {
		return ""
	}
	for _, row := range m.Message.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if strings.HasPrefix(b.Data, prefix) {
				return b.Data
			}
		}
	}
	return ""
}

// replies waits for n messages from the bot in chat c, in the order sent.
func (s *stack) replies(t *testing.T, c chat, n int) []botMessage {
	t.Helper()
	got := s.repliesAs(t, token, c, n)
	for _, m := range got {
		if m.Message.ParseMode != "HTML" {
			t.Errorf("reply sent without HTML parse mode: %q", m.Message.Text)
		}
		if strings.Contains(m.Message.Text, "<script") || strings.Contains(m.Message.Text, "e2e_secret") {
			t.Errorf("unsafe reply: %q", m.Message.Text)
		}
	}
	return got
}

// userMessageID finds the ID the emulator gave the user's last message
// with this text in chat c.
func (s *stack) userMessageID(t *testing.T, c chat, text string) int {
	t.Helper()
	var res struct {
		Result []struct {
			MessageID int `json:"messageId"`
			Message   struct {
				Text string `json:"text"`
				Chat *struct {
					ID int64 `json:"id"`
				} `json:"chat"`
			} `json:"message"`
		} `json:"result"`
	}
	s.post(t, "/getUpdatesHistory", map[string]any{"token": token}, &res)
	id := 0
	for _, u := range res.Result {
		if u.Message.Chat != nil && u.Message.Chat.ID == c.ID && u.Message.Text == text {
			id = u.MessageID
		}
	}
	if id == 0 {
		t.Fatalf("chat %d: no user message %q", c.ID, text)
	}
	return id
}

// press presses a button of the bot's message m, which replied to the
// user's question (nil: Telegram did not send the question along).
func (s *stack) press(t *testing.T, c chat, m botMessage, data string, question map[string]any) {
	t.Helper()
	msg := map[string]any{
		"message_id": m.MessageID,
		"date":       time.Now().Unix(),
		"chat":       c.json(),
		"from":       map[string]any{"id": botID, "is_bot": true, "first_name": "Bot", "username": botName},
		"text":       m.Message.Text,
	}
	if question != nil {
		msg["reply_to_message"] = question
	}
	if m.Message.ReplyMarkup != nil {
		// Telegram sends the pressed message with its keyboard.
		msg["reply_markup"] = m.Message.ReplyMarkup
	}
	s.post(t, "/sendCallback", map[string]any{
		"botToken": token,
		"from":     from,
		"data":     data,
		"message":  msg,
	}, nil)
}

func has(t *testing.T, m botMessage, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(m.Message.Text, w) {
			t.Errorf("reply lacks %q:\n%s", w, m.Message.Text)
		}
	}
}

func TestStart(t *testing.T) {
	s := need(t)
	c := privateChat(1001)
	s.say(t, c, "/start", nil)
	r := s.replies(t, c, 1)[0]
	has(t, r, "问答助手", "/indicator", "/define", "/toc")
	if want := s.userMessageID(t, c, "/start"); r.Message.ReplyTo.String() != fmt.Sprint(want) {
		t.Errorf("reply threaded to %s, want %d", r.Message.ReplyTo, want)
	}
}

func TestIndicatorByNumber(t *testing.T) {
	s := need(t)
	c := privateChat(1002)
	s.say(t, c, "/indicator 18", nil)
	has(t, s.replies(t, c, 1)[0], "指标18 · 森林覆盖率", "2020年：19.3", "2025年目标：19.5", "[0.2]", "五年累计", "约束性", "第一章 第三节")
}

func TestIndicatorByName(t *testing.T) {
	s := need(t)
	c := privateChat(1003)
	s.say(t, c, "/i 粮食综合生产能力", nil)
	has(t, s.replies(t, c, 1)[0], "指标19 · 粮食综合生产能力", "单位：万吨", "2025年目标：7.5")
}

func TestQuestion(t *testing.T) {
	s := need(t)
	c := privateChat(1004)
	s.say(t, c, "森林覆盖率的目标是多少？", nil)
	has(t, s.replies(t, c, 1)[0], "森林覆盖率", "19.5")
}

func TestGlossaryQuestion(t *testing.T) {
	s := need(t)
	c := privateChat(1005)
	s.say(t, c, "什么是碳达峰", nil)
	has(t, s.replies(t, c, 1)[0], "碳达峰", "二氧化碳的排放不再增长", "名词解释")
}

func TestGroup(t *testing.T) {
	s := need(t)
	c := groupChat(-2001)
	// Chatter and another bot's command are ignored; this bot's command
	// and a mention of it are answered, threaded. A chat's updates are
	// handled in order, so when the answers come, the ignored messages
	// have been handled already.
	s.say(t, c, "今天下午开会吗？森林覆盖率", nil)
	s.say(t, c, "/indicator@OtherBot 18", nil)
	s.say(t, c, "/indicator@"+botName+" 18", nil)
	mentionText := "👍 @" + botName + " 什么是碳达峰"
	s.say(t, c, mentionText, map[string]any{"entities": []any{entity("mention", mentionText, "@"+botName)}})
	rs := s.replies(t, c, 2)
	if len(rs) != 2 {
		t.Fatalf("group got %d replies, want 2", len(rs))
	}
	has(t, rs[0], "指标18 · 森林覆盖率")
	has(t, rs[1], "二氧化碳的排放不再增长")
	if want := s.userMessageID(t, c, "/indicator@"+botName+" 18"); rs[0].Message.ReplyTo.String() != fmt.Sprint(want) {
		t.Errorf("command answer threaded to %s, want %d", rs[0].Message.ReplyTo, want)
	}
	if want := s.userMessageID(t, c, mentionText); rs[1].Message.ReplyTo.String() != fmt.Sprint(want) {
		t.Errorf("mention answer threaded to %s, want %d", rs[1].Message.ReplyTo, want)
	}
	// One more round: nothing else arrived for the ignored messages.
	s.say(t, c, "/toc@"+botName, nil)
	if r := s.replies(t, c, 1); len(r) != 1 || !strings.Contains(r[0].Message.Text, "第一章") {
		t.Errorf("after /toc: %+v", r)
	}
}

func TestMoreButton(t *testing.T) {
	s := need(t)
	c := privateChat(1006)
	q := "养老服务"
	s.say(t, c, q, nil)
	first := s.replies(t, c, 1)[0]
	more := first.button("m:")
	if more == "" {
		t.Fatalf("no more button under %q", first.Message.Text)
	}
	qid := s.userMessageID(t, c, q)
	question := map[string]any{"message_id": qid, "date": 1, "chat": c.json(), "from": from, "text": q}

	s.press(t, c, first, more, question)
	second := s.replies(t, c, 1)[0]
	has(t, second, "“养老服务”的更多结果（第 4–")
	if second.Message.ReplyTo.String() != fmt.Sprint(qid) {
		t.Errorf("more threaded to %s, want the question %d", second.Message.ReplyTo, qid)
	}

	full := first.button("p:")
	if full == "" {
		t.Fatalf("no full-text button under %q", first.Message.Text)
	}
	s.press(t, c, first, full, question)
	has(t, s.replies(t, c, 1)[0], "第八章")

	// Without the question (deleted, or too old for Telegram to send it)
	// the press gets a notice, not a message; the chat goes on.
	s.press(t, c, first, more, nil)
	s.press(t, c, first, "x:stale", question)
	s.say(t, c, "/indicator 1", nil)
	r := s.replies(t, c, 1)
	has(t, r[0], "地区生产总值增长率")
}

func TestHostileInput(t *testing.T) {
	s := need(t)
	c := privateChat(1007)
	s.say(t, c, `<script>alert("x")</script> &amp; <b>森林</b>`, nil)
	s.say(t, c, strings.Repeat("森林覆盖率", 1000), nil)
	s.say(t, c, "", nil)
	s.say(t, c, "", map[string]any{"text": nil, "sticker": map[string]any{"file_id": "x", "file_unique_id": "x", "width": 512, "height": 512, "is_animated": false}})
	s.say(t, c, "森林", map[string]any{"entities": []any{map[string]any{"type": "mention", "offset": 99, "length": -3}}})
	s.say(t, c, "/indicator 99999999999999999999", nil)
	s.say(t, c, "/start", nil)
	rs := s.replies(t, c, 7)
	want := []string{"&lt;script&gt;", "问题太长了（5000 字）", "请告诉我想了解", "我只读得懂文字", "森林", "没有这一项指标", "问答助手"}
	for i, w := range want {
		has(t, rs[i], w)
	}
	// A group: the same garbage, not addressed to the bot, is ignored.
	g := groupChat(-2002)
	s.say(t, g, "<b>"+strings.Repeat("x", 5000), nil)
	s.say(t, g, "", map[string]any{"text": nil, "sticker": map[string]any{"file_id": "x", "file_unique_id": "x", "width": 1, "height": 1, "is_animated": false}})
	s.say(t, g, "/help@"+botName, nil)
	if r := s.replies(t, g, 1); len(r) != 1 || !strings.Contains(r[0].Message.Text, "在群里请 @我") {
		t.Errorf("group after garbage: %+v", r)
	}
	s.alive(t)
}

// TestStats checks that what is asked is recorded in the data directory and
// that /stats shows it to an admin (user 7001 in the configuration) and to
// nobody else.
func TestStats(t *testing.T) {
	s := need(t)
	c := privateChat(1020)
	s.say(t, c, "森林覆盖率", nil)
	s.say(t, c, "东河区有地铁吗", nil)
	s.replies(t, c, 2)
	s.say(t, c, "/stats", nil)
	has(t, s.replies(t, c, 1)[0], "提问统计", "森林覆盖率", "东河区有地铁吗")

	other := privateChat(1021)
	s.say(t, other, "/stats", map[string]any{"from": map[string]any{"id": 7002, "is_bot": false, "first_name": "李"}})
	r := s.replies(t, other, 1)[0]
	if strings.Contains(r.Message.Text, "森林覆盖率") {
		t.Errorf("a non-admin sees the statistics: %s", r.Message.Text)
	}
}
