package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// findTarget returns the one target whose sentence contains phrase and whose
// figure is value unit.
func findTarget(t *testing.T, ts []Target, phrase, value, unit string) (Target, bool) {
	t.Helper()
	var found []Target
	for _, x := range ts {
		if strings.Contains(x.Text, phrase) && x.Value == value && x.Unit == unit {
			found = append(found, x)
		}
	}
	switch len(found) {
	case 0:
		t.Errorf("no target %s%s in a sentence with %q", value, unit, phrase)
		return Target{}, false
	case 1:
		return found[0], true
	}
	t.Errorf("%d targets %s%s in sentences with %q: %+v", len(found), value, unit, phrase, found)
	return Target{}, false
}

func TestTargetsFromProse(t *testing.T) {
	// Real sentences of the plan, and what each figure in them means.
	tests := []struct {
		phrase, value, unit string // find the figure
		metric, comparator  string
		year, kind          string
		norm                float64
		normUnit            string
	}{
		// The issue's examples.
		{"到2025年实现原铝产能150万吨", "150", "万吨", "原铝产能", "实现", "2025", KindTarget, 1.5e6, "吨"},
		{"东河区高新技术企业达到15家以上", "15", "家", "高新技术企业", "达到…以上", "2025", KindTarget, 15, "家"},
		{"养老机构护理型床位占比不低于55%", "55", "%", "养老机构护理型床位占比", "不低于", "2025", KindTarget, 55, "%"},
		{"城镇登记失业率控制在3.9%以内", "3.9", "%", "城镇登记失业率", "控制在…以内", "十四五", KindTarget, 3.9, "%"},
		{"完成6000亩老旧温室集中连片改造", "6000", "亩", "老旧温室集中连片改造", "完成", "十四五", KindTarget, 6000, "亩"},
		// 十三五 results.
		{"地区生产总值年均增长4.9%", "4.9", "%", "地区生产总值", "年均增长", "十三五", KindAchievement, 4.9, "%"},
		{"一般公共预算收入年均增长6.2%", "6.2", "%", "一般公共预算收入", "年均增长", "十三五", KindAchievement, 6.2, "%"},
		{"形成电解铝产能130万吨", "130", "万吨", "电解铝产能", "形成", "十三五", KindAchievement, 1.3e6, "吨"},
		{"化成箔1700万平方米", "1700", "万平方米", "化成箔", "形成", "十三五", KindAchievement, 1.7e7, "平方米"},
		{"设施农业面积达到3.2万亩", "3.2", "万亩", "设施农业面积", "达到", "十三五", KindAchievement, 32000, "亩"},
		{"“三品一标”认证经营主体22家", "22", "家", "“三品一标”认证经营主体", "", "十三五", KindAchievement, 22, "家"},
		{"培育新型农业经营主体194家", "194", "家", "新型农业经营主体", "培育", "十三五", KindAchievement, 194, "家"},
		{"房地产累计去库存23816套", "23816", "套", "房地产去库存", "累计", "十三五", KindAchievement, 23816, "套"},
		{"新增各类市场主体2.3万户", "2.3", "万户", "各类市场主体", "新增", "十三五", KindAchievement, 23000, "户"},
		{"国家级高新技术企业达到12家", "12", "家", "国家级高新技术企业", "达到", "十三五", KindAchievement, 12, "家"},
		{"有效注册商标和专利分别达到3023件、783件", "3023", "件", "有效注册商标", "达到", "十三五", KindAchievement, 3023, "件"},
		{"有效注册商标和专利分别达到3023件、783件", "783", "件", "专利", "达到", "十三五", KindAchievement, 783, "件"},
		{"完成老旧小区改造112个", "180", "万平方米", "老旧小区改造", "完成", "十三五", KindAchievement, 1.8e6, "平方米"},
		{"人均道路面积由11.9平方米提高到17.4平方米", "17.4", "平方米", "人均道路面积", "提高到", "十三五", KindAchievement, 17.4, "平方米"},
		{"民生支出累计79亿元", "79", "亿元", "民生支出", "累计", "十三五", KindAchievement, 7.9e9, "元"},
		{"民生支出累计79亿元", "80", "%", "民生支出占一般公共预算支出", "占…以上", "十三五", KindAchievement, 80, "%"},
		{"城镇累计新增就业5.3万人", "5.3", "万人", "城镇新增就业", "累计", "十三五", KindAchievement, 53000, "人"},
		{"登记失业率保持在3.9%以内", "3.9", "%", "登记失业率", "保持在…以内", "十三五", KindAchievement, 3.9, "%"},
		{"工伤保险参保人数年均增长4.7%、6.5%、5.9%", "5.9", "%", "工伤保险参保人数", "年均增长", "十三五", KindAchievement, 5.9, "%"},
		{"工伤保险参保人数年均增长4.7%、6.5%、5.9%", "4.7", "%", "城镇职工基本养老保险参保人数", "年均增长", "十三五", KindAchievement, 4.7, "%"},
		{"15分钟健身圈覆盖率达到100%", "100", "%", "15分钟健身圈覆盖率", "达到", "十三五", KindAchievement, 100, "%"},
		{"11户31名建档立卡贫困户", "11", "户", "建档立卡贫困户", "", "十三五", KindAchievement, 11, "户"},
		{"化解政府债务15.92亿元", "15.92", "亿元", "政府债务", "化解", "2020", KindAchievement, 1.592e9, "元"},
		{"森林覆盖率由“十二五”末的24.3%提高到“十三五”末的24.7%", "24.7", "%", "森林覆盖率", "提高到", "2020", KindAchievement, 24.7, "%"},
		{"2020年空气质量优良天数达287天", "287", "天", "空气质量优良天数", "达", "2020", KindAchievement, 287, "天"},
		// 十四五 targets.
		{"建立和引进3—5家研发中心", "3—5", "家", "研发中心", "建立和引进", "十四五", KindTarget, 3, "家"},
		{"形成年产1000万件汽车零部件产能", "1000", "万件", "汽车零部件产能", "年产", "2025", KindTarget, 1e7, "件"},
		{"年产1.36万吨新型高硅铝合金材料", "1.36", "万吨", "新型高硅铝合金材料", "年产", "十四五", KindTarget, 13600, "吨"},
		{"铝基中间合金产能达到60万吨以上", "60", "万吨", "铝基中间合金产能", "达到…以上", "2025", KindTarget, 6e5, "吨"},
		{"主要再生资源回收率达到85%以上", "85", "%", "主要再生资源回收率", "达到…以上", "2025", KindTarget, 85, "%"},
		{"培育城市矿产资源综合利用龙头企业5-6个", "5-6", "个", "城市矿产资源综合利用龙头企业", "培育", "2025", KindTarget, 5, "个"},
		{"到2025年园区新增工业产值300亿元", "300", "亿元", "园区工业产值", "新增", "2025", KindTarget, 3e10, "元"},
		{"建成绿色工厂或智能工厂6个以上", "6", "个", "绿色工厂或智能工厂", "建成…以上", "2025", KindTarget, 6, "个"},
		{"蔬菜育苗能力达到2亿株", "2", "亿株", "蔬菜育苗能力", "达到", "十四五", KindTarget, 2e8, "株"},
		{"完成2000亩新品种葡萄改良", "2000", "亩", "新品种葡萄改良", "完成", "十四五", KindTarget, 2000, "亩"},
		{"全区粮食总产量保持在6万吨", "6", "万吨", "粮食总产量", "保持在", "2025", KindTarget, 60000, "吨"},
		{"设施蔬菜绿色高质高效面积达到5万亩", "5", "万亩", "设施蔬菜绿色高质高效面积", "达到", "2025", KindTarget, 50000, "亩"},
		{"到2025年，高标准农田达到5万亩", "5", "万亩", "高标准农田", "达到", "2025", KindTarget, 50000, "亩"},
		{"培育发展农业产业化龙头企业25家", "25", "家", "农业产业化龙头企业", "培育发展", "十四五", KindTarget, 25, "家"},
		{"农产品监测合格率达到98%以上", "98", "%", "农产品监测合格率", "达到…以上", "十四五", KindTarget, 98, "%"},
		{"发展国家级“一村一品”示范村5个", "5", "个", "国家级“一村一品”示范村", "发展", "2025", KindTarget, 5, "个"},
		{"危险废物处置利用率达到100%", "100", "%", "危险废物处置利用率", "达到", "十四五", KindTarget, 100, "%"},
		{"完成人工造林2万亩", "9", "万亩", "森林抚育面积", "完成", "十四五", KindTarget, 90000, "亩"},
		{"再生水回用率不低于30%", "30", "%", "再生水回用率", "不低于", "十四五", KindTarget, 30, "%"},
		{"推动改造1000基路灯杆", "1000", "基", "路灯杆", "推动改造", "十四五", KindTarget, 1000, "基"},
		{"6000元以上的边缘户收入标准", "6000", "元", "边缘户收入标准", "达到…以上", "十四五", KindTarget, 6000, "元"},
		{"城乡居民人均可支配收入年均分别增长7%和8%左右", "8", "%", "城乡居民人均可支配收入", "年均增长…左右", "十四五", KindTarget, 8, "%"},
		{"累计实现城镇新增就业5.3万人", "5.3", "万人", "城镇新增就业", "累计实现", "十四五", KindTarget, 53000, "人"},
		{"就业培训2.55万人", "2.55", "万人", "就业培训", "累计实现", "十四五", KindTarget, 25500, "人"},
		{"创业担保贷款规模达2.2亿元", "2.2", "亿元", "创业担保贷款规模", "达", "十四五", KindTarget, 2.2e8, "元"},
		{"扶持建设标准化专业化示范化创业园孵化基地10家", "10", "家", "标准化专业化示范化创业园孵化基地", "扶持建设", "十四五", KindTarget, 10, "家"},
		{"新建西脑包幼儿园、复生园幼儿园等5所公办幼儿园", "5", "所", "公办幼儿园", "新建", "十四五", KindTarget, 5, "所"},
		{"城镇职工基本养老保险参保人数达到10万人(含退休人员)", "10", "万人", "城镇职工基本养老保险参保人数(含退休人员)", "达到", "2025", KindTarget, 1e5, "人"},
		{"城乡居民基本养老保险参保人数保持在5万人", "5", "万人", "城乡居民基本养老保险参保人数(含退休人员)", "保持在", "2025", KindTarget, 5e4, "人"},
		// Box items.
		{"建设年产200万只铝合金卡巴轮项目", "200", "万只", "铝合金卡巴轮项目", "年产", "十四五", KindTarget, 2e6, "只"},
		{"建设年处理10万吨再生铝项目", "10", "万吨", "再生铝项目", "年处理", "十四五", KindTarget, 1e5, "吨"},
		{"100万吨/年废钢回收加工扩建项目", "100", "万吨/年", "废钢回收加工扩建项目", "", "十四五", KindTarget, 1e6, "吨/年"},
		{"投资36亿元对城区98条道路", "36", "亿元", "中心城区建设工程", "投资", "十四五", KindTarget, 3.6e9, "元"},
	}
	ts := defaultPlan(t).Targets()
	seen := map[string]bool{}
	for _, tt := range tests {
		got, ok := findTarget(t, ts, tt.phrase, tt.value, tt.unit)
		if !ok {
			continue
		}
		if seen[got.ID] {
			t.Errorf("%s is tested twice", got.ID)
		}
		seen[got.ID] = true
		if got.Metric != tt.metric || got.Comparator != tt.comparator || got.Year != tt.year || got.Kind != tt.kind {
			t.Errorf("%s%s in %q:\n got metric %q comparator %q year %s kind %s\nwant metric %q comparator %q year %s kind %s",
				tt.value, tt.unit, tt.phrase, got.Metric, got.Comparator, got.Year, got.Kind,
				tt.metric, tt.comparator, tt.year, tt.kind)
		}
		if got.Normalized != tt.norm || got.NormUnit != tt.normUnit {
			t.Errorf("%s%s in %q: normalised %v %s, want %v %s",
				tt.value, tt.unit, tt.phrase, got.Normalized, got.NormUnit, tt.norm, tt.normUnit)
		}
	}
	if len(seen) < 40 {
		t.Errorf("only %d distinct targets pinned", len(seen))
	}
}

