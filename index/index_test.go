package index

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"planbot/corpus"
)

func testIndex(tb testing.TB) *Index {
	tb.Helper()
	pl, err := corpus.Default()
	if err != nil {
		tb.Fatal(err)
	}
	return indexOf(tb, pl)
}

// indexOf is the index of pl, closed when the test ends.
func indexOf(tb testing.TB, pl *corpus.Plan) *Index {
	tb.Helper()
	idx, err := New(pl)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { idx.Close() })
	return idx
}

// TestKinds checks that each kind of answer leads for the question that
// asks for it.
func TestKinds(t *testing.T) {
	idx := testIndex(t)
	tests := []struct {
		q        string
		kind     Kind
		id       string // the first result's ID, when one is certain
		contains string // in the first result's title or text
	}{
		{"森林覆盖率", KindIndicator, "i18", "森林覆盖率"},
		{"/indicator 18", KindIndicator, "i18", ""},
		{"第18项指标", KindIndicator, "i18", ""},
		{"指标 3", KindIndicator, "i3", ""},
		{"GDP增速目标", KindIndicator, "i1", "地区生产总值增长率"},
		{"碳中和是什么意思", KindTerm, "", "碳中和"},
		{"四个不摘", KindTerm, "", "四个不摘"},
		{"航空航天铝材", KindProject, "b2.2", "航空航天铝材"},
		{"沙尔沁镇种中药材", KindPassage, "", "中药材种植育苗实验示范基地"},
		{"養老機構護理型床位占比", KindTarget, "", "护理型床位占比不低于55%"},
		{"原铝产能2025年多少", KindTarget, "", "原铝产能150万吨"},
	}
	for _, tt := range tests {
		ans := idx.Search(tt.q, 5)
		if len(ans.Results) == 0 {
			t.Errorf("%q: no results", tt.q)
			continue
		}
		r := ans.Results[0]
		if r.Kind != tt.kind || tt.id != "" && r.ID != tt.id || !strings.Contains(r.Title+r.Text, tt.contains) {
			t.Errorf("%q: first result %s %s %q, want %s %s containing %q", tt.q, r.Kind, r.ID, r.Title, tt.kind, tt.id, tt.contains)
		}
		if r.Location == "" {
			t.Errorf("%q: result without a location", tt.q)
		}
	}
}

// TestDecline checks that questions the plan does not answer, and input
// that is no question, get no results rather than the least bad passage.
func TestDecline(t *testing.T) {
	idx := testIndex(t)
	for _, q := range []string{
		"东河区区长是谁", "二手房房价多少钱一平米", "明天天气怎么样", "包头一中录取分数线",
		"", "   ", "？？？", "的了吗", "<b>x</b>", strings.Repeat("啊", 5000), "\x00\xff",
	} {
		if ans := idx.Search(q, 5); len(ans.Results) != 0 || ans.Answered {
			t.Errorf("%.20q: %s with %d results; want declined", q, ans.Outcome(), len(ans.Results))
		}
	}
}

// TestOutcomes checks the three outcomes on real questions: the plan
// answers, has only the closest thing (and the words it lacks), or has
// nothing of the topic.
func TestOutcomes(t *testing.T) {
	idx := testIndex(t)
	tests := []struct {
		q       string
		want    Outcome
		missing string // a word Missing must hold
	}{
		{"森林覆盖率", Answered, ""},
		{"原铝产能2025年多少", Answered, ""},
		{"碳中和是什么意思", Answered, ""},
		{"专栏9有哪些项目", Answered, ""},
		{"东河要建摩天轮吗", Offered, "摩天轮"},
		{"明天天气怎么样", Declined, "天气"},
		{"比特币挖矿", Declined, ""},
	}
	for _, tt := range tests {
		ans := idx.Search(tt.q, 5)
		if got := ans.Outcome(); got != tt.want {
			t.Errorf("%q: %s, want %s", tt.q, got, tt.want)
		}
		if tt.missing != "" && !slices.Contains(ans.Missing, tt.missing) {
			t.Errorf("%q: missing %q, want it to hold %q", tt.q, ans.Missing, tt.missing)
		}
		if tt.want == Offered && (len(ans.Results) == 0 || len(ans.Results) > maxOffered) {
			t.Errorf("%q: an offer of %d results", tt.q, len(ans.Results))
		}
		if tt.want == Answered && len(ans.Missing) != 0 {
			t.Errorf("%q: answered, yet missing %q", tt.q, ans.Missing)
		}
	}
}

