package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"planbot/bot"
	"planbot/corpus"
	"planbot/index"
)

const testToken = "123456:SECRET-token_value"

// fakeAPI is a Bot API on loopback: it serves getMe, queued batches of
// updates and records every call.
type fakeAPI struct {
	mu      sync.Mutex
	calls   []apiCall
	batches [][]string                  // raw updates, one batch per getUpdates
	fail    map[string][]map[string]any // method → responses to give before succeeding
	offsets chan string                 // the offset of each getUpdates
	nextID  int
}

type apiCall struct {
	method string
	params url.Values
}

func newFakeAPI(t *testing.T) (*fakeAPI, *httptest.Server) {
	f := &fakeAPI{fail: map[string][]map[string]any{}, offsets: make(chan string, 100), nextID: 1000}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

// apiMethod reads the Bot API method a fake server is asked for, and its
// form; a request without the test token gets a 401, as from Telegram.
func apiMethod(w http.ResponseWriter, r *http.Request) (string, bool) {
	w.Header().Set("Content-Type", "application/json")
	prefix := "/bot" + testToken + "/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return "", false
	}
	_ = r.ParseForm()
	return strings.TrimPrefix(r.URL.Path, prefix), true
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method, ok := apiMethod(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, apiCall{method, r.PostForm})
	if q := f.fail[method]; len(q) > 0 {
		f.fail[method] = q[1:]
		_ = json.NewEncoder(w).Encode(q[0])
		return
	}
	var result any = true
	switch method {
	case "getMe":
		result = map[string]any{"id": 42, "is_bot": true, "first_name": "东河", "username": "DongheBot"}
	case "getUpdates":
		select {
		case f.offsets <- r.PostForm.Get("offset"):
		default:
		}
		batch := "[]"
		if len(f.batches) > 0 {
			batch = "[" + strings.Join(f.batches[0], ",") + "]"
			f.batches = f.batches[1:]
		}
		fmt.Fprintf(w, `{"ok":true,"result":%s}`, batch)
		return
	case "sendMessage":
		f.nextID++
		chat, _ := json.Marshal(r.PostForm.Get("chat_id"))
		result = map[string]any{"message_id": f.nextID, "date": 0, "chat": map[string]any{"id": json.RawMessage(strings.Trim(string(chat), `"`))}}
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

// sent returns the calls of a method.
func (f *fakeAPI) sent(method string) []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []url.Values
	for _, c := range f.calls {
		if c.method == method {
			out = append(out, c.params)
		}
	}
	return out
}

// logBuffer collects logs safely from several goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func dial(t *testing.T, srv *httptest.Server, logs *logBuffer) *Client {
	t.Helper()
	c, err := Dial(context.Background(), testToken, Options{
		Endpoint:  srv.URL + "/bot%s/%s",
		IdlePause: time.Millisecond,
		Limits:    Limits{PerChat: time.Millisecond, PerSecond: 1000},
		Logger:    slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var realBot = sync.OnceValues(func() (*bot.Bot, error) {
	plan, err := corpus.Default()
	if err != nil {
		return nil, err
	}
	idx, err := index.New(plan)
	if err != nil {
		return nil, err
	}
	lib, err := index.NewLibrary([]*index.Index{idx}, "")
	if err != nil {
		return nil, err
	}
	return bot.New([]bot.Plan{{Plan: plan}}, lib, bot.Options{Username: "DongheBot"}), nil
})

// panicky panics on the message "boom", to show a panic does not stop the
// bot.
type panicky struct{ *bot.Bot }

func (p panicky) HandleMessage(m bot.Message) []bot.Reply {
	if m.Text == "boom" {
		panic("boom")
	}
	return p.Bot.HandleMessage(m)
}

func TestDial(t *testing.T) {
	_, srv := newFakeAPI(t)
	var logs logBuffer
	c := dial(t, srv, &logs)
	if c.Username() != "DongheBot" || c.ID() != 42 {
		t.Errorf("bot = @%s %d", c.Username(), c.ID())
	}
}

func TestErrorsHideToken(t *testing.T) {
	_, srv := newFakeAPI(t)
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<html>bad gateway "+r.URL.Path+"</html>", http.StatusBadGateway)
	}))
	defer html.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	tests := []struct {
		name     string
		token    string
		endpoint string
		code     int
	}{
		{"refused token", "999:WRONG-secret", srv.URL + "/bot%s/%s", 401},
		{"not JSON", testToken, html.URL + "/bot%s/%s", 0},
		{"no server", testToken, closed.URL + "/bot%s/%s", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Dial(context.Background(), tt.token, Options{Endpoint: tt.endpoint})
			if err == nil {
				t.Fatal("no error")
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code {
				t.Errorf("err = %#v, want *Error with code %d", err, tt.code)
			}
			for _, leak := range []string{tt.token, url.PathEscape(tt.token), url.QueryEscape(tt.token), "SECRET", "WRONG"} {
				if strings.Contains(err.Error(), leak) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), leak) {
					t.Errorf("error shows the token: %v", err)
				}
			}
			var ue *url.Error
			if errors.As(err, &ue) {
				t.Errorf("the library's URL error escapes: %v", ue)
			}
		})
	}
	if _, err := Dial(context.Background(), testToken, Options{Endpoint: srv.URL + "/bot/%s"}); err == nil {
		t.Error("an endpoint without two verbs was accepted")
	}
}