func TestTargetFrom(t *testing.T) {
	ts := defaultPlan(t).Targets()
	tests := []struct{ phrase, value, unit, from string }{
		{"人均道路面积由11.9平方米提高到17.4平方米", "17.4", "平方米", "11.9平方米"},
		{"森林覆盖率由“十二五”末的24.3%提高到“十三五”末的24.7%", "24.7", "%", "24.3%"},
		{"分别是“十二五”末的1.3倍、1.5倍", "1.5", "倍", "“十二五”末"},
	}
	for _, tt := range tests {
		if got, ok := findTarget(t, ts, tt.phrase, tt.value, tt.unit); ok && got.From != tt.from {
			t.Errorf("%s%s: from %q, want %q", tt.value, tt.unit, got.From, tt.from)
		}
	}
	// The starting figure is not a figure of its own.
	for _, x := range ts {
		if x.Value == "24.3" || x.Value == "11.9" {
			t.Errorf("starting figure listed as %+v", x)
		}
	}
}

func TestTargetsExcludeNonMeasures(t *testing.T) {
	// Figures in the plan that are not measures: roads, codes, dates,
	// titles, ratios, descriptions of what exists.
	tests := []struct{ phrase, value string }{
		{"沿110国道、G6高速万亩设施蔬菜产业带", "110"},
		{"推进G6高速、110国道沿线", "6"},
		{"加快推进5G等新型基础设施建设", "5"},
		{"实现农村地区4G网络覆盖范围", "4"},
		{"7N 级以上高纯铝生产技术", "7"},
		{"设立7\\*24小时自助服务区", "24"},
		{"三次产业结构由2015年的1.4:33:65.6", "1.4"},
		{"调整为2020年的2.2:31.9:65.9", "65.9"},
		{"调整为2020年的2.2:31.9:65.9", "2.2"},
		{"《“健康中国2030”规划纲要》", "2030"},
		{"《健康东河2030行动实施方案》", "2030"},
		{"中发〔2018〕44号", "44"},
		{"北梁18号院爱国主义教育基地项目", "18"},
		{"升级改造12349便民为老服务平台", "12349"},
		{"打造15分钟服务圈", "15"},
		{"“300米见绿、500米见园”", "300"},
		{"面积13平方公里", "13"},
		{"规划面积26.42平方公里", "26.42"},
		{"利用东河区东部1万亩闲置物流用地", "1"},
		{"以总投资5000万元、占地面积5000亩", "5000"},
		{"发挥中心医院3个医疗院士工作站引领作用", "3"},
		{"扎实推进3岁以下婴幼儿家庭科学育儿指导", "3"},
		{"航天应急产业云谷、防爆隔爆产业云谷等9大产业链", "9"},
		{"按国家5A级旅游景区为建设标杆", "5"},
		{"聚焦世界500强", "500"},
		{"用3—5年时间实现城市生活品质", "3—5"},
	}
	pl := defaultPlan(t)
	texts := strings.Join(pl.Texts(), "\n")
	ts := pl.Targets()
	for _, tt := range tests {
		if !strings.Contains(texts, tt.phrase) {
			t.Errorf("the plan has no %q; the test is stale", tt.phrase)
			continue
		}
		for _, x := range ts {
			if strings.Contains(x.Text, tt.phrase) && x.Value == tt.value {
				t.Errorf("%s in %q is not a target: %+v", tt.value, tt.phrase, x)
			}
		}
	}
	for _, x := range ts {
		if len(x.Value) == 4 && strings.HasPrefix(x.Value, "20") && x.Unit == "" {
			t.Errorf("a year listed as a figure: %+v", x)
		}
	}
}

