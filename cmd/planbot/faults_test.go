package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"planbot/bot/stats"
)

// TestConfigNeverEchoesSecrets pastes a token, and a random secret, into
// settings that echo their value: the error names the setting and the
// form it wants, never the value.
func TestConfigNeverEchoesSecrets(t *testing.T) {
	const secret = "b1e4f0c2a9d84e7f9c3b2a1d0e5f6a7b"
	for _, v := range []string{goodToken, secret} {
		for _, tmpl := range []string{
			"telegram:\n  poll_timeout: %q\n",
			"telegram:\n  mode: %q\n",
			"log:\n  level: %q\n",
			"log:\n  format: %q\n",
			"admin:\n  listen: %q\n",
			"telegram:\n  admins: [%q]\n",
			"data:\n  retention: %q\n",
			"data:\n  max_size: %q\n",
			"telegram: {mode: webhook, webhook: {url: \"https://x.org/tg\", secret_token: abc, listen: %q}}\n",
			"web:\n  listen: %q\n",
			"web:\n  cors_origins: [%q]\n",
			"web:\n  trusted_proxies: [%q]\n",
		} {
			src := fmt.Sprintf(tmpl, v)
			_, err := parseServeConfig([]byte(src), withToken(goodToken))
			if err == nil {
				t.Errorf("%q accepted", src)
				continue
			}
			msg := err.Error()
			if strings.Contains(msg, v) || strings.Contains(msg, v[len(v)/2:]) {
				t.Errorf("the error repeats the value: %s", msg)
			}
			if !strings.Contains(msg, "must be") && !strings.Contains(msg, "is not an") {
				t.Errorf("the error does not say what is wanted: %s", msg)
			}
		}
	}
	// A plain wrong value is still quoted: it helps, and it is no secret.
	_, err := parseServeConfig([]byte("log: {level: loud}\n"), withToken(goodToken))
	if err == nil || !strings.Contains(err.Error(), `not "loud"`) {
		t.Errorf("log.level loud: %v", err)
	}
}

func TestConfigData(t *testing.T) {
	tests := []struct {
		yaml      string
		retention time.Duration
		size      int64
		err       string
	}{
		{"", 400 * 24 * time.Hour, 256 << 20, ""},
		{"data: {retention: 30d, max_size: 1GB}", 30 * 24 * time.Hour, 1 << 30, ""},
		{"data: {retention: 2160h, max_size: 512MiB}", 90 * 24 * time.Hour, 512 << 20, ""},
		{"data: {retention: 1h}", 0, 0, "data.retention must be at least a day"},
		{"data: {max_size: 10KB}", 0, 0, "data.max_size must be at least 1MB"},
		{"data: {max_size: lots}", 0, 0, `data.max_size must be a size such as 256MB, not "lots"`},
		{"data: {retention: forever}", 0, 0, `data.retention must be a duration such as 30s, not "forever"`},
	}
	for _, tt := range tests {
		cfg, err := parseServeConfig([]byte(tt.yaml), withToken(goodToken))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: %v, want %q", tt.yaml, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.yaml, err)
			continue
		}
		if time.Duration(cfg.Data.Retention) != tt.retention || int64(cfg.Data.MaxSize) != tt.size {
			t.Errorf("%s: retention %v, max_size %d", tt.yaml, time.Duration(cfg.Data.Retention), cfg.Data.MaxSize)
		}
	}
}

// TestJSONDurations: the JSON log writes a duration as the text log does.
func TestJSONDurations(t *testing.T) {
	var buf bytes.Buffer
	newLogger(&buf, "info", "json").Info("x", "took", 3*time.Millisecond)
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["took"] != "3ms" {
		t.Errorf("took = %#v, want \"3ms\"", rec["took"])
	}
}

