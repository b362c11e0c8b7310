// Package index answers questions over a parsed plan. It puts every kind of
// answer the plan holds (passages, indicators, glossary terms, key
// projects, the targets stated in the prose) into one bleve index,
// segmented by package segment, and turns a question into a query with
// plain-data tables (data/: stop words, everyday words mapped to the
// plan's, intents) and homophone typo correction. Results are ranked by
// BM25 and then by how much of the question their best sentence and their
// whole text cover; when nothing covers enough, the answer is empty: the
// plan does not say.
package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bscorer "github.com/blevesearch/bleve/v2/search/scorer"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"

	"planbot/corpus"
	"planbot/index/segment"
)

// doc is one answer the index holds. What a search reads of every
// candidate comes first, in 64 bytes: few lines of the processor's cache
// to fetch for each.
type doc struct {
	ord      int // its place among the plan's documents
	kind     Kind
	sentText []string // the sentences of text
	// runes holds the runes, lowered, that a question must hold to hold
	// its title or (a term's) one of its aliases whole: see exact.
	runes   uint64
	periods uint8 // the periods its text and extra name (periodsIn)

	id       string
	title    string
	text     string
	extra    string // aliases, category, box title: words that find it
	location string
	// words holds every word of title, text and extra by its number in
	// the plan's lexicon, in the order the document first has them, each
	// with the sentences of text that hold it: a run of in, in order (none
	// for a word only of title or extra). It serves building the index,
	// which turns it around into the documents of each word (postingLists),
	// and is then dropped.
	words []wordRun
	// norm is, by field, the norm of its length bleve's postings carry:
	// 1/√n of its n words, a float32.
	norm   [3]float64
	in     []int32  // dropped with words
	digits []bool   // whether each sentence holds a number
	spans  spans    // the words of text, with their offsets, kept small (textTokens)
	items  []string // what a list answer lists
}

// wordRun is a word of a document: its number in the plan's lexicon, how
// many times each field holds it, and the stretch of the document's in
// that lists the sentences holding it, from off, n long.
type wordRun struct {
	id     int32
	freq   freqs
	off, n uint32
}

// freqs are how many times each field of a document holds a word, by
// field (titleField, textField, extraField): the frequencies of bleve's
// postings of the word's term.
type freqs [3]uint16

// The fields by number, as freqs and Index.fields hold them.
const (
	titleField = iota
	textField
	extraField
)

// fieldNames are the names of the fields in bleve's index, by number.
var fieldNames = [...]string{titleField: fieldTitle, textField: fieldText, extraField: fieldExtra}

// inTitle reports whether the title or the extra holds the word: a title
// of the document, or a name of it.
func (f freqs) inTitle() bool { return f[titleField] > 0 || f[extraField] > 0 }

// lexicon numbers the words of a plan's documents, so that a document
// keeps its words as numbers, sorted, and a word of a question is looked
// up once a plan rather than once a document.
type lexicon struct {
	ids   map[string]int32
	words []string
	// seen and slot are scratch of assemble, by word: the document that
	// last had the word (stamp counts the documents), and the word's place
	// in that document's list.
	seen, slot []int32
	stamp      int32
}

// newLexicon makes a lexicon sized for the words of documents of these
// tokens: about a fifth of them are distinct.
func newLexicon(sp []snapTokens) *lexicon {
	n := 0
	for _, t := range sp {
		n += t.Title.N + t.Extra.N + t.Text.N
	}
	return &lexicon{ids: make(map[string]int32, n/5)}
}

// id is the number of w, made when w is new.
func (l *lexicon) id(w string) int32 {
	if id, ok := l.ids[w]; ok {
		return id
	}
	id := int32(len(l.words))
	l.ids[w] = id
	l.words = append(l.words, w)
	l.seen, l.slot = append(l.seen, -1), append(l.slot, 0)
	return id
}

// sharedWords are, for a plan of a library, the library's numbers of the
// words of all its plans and this plan's number of each (see NewLibrary):
// the plans of a search look its words up in one table, which the first
// of them brings into the processor's cache for the others, rather than
// each in a table of its own.
type sharedWords struct {
	ids   map[string]int32 // the library's, of every plan's words
	local []int32          // this plan's number of each, -1 for none
}

// wordID is the number of the word w in the plan's lexicon, false when the
// plan does not use it.
func (idx *Index) wordID(w string) (int32, bool) {
	if sh := idx.shared.Load(); sh != nil {
		g, ok := sh.ids[w]
		if !ok {
			return 0, false
		}
		id := sh.local[g]
		return id, id >= 0
	}
	id, ok := idx.lex.ids[w]
	return id, ok
}

// shareWords gives the plans one table of their words (sharedWords).
func shareWords(plans []*Index) {
	n := 0
	for _, idx := range plans {
		n = max(n, len(idx.lex.words))
	}
	ids := make(map[string]int32, 2*n)
	of := make([][]int32, len(plans)) // by plan, the library's number of each word
	for i, idx := range plans {
		of[i] = make([]int32, len(idx.lex.words))
		for id, w := range idx.lex.words {
			g, ok := ids[w]
			if !ok {
				g = int32(len(ids))
				ids[w] = g
			}
			of[i][id] = g
		}
	}
	for i, idx := range plans {
		local := make([]int32, len(ids))
		for g := range local {
			local[g] = -1
		}
		for id, g := range of[i] {
			local[g] = int32(id)
		}
		idx.shared.Store(&sharedWords{ids: ids, local: local})
	}
}

// posting is what a document holding a word holds of it: whether its
// title or extra holds the word, and the stretch of the index's in that
// lists the sentences of its text holding the word, from off, n long. The
// document's place among the plan's documents (ord-1) is kept apart, in
// postingLists.postDoc: a search reads the places of many postings to find
// those of a few documents.
type posting struct {
	title  bool
	off, n uint32
}

// fieldPosting is a document one field of which holds a word: its place
// among the plan's documents (ord-1), and how many times the field holds
// it, the frequency of bleve's posting.
type fieldPosting struct {
	doc  int32
	freq uint16
}

// fieldPostings are the documents one field of which holds a word, by
// the word's number: those of word id from at[id] to at[id+1].
type fieldPostings struct {
	at   []int32
	list []fieldPosting
}

// of is the postings of the word numbered id.
func (f *fieldPostings) of(id int32) []fieldPosting { return f.list[f.at[id]:f.at[id+1]] }

// df is the number of documents whose field holds the word numbered id.
func (idx *Index) df(id int32, field int) int {
	return int(idx.fields[field].at[id+1] - idx.fields[field].at[id])
}

// holdsNumber reports whether the document's text holds a digit, as its
// sentences tell when they are read.
func (d *doc) holdsNumber() bool {
	if len(d.digits) == len(d.sentText) && len(d.sentText) > 0 {
		return slices.Contains(d.digits, true)
	}
	return strings.ContainsFunc(d.text, unicode.IsDigit)
}

// textTokens are the words of the document's text, with their offsets,
// read from its spans: wanted for the few documents a search shows.
func (d *doc) textTokens() []segment.Token {
	toks, _ := d.spans.tokens(d.text)
	return toks
}

// freq is the number of the plan's documents that hold the word w.
func (idx *Index) freq(w string) int {
	id, ok := idx.wordID(w)
	if !ok {
		return 0
	}
	return int(idx.postAt[id+1] - idx.postAt[id])
}

// posted finds the posting of the word numbered id in the document at
// place (ord-1): its place in post, false when the document does not hold
// the word. A word's postings go in the plan's order.
func (idx *Index) posted(id, place int32) (int32, bool) {
	lo := idx.postAt[id]
	k, ok := slices.BinarySearch(idx.postDoc[lo:idx.postAt[id+1]], place)
	return lo + int32(k), ok
}

// has reports whether the document holds the word.
func (idx *Index) has(d *doc, w string) bool {
	if d.ord == 0 { // a list made for a question holds no words
		return false
	}
	id, ok := idx.wordID(w)
	if !ok {
		return false
	}
	_, ok = idx.posted(id, int32(d.ord-1))
	return ok
}

// Index searches one plan. It is safe for concurrent use.
type Index struct {
	name    string
	plan    *corpus.Plan
	seg     *segment.Segmenter
	words   []string        // the words the plan adds to the dictionary
	spans   []snapTokens    // the words of each document, in order, kept small, for a snapshot
	targets []corpus.Target // the plan's figures (corpus.Plan.Targets), extracted once
	bleve   bleve.Index
	docs    map[string]*doc
	// The documents of each word of the lexicon, by its number: a search
	// reads the candidates of its words there, a word at a time, and BM25
	// its fields' (fields).
	postingLists
	byChar    map[string][]string // two-character words by character
	byFirst   map[rune][]string   // words of three to five characters by their first
	chars     sync.Once           // fills byChar and byFirst, on the first question that needs them
	titleW    map[string]bool     // the words of the plan's title
	places    []string            // the words that name the plan's places (corpus.Plan.PlaceNames)
	heads     headingList         // the plan's headings, keyed (see headings)
	headsOnce sync.Once
	n         int
	idfs      []float64 // the idf of a word by the number of documents holding it (idf)
	qu        *understander
	decision  Decision

	// shared, when the plan is one of a library's, looks its words up
	// (see sharedWords); it may be set while the plan is searched.
	shared atomic.Pointer[sharedWords]

	bm bm25Figures // read from bleve's index once it is built
	// closeMu and closed do for bm25, which scores from the index's own
	// postings, what bleve does for its search: Close waits for the
	// searches in hand, and a search after it fails.
	closeMu sync.RWMutex
	closed  bool
}

// Field names and boosts: a word in a heading, an indicator's name or a
// term weighs more than one in body text.
const (
	fieldTitle = "title"
	fieldText  = "text"
	fieldExtra = "extra"
	boostTitle = 3.0
	boostExtra = 1.5
	boostText  = 1.0
	candidates = 50
)

// planWordMin is how often a string the dictionary does not know must
// recur in a plan to be taken for one of its words; gendictWordMin is the
// rule by which the dictionary took the embedded plan's words.
const (
	planWordMin    = 3
	gendictWordMin = 4
)

// New indexes a plan.
func New(plan *corpus.Plan) (*Index, error) { return new(Builder).New(plan) }

