package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"planbot/bot"
	"planbot/bot/telegram"
)

// fakeTelegram is a Bot API on loopback for one /start from a user.
type fakeTelegram struct {
	mu    sync.Mutex
	sent  []string
	polls int
	got   chan string // texts sent by the bot
	// gate, when not nil, holds sendMessage until it closes; sending
	// tells of each held.
	gate    chan struct{}
	sending chan struct{}
	calls   map[string][]url.Values
}

func (f *fakeTelegram) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if !strings.HasPrefix(r.URL.Path, "/bot"+goodToken+"/") {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	_ = r.ParseForm()
	method := strings.TrimPrefix(r.URL.Path, "/bot"+goodToken+"/")
	if method == "sendMessage" && f.gate != nil {
		f.sending <- struct{}{}
		<-f.gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string][]url.Values{}
	}
	f.calls[method] = append(f.calls[method], r.PostForm)
	switch method {
	case "getMe":
		fmt.Fprint(w, `{"ok":true,"result":{"id":42,"is_bot":true,"first_name":"东河","username":"DongheBot"}}`)
	case "getUpdates":
		f.polls++
		if f.polls == 1 {
			fmt.Fprint(w, `{"ok":true,"result":[{"update_id":1,"message":{"message_id":1,"date":1,"from":{"id":7,"first_name":"王"},"chat":{"id":7,"type":"private"},"text":"/start","entities":[{"type":"bot_command","offset":0,"length":6}]}}]}`)
			return
		}
		fmt.Fprint(w, `{"ok":true,"result":[]}`)
	case "sendMessage":
		f.sent = append(f.sent, r.PostForm.Get("text"))
		select {
		case f.got <- r.PostForm.Get("text"):
		default:
		}
		fmt.Fprint(w, `{"ok":true,"result":{"message_id":2,"date":1,"chat":{"id":7,"type":"private"}}}`)
	default:
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": true})
	}
}

func writeConfig(t *testing.T, endpoint, token string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	src := fmt.Sprintf("telegram:\n  token: %q\n  api_endpoint: %q\nlimits: {per_chat: 1ms}\nlog: {level: debug}\n", token, endpoint)
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestServe(t *testing.T) {
	f := &fakeTelegram{got: make(chan string, 1)}
	srv := httptest.NewServer(f)
	defer srv.Close()
	t.Setenv(tokenEnv, "")
	path := writeConfig(t, srv.URL+"/bot%s/%s", goodToken)

	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "-config", path}, strings.NewReader(""), &stdout, &stderr) }()
	var text string
	select {
	case text = <-f.got:
	case err := <-done:
		t.Fatalf("serve ended: %v\n%s", err, stderr.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve = %v", err)
	}
	if !strings.Contains(text, "问答助手") {
		t.Errorf("/start answered %q", text)
	}
	logs := stderr.String()
	if !strings.Contains(logs, "@DongheBot") || strings.Contains(logs, goodToken) {
		t.Errorf("logs:\n%s", logs)
	}
}

func TestServeTokenFromEnvironment(t *testing.T) {
	f := &fakeTelegram{got: make(chan string, 1)}
	srv := httptest.NewServer(f)
	defer srv.Close()
	t.Setenv(tokenEnv, goodToken)
	path := writeConfig(t, srv.URL+"/bot%s/%s", "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var stderr bytes.Buffer
	go func() { done <- run(ctx, []string{"serve", "-config", path}, nil, &bytes.Buffer{}, &stderr) }()
	select {
	case <-f.got:
	case err := <-done:
		t.Fatalf("serve ended: %v\n%s", err, stderr.String())
	}
	cancel()
	<-done
}

func TestServeRefusedToken(t *testing.T) {
	srv := httptest.NewServer(&fakeTelegram{})
	defer srv.Close()
	t.Setenv(tokenEnv, "")
	const wrong = "999:WRONG-token"
	path := writeConfig(t, srv.URL+"/bot%s/%s", wrong)
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"serve", "-config", path}, nil, &bytes.Buffer{}, &stderr)
	if err == nil || !strings.Contains(err.Error(), "refused the token") {
		t.Fatalf("serve = %v", err)
	}
	if strings.Contains(err.Error()+stderr.String(), "WRONG") {
		t.Errorf("the token leaks: %v\n%s", err, stderr.String())
	}
}

func TestServeUsage(t *testing.T) {
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"serve"}, nil, &bytes.Buffer{}, &stderr); !errors.Is(err, errUsage) {
		t.Errorf("serve without -config = %v", err)
	}
	if !strings.Contains(stderr.String(), "-config") {
		t.Errorf("usage: %s", stderr.String())
	}
}