func TestTableAndProseNotMerged(t *testing.T) {
	ts := defaultPlan(t).Targets()
	byID := map[string]Target{}
	for _, x := range ts {
		byID[x.ID] = x
	}
	tests := []struct {
		id, metric, comparator, value, unit, year, location string
	}{
		{"table.18.2020", "森林覆盖率", "", "19.3", "%", "2020", "专栏1 第18项"},
		{"table.18.2025", "森林覆盖率", "预计", "19.5", "%", "2025", "专栏1 第18项"},
		{"table.18.5y", "森林覆盖率", "累计", "0.2", "%", "十四五", "专栏1 第18项"},
		{"table.19.2025", "粮食综合生产能力", "预计", "7.5", "万吨", "2025", "专栏1 第19项"},
		{"table.1.5y", "地区生产总值增长率", "年均>", "7", "%", "十四五", "专栏1 第1项"},
		{"table.7.5y", "居民人均可支配收入增长", "年均…左右", "7", "%", "十四五", "专栏1 第7项"},
		{"table.14.5y", "单位地区生产总值能源消耗降幅", "达到包头市要求", "", "%", "十四五", "专栏1 第14项"},
	}
	for _, tt := range tests {
		got, ok := byID[tt.id]
		if !ok {
			t.Errorf("no target %s", tt.id)
			continue
		}
		if got.Metric != tt.metric || got.Comparator != tt.comparator || got.Value != tt.value ||
			got.Unit != tt.unit || got.Year != tt.year || got.Location != tt.location || got.Source != SourceTable {
			t.Errorf("%s = %+v", tt.id, got)
		}
	}
	if got := byID["table.18.5y"]; got.NormUnit != "个百分点" {
		t.Errorf("five-year change of 森林覆盖率 in %q, want 个百分点", got.NormUnit)
	}
	// The prose's figures for the same measures stand beside the table's.
	forest, ok := findTarget(t, ts, "森林覆盖率由", "24.7", "%")
	if ok && (forest.Source != SourcePassage || forest.Location != "第一章 第一节 · “十三五”发展成就") {
		t.Errorf("森林覆盖率 24.7%% from %s at %s", forest.Source, forest.Location)
	}
	grain, ok := findTarget(t, ts, "粮食总产量保持在6万吨", "6", "万吨")
	if ok && (grain.Source != SourcePassage || grain.Metric != "粮食总产量") {
		t.Errorf("粮食总产量 6万吨 = %+v", grain)
	}
}

