package telegram

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"planbot/bot"
)

// update is one decoded update, with the fields that v5.5.1 does not know.
type update struct {
	tgbotapi.Update
	// fields holds the keys of the update's message, to tell text from
	// media from service messages, including kinds newer than the library.
	fields map[string]json.RawMessage
	// topic is the forum topic of the message, when it was sent in one.
	topic int
	// tries counts the attempts to answer the update, and how many of its
	// replies went out, so that another attempt sends only the rest; nil
	// counts nothing.
	tries *tries
}

// tries is what earlier attempts at an update did.
type tries struct {
	n    int // attempts that failed and asked for another
	sent int // replies sent
}

// maxAttempts is how many times one update is attempted when its replies
// cannot be sent (5xx, no answer, a timeout, each after the retries of
// sendMessage): past it the update is logged and dropped, so that one
// poison update cannot loop forever.
const maxAttempts = 3

// redeliver reports whether an update whose answer failed with err should
// be attempted again: the Bot API failed, not the request (a 400) nor the
// chat (403), and no shutdown interrupted it.
func redeliver(err error) bool {
	var e *Error
	if !errors.As(err, &e) || errors.Is(err, context.Canceled) {
		return false
	}
	return e.Code >= 500 || e.Code == 0
}

// decode reads one update.
func decode(raw []byte) (update, error) {
	var u update
	if err := json.Unmarshal(raw, &u.Update); err != nil {
		return u, fmt.Errorf("telegram: update: %w", err)
	}
	var extra struct {
		Message map[string]json.RawMessage `json:"message"`
	}
	if json.Unmarshal(raw, &extra) == nil && extra.Message != nil {
		u.fields = extra.Message
		var topic bool
		if json.Unmarshal(extra.Message["is_topic_message"], &topic) == nil && topic {
			_ = json.Unmarshal(extra.Message["message_thread_id"], &u.topic)
		}
	}
	return u, nil
}

// chatKey is the conversation an update belongs to: its updates are handled
// in order, those of different conversations at once.
func (u update) chatKey() int64 {
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		return u.Message.Chat.ID
	case u.EditedMessage != nil && u.EditedMessage.Chat != nil:
		return u.EditedMessage.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil:
		return u.CallbackQuery.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.From != nil:
		return u.CallbackQuery.From.ID
	case u.InlineQuery != nil && u.InlineQuery.From != nil:
		return u.InlineQuery.From.ID
	}
	return 0
}

// kind names an update for the logs.
func (u update) kind() string {
	switch {
	case u.Message != nil:
		return "message"
	case u.EditedMessage != nil:
		return "edited_message"
	case u.CallbackQuery != nil:
		return "callback_query"
	case u.InlineQuery != nil:
		return "inline_query"
	}
	return "other"
}

// HandleUpdate handles one update as the Bot API sends it (a JSON object).
// A malformed update or a panic while handling it is logged and dropped, so
// that it is not delivered again and again; the error returned is that of
// sending the replies. ServeWebhook calls it for each request.
//
// The Client remembers an update whose replies could not all be sent (a
// bounded number of them): when it comes again it sends only the rest.
func (c *Client) HandleUpdate(ctx context.Context, h Handler, raw []byte) error {
	u, err := decode(raw)
	if err != nil {
		c.dropMalformed(raw, err)
		return nil
	}
	u.tries = c.pending.get(u.UpdateID)
	err = c.process(ctx, h, u)
	if !redeliver(err) {
		c.pending.forget(u.UpdateID)
	}
	return err
}

// again reports whether the update that failed with err, as HandleUpdate
// returned it, should be delivered again, and counts the attempt: false
// when the failure was the request's or the chat's, or after maxAttempts,
// when the update is logged as dropped.
func (c *Client) again(updateID int, err error) bool {
	if err == nil || !redeliver(err) {
		return false
	}
	t := c.pending.get(updateID)
	t.n++
	if t.n < maxAttempts {
		return true
	}
	c.pending.forget(updateID)
	c.log.Error("telegram: dropping an update whose answer could not be sent", "update_id", updateID, "attempts", t.n, "err", err)
	return false
}

