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
	// Prune deletes the records older than the retention, back from now.
	Prune(ctx context.Context, now time.Time) (int, error)
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
// none, or when the bbolt file is damaged and cannot be replaced (the bot
// then serves without recording, as the log says). The *stats.Postgres is
// also returned, nil for bbolt, for the flood limits it shares; replica
// says whether this process is a replica that shares them (it sends to
// Telegram). observe is told how the database's background work goes.
func openStore(ctx context.Context, cfg *serveConfig, observe func(op string, err error), replica bool, log *slog.Logger) (store, *stats.Postgres, error) {
	if cfg.Data.Postgres != "" {
		heartbeat := time.Duration(0) // the default
		if !replica {
			heartbeat = -1
		}
		// A database down at start costs no answer either: the store
		// connects when it can, and records wait meanwhile.
		pg, err := stats.OpenPostgres(ctx, cfg.Data.Postgres, stats.PostgresOptions{
			Retention: time.Duration(cfg.Data.Retention),
			Heartbeat: heartbeat,
			RetryOpen: true,
			Observe:   observe,
		})
		if err != nil {
			return nil, nil, fmt.Errorf("data.postgres: %w", err)
		}
		return pg, pg, nil
	}
	if cfg.Data.Dir == "" {
		return nil, nil, nil
	}
	st, err := openStats(cfg.Data.Dir, stats.Options{
		Retention: time.Duration(cfg.Data.Retention),
		MaxSize:   int64(cfg.Data.MaxSize),
		Logger:    log,
	})
	if st == nil || err != nil {
		return nil, nil, err
	}
	return st, nil, nil
}

// openStats opens the statistics store in the data directory, making it
// if need be; a bad path, or another process on the same store, fails
// before the bot connects. A damaged file does not: stats.Open moves it
// aside and starts a fresh one, or, when even that fails, the bot serves
// without recording (st nil), with one log line that says why.
func openStats(dir string, opts stats.Options) (*stats.Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data.dir: %w", err)
	}
	path := filepath.Join(dir, "stats.db")
	st, err := stats.Open(path, opts)
	if errors.Is(err, stats.ErrDamaged) && opts.Logger != nil {
		opts.Logger.Error("planbot: statistics switched off: the store is damaged and could not be replaced", "file", path, "err", err)
		return nil, nil
	}
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

// storeWatch counts the failures of the database's background work
// (connecting, writing the buffered records, the heartbeat) in
// planbot_store_errors_total, logs them (once a minute for each
// operation), and knows whether the database works: err is the failure of
// an operation whose last attempt failed.
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
	w.mu.Lock()
	defer w.mu.Unlock()
	if err == nil {
		if w.failing[op] != nil {
			w.log.Info("planbot: the store works again", "op", op)
		}
		delete(w.failing, op)
		return
	}
	w.errors.WithLabelValues(stats.ErrorKind(err)).Inc()
	w.failing[op] = err
	if now := time.Now(); now.Sub(w.logged[op]) >= time.Minute {
		w.logged[op] = now
		w.log.Warn("planbot: the store failed; answers go on", "op", op, "err", err)
	}
}

// err is the failure of an operation that fails now; nil when none does.
func (w *storeWatch) err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, op := range []string{"open", "record", "heartbeat"} {
		if w.failing[op] != nil {
			return w.failing[op]
		}
	}
	return nil
}
