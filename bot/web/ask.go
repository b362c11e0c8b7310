package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"planbot/bot"
	"planbot/corpus"
	"planbot/index"
)

// answer is what POST /api/ask returns: the bot's answer (bot.Answer:
// question, context, query, outcome, kind, missing, results, offset, next,
// example, actions) with the fields of `planbot ask -json` it lacks
// (answered; each result's score), the plan named in full, every result's
// page on this site, and the answer rendered: as the page shows it (html)
// and as a chat says it (text).
type answer struct {
	bot.Answer
	// Answered is true when the plan answers the question (outcome
	// answer), as in planbot ask -json.
	Answered bool     `json:"answered"`
	Plan     planRef  `json:"plan"`
	Results  []result `json:"results"`
	// Message is what the page says before the results (or instead of
	// them), as plain text.
	Message string `json:"message"`
	// HTML is the answer as the page shows it: a fragment, every text
	// escaped.
	HTML string `json:"html"`
	// Text is the answer as the bot says it in a chat, as plain text.
	Text string `json:"text"`
}

// result is a result of the bot's answer with where to read it on this
// site.
type result struct {
	bot.Result
	// Link is the page of the plan where the result stands (its section,
	// its indicator), relative to this server.
	Link string `json:"link"`
}

// ask answers q on p, read as a follow-up of prev when it is one, from
// offset.
func (s *Server) ask(ctx context.Context, p Plan, q, prev string, offset int) (answer, error) {
	found, err := p.Bot.Ask(ctx, q, bot.AskOptions{Context: prev, Offset: offset})
	if err != nil {
		return answer{}, err
	}
	a := answer{
		Answer:   found,
		Answered: found.Outcome == bot.OutcomeAnswer,
		Plan:     ref(p),
		Results:  []result{},
		Text:     bot.Text(found),
	}
	for _, r := range found.Results {
		a.Results = append(a.Results, result{r, resultLink(p, r)})
	}
	a.Message = message(a)
	a.HTML = s.render("answer", answerView{answer: a, PlanQ: p.query, plan: p})
	return a, nil
}

// message is what the page says of an answer before its results, in the
// bot's words.
func message(a answer) string {
	q := "“" + a.Query + "”"
	switch {
	case a.Outcome == bot.OutcomeDecline:
		return "规划里没有找到与" + q + "有关的内容。"
	case len(a.Results) == 0:
		return "关于" + q + "，没有更多结果了。"
	case a.Outcome == bot.OutcomeOffer && len(a.Missing) > 0:
		return q + "：规划里没有提到“" + strings.Join(a.Missing, "”“") + "”。最接近的内容：" + corrected(a)
	case a.Outcome == bot.OutcomeOffer:
		return q + "：规划里没有直接的回答。最接近的内容：" + corrected(a)
	case a.Offset == 0:
		return q + "，规划里这样写：" + corrected(a)
	}
	return fmt.Sprintf("%s的更多结果（第 %d–%d 条）：", q, a.Offset+1, a.Offset+len(a.Results))
}

// corrected says, after the message, how the query was read when its
// typos were corrected, as a chat does; "" when none was.
func corrected(a answer) string {
	if a.Corrected == "" {
		return ""
	}
	return "（已按“" + a.Corrected + "”查找）"
}

// clip shortens s to n characters, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// resultLink is the page where a result stands.
func resultLink(p Plan, r bot.Result) string {
	pl := p.Bot.Plan()
	id := r.ID
	if list, ok := strings.CutPrefix(id, "list:"); ok {
		// A list answer: list:b9 is 专栏9; list:i:… some rows of the
		// indicator table.
		var n int
		if _, err := fmt.Sscanf(list, "b%d", &n); err == nil && strings.HasPrefix(list, "b") {
			return boxLink(p, n)
		}
		if strings.HasPrefix(list, "i:") {
			return link(p, "/indicators", "")
		}
		return link(p, "/toc", "")
	}
	switch r.Kind {
	case index.KindIndicator:
		if n, err := strconv.Atoi(strings.TrimPrefix(id, "i")); err == nil {
			return indicatorLink(p, n)
		}
	case index.KindTerm:
		if n, err := strconv.Atoi(strings.TrimPrefix(id, "t")); err == nil && n >= 1 && n <= len(pl.Terms) {
			return termLink(p, pl.Terms[n-1])
		}
	case index.KindProject:
		var n, i int
		if _, err := fmt.Sscanf(id, "b%d.%d", &n, &i); err == nil {
			return boxLink(p, n)
		}
	case index.KindTarget:
		// g + a target's ID: c3s1p3.4, table.18.2025 or box2.1.1.
		id = strings.TrimPrefix(id, "g")
		switch {
		case strings.HasPrefix(id, "table."):
			n, _, _ := strings.Cut(strings.TrimPrefix(id, "table."), ".")
			if n, err := strconv.Atoi(n); err == nil {
				return indicatorLink(p, n)
			}
		case strings.HasPrefix(id, "box"):
			var n, i, j int
			if _, err := fmt.Sscanf(id, "box%d.%d.%d", &n, &i, &j); err == nil {
				return boxLink(p, n)
			}
		default:
			id, _, _ = strings.Cut(id, ".")
		}
	}
	if ps, ok := pl.Passage(id); ok && ps.Chapter > 0 {
		return chapterLink(p, ps.Chapter, id)
	}
	return link(p, "/toc", "")
}

// link is the address of a page of p on this server.
func link(p Plan, path, anchor string) string {
	if p.query != "" {
		path += "?plan=" + p.query
	}
	if anchor != "" {
		path += "#" + anchor
	}
	return path
}

func chapterLink(p Plan, n int, anchor string) string {
	return link(p, "/chapters/"+strconv.Itoa(n), anchor)
}

func indicatorLink(p Plan, n int) string {
	return link(p, "/indicators/"+strconv.Itoa(n), "")
}

func termLink(p Plan, t corpus.Term) string {
	for i, x := range p.Bot.Plan().Terms {
		if x.Term == t.Term {
			return link(p, "/terms", termAnchor(i+1))
		}
	}
	return link(p, "/terms", "")
}

func boxLink(p Plan, n int) string {
	if box, ok := p.Bot.Plan().Box(n); ok && box.Chapter > 0 {
		return chapterLink(p, box.Chapter, boxAnchor(n))
	}
	return link(p, "/toc", "")
}

func sectionAnchor(n int) string { return "s" + strconv.Itoa(n) }
func boxAnchor(n int) string     { return "b" + strconv.Itoa(n) }
func termAnchor(n int) string    { return "t" + strconv.Itoa(n) }

// chapterName is 第三章 建设现代产业体系….
func chapterName(c corpus.Chapter) string {
	return "第" + corpus.HanNumeral(c.Number) + "章 " + c.Title
}
