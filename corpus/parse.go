package corpus

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/liuzl/gocc"
)

var (
	chapterRe   = regexp.MustCompile(`^第([一二三四五六七八九十]+)章\s*(.*)$`)
	sectionRe   = regexp.MustCompile(`^第([一二三四五六七八九十]+)节\s*(.*)$`)
	subRe       = regexp.MustCompile(`^([一二三四五六七八九十]+)、\s*(.+)$`)
	subsubRe    = regexp.MustCompile(`^[（(]([一二三四五六七八九十]+)[)）]\s*(.+)$`)
	boxRe       = regexp.MustCompile(`^专栏\s*(\d+)\s*[:：]\s*(.+)$`)
	tocLeaderRe = regexp.MustCompile(`(\.{3,}|…{2,})[\s\d]*$`)
	itemNumRe   = regexp.MustCompile(`^(\d+)[.．、]\s*`)
	indRowRe    = regexp.MustCompile(`^(\d+)[.．、]\s*(.+)$`)
	leadRe      = regexp.MustCompile(`^\*\*([^*]+?)\*\*`)
	boldRe      = regexp.MustCompile(`\*\*([^*]+?)\*\*`)
	quotedRe    = regexp.MustCompile(`“([^”]+)”`)
	noteNumRe   = regexp.MustCompile(`(\d+)、`)
	issuerRe    = regexp.MustCompile(`人民政府$`)
	dateRe      = regexp.MustCompile(`^[〇一二三四五六七八九十]+年[一二三四五六七八九十]+月$`)
)

// newT2S builds the traditional → simplified converter once; building it
// reads OpenCC's dictionaries, converting with it only reads them.
var newT2S = sync.OnceValues(func() (*gocc.OpenCC, error) { return gocc.New("t2s") })

// Simplify converts traditional characters to simplified ones, as the
// parser does for the plan's text; questions go through it too.
func Simplify(s string) string {
	t2s, err := newT2S()
	if err != nil {
		return s
	}
	if out, err := t2s.Convert(s); err == nil {
		return out
	}
	return s
}

// unit is one non-blank source line.
type unit struct {
	line    int
	raw     string // the line as written, without heading marks or bullet
	text    string // cleaned: no markup, simplified script
	heading bool   // written as a markdown heading or wholly in bold
	tabbed  bool   // a tab-separated table row
}

// paragraph is a run of units joined across page breaks.
type paragraph struct {
	line int
	raw  string
	text string
}

// parser holds the state of one Parse call.
type parser struct {
	name string
	t2s  *gocc.OpenCC
	plan *Plan

	toc     map[[2]int]string // {chapter, section} → title in the table of contents
	changes map[rune]bool     // whether t2s converts a character

	chapter, section int
	subsection       string
	counter          map[[2]int]int // passages per {chapter, section}

	mode    mode
	box     *Box
	tabHead map[string]int // indicator table: column index by header
	tabCat  string

	para *paragraph // the paragraph being collected
}

type mode int

const (
	modeFront mode = iota
	modeBody
	modeTable
	modeBox
	modeGlossary
)

// Parse reads a plan document. name is used in error messages.
func Parse(name string, src []byte) (*Plan, error) {
	t2s, err := newT2S()
	if err != nil {
		return nil, fmt.Errorf("corpus: traditional to simplified converter: %w", err)
	}
	p := &parser{
		name:    name,
		t2s:     t2s,
		plan:    &Plan{},
		toc:     map[[2]int]string{},
		changes: map[rune]bool{},
		counter: map[[2]int]int{},
	}
	if !utf8.Valid(src) {
		return nil, fmt.Errorf("corpus: %s: not UTF-8 text", name)
	}
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	if err := p.parseFront(lines); err != nil {
		return nil, err
	}
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if err := p.feed(p.unit(i+1, l)); err != nil {
			return nil, err
		}
	}
	if err := p.endBlock(); err != nil {
		return nil, err
	}
	return p.finish()
}

func (p *parser) errorf(line int, format string, args ...any) error {
	return fmt.Errorf("corpus: %s:%d: %s", p.name, line, fmt.Sprintf(format, args...))
}

// clean turns a source fragment into the plan's plain words.
func (p *parser) clean(s string) string {
	s = stripLine(s)
	if p.traditional(s) {
		if t, err := p.t2s.Convert(s); err == nil {
			s = t
		}
	}
	return strings.TrimSpace(fixAnd(s))
}

