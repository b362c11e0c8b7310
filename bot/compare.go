package bot

import (
	"context"
	"fmt"
	"strings"

	"planbot/corpus"
	"planbot/index"
)

// /compare NAME and questions that compare plans (十五五森林覆盖率目标比十四五高多少)
// set one measure side by side: each plan's indicator row with its years
// and values as printed, and apart from the tables, the figures the prose
// of each plan gives.

// Comparer sets a measure side by side across plans. *index.Library is
// one; a Bot whose Searcher is one compares.
type Comparer interface {
	// Compare sets the measure name across the plans named, all when none.
	Compare(ctx context.Context, name string, plans []string) index.Comparison
	// Comparing reads a question that compares plans: the measure it
	// asks about and the plans it names.
	Comparing(ctx context.Context, question string) (measure string, plans []string, ok bool)
}

var _ Comparer = (*index.Library)(nil)

// KindCompare is the kind of a comparison across plans.
const KindCompare = "compare"

// compareCmd answers /compare NAME.
func (b *Bot) compareCmd(ctx context.Context, args string, m Message) []Reply {
	name := cleanQuery(args)
	cmp, ok := b.search.(Comparer)
	switch {
	case !ok:
		return b.reply(m.ID, "这里不能比较规划。")
	case name == "":
		return b.reply(m.ID, "请在 /compare 后写上指标名称，例如：/compare 森林覆盖率")
	case len([]rune(name)) > maxQuestion:
		return b.reply(m.ID, fmt.Sprintf("名称太长了。请缩短到 %d 字以内。", maxQuestion))
	}
	c := cmp.Compare(ctx, name, nil)
	a := b.comparison(name, c)
	return b.answerReplies(a, m.ChatType, m.ID)
}

// comparison makes the answer that shows a comparison.
func (b *Bot) comparison(query string, c index.Comparison) Answer {
	a := Answer{
		Question: query, Query: query, Outcome: OutcomeAnswer, Kind: KindCompare,
		Missing: []string{}, Results: []Result{}, Actions: []Action{}, Comparison: &c,
	}
	if len(c.Rows) == 0 && len(c.Figures) == 0 {
		a.Outcome, a.Kind = OutcomeDecline, KindNotFound
		a.Comparison = nil
		a.Plan = b.shortTitle()
	}
	return a
}

// compareHTML renders a comparison: the tables' rows plan by plan, then
// the prose's figures apart.
func compareHTML(a Answer) string {
	c := a.Comparison
	var sb strings.Builder
	fmt.Fprintf(&sb, "⚖️ “%s”，各规划这样写：\n", esc(a.Query))
	if len(c.Rows) > 0 {
		sb.WriteString("\n" + bold("主要指标表") + "\n")
	}
	for _, r := range c.Rows {
		sb.WriteString("• " + bold(r.Plan) + "：" + rowLine(r.Indicator) + "\n")
		sb.WriteString("  " + where(r.Location) + "\n")
	}
	if len(c.Figures) > 0 {
		sb.WriteString("\n" + bold("正文中的数字") + "（与指标表分列，不合并）\n")
	}
	for _, f := range c.Figures {
		sb.WriteString("• " + bold(f.Plan) + "：" + targetLine(f.Target) + "\n")
		sb.WriteString("  " + where(f.Target.Location) + "\n")
	}
	return strings.TrimSpace(sb.String())
}

// rowLine writes an indicator row in a line: its name, then each year's
// value as printed, or its columns as printed when the table names no
// year.
func rowLine(ind corpus.Indicator) string {
	var sb strings.Builder
	sb.WriteString(esc(ind.Name))
	if ind.Sub != "" {
		sb.WriteString("（" + esc(ind.Sub) + "）")
	}
	if ind.Unit != "" {
		sb.WriteString("，单位 " + esc(ind.Unit))
	}
	var parts []string
	if ind.BaseYear > 0 {
		parts = append(parts, fmt.Sprintf("%d年 %s", ind.BaseYear, value(ind.Base)))
	}
	if ind.TargetYear > 0 {
		parts = append(parts, fmt.Sprintf("%d年 %s", ind.TargetYear, value(ind.Target)))
	}
	if len(parts) == 0 {
		for _, col := range ind.Columns {
			if col.Value != "" && !strings.Contains(col.Header, "指标") {
				parts = append(parts, esc(col.Header)+" "+value(col.Value))
			}
		}
	}
	if len(parts) > 0 {
		sb.WriteString("：" + strings.Join(parts, " → "))
	}
	if ind.Attribute != "" {
		sb.WriteString("（" + esc(ind.Attribute) + "）")
	}
	return sb.String()
}