// TestLists checks that questions asking for a list get the whole list,
// counted, as the corpus has it.
func TestLists(t *testing.T) {
	idx := testIndex(t)
	pl := idx.Plan()
	count := func(keep func(corpus.Indicator) bool) (n int, names []string) {
		for _, ind := range pl.Indicators {
			if keep(ind) {
				n++
				names = append(names, ind.Name)
			}
		}
		return n, names
	}
	type want struct {
		kind  Kind
		n     int
		names []string
	}
	box := func(n int) want {
		b, ok := pl.Box(n)
		if !ok {
			t.Fatalf("no 专栏%d", n)
		}
		var names []string
		for _, it := range b.Items {
			name, _, _ := strings.Cut(it, "。")
			names = append(names, name)
		}
		return want{KindProject, len(b.Items), names}
	}
	inds := func(keep func(corpus.Indicator) bool) want {
		n, names := count(keep)
		return want{KindIndicator, n, names}
	}
	tests := []struct {
		q string
		want
	}{
		{"民生福祉类指标有哪些", inds(func(i corpus.Indicator) bool { return i.Category == "民生福祉" })},
		{"预期性指标一共几项", inds(func(i corpus.Indicator) bool { return i.Attribute == "预期性" })},
		{"绿色生态方面定了哪些指标", inds(func(i corpus.Indicator) bool { return i.Category == "绿色生态" })},
		{"主要指标一共多少项", inds(func(corpus.Indicator) bool { return true })},
		{"专栏9有哪些项目", box(9)},
		{"文旅方面有哪些重点项目", box(6)},
		{"生态保护方面列了几个工程", box(8)},
	}
	for _, tt := range tests {
		ans := idx.Search(tt.q, 5)
		if len(ans.Results) == 0 {
			t.Errorf("%q: nothing", tt.q)
			continue
		}
		r := ans.Results[0]
		if r.Kind != tt.kind || !slices.Equal(itemNames(r.Items), tt.names) {
			t.Errorf("%q: first %s %q with %d items, want %s with %d: %q", tt.q, r.Kind, r.Title, len(r.Items), tt.kind, tt.n, tt.names)
			continue
		}
		if !strings.HasPrefix(r.Text, fmt.Sprintf("共%d项", tt.n)) || !ans.Answered {
			t.Errorf("%q: %s %q, want it answered and counted 共%d项", tt.q, ans.Outcome(), r.Text, tt.n)
		}
	}
	// A count of something else than indicators or projects is no list.
	for _, q := range []string{"就业方面有哪些指标", "沙尔沁镇一共有几个村", "十三五时期一共改造了多少户棚户区"} {
		if ans := idx.Search(q, 5); len(ans.Results) > 0 && strings.HasPrefix(ans.Results[0].ID, "list:") {
			t.Errorf("%q: answered with the list %q", q, ans.Results[0].Title)
		}
	}
}

// itemNames strips a list's items to their names: indicators are listed
// as "N.name（attribute）".
func itemNames(items []string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		if _, rest, ok := strings.Cut(it, "."); ok && strings.HasSuffix(it, "）") {
			it = rest[:strings.LastIndex(rest, "（")]
		}
		out[i] = it
	}
	return out
}