// traditional reports whether s has a character that OpenCC converts; the
// conversion is slow and most of a plan is simplified already.
func (p *parser) traditional(s string) bool {
	for _, r := range s {
		if r < 0x2E80 {
			continue
		}
		changes, ok := p.changes[r]
		if !ok {
			t, err := p.t2s.Convert(string(r))
			changes = err != nil || t != string(r)
			p.changes[r] = changes
		}
		if changes {
			return true
		}
	}
	return false
}

func (p *parser) unit(n int, line string) unit {
	tabbed := strings.Contains(line, "\t")
	raw := strings.TrimSpace(line)
	heading := strings.HasPrefix(raw, "#")
	raw = strings.TrimSpace(strings.TrimLeft(raw, "#"))
	if strings.HasPrefix(raw, "- ") {
		raw = strings.TrimSpace(raw[2:])
	}
	if strings.HasPrefix(raw, "**") && strings.HasSuffix(raw, "**") && strings.Count(raw, "**") == 2 {
		heading = true
	}
	if strings.HasPrefix(raw, "<b>") && strings.HasSuffix(raw, "</b>") {
		heading = true
	}
	return unit{line: n, raw: raw, text: p.clean(raw), heading: heading, tabbed: tabbed}
}

// parseFront reads the title block and the table of contents, which stand
// before the first paragraph of running text.
func (p *parser) parseFront(lines []string) error {
	var title []string
	inTitle := false
	for _, l := range lines {
		s := strings.TrimSpace(l)
		if s == "" {
			if inTitle {
				break
			}
			continue
		}
		if strings.HasPrefix(s, "#") {
			break
		}
		if strings.HasPrefix(s, "**") {
			inTitle = true
		}
		if !inTitle {
			break
		}
		title = append(title, p.clean(s))
		if strings.HasSuffix(s, "**") && len(title) > 0 {
			break
		}
	}
	p.plan.Title = strings.Join(title, "")
	for _, l := range lines {
		if utf8.RuneCountInString(l) > 40 {
			continue
		}
		s := p.clean(l)
		if s == "" {
			continue
		}
		if p.plan.Issuer == "" && issuerRe.MatchString(s) && utf8.RuneCountInString(s) < 30 {
			p.plan.Issuer = s
		}
		if p.plan.Date == "" && dateRe.MatchString(s) {
			p.plan.Date = s
		}
		if p.plan.Issuer != "" && p.plan.Date != "" {
			break
		}
	}
	if p.plan.Title == "" {
		return fmt.Errorf("corpus: %s: no title at the top of the document", p.name)
	}
	// The table of contents: lines with dot leaders and page numbers.
	chapter := 0
	for _, l := range lines {
		if !tocLeaderRe.MatchString(strings.TrimSpace(stripLine(l))) {
			continue
		}
		s := strings.TrimSpace(tocLeaderRe.ReplaceAllString(p.clean(l), ""))
		if m := chapterRe.FindStringSubmatch(s); m != nil {
			chapter = hanNumber(m[1])
			p.toc[[2]int{chapter, 0}] = strings.TrimSpace(m[2])
		} else if m := sectionRe.FindStringSubmatch(s); m != nil && chapter > 0 {
			p.toc[[2]int{chapter, hanNumber(m[1])}] = strings.TrimSpace(m[2])
		}
	}
	return nil
}

// isTOC reports whether a unit belongs to the front matter rather than the
// text: the title block, the table of contents and its heading.
func (p *parser) isFrontMatter(u unit) bool {
	if tocLeaderRe.MatchString(u.text) {
		return true
	}
	if strings.ReplaceAll(u.text, " ", "") == "目录" {
		return true
	}
	if p.mode == modeFront {
		t := u.text
		if t == p.plan.Issuer || t == p.plan.Date || strings.Contains(p.plan.Title, t) {
			return true
		}
	}
	return false
}

// headingKind classifies a unit that may be a heading.
func headingText(u unit) (string, bool) {
	t := u.text
	short := utf8.RuneCountInString(t) <= 40 && !strings.ContainsAny(t, "。；")
	return t, u.heading || short
}