func TestPoll(t *testing.T) {
	f, srv := newFakeAPI(t)
	var logs logBuffer
	c := dial(t, srv, &logs)
	b, err := realBot()
	if err != nil {
		t.Fatal(err)
	}
	user := `{"id":7,"is_bot":false,"first_name":"王"}`
	private := `{"id":100,"type":"private","first_name":"王"}`
	group := `{"id":-200,"type":"supergroup","title":"东河街道"}`
	msg := func(id int, chat, text, extra string) string {
		return fmt.Sprintf(`{"message_id":%d,"date":1,"from":%s,"chat":%s,"text":%q%s}`, id, user, chat, text, extra)
	}
	cmdEntity := func(n int) string {
		return fmt.Sprintf(`,"entities":[{"type":"bot_command","offset":0,"length":%d}]`, n)
	}
	f.batches = [][]string{{
		fmt.Sprintf(`{"update_id":1,"message":%s}`, msg(1, private, "/start", cmdEntity(6))),
		fmt.Sprintf(`{"update_id":2,"message":%s}`, msg(2, group, "今天开会吗", "")),
		fmt.Sprintf(`{"update_id":3,"message":%s}`, msg(3, group, "/indicator@DongheBot 18", cmdEntity(20))),
		fmt.Sprintf(`{"update_id":4,"message":%s}`, msg(4, group, "/indicator@OtherBot 18", cmdEntity(19))),
		fmt.Sprintf(`{"update_id":5,"callback_query":{"id":"cb1","from":%s,"chat_instance":"x","data":"m:3","message":{"message_id":55,"date":1,"chat":%s,"from":{"id":42,"is_bot":true,"first_name":"东河"},"text":"…","reply_to_message":%s}}}`,
			user, group, msg(54, group, "养老服务", `,"reply_to_message":null`)),
		fmt.Sprintf(`{"update_id":6,"inline_query":{"id":"iq1","from":%s,"query":"森林覆盖率","offset":""}}`, user),
		fmt.Sprintf(`{"update_id":7,"message":{"message_id":7,"date":1,"from":%s,"chat":{"id":101,"type":"private"},"sticker":{"file_id":"s","file_unique_id":"s","width":1,"height":1,"is_animated":false}}}`, user),
		fmt.Sprintf(`{"update_id":8,"edited_message":%s}`, msg(1, private, "/help", cmdEntity(5))),
		`{"update_id":9,"message":"not a message"}`,
		fmt.Sprintf(`{"update_id":10,"message":%s}`, msg(10, private, "boom", "")),
		fmt.Sprintf(`{"update_id":11,"message":%s}`, msg(11, private, "/help", cmdEntity(5))),
		fmt.Sprintf(`{"update_id":12,"message":{"message_id":12,"date":1,"from":%s,"chat":%s,"new_chat_members":[%s]}}`, user, group, user),
		fmt.Sprintf(`{"update_id":13,"message":{"message_id":13,"date":1,"from":%s,"chat":%s,"text":"森林覆盖率","reply_to_message":{"message_id":5,"date":1,"chat":%s,"from":{"id":42,"is_bot":true,"first_name":"东河"},"text":"…"}}}`, user, group, group),
		// A follow-up: a reply to the bot's answer, which quotes its question.
		fmt.Sprintf(`{"update_id":14,"message":{"message_id":14,"date":1,"from":%s,"chat":%s,"text":"有哪些项目","reply_to_message":{"message_id":6,"date":1,"chat":%s,"from":{"id":42,"is_bot":true,"first_name":"东河"},"text":"🔎 “大青山”，规划里这样写：\n\n1. 🏗 大青山生态廊道建设工程后续管养项目"}}}`, user, group, group),
	}}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Poll(ctx, panicky{b}) }()
	for off := range f.offsets {
		if off == "15" { // the batch is handled: the next poll confirms it
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Poll = %v", err)
	}

	byChat := map[string][]url.Values{}
	for _, p := range f.sent("sendMessage") {
		byChat[p.Get("chat_id")] = append(byChat[p.Get("chat_id")], p)
		if p.Get("parse_mode") != "HTML" {
			t.Errorf("sent without HTML parse mode: %v", p)
		}
	}
	check := func(chat string, replyTo []string, want []string) {
		t.Helper()
		got := byChat[chat]
		if len(got) != len(want) {
			var texts []string
			for _, p := range got {
				texts = append(texts, p.Get("text"))
			}
			t.Fatalf("chat %s got %d messages, want %d: %q", chat, len(got), len(want), texts)
		}
		for i, p := range got {
			if !strings.Contains(p.Get("text"), want[i]) {
				t.Errorf("chat %s message %d lacks %q: %s", chat, i, want[i], p.Get("text"))
			}
			if p.Get("reply_to_message_id") != replyTo[i] {
				t.Errorf("chat %s message %d replies to %q, want %q", chat, i, p.Get("reply_to_message_id"), replyTo[i])
			}
			if replyTo[i] != "" && !strings.Contains(p.Get("reply_parameters"), `"message_id":`+replyTo[i]) {
				t.Errorf("reply_parameters = %s", p.Get("reply_parameters"))
			}
		}
	}
	// Chat 100: /start, then (after the panic on "boom") /help; the edit
	// is not answered.
	check("100", []string{"1", "11"}, []string{"问答助手", "/search"})
	// The group: the command for this bot, the "more" of the button and
	// the replies to the bot; not the chatter, not the other bot's
	// command, not the new member.
	byGroup := byChat["-200"]
	if len(byGroup) != 4 {
		t.Fatalf("group got %d messages, want 4", len(byGroup))
	}
	check("101", []string{"7"}, []string{"我只读得懂文字"})

	var groupTexts []string
	for _, p := range byGroup {
		groupTexts = append(groupTexts, p.Get("reply_to_message_id")+":"+p.Get("text"))
	}
	joined := strings.Join(groupTexts, "\n")
	for _, want := range []string{"3:📊 <b>指标18", "54:🔎 “养老服务”的更多结果", "13:", "14:🔎 “大青山 有哪些项目”，规划里这样写：\n\n<b>1.</b> 🏗 大青山生态廊道建设工程后续管养项目"} {
		if !strings.Contains(joined, want) {
			t.Errorf("group messages lack %q:\n%s", want, joined)
		}
	}

	if cb := f.sent("answerCallbackQuery"); len(cb) != 1 || cb[0].Get("callback_query_id") != "cb1" {
		t.Errorf("answerCallbackQuery calls = %v", cb)
	}
	iq := f.sent("answerInlineQuery")
	if len(iq) != 1 {
		t.Fatalf("answerInlineQuery calls = %v", iq)
	}
	var results []struct {
		Type    string `json:"type"`
		ID      string `json:"id"`
		Title   string `json:"title"`
		Content struct {
			Text      string `json:"message_text"`
			ParseMode string `json:"parse_mode"`
		} `json:"input_message_content"`
	}
	if err := json.Unmarshal([]byte(iq[0].Get("results")), &results); err != nil {
		t.Fatal(err)
	}
	if len(results) == 0 || results[0].ID != "i18" || results[0].Type != "article" ||
		results[0].Content.ParseMode != "HTML" || !strings.Contains(results[0].Content.Text, "19.5") {
		t.Errorf("inline results = %+v", results)
	}

	l := logs.String()
	if !strings.Contains(l, "panic") || !strings.Contains(l, "malformed") {
		t.Errorf("logs lack the panic or the malformed update:\n%s", l)
	}
	if strings.Contains(l, testToken) || strings.Contains(l, "SECRET") {
		t.Errorf("logs show the token:\n%s", l)
	}
}

