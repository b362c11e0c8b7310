package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
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

// TestConsoleLongLine: a line of any length reaches the bot cut to
// maxLine bytes, as ask reads it, and the next line is read.
func TestConsoleLongLine(t *testing.T) {
	huge := strings.Repeat("养老服务", 4<<20) // 48 MiB, no newline
	in := strings.NewReader(huge + "\n森林覆盖率\n")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"console"}, in, &stdout, &stderr); err != nil {
		t.Fatalf("console = %v\n%s", err, stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, "指标18 · 森林覆盖率") {
		t.Errorf("the line after the long one was not answered:\n%.2000s", out)
	}
	m := regexp.MustCompile(`问题太长了（(\d+) 字）`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the long line got no answer:\n%.2000s", out)
	}
	if n, _ := strconv.Atoi(m[1]); n > maxLine/3 {
		t.Errorf("the bot read %d characters of the line, over maxLine (%d bytes)", n, maxLine)
	}
}
