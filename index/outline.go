package index

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"planbot/corpus"
)

// Questions about the plan's outline (第五章讲什么, 第三篇是什么, 第六章第二节,
// 规划一共有多少章) are answered from its structure: the part, chapter or
// section named, with what it holds, or the count asked. Search would find
// a passage that happens to say 第五 or 章.

// outlineRe finds a part or a chapter named by its number, and a section
// of the chapter: 第五章, 第十二章第三节, 第2篇.
var outlineRe = regexp.MustCompile(`第\s*([一二三四五六七八九十]{1,3}|\d{1,2})\s*(篇|章)(?:\s*第\s*([一二三四五六七八九十]{1,3}|\d{1,2})\s*节)?`)

// outlineCountRe finds a question of how many parts, chapters or sections
// the plan has.
var outlineCountRe = regexp.MustCompile(`(?:多少|几)个?(篇|章|节)`)

// outlineFiller are the words of an outline question that ask about the
// place named, not about a topic: what is left once they are gone is a
// topic, and the question one for search (第五章里的生态补偿是什么意思).
// Where two start at one place, the first listed goes, as in a regular
// expression's alternatives.
var outlineFiller = replacing(strings.Fields(`规划 纲要 全文 里面 里 中 这个 这份 这部 整个 该 的 讲了 讲 说了 说 写了 写 是 了 什么 啥 甚 哪些 哪几 主要 内容 标题 题目 名字 叫 有 一共 总共 共 分 分为 分成 包括 包含 都 关于 部分 大概 大致 具体 介绍 一下 概括 吗 呢 呀 啊 个 请问 告诉我 我想知道`), "")

// outline answers a question about the plan's outline, or reports false.
func (idx *Index) outline(q query) (*doc, bool) {
	text := q.Normalized
	if m := q.outlineAt; m != nil {
		if !idx.onlyFiller(q, text[:m[0]]+" "+text[m[1]:]) {
			return nil, false
		}
		n := outlineNumber(text[m[2]:m[3]])
		if text[m[4]:m[5]] == "篇" {
			if m[6] >= 0 {
				return nil, false // 第二篇第三节: no such place
			}
			return idx.partDoc(n)
		}
		sec := 0
		if m[6] >= 0 {
			sec = outlineNumber(text[m[6]:m[7]])
		}
		return idx.chapterDoc(n, sec)
	}
	if m := q.countAt; m != nil {
		if !idx.onlyFiller(q, text[:m[0]]+" "+text[m[1]:]) {
			return nil, false
		}
		return idx.outlineCount(text[m[2]:m[3]])
	}
	// A question that only names the plan (十四五规划, 东河区, 国家规划讲了什么)
	// asks what it is: its parts, else its chapters, under its title. One
	// that only names a heading (基本原则有哪些) gets what it holds.
	rest, named := idx.unnamed(q)
	if named && rest == "" {
		unit := "章"
		if len(idx.plan.Parts) > 0 {
			unit = "篇"
		}
		d, ok := idx.outlineCount(unit)
		if ok {
			d.title = idx.plan.Title
		}
		return d, ok
	}
	return idx.headingDoc(rest, named)
}

// periodNames are the five-year periods a question may name: 十一五 to
// 十九五.
var periodNames = func() []string {
	var out []string
	for _, r := range "一二三四五六七八九" {
		out = append(out, "十"+string(r)+"五")
	}
	return out
}()

// blanks are the replacers of words by a space: of the periods a question
// names (十五五, “十四五”), and of what names a plan (规划, 纲要, a period).
var (
	periodBlanks = replacing(periodNames, " ")
	planBlanks   = replacing(append([]string{"规划", "纲要"}, periodNames...), " ")
)

// replacing is a replacer of each of words by by.
func replacing(words []string, by string) *strings.Replacer {
	var pairs []string
	for _, w := range words {
		pairs = append(pairs, w, by)
	}
	return strings.NewReplacer(pairs...)
}

