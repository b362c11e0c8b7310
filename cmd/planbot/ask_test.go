package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"planbot/index"
)

// TestAskJSONLines checks that ask -json prints exactly one JSON answer
// for every line of input, blank and hostile lines included, in order.
func TestAskJSONLines(t *testing.T) {
	lines := []string{
		"森林覆盖率",
		"",
		"东河区区长是谁",
		"<script>alert(1)</script>",
		strings.Repeat("啊", 5000),
		strings.Repeat("啊！", 1<<18), // longer than any buffer
		"\x00\x01\xff",
		"碳中和是什么意思",
	}
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"ask", "-json"}, strings.NewReader(strings.Join(lines, "\n")+"\n"), &out, &errb)
	if err != nil {
		t.Fatalf("run: %v (%s)", err, errb.String())
	}
	printed := out.String()
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	var answers []index.Answer
	for sc.Scan() {
		var a index.Answer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", len(answers)+1, err, sc.Text())
		}
		if a.Results == nil {
			t.Errorf("line %d: results is null, want []", len(answers)+1)
		}
		answers = append(answers, a)
	}
	if len(answers) != len(lines) {
		t.Fatalf("%d answers for %d lines", len(answers), len(lines))
	}
	first := answers[0]
	if first.Query != "森林覆盖率" || len(first.Results) == 0 || first.Results[0].Kind != "indicator" || first.Results[0].Title != "森林覆盖率" {
		t.Errorf("森林覆盖率: %+v", first)
	}
	for _, i := range []int{1, 2, 3, 4, 5, 6} {
		if n := len(answers[i].Results); n != 0 {
			t.Errorf("line %d (%.20q): %d results, want none", i+1, lines[i], n)
		}
	}
	if r := answers[7].Results; len(r) == 0 || r[0].Kind != "term" || !strings.Contains(r[0].Title, "碳中和") {
		t.Errorf("碳中和: %+v", r)
	}
	// The documented fields, by name.
	var raw map[string]any
	if err := json.Unmarshal([]byte(strings.SplitN(printed, "\n", 2)[0]), &raw); err != nil {
		t.Fatal(err)
	}
	res := raw["results"].([]any)[0].(map[string]any)
	for _, k := range []string{"kind", "title", "text", "location", "score"} {
		if _, ok := res[k]; !ok {
			t.Errorf("result lacks %q: %v", k, res)
		}
	}
}

func TestAskText(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"ask", "原铝产能2025年多少"}, nil, &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	if s := out.String(); !strings.Contains(s, "150万吨") || !strings.Contains(s, "第三章 第一节") || !strings.Contains(s, "【") {
		t.Errorf("answer:\n%s", s)
	}
	out.Reset()
	if err := run(context.Background(), []string{"ask", "东河区区长是谁"}, nil, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "没有找到") {
		t.Errorf("declined answer: %s", out.String())
	}
}

func TestEval(t *testing.T) {
	set := `{"id":"a","q":"森林覆盖率到2025年要到多少","kind":"indicator","any":["森林覆盖率"]}
{"id":"b","q":"東河區有沒有地鐵","kind":"none","any":[]}
{"id":"c","q":"原铝产能到2025年要搞到多少万吨","kind":"passage","any":["到2025年实现原铝产能150万吨"]}
`
	file := t.TempDir() + "/set.jsonl"
	if err := writeFile(file, set); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"eval", file}, nil, &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	s := out.String()
	if !strings.Contains(s, "all           2     1.000     1.000  1.000") || !strings.Contains(s, "declined 1.000") {
		t.Errorf("eval output:\n%s", s)
	}
}

func TestMatcherFolds(t *testing.T) {
	m, err := newMatcher()
	if err != nil {
		t.Fatal(err)
	}
	if got := m.fold("“碳達峰”、 <b>碳中和</b>"); got != "碳达峰碳中和" {
		t.Errorf("fold = %q", got)
	}
}

func writeFile(name, s string) error { return os.WriteFile(name, []byte(s), 0o644) }

