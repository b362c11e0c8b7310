package telegram

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Webhook are the settings of ServeWebhook.
type Webhook struct {
	// URL is the public https address Telegram posts updates to. The
	// server answers on its path; a proxy in front must pass the path on
	// unchanged.
	URL string
	// Secret is the secret_token Telegram sends back in the
	// X-Telegram-Bot-Api-Secret-Token header of every request: 1–256 of
	// A–Z, a–z, 0–9, _ and -. Requests without it are refused.
	Secret string
	// MaxConnections bounds the requests Telegram makes at once (1–100);
	// Telegram's default (40) when 0.
	MaxConnections int
}

// secretHeader carries the webhook's secret in Telegram's requests.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateSize caps a webhook request's body. An update is a message of
// at most 4096 characters with its entities, the message it replies to and
// a few objects around: well under this.
const maxUpdateSize = 1 << 20

var secretRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// ServeWebhook receives updates by webhook until ctx is done; then it
// returns nil. It serves on l, with its own http.ServeMux that answers POST
// requests to the path of wh.URL and nothing else, and then tells Telegram
// to post there (setWebhook with the secret). Each request is checked for
// the secret in constant time, its body capped, and its update handled
// before the answer: 200 once handled, so that Telegram delivers again
// what a crash interrupted. When the Bot API does not take a reply (5xx,
// no answer, a timeout, each after sendMessage's retries), the request is
// answered 500, for Telegram to deliver the update again, at most
// maxAttempts times; the replies already sent are not sent again.
//
// When ctx ends, the server stops accepting at once and gives the requests
// in hand ShutdownTimeout to finish; those interrupted then get 503, for
// Telegram to deliver again. The webhook stays set, so that Telegram keeps
// the updates that arrive while the bot is down, or gives them to another
// replica; Poll removes it.
func (c *Client) ServeWebhook(ctx context.Context, h Handler, l net.Listener, wh Webhook) error {
	defer l.Close()
	u, err := url.Parse(wh.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("telegram: the webhook URL must be an https:// address")
	}
	if !secretRe.MatchString(wh.Secret) {
		// Never repeat the secret, even a wrong one.
		return errors.New("telegram: the webhook secret must be 1–256 of A–Z, a–z, 0–9, _ and -")
	}
	path := u.EscapedPath()
	switch {
	case strings.ContainsAny(u.Path, "{}"):
		// The path is taken literally; braces are the mux's wildcards.
		return errors.New("telegram: the webhook URL's path must not contain { or }")
	case path == "" || path == "/":
		path = "/{$}"
	}

	work, stop := c.drain(ctx)
	defer stop()
	mux := http.NewServeMux()
	mux.Handle("POST "+path, c.webhookHandler(work, h, wh.Secret))
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(c.log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	err = c.setWebhook(ctx, wh)
	switch {
	case err == nil:
		c.log.Info("telegram: webhook set", "url", c.scrub(u.Redacted()), "listen", l.Addr().String())
		select {
		case err = <-served:
			return fmt.Errorf("telegram: webhook server: %w", err)
		case <-ctx.Done():
		}
	case ctx.Err() != nil:
		err = nil // stopped while starting
	}
	// Requests may have come before setWebhook answered (an earlier
	// webhook to the same address): they finish too. The handlers give up
	// ShutdownTimeout after ctx ended; a moment more lets their 503s out.
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.grace+time.Second)
	defer cancel()
	if ctx.Err() == nil {
		stop() // setWebhook failed: interrupt what came in, to come again
	}
	if serr := srv.Shutdown(shutCtx); serr != nil {
		_ = srv.Close()
	}
	<-served
	return err
}

// updateID reads the update_id of an update; 0 when it has none.
func updateID(raw []byte) int {
	var id struct {
		UpdateID int `json:"update_id"`
	}
	_ = json.Unmarshal(raw, &id)
	return id.UpdateID
}

// setWebhook tells Telegram where to post updates and with what secret.
func (c *Client) setWebhook(ctx context.Context, wh Webhook) error {
	params := tgbotapi.Params{
		"url":             wh.URL,
		"secret_token":    wh.Secret,
		"allowed_updates": allowedUpdates,
	}
	if wh.MaxConnections > 0 {
		params["max_connections"] = itoa(wh.MaxConnections)
	}
	c.secret.Store(&wh.Secret) // for scrub: errors never show it
	_, err := c.do(ctx, "setWebhook", params)
	return err
}

// webhookHandler handles the requests Telegram posts to the webhook, with
// the context work.
func (c *Client) webhookHandler(work context.Context, h Handler, secret string) http.Handler {
	// Hashes have one length whatever the header's, so the comparison
	// tells nothing of the secret's length either.
	want := sha256.Sum256([]byte(secret))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := sha256.Sum256([]byte(r.Header.Get(secretHeader)))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			c.log.Warn("telegram: webhook request refused: wrong or missing secret", "remote", r.RemoteAddr)
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateSize))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				c.log.Warn("telegram: webhook request refused: body too large", "limit", maxUpdateSize)
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read the request", http.StatusBadRequest)
			return
		}
		if !json.Valid(body) {
			c.log.Warn("telegram: webhook request refused: not JSON")
			http.Error(w, "not JSON", http.StatusBadRequest)
			return
		}
		err = c.HandleUpdate(work, h, body)
		switch {
		case err != nil && work.Err() != nil:
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		case c.again(updateID(body), err):
			// The Bot API did not take the reply: Telegram delivers the
			// update again, and the replies sent are not sent twice.
			http.Error(w, "could not send the reply; deliver again", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
