package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"planbot/corpus"
	"planbot/index"
)

//go:embed static
var static embed.FS

//go:embed templates/*.html
var templateFS embed.FS

//go:embed openapi.yaml
var openAPI []byte

// examples is how many of the plan's example questions the page offers to
// start with.
const examples = 4

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"add":     func(a, b int) int { return a + b },
	"marked":  marked,
	"chapter": chapterName,
	"han":     corpus.HanNumeral,
	"value":   cellValue,
	"planq": func(id string) string {
		if id == "" {
			return ""
		}
		return "?plan=" + id
	},
}).ParseFS(templateFS, "templates/*.html"))

// render executes a template to a string; a failure renders nothing rather
// than half a page.
func (s *Server) render(name string, data any) string {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, data); err != nil {
		s.log.Error("web: template failed", "template", name, "err", err)
		return ""
	}
	return b.String()
}

// marked escapes an excerpt and marks its highlighted spans. Spans out of
// range, overlapping or cutting a character are skipped.
func marked(excerpt string, spans []index.Span) template.HTML {
	hs := slices.Clone(spans)
	slices.SortFunc(hs, func(a, b index.Span) int { return a.Start - b.Start })
	var b strings.Builder
	prev := 0
	for _, h := range hs {
		if h.Start < prev || h.End <= h.Start || h.End > len(excerpt) ||
			!utf8.RuneStart(excerpt[h.Start]) || (h.End < len(excerpt) && !utf8.RuneStart(excerpt[h.End])) {
			continue
		}
		b.WriteString(template.HTMLEscapeString(excerpt[prev:h.Start]))
		b.WriteString("<mark>" + template.HTMLEscapeString(excerpt[h.Start:h.End]) + "</mark>")
		prev = h.End
	}
	b.WriteString(template.HTMLEscapeString(excerpt[prev:]))
	return template.HTML(b.String())
}

// cellValue writes a value of the indicator table; a dash says the plan
// gives none.
func cellValue(v string) string {
	v = strings.TrimSpace(v)
	if v == "" || v == "-" || v == "--" {
		return "—"
	}
	return v
}

// answerView is an answer as a template reads it.
type answerView struct {
	answer
	PlanQ string // ?plan=… for the links, "" for the first plan
	plan  Plan
}

// listItem is an item of a list answer: its number and name, and the
// indicator it is, when the list is of indicators.
type listItem struct {
	Num       string
	Name      string
	Indicator *indicator
}

// Count is the count a list answer starts with (共10项).
func (v answerView) Count(r result) string {
	count, _, _ := strings.Cut(r.Text, "：")
	return count
}

// List reads the items of a list answer; an indicator is listed by its own
// number (7.居民人均可支配收入增长), and then found in the table.
func (v answerView) List(r result) []listItem {
	var out []listItem
	for i, it := range r.Items {
		li := listItem{Num: strconv.Itoa(i + 1), Name: it}
		if n, rest, ok := strings.Cut(it, "."); ok && n != "" && strings.Trim(n, "0123456789") == "" {
			li.Num, li.Name = n, rest
			if num, err := strconv.Atoi(n); err == nil && r.Kind == index.KindIndicator {
				if ind, ok := v.plan.Bot.Plan().Indicator(num); ok {
					li.Indicator = &indicator{ind, indicatorLink(v.plan, num)}
				}
			}
		}
		out = append(out, li)
	}
	return out
}

// IndicatorList reports whether every item is a row of the indicator
// table, to show them as a table.
func (v answerView) IndicatorList(items []listItem) bool {
	for _, it := range items {
		if it.Indicator == nil {
			return false
		}
	}
	return len(items) > 0
}

// Quote is what a result shows of its text: the excerpt with its
// highlights, or the start of the text.
func (v answerView) Quote(r result) template.HTML {
	if r.Excerpt != "" {
		return marked(r.Excerpt, r.Highlights)
	}
	return template.HTML(template.HTMLEscapeString(clip(r.Text, 160)))
}

// page is what every page template reads.
type page struct {
	Title    string
	Plan     planRef
	Query    string // ?plan=… for the links, "" for the first plan
	Examples []string
	Embed    bool
	// Asked is the answer to a question asked without JavaScript.
	Asked *answerView
	Q     string
	Error string // what is wrong with the question asked

	TOC        []tocChapter
	Chapter    *chapterView
	Indicators []indicator
	Notes      []string
	Indicator  *indicator
	Terms      []term
}

type chapterView struct {
	corpus.Chapter
	Sections []sectionView
	Front    []corpus.Passage // before the first section
}

type sectionView struct {
	corpus.Section
	Passages []corpus.Passage
	Boxes    []corpus.Box
}

