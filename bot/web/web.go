// Package web is planbot's second front door: an HTTP API (POST /api/ask
// and the plan's contents as JSON, documented in openapi.yaml) and a web
// page that a site embeds with one <script> tag or an iframe. Like the
// Telegram adapter it sits at the bot's edge: a question goes to the same
// *bot.Bot, and the answer that comes back is rendered here, as JSON and as
// HTML, never read back.
//
// The page and its assets are embedded (go:embed); nothing is loaded from
// elsewhere. The pages of the plan's contents (/toc, /chapters/{n},
// /indicators, /indicators/{n}, /terms) are rendered on the server and read
// without JavaScript, and so is an answer asked with the page's form
// (GET /?q=…) when JavaScript is off.
//
// The Server keeps no conversation state and sets no cookie: a follow-up
// question carries the one before it as its context. What it keeps per
// client is a token bucket, by address, for rate limiting.
package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"planbot/bot"
)

// Plan is one plan the server answers on.
type Plan struct {
	// ID names the plan in URLs and in the API (?plan=…, "plan" in a
	// question): lower-case letters, digits and dashes.
	ID  string
	Bot *bot.Bot

	query string // ?plan= in the links to its pages; "" for the first plan
}

// Options are the settings of a Server; the zero value serves the page to
// its own origin only, at the default rate, logging no questions.
type Options struct {
	// Origins are the origins (https://www.example.gov.cn) whose pages may
	// call the API from a browser (CORS); "*" allows any. Empty: only the
	// page served here.
	Origins []string
	// Proxies are the addresses of the reverse proxies in front: only a
	// request from one of them has its client taken from X-Forwarded-For.
	Proxies []netip.Prefix
	// PerMinute is how many requests a client may make a minute, Burst how
	// many at once; 60 and 20 when zero.
	PerMinute int
	Burst     int
	// LogQuestions writes the questions asked in the request log; without
	// it the log says only which path was asked, how and how it went.
	LogQuestions bool
	// Logger receives the request log; nil logs nothing.
	Logger *slog.Logger
	// OnRequest, when set, is told of every request once answered, for
	// metrics. It must not block.
	OnRequest func(Request)
}

// Request is what OnRequest is told of a request: never who asked or what.
type Request struct {
	// Route is the pattern that served it ("POST /api/ask", "GET /toc"),
	// "" for none (a page not found, a preflight, a refusal by the rate
	// limit).
	Route  string
	Status int
	Took   time.Duration
	// Kind is the kind of the answer given to a question (one of
	// bot.ReplyKinds); "" for other requests.
	Kind string
}

// Server serves the API and the page. It is an http.Handler, safe for
// concurrent use.
type Server struct {
	plans   []Plan
	origins []string
	anyOrig bool
	proxies []netip.Prefix
	limit   *limiter
	logQ    bool
	log     *slog.Logger
	onReq   func(Request)
	mux     *http.ServeMux
}

var planID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// New returns a Server answering on plans; the first is the one asked when
// a request names none.
func New(plans []Plan, opts Options) (*Server, error) {
	if len(plans) == 0 {
		return nil, errors.New("web: no plan")
	}
	seen := map[string]bool{}
	for _, p := range plans {
		if !planID.MatchString(p.ID) || seen[p.ID] {
			return nil, fmt.Errorf("web: plan ID %q is not a new name of lower-case letters, digits and dashes", p.ID)
		}
		if p.Bot == nil {
			return nil, fmt.Errorf("web: plan %s has no bot", p.ID)
		}
		seen[p.ID] = true
	}
	for _, o := range opts.Origins {
		if o != "*" && !validOrigin(o) {
			return nil, fmt.Errorf("web: %q is not an origin such as https://www.example.gov.cn", o)
		}
	}
	perMin, burst := opts.PerMinute, opts.Burst
	if perMin <= 0 {
		perMin = 60
	}
	if burst <= 0 {
		burst = 20
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		plans:   slices.Clone(plans),
		origins: slices.Clone(opts.Origins),
		anyOrig: slices.Contains(opts.Origins, "*"),
		proxies: slices.Clone(opts.Proxies),
		limit:   newLimiter(float64(perMin)/60, burst),
		logQ:    opts.LogQuestions,
		log:     log,
		onReq:   opts.OnRequest,
	}
	for i := range s.plans[1:] {
		s.plans[i+1].query = s.plans[i+1].ID
	}
	s.routes()
	return s, nil
}

