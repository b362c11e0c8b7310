package bot

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"planbot/index"
)

func TestCommands(t *testing.T) {
	b := newBot(t)
	tests := []struct {
		text string
		want []string
		not  []string
	}{
		{"/start", []string{"问答助手", "/indicator", "/define", "/toc", "森林覆盖率"}, nil},
		{"/help", []string{"直接发问题", "/search"}, nil},
		{"/search 森林覆盖率", []string{"指标18 · 森林覆盖率", "19.5"}, nil},
		{"/s 碳达峰", []string{"二氧化碳的排放不再增长"}, nil},
		{"/search", []string{"请在 /search 后"}, nil},
		{"/indicator 18", []string{"指标18 · 森林覆盖率", "2020年：19.3", "2025年目标：19.5", "年均/累计：[0.2]", "五年累计", "属性：约束性", "第一章 第三节"}, nil},
		{"/i 森林覆盖率", []string{"指标18 · 森林覆盖率"}, nil},
		{"/i 第十八项", []string{"指标18 · 森林覆盖率"}, nil},
		{"/i 1", []string{"地区生产总值增长率", "年均/累计：&gt;7（年均）", "注：地区生产总值增长率、全员劳动生产率按可比价计算"}, nil},
		{"/indicator 19", []string{"粮食综合生产能力", "单位：万吨", "[0.8]"}, nil},
		{"/indicator 99", []string{"没有第 99 项指标", "共 20 项"}, nil},
		{"/indicator 0", []string{"没有这一项指标"}, nil},
		{"/indicator 99999999999999999999", []string{"没有这一项指标"}, nil},
		{"/indicator", []string{"请写上指标的编号"}, nil},
		{"/indicator 火星基地", []string{"主要指标里没有", "/indicators"}, nil},
		{"/indicators", []string{"共 20 项", "经济发展", "安全保障", "18. 森林覆盖率（%）：2020年 19.3 → 2025年 19.5，五年累计 [0.2] · 约束性", "方括号"}, nil},
		{"/indicators 约束性", []string{"约束性指标", "18. 森林覆盖率", "9. 劳动年龄人口平均受教育年限"}, []string{"1. 地区生产总值增长率", "预期性"}},
		{"/indicators 预期性", []string{"1. 地区生产总值增长率"}, []string{"18. 森林覆盖率"}},
		{"/indicators 绿色生态", []string{"绿色生态类指标", "14. ", "18. 森林覆盖率"}, []string{"19. 粮食"}},
		{"/indicators 民生", []string{"民生福祉", "13. 人均预期寿命"}, []string{"18. 森林"}},
		{"/indicators 火星", []string{"没有“火星”这一类", "约束性", "绿色生态"}, nil},
		{"/define 碳达峰", []string{"“碳达峰”、“碳中和”", "二氧化碳的排放不再增长", "名词解释"}, nil},
		{"/term 什么是双循环", []string{"国内大循环为主体"}, nil},
		{"/define “新基建”是什么意思？", []string{"新型基础设施建设"}, nil},
		{"/define", []string{"名词解释", "共 18 条", "“夜间经济”"}, nil},
		{"/define 火星基地", []string{"名词解释里没有", "/search"}, nil},
		{"/toc", []string{"第一章 践行高质量发展新路子", "第九章", "第六节 加快健全养老服务体系"}, nil},
		{"/chapter 5", []string{"第五章 保持生态优先定力", "第二节 加强生态保护与修复", "一、继续推进水污染治理", "专栏8"}, nil},
		{"/chapter 第五章", []string{"第五章 保持生态优先定力"}, nil},
		{"/chapter 五", []string{"第五章 保持生态优先定力"}, nil},
		{"/chapter 10", []string{"规划共 9 章"}, nil},
		{"/chapter", []string{"请写上章号"}, nil},
		{"/nonsense", []string{"我不认识命令 /nonsense"}, nil},
		{"/INDICATOR 18", []string{"森林覆盖率"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			rs := b.HandleMessage(private(7, tt.text))
			if len(rs) == 0 {
				t.Fatal("no reply")
			}
			for _, r := range rs {
				if r.ReplyTo != 7 {
					t.Errorf("reply threaded to %d, want 7", r.ReplyTo)
				}
			}
			got := all(t, rs)
			contains(t, got, tt.want...)
			lacks(t, got, tt.not...)
		})
	}
}

