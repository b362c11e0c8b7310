package stats

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Writer is what a Queue records into. *Store is one.
type Writer interface {
	RecordAnswer(ctx context.Context, kind, topic string, at time.Time) error
	RecordUnanswered(ctx context.Context, question string, at time.Time) error
	RecordFeedback(ctx context.Context, resultID string, up bool, once string, at time.Time) error
}

var _ Writer = (*Store)(nil)

// QueueOptions are the settings of a Queue; zero values take the defaults.
type QueueOptions struct {
	// Size is how many records may wait (1024); a record past it is
	// dropped and counted as an error of kind "busy".
	Size int
	// Timeout bounds one write (5 s).
	Timeout time.Duration
	// LogEvery is the least time between two log lines of one kind of
	// error (a minute); the line says how many came meanwhile.
	LogEvery time.Duration
	// Logger gets the errors; slog.Default() when nil.
	Logger *slog.Logger
	// OnError, when set, is told of every failed record, with its kind
	// (ErrorKind); it is for metrics and must return quickly.
	OnError func(kind string)
}

// Queue records in the background, so that the store can never cost an
// answer: the Record methods only queue and return at once, a writer
// goroutine writes, and what fails is logged (once per kind of error and
// LogEvery), counted through OnError, and shown by Err, but never reaches
// the conversation. Queue's Record methods always return nil.
type Queue struct {
	w    Writer
	opts QueueOptions
	recs chan func(context.Context) error
	done chan struct{}

	mu      sync.Mutex
	last    error                // the error of the last write, nil once one succeeds
	logged  map[string]time.Time // when each kind was last logged
	quieted map[string]int       // errors of each kind not logged since
	closed  bool
}

// NewQueue starts a Queue writing into w. Close stops it.
func NewQueue(w Writer, opts QueueOptions) *Queue {
	if opts.Size <= 0 {
		opts.Size = 1024
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.LogEvery <= 0 {
		opts.LogEvery = time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	q := &Queue{
		w:       w,
		opts:    opts,
		recs:    make(chan func(context.Context) error, opts.Size),
		done:    make(chan struct{}),
		logged:  map[string]time.Time{},
		quieted: map[string]int{},
	}
	go q.run()
	return q
}

// run writes the queued records until Close.
func (q *Queue) run() {
	defer close(q.done)
	for rec := range q.recs {
		ctx, cancel := context.WithTimeout(context.Background(), q.opts.Timeout)
		err := rec(ctx)
		cancel()
		q.result(err)
	}
}

// add queues a record, or counts it lost when the queue is full.
func (q *Queue) add(rec func(context.Context) error) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return nil
	}
	select {
	case q.recs <- rec:
	default:
		q.failed(errBusy)
	}
	return nil
}

var errBusy = errors.New("stats: too many records waiting; dropped one")

// result notes the outcome of a write.
func (q *Queue) result(err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if err == nil {
		q.last = nil
		return
	}
	q.failed(err)
}

// failed counts and, at most once per kind and LogEvery, logs err. q.mu
// is held.
func (q *Queue) failed(err error) {
	q.last = err
	kind := ErrorKind(err)
	if q.opts.OnError != nil {
		q.opts.OnError(kind)
	}
	now := time.Now()
	if t, ok := q.logged[kind]; ok && now.Sub(t) < q.opts.LogEvery {
		q.quieted[kind]++
		return
	}
	q.opts.Logger.Error("stats: could not record; the answers go on, the statistics miss this",
		"kind", kind, "err", err.Error(), "more_since_last_line", q.quieted[kind])
	q.logged[kind] = now
	q.quieted[kind] = 0
}

// ErrorKind names the kind of a store error, for logs and metrics:
// damaged, full, busy (the queue, or the buffer of Postgres, was full),
// timeout or failed.
func ErrorKind(err error) string {
	switch {
	case errors.Is(err, ErrDamaged):
		return "damaged"
	case errors.Is(err, ErrFull):
		return "full"
	case errors.Is(err, errBusy), errors.Is(err, ErrBufferFull):
		return "busy"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return "failed"
}

// Err is the error of the last record written, nil when it went (or none
// was written yet): a store that fails now.
func (q *Queue) Err() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.last
}

// Close writes what is queued, waiting at most until ctx is done, and
// stops the Queue. Records after Close are dropped.
func (q *Queue) Close(ctx context.Context) error {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.recs)
	}
	q.mu.Unlock()
	select {
	case <-q.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// RecordAnswer queues Writer.RecordAnswer.
func (q *Queue) RecordAnswer(_ context.Context, kind, topic string, at time.Time) error {
	return q.add(func(ctx context.Context) error { return q.w.RecordAnswer(ctx, kind, topic, at) })
}

// RecordUnanswered queues Writer.RecordUnanswered.
func (q *Queue) RecordUnanswered(_ context.Context, question string, at time.Time) error {
	return q.add(func(ctx context.Context) error { return q.w.RecordUnanswered(ctx, question, at) })
}

// RecordFeedback queues Writer.RecordFeedback.
func (q *Queue) RecordFeedback(_ context.Context, resultID string, up bool, once string, at time.Time) error {
	return q.add(func(ctx context.Context) error { return q.w.RecordFeedback(ctx, resultID, up, once, at) })
}
