package corpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liuzl/gocc"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func defaultPlan(t testing.TB) *Plan {
	t.Helper()
	pl, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

func TestFrontMatter(t *testing.T) {
	pl := defaultPlan(t)
	if want := "包头市东河区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"; pl.Title != want {
		t.Errorf("title = %q, want %q", pl.Title, want)
	}
	if pl.Issuer != "包头市东河区人民政府" || pl.Date != "二〇二一年三月" {
		t.Errorf("issuer, date = %q, %q", pl.Issuer, pl.Date)
	}
}

func TestChaptersAndSections(t *testing.T) {
	// The table of contents of the plan, as printed.
	want := []struct {
		title    string
		sections []string
	}{
		{"践行高质量发展新路子 绘制现代化宏伟蓝图", []string{"“十三五”发展成就", "面临的发展形势", "“十四五”发展蓝图"}},
		{"建立高质量创新体系 推动新旧动能加快转换", []string{"提升企业技术创新能力", "培育完善创新创业生态系统", "大力发展数字经济"}},
		{"建设现代产业体系 打造绿色转型示范城区", []string{"推动工业转型升级", "做精做活现代服务业", "推动现代农牧业发展", "促进一二三产业融合发展"}},
		{"深化改革开放 增强高质量发展动力", []string{"激发市场主体活力", "深化重点领域改革", "推进全方位对内对外开放协作", "积极构建新发展格局"}},
		{"保持生态优先定力 筑牢生态安全屏障", []string{"深入打好污染防治攻坚战", "加强生态保护与修复", "推进绿色循环低碳发展", "完善生态文明制度建设"}},
		{"构建新型城乡关系 促进城乡融合发展", []string{"着力优化城乡空间布局", "不断提升城市功能品质", "统筹城乡基础设施建设", "深入实施乡村振兴战略"}},
		{"推动文化东河建设 增强地区发展软实力", []string{"践行社会主义核心价值观", "繁荣公共文化事业", "培育和壮大地方特色文化产业"}},
		{"践行共享发展理念 不断增强民生福祉", []string{"提高居民收入水平", "促进高质量就业", "深化教育领域综合改革", "推进健康东河建设", "健全完善社会保障制度", "加快健全养老服务体系", "维护经济社会安全稳定"}},
		{"坚持党的领导 保障规划顺利实施", []string{"坚持党的领导", "强化规划管理"}},
	}
	pl := defaultPlan(t)
	if len(pl.Chapters) != len(want) {
		t.Fatalf("%d chapters, want %d", len(pl.Chapters), len(want))
	}
	sections := 0
	for i, w := range want {
		c := pl.Chapters[i]
		if c.Number != i+1 || c.Title != w.title {
			t.Errorf("chapter %d = %d %q, want %q", i+1, c.Number, c.Title, w.title)
		}
		if len(c.Sections) != len(w.sections) {
			t.Errorf("chapter %d has %d sections, want %d", i+1, len(c.Sections), len(w.sections))
			continue
		}
		for j, s := range c.Sections {
			sections++
			if s.Number != j+1 || s.Title != w.sections[j] {
				t.Errorf("chapter %d section %d = %d %q, want %q", i+1, j+1, s.Number, s.Title, w.sections[j])
			}
		}
	}
	if sections != 34 {
		t.Errorf("%d sections, want 34", sections)
	}
	sub := pl.Chapters[0].Sections[2].Subsections
	if len(sub) < 4 || sub[0].Label != "一、" || sub[0].Title != "指导思想" {
		t.Errorf("subsections of 第一章 第三节 = %+v", sub)
	}
}