// New indexes a plan.
func (bl *Builder) New(plan *corpus.Plan) (*Index, error) {
	seg, err := segment.Default()
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	// Another plan of the family brings words the dictionary, pruned for
	// the embedded plan, cuts apart (托育, 退税): they are added for it. The
	// dictionary holds the embedded plan's words that recur four times or
	// more (gendict), so a plan with none it lacks is the one it was made
	// for, and keeps it as it is.
	texts := plan.Texts()
	var words []string
	if len(seg.NewWords(texts, gendictWordMin)) > 0 {
		words = seg.NewWords(texts, planWordMin)
	}
	if seg, err = bl.segmenter(words); err != nil {
		return nil, err
	}
	targets := plan.Targets()
	docs := documents(plan, targets)
	// Each document is segmented once: its words serve bleve and the
	// re-ranker alike. Two goroutines share the work.
	toks := make([]docTokens, len(docs))
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(docs); i += 2 {
				toks[i] = cut(seg, docs[i])
			}
		}()
	}
	wg.Wait()
	sp := make([]snapTokens, len(docs))
	for i, d := range docs {
		t := toks[i]
		sp[i] = snapTokens{Title: toSpans(d.title, t.Title), Extra: toSpans(d.extra, t.Extra), Text: toSpans(d.text, t.Text)}
	}
	lex := newLexicon(sp)
	for i, d := range docs {
		if err := assemble(d, toks[i], sp[i].Text, lex); err != nil {
			return nil, err
		}
	}
	return build(plan, seg, words, targets, docs, toks, sp, nil, nil, postingsOf(docs, lex))
}

// build makes the index of a plan from its documents, described, and the
// postings of their words, over b, bleve's index of them, or one built in
// memory when b is nil.
func build(plan *corpus.Plan, seg *segment.Segmenter, words []string, targets []corpus.Target, docs []*doc, toks []docTokens, sp []snapTokens, b bleve.Index, nums []uint64, ps postingLists) (*Index, error) {
	decision, err := ParseDecision(decisionData)
	if err != nil {
		return nil, err
	}
	idx := &Index{name: plan.ShortName(), plan: plan, seg: seg, words: words, targets: targets, spans: sp, docs: make(map[string]*doc, len(docs)), postingLists: ps, decision: decision}
	if b == nil {
		if b, err = bleveIndex("", docs, toks); err != nil {
			return nil, err
		}
	}
	idx.bleve = b
	for i, d := range docs {
		d.ord = i + 1
		idx.docs[d.id] = d
	}
	idx.n = len(idx.docs)
	idx.idfs = make([]float64, idx.n+1)
	for df := range idx.idfs {
		idx.idfs[df] = math.Log(1 + (float64(idx.n)-float64(df)+0.5)/(float64(df)+0.5))
	}
	if err := idx.readFigures(nums); err != nil {
		b.Close()
		return nil, fmt.Errorf("index: %w", err)
	}
	idx.qu = newUnderstander(seg.Cached(), newHomophones(plan.Texts, seg.Contains), func(w string) bool { return idx.freq(w) > 0 })
	idx.titleW = idx.titleWords(plan.Title)
	idx.places = plan.PlaceNames()
	idx.qu.charWords = idx.charWords
	idx.qu.similar = idx.similar
	idx.qu.noun = func(w string) bool {
		pos := seg.Pos(w)
		return pos == "" || !strings.ContainsAny(pos[:1], "vadpcurmq")
	}
	return idx, nil
}

// postingLists are the documents of each word of a plan, as search reads
// them: its lexicon; by word, the documents that hold it (post, from
// postAt[id] to postAt[id+1]) with the sentences of each that hold it (a
// stretch of in); and by field, the documents that field of which holds
// it, with how many times (fields).
type postingLists struct {
	lex     *lexicon
	post    []posting
	postDoc []int32 // the document of each posting: its place (ord-1)
	postAt  []int32
	in      []int32 // the sentences of the postings (posting.off, posting.n)
	// fields holds by field (titleField, textField, extraField) the
	// documents whose field holds each word, as bleve's postings of its
	// term in the field.
	fields [3]fieldPostings
}

// postingsOf turns the words of the documents, assembled with lex, around
// into the documents of each word, and drops them.
func postingsOf(docs []*doc, lex *lexicon) postingLists {
	ps := postingLists{lex: lex}
	df := make([]int, len(lex.words))
	for _, d := range docs {
		for _, r := range d.words {
			df[r.id]++
		}
	}
	ps.postAt = make([]int32, len(lex.words)+1)
	for id, n := range df {
		ps.postAt[id+1] = ps.postAt[id] + int32(n)
	}
	ps.post = make([]posting, ps.postAt[len(lex.words)])
	ps.postDoc = make([]int32, len(ps.post))
	for f := range ps.fields {
		fp := &ps.fields[f]
		fp.at = make([]int32, len(lex.words)+1)
		for _, d := range docs {
			for _, r := range d.words {
				if r.freq[f] > 0 {
					fp.at[r.id+1]++
				}
			}
		}
		for id := range lex.words {
			fp.at[id+1] += fp.at[id]
		}
		fp.list = make([]fieldPosting, fp.at[len(lex.words)])
	}
	at := slices.Clone(ps.postAt[:len(lex.words)])
	var fieldAt [3][]int32
	for f := range ps.fields {
		fieldAt[f] = slices.Clone(ps.fields[f].at[:len(lex.words)])
	}
	n := 0
	for i, d := range docs {
		for _, r := range d.words {
			ps.post[at[r.id]] = posting{title: r.freq.inTitle(), off: r.off, n: r.n}
			ps.postDoc[at[r.id]] = int32(i)
			at[r.id]++
			for f, n := range r.freq {
				if n > 0 {
					ps.fields[f].list[fieldAt[f][r.id]] = fieldPosting{doc: int32(i), freq: n}
					fieldAt[f][r.id]++
				}
			}
		}
		d.words = nil
		n += len(d.in)
	}
	// The sentences of the postings of a word follow one another, as the
	// postings do: a search reads them in one stretch.
	ps.in = make([]int32, 0, n)
	for k := range ps.post {
		p := &ps.post[k]
		d := docs[ps.postDoc[k]]
		off := uint32(len(ps.in))
		ps.in = append(ps.in, d.in[p.off:p.off+p.n]...)
		p.off = off
	}
	for _, d := range docs {
		d.in = nil
	}
	// The scratch of assembling is not needed any more.
	lex.seen, lex.slot = nil, nil
	return ps
}

// SetDecision replaces the decision to answer; call it before searching.
// The zero Decision answers every question that finds anything, which is
// how planbot calibrate sees every candidate.
func (idx *Index) SetDecision(d Decision) { idx.decision = d }

// charWords lists the two-character words of the plan that hold the
// character c, most used first.
func (idx *Index) charWords(c string) []string {
	idx.chars.Do(idx.indexChars)
	return idx.byChar[c]
}

