package stats

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PostgresOptions tune a Postgres store; the zero value is the defaults.
type PostgresOptions struct {
	// MaxConns bounds the connections to the database (4).
	MaxConns int32
	// Timeout bounds each statement and each connection attempt (5 s).
	Timeout time.Duration
	// Buffer is how many records wait in memory while the database
	// cannot take them (10 000); past it, new records are dropped and
	// counted as failures.
	Buffer int
	// Heartbeat is how often the replica says it is alive (5 s); a replica
	// silent for three heartbeats no longer counts. Negative: this is no
	// replica (a tool such as planbot stats), it is not counted.
	Heartbeat time.Duration
	// Retention is how long records are kept: Prune deletes older ones.
	// Zero keeps them all.
	Retention time.Duration
	// RetryOpen, when the database cannot be reached at open, returns a
	// store anyway that keeps trying in the background (observed as op
	// "open"): records wait in the buffer, everything else fails until it
	// is reached. Without it, OpenPostgres returns the error. A schema
	// newer than the program's is an error either way.
	RetryOpen bool
	// Observe, when set, is told the outcome of each background operation
	// (op "record" for a batch written, "heartbeat"): err nil when it
	// succeeded. Its errors never hold the password.
	Observe func(op string, err error)
}

// Postgres is a store in a PostgreSQL database, for several replicas of
// the bot to share: what one records, the others report, and a chat's
// plan chosen through one holds on all. It is safe for concurrent use.
//
// Records are written in the background, in batches: recording never
// waits for the database, and while the database is unreachable up to
// Buffer records wait in memory and are written when it answers again
// (lost if the process stops first). Reading (Report, ChatPlan) and
// SetChatPlan ask the database at once, within Timeout.
type Postgres struct {
	pool    *pgxpool.Pool
	secrets []string // the password, scrubbed from every error
	salt    []byte   // of the hashes of who pressed 👍/👎
	opts    PostgresOptions
	replica string

	queue    chan row
	pending  atomic.Int64 // records recorded and not yet written or dropped
	replicas atomic.Int64
	beats    atomic.Int64 // heartbeats sent
	ready    atomic.Bool  // the schema is up to date and the salt read
	failing  atomic.Bool  // the last batch of records failed

	// failedAt is when the shared flood limits last failed (unix nanos):
	// they are not asked again for a while, so that sending does not wait
	// on a database that is down.
	failedAt atomic.Int64

	stop context.CancelFunc
	wg   sync.WaitGroup
	once sync.Once
}

