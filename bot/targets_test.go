package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"planbot/corpus"
	"planbot/index"
)

func TestTargets(t *testing.T) {
	b := newBot(t)
	tests := []struct {
		text string
		want []string
		not  []string
	}{
		{"/targets", []string{
			fmt.Sprintf("共 %d 项", len(b.targets)),
			"第三章 建设现代产业体系 打造绿色转型示范城区：",
			"/targets 养老", "/targets 就业", "/targets 铝",
		}, nil},
		{"/targets 养老", []string{
			"“养老”的量化目标",
			"<b>养老机构护理型床位占比</b>：不低于55%（2025年目标）",
			"<blockquote>加强养老服务专业队伍建设",
			"📍 <i>第八章 第六节 · 加快健全养老服务体系</i>",
			"<b>城镇职工基本养老保险参保人数(含退休人员)</b>：达到10万人（2025年目标）",
			"<b>基本养老保险参保率</b>：预计92%（2025年目标）", "📍 <i>专栏1 第11项</i>",
			"<b>第一章 践行高质量发展新路子", "<b>第八章 践行共享发展理念",
		}, nil},
		{"/targets 养老的目标", []string{"“养老”的量化目标", "不低于55%"}, nil},
		{"/targets 就业", []string{
			"<b>城镇登记失业率</b>：控制在3.9%以内（“十四五”时期目标）",
			"<b>创业担保贷款规模</b>：达2.2亿元",
			"<b>登记失业率</b>：保持在3.9%以内（“十三五”时期已实现）",
			"📍 <i>第八章 第二节 · 促进高质量就业</i>",
		}, nil},
		{"/targets 铝", []string{"<b>电解铝产能</b>：形成130万吨（“十三五”时期已实现）"}, nil},
		{"/targets 农业", []string{"<b>老旧温室集中连片改造</b>：完成6000亩（“十四五”时期目标）"}, nil},
		// The table and the prose give 森林覆盖率 different figures: both
		// are listed, each with its source.
		{"/targets 森林覆盖率", []string{
			"<b>森林覆盖率</b>：提高到24.7%", "📍 <i>第一章 第一节 · “十三五”发展成就</i>",
			"<b>森林覆盖率</b>：预计19.5%（2025年目标）", "📍 <i>专栏1 第18项</i>",
		}, nil},
		{"/target 粮食", []string{"<b>粮食总产量</b>：保持在6万吨", "<b>粮食综合生产能力</b>：预计7.5万吨"}, nil},
		{"/targets 原铝产能2025年多少", []string{"<b>原铝产能</b>：实现150万吨（2025年目标）", "到2025年实现原铝产能150万吨"}, nil},
		{"/targets 2", []string{"第二章 建立高质量创新体系", "<b>高新技术企业</b>：达到15家以上（2025年目标）"}, nil},
		{"/targets 第三章", []string{"第三章 建设现代产业体系 打造绿色转型示范城区 · 量化目标"}, nil},
		{"/targets 火星", []string{"没有找到与“火星”有关的量化目标", "/search 火星"}, nil},
		{"/targets <b>火星</b> & x", []string{"&lt;b&gt;火星&lt;/b&gt; &amp; x"}, []string{"<b>火星"}},
		{"/targets " + strings.Repeat("养老", 200), []string{"主题太长了"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			rs := b.HandleMessage(private(7, tt.text))
			if len(rs) == 0 {
				t.Fatal("no reply")
			}
			got := all(t, rs)
			contains(t, got, tt.want...)
			lacks(t, got, tt.not...)
			for _, r := range rs {
				if r.ReplyTo != 7 {
					t.Errorf("threaded to %d, want 7", r.ReplyTo)
				}
			}
		})
	}
}

// TestTargetsGrouped checks that a list keeps the plan's order, chapter by
// chapter, and names each chapter once.
func TestTargetsGrouped(t *testing.T) {
	b := newBot(t)
	got := all(t, b.HandleMessage(private(1, "/targets 养老")))
	first, eighth := strings.Index(got, "<b>第一章"), strings.Index(got, "<b>第八章")
	if first < 0 || eighth < first || strings.Count(got, "<b>第八章") != 1 {
		t.Errorf("chapters out of order or repeated:\n%s", got)
	}
}

