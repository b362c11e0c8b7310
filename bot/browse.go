package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"planbot/corpus"
)

// Browsing the plan by its outline: the table of contents, a chapter's
// outline and a section's text, each step a button whose data names what it
// shows, so any old button still works.

// sectionBudget is how much of a section's text one message carries, in
// UTF-16 units of HTML; the rest follows a "continue" button.
const sectionBudget = 3000

// chapterName writes 第五章 保持生态优先定力….
func chapterName(c corpus.Chapter) string {
	return "第" + corpus.HanNumeral(c.Number) + "章 " + c.Title
}

func (b *Bot) tocCmd(_ context.Context, _ string, m Message) []Reply {
	return b.toc(m.ID)
}

// toc writes the table of contents, with a button per chapter.
func (b *Bot) toc(replyTo int) []Reply {
	var sb strings.Builder
	sb.WriteString("📚 " + bold(b.plan.Title) + "\n")
	var buttons []Button
	for _, c := range b.plan.Chapters {
		sb.WriteString("\n" + bold(chapterName(c)) + "\n")
		for _, s := range c.Sections {
			sb.WriteString("　第" + corpus.HanNumeral(s.Number) + "节 " + esc(s.Title) + "\n")
		}
		buttons = append(buttons, Button{Text: "第" + corpus.HanNumeral(c.Number) + "章", Data: callbackChapter + strconv.Itoa(c.Number)})
	}
	if len(b.plan.Terms) > 0 {
		sb.WriteString("\n" + bold("名词解释") + "（/define）\n")
	}
	sb.WriteString("\n点章号看一章的提纲，再点节号读原文。量化目标见 /targets，重点项目见 /projects。")
	return b.replyKind(replyTo, KindTOC, sb.String(), grid(buttons, 3))
}

// grid lays buttons out in rows of n.
func grid(buttons []Button, n int) [][]Button {
	var rows [][]Button
	for len(buttons) > n {
		rows = append(rows, buttons[:n])
		buttons = buttons[n:]
	}
	if len(buttons) > 0 {
		rows = append(rows, buttons)
	}
	return rows
}

func (b *Bot) chapterCmd(_ context.Context, args string, m Message) []Reply {
	total := len(b.plan.Chapters)
	if cleanQuery(args) == "" {
		return b.reply(m.ID, fmt.Sprintf("请写上章号（1–%d），例如：/chapter 5。发送 /toc 查看目录。", total))
	}
	n, ok := parseNumber(args)
	if _, found := b.plan.Chapter(n); !ok || !found {
		return b.reply(m.ID, fmt.Sprintf("规划共 %d 章，请写 1–%d 之间的章号，例如：/chapter 5。", total, total))
	}
	return b.chapter(n, m.ID)
}

// chapter writes the outline of chapter n: its opening words, its sections
// and their subsections, its boxes of key projects and how many targets it
// sets, with buttons to read each section, to its targets and boxes, and to
// the chapters on either side.
func (b *Bot) chapter(n, replyTo int) []Reply {
	c, _ := b.plan.Chapter(n)
	var sb strings.Builder
	sb.WriteString("📖 " + bold(chapterName(c)) + "\n")
	for _, p := range b.sectionPassages(n, 0) {
		sb.WriteString(esc(p.Text) + "\n")
	}
	var sections []Button
	for _, s := range c.Sections {
		sb.WriteString("\n第" + corpus.HanNumeral(s.Number) + "节 " + esc(s.Title) + "\n")
		for _, sub := range s.Subsections {
			sb.WriteString("　" + esc(sub.Label+sub.Title) + "\n")
		}
		if len(b.sectionPassages(n, s.Number)) > 0 {
			sections = append(sections, Button{
				Text: "第" + corpus.HanNumeral(s.Number) + "节",
				Data: fmt.Sprintf("%s%d.%d.0", callbackSection, n, s.Number),
			})
		}
	}
	var extras []Button
	if k := len(b.chapterTargets(n)); k > 0 {
		sb.WriteString(fmt.Sprintf("\n本章量化目标和数字 %d 项。\n", k))
		extras = append(extras, Button{Text: fmt.Sprintf("🎯 本章目标（%d）", k), Data: fmt.Sprintf("%s%d.0", callbackTargets, n)})
	}
	var boxes []string
	for _, box := range b.plan.Boxes {
		if box.Chapter == n {
			boxes = append(boxes, fmt.Sprintf("专栏%d · %s", box.Number, box.Title))
			extras = append(extras, Button{Text: fmt.Sprintf("🏗 专栏%d", box.Number), Data: callbackBox + strconv.Itoa(box.Number)})
		}
	}
	if len(boxes) > 0 {
		sb.WriteString("\n重点项目：\n" + esc(strings.Join(boxes, "\n")) + "\n")
	}
	sb.WriteString("\n点节号阅读原文；想了解具体内容，也可以直接提问，例如“" + esc(clip(firstSectionTitle(c), 20)) + "”。")

	rows := grid(sections, 4)
	rows = append(rows, grid(extras, 3)...)
	var nav []Button
	if _, ok := b.plan.Chapter(n - 1); ok {
		nav = append(nav, Button{Text: "◀ 第" + corpus.HanNumeral(n-1) + "章", Data: callbackChapter + strconv.Itoa(n-1)})
	}
	nav = append(nav, Button{Text: "📚 目录", Data: callbackChapter + "0"})
	if _, ok := b.plan.Chapter(n + 1); ok {
		nav = append(nav, Button{Text: "第" + corpus.HanNumeral(n+1) + "章 ▶", Data: callbackChapter + strconv.Itoa(n+1)})
	}
	rows = append(rows, nav)
	return b.replyKind(replyTo, KindChapter, sb.String(), rows)
}

