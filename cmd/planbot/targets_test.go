package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"planbot/corpus"
)

// runTargetsOut runs the targets command and returns what it printed.
func runTargetsOut(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if err := runTargets(context.Background(), args, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatalf("targets %q: %v (%s)", args, err, errb.String())
	}
	return out.String()
}

func TestTargetsJSON(t *testing.T) {
	out := runTargetsOut(t, "-json")
	var ts []corpus.Target
	if err := json.Unmarshal([]byte(out), &ts); err != nil {
		t.Fatal(err)
	}
	t.Logf("planbot targets -json lists %d targets", len(ts))
	if len(ts) < 80 {
		t.Errorf("%d targets, want at least 80", len(ts))
	}
	// The names the issue gives the fields.
	var raw []map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"metric", "comparator", "value", "unit", "year", "text", "location"} {
		if _, ok := raw[0][k]; !ok {
			t.Errorf("no %q in %v", k, raw[0])
		}
	}
	if strings.Contains(out, `\u003e`) {
		t.Error("HTML-escaped JSON: >7 must read >7")
	}
}

func TestTargetsTopic(t *testing.T) {
	var ts []corpus.Target
	if err := json.Unmarshal([]byte(runTargetsOut(t, "-json", "养老")), &ts); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range ts {
		if !strings.Contains(x.Metric+x.Text, "养老") {
			t.Errorf("off topic: %+v", x)
		}
		found = found || x.Metric == "养老机构护理型床位占比" && x.Value == "55"
	}
	if !found {
		t.Errorf("养老: no 养老机构护理型床位占比 55%% in %d targets", len(ts))
	}
	if got := runTargetsOut(t, "-json", "不存在的主题"); strings.TrimSpace(got) != "[]" {
		t.Errorf("no match printed %q, want []", got)
	}
}

func TestTargetsText(t *testing.T) {
	out := runTargetsOut(t, "就业")
	for _, want := range []string{
		"（主题：就业）",
		"第八章 践行共享发展理念 不断增强民生福祉\n",
		"  • 城镇登记失业率：控制在3.9%以内（“十四五”时期，目标）\n    第八章 第二节 · 促进高质量就业\n",
		"  • 城镇新增就业：累计5.3万人（“十三五”时期，成就）\n    第一章 第一节 · “十三五”发展成就\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	// Chapters in order, each named once.
	if i, j := strings.Index(out, "第一章"), strings.Index(out, "第八章"); i < 0 || j < i || strings.Count(out, "第八章 践行") != 1 {
		t.Errorf("chapters out of order or repeated:\n%s", out)
	}

	all := runTargetsOut(t)
	for _, want := range []string{
		"  • 森林覆盖率：预计19.5%（2025年，目标）\n    专栏1 第18项\n",
		"  • 森林覆盖率：提高到24.7%（基数 24.3%）（2020年，成就）\n",
		"  • 单位地区生产总值能源消耗降幅：达到包头市要求（“十四五”时期，目标）\n",
		"  • 原铝产能：实现150万吨（2025年，目标）\n",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in the full list", want)
		}
	}
	if got := runTargetsOut(t, "不存在的主题"); got != "没有找到与“不存在的主题”有关的量化指标。\n" {
		t.Errorf("no match printed %q", got)
	}
}

func TestTargetsUsage(t *testing.T) {
	var out, errb bytes.Buffer
	err := runTargets(context.Background(), []string{"-bogus"}, strings.NewReader(""), &out, &errb)
	if !errors.Is(err, errUsage) || !strings.Contains(errb.String(), "planbot targets") {
		t.Errorf("bad flag: %v, %q", err, errb.String())
	}
}