// pendingUpdates are the tries of the updates that failed, by update ID.
type pendingUpdates struct {
	mu sync.Mutex
	m  map[int]*tries
}

// maxPending bounds the failed updates remembered; past it the oldest
// memory goes (the update would then be sent whole again).
const maxPending = 1000

func (p *pendingUpdates) get(id int) *tries {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[int]*tries{}
	}
	t, ok := p.m[id]
	if !ok {
		if len(p.m) >= maxPending {
			oldest := id
			for k := range p.m {
				oldest = min(oldest, k)
			}
			delete(p.m, oldest)
		}
		t = &tries{}
		p.m[id] = t
	}
	return t
}

func (p *pendingUpdates) forget(id int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.m, id)
}

// dropMalformed logs and reports an update that could not be decoded, and
// returns its ID when it has one.
func (c *Client) dropMalformed(raw []byte, err error) int {
	var id struct {
		UpdateID int `json:"update_id"`
	}
	_ = json.Unmarshal(raw, &id)
	c.log.Warn("telegram: dropping a malformed update", "update_id", id.UpdateID, "err", err)
	if c.onHandled != nil {
		c.onHandled(Handled{Kind: "malformed"})
	}
	return id.UpdateID
}

// process handles one decoded update, then logs and reports it.
func (c *Client) process(ctx context.Context, h Handler, u update) error {
	start := time.Now()
	answer, err := c.handle(ctx, h, u)
	took := time.Since(start)
	c.logHandled(u, err, took)
	if c.onHandled != nil {
		c.onHandled(Handled{Kind: u.kind(), Answer: answer, Took: took, Err: err})
	}
	return err
}

// logHandled logs the outcome of one update, without its text.
func (c *Client) logHandled(u update, err error, took time.Duration) {
	attrs := []any{"update_id", u.UpdateID, "kind", u.kind(), "took", took.Round(time.Millisecond)}
	var e *Error
	switch {
	case err == nil:
		c.log.Debug("telegram: update handled", attrs...)
	case unreachable(err):
		c.log.Info("telegram: cannot write to the chat (blocked, removed or gone)", append(attrs, "err", err)...)
	case errors.As(err, &e) && e.Code == http.StatusBadRequest:
		c.log.Warn("telegram: the API refused a reply", append(attrs, "err", err)...)
	case errors.Is(err, context.Canceled):
		c.log.Info("telegram: update interrupted by shutdown; Telegram will deliver it again", attrs...)
	default:
		c.log.Warn("telegram: update failed", append(attrs, "err", err)...)
	}
}

