package telegram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"planbot/bot"
)

// queueAPI is a Bot API on loopback that keeps updates as Telegram does:
// getUpdates returns those from its offset on and forgets those before, a
// long poll waits for updates to arrive, and the webhook settings are kept.
// sendMessage can be held at a gate, to have updates in flight.
type queueAPI struct {
	mu      sync.Mutex
	queue   []queued // pending, by ascending ID
	nextID  int
	arrived chan struct{} // closed when updates are pushed
	sends   []url.Values  // completed sendMessage calls
	calls   map[string][]url.Values
	gate    chan struct{} // when not nil, sendMessage waits for it to close
	started chan struct{} // a value for each sendMessage that reaches the gate
	fail    map[string][]string
	// failFor holds failures of sendMessage to one chat, by chat_id.
	failFor map[string][]string
	// clock, when set, times each sendMessage's arrival in sendTimes.
	clock     func() time.Time
	sendTimes []time.Time
}

type queued struct {
	id  int
	raw string
}

func newQueueAPI(t *testing.T) (*queueAPI, *httptest.Server) {
	f := &queueAPI{
		nextID:  1,
		arrived: make(chan struct{}),
		calls:   map[string][]url.Values{},
		started: make(chan struct{}, 1000),
		fail:    map[string][]string{},
		failFor: map[string][]string{},
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

// push queues a text message from user chat in its private chat and
// returns its update ID, which is also its message ID.
func (f *queueAPI) push(chat int64, text string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextID
	f.nextID++
	raw := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1,"from":{"id":%d,"is_bot":false,"first_name":"王"},"chat":{"id":%d,"type":"private"},"text":%q}}`,
		id, id, chat, chat, text)
	f.queue = append(f.queue, queued{id, raw})
	close(f.arrived)
	f.arrived = make(chan struct{})
	return id
}

func (f *queueAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method, ok := apiMethod(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	f.calls[method] = append(f.calls[method], r.PostForm)
	if method == "sendMessage" && f.clock != nil {
		f.sendTimes = append(f.sendTimes, f.clock())
	}
	key := method
	if method == "sendMessage" && len(f.failFor[r.PostForm.Get("chat_id")]) > 0 {
		key = "chat " + r.PostForm.Get("chat_id")
	}
	q := f.fail[method]
	if key != method {
		q = f.failFor[r.PostForm.Get("chat_id")]
	}
	if len(q) > 0 {
		if key == method {
			f.fail[method] = q[1:]
		} else {
			f.failFor[r.PostForm.Get("chat_id")] = q[1:]
		}
		f.mu.Unlock()
		failWith(w, r, q[0])
		return
	}
	f.mu.Unlock()
	switch method {
	case "getMe":
		fmt.Fprint(w, `{"ok":true,"result":{"id":42,"is_bot":true,"first_name":"东河","username":"DongheBot"}}`)
	case "getUpdates":
		fmt.Fprintf(w, `{"ok":true,"result":[%s]}`, f.updates(r))
	case "sendMessage":
		f.mu.Lock()
		gate := f.gate
		f.mu.Unlock()
		if gate != nil {
			f.started <- struct{}{}
			select {
			case <-gate:
			case <-r.Context().Done():
				return // the bot gave up: not sent
			}
		}
		f.mu.Lock()
		f.sends = append(f.sends, r.PostForm)
		id := 100000 + len(f.sends)
		f.mu.Unlock()
		fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"date":1,"chat":{"id":%s,"type":"private"}}}`, id, r.PostForm.Get("chat_id"))
	default:
		fmt.Fprint(w, `{"ok":true,"result":true}`)
	}
}

// The failures a fake API can answer with besides a JSON body, which is
// sent with status 200.
const (
	fail500     = "!500"     // a JSON error 500
	fail502     = "!502"     // an HTML page, as from a proxy
	failReset   = "!reset"   // the connection closed without an answer
	failNotJSON = "!notjson" // status 200 and a body that is not JSON
	failSlow    = "!slow"    // no answer until the client gives up
)

