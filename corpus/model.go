// Package corpus turns a plan document (a Chinese five-year plan or outline
// of the family: a nation's, a province's, a city's or a district's, as text
// or Markdown, UTF-8 or GB18030, a web page, a Word document or a PDF) into a
// structured model: parts, chapters and sections, passages with their
// location, the indicator table with its own columns, the glossary and the
// boxes of key projects. The parser follows the text's own structure (第X篇,
// 第X章, 第X节, 专栏N, 表N, 名词解释), not one document's lines. Everything downstream (search, the bot) reads the plan only
// through this model, so the text it holds is normalised once here: markup
// removed, sentences rejoined across page breaks, traditional characters
// converted to simplified, numbers kept exactly as the plan writes them.
package corpus

// Plan is one parsed plan document.
type Plan struct {
	Title  string `json:"title"`
	Issuer string `json:"issuer"`
	Date   string `json:"date"`
	// Parts are the 第X篇 above the chapters; none when the plan has no
	// parts.
	Parts      []Part      `json:"parts"`
	Chapters   []Chapter   `json:"chapters"`
	Passages   []Passage   `json:"passages"`
	Indicators []Indicator `json:"indicators"`
	// IndicatorNotes are the notes under the indicator table (注：1、…).
	IndicatorNotes []string `json:"indicator_notes"`
	// IndicatorTable says where the indicator table stands and what its
	// columns are; nil when the plan has none.
	IndicatorTable *Table `json:"indicator_table,omitempty"`
	Terms          []Term `json:"terms"`
	Boxes          []Box  `json:"boxes"`
	// Warnings are what the parser read but could not make sense of: a
	// table that looks like indicators but could not be read, a heading
	// out of sequence, a box with no items. See Check.
	Warnings []Warning `json:"warnings,omitempty"`
}

// Part is a 第X篇 of the plan, above its chapters.
type Part struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
	// Chapters are the running numbers of the part's chapters.
	Chapters []int `json:"chapters"`
	Line     int   `json:"line"`
}

// Table describes the indicator table: its label as printed (专栏1, 表 1),
// its title, its column headers in order and where it stands.
type Table struct {
	Label    string   `json:"label"`
	Title    string   `json:"title"`
	Header   []string `json:"header"`
	Location string   `json:"location"`
	Line     int      `json:"line"`
}

// Warning is one thing the parser could not make sense of, with the line
// of the source it stands on.
type Warning struct {
	Line int    `json:"line"`
	Text string `json:"text"`
}

// Chapter is a 第X章 of the plan.
type Chapter struct {
	// Number is the running number of the chapter in the plan; Printed is
	// the number printed in its heading, which restarts in every part in
	// some plans. Part is the number of the part it stands in, 0 if none.
	Number   int       `json:"number"`
	Printed  int       `json:"printed"`
	Part     int       `json:"part"`
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
	// Part is the number of the part the text stands in, 0 if none.
	Part int `json:"part,omitempty"`
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

// Indicator is one row of the main indicator table. Values are kept as the
// plan writes them: "—", ">7", "7左右", "[0.87]", "〔20〕", "达到包头市要求".
// A numbered indicator with two value rows (每千人口拥有医护人员数: 执业医师
// and 注册护士) is two Indicators with one Number and their own Sub.
type Indicator struct {
	Number   int    `json:"number"`
	Category string `json:"category"`
	Name     string `json:"name"`
	Sub      string `json:"sub,omitempty"`
	Unit     string `json:"unit"`
	// Columns are the row's cells under their headers, in the table's
	// order, as printed.
	Columns []Column `json:"columns"`
	// BaseYear and Base are the value of the earlier year column (2020年,
	// 2025年完成值), TargetYear and Target that of the later one (2025年,
	// 2030年目标值); a year is 0 and a value "" when the table has no such
	// column.
	BaseYear   int    `json:"base_year"`
	Base       string `json:"base"`
	TargetYear int    `json:"target_year"`
	Target     string `json:"target"`
	// FiveYear is the 年均/累计 column; in brackets it is a five-year
	// cumulative figure (see the table's notes), otherwise an annual one.
	FiveYear   string `json:"five_year"`
	Cumulative bool   `json:"five_year_cumulative"`
	Attribute  string `json:"attribute"` // 预期性 or 约束性
	// Location reads like 第一章 第三节 · 专栏1 “十四五”时期经济社会主要指标 ·
	// 第18项.
	Location string `json:"location"`
	Line     int    `json:"line"`
}

// Column is one cell of a table row under its header, both as printed.
type Column struct {
	Header string `json:"header"`
	Value  string `json:"value"`
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

// Box is one of the boxes (专栏N) of key projects or measures. A box printed
// as a table has one item per row, its cells joined by spaces, and its
// header in Header.
type Box struct {
	Number   int      `json:"number"`
	Title    string   `json:"title"`
	Header   []string `json:"header,omitempty"`
	Items    []string `json:"items"`
	Chapter  int      `json:"chapter"`
	Section  int      `json:"section"`
	Location string   `json:"location"`
	Line     int      `json:"line"`
}
