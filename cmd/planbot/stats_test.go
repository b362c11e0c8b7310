package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"planbot/bot/stats"
	"planbot/bot/stats/pgtest"
)

// TestStatsExportImport moves a bbolt store into PostgreSQL and back with
// planbot stats -export and -import: every record arrives, counted before
// and after, the reports agree, and the password shows nowhere.
func TestStatsExportImport(t *testing.T) {
	srv, err := pgtest.Start()
	srv = pgtest.Need(t, srv, err)
	defer srv.Close()
	ctx := context.Background()
	dir := t.TempDir()

	// A bbolt store as serve leaves it.
	data := filepath.Join(dir, "data")
	st, err := openStats(data, stats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-48 * time.Hour)
	for i := range 30 {
		at := at.Add(time.Duration(i) * time.Minute)
		must(t, st.RecordAnswer(ctx, []string{"passage", "target", "indicator"}[i%3], fmt.Sprintf("主题%d", i%5), at))
		if i%3 == 0 {
			must(t, st.RecordUnanswered(ctx, fmt.Sprintf("区长是谁 %d", i%2), at))
		}
		if i%4 == 0 {
			must(t, st.RecordFeedback(ctx, "c8s6p2", i%8 == 0, fmt.Sprint("chat 42 message ", i, " user 7001"), at))
		}
	}
	must(t, st.SetChatPlan(ctx, 42, "东河区“十四五”"))
	must(t, st.SetChatPlan(ctx, -1001, "国家“十五五”"))
	must(t, st.Close())

	bolt := filepath.Join(dir, "bolt.yaml")
	must(t, os.WriteFile(bolt, []byte("data: {dir: "+data+"}\n"), 0o600))
	pg := filepath.Join(dir, "pg.yaml")
	must(t, os.WriteFile(pg, []byte("data: {postgres: \"postgres://nobody:nothing@127.0.0.1:1/none\"}\n"), 0o600))
	pgURL := srv.NewDB(t)
	t.Setenv(postgresEnv, "")

	stats := func(args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, append([]string{"stats"}, args...), strings.NewReader(""), &out, &errOut)
		if strings.Contains(out.String()+errOut.String(), pgtest.Password) {
			t.Errorf("planbot stats %v shows the password:\n%s%s", args, out.String(), errOut.String())
		}
		return out.String(), errOut.String(), err
	}
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	_, log, err := stats("-config", bolt, "-export", a)
	if err != nil {
		t.Fatalf("export from bbolt: %v\n%s", err, log)
	}
	const all = "answers 30, unanswered 10, feedback 8, chat plans 2, presses 8"
	if !strings.Contains(log, "exported to "+a+": "+all) {
		t.Errorf("export from bbolt says:\n%s", log)
	}
	t.Setenv(postgresEnv, pgURL) // wins over the file
	_, log, err = stats("-config", pg, "-import", a)
	if err != nil {
		t.Fatalf("import into PostgreSQL: %v\n%s", err, log)
	}
	for _, want := range []string{"before: answers 0, unanswered 0, feedback 0, chat plans 0, presses 0", "read from " + a + ": " + all, "after: " + all, "postgres postgres://planbot@127.0.0.1:"} {
		if !strings.Contains(log, want) {
			t.Errorf("import says no %q:\n%s", want, log)
		}
	}
	// Twice would count twice: refused, nothing added.
	if _, log, err := stats("-config", pg, "-import", a); err == nil || !strings.Contains(err.Error(), "-append") {
		t.Errorf("a second import: %v\n%s", err, log)
	}
	if _, log, err := stats("-config", pg, "-export", b); err != nil || !strings.Contains(log, "exported to "+b+": "+all) {
		t.Fatalf("export from PostgreSQL: %v\n%s", err, log)
	}
	ra, _ := os.ReadFile(a)
	rb, _ := os.ReadFile(b)
	if !bytes.Equal(ra, rb) || len(ra) == 0 {
		t.Errorf("the records differ after the round trip:\n%s\n---\n%s", ra, rb)
	}

	// The reports of the two stores agree, but for the line naming the store.
	fromPG, _, err := stats("-config", pg, "-days", "7")
	must(t, err)
	t.Setenv(postgresEnv, "")
	fromBolt, _, err := stats("-config", bolt, "-days", "7")
	must(t, err)
	_, fromBolt, _ = strings.Cut(fromBolt, "\n")
	_, fromPG, _ = strings.Cut(fromPG, "\n")
	if fromBolt != fromPG || !strings.Contains(fromPG, "回答 30 次，未能回答 10 次；👍 4，👎 4") {
		t.Errorf("reports differ:\nbbolt:\n%s\npostgres:\n%s", fromBolt, fromPG)
	}

	// And back into an empty bbolt store: the same records again.
	back := filepath.Join(dir, "back.yaml")
	must(t, os.WriteFile(back, []byte("data: {dir: "+filepath.Join(dir, "back")+"}\n"), 0o600))
	if _, log, err := stats("-config", back, "-import", b); err != nil || !strings.Contains(log, "after: "+all) {
		t.Fatalf("import into bbolt: %v\n%s", err, log)
	}
	c := filepath.Join(dir, "c.jsonl")
	if _, _, err := stats("-config", back, "-export", c); err != nil {
		t.Fatal(err)
	}
	if rc, _ := os.ReadFile(c); !bytes.Equal(ra, rc) {
		t.Errorf("bbolt → PostgreSQL → bbolt changed the records")
	}
}

func TestStatsUsage(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	must(t, os.WriteFile(cfg, []byte("data: {postgres: \"mysql://root:Secret-pw@db/x\"}\n"), 0o600))
	none := filepath.Join(dir, "none.yaml")
	must(t, os.WriteFile(none, []byte("log: {level: info}\n"), 0o600))
	bad := filepath.Join(dir, "bad.jsonl")
	must(t, os.WriteFile(bad, []byte(`{"type":"answer","at":"2024-05-01T09:00:00Z"}`+"\n"+`{"user":7}`+"\n"), 0o600))
	good := filepath.Join(dir, "good.yaml")
	must(t, os.WriteFile(good, []byte("data: {dir: "+filepath.Join(dir, "d")+"}\n"), 0o600))
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{}, "usage"},
		{[]string{"-config", cfg, "-export", "a", "-import", "b"}, "usage"},
		{[]string{"-config", cfg}, "data.postgres (or PLANBOT_POSTGRES_URL) must be an address such as postgres://"},
		{[]string{"-config", none}, "names no store"},
		{[]string{"-config", good, "-import", bad}, "bad.jsonl line 2: not a record of planbot stats -export"},
		{[]string{"-config", good, "-import", filepath.Join(dir, "missing")}, "no such file"},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), append([]string{"stats"}, tt.args...), strings.NewReader(""), &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("stats %v: %v, want %q", tt.args, err, tt.want)
		}
		if strings.Contains(fmt.Sprint(err)+out.String()+errOut.String(), "Secret-pw") {
			t.Errorf("stats %v shows the password", tt.args)
		}
	}
	// A failed import added nothing.
	var out bytes.Buffer
	must(t, run(context.Background(), []string{"stats", "-config", good}, nil, &out, &out))
	if !strings.Contains(out.String(), "answers 0, unanswered 0") {
		t.Errorf("after the failed import: %s", out.String())
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
