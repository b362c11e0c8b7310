package stats

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"planbot/bot/stats/pgtest"
)

func openPG(t *testing.T, url string, opts PostgresOptions) *Postgres {
	t.Helper()
	s, err := OpenPostgres(context.Background(), url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// schema returns the versions the database has applied and its tables.
func schema(t *testing.T, url string) (versions []int, tables []string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	must(t, err)
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, "SELECT version FROM planbot_schema ORDER BY version")
	versions, err = pgx.CollectRows(rows, pgx.RowTo[int])
	must(t, err)
	rows, _ = conn.Query(ctx, "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
	tables, err = pgx.CollectRows(rows, pgx.RowTo[string])
	must(t, err)
	return versions, tables
}

func TestMigrateFromEmpty(t *testing.T) {
	url := pgtest.Need(t, pgServer, pgErr).NewDB(t)
	// Four replicas start at once on an empty database: one migrates, the
	// others wait for it and find the schema made.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := OpenPostgres(context.Background(), url, PostgresOptions{})
			if err != nil {
				t.Error(err)
				return
			}
			s.Close()
		}()
	}
	wg.Wait()
	versions, tables := schema(t, url)
	if len(versions) != SchemaVersion() || versions[len(versions)-1] != SchemaVersion() {
		t.Errorf("versions applied %v, want 1 to %d once each", versions, SchemaVersion())
	}
	for _, want := range []string{"answers", "chat_plans", "chat_sends", "feedback", "meta", "planbot_schema", "pressed", "replicas", "unanswered"} {
		if !strings.Contains(" "+strings.Join(tables, " ")+" ", " "+want+" ") {
			t.Errorf("no table %s in %v", want, tables)
		}
	}
}

