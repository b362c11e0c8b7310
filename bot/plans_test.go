package bot

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"planbot/bot/stats"
	"planbot/corpus"
	"planbot/index"
)

// twoPlans is the built-in plan beside the small plan of the family
// (corpus/testdata/mini.md) as 南京市's 十五五: a library of two.
var twoPlans = sync.OnceValues(func() (*index.Library, error) {
	dh, err := corpus.Default()
	if err != nil {
		return nil, err
	}
	src, err := os.ReadFile("../corpus/testdata/mini.md")
	if err != nil {
		return nil, err
	}
	nj, err := corpus.Parse("nanjing.md", []byte(strings.Replace(string(src),
		"**某某区国民经济和社会发展  \n第十四个五年规划纲要**", "**南京市国民经济和社会发展第十五个五年规划纲要**", 1)))
	if err != nil {
		return nil, err
	}
	var idxs []*index.Index
	for _, pl := range []*corpus.Plan{dh, nj} {
		idx, err := index.New(pl)
		if err != nil {
			return nil, err
		}
		idxs = append(idxs, idx)
	}
	return index.NewLibrary(idxs, "")
})

func newTwoPlanBot(t *testing.T, chats ChatPlans) *Bot {
	t.Helper()
	lib, err := twoPlans()
	if err != nil {
		t.Fatal(err)
	}
	var plans []Plan
	for _, idx := range lib.Plans() {
		plans = append(plans, Plan{Name: idx.Name(), Plan: idx.Plan()})
	}
	return New(plans, lib, Options{Username: botName, Chats: chats})
}

func chatMsg(chat int64, text string) Message {
	return Message{ID: 1, ChatID: chat, ChatType: Private, Text: text, FromID: 7}
}

// TestPlanChoice checks /plan: it lists the plans with a button each, a
// press keeps the chat's choice in the store, a bot started anew over the
// same store keeps it, and answers then come from the chosen plan.
func TestPlanChoice(t *testing.T) {
	st, err := stats.Open(filepath.Join(t.TempDir(), "stats.db"), stats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b := newTwoPlanBot(t, st)
	const chat = 42
	rs := b.HandleMessage(chatMsg(chat, "/plan"))
	got := all(t, rs)
	contains(t, got, "东河区“十四五”", "南京市“十五五”", "所有规划")
	var nanjing string
	for _, row := range rs[len(rs)-1].Buttons {
		for _, btn := range row {
			if btn.Text == "南京市“十五五”" {
				nanjing = btn.Data
			}
		}
	}
	if nanjing == "" {
		t.Fatalf("no button for 南京市“十五五”: %+v", rs[len(rs)-1].Buttons)
	}
	// Before a choice: both plans answer, each result named.
	a := all(t, b.HandleMessage(chatMsg(chat, "森林覆盖率")))
	contains(t, a, "📍 <i>东河区“十四五” · ", "📍 <i>南京市“十五五” · ")
	ans := b.HandleCallback(Callback{Data: nanjing, ChatID: chat, ChatType: Private, FromID: 7, MessageID: 2})
	if ans.Notice != "已选择：南京市“十五五”" {
		t.Errorf("notice %q", ans.Notice)
	}
	// A restart: a new bot over the same store.
	b2 := newTwoPlanBot(t, st)
	a = all(t, b2.HandleMessage(chatMsg(chat, "森林覆盖率")))
	contains(t, a, "📍 <i>南京市“十五五” · ")
	lacks(t, a, "东河区“十四五” · ")
	// Browsing reads the chosen plan: its two indicators.
	contains(t, all(t, b2.HandleMessage(chatMsg(chat, "/indicators"))), "共 2 项")
	// A question naming the other plan searches it, whatever the choice.
	a = all(t, b2.HandleMessage(chatMsg(chat, "东河区的森林覆盖率")))
	contains(t, a, "📍 <i>东河区“十四五” · ")
	lacks(t, a, "南京市“十五五” · ")
	// Another chat keeps no choice.
	contains(t, all(t, b2.HandleMessage(chatMsg(43, "森林覆盖率"))), "东河区“十四五” · ", "南京市“十五五” · ")
	// All plans again.
	b2.HandleCallback(Callback{Data: callbackPlan + "*", ChatID: chat, ChatType: Private})
	contains(t, all(t, b2.HandleMessage(chatMsg(chat, "森林覆盖率"))), "东河区“十四五” · ", "南京市“十五五” · ")
	// In a group only its admins choose.
	g := Callback{Data: nanjing, ChatID: -100, ChatType: Supergroup, FromID: 8,
		IsChatAdmin: func(context.Context) bool { return false }}
	if ans := b2.HandleCallback(g); ans.Notice != adminsOnly {
		t.Errorf("a member chose the group's plan: %q", ans.Notice)
	}
	g.IsChatAdmin = func(context.Context) bool { return true }
	if ans := b2.HandleCallback(g); ans.Notice != "已选择：南京市“十五五”" {
		t.Errorf("an admin could not choose the group's plan: %q", ans.Notice)
	}
}

// TestPlanWithoutStore checks that /plan says a choice cannot be kept.
func TestPlanWithoutStore(t *testing.T) {
	b := newTwoPlanBot(t, nil)
	rs := b.HandleMessage(chatMsg(1, "/plan"))
	contains(t, all(t, rs), "东河区“十四五”", "没有配置数据存储")
	if len(rs[len(rs)-1].Buttons) != 0 {
		t.Errorf("buttons without a store: %+v", rs[len(rs)-1].Buttons)
	}
	if ans := b.HandleCallback(Callback{Data: callbackPlan + "*", ChatID: 1, ChatType: Private}); ans.Notice != noStoreNote {
		t.Errorf("notice %q", ans.Notice)
	}
}

// TestCompare checks /compare and a question that compares plans: the
// indicator of each plan with its years and values as printed, and the
// prose's figures apart.
func TestCompare(t *testing.T) {
	b := newTwoPlanBot(t, nil)
	for _, q := range []string{"/compare 森林覆盖率", "十五五森林覆盖率目标比十四五高多少"} {
		rs := b.HandleMessage(chatMsg(1, q))
		got := all(t, rs)
		contains(t, got, "⚖️",
			"<b>东河区“十四五”</b>：森林覆盖率，单位 %：2020年 19.3 → 2025年 19.5（约束性）",
			"<b>南京市“十五五”</b>：森林覆盖率，单位 %：2020年 20 → 2025年 21（约束性）",
			"正文中的数字")
		if rs[0].Kind != KindCompare || rs[0].Answer == nil || rs[0].Answer.Comparison == nil {
			t.Errorf("%s: kind %s", q, rs[0].Kind)
		}
		table, prose, _ := strings.Cut(got, "正文中的数字")
		if strings.Contains(table, "24.7%") || !strings.Contains(prose, "24.7%") {
			t.Errorf("%s: the prose's figure is not apart from the table's:\n%s", q, got)
		}
	}
	// Names vary: GDP is 地区生产总值 in the plans' words.
	contains(t, all(t, b.HandleMessage(chatMsg(1, "/compare GDP"))), "地区生产总值增长率，单位 %：2020年 1.9")
	contains(t, all(t, b.HandleMessage(chatMsg(1, "/compare 摩天轮"))), "没有找到")
	contains(t, all(t, b.HandleMessage(chatMsg(1, "/compare"))), "/compare 森林覆盖率")
}