func TestIndicators(t *testing.T) {
	// Every row of 专栏1 as the plan prints it: number, category, name,
	// unit, 2020, 2025, five-year figure, whether it is a total, attribute.
	type indicatorRow struct {
		Number                                               int
		Category, Name, Unit, Base2020, Target2025, FiveYear string
		Cumulative                                           bool
		Attribute                                            string
		Line                                                 int
	}
	want := []indicatorRow{
		{1, "经济发展", "地区生产总值增长率", "%", "1.9", "—", ">7", false, "预期性", 0},
		{2, "经济发展", "全员劳动生产率", "%", "—", "—", "达到包头市要求", false, "预期性", 0},
		{3, "经济发展", "常住人口城镇化率", "%", "85", "86", "[1]", true, "预期性", 0},
		{4, "创新驱动", "研发经费投入增长", "%", "0.6", "—", ">7", false, "预期性", 0},
		{5, "创新驱动", "每万人高价值发明专利拥有量", "件", "—", "—", "[0.87]", true, "预期性", 0},
		{6, "创新驱动", "数字经济核心产业增加值占地区生产总值的比重", "%", "—", "—", "—", false, "预期性", 0},
		{7, "民生福祉", "居民人均可支配收入增长", "%", "7.5", "—", "7左右", false, "预期性", 0},
		{8, "民生福祉", "城镇调查失业率", "%", "—", "—", "达到包头市要求", false, "预期性", 0},
		{9, "民生福祉", "劳动年龄人口平均受教育年限", "年", "13", "13", "—", false, "约束性", 0},
		{10, "民生福祉", "每千人口拥有执业(助理)医师数", "人", "1.01", "3.2", "—", false, "预期性", 0},
		{11, "民生福祉", "基本养老保险参保率", "%", "91", "92", "—", false, "预期性", 0},
		{12, "民生福祉", "每千人拥有三岁以下婴幼儿托位数", "个", "0.16", "0.26", "[0.1]", true, "预期性", 0},
		{13, "民生福祉", "人均预期寿命", "岁", "79.3", "80", "[0.7]", true, "预期性", 0},
		{14, "绿色生态", "单位地区生产总值能源消耗降幅", "%", "—", "—", "达到包头市要求", false, "约束性", 0},
		{15, "绿色生态", "单位地区生产总值二氧化碳排放降幅", "%", "—", "—", "达到包头市要求", false, "约束性", 0},
		{16, "绿色生态", "空气质量优良天数占比", "%", "82.2", "—", "达到包头市要求", false, "约束性", 0},
		{17, "绿色生态", "地表水达到或好于Ⅲ类水体比例", "%", "50", "—", "达到包头市要求", false, "约束性", 0},
		{18, "绿色生态", "森林覆盖率", "%", "19.3", "19.5", "[0.2]", true, "约束性", 0},
		{19, "安全保障", "粮食综合生产能力", "万吨", "6.7", "7.5", "[0.8]", true, "约束性", 0},
		{20, "安全保障", "能源综合生产能力", "万吨标煤", "—", "—", "达到包头市要求", false, "约束性", 0},
	}
	pl := defaultPlan(t)
	if len(pl.Indicators) != len(want) {
		t.Fatalf("%d indicators, want %d", len(pl.Indicators), len(want))
	}
	for i, w := range want {
		ind := pl.Indicators[i]
		got := indicatorRow{ind.Number, ind.Category, ind.Name, ind.Unit, ind.Base, ind.Target, ind.FiveYear, ind.Cumulative, ind.Attribute, 0}
		if ind.BaseYear != 2020 || ind.TargetYear != 2025 || len(ind.Columns) != 6 {
			t.Errorf("indicator %d: years %d, %d, %d columns", i+1, ind.BaseYear, ind.TargetYear, len(ind.Columns))
		}
		if got != w {
			t.Errorf("indicator %d:\n got %+v\nwant %+v", i+1, got, w)
		}
	}
	if len(pl.IndicatorNotes) != 4 || pl.IndicatorNotes[1] != "□内为5年累计数。" {
		t.Errorf("notes = %q", pl.IndicatorNotes)
	}
}

func TestGlossary(t *testing.T) {
	pl := defaultPlan(t)
	if len(pl.Terms) != 18 {
		t.Fatalf("%d glossary entries, want 18", len(pl.Terms))
	}
	byAlias := map[string]Term{}
	for _, term := range pl.Terms {
		for _, a := range term.Aliases {
			byAlias[a] = term
		}
	}
	tests := []struct{ alias, head, defPrefix string }{
		{"碳达峰", "“碳达峰”、“碳中和”", "“碳达峰”是指在某一个时点"},
		{"碳中和", "“碳达峰”、“碳中和”", "“碳达峰”是指在某一个时点"},
		{"六保", "“六稳”“六保”", "“六稳”是指稳就业"},
		{"四上企业", "“四上”企业", "是指规模以上工业企业"},
		{"二环五纵八横", "包头市“二环五纵八横”干线公路骨架网", "“二环”是指内环"},
		{"夜间经济", "“夜间经济”", "当日18时至次日凌晨2时"},
		{"三重一大", "“三重一大”集体决策工作制度", "是指重大事项决策"},
	}
	for _, tt := range tests {
		term, ok := byAlias[tt.alias]
		if !ok {
			t.Errorf("no glossary entry for %s", tt.alias)
			continue
		}
		if term.Term != tt.head || !strings.HasPrefix(term.Definition, tt.defPrefix) {
			t.Errorf("%s: %q: %q", tt.alias, term.Term, term.Definition)
		}
	}
	// The entry cut by a page break reads on.
	if d := byAlias["二环五纵八横"].Definition; !strings.Contains(d, "外环由G6高速、包树高速和即将建设的西南环高速") {
		t.Errorf("二环五纵八横 not rejoined: %q", d)
	}
}

