// Package bot holds the conversations of planbot: it turns an incoming
// message, command, button press or inline query into replies, and knows
// nothing of how they travel. The Telegram adapter (package bot/telegram)
// and the terminal console (Console) both translate their input into the
// small structs of this package, call a *Bot, and deliver the Replies it
// returns, so a question gets the same answer in a private chat, a group
// and the terminal.
//
// A question is answered first as a value: Ask returns an Answer that says
// what was asked, whether the plan answers it, offers the closest things or
// declines, of what kind it is and with which results and actions. Views
// render it — TelegramHTML and TelegramButtons for a chat, Text for a
// terminal, and any other channel (a web page, JSON) from the same value —
// and the kind counted by metrics and records is the value's, never read
// back from the rendered text.
//
// Data flows one way: the plan (corpus) and a Searcher (index) go into New;
// Ask, HandleMessage, HandleCallback and HandleInline read them and return
// values. A *Bot keeps no conversation state: what a button needs travels in
// its callback data (at most 64 bytes) or in the message the button's
// message replies to, and a reply to an answer finds the question it
// follows up quoted in the answer's text (QuestionOf), so a restarted
// process or a second replica serves old buttons and follow-ups alike. The
// one thing that flows out is a count of what was asked:
// given a Recorder, the bot records what answered each question, the
// questions nothing answered and the 👍/👎 pressed, never who asked.
package bot

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"planbot/corpus"
	"planbot/index"
)

// Searcher finds what the plans say about a query, best result first, each
// result labelled with its plan: in the plans the query names, else in
// plans (a chat's choice), else in all. An empty Results means no plan
// speaks of it. *index.Library is one.
type Searcher interface {
	Search(ctx context.Context, query string, plans []string, limit int) (index.Answer, error)
}

var _ Searcher = (*index.Library)(nil)

// Plan is one plan a Bot answers from: its short name (东河区“十四五”) and
// its text. Default marks the one a chat browses (/toc, /indicators) when
// it has chosen none; none marked, the first.
type Plan struct {
	Name    string
	Plan    *corpus.Plan
	Default bool
}

// Bot answers questions about several plans side by side, a single plan
// being the case of one. It is safe for concurrent use as long as its
// Searcher, Recorder, Reporter and Chats are.
//
// A *Bot is the view of one plan: the commands that browse (/toc,
// /indicator 18, a chapter's buttons) read that plan, questions search
// the plans in scope. Every view shares one shelf of them all.
type Bot struct {
	name     string // the plan's short name
	plan     *corpus.Plan
	shelf    *shelf
	search   Searcher
	username string // without the @, compared without regard to case
	pageSize int
	// targets are the plan's quantitative targets, in document order,
	// extracted once: extraction reads the whole plan.
	targets  []corpus.Target
	targetAt map[string]int // index in targets by Target.ID
	recorder Recorder
	reporter Reporter
	admins   []int64
	examples []string // Examples, made once
}

// Options are the settings of a Bot that have workable zero values.
type Options struct {
	// Username is the bot's Telegram username (without the @). In group
	// chats the bot answers /cmd@Username and @Username mentions and
	// ignores commands addressed to other bots. Empty for the console.
	Username string
	// PageSize is how many results one answer shows before a "more"
	// button; 3 when zero.
	PageSize int
	// Recorder, when set, is told what answered each question, which
	// questions nothing answered and the 👍/👎 pressed under answers, which
	// it offers only then. Nil records nothing (the console).
	Recorder Recorder
	// Reporter, when set, gives the /stats of the Admins.
	Reporter Reporter
	// Admins are the Telegram user IDs allowed /stats.
	Admins []int64
	// Chats, when set, keeps the plan each chat chose with /plan across
	// restarts. Nil: /plan explains that a choice cannot be kept.
	Chats ChatPlans
}

// shelf holds the views of every plan of a Bot.
type shelf struct {
	views  []*Bot
	byName map[string]*Bot
	byTag  map[string]*Bot // by planTag; nil for a tag two plans share
	def    *Bot
	chats  ChatPlans
}