func TestUnderstand(t *testing.T) {
	idx := testIndex(t)
	has := func(q query, w string) bool {
		return slices.ContainsFunc(q.Terms, func(t term) bool { return t.Text == w })
	}
	// Traditional characters, full-width letters and case are folded.
	if got := idx.qu.normalize("東河區ＧＤＰ  增速"); got != "东河区gdp 增速" {
		t.Errorf("normalize = %q", got)
	}
	// Question words and filler are dropped.
	q := idx.qu.understand("养老院护理床位有多少吗")
	for _, w := range []string{"多少", "吗", "有"} {
		if has(q, w) {
			t.Errorf("stop word %q kept: %+v", w, q.Terms)
		}
	}
	// Everyday words bring the plan's words.
	for everyday, plan := range map[string]string{"GDP增速": "地区生产总值", "看病方便吗": "医疗", "老人多": "养老", "找工作难": "就业", "R&D投入": "研究与试验发展"} {
		if q := idx.qu.understand(everyday); !has(q, plan) && !slices.ContainsFunc(q.Terms, func(t term) bool { return strings.Contains(plan, t.Text) && t.Group > 0 }) {
			t.Errorf("%q: no %q in %+v", everyday, plan, q.Terms)
		}
	}
	// An everyday word counts only as a whole word: 菜 is not in 蔬菜.
	if q := idx.qu.understand("蔬菜"); !has(q, "蔬菜") || has(q, "蔬") {
		t.Errorf("蔬菜: %+v", q.Terms)
	}
	// Indicator numbers.
	for s, n := range map[string]int{"第18项": 18, "指标18": 18, "第 3 项指标": 3, "18": 18, "2025年目标": 0} {
		if got := idx.qu.understand(s).Indicator; got != n {
			t.Errorf("%q: indicator %d, want %d", s, got, n)
		}
	}
	// Homophone typos of a pinyin keyboard, and only those.
	if q := idx.qu.understand("沙尔亲蔬菜"); q.Corrected["沙尔亲"] != "沙尔沁" {
		t.Errorf("沙尔亲: corrected %v", q.Corrected)
	}
	if q := idx.qu.understand("城市是什么"); len(q.Corrected) != 0 {
		t.Errorf("城市是什么: corrected %v", q.Corrected)
	}
	// What a quantity question asks for.
	if q := idx.qu.understand("一共改了多少户"); !q.Quantity || !slices.Contains(q.Units, "户") {
		t.Errorf("多少户: quantity %v units %v", q.Quantity, q.Units)
	}
	// Intents.
	if q := idx.qu.understand("无废城市是啥意思"); !q.Intents[KindTerm] {
		t.Errorf("是啥意思: intents %v", q.Intents)
	}
}

// TestHighlights checks that highlights are byte ranges of the excerpt on
// whole words of the question, merged where they touch.
func TestHighlights(t *testing.T) {
	idx := testIndex(t)
	ans := idx.Search("养老机构护理型床位占比", 3)
	if len(ans.Results) == 0 {
		t.Fatal("no results")
	}
	found := false
	for _, r := range ans.Results {
		if utf8.RuneCountInString(r.Excerpt) > excerptRunes+2 {
			t.Errorf("%s: excerpt of %d runes", r.ID, utf8.RuneCountInString(r.Excerpt))
		}
		prev := 0
		for _, h := range r.Highlights {
			if h.Start < prev || h.End <= h.Start || h.End > len(r.Excerpt) {
				t.Fatalf("%s: bad span %v in %q", r.ID, h, r.Excerpt)
			}
			if !utf8.RuneStart(r.Excerpt[h.Start]) || h.End < len(r.Excerpt) && !utf8.RuneStart(r.Excerpt[h.End]) {
				t.Errorf("%s: span %v cuts a character", r.ID, h)
			}
			if r.Excerpt[h.Start:h.End] == "养老机构护理型床位占比" {
				found = true
			}
			prev = h.End
		}
	}
	if !found {
		t.Errorf("no merged highlight of 养老机构护理型床位占比 in %+v", ans.Results[0])
	}
}