// failWith answers a request with one of the failures, or with body.
func failWith(w http.ResponseWriter, r *http.Request, body string) {
	switch body {
	case fail500:
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"ok":false,"error_code":500,"description":"Internal Server Error"}`)
	case fail502:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
	case failReset:
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // a reset, not a clean close
			}
			conn.Close()
		}
	case failNotJSON:
		fmt.Fprint(w, "OK")
	case failSlow:
		<-r.Context().Done()
	default:
		fmt.Fprint(w, body)
	}
}

// updates answers a getUpdates: forgets the updates before the offset,
// waits a little for some to arrive, and returns them.
func (f *queueAPI) updates(r *http.Request) string {
	offset, _ := strconv.Atoi(r.PostForm.Get("offset"))
	limit, err := strconv.Atoi(r.PostForm.Get("limit"))
	if err != nil || limit <= 0 || limit > 100 {
		limit = 100
	}
	wait := r.PostForm.Get("timeout") != "0"
	for {
		f.mu.Lock()
		for len(f.queue) > 0 && f.queue[0].id < offset {
			f.queue = f.queue[1:]
		}
		if len(f.queue) > 0 || !wait {
			var raws []string
			for _, q := range f.queue[:min(limit, len(f.queue))] {
				raws = append(raws, q.raw)
			}
			f.mu.Unlock()
			return strings.Join(raws, ",")
		}
		arrived := f.arrived
		f.mu.Unlock()
		select {
		case <-arrived:
		case <-time.After(20 * time.Millisecond):
			wait = false
		case <-r.Context().Done():
			return ""
		}
	}
}

// pending is how many updates Telegram would still deliver.
func (f *queueAPI) pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.queue)
}

// answered counts the completed replies to each message ID.
func (f *queueAPI) answered() map[int]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := map[int]int{}
	for _, s := range f.sends {
		id, _ := strconv.Atoi(s.Get("reply_to_message_id"))
		n[id]++
	}
	return n
}

func (f *queueAPI) called(method string) []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]url.Values(nil), f.calls[method]...)
}

// echo answers every message with one reply quoting it.
type echo struct{}

func (echo) HandleMessage(m bot.Message) []bot.Reply {
	return []bot.Reply{{HTML: "<b>echo</b> " + m.Text, ReplyTo: m.ID}}
}
func (echo) HandleCallback(bot.Callback) bot.CallbackAnswer { return bot.CallbackAnswer{} }
func (echo) HandleInline(bot.InlineQuery) bot.InlineAnswer  { return bot.InlineAnswer{} }

func dialQueue(t *testing.T, srv *httptest.Server, logs *logBuffer, opts Options) *Client {
	t.Helper()
	opts.Endpoint = srv.URL + "/bot%s/%s"
	opts.IdlePause = time.Millisecond
	if opts.Limits == (Limits{}) {
		opts.Limits = Limits{PerChat: time.Millisecond, PerSecond: 10000}
	}
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := Dial(context.Background(), testToken, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// waitFor polls cond until it holds, failing the test after ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// resume polls again with a new client until the update left over,
// stuck, is answered, and checks every update was answered once.
func resume(t *testing.T, f *queueAPI, srv *httptest.Server, logs *logBuffer, stuck int, what string) {
	t.Helper()
	stop := poll(dialQueue(t, srv, logs, Options{}), echo{})
	waitFor(t, what, func() bool { return f.answered()[stuck] == 1 && f.pending() == 0 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	for id, n := range f.answered() {
		if n != 1 {
			t.Errorf("update %d answered %d times", id, n)
		}
	}
}

// poll runs Poll in the background; the function returned stops it and
// returns Poll's result.
func poll(c *Client, h Handler) func() error {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Poll(ctx, h) }()
	return func() error { cancel(); return <-done }
}

// TestPollRestart stops the bot in the middle of a stream of updates and
// starts another process's client while they keep coming: every update is
// answered exactly once.
func TestPollRestart(t *testing.T) {
	f, srv := newQueueAPI(t)
	var logs logBuffer
	const total = 60
	ids := make(chan int, total)
	go func() {
		for i := range total {
			ids <- f.push(int64(100+i%7), fmt.Sprintf("q%d", i))
			time.Sleep(time.Millisecond)
		}
		close(ids)
	}()
	stop := poll(dialQueue(t, srv, &logs, Options{}), echo{})
	waitFor(t, "the first answers", func() bool { return len(f.answered()) >= total/3 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	first := len(f.answered())
	// A new process: a new client, with no memory of the old one's offset.
	stop = poll(dialQueue(t, srv, &logs, Options{}), echo{})
	var want []int
	for id := range ids {
		want = append(want, id)
	}
	waitFor(t, "every answer", func() bool { return len(f.answered()) == total && f.pending() == 0 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	got := f.answered()
	for _, id := range want {
		if got[id] != 1 {
			t.Errorf("update %d answered %d times", id, got[id])
		}
	}
	if len(got) != total {
		t.Errorf("%d updates answered, want %d", len(got), total)
	}
	if first == total {
		t.Log("the first run answered everything: the restart was not mid-stream")
	}
	// Both runs removed any webhook before polling.
	if n := len(f.called("deleteWebhook")); n != 2 {
		t.Errorf("deleteWebhook called %d times, want once a run", n)
	}
}

// TestPollShutdownInFlight stops the bot while replies are on their way:
// they finish, are confirmed, and Poll returns nil.
func TestPollShutdownInFlight(t *testing.T) {
	f, srv := newQueueAPI(t)
	var logs logBuffer
	gate := make(chan struct{})
	f.gate = gate
	ids := []int{f.push(1, "a"), f.push(2, "b"), f.push(3, "c")}
	var handled []Handled
	var mu sync.Mutex
	c := dialQueue(t, srv, &logs, Options{OnHandled: func(h Handled) {
		mu.Lock()
		handled = append(handled, h)
		mu.Unlock()
	}})
	stop := poll(c, echo{})
	for range ids {
		<-f.started
	}
	done := make(chan error, 1)
	go func() { done <- stop() }() // SIGTERM with three replies in flight
	time.Sleep(20 * time.Millisecond)
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := f.answered()
	for _, id := range ids {
		if got[id] != 1 {
			t.Errorf("update %d answered %d times", id, got[id])
		}
	}
	if f.pending() != 0 {
		t.Errorf("%d updates left unconfirmed", f.pending())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(handled) != 3 || handled[0].Kind != "message" || handled[0].Answer != "other" || handled[0].Err != nil {
		t.Errorf("OnHandled got %+v", handled)
	}
}

// TestPollShutdownDeadline stops the bot while a reply cannot go out: after
// ShutdownTimeout Poll gives up, leaves that update unconfirmed, and the
// next run answers it.
func TestPollShutdownDeadline(t *testing.T) {
	f, srv := newQueueAPI(t)
	var logs logBuffer
	first := f.push(1, "first")
	stop := poll(dialQueue(t, srv, &logs, Options{ShutdownTimeout: 50 * time.Millisecond}), echo{})
	waitFor(t, "the first answer", func() bool { return f.answered()[first] == 1 })
	f.mu.Lock()
	f.gate = make(chan struct{}) // never opens
	f.mu.Unlock()
	stuck := f.push(2, "stuck")
	<-f.started
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "interrupted by shutdown") {
		t.Errorf("logs lack the interruption:\n%s", logs.String())
	}
	if f.pending() != 1 {
		t.Fatalf("%d updates pending after the shutdown, want the interrupted one", f.pending())
	}
	f.mu.Lock()
	f.gate = nil
	f.mu.Unlock()
	resume(t, f, srv, &logs, stuck, "the interrupted answer")
}

const testSecret = "s3cret_Webhook-value"

// webhook runs ServeWebhook in the background and returns the address to
// post to; the function returned stops it and returns its result.
func webhook(t *testing.T, c *Client, h Handler, wh Webhook) (string, func() error) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.ServeWebhook(ctx, h, l, wh) }()
	return "http://" + l.Addr().String(), func() error { cancel(); return <-done }
}

// hookClient posts as Telegram would, each request on a new connection: a
// pooled one could belong to an earlier test's server on the same port.
var hookClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}

// post posts body to url with the secret (none when empty) and returns the
// status and body of the answer; status 0 when the request failed. It may
// run on any goroutine.
func post(t *testing.T, url, secret, body string) (int, string) {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(secretHeader, secret)
	}
	resp, err := hookClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func message(id int, chat int64, text string) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1,"from":{"id":%d,"is_bot":false,"first_name":"王"},"chat":{"id":%d,"type":"private"},"text":%q}}`,
		id, id, chat, chat, text)
}

