package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"planbot/corpus"
	"planbot/index"
)

// pageSize is how many results one answer shows before "more", as in a
// chat.
const pageSize = 3

// answer is what POST /api/ask returns: the fields of `planbot ask -json`
// (query, answered, missing, results), what the answer is (outcome, kind,
// plan), the page of results it holds, and the answer rendered as the
// page shows it (html).
type answer struct {
	Query    string   `json:"query"`
	Answered bool     `json:"answered"`
	Missing  []string `json:"missing"`
	Results  []result `json:"results"`
	// Outcome is answer, offer or decline.
	Outcome index.Outcome `json:"outcome"`
	// Kind is the kind of the first result; "" when declined.
	Kind index.Kind `json:"kind"`
	Plan planRef    `json:"plan"`
	// Context is the previous question, when the answer read the
	// question as a follow-up of it.
	Context string `json:"context,omitempty"`
	// Offset is the place of the first result of this page in the
	// answer; Next that of the next page, 0 when there is none.
	Offset int `json:"offset"`
	Next   int `json:"next,omitempty"`
	// Message is what the bot says before the results (or instead of
	// them), as plain text.
	Message string `json:"message"`
	// HTML is the answer as the page shows it: a fragment, every text
	// escaped.
	HTML string `json:"html"`
}

// result is a result of the index with where to read it on this site.
type result struct {
	index.Result
	// Link is the page of the plan where the result stands (its section,
	// its indicator), relative to this server.
	Link string `json:"link"`
}

// ask answers q on p, from offset.
func (s *Server) ask(ctx context.Context, p Plan, q, prev string, offset int) answer {
	found := p.Bot.Search(q, offset+pageSize+1)
	a := answer{
		Query:    found.Query,
		Answered: found.Answered,
		Missing:  found.Missing,
		Results:  []result{},
		Outcome:  found.Outcome(),
		Plan:     ref(p),
		Offset:   offset,
	}
	if a.Query == "" {
		a.Query = q
	}
	if a.Missing == nil {
		a.Missing = []string{}
	}
	if len(found.Results) > 0 {
		a.Kind = found.Results[0].Kind
	}
	if offset < len(found.Results) {
		page := found.Results[offset:min(len(found.Results), offset+pageSize)]
		for _, r := range page {
			a.Results = append(a.Results, result{r, resultLink(p, r)})
		}
		if next := offset + len(page); next < len(found.Results) && next < maxOffset {
			a.Next = next
		}
	}
	a.Message = message(p, a)
	a.HTML = s.render("answer", answerView{answer: a, plan: p.Bot.Plan()})
	return a
}

// message is what the bot says of an answer before its results.
func message(p Plan, a answer) string {
	q := "“" + clip(a.Query, 30) + "”"
	switch {
	case a.Offset > 0 && len(a.Results) == 0:
		return "关于" + q + "，没有更多结果了。"
	case a.Offset > 0:
		return fmt.Sprintf("%s的更多结果（第 %d–%d 条）：", q, a.Offset+1, a.Offset+len(a.Results))
	case a.Outcome == index.Answered:
		return q + "，规划里这样写："
	case a.Outcome == index.Offered:
		return "规划里没有直接回答" + q + "的内容，最接近的是："
	}
	pl := p.Bot.Plan()
	return fmt.Sprintf("规划里没有找到与%s有关的内容。我熟悉的是%s：%d 项主要指标、%d 条名词解释和各章的目标任务。换个说法试试，例如“森林覆盖率”“什么是碳达峰”。",
		q, p.Bot.Title(), len(pl.Indicators), len(pl.Terms))
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
func resultLink(p Plan, r index.Result) string {
	pl := p.Bot.Plan()
	id := r.ID
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