func TestPollRefusedToken(t *testing.T) {
	f, srv := newFakeAPI(t)
	var logs logBuffer
	c := dial(t, srv, &logs)
	f.fail["getUpdates"] = []map[string]any{{"ok": false, "error_code": 401, "description": "Unauthorized"}}
	err := c.Poll(context.Background(), panicky{})
	var e *Error
	if !errors.As(err, &e) || e.Code != 401 {
		t.Fatalf("Poll = %v, want a 401 *Error", err)
	}
}

func TestPollBacksOff(t *testing.T) {
	f, srv := newFakeAPI(t)
	var logs logBuffer
	c := dial(t, srv, &logs)
	bad := map[string]any{"ok": false, "error_code": 502, "description": "Bad Gateway"}
	f.fail["getUpdates"] = []map[string]any{bad, bad, bad, bad}
	ctx, cancel := context.WithCancel(context.Background())
	var pauses []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		pauses = append(pauses, d)
		if len(pauses) == 4 {
			cancel()
		}
		return ctx.Err()
	}
	if err := c.Poll(ctx, panicky{}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(pauses); i++ {
		if pauses[i] < pauses[i-1]/2 || pauses[i] > 30*time.Second {
			t.Errorf("pauses %v do not grow within bounds", pauses)
		}
	}
	if pauses[3] < 4*time.Second {
		t.Errorf("fourth pause %v, want at least 4s", pauses[3])
	}
}

