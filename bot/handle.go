package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	// maxQuestion is the longest question, in characters, the bot
	// searches for; a question is a phrase, not a document.
	maxQuestion = 200
	// maxResults is how deep "more results" pages.
	maxResults = 30
	// maxPageSize bounds Options.PageSize so one page stays one message.
	maxPageSize = 10
	// maxCallbackData is Telegram's limit on a button's data, in bytes.
	maxCallbackData = 64
	// inlinePage is how many articles one inline answer offers.
	inlinePage = 10
)

// Callback data: a letter, a colon and arguments. Numbers in a tuple are
// joined by dots.
const (
	callbackMore      = "m:" // m:<offset> — the next page of the question's results, or of its /targets
	callbackPassage   = "p:" // p:<passage ID> — a passage's full text
	callbackIndicator = "i:" // i:<n> — indicator n's card
	callbackChapter   = "c:" // c:<n> — chapter n's outline; c:0 the table of contents
	callbackSection   = "s:" // s:<chapter>.<section>.<from> — a section's text from its passage <from> (0-based)
	callbackTargets   = "t:" // t:<chapter>.<offset> — a chapter's targets from <offset>
	callbackBox       = "b:" // b:<n> — the projects of 专栏n; b:0 the list of boxes
	callbackFeedback  = "f:" // f:+:<result ID> or f:-:<result ID> — 👍 or 👎 under an answer
)

// HandleMessage is HandleMessageContext without a deadline.
func (b *Bot) HandleMessage(m Message) []Reply {
	return b.HandleMessageContext(context.Background(), m)
}

// HandleMessageContext answers a message, or returns nil when the message is
// not for the bot: in a group, only commands, mentions of the bot and
// replies to it are. Replies are threaded to m. ctx bounds what the answer
// records and the /stats report it reads.
func (b *Bot) HandleMessageContext(ctx context.Context, m Message) []Reply {
	if m.FromBot || m.Edited || m.ChatType == Channel {
		return nil
	}
	private := m.ChatType == Private || m.ChatType == ""
	if name, target, args, ok := parseCommand(m.Text); ok {
		if !b.forMe(target) {
			return nil
		}
		if h, ok := lookup(name); ok {
			return h(b, ctx, args, m)
		}
		if !private && target == "" {
			return nil // most likely another bot's command
		}
		return b.reply(m.ID, "我不认识命令 /"+esc(name)+"。发送 /help 看看我能做什么。")
	}
	text, mentioned := b.stripMentions(m)
	if !private && !mentioned && !m.ReplyToBot {
		return nil
	}
	if m.Media != "" {
		if !private {
			return nil
		}
		return b.reply(m.ID, "我只读得懂文字。请用文字提问，例如“森林覆盖率的目标是多少？”")
	}
	return b.ask(ctx, text, m.ID)
}

// ask answers a question typed by the user.
func (b *Bot) ask(ctx context.Context, text string, replyTo int) []Reply {
	q := cleanQuery(text)
	if q == "" {
		return b.reply(replyTo, "请告诉我想了解规划的什么内容，例如“森林覆盖率”或“什么是碳达峰”。发送 /help 查看更多用法。")
	}
	if n := utf8.RuneCountInString(q); n > maxQuestion {
		return b.reply(replyTo, fmt.Sprintf("问题太长了（%d 字）。请缩短到 %d 字以内，写出关键词就好，例如“养老服务”。", n, maxQuestion))
	}
	return b.answer(ctx, q, 0, replyTo)
}

