package bot

import (
	"context"
	"io"
	"strings"
	"testing"
)

func TestConsole(t *testing.T) {
	b, _ := newFakeBot(t, 7)
	in := strings.NewReader("养老服务\n1\n4\n\n/quit\n森林覆盖率\n")
	var out strings.Builder
	if err := Console(context.Background(), b, in, &out, false); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	contains(t, got,
		"[1] 第1条全文", "[4] 更多结果 ▶", // the buttons as choices
		"第 4–6 条", // 4 pressed "more" although 1 came in between
	)
	lacks(t, got, "<b>", "&amp;", "> ", "planbot ·")
	if strings.Count(got, "🔎") != 2 {
		t.Errorf("want the answer and its second page, got:\n%s", got)
	}
}

func TestConsoleTerminal(t *testing.T) {
	b := newBot(t)
	var out strings.Builder
	// No newline at the end; a number with no buttons shown is a question.
	if err := Console(context.Background(), b, strings.NewReader("/indicator 18\n7"), &out, true); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	contains(t, got, "planbot ·", "> ", "2025年目标：19.5", "指标7 · 居民人均可支配收入增长")
}

func TestConsoleCanceled(t *testing.T) {
	b := newBot(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, w := io.Pipe()
	defer w.Close()
	var out strings.Builder
	if err := Console(ctx, b, r, &out, false); err != nil {
		t.Fatal(err)
	}
}