// New returns a Bot answering from plans through s; it is the view of the
// default plan. Plans need one plan at least, each with its own name.
func New(plans []Plan, s Searcher, opts Options) *Bot {
	ps := opts.PageSize
	if ps <= 0 {
		ps = 3
	}
	sh := &shelf{byName: map[string]*Bot{}, byTag: map[string]*Bot{}, chats: opts.Chats}
	for _, p := range plans {
		name := p.Name
		if name == "" {
			name = p.Plan.ShortName()
		}
		b := &Bot{
			name:     name,
			plan:     p.Plan,
			shelf:    sh,
			search:   s,
			username: strings.TrimPrefix(opts.Username, "@"),
			pageSize: min(ps, maxPageSize),
			targets:  p.Plan.Targets(),
			recorder: opts.Recorder,
			reporter: opts.Reporter,
			admins:   slices.Clone(opts.Admins),
		}
		b.examples = b.Examples()
		b.targetAt = make(map[string]int, len(b.targets))
		for i, t := range b.targets {
			b.targetAt[t.ID] = i
		}
		sh.views = append(sh.views, b)
		sh.byName[name] = b
		tag := planTag(name)
		if _, dup := sh.byTag[tag]; dup {
			sh.byTag[tag] = nil
		} else {
			sh.byTag[tag] = b
		}
		if p.Default && sh.def == nil {
			sh.def = b
		}
	}
	if sh.def == nil && len(sh.views) > 0 {
		sh.def = sh.views[0]
	}
	return sh.def
}

// planTag is a short, stable tag of a plan's name, which callback data
// carries (Telegram allows 64 bytes, a name takes 20 or more).
func planTag(name string) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	return fmt.Sprintf("%06x", h.Sum32()&0xffffff)
}

// Plans lists the names of the Bot's plans, in order.
func (b *Bot) Plans() []string {
	out := make([]string, len(b.shelf.views))
	for i, v := range b.shelf.views {
		out[i] = v.name
	}
	return out
}

// Name is the short name of the plan the view browses.
func (b *Bot) Name() string { return b.name }

// at is the view of the plan named name; b itself for a name it does not
// know.
func (b *Bot) at(name string) *Bot {
	if v, ok := b.shelf.byName[name]; ok {
		return v
	}
	return b
}

// searchIn searches the plans named (all when none) for query; a failure
// finds nothing.
func (b *Bot) searchIn(ctx context.Context, query string, plans []string, limit int) index.Answer {
	ans, err := b.search.Search(ctx, query, plans, limit)
	if err != nil {
		return index.Answer{Query: query, Missing: []string{}, Results: []index.Result{}}
	}
	return ans
}

// searchPlan searches the view's own plan, whatever the query names.
func (b *Bot) searchPlan(ctx context.Context, query string, limit int) index.Answer {
	ans := b.searchIn(ctx, query, []string{b.name}, limit)
	// A query naming another plan is searched there: keep only this
	// plan's results, as a command of this plan asks.
	rs := ans.Results[:0:0]
	for _, r := range ans.Results {
		if r.Plan == b.name || r.Plan == "" {
			rs = append(rs, r)
		}
	}
	ans.Results = rs
	return ans
}

// isAdmin reports whether the user with Telegram ID id may see /stats.
// The console's messages have no ID, and no admin.
func (b *Bot) isAdmin(id int64) bool {
	return id != 0 && slices.Contains(b.admins, id)
}

// ChatType is the kind of chat a message was written in.
type ChatType string

// The chat types of the Bot API.
const (
	Private    ChatType = "private"
	Group      ChatType = "group"
	Supergroup ChatType = "supergroup"
	Channel    ChatType = "channel"
)

// Message is an incoming message, reduced to what the conversation needs.
type Message struct {
	ID int
	// ChatID is the chat's Telegram ID; 0 when unknown (the console). The
	// plan a chat chose is kept by it.
	ChatID   int64
	ChatType ChatType
	Text     string
	// Entities are the message's entities as the Bot API reports them:
	// offsets and lengths in UTF-16 code units.
	Entities []Entity
	// Media names what the message carries instead of text ("sticker",
	// "photo", "voice", …); empty for a text message.
	Media string
	// FromBot is set when the author is a bot (never answered, so two bots
	// cannot talk each other into a loop).
	FromBot bool
	// Edited is set for an edit of an earlier message.
	Edited bool
	// ReplyToBot is set when the message replies to one of this bot's own
	// messages, and ReplyText is then the text of that message as the chat
	// shows it: a reply to an answer is a follow-up of the question the
	// answer quotes (QuestionOf).
	ReplyToBot bool
	ReplyText  string
	// FromID is the Telegram user ID of the sender; 0 when unknown (the
	// console). It only tells the Admins apart and is never recorded.
	FromID int64
	// IsChatAdmin, when set, tells whether the sender administers the
	// chat (a group's plan is chosen by its admins).
	IsChatAdmin func(ctx context.Context) bool

	// chosen is the plan the chat chose, "" for none: set when the
	// message is handled.
	chosen string
}

