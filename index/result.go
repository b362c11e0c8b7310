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
	// Plan is the short name of the plan the result comes from.
	Plan     string  `json:"plan"`
	Kind     Kind    `json:"kind"`
	Title    string  `json:"title"`
	Text     string  `json:"text"`
	Location string  `json:"location"`
	Score    float64 `json:"score"`
	// ID names the corpus item: a passage ID, "i18" for indicator 18,
	// "t3" for the third glossary entry, "b2.5" for item 5 of 专栏2; a
	// list answer is "list:b9" (the items of 专栏9) or "list:i:SCOPE" (the
	// indicators of a category or attribute, all of them when SCOPE is
	// empty), or a place of the outline: "list:c5" (第五章's sections),
	// "list:c5s2" (a section), "list:p3" (a part's chapters), "list:n章"
	// (how many chapters the plan has).
	ID string `json:"id"`
	// Items are what a list answer lists, in order; Text counts them
	// (共N项：…).
	Items []string `json:"items,omitempty"`
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

// Answer is what a query found, and what the index makes of it: one of
// three outcomes.
//   - answered: the index stands by its first result;
//   - offered (Answered false, Results not empty): the plan has no direct
//     answer, Results are the closest things it has;
//   - declined (Answered false, Results empty): nothing of the question's
//     topic is in the plan.
//
// Missing lists the words of the question that the plan never uses; it is
// empty, never nil, when there are none. Results is empty, never nil.
// Corrected holds the pinyin typos of the question that the search
// corrected (覆该 → 覆盖), when it corrected any.
type Answer struct {
	Query     string            `json:"query"`
	Answered  bool              `json:"answered"`
	Missing   []string          `json:"missing"`
	Results   []Result          `json:"results"`
	Corrected map[string]string `json:"corrected,omitempty"`
}

// Outcome names the three outcomes of an answer.
type Outcome string

// The outcomes.
const (
	Answered Outcome = "answer"
	Offered  Outcome = "offer"
	Declined Outcome = "decline"
)

// Outcome says which of the three outcomes the answer is.
func (a Answer) Outcome() Outcome {
	switch {
	case a.Answered:
		return Answered
	case len(a.Results) > 0:
		return Offered
	}
	return Declined
}
