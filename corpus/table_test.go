package corpus

import (
	"strconv"
	"strings"
	"testing"
)

// TestTableLayouts reads indicator tables laid out as outlines print them.
func TestTableLayouts(t *testing.T) {
	head := "某区国民经济和社会发展第十五个五年规划纲要\n\n第一章  总体要求\n\n到2030年，经济实力显著增强。\n\n"
	tests := []struct {
		name, table string
		want        []string // number|category|name|sub|unit|base_year=base|target_year=target|five|attribute
	}{
		{
			name: "aligned, indented under a merged category, a unit column, a name with its number",
			table: "专栏1  “十五五”时期主要指标\n" +
				"类别        指标                    单位    2025年    2030年    年均增长〔累计〕    属性\n" +
				"经济发展    1.地区生产总值增长      %       5.5       —         5左右               预期性\n" +
				"            2.全员劳动生产率增长    %       6         —         高于GDP增长         预期性\n" +
				"创新驱动    3.研发经费投入强度      %       2.8       3.2       〔0.4〕             预期性\n",
			want: []string{
				"1|经济发展|地区生产总值增长||%|2025=5.5|2030=—|5左右|预期性",
				"2|经济发展|全员劳动生产率增长||%|2025=6|2030=—|高于GDP增长|预期性",
				"3|创新驱动|研发经费投入强度||%|2025=2.8|2030=3.2|〔0.4〕|预期性",
			},
		},
		{
			name: "tabs, a 基期 and a 目标 column, units in the names",
			table: "专栏1：主要指标\n" +
				"序号\t指标名称\t基期（2025年）\t目标（2030年）\t属性\n" +
				"1\t森林覆盖率（%）\t20\t21\t约束性\n" +
				"2\t粮食综合生产能力（万吨）\t6.7\t7.5\t约束性\n",
			want: []string{
				"1||森林覆盖率||%|2025=20|2030=21||约束性",
				"2||粮食综合生产能力||万吨|2025=6.7|2030=7.5||约束性",
			},
		},
		{
			name: "three years: the base is the one before the target",
			table: "专栏1：主要指标\n" +
				"序号\t指标\t单位\t2020年\t2025年\t2030年\t属性\n" +
				"1\t常住人口城镇化率\t%\t85\t86\t88\t预期性\n",
			want: []string{"1||常住人口城镇化率||%|2025=86|2030=88||预期性"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl, err := Parse("t.txt", []byte(head+tt.table+"\n到2030年，人民生活更加美好。\n"))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ind := range pl.Indicators {
				got = append(got, strings.Join([]string{
					itoa(ind.Number), ind.Category, ind.Name, ind.Sub, ind.Unit,
					itoa(ind.BaseYear) + "=" + ind.Base, itoa(ind.TargetYear) + "=" + ind.Target,
					ind.FiveYear, ind.Attribute}, "|"))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("indicators:\n%s\nwant\n%s\nwarnings %v", strings.Join(got, "\n"), strings.Join(tt.want, "\n"), pl.Warnings)
			}
		})
	}
}

func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// TestFlatTable reads a table an extraction printed one cell per line.
func TestFlatTable(t *testing.T) {
	src := "某区国民经济和社会发展第十五个五年规划纲要\n第一章 总体要求\n到2030年，经济实力显著增强。\n" +
		"表1 “十五五”经济社会发展主要指标\n序号\n指 标\n2030年目标\n属性\n一、经济强\n" +
		"1\n地区生产总值年均增长（%）\n5左右\n预期性\n" +
		"2\n规上数字经济核心产业营业收入占规上企业营业\n收入比重（%）\n32.5\n预期性\n" +
		"二、百姓富\n3\n人均预期寿命（岁）\n80\n预期性\n" +
		"在此基础上再奋斗五年，到2035年基本实现社会主义现代化。\n"
	pl, err := Parse("flat.txt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ind := range pl.Indicators {
		got = append(got, strconv.Itoa(ind.Number)+"|"+ind.Category+"|"+ind.Name+"|"+ind.Unit+"|"+ind.Target+"|"+ind.Attribute)
	}
	want := []string{
		"1|经济强|地区生产总值年均增长|%|5左右|预期性",
		"2|经济强|规上数字经济核心产业营业收入占规上企业营业收入比重|%|32.5|预期性",
		"3|百姓富|人均预期寿命|岁|80|预期性",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("indicators:\n%s\nwant\n%s\nwarnings %v", strings.Join(got, "\n"), strings.Join(want, "\n"), pl.Warnings)
	}
	if n := len(pl.Passages); n != 2 {
		t.Errorf("%d passages, want 2: %+v", n, pl.Passages)
	}
}
