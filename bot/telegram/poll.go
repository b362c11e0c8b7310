package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// allowedUpdates are the updates the bot asks for.
const allowedUpdates = `["message","edited_message","callback_query","inline_query"]`

// Poll receives updates by long polling and hands them to h until ctx is
// done; then it returns nil. It first removes any webhook, as Telegram
// refuses getUpdates while one is set: this is how a bot switches back from
// webhook to polling.
//
// Updates go to one queue per chat: a chat's updates are handled in order,
// different chats at once, and polling goes on while chats wait (for the
// flood limits, or a Bot API that fails). An update is confirmed to
// Telegram (the offset of the next getUpdates) once it and every update
// before it is done, so a crash, kill -9 included, delivers again only
// what was unfinished. As Telegram hands out at most 100 updates past the
// offset, at most 100 updates are in hand (maxInHand bounds servers that
// hand out more); a chat queues at most maxChatQueue (50, half of the
// 100), and its further updates stay with Telegram, unconfirmed, until its
// queue has room: one flooding chat cannot take all the others' turns.
//
// An update whose replies the Bot API did not take is attempted again
// after a pause, at most maxAttempts times, sending only the replies that
// did not go; then it is logged and dropped. When ctx ends, Poll stops
// asking at once and gives the updates in hand ShutdownTimeout to finish;
// what is still unfinished then is left unconfirmed, for the next run.
// Errors of getUpdates are logged and retried with growing pauses, except
// a refused token, which ends Poll with the error.
func (c *Client) Poll(ctx context.Context, h Handler) error {
	if err := c.DeleteWebhook(ctx); err != nil && ctx.Err() == nil {
		c.log.Warn("telegram: could not remove the webhook", "err", err)
	}
	work, stop := c.drain(ctx)
	defer stop()
	d := newDispatch(work, c, h)
	confirmed := 0
	defer func() {
		d.wg.Wait()
		if w := d.watermark(); w > confirmed {
			c.confirm(context.WithoutCancel(ctx), w)
		}
	}()
	failures := 0
	for ctx.Err() == nil && work.Err() == nil {
		offset := d.watermark()
		batch, err := c.getUpdates(ctx, offset, c.pollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			var e *Error
			if errors.As(err, &e) && (e.Code == http.StatusUnauthorized || e.Code == http.StatusNotFound) {
				return err
			}
			pause := backoff(failures)
			failures++
			if errors.As(err, &e) && e.Code == http.StatusConflict {
				// A webhook set since (by another replica?) or another
				// process polling with the same token.
				c.log.Warn("telegram: getUpdates conflicts with a webhook or another poller; removing the webhook",
					"err", err, "retry_in", pause.Round(time.Millisecond))
				_ = c.DeleteWebhook(ctx)
			} else {
				c.log.Warn("telegram: getUpdates failed", "err", err, "retry_in", pause.Round(time.Millisecond))
			}
			_ = c.sleep(ctx, pause)
			continue
		}
		failures = 0
		confirmed = offset
		if d.add(batch) > 0 {
			continue
		}
		// Nothing new: Telegram answers at once while updates past the
		// offset are in hand, so wait for one of them to finish (and be
		// confirmed by the next call), or a moment.
		pause := c.idle
		if len(batch) > 0 {
			pause = 4 * c.idle
		}
		d.waitDone(ctx, pause)
	}
	return nil
}

// maxChatQueue bounds the updates one chat has in hand, maxInHand those of
// all chats.
const (
	maxChatQueue = 50
	maxInHand    = 4096
)

// dispatch hands updates to per-chat queues and knows which are done.
type dispatch struct {
	ctx context.Context // the work context: ends ShutdownTimeout after Poll's
	c   *Client
	h   Handler
	wg  sync.WaitGroup

	mu     sync.Mutex
	state  map[int]bool       // updates in hand by ID: done or not
	chats  map[int64][]update // the queue of each chat with a worker; its head is in hand
	queued int                // updates in the queues
	next   int                // one past the highest update ID taken
	held   int                // the lowest update ID left with Telegram in the last batch, 0 for none
	low    int                // the last watermark
	done   chan struct{}      // closed and replaced when an update is done
}

func newDispatch(ctx context.Context, c *Client, h Handler) *dispatch {
	return &dispatch{ctx: ctx, c: c, h: h, state: map[int]bool{}, chats: map[int64][]update{}, done: make(chan struct{})}
}

// add takes the new updates of a batch into their chats' queues and
// returns how many it took.
func (d *dispatch) add(batch []json.RawMessage) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	taken := 0
	d.held = 0
	for _, raw := range batch {
		u, err := decode(raw)
		id := u.UpdateID
		if err != nil {
			id = updateID(raw)
		}
		if _, ok := d.state[id]; ok || id < d.low {
			continue // in hand already
		}
		if err != nil {
			d.c.dropMalformed(raw, err)
			if id != 0 {
				d.take(id, true)
				taken++
			}
			continue
		}
		k := u.chatKey()
		q, running := d.chats[k]
		if len(q) >= maxChatQueue || d.queued >= maxInHand {
			if d.held == 0 || id < d.held {
				d.held = id
			}
			continue // left with Telegram until the chat has room
		}
		u.tries = &tries{}
		d.take(id, false)
		d.queued++
		taken++
		d.chats[k] = append(q, u)
		if !running {
			d.wg.Go(func() { d.run(k) })
		}
	}
	return taken
}