func (s *Server) pages(m *http.ServeMux) {
	sub, _ := fs.Sub(static, "static")
	files := http.FileServerFS(sub)
	m.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(files, 3600)))
	m.HandleFunc("GET /embed.js", func(w http.ResponseWriter, r *http.Request) {
		r.URL.Path = "/embed.js"
		cacheFor(files, 3600).ServeHTTP(w, r)
	})
	m.HandleFunc("GET /{$}", s.handleHome)
	m.HandleFunc("GET /toc", s.pageHandler("目录", func(p Plan, v *page, _ *http.Request) int {
		v.TOC = toc(p)
		return http.StatusOK
	}))
	m.HandleFunc("GET /chapters/{n}", s.pageHandler("", func(p Plan, v *page, r *http.Request) int {
		n, ok := number(r.PathValue("n"))
		c, found := p.Bot.Plan().Chapter(n)
		if !ok || !found {
			return http.StatusNotFound
		}
		v.Title = chapterName(c)
		v.Chapter = chapterOf(p.Bot.Plan(), c)
		return http.StatusOK
	}))
	m.HandleFunc("GET /indicators", s.pageHandler("主要指标", func(p Plan, v *page, _ *http.Request) int {
		v.Indicators = indicators(p)
		v.Notes = p.Bot.Plan().IndicatorNotes
		return http.StatusOK
	}))
	m.HandleFunc("GET /indicators/{n}", s.pageHandler("", func(p Plan, v *page, r *http.Request) int {
		n, ok := number(r.PathValue("n"))
		ind, found := p.Bot.Plan().Indicator(n)
		if !ok || !found {
			return http.StatusNotFound
		}
		v.Title = "指标" + strconv.Itoa(n) + " · " + ind.Name
		v.Indicator = &indicator{ind, indicatorLink(p, n)}
		for _, note := range p.Bot.Plan().IndicatorNotes {
			if strings.Contains(note, ind.Name) {
				v.Notes = append(v.Notes, note)
			}
		}
		return http.StatusOK
	}))
	m.HandleFunc("GET /terms", s.pageHandler("名词解释", func(p Plan, v *page, _ *http.Request) int {
		for _, t := range p.Bot.Plan().Terms {
			v.Terms = append(v.Terms, term{t, ""})
		}
		return http.StatusOK
	}))
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writePage(w, http.StatusNotFound, "notfound", &page{Title: "找不到这一页", Plan: ref(s.plans[0])})
	})
}

func cacheFor(h http.Handler, seconds int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(seconds))
		h.ServeHTTP(w, r)
	})
}

// pageHandler serves a page of the plan's contents: fill fills the view
// and says the status.
func (s *Server) pageHandler(title string, fill func(Plan, *page, *http.Request) int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.plan(r.URL.Query().Get("plan"))
		if !ok {
			s.writePage(w, http.StatusNotFound, "notfound", &page{Title: "没有这份规划", Plan: ref(s.plans[0])})
			return
		}
		v := &page{Title: title, Plan: ref(p), Query: p.query, Embed: r.URL.Query().Has("embed")}
		status := fill(p, v, r)
		if status == http.StatusNotFound {
			s.writePage(w, status, "notfound", &page{Title: "找不到这一页", Plan: ref(p), Query: p.query})
			return
		}
		name := strings.TrimPrefix(r.Pattern, "GET /")
		name, _, _ = strings.Cut(name, "/")
		if r.PathValue("n") != "" && name == "indicators" {
			name = "indicator"
		}
		s.writePage(w, status, name, v)
	}
}

// handleHome serves the question page; with ?q= (the form sent without
// JavaScript) it holds the answer.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	qs := r.URL.Query()
	p, ok := s.plan(qs.Get("plan"))
	if !ok {
		s.writePage(w, http.StatusNotFound, "notfound", &page{Title: "没有这份规划", Plan: ref(s.plans[0])})
		return
	}
	ex := p.Bot.Examples()
	v := &page{Plan: ref(p), Query: p.query, Examples: ex[:min(examples, len(ex))], Embed: qs.Has("embed")}
	status := http.StatusOK
	if q := qs.Get("q"); q != "" {
		ctx := qs.Get("context")
		offset, err := strconv.Atoi(qs.Get("offset"))
		if err != nil || offset < 0 || offset >= maxOffset {
			offset = 0
		}
		code, msg := badText(q)
		if c2, m2 := badText(ctx); code == "" {
			code, msg = c2, m2
		}
		question(w, q)
		var a answer
		err = nil
		if code == "" {
			a, err = s.ask(r.Context(), p, q, ctx, offset)
		}
		if code != "" || err != nil {
			status = http.StatusBadRequest
			v.Error = msg
			if msg == "" {
				v.Error = "请告诉我想了解规划的什么内容，例如“森林覆盖率”。"
			}
		} else {
			v.Asked = &answerView{answer: a, PlanQ: p.query, plan: p}
			v.Q = q
			answered(w, a.Kind)
		}
	}
	s.writePage(w, status, "home", v)
}

func (s *Server) writePage(w http.ResponseWriter, status int, name string, v *page) {
	html := s.render(name, v)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors "+s.frameAncestors())
	if html == "" {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("服务出了点问题，请稍后再试。"))
		return
	}
	w.WriteHeader(status)
	w.Write([]byte(html))
}

// frameAncestors are the sites that may embed the page: those of the CORS
// origins when some are set, any otherwise (the page sets no cookie and
// changes nothing, so framing it risks nothing).
func (s *Server) frameAncestors() string {
	if len(s.origins) == 0 || s.anyOrig {
		return "*"
	}
	return "'self' " + strings.Join(s.origins, " ")
}

// chapterOf arranges a chapter's passages and boxes by section.
func chapterOf(pl *corpus.Plan, c corpus.Chapter) *chapterView {
	v := &chapterView{Chapter: c}
	at := map[int]int{}
	for _, sec := range c.Sections {
		at[sec.Number] = len(v.Sections)
		v.Sections = append(v.Sections, sectionView{Section: sec})
	}
	for _, p := range pl.Passages {
		if p.Chapter != c.Number {
			continue
		}
		if i, ok := at[p.Section]; ok {
			v.Sections[i].Passages = append(v.Sections[i].Passages, p)
		} else {
			v.Front = append(v.Front, p)
		}
	}
	for _, b := range pl.Boxes {
		if i, ok := at[b.Section]; ok && b.Chapter == c.Number {
			v.Sections[i].Boxes = append(v.Sections[i].Boxes, b)
		}
	}
	return v
}
