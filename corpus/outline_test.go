package corpus

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// outlineDir holds real outlines of the 十五五 family with their structure
// counted by hand (*.facts.json); the tests skip when it is absent.
const outlineDir = "../../shared/plans"

// facts is the hand-counted structure of an outline.
type facts struct {
	Title string `json:"title"`
	Parts []struct {
		Number   int    `json:"number"`
		Title    string `json:"title"`
		Line     int    `json:"line"`
		Chapters []struct {
			Number   int    `json:"number"`
			Title    string `json:"title"`
			Sections []struct {
				Number int    `json:"number"`
				Title  string `json:"title"`
			} `json:"sections"`
		} `json:"chapters"`
	} `json:"parts"`
	Indicators *struct {
		Rows []struct {
			Category  string            `json:"category"`
			Number    string            `json:"number"`
			Name      string            `json:"name"`
			Sub       string            `json:"sub"`
			Unit      *string           `json:"unit"`
			Values    map[string]string `json:"values"`
			Attribute string            `json:"attribute"`
		} `json:"rows"`
	} `json:"indicators"`
	Boxes []struct {
		Number int    `json:"number"`
		Title  string `json:"title"`
		Items  int    `json:"items"`
	} `json:"boxes"`
	Glossary []json.RawMessage `json:"glossary"`
}