func TestWebhook(t *testing.T) {
	f, srv := newQueueAPI(t)
	var logs logBuffer
	c := dialQueue(t, srv, &logs, Options{})
	addr, stop := webhook(t, c, echo{}, Webhook{URL: "https://bot.example.org/tg/hook", Secret: testSecret, MaxConnections: 10})
	hook := addr + "/tg/hook"
	waitFor(t, "setWebhook", func() bool { return len(f.called("setWebhook")) == 1 })
	set := f.called("setWebhook")[0]
	if set.Get("url") != "https://bot.example.org/tg/hook" || set.Get("secret_token") != testSecret ||
		set.Get("allowed_updates") != allowedUpdates || set.Get("max_connections") != "10" {
		t.Errorf("setWebhook = %v", set)
	}

	tests := []struct {
		name   string
		url    string
		secret string
		body   string
		status int
		answer int // the message ID answered, 0 for none
	}{
		{"right secret", hook, testSecret, message(1, 100, "森林"), 200, 1},
		{"wrong secret", hook, "s3cret_Webhook-valuf", message(2, 100, "x"), 403, 0},
		{"secret's prefix", hook, "s3cret", message(3, 100, "x"), 403, 0},
		{"missing secret", hook, "", message(4, 100, "x"), 403, 0},
		{"another path", addr + "/tg/hook2", testSecret, message(5, 100, "x"), 404, 0},
		{"root", addr + "/", testSecret, message(6, 100, "x"), 404, 0},
		{"not JSON", hook, testSecret, "update_id=7", 400, 0},
		{"too large", hook, testSecret, `{"update_id":8,"x":"` + strings.Repeat("x", maxUpdateSize) + `"}`, 413, 0},
		{"malformed update", hook, testSecret, `{"update_id":9,"message":"not a message"}`, 200, 0},
		{"another kind", hook, testSecret, `{"update_id":10,"channel_post":{"message_id":10,"date":1,"chat":{"id":-5,"type":"channel"},"text":"x"}}`, 200, 0},
		{"right secret again", hook, testSecret, message(11, 101, "<i>覆盖率"), 200, 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(f.sends)
			status, body := post(t, tt.url, tt.secret, tt.body)
			if status != tt.status {
				t.Errorf("status %d %q, want %d", status, body, tt.status)
			}
			// 200 comes once the update is handled: the reply is out.
			got := f.answered()
			if tt.answer != 0 && got[tt.answer] != 1 {
				t.Errorf("message %d answered %d times by the time of the 200", tt.answer, got[tt.answer])
			}
			if tt.answer == 0 && len(f.sends) != before {
				t.Errorf("answered: %v", f.sends[before:])
			}
		})
	}
	req, _ := http.NewRequest(http.MethodGet, hook, nil)
	req.Header.Set(secretHeader, testSecret)
	if resp, err := hookClient.Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %v %v", resp, err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if len(f.called("deleteWebhook")) != 0 {
		t.Error("stopping removed the webhook: replicas and restarts need it")
	}
	l := logs.String()
	if strings.Contains(l, testSecret) || strings.Contains(l, testToken) || strings.Contains(l, "SECRET") {
		t.Errorf("logs show a secret:\n%s", l)
	}
	if !strings.Contains(l, "wrong or missing secret") || !strings.Contains(l, "body too large") {
		t.Errorf("logs lack the refusals:\n%s", l)
	}
}

