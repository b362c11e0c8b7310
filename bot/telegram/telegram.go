// Package telegram connects a conversation core (a *bot.Bot) to the
// Telegram Bot API, through github.com/go-telegram-bot-api/telegram-bot-api
// v5.5.1. It is the only code of planbot that sees Telegram's types.
//
// An update comes in (Poll, or ServeWebhook's server), is turned into a
// bot.Message, bot.Callback or bot.InlineQuery, handed to the Handler, and
// the Handler's replies go out through one flood limiter per Client that
// every sendMessage passes, queueing rather than dropping. A call the Bot
// API fails (5xx, no answer, a timeout) is tried again after a pause. An
// update counts as received only once it is handled: Poll confirms it to
// Telegram after, the webhook answers 200 after, so a crash gets it
// delivered again; an update whose replies could not be sent is attempted
// again, a bounded number of times. On shutdown both stop receiving at once
// and give the updates in hand Options.ShutdownTimeout to finish.
//
// Every call carries a context; errors come back as *Error, whose text never
// contains the token (the library's own errors embed the request URL, token
// included, so they are never passed on) nor the webhook's secret. The
// adapter reports what it does through two callbacks of Options, for
// metrics, and logs through log/slog.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"planbot/bot"
)

// DefaultEndpoint is the Bot API's address: a format with the token and the
// method name.
const DefaultEndpoint = tgbotapi.APIEndpoint

// Handler is what the adapter needs of a conversation core.
type Handler interface {
	HandleMessage(bot.Message) []bot.Reply
	HandleCallback(bot.Callback) bot.CallbackAnswer
	HandleInline(bot.InlineQuery) bot.InlineAnswer
}

var _ Handler = (*bot.Bot)(nil)

// Options are the settings of a Client; zero values take the defaults.
type Options struct {
	// Endpoint is the API address format, DefaultEndpoint when empty; a
	// self-hosted Bot API server or a test emulator goes here.
	Endpoint string
	// Timeout bounds one API call other than the long poll (20 s).
	Timeout time.Duration
	// PollTimeout is how long one getUpdates waits for updates (30 s).
	PollTimeout time.Duration
	// IdlePause is how long Poll waits after an empty batch before asking
	// again (250 ms). Telegram holds the long poll itself; a server that
	// answers at once is not hammered.
	IdlePause time.Duration
	// Limits are the outgoing flood limits.
	Limits Limits
	// ShutdownTimeout is how long the updates in hand may take to finish
	// once the context of Poll or ServeWebhook is done (10 s). Those still
	// unfinished then are abandoned unconfirmed, for Telegram to deliver
	// again.
	ShutdownTimeout time.Duration
	// Logger receives the adapter's logs; slog.Default() when nil.
	Logger *slog.Logger
	// OnHandled, when set, is told of every update received, once it is
	// handled. OnAPIError, when set, is told of every Bot API call that
	// failed, except those a shutdown canceled. Both are called from many
	// goroutines at once and must return quickly; they are for metrics.
	OnHandled  func(Handled)
	OnAPIError func(*Error)
}

// Handled describes an update the adapter handled.
type Handled struct {
	// Kind is the kind of update: message, edited_message, callback_query,
	// inline_query, other (kinds the bot does not answer) or malformed.
	Kind string
	// Answer is what kind of answer the update got, "" when none (a group
	// message not for the bot, an edit): one of AnswerKinds.
	Answer string
	// Took is the time from receipt to the last reply sent, flood waits
	// included.
	Took time.Duration
	// Err is the error of sending the answer, nil when it all went.
	Err error
}

// Client talks to the Bot API as one bot.
type Client struct {
	api   *tgbotapi.BotAPI // its Client is replaced per call; see call
	http  *http.Client
	token string
	log   *slog.Logger
	limit *limiter

	timeout, pollTimeout, idle, grace time.Duration
	// sleep waits out a 429 and the pauses of Poll; tests replace it.
	sleep func(context.Context, time.Duration) error

	onHandled  func(Handled)
	onAPIError func(*Error)
	// pending remembers the webhook's updates whose answers failed.
	pending pendingUpdates
	// secret is the webhook's secret once set, scrubbed like the token.
	secret atomic.Pointer[string]
}

