package bot

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"planbot/bot/stats"
	"planbot/corpus"
	"planbot/index"
)

// fakeRecorder keeps what the bot records and reports what it is told to.
type fakeRecorder struct {
	mu         sync.Mutex
	answers    []string // kind|topic
	unanswered []string
	feedback   []string // +id or -id
	err        error    // returned by every call

	report       stats.Report
	since, until time.Time
	n            int
}

func (f *fakeRecorder) RecordAnswer(_ context.Context, kind, topic string, _ time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers = append(f.answers, kind+"|"+topic)
	return f.err
}

func (f *fakeRecorder) RecordUnanswered(_ context.Context, q string, _ time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unanswered = append(f.unanswered, q)
	return f.err
}

func (f *fakeRecorder) RecordFeedback(_ context.Context, id string, up bool, _ string, _ time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	sign := "-"
	if up {
		sign = "+"
	}
	f.feedback = append(f.feedback, sign+id)
	return f.err
}

func (f *fakeRecorder) Report(_ context.Context, since, until time.Time, n int) (stats.Report, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.since, f.until, f.n = since, until, n
	return f.report, f.err
}

const admin = 4242

func newRecordingBot(t testing.TB, f *fakeRecorder) *Bot {
	t.Helper()
	b := newBot(t)
	return New(one(b.plan), b.search, Options{Username: botName, Recorder: f, Reporter: f, Admins: []int64{admin}})
}

func TestRecording(t *testing.T) {
	f := &fakeRecorder{}
	b := newRecordingBot(t, f)
	tests := []struct {
		text       string
		answer     string // kind|topic recorded, "" for none
		unanswered string
	}{
		{"森林覆盖率", "indicator|指标18 · 森林覆盖率", ""},
		{"什么是碳达峰", "term|名词解释 · “碳达峰”、“碳中和”", ""},
		{"xyzzy", "", "xyzzy"},
		{"/indicator 18", "indicator|指标18 · 森林覆盖率", ""},
		{"/indicator 火星基地", "", "/indicator 火星基地"},
		{"/define 碳达峰", "term|名词解释 · “碳达峰”、“碳中和”", ""},
		{"/define 火星基地", "", "/define 火星基地"},
		{"/targets 养老", "targets|养老", ""},
		{"/targets 火星", "", "/targets 火星"},
		{"/projects 铝", "projects|铝", ""},
		{"/projects 火星", "", "/projects 火星"},
		// Browsing is not asking.
		{"/toc", "", ""},
		{"/chapter 5", "", ""},
		{"/targets", "", ""},
		{"/projects", "", ""},
		{"/help", "", ""},
	}
	for _, tt := range tests {
		f.answers, f.unanswered = nil, nil
		m := private(1, tt.text)
		m.FromID = 987654321
		b.HandleMessage(m)
		var want, wantUn []string
		if tt.answer != "" {
			want = []string{tt.answer}
		}
		if tt.unanswered != "" {
			wantUn = []string{tt.unanswered}
		}
		if !slices.Equal(f.answers, want) || !slices.Equal(f.unanswered, wantUn) {
			t.Errorf("%s: recorded %q and unanswered %q, want %q and %q", tt.text, f.answers, f.unanswered, want, wantUn)
		}
		for _, s := range append(f.answers, f.unanswered...) {
			if strings.Contains(s, "987654321") {
				t.Errorf("%s: recorded the user's ID: %q", tt.text, s)
			}
		}
	}

	// The next page of an answer is the same question: not counted again.
	f.answers = nil
	q := private(1, "养老服务")
	b.HandleCallback(Callback{Data: "m:3", Question: &q})
	if len(f.answers) > 0 {
		t.Errorf("more results recorded %q", f.answers)
	}
	// Messages not for the bot are not recorded.
	b.HandleMessage(Message{ID: 1, ChatType: Group, Text: "xyzzy"})
	if len(f.unanswered) > 0 {
		t.Errorf("group chatter recorded: %q", f.unanswered)
	}
}