func TestWebhookSettings(t *testing.T) {
	f, srv := newQueueAPI(t)
	var logs logBuffer
	c := dialQueue(t, srv, &logs, Options{})
	serve := func(wh Webhook) error {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return c.ServeWebhook(context.Background(), echo{}, l, wh) // returns at once on error
	}
	for _, wh := range []Webhook{
		{URL: "https://x.org/hook", Secret: ""},
		{URL: "https://x.org/hook", Secret: "has space"},
		{URL: "https://x.org/hook", Secret: strings.Repeat("a", 257)},
		{URL: "ftp://x.org/hook", Secret: testSecret},
		{URL: "https:///hook", Secret: testSecret},
		{URL: "https://x.org/{id}", Secret: testSecret},
	} {
		err := serve(wh)
		if err == nil {
			t.Errorf("%+v accepted", wh)
			continue
		}
		if wh.Secret != "" && strings.Contains(err.Error(), wh.Secret) {
			t.Errorf("the error repeats the secret: %v", err)
		}
	}
	// Telegram refuses the webhook: ServeWebhook fails, naming neither
	// secret nor token.
	f.mu.Lock()
	f.fail["setWebhook"] = []string{`{"ok":false,"error_code":400,"description":"Bad Request: bad webhook: secret ` + testSecret + ` refused"}`}
	f.mu.Unlock()
	err := serve(Webhook{URL: "https://x.org/", Secret: testSecret})
	if err == nil || strings.Contains(err.Error(), testSecret) || !strings.Contains(err.Error(), "bad webhook") {
		t.Errorf("refused setWebhook: %v", err)
	}
}

