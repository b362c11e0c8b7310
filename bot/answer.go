package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"planbot/corpus"
	"planbot/index"
)

// An answer to a question is made here as a value, Answer, and only then
// rendered: TelegramHTML for a chat, Text for a terminal; another channel
// (a web page, JSON) renders the same value its own way. The outcome, the
// kind and the plan are decided where the answer is made and travel in it;
// nothing reads a rendered reply back to learn what it was.

// Outcome is what the bot makes of a question: it answers, offers the
// closest things the plan has, or declines (index.Answer's three outcomes).
type Outcome = index.Outcome

// The outcomes of a question.
const (
	OutcomeAnswer  = index.Answered // the plan answers it: Results[0] is the answer
	OutcomeOffer   = index.Offered  // no direct answer; Results are the closest things
	OutcomeDecline = index.Declined // nothing of its topic is in the plan
)

// The kinds of reply (Reply.Kind, Answer.Kind), as metrics and records
// count them.
const (
	KindIndicator = "indicator" // an indicator of the table, or a list of them
	KindTerm      = "term"      // a glossary entry, or the glossary
	KindPassage   = "passage"   // a paragraph of the plan, or a section's text
	KindProject   = "project"   // a key project, or a list of them
	KindTarget    = "target"    // a quantitative target, or a list of them
	KindSearch    = "search"    // an answer whose first result is of no kind named here
	KindTOC       = "toc"       // the table of contents
	KindChapter   = "chapter"   // a chapter's outline
	KindOffer     = "offer"     // no direct answer, the closest things offered
	KindNotFound  = "not_found" // a question declined: the plan does not speak of it
	KindOther     = "other"     // help, usage hints, refusals, statistics
	KindInline    = "inline"    // an inline answer with results that answer
)

// KindCompare (compare.go) is a comparison of one measure across plans.

// ReplyKinds are the kinds a Reply or an Answer can be of.
var ReplyKinds = []string{KindIndicator, KindTerm, KindPassage, KindProject, KindTarget, KindSearch,
	KindTOC, KindChapter, KindOffer, KindNotFound, KindOther, KindCompare}

// Errors of Ask for questions it does not search. They are the caller's to
// turn into words; the chat says them in Chinese.
var (
	ErrEmptyQuestion = errors.New("bot: empty question")
	ErrLongQuestion  = errors.New("bot: question too long")
)

// MaxQuestion is the longest question, in characters, that Ask searches
// for: a question is a phrase, not a document.
const MaxQuestion = maxQuestion

// AskOptions are the optional inputs of Ask.
type AskOptions struct {
	// Context is the earlier question this one follows up (那2025年呢 after
	// 森林覆盖率2020年是多少), empty for none. The two are read together:
	// see FollowUp.
	Context string
	// Offset is the rank, from 0, of the first result to show: 0 for the
	// first page of an answer, Answer.Next for the following one.
	Offset int
	// Plan is the plan to search, by its short name: a chat's choice.
	// Empty: every plan. A question naming plans (国家规划里…, 十五五…)
	// searches those whatever the choice.
	Plan string
}

