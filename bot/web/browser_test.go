package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"planbot/internal/testlock"
)

// The page in a real browser: headless Chromium (Debian's chromium
// package), driven with chromedp. Each test keeps a screenshot in
// $PLANBOT_ARTIFACTS, or testdata/artifacts (ignored by git). Without a
// browser the tests skip, except under CI=true, where they fail.

// chromium finds the browser: $PLANBOT_CHROMIUM, or chromium on the PATH.
func chromium() (string, error) {
	if p := os.Getenv("PLANBOT_CHROMIUM"); p != "" {
		return p, nil
	}
	var err error
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		var p string
		if p, err = exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", err
}

// noBrowser skips the test, or fails it under CI.
func noBrowser(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI needs the browser: apt-get install -y chromium)", msg)
	}
	t.Skip(msg)
}

// session is a browser tab on a server of the page.
type session struct {
	t   *testing.T
	ctx context.Context
	url string // the server's address, no slash at the end
}

// open starts the browser on a fresh server of the embedded plan, with a
// viewport of width×height.
func open(t *testing.T, width, height int) *session {
	t.Helper()
	path, err := chromium()
	if err != nil {
		noBrowser(t, "no Chromium: %v", err)
	}
	testlock.Exclusive(t)
	srv := httptest.NewServer(newServer(t, unlimited))
	t.Cleanup(srv.Close)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.WindowSize(width, height),
		chromedp.Flag("lang", "zh-CN"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		noBrowser(t, "Chromium (%s) does not start: %v", path, err)
	}
	// A bound on each test: a broken page fails rather than hangs.
	ctx, cancelRun := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelRun)
	return &session{t: t, ctx: ctx, url: srv.URL}
}

