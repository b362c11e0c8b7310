package index

import (
	"cmp"
	"embed"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"planbot/corpus"
	"planbot/index/segment"
)

// The vocabulary of query understanding is plain data, embedded.
var (
	//go:embed data/stopwords.txt
	stopwordsData string
	//go:embed data/synonyms.txt
	synonymsData string
	//go:embed data/intents.txt
	intentsData string
	//go:embed data/frames.txt
	framesData string
	// vocabFiles holds the general vocabulary of everyday words, a file
	// by domain, in the format of synonyms.txt.
	//go:embed data/vocab/*.txt
	vocabFiles embed.FS
)

// synonymSources returns synonyms.txt and every file of data/vocab, in
// the order of their names.
func synonymSources() []string {
	sources := []string{synonymsData}
	entries, _ := vocabFiles.ReadDir("data/vocab")
	for _, e := range entries {
		if b, err := vocabFiles.ReadFile("data/vocab/" + e.Name()); err == nil {
			sources = append(sources, string(b))
		}
	}
	return sources
}

// term is one word of an understood query with its weight.
type term struct {
	Text   string
	Weight float64
	// Group is shared by the alternatives that stand for one word of the
	// question (its synonyms in the plan's words, its parts); Alt numbers
	// the alternative, a word or a phrase of several. A group counts once,
	// by its best-matched alternative.
	Group, Alt int
	// Unknown marks a word neither the dictionary nor the plan knows.
	Unknown bool
}

// qtoken is a word of a question; unknown marks characters joined into a
// word that neither the dictionary nor the plan knows.
type qtoken struct {
	segment.Token
	unknown bool
}

// joinUnknown joins runs of two or more single characters that are not
// stop words, one of them at least not a word of the plan: what is left of
// a word the dictionary lacks.
func (u *understander) joinUnknown(text string, toks []segment.Token) []qtoken {
	out := make([]qtoken, 0, len(toks))
	single := func(t segment.Token) bool {
		return utf8.RuneCountInString(t.Text) == 1 && !u.stop[t.Text] && allHan([]rune(t.Text))
	}
	for i := 0; i < len(toks); i++ {
		j, strange := i, 0
		for j < len(toks) && single(toks[j]) && (j == i || toks[j].Start == toks[j-1].End) {
			if !u.vocab(toks[j].Text) {
				strange++
			}
			j++
		}
		// A run of single characters joins when one of them at least is
		// one the plan never uses alone (摩天轮 cut as 摩 天 轮).
		// Known verbs and function words at its ends stay apart (建 in 建摩天轮).
		for j-i >= 2 && strange > 0 && u.vocab(toks[i].Text) && u.noun != nil && !u.noun(toks[i].Text) {
			out = append(out, qtoken{Token: toks[i]})
			i++
		}
		for j-i >= 2 && strange > 0 && u.vocab(toks[j-1].Text) && u.noun != nil && !u.noun(toks[j-1].Text) {
			j--
		}
		if j-i >= 2 && strange > 0 {
			out = append(out, qtoken{segment.Token{Text: text[toks[i].Start:toks[j-1].End], Start: toks[i].Start, End: toks[j-1].End}, true})
			i = j - 1
			continue
		}
		out = append(out, qtoken{Token: toks[i]})
	}
	return out
}

// termBuilder collects the terms of a query: a word once on its own, and
// once in each alternative it stands in.
type termBuilder struct {
	stop   map[string]bool
	frames map[string]bool
	terms  []term
	groups int
}

// add adds a word in its place, on its own or in an alternative, once: a
// question has few words, looked through.
func (b *termBuilder) add(w string, weight float64, group, alt int) {
	if w == "" || b.stop[w] || slices.ContainsFunc(b.terms, func(t term) bool { return t.Text == w && t.Group == group && t.Alt == alt }) {
		return
	}
	if b.frames[w] {
		weight *= frameWeight
	}
	b.terms = append(b.terms, term{Text: w, Weight: weight, Group: group, Alt: alt})
}

// group adds alternatives for one word of the question.
func (b *termBuilder) group(alts [][]string, weight float64) {
	b.groups++
	for i, alt := range alts {
		for _, w := range alt {
			b.add(w, weight, b.groups, i)
		}
	}
}