// handle handles one decoded update, recovering from panics, and returns
// what kind of answer it got.
func (c *Client) handle(ctx context.Context, h Handler, u update) (answer string, err error) {
	defer func() {
		if r := recover(); r != nil {
			c.log.Error("telegram: panic while handling an update", "update_id", u.UpdateID, "kind", u.kind(),
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			answer, err = "", nil
		}
	}()
	switch {
	case u.Message != nil:
		return c.onMessage(ctx, h, u)
	case u.CallbackQuery != nil:
		return c.onCallback(ctx, h, u)
	case u.InlineQuery != nil:
		return c.onInline(ctx, h, u.InlineQuery)
	}
	// Edited messages, channel posts, chat member changes: not questions.
	return "", nil
}

// AnswerKinds are the kinds of answer Handled reports: the core's kinds
// (bot.ReplyKinds, which an inline answer is of too when it offers or
// finds nothing), "inline" for an inline answer with results that answer
// and "notice" for a button that only got a notice.
var AnswerKinds = append(slices.Clone(bot.ReplyKinds), bot.KindInline, "notice")

// answerKind tells what kind of answer replies are: the kind the core gave
// the first, "other" if it gave none.
func answerKind(replies []bot.Reply) string {
	if len(replies) == 0 {
		return ""
	}
	return cmp.Or(replies[0].Kind, "other")
}

// mediaKinds are the message fields that carry something other than text.
var mediaKinds = []string{"sticker", "photo", "voice", "video", "video_note", "audio", "animation",
	"document", "location", "venue", "contact", "poll", "dice", "game", "story", "invoice", "paid_media"}

// message converts a message; ok is false for a service message (someone
// joined, the title changed, …), which is not addressed to anyone.
func (c *Client) message(m *tgbotapi.Message, fields map[string]json.RawMessage) (bot.Message, bool) {
	bm := bot.Message{ID: m.MessageID, Text: m.Text}
	if m.Chat != nil {
		bm.ChatType, bm.ChatID = bot.ChatType(m.Chat.Type), m.Chat.ID
	}
	if m.From != nil {
		bm.FromBot, bm.FromID = m.From.IsBot, m.From.ID
	}
	if m.SenderChat != nil {
		// Sent on behalf of a chat: by an anonymous admin of the group
		// (from GroupAnonymousBot) or by a user writing as their channel
		// (from Channel_Bot). A person of the group, whose ID is unknown:
		// answered, never an admin.
		bm.FromBot, bm.FromID = false, 0
	}
	if m.Chat != nil && bm.FromID != 0 && fields != nil {
		bm.IsChatAdmin = c.isChatAdmin(m.Chat.ID, bm.FromID)
	}
	for _, e := range m.Entities {
		bm.Entities = append(bm.Entities, bot.Entity{Type: e.Type, Offset: e.Offset, Length: e.Length})
	}
	if r := m.ReplyToMessage; r != nil && r.From != nil && r.From.ID == c.ID() {
		bm.ReplyToBot, bm.ReplyText = true, r.Text
	}
	if fields == nil { // a message nested in another: only its text matters
		return bm, true
	}
	if _, ok := fields["text"]; ok {
		return bm, true
	}
	for _, k := range mediaKinds {
		if _, ok := fields[k]; ok {
			bm.Media = k
			return bm, true
		}
	}
	return bm, false
}

func (c *Client) onMessage(ctx context.Context, h Handler, u update) (string, error) {
	m := u.Message
	if m.Chat == nil {
		return "", nil
	}
	bm, ok := c.message(m, u.fields)
	if !ok {
		return "", nil
	}
	replies := h.HandleMessage(bm)
	return answerKind(replies), c.sendAll(ctx, m.Chat, u.topic, replies, u.tries)
}

func (c *Client) onCallback(ctx context.Context, h Handler, u update) (string, error) {
	q := u.CallbackQuery
	var cb bot.Callback
	cb.Data = q.Data
	if q.From != nil {
		cb.FromID = q.From.ID
	}
	if q.Message != nil {
		cb.MessageID, cb.Text = q.Message.MessageID, q.Message.Text
		if q.Message.Chat != nil {
			cb.ChatID, cb.ChatType = q.Message.Chat.ID, bot.ChatType(q.Message.Chat.Type)
			if q.From != nil {
				cb.IsChatAdmin = c.isChatAdmin(q.Message.Chat.ID, q.From.ID)
			}
		}
		if r := q.Message.ReplyToMessage; r != nil {
			qm, _ := c.message(r, nil)
			cb.Question = &qm
		}
		if kb := q.Message.ReplyMarkup; kb != nil {
			for _, row := range kb.InlineKeyboard {
				for _, b := range row {
					if b.CallbackData != nil {
						cb.Keyboard = append(cb.Keyboard, *b.CallbackData)
					}
				}
			}
		}
	}
	a := bot.CallbackAnswer{Notice: "这条消息已无法更新，请重新提问。"}
	if q.Message != nil && q.Message.Chat != nil {
		a = h.HandleCallback(cb)
	}
	// Answer first: the button stops spinning while the replies queue.
	params := tgbotapi.Params{"callback_query_id": q.ID}
	params.AddNonEmpty("text", a.Notice)
	_, aerr := c.do(ctx, "answerCallbackQuery", params)
	if aerr != nil {
		c.log.Warn("telegram: answerCallbackQuery failed", "err", aerr)
	}
	if q.Message == nil || q.Message.Chat == nil || len(a.Replies) == 0 {
		return "notice", nil
	}
	return answerKind(a.Replies), c.sendAll(ctx, q.Message.Chat, 0, a.Replies, u.tries)
}

func (c *Client) onInline(ctx context.Context, h Handler, q *tgbotapi.InlineQuery) (string, error) {
	a := h.HandleInline(bot.InlineQuery{Query: q.Query, Offset: q.Offset})
	results := make([]any, 0, len(a.Results))
	for _, r := range a.Results {
		text := r.HTML
		if parts := bot.Split(text, bot.MaxMessage); len(parts) > 0 {
			text = parts[0]
		}
		results = append(results, tgbotapi.InlineQueryResultArticle{
			Type:        "article",
			ID:          r.ID,
			Title:       r.Title,
			Description: r.Description,
			InputMessageContent: tgbotapi.InputTextMessageContent{
				Text:                  text,
				ParseMode:             tgbotapi.ModeHTML,
				DisableWebPagePreview: true,
			},
		})
	}
	data, err := json.Marshal(results)
	if err != nil {
		return "", fmt.Errorf("telegram: answerInlineQuery: %w", err)
	}
	params := tgbotapi.Params{
		"inline_query_id": q.ID,
		"results":         string(data),
		"cache_time":      "300",
	}
	params.AddNonEmpty("next_offset", a.NextOffset)
	_, err = c.do(ctx, "answerInlineQuery", params)
	return cmp.Or(a.Kind, bot.KindInline), err
}

// sendAll sends replies in order, from the first that an earlier attempt
// (t) did not send. A reply the API refused (400) does not stop the rest,
// but the first error is returned. A chat that cannot be written to (the
// user blocked the bot, the bot left the group) gets no more tries, and
// neither does a reply the Bot API failed to take (5xx, no answer): the
// rest waits for the update's next attempt, in order.
func (c *Client) sendAll(ctx context.Context, chat *tgbotapi.Chat, topic int, replies []bot.Reply, t *tries) error {
	if t == nil {
		t = &tries{}
	}
	var first error
	for _, r := range replies[min(t.sent, len(replies)):] {
		err := c.send(ctx, chat, topic, r)
		if err != nil && (errors.Is(err, context.Canceled) || unreachable(err) || redeliver(err)) {
			return err
		}
		t.sent++
		first = cmp.Or(first, err)
	}
	return first
}

// unreachable reports an error that says the chat cannot be written to:
// 403 (the user blocked the bot, the bot was removed from the group) or 400
// "chat not found". Retrying does not help.
func unreachable(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code == http.StatusForbidden ||
		e.Code == http.StatusBadRequest && strings.Contains(strings.ToLower(e.msg), "chat not found")
}

// send sends one reply, waiting for the flood limits. Fields newer than
// v5.5.1 (reply_parameters, link_preview_options) are set as raw
// parameters, next to their older forms for servers that predate them.
func (c *Client) send(ctx context.Context, chat *tgbotapi.Chat, topic int, r bot.Reply) error {
	group := chat.Type == "group" || chat.Type == "supergroup"
	params := tgbotapi.Params{
		"chat_id":                  itoa(chat.ID),
		"text":                     r.HTML,
		"parse_mode":               tgbotapi.ModeHTML,
		"disable_web_page_preview": "true",
		"link_preview_options":     `{"is_disabled":true}`,
	}
	if r.ReplyTo != 0 {
		rp, _ := json.Marshal(map[string]any{"message_id": r.ReplyTo, "allow_sending_without_reply": true})
		params["reply_parameters"] = string(rp)
		params["reply_to_message_id"] = itoa(r.ReplyTo)
		params["allow_sending_without_reply"] = "true"
	}
	if topic != 0 {
		params["message_thread_id"] = itoa(topic)
	}
	if len(r.Buttons) > 0 {
		kb := tgbotapi.InlineKeyboardMarkup{InlineKeyboard: make([][]tgbotapi.InlineKeyboardButton, len(r.Buttons))}
		for i, row := range r.Buttons {
			for _, b := range row {
				kb.InlineKeyboard[i] = append(kb.InlineKeyboard[i], tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data))
			}
		}
		data, err := json.Marshal(kb)
		if err != nil {
			return fmt.Errorf("telegram: sendMessage: %w", err)
		}
		params["reply_markup"] = string(data)
	}
	err := c.sendMessage(ctx, chat.ID, group, params)
	var e *Error
	if !errors.As(err, &e) || e.Code != http.StatusBadRequest {
		return err
	}
	// One more try, never a loop: a 400 again is returned as it is.
	id := chat.ID
	switch {
	case e.MigrateTo != 0:
		// The group became a supergroup: send there.
		id, group = e.MigrateTo, true
		params["chat_id"] = itoa(id)
	case isParseError(e):
		// The HTML was refused: better plain text than nothing.
		c.log.Error("telegram: HTML refused, sending plain text", "err", err)
		params["text"] = bot.PlainText(r.HTML)
		delete(params, "parse_mode")
	default:
		return err
	}
	return c.sendMessage(ctx, id, group, params)
}

