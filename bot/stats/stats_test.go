package stats

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var day = time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)

func mustOpen(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "stats.db")
	s := mustOpen(t, path)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.RecordAnswer(ctx, "target", "养老机构护理型床位占比", day))
	must(s.RecordAnswer(ctx, "target", "养老机构护理型床位占比", day.Add(time.Minute)))
	must(s.RecordAnswer(ctx, "passage", "加快健全养老服务体系", day.Add(2*time.Minute)))
	must(s.RecordUnanswered(ctx, "区长是谁", day))
	must(s.RecordFeedback(ctx, "c8s6p2", false, "", day))
	must(s.Close())

	s = mustOpen(t, path)
	defer s.Close()
	must(s.RecordUnanswered(ctx, "区长是谁", day.Add(time.Hour)))
	must(s.RecordUnanswered(ctx, "地铁什么时候通", day.Add(time.Hour)))
	must(s.RecordFeedback(ctx, "c8s6p2", true, "", day.Add(time.Hour)))
	r, err := s.Report(ctx, time.Time{}, time.Time{}, 10)
	must(err)
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

func TestReportPeriod(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, filepath.Join(t.TempDir(), "stats.db"))
	defer s.Close()
	for i := range 10 {
		at := day.AddDate(0, 0, i) // one a day, 1 to 10 May
		if err := s.RecordAnswer(ctx, "passage", fmt.Sprintf("主题%d", i%3), at); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordUnanswered(ctx, fmt.Sprintf("问题%d", i), at); err != nil {
			t.Fatal(err)
		}
	}
	// 3 May 09:00 up to, not including, 6 May 09:00: three days.
	r, err := s.Report(ctx, day.AddDate(0, 0, 2), day.AddDate(0, 0, 5), 2)
	if err != nil {
		t.Fatal(err)
	}
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
	if err := s.RecordUnanswered(ctx, "很久以前", time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Report(ctx, day.AddDate(0, 0, 8), time.Time{}, 0); r.Unanswered != 2 {
		t.Errorf("since 9 May: %d unanswered, want 2", r.Unanswered)
	}
	if r, _ := s.Report(ctx, time.Time{}, day, 0); !reflect.DeepEqual(r.Questions, []Count{{"很久以前", 1}}) {
		t.Errorf("until 1 May: %v", r.Questions)
	}
}

func TestCleanQuestion(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, filepath.Join(t.TempDir(), "stats.db"))
	defer s.Close()
	long := strings.Repeat("养", MaxText+50)
	for _, q := range []string{
		"  区长\x00是谁\u200b\n\n？ ",
		long,
		"\x01\x02 \t",    // nothing left: not recorded
		"bad \xff utf-8", // invalid bytes dropped
	} {
		if err := s.RecordUnanswered(ctx, q, day); err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.Report(ctx, time.Time{}, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
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

func TestCanceled(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "stats.db"))
	defer s.Close()
	if err := s.RecordAnswer(context.Background(), "passage", "x", day); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.RecordAnswer(ctx, "passage", "y", day); !errors.Is(err, context.Canceled) {
		t.Errorf("record: %v, want context.Canceled", err)
	}
	if _, err := s.Report(ctx, time.Time{}, time.Time{}, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("report: %v, want context.Canceled", err)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "missing", "stats.db"), Options{}); err == nil {
		t.Error("opened a file in a missing directory")
	}
}

func ExampleReport_String() {
	dir, err := os.MkdirTemp("", "stats")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	s, err := Open(filepath.Join(dir, "stats.db"), Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	ctx := context.Background()
	at := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	s.RecordAnswer(ctx, "target", "原铝产能", at)
	s.RecordAnswer(ctx, "target", "原铝产能", at)
	s.RecordAnswer(ctx, "passage", "加快健全养老服务体系", at)
	s.RecordUnanswered(ctx, "区长是谁", at)
	s.RecordFeedback(ctx, "c3s1p3", true, "", at)
	r, err := s.Report(ctx, at.AddDate(0, 0, -30), at.AddDate(0, 0, 1), 5)
	if err != nil {
		panic(err)
	}
	fmt.Print(r)
	// Output:
	// 统计：2024-04-01 09:00 至 2024-05-02 09:00
	// 回答 3 次，未能回答 1 次；👍 1，👎 0
	// 最常问的主题：
	//   1. 原铝产能（2）
	//   2. 加快健全养老服务体系（1）
	// 按回答类型：
	//   1. target（2）
	//   2. passage（1）
	// 未能回答的问题：
	//   1. 区长是谁（1）
}
