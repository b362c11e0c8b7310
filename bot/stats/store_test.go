package stats

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"planbot/bot/stats/pgtest"
)

// store is what both stores do; the cases below run against each.
type store interface {
	RecordAnswer(ctx context.Context, kind, topic string, at time.Time) error
	RecordUnanswered(ctx context.Context, question string, at time.Time) error
	RecordFeedback(ctx context.Context, resultID string, up bool, once string, at time.Time) error
	Report(ctx context.Context, since, until time.Time, n int) (Report, error)
	ChatPlan(ctx context.Context, chat int64) (string, bool, error)
	SetChatPlan(ctx context.Context, chat int64, plan string) error
	Prune(ctx context.Context, now time.Time) (int, error)
	Counts(ctx context.Context) (Counts, error)
	Export(ctx context.Context, yield func(Record) error) error
	Import(ctx context.Context, recs []Record) error
	Close() error
}

var (
	_ store = (*Store)(nil)
	_ store = (*Postgres)(nil)
)

// The PostgreSQL server of this package's tests, started by TestMain.
var (
	pgServer *pgtest.Server
	pgErr    error
)

func TestMain(m *testing.M) {
	pgServer, pgErr = pgtest.Start()
	code := m.Run()
	if pgServer != nil {
		pgServer.Close()
	}
	os.Exit(code)
}

// impl opens a store of one kind: open(t) returns a function that opens
// the same store each time it is called (a file, a database).
type impl struct {
	name string
	open func(t *testing.T) func() store
}

// retention is the stores' in the cases.
const retention = 400 * 24 * time.Hour

