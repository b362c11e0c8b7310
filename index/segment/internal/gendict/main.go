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
// Run it through go generate in index/segment:
//
//	go generate ./index/segment
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"

	"planbot/corpus"
)

// restWord must match the constant of package segment.
const restWord = "<rest>"

func main() {
	out := flag.String("o", "dict.txt", "output file")
	wordsOut := flag.String("words", "planwords.txt", "output file for the plan's own words")
	minFreq := flag.Float64("minfreq", 500, "keep every entry at least this frequent")
	flag.Parse()
	if err := run(*out, *wordsOut, *minFreq); err != nil {
		fmt.Fprintln(os.Stderr, "gendict:", err)
		os.Exit(1)
	}
}

func run(out, wordsOut string, minFreq float64) error {
	plan, err := corpus.Default()
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
	if err := write(out, keep, full.Dict.TotalFreq()); err != nil {
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
	words = append(words, newWords(plan.Texts(), pruned)...)
	slices.Sort(words)
	return writeWords(wordsOut, slices.Compact(words))
}

// functionChars are characters that seldom stand inside a name: a run of
// them is grammar, not a word of the plan.
const functionChars = "的是了在和与等中指之及为对将把从被也都而或其这那个万〇一二三四五六七八九十大新各地"

// newWords finds the plan's words that gse knows nothing of: strings of
// two or three characters that the dictionary cuts into single characters
// and that recur (北梁, 冷链, 文旅). A string inside a longer one that
// recurs as often is left for the longer one (呼包鄂, not 呼包).
func newWords(texts []string, seg *gse.Segmenter) []string {
	count := map[string]int{}
	for _, text := range texts {
		for _, run := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.Is(unicode.Han, r) }) {
			var singles []rune
			flush := func() {
				for n := 2; n <= 3; n++ {
					for k := 0; k+n <= len(singles); k++ {
						count[string(singles[k:k+n])]++
					}
				}
				singles = singles[:0]
			}
			for _, sg := range seg.Segment([]byte(run)) {
				w := sg.Token().Text()
				if utf8.RuneCountInString(w) == 1 {
					singles = append(singles, []rune(w)...)
				} else {
					flush()
				}
			}
			flush()
		}
	}
	var out []string
	for w, n := range count {
		if n < 4 || strings.ContainsAny(w, functionChars) {
			continue
		}
		longer := false
		for v, m := range count {
			if m >= n && len(v) > len(w) && strings.Contains(v, w) && !strings.ContainsAny(v, functionChars) {
				longer = true
				break
			}
		}
		if !longer {
			out = append(out, w)
		}
	}
	return out
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

// write writes the kept entries sorted, after the <rest> entry carrying the
// total minus their frequencies. Frequencies are whole numbers, so the sums
// are exact.
func write(name string, keep map[string]entry, total float64) error {
	words := make([]string, 0, len(keep))
	rest := total
	for w, e := range keep {
		words = append(words, w)
		rest -= e.freq
	}
	if rest < 2 {
		return errors.New("no frequency left for " + restWord)
	}
	slices.Sort(words)
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "%s %s\n", restWord, strconv.FormatFloat(rest, 'f', -1, 64))
	for _, word := range words {
		e := keep[word]
		line := word + " " + strconv.FormatFloat(e.freq, 'f', -1, 64)
		if e.pos != "" {
			line += " " + e.pos
		}
		fmt.Fprintln(w, line)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