func TestCommandButtons(t *testing.T) {
	b := newBot(t)
	toc := buttons(b.HandleMessage(private(1, "/toc")))
	if len(toc) != 9 || toc[0] != "c:1" || toc[8] != "c:9" {
		t.Errorf("/toc buttons = %v, want c:1…c:9", toc)
	}
	ch := buttons(b.HandleMessage(private(1, "/chapter 1")))
	if want := []string{"s:1.1.0", "s:1.2.0", "s:1.3.0", "t:1.0", "c:0", "c:2"}; !slices.Equal(ch, want) {
		t.Errorf("/chapter 1 buttons = %v, want %v", ch, want)
	}
	ind := buttons(b.HandleMessage(private(1, "/i 率")))
	if len(ind) < 4 || !slices.Contains(ind, "i:18") {
		t.Errorf("/i 率 buttons = %v, want several i:N with i:18", ind)
	}
}

func TestQuestions(t *testing.T) {
	b := newBot(t)
	tests := []struct {
		text string
		want []string
	}{
		{"森林覆盖率", []string{"📊 <b>指标18 · 森林覆盖率</b>", "2025年目标：19.5"}},
		{"什么是碳达峰", []string{"📖", "二氧化碳的排放不再增长", "名词解释"}},
		{"夜间经济是什么意思", []string{"当日18时至次日凌晨2时"}},
		{"养老服务", []string{"📄", "<b>养老", "第八章 第六节 · 加快健全养老服务体系"}},
		{"xyzzy", []string{"规划里没有找到与“xyzzy”有关的内容", "/indicators", "/define", "/toc"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := all(t, b.HandleMessage(private(3, tt.text)))
			contains(t, got, tt.want...)
		})
	}
}

// mention builds a group message that mentions name at the start of
// before+name+after, with the entity's offset in UTF-16 units.
func mention(id int, before, name, after string) Message {
	off := len(utf16.Encode([]rune(before)))
	return Message{ID: id, ChatType: Group, Text: before + name + after,
		Entities: []Entity{{Type: "mention", Offset: off, Length: len(utf16.Encode([]rune(name)))}}}
}