// similar lists the plan's words that share all but one of the
// characters of a word of three or four that the plan lacks, in order and
// at most one longer or shorter (污水管子 → 污水管网): how people name a
// thing the plan names, most used first.
func (idx *Index) similar(w string) []string {
	rs := []rune(w)
	if len(rs) < 3 || len(rs) > 4 || idx.freq(w) > 0 {
		return nil
	}
	idx.chars.Do(idx.indexChars)
	seen := map[string]bool{}
	var out []string
	for _, r := range rs[:2] {
		for _, p := range idx.byFirst[r] {
			prs := []rune(p)
			if seen[p] || len(prs) < len(rs)-1 || len(prs) > len(rs)+1 {
				continue
			}
			seen[p] = true
			if lcs(rs, prs) >= len(rs)-1 {
				out = append(out, p)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return idx.freq(out[i]) > idx.freq(out[j]) })
	return out[:min(len(out), 3)]
}

// lcs is the length of the longest common subsequence of a and b.
func lcs(a, b []rune) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			default:
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// indexChars fills byChar and byFirst from the plan's words.
func (idx *Index) indexChars() {
	idx.byChar = map[string][]string{}
	idx.byFirst = map[rune][]string{}
	for _, w := range idx.lex.words {
		n := utf8.RuneCountInString(w)
		if n >= 3 && n <= 5 && allHan([]rune(w)) {
			r, _ := utf8.DecodeRuneInString(w)
			idx.byFirst[r] = append(idx.byFirst[r], w)
		}
		if n != 2 {
			continue
		}
		for _, r := range w {
			idx.byChar[string(r)] = append(idx.byChar[string(r)], w)
		}
	}
	for _, words := range idx.byFirst {
		sort.Strings(words)
	}
	for _, words := range idx.byChar {
		sort.Slice(words, func(i, j int) bool {
			if idx.freq(words[i]) != idx.freq(words[j]) {
				return idx.freq(words[i]) > idx.freq(words[j])
			}
			return words[i] < words[j]
		})
	}
}

// docTokens are the words of a document's title, extra and text, cut
// and lower-cased, with their offsets.
type docTokens struct {
	Title, Extra, Text []segment.Token
}

// cut segments a document's fields.
func cut(seg *segment.Segmenter, d *doc) docTokens {
	field := func(value string) []segment.Token {
		toks := seg.CutSearch(value)
		for i := range toks {
			toks[i].Text = strings.ToLower(toks[i].Text)
		}
		return toks
	}
	return docTokens{Title: field(d.title), Extra: field(d.extra), Text: field(d.text)}
}

// bleveIndex makes bleve's index of the documents at path, or in memory
// when path is "".
func bleveIndex(path string, docs []*doc, toks []docTokens) (bleve.Index, error) {
	b, err := bleve.NewUsing(path, newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	batch := b.NewBatch()
	for i, d := range docs {
		bd := bleveDoc(d, toks[i])
		if err := batch.IndexAdvanced(bd); err != nil {
			b.Close()
			return nil, fmt.Errorf("index: %s: %w", bd.ID(), err)
		}
	}
	if err := b.Batch(batch); err != nil {
		b.Close()
		return nil, fmt.Errorf("index: %w", err)
	}
	return b, nil
}

// bleveDoc makes the bleve document of a document's fields, from its
// tokens.
func bleveDoc(d *doc, t docTokens) *document.Document {
	bd := document.NewDocument(d.id)
	field := func(name, value string, toks []segment.Token) {
		bd.AddField(document.NewTextFieldCustom(name, nil, []byte(value), bindex.IndexField, analyzed(segment.Stream(toks))))
	}
	field(fieldTitle, d.title, t.Title)
	field(fieldExtra, d.extra, t.Extra)
	field(fieldText, d.text, t.Text)
	return bd
}

// assemble fills in a document's words, those of its title and of each
// sentence for the re-ranker, from its tokens.
func assemble(d *doc, t docTokens, text spans, lex *lexicon) error {
	if err := describe(d, [3]int{titleField: len(t.Title), textField: len(t.Text), extraField: len(t.Extra)}, text); err != nil {
		return err
	}
	lex.stamp++
	stamp := lex.stamp
	d.words = make([]wordRun, 0, (len(t.Title)+len(t.Extra)+len(t.Text))*5/8)
	add := func(w string) int32 {
		id := lex.id(w)
		if lex.seen[id] != stamp {
			lex.seen[id], lex.slot[id] = stamp, int32(len(d.words))
			d.words = append(d.words, wordRun{id: id})
		}
		return lex.slot[id]
	}
	for f, field := range [...][]segment.Token{titleField: t.Title, extraField: t.Extra} {
		for _, tok := range field {
			d.words[add(tok.Text)].freq[f]++
		}
	}
	// Each word of text and each sentence it stands in, once, by word:
	// the sentences of a word are a run of d.in. A first pass counts the
	// sentences of each word (in n); a second lays them out, in order.
	work := make([]int32, 2*len(t.Text))
	slots := work[:len(t.Text)] // the word of each token; -1 when its sentence is counted
	sents := work[len(t.Text):]
	last := make([]int32, 0, len(t.Text)) // by slot, the last sentence counted
	sent, end := 0, 0
	if len(d.sentText) > 0 {
		end = len(d.sentText[0])
	}
	for i, tok := range t.Text {
		for tok.Start >= end && sent+1 < len(d.sentText) {
			sent++
			end += len(d.sentText[sent])
		}
		k := add(tok.Text)
		d.words[k].freq[textField]++
		for len(last) < len(d.words) {
			last = append(last, -1)
		}
		slots[i], sents[i] = k, int32(sent)
		if last[k] == int32(sent) {
			slots[i] = -1
			continue
		}
		last[k] = int32(sent)
		d.words[k].n++
	}
	at, total := make([]uint32, len(d.words)), uint32(0)
	for k := range d.words {
		at[k] = total
		d.words[k].off = total
		total += d.words[k].n
	}
	d.in = make([]int32, total)
	for i, k := range slots {
		if k >= 0 {
			d.in[at[k]] = sents[i]
			at[k]++
		}
	}
	return nil
}

// describe fills in what the re-ranker reads of a document besides its
// words: the norms of its fields, of lens words each (by field), the
// periods it names, the runes of its names, its sentences and which hold
// a number; text is the words of its text, kept small.
func describe(d *doc, lens [3]int, text spans) error {
	d.spans = text
	for f, n := range lens {
		if n > math.MaxUint16 {
			return fmt.Errorf("index: document %s: %d words in its %s, more than it can count", d.id, n, fieldNames[f])
		}
		if n > 0 {
			d.norm[f] = float64(float32(1 / math.Sqrt(float64(n))))
		}
	}
	d.periods = periodsIn(d.text) | periodsIn(d.extra)
	d.runes = runeSet(strings.ToLower(d.title))
	if d.kind == KindTerm {
		for n := range strings.FieldsSeq(d.extra) {
			d.runes &= runeSet(strings.ToLower(n))
		}
	}
	d.sentText = sentences(d.text)
	for _, st := range d.sentText {
		d.digits = append(d.digits, hasDigit(st))
	}
	return nil
}

// analyzed is an analyzer that hands bleve a field's tokens, already cut:
// the field need not be segmented twice.
type analyzed analysis.TokenStream

func (a analyzed) Analyze([]byte) analysis.TokenStream { return analysis.TokenStream(a) }

// Close releases the index. It waits for the searches in hand; a search
// after it fails, and a second Close does nothing.
func (idx *Index) Close() error {
	idx.closeMu.Lock()
	defer idx.closeMu.Unlock()
	if idx.closed {
		return nil
	}
	idx.closed = true
	return idx.bleve.Close()
}

// Name is the plan's short name: the one given to SetName, else the one
// its title gives (东河区“十四五”).
func (idx *Index) Name() string { return idx.name }

// SetName names the plan; call it before searching.
func (idx *Index) SetName(name string) { idx.name = name }

// Plan returns the plan the index searches.
func (idx *Index) Plan() *corpus.Plan { return idx.plan }

func newMapping() mapping.IndexMapping {
	// Only what scoring needs: no stored fields, term vectors, doc values
	// or _all field; the index keeps the documents itself.
	text := bleve.NewTextFieldMapping()
	text.Analyzer = segment.AnalyzerName
	text.Store = false
	text.IncludeTermVectors = false
	text.IncludeInAll = false
	text.DocValues = false
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldTitle, text)
	dm.AddFieldMappingsAt(fieldText, text)
	dm.AddFieldMappingsAt(fieldExtra, text)
	im := bleve.NewIndexMapping()
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	im.DefaultMapping = dm
	im.DefaultAnalyzer = segment.AnalyzerName
	im.ScoringModel = "bm25"
	return im
}

// documents lists every answer of a plan.
func documents(plan *corpus.Plan, targets []corpus.Target) []*doc {
	var out []*doc
	// The section's title and sub-heading find a paragraph and its figures
	// too: the achievements of 十三五 are under “十三五”发展成就.
	context := map[string]string{}
	for _, p := range plan.Passages {
		extra := p.Subsection
		if c, ok := plan.Chapter(p.Chapter); ok && p.Section > 0 && p.Section <= len(c.Sections) {
			extra = c.Sections[p.Section-1].Title + " " + extra
		}
		context[p.ID] = extra
		extra += " " + digitYears(p.Text)
		out = append(out, &doc{id: p.ID, kind: KindPassage, title: p.Heading, text: p.Text, location: p.Location, extra: extra})
	}
	rows := map[int]int{}
	for _, ind := range plan.Indicators {
		rows[ind.Number]++
		id := "i" + strconv.Itoa(ind.Number)
		if rows[ind.Number] > 1 {
			id += "." + strconv.Itoa(rows[ind.Number])
		}
		title := ind.Name
		if ind.Sub != "" {
			title += " " + ind.Sub
		}
		out = append(out, &doc{
			id:       id,
			kind:     KindIndicator,
			title:    title,
			text:     indicatorText(ind),
			extra:    ind.Category + " " + indicatorTable(plan, ind),
			location: indicatorLocation(plan, ind),
		})
	}
	for i, t := range plan.Terms {
		out = append(out, &doc{
			id:       "t" + strconv.Itoa(i+1),
			kind:     KindTerm,
			title:    t.Term,
			text:     t.Definition,
			extra:    strings.Join(t.Aliases, " "),
			location: "名词解释",
		})
	}
	// The figures of the prose, each with its sentence: 原铝产能2025年多少
	// is answered by the target itself. The table's and the boxes' figures
	// are already there as indicators and projects.
	seen := map[string]bool{}
	for _, t := range targets {
		if t.Source != corpus.SourcePassage || seen[t.Text] {
			continue
		}
		seen[t.Text] = true
		out = append(out, &doc{
			id:       "g" + t.ID,
			kind:     KindTarget,
			title:    t.Metric,
			text:     t.Text,
			extra:    strings.TrimSpace(t.Comparator + " " + t.Value + t.Unit + " " + t.Year + " " + context[t.PassageID]),
			location: t.Location,
		})
	}
	for _, b := range plan.Boxes {
		for i, item := range b.Items {
			title, _, _ := strings.Cut(item, "。")
			out = append(out, &doc{
				id:       fmt.Sprintf("b%d.%d", b.Number, i+1),
				kind:     KindProject,
				title:    title,
				text:     item,
				extra:    fmt.Sprintf("专栏%d %s", b.Number, b.Title),
				location: fmt.Sprintf("专栏%d %s · %s", b.Number, b.Title, b.Location),
			})
		}
	}
	return out
}

// indicatorTable is what the indicator table is: the words that find its
// rows as a whole (“十四五”时期经济社会主要指标 目标 2025年).
func indicatorTable(plan *corpus.Plan, ind corpus.Indicator) string {
	words := "主要指标"
	if t := plan.IndicatorTable; t != nil {
		words = t.Title
	}
	words += " 目标"
	if ind.TargetYear > 0 {
		words += " " + strconv.Itoa(ind.TargetYear) + "年"
	}
	return words
}

// indicatorLocation says where a row stands: 第一章 第三节 · 专栏1
// “十四五”时期经济社会主要指标 · 第18项.
func indicatorLocation(plan *corpus.Plan, ind corpus.Indicator) string {
	if ind.Location != "" {
		return ind.Location
	}
	return fmt.Sprintf("%s · 第%d项", tableLocation(plan), ind.Number)
}

// tableLocation says where the indicator table stands: 第一章 第三节 ·
// 专栏1 “十四五”时期经济社会主要指标.
func tableLocation(plan *corpus.Plan) string {
	t := plan.IndicatorTable
	if t == nil {
		return "主要指标"
	}
	where, _, _ := strings.Cut(t.Location, " · ")
	return fmt.Sprintf("%s · %s %s", where, t.Label, t.Title)
}

// digitYears writes the years a text gives in Chinese numerals
// (二〇三五年) in digits (2035年), so that a question in digits finds them:
// each 年 after four numerals.
func digitYears(text string) string {
	var out []string
	for at := 0; ; {
		i := strings.Index(text[at:], "年")
		if i < 0 {
			break
		}
		end := at + i
		at = end + len("年")
		var y [4]byte
		start := end
		for k := 3; k >= 0; k-- {
			r, size := utf8.DecodeLastRuneInString(text[:start])
			n := strings.IndexRune("〇一二三四五六七八九", r)
			if n < 0 || size != len("〇") {
				start = -1
				break
			}
			y[k] = byte('0' + n/len("〇"))
			start -= size
		}
		if start >= 0 {
			out = append(out, string(y[:])+"年")
		}
	}
	return strings.Join(out, " ")
}

// indicatorText describes an indicator in a line: its values and what the
// five-year column means.
func indicatorText(ind corpus.Indicator) string {
	unit := ind.Unit
	val := func(v string) string {
		if v == "—" || v == "" || unit == "%" && strings.ContainsAny(v, "达左右") {
			return v
		}
		if strings.ContainsFunc(v, unicode.IsDigit) && !strings.Contains(v, "要求") {
			return v + unit
		}
		return v
	}
	five := val(ind.FiveYear)
	switch {
	case ind.Cumulative:
		five = "五年累计 " + strings.Trim(ind.FiveYear, "[]") + unit + "（表中" + ind.FiveYear + "）"
	case ind.FiveYear != "—":
		five = "年均 " + five
	}
	expected, fiveCol := false, false
	for _, c := range ind.Columns {
		expected = expected || strings.Contains(c.Header, "预计")
		fiveCol = fiveCol || strings.Contains(c.Header, "年均") || strings.Contains(c.Header, "累计")
	}
	var sb strings.Builder
	// The row as the table prints it, cell by cell, then what it says.
	var cells []string
	for _, c := range ind.Columns {
		if v := strings.TrimSpace(c.Value); v != "" && v != ind.Category {
			cells = append(cells, v)
		}
	}
	if len(cells) > 0 {
		sb.WriteString(strings.Join(cells, " ") + "。")
	}
	fmt.Fprintf(&sb, "第%d项指标", ind.Number)
	if ind.Category != "" {
		fmt.Fprintf(&sb, "，%s类", ind.Category)
	}
	sb.WriteString("。")
	if ind.BaseYear > 0 {
		fmt.Fprintf(&sb, "%d年：%s；", ind.BaseYear, val(ind.Base))
	}
	if ind.TargetYear > 0 {
		word := "目标"
		if expected {
			word = "预计"
		}
		fmt.Fprintf(&sb, "%d年%s：%s；", ind.TargetYear, word, val(ind.Target))
	}
	if fiveCol || ind.FiveYear != "" {
		fmt.Fprintf(&sb, "年均/累计：%s；", five)
	}
	fmt.Fprintf(&sb, "属性：%s。", ind.Attribute)
	return sb.String()
}

// Search answers a question with at most limit results, best first.
func (idx *Index) Search(question string, limit int) Answer {
	ans, _ := idx.SearchContext(context.Background(), question, limit)
	return ans
}

// SearchContext is Search with a context that can cancel it.
func (idx *Index) SearchContext(ctx context.Context, question string, limit int) (Answer, error) {
	ans, _, err := idx.Features(ctx, question, limit)
	return ans, err
}

// Features is SearchContext that also returns the features the decision
// to answer read (by FeatureNames); nil when there was nothing to decide,
// the question having no word the plan could answer.
func (idx *Index) Features(ctx context.Context, question string, limit int) (Answer, []float64, error) {
	ans, x, s, err := idx.search(ctx, question, limit)
	s.excerpts(ans.Results)
	return ans, x, err
}

// searched is what a search found its results in: the question as
// understood and the documents of the results. The excerpts of
// results wait for it until they are known to be shown (a library shows a
// few of the results of every plan).
type searched struct {
	idx  *Index
	q    query
	docs []*doc // of the results
}

// excerpts fills in the excerpts of the results that s found.
func (s searched) excerpts(results []Result) {
	for i := range results {
		s.excerptOf(&results[i])
	}
}

// excerptOf fills in the excerpt of r, if s found it.
func (s searched) excerptOf(r *Result) {
	if s.idx == nil || r.Plan != s.idx.name {
		return
	}
	for _, d := range s.docs {
		if d.id == r.ID && d.items == nil {
			r.Excerpt, r.Highlights = s.idx.excerpt(d.text, d.textTokens(), s.q)
			return
		}
	}
}

// search is Features without the results' excerpts.
func (idx *Index) search(ctx context.Context, question string, limit int) (Answer, []float64, searched, error) {
	return idx.searchRead(ctx, idx.qu.read(question), limit)
}

// searchRead is search of a question already read (understander.read),
// which plans share.
func (idx *Index) searchRead(ctx context.Context, read query, limit int) (Answer, []float64, searched, error) {
	ans := Answer{Query: read.Raw, Missing: []string{}, Results: []Result{}}
	if limit <= 0 {
		limit = 5
	}
	q := idx.qu.words(read)
	s := searched{idx: idx, q: q}
	ans.Missing = idx.missing(q)
	if len(q.Corrected) > 0 {
		ans.Corrected = q.Corrected
	}
	var hits []hit
	// A question naming an indicator by its number gets it first.
	named, ok := idx.docs["i"+strconv.Itoa(q.Indicator)]
	if ok && q.Indicator > 0 {
		hits = append(hits, hit{d: named, score: 1, rel: 1, sent: 1, cov: 1, title: 1, topic: 1, bm: 1, named: true})
	} else if d, ok := idx.outline(q); ok {
		// A question about a part, chapter or section gets what it holds.
		hits = append(hits, hit{d: d, score: 1, rel: 1, sent: 1, cov: 1, title: 1, topic: 1, bm: 1, named: true})
	} else if d, ok := idx.list(q); ok {
		// A question asking for a list gets the whole list first.
		hits = append(hits, hit{d: d, score: 1, rel: 1, sent: 1, cov: 1, title: 1, topic: 1, bm: 1, named: true})
	}
	var x []float64
	if len(q.Terms) > 0 {
		b, _ := scratches.Get().(*scratch)
		if b == nil {
			b = new(scratch)
		}
		defer scratches.Put(b) // hits go no further than this search
		// The hits shown, and the second that features reads; one more
		// when the first is named, as found may hold it.
		need := max(limit, 2)
		if len(hits) > 0 {
			need++
		}
		found, err := idx.retrieveIn(ctx, q, b, need)
		if err != nil {
			return ans, nil, s, err
		}
		if len(hits) == 0 {
			hits = found
		} else {
			for _, h := range found {
				if hits[0].d != h.d {
					hits = append(hits, h)
				}
			}
		}
	}
	if len(hits) == 0 {
		return ans, nil, s, nil
	}
	x = idx.features(q, hits)
	shown := dedupe(hits, limit)
	ans.Results = make([]Result, 0, len(shown))
	for _, h := range shown {
		ans.Results = append(ans.Results, idx.result(h.d, h.score))
		s.docs = append(s.docs, h.d)
	}
	return idx.decision.Apply(ans, x), x, s, nil
}

// maxOffered is how many results an offer shows: the closest things the
// plan has, not a search page.
const maxOffered = 3

type hit struct {
	d     *doc
	score float64
	// The shares of the question that the answer holds: rel nets out the
	// words the plan never uses (see retrieve); sent is its best
	// sentence's, cov the whole answer's, title its title's, topic that of
	// the question's nouns; bm is its BM25 score against the best.
	rel, sent, cov, title, topic, bm float64
	quantity                         bool // its best sentence has a figure in the unit asked
	best                             int  // its best sentence, by its place in the text
	named                            bool // the question names it: an indicator's number, a list
}

// A clause is one word of a question asked in one field of the documents,
// with its weight: the clauses of a question make the disjunction BM25
// scores (see bm25).
type clause struct {
	id    int32 // the word's number in the plan's lexicon
	field int   // titleField, textField or extraField
	boost float64
}

// clauses are the clauses of a question: each of its words the plan uses,
// in each field, weighed by the field and the word; none when the plan
// uses none. They are made in b's memory.
func (idx *Index) clauses(q query, b *scratch) []clause {
	ids := idx.termIDs(q, b)
	out := b.clauses[:0]
	for i, t := range q.Terms {
		id := ids[i]
		if id < 0 {
			continue
		}
		// A field no document holds the word in matches nothing: its
		// clause would only scale every score alike (by how many clauses
		// match of all).
		if idx.df(id, titleField) > 0 {
			out = append(out, clause{id, titleField, boostTitle * t.Weight})
		}
		out = append(out, clause{id, textField, boostText * t.Weight})
		if idx.df(id, extraField) > 0 {
			out = append(out, clause{id, extraField, boostExtra * t.Weight})
		}
	}
	b.clauses = out
	return out
}

// scratch holds the slices a search fills and drops, kept from one search
// to the next.
type scratch struct {
	found []scored
	hits  []hit
	cand  []int32 // by document, its place among the candidates plus one, else 0
	posts []int32 // by candidate and word, its posting (see retrieveIn)
	// What retrieveIn keeps of one candidate, or of one question.
	sc, topicSc    scorer
	weights        []float64 // of the terms
	inDoc, inTitle []uint64
	held           []uint64
	rowOf          []int32
	keys           []hitKey
	sorted         []hit
	in             [][]int32
	uniq           []int32
	ids            []int32 // of the terms (termIDs)
	of, phrased    []int
	asks           []Kind
	// The clauses of the question (clauses), and what bm25 adds up of
	// them, by a document's place.
	clauses []clause
	idf     []float64
	order   []int
	sum     []float64
	matched []int32
	touched []int32
	// The candidates by the most they may score, and the hits that may
	// show, best first (see mayShow).
	bounds []bound
	shown  []int32
}

// bound is the most a candidate (by its place in found) may score:
// unsure while whether the question holds its name is not read (see
// retrieveIn), term when it is a term that loses for not being named.
type bound struct {
	c            int32
	most         float64
	unsure, term bool
}

// scratches are the memory of retrieve (*scratch), for the searches of
// every plan: a processor's searches of one plan after another take the
// scratch it last put back, in its cache, rather than each plan's own,
// last used on another processor, whose cache it must be fetched from.
var scratches sync.Pool

// hitKey is what hits are sorted by, and the place of the hit.
type hitKey struct {
	score  float64
	ord, i int32
}

// grown returns (*s)[:n], grown when it must be; what it holds is left
// to the caller to set.
func grown[E any](s *[]E, n int) []E {
	*s = slices.Grow((*s)[:0], n)[:n]
	return *s
}

// termIDs are the numbers of the question's words in the plan's lexicon,
// by term, -1 for a word the plan never uses, in b's memory.
func (idx *Index) termIDs(q query, b *scratch) []int32 {
	ids := grown(&b.ids, len(q.Terms))
	for i, t := range q.Terms {
		ids[i] = -1
		if id, ok := idx.wordID(t.Text); ok && idx.postAt[id+1] > idx.postAt[id] {
			ids[i] = id
		}
	}
	return ids
}

// uniqOf is the place in uniq of the word w, -1 when it is not there.
func (idx *Index) uniqOf(uniq []int32, w string) int {
	id, ok := idx.wordID(w)
	if !ok {
		return -1
	}
	return slices.Index(uniq, id)
}

// retrieve finds the query's candidates by BM25 (bm25) and re-ranks them.
func (idx *Index) retrieve(ctx context.Context, q query) ([]hit, error) {
	return idx.retrieveIn(ctx, q, new(scratch), 0)
}

// retrieveIn is retrieve in b's memory. With need > 0 it returns only the
// hits that may be among the first need that dedupe keeps, or that features
// reads (the first two): those of the others are not worked out (see
// mayShow).
func (idx *Index) retrieveIn(ctx context.Context, q query, b *scratch, need int) ([]hit, error) {
	cl := idx.clauses(q, b)
	if len(cl) == 0 {
		return nil, nil
	}
	found, err := idx.bm25(ctx, cl, b)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	b.found = found
	// The weight of each term, once.
	weights := grown(&b.weights, len(q.Terms))
	for i, t := range q.Terms {
		weights[i] = idx.idf(t.Text) * t.Weight * charFactor(t)
	}
	sc, topicSc := &b.sc, &b.topicSc
	sc.reset(q.Terms, func(i int) float64 { return weights[i] })
	total := sc.cover(func(string) bool { return true })
	topicSc.reset(q.Terms, func(i int) float64 {
		if t := q.Terms[i]; !idx.qu.noun(t.Text) || isNumber(t.Text) {
			return 0
		}
		return weights[i]
	})
	topicTotal := topicSc.cover(func(string) bool { return true })
	absent := idx.absent(q)
	asked := periodsIn(q.Normalized)
	maxBM := 0.0
	for _, m := range found {
		maxBM = math.Max(maxBM, m.score)
	}
	hits := slices.Grow(b.hits[:0], len(found))
	defer func() { b.hits = hits }() // and b.sorted, the other buffer, below
	nt := len(q.Terms)
	// Sets of terms are bits, nw words of them: those the document holds
	// (inDoc), its title (inTitle), and by sentence holding a word the
	// terms it or the title holds (held, a set a row).
	nw := (nt + 63) / 64
	inDoc, inTitle := grown(&b.inDoc, nw), grown(&b.inTitle, nw)
	in := grown(&b.in, nt) // the sentences holding each term
	held := b.held[:0]
	defer func() { b.held = held }()
	// Each word is looked up once a document: a word may stand in the
	// question several times (on its own, in alternatives), and one the
	// plan never uses is in no document.
	uniq := b.uniq[:0]
	of := grown(&b.of, nt)     // the place in uniq of each term, -1 for none
	for i, id := range b.ids { // the terms' numbers, as clauses found them
		of[i] = -1
		if id < 0 {
			continue
		}
		if of[i] = slices.Index(uniq, id); of[i] < 0 {
			of[i] = len(uniq)
			uniq = append(uniq, id)
		}
	}
	b.uniq = uniq
	// The two words of each phrase, by their place in uniq (-1 when the
	// question does not search the word: the document is asked).
	phrased := grown(&b.phrased, 2*len(q.Phrases))
	for i, p := range q.Phrases {
		phrased[2*i], phrased[2*i+1] = idx.uniqOf(uniq, p.first), idx.uniqOf(uniq, p.second)
	}
	// The kinds of answer the question asks for (q.Intents), looked
	// through rather than up.
	asks := b.asks[:0]
	for k, ok := range q.Intents {
		if ok {
			asks = append(asks, k)
		}
	}
	b.asks = asks
	// Which candidate holds which word, read from the words' documents:
	// posts[c*len(uniq)+j] is the place in post of the c-th candidate's
	// posting of the j-th word, -1 for none.
	nu := len(uniq)
	if len(b.cand) < idx.n {
		b.cand = make([]int32, idx.n)
	}
	for c, m := range found {
		b.cand[m.place] = int32(c + 1)
	}
	b.posts = slices.Grow(b.posts[:0], len(found)*nu)[:len(found)*nu]
	for k := range b.posts {
		b.posts[k] = -1
	}
	for j, id := range uniq {
		lo, hi := idx.postAt[id], idx.postAt[id+1]
		if int(hi-lo) > 16*len(found) {
			// A word of most documents (2030, 发展): each candidate's
			// posting is looked up rather than all read.
			for c, m := range found {
				if k, ok := idx.posted(id, m.place); ok {
					b.posts[c*nu+j] = k
				}
			}
			continue
		}
		for k, doc := range idx.postDoc[lo:hi] {
			if c := b.cand[doc]; c > 0 {
				b.posts[int(c-1)*nu+j] = lo + int32(k)
			}
		}
	}
	for _, m := range found {
		b.cand[m.place] = 0
	}
	// The words each candidate holds, in the document and in its title
	// (inDoc, inTitle), read from the postings' places and title marks.
	holds := func(c int) {
		posts := b.posts[c*nu : (c+1)*nu]
		clear(inDoc)
		clear(inTitle)
		for i, j := range of {
			if j < 0 || posts[j] < 0 {
				continue
			}
			inDoc[i/64] |= 1 << (i % 64)
			if k := posts[j]; idx.bm.titled[k/64]&(1<<(k%64)) != 0 {
				inTitle[i/64] |= 1 << (i % 64)
			}
		}
	}
	// The most each candidate may score, from what it holds: its best
	// sentence holds no more than the document does, and the question's
	// words side by side where the document holds both. Candidates are
	// scored best bound first, and only while one may still show (see
	// mayShow): most questions are answered by a few of the fifty. The
	// bounds read the documents' briefs, side by side, and the postings'
	// title marks, not the documents and postings themselves.
	var boost [len(docKinds)]float64
	for k, kind := range docKinds {
		boost[k] = 1
		if slices.Contains(asks, kind) {
			boost[k] = intentBoost[kind]
		}
	}
	asksTerm := slices.Contains(asks, KindTerm)
	bounds := b.bounds[:0]
	for c, m := range found {
		br := &idx.bm.brief[m.place]
		posts := b.posts[c*nu : (c+1)*nu]
		holds(c)
		cov, titleCov := sc.coverBits(inDoc)/total, sc.coverBits(inTitle)/total
		bonus := 0.0
		if q.Quantity && br.numbers {
			bonus = 0.08
			if len(q.Units) > 0 {
				bonus = 0.25
			}
		}
		mix := 0.55*(cov+bonus) + 0.45*cov
		bm := math.Round(m.score/maxBM*1e6) / 1e6
		u := mix * mix * (1 + 0.3*titleCov) * (1 + 0.2*bm) * boost[br.kind]
		if len(q.Phrases) > 0 {
			// A word of a phrase the question does not search may be
			// anywhere.
			n := 0
			for i := range q.Phrases {
				j1, j2 := phrased[2*i], phrased[2*i+1]
				if (j1 < 0 || posts[j1] >= 0) && (j2 < 0 || posts[j2] >= 0) {
					n++
				}
			}
			u *= 1 + phraseBoost*float64(n)/float64(len(q.Phrases))
		}
		if asked != 0 && asked&br.periods == 0 && br.periods&^asked != 0 {
			u *= 0.6
		}
		// Whether the question holds the document's name whole (exact) is
		// read off the document, and for the few scored only: until then
		// a name the question may hold is taken to be held.
		term := docKinds[br.kind] == KindTerm && !asksTerm && titleCov < 0.999
		maybe := br.runes&^q.runes == 0
		switch {
		case maybe:
			u *= 1.5
		case term:
			u *= 0.6
		}
		bounds = append(bounds, bound{c: int32(c), most: u, unsure: maybe, term: term})
	}
	b.bounds = bounds
	show := mayShow{need: need, top: b.shown[:0]}
	for next := 0; next < len(bounds); next++ {
		// The best bound left, moved to next: most searches stop after a
		// few, sooner than a sort of them all would.
		for k := next + 1; k < len(bounds); k++ {
			if bounds[k].most > bounds[next].most {
				bounds[k], bounds[next] = bounds[next], bounds[k]
			}
		}
		bd := bounds[next]
		if !show.may(bd.most) {
			break
		}
		if bd.unsure {
			bounds[next].unsure = false
			if !idx.exact(found[bd.c].d, q) {
				bounds[next].most /= 1.5
				if bd.term {
					bounds[next].most *= 0.6
				}
				next-- // and the best bound left again
				continue
			}
		}
		c, m := int(bd.c), found[bd.c]
		d := m.d
		posts := b.posts[c*nu : (c+1)*nu]
		holds(c)
		// The sentences holding each word.
		for i, j := range of {
			in[i] = nil
			if j >= 0 && posts[j] >= 0 {
				p := idx.post[posts[j]]
				in[i] = idx.in[p.off : p.off+p.n]
			}
		}
		cov := sc.coverBits(inDoc)
		titleCov := sc.coverBits(inTitle)
		// The words each sentence holds, with the title's: a row of held
		// for each sentence holding a word (rowOf), the others holding
		// the title's alone.
		rowOf := grown(&b.rowOf, len(d.sentText))
		for s := range rowOf {
			rowOf[s] = -1
		}
		held = held[:0]
		for i := range in {
			for _, s := range in[i] {
				r := rowOf[s]
				if r < 0 {
					r = int32(len(held) / nw)
					rowOf[s] = r
					held = append(held, inTitle...)
				}
				held[int(r)*nw+i/64] |= 1 << (i % 64)
			}
		}
		// The best sentence: most questions ask what one sentence says.
		sent, quantity, best := 0.0, false, 0
		for i := range d.sentText {
			c := titleCov
			if r := int(rowOf[i]); r >= 0 {
				c = sc.coverBits(held[r*nw : (r+1)*nw])
			}
			if q.Quantity && d.digits[i] {
				if bonus := quantityBonus(q, d.sentText[i]); bonus > 0 {
					c += total * bonus
					quantity = true
				}
			}
			if c > sent {
				sent, best = c, i
			}
		}
		cov, titleCov, sent = cov/total, titleCov/total, sent/total
		mix := 0.55*sent + 0.45*cov
		// BM25 differs in its last digits from one build of the index to
		// the next: rounded, equal documents tie, and ties go in order.
		bm := math.Round(m.score/maxBM*1e6) / 1e6
		score := mix * mix * (1 + 0.3*titleCov) * (1 + 0.2*bm)
		if slices.Contains(asks, d.kind) {
			score *= intentBoost[d.kind]
		}
		if len(q.Phrases) > 0 {
			n := 0
			has := func(j int, w string) bool {
				if j >= 0 {
					return posts[j] >= 0
				}
				return idx.has(d, w)
			}
			for i, p := range q.Phrases {
				if has(phrased[2*i], p.first) && has(phrased[2*i+1], p.second) && (containsHan(d.text, p.both) || containsHan(d.title, p.both)) {
					n++
				}
			}
			score *= 1 + phraseBoost*float64(n)/float64(len(q.Phrases))
		}
		exact := idx.exact(d, q)
		if exact {
			score *= 1.5
		}
		// A question about one five-year period (十三五期间) is not
		// answered by what another period will or did do.
		if asked != 0 && asked&d.periods == 0 && d.periods&^asked != 0 {
			score *= 0.6
		} else if asked != 0 && d.periods&^asked != 0 {
			// … nor by the sentence of another period in a text of both
			// (到二〇三五年 in a 十四五 plan's goals).
			if sp := periodsIn(d.sentText[best]); asked&sp == 0 && sp != 0 {
				score *= 0.6
			}
		}
		// A definition answers a question about its term, not every
		// question that shares a word with it: a question all of whose
		// words its name holds (八横 of “二环五纵八横”) is about it.
		if d.kind == KindTerm && !exact && !slices.Contains(asks, KindTerm) && titleCov < 0.999 {
			score *= 0.6
		}
		// How relevant: the share of the question the document holds, and
		// the share its best sentence holds, each counting the words the
		// plan never uses. A question the plan does not answer shares
		// words with it only here and there.
		rel := (cov + sent) / 2 * total / (total + absent)
		topic := 0.0
		if topicTotal > 0 {
			topic = topicSc.coverBits(inDoc) / topicTotal
		}
		hits = append(hits, hit{d: d, score: score, rel: rel, sent: sent, cov: cov, title: titleCov, topic: topic, bm: bm, quantity: quantity, best: best})
		show.add(hits, len(hits)-1)
	}
	b.shown = show.top
	// Ties go in the plan's order: bleve's order of equal scores follows
	// the order its batch happened to index them. No two hits tie in
	// both, so an unstable sort sorts them as a stable one would. The
	// keys are sorted, small, and the hits laid out in their order.
	keys := b.keys[:0]
	for i, h := range hits {
		keys = append(keys, hitKey{score: h.score, ord: int32(h.d.ord), i: int32(i)})
	}
	slices.SortFunc(keys, func(a, b hitKey) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return cmp.Compare(a.ord, b.ord)
	})
	sorted := b.sorted[:0]
	for _, k := range keys {
		sorted = append(sorted, hits[k.i])
	}
	b.keys, b.sorted, hits = keys, hits, sorted
	if !q.Quantity {
		// A figure of the prose found about as well as its paragraph
		// gives way to it unless the question asks how many: the
		// paragraph says more of what the figure is part of.
		for i := 0; i < len(hits); i++ {
			h := hits[i]
			if h.d.kind != KindTarget {
				continue
			}
			pid, _, _ := strings.Cut(strings.TrimPrefix(h.d.id, "g"), ".")
			for j := i + 1; j < len(hits) && hits[j].score >= givesWay*h.score; j++ {
				if hits[j].d.id == pid {
					p := hits[j]
					copy(hits[i+1:j+1], hits[i:j])
					hits[i] = p
					break
				}
			}
		}
	}
	top := hits[0].score
	kept := hits[:0]
	for _, h := range hits {
		if h.score >= top*0.15 {
			kept = append(kept, h)
		}
	}
	return kept, nil
}