func (p *parser) feed(u unit) error {
	if p.isFrontMatter(u) {
		return nil
	}
	if u.tabbed && (p.mode == modeBox || p.mode == modeTable) {
		return p.tableRow(u)
	}
	if t, ok := headingText(u); ok {
		switch {
		case strings.ReplaceAll(t, " ", "") == "名词解释":
			if err := p.endBlock(); err != nil {
				return err
			}
			p.mode = modeGlossary
			p.chapter, p.section, p.subsection = 0, 0, ""
			return nil
		case chapterRe.MatchString(t):
			m := chapterRe.FindStringSubmatch(t)
			if err := p.endBlock(); err != nil {
				return err
			}
			n := hanNumber(m[1])
			if n != len(p.plan.Chapters)+1 {
				return p.errorf(u.line, "chapter %s follows chapter %d", m[1], len(p.plan.Chapters))
			}
			title := p.toc[[2]int{n, 0}]
			if title == "" {
				title = joinHan(m[2])
			}
			p.plan.Chapters = append(p.plan.Chapters, Chapter{Number: n, Title: title})
			p.chapter, p.section, p.subsection, p.mode = n, 0, "", modeBody
			return nil
		case sectionRe.MatchString(t) && p.chapter > 0:
			m := sectionRe.FindStringSubmatch(t)
			if err := p.endBlock(); err != nil {
				return err
			}
			ch := &p.plan.Chapters[len(p.plan.Chapters)-1]
			n := hanNumber(m[1])
			if n != len(ch.Sections)+1 {
				return p.errorf(u.line, "section %s follows section %d of chapter %d", m[1], len(ch.Sections), ch.Number)
			}
			title := p.toc[[2]int{p.chapter, n}]
			if title == "" {
				title = joinHan(m[2])
			}
			ch.Sections = append(ch.Sections, Section{Number: n, Title: title})
			p.section, p.subsection, p.mode = n, "", modeBody
			return nil
		case boxRe.MatchString(t):
			m := boxRe.FindStringSubmatch(t)
			if err := p.endBlock(); err != nil {
				return err
			}
			n, _ := strconv.Atoi(m[1])
			p.box = &Box{Number: n, Title: strings.TrimSpace(m[2]), Chapter: p.chapter, Section: p.section,
				Location: p.location(p.chapter, p.section), Line: u.line}
			p.mode = modeBox
			return nil
		case p.mode != modeTable && (subRe.MatchString(t) || subsubRe.MatchString(t)) && utf8.RuneCountInString(t) <= 30 && !strings.ContainsAny(t, "。，；"):
			if err := p.endBlock(); err != nil {
				return err
			}
			p.mode = modeBody
			if subsubRe.MatchString(t) {
				p.subsection = strings.SplitN(p.subsection, " ", 2)[0] + " " + t
				p.addSubsection(t, true)
			} else {
				p.subsection = t
				p.addSubsection(t, false)
			}
			return nil
		}
	}
	if u.tabbed {
		return p.errorf(u.line, "a table row outside a box")
	}
	if p.mode == modeTable {
		if strings.HasPrefix(u.text, "注") {
			p.plan.IndicatorNotes = splitNotes(u.text)
			p.mode = modeBody
			return nil
		}
	}
	if p.mode == modeFront {
		p.mode = modeBody
	}
	// A paragraph continues across a page break when it did not end a
	// sentence and the next line does not open a new item.
	if p.para != nil && !endsSentence(p.para.text) && !p.opensItem(u) {
		p.para.raw += u.raw
		p.para.text += u.text
		return nil
	}
	if err := p.flush(); err != nil {
		return err
	}
	p.para = &paragraph{line: u.line, raw: u.raw, text: u.text}
	return nil
}

// opensItem reports whether a line starts a new numbered item or a new
// bold-headed paragraph rather than continuing the previous one.
func (p *parser) opensItem(u unit) bool {
	if m := itemNumRe.FindStringSubmatch(u.text); m != nil && p.mode == modeBox {
		n, _ := strconv.Atoi(m[1])
		return n == len(p.box.Items)+2 // the pending paragraph is item len+1
	}
	if m := leadRe.FindStringSubmatch(u.raw); m != nil && endsSentence(p.clean(m[1])) {
		return true
	}
	return false
}

func (p *parser) addSubsection(t string, second bool) {
	if p.chapter == 0 || p.section == 0 {
		return
	}
	ch := &p.plan.Chapters[len(p.plan.Chapters)-1]
	sec := &ch.Sections[len(ch.Sections)-1]
	var label, title string
	if m := subRe.FindStringSubmatch(t); m != nil && !second {
		label, title = m[1]+"、", m[2]
	} else if m := subsubRe.FindStringSubmatch(t); m != nil {
		label, title = "（"+m[1]+"）", m[2]
	}
	sec.Subsections = append(sec.Subsections, Subsection{Label: label, Title: strings.TrimSpace(title)})
}

