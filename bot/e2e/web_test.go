package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestWebSameAsTelegram runs one planbot serve with both channels, Telegram
// (on the emulator) and the web (web.listen), asks each the same
// questions, follow-ups included (a reply to the bot's answer in the chat,
// the previous answer's query as the context on the web), and checks that
// the chat shows the very words the web's answer holds as text.
func TestWebSameAsTelegram(t *testing.T) {
	s := need(t)
	const tok = "123456784:AAE-web"
	addr := freeAddr(t)
	in := s.launch(t, tok, "  poll_timeout: 1s\nlimits: {per_chat: 1ms}\nweb: {listen: \""+addr+"\"}\nlog: {level: debug}\n")
	in.waitLog(t, "web serving")
	in.waitLog(t, "planbot: serving")

	chains := [][]string{
		{"森林覆盖率2020年是多少", "那2025年呢"},
		{"养老服务", "有哪些项目"},
		{"东河的公交线路"},
		{"地铁"},
		{"专栏9有哪些项目"},
		{"碳中和到底是啥意思"},
	}
	for i, chain := range chains {
		c := privateChat(int64(4000 + i))
		var prev *botMessage
		var context string
		for _, q := range chain {
			var extra map[string]any
			if prev != nil {
				extra = map[string]any{"reply_to_message": replyTo(c, *prev)}
			}
			if err := s.sayAs(tok, c, q, extra); err != nil {
				t.Fatal(err)
			}
			msgs := repliesAs(t, s, tok, c)
			var chat []string
			for _, m := range msgs {
				chat = append(chat, shown(m.Message.Text))
			}

			web := askWeb(t, "http://"+addr, q, context)
			if got := strings.Join(chat, "\n"); got != web.Text {
				t.Errorf("%q: the chat shows\n%s\nthe web's answer says\n%s", q, got, web.Text)
			}
			if web.Outcome == "" || web.Query == "" {
				t.Errorf("%q: web answer %+v", q, web)
			}
			last := msgs[len(msgs)-1]
			prev, context = &last, web.Query
		}
	}
}

// repliesAs waits for the messages the bot with token tok sends to chat c,
// until none has come for a moment.
func repliesAs(t *testing.T, s *stack, tok string, c chat) []botMessage {
	t.Helper()
	var got []botMessage
	deadline := time.Now().Add(30 * time.Second)
	quiet := 0
	for {
		var res struct {
			Result []botMessage `json:"result"`
		}
		s.post(t, "/getUpdates", map[string]any{"token": tok, "chatId": c.ID}, &res)
		got = append(got, res.Result...)
		switch {
		case len(res.Result) > 0:
			quiet = 0
		case len(got) > 0:
			quiet++
		}
		if quiet >= 5 {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("chat %d: no reply after 30s", c.ID)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type webAnswer struct {
	Query   string `json:"query"`
	Outcome string `json:"outcome"`
	Text    string `json:"text"`
}

// askWeb asks the web API with the previous answer's query as context.
func askWeb(t *testing.T, base, q, context string) webAnswer {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"q": q, "context": context})
	resp, err := http.Post(base+"/api/ask", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a webAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST /api/ask %q: %d %v", q, resp.StatusCode, err)
	}
	return a
}