// scored is a document bleve found, with its BM25 score.
type scored struct {
	d     *doc
	score float64
	hit   uint64 // the order bleve finds it in: its number for it
	place int32  // d's place among the plan's documents (ord-1)
}

// bm25 returns the candidate documents of a question's clauses (in b's
// memory): the best by the BM25 score bleve's search gives a disjunction
// of the clauses' term queries, as bleve's search of the best candidates
// by score would (SearchInContext), equal scores in the order bleve would
// find them (by its numbers for them). It reads each clause's postings
// from the index's own (Index.fields, with the frequencies and norms bleve's
// carry), a clause at a time, into a sum by document, where bleve's
// searcher walks all of them at once, document by document, in a heap of a
// searcher a clause, making a match of each posting: the same figures
// without bleve's dictionaries and postings readers, the heap and the
// matches. The candidates come in no particular order.
func (idx *Index) bm25(ctx context.Context, cl []clause, b *scratch) ([]scored, error) {
	idx.closeMu.RLock()
	defer idx.closeMu.RUnlock()
	if idx.closed {
		return nil, bleve.ErrorIndexClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st := &idx.bm
	// The clauses' weights, as bleve's term searchers and its disjunction
	// searcher make them: a clause's weight is its boost times the inverse
	// document frequency of its word in its field, normed by the root of
	// the sum of their squares.
	idf := grown(&b.idf, len(cl))
	for i, c := range cl {
		n, df := st.docs, float64(idx.df(c.id, c.field))
		idf[i] = math.Log(1 + (n-df+0.5)/(df+0.5))
		if st.avg[c.field] == 0 { // bleve's fallback, TF-IDF, for a field without words
			idf[i] = 1 + math.Log(n/(df+1))
		}
	}
	// The clauses are summed in the order bleve's disjunction sums them,
	// so that the sums are the same to the last bit: up to ten clauses,
	// the fewest postings first (a stable sort), else as given (when
	// bleve's order is its heap's, the sums may differ in the last bit).
	order := grown(&b.order, len(cl))
	for i := range order {
		order[i] = i
	}
	if len(cl) <= searcher.DisjunctionHeapTakeover {
		slices.SortStableFunc(order, func(i, j int) int {
			return cmp.Compare(idx.df(cl[i].id, cl[i].field), idx.df(cl[j].id, cl[j].field))
		})
	}
	norm := 0.0
	for _, i := range order {
		norm += (cl[i].boost * idf[i]) * (cl[i].boost * idf[i])
	}
	norm = 1 / math.Sqrt(norm)
	// The sums by document (its place) are kept from one search to the
	// next, at 0: a search that ends early, canceled, still leaves them so.
	sum, matched := grown(&b.sum, idx.n), grown(&b.matched, idx.n)
	touched := b.touched[:0]
	defer func() {
		for _, at := range touched {
			sum[at], matched[at] = 0, 0
		}
		b.touched = touched
	}()
	for _, i := range order {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c := cl[i]
		weight := c.boost * idf[i] * norm
		avg, saturation := st.avg[c.field], st.saturation[c.field]
		for _, p := range idx.fields[c.field].of(c.id) {
			freq := p.freq
			var tf float64
			if freq < bscorer.MaxSqrtCache {
				tf = bscorer.SqrtCache[freq]
			} else {
				tf = math.Sqrt(float64(freq))
			}
			var s float64
			if avg > 0 {
				s = idf[i] * (tf * search.BM25_k1) / (tf + saturation[p.doc])
			} else {
				s = tf * st.byPlace[p.doc].norm[c.field] * idf[i]
			}
			if weight != 1 {
				s *= weight
			}
			if matched[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			sum[p.doc] += s
			matched[p.doc]++
		}
	}
	// The best candidates, in a heap with the worst on top.
	top := slices.Grow(b.found[:0], candidates)
	worse := func(i, j int) bool {
		a, b := top[i], top[j]
		return a.score < b.score || a.score == b.score && a.hit > b.hit
	}
	down := func() {
		for i := 0; ; {
			w := i
			for _, c := range []int{2*i + 1, 2*i + 2} {
				if c < len(top) && worse(c, w) {
					w = c
				}
			}
			if w == i {
				return
			}
			top[i], top[w] = top[w], top[i]
			i = w
		}
	}
	total := float64(len(cl))
	for _, at := range touched {
		// bleve's score of a disjunction: the sum of its clauses' times
		// the share of them that match.
		score := sum[at] * (float64(matched[at]) / total)
		if len(top) == candidates && score < top[0].score {
			continue // most documents: not looked up
		}
		c := scored{d: st.byPlace[at], score: score, hit: st.num[at], place: at}
		switch {
		case len(top) < candidates:
			top = append(top, c)
			for i := len(top) - 1; i > 0 && worse(i, (i-1)/2); i = (i - 1) / 2 {
				top[i], top[(i-1)/2] = top[(i-1)/2], top[i]
			}
		case c.score > top[0].score || c.score == top[0].score && c.hit < top[0].hit:
			top[0] = c
			down()
		}
	}
	b.found = top
	return top, nil
}

// bm25Figures are what BM25 weighs a plan's words by, besides each word's
// postings: the number of documents, and by field the average length bleve
// takes (the number of its distinct words over the documents, rounded up);
// and bleve's numbers for the documents, by their places (ord-1), in the
// order of which it finds documents of equal scores.
type bm25Figures struct {
	docs    float64
	avg     [3]float64 // by field
	byPlace []*doc
	num     []uint64 // by place
	// brief is, by place, what a search reads of each candidate before it
	// reads the document (see retrieveIn), and titled marks the postings
	// (posting.title) of a word in a title, a bit each.
	brief  []docBrief
	titled []uint64
	// saturation is, by field and by place, what BM25 adds to a term's
	// frequency below the line for the document's length:
	// k1·(1 − b + b·length/avg), made once rather than for each posting.
	saturation [3][]float64
}

// docBrief is what a search's bound of a candidate reads of its document
// (see retrieveIn): its runes for exact, the place of its kind in
// docKinds, its periods, and whether it holds a number.
type docBrief struct {
	runes   uint64
	kind    uint8
	periods uint8
	numbers bool
}

// docKinds are the kinds of the plans' documents.
var docKinds = [...]Kind{KindPassage, KindIndicator, KindTerm, KindProject, KindTarget}

// readFigures reads the BM25 figures from bleve's index, once: an index is
// built once. nums are bleve's numbers for the documents, by place, when
// they are known (Save keeps them), else read from the index.
func (idx *Index) readFigures(nums []uint64) error {
	ix, err := idx.bleve.Advanced()
	if err != nil {
		return err
	}
	r, err := ix.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	n, err := r.DocCount()
	if err != nil {
		return err
	}
	st := bm25Figures{docs: float64(n), byPlace: make([]*doc, len(idx.docs)), num: nums, brief: make([]docBrief, len(idx.docs)), titled: make([]uint64, (len(idx.post)+63)/64)}
	if len(nums) != len(idx.docs) {
		if st.num, err = numbersOf(r, idx.docs); err != nil {
			return err
		}
	}
	br, _ := r.(bindex.BM25Reader)
	for f, name := range fieldNames {
		card := 0
		if br != nil {
			if card, err = br.FieldCardinality(name); err != nil {
				return err
			}
		}
		if n > 0 {
			st.avg[f] = math.Ceil(float64(card) / float64(n))
		}
	}
	for f := range st.saturation {
		st.saturation[f] = make([]float64, len(idx.docs))
	}
	for k, p := range idx.post {
		if p.title {
			st.titled[k/64] |= 1 << (k % 64)
		}
	}
	for _, d := range idx.docs {
		st.byPlace[d.ord-1] = d
		kind := slices.Index(docKinds[:], d.kind)
		if kind < 0 {
			return fmt.Errorf("a document of kind %q", d.kind)
		}
		st.brief[d.ord-1] = docBrief{runes: d.runes, kind: uint8(kind), periods: d.periods, numbers: d.holdsNumber()}
		for f, norm := range d.norm {
			if avg := st.avg[f]; avg > 0 && norm > 0 {
				length := 1 / (norm * norm)
				st.saturation[f][d.ord-1] = float64(search.BM25_k1 * (1 - search.BM25_b + (search.BM25_b * length / avg)))
			}
		}
	}
	idx.bm = st
	return nil
}

// numbersOf reads bleve's numbers for the documents, by place, from the
// reader r of its index.
func numbersOf(r bindex.IndexReader, docs map[string]*doc) ([]uint64, error) {
	nums := make([]uint64, len(docs))
	for id, d := range docs {
		in, err := r.InternalID(id)
		if err != nil || len(in) != 8 {
			return nil, fmt.Errorf("no number for document %s (%v)", id, err)
		}
		nums[d.ord-1] = in.Value()
	}
	return nums, nil
}

// absent weighs the words of the question that the plan never uses: a noun
// among them (地铁, 房价, 区长) most likely names what the plan does not
// speak of; a verb or an adjective (涨, 脏) is only how people talk.
func (idx *Index) absent(q query) float64 {
	absent := 0.0
	for _, t := range q.Terms {
		if idx.freq(t.Text) == 0 && t.Group == 0 {
			if t.Unknown {
				absent += idx.idf(t.Text) / 2
			} else {
				absent += idx.absentWeight(t.Text) * charFactor(t)
			}
		}
	}
	return absent
}

// yearRe finds a year in an answer.
var yearRe = regexp.MustCompile(`\d{4}年|[〇一二三四五六七八九]{4}年|年底|年前|年内`)

// held counts the question's words, not numbers, that a document holds;
// the alternatives of a word count once. A word of the plan's title (its
// place, 东河区, and period) or in a fifth of the plan or more says
// nothing of a topic.
func (idx *Index) held(q query, d *doc) int {
	n := 0
	groups := map[int]bool{}
	for _, t := range q.Terms {
		if isNumber(t.Text) || !idx.has(d, t.Text) || t.Group != 0 && groups[t.Group] || idx.freq(t.Text)*5 >= idx.n || idx.titleW[t.Text] {
			continue
		}
		if t.Group != 0 {
			groups[t.Group] = true
		}
		n++
	}
	return n
}

// runeSet is the set of the runes of s, each by a bit (its code modulo
// 64): a text holding s whole holds every rune of s, and so every bit.
func runeSet(s string) uint64 {
	var set uint64
	for _, r := range s {
		set |= 1 << (uint32(r) % 64)
	}
	return set
}

// isNumber reports whether a word is made of digits (and a point).
func isNumber(w string) bool {
	return strings.Trim(w, "0123456789.") == ""
}

// periods are the names of the five-year periods.
var periods = []string{"十一五", "十二五", "十三五", "十四五", "十五五", "十六五"}

// periodsIn is the set of the five-year periods a text names, a bit for
// each of periods, by their names or by the years it names.
func periodsIn(text string) uint8 {
	// Every name ends in 五: one pass over the 五s of the text, not one a
	// name.
	var set uint8
	for off := 0; ; {
		i := strings.Index(text[off:], "五")
		if i < 0 {
			break
		}
		off += i + len("五")
		for k, p := range periods {
			if strings.HasSuffix(text[:off], p) {
				set |= 1 << k
			}
		}
	}
	return set | yearPeriods(text)
}

// yearPeriods is the set of the five-year periods of the years a text
// names (2025年, 二〇三五年): 2021 to 2025 are 十四五's. It reads the four
// digits before each 年, so that a search does not allocate for it.
func yearPeriods(text string) uint8 {
	var set uint8
	for off := 0; ; {
		i := strings.Index(text[off:], "年")
		if i < 0 {
			return set
		}
		i += off
		off = i + len("年")
		y, at := 0, i
		for n := 0; n < 4; n++ {
			r, size := utf8.DecodeLastRuneInString(text[:at])
			var d int
			if r >= '0' && r <= '9' {
				d = int(r - '0')
			} else if k := strings.IndexRune("〇一二三四五六七八九", r); k >= 0 && size > 0 {
				d = k / len("〇")
			} else {
				y = -1
				break
			}
			y += d * [4]int{1, 10, 100, 1000}[n]
			at -= size
		}
		// Not a fifth digit before: 12025年 is no year.
		if r, _ := utf8.DecodeLastRuneInString(text[:at]); r >= '0' && r <= '9' {
			continue
		}
		if p := (y - 2006) / 5; y > 2005 && p < len(periods) {
			set |= 1 << p
		}
	}
}

// features describes the best candidate answer of a question for the
// decision to answer; see FeatureNames.
func (idx *Index) features(q query, hits []hit) []float64 {
	h := hits[0]
	weight := func(t term) float64 { return idx.idf(t.Text) * t.Weight * charFactor(t) }
	total, absent, unknown := 0.0, idx.absent(q), 0.0
	for _, t := range q.Terms {
		if t.Group == 0 {
			total += weight(t)
		}
		if t.Unknown {
			unknown += weight(t)
		}
	}
	share := func(a float64) float64 {
		if total+absent == 0 {
			return 0
		}
		return a / (total + absent)
	}
	second, rel2 := 0.0, 0.0
	if len(hits) > 1 {
		second, rel2 = hits[1].score/math.Max(h.score, 1e-9), hits[1].rel/math.Max(h.rel, 1e-9)
	}
	otherIntent := false
	for _, k := range []Kind{KindTerm, KindIndicator, KindProject} {
		if q.Intents[k] && h.d.kind != k {
			otherIntent = true
		}
	}
	flag := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	x := []float64{
		h.rel, h.sent, h.cov, h.title, h.topic,
		share(absent), math.Log1p(float64(len(idx.missing(q)))), share(unknown),
		1 - second, h.bm,
		flag(q.Intents[h.d.kind]), flag(otherIntent), math.Min(float64(outsideOf(q, h.d)), 3), flag(idx.exact(h.d, q)),
		math.Log1p(float64(len(q.Terms))),
		flag(h.d.kind == KindIndicator), flag(h.d.kind == KindTerm), flag(h.d.kind == KindProject), flag(h.d.kind == KindTarget),
		flag(q.Quantity), flag(h.quantity), flag(len(q.Corrected) > 0),
		math.Min(rel2, 2), flag(h.named),
		math.Log1p(float64(idx.held(q, h.d))),
		flag(q.Quantity && !h.d.holdsNumber()),
		flag(q.Intents[kindWhen] && !yearRe.MatchString(h.d.text)),
		flag(idx.lacksAsked(q, h)),
		flag(q.Whether),
	}
	return x
}

// The intents of what a question asks an answer to hold (data/intents.txt).
const (
	kindWhen  Kind = "when"
	kindWhere Kind = "where"
	kindWho   Kind = "who"
	// kindWhether marks a question whether the plan takes something up.
	kindWhether Kind = "whether"
	// kindRank marks a question of a rank (排第几): a cue of what plans do
	// not say, unless the answer states a rank (kindRanked, its forms).
	kindRank   Kind = "rank"
	kindRanked Kind = "ranked"
)

// lacksAsked reports whether the first answer lacks what the question
// asks for: a count of what it counts, a place, a person or a firm. Such
// a question is about a detail of the answer's topic that the plan leaves
// out (几所高中, 建在哪, 是哪几位院士).
func (idx *Index) lacksAsked(q query, h hit) bool {
	// An indicator counts in its own unit, a list by its items.
	counts := h.d.kind != KindIndicator && !h.named
	if counts && len(q.Counts) > 0 && !slices.ContainsFunc(q.Counts, func(c counted) bool { return holdsCount(h.d.text, c) }) {
		return true
	}
	if !q.Intents[kindWhere] && !q.Intents[kindWho] && len(q.Which) == 0 {
		return false
	}
	// The sentence that answers the question must hold it.
	var start, end int
	if h.best < len(h.d.sentText) {
		for _, st := range h.d.sentText[:h.best] {
			start += len(st)
		}
		end = start + len(h.d.sentText[h.best])
	}
	named := false
	if len(q.Which) > 0 && end > start {
		named = slices.ContainsFunc(q.Which, func(head string) bool { return namesOne(h.d.text[start:end], head, q.Normalized) })
	}
	place, person := false, false
	for _, t := range h.d.textTokens() {
		if t.Start < start || t.End > end {
			continue
		}
		w := t.Text
		if utf8.RuneCountInString(w) < 2 || strings.Contains(q.Normalized, w) || idx.titleW[w] || idx.freq(w)*5 >= idx.n {
			continue
		}
		// The dictionary's parts of speech are too loose to trust alone
		// (新建 ns, 智慧 nr): a place is a road or a side of something, or
		// a place name of an administrative kind (吴中区, 沙尔沁镇).
		pos := idx.seg.Pos(w)
		place = place || placeRe.MatchString(w) || (pos == "ns" || pos == "") && areaRe.MatchString(w)
		person = person || personRe.MatchString(w)
	}
	return q.Intents[kindWhere] && !place || q.Intents[kindWho] && !person || len(q.Which) > 0 && !named
}

// namesOne reports whether a sentence names one of a kind (中心医院 for
// 医院): the kind's word after a character that, with it, the question
// does not write.
func namesOne(sentence, head, question string) bool {
	for off := 0; ; {
		i := strings.Index(sentence[off:], head)
		if i < 0 {
			return false
		}
		i += off
		if r, size := utf8.DecodeLastRuneInString(sentence[:i]); unicode.Is(unicode.Han, r) && !strings.Contains(question, sentence[i-size:i+len(head)]) {
			return true
		}
		off = i + len(head)
	}
}

// placeRe finds a word that places a thing (a road, a street, a side of
// something); personRe one that names a person by office, a firm or a
// body.
var (
	placeRe  = regexp.MustCompile(`(路|街|大道|巷|以东|以西|以南|以北|东侧|西侧|南侧|北侧|沿线|地块)$|^(位于|坐落)`)
	areaRe   = regexp.MustCompile(`(区|县|旗|市|镇|乡|村|嘎查)$`)
	personRe = regexp.MustCompile(`(总书记|主席|同志|公司|集团|有限|基金会|协会|学会|研究院|大学)$`)
)

// holdsCount reports whether a text gives the count a question asks: a
// number in its unit by the thing counted (5所公办幼儿园, 主要景点35个).
// A text that never names the thing does not count it.
func holdsCount(text string, c counted) bool {
	if len(c.nouns) == 0 {
		return c.unit == "" || numberInUnit(text, c.unit)
	}
	return slices.ContainsFunc(c.nouns, func(noun string) bool { return countedBy(text, c.unit, noun) })
}

// countedBy reports whether a number in unit stands near noun in text.
func countedBy(text, unit, noun string) bool {
	const before, after = 12, 16 // runes around the thing
	for off := 0; ; {
		i := strings.Index(text[off:], noun)
		if i < 0 {
			return false
		}
		i += off
		lo, hi := i, i+len(noun)
		for n := 0; n < before && lo > 0; n++ {
			_, size := utf8.DecodeLastRuneInString(text[:lo])
			lo -= size
		}
		for n := 0; n < after && hi < len(text); n++ {
			_, size := utf8.DecodeRuneInString(text[hi:])
			hi += size
		}
		window := text[lo:hi]
		if unit == "" && strings.ContainsFunc(window, unicode.IsDigit) || unit != "" && numberInUnit(window, unit) {
			return true
		}
		off = i + len(noun)
	}
}

// outsideOf counts the question's cues of what plans do not say that the
// answer does not say either: an answer that speaks of 待遇 or 收费 itself
// is the plan saying it.
func outsideOf(q query, d *doc) int {
	n := 0
	for _, w := range q.Outside {
		if !strings.Contains(d.text, w) && !strings.Contains(d.title, w) && !(q.Intents[kindRank] && statesRank(d.text)) {
			n++
		}
	}
	return n
}

// statesRank reports whether text states a rank as plans do (居全市第一,
// 位列全国前十).
func statesRank(text string) bool {
	return slices.ContainsFunc(wordTables().ranked, func(w string) bool { return strings.Contains(text, w) })
}

// kindOutside is the intent of questions a plan does not answer (prices,
// phone numbers, people): a feature of the decision to answer.
const kindOutside Kind = "outside"

var intentBoost = map[Kind]float64{KindTerm: 2, KindIndicator: 1.25, KindProject: 1.2}

// phraseBoost is what an answer gains, at most, for writing the
// question's words side by side as the question does.
const phraseBoost = 0.3

// sentences splits text after each full stop, semicolon, or mark of
// exclamation or question.
func sentences(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		switch r {
		case '。', '；', '！', '？':
			end := i + utf8.RuneLen(r)
			out = append(out, text[start:end])
			start = end
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// hasDigit reports whether s holds a digit (unicode.IsDigit). The Chinese
// characters, most of a plan, are not looked up: no digit is among them.
// containsHan is strings.Contains for a sub of Chinese characters, found
// faster in Chinese text: a place where sub may start is looked for by
// the last byte of its first character, where strings.Contains looks by
// the first, which starts every other character of such a text.
func containsHan(s, sub string) bool {
	if len(sub) < 3 || sub[0] < 0xE0 || sub[0] >= 0xF0 {
		return strings.Contains(s, sub) // not three bytes to a character
	}
	for i := 2; i <= len(s)-len(sub)+2; {
		k := strings.IndexByte(s[i:len(s)-len(sub)+3], sub[2])
		if k < 0 {
			return false
		}
		i += k
		if s[i-2:i-2+len(sub)] == sub {
			return true
		}
		i++
	}
	return false
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if '0' <= b && b <= '9' {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r < 0x3000 || r > 0x9fff) && unicode.IsDigit(r) {
			return true
		}
		i += size
	}
	return false
}

// charFactor makes a single character (what is left of a word the
// dictionary does not know) count less than a word.
func charFactor(t term) float64 {
	f := 1.0
	if utf8.RuneCountInString(t.Text) == 1 && !isASCIIWord(t.Text) {
		f *= 0.4
	}
	return f
}

func isASCIIWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// quantityBonus is what a sentence that holds a number gains for a 多少/几
// question, more when the number is in the unit asked (多少户 → 21234户).
func quantityBonus(q query, sentence string) float64 {
	if !q.Quantity {
		return 0
	}
	for _, u := range q.Units {
		if numberInUnit(sentence, u) {
			return 0.25
		}
	}
	return 0.08
}

// numberInUnit reports whether a number stands right before unit in s.
func numberInUnit(s, unit string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], unit)
		if i < 0 {
			return false
		}
		r, _ := utf8.DecodeLastRuneInString(s[:off+i])
		if unicode.IsDigit(r) || strings.ContainsRune("十百千万亿两", r) {
			return true
		}
		off += i + len(unit)
	}
}

