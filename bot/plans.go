package bot

import (
	"context"
	"fmt"
	"strings"
)

// /plan: a chat chooses the plan its questions search, or every plan. The
// choice is kept by chat in the store (Options.Chats) across restarts; in
// a group only its admins choose.

// planCmd lists the plans with a button for each, or chooses the plan
// named after the command (/plan 国家“十五五”).
func (b *Bot) planCmd(ctx context.Context, args string, m Message) []Reply {
	if args = strings.TrimSpace(args); args != "" {
		name, ok := b.matchPlan(args)
		if !ok {
			return b.reply(m.ID, "没有叫"+quoted(args)+"的规划。发送 /plan 查看收录的规划。")
		}
		if b.shelf.chats == nil || m.ChatID == 0 {
			return b.reply(m.ID, noStoreNote)
		}
		if !b.mayChoose(ctx, m.ChatType, m.FromID, m.IsChatAdmin) {
			return b.reply(m.ID, adminsOnly)
		}
		if err := b.shelf.chats.SetChatPlan(ctx, m.ChatID, name); err != nil {
			return b.reply(m.ID, notKept)
		}
		return b.reply(m.ID, chosenText(name))
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "📚 %s（共 %d 份）：\n", bold("收录的规划"), len(b.shelf.views))
	for i, v := range b.shelf.views {
		mark := ""
		if v.name == m.chosen {
			mark = " ✅"
		}
		fmt.Fprintf(&sb, "%d. %s%s\n   %s\n", i+1, bold(v.name), mark, esc(v.plan.Title))
	}
	if m.chosen == "" {
		sb.WriteString("\n现在：问题在所有规划中查找，每条答案注明出自哪份规划。")
	} else {
		sb.WriteString("\n现在：问题只在" + bold(m.chosen) + "中查找。")
	}
	sb.WriteString("问题里写上“国家”“市里”“十五五”或地名，就只查那份规划。")
	if b.shelf.chats == nil || m.ChatID == 0 {
		sb.WriteString("\n\n" + noStoreNote)
		return b.reply(m.ID, sb.String())
	}
	var rows [][]Button
	for _, v := range b.shelf.views {
		rows = append(rows, []Button{{Text: v.name, Data: callbackPlan + planTag(v.name)}})
	}
	rows = append(rows, []Button{{Text: "全部规划", Data: callbackPlan + "*"}})
	return b.replyButtons(m.ID, sb.String(), rows)
}

// The words of /plan.
const (
	noStoreNote = "这个机器人没有配置数据存储，记不住每个聊天选的规划。请在问题里写上规划，例如“国家规划里对养老怎么说”。"
	adminsOnly  = "群里的规划只能由群管理员选择。"
	notKept     = "暂时无法保存选择，请稍后再试。"
)

// chosenText confirms a choice.
func chosenText(name string) string {
	if name == "" {
		return "好的，接下来的问题在所有规划中查找。发送 /plan 可以更改。"
	}
	return "好的，接下来的问题只在" + bold(name) + "中查找。发送 /plan 可以更改。"
}

// choosePlan answers the press of a /plan button.
func (b *Bot) choosePlan(ctx context.Context, c Callback) CallbackAnswer {
	tag := strings.TrimPrefix(c.Data, callbackPlan)
	name := ""
	if tag != "*" {
		v := b.shelf.byTag[tag]
		if v == nil {
			return CallbackAnswer{Notice: "这个按钮已经失效了，请发送 /plan 重新选择。"}
		}
		name = v.name
	}
	if b.shelf.chats == nil || c.ChatID == 0 {
		return CallbackAnswer{Notice: noStoreNote}
	}
	if !b.mayChoose(ctx, c.ChatType, c.FromID, c.IsChatAdmin) {
		return CallbackAnswer{Notice: adminsOnly}
	}
	if err := b.shelf.chats.SetChatPlan(ctx, c.ChatID, name); err != nil {
		return CallbackAnswer{Notice: notKept}
	}
	notice := "已选择：全部规划"
	if name != "" {
		notice = "已选择：" + name
	}
	return CallbackAnswer{Notice: notice, Replies: b.reply(c.MessageID, chosenText(name))}
}

// mayChoose reports whether a user may choose the plan of a chat: anyone
// in a private chat; in a group its admins, and the bot's.
func (b *Bot) mayChoose(ctx context.Context, chat ChatType, from int64, isChatAdmin func(context.Context) bool) bool {
	if chat == Private || chat == "" {
		return true
	}
	return b.isAdmin(from) || isChatAdmin != nil && isChatAdmin(ctx)
}

// matchPlan finds the plan a user names: by its short name, written with
// or without quotes, or by what stands in it alone (国家, 南京市).
func (b *Bot) matchPlan(s string) (string, bool) {
	want := normalize(s)
	var found []string
	for _, v := range b.shelf.views {
		n := normalize(v.name)
		if n == want {
			return v.name, true
		}
		if strings.Contains(n, want) || strings.Contains(normalize(v.plan.Title), want) {
			found = append(found, v.name)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return "", false
}