var impls = []impl{
	{"bbolt", func(t *testing.T) func() store {
		path := filepath.Join(t.TempDir(), "stats.db")
		return func() store {
			s, err := Open(path, Options{Retention: retention})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	}},
	{"postgres", func(t *testing.T) func() store {
		url := pgtest.Need(t, pgServer, pgErr).NewDB(t)
		return func() store {
			s, err := OpenPostgres(context.Background(), url, PostgresOptions{Retention: retention})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	}},
}

// storeCases are the behaviour both stores share: one table, run on each.
var storeCases = []struct {
	name string
	test func(t *testing.T, open func() store)
}{
	{"SurvivesRestart", testSurvivesRestart},
	{"ReportPeriod", testReportPeriod},
	{"CleanQuestion", testCleanQuestion},
	{"Canceled", testCanceled},
	{"ChatPlans", testChatPlans},
	{"Prune", testPrune},
	{"FeedbackOnce", testFeedbackOnce},
	{"ExportImport", testExportImport},
	{"Concurrent", testConcurrent},
}

func TestStores(t *testing.T) {
	for _, im := range impls {
		for _, c := range storeCases {
			t.Run(im.name+"/"+c.name, func(t *testing.T) {
				c.test(t, im.open(t))
			})
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testSurvivesRestart(t *testing.T, open func() store) {
	ctx := context.Background()
	s := open()
	must(t, s.RecordAnswer(ctx, "target", "养老机构护理型床位占比", day))
	must(t, s.RecordAnswer(ctx, "target", "养老机构护理型床位占比", day.Add(time.Minute)))
	must(t, s.RecordAnswer(ctx, "passage", "加快健全养老服务体系", day.Add(2*time.Minute)))
	must(t, s.RecordUnanswered(ctx, "区长是谁", day))
	must(t, s.RecordFeedback(ctx, "c8s6p2", false, "", day))
	must(t, s.Close())

	s = open()
	defer s.Close()
	must(t, s.RecordUnanswered(ctx, "区长是谁", day.Add(time.Hour)))
	must(t, s.RecordUnanswered(ctx, "地铁什么时候通", day.Add(time.Hour)))
	must(t, s.RecordFeedback(ctx, "c8s6p2", true, "", day.Add(time.Hour)))
	r, err := s.Report(ctx, time.Time{}, time.Time{}, 10)
	must(t, err)
	want := Report{
		Answered:   3,
		Topics:     []Count{{"养老机构护理型床位占比", 2}, {"加快健全养老服务体系", 1}},
		Kinds:      []Count{{"target", 2}, {"passage", 1}},
		Unanswered: 3,
		Questions:  []Count{{"区长是谁", 2}, {"地铁什么时候通", 1}},
		Up:         1,
		Down:       1,
		Disliked:   []Count{{"c8s6p2", 1}},
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("after a restart:\n got %+v\nwant %+v", r, want)
	}
}

func testReportPeriod(t *testing.T, open func() store) {
	ctx := context.Background()
	s := open()
	defer s.Close()
	for i := range 10 {
		at := day.AddDate(0, 0, i) // one a day, 1 to 10 May
		must(t, s.RecordAnswer(ctx, "passage", fmt.Sprintf("主题%d", i%3), at))
		must(t, s.RecordUnanswered(ctx, fmt.Sprintf("问题%d", i), at))
	}
	// 3 May 09:00 up to, not including, 6 May 09:00: three days.
	r, err := s.Report(ctx, day.AddDate(0, 0, 2), day.AddDate(0, 0, 5), 2)
	must(t, err)
	if r.Answered != 3 || r.Unanswered != 3 {
		t.Errorf("answered %d, unanswered %d, want 3, 3", r.Answered, r.Unanswered)
	}
	// 主题2, 主题0, 主题1 once each: ties in text order, cut to n.
	if want := []Count{{"主题0", 1}, {"主题1", 1}}; !reflect.DeepEqual(r.Topics, want) {
		t.Errorf("topics %v, want %v", r.Topics, want)
	}
	if want := []Count{{"问题2", 1}, {"问题3", 1}}; !reflect.DeepEqual(r.Questions, want) {
		t.Errorf("questions %v, want %v", r.Questions, want)
	}
	if !r.Since.Equal(day.AddDate(0, 0, 2)) || !r.Until.Equal(day.AddDate(0, 0, 5)) {
		t.Errorf("period %v – %v", r.Since, r.Until)
	}
	// Since alone, and times before 1970, which sort first.
	must(t, s.RecordUnanswered(ctx, "很久以前", time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)))
	if r, _ := s.Report(ctx, day.AddDate(0, 0, 8), time.Time{}, 0); r.Unanswered != 2 {
		t.Errorf("since 9 May: %d unanswered, want 2", r.Unanswered)
	}
	if r, _ := s.Report(ctx, time.Time{}, day, 0); !reflect.DeepEqual(r.Questions, []Count{{"很久以前", 1}}) {
		t.Errorf("until 1 May: %v", r.Questions)
	}
}

func testCleanQuestion(t *testing.T, open func() store) {
	ctx := context.Background()
	s := open()
	defer s.Close()
	long := strings.Repeat("养", MaxText+50)
	for _, q := range []string{
		"  区长\x00是谁\u200b\n\n？ ",
		long,
		"\x01\x02 \t",    // nothing left: not recorded
		"bad \xff utf-8", // invalid bytes dropped
	} {
		must(t, s.RecordUnanswered(ctx, q, day))
	}
	r, err := s.Report(ctx, time.Time{}, time.Time{}, 0)
	must(t, err)
	want := map[string]bool{"区长是谁 ？": true, long[:len("养")*MaxText]: true, "bad utf-8": true}
	if r.Unanswered != len(want) {
		t.Errorf("%d recorded, want %d: %v", r.Unanswered, len(want), r.Questions)
	}
	for _, c := range r.Questions {
		if !want[c.Key] {
			t.Errorf("stored %q (%d runes)", c.Key, utf8.RuneCountInString(c.Key))
		}
	}
}

func testCanceled(t *testing.T, open func() store) {
	s := open()
	defer s.Close()
	must(t, s.RecordAnswer(context.Background(), "passage", "x", day))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.RecordAnswer(ctx, "passage", "y", day); !errors.Is(err, context.Canceled) {
		t.Errorf("record: %v, want context.Canceled", err)
	}
	if _, err := s.Report(ctx, time.Time{}, time.Time{}, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("report: %v, want context.Canceled", err)
	}
	if _, _, err := s.ChatPlan(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("chat plan: %v, want context.Canceled", err)
	}
	if r, err := s.Report(context.Background(), time.Time{}, time.Time{}, 0); err != nil || r.Answered != 1 {
		t.Errorf("after the canceled record: %d answered, %v; want 1", r.Answered, err)
	}
}

func testChatPlans(t *testing.T, open func() store) {
	ctx := context.Background()
	s := open()
	if _, ok, err := s.ChatPlan(ctx, 42); ok || err != nil {
		t.Errorf("a chat that chose nothing: %v, %v", ok, err)
	}
	must(t, s.SetChatPlan(ctx, 42, "东河区“十四五”"))
	must(t, s.SetChatPlan(ctx, -100123, "国家“十五五”"))
	must(t, s.SetChatPlan(ctx, 42, "市“十五五”")) // a new choice replaces the old
	must(t, s.SetChatPlan(ctx, 7, "x"))
	must(t, s.SetChatPlan(ctx, 7, "")) // forgets
	must(t, s.Close())
	s = open()
	defer s.Close()
	for chat, want := range map[int64]string{42: "市“十五五”", -100123: "国家“十五五”", 7: ""} {
		got, ok, err := s.ChatPlan(ctx, chat)
		if got != want || ok != (want != "") || err != nil {
			t.Errorf("chat %d: %q, %v, %v; want %q", chat, got, ok, err, want)
		}
	}
	if c, _ := s.Counts(ctx); c.ChatPlans != 2 {
		t.Errorf("%d chat plans counted, want 2", c.ChatPlans)
	}
}

func testPrune(t *testing.T, open func() store) {
	ctx := context.Background()
	s := open()
	defer s.Close()
	for i := range 10 {
		at := day.AddDate(0, 0, i)
		must(t, s.RecordAnswer(ctx, "passage", "主题", at))
		must(t, s.RecordUnanswered(ctx, "问题", at))
		must(t, s.RecordFeedback(ctx, "c1s1p1", i%2 == 0, fmt.Sprint("press ", i), at))
	}
	must(t, s.SetChatPlan(ctx, 1, "东河区“十四五”"))
	// 400 days after 5 May 09:00: 1 to 4 May go.
	n, err := s.Prune(ctx, day.AddDate(0, 0, 4).Add(retention))
	must(t, err)
	if n < 12 {
		t.Errorf("pruned %d records, want 12 and their presses", n)
	}
	c, err := s.Counts(ctx)
	must(t, err)
	if want := (Counts{Answers: 6, Unanswered: 6, Feedback: 6, ChatPlans: 1, Presses: 6}); c != want {
		t.Errorf("after pruning: %v, want %v", c, want)
	}
	if r, _ := s.Report(ctx, time.Time{}, time.Time{}, 0); r.Answered != 6 || r.Up+r.Down != 6 {
		t.Errorf("after pruning the report counts %d answers, %d presses", r.Answered, r.Up+r.Down)
	}
}

// sample fills s with records of every type.
func sample(t *testing.T, s store) {
	ctx := context.Background()
	for i := range 7 {
		at := day.Add(time.Duration(i)*time.Hour + 123456789*time.Nanosecond)
		must(t, s.RecordAnswer(ctx, []string{"passage", "target", "indicator"}[i%3], fmt.Sprintf("主题%d", i%4), at))
		must(t, s.RecordUnanswered(ctx, fmt.Sprintf("问题 %d？", i%2), at))
		must(t, s.RecordFeedback(ctx, fmt.Sprintf("c%ds1p1", i), i%3 != 0, fmt.Sprintf("chat 42 message %d user 7001", i), at))
	}
	must(t, s.RecordFeedback(ctx, "c0s1p1", true, "", day))          // a press not named
	must(t, s.RecordAnswer(ctx, "term", "", day.AddDate(-60, 0, 0))) // before 1970, no topic
	must(t, s.SetChatPlan(ctx, 42, "东河区“十四五”"))
	must(t, s.SetChatPlan(ctx, -1001, "国家“十五五”"))
}

func export(t *testing.T, s store) []Record {
	t.Helper()
	var recs []Record
	must(t, s.Export(context.Background(), func(r Record) error {
		recs = append(recs, r)
		return nil
	}))
	return recs
}

// withoutChatTimes drops the times of chat plans, which are when the
// choice was made, for comparing two stores filled alike.
func withoutChatTimes(recs []Record) []Record {
	out := append([]Record(nil), recs...)
	for i := range out {
		if out[i].Type == TypeChatPlan {
			out[i].At = time.Time{}
		}
	}
	return out
}

func testExportImport(t *testing.T, open func() store) {
	ctx := context.Background()
	s := open()
	defer s.Close()
	sample(t, s)
	recs := export(t, s)
	var c Counts
	for _, r := range recs {
		c.Add(r)
	}
	if want := (Counts{Answers: 8, Unanswered: 7, Feedback: 8, ChatPlans: 2, Presses: 7}); c != want {
		t.Fatalf("exported %v, want %v", c, want)
	}
	// Into a fresh store of each kind: the same records, the same report.
	for _, im := range impls {
		into := im.open(t)()
		defer into.Close()
		must(t, into.Import(ctx, recs))
		if got := export(t, into); !reflect.DeepEqual(got, recs) {
			t.Errorf("into %s: exported again differs:\n got %v\nwant %v", im.name, got, recs)
		}
		want, _ := s.Report(ctx, time.Time{}, time.Time{}, 0)
		if got, err := into.Report(ctx, time.Time{}, time.Time{}, 0); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("into %s: report %+v, %v\nwant %+v", im.name, got, err, want)
		}
		if got, _, _ := into.ChatPlan(ctx, -1001); got != "国家“十五五”" {
			t.Errorf("into %s: chat plan %q", im.name, got)
		}
		// The salt came along: a press counted before is not counted
		// again, a new one is.
		must(t, into.RecordFeedback(ctx, "c3s1p1", false, "chat 42 message 3 user 7001", day))
		must(t, into.RecordFeedback(ctx, "c3s1p1", false, "chat 42 message 3 user 7002", day))
		if got, _ := into.Report(ctx, time.Time{}, time.Time{}, 0); got.Down != want.Down+1 {
			t.Errorf("into %s: 👎 %d after a press again and a new one, want %d", im.name, got.Down, want.Down+1)
		}
	}
	// A bad record: nothing is imported.
	bad := append(append([]Record(nil), recs[:3]...), Record{Type: "user", At: day})
	into := impls[0].open(t)()
	defer into.Close()
	if err := into.Import(ctx, bad); err == nil || !strings.Contains(err.Error(), "record 4") {
		t.Errorf("import of an unknown type: %v", err)
	}
	if c, _ := into.Counts(ctx); c.Total() != 0 {
		t.Errorf("a failed import left %v", c)
	}
}

func testFeedbackOnce(t *testing.T, open func() store) {
	ctx := context.Background()
	s := open()
	must(t, s.RecordFeedback(ctx, "c1s1p1", false, "chat 5 message 10 user 7001", day))
	must(t, s.RecordFeedback(ctx, "c1s1p1", false, "chat 5 message 10 user 7001", day)) // again
	must(t, s.RecordFeedback(ctx, "c1s1p1", true, "chat 5 message 10 user 7002", day))
	must(t, s.Close())
	s = open() // and after a restart
	defer s.Close()
	must(t, s.RecordFeedback(ctx, "c1s1p1", false, "chat 5 message 10 user 7001", day))
	must(t, s.RecordFeedback(ctx, "c1s1p1", false, "chat 5 message 11 user 7001", day))
	must(t, s.RecordFeedback(ctx, "c1s1p1", false, "", day)) // not named: each counts
	must(t, s.RecordFeedback(ctx, "c1s1p1", false, "", day))
	r, err := s.Report(ctx, time.Time{}, time.Time{}, 0)
	must(t, err)
	if r.Up != 1 || r.Down != 4 {
		t.Errorf("👍 %d, 👎 %d; want 1, 4", r.Up, r.Down)
	}
	var hashes []string
	must(t, s.Export(ctx, func(r Record) error {
		if r.Type == TypePressed {
			hashes = append(hashes, r.Hash)
		}
		return nil
	}))
	if len(hashes) != 3 {
		t.Errorf("%d presses kept, want 3", len(hashes))
	}
	// A hash, not the press: 16 bytes in hex, which the press's words
	// are not (a hash may hold "7001" by chance: not a test of it).
	for _, h := range hashes {
		if b, err := hex.DecodeString(h); err != nil || len(b) != 16 {
			t.Errorf("a press kept as %q, not a 16-byte hash", h)
		}
	}
}

func testConcurrent(t *testing.T, open func() store) {
	ctx := context.Background()
	s := open()
	defer s.Close()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if err := s.RecordAnswer(ctx, "passage", fmt.Sprintf("主题%d", g), day.Add(time.Duration(i)*time.Second)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	r, err := s.Report(ctx, time.Time{}, time.Time{}, 0)
	must(t, err)
	if r.Answered != 400 || len(r.Topics) != 8 || r.Topics[0].N != 50 {
		t.Errorf("400 records from 8 goroutines: %d answered, topics %v", r.Answered, r.Topics)
	}
}
