package segment

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/registry"
)

// Name is the name of the gse tokenizer in bleve's registry.
//
// The tokenizer indexes in search mode: each word of Cut takes the next
// position and the words CutSearch finds inside it take the same position,
// the way bleve stores synonyms. A query for 服务 thus finds 服务体系, and a
// phrase query analysed the same way still matches, since at each position
// it accepts any of the words standing there (体系建设 matches
// …服务体系建设…). Terms are the words of Cut and CutSearch.
const Name = "gse"

// AnalyzerName is the name of the analyzer, the gse tokenizer followed by
// bleve's lower-case filter, in bleve's registry; a field mapping uses it
// with fieldMapping.Analyzer = segment.AnalyzerName.
const AnalyzerName = "zh"

// tokenizer is the bleve tokenizer over a Segmenter; see Name.
type tokenizer struct {
	seg *Segmenter
}

// Tokenize implements analysis.Tokenizer.
func (t tokenizer) Tokenize(input []byte) analysis.TokenStream {
	return Stream(t.seg.CutSearch(string(input)))
}

// Stream turns the words of CutSearch into a bleve token stream: each word
// takes the next position, the words inside it share that position, as
// bleve stores synonyms. Terms are as the words are; the analyzer
// AnalyzerName lower-cases them.
func Stream(words []Token) analysis.TokenStream {
	stream := make(analysis.TokenStream, len(words))
	tokens := make([]analysis.Token, len(words))
	pos, end := 0, 0
	for i, w := range words {
		// A word starting before the end of the last one is inside it.
		if w.Start >= end {
			pos++
			end = w.End
		}
		tokens[i] = analysis.Token{
			Term:     []byte(w.Text),
			Start:    w.Start,
			End:      w.End,
			Position: pos,
			Type:     tokenType(w.Text),
		}
		stream[i] = &tokens[i]
	}
	return stream
}

func tokenType(word string) analysis.TokenType {
	r, _ := utf8.DecodeRuneInString(word)
	if unicode.Is(unicode.Han, r) {
		return analysis.Ideographic
	}
	for _, r := range word {
		if !unicode.IsNumber(r) && r != '.' {
			return analysis.AlphaNumeric
		}
	}
	return analysis.Numeric
}

// newTokenizer builds the tokenizer over the shared segmenter; bleve calls
// it for Name.
func newTokenizer(config map[string]any, cache *registry.Cache) (analysis.Tokenizer, error) {
	seg, err := Default()
	if err != nil {
		return nil, err
	}
	return tokenizer{seg}, nil
}

// newAnalyzer builds the analyzer; bleve calls it for AnalyzerName. Cut
// lower-cases ASCII only; the filter does the rest.
func newAnalyzer(config map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
	tok, err := cache.TokenizerNamed(Name)
	if err != nil {
		return nil, err
	}
	toLower, err := cache.TokenFilterNamed(lowercase.Name)
	if err != nil {
		return nil, err
	}
	return &analysis.DefaultAnalyzer{
		Tokenizer:    tok,
		TokenFilters: []analysis.TokenFilter{toLower},
	}, nil
}

func init() {
	if err := registry.RegisterTokenizer(Name, newTokenizer); err != nil {
		panic(err)
	}
	if err := registry.RegisterAnalyzer(AnalyzerName, newAnalyzer); err != nil {
		panic(err)
	}
}
