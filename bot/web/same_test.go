package web

import (
	"encoding/json"
	"strings"
	"testing"

	"planbot/bot"
)

// TestSameAnswersAsTelegram asks the same questions on the web and in a
// Telegram private chat and checks that the answers are the same: the same
// outcome and kind, the same results in the same order, and the same words
// once rendered for the chat. Follow-ups are asked as each channel asks
// them: in Telegram as a reply to the bot's answer, on the web with what
// the previous answer searched as the context; "more" as the button and
// as the offset.
func TestSameAnswersAsTelegram(t *testing.T) {
	s := newServer(t, unlimited)
	tg := botOf(t, testIndex(t), bot.Options{})
	questions := [][]string{
		{"森林覆盖率"},
		{"四上企业指哪几类"},
		{"沙尔沁镇种中药材有什么规划"},
		{"无废城市是个啥概念"},
		{"南海湖的水太脏了有没有治理计划"},
		{"防返贫监测，边缘户收入线是多少钱"},
		{"东河人均寿命能到80岁吗"},
		{"城区道路改造投了多少钱，改多少条路"},
		{"空气优良天数比例有指标吗"},
		{"沙尔亲蔬菜有品牌吗"},
		{"碳中和到底是啥意思"},
		{"原铝产能2025年多少"},
		{"養老服務"},
		{"東河區有沒有規劃地鐵？啥時候能通"},
		{"东河现在二手房房价大概多少钱一平"},
		{"包头一中今年录取分数线多少"},
		{"北梁"},
		{"东河区有多少人口"},
		{"专栏9有哪些项目"},
		{"预期性指标有几项"},
		{"东河的公交线路"},
		{"  <b>养老</b>\t服务  "},
		{"森林覆盖率2020年是多少", "那2025年呢"},
		{"养老服务", "那医疗呢"},
		{"原铝产能", "2020年呢"},
	}
	outcomes := map[bot.Outcome]int{}
	for _, chain := range questions {
		t.Run(strings.Join(chain, "→"), func(t *testing.T) {
			var prevReply string // the bot's last answer as the chat shows it
			var prevQuery string // what the web's last answer searched
			for i, q := range chain {
				m := bot.Message{ID: 10 + i, ChatType: bot.Private, Text: q}
				if i > 0 {
					m.ReplyToBot, m.ReplyText = true, prevReply
				}
				replies := tg.HandleMessage(m)
				if len(replies) == 0 || replies[0].Answer == nil {
					t.Fatalf("%q: Telegram gave no answer: %+v", q, replies)
				}
				want := *replies[0].Answer
				body, _ := json.Marshal(askRequest{Q: q, Context: prevQuery})
				got := askJSON(t, s, string(body))
				compare(t, q, got, want)
				outcomes[want.Outcome]++

				var html []string
				for _, r := range replies {
					html = append(html, r.HTML)
				}
				if chat := bot.TelegramHTML(core(got), bot.Private); chat != strings.Join(html, "\n") &&
					chat != strings.Join(html, "\n\n") {
					t.Errorf("%q: the web's answer, rendered for the chat, differs from Telegram's:\n%s\n---\n%s", q, chat, strings.Join(html, "\n"))
				}
				prevReply = bot.PlainText(strings.Join(html, "\n"))
				prevQuery = got.Query

				// The next page: the button under the chat's answer, and
				// offset on the web.
				if want.Next == 0 {
					continue
				}
				cb := tg.HandleCallback(bot.Callback{Data: moreData(t, replies), MessageID: 100, Text: prevReply, Question: &m})
				if len(cb.Replies) == 0 || cb.Replies[0].Answer == nil {
					t.Fatalf("%q: no second page in Telegram: %+v", q, cb)
				}
				body, _ = json.Marshal(askRequest{Q: got.Query, Offset: got.Next})
				compare(t, q+" (more)", askJSON(t, s, string(body)), *cb.Replies[0].Answer)
			}
		})
	}
	if outcomes[bot.OutcomeAnswer] == 0 || outcomes[bot.OutcomeOffer] == 0 || outcomes[bot.OutcomeDecline] == 0 {
		t.Errorf("the questions do not cover the outcomes: %v", outcomes)
	}
}

// compare checks that the web's answer is the chat's.
func compare(t *testing.T, q string, got answer, want bot.Answer) {
	t.Helper()
	if got.Outcome != want.Outcome || got.Kind != want.Kind || got.Query != want.Query || got.Offset != want.Offset || got.Next != want.Next {
		t.Errorf("%q: web %s/%s %q offset %d next %d; Telegram %s/%s %q offset %d next %d", q,
			got.Outcome, got.Kind, got.Query, got.Offset, got.Next, want.Outcome, want.Kind, want.Query, want.Offset, want.Next)
	}
	var g, w []string
	for _, r := range got.Results {
		g = append(g, r.ID+" "+r.Title+" "+r.Location)
	}
	for _, r := range want.Results {
		w = append(w, r.ID+" "+r.Title+" "+r.Location)
	}
	if strings.Join(g, "\n") != strings.Join(w, "\n") {
		t.Errorf("%q: web results\n%s\nTelegram results\n%s", q, strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
	if got.Answered != (want.Outcome == bot.OutcomeAnswer) {
		t.Errorf("%q: answered %v for outcome %s", q, got.Answered, want.Outcome)
	}
}

// core is the bot's answer a JSON answer of the web holds, its fields
// that the web shows its own way (results, plan) included.
func core(a answer) bot.Answer {
	c := a.Answer
	c.Plan = a.Plan.Name
	c.Results = []bot.Result{}
	for _, r := range a.Results {
		c.Results = append(c.Results, r.Result)
	}
	return c
}

// moreData is the callback data of the "more" button under replies.
func moreData(t *testing.T, replies []bot.Reply) string {
	t.Helper()
	for _, r := range replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Data, "m:") {
					return b.Data
				}
			}
		}
	}
	t.Fatal("no more button")
	return ""
}