func TestTargetsPaging(t *testing.T) {
	b := newBot(t)
	q := private(30, "/targets 铝")
	first := b.HandleMessage(q)
	if bs := buttons(first); !slices.Equal(bs, []string{"m:10"}) {
		t.Fatalf("first page buttons = %v, want [m:10]", bs)
	}
	if bs := buttons(b.HandleMessage(private(1, "/targets 第三章"))); !slices.Equal(bs, []string{"t:3.10"}) {
		t.Errorf("/targets 第三章 buttons = %v, want [t:3.10]", bs)
	}
	if bs := buttons(b.HandleMessage(private(1, "/targets 养老"))); len(bs) > 0 {
		t.Errorf("/targets 养老 fits one page, yet offers %v", bs)
	}
	a := b.HandleCallback(Callback{Data: "m:10", MessageID: 31, Question: &q})
	got := all(t, a.Replies)
	contains(t, got, "“铝”的量化目标</b>（第 11–20 项，共", "<b>原铝产能</b>：实现150万吨（2025年目标）")
	if a.Replies[0].ReplyTo != 30 {
		t.Errorf("next page threaded to %d, want the question 30", a.Replies[0].ReplyTo)
	}
	// In a group, addressed to the bot.
	gq := Message{ID: 32, ChatType: Group, Text: "/targets@" + botName + " 铝"}
	contains(t, all(t, b.HandleCallback(Callback{Data: "m:10", Question: &gq}).Replies), "第 11–20 项")
	for _, c := range []Callback{
		{Data: "m:10"},
		{Data: "m:999", Question: &q},
		{Data: "m:10", Question: &Message{ID: 1, Text: "/targets"}},
		{Data: "m:10", Question: &Message{ID: 1, Text: "/targets 火星"}},
	} {
		if a := b.HandleCallback(c); a.Notice == "" || len(a.Replies) > 0 {
			t.Errorf("callback %q on %v: %+v, want a notice only", c.Data, c.Question, a)
		}
	}
}

// TestTargetsByChapter walks every chapter's pages from the overview's
// buttons: together they list every target once.
func TestTargetsByChapter(t *testing.T) {
	b := newBot(t)
	overview := buttons(b.HandleMessage(private(1, "/targets")))
	if !slices.Contains(overview, "t:1.0") || !slices.Contains(overview, "t:3.0") {
		t.Fatalf("overview buttons = %v, want t:1.0 and t:3.0", overview)
	}
	listed := 0
	for _, d := range overview {
		for d != "" {
			a := b.HandleCallback(Callback{Data: d, MessageID: 2})
			if a.Notice != "" {
				t.Fatalf("%s: %q", d, a.Notice)
			}
			got := all(t, a.Replies)
			listed += strings.Count(got, "• ")
			next := buttons(a.Replies)
			d = ""
			if len(next) > 0 {
				d = next[0]
			}
		}
	}
	if listed != len(b.targets) {
		t.Errorf("chapter pages list %d targets, want all %d", listed, len(b.targets))
	}
	for _, d := range []string{"t:3.999", "t:99.0", "t:3", "t:3.-1", "t:03.0", "t:3.1.2", "t:4.0", "t:x.0"} {
		if a := b.HandleCallback(Callback{Data: d}); a.Notice == "" || len(a.Replies) > 0 {
			t.Errorf("callback %q: %+v, want a notice only", d, a)
		}
	}
}

// fixedSearcher answers every query with the same results.
type fixedSearcher []index.Result

func (f fixedSearcher) Search(_ context.Context, q string, _ []string, limit int) (index.Answer, error) {
	return index.Answer{Query: q, Results: f[:min(limit, len(f))]}, nil
}

