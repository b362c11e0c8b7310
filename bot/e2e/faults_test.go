package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestAnonymousAdmin: a message an anonymous admin sends as the group
// (from GroupAnonymousBot, with sender_chat) is answered like anyone's.
func TestAnonymousAdmin(t *testing.T) {
	s := need(t)
	c := groupChat(-2031)
	s.say(t, c, "/indicator@"+botName+" 18", map[string]any{
		"from":        map[string]any{"id": 1087968824, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot"},
		"sender_chat": c.json(),
	})
	has(t, s.replies(t, c, 1)[0], "指标18 · 森林覆盖率")
}

var downRe = regexp.MustCompile(`👎 (\d+)`)

// dislikes asks /stats for the number of 👎 counted.
func (s *stack) dislikes(t *testing.T, c chat) int {
	t.Helper()
	s.say(t, c, "/stats", nil)
	m := downRe.FindStringSubmatch(s.replies(t, c, 1)[0].Message.Text)
	if m == nil {
		t.Fatal("/stats shows no 👎 count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestFeedbackCountsOnce presses 👎 again and again under one answer, and
// presses hand-made 👎 data under a message that does not carry it: one
// press counts.
func TestFeedbackCountsOnce(t *testing.T) {
	s := need(t)
	c := privateChat(1030)
	before := s.dislikes(t, c)
	s.say(t, c, "养老服务", nil)
	answer := s.replies(t, c, 1)[0]
	down := answer.button("f:-:")
	if down == "" {
		t.Fatalf("no 👎 under %q", answer.Message.Text)
	}
	s.say(t, c, "/toc", nil)
	toc := s.replies(t, c, 1)[0] // a message without feedback buttons
	for range 5 {
		s.press(t, c, answer, down, nil)
		s.press(t, c, toc, down, nil)
		s.press(t, c, toc, "f:-:i18", nil)
	}
	// Records are written in the background: wait for the press to show.
	deadline := time.Now().Add(15 * time.Second)
	got := s.dislikes(t, c)
	for got == before && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		got = s.dislikes(t, c)
	}
	if got != before+1 {
		t.Errorf("15 presses counted as %d 👎, want 1", got-before)
	}
	if strings.Contains(s.logs.String(), "panic") {
		t.Error("a panic in the logs")
	}
}
