package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"planbot/corpus"
	"planbot/index"
)

// writePlans writes a configuration of the built-in plan and the small
// plan of the family (corpus/testdata/mini.md) as another place's 十五五,
// and returns its path.
func writePlans(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadFile("../../corpus/testdata/mini.md")
	if err != nil {
		t.Fatal(err)
	}
	mini := strings.Replace(string(src), "**某某区国民经济和社会发展  \n第十四个五年规划纲要**", "**南京市国民经济和社会发展第十五个五年规划纲要**", 1)
	if err := os.WriteFile(filepath.Join(dir, "nanjing.md"), []byte(mini), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := "plans:\n  - name: 东河区“十四五”\n  - file: nanjing.md\n    default: true\ndata:\n  dir: " + filepath.Join(dir, "data") + "\n"
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPlansCommand(t *testing.T) {
	path := writePlans(t)
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"plans", "-json", "-config", path}, nil, &out, &errb); err != nil {
		t.Fatalf("plans: %v (%s)", err, errb.String())
	}
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d plans, want 2: %s", len(got), out.String())
	}
	keys := []string{"name", "title", "file", "default", "parts", "chapters", "passages", "indicators", "boxes", "terms", "warnings"}
	for _, p := range got {
		for _, k := range keys {
			if _, ok := p[k]; !ok {
				t.Errorf("plan %v lacks %q", p["name"], k)
			}
		}
	}
	if got[0]["name"] != "东河区“十四五”" || got[0]["default"] != false || got[0]["indicators"] != 20.0 || got[0]["file"] != "" {
		t.Errorf("first plan: %v", got[0])
	}
	if got[1]["name"] != "南京市“十五五”" || got[1]["default"] != true || got[1]["chapters"] != 2.0 || !strings.HasSuffix(got[1]["file"].(string), "nanjing.md") {
		t.Errorf("second plan: %v", got[1])
	}
	out.Reset()
	if err := run(context.Background(), []string{"plans", "-config", path}, nil, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "南京市“十五五” *") || !strings.Contains(out.String(), "共 2 份规划") {
		t.Errorf("plans:\n%s", out.String())
	}
}