func (f *fakeTelegram) called(method string) []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeWebhook runs serve in webhook mode with the admin endpoints:
// Telegram is told the URL and the secret, a request with the secret is
// answered, one without is refused, and /healthz and /metrics tell.
func TestServeWebhook(t *testing.T) {
	f := &fakeTelegram{got: make(chan string, 10)}
	srv := httptest.NewServer(f)
	defer srv.Close()
	const secret = "hook_SECRET-123"
	t.Setenv(tokenEnv, goodToken)
	t.Setenv(secretEnv, secret)
	hookAddr, adminAddr := freeAddr(t), freeAddr(t)
	hook := "http://" + hookAddr + "/tg"
	path := filepath.Join(t.TempDir(), "c.yaml")
	src := fmt.Sprintf("telegram:\n  api_endpoint: %q\n  mode: webhook\n  webhook: {listen: %q, url: %q}\nadmin: {listen: %q}\nlog: {level: debug, format: json}\n",
		srv.URL+"/bot%s/%s", hookAddr, hook, adminAddr)
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "-config", path}, nil, &bytes.Buffer{}, &stderr) }()
	deadline := time.Now().Add(20 * time.Second)
	for len(f.called("setWebhook")) == 0 {
		select {
		case err := <-done:
			t.Fatalf("serve ended: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no setWebhook after 20s:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	set := f.called("setWebhook")[0]
	if set.Get("url") != hook || set.Get("secret_token") != secret {
		t.Errorf("setWebhook = %v", set)
	}
	if code, body := get(t, "http://"+adminAddr+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	update := `{"update_id":1,"message":{"message_id":1,"date":1,"from":{"id":7,"first_name":"王"},"chat":{"id":7,"type":"private"},"text":"/start","entities":[{"type":"bot_command","offset":0,"length":6}]}}`
	for _, tt := range []struct {
		secret string
		status int
	}{{secret, 200}, {"hook_SECRET-124", 403}, {"", 403}} {
		req, _ := http.NewRequest(http.MethodPost, hook, strings.NewReader(update))
		if tt.secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tt.secret)
		}
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("secret %q: status %d, want %d", tt.secret, resp.StatusCode, tt.status)
		}
	}
	if n := len(f.called("sendMessage")); n != 1 {
		t.Errorf("%d messages sent, want the one answer", n)
	}
	_, metrics := get(t, "http://"+adminAddr+"/metrics")
	for _, want := range []string{
		`planbot_updates_total{kind="message"} 1`,
		`planbot_answers_total{kind="other"} 1`,
		`planbot_answers_total{kind="not_found"} 0`,
		`planbot_update_duration_seconds_count{kind="message"} 1`,
		"go_goroutines ",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve = %v", err)
	}
	if len(f.called("deleteWebhook")) != 0 {
		t.Error("stopping removed the webhook")
	}
	logs := stderr.String()
	if strings.Contains(logs, secret) || strings.Contains(logs, goodToken) || strings.Contains(logs, "SECRET") {
		t.Errorf("logs show a secret:\n%s", logs)
	}
	if !strings.Contains(logs, `"msg":"telegram: webhook set"`) || !strings.Contains(logs, "wrong or missing secret") {
		t.Errorf("logs (JSON):\n%s", logs)
	}
}

// TestServeShutdownInFlight stops serve while its answer is on the way:
// the answer goes out, and serve returns nil (exit 0).
func TestServeShutdownInFlight(t *testing.T) {
	f := &fakeTelegram{got: make(chan string, 1), gate: make(chan struct{}), sending: make(chan struct{}, 1)}
	srv := httptest.NewServer(f)
	defer srv.Close()
	t.Setenv(tokenEnv, "")
	path := writeConfig(t, srv.URL+"/bot%s/%s", goodToken)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "-config", path}, nil, &bytes.Buffer{}, &stderr) }()
	select {
	case <-f.sending:
	case err := <-done:
		t.Fatalf("serve ended: %v\n%s", err, stderr.String())
	}
	cancel() // SIGTERM with the answer in flight
	time.Sleep(50 * time.Millisecond)
	close(f.gate)
	if err := <-done; err != nil {
		t.Fatalf("serve = %v", err)
	}
	if sent := f.called("sendMessage"); len(sent) != 1 || !strings.Contains(sent[0].Get("text"), "问答助手") {
		t.Errorf("sent %v", sent)
	}
	// The update was confirmed on the way out: the last getUpdates asked
	// from offset 2.
	polls := f.called("getUpdates")
	if last := polls[len(polls)-1]; last.Get("offset") != "2" {
		t.Errorf("last getUpdates = %v, want offset 2", last)
	}
}

// syncBuffer is a bytes.Buffer safe for a server's goroutines and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestMetricsKinds checks that the metrics count the kinds of answer the
// core gives: an offer and a decline apart, only a decline as not found.
func TestMetricsKinds(t *testing.T) {
	m := newMetrics()
	for _, answer := range []string{bot.KindOffer, bot.KindNotFound, bot.KindNotFound, bot.KindIndicator} {
		m.handled(telegram.Handled{Kind: "message", Answer: answer})
	}
	m.handled(telegram.Handled{Kind: "inline_query", Answer: bot.KindOffer})
	families, err := m.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, mt := range f.GetMetric() {
			for _, l := range mt.GetLabel() {
				got[f.GetName()+"/"+l.GetValue()] = mt.GetCounter().GetValue()
			}
		}
	}
	for key, want := range map[string]float64{
		"planbot_answers_total/offer":                  2,
		"planbot_answers_total/not_found":              2,
		"planbot_answers_total/indicator":              1,
		"planbot_not_found_answers_total/message":      2,
		"planbot_not_found_answers_total/inline_query": 0,
	} {
		if got[key] != want {
			t.Errorf("%s = %v, want %v", key, got[key], want)
		}
	}
}