// validOrigin reports whether o is a scheme and host with no path.
func validOrigin(o string) bool {
	scheme, host, ok := strings.Cut(o, "://")
	return ok && (scheme == "http" || scheme == "https") && host != "" &&
		!strings.ContainsAny(host, "/?#@ ")
}

// plan returns the plan named id, the first for "".
func (s *Server) plan(id string) (Plan, bool) {
	if id == "" {
		return s.plans[0], true
	}
	for _, p := range s.plans {
		if p.ID == id {
			return p, true
		}
	}
	return Plan{}, false
}

// ServeHTTP logs the request, answers CORS, applies the rate limit and
// passes the request to its route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	s.serve(rec, r)
	path := r.URL.Path
	if !s.logQ && strings.Contains(r.Pattern, "{term}") {
		path = "/api/terms/{term}" // a term is a question
	}
	took := time.Since(start)
	attrs := []any{"method", r.Method, "path", path, "status", rec.status, "took", took.Round(time.Microsecond)}
	if s.logQ && rec.question != "" {
		attrs = append(attrs, "q", rec.question)
	}
	s.log.Info("web: request", attrs...)
	if s.onReq != nil {
		route := r.Pattern
		if route == "/" || route == "/api/" {
			route = "" // the catch-alls: not found
		}
		s.onReq(Request{Route: route, Status: rec.status, Took: took, Kind: rec.kind})
	}
}

func (s *Server) serve(w *recorder, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if strings.HasPrefix(r.URL.Path, "/api/") {
		if !s.cors(w, r) {
			return
		}
	}
	// The assets cost nothing to serve and come with every page view.
	if !strings.HasPrefix(r.URL.Path, "/static/") && r.URL.Path != "/embed.js" {
		if ok, wait := s.limit.allow(s.client(r), time.Now()); !ok {
			h.Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
			if strings.HasPrefix(r.URL.Path, "/api/") {
				writeError(w, http.StatusTooManyRequests, "rate_limited", "请求太频繁，请稍后再试。")
			} else {
				http.Error(w, "请求太频繁，请稍后再试。", http.StatusTooManyRequests)
			}
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// cors answers the CORS headers of an API request from a page of another
// origin, and a preflight request entirely; it reports whether the request
// goes on to its route. The API never uses cookies: credentials are not
// allowed.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	h := w.Header()
	h.Add("Vary", "Origin")
	allowed := origin != "" && (s.anyOrig || slices.Contains(s.origins, origin))
	if allowed {
		if s.anyOrig {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
	}
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return true
	}
	// A preflight.
	if allowed {
		h.Set("Access-Control-Allow-Methods", "GET, POST")
		h.Set("Access-Control-Allow-Headers", "Content-Type")
		h.Set("Access-Control-Max-Age", "86400")
	}
	w.WriteHeader(http.StatusNoContent)
	return false
}

// recorder remembers what the log line needs of a response.
type recorder struct {
	http.ResponseWriter
	status   int
	question string
	kind     string
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// question notes the question a request asked, for the log.
func question(w http.ResponseWriter, q string) {
	if rec, ok := w.(*recorder); ok {
		rec.question = q
	}
}

// answered notes the kind of the answer a request got, for OnRequest.
func answered(w http.ResponseWriter, kind string) {
	if rec, ok := w.(*recorder); ok {
		rec.kind = kind
	}
}
