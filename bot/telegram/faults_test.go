package telegram

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"planbot/bot"
)

// noPause makes a client's pauses (retries, back-off) instant.
func noPause(c *Client) *Client {
	c.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	return c
}

// TestSendRetries: a Bot API that fails for a moment — a 500, a 502 page,
// a reset connection, a body that is not JSON, no answer in time — costs
// no answer, in polling and webhook mode alike.
func TestSendRetries(t *testing.T) {
	for _, failure := range []string{fail500, fail502, failReset, failNotJSON, failSlow} {
		t.Run(strings.TrimPrefix(failure, "!"), func(t *testing.T) {
			f, srv := newQueueAPI(t)
			var logs logBuffer
			c := noPause(dialQueue(t, srv, &logs, Options{Timeout: 300 * time.Millisecond}))
			f.mu.Lock()
			f.fail["sendMessage"] = []string{failure}
			f.mu.Unlock()
			id := f.push(100, "polled")
			stop := poll(c, echo{})
			waitFor(t, "the answer", func() bool { return f.answered()[id] == 1 && f.pending() == 0 })
			if err := stop(); err != nil {
				t.Fatal(err)
			}

			f.mu.Lock()
			f.fail["sendMessage"] = []string{failure}
			f.mu.Unlock()
			addr, stop := webhook(t, c, echo{}, Webhook{URL: "https://x.org/", Secret: testSecret})
			if code, _ := post(t, addr+"/", testSecret, message(500, 101, "hooked")); code != http.StatusOK {
				t.Errorf("webhook: %d", code)
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			if n := f.answered()[500]; n != 1 {
				t.Errorf("webhook update answered %d times", n)
			}
		})
	}
}

// down is a Bot API failure that outlasts sendMessage's retries.
var down = []string{fail502, fail502, fail502, fail502}

// TestWebhookRedelivery: when the replies cannot be sent, Telegram is told
// to deliver the update again (500); the next delivery sends only what did
// not go; a poison update is dropped after maxAttempts.
func TestWebhookRedelivery(t *testing.T) {
	f, srv := newQueueAPI(t)
	var logs logBuffer
	c := noPause(dialQueue(t, srv, &logs, Options{}))
	addr, stop := webhook(t, c, multi{parts: 3}, Webhook{URL: "https://x.org/", Secret: testSecret})
	defer stop()

	// The first part goes, the second fails past the retries.
	f.mu.Lock()
	f.fail["sendMessage"] = append([]string{`{"ok":true,"result":{"message_id":1,"date":1,"chat":{"id":100,"type":"private"}}}`}, down...)
	f.mu.Unlock()
	upd := message(1, 100, "q")
	if code, _ := post(t, addr+"/", testSecret, upd); code != http.StatusInternalServerError {
		t.Fatalf("failed update got %d, want 500 for Telegram to deliver it again", code)
	}
	if code, _ := post(t, addr+"/", testSecret, upd); code != http.StatusOK {
		t.Fatalf("delivered again: %d", code)
	}
	f.mu.Lock()
	var texts []string
	for _, s := range f.sends {
		texts = append(texts, s.Get("text"))
	}
	f.mu.Unlock()
	// The first part was answered by the canned success; the rest once each.
	if want := []string{"<b>part 2</b>", "<b>part 3</b>"}; strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("sent %q, want %q", texts, want)
	}

	// A poison update: 500 twice, then dropped with 200.
	f.mu.Lock()
	for range maxAttempts {
		f.fail["sendMessage"] = append(f.fail["sendMessage"], down...)
	}
	f.mu.Unlock()
	poison := message(2, 100, "poison")
	var codes []int
	for range maxAttempts {
		code, _ := post(t, addr+"/", testSecret, poison)
		codes = append(codes, code)
	}
	if fmt.Sprint(codes) != "[500 500 200]" {
		t.Errorf("poison update got %v, want [500 500 200]", codes)
	}
	if !strings.Contains(logs.String(), "dropping an update whose answer could not be sent") {
		t.Errorf("the drop is not logged:\n%s", logs.String())
	}
}

