package segment_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"

	"planbot/index/segment"
)

func TestAnalyzer(t *testing.T) {
	im := mapping.NewIndexMapping()
	a := im.AnalyzerNamed(segment.AnalyzerName)
	if a == nil {
		t.Fatalf("no analyzer %q", segment.AnalyzerName)
	}
	text := "加快健全养老服务体系，5G基站150万吨、增长4.9%"
	var got []string
	for _, tok := range a.Analyze([]byte(text)) {
		if text[tok.Start:tok.End] != string(tok.Term) && !strings.EqualFold(text[tok.Start:tok.End], string(tok.Term)) {
			t.Errorf("term %q at %d:%d is %q in the text", tok.Term, tok.Start, tok.End, text[tok.Start:tok.End])
		}
		got = append(got, fmt.Sprintf("%s/%d/%s", tok.Term, tok.Position, typeName(tok.Type)))
	}
	want := "加快/1/i 健全/2/i 养老服务/3/i 养老/3/i 服务/3/i 体系/4/i 5g/5/a 基站/6/i 150/7/n 万吨/8/i 增长/9/i 4.9/10/n"
	if s := strings.Join(got, " "); s != want {
		t.Errorf("Analyze(%q) =\n%s\nwant\n%s", text, s, want)
	}
}

func typeName(t analysis.TokenType) string {
	switch t {
	case analysis.Ideographic:
		return "i"
	case analysis.Numeric:
		return "n"
	}
	return "a"
}

// TestIndex checks the choice of search-mode terms at the word's position
// against a real index: words inside longer words are found, and phrases
// match across them.
func TestIndex(t *testing.T) {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = segment.AnalyzerName
	idx, err := bleve.NewMemOnly(im)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	docs := map[string]string{
		"care":    "加快健全养老服务体系建设，养老机构护理型床位占比不低于55%。",
		"housing": "推进北梁棚户区改造，年产150万吨。",
	}
	for id, text := range docs {
		if err := idx.Index(id, map[string]string{"text": text}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name string
		req  *bleve.SearchRequest
		want string
	}{
		{"sub-word", bleve.NewSearchRequest(bleve.NewMatchQuery("服务")), "care"},
		{"whole word", bleve.NewSearchRequest(bleve.NewMatchPhraseQuery("养老服务体系")), "care"},
		{"phrase from inside a word", bleve.NewSearchRequest(bleve.NewMatchPhraseQuery("体系建设")), "care"},
		{"phrase with number", bleve.NewSearchRequest(bleve.NewMatchPhraseQuery("150万吨")), "housing"},
		{"number", bleve.NewSearchRequest(bleve.NewMatchQuery("150")), "housing"},
		{"percent", bleve.NewSearchRequest(bleve.NewMatchPhraseQuery("不低于55%")), "care"},
		{"words out of order", bleve.NewSearchRequest(bleve.NewMatchPhraseQuery("建设体系")), ""},
	} {
		res, err := idx.Search(tt.req)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if got := strings.Join(ids, " "); got != tt.want {
			t.Errorf("%s: hits %q, want %q", tt.name, got, tt.want)
		}
	}
}