// TestTargetsFromSearch checks that a topic no sentence names still finds
// the targets where the search says the plan speaks of it.
func TestTargetsFromSearch(t *testing.T) {
	plan, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	ts := plan.Targets()
	var pass, project corpus.Target
	for _, tg := range ts {
		switch {
		case tg.Metric == "养老机构护理型床位占比":
			pass = tg
		case tg.ID == "box2.9.1":
			project = tg
		}
	}
	if pass.PassageID == "" || project.Metric == "" {
		t.Fatal("the plan lacks the targets this test expects")
	}
	b := New(one(plan), fixedSearcher{
		{Kind: index.KindPassage, ID: pass.PassageID, Score: 2},
		{Kind: index.KindProject, ID: "b2.9", Score: 1.9},
		{Kind: index.KindIndicator, ID: "i18", Score: 1.8},
		{Kind: index.KindPassage, ID: "c1s1p1", Score: 0.5}, // too weak to count
	}, Options{})
	got := all(t, b.HandleMessage(private(1, "/targets 晚年生活")))
	contains(t, got, "<b>养老机构护理型床位占比</b>：不低于55%", "<b>"+project.Metric+"</b>", "<b>森林覆盖率</b>：预计19.5%")
	lacks(t, got, "地区生产总值")
}

// TestTargetAnswer checks a question answered by a target of the prose.
func TestTargetAnswer(t *testing.T) {
	b := newBot(t)
	rs := b.HandleMessage(private(1, "原铝产能2025年多少"))
	got := all(t, rs)
	contains(t, got, "🎯 <b>原铝产能</b>：实现150万吨（2025年目标）", "📍 <i>东河区“十四五” · 第三章 第一节 · 推动工业转型升级</i>")
	if !slices.ContainsFunc(buttons(rs), func(d string) bool { return strings.HasPrefix(d, "p:c3s1") }) {
		t.Errorf("no full-text button in %v", buttons(rs))
	}
	a := b.HandleInline(InlineQuery{Query: "原铝产能2025年多少"})
	if len(a.Results) == 0 || a.Results[0].Title != "原铝产能" {
		t.Errorf("inline: %+v", a.Results)
	}
}

func TestProjects(t *testing.T) {
	b := newBot(t)
	tests := []struct {
		text    string
		want    []string
		buttons []string
	}{
		{"/projects", []string{"🏗 <b>重点项目</b>", "专栏2 铝深加工产业链延伸重点项目（15 项，第三章）", "专栏10 文化事业重点工程和项目"},
			[]string{"b:2", "b:3", "b:4", "b:5", "b:6", "b:7", "b:8", "b:9", "b:10"}},
		{"/projects 铝", []string{"“铝”的重点项目", "<b>专栏2 铝深加工产业链延伸重点项目</b>", "9. 建设年产15万吨铝铸轧冷轧板生产项目",
			"<b>专栏3 城市矿产循环利用重点项目</b>", "3. 建设年处理10万吨再生铝项目", "📍 <i>第三章 第一节 · 推动工业转型升级</i>"},
			[]string{"b:2", "b:3", "b:4"}},
		{"/project 农业", []string{"<b>专栏7 现代农业重点建设工程和项目</b>", "7. 高标准农田建设项目"}, nil},
		{"/projects 9", []string{"<b>专栏9 城乡基础设施建设重点工程和项目</b>（10 项）", "6. 老旧小区改造工程。完成1100平方米老旧小区改造。", "📍 <i>第六章 第三节"},
			[]string{"b:8", "b:0", "b:10", "c:6"}},
		{"/projects 专栏2", []string{"<b>专栏2 铝深加工产业链延伸重点项目</b>（15 项）"}, []string{"b:0", "b:3", "c:3"}},
		{"/projects 火星", []string{"重点项目里没有找到与“火星”有关的", "/search 火星"}, nil},
		{"/projects <i>铝", []string{"&lt;i&gt;铝"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			rs := b.HandleMessage(private(3, tt.text))
			contains(t, all(t, rs), tt.want...)
			if tt.buttons != nil && !slices.Equal(buttons(rs), tt.buttons) {
				t.Errorf("buttons = %v, want %v", buttons(rs), tt.buttons)
			}
		})
	}
	contains(t, all(t, b.HandleCallback(Callback{Data: "b:0"}).Replies), "🏗 <b>重点项目</b>")
	contains(t, all(t, b.HandleCallback(Callback{Data: "b:8"}).Replies), "<b>专栏8 生态保护与建设重点工程和项目</b>", "14. 大青山生态廊道")
	for _, d := range []string{"b:1", "b:11", "b:x", "b:-2", "b:"} {
		if a := b.HandleCallback(Callback{Data: d}); a.Notice == "" || len(a.Replies) > 0 {
			t.Errorf("callback %q: %+v, want a notice only", d, a)
		}
	}
}