// answer shows one page of the results for q, from offset, with buttons for
// the passages' full text and for the next page. The first page of an
// answer is what gets recorded, and what gets the 👍/👎 buttons.
func (b *Bot) answer(ctx context.Context, q string, offset, replyTo int) []Reply {
	rs := b.search.Search(q, offset+b.pageSize+1).Results
	if offset >= len(rs) {
		if offset == 0 {
			b.recordUnanswered(ctx, q)
			return b.notFound(q, replyTo)
		}
		return b.reply(replyTo, "关于"+quoted(q)+"，没有更多结果了。")
	}
	if offset == 0 {
		b.recordAnswer(ctx, string(rs[0].Kind), b.resultTitle(rs[0]))
	}
	page := rs[offset:min(len(rs), offset+b.pageSize)]
	next := offset + len(page)
	more := len(rs) > next && next < maxResults

	var sb strings.Builder
	if offset == 0 {
		fmt.Fprintf(&sb, "🔎 %s，规划里这样写：\n\n", quoted(q))
	} else {
		fmt.Fprintf(&sb, "🔎 %s的更多结果（第 %d–%d 条）：\n\n", quoted(q), offset+1, next)
	}
	numbered := offset > 0 || len(page) > 1 || more
	var full []Button
	for i, r := range page {
		html, id := b.result(r)
		n := offset + i + 1
		if numbered {
			fmt.Fprintf(&sb, "<b>%d.</b> ", n)
		}
		sb.WriteString(html + "\n\n")
		if id != "" {
			full = append(full, Button{Text: fmt.Sprintf("第%d条全文", n), Data: callbackPassage + id})
		}
	}
	var rows [][]Button
	if len(full) > 0 {
		rows = append(rows, full)
	}
	if more {
		rows = append(rows, []Button{{Text: "更多结果 ▶", Data: callbackMore + strconv.Itoa(next)}})
	}
	if offset == 0 {
		if row := b.feedbackButtons(rs[0].ID); row != nil {
			rows = append(rows, row)
		}
	}
	return b.replyButtons(replyTo, sb.String(), rows)
}

// notFound says the plan does not speak of q, and what the bot does know.
func (b *Bot) notFound(q string, replyTo int) []Reply {
	return b.reply(replyTo, fmt.Sprintf(
		"🤔 规划里没有找到与%s有关的内容。\n"+
			"我熟悉的是%s：%d 项主要指标（/indicators）、%d 项量化目标（/targets）、%d 条名词解释（/define）和各章的目标任务（/toc）。"+
			"换个说法试试，例如“森林覆盖率”“什么是碳达峰”。",
		quoted(q), esc(b.shortTitle()), len(b.plan.Indicators), len(b.targets), len(b.plan.Terms)))
}

// shortTitle names the plan briefly.
func (b *Bot) shortTitle() string {
	if strings.Contains(b.plan.Title, "东河区") {
		return "东河区“十四五”规划纲要"
	}
	if b.plan.Title != "" {
		return b.plan.Title
	}
	return "这份规划"
}

// reply makes the replies of one HTML text, split to Telegram's length.
func (b *Bot) reply(replyTo int, html string) []Reply {
	return b.replyButtons(replyTo, html, nil)
}

// replyButtons makes the replies of one HTML text; the buttons go under the
// last part.
func (b *Bot) replyButtons(replyTo int, html string, rows [][]Button) []Reply {
	parts := Split(strings.TrimSpace(html), MaxMessage)
	out := make([]Reply, len(parts))
	kind := replyKind(html)
	for i, p := range parts {
		out[i] = Reply{HTML: p, ReplyTo: replyTo, Kind: kind}
	}
	if len(out) > 0 {
		out[len(out)-1].Buttons = rows
	}
	return out
}

// HandleCallback is HandleCallbackContext without a deadline.
func (b *Bot) HandleCallback(c Callback) CallbackAnswer {
	return b.HandleCallbackContext(context.Background(), c)
}

