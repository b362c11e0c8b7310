package bot

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"planbot/bot/stats"
)

// TestOutOfRange: a chapter or box number past the plan's says the range,
// as /chapter does, instead of searching the number as a topic; a figure
// such as a year is still a topic.
func TestOutOfRange(t *testing.T) {
	b := newBot(t)
	chapters := fmt.Sprintf("规划共 %d 章，请写 1–%d 之间的章号", len(b.plan.Chapters), len(b.plan.Chapters))
	first, last := b.plan.Boxes[0].Number, b.plan.Boxes[len(b.plan.Boxes)-1].Number
	boxes := fmt.Sprintf("重点项目在专栏%d–%d", first, last)
	tests := []struct{ text, want string }{
		{"/targets 0", chapters},
		{fmt.Sprintf("/targets 第%d章", len(b.plan.Chapters)+1), chapters},
		{"/targets 99", chapters},
		{fmt.Sprintf("/projects %d", last+1), boxes},
		{"/projects 0", boxes},
		{fmt.Sprintf("/projects 专栏%d", last+1), boxes},
	}
	for _, tt := range tests {
		m := private(1, tt.text)
		m.Entities = []Entity{{Type: "bot_command", Offset: 0, Length: len(strings.Fields(tt.text)[0])}}
		got := all(t, b.HandleMessage(m))
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s:\n%s\nwant %q", tt.text, clip(got, 200), tt.want)
		}
	}
	// In range, and a year: answered as before.
	contains(t, all(t, b.HandleMessage(private(1, "/targets 8"))), "第八章")
	lacks(t, all(t, b.HandleMessage(private(1, "/targets 2025"))), "规划共")
	contains(t, all(t, b.HandleMessage(private(1, fmt.Sprintf("/projects %d", first)))), fmt.Sprintf("专栏%d", first))
}

// TestNoFormatCharactersEchoed: bidi overrides and other format
// characters in a question never reach a reply, where they would reverse
// or hide the rest of the line.
func TestNoFormatCharactersEchoed(t *testing.T) {
	b := newBot(t)
	for _, text := range []string{
		"区长\u202e是谁xyzzy",
		"\u2066地铁\u2069\u200f\u061c",
		"/targets 火星\u202d移民",
		"/projects 外星\u202e基地",
		"/search 量子\u2067计算\u00ad",
	} {
		m := private(1, text)
		if strings.HasPrefix(text, "/") {
			m.Entities = []Entity{{Type: "bot_command", Offset: 0, Length: len(strings.Fields(text)[0])}}
		}
		got := all(t, b.HandleMessage(m))
		if strings.IndexFunc(got, func(r rune) bool { return unicode.Is(unicode.Cf, r) }) >= 0 {
			t.Errorf("%q: the reply has a format character: %+q", text, got)
		}
	}
}

// TestDamagedStoreCostsNoAnswer damages the statistics file under a
// running bot, in the middle of its pages: questions, /indicator and /stats
// are still answered (the last says the statistics cannot be read), and
// nothing panics.
func TestDamagedStoreCostsNoAnswer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stats.db")
	st, err := stats.Open(path, stats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	q := stats.NewQueue(st, stats.QueueOptions{Logger: slog.New(slog.DiscardHandler)})
	defer q.Close(context.Background())
	b0 := newBot(t)
	b := New(one(b0.plan), b0.search, Options{Recorder: q, Reporter: st, Admins: []int64{admin}})
	for i := range 300 {
		if err := st.RecordUnanswered(context.Background(), fmt.Sprint("区长是谁", i), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	garbage := strings.Repeat("\xa5\x17\xff\x03", 4096)
	if _, err := f.WriteAt([]byte(garbage), 2*4096); err != nil { // past the two meta pages
		t.Fatal(err)
	}
	f.Close()

	contains(t, all(t, b.HandleMessage(private(1, "森林覆盖率"))), "森林覆盖率")
	contains(t, all(t, b.HandleMessage(private(2, "区长是谁xyzzy"))), "规划里没有找到")
	m := private(3, "/indicator 18")
	m.Entities = []Entity{{Type: "bot_command", Offset: 0, Length: len("/indicator")}}
	contains(t, all(t, b.HandleMessage(m)), "森林覆盖率")
	m = Message{ID: 4, ChatType: Private, Text: "/stats", FromID: admin, Entities: []Entity{{Type: "bot_command", Offset: 0, Length: len("/stats")}}}
	contains(t, all(t, b.HandleMessage(m)), "统计暂时读不出来")
}
