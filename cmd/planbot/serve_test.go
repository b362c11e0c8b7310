package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeTelegram is a Bot API on loopback for one /start from a user.
type fakeTelegram struct {
	mu    sync.Mutex
	sent  []string
	polls int
	got   chan string // texts sent by the bot
}

func (f *fakeTelegram) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if !strings.HasPrefix(r.URL.Path, "/bot"+goodToken+"/") {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	_ = r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	switch strings.TrimPrefix(r.URL.Path, "/bot"+goodToken+"/") {
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
	t.Setenv(tokenEnv, goodToken)
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte("telegram: {mode: webhook, webhook: {url: \"https://x\", listen: \":8443\"}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"serve", "-config", path}, nil, &bytes.Buffer{}, &stderr)
	if err == nil || !strings.Contains(err.Error(), "webhook is not available yet") {
		t.Errorf("webhook mode: %v", err)
	}
}
