package telegram

import (
	"context"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func tgChat(id int64, typ string) *tgbotapi.Chat { return &tgbotapi.Chat{ID: id, Type: typ} }

// fakeClock is a clock that sleeping advances.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if d > 0 {
		c.t = c.t.Add(d)
	}
	return ctx.Err()
}

func newTestLimiter(l Limits) (*limiter, *fakeClock) {
	clock := &fakeClock{t: time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)}
	lim := newLimiter(l)
	lim.now, lim.sleep = clock.now, clock.sleep
	return lim, clock
}

func TestLimiterQueuesPerChat(t *testing.T) {
	lim, clock := newTestLimiter(Limits{})
	start := clock.t
	ctx := context.Background()
	for i := range 3 {
		if err := lim.wait(ctx, 1, false); err != nil {
			t.Fatal(err)
		}
		// Messages to one private chat go a second apart, none dropped.
		if got, want := clock.t.Sub(start), time.Duration(i)*time.Second; got != want {
			t.Errorf("message %d sent at +%v, want +%v", i, got, want)
		}
	}
	// Another chat is not held up by the first, only by the overall rate.
	before := clock.t
	if err := lim.wait(ctx, 2, false); err != nil {
		t.Fatal(err)
	}
	if d := clock.t.Sub(before); d > time.Second/30 {
		t.Errorf("another chat waited %v", d)
	}
}

func TestLimiterGroups(t *testing.T) {
	lim, clock := newTestLimiter(Limits{PerChat: time.Millisecond})
	start := clock.t
	ctx := context.Background()
	for range 20 {
		_ = lim.wait(ctx, -100, true)
	}
	if d := clock.t.Sub(start); d >= time.Second {
		t.Errorf("20 group messages took %v, want them within the first second", d)
	}
	_ = lim.wait(ctx, -100, true)
	if d := clock.t.Sub(start); d < time.Minute {
		t.Errorf("the 21st message in a minute went at +%v, want it to wait for the minute", d)
	}
}

func TestLimiterOverall(t *testing.T) {
	lim, clock := newTestLimiter(Limits{})
	start := clock.t
	for chat := range int64(61) {
		_ = lim.wait(context.Background(), chat, false)
	}
	// 61 messages to different chats at 30 a second: two seconds.
	if d := clock.t.Sub(start); d < 2*time.Second-time.Millisecond || d > 2*time.Second+time.Millisecond {
		t.Errorf("61 messages took %v, want 2s", d)
	}
}

func TestLimiterCanceled(t *testing.T) {
	lim, _ := newTestLimiter(Limits{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = lim.wait(context.Background(), 1, false)
	if err := lim.wait(ctx, 1, false); err == nil {
		t.Error("a canceled wait returned nil")
	}
}

func TestLimiterHold(t *testing.T) {
	lim, clock := newTestLimiter(Limits{})
	ctx := context.Background()
	_ = lim.wait(ctx, 1, false)
	start := clock.t
	// A 429 for chat 1: what is sent to it next waits out retry_after,
	// other chats do not.
	lim.hold(1, 5*time.Second)
	_ = lim.wait(ctx, 2, false)
	if d := clock.t.Sub(start); d > time.Second {
		t.Errorf("another chat waited %v", d)
	}
	_ = lim.wait(ctx, 1, false)
	if d := clock.t.Sub(start); d < 5*time.Second {
		t.Errorf("the held chat's next message went at +%v, want +5s", d)
	}
	_ = lim.wait(ctx, 1, false)
	if d := clock.t.Sub(start); d < 6*time.Second {
		t.Errorf("the message after it went at +%v, want a second later", d)
	}
}

// memShared shares the limits of replicas in one process, on one clock, as
// the database does for processes.
type memShared struct {
	clock    *fakeClock
	replicas int
	next     map[int64]time.Time
	fail     bool
}

func (m *memShared) Replicas() int { return m.replicas }

func (m *memShared) ReserveChat(ctx context.Context, chat int64, gap time.Duration) (time.Duration, error) {
	if m.fail {
		return 0, context.DeadlineExceeded
	}
	slot := later(m.clock.now(), m.next[chat])
	m.next[chat] = slot.Add(gap)
	return slot.Sub(m.clock.now()), nil
}

func TestLimiterShared(t *testing.T) {
	clock := &fakeClock{t: time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)}
	shared := &memShared{clock: clock, replicas: 3, next: map[int64]time.Time{}}
	var lims []*limiter
	for range 2 {
		lim := newLimiter(Limits{Shared: shared})
		lim.now, lim.sleep = clock.now, clock.sleep
		lims = append(lims, lim)
	}
	ctx := context.Background()

	// One chat, its messages through either replica: a second apart.
	start := clock.t
	for i := range 4 {
		if err := lims[i%2].wait(ctx, 1, false); err != nil {
			t.Fatal(err)
		}
		if got, want := clock.t.Sub(start), time.Duration(i)*time.Second; got < want || got > want+time.Second/10 {
			t.Errorf("message %d through replica %d went at +%v, want +%v", i, i%2, got, want)
		}
	}

	// Three replicas alive: each sends at most 10 a second.
	start = clock.t
	for chat := range int64(21) {
		_ = lims[0].wait(ctx, 100+chat, false)
	}
	if d := clock.t.Sub(start); d < 2*time.Second-time.Millisecond || d > 2*time.Second+time.Millisecond {
		t.Errorf("21 messages from one of three replicas took %v, want 2s", d)
	}

	// A group: 20 a minute shared by three, 6 a minute for each.
	start = clock.t
	for range 7 {
		_ = lims[1].wait(ctx, -100, true)
	}
	if d := clock.t.Sub(start); d < time.Minute {
		t.Errorf("a group's 7th message from one of three replicas went at +%v, want it to wait for the minute", d)
	}

	// A 429 on one replica holds the chat on the other too.
	start = clock.t
	lims[0].hold(3, 5*time.Second)
	_ = lims[1].wait(ctx, 3, false)
	if d := clock.t.Sub(start); d < 5*time.Second {
		t.Errorf("a chat held 5s by one replica got a message from the other at +%v", d)
	}

	// The database down: the local limits still hold.
	shared.fail = true
	start = clock.t
	_ = lims[0].wait(ctx, 2, false)
	_ = lims[0].wait(ctx, 2, false)
	if d := clock.t.Sub(start); d < time.Second {
		t.Errorf("with the shared limits failing, two messages to a chat went %v apart", d)
	}
}
