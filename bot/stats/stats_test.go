package stats

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
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