// TestWebhookShutdown stops the server with an update in flight: its reply
// goes out and Telegram gets its 200; with one stuck past the deadline,
// Telegram gets a 503 and will deliver it again.
func TestWebhookShutdown(t *testing.T) {
	f, srv := newQueueAPI(t)
	var logs logBuffer
	c := dialQueue(t, srv, &logs, Options{ShutdownTimeout: 100 * time.Millisecond})
	gate := make(chan struct{})
	f.gate = gate
	addr, stop := webhook(t, c, echo{}, Webhook{URL: "https://x.org/", Secret: testSecret})
	status := make(chan int, 1)
	go func() {
		code, _ := post(t, addr+"/", testSecret, message(1, 100, "in flight"))
		status <- code
	}()
	<-f.started
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(20 * time.Millisecond)
	close(gate)
	if code := <-status; code != http.StatusOK {
		t.Errorf("in-flight update got %d\n%s", code, logs.String())
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if f.answered()[1] != 1 {
		t.Error("the in-flight update was not answered")
	}

	f.gate = make(chan struct{}) // never opens
	addr, stop = webhook(t, c, echo{}, Webhook{URL: "https://x.org/", Secret: testSecret})
	go func() {
		code, _ := post(t, addr+"/", testSecret, message(2, 100, "stuck"))
		status <- code
	}()
	<-f.started
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if code := <-status; code != http.StatusServiceUnavailable {
		t.Errorf("interrupted update got %d, want 503", code)
	}
}

// lockedClock is a fake clock for the flood limiter that a fake API on
// another goroutine can read.
type lockedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *lockedClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *lockedClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.t = c.t.Add(d)
	}
	return ctx.Err()
}

// multi answers a message with parts and a button press with a reply.
type multi struct{ parts int }

func (m multi) HandleMessage(msg bot.Message) []bot.Reply {
	var out []bot.Reply
	for i := range m.parts {
		out = append(out, bot.Reply{HTML: fmt.Sprintf("<b>part %d</b>", i+1), ReplyTo: msg.ID})
	}
	return out
}
func (multi) HandleCallback(c bot.Callback) bot.CallbackAnswer {
	return bot.CallbackAnswer{Replies: []bot.Reply{{HTML: "pressed " + c.Data}}}
}
func (multi) HandleInline(bot.InlineQuery) bot.InlineAnswer { return bot.InlineAnswer{} }

// TestFloodControlEverySendPath sends to one chat by every path — the
// parts of an answer, a button's reply, the plain-text fallback, the retry
// after a 429, polling and the webhook alike — and checks on the limiter's
// clock that no two messages went closer than the chat's limit.
func TestFloodControlEverySendPath(t *testing.T) {
	f, srv := newQueueAPI(t)
	var logs logBuffer
	c := dialQueue(t, srv, &logs, Options{Limits: Limits{PerChat: time.Second}})
	clock := &lockedClock{t: time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)}
	c.limit.now, c.limit.sleep = clock.now, clock.sleep
	f.mu.Lock()
	f.clock = clock.now
	f.fail["sendMessage"] = []string{
		`{"ok":true,"result":{"message_id":1,"date":1,"chat":{"id":100,"type":"private"}}}`,
		`{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities"}`,
		`{"ok":true,"result":{"message_id":1,"date":1,"chat":{"id":100,"type":"private"}}}`,
		`{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}`,
	}
	f.mu.Unlock()
	h := multi{parts: 3}
	ctx := context.Background()
	if err := c.HandleUpdate(ctx, h, []byte(message(1, 100, "q"))); err != nil {
		t.Fatal(err)
	}
	cb := `{"update_id":2,"callback_query":{"id":"cb","from":{"id":100,"is_bot":false,"first_name":"王"},"chat_instance":"x","data":"m:3","message":{"message_id":55,"date":1,"chat":{"id":100,"type":"private"},"text":"…"}}}`
	if err := c.HandleUpdate(ctx, h, []byte(cb)); err != nil {
		t.Fatal(err)
	}
	f.push(100, "polled")
	stop := poll(c, h)
	waitFor(t, "the polled answer", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.sendTimes) == 9
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	addr, stop := webhook(t, c, h, Webhook{URL: "https://x.org/", Secret: testSecret})
	if code, _ := post(t, addr+"/", testSecret, message(9, 100, "hooked")); code != 200 {
		t.Fatalf("webhook: %d", code)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	times := f.sendTimes
	// 3 parts (the second refused as HTML, sent again as text), 1 button
	// reply (429 once, then sent), 3 polled parts, 3 webhook parts.
	if len(times) != 12 {
		t.Fatalf("%d sendMessage calls, want 12", len(times))
	}
	for i := 1; i < len(times); i++ {
		if d := times[i].Sub(times[i-1]); d < time.Second {
			t.Errorf("send %d went %v after the one before, under the chat's 1s", i, d)
		}
	}
	if d := times[4].Sub(times[3]); d < 3*time.Second {
		t.Errorf("the retry after a 429 went after %v, want retry_after's 3s", d)
	}
}