// scorer measures how much of a question a set of words covers. The
// alternatives of a group count once: each by its heaviest word, in the
// share of its words present; the group by its best alternative.
type scorer struct {
	terms   []term
	weight  []float64
	alt     []int     // index into alts of each term, -1 for a plain term
	alts    []altInfo // the alternatives
	groups  int
	groupOf []int     // the Group of each group
	got     []float64 // scratch: weight present per alternative
	best    []float64 // scratch: best share per group
	held    []uint64  // scratch: the terms cover finds held
	// The covers of sets of up to 64 terms worked out since reset, by a
	// hash of the set: a plan's candidates and their sentences hold the
	// same few sets over and over. A slot is of this reset when its gen
	// is gen.
	memoSet [64]uint64
	memoOf  [64]float64
	memoGen [64]uint32
	gen     uint32
}

type altInfo struct {
	group    int     // 0-based group index
	top, all float64 // heaviest word, all words
	of       [2]int  // the term's Group and Alt
}

func newScorer(terms []term, weight func(term) float64) *scorer {
	sc := new(scorer)
	sc.reset(terms, func(i int) float64 { return weight(terms[i]) })
	return sc
}

// reset makes sc the scorer of terms, in the memory it has. A question
// has few groups and alternatives: they are found by looking through them.
func (sc *scorer) reset(terms []term, weight func(i int) float64) {
	if sc.gen++; sc.gen == 0 { // once in four billion resets
		sc.memoGen = [64]uint32{}
		sc.gen = 1
	}
	sc.terms = terms
	sc.weight = slices.Grow(sc.weight[:0], len(terms))[:len(terms)]
	sc.alt = slices.Grow(sc.alt[:0], len(terms))[:len(terms)]
	sc.alts, sc.groupOf = sc.alts[:0], sc.groupOf[:0]
	for i, t := range terms {
		w := weight(i)
		sc.weight[i] = w
		sc.alt[i] = -1
		if t.Group == 0 {
			continue
		}
		g := slices.Index(sc.groupOf, t.Group)
		if g < 0 {
			g = len(sc.groupOf)
			sc.groupOf = append(sc.groupOf, t.Group)
		}
		k := [2]int{t.Group, t.Alt}
		a := slices.IndexFunc(sc.alts, func(info altInfo) bool { return info.of == k })
		if a < 0 {
			a = len(sc.alts)
			sc.alts = append(sc.alts, altInfo{group: g, of: k})
		}
		sc.alt[i] = a
		sc.alts[a].top = math.Max(sc.alts[a].top, w)
		sc.alts[a].all += w
	}
	sc.groups = len(sc.groupOf)
	sc.got = slices.Grow(sc.got[:0], len(sc.alts))[:len(sc.alts)]
	sc.best = slices.Grow(sc.best[:0], sc.groups)[:sc.groups]
}

