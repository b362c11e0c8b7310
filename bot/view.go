package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The views of an Answer: Telegram's HTML with its buttons, and plain text
// for a terminal. Each reads the value alone.

// The replies to a question start by quoting the query whole, so that the
// question a reply was for can be read back from its text when the user
// replies to it (QuestionOf): headerStarts are what comes before the quote,
// headerEnds what can follow it.
var (
	headerStarts = []string{"🔎 “", "⚖️ “", "🤔 规划里没有找到与“", "关于“"}
	headerEnds   = []string{"”，规划里这样写：", "”，各规划这样写：", "”的更多结果（", "”：规划里没有", "”有关的内容。", "”，没有更多结果了。"}
)

// QuestionOf reads back the query a reply to a question was for, from the
// reply's text as a chat shows it (plain text: PlainText of the HTML, as
// Telegram sends a message replied to); ok is false when the text is not
// such a reply.
func QuestionOf(text string) (q string, ok bool) {
	for _, h := range headerStarts {
		rest, found := strings.CutPrefix(text, h)
		if !found {
			continue
		}
		end := -1
		for _, e := range headerEnds {
			if i := strings.Index(rest, e); i >= 0 && (end < 0 || i < end) {
				end = i
			}
		}
		// The bot quotes no more than a question and a follow-up make.
		if end > 0 && utf8.RuneCountInString(rest[:end]) <= 2*maxQuestion {
			return cleanQuery(rest[:end]), true
		}
	}
	return "", false
}

// TelegramHTML renders an answer as the HTML of one Telegram message (which
// Split may cut to Telegram's length): a header that quotes the query and
// says which outcome it is, then the results, numbered when there are
// several or more pages. In a private chat a decline suggests a question
// the plan answers.
func TelegramHTML(a Answer, chat ChatType) string {
	q := "“" + esc(a.Query) + "”"
	var sb strings.Builder
	switch {
	case a.Comparison != nil:
		return compareHTML(a)
	case a.Outcome == OutcomeDecline:
		return declineHTML(a, chat)
	case len(a.Results) == 0:
		return "关于" + q + "，没有更多结果了。"
	case a.Outcome == OutcomeOffer:
		sb.WriteString("🔎 " + q + "：")
		if len(a.Missing) > 0 {
			sb.WriteString("规划里没有提到")
			for _, w := range a.Missing {
				sb.WriteString("“" + esc(w) + "”")
			}
			sb.WriteString("。")
		} else {
			sb.WriteString("规划里没有直接的回答。")
		}
		sb.WriteString("最接近的内容：" + correctedNote(a) + "\n\n")
	case a.Offset == 0:
		fmt.Fprintf(&sb, "🔎 %s，规划里这样写：%s\n\n", q, correctedNote(a))
	default:
		fmt.Fprintf(&sb, "🔎 %s的更多结果（第 %d–%d 条）：\n\n", q, a.Offset+1, a.Offset+len(a.Results))
	}
	numbered := a.Offset > 0 || len(a.Results) > 1 || a.Next > 0
	for _, r := range a.Results {
		if numbered {
			fmt.Fprintf(&sb, "<b>%d.</b> ", r.Rank)
		}
		sb.WriteString(ResultHTML(r) + "\n\n")
	}
	return strings.TrimSpace(sb.String())
}

// correctedNote is the line after a header that says how the query was
// read when its typos were corrected (（已按“森林覆盖率”查找）), or "".
func correctedNote(a Answer) string {
	if a.Corrected == "" {
		return ""
	}
	return "\n（已按“" + esc(a.Corrected) + "”查找）"
}

// declineHTML says the plan does not speak of the query, and what the bot
// does know.
func declineHTML(a Answer, chat ChatType) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "🤔 规划里没有找到与“%s”有关的内容。\n我能回答的是%s里写的：主要指标（/indicators）、量化目标（/targets）、重点项目（/projects）、名词解释（/define）和各章的目标任务（/toc）。",
		esc(a.Query), esc(a.Plan))
	if a.Example != "" && (chat == Private || chat == "") {
		sb.WriteString("\n例如可以问：“" + esc(a.Example) + "”")
	}
	return sb.String()
}

// TelegramButtons lays an answer's actions out as rows of inline buttons:
// the full texts, the next page, then 👍/👎.
func TelegramButtons(a Answer) [][]Button {
	var full, more, feedback []Button
	for _, act := range a.Actions {
		switch act.Do {
		case ActFullText:
			full = append(full, act.Button())
		case ActMore:
			more = append(more, act.Button())
		case ActHelped, ActNotHelped:
			feedback = append(feedback, act.Button())
		}
	}
	var rows [][]Button
	for _, row := range [][]Button{full, more, feedback} {
		if len(row) > 0 {
			rows = append(rows, row)
		}
	}
	return rows
}

// Text renders an answer as plain text for a terminal: what a chat shows,
// without the markup.
func Text(a Answer) string { return PlainText(TelegramHTML(a, Private)) }

// ResultHTML renders one result in Telegram's HTML: an indicator's card, a
// glossary entry, a key project, a target with its sentence, or a passage's
// excerpt with the matched words in bold; each with where it stands.
func ResultHTML(r Result) string {
	switch {
	case len(r.Items) > 0:
		return listHTML(r)
	case r.Indicator != nil:
		return indicatorCardHTML(*r.Indicator, r.Notes, r.Where())
	case r.Term != nil:
		return termCardAt(*r.Term, r.Where())
	case r.Project != nil:
		return "🏗 " + esc(clip(r.Project.Text, 300)) + "\n" + where(r.Where())
	case r.Target != nil:
		var sb strings.Builder
		sb.WriteString("🎯 " + targetLine(*r.Target) + "\n")
		if r.Excerpt != "" {
			sb.WriteString(highlight(r.Excerpt, r.Highlights))
		} else {
			sb.WriteString(esc(r.Target.Text))
		}
		sb.WriteString("\n" + where(r.Where()))
		return sb.String()
	}
	var sb strings.Builder
	if r.Kind == "passage" {
		sb.WriteString("📄 ")
	}
	if r.Heading != "" {
		sb.WriteString(bold(r.Heading) + "\n")
	}
	if r.Excerpt != "" {
		sb.WriteString(highlight(r.Excerpt, r.Highlights))
	} else {
		sb.WriteString(esc(clip(r.Text, excerptLen)))
	}
	if r.Location != "" {
		sb.WriteString("\n" + where(r.Where()))
	}
	return sb.String()
}

// listHTML renders a list answer whole: its title, the count, every item
// on a line, where the list stands.
func listHTML(r Result) string {
	var sb strings.Builder
	sb.WriteString("📋 " + bold(r.Title) + "\n")
	count, _, _ := strings.Cut(r.Text, "：")
	sb.WriteString(esc(count) + "：\n")
	for i, it := range r.Items {
		// An indicator is listed by its own number (7.居民人均可支配收入增长).
		num, name := fmt.Sprint(i+1), it
		if n, rest, ok := strings.Cut(it, "."); ok && n != "" && strings.Trim(n, "0123456789") == "" {
			num, name = n, rest
		}
		fmt.Fprintf(&sb, "%s. %s\n", num, esc(name))
	}
	sb.WriteString(where(r.Where()))
	return sb.String()
}

// Where says where a result stands, its plan first: 东河区“十四五” · 第五章
// 第二节 · 加强生态保护与修复.
func (r Result) Where() string {
	switch {
	case r.Plan == "":
		return r.Location
	case r.Location == "":
		return r.Plan
	}
	return r.Plan + " · " + r.Location
}
