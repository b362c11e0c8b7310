package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCorpusJSONFields checks the names the issue gives the fields of the
// parsed plan.
func TestCorpusJSONFields(t *testing.T) {
	var out, errb bytes.Buffer
	if err := runCorpus(context.Background(), []string{"-json"}, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatalf("%v (%s)", err, errb.String())
	}
	var plan map[string]any
	if err := json.Unmarshal(out.Bytes(), &plan); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"title", "parts", "chapters", "passages", "indicators", "terms", "boxes"} {
		if _, ok := plan[k]; !ok {
			t.Errorf("no %q in the plan", k)
		}
	}
	ind := plan["indicators"].([]any)[0].(map[string]any)
	for _, k := range []string{"columns", "base_year", "base", "target_year", "target", "name", "unit", "attribute"} {
		if _, ok := ind[k]; !ok {
			t.Errorf("no %q in an indicator: %v", k, ind)
		}
	}
	if ind["base_year"].(float64) != 2020 || ind["target_year"].(float64) != 2025 {
		t.Errorf("years of indicator 1: %v, %v", ind["base_year"], ind["target_year"])
	}
}

func TestCorpusCheck(t *testing.T) {
	var out, errb bytes.Buffer
	file := filepath.Join("..", "..", "corpus", "testdata", "small.txt")
	if err := runCorpus(context.Background(), []string{"-check", file}, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatalf("%v (%s)", err, errb.String())
	}
	got := out.String()
	for _, want := range []string{
		"2 篇, 3 章, 3 节", "3 项指标", "1 个专栏（2 条）", "1 条名词解释",
		"第二篇 产业发展", "第三章 先进制造业", "指标表：专栏1", "2030年=640", "0 条警告",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
	// A box with no items and a heading out of sequence are warned of.
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.ReplaceAll(string(src), "第二章　主要目标", "第四章　主要目标")
	bad = strings.Replace(bad, "1．年产5万吨新材料项目。\n2．智能装备产业园项目。\n", "", 1)
	path := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runCorpus(context.Background(), []string{"-check", path}, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatalf("%v (%s)", err, errb.String())
	}
	for _, want := range []string{"3 条警告", "第四章排在第一章之后", "第三章排在第四章之后", "专栏2 “重大产业项目” 没有条目"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in\n%s", want, out.String())
		}
	}
	// Not a plan: an error naming the line.
	notPlan := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notPlan, []byte("\n\n会议纪要\n今天讨论了预算。\n"), 0o644)
	err = runCorpus(context.Background(), []string{"-check", notPlan}, strings.NewReader(""), &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "notes.txt:3:") {
		t.Errorf("not a plan: %v, want an error naming line 3", err)
	}
}