func TestExcerptWindow(t *testing.T) {
	idx := testIndex(t)
	q := idx.qu.understand("原铝产能")
	text := strings.Repeat("无关的内容。", 40) + "到2025年实现原铝产能150万吨。" + strings.Repeat("其他。", 40)
	ex, hl := idx.excerpt(text, idx.seg.CutSearch(text), q)
	if !strings.Contains(ex, "原铝产能150万吨") || !strings.HasPrefix(ex, ellipsis) || !strings.HasSuffix(ex, ellipsis) {
		t.Errorf("excerpt %q", ex)
	}
	if len(hl) == 0 || ex[hl[0].Start:hl[0].End] != "原铝产能" {
		t.Errorf("highlights %v in %q", hl, ex)
	}
	// A long sentence whose match ends it: the window shows what leads up
	// to the match, full, not the match and its full stop alone.
	text = strings.Repeat("加强基础设施建设，", 12) + "实现原铝产能150万吨。"
	ex, _ = idx.excerpt(text, idx.seg.CutSearch(text), q)
	if !strings.Contains(ex, "原铝产能150万吨") || utf8.RuneCountInString(ex) < excerptRunes {
		t.Errorf("excerpt %q: want the match in a full window of %d runes", ex, excerptRunes)
	}
}

func TestDedupe(t *testing.T) {
	hits := []hit{
		{d: &doc{kind: KindPassage, id: "a", text: "同一段话。"}},
		{d: &doc{kind: KindProject, id: "b", text: "同一段话。"}},
		{d: &doc{kind: KindPassage, id: "c", text: "另一段话。"}},
	}
	got := dedupe(hits, 5)
	if len(got) != 2 || got[0].d.id != "a" || got[1].d.id != "c" {
		t.Errorf("dedupe = %+v", got)
	}
	if got := dedupe(hits, 1); len(got) != 1 {
		t.Errorf("limit: %d results", len(got))
	}
}

func TestDigitYears(t *testing.T) {
	if got := digitYears("到二〇三五年东河区将基本实现，二〇二一年三月"); got != "2035年 2021年" {
		t.Errorf("digitYears = %q", got)
	}
}

func TestIndicatorText(t *testing.T) {
	got := indicatorText(corpus.Indicator{Number: 18, Category: "绿色生态", Name: "森林覆盖率", Unit: "%", BaseYear: 2020, Base: "19.3", TargetYear: 2025, Target: "19.5", FiveYear: "[0.2]", Cumulative: true, Attribute: "约束性"})
	for _, want := range []string{"19.3%", "19.5%", "五年累计 0.2%", "[0.2]", "约束性"} {
		if !strings.Contains(got, want) {
			t.Errorf("indicatorText = %q, lacks %q", got, want)
		}
	}
}

func TestConcurrentSearch(t *testing.T) {
	idx := testIndex(t)
	done := make(chan bool)
	for i := 0; i < 4; i++ {
		go func() {
			for _, q := range []string{"森林覆盖率", "养老", "沙尔亲蔬菜", "地铁"} {
				idx.Search(q, 5)
			}
			done <- true
		}()
	}
	for i := 0; i < 4; i++ {
		<-done
	}
}

var benchQuestions = []string{
	"森林覆盖率", "十四五GDP增速目标是多少", "养老院护理型床位占比要达到多少", "碳中和是什么意思",
	"北梁以后建成啥样", "看病能不能一个码走遍", "东河区区长是谁", "原铝产能2025年多少",
}

func BenchmarkNew(b *testing.B) {
	pl, err := corpus.Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		idx, err := New(pl)
		if err != nil {
			b.Fatal(err)
		}
		idx.Close()
	}
}

// BenchmarkSearch measures one search and reports its 99th percentile and
// the CPU it takes (which the machine's load changes less than the time).
func BenchmarkSearch(b *testing.B) {
	idx := testIndex(b)
	for _, q := range benchQuestions { // warm up: the first typo builds a table
		idx.Search(q, 5)
	}
	var times []time.Duration
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		start := time.Now()
		idx.Search(benchQuestions[i%len(benchQuestions)], 5)
		times = append(times, time.Since(start))
		i++
	}
	cpu = cpuTime() - cpu
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(cpu.Microseconds())/float64(len(times)), "cpu-µs/op")
}

