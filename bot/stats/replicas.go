package stats

// The replicas sharing a Postgres store, and the flood limits they share:
// each replica writes a heartbeat row (replicas) every Heartbeat and counts
// those seen lately; each message to a chat reserves the chat's next slot
// (chat_sends) in one atomic statement, on the database's clock.

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// heartbeat writes this replica's row and counts the replicas alive.
// Every hundredth one also forgets the replicas and chats long quiet.
func (s *Postgres) heartbeat(ctx context.Context) {
	tidy := s.beats.Add(1)%100 == 1
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	alive := 3 * s.opts.Heartbeat
	var n int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO replicas (id, seen_at) VALUES ($1, now())
			ON CONFLICT (id) DO UPDATE SET seen_at = now()`, s.replica); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM replicas WHERE seen_at > now() - $1::bigint * interval '1 microsecond'",
			alive.Microseconds()).Scan(&n); err != nil {
			return err
		}
		if !tidy {
			return nil
		}
		if _, err := tx.Exec(ctx, "DELETE FROM replicas WHERE seen_at < now() - interval '1 hour'"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DELETE FROM chat_sends WHERE next_at < now() - interval '1 hour'")
		return err
	})
	if err != nil {
		s.observe("heartbeat", s.errorf("stats: postgres: heartbeat: %w", err))
		return
	}
	s.observe("heartbeat", nil)
	s.replicas.Store(max(n, 1))
}

// beat runs heartbeat every Heartbeat until ctx ends.
func (s *Postgres) beat(ctx context.Context) {
	t := time.NewTicker(s.opts.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.heartbeat(ctx)
		}
	}
}

// Replicas is how many replicas share the database, this one included, as
// the last heartbeat counted them (the last count while the database is
// unreachable).
func (s *Postgres) Replicas() int {
	return int(s.replicas.Load())
}

// sharedBackoff is how long the shared per-chat limit is not asked after
// it failed.
const sharedBackoff = 5 * time.Second

// errSharedDown is ReserveChat's error while it backs off.
var errSharedDown = errors.New("stats: postgres: shared flood limits unavailable")

// ReserveChat reserves the next message to chat for whichever replica
// asks, at least gap after the one reserved before, and returns how long
// to wait until it may go. The slot is set atomically in the database and
// measured on the database's clock, so replicas' clocks need not agree.
// While the database fails it answers an error at once.
func (s *Postgres) ReserveChat(ctx context.Context, chat int64, gap time.Duration) (time.Duration, error) {
	if !s.ready.Load() {
		return 0, errNotReady
	}
	if f := s.failedAt.Load(); f != 0 && time.Since(time.Unix(0, f)) < sharedBackoff {
		return 0, errSharedDown
	}
	ctx, cancel := context.WithTimeout(ctx, min(s.opts.Timeout, time.Second))
	defer cancel()
	var wait int64
	err := s.pool.QueryRow(ctx, `INSERT INTO chat_sends AS c (chat_id, next_at)
		VALUES ($1, clock_timestamp() + $2::bigint * interval '1 microsecond')
		ON CONFLICT (chat_id) DO UPDATE
		SET next_at = greatest(c.next_at, clock_timestamp()) + $2::bigint * interval '1 microsecond'
		RETURNING (extract(epoch FROM c.next_at - clock_timestamp()) * 1000000)::bigint - $2::bigint`,
		chat, gap.Microseconds()).Scan(&wait)
	if err != nil {
		if ctx.Err() == nil || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			s.failedAt.Store(time.Now().UnixNano())
		}
		return 0, s.errorf("stats: postgres: reserve chat: %w", err)
	}
	s.failedAt.Store(0)
	return max(time.Duration(wait)*time.Microsecond, 0), nil
}
