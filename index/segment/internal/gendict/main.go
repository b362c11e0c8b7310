// Command gendict writes the pruned gse dictionary that package segment
// embeds. It keeps, from gse's embedded Chinese dictionary (simplified and
// traditional, as gse loads it by default), every entry that can match
// inside a run of Chinese characters of the plan's texts (corpus.Default,
// Texts), and every entry made of Chinese characters with at least -minfreq
// occurrences, for the everyday words of questions. A first entry, <rest>,
// carries the summed frequency of all the others so that the dictionary's
// total, and with it every word's cost, stays that of the full dictionary.
// Entries keep gse's part of speech, which tells a noun from a verb.
//
// It also writes the plan's own vocabulary (-words): the terms its glossary
// defines, the short phrases it puts in quotation marks (“十三五”,
// “一码通”) and the recurring strings the dictionary cuts into single
// characters (北梁, 冷链), which gse would cut apart. The segmenter loads
// them after the dictionary.
//
// And it writes entries for the words of the query vocabulary (-vocab:
// stopwords.txt and vocab/*.txt of index/data) that the pruned dictionary
// would cut apart (-vocabwords), each with the lowest frequency that keeps
// it whole: the segmenter loads them before the dictionary, so that a plan
// word of the vocabulary (排水管网) is one token of a question and of the
// plan, and an everyday word (下水道) or a dialect question word (咋介)
// one token of a question. Words of the vocabulary that gse knows keep
// their entry even when rare. synonyms.txt is left out: its plan words
// name the indicators (地区生产总值增长率), whose names are matched word
// by word.
//
// Run it through go generate in index/segment:
//
//	go generate ./index/segment
package main

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"

	"planbot/index/segment/internal/newwords"

	"planbot/corpus"
)

// restWord must match the constant of package segment.
const restWord = "<rest>"

func main() {
	out := flag.String("o", "dict.txt", "output file")
	wordsOut := flag.String("words", "planwords.txt", "output file for the plan's own words")
	minFreq := flag.Float64("minfreq", 500, "keep every entry at least this frequent")
	vocabDir := flag.String("vocab", "", "directory of the query vocabulary (stopwords.txt, vocab/*.txt)")
	vocabOut := flag.String("vocabwords", "vocabwords.txt", "output file for the vocabulary's words the dictionary lacks")
	flag.Parse()
	if err := run(*out, *wordsOut, *minFreq, *vocabDir, *vocabOut); err != nil {
		fmt.Fprintln(os.Stderr, "gendict:", err)
		os.Exit(1)
	}
}

func run(out, wordsOut string, minFreq float64, vocabDir, vocabOut string) error {
	plan, err := corpus.Default()
	if err != nil {
		return err
	}
	vocab, err := vocabWords(vocabDir)
	if err != nil {
		return err
	}
	var full gse.Segmenter
	full.NotLoadHMM = true
	full.SkipLog = true
	if err := full.LoadDictEmbed("zh"); err != nil {
		return err
	}
	keep := used(&full, plan.Texts())
	for _, t := range full.Dict.Tokens {
		if t.Freq() >= minFreq && isHan(t.Text()) {
			keep[t.Text()] = entry{t.Freq(), t.Pos()}
		}
	}
	for w := range vocab {
		if freq, pos, ok := full.Find(w); ok && freq > 0 {
			keep[w] = entry{freq, pos}
		}
	}
	dict := format(keep, full.Dict.TotalFreq())
	if dict == "" {
		return errors.New("no frequency left for " + restWord)
	}
	if err := os.WriteFile(out, []byte(dict), 0o644); err != nil {
		return err
	}
	words := planWords(plan, &full)
	pruned := new(gse.Segmenter)
	pruned.NotLoadHMM = true
	pruned.SkipLog = true
	if err := pruned.LoadDictEmbed("zh"); err != nil {
		return err
	}
	for _, w := range words {
		pruned.AddToken(w, 3000, "nz")
	}
	pruned.CalcToken()
	words = append(words, newwords.Find(plan.Texts(), 4, func(run string) []string {
		var out []string
		for _, sg := range pruned.Segment([]byte(run)) {
			out = append(out, sg.Token().Text())
		}
		return out
	})...)
	slices.Sort(words)
	words = slices.Compact(words)
	if err := writeWords(wordsOut, words); err != nil {
		return err
	}
	if vocabDir == "" {
		return nil
	}
	vd, err := vocabDict(dict, words, vocab)
	if err != nil {
		return err
	}
	return os.WriteFile(vocabOut, []byte(vd), 0o644)
}

// vocabWords returns the words of the query vocabulary in dir, both sides
// of every line, as the runs of Chinese characters of two or more that
// the segmenter sees (5g网络 → 网络), with the part of speech a word gse
// lacks gets: n for the everyday words of a `>` line, which name things
// (地铁 > 城市轨道交通), so that a question about one the plan never
// names counts it as a missing noun; nz for the others.
func vocabWords(dir string) (map[string]string, error) {
	words := map[string]string{}
	if dir == "" {
		return words, nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "vocab", "*.txt"))
	if err != nil {
		return nil, err
	}
	files = append([]string{filepath.Join(dir, "stopwords.txt")}, files...)
	add := func(text, pos string) {
		for _, w := range strings.Fields(text) {
			for _, run := range strings.FieldsFunc(w, func(r rune) bool { return !unicode.Is(unicode.Han, r) }) {
				if utf8.RuneCountInString(run) >= 2 && words[run] != "n" {
					words[run] = pos
				}
			}
		}
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if plan, kinds, ok := strings.Cut(line, ">"); ok && !strings.Contains(line, "=") {
				add(plan, "nz")
				add(kinds, "n")
				continue
			}
			add(strings.ReplaceAll(line, "=", " "), "nz")
		}
	}
	return words, nil
}

