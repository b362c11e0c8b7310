package corpus

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kinds of Target.
const (
	// KindTarget is a commitment: for 2025, the 十四五 period or 2035.
	KindTarget = "target"
	// KindAchievement is a result: of the 十三五 period or a 2020 figure.
	KindAchievement = "achievement"
)

// Sources of a Target.
const (
	SourcePassage = "passage" // a sentence of the prose
	SourceTable   = "table"   // a cell of the indicator table (专栏1)
	SourceBox     = "box"     // an item of a box of key projects (专栏2–10)
)

// Target is one figure the plan commits to or reports: 到2025年实现原铝产能
// 150万吨 is a target, 地区生产总值年均增长4.9% (十三五) an achievement.
// Targets are read from the prose, the box items and the indicator table
// separately and are never merged: where the table and the prose give a
// measure different figures, both are listed, each with its source.
type Target struct {
	// ID is stable for a given plan text: the passage ID and the figure's
	// number in it (c3s1p3.1), or table.18.2025, or box2.1.1.
	ID   string `json:"id"`
	Kind string `json:"kind"` // KindTarget or KindAchievement
	// Metric is the thing measured as the plan names it (原铝产能,
	// 城镇登记失业率, 老旧温室集中连片改造).
	Metric string `json:"metric"`
	// Comparator is the words binding metric and figure as written: 达到,
	// 不低于, 控制在…以内, 年均增长, 累计, 完成. Before and after the figure
	// they are joined by "…". It is empty when the plan writes none
	// (“三品一标”认证经营主体22家).
	Comparator string `json:"comparator"`
	// Value is the number as written (150, 3.9, 3—5 for a range). It is
	// empty for a table cell that sets a level in words (达到包头市要求); the
	// words are then the Comparator.
	Value string `json:"value"`
	// Unit is the unit as written: 万吨, %, 家, 亿元, 万吨/年.
	Unit string `json:"unit"`
	// Normalized is Value in NormUnit: 150万吨 is 1500000 吨, 2.2亿元 is
	// 220000000 元. Percentages stay percentages (55% is 55 %), so they
	// compare directly with the table, whose unit is %. A range gives its
	// lower bound.
	Normalized float64 `json:"normalized"`
	NormUnit   string  `json:"norm_unit"`
	// From is the starting figure of a change, as written, where the plan
	// gives one (由11.9平方米提高到17.4平方米), or the base of a multiple
	// (是“十二五”末的1.3倍).
	From string `json:"from,omitempty"`
	// Year is the point or period the figure is for: a year (2025, 2020,
	// 2035) when the plan names one or the end of a period (“十四五”期末 is
	// 2025, “十三五”末 is 2020), otherwise the period (十四五, 十三五).
	Year string `json:"year"`
	// Text is the sentence the figure stands in; for the table, the row.
	Text string `json:"text"`
	// Location reads like 第三章 第一节 · 推动工业转型升级, 专栏1 第18项 or
	// 专栏2 铝深加工产业链延伸重点项目 第1项.
	Location string `json:"location"`
	// Chapter is the number of the chapter the figure stands in; the
	// indicator table stands in chapter 1.
	Chapter   int    `json:"chapter"`
	Source    string `json:"source"` // SourcePassage, SourceTable or SourceBox
	PassageID string `json:"passage_id,omitempty"`
	Line      int    `json:"line"`
}