// TestPollRedelivery: in polling mode an update whose reply the Bot API
// did not take stays unconfirmed and is attempted again; a poison update
// is dropped after maxAttempts and confirmed.
func TestPollRedelivery(t *testing.T) {
	f, srv := newQueueAPI(t)
	var logs logBuffer
	c := noPause(dialQueue(t, srv, &logs, Options{}))
	f.mu.Lock()
	f.failFor["100"] = append(append([]string{}, down...), down...) // two attempts fail
	f.failFor["200"] = append(append(append([]string{}, down...), down...), down...)
	f.mu.Unlock()
	late := f.push(100, "late")
	poison := f.push(200, "poison")
	stop := poll(c, echo{})
	waitFor(t, "the late answer and the poison's drop", func() bool {
		return f.answered()[late] == 1 && f.pending() == 0
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if n := f.answered()[poison]; n != 0 {
		t.Errorf("poison answered %d times", n)
	}
	if !strings.Contains(logs.String(), "dropping an update") {
		t.Errorf("the drop is not logged:\n%s", logs.String())
	}
}

// TestNoHeadOfLineBlocking: one user floods the bot while the flood
// limiter (or a 429) holds their chat; another chat's question is answered
// meanwhile, not after the flood.
func TestNoHeadOfLineBlocking(t *testing.T) {
	t.Run("flood limit", func(t *testing.T) {
		f, srv := newQueueAPI(t)
		var logs logBuffer
		c := dialQueue(t, srv, &logs, Options{Limits: Limits{PerChat: 200 * time.Millisecond, PerSecond: 1000}})
		var busy []int
		for i := range 15 {
			busy = append(busy, f.push(100, fmt.Sprint("q", i)))
		}
		stop := poll(c, echo{})
		defer stop()
		waitFor(t, "the busy chat's first answer", func() bool { return f.answered()[busy[0]] == 1 })
		quiet := f.push(200, "quiet")
		waitFor(t, "the quiet chat's answer", func() bool { return f.answered()[quiet] == 1 })
		got := f.answered()
		n := 0
		for _, id := range busy {
			n += got[id]
		}
		if n > 5 {
			t.Errorf("the quiet chat was answered after %d of the busy chat's 15 answers (200 ms apart)", n)
		}
		waitFor(t, "every answer", func() bool { return len(f.answered()) == 16 && f.pending() == 0 })
	})
	t.Run("429", func(t *testing.T) {
		f, srv := newQueueAPI(t)
		var logs logBuffer
		c := dialQueue(t, srv, &logs, Options{})
		f.mu.Lock()
		f.failFor["100"] = []string{`{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}`}
		f.mu.Unlock()
		busy := f.push(100, "busy")
		stop := poll(c, echo{})
		defer stop()
		waitFor(t, "the 429", func() bool { return len(f.called("sendMessage")) == 1 })
		quiet := f.push(200, "quiet")
		waitFor(t, "the quiet chat's answer", func() bool { return f.answered()[quiet] == 1 })
		if f.answered()[busy] != 0 {
			t.Error("the quiet chat was answered only after the held one")
		}
		waitFor(t, "the held answer", func() bool { return f.answered()[busy] == 1 })
	})
}

// TestKill9 kills the bot with three updates in flight, two of which have
// finished: the next process answers only the unfinished one.
func TestKill9(t *testing.T) {
	f, srv := newQueueAPI(t)
	var logs logBuffer
	// The first process talks to the API through a server of its own,
	// which the kill closes mid-call: no last confirmation, no grace.
	first := httptest.NewServer(f)
	defer first.Close()
	f.mu.Lock()
	f.failFor["300"] = []string{failSlow}
	f.mu.Unlock()
	a, b, stuck := f.push(100, "a"), f.push(200, "b"), f.push(300, "stuck")
	c := dialQueue(t, first, &logs, Options{Timeout: time.Minute})
	stop := poll(c, echo{})
	waitFor(t, "two answers, confirmed", func() bool {
		got := f.answered()
		return got[a] == 1 && got[b] == 1 && f.pending() == 1
	})
	// kill -9.
	first.CloseClientConnections()
	first.Close()
	_ = stop() // the old client only talks to a dead server now

	resume(t, f, srv, &logs, stuck, "the unfinished answer")
}

// TestAnonymousAdmin: a message sent as the group (an anonymous admin,
// from GroupAnonymousBot) or as a channel (Channel_Bot) is a user's
// question, not a bot's.
func TestAnonymousAdmin(t *testing.T) {
	b, err := realBot()
	if err != nil {
		t.Fatal(err)
	}
	f, srv := newQueueAPI(t)
	var logs logBuffer
	c := dialQueue(t, srv, &logs, Options{})
	senders := []string{
		`"from":{"id":1087968824,"is_bot":true,"first_name":"Group","username":"GroupAnonymousBot"},"sender_chat":{"id":-1001,"type":"supergroup","title":"东河街道"}`,
		`"from":{"id":136817688,"is_bot":true,"first_name":"Channel","username":"Channel_Bot"},"sender_chat":{"id":-1002,"type":"channel","title":"东河发布"}`,
	}
	for i, from := range senders {
		raw := `{"update_id":` + strconv.Itoa(i+1) + `,"message":{"message_id":` + strconv.Itoa(i+1) + `,"date":1,` + from +
			`,"chat":{"id":-1001,"type":"supergroup","title":"东河街道"},"text":"/indicator@DongheBot 18","entities":[{"type":"bot_command","offset":0,"length":20}]}}`
		if err := c.HandleUpdate(context.Background(), b, []byte(raw)); err != nil {
			t.Fatal(err)
		}
		if f.answered()[i+1] != 1 {
			t.Errorf("sender %d got no answer", i)
		}
	}
	// A bot writing as itself is still not answered.
	raw := `{"update_id":9,"message":{"message_id":9,"date":1,"from":{"id":5,"is_bot":true,"first_name":"x"},"chat":{"id":-1001,"type":"supergroup"},"text":"/indicator@DongheBot 18","entities":[{"type":"bot_command","offset":0,"length":20}]}}`
	if err := c.HandleUpdate(context.Background(), b, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	if f.answered()[9] != 0 {
		t.Error("a bot was answered")
	}
}

// keyboardSpy records the callbacks it is given.
type keyboardSpy struct {
	echo
	mu  sync.Mutex
	got []bot.Callback
}

func (k *keyboardSpy) HandleCallback(cb bot.Callback) bot.CallbackAnswer {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.got = append(k.got, cb)
	return bot.CallbackAnswer{}
}

// TestCallbackKeyboard: a button press carries the keyboard of its message
// and who pressed, for feedback to count once and only from its button.
func TestCallbackKeyboard(t *testing.T) {
	_, srv := newQueueAPI(t)
	var logs logBuffer
	c := dialQueue(t, srv, &logs, Options{})
	spy := &keyboardSpy{}
	raw := `{"update_id":1,"callback_query":{"id":"cb","from":{"id":31337,"is_bot":false,"first_name":"王"},"chat_instance":"x","data":"f:-:i18",` +
		`"message":{"message_id":55,"date":1,"chat":{"id":100,"type":"private"},"text":"…",` +
		`"reply_markup":{"inline_keyboard":[[{"text":"全文","callback_data":"p:c1s1p1"}],[{"text":"👍","callback_data":"f:+:i18"},{"text":"👎","callback_data":"f:-:i18"}]]}}}}`
	if err := c.HandleUpdate(context.Background(), spy, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	if len(spy.got) != 1 {
		t.Fatalf("callbacks: %+v", spy.got)
	}
	cb := spy.got[0]
	if strings.Join(cb.Keyboard, " ") != "p:c1s1p1 f:+:i18 f:-:i18" || cb.FromID != 31337 || cb.ChatID != 100 || cb.MessageID != 55 {
		t.Errorf("callback %+v", cb)
	}
}