// vocabFreqs are the frequencies tried, lowest first, for a word of the
// vocabulary that the dictionary cuts apart: the lowest that keeps it
// whole. Low frequencies keep the dictionary's total, and so the cost of
// every other word and the plan's cuts, nearly as they were.
var vocabFreqs = []float64{100, 300, 1000, 3000, 10000}

// vocabDict returns the entries, in gse's text format, that keep every
// word whole in a segmenter that loads them before dict and then the
// plan's words: a word gse lacks as a noun of the lowest frequency that
// does, a word gse has but too rare to stand whole with a higher
// frequency and its part of speech (loaded first, the entry wins over
// dict's).
func vocabDict(dict string, planWords []string, words map[string]string) (string, error) {
	type entry struct {
		freq float64
		pos  string
	}
	added := map[string]entry{}
	format := func() string {
		lines := make([]string, 0, len(added))
		for w, e := range added {
			line := w + " " + strconv.FormatFloat(e.freq, 'f', -1, 64)
			if e.pos != "" {
				line += " " + e.pos
			}
			lines = append(lines, line+"\n")
		}
		slices.Sort(lines)
		return strings.Join(lines, "")
	}
	// A word added can cut another apart (养老 + 院 beating a rare
	// 养老院): add, rebuild and check again until every word stays whole.
	for {
		var seg gse.Segmenter
		seg.NotLoadHMM = true
		seg.SkipLog = true
		if err := seg.LoadDictStr(format() + dict); err != nil {
			return "", err
		}
		for _, w := range planWords {
			seg.AddToken(w, 3000, "nz")
		}
		seg.CalcToken()
		changed := false
		for _, w := range slices.Sorted(maps.Keys(words)) {
			if len(seg.Segment([]byte(w))) == 1 {
				continue
			}
			e, ok := added[w]
			if !ok {
				e.pos = words[w]
				if freq, pos, known := seg.Find(w); known {
					e = entry{freq, pos}
				}
			}
			k := slices.IndexFunc(vocabFreqs, func(f float64) bool { return f > e.freq })
			if k < 0 {
				return "", fmt.Errorf("%s: cut apart even at frequency %v", w, e.freq)
			}
			added[w] = entry{vocabFreqs[k], e.pos}
			changed = true
		}
		if !changed {
			return format(), nil
		}
	}
}

// entry is a dictionary word's frequency and part of speech.
type entry struct {
	freq float64
	pos  string
}

var quotedRe = regexp.MustCompile(`“(\p{Han}{2,6})”`)

// planWords returns the plan's own words that gse's dictionary lacks: the
// glossary's terms and the short phrases the plan quotes.
func planWords(plan *corpus.Plan, full *gse.Segmenter) []string {
	set := map[string]bool{}
	add := func(w string) {
		n := utf8.RuneCountInString(w)
		if n >= 2 && n <= 8 && isHan(w) {
			if _, _, ok := full.Find(w); !ok {
				set[w] = true
			}
		}
	}
	for _, t := range plan.Terms {
		for _, a := range t.Aliases {
			add(a)
		}
	}
	for _, text := range plan.Texts() {
		for _, m := range quotedRe.FindAllStringSubmatch(text, -1) {
			add(m[1])
		}
	}
	words := make([]string, 0, len(set))
	for w := range set {
		words = append(words, w)
	}
	slices.Sort(words)
	return words
}

func writeWords(name string, words []string) error {
	var b strings.Builder
	b.WriteString("# The plan's own words, written by internal/gendict; see package segment.\n")
	for _, w := range words {
		b.WriteString(w + "\n")
	}
	return os.WriteFile(name, []byte(b.String()), 0o644)
}

// used returns the entries of seg's dictionary that gse's Segment can
// look up in texts: package segment hands it only the runs of Chinese
// characters, and Segment looks up every entry starting at each character
// (entries that are only prefixes of others play no part in it).
func used(seg *gse.Segmenter, texts []string) map[string]entry {
	found := make([]*gse.Token, seg.Dict.MaxTokenLen())
	keep := make(map[string]entry)
	for _, text := range texts {
		for _, run := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.Is(unicode.Han, r) }) {
			units := seg.SplitTextToWords([]byte(run))
			for i := range units {
				n := seg.Dict.LookupTokens(units[i:min(len(units), i+len(found))], found)
				for _, t := range found[:n] {
					keep[t.Text()] = entry{t.Freq(), t.Pos()}
				}
			}
		}
	}
	return keep
}

func isHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// format returns the kept entries in gse's text format, sorted, after the
// <rest> entry carrying the total minus their frequencies; "" if nothing
// is left for it. Frequencies are whole numbers, so the sums are exact.
func format(keep map[string]entry, total float64) string {
	words := make([]string, 0, len(keep))
	rest := total
	for w, e := range keep {
		words = append(words, w)
		rest -= e.freq
	}
	if rest < 2 {
		return ""
	}
	slices.Sort(words)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", restWord, strconv.FormatFloat(rest, 'f', -1, 64))
	for _, word := range words {
		e := keep[word]
		b.WriteString(word + " " + strconv.FormatFloat(e.freq, 'f', -1, 64))
		if e.pos != "" {
			b.WriteString(" " + e.pos)
		}
		b.WriteString("\n")
	}
	return b.String()
}
