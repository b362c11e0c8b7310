package segment

import (
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode"
)

func words(tokens []Token) []string {
	var out []string
	for _, t := range tokens {
		out = append(out, t.Text)
	}
	return out
}

func defaultSegmenter(tb testing.TB) *Segmenter {
	tb.Helper()
	s, err := Default()
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestCut(t *testing.T) {
	s := defaultSegmenter(t)
	tests := []struct {
		text string
		want string // words separated by spaces
	}{
		{"养老机构护理型床位占比不低于55%", "养老机构 护理 型 床位 占比 不 低于 55"},
		{"地区生产总值年均增长4.9%", "地区 生产总值 年均 增长 4.9"},
		{"推广“一码通”应用", "推广 一码通 应用"},
		{"北梁棚户区改造", "北梁 棚户区改造"},
		{"年产150万吨", "年产 150 万吨"},
		{"5G基站", "5g 基站"},
		{"R&D经费投入", "r d 经费 投入"},
		{"PM2.5浓度", "pm2.5 浓度"},
		{"  \n。，", ""},
	}
	for _, tt := range tests {
		got := strings.Join(words(s.Cut(tt.text)), " ")
		if got != tt.want {
			t.Errorf("Cut(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestCutSearch(t *testing.T) {
	s := defaultSegmenter(t)
	tests := []struct {
		text string
		want string
	}{
		{"加快健全养老服务体系", "加快 健全 养老服务 养老 服务 体系"},
		{"地区生产总值", "地区 生产总值 生产 总值"},
		{"北梁棚户区", "北梁 棚户区 棚户"},
		{"中华人民共和国", "中华人民共和国 中华 人民 共和国 共和"},
	}
	for _, tt := range tests {
		got := strings.Join(words(s.CutSearch(tt.text)), " ")
		if got != tt.want {
			t.Errorf("CutSearch(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestOffsets(t *testing.T) {
	s := defaultSegmenter(t)
	texts := []string{
		// 养老 three times: each must point at its own occurrence.
		"养老服务，养老服务，养老服务。",
		"2025年全区GDP达到226.85亿元，养老机构护理型床位占比不低于55%。",
		"加快健全养老服务体系，推进北梁棚户区改造。",
	}
	for _, text := range texts {
		for _, cut := range []func(string) []Token{s.Cut, s.CutSearch} {
			tokens := cut(text)
			if len(tokens) == 0 {
				t.Fatalf("no tokens for %q", text)
			}
			starts := map[string][]int{}
			for _, tok := range tokens {
				if got := strings.ToLower(text[tok.Start:tok.End]); got != tok.Text {
					t.Errorf("%q: text[%d:%d] = %q, token %q", text, tok.Start, tok.End, got, tok.Text)
				}
				starts[tok.Text] = append(starts[tok.Text], tok.Start)
			}
			for w, st := range starts {
				if len(slices.Compact(slices.Clone(st))) != len(st) {
					t.Errorf("%q: repeated %q at the same offsets %v", text, w, st)
				}
			}
		}
	}
	if got := s.Cut("养老服务，养老服务，养老服务。"); len(got) != 3 || got[2].Start != 30 {
		t.Errorf("Cut of a repeated phrase = %v", got)
	}
}

func TestContains(t *testing.T) {
	s := defaultSegmenter(t)
	tests := []struct {
		word string
		want bool
	}{
		{"养老", true},
		{"棚户区", true},
		{"幼儿园", true}, // an everyday word kept for questions
		{"学校", true},
		{"棚户", true},
		{"棚", true},    // single characters of the plan are entries
		{"养老机", false}, // only a prefix of entries
		{"", false},
		{restWord, false},
	}
	for _, tt := range tests {
		if got := s.Contains(tt.word); got != tt.want {
			t.Errorf("Contains(%q) = %v, want %v", tt.word, got, tt.want)
		}
	}
	if f := s.Freq("机构"); f != 19209 {
		t.Errorf("Freq(机构) = %v, want gse's 19209", f)
	}
}

func TestLoad(t *testing.T) {
	s, err := load("养老 651\n机构 19209\n", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := words(s.Cut("养老院")); !slices.Equal(got, []string{"养老", "院"}) {
		t.Errorf("Cut with a two-word dictionary = %v", got)
	}
}

const paragraph = "“十四五”时期(2021年—2025年),是我国全面建成小康社会、实现第一个百年奋斗目标之后," +
	"乘势而上开启全面建设社会主义现代化国家新征程、向第二个百年奋斗目标进军的开局阶段," +
	"全面贯彻落实国家、自治区、包头市决策部署,准确把握发展阶段特征,科学编制和有效实施“十四五”规划。"

// BenchmarkLoad measures building a segmenter from the embedded dictionary,
// which Default does once per process, and reports the heap one keeps.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := load(vocabDict+dict, planWords); err != nil {
			b.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s, _ := load(vocabDict+dict, planWords)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(s)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc), "live-B")
}

func BenchmarkCut(b *testing.B) {
	s := defaultSegmenter(b)
	b.SetBytes(int64(len(paragraph)))
	for b.Loop() {
		s.Cut(paragraph)
	}
}

func BenchmarkCutSearch(b *testing.B) {
	s := defaultSegmenter(b)
	b.SetBytes(int64(len(paragraph)))
	for b.Loop() {
		s.CutSearch(paragraph)
	}
}

// TestIsHan checks IsHan against unicode.Is(unicode.Han, r) for every rune.
func TestIsHan(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune+1; r++ {
		if got, want := IsHan(r), unicode.Is(unicode.Han, r); got != want {
			t.Fatalf("IsHan(%U) = %v, want %v", r, got, want)
		}
	}
}
