package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"planbot/bot"
	"planbot/bot/stats"
	"planbot/bot/telegram"
)

// store is what the bot keeps across restarts: an embedded bbolt file in
// data.dir (*stats.Store), or PostgreSQL shared by replicas
// (*stats.Postgres) when data.postgres is set.
type store interface {
	bot.Recorder
	bot.Reporter
	bot.ChatPlans
	Prune(ctx context.Context, before time.Time) (int, error)
	Counts(ctx context.Context) (stats.Counts, error)
	Export(ctx context.Context, yield func(stats.Record) error) error
	Import(ctx context.Context, recs []stats.Record) error
	Close() error
}

var (
	_ store                 = (*stats.Store)(nil)
	_ store                 = (*stats.Postgres)(nil)
	_ telegram.SharedLimits = (*stats.Postgres)(nil)
)

// openStore opens the store the configuration names; nil when it names
// none. The *stats.Postgres is also returned, nil for bbolt, for the flood
// limits it shares. observe is told how the store's background work goes.
func openStore(ctx context.Context, cfg *serveConfig, observe func(op string, err error)) (store, *stats.Postgres, error) {
	if cfg.Data.Postgres != "" {
		pg, err := stats.OpenPostgres(ctx, cfg.Data.Postgres, stats.PostgresOptions{Observe: observe})
		if err != nil {
			return nil, nil, fmt.Errorf("data.postgres: %w", err)
		}
		return pg, pg, nil
	}
	if cfg.Data.Dir == "" {
		return nil, nil, nil
	}
	st, err := openStats(cfg.Data.Dir)
	if err != nil {
		return nil, nil, err
	}
	return st, nil, nil
}

// openStats opens the statistics store in the data directory, making it
// if need be; a bad path fails before the bot connects.
func openStats(dir string) (*stats.Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data.dir: %w", err)
	}
	st, err := stats.Open(filepath.Join(dir, "stats.db"))
	if err != nil {
		return nil, fmt.Errorf("data.dir: %w", err)
	}
	return st, nil
}

// storeName says which store the configuration names, for logs and
// output: the database's address without its password, or the file.
func storeName(cfg *serveConfig) string {
	if cfg.Data.Postgres != "" {
		u, err := url.Parse(cfg.Data.Postgres)
		if err != nil {
			return "postgres"
		}
		u.User = url.User(u.User.Username())
		u.RawQuery = ""
		return "postgres " + u.String()
	}
	return "bbolt " + filepath.Join(cfg.Data.Dir, "stats.db")
}

// storeWatch counts the store's failures in planbot_store_errors_total,
// logs them (once a minute for each operation), and knows whether the
// store works: the operations whose last attempt failed.
type storeWatch struct {
	errors *prometheus.CounterVec
	log    *slog.Logger

	mu      sync.Mutex
	failing map[string]error
	logged  map[string]time.Time
}

func newStoreWatch(m *metrics, log *slog.Logger) *storeWatch {
	return &storeWatch{errors: m.storeErrors, log: log, failing: map[string]error{}, logged: map[string]time.Time{}}
}

// observe notes the outcome of an operation on the store.
func (w *storeWatch) observe(op string, err error) {
	if errors.Is(err, context.Canceled) {
		return // shutting down, or the update was given up
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err == nil {
		if w.failing[op] != nil {
			w.log.Info("planbot: the store works again", "op", op)
		}
		delete(w.failing, op)
		return
	}
	w.errors.WithLabelValues(op).Inc()
	w.failing[op] = err
	if now := time.Now(); now.Sub(w.logged[op]) >= time.Minute {
		w.logged[op] = now
		w.log.Warn("planbot: the store failed; answers go on", "op", op, "err", err)
	}
}

// degraded says what fails, "" when nothing does.
func (w *storeWatch) degraded() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, op := range []string{"record", "report", "chat_plan", "heartbeat"} {
		if w.failing[op] != nil {
			return "store (" + op + ")"
		}
	}
	return ""
}

// watched is a store whose every failure the watch sees.
type watched struct {
	store
	w *storeWatch
}

func (s watched) RecordAnswer(ctx context.Context, kind, topic string, at time.Time) error {
	err := s.store.RecordAnswer(ctx, kind, topic, at)
	s.w.observe("record", err)
	return err
}

func (s watched) RecordUnanswered(ctx context.Context, question string, at time.Time) error {
	err := s.store.RecordUnanswered(ctx, question, at)
	s.w.observe("record", err)
	return err
}

func (s watched) RecordFeedback(ctx context.Context, resultID string, up bool, at time.Time) error {
	err := s.store.RecordFeedback(ctx, resultID, up, at)
	s.w.observe("record", err)
	return err
}

func (s watched) Report(ctx context.Context, since, until time.Time, n int) (stats.Report, error) {
	r, err := s.store.Report(ctx, since, until, n)
	s.w.observe("report", err)
	return r, err
}

func (s watched) ChatPlan(ctx context.Context, chat int64) (string, bool, error) {
	p, ok, err := s.store.ChatPlan(ctx, chat)
	s.w.observe("chat_plan", err)
	return p, ok, err
}

func (s watched) SetChatPlan(ctx context.Context, chat int64, plan string) error {
	err := s.store.SetChatPlan(ctx, chat, plan)
	s.w.observe("chat_plan", err)
	return err
}
