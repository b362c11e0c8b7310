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
	// headRe matches a heading of a part, chapter or section: 第二篇,
	// 第十二章, 第三节, with the title after it.
	headRe      = regexp.MustCompile(`^第\s*([一二三四五六七八九十〇零百两]+|\d{1,3})\s*(篇|章|节)[\s\x{3000}:：]*(.*)$`)
	subRe       = regexp.MustCompile(`^([一二三四五六七八九十]+)、\s*(.+)$`)
	subsubRe    = regexp.MustCompile(`^[（(]([一二三四五六七八九十]+)[)）]\s*(.+)$`)
	boxRe       = regexp.MustCompile(`^(专栏|表)\s*(\d+|[一二三四五六七八九十]+)\s*[:：]?[\s\x{3000}]*(.*)$`)
	tocLeaderRe = regexp.MustCompile(`(\.{3,}|…{2,}|·{3,})[\s\d]*$`)
	// tocPageRe matches the page number of a contents line: 第一章  发展基础    1.
	tocPageRe = regexp.MustCompile(`(\s{2,}|\t)\d+$|\s\d+$`)
	itemNumRe = regexp.MustCompile(`^(\d+)[.．、]\s*`)
	leadRe    = regexp.MustCompile(`^\*\*([^*]+?)\*\*`)
	boldRe    = regexp.MustCompile(`\*\*([^*]+?)\*\*`)
	quotedRe  = regexp.MustCompile(`“([^”]+)”`)
	noteNumRe = regexp.MustCompile(`(\d+)、`)
	issuerRe  = regexp.MustCompile(`人民政府$`)
	dateRe    = regexp.MustCompile(`^([〇一二三四五六七八九十]{4}|\d{4})\s*年\s*([一二三四五六七八九十]{1,3}|\d{1,2})\s*月(\s*([一二三四五六七八九十]{1,3}|\d{1,2})\s*日)?$`)
	// approvalRe matches the line under a title that says who approved the
	// plan: （2026年1月20日…人民代表大会…批准）.
	approvalRe = regexp.MustCompile(`^[（(].*(批准|通过)[)）]$`)
	// titleEndRe matches the end of a plan's title: …规划纲要, …五年规划,
	// …远景目标纲要.
	titleEndRe = regexp.MustCompile(`(纲要|规划|计划)[》」]?(（[^（）]*）)?$`)
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
	orig    string // the line as written, with its leading spaces
	raw     string // without heading marks or bullet
	text    string // cleaned: no markup, simplified script
	heading bool   // written as a markdown heading or wholly in bold
}

// paragraph is a run of units joined across page breaks and hard wraps.
// Its lines are collected in parts and joined once, when it ends, so that
// a paragraph of many lines costs no more than its length.
type paragraph struct {
	line  int
	raws  []string
	texts []string
	// last is the last line's text: where the paragraph may end a sentence.
	last string
	// raw and text are the joined lines, set when the paragraph ends.
	raw  string
	text string
	// full tells that the last line ran to the wrap width, so the
	// paragraph may go on after a full stop.
	full bool
}

// block is a box (专栏N) or a captioned table (表 N) being read.
type block struct {
	label    string // as printed: 专栏1, 表 1
	box      bool
	number   int
	title    string
	line     int
	chapter  int
	section  int
	location string
	tab      *table
	items    []boxItem
	// compact tells a block whose first line follows its caption without
	// a blank line; in a layout of blank-separated blocks it ends at the
	// next blank line.
	compact, content bool
	width            int // the widest line, in a hard-wrapped text
}

// boxItem is one paragraph of a box, numbered (1．) or not.
type boxItem struct {
	text     string
	numbered bool
	label    bool // opens with a label and a colon: 续建工程：…
}

// tocTitles are the headings of the table of contents.
type tocTitles struct {
	parts    map[int]string
	chapters map[[2]int]string // {part, printed chapter}
	sections map[[3]int]string // {part, printed chapter, section}
	// part and chapter are the printed numbers of the entries read last.
	part, chapter int
}