func words(toks []segment.Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Text
	}
	return out
}

// headsRead is what a question says besides naming a plan (Index.unnamed)
// for a plan it names no place of, read on the first plan that asks.
type headsRead struct {
	once  sync.Once
	rest  string
	named bool
}

// synonymsRead are the everyday words found in a question (synonymsIn), by
// the text read and its words' bounds: the plans of a library cut a
// question alike but where their own words stand, and share what they find
// where they cut it alike.
type synonymsRead struct {
	mu    sync.Mutex
	found []synonymsFound
}

type synonymsFound struct {
	text  string
	offs  []int
	found []synMatch
}

// in finds the everyday words of text between offs as u does, read once
// for a text cut alike. The lists returned are shared: not to be changed.
func (r *synonymsRead) in(u *understander, text string, offs []int) []synMatch {
	if r == nil {
		return u.synonymsIn(text, offs)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range r.found {
		if f.text == text && slices.Equal(f.offs, offs) {
			return f.found
		}
	}
	found := u.synonymsIn(text, offs)
	r.found = append(r.found, synonymsFound{text, slices.Clone(offs), found})
	return found
}

// cutsRead are the cuts of the texts a question is read in (its text, and
// the text with its everyday words taken out), kept for the plans of a
// library none of whose own words stand in them: those cut them alike, as
// their dictionary does (segment.Segmenter.Joins).
type cutsRead struct {
	mu   sync.Mutex
	cuts []textCut
}

type textCut struct {
	text string
	toks []segment.Token
}

// cut returns seg's cut of text, read once for the plans that cut it
// alike. The list returned may be shared: it is not to be changed.
func (r *cutsRead) cut(seg *segment.Segmenter, text string) []segment.Token {
	if r == nil || seg.Joins(text) {
		return seg.Cut(text)
	}
	r.mu.Lock()
	for _, c := range r.cuts {
		if c.text == text {
			r.mu.Unlock()
			return c.toks
		}
	}
	r.mu.Unlock()
	toks := seg.Cut(text)
	r.mu.Lock()
	r.cuts = append(r.cuts, textCut{text, toks})
	r.mu.Unlock()
	return toks
}

// query is a question as the index understands it.
type query struct {
	Raw        string
	Normalized string
	Terms      []term
	Intents    map[Kind]bool
	// Indicator is the indicator number the question names (第18项, 指标18),
	// 0 if none.
	Indicator int
	// Units are the units a 多少/几 question asks for (多少户 → 户): a
	// sentence with a number in that unit likely answers it. Quantity is
	// set for any 多少/几 question.
	Units    []string
	Quantity bool
	// Counts are the things a 几/多少 question counts, each with its unit
	// (几所高中 → 所 高中): an answer holds the count where a number in that
	// unit stands by the thing.
	Counts []counted
	// Phrases are two words of the question side by side, as it writes
	// them.
	Phrases []phrase
	// Which are the things a question asks which one of (哪个社区医院 →
	// 医院): an answer names one.
	Which []string
	// Whether marks a question whether or how the plan takes something
	// up (管不管, 有没有, 规划里咋说, …吗).
	Whether bool
	// Outside holds the cues of what plans do not say (prices, people,
	// opening hours) that the question holds, each once.
	Outside []string
	// Naming holds the words that named the plans searched (国家, 南京),
	// when a library chose them by the question: not its topic.
	Naming []string
	// Corrected holds the corrections made for homophone typos, wrong →
	// right.
	Corrected map[string]string
	// heads holds what the question says besides naming a plan, read
	// once for the plans it names no place of (see Index.unnamed).
	heads *headsRead
	// synonyms holds the everyday words found in it, for the plans that
	// read it alike (synonymsRead).
	synonyms *synonymsRead
	// cuts holds its cuts, for the plans that cut it alike (cutsRead).
	cuts *cutsRead
	// outlineAt and countAt are where Normalized names a part, chapter or
	// section (outlineRe) and asks how many there are (outlineCountRe),
	// nil where it does not: the submatches' indexes.
	outlineAt, countAt []int
	// text is what is searched: Normalized without a reference to an
	// indicator.
	text string
	// runes is the set of the runes of Normalized (runeSet).
	runes uint64
	// list marks a question that asks for a list or a count (listRe).
	list bool
}

// understander turns questions into queries. Its tables are read once and
// then only read.
type understander struct {
	seg      *segment.Segmenter
	stop     map[string]bool
	frames   map[string]bool // words that name the kind of answer asked
	synonyms []synonym       // longest everyday word first
	intents  []intentWord
	ranked   []string // how plans state a rank (data/intents.txt)
	typos    *homophones
	vocab    func(string) bool
	// charWords lists the plan's two-character words holding a character.
	charWords func(string) []string
	// similar lists the plan's words that differ by a character from a
	// word the plan lacks.
	similar func(string) []string
	// noun reports whether a word may name a thing: the dictionary does
	// not take it for a verb, an adjective or a function word.
	noun      func(string) bool
	maxTokens int

	// byEveryday finds a synonym by its everyday word; longest is the
	// length in bytes of the longest everyday word.
	byEveryday map[string]int
	longest    int
	// written keeps, by a synonym's plan word, the words of it the plan
	// writes (partsWritten).
	written sync.Map
}

// partsWritten returns the words of w, a synonym's plan word, that the plan
// writes, as the plan cuts w: the same for every question, kept from the
// first. The list is shared: it is not to be changed.
func (u *understander) partsWritten(w string) []string {
	if known, ok := u.written.Load(w); ok {
		return known.([]string)
	}
	var known []string
	for _, part := range words(u.seg.Cut(w)) {
		if u.vocab(part) {
			known = append(known, part)
		}
	}
	u.written.Store(w, known)
	return known
}

type synonym struct {
	everyday string
	plan     []string
	// kind marks an everyday word that names a kind of what the plan's
	// words name (地铁 > 城市轨道交通): a plan that never uses the word
	// itself has not answered it.
	kind bool
}

// phrase is two words of a question side by side, and the two as written.
type phrase struct{ first, second, both string }

// counted is a thing a question counts, by its word and the plan's words
// for it, and the unit it counts it in; either may be empty (几个？,
// 多少老旧小区).
type counted struct {
	unit  string
	nouns []string
}

type intentWord struct {
	word string
	kind Kind
}

// newUnderstander makes an understander of a plan: its segmenter, its
// typos and its vocabulary, over the shared tables.
func newUnderstander(seg *segment.Segmenter, typos *homophones, vocab func(string) bool) *understander {
	t := wordTables()
	return &understander{seg: seg, stop: t.stop, frames: t.frames, synonyms: t.synonyms, intents: t.intents, typos: typos, vocab: vocab, maxTokens: 40,
		byEveryday: t.byEveryday, longest: t.longest}
}

// wordTables are the understander's tables of stop words, synonyms and
// intents: the same for every plan, read once and shared.
var wordTables = sync.OnceValue(func() *understander {
	u := &understander{stop: map[string]bool{}, frames: map[string]bool{}}
	for _, line := range dataLines(stopwordsData) {
		for _, w := range strings.Fields(line) {
			u.stop[w] = true
		}
	}
	for _, line := range dataLines(framesData) {
		for _, w := range strings.Fields(line) {
			u.frames[w] = true
		}
	}
	// An everyday word named on several lines stands for the plan's words
	// of all of them.
	byWord := map[string]int{}
	for _, data := range synonymSources() {
		for _, line := range dataLines(data) {
			plan, everyday, kind, ok := cutSynonym(line)
			if !ok {
				continue
			}
			var planWords []string
			for _, p := range strings.Fields(strings.ToLower(plan)) {
				if !slices.Contains(planWords, p) {
					planWords = append(planWords, p)
				}
			}
			for _, e := range strings.Fields(strings.ToLower(everyday)) {
				i, seen := byWord[e]
				if !seen {
					i = len(u.synonyms)
					byWord[e] = i
					// Most everyday words stand on one line: they share
					// its plan words until another line adds to them.
					u.synonyms = append(u.synonyms, synonym{everyday: e, kind: kind, plan: planWords[:len(planWords):len(planWords)]})
					continue
				}
				u.synonyms[i].kind = u.synonyms[i].kind || kind
				for _, p := range planWords {
					if !slices.Contains(u.synonyms[i].plan, p) {
						u.synonyms[i].plan = append(u.synonyms[i].plan, p)
					}
				}
			}
		}
	}
	slices.SortStableFunc(u.synonyms, func(a, b synonym) int { return cmp.Compare(len(b.everyday), len(a.everyday)) })
	u.byEveryday = make(map[string]int, len(u.synonyms))
	for i, syn := range u.synonyms {
		u.byEveryday[syn.everyday] = i
		u.longest = max(u.longest, len(syn.everyday))
	}
	for _, line := range dataLines(intentsData) {
		kind, words, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k := Kind(strings.TrimSpace(kind))
		if k == kindRanked {
			u.ranked = append(u.ranked, strings.Fields(words)...)
			continue
		}
		for _, w := range strings.Fields(words) {
			u.intents = append(u.intents, intentWord{word: w, kind: k})
		}
	}
	return u
})

// synMatch is a synonym found in a question: its index in synonyms and
// the byte offsets where its everyday word starts.
type synMatch struct {
	syn    int
	starts []int
}

// synonymsIn finds the everyday words that stand in text as whole words,
// from one word boundary to another (offs, in order), in the order of
// u.synonyms (longest first); the offsets of each are in ascending order.
func (u *understander) synonymsIn(text string, offs []int) []synMatch {
	at := map[int][]int{}
	for i, start := range offs {
		for _, end := range offs[i+1:] {
			if end-start > u.longest {
				break
			}
			if k, ok := u.byEveryday[text[start:end]]; ok {
				at[k] = append(at[k], start)
			}
		}
	}
	out := make([]synMatch, 0, len(at))
	for k, starts := range at {
		out = append(out, synMatch{k, starts})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].syn < out[j].syn })
	return out
}

