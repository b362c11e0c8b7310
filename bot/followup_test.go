package bot

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFollowUp(t *testing.T) {
	tests := []struct{ prev, next, want string }{
		// No topic of its own: the earlier topic stays, the new aspect is added.
		{"大青山", "有哪些项目", "大青山 有哪些项目"},
		{"养老服务", "具体在哪", "养老服务 具体在哪"},
		{"北梁棚户区改造", "那什么时候完成呢", "北梁棚户区改造 什么时候完成"},
		// …and replaces the earlier words of the same aspect.
		{"森林覆盖率2020年是多少", "那2025年呢", "森林覆盖率是多少 2025年"},
		{"森林覆盖率2020年是多少", "那十四五期间呢", "森林覆盖率是多少 十四五期间"},
		{"养老服务怎么安排", "具体措施呢？", "养老服务安排 具体措施"},
		{"养老服务", "具体点", "养老服务 具体点"},
		{"养老服务", "能给我详细说说吗", "养老服务 能给我详细说说"},
		// A topic of its own replaces the earlier one; the earlier
		// aspects it does not ask about stay.
		{"森林覆盖率2025年目标是多少", "那草原呢", "草原 2025年 目标 是多少"},
		{"森林覆盖率", "什么是碳达峰", "什么是碳达峰"},
		{"大青山有哪些项目", "那黄河湿地呢", "黄河湿地 有哪些 项目"},
		// Nothing but markers: the earlier question again.
		{"养老服务", "呢？", "养老服务"},
		{"养老服务", "", "养老服务"},
		{"", "有哪些项目", "有哪些项目"},
	}
	for _, tt := range tests {
		if got := FollowUp(tt.prev, tt.next); got != tt.want {
			t.Errorf("FollowUp(%q, %q) = %q, want %q", tt.prev, tt.next, got, tt.want)
		}
	}
	// A long earlier question gives way to the follow-up, whole.
	long := strings.Repeat("养老服务体系建设", 25)
	got := FollowUp(long, "那2025年呢")
	if n := utf8.RuneCountInString(got); n > maxQuestion || !strings.HasSuffix(got, " 2025年") || !strings.HasPrefix(got, "养老服务") {
		t.Errorf("long: %d characters: %q", n, got)
	}
}

// TestFollowUpData checks the invariants of data/followup.txt: every line
// a class and its words, the special classes there, no word twice among
// the aspects, and no aspect that is only a filler.
func TestFollowUpData(t *testing.T) {
	classes := map[string]int{}
	seen := map[string]string{}
	fillers := map[string]bool{}
	for _, l := range classLines(followupData) {
		class := l.class
		if !l.ok {
			t.Errorf("line %d: %q is not class = words", l.n, class)
			continue
		}
		if classes[class] > 0 {
			t.Errorf("line %d: class %s again", l.n, class)
		}
		for _, w := range l.words {
			classes[class]++
			switch class {
			case "marker":
				continue
			case "filler":
				if fillers[w] {
					t.Errorf("filler %q twice", w)
				}
				fillers[w] = true
				continue
			}
			if c, dup := seen[w]; dup {
				t.Errorf("%q is of %s and %s", w, c, class)
			}
			seen[w] = class
		}
	}
	// An aspect word is not a filler too: it would be read as both.
	for w, class := range seen {
		if fillers[w] {
			t.Errorf("%q is of %s and a filler", w, class)
		}
	}
	for _, c := range []string{"marker", "filler", "year", "list", "place", "when", "amount"} {
		if classes[c] == 0 {
			t.Errorf("no words of class %s", c)
		}
	}
	if len(aspects.words) != len(seen) {
		t.Errorf("parsed %d aspect words, the file has %d", len(aspects.words), len(seen))
	}
}