// TestMigrateFromOlder opens databases left by a planbot of each older
// schema, with records: the schema is brought up to date, the records
// stay, and what the newer schema adds works.
func TestMigrateFromOlder(t *testing.T) {
	srv := pgtest.Need(t, pgServer, pgErr)
	for from := 1; from < SchemaVersion(); from++ {
		t.Run(fmt.Sprint("version ", from), func(t *testing.T) {
			url := srv.NewDB(t)
			ctx := context.Background()
			pool, err := pgxpool.New(ctx, url)
			must(t, err)
			defer pool.Close()
			must(t, (&Postgres{pool: pool}).migrate(ctx, from))
			// Records as the planbot of that schema wrote them.
			for _, q := range []string{
				"INSERT INTO answers (at, kind, topic) VALUES ($1, 'target', '原铝产能'), ($1, 'target', '原铝产能')",
				"INSERT INTO unanswered (at, question) VALUES ($1, '区长是谁')",
				"INSERT INTO feedback (at, result, up) VALUES ($1, 'c3s1p3', false)",
			} {
				_, err := pool.Exec(ctx, q, day)
				must(t, err)
			}
			if from >= 2 {
				_, err := pool.Exec(ctx, "INSERT INTO chat_plans (chat_id, plan) VALUES (7, '东河区“十四五”')")
				must(t, err)
			}
			if versions, _ := schema(t, url); len(versions) != from {
				t.Fatalf("the older schema: versions %v", versions)
			}

			s := openPG(t, url, PostgresOptions{})
			if versions, _ := schema(t, url); len(versions) != SchemaVersion() {
				t.Errorf("after opening: versions %v, want 1 to %d", versions, SchemaVersion())
			}
			r, err := s.Report(ctx, time.Time{}, time.Time{}, 0)
			must(t, err)
			if r.Answered != 2 || r.Unanswered != 1 || r.Down != 1 || r.Topics[0] != (Count{"原铝产能", 2}) {
				t.Errorf("the older records after migrating: %+v", r)
			}
			if p, ok, _ := s.ChatPlan(ctx, 7); from >= 2 && (p != "东河区“十四五”" || !ok) {
				t.Errorf("the older chat plan after migrating: %q, %v", p, ok)
			}
			must(t, s.SetChatPlan(ctx, 1, "国家“十五五”"))
			if p, ok, err := s.ChatPlan(ctx, 1); p != "国家“十五五”" || !ok || err != nil {
				t.Errorf("a chat plan after migrating: %q, %v, %v", p, ok, err)
			}
			must(t, s.RecordFeedback(ctx, "c3s1p3", true, "chat 1 message 2 user 3", day))
			must(t, s.RecordFeedback(ctx, "c3s1p3", true, "chat 1 message 2 user 3", day))
			if r, _ := s.Report(ctx, time.Time{}, time.Time{}, 0); r.Up != 1 {
				t.Errorf("once-only presses after migrating: 👍 %d, want 1", r.Up)
			}
			// Opening again changes nothing.
			s.Close()
			openPG(t, url, PostgresOptions{})
			if versions, _ := schema(t, url); len(versions) != SchemaVersion() {
				t.Errorf("after opening twice: versions %v", versions)
			}
		})
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	url := pgtest.Need(t, pgServer, pgErr).NewDB(t)
	ctx := context.Background()
	openPG(t, url, PostgresOptions{}).Close()
	conn, err := pgx.Connect(ctx, url)
	must(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "INSERT INTO planbot_schema (version, name) VALUES ($1, 'from a newer planbot')", SchemaVersion()+1)
	must(t, err)
	_, err = OpenPostgres(ctx, url, PostgresOptions{})
	if err == nil || !strings.Contains(err.Error(), "newer than this program's") {
		t.Errorf("opened a schema newer than the program's: %v", err)
	}
}

func TestPostgresPasswordNeverShown(t *testing.T) {
	srv := pgtest.Need(t, pgServer, pgErr)
	ctx := context.Background()
	for _, url := range []string{
		strings.Replace(srv.URL("postgres"), pgtest.Password, "wrong-Secret-pw", 1), // refused
		strings.Replace(srv.URL("nosuchdb"), "127.0.0.1:", "127.0.0.1:1", 1),        // no server there
		"postgres://planbot:wrong-Secret-pw@127.0.0.1:%zz/db",                       // not a URL
	} {
		_, err := OpenPostgres(ctx, url, PostgresOptions{Timeout: 2 * time.Second})
		if err == nil {
			t.Errorf("opened %s", url)
			continue
		}
		if strings.Contains(err.Error(), "Secret-pw") {
			t.Errorf("the error shows the password: %v", err)
		}
		if !strings.HasPrefix(err.Error(), "stats: ") {
			t.Errorf("error not prefixed: %v", err)
		}
	}
}

// TestPostgresDown stops the database while records are made: recording
// never waits nor fails, what is recorded meanwhile waits in memory and is
// written when the database is back, and the failures are observed.
func TestPostgresDown(t *testing.T) {
	srv := pgtest.Need(t, pgServer, pgErr)
	url := srv.NewDB(t)
	ctx := context.Background()
	var mu sync.Mutex
	failed := map[string]int{}
	s := openPG(t, url, PostgresOptions{Timeout: time.Second, Heartbeat: 100 * time.Millisecond, Observe: func(op string, err error) {
		if err != nil {
			mu.Lock()
			failed[op]++
			mu.Unlock()
			if strings.Contains(err.Error(), pgtest.Password) {
				t.Errorf("an error shows the password: %v", err)
			}
		}
	}})
	must(t, s.RecordAnswer(ctx, "passage", "before", day))
	if c, _ := s.Counts(ctx); c.Answers != 1 {
		t.Fatalf("%d answers before, want 1", c.Answers)
	}
	must(t, srv.Stop())
	defer func() {
		if err := srv.Restart(); err != nil {
			t.Fatal(err)
		}
	}()
	for i := range 20 {
		if err := s.RecordAnswer(ctx, "passage", "while down", day.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatalf("recording while the database is down: %v", err)
		}
	}
	if _, err := s.Report(ctx, time.Time{}, time.Time{}, 0); err == nil {
		t.Error("a report while the database is down")
	}
	if _, err := s.ReserveChat(ctx, 1, time.Second); err == nil {
		t.Error("a chat reserved while the database is down")
	}
	if s.Pending() != 20 {
		t.Errorf("%d records wait, want 20", s.Pending())
	}
	// Writing the records and the heartbeat (every 100 ms) fail while
	// the database is down: wait for both, so that it does not come back
	// first.
	for wait := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		both, seen := failed["heartbeat"] > 0 && failed["record"] > 0, fmt.Sprint(failed)
		mu.Unlock()
		if both {
			break
		}
		if time.Now().After(wait) {
			t.Fatalf("failures observed in 10 s with the database down: %s", seen)
		}
	}
	must(t, srv.Restart())
	deadline := time.Now().Add(30 * time.Second)
	r, err := s.Report(ctx, time.Time{}, time.Time{}, 0)
	for err != nil || r.Answered < 21 {
		if time.Now().After(deadline) {
			t.Fatalf("30 s after the database came back: %d answered, %v", r.Answered, err)
		}
		time.Sleep(100 * time.Millisecond)
		r, err = s.Report(ctx, time.Time{}, time.Time{}, 0)
	}
	if r.Answered != 21 || s.Pending() != 0 {
		t.Errorf("after the database came back: %d answered, %d pending; want 21, 0", r.Answered, s.Pending())
	}
	mu.Lock()
	defer mu.Unlock()
	if failed["record"] == 0 || failed["heartbeat"] == 0 {
		t.Errorf("failures observed: %v", failed)
	}
}

