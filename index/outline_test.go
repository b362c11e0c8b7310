package index

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"planbot/corpus"
)

// TestOutline checks questions about the outline on the built-in plan and
// on an outline with parts: the place named, with what it holds, counted
// against the parse; a question with a topic besides is searched.
func TestOutline(t *testing.T) {
	idx := testIndex(t)
	pl := idx.Plan()
	njIdx := outlineIndex(t, "nanjing-15th.txt")
	nj := njIdx.Plan()

	sections := func(c corpus.Chapter) []string {
		var out []string
		for _, s := range c.Sections {
			out = append(out, s.Title)
		}
		return out
	}
	sections3 := func(s corpus.Section) []string {
		var out []string
		for _, h := range s.Subsections {
			out = append(out, h.Title)
		}
		return out
	}
	chapters := func(p *corpus.Plan, part int) []string {
		var out []string
		for _, c := range p.Chapters {
			if part == 0 || c.Part == part {
				out = append(out, fmt.Sprintf("第%s章 %s", corpus.HanNumeral(c.Printed), c.Title))
			}
		}
		return out
	}
	// The lead phrases of the paragraphs under a numbered heading of
	// section 3 of chapter 1 (二、基本原则), and that heading.
	headed := func(title string) (string, []string) {
		label := ""
		for _, h := range pl.Chapters[0].Sections[2].Subsections {
			if h.Title == title {
				label = h.Label
			}
		}
		var out []string
		for _, p := range pl.Passages {
			if p.Chapter == 1 && p.Section == 3 && strings.Contains(p.Subsection, title) && p.Heading != "" {
				out = append(out, p.Heading)
			}
		}
		return label + title, out
	}
	principles, principleItems := headed("基本原则")
	goals, goalItems := headed("“十四五”时期发展目标")
	allGoals, allGoalItems := headed("发展目标")
	var parts []string
	for _, p := range nj.Parts {
		parts = append(parts, fmt.Sprintf("第%s篇 %s", corpus.HanNumeral(p.Number), p.Title))
	}
	tests := []struct {
		idx   *Index
		q     string
		title string
		items []string
	}{
		{idx, "第五章讲什么", "第五章 " + pl.Chapters[4].Title, sections(pl.Chapters[4])},
		{idx, "第8章主要内容是啥", "第八章 " + pl.Chapters[7].Title, sections(pl.Chapters[7])},
		{idx, "规划一共有多少章", "各章", chapters(pl, 0)},
		{idx, "一共分几篇", "各章", chapters(pl, 0)}, // no parts: its chapters
		{njIdx, "第三篇是什么", "第三篇 " + nj.Parts[2].Title, chapters(nj, 3)},
		{njIdx, "南京的规划一共几篇", "各篇", parts},
		{njIdx, "第九章讲的什么", "第九章 " + nj.Chapters[8].Title, sections(nj.Chapters[8])},
		// A question naming only the plan: what it is divided into.
		{idx, "规划讲了啥", pl.Title, chapters(pl, 0)},
		{idx, "介绍一下这个规划", pl.Title, chapters(pl, 0)},
		{idx, "东河区", pl.Title, chapters(pl, 0)},
		{idx, "十四五规划的主要内容", pl.Title, chapters(pl, 0)},
		{njIdx, "南京", nj.Title, parts},
		// A question naming a heading: what it holds.
		{idx, "基本原则有哪些", principles, principleItems},
		{idx, "十四五时期的发展目标是什么", goals, goalItems},
		// … or the plan's own, by a short heading that ends so.
		{idx, "规划的原则", principles, principleItems},
		{idx, "十四五规划的目标是什么", allGoals, allGoalItems},
		{idx, "“十四五”发展蓝图", "第一章 第三节 " + pl.Chapters[0].Sections[2].Title, sections3(pl.Chapters[0].Sections[2])},
	}
	for _, tt := range tests {
		ans := tt.idx.Search(tt.q, 5)
		if len(ans.Results) == 0 || !ans.Answered {
			t.Errorf("%q: %s, want %q", tt.q, ans.Outcome(), tt.title)
			continue
		}
		r := ans.Results[0]
		if r.Title != tt.title || !slices.Equal(r.Items, tt.items) || !strings.Contains(r.Text, fmt.Sprintf("共%d", len(tt.items))) {
			t.Errorf("%q: first %q %q with %q, want %q with %d items %q", tt.q, r.Title, r.Text, r.Items, tt.title, len(tt.items), tt.items)
		}
	}
	// A section without headings of its own answers with its first
	// paragraph, where it stands.
	c := -1
	for i, ch := range pl.Chapters {
		if len(ch.Sections) >= 2 {
			c = i
			break
		}
	}
	q := fmt.Sprintf("第%s章第二节讲的啥", corpus.HanNumeral(pl.Chapters[c].Printed))
	ans := idx.Search(q, 5)
	if len(ans.Results) == 0 || !strings.Contains(ans.Results[0].Location, pl.Chapters[c].Sections[1].Title) {
		t.Errorf("%q: %+v, want the section %q", q, ans.Results, pl.Chapters[c].Sections[1].Title)
	}
	// A topic besides the place is searched; a place the plan lacks is no
	// answer of the outline.
	for _, q := range []string{"第五章里的生态补偿是什么意思", "第四十章讲什么", "沙尔沁镇一共有几个村",
		"东河区有多少人口", "规划里的北梁", "是什么", "东河的产业"} {
		if ans := idx.Search(q, 5); len(ans.Results) > 0 && strings.HasPrefix(ans.Results[0].ID, "list:") {
			t.Errorf("%q: answered with %q", q, ans.Results[0].Title)
		}
	}
}

// TestLibraryOutline checks that the words naming a plan (国家, 区里) are
// no topic of a question about its outline.
func TestLibraryOutline(t *testing.T) {
	lib := testLibrary(t)
	for q, plan := range map[string]string{"国家规划第一章讲什么": "国家“十五五”", "区里的规划第五章讲的啥": "东河区“十四五”"} {
		ans, err := lib.Search(t.Context(), q, nil, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(ans.Results) == 0 || !ans.Answered || !strings.HasPrefix(ans.Results[0].ID, "list:c") || ans.Results[0].Plan != plan {
			t.Errorf("%q: %s %+v, want a chapter of %s", q, ans.Outcome(), ans.Results, plan)
		}
	}
}