// parser holds the state of one Parse call.
type parser struct {
	name string
	t2s  *gocc.OpenCC
	plan *Plan
	lay  layout

	toc     tocTitles
	skip    map[int]bool  // lines of the title block and the contents
	changes map[rune]bool // whether t2s converts a character

	part, chapter, section int // part and chapter are running numbers
	printed                int // printed number of the last chapter
	newPart                bool
	subsection             string
	counter                map[[3]int]int // passages per {part, chapter, section}

	mode       mode
	blk        *block
	para       *paragraph
	paraNum    int     // the number of the pending box item, 0 if none
	titleRest  string  // the rest of a heading's title, printed on the next line
	titleOf    *string // the title the next line may complete
	titleKind  string  // 篇, 章 or 节: what titleOf is the title of
	fromTOC    bool    // the heading's title is the contents' own
	expectNote bool    // the line after the indicator table may be its notes
	looseTable int     // line of an indicator table header outside any box
}

type mode int

const (
	modeFront mode = iota
	modeBody
	modeGlossary
)

// Parse reads a plan document. name is used in error messages.
func Parse(name string, src []byte) (*Plan, error) {
	t2s, err := newT2S()
	if err != nil {
		return nil, fmt.Errorf("corpus: traditional to simplified converter: %w", err)
	}
	text, err := decode(name, src)
	if err != nil {
		return nil, err
	}
	return parseText(name, text, t2s)
}

func parseText(name, text string, t2s *gocc.OpenCC) (*Plan, error) {
	p := &parser{
		name:    name,
		t2s:     t2s,
		plan:    &Plan{Parts: []Part{}},
		skip:    map[int]bool{},
		changes: map[rune]bool{},
		counter: map[[3]int]int{},
		toc: tocTitles{
			parts:    map[int]string{},
			chapters: map[[2]int]string{},
			sections: map[[3]int]string{},
		},
	}
	lines := unflatten(dropRunningHeads(splitLines(text)))
	p.lay = measure(lines)
	if err := p.parseFront(lines); err != nil {
		return nil, err
	}
	for _, l := range lines {
		if l.s == "" {
			if err := p.blank(); err != nil {
				return nil, err
			}
			continue
		}
		if p.skip[l.n] {
			continue
		}
		if err := p.feed(p.unit(l.n, l.s)); err != nil {
			return nil, err
		}
	}
	if err := p.endBlock(); err != nil {
		return nil, err
	}
	return p.finish(lines)
}

func (p *parser) errorf(line int, format string, args ...any) error {
	return fmt.Errorf("corpus: %s:%d: %s", p.name, line, fmt.Sprintf(format, args...))
}

// warn records something the parser read but could not make sense of.
func (p *parser) warn(line int, format string, args ...any) {
	p.plan.Warnings = append(p.plan.Warnings, Warning{Line: line, Text: fmt.Sprintf(format, args...)})
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
	return unit{line: n, orig: line, raw: raw, text: p.clean(raw), heading: heading}
}

