package web

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"planbot/bot"
	"planbot/corpus"
	"planbot/index"
)

// realIndex is the index of the embedded plan, built once for the tests.
var realIndex = sync.OnceValues(func() (*index.Index, error) {
	pl, err := corpus.Default()
	if err != nil {
		return nil, err
	}
	return index.New(pl)
})

func testIndex(t testing.TB) *index.Index {
	t.Helper()
	idx, err := realIndex()
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

const testPlanID = "donghe-14th-five-year-plan"

// newServer is a Server on the embedded plan with opts.
func newServer(t testing.TB, opts Options) *Server {
	t.Helper()
	idx := testIndex(t)
	s, err := New([]Plan{{ID: testPlanID, Bot: botOf(t, idx, bot.Options{})}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// pageSize is how many results a page of an answer holds: the bot's
// default.
const pageSize = 3

// unlimited is enough requests for a test.
var unlimited = Options{PerMinute: 1 << 20, Burst: 1 << 20}

// do sends a request to h and returns the response.
func do(h http.Handler, method, target, body string, header ...string) *http.Response {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if method == http.MethodPost {
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func askJSON(t *testing.T, h http.Handler, body string) answer {
	t.Helper()
	resp := do(h, "POST", "/api/ask", body)
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /api/ask %s: %d %s", body, resp.StatusCode, b)
	}
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("POST /api/ask %s: %v in %s", body, err, b)
	}
	return a
}

func ids(rs []result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestAskRealQuestions(t *testing.T) {
	s := newServer(t, unlimited)
	idx := testIndex(t)
	tests := []struct {
		q        string
		outcome  index.Outcome
		kind     index.Kind
		link     string // the first result's link starts so
		location string // the first result's location holds it
	}{
		{"森林覆盖率", index.Answered, index.KindIndicator, "/indicators/18", "专栏1"},
		{"森林覆该率", index.Answered, index.KindIndicator, "/indicators/18", "专栏1"},
		{"碳中和是什么意思", index.Answered, index.KindTerm, "/terms#t", ""},
		{"北梁棚户区改造", index.Answered, "", "/chapters/", "第"},
		{"原铝产能2025年多少", index.Answered, "", "/chapters/3", "第三章"},
		{"东河要建摩天轮吗", index.Offered, "", "/", "第"},
		{"专栏9有哪些项目", index.Answered, index.KindProject, "/chapters/6#b9", "专栏9"},
		{"预期性指标有几项", index.Answered, index.KindIndicator, "/indicators", "专栏1"},
		{"地铁", index.Declined, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"q": tt.q})
			a := askJSON(t, s, string(body))
			if a.Outcome != tt.outcome {
				t.Fatalf("outcome %q, want %q", a.Outcome, tt.outcome)
			}
			// The same search as planbot ask -json: the same results in
			// the same order, with the same fields.
			want := idx.Search(tt.q, pageSize+1)
			if a.Answered != want.Answered || strings.Join(a.Missing, ",") != strings.Join(want.Missing, ",") {
				t.Errorf("answered %v missing %v, the index says %v %v", a.Answered, a.Missing, want.Answered, want.Missing)
			}
			// A typo corrected is said, as a chat says it.
			if (a.Corrected != "") != (len(want.Corrected) > 0 && len(want.Results) > 0) ||
				a.Corrected != "" && !strings.Contains(a.Message, "（已按“"+a.Corrected+"”查找）") {
				t.Errorf("corrected %q, message %q; the index corrected %v", a.Corrected, a.Message, want.Corrected)
			}
			n := min(pageSize, len(want.Results))
			if len(a.Results) != n {
				t.Fatalf("%d results, want %d", len(a.Results), n)
			}
			for i, r := range a.Results {
				w := want.Results[i]
				if r.ID != w.ID || r.Kind != w.Kind || r.Score != w.Score || r.Rank != i+1 {
					t.Errorf("result %d: %s %s %v, the index gives %s %s %v", i, r.Kind, r.ID, r.Score, w.Kind, w.ID, w.Score)
				}
				if r.Link == "" || r.Location == "" {
					t.Errorf("result %d has no link or location: %+v", i, r)
				}
			}
			if a.Plan.ID != testPlanID || !strings.Contains(a.Plan.Name, "东河区") {
				t.Errorf("plan %+v", a.Plan)
			}
			if !strings.Contains(a.HTML, "outcome-"+string(tt.outcome)) || !strings.Contains(a.HTML, htmlEscape(a.Message)) {
				t.Errorf("html does not show the outcome and message: %s", a.HTML)
			}
			if tt.outcome == index.Declined {
				if len(a.Results) != 0 || a.Kind != bot.KindNotFound || !strings.Contains(a.Message, "没有找到") || a.Example == "" ||
					!strings.Contains(a.HTML, `class="example"`) {
					t.Errorf("declined answer: %+v", a)
				}
				return
			}
			first := a.Results[0]
			if tt.kind != "" && first.Kind != tt.kind {
				t.Errorf("first result is a %s, want %s", first.Kind, tt.kind)
			}
			if a.Kind != string(first.Kind) && !(tt.outcome == index.Offered && a.Kind == bot.KindOffer) {
				t.Errorf("kind %q, first result %q", a.Kind, first.Kind)
			}
			if !strings.HasPrefix(first.Link, tt.link) || !strings.Contains(first.Location, tt.location) {
				t.Errorf("first result at %q, link %q; want %q, %q…", first.Location, first.Link, tt.location, tt.link)
			}
			if !strings.Contains(a.HTML, htmlEscape(first.Location)) || !strings.Contains(a.HTML, `href="`+htmlEscape(first.Link)+`"`) {
				t.Errorf("html lacks the location or the link: %s", a.HTML)
			}
		})
	}
}

func htmlEscape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestAskMore(t *testing.T) {
	s := newServer(t, unlimited)
	idx := testIndex(t)
	var want []string
	for _, r := range idx.Search("养老服务", maxOffset).Results {
		want = append(want, r.ID)
	}
	var got []string
	offset := 0
	for page := 0; ; page++ {
		a := askJSON(t, s, `{"q":"养老服务","offset":`+itoa(offset)+`}`)
		if a.Offset != offset || len(a.Results) == 0 || len(a.Results) > pageSize {
			t.Fatalf("page %d: offset %d, %d results", page, a.Offset, len(a.Results))
		}
		got = append(got, ids(a.Results)...)
		if a.Next == 0 {
			break
		}
		if a.Next != offset+len(a.Results) || !strings.Contains(a.HTML, `data-offset="`+itoa(a.Next)+`"`) {
			t.Fatalf("page %d: next %d after %d+%d; html %s", page, a.Next, offset, len(a.Results), a.HTML)
		}
		if page == 0 && !strings.Contains(a.HTML, "更多结果") {
			t.Errorf("the first page offers no more: %s", a.HTML)
		}
		offset = a.Next
	}
	if len(got) < 2*pageSize || strings.Join(got, " ") != strings.Join(want[:len(got)], " ") {
		t.Errorf("pages gave %v, the index %v", got, want)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestAskHostile(t *testing.T) {
	s := newServer(t, unlimited)
	long := strings.Repeat("养老", 101)
	tests := []struct {
		name, body, contentType, code string
	}{
		{"empty body", "", "", "bad_request"},
		{"no question", "{}", "", "empty_question"},
		{"empty question", `{"q":""}`, "", "empty_question"},
		{"blank question", `{"q":" \t\u3000 "}`, "", "empty_question"},
		{"number", `{"q":1}`, "", "bad_request"},
		{"list", `{"q":["森林"]}`, "", "bad_request"},
		{"object", `{"q":{"a":1}}`, "", "bad_request"},
		{"null body", `null`, "", "empty_question"},
		{"array body", `[]`, "", "bad_request"},
		{"string body", `"森林覆盖率"`, "", "bad_request"},
		{"not JSON", `q=森林覆盖率`, "", "bad_request"},
		{"invalid UTF-8", "{\"q\":\"\xff\xfe森林\"}", "", "bad_text"},
		{"half a surrogate", `{"q":"\ud800森林"}`, "", "bad_text"},
		{"too long", `{"q":"` + long + `"}`, "", "too_long"},
		{"too long a context", `{"q":"森林","context":"` + long + `"}`, "", "too_long"},
		{"oversized", `{"q":"森林","context":"` + strings.Repeat("x", maxBody) + `"}`, "", "too_large"},
		{"unknown field", `{"q":"森林","admin":true}`, "", "bad_request"},
		{"two values", `{"q":"森林"}{"q":"x"}`, "", "bad_request"},
		{"trailing garbage", `{"q":"森林"}x`, "", "bad_request"},
		{"negative offset", `{"q":"森林","offset":-1}`, "", "bad_request"},
		{"deep offset", `{"q":"森林","offset":1000}`, "", "bad_request"},
		{"offset as text", `{"q":"森林","offset":"3"}`, "", "bad_request"},
		{"fractional offset", `{"q":"森林","offset":1.5}`, "", "bad_request"},
		{"plan as number", `{"q":"森林","plan":7}`, "", "bad_request"},
		{"unknown plan", `{"q":"森林","plan":"nope"}`, "", "unknown_plan"},
		{"form", `q=森林`, "application/x-www-form-urlencoded", "bad_request"},
		{"script", `{"q":"森林","plan":"<script>alert(1)</script>"}`, "", "unknown_plan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/ask", strings.NewReader(tt.body))
			ct := tt.contentType
			if ct == "" {
				ct = "application/json"
			}
			r.Header.Set("Content-Type", ct)
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			checkError(t, w.Result(), http.StatusBadRequest, tt.code)
		})
	}
}

// checkError checks that resp is a JSON error with status and code, in
// Chinese words and no Go error text.
func checkError(t *testing.T, resp *http.Response, status int, code string) {
	t.Helper()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, b)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	var e apiError
	if err := json.Unmarshal(b, &e); err != nil || e.Error == "" {
		t.Fatalf("not a JSON error: %s", b)
	}
	if code != "" && e.Code != code {
		t.Errorf("code %q, want %q (%s)", e.Code, code, e.Error)
	}
	for _, leak := range []string{"json:", "http:", "invalid character", "unexpected", "Go ", "<script"} {
		if strings.Contains(e.Error, leak) {
			t.Errorf("error %q leaks %q", e.Error, leak)
		}
	}
	if !strings.ContainsFunc(e.Error, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
		t.Errorf("error %q is not in Chinese", e.Error)
	}
}

func TestGetEndpoints(t *testing.T) {
	s := newServer(t, unlimited)
	get := func(t *testing.T, target string, v any) {
		t.Helper()
		resp := do(s, "GET", target, "")
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", target, resp.StatusCode, b)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
	}
	t.Run("plans", func(t *testing.T) {
		var v struct{ Plans []planInfo }
		get(t, "/api/plans", &v)
		if len(v.Plans) != 1 || v.Plans[0].ID != testPlanID || !v.Plans[0].Default || !strings.Contains(v.Plans[0].Title, "东河区") {
			t.Errorf("plans %+v", v.Plans)
		}
	})
	t.Run("toc", func(t *testing.T) {
		var v struct{ Chapters []tocChapter }
		get(t, "/api/toc?plan="+testPlanID, &v)
		pl, _ := corpus.Default()
		if len(v.Chapters) != len(pl.Chapters) || v.Chapters[4].Name != "第五章 "+pl.Chapters[4].Title ||
			len(v.Chapters[4].Sections) == 0 || v.Chapters[4].Sections[1].Link != "/chapters/5#s2" {
			t.Errorf("toc %+v", v.Chapters)
		}
	})
	t.Run("indicators", func(t *testing.T) {
		var v struct {
			Indicators []indicator
			Notes      []string
		}
		get(t, "/api/indicators", &v)
		if len(v.Indicators) != 20 || v.Indicators[17].Name != "森林覆盖率" || v.Indicators[17].Target != "19.5" || len(v.Notes) == 0 {
			t.Errorf("indicators %+v", v)
		}
	})
	t.Run("indicator", func(t *testing.T) {
		var v indicator
		get(t, "/api/indicators/18", &v)
		if v.Name != "森林覆盖率" || v.Base != "19.3" || v.FiveYear != "[0.2]" || v.Link != "/indicators/18" {
			t.Errorf("indicator 18: %+v", v)
		}
	})
	t.Run("term", func(t *testing.T) {
		var v struct{ Terms []term }
		get(t, "/api/terms/"+url.PathEscape("碳达峰"), &v)
		if len(v.Terms) == 0 || !strings.Contains(v.Terms[0].Term.Term, "碳达峰") || v.Terms[0].Definition == "" || !strings.HasPrefix(v.Terms[0].Link, "/terms#t") {
			t.Errorf("terms %+v", v.Terms)
		}
	})
	t.Run("targets", func(t *testing.T) {
		var v struct {
			Topic   string
			Targets []corpus.Target
		}
		get(t, "/api/targets?topic="+url.QueryEscape("就业"), &v)
		if v.Topic != "就业" || len(v.Targets) == 0 {
			t.Fatalf("targets %+v", v)
		}
		found := false
		for _, x := range v.Targets {
			found = found || (strings.Contains(x.Metric, "城镇新增就业") && x.Value == "5.3")
		}
		if !found {
			t.Errorf("no 城镇新增就业 5.3万人 among %d targets on 就业", len(v.Targets))
		}
		var all struct{ Targets []corpus.Target }
		get(t, "/api/targets", &all)
		pl, _ := corpus.Default()
		if len(all.Targets) != len(pl.Targets()) {
			t.Errorf("%d targets without a topic, the plan has %d", len(all.Targets), len(pl.Targets()))
		}
	})
	bad := []struct {
		target string
		status int
		code   string
	}{
		{"/api/indicators/99", 404, "not_found"},
		{"/api/indicators/0", 400, "bad_request"},
		{"/api/indicators/abc", 400, "bad_request"},
		{"/api/indicators/018", 400, "bad_request"},
		{"/api/indicators/99999999999999999999", 400, "bad_request"},
		{"/api/terms/" + url.PathEscape("量子纠缠"), 404, "not_found"},
		{"/api/terms/%FF%FE", 400, "bad_text"},
		{"/api/terms/" + strings.Repeat("碳", 201), 400, "too_long"},
		{"/api/targets?topic=%FF", 400, "bad_text"},
		{"/api/toc?plan=nope", 400, "unknown_plan"},
		{"/api/indicators?plan=%3Cscript%3E", 400, "unknown_plan"},
		{"/api/nothing", 404, "not_found"},
		{"/api/ask", 405, "bad_method"},
	}
	for _, tt := range bad {
		t.Run(tt.target, func(t *testing.T) {
			checkError(t, do(s, "GET", tt.target, ""), tt.status, tt.code)
		})
	}
}

func TestRateLimit(t *testing.T) {
	s := newServer(t, Options{PerMinute: 1, Burst: 3, Proxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.1/32")}})
	req := func(peer, xff string) *http.Response {
		r := httptest.NewRequest("GET", "/api/plans", nil)
		r.RemoteAddr = peer
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w.Result()
	}
	for i := range 3 {
		if resp := req("192.0.2.1:1000", ""); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d", i+1, resp.StatusCode)
		}
	}
	resp := req("192.0.2.1:1001", "")
	if resp.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	checkError(t, resp, http.StatusTooManyRequests, "rate_limited")
	// A forwarded address from a peer that is no proxy is the client's
	// own say: the peer is still the client.
	if resp := req("192.0.2.1:1002", "198.51.100.7"); resp.StatusCode != 429 {
		t.Errorf("X-Forwarded-For from a mere client lifted its limit: %d", resp.StatusCode)
	}
	// Another client has its own bucket.
	if resp := req("192.0.2.2:1000", ""); resp.StatusCode != 200 {
		t.Errorf("another client: %d", resp.StatusCode)
	}
	// Behind the proxy each forwarded client has its own bucket.
	for i := range 3 {
		if resp := req("10.0.0.1:5000", "198.51.100.7"); resp.StatusCode != 200 {
			t.Fatalf("client behind the proxy, request %d: %d", i+1, resp.StatusCode)
		}
	}
	if resp := req("10.0.0.1:5000", "198.51.100.7"); resp.StatusCode != 429 {
		t.Errorf("client behind the proxy over its limit: %d", resp.StatusCode)
	}
	if resp := req("10.0.0.1:5000", "198.51.100.8"); resp.StatusCode != 200 {
		t.Errorf("a second client behind the proxy: %d", resp.StatusCode)
	}
	// The page's assets are not counted.
	if resp := req("192.0.2.1:1003", ""); resp.StatusCode != 429 {
		t.Fatalf("still limited: %d", resp.StatusCode)
	}
	r := httptest.NewRequest("GET", "/static/planbot.css", nil)
	r.RemoteAddr = "192.0.2.1:1004"
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Errorf("the stylesheet for a limited client: %d", w.Code)
	}
}

func TestClient(t *testing.T) {
	s := newServer(t, Options{Proxies: []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128"),
	}})
	tests := []struct {
		peer string
		xff  []string
		want string
	}{
		{"192.0.2.1:1234", nil, "192.0.2.1"},
		{"192.0.2.1:1234", []string{"203.0.113.9"}, "192.0.2.1"},            // not a proxy: XFF ignored
		{"10.1.2.3:80", []string{"203.0.113.9"}, "203.0.113.9"},             // behind the proxy
		{"10.1.2.3:80", []string{"1.1.1.1, 203.0.113.9"}, "203.0.113.9"},    // the client wrote 1.1.1.1 itself
		{"10.1.2.3:80", []string{"203.0.113.9, 10.9.9.9"}, "203.0.113.9"},   // two proxies
		{"10.1.2.3:80", []string{"203.0.113.9", "10.9.9.9"}, "203.0.113.9"}, // two headers
		{"10.1.2.3:80", []string{"garbage"}, "10.1.2.3"},                    // unreadable: the proxy
		{"10.1.2.3:80", []string{"203.0.113.9, garbage"}, "10.1.2.3"},
		{"10.1.2.3:80", []string{"10.5.5.5"}, "10.5.5.5"}, // all proxies: the farthest
		{"[2001:db8:1:2:3:4:5:6]:443", nil, "2001:db8:1:2::/64"},
		{"[::1]:80", []string{"2001:db8::1"}, "2001:db8::/64"},
		{"[::ffff:192.0.2.1]:80", nil, "192.0.2.1"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.peer
		for _, x := range tt.xff {
			r.Header.Add("X-Forwarded-For", x)
		}
		if got := s.client(r); got != tt.want {
			t.Errorf("peer %s, X-Forwarded-For %q: client %s, want %s", tt.peer, tt.xff, got, tt.want)
		}
	}
}

func TestCORS(t *testing.T) {
	s := newServer(t, Options{Origins: []string{"https://www.example.gov.cn"}, PerMinute: 1000, Burst: 1000})
	resp := do(s, "POST", "/api/ask", `{"q":"森林覆盖率"}`, "Origin", "https://www.example.gov.cn")
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://www.example.gov.cn" {
		t.Errorf("allowed origin: Access-Control-Allow-Origin %q", got)
	}
	if got := resp.Header.Get("Access-Control-Allow-Credentials"); got != "" {
		t.Errorf("credentials allowed: %q", got)
	}
	resp = do(s, "POST", "/api/ask", `{"q":"森林覆盖率"}`, "Origin", "https://evil.example")
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("other origin: Access-Control-Allow-Origin %q", got)
	}
	pre := do(s, "OPTIONS", "/api/ask", "", "Origin", "https://www.example.gov.cn", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
	if pre.StatusCode != http.StatusNoContent || !strings.Contains(pre.Header.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(strings.ToLower(pre.Header.Get("Access-Control-Allow-Headers")), "content-type") {
		t.Errorf("preflight: %d %v", pre.StatusCode, pre.Header)
	}
	pre = do(s, "OPTIONS", "/api/ask", "", "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	if pre.Header.Get("Access-Control-Allow-Origin") != "" || pre.Header.Get("Access-Control-Allow-Methods") != "" {
		t.Errorf("preflight from another origin allowed: %v", pre.Header)
	}
	if csp := do(s, "GET", "/", "").Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self' https://www.example.gov.cn") {
		t.Errorf("the page may be framed by others: %q", csp)
	}
	any := newServer(t, Options{Origins: []string{"*"}})
	if got := do(any, "GET", "/api/plans", "", "Origin", "https://a.example").Header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("origins *: %q", got)
	}
}

