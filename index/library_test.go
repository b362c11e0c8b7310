package index

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"planbot/corpus"
)

// miniAs parses the small plan of the family (corpus/testdata/mini.md)
// under another title: a plan of another place, level or period.
func miniAs(tb testing.TB, title string) *corpus.Plan {
	tb.Helper()
	src, err := os.ReadFile("../corpus/testdata/mini.md")
	if err != nil {
		tb.Fatal(err)
	}
	s := strings.Replace(string(src), "**某某区国民经济和社会发展  \n第十四个五年规划纲要**", "**"+title+"**", 1)
	pl, err := corpus.Parse("mini.md", []byte(s))
	if err != nil {
		tb.Fatal(err)
	}
	if pl.Title != title {
		tb.Fatalf("title %q, want %q", pl.Title, title)
	}
	return pl
}

// testLibrary is the built-in plan (东河区“十四五”) beside the small plan as
// the nation's and as 南京's 十五五.
func testLibrary(tb testing.TB) *Library {
	tb.Helper()
	plans := []*Index{testIndex(tb)}
	for _, title := range []string{
		"中华人民共和国国民经济和社会发展第十五个五年规划纲要",
		"南京市国民经济和社会发展第十五个五年规划纲要",
	} {
		plans = append(plans, indexOf(tb, miniAs(tb, title)))
	}
	lib, err := NewLibrary(plans, "")
	if err != nil {
		tb.Fatal(err)
	}
	return lib
}

func TestLibraryNames(t *testing.T) {
	lib := testLibrary(t)
	var names []string
	for _, idx := range lib.Plans() {
		names = append(names, idx.Name())
	}
	if want := []string{"东河区“十四五”", "国家“十五五”", "南京市“十五五”"}; !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
	if lib.Default().Name() != "东河区“十四五”" {
		t.Errorf("default %s", lib.Default().Name())
	}
	if _, err := NewLibrary([]*Index{lib.plans[0], lib.plans[0]}, ""); err == nil {
		t.Error("two plans of one name make a library")
	}
	if _, err := NewLibrary(lib.plans, "上海市“十五五”"); err == nil {
		t.Error("an unknown default makes a library")
	}
}

func TestLibraryNamed(t *testing.T) {
	lib := testLibrary(t)
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"国家规划里对养老怎么说", []string{"国家“十五五”"}},
		{"十五五森林覆盖率目标比十四五高多少", []string{"东河区“十四五”", "国家“十五五”", "南京市“十五五”"}},
		{"十五五的森林覆盖率", []string{"国家“十五五”", "南京市“十五五”"}},
		{"我们区和市里的规划都提到北梁吗", []string{"东河区“十四五”", "南京市“十五五”"}},
		{"东河区的森林覆盖率", []string{"东河区“十四五”"}},
		{"包头的养老", []string{"东河区“十四五”"}},
		{"南京十五五的养老", []string{"南京市“十五五”"}},
		{"南京和国家的规划都说了什么", []string{"国家“十五五”", "南京市“十五五”"}},
		{"国家“十五五”的森林覆盖率", []string{"国家“十五五”"}},
		// Not names of plans: a kind of thing, a word inside another,
		// a place or period no plan is for.
		{"国家级开发区有哪些", nil},
		{"开发区里有什么项目", nil},
		{"广州的地铁", nil},
		{"十三五期间的成就", nil},
		{"森林覆盖率", nil},
	} {
		if got := lib.Named(tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("%s: named %q, want %q", tt.q, got, tt.want)
		}
	}
}