// TestQuestionOf checks that the question a reply was for reads back from
// the reply's text, as the chat shows it, for every outcome and page, and
// for questions long or full of markup.
func TestQuestionOf(t *testing.T) {
	b := newBot(t)
	for _, q := range []string{
		"大青山", "区长是谁", "养老服务", "<b>森林</b> & “覆盖率”",
		strings.Repeat("森林覆盖率", 40), // 200 characters, the longest question
	} {
		for _, offset := range []int{0, 3, 29} {
			a := ask(t, b, q, AskOptions{Offset: offset})
			for _, chat := range []ChatType{Private, Group} {
				text := PlainText(TelegramHTML(a, chat))
				if got, ok := QuestionOf(text); !ok || got != q {
					t.Errorf("%.20q from %d (%s): read back %q, %v from\n%s", q, offset, a.Outcome, got, ok, text)
				}
			}
		}
	}
	for _, text := range []string{"", "森林覆盖率", "🔎 “没有结尾", "📊 指标18 · 森林覆盖率", "你好！我是东河区“十四五”规划纲要问答助手"} {
		if q, ok := QuestionOf(text); ok {
			t.Errorf("QuestionOf(%q) = %q", text, q)
		}
	}
}

// followUp replies to the bot's first reply rs with text, as Telegram
// delivers it: the reply carries the text of the message replied to, its
// markup gone.
func followUp(id int, chat ChatType, rs []Reply, text string) Message {
	return Message{ID: id, ChatType: chat, Text: text, ReplyToBot: true, ReplyText: PlainText(rs[0].HTML)}
}

func TestFollowUpInChat(t *testing.T) {
	b := newBot(t)
	// The acceptance check of the issue: 有哪些项目 in reply to the answer
	// for 大青山 leads with the project of 大青山, in a private chat and a
	// group alike.
	for _, chat := range []ChatType{Private, Group} {
		first := b.HandleMessage(Message{ID: 1, ChatType: chat, Text: "大青山", ReplyToBot: chat == Group})
		rs := b.HandleMessage(followUp(2, chat, first, "有哪些项目"))
		if len(rs) == 0 || rs[0].Answer == nil {
			t.Fatalf("%s: no answer to the follow-up", chat)
		}
		a := rs[0].Answer
		if a.Query != "大青山 有哪些项目" || a.Context != "大青山" || a.Question != "有哪些项目" {
			t.Errorf("%s: query %q, context %q, question %q", chat, a.Query, a.Context, a.Question)
		}
		if a.Results[0].Title != "大青山生态廊道建设工程后续管养项目" {
			t.Errorf("%s: follow-up leads with %q", chat, a.Results[0].Title)
		}
		if rs[0].ReplyTo != 2 {
			t.Errorf("threaded to %d, want the follow-up 2", rs[0].ReplyTo)
		}
		// Alone, 有哪些项目 is about any project.
		if alone := ask(t, b, "有哪些项目", AskOptions{}); len(alone.Results) > 0 && alone.Results[0].Title == a.Results[0].Title {
			t.Errorf("有哪些项目 alone leads with %q too: the follow-up proves nothing", alone.Results[0].Title)
		}
	}

	// A year in place of a year: the indicator, now of 2025.
	first := b.HandleMessage(private(1, "森林覆盖率2020年是多少"))
	rs := b.HandleMessage(followUp(2, Private, first, "那2025年呢"))
	if a := rs[0].Answer; a == nil || !strings.Contains(a.Query, "2025年") || strings.Contains(a.Query, "2020年") || a.Results[0].Title != "指标18 · 森林覆盖率" {
		t.Errorf("那2025年呢: %+v", rs[0].Answer)
	}

	// A follow-up of a follow-up reads back the question both make.
	second := b.HandleMessage(followUp(2, Private, b.HandleMessage(private(1, "大青山")), "有哪些项目"))
	third := b.HandleMessage(followUp(3, Private, second, "具体在哪"))
	if a := third[0].Answer; a == nil || a.Query != "大青山 有哪些项目 具体在哪" {
		t.Errorf("a follow-up of a follow-up: %+v", third[0].Answer)
	}

	// "More" under a follow-up's answer pages the question both make, read
	// from the message that carries the button.
	more := slices.IndexFunc(second[0].Answer.Actions, func(a Action) bool { return a.Do == ActMore })
	if more >= 0 {
		q := followUp(2, Private, nil, "有哪些项目")
		c := b.HandleCallback(Callback{Data: second[0].Answer.Actions[more].Button().Data, MessageID: 4,
			Text: PlainText(second[len(second)-1].HTML), Question: &q})
		contains(t, all(t, c.Replies), "“大青山 有哪些项目”的更多结果")
	}

	// Not follow-ups: a reply to the help, a command in reply to an answer.
	help := b.HandleMessage(private(1, "/help"))
	if a := b.HandleMessage(followUp(2, Private, help, "有哪些项目"))[0].Answer; a == nil || a.Context != "" {
		t.Errorf("a reply to the help read as a follow-up: %+v", a)
	}
	ans := b.HandleMessage(private(1, "大青山"))
	if a := b.HandleMessage(followUp(2, Private, ans, "/search 有哪些项目"))[0].Answer; a == nil || a.Query != "有哪些项目" {
		t.Errorf("/search in reply to an answer: %+v", a)
	}
}