// parseFront reads the title block and the table of contents, which stand
// before the running text.
func (p *parser) parseFront(lines []srcLine) error {
	if err := p.findTitle(lines); err != nil {
		return err
	}
	for _, l := range lines {
		if utf8.RuneCountInString(l.s) > 40 || l.s == "" {
			continue
		}
		s := p.clean(l.s)
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
	p.findTOC(lines)
	return nil
}

// findTitle reads the plan's title: the first line or lines, after any
// notice that issues the plan, that end like a plan's name (…规划纲要).
func (p *parser) findTitle(lines []srcLine) error {
	// A title in bold over one or more lines (**…**).
	for i, l := range lines {
		if l.s == "" {
			continue
		}
		s := strings.TrimSpace(l.s)
		if !strings.HasPrefix(s, "**") || strings.HasPrefix(s, "#") {
			break
		}
		var title []string
		for _, m := range lines[i:] {
			t := strings.TrimSpace(m.s)
			if t == "" {
				break
			}
			title = append(title, p.clean(t))
			p.skip[m.n] = true
			if strings.HasSuffix(t, "**") {
				break
			}
		}
		p.plan.Title = strings.Join(title, "")
		return nil
	}
	first := -1
	seen := 0
	for i := 0; i < len(lines) && seen < 80; i++ {
		if lines[i].s == "" {
			continue
		}
		seen++
		if first < 0 {
			first = i
		}
		var title []string
		var used []int
		for j := i; j < len(lines) && len(title) < 4; j++ {
			if lines[j].s == "" {
				break
			}
			t := p.clean(lines[j].s)
			if utf8.RuneCountInString(t) > 50 || strings.ContainsAny(t, "。；：") || strings.Contains(t, "通知") ||
				issuerRe.MatchString(t) || dateRe.MatchString(t) {
				break
			}
			title = append(title, t)
			used = append(used, lines[j].n)
			whole := strings.Join(title, "")
			if titleEndRe.MatchString(whole) && strings.ContainsAny(whole, "规划纲要计划") && utf8.RuneCountInString(whole) >= 6 {
				p.plan.Title = strings.TrimSpace(whole)
				for _, n := range used {
					p.skip[n] = true
				}
				// What stands before the title is the notice that issues
				// it; the line under it may say who approved it.
				for _, l := range lines[:i] {
					p.skip[l.n] = true
				}
				for _, l := range lines[i+len(used):] {
					if l.s == "" {
						continue
					}
					if approvalRe.MatchString(p.clean(l.s)) {
						p.skip[l.n] = true
					}
					break
				}
				return nil
			}
		}
	}
	if first < 0 {
		return fmt.Errorf("corpus: %s: no title at the top of the document: the document is empty", p.name)
	}
	return fmt.Errorf("corpus: %s:%d: no title at the top of the document: a plan opens with its name (…规划纲要), this line reads %q",
		p.name, lines[first].n, clip(strings.TrimSpace(lines[first].s), 40))
}

// clip shortens s to n characters for a message.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// tocEntry returns the heading a contents line names, without its leaders
// and page number.
func (p *parser) tocEntry(s string) (num int, kind, title string, ok bool) {
	t := p.clean(s)
	t = strings.TrimSpace(tocLeaderRe.ReplaceAllString(t, ""))
	t = strings.TrimSpace(tocPageRe.ReplaceAllString(t, ""))
	m := headRe.FindStringSubmatch(t)
	if m == nil || utf8.RuneCountInString(m[3]) > 60 || strings.ContainsAny(m[3], "。；") {
		return 0, "", "", false
	}
	return headNumber(m[1]), m[2], strings.TrimSpace(m[3]), true
}

// headNumber reads the number of a heading: 十二 or 12.
func headNumber(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	s = strings.NewReplacer("零", "〇", "两", "二").Replace(s)
	return hanNumber(s)
}

// findTOC finds the table of contents: from 目录 (or the first heading) to
// the second time the first heading it lists appears, which is where the
// text begins. Its entries give the full titles of headings the text
// breaks over two lines.
func (p *parser) findTOC(lines []srcLine) {
	start := -1
	for i, l := range lines {
		if l.s == "" || p.skip[l.n] {
			continue
		}
		t := strings.Join(strings.Fields(p.clean(l.s)), "")
		if t == "目录" {
			start = i
			break
		}
		if _, _, _, ok := p.tocEntry(l.s); ok {
			start = i
			break
		}
	}
	if start < 0 {
		return
	}
	firstNum, firstKind, firstAt := 0, "", -1
	end := -1
	for i := start; i < len(lines); i++ {
		n, kind, _, ok := p.tocEntry(lines[i].s)
		if !ok {
			continue
		}
		if firstAt < 0 {
			firstNum, firstKind, firstAt = n, kind, i
			continue
		}
		if n == firstNum && kind == firstKind {
			end = i
			break
		}
	}
	if end < 0 {
		// No contents: only lines with dotted leaders are skipped.
		for _, l := range lines {
			if tocLeaderRe.MatchString(strings.TrimSpace(stripLine(l.s))) {
				p.tocLine(l)
			}
		}
		return
	}
	for _, l := range lines[start:end] {
		if l.s == "" {
			continue
		}
		t := strings.Join(strings.Fields(p.clean(l.s)), "")
		if t == "目录" {
			p.skip[l.n] = true
			continue
		}
		if !p.tocLine(l) && utf8.RuneCountInString(t) <= 40 && !strings.ContainsAny(t, "。；") &&
			(tocLeaderRe.MatchString(l.s) || tocPageRe.MatchString(l.s)) {
			p.skip[l.n] = true // 序言 …… 1
		}
	}
	p.toc.part, p.toc.chapter = 0, 0
}

// tocLine records one entry of the contents and marks its line to skip.
func (p *parser) tocLine(l srcLine) bool {
	n, kind, title, ok := p.tocEntry(l.s)
	if !ok {
		return false
	}
	p.skip[l.n] = true
	switch kind {
	case "篇":
		p.toc.part = n
		p.toc.parts[n] = title
	case "章":
		p.toc.chapter = n
		p.toc.chapters[[2]int{p.toc.part, n}] = title
	case "节":
		p.toc.sections[[3]int{p.toc.part, p.toc.chapter, n}] = title
	}
	return true
}

// isFrontMatter reports whether a unit belongs to the front matter rather
// than the text: the title block, the contents and their headings.
func (p *parser) isFrontMatter(u unit) bool {
	if strings.ContainsAny(u.text, ".…·") && tocLeaderRe.MatchString(u.text) {
		return true
	}
	switch strings.Join(strings.Fields(u.text), "") {
	case "目录", "序言", "前言":
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

// glossaryHeadRe matches the heading of a glossary: 名词解释, 名 词 解 释,
// 附件：名词解释.
var glossaryHeadRe = regexp.MustCompile(`^(附件\d*|附录\d*|附)?[:：]?(名词解释|名词注释|术语解释)$`)

func isGlossaryHead(t string) bool {
	return short(t, 16) && glossaryHeadRe.MatchString(strings.Join(strings.Fields(t), ""))
}

// short reports whether a text may be a heading: short and no sentence.
func short(t string, n int) bool {
	return utf8.RuneCountInString(t) <= n && !strings.ContainsAny(t, "。；")
}

// midParagraph reports whether a hard-wrapped paragraph is cut at the line
// before u, so that u cannot open a heading unless it is marked as one.
func (p *parser) midParagraph(u unit) bool {
	return p.lay.wrap > 0 && !u.heading && p.para != nil && !endsSentence(p.para.last)
}

func (p *parser) blank() error {
	b := p.blk
	if b == nil {
		return nil
	}
	if !b.content {
		b.compact = false
		return nil
	}
	if b.compact && p.lay.blankSeparated {
		return p.endBlock()
	}
	return nil
}

func (p *parser) feed(u unit) error {
	if p.isFrontMatter(u) {
		return nil
	}
	t := u.text
	if p.titleRest != "" || p.titleOf != nil {
		if p.continueTitle(t) {
			return nil
		}
	}
	m := headRe.FindStringSubmatch(t)
	if m != nil && (!short(t, 60) || p.midParagraph(u)) {
		m = nil
	}
	bm := boxRe.FindStringSubmatch(t)
	if bm != nil && (!short(t, 60) || bm[3] == "" || p.midParagraph(u) || bm[1] == "表" && utf8.RuneCountInString(bm[3]) < 4) {
		bm = nil
	}
	glossary := isGlossaryHead(t)
	major := m != nil || bm != nil || glossary
	if b := p.blk; b != nil && !major {
		done, err := p.blockLine(u)
		if err != nil || done {
			return err
		}
	}
	if p.expectNote {
		p.expectNote = false
		if strings.HasPrefix(t, "注") && p.blk == nil {
			p.plan.IndicatorNotes = append(p.plan.IndicatorNotes, splitNotes(t)...)
			return nil
		}
	}
	switch {
	case glossary:
		if err := p.endBlock(); err != nil {
			return err
		}
		p.mode = modeGlossary
		p.part, p.chapter, p.section, p.subsection = 0, 0, 0, ""
		return nil
	case m != nil:
		return p.heading(u, headNumber(m[1]), m[2], strings.TrimSpace(m[3]))
	case bm != nil:
		if err := p.endBlock(); err != nil {
			return err
		}
		n := headNumber(bm[2])
		label := strings.TrimRight(strings.TrimSpace(strings.TrimSuffix(t, bm[3])), ":： 　")
		p.blk = &block{label: label, box: bm[1] == "专栏", number: n, title: strings.TrimSpace(bm[3]), line: u.line,
			chapter: p.chapter, section: p.section, location: p.location(p.chapter, p.section), compact: true}
		if p.mode == modeFront {
			p.mode = modeBody
		}
		return nil
	case (u.heading || short(t, 30) && !strings.Contains(t, "，")) && (subRe.MatchString(t) || subsubRe.MatchString(t)) && !p.midParagraph(u):
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
	if p.blk == nil && p.mode != modeGlossary && short(t, 50) && !isTableLine(u.orig) {
		if h := singleHeader(t); indicatorHeader(h) && len(h) >= 3 {
			p.warn(u.line, "像是指标表的表头，但前面没有专栏或表的标题，读不出：%q", clip(t, 40))
			if p.looseTable == 0 {
				p.looseTable = u.line
			}
		}
	}
	if p.mode == modeFront {
		p.mode = modeBody
	}
	return p.text(u)
}

// text adds a line of running text (or of a box) to the paragraph being
// collected. A paragraph continues across a page break and a hard wrap when
// it did not end a sentence, or ended one at the wrap width, and the next
// line does not open a new item.
func (p *parser) text(u unit) error {
	if p.para != nil && (!endsSentence(p.para.last) || p.para.full) && !p.opensItem(u) {
		p.para.raws = append(p.para.raws, u.raw)
		p.para.texts = append(p.para.texts, u.text)
		if u.text != "" {
			p.para.last = u.text
		}
		p.para.full = p.lay.full(u.text)
		return nil
	}
	if err := p.flush(); err != nil {
		return err
	}
	p.para = &paragraph{line: u.line, raws: []string{u.raw}, texts: []string{u.text}, last: u.text, full: p.lay.full(u.text)}
	p.paraNum = 0
	if p.blk != nil {
		if m := itemNumRe.FindStringSubmatch(u.text); m != nil {
			p.paraNum, _ = strconv.Atoi(m[1])
		}
	}
	return nil
}

// blockLine reads a line inside a box or a captioned table. It reports
// whether the line was taken; a line that is not is read as running text
// after the block has been closed.
func (p *parser) blockLine(u unit) (bool, error) {
	b := p.blk
	first := !b.content
	b.content = true
	if b.tab != nil {
		if b.tab.addLine(u.line, u.orig) {
			return true, nil
		}
		return false, p.endBlock()
	}
	if isTableLine(u.orig) && p.para == nil {
		if err := p.flush(); err != nil {
			return false, err
		}
		b.tab = &table{}
		b.tab.addLine(u.line, u.orig)
		return true, nil
	}
	if first {
		if h := singleHeader(u.text); indicatorHeader(h) && short(u.text, 50) {
			b.tab = &table{single: true, header: h, line: u.line}
			return true, nil
		}
	}
	// In a hard-wrapped text a box is wider than the body: a line of body
	// width that runs on after a finished item is the text resuming.
	if p.lay.wrap > 0 && b.width > p.lay.wrap+8 && p.para != nil && endsSentence(p.para.last) &&
		!endsSentence(u.text) && !p.opensItem(u) && itemNumRe.FindString(u.text) == "" {
		w := width(u.text)
		if w >= p.lay.wrap-4 && w <= p.lay.wrap+2 {
			return false, p.endBlock()
		}
	}
	if p.lay.wrap > 0 {
		b.width = max(b.width, width(u.text))
	}
	// A group heading inside a box set off by blank lines (一、2035年市域空间
	// 格局) stays in it.
	if b.compact && p.lay.blankSeparated && !u.heading && subRe.MatchString(u.text) && short(u.text, 30) {
		if err := p.flush(); err != nil {
			return false, err
		}
		return true, nil
	}
	return false, nil
}

// heading opens a part, chapter or section.
func (p *parser) heading(u unit, n int, kind, title string) error {
	if err := p.endBlock(); err != nil {
		return err
	}
	p.mode = modeBody
	p.subsection = ""
	label := "第" + HanNumeral(n) + kind
	switch kind {
	case "篇":
		if n != len(p.plan.Parts)+1 {
			p.warn(u.line, "%s排在第%s篇之后", label, HanNumeral(len(p.plan.Parts)))
		}
		full := p.toc.parts[n]
		p.plan.Parts = append(p.plan.Parts, Part{Number: n, Title: p.headTitle(title, full), Chapters: []int{}, Line: u.line})
		p.part, p.chapter, p.section, p.newPart = len(p.plan.Parts), 0, 0, true
		p.titleOf, p.titleKind = &p.plan.Parts[len(p.plan.Parts)-1].Title, kind
	case "章":
		if n != p.printed+1 && !(n == 1 && p.newPart) {
			p.warn(u.line, "%s排在第%s章之后", label, HanNumeral(p.printed))
		}
		partNo := 0
		if p.part > 0 {
			partNo = p.plan.Parts[p.part-1].Number
		}
		full := p.toc.chapters[[2]int{partNo, n}]
		running := len(p.plan.Chapters) + 1
		p.plan.Chapters = append(p.plan.Chapters, Chapter{Number: running, Printed: n, Part: partNo, Title: p.headTitle(title, full), Sections: []Section{}})
		if p.part > 0 {
			pt := &p.plan.Parts[p.part-1]
			pt.Chapters = append(pt.Chapters, running)
		}
		p.chapter, p.section, p.printed, p.newPart = running, 0, n, false
		p.titleOf, p.titleKind = &p.plan.Chapters[running-1].Title, kind
	case "节":
		if p.chapter == 0 {
			p.warn(u.line, "%s不在任何一章里", label)
			return p.text(u)
		}
		ch := &p.plan.Chapters[p.chapter-1]
		if n != len(ch.Sections)+1 {
			p.warn(u.line, "%s排在第%s章第%s节之后", label, HanNumeral(ch.Printed), HanNumeral(len(ch.Sections)))
		}
		full := p.toc.sections[[3]int{ch.Part, ch.Printed, n}]
		ch.Sections = append(ch.Sections, Section{Number: len(ch.Sections) + 1, Title: p.headTitle(title, full)})
		p.section = len(ch.Sections)
		p.titleOf, p.titleKind = &ch.Sections[p.section-1].Title, kind
	}
	return nil
}

// headTitle picks a heading's title: the contents' when it has the
// heading, the text's otherwise. When the text prints only the first part
// of the title, the rest is expected on the next line.
func (p *parser) headTitle(printed, full string) string {
	p.titleRest, p.fromTOC = "", full != ""
	if full == "" {
		return printed
	}
	if printed != full && strings.HasPrefix(full, printed) {
		p.titleRest = strings.TrimSpace(strings.TrimPrefix(full, printed))
	}
	return full
}

// continueTitle takes a line that completes the title of the heading
// above it. Without contents, a title that ends in a comma goes on in the
// next short line.
func (p *parser) continueTitle(t string) bool {
	rest, of := p.titleRest, p.titleOf
	p.titleRest, p.titleOf = "", nil
	if rest != "" {
		if t != "" && strings.HasPrefix(rest, t) {
			p.titleRest, p.titleOf = strings.TrimSpace(strings.TrimPrefix(rest, t)), of
			return true
		}
		return false
	}
	if of == nil || t == "" || !short(t, 30) || headRe.MatchString(t) || boxRe.MatchString(t) {
		return false
	}
	if *of == "" || strings.HasSuffix(*of, "，") || strings.HasSuffix(*of, "、") {
		// 第一章 alone on its line, its title on the next.
		*of += t
		return true
	}
	// A part's long title broken without a comma (…建设具有 / 全球影响力的…):
	// a short line with no punctuation, under a heading the contents did
	// not give in full, is the rest of it, unless it is a wrapped line of
	// running text.
	if p.titleKind == "篇" && rest == "" && !p.fromTOC && !strings.ContainsAny(t, "。；：，、") &&
		!subRe.MatchString(t) && !p.lay.full(t) && !isGlossaryHead(t) {
		*of += t
		return true
	}
	return false
}

// opensItem reports whether a line starts a new numbered item or a new
// bold-headed paragraph rather than continuing the previous one.
func (p *parser) opensItem(u unit) bool {
	if m := itemNumRe.FindStringSubmatch(u.text); m != nil && p.blk != nil {
		n, _ := strconv.Atoi(m[1])
		return n == p.paraNum+1 || n == 1 && p.paraNum > 0
	}
	if m := leadRe.FindStringSubmatch(u.raw); m != nil && endsSentence(p.clean(m[1])) {
		return true
	}
	if p.lay.wrap > 0 && p.para != nil && endsSentence(p.para.last) {
		// A dash item (——), or in a box a labelled one (“一城”：).
		if strings.HasPrefix(u.text, "——") {
			return true
		}
		if l := labelRe.FindString(u.text); p.blk != nil && l != "" && utf8.RuneCountInString(l) <= 10 {
			return true
		}
	}
	return false
}

func (p *parser) addSubsection(t string, second bool) {
	if p.chapter == 0 || p.section == 0 {
		return
	}
	ch := &p.plan.Chapters[p.chapter-1]
	sec := &ch.Sections[len(ch.Sections)-1]
	var label, title string
	if m := subRe.FindStringSubmatch(t); m != nil && !second {
		label, title = m[1]+"、", m[2]
	} else if m := subsubRe.FindStringSubmatch(t); m != nil {
		label, title = "（"+m[1]+"）", m[2]
	}
	sec.Subsections = append(sec.Subsections, Subsection{Label: label, Title: strings.TrimSpace(title)})
}

// flush ends the paragraph being collected and files it where the parser is.
func (p *parser) flush() error {
	para := p.para
	p.para = nil
	if para == nil {
		return nil
	}
	para.raw, para.text = strings.Join(para.raws, ""), strings.Join(para.texts, "")
	if p.lay.spaced {
		para.text = unspace(para.text)
	}
	// A citation marker a web encyclopedia left: 接受社会各界监督 [67]。
	para.text = citeRe.ReplaceAllString(para.text, "$1")
	switch {
	case p.blk != nil:
		return p.boxItems(para)
	case p.mode == modeGlossary:
		return p.term(para)
	}
	key := [3]int{p.part, p.chapter, p.section}
	p.counter[key]++
	id := fmt.Sprintf("c%ds%dp%d", p.chapter, p.section, p.counter[key])
	if p.chapter == 0 && p.part > 0 {
		id = fmt.Sprintf("pt%dp%d", p.part, p.counter[key])
	}
	pas := Passage{
		ID:         id,
		Part:       p.part,
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

// citeRe matches a citation marker at the end of a clause: [67]. A
// bracketed figure inside a table ([0.87], a five-year total) is a value.
var citeRe = regexp.MustCompile(`\s?\[\d{1,3}\]([。；，]|$)`)

// labelRe matches an item that opens with a short label and a colon:
// 续建工程：…, “一城”：….
var labelRe = regexp.MustCompile(`^[^。；：:，]{1,20}[：:]`)

// boxItems adds the items of one box paragraph: a numbered item, or one or
// more bold-headed items run together.
func (p *parser) boxItems(para *paragraph) error {
	b := p.blk
	text := para.text
	if m := itemNumRe.FindStringSubmatch(text); m != nil {
		b.items = append(b.items, boxItem{text: strings.TrimSpace(text[len(m[0]):]), numbered: true})
		return nil
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
			b.items = append(b.items, boxItem{text: item, label: labelRe.MatchString(item)})
		}
		prev = c
	}
	return nil
}

// boxItemTexts picks a box's items: its numbered entries when it has
// any (a lead sentence or a group heading is not an item), else its
// labelled entries when it has any, else every paragraph.
func boxItemTexts(items []boxItem) []string {
	var numbered, labelled, all []string
	for _, it := range items {
		all = append(all, it.text)
		switch {
		case it.numbered:
			numbered = append(numbered, it.text)
		case it.label:
			labelled = append(labelled, it.text)
		}
	}
	switch {
	case len(numbered) > 0:
		return numbered
	case len(labelled) > 0:
		return labelled
	}
	return all
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

// term adds one glossary entry: a head (often bold), a colon, a definition.
// A number before the head (1. 新质生产力：…) is the entry's, not the term's.
func (p *parser) term(para *paragraph) error {
	if m := itemNumRe.FindString(para.text); m != "" {
		para.text = para.text[len(m):]
		if r := itemNumRe.FindString(para.raw); r != "" {
			para.raw = para.raw[len(r):]
		}
	}
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

// location names a place in the plan: 第五章 第二节 · 加强生态保护与修复,
// 第二篇 · 建设现代化产业体系, 序言. chapter is a running number.
func (p *parser) location(chapter, section int) string {
	if chapter == 0 {
		if p.part > 0 {
			pt := p.plan.Parts[p.part-1]
			return fmt.Sprintf("第%s篇 · %s", HanNumeral(pt.Number), pt.Title)
		}
		return "序言"
	}
	ch := p.plan.Chapters[chapter-1]
	where := fmt.Sprintf("第%s章", HanNumeral(ch.Printed))
	if ch.Printed != ch.Number && ch.Part > 0 {
		// Chapters restart in every part: the part tells them apart.
		where = fmt.Sprintf("第%s篇 %s", HanNumeral(ch.Part), where)
	}
	if section == 0 {
		return fmt.Sprintf("%s · %s", where, ch.Title)
	}
	return fmt.Sprintf("%s 第%s节 · %s", where, HanNumeral(section), ch.Sections[section-1].Title)
}

// finish checks the model for the gaps a broken source would leave.
func (p *parser) finish(lines []srcLine) (*Plan, error) {
	pl := p.plan
	first := 1
	for _, l := range lines {
		if l.s != "" && !p.skip[l.n] {
			first = l.n
			break
		}
	}
	switch {
	case len(pl.Chapters) == 0:
		return nil, p.errorf(first, "not a plan: no chapter (第一章 …) from this line on")
	case len(pl.Indicators) == 0 && p.looseTable > 0:
		return nil, fmt.Errorf("corpus: %s:%d: %w: a table header without its caption (专栏N or 表N)", p.name, p.looseTable, ErrNoIndicators)
	case len(pl.Passages) == 0:
		return nil, p.errorf(first, "no text")
	}
	if pl.Indicators == nil {
		pl.Indicators = []Indicator{}
	}
	return pl, nil
}

// ErrNoIndicators reports a plan document whose indicator table could not
// be read.
var ErrNoIndicators = errors.New("no indicator table (专栏1)")

// endBlock ends the paragraph being collected and the box or table it
// belongs to.
func (p *parser) endBlock() error {
	if err := p.flush(); err != nil {
		return err
	}
	b := p.blk
	p.blk = nil
	if b == nil {
		return nil
	}
	if b.tab != nil && b.tab.isIndicatorTable() && p.mainTable(b) {
		before := len(p.plan.Indicators)
		if err := p.indicators(b.tab); err != nil {
			return err
		}
		if len(p.plan.Indicators) > before {
			p.plan.IndicatorTable = &Table{Label: b.label, Title: b.title,
				Header: b.tab.header, Location: b.location, Line: b.line}
			where, _, _ := strings.Cut(b.location, " · ")
			for i := before; i < len(p.plan.Indicators); i++ {
				ind := &p.plan.Indicators[i]
				ind.Location = fmt.Sprintf("%s · %s %s · 第%d项", where, b.label, b.title, ind.Number)
			}
			p.expectNote = true
		}
		return nil
	}
	if !b.box {
		p.warn(b.line, "表%d “%s” 不是指标表，没有读入", b.number, b.title)
		return nil
	}
	box := Box{Number: b.number, Title: b.title, Chapter: b.chapter, Section: b.section, Location: b.location, Line: b.line}
	box.Items = boxItemTexts(b.items)
	if b.tab != nil {
		box.Header = b.tab.header
		box.Items = append(box.Items, b.tab.items()...)
	}
	if len(box.Items) == 0 {
		p.warn(b.line, "专栏%d “%s” 没有条目", b.number, b.title)
		box.Items = []string{}
	}
	p.plan.Boxes = append(p.plan.Boxes, box)
	return nil
}

// mainTable reports whether a table with an indicator header is the plan's
// indicator table: its title says 主要指标, or it is the first such table
// and does not report the results of the past period (完成情况).
func (p *parser) mainTable(b *block) bool {
	if p.plan.IndicatorTable != nil {
		return false
	}
	return strings.Contains(b.title, "主要指标") || !strings.Contains(b.title, "完成")
}