func TestNoCookies(t *testing.T) {
	s := newServer(t, unlimited)
	for _, target := range []string{"/", "/?q=" + url.QueryEscape("森林覆盖率"), "/toc", "/indicators", "/indicators/18", "/terms", "/chapters/5", "/api/plans", "/static/planbot.js", "/embed.js", "/nowhere"} {
		resp := do(s, "GET", target, "")
		if c := resp.Header.Values("Set-Cookie"); len(c) > 0 {
			t.Errorf("%s sets cookies %q", target, c)
		}
	}
	if c := do(s, "POST", "/api/ask", `{"q":"养老"}`).Header.Values("Set-Cookie"); len(c) > 0 {
		t.Errorf("ask sets cookies %q", c)
	}
}

func TestRequestLog(t *testing.T) {
	for _, logQ := range []bool{false, true} {
		var buf bytes.Buffer
		opts := unlimited
		opts.Logger = slog.New(slog.NewTextHandler(&buf, nil))
		opts.LogQuestions = logQ
		s := newServer(t, opts)
		do(s, "POST", "/api/ask", `{"q":"森林覆盖率的目标"}`)
		do(s, "GET", "/?q="+url.QueryEscape("养老服务的目标"), "")
		do(s, "GET", "/api/terms/"+url.PathEscape("碳达峰的意思"), "")
		log := buf.String()
		if strings.Count(log, "web: request") != 3 || !strings.Contains(log, "path=/api/ask") || !strings.Contains(log, "status=200") {
			t.Errorf("log: %s", log)
		}
		for _, q := range []string{"森林覆盖率的目标", "养老服务的目标", "碳达峰的意思"} {
			if strings.Contains(log, q) != logQ {
				t.Errorf("log_questions %v, question %q in the log: %v\n%s", logQ, q, !logQ, log)
			}
		}
		if strings.Contains(log, "%E5") {
			t.Errorf("the question leaks escaped: %s", log)
		}
	}
}