// tableRow reads one tab-separated row of the indicator table.
func (p *parser) tableRow(u unit) error {
	cells := strings.Split(u.raw, "\t")
	for i := range cells {
		cells[i] = joinHan(p.clean(cells[i]))
	}
	if p.mode == modeBox {
		// The header row turns the box into the indicator table.
		p.mode = modeTable
		p.tabHead = map[string]int{}
		for i, c := range cells {
			switch {
			case strings.Contains(c, "单位"):
				p.tabHead["unit"] = i
			case strings.Contains(c, "2020"):
				p.tabHead["base"] = i
			case strings.Contains(c, "2025"):
				p.tabHead["target"] = i
			case strings.Contains(c, "年均") || strings.Contains(c, "累计"):
				p.tabHead["five"] = i
			case strings.Contains(c, "属性"):
				p.tabHead["attr"] = i
			}
		}
		for _, k := range []string{"unit", "base", "target", "five", "attr"} {
			if _, ok := p.tabHead[k]; !ok {
				return p.errorf(u.line, "indicator table header lacks the %s column", k)
			}
		}
		p.box = nil
		return nil
	}
	first := cells[0]
	rest := strings.Join(cells[1:], "")
	if m := subRe.FindStringSubmatch(first); m != nil && rest == "" {
		p.tabCat = strings.TrimSpace(m[2])
		return nil
	}
	m := indRowRe.FindStringSubmatch(first)
	if m == nil {
		return p.errorf(u.line, "indicator row does not start with its number: %q", first)
	}
	n, _ := strconv.Atoi(m[1])
	if n != len(p.plan.Indicators)+1 {
		return p.errorf(u.line, "indicator %d follows indicator %d", n, len(p.plan.Indicators))
	}
	need := 0
	for _, i := range p.tabHead {
		need = max(need, i+1)
	}
	if len(cells) < need {
		return p.errorf(u.line, "indicator row has %d cells, want %d", len(cells), need)
	}
	ind := Indicator{
		Number:     n,
		Category:   p.tabCat,
		Name:       strings.TrimSpace(m[2]),
		Unit:       cells[p.tabHead["unit"]],
		Base2020:   cells[p.tabHead["base"]],
		Target2025: cells[p.tabHead["target"]],
		FiveYear:   cells[p.tabHead["five"]],
		Attribute:  cells[p.tabHead["attr"]],
		Line:       u.line,
	}
	ind.Cumulative = strings.HasPrefix(ind.FiveYear, "[") && strings.HasSuffix(ind.FiveYear, "]")
	if ind.Attribute != "预期性" && ind.Attribute != "约束性" {
		return p.errorf(u.line, "indicator %d has attribute %q, want 预期性 or 约束性", n, ind.Attribute)
	}
	p.plan.Indicators = append(p.plan.Indicators, ind)
	return nil
}

// splitNotes splits 注：1、…。2、…。 into its numbered notes.
func splitNotes(s string) []string {
	s = strings.TrimSpace(strings.TrimLeft(strings.TrimPrefix(s, "注"), "：: "))
	var notes []string
	next := 1
	start := -1
	for _, m := range noteNumRe.FindAllStringSubmatchIndex(s, -1) {
		n, _ := strconv.Atoi(s[m[2]:m[3]])
		if n != next || (m[0] > 0 && !endsSentence(s[:m[0]])) {
			continue
		}
		if start >= 0 {
			notes = append(notes, strings.TrimSpace(s[start:m[0]]))
		}
		start = m[1]
		next++
	}
	if start < 0 {
		return []string{s}
	}
	return append(notes, strings.TrimSpace(s[start:]))
}

// flush ends the paragraph being collected and files it where the parser is.
func (p *parser) flush() error {
	para := p.para
	p.para = nil
	if para == nil {
		return nil
	}
	switch p.mode {
	case modeBox:
		return p.boxItems(para)
	case modeGlossary:
		return p.term(para)
	case modeTable:
		return p.errorf(para.line, "text inside the indicator table: %q", para.text)
	}
	key := [2]int{p.chapter, p.section}
	p.counter[key]++
	pas := Passage{
		ID:         fmt.Sprintf("c%ds%dp%d", p.chapter, p.section, p.counter[key]),
		Chapter:    p.chapter,
		Section:    p.section,
		Subsection: p.subsection,
		Text:       para.text,
		Location:   p.location(p.chapter, p.section),
		Line:       para.line,
	}
	if m := leadRe.FindStringSubmatch(para.raw); m != nil {
		if h := p.clean(m[1]); endsSentence(h) && len(h) < len(para.text) {
			pas.Heading = strings.TrimRight(h, "。：:")
		}
	}
	p.plan.Passages = append(p.plan.Passages, pas)
	return nil
}