func TestTargetsWellFormed(t *testing.T) {
	ts := defaultPlan(t).Targets()
	if len(ts) < 80 {
		t.Errorf("%d targets, want at least 80", len(ts))
	}
	ids := map[string]bool{}
	years := map[string]bool{"2020": true, "2025": true, "2035": true, "十三五": true, "十四五": true}
	line := 0
	for _, x := range ts {
		if ids[x.ID] {
			t.Errorf("duplicate ID %s", x.ID)
		}
		ids[x.ID] = true
		if x.Metric == "" || x.Text == "" || x.Location == "" || x.Chapter < 1 || !years[x.Year] {
			t.Errorf("incomplete: %+v", x)
		}
		if (x.Kind == KindAchievement) != (x.Year == "2020" || x.Year == "十三五") {
			t.Errorf("kind %s for year %s: %s", x.Kind, x.Year, x.ID)
		}
		if x.Value != "" && x.Normalized <= 0 {
			t.Errorf("%s: %s%s normalised to %v", x.ID, x.Value, x.Unit, x.Normalized)
		}
		if x.Source != SourceTable && !strings.Contains(x.Text, x.Value+x.Unit) {
			t.Errorf("%s: %s%s is not in its sentence %q", x.ID, x.Value, x.Unit, x.Text)
		}
		if x.Line < line {
			t.Errorf("%s out of document order", x.ID)
		}
		line = x.Line
	}
}

