package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"slices"
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
// Each batch is handled before the next is asked for, and only then is it
// confirmed (the offset of the next getUpdates, or a last call on the way
// out), so a crash delivers the batch again rather than losing it, and a
// restart repeats none. Updates of one chat are handled in order, different
// chats at once. When ctx ends, Poll stops asking at once and gives the
// batch in hand ShutdownTimeout to finish; what is still unfinished then is
// left unconfirmed, for the next run. Errors of the API are logged and
// retried with growing pauses, except a refused token, which ends Poll with
// the error.
func (c *Client) Poll(ctx context.Context, h Handler) error {
	if err := c.DeleteWebhook(ctx); err != nil && ctx.Err() == nil {
		c.log.Warn("telegram: could not remove the webhook", "err", err)
	}
	work, stop := c.drain(ctx)
	defer stop()
	offset, confirmed := 0, 0
	defer func() {
		if offset > confirmed {
			c.confirm(context.WithoutCancel(ctx), offset)
		}
	}()
	failures := 0
	for ctx.Err() == nil {
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
		if len(batch) == 0 {
			_ = c.sleep(ctx, c.idle)
			continue
		}
		offset = c.handleBatch(work, h, batch, offset)
		if work.Err() != nil {
			break
		}
	}
	return nil
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

// handleBatch handles a batch of updates, each chat's in order and the
// chats at once, and returns the offset that confirms what was handled: past
// the whole batch, or, when ctx ended first, the first update left
// unfinished.
func (c *Client) handleBatch(ctx context.Context, h Handler, batch []json.RawMessage, offset int) int {
	ids := make([]int, len(batch))
	done := make([]bool, len(batch)) // each written by one goroutine, read after Wait
	updates := make([]update, len(batch))
	byChat := map[int64][]int{}
	var chats []int64
	for i, raw := range batch {
		u, err := decode(raw)
		if err != nil {
			ids[i], done[i] = c.dropMalformed(raw, err), true
			continue
		}
		ids[i], updates[i] = u.UpdateID, u
		k := u.chatKey()
		if _, ok := byChat[k]; !ok {
			chats = append(chats, k)
		}
		byChat[k] = append(byChat[k], i)
	}
	var wg sync.WaitGroup
	for _, k := range chats {
		wg.Go(func() {
			for _, i := range byChat[k] {
				if ctx.Err() != nil {
					return // the rest of the chat waits for the next run
				}
				if err := c.process(ctx, h, updates[i]); err != nil && ctx.Err() != nil {
					return // interrupted: not handled
				}
				done[i] = true
			}
		})
	}
	wg.Wait()

	next := offset
	if len(ids) > 0 {
		next = max(next, slices.Max(ids)+1)
	}
	for i, id := range ids {
		if !done[i] && id >= offset {
			next = min(next, id)
		}
	}
	return next
}