// HandleCallbackContext answers the press of one of the bot's buttons. ctx
// bounds the recording of a 👍/👎.
func (b *Bot) HandleCallbackContext(ctx context.Context, c Callback) CallbackAnswer {
	stale := CallbackAnswer{Notice: "这个按钮已经失效了，请重新提问。"}
	if len(c.Data) > maxCallbackData {
		return stale
	}
	switch {
	case strings.HasPrefix(c.Data, callbackMore):
		offset, err := strconv.Atoi(strings.TrimPrefix(c.Data, callbackMore))
		if err != nil || offset < 1 {
			return stale
		}
		gone := CallbackAnswer{Notice: "找不到原来的问题了，请再问一次。"}
		if c.Question == nil {
			return gone
		}
		if name, _, args, ok := parseCommand(c.Question.Text); ok && (name == "targets" || name == "target") {
			topic := cleanTopic(args)
			ts := b.topicTargets(topic)
			if topic == "" || offset >= len(ts) {
				return gone
			}
			return CallbackAnswer{Replies: b.targetPage(topicHeading(topic), ts, offset, callbackMore, c.Question.ID)}
		}
		if offset >= maxResults {
			return stale
		}
		q, ok := b.queryOf(*c.Question)
		if q = cleanQuery(q); !ok || q == "" || utf8.RuneCountInString(q) > maxQuestion {
			return gone
		}
		return CallbackAnswer{Replies: b.answer(ctx, q, offset, c.Question.ID)}
	case strings.HasPrefix(c.Data, callbackPassage):
		p, ok := b.plan.Passage(strings.TrimPrefix(c.Data, callbackPassage))
		if !ok {
			return stale
		}
		return CallbackAnswer{Replies: b.reply(c.MessageID, passageFull(p))}
	case strings.HasPrefix(c.Data, callbackIndicator):
		n, err := strconv.Atoi(strings.TrimPrefix(c.Data, callbackIndicator))
		ind, ok := b.plan.Indicator(n)
		if err != nil || !ok {
			return stale
		}
		return CallbackAnswer{Replies: b.reply(c.MessageID, b.indicatorCard(ind))}
	case strings.HasPrefix(c.Data, callbackChapter):
		n, err := strconv.Atoi(strings.TrimPrefix(c.Data, callbackChapter))
		if err == nil && n == 0 {
			return CallbackAnswer{Replies: b.toc(c.MessageID)}
		}
		if _, ok := b.plan.Chapter(n); err != nil || !ok {
			return stale
		}
		return CallbackAnswer{Replies: b.chapter(n, c.MessageID)}
	case strings.HasPrefix(c.Data, callbackSection):
		ns, ok := numbers(strings.TrimPrefix(c.Data, callbackSection), 3)
		if !ok {
			return stale
		}
		rs, ok := b.section(ns[0], ns[1], ns[2], c.MessageID)
		if !ok {
			return stale
		}
		return CallbackAnswer{Replies: rs}
	case strings.HasPrefix(c.Data, callbackTargets):
		ns, ok := numbers(strings.TrimPrefix(c.Data, callbackTargets), 2)
		if !ok {
			return stale
		}
		ch, ok := b.plan.Chapter(ns[0])
		ts := b.chapterTargets(ns[0])
		if !ok || ns[1] >= len(ts) {
			return stale
		}
		return CallbackAnswer{Replies: b.targetPage(chapterHeading(ch), ts, ns[1], callbackTargets+strconv.Itoa(ns[0])+".", c.MessageID)}
	case strings.HasPrefix(c.Data, callbackBox):
		n, err := strconv.Atoi(strings.TrimPrefix(c.Data, callbackBox))
		if err == nil && n == 0 {
			return CallbackAnswer{Replies: b.boxList(c.MessageID)}
		}
		if _, ok := b.plan.Box(n); err != nil || !ok {
			return stale
		}
		return CallbackAnswer{Replies: b.box(n, c.MessageID)}
	case strings.HasPrefix(c.Data, callbackFeedback):
		return b.feedback(ctx, c)
	}
	return stale
}

// numbers reads n non-negative numbers joined by dots, as callback data
// carries them.
func numbers(s string, n int) ([]int, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != n {
		return nil, false
	}
	out := make([]int, n)
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || p != strconv.Itoa(v) {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// HandleInline offers articles for an inline query: indicator cards,
// definitions and passages. An empty query offers the indicator cards.
func (b *Bot) HandleInline(q InlineQuery) InlineAnswer {
	query := cleanQuery(q.Query)
	offset, err := strconv.Atoi(q.Offset)
	if err != nil || offset < 0 || offset >= maxResults {
		offset = 0
	}
	var out InlineAnswer
	if query == "" {
		for _, ind := range b.plan.Indicators {
			html := b.indicatorCard(ind)
			out.Results = append(out.Results, InlineResult{
				ID:          "i" + strconv.Itoa(ind.Number),
				Title:       indicatorTitle(ind),
				Description: describe(html),
				HTML:        html,
			})
		}
		return out
	}
	if utf8.RuneCountInString(query) > maxQuestion {
		return out
	}
	rs := b.search.Search(query, offset+inlinePage+1).Results
	if offset >= len(rs) {
		return out
	}
	end := min(len(rs), offset+inlinePage)
	seen := map[string]bool{}
	for i, r := range rs[offset:end] {
		id := r.ID
		if id == "" || len(id) > 64 || seen[id] {
			id = "r" + strconv.Itoa(offset+i)
		}
		seen[id] = true
		html, _ := b.result(r)
		out.Results = append(out.Results, InlineResult{
			ID:          id,
			Title:       b.resultTitle(r),
			Description: describe(html),
			HTML:        html,
		})
	}
	if len(rs) > end && end < maxResults {
		out.NextOffset = strconv.Itoa(end)
	}
	return out
}

// describe makes the one-line description of an inline article from its
// message: the first lines after the title, as plain text.
func describe(html string) string {
	lines := strings.Split(PlainText(html), "\n")
	if len(lines) > 1 {
		lines = lines[1:]
	}
	return clip(strings.Join(lines, " "), 80)
}
