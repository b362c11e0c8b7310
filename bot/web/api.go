package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"planbot/bot"
	"planbot/corpus"
)

// Limits on what a client sends.
const (
	// maxBody is the largest request body read, in bytes.
	maxBody = 8 << 10
	// maxQuestion is the longest question or context, in characters, as
	// in a chat.
	maxQuestion = bot.MaxQuestion
	// maxOffset is how deep "more" pages.
	maxOffset = 30
	// maxParam is the longest path or query parameter read, in bytes.
	maxParam = 600
)

// route is an endpoint of the API; openapi.yaml documents each (a test
// holds the two together).
type route struct {
	method, path string
	handler      http.HandlerFunc
}

func (s *Server) api() []route {
	return []route{
		{"POST", "/api/ask", s.handleAsk},
		{"GET", "/api/plans", s.handlePlans},
		{"GET", "/api/toc", s.handleTOC},
		{"GET", "/api/indicators", s.handleIndicators},
		{"GET", "/api/indicators/{n}", s.handleIndicator},
		{"GET", "/api/terms/{term}", s.handleTerm},
		{"GET", "/api/targets", s.handleTargets},
		{"GET", "/api/openapi.yaml", s.handleOpenAPI},
	}
}

func (s *Server) routes() {
	m := http.NewServeMux()
	for _, r := range s.api() {
		m.HandleFunc(r.method+" "+r.path, r.handler)
	}
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		for _, rt := range s.api() {
			if samePath(rt.path, r.URL.Path) {
				w.Header().Set("Allow", rt.method)
				writeError(w, http.StatusMethodNotAllowed, "bad_method", "这个接口只接受 "+rt.method+" 请求。")
				return
			}
		}
		writeError(w, http.StatusNotFound, "not_found", "没有这个接口。接口说明见 /api/openapi.yaml。")
	})
	s.pages(m)
	s.mux = m
}

// samePath reports whether path is one of pattern's, {name} standing for
// any one segment.
func samePath(pattern, path string) bool {
	ps, qs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(qs) {
		return false
	}
	for i := range ps {
		if ps[i] != qs[i] && !(strings.HasPrefix(ps[i], "{") && qs[i] != "") {
			return false
		}
	}
	return true
}

// apiError is the body of every error of the API.
type apiError struct {
	// Error says what is wrong, in Chinese, for a person.
	Error string `json:"error"`
	// Code says it for a program: bad_request, empty_question,
	// too_long, unknown_plan, not_found, rate_limited, …
	Code string `json:"code"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, apiError{Error: msg, Code: code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"error":"服务出了点问题，请稍后再试。","code":"internal"}`+"\n")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// askRequest is the body of POST /api/ask.
type askRequest struct {
	Q       string `json:"q"`
	Plan    string `json:"plan"`
	Context string `json:"context"`
	Offset  int    `json:"offset"`
}

// badText tells what is wrong with a text a client sent, "" when nothing:
// it must be valid UTF-8 (a JSON escape of half a surrogate pair decodes to
// U+FFFD) and at most maxQuestion characters.
func badText(s string) (code, msg string) {
	switch {
	case !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError):
		return "bad_text", "文字编码有误，请用 UTF-8 的文字提问。"
	case utf8.RuneCountInString(s) > maxQuestion:
		return "too_long", "问题太长了。请缩短到 " + strconv.Itoa(maxQuestion) + " 字以内，写出关键词就好，例如“养老服务”。"
	}
	return "", ""
}

