package bot

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"planbot/corpus"
	"planbot/index"
)

// The HTML of every reply is built here, from the plan's text and the
// user's, each piece escaped on the way in: only the tags written in this
// file reach Telegram.

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// esc escapes text for Telegram's HTML parse mode.
func esc(s string) string { return escaper.Replace(strings.ToValidUTF8(s, "")) }

// bold escapes s and sets it in bold.
func bold(s string) string { return "<b>" + esc(s) + "</b>" }

// where writes a location line.
func where(loc string) string { return "📍 <i>" + esc(loc) + "</i>" }

// clip shortens s to at most n characters, marking the cut with an
// ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return strings.TrimRightFunc(string(rs[:n-1]), unicode.IsSpace) + "…"
}

// quoted echoes a user's query back, short and escaped.
func quoted(q string) string { return "“" + esc(clip(q, 30)) + "”" }

// highlight escapes excerpt and sets the spans in bold. Spans that are out
// of range, overlap an earlier one or cut a character are skipped rather
// than trusted.
func highlight(excerpt string, spans []index.Span) string {
	hs := append([]index.Span(nil), spans...)
	sort.Slice(hs, func(i, j int) bool { return hs[i].Start < hs[j].Start })
	var sb strings.Builder
	prev := 0
	for _, h := range hs {
		if h.Start < prev || h.End <= h.Start || h.End > len(excerpt) ||
			!utf8.RuneStart(excerpt[h.Start]) || (h.End < len(excerpt) && !utf8.RuneStart(excerpt[h.End])) {
			continue
		}
		sb.WriteString(esc(excerpt[prev:h.Start]))
		sb.WriteString(bold(excerpt[h.Start:h.End]))
		prev = h.End
	}
	sb.WriteString(esc(excerpt[prev:]))
	return sb.String()
}

// attributeNote explains an indicator's attribute in a few words.
var attributeNote = map[string]string{
	"约束性": "约束性（必须完成的指标）",
	"预期性": "预期性（期望达到的发展目标）",
}

// indicatorTitle names an indicator: 指标18 · 森林覆盖率.
func indicatorTitle(ind corpus.Indicator) string {
	return fmt.Sprintf("指标%d · %s", ind.Number, ind.Name)
}

// indicatorCard writes an indicator as label: value lines, the values as
// the plan writes them, with what the table's notes say about them.
func (b *Bot) indicatorCard(ind corpus.Indicator) string {
	return indicatorCardHTML(ind, b.indicatorNotes(ind), indicatorLocation(ind))
}

// indicatorLocation says where an indicator stands in the plan: 第一章
// 第三节 · 专栏1 “十四五”时期经济社会主要指标 · 第18项.
func indicatorLocation(ind corpus.Indicator) string {
	if ind.Location != "" {
		return ind.Location
	}
	return fmt.Sprintf("主要指标 · 第%d项", ind.Number)
}

// indicatorCardHTML writes an indicator's card with the notes of the table
// that concern it.
func indicatorCardHTML(ind corpus.Indicator, notes []string, location string) string {
	var sb strings.Builder
	sb.WriteString("📊 " + bold(indicatorTitle(ind)))
	if ind.Category != "" {
		fmt.Fprintf(&sb, "（%s）", esc(ind.Category))
	}
	sb.WriteString("\n")
	line := func(label, value string) {
		fmt.Fprintf(&sb, "%s：%s\n", label, value)
	}
	if ind.Unit != "" {
		line("单位", esc(ind.Unit))
	}
	if ind.Sub != "" {
		line("分项", esc(ind.Sub))
	}
	if ind.BaseYear > 0 {
		line(fmt.Sprintf("%d年", ind.BaseYear), value(ind.Base))
	}
	if ind.TargetYear > 0 {
		line(fmt.Sprintf("%d年目标", ind.TargetYear), value(ind.Target))
	}
	if ind.FiveYear != "" {
		five := value(ind.FiveYear)
		switch {
		case ind.Cumulative:
			five += "（方括号内为五年累计数）"
		case strings.ContainsAny(ind.FiveYear, "0123456789"):
			five += "（年均）"
		}
		line("年均/累计", five)
	}
	attr := esc(ind.Attribute)
	if n, ok := attributeNote[ind.Attribute]; ok {
		attr = esc(n)
	}
	line("属性", attr)
	for _, note := range notes {
		line("注", esc(note))
	}
	sb.WriteString(where(location))
	return sb.String()
}

// value writes a table value; a dash says the plan gives none.
func value(v string) string {
	v = strings.TrimSpace(v)
	if v == "" || v == "—" || v == "-" || v == "--" {
		return "—（规划未列）"
	}
	return esc(v)
}

// termTitle names a glossary entry: 名词解释 · 夜间经济.
func termTitle(t corpus.Term) string { return "名词解释 · " + t.Term }

// termCard writes a glossary entry.
func termCard(t corpus.Term) string { return termCardAt(t, "名词解释") }

// termCardAt is termCard standing at location.
func termCardAt(t corpus.Term, location string) string {
	return "📖 " + bold(t.Term) + "\n" + esc(t.Definition) + "\n" + where(location)
}

// passageLocation names where a passage stands, down to its subsection.
func passageLocation(p corpus.Passage) string {
	if p.Subsection != "" {
		return p.Location + " · " + p.Subsection
	}
	return p.Location
}

// passageFull writes the whole text of a passage with its location.
func passageFull(p corpus.Passage) string {
	return "📄 " + bold(passageLocation(p)) + "\n" + esc(p.Text)
}

// boxItem looks up item i (1-based) of 专栏n.
func (b *Bot) boxItem(n, i int) (corpus.Box, string, bool) {
	box, ok := b.plan.Box(n)
	if !ok || i < 1 || i > len(box.Items) {
		return corpus.Box{}, "", false
	}
	return box, box.Items[i-1], true
}

// excerptLen is how many characters of a passage an answer quotes when the
// index gives no excerpt.
const excerptLen = 120

// resultTitle is a one-line name of a result, for inline answers.
func (b *Bot) resultTitle(r index.Result) string {
	switch r.Kind {
	case index.KindIndicator:
		if n, err := strconv.Atoi(strings.TrimPrefix(r.ID, "i")); err == nil {
			if ind, ok := b.plan.Indicator(n); ok {
				return indicatorTitle(ind)
			}
		}
	case index.KindTerm:
		if n, err := strconv.Atoi(strings.TrimPrefix(r.ID, "t")); err == nil && n >= 1 && n <= len(b.plan.Terms) {
			return termTitle(b.plan.Terms[n-1])
		}
	case index.KindTarget:
		if t, ok := b.targetOf(r); ok {
			return t.Metric
		}
	}
	if r.Title != "" {
		return r.Title
	}
	if r.Location != "" {
		return r.Location
	}
	return clip(r.Text, 30)
}
