package index

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"planbot/index/segment"
)

// TestVocabFiles checks each file of the general vocabulary (data/vocab),
// which maintainers extend: it opens with a comment saying what it holds;
// every line is `plan words = everyday words` (or `>`: kinds of what the
// plan's words name); the segmenter keeps every
// word whole, so that a plan word is one token of the plan and an everyday
// word one token of a question; no everyday word stands for itself; and an
// everyday word appears once in a file (across files its plan words are
// joined).
func TestVocabFiles(t *testing.T) {
	seg, err := segment.Default()
	if err != nil {
		t.Fatal(err)
	}
	files, err := vocabFiles.ReadDir("data/vocab")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vocabulary files: %v", err)
	}
	total := 0
	for _, f := range files {
		t.Run(f.Name(), func(t *testing.T) {
			data, err := vocabFiles.ReadFile("data/vocab/" + f.Name())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(data), "# ") {
				t.Error("no header comment")
			}
			line := map[string]int{} // everyday word → its line
			for n, l := range strings.Split(string(data), "\n") {
				n++
				l = strings.TrimSpace(l)
				if l == "" || strings.HasPrefix(l, "#") {
					continue
				}
				left, right, _, ok := cutSynonym(strings.ToLower(l))
				plan, everyday := strings.Fields(left), strings.Fields(right)
				if !ok || strings.ContainsAny(right, "=>") || len(plan) == 0 || len(everyday) == 0 {
					t.Errorf("line %d is not `plan words = everyday words` (or >): %q", n, l)
					continue
				}
				for _, p := range plan {
					if !whole(seg, p) {
						t.Errorf("line %d: plan word %q is cut %q", n, p, words(seg.Cut(p)))
					}
				}
				for _, e := range everyday {
					switch {
					case slices.Contains(plan, e):
						t.Errorf("line %d: %q stands for itself", n, e)
					case line[e] > 0:
						t.Errorf("line %d: %q already on line %d", n, e, line[e])
					case !whole(seg, e):
						t.Errorf("line %d: everyday word %q is cut %q", n, e, words(seg.Cut(e)))
					}
					line[e] = n
				}
			}
			if len(line) == 0 {
				t.Error("no entries")
			}
			total += len(line)
		})
	}
	t.Logf("%d everyday words in %d files", total, len(files))
}

// whole reports whether the segmenter cuts w into no more pieces than its
// runs of Chinese characters and of other letters and digits: 下水道 is
// one token, 5g基站 two (5g, 基站).
func whole(seg *segment.Segmenter, w string) bool {
	runs, class := 0, 0
	for _, r := range w {
		c := 0
		switch {
		case unicode.Is(unicode.Han, r):
			c = 1
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			c = 2
		}
		if c != 0 && c != class {
			runs++
		}
		class = c
	}
	return len(seg.Cut(w)) == runs
}

// TestVocabUnderstood checks that the vocabulary files are read: their
// everyday words, dialect and typos included, bring the plan's words.
func TestVocabUnderstood(t *testing.T) {
	idx := testIndex(t)
	for everyday, plan := range map[string]string{
		"下水道老是返水咋整": "排水",
		"暖气不热找谁":    "供热",
		"娃娃上学难":     "义务教育",
		"后生找营生难":    "就业",
		"拉圾分类咋弄":    "垃圾分类",
		"村里的路甚时候修":  "农村公路",
		"小区充电装太少了":  "充电桩",
		"老人没人管咋介":   "养老服务",
		"营业执照网上能办不": "企业开办",
		"一到冬天就停暖":   "供热",
		"天燃气费涨了":    "燃气",
	} {
		// The plan's words are searched where this plan writes them (a
		// plan word it never writes, 排水管网 here, is left out).
		q := idx.qu.understand(everyday)
		if !slices.ContainsFunc(q.Terms, func(t term) bool { return t.Text == plan && t.Group > 0 }) {
			t.Errorf("%q: no %q among %+v", everyday, plan, q.Terms)
		}
	}
	// A kind the plan never names still counts as missing; the plan's
	// word for the whole is searched all the same.
	for q, kind := range map[string]string{"东河区有地铁吗": "地铁", "幼儿园学费多少": "幼儿园学费"} {
		if ans := idx.Search(q, 3); ans.Answered || !slices.Contains(ans.Missing, kind) {
			t.Errorf("%q: answered %v, missing %v; want %q missing", q, ans.Answered, ans.Missing, kind)
		}
	}
	if q := idx.qu.understand("幼儿园学费多少"); !slices.ContainsFunc(q.Terms, func(t term) bool { return t.Text == "学前教育" }) {
		t.Errorf("幼儿园学费: no 学前教育 among %+v", q.Terms)
	}
	for _, tm := range idx.qu.understand("下水道老是返水咋整").Terms {
		if idx.freq(tm.Text) == 0 {
			t.Errorf("下水道老是返水咋整: %q searched, a word the plan never writes", tm.Text)
		}
	}
	// Dialect question words are stop words.
	q := idx.qu.understand("咋介甚时候修路")
	for _, tm := range q.Terms {
		if strings.ContainsAny(tm.Text, "咋甚介") {
			t.Errorf("dialect question word kept: %+v", q.Terms)
		}
	}
}