// row is a record on its way to the database.
type row struct {
	table string // answers, unanswered, feedback
	at    time.Time
	a, b  string // kind and topic, question, result
	up    bool
	once  string // feedback: who pressed under what, hashed when written
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one step of the schema, numbered from 1 by its file name.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations are the schema's steps in order.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("stats: migration %s: no number", base)
		}
		src, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: n, name: base, sql: string(src)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("stats: migration %s: want number %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the version of the schema this program makes.
func SchemaVersion() int {
	ms, _ := migrations()
	return len(ms)
}

// migrationLock is the key of the advisory lock that migrations hold, so
// that replicas starting at once migrate one after the other.
const migrationLock = 0x706c616e626f74 // "planbot"

// OpenPostgres connects to the database at url (postgres://user:password@host/db)
// and brings its schema up to date. The password never appears in an error.
func OpenPostgres(ctx context.Context, url string, opts PostgresOptions) (*Postgres, error) {
	if opts.MaxConns <= 0 {
		opts.MaxConns = 4
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Buffer <= 0 {
		opts.Buffer = 10000
	}
	if opts.Heartbeat == 0 {
		opts.Heartbeat = 5 * time.Second
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx hides the password of a URL it cannot parse only as far as
		// it can tell where it is: say no more than that it is wrong.
		return nil, errors.New("stats: not a valid postgres:// address")
	}
	s := &Postgres{opts: opts, queue: make(chan row, opts.Buffer)}
	if pw := cfg.ConnConfig.Password; pw != "" {
		s.secrets = append(s.secrets, pw)
	}
	cfg.MaxConns = opts.MaxConns
	cfg.MinConns = 0
	cfg.HealthCheckPeriod = 30 * time.Second
	cfg.MaxConnIdleTime = 5 * time.Minute
	cfg.ConnConfig.ConnectTimeout = opts.Timeout
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "planbot"
	// A statement that hangs is cut by the server too, not only by the
	// context of the call.
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(opts.Timeout.Milliseconds(), 10)
	s.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, s.errorf("stats: postgres: %w", err)
	}
	err = s.setup(ctx)
	if err != nil && (!opts.RetryOpen || errors.Is(err, errSchemaNewer)) {
		s.pool.Close()
		return nil, err
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	s.replica = hex.EncodeToString(id[:])
	s.replicas.Store(1)
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stop = stop
	s.wg.Add(2)
	go s.write(bg)
	if err == nil && opts.Heartbeat > 0 {
		s.heartbeat(ctx) // the replicas counted from the start
	}
	go func() {
		defer s.wg.Done()
		if err != nil {
			s.observe("open", err)
			if !s.retrySetup(bg) {
				return
			}
			if opts.Heartbeat > 0 {
				s.heartbeat(bg)
			}
		}
		if opts.Heartbeat > 0 {
			s.beat(bg)
		}
	}()
	return s, nil
}

// setup brings the schema up to date and reads the salt; the store is
// ready once it succeeded.
func (s *Postgres) setup(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 4*s.opts.Timeout)
	defer cancel()
	if err := s.migrate(ctx, 0); err != nil {
		return err
	}
	if err := s.loadSalt(ctx); err != nil {
		return err
	}
	s.ready.Store(true)
	return nil
}

// retrySetup tries setup again, with pauses growing to 30 s, until it
// succeeds (true) or ctx ends (false).
func (s *Postgres) retrySetup(ctx context.Context) bool {
	pause := time.Second
	for {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(pause):
		}
		err := s.setup(ctx)
		s.observe("open", err)
		if err == nil {
			return true
		}
		pause = min(2*pause, 30*time.Second)
	}
}

// errNotReady is the error of a store whose database was not reached yet.
var errNotReady = errors.New("stats: postgres: the database was not reached yet")

// errSchemaNewer is the error of a database migrated by a newer planbot.
var errSchemaNewer = errors.New("newer than this program's")