// Answer is the bot's answer to a question, as a value: what was asked and
// searched, which of the three outcomes it is, and the results of the page
// asked for with what can be done next. Its JSON form is the answer of the
// web API.
type Answer struct {
	// Question is the question as asked, cleaned of control characters
	// and runs of space.
	Question string `json:"question"`
	// Context is the earlier question a follow-up was read with; empty
	// when the question stands alone.
	Context string `json:"context,omitempty"`
	// Query is what was searched: the question, read with its context.
	// A reply quotes it, so a follow-up to the reply recovers it.
	Query string `json:"query"`
	// Outcome is answer, offer or decline.
	Outcome Outcome `json:"outcome"`
	// Kind is what kind of answer it is, one of ReplyKinds: the kind of
	// the first result for an answer, KindOffer, or KindNotFound.
	Kind string `json:"kind"`
	// Plan names the plan that answers, briefly (东河区“十四五”): the
	// plan of the first result; for a decline, the plans searched
	// (东河区“十四五”规划纲要, 东河区“十四五”、国家“十五五”规划).
	Plan string `json:"plan"`
	// Missing are the words of the question the plan never uses: for an
	// offer, what the plan does not speak of. Empty, never nil.
	Missing []string `json:"missing"`
	// Corrected is the query as searched once its pinyin typos were
	// corrected (森林覆该率 → 森林覆盖率), for an answer or an offer; empty
	// when none was.
	Corrected string `json:"corrected,omitempty"`
	// Results are the page of results shown, best first; empty for a
	// decline, at most OfferResults for an offer. Never nil.
	Results []Result `json:"results"`
	// Offset is the rank, from 0, of Results[0] among all the results.
	Offset int `json:"offset"`
	// Next is the offset of the next page of results, 0 when there is
	// none.
	Next int `json:"next,omitempty"`
	// Example is, for a decline, a question the plan does answer.
	Example string `json:"example,omitempty"`
	// Actions are what the user can do next: see the next page, read a
	// passage whole, tell whether the answer helped.
	Actions []Action `json:"actions"`
	// Comparison is, for an answer of KindCompare, one measure across
	// plans; nil otherwise.
	Comparison *index.Comparison `json:"comparison,omitempty"`
}

// OfferResults is how many results an offer shows at most.
const OfferResults = 3

// Result is one result of an answer: an indicator, a glossary entry, a key
// project, a target or a passage of the plan, with where it stands. The
// field named after its kind holds the item itself.
type Result struct {
	// ID names the item as the index does: a passage ID, i18, t3, b2.5, g….
	ID string `json:"id"`
	// Plan is the short name of the plan the result comes from.
	Plan string     `json:"plan"`
	Kind index.Kind `json:"kind"`
	// Rank is the result's place among all the question's results, from 1.
	Rank int `json:"rank"`
	// Title names the result in one line (指标18 · 森林覆盖率).
	Title string `json:"title"`
	// Heading is, for a passage, the heading of its paragraph when the
	// excerpt does not start with it; empty otherwise.
	Heading string `json:"heading,omitempty"`
	// Text is the whole text of the item.
	Text string `json:"text"`
	// Excerpt is the part of Text the answer quotes, Highlights the byte
	// ranges of Excerpt that matched the question.
	Excerpt    string       `json:"excerpt,omitempty"`
	Highlights []index.Span `json:"highlights,omitempty"`
	// Location says where the plan states it: 第五章 第二节 · 加强生态保护与修复.
	Location string `json:"location"`
	// Score is the index's score of the result (planbot ask -json's).
	Score float64 `json:"score"`
	// Passage is the ID of the passage the result quotes part of, whose
	// whole text a full-text action shows; empty when it quotes all.
	Passage string `json:"passage,omitempty"`

	// Items are what a list answers (专栏9有哪些项目, 预期性指标有几项):
	// every item, in order; Text counts them (共N项：…).
	Items []string `json:"items,omitempty"`

	Indicator *corpus.Indicator `json:"indicator,omitempty"`
	// Notes are the notes of the indicator table that concern Indicator.
	Notes   []string       `json:"notes,omitempty"`
	Term    *corpus.Term   `json:"term,omitempty"`
	Project *Project       `json:"project,omitempty"`
	Target  *corpus.Target `json:"target,omitempty"`
}

// Project is a key project: item Item of the box 专栏Box.
type Project struct {
	Box      int    `json:"box"`
	BoxTitle string `json:"box_title"`
	Item     int    `json:"item"` // from 1
	Text     string `json:"text"`
}

// Action is something the user can do with an answer; a chat offers it as
// a button.
type Action struct {
	// Do is what it does: ActMore, ActFullText, ActHelped or ActNotHelped.
	Do string `json:"do"`
	// Label is the button's text.
	Label string `json:"label"`
	// Offset is, for ActMore, the offset to ask again with.
	Offset int `json:"offset,omitempty"`
	// Passage is, for ActFullText, the passage to show whole.
	Passage string `json:"passage,omitempty"`
	// Plan is, for ActFullText, ActHelped and ActNotHelped, the plan of
	// the passage or result when the Bot has several.
	Plan string `json:"plan,omitempty"`
	// Result is, for ActHelped and ActNotHelped, the result judged.
	Result string `json:"result,omitempty"`
}

