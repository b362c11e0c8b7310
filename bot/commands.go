package bot

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"planbot/corpus"
	"planbot/index"
)

// command answers one command; args is the text after it.
type command func(b *Bot, ctx context.Context, args string, m Message) []Reply

// lookup finds the handler of a command by its name or alias.
func lookup(name string) (command, bool) {
	switch name {
	case "start", "help":
		return (*Bot).help, true
	case "search", "s":
		return (*Bot).searchCmd, true
	case "indicator", "i":
		return (*Bot).indicatorCmd, true
	case "indicators":
		return (*Bot).indicatorsCmd, true
	case "define", "term":
		return (*Bot).defineCmd, true
	case "toc":
		return (*Bot).tocCmd, true
	case "chapter":
		return (*Bot).chapterCmd, true
	case "targets", "target":
		return (*Bot).targetsCmd, true
	case "projects", "project":
		return (*Bot).projectsCmd, true
	case "stats":
		return (*Bot).statsCmd, true
	case "plan", "plans":
		return (*Bot).planCmd, true
	case "compare":
		return (*Bot).compareCmd, true
	}
	return nil, false
}

func (b *Bot) help(_ context.Context, _ string, m Message) []Reply {
	var sb strings.Builder
	fmt.Fprintf(&sb, "你好！我是%s问答助手，回答时引用规划原文并注明出处（第几章第几节）。\n\n", esc(b.shortTitle()))
	if m.ChatType == Private || m.ChatType == "" {
		sb.WriteString("直接发问题就行，例如：\n")
	} else {
		sb.WriteString("在群里请 @我 提问、回复我的消息，或使用下面的命令，例如：\n")
	}
	sb.WriteString("• 森林覆盖率的目标是多少？\n• 什么是碳达峰？\n• 养老服务怎么安排？\n\n")
	sb.WriteString("命令：\n" +
		"/search 关键词 — 在规划全文中查找（/s）\n" +
		"/indicator 18 或 名称 — 主要指标卡片（/i）\n" +
		"/indicators — 主要指标一览，可加 约束性、预期性 或类别\n" +
		"/targets 主题 — 量化目标和已实现的数字，按章列出，注明出处，例如 /targets 养老\n" +
		"/projects 主题 — 重点项目（专栏2–10），例如 /projects 铝；不加主题按专栏浏览\n" +
		"/define 名词 — 名词解释（/term）\n" +
		"/toc — 目录\n" +
		"/chapter 5 — 查看某一章，可逐节阅读原文")
	if len(b.shelf.views) > 1 {
		sb.WriteString("\n/plan — 选择要问的规划（现有 " + strconv.Itoa(len(b.shelf.views)) + " 份），问题里写上“国家”“十五五”等也可以只查那份规划" +
			"\n/compare 指标 — 比较各份规划的同一指标，例如 /compare 森林覆盖率")
	}
	if b.isAdmin(m.FromID) {
		sb.WriteString("\n/stats 7 — 近 7 天大家问了什么、哪些问题没有答案（仅管理员，私聊）")
	}
	if b.username != "" {
		sb.WriteString("\n\n在任何聊天里输入 @" + esc(b.username) + " 森林覆盖率，可以把答案分享出去。")
	}
	return b.reply(m.ID, sb.String())
}

func (b *Bot) searchCmd(ctx context.Context, args string, m Message) []Reply {
	if cleanQuery(args) == "" {
		return b.reply(m.ID, "请在 /search 后写上要查找的内容，例如：/search 森林覆盖率")
	}
	return b.ask(ctx, args, AskOptions{Plan: m.chosen}, m)
}

// numberRe reads a number as people write it for an indicator or chapter:
// 18, 第18项, 指标18, 第五章, 五.
var numberRe = regexp.MustCompile(`^(?:第|指标)?\s*([0-9０-９]+|[一二三四五六七八九十]+)\s*(?:项|个|章|号)?$`)