func TestGroupRules(t *testing.T) {
	b := newBot(t)
	cmd := func(text string) Message {
		return Message{ID: 9, ChatType: Supergroup, Text: text,
			Entities: []Entity{{Type: "bot_command", Offset: 0, Length: len(strings.Fields(text)[0])}}}
	}
	tests := []struct {
		name   string
		m      Message
		answer bool
		want   string
	}{
		{"chatter", Message{ID: 9, ChatType: Group, Text: "森林覆盖率"}, false, ""},
		{"chatter in supergroup", Message{ID: 9, ChatType: Supergroup, Text: "今天开会吗"}, false, ""},
		{"mention", mention(9, "", "@"+botName, " 森林覆盖率"), true, "指标18"},
		{"mention, other case", mention(9, "", "@donghebot", " 森林覆盖率"), true, "指标18"},
		{"mention after emoji", mention(9, "👍🏽 请问 ", "@"+botName, " 森林覆盖率"), true, "指标18"},
		{"mention of another bot", mention(9, "", "@OtherBot", " 森林覆盖率"), false, ""},
		{"mention entity out of range", Message{ID: 9, ChatType: Group, Text: "@" + botName,
			Entities: []Entity{{Type: "mention", Offset: 5, Length: 40}}}, false, ""},
		{"mention alone", mention(9, "", "@"+botName, ""), true, "请告诉我想了解"},
		{"reply to the bot", Message{ID: 9, ChatType: Group, Text: "森林覆盖率", ReplyToBot: true}, true, "指标18"},
		{"command", cmd("/indicator 18"), true, "指标18"},
		{"command for this bot", cmd("/indicator@" + botName + " 18"), true, "指标18"},
		{"command for this bot, lower case", cmd("/indicator@donghebot 18"), true, "指标18"},
		{"command for another bot", cmd("/indicator@OtherBot 18"), false, ""},
		{"start for another bot", cmd("/start@OtherBot"), false, ""},
		{"unknown command", cmd("/weather"), false, ""},
		{"unknown command for this bot", cmd("/weather@" + botName), true, "我不认识命令"},
		{"help in a group", cmd("/help@" + botName), true, "在群里请 @我"},
		{"sticker replying to the bot", Message{ID: 9, ChatType: Group, Media: "sticker", ReplyToBot: true}, false, ""},
		{"from a bot", Message{ID: 9, ChatType: Group, Text: "/indicator 18", FromBot: true}, false, ""},
		{"edited", Message{ID: 9, ChatType: Group, Text: "/indicator 18", Edited: true}, false, ""},
		{"channel post", Message{ID: 9, ChatType: Channel, Text: "/indicator 18"}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := b.HandleMessage(tt.m)
			if !tt.answer {
				if len(rs) > 0 {
					t.Fatalf("answered %q", rs[0].HTML)
				}
				return
			}
			if len(rs) == 0 {
				t.Fatal("no answer")
			}
			if rs[0].ReplyTo != tt.m.ID {
				t.Errorf("threaded to %d, want %d", rs[0].ReplyTo, tt.m.ID)
			}
			contains(t, all(t, rs), tt.want)
		})
	}
}

func TestUnsupportedInput(t *testing.T) {
	b := newBot(t)
	long := strings.Repeat("森林覆盖率", 1000)
	tests := []struct {
		name string
		m    Message
		want string // "" for no reply
	}{
		{"sticker", Message{ID: 1, ChatType: Private, Media: "sticker"}, "我只读得懂文字"},
		{"photo", Message{ID: 1, ChatType: Private, Media: "photo"}, "我只读得懂文字"},
		{"voice", Message{ID: 1, ChatType: Private, Media: "voice"}, "我只读得懂文字"},
		{"empty", private(1, ""), "请告诉我想了解"},
		{"blank", private(1, " \n\t\u200b "), "请告诉我想了解"},
		{"edited", Message{ID: 1, ChatType: Private, Text: "森林覆盖率", Edited: true}, ""},
		{"5000 characters", private(1, long), "问题太长了（5000 字）"},
		{"markup", private(1, `<script>alert("x")</script> & <b>森林</b>`), "&lt;script&gt;"},
		{"entity look-alike", private(1, "&lt;b&gt; 森林 &amp;"), "&amp;lt;b&amp;gt;"},
		{"invalid UTF-8", private(1, "森林\xff\xfe覆盖率"), "森林"},
		{"control characters", private(1, "森林\x00\x1b[31m覆盖率"), "森林"},
		{"long search", private(1, "/search "+long), "问题太长了"},
		{"only a slash", private(1, "/"), "请告诉我想了解"},
		{"only punctuation", private(1, "？？！"), "请告诉我想了解"},
		{"only emoji", private(1, "😀😀👍🏽"), "请告诉我想了解"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := b.HandleMessage(tt.m)
			if tt.want == "" {
				if len(rs) > 0 {
					t.Fatalf("answered %q", rs[0].HTML)
				}
				return
			}
			got := all(t, rs)
			contains(t, got, tt.want)
			if strings.Contains(got, "<script") || strings.Contains(got, "\xff") {
				t.Errorf("unescaped input in %q", got)
			}
		})
	}
}