// readAsk reads and checks the body of POST /api/ask.
func readAsk(w http.ResponseWriter, r *http.Request) (askRequest, *apiError) {
	var req askRequest
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") &&
		!strings.HasPrefix(strings.ToLower(ct), "text/plain") {
		return req, &apiError{"请用 JSON 提问：{\"q\": \"问题\"}。", "bad_request"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return req, &apiError{"请求太大了。问题请在 " + strconv.Itoa(maxQuestion) + " 字以内。", "too_large"}
	case err != nil:
		return req, &apiError{"没能读到请求。", "bad_request"}
	case !utf8.Valid(body):
		return req, &apiError{"文字编码有误，请用 UTF-8 的文字提问。", "bad_text"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || dec.More() {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return req, &apiError{"字段 " + te.Field + " 的类型不对。", "bad_request"}
		}
		return req, &apiError{"请用 JSON 提问：{\"q\": \"问题\"}。", "bad_request"}
	}
	for _, t := range []string{req.Q, req.Context, req.Plan} {
		if code, msg := badText(t); code != "" {
			return req, &apiError{msg, code}
		}
	}
	if strings.TrimSpace(req.Q) == "" {
		return req, &apiError{"请告诉我想了解规划的什么内容，例如“森林覆盖率”或“什么是碳达峰”。", "empty_question"}
	}
	if req.Offset < 0 || req.Offset >= maxOffset {
		return req, &apiError{"offset 应在 0 到 " + strconv.Itoa(maxOffset-1) + " 之间。", "bad_request"}
	}
	return req, nil
}

func (s *Server) handleAsk(w http.ResponseWriter, r *http.Request) {
	req, bad := readAsk(w, r)
	if bad != nil {
		writeError(w, http.StatusBadRequest, bad.Code, bad.Error)
		return
	}
	question(w, req.Q)
	p, ok := s.plan(req.Plan)
	if !ok {
		writeError(w, http.StatusBadRequest, "unknown_plan", "没有这份规划。可用的规划见 /api/plans。")
		return
	}
	a, err := s.ask(r.Context(), p, req.Q, req.Context, req.Offset)
	switch {
	case errors.Is(err, bot.ErrEmptyQuestion):
		writeError(w, http.StatusBadRequest, "empty_question", "请告诉我想了解规划的什么内容，例如“森林覆盖率”或“什么是碳达峰”。")
	case errors.Is(err, bot.ErrLongQuestion):
		writeError(w, http.StatusBadRequest, "too_long", "问题太长了。请缩短到 "+strconv.Itoa(bot.MaxQuestion)+" 字以内，写出关键词就好，例如“养老服务”。")
	case err != nil:
		writeError(w, http.StatusInternalServerError, "internal", "服务出了点问题，请稍后再试。")
	default:
		answered(w, a.Kind)
		writeJSON(w, http.StatusOK, a)
	}
}

// planRef names a plan in an answer.
type planRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Name is the plan's short name, as the bot says it.
	Name string `json:"name"`
}

func ref(p Plan) planRef {
	return planRef{ID: p.ID, Title: p.Bot.Plan().Title, Name: p.Bot.Title()}
}

// planParam reads ?plan=; false when it names no plan (answered already).
func (s *Server) planParam(w http.ResponseWriter, r *http.Request) (Plan, bool) {
	id := r.URL.Query().Get("plan")
	p, ok := s.plan(id)
	if !ok {
		writeError(w, http.StatusBadRequest, "unknown_plan", "没有这份规划。可用的规划见 /api/plans。")
	}
	return p, ok
}

type planInfo struct {
	planRef
	Issuer  string `json:"issuer"`
	Date    string `json:"date"`
	Default bool   `json:"default"`
}

func (s *Server) handlePlans(w http.ResponseWriter, r *http.Request) {
	out := struct {
		Plans []planInfo `json:"plans"`
	}{Plans: []planInfo{}}
	for i, p := range s.plans {
		pl := p.Bot.Plan()
		out.Plans = append(out.Plans, planInfo{planRef: ref(p), Issuer: pl.Issuer, Date: pl.Date, Default: i == 0})
	}
	writeJSON(w, http.StatusOK, out)
}

type tocChapter struct {
	Number   int          `json:"number"`
	Title    string       `json:"title"`
	Name     string       `json:"name"` // 第三章 建设现代产业体系…
	Link     string       `json:"link"`
	Sections []tocSection `json:"sections"`
}

type tocSection struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
	Name   string `json:"name"` // 第一节 推动工业转型升级
	Link   string `json:"link"`
}

func toc(p Plan) []tocChapter {
	pl := p.Bot.Plan()
	out := []tocChapter{}
	for _, c := range pl.Chapters {
		ch := tocChapter{Number: c.Number, Title: c.Title, Name: chapterName(c), Link: chapterLink(p, c.Number, ""), Sections: []tocSection{}}
		for _, sec := range c.Sections {
			ch.Sections = append(ch.Sections, tocSection{
				Number: sec.Number, Title: sec.Title,
				Name: "第" + corpus.HanNumeral(sec.Number) + "节 " + sec.Title,
				Link: chapterLink(p, c.Number, sectionAnchor(sec.Number)),
			})
		}
		out = append(out, ch)
	}
	return out
}