// cover sums the weight of the question's words that has accepts. A
// scorer is not safe for concurrent use.
func (sc *scorer) cover(has func(string) bool) float64 {
	held := grown(&sc.held, (len(sc.terms)+63)/64)
	clear(held)
	for i, t := range sc.terms {
		if has(t.Text) {
			held[i/64] |= 1 << (i % 64)
		}
	}
	return sc.coverBits(held)
}

// coverBits is cover with the question's words held told by their place
// in it: bit i of held (held[i/64]'s bit i%64) for the i-th term.
func (sc *scorer) coverBits(held []uint64) float64 {
	if len(held) != 1 {
		return sc.sumBits(held)
	}
	set := held[0]
	slot := (set * 0x9E3779B97F4A7C15) >> 58
	if sc.memoGen[slot] == sc.gen && sc.memoSet[slot] == set {
		return sc.memoOf[slot]
	}
	v := sc.sumBits(held)
	sc.memoSet[slot], sc.memoOf[slot], sc.memoGen[slot] = set, v, sc.gen
	return v
}

// sumBits works coverBits out.
func (sc *scorer) sumBits(held []uint64) float64 {
	sum, alts := 0.0, false
	// The terms held, in their order: a set's bits, lowest first.
	for k, set := range held {
		for ; set != 0; set &= set - 1 {
			i := k*64 + bits.TrailingZeros64(set)
			if a := sc.alt[i]; a >= 0 {
				if !alts {
					clear(sc.got)
					alts = true
				}
				sc.got[a] += sc.weight[i]
			} else {
				sum += sc.weight[i]
			}
		}
	}
	if !alts {
		return sum
	}
	clear(sc.best)
	for a, info := range sc.alts {
		// An alternative none of whose words is held adds nothing.
		if info.all > 0 && sc.got[a] != 0 {
			sc.best[info.group] = math.Max(sc.best[info.group], info.top*sc.got[a]/info.all)
		}
	}
	for _, w := range sc.best {
		sum += w
	}
	return sum
}