func TestFeedback(t *testing.T) {
	f := &fakeRecorder{}
	b := newRecordingBot(t, f)
	rs := b.HandleMessage(private(1, "养老服务"))
	var up, down string
	for _, d := range buttons(rs) {
		switch {
		case strings.HasPrefix(d, "f:+:"):
			up = d
		case strings.HasPrefix(d, "f:-:"):
			down = d
		}
	}
	id := strings.TrimPrefix(up, "f:+:")
	if id == "" || down != "f:-:"+id {
		t.Fatalf("feedback buttons %q %q in %v", up, down, buttons(rs))
	}
	for _, d := range []string{up, down} {
		a := b.HandleCallback(Callback{Data: d, MessageID: 2, Keyboard: buttons(rs)})
		if a.Notice == "" || !strings.Contains(a.Notice, "谢谢") || len(a.Replies) > 0 {
			t.Errorf("%s: %+v, want thanks only", d, a)
		}
	}
	if want := []string{"+" + id, "-" + id}; !slices.Equal(f.feedback, want) {
		t.Errorf("recorded feedback %q, want %q", f.feedback, want)
	}

	// Every kind of result can be rated, and the data fits.
	for _, q := range []string{"森林覆盖率", "什么是碳达峰", "航空航天铝材", "原铝产能2025年多少"} {
		rs := b.HandleMessage(private(1, q))
		all(t, rs)
		if !slices.ContainsFunc(buttons(rs), func(d string) bool { return strings.HasPrefix(d, "f:+:") }) {
			t.Errorf("%s: no feedback buttons in %v", q, buttons(rs))
		}
	}
	// Only the first page of an answer asks.
	q := private(1, "养老服务")
	more := b.HandleCallback(Callback{Data: "m:3", Question: &q})
	if slices.ContainsFunc(buttons(more.Replies), func(d string) bool { return strings.HasPrefix(d, "f:") }) {
		t.Errorf("second page asks for feedback: %v", buttons(more.Replies))
	}

	f.feedback = nil
	for _, d := range []string{"f:+:nope", "f:x:" + id, "f:+:", "f:", "f:+" + id, "f:+:i99", "f:+:b2.5x", "f:-:g"} {
		if a := b.HandleCallback(Callback{Data: d}); strings.Contains(a.Notice, "谢谢") || len(a.Replies) > 0 {
			t.Errorf("callback %q: %+v, want it stale", d, a)
		}
	}
	if len(f.feedback) > 0 {
		t.Errorf("recorded %q from stale buttons", f.feedback)
	}

	// Without a Recorder (the console) there is nothing to press.
	if bs := buttons(newBot(t).HandleMessage(private(1, "养老服务"))); slices.ContainsFunc(bs, func(d string) bool { return strings.HasPrefix(d, "f:") }) {
		t.Errorf("feedback buttons without a recorder: %v", bs)
	}
}

// TestRecorderErrors checks that a failing store costs no answer.
func TestRecorderErrors(t *testing.T) {
	f := &fakeRecorder{err: errors.New("stats: record: disk full")}
	b := newRecordingBot(t, f)
	contains(t, all(t, b.HandleMessage(private(1, "森林覆盖率"))), "指标18 · 森林覆盖率")
	contains(t, all(t, b.HandleMessage(private(1, "xyzzy"))), "规划里没有找到")
	if a := b.HandleCallback(Callback{Data: "f:+:i18", Keyboard: []string{"f:+:i18"}}); !strings.Contains(a.Notice, "谢谢") {
		t.Errorf("feedback: %+v", a)
	}
	m := private(1, "/stats")
	m.FromID = admin
	got := all(t, b.HandleMessage(m))
	contains(t, got, "统计暂时读不出来")
	lacks(t, got, "disk full", "stats:")
}

func TestStats(t *testing.T) {
	f := &fakeRecorder{report: stats.Report{
		Answered:   5,
		Topics:     []stats.Count{{Key: "指标18 · 森林覆盖率", N: 3}, {Key: "养老", N: 2}},
		Kinds:      []stats.Count{{Key: "indicator", N: 3}, {Key: "targets", N: 2}},
		Unanswered: 3,
		Questions:  []stats.Count{{Key: "区长是谁", N: 2}, {Key: "<script>alert(1)</script> & co", N: 1}},
		Up:         4,
		Down:       1,
		Disliked:   []stats.Count{{Key: "i18", N: 1}},
	}}
	b := newRecordingBot(t, f)
	as := func(id int64, ct ChatType, text string) []Reply {
		return b.HandleMessage(Message{ID: 5, ChatType: ct, Text: text, FromID: id})
	}

	before := time.Now()
	got := all(t, as(admin, Private, "/stats"))
	contains(t, got,
		"📈 <b>近 7 天的提问统计</b>", "回答 5 次，未能回答 3 次；👍 4，👎 1",
		"<b>最常问的主题</b>\n1. 指标18 · 森林覆盖率（3）\n2. 养老（2）",
		"主要指标 3 · /targets 列表 2",
		"<b>规划没有回答的问题</b>\n1. 区长是谁（2）", "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co",
		"<b>👎 最多的回答</b>\n1. 指标18 · 森林覆盖率（1）",
	)
	if d := before.Sub(f.since); d < 7*24*time.Hour-time.Minute || d > 7*24*time.Hour+time.Minute || !f.until.IsZero() || f.n <= 0 {
		t.Errorf("report asked since %v (%v ago), until %v, n %d", f.since, d, f.until, f.n)
	}
	contains(t, all(t, as(admin, Private, "/stats 30")), "近 30 天")
	if d := time.Since(f.since); d < 30*24*time.Hour-time.Minute {
		t.Errorf("/stats 30 asked since %v ago", d)
	}
	contains(t, all(t, as(admin, Private, "/stats 30天")), "近 30 天")
	contains(t, all(t, as(admin, Private, "/stats abc")), "请写上天数")
	contains(t, all(t, as(admin, Private, "/stats 0")), "请写上天数")

	// Others are refused in private and ignored in groups; the admins are
	// sent to a private chat, where the questions of others are not shown
	// to a group.
	contains(t, all(t, as(77, Private, "/stats")), "只供管理员使用")
	contains(t, all(t, as(0, Private, "/stats")), "只供管理员使用")
	if rs := as(77, Group, "/stats@"+botName); len(rs) > 0 {
		t.Errorf("non-admin in a group got %q", rs[0].HTML)
	}
	got = all(t, as(admin, Supergroup, "/stats"))
	contains(t, got, "私聊")
	lacks(t, got, "区长是谁")

	// /help shows /stats to the admins only; the menu never.
	contains(t, all(t, as(admin, Private, "/help")), "/stats")
	lacks(t, all(t, as(77, Private, "/help")), "/stats")

	// An empty period.
	f.report = stats.Report{}
	contains(t, all(t, as(admin, Private, "/stats")), "这段时间还没有人提问")

	// No Reporter configured.
	nb := New(one(b.plan), b.search, Options{Admins: []int64{admin}})
	contains(t, all(t, nb.HandleMessage(Message{ID: 1, ChatType: Private, Text: "/stats", FromID: admin})), "统计没有开启")
}