// TestPostgresFeedbackOnce counts a press once on every replica.
func TestPostgresFeedbackOnce(t *testing.T) {
	url := pgtest.Need(t, pgServer, pgErr).NewDB(t)
	ctx := context.Background()
	a, b := openPG(t, url, PostgresOptions{}), openPG(t, url, PostgresOptions{})
	must(t, a.RecordFeedback(ctx, "c1s1p1", false, "msg 10 user 7001", day))
	must(t, b.RecordFeedback(ctx, "c1s1p1", false, "msg 10 user 7001", day)) // again, on the other replica
	must(t, b.RecordFeedback(ctx, "c1s1p1", false, "msg 11 user 7001", day))
	a.flush(ctx)
	r, err := b.Report(ctx, time.Time{}, time.Time{}, 0)
	must(t, err)
	if r.Down != 2 {
		t.Errorf("👎 %d, want 2", r.Down)
	}
}

// TestPostgresDownAtStart opens a store while the database is down: with
// RetryOpen the store comes up at once, records wait, and it connects when
// the database does; without, the open fails.
func TestPostgresDownAtStart(t *testing.T) {
	srv := pgtest.Need(t, pgServer, pgErr)
	url := srv.NewDB(t)
	ctx := context.Background()
	must(t, srv.Stop())
	defer srv.Restart()
	if _, err := OpenPostgres(ctx, url, PostgresOptions{Timeout: time.Second}); err == nil {
		t.Fatal("opened with the database down, without RetryOpen")
	}
	var mu sync.Mutex
	var opened []error
	s := openPG(t, url, PostgresOptions{Timeout: time.Second, RetryOpen: true, Observe: func(op string, err error) {
		if op == "open" {
			mu.Lock()
			opened = append(opened, err)
			mu.Unlock()
		}
	}})
	for i := range 5 {
		must(t, s.RecordAnswer(ctx, "passage", "养老", day.Add(time.Duration(i)*time.Second)))
	}
	must(t, s.RecordFeedback(ctx, "c1s1p1", true, "chat 1 message 1 user 1", day))
	must(t, s.RecordFeedback(ctx, "c1s1p1", true, "chat 1 message 1 user 1", day))
	if _, err := s.Report(ctx, time.Time{}, time.Time{}, 0); err == nil {
		t.Error("a report before the database was reached")
	}
	if _, err := s.ReserveChat(ctx, 1, time.Second); err == nil {
		t.Error("a chat reserved before the database was reached")
	}
	must(t, srv.Restart())
	deadline := time.Now().Add(60 * time.Second)
	r, err := s.Report(ctx, time.Time{}, time.Time{}, 0)
	for err != nil || r.Answered < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("60 s after the database came up: %+v, %v", r, err)
		}
		time.Sleep(100 * time.Millisecond)
		r, err = s.Report(ctx, time.Time{}, time.Time{}, 0)
	}
	if r.Answered != 5 || r.Up != 1 {
		t.Errorf("after connecting: %d answered, 👍 %d; want 5, 1", r.Answered, r.Up)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(opened) < 2 || opened[0] == nil || opened[len(opened)-1] != nil {
		t.Errorf("open observed as %v, want failures then success", opened)
	}
	if versions, _ := schema(t, url); len(versions) != SchemaVersion() {
		t.Errorf("schema versions %v after connecting late", versions)
	}
}