// TestAskOutcomes checks that ask tells the three outcomes apart, in JSON
// (answered, missing) and in text.
func TestAskOutcomes(t *testing.T) {
	ask := func(args ...string) string {
		var out, errb bytes.Buffer
		if err := run(context.Background(), append([]string{"ask"}, args...), nil, &out, &errb); err != nil {
			t.Fatal(err, errb.String())
		}
		return out.String()
	}
	var a index.Answer
	if err := json.Unmarshal([]byte(ask("-json", "东河要建摩天轮吗")), &a); err != nil {
		t.Fatal(err)
	}
	if a.Answered || !slices.Contains(a.Missing, "摩天轮") {
		t.Errorf("东河要建摩天轮吗: answered %v, missing %q; want not answered, 摩天轮 missing", a.Answered, a.Missing)
	}
	text := ask("东河要建摩天轮吗")
	if len(a.Results) > 0 && !strings.HasPrefix(text, "规划里没有提到“摩天轮”。最接近的内容：") {
		t.Errorf("offer in text:\n%s", text)
	}
	if err := json.Unmarshal([]byte(ask("-json", "森林覆盖率")), &a); err != nil {
		t.Fatal(err)
	}
	if !a.Answered || a.Missing == nil || len(a.Missing) != 0 {
		t.Errorf("森林覆盖率: answered %v, missing %#v; want answered, missing []", a.Answered, a.Missing)
	}
	if s := ask("预期性指标一共几项"); !strings.Contains(s, "共12项") {
		t.Errorf("a count in text:\n%s", s)
	}
}

// TestCalibrate fits a decision on a small set and reads it back as the
// index does.
func TestCalibrate(t *testing.T) {
	set := `{"id":"a","q":"森林覆盖率到2025年要到多少","kind":"indicator","any":["森林覆盖率"]}
{"id":"b","q":"東河區有沒有地鐵","kind":"none","any":[]}
{"id":"c","q":"原铝产能到2025年要搞到多少万吨","kind":"passage","any":["到2025年实现原铝产能150万吨"]}
{"id":"d","q":"明天天气怎么样","kind":"none","any":[]}
{"id":"e","q":"碳中和是什么意思","kind":"term","any":["碳中和"]}
{"id":"f","q":"二手房房价多少钱","kind":"none","any":[]}
`
	dir := t.TempDir()
	if err := writeFile(dir+"/set.jsonl", set); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"calibrate", "-o", dir + "/decision.txt", "-dump", dir + "/f.tsv", dir + "/set.jsonl"}, nil, &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	if !strings.Contains(out.String(), "6 questions") || !strings.Contains(out.String(), "cross-validated") {
		t.Errorf("report:\n%s", out.String())
	}
	data, err := os.ReadFile(dir + "/decision.txt")
	if err != nil {
		t.Fatal(err)
	}
	d, err := index.ParseDecision(string(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Answer.Weights) != len(index.FeatureNames) || d.AnswerCut <= 0 || d.AnswerCut > 1 {
		t.Errorf("decision read back: %+v", d)
	}
	dump, err := os.ReadFile(dir + "/f.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(dump), "\n"); n != 7 {
		t.Errorf("dump has %d lines, want a header and 6", n)
	}
}

// TestCalibrateKeepsSets: a question set named where calibrate writes
// (-dump's word taken for a set) is refused, and left as it was.
func TestCalibrateKeepsSets(t *testing.T) {
	dir := t.TempDir()
	set := `{"id":"a","q":"森林覆盖率到2025年要到多少","kind":"indicator","any":["森林覆盖率"]}` + "\n"
	if err := writeFile(dir+"/set.jsonl", set); err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"-dump", "-o"} {
		var out, errb bytes.Buffer
		err := run(context.Background(), []string{"calibrate", flag, dir + "/set.jsonl", dir + "/set.jsonl"}, nil, &out, &errb)
		if err == nil || !strings.Contains(errb.String(), "question set") {
			t.Errorf("calibrate %s SET: err %v, stderr %q", flag, err, errb.String())
		}
		if got, _ := os.ReadFile(dir + "/set.jsonl"); string(got) != set {
			t.Errorf("calibrate %s SET changed the set: %q", flag, got)
		}
	}
}