// parseNumber reads a small number in Arabic or Chinese numerals. ok is
// true for any number written in digits; n is 0 when it is too big.
func parseNumber(s string) (int, bool) {
	m := numberRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	d := strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		return r
	}, m[1])
	if d[0] >= '0' && d[0] <= '9' {
		n, err := strconv.Atoi(d)
		if err != nil {
			return 0, true // a number, but too big for anything
		}
		return n, true
	}
	for n := 1; n < 100; n++ {
		if corpus.HanNumeral(n) == d {
			return n, true
		}
	}
	return 0, false
}

// normalize prepares a name for matching: no quotes, no space, lower case.
func normalize(s string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		switch r {
		case '“', '”', '"', '\'', '‘', '’', '「', '」', '《', '》', ' ', '\u3000', '\t', '?', '？', '。':
			return -1
		}
		return r
	}, s))
}

// noIndicators answers for a plan whose text has no indicator table (its
// table was printed as an image, or it has none).
const noIndicators = "这份规划的文本里没有主要指标表。可以直接提问，例如“研发经费投入增长多少”，或发送 /targets 查看正文里的量化目标。"

func (b *Bot) indicatorCmd(ctx context.Context, args string, m Message) []Reply {
	args = cleanQuery(args)
	total := len(b.plan.Indicators)
	if total == 0 {
		return b.reply(m.ID, noIndicators)
	}
	if args == "" {
		return b.reply(m.ID, fmt.Sprintf("请写上指标的编号（1–%d）或名称，例如：/indicator 18 或 /indicator 森林覆盖率。发送 /indicators 查看全部。", total))
	}
	if n, ok := parseNumber(args); ok {
		ind, ok := b.plan.Indicator(n)
		if !ok {
			what := "这一项"
			if n > 0 {
				what = fmt.Sprintf("第 %d 项", n)
			}
			return b.reply(m.ID, fmt.Sprintf("没有%s指标：主要指标共 %d 项（1–%d）。发送 /indicators 查看全部。", what, total, total))
		}
		b.recordAnswer(ctx, string(index.KindIndicator), indicatorTitle(ind))
		return b.replyKind(m.ID, KindIndicator, b.indicatorCard(ind), nil)
	}
	q := normalize(strings.TrimPrefix(args, "指标"))
	var found []corpus.Indicator
	for _, ind := range b.plan.Indicators {
		name := normalize(ind.Name)
		if q != "" && (strings.Contains(name, q) || strings.Contains(q, name)) {
			found = append(found, ind)
		}
	}
	if len(found) == 0 {
		for _, r := range b.searchPlan(ctx, args, 10).Results {
			if r.Kind != index.KindIndicator {
				continue
			}
			if n, err := strconv.Atoi(strings.TrimPrefix(r.ID, "i")); err == nil {
				if ind, ok := b.plan.Indicator(n); ok {
					found = append(found, ind)
					break
				}
			}
		}
	}
	if len(found) == 0 {
		b.recordUnanswered(ctx, "/indicator "+args)
	} else {
		b.recordAnswer(ctx, string(index.KindIndicator), indicatorTitle(found[0]))
	}
	switch {
	case len(found) == 0:
		return b.reply(m.ID, fmt.Sprintf("主要指标里没有%s。发送 /indicators 查看全部 %d 项，或用 /search %s 在全文中查找。", quoted(args), total, esc(clip(args, 30))))
	case len(found) <= 3:
		cards := make([]string, len(found))
		for i, ind := range found {
			cards[i] = b.indicatorCard(ind)
		}
		return b.replyKind(m.ID, KindIndicator, strings.Join(cards, "\n\n"), nil)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "有 %d 项指标与%s有关，点编号查看：\n", len(found), quoted(args))
	var row []Button
	var rows [][]Button
	for _, ind := range found {
		fmt.Fprintf(&sb, "%d. %s\n", ind.Number, esc(ind.Name))
		row = append(row, Button{Text: strconv.Itoa(ind.Number), Data: callbackIndicator + strconv.Itoa(ind.Number)})
		if len(row) == 5 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return b.replyButtons(m.ID, sb.String(), rows)
}

// indicatorLine writes an indicator on one line of the table overview.
func indicatorLine(ind corpus.Indicator) string {
	dash := func(v string) bool { v = strings.TrimSpace(v); return v == "" || v == "—" || v == "-" }
	var parts []string
	if !dash(ind.Base) || !dash(ind.Target) {
		base, target := ind.Base, ind.Target
		if dash(base) {
			base = "—"
		}
		if dash(target) {
			target = "—"
		}
		switch {
		case ind.BaseYear > 0 && ind.TargetYear > 0:
			parts = append(parts, fmt.Sprintf("%d年 %s → %d年 %s", ind.BaseYear, esc(base), ind.TargetYear, esc(target)))
		case ind.TargetYear > 0:
			parts = append(parts, fmt.Sprintf("%d年 %s", ind.TargetYear, esc(target)))
		default:
			parts = append(parts, fmt.Sprintf("%d年 %s", ind.BaseYear, esc(base)))
		}
	}
	if !dash(ind.FiveYear) {
		switch {
		case ind.Cumulative:
			parts = append(parts, "五年累计 "+esc(ind.FiveYear))
		case strings.ContainsAny(ind.FiveYear, "0123456789"):
			parts = append(parts, "年均 "+esc(ind.FiveYear))
		default:
			parts = append(parts, esc(ind.FiveYear))
		}
	}
	unit := ""
	if ind.Unit != "" {
		unit = "（" + esc(ind.Unit) + "）"
	}
	name := ind.Name
	if ind.Sub != "" {
		name += "·" + ind.Sub
	}
	line := fmt.Sprintf("%d. %s%s", ind.Number, esc(name), unit)
	if len(parts) > 0 {
		line += "：" + strings.Join(parts, "，")
	}
	return line + " · " + esc(ind.Attribute)
}

func (b *Bot) indicatorsCmd(_ context.Context, args string, m Message) []Reply {
	filter := normalize(cleanQuery(args))
	var cats []string
	byCat := map[string][]corpus.Indicator{}
	for _, ind := range b.plan.Indicators {
		if _, ok := byCat[ind.Category]; !ok {
			cats = append(cats, ind.Category)
		}
		byCat[ind.Category] = append(byCat[ind.Category], ind)
	}
	if len(b.plan.Indicators) == 0 {
		return b.reply(m.ID, noIndicators)
	}
	keep := func(ind corpus.Indicator) bool { return true }
	label, tableTitle := "专栏1", "主要指标"
	if t := b.plan.IndicatorTable; t != nil {
		label, tableTitle = t.Label, t.Title
	}
	title := fmt.Sprintf("📊 <b>%s</b>（%s，共 %d 项）", esc(tableTitle), esc(label), len(b.plan.Indicators))
	switch {
	case filter == "":
	case strings.HasPrefix(filter, "约束"), strings.HasPrefix(filter, "预期"):
		attr := "约束性"
		if strings.HasPrefix(filter, "预期") {
			attr = "预期性"
		}
		keep = func(ind corpus.Indicator) bool { return ind.Attribute == attr }
		title = fmt.Sprintf("📊 <b>%s指标</b>（%s）", attr, esc(label))
	default:
		var cat string
		for _, c := range cats {
			if nc := normalize(c); c != "" && (strings.Contains(nc, filter) || strings.Contains(filter, nc)) {
				cat = c
				break
			}
		}
		if cat == "" {
			return b.reply(m.ID, fmt.Sprintf("没有%s这一类指标。可以按属性（约束性、预期性）或类别（%s）筛选，例如：/indicators 约束性",
				quoted(args), esc(strings.Join(cats, "、"))))
		}
		keep = func(ind corpus.Indicator) bool { return ind.Category == cat }
		title = fmt.Sprintf("📊 <b>%s类指标</b>（%s）", esc(cat), esc(label))
	}
	var sb strings.Builder
	sb.WriteString(title + "\n")
	n := 0
	for _, c := range cats {
		var lines []string
		for _, ind := range byCat[c] {
			if keep(ind) {
				lines = append(lines, indicatorLine(ind))
			}
		}
		if len(lines) == 0 {
			continue
		}
		n += len(lines)
		if c != "" {
			sb.WriteString("\n" + bold(c) + "\n")
		}
		sb.WriteString(strings.Join(lines, "\n") + "\n")
	}
	if n == 0 {
		return b.reply(m.ID, "没有符合条件的指标。发送 /indicators 查看全部。")
	}
	sb.WriteString("\n")
	cumulative := false
	for _, ind := range b.plan.Indicators {
		cumulative = cumulative || ind.Cumulative
	}
	if cumulative {
		sb.WriteString("方括号 [ ] 内为五年累计数。")
	}
	for _, note := range b.plan.IndicatorNotes {
		if !cumulative {
			sb.WriteString(esc(note) + "\n")
		}
	}
	last := b.plan.Indicators[len(b.plan.Indicators)-1].Number
	sb.WriteString(fmt.Sprintf("发送 /indicator 编号 查看详情，例如 /indicator %d。", last))
	return b.replyKind(m.ID, KindIndicator, sb.String(), nil)
}

// findTerms returns the glossary entries a query names: those it names
// exactly, then those whose name contains it or that it contains, and when
// there are none the entry the search finds first.
func (b *Bot) findTerms(args string) []corpus.Term {
	q := normalize(args)
	if mm := termQuery.FindStringSubmatch(q); mm != nil {
		q = mm[1]
	}
	var exact, near []corpus.Term
	for _, t := range b.plan.Terms {
		names := append([]string{t.Term}, t.Aliases...)
		hit := 0
		for _, a := range names {
			na := normalize(a)
			switch {
			case na == q:
				hit = 2
			case hit == 0 && len([]rune(q)) >= 2 && (strings.Contains(na, q) || strings.Contains(q, na)):
				hit = 1
			}
		}
		switch hit {
		case 2:
			exact = append(exact, t)
		case 1:
			near = append(near, t)
		}
	}
	found := append(exact, near...)
	if len(found) == 0 {
		for _, r := range b.searchPlan(context.Background(), args, 10).Results {
			if r.Kind != index.KindTerm {
				continue
			}
			if n, err := strconv.Atoi(strings.TrimPrefix(r.ID, "t")); err == nil && n >= 1 && n <= len(b.plan.Terms) {
				found = append(found, b.plan.Terms[n-1])
				break
			}
		}
	}
	return found
}

// termQuery strips the words around a term in a question such as
// “碳达峰”是什么意思？
var termQuery = regexp.MustCompile(`^(?:什么是|何为|解释一下|解释)?(.+?)(?:是什么意思|是什么|指什么|的意思|的定义|的含义)?$`)

func (b *Bot) defineCmd(ctx context.Context, args string, m Message) []Reply {
	args = cleanQuery(args)
	if len(b.plan.Terms) == 0 {
		return b.reply(m.ID, "这份规划没有名词解释。想了解某个说法，可以直接提问，例如“"+esc(b.exampleTopic())+"是什么”。")
	}
	if args == "" {
		var sb strings.Builder
		fmt.Fprintf(&sb, "📖 <b>名词解释</b>（共 %d 条）：\n", len(b.plan.Terms))
		for _, t := range b.plan.Terms {
			sb.WriteString("• " + esc(t.Term) + "\n")
		}
		sb.WriteString("\n发送 /define 名词 查看解释，例如 /define 碳达峰。")
		return b.replyKind(m.ID, KindTerm, sb.String(), nil)
	}
	found := b.findTerms(args)
	if len(found) == 0 {
		b.recordUnanswered(ctx, "/define "+args)
		return b.reply(m.ID, fmt.Sprintf("名词解释里没有%s。发送 /define 查看全部 %d 条，或用 /search %s 在全文中查找。",
			quoted(args), len(b.plan.Terms), esc(clip(args, 30))))
	}
	b.recordAnswer(ctx, string(index.KindTerm), termTitle(found[0]))
	cards := make([]string, 0, 3)
	for _, t := range found[:min(3, len(found))] {
		cards = append(cards, termCard(t))
	}
	return b.replyKind(m.ID, KindTerm, strings.Join(cards, "\n\n"), nil)
}

// exampleTopic is a topic of the plan to suggest in a hint: the title of
// its first section, or of its first chapter.
func (b *Bot) exampleTopic() string {
	for _, c := range b.plan.Chapters {
		for _, s := range c.Sections {
			return clip(s.Title, 12)
		}
		return clip(c.Title, 12)
	}
	return "规划"
}