func TestPaging(t *testing.T) {
	b, f := newFakeBot(t, 7)
	first := b.HandleMessage(private(40, "养老服务"))
	got := all(t, first)
	contains(t, got, "<b>1.</b>", "<b>3.</b>")
	lacks(t, got, "<b>4.</b>")
	if bs := buttons(first); !slices.Contains(bs, "m:3") || !slices.Contains(bs, "p:"+f.plan.Passages[0].ID) {
		t.Fatalf("first page buttons = %v, want m:3 and p:<id>", bs)
	}

	// The bot's answer replies to the question, so Telegram sends the
	// question back with the press of "more".
	q := private(40, "养老服务")
	a := b.HandleCallback(Callback{Data: "m:3", MessageID: 41, Question: &q})
	if a.Notice != "" || len(a.Replies) == 0 {
		t.Fatalf("more: %+v", a)
	}
	if f.last() != "养老服务" {
		t.Errorf("searched %q, want the question back", f.last())
	}
	got = all(t, a.Replies)
	contains(t, got, "第 4–6 条", "<b>4.</b>", "<b>6.</b>")
	if a.Replies[0].ReplyTo != 40 {
		t.Errorf("more threaded to %d, want the question 40", a.Replies[0].ReplyTo)
	}
	if !slices.Contains(buttons(a.Replies), "m:6") {
		t.Errorf("second page lacks m:6: %v", buttons(a.Replies))
	}
	last := b.HandleCallback(Callback{Data: "m:6", MessageID: 42, Question: &q})
	contains(t, all(t, last.Replies), "<b>7.</b>")
	if slices.ContainsFunc(buttons(last.Replies), func(d string) bool { return strings.HasPrefix(d, "m:") }) {
		t.Errorf("last page offers more: %v", buttons(last.Replies))
	}
	past := b.HandleCallback(Callback{Data: "m:9", MessageID: 42, Question: &q})
	contains(t, all(t, past.Replies), "没有更多结果")

	// The question recovered from a search command and from a mention.
	for _, qm := range []Message{
		private(50, "/search 森林 覆盖"),
		{ID: 50, ChatType: Group, Text: "/s@" + botName + " 森林 覆盖"},
		mention(50, "", "@"+botName, " 森林 覆盖"),
	} {
		b.HandleCallback(Callback{Data: "m:3", MessageID: 51, Question: &qm})
		if f.last() != "森林 覆盖" {
			t.Errorf("question %q: searched %q, want 森林 覆盖", qm.Text, f.last())
		}
	}

	stale := []Callback{
		{Data: "m:3"}, // the question is gone
		{Data: "m:3", Question: &Message{ID: 1, ChatType: Private, Text: "/indicator 18"}},
		{Data: "m:3", Question: &Message{ID: 1, ChatType: Private, Text: "  "}},
		{Data: "m:abc", Question: &q},
		{Data: "m:-3", Question: &q},
		{Data: "m:99999", Question: &q},
		{Data: "p:nope"},
		{Data: "i:0"},
		{Data: "i:x"},
		{Data: "c:99"},
		{Data: "zz"},
		{Data: ""},
		{Data: "p:" + strings.Repeat("x", 100)},
	}
	for _, c := range stale {
		a := b.HandleCallback(c)
		if a.Notice == "" || len(a.Replies) > 0 {
			t.Errorf("callback %q: %+v, want a notice only", c.Data, a)
		}
	}
}

func TestPagingSmall(t *testing.T) {
	b, _ := newFakeBot(t, 1)
	rs := b.HandleMessage(private(1, "x"))
	got := all(t, rs)
	lacks(t, got, "<b>1.</b>")
	if slices.ContainsFunc(buttons(rs), func(d string) bool { return strings.HasPrefix(d, "m:") }) {
		t.Errorf("one result offers more: %v", buttons(rs))
	}
	b, _ = newFakeBot(t, 0)
	contains(t, all(t, b.HandleMessage(private(1, "x"))), "规划里没有找到")
}