func TestRetryAfter(t *testing.T) {
	f, srv := newFakeAPI(t)
	var logs logBuffer
	c := dial(t, srv, &logs)
	clock := &fakeClock{t: time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)}
	c.limit.now, c.limit.sleep = clock.now, clock.sleep
	tooMany := map[string]any{"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 7", "parameters": map[string]any{"retry_after": 7}}
	f.fail["sendMessage"] = []map[string]any{tooMany, tooMany}
	chat := tgChat(100, "private")
	start := clock.t
	if err := c.send(context.Background(), chat, 0, bot.Reply{HTML: "hi"}); err != nil {
		t.Fatal(err)
	}
	// The retries queue in the flood limiter, held for retry_after.
	if waited, sends := clock.t.Sub(start), len(f.sent("sendMessage")); waited < 14*time.Second || sends != 3 {
		t.Errorf("waited %v, %d sends; want 7s twice and 3 sends", waited, sends)
	}
	// Retries are bounded.
	f.fail["sendMessage"] = []map[string]any{tooMany, tooMany, tooMany, tooMany, tooMany}
	n := len(f.sent("sendMessage"))
	err := c.send(context.Background(), chat, 0, bot.Reply{HTML: "hi"})
	var e *Error
	if !errors.As(err, &e) || e.Code != 429 || e.RetryAfter != 7 {
		t.Errorf("err = %v, want 429 after %d retries", err, maxRetries)
	}
	if sends := len(f.sent("sendMessage")) - n; sends != maxRetries+1 {
		t.Errorf("%d sends for one message under 429, want %d", sends, maxRetries+1)
	}
	// Other calls honour retry_after too, bounded alike.
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	f.fail["answerCallbackQuery"] = []map[string]any{tooMany}
	if _, err := c.do(context.Background(), "answerCallbackQuery", map[string]string{"callback_query_id": "1"}); err != nil {
		t.Fatal(err)
	}
	if len(waits) != 1 || waits[0] != 7*time.Second {
		t.Errorf("answerCallbackQuery waits %v, want 7s", waits)
	}
}

func TestSendFallbacks(t *testing.T) {
	f, srv := newFakeAPI(t)
	var logs logBuffer
	c := dial(t, srv, &logs)
	f.fail["sendMessage"] = []map[string]any{
		{"ok": false, "error_code": 400, "description": "Bad Request: can't parse entities: unexpected end tag"},
	}
	if err := c.send(context.Background(), tgChat(100, "private"), 0, bot.Reply{HTML: "<b>森林</b> &amp; 覆盖率"}); err != nil {
		t.Fatal(err)
	}
	s := f.sent("sendMessage")
	if len(s) != 2 || s[1].Get("parse_mode") != "" || s[1].Get("text") != "森林 & 覆盖率" {
		t.Errorf("fallback sends = %v", s)
	}
	f.fail["sendMessage"] = []map[string]any{
		{"ok": false, "error_code": 400, "description": "Bad Request: group chat was upgraded to a supergroup chat", "parameters": map[string]any{"migrate_to_chat_id": -1001234}},
	}
	if err := c.send(context.Background(), tgChat(-5, "group"), 0, bot.Reply{HTML: "hi"}); err != nil {
		t.Fatal(err)
	}
	s = f.sent("sendMessage")
	if got := s[len(s)-1].Get("chat_id"); got != "-1001234" {
		t.Errorf("resent to %s, want the supergroup", got)
	}
	f.fail["sendMessage"] = []map[string]any{{"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}}
	err := c.send(context.Background(), tgChat(100, "private"), 0, bot.Reply{HTML: "hi"})
	var e *Error
	if !errors.As(err, &e) || e.Code != 403 {
		t.Errorf("blocked: err = %v", err)
	}
}

func TestSetCommands(t *testing.T) {
	f, srv := newFakeAPI(t)
	var logs logBuffer
	c := dial(t, srv, &logs)
	if err := c.SetCommands(context.Background(), bot.Commands()); err != nil {
		t.Fatal(err)
	}
	s := f.sent("setMyCommands")
	if len(s) != 1 || !strings.Contains(s[0].Get("commands"), `"command":"indicator"`) {
		t.Errorf("setMyCommands = %v", s)
	}
}