func TestBoxes(t *testing.T) {
	want := map[int]int{2: 15, 3: 9, 4: 5, 5: 2, 6: 7, 7: 10, 8: 14, 9: 10, 10: 9}
	pl := defaultPlan(t)
	if len(pl.Boxes) != len(want) {
		t.Fatalf("%d boxes, want %d", len(pl.Boxes), len(want))
	}
	for _, b := range pl.Boxes {
		if len(b.Items) != want[b.Number] {
			t.Errorf("专栏%d %s: %d items, want %d", b.Number, b.Title, len(b.Items), want[b.Number])
		}
	}
	tests := []struct {
		box, item int
		want      string
	}{
		{2, 9, "建设年产15万吨铝铸轧冷轧板生产项目"},
		{3, 6, "100万吨/年废钢回收加工扩建项目"}, // 6 is the item number, 100 the quantity
		{9, 9, "城市级智慧停车平台及停车设施建设项目。建筑面积10万m²,"},
	}
	for _, tt := range tests {
		b, _ := pl.Box(tt.box)
		if got := b.Items[tt.item-1]; !strings.HasPrefix(got, tt.want) {
			t.Errorf("专栏%d item %d = %q, want %q…", tt.box, tt.item, got, tt.want)
		}
	}
	// Two items the conversion ran into one paragraph are two items, and
	// the box in traditional characters reads in simplified ones.
	b6, _ := pl.Box(6)
	if b6.Title != "文化旅游重点建设工程和项目" || !strings.HasPrefix(b6.Items[2], "杨圪楞国家矿山主题公园。") {
		t.Errorf("专栏6 = %q, items[2] = %q", b6.Title, b6.Items[2])
	}
	if b9, _ := pl.Box(9); b9.Title != "城乡基础设施建设重点工程和项目" {
		t.Errorf("专栏9 title = %q, want 和 for and", b9.Title)
	}
}

func TestPassagesRejoined(t *testing.T) {
	pl := defaultPlan(t)
	all := strings.Join(pl.Texts(), "\n")
	for _, want := range []string{
		"为开启全面建设社会主义现代化国家新征程奠定坚实基础。",          // cut by a page break
		"积极引进年产5000吨高纯氧化铝项目和年产5000吨高纯铝溅射靶材项目", // cut inside 年产
		"通过国家义务教育均衡县评估验收",
		"与科研机构和高校合作", // and → 和
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no text contains %q", want)
		}
	}
	// A passage ends mid-sentence only where the source itself breaks
	// off: the next paragraph opens with a bold lead of its own.
	for i, p := range pl.Passages {
		if endsSentence(p.Text) {
			continue
		}
		if i+1 < len(pl.Passages) && pl.Passages[i+1].Heading != "" {
			continue
		}
		t.Errorf("passage %s (line %d) ends mid-sentence: …%s", p.ID, p.Line, lastRunes(p.Text, 20))
	}
}

func lastRunes(s string, n int) string {
	r := []rune(s)
	return string(r[max(0, len(r)-n):])
}

func TestTextIsClean(t *testing.T) {
	t2s, err := gocc.New("t2s")
	if err != nil {
		t.Fatal(err)
	}
	pl := defaultPlan(t)
	for _, s := range pl.Texts() {
		if simp, _ := t2s.Convert(s); simp != s {
			t.Errorf("traditional characters in %q", s)
		}
		for _, bad := range []string{"**", "<b>", "</b>", "<sup>", "##", ".....", " and "} {
			if strings.Contains(s, bad) {
				t.Errorf("%q in %q", bad, s)
			}
		}
	}
	for _, p := range pl.Passages {
		if strings.HasPrefix(p.Text, "第") && strings.Contains(p.Text, "节") && len([]rune(p.Text)) < 40 {
			t.Errorf("table of contents line as a passage: %q", p.Text)
		}
	}
}

func TestPassageLocation(t *testing.T) {
	pl := defaultPlan(t)
	for _, p := range pl.Passages {
		if strings.Contains(p.Text, "加快东河区3万亩盐碱地改良示范推广工作") {
			if p.Location != "第五章 第二节 · 加强生态保护与修复" || p.Heading != "加强和改进农田保护" {
				t.Errorf("location %q heading %q", p.Location, p.Heading)
			}
			got, ok := pl.Passage(p.ID)
			if !ok || got.Text != p.Text {
				t.Errorf("Passage(%q) = %v, %v", p.ID, got, ok)
			}
			return
		}
	}
	t.Error("passage on 盐碱地 not found")
}

