package telegram

import (
	"context"
	"sync"
	"time"
)

// Limits are the flood limits for outgoing messages. Telegram's own are
// about one message a second in a chat, twenty a minute in a group and
// thirty a second overall; a message over a limit waits its turn rather
// than being dropped.
type Limits struct {
	// PerChat is the least time between two messages to one chat (1 s).
	PerChat time.Duration
	// PerGroup is how many messages one group gets in a minute (20).
	PerGroup int
	// PerSecond is how many messages go out in a second overall (30).
	PerSecond int
	// Shared, when set, shares these limits with the other replicas that
	// send as the same bot; nil: this process alone sends.
	Shared SharedLimits
}

// SharedLimits coordinates the flood limits of several replicas. The
// overall rate and a group's count a minute are divided among the
// replicas alive (an approximation: a replica's unused share is not lent
// to the others); a chat's turn is reserved across them (exact, as far as
// every replica asks). When ReserveChat fails, the local limits alone
// hold.
type SharedLimits interface {
	// Replicas is how many replicas send, this one included.
	Replicas() int
	// ReserveChat reserves chat's next message, at least gap after the
	// one reserved before by any replica, and says how long to wait.
	ReserveChat(ctx context.Context, chat int64, gap time.Duration) (time.Duration, error)
}

// limiter hands out send times within the Limits. Each wait reserves the
// earliest slot its chat allows, sleeps until then, and then takes the next
// slot of the overall rate. A Client has one, which every sendMessage
// passes, retries included.
type limiter struct {
	limits Limits
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error

	mu    sync.Mutex
	chats map[int64]*chatSlots
	next  time.Time // the earliest overall slot
}

// chatSlots are the slots reserved for one chat.
type chatSlots struct {
	last   time.Time
	recent []time.Time // groups: the last PerGroup slots
	held   time.Time   // no slot before this: Telegram said to wait (429)
}

func newLimiter(l Limits) *limiter {
	if l.PerChat <= 0 {
		l.PerChat = time.Second
	}
	if l.PerGroup <= 0 {
		l.PerGroup = 20
	}
	if l.PerSecond <= 0 {
		l.PerSecond = 30
	}
	return &limiter{limits: l, now: time.Now, sleep: sleep, chats: map[int64]*chatSlots{}}
}

// wait returns when a message may be sent to chat, or with ctx's error.
func (l *limiter) wait(ctx context.Context, chat int64, group bool) error {
	if err := l.sleep(ctx, l.reserveChat(chat, group).Sub(l.now())); err != nil {
		return err
	}
	if l.limits.Shared != nil {
		if d, err := l.limits.Shared.ReserveChat(ctx, chat, l.limits.PerChat); err == nil {
			if err := l.sleep(ctx, d); err != nil {
				return err
			}
		}
	}
	// The overall rate may hold the message longer: the chat's next slot
	// counts from when it is really sent.
	sent := l.reserveOverall()
	l.sentAt(chat, sent)
	return l.sleep(ctx, sent.Sub(l.now()))
}

// sentAt moves the chat's last slot to when its message really goes out.
func (l *limiter) sentAt(chat int64, t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if cs, ok := l.chats[chat]; ok {
		cs.last = later(cs.last, t)
	}
}

// replicas is how many replicas share the limits.
func (l *limiter) replicas() int {
	if l.limits.Shared == nil {
		return 1
	}
	return max(l.limits.Shared.Replicas(), 1)
}

// reserveChat reserves the earliest slot the chat's limits allow.
func (l *limiter) reserveChat(chat int64, group bool) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	cs, ok := l.chats[chat]
	if !ok {
		l.prune(now)
		cs = &chatSlots{}
		l.chats[chat] = cs
	}
	t := later(now, cs.held)
	if !cs.last.IsZero() {
		t = later(t, cs.last.Add(l.limits.PerChat))
	}
	if group {
		per := max(l.limits.PerGroup/l.replicas(), 1)
		if n := len(cs.recent); n >= per {
			t = later(t, cs.recent[n-per].Add(time.Minute))
		}
		cs.recent = append(cs.recent, t)
		if n := len(cs.recent); n > per {
			cs.recent = append(cs.recent[:0], cs.recent[n-per:]...)
		}
	}
	cs.last = t
	return t
}

// hold keeps the chat's next slots at least d away, as a 429's retry_after
// asks: the retry and every message queued behind it wait alike, on every
// replica when the limits are shared (a slot d long is reserved there).
func (l *limiter) hold(chat int64, d time.Duration) {
	l.mu.Lock()
	cs, ok := l.chats[chat]
	if !ok {
		cs = &chatSlots{}
		l.chats[chat] = cs
	}
	cs.held = later(cs.held, l.now().Add(d))
	l.mu.Unlock()
	if l.limits.Shared != nil {
		_, _ = l.limits.Shared.ReserveChat(context.Background(), chat, d)
	}
}

// reserveOverall reserves the next slot of the overall rate.
func (l *limiter) reserveOverall() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := later(l.now(), l.next)
	l.next = t.Add(time.Second * time.Duration(l.replicas()) / time.Duration(l.limits.PerSecond))
	return t
}

// prune forgets chats whose slots are all over a minute old, so the map
// does not grow with every chat the bot ever saw.
func (l *limiter) prune(now time.Time) {
	if len(l.chats) < 1024 {
		return
	}
	for id, cs := range l.chats {
		if now.Sub(cs.last) > time.Minute && now.After(cs.held) {
			delete(l.chats, id)
		}
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
