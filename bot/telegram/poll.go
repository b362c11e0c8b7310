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
// done; then it returns nil. Each batch is handled before the next is asked
// for, and only then is it confirmed (the offset of the next getUpdates), so
// a crash delivers the batch again rather than losing it. Updates of one
// chat are handled in order, different chats at once. Errors of the API are
// logged and retried with growing pauses, except a refused token, which
// ends Poll with the error.
func (c *Client) Poll(ctx context.Context, h Handler) error {
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
			c.log.Warn("telegram: getUpdates failed", "err", err, "retry_in", pause.Round(time.Millisecond))
			_ = c.sleep(ctx, pause)
			continue
		}
		failures = 0
		confirmed = offset
		if len(batch) == 0 {
			_ = c.sleep(ctx, c.idle)
			continue
		}
		if last := c.handleBatch(ctx, h, batch); last >= offset {
			offset = last + 1
		}
	}
	return nil
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
// chats at once, and returns the highest update ID seen.
func (c *Client) handleBatch(ctx context.Context, h Handler, batch []json.RawMessage) int {
	last := -1
	byChat := map[int64][]update{}
	var chats []int64
	for _, raw := range batch {
		u, err := decode(raw)
		if err != nil {
			var id struct {
				UpdateID int `json:"update_id"`
			}
			_ = json.Unmarshal(raw, &id)
			last = max(last, id.UpdateID)
			c.log.Warn("telegram: dropping a malformed update", "update_id", id.UpdateID, "err", err)
			continue
		}
		last = max(last, u.UpdateID)
		k := u.chatKey()
		if _, ok := byChat[k]; !ok {
			chats = append(chats, k)
		}
		byChat[k] = append(byChat[k], u)
	}
	var wg sync.WaitGroup
	for _, k := range chats {
		wg.Go(func() {
			for _, u := range byChat[k] {
				start := time.Now()
				err := c.handle(ctx, h, u)
				c.logHandled(u, err, time.Since(start))
			}
		})
	}
	wg.Wait()
	return last
}

// logHandled logs the outcome of one update, without its text.
func (c *Client) logHandled(u update, err error, took time.Duration) {
	attrs := []any{"update_id", u.UpdateID, "kind", u.kind(), "took", took.Round(time.Millisecond)}
	var e *Error
	switch {
	case err == nil:
		c.log.Debug("telegram: update handled", attrs...)
	case errors.As(err, &e) && e.Code == http.StatusForbidden:
		c.log.Info("telegram: cannot write to the chat (blocked or removed)", append(attrs, "err", err)...)
	case errors.Is(err, context.Canceled):
		c.log.Info("telegram: update interrupted by shutdown", attrs...)
	default:
		c.log.Warn("telegram: update failed", append(attrs, "err", err)...)
	}
}