// TestAskPlans checks that ask -json labels every result with its plan and
// that a question naming a plan searches it alone.
func TestAskPlans(t *testing.T) {
	path := writePlans(t)
	ask := func(q string) index.Answer {
		t.Helper()
		var out, errb bytes.Buffer
		if err := run(context.Background(), []string{"ask", "-json", "-n", "10", "-config", path, q}, nil, &out, &errb); err != nil {
			t.Fatalf("ask: %v (%s)", err, errb.String())
		}
		var a index.Answer
		if err := json.Unmarshal(out.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	plans := func(a index.Answer) []string {
		var out []string
		for _, r := range a.Results {
			if r.Plan == "" {
				t.Errorf("result %s has no plan", r.ID)
			}
			if !slices.Contains(out, r.Plan) {
				out = append(out, r.Plan)
			}
		}
		slices.Sort(out)
		return out
	}
	if got := plans(ask("森林覆盖率")); !slices.Equal(got, []string{"东河区“十四五”", "南京市“十五五”"}) {
		t.Errorf("森林覆盖率 from %q, want both plans", got)
	}
	if got := plans(ask("南京的森林覆盖率")); !slices.Equal(got, []string{"南京市“十五五”"}) {
		t.Errorf("南京的森林覆盖率 from %q", got)
	}
	// Without a configuration: the built-in plan, named.
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"ask", "-json", "森林覆盖率"}, nil, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"plan":"东河区“十四五”"`) {
		t.Errorf("ask -json: %s", out.String())
	}
}

func TestPlansConfigErrors(t *testing.T) {
	for _, tt := range []struct{ cfg, want string }{
		{"plans:\n  - default: true\n  - file: x.md\n    default: true\n", "at most one plan may be default"},
		{"plans:\n  - name: 甲\n  - file: x.md\n    name: 甲\n", "two plans are named 甲"},
		{"plan:\n  file: a.md\nplans:\n  - file: b.md\n", "plan.file and plans"},
		{"plans:\n  - fiel: a.md\n", "unknown setting"},
	} {
		path := filepath.Join(t.TempDir(), "c.yaml")
		os.WriteFile(path, []byte(tt.cfg), 0o600)
		_, err := loadPlansConfig(path, func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.cfg, err, tt.want)
		}
	}
	// Two plans of one derived name are told to take names.
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("plans:\n  - {}\n  - {}\n"), 0o600)
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"plans", "-config", path}, nil, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "give them names") {
		t.Errorf("two unnamed built-in plans: %v", err)
	}
}

// TestPlanCache checks that plans read back from the data directory answer
// exactly as plans built anew, that a changed plan file is built anew, and
// that a damaged cache is rebuilt rather than failing.
func TestPlanCache(t *testing.T) {
	path := writePlans(t)
	dir := filepath.Join(filepath.Dir(path), "data")
	questions := "森林覆盖率\n南京的森林覆盖率\n北梁以后建成啥样\n什么是碳达峰\n地铁票价多少钱\n十五五森林覆盖率目标比十四五高多少\n"
	ask := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if err := run(context.Background(), append([]string{"ask", "-json"}, args...), strings.NewReader(questions), &out, &errb); err != nil {
			t.Fatalf("ask: %v (%s)", err, errb.String())
		}
		return out.String()
	}
	snapshots := func() []string {
		files, _ := filepath.Glob(filepath.Join(dir, "plans", "[^.]*"))
		return files
	}
	cold := ask("-config", path) // builds and keeps both plans
	if n := len(snapshots()); n != 2 {
		t.Fatalf("%d snapshots kept, want 2", n)
	}
	if cached := ask("-config", path); cached != cold {
		t.Errorf("answers from the cache differ:\n%s\nbuilt:\n%s", cached, cold)
	}
	// Without a data directory, nor the user's cache: built anew, the
	// same answers.
	t.Setenv(cacheEnv, "off")
	cfg, _ := os.ReadFile(path)
	noCache := filepath.Join(filepath.Dir(path), "nocache.yaml")
	os.WriteFile(noCache, []byte(strings.Split(string(cfg), "data:")[0]), 0o600)
	if built := ask("-config", noCache); built != cold {
		t.Errorf("answers without a cache differ:\n%s\nwith:\n%s", built, cold)
	}
	// A damaged snapshot is rebuilt, and kept again.
	damages := map[string]func(snap string) error{
		"snapshot overwritten": func(snap string) error {
			return os.WriteFile(filepath.Join(snap, "snapshot.gob"), []byte("not a snapshot"), 0o600)
		},
		"a byte of bleve's index changed": func(snap string) error {
			zaps, _ := filepath.Glob(filepath.Join(snap, "bleve", "store", "*.zap"))
			if len(zaps) == 0 {
				return errors.New("no zap file")
			}
			data, err := os.ReadFile(zaps[0])
			if err != nil {
				return err
			}
			data[len(data)/2] ^= 0xff
			return os.WriteFile(zaps[0], data, 0o600)
		},
		"bleve's root removed": func(snap string) error {
			return os.Remove(filepath.Join(snap, "bleve", "store", "root.bolt"))
		},
	}
	for name, damage := range damages {
		for _, snap := range snapshots() {
			if err := damage(snap); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if got := ask("-config", path); got != cold {
			t.Errorf("%s: answers after the cache was damaged differ", name)
		}
		for _, snap := range snapshots() {
			idx, err := new(index.Builder).Open(snap)
			if err != nil {
				t.Errorf("%s: %s was not kept again: %v", name, filepath.Base(snap), err)
				continue
			}
			idx.Close()
		}
	}
	// A changed plan file is another snapshot.
	nj := filepath.Join(filepath.Dir(path), "nanjing.md")
	src, _ := os.ReadFile(nj)
	os.WriteFile(nj, []byte(strings.Replace(string(src), "2.森林覆盖率	%	20	21", "2.森林覆盖率	%	20	23", 1)), 0o600)
	if got := ask("-config", path); !strings.Contains(got, "2025年目标：23%") {
		t.Errorf("the changed plan is not read: %s", got)
	}
	if n := len(snapshots()); n != 3 {
		t.Errorf("%d snapshots, want 3 (one for the changed file)", n)
	}
}

// TestStartMemoryLimit checks the memory limit of opening plans from the
// cache: what the process holds and a share for each plan, lifted once to
// what it was, lifted by a plan built anew, left alone under GOMEMLIMIT.
func TestStartMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	held := goMemory()
	lift := limitStart(3, func(string) string { return "" })
	// What the process holds, within what the call itself may map.
	if got, want := debug.SetMemoryLimit(-1), held+openHeap+3*planHeap; got < want || got > want+1<<20 {
		t.Errorf("limit %d, want %d: %d held, and %d", got, want, held, openHeap+3*planHeap)
	}
	lift()
	debug.SetMemoryLimit(1 << 40) // someone else's limit, after ours was lifted
	lift()                        // lifts nothing twice
	if got := debug.SetMemoryLimit(before); got != 1<<40 {
		t.Errorf("a second lift set the limit to %d", got)
	}
	limitStart(1, func(k string) string {
		if k == "GOMEMLIMIT" {
			return "1GiB"
		}
		return ""
	})()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d under GOMEMLIMIT, want %d as it was", got, before)
	}

	// A plan read back from the cache does not build; one built anew does.
	cache := planCache{dir: t.TempDir()}
	for i, want := range []int{1, 0} {
		builds := 0
		idx, _, err := openPlan(t.Context(), new(index.Builder), cache, planEntry{}, func() { builds++ })
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			cache.keep(idx, corpus.DefaultSource())
		}
		idx.Close()
		if builds != want {
			t.Errorf("open %d: building called %d times, want %d", i+1, builds, want)
		}
	}
	// Opening a library leaves the limit as it was.
	lib, err := openLibrary(t.Context(), []planEntry{{}}, cache)
	if err != nil {
		t.Fatal(err)
	}
	lib.Close()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d after opening, want %d", got, before)
	}
}
