package index

// Kind says what a result is.
type Kind string

// The kinds of answer the index holds.
const (
	KindPassage   Kind = "passage"   // a paragraph of the plan
	KindIndicator Kind = "indicator" // a row of the indicator table (专栏1)
	KindTerm      Kind = "term"      // a glossary entry (名词解释)
	KindProject   Kind = "project"   // a key project of a box (专栏2–10)
	KindTarget    Kind = "target"    // a quantitative target or result in the prose
)

// Result is one answer to a query.
type Result struct {
	Kind     Kind    `json:"kind"`
	Title    string  `json:"title"`
	Text     string  `json:"text"`
	Location string  `json:"location"`
	Score    float64 `json:"score"`
	// ID names the corpus item: a passage ID, "i18" for indicator 18,
	// "t3" for the third glossary entry, "b2.5" for item 5 of 专栏2.
	ID string `json:"id"`
	// Excerpt is a short stretch of Text around the match; Highlights are
	// byte ranges of Excerpt that matched the query, on whole words.
	Excerpt    string `json:"excerpt,omitempty"`
	Highlights []Span `json:"highlights,omitempty"`
}

// Span is a half-open byte range [Start, End).
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Answer is what a query found. Results is empty, never nil, when nothing
// relevant is in the plan.
type Answer struct {
	Query   string   `json:"query"`
	Results []Result `json:"results"`
}
