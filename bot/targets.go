package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"planbot/corpus"
	"planbot/index"
)

// The plan's quantitative targets and results (corpus.Target): /targets
// lists them on a topic or by chapter, each with its figure as written and
// where the plan states it; a search result of kind target shows one.

const (
	// targetPage is how many targets one message of a list shows.
	targetPage = 10
	// topicResults is how many search results /targets and /projects
	// consult for a topic, and topicScore how close to the best one a
	// result must score to count: the weak tail of a search is noise.
	topicResults = 10
	topicScore   = 0.9
	// The kinds recorded for a /targets or /projects list on a topic.
	kindTargetList  = "targets"
	kindProjectList = "projects"
)

// targetTopics are the topics /targets suggests, those the plan has
// targets on.
var targetTopics = []string{"养老", "就业", "铝", "农业", "森林", "收入", "教育", "医疗"}

func (b *Bot) targetsCmd(ctx context.Context, args string, m Message) []Reply {
	topic := cleanTopic(args)
	if topic == "" {
		return b.targetsOverview(m.ID)
	}
	if n := utf8.RuneCountInString(topic); n > maxQuestion {
		return b.reply(m.ID, fmt.Sprintf("主题太长了（%d 字）。写一两个关键词就好，例如：/targets 养老", n))
	}
	if n, ok := parseNumber(topic); ok && isOrdinal(topic, n) {
		ch, found := b.plan.Chapter(n)
		if !found {
			total := len(b.plan.Chapters)
			return b.reply(m.ID, fmt.Sprintf("规划共 %d 章，请写 1–%d 之间的章号，例如：/targets 5；或写主题，例如：/targets 养老。", total, total))
		}
		ts := b.chapterTargets(n)
		if len(ts) == 0 {
			return b.reply(m.ID, esc(chapterName(ch))+" 没有写量化目标。发送 /targets 查看各章的数目。")
		}
		return b.targetPage(chapterHeading(ch), ts, 0, fmt.Sprintf("%s%d.", callbackTargets, n), m.ID)
	}
	ts := b.topicTargets(topic)
	if len(ts) == 0 {
		b.recordUnanswered(ctx, "/targets "+topic)
		return b.reply(m.ID, fmt.Sprintf("没有找到与%s有关的量化目标。发送 /targets 查看各章的目标和可以查的主题，或用 /search %s 在全文中查找。",
			quoted(topic), esc(clip(topic, 30))))
	}
	b.recordAnswer(ctx, kindTargetList, topic)
	return b.targetPage(topicHeading(topic), ts, 0, callbackMore, m.ID)
}

// isOrdinal reports whether s, read as the number n, names a chapter or a
// box by its number (5, 第十章, 专栏3) rather than being a figure to look
// for, such as a year (2025).
func isOrdinal(s string, n int) bool {
	return n < 100 || strings.ContainsAny(s, "第章")
}

// cleanTopic makes the argument of /targets a topic: 养老的目标 is 养老.
func cleanTopic(args string) string {
	t := cleanQuery(args)
	for _, suffix := range []string{"是多少", "有哪些", "多少", "目标", "指标", "数字", "的"} {
		if s := strings.TrimSuffix(t, suffix); s != "" {
			t = s
		}
	}
	return strings.TrimSpace(t)
}

// topicHeading and chapterHeading title a list of targets (plain text).
func topicHeading(topic string) string { return "“" + clip(topic, 30) + "”的量化目标" }

func chapterHeading(c corpus.Chapter) string { return chapterName(c) + " · 量化目标" }