func TestLibrarySearch(t *testing.T) {
	lib := testLibrary(t)
	ctx := context.Background()
	plansOf := func(a Answer) []string {
		var out []string
		for _, r := range a.Results {
			if !slices.Contains(out, r.Plan) {
				out = append(out, r.Plan)
			}
		}
		slices.Sort(out)
		return out
	}
	// In all plans: each result says its plan; the indicator is in each.
	ans, err := lib.Search(ctx, "森林覆盖率", nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Answered {
		t.Fatalf("森林覆盖率 not answered: %+v", ans)
	}
	if got := plansOf(ans); len(got) != 3 {
		t.Errorf("森林覆盖率 found in %q, want all three plans", got)
	}
	for i, r := range ans.Results {
		if i > 0 && r.Score > ans.Results[i-1].Score {
			t.Errorf("result %d scores %.3f above the one before", i+1, r.Score)
		}
	}
	// A question naming a plan searches only it.
	ans, _ = lib.Search(ctx, "国家规划里的森林覆盖率", nil, 10)
	if got := plansOf(ans); !ans.Answered || !slices.Equal(got, []string{"国家“十五五”"}) {
		t.Errorf("国家规划里的森林覆盖率: answered %v from %q", ans.Answered, got)
	}
	if slices.Contains(ans.Missing, "国家") {
		t.Errorf("the word naming the level counts as missing: %q", ans.Missing)
	}
	// A place naming a plan that does not write it is no missing word.
	ans, _ = lib.Search(ctx, "南京的森林覆盖率", nil, 10)
	if got := plansOf(ans); !ans.Answered || !slices.Equal(got, []string{"南京市“十五五”"}) || len(ans.Missing) > 0 {
		t.Errorf("南京的森林覆盖率: answered %v from %q, missing %q", ans.Answered, got, ans.Missing)
	}
	// A chosen plan is searched alone, unless the question names another.
	ans, _ = lib.Search(ctx, "森林覆盖率", []string{"南京市“十五五”"}, 10)
	if got := plansOf(ans); !slices.Equal(got, []string{"南京市“十五五”"}) {
		t.Errorf("chosen 南京: results from %q", got)
	}
	ans, _ = lib.Search(ctx, "东河区的森林覆盖率", []string{"南京市“十五五”"}, 10)
	if got := plansOf(ans); !slices.Equal(got, []string{"东河区“十四五”"}) {
		t.Errorf("chosen 南京, asking 东河区: results from %q", got)
	}
	// What only one plan says is answered from it.
	ans, _ = lib.Search(ctx, "原铝产能2025年多少", nil, 5)
	if !ans.Answered || ans.Results[0].Plan != "东河区“十四五”" {
		t.Errorf("原铝产能: %+v", ans)
	}
	// What no plan says is declined, its missing words those of every plan.
	ans, _ = lib.Search(ctx, "地铁票价多少钱", nil, 5)
	if ans.Outcome() != Declined || !slices.Contains(ans.Missing, "地铁") {
		t.Errorf("地铁票价多少钱: %s, missing %q", ans.Outcome(), ans.Missing)
	}
}

// A library of one plan answers as the plan does.
func TestLibraryOfOne(t *testing.T) {
	idx := testIndex(t)
	lib, err := NewLibrary([]*Index{idx}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"森林覆盖率", "北梁以后建成啥样", "地铁票价多少钱", "专栏9有哪些项目"} {
		got, err := lib.Search(context.Background(), q, nil, 5)
		if err != nil {
			t.Fatal(err)
		}
		want := idx.Search(q, 5)
		if got.Outcome() != want.Outcome() || len(got.Results) != len(want.Results) {
			t.Errorf("%s: %s with %d results, the plan %s with %d", q, got.Outcome(), len(got.Results), want.Outcome(), len(want.Results))
			continue
		}
		for i := range got.Results {
			if got.Results[i].ID != want.Results[i].ID || got.Results[i].Plan != "东河区“十四五”" {
				t.Errorf("%s: result %d %s %s, the plan's %s", q, i+1, got.Results[i].Plan, got.Results[i].ID, want.Results[i].ID)
			}
		}
	}
}

func TestLevelsData(t *testing.T) {
	levels, err := parseLevels(levelsData)
	if err != nil {
		t.Fatal(err)
	}
	known := []string{corpus.LevelNation, corpus.LevelProvince, corpus.LevelCity, corpus.LevelDistrict}
	seen := map[string]string{}
	for level, words := range levels {
		if !slices.Contains(known, level) {
			t.Errorf("levels.txt: %q is no level a title gives", level)
		}
		for _, w := range words {
			if prev, dup := seen[w]; dup {
				t.Errorf("levels.txt: %q names both %s and %s", w, prev, level)
			}
			seen[w] = level
		}
	}
	for _, l := range known {
		if len(levels[l]) == 0 {
			t.Errorf("levels.txt: nothing names the level %s", l)
		}
	}
}

// BenchmarkLibrarySearch30 searches 30 plans (the built-in plan under 30
// names, read back from its snapshot) for questions of every kind, and
// reports the median and 99th percentile of one search and the CPU it
// takes.
func BenchmarkLibrarySearch30(b *testing.B) {
	idx := testIndex(b)
	var snap bytes.Buffer
	if err := idx.WriteSnapshot(&snap); err != nil {
		b.Fatal(err)
	}
	var bl Builder
	var plans []*Index
	for i := range 30 {
		p, err := bl.ReadSnapshot(bytes.NewReader(snap.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		p.SetName(fmt.Sprintf("规划%02d", i+1))
		b.Cleanup(func() { p.Close() })
		plans = append(plans, p)
	}
	lib, err := NewLibrary(plans, "")
	if err != nil {
		b.Fatal(err)
	}
	questions := []string{"森林覆盖率", "北梁以后建成啥样", "碳中和是什么意思", "专栏9有哪些项目", "原铝产能2025年多少",
		"地铁票价多少钱", "养老服务怎么安排", "GDP增速目标", "规划03里的森林覆盖率", "沙尔沁镇种中药材"}
	ctx := context.Background()
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := lib.Search(ctx, questions[i%len(questions)], nil, 5); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	cpu = cpuTime() - cpu
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

func TestCompareData(t *testing.T) {
	if len(compareWords) == 0 {
		t.Fatal("compare.txt: no words")
	}
	seen := map[string]bool{}
	for _, w := range compareWords {
		if utf8.RuneCountInString(w) < 2 {
			t.Errorf("compare.txt: %q is too short to ask for a comparison", w)
		}
		if seen[w] {
			t.Errorf("compare.txt: %q twice", w)
		}
		seen[w] = true
	}
}

// TestAnswerCorrected checks that an answer says which pinyin typos its
// search corrected, in one plan and in a library (those of the plans whose
// results show), and says none when it corrected none.
func TestAnswerCorrected(t *testing.T) {
	idx := testIndex(t)
	if a := idx.Search("沙尔亲蔬菜", 5); a.Corrected["沙尔亲"] != "沙尔沁" {
		t.Errorf("沙尔亲蔬菜: corrected %v", a.Corrected)
	}
	if a := idx.Search("城市是什么", 5); a.Corrected != nil {
		t.Errorf("城市是什么: corrected %v", a.Corrected)
	}
	lib := testLibrary(t)
	a, err := lib.Search(context.Background(), "沙尔亲蔬菜", nil, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Results) == 0 || a.Corrected["沙尔亲"] != "沙尔沁" {
		t.Errorf("a library's 沙尔亲蔬菜: corrected %v (%d results)", a.Corrected, len(a.Results))
	}
}

// TestEach checks that each calls f once for every number below n, from
// the caller and its helpers at once.
func TestEach(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 100} {
		var calls [100]atomic.Int32
		each(n, func(i int) { calls[i].Add(1) })
		for i := range calls {
			want := int32(0)
			if i < n {
				want = 1
			}
			if got := calls[i].Load(); got != want {
				t.Errorf("n=%d: f(%d) called %d times, want %d", n, i, got, want)
			}
		}
	}
}

// TestSharedWords checks that the plans of a library, which look words up
// in the library's table, number each word as their own lexicon does, and
// find none they do not use: the words of every plan, and some of none.
func TestSharedWords(t *testing.T) {
	lib := testLibrary(t)
	var words []string
	for _, idx := range lib.Plans() {
		words = append(words, idx.lex.words...)
	}
	words = append(words, "", "比特币", "核酸检测点", "x")
	for _, idx := range lib.Plans() {
		if idx.shared.Load() == nil {
			t.Fatalf("%s: no shared table", idx.Name())
		}
		for _, w := range words {
			got, ok := idx.wordID(w)
			want, wantOK := idx.lex.ids[w]
			if ok != wantOK || ok && got != want {
				t.Fatalf("%s: wordID(%q) = %d, %v; its lexicon %d, %v", idx.Name(), w, got, ok, want, wantOK)
			}
		}
	}
}

// TestCrewReleased checks that the helpers of a crew released without a
// run (a search that failed before it) go.
func TestCrewReleased(t *testing.T) {
	before := runtime.NumGoroutine()
	c := hire(3)
	c.release()
	for runtime.NumGoroutine() > before {
		runtime.Gosched()
	}
}