// sendMessage sends one message within the flood limits: it waits for the
// chat's turn, and when Telegram answers 429 it holds the chat for the
// retry_after asked and queues again; when the Bot API fails (5xx, a reset
// connection, a page that is not JSON, a timeout) it waits a growing pause
// and tries again. Either at most maxRetries times. Every message the bot
// sends goes through here.
func (c *Client) sendMessage(ctx context.Context, chat int64, group bool, params tgbotapi.Params) error {
	for attempt := 0; ; attempt++ {
		if err := c.limit.wait(ctx, chat, group); err != nil {
			return err
		}
		_, err := c.call(ctx, "sendMessage", params, c.timeout)
		var e *Error
		switch {
		case !errors.As(err, &e) || attempt == maxRetries || ctx.Err() != nil:
			return err
		case e.Code == http.StatusTooManyRequests:
			wait := time.Duration(max(e.RetryAfter, 1)) * time.Second
			c.log.Warn("telegram: flood control, holding the chat", "retry_after", wait)
			c.limit.hold(chat, wait)
		case redeliver(err):
			pause := retryPause(attempt)
			c.log.Warn("telegram: sendMessage failed, trying again", "err", err, "retry_in", pause.Round(time.Millisecond))
			if err := c.sleep(ctx, pause); err != nil {
				return err
			}
		default:
			return err
		}
	}
}

// retryPause is the pause before the retry after n failures of a call:
// half a second doubling, with jitter, so that a Bot API that fails for a
// moment gets a few seconds to recover.
func retryPause(n int) time.Duration {
	d := 500 * time.Millisecond << min(n, 4)
	return d/2 + rand.N(d/2+1)
}

// isParseError reports an HTML the API could not parse ("can't parse
// entities") or found too long.
func isParseError(e *Error) bool {
	msg := strings.ToLower(e.msg)
	return strings.Contains(msg, "parse entities") || strings.Contains(msg, "too long")
}

// isChatAdmin asks Telegram, when called, whether user administers chat
// (getChatMember): a group's plan is chosen by its admins. A failed call
// says no.
func (c *Client) isChatAdmin(chat, user int64) func(context.Context) bool {
	return func(ctx context.Context) bool {
		params := tgbotapi.Params{}
		params.AddFirstValid("chat_id", chat)
		params.AddFirstValid("user_id", user)
		res, err := c.do(ctx, "getChatMember", params)
		if err != nil {
			return false
		}
		var m struct {
			Status string `json:"status"`
		}
		if json.Unmarshal(res, &m) != nil {
			return false
		}
		return m.Status == "creator" || m.Status == "administrator"
	}
}
