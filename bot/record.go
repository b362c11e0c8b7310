package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"planbot/bot/stats"
	"planbot/index"
)

// What people ask: the bot records what answered each question, the
// questions nothing answered and the 👍/👎 pressed under answers, and shows
// the admins a report. Nothing of who asked is passed on: no user, chat or
// message IDs, only kinds, titles, topics and the words of unanswered
// questions.

// Recorder keeps what people ask. *stats.Store and *stats.Postgres are
// ones.
type Recorder interface {
	// RecordAnswer counts a question answered by a result of kind
	// (passage, indicator, term, project, target, or a /targets or
	// /projects list) about topic.
	RecordAnswer(ctx context.Context, kind, topic string, at time.Time) error
	RecordUnanswered(ctx context.Context, question string, at time.Time) error
	// RecordFeedback records a 👍 (up) or 👎 under an answer whose first
	// result has resultID; presses with the same once (a message and a
	// user) count once.
	RecordFeedback(ctx context.Context, resultID string, up bool, once string, at time.Time) error
}

// Reporter summarises what was recorded from since up to until (zero: the
// last record), with at most n entries in each list. *stats.Store and
// *stats.Postgres are ones.
type Reporter interface {
	Report(ctx context.Context, since, until time.Time, n int) (stats.Report, error)
}

// ChatPlans keeps each chat's chosen plan across restarts, and across
// replicas when the store is shared: /plan sets it, answers read it.
// *stats.Store and *stats.Postgres are ones.
type ChatPlans interface {
	// ChatPlan is the plan chat chose; false when it chose none.
	ChatPlan(ctx context.Context, chat int64) (plan string, ok bool, err error)
	// SetChatPlan keeps plan as chat's choice; "" forgets it.
	SetChatPlan(ctx context.Context, chat int64, plan string) error
}

var (
	_ Recorder  = (*stats.Store)(nil)
	_ Recorder  = (*stats.Queue)(nil)
	_ Reporter  = (*stats.Store)(nil)
	_ ChatPlans = (*stats.Store)(nil)
	_ Recorder  = (*stats.Postgres)(nil)
	_ Reporter  = (*stats.Postgres)(nil)
	_ ChatPlans = (*stats.Postgres)(nil)
)

const (
	// statsDays is the period /stats reports without an argument, and
	// maxStatsDays the longest it reports.
	statsDays    = 7
	maxStatsDays = 3660
	// statsTop is how many topics, questions and results a list of /stats
	// shows.
	statsTop = 10
)

// recordAnswer and recordUnanswered tell the Recorder, if any. Their errors
// are dropped: a full disk must not cost the user the answer, and the core
// has no log (a Recorder that wants its errors logged logs them itself).
func (b *Bot) recordAnswer(ctx context.Context, kind, topic string) {
	if b.recorder != nil {
		_ = b.recorder.RecordAnswer(ctx, kind, topic, time.Now())
	}
}

func (b *Bot) recordUnanswered(ctx context.Context, question string) {
	if b.recorder != nil {
		_ = b.recorder.RecordUnanswered(ctx, question, time.Now())
	}
}

// feedbackButtons are the 👍/👎 under an answer whose first result has ID
// id; nil when nothing records them.
func (b *Bot) feedbackButtons(id string) []Button {
	up := callbackFeedback + "+:" + id
	if b.recorder == nil || len(up) > maxCallbackData || !b.knownResult(id) {
		return nil
	}
	return []Button{
		{Text: "👍 有帮助", Data: up},
		{Text: "👎 没帮上", Data: callbackFeedback + "-:" + id},
	}
}

// feedback records the press of 👍 (data "f:+:<result ID>") or 👎
// ("f:-:<ID>"), when the pressed message's own keyboard carries it: once
// per message and user.
func (b *Bot) feedback(ctx context.Context, c Callback) CallbackAnswer {
	sign, id, _ := strings.Cut(strings.TrimPrefix(c.Data, callbackFeedback), ":")
	if sign != "+" && sign != "-" || !b.knownResult(id) || !slices.Contains(c.Keyboard, c.Data) {
		return CallbackAnswer{Notice: "这个按钮已经失效了，请重新提问。"}
	}
	up := sign == "+"
	if b.recorder != nil {
		once := fmt.Sprintf("%d/%d/%d", c.ChatID, c.MessageID, c.FromID)
		_ = b.recorder.RecordFeedback(ctx, id, up, once, time.Now())
	}
	if up {
		return CallbackAnswer{Notice: "谢谢！很高兴能帮上忙。"}
	}
	return CallbackAnswer{Notice: "谢谢反馈，我们会据此改进。也可以换个说法再问。"}
}

// knownResult reports whether id names a result of the plan.
func (b *Bot) knownResult(id string) bool {
	_, ok := b.resultName(id)
	return ok
}