// The things an Action does.
const (
	ActMore      = "more"       // the next page of results
	ActFullText  = "full_text"  // a passage's whole text
	ActHelped    = "helped"     // 👍: the answer helped
	ActNotHelped = "not_helped" // 👎: it did not
)

// Button is the action as an inline button of Telegram: its callback data
// says what to do.
func (a Action) Button() Button {
	switch a.Do {
	case ActMore:
		return Button{Text: a.Label, Data: callbackMore + strconv.Itoa(a.Offset)}
	case ActFullText:
		return Button{Text: a.Label, Data: withPlan(callbackPassage+a.Passage, a.Plan)}
	case ActHelped:
		return Button{Text: a.Label, Data: withPlan(callbackFeedback+"+:"+a.Result, a.Plan)}
	case ActNotHelped:
		return Button{Text: a.Label, Data: withPlan(callbackFeedback+"-:"+a.Result, a.Plan)}
	}
	return Button{Text: a.Label}
}

// Ask answers a question: it reads it with its context, if any, searches
// the plan and returns the page of results from opts.Offset as a value.
// The first page of an answer is recorded, when the Bot has a Recorder. It
// returns ErrEmptyQuestion (nothing, or no letter or digit: ？, 😀) or
// ErrLongQuestion (longer than MaxQuestion) for a question it does not
// search.
func (b *Bot) Ask(ctx context.Context, question string, opts AskOptions) (Answer, error) {
	q := cleanQuery(question)
	if !strings.ContainsFunc(q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) {
		return Answer{}, ErrEmptyQuestion
	}
	if utf8.RuneCountInString(q) > maxQuestion {
		return Answer{}, ErrLongQuestion
	}
	prev := cleanQuery(opts.Context)
	query := q
	if prev != "" {
		query = FollowUp(prev, q)
	}
	a := b.find(ctx, query, opts.Plan, max(0, opts.Offset))
	a.Question, a.Context = q, prev
	return a, nil
}

// find makes the answer to query from offset, in plan or, when it is
// empty, in every plan, and records a first page.
func (b *Bot) find(ctx context.Context, query, plan string, offset int) Answer {
	var scope []string
	if plan != "" {
		scope = []string{plan}
	}
	// A question that compares plans is answered by the comparison.
	if cmp, ok := b.search.(Comparer); ok && offset == 0 {
		if measure, plans, ok := cmp.Comparing(ctx, query); ok {
			if c := cmp.Compare(ctx, measure, plans); len(c.Rows)+len(c.Figures) > 0 {
				a := b.comparison(query, c)
				b.recordAnswer(ctx, a.Kind, measure)
				return a
			}
		}
	}
	found := b.searchIn(ctx, query, scope, offset+b.pageSize+1)
	a := Answer{
		Question: query,
		Query:    query,
		Outcome:  found.Outcome(),
		Plan:     plan,
		Missing:  append([]string{}, found.Missing...),
		Results:  []Result{},
		Offset:   offset,
		Actions:  []Action{},
	}
	rs := found.Results
	if len(rs) > 0 {
		a.Corrected = corrected(query, found.Corrected, rs)
	}
	switch {
	case len(rs) > 0:
		a.Plan = rs[0].Plan
	case plan != "":
		a.Plan = plan + "规划纲要" // what a decline says was searched
	default:
		a.Plan = b.shortTitle()
	}
	switch a.Outcome {
	case OutcomeDecline:
		a.Kind = KindNotFound
		a.Example = b.example(query)
		if offset == 0 {
			b.recordUnanswered(ctx, query)
		}
		return a
	case OutcomeOffer:
		a.Kind = KindOffer
		rs = rs[:min(len(rs), OfferResults)]
	default:
		a.Kind = resultKind(rs[0].Kind)
	}
	if offset == 0 {
		b.at(rs[0].Plan).recordAnswer(ctx, a.Kind, b.at(rs[0].Plan).resultTitle(rs[0]))
	}
	if offset >= len(rs) {
		a.Kind = KindOther // past the last page: nothing of any kind
		return a
	}
	size := b.pageSize
	if a.Outcome == OutcomeOffer {
		size = OfferResults
	}
	page := rs[offset:min(len(rs), offset+size)]
	for i, r := range page {
		res := b.at(r.Plan).resultValue(r)
		res.Rank = offset + i + 1
		a.Results = append(a.Results, res)
		if res.Passage != "" && len(withPlan(callbackPassage+res.Passage, b.markOf(res.Plan))) <= maxCallbackData {
			a.Actions = append(a.Actions, Action{Do: ActFullText, Label: fmt.Sprintf("第%d条全文", res.Rank), Passage: res.Passage, Plan: b.markOf(res.Plan)})
		}
	}
	if next := offset + len(page); len(rs) > next && next < maxResults {
		a.Next = next
		a.Actions = append(a.Actions, Action{Do: ActMore, Label: "更多结果 ▶", Offset: next})
	}
	if offset == 0 && b.recorder != nil && a.Outcome == OutcomeAnswer {
		id, pl := rs[0].ID, b.markOf(rs[0].Plan)
		if len(withPlan(callbackFeedback+"+:"+id, pl)) <= maxCallbackData && b.at(pl).knownResult(id) {
			a.Actions = append(a.Actions,
				Action{Do: ActHelped, Label: "👍 有帮助", Result: id, Plan: pl},
				Action{Do: ActNotHelped, Label: "👎 没帮上", Result: id, Plan: pl})
		}
	}
	return a
}

