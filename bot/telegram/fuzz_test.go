package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// fuzzAPI is a Bot API on loopback that answers every call and checks
// what the bot sends: valid UTF-8, within Telegram's lengths, JSON where
// JSON is due.
type fuzzAPI struct {
	mu      sync.Mutex
	problem string // the first, if any
}

func (f *fuzzAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = r.ParseForm()
	method := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	p := r.PostForm
	var problem string
	switch method {
	case "getMe":
		fmt.Fprint(w, `{"ok":true,"result":{"id":42,"is_bot":true,"first_name":"东河","username":"DongheBot"}}`)
		return
	case "sendMessage":
		text := p.Get("text")
		switch {
		case !utf8.ValidString(text) || text == "":
			problem = fmt.Sprintf("sendMessage text %q", text)
		case len(utf16.Encode([]rune(text))) > 4096:
			problem = fmt.Sprintf("sendMessage text of %d units", len(utf16.Encode([]rune(text))))
		case p.Has("reply_markup") && !json.Valid([]byte(p.Get("reply_markup"))):
			problem = "reply_markup not JSON"
		}
		fmt.Fprintf(w, `{"ok":true,"result":{"message_id":1,"date":1,"chat":{"id":%s,"type":"private"}}}`, p.Get("chat_id"))
	case "answerInlineQuery":
		var results []map[string]any
		if err := json.Unmarshal([]byte(p.Get("results")), &results); err != nil || len(results) > 50 {
			problem = "answerInlineQuery results: " + p.Get("results")
		}
		fmt.Fprint(w, `{"ok":true,"result":true}`)
	case "answerCallbackQuery":
		if n := utf8.RuneCountInString(p.Get("text")); n > 200 {
			problem = fmt.Sprintf("callback notice of %d characters", n)
		}
		fmt.Fprint(w, `{"ok":true,"result":true}`)
	default:
		fmt.Fprint(w, `{"ok":true,"result":true}`)
	}
	if problem != "" {
		f.mu.Lock()
		if f.problem == "" {
			f.problem = problem
		}
		f.mu.Unlock()
	}
}

func (f *fuzzAPI) take() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.problem
	f.problem = ""
	return p
}

// errorLog keeps the messages logged at Error, such as a recovered panic.
type errorLog struct {
	mu   sync.Mutex
	msgs []string
}

func (l *errorLog) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelError }
func (l *errorLog) Handle(_ context.Context, r slog.Record) error {
	msg := r.Message
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "panic" || a.Key == "err" {
			msg += " " + a.Key + "=" + a.Value.String()
		}
		return true
	})
	l.mu.Lock()
	l.msgs = append(l.msgs, msg)
	l.mu.Unlock()
	return nil
}
func (l *errorLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *errorLog) WithGroup(string) slog.Handler      { return l }

func (l *errorLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := l.msgs
	l.msgs = nil
	return m
}

// FuzzHandleUpdate feeds the adapter updates as the Bot API would send
// them, but with random texts, entities, chat types and kinds — and, with
// raw set, the fuzzer's bytes as the whole update: nothing panics (the
// adapter would recover and log it), and what goes out is what Telegram
// accepts.
func FuzzHandleUpdate(f *testing.F) {
	f.Add(false, "森林覆盖率的目标是多少？", "private", "mention", 0, 5, uint8(0))
	f.Add(false, "/indicator@DongheBot 18", "group", "bot_command", 0, 20, uint8(0))
	f.Add(false, "@DongheBot 什么是碳达峰", "supergroup", "mention", 0, 10, uint8(0))
	f.Add(false, "m:3", "group", "", 0, 0, uint8(1))
	f.Add(false, "碳达峰", "", "", 0, 0, uint8(2))
	f.Add(false, "<b>&amp;", "channel", "mention", 99, -3, uint8(3))
	f.Add(true, `{"update_id":1,"message":{"message_id":1,"chat":{"id":1,"type":"private"},"text":"/start"}}`, "", "", 0, 0, uint8(0))
	f.Add(true, `{"update_id":2,"callback_query":{"id":"x","data":"p:c1s1p1"}}`, "", "", 0, 0, uint8(0))
	f.Add(true, `{"update_id":3,"message":{"message_id":1,"chat":null,"text":7}}`, "", "", 0, 0, uint8(0))
	b, err := realBot()
	if err != nil {
		f.Fatal(err)
	}
	api := &fuzzAPI{}
	srv := httptest.NewServer(api)
	f.Cleanup(srv.Close)
	logs := &errorLog{}
	c, err := Dial(context.Background(), testToken, Options{
		Endpoint: srv.URL + "/bot%s/%s",
		// No flood waits: every update may write to the same chat.
		Limits: Limits{PerChat: time.Nanosecond, PerGroup: 1 << 30, PerSecond: 1 << 30},
		Logger: slog.New(logs),
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw bool, text, chatType, entity string, off, n int, kind uint8) {
		var update string
		if raw {
			update = text
		} else {
			update = fuzzUpdate(text, chatType, entity, off, n, kind)
		}
		if err := c.HandleUpdate(context.Background(), b, []byte(update)); err != nil {
			t.Fatalf("%v for %s", err, update)
		}
		if msgs := logs.take(); len(msgs) > 0 {
			t.Fatalf("%s for %s", strings.Join(msgs, "; "), update)
		}
		if p := api.take(); p != "" {
			t.Fatalf("%s for %s", p, update)
		}
	})
}

// fuzzUpdate writes an update of one of the kinds the bot answers around a
// random text.
func fuzzUpdate(text, chatType, entity string, off, n int, kind uint8) string {
	j := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	chat := j(map[string]any{"id": -1001, "type": chatType, "title": "东河"})
	from := `{"id":7,"is_bot":false,"first_name":"王"}`
	entities := j([]map[string]any{{"type": entity, "offset": off, "length": n}})
	switch kind % 5 {
	case 1: // a button under a bot message that replied to the text
		return fmt.Sprintf(`{"update_id":1,"callback_query":{"id":"q","from":%s,"chat_instance":"x","data":%s,"message":{"message_id":2,"date":1,"chat":%s,"from":{"id":42,"is_bot":true,"first_name":"东河"},"text":"…","reply_to_message":{"message_id":1,"date":1,"chat":%s,"from":%s,"text":%s,"entities":%s}}}}`,
			from, j(entity+":"+text), chat, chat, from, j(text), entities)
	case 2: // inline
		return fmt.Sprintf(`{"update_id":1,"inline_query":{"id":"q","from":%s,"query":%s,"offset":%s}}`, from, j(text), j(entity))
	case 3: // a reply to the bot, in a forum topic
		return fmt.Sprintf(`{"update_id":1,"message":{"message_id":3,"date":1,"from":%s,"chat":%s,"text":%s,"entities":%s,"is_topic_message":true,"message_thread_id":%d,"reply_to_message":{"message_id":2,"date":1,"chat":%s,"from":{"id":42,"is_bot":true,"first_name":"东河"},"text":"…"}}}`,
			from, chat, j(text), entities, off, chat)
	case 4: // an edit
		return fmt.Sprintf(`{"update_id":1,"edited_message":{"message_id":3,"date":1,"from":%s,"chat":%s,"text":%s}}`, from, chat, j(text))
	}
	return fmt.Sprintf(`{"update_id":1,"message":{"message_id":3,"date":1,"from":%s,"chat":%s,"text":%s,"entities":%s}}`, from, chat, j(text), entities)
}