// resultName names the result with the given ID, as the index gives them:
// a passage ID, i18, t3, b2.5, g<target ID>.
func (b *Bot) resultName(id string) (string, bool) {
	if p, ok := b.plan.Passage(id); ok {
		return passageLocation(p), true
	}
	if id == "" {
		return "", false
	}
	rest := id[1:]
	switch id[0] {
	case 'i':
		if ns, ok := numbers(rest, 1); ok {
			if ind, ok := b.plan.Indicator(ns[0]); ok {
				return indicatorTitle(ind), true
			}
		}
	case 't':
		if ns, ok := numbers(rest, 1); ok && ns[0] >= 1 && ns[0] <= len(b.plan.Terms) {
			return termTitle(b.plan.Terms[ns[0]-1]), true
		}
	case 'b':
		if ns, ok := numbers(rest, 2); ok {
			if box, _, ok := b.boxItem(ns[0], ns[1]); ok {
				return fmt.Sprintf("专栏%d %s 第%d项", box.Number, box.Title, ns[1]), true
			}
		}
	case 'g':
		if i, ok := b.targetAt[rest]; ok {
			t := b.targets[i]
			return t.Metric + " · " + t.Location, true
		}
	}
	return "", false
}

func (b *Bot) statsCmd(ctx context.Context, args string, m Message) []Reply {
	private := m.ChatType == Private || m.ChatType == ""
	switch {
	case !b.isAdmin(m.FromID) && !private:
		return nil // not a command for everyone in the group
	case !b.isAdmin(m.FromID):
		return b.reply(m.ID, "/stats 只供管理员使用。")
	case !private:
		return b.reply(m.ID, "统计里有大家提的问题，只在私聊中显示。请私聊我发送 /stats。")
	case b.reporter == nil:
		return b.reply(m.ID, "统计没有开启：配置里没有设置保存统计的数据目录。")
	}
	days := statsDays
	if a := strings.TrimSuffix(strings.TrimSuffix(cleanQuery(args), "天"), "日"); a != "" {
		n, ok := parseNumber(a)
		if !ok || n < 1 || n > maxStatsDays {
			return b.reply(m.ID, fmt.Sprintf("请写上天数（1–%d），例如：/stats 30。不写为近 %d 天。", maxStatsDays, statsDays))
		}
		days = n
	}
	since := time.Now().AddDate(0, 0, -days)
	r, err := b.reporter.Report(ctx, since, time.Time{}, statsTop)
	if err != nil {
		return b.reply(m.ID, "统计暂时读不出来，请稍后再试。")
	}
	return b.reply(m.ID, b.statsReport(r, days, since))
}

// kindNames name the kinds of answer in a report.
var kindNames = map[string]string{
	string(index.KindPassage):   "原文段落",
	string(index.KindIndicator): "主要指标",
	string(index.KindTerm):      "名词解释",
	string(index.KindProject):   "重点项目",
	string(index.KindTarget):    "量化目标",
	kindTargetList:              "/targets 列表",
	kindProjectList:             "/projects 列表",
	KindOffer:                   "无直接回答，给出最接近的内容",
}

// statsReport writes a report of the last days, from since.
func (b *Bot) statsReport(r stats.Report, days int, since time.Time) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "📈 %s（%s 起）\n", bold(fmt.Sprintf("近 %d 天的提问统计", days)), since.Format("2006-01-02 15:04"))
	fmt.Fprintf(&sb, "回答 %d 次，未能回答 %d 次；👍 %d，👎 %d\n", r.Answered, r.Unanswered, r.Up, r.Down)
	if r.Answered+r.Unanswered+r.Up+r.Down == 0 {
		sb.WriteString("\n这段时间还没有人提问。")
		return sb.String()
	}
	list := func(title string, cs []stats.Count, name func(string) string) {
		if len(cs) == 0 {
			return
		}
		sb.WriteString("\n" + bold(title) + "\n")
		for i, c := range cs {
			fmt.Fprintf(&sb, "%d. %s（%d）\n", i+1, esc(clip(name(c.Key), 60)), c.N)
		}
	}
	same := func(s string) string { return s }
	list("最常问的主题", r.Topics, same)
	if len(r.Kinds) > 0 {
		var parts []string
		for _, c := range r.Kinds {
			name, ok := kindNames[c.Key]
			if !ok {
				name = c.Key
			}
			parts = append(parts, esc(name)+" "+strconv.Itoa(c.N))
		}
		sb.WriteString("\n" + bold("回答来自") + "\n" + strings.Join(parts, " · ") + "\n")
	}
	list("规划没有回答的问题", r.Questions, same)
	list("👎 最多的回答", r.Disliked, func(id string) string {
		if name, ok := b.resultName(id); ok {
			return name
		}
		return id
	})
	return sb.String()
}