func (s *session) do(steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, steps...); err != nil {
		s.screenshot("failed-" + s.t.Name())
		s.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression into v.
func eval[T any](s *session, expr string) T {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		s.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitFor waits until a JavaScript expression is true.
func (s *session) waitFor(expr string) {
	s.t.Helper()
	if _, err := chromedp.Run(s.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		s.screenshot("failed-" + s.t.Name())
		s.t.Fatalf("waiting for %s: %v", expr, err)
	}
}

// artifacts is where the screenshots go.
func artifacts(t *testing.T) string {
	dir := os.Getenv("PLANBOT_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("testdata", "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot keeps the whole page as name.png.
func (s *session) screenshot(name string) {
	png, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Logf("screenshot %s: %v", name, err)
		return
	}
	name = strings.NewReplacer("/", "-", " ", "_").Replace(name)
	file := filepath.Join(artifacts(s.t), name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		s.t.Error(err)
		return
	}
	s.t.Logf("screenshot: %s", file)
}

// ask types a question in the box and sends it with Enter, then waits for
// the n-th answer of the page.
func (s *session) ask(q string, n int) {
	s.t.Helper()
	s.do(
		chromedp.WaitVisible(chromedp.CSS("#q")),
		chromedp.SendKeys(chromedp.CSS("#q"), q+kb.Enter),
	)
	s.waitAnswers(n)
}

// waitAnswers waits for the page to show n answers.
func (s *session) waitAnswers(n int) {
	s.t.Helper()
	s.waitFor(fmt.Sprintf(`document.querySelectorAll('#log .answer').length >= %d && !document.querySelector('#log .pending')`, n))
}

// apiAnswer asks the server's API, as a program would.
func (s *session) apiAnswer(q, context string) answer {
	s.t.Helper()
	body, _ := json.Marshal(askRequest{Q: q, Context: context})
	resp, err := http.Post(s.url+"/api/ask", "application/json", strings.NewReader(string(body)))
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		s.t.Fatal(err)
	}
	return a
}

func TestBrowserAsk(t *testing.T) {
	s := open(t, 1000, 800)
	s.do(chromedp.Navigate(s.url + "/"))
	if lang := eval[string](s, `document.documentElement.lang`); lang != "zh-CN" {
		t.Errorf("lang %q", lang)
	}
	s.ask("森林覆盖率", 1)
	want := s.apiAnswer("森林覆盖率", "")
	got := eval[map[string]string](s, `(() => {
		const a = document.querySelector('#log .answer');
		const r = a.querySelector('.result');
		return {
			you: document.querySelector('#log .you').textContent,
			outcome: a.dataset.outcome,
			message: a.querySelector('.message').textContent,
			title: r.querySelector('.title').textContent,
			loc: r.querySelector('.loc').textContent,
			plan: r.querySelector('.plan').textContent,
			href: r.querySelector('a.source').getAttribute('href'),
			table: r.querySelector('table') ? r.querySelector('table').textContent : '',
			focus: document.activeElement.id,
		};
	})()`)
	first := want.Results[0]
	switch {
	case !strings.Contains(got["you"], "森林覆盖率"):
		t.Errorf("the question is not shown: %q", got["you"])
	case got["outcome"] != "answer" || !strings.Contains(got["message"], want.Message):
		t.Errorf("outcome %q, message %q; want answer, %q", got["outcome"], got["message"], want.Message)
	case got["title"] != first.Title || got["loc"] != "出处："+first.Location || got["href"] != first.Link:
		t.Errorf("first result %q at %q (%s); want %q at %q (%s)", got["title"], got["loc"], got["href"], first.Title, first.Location, first.Link)
	case !strings.Contains(got["plan"], "东河区“十四五”规划纲要"):
		t.Errorf("plan %q", got["plan"])
	case !strings.Contains(got["table"], "19.5") || !strings.Contains(got["table"], "19.3"):
		t.Errorf("the indicator is not shown as a table: %q", got["table"])
	case got["focus"] != "q":
		t.Errorf("after the answer the focus is on %q, not the question box", got["focus"])
	}
	s.screenshot("ask")

	// The link leads to the section: the indicator's page.
	s.do(chromedp.Navigate(s.url + first.Link))
	if h1 := eval[string](s, `document.querySelector('h1').textContent`); !strings.Contains(h1, "森林覆盖率") {
		t.Errorf("the indicator's page is titled %q", h1)
	}
}

func TestBrowserOutcomes(t *testing.T) {
	s := open(t, 1000, 900)
	s.do(chromedp.Navigate(s.url + "/"))
	s.ask("地铁", 1)
	outcome := eval[string](s, `document.querySelector('#log .answer').dataset.outcome`)
	example := eval[string](s, `(document.querySelector('#log .answer a.example') || {}).textContent || ''`)
	if outcome != "decline" || example == "" {
		t.Fatalf("地铁: outcome %q, example %q", outcome, example)
	}
	// The example offered is a question the plan answers: asked with a
	// click, it is answered.
	s.do(chromedp.Click(chromedp.CSS("#log .answer a.example")))
	s.waitAnswers(2)
	if o := eval[string](s, `document.querySelectorAll('#log .answer')[1].dataset.outcome`); o != "answer" {
		t.Errorf("the example %q: outcome %q", example, o)
	}
	// An offer: the closest things, said to be no direct answer.
	s.ask("东河要建摩天轮吗", 3)
	offer := eval[map[string]string](s, `(a => ({outcome: a.dataset.outcome, message: a.querySelector('.message').textContent, results: String(a.querySelectorAll('li.result').length)}))(document.querySelectorAll('#log .answer')[2])`)
	if offer["outcome"] != "offer" || !strings.Contains(offer["message"], "最接近的内容") || offer["results"] == "0" {
		t.Errorf("东河要建摩天轮吗: %v", offer)
	}
	s.screenshot("outcomes")
}

func TestBrowserMore(t *testing.T) {
	s := open(t, 1000, 900)
	s.do(chromedp.Navigate(s.url + "/"))
	s.ask("养老服务", 1)
	if n := eval[int](s, `document.querySelectorAll('#log .answer li.result').length`); n != pageSize {
		t.Fatalf("%d results on the first page", n)
	}
	s.do(chromedp.Click(chromedp.CSS("#log .answer a.more")))
	s.waitFor(`document.querySelectorAll('#log .answer li.result').length > 3`)
	want := s.apiAnswer("养老服务", "")
	got := eval[[]string](s, `[...document.querySelectorAll('#log .answer li.result .title')].map(e => e.textContent)`)
	body, _ := json.Marshal(askRequest{Q: want.Query, Offset: want.Next})
	resp, err := http.Post(s.url+"/api/ask", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	var page2 answer
	json.NewDecoder(resp.Body).Decode(&page2)
	resp.Body.Close()
	var titles []string
	for _, r := range append(want.Results, page2.Results...) {
		titles = append(titles, r.Title)
	}
	if strings.Join(got, "|") != strings.Join(titles, "|") {
		t.Errorf("after more: %q\nthe API's two pages: %q", got, titles)
	}
	// The focus goes to the first new result, numbered on.
	focus := eval[map[string]string](s, `({tag: document.activeElement.tagName, n: String([...document.querySelectorAll('#log li.result')].indexOf(document.activeElement)+1), start: document.querySelector('#log ol.results').getAttribute('start')})`)
	if focus["tag"] != "LI" || focus["n"] != "4" {
		t.Errorf("after more the focus is on %v, not the 4th result", focus)
	}
	s.screenshot("more")
}

func TestBrowserFollowUp(t *testing.T) {
	s := open(t, 1000, 900)
	s.do(chromedp.Navigate(s.url + "/"))
	s.ask("森林覆盖率2020年是多少", 1)
	note := eval[string](s, `document.getElementById('context-note').hidden ? '' : document.getElementById('context-q').textContent`)
	if note == "" {
		t.Fatal("no follow-up note after the first answer")
	}
	first := s.apiAnswer("森林覆盖率2020年是多少", "")
	s.ask("那2025年呢", 2)
	want := s.apiAnswer("那2025年呢", first.Query)
	got := eval[[]string](s, `[...document.querySelectorAll('#log .answer')[1].querySelectorAll('.result .title')].map(e => e.textContent)`)
	var titles []string
	for _, r := range want.Results {
		titles = append(titles, r.Title)
	}
	if want.Context == "" || strings.Join(got, "|") != strings.Join(titles, "|") {
		t.Errorf("follow-up shows %q; the API with the context %q gives %q", got, want.Context, titles)
	}
	if msg := eval[string](s, `document.querySelectorAll('#log .answer')[1].querySelector('.message').textContent`); !strings.Contains(msg, want.Query) {
		t.Errorf("the follow-up's answer says %q, not what it searched (%q)", msg, want.Query)
	}
	// A new topic drops the context.
	s.do(chromedp.Click(chromedp.CSS("#new-topic")))
	if hidden := eval[bool](s, `document.getElementById('context-note').hidden`); !hidden {
		t.Error("the note stays after 换个话题")
	}
	s.screenshot("follow-up")
}

func TestBrowserKeyboard(t *testing.T) {
	s := open(t, 1000, 900)
	s.do(chromedp.Navigate(s.url + "/"))
	// The question box has a label and the answers a live region, for a
	// screen reader.
	a11y := eval[map[string]string](s, `({
		label: document.getElementById('q').labels[0].textContent,
		live: document.getElementById('log').getAttribute('aria-live'),
	})`)
	if a11y["label"] == "" || a11y["live"] != "polite" {
		t.Errorf("label %q, aria-live %q", a11y["label"], a11y["live"])
	}
	active := func() string {
		return eval[string](s, `(e => e.id || e.className || e.tagName)(document.activeElement)`)
	}
	// Tab from the top of the page to the question box.
	found := false
	for range 12 {
		s.do(chromedp.KeyEvent(kb.Tab))
		if active() == "q" {
			found = true
			break
		}
	}
	if !found {
		t.Fatal("Tab never reaches the question box")
	}
	s.do(chromedp.KeyEvent("养老服务" + kb.Enter))
	s.waitAnswers(1)
	if a := active(); a != "q" {
		t.Errorf("after the answer the focus is on %q", a)
	}
	// Tab on to "more" and press Enter: the next page, the focus on it.
	found = false
	for range 30 {
		s.do(chromedp.KeyEvent(kb.Tab))
		if active() == "more" {
			found = true
			break
		}
	}
	if !found {
		t.Fatal("Tab never reaches 更多结果")
	}
	s.do(chromedp.KeyEvent(kb.Enter))
	s.waitFor(`document.querySelectorAll('#log li.result').length > 3`)
	if tag := eval[string](s, `document.activeElement.tagName`); tag != "LI" {
		t.Errorf("after more with the keyboard the focus is on %s", tag)
	}
	// The focus is visible.
	if outline := eval[string](s, `getComputedStyle(document.activeElement).outlineStyle`); outline == "none" {
		t.Error("the focused result shows no outline")
	}
	s.screenshot("keyboard")
}

func TestBrowserPhone(t *testing.T) {
	s := open(t, 360, 740)
	noScroll := func(page string) {
		t.Helper()
		w := eval[map[string]float64](s, `({scroll: document.documentElement.scrollWidth, view: window.innerWidth})`)
		if w["scroll"] > w["view"] {
			t.Errorf("%s scrolls sideways on a phone: %v wide in %v", page, w["scroll"], w["view"])
		}
	}
	s.do(chromedp.Navigate(s.url + "/"))
	if w := eval[float64](s, `window.innerWidth`); w > 400 {
		t.Fatalf("viewport %v wide, not a phone's", w)
	}
	s.ask("森林覆盖率", 1)
	s.ask("养老服务", 2)
	// As a thumb does: scroll to the button, above the question box that
	// stays at the bottom, and tap it.
	eval[bool](s, `(document.querySelector('#log .turn:last-child a.more').scrollIntoView({block: 'center'}), true)`)
	s.do(chromedp.Click(chromedp.CSS("#log .turn:last-child a.more")))
	s.waitFor(`document.querySelectorAll('#log .turn:last-child li.result').length > 3`)
	// A list of indicators: a table wider than a phone, which scrolls in
	// its own box.
	s.ask("预期性指标有几项", 3)
	if n := eval[int](s, `document.querySelectorAll('#log .turn:last-child table.indicators tbody tr').length`); n < 10 {
		t.Errorf("the list of indicators shows %d rows", n)
	}
	noScroll("the question page")
	s.screenshot("phone")
	for _, page := range []string{"/indicators", "/toc", "/chapters/3", "/indicators/18"} {
		s.do(chromedp.Navigate(s.url + page))
		noScroll(page)
		s.screenshot("phone" + strings.ReplaceAll(page, "/", "-"))
	}
}

func TestBrowserEmbed(t *testing.T) {
	s := open(t, 900, 900)
	// A site of another origin with the one <script> tag.
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>东河区人民政府</title></head>
<body><h1>东河区“十四五”规划纲要</h1><p>有问题？问问规划：</p>
<script src="%s/embed.js" async></script></body></html>`, s.url)
	}))
	defer site.Close()
	s.do(chromedp.Navigate(site.URL))
	s.waitFor(`!!document.querySelector('iframe')`)
	src := eval[string](s, `document.querySelector('iframe').src`)
	if !strings.HasPrefix(src, s.url+"/?embed=1") {
		t.Errorf("iframe at %q", src)
	}
	// The page in the frame loads and tells its height.
	s.waitFor(`document.querySelector('iframe').style.height !== '560px'`)
	s.screenshot("embed")
}

func TestBrowserWithoutJavaScriptForm(t *testing.T) {
	// The form works as a plain GET without the script: the browser
	// submits it, the server answers in the page.
	s := open(t, 1000, 800)
	s.do(chromedp.Navigate(s.url + "/?q=" + "%E6%A3%AE%E6%9E%97%E8%A6%86%E7%9B%96%E7%8E%87"))
	s.waitAnswers(1)
	if o := eval[string](s, `document.querySelector('#log .answer').dataset.outcome`); o != "answer" {
		t.Errorf("outcome %q", o)
	}
}