// TestDataFiles checks the vocabulary files a maintainer edits: every line
// is well formed and names known kinds, so a typo there is an error, not a
// rule silently dropped.
func TestDataFiles(t *testing.T) {
	kinds := map[Kind]bool{KindPassage: true, KindIndicator: true, KindTerm: true, KindProject: true, KindTarget: true, kindOutside: true, kindWhen: true, kindWhere: true, kindWho: true, kindWhether: true, kindRank: true, kindRanked: true}
	for name, data := range map[string]string{"synonyms.txt": synonymsData, "intents.txt": intentsData} {
		for _, line := range dataLines(data) {
			left, right, ok := strings.Cut(line, "=")
			if !ok || strings.TrimSpace(left) == "" || strings.TrimSpace(right) == "" {
				t.Errorf("%s: %q is not `words = words`", name, line)
				continue
			}
			if name == "intents.txt" && !kinds[Kind(strings.TrimSpace(left))] {
				t.Errorf("%s: unknown kind %q", name, left)
			}
		}
	}
	if len(dataLines(stopwordsData)) == 0 {
		t.Error("no stop words")
	}
	// A frame word weighs a little; a stop word, nothing: one word is not
	// both.
	stop := wordTables().stop
	for _, line := range dataLines(framesData) {
		for _, w := range strings.Fields(line) {
			if stop[w] {
				t.Errorf("frames.txt: %q is also a stop word", w)
			}
		}
	}
}

// TestPhrases checks that two words of the plan side by side in a
// question are kept as the phrase they make, and that an answer writing
// the phrase leads one that holds its words apart.
func TestPhrases(t *testing.T) {
	idx := testIndex(t)
	q := idx.qu.understand("东河制造的名气能打出去不")
	if !slices.ContainsFunc(q.Phrases, func(p phrase) bool { return p.both == "东河制造" }) {
		t.Errorf("phrases %q, want 东河制造", q.Phrases)
	}
	ans := idx.Search("东河制造", 3)
	if len(ans.Results) == 0 || !strings.Contains(ans.Results[0].Text, "东河制造") {
		t.Errorf("东河制造: first result does not write it: %+v", ans.Results)
	}
}

// TestFoldWhether checks that the forms of a question whether leave the
// word they ask of, and that a year after 指标 is not an indicator's number.
func TestFoldWhether(t *testing.T) {
	idx := testIndex(t)
	for in, want := range map[string]string{
		"垃圾分类东河推不推":   "垃圾分类东河推",
		"排的水超没超标":     "排的水超标",
		"老垃圾场会封了不？":   "老垃圾场会封了？",
		"不忘初心":        "不忘初心",
		"政府管不管，有人盯着没": "政府管，有人盯着",
		"老人没人管咋介":     "老人没人管咋介",
	} {
		if got := idx.qu.foldWhether(in); got != want {
			t.Errorf("foldWhether(%q) = %q, want %q", in, got, want)
		}
	}
	if q := idx.qu.understand("居民人均可支配收入增长这个指标2020年是多少"); q.Indicator != 0 {
		t.Errorf("指标2020年: indicator %d, want none", q.Indicator)
	}
	if q := idx.qu.understand("指标18"); q.Indicator != 18 {
		t.Errorf("指标18: indicator %d, want 18", q.Indicator)
	}
}

// TestYearPeriods checks that the years a text names stand for their
// five-year periods.
func TestYearPeriods(t *testing.T) {
	bit := func(p string) uint8 { return 1 << slices.Index(periods, p) }
	for text, want := range map[string]uint8{
		"到2025年，高标准农田达到5万亩":                        bit("十四五"),
		"到二〇三五年东河区将基本实现社会主义现代化":                    bit("十六五"),
		"由2015年的1.4:33:65.6调整为2020年的2.2:31.9:65.9": bit("十二五") | bit("十三五"),
		"“十五五”时期，到2030年":                           bit("十五五"),
		"建成5G基站1200个":                              0,
		"每年组织高技能人才培训，今年":                           0,
		"第12025年": 0,
	} {
		if got := periodsIn(text); got != want {
			t.Errorf("periodsIn(%q) = %b, want %b", text, got, want)
		}
	}
}

