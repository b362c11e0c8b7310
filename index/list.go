package index

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"planbot/corpus"
)

// Questions that ask for a list or a count (民生福祉类指标有哪些, 预期性指标
// 一共几项, 专栏9有哪些项目, 文旅方面有哪些重点项目) are answered with the
// whole list, from the plan's structure: the indicator table's rows of a
// category or an attribute, or the items of a box. Search hits would give
// a few of them and no count.

// listRe finds the words that ask for a list or a count.
var listRe = regexp.MustCompile(`有哪些|有啥|有什么|都有什么|都是什么|是哪些|哪些|哪几|几项|几个|几类|几大类|多少项|多少个|一共|总共|共有|列了|包括什么|包括哪|清单|名单|都有`)

//go:embed data/categories.txt
var categoriesData string

// categoryFamilies are the families of indicator categories, from
// categories.txt: the words of each.
var categoryFamilies = sync.OnceValue(func() [][]string {
	var out [][]string
	for _, line := range dataLines(categoriesData) {
		out = append(out, strings.Fields(line))
	}
	return out
})

// sameFamily reports whether a question names a category of the
// indicator table in the words of its family (生态 for 环境美).
func sameFamily(question, category string) bool {
	has := func(s string) func(string) bool { return func(w string) bool { return strings.Contains(s, w) } }
	for _, f := range categoryFamilies() {
		if slices.ContainsFunc(f, has(question)) && slices.ContainsFunc(f, has(category)) {
			return true
		}
	}
	return false
}

// listNounRe finds what is listed: indicators or projects.
var listNounRe = regexp.MustCompile(`指标|项目|工程`)

// boxRe finds a box named by its number: 专栏9, 专栏 9.
var boxRe = regexp.MustCompile(`专栏\s*(\d{1,2})`)

// listWords are the words of a list question that say it is one, not
// what it is about.
var listWords = map[string]bool{
	"指标": true, "项目": true, "工程": true, "重点": true, "重点项目": true, "建设": true, "专栏": true,
	"方面": true, "类": true, "一类": true, "大类": true, "领域": true, "主要": true, "一共": true, "总共": true,
	"列": true, "多少": true, "几": true, "项": true, "个": true, "哪些": true, "规划": true, "定": true,
}

// list answers a question that asks for a list, or reports false.
func (idx *Index) list(q query) (*doc, bool) {
	text := q.Normalized
	if q.Indicator > 0 || !q.list {
		return nil, false
	}
	plan := idx.plan
	if m := boxRe.FindStringSubmatch(text); m != nil {
		n, _ := strconv.Atoi(m[1])
		if b, ok := plan.Box(n); ok {
			return boxList(b), true
		}
		if n == idx.indicatorBox() && len(plan.Indicators) > 0 {
			return indicatorList(plan, "", plan.Indicators), true
		}
		return nil, false
	}
	nouns := listNounRe.FindAllString(text, -1)
	if len(nouns) == 0 {
		return nil, false
	}
	if nouns[0] == "指标" {
		return idx.indicatorScope(q)
	}
	return idx.boxScope(q)
}

// indicatorBox is the number of the box that holds the indicator table in
// a plan whose boxes start after it (专栏1 in the 十四五 outlines), 0 if none.
func (idx *Index) indicatorBox() int {
	if len(idx.plan.Indicators) == 0 {
		return 0
	}
	if _, ok := idx.plan.Box(1); ok {
		return 0
	}
	return 1
}

// indicatorScope lists the indicators of the category or attribute the
// question names, or all of them when it names none and no other topic.
func (idx *Index) indicatorScope(q query) (*doc, bool) {
	plan := idx.plan
	text := q.Normalized
	var cats []string
	seen := map[string]bool{}
	for _, ind := range plan.Indicators {
		c := ind.Category
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		rs := []rune(c)
		if strings.Contains(text, c) || len(rs) >= 4 && regexp.MustCompile(regexp.QuoteMeta(string(rs[:2]))+`(类|方面|领域)`).MatchString(text) || sameFamily(text, c) {
			cats = append(cats, c)
		}
	}
	var attr string
	for _, a := range []string{"约束性", "预期性"} {
		if strings.Contains(text, a) {
			attr = a
		}
	}
	var pick []corpus.Indicator
	for _, ind := range plan.Indicators {
		if (len(cats) == 0 || contains(cats, ind.Category)) && (attr == "" || ind.Attribute == attr) {
			pick = append(pick, ind)
		}
	}
	scope := strings.Join(cats, "、")
	if scope != "" {
		scope += "类"
	}
	scope += attr
	if scope == "" {
		// All indicators, when the question is about the table itself and
		// names no other topic (not 就业方面有哪些指标).
		for _, t := range q.Terms {
			if !listWords[t.Text] && !idx.qu.stop[t.Text] && t.Group == 0 {
				return nil, false
			}
		}
	}
	if len(pick) == 0 {
		return nil, false
	}
	return indicatorList(plan, scope, pick), true
}