// Entity is a message entity: a command, a mention, …
type Entity struct {
	Type   string // "bot_command", "mention", …
	Offset int    // in UTF-16 code units
	Length int    // in UTF-16 code units
}

// Callback is the press of an inline button under one of the bot's
// messages.
type Callback struct {
	Data string
	// ChatType is the kind of chat the button is in.
	ChatType ChatType
	// IsChatAdmin, when set, tells whether the presser administers the
	// chat (a group's plan is chosen by its admins); the adapter asks
	// Telegram only when it is called.
	IsChatAdmin func(ctx context.Context) bool
	// MessageID is the bot message that carries the button, and Text its
	// text as the chat shows it (empty when unknown).
	MessageID int
	Text      string
	// Question is the message the bot message replies to: the user's
	// question, from which "more results" recovers the query. Nil when
	// Telegram did not send it (the question was deleted, or is too old).
	Question *Message
	// Keyboard is the data of every button of the message that carries
	// the button, as Telegram sends it back; nil when it did not. A 👍/👎
	// counts only when the keyboard carries it: data anyone can forge.
	Keyboard []string
	// ChatID and FromID are the chat of the message and the user who
	// pressed: with MessageID they let a 👍/👎 count once per message and
	// user. They are passed on only as a salted hash.
	ChatID, FromID int64
}

// CallbackAnswer is what a button press gets: a short notice shown over the
// chat (may be empty) and messages to send to the chat.
type CallbackAnswer struct {
	Notice  string
	Replies []Reply
}

// Reply is one message to send, in Telegram HTML.
type Reply struct {
	HTML string
	// Buttons are rows of inline buttons under the message.
	Buttons [][]Button
	// ReplyTo is the message this one answers (threaded in the chat); 0
	// for none.
	ReplyTo int
	// Kind is what kind of answer the message is, one of ReplyKinds: the
	// adapter counts answers by it.
	Kind string
	// Answer is the answer to a question the message renders; nil for the
	// replies to commands and buttons of other kinds.
	Answer *Answer
}

// Button is an inline button whose press comes back as a Callback with
// Data.
type Button struct {
	Text string
	Data string
}

// InlineQuery is what a user types after the bot's name in any chat.
type InlineQuery struct {
	Query  string
	Offset string // as sent back from InlineAnswer.NextOffset
}

// InlineAnswer lists articles to offer for an InlineQuery.
type InlineAnswer struct {
	Results    []InlineResult
	NextOffset string
	// Kind is what kind of answer it is: KindInline for results that
	// answer, KindOffer for the closest things to a query the plan does
	// not answer, KindNotFound for none.
	Kind string
}

// InlineResult is one article of an inline answer: the message it sends
// when chosen, with a title and description for the list.
type InlineResult struct {
	ID          string // unique within the answer, at most 64 bytes
	Title       string
	Description string
	HTML        string
}

// Command is a command for the menu Telegram shows (setMyCommands).
type Command struct {
	Name        string // without the slash
	Description string
}

// Commands lists the commands for the menu. Their short aliases (/s, /i,
// /term, /target, /project) work too but stay out of the menu, and so does
// /stats, which only the admins may use.
func Commands() []Command {
	return []Command{
		{"search", "在规划中查找：/search 关键词"},
		{"indicator", "主要指标：/indicator 18 或 /indicator 森林覆盖率"},
		{"indicators", "主要指标一览，可按 约束性/预期性 或类别筛选"},
		{"targets", "量化目标：/targets 养老，按章列出数值和出处"},
		{"projects", "重点项目（专栏2–10）：/projects 或 /projects 铝"},
		{"define", "名词解释：/define 碳达峰"},
		{"toc", "规划目录"},
		{"plan", "选择要问的规划，或全部规划"},
		{"compare", "比较各规划的同一指标：/compare 森林覆盖率"},
		{"chapter", "查看某一章：/chapter 5"},
		{"help", "我能做什么、怎么问"},
		{"start", "开始"},
	}
}