// resultKind is the kind of reply an answer is whose first result is of
// kind k.
func resultKind(k index.Kind) string {
	switch k {
	case index.KindIndicator, index.KindTerm, index.KindPassage, index.KindProject, index.KindTarget:
		return string(k)
	}
	return KindSearch
}

// resultValue resolves a search result into the plan's item.
func (b *Bot) resultValue(r index.Result) Result {
	out := Result{
		ID: r.ID, Plan: b.name, Kind: r.Kind, Title: b.resultTitle(r), Text: r.Text,
		Excerpt: r.Excerpt, Highlights: r.Highlights, Location: r.Location, Items: r.Items, Score: r.Score,
	}
	if len(r.Items) > 0 {
		out.Title = r.Title
		return out
	}
	switch r.Kind {
	case index.KindIndicator:
		if n, err := strconv.Atoi(strings.TrimPrefix(r.ID, "i")); err == nil {
			if ind, ok := b.plan.Indicator(n); ok {
				out.Indicator = &ind
				out.Notes = b.indicatorNotes(ind)
				out.Location = indicatorLocation(ind)
			}
		}
	case index.KindTerm:
		if n, err := strconv.Atoi(strings.TrimPrefix(r.ID, "t")); err == nil && n >= 1 && n <= len(b.plan.Terms) {
			t := b.plan.Terms[n-1]
			out.Term = &t
			out.Text, out.Location = t.Definition, "名词解释"
		}
	case index.KindProject:
		var n, i int
		if _, err := fmt.Sscanf(r.ID, "b%d.%d", &n, &i); err == nil {
			if box, item, ok := b.boxItem(n, i); ok {
				out.Project = &Project{Box: box.Number, BoxTitle: box.Title, Item: i, Text: item}
				out.Text = item
				out.Location = fmt.Sprintf("专栏%d · %s · %s", box.Number, box.Title, box.Location)
			}
		}
	case index.KindTarget:
		if t, ok := b.targetOf(r); ok {
			out.Target = &t
			out.Text, out.Location = t.Text, t.Location
			if _, ok := b.plan.Passage(t.PassageID); ok {
				out.Passage = t.PassageID
			}
		}
	case index.KindPassage:
		p, ok := b.plan.Passage(r.ID)
		if ok {
			out.Text, out.Location = p.Text, passageLocation(p)
		}
		if out.Excerpt == "" {
			out.Highlights = nil
			out.Excerpt = clip(out.Text, excerptLen)
		}
		if r.Title != "" && r.Title != r.Location && !strings.Contains(out.Excerpt, r.Title) {
			out.Heading = r.Title
		}
		if ok && len(out.Excerpt) < len(p.Text) {
			out.Passage = p.ID
		}
		return out
	}
	if out.Indicator == nil && out.Term == nil && out.Project == nil && out.Target == nil {
		// An item the plan's lookups do not know: what the index says.
		out.Heading = r.Title
	}
	return out
}

