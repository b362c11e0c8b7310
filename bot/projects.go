package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"planbot/corpus"
	"planbot/index"
)

// The key projects of the boxes 专栏2–10: /projects lists the boxes, a
// box's projects, or the projects on a topic.

func (b *Bot) projectsCmd(ctx context.Context, args string, m Message) []Reply {
	topic := cleanQuery(args)
	if topic == "" {
		return b.boxList(m.ID)
	}
	if n := utf8.RuneCountInString(topic); n > maxQuestion {
		return b.reply(m.ID, fmt.Sprintf("主题太长了（%d 字）。写一两个关键词就好，例如：/projects 铝", n))
	}
	if n, ok := parseNumber(strings.TrimPrefix(topic, "专栏")); ok && isOrdinal(topic, n) {
		if _, found := b.plan.Box(n); found {
			return b.box(n, m.ID)
		}
		if len(b.plan.Boxes) > 0 {
			first, last := b.plan.Boxes[0].Number, b.plan.Boxes[len(b.plan.Boxes)-1].Number
			return b.reply(m.ID, fmt.Sprintf("重点项目在专栏%d–%d，请写其中的专栏号，例如：/projects %d；或写主题，例如：/projects 铝。", first, last, first))
		}
	}
	hits := b.topicProjects(topic)
	if len(hits) == 0 {
		b.recordUnanswered(ctx, "/projects "+topic)
		return b.reply(m.ID, fmt.Sprintf("重点项目里没有找到与%s有关的。发送 /projects 按专栏浏览，或用 /search %s 在全文中查找。",
			quoted(topic), esc(clip(topic, 30))))
	}
	b.recordAnswer(ctx, kindProjectList, topic)
	total := 0
	for _, h := range hits {
		total += len(h.items)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "🏗 %s：共 %d 项\n", bold("“"+clip(topic, 30)+"”的重点项目"), total)
	var buttons []Button
	for _, h := range hits {
		sb.WriteString("\n" + bold(boxName(h.box)) + "\n")
		for _, i := range h.items {
			fmt.Fprintf(&sb, "%d. %s\n", i+1, esc(h.box.Items[i]))
		}
		sb.WriteString(where(h.box.Location) + "\n")
		buttons = append(buttons, Button{
			Text: fmt.Sprintf("专栏%d 全部（%d）", h.box.Number, len(h.box.Items)),
			Data: callbackBox + strconv.Itoa(h.box.Number),
		})
	}
	return b.replyKind(m.ID, KindProject, sb.String(), grid(buttons, 2))
}

// boxName writes 专栏2 铝深加工产业链延伸重点项目.
func boxName(box corpus.Box) string {
	return fmt.Sprintf("专栏%d %s", box.Number, box.Title)
}

// boxHits are the items of one box on a topic, by index.
type boxHits struct {
	box   corpus.Box
	items []int
}

// topicProjects returns the projects on topic, box by box: all of a box
// whose title names it, the items that name it, and those the search finds
// on it.
func (b *Bot) topicProjects(topic string) []boxHits {
	words := strings.Fields(topic)
	has := func(s string) bool {
		s = normalize(s)
		for _, w := range words {
			if w = normalize(w); w == "" || !strings.Contains(s, w) {
				return false
			}
		}
		return len(words) > 0
	}
	found := map[[2]int]bool{}
	rs := b.searchPlan(context.Background(), topic, topicResults).Results
	for _, r := range rs {
		if r.Kind != index.KindProject || r.Score < rs[0].Score*topicScore {
			continue
		}
		if ns, ok := numbers(strings.TrimPrefix(r.ID, "b"), 2); ok {
			found[[2]int{ns[0], ns[1] - 1}] = true
		}
	}
	var out []boxHits
	for _, box := range b.plan.Boxes {
		all := has(box.Title)
		h := boxHits{box: box}
		for i, item := range box.Items {
			if all || has(item) || found[[2]int{box.Number, i}] {
				h.items = append(h.items, i)
			}
		}
		if len(h.items) > 0 {
			out = append(out, h)
		}
	}
	return out
}

// boxList lists the boxes with a button to each.
func (b *Bot) boxList(replyTo int) []Reply {
	total := 0
	for _, box := range b.plan.Boxes {
		total += len(box.Items)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "🏗 %s（共 %d 个专栏、%d 项）\n\n", bold("重点项目"), len(b.plan.Boxes), total)
	var buttons []Button
	for _, box := range b.plan.Boxes {
		chapter := ""
		if c, ok := b.plan.Chapter(box.Chapter); ok {
			chapter = "，第" + corpus.HanNumeral(c.Number) + "章"
		}
		fmt.Fprintf(&sb, "%s（%d 项%s）\n", esc(boxName(box)), len(box.Items), chapter)
		buttons = append(buttons, Button{
			Text: fmt.Sprintf("专栏%d（%d）", box.Number, len(box.Items)),
			Data: callbackBox + strconv.Itoa(box.Number),
		})
	}
	sb.WriteString("\n点专栏号查看其中的项目，或按主题查，例如 /projects 铝。")
	return b.replyKind(replyTo, KindProject, sb.String(), grid(buttons, 3))
}

// box writes the projects of 专栏n, with buttons to the boxes on either
// side, to the list and to the box's chapter.
func (b *Bot) box(n, replyTo int) []Reply {
	box, _ := b.plan.Box(n)
	var sb strings.Builder
	fmt.Fprintf(&sb, "🏗 %s（%d 项）\n", bold(boxName(box)), len(box.Items))
	for i, item := range box.Items {
		fmt.Fprintf(&sb, "%d. %s\n", i+1, esc(item))
	}
	sb.WriteString(where(box.Location))
	var nav []Button
	if _, ok := b.plan.Box(n - 1); ok {
		nav = append(nav, Button{Text: fmt.Sprintf("◀ 专栏%d", n-1), Data: callbackBox + strconv.Itoa(n-1)})
	}
	nav = append(nav, Button{Text: "全部专栏", Data: callbackBox + "0"})
	if _, ok := b.plan.Box(n + 1); ok {
		nav = append(nav, Button{Text: fmt.Sprintf("专栏%d ▶", n+1), Data: callbackBox + strconv.Itoa(n+1)})
	}
	rows := [][]Button{nav}
	if _, ok := b.plan.Chapter(box.Chapter); ok {
		rows = append(rows, []Button{{Text: "📖 第" + corpus.HanNumeral(box.Chapter) + "章", Data: callbackChapter + strconv.Itoa(box.Chapter)}})
	}
	return b.replyKind(replyTo, KindProject, sb.String(), rows)
}
