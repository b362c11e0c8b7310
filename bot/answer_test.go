package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"planbot/index"
)

func ask(t *testing.T, b *Bot, q string, opts AskOptions) Answer {
	t.Helper()
	a, err := b.Ask(context.Background(), q, opts)
	if err != nil {
		t.Fatalf("Ask(%q): %v", q, err)
	}
	return a
}

func TestAskAnswers(t *testing.T) {
	b := newBot(t)
	tests := []struct {
		q     string
		kind  string
		first string // the first result's title
	}{
		{"森林覆盖率的目标是多少？", KindIndicator, "指标18 · 森林覆盖率"},
		{"什么是碳达峰", KindTerm, "名词解释 · “碳达峰”、“碳中和”"},
		{"大青山", KindProject, "大青山生态廊道建设工程后续管养项目"},
		{"原铝产能2025年多少", KindTarget, "原铝产能"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			a := ask(t, b, tt.q, AskOptions{})
			if a.Outcome != OutcomeAnswer || a.Kind != tt.kind {
				t.Fatalf("outcome %s, kind %s; want answer, %s", a.Outcome, a.Kind, tt.kind)
			}
			if a.Results[0].Title != tt.first || a.Results[0].Rank != 1 || a.Results[0].Location == "" {
				t.Errorf("first result %+v, want %q ranked 1 with its location", a.Results[0], tt.first)
			}
			if a.Question != tt.q || a.Query != tt.q || a.Plan != "东河区“十四五”" {
				t.Errorf("question %q, query %q, plan %q", a.Question, a.Query, a.Plan)
			}
			html := TelegramHTML(a, Private)
			contains(t, html, "🔎 “"+esc(tt.q)+"”，规划里这样写：")
			checkHTML(t, html)
			// The chat's replies are the value rendered, of its kind.
			rs := b.HandleMessage(private(9, tt.q))
			if rs[0].HTML != html || rs[0].Kind != tt.kind || rs[0].Answer == nil {
				t.Errorf("reply %+v differs from the rendered answer", rs[0])
			}
		})
	}
	// The value's JSON form, as the web API gives it.
	data, err := json.Marshal(ask(t, b, "森林覆盖率", AskOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"outcome":"answer"`, `"kind":"indicator"`, `"missing":[]`, `"number":18`, `"actions":[`} {
		contains(t, string(data), field)
	}
}

func TestAskDeclines(t *testing.T) {
	f := &fakeRecorder{}
	b := newRecordingBot(t, f)
	for _, q := range []string{"区长是谁", "东河区有地铁吗", "xyzzy"} {
		t.Run(q, func(t *testing.T) {
			a := ask(t, b, q, AskOptions{})
			if a.Outcome != OutcomeDecline || a.Kind != KindNotFound || len(a.Results) != 0 || len(a.Actions) != 0 {
				t.Fatalf("%+v, want a decline without results or actions", a)
			}
			if a.Example == "" || !slices.Contains(b.Examples(), a.Example) {
				t.Errorf("example %q is not one of the plan's", a.Example)
			}
			rs := b.HandleMessage(private(3, q))
			got := all(t, rs)
			contains(t, got, "规划里没有找到与“"+esc(q)+"”有关的内容", "/indicators", "/targets", "/define", "/toc", "例如可以问：“"+esc(a.Example)+"”")
			if rs[0].Kind != KindNotFound {
				t.Errorf("kind %q, want not_found", rs[0].Kind)
			}
			// In a group, no example: the reply stays short.
			g := all(t, b.HandleMessage(Message{ID: 3, ChatType: Group, Text: q, ReplyToBot: true}))
			contains(t, g, "规划里没有找到")
			lacks(t, g, "例如可以问")
			if inl := b.HandleInline(InlineQuery{Query: q}); len(inl.Results) != 0 || inl.Kind != KindNotFound {
				t.Errorf("inline: %d results, kind %q", len(inl.Results), inl.Kind)
			}
		})
	}
	if !slices.Contains(f.unanswered, "区长是谁") {
		t.Errorf("unanswered recorded: %q", f.unanswered)
	}
}

// TestExamples checks that every example question the bot suggests is one
// the plan answers, with the item it was made from.
func TestExamples(t *testing.T) {
	b := newBot(t)
	ex := b.Examples()
	if len(ex) < 5 {
		t.Fatalf("only %d examples: %q", len(ex), ex)
	}
	for _, q := range ex {
		a := ask(t, b, q, AskOptions{})
		if a.Outcome != OutcomeAnswer {
			t.Errorf("example %q: %s", q, a.Outcome)
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(q, "？"), "什么是"), "的目标是多少")
		if !strings.Contains(a.Results[0].Title, name) {
			t.Errorf("example %q: first result %q", q, a.Results[0].Title)
		}
	}
}

// noDirectAnswer is the real index as an index finds no direct answer in
// it: the same results, not stood by, with the words the plan lacks.
type noDirectAnswer struct {
	s       Searcher
	missing []string
}

func (n noDirectAnswer) Search(ctx context.Context, q string, plans []string, limit int) (index.Answer, error) {
	a, err := n.s.Search(ctx, q, plans, limit)
	a.Answered, a.Missing = false, n.missing
	return a, err
}

func TestAskOffers(t *testing.T) {
	real := newBot(t)
	f := &fakeRecorder{}
	b := New(one(real.plan), noDirectAnswer{real.search, []string{"摩天轮"}}, Options{Username: botName, Recorder: f})
	q := "东河要建摩天轮吗"
	a := ask(t, b, q, AskOptions{})
	if a.Outcome != OutcomeOffer || a.Kind != KindOffer || len(a.Results) == 0 || len(a.Results) > OfferResults {
		t.Fatalf("%s, %s, %d results; want an offer of 1–3", a.Outcome, a.Kind, len(a.Results))
	}
	if !slices.Equal(a.Missing, []string{"摩天轮"}) {
		t.Errorf("missing %q", a.Missing)
	}
	rs := b.HandleMessage(private(5, q))
	got := all(t, rs)
	if !strings.HasPrefix(got, "🔎 “东河要建摩天轮吗”：规划里没有提到“摩天轮”。最接近的内容：\n\n") {
		t.Errorf("offer does not say plainly what the plan lacks:\n%s", got)
	}
	if rs[0].Kind != KindOffer {
		t.Errorf("kind %q, want offer", rs[0].Kind)
	}
	// No "more" and no 👍/👎: the plan does not answer it.
	for _, d := range buttons(rs) {
		if strings.HasPrefix(d, callbackMore) || strings.HasPrefix(d, callbackFeedback) {
			t.Errorf("offer has button %q", d)
		}
	}
	if len(f.answers) == 0 || !strings.HasPrefix(f.answers[0], "offer|") || len(f.unanswered) != 0 {
		t.Errorf("recorded answers %q, unanswered %q; want one offer", f.answers, f.unanswered)
	}
	// Without the missing words, it still says there is no direct answer.
	b2 := New(one(real.plan), noDirectAnswer{real.search, []string{}}, Options{})
	contains(t, all(t, b2.HandleMessage(private(5, "养老服务"))), "“养老服务”：规划里没有直接的回答。最接近的内容：")

	inl := b.HandleInline(InlineQuery{Query: q})
	if inl.Kind != KindOffer || len(inl.Results) == 0 || len(inl.Results) > OfferResults || inl.NextOffset != "" {
		t.Fatalf("inline offer: kind %q, %d results, next %q", inl.Kind, len(inl.Results), inl.NextOffset)
	}
	for _, r := range inl.Results {
		contains(t, r.HTML, "规划里没有提到“摩天轮”")
		contains(t, r.Title, "最接近")
		checkHTML(t, r.HTML)
	}
	// The console's text says the same, without markup.
	contains(t, Text(a), "规划里没有提到“摩天轮”。最接近的内容：")
	lacks(t, Text(a), "<b>")
}

// TestOfferFromIndex is the check through the bot: the index does
// not stand by any answer to 东河要建摩天轮吗 and names 摩天轮 as missing;
// the chat says so plainly and offers at most three related results.
func TestOfferFromIndex(t *testing.T) {
	b := newBot(t)
	a := ask(t, b, "东河要建摩天轮吗", AskOptions{})
	if a.Outcome != OutcomeOffer || !slices.Contains(a.Missing, "摩天轮") {
		t.Fatalf("%s, missing %q; want an offer naming 摩天轮", a.Outcome, a.Missing)
	}
	rs := b.HandleMessage(private(1, "东河要建摩天轮吗"))
	contains(t, rs[0].HTML, "规划里没有提到“摩天轮”。最接近的内容：")
	if strings.Count(rs[0].HTML, "📍") > OfferResults || rs[0].Kind != KindOffer {
		t.Errorf("kind %q, reply:\n%s", rs[0].Kind, rs[0].HTML)
	}
}

// TestRepliesMatchOutcome checks, for real questions, that whatever the
// index decides, the chat's reply says that outcome and is of its kind.
func TestRepliesMatchOutcome(t *testing.T) {
	b := newBot(t)
	for _, q := range []string{"东河要建摩天轮吗", "大青山", "养老服务", "北梁以后建成啥样", "东河区有地铁吗", "下水道", "看病贵", "房价多少"} {
		a := ask(t, b, q, AskOptions{})
		rs := b.HandleMessage(private(1, q))
		html := rs[0].HTML
		want := map[Outcome]string{
			OutcomeAnswer:  "，规划里这样写：",
			OutcomeOffer:   "最接近的内容：",
			OutcomeDecline: "规划里没有找到",
		}[a.Outcome]
		if !strings.Contains(html, want) || rs[0].Kind != a.Kind {
			t.Errorf("%q (%s, %s): reply of kind %q:\n%s", q, a.Outcome, a.Kind, rs[0].Kind, html)
		}
		if got, ok := QuestionOf(PlainText(html)); !ok || got != q {
			t.Errorf("%q: question read back as %q, %v", q, got, ok)
		}
	}
}

func TestAskRefuses(t *testing.T) {
	b := newBot(t)
	for q, want := range map[string]error{
		"":                             ErrEmptyQuestion,
		" \n\t ":                       ErrEmptyQuestion,
		strings.Repeat("森林", 101):      ErrLongQuestion,
		"\xff\xfe":                     ErrEmptyQuestion,
		"？？":                           ErrEmptyQuestion,
		"😀😀 👍":                         ErrEmptyQuestion,
		strings.Repeat("森", 200) + " ": nil,
	} {
		if _, err := b.Ask(context.Background(), q, AskOptions{}); err != want {
			t.Errorf("Ask(%.20q): %v, want %v", q, err, want)
		}
	}
}

func TestAskPages(t *testing.T) {
	b := newBot(t)
	first := ask(t, b, "养老服务", AskOptions{})
	if first.Next != len(first.Results) || first.Next == 0 {
		t.Fatalf("first page: %d results, next %d", len(first.Results), first.Next)
	}
	i := slices.IndexFunc(first.Actions, func(a Action) bool { return a.Do == ActMore })
	if i < 0 || first.Actions[i].Offset != first.Next || first.Actions[i].Button().Data != "m:3" {
		t.Fatalf("actions %+v lack more from %d", first.Actions, first.Next)
	}
	second := ask(t, b, "养老服务", AskOptions{Offset: first.Next})
	if second.Offset != 3 || second.Results[0].Rank != 4 {
		t.Errorf("second page from %d, first rank %d", second.Offset, second.Results[0].Rank)
	}
	contains(t, TelegramHTML(second, Private), "🔎 “养老服务”的更多结果（第 4–6 条）：", "<b>4.</b> ")
	past := ask(t, b, "养老服务", AskOptions{Offset: 29})
	if len(past.Results) != 0 || past.Outcome != OutcomeAnswer {
		t.Errorf("past the end: %+v", past)
	}
	contains(t, TelegramHTML(past, Private), "没有更多结果了")
}

// TestAskLists checks that a question asking for a list gets every item,
// counted and numbered, in the chat.
func TestAskLists(t *testing.T) {
	b := newBot(t)
	box, _ := b.plan.Box(9)
	a := ask(t, b, "专栏9有哪些项目", AskOptions{})
	if a.Outcome != OutcomeAnswer || len(a.Results) == 0 || len(a.Results[0].Items) != len(box.Items) {
		t.Fatalf("outcome %s, first result %+v; want the %d items of 专栏9", a.Outcome, a.Results, len(box.Items))
	}
	html := TelegramHTML(a, Private)
	checkHTML(t, html)
	contains(t, html, "共10项：")
	for i, it := range box.Items {
		name, _, _ := strings.Cut(it, "。")
		contains(t, html, fmt.Sprintf("%d. %s", i+1, esc(name)))
	}
	// Indicators keep their own numbers.
	html = TelegramHTML(ask(t, b, "民生福祉类指标有哪些", AskOptions{}), Private)
	for _, ind := range b.plan.Indicators {
		line := fmt.Sprintf("%d. %s", ind.Number, esc(ind.Name))
		if got := strings.Contains(html, line); got != (ind.Category == "民生福祉") {
			t.Errorf("%q listed: %v", line, got)
		}
	}
}

// TestAnswerCorrected checks that an answer to a question with a pinyin
// typo says how it was read, in a chat and in its value, and that one
// without says nothing of it.
func TestAnswerCorrected(t *testing.T) {
	b := newBot(t)
	a, err := b.Ask(context.Background(), "沙尔亲镇种什么", AskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Corrected != "沙尔沁镇种什么" {
		t.Errorf("corrected %q, want 沙尔沁镇种什么", a.Corrected)
	}
	contains(t, all(t, b.HandleMessage(private(3, "森林覆该率"))), "（已按“森林覆盖率”查找）", "指标18")
	if got := all(t, b.HandleMessage(private(4, "森林覆盖率"))); strings.Contains(got, "已按") {
		t.Errorf("a question without typos said how it was read: %s", got)
	}
	// A follow-up to the answer still reads its question back.
	if q, ok := QuestionOf(PlainText(TelegramHTML(a, Private))); !ok || q != "沙尔亲镇种什么" {
		t.Errorf("QuestionOf = %q, %v", q, ok)
	}
}

// TestCorrectedFoundBy checks which corrections an answer says it made:
// those a result was found by, in its title or on a word of its excerpt
// that matched, not a stretch that only happens to stand in its text.
func TestCorrectedFoundBy(t *testing.T) {
	span := func(text, w string) index.Span {
		i := strings.Index(text, w)
		return index.Span{Start: i, End: i + len(w)}
	}
	ex := "借助北梁棚户区改造的政策机遇"
	byChance := index.Result{Title: "生态环境持续优化", Excerpt: ex, Highlights: []index.Span{span(ex, "北梁"), span(ex, "棚户区")}}
	if got := corrected("住北梁棚户区", map[string]string{"住北梁": "助北梁"}, []index.Result{byChance}); got != "" {
		t.Errorf("a stretch by chance (借助北梁): corrected %q", got)
	}
	ex = "支持沙尔沁镇发展设施蔬菜"
	matched := index.Result{Title: "发展现代农业", Excerpt: ex, Highlights: []index.Span{span(ex, "沙尔沁"), span(ex, "蔬菜")}}
	if got := corrected("沙尔亲蔬菜", map[string]string{"沙尔亲": "沙尔沁"}, []index.Result{byChance, matched}); got != "沙尔沁蔬菜" {
		t.Errorf("a matched word: corrected %q, want 沙尔沁蔬菜", got)
	}
	named := index.Result{Title: "森林覆盖率"}
	if got := corrected("森林覆该率多少", map[string]string{"覆该率": "覆盖率"}, []index.Result{named}); got != "森林覆盖率多少" {
		t.Errorf("a title: corrected %q, want 森林覆盖率多少", got)
	}
}