// boxScope lists the box whose title the question's topic matches best.
func (idx *Index) boxScope(q query) (*doc, bool) {
	var topic []term
	for _, t := range q.Terms {
		if !listWords[t.Text] && !idx.qu.stop[t.Text] {
			topic = append(topic, t)
		}
	}
	if len(topic) == 0 {
		return nil, false
	}
	weight := func(t term) float64 { return idx.idf(t.Text) * t.Weight * charFactor(t) }
	sc := newScorer(topic, weight)
	total := sc.cover(func(string) bool { return true })
	best, bestCov := -1, 0.0
	for i, b := range idx.plan.Boxes {
		words := idx.titleWords(b.Title)
		c := sc.cover(func(w string) bool { return words[w] || abbreviates(w, b.Title) })
		if c > bestCov {
			best, bestCov = i, c
		}
	}
	// The box must hold what the question is about, not one word of it.
	if best < 0 || bestCov < 0.6*total {
		return nil, false
	}
	return boxList(idx.plan.Boxes[best]), true
}

// titleWords are the words of a title, as the index cuts them.
func (idx *Index) titleWords(title string) map[string]bool {
	words := map[string]bool{}
	for _, t := range idx.seg.CutSearch(title) {
		words[strings.ToLower(t.Text)] = true
	}
	return words
}

// abbreviates reports whether a short word is an abbreviation of words in
// title, its characters standing there in order (文旅 in 文化旅游, 农文旅
// in 农业文化旅游): how such words are made.
func abbreviates(w, title string) bool {
	rs := []rune(w)
	if len(rs) < 2 || len(rs) > 4 || strings.Contains(title, w) {
		return false
	}
	rest := title
	for _, r := range rs {
		i := strings.IndexRune(rest, r)
		if i < 0 {
			return false
		}
		rest = rest[i+len(string(r)):]
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// indicatorList is the answer listing indicators: counted, by category.
func indicatorList(plan *corpus.Plan, scope string, inds []corpus.Indicator) *doc {
	var sb strings.Builder
	var items []string
	cats := []string{}
	byCat := map[string][]corpus.Indicator{}
	for _, ind := range inds {
		if _, ok := byCat[ind.Category]; !ok {
			cats = append(cats, ind.Category)
		}
		byCat[ind.Category] = append(byCat[ind.Category], ind)
	}
	fmt.Fprintf(&sb, "共%d项", len(inds))
	if len(cats) > 1 {
		fmt.Fprintf(&sb, "，分%d类", len(cats))
	}
	sb.WriteString("：")
	for ci, c := range cats {
		if ci > 0 {
			sb.WriteString("；")
		}
		if len(cats) > 1 && c != "" {
			fmt.Fprintf(&sb, "%s类%d项：", c, len(byCat[c]))
		}
		for i, ind := range byCat[c] {
			if i > 0 {
				sb.WriteString("、")
			}
			item := fmt.Sprintf("%d.%s（%s）", ind.Number, ind.Name, ind.Attribute)
			sb.WriteString(item)
			items = append(items, item)
		}
	}
	sb.WriteString("。")
	title := "主要指标"
	if scope != "" {
		title = scope + "指标"
	}
	return &doc{
		id:       "list:i:" + scope,
		kind:     KindIndicator,
		title:    title,
		text:     sb.String(),
		location: tableLocation(plan),
		items:    items,
	}
}

// boxList is the answer listing the items of a box, counted.
func boxList(b corpus.Box) *doc {
	var sb strings.Builder
	items := make([]string, len(b.Items))
	fmt.Fprintf(&sb, "共%d项：", len(b.Items))
	for i, it := range b.Items {
		name, _, _ := strings.Cut(it, "。")
		items[i] = name
		if i > 0 {
			sb.WriteString("；")
		}
		fmt.Fprintf(&sb, "%d.%s", i+1, name)
	}
	sb.WriteString("。")
	return &doc{
		id:       "list:b" + strconv.Itoa(b.Number),
		kind:     KindProject,
		title:    fmt.Sprintf("专栏%d %s", b.Number, b.Title),
		text:     sb.String(),
		location: fmt.Sprintf("专栏%d %s · %s", b.Number, b.Title, b.Location),
		items:    items,
	}
}