func TestPagesWithoutJavaScript(t *testing.T) {
	s := newServer(t, unlimited)
	pl, _ := corpus.Default()
	tests := []struct {
		target string
		want   []string
	}{
		{"/toc", []string{"<h1>目录</h1>", `href="/chapters/5#s2"`, "第五章 " + pl.Chapters[4].Title}},
		{"/indicators", []string{"<table", "<th scope=\"col\">2025年</th>", "森林覆盖率", "19.5", "[0.2]", `href="/indicators/18"`}},
		{"/indicators/18", []string{"指标18 · 森林覆盖率", "19.3", "19.5", "约束性"}},
		{"/chapters/1", []string{`id="c1s1p7"`, `id="s1"`, "“十三五”发展成就"}},
		{"/terms", []string{`id="t1"`, "碳达峰"}},
		{"/?q=" + url.QueryEscape("森林覆盖率"), []string{"outcome-answer", "出处：</span>第一章 第三节", `href="/indicators/18"`, "东河区“十四五”规划纲要", `name="context" value="森林覆盖率"`}},
		{"/?q=" + url.QueryEscape("养老服务") + "&offset=3", []string{`<ol class="results" start="4">`}},
		{"/?q=" + url.QueryEscape("地铁"), []string{"outcome-decline", "没有找到"}},
		{"/", []string{`<label for="q">`, `aria-live="polite"`, `lang="zh-CN"`, "森林覆盖率", `href="/?q=`}},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			resp := do(s, "GET", tt.target, "")
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			page := string(b)
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, ext := range []string{"http://", "https://", "//fonts.", "cdn"} {
				if strings.Contains(page, `src="`+ext) || strings.Contains(page, `href="`+ext) {
					t.Errorf("page loads from elsewhere (%s)", ext)
				}
			}
		})
	}
	for _, target := range []string{"/indicators/99", "/chapters/0", "/chapters/x", "/nowhere", "/toc?plan=nope"} {
		if resp := do(s, "GET", target, ""); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", target, resp.StatusCode)
		}
	}
	for _, q := range []string{"%FF", url.QueryEscape(strings.Repeat("养老", 101)), "%20%20"} {
		resp := do(s, "GET", "/?q="+q, "")
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 400 || !strings.Contains(string(b), `class="error"`) {
			t.Errorf("/?q=%s: %d, no error shown", q, resp.StatusCode)
		}
	}
}