// TestForgedFeedback presses 👎 100 times by hand-made callback data, as
// one user who never asked anything: it counts only from a message whose
// keyboard carries it, and once per message and user.
func TestForgedFeedback(t *testing.T) {
	st, err := stats.Open(filepath.Join(t.TempDir(), "stats.db"), stats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b0 := newBot(t)
	b := New(one(b0.plan), b0.search, Options{Recorder: st, Reporter: st})
	for i := range 100 {
		// Data on no keyboard at all, or on a keyboard without it.
		b.HandleCallback(Callback{Data: "f:-:i18", ChatID: 7, MessageID: i, FromID: 7})
		b.HandleCallback(Callback{Data: "f:-:i18", Keyboard: []string{"f:+:c8s6p2", "f:-:c8s6p2"}, ChatID: 7, MessageID: i, FromID: 7})
		// The real button of one answer, pressed again and again.
		b.HandleCallback(Callback{Data: "f:-:c8s6p2", Keyboard: []string{"f:+:c8s6p2", "f:-:c8s6p2"}, ChatID: 7, MessageID: 1, FromID: 7})
	}
	r, err := st.Report(context.Background(), time.Time{}, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Down != 1 || len(r.Disliked) != 1 || r.Disliked[0].Key != "c8s6p2" {
		t.Errorf("100 forged or repeated 👎 counted as %d: %v; want the one real press", r.Down, r.Disliked)
	}
}

// TestStatsStore runs the bot on a real statistics file: what it records
// is what /stats reports, and nothing in the file names who asked.
func TestStatsStore(t *testing.T) {
	st, err := stats.Open(filepath.Join(t.TempDir(), "stats.db"), stats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	plan, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	idx, err := index.New(plan)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	lib, err := index.NewLibrary([]*index.Index{idx}, "")
	if err != nil {
		t.Fatal(err)
	}
	b := New(one(plan), lib, Options{Recorder: st, Reporter: st, Admins: []int64{admin}})
	for _, q := range []string{"森林覆盖率", "森林覆盖率是多少", "区长是谁的问题xyzzy", "/targets 养老"} {
		b.HandleMessage(Message{ID: 1, ChatType: Private, Text: q, FromID: 555})
	}
	kb := []string{"f:+:i18", "f:-:i18"}
	b.HandleCallback(Callback{Data: "f:-:i18", Keyboard: kb, ChatID: 555, MessageID: 9, FromID: 555})
	b.HandleCallback(Callback{Data: "f:+:i18", Keyboard: kb, ChatID: 555, MessageID: 10, FromID: 555})

	got := all(t, b.HandleMessage(Message{ID: 2, ChatType: Private, Text: "/stats", FromID: admin}))
	contains(t, got, "未能回答 1 次；👍 1，👎 1", "指标18 · 森林覆盖率（2）", "养老（1）", "区长是谁的问题xyzzy（1）", "1. 指标18 · 森林覆盖率（1）")
	r, err := st.Report(context.Background(), time.Time{}, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s := r.String(); strings.Contains(s, "555") {
		t.Errorf("the store holds the user's ID:\n%s", s)
	}
}

func TestCommandMenu(t *testing.T) {
	var names []string
	for _, c := range Commands() {
		names = append(names, c.Name)
		if _, ok := lookup(c.Name); !ok {
			t.Errorf("/%s is in the menu but not handled", c.Name)
		}
		if c.Description == "" || len([]rune(c.Description)) > 256 || !commandRe.MatchString("/"+c.Name) {
			t.Errorf("bad menu entry %+v", c)
		}
	}
	for _, want := range []string{"targets", "projects", "toc", "chapter"} {
		if !slices.Contains(names, want) {
			t.Errorf("menu lacks /%s: %v", want, names)
		}
	}
	if slices.Contains(names, "stats") {
		t.Error("the admins' /stats is in everyone's menu")
	}
}
