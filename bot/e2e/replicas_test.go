package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"planbot/bot/stats"
	"planbot/bot/stats/pgtest"
)

// TestReplicas runs the README's recipe for several replicas: two planbot
// serve in webhook mode behind a reverse proxy that spreads Telegram's
// requests over them, one PostgreSQL on loopback as their store. The
// questions are answered by both; /stats from either counts all of them;
// PostgreSQL stopped in the middle costs no answer, and what is asked
// meanwhile is counted once it is back (the replicas buffer it).
//
// Both replicas load two plans: a chat's plan chosen with /plan through
// one replica holds on the other, since the choice is kept in the shared
// store (and the store API is checked directly as well).
func TestReplicas(t *testing.T) {
	s := need(t)
	srv, err := pgtest.Start()
	srv = pgtest.Need(t, srv, err)
	defer srv.Close()
	db := srv.NewDB(t)

	const (
		tok    = "123456785:AAE-replicas_token"
		secret = "replicas-SECRET-value"
	)
	// The reverse proxy, round robin, as nginx's upstream would be.
	hooks := []string{freeAddr(t), freeAddr(t)}
	var next atomic.Int64
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		target := &url.URL{Scheme: "http", Host: hooks[next.Add(1)%2]}
		r.SetURL(target)
		r.Out.URL.Path = r.In.URL.Path
	}}
	pl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go http.Serve(pl, proxy)
	defer pl.Close()
	public := "http://" + pl.Addr().String() + "/telegram"

	// A second plan of the family, as 南京市's 十五五.
	src, err := os.ReadFile("../../corpus/testdata/mini.md")
	if err != nil {
		t.Fatal(err)
	}
	nanjing := filepath.Join(t.TempDir(), "nanjing.md")
	mini := strings.Replace(string(src), "**某某区国民经济和社会发展  \n第十四个五年规划纲要**", "**南京市国民经济和社会发展第十五个五年规划纲要**", 1)
	if err := os.WriteFile(nanjing, []byte(mini), 0o600); err != nil {
		t.Fatal(err)
	}
	var replicas []*instance
	var admins []string
	for _, hook := range hooks {
		admin := freeAddr(t)
		in := s.launch(t, tok, `  admins: [7001]
  mode: webhook
  webhook: {listen: "`+hook+`", url: "`+public+`"}
limits: {per_chat: 1s}
admin: {listen: "`+admin+`"}
log: {level: debug, format: json}
plans:
  - name: 东河区“十四五”
    default: true
  - file: `+nanjing+`
`, "PLANBOT_WEBHOOK_SECRET="+secret, "PLANBOT_POSTGRES_URL="+db)
		replicas = append(replicas, in)
		admins = append(admins, "http://"+admin)
	}
	for _, in := range replicas {
		in.waitLog(t, "telegram: webhook set")
	}
	for i, a := range admins {
		if page := scrape(t, a+"/healthz"); page != "ok\n" {
			t.Errorf("replica %d: /healthz = %q", i, page)
		}
	}

	// ask sends a question through the emulator (and so the proxy) and
	// waits for the answer: one at a time, as the emulator needs.
	answers := 0
	ask := func(c chat, q, want string) {
		t.Helper()
		if err := s.sayAs(tok, c, q, nil); err != nil {
			t.Fatal(err)
		}
		answers++
		got := s.waitBots(t, tok, answers)
		if text := got[answers-1].Message.Text; !strings.Contains(text, want) {
			t.Errorf("%s: the answer lacks %q:\n%s", q, want, text)
		}
	}
	asked := []struct{ q, want string }{
		{"森林覆盖率的目标是多少？", "19.5"},
		{"/indicator 18", "森林覆盖率"},
		{"东河区有地铁吗", ""},
		{"什么是碳达峰", "碳达峰"},
		{"养老服务", "养老"},
		{"东河区有地铁吗", ""},
	}
	for i, a := range asked {
		ask(privateChat(int64(5101+i%3)), a.q, a.want)
	}
	for i, a := range admins {
		n := metric(scrape(t, a+"/metrics"), `planbot_updates_total{kind="message"}`)
		t.Logf("replica %d handled %d messages", i, n)
		if n < 2 {
			t.Errorf("replica %d handled %d of the %d questions: the proxy did not spread them", i, n, len(asked))
		}
	}

	// One chat asks three times in a row, through one replica and then the
	// other: its answers are a second apart (per_chat) all the same, as
	// the emulator's clock shows.
	burst := privateChat(5150)
	for _, q := range []string{"森林覆盖率", "什么是碳中和", "/indicator 3"} {
		ask(burst, q, "")
	}
	asked = append(asked, []struct{ q, want string }{{"森林覆盖率", ""}, {"什么是碳中和", ""}, {"/indicator 3", ""}}...)
	_, bots := s.history(t, tok)
	var times []int64
	for _, b := range bots {
		if b.Message.ChatID.String() == fmt.Sprint(burst.ID) {
			times = append(times, b.Time)
		}
	}
	if len(times) != 3 {
		t.Fatalf("%d answers in the burst's chat, want 3", len(times))
	}
	for i := 1; i < len(times); i++ {
		// The slot is the database's; the emulator's clock sees it
		// through two requests' latency: allowed 100 ms.
		if gap := times[i] - times[i-1]; gap < 900 {
			t.Errorf("answers %d and %d to one chat, from two replicas, went %d ms apart; want at least per_chat (1 s)", i-1, i, gap)
		}
	}

	// /stats from either replica counts what both answered.
	before := s.statsFrom(t, tok, secret, hooks, &answers)
	t.Logf("/stats from each replica: %+v", before)
	for i, r := range before {
		if r != before[0] || r.answered+r.unanswered != len(asked) {
			t.Errorf("/stats from replica %d: %+v, from replica 0: %+v; want %d questions in all", i, r, before[0], len(asked))
		}
	}

	// A chat's plan chosen with /plan, the press handled by one replica,
	// holds for the questions the other handles (round robin: two in a
	// row reach both).
	pc := privateChat(5160)
	ask(pc, "/plan", "南京市“十五五”")
	list := s.repliesAs(t, tok, pc, 1)[0]
	choose := list.buttonNamed("南京市“十五五”")
	if choose == "" {
		t.Fatalf("/plan offers no button for 南京市“十五五”: %+v", list.Message.ReplyMarkup)
	}
	s.post(t, "/sendCallback", map[string]any{"botToken": tok, "from": from, "data": choose,
		"message": map[string]any{"message_id": list.MessageID, "date": time.Now().Unix(), "chat": pc.json(),
			"from": map[string]any{"id": botID, "is_bot": true, "first_name": "Bot"}, "text": list.Message.Text}}, nil)
	answers++
	if got := s.waitBots(t, tok, answers); !strings.Contains(got[answers-1].Message.Text, "南京市“十五五”") {
		t.Errorf("the press's reply: %s", got[answers-1].Message.Text)
	}
	for range 2 {
		ask(pc, "森林覆盖率", "南京市“十五五” · ")
		if text := s.waitBots(t, tok, answers)[answers-1].Message.Text; strings.Contains(text, "东河区“十四五” · ") {
			t.Errorf("a chat that chose 南京市“十五五” got an answer from 东河区“十四五”:\n%s", text)
		}
	}
	asked = append(asked, []struct{ q, want string }{{"森林覆盖率", ""}, {"森林覆盖率", ""}}...)

	// The store API itself: what one replica's store keeps, the other's reads.
	ctx := context.Background()
	var stores []*stats.Postgres
	for range 2 {
		st, err := stats.OpenPostgres(ctx, db, stats.PostgresOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		stores = append(stores, st)
	}
	if err := stores[0].SetChatPlan(ctx, 5101, "国家“十五五”"); err != nil {
		t.Fatal(err)
	}
	if p, ok, err := stores[1].ChatPlan(ctx, 5101); p != "国家“十五五”" || !ok || err != nil {
		t.Errorf("the chat's plan on the other replica: %q, %v, %v", p, ok, err)
	}
	for _, st := range stores {
		st.Close()
	}

	// PostgreSQL stops: every question is still answered, /healthz says
	// the store is degraded, the failures are counted.
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	down := []struct{ q, want string }{
		{"粮食综合生产能力", "粮食"},
		{"/indicator 3", "指标3"},
		{"东河区有地铁吗", ""},
		{"航空航天铝材", "铝"},
	}
	for i, a := range down {
		ask(privateChat(int64(5101+i%3)), a.q, a.want)
	}
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; i < len(admins); {
		if page := scrape(t, admins[i]+"/healthz"); strings.Contains(page, "degraded: store") {
			i++
			continue
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica %d: /healthz = %q with PostgreSQL down", i, scrape(t, admins[i]+"/healthz"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	for i, a := range admins {
		if n := metricSum(scrape(t, a+"/metrics"), "planbot_store_errors_total"); n < 1 {
			t.Errorf("replica %d counts %d store errors with PostgreSQL down", i, n)
		}
	}

	// Back: what was asked meanwhile is counted too, and /healthz is ok.
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(60 * time.Second)
	for {
		after := s.statsFrom(t, tok, secret, hooks, &answers)
		if after[0].answered+after[0].unanswered == len(asked)+len(down) && after[1] == after[0] {
			t.Logf("/stats from each replica after PostgreSQL came back: %+v", after)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("60 s after PostgreSQL came back /stats counts %+v, want %d questions", after, len(asked)+len(down))
		}
		time.Sleep(500 * time.Millisecond)
	}
	for i, a := range admins {
		for page := scrape(t, a+"/healthz"); page != "ok\n"; page = scrape(t, a+"/healthz") {
			if time.Now().After(deadline) {
				t.Fatalf("replica %d: /healthz = %q with PostgreSQL back", i, page)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	for i, in := range replicas {
		if err := in.stop(t, syscall.SIGTERM); err != nil {
			t.Errorf("replica %d did not exit cleanly: %v", i, err)
		}
		if logs := in.logs.String(); strings.Contains(logs, pgtest.Password) || strings.Contains(logs, secret) {
			t.Errorf("replica %d logs the database's password or the webhook's secret", i)
		}
	}
}

// waitBots waits until the bot with botToken has sent n messages, and
// returns them in order.
func (s *stack) waitBots(t *testing.T, botToken string, n int) []entry {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, bots := s.history(t, botToken)
		if len(bots) >= n {
			return bots
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d answers after 30 s", len(bots), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// statsCount is what a /stats answer counts.
type statsCount struct{ answered, unanswered int }

var statsRe = regexp.MustCompile(`回答 (\d+) 次，未能回答 (\d+) 次`)

// statsFrom posts /stats from the admin straight to each replica's
// webhook, bypassing the proxy, and reads what each answers.
func (s *stack) statsFrom(t *testing.T, botToken, secret string, hooks []string, answers *int) []statsCount {
	t.Helper()
	var out []statsCount
	for _, hook := range hooks {
		id := time.Now().UnixNano() % 1e9
		body := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":%d,"from":{"id":7001,"is_bot":false,"first_name":"王"},"chat":{"id":5200,"type":"private"},"text":"/stats","entities":[{"type":"bot_command","offset":0,"length":6}]}}`,
			id, id, time.Now().Unix())
		req, _ := http.NewRequest(http.MethodPost, "http://"+hook+"/telegram", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/stats straight to %s: %s", hook, resp.Status)
		}
		*answers++
		bots := s.waitBots(t, botToken, *answers)
		m := statsRe.FindStringSubmatch(bots[*answers-1].Message.Text)
		if m == nil {
			t.Fatalf("/stats from %s answered:\n%s", hook, bots[*answers-1].Message.Text)
		}
		var c statsCount
		fmt.Sscan(m[1], &c.answered)
		fmt.Sscan(m[2], &c.unanswered)
		out = append(out, c)
	}
	return out
}