// missing lists the question's own words (not their synonyms) that the
// plan never uses and that name something: nouns and words unknown to the
// dictionary, in the question's order.
func (idx *Index) missing(q query) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, t := range q.Terms {
		if t.Group != 0 || idx.freq(t.Text) > 0 || seen[t.Text] || utf8.RuneCountInString(t.Text) < 2 {
			continue
		}
		pos := idx.seg.Pos(t.Text)
		if t.Unknown || pos == "" || strings.HasPrefix(pos, "n") || pos == "j" {
			seen[t.Text] = true
			out = append(out, t.Text)
		}
	}
	return out
}

// absentNoun weighs a noun the plan never uses above any word it uses:
// it names a topic the plan does not speak of.
const absentNoun = 1.5

// absentWeight is how much a word of the question that the plan never uses
// counts against an answer, by its part of speech.
func (idx *Index) absentWeight(w string) float64 {
	pos := idx.seg.Pos(w)
	switch {
	case pos == "":
		return idx.idf(w) / 2
	case strings.HasPrefix(pos, "n") && pos != "nz" || pos == "j":
		return absentNoun * idx.idf(w)
	}
	return 0.5
}

// idf weighs a word by how rare it is in the plan; a word the plan never
// uses weighs as much as the rarest.
func (idx *Index) idf(w string) float64 {
	return idx.idfs[idx.freq(w)]
}