func TestCallbacks(t *testing.T) {
	b := newBot(t)
	plan := b.plan
	p := plan.Passages[10]
	a := b.HandleCallback(Callback{Data: "p:" + p.ID, MessageID: 5})
	got := all(t, a.Replies)
	contains(t, got, esc(p.Text), esc(p.Location))
	if a.Replies[0].ReplyTo != 5 {
		t.Errorf("full text threaded to %d, want 5", a.Replies[0].ReplyTo)
	}
	contains(t, all(t, b.HandleCallback(Callback{Data: "i:18"}).Replies), "森林覆盖率")
	contains(t, all(t, b.HandleCallback(Callback{Data: "c:5"}).Replies), "第五章")

	// A real answer's full-text button opens the passage it quotes.
	rs := b.HandleMessage(private(1, "养老服务"))
	for _, d := range buttons(rs) {
		if strings.HasPrefix(d, "p:") {
			a := b.HandleCallback(Callback{Data: d, MessageID: 2})
			contains(t, all(t, a.Replies), "第八章")
			return
		}
	}
	t.Errorf("no full-text button in %v", buttons(rs))
}

func TestInline(t *testing.T) {
	b := newBot(t)
	a := b.HandleInline(InlineQuery{Query: "森林覆盖率"})
	if len(a.Results) == 0 || a.Results[0].ID != "i18" {
		t.Fatalf("inline 森林覆盖率 = %+v, want the card of indicator 18 first", a.Results)
	}
	contains(t, a.Results[0].HTML, "2025年目标：19.5")
	contains(t, a.Results[0].Title, "森林覆盖率")
	if a.Results[0].Description == "" {
		t.Error("no description")
	}
	seen := map[string]bool{}
	for _, r := range a.Results {
		checkHTML(t, r.HTML)
		if seen[r.ID] || len(r.ID) > 64 {
			t.Errorf("bad or repeated ID %q", r.ID)
		}
		seen[r.ID] = true
	}
	kinds := map[string]bool{}
	for _, q := range []string{"碳达峰", "养老服务"} {
		for _, r := range b.HandleInline(InlineQuery{Query: q}).Results {
			kinds[r.HTML[:4]] = true
		}
	}
	if !kinds["📖"] || !kinds["📄"] {
		t.Errorf("inline answers lack definitions or passages: %v", kinds)
	}
	if n := len(b.HandleInline(InlineQuery{}).Results); n != 20 {
		t.Errorf("empty inline query offers %d cards, want the 20 indicators", n)
	}
	if n := len(b.HandleInline(InlineQuery{Query: strings.Repeat("森", 300)}).Results); n != 0 {
		t.Errorf("a 300-character inline query offers %d results", n)
	}

	fb, _ := newFakeBot(t, 25)
	p1 := fb.HandleInline(InlineQuery{Query: "x"})
	if len(p1.Results) != 10 || p1.NextOffset != "10" {
		t.Fatalf("page 1: %d results, next %q", len(p1.Results), p1.NextOffset)
	}
	p3 := fb.HandleInline(InlineQuery{Query: "x", Offset: "20"})
	if len(p3.Results) != 5 || p3.NextOffset != "" {
		t.Errorf("page 3: %d results, next %q", len(p3.Results), p3.NextOffset)
	}
	if bad := fb.HandleInline(InlineQuery{Query: "x", Offset: "zz"}); len(bad.Results) != 10 {
		t.Errorf("bad offset: %d results", len(bad.Results))
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		text, name, target, args string
		ok                       bool
	}{
		{"/start", "start", "", "", true},
		{"/Indicator@DongheBot  18 ", "indicator", "DongheBot", "18", true},
		{"/s\n森林", "s", "", "森林", true},
		{"/i@bot", "i", "bot", "", true},
		{"/森林", "", "", "", false},
		{"森林 /start", "", "", "", false},
		{"/start@", "", "", "", false},
		{"/start-now", "", "", "", false},
	}
	for _, tt := range tests {
		name, target, args, ok := parseCommand(tt.text)
		if name != tt.name || target != tt.target || args != tt.args || ok != tt.ok {
			t.Errorf("parseCommand(%q) = %q %q %q %v, want %q %q %q %v", tt.text, name, target, args, ok, tt.name, tt.target, tt.args, tt.ok)
		}
	}
}