// targetsOverview counts the targets by chapter and suggests topics.
func (b *Bot) targetsOverview(replyTo int) []Reply {
	var sb strings.Builder
	fmt.Fprintf(&sb, "🎯 %s：共 %d 项%s。取自正文、重点项目专栏和主要指标表，每项注明出处。\n\n",
		bold("规划中的量化目标"), len(b.targets), kinds(b.targets))
	sb.WriteString(bold("按章") + "\n")
	var buttons []Button
	for _, c := range b.plan.Chapters {
		n := len(b.chapterTargets(c.Number))
		if n == 0 {
			continue
		}
		fmt.Fprintf(&sb, "%s：%d 项\n", esc(chapterName(c)), n)
		buttons = append(buttons, Button{
			Text: fmt.Sprintf("第%s章（%d）", corpus.HanNumeral(c.Number), n),
			Data: fmt.Sprintf("%s%d.0", callbackTargets, c.Number),
		})
	}
	var examples []string
	for _, t := range targetTopics {
		if len(examples) < 5 && slices.Contains(b.matchTargets([]string{t}), true) {
			examples = append(examples, "/targets "+t)
		}
	}
	if len(examples) > 0 {
		sb.WriteString("\n按主题查：" + esc(strings.Join(examples, " · ")) + "\n")
	}
	sb.WriteString("点下面的章号查看一章的全部数字。")
	return b.replyKind(replyTo, KindTarget, sb.String(), grid(buttons, 3))
}

// kinds writes how many of ts are targets and how many results:
// （目标 104 项，已实现 76 项）.
func kinds(ts []corpus.Target) string {
	n := 0
	for _, t := range ts {
		if t.Kind != corpus.KindAchievement {
			n++
		}
	}
	var parts []string
	if n > 0 {
		parts = append(parts, fmt.Sprintf("目标 %d 项", n))
	}
	if len(ts)-n > 0 {
		parts = append(parts, fmt.Sprintf("已实现 %d 项", len(ts)-n))
	}
	return "（" + strings.Join(parts, "，") + "）"
}

// chapterTargets returns the targets chapter n states.
func (b *Bot) chapterTargets(n int) []corpus.Target {
	var out []corpus.Target
	for _, t := range b.targets {
		if t.Chapter == n {
			out = append(out, t)
		}
	}
	return out
}

// matchTargets marks the targets whose metric or sentence holds every word.
func (b *Bot) matchTargets(words []string) []bool {
	keep := make([]bool, len(b.targets))
	for i, t := range b.targets {
		metric, text := normalize(t.Metric), normalize(t.Text)
		keep[i] = len(words) > 0
		for _, w := range words {
			if w = normalize(w); w == "" || !strings.Contains(metric, w) && !strings.Contains(text, w) {
				keep[i] = false
				break
			}
		}
	}
	return keep
}

// topicTargets returns the targets on topic, in the order of the plan:
// those whose metric or sentence names it, and those standing where the
// search finds the plan speaks of it (养老 finds the passage on 护理型床位
// whichever words it uses).
func (b *Bot) topicTargets(topic string) []corpus.Target {
	keep := b.matchTargets(strings.Fields(topic))
	rs := b.searchPlan(context.Background(), topic, topicResults).Results
	for _, r := range rs {
		if r.Score < rs[0].Score*topicScore {
			continue
		}
		switch r.Kind {
		case index.KindTarget:
			if i, ok := b.targetAt[strings.TrimPrefix(r.ID, "g")]; ok && strings.HasPrefix(r.ID, "g") {
				lo, hi := b.sentenceRange(i)
				for j := lo; j < hi; j++ {
					keep[j] = true
				}
			}
		case index.KindPassage:
			for i, t := range b.targets {
				if t.PassageID == r.ID {
					keep[i] = true
				}
			}
		case index.KindProject, index.KindIndicator:
			// b2.9 stands for the figures box2.9.1, …; i18 for table.18.2025, ….
			prefix := "box" + strings.TrimPrefix(r.ID, "b") + "."
			if r.Kind == index.KindIndicator {
				prefix = "table." + strings.TrimPrefix(r.ID, "i") + "."
			}
			for i, t := range b.targets {
				if strings.HasPrefix(t.ID, prefix) {
					keep[i] = true
				}
			}
		}
	}
	var out []corpus.Target
	for i, t := range b.targets {
		if keep[i] {
			out = append(out, t)
		}
	}
	return out
}