// Dial checks the token with getMe and returns a Client for the bot it
// names.
func Dial(ctx context.Context, token string, opts Options) (*Client, error) {
	if token == "" {
		return nil, errors.New("telegram: no token")
	}
	if opts.Endpoint == "" {
		opts.Endpoint = DefaultEndpoint
	}
	if strings.Count(opts.Endpoint, "%s") != 2 {
		return nil, errors.New("telegram: the API endpoint must contain %s twice (token, then method)")
	}
	c := &Client{
		token:       token,
		log:         opts.Logger,
		limit:       newLimiter(opts.Limits),
		timeout:     orDefault(opts.Timeout, 20*time.Second),
		pollTimeout: orDefault(opts.PollTimeout, 30*time.Second),
		idle:        orDefault(opts.IdlePause, 250*time.Millisecond),
		grace:       orDefault(opts.ShutdownTimeout, 10*time.Second),
		sleep:       sleep,
		onHandled:   opts.OnHandled,
		onAPIError:  opts.OnAPIError,
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	// The library has no timeout of its own: the client's bounds every
	// call, a context per call bounds it more tightly.
	c.http = &http.Client{Timeout: c.pollTimeout + c.timeout}
	callCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	// NewBotAPIWithClient calls getMe; a context-bound doer makes that
	// call cancellable too.
	api, err := tgbotapi.NewBotAPIWithClient(token, opts.Endpoint, doer{ctx: callCtx, c: c.http})
	if err != nil {
		return nil, c.apiError("getMe", err)
	}
	api.Client = c.http
	c.api = api
	return c, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Username is the bot's username, without the @.
func (c *Client) Username() string { return c.api.Self.UserName }

// ID is the bot's user ID.
func (c *Client) ID() int64 { return c.api.Self.ID }

// doer binds the requests of one call to its context. The library takes
// an HTTPClient but no context; a copy of the BotAPI with a doer per call
// gives it one.
type doer struct {
	ctx context.Context
	c   *http.Client
}

func (d doer) Do(r *http.Request) (*http.Response, error) { return d.c.Do(r.WithContext(d.ctx)) }

// call makes one API call and returns its result.
func (c *Client) call(ctx context.Context, method string, params tgbotapi.Params, timeout time.Duration) (json.RawMessage, error) {
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	api := *c.api
	api.Client = doer{ctx: callCtx, c: c.http}
	resp, err := api.MakeRequest(method, params)
	if err != nil {
		e := c.apiError(method, err)
		if c.onAPIError != nil && ctx.Err() == nil {
			c.onAPIError(e)
		}
		return nil, e
	}
	return resp.Result, nil
}

// maxRetries bounds the retries of one call after 429 Too Many Requests.
const maxRetries = 3

// do makes a call, waiting out 429s as Telegram asks (retry_after), and
// trying again after a pause when the Bot API fails (5xx, no answer).
func (c *Client) do(ctx context.Context, method string, params tgbotapi.Params) (json.RawMessage, error) {
	for attempt := 0; ; attempt++ {
		res, err := c.call(ctx, method, params, c.timeout)
		var e *Error
		if !errors.As(err, &e) || attempt == maxRetries || ctx.Err() != nil {
			return res, err
		}
		var wait time.Duration
		switch {
		case e.Code == http.StatusTooManyRequests:
			wait = time.Duration(max(e.RetryAfter, 1)) * time.Second
			c.log.Warn("telegram: flood control, waiting", "method", method, "retry_after", wait)
		case redeliver(err):
			wait = retryPause(attempt)
			c.log.Warn("telegram: call failed, trying again", "method", method, "err", err, "retry_in", wait.Round(time.Millisecond))
		default:
			return res, err
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// Error is a failed Bot API call. Its text is scrubbed of the token.
type Error struct {
	Method string
	// Code is the Bot API's error_code (400, 403, 429, …); 0 when the call
	// got no answer from the API.
	Code int
	// RetryAfter is the wait, in seconds, a 429 asks for.
	RetryAfter int
	// MigrateTo is the new chat ID of a group that became a supergroup.
	MigrateTo int64
	msg       string
	cause     error // context.Canceled or context.DeadlineExceeded, else nil
}

func (e *Error) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("telegram: %s: %d %s", e.Method, e.Code, e.msg)
	}
	return "telegram: " + e.Method + ": " + e.msg
}

// Unwrap gives the context's error when that is what ended the call; the
// library's own error is never exposed, as it holds the token.
func (e *Error) Unwrap() error { return e.cause }

// apiError turns an error of the library into an *Error without the token.
func (c *Client) apiError(method string, err error) *Error {
	e := &Error{Method: method}
	var te *tgbotapi.Error
	switch {
	case errors.As(err, &te):
		e.Code = te.Code
		e.RetryAfter = te.RetryAfter
		e.MigrateTo = te.MigrateToChatID
		e.msg = te.Message
		if e.msg == "" {
			e.msg = "request failed"
		}
	case errors.Is(err, context.Canceled):
		e.msg, e.cause = "canceled", context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		e.msg, e.cause = "timed out", context.DeadlineExceeded
	default:
		var ue *url.Error
		if errors.As(err, &ue) {
			// Op and the cause, without the URL.
			e.msg = ue.Op + ": " + ue.Err.Error()
		} else {
			e.msg = err.Error()
		}
		var se *json.SyntaxError
		if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
			e.msg = "the API did not answer in JSON"
		}
	}
	e.msg = c.scrub(e.msg)
	return e
}

// scrub removes the token, however it was escaped, and the webhook's
// secret from s.
func (c *Client) scrub(s string) string {
	if c.token != "" {
		for _, t := range []string{c.token, url.PathEscape(c.token), url.QueryEscape(c.token)} {
			s = strings.ReplaceAll(s, t, "<token>")
		}
	}
	if secret := c.secret.Load(); secret != nil && *secret != "" {
		s = strings.ReplaceAll(s, *secret, "<secret>")
	}
	return s
}

// SetCommands registers the command menu Telegram shows.
func (c *Client) SetCommands(ctx context.Context, cmds []bot.Command) error {
	list := make([]tgbotapi.BotCommand, len(cmds))
	for i, cmd := range cmds {
		list[i] = tgbotapi.BotCommand{Command: cmd.Name, Description: cmd.Description}
	}
	data, err := json.Marshal(list)
	if err != nil {
		return fmt.Errorf("telegram: setMyCommands: %w", err)
	}
	_, err = c.do(ctx, "setMyCommands", tgbotapi.Params{"commands": string(data)})
	return err
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// itoa writes an ID for the API's form parameters.
func itoa[T int | int64](n T) string { return strconv.FormatInt(int64(n), 10) }

// DeleteWebhook removes the bot's webhook, if any, so that getUpdates
// works. Updates that arrived meanwhile are kept for getUpdates.
func (c *Client) DeleteWebhook(ctx context.Context) error {
	_, err := c.do(ctx, "deleteWebhook", tgbotapi.Params{})
	return err
}