// exact reports whether the document's title, or one of a term's aliases,
// stands whole in the question.
func (idx *Index) exact(d *doc, q query) bool {
	if d.runes&^q.runes != 0 {
		return false // most documents: a rune of each name is not in the question
	}
	in := func(n string) bool {
		// Most titles fail on their first character, which is cheaper
		// to look for than to lower the whole title.
		r, _ := utf8.DecodeRuneInString(n)
		return utf8.RuneCountInString(n) >= 2 && strings.ContainsRune(q.Normalized, unicode.ToLower(r)) &&
			strings.Contains(q.Normalized, strings.ToLower(n))
	}
	if in(d.title) {
		return true
	}
	if d.kind == KindTerm {
		for n := range strings.FieldsSeq(d.extra) {
			if in(n) {
				return true
			}
		}
	}
	return false
}

// dedupe drops the hits whose text another hit already shows and keeps
// at most limit.
func dedupe(hits []hit, limit int) []hit {
	out := make([]hit, 0, min(limit, len(hits)))
	for _, h := range hits {
		if slices.ContainsFunc(out, func(o hit) bool { return sameShown(o.d, h.d) }) {
			continue
		}
		out = append(out, h)
		if len(out) == limit {
			break
		}
	}
	return out
}

// sameShown reports whether two documents show the same thing: a passage,
// a project and a target when their texts are the same; an indicator or a
// term, when it is also of the same kind.
func sameShown(a, b *doc) bool {
	byText := func(k Kind) bool { return k == KindPassage || k == KindProject || k == KindTarget }
	return a.text == b.text && (a.kind == b.kind || byText(a.kind) && byText(b.kind))
}

// givesWay is how well a paragraph must be found, against a figure of its
// prose found before it, for the figure to give way to it (retrieveIn).
const givesWay = 0.9

// mayShow tells, as a plan's candidates are scored best bound first,
// whether a candidate may still matter: be among the first need hits
// that dedupe keeps, or a paragraph a figure among them gives way to.
// Neither may one whose score is below givesWay times that of the
// need-th kept hit scored so far: it sorts after need hits that dedupe
// keeps, and no figure before them gives way to it.
type mayShow struct {
	need  int
	top   []int32 // the hits scored, by their place in hits, best first
	least float64 // the score of the need-th hit dedupe keeps of top, 0 before
}

// may reports whether a candidate that scores at most most may matter.
// The bound and the score are worked out apart: they may differ in their
// last digits.
func (s *mayShow) may(most float64) bool {
	return s.need <= 0 || !(most*(1+1e-9) < givesWay*s.least)
}

// add takes the score of hits[i] into account.
func (s *mayShow) add(hits []hit, i int) {
	h := hits[i]
	if s.need <= 0 || h.score <= s.least {
		return // least can only rise
	}
	k, _ := slices.BinarySearchFunc(s.top, h.score, func(t int32, score float64) int { return cmp.Compare(score, hits[t].score) })
	s.top = slices.Insert(s.top, k, int32(i))
	n := 0
	for x, t := range s.top {
		if slices.ContainsFunc(s.top[:x], func(o int32) bool { return sameShown(hits[o].d, hits[t].d) }) {
			continue
		}
		if n++; n == s.need {
			s.least = hits[t].score
			return
		}
	}
}

// result turns a document into a result, without its excerpt (see
// searched.excerpts).
func (idx *Index) result(d *doc, score float64) Result {
	return Result{Plan: idx.name, Kind: d.kind, Title: d.title, Text: d.text, Location: d.location, Score: math.Round(score*1000) / 1000, ID: d.id, Items: d.items}
}