// unnamed is what question q says besides naming the plan (by 规划, 纲要,
// its period, its places, the words a library chose it by) and outline
// filler, as headingKey reads a heading; named reports whether it names
// the plan. Where it names none of the plan's places, it is the same for
// every plan of a library, and read once for them (q.heads).
func (idx *Index) unnamed(q query) (rest string, named bool) {
	if q.heads == nil || slices.ContainsFunc(idx.places, func(w string) bool { return strings.Contains(q.Normalized, w) }) {
		return unnamedOf(q.Normalized, q.Naming, idx.places)
	}
	q.heads.once.Do(func() { q.heads.rest, q.heads.named = unnamedOf(q.Normalized, q.Naming, nil) })
	return q.heads.rest, q.heads.named
}

// unnamedOf is what text says besides naming a plan by 规划, 纲要, a period,
// the words naming and places, and outline filler (unnamed).
func unnamedOf(text string, naming, places []string) (rest string, named bool) {
	named = planBlanks.Replace(text) != text
	for _, names := range [][]string{naming, places} {
		for _, w := range names {
			if strings.Contains(text, w) {
				named = true
				text = strings.ReplaceAll(text, w, " ")
			}
		}
	}
	return headingKey(planBlanks.Replace(text)), named
}

// headingKey is a heading, or what a question says of one, as the two are
// compared: without its period, outline filler, quotes, punctuation and
// spaces (“十四五”时期发展目标 → 时期发展目标).
func headingKey(s string) string {
	s = outlineFiller.Replace(periodBlanks.Replace(s))
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// headingDoc answers a question that only names a heading of the plan —
// a chapter's or a section's title, or a numbered heading inside a section
// (国家规划的主要目标, 基本原则有哪些, 发展目标是什么, 十四五时期发展目标,
// 面临的发展形势) — with what it holds. topic is what the question says
// besides (unnamed), named whether it names the plan.
func (idx *Index) headingDoc(topic string, named bool) (*doc, bool) {
	if utf8.RuneCountInString(topic) < 2 {
		return nil, false
	}
	// A heading is the one written so; else, for a question of the plan's
	// own (规划的目标, 东河的定位), the first short one that ends so (发展目标,
	// 发展定位: two characters more at most, not 积极发展节能环保产业 for
	// 东河的产业).
	heads := idx.headings()
	at, ok := heads.byKey[topic]
	if !ok && named {
		at, ok = heads.byEnd[topic]
	}
	if !ok {
		return nil, false
	}
	h := heads.list[at]
	c := &idx.plan.Chapters[h.chapter]
	if h.sub < 0 {
		return idx.placeIn(c, h.section)
	}
	return idx.headingIn(c, h.section, h.sub, c.Sections[h.section-1].Subsections[h.sub])
}

// heading is a heading of the plan, by its place, with its key
// (headingKey): a chapter's (section 0), a section's, or a numbered one
// inside a section (sub, else -1).
type heading struct {
	key                   string
	chapter, section, sub int
}

// headingList is the plan's headings in its order, the place of the
// first of each key, and of the first that ends with each end of a key two
// characters shorter at most (发展目标 ends with 目标, 展目标, 发展目标).
type headingList struct {
	list         []heading
	byKey, byEnd map[string]int
}

// headings are the plan's headings, keyed once, on the first question
// that needs them: a search compares a question with every one.
func (idx *Index) headings() *headingList {
	idx.headsOnce.Do(func() {
		var list []heading
		for ci, c := range idx.plan.Chapters {
			list = append(list, heading{headingKey(c.Title), ci, 0, -1})
			for si, s := range c.Sections {
				list = append(list, heading{headingKey(s.Title), ci, si + 1, -1})
				for hi, h := range s.Subsections {
					list = append(list, heading{headingKey(h.Title), ci, si + 1, hi})
				}
			}
		}
		idx.heads = headingList{list: list, byKey: map[string]int{}, byEnd: map[string]int{}}
		first := func(m map[string]int, key string, i int) {
			if _, ok := m[key]; !ok {
				m[key] = i
			}
		}
		for i, h := range list {
			first(idx.heads.byKey, h.key, i)
			end := h.key
			for range 3 {
				first(idx.heads.byEnd, end, i)
				if _, size := utf8.DecodeRuneInString(end); size < len(end) {
					end = end[size:]
				} else {
					break
				}
			}
		}
	})
	return &idx.heads
}

// headingIn is the answer for the numbered heading h, the hi-th of section
// sec of chapter c: the lead phrases of its paragraphs, counted, else its
// first paragraph.
func (idx *Index) headingIn(c *corpus.Chapter, sec, hi int, h corpus.Subsection) (*doc, bool) {
	title := h.Label + h.Title
	where := fmt.Sprintf("%s 第%s节 · %s · %s", idx.chapterName(c), corpus.HanNumeral(sec), c.Sections[sec-1].Title, title)
	under := func(p corpus.Passage) bool {
		return p.Chapter == c.Number && p.Section == sec && strings.Contains(p.Subsection, h.Title)
	}
	return idx.placeDoc(fmt.Sprintf("list:c%ds%dh%d", c.Number, sec, hi+1), title, "项", nil, under, where)
}

// onlyFiller reports whether s, a part of question q, holds nothing but
// outline filler words, words of the plan's title or naming it (南京,
// 国家, 十五五), punctuation
// and spaces.
func (idx *Index) onlyFiller(q query, s string) bool {
	for _, t := range q.Terms {
		if t.Group == 0 && strings.Contains(idx.plan.Title, t.Text) {
			s = strings.ReplaceAll(s, t.Text, " ")
		}
	}
	for _, w := range q.Naming {
		s = strings.ReplaceAll(s, w, " ")
	}
	s = periodBlanks.Replace(s)
	s = outlineFiller.Replace(s)
	return !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}

// outlineNumber reads a heading number in digits or Chinese numerals.
func outlineNumber(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	for n := 1; n < 100; n++ {
		if corpus.HanNumeral(n) == s {
			return n
		}
	}
	return 0
}

// chapterDoc is the answer for a chapter, or one of its sections when sec
// is not 0. A chapter is found by the number printed in its heading; in a
// plan whose chapters restart in every part, by its running number when
// several print the same.
func (idx *Index) chapterDoc(n, sec int) (*doc, bool) {
	plan := idx.plan
	var ch *corpus.Chapter
	for i := range plan.Chapters {
		c := &plan.Chapters[i]
		if c.Printed == n && (ch == nil || c.Number == n) {
			ch = c
		}
	}
	if ch == nil {
		return nil, false
	}
	return idx.placeIn(ch, sec)
}

// chapterName is how a chapter is named: 第五章, and its part when the
// chapters' numbers restart in every part (第二篇 第三章).
func (idx *Index) chapterName(ch *corpus.Chapter) string {
	where := fmt.Sprintf("第%s章", corpus.HanNumeral(ch.Printed))
	if ch.Printed != ch.Number && ch.Part > 0 {
		where = fmt.Sprintf("第%s篇 %s", corpus.HanNumeral(ch.Part), where)
	}
	return where
}

// placeIn is the answer for chapter ch, or its section sec when sec is
// not 0.
func (idx *Index) placeIn(ch *corpus.Chapter, sec int) (*doc, bool) {
	where := idx.chapterName(ch)
	if sec > 0 {
		if sec > len(ch.Sections) {
			return nil, false
		}
		s := ch.Sections[sec-1]
		where = fmt.Sprintf("%s 第%s节", where, corpus.HanNumeral(sec))
		items := make([]string, len(s.Subsections))
		for i, sub := range s.Subsections {
			items[i] = sub.Title
		}
		return idx.placeDoc(fmt.Sprintf("list:c%ds%d", ch.Number, sec), where+" "+s.Title, "项", items, placed(ch.Number, sec), where+" · "+s.Title)
	}
	items := make([]string, len(ch.Sections))
	for i, s := range ch.Sections {
		items[i] = s.Title
	}
	return idx.placeDoc(fmt.Sprintf("list:c%d", ch.Number), where+" "+ch.Title, "节", items, placed(ch.Number, 0), where+" · "+ch.Title)
}

// placeDoc is the answer for a place of the outline (a chapter, a
// section, a heading): the headings it is divided into, counted; else the
// lead phrases of its paragraphs (those in holds); else its first
// paragraph, as search would show it.
func (idx *Index) placeDoc(id, title, unit string, items []string, holds func(corpus.Passage) bool, location string) (*doc, bool) {
	var first *doc
	if len(items) == 0 {
		unit = "项"
		for _, p := range idx.plan.Passages {
			if !holds(p) {
				continue
			}
			if first == nil {
				first = idx.docs[p.ID]
			}
			if p.Heading != "" {
				items = append(items, p.Heading)
			}
		}
	}
	switch {
	case len(items) > 0:
		return outlineDoc(id, title, unit, items, location), true
	case first != nil:
		return first, true
	}
	return nil, false
}

// placed tells the paragraphs of a chapter's text before its first section
// (section 0), or of one of its sections.
func placed(chapter, section int) func(corpus.Passage) bool {
	return func(p corpus.Passage) bool { return p.Chapter == chapter && p.Section == section }
}

// partDoc is the answer for a part: its chapters.
func (idx *Index) partDoc(n int) (*doc, bool) {
	plan := idx.plan
	if n < 1 || n > len(plan.Parts) {
		return nil, false
	}
	pt := plan.Parts[n-1]
	var items []string
	for _, c := range plan.Chapters {
		if c.Part == pt.Number {
			items = append(items, fmt.Sprintf("第%s章 %s", corpus.HanNumeral(c.Printed), c.Title))
		}
	}
	where := fmt.Sprintf("第%s篇", corpus.HanNumeral(pt.Number))
	return outlineDoc(fmt.Sprintf("list:p%d", pt.Number), where+" "+pt.Title, "章", items, where+" · "+pt.Title), true
}

// outlineCount answers how many parts, chapters or sections the plan has:
// the count, and the parts or chapters by name.
func (idx *Index) outlineCount(unit string) (*doc, bool) {
	plan := idx.plan
	var items []string
	switch unit {
	case "篇":
		if len(plan.Parts) == 0 {
			// A plan without parts: its chapters, and that it has no parts.
			d, ok := idx.outlineCount("章")
			if ok {
				d.text = "本规划不分篇，" + d.text
			}
			return d, ok
		}
		for _, pt := range plan.Parts {
			items = append(items, fmt.Sprintf("第%s篇 %s", corpus.HanNumeral(pt.Number), pt.Title))
		}
	case "章":
		for _, c := range plan.Chapters {
			items = append(items, fmt.Sprintf("第%s章 %s", corpus.HanNumeral(c.Printed), c.Title))
		}
	case "节":
		n := 0
		for _, c := range plan.Chapters {
			n += len(c.Sections)
		}
		if n == 0 {
			return nil, false
		}
		for _, c := range plan.Chapters {
			items = append(items, fmt.Sprintf("第%s章 %s：%d节", corpus.HanNumeral(c.Printed), c.Title, len(c.Sections)))
		}
		d := outlineDoc("list:n节", "各节", "章", items, "目录")
		d.text = fmt.Sprintf("共%d节，分在%d章：%s", n, len(plan.Chapters), strings.TrimPrefix(d.text, fmt.Sprintf("共%d章：", len(items))))
		return d, true
	}
	if len(items) == 0 {
		return nil, false
	}
	return outlineDoc("list:n"+unit, "各"+unit, unit, items, "目录"), true
}

// outlineDoc is an answer listing what a place of the outline holds,
// counted: 共3节：….
func outlineDoc(id, title, unit string, items []string, location string) *doc {
	var sb strings.Builder
	fmt.Fprintf(&sb, "共%d%s：", len(items), unit)
	for i, it := range items {
		if i > 0 {
			sb.WriteString("；")
		}
		fmt.Fprintf(&sb, "%d.%s", i+1, it)
	}
	sb.WriteString("。")
	return &doc{id: id, kind: KindPassage, title: title, text: sb.String(), location: location, items: items}
}