func TestHostileQuestionIsEscaped(t *testing.T) {
	s := newServer(t, unlimited)
	q := `<img src=x onerror=alert(1)>"'&森林`
	body, _ := json.Marshal(map[string]string{"q": q})
	a := askJSON(t, s, string(body))
	if strings.Contains(a.HTML, "<img") {
		t.Errorf("the question reaches the html unescaped: %s", a.HTML)
	}
	resp := do(s, "GET", "/?q="+url.QueryEscape(q), "")
	b, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(b), "<img") {
		t.Errorf("the question reaches the page unescaped")
	}
}

// FuzzWebAsk sends POST /api/ask any body: the answer is a JSON answer (200)
// or a JSON error (400), never a crash or another status.
func FuzzWebAsk(f *testing.F) {
	for _, seed := range []string{`{"q":"森林覆盖率"}`, `{"q":"那2025年呢","context":"森林覆盖率2020年是多少"}`,
		`{"q":"养老","offset":3}`, `{"q":"\ud800"}`, "{\"q\":\"\xff\"}", `{"q":1}`, `[]`, ``, `{"q":"地铁","plan":""}`} {
		f.Add(seed)
	}
	s := newServer(f, unlimited)
	f.Fuzz(func(t *testing.T, body string) {
		resp := do(s, "POST", "/api/ask", body)
		b, _ := io.ReadAll(resp.Body)
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%q: not JSON: %s", body, b)
		}
		switch resp.StatusCode {
		case http.StatusOK:
			if _, ok := v["outcome"].(string); !ok {
				t.Fatalf("%q: 200 without an outcome: %s", body, b)
			}
		case http.StatusBadRequest:
			if e, _ := v["error"].(string); e == "" {
				t.Fatalf("%q: 400 without an error: %s", body, b)
			}
		default:
			t.Fatalf("%q: status %d: %s", body, resp.StatusCode, b)
		}
	})
}