func TestTargetsGolden(t *testing.T) {
	got, err := json.MarshalIndent(defaultPlan(t).Targets(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "targets.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./corpus -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("targets differ from %s; inspect with go test ./corpus -update && git diff", golden)
	}
}

func TestNormUnit(t *testing.T) {
	tests := []struct {
		value, unit string
		want        float64
		base        string
	}{
		{"150", "万吨", 1.5e6, "吨"},
		{"1.36", "万吨", 13600, "吨"},
		{"2.2", "亿元", 2.2e8, "元"},
		{"55", "%", 55, "%"},
		{"8600", "万平方", 8.6e7, "平方米"},
		{"10", "万m²", 1e5, "平方米"},
		{"3—5", "家", 3, "家"},
		{"1", "万吨标煤", 1e4, "吨标煤"},
		{"5", "万", 5, "万"}, // a bare 万 is a unit of its own
	}
	for _, tt := range tests {
		exp, base := normUnit(tt.unit)
		if got := parseValue(tt.value, exp); got != tt.want || base != tt.base {
			t.Errorf("%s%s = %v %s, want %v %s", tt.value, tt.unit, got, base, tt.want, tt.base)
		}
	}
}

func FuzzTargets(f *testing.F) {
	for _, s := range []string{
		"到2025年实现原铝产能150万吨，打造我国重要的原铝产业基地。",
		"森林覆盖率由“十二五”末的24.3%提高到“十三五”末的24.7%。",
		"有效注册商标和专利分别达到3023件、783件。",
		"11户31名建档立卡贫困户全部稳定脱贫",
		"三次产业结构由2015年的1.4:33:65.6调整为2020年的2.2:31.9:65.9。",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := textContext{id: "x", year: "十四五", location: "here", keepBare: true}
		for _, x := range c.extract(s) {
			if !strings.Contains(x.Text, x.Value+x.Unit) {
				t.Errorf("%s%s not in %q", x.Value, x.Unit, x.Text)
			}
		}
	})
}