// TestUnreachableChats: a chat that blocked the bot (403) gets one try per
// answer, not one per part and not a retry; a 400 is not retried, except
// once as plain text when the HTML was refused.
func TestUnreachableChats(t *testing.T) {
	f, srv := newQueueAPI(t)
	var logs logBuffer
	var codes []int
	var mu sync.Mutex
	c := dialQueue(t, srv, &logs, Options{OnAPIError: func(e *Error) {
		mu.Lock()
		codes = append(codes, e.Code)
		mu.Unlock()
	}})
	ctx := context.Background()
	blocked := `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`
	tests := []struct {
		name  string
		fail  []string
		parts int
		calls int
		code  int
	}{
		{"blocked", []string{blocked, blocked, blocked}, 3, 1, 403},
		{"chat not found", []string{`{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`}, 3, 1, 400},
		{"bad request", []string{`{"ok":false,"error_code":400,"description":"Bad Request: wrong reply"}`}, 1, 1, 400},
		{"HTML refused twice", []string{
			`{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities"}`,
			`{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities"}`,
		}, 1, 2, 400},
	}
	for i, tt := range tests {
		f.mu.Lock()
		f.fail["sendMessage"] = tt.fail
		f.calls["sendMessage"] = nil
		f.mu.Unlock()
		err := c.HandleUpdate(ctx, multi{parts: tt.parts}, []byte(message(i+1, 100, "q")))
		var e *Error
		if !errors.As(err, &e) || e.Code != tt.code {
			t.Errorf("%s: err = %v, want %d", tt.name, err, tt.code)
		}
		if n := len(f.called("sendMessage")); n != tt.calls {
			t.Errorf("%s: %d sendMessage calls, want %d", tt.name, n, tt.calls)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(codes) != 5 || codes[0] != 403 {
		t.Errorf("OnAPIError got %v", codes)
	}
	if !strings.Contains(logs.String(), "cannot write to the chat") {
		t.Errorf("logs:\n%s", logs.String())
	}
}

func TestAnswerKind(t *testing.T) {
	b, err := realBot()
	if err != nil {
		t.Fatal(err)
	}
	// Commands, whose answers do not depend on ranking.
	tests := []struct{ text, kind string }{
		{"/indicator 18", "indicator"},
		{"/indicators", "indicator"},
		{"/define 碳达峰", "term"},
		{"/toc", "toc"},
		{"/chapter 5", "chapter"},
		{"/help", "other"},
		{"/indicator 99", "other"},
	}
	for _, tt := range tests {
		m := bot.Message{ID: 1, ChatType: bot.Private, Text: tt.text,
			Entities: []bot.Entity{{Type: "bot_command", Offset: 0, Length: len(strings.Fields(tt.text)[0])}}}
		rs := b.HandleMessage(m)
		if got := answerKind(rs); got != tt.kind {
			first := ""
			if len(rs) > 0 {
				first, _, _ = strings.Cut(rs[0].HTML, "\n")
			}
			t.Errorf("%s: kind %q, want %q (%s)", tt.text, got, tt.kind, first)
		}
	}
	// Questions: some kind of answer, whichever ranks first.
	for _, q := range []string{"森林覆盖率", "碳中和是什么意思", "盐碱地怎么改良", "航空航天铝材"} {
		kind := answerKind(b.HandleMessage(bot.Message{ID: 1, ChatType: bot.Private, Text: q}))
		if kind == "other" || kind == "not_found" || !slices.Contains(AnswerKinds, kind) {
			t.Errorf("%s: kind %q", q, kind)
		}
	}
	if kind := answerKind(b.HandleMessage(bot.Message{ID: 1, ChatType: bot.Private, Text: "地铁"})); kind != "not_found" {
		t.Errorf("地铁: kind %q, want not_found", kind)
	}
	if answerKind(nil) != "" {
		t.Error("no reply has a kind")
	}
}