// TestListAnswers: a list answer shows every item; a list of indicators
// shows them as rows of the table, each linked to its page.
func TestListAnswers(t *testing.T) {
	s := newServer(t, unlimited)
	a := askJSON(t, s, `{"q":"专栏9有哪些项目"}`)
	first := a.Results[0]
	if len(first.Items) == 0 || strings.Count(a.HTML, `<ol class="items">`) != 1 {
		t.Fatalf("list: %+v\n%s", first, a.HTML)
	}
	for _, it := range first.Items {
		name := it
		if _, rest, ok := strings.Cut(it, "."); ok {
			name = rest
		}
		if !strings.Contains(a.HTML, ">"+htmlEscape(name)+"</li>") {
			t.Errorf("item %q not shown", it)
		}
	}
	a = askJSON(t, s, `{"q":"预期性指标有几项"}`)
	first = a.Results[0]
	if len(first.Items) == 0 {
		t.Fatalf("no list: %+v", first)
	}
	rows := strings.Count(a.HTML, `<tr><td>`)
	if rows != len(first.Items) || !strings.Contains(a.HTML, `<table class="indicators">`) {
		t.Errorf("%d rows for %d indicators:\n%s", rows, len(first.Items), a.HTML)
	}
	pl, _ := corpus.Default()
	for _, ind := range pl.Indicators {
		shown := strings.Contains(a.HTML, `href="/indicators/`+strconv.Itoa(ind.Number)+`"`)
		if shown != (ind.Attribute == "预期性") {
			t.Errorf("indicator %d (%s) shown: %v", ind.Number, ind.Attribute, shown)
		}
	}
}