func TestConsoleFollowUp(t *testing.T) {
	b := newBot(t)
	in := strings.NewReader("大青山\n那有哪些项目呢\n有哪些项目\n/toc\n那2025年呢\n")
	var out strings.Builder
	if err := Console(context.Background(), b, in, &out, false); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	contains(t, got, "🔎 “大青山 有哪些项目”，规划里这样写：\n\n1. 🏗 大青山生态廊道建设工程后续管养项目")
	// Without 那 or 呢, a line is a question of its own; and so is one
	// after a reply that is no answer.
	contains(t, got, "“有哪些项目”", "“那2025年呢”")
	lacks(t, got, "“大青山 有哪些项目 ")
	lacks(t, got, "有哪些项目 2025年")
}

// FuzzFollowUp reads any two texts as a question and its follow-up: no
// panic, valid text, never longer than the two together, and the quote of
// the result reads back.
func FuzzFollowUp(f *testing.F) {
	f.Add("森林覆盖率2020年是多少", "那2025年呢")
	f.Add("大青山", "有哪些项目")
	f.Add("2025", "20252025年呢呢那那")
	f.Add("\xff那", "呢\x00")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, prev, next string) {
		got := FollowUp(prev, next)
		if !utf8.ValidString(got) || got != cleanQuery(got) {
			t.Fatalf("FollowUp(%q, %q) = %q", prev, next, got)
		}
		if n := utf8.RuneCountInString(got); n > max(maxQuestion, utf8.RuneCountInString(cleanQuery(next)), utf8.RuneCountInString(cleanQuery(prev))) {
			t.Fatalf("FollowUp(%q, %q) = %q: %d characters", prev, next, got, n)
		}
		if got == "" || utf8.RuneCountInString(got) > 2*maxQuestion {
			return
		}
		a := Answer{Query: got, Outcome: OutcomeAnswer, Results: []Result{{Rank: 1, Kind: "passage", Text: "x"}}}
		if q, ok := QuestionOf(PlainText(TelegramHTML(a, Private))); !ok || q != got {
			t.Fatalf("%q read back as %q, %v", got, q, ok)
		}
	})
}

// TestClassLines checks how a data file of classes of words is read:
// comments and blank lines left out, a line not class = words marked.
func TestClassLines(t *testing.T) {
	got := classLines("# a comment\n\n year = 年 年份 \nno equals sign\ntwo words = x\n")
	want := []classLine{
		{n: 3, class: "year", words: []string{"年", "年份"}, ok: true},
		{n: 4, class: "no equals sign", words: []string{}, ok: false},
		{n: 5, class: "two words", words: []string{"x"}, ok: false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("classLines = %+v, want %+v", got, want)
	}
}