// serveWith runs serve with the fake Telegram, a data directory and the
// admin endpoints until it answered /start; the function returned stops it.
func serveWith(t *testing.T, dataDir string) (admin string, logs *syncBuffer, stop func() error) {
	t.Helper()
	f := &fakeTelegram{got: make(chan string, 1)}
	srv := newFakeServer(t, f)
	t.Setenv(tokenEnv, goodToken)
	admin = freeAddr(t)
	path := filepath.Join(t.TempDir(), "c.yaml")
	src := fmt.Sprintf("telegram: {api_endpoint: %q}\nlimits: {per_chat: 1ms}\nadmin: {listen: %q}\ndata: {dir: %q}\n", srv+"/bot%s/%s", admin, dataDir)
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "-config", path}, nil, &bytes.Buffer{}, logs) }()
	select {
	case <-f.got:
	case err := <-done:
		t.Fatalf("serve ended: %v\n%s", err, logs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("no answer:\n%s", logs.String())
	}
	return admin, logs, func() error { cancel(); return <-done }
}

// TestServeDamagedStore starts serve on a damaged stats.db: it answers,
// moves the file aside with one log line, and /healthz says ok.
func TestServeDamagedStore(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "stats.db")
	if err := os.WriteFile(path, bytes.Repeat([]byte("damaged page "), 2000), 0o600); err != nil {
		t.Fatal(err)
	}
	admin, logs, stop := serveWith(t, dir)
	if code, body := get(t, "http://"+admin+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if aside, _ := filepath.Glob(path + ".damaged-*"); len(aside) != 1 || !strings.Contains(logs.String(), aside[0]) {
		t.Errorf("moved aside %v; logs:\n%s", aside, logs.String())
	}
}

// TestServeStoreHeld: a second serve on the same data directory says the
// store is held by another process.
func TestServeStoreHeld(t *testing.T) {
	dir := t.TempDir()
	st, err := stats.Open(filepath.Join(dir, "stats.db"), stats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t.Setenv(tokenEnv, goodToken)
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte(fmt.Sprintf("data: {dir: %q}\n", dir)), 0o600); err != nil {
		t.Fatal(err)
	}
	err = run(context.Background(), []string{"serve", "-config", path}, nil, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "held by another process") {
		t.Errorf("serve = %v", err)
	}
}

// TestHealthzStore: a failing store turns /healthz's second line to
// "degraded: store" and counts planbot_store_errors_total, while the
// status stays 200 and the bot answers.
func TestHealthzStore(t *testing.T) {
	m := newMetrics()
	q := stats.NewQueue(failingWriter{}, stats.QueueOptions{
		Logger:  discardLogger(),
		OnError: func(kind string) { m.storeErrors.WithLabelValues(kind).Inc() },
	})
	ctx := context.Background()
	_ = q.RecordAnswer(ctx, "passage", "x", time.Now())
	if err := q.Close(ctx); err != nil {
		t.Fatal(err)
	}
	l := listen(t)
	var ready readyFlag
	ready.Store(true)
	stop := serveAdmin(ctx, l, m.registry, &ready, q.Err, discardLogger())
	defer stop()
	if code, body := get(t, "http://"+l.Addr().String()+"/healthz"); code != 200 || body != "ok\ndegraded: store (full)\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	_, metrics := get(t, "http://"+l.Addr().String()+"/metrics")
	if !strings.Contains(metrics, `planbot_store_errors_total{kind="full"} 1`) {
		t.Errorf("/metrics lacks the store error:\n%s", metrics)
	}
}

type failingWriter struct{}

func (failingWriter) RecordAnswer(context.Context, string, string, time.Time) error {
	return stats.ErrFull
}
func (failingWriter) RecordUnanswered(context.Context, string, time.Time) error { return stats.ErrFull }
func (failingWriter) RecordFeedback(context.Context, string, bool, string, time.Time) error {
	return stats.ErrFull
}

type readyFlag = atomic.Bool

func newFakeServer(t *testing.T, f *fakeTelegram) string {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv.URL
}

func listen(t *testing.T) net.Listener {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