// Targets extracts every quantitative target and achievement of the plan:
// from the sentences of its passages, the items of its boxes and the rows of
// its indicator table, in the order of the document. Extraction is driven by
// the words around each figure, so figures that are not measures (5G,
// 110国道, G6, dates, item numbers, 《健康东河2030行动实施方案》, the ratio
// 1.4:33:65.6) are left out.
func (pl *Plan) Targets() []Target {
	var out []Target
	period := pl.Period()
	for _, p := range pl.Passages {
		ctx := textContext{
			id:       p.ID,
			year:     period,
			period:   period,
			location: p.Location,
			chapter:  p.Chapter,
			source:   SourcePassage,
			passage:  p.ID,
			line:     p.Line,
			fallback: p.Heading,
		}
		// The section reporting the results of the past period (十三五 for
		// a 十四五 plan) states results throughout, with or without a verb.
		if pl.reportsResults(p.Chapter, p.Section, period) {
			ctx.year, ctx.keepBare = periodBefore(period, 1), true
		}
		out = append(out, ctx.extract(p.Text)...)
	}
	for _, b := range pl.Boxes {
		for i, item := range b.Items {
			name, _, _ := strings.Cut(item, "。")
			ctx := textContext{
				id:       fmt.Sprintf("box%d.%d", b.Number, i+1),
				year:     period,
				period:   period,
				location: fmt.Sprintf("专栏%d %s 第%d项", b.Number, b.Title, i+1),
				chapter:  b.Chapter,
				source:   SourceBox,
				line:     b.Line,
				keepBare: true, // every item is a project of the period
				fallback: name,
			}
			out = append(out, ctx.extract(item)...)
		}
	}
	for i, ind := range pl.Indicators {
		sub := 0
		if ind.Sub != "" {
			for _, o := range pl.Indicators[:i] {
				if o.Number == ind.Number {
					sub++
				}
			}
			sub++
		}
		out = append(out, pl.indicatorTargets(ind, sub)...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// reportsResults tells a section (or a chapter without sections) that
// reports the results of the past period: “十三五”发展成就, 发展基础.
func (pl *Plan) reportsResults(c, s int, period string) bool {
	title := ""
	if sec, ok := pl.section(c, s); ok {
		title = sec.Title
	} else if ch, ok := pl.Chapter(c); ok && s == 0 && len(ch.Sections) == 0 {
		title = ch.Title
	}
	if title == "" {
		return false
	}
	if prev := periodBefore(period, 1); prev != "" && strings.Contains(title, prev) {
		return true
	}
	return strings.Contains(title, "发展成就") || strings.Contains(title, "发展基础")
}

// section returns section s of chapter c.
func (pl *Plan) section(c, s int) (Section, bool) {
	ch, ok := pl.Chapter(c)
	if !ok || s < 1 || s > len(ch.Sections) {
		return Section{}, false
	}
	return ch.Sections[s-1], true
}

// indicatorTargets turns one row of the indicator table into up to three
// targets: the base year's figure, the target year's and the five-year one.
// sub tells the row apart from the other value rows of its number.
func (pl *Plan) indicatorTargets(ind Indicator, sub int) []Target {
	chapter := 0
	for _, p := range pl.Passages {
		if p.Line > ind.Line {
			break
		}
		chapter = p.Chapter
	}
	five := "年均"
	if ind.Cumulative {
		five = "累计"
	}
	label, fiveCol, expected := "专栏1", false, false
	if t := pl.IndicatorTable; t != nil {
		label = t.Label
		for _, h := range t.Header {
			fiveCol = fiveCol || headerRole(h) == "five"
			expected = expected || strings.Contains(h, "预计")
		}
	}
	targetWord, comparator := "目标", ""
	if expected {
		targetWord, comparator = "预计", "预计"
	}
	name := ind.Name
	if ind.Sub != "" {
		name += "（" + ind.Sub + "）"
	}
	var segs []string
	if ind.BaseYear > 0 {
		segs = append(segs, fmt.Sprintf("%d年 %s", ind.BaseYear, ind.Base))
	}
	if ind.TargetYear > 0 {
		segs = append(segs, fmt.Sprintf("%d年%s %s", ind.TargetYear, targetWord, ind.Target))
	}
	if fiveCol {
		segs = append(segs, "年均/累计 "+ind.FiveYear)
	}
	segs = append(segs, ind.Attribute)
	text := fmt.Sprintf("%s 第%d项 %s（%s）：%s", label, ind.Number, name, ind.Unit, strings.Join(segs, "，"))
	number := strconv.Itoa(ind.Number)
	if sub > 0 {
		number += "-" + strconv.Itoa(sub)
	}
	cells := []struct {
		key, cell, year, kind, comparator string
	}{
		{strconv.Itoa(ind.BaseYear), ind.Base, strconv.Itoa(ind.BaseYear), KindAchievement, ""},
		{strconv.Itoa(ind.TargetYear), ind.Target, strconv.Itoa(ind.TargetYear), KindTarget, comparator},
		{"5y", ind.FiveYear, pl.Period(), KindTarget, five},
	}
	if past(cells[1].year, pl.Period()) {
		cells[1].kind = KindAchievement // 2025年完成值 in a 十五五 table
	}
	var out []Target
	for _, c := range cells {
		cell := strings.Trim(c.cell, "[]［］〔〕【】")
		if cell == "" || cell == "—" || cell == "-" || c.year == "0" {
			continue
		}
		t := Target{
			ID:         fmt.Sprintf("table.%s.%s", number, c.key),
			Kind:       c.kind,
			Metric:     ind.Name,
			Comparator: c.comparator,
			Unit:       ind.Unit,
			Year:       c.year,
			Text:       text,
			Location:   fmt.Sprintf("%s 第%d项", label, ind.Number),
			Chapter:    chapter,
			Source:     SourceTable,
			Line:       ind.Line,
		}
		m := tableCellRe.FindStringSubmatch(cell)
		if m == nil {
			// A level in words: 达到包头市要求.
			t.Comparator = cell
			out = append(out, t)
			continue
		}
		t.Comparator += m[1]
		if m[3] != "" {
			t.Comparator = joinComparator(t.Comparator, m[3])
		}
		t.Value = m[2]
		exp, base := normUnit(ind.Unit)
		t.Normalized = parseValue(m[2], exp)
		t.NormUnit = base
		if c.key == "5y" && ind.Cumulative && base == "%" {
			// A five-year change of a rate is in percentage points.
			t.NormUnit = "个百分点"
		}
		out = append(out, t)
	}
	return out
}

// tableCellRe reads a numeric cell of the indicator table: >7, 7左右, 0.87.
var tableCellRe = regexp.MustCompile(`^([>＞<＜≥≤]?)\s*(\d+(?:\.\d+)?)\s*(左右|以上|以内|以下)?$`)

// textContext is what the extraction of one passage or box item knows of
// where the text stands.
type textContext struct {
	id       string // prefix of the targets' IDs
	year     string // year or period of figures that name none
	period   string // the plan's period: 十四五, 十五五
	location string
	chapter  int
	source   string
	passage  string
	line     int
	// keepBare keeps figures that no comparator introduces; elsewhere such
	// figures describe (组团，面积13平方公里) rather than commit.
	keepBare bool
	// fallback names the metric when the words around a figure do not: a
	// box item's name, a passage's heading.
	fallback string
}

var (
	// quantityRe matches a figure with its unit: 150万吨, 3.9%, 3—5家,
	// 100万吨/年. The alternatives are ordered so the longest unit wins.
	quantityRe = regexp.MustCompile(`(\d+(?:\.\d+)?(?:[—–\-~～]\d+(?:\.\d+)?)?)` +
		`(万|亿)?(个百分点|平方公里|平方米|平方|m²|公里|微克/立方米|千瓦|%|％|倍|吨|亩|元|人|户|家|个|只|套|件|项|条|株|所|座|基|名|天|斤)(/年)?`)
	// timeRe matches a year or period and the words that lead to it.
	timeRe = regexp.MustCompile(`(?:力争)?(?:到|至)?(?:“(十[一二三四五六七八九]五)”|(十[一二三四五六七八九]五))(期末|末|期间|时期)?的?` +
		`|(?:力争)?(?:到|至)?(\d{4}|二〇三五)年(末|底)?的?`)
	// parenRe matches a parenthetical remark: (含退休人员).
	parenRe = regexp.MustCompile(`^[(（][^()（）]*[)）]`)
	// planRe matches the manner of a promise: 按照规模化特色化标准化要求.
	planRe = regexp.MustCompile(`^按照[^，,；;]*?要求`)
)

// Comparators, longest first within a group. Quantitative ones win over
// verbs: in 形成年产1000万件 the comparator is 年产.
var (
	comparators = []string{
		"不低于", "不少于", "不高于", "不超过", "超过", "高于", "低于",
		"累计实现", "累计", "年均增长", "年均", "同比增加", "同比增长",
		"达到", "控制在", "保持在", "稳定在",
		"提高到", "提高至", "提升到", "提升至", "增加到", "增长到", "下降到", "降低到", "降至", "调整为",
		"新增", "年产", "年处理", "增长",
	}
	verbs = []string{
		"新建改造", "扶持建设", "建立和引进", "培育发展",
		"完成", "实现", "建成", "新建", "建设", "引进", "形成", "培育", "打造", "创建",
		"推动改造", "改造", "加快推进", "加快推动", "推进", "推动", "加快", "促进", "发展",
		"拥有", "安装", "化解", "清偿", "盘活", "关闭", "拆除", "投资", "组织", "实施",
	}
	// endComparators count only right before the figure: 优良天数达287天,
	// 分别是“十二五”末的1.3倍, 约2500亩.
	endComparators = []string{"达", "是", "约", "近"}
	// qualifiers follow the figure.
	qualifiers = []string{"以上", "以内", "以下", "左右"}
	// fillers lead a metric without being part of it.
	fillers = []string{"全区", "东河区", "我区", "力争", "确保", "其中", "并", "同时", "进一步",
		"持续", "着力", "大力", "积极", "重点", "全面", "继续"}
	// resourceVerbs introduce what is used, not what is promised:
	// 利用东河区东部1万亩闲置物流用地.
	resourceVerbs = []string{"利用", "依托", "发挥", "借助"}
	// postStops end the noun a figure counts: 70万只卡巴轮项目|投产达效.
	postStops = []string{"的", "等", "全部", "建成", "实施", "进行", "投产", "落地", "为", "引领"}
	// sharedHeads are measures a list of subjects shares: 城镇职工基本养老
	// 保险、城乡居民养老保险、工伤保险参保人数.
	sharedHeads = []string{"参保人数", "人数", "产能", "总产量", "产量", "面积", "覆盖率"}
)

// quantity is one figure found in a sentence, with the text around it.
type quantity struct {
	start, end int    // byte offsets in the sentence
	clause     int    // index of the clause it stands in
	value      string // as written
	prefix     string // 万 or 亿
	unit       string // base unit as written
	perYear    bool   // /年
	year       string
	pre, post  string
	preComp    string // the comparator before the figure
	qual       string // the qualifier after it: 以上, 以内
	listed     bool   // it follows another figure of a list: 、化成箔1700万平方米
	keep       bool
	from       bool // the starting figure of 由…提高到…
	t          Target
}

// extract returns the figures of one text (a passage or a box item).
func (c textContext) extract(text string) []Target {
	var out []Target
	n := 0
	for _, s := range splitSentences(text) {
		for _, t := range c.sentence(s) {
			n++
			t.ID = fmt.Sprintf("%s.%d", c.id, n)
			out = append(out, t)
		}
	}
	return out
}

// splitSentences splits text after each 。！？.
func splitSentences(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		if r == '。' || r == '！' || r == '？' {
			end := i + utf8.RuneLen(r)
			out = append(out, text[start:end])
			start = end
		}
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// isClauseBreak reports whether r ends a clause.
func isClauseBreak(r rune) bool {
	switch r {
	case '，', ',', '；', ';', '：', ':', '。', '！', '？':
		return true
	}
	return false
}

// clauses returns the clauses of a sentence as [start, end) byte offsets,
// the end before the mark that closes the clause.
func clauses(s string) [][2]int {
	var out [][2]int
	start := 0
	for i, r := range s {
		if isClauseBreak(r) {
			out = append(out, [2]int{start, i})
			start = i + utf8.RuneLen(r)
		}
	}
	return append(out, [2]int{start, len(s)})
}

// place finds the clause, the year and the words around each figure of a
// sentence: before it back to the clause start or the previous figure,
// after it up to the clause end or the next figure. The gap between two
// figures of a clause is split at its first 、 or 和, the mark of a list.
func (c textContext) place(s string, qs []quantity, cl [][2]int) {
	times := timeRe.FindAllStringSubmatchIndex(s, -1)
	for i := range qs {
		q := &qs[i]
		for q.clause+1 < len(cl) && cl[q.clause+1][0] <= q.start {
			q.clause++
		}
		q.year = c.year
		for _, m := range times {
			if m[1] > q.start {
				break
			}
			if y := timeYear(s, m, c.period); y != "" {
				q.year = y
			}
		}
	}
	for i := range qs {
		q := &qs[i]
		start := cl[q.clause][0]
		if i > 0 && qs[i-1].clause == q.clause {
			gap := s[qs[i-1].end:q.start]
			if k := listSep(gap); k >= 0 {
				_, w := utf8.DecodeRuneInString(gap[k:])
				qs[i-1].post = gap[:k]
				start = qs[i-1].end + k + w
				q.listed = true
			} else {
				start = qs[i-1].end
			}
		}
		q.pre = s[start:q.start]
		if i+1 == len(qs) || qs[i+1].clause != q.clause {
			q.post = s[q.end:cl[q.clause][1]]
		}
	}
}

// sentence returns the figures of one sentence.
func (c textContext) sentence(s string) []Target {
	qs := findQuantities(s)
	if len(qs) == 0 {
		return nil
	}
	cl := clauses(s)
	c.place(s, qs, cl)
	kept := false
	prevMetric := ""
	for i := range qs {
		q := &qs[i]
		// 以总投资5000万元、占地面积5000亩的…项目为示范: an example, not a
		// promise.
		if strings.HasPrefix(trimFillers(s[cl[q.clause][0]:cl[q.clause][1]]), "以") {
			continue
		}
		t, ok := c.target(q, s)
		if !ok {
			continue
		}
		if q.from && i+1 < len(qs) && qs[i+1].clause == q.clause {
			// 由11.9平方米提高到17.4平方米: the figure it changes into
			// carries it.
			q.t = t
			continue
		}
		if i > 0 && qs[i-1].from && qs[i-1].clause == q.clause {
			t.From = qs[i-1].value + qs[i-1].prefix + qs[i-1].unit
			if t.Metric == "" {
				t.Metric = qs[i-1].t.Metric
			}
		}
		// In a list, a figure without words of its own before it takes the
		// comparator of the one before: 形成电解铝产能130万吨、化成箔1700万
		// 平方米; 年均分别增长7%和8%左右.
		if q.preComp == "" && q.listed && qs[i-1].keep {
			q.preComp = qs[i-1].preComp
			t.Comparator = joinComparator(q.preComp, q.qual)
			if t.From == "" {
				t.From = qs[i-1].t.From
			}
		}
		if q.preComp == "占" && prevMetric != "" {
			// 民生支出累计79亿元，占一般公共预算支出的80%以上.
			t.Metric = prevMetric + "占" + t.Metric
		}
		// A figure that no comparator introduces counts only in a text of
		// results or projects, or after a figure of the same sentence
		// (设施蔬菜…面积达到5万亩，总产量70万吨).
		if t.Comparator == "" && !c.keepBare && !kept {
			continue
		}
		if t.Metric == "" {
			t.Metric = prevMetric
		}
		q.t, q.keep = t, true
		kept = true
		if t.Metric != "" {
			prevMetric = t.Metric
		}
	}
	// Figures standing together (11户31名建档立卡贫困户) share the metric of
	// the last; a figure still unnamed takes the text's fallback.
	for i := len(qs) - 1; i >= 0; i-- {
		if !qs[i].keep || qs[i].t.Metric != "" {
			continue
		}
		if i+1 < len(qs) && qs[i+1].keep && strings.TrimSpace(s[qs[i].end:qs[i+1].start]) == "" {
			qs[i].t.Metric = qs[i+1].t.Metric
		} else {
			qs[i].t.Metric = c.fallback
		}
	}
	distribute(qs)
	var out []Target
	for _, q := range qs {
		if q.keep {
			out = append(out, q.t)
		}
	}
	return out
}

// target reads the metric and comparator of one figure from the words
// around it. It reports false for a figure that is not a measure.
func (c textContext) target(q *quantity, sentence string) (Target, bool) {
	pre := cleanPre(q.pre)
	if strings.HasSuffix(pre, "由") {
		q.from = true
		pre = strings.TrimSuffix(pre, "由")
	}
	from := ""
	for _, m := range timeRe.FindAllStringSubmatchIndex(q.pre, -1) {
		if timeYear(q.pre, m, c.period) == "" {
			// 分别是“十二五”末的1.3倍: the base of a multiple.
			from = strings.TrimSuffix(q.pre[m[0]:m[1]], "的")
		}
	}
	metric, comparator := splitComparator(pre)
	if comparator == "" {
		for _, v := range resourceVerbs {
			if strings.HasPrefix(pre, v) {
				return Target{}, false
			}
		}
	}
	q.preComp = comparator
	post := strings.TrimSpace(q.post)
	for _, w := range qualifiers {
		if strings.HasPrefix(post, w) {
			q.qual = w
			comparator = joinComparator(comparator, w)
			post = strings.TrimPrefix(post, w)
			break
		}
	}
	if m := parenRe.FindString(post); m != "" {
		// 参保人数达到10万人(含退休人员): the remark belongs to the metric.
		metric += m
		post = strings.TrimPrefix(post, m)
	}
	post = strings.TrimPrefix(post, "的")
	if strings.HasPrefix(post, "级") {
		// 打造600亿元级园区: the scale of a park.
		post = strings.TrimPrefix(post, "级")
		if k := cutAt(post); k >= 0 {
			post = post[:k]
		}
		post += "规模"
	} else if k := cutAt(post); k >= 0 {
		post = post[:k]
	}
	post = strings.Trim(post, "、和及等 ")
	if post != "" {
		// The figure counts the noun after it: 完成6000亩老旧温室集中连片改造.
		metric = post
	}
	metric = trimFillers(metric)
	for _, w := range []string{"建设", "工作"} {
		// 设施蔬菜标准化种植基地建设: the thing built is the metric.
		if m, ok := strings.CutSuffix(metric, w); ok && m != "" {
			metric = m
		}
	}
	exp, base := normUnit(q.prefix + q.unit)
	unit := q.prefix + q.unit
	if q.perYear {
		unit += "/年"
		base += "/年"
	}
	kind := KindTarget
	if past(q.year, c.period) {
		kind = KindAchievement
	}
	return Target{
		Kind:       kind,
		Metric:     metric,
		Comparator: comparator,
		Value:      q.value,
		Unit:       unit,
		Normalized: parseValue(q.value, exp),
		NormUnit:   base,
		From:       from,
		Year:       q.year,
		Text:       strings.TrimSpace(sentence),
		Location:   c.location,
		Chapter:    c.chapter,
		Source:     c.source,
		PassageID:  c.passage,
		Line:       c.line,
	}, true
}

// findQuantities returns the figures of a sentence that are measures. Only a
// figure followed by a unit of measure counts, so 5G, 7N级, 110国道 and
// 2025年 do not; nor does one inside quotes or a title (“双100”,
// 《…2030…》), one glued to a letter (G6, B2) or one in a ratio
// (1.4:33:65.6).
func findQuantities(s string) []quantity {
	quoted := quotedSpans(s)
	var qs []quantity
	for _, m := range quantityRe.FindAllStringSubmatchIndex(s, -1) {
		start, end := m[0], m[1]
		if inSpans(quoted, start) {
			continue
		}
		if start > 0 {
			r, _ := utf8.DecodeLastRuneInString(s[:start])
			if isCodeRune(r) || r == ':' || r == '：' {
				continue
			}
		}
		if s[m[6]:m[7]] == "基" && strings.HasPrefix(s[end:], "地") {
			continue // 3基地 counts bases, not 基 of lamp posts
		}
		q := quantity{
			start:   start,
			end:     end,
			value:   s[m[2]:m[3]],
			unit:    s[m[6]:m[7]],
			perYear: m[8] >= 0,
		}
		if m[4] >= 0 {
			q.prefix = s[m[4]:m[5]]
		}
		qs = append(qs, q)
	}
	return qs
}

// isCodeRune reports whether r, next to a figure, makes it part of a code
// or a longer number: B2, 3.8.
func isCodeRune(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.'
}

// quotedSpans returns the byte spans of s inside “” and 《》.
func quotedSpans(s string) [][2]int {
	var spans [][2]int
	open := -1
	var closer rune
	for i, r := range s {
		switch {
		case open < 0 && (r == '“' || r == '《'):
			open = i
			closer = map[rune]rune{'“': '”', '《': '》'}[r]
		case open >= 0 && r == closer:
			spans = append(spans, [2]int{open, i})
			open = -1
		}
	}
	return spans
}

func inSpans(spans [][2]int, off int) bool {
	for _, sp := range spans {
		if off > sp[0] && off < sp[1] {
			return true
		}
	}
	return false
}

// periodNumbers are the five-year periods by number: 十四五 is the 14th.
var periodNumbers = map[string]int{"十一五": 11, "十二五": 12, "十三五": 13, "十四五": 14, "十五五": 15, "十六五": 16, "十七五": 17}

// periodEnd is the last year of a period: 2025 for 十四五, 0 if unknown.
func periodEnd(period string) int {
	if n, ok := periodNumbers[period]; ok {
		return 2015 + 5*(n-12)
	}
	return 0
}

// periodBefore names the period k before period: 十三五 is one before 十四五.
func periodBefore(period string, k int) string {
	n := periodNumbers[period] - k
	for name, m := range periodNumbers {
		if m == n {
			return name
		}
	}
	return ""
}

// past reports whether a year or period lies before a plan's period: its
// figures are results, not targets.
func past(year, period string) bool {
	if _, ok := periodNumbers[year]; ok {
		return periodNumbers[year] < periodNumbers[period]
	}
	y, err := strconv.Atoi(year)
	end := periodEnd(period)
	if err != nil || end == 0 {
		return false
	}
	// A year of the past period's end or just before it is a result; an
	// older year (2015) is the base of a comparison, still a result.
	return y <= end-5
}

// timeYear returns the year or period a time expression names, or "" for
// one that dates nothing (十二五 in a 十四五 plan, the base of a
// comparison).
func timeYear(s string, m []int, plan string) string {
	sub := func(k int) string {
		if m[2*k] < 0 {
			return ""
		}
		return s[m[2*k]:m[2*k+1]]
	}
	period := sub(1) + sub(2)
	switch {
	case period != "" && periodNumbers[period] <= periodNumbers[plan]-2:
		return ""
	case period != "":
		if end := sub(3); end == "末" || end == "期末" {
			if y := periodEnd(period); y > 0 {
				return strconv.Itoa(y)
			}
		}
		return period
	case sub(4) == "二〇三五":
		return "2035"
	default:
		return sub(4)
	}
}

// listSep returns the offset of the first 、 or 和 or 及 in gap, or -1.
func listSep(gap string) int {
	if k := strings.Index(gap, "、"); k >= 0 {
		return k
	}
	best := -1
	for _, w := range []string{"和", "及"} {
		if k := strings.Index(gap, w); k >= 0 && (best < 0 || k < best) {
			best = k
		}
	}
	return best
}

// cleanPre removes from the words before a figure what dates it and what
// only arranges it: the time expression, 分别, a trailing 的.
func cleanPre(pre string) string {
	var b strings.Builder
	last := 0
	for _, m := range timeRe.FindAllStringIndex(pre, -1) {
		b.WriteString(pre[last:m[0]])
		// 提高到“十三五”末的24.7%: the 到 belongs to the comparator.
		if r, w := utf8.DecodeRuneInString(pre[m[0]:]); (r == '到' || r == '至') && endsComparatorStem(b.String()) {
			b.WriteString(pre[m[0] : m[0]+w])
		}
		last = m[1]
	}
	b.WriteString(pre[last:])
	pre = b.String()
	pre = planRe.ReplaceAllString(pre, "")
	pre = strings.ReplaceAll(pre, "分别", "")
	pre = trimFillers(pre)
	for strings.HasSuffix(pre, "的") {
		pre = strings.TrimSuffix(pre, "的")
	}
	return pre
}

// endsComparatorStem reports whether s ends with a comparator that lacks its
// final 到 or 至 (提高, 增加).
func endsComparatorStem(s string) bool {
	for _, c := range comparators {
		if stem, ok := strings.CutSuffix(c, "到"); ok && strings.HasSuffix(s, stem) {
			return true
		}
		if stem, ok := strings.CutSuffix(c, "至"); ok && strings.HasSuffix(s, stem) {
			return true
		}
	}
	return false
}

// splitComparator finds the comparator in the words before a figure and
// returns the rest as the metric: 城镇登记失业率控制在 → 城镇登记失业率,
// 控制在; 累计实现城镇新增就业 → 城镇新增就业, 累计实现.
func splitComparator(pre string) (metric, comparator string) {
	if rest, ok := strings.CutPrefix(pre, "占"); ok {
		// 占一般公共预算支出的80%以上: a share, of the metric before it.
		return rest, "占"
	}
	if k, w := earliest(pre, comparators); k >= 0 {
		// 房地产累计去库存, 累计实现城镇新增就业: the words on both sides
		// name the metric; a verb after the comparator does not.
		return pre[:k] + trimLeading(pre[k+len(w):], verbs), w
	}
	// A verb leads its clause: 完成城市棚户区改造, 实施农村危房改造. One
	// deeper in it (…棚户区改造3个城镇棚户区项目) is part of a name.
	if w := leading(pre, verbs); w != "" {
		return strings.TrimPrefix(pre, w), w
	}
	for _, w := range endComparators {
		if strings.HasSuffix(pre, w) {
			return strings.TrimSuffix(pre, w), w
		}
	}
	return pre, ""
}

// earliest returns the offset and the word of list found first in s,
// preferring the longest word at an offset.
func earliest(s string, list []string) (int, string) {
	best, word := -1, ""
	for _, w := range list {
		k := strings.Index(s, w)
		if k < 0 {
			continue
		}
		if best < 0 || k < best || k == best && len(w) > len(word) {
			best, word = k, w
		}
	}
	return best, word
}

// leading returns the longest word of list that s starts with, or "".
func leading(s string, list []string) string {
	best := ""
	for _, w := range list {
		if strings.HasPrefix(s, w) && len(w) > len(best) {
			best = w
		}
	}
	return best
}

// trimLeading removes words of list from the start of s.
func trimLeading(s string, list []string) string {
	for {
		t := s
		for _, w := range list {
			t = strings.TrimPrefix(t, w)
		}
		if t == s {
			return s
		}
		s = t
	}
}

// trimFillers removes the fillers and list marks that lead a metric.
func trimFillers(s string) string {
	for {
		t := strings.TrimLeft(s, "、，,和及 ")
		t = trimLeading(t, fillers)
		if t == s {
			return strings.TrimRight(s, "、，,和及 ")
		}
		s = t
	}
}

// cutAt returns where the noun after a figure ends, or -1.
func cutAt(post string) int {
	best := -1
	for _, w := range postStops {
		if k := strings.Index(post, w); k > 0 && (best < 0 || k < best) {
			best = k
		}
	}
	return best
}

// joinComparator joins the words before and after a figure: 达到…以上.
func joinComparator(before, after string) string {
	switch {
	case before == "":
		return after
	case after == "":
		return before
	}
	return before + "…" + after
}

// distribute pairs a list of subjects with a list of figures:
// 有效注册商标和专利分别达到3023件、783件 gives 有效注册商标 3023件 and
// 专利 783件. The subjects share a trailing measure (参保人数).
func distribute(qs []quantity) {
	for i := 0; i < len(qs); {
		j := i + 1
		for j < len(qs) && qs[j].keep && qs[j].clause == qs[i].clause && cleanPre(qs[j].pre) == "" && qs[j].t.Metric == qs[i].t.Metric {
			j++
		}
		if !qs[i].keep || j-i < 2 {
			i = j
			continue
		}
		parts := splitList(qs[i].t.Metric)
		if len(parts) == j-i {
			head := ""
			last := parts[len(parts)-1]
			for _, h := range sharedHeads {
				if strings.HasSuffix(last, h) && last != h {
					head = h
					break
				}
			}
			for k, p := range parts {
				if head != "" && !strings.HasSuffix(p, head) {
					p += head
				}
				qs[i+k].t.Metric = p
			}
		}
		i = j
	}
}

// splitList splits a list of subjects at 、 and 和.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '、' || r == '和' })
}

// normUnit returns the power of ten and the base unit of a unit as written:
// 万吨 is 10⁴ 吨, 亿元 10⁸ 元, 平方 and m² are 平方米.
func normUnit(unit string) (int, string) {
	unit = strings.ReplaceAll(unit, " ", "")
	exp := 0
	switch {
	case strings.HasPrefix(unit, "万") && len(unit) > len("万"):
		exp, unit = 4, strings.TrimPrefix(unit, "万")
	case strings.HasPrefix(unit, "亿") && len(unit) > len("亿"):
		exp, unit = 8, strings.TrimPrefix(unit, "亿")
	}
	switch unit {
	case "平方", "m²":
		unit = "平方米"
	case "％":
		unit = "%"
	}
	return exp, unit
}

// parseValue returns the number a value stands for times ten to the exp; a
// range gives its lower bound. The power is applied in decimal, so 1.36万 is
// 13600 exactly.
func parseValue(v string, exp int) float64 {
	end := strings.IndexFunc(v, func(r rune) bool { return r != '.' && (r < '0' || r > '9') })
	if end >= 0 {
		v = v[:end]
	}
	f, _ := strconv.ParseFloat(v+"e"+strconv.Itoa(exp), 64)
	return f
}

// Figure writes the target's comparator and value as the plan reads them:
// 达到…以上 and 15家 give 达到15家以上. A level set in words (达到包头市要求)
// stands alone; a starting figure follows in brackets.
func (t Target) Figure() string {
	if t.Value == "" {
		return t.Comparator
	}
	before, after, _ := strings.Cut(t.Comparator, "…")
	s := before + t.Value + t.Unit + after
	if t.From != "" {
		s += "（基数 " + t.From + "）"
	}
	return s
}

// Period writes the target's year as a reader says it: 2025年, or
// “十四五”时期 for a period.
func (t Target) Period() string {
	switch {
	case t.Year == "":
		return ""
	case strings.Trim(t.Year, "0123456789") == "":
		return t.Year + "年"
	}
	return "“" + t.Year + "”时期"
}
