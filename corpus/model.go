// Package corpus turns a plan document (a markdown conversion of a Chinese
// five-year plan) into a structured model: chapters and sections, passages
// with their location, the indicator table, the glossary and the boxes of key
// projects. Everything downstream (search, the bot) reads the plan only
// through this model, so the text it holds is normalised once here: markup
// removed, sentences rejoined across page breaks, traditional characters
// converted to simplified, numbers kept exactly as the plan writes them.
package corpus

// Plan is one parsed plan document.
type Plan struct {
	Title      string      `json:"title"`
	Issuer     string      `json:"issuer"`
	Date       string      `json:"date"`
	Chapters   []Chapter   `json:"chapters"`
	Passages   []Passage   `json:"passages"`
	Indicators []Indicator `json:"indicators"`
	// IndicatorNotes are the notes under the indicator table (注：1、…).
	IndicatorNotes []string `json:"indicator_notes"`
	Terms          []Term   `json:"terms"`
	Boxes          []Box    `json:"boxes"`
}

// Chapter is a 第X章 of the plan.
type Chapter struct {
	Number   int       `json:"number"`
	Title    string    `json:"title"`
	Sections []Section `json:"sections"`
}

// Section is a 第X节 of a chapter.
type Section struct {
	Number      int          `json:"number"`
	Title       string       `json:"title"`
	Subsections []Subsection `json:"subsections,omitempty"`
}

// Subsection is a numbered heading inside a section (一、指导思想) or a
// second-level one inside it ((一) 远景目标), kept as written with its number.
type Subsection struct {
	Label string `json:"label"` // 一、 or （一）
	Title string `json:"title"`
}

// Passage is one paragraph of running text with where it stands.
type Passage struct {
	ID string `json:"id"`
	// Chapter and Section are 1-based numbers; 0 means the text stands
	// before the first chapter or section.
	Chapter    int    `json:"chapter"`
	Section    int    `json:"section"`
	Subsection string `json:"subsection,omitempty"`
	// Heading is the paragraph's bold lead phrase (without its full stop),
	// when it has one.
	Heading string `json:"heading,omitempty"`
	Text    string `json:"text"`
	// Location reads like 第五章 第二节 · 加强生态保护与修复.
	Location string `json:"location"`
	// Line is the 1-based line of the source where the paragraph starts.
	Line int `json:"line"`
}

// Indicator is one row of the main indicator table (专栏1). Values are kept
// as the plan writes them: "—", ">7", "7左右", "[0.87]", "达到包头市要求".
type Indicator struct {
	Number     int    `json:"number"`
	Category   string `json:"category"`
	Name       string `json:"name"`
	Unit       string `json:"unit"`
	Base2020   string `json:"base_2020"`
	Target2025 string `json:"target_2025"`
	// FiveYear is the 年均/累计 column; in brackets it is a five-year
	// cumulative figure (see the table's notes), otherwise an annual one.
	FiveYear   string `json:"five_year"`
	Cumulative bool   `json:"five_year_cumulative"`
	Attribute  string `json:"attribute"` // 预期性 or 约束性
	Line       int    `json:"line"`
}

// Term is one glossary (名词解释) entry. Term is the entry's head as the plan
// writes it; Aliases are the individual terms it defines, so an entry such
// as “碳达峰”、“碳中和” answers for both.
type Term struct {
	Term       string   `json:"term"`
	Aliases    []string `json:"aliases"`
	Definition string   `json:"definition"`
	Line       int      `json:"line"`
}

// Box is one of the boxes of key projects (专栏2–专栏10).
type Box struct {
	Number   int      `json:"number"`
	Title    string   `json:"title"`
	Items    []string `json:"items"`
	Chapter  int      `json:"chapter"`
	Section  int      `json:"section"`
	Location string   `json:"location"`
	Line     int      `json:"line"`
}