func parseOutline(t *testing.T, name string) (*Plan, facts) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(outlineDir, name+".txt"))
	if os.IsNotExist(err) {
		t.Skipf("%s not here", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	var f facts
	b, err := os.ReadFile(filepath.Join(outlineDir, name+".facts.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	pl, err := Parse(name+".txt", src)
	if err != nil {
		t.Fatal(err)
	}
	return pl, f
}

// TestOutlines compares each shared outline's parse with its facts: every
// part, chapter and section title in order, every indicator row and value,
// the boxes and their items, the glossary.
func TestOutlines(t *testing.T) {
	for _, name := range []string{"national-15th", "nanjing-15th", "suzhou-15th"} {
		t.Run(name, func(t *testing.T) {
			pl, f := parseOutline(t, name)
			if pl.Title != f.Title {
				t.Errorf("title %q, want %q", pl.Title, f.Title)
			}
			checkStructure(t, pl, f)
			checkIndicators(t, pl, f)
			checkBoxes(t, pl, f)
			if len(pl.Terms) != len(f.Glossary) {
				t.Errorf("%d glossary entries, want %d", len(pl.Terms), len(f.Glossary))
			}
			for _, w := range pl.Warnings {
				t.Logf("warning: line %d: %s", w.Line, w.Text)
			}
		})
	}
}

func checkStructure(t *testing.T, pl *Plan, f facts) {
	t.Helper()
	var got, want []string
	for _, pt := range pl.Parts {
		got = append(got, "篇"+strconv.Itoa(pt.Number)+" "+pt.Title)
		for _, c := range pt.Chapters {
			ch := pl.Chapters[c-1]
			got = append(got, "章"+strconv.Itoa(ch.Printed)+" "+ch.Title)
			for _, s := range ch.Sections {
				got = append(got, "节"+strconv.Itoa(s.Number)+" "+s.Title)
			}
		}
	}
	for _, pt := range f.Parts {
		want = append(want, "篇"+strconv.Itoa(pt.Number)+" "+pt.Title)
		for _, ch := range pt.Chapters {
			want = append(want, "章"+strconv.Itoa(ch.Number)+" "+ch.Title)
			for _, s := range ch.Sections {
				want = append(want, "节"+strconv.Itoa(s.Number)+" "+s.Title)
			}
		}
	}
	if len(pl.Chapters) != strings.Count(strings.Join(want, "\n"), "\n章")+boolInt(len(want) > 0 && strings.HasPrefix(want[0], "章")) {
		t.Errorf("%d chapters in the plan, not all of them in parts", len(pl.Chapters))
	}
	for i := 0; i < max(len(got), len(want)); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("heading %d = %q, want %q", i+1, g, w)
			return
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func checkIndicators(t *testing.T, pl *Plan, f facts) {
	t.Helper()
	if f.Indicators == nil {
		if len(pl.Indicators) != 0 {
			t.Errorf("%d indicators, want none", len(pl.Indicators))
		}
		return
	}
	rows := f.Indicators.Rows
	if len(pl.Indicators) != len(rows) {
		t.Errorf("%d indicator rows, want %d", len(pl.Indicators), len(rows))
	}
	for i := range min(len(rows), len(pl.Indicators)) {
		w, g := rows[i], pl.Indicators[i]
		unit := ""
		if w.Unit != nil {
			unit = *w.Unit
		}
		if strconv.Itoa(g.Number) != w.Number || g.Name != w.Name || g.Sub != w.Sub || g.Unit != unit ||
			g.Category != w.Category || g.Attribute != w.Attribute {
			t.Errorf("row %d = %d %q %q %q %q %q, want %s %q %q %q %q %q", i+1,
				g.Number, g.Category, g.Name, g.Sub, g.Unit, g.Attribute,
				w.Number, w.Category, w.Name, w.Sub, unit, w.Attribute)
		}
		for header, value := range w.Values {
			found := false
			for _, c := range g.Columns {
				if c.Header == header {
					found = true
					if c.Value != value {
						t.Errorf("row %d %s = %q, want %q", i+1, header, c.Value, value)
					}
				}
			}
			if !found {
				t.Errorf("row %d has no column %q: %+v", i+1, header, g.Columns)
			}
			if g.Target != value || g.TargetYear == 0 {
				t.Errorf("row %d target %d %q, want %q", i+1, g.TargetYear, g.Target, value)
			}
		}
	}
}

func checkBoxes(t *testing.T, pl *Plan, f facts) {
	t.Helper()
	type box struct {
		title string
		items int
	}
	got := map[int]box{}
	for _, b := range pl.Boxes {
		got[b.Number] = box{b.Title, len(b.Items)}
	}
	if it := pl.IndicatorTable; it != nil && strings.HasPrefix(it.Label, "专栏") {
		n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(it.Label, "专栏")))
		numbers := map[int]bool{}
		for _, ind := range pl.Indicators {
			numbers[ind.Number] = true
		}
		got[n] = box{it.Title, len(numbers)}
	}
	if len(got) != len(f.Boxes) {
		t.Errorf("%d boxes, want %d", len(got), len(f.Boxes))
	}
	for _, w := range f.Boxes {
		g, ok := got[w.Number]
		if !ok || g.title != w.Title || g.items != w.Items {
			t.Errorf("专栏%d = %q with %d items, want %q with %d", w.Number, g.title, g.items, w.Title, w.Items)
		}
	}
}

// BenchmarkParseOutline parses the largest shared outline (Suzhou, 265 KB
// of PDF-extracted text).
func BenchmarkParseOutline(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(outlineDir, "suzhou-15th.txt"))
	if err != nil {
		b.Skip("suzhou-15th.txt not here")
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Parse("suzhou-15th.txt", src); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFamily parses a plan with what other outlines of the family bring:
// an issuing notice before the title and an approval line under it,
// chapters that restart in every part, sub-headings instead of sections, a
// letter-spaced glossary with numbered entries and footnote markers, a
// running header on every page, a box numbered in Chinese, a chapter whose
// title stands on the line under its number.
func TestFamily(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "family.txt"))
	if err != nil {
		t.Fatal(err)
	}
	pl, err := Parse("family.txt", src)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Title != "某某市国民经济和社会发展第十五个五年规划纲要" || pl.Issuer != "某某市人民政府" || pl.Date != "2026年2月10日" {
		t.Errorf("front matter: %q %q %q", pl.Title, pl.Issuer, pl.Date)
	}
	if len(pl.Parts) != 2 || len(pl.Chapters) != 3 {
		t.Fatalf("%d parts, %d chapters", len(pl.Parts), len(pl.Chapters))
	}
	if c := pl.Chapters[2]; c.Number != 3 || c.Printed != 1 || c.Part != 2 || c.Title != "建设创新高地" {
		t.Errorf("chapter 3 = %+v", c)
	}
	if c := pl.Chapters[1]; c.Title != "主要目标" {
		t.Errorf("chapter 2 = %+v", c)
	}
	if len(pl.Boxes) != 1 || pl.Boxes[0].Number != 1 || len(pl.Boxes[0].Items) != 2 {
		t.Errorf("boxes: %+v", pl.Boxes)
	}
	var texts []string
	for _, p := range pl.Passages {
		texts = append(texts, p.Location+"｜"+p.Text)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{
		"序言｜本纲要阐明全市发展的主要目标。",
		"第一章 · 发展环境｜全市经济总量突破三万亿元¹。",
		"第二篇 第一章 第一节 · 强化基础研究｜加大基础研究投入。",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no passage %q in\n%s", want, all)
		}
	}
	for _, bad := range []string{"印发", "批准", "各区人民政府", "规划纲要"} {
		if strings.Contains(all, bad) {
			t.Errorf("the notice or approval line %q is read as text:\n%s", bad, all)
		}
	}
	if len(pl.Terms) != 2 || pl.Terms[0].Term != "新质生产力" || pl.Terms[1].Aliases[0] != "两新" {
		t.Errorf("glossary: %+v", pl.Terms)
	}
	if len(pl.Indicators) != 0 || pl.IndicatorTable != nil || len(pl.Warnings) != 0 {
		t.Errorf("indicators %d, table %v, warnings %v", len(pl.Indicators), pl.IndicatorTable, pl.Warnings)
	}
}

// TestOutlinesWithoutContents parses each outline with its table of
// contents cut out: the structure is read from the text alone (a part's
// title broken over two lines included), not from the contents.
func TestOutlinesWithoutContents(t *testing.T) {
	for _, name := range []string{"national-15th", "nanjing-15th", "suzhou-15th"} {
		t.Run(name, func(t *testing.T) {
			_, f := parseOutline(t, name)
			src, err := os.ReadFile(filepath.Join(outlineDir, name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(src), "\n")
			start := -1
			for i, l := range lines {
				if strings.Join(strings.Fields(l), "") == "目录" {
					start = i
					break
				}
			}
			if start < 0 || len(f.Parts) == 0 {
				t.Fatal("no contents to cut")
			}
			cut := append(append([]string{}, lines[:start]...), lines[f.Parts[0].Line-1:]...)
			pl, err := Parse(name+".txt", []byte(strings.Join(cut, "\n")))
			if err != nil {
				t.Fatal(err)
			}
			checkStructure(t, pl, f)
			checkIndicators(t, pl, f)
			checkBoxes(t, pl, f)
		})
	}
}