// take notes an update as in hand. d.mu is held.
func (d *dispatch) take(id int, done bool) {
	d.state[id] = done
	d.next = max(d.next, id+1)
}

// run handles the queue of chat k, in order, until it is empty.
func (d *dispatch) run(k int64) {
	for {
		d.mu.Lock()
		q := d.chats[k]
		if len(q) == 0 || d.ctx.Err() != nil {
			delete(d.chats, k) // on shutdown, the rest waits for the next run
			d.mu.Unlock()
			return
		}
		u := q[0]
		d.mu.Unlock()
		err := d.c.process(d.ctx, d.h, u)
		if err != nil && d.ctx.Err() != nil {
			continue // interrupted: not done
		}
		if redeliver(err) {
			if u.tries.n++; u.tries.n < maxAttempts {
				_ = d.c.sleep(d.ctx, retryPause(u.tries.n))
				continue // the same update again, the chat's others after it
			}
			d.c.log.Error("telegram: dropping an update whose answer could not be sent",
				"update_id", u.UpdateID, "attempts", u.tries.n, "err", err)
		}
		d.mu.Lock()
		d.chats[k] = d.chats[k][1:]
		d.state[u.UpdateID] = true
		d.queued--
		close(d.done)
		d.done = make(chan struct{})
		d.mu.Unlock()
	}
}

// watermark is the offset to confirm: the lowest update in hand and not
// done, or left with Telegram; past all taken when there is none.
func (d *dispatch) watermark() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	w := max(d.next, d.low)
	if d.held != 0 {
		w = min(w, d.held)
	}
	for id, done := range d.state {
		if !done {
			w = min(w, id)
		}
	}
	for id := range d.state {
		if id < w {
			delete(d.state, id)
		}
	}
	d.low = w
	return w
}

// confirmEvery is the least time between two confirmations that an update
// done prompts: under load many updates finish each moment, and one call
// confirms them all.
const confirmEvery = 100 * time.Millisecond

// waitDone waits until ctx ends or pause passes, or an update is done and
// then a moment more (confirmEvery, at most pause) for others to finish.
func (d *dispatch) waitDone(ctx context.Context, pause time.Duration) {
	d.mu.Lock()
	done := d.done
	d.mu.Unlock()
	t := time.NewTimer(pause)
	defer t.Stop()
	select {
	case <-done:
		_ = d.c.sleep(ctx, min(confirmEvery, pause))
	case <-ctx.Done():
	case <-d.ctx.Done():
	case <-t.C:
	}
}

// drain returns the context the updates in hand are handled with: it ends
// ShutdownTimeout after ctx does (or when stop is called), so that a
// shutdown stops the receiving at once but lets what was received finish.
func (c *Client) drain(ctx context.Context) (work context.Context, stop context.CancelFunc) {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stopAfter := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(c.grace, cancel)
		context.AfterFunc(work, func() { t.Stop() })
	})
	return work, func() { stopAfter(); cancel() }
}

// backoff is the pause after n failures in a row: doubling from one second
// to half a minute, with jitter so that replicas do not retry in step.
func backoff(n int) time.Duration {
	d := 30 * time.Second
	if n < 5 {
		d = time.Second << n
	}
	return d/2 + rand.N(d/2+1)
}

// getUpdates asks for the updates from offset on, waiting up to wait.
func (c *Client) getUpdates(ctx context.Context, offset int, wait time.Duration) ([]json.RawMessage, error) {
	params := tgbotapi.Params{
		"timeout":         itoa(int(wait / time.Second)),
		"allowed_updates": allowedUpdates,
	}
	if offset != 0 {
		params["offset"] = itoa(offset)
	}
	res, err := c.call(ctx, "getUpdates", params, wait+c.timeout)
	if err != nil {
		return nil, err
	}
	var batch []json.RawMessage
	if len(res) > 0 {
		if err := json.Unmarshal(res, &batch); err != nil {
			return nil, &Error{Method: "getUpdates", msg: "the result is not a list of updates"}
		}
	}
	return batch, nil
}

// confirm tells Telegram the updates before offset are handled, so that a
// restart does not get them again.
func (c *Client) confirm(ctx context.Context, offset int) {
	params := tgbotapi.Params{"offset": itoa(offset), "timeout": "0", "limit": "1", "allowed_updates": allowedUpdates}
	if _, err := c.call(ctx, "getUpdates", params, c.timeout); err != nil {
		c.log.Warn("telegram: could not confirm the last updates", "err", err)
	}
}