// TestAnotherPlan parses a small plan of the same family: the parser follows
// the text's structure, not this file's lines.
func TestAnotherPlan(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "mini.md"))
	if err != nil {
		t.Fatal(err)
	}
	pl, err := Parse("mini.md", src)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Title != "某某区国民经济和社会发展第十四个五年规划纲要" || len(pl.Chapters) != 2 || len(pl.Chapters[1].Sections) != 2 {
		t.Fatalf("structure: %q %+v", pl.Title, pl.Chapters)
	}
	if pl.Chapters[1].Title != "产业发展 绿色转型" || pl.Chapters[1].Sections[1].Title != "农业" {
		t.Errorf("titles: %+v", pl.Chapters[1])
	}
	if len(pl.Indicators) != 2 || pl.Indicators[1].FiveYear != "[1]" || !pl.Indicators[1].Cumulative || pl.Indicators[0].Category != "经济发展" {
		t.Errorf("indicators: %+v", pl.Indicators)
	}
	if len(pl.Boxes) != 1 || len(pl.Boxes[0].Items) != 3 || pl.Boxes[0].Items[2] != "100万吨/年废钢回收项目" {
		t.Errorf("boxes: %+v", pl.Boxes)
	}
	if len(pl.Terms) != 2 || pl.Terms[1].Aliases[0] != "四上" {
		t.Errorf("terms: %+v", pl.Terms)
	}
	texts := strings.Join(pl.Texts(), "|")
	for _, want := range []string{"为开启新征程奠定坚实基础。", "加快工业转型和升级", "发展设施农业。建设高标准农田。"} {
		if !strings.Contains(texts, want) {
			t.Errorf("no %q in %s", want, texts)
		}
	}
}

func TestParseErrors(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "mini.md"))
	if err != nil {
		t.Fatal(err)
	}
	noTable := bytes.Replace(src, []byte("专栏1：主要指标"), []byte("主要指标如下。"), 1)
	noTable = bytes.ReplaceAll(noTable, []byte("\t"), []byte(" "))
	if _, err := Parse("x.md", noTable); !errors.Is(err, ErrNoIndicators) {
		t.Errorf("without a table: %v, want ErrNoIndicators", err)
	}
	badRow := bytes.Replace(src, []byte("2.森林覆盖率\t%\t20\t21\t[1]\t约束性"), []byte("2.森林覆盖率\t%\t20"), 1)
	_, err = Parse("x.md", badRow)
	if err == nil || !strings.Contains(err.Error(), "x.md:31:") {
		t.Errorf("malformed row: %v, want an error naming line 31", err)
	}
	if _, err := Parse("x.md", []byte("\xff\xfe")); err == nil {
		t.Error("no error for non-UTF-8 input")
	}
}

func TestGoldenJSON(t *testing.T) {
	got, err := json.MarshalIndent(defaultPlan(t), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "plan.golden.json")
	if *update {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./corpus -update)", err)
	}
	if !bytes.Equal(append(got, '\n'), want) {
		t.Errorf("parsed plan differs from %s; inspect with go test ./corpus -update && git diff", golden)
	}
}

func FuzzParse(f *testing.F) {
	src, err := os.ReadFile(filepath.Join("testdata", "mini.md"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(src)
	for _, name := range []string{"small.txt", "small-pdf.txt", "family.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("纲要\n第一章 a\n表1 主要指标\n序号\n指标\n属性\n1\nb（%）\n预期性\n"))
	f.Add([]byte("**x**\n# 目 录\n第一章 a .....\t1\n## 第一章 a\n专栏1：b\nx\ty\n"))
	f.Add([]byte("## 第一章 a\n### 第一节 b\n**c。**d\n\ne\n# 名词解释\n“f”：g"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pl, err := Parse("fuzz.md", b)
		if err == nil && (len(pl.Chapters) == 0 || len(pl.Passages) == 0) {
			t.Errorf("no error for a plan without chapters or text")
		}
	})
}

func TestHanNumeral(t *testing.T) {
	for n := 1; n < 100; n++ {
		if got := hanNumber(HanNumeral(n)); got != n {
			t.Errorf("hanNumber(HanNumeral(%d)=%q) = %d", n, HanNumeral(n), got)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := Parse(defaultName, defaultSource); err != nil {
			b.Fatal(err)
		}
	}
}