// sentenceRange returns the bounds in b.targets of the targets read from
// the sentence of targets[i]: they stand together, in document order.
func (b *Bot) sentenceRange(i int) (lo, hi int) {
	lo, hi = i, i+1
	for lo > 0 && sameSentence(b.targets[lo-1], b.targets[i]) {
		lo--
	}
	for hi < len(b.targets) && sameSentence(b.targets[hi], b.targets[i]) {
		hi++
	}
	return lo, hi
}

func sameSentence(a, b corpus.Target) bool {
	return a.Text == b.Text && a.Location == b.Location && a.PassageID == b.PassageID
}

// targetPage writes ts[offset:] up to a page, under heading (plain text),
// grouped by chapter (unless they are all of one) and by sentence, with a
// button whose data is more and the offset of the next page.
func (b *Bot) targetPage(heading string, ts []corpus.Target, offset int, more string, replyTo int) []Reply {
	end := min(len(ts), offset+targetPage)
	var sb strings.Builder
	if offset == 0 {
		fmt.Fprintf(&sb, "🎯 %s：共 %d 项%s\n", bold(heading), len(ts), kinds(ts))
	} else {
		fmt.Fprintf(&sb, "🎯 %s（第 %d–%d 项，共 %d 项）\n", bold(heading), offset+1, end, len(ts))
	}
	chapters := ts[0].Chapter != ts[len(ts)-1].Chapter
	if !chapters {
		sb.WriteString("\n")
	}
	b.writeTargets(&sb, ts[offset:end], chapters)
	var rows [][]Button
	if end < len(ts) {
		rows = [][]Button{{{Text: fmt.Sprintf("更多 ▶（还有 %d 项）", len(ts)-end), Data: more + strconv.Itoa(end)}}}
	}
	return b.replyKind(replyTo, KindTarget, sb.String(), rows)
}

// writeTargets writes targets, under the titles of their chapters if
// chapters is set; the targets of one sentence are followed by the
// sentence, once, and where it stands.
func (b *Bot) writeTargets(sb *strings.Builder, ts []corpus.Target, chapters bool) {
	chapter := -1
	for i, t := range ts {
		if chapters && t.Chapter != chapter {
			chapter = t.Chapter
			title := "序言"
			if c, ok := b.plan.Chapter(chapter); ok {
				title = chapterName(c)
			}
			sb.WriteString("\n" + bold(title) + "\n")
		}
		sb.WriteString("• " + targetLine(t) + "\n")
		if i == len(ts)-1 || !sameSentence(ts[i+1], t) || ts[i+1].Chapter != t.Chapter {
			sb.WriteString("<blockquote>" + esc(t.Text) + "</blockquote>\n" + where(t.Location) + "\n")
		}
	}
}

// targetLine writes a target on one line: <b>原铝产能</b>：实现150万吨（2025年目标）.
func targetLine(t corpus.Target) string {
	metric := t.Metric
	if metric == "" {
		metric = "（未写明）"
	}
	return bold(metric) + "：" + esc(t.Figure()) + "（" + esc(t.Period()+kindLabel(t.Kind)) + "）"
}

func kindLabel(kind string) string {
	if kind == corpus.KindAchievement {
		return "已实现"
	}
	return "目标"
}

// targetOf finds the target a search result of kind target stands for.
// The index keeps one document per sentence, under the ID of its first
// target ("g" + Target.ID); of the sentence's targets, the one whose metric
// holds most of the matched words is the one asked about.
func (b *Bot) targetOf(r index.Result) (corpus.Target, bool) {
	i, ok := b.targetAt[strings.TrimPrefix(r.ID, "g")]
	if !ok || !strings.HasPrefix(r.ID, "g") {
		return corpus.Target{}, false
	}
	lo, hi := b.sentenceRange(i)
	best, score := b.targets[i], 0
	for _, t := range b.targets[lo:hi] {
		n := 0
		for _, h := range r.Highlights {
			if h.Start >= 0 && h.Start < h.End && h.End <= len(r.Excerpt) && strings.Contains(t.Metric, r.Excerpt[h.Start:h.End]) {
				n += h.End - h.Start
			}
		}
		if n > score {
			best, score = t, n
		}
	}
	return best, true
}