// indicatorNotes are the notes of the indicator table that concern ind.
func (b *Bot) indicatorNotes(ind corpus.Indicator) []string {
	var out []string
	for _, note := range b.plan.IndicatorNotes {
		if strings.Contains(note, ind.Name) {
			out = append(out, note)
		}
	}
	return out
}

// Examples are questions the plan answers, made from its own items: the
// targets of its indicators and the terms of its glossary, in turn. A page
// or a help text shows a few; a decline suggests one.
func (b *Bot) Examples() []string {
	var inds, terms []string
	for _, ind := range b.plan.Indicators {
		// A short name with a target: a question people ask.
		if value(ind.Target) != value("") && utf8.RuneCountInString(ind.Name) <= 10 {
			inds = append(inds, ind.Name+"的目标是多少？")
		}
	}
	for _, t := range b.plan.Terms {
		if len(t.Aliases) > 0 && utf8.RuneCountInString(t.Aliases[0]) <= 6 {
			terms = append(terms, "什么是"+t.Aliases[0]+"？")
		}
	}
	out := make([]string, 0, len(inds)+len(terms))
	for i := 0; i < max(len(inds), len(terms)); i++ {
		if i < len(inds) {
			out = append(out, inds[i])
		}
		if i < len(terms) {
			out = append(out, terms[i])
		}
	}
	return out
}

// example gives one of the Examples for a declined question q, chosen by
// q so that the suggestions vary; "" when the plan gives none.
func (b *Bot) example(q string) string {
	ex := b.examples
	if len(ex) == 0 {
		return ""
	}
	h := 0
	for _, r := range q {
		h = (h*31 + int(r)) % 1000003
	}
	return ex[h%len(ex)]
}

// corrected is query with the typos the search corrected (wrong → right)
// put right, the longest first; "" when that changes nothing. A
// correction counts only when a result found holds it (foundBy): the
// search corrects a stretch to any the plan writes that sounds alike, and
// one that found nothing (国家管 → 国家关) would only puzzle the reader.
func corrected(query string, typos map[string]string, found []index.Result) string {
	wrong := slices.Collect(maps.Keys(typos))
	wrong = slices.DeleteFunc(wrong, func(w string) bool {
		return !slices.ContainsFunc(found, func(r index.Result) bool { return foundBy(r, w, typos[w]) })
	})
	slices.SortFunc(wrong, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	out := query
	for _, w := range wrong {
		out = strings.ReplaceAll(out, w, typos[w])
	}
	if out == query {
		return ""
	}
	return out
}

// foundBy reports whether a result was found by the correction of wrong
// to right: its title (a name: 森林覆盖率, 铝业园区) holds right, or its
// excerpt holds right with the character corrected inside a word that
// matched (沙尔沁, not 助北梁 in 借助北梁 for 住北梁).
func foundBy(r index.Result, wrong, right string) bool {
	if strings.Contains(r.Title, right) {
		return true
	}
	// The place in right of the character corrected.
	at := 0
	for i, c := range right {
		w, _ := utf8.DecodeRuneInString(wrong[min(i, len(wrong)):])
		if w != c {
			at = i
			break
		}
	}
	for off := 0; ; {
		i := strings.Index(r.Excerpt[off:], right)
		if i < 0 {
			return false
		}
		c := off + i + at
		if slices.ContainsFunc(r.Highlights, func(h index.Span) bool {
			return h.Start <= c && c < h.End && utf8.RuneCountInString(r.Excerpt[h.Start:h.End]) > 1
		}) {
			return true
		}
		off += i + len(right)
	}
}