func (s *Server) handleTOC(w http.ResponseWriter, r *http.Request) {
	p, ok := s.planParam(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Plan     planRef      `json:"plan"`
		Chapters []tocChapter `json:"chapters"`
	}{ref(p), toc(p)})
}

// indicator is a row of the indicator table with its page.
type indicator struct {
	corpus.Indicator
	Link string `json:"link"`
}

func indicators(p Plan) []indicator {
	out := []indicator{}
	for _, ind := range p.Bot.Plan().Indicators {
		out = append(out, indicator{ind, indicatorLink(p, ind.Number)})
	}
	return out
}

func (s *Server) handleIndicators(w http.ResponseWriter, r *http.Request) {
	p, ok := s.planParam(w, r)
	if !ok {
		return
	}
	notes := p.Bot.Plan().IndicatorNotes
	if notes == nil {
		notes = []string{}
	}
	writeJSON(w, http.StatusOK, struct {
		Plan       planRef     `json:"plan"`
		Indicators []indicator `json:"indicators"`
		Notes      []string    `json:"notes"`
	}{ref(p), indicators(p), notes})
}

// number reads a path parameter that must be a small positive number.
func number(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0 && n < 1000 && s == strconv.Itoa(n)
}

func (s *Server) handleIndicator(w http.ResponseWriter, r *http.Request) {
	p, ok := s.planParam(w, r)
	if !ok {
		return
	}
	n, ok := number(r.PathValue("n"))
	if !ok {
		writeError(w, http.StatusBadRequest, "bad_request", "指标编号应是一个数字，例如 /api/indicators/18。")
		return
	}
	ind, ok := p.Bot.Plan().Indicator(n)
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "没有第 "+strconv.Itoa(n)+" 项指标；共 "+strconv.Itoa(len(p.Bot.Plan().Indicators))+" 项。")
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Plan planRef `json:"plan"`
		indicator
	}{ref(p), indicator{ind, indicatorLink(p, n)}})
}

// term is a glossary entry with its page.
type term struct {
	corpus.Term
	Link string `json:"link"`
}

func (s *Server) handleTerm(w http.ResponseWriter, r *http.Request) {
	p, ok := s.planParam(w, r)
	if !ok {
		return
	}
	q := r.PathValue("term")
	if code, msg := badText(q); code != "" || len(q) > maxParam {
		if code == "" {
			code, msg = "too_long", "名词太长了。"
		}
		writeError(w, http.StatusBadRequest, code, msg)
		return
	}
	if strings.TrimSpace(q) == "" {
		writeError(w, http.StatusBadRequest, "empty_question", "请写出要解释的名词，例如 /api/terms/碳达峰。")
		return
	}
	question(w, q)
	found := p.Bot.Terms(q)
	if len(found) == 0 {
		writeError(w, http.StatusNotFound, "not_found", "名词解释里没有这个词。")
		return
	}
	out := []term{}
	for _, t := range found {
		out = append(out, term{t, termLink(p, t)})
	}
	writeJSON(w, http.StatusOK, struct {
		Plan  planRef `json:"plan"`
		Terms []term  `json:"terms"`
	}{ref(p), out})
}

func (s *Server) handleTargets(w http.ResponseWriter, r *http.Request) {
	p, ok := s.planParam(w, r)
	if !ok {
		return
	}
	topic := r.URL.Query().Get("topic")
	if code, msg := badText(topic); code != "" || len(topic) > maxParam {
		if code == "" {
			code, msg = "too_long", "主题太长了。"
		}
		writeError(w, http.StatusBadRequest, code, msg)
		return
	}
	question(w, topic)
	ts := p.Bot.Targets(topic)
	if ts == nil {
		ts = []corpus.Target{}
	}
	writeJSON(w, http.StatusOK, struct {
		Plan    planRef         `json:"plan"`
		Topic   string          `json:"topic"`
		Targets []corpus.Target `json:"targets"`
	}{ref(p), topic, ts})
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Write(openAPI)
}