// migrate applies the migrations the database lacks, up to version upto
// (all when 0), in one transaction that holds an advisory lock: replicas
// starting at once wait for one another, and a failed step leaves the
// schema as it was.
func (s *Postgres) migrate(ctx context.Context, upto int) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if upto > 0 {
		ms = ms[:upto]
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrationLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS planbot_schema (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var have int
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM planbot_schema").Scan(&have); err != nil {
			return err
		}
		if upto == 0 && have > len(ms) {
			return fmt.Errorf("the database's schema is version %d, %w %d: upgrade planbot", have, errSchemaNewer, len(ms))
		}
		for _, m := range ms[min(have, len(ms)):] {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO planbot_schema (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return s.errorf("stats: postgres schema: %w", err)
	}
	return nil
}

// loadSalt reads the database's salt, making it the first time.
func (s *Postgres) loadSalt(ctx context.Context) error {
	salt := make([]byte, 32)
	_, _ = rand.Read(salt)
	_, err := s.pool.Exec(ctx, "INSERT INTO meta (key, value) VALUES ('salt', $1) ON CONFLICT (key) DO NOTHING", salt)
	if err == nil {
		err = s.pool.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'salt'").Scan(&s.salt)
	}
	if err != nil {
		return s.errorf("stats: postgres: salt: %w", err)
	}
	return nil
}

// Close writes what is buffered (within Timeout), stops the heartbeat,
// leaves the replicas, and closes the connections.
func (s *Postgres) Close() error {
	var err error
	s.once.Do(func() {
		s.stop()
		s.wg.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, _ = s.pool.Exec(ctx, "DELETE FROM replicas WHERE id = $1", s.replica)
		if n := s.pending.Load(); n > 0 {
			err = fmt.Errorf("stats: postgres: %d records not written before closing", n)
		}
		s.pool.Close()
	})
	return err
}

// errorf formats an error as fmt.Errorf does, with the password scrubbed
// from its text.
func (s *Postgres) errorf(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	text := err.Error()
	for _, secret := range s.secrets {
		text = strings.ReplaceAll(text, secret, "xxxxx")
	}
	return &scrubbed{text: text, err: err}
}

// scrubbed is an error whose text had a secret removed; Is and As still
// see the cause.
type scrubbed struct {
	text string
	err  error
}

func (e *scrubbed) Error() string { return e.text }
func (e *scrubbed) Unwrap() error { return errors.Unwrap(e.err) }

func (s *Postgres) observe(op string, err error) {
	if s.opts.Observe != nil {
		s.opts.Observe(op, err)
	}
}

// ErrBufferFull is the error of a record dropped because the database has
// not taken the records before it.
var ErrBufferFull = errors.New("stats: postgres: records waiting for the database past the buffer; record dropped")

// enqueue hands a record to the writer without waiting.
func (s *Postgres) enqueue(ctx context.Context, r row) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.pending.Add(1)
	select {
	case s.queue <- r:
		return nil
	default:
		s.pending.Add(-1)
		return ErrBufferFull // for the caller to count
	}
}

// RecordAnswer counts one answered question; see Store.RecordAnswer.
func (s *Postgres) RecordAnswer(ctx context.Context, kind, topic string, at time.Time) error {
	return s.enqueue(ctx, row{table: "answers", at: at, a: clean(kind), b: clean(topic)})
}

// RecordUnanswered records a question the plan did not answer; see
// Store.RecordUnanswered.
func (s *Postgres) RecordUnanswered(ctx context.Context, question string, at time.Time) error {
	q := clean(question)
	if q == "" {
		return ctx.Err()
	}
	return s.enqueue(ctx, row{table: "unanswered", at: at, a: q})
}

// RecordFeedback records a 👍 or 👎; see Store.RecordFeedback. once names
// the press (its message and user): a second press with the same once is
// not counted, whichever replica records it. once is kept only as a hash
// salted with the database's secret, as long as the records.
func (s *Postgres) RecordFeedback(ctx context.Context, resultID string, up bool, once string, at time.Time) error {
	return s.enqueue(ctx, row{table: "feedback", at: at, a: clean(resultID), up: up, once: once})
}

// pressHash is the salted hash a press is known by, as the bbolt store
// makes it, so that hashes move between the stores.
func pressHash(salt []byte, once string) []byte {
	mac := hmac.New(sha256.New, salt)
	mac.Write([]byte(once))
	return mac.Sum(nil)[:16]
}

// maxBatch is how many records one transaction writes at most.
const maxBatch = 500

