package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestConsole(t *testing.T) {
	var stdout, stderr bytes.Buffer
	in := strings.NewReader("森林覆盖率\n什么是碳达峰\n/indicators 约束性\n/quit\n/help\n")
	if err := run(context.Background(), []string{"console"}, in, &stdout, &stderr); err != nil {
		t.Fatalf("console = %v\n%s", err, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"指标18 · 森林覆盖率", "2025年目标：19.5", "二氧化碳的排放不再增长", "约束性指标", "18. 森林覆盖率"} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
	// Plain text, not HTML; no prompt when stdin is not a terminal; the
	// line after /quit is not read.
	for _, bad := range []string{"<b>", "&gt;", "> ", "/search 关键词"} {
		if strings.Contains(out, bad) {
			t.Errorf("console output has %q:\n%s", bad, out)
		}
	}
}