// TestTargetGivesWay checks that a figure of the prose found about as well
// as its paragraph comes after it, unless the question asks how many.
func TestTargetGivesWay(t *testing.T) {
	idx := testIndex(t)
	for q, first := range map[string]string{
		"中储粮包头粮库搬迁":        "c3s2p4",
		"中储粮包头粮库搬迁一期项目多少亩": "gc3s2p4.1",
	} {
		ans := idx.Search(q, 3)
		if len(ans.Results) == 0 || ans.Results[0].ID != first {
			t.Errorf("%q: first %+v, want %s", q, ans.Results, first)
		}
	}
}

// TestListFamilies checks list questions that name an indicator category
// in another plan's words (民生福祉 for 百姓富, 生态 for 环境美) on the outlines
// whose tables name them so: the whole category, counted from the parse.
func TestListFamilies(t *testing.T) {
	tests := []struct{ q, category string }{
		{"民生福祉类指标有哪些", "百姓富"},
		{"生态环保方面的指标有几项", "环境美"},
		{"绿色生态方面定了哪些指标", "环境美"},
	}
	for _, file := range []string{"nanjing-15th.txt", "suzhou-15th.txt"} {
		idx := outlineIndex(t, file)
		pl := idx.Plan()
		for _, tt := range tests {
			var names []string
			for _, ind := range pl.Indicators {
				if ind.Category == tt.category {
					names = append(names, ind.Name)
				}
			}
			if len(names) == 0 {
				t.Fatalf("%s: no category %s", file, tt.category)
			}
			ans := idx.Search(tt.q, 5)
			if len(ans.Results) == 0 || !ans.Answered {
				t.Errorf("%s %q: %s, want the list of %s", file, tt.q, ans.Outcome(), tt.category)
				continue
			}
			r := ans.Results[0]
			if got := itemNames(r.Items); !slices.Equal(got, names) || !strings.HasPrefix(r.Text, fmt.Sprintf("共%d项", len(names))) {
				t.Errorf("%s %q: first %q %q, items %q, want the %d of %s: %q", file, tt.q, r.Title, r.Text, got, len(names), tt.category, names)
			}
		}
	}
}

// outlineIndex is the index of one of the shared outlines (../shared/plans).
func outlineIndex(tb testing.TB, file string) *Index {
	tb.Helper()
	src, err := os.ReadFile(filepath.Join("../../shared/plans", file))
	if err != nil {
		tb.Fatal(err)
	}
	pl, err := corpus.Parse(file, src)
	if err != nil {
		tb.Fatal(err)
	}
	return indexOf(tb, pl)
}

// TestContainsHan checks containsHan against strings.Contains: found and
// not, at the start, the end and between, for Chinese and other text.
func TestContainsHan(t *testing.T) {
	texts := []string{"", "东河", "东河区推进北梁棚户区改造", "北梁", "改造北梁", "推进北梁棚户区", "ab北梁cd", "PM2.5浓度", "北北梁梁", "河东河东河"}
	subs := []string{"北梁", "东河", "河东", "棚户区改造", "梁棚", "造", "PM2.5", "2.5浓", "北梁棚户区改造推进", "a", ""}
	for _, s := range texts {
		for _, sub := range subs {
			if got, want := containsHan(s, sub), strings.Contains(s, sub); got != want {
				t.Errorf("containsHan(%q, %q) = %v, want %v", s, sub, got, want)
			}
		}
	}
	// Every stretch of a plan's text is found in it, and not in another.
	pl, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	text := []rune(pl.Texts()[3])
	for i := 0; i+4 <= len(text); i += 7 {
		sub := string(text[i : i+4])
		if !containsHan(string(text), sub) {
			t.Errorf("%q not found in its own text", sub)
		}
		other := string(text[:i])
		if got, want := containsHan(other, sub), strings.Contains(other, sub); got != want {
			t.Errorf("containsHan(text before it, %q) = %v, want %v", sub, got, want)
		}
	}
}
