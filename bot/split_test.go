package bot

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

// squash drops white space, which Split may trim at the cuts.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// checkSplit checks the parts of s: each within limit and valid HTML, and
// together the text of s.
func checkSplit(t *testing.T, s string, limit int) []string {
	t.Helper()
	parts := Split(s, limit)
	var text strings.Builder
	for i, p := range parts {
		if n := utf16Len(p); n > limit {
			t.Errorf("part %d: %d units, over %d", i, n, limit)
		}
		if err := validHTML(p); err != nil {
			t.Errorf("part %d: %v: %q", i, err, p)
		}
		text.WriteString(PlainText(p))
	}
	if got, want := squash(text.String()), squash(PlainText(s)); got != want {
		t.Errorf("parts do not add up to the text:\n got %q\nwant %q", got, want)
	}
	return parts
}

func TestSplitShort(t *testing.T) {
	s := "<b>森林覆盖率</b>：19.5"
	if parts := Split(s, MaxMessage); len(parts) != 1 || parts[0] != s {
		t.Errorf("Split(short) = %q", parts)
	}
}

func TestSplitSentences(t *testing.T) {
	p, _ := realBot()
	if p == nil {
		t.Skip("no plan")
	}
	var sb strings.Builder
	for _, pas := range p.plan.Passages[:60] {
		sb.WriteString(esc(pas.Text) + "\n")
	}
	s := sb.String()
	parts := checkSplit(t, s, MaxMessage)
	if len(parts) < 2 {
		t.Fatalf("%d parts of %d units", len(parts), utf16Len(s))
	}
	for i, part := range parts[:len(parts)-1] {
		if r := []rune(part); !strings.ContainsRune("。；！？", r[len(r)-1]) {
			t.Errorf("part %d ends mid-sentence: …%s", i, string(r[len(r)-10:]))
		}
	}
}

func TestSplitWords(t *testing.T) {
	s := strings.Repeat("planbot answers questions about the plan ", 40)
	for _, p := range checkSplit(t, s, 100) {
		for _, w := range strings.Fields(p) {
			if !strings.Contains("planbot answers questions about the plan", w) {
				t.Errorf("word cut: %q", w)
			}
		}
	}
	// No space at all: cut between Chinese characters, never inside 19.5.
	cjk := strings.Repeat("森林覆盖率19.5提高", 50)
	for _, p := range checkSplit(t, cjk, 64) {
		if strings.HasPrefix(p, ".") || strings.HasPrefix(p, "5") || strings.HasSuffix(p, "19") {
			t.Errorf("number cut: %q", p)
		}
	}
}

func TestSplitTags(t *testing.T) {
	// A bold run longer than a message is closed and opened again.
	s := "前言。<b>" + strings.Repeat("加强生态保护与修复，", 60) + "</b>结语。<i>地点 &amp; 位置</i>"
	parts := checkSplit(t, s, 120)
	if len(parts) < 5 {
		t.Fatalf("%d parts", len(parts))
	}
	if !strings.HasPrefix(parts[1], "<b>") {
		t.Errorf("part 1 does not reopen <b>: %q", parts[1])
	}
	// Entities stay whole.
	amp := strings.Repeat("&amp;&lt;&gt;", 100)
	for _, p := range checkSplit(t, amp, 50) {
		if strings.Count(p, "&") != strings.Count(p, ";") {
			t.Errorf("entity cut: %q", p)
		}
	}
}

func TestSplitRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"森林", "覆盖率", "。", "；", "\n", "，", " ", "word", "19.5", "&amp;", "&lt;", "😀", "Ⅲ类"}
	for range 300 {
		var sb strings.Builder
		open := false
		for range rng.IntN(400) {
			if rng.IntN(20) == 0 {
				if open {
					sb.WriteString("</b>")
				} else {
					sb.WriteString("<b>")
				}
				open = !open
			}
			sb.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if open {
			sb.WriteString("</b>")
		}
		checkSplit(t, sb.String(), 20+rng.IntN(200))
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("森林覆盖率。<b>加强</b>生态保护；修复！", 10)
	f.Add("a&amp;b <i>c d</i>", 3)
	f.Fuzz(func(t *testing.T, text string, limit int) {
		if limit < 20 || limit > 5000 {
			return
		}
		html := "<b>" + esc(text) + "</b>" + esc(text)
		for _, p := range Split(html, limit) {
			if utf16Len(p) > limit {
				t.Fatalf("part over %d: %q", limit, p)
			}
			if err := validHTML(p); err != nil {
				t.Fatalf("%v: %q", err, p)
			}
		}
	})
}

func TestPlainText(t *testing.T) {
	got := PlainText("📊 <b>指标18 · 森林覆盖率</b>\n年均/累计：&gt;7 &amp; [0.2]\n📍 <i>名词解释</i>")
	want := "📊 指标18 · 森林覆盖率\n年均/累计：>7 & [0.2]\n📍 名词解释"
	if got != want {
		t.Errorf("PlainText = %q, want %q", got, want)
	}
}