// BenchmarkAsk measures POST /api/ask through the whole handler: reading
// and checking the body, the bot's answer, both renderings and the JSON.
func BenchmarkAsk(b *testing.B) {
	s := newServer(b, unlimited)
	qs := []string{`{"q":"森林覆盖率"}`, `{"q":"北梁以后建成啥样"}`, `{"q":"养老服务","offset":3}`, `{"q":"地铁"}`}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if resp := do(s, "POST", "/api/ask", qs[i%len(qs)]); resp.StatusCode != 200 {
			b.Fatal(resp.Status)
		}
	}
}

// TestExamplesAreAnswered: the example questions of the page are the
// plan's own, and the plan answers each.
func TestExamplesAreAnswered(t *testing.T) {
	s := newServer(t, unlimited)
	resp := do(s, "GET", "/", "")
	b, _ := io.ReadAll(resp.Body)
	found := regexp.MustCompile(`<a class="example" href="[^"]*">([^<]+)</a>`).FindAllStringSubmatch(string(b), -1)
	if len(found) < 3 {
		t.Fatalf("%d examples on the page", len(found))
	}
	for _, m := range found {
		q := html.UnescapeString(m[1])
		body, _ := json.Marshal(askRequest{Q: q})
		if a := askJSON(t, s, string(body)); a.Outcome != index.Answered {
			t.Errorf("example %q: %s", q, a.Outcome)
		}
	}
}

