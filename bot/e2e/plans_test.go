package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// repliesAs waits for n messages from the bot of botToken in chat c.
func (s *stack) repliesAs(t *testing.T, botToken string, c chat, n int) []botMessage {
	t.Helper()
	var got []botMessage
	deadline := time.Now().Add(30 * time.Second)
	for len(got) < n {
		var res struct {
			Result []botMessage `json:"result"`
		}
		s.post(t, "/getUpdates", map[string]any{"token": botToken, "chatId": c.ID}, &res)
		got = append(got, res.Result...)
		if len(got) >= n {
			break
		}
		if time.Now().After(deadline) {
			s.alive(t)
			t.Fatalf("chat %d: %d of %d replies after 30s: %+v", c.ID, len(got), n, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return got
}

// buttonNamed returns the callback data of the button of m with text.
func (m botMessage) buttonNamed(text string) string {
	if m.Message.ReplyMarkup == nil {
		return ""
	}
	for _, row := range m.Message.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if b.Text == text {
				return b.Data
			}
		}
	}
	return ""
}

func lacksText(t *testing.T, m botMessage, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(m.Message.Text, b) {
			t.Errorf("reply holds %q:\n%s", b, m.Message.Text)
		}
	}
}

// TestPlans runs planbot serve with two plans: the built-in one and the
// small plan of the family as 南京市's 十五五. Answers carry their plan's
// name; /plan chooses a plan, kept across a restart; a question naming a
// plan searches only it; /compare shows one indicator of both; SIGHUP
// reloads the plans.
func TestPlans(t *testing.T) {
	s := need(t)
	const tok = "123456784:AAE-plans"
	dir := t.TempDir()
	src, err := os.ReadFile("../../corpus/testdata/mini.md")
	if err != nil {
		t.Fatal(err)
	}
	mini := strings.Replace(string(src), "**某某区国民经济和社会发展  \n第十四个五年规划纲要**", "**南京市国民经济和社会发展第十五个五年规划纲要**", 1)
	nanjing := filepath.Join(dir, "nanjing.md")
	if err := os.WriteFile(nanjing, []byte(mini), 0o600); err != nil {
		t.Fatal(err)
	}
	config := "  poll_timeout: 1s\nlimits: {per_chat: 50ms}\nlog: {level: debug}\n" +
		"data:\n  dir: " + filepath.Join(dir, "data") + "\n" +
		"plans:\n  - name: 东河区“十四五”\n    default: true\n  - file: " + nanjing + "\n"
	in := s.launch(t, tok, config)
	in.waitLog(t, "planbot: serving")

	// Every plan answers, each result with its plan's name.
	all := privateChat(4001)
	s.sayAs(tok, all, "森林覆盖率", nil)
	has(t, s.repliesAs(t, tok, all, 1)[0], "东河区“十四五” · ", "南京市“十五五” · ")

	// /plan lists both; a press chooses 南京市“十五五”.
	c := privateChat(4002)
	s.sayAs(tok, c, "/plan", nil)
	list := s.repliesAs(t, tok, c, 1)[0]
	has(t, list, "东河区“十四五”", "南京市“十五五”")
	choose := list.buttonNamed("南京市“十五五”")
	if choose == "" {
		t.Fatalf("no button for 南京市“十五五”:\n%+v", list.Message.ReplyMarkup)
	}
	s.post(t, "/sendCallback", map[string]any{"botToken": tok, "from": from, "data": choose,
		"message": map[string]any{"message_id": list.MessageID, "date": time.Now().Unix(), "chat": c.json(),
			"from": map[string]any{"id": botID, "is_bot": true, "first_name": "Bot"}, "text": list.Message.Text}}, nil)
	has(t, s.repliesAs(t, tok, c, 1)[0], "只在<b>南京市“十五五”</b>中查找")
	s.sayAs(tok, c, "森林覆盖率", nil)
	r := s.repliesAs(t, tok, c, 1)[0]
	has(t, r, "南京市“十五五” · ")
	lacksText(t, r, "东河区“十四五” · ")

	// A restart: the choice is kept in the data directory.
	if err := in.stop(t, syscall.SIGTERM); err != nil {
		t.Fatalf("stop: %v", err)
	}
	in = s.launch(t, tok, config)
	in.waitLog(t, "planbot: serving")
	s.sayAs(tok, c, "森林覆盖率", nil)
	r = s.repliesAs(t, tok, c, 1)[0]
	has(t, r, "南京市“十五五” · ")
	lacksText(t, r, "东河区“十四五” · ")

	// A question naming the other plan searches only it.
	s.sayAs(tok, c, "东河区的森林覆盖率", nil)
	r = s.repliesAs(t, tok, c, 1)[0]
	has(t, r, "东河区“十四五” · ", "19.5")
	lacksText(t, r, "南京市“十五五” · ")

	// /compare: the indicator of both plans, and the prose's figures apart.
	s.sayAs(tok, c, "/compare 森林覆盖率", nil)
	has(t, s.repliesAs(t, tok, c, 1)[0], "<b>东河区“十四五”</b>：森林覆盖率", "2025年 19.5", "<b>南京市“十五五”</b>：森林覆盖率", "2025年 21", "正文中的数字")

	// SIGHUP: the plans are read again, here under a new name.
	cfg := in.cmd.Args[3] // serve -config FILE
	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(cfg, []byte(strings.Replace(string(text), "  - file: "+nanjing+"\n", "  - file: "+nanjing+"\n    name: 金陵“十五五”\n", 1)), 0o600)
	if err := in.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	in.waitLog(t, "plans reloaded")
	s.sayAs(tok, all, "/plan", nil)
	has(t, s.repliesAs(t, tok, all, 1)[0], "金陵“十五五”")
	if err := in.stop(t, syscall.SIGTERM); err != nil {
		t.Fatalf("stop: %v", err)
	}
}