// firstSectionTitle gives an example question for a chapter.
func firstSectionTitle(c corpus.Chapter) string {
	if len(c.Sections) > 0 {
		return c.Sections[0].Title
	}
	return c.Title
}

// sectionPassages returns the passages of section s of chapter c; section
// 0 is the chapter's opening words.
func (b *Bot) sectionPassages(c, s int) []corpus.Passage {
	var out []corpus.Passage
	for _, p := range b.plan.Passages {
		if p.Chapter == c && p.Section == s {
			out = append(out, p)
		}
	}
	return out
}

// section writes the text of section s of chapter c from its passage
// from, as much as one message takes, with a button to continue and
// buttons to the sections on either side. ok is false when there is no
// such section or passage.
func (b *Bot) section(c, s, from, replyTo int) (replies []Reply, ok bool) {
	ch, ok := b.plan.Chapter(c)
	if !ok || s < 1 || s > len(ch.Sections) {
		return nil, false
	}
	ps := b.sectionPassages(c, s)
	if from >= len(ps) {
		return nil, false
	}
	var sb strings.Builder
	sb.WriteString("📄 " + bold(fmt.Sprintf("第%s章 第%s节 %s", corpus.HanNumeral(c), corpus.HanNumeral(s), ch.Sections[s-1].Title)))
	if from > 0 {
		sb.WriteString("（续）")
	}
	sb.WriteString("\n")
	sub := ""
	if from > 0 {
		sub = ps[from-1].Subsection
	}
	next := from
	for ; next < len(ps); next++ {
		p := ps[next]
		var part strings.Builder
		if p.Subsection != sub && p.Subsection != "" {
			part.WriteString("\n" + bold(p.Subsection) + "\n")
		}
		part.WriteString("\n" + paragraph(p) + "\n")
		if next > from && utf16Len(sb.String())+utf16Len(part.String()) > sectionBudget {
			break
		}
		sb.WriteString(part.String())
		sub = p.Subsection
	}
	var rows [][]Button
	if next < len(ps) {
		rows = append(rows, []Button{{Text: "继续阅读 ▶", Data: fmt.Sprintf("%s%d.%d.%d", callbackSection, c, s, next)}})
	}
	var nav []Button
	if s > 1 {
		nav = append(nav, Button{Text: "◀ 第" + corpus.HanNumeral(s-1) + "节", Data: fmt.Sprintf("%s%d.%d.0", callbackSection, c, s-1)})
	}
	nav = append(nav, Button{Text: "📖 第" + corpus.HanNumeral(c) + "章", Data: callbackChapter + strconv.Itoa(c)})
	switch {
	case s < len(ch.Sections):
		nav = append(nav, Button{Text: "第" + corpus.HanNumeral(s+1) + "节 ▶", Data: fmt.Sprintf("%s%d.%d.0", callbackSection, c, s+1)})
	case c < len(b.plan.Chapters):
		nav = append(nav, Button{Text: "第" + corpus.HanNumeral(c+1) + "章 ▶", Data: callbackChapter + strconv.Itoa(c+1)})
	}
	rows = append(rows, nav)
	return b.replyKind(replyTo, KindPassage, sb.String(), rows), true
}

// paragraph writes a passage's text with its lead phrase in bold.
func paragraph(p corpus.Passage) string {
	if p.Heading != "" && strings.HasPrefix(p.Text, p.Heading) {
		return bold(p.Heading) + esc(strings.TrimPrefix(p.Text, p.Heading))
	}
	return esc(p.Text)
}