// TestPostgresBufferFull drops what comes past the buffer, says so, and
// writes the rest when the database is back.
func TestPostgresBufferFull(t *testing.T) {
	srv := pgtest.Need(t, pgServer, pgErr)
	url := srv.NewDB(t)
	ctx := context.Background()
	s := openPG(t, url, PostgresOptions{Buffer: 5, Timeout: time.Second})
	must(t, srv.Stop())
	const n = 600
	dropped := 0
	for range n {
		if err := s.RecordUnanswered(ctx, "问题", day); errors.Is(err, ErrBufferFull) {
			dropped++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	must(t, srv.Restart())
	// At most a batch in the writer's hands and the buffer's five wait.
	if dropped < n-maxBatch-5 {
		t.Errorf("%d of %d records dropped with a buffer of 5, want at least %d", dropped, n, n-maxBatch-5)
	}
	deadline := time.Now().Add(30 * time.Second)
	c, err := s.Counts(ctx)
	for err != nil || c.Unanswered < n-dropped {
		if time.Now().After(deadline) {
			t.Fatalf("30 s after the database came back: %v, %v", c, err)
		}
		time.Sleep(50 * time.Millisecond)
		c, err = s.Counts(ctx)
	}
	if c.Unanswered != n-dropped {
		t.Errorf("%d written, want the %d not dropped", c.Unanswered, n-dropped)
	}
}

// TestReplicas runs three stores on one database, as three replicas: each
// counts the three, and a chat's messages reserved through any of them
// go a gap apart.
func TestReplicas(t *testing.T) {
	url := pgtest.Need(t, pgServer, pgErr).NewDB(t)
	ctx := context.Background()
	opts := PostgresOptions{Heartbeat: 50 * time.Millisecond}
	rs := []*Postgres{openPG(t, url, opts), openPG(t, url, opts), openPG(t, url, opts)}
	deadline := time.Now().Add(10 * time.Second)
	for rs[0].Replicas() != 3 || rs[2].Replicas() != 3 {
		if time.Now().After(deadline) {
			t.Fatalf("replicas counted %d and %d, want 3", rs[0].Replicas(), rs[2].Replicas())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// One leaves: the others count two.
	rs[2].Close()
	for rs[0].Replicas() != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("after one left, %d counted, want 2", rs[0].Replicas())
		}
		time.Sleep(20 * time.Millisecond)
	}

	// 30 messages to one chat, reserved at once through two replicas, a
	// second apart: no slot given twice, each at least a second after the
	// one before. A slot is measured as the end of its call plus the wait
	// returned, which is off by the call's latency: allowed 0.3 s.
	const gap = time.Second
	slots := make(chan time.Time, 30)
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := rs[i%2].ReserveChat(ctx, 7, gap)
			if err != nil {
				t.Error(err)
				return
			}
			slots <- time.Now().Add(d)
		}()
	}
	wg.Wait()
	close(slots)
	var got []time.Time
	for at := range slots {
		got = append(got, at)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Before(got[j]) })
	if len(got) != 30 {
		t.Fatalf("%d slots", len(got))
	}
	for i := 1; i < len(got); i++ {
		if d := got[i].Sub(got[i-1]); d < gap-300*time.Millisecond || d > gap+300*time.Millisecond {
			t.Errorf("slots %d and %d are %v apart, want %v", i-1, i, d, gap)
		}
	}
	// Another chat is not held up by the first.
	if d, err := rs[1].ReserveChat(ctx, 8, gap); err != nil || d > gap/2 {
		t.Errorf("another chat waits %v, %v", d, err)
	}
}

// benchPostgres is a store on a database of its own for a benchmark,
// closed when it ends.
func benchPostgres(b *testing.B) *Postgres {
	srv := pgtest.Need(b, pgServer, pgErr)
	s, err := OpenPostgres(context.Background(), srv.NewDB(b), PostgresOptions{Heartbeat: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkPostgresRecord records answered questions as fast as they come
// and waits until the database has them all: the records a replica can
// write in a second.
func BenchmarkPostgresRecord(b *testing.B) {
	s := benchPostgres(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		// Faster than any database: wait for room rather than drop.
		for s.Pending() >= 9000 {
			time.Sleep(time.Millisecond)
		}
		if err := s.RecordAnswer(ctx, "passage", "加快健全养老服务体系", day.Add(time.Duration(i))); err != nil {
			b.Fatal(err)
		}
	}
	for s.Pending() > 0 {
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkReserveChat reserves messages to chats across the database, as
// each message sent by a replica does.
func BenchmarkReserveChat(b *testing.B) {
	s := benchPostgres(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		if _, err := s.ReserveChat(ctx, int64(i%1000), time.Millisecond); err != nil {
			b.Fatal(err)
		}
	}
}