func TestUTF16Span(t *testing.T) {
	s := "😀 @bot 好"
	tests := []struct {
		off, n     int
		start, end int
		ok         bool
	}{
		{3, 4, 5, 9, true},  // @bot after a surrogate pair and a space
		{0, 2, 0, 4, true},  // the emoji
		{1, 2, 0, 0, false}, // inside the surrogate pair
		{8, 1, 10, 13, true},
		{8, 2, 0, 0, false}, // past the end
		{-1, 2, 0, 0, false},
		{0, 0, 0, 0, false},
	}
	for _, tt := range tests {
		start, end, ok := utf16Span(s, tt.off, tt.n)
		if start != tt.start || end != tt.end || ok != tt.ok {
			t.Errorf("utf16Span(%d, %d) = %d %d %v, want %d %d %v", tt.off, tt.n, start, end, ok, tt.start, tt.end, tt.ok)
		}
	}
}

func TestParseNumber(t *testing.T) {
	for s, want := range map[string]int{"18": 18, "第18项": 18, "十八": 18, "第五章": 5, "五": 5, "１８": 18, "指标 3": 3} {
		if n, ok := parseNumber(s); !ok || n != want {
			t.Errorf("parseNumber(%q) = %d %v, want %d", s, n, ok, want)
		}
	}
	for s, want := range map[string]int{"0": 0, "99999999999999999999": 0} {
		if n, ok := parseNumber(s); !ok || n != want {
			t.Errorf("parseNumber(%q) = %d %v, want %d true", s, n, ok, want)
		}
	}
	for _, s := range []string{"", "森林", "18a", "-1"} {
		if n, ok := parseNumber(s); ok {
			t.Errorf("parseNumber(%q) = %d, want none", s, n)
		}
	}
}

func TestHighlight(t *testing.T) {
	tests := []struct {
		excerpt string
		spans   []index.Span
		want    string
	}{
		{"森林覆盖率达到19.5%", []index.Span{{Start: 0, End: 6}}, "<b>森林</b>覆盖率达到19.5%"},
		{"a<b & c", []index.Span{{Start: 2, End: 3}}, "a&lt;<b>b</b> &amp; c"},
		{"森林覆盖率", []index.Span{{Start: 6, End: 15}, {Start: 0, End: 3}}, "<b>森</b>林<b>覆盖率</b>"},
		{"森林", []index.Span{{Start: 1, End: 3}}, "森林"},                                // cuts a character
		{"森林", []index.Span{{Start: 0, End: 99}}, "森林"},                               // out of range
		{"森林覆盖", []index.Span{{Start: 0, End: 6}, {Start: 3, End: 9}}, "<b>森林</b>覆盖"}, // overlap
	}
	for _, tt := range tests {
		if got := highlight(tt.excerpt, tt.spans); got != tt.want {
			t.Errorf("highlight(%q, %v) = %q, want %q", tt.excerpt, tt.spans, got, tt.want)
		}
	}
}

func FuzzHandleMessage(f *testing.F) {
	f.Add("森林覆盖率", 0, 0, true)
	f.Add("@DongheBot 森林", 0, 10, false)
	f.Add("/i@DongheBot 18", 0, 13, false)
	f.Add("<b>&amp;</b>", 1, 3, false)
	f.Add("/search \xff", 2, 5, true)
	b := newBot(f)
	f.Fuzz(func(t *testing.T, text string, off, n int, priv bool) {
		ct := Group
		if priv {
			ct = Private
		}
		m := Message{ID: 1, ChatType: ct, Text: text, Entities: []Entity{{Type: "mention", Offset: off, Length: n}}}
		for _, r := range b.HandleMessage(m) {
			if err := validHTML(r.HTML); err != nil {
				t.Fatalf("%v: %q", err, r.HTML)
			}
		}
		q := m
		a := b.HandleCallback(Callback{Data: "m:3", Question: &q})
		for _, r := range a.Replies {
			if err := validHTML(r.HTML); err != nil {
				t.Fatalf("%v: %q", err, r.HTML)
			}
		}
	})
}