// TestOnRequest: the metrics hook hears of each request, its route, status
// and the kind of an answer, never the question.
func TestOnRequest(t *testing.T) {
	var got []Request
	opts := unlimited
	opts.OnRequest = func(r Request) { got = append(got, r) }
	s := newServer(t, opts)
	do(s, "POST", "/api/ask", `{"q":"森林覆盖率"}`)
	do(s, "POST", "/api/ask", `{"q":""}`)
	do(s, "GET", "/?q="+url.QueryEscape("地铁"), "")
	do(s, "GET", "/toc", "")
	do(s, "GET", "/nowhere", "")
	want := []Request{
		{Route: "POST /api/ask", Status: 200, Kind: "indicator"},
		{Route: "POST /api/ask", Status: 400},
		{Route: "GET /{$}", Status: 200, Kind: "not_found"},
		{Route: "GET /toc", Status: 200},
		{Route: "", Status: 404},
	}
	if len(got) != len(want) {
		t.Fatalf("%d requests heard of, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		got[i].Took = 0
		if got[i] != want[i] {
			t.Errorf("request %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// botOf is a bot answering from the plan of idx alone.
func botOf(t testing.TB, idx *index.Index, opts bot.Options) *bot.Bot {
	t.Helper()
	lib, err := index.NewLibrary([]*index.Index{idx}, "")
	if err != nil {
		t.Fatal(err)
	}
	return bot.New([]bot.Plan{{Plan: idx.Plan()}}, lib, opts)
}
