package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	callbackPlan      = "P:" // P:<plan tag> — choose that plan for the chat; P:* every plan
	// Data of a plan's item ends with @<plan tag> (p:c3s1p3@1a2b3c) when
	// it is of a plan other than the chat's; none: the chat's plan.
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
	// The chat's plan, if it chose one, is the plan it browses and the
	// plan its questions search.
	b, m.chosen = b.forChat(ctx, m.ChatID)
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
	// A greeting, thanks or goodbye alone is answered as one, also when it
	// replies to an answer (谢谢), not searched.
	if class, ok := SmallTalk(text); ok {
		if s := b.smallTalk(class, m.ChatType, text); s != "" {
			return b.reply(m.ID, s)
		}
		return nil
	}
	// A reply to one of the bot's answers follows up the question the
	// answer quotes.
	opts := AskOptions{Plan: m.chosen}
	if m.ReplyToBot {
		opts.Context, _ = QuestionOf(m.ReplyText)
	}
	return b.ask(ctx, text, opts, m)
}

// ask answers a question typed by the user in message m.
func (b *Bot) ask(ctx context.Context, text string, opts AskOptions, m Message) []Reply {
	a, err := b.Ask(ctx, text, opts)
	switch {
	case errors.Is(err, ErrEmptyQuestion):
		return b.reply(m.ID, "请告诉我想了解规划的什么内容，例如“森林覆盖率”或“什么是碳达峰”。发送 /help 查看更多用法。")
	case errors.Is(err, ErrLongQuestion):
		return b.reply(m.ID, fmt.Sprintf("问题太长了（%d 字）。请缩短到 %d 字以内，写出关键词就好，例如“养老服务”。", utf8.RuneCountInString(cleanQuery(text)), maxQuestion))
	}
	return b.answerReplies(a, m.ChatType, m.ID)
}

// answerReplies renders an answer as the replies of a chat of type chat.
func (b *Bot) answerReplies(a Answer, chat ChatType, replyTo int) []Reply {
	rs := b.replyKind(replyTo, a.Kind, TelegramHTML(a, chat), TelegramButtons(a))
	for i := range rs {
		rs[i].Answer = &a
	}
	return rs
}

// shortTitle names the plans briefly: 东河区“十四五”规划纲要, or
// 东河区“十四五”、国家“十五五”等 3 份规划.
func (b *Bot) shortTitle() string {
	names := b.Plans()
	switch {
	case len(names) == 1:
		return names[0] + "规划纲要"
	case len(names) <= 3:
		return strings.Join(names, "、") + "规划"
	}
	return fmt.Sprintf("%s等 %d 份规划", strings.Join(names[:2], "、"), len(names))
}

// forChat is the view of the plan chat chose, with its name; b and ""
// when it chose none, when choices are not kept, or when the plan it
// chose is no longer loaded. A store that fails costs the chat its choice,
// never its answer.
func (b *Bot) forChat(ctx context.Context, chat int64) (*Bot, string) {
	if b.shelf.chats == nil || chat == 0 {
		return b, ""
	}
	name, ok, err := b.shelf.chats.ChatPlan(ctx, chat)
	if err != nil || !ok {
		return b, ""
	}
	v, known := b.shelf.byName[name]
	if !known {
		return b, ""
	}
	return v, name
}

// withPlan marks callback data with the plan it is of; data of no plan
// (empty) is left as it is and read in the chat's plan.
func withPlan(data, plan string) string {
	if plan == "" {
		return data
	}
	return data + "@" + planTag(plan)
}

// markOf is the plan a button marks its data with: none when there is
// one plan only.
func (b *Bot) markOf(plan string) string {
	if len(b.shelf.views) == 1 {
		return ""
	}
	return plan
}

// planOf reads the plan mark of callback data: the data without it and the
// view of its plan; ok is false for a mark of no plan loaded.
func (b *Bot) planOf(data string) (string, *Bot, bool) {
	i := strings.LastIndexByte(data, '@')
	if i < 0 {
		return data, nil, true
	}
	v := b.shelf.byTag[data[i+1:]]
	return data[:i], v, v != nil
}

// reply makes the replies of one HTML text, split to Telegram's length:
// help, a hint or a refusal, of kind other.
func (b *Bot) reply(replyTo int, html string) []Reply {
	return b.replyKind(replyTo, KindOther, html, nil)
}

// replyButtons is reply with buttons under the last part.
func (b *Bot) replyButtons(replyTo int, html string, rows [][]Button) []Reply {
	return b.replyKind(replyTo, KindOther, html, rows)
}

// replyKind makes the replies of kind (one of ReplyKinds) of one HTML text;
// the buttons go under the last part.
func (b *Bot) replyKind(replyTo int, kind, html string, rows [][]Button) []Reply {
	parts := Split(strings.TrimSpace(html), MaxMessage)
	out := make([]Reply, len(parts))
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
	if strings.HasPrefix(c.Data, callbackPlan) {
		return b.choosePlan(ctx, c)
	}
	b, chosen := b.forChat(ctx, c.ChatID)
	data, v, ok := b.planOf(c.Data)
	if !ok {
		return stale
	}
	if v != nil {
		b = v
	}
	// The keyboard carries the data as it was, mark included.
	if data != c.Data && slices.Contains(c.Keyboard, c.Data) {
		c.Keyboard = append(slices.Clone(c.Keyboard), data)
	}
	c.Data = data
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
		// The query the page is of: as the bot's message quotes it (a
		// follow-up's query is more than the question it replies to),
		// else the question itself.
		q, ok := QuestionOf(c.Text)
		if !ok {
			q, ok = b.queryOf(*c.Question)
		}
		if q = cleanQuery(q); !ok || q == "" || utf8.RuneCountInString(q) > 2*maxQuestion {
			return gone
		}
		return CallbackAnswer{Replies: b.answerReplies(b.find(ctx, q, chosen, offset), c.Question.ChatType, c.Question.ID)}
	case strings.HasPrefix(c.Data, callbackPassage):
		p, ok := b.plan.Passage(strings.TrimPrefix(c.Data, callbackPassage))
		if !ok {
			return stale
		}
		return CallbackAnswer{Replies: b.replyKind(c.MessageID, KindPassage, passageFull(p), nil)}
	case strings.HasPrefix(c.Data, callbackIndicator):
		n, err := strconv.Atoi(strings.TrimPrefix(c.Data, callbackIndicator))
		ind, ok := b.plan.Indicator(n)
		if err != nil || !ok {
			return stale
		}
		return CallbackAnswer{Replies: b.replyKind(c.MessageID, KindIndicator, b.indicatorCard(ind), nil)}
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
	out := InlineAnswer{Kind: KindInline}
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
		out.Kind = KindOther
		return out
	}
	found := b.searchIn(context.Background(), query, nil, offset+inlinePage+1)
	rs := found.Results
	out.Kind = KindInline
	switch found.Outcome() {
	case OutcomeDecline:
		out.Kind = KindNotFound
		return out
	case OutcomeOffer:
		// The closest things, each saying the plan has no direct answer.
		out.Kind = KindOffer
		rs = rs[:min(len(rs), OfferResults)]
	}
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
		res := b.at(r.Plan).resultValue(r)
		html := ResultHTML(res)
		title := res.Title
		if out.Kind == KindOffer {
			res.Rank = 1
			html = TelegramHTML(Answer{Query: query, Outcome: OutcomeOffer, Missing: found.Missing, Results: []Result{res}}, Private)
			title = "（最接近）" + title
		}
		out.Results = append(out.Results, InlineResult{
			ID:          id,
			Title:       title,
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