func ExamplePlan_Targets() {
	pl, err := Default()
	if err != nil {
		panic(err)
	}
	for _, t := range pl.Targets() {
		if strings.Contains(t.Metric, "原铝产能") || t.Metric == "森林覆盖率" {
			fmt.Printf("%s %s %s%s (%s, %s) %s\n", t.Metric, t.Comparator, t.Value, t.Unit, t.Year, t.Kind, t.Location)
		}
	}
	// Output:
	// 森林覆盖率 提高到 24.7% (2020, achievement) 第一章 第一节 · “十三五”发展成就
	// 森林覆盖率  19.3% (2020, achievement) 专栏1 第18项
	// 森林覆盖率 预计 19.5% (2025, target) 专栏1 第18项
	// 森林覆盖率 累计 0.2% (十四五, target) 专栏1 第18项
	// 原铝产能 实现 150万吨 (2025, target) 第三章 第一节 · 推动工业转型升级
}

func TestExtractGuards(t *testing.T) {
	// Guards the embedded plan does not exercise, on sentences of its kind.
	tests := []struct {
		text string
		want []string // value+unit of the figures kept
	}{
		{"实施“双100个”工程，完成30个。", []string{"30个"}},
		{"落实《100项行动方案》，完成20项。", []string{"20项"}},
		{"实施B2项目3个。", []string{"3个"}},
		{"建设3基地，新增路灯200基。", []string{"200基"}},
		{"三次产业结构调整为2.2:31.9:65.9%。", nil},
		{"建成5G基站1000个。", []string{"1000个"}},
		{"实现产能100万吨、产值20亿元。", []string{"100万吨", "20亿元"}},
	}
	for _, tt := range tests {
		c := textContext{id: "x", year: "十四五", location: "here"}
		var got []string
		for _, x := range c.extract(tt.text) {
			got = append(got, x.Value+x.Unit)
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s: %q, want %q", tt.text, got, tt.want)
		}
	}
}

func BenchmarkTargets(b *testing.B) {
	pl := defaultPlan(b)
	for b.Loop() {
		pl.Targets()
	}
}
