package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"planbot/bot"
)

// TestReload checks that a reload swaps the plans for the next update
// while an update in hand finishes on the plans it started with, which
// are released only then; and that a reload that fails keeps the plans.
func TestReload(t *testing.T) {
	path := writePlans(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	load := func(ctx context.Context) (*generation, error) {
		cfg, err := loadPlansConfig(path, os.Getenv)
		if err != nil {
			return nil, err
		}
		lib, err := openLibrary(ctx, cfg.Plans, planCache{})
		if err != nil {
			return nil, err
		}
		return &generation{bot: bot.New(botPlans(lib), lib, bot.Options{}), lib: lib}, nil
	}
	first, err := load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r := &reloadable{cur: first}
	defer r.close()
	ask := func() string {
		return bot.PlainText(r.HandleMessage(bot.Message{ID: 1, ChatType: bot.Private, Text: "/plan"})[0].HTML)
	}
	if got := ask(); !strings.Contains(got, "南京市“十五五”") {
		t.Fatalf("before: %s", got)
	}
	held := r.acquire() // an update in hand
	// The configuration now names the plan otherwise.
	cfg, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(cfg), "    default: true\n", "    default: true\n    name: 金陵“十五五”\n", 1)), 0o600)
	sig := make(chan os.Signal, 1)
	done := make(chan struct{})
	go func() {
		r.reloadOn(ctx, sig, load, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	sig <- syscall.SIGHUP
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(ask(), "金陵“十五五”") {
		if time.Now().After(deadline) {
			t.Fatal("the plans were not reloaded")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The update in hand still searches its plans.
	if _, err := held.lib.Search(ctx, "森林覆盖率", nil, 3); err != nil {
		t.Errorf("the plans in hand were released early: %v", err)
	}
	held.inFlight.Done()
	for {
		if _, err := first.lib.Search(ctx, "森林覆盖率", nil, 3); err != nil {
			break // released
		}
		if time.Now().After(deadline) {
			t.Fatal("the old plans were never released")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A configuration that no longer reads keeps the plans.
	os.WriteFile(path, []byte("plans: [\n"), 0o600)
	sig <- syscall.SIGHUP
	time.Sleep(200 * time.Millisecond)
	if got := ask(); !strings.Contains(got, "金陵“十五五”") {
		t.Errorf("after a failed reload: %s", got)
	}
	cancel()
	<-done
}