// write writes the queued records in batches until ctx ends, then what is
// left within Timeout. A batch that fails is kept and tried again, with
// pauses that grow to 5 s.
func (s *Postgres) write(ctx context.Context) {
	defer s.wg.Done()
	var batch []row
	pause := 100 * time.Millisecond
	for {
		if len(batch) == 0 {
			select {
			case r := <-s.queue:
				batch = append(batch, r)
			case <-ctx.Done():
				s.drain(nil)
				return
			}
		}
		batch = s.fill(batch)
		wctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
		err := s.insert(wctx, batch)
		cancel()
		s.observe("record", err)
		s.failing.Store(err != nil)
		if err == nil {
			s.pending.Add(-int64(len(batch)))
			batch = batch[:0]
			pause = 100 * time.Millisecond
			continue
		}
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			s.drain(batch)
			return
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// fill adds to batch what is queued, up to maxBatch, without waiting.
func (s *Postgres) fill(batch []row) []row {
	for len(batch) < maxBatch {
		select {
		case r := <-s.queue:
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// drain writes batch and what is queued, within Timeout.
func (s *Postgres) drain(batch []row) {
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.Timeout)
	defer cancel()
	for {
		batch = s.fill(batch)
		if len(batch) == 0 {
			return
		}
		err := s.insert(ctx, batch)
		s.observe("record", err)
		if err != nil {
			return // counted as pending by Close
		}
		s.pending.Add(-int64(len(batch)))
		batch = batch[:0]
	}
}

// insert writes rows in one transaction.
func (s *Postgres) insert(ctx context.Context, rows []row) error {
	if !s.ready.Load() {
		return errNotReady
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var b pgx.Batch
		for _, r := range rows {
			switch r.table {
			case "answers":
				b.Queue("INSERT INTO answers (at, kind, topic) VALUES ($1, $2, $3)", r.at, r.a, r.b)
			case "unanswered":
				b.Queue("INSERT INTO unanswered (at, question) VALUES ($1, $2)", r.at, r.a)
			case "feedback":
				if r.once == "" {
					b.Queue("INSERT INTO feedback (at, result, up) VALUES ($1, $2, $3)", r.at, r.a, r.up)
					continue
				}
				// Counted only if this press is new.
				b.Queue(`WITH p AS (INSERT INTO pressed (hash, at) VALUES ($4, $1) ON CONFLICT (hash) DO NOTHING RETURNING 1)
					INSERT INTO feedback (at, result, up) SELECT $1, $2, $3 FROM p`, r.at, r.a, r.up, pressHash(s.salt, r.once))
			}
		}
		return tx.SendBatch(ctx, &b).Close()
	})
	if err != nil {
		return s.errorf("stats: postgres: record: %w", err)
	}
	return nil
}

// flush waits until every record recorded so far is written, or ctx
// ends, or Timeout passes, or the writer fails (the database is down: the
// records wait for it, not the caller).
func (s *Postgres) flush(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	for s.pending.Load() > 0 && ctx.Err() == nil && !s.failing.Load() && s.ready.Load() {
		time.Sleep(5 * time.Millisecond)
	}
}

// Pending is how many records wait in memory to be written.
func (s *Postgres) Pending() int {
	return int(s.pending.Load())
}

// period is the condition on at for [since, until), zero times open.
func period(since, until time.Time) (string, []any) {
	var conds []string
	var args []any
	if !since.IsZero() {
		args = append(args, since)
		conds = append(conds, fmt.Sprintf("at >= $%d", len(args)))
	}
	if !until.IsZero() {
		args = append(args, until)
		conds = append(conds, fmt.Sprintf("at < $%d", len(args)))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Report summarises the records from since up to but not including until,
// as Store.Report does. It first waits briefly for this replica's records
// still in memory, so that it reports them too.
func (s *Postgres) Report(ctx context.Context, since, until time.Time, n int) (Report, error) {
	if !s.ready.Load() {
		return Report{}, errNotReady
	}
	s.flush(ctx)
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	r := Report{Since: since, Until: until}
	topics, kinds, questions, disliked := counter{}, counter{}, counter{}, counter{}
	where, args := period(since, until)
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		// each runs a grouped count over the period and calls f per row.
		each := func(sql string, dest []any, f func()) error {
			rows, err := tx.Query(ctx, sql, args...)
			if err != nil {
				return err
			}
			_, err = pgx.ForEachRow(rows, dest, func() error { f(); return nil })
			return err
		}
		var kind, topic, q, result string
		var up bool
		var c int
		err := each("SELECT kind, topic, count(*) FROM answers"+where+" GROUP BY kind, topic", []any{&kind, &topic, &c}, func() {
			r.Answered += c
			kinds[kind] += c
			if topic != "" {
				topics[topic] += c
			}
		})
		if err != nil {
			return err
		}
		err = each("SELECT question, count(*) FROM unanswered"+where+" GROUP BY question", []any{&q, &c}, func() {
			r.Unanswered += c
			questions[q] += c
		})
		if err != nil {
			return err
		}
		err = each("SELECT result, up, count(*) FROM feedback"+where+" GROUP BY result, up", []any{&result, &up, &c}, func() {
			if up {
				r.Up += c
			} else {
				r.Down += c
				disliked[result] += c
			}
		})
		return err
	})
	if err != nil {
		return Report{}, s.errorf("stats: report: %w", err)
	}
	r.Topics = topics.top(n)
	r.Kinds = kinds.top(0)
	r.Questions = questions.top(n)
	r.Disliked = disliked.top(n)
	return r, nil
}

// ChatPlan is the plan chat chose; false when it chose none.
func (s *Postgres) ChatPlan(ctx context.Context, chat int64) (string, bool, error) {
	if !s.ready.Load() {
		return "", false, errNotReady
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	var plan string
	err := s.pool.QueryRow(ctx, "SELECT plan FROM chat_plans WHERE chat_id = $1", chat).Scan(&plan)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, s.errorf("stats: chat plan: %w", err)
	}
	return plan, true, nil
}

// SetChatPlan keeps plan as chat's choice; an empty plan forgets it.
func (s *Postgres) SetChatPlan(ctx context.Context, chat int64, plan string) error {
	if !s.ready.Load() {
		return errNotReady
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	var err error
	if plan = clean(plan); plan == "" {
		_, err = s.pool.Exec(ctx, "DELETE FROM chat_plans WHERE chat_id = $1", chat)
	} else {
		_, err = s.pool.Exec(ctx, `INSERT INTO chat_plans (chat_id, plan, at) VALUES ($1, $2, now())
			ON CONFLICT (chat_id) DO UPDATE SET plan = excluded.plan, at = excluded.at`, chat, plan)
	}
	if err != nil {
		return s.errorf("stats: set chat plan: %w", err)
	}
	return nil
}

// Prune deletes the records older than Retention, counted back from now,
// and the hashes of the presses as old; it returns how many records went.
// Chats' plans are kept.
func (s *Postgres) Prune(ctx context.Context, now time.Time) (int, error) {
	if !s.ready.Load() {
		return 0, errNotReady
	}
	if s.opts.Retention <= 0 {
		return 0, nil
	}
	before := now.Add(-s.opts.Retention)
	s.flush(ctx)
	ctx, cancel := context.WithTimeout(ctx, 4*s.opts.Timeout)
	defer cancel()
	n := 0
	for _, table := range []string{"answers", "unanswered", "feedback"} {
		tag, err := s.pool.Exec(ctx, "DELETE FROM "+table+" WHERE at < $1", before)
		if err != nil {
			return n, s.errorf("stats: prune: %w", err)
		}
		n += int(tag.RowsAffected())
	}
	// Who pressed is kept as long as the presses.
	if _, err := s.pool.Exec(ctx, "DELETE FROM pressed WHERE at < $1", before); err != nil {
		return n, s.errorf("stats: prune: %w", err)
	}
	return n, nil
}

// Counts counts the records of each type.
func (s *Postgres) Counts(ctx context.Context) (Counts, error) {
	if !s.ready.Load() {
		return Counts{}, errNotReady
	}
	s.flush(ctx)
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	var c Counts
	err := s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM answers), (SELECT count(*) FROM unanswered),
		(SELECT count(*) FROM feedback), (SELECT count(*) FROM chat_plans),
		(SELECT count(*) FROM pressed)`).
		Scan(&c.Answers, &c.Unanswered, &c.Feedback, &c.ChatPlans, &c.Presses)
	if err != nil {
		return Counts{}, s.errorf("stats: count: %w", err)
	}
	return c, nil
}

// Export calls yield with every record, by type and then in time order.
func (s *Postgres) Export(ctx context.Context, yield func(Record) error) error {
	if !s.ready.Load() {
		return errNotReady
	}
	s.flush(ctx)
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		var r Record
		each := func(sql string, scan []any, typ string) error {
			rows, err := tx.Query(ctx, sql)
			if err != nil {
				return err
			}
			_, err = pgx.ForEachRow(rows, scan, func() error {
				r.Type = typ
				out := r
				out.At = out.At.UTC()
				r = Record{}
				return yield(out)
			})
			return err
		}
		var salt []byte
		if err := tx.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'salt'").Scan(&salt); err != nil {
			return err
		}
		if err := yield(Record{Type: TypeSalt, Hash: hex.EncodeToString(salt)}); err != nil {
			return err
		}
		if err := each("SELECT at, kind, topic FROM answers ORDER BY at, id", []any{&r.At, &r.Kind, &r.Topic}, TypeAnswer); err != nil {
			return err
		}
		if err := each("SELECT at, question FROM unanswered ORDER BY at, id", []any{&r.At, &r.Question}, TypeUnanswered); err != nil {
			return err
		}
		if err := each("SELECT at, result, up FROM feedback ORDER BY at, id", []any{&r.At, &r.Result, &r.Up}, TypeFeedback); err != nil {
			return err
		}
		if err := each("SELECT at, encode(hash, 'hex') FROM pressed ORDER BY hash", []any{&r.At, &r.Hash}, TypePressed); err != nil {
			return err
		}
		return each("SELECT at, chat_id, plan FROM chat_plans ORDER BY chat_id", []any{&r.At, &r.Chat, &r.Plan}, TypeChatPlan)
	})
	if err != nil {
		return s.errorf("stats: export: %w", err)
	}
	return nil
}

// Import adds recs, all or none, as they are (no cleaning beyond what
// recording did). A chat's plan replaces the one it had.
func (s *Postgres) Import(ctx context.Context, recs []Record) error {
	if !s.ready.Load() {
		return errNotReady
	}
	if err := checkRecords(recs); err != nil {
		return err
	}
	var answers, unanswered, feedback [][]any
	var plans pgx.Batch // and presses
	var salt []byte
	for _, r := range recs {
		switch r.Type {
		case TypeSalt:
			salt = r.hashBytes()
		case TypePressed:
			plans.Queue("INSERT INTO pressed (hash, at) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING", r.hashBytes(), r.At)
		case TypeAnswer:
			answers = append(answers, []any{r.At, r.Kind, r.Topic})
		case TypeUnanswered:
			unanswered = append(unanswered, []any{r.At, r.Question})
		case TypeFeedback:
			feedback = append(feedback, []any{r.At, r.Result, r.Up})
		case TypeChatPlan:
			plans.Queue(`INSERT INTO chat_plans (chat_id, plan, at) VALUES ($1, $2, $3)
				ON CONFLICT (chat_id) DO UPDATE SET plan = excluded.plan, at = excluded.at`, r.Chat, r.Plan, r.At)
		}
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// A database without presses takes the salt they were hashed
		// with, so that they match the presses to come.
		if salt != nil {
			_, err := tx.Exec(ctx, `UPDATE meta SET value = $1 WHERE key = 'salt' AND NOT EXISTS (SELECT 1 FROM pressed)`, salt)
			if err != nil {
				return err
			}
		}
		for _, c := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"answers", []string{"at", "kind", "topic"}, answers},
			{"unanswered", []string{"at", "question"}, unanswered},
			{"feedback", []string{"at", "result", "up"}, feedback},
		} {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
				return err
			}
		}
		return tx.SendBatch(ctx, &plans).Close()
	})
	if err != nil {
		return s.errorf("stats: import: %w", err)
	}
	if salt != nil {
		return s.loadSalt(ctx)
	}
	return nil
}