// cutSynonym splits a line of the vocabulary: `plan words = everyday
// words`, or `plan words > everyday words` where the everyday words name
// kinds of what the plan's words name.
func cutSynonym(line string) (plan, everyday string, kind, ok bool) {
	if plan, everyday, ok = strings.Cut(line, "="); ok {
		return plan, everyday, false, true
	}
	plan, everyday, ok = strings.Cut(line, ">")
	return plan, everyday, true, ok
}

// knownParts lists the parts of a word, as the segmenter cuts them for
// search, that the plan uses.
func (u *understander) knownParts(w string) []string {
	var parts []string
	for _, t := range u.seg.CutSearch(w) {
		if t.Text != w && utf8.RuneCountInString(t.Text) > 1 && u.vocab(t.Text) && !slices.Contains(parts, t.Text) {
			parts = append(parts, t.Text)
		}
	}
	return parts
}

// dataLines returns the non-empty, non-comment lines of a data file.
func dataLines(data string) []string {
	var out []string
	for _, l := range strings.Split(data, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

var indicatorNumRe = regexp.MustCompile(`(?:第\s*(\d{1,2})\b\s*(?:项|个|条)?\s*指标|指标\s*(?:第)?\s*(\d{1,2})\b\s*(?:项)?|第\s*(\d{1,2})\b\s*项|^\s*#?(\d{1,2})\b\s*$|^/?(?:indicator|i)\s+(\d{1,2})\b\s*$)`)

// foldWhether writes the forms of a question whether as the word they
// ask of: 管不管 → 管, 超没超标 → 超标; a last 不 or 没 (会封了不) goes. They
// say how the question asks, not what of. The first of the pair starts a
// word (not 人 of 老人没人管).
func (u *understander) foldWhether(s string) string {
	if !strings.ContainsAny(s, "不没") {
		return s
	}
	starts := map[int]bool{}
	for _, t := range u.seg.Cut(s) {
		starts[t.Start] = true
	}
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	for i, off := 0, 0; i < len(rs); off, i = off+utf8.RuneLen(rs[i]), i+1 {
		if i+2 < len(rs) && (rs[i+1] == '不' || rs[i+1] == '没') && rs[i] == rs[i+2] && unicode.Is(unicode.Han, rs[i]) && starts[off] {
			out = append(out, rs[i])
			off += utf8.RuneLen(rs[i]) + utf8.RuneLen(rs[i+1])
			i += 2
			continue
		}
		out = append(out, rs[i])
	}
	end := len(out)
	for end > 0 && strings.ContainsRune(" ?？。!！", out[end-1]) {
		end--
	}
	if end > 1 && (out[end-1] == '不' || out[end-1] == '没') && unicode.Is(unicode.Han, out[end-2]) {
		out = append(out[:end-1], out[end:]...)
	}
	return string(out)
}

// which reads what a question asks which one of: the last word that
// names a thing after 哪个, 哪家, 哪所 or 哪座 (哪个社区医院 → 医院).
func (u *understander) which(s string) []string {
	var out []string
	for _, m := range whichRe.FindAllStringIndex(s, -1) {
		head := ""
		for _, t := range u.seg.Cut(s[m[1]:]) {
			if !allHan([]rune(t.Text)) || u.stop[t.Text] || u.noun == nil || !u.noun(t.Text) {
				break
			}
			head = t.Text
		}
		if utf8.RuneCountInString(head) > 1 {
			out = append(out, head)
		}
	}
	return out
}

var whichRe = regexp.MustCompile(`哪(个|家|所|座)`)

// asksWhether reads the forms of a question whether: 管不管, 超没超, and a
// last 吗, 不 or 没.
func asksWhether(s string) bool {
	rs := []rune(strings.TrimRight(s, " ?？。!！"))
	for i := 1; i+1 < len(rs); i++ {
		if (rs[i] == '不' || rs[i] == '没') && rs[i-1] == rs[i+1] && unicode.Is(unicode.Han, rs[i-1]) {
			return true
		}
	}
	return len(rs) > 0 && strings.ContainsRune("吗不没么", rs[len(rs)-1])
}

// quantityRe finds how many of what a question asks: 多少户, 几家, 多少钱.
var quantityRe = regexp.MustCompile(`(?:多少|几)(万户|户|个|家|条|所|座|件|名|人|万人|万吨|吨|亿元|万元|元|钱|亩|万亩|平方米|平方公里|公里|岁|年|天|项|处|张|台|株|套)?`)

// counted reads what a 几/多少 question counts from the words after it:
// the first that names a thing (几所高中 → 高中). 哪几 asks for a list,
// 那几个/这几个 points at things named before: neither counts.
func (u *understander) counted(before, unit, after string) (counted, bool) {
	// 好几趟, 十几年, 几十个: not a question but a rough number.
	if r, _ := utf8.DecodeLastRuneInString(before); strings.ContainsRune("哪那这好十", r) {
		return counted{}, false
	}
	if r, _ := utf8.DecodeRuneInString(unit + after); strings.ContainsRune("十百千万", r) {
		return counted{}, false
	}
	if unit == "钱" || strings.HasSuffix(unit, "元") {
		return counted{}, false
	}
	c := counted{unit: unit}
	if toks := u.seg.Cut(after); len(toks) > 0 {
		w := toks[0].Text
		if !allHan([]rune(w)) {
			// 几个N, 几个5G基站: a count the words cannot follow.
			return counted{}, false
		}
		if !u.stop[w] && u.noun != nil && u.noun(w) {
			c.nouns = append(c.nouns, w)
			if k, ok := u.byEveryday[w]; ok {
				c.nouns = append(c.nouns, u.synonyms[k].plan...)
			}
		}
	}
	return c, c.unit != "" || len(c.nouns) > 0
}

// frameWeight is what a word that names the kind of answer asked
// (data/frames.txt) weighs in a question, against 1 for a word of its
// topic.
const frameWeight = 0.3

// maxQueryBytes bounds the work a single question can cause.
const maxQueryBytes = 600

// normalize folds a question to the plan's script and form: simplified
// characters, half-width letters and digits, lower case, single spaces.
func (u *understander) normalize(s string) string {
	if len(s) > maxQueryBytes {
		s = s[:maxQueryBytes]
	}
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～': // full-width ASCII
			return r - '！' + '!'
		case r == '\u3000' || unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	s = strings.ToLower(s)
	s = corpus.Simplify(s)
	return strings.Join(strings.Fields(s), " ")
}

// understand reads a question.
func (u *understander) understand(raw string) query { return u.words(u.read(raw)) }

// read is what understanding a question owes nothing to the plan: its
// form, the indicator, quantity and intents it asks for. Plans share it
// (a library reads a question once); only words adds to it.
func (u *understander) read(raw string) query {
	q := query{Raw: raw, Intents: map[Kind]bool{}, heads: new(headsRead), synonyms: new(synonymsRead), cuts: new(cutsRead)}
	q.Normalized = u.normalize(raw)
	q.runes = runeSet(q.Normalized)
	q.outlineAt = outlineRe.FindStringSubmatchIndex(q.Normalized)
	q.countAt = outlineCountRe.FindStringSubmatchIndex(q.Normalized)
	q.list = listRe.MatchString(q.Normalized)
	if m := indicatorNumRe.FindStringSubmatch(q.Normalized); m != nil {
		for _, g := range m[1:] {
			if n, err := strconv.Atoi(g); err == nil {
				q.Indicator = n
				break
			}
		}
	}
	for _, m := range quantityRe.FindAllStringSubmatchIndex(q.Normalized, -1) {
		q.Quantity = true
		unit := ""
		if m[2] >= 0 {
			unit = q.Normalized[m[2]:m[3]]
		}
		if unit == "钱" {
			q.Units = append(q.Units, "元")
		} else if unit != "" {
			q.Units = append(q.Units, unit)
		}
		if c, ok := u.counted(q.Normalized[:m[0]], unit, q.Normalized[m[1]:]); ok {
			q.Counts = append(q.Counts, c)
		}
	}
	var outside []string
	for _, iw := range u.intents {
		if strings.Contains(q.Normalized, iw.word) {
			q.Intents[iw.kind] = true
			if iw.kind == kindOutside || iw.kind == kindRank {
				outside = append(outside, iw.word)
			}
		}
	}
	q.Whether = q.Intents[kindWhether] || asksWhether(q.Normalized)
	q.Which = u.which(q.Normalized)
	// How many things the question asks that plans do not say: cues, each
	// counted once even where a longer one holds it (几点 in 几点开门).
	for _, w := range outside {
		inside := false
		for _, o := range outside {
			inside = inside || o != w && strings.Contains(o, w)
		}
		if !inside {
			q.Outside = append(q.Outside, w)
		}
	}
	q.text = q.Normalized
	if q.Indicator > 0 {
		// The reference to the indicator is answered by the indicator;
		// what else the question says is searched.
		q.text = indicatorNumRe.ReplaceAllString(q.text, " ")
	}
	q.text = u.foldWhether(q.text)
	return q
}

// words finds the words of a question that read, in the plan's terms:
// its typos corrected, its everyday words and the plan's, its words
// unknown to both. q's maps are not changed: plans share them.
func (u *understander) words(q query) query {
	q.Corrected = nil // the plan's own, made at its first correction
	text := q.text
	// A text is cut once, and again only where it changed.
	toks := q.cuts.cut(u.seg, text)
	// Whether the plan uses each word, asked once: 1 yes, 2 no.
	used := make([]int8, len(toks))
	// Homophone typos of a pinyin keyboard: a stretch of the question that
	// the plan never writes but that sounds like one it does.
	if u.typos != nil {
		if c := u.typos.correct(text, toks, func(w string) bool { return u.stop[w] }, u.vocab, &q.Corrected, used); c != text {
			text, toks = c, u.seg.Cut(c)
			used = make([]int8, len(toks))
		}
	}
	b := termBuilder{stop: u.stop, frames: u.frames, terms: make([]term, 0, len(toks)+8)}
	// Everyday words the plan does not use: their plan words join the
	// query as alternatives. An everyday word counts only as whole words of
	// the question (菜 is not found in 蔬菜).
	// Where its words start and end, in order.
	offs := make([]int, 0, 2*len(toks))
	inPlan := func(k int) bool {
		if used[k] == 0 {
			used[k] = 2
			if u.vocab(toks[k].Text) {
				used[k] = 1
			}
		}
		return used[k] == 1
	}
	for i, t := range toks {
		offs = append(offs, t.Start, t.End)
		// Two words of the plan side by side in the question: an answer
		// that writes them so (东河制造) speaks of the same thing.
		if i > 0 && toks[i-1].End == t.Start && !u.stop[t.Text] && !u.stop[toks[i-1].Text] &&
			inPlan(i) && inPlan(i-1) && allHan([]rune(text[toks[i-1].Start:t.End])) {
			q.Phrases = append(q.Phrases, phrase{toks[i-1].Text, t.Text, text[toks[i-1].Start:t.End]})
		}
	}
	if !slices.IsSorted(offs) {
		slices.Sort(offs)
	}
	offs = slices.Compact(offs)
	masked := []byte(text)
	for _, m := range q.synonyms.in(u, text, offs) {
		syn := u.synonyms[m.syn]
		found := false
		for _, start := range m.starts {
			end := start + len(syn.everyday)
			if masked[start] == ' ' {
				continue
			}
			found = true
			for k := start; k < end; k++ {
				masked[k] = ' '
			}
		}
		if !found {
			continue
		}
		var alts [][]string
		if u.vocab(syn.everyday) {
			alts = append(alts, []string{syn.everyday})
		} else if parts := u.knownParts(syn.everyday); len(parts) > 0 {
			// The everyday word's own parts may be what the plan writes
			// (延迟退休 in 延迟法定退休年龄): they stay an alternative.
			alts = append(alts, parts)
		}
		for _, p := range syn.plan {
			if utf8.RuneCountInString(p) > 1 && u.vocab(p) {
				alts = append(alts, []string{p})
				continue
			}
			// A plan word this plan does not write counts by the parts
			// it does write, or not at all: an alternative no answer can
			// hold would only weigh the question down.
			if known := u.partsWritten(p); len(known) > 0 {
				alts = append(alts, known)
			}
		}
		if len(alts) == 0 {
			// The plan writes neither the word nor any of its plan words:
			// it is a word of the question the plan never uses, as it
			// would be without the vocabulary.
			b.add(syn.everyday, 1, 0, 0)
			continue
		}
		b.group(alts, 0.9)
		if syn.kind && !u.vocab(syn.everyday) {
			// The plan speaks of the kind, not of the thing asked.
			b.add(syn.everyday, 1, 0, 0)
		}
	}
	if string(masked) != text {
		toks = q.cuts.cut(u.seg, string(masked))
	}
	for _, tok := range u.joinUnknown(string(masked), toks) {
		if tok.unknown {
			// A name the dictionary and the plan both lack (核酸, 比特币):
			// it counts against every answer like a noun the plan lacks.
			b.add(tok.Text, 1, 0, 0)
			b.terms[len(b.terms)-1].Unknown = true
			continue
		}
		if len(b.terms) >= u.maxTokens {
			break
		}
		w := tok.Text
		n := utf8.RuneCountInString(w)
		switch {
		case n > 2 && !u.vocab(w) && u.similar != nil && len(u.similar(w)) > 0:
			// A word the plan lacks but nearly writes (污水管子 for
			// 污水管网) stands for the plan's words.
			alts := [][]string{{w}}
			for _, p := range u.similar(w) {
				alts = append(alts, []string{p})
			}
			b.group(alts, 0.8)
			continue
		case n > 2:
			// A long word also matches as its parts: 居民收入 is found
			// in 居民人均可支配收入.
			var parts []string
			for _, sub := range u.seg.CutSearch(w) {
				if sub.Text != w && u.vocab(sub.Text) {
					parts = append(parts, sub.Text)
				}
			}
			switch {
			case len(parts) > 0 && u.vocab(w):
				b.group([][]string{{w}, parts}, 1)
				continue
			case len(parts) > 0:
				// The plan lacks the word: it still counts against an
				// answer, its parts find what they can.
				b.add(w, 1, 0, 0)
				b.group([][]string{parts}, 0.35)
				continue
			}
		case n == 1 && !u.stop[w] && u.charWords != nil && u.noun(w):
			// A noun of one character (债) stands also for the plan's
			// words made of it (债务), when there are few.
			if cw := u.charWords(w); len(cw) > 0 && len(cw) <= 3 {
				alts := [][]string{{w}}
				for _, c := range cw {
					alts = append(alts, []string{c})
				}
				b.group(alts, 0.7)
				continue
			}
		}
		b.add(w, 1, 0, 0)
	}
	q.Terms = b.terms
	return q
}