// boxItems adds the items of one box paragraph: a numbered item, or one or
// more bold-headed items run together.
func (p *parser) boxItems(para *paragraph) error {
	if p.box == nil {
		return p.errorf(para.line, "box text outside a box")
	}
	text := para.text
	if m := itemNumRe.FindStringSubmatch(text); m != nil {
		if n, _ := strconv.Atoi(m[1]); n == len(p.box.Items)+1 {
			p.box.Items = append(p.box.Items, strings.TrimSpace(text[len(m[0]):]))
			return nil
		}
	}
	// Split at every bold lead phrase after the first: two items whose
	// paragraphs the conversion ran together.
	raw := para.raw
	var cuts []int
	for _, m := range boldRe.FindAllStringSubmatchIndex(raw, -1) {
		if m[0] > 0 && endsSentence(p.clean(raw[m[2]:m[3]])) && endsSentence(raw[:m[0]]) {
			cuts = append(cuts, m[0])
		}
	}
	prev := 0
	for _, c := range append(cuts, len(raw)) {
		if item := p.clean(raw[prev:c]); item != "" {
			p.box.Items = append(p.box.Items, item)
		}
		prev = c
	}
	return nil
}

// term adds one glossary entry: a head (often bold), a colon, a definition.
func (p *parser) term(para *paragraph) error {
	var head, def string
	if m := leadRe.FindStringSubmatch(para.raw); m != nil {
		head = p.clean(m[1])
		def = p.clean(para.raw[len(m[0]):])
	} else {
		i := strings.IndexAny(para.text, "：:")
		if i < 0 {
			return p.errorf(para.line, "glossary entry without a colon: %q", para.text)
		}
		head, def = para.text[:i], para.text[i:]
	}
	head = strings.TrimRight(head, "：: ")
	def = strings.TrimSpace(strings.TrimLeft(def, "：: "))
	if head == "" || def == "" {
		return p.errorf(para.line, "glossary entry without a term or a definition: %q", para.text)
	}
	p.plan.Terms = append(p.plan.Terms, Term{Term: head, Aliases: aliases(head), Definition: def, Line: para.line})
	return nil
}

// aliases lists the single terms a glossary head defines: its quoted parts,
// each split at 、, and the head without quotes.
func aliases(head string) []string {
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		for _, o := range out {
			if o == s {
				return
			}
		}
		if s != "" {
			out = append(out, s)
		}
	}
	for _, m := range quotedRe.FindAllStringSubmatch(head, -1) {
		add(m[1])
		if strings.Contains(m[1], "、") {
			for _, part := range strings.Split(m[1], "、") {
				add(part)
			}
		}
	}
	plain := strings.NewReplacer("“", "", "”", "").Replace(head)
	if len(out) == 0 && strings.Contains(plain, "、") {
		for _, part := range strings.Split(plain, "、") {
			add(part)
		}
	}
	if !strings.Contains(plain, "、") {
		add(plain)
	}
	return out
}

// location names a place in the plan: 第五章 第二节 · 加强生态保护与修复.
func (p *parser) location(chapter, section int) string {
	if chapter == 0 {
		return "序言"
	}
	ch := p.plan.Chapters[chapter-1]
	if section == 0 {
		return fmt.Sprintf("第%s章 · %s", HanNumeral(chapter), ch.Title)
	}
	return fmt.Sprintf("第%s章 第%s节 · %s", HanNumeral(chapter), HanNumeral(section), ch.Sections[section-1].Title)
}

// finish checks the model for the gaps a broken source would leave.
func (p *parser) finish() (*Plan, error) {
	if p.box != nil {
		p.closeBox()
	}
	pl := p.plan
	switch {
	case len(pl.Chapters) == 0:
		return nil, fmt.Errorf("corpus: %s: no chapters (第一章 …)", p.name)
	case len(pl.Indicators) == 0:
		return nil, fmt.Errorf("corpus: %s: %w", p.name, ErrNoIndicators)
	case len(pl.Passages) == 0:
		return nil, fmt.Errorf("corpus: %s: no text", p.name)
	}
	for _, b := range pl.Boxes {
		if len(b.Items) == 0 {
			return nil, p.errorf(b.Line, "专栏%d has no items", b.Number)
		}
	}
	return pl, nil
}

// ErrNoIndicators reports a plan document without an indicator table.
var ErrNoIndicators = errors.New("no indicator table (专栏1)")

// endBlock ends the paragraph being collected and the box it belongs to.
func (p *parser) endBlock() error {
	if err := p.flush(); err != nil {
		return err
	}
	p.closeBox()
	return nil
}

func (p *parser) closeBox() {
	if p.box != nil {
		p.plan.Boxes = append(p.plan.Boxes, *p.box)
		p.box = nil
	}
}
